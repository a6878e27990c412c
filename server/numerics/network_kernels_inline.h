// Private to the network_kernels*.cc / network_dense*.cc files: the loop bodies they share, inlined
// into each caller so every target_clones clone (and the ISA-specific files, built with -mavx2 /
// -mavx512f) compiles them for its own instruction set. Everything here has internal linkage (an
// anonymous namespace), so copies compiled for different ISAs are never merged by the linker.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INLINE_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INLINE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "server/numerics/network_kernels_internal.h"

#define FPGAAS_INLINE inline __attribute__((always_inline))

namespace fpgaas::numerics::internal {
namespace {

// One loop per overflow kind, so each vectorizes without a branch in the body: y[k] = c(x(k)) for
// the int64 source values x(k) (an inlined callable: a load, or the arithmetic producing them).
// kRound false: c rounds nothing (round_const, round_const_neg and conv_mask 0), so the rounding
// terms are left out.
template <FastOverflow kKind, bool kRound = true, typename Source, typename Out>
FPGAAS_INLINE void ConvertLoop(const FastConvert& c, Source x, Out* y, size_t n) {
  const int unused = 64 - c.width;
  const uint64_t mask = c.width == 64 ? ~uint64_t{0} : (uint64_t{1} << c.width) - 1;
  const int shift_right = c.shift_right, shift_left = c.shift_left;
  const int64_t rc_pos = c.round_const, rc_neg = c.round_const_neg, conv = c.conv_mask;
  const int64_t lo = c.lo, hi = c.hi;
  for (size_t k = 0; k < n; ++k) {
    const int64_t xk = x(k);
    const int64_t rc = kRound ? (xk < 0 ? rc_neg : rc_pos) + ((xk >> shift_right) & conv) : 0;
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

// ConvertLoop for c's overflow kind.
template <bool kRound = true, typename Source, typename Out>
FPGAAS_INLINE void ApplyConvertFrom(const FastConvert& c, Source x, Out* y, size_t n) {
  switch (c.kind) {
    case FastOverflow::kWrapSigned:
      return ConvertLoop<FastOverflow::kWrapSigned, kRound>(c, x, y, n);
    case FastOverflow::kWrapUnsigned:
      return ConvertLoop<FastOverflow::kWrapUnsigned, kRound>(c, x, y, n);
    case FastOverflow::kClamp:
      return ConvertLoop<FastOverflow::kClamp, kRound>(c, x, y, n);
    case FastOverflow::kZero:
      return ConvertLoop<FastOverflow::kZero, kRound>(c, x, y, n);
  }
}

// Whether c rounds (ConvertLoop's kRound).
FPGAAS_INLINE bool Rounds(const FastConvert& c) {
  return c.round_const != 0 || c.round_const_neg != 0 || c.conv_mask != 0;
}

// y[k] = c(x[k]); kRelu: c(max(x[k], 0)) (a relu before the conversion, in the same pass).
template <bool kRelu = false, typename In, typename Out>
FPGAAS_INLINE void ApplyConvert(const FastConvert& c, const In* x, Out* y, size_t n) {
  ApplyConvertFrom(
      c, [x](size_t k) { return kRelu ? std::max<int64_t>(x[k], 0) : static_cast<int64_t>(x[k]); },
      y, n);
}

// The part of a dense epilogue after the accumulator: t (n accum_t raws, int64) -> result_t, then
// the fused batch norm and relu. `j`: the output of t[0]; kPerLane: t[k] is output j + k (the
// one-sample kernels) rather than lane k of output j (the block kernels).
template <bool kPerLane>
FPGAAS_INLINE void EpilogueTail(const DenseEpilogue& e, int j, int64_t* t, size_t n) {
  if (!e.to_result.identity) ApplyConvert(e.to_result, t, t, n);
  if (e.bn_scale != nullptr) {
    // The batch norm layer's own arithmetic (BatchNormBlock): v = (x * s << a) + b, then res_t.
    const int a = e.bn_shift_left;
    if constexpr (kPerLane) {
      for (size_t b = 0; b < n; ++b) {
        t[b] = static_cast<int64_t>(static_cast<uint64_t>(t[b] * e.bn_scale[j + b]) << a) +
               e.bn_bias[j + b];
      }
    } else if (e.bn_mul32) {
      const int64_t s = static_cast<int32_t>(e.bn_scale[j]), bias = e.bn_bias[j];
      for (size_t b = 0; b < n; ++b) {
        const int64_t ts = static_cast<int64_t>(static_cast<int32_t>(t[b])) * s;
        t[b] = static_cast<int64_t>(static_cast<uint64_t>(ts) << a) + bias;
      }
    } else {
      const int64_t s = e.bn_scale[j], bias = e.bn_bias[j];
      for (size_t b = 0; b < n; ++b) {
        t[b] = static_cast<int64_t>(static_cast<uint64_t>(t[b] * s) << a) + bias;
      }
    }
    ApplyConvert(e.bn_result, t, t, n);
  }
  if (e.relu) {
    // relu: y > 0 ? relu_result(y) : 0, which is relu_result(max(y, 0)) as every fast conversion
    // maps 0 to 0.
    if (e.relu_result.identity) {
      for (size_t b = 0; b < n; ++b) t[b] = t[b] > 0 ? t[b] : 0;
    } else {
      ApplyConvert<true>(e.relu_result, t, t, n);
    }
  }
}

// EpilogueTail out of line, once per output row (or chunk of a sample's outputs): the kernels'
// instantiations (rounding x overflow x lane count x ISA) then share one copy of its dozen
// vectorized loops, which keeps the files' compile time down. A file including this header
// defines FPGAAS_KERNEL_CLONES (its target_clones attribute, or nothing).
#ifndef FPGAAS_KERNEL_CLONES
#error "define FPGAAS_KERNEL_CLONES before including network_kernels_inline.h"
#endif
FPGAAS_KERNEL_CLONES __attribute__((noinline)) void EpilogueTailRow(const DenseEpilogue& e, int j,
                                                                    int64_t* t, size_t n) {
  EpilogueTail<false>(e, j, t, n);
}
// Only network_dense32.cc's kernels call it.
FPGAAS_KERNEL_CLONES __attribute__((noinline, unused)) void EpilogueTailLanes(
    const DenseEpilogue& e, int j, int64_t* t, size_t n) {
  EpilogueTail<true>(e, j, t, n);
}

// One multiply-accumulate: acc = accum_t(acc + accum_t(x * w)) (see DenseFastParams).
template <typename T, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE T FastMac(T acc, T x, T w, int sr, int sl, T rc_pos, T rc_neg, T lo, T hi) {
  using U = std::make_unsigned_t<T>;
  const T p = static_cast<T>(static_cast<U>(x) * static_cast<U>(w));
  T q;
  if constexpr (kR == ProductRounding::kLeft) {
    q = static_cast<T>(static_cast<U>(p) << sl);
  } else if constexpr (kR == ProductRounding::kTrn) {
    q = p >> sr;
  } else {
    T rc;
    if constexpr (kR == ProductRounding::kConst) {
      rc = rc_pos;
    } else if constexpr (kR == ProductRounding::kSign) {
      rc = p < 0 ? rc_neg : rc_pos;
    } else {
      rc = rc_pos + ((p >> sr) & 1);
    }
    q = static_cast<T>(static_cast<U>(p) + static_cast<U>(rc)) >> sr;
  }
  if constexpr (kO == AccumOverflow::kWrap) {
    return static_cast<T>(static_cast<U>(acc) + static_cast<U>(q));
  } else if constexpr (kO == AccumOverflow::kClamp || kO == AccumOverflow::kClampSum) {
    if constexpr (kO == AccumOverflow::kClamp) q = q < lo ? lo : (q > hi ? hi : q);
    const T sum = acc + q;
    return sum < lo ? lo : (sum > hi ? hi : sum);
  } else {
    if constexpr (kO == AccumOverflow::kZero) q = (q < lo || q > hi) ? 0 : q;
    const T sum = acc + q;
    return (sum < lo || sum > hi) ? 0 : sum;
  }
}

// Wraps (kWrap) the n sums of output j to accum_t, applies the epilogue, stores the results as T
// (int32 sums with a batch norm: BatchNormEpilogue32's int32 passes where they fit).
template <typename T, AccumOverflow kO>
FPGAAS_INLINE void FastEpilogue(const DenseFastParams& p, const DenseEpilogue& e, int j,
                                const T* acc, int64_t* t, int n, T* y) {
  if constexpr (std::is_same_v<T, int32_t>) {
    if (e.bn_scale != nullptr && BatchNormEpilogue32(p, e, j, acc, static_cast<size_t>(n), y)) {
      return;
    }
  }
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
  EpilogueTailRow(e, j, t, static_cast<size_t>(n));
  for (int b = 0; b < n; ++b) y[b] = static_cast<T>(t[b]);
}

// max |x| over n values (the M of deferred saturation), as int64.
template <typename T>
FPGAAS_INLINE int64_t MaxAbs(const T* x, size_t n) {
  T mn = 0, mx = 0;
  for (size_t k = 0; k < n; ++k) {
    mn = x[k] < mn ? x[k] : mn;
    mx = x[k] > mx ? x[k] : mx;
  }
  const int64_t neg = -static_cast<int64_t>(mn);  // T is int32 or holds at most 63-bit values
  return neg > static_cast<int64_t>(mx) ? neg : static_cast<int64_t>(mx);
}

// Inputs [i0, i1) of outputs j..j+kOuts-1 (w: output j's weights) into a[o][b], as FastMac<kO>.
template <typename T, int kLanes, int kOuts, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void FastMacRange(T (&a)[kOuts][kLanes], const T* x, const T* w, int n_in, int i0,
                                int i1, int sr, int sl, T rc_pos, T rc_neg, T lo, T hi) {
  for (int i = i0; i < i1; ++i) {
    const T* xi = x + static_cast<size_t>(i) * kLanes;
    for (int o = 0; o < kOuts; ++o) {
      const T c = w[static_cast<size_t>(o) * n_in + i];
      if constexpr (kLanes == 16 && sizeof(T) == 4 && kR == ProductRounding::kConv) {
        // GCC otherwise vectorizes this (16 int32 lanes, convergent rounding) across i, gathering
        // the weights: 2x slower at batch 16 (kernel_grid_bench q_rnd_conv, o_sat_sym).
#pragma omp simd
        for (int b = 0; b < kLanes; ++b) {
          a[o][b] = FastMac<T, kR, kO>(a[o][b], xi[b], c, sr, sl, rc_pos, rc_neg, lo, hi);
        }
      } else {
        for (int b = 0; b < kLanes; ++b) {
          a[o][b] = FastMac<T, kR, kO>(a[o][b], xi[b], c, sr, sl, rc_pos, rc_neg, lo, hi);
        }
      }
    }
  }
}

// Outputs j..j+kOuts-1 of the block summed into a (bias first). Saturating kO with abs_w (output
// j's chunk_abs_w row) defer the saturation chunk by chunk (kSatChunk's comment);
// max_abs_x is M.
template <typename T, int kLanes, int kOuts, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void FastGroup(T (&a)[kOuts][kLanes], const T* x, const T* w, const T* bias,
                             int n_in, const DenseFastParams& p, const int64_t* abs_w,
                             int64_t max_abs_x) {
  const int sr = p.shift_right, sl = p.shift_left;
  const T rc_pos = static_cast<T>(p.round_const), rc_neg = static_cast<T>(p.round_const_neg);
  const T lo = static_cast<T>(p.lo), hi = static_cast<T>(p.hi);
  for (int o = 0; o < kOuts; ++o) {
    for (int b = 0; b < kLanes; ++b) a[o][b] = bias[o];
  }
  if constexpr (kO != AccumOverflow::kWrap) {
    if (abs_w != nullptr) {
      const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
      for (int c = 0, i0 = 0; i0 < n_in; ++c, i0 += kSatChunk) {
        const int i1 = i0 + kSatChunk < n_in ? i0 + kSatChunk : n_in;
        bool in_range = true;
        for (int o = 0; o < kOuts; ++o) {
          const int64_t u =
              ChunkSatBound(max_abs_x, abs_w[static_cast<size_t>(o) * n_chunks + c], sr, sl,
                            i1 - i0);
          T mn = a[o][0], mx = a[o][0];
          for (int b = 0; b < kLanes; ++b) {
            mn = a[o][b] < mn ? a[o][b] : mn;
            mx = a[o][b] > mx ? a[o][b] : mx;
          }
          in_range &= static_cast<int64_t>(mn) >= p.lo + u && static_cast<int64_t>(mx) <= p.hi - u;
          // kClamp / kZero also saturate each term (|t| <= u): the identity when [-u, u] is in
          // range (not for unsigned accumulators, whose negative terms clamp to 0).
          if constexpr (kO == AccumOverflow::kClamp || kO == AccumOverflow::kZero) {
            in_range &= -u >= p.lo && u <= p.hi;
          }
        }
        if (in_range) {
          FastMacRange<T, kLanes, kOuts, kR, AccumOverflow::kWrap>(a, x, w, n_in, i0, i1, sr, sl,
                                                                  rc_pos, rc_neg, lo, hi);
        } else {
          FastMacRange<T, kLanes, kOuts, kR, kO>(a, x, w, n_in, i0, i1, sr, sl, rc_pos, rc_neg,
                                                 lo, hi);
        }
      }
      return;
    }
  }
  FastMacRange<T, kLanes, kOuts, kR, kO>(a, x, w, n_in, 0, n_in, sr, sl, rc_pos, rc_neg, lo, hi);
}

// The deferral limits of kOuts outputs for every chunk (kSatChunk): a chunk ch defers when every
// lane of output o lies in [lim[(o * n_chunks + ch) * 2], lim[... + 1]] (empty when the chunk
// cannot defer). abs_w: output j's chunk_abs_w row.
template <AccumOverflow kO, int kOuts>
FPGAAS_INLINE void DeferLimits(const DenseFastParams& p, const int64_t* abs_w, int n_in,
                               int64_t max_abs_x, int64_t* lim) {
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  for (int o = 0; o < kOuts; ++o) {
    for (int ch = 0; ch < n_chunks; ++ch) {
      const int terms = n_in - ch * kSatChunk < kSatChunk ? n_in - ch * kSatChunk : kSatChunk;
      const int64_t u = ChunkSatBound(max_abs_x, abs_w[static_cast<size_t>(o) * n_chunks + ch],
                                      p.shift_right, p.shift_left, terms);
      // kClamp / kZero also saturate each term (|t| <= u): see FastGroup. u <= 2^62 and |lo|,
      // |hi| <= 2^61: no overflow; lo + u > hi - u never defers.
      const bool terms_in = (kO != AccumOverflow::kClamp && kO != AccumOverflow::kZero) ||
                            (-u >= p.lo && u <= p.hi);
      int64_t* l = lim + (static_cast<size_t>(o) * n_chunks + ch) * 2;
      l[0] = terms_in ? p.lo + u : p.hi + 1;
      l[1] = p.hi - u;
    }
  }
}

template <typename T, int kLanes, int kOuts, ProductRounding kR, AccumOverflow kO>
FPGAAS_INLINE void DenseFastImpl(const T* x, const T* w_by_out, const T* bias, int n_in,
                                 int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                                 T* y) {
  constexpr bool kDefer = kO != AccumOverflow::kWrap;
  const int64_t* abs_w = kDefer && kLanes > 1 && p.chunk_abs_w ? p.chunk_abs_w->data() : nullptr;
  const size_t n_chunks = static_cast<size_t>((n_in + kSatChunk - 1) / kSatChunk);
  const int64_t max_abs_x =
      abs_w != nullptr ? MaxAbs(x, static_cast<size_t>(n_in) * kLanes) : 0;
  int64_t t[kLanes];
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    T a[kOuts][kLanes];
    FastGroup<T, kLanes, kOuts, kR, kO>(a, x, w_by_out + static_cast<size_t>(j) * n_in, bias + j,
                                        n_in, p, abs_w ? abs_w + j * n_chunks : nullptr,
                                        max_abs_x);
    for (int o = 0; o < kOuts; ++o) {
      FastEpilogue<T, kO>(p, e, j + o, a[o], t, kLanes, y + static_cast<size_t>(j + o) * kLanes);
    }
  }
  for (; j < n_out; ++j) {
    T a[1][kLanes];
    FastGroup<T, kLanes, 1, kR, kO>(a, x, w_by_out + static_cast<size_t>(j) * n_in, bias + j,
                                    n_in, p, abs_w ? abs_w + j * n_chunks : nullptr, max_abs_x);
    FastEpilogue<T, kO>(p, e, j, a[0], t, kLanes, y + static_cast<size_t>(j) * kLanes);
  }
}

// The rounding x overflow variants of one lane count; kOuts outputs share each x load. kSum:
// kClampSum / kZeroSum get their own instantiations; otherwise they run as kClamp / kZero (the
// same results: their products never leave the range), which halves the int64 kernels' compile
// time (the explicit-ISA DenseMul32Block kernels have their own).
template <typename T, int kLanes, int kOuts, bool kSum>
FPGAAS_INLINE void DenseFastDispatch(const T* x, const T* w, const T* bias, int n_in, int n_out,
                                     const DenseFastParams& p, const DenseEpilogue& e, T* y) {
  AccumOverflow overflow = p.overflow;
  if (!kSum && overflow == AccumOverflow::kClampSum) overflow = AccumOverflow::kClamp;
  if (!kSum && overflow == AccumOverflow::kZeroSum) overflow = AccumOverflow::kZero;
#define FPGAAS_FAST_CASE(R, O)                                                                   \
  if constexpr (kSum || (AccumOverflow::O != AccumOverflow::kClampSum &&                          \
                         AccumOverflow::O != AccumOverflow::kZeroSum)) {                          \
    if (p.rounding == ProductRounding::R && overflow == AccumOverflow::O) {                      \
      return DenseFastImpl<T, kLanes, kOuts, ProductRounding::R, AccumOverflow::O>(              \
          x, w, bias, n_in, n_out, p, e, y);                                                     \
    }                                                                                            \
  }
  FPGAAS_FAST_CASE(kLeft, kWrap)
  FPGAAS_FAST_CASE(kLeft, kClamp)
  FPGAAS_FAST_CASE(kLeft, kZero)
  FPGAAS_FAST_CASE(kLeft, kClampSum)
  FPGAAS_FAST_CASE(kLeft, kZeroSum)
  FPGAAS_FAST_CASE(kTrn, kWrap)
  FPGAAS_FAST_CASE(kTrn, kClamp)
  FPGAAS_FAST_CASE(kTrn, kZero)
  FPGAAS_FAST_CASE(kTrn, kClampSum)
  FPGAAS_FAST_CASE(kTrn, kZeroSum)
  FPGAAS_FAST_CASE(kConst, kWrap)
  FPGAAS_FAST_CASE(kConst, kClamp)
  FPGAAS_FAST_CASE(kConst, kZero)
  FPGAAS_FAST_CASE(kConst, kClampSum)
  FPGAAS_FAST_CASE(kConst, kZeroSum)
  FPGAAS_FAST_CASE(kSign, kWrap)
  FPGAAS_FAST_CASE(kSign, kClamp)
  FPGAAS_FAST_CASE(kSign, kZero)
  FPGAAS_FAST_CASE(kSign, kClampSum)
  FPGAAS_FAST_CASE(kSign, kZeroSum)
  FPGAAS_FAST_CASE(kConv, kWrap)
  FPGAAS_FAST_CASE(kConv, kClamp)
  FPGAAS_FAST_CASE(kConv, kZero)
  FPGAAS_FAST_CASE(kConv, kClampSum)
  FPGAAS_FAST_CASE(kConv, kZeroSum)
#undef FPGAAS_FAST_CASE
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INLINE_H_
