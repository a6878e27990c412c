// fpgaas host nnet library: nearest-neighbour resizing (UpSampling2D), io_parallel:
//   y[i][j] = x[(i * r_h) >> 16][(j * r_w) >> 16], r = (in << 16) / out + 1 (integer ratios).
#ifndef FPGAAS_KERNELS_HOST_NNET_IMAGE_H_
#define FPGAAS_KERNELS_HOST_NNET_IMAGE_H_

#include "nnet_common.h"

namespace nnet {

struct resize_config {
  static const unsigned height = 10;
  static const unsigned width = 10;
  static const unsigned n_chan = 10;
  static const unsigned new_height = 10;
  static const unsigned new_width = 10;
};

template <class data_T, typename CONFIG_T>
void resize_nearest(data_T image[CONFIG_T::height * CONFIG_T::width * CONFIG_T::n_chan],
                    data_T resized[CONFIG_T::new_height * CONFIG_T::new_width * CONFIG_T::n_chan]) {
  const unsigned long long r_h = ((unsigned long long)CONFIG_T::height << 16) / CONFIG_T::new_height + 1;
  const unsigned long long r_w = ((unsigned long long)CONFIG_T::width << 16) / CONFIG_T::new_width + 1;
  for (unsigned i = 0; i < CONFIG_T::new_height; ++i) {
    const unsigned y = unsigned((i * r_h) >> 16);
    for (unsigned j = 0; j < CONFIG_T::new_width; ++j) {
      const unsigned x = unsigned((j * r_w) >> 16);
      for (unsigned c = 0; c < CONFIG_T::n_chan; ++c) {
        resized[(i * CONFIG_T::new_width + j) * CONFIG_T::n_chan + c] =
            image[(y * CONFIG_T::width + x) * CONFIG_T::n_chan + c];
      }
    }
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_IMAGE_H_
