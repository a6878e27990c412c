// Private to server/numerics, for the explicit-ISA kernel files only (network_*_avx512.cc built
// with -mavx512f, network_*_avx2.cc with -mavx2): 8 int64 lanes and the operations the kernels
// use on them, so that one kernel source (network_*_lanes.h) builds for both instruction sets.
// On AVX-512F the lanes are one zmm register and every operation one instruction (or the
// intrinsic's own sequence); on AVX2 they are two ymm registers, and vpsraq, vpminsq/vpmaxsq,
// vpmullq-like products and mask registers are emulated (comments below). A VectorConvert
// (network_vector_convert.h) applies to them as Load / Apply / ApplyN. Internal linkage only
// (static inline in an unnamed namespace), so no AVX code can be merged into other files.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_LANES_H_

#if defined(__AVX2__)
#include <immintrin.h>

#include <cstdint>

#include "server/numerics/network_vector_convert.h"

#define FPGAAS_LANES_INLINE static inline __attribute__((always_inline))

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fpgaas::numerics::internal {
namespace {

#if defined(__AVX512F__)

using I64x8 = __m512i;
using Mask8 = __mmask8;
// A shift count for Sra / Srl / Sll (any count 0..63).
struct Shift {
  __m128i n;
};

FPGAAS_LANES_INLINE I64x8 Set1(int64_t v) { return _mm512_set1_epi64(v); }
FPGAAS_LANES_INLINE I64x8 Zero() { return _mm512_setzero_si512(); }
FPGAAS_LANES_INLINE I64x8 LoadLanes(const int64_t* p) { return _mm512_loadu_si512(p); }
FPGAAS_LANES_INLINE void StoreLanes(int64_t* p, I64x8 v) { _mm512_storeu_si512(p, v); }
// 8 int32 values, sign-extended; StoreLanes keeps each lane's low 32 bits.
FPGAAS_LANES_INLINE I64x8 LoadLanes(const int32_t* p) {
  return _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
FPGAAS_LANES_INLINE void StoreLanes(int32_t* p, I64x8 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi64_epi32(v));
}
FPGAAS_LANES_INLINE I64x8 Add(I64x8 a, I64x8 b) { return _mm512_add_epi64(a, b); }
FPGAAS_LANES_INLINE I64x8 Sub(I64x8 a, I64x8 b) { return _mm512_sub_epi64(a, b); }
FPGAAS_LANES_INLINE I64x8 And(I64x8 a, I64x8 b) { return _mm512_and_si512(a, b); }
// The low 32 bits of a and b as signed values, multiplied to 64 bits (vpmuldq).
FPGAAS_LANES_INLINE I64x8 Mul32(I64x8 a, I64x8 b) { return _mm512_mul_epi32(a, b); }
// a * b modulo 2^64.
FPGAAS_LANES_INLINE I64x8 MulLo64(I64x8 a, I64x8 b) { return _mm512_mullox_epi64(a, b); }
FPGAAS_LANES_INLINE Shift ShiftBy(int n) { return Shift{_mm_cvtsi32_si128(n)}; }
FPGAAS_LANES_INLINE I64x8 Sra(I64x8 v, const Shift& s) { return _mm512_sra_epi64(v, s.n); }
FPGAAS_LANES_INLINE I64x8 Srl(I64x8 v, const Shift& s) { return _mm512_srl_epi64(v, s.n); }
FPGAAS_LANES_INLINE I64x8 Sll(I64x8 v, const Shift& s) { return _mm512_sll_epi64(v, s.n); }
// All ones where v < 0, else zero.
FPGAAS_LANES_INLINE I64x8 SignMask(I64x8 v) { return _mm512_srai_epi64(v, 63); }
// 8 16-bit words, zero- or sign-extended.
FPGAAS_LANES_INLINE I64x8 WidenU16(__m128i words) { return _mm512_cvtepu16_epi64(words); }
FPGAAS_LANES_INLINE I64x8 WidenI16(__m128i words) { return _mm512_cvtepi16_epi64(words); }
// Each lane's low 32 bits, sign-extended.
FPGAAS_LANES_INLINE I64x8 SignExtendLow32(I64x8 v) {
  return _mm512_srai_epi64(_mm512_slli_epi64(v, 32), 32);
}
FPGAAS_LANES_INLINE I64x8 Min(I64x8 a, I64x8 b) { return _mm512_min_epi64(a, b); }
FPGAAS_LANES_INLINE I64x8 Max(I64x8 a, I64x8 b) { return _mm512_max_epi64(a, b); }
FPGAAS_LANES_INLINE Mask8 IsNegative(I64x8 v) { return _mm512_cmplt_epi64_mask(v, Zero()); }
// lo <= v <= hi.
FPGAAS_LANES_INLINE Mask8 InRange(I64x8 v, I64x8 lo, I64x8 hi) {
  return _mm512_mask_cmple_epi64_mask(_mm512_cmpge_epi64_mask(v, lo), v, hi);
}
// m ? if_set : if_clear, per lane.
FPGAAS_LANES_INLINE I64x8 Select(Mask8 m, I64x8 if_clear, I64x8 if_set) {
  return _mm512_mask_blend_epi64(m, if_clear, if_set);
}
FPGAAS_LANES_INLINE I64x8 KeepWhere(Mask8 m, I64x8 v) { return _mm512_maskz_mov_epi64(m, v); }
// table[index] per lane (every index valid).
FPGAAS_LANES_INLINE I64x8 Gather(const int64_t* table, I64x8 index) {
  return _mm512_i64gather_epi64(index, table, 8);
}
// m ? table[index] : v per lane (only the selected lanes read the table).
FPGAAS_LANES_INLINE I64x8 GatherWhere(Mask8 m, const int64_t* table, I64x8 index, I64x8 v) {
  return _mm512_mask_i64gather_epi64(v, m, index, table, 8);
}

// 8 int32 lanes (one ymm on either instruction set), sign-extended to I64x8.
FPGAAS_LANES_INLINE I64x8 Widen(__m256i v) { return _mm512_cvtepi32_epi64(v); }
// table[index] per lane for 8 int32 indexes (every index valid).
FPGAAS_LANES_INLINE I64x8 Gather(const int64_t* table, __m256i index) {
  return _mm512_i32gather_epi64(index, table, 8);
}

// I64x8 values a kernel's innermost loop may keep live per array (zmm0-31: four arrays of 8).
inline constexpr int kLiveLanes8 = 8;

#else  // AVX2: the low four lanes in lo, the high four in hi.

// ymm0-15 and two per I64x8: four arrays of 2.
inline constexpr int kLiveLanes8 = 2;

struct I64x8 {
  __m256i lo, hi;
};
using Mask8 = I64x8;  // all ones in a selected lane
struct Shift {
  __m128i n;
  __m256i sign;  // INT64_MIN >> n, logical: Sra's sign extension
};

FPGAAS_LANES_INLINE I64x8 Set1(int64_t v) {
  const __m256i x = _mm256_set1_epi64x(v);
  return I64x8{x, x};
}
FPGAAS_LANES_INLINE I64x8 Zero() { return I64x8{_mm256_setzero_si256(), _mm256_setzero_si256()}; }
FPGAAS_LANES_INLINE I64x8 LoadLanes(const int64_t* p) {
  return I64x8{_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4))};
}
FPGAAS_LANES_INLINE void StoreLanes(int64_t* p, I64x8 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v.lo);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 4), v.hi);
}
FPGAAS_LANES_INLINE I64x8 LoadLanes(const int32_t* p) {
  return I64x8{_mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
               _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 4)))};
}
FPGAAS_LANES_INLINE void StoreLanes(int32_t* p, I64x8 v) {
  // The even 32-bit words (each lane's low half) of lo and hi, in lane order.
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  const __m256i lo = _mm256_permutevar8x32_epi32(v.lo, even);
  const __m256i hi = _mm256_permutevar8x32_epi32(v.hi, even);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm256_blend_epi32(lo, hi, 0xF0));
}
FPGAAS_LANES_INLINE I64x8 Add(I64x8 a, I64x8 b) {
  return I64x8{_mm256_add_epi64(a.lo, b.lo), _mm256_add_epi64(a.hi, b.hi)};
}
FPGAAS_LANES_INLINE I64x8 Sub(I64x8 a, I64x8 b) {
  return I64x8{_mm256_sub_epi64(a.lo, b.lo), _mm256_sub_epi64(a.hi, b.hi)};
}
FPGAAS_LANES_INLINE I64x8 And(I64x8 a, I64x8 b) {
  return I64x8{_mm256_and_si256(a.lo, b.lo), _mm256_and_si256(a.hi, b.hi)};
}
FPGAAS_LANES_INLINE I64x8 Mul32(I64x8 a, I64x8 b) {
  return I64x8{_mm256_mul_epi32(a.lo, b.lo), _mm256_mul_epi32(a.hi, b.hi)};
}
// lo(a) * lo(b) + ((hi(a) * lo(b) + lo(a) * hi(b)) << 32), in unsigned 32x32->64 products.
FPGAAS_LANES_INLINE __m256i MulLo64Half(__m256i a, __m256i b) {
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), b),
                                         _mm256_mul_epu32(a, _mm256_srli_epi64(b, 32)));
  return _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64(cross, 32));
}
FPGAAS_LANES_INLINE I64x8 MulLo64(I64x8 a, I64x8 b) {
  return I64x8{MulLo64Half(a.lo, b.lo), MulLo64Half(a.hi, b.hi)};
}
FPGAAS_LANES_INLINE Shift ShiftBy(int n) {
  const __m128i count = _mm_cvtsi32_si128(n);
  return Shift{count, _mm256_srl_epi64(_mm256_set1_epi64x(INT64_MIN), count)};
}
// The logical shift with the sign bit's copies restored: (x >>> n ^ s) - s, s = 2^63 >>> n.
FPGAAS_LANES_INLINE __m256i SraHalf(__m256i v, const Shift& s) {
  return _mm256_sub_epi64(_mm256_xor_si256(_mm256_srl_epi64(v, s.n), s.sign), s.sign);
}
FPGAAS_LANES_INLINE I64x8 Sra(I64x8 v, const Shift& s) {
  return I64x8{SraHalf(v.lo, s), SraHalf(v.hi, s)};
}
FPGAAS_LANES_INLINE I64x8 Srl(I64x8 v, const Shift& s) {
  return I64x8{_mm256_srl_epi64(v.lo, s.n), _mm256_srl_epi64(v.hi, s.n)};
}
FPGAAS_LANES_INLINE I64x8 Sll(I64x8 v, const Shift& s) {
  return I64x8{_mm256_sll_epi64(v.lo, s.n), _mm256_sll_epi64(v.hi, s.n)};
}
FPGAAS_LANES_INLINE I64x8 WidenU16(__m128i words) {
  return I64x8{_mm256_cvtepu16_epi64(words), _mm256_cvtepu16_epi64(_mm_srli_si128(words, 8))};
}
FPGAAS_LANES_INLINE I64x8 WidenI16(__m128i words) {
  return I64x8{_mm256_cvtepi16_epi64(words), _mm256_cvtepi16_epi64(_mm_srli_si128(words, 8))};
}
FPGAAS_LANES_INLINE I64x8 SignMask(I64x8 v) {
  const __m256i zero = _mm256_setzero_si256();
  return I64x8{_mm256_cmpgt_epi64(zero, v.lo), _mm256_cmpgt_epi64(zero, v.hi)};
}
// The low word kept, the high word replaced by the low word's sign.
FPGAAS_LANES_INLINE __m256i SignExtendLow32Half(__m256i v) {
  return _mm256_blend_epi32(v, _mm256_srai_epi32(_mm256_slli_epi64(v, 32), 31), 0xAA);
}
FPGAAS_LANES_INLINE I64x8 SignExtendLow32(I64x8 v) {
  return I64x8{SignExtendLow32Half(v.lo), SignExtendLow32Half(v.hi)};
}
FPGAAS_LANES_INLINE I64x8 Min(I64x8 a, I64x8 b) {
  return I64x8{_mm256_blendv_epi8(a.lo, b.lo, _mm256_cmpgt_epi64(a.lo, b.lo)),
               _mm256_blendv_epi8(a.hi, b.hi, _mm256_cmpgt_epi64(a.hi, b.hi))};
}
FPGAAS_LANES_INLINE I64x8 Max(I64x8 a, I64x8 b) {
  return I64x8{_mm256_blendv_epi8(a.lo, b.lo, _mm256_cmpgt_epi64(b.lo, a.lo)),
               _mm256_blendv_epi8(a.hi, b.hi, _mm256_cmpgt_epi64(b.hi, a.hi))};
}
FPGAAS_LANES_INLINE Mask8 IsNegative(I64x8 v) { return SignMask(v); }
FPGAAS_LANES_INLINE Mask8 InRange(I64x8 v, I64x8 lo, I64x8 hi) {
  // Outside: v < lo or v > hi; inside is its complement.
  const __m256i ones = _mm256_set1_epi64x(-1);
  const __m256i out_lo =
      _mm256_or_si256(_mm256_cmpgt_epi64(lo.lo, v.lo), _mm256_cmpgt_epi64(v.lo, hi.lo));
  const __m256i out_hi =
      _mm256_or_si256(_mm256_cmpgt_epi64(lo.hi, v.hi), _mm256_cmpgt_epi64(v.hi, hi.hi));
  return I64x8{_mm256_xor_si256(out_lo, ones), _mm256_xor_si256(out_hi, ones)};
}
FPGAAS_LANES_INLINE I64x8 Select(Mask8 m, I64x8 if_clear, I64x8 if_set) {
  return I64x8{_mm256_blendv_epi8(if_clear.lo, if_set.lo, m.lo),
               _mm256_blendv_epi8(if_clear.hi, if_set.hi, m.hi)};
}
FPGAAS_LANES_INLINE I64x8 KeepWhere(Mask8 m, I64x8 v) { return And(m, v); }
FPGAAS_LANES_INLINE I64x8 Gather(const int64_t* table, I64x8 index) {
  const auto* base = reinterpret_cast<const long long*>(table);  // NOLINT(runtime/int)
  return I64x8{_mm256_i64gather_epi64(base, index.lo, 8),
               _mm256_i64gather_epi64(base, index.hi, 8)};
}
FPGAAS_LANES_INLINE I64x8 GatherWhere(Mask8 m, const int64_t* table, I64x8 index, I64x8 v) {
  const auto* base = reinterpret_cast<const long long*>(table);  // NOLINT(runtime/int)
  return I64x8{_mm256_mask_i64gather_epi64(v.lo, base, index.lo, m.lo, 8),
               _mm256_mask_i64gather_epi64(v.hi, base, index.hi, m.hi, 8)};
}

