// fpgaas host nnet library: io_stream 2-D pooling, one sample per call (nnet_types.h). hls4ml
// 1.x's stream pooling differs from its io_parallel pooling: every window value is first converted
// to accum_t. Max: their maximum. Average: pooling2d_cl sums them in nnet::reduce's pairwise tree
// (nnet_common.h), global pooling pack by pack (below), each sum in accum_t; the sum is divided by
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

// Global pooling over a stream: each input pack holds k = data_T::size / n_filt pixels; per channel
// the pack's k values (in accum_t) are reduced as a tree and combined with the running value (max,
// or accum_t sum), pack after pack; the average divides by the pixel count. hls4ml's output loop
// writes channels 0 .. res_T::size - 1 into every one of the n_filt / res_T::size output packs.
template <class data_T, class res_T, typename CONFIG_T, unsigned n_pixels>
void global_pooling_stream(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  using accum_T = typename CONFIG_T::accum_t;
  constexpr unsigned n_chan = CONFIG_T::n_filt;
  constexpr unsigned k = data_T::size / n_chan;
  static_assert(k >= 1 && data_T::size % n_chan == 0 && n_pixels % k == 0,
                "global pooling (stream): whole pixels per input pack");
  static_assert(res_T::size <= n_chan && n_chan % res_T::size == 0,
                "global pooling (stream): output packs dividing the channels");
  x_T x[n_pixels * n_chan];
  read_sample(data, x, n_pixels * n_chan);
  accum_T value[n_chan];
  for (unsigned c = 0; c < n_chan; ++c) {
    for (unsigned p = 0; p < n_pixels; p += k) {
      accum_T pack[k];
      for (unsigned i = 0; i < k; ++i) pack[i] = x[(p + i) * n_chan + c];
      const accum_T part = CONFIG_T::pool_op == Max
                               ? reduce<accum_T, k, Op_max<accum_T>>(pack, Op_max<accum_T>())
                               : reduce<accum_T, k, Op_add<accum_T>>(pack, Op_add<accum_T>());
      if (p == 0) {
        value[c] = part;
      } else if (CONFIG_T::pool_op == Max) {
        value[c] = part > value[c] ? part : value[c];
      } else {
        value[c] = value[c] + part;
      }
    }
    if (CONFIG_T::pool_op != Max) value[c] = divide_truncating(value[c], n_pixels);
  }
  y_T y[n_chan];
  for (unsigned i = 0; i < n_chan; ++i) y[i] = value[i % res_T::size];
  write_sample(y, res, n_chan);
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling1d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  pooling2d_cl<data_T, res_T, pooling1d_as_2d<CONFIG_T>>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  global_pooling_stream<data_T, res_T, CONFIG_T, CONFIG_T::in_height * CONFIG_T::in_width>(data,
                                                                                           res);
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling1d_cl(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  global_pooling_stream<data_T, res_T, CONFIG_T, CONFIG_T::n_in>(data, res);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_POOLING_STREAM_H_
