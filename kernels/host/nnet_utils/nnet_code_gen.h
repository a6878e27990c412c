// fpgaas host nnet library: the kernel-selection classes generated configs name
// (config::kernel = nnet::DenseLatency<...>, config::product = nnet::product::mult<...>).
#ifndef FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_
#define FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_

#include "nnet_common.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   typename CONFIG_T::bias_t biases[CONFIG_T::n_out]);
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    typename CONFIG_T::bias_t biases[CONFIG_T::n_out]);

template <class data_T, class res_T, typename CONFIG_T>
class DenseLatency {
 public:
  static void dense(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  }
};

template <class data_T, class res_T, typename CONFIG_T>
class DenseResource_rf_leq_nin {
 public:
  static void dense(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  }
};
template <class data_T, class res_T, typename CONFIG_T>
using DenseResource_rf_gt_nin_rem0 = DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;
template <class data_T, class res_T, typename CONFIG_T>
using DenseResource_rf_gt_nin = DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;

namespace product {
// Exact product, rounded only where the caller assigns it.
template <class x_T, class w_T>
class mult {
 public:
  static auto product(x_T a, w_T w) -> decltype(a * w) { return a * w; }
};
}  // namespace product

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_
