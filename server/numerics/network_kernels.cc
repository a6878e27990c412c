#include <algorithm>
#include <cstring>
#include <type_traits>

#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/util/cpu_dispatch.h"

// Helpers inlined into every target_clones clone, so they are compiled for the clone's ISA.
#define FPGAAS_INLINE inline __attribute__((always_inline))
#define FPGAAS_CLONES FPGAAS_NUMERICS_CLONES

namespace fpgaas::numerics::internal {
namespace {

// One loop per overflow kind, so each vectorizes without a branch in the body.
template <FastOverflow kKind, typename In, typename Out>
FPGAAS_INLINE void ConvertLoop(const FastConvert& c, const In* x, Out* y, size_t n) {
  const int unused = 64 - c.width;
  const uint64_t mask = c.width == 64 ? ~uint64_t{0} : (uint64_t{1} << c.width) - 1;
  const int shift_right = c.shift_right, shift_left = c.shift_left;
  const int64_t rc_pos = c.round_const, rc_neg = c.round_const_neg, conv = c.conv_mask;
  const int64_t lo = c.lo, hi = c.hi;
  for (size_t k = 0; k < n; ++k) {
    const int64_t xk = static_cast<int64_t>(x[k]);
    const int64_t rc = (xk < 0 ? rc_neg : rc_pos) + ((xk >> shift_right) & conv);
    const int64_t v =
        static_cast<int64_t>(static_cast<uint64_t>((xk + rc) >> shift_right) << shift_left);
    int64_t r;
    if constexpr (kKind == FastOverflow::kWrapSigned) {
      r = static_cast<int64_t>(static_cast<uint64_t>(v) << unused) >> unused;
    } else if constexpr (kKind == FastOverflow::kWrapUnsigned) {
      r = static_cast<int64_t>(static_cast<uint64_t>(v) & mask);
    } else if constexpr (kKind == FastOverflow::kClamp) {
      r = v < lo ? lo : (v > hi ? hi : v);
    } else {
      r = (v < lo || v > hi) ? 0 : v;
    }
    y[k] = static_cast<Out>(r);
  }
}

template <typename In, typename Out>
FPGAAS_INLINE void ApplyConvert(const FastConvert& c, const In* x, Out* y, size_t n) {
  switch (c.kind) {
    case FastOverflow::kWrapSigned:
      return ConvertLoop<FastOverflow::kWrapSigned>(c, x, y, n);
    case FastOverflow::kWrapUnsigned:
      return ConvertLoop<FastOverflow::kWrapUnsigned>(c, x, y, n);
    case FastOverflow::kClamp:
      return ConvertLoop<FastOverflow::kClamp>(c, x, y, n);
    case FastOverflow::kZero:
      return ConvertLoop<FastOverflow::kZero>(c, x, y, n);
  }
}

FPGAAS_CLONES void ConvertFast(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  ApplyConvert(c, x, y, n);
}

// Wraps n uint32 sums to the accumulator width, applies the epilogue, stores int32 results.
// `t` is scratch of n values.
FPGAAS_INLINE void Epilogue(const DenseProductQuant& q, const DenseEpilogue& e, const uint32_t* sum,
                            int64_t* t, size_t n, int32_t* y) {
  const int unused = 32 - q.acc_width;
  const uint32_t mask = q.acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << q.acc_width) - 1;
  if (q.acc_signed) {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int32_t>(sum[b] << unused) >> unused;
  } else {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int64_t>(sum[b] & mask);
  }
  if (!e.to_result.identity) ApplyConvert(e.to_result, t, t, n);
  if (e.relu) {
    // relu: y > 0 ? relu_result(y) : 0, which is relu_result(max(y, 0)) as every fast conversion
    // maps 0 to 0.
    for (size_t b = 0; b < n; ++b) t[b] = t[b] > 0 ? t[b] : 0;
    if (!e.relu_result.identity) ApplyConvert(e.relu_result, t, t, n);
  }
  for (size_t b = 0; b < n; ++b) y[b] = static_cast<int32_t>(t[b]);
}

// The term of one product, mod 2^32 (unsigned arithmetic: garbage in unused lanes cannot be UB).
FPGAAS_INLINE uint32_t Term(int32_t x, int32_t w, int shift_right, int shift_left,
                            int32_t round_const) {
  const int32_t p = static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(w) +
                                         static_cast<uint32_t>(round_const));
  return static_cast<uint32_t>(p >> shift_right) << shift_left;
}

