// CellStepAvx512 (network_recurrent_cell.h) on AVX-512F: network_recurrent_lanes.h built with
// -mavx512f (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_recurrent_cell.h"

#if defined(__AVX512F__)
#include "server/numerics/network_recurrent_lanes.h"

namespace fpgaas::numerics::internal {

bool CellStepAvx512(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
                    int lanes) {
  return CellStepOnLanes(p, a, b, h, c, lanes);
}
bool CellStepAvx512(const CellPlan& p, const int32_t* a, const int32_t* b, int32_t* h, int64_t* c,
                    int lanes) {
  return CellStepOnLanes(p, a, b, h, c, lanes);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX512F__

namespace fpgaas::numerics::internal {

bool CellStepAvx512(const CellPlan&, const int64_t*, const int64_t*, int64_t*, int64_t*, int) {
  return false;
}
bool CellStepAvx512(const CellPlan&, const int32_t*, const int32_t*, int32_t*, int64_t*, int) {
  return false;
}

}  // namespace fpgaas::numerics::internal

#endif
