// The int32-lane dense kernels: kWrap32 (sums mod 2^32) and kFast32 (DenseFastBlock32). Separate
// from network_kernels.cc so a change to one kernel family recompiles only its file (each hot
// function is compiled once per target_clones ISA).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "server/numerics/network_kernels_internal.h"
#include "server/util/cpu_dispatch.h"

#define FPGAAS_CLONES FPGAAS_NUMERICS_CLONES
#define FPGAAS_KERNEL_CLONES FPGAAS_NUMERICS_CLONES
#include "server/numerics/network_kernels_inline.h"  // after FPGAAS_KERNEL_CLONES

namespace fpgaas::numerics::internal {
namespace {

// Epilogue's arithmetic in one pass, for an epilogue that is the conversion to the result and at
// most a relu whose own conversion is the identity (OnePassEpilogue): sum -> accum_t (wrapped to
// acc_width bits) -> result_t -> relu, each value through the same formulas as Epilogue.
template <bool kSigned, FastOverflow kKind, bool kRelu>
FPGAAS_INLINE void OnePassLoop(int acc_width, const FastConvert& to_result, const uint32_t* sum,
                               size_t n, int32_t* y) {
  const int unused = 32 - acc_width;
  const uint32_t mask = acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << acc_width) - 1;
  const ConvertConsts c(to_result);
  for (size_t b = 0; b < n; ++b) {
    const int64_t t = kSigned
                          ? static_cast<int64_t>(static_cast<int32_t>(sum[b] << unused) >> unused)
                          : static_cast<int64_t>(sum[b] & mask);
    int64_t r = ConvertValue<kKind>(c, t);
    if constexpr (kRelu) r = r > 0 ? r : 0;
    y[b] = static_cast<int32_t>(r);
  }
}
// OnePassLoop in int32 arithmetic (twice the lanes per vector), for OnePassFitsInt32's types.
// kReluFirst: the relu before the conversion (a relu layer's own: relu_result(max(t, 0))).
template <bool kSigned, FastOverflow kKind, bool kRelu, bool kReluFirst = false>
FPGAAS_INLINE void OnePassLoop32(int acc_width, const FastConvert& to_result, const uint32_t* sum,
                                 size_t n, int32_t* y) {
  const int unused = 32 - acc_width;
  const uint32_t mask = acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << acc_width) - 1;
  const int sr = to_result.shift_right, sl = to_result.shift_left;
  const int result_unused = 32 - to_result.width;
  const uint32_t result_mask =
      to_result.width == 32 ? ~uint32_t{0} : (uint32_t{1} << to_result.width) - 1;
  const int32_t rc_pos = static_cast<int32_t>(to_result.round_const);
  const int32_t rc_neg = static_cast<int32_t>(to_result.round_const_neg);
  const int32_t conv = static_cast<int32_t>(to_result.conv_mask);
  const int32_t lo = static_cast<int32_t>(to_result.lo), hi = static_cast<int32_t>(to_result.hi);
  for (size_t b = 0; b < n; ++b) {
    int32_t t = kSigned ? static_cast<int32_t>(sum[b] << unused) >> unused
                        : static_cast<int32_t>(sum[b] & mask);
    if constexpr (kReluFirst) t = t > 0 ? t : 0;
    const int32_t rc = (t < 0 ? rc_neg : rc_pos) + ((t >> sr) & conv);
    const int32_t v = static_cast<int32_t>(static_cast<uint32_t>((t + rc) >> sr) << sl);
    int32_t r;
    if constexpr (kKind == FastOverflow::kWrapSigned) {
      r = static_cast<int32_t>(static_cast<uint32_t>(v) << result_unused) >> result_unused;
    } else if constexpr (kKind == FastOverflow::kWrapUnsigned) {
      r = static_cast<int32_t>(static_cast<uint32_t>(v) & result_mask);
    } else if constexpr (kKind == FastOverflow::kClamp) {
      r = v < lo ? lo : (v > hi ? hi : v);
    } else {
      r = (v < lo || v > hi) ? 0 : v;
    }
    if constexpr (kRelu) r = r > 0 ? r : 0;
    y[b] = r;
  }
}
// Whether OnePassLoop32 computes OnePassLoop's values: the accumulator value (|t| <= 2^28) plus
// its rounding constant fits in 31 bits; for the saturating kinds, with a rounding constant of at
// most one source LSB, so does the shifted value (|v| <= 2^(acc_width - 1 - sr + sl) + 2^(sl + 1));
// the wrapping kinds keep only the low result width <= 32 bits, exact mod 2^32.
FPGAAS_INLINE bool OnePassFitsInt32(int acc_width, const FastConvert& c) {
  const int sr = c.shift_right, sl = c.shift_left;
  if (acc_width > 29 || sr < 0 || sr > 29 || sl < 0 || sl > 31 || c.width > 32) return false;
  const int64_t rc_limit = int64_t{1} << 29;
  if (c.round_const < 0 || c.round_const > rc_limit || c.round_const_neg < 0 ||
      c.round_const_neg > rc_limit || c.lo < INT32_MIN || c.hi > INT32_MAX) {
    return false;
  }
  if (c.kind != FastOverflow::kClamp && c.kind != FastOverflow::kZero) return true;
  const int64_t lsb = int64_t{1} << sr;
  return acc_width - sr + sl <= 29 && sl <= 28 && c.round_const <= lsb && c.round_const_neg <= lsb;
}
// OnePassLoop when the conversion to the result is the identity (FastConvert::identity): the wrap
// to accum_t and the relu only (acc_width <= 31, or signed: the raws fit int32).
template <bool kSigned, bool kRelu>
FPGAAS_INLINE void OnePassIdentity(int acc_width, const uint32_t* sum, size_t n, int32_t* y) {
  const int unused = 32 - acc_width;
  const uint32_t mask = acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << acc_width) - 1;
  for (size_t b = 0; b < n; ++b) {
    int32_t r = kSigned ? static_cast<int32_t>(sum[b] << unused) >> unused
                        : static_cast<int32_t>(sum[b] & mask);
    if constexpr (kRelu) r = r > 0 ? r : 0;
    y[b] = r;
  }
}
template <bool kSigned, bool kRelu>
FPGAAS_INLINE void OnePassByKind(int acc_width, const FastConvert& to_result, const uint32_t* sum,
                                 size_t n, int32_t* y) {
  if (to_result.identity && (kSigned || acc_width < 32)) {
    return OnePassIdentity<kSigned, kRelu>(acc_width, sum, n, y);
  }
  const bool int32 = OnePassFitsInt32(acc_width, to_result);
#define FPGAAS_ONE_PASS(kind)                                                         \
  return int32 ? OnePassLoop32<kSigned, kind, kRelu>(acc_width, to_result, sum, n, y) \
               : OnePassLoop<kSigned, kind, kRelu>(acc_width, to_result, sum, n, y)
  switch (to_result.kind) {
    case FastOverflow::kWrapSigned:
      FPGAAS_ONE_PASS(FastOverflow::kWrapSigned);
    case FastOverflow::kWrapUnsigned:
      FPGAAS_ONE_PASS(FastOverflow::kWrapUnsigned);
    case FastOverflow::kClamp:
      FPGAAS_ONE_PASS(FastOverflow::kClamp);
    case FastOverflow::kZero:
      FPGAAS_ONE_PASS(FastOverflow::kZero);
  }
#undef FPGAAS_ONE_PASS
}
// y = c(y) over n int32 raws of src_bits bits, in OnePassLoop32 (for OnePassFitsInt32(src_bits,
// c)); kRelu, kReluFirst as its.
template <bool kRelu, bool kReluFirst>
FPGAAS_INLINE void ConvertInPlace32(int src_bits, const FastConvert& c, size_t n, int32_t* y) {
  const uint32_t* raws = reinterpret_cast<const uint32_t*>(y);
  switch (c.kind) {
    case FastOverflow::kWrapSigned:
      return OnePassLoop32<true, FastOverflow::kWrapSigned, kRelu, kReluFirst>(src_bits, c, raws, n,
                                                                               y);
    case FastOverflow::kWrapUnsigned:
      return OnePassLoop32<true, FastOverflow::kWrapUnsigned, kRelu, kReluFirst>(src_bits, c, raws,
                                                                                 n, y);
    case FastOverflow::kClamp:
      return OnePassLoop32<true, FastOverflow::kClamp, kRelu, kReluFirst>(src_bits, c, raws, n, y);
    case FastOverflow::kZero:
      return OnePassLoop32<true, FastOverflow::kZero, kRelu, kReluFirst>(src_bits, c, raws, n, y);
  }
}
// The n sums wrapped to accum_t and converted to result_t (no relu).
FPGAAS_INLINE void ToResult(const DenseProductQuant& q, const DenseEpilogue& e, const uint32_t* sum,
                            size_t n, int32_t* y) {
  if (q.acc_signed) {
    OnePassByKind<true, false>(q.acc_width, e.to_result, sum, n, y);
  } else {
    OnePassByKind<false, false>(q.acc_width, e.to_result, sum, n, y);
  }
}
// Out of line (as EpilogueTailRow): one copy shared by every kernel instantiation.
FPGAAS_CLONES __attribute__((noinline)) void OnePassEpilogue(const DenseProductQuant& q,
                                                             const DenseEpilogue& e,
                                                             const uint32_t* sum, size_t n,
                                                             int32_t* y) {
  if (e.relu && !e.relu_result.identity) {
    // The relu's own conversion: relu_result(max(y, 0)), a second pass over the int32 results
    // (raws of at most to_result.width bits), in int32 arithmetic where it fits.
    ToResult(q, e, sum, n, y);
    if (!OnePassFitsInt32(e.to_result.width + 1, e.relu_result)) {
      ApplyConvert<true>(e.relu_result, y, y, n);
      return;
    }
    return ConvertInPlace32<false, true>(32, e.relu_result, n, y);
  }
  if (q.acc_signed) {
    if (e.relu) return OnePassByKind<true, true>(q.acc_width, e.to_result, sum, n, y);
    return OnePassByKind<true, false>(q.acc_width, e.to_result, sum, n, y);
  }
  if (e.relu) return OnePassByKind<false, true>(q.acc_width, e.to_result, sum, n, y);
  return OnePassByKind<false, false>(q.acc_width, e.to_result, sum, n, y);
}

