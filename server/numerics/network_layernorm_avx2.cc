// LayerNormRowAvx2 (network_layernorm_kernel.h) on AVX2: network_layernorm_lanes.h built with
// -mavx2 (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_layernorm_kernel.h"

#if defined(__AVX2__)
#include "server/numerics/network_layernorm_lanes.h"

namespace fpgaas::numerics::internal {

bool LayerNormRowAvx2(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                      int64_t* scratch) {
  return LayerNormRowOnLanes(p, x, y, lanes, scratch);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX2__

namespace fpgaas::numerics::internal {

bool LayerNormRowAvx2(const LayerNormKernelPlan&, const int64_t*, int64_t*, int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
