// fpgaas host nnet library: stream copies (io_stream). clone_stream writes each of N values' packs
// to 2 or 3 streams (branches); repack_stream re-packs N values into packs of another size
// (Reshape/Flatten). Values are converted to the output pack's type, pack by pack, in order.
#ifndef FPGAAS_KERNELS_HOST_NNET_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_STREAM_H_

#include "nnet_common.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, int N>
void clone_stream(hls::stream<data_T>& data, hls::stream<res_T>& res1, hls::stream<res_T>& res2) {
  typename data_T::value_type x[N];
  read_sample(data, x, N);
  write_sample(x, res1, N);
  write_sample(x, res2, N);
}

template <class data_T, class res_T, int N>
void clone_stream(hls::stream<data_T>& data, hls::stream<res_T>& res1, hls::stream<res_T>& res2,
                  hls::stream<res_T>& res3) {
  typename data_T::value_type x[N];
  read_sample(data, x, N);
  write_sample(x, res1, N);
  write_sample(x, res2, N);
  write_sample(x, res3, N);
}

template <class data_T, class res_T, int N>
void repack_stream(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  typename data_T::value_type x[N];
  read_sample(data, x, N);
  write_sample(x, res, N);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_STREAM_H_
