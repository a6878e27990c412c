// fpgaas host nnet library: LSTM and GRU over a sequence (io_parallel; hls4ml 1.x semantics, as
// docs/numerics.md states them). The input is n_sequence steps of n_in values; the state h (and the
// LSTM cell c) are held in res_T, zero at the start; the output is the last h, or every step's h
// when n_sequence_out > 1. Per step, with A = accum_t:
//   a = dense(x_t) with mult_config1 (W, b), b = dense(h) with mult_config2 (W_r, b_r), both into A;
//   LSTM (gate blocks i, f, g, o): i, f, o = activation_recr(A(a + b)); g = activation(A(a + b));
//     c = res_T(g * i + c * f) exactly; h = res_T(o * activation(c)) exactly (activation reads
//     the res_T state, writes A);
//   GRU (blocks z, r, n; pytorch_order: r, z, n): z, r = activation_recr(A(a + b));
//     n = activation(A(a_n + A(r * b_n))); h = res_T(n * (1 - z) + h * z) exactly.
// io_stream: one time step per input pack (n_in values) and one n_state pack per output step, one
// sample per call (nnet_types.h); the same numbers. bidirectional_stack (hls4ml 1.2+): two such
// cells, the second over the reversed sequence (below).
#ifndef FPGAAS_KERNELS_HOST_NNET_RECURRENT_H_
#define FPGAAS_KERNELS_HOST_NNET_RECURRENT_H_

#include "nnet_activation.h"
#include "nnet_common.h"
#include "nnet_dense.h"
#include "nnet_recr_activations.h"
#include "nnet_types.h"

