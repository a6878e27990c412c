// Private to network_layernorm_avx512.cc / network_layernorm_avx2.cc: LayerNormRow
// (network_layernorm_kernel.h) written once over network_lanes.h's 8 int64 lanes, built in each
// file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_LANES_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_lanes.h"
#include "server/numerics/network_layernorm_kernel.h"

namespace fpgaas::numerics::internal {
namespace {

// The constants of a plan in registers.
struct LayerNormConsts {
  VConvert in_to_accum, sum_to_accum, product_to_accum, to_result;
  I64x8 k_inv, table_size, max_index, round_mask;
  Shift index_shift, product_shift;
};

// 8 * K lanes of one row (its value i at x[i * row]); K vectors at a time: independent
// dependency chains through the serial sums and the table read, and each conversion step's
// branch taken once for all K (ApplyShaped). scratch holds 8 * K * dim values.
template <int K>
FPGAAS_LANES_INLINE void LayerNormLanes(const LayerNormKernelPlan& p, const LayerNormConsts& c,
                                        const int64_t* x, int64_t* y, size_t row,
                                        int64_t* scratch) {
  const int dim = p.dim;
  I64x8 s[K], v[K], mean[K], t[K];
  // accum_t(x) and their sum.
  for (int k = 0; k < K; ++k) s[k] = Zero();
  for (int i = 0; i < dim; ++i) {
    for (int k = 0; k < K; ++k) v[k] = LoadLanes(x + i * row + 8 * k);
    ApplyShaped(c.in_to_accum, v);
    for (int k = 0; k < K; ++k) {
      StoreLanes(scratch + 8 * (k * dim + i), v[k]);
      s[k] = Add(s[k], v[k]);
    }
    ApplyShaped(c.sum_to_accum, s);
  }
  for (int k = 0; k < K; ++k) mean[k] = Mul32(s[k], c.k_inv);
  ApplyShaped(c.product_to_accum, mean);
  // The differences e and the sum of their squares.
  for (int k = 0; k < K; ++k) s[k] = Zero();
  for (int i = 0; i < dim; ++i) {
    for (int k = 0; k < K; ++k) v[k] = Sub(LoadLanes(scratch + 8 * (k * dim + i)), mean[k]);
    ApplyShaped(c.sum_to_accum, v);
    for (int k = 0; k < K; ++k) {
      StoreLanes(scratch + 8 * (k * dim + i), v[k]);
      v[k] = Mul32(v[k], v[k]);
    }
    ApplyShaped(c.product_to_accum, v);
    for (int k = 0; k < K; ++k) s[k] = Add(s[k], v[k]);
    ApplyShaped(c.sum_to_accum, s);
  }
  for (int k = 0; k < K; ++k) s[k] = Mul32(s[k], c.k_inv);
  ApplyShaped(c.product_to_accum, s);  // var
  for (int k = 0; k < K; ++k) {
    // The table index: var * table_size / 2^shift truncated toward zero, its low 32 bits,
    // clamped.
    const I64x8 num = Mul32(s[k], c.table_size);
    const I64x8 q = Sra(Add(num, And(SignMask(num), c.round_mask)), c.index_shift);
    const I64x8 index = Min(Max(SignExtendLow32(q), Zero()), c.max_index);
    t[k] = Gather(p.table, index);
  }
  // y = res_t(e * t * s + b).
  for (int i = 0; i < dim; ++i) {
    const I64x8 scale = Set1(p.scales[i]);
    const I64x8 bias = Set1(p.bias_aligned[i]);
    for (int k = 0; k < K; ++k) {
      const I64x8 es = Mul32(LoadLanes(scratch + 8 * (k * dim + i)), scale);
      const I64x8 est = p.scaled_fits_int32 ? Mul32(es, t[k]) : MulLo64(es, t[k]);
      v[k] = Add(Sll(est, c.product_shift), bias);
    }
    ApplyShaped(c.to_result, v);
    for (int k = 0; k < K; ++k) StoreLanes(y + i * row + 8 * k, v[k]);
  }
}

bool LayerNormRowOnLanes(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                         int64_t* scratch) {
  if (lanes % 16 != 0 || lanes > kKernelBlock) return false;
  const LayerNormConsts c{Load(p.in_to_accum),
                          Load(p.sum_to_accum),
                          Load(p.product_to_accum),
                          Load(p.to_result),
                          Set1(p.k_inv),
                          Set1(p.table_size),
                          Set1(p.table_size - 1),
                          Set1((int64_t{1} << p.index_shift) - 1),
                          ShiftBy(p.index_shift),
                          ShiftBy(p.product_shift)};
  const size_t row = static_cast<size_t>(lanes);
  size_t q = 0;
  // 4 vectors at a time where the registers hold them (AVX-512: layernorm model 3.1 -> 3.5
  // GMAC/s); on AVX2 4 measured 4 % slower than 2.
  if constexpr (kLiveLanes8 >= 4) {
    for (; q + 32 <= row; q += 32) LayerNormLanes<4>(p, c, x + q, y + q, row, scratch);
  }
  for (; q < row; q += 16) LayerNormLanes<2>(p, c, x + q, y + q, row, scratch);
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_LANES_H_
