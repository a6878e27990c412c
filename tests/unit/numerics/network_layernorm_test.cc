// nnet::layernormalize (hls4ml 1.2+'s LayerNormalization): one row by hand, and random layers
// (every rounding and overflow mode in every type, rows of 1-12 values, table sizes and ranges,
// each input type's extremes) against the exact reference (reference_network.cc, written from
// nnet_layernorm.h on GMP rationals).
#include <cstdint>
#include <random>
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
  return FixedType{w, i, s, q, o};
}

NetworkSpec OneLayer(const FixedType& in, const FixedType& res, LayerNormSpec l) {
  NetworkSpec s;
  s.input_type = in;
  s.input_size = l.n_in;
  LayerSpec layer;
  layer.name = "ln";
  layer.result_type = res;
  layer.op = std::move(l);
  s.layers.push_back(std::move(layer));
  return s;
}

std::vector<int64_t> RunRaw(const Network& net, const std::vector<int64_t>& x) {
  const FixedType& it = net.input_type();
  std::vector<uint8_t> in(net.input_bytes_per_sample()), out(net.output_bytes_per_sample());
  for (size_t k = 0; k < x.size(); ++k) PackRaw(it, x[k], in.data() + k * it.container_bytes());
  net.Run(in.data(), out.data(), 1);
  std::vector<int64_t> y;
  const FixedType& ot = net.output_type();
  for (int k = 0; k < net.output_size(); ++k) {
    y.push_back(UnpackRaw(ot, out.data() + k * ot.container_bytes()));
  }
  return y;
}

// x = (0.5, -0.5), d = 2: mean 0, e = x, var = 0.25, index = int(0.25 * 4) = 1;
// table[1] = ap_fixed<18,8>(1 / sqrtf(0.001f + 0.25f)) = 2043/1024 (1.99601 truncated);
// y = e * table[1] * 1 + 0 = +-0.99755859375 -> ap_fixed<16,6> (TRN): 1021/1024, -1022/1024.
TEST(LayerNorm, OneRowByHand) {
  LayerNormSpec l;
  l.n_in = 2;
  l.accum_type = T(16, 6);
  l.table_type = T(18, 8);
  l.scale_type = T(8, 4);
  l.bias_type = T(8, 4);
  l.table_size = 4;
  l.scales = {16, 16};  // 1.0
  l.biases = {0, 0};
  const FixedType in = T(8, 4);  // 4 fractional bits
  auto net = Network::Create(OneLayer(in, T(16, 6), l));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunRaw(**net, {8, -8}), (std::vector<int64_t>{1021, -1022}));
}

class RandomLayerNorm {
 public:
  explicit RandomLayerNorm(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  FixedType Type(int min_w, int max_w) {
    FixedType t = T(Int(min_w, max_w), 0, Int(0, 5) != 0);
    t.integer_bits = Int(-2, std::min(t.width, 8));
    if (Int(0, 1) == 0) {
      t.quantization = static_cast<Quantization>(Int(0, 6));
      t.overflow = static_cast<Overflow>(Int(0, 3));
    }
    return t;
  }
  int64_t RandomRaw(const FixedType& t) {
    const int bits = Int(0, 3) == 0 ? std::min(t.width, 3) : t.width;
    const int64_t lo = t.is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    const int64_t hi = t.is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  NetworkSpec Make() {
    LayerNormSpec l;
    const int dim = Int(1, 12);
    l.seq_len = Int(1, 3);
    l.n_in = dim * l.seq_len;
    l.accum_type = Type(8, 30);
    l.table_type = Type(8, 20);
    l.scale_type = Type(4, 16);
    l.bias_type = Type(4, 16);
    const int sizes[] = {1024, 64, 100, 4096, 7};
    l.table_size = sizes[Int(0, 4)];
    l.epsilon_power_of_10 = Int(0, 6);
    l.table_range_power2 = Int(0, 4);
    for (int i = 0; i < dim; ++i) {
      l.scales.push_back(RandomRaw(l.scale_type));
      l.biases.push_back(RandomRaw(l.bias_type));
    }
    return OneLayer(Type(4, 18), Type(4, 20), std::move(l));
  }

 private:
  std::mt19937 rng_;
};

TEST(LayerNorm, RandomLayersMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomLayerNorm g(seed);
    const NetworkSpec spec = g.Make();
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    for (int sample = 0; sample < 40; ++sample) {
      std::vector<int64_t> x;
      for (int i = 0; i < spec.input_size; ++i) {
        // Every fourth sample: the type's extremes.
        const FixedType& t = spec.input_type;
        const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
        const int64_t hi =
            t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
        x.push_back(sample % 4 == 3 ? (g.Int(0, 1) ? lo : hi) : g.RandomRaw(t));
      }
      absl::StatusOr<std::vector<int64_t>> expected = reference::ReferenceRunRaw(spec, x);
      ASSERT_TRUE(expected.ok()) << expected.status();
      ASSERT_EQ(RunRaw(**net, x), *expected) << "seed " << seed << " sample " << sample;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300 * 40);
}

// Batches through Network::Run (the block path, its int64 form where the types allow it, lanes past
// the last sample included) against the reference, sample by sample.
TEST(LayerNorm, RandomLayersInBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    RandomLayerNorm g(seed);
    const NetworkSpec spec = g.Make();
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng)) << "seed " << seed;
  }
}

TEST(LayerNorm, CreateErrors) {
  LayerNormSpec l;
  l.n_in = 6;
  l.seq_len = 4;
  l.accum_type = l.table_type = l.scale_type = l.bias_type = T(16, 6);
  l.scales = l.biases = std::vector<int64_t>(6, 0);
  auto net = Network::Create(OneLayer(T(8, 4), T(16, 6), l));
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("seq_len must divide n_in"), std::string::npos)
      << net.status();
  l.seq_len = 2;  // rows of 3: 3 scales wanted
  net = Network::Create(OneLayer(T(8, 4), T(16, 6), l));
  ASSERT_FALSE(net.ok());
  EXPECT_NE(net.status().message().find("expected n_in / seq_len = 3"), std::string::npos)
      << net.status();
  l.scales = l.biases = std::vector<int64_t>(3, 0);
  l.epsilon_power_of_10 = 40;
  net = Network::Create(OneLayer(T(8, 4), T(16, 6), l));
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace fpgaas::numerics
