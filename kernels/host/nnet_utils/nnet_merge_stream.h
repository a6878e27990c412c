// fpgaas host nnet library: io_stream merge layers, one sample per call (nnet_types.h): each reads
// both inputs' packs of one sample, computes the io_parallel merge (nnet_merge.h) and writes the
// result's packs.
#ifndef FPGAAS_KERNELS_HOST_NNET_MERGE_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_MERGE_STREAM_H_

#include "nnet_merge.h"
#include "nnet_types.h"

namespace nnet {

template <class input1_T, class input2_T, class res_T, unsigned n1, unsigned n2, unsigned n_out,
          class Layer>
void stream_merge(hls::stream<input1_T>& data1, hls::stream<input2_T>& data2,
                  hls::stream<res_T>& res, Layer layer) {
  typename input1_T::value_type a[n1];
  typename input2_T::value_type b[n2];
  typename res_T::value_type y[n_out];
  read_sample(data1, a, n1);
  read_sample(data2, b, n2);
  layer(a, b, y);
  write_sample(y, res, n_out);
}

#define FPGAAS_NNET_STREAM_MERGE(name)                                                          \
  template <class input1_T, class input2_T, class res_T, typename CONFIG_T>                     \
  void name(hls::stream<input1_T>& data1, hls::stream<input2_T>& data2,                         \
            hls::stream<res_T>& res) {                                                          \
    using a_T = typename input1_T::value_type;                                                  \
    using b_T = typename input2_T::value_type;                                                  \
    using y_T = typename res_T::value_type;                                                     \
    stream_merge<input1_T, input2_T, res_T, merge_n1<CONFIG_T>(), merge_n2<CONFIG_T>(),         \
                 CONFIG_T::n_elem>(data1, data2, res, [](a_T* a, b_T* b, y_T* y) {              \
      name<a_T, b_T, y_T, CONFIG_T>(a, b, y);                                                   \
    });                                                                                         \
  }
FPGAAS_NNET_STREAM_MERGE(add)
FPGAAS_NNET_STREAM_MERGE(subtract)
FPGAAS_NNET_STREAM_MERGE(multiply)
FPGAAS_NNET_STREAM_MERGE(average)
FPGAAS_NNET_STREAM_MERGE(maximum)
FPGAAS_NNET_STREAM_MERGE(minimum)
#undef FPGAAS_NNET_STREAM_MERGE

template <typename CONFIG_T>
constexpr unsigned concat_n1() {
  return CONFIG_T::n_elem1_0 * (CONFIG_T::n_elem1_1 ? CONFIG_T::n_elem1_1 : 1) *
         (CONFIG_T::n_elem1_2 ? CONFIG_T::n_elem1_2 : 1);
}
template <typename CONFIG_T>
constexpr unsigned concat_n2() {
  return CONFIG_T::n_elem2_0 * (CONFIG_T::n_elem2_1 ? CONFIG_T::n_elem2_1 : 1) *
         (CONFIG_T::n_elem2_2 ? CONFIG_T::n_elem2_2 : 1);
}

#define FPGAAS_NNET_STREAM_CONCAT(name)                                                         \
  template <class input1_T, class input2_T, class res_T, typename CONFIG_T>                     \
  void name(hls::stream<input1_T>& data1, hls::stream<input2_T>& data2,                         \
            hls::stream<res_T>& res) {                                                          \
    using a_T = typename input1_T::value_type;                                                  \
    using b_T = typename input2_T::value_type;                                                  \
    using y_T = typename res_T::value_type;                                                     \
    constexpr unsigned n1 = concat_n1<CONFIG_T>(), n2 = concat_n2<CONFIG_T>();                  \
    stream_merge<input1_T, input2_T, res_T, n1, n2, n1 + n2>(                                   \
        data1, data2, res, [](a_T* a, b_T* b, y_T* y) { name<a_T, b_T, y_T, CONFIG_T>(a, b, y); }); \
  }
FPGAAS_NNET_STREAM_CONCAT(concatenate1d)
FPGAAS_NNET_STREAM_CONCAT(concatenate2d)
FPGAAS_NNET_STREAM_CONCAT(concatenate3d)
#undef FPGAAS_NNET_STREAM_CONCAT

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_MERGE_STREAM_H_
