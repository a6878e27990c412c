// hls4ml's power-of-two (weight_exponential) batch-norm scales, dense and convolution weights, and
// depthwise convolutions, against definitions written here from nnet_mult.h /
// nnet_sepconv2d_latency.h (plain integer arithmetic on the raw values) and against the exact GMP
// reference (reference_network.cc) — both independent of server/numerics' layer code.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"
#include "tests/unit/numerics/batch_reference_check.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

FixedType T(int w, int i, bool s = true, Quantization q = Quantization::kTrn,
            Overflow o = Overflow::kWrap) {
  FixedType t;
  t.width = w;
  t.integer_bits = i;
  t.is_signed = s;
  t.quantization = q;
  t.overflow = o;
  return t;
}

std::vector<int64_t> RunOne(const Network& net, const std::vector<int64_t>& x) {
  const FixedType& it = net.input_type();
  std::vector<uint8_t> in(x.size() * it.container_bytes());
  for (size_t k = 0; k < x.size(); ++k) PackRaw(it, x[k], in.data() + k * it.container_bytes());
  std::vector<uint8_t> out(net.output_bytes_per_sample());
  net.Run(in.data(), out.data(), 1);
  std::vector<int64_t> y;
  const FixedType& ot = net.output_type();
  for (size_t k = 0; k < out.size(); k += ot.container_bytes()) {
    y.push_back(UnpackRaw(ot, out.data() + k));
  }
  return y;
}