namespace nnet {

struct lstm_config {
  typedef float weight_t;
  typedef float bias_t;
  typedef float accum_t;
  static const unsigned n_in = 2;
  static const unsigned n_parts = 20;
  static const unsigned n_out = 2;
  static const unsigned n_state = 2;
  static const unsigned n_4state = 8;
  static const unsigned table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const bool use_static = true;
  static const bool pytorch_order = false;
};

struct gru_config {
  typedef float weight_t;
  typedef float bias_t;
  typedef float accum_t;
  static const unsigned n_in = 2;
  static const unsigned n_out = 2;
  static const unsigned n_state = 2;
  static const unsigned n_sequence = 2;
  static const unsigned n_4state = 8;
  static const unsigned table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const bool use_static = true;
  static const bool pytorch_order = false;
};

// One LSTM step: reads x (n_in values) and the state h, c (res_T), writes the new h and c.
template <class data_T, class res_T, typename CONFIG_T>
void lstm_step(const data_T* x, res_T h[CONFIG_T::n_state], res_T c[CONFIG_T::n_state],
               typename CONFIG_T::weight_t* param, typename CONFIG_T::recurrent_weight_t* param_r,
               typename CONFIG_T::bias_t* param_b, typename CONFIG_T::recurrent_bias_t* param_br) {
  using A = typename CONFIG_T::accum_t;
  constexpr unsigned n = CONFIG_T::n_state;
  A a[4 * n], b[4 * n], gates[3 * n], gate_out[3 * n], g_in[n], g[n], c_act[n];
  data_T xin[CONFIG_T::n_in];
  for (unsigned k = 0; k < CONFIG_T::n_in; ++k) xin[k] = x[k];
  dense<data_T, A, typename CONFIG_T::mult_config1>(xin, a, param, param_b);
  dense<res_T, A, typename CONFIG_T::mult_config2>(h, b, param_r, param_br);
  // Blocks i, f, o go through the recurrent activation; g through the activation.
  for (unsigned k = 0; k < n; ++k) {
    gates[k] = a[k] + b[k];                          // i
    gates[n + k] = a[n + k] + b[n + k];              // f
    gates[2 * n + k] = a[3 * n + k] + b[3 * n + k];  // o
    g_in[k] = a[2 * n + k] + b[2 * n + k];
  }
  CONFIG_T::template activation_recr<A, A, typename CONFIG_T::ACT_CONFIG_LSTM>::activation(gates,
                                                                                        gate_out);
  CONFIG_T::template activation<A, A, typename CONFIG_T::ACT_CONFIG_T>::activation(g_in, g);
  for (unsigned k = 0; k < n; ++k) c[k] = g[k] * gate_out[k] + c[k] * gate_out[n + k];
  CONFIG_T::template activation<res_T, A, typename CONFIG_T::ACT_CONFIG_T>::activation(c, c_act);
  for (unsigned k = 0; k < n; ++k) h[k] = gate_out[2 * n + k] * c_act[k];
}

// One GRU step: reads x (n_in values) and the state h (res_T), writes the new h.
template <class data_T, class res_T, typename CONFIG_T>
void gru_step(const data_T* x, res_T h[CONFIG_T::n_state], typename CONFIG_T::weight_t* param,
              typename CONFIG_T::recurrent_weight_t* param_zr, typename CONFIG_T::bias_t* param_b,
              typename CONFIG_T::recurrent_bias_t* param_br) {
  using A = typename CONFIG_T::accum_t;
  constexpr unsigned n = CONFIG_T::n_state;
  // Where z and r sit among the first two blocks.
  constexpr unsigned z_at = CONFIG_T::pytorch_order ? n : 0, r_at = CONFIG_T::pytorch_order ? 0 : n;
  const ap_fixed<2, 2> one = 1;
  A a[3 * n], b[3 * n], zr_in[2 * n], zr[2 * n], n_in[n], n_act[n];
  data_T xin[CONFIG_T::n_in];
  for (unsigned k = 0; k < CONFIG_T::n_in; ++k) xin[k] = x[k];
  dense<data_T, A, typename CONFIG_T::mult_config1>(xin, a, param, param_b);
  dense<res_T, A, typename CONFIG_T::mult_config2>(h, b, param_zr, param_br);
  for (unsigned k = 0; k < 2 * n; ++k) zr_in[k] = a[k] + b[k];
  CONFIG_T::template activation_recr<A, A, typename CONFIG_T::ACT_CONFIG_GRU>::activation(zr_in, zr);
  for (unsigned k = 0; k < n; ++k) {
    const A reset_product = zr[r_at + k] * b[2 * n + k];
    n_in[k] = a[2 * n + k] + reset_product;
  }
  CONFIG_T::template activation<A, A, typename CONFIG_T::ACT_CONFIG_T>::activation(n_in, n_act);
  for (unsigned k = 0; k < n; ++k) {
    const A z = zr[z_at + k];
    h[k] = n_act[k] * (one - z) + h[k] * z;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void lstm_stack(data_T data[CONFIG_T::n_sequence * CONFIG_T::n_in],
                res_T res[CONFIG_T::n_sequence_out * CONFIG_T::n_state],
                typename CONFIG_T::weight_t param[CONFIG_T::n_state * 4 * CONFIG_T::n_in],
                typename CONFIG_T::recurrent_weight_t param_r[CONFIG_T::n_state * 4 * CONFIG_T::n_state],
                typename CONFIG_T::bias_t param_b[CONFIG_T::n_state * 4],
                typename CONFIG_T::recurrent_bias_t param_br[CONFIG_T::n_state * 4]) {
  constexpr unsigned n = CONFIG_T::n_state;
  res_T h[n], c[n];
  for (unsigned k = 0; k < n; ++k) h[k] = c[k] = 0;
  for (unsigned t = 0; t < CONFIG_T::n_sequence; ++t) {
    lstm_step<data_T, res_T, CONFIG_T>(data + t * CONFIG_T::n_in, h, c, param, param_r, param_b,
                                       param_br);
    if (CONFIG_T::n_sequence_out > 1) {
      for (unsigned k = 0; k < n; ++k) res[t * n + k] = h[k];
    }
  }
  if (CONFIG_T::n_sequence_out == 1) {
    for (unsigned k = 0; k < n; ++k) res[k] = h[k];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void gru_stack(data_T data[CONFIG_T::n_sequence * CONFIG_T::n_in],
               res_T res[CONFIG_T::n_sequence_out * CONFIG_T::n_state],
               typename CONFIG_T::weight_t param[CONFIG_T::n_state * 3 * CONFIG_T::n_in],
               typename CONFIG_T::recurrent_weight_t param_zr[CONFIG_T::n_state * 3 * CONFIG_T::n_state],
               typename CONFIG_T::bias_t param_b[CONFIG_T::n_state * 3],
               typename CONFIG_T::recurrent_bias_t param_br[CONFIG_T::n_state * 3]) {
  constexpr unsigned n = CONFIG_T::n_state;
  res_T h[n];
  for (unsigned k = 0; k < n; ++k) h[k] = 0;
  for (unsigned t = 0; t < CONFIG_T::n_sequence; ++t) {
    gru_step<data_T, res_T, CONFIG_T>(data + t * CONFIG_T::n_in, h, param, param_zr, param_b,
                                      param_br);
    if (CONFIG_T::n_sequence_out > 1) {
      for (unsigned k = 0; k < n; ++k) res[t * n + k] = h[k];
    }
  }
  if (CONFIG_T::n_sequence_out == 1) {
    for (unsigned k = 0; k < n; ++k) res[k] = h[k];
  }
}

// The cells of a Bidirectional layer (hls4ml 1.2+). `state` holds h (and, for an LSTM, c after
// it) in res_T; the bidirectional layer zeroes it before the first step. The static and
// non-static forms compute the same numbers for one sequence per call (hls4ml's static cells
// keep the state in function statics, reset at the first step).
template <class data_T, class res_T, typename CONFIG_T, bool backward = false>
struct lstm_class {
  static constexpr unsigned n_state_values = 2 * CONFIG_T::n_state;
  static void apply(bool, data_T* x, res_T* state, typename CONFIG_T::weight_t* param,
                    typename CONFIG_T::recurrent_weight_t* param_r,
                    typename CONFIG_T::bias_t* param_b, typename CONFIG_T::recurrent_bias_t* param_br) {
    lstm_step<data_T, res_T, CONFIG_T>(x, state, state + CONFIG_T::n_state, param, param_r, param_b,
                                       param_br);
  }
};
template <class data_T, class res_T, typename CONFIG_T, bool backward = false>
struct lstm_class_static : lstm_class<data_T, res_T, CONFIG_T, backward> {};

template <class data_T, class res_T, typename CONFIG_T, bool backward = false>
struct gru_class {
  static constexpr unsigned n_state_values = CONFIG_T::n_state;
  static void apply(bool, data_T* x, res_T* state, typename CONFIG_T::weight_t* param,
                    typename CONFIG_T::recurrent_weight_t* param_zr,
                    typename CONFIG_T::bias_t* param_b, typename CONFIG_T::recurrent_bias_t* param_br) {
    gru_step<data_T, res_T, CONFIG_T>(x, state, param, param_zr, param_b, param_br);
  }
};
template <class data_T, class res_T, typename CONFIG_T, bool backward = false>
struct gru_class_static : gru_class<data_T, res_T, CONFIG_T, backward> {};

struct single_layer_config {  // one direction's cell of a Bidirectional layer
  typedef float weight_t;
  typedef float bias_t;
  typedef float accum_t;
  static const unsigned n_in = 2;
  static const unsigned n_state = 2;
  static const unsigned n_mult = 3;
  static const bool pytorch_order = false;
};

struct bidirectional_config {
  static const unsigned n_in = 2;
  static const unsigned n_out = 2;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const bool store_weights_in_bram = false;
  static const bool use_static = true;
};

// Bidirectional (hls4ml 1.2+, io_parallel): the forward cell over steps 0 .. n-1, the backward
// cell over n-1 .. 0, each from a zero state. return_sequences: output row t holds the forward h
// after step t, then the backward h after it read step t; else the forward h after the last step,
// then the backward h after step 0.
template <class data_T, class res_T, typename CONFIG_T>
void bidirectional_stack(
    data_T data[CONFIG_T::n_sequence * CONFIG_T::n_in],
    res_T res[CONFIG_T::n_sequence_out * CONFIG_T::n_out],
    typename CONFIG_T::FORWARD_CONFIG::weight_t* param,
    typename CONFIG_T::FORWARD_CONFIG::recurrent_weight_t* param_r,
    typename CONFIG_T::FORWARD_CONFIG::bias_t* param_b,
    typename CONFIG_T::FORWARD_CONFIG::recurrent_bias_t* param_br,
    typename CONFIG_T::BACKWARD_CONFIG::weight_t* param_back,
    typename CONFIG_T::BACKWARD_CONFIG::recurrent_weight_t* param_r_back,
    typename CONFIG_T::BACKWARD_CONFIG::bias_t* param_b_back,
    typename CONFIG_T::BACKWARD_CONFIG::recurrent_bias_t* param_br_back) {
  using F = typename CONFIG_T::FORWARD_CONFIG;
  using B = typename CONFIG_T::BACKWARD_CONFIG;
  using forward = typename CONFIG_T::template RNNfunc_forward<data_T, res_T, F, false>;
  using backward = typename CONFIG_T::template RNNfunc_backward<data_T, res_T, B, true>;
  constexpr unsigned nf = F::n_state, nb = B::n_state, n_seq = CONFIG_T::n_sequence;
  res_T state_f[forward::n_state_values], state_b[backward::n_state_values];
  for (auto& v : state_f) v = 0;
  for (auto& v : state_b) v = 0;
  for (unsigned t = 0; t < n_seq; ++t) {
    forward::apply(t == 0, data + t * CONFIG_T::n_in, state_f, param, param_r, param_b, param_br);
    backward::apply(t == 0, data + (n_seq - 1 - t) * CONFIG_T::n_in, state_b, param_back,
                    param_r_back, param_b_back, param_br_back);
    if (CONFIG_T::n_sequence_out > 1) {
      for (unsigned k = 0; k < nf; ++k) res[(nf + nb) * t + k] = state_f[k];
      for (unsigned k = 0; k < nb; ++k) res[(nf + nb) * (n_seq - 1 - t) + nf + k] = state_b[k];
    }
  }
  if (CONFIG_T::n_sequence_out == 1) {
    for (unsigned k = 0; k < nf; ++k) res[k] = state_f[k];
    for (unsigned k = 0; k < nb; ++k) res[nf + k] = state_b[k];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void lstm_stack(hls::stream<data_T>& data, hls::stream<res_T>& res,
                typename CONFIG_T::weight_t param[CONFIG_T::n_state * 4 * CONFIG_T::n_in],
                typename CONFIG_T::recurrent_weight_t param_r[CONFIG_T::n_state * 4 * CONFIG_T::n_state],
                typename CONFIG_T::bias_t param_b[CONFIG_T::n_state * 4],
                typename CONFIG_T::recurrent_bias_t param_br[CONFIG_T::n_state * 4]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  static_assert(data_T::size == CONFIG_T::n_in && res_T::size == CONFIG_T::n_state,
                "lstm_stack (stream): one time step per pack");
  stream_layer<data_T, res_T, CONFIG_T::n_sequence * CONFIG_T::n_in,
               CONFIG_T::n_sequence_out * CONFIG_T::n_state>(data, res, [&](x_T* x, y_T* y) {
    lstm_stack<x_T, y_T, CONFIG_T>(x, y, param, param_r, param_b, param_br);
  });
}

template <class data_T, class res_T, typename CONFIG_T>
void gru_stack(hls::stream<data_T>& data, hls::stream<res_T>& res,
               typename CONFIG_T::weight_t param[CONFIG_T::n_state * 3 * CONFIG_T::n_in],
               typename CONFIG_T::recurrent_weight_t param_zr[CONFIG_T::n_state * 3 * CONFIG_T::n_state],
               typename CONFIG_T::bias_t param_b[CONFIG_T::n_state * 3],
               typename CONFIG_T::recurrent_bias_t param_br[CONFIG_T::n_state * 3]) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  static_assert(data_T::size == CONFIG_T::n_in && res_T::size == CONFIG_T::n_state,
                "gru_stack (stream): one time step per pack");
  stream_layer<data_T, res_T, CONFIG_T::n_sequence * CONFIG_T::n_in,
               CONFIG_T::n_sequence_out * CONFIG_T::n_state>(data, res, [&](x_T* x, y_T* y) {
    gru_stack<x_T, y_T, CONFIG_T>(x, y, param, param_zr, param_b, param_br);
  });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_RECURRENT_H_
