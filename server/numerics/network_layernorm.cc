// nnet::layernormalize (nnet_layernorm.h, hls4ml 1.2+) one sample at a time on raw values; what is
// computed is written down at LayerNormSpec (network.h).
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layernorm_kernel.h"
#include "server/numerics/network_layers_internal.h"

namespace fpgaas::numerics::internal {
namespace {

constexpr int kMaxExactBits = 120;

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}
absl::Status Unimplemented(const LayerSpec& s, absl::string_view why) {
  return absl::UnimplementedError(absl::StrCat("layer \"", s.name, "\": ", why));
}

bool TypeOk(const FixedType& t) { return t.width >= 1 && t.width <= 64; }

class LayerNormLayer final : public ExtraLayer {
 public:
  LayerNormLayer(const LayerNormSpec& l, const FixedType& in, const FixedType& res)
      : l_(l), in_(in), res_(res), dim_(l.n_in / l.seq_len) {
    n_out_ = l.n_in;
    const FixedType& a = l.accum_type;
    k_inv_ = *FromDouble(a, 1.0 / dim_);  // finite: never an error
    // nnet::init_invert_sqr_table, in its float and double steps.
    const float min_val = static_cast<float>(std::pow(10.0, -l.epsilon_power_of_10));
    const float max_val = static_cast<float>(std::pow(2.0, -l.table_range_power2));
    const float step = max_val / static_cast<float>(l.table_size);
    for (int j = 0; j < l.table_size; ++j) {
      const float v = min_val + step * static_cast<float>(j);
      table_.push_back(*FromDouble(l.table_type, 1.0 / std::sqrt(v)));
    }
    // y = e * t * s + b: fractional bits of the product, and of the sum.
    f_prod_ = a.fractional_bits() + l.table_type.fractional_bits() + l.scale_type.fractional_bits();
    f_sum_ = std::max(f_prod_, l.bias_type.fractional_bits());
    PlanFast();
  }

  // Bits the exact sums need (Init refuses the layer beyond kMaxExactBits).
  int ExactBits() const {
    const int product = l_.accum_type.width + l_.table_type.width + l_.scale_type.width;
    const int bias = l_.bias_type.width + (f_sum_ - l_.bias_type.fractional_bits());
    return std::max(product + (f_sum_ - f_prod_), bias) + 2;
  }

  void Run(const int64_t* const* xs, int64_t* y) const override {
    const FixedType& a = l_.accum_type;
    const int fa = a.fractional_bits();
    std::vector<int64_t> e(dim_);
    for (int row = 0; row < l_.seq_len; ++row) {
      const int64_t* x = xs[0] + static_cast<size_t>(row) * dim_;
      int64_t s = 0;
      for (int i = 0; i < dim_; ++i) {
        s = ApplyOverflow(a, WideRaw(a, s) + WideRaw(a, Convert(in_, x[i], a)));
      }
      const int64_t mean = QuantizeScaled(a, WideRaw(a, s) * WideRaw(a, k_inv_), -fa);
      int64_t q = 0;
      for (int i = 0; i < dim_; ++i) {
        e[i] = ApplyOverflow(a, WideRaw(a, Convert(in_, x[i], a)) - WideRaw(a, mean));
        const int64_t sq = QuantizeScaled(a, WideRaw(a, e[i]) * WideRaw(a, e[i]), -fa);
        q = ApplyOverflow(a, WideRaw(a, q) + WideRaw(a, sq));
      }
      const int64_t var = QuantizeScaled(a, WideRaw(a, q) * WideRaw(a, k_inv_), -fa);
      const int64_t t = InvSqrt(var);
      for (int i = 0; i < dim_; ++i) {
        const Int128 product =
            WideRaw(a, e[i]) * WideRaw(l_.table_type, t) * WideRaw(l_.scale_type, l_.scales[i]);
        const Int128 sum =
            (product << (f_sum_ - f_prod_)) +
            (WideRaw(l_.bias_type, l_.biases[i]) << (f_sum_ - l_.bias_type.fractional_bits()));
        y[static_cast<size_t>(row) * dim_ + i] =
            QuantizeScaled(res_, sum, res_.fractional_bits() - f_sum_);
      }
    }
  }

