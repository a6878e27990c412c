// fpgaas host nnet library: the kernel-selection classes generated configs name
// (config::kernel = nnet::DenseLatency<...>, config::product = nnet::product::mult<...>).
#ifndef FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_
#define FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_

#include "ap_int.h"
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

// Binary weights (ap_uint<1>): 0 stands for -1, so the product is -x or x, exactly.
template <class x_T, class w_T>
class weight_binary {
 public:
  static auto product(x_T a, w_T w) -> decltype(-a) {
    if (w == 0) return -a;
    return a;
  }
};

// Binary data and weights (ap_uint<1>, XNOR): 1 when equal, in x_T.
template <class x_T, class w_T>
class both_binary {
 public:
  static x_T product(x_T a, w_T w) { return a == w ? 1 : 0; }
};

// Binary data (ap_uint<1>, 0 standing for -1): -w or w, exactly.
template <class x_T, class w_T>
class data_binary {
 public:
  static auto product(x_T a, w_T w) -> decltype(-w) {
    if (a == 0) return -w;
    return w;
  }
};

// Ternary weights (ap_int<2> in {-1, 0, 1}): 0, -x or x, exactly.
template <class x_T, class w_T>
class weight_ternary {
 public:
  static auto product(x_T a, w_T w) -> decltype(-a) {
    if (w == 0) return decltype(-a)(0);
    if (w == -1) return -a;
    return a;
  }
};

// Power-of-two weights (a struct of `sign` and `weight`, the exponent; hls4ml 0.8+): x taken into
// r_T = ap_fixed<2 (W_e + W_x), W_e + W_x>, shifted by the exponent within r_T's bits (left: the
// high bits fall off, i.e. wrap; right: floor), then negated in r_T (wrapping) when sign is 0.
template <class x_T, class w_T>
class weight_exponential {
 public:
  static constexpr int exponent_width = decltype(w_T::weight)::width;
  using r_T = ap_fixed<2 * (exponent_width + x_T::width), exponent_width + x_T::width>;
  static r_T product(x_T a, w_T w) {
    const r_T x = a;
    const long long e = w.weight.to_int64();
    ap_i128 v = ap_raw(x);
    if (e >= 0) {
      v = e >= r_T::width ? 0 : v * (ap_i128(1) << e);
    } else {
      v = ap_floor_shift(v, int(-e > 127 ? 127 : -e));
    }
    const r_T y = ap_from_bits<r_T>(v);  // wraps to r_T's width
    return w.sign == 1 ? y : r_T(-y);
  }
};
}  // namespace product

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_CODE_GEN_H_
