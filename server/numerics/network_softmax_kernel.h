// Private to server/numerics: the stable (hls4ml >= 1.0) and latency softmax of network.cc's
// SoftmaxSliceBlock as one explicit vector kernel (network_softmax_lanes.h, built for AVX-512F and
// for AVX2): every step of a lane (maximum, normalization, exp lookup, the sum tree, inverse
// lookup, products, result conversion) in registers, where the block form makes one pass over
// memory per step.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_KERNEL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_KERNEL_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::internal {

// The layer's recipe (CompiledLayer's softmax_* fields), for one slice of n values per lane:
//   stable:  e_j = exp_table[index(norm(max_k x_k - x_j))];  latency: e_j = exp_table[index(x_j)]
//   sum = nnet::reduce's tree over e_0..e_{n-1}, every pairwise sum through `add` (n == 1: e_0)
//   y_j = out(e_j * inv_table[inv_index(inv_inp(sum))])
// with index(v) = (uint64(v) & exp_mask) >> exp_shift (the same for inv_index) and 0 <= shifts
// < 64. products_32: every exp and inv table entry fits int32. Raws x of at most 61 bits.
struct SoftmaxKernelPlan {
  int n = 1;
  bool stable = true;
  VectorConvert norm, add, inv_inp, out;
  const int64_t* exp_table = nullptr;
  uint64_t exp_mask = 0;
  int exp_shift = 0;
  const int64_t* inv_table = nullptr;
  uint64_t inv_mask = 0;
  int inv_shift = 0;
  bool products_32 = false;
};

// groups slices: value j of slice g for lane b at x[g * group_step + j * row_step + b], b < lanes
// (a multiple of 8), its result at the same place in y (y may be x). scratch holds 32 * n values.
// False (nothing written) when lanes is not a multiple of 8 or this build has no such
// instruction set (callers pick one KernelIsaAvailable reports when they plan).
using SoftmaxSlicesFn = bool (*)(const SoftmaxKernelPlan& p, const int64_t* x, int64_t* y,
                                 size_t row_step, size_t group_step, int groups, int lanes,
                                 int64_t* scratch);
bool SoftmaxSlicesAvx512(const SoftmaxKernelPlan& p, const int64_t* x, int64_t* y, size_t row_step,
                         size_t group_step, int groups, int lanes, int64_t* scratch);
bool SoftmaxSlicesAvx2(const SoftmaxKernelPlan& p, const int64_t* x, int64_t* y, size_t row_step,
                       size_t group_step, int groups, int lanes, int64_t* scratch);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_KERNEL_H_
