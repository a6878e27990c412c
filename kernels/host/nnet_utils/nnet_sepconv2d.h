// fpgaas host nnet library: depthwise and separable 2-D convolutions (io_parallel), hls4ml 1.x's
// numbers. Depthwise (depth multiplier 1, n_filt = n_chan): per output pixel and channel c,
//   acc = accum_t(b_c); acc = accum_t(acc + accum_t(x_c * w[kh][kw][c])) over the window in
//   (kh, kw) order (positions in the padding add nothing); y = res_t(acc).
// Separable: the depthwise convolution of depthwise_config into dw_res_T, then the pointwise (1x1)
// convolution of pointwise_config (nnet_conv2d.h).
#ifndef FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_H_
#define FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_H_

#include "nnet_common.h"
#include "nnet_conv2d.h"

namespace nnet {

// Names generated stream configs refer to (the mult_config kernel of a depthwise layer).
template <class data_T, class res_T, typename CONFIG_T>
class DepthwiseDenseLatency {};
template <class data_T, class res_T, typename CONFIG_T>
class DepthwiseDenseResource_rf_leq_nout {};
template <class data_T, class res_T, typename CONFIG_T>
class DepthwiseDenseResource_rf_gt_nout_rem0 {};
template <class data_T, class res_T, typename CONFIG_T>
class DepthwiseDenseResource_rf_gt_nout {};

template <class data_T, class res_T, typename CONFIG_T>
void depthwise_conv_2d_cl(
    data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
    res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
    typename CONFIG_T::weight_t weights[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
    typename CONFIG_T::bias_t biases[CONFIG_T::n_chan]) {
  using accum_T = typename CONFIG_T::accum_t;
  constexpr unsigned C = CONFIG_T::n_chan;
  static_assert(CONFIG_T::n_filt == C, "depthwise convolution: depth multiplier 1 only");
  for (unsigned oh = 0; oh < CONFIG_T::out_height; ++oh) {
    for (unsigned ow = 0; ow < CONFIG_T::out_width; ++ow) {
      for (unsigned c = 0; c < C; ++c) {
        accum_T acc = biases[c];
        for (unsigned kh = 0; kh < CONFIG_T::filt_height; ++kh) {
          for (unsigned kw = 0; kw < CONFIG_T::filt_width; ++kw) {
            const int iy = int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
            const int ix = int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
            if (iy < 0 || iy >= int(CONFIG_T::in_height) || ix < 0 || ix >= int(CONFIG_T::in_width)) {
              continue;
            }
            const accum_T p = data[(iy * CONFIG_T::in_width + ix) * C + c] *
                              weights[(kh * CONFIG_T::filt_width + kw) * C + c];
            acc = acc + p;
          }
        }
        res[(oh * CONFIG_T::out_width + ow) * C + c] = acc;
      }
    }
  }
}

template <class data_T, class dw_res_T, class res_T, typename CONFIG_T>
void separable_conv_2d_cl(
    data_T data[CONFIG_T::depthwise_config::in_height * CONFIG_T::depthwise_config::in_width *
                CONFIG_T::depthwise_config::n_chan],
    res_T res[CONFIG_T::pointwise_config::out_height * CONFIG_T::pointwise_config::out_width *
              CONFIG_T::pointwise_config::n_filt],
    typename CONFIG_T::depthwise_config::weight_t
        depthwise_weights[CONFIG_T::depthwise_config::filt_height *
                          CONFIG_T::depthwise_config::filt_width * CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::weight_t
        pointwise_weights[CONFIG_T::pointwise_config::n_chan * CONFIG_T::pointwise_config::n_filt],
    typename CONFIG_T::depthwise_config::bias_t depthwise_biases[CONFIG_T::depthwise_config::n_chan],
    typename CONFIG_T::pointwise_config::bias_t pointwise_biases[CONFIG_T::pointwise_config::n_filt]) {
  using dw = typename CONFIG_T::depthwise_config;
  dw_res_T between[dw::out_height * dw::out_width * dw::n_filt];
  depthwise_conv_2d_cl<data_T, dw_res_T, dw>(data, between, depthwise_weights, depthwise_biases);
  pointwise_conv_2d_cl<dw_res_T, res_T, typename CONFIG_T::pointwise_config>(
      between, res, pointwise_weights, pointwise_biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_SEPCONV2D_H_