int64_t Floor(int64_t a, int64_t b) {  // floor(a / b), b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Exponent scales: ap_fixed<8,2> inputs (F = 6), ap_int<4> exponents, so hls4ml 0.8+'s r_T is
// ap_fixed<24,12> (F = 12). y = res_t(p + b) with res_t = ap_fixed<30,10> (F = 20: every p + b
// is exact in it), so y shows p itself: floors of right shifts and the sign.
TEST(ExponentBatchNorm, ShiftsFloorAndSignZeroNegates) {
  const FixedType in = T(8, 2), bias_t = T(8, 3), res = T(30, 10);
  const int n = 6;
  BatchNormSpec bn;
  bn.n = n;
  bn.bias_type = bias_t;
  bn.exponent_product_type = T(24, 12);
  bn.exponent = {-8, -8, 3, 0, -1, 7};
  bn.exponent_sign = {1, 0, 1, 0, 1, 0};
  bn.bias = {0, 0, 5, -7, 0, 1};
  NetworkSpec spec;
  spec.input_type = in;
  spec.input_size = n;
  LayerSpec l;
  l.name = "alpha";
  l.result_type = res;
  l.op = bn;
  spec.layers.push_back(l);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();

  // x = -1 lsb (-2^-6): r = -2^6 in units of 2^-12; >> 8 floors to -1 (not 0); negated: +1.
  const std::vector<int64_t> y = RunOne(**net, {-1, -1, 5, 5, -3, 100});
  // res F = 20, r_T F = 12, bias F = 5: raw = p * 2^8 + b * 2^15.
  EXPECT_EQ(y[0], -1 * 256);
  EXPECT_EQ(y[1], +1 * 256);
  EXPECT_EQ(y[2], (5 << 6 << 3) * 256 + (5 << 15));
  EXPECT_EQ(y[3], -(5 << 6) * 256 - (7 << 15));
  EXPECT_EQ(y[4], Floor(-3 << 6, 2) * 256);
  EXPECT_EQ(y[5], -(100 << 6 << 7) * 256 + (1 << 15));
}

// The same layer against its definition on random inputs, exponents, signs and biases, with
// result types that round and saturate; also r_T narrow enough to wrap on left shifts (0.7's type).
TEST(ExponentBatchNorm, RandomAgainstDefinition) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int wx = 2 + rng() % 14, ix = -2 + static_cast<int>(rng() % (wx + 4));
    const FixedType in = T(wx, ix, rng() % 2 == 0);
    const int we = 2 + rng() % 3;
    const bool narrow = rng() % 3 == 0;
    // 0.8+: ap_fixed<2 (W_e + W_x), W_e + W_x>; a narrow one (0.7-like) exercises the wrap.
    const FixedType pt = narrow ? T(wx + 3, ix + 2) : T(2 * (we + wx), we + wx);
    const FixedType bias_t = T(4 + rng() % 10, static_cast<int>(rng() % 6) - 1);
    const Quantization qs[] = {Quantization::kTrn, Quantization::kRnd, Quantization::kRndConv};
    const Overflow os[] = {Overflow::kWrap, Overflow::kSat};
    const FixedType res = T(6 + rng() % 14, static_cast<int>(rng() % 8) - 1, true, qs[rng() % 3],
                            os[rng() % 2]);
    const int n = 1 + rng() % 8;
    BatchNormSpec bn;
    bn.n = n;
    bn.bias_type = bias_t;
    bn.exponent_product_type = pt;
    const int emax = (1 << (we - 1)) - 1, emin = -(1 << (we - 1));
    for (int i = 0; i < n; ++i) {
      bn.exponent.push_back(emin + static_cast<int>(rng() % (emax - emin + 1)));
      bn.exponent_sign.push_back(rng() % 2);
      const int64_t span = int64_t{1} << bias_t.width;
      bn.bias.push_back(static_cast<int64_t>(rng() % span) - span / 2);
    }
    NetworkSpec spec;
    spec.input_type = in;
    spec.input_size = n;
    LayerSpec l;
    l.name = "alpha";
    l.result_type = res;
    l.op = bn;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int sample = 0; sample < 20; ++sample) {
      std::vector<int64_t> x;
      for (int i = 0; i < n; ++i) {
        const int64_t span = int64_t{1} << in.width;
        x.push_back(in.is_signed ? static_cast<int64_t>(rng() % span) - span / 2
                                 : static_cast<int64_t>(rng() % span));
      }
      const std::vector<int64_t> y = RunOne(**net, x);
      for (int i = 0; i < n; ++i) {
        // r_T(x): x * 2^(F_r - F_x), floored, wrapped to W_r bits (two's complement).
        const int fr = pt.width - pt.integer_bits, fx = in.width - in.integer_bits;
        const int64_t mod = int64_t{1} << pt.width, half = mod / 2;
        auto wrap = [&](int64_t v) {
          int64_t m = ((v % mod) + mod) % mod;
          return m >= half ? m - mod : m;
        };
        int64_t r = fr >= fx ? x[i] * (int64_t{1} << (fr - fx)) : Floor(x[i], int64_t{1} << (fx - fr));
        r = wrap(r);
        const int e = bn.exponent[i];
        r = e >= 0 ? wrap(r * (int64_t{1} << e)) : Floor(r, int64_t{1} << -e);
        if (bn.exponent_sign[i] == 0) r = wrap(-r);
        // p + b as a double (exact here), then res_t's own rounding/overflow.
        const double v = static_cast<double>(r) / static_cast<double>(int64_t{1} << fr) +
                         static_cast<double>(bn.bias[i]) *
                             std::ldexp(1.0, -(bias_t.width - bias_t.integer_bits));
        absl::StatusOr<int64_t> expected = FromDouble(res, v);
        ASSERT_TRUE(expected.ok());
        ASSERT_EQ(y[i], *expected) << "trial " << trial << " element " << i << " x " << x[i]
                                   << " e " << e << " sign " << bn.exponent_sign[i] << " in "
                                   << in.ToString() << " r_T " << pt.ToString() << " res "
                                   << res.ToString();
      }
    }
  }
}

TEST(ExponentBatchNorm, Errors) {
  BatchNormSpec bn;
  bn.n = 2;
  bn.bias_type = T(8, 3);
  bn.exponent_product_type = T(24, 12);
  bn.exponent = {1, 2};
  bn.exponent_sign = {1, 2};
  bn.bias = {0, 0};
  NetworkSpec spec;
  spec.input_type = T(8, 2);
  spec.input_size = 2;
  LayerSpec l;
  l.name = "alpha";
  l.result_type = T(16, 6);
  l.op = bn;
  spec.layers.push_back(l);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("sign[1] = 2"), std::string::npos) << net.status();
  std::get<BatchNormSpec>(spec.layers[0].op).exponent_sign = {1};
  net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
}

