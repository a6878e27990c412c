// Private to server/numerics: TableActivation's row functions (network_activations.cc:
// SigmoidLikeRows, EluRows) as explicit vector kernels (network_table_rows_lanes.h, built for
// AVX-512F and for AVX2): the index arithmetic, the positive side and the table read (a gather)
// in one pass.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_KERNEL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_KERNEL_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::internal {

// The caller's recipe, for raws x within [-2^30, 2^31) (inputs of at most 31 bits), table_size
// and factor within int32, and 0 < shift < 63:
// softplus/softsign (elu false): y = out[clamp(int32(trunc(x * table_size / 2^shift)) +
// table_size / 2, 0, table_size - 1)];
// elu/selu: y = x >= 0 ? positive(x * factor) : out[min((-x * table_size) >> shift,
// table_size - 1)].
struct TableRowsPlan {
  bool elu = false;
  const int64_t* out = nullptr;
  int64_t table_size = 0;
  int shift = 1;
  VectorConvert positive;
  int64_t factor = 1;
};

// n values x -> y; n a multiple of 16. False (nothing written) otherwise or when this build has no
// such instruction set (callers pick one KernelIsaAvailable reports when they plan).
using TableRowsFn = bool (*)(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y);
bool TableRowsAvx512(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y);
bool TableRowsAvx2(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_KERNEL_H_
