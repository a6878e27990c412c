// Dense products through the FPU on AVX-512F (network_dense_fma_impl.h: what and why; nothing
// beyond AVX-512F). Built with -mavx512f (CMakeLists.txt); without it (the portable test build)
// only the stubs remain. Uses no inline function with external linkage beyond the intrinsics, so
// no AVX-512 code can be merged into other files.
#include "server/numerics/network_kernels_internal.h"

#if defined(__AVX512F__)
#include <immintrin.h>

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define FPGAAS_KERNEL_CLONES  // this file is built for one instruction set
#include "server/numerics/network_dense_fma_impl.h"

namespace fpgaas::numerics::internal {
namespace {

struct Avx512Fma {
  using f32 = __m512;
  using i32 = __m512i;
  using mask = __mmask16;  // set in the lanes that are outside
  static constexpr int kLanes = 16;
  // 8 outputs x 1 register (blocks of 16 lanes: every block size): 8 accumulators, 8 FMA results
  // in flight and the constants, of the 32 zmm registers.
  static constexpr int kOuts = 8, kVecs = 1;
  static FPGAAS_INLINE f32 set1f(float v) { return _mm512_set1_ps(v); }
  static FPGAAS_INLINE i32 set1i(int32_t v) { return _mm512_set1_epi32(v); }
  static FPGAAS_INLINE f32 loadf(const float* p) { return _mm512_loadu_ps(p); }
  static FPGAAS_INLINE f32 broadcastf(const float* p) { return _mm512_set1_ps(*p); }
  static FPGAAS_INLINE i32 fma_bits(f32 x, f32 w, f32 c) {
    return _mm512_castps_si512(_mm512_fmadd_ps(x, w, c));
  }
  static FPGAAS_INLINE i32 mul_trunc(f32 x, f32 w) {
    return _mm512_cvttps_epi32(_mm512_mul_ps(x, w));
  }
  static FPGAAS_INLINE i32 fma_trunc(f32 x, f32 w, f32 c) {
    return _mm512_cvttps_epi32(_mm512_fmadd_ps(x, w, c));
  }
  static FPGAAS_INLINE f32 xor_sign(f32 h, f32 w) {  // h ^ (w & sign bit), one vpternlogd
    const __m512i sign = _mm512_set1_epi32(static_cast<int32_t>(0x80000000u));
    return _mm512_castsi512_ps(
        _mm512_ternarylogic_epi32(_mm512_castps_si512(h), _mm512_castps_si512(w), sign, 0x78));
  }
  static FPGAAS_INLINE i32 add(i32 a, i32 b) { return _mm512_add_epi32(a, b); }
  static FPGAAS_INLINE i32 sub(i32 a, i32 b) { return _mm512_sub_epi32(a, b); }
  static FPGAAS_INLINE i32 srli1(i32 a) { return _mm512_srli_epi32(a, 1); }
  static FPGAAS_INLINE i32 min(i32 a, i32 b) { return _mm512_min_epi32(a, b); }
  static FPGAAS_INLINE i32 max(i32 a, i32 b) { return _mm512_max_epi32(a, b); }
  static FPGAAS_INLINE mask outside(i32 v, i32 lo, i32 hi) {
    return static_cast<mask>(_mm512_cmpgt_epi32_mask(lo, v) | _mm512_cmpgt_epi32_mask(v, hi));
  }
  static FPGAAS_INLINE mask no_mask() { return 0; }
  static FPGAAS_INLINE mask or_mask(mask a, mask b) { return static_cast<mask>(a | b); }
  static FPGAAS_INLINE bool none(mask m) { return m == 0; }
  static FPGAAS_INLINE i32 zero_where(mask m, i32 v) {
    return _mm512_maskz_mov_epi32(static_cast<mask>(~m), v);
  }
  // 16 lanes of x as floats (int64 lanes hold int32 values here: their low halves).
  static FPGAAS_INLINE f32 floats_of(const int32_t* x) {
    return _mm512_cvtepi32_ps(_mm512_loadu_si512(x));
  }
  static FPGAAS_INLINE f32 floats_of(const int64_t* x) {
    const __m256i a = _mm512_cvtepi64_epi32(_mm512_loadu_si512(x));
    const __m256i b = _mm512_cvtepi64_epi32(_mm512_loadu_si512(x + 8));
    return _mm512_cvtepi32_ps(_mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1));
  }
  static FPGAAS_INLINE void store_floats(float* p, f32 v) { _mm512_storeu_ps(p, v); }
  // F64Layer: 8 outputs x 2 registers of 8 double lanes (16 accumulators in flight).
  using f64 = __m512d;
  static constexpr int kLanes64 = 8, kOuts64 = 8, kVecs64 = 2;
  static FPGAAS_INLINE f64 set1d(double v) { return _mm512_set1_pd(v); }
  static FPGAAS_INLINE f64 loadd(const double* p) { return _mm512_loadu_pd(p); }
  static FPGAAS_INLINE f64 broadcastd(const double* p) { return _mm512_set1_pd(*p); }
  static FPGAAS_INLINE f64 fmad(f64 x, f64 w, f64 a) { return _mm512_fmadd_pd(x, w, a); }
  static FPGAAS_INLINE f64 doubles_of(const int64_t* x) {
    return _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(_mm512_loadu_si512(x)));
  }
  static FPGAAS_INLINE void store_doubles(double* p, f64 v) { _mm512_storeu_pd(p, v); }
  static FPGAAS_INLINE void store_int64(int64_t* p, f64 v) {   // |v| < 2^51, an integer
    const __m512d magic = _mm512_set1_pd(6755399441055744.0);  // 1.5 * 2^52
    _mm512_storeu_si512(p, _mm512_sub_epi64(_mm512_castpd_si512(_mm512_add_pd(v, magic)),
                                            _mm512_castpd_si512(magic)));
  }
  static FPGAAS_INLINE void store_sums(int32_t* acc, i32 v) { _mm512_storeu_si512(acc, v); }
  static FPGAAS_INLINE void store_sums(int64_t* acc, i32 v) {
    _mm512_storeu_si512(acc, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)));
    _mm512_storeu_si512(acc + 8, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
  }
};

}  // namespace

bool DenseFmaAvx512Built() { return true; }

bool DenseFmaBlock32Avx512(const int32_t* x, int lanes, const float* w_scaled, const int32_t* bias,
                           int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                           int32_t* y) {
  return FmaBlock<Avx512Fma>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseFmaBlock64Avx512(const int64_t* x, int lanes, const float* w_scaled, const int64_t* bias,
                           int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                           int64_t* y) {
  return FmaBlock<Avx512Fma>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseF64BlockAvx512(const int64_t* x, int lanes, const double* wd, const int64_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int64_t* y) {
  return F64Layer<Avx512Fma>(x, lanes, wd, bias, n_in, n_out, p, e, y);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool DenseFmaAvx512Built() { return false; }

bool DenseFmaBlock32Avx512(const int32_t*, int, const float*, const int32_t*, int, int,
                           const DenseFastParams&, const DenseEpilogue&, int32_t*) {
  return false;
}

bool DenseFmaBlock64Avx512(const int64_t*, int, const float*, const int64_t*, int, int,
                           const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

bool DenseF64BlockAvx512(const int64_t*, int, const double*, const int64_t*, int, int,
                         const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