FPGAAS_LANES_INLINE I64x8 Widen(__m256i v) {
  return I64x8{_mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)),
               _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1))};
}
FPGAAS_LANES_INLINE I64x8 Gather(const int64_t* table, __m256i index) {
  const auto* base = reinterpret_cast<const long long*>(table);  // NOLINT(runtime/int)
  return I64x8{_mm256_i32gather_epi64(base, _mm256_castsi256_si128(index), 8),
               _mm256_i32gather_epi64(base, _mm256_extracti128_si256(index, 1), 8)};
}

#endif  // __AVX512F__

// A VectorConvert's constants in registers, and which of its steps are not identities (the
// branches are loop-invariant; they skip the operations a conversion does not need).
struct VConvert {
  I64x8 rc_pos, rc_neg, conv, wrap_mask, clamp_lo, clamp_hi, zero_lo, zero_hi;
  Shift sr, sl, ws;
  // round: rc by the sign and the conv bit; round_const: one rc for every x (rc_pos).
  bool round, round_const, shift_right, shift_left, wrap_signed, wrap_unsigned, clamp, zero;
  uint32_t steps;  // the flags above as kStep* bits
};

// VConvert's steps as bits, in the order ApplyN takes them.
constexpr uint32_t kStepRound = 1, kStepRoundConst = 2, kStepShiftRight = 4, kStepShiftLeft = 8,
                   kStepWrapSigned = 16, kStepWrapUnsigned = 32, kStepClamp = 64, kStepZero = 128;