// Depthwise: each channel's window (kh, kw order) through its own filter; accum_t after every
// product and sum; zero padding contributes nothing.
TEST(DepthwiseConv, RandomAgainstDefinition) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 60; ++trial) {
    ConvSpec c;
    c.depthwise = true;
    c.in_height = 1 + rng() % 5;
    c.in_width = 1 + rng() % 6;
    c.n_chan = c.n_filt = 1 + rng() % 4;
    c.filt_height = 1 + rng() % 3;
    c.filt_width = 1 + rng() % 3;
    c.stride_height = 1 + rng() % 2;
    c.stride_width = 1 + rng() % 2;
    c.pad_top = rng() % c.filt_height;
    c.pad_bottom = rng() % c.filt_height;
    c.pad_left = rng() % c.filt_width;
    c.pad_right = rng() % c.filt_width;
    const int ph = c.in_height + c.pad_top + c.pad_bottom, pw = c.in_width + c.pad_left + c.pad_right;
    if (ph < c.filt_height || pw < c.filt_width) continue;
    c.out_height = (ph - c.filt_height) / c.stride_height + 1;
    c.out_width = (pw - c.filt_width) / c.stride_width + 1;
    const FixedType in = T(6 + rng() % 8, 2 + rng() % 3);
    c.weight_type = T(4 + rng() % 6, 1 + rng() % 2);
    c.bias_type = T(6, 2);
    const bool sat = rng() % 2 == 0;
    c.accum_type = T(8 + rng() % 8, 3 + rng() % 3, true,
                     rng() % 2 ? Quantization::kRnd : Quantization::kTrn,
                     sat ? Overflow::kSat : Overflow::kWrap);
    const FixedType res = T(10, 4, true, Quantization::kRnd, Overflow::kSat);
    for (int k = 0; k < c.filt_height * c.filt_width * c.n_chan; ++k) {
      c.weights.push_back(static_cast<int64_t>(rng() % (1u << c.weight_type.width)) -
                          (int64_t{1} << (c.weight_type.width - 1)));
    }
    for (int f = 0; f < c.n_filt; ++f) c.biases.push_back(static_cast<int64_t>(rng() % 64) - 32);
    NetworkSpec spec;
    spec.input_type = in;
    spec.input_size = c.in_height * c.in_width * c.n_chan;
    LayerSpec l;
    l.name = "dw";
    l.result_type = res;
    l.op = c;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    std::vector<int64_t> x;
    for (int k = 0; k < spec.input_size; ++k) {
      x.push_back(static_cast<int64_t>(rng() % (1u << in.width)) - (int64_t{1} << (in.width - 1)));
    }
    const std::vector<int64_t> y = RunOne(**net, x);
    ASSERT_EQ(y.size(), static_cast<size_t>(c.out_height * c.out_width * c.n_chan));
    const double lx = std::ldexp(1.0, -(in.width - in.integer_bits));
    const double lw = std::ldexp(1.0, -(c.weight_type.width - c.weight_type.integer_bits));
    const double lb = std::ldexp(1.0, -(c.bias_type.width - c.bias_type.integer_bits));
    const double la = std::ldexp(1.0, -(c.accum_type.width - c.accum_type.integer_bits));
    for (int oh = 0; oh < c.out_height; ++oh) {
      for (int ow = 0; ow < c.out_width; ++ow) {
        for (int ch = 0; ch < c.n_chan; ++ch) {
          int64_t acc = *FromDouble(c.accum_type, c.biases[ch] * lb);
          for (int kh = 0; kh < c.filt_height; ++kh) {
            for (int kw = 0; kw < c.filt_width; ++kw) {
              const int iy = oh * c.stride_height + kh - c.pad_top;
              const int ix = ow * c.stride_width + kw - c.pad_left;
              double xv = 0;
              if (iy >= 0 && iy < c.in_height && ix >= 0 && ix < c.in_width) {
                xv = x[(iy * c.in_width + ix) * c.n_chan + ch] * lx;
              }
              const double wv = c.weights[(kh * c.filt_width + kw) * c.n_chan + ch] * lw;
              const int64_t p = *FromDouble(c.accum_type, xv * wv);
              acc = *FromDouble(c.accum_type, acc * la + p * la);
            }
          }
          const int64_t expected = *FromDouble(res, acc * la);
          ASSERT_EQ(y[(oh * c.out_width + ow) * c.n_chan + ch], expected)
              << "trial " << trial << " at " << oh << "," << ow << "," << ch;
        }
      }
    }
  }
}

