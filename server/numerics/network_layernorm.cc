// nnet::layernormalize (nnet_layernorm.h, hls4ml 1.2+) one sample at a time on raw values; what is
// computed is written down at LayerNormSpec (network.h).
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
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
      // int(var * table_size * 2^range): toward zero, then the low 32 bits.
      const Int128 num = WideRaw(a, var) * l_.table_size;
      const int shift = fa - l_.table_range_power2;  // divide num by 2^shift
      Int128 k;
      if (shift <= 0) {
        k = num << -shift;
      } else if (shift >= 127) {
        k = 0;
      } else {
        k = num >= 0 ? num >> shift : -((-num) >> shift);
      }
      const int32_t index = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(k)));
      const int64_t t = table_[static_cast<size_t>(std::clamp(index, 0, l_.table_size - 1))];
      for (int i = 0; i < dim_; ++i) {
        const Int128 product = WideRaw(a, e[i]) * WideRaw(l_.table_type, t) *
                               WideRaw(l_.scale_type, l_.scales[i]);
        const Int128 sum =
            (product << (f_sum_ - f_prod_)) +
            (WideRaw(l_.bias_type, l_.biases[i]) << (f_sum_ - l_.bias_type.fractional_bits()));
        y[static_cast<size_t>(row) * dim_ + i] =
            QuantizeScaled(res_, sum, res_.fractional_bits() - f_sum_);
      }
    }
  }

 private:
  LayerNormSpec l_;
  FixedType in_, res_;
  int dim_;
  int64_t k_inv_ = 0;
  std::vector<int64_t> table_;
  int f_prod_ = 0, f_sum_ = 0;
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
    return Unimplemented(s, absl::StrCat("layer norm output e * table * scale + bias needs ",
                                         layer->ExactBits(), " bits exactly; at most ",
                                         kMaxExactBits, " are supported"));
  }
  // The squares and the products with 1/d: 2 * W_accum bits.
  if (2 * l.accum_type.width + 2 > kMaxExactBits) {
    return Unimplemented(s, "accum_t too wide for the exact squares");
  }
  return layer;
}

}  // namespace fpgaas::numerics::internal
