// Private to server/numerics: the state update of one LSTM / GRU step (RecurrentLayer's
// FastCellStep, network_recurrent.cc) as one explicit vector kernel over the lanes
// (network_recurrent_lanes.h, built for AVX-512F and for AVX2), every gate, product and rounding
// of a lane in registers.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_CELL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_CELL_H_

#include <cstdint>
#include <optional>

#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::internal {

// StepActivation::Row (network_recurrent.cc) for the kernel: relu, y = convert(max(x, 0)); else
// the table read y = table[clamp(int32(trunc(x * size / 2^e)) + offset, 0, size - 1)] with
// 0 < e < 63.
struct CellActivation {
  bool relu = false;
  VectorConvert relu_convert;
  const int64_t* table = nullptr;
  int64_t size = 0, offset = 0;
  int e = 1;
};

// One step's arithmetic (FastCellStep's): every multiplied operand lies within int32 (checked by
// RecurrentLayer before it plans the kernel: 32x32->64 multiplies).
struct CellPlan {
  bool lstm = true;
  int n_state = 0;
  VectorConvert sum, to_c, to_h, to_rb;
  CellActivation recr, act, act_of_state;
  int s_gi = 0, s_cf = 0;                           // LSTM
  int z0 = 0, r0 = 0, s_z = 0, s_t1 = 0, s_t2 = 0;  // GRU
  int64_t one = 0;
  // The int32 form: the gates' sums, their conversion (sum, an overflow step only) and the table
  // indexes of recr and act (|x * size| < 2^31, e <= 30) exact in int32 lanes.
  bool gates32 = false;
};

// The step for lanes (a multiple of 8, at most kKernelBlock): a, b rows k of gates * n_state at
// [k * lanes], h, c rows j at [j * lanes]. False (nothing written) when this build has no such
// instruction set (callers pick one KernelIsaAvailable reports). The int32 form holds a, b and h in int32 lanes (the dense kernels' kWrap32 / kFast32
// lanes; h's raws of R fit them, as CellPlan's operands do).
bool CellStepAvx512(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
                    int lanes);
bool CellStepAvx512(const CellPlan& p, const int32_t* a, const int32_t* b, int32_t* h, int64_t* c,
                    int lanes);
bool CellStepAvx2(const CellPlan& p, const int64_t* a, const int64_t* b, int64_t* h, int64_t* c,
                  int lanes);
bool CellStepAvx2(const CellPlan& p, const int32_t* a, const int32_t* b, int32_t* h, int64_t* c,
                  int lanes);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_CELL_H_
