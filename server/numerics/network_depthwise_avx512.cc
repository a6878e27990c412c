// DepthwisePixelAvx512 (network_depthwise_kernel.h) on AVX-512F: network_depthwise_lanes.h built
// with -mavx512f (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_depthwise_kernel.h"

#if defined(__AVX512F__)
#include "server/numerics/network_depthwise_lanes.h"

namespace fpgaas::numerics::internal {

bool DepthwisePixelAvx512(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                          int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                          int lanes, int64_t* y) {
  return DepthwisePixelOnLanes(p, px, w0, n_taps, weights, bias, n_chan, lanes, y);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool DepthwisePixelAvx512(const DepthwiseKernelPlan&, const int64_t* const*, const size_t*, int,
                          const int64_t*, const int64_t*, int, int, int64_t*) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
