// CellStepAvx512 (network_recurrent_cell.h) on AVX-512F: vpmuldq for the 32x32->64 products,
// vpsraq, vpminsq/vpmaxsq, vpgatherqq for the activation tables (nothing beyond AVX-512F). Built
// with -mavx512f (CMakeLists.txt); without it (the portable test build) only the stubs remain.
// Uses no inline function with external linkage beyond the intrinsics, so no AVX-512 code can be
// merged into other files.
#include "server/numerics/network_recurrent_cell.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "server/numerics/network_vector_convert_avx512.h"

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define FPGAAS_CELL_INLINE static inline __attribute__((always_inline))

namespace fpgaas::numerics::internal {
namespace {

struct VActivation {
  bool relu;
  VConvert relu_convert;
  const int64_t* table;
  __m512i size, offset, max_index, round_mask;
  __m128i e;
};

FPGAAS_CELL_INLINE VActivation Load(const CellActivation& a) {
  return VActivation{a.relu,
                     Load(a.relu_convert),
                     a.table,
                     _mm512_set1_epi64(a.size),
                     _mm512_set1_epi64(a.offset),
                     _mm512_set1_epi64(a.size - 1),
                     _mm512_set1_epi64((int64_t{1} << a.e) - 1),
                     _mm_cvtsi32_si128(a.e)};
}

// x within int32 (vpmuldq reads the low halves).
FPGAAS_CELL_INLINE __m512i Activate(const VActivation& a, __m512i x) {
  if (a.relu) return Apply(a.relu_convert, _mm512_max_epi64(x, _mm512_setzero_si512()));
  const __m512i num = _mm512_mul_epi32(x, a.size);
  // Truncation toward zero: floor((num + (2^e - 1 if num < 0)) / 2^e).
  const __m512i q = _mm512_sra_epi64(
      _mm512_add_epi64(num, _mm512_and_si512(_mm512_srai_epi64(num, 63), a.round_mask)), a.e);
  const __m512i low32 = _mm512_srai_epi64(_mm512_slli_epi64(q, 32), 32);
  const __m512i index = _mm512_min_epi64(
      _mm512_max_epi64(_mm512_add_epi64(low32, a.offset), _mm512_setzero_si512()), a.max_index);
  return _mm512_i64gather_epi64(index, a.table, 8);
}

// Activate on K vectors at once: the K independent table reads (gathers) issue back to back.
template <int K>
FPGAAS_CELL_INLINE void ActivateN(const VActivation& a, __m512i (&x)[K]) {
  for (int k = 0; k < K; ++k) x[k] = Activate(a, x[k]);
}

// Rows of a, b and h as int64 or int32 lanes (int32: every value fits, CellStepAvx512's contract).
FPGAAS_CELL_INLINE __m512i At(const int64_t* p, size_t k) { return _mm512_loadu_si512(p + k); }
FPGAAS_CELL_INLINE __m512i At(const int32_t* p, size_t k) {
  return _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k)));
}
FPGAAS_CELL_INLINE void Put(int64_t* p, __m512i v) { _mm512_storeu_si512(p, v); }
FPGAAS_CELL_INLINE void Put(int32_t* p, __m512i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi64_epi32(v));
}
FPGAAS_CELL_INLINE __m512i Shl(__m512i v, __m128i s) { return _mm512_sll_epi64(v, s); }

// Gate k for K vectors from lane q: f(A(a_k + b_k)).
template <int K, typename T>
FPGAAS_CELL_INLINE void GateN(const VConvert& sum, const VActivation& f, const T* a, const T* b,
                              size_t at, __m512i (&out)[K]) {
  for (int v = 0; v < K; ++v) out[v] = _mm512_add_epi64(At(a, at + 8 * v), At(b, at + 8 * v));
  ApplyN(sum, out);
  ActivateN(f, out);
}