// kOuts outputs at a time: each x vector load feeds kOuts multiply-accumulates.
template <int kLanes, int kOuts>
FPGAAS_INLINE void DenseBlockImpl(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                  int n_in, int n_out, const DenseProductQuant& q,
                                  const DenseEpilogue& e, int32_t* y) {
  const int sr = q.shift_right, sl = q.shift_left;
  const int32_t rc = q.round_const;
  int64_t t[kLanes];
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    uint32_t a[kOuts][kLanes];
    for (int o = 0; o < kOuts; ++o) {
      for (int b = 0; b < kLanes; ++b) a[o][b] = static_cast<uint32_t>(bias[j + o]);
    }
    const int32_t* w = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t* xi = x + static_cast<size_t>(i) * kLanes;
      for (int o = 0; o < kOuts; ++o) {
        const int32_t c = w[static_cast<size_t>(o) * n_in + i];
        for (int b = 0; b < kLanes; ++b) a[o][b] += Term(xi[b], c, sr, sl, rc);
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      Epilogue(q, e, a[o], t, kLanes, y + static_cast<size_t>(j + o) * kLanes);
    }
  }
  for (; j < n_out; ++j) {
    uint32_t a0[kLanes];
    for (int b = 0; b < kLanes; ++b) a0[b] = static_cast<uint32_t>(bias[j]);
    const int32_t* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t c0 = w0[i];
      const int32_t* xi = x + static_cast<size_t>(i) * kLanes;
      for (int b = 0; b < kLanes; ++b) a0[b] += Term(xi[b], c0, sr, sl, rc);
    }
    Epilogue(q, e, a0, t, kLanes, y + static_cast<size_t>(j) * kLanes);
  }
}

FPGAAS_CLONES void DenseBlock64(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  DenseBlockImpl<kKernelBlock, 2>(x, w_by_out, bias, n_in, n_out, q, e, y);
}

FPGAAS_CLONES void DenseBlock16(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  DenseBlockImpl<kSmallBlock, 4>(x, w_by_out, bias, n_in, n_out, q, e, y);
}

// ---------------------------------------------------------------------------------------------
// General fast dense kernels (kFast32 / kFast64).

// One multiply-accumulate: acc = accum_t(acc + accum_t(x * w)) (see DenseFastParams).
template <typename T, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE T FastMac(T acc, T x, T w, int sr, int sl, T rc_pos, T rc_neg, T lo, T hi) {
  using U = std::make_unsigned_t<T>;
  const T p = static_cast<T>(static_cast<U>(x) * static_cast<U>(w));
  T rc;
  if constexpr (kR == ProductRounding::kConst) {
    rc = rc_pos;
  } else if constexpr (kR == ProductRounding::kSign) {
    rc = p < 0 ? rc_neg : rc_pos;
  } else {
    rc = rc_pos + ((p >> sr) & 1);
  }
  const T v = static_cast<T>(static_cast<U>(p) + static_cast<U>(rc));
  T q = static_cast<T>(static_cast<U>(v >> sr) << sl);
  if constexpr (kO == AccumOverflow::kWrap) {
    return static_cast<T>(static_cast<U>(acc) + static_cast<U>(q));
  } else if constexpr (kO == AccumOverflow::kClamp) {
    q = q < lo ? lo : (q > hi ? hi : q);
    const T sum = acc + q;
    return sum < lo ? lo : (sum > hi ? hi : sum);
  } else {
    q = (q < lo || q > hi) ? 0 : q;
    const T sum = acc + q;
    return (sum < lo || sum > hi) ? 0 : sum;
  }
}

// Wraps (kWrap) the n sums to accum_t, applies the epilogue, stores the results as T.
template <typename T, AccumOverflow kO>
FPGAAS_INLINE void FastEpilogue(const DenseFastParams& p, const DenseEpilogue& e, const T* acc,
                                int64_t* t, int n, T* y) {
  if constexpr (kO == AccumOverflow::kWrap) {
    const int unused = 64 - p.acc_width;
    const uint64_t mask = (uint64_t{1} << p.acc_width) - 1;  // acc_width <= 62 here
    if (p.acc_signed) {
      for (int b = 0; b < n; ++b) {
        t[b] = static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(acc[b])) << unused) >>
               unused;
      }
    } else {
      for (int b = 0; b < n; ++b) {
        t[b] = static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(acc[b])) & mask);
      }
    }
  } else {
    for (int b = 0; b < n; ++b) t[b] = acc[b];
  }
  if (!e.to_result.identity) ApplyConvert(e.to_result, t, t, n);
  if (e.relu) {
    for (int b = 0; b < n; ++b) t[b] = t[b] > 0 ? t[b] : 0;
    if (!e.relu_result.identity) ApplyConvert(e.relu_result, t, t, n);
  }
  for (int b = 0; b < n; ++b) y[b] = static_cast<T>(t[b]);
}