// The epilogue of output j with a batch norm (and maybe a relu) in int32 passes over the row:
// OnePassEpilogue's conversion to the result, the batch norm's (x * s << a) + bias, its result
// conversion (and an identity relu) in OnePassLoop32, the relu's own conversion. False (nothing
// written) when a step's values do not fit (DenseEpilogue::bn_sum_bits, OnePassFitsInt32).
FPGAAS_CLONES __attribute__((noinline)) bool BatchNormEpilogue(const DenseProductQuant& q,
                                                               const DenseEpilogue& e, int j,
                                                               const uint32_t* sum, size_t n,
                                                               int32_t* y) {
  const bool relu_converts = e.relu && !e.relu_result.identity;
  if (e.bn_sum_bits == 0 || !OnePassFitsInt32(e.bn_sum_bits, e.bn_result) ||
      (relu_converts && !OnePassFitsInt32(e.bn_result.width + 1, e.relu_result))) {
    return false;
  }
  ToResult(q, e, sum, n, y);
  const uint32_t s = static_cast<uint32_t>(e.bn_scale[j]),
                 bias = static_cast<uint32_t>(e.bn_bias[j]);
  const int a = e.bn_shift_left;
  for (size_t b = 0; b < n; ++b) {
    y[b] = static_cast<int32_t>(((static_cast<uint32_t>(y[b]) * s) << a) + bias);
  }
  if (relu_converts) {
    ConvertInPlace32<false, false>(e.bn_sum_bits, e.bn_result, n, y);
    ConvertInPlace32<false, true>(32, e.relu_result, n, y);
  } else if (e.relu) {
    ConvertInPlace32<true, false>(e.bn_sum_bits, e.bn_result, n, y);
  } else {
    ConvertInPlace32<false, false>(e.bn_sum_bits, e.bn_result, n, y);
  }
  return true;
}