FPGAAS_LANES_INLINE VConvert Load(const VectorConvert& c) {
  VConvert v{Set1(c.rc_pos),
             Set1(c.rc_neg),
             Set1(c.conv_mask),
             Set1(static_cast<int64_t>(c.wrap_mask)),
             Set1(c.clamp_lo),
             Set1(c.clamp_hi),
             Set1(c.zero_lo),
             Set1(c.zero_hi),
             ShiftBy(c.shift_right),
             ShiftBy(c.shift_left),
             ShiftBy(c.wrap_shift),
             c.rc_pos != c.rc_neg || c.conv_mask != 0,
             c.rc_pos == c.rc_neg && c.conv_mask == 0 && c.rc_pos != 0,
             c.shift_right != 0,
             c.shift_left != 0,
             c.wrap_shift != 0,
             c.wrap_mask != ~uint64_t{0},
             c.clamp_lo != INT64_MIN || c.clamp_hi != INT64_MAX,
             c.zero_lo != INT64_MIN || c.zero_hi != INT64_MAX,
             0};
  v.steps = (v.round ? kStepRound : 0) | (v.round_const && !v.round ? kStepRoundConst : 0) |
            (v.shift_right ? kStepShiftRight : 0) | (v.shift_left ? kStepShiftLeft : 0) |
            (v.wrap_signed ? kStepWrapSigned : 0) | (v.wrap_unsigned ? kStepWrapUnsigned : 0) |
            (v.clamp ? kStepClamp : 0) | (v.zero ? kStepZero : 0);
  return v;
}