template <typename T, int kLanes, int kOuts, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void DenseFastImpl(const T* x, const T* w_by_out, const T* bias, int n_in,
                                 int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                                 T* y) {
  const int sr = p.shift_right, sl = p.shift_left;
  const T rc_pos = static_cast<T>(p.round_const), rc_neg = static_cast<T>(p.round_const_neg);
  const T lo = static_cast<T>(p.lo), hi = static_cast<T>(p.hi);
  int64_t t[kLanes];
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    T a[kOuts][kLanes];
    for (int o = 0; o < kOuts; ++o) {
      for (int b = 0; b < kLanes; ++b) a[o][b] = bias[j + o];
    }
    const T* w = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const T* xi = x + static_cast<size_t>(i) * kLanes;
      for (int o = 0; o < kOuts; ++o) {
        const T c = w[static_cast<size_t>(o) * n_in + i];
        for (int b = 0; b < kLanes; ++b) {
          a[o][b] = FastMac<T, kR, kO>(a[o][b], xi[b], c, sr, sl, rc_pos, rc_neg, lo, hi);
        }
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      FastEpilogue<T, kO>(p, e, a[o], t, kLanes, y + static_cast<size_t>(j + o) * kLanes);
    }
  }
  for (; j < n_out; ++j) {
    T a0[kLanes];
    for (int b = 0; b < kLanes; ++b) a0[b] = bias[j];
    const T* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const T c0 = w0[i];
      const T* xi = x + static_cast<size_t>(i) * kLanes;
      for (int b = 0; b < kLanes; ++b) {
        a0[b] = FastMac<T, kR, kO>(a0[b], xi[b], c0, sr, sl, rc_pos, rc_neg, lo, hi);
      }
    }
    FastEpilogue<T, kO>(p, e, a0, t, kLanes, y + static_cast<size_t>(j) * kLanes);
  }
}

// The rounding x overflow variants of one lane count; kOuts outputs share each x load.
template <typename T, int kLanes, int kOuts>
FPGAAS_INLINE void DenseFastDispatch(const T* x, const T* w, const T* bias, int n_in, int n_out,
                                     const DenseFastParams& p, const DenseEpilogue& e, T* y) {
#define FPGAAS_FAST_CASE(R, O)                                                         \
  if (p.rounding == ProductRounding::R && p.overflow == AccumOverflow::O) {            \
    return DenseFastImpl<T, kLanes, kOuts, ProductRounding::R, AccumOverflow::O>(x, w, bias, \
                                                                                n_in, n_out, p, \
                                                                                e, y);        \
  }
  FPGAAS_FAST_CASE(kConst, kWrap)
  FPGAAS_FAST_CASE(kConst, kClamp)
  FPGAAS_FAST_CASE(kConst, kZero)
  FPGAAS_FAST_CASE(kSign, kWrap)
  FPGAAS_FAST_CASE(kSign, kClamp)
  FPGAAS_FAST_CASE(kSign, kZero)
  FPGAAS_FAST_CASE(kConv, kWrap)
  FPGAAS_FAST_CASE(kConv, kClamp)
  FPGAAS_FAST_CASE(kConv, kZero)
#undef FPGAAS_FAST_CASE
}