// Whether Epilogue is OnePassEpilogue: the same conversions for every output j.
FPGAAS_INLINE bool OnePass(const DenseEpilogue& e) { return e.bn_scale == nullptr; }
// Wraps n uint32 sums to the accumulator width, applies the epilogue, stores int32 results.
// `t` is scratch of n values; j and kPerLane as EpilogueTail's.
template <bool kPerLane>
FPGAAS_INLINE void Epilogue(const DenseProductQuant& q, const DenseEpilogue& e, int j,
                            const uint32_t* sum, int64_t* t, size_t n, int32_t* y) {
  if (OnePass(e)) {
    OnePassEpilogue(q, e, sum, n, y);
    return;
  }
  if (!kPerLane && BatchNormEpilogue(q, e, j, sum, n, y)) return;
  const int unused = 32 - q.acc_width;
  const uint32_t mask = q.acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << q.acc_width) - 1;
  if (q.acc_signed) {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int32_t>(sum[b] << unused) >> unused;
  } else {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int64_t>(sum[b] & mask);
  }
  if constexpr (kPerLane) {
    EpilogueTailLanes(e, j, t, n);
  } else {
    EpilogueTailRow(e, j, t, n);
  }
  for (size_t b = 0; b < n; ++b) y[b] = static_cast<int32_t>(t[b]);
}

// The term of one product, mod 2^32 (unsigned arithmetic: garbage in unused lanes cannot be UB);
// kR is kNoShift, kLeft, kTrn or kConst.
template <ProductRounding kR>
FPGAAS_INLINE uint32_t Term(int32_t x, int32_t w, int shift_right, int shift_left,
                            int32_t round_const) {
  const uint32_t p = static_cast<uint32_t>(x) * static_cast<uint32_t>(w);
  if constexpr (kR == ProductRounding::kNoShift) {
    return p;
  } else if constexpr (kR == ProductRounding::kLeft) {
    return p << shift_left;
  } else if constexpr (kR == ProductRounding::kTrn) {
    return static_cast<uint32_t>(static_cast<int32_t>(p) >> shift_right);
  } else {
    return static_cast<uint32_t>(static_cast<int32_t>(p + static_cast<uint32_t>(round_const)) >>
                                 shift_right);
  }
}

// kOuts outputs at a time: each x vector load feeds kOuts multiply-accumulates.
template <int kLanes, int kOuts, ProductRounding kR>
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
        for (int b = 0; b < kLanes; ++b) a[o][b] += Term<kR>(xi[b], c, sr, sl, rc);
      }
    }
    if (OnePass(e)) {
      // The same conversion for every output: the sums wait in y for one epilogue call over
      // every row (below).
      std::memcpy(y + static_cast<size_t>(j) * kLanes, a, sizeof(a));
      continue;
    }
    for (int o = 0; o < kOuts; ++o) {
      Epilogue<false>(q, e, j + o, a[o], t, kLanes, y + static_cast<size_t>(j + o) * kLanes);
    }
  }
  for (; j < n_out; ++j) {
    uint32_t a0[kLanes];
    for (int b = 0; b < kLanes; ++b) a0[b] = static_cast<uint32_t>(bias[j]);
    const int32_t* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t c0 = w0[i];
      const int32_t* xi = x + static_cast<size_t>(i) * kLanes;
      for (int b = 0; b < kLanes; ++b) a0[b] += Term<kR>(xi[b], c0, sr, sl, rc);
    }
    if (OnePass(e)) {
      std::memcpy(y + static_cast<size_t>(j) * kLanes, a0, sizeof(a0));
    } else {
      Epilogue<false>(q, e, j, a0, t, kLanes, y + static_cast<size_t>(j) * kLanes);
    }
  }
  if (OnePass(e)) {
    // In place: the epilogue reads each sum before it writes that value's result.
    OnePassEpilogue(q, e, reinterpret_cast<const uint32_t*>(y), static_cast<size_t>(n_out) * kLanes,
                    y);
  }
}

template <int kLanes, int kOuts>
FPGAAS_INLINE void DenseBlockDispatch(const int32_t* x, const int32_t* w_by_out,
                                      const int32_t* bias, int n_in, int n_out,
                                      const DenseProductQuant& q, const DenseEpilogue& e,
                                      int32_t* y) {
  switch (q.rounding) {
    case ProductRounding::kLeft:
      if (q.shift_left == 0) {
        return DenseBlockImpl<kLanes, kOuts, ProductRounding::kNoShift>(x, w_by_out, bias, n_in,
                                                                        n_out, q, e, y);
      }
      return DenseBlockImpl<kLanes, kOuts, ProductRounding::kLeft>(x, w_by_out, bias, n_in, n_out,
                                                                   q, e, y);
    case ProductRounding::kTrn:
      return DenseBlockImpl<kLanes, kOuts, ProductRounding::kTrn>(x, w_by_out, bias, n_in, n_out, q,
                                                                  e, y);
    default:
      return DenseBlockImpl<kLanes, kOuts, ProductRounding::kConst>(x, w_by_out, bias, n_in, n_out,
                                                                    q, e, y);
  }
}

FPGAAS_CLONES void DenseBlock64(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  DenseBlockDispatch<kKernelBlock, 2>(x, w_by_out, bias, n_in, n_out, q, e, y);
}

