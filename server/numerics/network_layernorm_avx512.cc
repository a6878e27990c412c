// LayerNormRowAvx512 (network_layernorm_kernel.h) on AVX-512F (vpmuldq, vpsraq, vpminsq/vpmaxsq,
// vpgatherqq; nothing beyond AVX-512F). Built with -mavx512f (CMakeLists.txt); without it (the
// portable test build) only the stubs remain.
#include "server/numerics/network_layernorm_kernel.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "server/numerics/network_vector_convert_avx512.h"

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fpgaas::numerics::internal {

bool LayerNormAvx512Available() { return __builtin_cpu_supports("avx512f"); }

bool LayerNormRowAvx512(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                        int64_t* scratch) {
  if (lanes % 16 != 0 || lanes > kKernelBlock) return false;
  const VConvert in_to_accum = Load(p.in_to_accum), sum_to_accum = Load(p.sum_to_accum),
                 product_to_accum = Load(p.product_to_accum), to_result = Load(p.to_result);
  const __m512i k_inv = _mm512_set1_epi64(p.k_inv), table_size = _mm512_set1_epi64(p.table_size);
  const __m512i max_index = _mm512_set1_epi64(p.table_size - 1);
  const __m512i round_mask = _mm512_set1_epi64((int64_t{1} << p.index_shift) - 1);
  const __m128i index_shift = _mm_cvtsi32_si128(p.index_shift);
  const __m128i product_shift = _mm_cvtsi32_si128(p.product_shift);
  const size_t row = static_cast<size_t>(lanes);
  const int dim = p.dim;
  // K vectors of 8 lanes at a time: independent dependency chains through the serial sums, and
  // each conversion step's branch taken once for all K (ApplyN).
  constexpr int K = 2;
  for (size_t q0 = 0; q0 < row; q0 += 8 * K) {
    __m512i s[K], v[K], mean[K], t[K];
    // accum_t(x) and their sum.
    for (int c = 0; c < K; ++c) s[c] = _mm512_setzero_si512();
    for (int i = 0; i < dim; ++i) {
      for (int c = 0; c < K; ++c) v[c] = _mm512_loadu_si512(x + i * row + q0 + 8 * c);
      ApplyN(in_to_accum, v);
      for (int c = 0; c < K; ++c) {
        _mm512_storeu_si512(scratch + 8 * (c * dim + i), v[c]);
        s[c] = _mm512_add_epi64(s[c], v[c]);
      }
      ApplyN(sum_to_accum, s);
    }
    for (int c = 0; c < K; ++c) mean[c] = _mm512_mul_epi32(s[c], k_inv);
    ApplyN(product_to_accum, mean);
    // The differences e and the sum of their squares.
    for (int c = 0; c < K; ++c) s[c] = _mm512_setzero_si512();
    for (int i = 0; i < dim; ++i) {
      for (int c = 0; c < K; ++c) {
        v[c] = _mm512_sub_epi64(_mm512_loadu_si512(scratch + 8 * (c * dim + i)), mean[c]);
      }
      ApplyN(sum_to_accum, v);
      for (int c = 0; c < K; ++c) {
        _mm512_storeu_si512(scratch + 8 * (c * dim + i), v[c]);
        v[c] = _mm512_mul_epi32(v[c], v[c]);
      }
      ApplyN(product_to_accum, v);
      for (int c = 0; c < K; ++c) s[c] = _mm512_add_epi64(s[c], v[c]);
      ApplyN(sum_to_accum, s);
    }
    for (int c = 0; c < K; ++c) s[c] = _mm512_mul_epi32(s[c], k_inv);
    ApplyN(product_to_accum, s);  // var
    for (int c = 0; c < K; ++c) {
      // The table index: var * table_size / 2^shift truncated toward zero, its low 32 bits,
      // clamped.
      const __m512i num = _mm512_mul_epi32(s[c], table_size);
      const __m512i k = _mm512_sra_epi64(
          _mm512_add_epi64(num, _mm512_and_si512(_mm512_srai_epi64(num, 63), round_mask)),
          index_shift);
      const __m512i low32 = _mm512_srai_epi64(_mm512_slli_epi64(k, 32), 32);
      const __m512i index =
          _mm512_min_epi64(_mm512_max_epi64(low32, _mm512_setzero_si512()), max_index);
      t[c] = _mm512_i64gather_epi64(index, p.table, 8);
    }
    // y = res_t(e * t * s + b).
    for (int i = 0; i < dim; ++i) {
      const __m512i scale = _mm512_set1_epi64(p.scales[i]);
      const __m512i bias = _mm512_set1_epi64(p.bias_aligned[i]);
      for (int c = 0; c < K; ++c) {
        const __m512i es = _mm512_mul_epi32(_mm512_loadu_si512(scratch + 8 * (c * dim + i)), scale);
        v[c] =
            _mm512_add_epi64(_mm512_sll_epi64(_mm512_mullox_epi64(es, t[c]), product_shift), bias);
      }
      ApplyN(to_result, v);
      for (int c = 0; c < K; ++c) _mm512_storeu_si512(y + i * row + q0 + 8 * c, v[c]);
    }
  }
  return true;
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool LayerNormAvx512Available() { return false; }

bool LayerNormRowAvx512(const LayerNormKernelPlan&, const int64_t*, int64_t*, int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
