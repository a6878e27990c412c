// fpgaas host nnet library: io_stream embedding, one sample per call (nnet_types.h): the whole
// input in one pack, one pack of n_out values per input value; the io_parallel numbers.
#ifndef FPGAAS_KERNELS_HOST_NNET_EMBED_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_EMBED_STREAM_H_

#include "nnet_embed.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void embedding(hls::stream<data_T>& data, hls::stream<res_T>& res,
               typename CONFIG_T::embeddings_t embeddings[CONFIG_T::vocab_size * CONFIG_T::n_out]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  static_assert(data_T::size == CONFIG_T::n_in && res_T::size == CONFIG_T::n_out,
                "embedding (stream): the input in one pack, n_out values per output pack");
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in * CONFIG_T::n_out>(
      data, res, [&](x_T* x, y_T* y) { embedding<x_T, y_T, CONFIG_T>(x, y, embeddings); });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_EMBED_STREAM_H_
