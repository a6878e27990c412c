// The table activations (softplus, softsign, elu, selu) and binary/ternary tanh, against values
// computed by hand from nnet_activation.h and against the exact reference (reference_network.cc)
// on random types (every Q/O mode, signed and unsigned, table sizes, each type's extremes).
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

int64_t Raw(const FixedType& t, double v) { return *FromDouble(t, v); }

std::vector<int64_t> RunNet(const Network& net, const std::vector<int64_t>& x) {
  const FixedType& it = net.input_type();
  std::vector<uint8_t> in(x.size() * it.container_bytes());
  for (size_t k = 0; k < x.size(); ++k) PackRaw(it, x[k], in.data() + k * it.container_bytes());
  std::vector<uint8_t> out(net.output_bytes_per_sample());
  net.Run(in.data(), out.data(), 1);
  std::vector<int64_t> y;
  const FixedType& ot = net.output_type();
  for (size_t k = 0; k < out.size(); k += ot.container_bytes()) y.push_back(UnpackRaw(ot, &out[k]));
  return y;
}

NetworkSpec OneLayer(const FixedType& in, const FixedType& res, const ActivationSpec& a) {
  NetworkSpec s;
  s.input_type = in;
  s.input_size = a.n;
  LayerSpec l;
  l.name = "act";
  l.result_type = res;
  l.op = a;
  s.layers.push_back(l);
  return s;
}

std::vector<int64_t> RunByHand(const FixedType& in, const FixedType& res, ActivationSpec a,
                               const std::vector<double>& x) {
  a.n = static_cast<int>(x.size());
  auto net = Network::Create(OneLayer(in, res, a));
  EXPECT_TRUE(net.ok()) << net.status();
  if (!net.ok()) return {};
  std::vector<int64_t> raws;
  for (double v : x) raws.push_back(Raw(in, v));
  return RunNet(**net, raws);
}

// ap_fixed<16,6> in and out (F = 10), ap_fixed<18,8> tables (F = 10), 1024 entries.
TEST(TableActivations, ByHand) {
  const FixedType t = T(16, 6);
  ActivationSpec a;
  a.table_size = 1024;
  a.table_type = T(18, 8);

  // softplus(0): index 512, log(2) = 0.6931 -> floor(709.78) = 709. softsign(1): index
  // 1 * 1024 / 16 + 512 = 576, in_val 1, 1 / 2 -> 512. Saturates at the table's ends.
  a.kind = ActivationKind::kSoftplus;
  EXPECT_EQ(RunByHand(t, t, a, {0.0}), (std::vector<int64_t>{709}));
  a.kind = ActivationKind::kSoftsign;
  EXPECT_EQ(RunByHand(t, t, a, {1.0, -31.0}), (std::vector<int64_t>{512, Raw(t, -8.0 / 9)}));

  // elu: x >= 0 passes (0.5 -> 512); x = -1: index 1024 / 8 = 128, e^-1 - 1 = -0.632 -> -648 in
  // the table, times alpha = 1 (ap_uint<1>, hls4ml 1.x's two-argument elu).
  a.kind = ActivationKind::kElu;
  a.param_type = T(1, 1, false);
  a.param = 1;
  EXPECT_EQ(RunByHand(t, t, a, {0.5, -1.0}), (std::vector<int64_t>{512, -648}));
  // alpha = 0.5 (ap_fixed<4,1>): -648 * 0.5 = -324.
  a.param_type = T(4, 1);
  a.param = Raw(a.param_type, 0.5);
  EXPECT_EQ(RunByHand(t, t, a, {-1.0}), (std::vector<int64_t>{-324}));

  // selu: lambda ap_ufixed<16,1> = 34429 / 2^15; 2 * lambda = 2.10138 -> floor(2151.81) = 2151.
  // x = -1: 1.0507 * 1.6733 * (e^-1 - 1) = -1.11133 -> floor(-1138.003) = -1139.
  a.kind = ActivationKind::kSelu;
  a.param_type = T(16, 1, false);
  a.param = 34429;
  EXPECT_EQ(RunByHand(t, t, a, {2.0, -1.0}), (std::vector<int64_t>{2151, -1139}));
}

