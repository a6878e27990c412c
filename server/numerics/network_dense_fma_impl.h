// Private to network_dense_fma_avx2.cc / network_dense_fma_avx512.cc: dense products through the
// FPU (and, at the end, F64Layer: unrounded products summed in doubles), DenseFastBlock32's and
// DenseMul32Block's layers whose products round AP_RND_CONV, AP_TRN, AP_RND or sign-dependently
// (PlanFmaProducts), written once over a small vector-ops class V (one per instruction set) and
// compiled in each file with its -m flags. Internal linkage throughout (see
// network_kernels_inline.h); the includer defines FPGAAS_KERNEL_CLONES.
//
// Why it is exact. FastMac's term of p = x * w with s = shift_right > 0 is round(p / 2^s):
// half-to-even under AP_RND_CONV, floor under AP_TRN. fma(float(x), float(w) * 2^-s, 1.5 * 2^23)
// forms p / 2^s + 1.5 * 2^23 exactly and rounds it once, in MXCSR's rounding mode (to nearest
// even, or down: set for the call), onto the floats of [2^23, 2^24], which are the integers there.
// When |p| <= 2^(s + 22) the sum lies in that range, so the result is 1.5 * 2^23 + term, and since
// consecutive integers there have consecutive encodings its bits are kMagicBits + term. float(x),
// float(w) and the scaling by 2^-s are exact for |x|, |w| <= 2^24 (the product itself may have up
// to 48 bits: the FMA does not round it). AP_RND's term floor(p / 2^s + 1/2) comes from
// floor(2 p / 2^s) + 1, rounded down onto 1.5 * 2^23 + 1, halved: exact while |p| <= 2^(s + 21)
// (at the bound 2^24 + 1 rounds down to 2^24, an even term whose last bit the halving drops
// anyway). The sign-dependent roundings (kSign: AP_TRN_ZERO, AP_RND_ZERO, AP_RND_INF) take
// trunc(p / 2^s + copysign(c, p)) with c = round_const / 2^s (0, 1/2 - 2^-s, 1/2): the FMA of x,
// w * 2^-s and that offset rounded toward zero, converted by truncation, exact while
// |p| <= 2^(s + 24) (a float rounded toward zero keeps the real value's integer part up to
// 2^24 + 1/2). The offset's sign is x's times w's: copysign(c, x) per input, its sign bit flipped
// by the weight's. PlanFmaProducts checks the bounds. One FMA and one or two integer operations per
// product on int32 lanes replace the multiply, shift and add (and, under AP_RND_CONV, the
// rounding bit's shift, mask and add), or, for products beyond 32 bits, the 32x32->64 multiply,
// shift and add on int64 lanes.
//
// V provides: f32 / i32 (kLanes float / int32 lanes), kOuts / kVecs (the register block: kOuts
// outputs x kVecs vectors of accumulators), a lane mask type `mask`; set1f, set1i, loadf,
// broadcastf, fma_bits (the FMA's result as int32 bits), mul_trunc / fma_trunc (the product or
// the FMA converted to int32 by truncation), xor_sign(h, w) (h with its sign bit flipped where w's
// is set), add, sub, srli1, min, max, outside(v,
// lo, hi) (lanes < lo or > hi), or_mask, no_mask, none, zero_where(m, v); floats_of(x) (kLanes
// int32 values, or the low halves of kLanes int64 lanes, as floats) and store_sums(acc, v).
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_FMA_IMPL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_FMA_IMPL_H_

