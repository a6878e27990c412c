// fpgaas host nnet library: 2-D convolution (io_parallel), hls4ml 1.x's numbers.
//   For each output pixel, row-major, the window's values in (kh, kw, channel) order (0 where the
//   config's padding lies outside the image) go through the layer's mult_config dense:
//   acc_f = accum_t(b_f); acc_f = accum_t(acc_f + accum_t(x * w)); y = res_t(acc_f).
//   Latency strategy weights are [kh][kw][c][f], resource strategy [f][kh][kw][c] (the mult
//   config's dense kernel indexes them). Dilation is not part of hls4ml's conv configs.
#ifndef FPGAAS_KERNELS_HOST_NNET_CONV2D_H_
#define FPGAAS_KERNELS_HOST_NNET_CONV2D_H_

#include "nnet_common.h"
#include "nnet_dense.h"

namespace nnet {

struct conv2d_config {
  typedef float bias_t;
  typedef float weight_t;
  typedef float accum_t;
  static const unsigned pad_top = 0;
  static const unsigned pad_bottom = 0;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
  static const unsigned in_height = 10;
  static const unsigned in_width = 10;
  static const unsigned n_chan = 1;
  static const unsigned filt_height = 1;
  static const unsigned filt_width = 1;
  static const unsigned kernel_size = filt_height * filt_width;
  static const unsigned n_filt = 1;
  static const unsigned stride_height = 1;
  static const unsigned stride_width = 1;
  static const unsigned out_height = 10;
  static const unsigned out_width = 10;
  static const unsigned dilation_height = 1;
  static const unsigned dilation_width = 1;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const unsigned n_zeros = 0;
};

// Names generated configs refer to; the host convolution computes windows itself.
template <class data_T, typename CONFIG_T>
class FillConv2DBuffer {};
template <unsigned K, unsigned S, unsigned W>
class scale_index_unscaled {
 public:
  static unsigned scale_index(const unsigned idx) { return idx; }
};
template <unsigned K, unsigned S, unsigned W>
class scale_index_regular {
 public:
  static unsigned scale_index(const unsigned idx) { return idx; }
};

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_cl(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                typename CONFIG_T::weight_t weights[CONFIG_T::filt_height * CONFIG_T::filt_width *
                                                    CONFIG_T::n_chan * CONFIG_T::n_filt],
                typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  using mult = typename CONFIG_T::mult_config;
  constexpr unsigned n_window = CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan;
  static_assert(mult::n_in == n_window && mult::n_out == CONFIG_T::n_filt,
                "conv_2d_cl: mult_config must be a dense of the window onto the filters");
  for (unsigned oh = 0; oh < CONFIG_T::out_height; ++oh) {
    for (unsigned ow = 0; ow < CONFIG_T::out_width; ++ow) {
      data_T window[n_window];
      unsigned k = 0;
      for (unsigned kh = 0; kh < CONFIG_T::filt_height; ++kh) {
        for (unsigned kw = 0; kw < CONFIG_T::filt_width; ++kw) {
          const int iy = int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
          const int ix = int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
          const bool inside =
              iy >= 0 && iy < int(CONFIG_T::in_height) && ix >= 0 && ix < int(CONFIG_T::in_width);
          for (unsigned c = 0; c < CONFIG_T::n_chan; ++c) {
            window[k++] = inside ? data[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c]
                                 : data_T(0);
          }
        }
      }
      dense<data_T, res_T, mult>(window, res + (oh * CONFIG_T::out_width + ow) * CONFIG_T::n_filt,
                                 weights, biases);
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void pointwise_conv_2d_cl(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                          res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                          typename CONFIG_T::weight_t weights[CONFIG_T::n_chan * CONFIG_T::n_filt],
                          typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
  static_assert(CONFIG_T::filt_height == 1 && CONFIG_T::filt_width == 1, "pointwise: 1x1 filters");
  conv_2d_cl<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CONV2D_H_
