// SoftmaxSlicesAvx512 (network_softmax_kernel.h) on AVX-512F: network_softmax_lanes.h built with
// -mavx512f (CMakeLists.txt); without it (the portable test build) only the stub remains.
#include "server/numerics/network_softmax_kernel.h"

#if defined(__AVX512F__)
#include "server/numerics/network_softmax_lanes.h"

namespace fpgaas::numerics::internal {

bool SoftmaxSlicesAvx512(const SoftmaxKernelPlan& p, const int64_t* x, int64_t* y, size_t row_step,
                         size_t group_step, int groups, int lanes, int64_t* scratch) {
  return SoftmaxSlicesOnLanes(p, x, y, row_step, group_step, groups, lanes, scratch);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool SoftmaxSlicesAvx512(const SoftmaxKernelPlan&, const int64_t*, int64_t*, size_t, size_t, int,
                         int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
