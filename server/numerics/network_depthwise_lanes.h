// Private to network_depthwise_avx512.cc / network_depthwise_avx2.cc: DepthwisePixel
// (network_depthwise_kernel.h) written once over network_lanes.h's 8 int64 lanes, built in each
// file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_LANES_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_depthwise_kernel.h"
#include "server/numerics/network_lanes.h"

namespace fpgaas::numerics::internal {
namespace {

// 8 * K lanes of every channel at a time (a row of `row` lanes), each channel's K accumulators in
// registers over the taps.
template <int K>
void DepthwisePixelLanes(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                         int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                         size_t row, int64_t* y) {
  const VConvert product = Load(p.product_to_accum), sum = Load(p.sum_to_accum),
                 to_result = Load(p.to_result);
  for (size_t q0 = 0; q0 < row; q0 += 8 * K) {
    for (int ch = 0; ch < n_chan; ++ch) {
      const size_t at = static_cast<size_t>(ch) * row + q0;
      I64x8 acc[K], term[K];
      for (int k = 0; k < K; ++k) acc[k] = Set1(bias[ch]);
      for (int t = 0; t < n_taps; ++t) {
        const I64x8 w = Set1(weights[w0[t] + static_cast<size_t>(ch)]);
        for (int k = 0; k < K; ++k) term[k] = Mul32(LoadLanes(px[t] + at + 8 * k), w);
        ApplyN(product, term);
        for (int k = 0; k < K; ++k) acc[k] = Add(acc[k], term[k]);
        ApplyN(sum, acc);
      }
      ApplyN(to_result, acc);
      for (int k = 0; k < K; ++k) StoreLanes(y + at + 8 * k, acc[k]);
    }
  }
}

bool DepthwisePixelOnLanes(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                           int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                           int lanes, int64_t* y) {
  // 64 lanes at once on AVX-512F (16 of 32 zmm live), 32 on AVX2 (spills some of the 16 ymm, yet
  // measured 2 % faster than 16 or 64 lanes: sepconv batches of 1024, 0.590 / 0.602 / 0.598 ms).
  constexpr int K = kLiveLanes8 >= 8 ? 8 : 4;
  if (lanes == kKernelBlock) {
    DepthwisePixelLanes<K>(p, px, w0, n_taps, weights, bias, n_chan, kKernelBlock, y);
    return true;
  }
  if (lanes == kSmallBlock) {
    constexpr int kSmall = K < kSmallBlock / 8 ? K : kSmallBlock / 8;
    DepthwisePixelLanes<kSmall>(p, px, w0, n_taps, weights, bias, n_chan, kSmallBlock, y);
    return true;
  }
  return false;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_LANES_H_