// Random types (every Q/O mode, signed and unsigned, products up to ~60 bits and beyond, where
// the block form falls back to the exact path) in batches through Network::Run (the depthwise
// block forms: int32 lanes where the MAC fits them, else int64; lanes past the last sample
// included) against the reference.
TEST(DepthwiseConv, RandomTypesInBatchesMatchTheReference) {
  std::mt19937 rng(23);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto type = [&](int max_width) {
    FixedType t = T(pick(1, max_width), 0, pick(0, 4) != 0);
    t.integer_bits = pick(-2, std::min(t.width + 2, 10));
    t.quantization = static_cast<Quantization>(pick(0, 6));
    t.overflow = static_cast<Overflow>(pick(0, 3));
    return t;
  };
  auto raws = [&](const FixedType& t, size_t n) {
    std::vector<int64_t> v = batch_check::RandomRaws(t, static_cast<int>(n), rng);
    return v;
  };
  for (int trial = 0; trial < 100; ++trial) {
    ConvSpec c;
    c.depthwise = true;
    c.in_height = pick(1, 4);
    c.in_width = pick(1, 5);
    c.n_chan = c.n_filt = pick(1, 3);
    c.filt_height = pick(1, 3);
    c.filt_width = pick(1, 3);
    c.stride_height = pick(1, 2);
    c.stride_width = pick(1, 2);
    c.pad_top = pick(0, c.filt_height - 1);
    c.pad_bottom = pick(0, c.filt_height - 1);
    c.pad_left = pick(0, c.filt_width - 1);
    c.pad_right = pick(0, c.filt_width - 1);
    const int ph = c.in_height + c.pad_top + c.pad_bottom, pw = c.in_width + c.pad_left + c.pad_right;
    if (ph < c.filt_height || pw < c.filt_width) continue;
    c.out_height = (ph - c.filt_height) / c.stride_height + 1;
    c.out_width = (pw - c.filt_width) / c.stride_width + 1;
    const bool wide = pick(0, 4) == 0;
    const FixedType in = type(wide ? 40 : 20);
    c.weight_type = type(wide ? 30 : 12);
    c.bias_type = type(16);
    c.accum_type = type(wide ? 62 : 32);
    c.weights = raws(c.weight_type, static_cast<size_t>(c.filt_height) * c.filt_width * c.n_chan);
    c.biases = raws(c.bias_type, static_cast<size_t>(c.n_chan));
    NetworkSpec spec;
    spec.input_type = in;
    spec.input_size = c.in_height * c.in_width * c.n_chan;
    LayerSpec l;
    l.name = "dw";
    l.result_type = type(32);
    l.op = c;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    if (!net.ok()) {
      ASSERT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      continue;
    }
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "trial " << trial << " in " << in.ToString() << " w " << c.weight_type.ToString()
        << " acc " << c.accum_type.ToString() << " res " << l.result_type.ToString();
  }
}

TEST(DepthwiseConv, DepthMultiplierOtherThanOneIsRefused) {
  ConvSpec c;
  c.depthwise = true;
  c.in_width = 4;
  c.n_chan = 2;
  c.n_filt = 4;
  c.filt_width = 1;
  c.out_width = 4;
  c.weight_type = c.bias_type = c.accum_type = T(8, 3);
  c.weights.assign(2, 0);
  c.biases.assign(4, 0);
  NetworkSpec spec;
  spec.input_type = T(8, 3);
  spec.input_size = 8;
  LayerSpec l;
  l.name = "dw";
  l.result_type = T(8, 3);
  l.op = c;
  spec.layers.push_back(l);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(net.status().message().find("depth multiplier"), std::string::npos) << net.status();
}

// --- weight_exponential weights in dense and convolution layers --------------------------------

// Dense 2 -> 3 with power-of-two weights: ap_fixed<8,2> inputs (F = 6), 4-bit exponents, so hls4ml
// 0.8+'s r_T is ap_fixed<24,12> (F = 12); accum_t ap_fixed<16,6,AP_RND,AP_SAT> (F = 10); result
// ap_fixed<20,8> (F = 12, holds every sum exactly). Weights w[i][j] = {sign, exponent}.
TEST(ExponentDense, ShiftsRoundIntoTheAccumulatorAndSaturate) {
  DenseSpec d;
  d.n_in = 2;
  d.n_out = 3;
  d.bias_type = T(8, 3);
  d.accum_type = T(16, 6, true, Quantization::kRnd, Overflow::kSat);
  d.biases = {0, 0, 16};  // b2 = 0.5
  ExponentWeights e;
  e.product_type = T(24, 12);
  e.sign = {1, 1, 0, 0, 1, 1};         // [i][j]: w00 w01 w02 / w10 w11 w12
  e.exponent = {-8, 3, -2, 0, -1, 7};
  d.exponent_weights = e;
  NetworkSpec spec;
  spec.input_type = T(8, 2);
  spec.input_size = 2;
  LayerSpec l;
  l.name = "fc";
  l.result_type = T(20, 8);
  l.op = d;
  spec.layers.push_back(l);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  // x0 = -2^-6 is r_T raw -64; x1 = 5 * 2^-6 is 320.
  // y0: -64 >> 8 floors to -1 (-2^-12), which AP_RND takes to 0 in accum_t; -x1 = -320 -> -80.
  // y1: -64 << 3 = -512 -> -128; 320 >> 1 = 160 -> 40. Sum -88.
  // y2: -(-64 >> 2) = 16 -> 4; 320 << 7 = 40960 (10.0) -> 10240; bias 512. Sum 10756.
  // Accumulator raws (F = 10) times 4 are the result raws (F = 12).
  EXPECT_EQ(RunOne(**net, {-1, 5}), (std::vector<int64_t>{-80 * 4, -88 * 4, 10756 * 4}));
  // x1 = 100 * 2^-6: x1 << 7 = 200 saturates accum_t(product) at 32 - 2^-10, and so the sum.
  EXPECT_EQ(RunOne(**net, {-1, 100}),
            (std::vector<int64_t>{-1600 * 4, (-128 + 800) * 4, 32767 * 4}));
}

