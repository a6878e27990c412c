// fpgaas host nnet library: layer normalization (hls4ml 1.2+, io_parallel), as docs/numerics.md
// states it. seq_len rows of d = n_in / seq_len values, each normalized on its own, A = accum_t:
//   s = A(s + A(x_i)); mean = A(s * A(1.0 / d)); e_i = A(A(x_i) - mean); q = A(q + A(e_i^2));
//   var = A(q * A(1.0 / d)); k = int(var * table_size * 2^table_range_power2) (toward zero),
//   clamped to [0, table_size - 1]; y_i = res_t(e_i * table[k] * scale_i + bias_i) exactly, with
//   table[j] = table_t(1.0 / sqrt(float(10^-eps) + float(2^-r / table_size) * j)) in float, the
//   reciprocal in double (as the generated project's run-time initialisation computes it).
#ifndef FPGAAS_KERNELS_HOST_NNET_LAYERNORM_H_
#define FPGAAS_KERNELS_HOST_NNET_LAYERNORM_H_

#include <cmath>
#include <vector>

#include "nnet_common.h"
#include "nnet_mult.h"

namespace nnet {

struct layernorm_config {
  static const unsigned n_in = 20;
  static const unsigned seq_len = 4;
  static const unsigned axis = 2;
  static const unsigned epsilon_power_of_10 = 3;
  static const unsigned table_range_power2 = 0;
  static const unsigned table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  template <class x_T, class y_T>
  using product = nnet::product::mult<x_T, y_T>;
};

// The 1/sqrt table of one configuration, built once.
template <typename CONFIG_T>
const std::vector<typename CONFIG_T::table_t>& invert_sqr_table() {
  static const std::vector<typename CONFIG_T::table_t> table = [] {
    std::vector<typename CONFIG_T::table_t> t(CONFIG_T::table_size);
    const float min_val = float(std::pow(10.0, -double(CONFIG_T::epsilon_power_of_10)));
    const float max_val = float(std::ldexp(1.0, -int(CONFIG_T::table_range_power2)));
    const float step = max_val / float(CONFIG_T::table_size);
    for (unsigned j = 0; j < CONFIG_T::table_size; ++j) {
      const float in_val = min_val + step * float(j);
      t[j] = typename CONFIG_T::table_t(1.0 / double(std::sqrt(in_val)));
    }
    return t;
  }();
  return table;
}

template <class data_T, class res_T, typename CONFIG_T>
void layernormalize(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                    typename CONFIG_T::scale_t scale[CONFIG_T::n_in / CONFIG_T::seq_len],
                    typename CONFIG_T::bias_t bias[CONFIG_T::n_in / CONFIG_T::seq_len]) {
  using A = typename CONFIG_T::accum_t;
  constexpr unsigned d = CONFIG_T::n_in / CONFIG_T::seq_len;
  static_assert(d * CONFIG_T::seq_len == CONFIG_T::n_in, "layernormalize: n_in % seq_len != 0");
  const auto& table = invert_sqr_table<CONFIG_T>();
  const A k_inv = 1.0 / d;
  const ap_uint<32> index_scale = CONFIG_T::table_size << CONFIG_T::table_range_power2;
  for (unsigned row = 0; row < CONFIG_T::seq_len; ++row) {
    const data_T* x = data + row * d;
    A sum = 0;
    for (unsigned i = 0; i < d; ++i) sum = sum + A(x[i]);
    const A mean = CONFIG_T::template product<A, A>::product(sum, k_inv);
    A diff[d];
    A sum2 = 0;
    for (unsigned i = 0; i < d; ++i) {
      diff[i] = A(x[i]) - mean;
      const A square = diff[i] * diff[i];
      sum2 = sum2 + square;
    }
    const A var = CONFIG_T::template product<A, A>::product(sum2, k_inv);
    int index = int((var * index_scale).to_int64());  // low 32 bits, as hls4ml's int conversion
    if (index < 0) index = 0;
    if (index > int(CONFIG_T::table_size) - 1) index = int(CONFIG_T::table_size) - 1;
    const typename CONFIG_T::table_t inv = table[unsigned(index)];
    for (unsigned i = 0; i < d; ++i) res[row * d + i] = diff[i] * inv * scale[i] + bias[i];
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_LAYERNORM_H_
