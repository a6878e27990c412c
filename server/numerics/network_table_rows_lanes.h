// Private to network_table_rows_avx512.cc / network_table_rows_avx2.cc: TableRows
// (network_table_rows_kernel.h) written once over network_lanes.h's 8 int64 lanes, built in each
// file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_LANES_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_lanes.h"
#include "server/numerics/network_table_rows_kernel.h"

namespace fpgaas::numerics::internal {
namespace {

bool TableRowsOnLanes(const TableRowsPlan& p, const int64_t* x, size_t n, int64_t* y) {
  if (n % 16 != 0) return false;
  const I64x8 size = Set1(p.table_size);
  const I64x8 last = Set1(p.table_size - 1);
  const I64x8 zero = Zero();
  const Shift shift = ShiftBy(p.shift);
  if (!p.elu) {
    const I64x8 half = Set1(p.table_size / 2);
    const I64x8 round = Set1((int64_t{1} << p.shift) - 1);  // toward zero
    for (size_t k = 0; k < n; k += 8) {
      const I64x8 num = Mul32(LoadLanes(x + k), size);
      const I64x8 q = Sra(Add(num, And(SignMask(num), round)), shift);
      const I64x8 index = Min(Max(Add(SignExtendLow32(q), half), zero), last);
      StoreLanes(y + k, Gather(p.out, index));
    }
    return true;
  }
  const VConvert positive = Load(p.positive);
  const I64x8 factor = Set1(p.factor);
  constexpr int K = 2;  // each conversion step once for two vectors (ApplyN)
  for (size_t k = 0; k < n; k += 8 * K) {
    I64x8 v[K], xs[K];
    for (int u = 0; u < K; ++u) {
      xs[u] = LoadLanes(x + k + 8 * u);
      v[u] = Mul32(xs[u], factor);
    }
    ApplyN(positive, v);
    for (int u = 0; u < K; ++u) {
      const I64x8 index = Min(Sra(Mul32(Sub(zero, xs[u]), size), shift), last);
      StoreLanes(y + k + 8 * u, GatherWhere(IsNegative(xs[u]), p.out, index, v[u]));
    }
  }
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_TABLE_ROWS_LANES_H_
