#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_unpack_kernel.h"
#include "server/util/cpu_dispatch.h"

#define FPGAAS_CLONES FPGAAS_NUMERICS_CLONES
#define FPGAAS_KERNEL_CLONES FPGAAS_NUMERICS_CLONES
#include "server/numerics/network_kernels_inline.h"  // after FPGAAS_KERNEL_CLONES


namespace fpgaas::numerics::internal {
namespace {

FPGAAS_CLONES void ConvertFast(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  if (!Rounds(c)) {  // truncation and plain rescaling: the rounding terms left out
    ApplyConvertFrom<false>(
        c, [x](size_t k) { return x[k]; }, y, n);
    return;
  }
  ApplyConvert(c, x, y, n);
}

FPGAAS_CLONES void AddShiftedFast(const FastConvert& c, const int64_t* xa, int sa,
                                  const int64_t* xb, int sb, bool subtract, int64_t* y, size_t n) {
  if (subtract) {
    ApplyConvertFrom(
        c, [=](size_t k) { return (xa[k] << sa) - (xb[k] << sb); }, y, n);
  } else {
    ApplyConvertFrom(
        c, [=](size_t k) { return (xa[k] << sa) + (xb[k] << sb); }, y, n);
  }
}

FPGAAS_CLONES void MultiplyFast(const FastConvert& c, const int64_t* xa, const int64_t* xb,
                                int64_t* y, size_t n) {
  ApplyConvertFrom(
      c, [=](size_t k) { return xa[k] * xb[k]; }, y, n);
}

// One batch norm row in one pass: y = to((x * s << shift_left) + b); kMul32: x and s within int32
// (the product as a 32x32->64 multiply, the same value).
template <bool kMul32, FastOverflow kKind>
FPGAAS_INLINE void BatchNormRow(const int64_t* x, int64_t s, int64_t b, int shift_left,
                                const ConvertConsts& c, int64_t* y, int lanes) {
  for (int k = 0; k < lanes; ++k) {
    const int64_t p =
        kMul32 ? int64_t{static_cast<int32_t>(x[k])} * static_cast<int32_t>(s) : x[k] * s;
    y[k] = ConvertValue<kKind>(c, static_cast<int64_t>(static_cast<uint64_t>(p) << shift_left) + b);
  }
}
template <bool kMul32, FastOverflow kKind>
FPGAAS_INLINE void BatchNormRows(const int64_t* x, int lanes, int n, const int64_t* scale,
                                 const int64_t* bias, int shift_left, const FastConvert& to,
                                 int64_t* y) {
  const ConvertConsts c(to);
  for (int i = 0; i < n; ++i) {
    BatchNormRow<kMul32, kKind>(x + static_cast<size_t>(i) * lanes, scale[i], bias[i], shift_left,
                                c, y + static_cast<size_t>(i) * lanes, lanes);
  }
}
template <bool kMul32>
FPGAAS_INLINE void BatchNormByKind(const int64_t* x, int lanes, int n, const int64_t* scale,
                                   const int64_t* bias, int shift_left, const FastConvert& to,
                                   int64_t* y) {
  switch (to.kind) {
    case FastOverflow::kWrapSigned:
      return BatchNormRows<kMul32, FastOverflow::kWrapSigned>(x, lanes, n, scale, bias, shift_left,
                                                              to, y);
    case FastOverflow::kWrapUnsigned:
      return BatchNormRows<kMul32, FastOverflow::kWrapUnsigned>(x, lanes, n, scale, bias,
                                                                shift_left, to, y);
    case FastOverflow::kClamp:
      return BatchNormRows<kMul32, FastOverflow::kClamp>(x, lanes, n, scale, bias, shift_left, to,
                                                         y);
    case FastOverflow::kZero:
      return BatchNormRows<kMul32, FastOverflow::kZero>(x, lanes, n, scale, bias, shift_left, to,
                                                        y);
  }
}

FPGAAS_CLONES void BatchNormFast(const int64_t* x, int lanes, int n, const int64_t* scale,
                                 const int64_t* bias, int shift_left, bool mul32,
                                 const FastConvert& to, int64_t* y) {
  if (mul32) {
    BatchNormByKind<true>(x, lanes, n, scale, bias, shift_left, to, y);
  } else {
    BatchNormByKind<false>(x, lanes, n, scale, bias, shift_left, to, y);
  }
}

// MacConvertRaws with both overflow kinds fixed; x and w within int32 (32x32->64 multiplies).
template <FastOverflow kProduct, FastOverflow kSum>
FPGAAS_INLINE void MacConvertLoop(const FastConvert& product, const FastConvert& sum,
                                  const int64_t* x, int64_t w, int64_t* acc, size_t n) {
  const ConvertConsts p(product), s(sum);
  const int32_t w32 = static_cast<int32_t>(w);
  for (size_t k = 0; k < n; ++k) {
    const int64_t term = ConvertValue<kProduct>(p, int64_t{static_cast<int32_t>(x[k])} * w32);
    acc[k] = ConvertValue<kSum>(s, acc[k] + term);
  }
}
template <FastOverflow kProduct>
FPGAAS_INLINE void MacConvertBySum(const FastConvert& product, const FastConvert& sum,
                                   const int64_t* x, int64_t w, int64_t* acc, size_t n) {
  switch (sum.kind) {
    case FastOverflow::kWrapSigned:
      return MacConvertLoop<kProduct, FastOverflow::kWrapSigned>(product, sum, x, w, acc, n);
    case FastOverflow::kWrapUnsigned:
      return MacConvertLoop<kProduct, FastOverflow::kWrapUnsigned>(product, sum, x, w, acc, n);
    case FastOverflow::kClamp:
      return MacConvertLoop<kProduct, FastOverflow::kClamp>(product, sum, x, w, acc, n);
    case FastOverflow::kZero:
      return MacConvertLoop<kProduct, FastOverflow::kZero>(product, sum, x, w, acc, n);
  }
}
FPGAAS_CLONES void MacConvertFast(const FastConvert& product, const FastConvert& sum,
                                  const int64_t* x, int64_t w, int64_t* acc, size_t n) {
  switch (product.kind) {
    case FastOverflow::kWrapSigned:
      return MacConvertBySum<FastOverflow::kWrapSigned>(product, sum, x, w, acc, n);
    case FastOverflow::kWrapUnsigned:
      return MacConvertBySum<FastOverflow::kWrapUnsigned>(product, sum, x, w, acc, n);
    case FastOverflow::kClamp:
      return MacConvertBySum<FastOverflow::kClamp>(product, sum, x, w, acc, n);
    case FastOverflow::kZero:
      return MacConvertBySum<FastOverflow::kZero>(product, sum, x, w, acc, n);
  }
}

}  // namespace

std::optional<FastConvert> MakeFastConvert(const FixedType& from, const FixedType& to) {
  const int s = from.fractional_bits() - to.fractional_bits();
  const int from_bits = from.is_signed ? from.width - 1 : from.width;
  if (!(from.width <= 62 && to.width <= 63 && s <= 62 && s >= -62 &&
        from_bits + std::max(-s, 0) <= 62)) {
    return std::nullopt;
  }
  FastConvert c;
  if (s > 0) {
    const int64_t half = int64_t{1} << (s - 1), full = (int64_t{1} << s) - 1;
    switch (to.quantization) {
      case Quantization::kTrn:
        break;
      case Quantization::kTrnZero:
        c.round_const_neg = full;
        break;
      case Quantization::kRnd:
        c.round_const = c.round_const_neg = half;
        break;
      case Quantization::kRndZero:
        c.round_const = half - 1;
        c.round_const_neg = half;
        break;
      case Quantization::kRndMinInf:
        c.round_const = c.round_const_neg = half - 1;
        break;
      case Quantization::kRndInf:
        c.round_const = half;
        c.round_const_neg = half - 1;
        break;
      case Quantization::kRndConv:
        c.round_const = c.round_const_neg = half - 1;
        c.conv_mask = 1;
        break;
    }
  }
  if (to.overflow == Overflow::kWrap && to.saturation_bits != 0) return std::nullopt;
  c.shift_right = std::max(s, 0);
  c.shift_left = std::max(-s, 0);
  c.width = to.width;
  c.lo = static_cast<int64_t>(MinRaw(to));
  c.hi = static_cast<int64_t>(MaxRaw(to));
  switch (to.overflow) {
    case Overflow::kWrap:
      c.kind = to.is_signed ? FastOverflow::kWrapSigned : FastOverflow::kWrapUnsigned;
      break;
    case Overflow::kSat:
      c.kind = FastOverflow::kClamp;
      break;
    case Overflow::kSatSym:
      c.kind = FastOverflow::kClamp;
      if (to.is_signed && to.width > 1) c.lo = -c.hi;  // W = 1: -1, as Xilinx's overflow_adjust
      break;
    default:
      c.kind = FastOverflow::kZero;
      break;
  }
  const bool contains = (from.is_signed == to.is_signed && to.width >= from.width) ||
                        (!from.is_signed && to.is_signed && to.width > from.width);
  const bool sym_min_changes =
      to.overflow == Overflow::kSatSym && to.is_signed && from.is_signed && to.width == from.width;
  c.identity = s == 0 && contains && !sym_min_changes;
  return c;
}

DensePlan PlanDense(const FixedType& in, const FixedType& weight, const FixedType& accum,
                    const FixedType& result, bool resource_order_matters) {
  DensePlan plan;
  if (accum.overflow == Overflow::kWrap && accum.saturation_bits != 0) return plan;
  if (resource_order_matters && accum.overflow != Overflow::kWrap) return plan;
  if (accum.width > 62 || in.width > 64 || weight.width > 64) return plan;
  std::optional<FastConvert> to_result = MakeFastConvert(accum, result);
  if (!to_result) return plan;
  const int shift = in.fractional_bits() + weight.fractional_bits() - accum.fractional_bits();
  const int sr = std::max(shift, 0), sl = std::max(-shift, 0);
  if (sr > 61 || sl > 61) return plan;
  DenseFastParams& p = plan.params;
  p.shift_right = sr;
  p.shift_left = sl;
  p.rounding = ProductRounding::kConst;
  if (sr > 0) {
    const int64_t half = int64_t{1} << (sr - 1), full = (int64_t{1} << sr) - 1;
    switch (accum.quantization) {
      case Quantization::kTrn:
        break;
      case Quantization::kRnd:
        p.round_const = half;
        break;
      case Quantization::kRndMinInf:
        p.round_const = half - 1;
        break;
      case Quantization::kRndConv:
        p.round_const = half - 1;
        p.rounding = ProductRounding::kConv;
        break;
      case Quantization::kTrnZero:
        p.round_const_neg = full;
        p.rounding = ProductRounding::kSign;
        break;
      case Quantization::kRndZero:
        p.round_const = half - 1;
        p.round_const_neg = half;
        p.rounding = ProductRounding::kSign;
        break;
      case Quantization::kRndInf:
        p.round_const = half;
        p.round_const_neg = half - 1;
        p.rounding = ProductRounding::kSign;
        break;
    }
  }
  if (sr == 0) {
    p.rounding = ProductRounding::kLeft;
  } else if (p.rounding == ProductRounding::kConst && p.round_const == 0) {
    p.rounding = ProductRounding::kTrn;
  }
  p.overflow = accum.overflow == Overflow::kWrap      ? AccumOverflow::kWrap
               : accum.overflow == Overflow::kSatZero ? AccumOverflow::kZero
                                                      : AccumOverflow::kClamp;
  p.acc_width = accum.width;
  p.acc_signed = accum.is_signed;
  p.lo = static_cast<int64_t>(MinRaw(accum));
  p.hi = static_cast<int64_t>(MaxRaw(accum));
  if (accum.overflow == Overflow::kSatSym && accum.is_signed && accum.width > 1) p.lo = -p.hi;
  // |x * w| <= 2^product_bits; p + rc is then exact in B bits when max(product_bits, sr) + 1 < B.
  const int product_bits = MagnitudeBits(in) + MagnitudeBits(weight);
  auto fits = [&](int bits) {
    if (in.width > bits || weight.width > bits) return false;
    if (p.overflow == AccumOverflow::kWrap && p.rounding != ProductRounding::kSign) {
      // Everything mod 2^bits: (p + rc) >> sr is right mod 2^(bits - sr) >= 2^acc_width.
      return accum.width + sr <= bits && sl < bits;
    }
    const bool exact_sum = std::max(product_bits, sr) + 1 <= bits - 1;
    if (p.overflow == AccumOverflow::kWrap) return exact_sum && accum.width <= bits && sl < bits;
    return exact_sum && product_bits + 1 + sl <= bits - 1 && accum.width <= bits - 2;
  };
  const bool result_fits32 = MagnitudeBits(result) <= 31;
  const bool const_rounding = p.rounding == ProductRounding::kLeft ||
                              p.rounding == ProductRounding::kTrn ||
                              p.rounding == ProductRounding::kConst;
  if (p.overflow == AccumOverflow::kWrap && const_rounding && fits(32)) {
    plan.kind = DenseKernelKind::kWrap32;
    plan.wrap32.rounding = p.rounding;
    plan.wrap32.shift_right = sr;
    plan.wrap32.shift_left = sl;
    plan.wrap32.round_const = static_cast<int32_t>(p.round_const);
    plan.wrap32.acc_width = accum.width;
    plan.wrap32.acc_signed = accum.is_signed;
  } else if (fits(32) && result_fits32) {
    plan.kind = DenseKernelKind::kFast32;
  } else if (fits(64)) {
    plan.kind = DenseKernelKind::kFast64;
    plan.mul32 = MagnitudeBits(in) <= 31 && MagnitudeBits(weight) <= 31;
  } else {
    return plan;
  }
  plan.to_result = to_result;
  return plan;
}

void NarrowForWeights(const FixedType& in, const std::vector<int64_t>& weights, DensePlan& plan) {
  DenseFastParams& p = plan.params;
  if (plan.kind != DenseKernelKind::kFast32 && plan.kind != DenseKernelKind::kFast64) return;
  if (p.overflow != AccumOverflow::kClamp && p.overflow != AccumOverflow::kZero) return;
  const Int128 x_lo = MinRaw(in), x_hi = MaxRaw(in);
  auto term = [&](Int128 prod) {  // FastMac's term, exactly
    if (p.rounding == ProductRounding::kLeft) return prod << p.shift_left;
    Int128 rc = 0;
    if (p.rounding == ProductRounding::kConst) rc = p.round_const;
    if (p.rounding == ProductRounding::kSign) rc = prod < 0 ? p.round_const_neg : p.round_const;
    if (p.rounding == ProductRounding::kConv) rc = p.round_const + ((prod >> p.shift_right) & 1);
    return (prod + rc) >> p.shift_right;
  };
  for (int64_t w : weights) {
    for (Int128 x : {x_lo, x_hi}) {
      const Int128 q = term(x * w);
      if (q < p.lo || q > p.hi) return;
    }
  }
  p.overflow = p.overflow == AccumOverflow::kClamp ? AccumOverflow::kClampSum
                                                   : AccumOverflow::kZeroSum;
}

void PlanDeferredSaturation(const std::vector<int64_t>& w_by_out, int n_in, int n_out,
                            DensePlan& plan) {
  DenseFastParams& p = plan.params;
  if (plan.kind != DenseKernelKind::kFast32 && plan.kind != DenseKernelKind::kFast64) return;
  if (p.overflow == AccumOverflow::kWrap || n_in <= 0 || n_out <= 0) return;
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  const Int128 cap = Int128{1} << 62;
  auto sums = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(n_out) * n_chunks);
  for (int j = 0; j < n_out; ++j) {
    for (int c = 0; c < n_chunks; ++c) {
      Int128 a = 0;
      for (int i = c * kSatChunk; i < std::min(n_in, (c + 1) * kSatChunk); ++i) {
        const Int128 w = w_by_out[static_cast<size_t>(j) * n_in + i];
        a += w < 0 ? -w : w;
      }
      (*sums)[static_cast<size_t>(j) * n_chunks + c] = static_cast<int64_t>(std::min(a, cap));
    }
  }
  p.chunk_abs_w = std::move(sums);
}