// The steps below take K vectors (8 * K lanes) of a row at a time, every operation on all K
// before the next: K independent chains to overlap the gathers' latency.
template <int K, typename T>
void LstmStep(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  const VConvert sum = Load(p.sum), to_c = Load(p.to_c), to_h = Load(p.to_h);
  const VActivation recr = Load(p.recr), act = Load(p.act), act_of_state = Load(p.act_of_state);
  const __m128i s_gi = _mm_cvtsi32_si128(p.s_gi), s_cf = _mm_cvtsi32_si128(p.s_cf);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      __m512i i_g[K], f_g[K], g_g[K], o_g[K], v[K];
      GateN(sum, recr, a, b, j * row + q, i_g);
      GateN(sum, recr, a, b, (n + j) * row + q, f_g);
      GateN(sum, act, a, b, (2 * n + j) * row + q, g_g);
      GateN(sum, recr, a, b, (3 * n + j) * row + q, o_g);
      int64_t* cj = c + j * row + q;
      // c = R(g * i + c * f)
      for (int k = 0; k < K; ++k) {
        v[k] =
            _mm512_add_epi64(Shl(_mm512_mul_epi32(g_g[k], i_g[k]), s_gi),
                             Shl(_mm512_mul_epi32(_mm512_loadu_si512(cj + 8 * k), f_g[k]), s_cf));
      }
      ApplyN(to_c, v);
      for (int k = 0; k < K; ++k) _mm512_storeu_si512(cj + 8 * k, v[k]);
      // h = R(o * act(c)), act reading c as R
      ActivateN(act_of_state, v);
      for (int k = 0; k < K; ++k) v[k] = _mm512_mul_epi32(o_g[k], v[k]);
      ApplyN(to_h, v);
      for (int k = 0; k < K; ++k) Put(h + j * row + q + 8 * k, v[k]);
    }
  }
}

template <int K, typename T>
void GruStep(const CellPlan& p, const T* a, const T* b, T* h, int lanes) {
  const VConvert sum = Load(p.sum), to_h = Load(p.to_h), to_rb = Load(p.to_rb);
  const VActivation recr = Load(p.recr), act = Load(p.act);
  const __m128i s_z = _mm_cvtsi32_si128(p.s_z), s_t1 = _mm_cvtsi32_si128(p.s_t1),
                s_t2 = _mm_cvtsi32_si128(p.s_t2);
  const __m512i one = _mm512_set1_epi64(p.one);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  const size_t z0 = static_cast<size_t>(p.z0), r0 = static_cast<size_t>(p.r0);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      __m512i z[K], r[K], v[K];
      GateN(sum, recr, a, b, (z0 + j) * row + q, z);
      GateN(sum, recr, a, b, (r0 + j) * row + q, r);
      // n = act(A(a_n + A(r * b_n)))
      const size_t at_n = (2 * n + j) * row + q;
      for (int k = 0; k < K; ++k) v[k] = _mm512_mul_epi32(r[k], At(b, at_n + 8 * k));
      ApplyN(to_rb, v);
      for (int k = 0; k < K; ++k) v[k] = _mm512_add_epi64(v[k], At(a, at_n + 8 * k));
      ApplyN(sum, v);
      ActivateN(act, v);
      // h = R(n * (1 - z) + h * z)
      T* hj = h + j * row + q;
      for (int k = 0; k < K; ++k) {
        const __m512i one_minus_z = _mm512_sub_epi64(one, Shl(z[k], s_z));
        v[k] = _mm512_add_epi64(Shl(_mm512_mul_epi32(v[k], one_minus_z), s_t1),
                                Shl(_mm512_mul_epi32(At(hj, 8 * k), z[k]), s_t2));
      }
      ApplyN(to_h, v);
      for (int k = 0; k < K; ++k) Put(hj + 8 * k, v[k]);
    }
  }
}

template <int K, typename T>
void CellStepN(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if (p.lstm) {
    LstmStep<K>(p, a, b, h, c, lanes);
  } else {
    GruStep<K>(p, a, b, h, lanes);
  }
}

template <typename T>
bool CellStep(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if (lanes % 8 != 0 || lanes > kKernelBlock) return false;
  if (lanes % 32 == 0) {
    CellStepN<4>(p, a, b, h, c, lanes);
  } else if (lanes % 16 == 0) {
    CellStepN<2>(p, a, b, h, c, lanes);
  } else {
    CellStepN<1>(p, a, b, h, c, lanes);
  }
  return true;
}

}  // namespace

bool CellStepAvx512Available() { return __builtin_cpu_supports("avx512f"); }

bool CellStepAvx512(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
                    int lanes) {
  return CellStep(p, a, b, h, c, lanes);
}
bool CellStepAvx512(const CellPlan& p, const int32_t* a, const int32_t* b, int32_t* h, int64_t* c,
                    int lanes) {
  return CellStep(p, a, b, h, c, lanes);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool CellStepAvx512Available() { return false; }

bool CellStepAvx512(const CellPlan&, const int64_t*, const int64_t*, int64_t*, int64_t*, int) {
  return false;
}
bool CellStepAvx512(const CellPlan&, const int32_t*, const int32_t*, int32_t*, int64_t*, int) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
