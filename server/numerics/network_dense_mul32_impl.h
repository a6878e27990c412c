// Private to network_dense64_avx2.cc / network_dense64_avx512.cc: the body of DenseMul32Block,
// written once over a small vector-ops class V (one per instruction set) and compiled in each
// file with its -m flags. Internal linkage throughout (see network_kernels_inline.h).
//
// The MAC is FastMac<int64_t> (network_kernels_inline.h) with the product from a 32x32->64
// multiply, exact because both operands are int32 values (PlanDense's mul32) and then
// |p| <= 2^62, |p + rc| < 2^62 + 2^61: nothing below overflows int64.
//
// V provides: reg, kWidth (int64 lanes per reg), kNativeSra; load/store/set1, mul32 (signed
// low-32-bit products of each 64-bit lane), add, sub, and_, srl/sll/sra (count in a reg built by
// count()), select_neg(p, a, b) = p < 0 ? a : b, clamp(q, lo, hi), zero_outside(q, lo, hi); for
// deferred saturation a lane mask type `mask` with outside(a, lo, hi) (lanes < lo or > hi),
// no_mask(), or_mask and none(m); for the epilogue a type EpilogueConsts made once per layer by
// LoadEpilogue(p, e), and Epilogue<kO>(consts, p, e, j, acc, t, n, y) computing
// FastEpilogue<int64_t, kO>(p, e, j, acc, t, n, y)'s values.
//
// Without an arithmetic 64-bit right shift (AVX2), an exact (v >> sr) is computed as
// ((v + 2^63) >>> sr) - 2^(63 - sr): v + 2^63 is v's bits with the top one flipped, and the 2^63
// is folded into the rounding constant. Under AP_WRAP the 2^(63 - sr) of every term is taken out
// of the bias instead (n_in terms, all mod 2^64).
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_MUL32_IMPL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_MUL32_IMPL_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/network_kernels_inline.h"
#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics::internal {
namespace {

template <class V>
struct Mul32Consts {
  typename V::reg rc_pos, rc_neg, one, lo, hi, k;
  typename V::cnt sr, sl;
  uint64_t bias_correction;  // subtracted from every bias (AP_WRAP, biased shift)
};

// Whether (v >> sr) takes the biased logical shift: no native arithmetic shift, a right shift,
// and a value the shift must get exactly (not under AP_WRAP: there PlanDense guarantees
// acc_width + sr <= 64 for every rounding but kSign, and a logical shift is right mod 2^(64 - sr)).
template <class V, ProductRounding kR, AccumOverflow kO>
inline constexpr bool kBiasedShift = !V::kNativeSra && kR != ProductRounding::kLeft &&
                                     kR != ProductRounding::kNoShift &&
                                     (kO != AccumOverflow::kWrap || kR == ProductRounding::kSign);

// kPlainAdd: the term as kO computes it, added without the overflow step (a deferred chunk).
template <class V, ProductRounding kR, AccumOverflow kO, bool kPlainAdd = false>
FPGAAS_INLINE typename V::reg Mul32Mac(typename V::reg acc, typename V::reg x, typename V::reg w,
                                      const Mul32Consts<V>& c) {
  using reg = typename V::reg;
  constexpr bool kBiased = kBiasedShift<V, kR, kO>;
  const reg p = V::mul32(x, w);
  reg q;
  if constexpr (kR == ProductRounding::kNoShift) {
    q = p;
  } else if constexpr (kR == ProductRounding::kLeft) {
    q = V::sll(p, c.sl);  // no rounding: shift_right is 0
  } else {
    reg v = p;
    if constexpr (kR == ProductRounding::kTrn) {
      if constexpr (kBiased) v = V::add(p, c.rc_pos);  // rc_pos is just the 2^63
    } else if constexpr (kR == ProductRounding::kConst) {
      v = V::add(p, c.rc_pos);
    } else if constexpr (kR == ProductRounding::kSign) {
      v = V::add(p, V::select_neg(p, c.rc_neg, c.rc_pos));
    } else {
      v = V::add(p, V::add(c.rc_pos, V::and_(V::srl(p, c.sr), c.one)));  // bit sr of p
    }
    if constexpr (V::kNativeSra) {
      q = V::sra(v, c.sr);
    } else if constexpr (!kBiased || kO == AccumOverflow::kWrap) {
      q = V::srl(v, c.sr);  // biased: + 2^(63 - sr), taken out of the bias
    } else {
      q = V::sub(V::srl(v, c.sr), c.k);
    }
  }
  if constexpr (kO == AccumOverflow::kWrap || kPlainAdd) {
    return V::add(acc, q);
  } else if constexpr (kO == AccumOverflow::kClamp) {
    return V::clamp(V::add(acc, V::clamp(q, c.lo, c.hi)), c.lo, c.hi);
  } else if constexpr (kO == AccumOverflow::kClampSum) {
    return V::clamp(V::add(acc, q), c.lo, c.hi);
  } else if constexpr (kO == AccumOverflow::kZero) {
    return V::zero_outside(V::add(acc, V::zero_outside(q, c.lo, c.hi)), c.lo, c.hi);
  } else {
    return V::zero_outside(V::add(acc, q), c.lo, c.hi);
  }
}

// Inputs [i0, i1) of kOuts outputs (w: the first one's weights) into a, as Mul32Mac<kO>
// (kPlainAdd: with plain adds).
template <class V, ProductRounding kR, AccumOverflow kO, int kOuts, int kVecs,
          bool kPlainAdd = false>
FPGAAS_INLINE void Mul32MacRange(typename V::reg (&a)[kOuts][kVecs], const int64_t* x, int lanes,
                                 const int64_t* w, int n_in, int i0, int i1,
                                 const Mul32Consts<V>& c) {
  using reg = typename V::reg;
  for (int i = i0; i < i1; ++i) {
    const int64_t* xi = x + static_cast<size_t>(i) * lanes;
    reg xv[kVecs];
    for (int v = 0; v < kVecs; ++v) xv[v] = V::load(xi + v * V::kWidth);
    for (int o = 0; o < kOuts; ++o) {
      const reg wv = V::set1(w[static_cast<size_t>(o) * n_in + i]);
      for (int v = 0; v < kVecs; ++v) a[o][v] = Mul32Mac<V, kR, kO, kPlainAdd>(a[o][v], xv[v], wv, c);
    }
  }
}

// kOuts outputs j..j+kOuts-1 over `lanes` lanes, kVecs registers of lanes at a time; sums into
// acc[o * lanes + b]. With lim (DeferLimits; saturating kO only) the saturation is deferred chunk
// by chunk (network_kernels_internal.h, kSatChunk).
template <class V, ProductRounding kR, AccumOverflow kO, int kOuts, int kVecs>
FPGAAS_INLINE void Mul32Rows(const int64_t* x, int lanes, const int64_t* w, const int64_t* bias,
                             int n_in, const int64_t* lim, const Mul32Consts<V>& c, int64_t* acc) {
  using reg = typename V::reg;
  constexpr int kChunk = kVecs * V::kWidth;
  const int n_chunks = (n_in + kSatChunk - 1) / kSatChunk;
  for (int b0 = 0; b0 < lanes; b0 += kChunk) {
    reg a[kOuts][kVecs];
    for (int o = 0; o < kOuts; ++o) {
      const reg init = V::set1(static_cast<int64_t>(static_cast<uint64_t>(bias[o]) -
                                                    c.bias_correction));
      for (int v = 0; v < kVecs; ++v) a[o][v] = init;
    }
    const int64_t* xb = x + b0;
    bool deferred = false;
    if constexpr (kO != AccumOverflow::kWrap) {
      if (lim != nullptr) {
        deferred = true;
        for (int ch = 0, i0 = 0; i0 < n_in; ++ch, i0 += kSatChunk) {
          const int i1 = i0 + kSatChunk < n_in ? i0 + kSatChunk : n_in;
          typename V::mask outside = V::no_mask();
          for (int o = 0; o < kOuts; ++o) {
            const int64_t* l = lim + (static_cast<size_t>(o) * n_chunks + ch) * 2;
            const reg lo_u = V::set1(l[0]), hi_u = V::set1(l[1]);
            for (int v = 0; v < kVecs; ++v) {
              outside = V::or_mask(outside, V::outside(a[o][v], lo_u, hi_u));
            }
          }
          if (V::none(outside)) {
            Mul32MacRange<V, kR, kO, kOuts, kVecs, true>(a, xb, lanes, w, n_in, i0, i1, c);
          } else {
            Mul32MacRange<V, kR, kO, kOuts, kVecs>(a, xb, lanes, w, n_in, i0, i1, c);
          }
        }
      }
    }
    if (!deferred) Mul32MacRange<V, kR, kO, kOuts, kVecs>(a, xb, lanes, w, n_in, 0, n_in, c);
    for (int o = 0; o < kOuts; ++o) {
      for (int v = 0; v < kVecs; ++v) {
        V::store(acc + static_cast<size_t>(o) * lanes + b0 + v * V::kWidth, a[o][v]);
      }
    }
  }
}

template <class V, ProductRounding kR, AccumOverflow kO, int kOuts, int kVecs>
FPGAAS_INLINE void Mul32Layer(const int64_t* x, int lanes, const int64_t* w_by_out,
                              const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                              const DenseEpilogue& e, int64_t* y) {
  constexpr bool kBiased = kBiasedShift<V, kR, kO>;
  const uint64_t bias63 = kBiased ? uint64_t{1} << 63 : 0;  // added to v for the logical shift
  const uint64_t k = kBiased ? uint64_t{1} << (63 - p.shift_right) : 0;
  Mul32Consts<V> c;
  c.rc_pos = V::set1(static_cast<int64_t>(static_cast<uint64_t>(p.round_const) + bias63));
  c.rc_neg = V::set1(static_cast<int64_t>(static_cast<uint64_t>(p.round_const_neg) + bias63));
  c.one = V::set1(1);
  c.lo = V::set1(p.lo);
  c.hi = V::set1(p.hi);
  c.k = V::set1(static_cast<int64_t>(k));
  c.sr = V::count(p.shift_right);
  c.sl = V::count(p.shift_left);
  c.bias_correction = kO == AccumOverflow::kWrap ? k * static_cast<uint64_t>(n_in) : 0;
  constexpr bool kDefer = kO != AccumOverflow::kWrap;
  const size_t n_chunks = static_cast<size_t>((n_in + kSatChunk - 1) / kSatChunk);
  // Deferral limits per group on the stack: layers of up to kMaxChunks * kSatChunk inputs.
  constexpr size_t kMaxChunks = 128;
  const int64_t* abs_w =
      kDefer && p.chunk_abs_w && n_chunks <= kMaxChunks ? p.chunk_abs_w->data() : nullptr;
  const int64_t max_abs_x =
      abs_w != nullptr ? MaxAbs(x, static_cast<size_t>(n_in) * lanes) : 0;
  int64_t lim[kOuts * kMaxChunks * 2];
  alignas(64) int64_t acc[kOuts * kKernelBlock];
  int64_t t[kKernelBlock];
  const typename V::EpilogueConsts ec = V::LoadEpilogue(p, e);
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    if (abs_w != nullptr) DeferLimits<kO, kOuts>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim);
    Mul32Rows<V, kR, kO, kOuts, kVecs>(x, lanes, w_by_out + static_cast<size_t>(j) * n_in,
                                       bias + j, n_in, abs_w ? lim : nullptr, c, acc);
    for (int o = 0; o < kOuts; ++o) {
      V::template Epilogue<kO>(ec, p, e, j + o, acc + static_cast<size_t>(o) * lanes, t, lanes,
                               y + static_cast<size_t>(j + o) * lanes);
    }
  }
  for (; j < n_out; ++j) {
    if (abs_w != nullptr) DeferLimits<kO, 1>(p, abs_w + j * n_chunks, n_in, max_abs_x, lim);
    Mul32Rows<V, kR, kO, 1, kVecs>(x, lanes, w_by_out + static_cast<size_t>(j) * n_in, bias + j,
                                   n_in, abs_w ? lim : nullptr, c, acc);
    V::template Epilogue<kO>(ec, p, e, j, acc, t, lanes, y + static_cast<size_t>(j) * lanes);
  }
}