  // Run's arithmetic on every lane at once, each step an exact int64 FastConvert (PlanFast).
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    if (!fast_ || lanes > kKernelBlock) {
      ExtraLayer::RunBlock(xs, y, count, lanes);
      return;
    }
    const Fast& f = *fast_;
    const size_t n = static_cast<size_t>(lanes);
    const size_t row_values = static_cast<size_t>(dim_) * n;
    thread_local std::vector<int64_t> scratch;
    if (scratch.size() < row_values + 5 * n) scratch.resize(row_values + 5 * n);
    int64_t* e = scratch.data();  // accum_t(x), then the differences e, [i * lanes + b]
    int64_t* s = e + row_values;  // the sum, then the sum of squares
    int64_t* mean = s + n;
    int64_t* t = mean + n;  // the table value
    int64_t* tmp = t + n;
    int64_t* sq = tmp + n;
    if (kernel_ && lanes % 16 == 0) {  // row_values of scratch: min(lanes, 32) * dim_ values
      for (int row = 0; row < l_.seq_len; ++row) {
        const size_t at = static_cast<size_t>(row) * row_values;
        row_kernel_(*kernel_, xs[0] + at, y + at, lanes, scratch.data());
      }
      return;
    }
    for (int row = 0; row < l_.seq_len; ++row) {
      ConvertRaws(f.in_to_accum, xs[0] + static_cast<size_t>(row) * row_values, e, row_values);
      std::fill(s, s + n, 0);
      for (int i = 0; i < dim_; ++i) {
        const int64_t* ei = e + static_cast<size_t>(i) * n;
        for (size_t b = 0; b < n; ++b) tmp[b] = s[b] + ei[b];
        ConvertRaws(f.sum_to_accum, tmp, s, n);
      }
      for (size_t b = 0; b < n; ++b) tmp[b] = s[b] * k_inv_;
      ConvertRaws(f.product_to_accum, tmp, mean, n);
      std::fill(s, s + n, 0);
      for (int i = 0; i < dim_; ++i) {
        int64_t* ei = e + static_cast<size_t>(i) * n;
        for (size_t b = 0; b < n; ++b) tmp[b] = ei[b] - mean[b];
        ConvertRaws(f.sum_to_accum, tmp, ei, n);
        for (size_t b = 0; b < n; ++b) sq[b] = ei[b] * ei[b];
        ConvertRaws(f.product_to_accum, sq, sq, n);
        for (size_t b = 0; b < n; ++b) tmp[b] = s[b] + sq[b];
        ConvertRaws(f.sum_to_accum, tmp, s, n);
      }
      for (size_t b = 0; b < n; ++b) tmp[b] = s[b] * k_inv_;
      ConvertRaws(f.product_to_accum, tmp, tmp, n);  // var
      for (size_t b = 0; b < n; ++b) t[b] = InvSqrt(tmp[b]);
      int64_t* yr = y + static_cast<size_t>(row) * row_values;
      for (int i = 0; i < dim_; ++i) {
        const int64_t* ei = e + static_cast<size_t>(i) * n;
        const int64_t scale = l_.scales[i], bias = f.bias_aligned[i];
        for (size_t b = 0; b < n; ++b) {
          const uint64_t p = static_cast<uint64_t>(ei[b] * t[b] * scale);
          tmp[b] = static_cast<int64_t>(p << f.product_shift) + bias;
        }
        ConvertRaws(f.to_result, tmp, yr + static_cast<size_t>(i) * n, n);
      }
    }
  }

 private:
  // The int64 form of Run: every step's exact value within 62 bits and every conversion a
  // FastConvert. Raws of these types (at most 30 bits) equal their values (WideRaw).
  struct Fast {
    FastConvert in_to_accum;       // accum_t(x)
    FastConvert sum_to_accum;      // accum_t(u + v), accum_t(u - v) for accum raws u, v
    FastConvert product_to_accum;  // accum_t(u * v) for accum raws u, v
    FastConvert to_result;         // res_t(e * t * s + b) at f_sum_ fractional bits
    int product_shift = 0;
    std::vector<int64_t> bias_aligned;  // biases at f_sum_ fractional bits
  };
  void PlanFast() {
    const FixedType& a = l_.accum_type;
    const int fa = a.fractional_bits();
    if (2 * a.width + 1 > 62 || ExactBits() > 62 || in_.width > 62) return;
    // Exact value types: a sum or difference of two accum raws, a product of two, and the output
    // sum (ExactBits() covers its magnitude, unsigned operands included).
    std::optional<FastConvert> in_to_accum = MakeFastConvert(in_, a);
    std::optional<FastConvert> sum_to_accum = MakeFastConvert(ExactType(a.width + 2, fa), a);
    std::optional<FastConvert> product_to_accum =
        MakeFastConvert(ExactType(2 * a.width + 1, 2 * fa), a);
    std::optional<FastConvert> to_result = MakeFastConvert(ExactType(ExactBits(), f_sum_), res_);
    if (!in_to_accum || !sum_to_accum || !product_to_accum || !to_result) return;
    Fast f{*in_to_accum, *sum_to_accum, *product_to_accum, *to_result, f_sum_ - f_prod_, {}};
    for (int64_t b : l_.biases) {
      f.bias_aligned.push_back(static_cast<int64_t>(WideRaw(l_.bias_type, b)
                                                    << (f_sum_ - l_.bias_type.fractional_bits())));
    }
    fast_ = std::move(f);
    PlanKernel();
  }