// The 16-lane block in explicit GCC vectors: GCC's own vectorization of DenseBlockImpl<16, ...>
// mixes the outputs and lanes of a[kOuts][16] into 128-bit shuffles and stack spills (five times
// slower per sample than the 64-lane block). V is one 16-lane vector (a zmm register) when the
// CPU has AVX-512F, else two 8-lane ones (a 16-lane type is spilled on every row by the AVX2
// clone).
// (GCC ignores vector_size on a type that depends on a template parameter: one struct each.)
struct Zmm16Lanes {
  using Unsigned = uint32_t __attribute__((vector_size(64)));
  using Signed = int32_t __attribute__((vector_size(64)));
  static constexpr int kCount = 1;
};
struct Ymm8Lanes {
  using Unsigned = uint32_t __attribute__((vector_size(32)));
  using Signed = int32_t __attribute__((vector_size(32)));
  static constexpr int kCount = 2;
};

// a += the terms of x[b] * w (Term's arithmetic, lane by lane). By reference: a vector argument
// or result would change the ABI between clones (-Wpsabi).
template <class V, ProductRounding kR>
FPGAAS_INLINE void AddTerms(typename V::Unsigned& a, const typename V::Unsigned& x, uint32_t w,
                            int shift_right, int shift_left, uint32_t round_const) {
  using U = typename V::Unsigned;
  using S = typename V::Signed;
  const U p = x * w;
  if constexpr (kR == ProductRounding::kNoShift) {
    a += p;
  } else if constexpr (kR == ProductRounding::kLeft) {
    a += p << shift_left;
  } else if constexpr (kR == ProductRounding::kTrn) {
    a += reinterpret_cast<U>(reinterpret_cast<S>(p) >> shift_right);
  } else {
    a += reinterpret_cast<U>(reinterpret_cast<S>(p + round_const) >> shift_right);
  }
}

// Outputs j .. j + kOuts - 1 of a 16-lane block. (GCC 12 broadcasts a scalar into a vector from
// an uninitialized one: a false -Wmaybe-uninitialized on every a[o][v].)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
template <class V, int kOuts, ProductRounding kR>
FPGAAS_INLINE void DenseBlock16Outputs(const int32_t* x, const int32_t* w_by_out,
                                       const int32_t* bias, int n_in, int j,
                                       const DenseProductQuant& q, const DenseEpilogue& e,
                                       int32_t* y) {
  using U = typename V::Unsigned;
  constexpr int kWidth = kSmallBlock / V::kCount;
  const int sr = q.shift_right, sl = q.shift_left;
  const uint32_t rc = static_cast<uint32_t>(q.round_const);
  U a[kOuts][V::kCount];
  for (int o = 0; o < kOuts; ++o) {
    for (int v = 0; v < V::kCount; ++v) a[o][v] = U{} + static_cast<uint32_t>(bias[j + o]);
  }
  const int32_t* w = w_by_out + static_cast<size_t>(j) * n_in;
  for (int i = 0; i < n_in; ++i) {
    U xi[V::kCount];
    std::memcpy(xi, x + static_cast<size_t>(i) * kSmallBlock, sizeof(xi));
    for (int o = 0; o < kOuts; ++o) {
      const uint32_t c = static_cast<uint32_t>(w[static_cast<size_t>(o) * n_in + i]);
      for (int v = 0; v < V::kCount; ++v) AddTerms<V, kR>(a[o][v], xi[v], c, sr, sl, rc);
    }
  }
  int64_t t[kSmallBlock];
  for (int o = 0; o < kOuts; ++o) {
    uint32_t sum[kSmallBlock];
    for (int v = 0; v < V::kCount; ++v) std::memcpy(sum + v * kWidth, &a[o][v], sizeof(a[o][v]));
    Epilogue<false>(q, e, j + o, sum, t, kSmallBlock, y + static_cast<size_t>(j + o) * kSmallBlock);
  }
}

#pragma GCC diagnostic pop

template <class V, ProductRounding kR>
FPGAAS_INLINE void DenseBlock16Impl(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                    int n_in, int n_out, const DenseProductQuant& q,
                                    const DenseEpilogue& e, int32_t* y) {
  constexpr int kOuts = 4;
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    DenseBlock16Outputs<V, kOuts, kR>(x, w_by_out, bias, n_in, j, q, e, y);
  }
  for (; j < n_out; ++j) DenseBlock16Outputs<V, 1, kR>(x, w_by_out, bias, n_in, j, q, e, y);
}

template <class V>
FPGAAS_INLINE void DenseBlock16Dispatch(const int32_t* x, const int32_t* w_by_out,
                                        const int32_t* bias, int n_in, int n_out,
                                        const DenseProductQuant& q, const DenseEpilogue& e,
                                        int32_t* y) {
  switch (q.rounding) {
    case ProductRounding::kLeft:
      if (q.shift_left == 0) {
        return DenseBlock16Impl<V, ProductRounding::kNoShift>(x, w_by_out, bias, n_in, n_out, q, e,
                                                              y);
      }
      return DenseBlock16Impl<V, ProductRounding::kLeft>(x, w_by_out, bias, n_in, n_out, q, e, y);
    case ProductRounding::kTrn:
      return DenseBlock16Impl<V, ProductRounding::kTrn>(x, w_by_out, bias, n_in, n_out, q, e, y);
    default:
      return DenseBlock16Impl<V, ProductRounding::kConst>(x, w_by_out, bias, n_in, n_out, q, e, y);
  }
}

// Each clone holds both forms; the CPU check picks the zmm one exactly in the AVX-512F clone. The
// portable and sanitizer builds (no clones) run the ymm form: their tests keep it tested.
FPGAAS_CLONES void DenseBlock16(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  if (FPGAAS_NUMERICS_AVX512_CLONE && FPGAAS_CPU_HAS_AVX512()) {
    DenseBlock16Dispatch<Zmm16Lanes>(x, w_by_out, bias, n_in, n_out, q, e, y);
  } else {
    DenseBlock16Dispatch<Ymm8Lanes>(x, w_by_out, bias, n_in, n_out, q, e, y);
  }
}

