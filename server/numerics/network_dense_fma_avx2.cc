// Dense products through the FPU (AVX2 + FMA): DenseFastBlock32's and DenseMul32Block's layers
// whose products round AP_RND_CONV or AP_TRN (PlanFmaProducts). Built with -mavx2 -mfma
// (CMakeLists.txt); without them (the portable test build) only the stubs remain. Uses no inline
// function with external linkage beyond the intrinsics, so no AVX2 code can be merged into other
// files.
//
// Why it is exact. FastMac's term of p = x * w with s = shift_right > 0 is round(p / 2^s):
// half-to-even under AP_RND_CONV, floor under AP_TRN. fma(float(x), float(w) * 2^-s, 1.5 * 2^23)
// forms p / 2^s + 1.5 * 2^23 exactly and rounds it once, in MXCSR's rounding mode (to nearest
// even, or down: set for the call), onto the floats of [2^23, 2^24], which are the integers there.
// When |p| <= 2^(s + 22) the sum lies in that range, so the result is 1.5 * 2^23 + term, and since
// consecutive integers there have consecutive encodings its bits are kMagicBits + term. float(x),
// float(w) and the scaling by 2^-s are exact for |x|, |w| <= 2^24 (the product itself may have up
// to 48 bits: the FMA does not round it). PlanFmaProducts checks the bounds. One FMA and one
// integer add per product on 8 int32 lanes replace the multiply, shift and add (and, under
// AP_RND_CONV, the rounding bit's shift, mask and add), or, for products beyond 32 bits, the
// 32x32->64 multiply, shift and add on 4 int64 lanes.
#include "server/numerics/network_kernels_internal.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <type_traits>
#include <vector>

#define FPGAAS_KERNEL_CLONES  // this file is built for one instruction set
#include "server/numerics/network_epilogue_lanes.h"
#include "server/numerics/network_kernels_inline.h"

namespace fpgaas::numerics::internal {
namespace {

constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
constexpr uint32_t kMagicBits = 0x4B400000u;

// 8 lanes of x as floats (int64 lanes hold int32 values here: their low halves, packed).
FPGAAS_INLINE __m256 LoadFloats(const int32_t* x) {
  return _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
}
FPGAAS_INLINE __m256 LoadFloats(const int64_t* x) {
  const __m256 a = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
  const __m256 b = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 4)));
  // [a0 a1 b0 b1 | a2 a3 b2 b3] (low halves), then the 64-bit pairs in order.
  const __m256i mixed = _mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
  return _mm256_cvtepi32_ps(_mm256_permute4x64_epi64(mixed, _MM_SHUFFLE(3, 1, 2, 0)));
}
FPGAAS_INLINE void StoreSums(int32_t* acc, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc), v);
}
FPGAAS_INLINE void StoreSums(int64_t* acc, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc),
                      _mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + 4),
                      _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1)));
}

// Inputs [i0, i1) of kOuts outputs over kVecs vectors of 8 lanes (x at the chunk's first lane):
// the terms' float encodings added mod 2^32 (kWrap, kPlain), or each term taken out of its
// encoding and added under kO's overflow step (FastMac's).
template <AccumOverflow kO, bool kHalf, int kOuts, int kVecs, bool kPlain>
FPGAAS_INLINE void FmaMacRange(__m256i (&a)[kOuts][kVecs], const float* x, int lanes,
                               const float* wf, int n_in, int i0, int i1, __m256i lo, __m256i hi) {
  const __m256 magic = _mm256_set1_ps(kMagic);
  const __m256i magic_bits = _mm256_set1_epi32(static_cast<int32_t>(kMagicBits));
  const __m256i magic_bits_less_one = _mm256_set1_epi32(static_cast<int32_t>(kMagicBits - 1));
  for (int i = i0; i < i1; ++i) {
    const float* xi = x + static_cast<size_t>(i) * lanes;
    __m256 xv[kVecs];
    for (int v = 0; v < kVecs; ++v) xv[v] = _mm256_loadu_ps(xi + 8 * v);
    for (int o = 0; o < kOuts; ++o) {
      const __m256 w = _mm256_broadcast_ss(wf + static_cast<size_t>(o) * n_in + i);
      for (int v = 0; v < kVecs; ++v) {
        const __m256i bits = _mm256_castps_si256(_mm256_fmadd_ps(xv[v], w, magic));
        __m256i t;
        if constexpr (kHalf) {
          // bits = kMagicBits + floor(2 p / 2^s): the term floor(p / 2^s + 1/2) is
          // (floor(2 p / 2^s) + 1) >> 1.
          t = _mm256_srai_epi32(_mm256_sub_epi32(bits, magic_bits_less_one), 1);
          if constexpr (kO == AccumOverflow::kWrap || kPlain) {
            a[o][v] = _mm256_add_epi32(a[o][v], t);
            continue;
          }
        } else {
          if constexpr (kO == AccumOverflow::kWrap || kPlain) {
            a[o][v] = _mm256_add_epi32(a[o][v], bits);
            continue;
          }
          t = _mm256_sub_epi32(bits, magic_bits);
        }
        if constexpr (kO == AccumOverflow::kClamp) {
          t = _mm256_min_epi32(_mm256_max_epi32(t, lo), hi);
        } else if constexpr (kO == AccumOverflow::kZero) {
          const __m256i out = _mm256_or_si256(_mm256_cmpgt_epi32(lo, t), _mm256_cmpgt_epi32(t, hi));
          t = _mm256_andnot_si256(out, t);
        }
        // Within int32: the sum and the term each lie in [lo, hi] (kClampSum / kZeroSum terms by
        // NarrowForWeights), and PlanFmaProducts keeps accum_t within 30 bits.
        const __m256i sum = _mm256_add_epi32(a[o][v], t);
        if constexpr (kO == AccumOverflow::kClamp || kO == AccumOverflow::kClampSum) {
          a[o][v] = _mm256_min_epi32(_mm256_max_epi32(sum, lo), hi);
        } else {
          const __m256i out =
              _mm256_or_si256(_mm256_cmpgt_epi32(lo, sum), _mm256_cmpgt_epi32(sum, hi));
          a[o][v] = _mm256_andnot_si256(out, sum);
        }
      }
    }
  }
}

