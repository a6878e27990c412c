// Private to server/numerics: one output pixel of ConvLayer's depthwise block form
// (network_layers.cc) as one explicit vector kernel (network_depthwise_lanes.h, built for
// AVX-512F and for AVX2): each channel's accumulators stay in registers over the window's taps.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_KERNEL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_KERNEL_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::internal {

// RunDepthwiseBlock's recipes (inputs and weights within int32: 32x32->64 products).
struct DepthwiseKernelPlan {
  VectorConvert product_to_accum, sum_to_accum, to_result;
};

// For every channel ch < n_chan and lane: acc = bias[ch]; for each tap k < n_taps in order,
// acc = sum_to_accum(acc + product_to_accum(px[k][ch * lanes + b] * weights[w0[k] + ch]));
// y[ch * lanes + b] = to_result(acc). False (nothing written) unless lanes is kSmallBlock or
// kKernelBlock, or when this build has no such instruction set (callers pick one
// KernelIsaAvailable reports when they plan).
using DepthwisePixelFn = bool (*)(const DepthwiseKernelPlan& p, const int64_t* const* px,
                                  const size_t* w0, int n_taps, const int64_t* weights,
                                  const int64_t* bias, int n_chan, int lanes, int64_t* y);
bool DepthwisePixelAvx512(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                          int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                          int lanes, int64_t* y);
bool DepthwisePixelAvx2(const DepthwiseKernelPlan& p, const int64_t* const* px, const size_t* w0,
                        int n_taps, const int64_t* weights, const int64_t* bias, int n_chan,
                        int lanes, int64_t* y);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_DEPTHWISE_KERNEL_H_
