#include "server/numerics/network.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/numerics/batch_reference_check.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

FixedType T(const std::string& text) { return *ParseFixedType(text); }

int64_t Raw(const FixedType& t, double x) { return *FromDouble(t, x); }

std::vector<int64_t> RunOne(const Network& net, const std::vector<int64_t>& in_raw) {
  std::vector<uint8_t> in(net.input_bytes_per_sample()), out(net.output_bytes_per_sample());
  for (size_t i = 0; i < in_raw.size(); ++i) {
    PackRaw(net.input_type(), in_raw[i], in.data() + i * net.input_type().container_bytes());
  }
  net.Run(in.data(), out.data(), 1);
  std::vector<int64_t> r;
  for (int i = 0; i < net.output_size(); ++i) {
    r.push_back(UnpackRaw(net.output_type(), out.data() + i * net.output_type().container_bytes()));
  }
  return r;
}

LayerSpec Dense(const std::string& name, int n_in, int n_out, const FixedType& w_t,
                const FixedType& acc_t, const FixedType& res_t, const std::vector<double>& w,
                const std::vector<double>& b) {
  DenseSpec d;
  d.n_in = n_in;
  d.n_out = n_out;
  d.weight_type = w_t;
  d.bias_type = w_t;
  d.accum_type = acc_t;
  for (double v : w) d.weights.push_back(Raw(w_t, v));
  for (double v : b) d.biases.push_back(Raw(w_t, v));
  return LayerSpec{name, res_t, d};
}

TEST(DenseTest, WrappingAccumulatorWrapsEveryProductAndTheSum) {
  const FixedType t = T("ap_fixed<8,4>");
  NetworkSpec spec{t, 2, {Dense("fc1", 2, 1, t, t, t, {7.5, 7.5}, {0})}};
  auto net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  // 7.5 * 7.5 = 56.25 = raw 900 -> wraps to -124 (-7.75); -7.75 - 7.75 = -15.5 wraps to +0.5.
  EXPECT_EQ(RunOne(**net, {Raw(t, 7.5), Raw(t, 7.5)}), std::vector<int64_t>{8});
}

TEST(DenseTest, SaturatingAccumulatorClampsEachStep) {
  const FixedType t = T("ap_fixed<8,4>");
  const FixedType sat = T("ap_fixed<8,4,AP_TRN,AP_SAT>");
  NetworkSpec spec{t, 2, {Dense("fc1", 2, 1, t, sat, t, {7.5, 7.5}, {0})}};
  auto net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunOne(**net, {Raw(t, 7.5), Raw(t, 7.5)}), std::vector<int64_t>{127});
}

TEST(DenseTest, ResourceStrategyUsesDenseResourceSummationOrder) {
  const FixedType t = T("ap_fixed<8,4>");
  const FixedType sat = T("ap_fixed<8,4,AP_TRN,AP_SAT>");
  NetworkSpec spec{t, 4, {Dense("fc1", 4, 1, t, sat, t, {6, 6, -6, -6}, {0})}};
  const std::vector<int64_t> ones(4, Raw(t, 1.0));
  // Latency order 6, 6 (saturates at 7.9375), -6, -6: -4.0625.
  auto latency = Network::Create(spec);
  ASSERT_TRUE(latency.ok());
  EXPECT_EQ(RunOne(**latency, ones), std::vector<int64_t>{-65});
  // dense_resource with RF 2 visits inputs 0, 2, 1, 3: 6, 0, 6, 0.
  std::get<DenseSpec>(spec.layers[0].op).resource_strategy = true;
  std::get<DenseSpec>(spec.layers[0].op).reuse_factor = 2;
  auto resource = Network::Create(spec);
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_EQ(RunOne(**resource, ones), std::vector<int64_t>{0});
}

TEST(ActivationTest, ReluZeroesNonPositiveAndConverts) {
  const FixedType in = T("ap_fixed<8,4>");
  const FixedType out = T("ap_ufixed<4,2>");
  NetworkSpec spec{in, 4, {LayerSpec{"relu1", out, ActivationSpec{ActivationKind::kRelu, 4}}}};
  auto net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunOne(**net, {Raw(in, -1), 0, Raw(in, 3.5), Raw(in, 5.0)}),
            (std::vector<int64_t>{0, 0, 14, 4}));  // 5.0 wraps to 1.0 in ap_ufixed<4,2>
}

