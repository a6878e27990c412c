// Layers with hls4ml's special products (nnet_mult.h): power-of-two ("exponent") scales and
// weights, binary and ternary weights. One sample at a time on raw int64 values, like the other
// extra layers (network_layers.cc).
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_layers_internal.h"

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

// The low `width` bits of v, sign-extended (width <= 127).
Int128 WrapSigned(Int128 v, int width) {
  const int drop = 128 - width;
  return static_cast<Int128>(static_cast<unsigned __int128>(v) << drop) >> drop;
}

// hls4ml's weight_exponential product of x (raw of `in`) with (sign, exponent): the raw value, in
// units of 2^-product.F, of
//   r_T y = static_cast<r_T>(x) << exponent;   (ap_fixed shift: keeps r_T's bits, floors right)
//   return sign == 1 ? y : static_cast<r_T>(-y);
// with r_T a signed ap_fixed<product.W, product.I> (TRN/WRAP).
class ExponentProduct {
 public:
  ExponentProduct(const FixedType& in, const FixedType& product)
      : in_(in), width_(product.width), frac_(product.width - product.integer_bits) {}

  Int128 operator()(int64_t x, int sign, int exponent) const {
    const int shift = frac_ - in_.fractional_bits();
    const Int128 v = WideRaw(in_, x);
    // static_cast<r_T>(x): TRN (floor) then WRAP.
    Int128 r = shift >= 0 ? v << shift : (-shift >= 127 ? (v < 0 ? -1 : 0) : v >> -shift);
    r = WrapSigned(r, width_);
    if (exponent >= 0) {
      r = exponent >= width_ ? 0 : WrapSigned(r << exponent, width_);
    } else {
      r = -exponent >= width_ ? (r < 0 ? -1 : 0) : r >> -exponent;
    }
    return sign == 1 ? r : WrapSigned(-r, width_);
  }

 private:
  FixedType in_;
  int width_ = 0, frac_ = 0;
};

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
  class Layer final : public ExtraLayer {
   public:
    Layer(int n, std::shared_ptr<Fn> fn) : fn_(std::move(fn)) { n_out_ = n; }
    void Run(const int64_t* const* xs, int64_t* y) const override {
      const Fn& c = *fn_;
      for (int i = 0; i < n_out_; ++i) {
        const Int128 p = c.product(xs[0][i], c.b.exponent_sign[i], c.b.exponent[i]);
        const Int128 sum = (p << (c.f - c.fp)) + (WideRaw(c.bt, c.b.bias[i]) << (c.f - c.fb));
        y[i] = QuantizeScaled(c.res, sum, c.res.fractional_bits() - c.f);
      }
    }

   private:
    std::shared_ptr<Fn> fn_;
  };
  return std::make_unique<Layer>(b.n, std::move(fn));
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

   private:
    std::vector<int> source_;
    FixedType in_, res_;
  };
  return std::make_unique<Layer>(t.source, in.type, s.result_type);
}

}  // namespace fpgaas::numerics::internal