  // RunBlock's rows on the row kernel of the best instruction set this CPU has (AVX-512F or
  // AVX2), where the multiplied accum and scale raws lie within int32 and the table index needs no
  // left shift.
  void PlanKernel() {
    const Fast& f = *fast_;
    const int shift = l_.accum_type.fractional_bits() - l_.table_range_power2;
    row_kernel_ = KernelFor<LayerNormRowFn>(BestKernelIsa(), LayerNormRowAvx512, LayerNormRowAvx2);
    if (row_kernel_ == nullptr || l_.accum_type.width > 31 || l_.scale_type.width > 31 ||
        shift < 0 || shift >= 63) {
      return;
    }
    LayerNormKernelPlan p;
    p.dim = dim_;
    p.in_to_accum = VectorConvert::Of(f.in_to_accum);
    p.sum_to_accum = VectorConvert::Of(f.sum_to_accum);
    p.product_to_accum = VectorConvert::Of(f.product_to_accum);
    p.to_result = VectorConvert::Of(f.to_result);
    p.k_inv = k_inv_;
    p.table = table_.data();
    p.table_size = l_.table_size;
    p.index_shift = shift;
    p.scales = l_.scales.data();
    p.bias_aligned = f.bias_aligned.data();
    p.product_shift = f.product_shift;
    p.scaled_fits_int32 = MagnitudeBits(l_.accum_type) + MagnitudeBits(l_.scale_type) <= 30;
    kernel_ = p;
  }

  // table_t 1/sqrt for a variance raw: index = int(var * table_size * 2^range) (toward zero, then
  // the low 32 bits), clamped to the table.
  int64_t InvSqrt(int64_t var) const {
    const Int128 num = WideRaw(l_.accum_type, var) * l_.table_size;
    const int shift = l_.accum_type.fractional_bits() - l_.table_range_power2;  // num / 2^shift
    Int128 k;
    if (shift <= 0) {
      k = num << -shift;
    } else if (shift >= 127) {
      k = 0;
    } else {
      k = num >= 0 ? num >> shift : -((-num) >> shift);
    }
    const int32_t index = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(k)));
    return table_[static_cast<size_t>(std::clamp(index, 0, l_.table_size - 1))];
  }

  LayerNormSpec l_;
  FixedType in_, res_;
  int dim_;
  int64_t k_inv_ = 0;
  std::vector<int64_t> table_;
  int f_prod_ = 0, f_sum_ = 0;
  std::optional<Fast> fast_;
  std::optional<LayerNormKernelPlan> kernel_;  // RunBlock on row_kernel_ (PlanKernel)
  LayerNormRowFn row_kernel_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileLayerNorm(const LayerSpec& s,
                                                             const LayerNormSpec& l,
                                                             const LayerInput& in) {
  if (l.n_in < 1 || l.n_in > (1 << 24) || l.seq_len < 1 || l.n_in % l.seq_len != 0) {
    return Invalid(s, absl::StrCat("layer norm n_in = ", l.n_in, " and seq_len = ", l.seq_len,
                                   ": seq_len must divide n_in"));
  }
  if (in.size != l.n_in) {
    return Invalid(s, absl::StrCat("layer norm n_in = ", l.n_in, " but its input has ", in.size));
  }
  const size_t dim = static_cast<size_t>(l.n_in / l.seq_len);
  if (l.scales.size() != dim || l.biases.size() != dim) {
    return Invalid(s, absl::StrCat(l.scales.size(), " scales and ", l.biases.size(),
                                   " biases; expected n_in / seq_len = ", dim, " each"));
  }
  for (const FixedType* t : {&l.accum_type, &l.table_type, &l.scale_type, &l.bias_type}) {
    if (!TypeOk(*t)) return Invalid(s, absl::StrCat("type ", t->ToString(), " is not supported"));
  }
  if (l.table_size < 1 || l.table_size > (1 << 20)) {
    return Invalid(s, absl::StrCat("table_size = ", l.table_size, " out of range"));
  }
  // 10^-37 is still a normal float; beyond, hls4ml's table starts at a subnormal or 0 (1/sqrt(0)).
  if (l.epsilon_power_of_10 < 0 || l.epsilon_power_of_10 > 37 || l.table_range_power2 < -30 ||
      l.table_range_power2 > 30) {
    return Unimplemented(s, absl::StrCat("epsilon_power_of_10 = ", l.epsilon_power_of_10,
                                         ", table_range_power2 = ", l.table_range_power2,
                                         " are not supported (0..37, -30..30)"));
  }
  for (size_t i = 0; i < dim; ++i) {
    if (WrapToWidth(l.scale_type, l.scales[i]) != l.scales[i] ||
        WrapToWidth(l.bias_type, l.biases[i]) != l.biases[i]) {
      return Invalid(s, absl::StrCat("scale or bias ", i, " is not a raw value of its type"));
    }
  }
  auto layer = std::make_unique<LayerNormLayer>(l, in.type, s.result_type);
  if (layer->ExactBits() > kMaxExactBits) {
    return Unimplemented(
        s, absl::StrCat("layer norm output e * table * scale + bias needs ", layer->ExactBits(),
                        " bits exactly; at most ", kMaxExactBits, " are supported"));
  }
  // The squares and the products with 1/d: 2 * W_accum bits.
  if (2 * l.accum_type.width + 2 > kMaxExactBits) {
    return Unimplemented(s, "accum_t too wide for the exact squares");
  }
  return layer;
}

}  // namespace fpgaas::numerics::internal