// PlanFmaProducts' sums in doubles (see the declaration).
void PlanF64Sums(const FixedType& in, const std::vector<int64_t>& w_by_out, int n_in,
                 DensePlan& plan) {
  DenseFastParams& p = plan.params;
  p.f64_weights = nullptr;
  if (plan.kind != DenseKernelKind::kFast64 || !plan.mul32 || p.shift_right != 0 ||
      p.overflow != AccumOverflow::kWrap || p.acc_width > 50 || p.shift_left > 20 || n_in < 1) {
    return;
  }
  Int128 max_row = 0;
  for (size_t j0 = 0; j0 < w_by_out.size(); j0 += static_cast<size_t>(n_in)) {
    Int128 row = 0;
    for (size_t k = j0; k < j0 + static_cast<size_t>(n_in) && k < w_by_out.size(); ++k) {
      row += w_by_out[k] < 0 ? -Int128{w_by_out[k]} : Int128{w_by_out[k]};
    }
    max_row = std::max(max_row, row);
  }
  // |x| <= 2^MagnitudeBits(in) <= 2^31 (mul32), rows of at most 2^31 * 2^31 * n_in: no overflow.
  const Int128 bound =
      (Int128{1} << p.acc_width) + ((max_row << MagnitudeBits(in)) << p.shift_left);
  if (bound >= (Int128{1} << 51)) return;
  auto wd = std::make_shared<std::vector<double>>(w_by_out.size());
  for (size_t k = 0; k < w_by_out.size(); ++k) {
    (*wd)[k] = std::ldexp(static_cast<double>(w_by_out[k]), p.shift_left);
  }
  p.f64_weights = std::move(wd);
}

