// fpgaas host nnet library: activations (io_parallel).
//   relu: x > 0 ? res_t(x) : 0.  linear: res_t(x).
//   sigmoid/tanh: tables of table_t over [-8, 8) / [-4, 4) (float arithmetic, as generated
//     projects compute them), index trunc0(x * N / 16) + N/2 (tanh: / 8), clamped to [0, N-1].
//   softmax stable: d_i = inp_norm_t(max - x_i); e_i = accum_t(exp_table[top bits of d_i]) with
//     exp_table[k] = exp(-value of inp_norm_t whose top bits are k); S = inv_inp_t(tree sum in
//     accum_t); y_i = res_t(e_i * inv_table[top bits of S]) with inv_table[k] = 1 / (value of
//     inv_inp_t whose top bits are k). latency: no max subtraction, tables over the input type.
//     legacy: 16/N and 64/N grids. argmax: one-hot at the first maximum. softmax_multidim: one
//     softmax per (outer, inner) position over the n_slice values n_inner apart.
//   leaky_relu: x > 0 ? res_t(x) : res_t(alpha * x); thresholded_relu: x > theta ? res_t(x) : 0.
//   hard_sigmoid: res_t(clamp(slope * x + shift, 0, 1)), exact; hard_tanh: 2 * that - 1.
//   relu6 / relu1: x < 0 ? 0 : x > M ? res_t(M) : res_t(x). prelu: leaky_relu with one alpha per
//     element.
//   softplus / softsign: table_t tables over [-8, 8) indexed as sigmoid's (float arguments, the
//     host's libm, as the generated projects' run-time initialisation computes them).
//   elu / selu: x >= 0: res_t(x) (elu) or res_t(lambda * x) (selu, lambda in ap_ufixed<16,1>);
//     else the table entry at index trunc0(x * N / -8), capped at N - 1, of e^v - 1 (elu, times
//     alpha exactly) or 1.0507 * 1.6733 * (e^v - 1) (selu) at v = -8 * index / N.
//   binary_tanh: x >= 0 ? 1 : -1 as ap_int<2>, then res_t (an ap_uint<1> res_t gets 0 for -1);
//   ternary_tanh: d = data_T(2x) (wraps as data_T does), d > 1 -> 1, d > -1 -> 0, else -1.
//   hls4ml 1.x's numbers: the importer's per-release variants (older elu alpha types, selu's
//   lambda type before 1.2, binary_tanh before 1.2) are not reproduced here.
#ifndef FPGAAS_KERNELS_HOST_NNET_ACTIVATION_H_
#define FPGAAS_KERNELS_HOST_NNET_ACTIVATION_H_

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "ap_int.h"
#include "nnet_common.h"

namespace nnet {

struct activ_config {
  static const unsigned n_in = 10;
  static const unsigned table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  typedef ap_fixed<18, 8> table_t;
};

enum class softmax_implementation { latency = 0, legacy = 1, stable = 2, argmax = 3 };

template <class data_T, class res_T, typename CONFIG_T>
void linear(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) res[i] = data[i];
}

template <class data_T, class res_T, typename CONFIG_T>
void relu(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] > 0) {
      res[i] = data[i];
    } else {
      res[i] = 0;
    }
  }
}

// leaky_relu: x > 0 ? res_t(x) : res_t(alpha * x), the product exact (alpha of param_t).
template <class data_T, class param_T, class res_T, typename CONFIG_T>
void leaky_relu(data_T data[CONFIG_T::n_in], param_T alpha, res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] > 0) {
      res[i] = data[i];
    } else {
      res[i] = alpha * data[i];
    }
  }
}

// thresholded_relu: x > theta ? res_t(x) : 0.
template <class data_T, class param_T, class res_T, typename CONFIG_T>
void thresholded_relu(data_T data[CONFIG_T::n_in], param_T theta, res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] > theta) {
      res[i] = data[i];
    } else {
      res[i] = 0;
    }
  }
}

// hard_sigmoid: z = slope * x + shift exact, clamped to [0, 1]; y = res_t(z).
// hard_tanh: the same z; y = res_t(2z - 1).
template <class data_T, typename CONFIG_T>
auto hard_sigmoid_value(const data_T& x) {
  auto z = CONFIG_T::slope * x + CONFIG_T::shift;
  if (z > 1) {
    z = 1;
  } else if (z < 0) {
    z = 0;
  }
  return z;
}

