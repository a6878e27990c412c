// fpgaas host nnet library: merge layers (io_parallel), hls4ml 1.x's numbers.
//   add / subtract / multiply / maximum / minimum: y = res_t(a op b), exact; average:
//   y = res_t((a + b) / 2), exact. Configs with n_elem1 / n_elem2 broadcast (1.2+):
//   y_i = a_(i mod n_elem1) op b_(i mod n_elem2).
//   concatenate1d/2d/3d: the inputs' blocks interleaved along the axis (keras axes: 1-D -1/1;
//   2-D 2 or -1 the last, else the first; 3-D 3 or -1 the last, 2 or -2 the middle, else the
//   first); y = res_t(x).
//   dot1d (product::mult): acc = 0; acc = accum_t(acc + accum_t(a_i * b_i)) in order; y = res_t(acc).
#ifndef FPGAAS_KERNELS_HOST_NNET_MERGE_H_
#define FPGAAS_KERNELS_HOST_NNET_MERGE_H_

#include "nnet_code_gen.h"
#include "nnet_common.h"

namespace nnet {

struct merge_config {
  static const unsigned n_elem = 10;
};

struct dot_config {
  static const unsigned n_in = 10;
  static const unsigned n_out = 1;
  static const unsigned reuse_factor = 1;
  typedef float accum_t;
  template <class x_T, class y_T>
  using product = nnet::product::mult<x_T, y_T>;
};

struct concat_config {
  static const unsigned n_elem1_0 = 10;
  static const unsigned n_elem1_1 = 10;
  static const unsigned n_elem1_2 = 10;
  static const unsigned n_elem2_0 = 10;
  static const unsigned n_elem2_1 = 10;
  static const unsigned n_elem2_2 = 10;
  static const int axis = -1;
};

template <typename CONFIG_T>
constexpr unsigned merge_n1() {
  if constexpr (requires { CONFIG_T::n_elem1; }) return CONFIG_T::n_elem1;
  return CONFIG_T::n_elem;
}
template <typename CONFIG_T>
constexpr unsigned merge_n2() {
  if constexpr (requires { CONFIG_T::n_elem2; }) return CONFIG_T::n_elem2;
  return CONFIG_T::n_elem;
}

template <class input1_T, class input2_T, class res_T, typename CONFIG_T, class Op>
void merge(input1_T data1[], input2_T data2[], res_T res[], Op op) {
  for (unsigned i = 0; i < CONFIG_T::n_elem; ++i) {
    res[i] = op(data1[i % merge_n1<CONFIG_T>()], data2[i % merge_n2<CONFIG_T>()]);
  }
}

#define FPGAAS_NNET_MERGE(name, ...)                                                          \
  template <class input1_T, class input2_T, class res_T, typename CONFIG_T>                   \
  void name(input1_T data1[CONFIG_T::n_elem], input2_T data2[CONFIG_T::n_elem],               \
            res_T res[CONFIG_T::n_elem]) {                                                    \
    merge<input1_T, input2_T, res_T, CONFIG_T>(data1, data2, res,                             \
                                               [](const input1_T& a, const input2_T& b) {     \
                                                 return res_T(__VA_ARGS__);                    \
                                               });                                            \
  }
FPGAAS_NNET_MERGE(add, a + b)
FPGAAS_NNET_MERGE(subtract, a - b)
FPGAAS_NNET_MERGE(multiply, a * b)
FPGAAS_NNET_MERGE(average, (a + b) * ap_ufixed<1, 0>(0.5))
FPGAAS_NNET_MERGE(maximum, a >= b ? res_T(a) : res_T(b))
FPGAAS_NNET_MERGE(minimum, a <= b ? res_T(a) : res_T(b))
#undef FPGAAS_NNET_MERGE

template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void dot1d(input1_T data1[CONFIG_T::n_in], input2_T data2[CONFIG_T::n_in],
           res_T res[CONFIG_T::n_out]) {
  using accum_T = typename CONFIG_T::accum_t;
  accum_T acc = 0;
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const accum_T p = CONFIG_T::template product<input1_T, input2_T>::product(data1[i], data2[i]);
    acc = acc + p;
  }
  res[0] = acc;
}

// Concatenation of an [outer][inner1] and an [outer][inner2] array along the inner axis.
template <class input1_T, class input2_T, class res_T>
void concatenate_blocks(const input1_T* data1, const input2_T* data2, res_T* res, unsigned outer,
                        unsigned inner1, unsigned inner2) {
  for (unsigned o = 0; o < outer; ++o) {
    for (unsigned i = 0; i < inner1; ++i) *res++ = data1[o * inner1 + i];
    for (unsigned i = 0; i < inner2; ++i) *res++ = data2[o * inner2 + i];
  }
}

template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void concatenate1d(input1_T data1[CONFIG_T::n_elem1_0], input2_T data2[CONFIG_T::n_elem2_0],
                   res_T res[CONFIG_T::n_elem1_0 + CONFIG_T::n_elem2_0]) {
  concatenate_blocks(data1, data2, res, 1, CONFIG_T::n_elem1_0, CONFIG_T::n_elem2_0);
}

template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void concatenate2d(input1_T data1[CONFIG_T::n_elem1_0 * CONFIG_T::n_elem1_1],
                   input2_T data2[CONFIG_T::n_elem2_0 * CONFIG_T::n_elem2_1],
                   res_T res[CONFIG_T::n_elem1_0 * CONFIG_T::n_elem1_1 +
                             CONFIG_T::n_elem2_0 * CONFIG_T::n_elem2_1]) {
  if (CONFIG_T::axis == 2 || CONFIG_T::axis == -1) {
    concatenate_blocks(data1, data2, res, CONFIG_T::n_elem1_0, CONFIG_T::n_elem1_1,
                       CONFIG_T::n_elem2_1);
  } else {
    concatenate_blocks(data1, data2, res, 1, CONFIG_T::n_elem1_0 * CONFIG_T::n_elem1_1,
                       CONFIG_T::n_elem2_0 * CONFIG_T::n_elem2_1);
  }
}

template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void concatenate3d(
    input1_T data1[CONFIG_T::n_elem1_0 * CONFIG_T::n_elem1_1 * CONFIG_T::n_elem1_2],
    input2_T data2[CONFIG_T::n_elem2_0 * CONFIG_T::n_elem2_1 * CONFIG_T::n_elem2_2],
    res_T res[CONFIG_T::n_elem1_0 * CONFIG_T::n_elem1_1 * CONFIG_T::n_elem1_2 +
              CONFIG_T::n_elem2_0 * CONFIG_T::n_elem2_1 * CONFIG_T::n_elem2_2]) {
  const unsigned a0 = CONFIG_T::n_elem1_0, a1 = CONFIG_T::n_elem1_1, a2 = CONFIG_T::n_elem1_2;
  const unsigned b1 = CONFIG_T::n_elem2_1, b2 = CONFIG_T::n_elem2_2;
  if (CONFIG_T::axis == 3 || CONFIG_T::axis == -1) {
    concatenate_blocks(data1, data2, res, a0 * a1, a2, b2);
  } else if (CONFIG_T::axis == 2 || CONFIG_T::axis == -2) {
    concatenate_blocks(data1, data2, res, a0, a1 * a2, b1 * b2);
  } else {
    concatenate_blocks(data1, data2, res, 1, a0 * a1 * a2, CONFIG_T::n_elem2_0 * b1 * b2);
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_MERGE_H_
