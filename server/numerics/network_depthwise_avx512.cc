// DepthwisePixelAvx512 (network_depthwise_kernel.h) on AVX-512F (vpmuldq, vpsraq,
// vpminsq/vpmaxsq; nothing beyond AVX-512F). Built with -mavx512f (CMakeLists.txt); without it
// (the portable test build) only the stubs remain.
#include "server/numerics/network_depthwise_kernel.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "server/numerics/network_vector_convert_avx512.h"

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fpgaas::numerics::internal {

bool DepthwiseAvx512Available() { return __builtin_cpu_supports("avx512f"); }

namespace {

// K vectors of 8 lanes (8 * K == lanes): the K accumulators of a channel stay in registers.
template <int K>
void DepthwisePixel(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                    int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                    int64_t* y) {
  const VConvert product = Load(p.product_to_accum), sum = Load(p.sum_to_accum),
                 to_result = Load(p.to_result);
  constexpr size_t kRow = 8 * K;
  for (int ch = 0; ch < n_chan; ++ch) {
    const size_t at = static_cast<size_t>(ch) * kRow;
    __m512i acc[K], term[K];
    for (int k = 0; k < K; ++k) acc[k] = _mm512_set1_epi64(bias[ch]);
    for (int t = 0; t < n_taps; ++t) {
      const __m512i w = _mm512_set1_epi64(weights[w0[t] + static_cast<size_t>(ch)]);
      for (int k = 0; k < K; ++k) {
        term[k] = _mm512_mul_epi32(_mm512_loadu_si512(px[t] + at + 8 * k), w);
      }
      ApplyN(product, term);
      for (int k = 0; k < K; ++k) acc[k] = _mm512_add_epi64(acc[k], term[k]);
      ApplyN(sum, acc);
    }
    ApplyN(to_result, acc);
    for (int k = 0; k < K; ++k) _mm512_storeu_si512(y + at + 8 * k, acc[k]);
  }
}

}  // namespace

bool DepthwisePixelAvx512(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                          int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                          int lanes, int64_t* y) {
  switch (lanes) {
    case kKernelBlock:
      DepthwisePixel<kKernelBlock / 8>(p, px, w0, n_taps, weights, bias, n_chan, y);
      return true;
    case kSmallBlock:
      DepthwisePixel<kSmallBlock / 8>(p, px, w0, n_taps, weights, bias, n_chan, y);
      return true;
    default:
      return false;
  }
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool DepthwiseAvx512Available() { return false; }

bool DepthwisePixelAvx512(const DepthwiseKernelPlan&, const int64_t* const*, const size_t*, int,
                          const int64_t*, const int64_t*, int, int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
