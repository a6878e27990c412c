// fpgaas host nnet library: io_stream cropping, one sample per call (nnet_types.h): the same
// numbers as the io_parallel cropping (nnet_cropping.h); one pixel per pack.
#ifndef FPGAAS_KERNELS_HOST_NNET_CROPPING_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_CROPPING_STREAM_H_

#include "nnet_cropping.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void cropping1d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_chan * CONFIG_T::in_width,
               CONFIG_T::n_chan * CONFIG_T::out_width>(
      data, res, [](x_T* x, y_T* y) { cropping1d_cl<x_T, y_T, CONFIG_T>(x, y); });
}

template <class data_T, class res_T, typename CONFIG_T>
void cropping2d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width,
               CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width>(
      data, res, [](x_T* x, y_T* y) { cropping2d_cl<x_T, y_T, CONFIG_T>(x, y); });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CROPPING_STREAM_H_
