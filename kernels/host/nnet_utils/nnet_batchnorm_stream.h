// fpgaas host nnet library: io_stream batch normalization, one sample per call (nnet_types.h):
// the io_parallel normalize (nnet_batchnorm.h) over the sample.
#ifndef FPGAAS_KERNELS_HOST_NNET_BATCHNORM_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_BATCHNORM_STREAM_H_

#include "nnet_batchnorm.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void normalize(hls::stream<data_T>& data, hls::stream<res_T>& res,
               typename CONFIG_T::scale_t scale[CONFIG_T::n_scale_bias],
               typename CONFIG_T::bias_t bias[CONFIG_T::n_scale_bias]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(data, res, [&](x_T* x, y_T* y) {
    normalize<x_T, y_T, CONFIG_T>(x, y, scale, bias);
  });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_BATCHNORM_STREAM_H_