class RandomExponentLayers {
 public:
  explicit RandomExponentLayers(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  // Any type of 1..max_w bits: every Q and O mode, signed or not, I beyond W or negative.
  FixedType Type(int min_w, int max_w) {
    static const Quantization qs[] = {Quantization::kTrn,    Quantization::kTrnZero,
                                      Quantization::kRnd,    Quantization::kRndZero,
                                      Quantization::kRndInf, Quantization::kRndMinInf,
                                      Quantization::kRndConv};
    static const Overflow os[] = {Overflow::kWrap, Overflow::kSat, Overflow::kSatZero,
                                  Overflow::kSatSym};
    const int w = Int(min_w, max_w);
    FixedType t = T(w, Int(-3, w + 4), Int(0, 4) != 0, qs[Int(0, 6)], os[Int(0, 3)]);
    if (t.overflow == Overflow::kWrap && Int(0, 6) == 0) t.saturation_bits = Int(1, std::min(w, 3));
    return t;
  }
  std::vector<int64_t> Raws(const FixedType& t, size_t n) {
    std::vector<int64_t> r;
    const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
    const int64_t hi = t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
    for (size_t k = 0; k < n; ++k) {
      const int pick = Int(0, 5);
      if (pick == 0 || pick == 1) {
        r.push_back(pick == 0 ? lo : hi);
      } else if (pick == 2) {
        r.push_back(std::clamp<int64_t>(Int(-3, 3), lo, hi));  // small magnitudes
      } else {
        r.push_back(lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1)));
      }
    }
    return r;
  }
  // Power-of-two weights for input type x: r_T as hls4ml 0.8+ or 0.7 builds it for a K-bit exponent
  // field, or any signed width (narrow ones wrap on left shifts); exponents over the field's range,
  // sometimes beyond r_T's width.
  ExponentWeights Weights(const FixedType& x, size_t n) {
    ExponentWeights e;
    const int k = Int(2, 6);
    const int form = Int(0, 2);
    if (form == 0) {
      e.product_type = T(2 * (k + x.width), k + x.width);
    } else if (form == 1) {
      const int p = (1 << (k - 1)) - 1;
      e.product_type = T(x.width + 2 * p + 1, x.integer_bits + p + 1);
    } else {
      const int w = Int(2, 100);
      e.product_type = T(w, Int(-4, w + 4));
    }
    for (size_t i = 0; i < n; ++i) {
      e.sign.push_back(Int(0, 1));
      const int lo = -(1 << (k - 1)), hi = (1 << (k - 1)) - 1;
      const int pick = Int(0, 9);
      e.exponent.push_back(pick == 0 ? lo : pick == 1 ? hi : pick == 2 ? Int(-130, 130) : Int(lo, hi));
    }
    return e;
  }
  DenseSpec Dense(const FixedType& in, int n_in, int n_out) {
    DenseSpec d;
    d.n_in = n_in;
    d.n_out = n_out;
    d.bias_type = Type(1, 20);
    d.accum_type = Type(2, 40);
    d.biases = Raws(d.bias_type, n_out);
    d.exponent_weights = Weights(in, static_cast<size_t>(n_in) * n_out);
    if (Int(0, 1) == 0) {
      std::vector<int> rfs;  // hls4ml's valid dense_resource reuse factors
      for (int rf = 1; rf <= n_in * n_out; ++rf) {
        const int mf = std::min(n_in, rf), ml = (n_in * n_out + mf - 1) / mf;
        if ((ml % n_out == 0 || rf >= n_in) && (rf % n_in == 0 || rf < n_in) &&
            (n_in * n_out) % rf == 0) {
          rfs.push_back(rf);
        }
      }
      d.resource_strategy = true;
      d.reuse_factor = rfs[Int(0, static_cast<int>(rfs.size()) - 1)];
    }
    return d;
  }
  ConvSpec Conv(const FixedType& in, int h, int w, int c, bool depthwise) {
    ConvSpec s;
    s.in_height = h;
    s.in_width = w;
    s.n_chan = c;
    s.depthwise = depthwise;
    s.n_filt = depthwise ? c : Int(1, 4);
    s.filt_height = Int(1, std::min(h, 3));
    s.filt_width = Int(1, std::min(w, 3));
    s.stride_height = Int(1, 2);
    s.stride_width = Int(1, 2);
    s.pad_top = Int(0, s.filt_height - 1);
    s.pad_bottom = Int(0, s.filt_height - 1);
    s.pad_left = Int(0, s.filt_width - 1);
    s.pad_right = Int(0, s.filt_width - 1);
    s.out_height = (h + s.pad_top + s.pad_bottom - s.filt_height) / s.stride_height + 1;
    s.out_width = (w + s.pad_left + s.pad_right - s.filt_width) / s.stride_width + 1;
    s.bias_type = Type(1, 20);
    s.accum_type = Type(2, 40);
    s.biases = Raws(s.bias_type, s.n_filt);
    s.exponent_weights = Weights(
        in, static_cast<size_t>(s.filt_height) * s.filt_width * c * (depthwise ? 1 : s.n_filt));
    return s;
  }

 private:
  std::mt19937 rng_;
};

