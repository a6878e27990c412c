// UnpackWordsAvx512 (network_unpack_kernel.h) on AVX-512F: network_unpack_lanes.h built with
// -mavx512f (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_unpack_kernel.h"

#if defined(__AVX512F__)
#include "server/numerics/network_unpack_lanes.h"

namespace fpgaas::numerics::internal {

int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int64_t* x) {
  return UnpackWordsOnLanes(type, in, n_features, count, lanes, x);
}
int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int32_t* x) {
  return UnpackWordsOnLanes(type, in, n_features, count, lanes, x);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

int UnpackWordsAvx512(const FixedType&, const uint8_t*, int, int, int, int64_t*) { return 0; }
int UnpackWordsAvx512(const FixedType&, const uint8_t*, int, int, int, int32_t*) { return 0; }

}  // namespace fpgaas::numerics::internal

#endif
