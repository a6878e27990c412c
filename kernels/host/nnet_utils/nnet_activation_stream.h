// fpgaas host nnet library: io_stream activations, one sample per call (nnet_types.h); each
// computes its io_parallel version (nnet_activation.h) over the sample. A stream softmax runs once
// per pack (hls4ml 0.6+): each pack of data_T::size values is an independent softmax. Two stream
// versions compute differently from their io_parallel ones, as in hls4ml: selu multiplies the
// positive side by lambda in data_T, ternary_tanh compares x itself (x > 1, x <= -1).
#ifndef FPGAAS_KERNELS_HOST_NNET_ACTIVATION_STREAM_H_
#define FPGAAS_KERNELS_HOST_NNET_ACTIVATION_STREAM_H_

#include "nnet_activation.h"
#include "nnet_types.h"

namespace nnet {

#define FPGAAS_NNET_STREAM_ACTIVATION(name)                                                  \
  template <class data_T, class res_T, typename CONFIG_T>                                    \
  void name(hls::stream<data_T>& data, hls::stream<res_T>& res) {                            \
    using x_T = typename data_T::value_type;                                                 \
    using y_T = typename res_T::value_type;                                                  \
    stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(                             \
        data, res, [](x_T* x, y_T* y) { name<x_T, y_T, CONFIG_T>(x, y); });                  \
  }
FPGAAS_NNET_STREAM_ACTIVATION(linear)
FPGAAS_NNET_STREAM_ACTIVATION(relu)
FPGAAS_NNET_STREAM_ACTIVATION(sigmoid)
FPGAAS_NNET_STREAM_ACTIVATION(tanh)
FPGAAS_NNET_STREAM_ACTIVATION(hard_sigmoid)
FPGAAS_NNET_STREAM_ACTIVATION(hard_tanh)
FPGAAS_NNET_STREAM_ACTIVATION(relu6)
FPGAAS_NNET_STREAM_ACTIVATION(relu1)
FPGAAS_NNET_STREAM_ACTIVATION(softplus)
FPGAAS_NNET_STREAM_ACTIVATION(softsign)
FPGAAS_NNET_STREAM_ACTIVATION(elu)
FPGAAS_NNET_STREAM_ACTIVATION(binary_tanh)
#undef FPGAAS_NNET_STREAM_ACTIVATION

// The softmax config of one pack (n_in = n_slice = data_T::size), the rest as the layer's.
template <typename CONFIG_T, unsigned N>
struct softmax_pack_config : CONFIG_T {
  static const unsigned n_in = N;
  static const unsigned n_slice = N;
};

template <class data_T, class res_T, typename CONFIG_T>
void softmax(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  static_assert(data_T::size == res_T::size && CONFIG_T::n_in % data_T::size == 0,
                "softmax (stream): equal packs dividing n_in");
  for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; ++p) {
    stream_layer<data_T, res_T, data_T::size, res_T::size>(data, res, [](x_T* x, y_T* y) {
      softmax<x_T, y_T, softmax_pack_config<CONFIG_T, data_T::size>>(x, y);
    });
  }
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void leaky_relu(hls::stream<data_T>& data, param_T alpha, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(
      data, res, [&](x_T* x, y_T* y) { leaky_relu<x_T, param_T, y_T, CONFIG_T>(x, alpha, y); });
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void thresholded_relu(hls::stream<data_T>& data, param_T theta, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(
      data, res, [&](x_T* x, y_T* y) { thresholded_relu<x_T, param_T, y_T, CONFIG_T>(x, theta, y); });
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void prelu(hls::stream<data_T>& data, const param_T alpha[CONFIG_T::n_in], hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(data, res, [&](x_T* x, y_T* y) {
    prelu<x_T, param_T, y_T, CONFIG_T>(x, const_cast<param_T*>(alpha), y);
  });
}

template <class data_T, class param_T, class res_T, typename CONFIG_T>
void elu(hls::stream<data_T>& data, param_T alpha, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(
      data, res, [&](x_T* x, y_T* y) { elu<x_T, param_T, y_T, CONFIG_T>(x, alpha, y); });
}

template <class data_T, class res_T, typename CONFIG_T>
void selu(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  using table_T = typename CONFIG_T::table_t;
  static const std::vector<table_T> table =
      detail::negative_table<table_T>(CONFIG_T::table_size, detail::selu_value);
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(data, res, [&](x_T* x, y_T* y) {
    const x_T lambda = 1.0507009873554804934193349852946;
    for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
      if (x[i] >= 0) {
        y[i] = lambda * x[i];
      } else {
        y[i] = table[detail::negative_index(x[i], CONFIG_T::table_size)];
      }
    }
  });
}

template <class data_T, class res_T, typename CONFIG_T>
void ternary_tanh(hls::stream<data_T>& data, hls::stream<res_T>& res) {
  using x_T = typename data_T::value_type;
  using y_T = typename res_T::value_type;
  stream_layer<data_T, res_T, CONFIG_T::n_in, CONFIG_T::n_in>(data, res, [](x_T* x, y_T* y) {
    for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
      if (x[i] > 1) {
        y[i] = y_T(1);
      } else if (x[i] <= -1) {
        y[i] = y_T(-1);
      } else {
        y[i] = y_T(0);
      }
    }
  });
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_ACTIVATION_STREAM_H_
