// fpgaas host nnet library: io_stream 1-D convolution, one sample per call (nnet_types.h): the
// io_parallel convolution (nnet_conv1d.h) over the sample, one pixel per pack. hls4ml pads streams
// with a separate zeropad layer, so the config's padding is 0.
#ifndef FPGAAS_KERNELS_HOST_NNET_CONV1D_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_CONV1D_STREAM_H_

#include "nnet_conv1d.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void conv_1d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res,
                typename CONFIG_T::weight_t weights[CONFIG_T::filt_width * CONFIG_T::n_chan *
                                                    CONFIG_T::n_filt],
                typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  constexpr unsigned n_in = CONFIG_T::in_width * CONFIG_T::n_chan;
  constexpr unsigned n_out = CONFIG_T::out_width * CONFIG_T::n_filt;
  static_assert(data_T::size == CONFIG_T::n_chan && res_T::size == CONFIG_T::n_filt,
                "conv_1d_cl (stream): one pack per pixel");
  stream_layer<data_T, res_T, n_in, n_out>(data, res, [&](x_T* x, y_T* y) {
    conv_1d_cl<x_T, y_T, CONFIG_T>(x, y, weights, biases);
  });
}

template <class data_T, class res_T, typename CONFIG_T>
void pointwise_conv_1d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res,
                          typename CONFIG_T::weight_t weights[CONFIG_T::n_chan * CONFIG_T::n_filt],
                          typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  static_assert(CONFIG_T::filt_width == 1, "pointwise: 1-wide filters");
  conv_1d_cl<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CONV1D_STREAM_H_
