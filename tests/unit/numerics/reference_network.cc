#include "tests/unit/numerics/reference_network.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fpgaas::numerics::reference {
namespace {

mpq_class Pow2(int e) {
  mpz_class p = 1;
  mpz_mul_2exp(p.get_mpz_t(), p.get_mpz_t(), std::abs(e));
  return e >= 0 ? mpq_class(p) : mpq_class(mpz_class(1), p);
}

mpz_class Floor(const mpq_class& y) {
  mpz_class k;
  mpz_fdiv_q(k.get_mpz_t(), y.get_num_mpz_t(), y.get_den_mpz_t());
  return k;
}
mpz_class TruncTowardZero(const mpq_class& y) {
  mpz_class k;
  mpz_tdiv_q(k.get_mpz_t(), y.get_num_mpz_t(), y.get_den_mpz_t());
  return k;
}

mpz_class Bit(int b) {
  mpz_class v = 1;
  mpz_mul_2exp(v.get_mpz_t(), v.get_mpz_t(), b);
  return v;
}

// mpq from a double is exact; Xilinx reads +-inf as +-2^1024.
mpq_class Exact(double d) {
  if (std::isinf(d)) {
    mpz_class p = 1;
    mpz_mul_2exp(p.get_mpz_t(), p.get_mpz_t(), 1024);
    return d < 0 ? mpq_class(-p) : mpq_class(p);
  }
  return mpq_class(d);
}

int FloorLog2(int n) {
  int k = -1;
  while (n > 0) {
    n >>= 1;
    ++k;
  }
  return k;
}

}  // namespace

namespace {

// Where the fraction fr = y - floor(y) lies relative to 1/2.
enum class Fraction { kZero, kBelowHalf, kHalf, kAboveHalf };

// The largest or smallest stored integer of `t` (computed once per width and signedness).
const mpz_class& Limit(const FixedType& t, bool max) {
  struct Limits {
    bool set = false;
    mpz_class min, max;
  };
  thread_local Limits table[2][65];
  Limits& l = table[t.is_signed][t.width];
  if (!l.set) {
    l.max = t.is_signed ? Bit(t.width - 1) - 1 : Bit(t.width) - 1;
    l.min = t.is_signed ? mpz_class(-Bit(t.width - 1)) : mpz_class(0);
    l.set = true;
  }
  return max ? l.max : l.min;
}

// Quantize (k = floor(x * 2^F) and the class of the dropped fraction), then overflow: HLS4ML.md's
// steps 2 and 3, with Xilinx's overflow_adjust for AP_WRAP with N > 0.
mpz_class QuantizeAndOverflow(const FixedType& t, const mpz_class& k, Fraction fr, bool neg) {
  bool up = false;
  switch (t.quantization) {
    case Quantization::kTrn:
      up = false;
      break;
    case Quantization::kTrnZero:
      up = neg && fr != Fraction::kZero;
      break;
    case Quantization::kRnd:
      up = fr == Fraction::kHalf || fr == Fraction::kAboveHalf;
      break;
    case Quantization::kRndZero:
      up = fr == Fraction::kAboveHalf || (fr == Fraction::kHalf && neg);
      break;
    case Quantization::kRndMinInf:
      up = fr == Fraction::kAboveHalf;
      break;
    case Quantization::kRndInf:
      up = fr == Fraction::kAboveHalf || (fr == Fraction::kHalf && !neg);
      break;
    case Quantization::kRndConv:
      up = fr == Fraction::kAboveHalf || (fr == Fraction::kHalf && mpz_odd_p(k.get_mpz_t()));
      break;
  }
  const mpz_class q = k + (up ? 1 : 0);
  const mpz_class& max = Limit(t, /*max=*/true);
  const mpz_class& min = Limit(t, /*max=*/false);
  bool over = q > max, under = q < min;
  if (t.overflow == Overflow::kSatSym && t.is_signed && q == min) under = true;
  if (!over && !under) return q;
  switch (t.overflow) {
    case Overflow::kSatZero:
      return 0;
    case Overflow::kSat:
      return over ? max : min;
    case Overflow::kSatSym:
      // Xilinx's overflow_adjust writes sign bit | bit 0: -max, or -1 when W = 1.
      return over ? max : (t.is_signed && t.width > 1 ? mpz_class(-max) : min);
    case Overflow::kWrap: {
      mpz_class pattern;  // q mod 2^W, in [0, 2^W)
      mpz_fdiv_r_2exp(pattern.get_mpz_t(), q.get_mpz_t(), t.width);
      const int n = t.saturation_bits;
      auto set = [&](int b, bool one) {
        if (one)
          mpz_setbit(pattern.get_mpz_t(), b);
        else
          mpz_clrbit(pattern.get_mpz_t(), b);
      };
      if (n > 0) {
        if (t.is_signed) {
          // Sign bit takes the source's sign; the next N-1 bits its complement.
          set(t.width - 1, under);
          for (int b = t.width - n; b <= t.width - 2; ++b) set(b, !under);
        } else {
          for (int b = t.width - n; b <= t.width - 1; ++b) set(b, true);
        }
      }
      if (t.is_signed && mpz_tstbit(pattern.get_mpz_t(), t.width - 1)) pattern -= Bit(t.width);
      return pattern;
    }
  }
  return 0;
}

}  // namespace

mpz_class ConvertExact(const FixedType& t, const mpq_class& x) {
  const mpz_class& den = x.get_den();
  if (mpz_popcount(den.get_mpz_t()) == 1) {
    // A dyadic rational (every double and every fixed-point value): the fast integer form.
    return ConvertDyadic(t, x.get_num(),
                         -static_cast<long>(mpz_sizeinbase(den.get_mpz_t(), 2) - 1));
  }
  const int f = t.width - t.integer_bits;
  const mpq_class y = x * Pow2(f);
  const mpz_class k = Floor(y);
  const mpq_class fr = y - mpq_class(k);
  const mpq_class half(1, 2);
  const Fraction c = fr == 0      ? Fraction::kZero
                     : fr < half  ? Fraction::kBelowHalf
                     : fr == half ? Fraction::kHalf
                                  : Fraction::kAboveHalf;
  return QuantizeAndOverflow(t, k, c, x < 0);
}

mpz_class ConvertDyadic(const FixedType& t, const mpz_class& m, long e) {
  const long s = e + (t.width - t.integer_bits);  // x * 2^F = m * 2^s
  mpz_class k;
  if (s >= 0) {
    mpz_mul_2exp(k.get_mpz_t(), m.get_mpz_t(), static_cast<mp_bitcnt_t>(s));
    return QuantizeAndOverflow(t, k, Fraction::kZero, m < 0);
  }
  const mp_bitcnt_t sh = static_cast<mp_bitcnt_t>(-s);
  mpz_class rem;  // in [0, 2^sh)
  mpz_fdiv_q_2exp(k.get_mpz_t(), m.get_mpz_t(), sh);
  mpz_fdiv_r_2exp(rem.get_mpz_t(), m.get_mpz_t(), sh);
  Fraction c;
  if (rem == 0) {
    c = Fraction::kZero;
  } else if (!mpz_tstbit(rem.get_mpz_t(), sh - 1)) {
    c = Fraction::kBelowHalf;  // rem < 2^(sh-1)
  } else {
    c = mpz_scan1(rem.get_mpz_t(), 0) == sh - 1 ? Fraction::kHalf : Fraction::kAboveHalf;
  }
  return QuantizeAndOverflow(t, k, c, m < 0);
}

