// Dense products through the FPU on AVX2 + FMA (network_dense_fma_impl.h: what and why). Built
// with -mavx2 -mfma (CMakeLists.txt); without them (the portable test build) only the stubs
// remain. Uses no inline function with external linkage beyond the intrinsics, so no AVX2 code
// can be merged into other files.
#include "server/numerics/network_kernels_internal.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define FPGAAS_KERNEL_CLONES  // this file is built for one instruction set
#include "server/numerics/network_dense_fma_impl.h"

namespace fpgaas::numerics::internal {
namespace {

struct Avx2Fma {
  using f32 = __m256;
  using i32 = __m256i;
  using mask = __m256i;  // all ones in the lanes that are outside
  static constexpr int kLanes = 8;
  // 4 outputs x 2 registers: 8 accumulators, 2 inputs, a weight and the constants of the 16 ymm
  // registers.
  static constexpr int kOuts = 4, kVecs = 2;
  static FPGAAS_INLINE f32 set1f(float v) { return _mm256_set1_ps(v); }
  static FPGAAS_INLINE i32 set1i(int32_t v) { return _mm256_set1_epi32(v); }
  static FPGAAS_INLINE f32 loadf(const float* p) { return _mm256_loadu_ps(p); }
  static FPGAAS_INLINE f32 broadcastf(const float* p) { return _mm256_broadcast_ss(p); }
  static FPGAAS_INLINE i32 fma_bits(f32 x, f32 w, f32 c) {
    return _mm256_castps_si256(_mm256_fmadd_ps(x, w, c));
  }
  static FPGAAS_INLINE i32 mul_trunc(f32 x, f32 w) {
    return _mm256_cvttps_epi32(_mm256_mul_ps(x, w));
  }
  static FPGAAS_INLINE i32 fma_trunc(f32 x, f32 w, f32 c) {
    return _mm256_cvttps_epi32(_mm256_fmadd_ps(x, w, c));
  }
  static FPGAAS_INLINE f32 xor_sign(f32 h, f32 w) {
    return _mm256_xor_ps(h, _mm256_and_ps(w, _mm256_set1_ps(-0.0f)));
  }
  static FPGAAS_INLINE i32 add(i32 a, i32 b) { return _mm256_add_epi32(a, b); }
  static FPGAAS_INLINE i32 sub(i32 a, i32 b) { return _mm256_sub_epi32(a, b); }
  static FPGAAS_INLINE i32 srli1(i32 a) { return _mm256_srli_epi32(a, 1); }
  static FPGAAS_INLINE i32 min(i32 a, i32 b) { return _mm256_min_epi32(a, b); }
  static FPGAAS_INLINE i32 max(i32 a, i32 b) { return _mm256_max_epi32(a, b); }
  static FPGAAS_INLINE mask outside(i32 v, i32 lo, i32 hi) {
    return _mm256_or_si256(_mm256_cmpgt_epi32(lo, v), _mm256_cmpgt_epi32(v, hi));
  }
  static FPGAAS_INLINE mask no_mask() { return _mm256_setzero_si256(); }
  static FPGAAS_INLINE mask or_mask(mask a, mask b) { return _mm256_or_si256(a, b); }
  static FPGAAS_INLINE bool none(mask m) { return _mm256_testz_si256(m, m); }
  static FPGAAS_INLINE i32 zero_where(mask m, i32 v) { return _mm256_andnot_si256(m, v); }
  // 8 lanes of x as floats (int64 lanes hold int32 values here: their low halves, packed).
  static FPGAAS_INLINE f32 floats_of(const int32_t* x) {
    return _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
  }
  static FPGAAS_INLINE f32 floats_of(const int64_t* x) {
    const __m256 a = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
    const __m256 b =
        _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 4)));
    // [a0 a1 b0 b1 | a2 a3 b2 b3] (low halves), then the 64-bit pairs in order.
    const __m256i mixed = _mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
    return _mm256_cvtepi32_ps(_mm256_permute4x64_epi64(mixed, _MM_SHUFFLE(3, 1, 2, 0)));
  }
  static FPGAAS_INLINE void store_floats(float* p, f32 v) { _mm256_storeu_ps(p, v); }
  // F64Layer: 4 outputs x 2 registers of 4 double lanes (8 accumulators, 2 inputs, a weight).
  using f64 = __m256d;
  static constexpr int kLanes64 = 4, kOuts64 = 4, kVecs64 = 2;
  static FPGAAS_INLINE f64 set1d(double v) { return _mm256_set1_pd(v); }
  static FPGAAS_INLINE f64 loadd(const double* p) { return _mm256_loadu_pd(p); }
  static FPGAAS_INLINE f64 broadcastd(const double* p) { return _mm256_broadcast_sd(p); }
  static FPGAAS_INLINE f64 fmad(f64 x, f64 w, f64 a) { return _mm256_fmadd_pd(x, w, a); }
  static FPGAAS_INLINE f64 doubles_of(const int64_t* x) {  // the 4 lanes' low halves
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    const __m256i lows = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
    return _mm256_cvtepi32_pd(_mm256_castsi256_si128(lows));
  }
  static FPGAAS_INLINE void store_doubles(double* p, f64 v) { _mm256_storeu_pd(p, v); }
  static FPGAAS_INLINE void store_int64(int64_t* p, f64 v) {   // |v| < 2^51, an integer
    const __m256d magic = _mm256_set1_pd(6755399441055744.0);  // 1.5 * 2^52
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(p),
        _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(v, magic)), _mm256_castpd_si256(magic)));
  }
  static FPGAAS_INLINE void store_sums(int32_t* acc, i32 v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc), v);
  }
  static FPGAAS_INLINE void store_sums(int64_t* acc, i32 v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc),
                        _mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + 4),
                        _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1)));
  }
};

}  // namespace

bool DenseFmaAvx2Built() { return true; }

bool DenseFmaBlock32Avx2(const int32_t* x, int lanes, const float* w_scaled, const int32_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int32_t* y) {
  return FmaBlock<Avx2Fma>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseFmaBlock64Avx2(const int64_t* x, int lanes, const float* w_scaled, const int64_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int64_t* y) {
  return FmaBlock<Avx2Fma>(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseF64BlockAvx2(const int64_t* x, int lanes, const double* wd, const int64_t* bias, int n_in,
                       int n_out, const DenseFastParams& p, const DenseEpilogue& e, int64_t* y) {
  return F64Layer<Avx2Fma>(x, lanes, wd, bias, n_in, n_out, p, e, y);
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

bool DenseF64BlockAvx2(const int64_t*, int, const double*, const int64_t*, int, int,
                       const DenseFastParams&, const DenseEpilogue&, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