TEST(TableActivations, BinaryAndTernaryByHand) {
  const FixedType t = T(8, 2);  // [-2, 2), F = 6
  const FixedType res = T(2, 2);
  ActivationSpec a;
  a.kind = ActivationKind::kBinaryTanh;
  // hls4ml <= 1.1: x > 0 gives 1, 0 gives -1; 1.2+: x >= 0 gives 1.
  EXPECT_EQ(RunByHand(t, res, a, {0.5, 0.0, -0.5}), (std::vector<int64_t>{1, -1, -1}));
  a.binary_zero_positive = true;
  EXPECT_EQ(RunByHand(t, res, a, {0.5, 0.0, -0.5}), (std::vector<int64_t>{1, 1, -1}));
  // An ap_uint<1> result: 1.2+'s binary_cast writes 0 for -1; older releases wrap -1 to 1.
  a.binary_bit_result = true;
  EXPECT_EQ(RunByHand(t, T(1, 1, false), a, {0.5, -0.5}), (std::vector<int64_t>{1, 0}));
  a.binary_bit_result = false;
  EXPECT_EQ(RunByHand(t, T(1, 1, false), a, {0.5, -0.5}), (std::vector<int64_t>{1, 1}));

  // Ternary, io_parallel: d = 2x in data_T. 0.75 -> 1.5 > 1: 1; 0.5 -> 1: 0; -0.5 -> -1: -1;
  // 1.5 -> 3 wraps to -1 in ap_fixed<8,2>: -1 (saturating: 1.984: 1).
  a.kind = ActivationKind::kTernaryTanh;
  a.ternary_doubles = true;
  EXPECT_EQ(RunByHand(t, res, a, {0.75, 0.5, -0.5, 1.5}), (std::vector<int64_t>{1, 0, -1, -1}));
  const FixedType sat = T(8, 2, true, Quantization::kTrn, Overflow::kSat);
  EXPECT_EQ(RunByHand(sat, res, a, {1.5}), (std::vector<int64_t>{1}));
  // io_stream compares x itself: 0.75 -> 0, 1.5 -> 1, -1 -> -1, -0.75 -> 0.
  a.ternary_doubles = false;
  EXPECT_EQ(RunByHand(t, res, a, {0.75, 1.5, -1.0, -0.75}), (std::vector<int64_t>{0, 1, -1, 0}));
}

TEST(TableActivations, RefusesIndexesBeyondAnInt) {
  ActivationSpec a;
  a.kind = ActivationKind::kElu;
  a.n = 1;
  a.param_type = T(1, 1, false);
  a.param = 1;
  // -2^39 * 1024 / 8 = -2^46: hls4ml's int index would wrap (and read outside its table).
  auto net = Network::Create(OneLayer(T(48, 40), T(16, 6), a));
  EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
  EXPECT_TRUE(Network::Create(OneLayer(T(24, 16), T(16, 6), a)).ok());
}

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  FixedType Type(int max_width = 24) {
    FixedType t = T(Int(1, max_width), 0, Int(0, 4) != 0);
    t.integer_bits = Int(-2, std::min(t.width + 2, 12));
    t.quantization = static_cast<Quantization>(Int(0, 6));
    t.overflow = static_cast<Overflow>(Int(0, 3));
    return t;
  }
  int64_t RandomRaw(const FixedType& t) {
    const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
    const int64_t hi =
        t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
    switch (Int(0, 5)) {
      case 0:
        return lo;
      case 1:
        return hi;
      case 2:  // small magnitudes
        return std::uniform_int_distribution<int64_t>(std::max<int64_t>(lo, -8),
                                                      std::min<int64_t>(hi, 8))(rng_);
      default:
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
    }
  }

 private:
  std::mt19937 rng_;
};

