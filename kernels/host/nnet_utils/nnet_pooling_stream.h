// fpgaas host nnet library: io_stream 2-D pooling, one sample per call (nnet_types.h). hls4ml
// 1.x's stream pooling differs from its io_parallel pooling: every window value is first converted
// to accum_t. Max: their maximum. Average: pooling2d_cl sums them in nnet::reduce's pairwise tree
// (nnet_common.h), global_pooling2d_cl pixel by pixel, each sum in accum_t; the sum is divided by
// the window size (raw value, truncating toward zero, in accum_t); then res_t. No padding.
#ifndef FPGAAS_KERNELS_HOST_NNET_POOLING_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_POOLING_STREAM_H_

#include "nnet_pooling.h"
#include "nnet_types.h"

namespace nnet {

template <class accum_T, unsigned n, bool pairwise>
accum_T pool_stream_value(const accum_T* window, Pool_Op op) {
  if (op == Max) return reduce<accum_T, n, Op_max<accum_T>>(window, Op_max<accum_T>());
  accum_T sum = window[0];
  if constexpr (pairwise) {
    sum = reduce<accum_T, n, Op_add<accum_T>>(window, Op_add<accum_T>());
  } else {
    for (unsigned i = 1; i < n; ++i) sum = sum + window[i];
  }
  return divide_truncating(sum, n);
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  using accum_T = typename CONFIG_T::accum_t;
  constexpr unsigned n_in = CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_filt;
  constexpr unsigned n_out = CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt;
  constexpr unsigned n_window = CONFIG_T::pool_height * CONFIG_T::pool_width;
  static_assert(CONFIG_T::pad_top == 0 && CONFIG_T::pad_bottom == 0 && CONFIG_T::pad_left == 0 &&
                    CONFIG_T::pad_right == 0,
                "pooling2d_cl (stream): no padding");
  stream_layer<data_T, res_T, n_in, n_out>(data, res, [](x_T* x, y_T* y) {
    for (unsigned oh = 0; oh < CONFIG_T::out_height; ++oh) {
      for (unsigned ow = 0; ow < CONFIG_T::out_width; ++ow) {
        for (unsigned c = 0; c < CONFIG_T::n_filt; ++c) {
          accum_T window[n_window];
          unsigned k = 0;
          for (unsigned kh = 0; kh < CONFIG_T::pool_height; ++kh) {
            for (unsigned kw = 0; kw < CONFIG_T::pool_width; ++kw) {
              const unsigned iy = oh * CONFIG_T::stride_height + kh;
              const unsigned ix = ow * CONFIG_T::stride_width + kw;
              window[k++] = x[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_filt + c];
            }
          }
          y[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_filt + c] =
              pool_stream_value<accum_T, n_window, true>(window, CONFIG_T::pool_op);
        }
      }
    }
  });
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  using accum_T = typename CONFIG_T::accum_t;
  constexpr unsigned n_pixels = CONFIG_T::in_height * CONFIG_T::in_width;
  stream_layer<data_T, res_T, n_pixels * CONFIG_T::n_filt, CONFIG_T::n_filt>(
      data, res, [](x_T* x, y_T* y) {
        for (unsigned c = 0; c < CONFIG_T::n_filt; ++c) {
          accum_T window[n_pixels];
          for (unsigned p = 0; p < n_pixels; ++p) window[p] = x[p * CONFIG_T::n_filt + c];
          y[c] = pool_stream_value<accum_T, n_pixels, false>(window, CONFIG_T::pool_op);
        }
      });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_POOLING_STREAM_H_
