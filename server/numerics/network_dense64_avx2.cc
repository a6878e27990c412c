// DenseMul32Block on AVX2 (vpmuldq; no 64-bit arithmetic shift or min/max, see
// network_dense_mul32_impl.h). Built with -mavx2 (CMakeLists.txt); without it (the portable test
// build) only the stubs remain. Uses no inline function with external linkage beyond the
// intrinsics, so no AVX2 code can be merged into other files.
#include "server/numerics/network_kernels_internal.h"

#if defined(__AVX2__)
#include <immintrin.h>

#define FPGAAS_KERNEL_CLONES  // this file is built for one instruction set
#include "server/numerics/network_dense_mul32_impl.h"
#include "server/numerics/network_epilogue_lanes.h"

namespace fpgaas::numerics::internal {
namespace {

struct Avx2 {
  using reg = __m256i;
  using cnt = __m128i;
  static constexpr int kWidth = 4;
  static constexpr bool kNativeSra = false;
  static FPGAAS_INLINE reg load(const int64_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static FPGAAS_INLINE void store(int64_t* p, reg v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
  }
  static FPGAAS_INLINE reg set1(int64_t v) { return _mm256_set1_epi64x(v); }
  static FPGAAS_INLINE cnt count(int s) { return _mm_cvtsi32_si128(s); }
  static FPGAAS_INLINE reg mul32(reg a, reg b) { return _mm256_mul_epi32(a, b); }
  static FPGAAS_INLINE reg add(reg a, reg b) { return _mm256_add_epi64(a, b); }
  static FPGAAS_INLINE reg sub(reg a, reg b) { return _mm256_sub_epi64(a, b); }
  static FPGAAS_INLINE reg and_(reg a, reg b) { return _mm256_and_si256(a, b); }
  static FPGAAS_INLINE reg srl(reg a, cnt s) { return _mm256_srl_epi64(a, s); }
  static FPGAAS_INLINE reg sll(reg a, cnt s) { return _mm256_sll_epi64(a, s); }
  // p < 0 ? a : b, by p's sign bit (blendvpd reads only the top bit of each lane).
  static FPGAAS_INLINE reg select_neg(reg p, reg a, reg b) {
    return _mm256_castpd_si256(
        _mm256_blendv_pd(_mm256_castsi256_pd(b), _mm256_castsi256_pd(a), _mm256_castsi256_pd(p)));
  }
  static FPGAAS_INLINE reg clamp(reg q, reg lo, reg hi) {
    q = _mm256_blendv_epi8(q, lo, _mm256_cmpgt_epi64(lo, q));
    return _mm256_blendv_epi8(q, hi, _mm256_cmpgt_epi64(q, hi));
  }
  static FPGAAS_INLINE reg zero_outside(reg q, reg lo, reg hi) {
    const reg out = _mm256_or_si256(_mm256_cmpgt_epi64(lo, q), _mm256_cmpgt_epi64(q, hi));
    return _mm256_andnot_si256(out, q);
  }
  using mask = __m256i;
  static FPGAAS_INLINE mask no_mask() { return _mm256_setzero_si256(); }
  static FPGAAS_INLINE mask outside(reg a, reg lo, reg hi) {
    return _mm256_or_si256(_mm256_cmpgt_epi64(lo, a), _mm256_cmpgt_epi64(a, hi));
  }
  static FPGAAS_INLINE mask or_mask(mask a, mask b) { return _mm256_or_si256(a, b); }
  static FPGAAS_INLINE bool none(mask m) { return _mm256_testz_si256(m, m) != 0; }
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

bool DenseMul32Avx2Built() { return true; }

bool DenseMul32Avx2(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                    int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                    int64_t* y) {
  if (lanes % 8 != 0 || lanes > kKernelBlock) return false;
  // 4 outputs x 2 registers: 8 accumulators of the 16 ymm registers.
  Mul32Dispatch<Avx2, 4, 2>(x, lanes, w_by_out, bias, n_in, n_out, p, e, y);
  return true;
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX2__

namespace fpgaas::numerics::internal {

bool DenseMul32Avx2Built() { return false; }

bool DenseMul32Avx2(const int64_t*, int, const int64_t*, const int64_t*, int, int,
                    const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
