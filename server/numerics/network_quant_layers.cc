// Layers with hls4ml's special products (nnet_mult.h): power-of-two ("exponent") scales and
// weights, binary and ternary weights. One sample at a time on raw int64 values, like the other
// extra layers (network_layers.cc).
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layers_internal.h"
#include "server/util/cpu_dispatch.h"

namespace fpgaas::numerics::internal {
namespace {

// Exact intermediates are held in 128-bit integers.
constexpr int kMaxExactBits = 120;

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}
absl::Status Unimplemented(const LayerSpec& s, absl::string_view why) {
  return absl::UnimplementedError(absl::StrCat("layer \"", s.name, "\": ", why));
}

// One output of nnet::normalize with weight_exponential scales in int64 (ExponentBatchNorm's
// block form): ExponentProduct's steps on r_T widths <= 62, where every shift and negation mod
// 2^64 followed by the wrap to `width` bits gives the wrap of the exact value, then the bias.
struct ExponentNormRow {
  int in_shift = 0;  // r_T's F minus the input's F
  int width = 0;     // r_T's W
  int exponent = 0;
  bool negate = false;  // sign 0: r_T(-y)
  int sum_shift = 0;    // product to the sum's F
  int64_t bias = 0;     // bias raw at the sum's F
};

// y[b] = r.bias + (product(x[b]) << r.sum_shift) for n lanes: raws of the exact sum.
FPGAAS_NUMERICS_CLONES void ExponentNormBlockRow(const int64_t* x, size_t n,
                                                 const ExponentNormRow& r, int64_t* y) {
  const int unused = 64 - r.width;
  auto wrap = [unused](uint64_t v) { return static_cast<int64_t>(v << unused) >> unused; };
  if (r.in_shift >= r.width || r.exponent >= r.width) {
    for (size_t b = 0; b < n; ++b) y[b] = r.bias;  // every product bit shifted out: 0
    return;
  }
  const int in_left = std::max(r.in_shift, 0), in_right = std::min(std::max(-r.in_shift, 0), 63);
  const int e_left = std::max(r.exponent, 0), e_right = std::min(std::max(-r.exponent, 0), 63);
  const int sum_shift = r.sum_shift;
  const int64_t bias = r.bias;
  const uint64_t flip = r.negate ? ~uint64_t{0} : 0, add = r.negate ? 1 : 0;  // -v = ~v + 1
  for (size_t b = 0; b < n; ++b) {
    int64_t v = wrap(static_cast<uint64_t>(x[b] >> in_right) << in_left);
    v = wrap(static_cast<uint64_t>(v >> e_right) << e_left);
    v = wrap((static_cast<uint64_t>(v) ^ flip) + add);
    y[b] = static_cast<int64_t>(static_cast<uint64_t>(v) << sum_shift) + bias;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExponentBatchNorm(const LayerSpec& s,
                                                                     const BatchNormSpec& b,
                                                                     const LayerInput& in) {
  const FixedType& pt = *b.exponent_product_type;
  const FixedType res = s.result_type;
  if (b.n != in.size || b.exponent.size() != static_cast<size_t>(b.n) ||
      b.exponent_sign.size() != static_cast<size_t>(b.n) ||
      b.bias.size() != static_cast<size_t>(b.n)) {
    return Invalid(s, absl::StrCat("batchnorm n = ", b.n, " with ", b.exponent.size(),
                                   " exponents, ", b.exponent_sign.size(), " signs and ",
                                   b.bias.size(), " biases, but its input has ", in.size,
                                   " values"));
  }
  if (!pt.is_signed || pt.width < 1 || pt.width > kMaxExactBits - 8 ||
      std::abs(pt.integer_bits) > 512) {
    return Unimplemented(s, absl::StrCat("exponent product type ap_fixed<", pt.width, ",",
                                         pt.integer_bits, "> is not supported"));
  }
  for (size_t k = 0; k < b.exponent_sign.size(); ++k) {
    if (b.exponent_sign[k] != 0 && b.exponent_sign[k] != 1) {
      return Invalid(s, absl::StrCat("exponent sign[", k, "] = ", b.exponent_sign[k],
                                     " is neither 0 nor 1"));
    }
  }
  const FixedType bt = b.bias_type;
  if (bt.width < 1 || bt.width > 64) return Invalid(s, "bias type is not supported");
  for (size_t k = 0; k < b.bias.size(); ++k) {
    if (WrapToWidth(bt, b.bias[k]) != b.bias[k]) {
      return Invalid(s, absl::StrCat("bias[", k, "] is not a raw value of ", bt.ToString()));
    }
  }
  const int fp = pt.width - pt.integer_bits, fb = bt.fractional_bits();
  const int f = std::max(fp, fb);
  if (std::max(pt.width + (f - fp), bt.width + (f - fb)) + 2 > kMaxExactBits) {
    return Unimplemented(s, "exponent product plus bias is too wide");
  }
  const ExponentProduct product(in.type, pt);
  struct Fn {
    ExponentProduct product;
    BatchNormSpec b;
    FixedType bt, res;
    int fp, fb, f;
  };
  auto fn = std::make_shared<Fn>(Fn{product, b, bt, res, fp, fb, f});
  // The block form: r_T within 62 bits and the sum (product and bias at F = f) within 62.
  std::vector<ExponentNormRow> rows;
  std::optional<FastConvert> to_res;
  const int sum_bits = std::max(pt.width + (f - fp), bt.width + 1 + (f - fb)) + 1;
  if (pt.width <= 62 && sum_bits <= 62) to_res = MakeFastConvert(ExactType(sum_bits, f), res);
  if (to_res) {
    for (int i = 0; i < b.n; ++i) {
      ExponentNormRow r;
      r.in_shift = fp - in.type.fractional_bits();
      r.width = pt.width;
      r.exponent = b.exponent[i];
      r.negate = b.exponent_sign[i] != 1;
      r.sum_shift = f - fp;
      r.bias = static_cast<int64_t>(WideRaw(bt, b.bias[i]) << (f - fb));
      rows.push_back(r);
    }
  }
  class Layer final : public ExtraLayer {
   public:
    Layer(int n, std::shared_ptr<Fn> fn, std::vector<ExponentNormRow> rows,
          std::optional<FastConvert> to_res)
        : fn_(std::move(fn)), rows_(std::move(rows)), to_res_(to_res) {
      n_out_ = n;
    }
    void Run(const int64_t* const* xs, int64_t* y) const override {
      const Fn& c = *fn_;
      for (int i = 0; i < n_out_; ++i) {
        const Int128 p = c.product(xs[0][i], c.b.exponent_sign[i], c.b.exponent[i]);
        const Int128 sum = (p << (c.f - c.fp)) + (WideRaw(c.bt, c.b.bias[i]) << (c.f - c.fb));
        y[i] = QuantizeScaled(c.res, sum, c.res.fractional_bits() - c.f);
      }
    }
    void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
      if (!to_res_) {
        ExtraLayer::RunBlock(xs, y, count, lanes);
        return;
      }
      const size_t n = static_cast<size_t>(lanes);
      for (int i = 0; i < n_out_; ++i) {
        int64_t* yi = y + static_cast<size_t>(i) * n;
        ExponentNormBlockRow(xs[0] + static_cast<size_t>(i) * n, n, rows_[i], yi);
        ConvertRaws(*to_res_, yi, yi, n);
      }
    }

   private:
    std::shared_ptr<Fn> fn_;
    std::vector<ExponentNormRow> rows_;
    std::optional<FastConvert> to_res_;  // set when the block form is exact
  };
  return std::make_unique<Layer>(b.n, std::move(fn), std::move(rows), to_res);
}

absl::Status ValidateExponentWeights(const LayerSpec& s, const ExponentWeights& e, size_t count) {
  const FixedType& pt = e.product_type;
  if (e.sign.size() != count || e.exponent.size() != count) {
    return Invalid(s, absl::StrCat(e.sign.size(), " exponent signs and ", e.exponent.size(),
                                   " exponents, expected ", count));
  }
  if (!pt.is_signed || pt.width < 1 || pt.width > kMaxExactBits - 8 ||
      std::abs(pt.integer_bits) > 512) {
    return Unimplemented(s, absl::StrCat("exponent product type ap_fixed<", pt.width, ",",
                                         pt.integer_bits, "> is not supported"));
  }
  for (size_t k = 0; k < count; ++k) {
    if (e.sign[k] != 0 && e.sign[k] != 1) {
      return Invalid(s, absl::StrCat("exponent sign[", k, "] = ", e.sign[k],
                                     " is neither 0 nor 1"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExponentDense(const LayerSpec& s,
                                                                 const DenseSpec& d,
                                                                 const LayerInput& in) {
  if (d.n_in <= 0 || d.n_out <= 0 || d.n_in != in.size) {
    return Invalid(s, absl::StrCat("dense ", d.n_in, " -> ", d.n_out, " reads ", in.size,
                                   " values"));
  }
  const size_t n_weights = static_cast<size_t>(d.n_in) * d.n_out;
  if (absl::Status st = ValidateExponentWeights(s, *d.exponent_weights, n_weights); !st.ok()) {
    return st;
  }
  if (d.biases.size() != static_cast<size_t>(d.n_out)) {
    return Invalid(s, absl::StrCat(d.biases.size(), " biases, expected n_out = ", d.n_out));
  }
  const FixedType& bt = d.bias_type;
  const FixedType& at = d.accum_type;
  if (bt.width < 1 || bt.width > 64 || at.width < 1 || at.width > 64) {
    return Invalid(s, "bias or accumulator type is not supported");
  }
  for (size_t k = 0; k < d.biases.size(); ++k) {
    if (WrapToWidth(bt, d.biases[k]) != d.biases[k]) {
      return Invalid(s, absl::StrCat("bias[", k, "] is not a raw value of ", bt.ToString()));
    }
  }
  std::vector<std::pair<int, int>> order;  // (i, j) in summation order
  if (d.resource_strategy) {
    std::optional<std::vector<std::pair<int, int>>> resource =
        DenseResourceOrder(d.n_in, d.n_out, d.reuse_factor);
    if (!resource) {
      return Invalid(s, absl::StrCat("reuse factor ", d.reuse_factor,
                                     " is not valid for dense_resource with n_in ", d.n_in,
                                     " and n_out ", d.n_out));
    }
    order = *std::move(resource);
  } else {
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) order.emplace_back(i, j);
    }
  }
  class Layer final : public ExtraLayer {
   public:
    Layer(const DenseSpec& d, const FixedType& in, const FixedType& res,
          std::vector<std::pair<int, int>> order)
        : n_out_dense_(d.n_out),
          e_(*d.exponent_weights),
          product_(in, e_.product_type),
          accum_(d.accum_type),
          res_(res),
          order_(std::move(order)) {
      n_out_ = d.n_out;
      macs_ = int64_t{d.n_in} * d.n_out;
      for (int64_t b : d.biases) bias_accum_.push_back(Convert(d.bias_type, b, d.accum_type));
      to_accum_ = accum_.fractional_bits() - product_.fractional_bits();
      PlanBlock(in);
    }
    // nnet::dense_latency / dense_resource: acc = accum_t(b); acc = accum_t(acc +
    // accum_t(product(x_i, w_ij))) in the strategy's order; y = res_t(acc).
    void Run(const int64_t* const* xs, int64_t* y) const override {
      const int64_t* x = xs[0];
      std::vector<int64_t> acc = bias_accum_;
      for (auto [i, j] : order_) {
        const size_t k = static_cast<size_t>(i) * n_out_dense_ + j;
        const Int128 p = product_(x[i], e_.sign[k], e_.exponent[k]);
        const int64_t pq = QuantizeScaled(accum_, p, to_accum_);
        acc[j] = ApplyOverflow(accum_, WideRaw(accum_, acc[j]) + WideRaw(accum_, pq));
      }
      for (int j = 0; j < n_out_dense_; ++j) y[j] = Convert(accum_, acc[j], res_);
    }
    // Run's loop over every lane at once, in int64 where exact (r_T within 62 bits: the product
    // by ExponentNormBlockRow, then recipes for accum_t(p), accum_t(acc + term) and res_t(acc)).
    // The accumulators are y's rows.
    void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
      if (!block_) {
        ExtraLayer::RunBlock(xs, y, count, lanes);
        return;
      }
      const Block& f = *block_;
      const size_t n = static_cast<size_t>(lanes);
      thread_local std::vector<int64_t> term;
      if (term.size() < n) term.resize(n);
      for (int j = 0; j < n_out_dense_; ++j) {
        std::fill(y + j * n, y + (j + 1) * n, bias_accum_[j]);
      }
      for (auto [i, j] : order_) {
        const size_t k = static_cast<size_t>(i) * n_out_dense_ + j;
        int64_t* acc = y + j * n;
        ExponentNormBlockRow(xs[0] + i * n, n, f.rows[k], term.data());
        ConvertRaws(f.product_to_accum, term.data(), term.data(), n);
        for (size_t b = 0; b < n; ++b) term[b] += acc[b];
        ConvertRaws(f.sum_to_accum, term.data(), acc, n);
      }
      ConvertRaws(f.to_result, y, y, static_cast<size_t>(n_out_dense_) * n);
    }

   private:
    void PlanBlock(const FixedType& in) {
      const FixedType& pt = e_.product_type;
      if (pt.width > 62 || accum_.width + 2 > 62) return;
      std::optional<FastConvert> product = MakeFastConvert(pt, accum_);
      std::optional<FastConvert> sum =
          MakeFastConvert(ExactType(accum_.width + 2, accum_.fractional_bits()), accum_);
      std::optional<FastConvert> result = MakeFastConvert(accum_, res_);
      if (!product || !sum || !result) return;
      Block b{{}, *product, *sum, *result};
      for (size_t k = 0; k < e_.sign.size(); ++k) {
        ExponentNormRow r;  // the product alone: no shift, no bias
        r.in_shift = product_.fractional_bits() - in.fractional_bits();
        r.width = pt.width;
        r.exponent = e_.exponent[k];
        r.negate = e_.sign[k] != 1;
        b.rows.push_back(r);
      }
      block_ = std::move(b);
    }
    struct Block {
      std::vector<ExponentNormRow> rows;  // by weight index
      FastConvert product_to_accum, sum_to_accum, to_result;
    };

    int n_out_dense_;
    ExponentWeights e_;
    ExponentProduct product_;
    FixedType accum_, res_;
    std::vector<std::pair<int, int>> order_;
    std::vector<int64_t> bias_accum_;
    int to_accum_ = 0;
    std::optional<Block> block_;  // set when the block form is exact
  };
  return std::make_unique<Layer>(d, in.type, s.result_type, std::move(order));
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileBinaryDense(const LayerSpec& s,
                                                               const DenseSpec& d,
                                                               const LayerInput& in) {
  if (d.n_in <= 0 || d.n_out <= 0 || d.n_in != in.size) {
    return Invalid(s, absl::StrCat("dense ", d.n_in, " -> ", d.n_out, " reads ", in.size,
                                   " values"));
  }
  const size_t n_weights = static_cast<size_t>(d.n_in) * d.n_out;
  if (d.weights.size() != n_weights || d.biases.size() != static_cast<size_t>(d.n_out)) {
    return Invalid(s, absl::StrCat(d.weights.size(), " weights and ", d.biases.size(),
                                   " biases; expected ", n_weights, " and ", d.n_out));
  }
  const FixedType& wt = d.weight_type;
  const FixedType& bt = d.bias_type;
  const FixedType& at = d.accum_type;
  for (const FixedType* t : {&wt, &bt, &at, &in.type, &s.result_type}) {
    if (t->width < 1 || t->width > 64 || std::abs(t->integer_bits) > 512) {
      return Invalid(s, absl::StrCat("type ", t->ToString(), " is not supported"));
    }
  }
  for (size_t k = 0; k < d.biases.size(); ++k) {
    if (WrapToWidth(bt, d.biases[k]) != d.biases[k]) {
      return Invalid(s, absl::StrCat("bias[", k, "] is not a raw value of ", bt.ToString()));
    }
  }
  // ap_uint<1>'s values (an ap_ufixed<1,1> holds the same ones; only conversions differ).
  auto one_bit = [](const FixedType& t) {
    return t.width == 1 && t.integer_bits == 1 && !t.is_signed;
  };
  for (size_t k = 0; k < n_weights; ++k) {
    const int64_t w = d.weights[k];
    const bool ok = d.product == DenseProduct::kNegateInInput ? (w >= -1 && w <= 1)
                                                              : WrapToWidth(wt, w) == w;
    if (!ok) return Invalid(s, absl::StrCat("weight[", k, "] = ", w, " is out of range"));
  }
  if (d.product == DenseProduct::kNegateInInput &&
      !(wt.width == 2 && wt.integer_bits == 2 && wt.is_signed)) {
    return Invalid(s, "negated-in-input products hold ap_int<2> weights in {-1, 0, 1}");
  }
  if (d.product == DenseProduct::kXnor && !(one_bit(wt) && one_bit(in.type))) {
    return Unimplemented(s, "both_binary with an input or weight type other than ap_uint<1>");
  }
  const int fa = at.fractional_bits();
  if (d.binary_cast != BinaryCast::kNone && (fa > 62 || fa < -60)) {
    return Unimplemented(s, absl::StrCat("binary cast of accumulator ", at.ToString()));
  }
  if (in.type.width + wt.width > kMaxExactBits - 8) {
    return Unimplemented(s, "product too wide");
  }
  std::vector<std::pair<int, int>> order;  // (i, j) in summation order
  if (d.resource_strategy) {
    std::optional<std::vector<std::pair<int, int>>> resource =
        DenseResourceOrder(d.n_in, d.n_out, d.reuse_factor);
    if (!resource) {
      return Invalid(s, absl::StrCat("reuse factor ", d.reuse_factor,
                                     " is not valid for dense_resource with n_in ", d.n_in,
                                     " and n_out ", d.n_out));
    }
    order = *std::move(resource);
  } else {
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) order.emplace_back(i, j);
    }
  }
  class Layer final : public ExtraLayer {
   public:
    Layer(const DenseSpec& d, const FixedType& in, const FixedType& res,
          std::vector<std::pair<int, int>> order)
        : d_(d), in_(in), res_(res), order_(std::move(order)) {
      n_out_ = d.n_out;
      macs_ = int64_t{d.n_in} * d.n_out;
      for (int64_t b : d.biases) bias_accum_.push_back(Convert(d.bias_type, b, d.accum_type));
      int n = d.n_in, log = 1;  // nnet::ceillog2: n <= 2 ? 1 : 1 + ceillog2((n + 1) / 2)
      while (n > 2) {
        n = (n + 1) / 2;
        ++log;
      }
      cast_type_ = FixedType{log + 2, log + 2, true};
    }
    void Run(const int64_t* const* xs, int64_t* y) const override {
      const int64_t* x = xs[0];
      const FixedType& at = d_.accum_type;
      std::vector<int64_t> acc = bias_accum_;
      for (auto [i, j] : order_) {
        const int64_t w = d_.weights[static_cast<size_t>(i) * d_.n_out + j];
        const Int128 xv = WideRaw(in_, x[i]);
        Int128 p = 0;  // the product in units of 2^-f
        int f = 0;
        switch (d_.product) {
          case DenseProduct::kMult:
            p = xv * WideRaw(d_.weight_type, w);
            f = in_.fractional_bits() + d_.weight_type.fractional_bits();
            break;
          case DenseProduct::kNegateInInput:
            p = w == 0 ? 0 : w == 1 ? xv : WideRaw(in_, ApplyOverflow(in_, -xv));
            f = in_.fractional_bits();
            break;
          case DenseProduct::kXnor:
            p = xv == WideRaw(d_.weight_type, w) ? 1 : 0;
            break;
          case DenseProduct::kDataBinary:
          case DenseProduct::kDataBinaryInWeightType: {
            const Int128 wv = WideRaw(d_.weight_type, w);
            if (xv != 0) {
              p = wv;
            } else if (d_.product == DenseProduct::kDataBinary) {
              p = -wv;
            } else {
              p = WideRaw(d_.weight_type, ApplyOverflow(d_.weight_type, -wv));
            }
            f = d_.weight_type.fractional_bits();
            break;
          }
        }
        const int64_t pq = QuantizeScaled(at, p, at.fractional_bits() - f);
        acc[j] = ApplyOverflow(at, WideRaw(at, acc[j]) + WideRaw(at, pq));
      }
      for (int j = 0; j < d_.n_out; ++j) y[j] = Cast(acc[j]);
    }

   private:
    // nnet's cast<data_T, res_T, CONFIG_T>(acc).
    int64_t Cast(int64_t acc) const {
      const FixedType& at = d_.accum_type;
      if (d_.binary_cast == BinaryCast::kNone) return Convert(at, acc, res_);
      const int fa = at.fractional_bits();
      const Int128 v = WideRaw(at, acc);
      const Int128 n = d_.n_in;
      const bool halved = d_.binary_cast == BinaryCast::kHalvedTwice;
      // The exact value (acc - n_in / 2, or acc * 2 - n_in) in units of 2^-max(fa, 0).
      const Int128 a = halved ? v : 2 * v;
      const Int128 c = halved ? n / 2 : n;
      Int128 t;  // truncated toward zero to an integer (ap_fixed -> ap_int)
      if (fa >= 0) {
        t = (a - (c << fa)) / (Int128(1) << fa);
      } else {
        t = (a << -fa) - c;
      }
      int64_t r = WrapToWidth(cast_type_, t);
      if (halved) r = WrapToWidth(cast_type_, Int128(r) * 2);
      return Convert(cast_type_, r, res_);
    }

    DenseSpec d_;
    FixedType in_, res_, cast_type_;
    std::vector<std::pair<int, int>> order_;
    std::vector<int64_t> bias_accum_;
  };
  return std::make_unique<Layer>(d, in.type, s.result_type, std::move(order));
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileThresholdActivation(const LayerSpec& s,
                                                                       const ActivationSpec& act,
                                                                       const LayerInput& in) {
  const bool ternary = act.kind == ActivationKind::kTernaryThreshold;
  const size_t n = static_cast<size_t>(act.n);
  if (act.n <= 0 || act.n != in.size || act.params.size() != n ||
      (ternary && act.thresholds_lo.size() != n)) {
    return Invalid(s, absl::StrCat("threshold activation of ", act.n, " values reads ", in.size,
                                   " with ", act.params.size(), " thresholds"));
  }
  const FixedType& it = in.type;
  if (it.width < 1 || it.width > 64 || s.result_type.width < 1 || s.result_type.width > 64) {
    return Invalid(s, "type is not supported");
  }
  for (const std::vector<int64_t>* t : {&act.params, &act.thresholds_lo}) {
    for (int64_t v : *t) {
      if (WrapToWidth(it, v) != v) {
        return Invalid(s, absl::StrCat("threshold ", v, " is not a raw value of ", it.ToString()));
      }
    }
  }
  class Layer final : public ExtraLayer {
   public:
    Layer(const ActivationSpec& act, const FixedType& in, const FixedType& res)
        : act_(act), in_(in) {
      n_out_ = act.n;
      const FixedType int2{2, 2, true};
      plus_ = Convert(int2, 1, res);
      zero_ = Convert(int2, 0, res);
      minus_ = Convert(int2, -1, res);
    }
    void Run(const int64_t* const* xs, int64_t* y) const override {
      for (int i = 0; i < act_.n; ++i) {
        const Int128 x = WideRaw(in_, xs[0][i]);
        const Int128 hi = WideRaw(in_, act_.params[i]);
        if (act_.kind == ActivationKind::kBinaryThreshold) {
          y[i] = (act_.threshold_inclusive ? x >= hi : x > hi) ? plus_ : zero_;
        } else {
          y[i] = x > hi ? plus_ : x <= WideRaw(in_, act_.thresholds_lo[i]) ? minus_ : zero_;
        }
      }
    }

   private:
    ActivationSpec act_;
    FixedType in_;
    int64_t plus_ = 0, zero_ = 0, minus_ = 0;
  };
  return std::make_unique<Layer>(act, it, s.result_type);
}

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTranspose(const LayerSpec& s,
                                                             const TransposeSpec& t,
                                                             const LayerInput& in) {
  if (t.source.empty() || t.source.size() > (size_t{1} << 26)) {
    return Invalid(s, absl::StrCat("transpose of ", t.source.size(), " values"));
  }
  for (size_t k = 0; k < t.source.size(); ++k) {
    if (t.source[k] < 0 || t.source[k] >= in.size) {
      return Invalid(s, absl::StrCat("transpose output ", k, " reads element ", t.source[k],
                                     " of an input of ", in.size, " values"));
    }
  }
  class Layer final : public ExtraLayer {
   public:
    Layer(std::vector<int> source, const FixedType& in, const FixedType& res)
        : source_(std::move(source)), in_(in), res_(res) {
      n_out_ = static_cast<int>(source_.size());
    }
    void Run(const int64_t* const* xs, int64_t* y) const override {
      for (size_t k = 0; k < source_.size(); ++k) y[k] = Convert(in_, xs[0][source_[k]], res_);
    }
    // Row k of y is row source_[k] of x, converted.
    void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
      const size_t n = static_cast<size_t>(lanes);
      for (size_t k = 0; k < source_.size(); ++k) {
        const int64_t* x = xs[0] + static_cast<size_t>(source_[k]) * n;
        int64_t* yk = y + k * n;
        if (to_res_) {
          ConvertRaws(*to_res_, x, yk, n);
        } else {
          for (size_t b = 0; b < n; ++b) yk[b] = Convert(in_, x[b], res_);
        }
      }
    }

   private:
    std::vector<int> source_;
    FixedType in_, res_;
    std::optional<FastConvert> to_res_ = MakeFastConvert(in_, res_);
  };
  return std::make_unique<Layer>(t.source, in.type, s.result_type);
}

}  // namespace fpgaas::numerics::internal
