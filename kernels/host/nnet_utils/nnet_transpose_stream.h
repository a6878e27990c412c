// fpgaas host nnet library: io_stream transpose, one sample per call (nnet_types.h). With dims = 2
// hls4ml's stream code fills output pack i, element j from x[j * from_shape[1] + i] whatever the
// pack size; other ranks read as the io_parallel transpose.
#ifndef FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_STREAM_H_

#include "nnet_transpose.h"
#include "nnet_types.h"

namespace nnet {

template <typename data_T, typename res_T, typename CONFIG_T>
void transpose(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::N, CONFIG_T::N>(data, res, [](x_T* x, y_T* y) {
    for (unsigned k = 0; k < CONFIG_T::N; ++k) {
      const unsigned pack = k / res_T::size, at = k % res_T::size;
      const unsigned src = CONFIG_T::dims == 2 ? at * CONFIG_T::from_shape[1] + pack
                                               : transpose_source<CONFIG_T>(k);
      y[k] = x[src];
    }
  });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_STREAM_H_
