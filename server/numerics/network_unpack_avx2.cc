// UnpackWordsAvx2 (network_unpack_kernel.h) on AVX2: network_unpack_lanes.h built with -mavx2
// (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_unpack_kernel.h"

#if defined(__AVX2__)
#include "server/numerics/network_unpack_lanes.h"

namespace fpgaas::numerics::internal {

int UnpackWordsAvx2(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                    int64_t* x) {
  return UnpackWordsOnLanes(type, in, n_features, count, lanes, x);
}
int UnpackWordsAvx2(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                    int32_t* x) {
  return UnpackWordsOnLanes(type, in, n_features, count, lanes, x);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX2__

namespace fpgaas::numerics::internal {

int UnpackWordsAvx2(const FixedType&, const uint8_t*, int, int, int, int64_t*) { return 0; }
int UnpackWordsAvx2(const FixedType&, const uint8_t*, int, int, int, int32_t*) { return 0; }

}  // namespace fpgaas::numerics::internal

#endif