void PlanFmaProducts(const FixedType& in, const std::vector<int64_t>& w_by_out, int n_in,
                     DensePlan& plan) {
  DenseFastParams& p = plan.params;
  p.fma_weights = nullptr;
  PlanF64Sums(in, w_by_out, n_in, plan);
  const bool kind = plan.kind == DenseKernelKind::kFast32 ||
                    (plan.kind == DenseKernelKind::kFast64 && plan.mul32);
  // AP_RND (kConst with half an LSB) as (floor(2 x w / 2^s) + 1) >> 1, only where products exceed
  // 32 bits: on int32 products the integer kernels' MAC is as short.
  const bool half = p.rounding == ProductRounding::kConst && p.shift_right >= 1 &&
                    p.round_const == int64_t{1} << (p.shift_right - 1) &&
                    plan.kind == DenseKernelKind::kFast64;
  // The sign-dependent roundings as trunc(x w / 2^s + copysign(c, x w)), c = round_const / 2^s
  // exact as a float; round_const_neg is then 2^s - 1 - round_const (PlanDense's three).
  const bool sign = p.rounding == ProductRounding::kSign && p.shift_right <= 61 &&
                    p.round_const < (int64_t{1} << 24) &&
                    p.round_const_neg == (int64_t{1} << p.shift_right) - 1 - p.round_const;
  const bool rounding =
      p.rounding == ProductRounding::kConv || p.rounding == ProductRounding::kTrn || half || sign;
  // Sums in int32 lanes: mod 2^32 under AP_WRAP, a saturating sum of two values in [lo, hi].
  const bool accum = p.overflow == AccumOverflow::kWrap ? p.acc_width <= 32 : p.acc_width <= 30;
  const int x_bits = MagnitudeBits(in);
  if (!kind || !rounding || !accum || x_bits > 24 || p.shift_right < 1 || p.shift_left != 0) {
    return;
  }
  Int128 max_w = 0;
  for (int64_t w : w_by_out) max_w = std::max<Int128>(max_w, w < 0 ? -Int128{w} : Int128{w});
  const int scale_shift = half ? p.shift_right - 1 : p.shift_right;  // half: 2 x w / 2^s
  // |x w| / 2^scale_shift within 2^22 (2^24 under kSign: network_dense_fma_impl.h).
  const int bound = scale_shift + (sign ? 24 : 22);
  if (max_w > (Int128{1} << 24) || (max_w << x_bits) > (Int128{1} << bound)) return;
  const float scale = std::ldexp(1.0f, -scale_shift);
  auto scaled = std::make_shared<std::vector<float>>(w_by_out.size());
  for (size_t k = 0; k < w_by_out.size(); ++k) {
    (*scaled)[k] = static_cast<float>(w_by_out[k]) * scale;
  }
  p.fma_weights = std::move(scaled);
}

