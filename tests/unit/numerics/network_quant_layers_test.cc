// hls4ml's power-of-two (weight_exponential) batch-norm scales and depthwise convolutions, against
// definitions written here from nnet_mult.h / nnet_sepconv2d_latency.h: plain integer arithmetic on
// the raw values, independent of server/numerics' layer code.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"

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

}  // namespace
}  // namespace fpgaas::numerics