#include <immintrin.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "server/numerics/network_epilogue_lanes.h"
#include "server/numerics/network_kernels_inline.h"
#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics::internal {
namespace {

constexpr float kFmaMagic = 12582912.0f;  // 1.5 * 2^23
constexpr uint32_t kFmaMagicBits = 0x4B400000u;

// How a product's term comes out of the FPU (see above).
enum class FmaTerm {
  kMagic,       // AP_RND_CONV, AP_TRN: bits - kFmaMagicBits
  kHalf,        // AP_RND: (bits >> 1) - kFmaMagicBits / 2
  kTrunc,       // AP_TRN_ZERO: trunc(x * w)
  kTruncOffset  // AP_RND_ZERO, AP_RND_INF: trunc(x * w + copysign(c, x * w))
};

// What each term added by kWrap / kPlain sums carries beyond its value.
constexpr uint32_t TermTaken(FmaTerm k) {
  return k == FmaTerm::kMagic ? kFmaMagicBits : k == FmaTerm::kHalf ? kFmaMagicBits / 2 : 0;
}

// Inputs [i0, i1) of kOuts outputs over V::kVecs vectors (x at the chunk's first lane): the
// terms' float encodings added mod 2^32 (kWrap, kPlain), or each term taken out of its encoding
// and added under kO's overflow step (FastMac's). kTruncOffset: h holds copysign(c, x) laid out
// as x.
template <typename V, AccumOverflow kO, FmaTerm kT, int kOuts, bool kPlain>
FPGAAS_INLINE void FmaMacRange(typename V::i32 (&a)[kOuts][V::kVecs], const float* x,
                               const float* h, int lanes, const float* wf, int n_in, int i0, int i1,
                               typename V::i32 lo, typename V::i32 hi) {
  constexpr int kVecs = V::kVecs;
  constexpr bool kHalf = kT == FmaTerm::kHalf;
  const typename V::f32 magic = V::set1f(kHalf ? kFmaMagic + 1.0f : kFmaMagic);
  const typename V::i32 magic_bits = V::set1i(static_cast<int32_t>(kFmaMagicBits));
  const typename V::i32 half_magic_bits = V::set1i(static_cast<int32_t>(kFmaMagicBits / 2));
  for (int i = i0; i < i1; ++i) {
    const size_t at = static_cast<size_t>(i) * lanes;
    typename V::f32 xv[kVecs], hv[kVecs];
    for (int v = 0; v < kVecs; ++v) xv[v] = V::loadf(x + at + V::kLanes * v);
    if constexpr (kT == FmaTerm::kTruncOffset) {
      for (int v = 0; v < kVecs; ++v) hv[v] = V::loadf(h + at + V::kLanes * v);
    }
    for (int o = 0; o < kOuts; ++o) {
      const typename V::f32 w = V::broadcastf(wf + static_cast<size_t>(o) * n_in + i);
      for (int v = 0; v < kVecs; ++v) {
        typename V::i32 t;
        if constexpr (kT == FmaTerm::kTrunc || kT == FmaTerm::kTruncOffset) {
          if constexpr (kT == FmaTerm::kTrunc) {
            t = V::mul_trunc(xv[v], w);
          } else {
            t = V::fma_trunc(xv[v], w, V::xor_sign(hv[v], w));
          }
          if constexpr (kO == AccumOverflow::kWrap || kPlain) {
            a[o][v] = V::add(a[o][v], t);
            continue;
          }
        } else if constexpr (kHalf) {
          const typename V::i32 bits = V::fma_bits(xv[v], w, magic);
          // bits = kFmaMagicBits + 1 + floor(2 p / 2^s) (the magic plus one): the term
          // floor(p / 2^s + 1/2) = (floor(2 p / 2^s) + 1) >> 1 is (bits >> 1) - kFmaMagicBits / 2,
          // kFmaMagicBits being even. kWrap and kPlain add bits >> 1 and take the halves out after.
          const typename V::i32 halved = V::srli1(bits);
          if constexpr (kO == AccumOverflow::kWrap || kPlain) {
            a[o][v] = V::add(a[o][v], halved);
            continue;
          }
          t = V::sub(halved, half_magic_bits);
        } else {
          const typename V::i32 bits = V::fma_bits(xv[v], w, magic);
          if constexpr (kO == AccumOverflow::kWrap || kPlain) {
            a[o][v] = V::add(a[o][v], bits);
            continue;
          }
          t = V::sub(bits, magic_bits);
        }
        if constexpr (kO == AccumOverflow::kClamp) {
          t = V::min(V::max(t, lo), hi);
        } else if constexpr (kO == AccumOverflow::kZero) {
          t = V::zero_where(V::outside(t, lo, hi), t);
        }
        // Within int32: the sum and the term each lie in [lo, hi] (kClampSum / kZeroSum terms by
        // NarrowForWeights), and PlanFmaProducts keeps accum_t within 30 bits.
        const typename V::i32 sum = V::add(a[o][v], t);
        if constexpr (kO == AccumOverflow::kClamp || kO == AccumOverflow::kClampSum) {
          a[o][v] = V::min(V::max(sum, lo), hi);
        } else {
          a[o][v] = V::zero_where(V::outside(sum, lo, hi), sum);
        }
      }
    }
  }
}

// kOuts outputs (wf, bias: the first one's) over every chunk of kVecs * kLanes lanes, sums into
// acc[o * lanes + b]. lim: FmaLimits' bounds per output and chunk of kSatChunk inputs
// (saturating kO), or null. h: FmaMacRange's.
template <typename V, AccumOverflow kO, FmaTerm kT, int kOuts, typename T>
FPGAAS_INLINE void FmaRows(const float* x, const float* h, int lanes, const float* wf,
                           const T* bias, int n_in, const DenseFastParams& p, const int32_t* lim,
                           T* acc) {
  constexpr int kVecs = V::kVecs;
  using I = typename V::i32;
  const I lo = V::set1i(static_cast<int32_t>(p.lo));
  const I hi = V::set1i(static_cast<int32_t>(p.hi));
  constexpr uint32_t kTaken = TermTaken(kT);
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  for (int b0 = 0; b0 < lanes; b0 += V::kLanes * kVecs) {
    I a[kOuts][kVecs];
    for (int o = 0; o < kOuts; ++o) {
      // kWrap: the n_in terms' kTaken taken out of the bias at once (mod 2^32).
      const uint32_t init = kO == AccumOverflow::kWrap ? static_cast<uint32_t>(bias[o]) -
                                                             kTaken * static_cast<uint32_t>(n_in)
                                                       : static_cast<uint32_t>(bias[o]);
      for (int v = 0; v < kVecs; ++v) a[o][v] = V::set1i(static_cast<int32_t>(init));
    }
    const float* xb = x + b0;
    const float* hb = h + b0;
    if (kO == AccumOverflow::kWrap || lim == nullptr) {
      FmaMacRange<V, kO, kT, kOuts, false>(a, xb, hb, lanes, wf, n_in, 0, n_in, lo, hi);
    } else {
      for (int ch = 0, i0 = 0; i0 < n_in; ++ch, i0 += kSatChunk) {
        const int i1 = i0 + kSatChunk < n_in ? i0 + kSatChunk : n_in;
        typename V::mask outside = V::no_mask();
        for (int o = 0; o < kOuts; ++o) {
          const int32_t* l = lim + (static_cast<size_t>(o) * n_chunks + ch) * 2;
          const I lo_u = V::set1i(l[0]), hi_u = V::set1i(l[1]);
          for (int v = 0; v < kVecs; ++v)
            outside = V::or_mask(outside, V::outside(a[o][v], lo_u, hi_u));
        }
        if (V::none(outside)) {
          FmaMacRange<V, kO, kT, kOuts, true>(a, xb, hb, lanes, wf, n_in, i0, i1, lo, hi);
          const I taken = V::set1i(static_cast<int32_t>(kTaken * static_cast<uint32_t>(i1 - i0)));
          for (int o = 0; o < kOuts; ++o) {
            for (int v = 0; v < kVecs; ++v) a[o][v] = V::sub(a[o][v], taken);
          }
        } else {
          FmaMacRange<V, kO, kT, kOuts, false>(a, xb, hb, lanes, wf, n_in, i0, i1, lo, hi);
        }
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      for (int v = 0; v < kVecs; ++v) {
        V::store_sums(acc + static_cast<size_t>(o) * lanes + b0 + V::kLanes * v, a[o][v]);
      }
    }
  }
}

// DeferLimits' bounds as int32 pairs (an empty pair [0, -1] never defers; a pair that can defer
// lies within [lo, hi]). lim64: scratch of as many int64 values.
template <AccumOverflow kO, int kOuts>
FPGAAS_INLINE void FmaLimits(const DenseFastParams& p, const int64_t* abs_w, int n_in,
                             int64_t max_abs_x, int64_t* lim64, int32_t* lim) {
  DeferLimits<kO, kOuts>(p, abs_w, n_in, max_abs_x, lim64);
  const size_t n = static_cast<size_t>(kOuts) * ((n_in + kSatChunk - 1) / kSatChunk) * 2;
  for (size_t k = 0; k < n; k += 2) {
    const bool possible = lim64[k] <= lim64[k + 1];
    lim[k] = static_cast<int32_t>(possible ? lim64[k] : 0);
    lim[k + 1] = static_cast<int32_t>(possible ? lim64[k + 1] : -1);
  }
}

// Out of line, so that no floating-point operation moves across the caller's MXCSR changes.
template <typename V, AccumOverflow kO, FmaTerm kT, typename T>
__attribute__((noinline)) void FmaLayer(const T* x, int lanes, const float* wf, const T* bias,
                                        int n_in, int n_out, const DenseFastParams& p,
                                        const DenseEpilogue& e, T* y) {
  constexpr int kOuts = V::kOuts;
  constexpr int kMaxChunks = 128;  // deferral bounds on the stack: layers up to 2048 inputs
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  const int64_t* abs_w = kO != AccumOverflow::kWrap && p.chunk_abs_w && n_chunks <= kMaxChunks
                             ? p.chunk_abs_w->data()
                             : nullptr;
  const int64_t max_abs_x = abs_w != nullptr ? MaxAbs(x, static_cast<size_t>(n_in) * lanes) : 0;
  int64_t lim64[kOuts * kMaxChunks * 2];
  int32_t lim[kOuts * kMaxChunks * 2];
  alignas(64) T acc[kOuts * kKernelBlock];
  int64_t t[kKernelBlock];
  const size_t row = static_cast<size_t>(n_in);
  // x as floats once for every output (a scratch per thread, grown to the largest layer), and
  // for kTruncOffset the offsets copysign(c, x) after them.
  thread_local std::vector<float> floats;
  const size_t n = row * static_cast<size_t>(lanes);
  const size_t copies = kT == FmaTerm::kTruncOffset ? 2 : 1;
  if (floats.size() < copies * n) floats.resize(copies * n);
  float* xf = floats.data();
  for (size_t k = 0; k < n; k += V::kLanes) V::store_floats(xf + k, V::floats_of(x + k));
  float* h = kT == FmaTerm::kTruncOffset ? xf + n : xf;  // (unread by the other terms)
  if constexpr (kT == FmaTerm::kTruncOffset) {
    // c = round_const / 2^s, exact (PlanFmaProducts); the offsets by the floats' sign bits.
    const uint32_t c =
        std::bit_cast<uint32_t>(std::ldexp(static_cast<float>(p.round_const), -p.shift_right));
    for (size_t k = 0; k < n; ++k) {
      h[k] = std::bit_cast<float>(c | (std::bit_cast<uint32_t>(xf[k]) & 0x80000000u));
    }
  }
  // Output j's row of sums (at a) to y in one pass: int32 rows without a batch norm in int32
  // lanes, int64 rows in int64 lanes (EpilogueRow).
  const VEpilogue vector_epilogue = LoadEpilogue(p, e);
  auto epilogue = [&](int j, const T* a) {
    T* yj = y + static_cast<size_t>(j) * lanes;
    if constexpr (std::is_same_v<T, int32_t>) {
      if (e.bn_scale == nullptr) return OnePassEpilogue32(p, e, a, lanes, yj);
      FastEpilogue<T, kO>(p, e, j, a, t, lanes, yj);
    } else {
      EpilogueRow<kO>(vector_epilogue, p, e, j, a, t, lanes, yj);
    }
  };
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    if (abs_w != nullptr)
      FmaLimits<kO, kOuts>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim64, lim);
    FmaRows<V, kO, kT, kOuts>(xf, h, lanes, wf + j * row, bias + j, n_in, p, abs_w ? lim : nullptr,
                              acc);
    for (int o = 0; o < kOuts; ++o) epilogue(j + o, acc + static_cast<size_t>(o) * lanes);
  }
  for (; j < n_out; ++j) {
    if (abs_w != nullptr) FmaLimits<kO, 1>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim64, lim);
    FmaRows<V, kO, kT, 1>(xf, h, lanes, wf + j * row, bias + j, n_in, p, abs_w ? lim : nullptr,
                          acc);
    epilogue(j, acc);
  }
}

