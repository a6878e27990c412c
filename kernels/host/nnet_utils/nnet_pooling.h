// fpgaas host nnet library: 2-D pooling (io_parallel), hls4ml 1.x's numbers.
//   Max: the window's maximum in data_T (padding counts as data_T with only its sign bit set),
//   then accum_t, then res_t. Average: s = accum_t(s + x) over the window in row-major order
//   (padding 0), s divided by the window size if count_pad, else by the pixels inside the image
//   (the raw value, truncating toward zero, in accum_t), y = res_t(s).
//   global_pooling2d_cl: the same over the whole image, one value per channel.
//   pooling1d_cl / global_pooling1d_cl: the 2-D layers over an image of one row (the 1-D configs
//   name the widths n_in and n_out).
#ifndef FPGAAS_KERNELS_HOST_NNET_POOLING_H_
#define FPGAAS_KERNELS_HOST_NNET_POOLING_H_

#include "nnet_common.h"

namespace nnet {

struct pooling2d_config {
  static const unsigned in_height = 10;
  static const unsigned in_width = 10;
  static const unsigned n_filt = 4;
  static const unsigned stride_height = 2;
  static const unsigned stride_width = 2;
  static const unsigned pool_height = 2;
  static const unsigned pool_width = 2;
  static const unsigned out_height = (in_height - pool_height) / stride_height + 1;
  static const unsigned out_width = (in_width - pool_width) / stride_width + 1;
  static const unsigned pad_top = 0;
  static const unsigned pad_bottom = 0;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
  static const bool count_pad = false;
  static const Pool_Op pool_op = Max;
  static const unsigned reuse_factor = 1;
  typedef float accum_t;
};

// data_T's most negative pattern: only the sign bit set (0 for unsigned types).
template <class data_T>
data_T pool_pad_value() {
  data_T x = data_T(0);
  if constexpr (ap_signed_v<data_T>) x = ap_from_bits<data_T>(ap_i128(-1) << (data_T::width - 1));
  return x;
}

// One output value of a window of pool_h x pool_w pixels at (y0, x0) (may reach outside).
template <class data_T, class res_T, typename CONFIG_T, unsigned in_h, unsigned in_w, unsigned pool_h,
          unsigned pool_w>
res_T pool_window(const data_T* data, int y0, int x0, unsigned c) {
  using accum_T = typename CONFIG_T::accum_t;
  data_T best = pool_pad_value<data_T>();
  bool first = true;
  accum_T sum = 0;
  unsigned inside = 0;
  for (unsigned kh = 0; kh < pool_h; ++kh) {
    for (unsigned kw = 0; kw < pool_w; ++kw) {
      const int iy = y0 + int(kh), ix = x0 + int(kw);
      const bool in_image = iy >= 0 && iy < int(in_h) && ix >= 0 && ix < int(in_w);
      data_T v = 0;
      if (in_image) {
        v = data[(iy * in_w + ix) * CONFIG_T::n_filt + c];
        ++inside;
      } else if (CONFIG_T::pool_op == Max) {
        v = pool_pad_value<data_T>();
      }
      if (CONFIG_T::pool_op == Max) {
        if (first || v > best) best = v;
        first = false;
      } else {
        sum = sum + v;
      }
    }
  }
  if (CONFIG_T::pool_op == Max) return accum_T(best);
  bool count_pad = false;
  if constexpr (requires { CONFIG_T::count_pad; }) count_pad = CONFIG_T::count_pad;
  const unsigned d = count_pad ? pool_h * pool_w : inside;
  return d > 0 ? divide_truncating(sum, d) : accum_T(0);
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_cl(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_filt],
                  res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt]) {
  for (unsigned oh = 0; oh < CONFIG_T::out_height; ++oh) {
    for (unsigned ow = 0; ow < CONFIG_T::out_width; ++ow) {
      for (unsigned c = 0; c < CONFIG_T::n_filt; ++c) {
        res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_filt + c] =
            pool_window<data_T, res_T, CONFIG_T, CONFIG_T::in_height, CONFIG_T::in_width,
                        CONFIG_T::pool_height, CONFIG_T::pool_width>(
                data, int(oh * CONFIG_T::stride_height) - int(CONFIG_T::pad_top),
                int(ow * CONFIG_T::stride_width) - int(CONFIG_T::pad_left), c);
      }
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d_cl(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_filt],
                         res_T res[CONFIG_T::n_filt]) {
  for (unsigned c = 0; c < CONFIG_T::n_filt; ++c) {
    res[c] = pool_window<data_T, res_T, CONFIG_T, CONFIG_T::in_height, CONFIG_T::in_width,
                         CONFIG_T::in_height, CONFIG_T::in_width>(data, 0, 0, c);
  }
}

struct pooling1d_config {
  static const unsigned n_in = 10;
  static const unsigned pool_width = 2;
  static const unsigned stride_width = 2;
  static const unsigned n_out = (n_in - pool_width) / stride_width + 1;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
  static const bool count_pad = false;
  static const Pool_Op pool_op = Max;
};

// A 1-D pooling config read as a 2-D one of height 1.
template <typename CONFIG_T>
struct pooling1d_as_2d : CONFIG_T {
  static const unsigned in_height = 1;
  static const unsigned in_width = CONFIG_T::n_in;
  static const unsigned out_height = 1;
  static const unsigned out_width = CONFIG_T::n_out;
  static const unsigned pool_height = 1;
  static const unsigned stride_height = 1;
  static const unsigned pad_top = 0;
  static const unsigned pad_bottom = 0;
};

template <class data_T, class res_T, typename CONFIG_T>
void pooling1d_cl(data_T data[CONFIG_T::n_in * CONFIG_T::n_filt],
                  res_T res[CONFIG_T::n_out * CONFIG_T::n_filt]) {
  pooling2d_cl<data_T, res_T, pooling1d_as_2d<CONFIG_T>>(data, res);
}

// Global pooling configs name only n_in (the width) and n_filt.
template <typename CONFIG_T>
struct global_pooling1d_as_2d : CONFIG_T {
  static const unsigned in_height = 1;
  static const unsigned in_width = CONFIG_T::n_in;
};

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling1d_cl(data_T data[CONFIG_T::n_in * CONFIG_T::n_filt], res_T res[CONFIG_T::n_filt]) {
  global_pooling2d_cl<data_T, res_T, global_pooling1d_as_2d<CONFIG_T>>(data, res);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_POOLING_H_