// The whole layer on instruction set V: kOuts outputs share each x load; lanes must be a multiple
// of kVecs * V::kWidth.
template <class V, int kOuts, int kVecs>
FPGAAS_INLINE void Mul32Dispatch(const int64_t* x, int lanes, const int64_t* w, const int64_t* bias,
                                 int n_in, int n_out, const DenseFastParams& p,
                                 const DenseEpilogue& e, int64_t* y) {
  // kLeft by 0 bits: the product itself.
  const ProductRounding rounding = p.rounding == ProductRounding::kLeft && p.shift_left == 0
                                       ? ProductRounding::kNoShift
                                       : p.rounding;
#define FPGAAS_MUL32_CASE(R, O)                                                         \
  if (rounding == ProductRounding::R && p.overflow == AccumOverflow::O) {               \
    return Mul32Layer<V, ProductRounding::R, AccumOverflow::O, kOuts, kVecs>(           \
        x, lanes, w, bias, n_in, n_out, p, e, y);                                       \
  }
  FPGAAS_MUL32_CASE(kNoShift, kWrap)
  FPGAAS_MUL32_CASE(kNoShift, kClamp)
  FPGAAS_MUL32_CASE(kNoShift, kZero)
  FPGAAS_MUL32_CASE(kNoShift, kClampSum)
  FPGAAS_MUL32_CASE(kNoShift, kZeroSum)
  FPGAAS_MUL32_CASE(kLeft, kWrap)
  FPGAAS_MUL32_CASE(kLeft, kClamp)
  FPGAAS_MUL32_CASE(kLeft, kZero)
  FPGAAS_MUL32_CASE(kLeft, kClampSum)
  FPGAAS_MUL32_CASE(kLeft, kZeroSum)
  FPGAAS_MUL32_CASE(kTrn, kWrap)
  FPGAAS_MUL32_CASE(kTrn, kClamp)
  FPGAAS_MUL32_CASE(kTrn, kZero)
  FPGAAS_MUL32_CASE(kTrn, kClampSum)
  FPGAAS_MUL32_CASE(kTrn, kZeroSum)
  FPGAAS_MUL32_CASE(kConst, kWrap)
  FPGAAS_MUL32_CASE(kConst, kClamp)
  FPGAAS_MUL32_CASE(kConst, kZero)
  FPGAAS_MUL32_CASE(kConst, kClampSum)
  FPGAAS_MUL32_CASE(kConst, kZeroSum)
  FPGAAS_MUL32_CASE(kSign, kWrap)
  FPGAAS_MUL32_CASE(kSign, kClamp)
  FPGAAS_MUL32_CASE(kSign, kZero)
  FPGAAS_MUL32_CASE(kSign, kClampSum)
  FPGAAS_MUL32_CASE(kSign, kZeroSum)
  FPGAAS_MUL32_CASE(kConv, kWrap)
  FPGAAS_MUL32_CASE(kConv, kClamp)
  FPGAAS_MUL32_CASE(kConv, kZero)
  FPGAAS_MUL32_CASE(kConv, kClampSum)
  FPGAAS_MUL32_CASE(kConv, kZeroSum)
#undef FPGAAS_MUL32_CASE
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_DENSE_MUL32_IMPL_H_
