// fpgaas host nnet library: io_stream layers are not part of the host build (io_parallel
// projects only); this header exists so generated parameters.h files compile.
#ifndef FPGAAS_KERNELS_HOST_NNET_ACTIVATION_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_ACTIVATION_STREAM_H_
#include "nnet_common.h"
#endif