template <class data_T, class res_T, typename CONFIG_T>
void hard_sigmoid(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) res[i] = hard_sigmoid_value<data_T, CONFIG_T>(data[i]);
}

template <class data_T, class res_T, typename CONFIG_T>
void hard_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const auto z = hard_sigmoid_value<data_T, CONFIG_T>(data[i]);
    res[i] = z + z - ap_int<2>(1);
  }
}

template <class data_T, class res_T, int MAX_INT, typename CONFIG_T>
void relu_max(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] < 0) {
      res[i] = 0;
    } else if (data[i] > MAX_INT) {
      res[i] = MAX_INT;
    } else {
      res[i] = data[i];
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void relu6(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  relu_max<data_T, res_T, 6, CONFIG_T>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void relu1(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  relu_max<data_T, res_T, 1, CONFIG_T>(data, res);
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void prelu(data_T data[CONFIG_T::n_in], param_T alpha[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] > 0) {
      res[i] = data[i];
    } else {
      res[i] = alpha[i] * data[i];
    }
  }
}

namespace detail {

inline float clamped_exp(float x) {
  const float c = x > 80.0f ? 80.0f : (x < -80.0f ? -80.0f : x);
  return std::exp(c);
}

// Table over [-range, range): entry k is f(x_k), x_k = 2 * range * (k - N/2) / N.
template <class table_T, class F>
std::vector<table_T> symmetric_table(unsigned n, double range, F f) {
  std::vector<table_T> table(n);
  for (unsigned k = 0; k < n; ++k) {
    const float x = float(2 * range * (k - float(n) / 2.0) / float(n));
    table[k] = table_T(f(x));
  }
  return table;
}


// The value of T whose top `bits` bits are `k` and whose other bits are zero, as a float.
template <class T>
float value_of_top_bits(unsigned k, int bits) {
  const int shift = T::width - bits;
  ap_i128 pattern = ap_i128(k) << shift;
  if (ap_signed_v<T> && ((pattern >> (T::width - 1)) & 1)) pattern -= ap_i128(1) << T::width;
  return float(std::ldexp(double(pattern), -ap_fwidth_v<T>));
}

// The top `bits` bits of x's W-bit pattern.
template <class T>
unsigned top_bits(const T& x, int bits) {
  const ap_u128 mask = (ap_u128(1) << T::width) - 1;
  const ap_u128 pattern = ap_u128(ap_raw(x)) & mask;
  return unsigned(pattern >> (T::width - bits)) & ((1u << bits) - 1);
}

template <typename CONFIG_T>
constexpr unsigned exp_table_size() {
  if constexpr (requires { CONFIG_T::exp_table_size; }) {
    return CONFIG_T::exp_table_size;
  } else {
    return CONFIG_T::table_size;
  }
}
template <typename CONFIG_T>
constexpr unsigned inv_table_size() {
  if constexpr (requires { CONFIG_T::inv_table_size; }) {
    return CONFIG_T::inv_table_size;
  } else {
    return CONFIG_T::table_size;
  }
}
template <typename CONFIG_T>
float exp_scale() {
  if constexpr (requires { CONFIG_T::exp_scale; }) {
    return float(CONFIG_T::exp_scale);
  } else {
    return 1.0f;
  }
}

// Tables of one softmax configuration, built once.
template <class index_T, class inv_index_T, typename CONFIG_T, bool negative>
struct SoftmaxTables {
  std::vector<typename CONFIG_T::exp_table_t> exp_table;
  std::vector<typename CONFIG_T::inv_table_t> inv_table;
  SoftmaxTables() {
    constexpr unsigned ne = exp_table_size<CONFIG_T>();
    constexpr unsigned ni = inv_table_size<CONFIG_T>();
    const int be = ceillog2(ne), bi = ceillog2(ni);
    for (unsigned k = 0; k < ne; ++k) {
      float x = value_of_top_bits<index_T>(k, be) * exp_scale<CONFIG_T>();
      if (negative) x = -x;
      exp_table.push_back(typename CONFIG_T::exp_table_t(clamped_exp(x)));
    }
    for (unsigned k = 0; k < ni; ++k) {
      const float x = value_of_top_bits<inv_index_T>(k, bi);
      const float safe = x == 0.0f ? std::numeric_limits<float>::min() : x;
      inv_table.push_back(typename CONFIG_T::inv_table_t(1 / safe));
    }
  }
  static const SoftmaxTables& Get() {
    static const SoftmaxTables tables;
    return tables;
  }
};

}  // namespace detail

template <class data_T, class res_T, typename CONFIG_T>
void sigmoid(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  constexpr int n = CONFIG_T::table_size;
  static const std::vector<table_T> table = detail::symmetric_table<table_T>(
      n, 8.0, [](float x) { return 1.0 / (1 + detail::clamped_exp(-x)); });
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    long long index = scaled_index(data[i], n, 16) + 8 * n / 16;
    index = index < 0 ? 0 : (index > n - 1 ? n - 1 : index);
    res[i] = table[index];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  constexpr int n = CONFIG_T::table_size;
  static const std::vector<table_T> table =
      detail::symmetric_table<table_T>(n, 4.0, [](float x) { return std::tanh(x); });
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    long long index = scaled_index(data[i], n, 8) + 4 * n / 8;
    index = index < 0 ? 0 : (index > n - 1 ? n - 1 : index);
    res[i] = table[index];
  }
}

