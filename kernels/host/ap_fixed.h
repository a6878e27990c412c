// fpgaas' own ap_fixed-compatible types for compiling an hls4ml kernel with the host compiler.
//
// Written for fpgaas from the documented semantics of Vivado/Vitis HLS arbitrary-precision types
// (see HLS4ML.md in the team notes); not Xilinx's header. It covers what hls4ml projects' generated
// code and fpgaas' own nnet layers (kernels/host/nnet_utils/) use: ap_fixed / ap_ufixed / ap_int /
// ap_uint declarations, conversions from and to double/float/integers and between types (with every
// quantization mode and AP_WRAP / AP_SAT / AP_SAT_ZERO / AP_SAT_SYM), exact + - * and comparisons.
//
// Storage: the raw integer V (value = V * 2^-F, F = W - I) in the smallest of 1, 2, 4, 8 bytes
// (16 above 64 bits, intermediates only), sign- or zero-extended — the host memory layout of Xilinx's
// types and of fpgaas' packed DMA buffers, so an `input_t*` can point straight into a batch.
#ifndef FPGAAS_KERNELS_HOST_AP_FIXED_H_
#define FPGAAS_KERNELS_HOST_AP_FIXED_H_

#include <cmath>
#include <cstdint>
#include <ostream>
#include <type_traits>

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace fpgaas_ap {

using i128 = __int128;
using u128 = unsigned __int128;

template <int W, bool S>
using storage_t = std::conditional_t<
    (W <= 8), std::conditional_t<S, int8_t, uint8_t>,
    std::conditional_t<(W <= 16), std::conditional_t<S, int16_t, uint16_t>,
                       std::conditional_t<(W <= 32), std::conditional_t<S, int32_t, uint32_t>,
                                          std::conditional_t<(W <= 64),
                                                             std::conditional_t<S, int64_t, uint64_t>,
                                                             i128>>>>;

constexpr int max_int(int a, int b) { return a > b ? a : b; }

// Floor shift right of a signed 128-bit value (the language guarantees arithmetic shifts in C++20).
constexpr i128 floor_shift(i128 v, int sh) { return sh >= 127 ? (v < 0 ? -1 : 0) : v >> sh; }

// Quantization: `r` has `from_f` fractional bits; the result has `to_f`.
template <ap_q_mode Q>
constexpr i128 quantize(i128 r, int from_f, int to_f) {
  if (from_f <= to_f) return r * (i128(1) << (to_f - from_f));
  const int sh = from_f - to_f;
  const i128 k = floor_shift(r, sh);
  if (Q == AP_TRN) return k;
  const i128 rem = r - (sh >= 127 ? 0 : k * (i128(1) << sh));  // 0 <= rem < 2^sh
  const bool neg = r < 0;
  if (Q == AP_TRN_ZERO) return k + ((neg && rem != 0) ? 1 : 0);
  const i128 half = sh >= 128 ? 0 : i128(1) << (sh - 1);
  switch (Q) {
    case AP_RND: return k + (rem >= half ? 1 : 0);
    case AP_RND_ZERO: return k + ((rem > half || (rem == half && neg)) ? 1 : 0);
    case AP_RND_MIN_INF: return k + (rem > half ? 1 : 0);
    case AP_RND_INF: return k + ((rem > half || (rem == half && !neg)) ? 1 : 0);
    case AP_RND_CONV: return k + ((rem > half || (rem == half && (k & 1) != 0)) ? 1 : 0);
    default: return k;
  }
}

// Overflow handling of the quantized integer `q` into W bits.
template <int W, bool S, ap_o_mode O, int N>
constexpr i128 overflow(i128 q) {
  static_assert(O != AP_WRAP_SM && (O != AP_WRAP || N == 0),
                "fpgaas ap_fixed: AP_WRAP_SM and AP_WRAP with saturation bits are not supported");
  static_assert(W >= 1 && W <= 126, "fpgaas ap_fixed: width must be 1..126");
  const i128 lo = S ? -(i128(1) << (W - 1)) : 0;
  const i128 hi = S ? (i128(1) << (W - 1)) - 1 : (i128(1) << W) - 1;
  // AP_SAT_SYM treats the signed minimum itself as an underflow.
  const bool sym_min = O == AP_SAT_SYM && S && q == lo;
  if (q >= lo && q <= hi && !sym_min) return q;
  switch (O) {
    case AP_SAT: return q < lo ? lo : hi;
    case AP_SAT_ZERO: return 0;
    case AP_SAT_SYM: return q > hi ? hi : (S && W > 1 ? -hi : lo);  // W = 1: sign bit | bit 0 = -1
    default: {  // AP_WRAP: keep the low W bits
      const u128 mask = (u128(1) << W) - 1;
      i128 v = i128(u128(q) & mask);
      if (S && (v >> (W - 1)) != 0) v -= i128(1) << W;
      return v;
    }
  }
}

}  // namespace fpgaas_ap