std::optional<BatchNormPlan> PlanBatchNorm(const FixedType& in, const FixedType& scale_type,
                                           const FixedType& bias_type,
                                           const std::vector<int64_t>& bias,
                                           const FixedType& result, bool product_in_result_type) {
  if (product_in_result_type || in.width > 62 || scale_type.width > 62 || bias_type.width > 62) {
    return std::nullopt;
  }
  const int product_f = in.fractional_bits() + scale_type.fractional_bits();
  const int f = std::max(product_f, bias_type.fractional_bits());
  const int a = f - product_f, c = f - bias_type.fractional_bits();
  // |x * s| <= 2^(mx + ms); |v| < 2^(max(mx + ms + a, mb + c) + 1).
  const int magnitude =
      std::max(MagnitudeBits(in) + MagnitudeBits(scale_type) + a, MagnitudeBits(bias_type) + c) + 1;
  if (magnitude + 1 > 62) return std::nullopt;
  const FixedType sum_type{magnitude + 1, magnitude + 1 - f, true};
  std::optional<FastConvert> to = MakeFastConvert(sum_type, result);
  if (!to) return std::nullopt;
  BatchNormPlan plan;
  plan.product_shift_left = a;
  plan.mul32 = MagnitudeBits(in) <= 31 && MagnitudeBits(scale_type) <= 31;
  plan.to_result = *to;
  plan.bias_aligned.reserve(bias.size());
  for (int64_t b : bias) {
    plan.bias_aligned.push_back(static_cast<int64_t>(static_cast<uint64_t>(b) << c));
  }
  return plan;
}