// The kFast32 16-lane block of a saturating (AP_SAT, AP_SAT_SYM, AP_SAT_ZERO) accumulator in
// explicit GCC vectors (FastGroup's arithmetic and deferred saturation, FastMac per lane): GCC
// vectorized FastMacRange<16> across inputs, gathering weights (kernel_grid_bench at
// FPGAAS_GRID_BATCH=16: o_sat 7.0-7.2 GMAC/s against 35 at batch 1024). Constants as vectors, by
// reference (-Wpsabi, as AddTerms).
template <class V>
struct SatConsts {
  typename V::Signed rc_pos, rc_neg, one, lo, hi, zero;
  int sr, sl;
};

// a = accum_t(a + accum_t(x * w)) on the lanes (FastMac<int32_t, kR, kO>); kPlain: the term
// added without the overflow step (a deferred chunk).
template <class V, ProductRounding kR, AccumOverflow kO, bool kPlain>
FPGAAS_INLINE void SatMac(typename V::Signed& a, const typename V::Signed& x, int32_t w,
                          const SatConsts<V>& c) {
  using U = typename V::Unsigned;
  using S = typename V::Signed;
  const U p = reinterpret_cast<const U&>(x) * static_cast<uint32_t>(w);
  const S ps = reinterpret_cast<const S&>(p);
  S q;
  if constexpr (kR == ProductRounding::kLeft) {
    q = reinterpret_cast<S>(p << c.sl);
  } else if constexpr (kR == ProductRounding::kTrn) {
    q = ps >> c.sr;
  } else {
    S rc;
    if constexpr (kR == ProductRounding::kConst) {
      rc = c.rc_pos;
    } else if constexpr (kR == ProductRounding::kSign) {
      rc = ps < c.zero ? c.rc_neg : c.rc_pos;
    } else {
      rc = c.rc_pos + ((ps >> c.sr) & c.one);
    }
    q = reinterpret_cast<S>(p + reinterpret_cast<U>(rc)) >> c.sr;
  }
  if constexpr (kPlain) {
    a = reinterpret_cast<S>(reinterpret_cast<U>(a) + reinterpret_cast<U>(q));
  } else {
    // One comparison per ?: (a max / min, a masked move): AVX-512F has no instruction turning a
    // comparison's mask into a vector of lanes, so GCC compiles an AND / OR of comparisons lane
    // by lane. kZero: v is inside [lo, hi] exactly when clamping leaves it unchanged.
    S t = q < c.lo ? c.lo : q;
    t = t > c.hi ? c.hi : t;
    if constexpr (kO == AccumOverflow::kZero) t = t == q ? q : c.zero;
    const S sum = a + t;
    S r = sum < c.lo ? c.lo : sum;
    r = r > c.hi ? c.hi : r;
    if constexpr (kO == AccumOverflow::kZero) r = r == sum ? sum : c.zero;
    a = r;
  }
}

template <class V, int kOuts, ProductRounding kR, AccumOverflow kO, bool kPlain>
FPGAAS_INLINE void SatMacRange(typename V::Signed (&a)[kOuts][V::kCount], const int32_t* x,
                               const int32_t* w, int n_in, int i0, int i1, const SatConsts<V>& c) {
  using S = typename V::Signed;
  for (int i = i0; i < i1; ++i) {
    S xi[V::kCount];
    std::memcpy(xi, x + static_cast<size_t>(i) * kSmallBlock, sizeof(xi));
    for (int o = 0; o < kOuts; ++o) {
      const int32_t wi = w[static_cast<size_t>(o) * n_in + i];
      for (int v = 0; v < V::kCount; ++v) SatMac<V, kR, kO, kPlain>(a[o][v], xi[v], wi, c);
    }
  }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
template <class V, int kOuts, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void SatBlock16Outputs(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                     int n_in, int j, const DenseFastParams& p,
                                     const DenseEpilogue& e, const int64_t* abs_w,
                                     int64_t max_abs_x, const SatConsts<V>& c, int32_t* y) {
  using S = typename V::Signed;
  constexpr int kWidth = kSmallBlock / V::kCount;
  S a[kOuts][V::kCount];
  for (int o = 0; o < kOuts; ++o) {
    for (int v = 0; v < V::kCount; ++v) a[o][v] = S{} + bias[j + o];
  }
  const int32_t* w = w_by_out + static_cast<size_t>(j) * n_in;
  if (abs_w == nullptr) {
    SatMacRange<V, kOuts, kR, kO, false>(a, x, w, n_in, 0, n_in, c);
  } else {
    const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
    for (int ch = 0, i0 = 0; i0 < n_in; ++ch, i0 += kSatChunk) {
      const int i1 = i0 + kSatChunk < n_in ? i0 + kSatChunk : n_in;
      // FastGroup's test: every lane within [lo + u, hi - u] (and, for kClamp / kZero, every
      // term within [lo, hi]). A lane is outside when a - (lo + u) or (hi - u) - a is negative:
      // the sign bit of their OR, exact as hi - lo < 2^31 (DenseFast32x16 checks).
      S outside = S{};
      bool terms_in = true;
      for (int o = 0; o < kOuts; ++o) {
        const int64_t u = ChunkSatBound(
            max_abs_x, abs_w[static_cast<size_t>((j + o) * n_chunks + ch)], c.sr, c.sl, i1 - i0);
        if constexpr (kO == AccumOverflow::kClamp || kO == AccumOverflow::kZero) {
          terms_in &= -u >= p.lo && u <= p.hi;
        }
        // An empty range (a large u) never defers: with [0, -1] every lane is outside.
        const int64_t lo_u = p.lo + u, hi_u = p.hi - u;
        const bool possible = lo_u <= hi_u;
        const S lo_v = S{} + static_cast<int32_t>(possible ? lo_u : 0);
        const S hi_v = S{} + static_cast<int32_t>(possible ? hi_u : -1);
        for (int v = 0; v < V::kCount; ++v) outside |= (a[o][v] - lo_v) | (hi_v - a[o][v]);
      }
      int32_t lanes_out[kWidth];
      std::memcpy(lanes_out, &outside, sizeof(lanes_out));
      int32_t any = 0;
      for (int b = 0; b < kWidth; ++b) any |= lanes_out[b];
      if (terms_in && any >= 0) {
        SatMacRange<V, kOuts, kR, kO, true>(a, x, w, n_in, i0, i1, c);
      } else {
        SatMacRange<V, kOuts, kR, kO, false>(a, x, w, n_in, i0, i1, c);
      }
    }
  }
  int64_t t[kSmallBlock];
  for (int o = 0; o < kOuts; ++o) {
    int32_t sum[kSmallBlock];
    for (int v = 0; v < V::kCount; ++v) std::memcpy(sum + v * kWidth, &a[o][v], sizeof(a[o][v]));
    FastEpilogue<int32_t, kO>(p, e, j + o, sum, t, kSmallBlock,
                              y + static_cast<size_t>(j + o) * kSmallBlock);
  }
}
#pragma GCC diagnostic pop

template <class V, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void SatBlock16Impl(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int32_t* y) {
  using S = typename V::Signed;
  SatConsts<V> c;
  c.rc_pos = S{} + static_cast<int32_t>(p.round_const);
  c.rc_neg = S{} + static_cast<int32_t>(p.round_const_neg);
  c.one = S{} + 1;
  c.lo = S{} + static_cast<int32_t>(p.lo);
  c.hi = S{} + static_cast<int32_t>(p.hi);
  c.zero = S{};
  c.sr = p.shift_right;
  c.sl = p.shift_left;
  const int64_t* abs_w = p.chunk_abs_w ? p.chunk_abs_w->data() : nullptr;
  const int64_t max_abs_x =
      abs_w != nullptr ? MaxAbs(x, static_cast<size_t>(n_in) * kSmallBlock) : 0;
  constexpr int kOuts = 4;
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    SatBlock16Outputs<V, kOuts, kR, kO>(x, w_by_out, bias, n_in, j, p, e, abs_w, max_abs_x, c, y);
  }
  for (; j < n_out; ++j) {
    SatBlock16Outputs<V, 1, kR, kO>(x, w_by_out, bias, n_in, j, p, e, abs_w, max_abs_x, c, y);
  }
}

