// fpgaas host nnet library: io_stream packs, and moving one sample between a stream and an array.
//
// The host build runs an io_stream project one sample per call of its top function (the kernel
// wrapper feeds one sample's packs, then drains the results). So every stream layer here reads
// exactly one sample's packs from its input, computes the io_parallel layer over the flat
// channel-last array, and writes the result's packs: the numbers are the io_parallel layer's,
// except where a layer's stream version computes differently (pooling: nnet_pooling_stream.h).
#ifndef FPGAAS_KERNELS_HOST_NNET_TYPES_H_
#define FPGAAS_KERNELS_HOST_NNET_TYPES_H_
#include <cstddef>

#include "hls_stream.h"
#include "nnet_common.h"
namespace nnet {
template <typename T, unsigned N>
struct array {
  typedef T value_type;
  static const unsigned size = N;
  T data[N];
  T& operator[](size_t pos) { return data[pos]; }
  const T& operator[](size_t pos) const { return data[pos]; }
};

// Reads n values (n / pack_T::size packs) into x.
template <class pack_T>
void read_sample(hls::stream<pack_T>& s, typename pack_T::value_type* x, unsigned n) {
  for (unsigned p = 0; p < n / pack_T::size; ++p) {
    const pack_T pack = s.read();
    for (unsigned c = 0; c < pack_T::size; ++c) x[p * pack_T::size + c] = pack[c];
  }
}

// Writes n values of y as n / pack_T::size packs, each value converted to the pack's type.
template <class pack_T, class value_T>
void write_sample(const value_T* y, hls::stream<pack_T>& s, unsigned n) {
  for (unsigned p = 0; p < n / pack_T::size; ++p) {
    pack_T pack;
    for (unsigned c = 0; c < pack_T::size; ++c) pack[c] = y[p * pack_T::size + c];
    s.write(pack);
  }
}

// The io_parallel layer `layer(x, y)` over one sample of n_in values in, n_out values out.
template <class data_T, class res_T, unsigned n_in, unsigned n_out, class Layer>
void stream_layer(hls::stream<data_T>& data, hls::stream<res_T>& res, Layer layer) {
  typename data_T::value_type x[n_in];
  typename res_T::value_type y[n_out];
  read_sample(data, x, n_in);
  layer(x, y);
  write_sample(y, res, n_out);
}

}  // namespace nnet
#endif  // FPGAAS_KERNELS_HOST_NNET_TYPES_H_