template <int _AP_W, int _AP_I, bool _AP_S = true, ap_q_mode _AP_Q = AP_TRN,
          ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_fixed_base {
  static constexpr int width = _AP_W;
  static constexpr int iwidth = _AP_I;
  static constexpr int fwidth = _AP_W - _AP_I;
  static constexpr bool sign_flag = _AP_S;
  static constexpr ap_q_mode qmode = _AP_Q;
  static constexpr ap_o_mode omode = _AP_O;

  fpgaas_ap::storage_t<_AP_W, _AP_S> V = 0;  // the raw value

  // Builds from a raw integer with `from_f` fractional bits (quantize, then overflow).
  static constexpr ap_fixed_base from_raw(fpgaas_ap::i128 r, int from_f) {
    ap_fixed_base x;
    x.V = decltype(V)(
        fpgaas_ap::overflow<_AP_W, _AP_S, _AP_O, _AP_N>(fpgaas_ap::quantize<_AP_Q>(r, from_f, fwidth)));
    return x;
  }
  constexpr fpgaas_ap::i128 raw() const { return fpgaas_ap::i128(V); }

  constexpr ap_fixed_base() = default;
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  constexpr ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
    *this = from_raw(o.raw(), W2 - I2);
  }
  ap_fixed_base(double d) { *this = from_double(d); }
  ap_fixed_base(float f) { *this = from_double(double(f)); }
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  constexpr ap_fixed_base(T i) {
    *this = from_raw(fpgaas_ap::i128(i), 0);
  }

  static ap_fixed_base from_double(double d) {
    if (std::isnan(d)) return ap_fixed_base();
    if (std::isinf(d)) {  // saturating modes clamp; wrapping gives 0 (as Xilinx's types do)
      if (_AP_O == AP_WRAP) return ap_fixed_base();
      return from_raw(d > 0 ? (fpgaas_ap::i128(1) << 124) : -(fpgaas_ap::i128(1) << 124), 0);
    }
    const double y = std::ldexp(d, fwidth);  // exact
    double k = std::floor(y);
    const double fr = y - k;                 // exact, 0 <= fr < 1
    const bool neg = d < 0;
    bool up = false;
    switch (_AP_Q) {
      case AP_TRN: break;
      case AP_TRN_ZERO: up = neg && fr > 0; break;
      case AP_RND: up = fr >= 0.5; break;
      case AP_RND_ZERO: up = fr > 0.5 || (fr == 0.5 && neg); break;
      case AP_RND_MIN_INF: up = fr > 0.5; break;
      case AP_RND_INF: up = fr > 0.5 || (fr == 0.5 && !neg); break;
      case AP_RND_CONV: up = fr > 0.5 || (fr == 0.5 && std::fmod(k, 2.0) != 0); break;
    }
    const double limit = std::ldexp(1.0, 120);  // far outside any supported width
    if (k > limit) k = limit;
    if (k < -limit) k = -limit;
    ap_fixed_base x;
    x.V = decltype(V)(fpgaas_ap::overflow<_AP_W, _AP_S, _AP_O, _AP_N>(
        fpgaas_ap::i128(k) + (up ? 1 : 0)));
    return x;
  }

  double to_double() const { return std::ldexp(double(raw()), -fwidth); }
  float to_float() const { return float(to_double()); }
  // Integer part, truncated toward zero.
  constexpr long long to_int64() const {
    const fpgaas_ap::i128 r = raw();
    if (fwidth <= 0) return (long long)(r * (fpgaas_ap::i128(1) << -fwidth));
    const fpgaas_ap::i128 scale = fpgaas_ap::i128(1) << fwidth;
    return (long long)(r / scale);  // C++ division truncates toward zero
  }
  constexpr int to_int() const { return int(to_int64()); }

  // Bits hi..lo (0 <= lo <= hi < W, at most 64 of them) of the W-bit pattern, as Xilinx's
  // range(): read with to_uint64(), written with = an unsigned integer (its low hi-lo+1 bits).
  // The only bit access fpgaas' host layers use (nnet_common.h, ap_raw / ap_from_bits).
  template <class Self>
  struct range_ref {
    Self* x;
    int hi, lo;
    constexpr unsigned long long to_uint64() const {
      const fpgaas_ap::u128 bits = fpgaas_ap::u128(x->raw()) >> lo;
      return (unsigned long long)(bits & ((fpgaas_ap::u128(1) << (hi - lo + 1)) - 1));
    }
    constexpr range_ref& operator=(unsigned long long v) {
      const fpgaas_ap::u128 mask = ((fpgaas_ap::u128(1) << (hi - lo + 1)) - 1) << lo;
      fpgaas_ap::u128 bits = (fpgaas_ap::u128(x->raw()) & ~mask) | ((fpgaas_ap::u128(v) << lo) & mask);
      fpgaas_ap::i128 r = fpgaas_ap::i128(bits & ((fpgaas_ap::u128(1) << _AP_W) - 1));
      if (_AP_S && ((r >> (_AP_W - 1)) & 1)) r -= fpgaas_ap::i128(1) << _AP_W;
      x->V = decltype(x->V)(r);
      return *this;
    }
  };
  constexpr range_ref<ap_fixed_base> range(int hi, int lo) { return {this, hi, lo}; }
  constexpr range_ref<const ap_fixed_base> range(int hi, int lo) const { return {this, hi, lo}; }

  explicit operator double() const { return to_double(); }
  explicit operator float() const { return to_float(); }
};