void BatchNormBlock(const int64_t* x, int lanes, int n, const int64_t* scale,
                    const BatchNormPlan& plan, int64_t* y) {
  BatchNormFast(x, lanes, n, scale, plan.bias_aligned.data(), plan.product_shift_left, plan.mul32,
                plan.to_result, y);
}

int BatchNormSumBits(const FixedType& in, const int64_t* scale, size_t n,
                     const BatchNormPlan& plan) {
  constexpr int kMaxBits = 29;
  const int a = plan.product_shift_left;
  if (MagnitudeBits(in) > kMaxBits || a > kMaxBits || plan.bias_aligned.size() != n) return 0;
  Int128 bound = 0;
  for (size_t j = 0; j < n; ++j) {
    const Int128 s = scale[j] < 0 ? -Int128{scale[j]} : Int128{scale[j]};
    const Int128 b =
        plan.bias_aligned[j] < 0 ? -Int128{plan.bias_aligned[j]} : Int128{plan.bias_aligned[j]};
    if (s > (Int128{1} << kMaxBits) || b > (Int128{1} << kMaxBits)) return 0;
    bound = std::max(bound, ((s << MagnitudeBits(in)) << a) + b);
  }
  int bits = 1;
  while (bits <= kMaxBits && bound >= (Int128{1} << (bits - 1))) ++bits;
  return bits <= kMaxBits ? bits : 0;
}

void ConvertRaws(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  if (c.identity) {
    if (x != y) std::copy(x, x + n, y);
    return;
  }
  ConvertFast(c, x, y, n);
}

void AddShiftedRaws(const FastConvert& c, const int64_t* xa, int sa, const int64_t* xb, int sb,
                    bool subtract, int64_t* y, size_t n) {
  AddShiftedFast(c, xa, sa, xb, sb, subtract, y, n);
}

void MultiplyRaws(const FastConvert& c, const int64_t* xa, const int64_t* xb, int64_t* y,
                  size_t n) {
  MultiplyFast(c, xa, xb, y, n);
}

void MacConvertRaws32(const FastConvert& product, const FastConvert& sum, const int64_t* x,
                      int64_t w, int64_t* acc, size_t n) {
  MacConvertFast(product, sum, x, w, acc, n);
}

