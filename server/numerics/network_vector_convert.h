// Private to server/numerics: a FastConvert in the form the explicit vector kernels
// (network_*_avx512.cc, over network_vector_convert_avx512.h) apply it.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_H_

#include <cstdint>

#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics::internal {

// A FastConvert with every overflow kind in one formula (FastConvertOne's bits):
// v = ((x + rc(x)) >> shift_right) << shift_left; v = ((v << wrap_shift) >> wrap_shift) &
// wrap_mask; v = clamp(v, clamp_lo, clamp_hi); v = zero_lo <= v <= zero_hi ? v : 0. The steps a
// kind does not use are identities (wrap_shift 0, wrap_mask ~0, the int64 range).
struct VectorConvert {
  int shift_right = 0, shift_left = 0, wrap_shift = 0;
  int64_t rc_pos = 0, rc_neg = 0, conv_mask = 0;
  uint64_t wrap_mask = ~uint64_t{0};
  int64_t clamp_lo = INT64_MIN, clamp_hi = INT64_MAX, zero_lo = INT64_MIN, zero_hi = INT64_MAX;

  static VectorConvert Of(const FastConvert& c);
  // True when the conversion only wraps, clamps or zeroes, within 32 bits (no rounding, no
  // shifts): on values held in int32 lanes it is then VConvert32's (network_lanes.h).
  bool OverflowOnInt32() const;
};

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_VECTOR_CONVERT_H_
