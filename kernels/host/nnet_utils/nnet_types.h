// fpgaas host nnet library: type helpers (see nnet_common.h).
#ifndef FPGAAS_KERNELS_HOST_NNET_TYPES_H_
#define FPGAAS_KERNELS_HOST_NNET_TYPES_H_
#include <cstddef>
#include "nnet_common.h"
namespace nnet {
template <typename T, unsigned N>
struct array {
  typedef T value_type;
  static const unsigned size = N;
  T data[N];
  T& operator[](size_t pos) { return data[pos]; }
  const T& operator[](size_t pos) const { return data[pos]; }
};
}  // namespace nnet
#endif  // FPGAAS_KERNELS_HOST_NNET_TYPES_H_
