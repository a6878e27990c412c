#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_depthwise_kernel.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layers_internal.h"
#include "server/util/cpu_dispatch.h"

namespace fpgaas::numerics::internal {
namespace {

// Exact intermediates are held in 128-bit integers: every product/sum must fit this many bits.
constexpr int kMaxExactBits = 120;

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}
absl::Status Unimplemented(const LayerSpec& s, absl::string_view why) {
  return absl::UnimplementedError(absl::StrCat("layer \"", s.name, "\": ", why));
}

absl::Status CheckType(const LayerSpec& s, const FixedType& t, absl::string_view what) {
  if (t.width < 1 || t.width > 64 || std::abs(t.integer_bits) > 512 || t.saturation_bits < 0 ||
      t.saturation_bits > t.width) {
    return Invalid(s, absl::StrCat(what, " ", t.ToString(), " is not a supported type"));
  }
  return absl::OkStatus();
}

absl::Status CheckRaws(const LayerSpec& s, const std::vector<int64_t>& raws, const FixedType& t,
                       absl::string_view what) {
  for (size_t k = 0; k < raws.size(); ++k) {
    if (WrapToWidth(t, raws[k]) != raws[k]) {
      return Invalid(
          s, absl::StrCat(what, "[", k, "] = ", raws[k], " is not a raw value of ", t.ToString()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSize(const LayerSpec& s, const LayerInput& in, int64_t expected,
                       absl::string_view what) {
  if (in.size != expected) {
    return Invalid(s, absl::StrCat(what, " = ", expected, " values but its input has ", in.size));
  }
  return absl::OkStatus();
}

// Geometry bounds: every dimension, padding and window within 1..kMaxDim (0.. for padding), and
// every tensor within kMaxValues values (so all index arithmetic fits int).
constexpr int kMaxDim = 1 << 15;
constexpr int64_t kMaxValues = int64_t{1} << 26;

absl::Status CheckPositive(const LayerSpec& s, std::initializer_list<std::pair<const char*, int>> v,
                           int min) {
  for (auto [name, value] : v) {
    if (value < min || value > kMaxDim) {
      return Invalid(s, absl::StrCat(name, " = ", value, " must be within ", min, "..", kMaxDim));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCount(const LayerSpec& s, int64_t a, int64_t b, int64_t c,
                        absl::string_view what) {
  if (a * b > kMaxValues || a * b * c > kMaxValues) {
    return Invalid(
        s, absl::StrCat(what, " ", a, "x", b, "x", c, " has more than ", kMaxValues, " values"));
  }
  return absl::OkStatus();
}

// Exact value of raw r of t, scaled to f fractional bits (f >= t's F).
Int128 Scaled(const FixedType& t, int64_t r, int f) {
  return WideRaw(t, r) << (f - t.fractional_bits());
}

// y = res_t(x) for a raw of `from`.
int64_t To(const FixedType& from, int64_t raw, const FixedType& res) {
  return Convert(from, raw, res);
}

// y[b] = c(x[b]) over one row of lanes, by the recipe when there is one.
void ConvertRow(const std::optional<FastConvert>& c, const FixedType& from, const int64_t* x,
                const FixedType& to, int64_t* y, size_t lanes) {
  if (c) {
    ConvertRaws(*c, x, y, lanes);
  } else {
    for (size_t b = 0; b < lanes; ++b) y[b] = Convert(from, x[b], to);
  }
}

// y[k] = x[k] between int64 and int32 lanes (values that fit both) or within one lane type,
// vectorized for the best instruction set.
FPGAAS_NUMERICS_CLONES void NarrowRaws(const int64_t* x, int32_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = static_cast<int32_t>(x[k]);
}
FPGAAS_NUMERICS_CLONES void WidenRaws(const int32_t* x, int64_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k];
}
void CopyRaws(const int64_t* x, int32_t* y, size_t n) { NarrowRaws(x, y, n); }
void CopyRaws(const int32_t* x, int64_t* y, size_t n) { WidenRaws(x, y, n); }
void CopyRaws(const int64_t* x, int64_t* y, size_t n) { std::copy(x, x + n, y); }

// Element-wise rows of the pooling, merge and activation block forms below, compiled per ISA
// (plain int64 loops: the default x86-64 clone has no 64-bit vector compares or multiplies).
// y[b] = (xa[b] << sa) + (xb[b] << sb), or minus (exact: the caller bounds the shifted values).
FPGAAS_NUMERICS_CLONES void AddShiftedRow(const int64_t* xa, int sa, const int64_t* xb, int sb,
                                          bool subtract, int64_t* y, size_t lanes) {
  if (subtract) {
    for (size_t b = 0; b < lanes; ++b) y[b] = (xa[b] << sa) - (xb[b] << sb);
  } else {
    for (size_t b = 0; b < lanes; ++b) y[b] = (xa[b] << sa) + (xb[b] << sb);
  }
}
// Pooling rows (PoolingLayer::RunBlock): a[b] = max(a[b], v[b]) / max(a[b], c); a[b] / d
// truncated toward zero (0 when d is 0), the raw quotient of ap_fixed /= unsigned.
FPGAAS_NUMERICS_CLONES void MaxRow(int64_t* a, const int64_t* v, size_t n) {
  for (size_t b = 0; b < n; ++b) a[b] = v[b] > a[b] ? v[b] : a[b];
}
FPGAAS_NUMERICS_CLONES void MaxConstRow(int64_t* a, int64_t c, size_t n) {
  for (size_t b = 0; b < n; ++b) a[b] = c > a[b] ? c : a[b];
}
// a[b] / 2^shift truncated toward zero: a negative value is biased by 2^shift - 1 before the
// arithmetic shift (exact: the caller's sums are far from the int64 bounds). Unlike `/`, it
// vectorizes.
FPGAAS_NUMERICS_CLONES void DivideRowPow2(int64_t* a, int shift, size_t n) {
  const int64_t bias = (int64_t{1} << shift) - 1;
  for (size_t b = 0; b < n; ++b) a[b] = (a[b] + ((a[b] >> 63) & bias)) >> shift;
}
void DivideRow(int64_t* a, int64_t d, size_t n) {
  if (d == 1) return;
  if (d > 0 && (d & (d - 1)) == 0) {
    DivideRowPow2(a, std::countr_zero(static_cast<uint64_t>(d)), n);
    return;
  }
  for (size_t b = 0; b < n; ++b) a[b] = d > 0 ? a[b] / d : 0;
}

// --------------------------------------------------------------------------------------------

class ConvLayer final : public ExtraLayer {
 public:
  ConvLayer(const ConvSpec& c, const FixedType& in, const FixedType& res)
      : c_(c), in_(in), res_(res) {
    n_out_ = c.out_height * c.out_width * c.n_filt;
    macs_ =
        static_cast<int64_t>(n_out_) * c.filt_height * c.filt_width * (c.depthwise ? 1 : c.n_chan);
    product_shift_ =
        in.fractional_bits() + c.weight_type.fractional_bits() - c.accum_type.fractional_bits();
    for (int64_t b : c.biases) bias_accum_.push_back(Convert(c.bias_type, b, c.accum_type));
    if (c.exponent_weights) {
      exponent_.emplace(in, c.exponent_weights->product_type);
      product_shift_ = exponent_->fractional_bits() - c.accum_type.fractional_bits();
      return;  // the exact path only
    }
    PlanFast();
  }

  void Run(const int64_t* const* xs, int64_t* y) const override {
    if (input_rows_.empty()) {
      RunSample(xs[0], y);
      return;
    }
    thread_local std::vector<int64_t> moved;
    moved.resize(input_rows_.size());
    for (size_t k = 0; k < input_rows_.size(); ++k) {
      moved[k] = input_rows_[k] < 0 ? 0 : xs[0][input_rows_[k]];
    }
    RunSample(moved.data(), y);
  }

  // The fast block form reads the moved rows while it builds its padded image (RunBlockOn).
  std::unique_ptr<ExtraLayer> ReadingMovedRows(const std::vector<int>& rows,
                                               int source_size) const override {
    if (plan_.kind == DenseKernelKind::kGeneral || depthwise_ || !input_rows_.empty()) {
      return nullptr;
    }
    auto layer = std::make_unique<ConvLayer>(*this);
    layer->input_rows_ = rows;
    layer->set_input_sizes({source_size});
    return layer;
  }

  // Every fast form (RunBlockOn, RunFast) ends with epilogue_; the depthwise forms convert by
  // to_result alone.
  std::optional<BlockEpilogue> block_epilogue() const override {
    if (plan_.kind == DenseKernelKind::kGeneral || depthwise_) return std::nullopt;
    return BlockEpilogue{epilogue_, plan_.kind != DenseKernelKind::kFast64};
  }
  std::unique_ptr<ExtraLayer> WithBlockEpilogue(const DenseEpilogue& e) const override {
    auto layer = std::make_unique<ConvLayer>(*this);
    layer->epilogue_ = e;
    return layer;
  }

  void RunSample(const int64_t* x, int64_t* y) const {
    if (plan_.kind != DenseKernelKind::kGeneral) {
      RunFast(x, y);
      return;
    }
    const ConvSpec& c = c_;
    const FixedType& acc_t = c.accum_type;
    std::vector<int64_t> acc(c.n_filt);
    for (int oh = 0; oh < c.out_height; ++oh) {
      for (int ow = 0; ow < c.out_width; ++ow) {
        acc = bias_accum_;
        for (int kh = 0; kh < c.filt_height; ++kh) {
          const int iy = oh * c.stride_height + kh - c.pad_top;
          for (int kw = 0; kw < c.filt_width; ++kw) {
            const int ix = ow * c.stride_width + kw - c.pad_left;
            // A padded position holds 0: its products add 0 to an in-range accumulator.
            if (iy < 0 || iy >= c.in_height || ix < 0 || ix >= c.in_width) continue;
            const int64_t* px = x + (static_cast<size_t>(iy) * c.in_width + ix) * c.n_chan;
            if (c.depthwise) {
              // Channel ch only meets filter ch: weights [kh][kw][chan].
              const size_t w0 = static_cast<size_t>(kh * c.filt_width + kw) * c.n_chan;
              for (int ch = 0; ch < c.n_chan; ++ch) {
                const int64_t pq = Product(px[ch], w0 + ch);
                acc[ch] = ApplyOverflow(acc_t, WideRaw(acc_t, acc[ch]) + WideRaw(acc_t, pq));
              }
              continue;
            }
            const size_t w0 = static_cast<size_t>(kh * c.filt_width + kw) * c.n_chan * c.n_filt;
            for (int ch = 0; ch < c.n_chan; ++ch) {
              for (int f = 0; f < c.n_filt; ++f) {
                const int64_t pq = Product(px[ch], w0 + static_cast<size_t>(ch) * c.n_filt + f);
                acc[f] = ApplyOverflow(acc_t, WideRaw(acc_t, acc[f]) + WideRaw(acc_t, pq));
              }
            }
          }
        }
        int64_t* py = y + (static_cast<size_t>(oh) * c.out_width + ow) * c.n_filt;
        for (int f = 0; f < c.n_filt; ++f) py[f] = To(acc_t, acc[f], res_);
      }
    }
  }

  // At a block of samples each output pixel is one dense layer over the samples (lanes). The input
  // is first copied once into a zero-padded image in the kernel's lane type (int32 lanes narrowed
  // once rather than once per window); a window's row of filt_width pixels is then one contiguous
  // run of that image, copied into a feature-major block in (kh, kw, chan) order, or read in place
  // when the whole window is one run (1-D convolutions, windows spanning the padded width). The
  // padding holds 0, as Run's skipped products (PlanFast).
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    if (depthwise_ && lanes <= kKernelBlock) {
      RunDepthwiseBlock(xs[0], y, lanes);
      return;
    }
    if (plan_.kind == DenseKernelKind::kGeneral ||
        (lanes != kSmallBlock && lanes != kKernelBlock)) {
      ExtraLayer::RunBlock(xs, y, count, lanes);
      return;
    }
    if (plan_.kind == DenseKernelKind::kFast64) {
      RunBlockOn<int64_t>(xs[0], y, lanes);
    } else {
      RunBlockOn<int32_t>(xs[0], y, lanes);
    }
  }

 private:
  // accum_t(x * w_k) for a raw input x and weight index k: the plain product, or
  // weight_exponential's shifted r_T value.
  int64_t Product(int64_t x, size_t k) const {
    const ConvSpec& c = c_;
    if (exponent_) {
      const Int128 p =
          (*exponent_)(x, c.exponent_weights->sign[k], c.exponent_weights->exponent[k]);
      return QuantizeScaled(c.accum_type, p, -product_shift_);
    }
    const Int128 p = WideRaw(in_, x) * WideRaw(c.weight_type, c.weights[k]);
    return QuantizeScaled(c.accum_type, p, -product_shift_);
  }

  // The convolution as a dense layer over output pixels (network_kernels_internal.h): each pixel's
  // window, in the (kh, kw, chan) order the loop above sums in, is one lane of a feature-major
  // block; padded positions hold 0, whose product term is 0 in every quantization mode (0 <= rc <
  // 2^shift_right) and leaves an in-range accumulator unchanged, as skipping it does. Only when
  // the dense kernel's result goes straight to res_t (kWrap32 with res_t in int32, kFast32,
  // kFast64).
  void PlanFast() {
    const ConvSpec& c = c_;
    if (c.depthwise) {
      PlanDepthwise();
      return;  // one filter per channel: not a dense layer over the window
    }
    window_ = c.filt_height * c.filt_width * c.n_chan;
    DensePlan plan = PlanDense(in_, c.weight_type, c.accum_type, res_, c.resource_strategy);
    NarrowForWeights(in_, c.weights, plan);
    const bool in32 = (in_.is_signed ? in_.width - 1 : in_.width) <= 31;
    const bool res32 = (res_.is_signed ? res_.width - 1 : res_.width) <= 31;
    if (plan.kind == DenseKernelKind::kGeneral ||
        (plan.kind != DenseKernelKind::kFast64 && (!in32 || !res32))) {
      return;
    }
    plan_ = plan;
    epilogue_.to_result = *plan.to_result;
    w_by_out_.resize(c.weights.size());
    for (int i = 0; i < window_; ++i) {
      for (int f = 0; f < c.n_filt; ++f) {
        w_by_out_[static_cast<size_t>(f) * window_ + i] =
            c.weights[static_cast<size_t>(i) * c.n_filt + f];
      }
    }
    PlanDeferredSaturation(w_by_out_, window_, c.n_filt, plan_);
    PlanFmaProducts(in_, w_by_out_, window_, plan_);
    w32_.assign(w_by_out_.begin(), w_by_out_.end());
    bias32_.assign(bias_accum_.begin(), bias_accum_.end());
  }

  // The depthwise block form: Run's loop with every lane at once, each product, sum and result
  // an exact int64 FastConvert (products within 61 bits, accumulator sums within 62).
  struct DepthwiseFast {
    FastConvert product_to_accum;               // accum_t(x * w)
    FastConvert sum_to_accum;                   // accum_t(acc + term)
    FastConvert to_result;                      // res_t(acc)
    bool mul32 = false;                         // inputs and weights within int32: MacConvertRaws32
    std::optional<DepthwiseKernelPlan> kernel;  // mul32 on pixel_kernel
    DepthwisePixelFn pixel_kernel = nullptr;
    // Blocks of kKernelBlock lanes on DepthwisePixels32 (w32_, bias32_) when every MAC fits
    // int32 lanes (PlanDense's kFast32 / kWrap32 arithmetic for these types).
    bool mac32 = false;
    DenseFastParams params32;
  };
  void PlanDepthwise() {
    const ConvSpec& c = c_;
    const FixedType& acc_t = c.accum_type;
    const int product_bits = in_.width + c.weight_type.width + 1;
    if (product_bits > 61 || acc_t.width + 2 > 61) return;
    std::optional<FastConvert> product = MakeFastConvert(
        ExactType(product_bits, in_.fractional_bits() + c.weight_type.fractional_bits()), acc_t);
    std::optional<FastConvert> sum =
        MakeFastConvert(ExactType(acc_t.width + 2, acc_t.fractional_bits()), acc_t);
    std::optional<FastConvert> result = MakeFastConvert(acc_t, res_);
    if (!product || !sum || !result) return;
    depthwise_ = DepthwiseFast{*product, *sum, *result, false, std::nullopt, nullptr, false, {}};
    PlanDepthwiseTaps();
    auto within32 = [](const FixedType& t) { return (t.is_signed ? t.width : t.width + 1) <= 32; };
    depthwise_->mul32 = within32(in_) && within32(c.weight_type);
    const DensePlan plan =
        PlanDense(in_, c.weight_type, acc_t, res_, /*resource_order_matters=*/false);
    if (depthwise_->mul32 &&
        (plan.kind == DenseKernelKind::kFast32 || plan.kind == DenseKernelKind::kWrap32)) {
      depthwise_->mac32 = true;
      depthwise_->params32 = plan.params;
      w32_.assign(c.weights.begin(), c.weights.end());
      bias32_.assign(bias_accum_.begin(), bias_accum_.end());
    }
    depthwise_->pixel_kernel =
        KernelFor<DepthwisePixelFn>(BestKernelIsa(), DepthwisePixelAvx512, DepthwisePixelAvx2);
    if (depthwise_->mul32 && depthwise_->pixel_kernel != nullptr) {
      depthwise_->kernel = DepthwiseKernelPlan{VectorConvert::Of(*product), VectorConvert::Of(*sum),
                                               VectorConvert::Of(*result)};
    }
  }

  // taps_: the window's taps inside the image for every output pixel, in Run's order.
  void PlanDepthwiseTaps() {
    const ConvSpec& c = c_;
    taps_ = DepthwiseTaps{};
    for (int oh = 0; oh < c.out_height; ++oh) {
      for (int ow = 0; ow < c.out_width; ++ow) {
        taps_.first.push_back(static_cast<int>(taps_.in_value.size()));
        for (int kh = 0; kh < c.filt_height; ++kh) {
          const int iy = oh * c.stride_height + kh - c.pad_top;
          for (int kw = 0; kw < c.filt_width; ++kw) {
            const int ix = ow * c.stride_width + kw - c.pad_left;
            if (iy < 0 || iy >= c.in_height || ix < 0 || ix >= c.in_width) continue;
            taps_.in_value.push_back((static_cast<size_t>(iy) * c.in_width + ix) * c.n_chan);
            taps_.w0.push_back(static_cast<size_t>(kh * c.filt_width + kw) * c.n_chan);
          }
        }
      }
    }
    taps_.first.push_back(static_cast<int>(taps_.in_value.size()));
  }

  void RunDepthwiseBlock(const int64_t* in, int64_t* y, int lanes) const {
    const ConvSpec& c = c_;
    const DepthwiseFast& f = *depthwise_;
    const size_t n = static_cast<size_t>(lanes);
    const bool on32 = f.mac32 && lanes == kKernelBlock;
    if (on32 || (f.kernel && (lanes == kSmallBlock || lanes == kKernelBlock))) {
      if (on32) {
        thread_local std::vector<int32_t> in32;
        const size_t values = static_cast<size_t>(c.in_height) * c.in_width * c.n_chan * n;
        if (in32.size() < values) in32.resize(values);
        NarrowRaws(in, in32.data(), values);
        DepthwisePixels32(in32.data(), taps_, w32_.data(), bias32_.data(), c.n_chan,
                          static_cast<size_t>(c.n_filt) * n, f.params32, f.to_result, y);
        return;
      }
      thread_local std::vector<const int64_t*> px;
      const size_t n_pixels = taps_.first.size() - 1;
      for (size_t q = 0; q < n_pixels; ++q) {
        const int k0 = taps_.first[q], k1 = taps_.first[q + 1];
        px.clear();
        for (int k = k0; k < k1; ++k) px.push_back(in + taps_.in_value[k] * n);
        f.pixel_kernel(*f.kernel, px.data(), taps_.w0.data() + k0, k1 - k0, c.weights.data(),
                       bias_accum_.data(), c.n_chan, lanes, y + q * c.n_filt * n);
      }
      return;
    }
    thread_local std::vector<int64_t> acc, term;
    if (acc.size() < c.n_chan * n) acc.resize(c.n_chan * n);
    if (term.size() < n) term.resize(n);
    for (int oh = 0; oh < c.out_height; ++oh) {
      for (int ow = 0; ow < c.out_width; ++ow) {
        for (int ch = 0; ch < c.n_chan; ++ch) {
          std::fill(acc.data() + ch * n, acc.data() + (ch + 1) * n, bias_accum_[ch]);
        }
        for (int kh = 0; kh < c.filt_height; ++kh) {
          const int iy = oh * c.stride_height + kh - c.pad_top;
          for (int kw = 0; kw < c.filt_width; ++kw) {
            const int ix = ow * c.stride_width + kw - c.pad_left;
            if (iy < 0 || iy >= c.in_height || ix < 0 || ix >= c.in_width) continue;
            const int64_t* px = in + (static_cast<size_t>(iy) * c.in_width + ix) * c.n_chan * n;
            const size_t w0 = static_cast<size_t>(kh * c.filt_width + kw) * c.n_chan;
            for (int ch = 0; ch < c.n_chan; ++ch) {
              const int64_t w = c.weights[w0 + ch];
              const int64_t* xr = px + ch * n;
              int64_t* a = acc.data() + ch * n;
              if (f.mul32) {
                MacConvertRaws32(f.product_to_accum, f.sum_to_accum, xr, w, a, n);
                continue;
              }
              for (size_t b = 0; b < n; ++b) term[b] = xr[b] * w;
              ConvertRaws(f.product_to_accum, term.data(), term.data(), n);
              for (size_t b = 0; b < n; ++b) term[b] += a[b];
              ConvertRaws(f.sum_to_accum, term.data(), a, n);
            }
          }
        }
        int64_t* py = y + (static_cast<size_t>(oh) * c.out_width + ow) * c.n_filt * n;
        ConvertRaws(f.to_result, acc.data(), py, c.n_chan * n);
      }
    }
  }

  // Gathers up to `lanes` output pixels starting at `first` into x (feature-major, zero-filled
  // lanes past the last pixel).
  template <typename T>
  void Gather(const int64_t* in, int first, int count, int lanes, T* x) const {
    const ConvSpec& c = c_;
    std::fill(x, x + static_cast<size_t>(window_) * lanes, T{0});
    for (int b = 0; b < count; ++b) {
      const int pixel = first + b;
      const int oh = pixel / c.out_width, ow = pixel % c.out_width;
      int i = 0;
      for (int kh = 0; kh < c.filt_height; ++kh) {
        const int iy = oh * c.stride_height + kh - c.pad_top;
        for (int kw = 0; kw < c.filt_width; ++kw, i += c.n_chan) {
          const int ix = ow * c.stride_width + kw - c.pad_left;
          if (iy < 0 || iy >= c.in_height || ix < 0 || ix >= c.in_width) continue;
          const int64_t* px = in + (static_cast<size_t>(iy) * c.in_width + ix) * c.n_chan;
          for (int ch = 0; ch < c.n_chan; ++ch) {
            x[static_cast<size_t>(i + ch) * lanes + b] = static_cast<T>(px[ch]);
          }
        }
      }
    }
  }

  void RunFast(const int64_t* in, int64_t* y) const {
    const ConvSpec& c = c_;
    const int pixels = c.out_height * c.out_width;
    thread_local std::vector<int64_t> x64, y64;
    thread_local std::vector<int32_t> x32, y32;
    for (int first = 0; first < pixels;) {
      const int lanes = pixels - first >= kKernelBlock ? kKernelBlock : kSmallBlock;
      const int count = std::min(lanes, pixels - first);
      const size_t n_x = static_cast<size_t>(window_) * lanes;
      const size_t n_y = static_cast<size_t>(c.n_filt) * lanes;
      if (plan_.kind == DenseKernelKind::kFast64) {
        if (x64.size() < n_x) x64.resize(n_x);
        if (y64.size() < n_y) y64.resize(n_y);
        Gather(in, first, count, lanes, x64.data());
        if (plan_.mul32) {
          DenseMul32Block(x64.data(), lanes, w_by_out_.data(), bias_accum_.data(), window_,
                          c.n_filt, plan_.params, epilogue_, y64.data());
        } else {
          DenseFastBlock64(x64.data(), lanes, w_by_out_.data(), bias_accum_.data(), window_,
                           c.n_filt, plan_.params, epilogue_, y64.data());
        }
        Scatter(y64.data(), first, count, lanes, y);
      } else {
        if (x32.size() < n_x) x32.resize(n_x);
        if (y32.size() < n_y) y32.resize(n_y);
        Gather(in, first, count, lanes, x32.data());
        if (plan_.kind == DenseKernelKind::kWrap32) {
          DenseWrap32Block(x32.data(), lanes, w32_.data(), bias32_.data(), window_, c.n_filt,
                           plan_.wrap32, epilogue_, y32.data());
        } else {
          DenseFastBlock32(x32.data(), lanes, w32_.data(), bias32_.data(), window_, c.n_filt,
                           plan_.params, epilogue_, y32.data());
        }
        Scatter(y32.data(), first, count, lanes, y);
      }
      first += count;
    }
  }

  template <typename T>
  void Scatter(const T* block, int first, int count, int lanes, int64_t* y) const {
    const int n_filt = c_.n_filt;
    for (int b = 0; b < count; ++b) {
      int64_t* py = y + static_cast<size_t>(first + b) * n_filt;
      for (int f = 0; f < n_filt; ++f) py[f] = block[static_cast<size_t>(f) * lanes + b];
    }
  }

  // Input rows first .. first + n - 1 (each `lanes` values) read through input_rows_ into d: runs
  // of consecutive source rows copied at once, moved zeros filled.
  template <typename T>
  void CopyMovedRows(const int64_t* in, size_t first, size_t n, int lanes, T* d) const {
    const size_t width = static_cast<size_t>(lanes);
    for (size_t k = 0; k < n;) {
      const int src = input_rows_[first + k];
      size_t run = 1;
      if (src < 0) {
        while (k + run < n && input_rows_[first + k + run] < 0) ++run;
        std::fill(d + k * width, d + (k + run) * width, T{0});
      } else {
        while (k + run < n && input_rows_[first + k + run] == src + static_cast<int>(run)) ++run;
        CopyRaws(in + static_cast<size_t>(src) * width, d + k * width, run * width);
      }
      k += run;
    }
  }

  // RunBlock's steps on lanes of type T (int64_t: kFast64; int32_t: kWrap32 / kFast32).
  template <typename T>
  void RunBlockOn(const int64_t* in, int64_t* y, int lanes) const {
    const ConvSpec& c = c_;
    const size_t pixel_rows = static_cast<size_t>(c.n_chan) * lanes;
    const int padded_w = c.in_width + c.pad_left + c.pad_right;
    const int padded_h = c.in_height + c.pad_top + c.pad_bottom;
    const size_t image_row = static_cast<size_t>(padded_w) * pixel_rows;
    const size_t run = static_cast<size_t>(c.filt_width) * pixel_rows;  // one window row
    const size_t n_x = static_cast<size_t>(window_) * lanes;
    const size_t n_y = static_cast<size_t>(c.n_filt) * lanes;
    thread_local std::vector<T> image, block;
    thread_local std::vector<int32_t> y32;
    const bool padded = c.pad_top != 0 || c.pad_bottom != 0 || c.pad_left != 0 ||
                        c.pad_right != 0 || !input_rows_.empty();
    const T* img = nullptr;
    if constexpr (std::is_same_v<T, int64_t>) {
      img = in;
    }
    if (!std::is_same_v<T, int64_t> || padded) {
      const size_t n_image = static_cast<size_t>(padded_h) * image_row;
      if (image.size() < n_image) image.resize(n_image);
      T* dst = image.data();
      std::fill(dst, dst + static_cast<size_t>(c.pad_top) * image_row, T{0});
      const size_t left = static_cast<size_t>(c.pad_left) * pixel_rows;
      const size_t right = static_cast<size_t>(c.pad_right) * pixel_rows;
      const size_t row = static_cast<size_t>(c.in_width) * pixel_rows;
      for (int iy = 0; iy < c.in_height; ++iy) {
        T* d = dst + static_cast<size_t>(c.pad_top + iy) * image_row;
        std::fill(d, d + left, T{0});
        if (input_rows_.empty()) {
          CopyRaws(in + static_cast<size_t>(iy) * row, d + left, row);
        } else {
          CopyMovedRows(in, static_cast<size_t>(iy) * c.in_width * c.n_chan, row / lanes, lanes,
                        d + left);
        }
        std::fill(d + left + row, d + left + row + right, T{0});
      }
      std::fill(dst + static_cast<size_t>(c.pad_top + c.in_height) * image_row, dst + n_image,
                T{0});
      img = dst;
    }
    // The window is one run when it has one row or spans the padded width.
    const bool in_place = c.filt_height == 1 || c.filt_width == padded_w;
    if (!in_place && block.size() < n_x) block.resize(n_x);
    if constexpr (!std::is_same_v<T, int64_t>) {
      if (y32.size() < n_y) y32.resize(n_y);
    }
    for (int oh = 0; oh < c.out_height; ++oh) {
      for (int ow = 0; ow < c.out_width; ++ow) {
        const T* corner = img + static_cast<size_t>(oh) * c.stride_height * image_row +
                          static_cast<size_t>(ow) * c.stride_width * pixel_rows;
        const T* x = corner;
        if (!in_place) {
          for (int kh = 0; kh < c.filt_height; ++kh) {
            const T* src = corner + static_cast<size_t>(kh) * image_row;
            std::copy(src, src + run, block.data() + static_cast<size_t>(kh) * run);
          }
          x = block.data();
        }
        int64_t* py = y + (static_cast<size_t>(oh) * c.out_width + ow) * n_y;
        if constexpr (std::is_same_v<T, int64_t>) {
          if (plan_.mul32) {
            DenseMul32Block(x, lanes, w_by_out_.data(), bias_accum_.data(), window_, c.n_filt,
                            plan_.params, epilogue_, py);
          } else {
            DenseFastBlock64(x, lanes, w_by_out_.data(), bias_accum_.data(), window_, c.n_filt,
                             plan_.params, epilogue_, py);
          }
        } else {
          if (plan_.kind == DenseKernelKind::kWrap32) {
            DenseWrap32Block(x, lanes, w32_.data(), bias32_.data(), window_, c.n_filt, plan_.wrap32,
                             epilogue_, y32.data());
          } else {
            DenseFastBlock32(x, lanes, w32_.data(), bias32_.data(), window_, c.n_filt, plan_.params,
                             epilogue_, y32.data());
          }
          CopyRaws(y32.data(), py, n_y);
        }
      }
    }
  }

  ConvSpec c_;
  FixedType in_, res_;
  int product_shift_ = 0;                    // F of the product minus accum_t's F
  std::optional<ExponentProduct> exponent_;  // set for weight_exponential weights
  std::vector<int64_t> bias_accum_;
  // The fast path (plan_.kind != kGeneral): weights by filter w[f * window_ + i].
  DensePlan plan_;
  DenseEpilogue epilogue_;
  int window_ = 0;
  std::vector<int64_t> w_by_out_;
  std::vector<int32_t> w32_, bias32_;
  std::optional<DepthwiseFast> depthwise_;  // set when the depthwise block form is exact
  DepthwiseTaps taps_;                      // with depthwise_
  // Set by ReadingMovedRows: input value k is the source's input_rows_[k] (0 where -1).
  std::vector<int> input_rows_;
};

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileConv(const LayerSpec& s, const ConvSpec& c,
                                                        const LayerInput& in) {
  if (absl::Status st = CheckPositive(s,
                                      {{"in_height", c.in_height},
                                       {"in_width", c.in_width},
                                       {"n_chan", c.n_chan},
                                       {"filt_height", c.filt_height},
                                       {"filt_width", c.filt_width},
                                       {"n_filt", c.n_filt},
                                       {"stride_height", c.stride_height},
                                       {"stride_width", c.stride_width},
                                       {"out_height", c.out_height},
                                       {"out_width", c.out_width}},
                                      1);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckPositive(s,
                                      {{"pad_top", c.pad_top},
                                       {"pad_bottom", c.pad_bottom},
                                       {"pad_left", c.pad_left},
                                       {"pad_right", c.pad_right}},
                                      0);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckCount(s, c.out_height, c.out_width, c.n_filt, "conv output");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckSize(s, in, static_cast<int64_t>(c.in_height) * c.in_width * c.n_chan,
                                  "conv in_height * in_width * n_chan");
      !st.ok()) {
    return st;
  }
  // Every output window must start inside the padded image (hls4ml's out_height/out_width).
  if (int64_t{c.out_height - 1} * c.stride_height + c.filt_height >
          int64_t{c.in_height} + c.pad_top + c.pad_bottom ||
      int64_t{c.out_width - 1} * c.stride_width + c.filt_width >
          int64_t{c.in_width} + c.pad_left + c.pad_right) {
    return Invalid(s,
                   absl::StrCat("conv output ", c.out_height, "x", c.out_width,
                                " does not fit the padded input ", c.in_height, "x", c.in_width));
  }
  for (auto [t, what] : {std::pair{&c.weight_type, "weight type"},
                         {&c.bias_type, "bias type"},
                         {&c.accum_type, "accum type"}}) {
    if (absl::Status st = CheckType(s, *t, what); !st.ok()) return st;
  }
  if (c.depthwise && c.n_filt != c.n_chan) {
    return Unimplemented(s, absl::StrCat("depthwise convolution with ", c.n_filt, " filters for ",
                                         c.n_chan, " channels (depth multiplier other than 1)"));
  }
  const size_t n_w =
      static_cast<size_t>(c.filt_height) * c.filt_width * c.n_chan * (c.depthwise ? 1 : c.n_filt);
  const size_t n_weights = c.exponent_weights ? c.exponent_weights->sign.size() : c.weights.size();
  if (n_weights != n_w || c.biases.size() != static_cast<size_t>(c.n_filt)) {
    return Invalid(s, absl::StrCat(n_weights, " weights and ", c.biases.size(),
                                   " biases; expected ", n_w, " and ", c.n_filt));
  }
  if (absl::Status st = CheckRaws(s, c.biases, c.bias_type, "biases"); !st.ok()) return st;
  if (c.exponent_weights) {
    if (absl::Status st = ValidateExponentWeights(s, *c.exponent_weights, n_w); !st.ok()) {
      return st;
    }
  } else if (absl::Status st = CheckRaws(s, c.weights, c.weight_type, "weights"); !st.ok()) {
    return st;
  }
  if (!c.exponent_weights && in.type.width + c.weight_type.width > kMaxExactBits) {
    return Unimplemented(s, absl::StrCat("product of ", in.type.ToString(), " and ",
                                         c.weight_type.ToString(), " is too wide"));
  }
  if (c.resource_strategy &&
      (c.accum_type.overflow != Overflow::kWrap || c.accum_type.saturation_bits != 0)) {
    return Unimplemented(
        s, absl::StrCat("resource-strategy convolution with a saturating accumulator (",
                        c.accum_type.ToString(), ") sums in an order fpgaas does not reproduce"));
  }
  return std::make_unique<ConvLayer>(c, in.type, s.result_type);
}

// --------------------------------------------------------------------------------------------

class PoolingLayer final : public ExtraLayer {
 public:
  PoolingLayer(const PoolingSpec& p, const FixedType& in, const FixedType& res)
      : p_(p), in_(in), res_(res) {
    n_out_ = p.out_height * p.out_width * p.n_chan;
    // nnet::pad_val for Max: data_T with only its top bit set.
    pad_max_ = WrapToWidth(in, Int128(1) << (in.width - 1));
    PlanBlock();
  }

  // A block of samples: the same steps row by row (one row = one value of every sample), each
  // conversion by its integer recipe, every channel of an output pixel at once (a pixel's channels
  // are adjacent rows). Raw values compare as their real values when they share a type of at most
  // 62 bits; a quotient of an in-range sum is in range, and the acc -> acc recipe is
  // ApplyOverflow's clamp/wrap on it.
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    if (!block_fast_ || lanes > kKernelBlock) {
      ExtraLayer::RunBlock(xs, y, count, lanes);
      return;
    }
    const PoolingSpec& p = p_;
    const int64_t* x = xs[0];
    const size_t rows = static_cast<size_t>(p.n_chan) * lanes;  // one pixel
    const int window = p.pool_height * p.pool_width;
    thread_local std::vector<int64_t> win, acc, tree;
    if (win.size() < window * rows) win.resize(window * rows);
    if (acc.size() < rows) acc.resize(rows);
    if (tree.size() < 2 * window * rows) tree.resize(2 * window * rows);
    int64_t* a = acc.data();
    const int64_t* src[kMaxBlockWindow] = {};
    for (int oh = 0; oh < p.out_height; ++oh) {
      for (int ow = 0; ow < p.out_width; ++ow) {
        int64_t* out = y + (static_cast<size_t>(oh) * p.out_width + ow) * rows;
        // The window's pixels (nullptr: padding) in (kh, kw) order.
        int n = 0, inside = 0;
        for (int kh = 0; kh < p.pool_height; ++kh) {
          const int iy = oh * p.stride_height + kh - p.pad_top;
          for (int kw = 0; kw < p.pool_width; ++kw) {
            const int ix = ow * p.stride_width + kw - p.pad_left;
            const bool in_image = iy >= 0 && iy < p.in_height && ix >= 0 && ix < p.in_width;
            src[n++] = in_image ? x + (static_cast<size_t>(iy) * p.in_width + ix) * rows : nullptr;
            inside += in_image;
          }
        }
        if (p.window_in_accum) {  // no padding here (CompilePooling)
          for (int k = 0; k < n; ++k) ConvertRaws(*in_to_acc_, src[k], win.data() + k * rows, rows);
          if (p.kind == PoolKind::kMax) {
            std::copy(win.data(), win.data() + rows, a);
            for (int k = 1; k < n; ++k) MaxRow(a, win.data() + k * rows, rows);
          } else {
            if (p.sequential_sum) {
              // Pack after pack: the pack's pixels as a tree, then added to the running sum.
              const int per_pack = std::max(p.pixels_per_pack, 1);
              int64_t* part = tree.data();
              std::fill(a, a + rows, 0);
              for (int k = 0; k < n; k += per_pack) {
                ReduceRows(win.data() + k * rows, per_pack, rows, part, part + rows);
                AddShiftedRow(a, 0, part, 0, false, a, rows);
                ConvertRaws(*pair_sum_, a, a, rows);
              }
            } else {
              ReduceRows(win.data(), n, rows, a, tree.data());
            }
            DivideRow(a, n, rows);
            ConvertRaws(*acc_to_acc_, a, a, rows);
          }
          ConvertRaws(*acc_to_res_, a, out, rows);
          continue;
        }
        if (p.kind == PoolKind::kMax) {
          if (src[0] != nullptr) {
            std::copy(src[0], src[0] + rows, a);
          } else {
            std::fill(a, a + rows, pad_max_);
          }
          for (int k = 1; k < n; ++k) {
            if (src[k] == nullptr) {
              MaxConstRow(a, pad_max_, rows);
            } else {
              MaxRow(a, src[k], rows);
            }
          }
          ConvertRaws(*in_to_acc_, a, a, rows);
          ConvertRaws(*acc_to_res_, a, out, rows);
          continue;
        }
        // Average: s = accum_t(s + x) at the common fractional bits, padding adds 0.
        std::fill(a, a + rows, 0);
        for (int k = 0; k < n; ++k) {
          if (src[k] == nullptr) {
            for (size_t b = 0; b < rows; ++b) a[b] <<= sum_acc_shift_;
          } else {
            AddShiftedRow(a, sum_acc_shift_, src[k], sum_in_shift_, false, a, rows);
          }
          ConvertRaws(*sum_to_acc_, a, a, rows);
        }
        DivideRow(a, p.count_pad ? window : inside, rows);
        ConvertRaws(*acc_to_acc_, a, a, rows);
        ConvertRaws(*acc_to_res_, a, out, rows);
      }
    }
    // Stream global pooling's output loop: every output pack holds channels 0..s-1.
    if (p.window_in_accum && p.output_pack > 0 && p.output_pack < p.n_chan) {
      for (int k = p.output_pack; k < p.n_chan; ++k) {
        std::copy(y + static_cast<size_t>(k % p.output_pack) * lanes,
                  y + static_cast<size_t>(k % p.output_pack + 1) * lanes,
                  y + static_cast<size_t>(k) * lanes);
      }
    }
    (void)count;
  }

  // nnet::reduce with Op_add<accum_t>: pairwise, the left half the largest power of two below n.
  int64_t ReduceSum(const int64_t* v, int n) const {
    const FixedType& t = p_.accum_type;
    if (n == 1) return v[0];
    int left = 1;
    while (left * 2 <= n - 1) left *= 2;
    const int64_t a = n == 2 ? v[0] : ReduceSum(v, left);
    const int64_t b = n == 2 ? v[1] : ReduceSum(v + left, n - left);
    return ApplyOverflow(t, WideRaw(t, a) + WideRaw(t, b));
  }

  void RunStream(const int64_t* x, int64_t* y) const {
    const PoolingSpec& p = p_;
    const FixedType& acc_t = p.accum_type;
    std::vector<int64_t> window(static_cast<size_t>(p.pool_height) * p.pool_width);
    for (int oh = 0; oh < p.out_height; ++oh) {
      for (int ow = 0; ow < p.out_width; ++ow) {
        for (int ch = 0; ch < p.n_chan; ++ch) {
          size_t k = 0;
          for (int kh = 0; kh < p.pool_height; ++kh) {
            for (int kw = 0; kw < p.pool_width; ++kw) {
              const int iy = oh * p.stride_height + kh, ix = ow * p.stride_width + kw;
              window[k++] = Convert(
                  in_, x[(static_cast<size_t>(iy) * p.in_width + ix) * p.n_chan + ch], acc_t);
            }
          }
          int64_t out;
          if (p.kind == PoolKind::kMax) {
            out = window[0];
            for (int64_t v : window) out = WideRaw(acc_t, v) > WideRaw(acc_t, out) ? v : out;
          } else {
            int64_t sum = 0;
            if (p.sequential_sum) {
              // Pack after pack: the pack's pixels as a tree, then added to the running sum.
              const int k = std::max(p.pixels_per_pack, 1);
              for (size_t i = 0; i < window.size(); i += k) {
                const int64_t part = ReduceSum(window.data() + i, k);
                sum = ApplyOverflow(acc_t, WideRaw(acc_t, sum) + WideRaw(acc_t, part));
              }
            } else {
              sum = ReduceSum(window.data(), static_cast<int>(window.size()));
            }
            const Int128 q = WideRaw(acc_t, sum) / static_cast<Int128>(window.size());
            out = ApplyOverflow(acc_t, q);
          }
          y[(static_cast<size_t>(oh) * p.out_width + ow) * p.n_chan + ch] = To(acc_t, out, res_);
        }
      }
    }
  }

  void Run(const int64_t* const* xs, int64_t* y) const override {
    const int64_t* x = xs[0];
    const PoolingSpec& p = p_;
    if (p.window_in_accum) {
      RunStream(x, y);
      // Stream global pooling's output loop: every output pack holds channels 0..s-1.
      if (p.output_pack > 0 && p.output_pack < p.n_chan) {
        for (int k = p.output_pack; k < p.n_chan; ++k) y[k] = y[k % p.output_pack];
      }
      return;
    }
    const FixedType& acc_t = p.accum_type;
    const int f = std::max(acc_t.fractional_bits(), in_.fractional_bits());
    for (int oh = 0; oh < p.out_height; ++oh) {
      for (int ow = 0; ow < p.out_width; ++ow) {
        for (int ch = 0; ch < p.n_chan; ++ch) {
          int64_t best = 0, sum = 0;
          bool first = true;
          int inside = 0;
          for (int kh = 0; kh < p.pool_height; ++kh) {
            const int iy = oh * p.stride_height + kh - p.pad_top;
            for (int kw = 0; kw < p.pool_width; ++kw) {
              const int ix = ow * p.stride_width + kw - p.pad_left;
              const bool in_image = iy >= 0 && iy < p.in_height && ix >= 0 && ix < p.in_width;
              int64_t v;
              if (in_image) {
                v = x[(static_cast<size_t>(iy) * p.in_width + ix) * p.n_chan + ch];
                ++inside;
              } else {
                v = p.kind == PoolKind::kMax ? pad_max_ : 0;
              }
              if (p.kind == PoolKind::kMax) {
                if (first || WideRaw(in_, v) > WideRaw(in_, best)) best = v;
                first = false;
              } else {
                sum = QuantizeScaled(acc_t, Scaled(acc_t, sum, f) + Scaled(in_, v, f),
                                     acc_t.fractional_bits() - f);
              }
            }
          }
          int64_t out;
          if (p.kind == PoolKind::kMax) {
            out = Convert(in_, best, acc_t);
          } else {
            const int64_t d = p.count_pad ? p.pool_height * p.pool_width : inside;
            // ap_fixed /= unsigned: the raw value divided, truncated toward zero; same F.
            const Int128 q = d > 0 ? WideRaw(acc_t, sum) / d : 0;
            out = ApplyOverflow(acc_t, q);
            int64_t r = p.average_cast_type ? To(*p.average_cast_type,
                                                 Convert(acc_t, out, *p.average_cast_type), res_)
                                            : To(acc_t, out, res_);
            if (p.rescale) {  // res *= rescale
              r = QuantizeScaled(res_, WideRaw(res_, r) * WideRaw(in_, *p.rescale),
                                 -in_.fractional_bits());
            }
            y[(static_cast<size_t>(oh) * p.out_width + ow) * p.n_chan + ch] = r;
            continue;
          }
          y[(static_cast<size_t>(oh) * p.out_width + ow) * p.n_chan + ch] = To(acc_t, out, res_);
        }
      }
    }
  }

 private:
  static constexpr int kMaxBlockWindow = 64;

  void PlanBlock() {
    const PoolingSpec& p = p_;
    const FixedType& acc_t = p.accum_type;
    if (p.pool_height * p.pool_width > kMaxBlockWindow || p.average_cast_type || p.rescale ||
        in_.width > 60 || acc_t.width > 60) {
      return;
    }
    in_to_acc_ = MakeFastConvert(in_, acc_t);
    acc_to_res_ = MakeFastConvert(acc_t, res_);
    acc_to_acc_ = MakeFastConvert(acc_t, acc_t);
    pair_sum_ = MakeFastConvert(ExactType(acc_t.width + 2, acc_t.fractional_bits()), acc_t);
    const int f = std::max(acc_t.fractional_bits(), in_.fractional_bits());
    sum_acc_shift_ = f - acc_t.fractional_bits();
    sum_in_shift_ = f - in_.fractional_bits();
    const int bits = std::max(acc_t.width + sum_acc_shift_, in_.width + sum_in_shift_) + 2;
    if (bits <= 62) sum_to_acc_ = MakeFastConvert(ExactType(bits, f), acc_t);
    // Stream global pooling over packs of several pixels, or short output packs: per sample.
    block_fast_ = p.pixels_per_pack == 1 && p.output_pack == 0 && in_to_acc_ && acc_to_res_ &&
                  acc_to_acc_ &&
                  (p.kind == PoolKind::kMax ||
                   (p.window_in_accum ? pair_sum_.has_value() : sum_to_acc_.has_value()));
  }

  // nnet::reduce's tree (as ReduceSum) over n rows of `lanes` values, each pairwise sum through
  // pair_sum_, into out; `scratch` holds at least n * lanes values.
  void ReduceRows(const int64_t* rows, int n, size_t lanes, int64_t* out, int64_t* scratch) const {
    if (n == 1) {
      std::copy(rows, rows + lanes, out);
      return;
    }
    if (n == 2) {
      AddShiftedRow(rows, 0, rows + lanes, 0, false, out, lanes);
      ConvertRaws(*pair_sum_, out, out, lanes);
      return;
    }
    int left = 1;
    while (left * 2 <= n - 1) left *= 2;
    int64_t* right = scratch;
    ReduceRows(rows, left, lanes, out, scratch + lanes);
    ReduceRows(rows + left * lanes, n - left, lanes, right, scratch + lanes);
    AddShiftedRow(out, 0, right, 0, false, out, lanes);
    ConvertRaws(*pair_sum_, out, out, lanes);
  }

  PoolingSpec p_;
  FixedType in_, res_;
  int64_t pad_max_ = 0;
  bool block_fast_ = false;
  std::optional<FastConvert> in_to_acc_, acc_to_res_, acc_to_acc_, pair_sum_, sum_to_acc_;
  int sum_acc_shift_ = 0, sum_in_shift_ = 0;
};

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompilePooling(const LayerSpec& s, const PoolingSpec& p,
                                                           const LayerInput& in) {
  if (absl::Status st = CheckPositive(s,
                                      {{"in_height", p.in_height},
                                       {"in_width", p.in_width},
                                       {"n_filt", p.n_chan},
                                       {"pool_height", p.pool_height},
                                       {"pool_width", p.pool_width},
                                       {"stride_height", p.stride_height},
                                       {"stride_width", p.stride_width},
                                       {"out_height", p.out_height},
                                       {"out_width", p.out_width}},
                                      1);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckPositive(s,
                                      {{"pad_top", p.pad_top},
                                       {"pad_bottom", p.pad_bottom},
                                       {"pad_left", p.pad_left},
                                       {"pad_right", p.pad_right}},
                                      0);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckCount(s, p.out_height, p.out_width, p.n_chan, "pooling output");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckCount(s, p.pool_height, p.pool_width, 1, "pooling window"); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckSize(s, in, static_cast<int64_t>(p.in_height) * p.in_width * p.n_chan,
                                  "pooling in_height * in_width * n_filt");
      !st.ok()) {
    return st;
  }
  if (int64_t{p.out_height - 1} * p.stride_height + p.pool_height >
          int64_t{p.in_height} + p.pad_top + p.pad_bottom ||
      int64_t{p.out_width - 1} * p.stride_width + p.pool_width >
          int64_t{p.in_width} + p.pad_left + p.pad_right) {
    return Invalid(s,
                   absl::StrCat("pooling output ", p.out_height, "x", p.out_width,
                                " does not fit the padded input ", p.in_height, "x", p.in_width));
  }
  if (absl::Status st = CheckType(s, p.accum_type, "accum type"); !st.ok()) return st;
  if (p.window_in_accum && (p.pad_top || p.pad_bottom || p.pad_left || p.pad_right)) {
    return Unimplemented(s, "io_stream pooling with padding");
  }
  if (p.pixels_per_pack != 1 || p.output_pack != 0) {
    const int64_t pixels = int64_t{p.pool_height} * p.pool_width;
    if (!p.sequential_sum || p.out_height != 1 || p.out_width != 1 || p.pixels_per_pack < 1 ||
        pixels % p.pixels_per_pack != 0 || p.output_pack < 0 ||
        (p.output_pack > 0 && p.n_chan % p.output_pack != 0)) {
      return Invalid(s, absl::StrCat("stream global pooling packs of ", p.pixels_per_pack,
                                     " pixels in and ", p.output_pack, " values out do not fit ",
                                     pixels, " pixels of ", p.n_chan, " channels"));
    }
  }
  return std::make_unique<PoolingLayer>(p, in.type, s.result_type);
}

// --------------------------------------------------------------------------------------------

// Maximum / minimum over a row of lanes: y[b] keeps its value (a's, converted) where
// (xa[b] << sa) > (xb[b] << sb) (maximum; < for minimum), else takes yb[b]. The shifted values fit
// int64 (the caller checks). Branch-free, so it vectorizes and random data costs no mispredicts.
FPGAAS_NUMERICS_CLONES void SelectRow(bool max, const int64_t* xa, int sa, const int64_t* xb,
                                      int sb, const int64_t* yb, int64_t* y, size_t lanes) {
  if (max) {
    for (size_t b = 0; b < lanes; ++b) y[b] = (xa[b] << sa) > (xb[b] << sb) ? y[b] : yb[b];
  } else {
    for (size_t b = 0; b < lanes; ++b) y[b] = (xa[b] << sa) < (xb[b] << sb) ? y[b] : yb[b];
  }
}

// leaky_relu / prelu: y[b] keeps its value where x[b] > 0, else takes alpha * x[b] through c.
FPGAAS_NUMERICS_CLONES void LeakyRow(const int64_t* x, int64_t alpha, const FastConvert& c,
                                     int64_t* y, int lanes) {
  for (int b0 = 0; b0 < lanes; b0 += kKernelBlock) {  // chunks of the stack buffer
    const int m = std::min(kKernelBlock, lanes - b0);
    int64_t neg[kKernelBlock] = {};
    for (int b = 0; b < m; ++b) neg[b] = alpha * x[b0 + b];
    ConvertRaws(c, neg, neg, static_cast<size_t>(m));
    for (int b = 0; b < m; ++b) y[b0 + b] = x[b0 + b] > 0 ? y[b0 + b] : neg[b];
  }
}
// leaky_relu / prelu in one conversion: alpha * x at or below zero, and above it x scaled up to the
// product's fractional bits (the same value, so the same res_t), both through c.
FPGAAS_NUMERICS_CLONES void LeakyRowScaled(const int64_t* x, int64_t alpha, int up,
                                           const FastConvert& c, int64_t* y, int lanes) {
  for (int b0 = 0; b0 < lanes; b0 += kKernelBlock) {  // chunks of the stack buffer
    const int m = std::min(kKernelBlock, lanes - b0);
    int64_t v[kKernelBlock];
    for (int b = 0; b < m; ++b) v[b] = x[b0 + b] > 0 ? x[b0 + b] << up : alpha * x[b0 + b];
    ConvertRaws(c, v, y + b0, static_cast<size_t>(m));
  }
}
// hard_sigmoid / hard_tanh before res_t: z = clamp((slope * x << up) + shift, 0, one), and
// 2 z - one for hard_tanh (exact: the caller bounds the intermediates).
FPGAAS_NUMERICS_CLONES void HardRow(const int64_t* x, int64_t slope, int up, int64_t shift,
                                    int64_t one, bool tanh, int64_t* y, size_t lanes) {
  for (size_t b = 0; b < lanes; ++b) {
    int64_t z = ((slope * x[b]) << up) + shift;
    z = z > one ? one : z < 0 ? 0 : z;
    y[b] = tanh ? 2 * z - one : z;
  }
}

// thresholded_relu: y[b] keeps its value where (x[b] << sx) > theta, else 0.
FPGAAS_NUMERICS_CLONES void ThresholdRow(const int64_t* x, int sx, int64_t theta, int64_t* y,
                                         size_t n) {
  for (size_t b = 0; b < n; ++b) y[b] = (x[b] << sx) > theta ? y[b] : 0;
}
// ThresholdRow where res_t(x) is x itself: y[b] = x[b] where (x[b] << sx) > theta, else 0.
FPGAAS_NUMERICS_CLONES void ThresholdCopyRow(const int64_t* x, int sx, int64_t theta, int64_t* y,
                                             size_t n) {
  for (size_t b = 0; b < n; ++b) y[b] = (x[b] << sx) > theta ? x[b] : 0;
}
// relu with a maximum: y[b] = 0 where x[b] < 0, max_res where x[b] > max, else keeps its value.
FPGAAS_NUMERICS_CLONES void ReluMaxRow(const int64_t* x, int64_t max, int64_t max_res, int64_t* y,
                                       size_t n) {
  for (size_t b = 0; b < n; ++b) y[b] = x[b] < 0 ? 0 : x[b] > max ? max_res : y[b];
}

// A layer written as a plain function over one sample.
// Its block form (optional): (x, y, lanes) over every lane (see ExtraLayer::RunBlock), any number
// of lanes.
using BlockFn = std::function<void(const int64_t* const*, int64_t*, int)>;
class FunctionLayer final : public ExtraLayer {
 public:
  FunctionLayer(int n_out, std::function<void(const int64_t* const*, int64_t*)> f,
                BlockFn block = nullptr)
      : f_(std::move(f)), block_(std::move(block)) {
    n_out_ = n_out;
  }
  void Run(const int64_t* const* x, int64_t* y) const override { f_(x, y); }
  void RunBlock(const int64_t* const* x, int64_t* y, int count, int lanes) const override {
    if (block_) {
      block_(x, y, lanes);
    } else {
      ExtraLayer::RunBlock(x, y, count, lanes);
    }
  }
  bool RunsWideBlocks() const override { return block_ != nullptr; }
  void set_concatenates_in_order() { concatenates_in_order_ = true; }

 private:
  std::function<void(const int64_t* const*, int64_t*)> f_;
  BlockFn block_;
};

// Layers that only move values: output row j is input `input`'s row `row` converted to res_t, or
// 0 (row < 0).
struct RowSource {
  int input = 0;
  int row = -1;
};
BlockFn RowMapBlock(std::vector<RowSource> map, std::vector<FixedType> from, FixedType res) {
  std::vector<std::optional<FastConvert>> conv;
  for (const FixedType& t : from) conv.push_back(MakeFastConvert(t, res));
  // Runs of output rows from consecutive rows of one input (or all 0), each moved at once.
  struct Run {
    RowSource first;
    int out_row = 0, rows = 0;
  };
  std::vector<Run> runs;
  for (size_t j = 0; j < map.size(); ++j) {
    const RowSource& r = map[j];
    if (!runs.empty()) {
      Run& last = runs.back();
      const bool zeros = r.row < 0 && last.first.row < 0;
      const bool next = r.row >= 0 && last.first.row >= 0 && r.input == last.first.input &&
                        r.row == last.first.row + last.rows;
      if (zeros || next) {
        ++last.rows;
        continue;
      }
    }
    runs.push_back({r, static_cast<int>(j), 1});
  }
  return [runs = std::move(runs), from = std::move(from), conv = std::move(conv), res](
             const int64_t* const* xs, int64_t* y, int lanes) {
    for (const Run& run : runs) {
      int64_t* yj = y + static_cast<size_t>(run.out_row) * lanes;
      const size_t n = static_cast<size_t>(run.rows) * lanes;
      if (run.first.row < 0) {
        std::fill(yj, yj + n, 0);
      } else {
        const int k = run.first.input;
        ConvertRow(conv[k], from[k], xs[k] + static_cast<size_t>(run.first.row) * lanes, res, yj,
                   n);
      }
    }
  };
}

// Padding, cropping and resize: output value j is input value src[j] converted to res_t, or 0
// (src[j] < 0). When that conversion leaves every raw of the input type unchanged, the layer is a
// pure move (moved_rows) and composes with a move before it.
class RowMoveLayer final : public ExtraLayer {
 public:
  RowMoveLayer(std::vector<int> src, const FixedType& from, const FixedType& res)
      : src_(std::move(src)), from_(from), res_(res) {
    n_out_ = static_cast<int>(src_.size());
    std::vector<RowSource> map;
    for (int k : src_) map.push_back({0, k});
    block_ = RowMapBlock(std::move(map), {from}, res);
    // (Not under AP_SAT_SYM at the same signed width: it moves the minimum to -maximum.)
    const std::optional<FastConvert> convert = MakeFastConvert(from, res);
    if (convert && convert->identity) moved_rows_ = src_;
  }
  void Run(const int64_t* const* xs, int64_t* y) const override {
    for (size_t k = 0; k < src_.size(); ++k)
      y[k] = src_[k] < 0 ? 0 : To(from_, xs[0][src_[k]], res_);
  }
  void RunBlock(const int64_t* const* xs, int64_t* y, int /*count*/, int lanes) const override {
    block_(xs, y, lanes);
  }
  bool RunsWideBlocks() const override { return true; }
  // This move after another: one move from the first one's input.
  std::unique_ptr<ExtraLayer> ReadingMovedRows(const std::vector<int>& rows,
                                               int source_size) const override {
    std::vector<int> src;
    for (int k : src_) src.push_back(k < 0 ? -1 : rows[k]);
    auto layer = std::make_unique<RowMoveLayer>(std::move(src), from_, res_);
    layer->set_input_sizes({source_size});
    return layer;
  }

 private:
  std::vector<int> src_;
  FixedType from_, res_;
  BlockFn block_;
};

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompilePadding(const LayerSpec& s, const PaddingSpec& p,
                                                           const LayerInput& in) {
  if (absl::Status st = CheckPositive(
          s, {{"in_height", p.in_height}, {"in_width", p.in_width}, {"n_chan", p.n_chan}}, 1);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckPositive(s,
                                      {{"pad_top", p.pad_top},
                                       {"pad_bottom", p.pad_bottom},
                                       {"pad_left", p.pad_left},
                                       {"pad_right", p.pad_right}},
                                      0);
      !st.ok()) {
    return st;
  }
  if (absl::Status st =
          CheckCount(s, p.in_height + p.pad_top + p.pad_bottom,
                     p.in_width + p.pad_left + p.pad_right, p.n_chan, "zero padding output");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckSize(s, in, static_cast<int64_t>(p.in_height) * p.in_width * p.n_chan,
                                  "zero padding in_height * in_width * n_chan");
      !st.ok()) {
    return st;
  }
  const int oh = p.in_height + p.pad_top + p.pad_bottom, ow = p.in_width + p.pad_left + p.pad_right;
  std::vector<int> src;
  for (int i = 0; i < oh; ++i) {
    for (int j = 0; j < ow; ++j) {
      const int iy = i - p.pad_top, ix = j - p.pad_left;
      const bool inside = iy >= 0 && iy < p.in_height && ix >= 0 && ix < p.in_width;
      for (int c = 0; c < p.n_chan; ++c)
        src.push_back(inside ? (iy * p.in_width + ix) * p.n_chan + c : -1);
    }
  }
  return std::make_unique<RowMoveLayer>(std::move(src), in.type, s.result_type);
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileResize(const LayerSpec& s, const ResizeSpec& r,
                                                          const LayerInput& in) {
  if (absl::Status st = CheckPositive(s,
                                      {{"height", r.in_height},
                                       {"width", r.in_width},
                                       {"n_chan", r.n_chan},
                                       {"new_height", r.out_height},
                                       {"new_width", r.out_width}},
                                      1);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckCount(s, r.out_height, r.out_width, r.n_chan, "resize output");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckSize(s, in, static_cast<int64_t>(r.in_height) * r.in_width * r.n_chan,
                                  "resize height * width * n_chan");
      !st.ok()) {
    return st;
  }
  std::vector<int> src;  // source element of every output element
  if (r.stream != ResizeStream::kNone) {
    if (r.out_height % r.in_height != 0 || r.out_width % r.in_width != 0) {
      return Invalid(
          s, absl::StrCat("stream resize_nearest needs integer ratios, not ", r.in_height, "x",
                          r.in_width, " -> ", r.out_height, "x", r.out_width));
    }
    const int rh = r.out_height / r.in_height, rw = r.out_width / r.in_width;
    for (int i = 0; i < r.out_height; ++i) {
      for (int j = 0; j < r.out_width; ++j) {
        const int pixel = i * r.out_width + j;
        const int from =
            r.stream == ResizeStream::kRows ? (i / rh) * r.in_width + j / rw : pixel / (rh * rw);
        for (int c = 0; c < r.n_chan; ++c) src.push_back(from * r.n_chan + c);
      }
    }
  }
  // nnet::resize_nearest: int ratios in 16.16 fixed point.
  const int y_ratio = ((r.in_height << 16) / r.out_height) + 1;
  const int x_ratio = ((r.in_width << 16) / r.out_width) + 1;
  for (int i = 0; r.stream == ResizeStream::kNone && i < r.out_height; ++i) {
    const int y2 = static_cast<int>((static_cast<int64_t>(i) * y_ratio) >> 16);
    for (int j = 0; j < r.out_width; ++j) {
      const int x2 = static_cast<int>((static_cast<int64_t>(j) * x_ratio) >> 16);
      if (y2 >= r.in_height || x2 >= r.in_width) {
        return Invalid(s, "resize_nearest would read outside its input");
      }
      for (int c = 0; c < r.n_chan; ++c) src.push_back((y2 * r.in_width + x2) * r.n_chan + c);
    }
  }
  return std::make_unique<RowMoveLayer>(std::move(src), in.type, s.result_type);
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileCropping(const LayerSpec& s,
                                                            const CroppingSpec& c,
                                                            const LayerInput& in) {
  if (absl::Status st = CheckPositive(
          s, {{"in_height", c.in_height}, {"in_width", c.in_width}, {"n_chan", c.n_chan}}, 1);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckPositive(s,
                                      {{"crop_top", c.crop_top},
                                       {"crop_bottom", c.crop_bottom},
                                       {"crop_left", c.crop_left},
                                       {"crop_right", c.crop_right}},
                                      0);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckSize(s, in, static_cast<int64_t>(c.in_height) * c.in_width * c.n_chan,
                                  "cropping in_height * in_width * n_chan");
      !st.ok()) {
    return st;
  }
  const int oh = c.in_height - c.crop_top - c.crop_bottom;
  const int ow = c.in_width - c.crop_left - c.crop_right;
  if (oh < 1 || ow < 1) {
    return Invalid(s, absl::StrCat("cropping leaves ", oh, "x", ow, " of ", c.in_height, "x",
                                   c.in_width, " pixels"));
  }
  std::vector<int> src;
  for (int i = 0; i < oh; ++i) {
    for (int j = 0; j < ow; ++j) {
      for (int k = 0; k < c.n_chan; ++k) {
        src.push_back(((i + c.crop_top) * c.in_width + j + c.crop_left) * c.n_chan + k);
      }
    }
  }
  return std::make_unique<RowMoveLayer>(std::move(src), in.type, s.result_type);
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileMerge(const LayerSpec& s, const MergeSpec& m,
                                                         const std::vector<LayerInput>& ins) {
  if (ins.size() != 2) {
    return Invalid(s, absl::StrCat("a merge layer reads 2 inputs, not ", ins.size()));
  }
  const FixedType a = ins[0].type, b = ins[1].type, res = s.result_type;
  const int n1 = ins[0].size, n2 = ins[1].size;
  if (m.kind == MergeKind::kConcatenate) {
    if (m.shape1.empty() || m.shape1.size() > 3 || m.shape1.size() != m.shape2.size()) {
      return Invalid(s, "concatenate needs two shapes of 1 to 3 dimensions");
    }
    const int rank = static_cast<int>(m.shape1.size());
    const int axis = m.axis < 0 ? m.axis + rank : m.axis;
    if (axis < 0 || axis >= rank) return Invalid(s, absl::StrCat("concatenate axis ", m.axis));
    int64_t p1 = 1, p2 = 1, outer = 1, inner1 = 1, inner2 = 1;
    for (int d = 0; d < rank; ++d) {
      if (m.shape1[d] < 1 || m.shape2[d] < 1) return Invalid(s, "concatenate shape entry < 1");
      if (d != axis && m.shape1[d] != m.shape2[d]) {
        return Invalid(s,
                       absl::StrCat("concatenate shapes (", absl::StrJoin(m.shape1, ","), ") and (",
                                    absl::StrJoin(m.shape2, ","), ") differ outside axis ", axis));
      }
      p1 *= m.shape1[d];
      p2 *= m.shape2[d];
      if (d < axis) outer *= m.shape1[d];
      if (d >= axis) {
        inner1 *= m.shape1[d];
        inner2 *= m.shape2[d];
      }
    }
    if (p1 != n1 || p2 != n2) {
      return Invalid(s, absl::StrCat("concatenate shapes hold ", p1, " and ", p2,
                                     " values but the inputs have ", n1, " and ", n2));
    }
    std::vector<RowSource> map;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner1; ++i) map.push_back({0, static_cast<int>(o * inner1 + i)});
      for (int64_t i = 0; i < inner2; ++i) map.push_back({1, static_cast<int>(o * inner2 + i)});
    }
    auto layer = std::make_unique<FunctionLayer>(
        n1 + n2,
        [a, b, res, outer, inner1, inner2](const int64_t* const* xs, int64_t* y) {
          for (int64_t o = 0; o < outer; ++o) {
            for (int64_t i = 0; i < inner1; ++i) *y++ = To(a, xs[0][o * inner1 + i], res);
            for (int64_t i = 0; i < inner2; ++i) *y++ = To(b, xs[1][o * inner2 + i], res);
          }
        },
        RowMapBlock(std::move(map), {a, b}, res));
    const std::optional<FastConvert> ca = MakeFastConvert(a, res), cb = MakeFastConvert(b, res);
    if (outer == 1 && ca && ca->identity && cb && cb->identity) layer->set_concatenates_in_order();
    return layer;
  }
  if (m.kind == MergeKind::kDot) {
    const FixedType acc = m.accum_type;
    if (absl::Status st = CheckType(s, acc, "accum type"); !st.ok()) return st;
    if (n1 != n2 || n1 < 1) {
      return Invalid(s, absl::StrCat("dot1d of ", n1, " and ", n2, " values"));
    }
    if (a.width + b.width > kMaxExactBits) {
      return Unimplemented(
          s, absl::StrCat("dot1d of ", a.ToString(), " and ", b.ToString(), " is too wide"));
    }
    const int shift = acc.fractional_bits() - (a.fractional_bits() + b.fractional_bits());
    // Block form: every product, sum and result an exact int64 FastConvert (products within 61
    // bits, sums of two accumulator values within 62).
    BlockFn block;
    const int product_bits = a.width + b.width + 1;
    if (product_bits <= 61 && acc.width + 2 <= 61) {
      const std::optional<FastConvert> product =
          MakeFastConvert(ExactType(product_bits, a.fractional_bits() + b.fractional_bits()), acc);
      const std::optional<FastConvert> sum =
          MakeFastConvert(ExactType(acc.width + 2, acc.fractional_bits()), acc);
      const std::optional<FastConvert> result = MakeFastConvert(acc, res);
      if (product && sum && result) {
        block = [product = *product, sum = *sum, result = *result, n1](const int64_t* const* xs,
                                                                       int64_t* y, int lanes) {
          const size_t n = static_cast<size_t>(lanes);
          for (size_t b0 = 0; b0 < n; b0 += kKernelBlock) {  // chunks of the stack buffer
            const size_t m = std::min<size_t>(kKernelBlock, n - b0);
            int64_t term[kKernelBlock];
            int64_t* yc = y + b0;
            std::fill(yc, yc + m, 0);
            for (int i = 0; i < n1; ++i) {
              const int64_t* xa = xs[0] + static_cast<size_t>(i) * n + b0;
              const int64_t* xb = xs[1] + static_cast<size_t>(i) * n + b0;
              for (size_t b = 0; b < m; ++b) term[b] = xa[b] * xb[b];
              ConvertRaws(product, term, term, m);
              for (size_t b = 0; b < m; ++b) term[b] += yc[b];
              ConvertRaws(sum, term, yc, m);
            }
            ConvertRaws(result, yc, yc, m);
          }
        };
      }
    }
    return std::make_unique<FunctionLayer>(
        1,
        [=](const int64_t* const* xs, int64_t* y) {
          int64_t sum = 0;
          for (int i = 0; i < n1; ++i) {
            const int64_t p =
                QuantizeScaled(acc, WideRaw(a, xs[0][i]) * WideRaw(b, xs[1][i]), shift);
            sum = ApplyOverflow(acc, WideRaw(acc, sum) + WideRaw(acc, p));
          }
          y[0] = To(acc, sum, res);
        },
        std::move(block));
  }
  const int n = std::max(n1, n2);
  if (n1 < 1 || n2 < 1 || n % n1 != 0 || n % n2 != 0) {
    return Invalid(s, absl::StrCat("merge inputs of ", n1, " and ", n2, " values"));
  }
  const int fa = a.fractional_bits(), fb = b.fractional_bits();
  const int f = std::max(fa, fb);
  const int fres = res.fractional_bits();
  const int sum_bits = std::max(a.width + (f - fa), b.width + (f - fb)) + 2;
  if (sum_bits > kMaxExactBits || a.width + b.width > kMaxExactBits) {
    return Unimplemented(
        s, absl::StrCat("merge of ", a.ToString(), " and ", b.ToString(), " is too wide"));
  }
  std::function<int64_t(int64_t, int64_t)> op;
  switch (m.kind) {
    case MergeKind::kAdd:
      op = [=](int64_t x, int64_t z) {
        return QuantizeScaled(res, Scaled(a, x, f) + Scaled(b, z, f), fres - f);
      };
      break;
    case MergeKind::kSubtract:
      op = [=](int64_t x, int64_t z) {
        return QuantizeScaled(res, Scaled(a, x, f) - Scaled(b, z, f), fres - f);
      };
      break;
    case MergeKind::kMultiply:
      op = [=](int64_t x, int64_t z) {
        return QuantizeScaled(res, WideRaw(a, x) * WideRaw(b, z), fres - (fa + fb));
      };
      break;
    case MergeKind::kAverage:
      if (!m.average_divides) {
        op = [=](int64_t x, int64_t z) {
          return QuantizeScaled(res, Scaled(a, x, f) + Scaled(b, z, f), fres - (f + 1));
        };
        break;
      } else {
        // (a + b) / (res_T)2: Xilinx's ap_fixed division shifts the dividend left by
        // max(F_d, 0), divides the raw values truncating toward zero, and keeps
        // F = F_sum + max(F_d, 0) - F_d fractional bits.
        absl::StatusOr<int64_t> two = FromDouble(res, 2.0);
        if (!two.ok() || *two == 0) {
          return Invalid(s, absl::StrCat("average: (res_t)2 is 0 in ", res.ToString(),
                                         " (hls4ml's division would divide by zero)"));
        }
        const int fd = fres;
        const int shift = std::max(fd, 0);
        const int fq = f + shift - fd;
        if (sum_bits + shift > kMaxExactBits) {
          return Unimplemented(s, "average division is too wide");
        }
        const Int128 d = WideRaw(res, *two);
        op = [=](int64_t x, int64_t z) {
          const Int128 q = ((Scaled(a, x, f) + Scaled(b, z, f)) << shift) / d;
          return QuantizeScaled(res, q, fres - fq);
        };
      }
      break;
    case MergeKind::kMaximum:
    case MergeKind::kMinimum: {
      const bool max = m.kind == MergeKind::kMaximum;
      op = [=](int64_t x, int64_t z) {
        const Int128 vx = Scaled(a, x, f), vz = Scaled(b, z, f);
        const bool first = max ? vx > vz : vx < vz;
        return first ? To(a, x, res) : To(b, z, res);
      };
      break;
    }
    case MergeKind::kConcatenate:
    case MergeKind::kDot:
      break;
  }
  // Block form: the exact intermediate in int64 when it fits 62 bits, then one recipe to res_t;
  // otherwise the exact op lane by lane.
  BlockFn block;
  const int sa = f - fa, sb = f - fb;
  auto recipe = [&](int bits, int frac) -> std::optional<FastConvert> {
    if (bits > 62) return std::nullopt;
    return MakeFastConvert(ExactType(bits, frac), res);
  };
  switch (m.kind) {
    case MergeKind::kAdd:
    case MergeKind::kSubtract:
    case MergeKind::kAverage: {
      if (m.kind == MergeKind::kAverage && m.average_divides) break;
      const std::optional<FastConvert> c =
          recipe(sum_bits, m.kind == MergeKind::kAverage ? f + 1 : f);
      if (!c) break;
      const bool sub = m.kind == MergeKind::kSubtract;
      block = [c = *c, sub, sa, sb, n, n1, n2](const int64_t* const* xs, int64_t* y, int lanes) {
        if (n1 == n2) {  // every row at once
          AddShiftedRaws(c, xs[0], sa, xs[1], sb, sub, y, static_cast<size_t>(n) * lanes);
          return;
        }
        for (int i = 0; i < n; ++i) {
          const int64_t* xa = xs[0] + static_cast<size_t>(i % n1) * lanes;
          const int64_t* xb = xs[1] + static_cast<size_t>(i % n2) * lanes;
          int64_t* yi = y + static_cast<size_t>(i) * lanes;
          AddShiftedRaws(c, xa, sa, xb, sb, sub, yi, static_cast<size_t>(lanes));
        }
      };
      break;
    }
    case MergeKind::kMultiply: {
      const std::optional<FastConvert> c = recipe(a.width + b.width + 1, fa + fb);
      if (!c) break;
      block = [c = *c, n, n1, n2](const int64_t* const* xs, int64_t* y, int lanes) {
        if (n1 == n2) {  // every row at once
          MultiplyRaws(c, xs[0], xs[1], y, static_cast<size_t>(n) * lanes);
          return;
        }
        for (int i = 0; i < n; ++i) {
          const int64_t* xa = xs[0] + static_cast<size_t>(i % n1) * lanes;
          const int64_t* xb = xs[1] + static_cast<size_t>(i % n2) * lanes;
          int64_t* yi = y + static_cast<size_t>(i) * lanes;
          MultiplyRaws(c, xa, xb, yi, static_cast<size_t>(lanes));
        }
      };
      break;
    }
    case MergeKind::kMaximum:
    case MergeKind::kMinimum: {
      const std::optional<FastConvert> ca = MakeFastConvert(a, res), cb = MakeFastConvert(b, res);
      if (sum_bits > 62 || !ca || !cb) break;
      const bool max = m.kind == MergeKind::kMaximum;
      block = [ca = *ca, cb = *cb, max, sa, sb, n, n1, n2](const int64_t* const* xs, int64_t* y,
                                                           int lanes) {
        if (n1 == n2) {  // every row at once
          const size_t all = static_cast<size_t>(n) * lanes;
          thread_local std::vector<int64_t> converted_b;
          if (converted_b.size() < all) converted_b.resize(all);
          ConvertRaws(ca, xs[0], y, all);
          ConvertRaws(cb, xs[1], converted_b.data(), all);
          SelectRow(max, xs[0], sa, xs[1], sb, converted_b.data(), y, all);
          return;
        }
        thread_local std::vector<int64_t> tb;
        if (tb.size() < static_cast<size_t>(lanes)) tb.resize(lanes);
        for (int i = 0; i < n; ++i) {
          const int64_t* xa = xs[0] + static_cast<size_t>(i % n1) * lanes;
          const int64_t* xb = xs[1] + static_cast<size_t>(i % n2) * lanes;
          int64_t* yi = y + static_cast<size_t>(i) * lanes;
          ConvertRaws(ca, xa, yi, lanes);
          ConvertRaws(cb, xb, tb.data(), lanes);
          SelectRow(max, xa, sa, xb, sb, tb.data(), yi, lanes);
        }
      };
      break;
    }
    case MergeKind::kConcatenate:
    case MergeKind::kDot:
      break;
  }
  if (!block) {
    block = [op, n, n1, n2](const int64_t* const* xs, int64_t* y, int lanes) {
      for (int i = 0; i < n; ++i) {
        const int64_t* xa = xs[0] + static_cast<size_t>(i % n1) * lanes;
        const int64_t* xb = xs[1] + static_cast<size_t>(i % n2) * lanes;
        int64_t* yi = y + static_cast<size_t>(i) * lanes;
        for (int b = 0; b < lanes; ++b) yi[b] = op(xa[b], xb[b]);
      }
    };
  }
  return std::make_unique<FunctionLayer>(
      n,
      [op, n, n1, n2](const int64_t* const* xs, int64_t* y) {
        for (int i = 0; i < n; ++i) y[i] = op(xs[0][i % n1], xs[1][i % n2]);
      },
      std::move(block));
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileActivation(const LayerSpec& s,
                                                              const ActivationSpec& act,
                                                              const LayerInput& in) {
  if (absl::Status st = CheckSize(s, in, act.n, "activation n"); !st.ok()) return st;
  const FixedType it = in.type, res = s.result_type;
  const int fin = it.fractional_bits(), fres = res.fractional_bits();
  std::function<int64_t(int64_t, int)> op;  // (raw x, element index) -> raw y
  // Block forms (int64 intermediates within 62 bits, recipes for the conversions); unset: the
  // exact op lane by lane.
  BlockFn block;
  const int n = act.n;
  const std::optional<FastConvert> in_to_res =
      it.width <= 60 ? MakeFastConvert(it, res) : std::nullopt;
  switch (act.kind) {
    case ActivationKind::kLeakyRelu:
    case ActivationKind::kPRelu: {
      if (absl::Status st = CheckType(s, act.param_type, "alpha type"); !st.ok()) return st;
      std::vector<int64_t> alphas = act.params;
      if (act.kind == ActivationKind::kLeakyRelu) {
        alphas.assign(1, act.param);
      } else if (alphas.size() != static_cast<size_t>(act.n)) {
        return Invalid(s,
                       absl::StrCat("prelu has ", alphas.size(), " alphas for ", act.n, " values"));
      }
      if (absl::Status st = CheckRaws(s, alphas, act.param_type, "alpha"); !st.ok()) return st;
      if (it.width + act.param_type.width > kMaxExactBits) {
        return Unimplemented(s, "alpha * x is too wide");
      }
      const FixedType pt = act.param_type;
      const int shift = fres - (fin + pt.fractional_bits());
      op = [=](int64_t x, int i) {
        if (WideRaw(it, x) > 0) return To(it, x, res);
        const int64_t alpha = alphas[alphas.size() == 1 ? 0 : i];
        return QuantizeScaled(res, WideRaw(pt, alpha) * WideRaw(it, x), shift);
      };
      const int bits = it.width + pt.width + 1;
      if (in_to_res && bits <= 62) {
        if (std::optional<FastConvert> c =
                MakeFastConvert(ExactType(bits, fin + pt.fractional_bits()), res)) {
          // x << up stays within the product's exact type where alpha has no negative integer
          // bits (up <= its width).
          const int up = pt.fractional_bits();
          const bool scaled = up >= 0 && up <= pt.width;
          block = [alphas, c = *c, pos = *in_to_res, n, up, scaled](const int64_t* const* xs,
                                                                    int64_t* y, int lanes) {
            for (int i = 0; i < n; ++i) {
              const int64_t* xi = xs[0] + static_cast<size_t>(i) * lanes;
              int64_t* yi = y + static_cast<size_t>(i) * lanes;
              const int64_t alpha = alphas[alphas.size() == 1 ? 0 : i];
              if (scaled) {
                LeakyRowScaled(xi, alpha, up, c, yi, lanes);
                continue;
              }
              ConvertRaws(pos, xi, yi, lanes);
              LeakyRow(xi, alpha, c, yi, lanes);
            }
          };
        }
      }
      break;
    }
    case ActivationKind::kThresholdedRelu: {
      if (absl::Status st = CheckType(s, act.param_type, "theta type"); !st.ok()) return st;
      if (absl::Status st = CheckRaws(s, {act.param}, act.param_type, "theta"); !st.ok()) {
        return st;
      }
      const FixedType pt = act.param_type;
      const int64_t theta = act.param;
      const int f = std::max(fin, pt.fractional_bits());
      op = [=](int64_t x, int) {
        return Scaled(it, x, f) > Scaled(pt, theta, f) ? To(it, x, res) : int64_t{0};
      };
      const int sx = f - fin, st = f - pt.fractional_bits();
      if (in_to_res && std::max(it.width + sx, pt.width + st) <= 62) {
        const int64_t theta_f = theta << st;
        block = [pos = *in_to_res, theta_f, sx, n](const int64_t* const* xs, int64_t* y,
                                                   int lanes) {
          const size_t all = static_cast<size_t>(n) * lanes;  // every row at once
          if (pos.identity) {
            ThresholdCopyRow(xs[0], sx, theta_f, y, all);
            return;
          }
          ConvertRaws(pos, xs[0], y, all);
          ThresholdRow(xs[0], sx, theta_f, y, all);
        };
      }
      break;
    }
    case ActivationKind::kReluMax: {
      const int64_t max_res = QuantizeScaled(res, act.max_value, fres);
      const Int128 max_scaled = static_cast<Int128>(act.max_value) << std::max(fin, 0);
      op = [=](int64_t x, int) {
        const Int128 v = WideRaw(it, x);
        if (v < 0) return int64_t{0};
        // x > MAX_INT compares exact values: x * 2^-F > max.
        const bool above =
            fin >= 0 ? v > max_scaled : (v << -fin) > static_cast<Int128>(act.max_value);
        return above ? max_res : To(it, x, res);
      };
      if (in_to_res && fin >= 0 && fin + 4 <= 58) {
        const int64_t max_f = static_cast<int64_t>(act.max_value) << fin;
        block = [pos = *in_to_res, max_f, max_res, n](const int64_t* const* xs, int64_t* y,
                                                      int lanes) {
          const size_t all = static_cast<size_t>(n) * lanes;  // every row at once
          ConvertRaws(pos, xs[0], y, all);
          ReluMaxRow(xs[0], max_f, max_res, y, all);
        };
      }
      break;
    }
    case ActivationKind::kHardSigmoid:
    case ActivationKind::kHardTanh: {
      if (absl::Status st = CheckType(s, act.slope_type, "slope type"); !st.ok()) return st;
      if (absl::Status st = CheckType(s, act.shift_type, "shift type"); !st.ok()) return st;
      const FixedType sl = act.slope_type, sh = act.shift_type;
      if (it.width + sl.width + 2 > kMaxExactBits) return Unimplemented(s, "slope * x is too wide");
      const int fp = fin + sl.fractional_bits();
      const int f = std::max({fp, sh.fractional_bits(), 0});
      const Int128 slope = WideRaw(sl, act.slope), shift = Scaled(sh, act.shift, f);
      const Int128 one = Int128(1) << f;
      const bool tanh = act.kind == ActivationKind::kHardTanh;
      op = [=](int64_t x, int) {
        Int128 z = ((slope * WideRaw(it, x)) << (f - fp)) + shift;
        z = z > one ? one : z < 0 ? 0 : z;
        if (tanh) z = 2 * z - one;
        return QuantizeScaled(res, z, fres - f);
      };
      const int bits =
          std::max({it.width + sl.width + (f - fp), sh.width + (f - sh.fractional_bits()), f + 2}) +
          2;
      std::optional<FastConvert> c;
      if (bits <= 62) c = MakeFastConvert(ExactType(f + 3, f), res);
      if (c) {
        const int64_t slope64 = static_cast<int64_t>(slope), shift64 = static_cast<int64_t>(shift),
                      one64 = static_cast<int64_t>(one);
        const int up = f - fp;
        block = [c = *c, slope64, shift64, one64, up, tanh, n](const int64_t* const* xs, int64_t* y,
                                                               int lanes) {
          const size_t all = static_cast<size_t>(n) * lanes;  // every row at once
          HardRow(xs[0], slope64, up, shift64, one64, tanh, y, all);
          ConvertRaws(c, y, y, all);
        };
      }
      break;
    }
    default:
      return Invalid(s, "not an extra activation");
  }
  if (!block) {
    block = [op, n](const int64_t* const* xs, int64_t* y, int lanes) {
      for (int i = 0; i < n; ++i) {
        const int64_t* xi = xs[0] + static_cast<size_t>(i) * lanes;
        int64_t* yi = y + static_cast<size_t>(i) * lanes;
        for (int b = 0; b < lanes; ++b) yi[b] = op(xi[b], i);
      }
    };
  }
  return std::make_unique<FunctionLayer>(
      act.n,
      [op, n](const int64_t* const* xs, int64_t* y) {
        for (int i = 0; i < n; ++i) y[i] = op(xs[0][i], i);
      },
      std::move(block));
}

}  // namespace

void ExtraLayer::RunBlock(const int64_t* const* x, int64_t* y, int count, int lanes) const {
  thread_local std::vector<std::vector<int64_t>> ins;
  thread_local std::vector<const int64_t*> ptrs;
  thread_local std::vector<int64_t> out;
  const size_t n_inputs = in_sizes_.size();
  if (ins.size() < n_inputs) ins.resize(n_inputs);
  ptrs.resize(n_inputs);
  for (size_t k = 0; k < n_inputs; ++k) {
    if (ins[k].size() < static_cast<size_t>(in_sizes_[k])) ins[k].resize(in_sizes_[k]);
    ptrs[k] = ins[k].data();
  }
  if (out.size() < static_cast<size_t>(n_out_)) out.resize(n_out_);
  for (int b = 0; b < lanes; ++b) {
    if (b >= count) {
      for (int j = 0; j < n_out_; ++j) y[static_cast<size_t>(j) * lanes + b] = 0;
      continue;
    }
    for (size_t k = 0; k < n_inputs; ++k) {
      for (int i = 0; i < in_sizes_[k]; ++i) ins[k][i] = x[k][static_cast<size_t>(i) * lanes + b];
    }
    Run(ptrs.data(), out.data());
    for (int j = 0; j < n_out_; ++j) y[static_cast<size_t>(j) * lanes + b] = out[j];
  }
}

bool IsExtraLayer(const LayerSpec& spec) {
  if (const auto* a = std::get_if<ActivationSpec>(&spec.op)) {
    return a->kind != ActivationKind::kLinear && a->kind != ActivationKind::kRelu &&
           a->kind != ActivationKind::kSigmoid && a->kind != ActivationKind::kTanh;
  }
  if (const auto* b = std::get_if<BatchNormSpec>(&spec.op)) {
    return b->exponent_product_type.has_value();
  }
  if (const auto* d = std::get_if<DenseSpec>(&spec.op)) {
    return d->exponent_weights.has_value() || d->product != DenseProduct::kMult ||
           d->binary_cast != BinaryCast::kNone;
  }
  return !std::holds_alternative<DenseSpec>(spec.op) &&
         !std::holds_alternative<BatchNormSpec>(spec.op) &&
         !std::holds_alternative<SoftmaxSpec>(spec.op);
}

namespace {
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExtraLayerOp(
    const LayerSpec& spec, const std::vector<LayerInput>& inputs);
}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExtraLayer(
    const LayerSpec& spec, const std::vector<LayerInput>& inputs) {
  absl::StatusOr<std::unique_ptr<ExtraLayer>> layer = CompileExtraLayerOp(spec, inputs);
  if (layer.ok()) {
    std::vector<int> sizes;
    for (const LayerInput& in : inputs) sizes.push_back(in.size);
    (*layer)->set_input_sizes(std::move(sizes));
  }
  return layer;
}

namespace {
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExtraLayerOp(
    const LayerSpec& spec, const std::vector<LayerInput>& inputs) {
  const bool merge = std::holds_alternative<MergeSpec>(spec.op);
  if (!merge && inputs.size() != 1) {
    return Invalid(spec, absl::StrCat("reads ", inputs.size(), " inputs; this layer reads one"));
  }
  if (const auto* b = std::get_if<BatchNormSpec>(&spec.op)) {
    if (b->exponent_product_type) return CompileExponentBatchNorm(spec, *b, inputs[0]);
  }
  if (const auto* d = std::get_if<DenseSpec>(&spec.op)) {
    if (d->exponent_weights) return CompileExponentDense(spec, *d, inputs[0]);
    return CompileBinaryDense(spec, *d, inputs[0]);
  }
  if (const auto* c = std::get_if<ConvSpec>(&spec.op)) return CompileConv(spec, *c, inputs[0]);
  if (const auto* p = std::get_if<PoolingSpec>(&spec.op)) {
    return CompilePooling(spec, *p, inputs[0]);
  }
  if (const auto* p = std::get_if<PaddingSpec>(&spec.op)) {
    return CompilePadding(spec, *p, inputs[0]);
  }
  if (const auto* r = std::get_if<ResizeSpec>(&spec.op)) return CompileResize(spec, *r, inputs[0]);
  if (const auto* c = std::get_if<CroppingSpec>(&spec.op)) {
    return CompileCropping(spec, *c, inputs[0]);
  }
  if (const auto* t = std::get_if<TransposeSpec>(&spec.op)) {
    return CompileTranspose(spec, *t, inputs[0]);
  }
  if (const auto* e = std::get_if<EmbeddingSpec>(&spec.op)) {
    return CompileEmbedding(spec, *e, inputs[0]);
  }
  if (const auto* td = std::get_if<TimeDistributedSpec>(&spec.op)) {
    return CompileTimeDistributed(spec, *td, inputs[0]);
  }
  if (const auto* l = std::get_if<LayerNormSpec>(&spec.op)) {
    return CompileLayerNorm(spec, *l, inputs[0]);
  }
  if (const auto* m = std::get_if<MergeSpec>(&spec.op)) return CompileMerge(spec, *m, inputs);
  if (const auto* a = std::get_if<ActivationSpec>(&spec.op)) {
    switch (a->kind) {
      case ActivationKind::kSoftplus:
      case ActivationKind::kSoftsign:
      case ActivationKind::kElu:
      case ActivationKind::kSelu:
      case ActivationKind::kBinaryTanh:
      case ActivationKind::kTernaryTanh:
        return CompileTableActivation(spec, *a, inputs[0]);
      case ActivationKind::kBinaryThreshold:
      case ActivationKind::kTernaryThreshold:
        return CompileThresholdActivation(spec, *a, inputs[0]);
      default:
        return CompileActivation(spec, *a, inputs[0]);
    }
  }
  if (const auto* r = std::get_if<RecurrentSpec>(&spec.op)) {
    return CompileRecurrent(spec, *r, inputs[0]);
  }
  return Invalid(spec, "not an extra layer");
}
}  // namespace

}  // namespace fpgaas::numerics::internal