mpq_class ValueOf(const FixedType& t, const mpz_class& raw) {
  return mpq_class(raw) * Pow2(t.integer_bits - t.width);
}

mpz_class RawToMpz(const FixedType& t, int64_t raw) {
  if (!t.is_signed && t.width == 64) {
    mpz_class v;
    mpz_import(v.get_mpz_t(), 1, 1, sizeof(uint64_t), 0, 0, &raw);
    return v;
  }
  return mpz_class(static_cast<long>(raw));
}

namespace {

int64_t MpzToRaw(const mpz_class& v) {
  mpz_class low;
  mpz_fdiv_r_2exp(low.get_mpz_t(), v.get_mpz_t(), 64);
  uint64_t bits = 0;
  size_t count = 0;
  mpz_export(&bits, &count, 1, sizeof(uint64_t), 0, 0, low.get_mpz_t());
  return static_cast<int64_t>(bits);
}

struct Value {  // a fixed-point value: its exact real value, on its type's grid
  FixedType type;
  mpq_class v;
};

mpq_class Conv(const FixedType& t, const mpq_class& x) { return ValueOf(t, ConvertExact(t, x)); }

// nnet_mult.h's weight_exponential (hls4ml 0.7+) for x and the power-of-two weight
// {sign, exponent}: `r_T y = static_cast<r_T>(x) << exponent; return sign == 1 ? y : r_T(-y);`
// with r_T the signed ap_fixed<W, I> `r_t` (TRN, WRAP; W may exceed 64). Returns y's value.
mpq_class ExponentProduct(const FixedType& r_t, const mpq_class& x, int sign, int exponent) {
  const int w = r_t.width, f = r_t.width - r_t.integer_bits;
  auto wrap = [w](const mpz_class& v) {  // the low w bits, two's complement
    mpz_class m;
    mpz_fdiv_r_2exp(m.get_mpz_t(), v.get_mpz_t(), w);
    if (mpz_tstbit(m.get_mpz_t(), w - 1)) m -= Bit(w);
    return m;
  };
  mpz_class r = wrap(Floor(x * Pow2(f)));  // the cast: floor, then wrap
  if (exponent >= 0) {
    r = wrap(r * Bit(exponent));  // ap_fixed's << keeps the width
  } else {
    mpz_fdiv_q_2exp(r.get_mpz_t(), r.get_mpz_t(), -exponent);  // >> floors
  }
  if (sign == 0) r = wrap(-r);
  return mpq_class(r) * Pow2(-f);
}

// (int) of an ap_fixed expression x * n / d: truncation toward zero, then the low 32 bits.
int32_t IntOf(const mpq_class& x) {
  mpz_class t = TruncTowardZero(x);
  mpz_class low;
  mpz_fdiv_r_2exp(low.get_mpz_t(), t.get_mpz_t(), 32);
  const uint32_t u = static_cast<uint32_t>(low.get_ui());
  return static_cast<int32_t>(u);
}

int Clamp(int64_t v, int n) { return static_cast<int>(v < 0 ? 0 : v > n - 1 ? n - 1 : v); }

// Value of `t` with its top `bits` bits = i, others zero.
float TopBitsValue(const FixedType& t, unsigned i, int bits) {
  mpz_class pattern = mpz_class(i) * Bit(t.width - bits);
  if (t.is_signed && mpz_tstbit(pattern.get_mpz_t(), t.width - 1)) pattern -= Bit(t.width);
  return static_cast<float>(ValueOf(t, pattern).get_d());
}
unsigned TopBits(const FixedType& t, const mpq_class& value, int bits) {
  const mpz_class raw = Floor(value * Pow2(t.width - t.integer_bits));  // exact: on the grid
  mpz_class pattern;
  mpz_fdiv_r_2exp(pattern.get_mpz_t(), raw.get_mpz_t(), t.width);
  mpz_fdiv_q_2exp(pattern.get_mpz_t(), pattern.get_mpz_t(), t.width - bits);
  return static_cast<unsigned>(pattern.get_ui());
}

mpq_class ReduceSum(const FixedType& t, const std::vector<mpq_class>& x, size_t begin, size_t n) {
  if (n == 1) return x[begin];
  if (n == 2) return Conv(t, x[begin] + x[begin + 1]);
  const size_t left = size_t{1} << FloorLog2(static_cast<int>(n - 1));
  return Conv(t, ReduceSum(t, x, begin, left) + ReduceSum(t, x, begin + left, n - left));
}

int Log2Exact(int n) { return FloorLog2(n); }

std::vector<mpq_class> Softmax(const SoftmaxSpec& s, const FixedType& in, const FixedType& res,
                               const std::vector<mpq_class>& x) {
  const size_t n = x.size();
  std::vector<mpq_class> y(n);
  if (s.implementation == SoftmaxImplementation::kArgmax) {
    size_t idx = 0;
    for (size_t i = 1; i < n; ++i) {
      if (x[i] > x[idx]) idx = i;
    }
    for (size_t i = 0; i < n; ++i) y[i] = i == idx ? Conv(res, 1) : mpq_class(0);
    return y;
  }
  const int ne = s.exp_table_size, ni = s.inv_table_size;
  if (s.implementation == SoftmaxImplementation::kLegacy) {
    const FixedType& table_t = s.exp_table_type;
    for (size_t ii = 0; ii < n; ++ii) {
      mpq_class acc = 0;
      for (size_t jj = 0; jj < n; ++jj) {
        mpq_class e;
        if (ii == jj) {
          e = Conv(table_t, 1);
        } else {
          const int32_t data_round = IntOf((x[jj] - x[ii]) * ne / 16);
          const int index = Clamp(int64_t{data_round} + 8 * ne / 16, ne);
          const float in_val = static_cast<float>(2 * 8.0 * (index - float(ne) / 2.0) / float(ne));
          e = Conv(table_t, Exact(std::exp(in_val)));
        }
        acc = Conv(table_t, acc + e);
      }
      const int index = Clamp(IntOf(acc * ni / 64), ni);
      const float in_val = static_cast<float>(64.0 * index / float(ni));
      const mpq_class inv =
          in_val > 0.0 ? Conv(s.inv_table_type, Exact(1.0 / in_val)) : mpq_class(0);
      y[ii] = Conv(res, inv);
    }
    return y;
  }
  const bool old = s.hls4ml_0_8_1_stable;
  const int eb = Log2Exact(ne), ib = Log2Exact(ni);
  const FixedType e_t = old ? s.exp_table_type : s.accum_type;
  std::vector<mpq_class> e(n);
  mpq_class max = x[0];
  for (size_t i = 1; i < n; ++i) max = x[i] >= max ? x[i] : max;
  for (size_t i = 0; i < n; ++i) {
    float table_x;
    if (s.implementation == SoftmaxImplementation::kLatency) {
      table_x = TopBitsValue(in, TopBits(in, x[i], eb), eb);
    } else if (old) {
      const FixedType d_t{in.width, in.integer_bits, true, Quantization::kRnd, Overflow::kSat};
      const mpq_class d = Conv(in, Conv(d_t, x[i] - max));
      table_x = TopBitsValue(in, TopBits(in, d, eb), eb);
    } else {
      const mpq_class d = Conv(s.inp_norm_type, max - x[i]);
      table_x = -TopBitsValue(s.inp_norm_type, TopBits(s.inp_norm_type, d, eb), eb);
    }
    table_x *= s.exp_scale;  // init_exp_table: real_val_from_idx(i) * exp_scale (then negated)
    e[i] = Conv(e_t, Conv(s.exp_table_type, Exact(std::exp(table_x))));
  }
  mpq_class sum = ReduceSum(e_t, e, 0, n);
  FixedType index_t = e_t;
  if (!old && s.inv_inp_type) {
    sum = Conv(*s.inv_inp_type, sum);
    index_t = *s.inv_inp_type;
  }
  float inv_x = TopBitsValue(index_t, TopBits(index_t, sum, ib), ib);
  if (inv_x == 0.0f && !old) inv_x = FLT_MIN;
  const mpq_class inv = Conv(s.inv_table_type, Exact(1 / inv_x));
  for (size_t i = 0; i < n; ++i) y[i] = Conv(res, e[i] * inv);
  return y;
}

}  // namespace