template <typename V, FmaTerm kT, typename T>
void FmaLayerFor(const T* x, int lanes, const float* w_scaled, const T* bias, int n_in, int n_out,
                 const DenseFastParams& p, const DenseEpilogue& e, T* y) {
  switch (p.overflow) {
    case AccumOverflow::kWrap:
      return FmaLayer<V, AccumOverflow::kWrap, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kClamp:
      return FmaLayer<V, AccumOverflow::kClamp, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kZero:
      return FmaLayer<V, AccumOverflow::kZero, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kClampSum:
      return FmaLayer<V, AccumOverflow::kClampSum, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e,
                                                       y);
    case AccumOverflow::kZeroSum:
      return FmaLayer<V, AccumOverflow::kZeroSum, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e,
                                                      y);
  }
}

// The layer with MXCSR rounding as PlanFmaProducts chose (to nearest even for AP_RND_CONV, down
// for AP_TRN and for AP_RND's doubled quotients, toward zero for kSign), restored after. False
// (nothing computed) for lanes that are not a multiple of V's block.
template <typename V, typename T>
bool FmaBlock(const T* x, int lanes, const float* w_scaled, const T* bias, int n_in, int n_out,
              const DenseFastParams& p, const DenseEpilogue& e, T* y) {
  if (lanes % (V::kLanes * V::kVecs) != 0 || lanes > kKernelBlock) return false;
  constexpr unsigned kRoundingBits = 0x6000u, kRoundDown = 0x2000u, kRoundToZero = 0x6000u;
  auto run = [&]<FmaTerm kT>() {
    FmaLayerFor<V, kT>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
  };
  const unsigned saved = _mm_getcsr();
  switch (p.rounding) {
    case ProductRounding::kConv:
      _mm_setcsr(saved & ~kRoundingBits);
      run.template operator()<FmaTerm::kMagic>();
      break;
    case ProductRounding::kTrn:
      _mm_setcsr((saved & ~kRoundingBits) | kRoundDown);
      run.template operator()<FmaTerm::kMagic>();
      break;
    case ProductRounding::kConst:
      _mm_setcsr((saved & ~kRoundingBits) | kRoundDown);
      run.template operator()<FmaTerm::kHalf>();
      break;
    case ProductRounding::kSign:
      _mm_setcsr((saved & ~kRoundingBits) | kRoundToZero);
      if (p.round_const == 0) {
        run.template operator()<FmaTerm::kTrunc>();
      } else {
        run.template operator()<FmaTerm::kTruncOffset>();
      }
      break;
    default:
      return false;
  }
  _mm_setcsr(saved);
  return true;
}

