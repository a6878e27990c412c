// fpgaas host nnet library: io_stream depthwise and separable 2-D convolutions, one sample per call
// (nnet_types.h), one pixel per pack: the io_parallel numbers (nnet_sepconv2d.h); the separable
// layer's depthwise half writes dw_res_T packs that its pointwise half reads. hls4ml pads streams
// with a separate zeropad layer, so the configs' padding is 0.
#ifndef FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_STREAM_H_

#include "nnet_conv2d_stream.h"
#include "nnet_sepconv2d.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void depthwise_conv_2d_cl(
    hls::stream<data_T>& data, hls::stream<res_T>& res,
    typename CONFIG_T::weight_t weights[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
    typename CONFIG_T::bias_t biases[CONFIG_T::n_chan]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  constexpr unsigned n_in = CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan;
  constexpr unsigned n_out = CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt;
  static_assert(data_T::size == CONFIG_T::n_chan && res_T::size == CONFIG_T::n_filt,
                "depthwise_conv_2d_cl (stream): one pack per pixel");
  stream_layer<data_T, res_T, n_in, n_out>(data, res, [&](x_T* x, y_T* y) {
    depthwise_conv_2d_cl<x_T, y_T, CONFIG_T>(x, y, weights, biases);
  });
}

template <class data_T, class dw_res_T, class res_T, typename CONFIG_T>
void separable_conv_2d_cl(
    hls::stream<data_T>& data, hls::stream<res_T>& res,
    typename CONFIG_T::depthwise_config::weight_t
        depthwise_weights[CONFIG_T::depthwise_config::filt_height *
                          CONFIG_T::depthwise_config::filt_width * CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::weight_t
        pointwise_weights[CONFIG_T::pointwise_config::n_chan * CONFIG_T::pointwise_config::n_filt],
    typename CONFIG_T::depthwise_config::bias_t depthwise_biases[CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::bias_t pointwise_biases[CONFIG_T::pointwise_config::n_filt]) {
  hls::stream<dw_res_T> between;
  depthwise_conv_2d_cl<data_T, dw_res_T, typename CONFIG_T::depthwise_config>(
      data, between, depthwise_weights, depthwise_biases);
  pointwise_conv_2d_cl<dw_res_T, res_T, typename CONFIG_T::pointwise_config>(
      between, res, pointwise_weights, pointwise_biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_STREAM_H_