// ApplyN with the steps fixed at compile time: straight-line code.
template <uint32_t kSteps, int K>
FPGAAS_LANES_INLINE void ApplyFixed(const VConvert& c, I64x8 (&v)[K]) {
  if constexpr ((kSteps & kStepRoundConst) != 0) {
    for (int k = 0; k < K; ++k) v[k] = Add(v[k], c.rc_pos);
  }
  if constexpr ((kSteps & kStepShiftRight) != 0) {
    for (int k = 0; k < K; ++k) v[k] = Sra(v[k], c.sr);
  }
  if constexpr ((kSteps & kStepShiftLeft) != 0) {
    for (int k = 0; k < K; ++k) v[k] = Sll(v[k], c.sl);
  }
  if constexpr ((kSteps & kStepWrapSigned) != 0) {
    for (int k = 0; k < K; ++k) v[k] = Sra(Sll(v[k], c.ws), c.ws);
  }
  if constexpr ((kSteps & kStepClamp) != 0) {
    for (int k = 0; k < K; ++k) v[k] = Min(Max(v[k], c.clamp_lo), c.clamp_hi);
  }
}

template <int K>
FPGAAS_LANES_INLINE void ApplyN(const VConvert& c, I64x8 (&v)[K]);

// ApplyN with the usual step combinations as straight-line code behind one switch: ApplyN's chain
// of per-step branches, mostly taken jumps over absent steps, bounded the layer norm and softmax
// kernels (layernorm model 1.09-1.12x). The recurrent cell measured slower with it (rnn_bidir
// 0.89x): each kernel picks one.
template <int K>
FPGAAS_LANES_INLINE void ApplyShaped(const VConvert& c, I64x8 (&v)[K]) {
  switch (c.steps) {
    case 0:
      return;
    case kStepShiftLeft:
      return ApplyFixed<kStepShiftLeft>(c, v);
    case kStepShiftRight:
      return ApplyFixed<kStepShiftRight>(c, v);
    case kStepClamp:
      return ApplyFixed<kStepClamp>(c, v);
    case kStepWrapSigned:
      return ApplyFixed<kStepWrapSigned>(c, v);
    case kStepShiftRight | kStepWrapSigned:
      return ApplyFixed<kStepShiftRight | kStepWrapSigned>(c, v);
    case kStepShiftRight | kStepClamp:
      return ApplyFixed<kStepShiftRight | kStepClamp>(c, v);
    case kStepRoundConst | kStepShiftRight:
      return ApplyFixed<kStepRoundConst | kStepShiftRight>(c, v);
    case kStepRoundConst | kStepShiftRight | kStepWrapSigned:
      return ApplyFixed<kStepRoundConst | kStepShiftRight | kStepWrapSigned>(c, v);
    case kStepRoundConst | kStepShiftRight | kStepClamp:
      return ApplyFixed<kStepRoundConst | kStepShiftRight | kStepClamp>(c, v);
    case kStepShiftLeft | kStepClamp:
      return ApplyFixed<kStepShiftLeft | kStepClamp>(c, v);
    case kStepShiftLeft | kStepWrapSigned:
      return ApplyFixed<kStepShiftLeft | kStepWrapSigned>(c, v);
    default:
      return ApplyN(c, v);
  }
}

