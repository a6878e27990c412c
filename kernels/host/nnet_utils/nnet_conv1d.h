// fpgaas host nnet library: 1-D convolution (io_parallel), hls4ml 1.x's numbers: the 2-D
// convolution of nnet_conv2d.h over an image of one row (window in (kw, channel) order through
// the layer's mult_config dense, 0 in the config's padding; weights [kw][c][f], resource strategy
// [f][kw][c]).
#ifndef FPGAAS_KERNELS_HOST_NNET_CONV1D_H_
#define FPGAAS_KERNELS_HOST_NNET_CONV1D_H_

#include "nnet_common.h"
#include "nnet_conv2d.h"

namespace nnet {

struct conv1d_config {
  typedef float bias_t;
  typedef float weight_t;
  typedef float accum_t;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
  static const unsigned in_width = 10;
  static const unsigned n_chan = 1;
  static const unsigned filt_width = 1;
  static const unsigned kernel_size = filt_width;
  static const unsigned n_filt = 1;
  static const unsigned stride_width = 1;
  static const unsigned dilation = 1;
  static const unsigned out_width = 10;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const unsigned n_zeros = 0;
};

// A 1-D config read as a 2-D one of height 1.
template <typename CONFIG_T>
struct conv1d_as_2d : CONFIG_T {
  static const unsigned in_height = 1;
  static const unsigned out_height = 1;
  static const unsigned filt_height = 1;
  static const unsigned stride_height = 1;
  static const unsigned pad_top = 0;
  static const unsigned pad_bottom = 0;
};

// Names generated 1-D configs refer to; the host convolution computes windows itself.
template <class data_T, typename CONFIG_T>
class FillConv1DBuffer {};
template <class data_T, class res_T, typename CONFIG_T>
class Conv1DLatency {};
template <class data_T, class res_T, typename CONFIG_T>
class Conv1DResource {};
template <class data_T, class res_T, typename CONFIG_T>
class BatchedDenseForConv1D {};

template <class data_T, class res_T, typename CONFIG_T>
void conv_1d_cl(data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
                res_T res[CONFIG_T::out_width * CONFIG_T::n_filt],
                typename CONFIG_T::weight_t weights[CONFIG_T::filt_width * CONFIG_T::n_chan *
                                                    CONFIG_T::n_filt],
                typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  conv_2d_cl<data_T, res_T, conv1d_as_2d<CONFIG_T>>(data, res, weights, biases);
}

template <class data_T, class res_T, typename CONFIG_T>
void pointwise_conv_1d_cl(data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
                          res_T res[CONFIG_T::out_width * CONFIG_T::n_filt],
                          typename CONFIG_T::weight_t weights[CONFIG_T::n_chan * CONFIG_T::n_filt],
                          typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  static_assert(CONFIG_T::filt_width == 1, "pointwise: 1-wide filters");
  conv_1d_cl<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CONV1D_H_
