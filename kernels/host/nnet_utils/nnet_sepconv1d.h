// fpgaas host nnet library: depthwise and separable 1-D convolutions (io_parallel): the 2-D ones
// of nnet_sepconv2d.h over an image of one row.
#ifndef FPGAAS_KERNELS_HOST_NNET_SEPCONV1D_H_
#define FPGAAS_KERNELS_HOST_NNET_SEPCONV1D_H_

#include "nnet_common.h"
#include "nnet_conv1d.h"
#include "nnet_sepconv2d.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void depthwise_conv_1d_cl(data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
                          res_T res[CONFIG_T::out_width * CONFIG_T::n_filt],
                          typename CONFIG_T::weight_t weights[CONFIG_T::filt_width * CONFIG_T::n_chan],
                          typename CONFIG_T::bias_t biases[CONFIG_T::n_chan]) {
  depthwise_conv_2d_cl<data_T, res_T, conv1d_as_2d<CONFIG_T>>(data, res, weights, biases);
}

template <class data_T, class dw_res_T, class res_T, typename CONFIG_T>
void separable_conv_1d_cl(
    data_T data[CONFIG_T::depthwise_config::in_width * CONFIG_T::depthwise_config::n_chan],
    res_T res[CONFIG_T::pointwise_config::out_width * CONFIG_T::pointwise_config::n_filt],
    typename CONFIG_T::depthwise_config::weight_t
        depthwise_weights[CONFIG_T::depthwise_config::filt_width * CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::weight_t
        pointwise_weights[CONFIG_T::pointwise_config::n_chan * CONFIG_T::pointwise_config::n_filt],
    typename CONFIG_T::depthwise_config::bias_t depthwise_biases[CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::bias_t pointwise_biases[CONFIG_T::pointwise_config::n_filt]) {
  using dw = typename CONFIG_T::depthwise_config;
  dw_res_T between[dw::out_width * dw::n_filt];
  depthwise_conv_1d_cl<data_T, dw_res_T, dw>(data, between, depthwise_weights, depthwise_biases);
  pointwise_conv_1d_cl<dw_res_T, res_T, typename CONFIG_T::pointwise_config>(
      between, res, pointwise_weights, pointwise_biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_SEPCONV1D_H_
