// fpgaas host nnet library: hls4ml's nnet_mult.h names. The products (mult, weight_binary,
// weight_ternary, weight_exponential) live in nnet_code_gen.h.
#ifndef FPGAAS_KERNELS_HOST_NNET_MULT_H_
#define FPGAAS_KERNELS_HOST_NNET_MULT_H_

#include "nnet_code_gen.h"

#endif  // FPGAAS_KERNELS_HOST_NNET_MULT_H_
