// Private to server/numerics: one row of LayerNormLayer's block form (network_layernorm.cc) as
// one explicit vector kernel over the lanes (network_layernorm_lanes.h, built for AVX-512F and for
// AVX2), every step of a lane in registers.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_KERNEL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_KERNEL_H_

#include <cstdint>

#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::internal {

// LayerNormLayer::RunBlock's arithmetic (its Fast recipes). Every multiplied accum, table and
// scale raw lies within int32 (checked by the layer before it plans the kernel), and the table
// index is trunc(var * table_size / 2^index_shift) with 0 <= index_shift < 63.
struct LayerNormKernelPlan {
  int dim = 0;
  VectorConvert in_to_accum, sum_to_accum, product_to_accum, to_result;
  int64_t k_inv = 0;
  const int64_t* table = nullptr;
  int64_t table_size = 0;
  int index_shift = 0;
  const int64_t* scales = nullptr;
  const int64_t* bias_aligned = nullptr;
  int product_shift = 0;
  bool scaled_fits_int32 = false;  // every e * scale lies within int32 (e * s * t as Mul32)
};

// One row of dim values for lanes (a multiple of 16, at most kKernelBlock): x[i * lanes + b] ->
// y[i * lanes + b]; scratch holds min(lanes, 32) * dim values. False (nothing written) when this
// build has no such instruction set (callers pick one KernelIsaAvailable reports when they plan).
using LayerNormRowFn = bool (*)(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y,
                                int lanes, int64_t* scratch);
bool LayerNormRowAvx512(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                        int64_t* scratch);
bool LayerNormRowAvx2(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                      int64_t* scratch);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_KERNEL_H_
