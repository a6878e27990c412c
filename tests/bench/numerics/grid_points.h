// The grid of kernel_grid_bench (issue 12) and the C interface of its host builds.
//
// FPGAAS_GRID_POINTS(X) calls X(NAME, (input type), (weight type), (accum type), batch norm) once
// per grid point; the types are spelled out (no aliases) because kernel_grid_bench parses their
// text into the emulator's types while grid_host.cc instantiates them as ap types.
//
// grid_host.cc is built as a module once per ap types implementation (fpgaas' kernels/host, and
// Xilinx's when FPGAAS_HLS_AP_TYPES_DIR is set); kernel_grid_bench opens each with dlopen and
// drives it through the extern "C" functions below. This header includes no ap type.
#ifndef FPGAAS_TESTS_BENCH_NUMERICS_GRID_POINTS_H_
#define FPGAAS_TESTS_BENCH_NUMERICS_GRID_POINTS_H_

#include <stdint.h>

// Each grid point is a 32-64-64-16 dense network, ReLU between layers (with batch norm: dense ->
// batch norm -> ReLU), every result typed as the input.
#define FPGAAS_GRID_SIZES {32, 64, 64, 16}

#define FPGAAS_GRID_POINTS(X)                                                                    \
  /* The issue's project: ap_fixed<17,2> weights, ap_fixed<16,6> inputs and accum, batch norm. */ \
  X(issue_w17_x16_acc16_bn, (ap_fixed<16, 6>), (ap_fixed<17, 2>), (ap_fixed<16, 6>), true)       \
  X(issue_w17_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<17, 2>), (ap_fixed<16, 6>), false)         \
  /* Weight widths 4..24 (inputs <16,6>, accum <16,6> narrower than the product). */              \
  X(w4_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<4, 1>), (ap_fixed<16, 6>), false)                 \
  X(w8_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<8, 2>), (ap_fixed<16, 6>), false)                 \
  X(w12_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6>), false)               \
  X(w20_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<20, 2>), (ap_fixed<16, 6>), false)               \
  X(w24_x16_acc16, (ap_fixed<16, 6>), (ap_fixed<24, 2>), (ap_fixed<16, 6>), false)               \
  /* Input widths 6..18 (weights <12,2>). */                                                     \
  X(w12_x6_acc16, (ap_fixed<6, 3>), (ap_fixed<12, 2>), (ap_fixed<16, 6>), false)                 \
  X(w12_x10_acc16, (ap_fixed<10, 4>), (ap_fixed<12, 2>), (ap_fixed<16, 6>), false)               \
  X(w12_x18_acc16, (ap_fixed<18, 8>), (ap_fixed<12, 2>), (ap_fixed<16, 6>), false)               \
  /* Accum wider than the product (no product quantization): 24 + 16 bits products. */           \
  X(w24_x16_accwide, (ap_fixed<16, 6>), (ap_fixed<24, 2>), (ap_fixed<48, 16>), false)            \
  X(w8_x10_accwide, (ap_fixed<10, 4>), (ap_fixed<8, 2>), (ap_fixed<24, 12>), false)              \
  X(w24_x18_accwide_bn, (ap_fixed<18, 8>), (ap_fixed<24, 2>), (ap_fixed<48, 16>), true)          \
  /* Every quantization mode of a narrow accum (products quantized), AP_WRAP. */                 \
  X(q_rnd, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND>), false)               \
  X(q_rnd_conv, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_CONV>), false)     \
  X(q_rnd_zero, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_ZERO>), false)     \
  X(q_rnd_inf, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_INF>), false)       \
  X(q_rnd_min_inf, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_MIN_INF>), false) \
  X(q_trn_zero, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_TRN_ZERO>), false)     \
  /* Every overflow mode (saturating sums keep hls4ml's order). */                               \
  X(o_sat, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND, AP_SAT>), false)       \
  X(o_sat_zero, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_TRN, AP_SAT_ZERO>), false) \
  X(o_sat_sym, (ap_fixed<16, 6>), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_CONV, AP_SAT_SYM>), false) \
  X(o_sat_w24_bn, (ap_fixed<16, 6>), (ap_fixed<24, 2>), (ap_fixed<20, 8, AP_RND, AP_SAT>), true)

// The batch norm's scale and bias type of the `_bn` points.
#define FPGAAS_GRID_SCALE_TYPE ap_fixed<16, 6>

extern "C" {

// One grid network's parameters and batch, as raw values (value * 2^F of the point's types; the
// weights in nnet::dense's order w[i * n_out + j]). Layer k of 3; batch norms after layers 0 and 1.
struct FpgaasGridValues {
  const int64_t* weights[3];
  const int64_t* biases[3];
  const int64_t* scales[2];       // only for `_bn` points
  const int64_t* scale_biases[2];  // only for `_bn` points
  const float* inputs;            // batch x 32, converted into the input type by the host build
  int batch;
};

// The host network of grid point `point` (its NAME) holding copies of `values`; nullptr for an
// unknown name. Release with fpgaas_grid_destroy.
typedef void* (*FpgaasGridCreateFn)(const char* point, const FpgaasGridValues* values);
// Runs the whole batch, one sample at a time (as hls4ml's C simulation runs a testbench).
typedef void (*FpgaasGridRunFn)(void* net);
// The raw outputs of the last run: batch x 16 values.
typedef void (*FpgaasGridOutputsFn)(const void* net, int64_t* raw);
typedef void (*FpgaasGridDestroyFn)(void* net);

}  // extern "C"

#endif  // FPGAAS_TESTS_BENCH_NUMERICS_GRID_POINTS_H_