// weight_exponential dense (latency and resource order), conv2d, conv1d and depthwise layers, and a
// dense -> relu -> dense chain, on 300 random type configurations (every Q/O mode, both releases'
// r_T and arbitrary ones, exponents past r_T's width), against the GMP reference: 20 samples each
// (every type's extremes among them) through a batch (blocks) and one by one, and the trace.
TEST(ExponentWeights, RandomLayersMatchTheReference) {
  int kinds[5] = {0, 0, 0, 0, 0};
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomExponentLayers g(seed);
    NetworkSpec spec;
    spec.input_type = g.Type(1, 24);
    const FixedType& in = spec.input_type;
    const int kind = static_cast<int>(seed % 5);
    ++kinds[kind];
    LayerSpec l;
    l.name = "layer";
    l.result_type = g.Type(1, 32);
    if (kind == 0 || kind == 4) {
      spec.input_size = g.Int(1, 9);
      l.op = g.Dense(in, spec.input_size, g.Int(1, 7));
      spec.layers.push_back(l);
      if (kind == 4) {  // -> relu -> a second exponent dense layer reading the first's type
        ActivationSpec relu;
        relu.kind = ActivationKind::kRelu;
        relu.n = std::get<DenseSpec>(l.op).n_out;
        LayerSpec r;
        r.name = "relu";
        r.result_type = g.Type(1, 20);
        r.op = relu;
        spec.layers.push_back(r);
        LayerSpec l2;
        l2.name = "layer2";
        l2.result_type = g.Type(1, 32);
        l2.op = g.Dense(r.result_type, relu.n, g.Int(1, 5));
        spec.layers.push_back(l2);
      }
    } else {
      const int h = kind == 2 ? 1 : g.Int(1, 5), w = g.Int(1, 6), c = g.Int(1, 3);
      spec.input_size = h * w * c;
      l.op = g.Conv(in, h, w, c, /*depthwise=*/kind == 3);
      spec.layers.push_back(l);
    }
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    const int batch = 20;
    std::vector<std::vector<int64_t>> samples;
    std::vector<uint8_t> packed;
    for (int b = 0; b < batch; ++b) {
      samples.push_back(g.Raws(in, spec.input_size));
      for (int64_t r : samples.back()) {
        std::vector<uint8_t> bytes(in.container_bytes());
        PackRaw(in, r, bytes.data());
        packed.insert(packed.end(), bytes.begin(), bytes.end());
      }
    }
    std::vector<uint8_t> out(batch * (*net)->output_bytes_per_sample());
    (*net)->Run(packed.data(), out.data(), batch);
    const FixedType& ot = (*net)->output_type();
    for (int b = 0; b < batch; ++b) {
      std::vector<std::vector<int64_t>> ref_trace;
      absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
          reference::ReferenceRunGraph(spec, {samples[b]}, &ref_trace);
      ASSERT_TRUE(expected.ok()) << expected.status();
      std::vector<int64_t> got;
      for (int k = 0; k < (*net)->output_size(); ++k) {
        got.push_back(UnpackRaw(
            ot, out.data() + (static_cast<size_t>(b) * (*net)->output_size() + k) *
                                 ot.container_bytes()));
      }
      ASSERT_EQ(got, (*expected)[0]) << "seed " << seed << " kind " << kind << " sample " << b
                                     << " input " << in.ToString();
      ASSERT_EQ(RunOne(**net, samples[b]), (*expected)[0]) << "seed " << seed << " sample " << b;
      if (b == 0) {
        const std::vector<LayerTrace> trace = (*net)->Trace(packed.data());
        ASSERT_EQ(trace.size(), ref_trace.size());
        for (size_t k = 0; k < trace.size(); ++k) {
          EXPECT_EQ(trace[k].raw, ref_trace[k]) << "seed " << seed << " layer " << trace[k].name;
        }
      }
    }
  }
  for (int k : kinds) EXPECT_EQ(k, 60);
}