namespace detail {

// The index into a table over [-8, 8): trunc0(x * N / 16) + N/2, clamped to [0, N-1].
template <class data_T>
long long symmetric_index(const data_T& x, long long n) {
  const long long index = scaled_index(x, n, 16) + 8 * n / 16;
  return index < 0 ? 0 : (index > n - 1 ? n - 1 : index);
}

// The index into a table over (-8, 0] for x < 0: trunc0(x * N / -8), at most N - 1.
template <class data_T>
long long negative_index(const data_T& x, long long n) {
  const long long index = scaled_index(x, n, -8);
  return index > n - 1 ? n - 1 : index;
}

// Entry k of a table over (-8, 0]: f(-8 * k / N) (the argument in float).
template <class table_T, class F>
std::vector<table_T> negative_table(unsigned n, F f) {
  std::vector<table_T> table(n);
  for (unsigned k = 0; k < n; ++k) {
    const float x = float(-8.0 * k / float(n));
    table[k] = table_T(f(x));
  }
  return table;
}

// The functions of the generated projects' table initialisation, float in, float out, with the
// same mix of float and double arithmetic.
inline float softplus_value(float x) { return float(std::log(std::exp(x) + 1.)); }
inline float softsign_value(float x) { return float(x / (std::abs(x) + 1.)); }
inline float elu_value(float x) { return float(std::exp(x) - 1.); }
inline float selu_value(float x) {
  return float(1.0507009873554804934193349852946 *
               (1.6732632423543772848170429916717 * (std::exp(x) - 1.)));
}

}  // namespace detail

template <class data_T, class res_T, typename CONFIG_T>
void softplus(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  static const std::vector<table_T> table =
      detail::symmetric_table<table_T>(CONFIG_T::table_size, 8.0, detail::softplus_value);
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    res[i] = table[detail::symmetric_index(data[i], CONFIG_T::table_size)];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softsign(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  static const std::vector<table_T> table =
      detail::symmetric_table<table_T>(CONFIG_T::table_size, 8.0, detail::softsign_value);
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    res[i] = table[detail::symmetric_index(data[i], CONFIG_T::table_size)];
  }
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void elu(data_T data[CONFIG_T::n_in], const param_T alpha, res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  static const std::vector<table_T> table =
      detail::negative_table<table_T>(CONFIG_T::table_size, detail::elu_value);
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] >= 0) {
      res[i] = data[i];
    } else {
      res[i] = alpha * table[detail::negative_index(data[i], CONFIG_T::table_size)];
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void elu(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  elu<data_T, ap_uint<1>, res_T, CONFIG_T>(data, ap_uint<1>(1), res);
}

template <class data_T, class res_T, typename CONFIG_T>
void selu(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  using table_T = typename CONFIG_T::table_t;
  static const std::vector<table_T> table =
      detail::negative_table<table_T>(CONFIG_T::table_size, detail::selu_value);
  static const ap_ufixed<16, 1> lambda = 1.0507009873554805;
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    if (data[i] >= 0) {
      res[i] = lambda * data[i];
    } else {
      res[i] = table[detail::negative_index(data[i], CONFIG_T::table_size)];
    }
  }
}

