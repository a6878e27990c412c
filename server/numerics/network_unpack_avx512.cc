// UnpackWordsAvx512 (network_unpack_kernel.h) on AVX-512F (vpmovsxwq / vpmovzxwq into 8 int64
// lanes; the transpose is SSE2's word/dword/qword unpacks). Built with -mavx512f (CMakeLists.txt);
// without it (the portable test build) only the stubs remain.
#include "server/numerics/network_unpack_kernel.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <cstddef>

// GCC 12's avx512fintrin.h builds set1/setzero from an uninitialized vector (_mm512_undefined_*):
// a false -Wmaybe-uninitialized in every function that inlines them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fpgaas::numerics::internal {
namespace {

// How a 16-bit container becomes a raw of `width` bits: sign-extended from bit 15 (width 16),
// sign-extended from bit width - 1 (two shifts), or its low width bits.
enum class Extend { kSigned16, kSigned, kUnsigned };

// 8 words (one feature of 8 samples) -> 8 raws at y: int64 lanes (mask a __m512i) or int32
// lanes (mask a __m256i).
template <Extend kE, typename T, typename M>
inline __attribute__((always_inline)) void StoreRaws(__m128i words, __m128i shift, M mask, T* y) {
  if constexpr (sizeof(T) == 8) {
    __m512i v =
        kE == Extend::kUnsigned ? _mm512_cvtepu16_epi64(words) : _mm512_cvtepi16_epi64(words);
    if constexpr (kE == Extend::kUnsigned) v = _mm512_and_si512(v, mask);
    if constexpr (kE == Extend::kSigned) v = _mm512_sra_epi64(_mm512_sll_epi64(v, shift), shift);
    _mm512_storeu_si512(y, v);
  } else {
    __m256i v =
        kE == Extend::kUnsigned ? _mm256_cvtepu16_epi32(words) : _mm256_cvtepi16_epi32(words);
    if constexpr (kE == Extend::kUnsigned) v = _mm256_and_si256(v, mask);
    if constexpr (kE == Extend::kSigned) v = _mm256_sra_epi32(_mm256_sll_epi32(v, shift), shift);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), v);
  }
}

// One tile: words f0..f0+7 of samples 0..7 (rows `sample_bytes` apart from `at`); features
// f0..f0+n_store-1 stored at y[(f0 + k) * lanes].
template <Extend kE, typename T, typename M>
inline __attribute__((always_inline)) void UnpackTile(const uint8_t* at, size_t sample_bytes,
                                                      int n_store, int lanes, __m128i shift,
                                                      M mask, T* y) {
  __m128i r[8];
  for (int s = 0; s < 8; ++s) {
    r[s] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + s * sample_bytes));
  }
  // Words of samples (0,1), (2,3), ... interleaved, then dwords of (0..3) and (4..7), then qwords:
  // v[k] holds feature k of samples 0..7.
  __m128i t[8], u[8], v[8];
  for (int p = 0; p < 4; ++p) {
    t[2 * p] = _mm_unpacklo_epi16(r[2 * p], r[2 * p + 1]);      // features 0-3
    t[2 * p + 1] = _mm_unpackhi_epi16(r[2 * p], r[2 * p + 1]);  // features 4-7
  }
  for (int h = 0; h < 2; ++h) {  // samples 0-3, 4-7
    const __m128i* th = t + 4 * h;
    u[4 * h + 0] = _mm_unpacklo_epi32(th[0], th[2]);  // features 0, 1
    u[4 * h + 1] = _mm_unpackhi_epi32(th[0], th[2]);  // 2, 3
    u[4 * h + 2] = _mm_unpacklo_epi32(th[1], th[3]);  // 4, 5
    u[4 * h + 3] = _mm_unpackhi_epi32(th[1], th[3]);  // 6, 7
  }
  for (int q = 0; q < 4; ++q) {
    v[2 * q] = _mm_unpacklo_epi64(u[q], u[4 + q]);
    v[2 * q + 1] = _mm_unpackhi_epi64(u[q], u[4 + q]);
  }
  for (int k = 0; k < n_store; ++k) {
    StoreRaws<kE>(v[k], shift, mask, y + static_cast<size_t>(k) * lanes);
  }
}

// `low` in every lane of a register of int64 / int32 lanes (StoreRaws' mask).
inline __m512i LowBits(const int64_t*, int64_t low) { return _mm512_set1_epi64(low); }
inline __m256i LowBits(const int32_t*, int64_t low) {
  return _mm256_set1_epi32(static_cast<int32_t>(low));
}

template <Extend kE, typename T>
int UnpackTiles(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                T* x) {
  constexpr int kLaneBits = 8 * static_cast<int>(sizeof(T));
  const __m128i shift = _mm_cvtsi32_si128(kLaneBits - type.width);
  const auto mask = LowBits(x, (int64_t{1} << type.width) - 1);
  const size_t sample_bytes = static_cast<size_t>(n_features) * 2;
  const size_t end = static_cast<size_t>(count) * sample_bytes;
  // Each tile reads words f0..f0+7 of every sample; the last tile of a sample starts at
  // last_f0 (it overlaps the one before when 8 does not divide n_features). With fewer than 8
  // features a load runs into the next sample, so the last samples may be left to the caller.
  const int last_f0 = n_features >= 8 ? n_features - 8 : 0;
  const int n_store = n_features >= 8 ? 8 : n_features;
  int b0 = 0;
  for (; b0 + 8 <= count && (b0 + 7) * sample_bytes + 2 * last_f0 + 16 <= end; b0 += 8) {
    const uint8_t* row = in + b0 * sample_bytes;
    for (int f0 = 0;; f0 = f0 + 8 < last_f0 ? f0 + 8 : last_f0) {
      UnpackTile<kE>(row + 2 * f0, sample_bytes, n_store, lanes, shift, mask,
                     x + static_cast<size_t>(f0) * lanes + b0);
      if (f0 == last_f0) break;
    }
  }
  return b0;
}

template <typename T>
int UnpackWords(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                T* x) {
  static const bool available = __builtin_cpu_supports("avx512f");
  if (!available || type.container_bytes() != 2 || lanes % 8 != 0 || n_features < 1) return 0;
  if (!type.is_signed) {
    return UnpackTiles<Extend::kUnsigned>(type, in, n_features, count, lanes, x);
  }
  if (type.width == 16) {
    return UnpackTiles<Extend::kSigned16>(type, in, n_features, count, lanes, x);
  }
  return UnpackTiles<Extend::kSigned>(type, in, n_features, count, lanes, x);
}

}  // namespace

int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int64_t* x) {
  return UnpackWords(type, in, n_features, count, lanes, x);
}
int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int32_t* x) {
  return UnpackWords(type, in, n_features, count, lanes, x);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

int UnpackWordsAvx512(const FixedType&, const uint8_t*, int, int, int, int64_t*) { return 0; }
int UnpackWordsAvx512(const FixedType&, const uint8_t*, int, int, int, int32_t*) { return 0; }

}  // namespace fpgaas::numerics::internal

#endif