TEST(TableActivations, RandomTypesMatchTheReference) {
  const ActivationKind kinds[] = {ActivationKind::kSoftplus,   ActivationKind::kSoftsign,
                                  ActivationKind::kElu,        ActivationKind::kSelu,
                                  ActivationKind::kBinaryTanh, ActivationKind::kTernaryTanh};
  int checked = 0, refused = 0;
  for (uint32_t seed = 1; seed <= 600; ++seed) {
    Random r(seed);
    ActivationSpec a;
    a.kind = kinds[seed % 6];
    a.n = r.Int(1, 12);
    a.table_size = r.Int(0, 2) == 0 ? r.Int(2, 3000) : 1 << r.Int(1, 12);
    a.table_type = r.Type(32);
    a.param_type = r.Type(20);
    a.param = r.RandomRaw(a.param_type);
    a.binary_zero_positive = r.Int(0, 1);
    a.binary_bit_result = r.Int(0, 1);
    a.ternary_doubles = r.Int(0, 1);
    const FixedType in = r.Type(), res = r.Type(32);
    const NetworkSpec spec = OneLayer(in, res, a);
    auto net = Network::Create(spec);
    if (!net.ok()) {
      // Only an int index overflow may be refused.
      ASSERT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      ++refused;
      continue;
    }
    for (int sample = 0; sample < 40; ++sample) {
      std::vector<int64_t> x;
      for (int k = 0; k < a.n; ++k) x.push_back(r.RandomRaw(in));
      auto expected = reference::ReferenceRunGraph(spec, {x}, nullptr);
      ASSERT_TRUE(expected.ok()) << expected.status();
      ASSERT_EQ(RunNet(**net, x), (*expected)[0])
          << "seed " << seed << " kind " << static_cast<int>(a.kind) << " in " << in.ToString()
          << " res " << res.ToString() << " table " << a.table_type.ToString() << " x "
          << a.table_size << " param " << a.param_type.ToString() << " x[0] " << x[0] << " flags "
          << a.binary_zero_positive << a.binary_bit_result << a.ternary_doubles;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500 * 40);
  EXPECT_LT(refused, 100);
}

// The same layers in batches through Network::Run (the block path, lanes past the last sample
// included), each after a random-typed layer that only converts (so its input block holds raws of
// an arbitrary type), against the reference.
TEST(TableActivations, RandomTypesInBatchesMatchTheReference) {
  const ActivationKind kinds[] = {ActivationKind::kSoftplus,   ActivationKind::kSoftsign,
                                  ActivationKind::kElu,        ActivationKind::kSelu,
                                  ActivationKind::kBinaryTanh, ActivationKind::kTernaryTanh};
  int checked = 0;
  for (uint32_t seed = 1; seed <= 180; ++seed) {
    Random r(seed);
    ActivationSpec a;
    a.kind = kinds[seed % 6];
    a.n = r.Int(1, 12);
    a.table_size = r.Int(0, 2) == 0 ? r.Int(2, 3000) : 1 << r.Int(1, 12);
    a.table_type = r.Type(32);
    a.param_type = r.Type(20);
    a.param = r.RandomRaw(a.param_type);
    a.binary_zero_positive = r.Int(0, 1);
    a.binary_bit_result = r.Int(0, 1);
    a.ternary_doubles = r.Int(0, 1);
    FixedType in = r.Type(r.Int(0, 3) == 0 ? 48 : 24);
    if (r.Int(0, 3) == 0) in.integer_bits = in.width + r.Int(3, 70);  // F <= -3: index shifts left
    const FixedType res = r.Type(32);
    NetworkSpec spec = OneLayer(in, res, a);
    if (r.Int(0, 1) == 0) {  // a linear layer in front: its result type is the activation's input
      ActivationSpec linear;
      linear.kind = ActivationKind::kLinear;
      linear.n = a.n;
      LayerSpec front;
      front.name = "front";
      front.result_type = in;
      front.op = linear;
      spec.input_type = r.Type(24);
      spec.layers.insert(spec.layers.begin(), front);
    }
    auto net = Network::Create(spec);
    if (!net.ok()) {
      ASSERT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      continue;
    }
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(spec, **net, rng))
        << "seed " << seed << " kind " << static_cast<int>(a.kind) << " in " << in.ToString()
        << " res " << res.ToString();
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

// nnet::embedding: rows by integer inputs; a fractional input shifts the index by its fraction
// times n_out (hls4ml indexes with the ap_fixed sum); outside the table: 0.
TEST(Embedding, ByHand) {
  EmbeddingSpec e;
  e.n_in = 4;
  e.n_out = 2;
  e.vocab_size = 3;
  e.embeddings_type = T(8, 4);  // F = 4
  e.embeddings = {1, 2, 3, 4, 5, 6};
  NetworkSpec s;
  s.input_type = T(8, 6);  // F = 2
  s.input_size = 4;
  LayerSpec l;
  l.name = "embed";
  l.result_type = T(12, 6);  // F = 6: raw = 4 * embedding raw
  l.op = e;
  s.layers.push_back(l);
  auto net = Network::Create(s);
  ASSERT_TRUE(net.ok()) << net.status();
  // x = 2: row 2 (5, 6); x = 0.5: 1 + i -> (2, 3); x = -0.25: -0.5 + i -> k = 0, 0 -> (1, 1);
  // x = 3: beyond the table -> 0.
  EXPECT_EQ(RunNet(**net, {8, 2, -1, 12}), (std::vector<int64_t>{20, 24, 8, 12, 4, 4, 0, 0}));
}

TEST(Embedding, RandomTypesMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    Random r(seed);
    EmbeddingSpec e;
    e.n_in = r.Int(1, 6);
    e.n_out = r.Int(1, 5);
    e.vocab_size = r.Int(1, 40);
    e.embeddings_type = r.Type(32);
    for (int k = 0; k < e.vocab_size * e.n_out; ++k) {
      e.embeddings.push_back(r.RandomRaw(e.embeddings_type));
    }
    // Integer inputs mostly (ap_uint/ap_int), sometimes fractional ones.
    FixedType in = r.Type(16);
    if (r.Int(0, 2) != 0) in.integer_bits = in.width;
    NetworkSpec s;
    s.input_type = in;
    s.input_size = e.n_in;
    LayerSpec l;
    l.name = "embed";
    l.result_type = r.Type(32);
    l.op = e;
    s.layers.push_back(l);
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int sample = 0; sample < 30; ++sample) {
      std::vector<int64_t> x;
      for (int k = 0; k < e.n_in; ++k) {
        x.push_back(r.Int(0, 1)
                        ? r.RandomRaw(in)
                        : std::min<int64_t>(r.Int(0, e.vocab_size - 1),
                                            in.is_signed ? (int64_t{1} << (in.width - 1)) - 1
                                                         : (int64_t{1} << in.width) - 1));
      }
      auto expected = reference::ReferenceRunGraph(s, {x}, nullptr);
      ASSERT_TRUE(expected.ok()) << expected.status();
      ASSERT_EQ(RunNet(**net, x), (*expected)[0]) << "seed " << seed << " in " << in.ToString();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 200 * 30);
}

TEST(Embedding, RandomTypesInBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    Random r(seed);
    EmbeddingSpec e;
    e.n_in = r.Int(1, 6);
    e.n_out = r.Int(1, 5);
    e.vocab_size = r.Int(1, 40);
    e.embeddings_type = r.Type(32);
    for (int k = 0; k < e.vocab_size * e.n_out; ++k) {
      e.embeddings.push_back(r.RandomRaw(e.embeddings_type));
    }
    FixedType in = r.Type(r.Int(0, 3) == 0 ? 48 : 16);
    if (r.Int(0, 2) != 0) in.integer_bits = in.width;
    NetworkSpec s;
    s.input_type = in;
    s.input_size = e.n_in;
    LayerSpec l;
    l.name = "embed";
    l.result_type = r.Type(32);
    l.op = e;
    s.layers.push_back(l);
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng))
        << "seed " << seed << " in " << in.ToString();
  }
}