// Apply on K vectors at once: each step's branch taken once for all K.
template <int K>
FPGAAS_LANES_INLINE void ApplyN(const VConvert& c, I64x8 (&v)[K]) {
  if (c.round) {
    for (int k = 0; k < K; ++k) {
      const I64x8 rc =
          Add(Select(IsNegative(v[k]), c.rc_pos, c.rc_neg), And(Sra(v[k], c.sr), c.conv));
      v[k] = Add(v[k], rc);
    }
  } else if (c.round_const) {
    for (int k = 0; k < K; ++k) v[k] = Add(v[k], c.rc_pos);
  }
  if (c.shift_right) {
    for (int k = 0; k < K; ++k) v[k] = Sra(v[k], c.sr);
  }
  if (c.shift_left) {
    for (int k = 0; k < K; ++k) v[k] = Sll(v[k], c.sl);
  }
  if (c.wrap_signed) {
    for (int k = 0; k < K; ++k) v[k] = Sra(Sll(v[k], c.ws), c.ws);
  }
  if (c.wrap_unsigned) {
    for (int k = 0; k < K; ++k) v[k] = And(v[k], c.wrap_mask);
  }
  if (c.clamp) {
    for (int k = 0; k < K; ++k) v[k] = Min(Max(v[k], c.clamp_lo), c.clamp_hi);
  }
  if (c.zero) {
    for (int k = 0; k < K; ++k) v[k] = KeepWhere(InRange(v[k], c.zero_lo, c.zero_hi), v[k]);
  }
}