// hls4ml's 1- and 2-bit dense products (DenseProduct) and the ap_uint<1> cast<> (BinaryCast) on
// 300 random configurations (every Q/O mode in the input, weight, accum and result types; latency
// and resource order; each type's extremes among the samples), against the GMP reference.
TEST(BinaryDense, RandomLayersMatchTheReference) {
  const FixedType uint1 = T(1, 1, false);
  int kinds[5] = {0, 0, 0, 0, 0};
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomExponentLayers g(seed + 5000);
    const int kind = static_cast<int>(seed % 5);
    ++kinds[kind];
    NetworkSpec spec;
    // kNegateInInput, kDataBinary*: any input type (data_binary compares it with 0); kXnor and
    // the popcount cast: ap_uint<1> input and weights.
    spec.input_type = kind == 1 || kind == 4 ? uint1 : kind == 0 ? g.Type(1, 24) : g.Type(1, 6);
    spec.input_size = g.Int(1, 9);
    DenseSpec d = g.Dense(spec.input_type, spec.input_size, g.Int(1, 7));
    d.exponent_weights.reset();
    const size_t n_weights = static_cast<size_t>(d.n_in) * d.n_out;
    if (kind == 0) {
      d.product = DenseProduct::kNegateInInput;
      d.weight_type = T(2, 2);
      for (size_t k = 0; k < n_weights; ++k) d.weights.push_back(g.Int(-1, 1));
    } else if (kind == 1 || kind == 4) {
      d.product = kind == 1 ? DenseProduct::kXnor : DenseProduct::kMult;
      d.weight_type = uint1;
      for (size_t k = 0; k < n_weights; ++k) d.weights.push_back(g.Int(0, 1));
      d.binary_cast = g.Int(0, 1) ? BinaryCast::kHalvedTwice : BinaryCast::kTwiceMinusN;
    } else {
      d.product = kind == 2 ? DenseProduct::kDataBinary : DenseProduct::kDataBinaryInWeightType;
      d.weight_type = g.Type(1, 20);
      d.weights = g.Raws(d.weight_type, n_weights);
    }
    LayerSpec l;
    l.name = "binary";
    l.result_type = g.Type(1, 32);
    l.op = d;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    for (int b = 0; b < 20; ++b) {
      const std::vector<int64_t> x = g.Raws(spec.input_type, spec.input_size);
      absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
          reference::ReferenceRunGraph(spec, {x});
      ASSERT_TRUE(expected.ok()) << expected.status();
      ASSERT_EQ(RunOne(**net, x), (*expected)[0])
          << "seed " << seed << " kind " << kind << " sample " << b << " input "
          << spec.input_type.ToString() << " accum " << d.accum_type.ToString();
    }
  }
  for (int k : kinds) EXPECT_EQ(k, 60);
}