namespace {

// The dense-family layers: one input x of `type`.
absl::StatusOr<std::vector<mpq_class>> DenseFamily(const LayerSpec& layer, const FixedType& type,
                                                   const std::vector<mpq_class>& x) {
    const FixedType& res = layer.result_type;
  std::vector<mpq_class> y;
  if (const auto* d = std::get_if<DenseSpec>(&layer.op)) {
    if (static_cast<size_t>(d->n_in) != x.size())
      return absl::InvalidArgumentError("reference: dense size");
    // Integer form of nnet::dense (every value is its raw integer times 2^-F):
    // acc = accum_t(bias); acc = accum_t(acc + accum_t(x * w)) per product; y = res_t(acc).
    const FixedType& acc_t = d->accum_type;
    const long f_x = type.width - type.integer_bits;
    const long f_w = d->weight_type.width - d->weight_type.integer_bits;
    const long f_b = d->bias_type.width - d->bias_type.integer_bits;
    const long f_acc = acc_t.width - acc_t.integer_bits;
    std::vector<mpz_class> x_raw;
    for (const mpq_class& v : x) x_raw.push_back(Floor(v * Pow2(static_cast<int>(f_x))));
    std::vector<mpz_class> acc(d->n_out);
    for (int j = 0; j < d->n_out; ++j) {
      acc[j] = ConvertDyadic(acc_t, RawToMpz(d->bias_type, d->biases[j]), -f_b);
    }
    mpz_class product;
    auto mac = [&](int i, int j) {
      if (d->product != DenseProduct::kMult) {
        // hls4ml's 1- and 2-bit products, in rationals: -x in in_t / -w in weight_t.
        const int64_t w_raw = d->weights[static_cast<size_t>(i) * d->n_out + j];
        const mpq_class wv = ValueOf(d->weight_type, RawToMpz(d->weight_type, w_raw));
        mpq_class p;
        switch (d->product) {
          case DenseProduct::kNegateInInput:
            p = wv == 0 ? mpq_class(0) : wv == 1 ? x[i] : Conv(type, -x[i]);
            break;
          case DenseProduct::kXnor:
            p = x[i] == wv ? 1 : 0;
            break;
          case DenseProduct::kDataBinary:
            p = x[i] == 0 ? mpq_class(-wv) : wv;
            break;
          case DenseProduct::kDataBinaryInWeightType:
            p = x[i] == 0 ? Conv(d->weight_type, -wv) : wv;
            break;
          case DenseProduct::kMult:
            break;
        }
        mpz_class sum = ConvertExact(acc_t, p);
        sum += acc[j];
        acc[j] = ConvertDyadic(acc_t, sum, -f_acc);
        return;
      }
      if (const auto& e = d->exponent_weights) {
        const size_t k = static_cast<size_t>(i) * d->n_out + j;
        mpz_class sum = ConvertExact(acc_t, ExponentProduct(e->product_type, x[i], e->sign[k],
                                                            e->exponent[k]));
        sum += acc[j];
        acc[j] = ConvertDyadic(acc_t, sum, -f_acc);
        return;
      }
      const int64_t w = d->weights[static_cast<size_t>(i) * d->n_out + j];
      // Weights are at most 64 bits; unsigned 64-bit ones go through RawToMpz.
      if (d->weight_type.is_signed || d->weight_type.width < 64) {
        mpz_mul_si(product.get_mpz_t(), x_raw[i].get_mpz_t(), w);
      } else {
        product = x_raw[i] * RawToMpz(d->weight_type, w);
      }
      mpz_class sum = ConvertDyadic(acc_t, product, -(f_x + f_w));
      sum += acc[j];
      acc[j] = ConvertDyadic(acc_t, sum, -f_acc);
    };
    if (!d->resource_strategy) {
      for (int i = 0; i < d->n_in; ++i) {
        for (int j = 0; j < d->n_out; ++j) mac(i, j);
      }
    } else {
      // nnet::dense_resource: ReuseLoop over ir, MultLoop over im; weight index w = ir + RF*im
      // in the transposed [n_out][n_in] layout.
      const int rf = d->reuse_factor, total = d->n_in * d->n_out;
      const int block_factor = (total + rf - 1) / rf;
      for (int ir = 0; ir < rf; ++ir) {
        for (int im = 0; im < block_factor; ++im) {
          const int w = ir + rf * im;
          if (w >= total) break;
          mac(w % d->n_in, w / d->n_in);
        }
      }
    }
    // cast<> of ap_uint<1> input and weights: N = ceillog2(n_in) + 2 bits, trunc toward zero.
    int bits = 1;
    for (int m = d->n_in; m > 2; m = (m + 1) / 2) ++bits;
    const mpz_class modulus = mpz_class(1) << (bits + 2);
    auto wrap = [&](mpz_class v) {
      v %= modulus;  // C semantics: the sign of v
      if (v < 0) v += modulus;
      if (v >= modulus / 2) v -= modulus;
      return v;
    };
    for (int j = 0; j < d->n_out; ++j) {
      const mpq_class a = ValueOf(acc_t, acc[j]);
      if (d->binary_cast == BinaryCast::kHalvedTwice) {
        y.push_back(Conv(res, mpq_class(wrap(2 * wrap(TruncTowardZero(a - d->n_in / 2))))));
      } else if (d->binary_cast == BinaryCast::kTwiceMinusN) {
        y.push_back(Conv(res, mpq_class(wrap(TruncTowardZero(2 * a - d->n_in)))));
      } else {
        y.push_back(ValueOf(res, ConvertDyadic(res, acc[j], -f_acc)));
      }
    }
  } else if (const auto* b = std::get_if<BatchNormSpec>(&layer.op)) {
    for (int i = 0; i < b->n; ++i) {
      const mpq_class c = ValueOf(b->bias_type, RawToMpz(b->bias_type, b->bias[i]));
      if (b->exponent_product_type) {  // weight_exponential scales: y = res_t(p + b) exactly
        y.push_back(Conv(res, ExponentProduct(*b->exponent_product_type, x[i], b->exponent_sign[i],
                                              b->exponent[i]) +
                                  c));
        continue;
      }
      const mpq_class s = ValueOf(b->scale_type, RawToMpz(b->scale_type, b->scale[i]));
      y.push_back(b->product_in_result_type ? Conv(res, Conv(res, x[i] * s) + c)
                                            : Conv(res, x[i] * s + c));
    }
  } else if (const auto* a = std::get_if<ActivationSpec>(&layer.op)) {
    const int n = a->table_size;
    for (const mpq_class& v : x) {
      switch (a->kind) {
        case ActivationKind::kLinear:
          y.push_back(Conv(res, v));
          break;
        case ActivationKind::kRelu:
          y.push_back(v > 0 ? Conv(res, v) : mpq_class(0));
          break;
        case ActivationKind::kSigmoid: {
          const int index = Clamp(int64_t{IntOf(v * n / 16)} + 8 * n / 16, n);
          const float in_val = static_cast<float>(2 * 8.0 * (index - float(n) / 2.0) / float(n));
          const float sig = static_cast<float>(1.0 / (1 + std::exp(-in_val)));
          y.push_back(Conv(res, Conv(a->table_type, Exact(sig))));
          break;
        }
        case ActivationKind::kTanh: {
          const int index = Clamp(int64_t{IntOf(v * n / 8)} + 4 * n / 8, n);
          const float in_val = static_cast<float>(2 * 4.0 * (index - float(n) / 2.0) / float(n));
          y.push_back(
              Conv(res, Conv(a->table_type, Exact(std::tanh(static_cast<double>(in_val))))));
          break;
        }
        default:  // the graph layers' activations: ReferenceRunGraph
          return absl::InvalidArgumentError("reference: unexpected activation");
      }
    }
  } else if (const auto* s = std::get_if<SoftmaxSpec>(&layer.op)) {
    // io_stream: one softmax per pack of `slice` values; softmax_multidim: buffer_in[j] =
    // data[i * n_slice * n_inner + j * n_inner + k], res written back the same way.
    const size_t slice = s->slice > 0 ? static_cast<size_t>(s->slice) : x.size();
    const size_t inner = static_cast<size_t>(s->inner);
    y.resize(x.size());
    for (size_t i = 0; i < x.size() / (slice * inner); ++i) {
      for (size_t k = 0; k < inner; ++k) {
        std::vector<mpq_class> buffer_in;
        for (size_t j = 0; j < slice; ++j) buffer_in.push_back(x[i * slice * inner + j * inner + k]);
        const std::vector<mpq_class> buffer_out = Softmax(*s, type, res, buffer_in);
        for (size_t j = 0; j < slice; ++j) y[i * slice * inner + j * inner + k] = buffer_out[j];
      }
    }
  }
  return y;
}

struct Tensor {
  FixedType type;
  std::vector<mpq_class> v;
};

mpq_class SignBitValue(const FixedType& t) {  // nnet::pad_val<data_T, Max>: x[W-1] = 1
  return ValueOf(t, t.is_signed ? mpz_class(-Bit(t.width - 1)) : Bit(t.width - 1));
}

// nnet_recurrent.h's lstm_stack / gru_stack (io_parallel, use_static), line by line: every
// declared array holds its type's values, every `a = expr` converts the exact expr; the dense
// products and the activations are the dense-family layers above with result type accum_t.
absl::StatusOr<std::vector<mpq_class>> Recurrent(const RecurrentSpec& r, const FixedType& data_t,
                                                 const FixedType& res_t,
                                                 const std::vector<mpq_class>& x) {
  const FixedType& acc_t = r.accum_type;
  const int n = r.n_state;
  auto dense = [&](const DenseSpec& d, const FixedType& in_t, const std::vector<mpq_class>& v) {
    LayerSpec l;
    l.result_type = acc_t;
    l.op = d;
    return DenseFamily(l, in_t, v);
  };
  // nnet::activation::<kind><in_t, accum_t, config>::activation over `v`.
  auto activate = [&](const ActivationSpec& a, const FixedType& in_t,
                      const std::vector<mpq_class>& v) {
    LayerSpec l;
    l.result_type = acc_t;
    ActivationSpec spec = a;
    spec.n = static_cast<int>(v.size());
    l.op = spec;
    return DenseFamily(l, in_t, v);
  };
  std::vector<mpq_class> h_state(n, 0), s_state(n, 0), out;
  for (int iloop = 0; iloop < r.n_sequence; ++iloop) {
    std::vector<mpq_class> data_in(x.begin() + static_cast<long>(iloop) * r.n_in,
                                   x.begin() + static_cast<long>(iloop + 1) * r.n_in);
    absl::StatusOr<std::vector<mpq_class>> tmpres = dense(r.input_dense, data_t, data_in);
    absl::StatusOr<std::vector<mpq_class>> tmpres_state = dense(r.recurrent_dense, res_t, h_state);
    if (!tmpres.ok()) return tmpres.status();
    if (!tmpres_state.ok()) return tmpres_state.status();
    const std::vector<mpq_class>& a = *tmpres;
    const std::vector<mpq_class>& b = *tmpres_state;
    if (r.kind == RecurrentKind::kLstm) {
      std::vector<mpq_class> inputacc_ifo(3 * n), inputacc_c(n);
      for (int iacc = 0; iacc < 3 * n; ++iacc) {
        int index = iacc;
        if (iacc > 2 * n - 1) index = iacc + n;
        inputacc_ifo[iacc] = Conv(acc_t, a[index] + b[index]);
      }
      for (int iacc = 0; iacc < n; ++iacc) {
        inputacc_c[iacc] = Conv(acc_t, a[iacc + 2 * n] + b[iacc + 2 * n]);
      }
      absl::StatusOr<std::vector<mpq_class>> ifo =
          activate(r.recurrent_activation, acc_t, inputacc_ifo);
      absl::StatusOr<std::vector<mpq_class>> c = activate(r.activation, acc_t, inputacc_c);
      if (!ifo.ok()) return ifo.status();
      if (!c.ok()) return c.status();
      for (int iacc = 0; iacc < n; ++iacc) {
        s_state[iacc] = Conv(res_t, (*c)[iacc] * (*ifo)[iacc] + s_state[iacc] * (*ifo)[iacc + n]);
      }
      absl::StatusOr<std::vector<mpq_class>> s_act = activate(r.activation, res_t, s_state);
      if (!s_act.ok()) return s_act.status();
      for (int iacc = 0; iacc < n; ++iacc) {
        h_state[iacc] = Conv(res_t, (*ifo)[iacc + 2 * n] * (*s_act)[iacc]);
      }
    } else {
      std::vector<mpq_class> inputacc_zr(2 * n), tmpres_state_h(n), inputacc_h(n);
      for (int iacc = 0; iacc < 2 * n; ++iacc) inputacc_zr[iacc] = Conv(acc_t, a[iacc] + b[iacc]);
      absl::StatusOr<std::vector<mpq_class>> zr =
          activate(r.recurrent_activation, acc_t, inputacc_zr);
      if (!zr.ok()) return zr.status();
      const int z_at = r.pytorch_order ? n : 0, r_at = r.pytorch_order ? 0 : n;
      for (int iacc = 0; iacc < n; ++iacc) {
        tmpres_state_h[iacc] = Conv(acc_t, (*zr)[iacc + r_at] * b[iacc + 2 * n]);
        inputacc_h[iacc] = Conv(acc_t, a[iacc + 2 * n] + tmpres_state_h[iacc]);
      }
      absl::StatusOr<std::vector<mpq_class>> hh = activate(r.activation, acc_t, inputacc_h);
      if (!hh.ok()) return hh.status();
      for (int iacc = 0; iacc < n; ++iacc) {
        const mpq_class& z = (*zr)[iacc + z_at];
        h_state[iacc] = Conv(res_t, (*hh)[iacc] * (1 - z) + h_state[iacc] * z);
      }
    }
    if (r.return_sequences) out.insert(out.end(), h_state.begin(), h_state.end());
  }
  if (!r.return_sequences) out = h_state;
  return out;
}

// nnet_recurrent.h's bidirectional_stack (hls4ml 1.2+), its loops as written: step iloop runs the
// forward cell on step iloop and the backward one on step n_sequence - iloop - 1; with
// n_sequence_out > 1 the forward state goes to res[(nf + nb) * iloop ...] and the backward state to
// res[(nf + nb) * (n_sequence - iloop) - nb ...]; else the last states, forward then backward.
absl::StatusOr<std::vector<mpq_class>> Bidirectional(const RecurrentSpec& r,
                                                     const FixedType& data_t,
                                                     const FixedType& res_t,
                                                     const std::vector<mpq_class>& x) {
  RecurrentSpec forward = r;
  forward.backward.clear();
  const RecurrentSpec& backward = r.backward.front();
  const int nf = forward.n_state, nb = backward.n_state, steps = r.n_sequence;
  // Each cell run over a growing prefix of its own input order gives its state after that step.
  std::vector<mpq_class> reversed;
  for (int iloop = 0; iloop < steps; ++iloop) {
    const auto step = x.begin() + static_cast<long>(steps - iloop - 1) * r.n_in;
    reversed.insert(reversed.end(), step, step + r.n_in);
  }
  forward.return_sequences = true;
  RecurrentSpec back = backward;
  back.return_sequences = true;
  absl::StatusOr<std::vector<mpq_class>> f = Recurrent(forward, data_t, res_t, x);
  absl::StatusOr<std::vector<mpq_class>> b = Recurrent(back, data_t, res_t, reversed);
  if (!f.ok()) return f.status();
  if (!b.ok()) return b.status();
  std::vector<mpq_class> res;
  if (r.return_sequences) {
    res.resize(static_cast<size_t>(nf + nb) * steps);
    for (int iloop = 0; iloop < steps; ++iloop) {
      for (int i = (nf + nb) * iloop, j = 0; i < (nf + nb) * iloop + nf; ++i, ++j) {
        res[i] = (*f)[iloop * nf + j];
      }
      for (int i = (nf + nb) * (steps - iloop) - nb, j = 0; i < (nf + nb) * (steps - iloop);
           ++i, ++j) {
        res[i] = (*b)[iloop * nb + j];
      }
    }
  } else {
    res.assign(f->end() - nf, f->end());
    res.insert(res.end(), b->end() - nb, b->end());
  }
  return res;
}

// The layers beyond the dense family, written from hls4ml 1.x's nnet_utils (nnet_conv2d_latency.h
// with its im2col fill_buffer, nnet_pooling.h, nnet_padding.h, nnet_image.h, nnet_merge.h,
// nnet_activation.h).
absl::StatusOr<std::vector<mpq_class>> OtherLayer(const LayerSpec& layer,
                                                  const std::vector<const Tensor*>& in) {
  const FixedType& res = layer.result_type;
  const std::vector<mpq_class>& x = in[0]->v;
  const FixedType& it = in[0]->type;
  std::vector<mpq_class> y;
  if (const auto* c = std::get_if<ConvSpec>(&layer.op)) {
    const int n_k = c->filt_height * c->filt_width * c->n_chan;
    const FixedType& acc_t = c->accum_type;
    for (int oh = 0; oh < c->out_height; ++oh) {
      for (int ow = 0; ow < c->out_width; ++ow) {
        std::vector<mpq_class> buf;  // im2col: (kh, kw, chan), 0 in the padding
        for (int kh = 0; kh < c->filt_height; ++kh) {
          for (int kw = 0; kw < c->filt_width; ++kw) {
            for (int ch = 0; ch < c->n_chan; ++ch) {
              const int iy = oh * c->stride_height + kh - c->pad_top;
              const int ix = ow * c->stride_width + kw - c->pad_left;
              const bool inside = iy >= 0 && iy < c->in_height && ix >= 0 && ix < c->in_width;
              buf.push_back(inside ? x[(iy * c->in_width + ix) * c->n_chan + ch] : mpq_class(0));
            }
          }
        }
        std::vector<mpq_class> acc;
        for (int f = 0; f < c->n_filt; ++f) {
          acc.push_back(Conv(acc_t, ValueOf(c->bias_type, RawToMpz(c->bias_type, c->biases[f]))));
        }
        // accum_t(x * w) for weight index k: the plain product or weight_exponential's.
        auto term = [&](const mpq_class& xv, size_t k) {
          if (const auto& e = c->exponent_weights) {
            return Conv(acc_t, ExponentProduct(e->product_type, xv, e->sign[k], e->exponent[k]));
          }
          return Conv(acc_t, xv * ValueOf(c->weight_type, RawToMpz(c->weight_type, c->weights[k])));
        };
        if (c->depthwise) {
          // Channel ch meets only filter ch (depth multiplier 1): weights [kh][kw][chan].
          for (int k = 0; k < n_k; ++k) {
            const int ch = k % c->n_chan;
            acc[ch] = Conv(acc_t, acc[ch] + term(buf[k], static_cast<size_t>(k)));
          }
        } else {
          for (int k = 0; k < n_k; ++k) {
            for (int f = 0; f < c->n_filt; ++f) {
              acc[f] = Conv(acc_t, acc[f] + term(buf[k], static_cast<size_t>(k) * c->n_filt + f));
            }
          }
        }
        for (int f = 0; f < c->n_filt; ++f) y.push_back(Conv(res, acc[f]));
      }
    }
    return y;
  }
  if (const auto* p = std::get_if<PoolingSpec>(&layer.op)) {
    const FixedType& acc_t = p->accum_type;
    y.resize(static_cast<size_t>(p->out_height) * p->out_width * p->n_chan);
    for (int ff = 0; ff < p->n_chan; ++ff) {
      for (int oh = 0; oh < p->out_height; ++oh) {
        for (int ow = 0; ow < p->out_width; ++ow) {
          std::vector<mpq_class> pool;
          unsigned overlap = 0;
          for (int kk = 0; kk < p->pool_height; ++kk) {
            for (int ll = 0; ll < p->pool_width; ++ll) {
              const int r = oh * p->stride_height + kk, c = ow * p->stride_width + ll;
              if (r >= p->pad_top && r < p->in_height + p->pad_top && c >= p->pad_left &&
                  c < p->in_width + p->pad_left) {
                pool.push_back(
                    x[((r - p->pad_top) * p->in_width + (c - p->pad_left)) * p->n_chan + ff]);
                ++overlap;
              } else {
                pool.push_back(p->kind == PoolKind::kMax ? SignBitValue(it) : mpq_class(0));
              }
            }
          }
          mpq_class v;
          if (p->window_in_accum) {
            // nnet_pooling_stream.h: reduce_pool over an accum_t window.
            std::vector<mpq_class> window;
            for (const mpq_class& e : pool) window.push_back(Conv(acc_t, e));
            if (p->kind == PoolKind::kMax) {
              v = window[0];
              for (const mpq_class& e : window) v = e >= v ? e : v;
            } else {
              mpq_class sum = 0;
              if (p->sequential_sum) {
                // global_pooling*_cl: per input pack, reduce<accum_t> over its pixels, then
                // data_window = x + y_sum.
                const size_t k = static_cast<size_t>(std::max(p->pixels_per_pack, 1));
                for (size_t i = 0; i < window.size(); i += k) {
                  sum = Conv(acc_t, sum + ReduceSum(acc_t, window, i, k));
                }
              } else {
                sum = ReduceSum(acc_t, window, 0, window.size());
              }
              const int f = acc_t.width - acc_t.integer_bits;
              const mpz_class q =
                  TruncTowardZero(sum * Pow2(f) / mpq_class(static_cast<long>(window.size())));
              v = Conv(acc_t, mpq_class(q) * Pow2(-f));
            }
          } else if (p->kind == PoolKind::kMax) {
            mpq_class m = pool[0];
            for (size_t i = 1; i < pool.size(); ++i) m = pool[i] > m ? pool[i] : m;
            v = Conv(acc_t, m);
          } else {
            mpq_class sum = 0;
            for (const mpq_class& e : pool) sum = Conv(acc_t, sum + e);
            const unsigned length =
                p->count_pad ? static_cast<unsigned>(p->pool_height * p->pool_width) : overlap;
            const int f = acc_t.width - acc_t.integer_bits;
            const mpz_class q = TruncTowardZero(sum * Pow2(f) / mpq_class(length));
            v = Conv(acc_t, mpq_class(q) * Pow2(-f));
            if (p->average_cast_type) v = Conv(*p->average_cast_type, v);
            if (p->rescale) {  // hls4ml < 1.0: res_T res = v; res *= data_T rescale
              v = Conv(res, Conv(res, v) * ValueOf(it, RawToMpz(it, *p->rescale)));
            }
          }
          y[(static_cast<size_t>(oh) * p->out_width + ow) * p->n_chan + ff] = Conv(res, v);
        }
      }
    }
    if (p->output_pack > 0) {
      // global_pooling*_cl: res_pack[i_pack] = data_window[i_pack] for every output pack i_res.
      std::vector<mpq_class> packed;
      for (int i_res = 0; i_res < p->n_chan / p->output_pack; ++i_res) {
        for (int i_pack = 0; i_pack < p->output_pack; ++i_pack) packed.push_back(y[i_pack]);
      }
      return packed;
    }
    return y;
  }
  if (const auto* c = std::get_if<CroppingSpec>(&layer.op)) {
    // nnet::cropping2d_cl: skip crop_top rows, then per row crop_left pixels, out_width kept.
    const int out_h = c->in_height - c->crop_top - c->crop_bottom;
    const int out_w = c->in_width - c->crop_left - c->crop_right;
    for (int i = 0; i < out_h; ++i) {
      const int in_row = i + c->crop_top;
      for (int j = 0; j < out_w; ++j) {
        const int in_col = j + c->crop_left;
        for (int k = 0; k < c->n_chan; ++k)
          y.push_back(Conv(res, x[(in_row * c->in_width + in_col) * c->n_chan + k]));
      }
    }
    return y;
  }
  if (const auto* p = std::get_if<PaddingSpec>(&layer.op)) {
    for (int i = 0; i < p->pad_top * (p->in_width + p->pad_left + p->pad_right) * p->n_chan; ++i)
      y.push_back(0);
    for (int r = 0; r < p->in_height; ++r) {
      for (int i = 0; i < p->pad_left * p->n_chan; ++i) y.push_back(0);
      for (int i = 0; i < p->in_width * p->n_chan; ++i)
        y.push_back(Conv(res, x[r * p->in_width * p->n_chan + i]));
      for (int i = 0; i < p->pad_right * p->n_chan; ++i) y.push_back(0);
    }
    for (int i = 0; i < p->pad_bottom * (p->in_width + p->pad_left + p->pad_right) * p->n_chan;
         ++i)
      y.push_back(0);
    return y;
  }
  if (const auto* r = std::get_if<ResizeSpec>(&layer.op)) {
    if (r->stream == ResizeStream::kPixels) {
      // nnet_image_stream.h (0.5/0.6): every input pack written ratio_h * ratio_w times.
      const int copies = (r->out_height / r->in_height) * (r->out_width / r->in_width);
      for (int pixel = 0; pixel < r->in_height * r->in_width; ++pixel)
        for (int n = 0; n < copies; ++n)
          for (int k = 0; k < r->n_chan; ++k) y.push_back(Conv(res, x[pixel * r->n_chan + k]));
      return y;
    }
    if (r->stream == ResizeStream::kRows) {
      // nnet_image_stream.h (0.7+): each input row ratio_h times, each pixel ratio_w times.
      const int rh = r->out_height / r->in_height, rw = r->out_width / r->in_width;
      for (int h = 0; h < r->in_height; ++h)
        for (int i = 0; i < rh; ++i)
          for (int l = 0; l < r->in_width; ++l)
            for (int j = 0; j < rw; ++j)
              for (int k = 0; k < r->n_chan; ++k)
                y.push_back(Conv(res, x[(h * r->in_width + l) * r->n_chan + k]));
      return y;
    }
    const int y_ratio = static_cast<int>((r->in_height << 16) / r->out_height) + 1;
    const int x_ratio = static_cast<int>((r->in_width << 16) / r->out_width) + 1;
    for (int i = 0; i < r->out_height; ++i) {
      for (int j = 0; j < r->out_width; ++j) {
        const int x2 = (j * x_ratio) >> 16, y2 = (i * y_ratio) >> 16;
        for (int k = 0; k < r->n_chan; ++k)
          y.push_back(Conv(res, x[(y2 * r->in_width + x2) * r->n_chan + k]));
      }
    }
    return y;
  }
  if (const auto* m = std::get_if<MergeSpec>(&layer.op)) {
    if (in.size() != 2) return absl::InvalidArgumentError("reference: merge needs 2 inputs");
    const std::vector<mpq_class>& a = in[0]->v;
    const std::vector<mpq_class>& b = in[1]->v;
    if (m->kind == MergeKind::kDot) {
      // nnet::dot1d: mult[i] = accum_t(a_i * b_i); acc = accum_t(acc + mult[i]) from 0.
      mpq_class acc = 0;
      for (size_t i = 0; i < a.size(); ++i) acc = Conv(m->accum_type, acc + Conv(m->accum_type, a[i] * b[i]));
      y.push_back(Conv(res, acc));
      return y;
    }
    if (m->kind == MergeKind::kConcatenate) {
      // Walk the output's multi-index; the axis coordinate picks the input.
      const int rank = static_cast<int>(m->shape1.size());
      const int axis = m->axis < 0 ? m->axis + rank : m->axis;
      std::vector<int> out_shape = m->shape1;
      out_shape[axis] += m->shape2[axis];
      std::vector<int> idx(rank, 0);
      const size_t total = a.size() + b.size();
      for (size_t n = 0; n < total; ++n) {
        const bool first = idx[axis] < m->shape1[axis];
        const std::vector<int>& shape = first ? m->shape1 : m->shape2;
        size_t flat = 0;
        for (int d = 0; d < rank; ++d) {
          const int coord = d == axis && !first ? idx[d] - m->shape1[axis] : idx[d];
          flat = flat * shape[d] + coord;
        }
        y.push_back(Conv(res, first ? a[flat] : b[flat]));
        for (int d = rank - 1; d >= 0; --d) {
          if (++idx[d] < out_shape[d]) break;
          idx[d] = 0;
        }
      }
      return y;
    }
    const size_t n = std::max(a.size(), b.size());
    const FixedType& ta = in[0]->type;
    const FixedType& tb = in[1]->type;
    for (size_t i = 0; i < n; ++i) {
      const mpq_class& u = a[i % a.size()];
      const mpq_class& v = b[i % b.size()];
      switch (m->kind) {
        case MergeKind::kAdd: y.push_back(Conv(res, u + v)); break;
        case MergeKind::kSubtract: y.push_back(Conv(res, u - v)); break;
        case MergeKind::kMultiply: y.push_back(Conv(res, u * v)); break;
        case MergeKind::kMaximum: y.push_back(Conv(res, u > v ? u : v)); break;
        case MergeKind::kMinimum: y.push_back(Conv(res, u < v ? u : v)); break;
        case MergeKind::kAverage:
          if (!m->average_divides) {
            y.push_back(Conv(res, (u + v) * mpq_class(1, 2)));
          } else {
            // ap_fixed operator/: dividend raw << max(F2, 0), sdiv, F = F1 + max(F2,0) - F2.
            const int fs = std::max(ta.width - ta.integer_bits, tb.width - tb.integer_bits);
            const int fd = res.width - res.integer_bits;
            const mpq_class d = Conv(res, 2);
            const mpz_class q = TruncTowardZero((u + v) * Pow2(fs) * Pow2(std::max(fd, 0)) /
                                                (d * Pow2(fd)));
            y.push_back(Conv(res, mpq_class(q) * Pow2(-(fs + std::max(fd, 0) - fd))));
          }
          break;
        case MergeKind::kConcatenate: break;
        case MergeKind::kDot: break;
      }
    }
    return y;
  }
  if (const auto* l = std::get_if<LayerNormSpec>(&layer.op)) {
    // nnet_layernorm.h's layernorm_1d per row, its statements in order.
    const FixedType& acc = l->accum_type;
    const int dim = l->n_in / l->seq_len;
    const mpq_class k_inv = Conv(acc, Exact(1.0 / dim));
    for (int j = 0; j < l->seq_len; ++j) {
      mpq_class sum_cache = 0, sum_cache2 = 0;
      for (int i = 0; i < dim; ++i) sum_cache = Conv(acc, sum_cache + Conv(acc, x[j * dim + i]));
      const mpq_class mean = Conv(acc, sum_cache * k_inv);
      std::vector<mpq_class> data_diff(dim);
      for (int i = 0; i < dim; ++i) {
        data_diff[i] = Conv(acc, Conv(acc, x[j * dim + i]) - mean);
        sum_cache2 = Conv(acc, sum_cache2 + Conv(acc, data_diff[i] * data_diff[i]));
      }
      const mpq_class var = Conv(acc, sum_cache2 * k_inv);
      const int index = Clamp(IntOf(var * l->table_size * Pow2(l->table_range_power2)),
                              l->table_size);
      // init_invert_sqr_table's entry `index`: float steps, then 1.0 / sqrt(float) in double.
      const float min_val = static_cast<float>(std::pow(10.0, -l->epsilon_power_of_10));
      const float max_val = static_cast<float>(std::pow(2.0, -l->table_range_power2));
      const float step = max_val / static_cast<float>(l->table_size);
      const float in_val = min_val + step * static_cast<float>(index);
      const mpq_class deno_inver = Conv(l->table_type, Exact(1.0 / std::sqrt(in_val)));
      for (int i = 0; i < dim; ++i) {
        const mpq_class scale = ValueOf(l->scale_type, RawToMpz(l->scale_type, l->scales[i]));
        const mpq_class bias = ValueOf(l->bias_type, RawToMpz(l->bias_type, l->biases[i]));
        y.push_back(Conv(res, data_diff[i] * deno_inver * scale + bias));
      }
    }
    return y;
  }
  if (const auto* t = std::get_if<TransposeSpec>(&layer.op)) {
    for (int k : t->source) y.push_back(Conv(res, x[k]));
    return y;
  }
  if (const auto* e = std::get_if<EmbeddingSpec>(&layer.op)) {
    // nnet::embedding: embeddings[x * n_out + i] with the ap_fixed sum truncated toward zero.
    const mpz_class size = mpz_class(e->vocab_size) * e->n_out;
    for (int j = 0; j < e->n_in; ++j) {
      for (int i = 0; i < e->n_out; ++i) {
        const mpz_class k = TruncTowardZero(x[j] * e->n_out + i);
        if (k < 0 || k >= size) {
          y.push_back(0);
        } else {
          const int64_t raw = e->embeddings[k.get_si()];
          y.push_back(Conv(res, ValueOf(e->embeddings_type, RawToMpz(e->embeddings_type, raw))));
        }
      }
    }
    return y;
  }
  if (const auto* act = std::get_if<ActivationSpec>(&layer.op)) {
    const mpq_class param = ValueOf(act->param_type, RawToMpz(act->param_type, act->param));
    for (size_t i = 0; i < x.size(); ++i) {
      const mpq_class& v = x[i];
      switch (act->kind) {
        case ActivationKind::kLeakyRelu:
          y.push_back(v > 0 ? Conv(res, v) : Conv(res, param * v));
          break;
        case ActivationKind::kPRelu: {
          const mpq_class alpha = ValueOf(act->param_type, RawToMpz(act->param_type, act->params[i]));
          y.push_back(v > 0 ? Conv(res, v) : Conv(res, alpha * v));
          break;
        }
        case ActivationKind::kThresholdedRelu:
          y.push_back(v > param ? Conv(res, v) : mpq_class(0));
          break;
        case ActivationKind::kReluMax:
          y.push_back(v < 0 ? mpq_class(0) : v > act->max_value ? Conv(res, act->max_value) : Conv(res, v));
          break;
        case ActivationKind::kHardSigmoid:
        case ActivationKind::kHardTanh: {
          const mpq_class slope = ValueOf(act->slope_type, RawToMpz(act->slope_type, act->slope));
          const mpq_class shift = ValueOf(act->shift_type, RawToMpz(act->shift_type, act->shift));
          mpq_class z = slope * v + shift;
          if (z > 1) z = 1; else if (z < 0) z = 0;
          y.push_back(Conv(res, act->kind == ActivationKind::kHardTanh ? 2 * z - 1 : z));
          break;
        }
        case ActivationKind::kSoftplus:
        case ActivationKind::kSoftsign: {
          // init_softplus_table / init_softsign_table over [-8, 8); index as sigmoid's.
          const int n = act->table_size;
          const int index = Clamp(int64_t{IntOf(v * n / 16)} + 8 * n / 16, n);
          const float in_val = static_cast<float>(2 * 8.0 * (index - float(n) / 2.0) / float(n));
          const float f = act->kind == ActivationKind::kSoftplus
                              ? static_cast<float>(std::log(std::exp(in_val) + 1.))
                              : static_cast<float>(in_val / (std::abs(in_val) + 1.));
          y.push_back(Conv(res, Conv(act->table_type, Exact(f))));
          break;
        }
        case ActivationKind::kElu:
        case ActivationKind::kSelu: {
          const bool elu = act->kind == ActivationKind::kElu;
          if (v >= 0) {
            y.push_back(elu ? Conv(res, v) : Conv(res, param * v));
            break;
          }
          // index = x * N / -8 as an int, capped at N - 1; table over -8 k / N.
          const int n = act->table_size;
          int index = IntOf(v * n / -8);
          if (index > n - 1) index = n - 1;
          const float in_val = static_cast<float>(-8.0 * index / float(n));
          const float e = static_cast<float>(std::exp(in_val) - 1.);
          const float f = elu ? e
                              : static_cast<float>(1.0507009873554804934193349852946 *
                                                   (1.6732632423543772848170429916717 *
                                                    (std::exp(in_val) - 1.)));
          const mpq_class entry = Conv(act->table_type, Exact(f));
          y.push_back(elu ? Conv(res, param * entry) : Conv(res, entry));
          break;
        }
        case ActivationKind::kBinaryTanh: {
          const bool positive = act->binary_zero_positive ? v >= 0 : v > 0;
          y.push_back(positive ? Conv(res, 1)
                               : act->binary_bit_result ? mpq_class(0) : Conv(res, -1));
          break;
        }
        case ActivationKind::kTernaryTanh: {
          const mpq_class d = act->ternary_doubles ? Conv(it, 2 * v) : v;
          y.push_back(d > 1 ? Conv(res, 1) : d > -1 ? Conv(res, 0) : Conv(res, -1));
          break;
        }
        default:
          return absl::InvalidArgumentError("reference: unexpected activation");
      }
    }
    return y;
  }
  if (const auto* r = std::get_if<RecurrentSpec>(&layer.op)) {
    return r->backward.empty() ? Recurrent(*r, it, res, x) : Bidirectional(*r, it, res, x);
  }
  if (const auto* td = std::get_if<TimeDistributedSpec>(&layer.op)) {
    // hls4ml's loop: read_time_step copies step t's slice, the body runs, write_time_step copies
    // its output into step t's place.
    const size_t steps = td->n_time_steps;
    if (steps == 0 || x.size() % steps != 0) {
      return absl::InvalidArgumentError("reference: time steps do not divide the input");
    }
    NetworkSpec body;
    body.input_type = it;
    body.input_size = static_cast<int>(x.size() / steps);
    body.layers = td->layers;
    if (!td->output.empty()) body.outputs = {td->output};
    for (size_t t = 0; t < steps; ++t) {
      std::vector<int64_t> slice;
      for (size_t k = t * body.input_size; k < (t + 1) * body.input_size; ++k) {
        slice.push_back(MpzToRaw(Floor(x[k] * Pow2(it.width - it.integer_bits))));
      }
      absl::StatusOr<std::vector<std::vector<int64_t>>> out = ReferenceRunGraph(body, {slice});
      if (!out.ok()) return out.status();
      for (int64_t raw : out->at(0)) y.push_back(ValueOf(res, RawToMpz(res, raw)));
    }
    return y;
  }
  return absl::InvalidArgumentError("reference: unknown layer");
}

bool IsDenseFamily(const LayerSpec& layer) {
  if (const auto* a = std::get_if<ActivationSpec>(&layer.op)) {
    return a->kind == ActivationKind::kLinear || a->kind == ActivationKind::kRelu ||
           a->kind == ActivationKind::kSigmoid || a->kind == ActivationKind::kTanh;
  }
  return std::holds_alternative<DenseSpec>(layer.op) ||
         std::holds_alternative<BatchNormSpec>(layer.op) ||
         std::holds_alternative<SoftmaxSpec>(layer.op);
}

std::vector<int64_t> Raws(const Tensor& t) {
  std::vector<int64_t> raws;
  for (const mpq_class& v : t.v)
    raws.push_back(MpzToRaw(Floor(v * Pow2(t.type.width - t.type.integer_bits))));
  return raws;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<int64_t>>> ReferenceRunGraph(
    const NetworkSpec& spec, const std::vector<std::vector<int64_t>>& inputs,
    std::vector<std::vector<int64_t>>* trace) {
  std::vector<TensorSpec> input_specs = spec.inputs;
  if (input_specs.empty()) input_specs.push_back({"input", spec.input_type, spec.input_size});
  if (inputs.size() != input_specs.size()) {
    return absl::InvalidArgumentError("reference: wrong number of inputs");
  }
  std::map<std::string, Tensor> tensors;
  std::string previous;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const TensorSpec& t = input_specs[k];
    if (inputs[k].size() != static_cast<size_t>(t.size)) {
      return absl::InvalidArgumentError("reference: wrong input size");
    }
    Tensor& x = tensors[t.name];
    x.type = t.type;
    for (int64_t r : inputs[k]) x.v.push_back(ValueOf(t.type, RawToMpz(t.type, r)));
    if (k == 0) previous = t.name;
  }
  for (const LayerSpec& layer : spec.layers) {
    std::vector<const Tensor*> in;
    if (layer.inputs.empty()) {
      in.push_back(&tensors.at(previous));
    } else {
      for (const std::string& name : layer.inputs) {
        auto it = tensors.find(name);
        if (it == tensors.end()) return absl::InvalidArgumentError("reference: unknown input");
        in.push_back(&it->second);
      }
    }
    absl::StatusOr<std::vector<mpq_class>> y =
        IsDenseFamily(layer) ? DenseFamily(layer, in[0]->type, in[0]->v) : OtherLayer(layer, in);
    if (!y.ok()) return y.status();
    Tensor& out = tensors[layer.name];
    out.type = layer.result_type;
    out.v = *std::move(y);
    previous = layer.name;
    if (trace != nullptr) trace->push_back(Raws(out));
  }
  std::vector<std::vector<int64_t>> outputs;
  if (spec.outputs.empty()) {
    outputs.push_back(Raws(tensors.at(previous)));
  } else {
    for (const std::string& name : spec.outputs) outputs.push_back(Raws(tensors.at(name)));
  }
  return outputs;
}

absl::StatusOr<std::vector<int64_t>> ReferenceRunRaw(const NetworkSpec& spec,
                                                     const std::vector<int64_t>& input_raw,
                                                     std::vector<std::vector<int64_t>>* trace) {
  absl::StatusOr<std::vector<std::vector<int64_t>>> out =
      ReferenceRunGraph(spec, {input_raw}, trace);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<std::vector<double>> ReferenceRun(const NetworkSpec& spec,
                                                 const std::vector<double>& input_values) {
  std::vector<int64_t> raw;
  for (double v : input_values) {
    if (std::isnan(v)) return absl::InvalidArgumentError("reference: NaN input");
    raw.push_back(MpzToRaw(ConvertExact(spec.input_type, Exact(v))));
  }
  absl::StatusOr<std::vector<int64_t>> out = ReferenceRunRaw(spec, raw);
  if (!out.ok()) return out.status();
  const FixedType& t = spec.layers.back().result_type;
  std::vector<double> values;
  for (int64_t r : *out) values.push_back(ValueOf(t, RawToMpz(t, r)).get_d());
  return values;
}

}  // namespace fpgaas::numerics::reference
