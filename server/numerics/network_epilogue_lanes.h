// Private to the explicit-ISA dense kernels on int64 rows (network_dense64_avx512.cc,
// network_dense64_avx2.cc, network_dense_fma_avx2.cc): the dense epilogue of one output row in
// one pass over network_lanes.h's 8 int64 lanes, built in each file with its instruction set
// (which defines FPGAAS_KERNEL_CLONES for network_kernels_inline.h: FastEpilogue, the fallback).
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_EPILOGUE_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_EPILOGUE_LANES_H_

#include <cstdint>

#include "server/numerics/network_kernels_inline.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_lanes.h"

namespace fpgaas::numerics::internal {
namespace {

// EpilogueTail's steps, each a VectorConvert: the wrap to accum_t (kWrap), the result, the batch
// norm's 32x32->64 product and its result, the relu and its result. `vector` is false for a batch
// norm without bn_mul32 (a 64x64 product, which neither instruction set has): FastEpilogue then.
struct VEpilogue {
  bool vector;
  Shift wrap_shift, bn_shift;
  I64x8 wrap_mask;
  VConvert to_result, bn_result, relu_result;
};

FPGAAS_LANES_INLINE VEpilogue LoadEpilogue(const DenseFastParams& p, const DenseEpilogue& e) {
  const bool wraps = p.overflow == AccumOverflow::kWrap;  // acc_width <= 62 then
  return VEpilogue{e.bn_scale == nullptr || e.bn_mul32,
                   ShiftBy(wraps ? 64 - p.acc_width : 0),
                   ShiftBy(e.bn_shift_left),
                   Set1(wraps ? static_cast<int64_t>((uint64_t{1} << p.acc_width) - 1) : -1),
                   Load(VectorConvert::Of(e.to_result)),
                   Load(VectorConvert::Of(e.bn_result)),
                   Load(VectorConvert::Of(e.relu_result))};
}

// Output j's n sums (acc, n a multiple of 8) to y, K vectors at a time while they last.
template <AccumOverflow kO, int K>
FPGAAS_LANES_INLINE int EpilogueLanes(const VEpilogue& c, const DenseFastParams& p,
                                      const DenseEpilogue& e, int j, const int64_t* acc, int b,
                                      int n, int64_t* y) {
  const bool bn = e.bn_scale != nullptr;
  const I64x8 scale = Set1(bn ? static_cast<int32_t>(e.bn_scale[j]) : 0);
  const I64x8 bias = Set1(bn ? e.bn_bias[j] : 0);
  for (; b + 8 * K <= n; b += 8 * K) {
    I64x8 v[K];
    for (int k = 0; k < K; ++k) {
      v[k] = LoadLanes(acc + b + 8 * k);
      if constexpr (kO == AccumOverflow::kWrap) {
        v[k] = p.acc_signed ? Sra(Sll(v[k], c.wrap_shift), c.wrap_shift) : And(v[k], c.wrap_mask);
      }
    }
    ApplyN(c.to_result, v);
    if (bn) {
      for (int k = 0; k < K; ++k) v[k] = Add(Sll(Mul32(v[k], scale), c.bn_shift), bias);
      ApplyN(c.bn_result, v);
    }
    if (e.relu) {
      for (int k = 0; k < K; ++k) v[k] = Max(v[k], Zero());
      ApplyN(c.relu_result, v);
    }
    for (int k = 0; k < K; ++k) StoreLanes(y + b + 8 * k, v[k]);
  }
  return b;
}

// The row in one pass (c.vector), else FastEpilogue (t: its scratch of n values). Out of line:
// inlined, its constants stayed live in registers across the MAC loops (spills).
template <AccumOverflow kO>
__attribute__((noinline)) void EpilogueRow(const VEpilogue& c, const DenseFastParams& p,
                                           const DenseEpilogue& e, int j, const int64_t* acc,
                                           int64_t* t, int n, int64_t* y) {
  if (!c.vector || n % 8 != 0) return FastEpilogue<int64_t, kO>(p, e, j, acc, t, n, y);
  // 4 vectors at a time where the registers hold them (AVX-512), then 2 and 1.
  const int b = kLiveLanes8 >= 4 ? EpilogueLanes<kO, 4>(c, p, e, j, acc, 0, n, y) : 0;
  EpilogueLanes<kO, 1>(c, p, e, j, acc, EpilogueLanes<kO, 2>(c, p, e, j, acc, b, n, y), n, y);
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_EPILOGUE_LANES_H_
