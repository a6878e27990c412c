// fpgaas host nnet library: embedding (io_parallel). y[j * n_out + i] = res_t(embeddings[k]) with
// k = the exact x_j * n_out + i truncated toward zero (hls4ml indexes with that fixed-point sum, so
// a fractional input shifts the row by its fraction). A k outside the table gives 0, as fpgaas'
// emulator does (hls4ml's C simulation reads outside its array there).
#ifndef FPGAAS_KERNELS_HOST_NNET_EMBED_H_
#define FPGAAS_KERNELS_HOST_NNET_EMBED_H_

#include "nnet_common.h"
#include "nnet_helpers.h"

namespace nnet {

struct embed_config {
  typedef float embeddings_t;
  static const unsigned n_in = 10;
  static const unsigned n_out = 16;
  static const unsigned vocab_size = 50;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
};

// trunc0(x * n + i) for a fixed-point x.
template <class data_T>
long long embedding_index(const data_T& x, long long n, long long i) {
  const int f = ap_fwidth_v<data_T>;
  if (f <= 0) return (long long)(ap_raw(x) * (ap_i128(1) << -f) * n + i);
  const ap_i128 r = ap_raw(x) * n + (ap_i128(i) << f);
  return (long long)(r / (ap_i128(1) << f));
}

template <class data_T, class res_T, typename CONFIG_T>
void embedding(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in * CONFIG_T::n_out],
               typename CONFIG_T::embeddings_t embeddings[CONFIG_T::vocab_size * CONFIG_T::n_out]) {
  constexpr long long table = (long long)CONFIG_T::vocab_size * CONFIG_T::n_out;
  for (unsigned j = 0; j < CONFIG_T::n_in; ++j) {
    for (unsigned i = 0; i < CONFIG_T::n_out; ++i) {
      const long long k = embedding_index(data[j], CONFIG_T::n_out, i);
      res[j * CONFIG_T::n_out + i] = k >= 0 && k < table ? res_T(embeddings[k]) : res_T(0);
    }
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_EMBED_H_