void ConvertBlock(const FixedType& from, const int64_t* x, const FixedType& to, int64_t* y,
                  size_t n) {
  const std::optional<FastConvert> fast = MakeFastConvert(from, to);
  if (!fast) {
    for (size_t k = 0; k < n; ++k) y[k] = Convert(from, x[k], to);
    return;
  }
  if (fast->identity) {
    if (x != y) std::copy(x, x + n, y);
    return;
  }
  ConvertFast(*fast, x, y, n);
}

namespace {

// UnpackRaw's result (the container's low `width` bits, sign- or zero-extended) without a call per
// value: one loop per container size.
template <typename C, typename T>
void UnpackLoop(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                T* x) {
  const int unused = 64 - type.width;
  const uint64_t mask = type.width == 64 ? ~uint64_t{0} : (uint64_t{1} << type.width) - 1;
  const bool is_signed = type.is_signed;
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * sizeof(C);
    for (int f = 0; f < n_features; ++f) {
      C c;
      std::memcpy(&c, sample + static_cast<size_t>(f) * sizeof(C), sizeof(C));
      const uint64_t u = static_cast<uint64_t>(c);
      const int64_t r = is_signed ? static_cast<int64_t>(u << unused) >> unused
                                  : static_cast<int64_t>(u & mask);
      x[static_cast<size_t>(f) * lanes + b] = static_cast<T>(r);
    }
  }
}

// A sample of kN containers of C (kN * sizeof(C) <= 32 bytes) as a few little-endian words of
// kWordBytes (the largest power of two <= the sample, at most 8): word w starts at byte
// WordStart(w), the last one ends with the sample (it may overlap the one before), and container
// f lies whole in word WordOf(f). The fixed-size unpack / pack below move whole words and take
// containers apart with constant shifts, so their sample loops vectorize (one vector of words per
// group of samples) where a container at a time would not.
template <typename C, int kN>
struct SampleWords {
  static constexpr int kBytes = kN * static_cast<int>(sizeof(C));
  static constexpr int kWordBytes = kBytes >= 8 ? 8 : kBytes >= 4 ? 4 : kBytes >= 2 ? 2 : 1;
  static constexpr int kWords = (kBytes + kWordBytes - 1) / kWordBytes;
  static constexpr int WordStart(int w) {
    return w * kWordBytes + kWordBytes <= kBytes ? w * kWordBytes : kBytes - kWordBytes;
  }
  static constexpr int WordOf(int f) {
    const int at = f * static_cast<int>(sizeof(C));
    int w = 0;
    while (at + static_cast<int>(sizeof(C)) > WordStart(w) + kWordBytes) ++w;
    return w;
  }
  // Bit position of container f in its word.
  static constexpr int BitOf(int f) {
    return 8 * (f * static_cast<int>(sizeof(C)) - WordStart(WordOf(f)));
  }
  using Word = std::conditional_t<
      kWordBytes == 8, uint64_t,
      std::conditional_t<kWordBytes == 4, uint32_t,
                         std::conditional_t<kWordBytes == 2, uint16_t, uint8_t>>>;
};
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "SampleWords assumes little-endian words");

// One word of a sample (zero-extended).
template <typename S>
FPGAAS_INLINE uint64_t LoadWord(const uint8_t* sample, int w) {
  typename S::Word word;
  std::memcpy(&word, sample + S::WordStart(w), sizeof(word));
  return word;
}

// Container kF of a sample: its low `width` bits, sign- or zero-extended (UnpackLoop's result).
template <typename S, int kF, bool kSigned>
FPGAAS_INLINE int64_t SampleContainer(const uint8_t* sample, int width) {
  const uint64_t top = LoadWord<S>(sample, S::WordOf(kF)) << (64 - S::BitOf(kF) - width);
  return kSigned ? static_cast<int64_t>(top) >> (64 - width)
                 : static_cast<int64_t>(top >> (64 - width));
}

// UnpackLoop for sizeof...(kF) containers of C per sample, one load per word of the sample. The
// per-sample body is a pack expansion rather than an inner loop: GCC vectorizes the sample loop
// only without one.
template <typename C, bool kSigned, typename T, int... kF>
FPGAAS_INLINE void UnpackFixed(const uint8_t* in, int count, int lanes, int width, T* x,
                               std::integer_sequence<int, kF...>) {
  using S = SampleWords<C, sizeof...(kF)>;
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * S::kBytes;
    ((x[static_cast<size_t>(kF) * lanes + b] =
          static_cast<T>(SampleContainer<S, kF, kSigned>(sample, width))),
     ...);
  }
}