TEST(BatchNormTest, ExactProductAndSumThenResultType) {
  const FixedType in = T("ap_fixed<8,4>");
  BatchNormSpec bn{1, T("ap_fixed<8,2>"), T("ap_fixed<8,4>"), {}, {}};
  bn.scale.push_back(Raw(bn.scale_type, 13.0 / 64));
  bn.bias.push_back(Raw(bn.bias_type, -1.0));
  NetworkSpec spec{in, 1, {LayerSpec{"bn1", T("ap_fixed<8,4>"), bn}}};
  auto net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  // 25/16 * 13/64 - 1 = -0.6826171875 = -10.921875 LSBs -> floor -11.
  EXPECT_EQ(RunOne(**net, {Raw(in, 25.0 / 16)}), std::vector<int64_t>{-11});
}

// hls4ml 0.5 - 0.7: product<x_T, scale_t, res_T>::product() returns res_T, so x * scale is floored
// to the result type before the bias is added.
TEST(BatchNormTest, ProductInResultTypeRoundsBeforeTheBias) {
  const FixedType in = T("ap_fixed<8,4>");
  BatchNormSpec bn{1, T("ap_fixed<8,2>"), T("ap_fixed<8,2>"), {}, {}};
  bn.scale.push_back(Raw(bn.scale_type, 13.0 / 64));
  bn.bias.push_back(Raw(bn.bias_type, -57.0 / 64));
  const FixedType res = T("ap_fixed<8,4>");
  auto run = [&](bool product_in_result_type) {
    bn.product_in_result_type = product_in_result_type;
    auto net = Network::Create(NetworkSpec{in, 1, {LayerSpec{"bn1", res, bn}}});
    EXPECT_TRUE(net.ok()) << net.status();
    return RunOne(**net, {Raw(in, 31.0 / 16)})[0];
  };
  // 31/16 * 13/64 = 6.296875 LSBs of res; the bias is -14.25 LSBs.
  EXPECT_EQ(run(false), -8);  // floor(6.296875 - 14.25) = floor(-7.953125)
  EXPECT_EQ(run(true), -9);   // floor(floor(6.296875) - 14.25) = floor(-8.25)
}

TEST(ActivationTest, SigmoidAndTanhTablesFollowTheirDefinitions) {
  const FixedType in = T("ap_fixed<16,6>");
  const FixedType table_t{18, 8};
  auto run = [&](ActivationKind kind, double x) {
    NetworkSpec spec{in, 1, {LayerSpec{"act", table_t, ActivationSpec{kind, 1, 1024, table_t}}}};
    auto net = Network::Create(spec);
    EXPECT_TRUE(net.ok()) << net.status();
    return RunOne(**net, {Raw(in, x)})[0];
  };
  auto sigmoid_entry = [](int k) {
    return static_cast<int64_t>(std::floor(1024 / (1 + std::exp(-16.0 * (k - 512) / 1024))));
  };
  auto tanh_entry = [](int k) {
    return static_cast<int64_t>(std::floor(1024 * std::tanh(8.0 * (k - 512) / 1024)));
  };
  EXPECT_EQ(run(ActivationKind::kSigmoid, 0.0), 512);
  EXPECT_EQ(run(ActivationKind::kSigmoid, 2.0), sigmoid_entry(512 + 128));
  EXPECT_EQ(sigmoid_entry(640), 901);
  // The index truncates toward zero: -0.01 * 64 -> 0, -0.0205 * 64 = -1.31 -> -1 (floor would be
  // -2).
  EXPECT_EQ(run(ActivationKind::kSigmoid, -0.01), sigmoid_entry(512));
  EXPECT_EQ(run(ActivationKind::kSigmoid, -0.02), sigmoid_entry(511));
  EXPECT_EQ(run(ActivationKind::kSigmoid, -20.0), sigmoid_entry(0));
  EXPECT_EQ(run(ActivationKind::kSigmoid, 30.0), sigmoid_entry(1023));
  EXPECT_EQ(run(ActivationKind::kTanh, 1.0), tanh_entry(640));
  EXPECT_EQ(tanh_entry(640), 779);
  EXPECT_EQ(run(ActivationKind::kTanh, -1.0), tanh_entry(384));
  EXPECT_EQ(run(ActivationKind::kTanh, 9.0), tanh_entry(1023));
}