// kClampSum / kZeroSum run as kClamp / kZero (the same results: their terms never leave the
// range), as DenseFastDispatch<..., false> does.
template <class V, AccumOverflow kO>
FPGAAS_INLINE void SatBlock16Rounding(const int32_t* x, const int32_t* w_by_out,
                                      const int32_t* bias, int n_in, int n_out,
                                      const DenseFastParams& p, const DenseEpilogue& e,
                                      int32_t* y) {
  switch (p.rounding) {
    case ProductRounding::kLeft:
    case ProductRounding::kNoShift:
      return SatBlock16Impl<V, ProductRounding::kLeft, kO>(x, w_by_out, bias, n_in, n_out, p, e, y);
    case ProductRounding::kTrn:
      return SatBlock16Impl<V, ProductRounding::kTrn, kO>(x, w_by_out, bias, n_in, n_out, p, e, y);
    case ProductRounding::kConst:
      return SatBlock16Impl<V, ProductRounding::kConst, kO>(x, w_by_out, bias, n_in, n_out, p, e,
                                                            y);
    case ProductRounding::kSign:
      return SatBlock16Impl<V, ProductRounding::kSign, kO>(x, w_by_out, bias, n_in, n_out, p, e, y);
    case ProductRounding::kConv:
      return SatBlock16Impl<V, ProductRounding::kConv, kO>(x, w_by_out, bias, n_in, n_out, p, e, y);
  }
}