FPGAAS_LANES_INLINE I64x8 Apply(const VConvert& c, I64x8 x) {
  I64x8 v[1] = {x};
  ApplyN(c, v);
  return v[0];
}

// A VectorConvert that only wraps, clamps or zeroes (FitsInt32Lanes), on 8 int32 lanes of an
// __m256i with AVX2's native 32-bit shifts, min and max: the 64-bit wrap shift less 32, the
// constants narrowed.
struct VConvert32 {
  __m256i wrap_mask, clamp_lo, clamp_hi, zero_lo, zero_hi;
  __m128i ws;
  bool wrap_signed, wrap_unsigned, clamp, zero;
};

FPGAAS_LANES_INLINE VConvert32 Load32(const VectorConvert& c) {
  auto set = [](int64_t v) { return _mm256_set1_epi32(static_cast<int32_t>(v)); };
  return VConvert32{set(static_cast<int64_t>(c.wrap_mask)),
                    set(c.clamp_lo),
                    set(c.clamp_hi),
                    set(c.zero_lo),
                    set(c.zero_hi),
                    _mm_cvtsi32_si128(c.wrap_shift == 0 ? 0 : c.wrap_shift - 32),
                    c.wrap_shift != 0,
                    c.wrap_mask != ~uint64_t{0},
                    c.clamp_lo != INT64_MIN || c.clamp_hi != INT64_MAX,
                    c.zero_lo != INT64_MIN || c.zero_hi != INT64_MAX};
}

template <int K>
FPGAAS_LANES_INLINE void ApplyN(const VConvert32& c, __m256i (&v)[K]) {
  if (c.wrap_signed) {
    for (int k = 0; k < K; ++k) v[k] = _mm256_sra_epi32(_mm256_sll_epi32(v[k], c.ws), c.ws);
  }
  if (c.wrap_unsigned) {
    for (int k = 0; k < K; ++k) v[k] = _mm256_and_si256(v[k], c.wrap_mask);
  }
  if (c.clamp) {
    for (int k = 0; k < K; ++k) {
      v[k] = _mm256_min_epi32(_mm256_max_epi32(v[k], c.clamp_lo), c.clamp_hi);
    }
  }
  if (c.zero) {
    for (int k = 0; k < K; ++k) {
      const __m256i out =
          _mm256_or_si256(_mm256_cmpgt_epi32(c.zero_lo, v[k]), _mm256_cmpgt_epi32(v[k], c.zero_hi));
      v[k] = _mm256_andnot_si256(out, v[k]);
    }
  }
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // __AVX2__
#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_LANES_H_