// nnet::dot1d in batches (Network::Run over every batch size of kBatchSizes: the int64 block form
// where products and sums fit, the per-sample path otherwise) on random types, against the GMP
// reference.
TEST(Dot, RandomTypesInBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    Random r(seed);
    const int n = r.Int(1, 12);
    MergeSpec m;
    m.kind = MergeKind::kDot;
    m.accum_type = r.Type(r.Int(0, 4) == 0 ? 62 : 40);
    NetworkSpec s;
    const int wide = r.Int(0, 4) == 0 ? 40 : 24;
    s.inputs = {TensorSpec{"a", r.Type(wide), n}, TensorSpec{"b", r.Type(), n}};
    LayerSpec l;
    l.name = "dot";
    l.result_type = r.Type(32);
    l.op = m;
    l.inputs = {"a", "b"};
    s.layers.push_back(l);
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng))
        << "seed " << seed << " a " << s.inputs[0].type.ToString() << " b "
        << s.inputs[1].type.ToString() << " accum " << m.accum_type.ToString();
  }
}

// nnet::dot1d: each product into accum_t, summed in accum_t in order, then res_t.
TEST(Dot, RandomTypesMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    Random r(seed);
    const int n = r.Int(1, 12);
    MergeSpec m;
    m.kind = MergeKind::kDot;
    m.accum_type = r.Type(40);
    NetworkSpec s;
    s.inputs = {TensorSpec{"a", r.Type(), n}, TensorSpec{"b", r.Type(), n}};
    LayerSpec l;
    l.name = "dot";
    l.result_type = r.Type(32);
    l.op = m;
    l.inputs = {"a", "b"};
    s.layers.push_back(l);
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int sample = 0; sample < 30; ++sample) {
      std::vector<std::vector<int64_t>> x(2);
      for (int t = 0; t < 2; ++t) {
        for (int k = 0; k < n; ++k) x[t].push_back(r.RandomRaw(s.inputs[t].type));
      }
      auto expected = reference::ReferenceRunGraph(s, x, nullptr);
      ASSERT_TRUE(expected.ok()) << expected.status();
      std::vector<std::vector<uint8_t>> packed(2);
      for (int t = 0; t < 2; ++t) {
        const FixedType& ty = s.inputs[t].type;
        packed[t].resize(n * ty.container_bytes());
        for (int k = 0; k < n; ++k) PackRaw(ty, x[t][k], &packed[t][k * ty.container_bytes()]);
      }
      const uint8_t* ins[] = {packed[0].data(), packed[1].data()};
      std::vector<uint8_t> out((*net)->output_bytes_per_sample());
      uint8_t* outs[] = {out.data()};
      (*net)->Run(ins, outs, 1);
      ASSERT_EQ(UnpackRaw((*net)->output_type(), out.data()), (*expected)[0][0])
          << "seed " << seed << " accum " << m.accum_type.ToString();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 200 * 30);
}

}  // namespace
}  // namespace fpgaas::numerics