std::vector<double> RunSoftmax(SoftmaxImplementation impl, const std::vector<double>& x,
                               bool old = false) {
  const FixedType in = T("ap_fixed<16,6>");
  SoftmaxSpec s;
  s.n = static_cast<int>(x.size());
  s.implementation = impl;
  s.inp_norm_type = T("ap_ufixed<15,5>");
  s.hls4ml_0_8_1_stable = old;
  const FixedType res = T("ap_fixed<16,6>");
  NetworkSpec spec{in, s.n, {LayerSpec{"softmax", res, s}}};
  auto net = Network::Create(spec);
  EXPECT_TRUE(net.ok()) << net.status();
  std::vector<int64_t> raw;
  for (double v : x) raw.push_back(Raw(in, v));
  const std::vector<int64_t> out = RunOne(**net, raw);
  // The same sample through the independent reference.
  absl::StatusOr<std::vector<int64_t>> want = reference::ReferenceRunRaw(spec, raw);
  EXPECT_TRUE(want.ok());
  EXPECT_EQ(out, *want);
  std::vector<double> values;
  for (int64_t r : out) values.push_back(ToDouble(res, r));
  return values;
}

TEST(SoftmaxTest, EveryImplementationApproximatesSoftmax) {
  const std::vector<double> x = {1.0, 2.0, 0.5, -1.25};
  double denom = 0;
  for (double v : x) denom += std::exp(v);
  for (auto [impl, tolerance, old] : {std::tuple{SoftmaxImplementation::kStable, 0.06, false},
                                      {SoftmaxImplementation::kStable, 0.06, true},
                                      {SoftmaxImplementation::kLatency, 0.05, false},
                                      {SoftmaxImplementation::kLegacy, 0.1, false}}) {
    const std::vector<double> y = RunSoftmax(impl, x, old);
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_NEAR(y[i], std::exp(x[i]) / denom, tolerance) << static_cast<int>(impl) << " " << i;
    }
  }
}

TEST(SoftmaxTest, StableHandComputed) {
  // exp of (0, -1, -1.5, -3.25) from ap_fixed<18,8> tables sums to ~1.63; the inverse table is
  // addressed by the top 10 bits of the ap_fixed<18,8> sum, i.e. in steps of 0.25: 1/1.5, rounded
  // (AP_RND) to 10 fractional bits = 683/1024. The maximum's exp is exactly 1.
  for (bool old : {false, true}) {
    const std::vector<double> y =
        RunSoftmax(SoftmaxImplementation::kStable, {1.0, 2.0, 0.5, -1.25}, old);
    EXPECT_EQ(y[1], 683.0 / 1024) << old;
  }
}

TEST(SoftmaxTest, ArgmaxIsOneHotOnTheFirstMaximum) {
  EXPECT_EQ(RunSoftmax(SoftmaxImplementation::kArgmax, {1.0, 2.0, 2.0, 0.0}),
            (std::vector<double>{0, 1, 0, 0}));
}

TEST(NetworkCreateTest, RejectsBadSpecsNamingTheLayer) {
  const FixedType t = T("ap_fixed<8,4>");
  NetworkSpec spec{t, 2, {Dense("fc7", 2, 1, t, t, t, {1, 1}, {0})}};
  std::get<DenseSpec>(spec.layers[0].op).weights.pop_back();
  auto net = Network::Create(spec);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("fc7"), std::string::npos) << net.status();
  EXPECT_NE(net.status().message().find("weights"), std::string::npos) << net.status();

  NetworkSpec sig{
      t, 2, {LayerSpec{"sig3", t, ActivationSpec{ActivationKind::kSigmoid, 2, 1, {18, 8}}}}};
  net = Network::Create(sig);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("sig3"), std::string::npos);
  EXPECT_NE(net.status().message().find("table size 1"), std::string::npos);

  SoftmaxSpec softmax;
  softmax.n = 2;
  softmax.exp_table_size = 1000;
  NetworkSpec sm{t, 2, {LayerSpec{"sm4", t, softmax}}};
  net = Network::Create(sm);
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("sm4"), std::string::npos);
  EXPECT_NE(net.status().message().find("power of two"), std::string::npos);

  NetworkSpec mismatch{t, 3, {LayerSpec{"relu2", t, ActivationSpec{ActivationKind::kRelu, 2}}}};
  EXPECT_NE(Network::Create(mismatch).status().message().find("relu2"), std::string::npos);

  NetworkSpec rf{t, 4, {Dense("fc9", 4, 1, t, t, t, {1, 1, 1, 1}, {0})}};
  std::get<DenseSpec>(rf.layers[0].op).resource_strategy = true;
  std::get<DenseSpec>(rf.layers[0].op).reuse_factor = 3;
  EXPECT_NE(Network::Create(rf).status().message().find("reuse factor 3"), std::string::npos);

  NetworkSpec bad_raw{t, 2, {Dense("fc1", 2, 1, t, t, t, {1, 1}, {0})}};
  std::get<DenseSpec>(bad_raw.layers[0].op).weights[1] = 300;  // not an 8-bit value
  EXPECT_NE(Network::Create(bad_raw).status().message().find("weights[1]"), std::string::npos);

  NetworkSpec empty{t, 2, {}};
  EXPECT_FALSE(Network::Create(empty).ok());
}