// kOuts outputs (wf, bias: the first one's) over every chunk of kVecs * 8 lanes, sums into
// acc[o * lanes + b]. lim: FmaLimits' bounds per output and chunk of kSatChunk inputs
// (saturating kO), or null.
template <AccumOverflow kO, bool kHalf, int kOuts, int kVecs, typename T>
FPGAAS_INLINE void FmaRows(const float* x, int lanes, const float* wf, const T* bias, int n_in,
                           const DenseFastParams& p, const int32_t* lim, T* acc) {
  const __m256i lo = _mm256_set1_epi32(static_cast<int32_t>(p.lo));
  const __m256i hi = _mm256_set1_epi32(static_cast<int32_t>(p.hi));
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  for (int b0 = 0; b0 < lanes; b0 += 8 * kVecs) {
    __m256i a[kOuts][kVecs];
    for (int o = 0; o < kOuts; ++o) {
      // kWrap: the n_in encodings' kMagicBits taken out of the bias at once (mod 2^32).
      const uint32_t init =
          kO == AccumOverflow::kWrap && !kHalf
              ? static_cast<uint32_t>(bias[o]) - kMagicBits * static_cast<uint32_t>(n_in)
              : static_cast<uint32_t>(bias[o]);
      for (int v = 0; v < kVecs; ++v) a[o][v] = _mm256_set1_epi32(static_cast<int32_t>(init));
    }
    const float* xb = x + b0;
    if (kO == AccumOverflow::kWrap || lim == nullptr) {
      FmaMacRange<kO, kHalf, kOuts, kVecs, false>(a, xb, lanes, wf, n_in, 0, n_in, lo, hi);
    } else {
      for (int ch = 0, i0 = 0; i0 < n_in; ++ch, i0 += kSatChunk) {
        const int i1 = i0 + kSatChunk < n_in ? i0 + kSatChunk : n_in;
        __m256i outside = _mm256_setzero_si256();
        for (int o = 0; o < kOuts; ++o) {
          const int32_t* l = lim + (static_cast<size_t>(o) * n_chunks + ch) * 2;
          const __m256i lo_u = _mm256_set1_epi32(l[0]), hi_u = _mm256_set1_epi32(l[1]);
          for (int v = 0; v < kVecs; ++v) {
            outside = _mm256_or_si256(outside, _mm256_cmpgt_epi32(lo_u, a[o][v]));
            outside = _mm256_or_si256(outside, _mm256_cmpgt_epi32(a[o][v], hi_u));
          }
        }
        if (_mm256_testz_si256(outside, outside)) {
          FmaMacRange<kO, kHalf, kOuts, kVecs, true>(a, xb, lanes, wf, n_in, i0, i1, lo, hi);
          const __m256i taken = kHalf ? _mm256_setzero_si256()
                                      : _mm256_set1_epi32(static_cast<int32_t>(
                                            kMagicBits * static_cast<uint32_t>(i1 - i0)));
          for (int o = 0; o < kOuts; ++o) {
            for (int v = 0; v < kVecs; ++v) a[o][v] = _mm256_sub_epi32(a[o][v], taken);
          }
        } else {
          FmaMacRange<kO, kHalf, kOuts, kVecs, false>(a, xb, lanes, wf, n_in, i0, i1, lo, hi);
        }
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      for (int v = 0; v < kVecs; ++v) {
        StoreSums(acc + static_cast<size_t>(o) * lanes + b0 + 8 * v, a[o][v]);
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
template <AccumOverflow kO, bool kHalf, typename T>
__attribute__((noinline)) void FmaLayer(const T* x, int lanes, const float* wf, const T* bias,
                                        int n_in, int n_out, const DenseFastParams& p,
                                        const DenseEpilogue& e, T* y) {
  // 4 outputs x 2 registers: 8 accumulators, 2 inputs, a weight and the constants of the 16 ymm
  // registers.
  constexpr int kOuts = 4, kVecs = 2;
  constexpr int kMaxChunks = 128;  // deferral bounds on the stack: layers up to 2048 inputs
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  const int64_t* abs_w = kO != AccumOverflow::kWrap && p.chunk_abs_w && n_chunks <= kMaxChunks
                             ? p.chunk_abs_w->data()
                             : nullptr;
  const int64_t max_abs_x = abs_w != nullptr ? MaxAbs(x, static_cast<size_t>(n_in) * lanes) : 0;
  int64_t lim64[kOuts * kMaxChunks * 2];
  int32_t lim[kOuts * kMaxChunks * 2];
  alignas(32) T acc[kOuts * kKernelBlock];
  int64_t t[kKernelBlock];
  const size_t row = static_cast<size_t>(n_in);
  // x as floats once for every output (a scratch per thread, grown to the largest layer).
  thread_local std::vector<float> floats;
  const size_t n = row * static_cast<size_t>(lanes);
  if (floats.size() < n) floats.resize(n);
  float* xf = floats.data();
  for (size_t k = 0; k < n; k += 8) _mm256_storeu_ps(xf + k, LoadFloats(x + k));
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
    if (abs_w != nullptr) FmaLimits<kO, kOuts>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim64, lim);
    FmaRows<kO, kHalf, kOuts, kVecs>(xf, lanes, wf + j * row, bias + j, n_in, p,
                                     abs_w ? lim : nullptr, acc);
    for (int o = 0; o < kOuts; ++o) epilogue(j + o, acc + static_cast<size_t>(o) * lanes);
  }
  for (; j < n_out; ++j) {
    if (abs_w != nullptr) FmaLimits<kO, 1>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim64, lim);
    FmaRows<kO, kHalf, 1, kVecs>(xf, lanes, wf + j * row, bias + j, n_in, p, abs_w ? lim : nullptr,
                                 acc);
    epilogue(j, acc);
  }
}

template <bool kHalf, typename T>
void FmaLayerFor(const T* x, int lanes, const float* w_scaled, const T* bias, int n_in, int n_out,
                 const DenseFastParams& p, const DenseEpilogue& e, T* y) {
  switch (p.overflow) {
    case AccumOverflow::kWrap:
      return FmaLayer<AccumOverflow::kWrap, kHalf>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kClamp:
      return FmaLayer<AccumOverflow::kClamp, kHalf>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kZero:
      return FmaLayer<AccumOverflow::kZero, kHalf>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
    case AccumOverflow::kClampSum:
      return FmaLayer<AccumOverflow::kClampSum, kHalf>(x, lanes, w_scaled, bias, n_in, n_out, p, e,
                                                       y);
    case AccumOverflow::kZeroSum:
      return FmaLayer<AccumOverflow::kZeroSum, kHalf>(x, lanes, w_scaled, bias, n_in, n_out, p, e,
                                                      y);
  }
}

// The layer with MXCSR rounding as PlanFmaProducts chose (to nearest even for AP_RND_CONV, down
// for AP_TRN and for AP_RND's doubled quotients), restored after.
template <typename T>
bool FmaBlock(const T* x, int lanes, const float* w_scaled, const T* bias, int n_in, int n_out,
              const DenseFastParams& p, const DenseEpilogue& e, T* y) {
  if (lanes % 16 != 0 || lanes > kKernelBlock) return false;
  const bool half = p.rounding == ProductRounding::kConst;
  if (p.rounding != ProductRounding::kConv && p.rounding != ProductRounding::kTrn && !half) {
    return false;
  }
  constexpr unsigned kRoundingBits = 0x6000u, kRoundDown = 0x2000u;
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~kRoundingBits) | (p.rounding == ProductRounding::kConv ? 0u : kRoundDown));
  if (half) {
    FmaLayerFor<true>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
  } else {
    FmaLayerFor<false>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
  }
  _mm_setcsr(saved);
  return true;
}

}  // namespace

bool DenseFmaAvx2Built() { return true; }

bool DenseFmaBlock32Avx2(const int32_t* x, int lanes, const float* w_scaled, const int32_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int32_t* y) {
  return FmaBlock(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseFmaBlock64Avx2(const int64_t* x, int lanes, const float* w_scaled, const int64_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int64_t* y) {
  return FmaBlock(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

}  // namespace fpgaas::numerics::internal

#else  // !(__AVX2__ && __FMA__)

namespace fpgaas::numerics::internal {

bool DenseFmaAvx2Built() { return false; }

bool DenseFmaBlock32Avx2(const int32_t*, int, const float*, const int32_t*, int, int,
                         const DenseFastParams&, const DenseEpilogue&, int32_t*) {
  return false;
}

bool DenseFmaBlock64Avx2(const int64_t*, int, const float*, const int64_t*, int, int,
                         const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
