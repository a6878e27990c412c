// Private to network_unpack_avx512.cc / network_unpack_avx2.cc: UnpackWords
// (network_unpack_kernel.h) written once, its int64 stores over network_lanes.h's 8 lanes (the
// transpose is SSE2, the int32 stores AVX2), built in each file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_LANES_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_lanes.h"
#include "server/numerics/network_unpack_kernel.h"

namespace fpgaas::numerics::internal {
namespace {

enum class Extend { kSigned16, kSigned, kUnsigned };

// 8 words (one feature of 8 samples) -> 8 raws at y: int64 lanes (mask a __m512i) or int32
// lanes (mask a __m256i).
template <Extend kE, typename T, typename M>
FPGAAS_LANES_INLINE void StoreRaws(__m128i words, const Shift& shift, M mask, T* y) {
  if constexpr (sizeof(T) == 8) {
    I64x8 v = kE == Extend::kUnsigned ? WidenU16(words) : WidenI16(words);
    if constexpr (kE == Extend::kUnsigned) v = And(v, mask);
    if constexpr (kE == Extend::kSigned) v = Sra(Sll(v, shift), shift);
    StoreLanes(y, v);
  } else {
    __m256i v =
        kE == Extend::kUnsigned ? _mm256_cvtepu16_epi32(words) : _mm256_cvtepi16_epi32(words);
    if constexpr (kE == Extend::kUnsigned) v = _mm256_and_si256(v, mask);
    if constexpr (kE == Extend::kSigned) {
      v = _mm256_sra_epi32(_mm256_sll_epi32(v, shift.n), shift.n);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), v);
  }
}

// One tile: words f0..f0+7 of samples 0..7 (rows `sample_bytes` apart from `at`); features
// f0..f0+n_store-1 stored at y[(f0 + k) * lanes].
template <Extend kE, typename T, typename M>
FPGAAS_LANES_INLINE void UnpackTile(const uint8_t* at, size_t sample_bytes, int n_store, int lanes,
                                    const Shift& shift, M mask, T* y) {
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
inline I64x8 LowBits(const int64_t*, int64_t low) { return Set1(low); }
inline __m256i LowBits(const int32_t*, int64_t low) {
  return _mm256_set1_epi32(static_cast<int32_t>(low));
}

template <Extend kE, typename T>
int UnpackTiles(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                T* x) {
  constexpr int kLaneBits = 8 * static_cast<int>(sizeof(T));
  const Shift shift = ShiftBy(kLaneBits - type.width);
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
int UnpackWordsOnLanes(const FixedType& type, const uint8_t* in, int n_features, int count,
                       int lanes, T* x) {
  if (type.container_bytes() != 2 || lanes % 8 != 0 || n_features < 1) return 0;
  if (!type.is_signed) {
    return UnpackTiles<Extend::kUnsigned>(type, in, n_features, count, lanes, x);
  }
  if (type.width == 16) {
    return UnpackTiles<Extend::kSigned16>(type, in, n_features, count, lanes, x);
  }
  return UnpackTiles<Extend::kSigned>(type, in, n_features, count, lanes, x);
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_LANES_H_
