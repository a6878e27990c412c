// fpgaas host nnet library: cropping (io_parallel, channel-last):
//   y[i][j][c] = res_t(x[i + crop_top][j + crop_left][c]) for the out_height x out_width pixels kept.
#ifndef FPGAAS_KERNELS_HOST_NNET_CROPPING_H_
#define FPGAAS_KERNELS_HOST_NNET_CROPPING_H_

#include "nnet_common.h"

namespace nnet {

struct cropping1d_config {
  static const unsigned n_chan = 10;
  static const unsigned in_width = 10;
  static const unsigned out_width = 10;
  static const unsigned crop_left = 0;
  static const unsigned crop_right = 0;
};

struct cropping2d_config {
  static const unsigned n_chan = 10;
  static const unsigned in_height = 10;
  static const unsigned in_width = 10;
  static const unsigned out_height = 10;
  static const unsigned out_width = 10;
  static const unsigned crop_top = 0;
  static const unsigned crop_bottom = 0;
  static const unsigned crop_left = 0;
  static const unsigned crop_right = 0;
};

template <class data_T, class res_T, unsigned in_width, unsigned n_chan, unsigned out_height,
          unsigned out_width, unsigned top, unsigned left>
void crop_cl(const data_T* data, res_T* res) {
  for (unsigned i = 0; i < out_height; ++i) {
    for (unsigned j = 0; j < out_width; ++j) {
      for (unsigned c = 0; c < n_chan; ++c) {
        res[(i * out_width + j) * n_chan + c] = data[((i + top) * in_width + j + left) * n_chan + c];
      }
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void cropping1d_cl(data_T data[CONFIG_T::n_chan * CONFIG_T::in_width],
                   res_T res[CONFIG_T::n_chan * CONFIG_T::out_width]) {
  crop_cl<data_T, res_T, CONFIG_T::in_width, CONFIG_T::n_chan, 1, CONFIG_T::out_width, 0,
          CONFIG_T::crop_left>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void cropping2d_cl(data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                   res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
  crop_cl<data_T, res_T, CONFIG_T::in_width, CONFIG_T::n_chan, CONFIG_T::out_height,
          CONFIG_T::out_width, CONFIG_T::crop_top, CONFIG_T::crop_left>(data, res);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CROPPING_H_