TEST(ExponentWeights, InconsistentSpecsAreRefused) {
  DenseSpec d;
  d.n_in = 2;
  d.n_out = 1;
  d.bias_type = d.accum_type = T(8, 3);
  d.biases = {0};
  ExponentWeights e;
  e.product_type = T(24, 12);
  e.sign = {1, 2};
  e.exponent = {0, 0};
  d.exponent_weights = e;
  NetworkSpec spec;
  spec.input_type = T(8, 2);
  spec.input_size = 2;
  LayerSpec l;
  l.name = "fc";
  l.result_type = T(16, 6);
  l.op = d;
  spec.layers.push_back(l);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("sign[1] = 2"), std::string::npos) << net.status();
  auto& dense = std::get<DenseSpec>(spec.layers[0].op);
  dense.exponent_weights->sign = {1};
  net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
  dense.exponent_weights->sign = {1, 0};
  dense.exponent_weights->product_type = T(24, 12, /*s=*/false);
  net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented);
  dense.exponent_weights->product_type = T(24, 12);
  dense.resource_strategy = true;
  dense.reuse_factor = 3;  // no dense_resource for 2 x 1 with RF 3
  net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("reuse factor 3"), std::string::npos) << net.status();
}

// Power-of-two batch normalization in batches (Network::Run over every batch size of kBatchSizes:
// the block path, int64 rows where exact, and one sample at a time) on random types (every Q/O
// mode, inputs to 40 bits, both releases' r_T and arbitrary ones up to 100 bits, exponents past
// r_T's width, each type's extremes), against the GMP reference.
TEST(ExponentBatchNorm, RandomTypesInBatchesMatchTheReference) {
  int created = 0, narrow = 0;
  for (uint32_t seed = 1; seed <= 240; ++seed) {
    RandomExponentLayers g(seed);
    NetworkSpec spec;
    spec.input_type = g.Type(1, g.Int(0, 3) == 0 ? 40 : 16);
    spec.input_size = g.Int(1, 8);
    BatchNormSpec bn;
    bn.n = spec.input_size;
    bn.bias_type = g.Type(1, g.Int(0, 3) == 0 ? 40 : 16);
    bn.bias = g.Raws(bn.bias_type, bn.n);
    const ExponentWeights e = g.Weights(spec.input_type, bn.n);
    bn.exponent_product_type = e.product_type;
    bn.exponent = e.exponent;
    bn.exponent_sign = e.sign;
    LayerSpec l;
    l.name = "alpha";
    l.result_type = g.Type(1, 40);
    l.op = bn;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    if (!net.ok()) {
      EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      continue;
    }
    ++created;
    narrow += e.product_type.width <= 62;
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "seed " << seed << " in " << spec.input_type.ToString() << " r_T "
        << e.product_type.ToString() << " bias " << bn.bias_type.ToString() << " res "
        << l.result_type.ToString();
  }
  EXPECT_GE(created, 200);
  EXPECT_GE(narrow, 100);  // most take the int64 block form
}

// weight_exponential dense layers (latency and resource order) in batches: every batch size of
// kBatchSizes through Network::Run (the int64 block form where r_T fits 62 bits), against the GMP
// reference.
TEST(ExponentWeights, DenseLayersInBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    RandomExponentLayers g(seed);
    NetworkSpec spec;
    spec.input_type = g.Type(1, g.Int(0, 3) == 0 ? 40 : 16);
    spec.input_size = g.Int(1, 9);
    LayerSpec l;
    l.name = "layer";
    l.result_type = g.Type(1, 32);
    l.op = g.Dense(spec.input_type, spec.input_size, g.Int(1, 6));
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "seed " << seed << " in " << spec.input_type.ToString() << " r_T "
        << std::get<DenseSpec>(l.op).exponent_weights->product_type.ToString();
  }
}

// nnet::transpose in batches (rows moved and converted, by a FastConvert or value by value for
// types beyond it: 63 and 64 bits, AP_WRAP with saturation bits), against the GMP reference.
TEST(Transpose, RandomTypesInBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 120; ++seed) {
    RandomExponentLayers g(seed);
    NetworkSpec spec;
    spec.input_type = g.Type(1, g.Int(0, 3) == 0 ? 64 : 24);
    spec.input_size = g.Int(1, 12);
    TransposeSpec t;
    for (int k = g.Int(1, 12); k > 0; --k) t.source.push_back(g.Int(0, spec.input_size - 1));
    LayerSpec l;
    l.name = "transpose";
    l.result_type = g.Type(1, g.Int(0, 3) == 0 ? 64 : 24);
    l.op = t;
    spec.layers.push_back(l);
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "seed " << seed << " in " << spec.input_type.ToString() << " res "
        << l.result_type.ToString();
  }
}

}  // namespace
}  // namespace fpgaas::numerics