// Sums in doubles (PlanFmaProducts' f64_weights): no product is rounded and every partial sum is
// an integer within 2^51, so FMAs on doubles are exact and the sum's bits after adding
// 1.5 * 2^52 are its encoding plus that constant's (V::store_int64). One FMA per product on
// kLanes64 double lanes replaces the 32x32->64 multiply and the add on as many int64 lanes.
// V provides: f64 (kLanes64 double lanes), kOuts64 / kVecs64 (the register block), set1d, loadd,
// broadcastd, fmad(x, w, a), doubles_of(x) (kLanes64 int64 lanes holding int32 values, as
// doubles), store_doubles and store_int64.
template <typename V, int kOuts>
FPGAAS_INLINE void F64Rows(const double* x, int lanes, const double* wd, const int64_t* bias,
                           int n_in, int64_t* acc) {
  constexpr int kVecs = V::kVecs64;
  for (int b0 = 0; b0 < lanes; b0 += V::kLanes64 * kVecs) {
    typename V::f64 a[kOuts][kVecs];
    for (int o = 0; o < kOuts; ++o) {
      for (int v = 0; v < kVecs; ++v) a[o][v] = V::set1d(static_cast<double>(bias[o]));
    }
    for (int i = 0; i < n_in; ++i) {
      const double* xi = x + static_cast<size_t>(i) * lanes + b0;
      typename V::f64 xv[kVecs];
      for (int v = 0; v < kVecs; ++v) xv[v] = V::loadd(xi + V::kLanes64 * v);
      for (int o = 0; o < kOuts; ++o) {
        const typename V::f64 w = V::broadcastd(wd + static_cast<size_t>(o) * n_in + i);
        for (int v = 0; v < kVecs; ++v) a[o][v] = V::fmad(xv[v], w, a[o][v]);
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      for (int v = 0; v < kVecs; ++v) {
        V::store_int64(acc + static_cast<size_t>(o) * lanes + b0 + V::kLanes64 * v, a[o][v]);
      }
    }
  }
}

// The layer (AP_WRAP: each row's sums wrapped to accum_t by the epilogue). False (nothing
// computed) for lanes that are not a multiple of V's block.
template <typename V>
__attribute__((noinline)) bool F64Layer(const int64_t* x, int lanes, const double* wd,
                                        const int64_t* bias, int n_in, int n_out,
                                        const DenseFastParams& p, const DenseEpilogue& e,
                                        int64_t* y) {
  if (lanes % (V::kLanes64 * V::kVecs64) != 0 || lanes > kKernelBlock ||
      p.overflow != AccumOverflow::kWrap) {
    return false;
  }
  constexpr int kOuts = V::kOuts64;
  // Blocks of kLanes lanes, each converted once for every output: its doubles stay in cache.
  constexpr int kLanes = 128;
  alignas(64) int64_t acc[kOuts * kLanes];
  int64_t t[kLanes];
  thread_local std::vector<double> doubles;  // a scratch per thread, grown to the largest layer
  const size_t row = static_cast<size_t>(n_in);
  if (doubles.size() < row * kLanes) doubles.resize(row * kLanes);
  double* xd = doubles.data();
  const VEpilogue vector_epilogue = LoadEpilogue(p, e);
  for (int b0 = 0; b0 < lanes; b0 += kLanes) {
    const int m = lanes - b0 < kLanes ? lanes - b0 : kLanes;
    for (size_t i = 0; i < row; ++i) {
      for (int b = 0; b < m; b += V::kLanes64) {
        V::store_doubles(xd + i * m + b, V::doubles_of(x + i * lanes + b0 + b));
      }
    }
    auto epilogue = [&](int j, const int64_t* a) {
      EpilogueRow<AccumOverflow::kWrap>(vector_epilogue, p, e, j, a, t, m,
                                        y + static_cast<size_t>(j) * lanes + b0);
    };
    int j = 0;
    for (; j + kOuts <= n_out; j += kOuts) {
      F64Rows<V, kOuts>(xd, m, wd + j * row, bias + j, n_in, acc);
      for (int o = 0; o < kOuts; ++o) epilogue(j + o, acc + static_cast<size_t>(o) * m);
    }
    for (; j < n_out; ++j) {
      F64Rows<V, 1>(xd, m, wd + j * row, bias + j, n_in, acc);
      epilogue(j, acc);
    }
  }
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_FMA_IMPL_H_
