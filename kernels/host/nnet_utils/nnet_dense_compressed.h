// fpgaas host nnet library: compressed dense layers are not provided; generated code that
// includes this header but uses the latency/resource kernels compiles.
#ifndef FPGAAS_KERNELS_HOST_NNET_DENSE_COMPRESSED_H_
#define FPGAAS_KERNELS_HOST_NNET_DENSE_COMPRESSED_H_
#include "nnet_dense.h"
#endif