FPGAAS_CLONES void DenseFast32x64(const int32_t* x, const int32_t* w, const int32_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int32_t* y) {
  DenseFastDispatch<int32_t, kKernelBlock, 2>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast32x16(const int32_t* x, const int32_t* w, const int32_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int32_t* y) {
  DenseFastDispatch<int32_t, kSmallBlock, 4>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast32x1(const int32_t* x, const int32_t* w, const int32_t* bias,
                                 int n_in, int n_out, const DenseFastParams& p,
                                 const DenseEpilogue& e, int32_t* y) {
  DenseFastDispatch<int32_t, 1, 8>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast64x64(const int64_t* x, const int64_t* w, const int64_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, kKernelBlock, 2>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast64x16(const int64_t* x, const int64_t* w, const int64_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, kSmallBlock, 4>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast64x1(const int64_t* x, const int64_t* w, const int64_t* bias,
                                 int n_in, int n_out, const DenseFastParams& p,
                                 const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, 1, 8>(x, w, bias, n_in, n_out, p, e, y);
}

FPGAAS_CLONES void BatchNormFast(const int64_t* x, int lanes, int n, const int64_t* scale,
                                 const int64_t* bias, int shift_left, const FastConvert& to,
                                 int64_t* y) {
  for (int i = 0; i < n; ++i) {
    const int64_t s = scale[i], b = bias[i];
    const int64_t* xi = x + static_cast<size_t>(i) * lanes;
    int64_t* yi = y + static_cast<size_t>(i) * lanes;
    for (int k = 0; k < lanes; ++k) {
      yi[k] = static_cast<int64_t>(static_cast<uint64_t>(xi[k] * s) << shift_left) + b;
    }
    ApplyConvert(to, yi, yi, static_cast<size_t>(lanes));
  }
}

int MagnitudeBits(const FixedType& t) { return t.is_signed ? t.width - 1 : t.width; }

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

void DenseWrap32Block(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseProductQuant& q, const DenseEpilogue& e,
                      int32_t* y) {
  if (lanes == kKernelBlock) {
    DenseBlock64(x, w_by_out, bias, n_in, n_out, q, e, y);
  } else {
    DenseBlock16(x, w_by_out, bias, n_in, n_out, q, e, y);
  }
}

FPGAAS_CLONES void DenseWrap32Sample(const int32_t* x, const int32_t* w_by_in, const int32_t* bias,
                                     int n_in, int n_out, const DenseProductQuant& q,
                                     const DenseEpilogue& e, uint32_t* acc, int32_t* y) {
  const int sr = q.shift_right, sl = q.shift_left;
  const int32_t rc = q.round_const;
  for (int j = 0; j < n_out; ++j) acc[j] = static_cast<uint32_t>(bias[j]);
  for (int i = 0; i < n_in; ++i) {
    const int32_t xi = x[i];
    const int32_t* w = w_by_in + static_cast<size_t>(i) * n_out;
    for (int j = 0; j < n_out; ++j) acc[j] += Term(xi, w[j], sr, sl, rc);
  }
  // Epilogue in chunks so its int64 scratch stays on the stack.
  constexpr int kChunk = 64;
  int64_t t[kChunk];
  for (int j = 0; j < n_out; j += kChunk) {
    const int n = std::min(kChunk, n_out - j);
    Epilogue(q, e, acc + j, t, n, y + j);
  }
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
  if (p.overflow == AccumOverflow::kWrap && p.rounding == ProductRounding::kConst && fits(32)) {
    plan.kind = DenseKernelKind::kWrap32;
    plan.wrap32.shift_right = sr;
    plan.wrap32.shift_left = sl;
    plan.wrap32.round_const = static_cast<int32_t>(p.round_const);
    plan.wrap32.acc_width = accum.width;
    plan.wrap32.acc_signed = accum.is_signed;
  } else if (fits(32) && result_fits32) {
    plan.kind = DenseKernelKind::kFast32;
  } else if (fits(64)) {
    plan.kind = DenseKernelKind::kFast64;
  } else {
    return plan;
  }
  plan.to_result = to_result;
  return plan;
}

void DenseFastBlock32(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int32_t* y) {
  if (lanes == kKernelBlock) {
    DenseFast32x64(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else if (lanes == kSmallBlock) {
    DenseFast32x16(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else {
    DenseFast32x1(x, w_by_out, bias, n_in, n_out, p, e, y);
  }
}

void DenseFastBlock64(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int64_t* y) {
  if (lanes == kKernelBlock) {
    DenseFast64x64(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else if (lanes == kSmallBlock) {
    DenseFast64x16(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else {
    DenseFast64x1(x, w_by_out, bias, n_in, n_out, p, e, y);
  }
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
  plan.to_result = *to;
  plan.bias_aligned.reserve(bias.size());
  for (int64_t b : bias) {
    plan.bias_aligned.push_back(static_cast<int64_t>(static_cast<uint64_t>(b) << c));
  }
  return plan;
}

void BatchNormBlock(const int64_t* x, int lanes, int n, const int64_t* scale,
                    const BatchNormPlan& plan, int64_t* y) {
  BatchNormFast(x, lanes, n, scale, plan.bias_aligned.data(), plan.product_shift_left,
                plan.to_result, y);
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

void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                 int64_t* x) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      x[static_cast<size_t>(f) * lanes + b] = UnpackRaw(type, sample + static_cast<size_t>(f) * cb);
    }
  }
  if (count == lanes) return;
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * lanes + count, x + static_cast<size_t>(f + 1) * lanes,
              0);
  }
}

void UnpackBlock32(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                   int32_t* x) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      x[static_cast<size_t>(f) * lanes + b] =
          static_cast<int32_t>(UnpackRaw(type, sample + static_cast<size_t>(f) * cb));
    }
  }
  if (count == lanes) return;
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * lanes + count, x + static_cast<size_t>(f + 1) * lanes,
              0);
  }
}

void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, int lanes,
               uint8_t* out) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      PackRaw(type, x[static_cast<size_t>(f) * lanes + b], sample + static_cast<size_t>(f) * cb);
    }
  }
}

void PackBlock32(const FixedType& type, const int32_t* x, int n_features, int count, int lanes,
                 uint8_t* out) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      PackRaw(type, x[static_cast<size_t>(f) * lanes + b], sample + static_cast<size_t>(f) * cb);
    }
  }
}

}  // namespace fpgaas::numerics::internal
