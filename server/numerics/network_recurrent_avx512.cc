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

FPGAAS_CELL_INLINE __m512i At(const int64_t* p, size_t k) { return _mm512_loadu_si512(p + k); }
FPGAAS_CELL_INLINE __m512i Shl(__m512i v, __m128i s) { return _mm512_sll_epi64(v, s); }

void LstmStep(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
              int lanes) {
  const VConvert sum = Load(p.sum), to_c = Load(p.to_c), to_h = Load(p.to_h);
  const VActivation recr = Load(p.recr), act = Load(p.act), act_of_state = Load(p.act_of_state);
  const __m128i s_gi = _mm_cvtsi32_si128(p.s_gi), s_cf = _mm_cvtsi32_si128(p.s_cf);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  auto gate = [&](const VActivation& f, size_t k, size_t q) {
    return Activate(f, Apply(sum, _mm512_add_epi64(At(a, k * row + q), At(b, k * row + q))));
  };
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8) {
      const __m512i i_g = gate(recr, j, q);
      const __m512i f_g = gate(recr, n + j, q);
      const __m512i g_g = gate(act, 2 * n + j, q);
      const __m512i o_g = gate(recr, 3 * n + j, q);
      int64_t* cj = c + j * row + q;
      // c = R(g * i + c * f)
      const __m512i wide =
          _mm512_add_epi64(Shl(_mm512_mul_epi32(g_g, i_g), s_gi),
                           Shl(_mm512_mul_epi32(_mm512_loadu_si512(cj), f_g), s_cf));
      const __m512i c_new = Apply(to_c, wide);
      _mm512_storeu_si512(cj, c_new);
      // h = R(o * act(c)), act reading c as R
      const __m512i ac = Activate(act_of_state, c_new);
      _mm512_storeu_si512(h + j * row + q, Apply(to_h, _mm512_mul_epi32(o_g, ac)));
    }
  }
}

void GruStep(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int lanes) {
  const VConvert sum = Load(p.sum), to_h = Load(p.to_h), to_rb = Load(p.to_rb);
  const VActivation recr = Load(p.recr), act = Load(p.act);
  const __m128i s_z = _mm_cvtsi32_si128(p.s_z), s_t1 = _mm_cvtsi32_si128(p.s_t1),
                s_t2 = _mm_cvtsi32_si128(p.s_t2);
  const __m512i one = _mm512_set1_epi64(p.one);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  const size_t z0 = static_cast<size_t>(p.z0), r0 = static_cast<size_t>(p.r0);
  auto gate = [&](const VActivation& f, size_t k, size_t q) {
    return Activate(f, Apply(sum, _mm512_add_epi64(At(a, k * row + q), At(b, k * row + q))));
  };
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8) {
      const __m512i z = gate(recr, z0 + j, q);
      const __m512i r = gate(recr, r0 + j, q);
      // n = act(A(a_n + A(r * b_n)))
      const __m512i rb = Apply(to_rb, _mm512_mul_epi32(r, At(b, (2 * n + j) * row + q)));
      const __m512i nn =
          Activate(act, Apply(sum, _mm512_add_epi64(rb, At(a, (2 * n + j) * row + q))));
      // h = R(n * (1 - z) + h * z)
      int64_t* hj = h + j * row + q;
      const __m512i one_minus_z = _mm512_sub_epi64(one, Shl(z, s_z));
      const __m512i wide = _mm512_add_epi64(Shl(_mm512_mul_epi32(nn, one_minus_z), s_t1),
                                            Shl(_mm512_mul_epi32(_mm512_loadu_si512(hj), z), s_t2));
      _mm512_storeu_si512(hj, Apply(to_h, wide));
    }
  }
}

}  // namespace

bool CellStepAvx512Available() { return __builtin_cpu_supports("avx512f"); }

bool CellStepAvx512(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
                    int lanes) {
  if (lanes % 8 != 0 || lanes > kKernelBlock) return false;
  if (p.lstm) {
    LstmStep(p, a, b, h, c, lanes);
  } else {
    GruStep(p, a, b, h, lanes);
  }
  return true;
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool CellStepAvx512Available() { return false; }

bool CellStepAvx512(const CellPlan&, const int64_t*, const int64_t*, int64_t*, int64_t*, int) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
