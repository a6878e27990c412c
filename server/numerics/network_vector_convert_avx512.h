// Private to server/numerics, for files built with -mavx512f only: a VectorConvert
// (network_vector_convert.h) applied to 8 int64 lanes. Internal linkage only (static inline), so
// no AVX-512 code can be merged into other files.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_AVX512_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_AVX512_H_

#if defined(__AVX512F__)
#include <immintrin.h>

#include "server/numerics/network_vector_convert.h"

#define FPGAAS_VECTOR_INLINE static inline __attribute__((always_inline))

namespace fpgaas::numerics::internal {
namespace {

// A VectorConvert's constants in registers, and which of its steps are not identities (the
// branches are loop-invariant; they skip the operations a conversion does not need).
struct VConvert {
  __m512i rc_pos, rc_neg, conv, wrap_mask, clamp_lo, clamp_hi, zero_lo, zero_hi;
  __m128i sr, sl, ws;
  // round: rc by the sign and the conv bit; round_const: one rc for every x (rc_pos).
  bool round, round_const, shift_right, shift_left, wrap_signed, wrap_unsigned, clamp, zero;
};

FPGAAS_VECTOR_INLINE VConvert Load(const VectorConvert& c) {
  return VConvert{_mm512_set1_epi64(c.rc_pos),
                  _mm512_set1_epi64(c.rc_neg),
                  _mm512_set1_epi64(c.conv_mask),
                  _mm512_set1_epi64(static_cast<int64_t>(c.wrap_mask)),
                  _mm512_set1_epi64(c.clamp_lo),
                  _mm512_set1_epi64(c.clamp_hi),
                  _mm512_set1_epi64(c.zero_lo),
                  _mm512_set1_epi64(c.zero_hi),
                  _mm_cvtsi32_si128(c.shift_right),
                  _mm_cvtsi32_si128(c.shift_left),
                  _mm_cvtsi32_si128(c.wrap_shift),
                  c.rc_pos != c.rc_neg || c.conv_mask != 0,
                  c.rc_pos == c.rc_neg && c.conv_mask == 0 && c.rc_pos != 0,
                  c.shift_right != 0,
                  c.shift_left != 0,
                  c.wrap_shift != 0,
                  c.wrap_mask != ~uint64_t{0},
                  c.clamp_lo != INT64_MIN || c.clamp_hi != INT64_MAX,
                  c.zero_lo != INT64_MIN || c.zero_hi != INT64_MAX};
}

FPGAAS_VECTOR_INLINE __m512i Apply(const VConvert& c, __m512i x) {
  __m512i v = x;
  if (c.round) {
    const __mmask8 neg = _mm512_cmplt_epi64_mask(x, _mm512_setzero_si512());
    const __m512i rc = _mm512_add_epi64(_mm512_mask_blend_epi64(neg, c.rc_pos, c.rc_neg),
                                        _mm512_and_si512(_mm512_sra_epi64(x, c.sr), c.conv));
    v = _mm512_add_epi64(v, rc);
  } else if (c.round_const) {
    v = _mm512_add_epi64(v, c.rc_pos);
  }
  if (c.shift_right) v = _mm512_sra_epi64(v, c.sr);
  if (c.shift_left) v = _mm512_sll_epi64(v, c.sl);
  if (c.wrap_signed) v = _mm512_sra_epi64(_mm512_sll_epi64(v, c.ws), c.ws);
  if (c.wrap_unsigned) v = _mm512_and_si512(v, c.wrap_mask);
  if (c.clamp) v = _mm512_min_epi64(_mm512_max_epi64(v, c.clamp_lo), c.clamp_hi);
  if (c.zero) {
    const __mmask8 in =
        _mm512_mask_cmple_epi64_mask(_mm512_cmpge_epi64_mask(v, c.zero_lo), v, c.zero_hi);
    v = _mm512_maskz_mov_epi64(in, v);
  }
  return v;
}

// Apply on K vectors at once: each step's branch taken once for all K.
template <int K>
FPGAAS_VECTOR_INLINE void ApplyN(const VConvert& c, __m512i (&v)[K]) {
  if (c.round) {
    for (int k = 0; k < K; ++k) {
      const __mmask8 neg = _mm512_cmplt_epi64_mask(v[k], _mm512_setzero_si512());
      const __m512i rc = _mm512_add_epi64(_mm512_mask_blend_epi64(neg, c.rc_pos, c.rc_neg),
                                          _mm512_and_si512(_mm512_sra_epi64(v[k], c.sr), c.conv));
      v[k] = _mm512_add_epi64(v[k], rc);
    }
  } else if (c.round_const) {
    for (int k = 0; k < K; ++k) v[k] = _mm512_add_epi64(v[k], c.rc_pos);
  }
  if (c.shift_right) {
    for (int k = 0; k < K; ++k) v[k] = _mm512_sra_epi64(v[k], c.sr);
  }
  if (c.shift_left) {
    for (int k = 0; k < K; ++k) v[k] = _mm512_sll_epi64(v[k], c.sl);
  }
  if (c.wrap_signed) {
    for (int k = 0; k < K; ++k) v[k] = _mm512_sra_epi64(_mm512_sll_epi64(v[k], c.ws), c.ws);
  }
  if (c.wrap_unsigned) {
    for (int k = 0; k < K; ++k) v[k] = _mm512_and_si512(v[k], c.wrap_mask);
  }
  if (c.clamp) {
    for (int k = 0; k < K; ++k) {
      v[k] = _mm512_min_epi64(_mm512_max_epi64(v[k], c.clamp_lo), c.clamp_hi);
    }
  }
  if (c.zero) {
    for (int k = 0; k < K; ++k) {
      const __mmask8 in =
          _mm512_mask_cmple_epi64_mask(_mm512_cmpge_epi64_mask(v[k], c.zero_lo), v[k], c.zero_hi);
      v[k] = _mm512_maskz_mov_epi64(in, v[k]);
    }
  }
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // __AVX512F__
#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_AVX512_H_
