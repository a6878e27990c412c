// LayerNormRowAvx512 (network_layernorm_kernel.h) on AVX-512F: network_layernorm_lanes.h built with
// -mavx512f (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_layernorm_kernel.h"

#if defined(__AVX512F__)
#include "server/numerics/network_layernorm_lanes.h"

namespace fpgaas::numerics::internal {

bool LayerNormRowAvx512(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                        int64_t* scratch) {
  return LayerNormRowOnLanes(p, x, y, lanes, scratch);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool LayerNormRowAvx512(const LayerNormKernelPlan&, const int64_t*, int64_t*, int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