// ------------------------------------------------------------------------------------------
// Random networks against the independent reference, bit for bit.

FixedType RandomType(std::mt19937_64& rng, int min_w, int max_w, bool allow_unsigned = true) {
  FixedType t;
  t.width = std::uniform_int_distribution<int>(min_w, max_w)(rng);
  t.integer_bits = std::uniform_int_distribution<int>(1, std::max(1, t.width - 2))(rng);
  t.is_signed = !allow_unsigned || rng() % 4 != 0;
  return t;
}

// A layer result type: every other one with a random quantization and overflow mode.
FixedType RandomResultType(std::mt19937_64& rng, int min_w, int max_w) {
  FixedType t = RandomType(rng, min_w, max_w);
  if (rng() % 2) {
    t.quantization = static_cast<Quantization>(rng() % 7);
    t.overflow = static_cast<Overflow>(rng() % 4);
  }
  return t;
}

int64_t RandomRaw(std::mt19937_64& rng, const FixedType& t) {
  const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
  const int64_t hi = t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

FixedType RandomAccum(std::mt19937_64& rng, int variant) {
  FixedType acc = RandomType(rng, 10, 24);
  switch (variant % 5) {
    case 0:
      break;  // AP_TRN/AP_WRAP: the vectorized kernel
    case 1:
      acc.quantization = Quantization::kRnd;
      break;
    case 2:
      acc.overflow = Overflow::kSat;
      break;
    case 3:
      acc.quantization = Quantization::kRndConv;
      acc.overflow = Overflow::kSatSym;
      break;
    case 4:
      acc.saturation_bits = 2;
      break;
  }
  return acc;
}

NetworkSpec RandomSpec(std::mt19937_64& rng, int variant) {
  NetworkSpec spec;
  spec.input_type = RandomType(rng, 6, 18);
  spec.input_size = std::uniform_int_distribution<int>(1, 12)(rng);
  int size = spec.input_size;
  const int dense_layers = std::uniform_int_distribution<int>(1, 3)(rng);
  for (int k = 0; k < dense_layers; ++k) {
    DenseSpec d;
    d.n_in = size;
    d.n_out = std::uniform_int_distribution<int>(1, 10)(rng);
    d.weight_type = RandomType(rng, 4, 12);
    d.bias_type = RandomType(rng, 4, 12);
    d.accum_type = RandomAccum(rng, variant + k);
    for (int i = 0; i < d.n_in * d.n_out; ++i) d.weights.push_back(RandomRaw(rng, d.weight_type));
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(RandomRaw(rng, d.bias_type));
    if (rng() % 2) {
      std::vector<int> valid;
      for (int rf = 1; rf <= d.n_in * d.n_out; ++rf) {
        const int mf = std::min(d.n_in, rf), ml = (d.n_in * d.n_out + mf - 1) / mf;
        if ((ml % d.n_out == 0 || rf >= d.n_in) && (rf % d.n_in == 0 || rf < d.n_in) &&
            (d.n_in * d.n_out) % rf == 0) {
          valid.push_back(rf);
        }
      }
      d.resource_strategy = true;
      d.reuse_factor = valid[rng() % valid.size()];
    }
    size = d.n_out;
    spec.layers.push_back(LayerSpec{"dense" + std::to_string(k), RandomResultType(rng, 6, 18), d});
    const int act = (variant + k) % 5;
    const FixedType res = RandomResultType(rng, 6, 18);
    if (act == 0)
      spec.layers.push_back(
          LayerSpec{"relu" + std::to_string(k), res, ActivationSpec{ActivationKind::kRelu, size}});
    if (act == 1)
      spec.layers.push_back(LayerSpec{"linear" + std::to_string(k), res,
                                      ActivationSpec{ActivationKind::kLinear, size}});
    if (act == 2)
      spec.layers.push_back(LayerSpec{"sigmoid" + std::to_string(k), res,
                                      ActivationSpec{ActivationKind::kSigmoid, size,
                                                     k % 2 ? 256 : 1000, RandomType(rng, 8, 18)}});
    if (act == 3)
      spec.layers.push_back(LayerSpec{"tanh" + std::to_string(k), res,
                                      ActivationSpec{ActivationKind::kTanh, size,
                                                     k % 2 ? 1500 : 1024, RandomType(rng, 8, 18)}});
    if (act == 4) {
      BatchNormSpec bn{size, RandomType(rng, 4, 12), RandomType(rng, 4, 12), {}, {}};
      bn.product_in_result_type = variant % 2 == 1;
      for (int i = 0; i < size; ++i) {
        bn.scale.push_back(RandomRaw(rng, bn.scale_type));
        bn.bias.push_back(RandomRaw(rng, bn.bias_type));
      }
      spec.layers.push_back(LayerSpec{"bn" + std::to_string(k), res, bn});
    }
  }
  if (variant % 2 == 0) {
    const FixedType& last = spec.layers.back().result_type;
    SoftmaxSpec s;
    s.n = size;
    s.implementation = static_cast<SoftmaxImplementation>(variant / 2 % 4);
    s.hls4ml_0_8_1_stable = variant % 3 == 0;
    s.inp_norm_type = FixedType{last.width - 1, last.integer_bits - 1, false};
    s.exp_table_size = 1 << std::min(last.width - 1, 8);
    s.inv_table_size = 256;
    if (variant % 4 == 0) s.inv_inp_type = FixedType{12, 6, false};
    spec.layers.push_back(LayerSpec{"softmax", RandomType(rng, 8, 18), s});
  }
  return spec;
}

// Softmax layers alone with random types in every step (saturating and rounding sums, inv_inp_t,
// result types), for both the integer fast path and the general path, against the reference; a
// third of them over packs (io_stream: one softmax per slice).
TEST(NetworkVsReferenceTest, RandomSoftmaxTypesMatchBitForBit) {
  std::mt19937_64 rng(77);
  auto random_mode_type = [&](int min_w, int max_w, bool allow_unsigned) {
    FixedType t = RandomType(rng, min_w, max_w, allow_unsigned);
    t.quantization = rng() % 2 ? Quantization::kRnd : Quantization::kTrn;
    if (rng() % 5 == 0) t.quantization = Quantization::kRndConv;  // general path
    t.overflow = static_cast<Overflow>(rng() % 4);
    return t;
  };
  int64_t checked = 0;
  for (int round = 0; round < 300; ++round) {
    SoftmaxSpec s;
    s.n = std::uniform_int_distribution<int>(1, 8)(rng);
    s.implementation =
        rng() % 3 == 0 ? SoftmaxImplementation::kLatency : SoftmaxImplementation::kStable;
    if (round % 3 == 1) {
      // io_stream softmax over packs: 2-4 independent slices of s.n values, every implementation.
      s.slice = s.n;
      s.n *= std::uniform_int_distribution<int>(2, 4)(rng);
      if (round % 9 == 4) s.implementation = SoftmaxImplementation::kLegacy;
      if (round % 9 == 7) s.implementation = SoftmaxImplementation::kArgmax;
    }
    s.hls4ml_0_8_1_stable = rng() % 6 == 0;
    const FixedType in = RandomType(rng, 4, 20);
    s.inp_norm_type = random_mode_type(3, 19, false);
    s.inp_norm_type.is_signed = false;
    s.accum_type = random_mode_type(6, 24, true);
    s.exp_table_type = random_mode_type(8, 18, true);
    s.inv_table_type = random_mode_type(8, 18, true);
    if (rng() % 2) s.inv_inp_type = random_mode_type(4, 16, true);
    if (rng() % 3 == 0) s.exp_scale = rng() % 2 ? 0.5f : 0.3f;
    const FixedType& index_type =
        s.implementation == SoftmaxImplementation::kStable && !s.hls4ml_0_8_1_stable
            ? s.inp_norm_type
            : in;
    s.exp_table_size = 1 << std::min(index_type.width, 8);
    const FixedType& inv_index = s.hls4ml_0_8_1_stable ? s.exp_table_type
                                 : s.inv_inp_type      ? *s.inv_inp_type
                                                       : s.accum_type;
    s.inv_table_size = 1 << std::min(inv_index.width, 8);
    NetworkSpec spec{in, s.n, {LayerSpec{"softmax", random_mode_type(6, 20, true), s}}};
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int k = 0; k < 40; ++k) {
      std::vector<int64_t> raw;
      for (int i = 0; i < s.n; ++i) raw.push_back(RandomRaw(rng, in));
      absl::StatusOr<std::vector<int64_t>> want = reference::ReferenceRunRaw(spec, raw);
      ASSERT_TRUE(want.ok());
      ASSERT_EQ(RunOne(**net, raw), *want)
          << "round " << round << " in " << in.ToString() << " accum " << s.accum_type.ToString()
          << " inv_inp " << (s.inv_inp_type ? s.inv_inp_type->ToString() : "-") << " res "
          << spec.layers[0].result_type.ToString();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300 * 40);
}

// Softmax layers on batches through Network::Run (blocks of 16 and 64 lanes take the lane-wise
// softmax, single samples the per-sample code) against the reference: random types in every step
// (every quantization and overflow mode, N > 0 now and then, integer bits outside 0..W, inputs up
// to 61 bits for stable / latency and 64 for argmax, each batch a quarter minimum and a quarter
// maximum raws), random table sizes, every implementation, whole / sliced / multidim (inner > 1)
// arrangements; each layer alone (the sequential block path) and in a graph (the graph block path).
TEST(NetworkVsReferenceTest, SoftmaxBatchesMatchBitForBit) {
  std::mt19937_64 rng(4242);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto random_type = [&](int min_w, int max_w, bool allow_unsigned) {
    FixedType t;
    t.width = pick(min_w, max_w);
    t.integer_bits = rng() % 4 == 0 ? pick(-4, t.width + 4) : pick(1, std::max(1, t.width - 1));
    t.is_signed = !allow_unsigned || rng() % 3 != 0;
    t.quantization = static_cast<Quantization>(pick(0, 6));
    t.overflow = static_cast<Overflow>(pick(0, 3));
    if (rng() % 8 == 0) t.saturation_bits = pick(1, std::min(t.width, 3));
    return t;
  };
  auto table_size = [&](const FixedType& index_type) {
    return 1 << pick(1, std::min(index_type.width, 11));
  };
  // Every batch size, each sample's raws as RandomRaws draws them; those of a 64-bit unsigned type
  // half the time with the top bit set (RandomRaws stays below 2^63).
  auto batches_match = [&](const NetworkSpec& spec, const Network& net) {
    for (int batch : batch_check::kBatchSizes) {
      std::vector<std::vector<std::vector<int64_t>>> samples(static_cast<size_t>(batch));
      for (auto& sample : samples) {
        std::vector<int64_t> raws =
            batch_check::RandomRaws(net.input_type(), net.input_size(), rng);
        if (net.input_type().width == 64 && !net.input_type().is_signed) {
          for (int64_t& r : raws) r = rng() % 2 ? r ^ INT64_MIN : r;
        }
        sample.push_back(raws);
      }
      if (::testing::AssertionResult r = batch_check::BatchMatchesReference(spec, net, samples);
          !r) {
        return r;
      }
    }
    return ::testing::AssertionSuccess();
  };
  int graphs = 0;
  for (int round = 0; round < 120; ++round) {
    SoftmaxSpec s;
    switch (round % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        s.implementation = SoftmaxImplementation::kStable;
        break;
      case 4:
      case 5:
      case 6:
        s.implementation = SoftmaxImplementation::kLatency;
        break;
      case 7:
      case 8:
        s.implementation = SoftmaxImplementation::kArgmax;
        break;
      default:  // the per-sample fallbacks inside blocks: legacy, hls4ml 0.8.1's stable
        s.implementation =
            round % 20 == 9 ? SoftmaxImplementation::kLegacy : SoftmaxImplementation::kStable;
        s.hls4ml_0_8_1_stable = s.implementation == SoftmaxImplementation::kStable;
    }
    switch (round / 10 % 3) {
      case 0:  // one softmax over the whole input
        s.n = pick(1, 12);
        break;
      case 1:  // io_stream: consecutive slices
        s.slice = pick(1, 6);
        s.n = s.slice * pick(2, 4);
        break;
      case 2:  // softmax_multidim: slices of values `inner` apart
        s.slice = pick(1, 5);
        s.inner = pick(2, 4);
        s.n = s.slice * s.inner * pick(1, 3);
        break;
    }
    const bool wide = round % 4 == 3;  // the widest inputs the int64 form takes
    FixedType in = random_type(wide ? 48 : 2, 61, true);
    if (s.implementation == SoftmaxImplementation::kArgmax && wide) {
      in.width = pick(62, 64);
      if (round % 8 == 7) in.width = 64;
    }
    if (s.implementation == SoftmaxImplementation::kLegacy) in = random_type(4, 24, true);
    s.inp_norm_type = random_type(1, wide ? 61 : 24, true);
    s.accum_type = random_type(2, rng() % 6 == 0 ? 48 : 30, true);
    if (round % 3 == 2) {
      // A sum that overflows on the way (and, under AP_SAT_ZERO, depends on the tree's order).
      s.accum_type.width = pick(3, 8);
      s.accum_type.integer_bits = pick(0, 3);
      if (rng() % 2) s.accum_type.overflow = Overflow::kSatZero;
    }
    s.exp_table_type = random_type(2, 24, true);
    s.inv_table_type = random_type(2, 24, true);
    if (rng() % 2) s.inv_inp_type = random_type(1, 24, true);
    if (rng() % 4 == 0) s.exp_scale = rng() % 2 ? 0.5f : 0.3f;
    const FixedType& exp_index =
        s.implementation == SoftmaxImplementation::kStable && !s.hls4ml_0_8_1_stable
            ? s.inp_norm_type
            : in;
    const FixedType& inv_index = s.hls4ml_0_8_1_stable ? s.exp_table_type
                                 : s.inv_inp_type      ? *s.inv_inp_type
                                                       : s.accum_type;
    s.exp_table_size = table_size(exp_index);
    s.inv_table_size = table_size(inv_index);
    if (s.implementation == SoftmaxImplementation::kLegacy) {
      s.exp_table_size = 1 << pick(1, 11);
      s.inv_table_size = 1 << pick(1, 11);
    }
    const FixedType res = random_type(1, 24, true);
    const std::string what = "round " + std::to_string(round) + " in " + in.ToString() +
                             " inp_norm " + s.inp_norm_type.ToString() + " accum " +
                             s.accum_type.ToString() + " exp " + s.exp_table_type.ToString() +
                             " inv " + s.inv_table_type.ToString() + " inv_inp " +
                             (s.inv_inp_type ? s.inv_inp_type->ToString() : "-") + " res " +
                             res.ToString() + " n " + std::to_string(s.n) + " slice " +
                             std::to_string(s.slice) + " inner " + std::to_string(s.inner);
    // Alone: the sequential block path.
    NetworkSpec alone;
    alone.input_type = in;
    alone.input_size = s.n;
    LayerSpec softmax;
    softmax.name = "softmax";
    softmax.result_type = res;
    softmax.op = s;
    alone.layers.push_back(softmax);
    auto net = Network::Create(alone);
    ASSERT_TRUE(net.ok()) << net.status() << " " << what;
    EXPECT_TRUE(batches_match(alone, **net)) << what;
    // In a graph (the softmax reads the network input past another layer): the graph block path.
    if (round % 2 == 0) {
      NetworkSpec graph = alone;
      ActivationSpec linear;
      linear.n = s.n;
      LayerSpec first;
      first.name = "linear";
      first.result_type = in;
      first.op = linear;
      graph.layers.insert(graph.layers.begin(), first);
      graph.layers.back().inputs = {"input"};
      auto graph_net = Network::Create(graph);
      ASSERT_TRUE(graph_net.ok()) << graph_net.status() << " " << what;
      EXPECT_TRUE(batches_match(graph, **graph_net)) << what;
      ++graphs;
    }
  }
  EXPECT_EQ(graphs, 60);
}

// The sum of the exponentials in blocks: narrow accumulators that overflow part way, where the
// result depends on nnet::reduce's pairing and on the overflow of every pairwise sum (AP_SAT_ZERO
// zeroes a partial sum; AP_SAT clamps partial sums of exponentials that wrapped negative).
TEST(NetworkVsReferenceTest, SoftmaxBatchSumsOverflowLikeTheReductionTree) {
  std::mt19937_64 rng(515);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int round = 0; round < 40; ++round) {
    SoftmaxSpec s;
    s.implementation =
        round % 4 == 3 ? SoftmaxImplementation::kStable : SoftmaxImplementation::kLatency;
    s.n = pick(4, 12);
    if (round % 5 == 4) {
      s.slice = s.n;
      s.n *= 2;
    }
    const FixedType in{pick(8, 14), pick(2, 4), true};
    s.inp_norm_type = FixedType{in.width - 1, in.integer_bits - 1, false};
    s.exp_table_type = FixedType{pick(12, 18), pick(4, 8), round % 2 == 0};
    s.exp_table_type.quantization = Quantization::kRnd;
    s.exp_table_type.overflow = round % 3 == 0 ? Overflow::kWrap : Overflow::kSat;
    s.accum_type = FixedType{pick(6, 12), pick(2, 5), round % 3 != 2};
    s.accum_type.overflow = round % 2 == 0 ? Overflow::kSatZero : Overflow::kSat;
    s.inv_table_type = FixedType{18, 8, true, Quantization::kRnd, Overflow::kSat};
    s.exp_table_size = 1 << std::min(in.width - 1, 10);
    s.inv_table_size = 1 << std::min(s.accum_type.width, 10);
    NetworkSpec spec;
    spec.input_type = in;
    spec.input_size = s.n;
    LayerSpec softmax;
    softmax.name = "softmax";
    softmax.result_type = FixedType{16, 2, false};
    softmax.op = s;
    spec.layers.push_back(softmax);
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "round " << round << " in " << in.ToString() << " exp " << s.exp_table_type.ToString()
        << " accum " << s.accum_type.ToString();
  }
}