template <typename C, bool kSigned, typename T>
FPGAAS_INLINE bool UnpackSmall(const uint8_t* in, int n_features, int count, int lanes, int width,
                               T* x) {
  switch (n_features) {
#define FPGAAS_UNPACK_CASE(N)                                                                  \
  case N:                                                                                      \
    UnpackFixed<C, kSigned>(in, count, lanes, width, x, std::make_integer_sequence<int, N>()); \
    return true;
    FPGAAS_UNPACK_CASE(1)
    FPGAAS_UNPACK_CASE(2)
    FPGAAS_UNPACK_CASE(3)
    FPGAAS_UNPACK_CASE(4)
    FPGAAS_UNPACK_CASE(5)
    FPGAAS_UNPACK_CASE(6)
    FPGAAS_UNPACK_CASE(7)
    FPGAAS_UNPACK_CASE(8)
#undef FPGAAS_UNPACK_CASE
    default:
      return false;
  }
}

// Blocks of up to kSmallFeatures features in containers of up to 4 bytes (small networks, whose
// time the unpack dominates); false: not handled, nothing written.
constexpr int kSmallFeatures = 8;
template <typename T>
FPGAAS_CLONES bool UnpackSmallAny(const FixedType& type, const uint8_t* in, int n_features,
                                  int count, int lanes, T* x) {
  const int width = type.width;  // <= 8 * container bytes <= 32
  bool done = false;
  switch (type.container_bytes() * 2 + (type.is_signed ? 1 : 0)) {
    case 2:
      done = UnpackSmall<uint8_t, false>(in, n_features, count, lanes, width, x);
      break;
    case 3:
      done = UnpackSmall<uint8_t, true>(in, n_features, count, lanes, width, x);
      break;
    case 4:
      done = UnpackSmall<uint16_t, false>(in, n_features, count, lanes, width, x);
      break;
    case 5:
      done = UnpackSmall<uint16_t, true>(in, n_features, count, lanes, width, x);
      break;
    case 8:
      done = UnpackSmall<uint32_t, false>(in, n_features, count, lanes, width, x);
      break;
    case 9:
      done = UnpackSmall<uint32_t, true>(in, n_features, count, lanes, width, x);
      break;
    default:
      break;
  }
  return done;
}

// Samples [0, count) of x, lanes [count, lanes) untouched.
template <typename T>
void UnpackSamples(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                   T* x) {
  if (n_features <= kSmallFeatures && UnpackSmallAny(type, in, n_features, count, lanes, x)) return;
  switch (type.container_bytes()) {
    case 1:
      return UnpackLoop<uint8_t>(type, in, n_features, count, lanes, x);
    case 2:
      return UnpackLoop<uint16_t>(type, in, n_features, count, lanes, x);
    case 4:
      return UnpackLoop<uint32_t>(type, in, n_features, count, lanes, x);
    default:
      return UnpackLoop<uint64_t>(type, in, n_features, count, lanes, x);
  }
}

template <typename T>
void UnpackAny(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
               T* x) {
  // Whole tiles of 8 samples on AVX-512F or AVX2 where it applies (2-byte containers), the rest
  // here.
  static const KernelIsa isa = BestKernelIsa();
  int done = 0;
  if (lanes > 1 && isa == KernelIsa::kAvx512) {
    done = UnpackWordsAvx512(type, in, n_features, count, lanes, x);
  } else if (lanes > 1 && isa == KernelIsa::kAvx2) {
    done = UnpackWordsAvx2(type, in, n_features, count, lanes, x);
  }
  if (done < count) {
    UnpackSamples(type, in + static_cast<size_t>(done) * n_features * type.container_bytes(),
                  n_features, count - done, lanes, x + done);
  }
  if (count == lanes) return;
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * lanes + count, x + static_cast<size_t>(f + 1) * lanes,
              T{0});
  }
}

FPGAAS_CLONES void ReluFast(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  if (c.identity) {
    for (size_t k = 0; k < n; ++k) y[k] = x[k] > 0 ? x[k] : 0;
  } else {
    ApplyConvert<true>(c, x, y, n);
  }
}

}  // namespace

void ReluRaws(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  ReluFast(c, x, y, n);
}

FPGAAS_CLONES void NarrowRaws(const int64_t* x, int32_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = static_cast<int32_t>(x[k]);
}

FPGAAS_CLONES void WidenRaws(const int32_t* x, int64_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k];
}

FPGAAS_CLONES void NarrowRawsToParts(const int64_t* x, int rows, int lanes, int32_t* y) {
  for (int p = 0; p < lanes / kKernelBlock; ++p) {
    for (int i = 0; i < rows; ++i) {
      const int64_t* xi =
          x + static_cast<size_t>(i) * lanes + static_cast<size_t>(p) * kKernelBlock;
      int32_t* yi = y + (static_cast<size_t>(p) * rows + i) * kKernelBlock;
      for (int b = 0; b < kKernelBlock; ++b) yi[b] = static_cast<int32_t>(xi[b]);
    }
  }
}

