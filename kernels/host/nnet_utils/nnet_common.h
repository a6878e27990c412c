// fpgaas' nnet layer library for host builds of hls4ml projects: shared definitions.
//
// An independent implementation of the layer semantics hls4ml documents (team notes HLS4ML.md),
// written for fpgaas; hls4ml's nnet_utils are not used. io_stream layers run one sample per call
// (nnet_types.h).
#ifndef FPGAAS_KERNELS_HOST_NNET_COMMON_H_
#define FPGAAS_KERNELS_HOST_NNET_COMMON_H_

#include "ap_fixed.h"

#ifndef DIV_ROUNDUP
#define DIV_ROUNDUP(n, d) ((n + d - 1) / d)
#endif
#ifndef MIN
#define MIN(n, d) (n > d ? d : n)
#endif
#ifndef MAX
#define MAX(n, d) (n > d ? n : d)
#endif

namespace nnet {

enum io_type { io_parallel = 0, io_stream };
enum strategy { latency, resource, resource_unrolled, distributed_arithmetic };
enum class conv_implementation { linebuffer = 0, encoded = 1, pointwise = 2 };
enum Pool_Op { Max, Average };

constexpr int ceillog2(int x) { return x <= 1 ? 0 : 1 + ceillog2((x + 1) / 2); }
constexpr int floorlog2(int x) { return x < 2 ? 0 : 1 + floorlog2(x / 2); }
constexpr int pow2(int x) { return x == 0 ? 1 : 2 * pow2(x - 1); }

template <class T>
struct Op_add {
  T operator()(T a, T b) const { return a + b; }  // rounded into T at each node
};
template <class T>
struct Op_max {
  T operator()(T a, T b) const { return a >= b ? a : b; }
};

// Balanced reduction: the left part takes the largest power of two below N.
template <class T, int N, class Op>
T reduce(const T* x, Op op) {
  if constexpr (N == 1) {
    return x[0];
  } else if constexpr (N == 2) {
    return op(x[0], x[1]);
  } else {
    constexpr int left = pow2(floorlog2(N - 1));
    return op(reduce<T, left, Op>(x, op), reduce<T, N - left, Op>(x + left, op));
  }
}

// Trunc toward zero of x * num / den as an integer (table index arithmetic).
template <class T>
long long scaled_index(const T& x, long long num, long long den) {
  const fpgaas_ap::i128 r = x.raw() * num;
  const int f = T::fwidth;
  if (f >= 0) return (long long)(r / (fpgaas_ap::i128(den) << f));
  return (long long)(r * (fpgaas_ap::i128(1) << -f) / den);
}

// x's raw value divided by d, truncated toward zero, at x's own fractional bits (ap_fixed /=
// unsigned), with T's overflow mode.
template <class T>
T divide_truncating(const T& x, long long d) {
  return T::from_raw(x.raw() / d, T::fwidth);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_COMMON_H_
