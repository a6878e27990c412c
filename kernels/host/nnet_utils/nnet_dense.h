// fpgaas host nnet library: dense layers (io_parallel).
//   latency:  acc_j = accum_t(b_j); acc_j = accum_t(acc_j + accum_t(x_i * w[i*n_out + j])) for i in
//             order; y_j = res_t(acc_j).
//   resource: the same casts; weights are stored transposed (w[j*n_in + i]).
//   ap_uint<1> input and weights: the popcount cast<> (dense_cast).
#ifndef FPGAAS_KERNELS_HOST_NNET_DENSE_H_
#define FPGAAS_KERNELS_HOST_NNET_DENSE_H_

#include <type_traits>

#include "nnet_code_gen.h"
#include "nnet_common.h"

namespace nnet {

// nnet_mult.h's cast<> (hls4ml 1.2+): with ap_uint<1> input and weights the sum is a popcount and
// y = res_t(ap_int<N>(trunc(2 acc - n_in))), N = ceillog2(n_in) + 2 (ap_int wraps); else res_t(acc).
template <class data_T, class res_T, typename CONFIG_T>
res_T dense_cast(const typename CONFIG_T::accum_t& acc) {
  if constexpr (std::is_same_v<data_T, ap_uint<1>> &&
                std::is_same_v<typename CONFIG_T::weight_t, ap_uint<1>>) {
    int bits = 1;  // nnet::ceillog2(n_in)
    for (unsigned k = CONFIG_T::n_in; k > 2; k = (k + 1) / 2) ++bits;
    // acc is a popcount (an integer), so the truncation is exact; ap_int<bits + 2> wraps, which
    // unsigned 64-bit arithmetic does too. Written with to_int64() only, so that it compiles
    // over Xilinx's ap types as well as ours.
    const unsigned long long m = 1ULL << (bits + 2);
    const unsigned long long u =
        (2 * static_cast<unsigned long long>(acc.to_int64()) - CONFIG_T::n_in) & (m - 1);
    const long long t = u >= m / 2 ? static_cast<long long>(u) - static_cast<long long>(m)
                                   : static_cast<long long>(u);
    return res_T(t);
  } else {
    return res_T(acc);
  }
}

struct dense_config {
  typedef float bias_t;
  typedef float weight_t;
  typedef float accum_t;
  static const unsigned n_in = 10;
  static const unsigned n_out = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned strategy = latency;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const unsigned n_zeros = 0;
  template <class x_T, class y_T>
  using product = nnet::product::mult<x_T, y_T>;
};

template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  using accum_t = typename CONFIG_T::accum_t;
  using weight_t = typename CONFIG_T::weight_t;
  for (unsigned j = 0; j < CONFIG_T::n_out; ++j) {
    accum_t acc = biases[j];
    for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
      const accum_t p =
          CONFIG_T::template product<data_T, weight_t>::product(data[i], weights[i * CONFIG_T::n_out + j]);
      acc = acc + p;
    }
    res[j] = dense_cast<data_T, res_T, CONFIG_T>(acc);
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  using accum_t = typename CONFIG_T::accum_t;
  using weight_t = typename CONFIG_T::weight_t;
  for (unsigned j = 0; j < CONFIG_T::n_out; ++j) {
    accum_t acc = biases[j];
    for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
      const accum_t p =
          CONFIG_T::template product<data_T, weight_t>::product(data[i], weights[j * CONFIG_T::n_in + i]);
      acc = acc + p;
    }
    res[j] = dense_cast<data_T, res_T, CONFIG_T>(acc);
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  if constexpr (requires { typename CONFIG_T::template kernel<data_T, res_T, CONFIG_T>; }) {
    CONFIG_T::template kernel<data_T, res_T, CONFIG_T>::dense(data, res, weights, biases);
  } else if constexpr (CONFIG_T::strategy == resource) {
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  } else {
    dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_DENSE_H_
