// DenseMul32Block on AVX-512F (vpmuldq, vpsraq, vpminsq/vpmaxsq, mask registers; nothing beyond
// AVX-512F). Built with -mavx512f (CMakeLists.txt); without it (the portable test build) only the
// stubs remain. Uses no inline function with external linkage beyond the intrinsics, so no
// AVX-512 code can be merged into other files.
#include "server/numerics/network_kernels_internal.h"

#if defined(__AVX512F__)
#include <immintrin.h>

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define FPGAAS_KERNEL_CLONES  // this file is built for one instruction set
#include "server/numerics/network_dense_mul32_impl.h"
#include "server/numerics/network_epilogue_lanes.h"

namespace fpgaas::numerics::internal {
namespace {

struct Avx512 {
  using reg = __m512i;
  using cnt = __m128i;
  static constexpr int kWidth = 8;
  static constexpr bool kNativeSra = true;
  static FPGAAS_INLINE reg load(const int64_t* p) { return _mm512_loadu_si512(p); }
  static FPGAAS_INLINE void store(int64_t* p, reg v) { _mm512_storeu_si512(p, v); }
  static FPGAAS_INLINE reg set1(int64_t v) { return _mm512_set1_epi64(v); }
  static FPGAAS_INLINE cnt count(int s) { return _mm_cvtsi32_si128(s); }
  static FPGAAS_INLINE reg mul32(reg a, reg b) { return _mm512_mul_epi32(a, b); }
  static FPGAAS_INLINE reg add(reg a, reg b) { return _mm512_add_epi64(a, b); }
  static FPGAAS_INLINE reg sub(reg a, reg b) { return _mm512_sub_epi64(a, b); }
  static FPGAAS_INLINE reg and_(reg a, reg b) { return _mm512_and_si512(a, b); }
  static FPGAAS_INLINE reg srl(reg a, cnt s) { return _mm512_srl_epi64(a, s); }
  static FPGAAS_INLINE reg sll(reg a, cnt s) { return _mm512_sll_epi64(a, s); }
  static FPGAAS_INLINE reg sra(reg a, cnt s) { return _mm512_sra_epi64(a, s); }
  static FPGAAS_INLINE reg select_neg(reg p, reg a, reg b) {
    return _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(p, _mm512_setzero_si512()), b, a);
  }
  static FPGAAS_INLINE reg clamp(reg q, reg lo, reg hi) {
    return _mm512_min_epi64(_mm512_max_epi64(q, lo), hi);
  }
  static FPGAAS_INLINE reg zero_outside(reg q, reg lo, reg hi) {
    const __mmask8 in = _mm512_mask_cmple_epi64_mask(_mm512_cmpge_epi64_mask(q, lo), q, hi);
    return _mm512_maskz_mov_epi64(in, q);
  }
  using mask = __mmask8;
  static FPGAAS_INLINE mask no_mask() { return 0; }
  static FPGAAS_INLINE mask outside(reg a, reg lo, reg hi) {
    return static_cast<mask>(_mm512_cmplt_epi64_mask(a, lo) | _mm512_cmpgt_epi64_mask(a, hi));
  }
  static FPGAAS_INLINE mask or_mask(mask a, mask b) { return static_cast<mask>(a | b); }
  static FPGAAS_INLINE bool none(mask m) { return m == 0; }

  // The epilogue in one pass over the row (network_epilogue_lanes.h).
  using EpilogueConsts = VEpilogue;
  static FPGAAS_INLINE EpilogueConsts LoadEpilogue(const DenseFastParams& p,
                                                   const DenseEpilogue& e) {
    return internal::LoadEpilogue(p, e);
  }
  template <AccumOverflow kO>
  static FPGAAS_INLINE void Epilogue(const EpilogueConsts& c, const DenseFastParams& p,
                                     const DenseEpilogue& e, int j, const int64_t* acc, int64_t* t,
                                     int n, int64_t* y) {
    EpilogueRow<kO>(c, p, e, j, acc, t, n, y);
  }
};

}  // namespace

bool DenseMul32Avx512Built() { return true; }

bool DenseMul32Avx512(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int64_t* y) {
  if (lanes % 16 != 0 || lanes > kKernelBlock) return false;
  // 4 outputs x 2 registers (16 lanes): 8 accumulators of the 32 zmm registers.
  Mul32Dispatch<Avx512, 4, 2>(x, lanes, w_by_out, bias, n_in, n_out, p, e, y);
  return true;
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool DenseMul32Avx512Built() { return false; }

bool DenseMul32Avx512(const int64_t*, int, const int64_t*, const int64_t*, int, int,
                      const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
