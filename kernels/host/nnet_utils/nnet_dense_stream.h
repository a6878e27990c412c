// fpgaas host nnet library: io_stream dense, one sample per call (nnet_types.h): the io_parallel
// dense (nnet_dense.h) over the sample's n_in values.
#ifndef FPGAAS_KERNELS_HOST_NNET_DENSE_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_DENSE_STREAM_H_

#include "nnet_dense.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense(hls::stream<data_T>& data, hls::stream<res_T>& res,
           typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_out>(data, res, [&](x_T* x, y_T* y) {
    dense<x_T, y_T, CONFIG_T>(x, y, weights, biases);
  });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_DENSE_STREAM_H_