TEST(NetworkVsReferenceTest, RandomNetworksMatchBitForBit) {
  std::mt19937_64 rng(2024);
  int64_t samples = 0;
  for (int variant = 0; variant < 24; ++variant) {
    const NetworkSpec spec = RandomSpec(rng, variant);
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    const int batch = 450;  // spans several kernel blocks and a partial one
    const FixedType& it = spec.input_type;
    std::vector<uint8_t> in(batch * (*net)->input_bytes_per_sample());
    std::vector<std::vector<int64_t>> inputs(batch);
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < spec.input_size; ++i) {
        inputs[b].push_back(RandomRaw(rng, it));
        PackRaw(it, inputs[b].back(),
                in.data() + (static_cast<size_t>(b) * spec.input_size + i) * it.container_bytes());
      }
    }
    std::vector<uint8_t> out(batch * (*net)->output_bytes_per_sample());
    (*net)->Run(in.data(), out.data(), batch);
    const FixedType& ot = (*net)->output_type();
    for (int b = 0; b < batch; ++b) {
      absl::StatusOr<std::vector<int64_t>> want = reference::ReferenceRunRaw(spec, inputs[b]);
      ASSERT_TRUE(want.ok());
      for (int j = 0; j < (*net)->output_size(); ++j) {
        const int64_t got =
            UnpackRaw(ot, out.data() + (static_cast<size_t>(b) * (*net)->output_size() + j) *
                                           ot.container_bytes());
        ASSERT_EQ(got, (*want)[j]) << "variant " << variant << " sample " << b << " output " << j
                                   << " last layer " << spec.layers.back().name;
      }
      ++samples;
    }
    // Trace of the first sample equals the reference's per-layer outputs.
    std::vector<std::vector<int64_t>> ref_trace;
    ASSERT_TRUE(reference::ReferenceRunRaw(spec, inputs[0], &ref_trace).ok());
    const std::vector<LayerTrace> trace = (*net)->Trace(in.data());
    ASSERT_EQ(trace.size(), spec.layers.size());
    for (size_t l = 0; l < trace.size(); ++l) {
      EXPECT_EQ(trace[l].name, spec.layers[l].name);
      EXPECT_EQ(trace[l].raw, ref_trace[l]) << "variant " << variant << " layer " << trace[l].name;
    }
  }
  EXPECT_GE(samples, 10000);
}

}  // namespace
}  // namespace fpgaas::numerics
