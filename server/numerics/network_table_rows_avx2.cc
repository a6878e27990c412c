// TableRowsAvx2 (network_table_rows_kernel.h) on AVX2: network_table_rows_lanes.h built with -mavx2
// (CMakeLists.txt); without it (the portable test build) only the stubs remain.
#include "server/numerics/network_table_rows_kernel.h"

#if defined(__AVX2__)
#include "server/numerics/network_table_rows_lanes.h"

namespace fpgaas::numerics::internal {

bool TableRowsAvx2(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y) {
  return TableRowsOnLanes(p, x, n, y);
}

}  // namespace fpgaas::numerics::internal

#else  // !__AVX2__

namespace fpgaas::numerics::internal {

bool TableRowsAvx2(const TableRowsPlan&, const int64_t*, size_t, int64_t*) { return false; }

}  // namespace fpgaas::numerics::internal

#endif
