// TableRowsAvx512 (network_table_rows_kernel.h) on AVX-512F (vpmuldq, vpsraq, vpminsq/vpmaxsq,
// vpgatherqq; nothing beyond AVX-512F). Built with -mavx512f (CMakeLists.txt); without it (the
// portable test build) only the stubs remain.
#include "server/numerics/network_table_rows_kernel.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "server/numerics/network_vector_convert_avx512.h"

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fpgaas::numerics::internal {

bool TableRowsAvx512Available() { return __builtin_cpu_supports("avx512f"); }

bool TableRowsAvx512(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y) {
  if (n % 16 != 0) return false;
  const __m512i size = _mm512_set1_epi64(p.table_size);
  const __m512i last = _mm512_set1_epi64(p.table_size - 1);
  const __m512i zero = _mm512_setzero_si512();
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  if (!p.elu) {
    const __m512i half = _mm512_set1_epi64(p.table_size / 2);
    const __m512i round = _mm512_set1_epi64((int64_t{1} << p.shift) - 1);  // toward zero
    for (size_t k = 0; k < n; k += 8) {
      const __m512i num = _mm512_mul_epi32(_mm512_loadu_si512(x + k), size);
      const __m512i q = _mm512_sra_epi64(
          _mm512_add_epi64(num, _mm512_and_si512(_mm512_srai_epi64(num, 63), round)), shift);
      const __m512i low32 = _mm512_srai_epi64(_mm512_slli_epi64(q, 32), 32);
      const __m512i index =
          _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(low32, half), zero), last);
      _mm512_storeu_si512(y + k, _mm512_i64gather_epi64(index, p.out, 8));
    }
    return true;
  }
  const VConvert positive = Load(p.positive);
  const __m512i factor = _mm512_set1_epi64(p.factor);
  constexpr int K = 2;  // each conversion step once for two vectors (ApplyN)
  if (n % (8 * K) != 0) return false;
  for (size_t k = 0; k < n; k += 8 * K) {
    __m512i v[K], xs[K];
    for (int u = 0; u < K; ++u) {
      xs[u] = _mm512_loadu_si512(x + k + 8 * u);
      v[u] = _mm512_mul_epi32(xs[u], factor);
    }
    ApplyN(positive, v);
    for (int u = 0; u < K; ++u) {
      const __mmask8 negative = _mm512_cmplt_epi64_mask(xs[u], zero);
      const __m512i num = _mm512_mul_epi32(_mm512_sub_epi64(zero, xs[u]), size);
      const __m512i index = _mm512_min_epi64(_mm512_sra_epi64(num, shift), last);
      _mm512_storeu_si512(y + k + 8 * u,
                          _mm512_mask_i64gather_epi64(v[u], negative, index, p.out, 8));
    }
  }
  return true;
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool TableRowsAvx512Available() { return false; }

bool TableRowsAvx512(const TableRowsPlan&, const int64_t*, size_t, int64_t*) { return false; }

}  // namespace fpgaas::numerics::internal

#endif
