// fpgaas' nnet layer library for host builds of hls4ml projects: shared definitions.
//
// An independent implementation of the layer semantics hls4ml documents (team notes HLS4ML.md),
// written for fpgaas; hls4ml's nnet_utils are not used. io_stream layers run one sample per call
// (nnet_types.h).
#ifndef FPGAAS_KERNELS_HOST_NNET_COMMON_H_
#define FPGAAS_KERNELS_HOST_NNET_COMMON_H_

#include "ap_fixed.h"
#include "ap_int.h"

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

// ---- the ap types through the API both fpgaas' ap_fixed.h and Xilinx's ap_types share ----------
// (the host layers compile against either: kernel_grid_bench times both). Xilinx's types have no
// sign_flag / fwidth members and no raw value; both define ap_fixed_base<W, I, S, Q, O, N> (the base
// of ap_fixed / ap_ufixed and of every arithmetic result), ap_int<W>, ap_uint<W>, T::width and
// range(hi, lo) with to_uint64() and assignment.
using ap_i128 = __int128;
using ap_u128 = unsigned __int128;

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
constexpr bool ap_signed_of(const ap_fixed_base<W, I, S, Q, O, N>*) { return S; }
template <int W>
constexpr bool ap_signed_of(const ap_int<W>*) { return true; }
template <int W>
constexpr bool ap_signed_of(const ap_uint<W>*) { return false; }
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
constexpr int ap_fwidth_of(const ap_fixed_base<W, I, S, Q, O, N>*) { return W - I; }
template <int W>
constexpr int ap_fwidth_of(const ap_int<W>*) { return 0; }
template <int W>
constexpr int ap_fwidth_of(const ap_uint<W>*) { return 0; }
// Is T signed; its fractional bits F = W - I.
template <class T>
inline constexpr bool ap_signed_v = ap_signed_of(static_cast<const T*>(nullptr));
template <class T>
inline constexpr int ap_fwidth_v = ap_fwidth_of(static_cast<const T*>(nullptr));

// floor(v / 2^sh), sh >= 0.
constexpr ap_i128 ap_floor_shift(ap_i128 v, int sh) { return sh >= 127 ? (v < 0 ? -1 : 0) : v >> sh; }

// x's raw integer (value · 2^F), sign-extended; W <= 126.
template <class T>
ap_i128 ap_raw(const T& x) {
  constexpr int w = T::width;
  ap_u128 bits = x.range(w <= 64 ? w - 1 : 63, 0).to_uint64();
  if constexpr (w > 64) bits |= ap_u128(x.range(w - 1, 64).to_uint64()) << 64;
  ap_i128 v = ap_i128(bits);
  if (ap_signed_v<T> && ((bits >> (w - 1)) & 1)) v -= ap_i128(1) << w;
  return v;
}

// The T whose W-bit pattern is the low W bits of v (raw value v, wrapped).
template <class T>
T ap_from_bits(ap_i128 v) {
  constexpr int w = T::width;
  T x;
  x.range(w <= 64 ? w - 1 : 63, 0) = (unsigned long long)(ap_u128(v));
  if constexpr (w > 64) x.range(w - 1, 64) = (unsigned long long)(ap_u128(v) >> 64);
  return x;
}

// Trunc toward zero of x * num / den as an integer (table index arithmetic).
template <class T>
long long scaled_index(const T& x, long long num, long long den) {
  const ap_i128 r = ap_raw(x) * num;
  constexpr int f = ap_fwidth_v<T>;
  if constexpr (f >= 0) {
    return (long long)(r / (ap_i128(den) << f));
  } else {
    return (long long)(r * (ap_i128(1) << -f) / den);
  }
}

// x's raw value divided by d (> 0), truncated toward zero, at x's own fractional bits (ap_fixed /=
// unsigned; the quotient fits T).
template <class T>
T divide_truncating(const T& x, long long d) {
  return ap_from_bits<T>(ap_raw(x) / d);
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_COMMON_H_