// -1 or 1 into res_T; an ap_uint<1> result takes 0 for -1 (hls4ml 1.2+'s binary_cast).
template <class res_T>
res_T binary_value(bool positive) {
  if constexpr (std::is_same_v<res_T, ap_uint<1>>) {
    return positive ? res_T(1) : res_T(0);
  } else {
    return positive ? res_T(ap_int<2>(1)) : res_T(ap_int<2>(-1));
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void binary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) res[i] = binary_value<res_T>(data[i] >= 0);
}

template <class data_T, class res_T, typename CONFIG_T>
void ternary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
    const data_T doubled = data[i] + data[i];  // data_T's overflow applies
    res_T value;
    if (doubled > 1) {
      value = 1;
    } else if (doubled > -1) {
      value = 0;
    } else {
      value = -1;
    }
    res[i] = value;
  }
}

template <typename CONFIG_T>
constexpr unsigned softmax_n() {
  if constexpr (requires { CONFIG_T::n_slice; }) {
    return CONFIG_T::n_slice;
  } else {
    return CONFIG_T::n_in;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_stable(data_T* data, res_T* res) {
  constexpr unsigned n = softmax_n<CONFIG_T>();
  if constexpr (requires { typename CONFIG_T::inp_norm_t; }) {  // hls4ml >= 1.0 configs
    using norm_T = typename CONFIG_T::inp_norm_t;
    using accum_T = typename CONFIG_T::accum_t;
    using sum_T = typename CONFIG_T::inv_inp_t;
    const auto& tables = detail::SoftmaxTables<norm_T, sum_T, CONFIG_T, true>::Get();
    const data_T x_max = reduce<data_T, n, Op_max<data_T>>(data, Op_max<data_T>());
    accum_T e[n];
    for (unsigned i = 0; i < n; ++i) {
      const norm_T d = x_max - data[i];
      e[i] = tables.exp_table[detail::top_bits(d, ceillog2(detail::exp_table_size<CONFIG_T>()))];
    }
    const sum_T sum = reduce<accum_T, n, Op_add<accum_T>>(e, Op_add<accum_T>());
    const typename CONFIG_T::inv_table_t inv =
        tables.inv_table[detail::top_bits(sum, ceillog2(detail::inv_table_size<CONFIG_T>()))];
    for (unsigned i = 0; i < n; ++i) res[i] = e[i] * inv;
  } else {  // 0.8-era configs: d = ap_fixed<W,I,RND,SAT>(x - max) indexed as data_T; sums in exp_table_t
    using exp_T = typename CONFIG_T::exp_table_t;
    using diff_T = ap_fixed<data_T::width, data_T::iwidth, AP_RND, AP_SAT>;
    const auto& tables = detail::SoftmaxTables<data_T, exp_T, CONFIG_T, false>::Get();
    const data_T x_max = reduce<data_T, n, Op_max<data_T>>(data, Op_max<data_T>());
    exp_T e[n];
    for (unsigned i = 0; i < n; ++i) {
      const diff_T d = data[i] - x_max;
      e[i] = tables.exp_table[detail::top_bits(d, ceillog2(detail::exp_table_size<CONFIG_T>()))];
    }
    const exp_T sum = reduce<exp_T, n, Op_add<exp_T>>(e, Op_add<exp_T>());
    const typename CONFIG_T::inv_table_t inv =
        tables.inv_table[detail::top_bits(sum, ceillog2(detail::inv_table_size<CONFIG_T>()))];
    for (unsigned i = 0; i < n; ++i) res[i] = e[i] * inv;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_latency(data_T* data, res_T* res) {
  constexpr unsigned n = softmax_n<CONFIG_T>();
  using accum_T = typename CONFIG_T::accum_t;
  using sum_T = typename CONFIG_T::inv_inp_t;  // hls4ml >= 1.0 configs
  const auto& tables = detail::SoftmaxTables<data_T, sum_T, CONFIG_T, false>::Get();
  accum_T e[n];
  for (unsigned i = 0; i < n; ++i) {
    e[i] = tables.exp_table[detail::top_bits(data[i], ceillog2(detail::exp_table_size<CONFIG_T>()))];
  }
  const sum_T sum = reduce<accum_T, n, Op_add<accum_T>>(e, Op_add<accum_T>());
  const typename CONFIG_T::inv_table_t inv =
      tables.inv_table[detail::top_bits(sum, ceillog2(detail::inv_table_size<CONFIG_T>()))];
  for (unsigned i = 0; i < n; ++i) res[i] = e[i] * inv;
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_legacy(data_T* data, res_T* res) {
  constexpr unsigned n = softmax_n<CONFIG_T>();
  using table_T = typename CONFIG_T::table_t;
  constexpr int ne = detail::exp_table_size<CONFIG_T>();
  constexpr int ni = detail::inv_table_size<CONFIG_T>();
  static const std::vector<table_T> exp_table =
      detail::symmetric_table<table_T>(ne, 8.0, [](float x) { return detail::clamped_exp(x); });
  static const std::vector<table_T> inv_table = [] {
    std::vector<table_T> t(ni);
    for (int k = 0; k < ni; ++k) {
      const float x = float(64.0 * k / float(ni));
      t[k] = x > 0.0f ? table_T(1.0 / x) : table_T(0.0);
    }
    return t;
  }();
  for (unsigned i = 0; i < n; ++i) {
    table_T sum = 0;
    for (unsigned j = 0; j < n; ++j) {
      table_T term;
      if (i == j) {
        term = 1;
      } else {
        long long index = scaled_index(data[j] - data[i], ne, 16) + 8 * ne / 16;
        index = index < 0 ? 0 : (index > ne - 1 ? ne - 1 : index);
        term = exp_table[index];
      }
      sum = sum + term;
    }
    long long index = scaled_index(sum, ni, 64);
    index = index < 0 ? 0 : (index > ni - 1 ? ni - 1 : index);
    res[i] = inv_table[index];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax(data_T* data, res_T* res) {
  constexpr unsigned n = softmax_n<CONFIG_T>();
  unsigned best = 0;
  for (unsigned i = 1; i < n; ++i) {
    if (data[i] > data[best]) best = i;
  }
  for (unsigned i = 0; i < n; ++i) res[i] = i == best ? 1 : 0;
}

// One softmax over n = softmax_n<CONFIG_T>() contiguous values, by the config's implementation.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_1d(data_T* data, res_T* res) {
  constexpr softmax_implementation impl = CONFIG_T::implementation;
  if constexpr (impl == softmax_implementation::latency) {
    softmax_latency<data_T, res_T, CONFIG_T>(data, res);
  } else if constexpr (impl == softmax_implementation::stable) {
    softmax_stable<data_T, res_T, CONFIG_T>(data, res);
  } else if constexpr (impl == softmax_implementation::legacy) {
    softmax_legacy<data_T, res_T, CONFIG_T>(data, res);
  } else {
    softmax_argmax<data_T, res_T, CONFIG_T>(data, res);
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  constexpr unsigned n = softmax_n<CONFIG_T>();
  static_assert(CONFIG_T::n_in % n == 0, "softmax: n_in must be a multiple of n_slice");
  if constexpr (requires { CONFIG_T::n_inner; }) {
    static_assert(CONFIG_T::n_inner == 1, "fpgaas host nnet: strided (n_inner > 1) softmax");
  }
  for (unsigned s = 0; s < CONFIG_T::n_in / n; ++s) {  // 1-D softmax per contiguous slice
    softmax_1d<data_T, res_T, CONFIG_T>(data + s * n, res + s * n);
  }
}

// softmax_multidim (hls4ml 1.2+): one softmax per (outer i, inner k) over the n_slice values
// x[(i * n_slice + j) * n_inner + k], written back to the same places.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_multidim(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  constexpr unsigned n = CONFIG_T::n_slice, inner = CONFIG_T::n_inner;
  static_assert(CONFIG_T::n_outer * n * inner == CONFIG_T::n_in,
                "softmax_multidim: n_outer * n_slice * n_inner must be n_in");
  for (unsigned i = 0; i < CONFIG_T::n_outer; ++i) {
    for (unsigned k = 0; k < inner; ++k) {
      data_T in[n];
      res_T out[n];
      for (unsigned j = 0; j < n; ++j) in[j] = data[(i * n + j) * inner + k];
      softmax_1d<data_T, res_T, CONFIG_T>(in, out);
      for (unsigned j = 0; j < n; ++j) res[(i * n + j) * inner + k] = out[j];
    }
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_ACTIVATION_H_
