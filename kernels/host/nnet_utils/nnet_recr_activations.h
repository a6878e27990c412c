// fpgaas host nnet library: the activation classes recurrent layers name in their configs
// (config::activation_recr / activation = nnet::activation::sigmoid<x_T, y_T, act_config>, ...):
// each runs the io_parallel activation of nnet_activation.h over the act_config's n_in values.
#ifndef FPGAAS_KERNELS_HOST_NNET_RECR_ACTIVATIONS_H_
#define FPGAAS_KERNELS_HOST_NNET_RECR_ACTIVATIONS_H_

#include "nnet_activation.h"

namespace nnet {
namespace activation {

#define FPGAAS_NNET_RECR_ACTIVATION(name)                                        \
  template <class data_T, class res_T, typename CONFIG_T>                        \
  class name {                                                                   \
   public:                                                                       \
    static void activation(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) { \
      nnet::name<data_T, res_T, CONFIG_T>(data, res);                            \
    }                                                                            \
  };
FPGAAS_NNET_RECR_ACTIVATION(relu)
FPGAAS_NNET_RECR_ACTIVATION(sigmoid)
FPGAAS_NNET_RECR_ACTIVATION(tanh)
#undef FPGAAS_NNET_RECR_ACTIVATION

}  // namespace activation
}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_RECR_ACTIVATIONS_H_
