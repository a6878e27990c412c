// fpgaas host nnet library: batch normalization, y = res_t(product(x, scale) + bias) with an exact
// intermediate: the config's product, x * scale exactly, or product::weight_exponential's shift
// for power-of-two scales (nnet_code_gen.h); normalize_binary_tanh / normalize_ternary_tanh.
#ifndef FPGAAS_KERNELS_HOST_NNET_BATCHNORM_H_
#define FPGAAS_KERNELS_HOST_NNET_BATCHNORM_H_

#include "nnet_code_gen.h"
#include "nnet_common.h"

namespace nnet {

struct batchnorm_config {
  static const unsigned n_in = 10;
  static const unsigned n_filt = -1;
  static const unsigned n_scale_bias = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const unsigned n_zeros = 0;
  template <class x_T, class y_T>
  using product = nnet::product::mult<x_T, y_T>;
};

template <class data_T, class res_T, typename CONFIG_T>
void normalize(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               typename CONFIG_T::scale_t scale[CONFIG_T::n_scale_bias],
               typename CONFIG_T::bias_t bias[CONFIG_T::n_scale_bias]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const unsigned k = CONFIG_T::n_filt == unsigned(-1) ? i : i % CONFIG_T::n_filt;
    res[i] = CONFIG_T::template product<data_T, typename CONFIG_T::scale_t>::product(data[i], scale[k]) +
             bias[k];
  }
}

struct batchnorm_quantized_tanh_config {
  static const unsigned n_in = 10;
  static const unsigned n_filt = -1;
  static const unsigned n_scale_bias = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
};

// A batch norm folded into data_T thresholds (hls4ml 0.8+): y = x >= t ? 1 : 0.
template <class data_T, typename CONFIG_T>
void normalize_binary_tanh(data_T data[CONFIG_T::n_in], ap_uint<1> res[CONFIG_T::n_in],
                           data_T threshold[CONFIG_T::n_scale_bias]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const unsigned k = CONFIG_T::n_filt == unsigned(-1) ? i : i % CONFIG_T::n_filt;
    res[i] = data[i] >= threshold[k] ? 1 : 0;
  }
}

// Ternary: x > hi -> 1, x <= lo -> -1, else 0.
template <class data_T, typename CONFIG_T>
void normalize_ternary_tanh(data_T data[CONFIG_T::n_in], ap_int<2> res[CONFIG_T::n_in],
                            data_T threshold_hi[CONFIG_T::n_scale_bias],
                            data_T threshold_lo[CONFIG_T::n_scale_bias]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const unsigned k = CONFIG_T::n_filt == unsigned(-1) ? i : i % CONFIG_T::n_filt;
    res[i] = data[i] > threshold_hi[k] ? 1 : data[i] <= threshold_lo[k] ? -1 : 0;
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_BATCHNORM_H_
