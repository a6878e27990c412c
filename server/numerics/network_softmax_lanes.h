// Private to network_softmax_avx512.cc / network_softmax_avx2.cc: SoftmaxSlices
// (network_softmax_kernel.h) written once over network_lanes.h's 8 int64 lanes, built in each file
// with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_LANES_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_lanes.h"
#include "server/numerics/network_softmax_kernel.h"

namespace fpgaas::numerics::internal {
namespace {

// nnet::reduce's tree over n values as a run of perfect binary trees: for n >= 3 the first L
// values (L the largest power of two <= n - 1) form one, the rest follow the same rule; n <= 2 is
// one tree. The sums of the runs combine from the right: s_0 + (s_1 + (... + s_last)).
struct ReduceRuns {
  int log2_size[32];  // n < 2^31: at most 31 runs
  int count = 0;
  explicit ReduceRuns(int n) {
    while (n >= 3) {
      int log2 = 0;
      while ((int64_t{2} << log2) <= n - 1) ++log2;
      log2_size[count++] = log2;
      n -= 1 << log2;
    }
    log2_size[count++] = n == 2 ? 1 : 0;
  }
};

// The constants of a plan in registers.
struct SoftmaxConsts {
  VConvert norm, add, inv_inp, out;
  I64x8 exp_mask, inv_mask;
  Shift exp_shift, inv_shift;
};

// 8 * K lanes of one slice (its value j at x[j * row_step]); K vectors at a time, each
// step's conversion branches taken once for all K (ApplyShaped) and K independent chains through
// the table reads. scratch holds 8 * K * n values.
template <int K>
FPGAAS_LANES_INLINE void SoftmaxLanes(const SoftmaxKernelPlan& p, const SoftmaxConsts& c,
                                      const ReduceRuns& runs, const int64_t* x, int64_t* y,
                                      size_t row_step, int64_t* scratch) {
  const int n = p.n;
  I64x8 max[K], v[K];
  if (p.stable) {
    for (int k = 0; k < K; ++k) max[k] = LoadLanes(x + 8 * k);
    for (int j = 1; j < n; ++j) {
      for (int k = 0; k < K; ++k) max[k] = Max(max[k], LoadLanes(x + j * row_step + 8 * k));
    }
  }
  // The exponentials (kept in scratch for the products) and, as they come, each run's perfect
  // tree: pending[level] holds the sum of the last 2^level values not yet paired.
  I64x8 run_sum[32][K];
  int j = 0;
  for (int r = 0; r < runs.count; ++r) {
    I64x8 pending[32][K];
    for (int i = 0; i < 1 << runs.log2_size[r]; ++i, ++j) {
      for (int k = 0; k < K; ++k) {
        const I64x8 xj = LoadLanes(x + j * row_step + 8 * k);
        v[k] = p.stable ? Sub(max[k], xj) : xj;
      }
      if (p.stable) ApplyShaped(c.norm, v);
      for (int k = 0; k < K; ++k) {
        v[k] = Gather(p.exp_table, Srl(And(v[k], c.exp_mask), c.exp_shift));
        StoreLanes(scratch + 8 * (j * K + k), v[k]);
      }
      int level = 0;
      for (int pairs = i; pairs & 1; pairs >>= 1, ++level) {
        for (int k = 0; k < K; ++k) v[k] = Add(pending[level][k], v[k]);
        ApplyShaped(c.add, v);
      }
      for (int k = 0; k < K; ++k) pending[level][k] = v[k];
    }
    for (int k = 0; k < K; ++k) run_sum[r][k] = pending[runs.log2_size[r]][k];
  }
  for (int k = 0; k < K; ++k) v[k] = run_sum[runs.count - 1][k];
  for (int r = runs.count - 2; r >= 0; --r) {
    for (int k = 0; k < K; ++k) v[k] = Add(run_sum[r][k], v[k]);
    ApplyShaped(c.add, v);
  }
  ApplyShaped(c.inv_inp, v);
  I64x8 inv[K];
  for (int k = 0; k < K; ++k) {
    inv[k] = Gather(p.inv_table, Srl(And(v[k], c.inv_mask), c.inv_shift));
  }
  for (j = 0; j < n; ++j) {
    for (int k = 0; k < K; ++k) {
      const I64x8 e = LoadLanes(scratch + 8 * (j * K + k));
      v[k] = p.products_32 ? Mul32(e, inv[k]) : MulLo64(e, inv[k]);
    }
    ApplyShaped(c.out, v);
    for (int k = 0; k < K; ++k) StoreLanes(y + j * row_step + 8 * k, v[k]);
  }
}

bool SoftmaxSlicesOnLanes(const SoftmaxKernelPlan& p, const int64_t* x, int64_t* y, size_t row_step,
                          size_t group_step, int groups, int lanes, int64_t* scratch) {
  if (lanes % 8 != 0) return false;
  const SoftmaxConsts c{Load(p.norm),
                        Load(p.add),
                        Load(p.inv_inp),
                        Load(p.out),
                        Set1(static_cast<int64_t>(p.exp_mask)),
                        Set1(static_cast<int64_t>(p.inv_mask)),
                        ShiftBy(p.exp_shift),
                        ShiftBy(p.inv_shift)};
  const ReduceRuns runs(p.n);
  for (int g = 0; g < groups; ++g) {
    const int64_t* xg = x + g * group_step;
    int64_t* yg = y + g * group_step;
    int q = 0;
    for (; q + 32 <= lanes; q += 32) SoftmaxLanes<4>(p, c, runs, xg + q, yg + q, row_step, scratch);
    for (; q + 16 <= lanes; q += 16) SoftmaxLanes<2>(p, c, runs, xg + q, yg + q, row_step, scratch);
    if (q < lanes) SoftmaxLanes<1>(p, c, runs, xg + q, yg + q, row_step, scratch);
  }
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_SOFTMAX_LANES_H_
