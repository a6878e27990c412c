// fpgaas host nnet library: io_stream nearest upsampling (hls4ml 0.7+), one sample per call:
// integer ratios R_h = new_height / height, R_w = new_width / width; y[i][j] = x[i / R_h][j / R_w]
// (each input row R_h times, each pixel R_w times), no conversion.
#ifndef FPGAAS_KERNELS_HOST_NNET_IMAGE_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_IMAGE_STREAM_H_

#include "nnet_image.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, typename CONFIG_T>
void resize_nearest(hls::stream<data_T>& image, hls::stream<data_T>& resized) {
  using x_T = typename data_T::value_type;
  static_assert(CONFIG_T::new_height % CONFIG_T::height == 0 &&
                    CONFIG_T::new_width % CONFIG_T::width == 0,
                "resize_nearest (stream): integer ratios");
  constexpr unsigned rh = CONFIG_T::new_height / CONFIG_T::height;
  constexpr unsigned rw = CONFIG_T::new_width / CONFIG_T::width;
  constexpr unsigned n_chan = CONFIG_T::n_chan;
  stream_layer<data_T, data_T, CONFIG_T::height * CONFIG_T::width * n_chan,
               CONFIG_T::new_height * CONFIG_T::new_width * n_chan>(
      image, resized, [](x_T* x, x_T* y) {
        for (unsigned i = 0; i < CONFIG_T::new_height; ++i) {
          for (unsigned j = 0; j < CONFIG_T::new_width; ++j) {
            for (unsigned c = 0; c < n_chan; ++c) {
              y[(i * CONFIG_T::new_width + j) * n_chan + c] =
                  x[((i / rh) * CONFIG_T::width + j / rw) * n_chan + c];
            }
          }
        }
      });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_IMAGE_STREAM_H_