FPGAAS_CLONES void DenseFast32x64(const int32_t* x, const int32_t* w, const int32_t* bias, int n_in,
                                  int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                                  int32_t* y) {
  DenseFastDispatch<int32_t, kKernelBlock, 2, true>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast32x16(const int32_t* x, const int32_t* w, const int32_t* bias, int n_in,
                                  int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                                  int32_t* y) {
  // Saturating accumulators of at most 31 bits in explicit vectors where the CPU has AVX-512F
  // (see SatConsts; the deferral test's differences stay within int32).
  if (FPGAAS_NUMERICS_AVX512_CLONE && p.overflow != AccumOverflow::kWrap &&
      p.hi - p.lo < (int64_t{1} << 31) && FPGAAS_CPU_HAS_AVX512()) {
    if (p.overflow == AccumOverflow::kClamp || p.overflow == AccumOverflow::kClampSum) {
      return SatBlock16Rounding<Zmm16Lanes, AccumOverflow::kClamp>(x, w, bias, n_in, n_out, p, e,
                                                                   y);
    }
    return SatBlock16Rounding<Zmm16Lanes, AccumOverflow::kZero>(x, w, bias, n_in, n_out, p, e, y);
  }
  DenseFastDispatch<int32_t, kSmallBlock, 2, true>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast32x1(const int32_t* x, const int32_t* w, const int32_t* bias, int n_in,
                                 int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                                 int32_t* y) {
  DenseFastDispatch<int32_t, 1, 8, false>(x, w, bias, n_in, n_out, p, e, y);
}

}  // namespace

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
                                     int n_in, int n_out, int stride, const DenseProductQuant& q,
                                     const DenseEpilogue& e, uint32_t* acc, int32_t* y) {
  const int sr = q.shift_right, sl = q.shift_left;
  const uint32_t rc = static_cast<uint32_t>(q.round_const);
  // Every kind at once: kLeft has sr = rc = 0, kTrn / kConst have sl = 0.
  auto term = [sr, sl, rc](int32_t xi, int32_t w) {
    const int32_t p =
        static_cast<int32_t>(static_cast<uint32_t>(xi) * static_cast<uint32_t>(w) + rc);
    return static_cast<uint32_t>(p >> sr) << sl;
  };
  for (int j = 0; j < n_out; ++j) acc[j] = static_cast<uint32_t>(bias[j]);
  for (int j = n_out; j < stride; ++j) acc[j] = 0;
  // Groups of 16 outputs whose accumulators stay in registers over the whole input loop: two
  // vectors of 8 (GCC vector extensions; an AVX2 register each, two SSE2 ones; a 16-lane type
  // would be spilled to the stack on every row by the AVX2 clone).
  using Lanes = uint32_t __attribute__((vector_size(32)));
  using SignedLanes = int32_t __attribute__((vector_size(32)));
  constexpr int kLanes = sizeof(Lanes) / sizeof(uint32_t);
  constexpr int kGroup = 2 * kLanes;
  auto add_terms = [sr, sl, rc](Lanes& a, uint32_t xi, const int32_t* w_at) {
    Lanes w;
    std::memcpy(&w, w_at, sizeof(w));
    const SignedLanes p = reinterpret_cast<SignedLanes>(xi * w + rc);
    a += reinterpret_cast<Lanes>(p >> sr) << sl;
  };
  int j0 = 0;
  for (; j0 + kGroup <= stride; j0 += kGroup) {
    Lanes a0, a1;
    std::memcpy(&a0, acc + j0, sizeof(a0));
    std::memcpy(&a1, acc + j0 + kLanes, sizeof(a1));
    for (int i = 0; i < n_in; ++i) {
      const int32_t* w = w_by_in + static_cast<size_t>(i) * stride + j0;
      const uint32_t xi = static_cast<uint32_t>(x[i]);
      add_terms(a0, xi, w);
      add_terms(a1, xi, w + kLanes);
    }
    std::memcpy(acc + j0, &a0, sizeof(a0));
    std::memcpy(acc + j0 + kLanes, &a1, sizeof(a1));
  }
  for (int i = 0; i < n_in && j0 < stride; ++i) {
    const int32_t* w = w_by_in + static_cast<size_t>(i) * stride;
    for (int j = j0; j < stride; ++j) acc[j] += term(x[i], w[j]);
  }
  // Epilogue in chunks so its int64 scratch stays on the stack.
  constexpr int kChunk = 64;
  int64_t t[kChunk];
  for (int j = 0; j < n_out; j += kChunk) {
    const int n = std::min(kChunk, n_out - j);
    Epilogue<true>(q, e, j, acc + j, t, n, y + j);
  }
}

