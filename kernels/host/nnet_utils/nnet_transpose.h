// fpgaas host nnet library: transpose (hls4ml 1.1+, io_parallel). y_k = res_t(x_src(k)) with
// src(k) = sum over d of digit_d(k in to_shape) * perm_strides[d], from the config's arrays.
#ifndef FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_H_
#define FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_H_

namespace nnet {

struct transpose_config {
  static const unsigned dims;
  static const unsigned N;
  static const unsigned* const from_shape;
  static const unsigned* const to_shape;
  static const unsigned* const perm;
  static const unsigned* const perm_strides;
};

template <typename CONFIG_T>
unsigned transpose_source(unsigned k) {
  unsigned src = 0;
  for (int d = int(CONFIG_T::dims) - 1; d >= 0; --d) {
    src += (k % CONFIG_T::to_shape[d]) * CONFIG_T::perm_strides[d];
    k /= CONFIG_T::to_shape[d];
  }
  return src;
}

template <typename data_T, typename res_T, typename CONFIG_T>
void transpose(const data_T data[CONFIG_T::N], res_T res[CONFIG_T::N]) {
  for (unsigned k = 0; k < CONFIG_T::N; ++k) res[k] = data[transpose_source<CONFIG_T>(k)];
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_TRANSPOSE_H_