// ---- arithmetic: exact results, as Xilinx's types compute before an assignment rounds -------------
namespace fpgaas_ap {

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct sum_type {
  static constexpr int F = max_int(W1 - I1, W2 - I2);
  static constexpr int I = max_int(I1 + ((S2 && !S1) ? 1 : 0), I2 + ((S1 && !S2) ? 1 : 0)) + 1;
  using type = ap_fixed_base<I + F, I, S1 || S2>;
};

}  // namespace fpgaas_ap

template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, int W2, int I2, bool S2,
          ap_q_mode Q2, ap_o_mode O2, int N2>
constexpr auto operator*(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a,
                         const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {
  using R = ap_fixed_base<W1 + W2, I1 + I2, S1 || S2>;
  R r;
  r.V = decltype(r.V)(a.raw() * b.raw());
  return r;
}

template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, int W2, int I2, bool S2,
          ap_q_mode Q2, ap_o_mode O2, int N2>
constexpr auto operator+(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a,
                         const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {
  using R = typename fpgaas_ap::sum_type<W1, I1, S1, W2, I2, S2>::type;
  const int f = R::fwidth;
  R r;
  r.V = decltype(r.V)(a.raw() * (fpgaas_ap::i128(1) << (f - (W1 - I1))) +
                      b.raw() * (fpgaas_ap::i128(1) << (f - (W2 - I2))));
  return r;
}

template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, int W2, int I2, bool S2,
          ap_q_mode Q2, ap_o_mode O2, int N2>
constexpr auto operator-(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a,
                         const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {
  // A difference is signed even of unsigned operands (same width as the sum).
  using S = typename fpgaas_ap::sum_type<W1, I1, S1, W2, I2, S2>::type;
  using R = ap_fixed_base<S::width, S::iwidth, true>;
  const int f = R::fwidth;
  R r;
  r.V = decltype(r.V)(a.raw() * (fpgaas_ap::i128(1) << (f - (W1 - I1))) -
                      b.raw() * (fpgaas_ap::i128(1) << (f - (W2 - I2))));
  return r;
}

// Exact negation (one more integer bit, signed), as Xilinx's unary minus.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
constexpr auto operator-(const ap_fixed_base<W, I, S, Q, O, N>& a) {
  using R = ap_fixed_base<W + 1, I + 1, true>;
  R r;
  r.V = decltype(r.V)(-a.raw());
  return r;
}

// Exact comparison of two fixed values.
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, int W2, int I2, bool S2,
          ap_q_mode Q2, ap_o_mode O2, int N2>
constexpr int ap_compare(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a,
                         const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {
  const int f = fpgaas_ap::max_int(W1 - I1, W2 - I2);
  const fpgaas_ap::i128 x = a.raw() * (fpgaas_ap::i128(1) << (f - (W1 - I1)));
  const fpgaas_ap::i128 y = b.raw() * (fpgaas_ap::i128(1) << (f - (W2 - I2)));
  return x < y ? -1 : (x > y ? 1 : 0);
}

#define FPGAAS_AP_COMPARISON(op)                                                                \
  template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, int W2, int I2, bool S2, \
            ap_q_mode Q2, ap_o_mode O2, int N2>                                                   \
  constexpr bool operator op(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a,                     \
                             const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {                   \
    return ap_compare(a, b) op 0;                                                               \
  }                                                                                             \
  template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1, typename T,             \
            typename = std::enable_if_t<std::is_integral_v<T>>>                                  \
  constexpr bool operator op(const ap_fixed_base<W1, I1, S1, Q1, O1, N1>& a, T b) {              \
    return ap_compare(a, ap_fixed_base<65, 65, true>(b)) op 0;                                  \
  }
FPGAAS_AP_COMPARISON(<)
FPGAAS_AP_COMPARISON(>)
FPGAAS_AP_COMPARISON(<=)
FPGAAS_AP_COMPARISON(>=)
FPGAAS_AP_COMPARISON(==)
FPGAAS_AP_COMPARISON(!=)
#undef FPGAAS_AP_COMPARISON

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::ostream& operator<<(std::ostream& os, const ap_fixed_base<W, I, S, Q, O, N>& x) {
  return os << x.to_double();
}

// ---- the declared types -------------------------------------------------------------------------
template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_fixed : ap_fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O, _AP_N> {
  using Base = ap_fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O, _AP_N>;
  using Base::Base;
  constexpr ap_fixed() = default;
  constexpr ap_fixed(const Base& b) : Base(b) {}
};

template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_ufixed : ap_fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O, _AP_N> {
  using Base = ap_fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O, _AP_N>;
  using Base::Base;
  constexpr ap_ufixed() = default;
  constexpr ap_ufixed(const Base& b) : Base(b) {}
};

// ap_int / ap_uint truncate a fixed-point value toward zero (AP_TRN_ZERO) and wrap. From a double,
// Xilinx's ap_int_base(double) also truncates toward zero, except that a negative value above
// -1/2 becomes 1 (its magnitude shift yields -1, which the sign then negates).
namespace fpgaas_ap {
template <typename Base>
Base int_from_double(double d) {
  if (d < 0 && d > -0.5) return Base(1);
  return Base::from_double(d);
}
}  // namespace fpgaas_ap

template <int _AP_W>
struct ap_int : ap_fixed_base<_AP_W, _AP_W, true, AP_TRN_ZERO> {
  using Base = ap_fixed_base<_AP_W, _AP_W, true, AP_TRN_ZERO>;
  using Base::Base;
  constexpr ap_int() = default;
  constexpr ap_int(const Base& b) : Base(b) {}
  ap_int(double d) : Base(fpgaas_ap::int_from_double<Base>(d)) {}
  ap_int(float f) : Base(fpgaas_ap::int_from_double<Base>(f)) {}
};

template <int _AP_W>
struct ap_uint : ap_fixed_base<_AP_W, _AP_W, false, AP_TRN_ZERO> {
  using Base = ap_fixed_base<_AP_W, _AP_W, false, AP_TRN_ZERO>;
  using Base::Base;
  constexpr ap_uint() = default;
  constexpr ap_uint(const Base& b) : Base(b) {}
  ap_uint(double d) : Base(fpgaas_ap::int_from_double<Base>(d)) {}
  ap_uint(float f) : Base(fpgaas_ap::int_from_double<Base>(f)) {}
};

#endif  // FPGAAS_KERNELS_HOST_AP_FIXED_H_