namespace {

// One output pixel of DepthwisePixels32, the rounding and overflow fixed: the kKernelBlock lanes of
// a channel are explicit vectors of V's int32 lanes (FastMac's arithmetic on each; left to itself
// GCC unrolled the taps and kept the lanes scalar), then the sums go to accum_t (wrapped to
// acc_width bits under AP_WRAP) and through to_result.
template <class V, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void DepthwisePixel32Impl(const int32_t* in, const size_t* in_value, const size_t* w0,
                                        int n_taps, const int32_t* weights, const int32_t* bias,
                                        int n_chan, const DenseFastParams& p,
                                        const FastConvert& to_result, int64_t* y) {
  using S = typename V::Signed;
  using U = typename V::Unsigned;
  constexpr int kLanes = kKernelBlock, kWidth = sizeof(S) / sizeof(int32_t);
  constexpr int kVectors = kLanes / kWidth;
  const int sr = p.shift_right, sl = p.shift_left;
  const S zero = S{}, one = zero + 1, rc_pos = zero + static_cast<int32_t>(p.round_const),
          rc_neg = zero + static_cast<int32_t>(p.round_const_neg),
          lo = zero + static_cast<int32_t>(p.lo), hi = zero + static_cast<int32_t>(p.hi);
  const int unused = 64 - p.acc_width;
  const uint64_t mask = (uint64_t{1} << p.acc_width) - 1;
  for (int ch = 0; ch < n_chan; ++ch) {
    const size_t at = static_cast<size_t>(ch) * kLanes;
    S a[kVectors];
    for (S& v : a) v = zero + bias[ch];
    for (int t = 0; t < n_taps; ++t) {
      const auto w = static_cast<uint32_t>(weights[w0[t] + static_cast<size_t>(ch)]);
      const int32_t* x = in + in_value[t] * kLanes + at;
      for (int k = 0; k < kVectors; ++k) {
        S xv;
        std::memcpy(&xv, x + k * kWidth, sizeof(S));
        const S prod = reinterpret_cast<S>(reinterpret_cast<U>(xv) * w);
        S q;
        if constexpr (kR == ProductRounding::kLeft) {
          q = reinterpret_cast<S>(reinterpret_cast<U>(prod) << sl);
        } else if constexpr (kR == ProductRounding::kTrn) {
          q = prod >> sr;
        } else {
          S rc;
          if constexpr (kR == ProductRounding::kConst) {
            rc = rc_pos;
          } else if constexpr (kR == ProductRounding::kSign) {
            rc = prod < 0 ? rc_neg : rc_pos;
          } else {
            rc = rc_pos + ((prod >> sr) & one);
          }
          q = reinterpret_cast<S>(reinterpret_cast<U>(prod) + reinterpret_cast<U>(rc)) >> sr;
        }
        if constexpr (kO == AccumOverflow::kWrap) {
          a[k] = reinterpret_cast<S>(reinterpret_cast<U>(a[k]) + reinterpret_cast<U>(q));
        } else if constexpr (kO == AccumOverflow::kClamp) {
          q = q < lo ? lo : (q > hi ? hi : q);
          const S sum = a[k] + q;
          a[k] = sum < lo ? lo : (sum > hi ? hi : sum);
        } else {
          q = (q < lo) | (q > hi) ? zero : q;
          const S sum = a[k] + q;
          a[k] = (sum < lo) | (sum > hi) ? zero : sum;
        }
      }
    }
    int32_t sums[kLanes];
    std::memcpy(sums, a, sizeof(sums));
    int64_t* yc = y + at;
    for (int b = 0; b < kLanes; ++b) {
      const auto v = static_cast<uint64_t>(static_cast<int64_t>(sums[b]));
      if constexpr (kO == AccumOverflow::kWrap) {
        yc[b] = p.acc_signed ? static_cast<int64_t>(v << unused) >> unused
                             : static_cast<int64_t>(v & mask);
      } else {
        yc[b] = sums[b];
      }
    }
    if (!to_result.identity) ApplyConvert(to_result, yc, yc, kLanes);
  }
}

// Every pixel, the rounding and overflow fixed once for all.
template <class V, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void DepthwisePixels32Impl(const int32_t* in, const DepthwiseTaps& taps,
                                         const int32_t* weights, const int32_t* bias, int n_chan,
                                         size_t out_stride, const DenseFastParams& p,
                                         const FastConvert& to_result, int64_t* y) {
  const size_t n_pixels = taps.first.size() - 1;
  for (size_t q = 0; q < n_pixels; ++q) {
    const int k = taps.first[q];
    DepthwisePixel32Impl<V, kR, kO>(in, taps.in_value.data() + k, taps.w0.data() + k,
                                    taps.first[q + 1] - k, weights, bias, n_chan, p, to_result,
                                    y + q * out_stride);
  }
}

template <class V>
FPGAAS_INLINE void DepthwisePixels32Dispatch(const int32_t* in, const DepthwiseTaps& taps,
                                             const int32_t* weights, const int32_t* bias,
                                             int n_chan, size_t out_stride,
                                             const DenseFastParams& p, const FastConvert& to_result,
                                             int64_t* y) {
  // kClampSum / kZeroSum as kClamp / kZero (the same results; half the instantiations).
  AccumOverflow overflow = p.overflow;
  if (overflow == AccumOverflow::kClampSum) overflow = AccumOverflow::kClamp;
  if (overflow == AccumOverflow::kZeroSum) overflow = AccumOverflow::kZero;
#define FPGAAS_DEPTHWISE_CASE(R, O)                                        \
  if (p.rounding == ProductRounding::R && overflow == AccumOverflow::O) {  \
    return DepthwisePixels32Impl<V, ProductRounding::R, AccumOverflow::O>( \
        in, taps, weights, bias, n_chan, out_stride, p, to_result, y);     \
  }
#define FPGAAS_DEPTHWISE_ROUNDING(R) \
  FPGAAS_DEPTHWISE_CASE(R, kWrap)    \
  FPGAAS_DEPTHWISE_CASE(R, kClamp)   \
  FPGAAS_DEPTHWISE_CASE(R, kZero)
  FPGAAS_DEPTHWISE_ROUNDING(kLeft)
  FPGAAS_DEPTHWISE_ROUNDING(kTrn)
  FPGAAS_DEPTHWISE_ROUNDING(kConst)
  FPGAAS_DEPTHWISE_ROUNDING(kSign)
  FPGAAS_DEPTHWISE_ROUNDING(kConv)
#undef FPGAAS_DEPTHWISE_ROUNDING
#undef FPGAAS_DEPTHWISE_CASE
}

}  // namespace

// As DenseBlock16: the zmm form exactly in the AVX-512F clone, the ymm form elsewhere.
FPGAAS_CLONES void DepthwisePixels32(const int32_t* in, const DepthwiseTaps& taps,
                                     const int32_t* weights, const int32_t* bias, int n_chan,
                                     size_t out_stride, const DenseFastParams& p,
                                     const FastConvert& to_result, int64_t* y) {
  if (FPGAAS_NUMERICS_AVX512_CLONE && FPGAAS_CPU_HAS_AVX512()) {
    DepthwisePixels32Dispatch<Zmm16Lanes>(in, taps, weights, bias, n_chan, out_stride, p, to_result,
                                          y);
  } else {
    DepthwisePixels32Dispatch<Ymm8Lanes>(in, taps, weights, bias, n_chan, out_stride, p, to_result,
                                         y);
  }
}

void OnePassEpilogue32(const DenseFastParams& p, const DenseEpilogue& e, const int32_t* sum,
                       size_t n, int32_t* y) {
  DenseProductQuant q;
  q.acc_width = p.acc_width;
  q.acc_signed = p.acc_signed;
  OnePassEpilogue(q, e, reinterpret_cast<const uint32_t*>(sum), n, y);
}

bool BatchNormEpilogue32(const DenseFastParams& p, const DenseEpilogue& e, int j,
                         const int32_t* sum, size_t n, int32_t* y) {
  DenseProductQuant q;
  q.acc_width = p.acc_width;
  q.acc_signed = p.acc_signed;
  return BatchNormEpilogue(q, e, j, reinterpret_cast<const uint32_t*>(sum), n, y);
}

void DenseFastBlock32(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int32_t* y) {
  if (p.fma_weights != nullptr && lanes != 1 &&
      DenseFmaBlockOn(DenseFmaIsa(), x, lanes, p.fma_weights->data(), bias, n_in, n_out, p, e, y)) {
    return;
  }
  if (lanes == kKernelBlock) {
    DenseFast32x64(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else if (lanes == kSmallBlock) {
    DenseFast32x16(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else {
    DenseFast32x1(x, w_by_out, bias, n_in, n_out, p, e, y);
  }
}

}  // namespace fpgaas::numerics::internal
