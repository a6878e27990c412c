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

bool LayerNormRowOnLanes(const LayerNormKernelPlan& p, const int64_t* x, int64_t* y, int lanes,
                         int64_t* scratch) {
  if (lanes % 16 != 0 || lanes > kKernelBlock) return false;
  const VConvert in_to_accum = Load(p.in_to_accum), sum_to_accum = Load(p.sum_to_accum),
                 product_to_accum = Load(p.product_to_accum), to_result = Load(p.to_result);
  const I64x8 k_inv = Set1(p.k_inv), table_size = Set1(p.table_size);
  const I64x8 max_index = Set1(p.table_size - 1);
  const I64x8 round_mask = Set1((int64_t{1} << p.index_shift) - 1);
  const Shift index_shift = ShiftBy(p.index_shift), product_shift = ShiftBy(p.product_shift);
  const size_t row = static_cast<size_t>(lanes);
  const int dim = p.dim;
  // K vectors of 8 lanes at a time: independent dependency chains through the serial sums, and
  // each conversion step's branch taken once for all K (ApplyN).
  constexpr int K = 2;
  for (size_t q0 = 0; q0 < row; q0 += 8 * K) {
    I64x8 s[K], v[K], mean[K], t[K];
    // accum_t(x) and their sum.
    for (int c = 0; c < K; ++c) s[c] = Zero();
    for (int i = 0; i < dim; ++i) {
      for (int c = 0; c < K; ++c) v[c] = LoadLanes(x + i * row + q0 + 8 * c);
      ApplyN(in_to_accum, v);
      for (int c = 0; c < K; ++c) {
        StoreLanes(scratch + 8 * (c * dim + i), v[c]);
        s[c] = Add(s[c], v[c]);
      }
      ApplyN(sum_to_accum, s);
    }
    for (int c = 0; c < K; ++c) mean[c] = Mul32(s[c], k_inv);
    ApplyN(product_to_accum, mean);
    // The differences e and the sum of their squares.
    for (int c = 0; c < K; ++c) s[c] = Zero();
    for (int i = 0; i < dim; ++i) {
      for (int c = 0; c < K; ++c) v[c] = Sub(LoadLanes(scratch + 8 * (c * dim + i)), mean[c]);
      ApplyN(sum_to_accum, v);
      for (int c = 0; c < K; ++c) {
        StoreLanes(scratch + 8 * (c * dim + i), v[c]);
        v[c] = Mul32(v[c], v[c]);
      }
      ApplyN(product_to_accum, v);
      for (int c = 0; c < K; ++c) s[c] = Add(s[c], v[c]);
      ApplyN(sum_to_accum, s);
    }
    for (int c = 0; c < K; ++c) s[c] = Mul32(s[c], k_inv);
    ApplyN(product_to_accum, s);  // var
    for (int c = 0; c < K; ++c) {
      // The table index: var * table_size / 2^shift truncated toward zero, its low 32 bits,
      // clamped.
      const I64x8 num = Mul32(s[c], table_size);
      const I64x8 k = Sra(Add(num, And(SignMask(num), round_mask)), index_shift);
      const I64x8 index = Min(Max(SignExtendLow32(k), Zero()), max_index);
      t[c] = Gather(p.table, index);
    }
    // y = res_t(e * t * s + b).
    for (int i = 0; i < dim; ++i) {
      const I64x8 scale = Set1(p.scales[i]);
      const I64x8 bias = Set1(p.bias_aligned[i]);
      for (int c = 0; c < K; ++c) {
        const I64x8 es = Mul32(LoadLanes(scratch + 8 * (c * dim + i)), scale);
        const I64x8 est = p.scaled_fits_int32 ? Mul32(es, t[c]) : MulLo64(es, t[c]);
        v[c] = Add(Sll(est, product_shift), bias);
      }
      ApplyN(to_result, v);
      for (int c = 0; c < K; ++c) StoreLanes(y + i * row + q0 + 8 * c, v[c]);
    }
  }
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_LAYERNORM_LANES_H_