FPGAAS_CLONES void WidenRawsFromParts(const int32_t* x, int rows, int lanes, int64_t* y) {
  for (int p = 0; p < lanes / kKernelBlock; ++p) {
    for (int i = 0; i < rows; ++i) {
      const int32_t* xi = x + (static_cast<size_t>(p) * rows + i) * kKernelBlock;
      int64_t* yi = y + static_cast<size_t>(i) * lanes + static_cast<size_t>(p) * kKernelBlock;
      for (int b = 0; b < kKernelBlock; ++b) yi[b] = xi[b];
    }
  }
}

void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                 int64_t* x) {
  UnpackAny(type, in, n_features, count, lanes, x);
}

void UnpackBlock32(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                   int32_t* x) {
  UnpackAny(type, in, n_features, count, lanes, x);
}

namespace {

// PackRaw (the raw's low container bytes, little-endian) without a call per value.
template <typename C, typename T>
void PackLoop(const T* x, int n_features, int count, int lanes, uint8_t* out) {
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * sizeof(C);
    for (int f = 0; f < n_features; ++f) {
      const C c = static_cast<C>(static_cast<int64_t>(x[static_cast<size_t>(f) * lanes + b]));
      std::memcpy(sample + static_cast<size_t>(f) * sizeof(C), &c, sizeof(C));
    }
  }
}

// PackLoop for kN containers of C per sample: each word of the sample assembled from its
// containers (the raws' low bytes) and stored whole; overlapping words store the same bytes.
template <typename C, int kN, typename T>
FPGAAS_INLINE void PackFixed(const T* x, int count, int lanes, uint8_t* out) {
  using S = SampleWords<C, kN>;
  constexpr uint64_t kMask = sizeof(C) == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * sizeof(C))) - 1;
  for (int b = 0; b < count; ++b) {
    uint64_t c[kN];
#pragma GCC unroll 8
    for (int f = 0; f < kN; ++f) {
      c[f] = static_cast<uint64_t>(static_cast<int64_t>(x[static_cast<size_t>(f) * lanes + b])) &
             kMask;
    }
    uint8_t* sample = out + static_cast<size_t>(b) * S::kBytes;
#pragma GCC unroll 4
    for (int w = 0; w < S::kWords; ++w) {
      // Every container within this word (a container may lie in two overlapping words).
      uint64_t word = 0;
#pragma GCC unroll 8
      for (int f = 0; f < kN; ++f) {
        const int at = f * static_cast<int>(sizeof(C)) - S::WordStart(w);
        if (at >= 0 && at + static_cast<int>(sizeof(C)) <= S::kWordBytes) word |= c[f] << (8 * at);
      }
      const typename S::Word stored = static_cast<typename S::Word>(word);
      std::memcpy(sample + S::WordStart(w), &stored, sizeof(stored));
    }
  }
}

template <typename C, typename T>
FPGAAS_INLINE bool PackSmall(const T* x, int n_features, int count, int lanes, uint8_t* out) {
  switch (n_features) {
#define FPGAAS_PACK_CASE(N)                \
  case N:                                  \
    PackFixed<C, N>(x, count, lanes, out); \
    return true;
    FPGAAS_PACK_CASE(1)
    FPGAAS_PACK_CASE(2)
    FPGAAS_PACK_CASE(3)
    FPGAAS_PACK_CASE(4)
    FPGAAS_PACK_CASE(5)
    FPGAAS_PACK_CASE(6)
    FPGAAS_PACK_CASE(7)
    FPGAAS_PACK_CASE(8)
#undef FPGAAS_PACK_CASE
    default:
      return false;
  }
}

// Blocks of up to kSmallFeatures features in containers of up to 4 bytes; false: not handled.
template <typename T>
FPGAAS_CLONES bool PackSmallAny(const FixedType& type, const T* x, int n_features, int count,
                                int lanes, uint8_t* out) {
  switch (type.container_bytes()) {
    case 1:
      return PackSmall<uint8_t>(x, n_features, count, lanes, out);
    case 2:
      return PackSmall<uint16_t>(x, n_features, count, lanes, out);
    case 4:
      return PackSmall<uint32_t>(x, n_features, count, lanes, out);
    default:
      return false;
  }
}

template <typename T>
void PackAny(const FixedType& type, const T* x, int n_features, int count, int lanes,
             uint8_t* out) {
  if (n_features <= kSmallFeatures && PackSmallAny(type, x, n_features, count, lanes, out)) return;
  switch (type.container_bytes()) {
    case 1:
      return PackLoop<uint8_t>(x, n_features, count, lanes, out);
    case 2:
      return PackLoop<uint16_t>(x, n_features, count, lanes, out);
    case 4:
      return PackLoop<uint32_t>(x, n_features, count, lanes, out);
    default:
      return PackLoop<uint64_t>(x, n_features, count, lanes, out);
  }
}

}  // namespace

void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, int lanes,
               uint8_t* out) {
  PackAny(type, x, n_features, count, lanes, out);
}

void PackBlock32(const FixedType& type, const int32_t* x, int n_features, int count, int lanes,
                 uint8_t* out) {
  PackAny(type, x, n_features, count, lanes, out);
}

}  // namespace fpgaas::numerics::internal
