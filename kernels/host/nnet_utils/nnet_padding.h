// fpgaas host nnet library: zero padding (io_parallel): y = res_t(x) inside, 0 in the border.
#ifndef FPGAAS_KERNELS_HOST_NNET_PADDING_H_
#define FPGAAS_KERNELS_HOST_NNET_PADDING_H_

#include "nnet_common.h"

namespace nnet {

struct padding1d_config {
  static const unsigned n_chan = 10;
  static const unsigned in_width = 10;
  static const unsigned out_width = 10;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
};

struct padding2d_config {
  static const unsigned n_chan = 10;
  static const unsigned in_height = 10;
  static const unsigned in_width = 10;
  static const unsigned out_height = 10;
  static const unsigned out_width = 10;
  static const unsigned pad_top = 0;
  static const unsigned pad_bottom = 0;
  static const unsigned pad_left = 0;
  static const unsigned pad_right = 0;
};

template <class data_T, class res_T, typename CONFIG_T>
void zeropad2d_cl(data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                  res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
  for (unsigned oh = 0; oh < CONFIG_T::out_height; ++oh) {
    for (unsigned ow = 0; ow < CONFIG_T::out_width; ++ow) {
      const int iy = int(oh) - int(CONFIG_T::pad_top), ix = int(ow) - int(CONFIG_T::pad_left);
      const bool inside =
          iy >= 0 && iy < int(CONFIG_T::in_height) && ix >= 0 && ix < int(CONFIG_T::in_width);
      for (unsigned c = 0; c < CONFIG_T::n_chan; ++c) {
        res_T& y = res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_chan + c];
        if (inside) {
          y = data[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c];
        } else {
          y = 0;
        }
      }
    }
  }
}

// A 1-D padding config seen as a 2-D one of height 1.
template <typename CONFIG_T>
struct padding1d_as_2d {
  static const unsigned n_chan = CONFIG_T::n_chan;
  static const unsigned in_height = 1;
  static const unsigned in_width = CONFIG_T::in_width;
  static const unsigned out_height = 1;
  static const unsigned out_width = CONFIG_T::out_width;
  static const unsigned pad_top = 0;
  static const unsigned pad_left = CONFIG_T::pad_left;
};

template <class data_T, class res_T, typename CONFIG_T>
void zeropad1d_cl(data_T data[CONFIG_T::n_chan * CONFIG_T::in_width],
                  res_T res[CONFIG_T::n_chan * CONFIG_T::out_width]) {
  zeropad2d_cl<data_T, res_T, padding1d_as_2d<CONFIG_T>>(data, res);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_PADDING_H_
