// The recurrent layers (nnet::lstm_stack / gru_stack / bidirectional_stack): hand-computed steps
// (relu activations, so every value is exact and the gate order, the reset-after product, the state
// update and the state's type are checked without tables), and random LSTM/GRU networks against the
// exact reference (reference_network.cc, written from nnet_recurrent.h on GMP rationals).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"
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

std::vector<int64_t> Raws(const FixedType& t, const std::vector<double>& v) {
  std::vector<int64_t> r;
  for (double x : v) r.push_back(Raw(t, x));
  return r;
}

DenseSpec Dense(int n_in, int n_out, const FixedType& w, const FixedType& acc,
                const std::vector<double>& weights, const std::vector<double>& biases) {
  DenseSpec d;
  d.n_in = n_in;
  d.n_out = n_out;
  d.weight_type = w;
  d.bias_type = w;
  d.accum_type = acc;
  d.weights = Raws(w, weights);
  d.biases = Raws(w, biases);
  return d;
}

ActivationSpec Act(ActivationKind kind) {
  ActivationSpec a;
  a.kind = kind;
  return a;
}

NetworkSpec OneLayer(const FixedType& in, int n, const FixedType& res, RecurrentSpec r) {
  NetworkSpec s;
  s.input_type = in;
  s.input_size = n;
  LayerSpec l;
  l.name = "rnn";
  l.result_type = res;
  l.op = std::move(r);
  s.layers.push_back(std::move(l));
  return s;
}

std::vector<double> RunValues(const Network& net, const std::vector<double>& x) {
  const FixedType& it = net.input_type();
  std::vector<uint8_t> in(net.input_bytes_per_sample()), out(net.output_bytes_per_sample());
  for (size_t k = 0; k < x.size(); ++k) {
    PackRaw(it, Raw(it, x[k]), in.data() + k * it.container_bytes());
  }
  net.Run(in.data(), out.data(), 1);
  std::vector<double> y;
  const FixedType& ot = net.output_type();
  for (int k = 0; k < net.output_size(); ++k) {
    y.push_back(ToDouble(ot, UnpackRaw(ot, out.data() + k * ot.container_bytes())));
  }
  return y;
}

const FixedType kData = T(8, 4), kState = T(8, 3), kAccum = T(16, 6);

// LSTM, one unit, two steps, relu for both activations. Gates i, f, g, o:
//   step 1 (x = 1, h = c = 0): a = W x + b = (0.5, 0.5, 1, 1), Wr h = 0
//     c = g i + c f = 0.5;  h = o relu(c) = 0.5
//   step 2 (x = 0.5): a = (0.25, 0.375, 0.5, 0.75), Wr h + br = (0.25, 0, 0.5, -0.125)
//     i = 0.5, f = 0.375, g = 1, o = 0.625;  c = 0.5 + 0.5 * 0.375 = 0.6875
//     h = 0.625 * 0.6875 = 0.4296875 -> ap_fixed<8,3> (TRN) 13/32 = 0.40625
TEST(RecurrentLayers, LstmStepsByHand) {
  RecurrentSpec r;
  r.kind = RecurrentKind::kLstm;
  r.n_in = 1;
  r.n_state = 1;
  r.n_sequence = 2;
  r.return_sequences = true;
  r.accum_type = kAccum;
  r.input_dense = Dense(1, 4, kAccum, kAccum, {0.5, 0.25, 1, 0.5}, {0, 0.25, 0, 0.5});
  r.recurrent_dense = Dense(1, 4, kAccum, kAccum, {0.5, 0, 1, -0.25}, {0, 0, 0, 0});
  r.recurrent_activation = Act(ActivationKind::kRelu);
  r.activation = Act(ActivationKind::kRelu);
  auto net = Network::Create(OneLayer(kData, 2, kState, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {1, 0.5}), (std::vector<double>{0.5, 0.40625}));
  // Only the last step without return_sequences.
  r.return_sequences = false;
  net = Network::Create(OneLayer(kData, 2, kState, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {1, 0.5}), (std::vector<double>{0.40625}));
}

// GRU, one unit, two steps, relu. Blocks z, r, n (Keras), reset after the recurrent product:
//   step 1 (x = 1, h = 0): a = (0.5, 1, 1.25), b = Wr h + br = (0, 0, 0.5)
//     z = 0.5, r = 1, n = relu(1.25 + r * 0.5) = 1.75;  h = n (1 - z) + h z = 0.875
//   step 2 (x = 0.5): a = (0.25, 0.5, 0.75), b = (0.21875, 0.4375, 1.375)
//     z = 0.46875, r = 0.9375, n = 0.75 + 0.9375 * 1.375 = 2.0390625
//     h = 2.0390625 * 0.53125 + 0.875 * 0.46875 = 1.493408203125 -> ap_fixed<8,3> 47/32
// PyTorch order (blocks r, z, n): step 1 r = 0.5, z = 1: n = 1.5, h = 0; step 2 b = br:
//   r = 0.25, z = 0.5, n = 0.75 + 0.125 = 0.875, h = 0.4375.
TEST(RecurrentLayers, GruStepsByHand) {
  RecurrentSpec r;
  r.kind = RecurrentKind::kGru;
  r.n_in = 1;
  r.n_state = 1;
  r.n_sequence = 2;
  r.return_sequences = true;
  r.accum_type = kAccum;
  r.input_dense = Dense(1, 3, kAccum, kAccum, {0.5, 1, 1}, {0, 0, 0.25});
  r.recurrent_dense = Dense(1, 3, kAccum, kAccum, {0.25, 0.5, 1}, {0, 0, 0.5});
  r.recurrent_activation = Act(ActivationKind::kRelu);
  r.activation = Act(ActivationKind::kRelu);
  auto net = Network::Create(OneLayer(kData, 2, kState, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {1, 0.5}), (std::vector<double>{0.875, 47.0 / 32}));
  r.pytorch_order = true;
  net = Network::Create(OneLayer(kData, 2, kState, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {1, 0.5}), (std::vector<double>{0, 0.4375}));
}

// The cell's activation reads c after it is stored in the state type. Tanh table of 8 entries
// over [-4, 4) (index = trunc(x) + 4), every gate relu(bias): i = 2, f = o = 1, g = tanh(1.75),
// i.e. entry 5 = tanh(1) = 779/1024 in ap_fixed<18,8>. c = g * i = 1.521484375:
//   state ap_fixed<16,6>: tanh(c) reads entry 5: h = 779/1024;
//   state ap_fixed<4,1,AP_TRN,AP_SAT>: c saturates to 0.875, tanh(c) reads entry 4: h = 0
//   (tanh of the unrounded c would give h = R(779/1024) = 0.75).
TEST(RecurrentLayers, CellActivationReadsTheStateType) {
  RecurrentSpec r;
  r.kind = RecurrentKind::kLstm;
  r.n_in = 1;
  r.n_state = 1;
  r.n_sequence = 1;
  r.accum_type = kAccum;
  r.input_dense = Dense(1, 4, kAccum, kAccum, {0, 0, 0, 0}, {2, 1, 1.75, 1});
  r.recurrent_dense = Dense(1, 4, kAccum, kAccum, {0, 0, 0, 0}, {0, 0, 0, 0});
  r.recurrent_activation = Act(ActivationKind::kRelu);
  r.activation = Act(ActivationKind::kTanh);
  r.activation.table_size = 8;
  auto net = Network::Create(OneLayer(kData, 1, kAccum, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {0}), (std::vector<double>{779.0 / 1024}));
  const FixedType saturating = T(4, 1, true, Quantization::kTrn, Overflow::kSat);
  net = Network::Create(OneLayer(kData, 1, saturating, r));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(RunValues(**net, {0}), (std::vector<double>{0}));
}

TEST(RecurrentLayers, CreateErrors) {
  RecurrentSpec r;
  r.kind = RecurrentKind::kGru;
  r.n_in = 2;
  r.n_state = 1;
  r.n_sequence = 3;
  r.accum_type = kAccum;
  r.input_dense = Dense(2, 3, kAccum, kAccum, {0, 0, 0, 0, 0, 0}, {0, 0, 0});
  r.recurrent_dense = Dense(1, 3, kAccum, kAccum, {0, 0, 0}, {0, 0, 0});
  r.recurrent_activation = Act(ActivationKind::kSigmoid);
  r.activation = Act(ActivationKind::kTanh);
  EXPECT_TRUE(Network::Create(OneLayer(kData, 6, kState, r)).ok());
  auto wrong_size = Network::Create(OneLayer(kData, 5, kState, r));
  EXPECT_EQ(wrong_size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(wrong_size.status().message().find("n_sequence * n_in = 6"), std::string::npos)
      << wrong_size.status();
  RecurrentSpec gates = r;
  gates.recurrent_dense = Dense(1, 4, kAccum, kAccum, {0, 0, 0, 0}, {0, 0, 0, 0});
  EXPECT_EQ(Network::Create(OneLayer(kData, 6, kState, gates)).status().code(),
            absl::StatusCode::kInvalidArgument);
  RecurrentSpec hard = r;
  hard.recurrent_activation = Act(ActivationKind::kHardSigmoid);
  auto refused = Network::Create(OneLayer(kData, 6, kState, hard));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnimplemented);
}

// The cells' accumulator types: kNarrow 6 to 22 bits; kWide 24 to 40 bits, whose state updates
// need more than 62 bits (the recurrent layers' exact lane-by-lane path on blocks); kCoarse
// kNarrow's with 0 to 6 integer bits more than the width (no fractional bits: table indices
// computed by left shifts).
enum class AccumTypes { kNarrow, kWide, kCoarse };

// Random recurrent networks (LSTM or GRU, then a dense layer) against the reference.
class RandomRecurrent {
 public:
  explicit RandomRecurrent(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  FixedType Type(int min_w = 4, int max_w = 20) {
    FixedType t = T(Int(min_w, max_w), 0, Int(0, 5) != 0);
    t.integer_bits = Int(-1, std::min(t.width, 8));
    if (Int(0, 2) == 0) {
      t.quantization = static_cast<Quantization>(Int(0, 6));
      t.overflow = static_cast<Overflow>(Int(0, 3));
    }
    return t;
  }

  // RandomRaw, or (one in four) the type's minimum or maximum raw.
  int64_t RawOrExtreme(const FixedType& t) {
    const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
    const int64_t hi =
        t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
    switch (Int(0, 7)) {
      case 0:
        return lo;
      case 1:
        return hi;
      default:
        return RandomRaw(t);
    }
  }

  int64_t RandomRaw(const FixedType& t) {
    const int bits = Int(0, 3) == 0 ? std::min(t.width, 4) : t.width;
    const int64_t lo = t.is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    const int64_t hi = t.is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::vector<int64_t> RandomRaws(const FixedType& t, size_t n) {
    std::vector<int64_t> v;
    for (size_t k = 0; k < n; ++k) v.push_back(RandomRaw(t));
    return v;
  }

  DenseSpec RandomDense(int n_in, int n_out) {
    DenseSpec d;
    d.n_in = n_in;
    d.n_out = n_out;
    d.weight_type = Type(2, 12);
    d.bias_type = Type(2, 12);
    d.accum_type = Type(8, 24);
    d.weights = RandomRaws(d.weight_type, static_cast<size_t>(n_in) * n_out);
    d.biases = RandomRaws(d.bias_type, n_out);
    if (Int(0, 2) == 0) {
      d.resource_strategy = true;
      // 1, n_in, n_in * n_out: every output's terms in ascending input order (the dense kernels'
      // order); 2 < n_in dividing n_in: in another order (e.g. 0, 2, 1, 3).
      const int rfs[] = {1, n_in, n_in * n_out, n_in > 2 && n_in % 2 == 0 ? 2 : 1};
      d.reuse_factor = rfs[Int(0, 3)];
    }
    return d;
  }

  ActivationSpec RandomActivation() {
    ActivationSpec a;
    const ActivationKind kinds[] = {ActivationKind::kSigmoid, ActivationKind::kTanh,
                                    ActivationKind::kRelu};
    a.kind = kinds[Int(0, 2)];
    const int sizes[] = {1024, 1024, 64, 100, 4096};
    a.table_size = sizes[Int(0, 4)];
    if (Int(0, 1) == 0) a.table_type = Type(6, 18);
    return a;
  }

  RecurrentSpec Cell(int n_in, int n_sequence, bool return_sequences,
                     AccumTypes accum = AccumTypes::kNarrow) {
    RecurrentSpec r;
    r.kind = Int(0, 1) == 0 ? RecurrentKind::kLstm : RecurrentKind::kGru;
    r.n_in = n_in;
    r.n_state = Int(1, 4);
    r.n_sequence = n_sequence;
    r.return_sequences = return_sequences;
    r.pytorch_order = r.kind == RecurrentKind::kGru && Int(0, 2) == 0;
    r.accum_type = accum == AccumTypes::kWide ? Type(24, 40) : Type(6, 22);
    if (accum == AccumTypes::kCoarse) r.accum_type.integer_bits = r.accum_type.width + Int(0, 6);
    const int gates = (r.kind == RecurrentKind::kLstm ? 4 : 3) * r.n_state;
    r.input_dense = RandomDense(r.n_in, gates);
    r.recurrent_dense = RandomDense(r.n_state, gates);
    r.recurrent_activation = RandomActivation();
    r.activation = RandomActivation();
    return r;
  }

  // An LSTM or GRU, or (bidirectional) a forward and a backward cell of random kinds, then a
  // dense head.
  NetworkSpec Make(bool bidirectional = false, AccumTypes accum = AccumTypes::kNarrow) {
    const int n_in = Int(1, 4), n_sequence = Int(1, 6);
    RecurrentSpec r = Cell(n_in, n_sequence, Int(0, 1) == 0, accum);
    int n_state = r.n_state;
    if (bidirectional) {
      r.backward.push_back(Cell(n_in, n_sequence, r.return_sequences, accum));
      n_state += r.backward.front().n_state;
    }
    NetworkSpec s;
    s.input_type = Type();
    s.input_size = r.n_in * r.n_sequence;
    LayerSpec rnn;
    rnn.name = "rnn";
    rnn.result_type = Type(4, 18);
    const int n_out = (r.return_sequences ? r.n_sequence : 1) * n_state;
    rnn.op = std::move(r);
    s.layers.push_back(std::move(rnn));
    LayerSpec head;
    head.name = "head";
    head.result_type = Type();
    DenseSpec d = RandomDense(n_out, 2);
    d.resource_strategy = false;
    head.op = std::move(d);
    s.layers.push_back(std::move(head));
    return s;
  }

 private:
  std::mt19937 rng_;
};

void ExpectRandomNetworksMatchTheReference(bool bidirectional, int* lstm, int* gru) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    RandomRecurrent g(seed);
    const NetworkSpec spec = g.Make(bidirectional);
    const auto& r = std::get<RecurrentSpec>(spec.layers[0].op);
    ASSERT_EQ(r.backward.size(), bidirectional ? 1u : 0u);
    *(r.kind == RecurrentKind::kLstm ? lstm : gru) += 1;
    if (bidirectional) *(r.backward[0].kind == RecurrentKind::kLstm ? lstm : gru) += 1;
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    const FixedType& it = spec.input_type;
    for (int sample = 0; sample < 30; ++sample) {
      const std::vector<int64_t> x = g.RandomRaws(it, spec.input_size);
      std::vector<std::vector<int64_t>> ref_trace;
      auto expected = reference::ReferenceRunGraph(spec, {x}, &ref_trace);
      ASSERT_TRUE(expected.ok()) << expected.status();
      std::vector<uint8_t> in(x.size() * it.container_bytes());
      for (size_t k = 0; k < x.size(); ++k) PackRaw(it, x[k], in.data() + k * it.container_bytes());
      const std::vector<LayerTrace> trace = (*net)->Trace(in.data());
      ASSERT_EQ(trace.size(), 2u);
      ASSERT_EQ(trace[0].raw, ref_trace[0]) << "seed " << seed << " sample " << sample;
      ASSERT_EQ(trace[1].raw, ref_trace[1]) << "seed " << seed << " sample " << sample;
      std::vector<uint8_t> out((*net)->output_bytes_per_sample());
      (*net)->Run(in.data(), out.data(), 1);
      const FixedType& ot = (*net)->output_type();
      for (int k = 0; k < (*net)->output_size(); ++k) {
        ASSERT_EQ(UnpackRaw(ot, out.data() + k * ot.container_bytes()), (*expected)[0][k])
            << "seed " << seed << " sample " << sample;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 150 * 30);
}

TEST(RecurrentLayers, RandomNetworksMatchTheReference) {
  int lstm = 0, gru = 0;
  ExpectRandomNetworksMatchTheReference(false, &lstm, &gru);
  EXPECT_GT(lstm, 40);
  EXPECT_GT(gru, 40);
}

// nnet::bidirectional_stack: forward and backward cells of every kind pair, against the reference
// written from bidirectional_stack's index arithmetic.
TEST(RecurrentLayers, RandomBidirectionalNetworksMatchTheReference) {
  int lstm = 0, gru = 0;
  ExpectRandomNetworksMatchTheReference(true, &lstm, &gru);
  EXPECT_GT(lstm, 80);
  EXPECT_GT(gru, 80);
}

// Batches through Network::Run: blocks of 16 and 64 lanes (the layers' RunBlock, lanes past the
// batch's end included), tails of fewer than 6 samples one at a time; every sample against the
// reference. Inputs mix random raws with the input type's extremes.
void ExpectBatchesMatchTheReference(bool bidirectional, AccumTypes accum, int seeds) {
  constexpr int kBatches[] = {1, 5, 16, 17, 21, 40, 64, 70, 130};
  constexpr int kMaxBatch = 130;
  for (int seed = 1; seed <= seeds; ++seed) {
    RandomRecurrent g(static_cast<uint32_t>(seed) + (bidirectional ? 3000 : 2000) +
                      500 * static_cast<int>(accum));
    const NetworkSpec spec = g.Make(bidirectional, accum);
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    const FixedType& it = spec.input_type;
    const FixedType& ot = (*net)->output_type();
    const size_t in_bytes = (*net)->input_bytes_per_sample();
    const size_t out_bytes = (*net)->output_bytes_per_sample();
    std::vector<uint8_t> in(kMaxBatch * in_bytes);
    std::vector<std::vector<int64_t>> expected;
    for (int b = 0; b < kMaxBatch; ++b) {
      std::vector<int64_t> x;
      for (int k = 0; k < spec.input_size; ++k) x.push_back(g.RawOrExtreme(it));
      for (size_t k = 0; k < x.size(); ++k) {
        PackRaw(it, x[k], in.data() + b * in_bytes + k * it.container_bytes());
      }
      auto y = reference::ReferenceRunGraph(spec, {x});
      ASSERT_TRUE(y.ok()) << y.status();
      expected.push_back((*y)[0]);
    }
    for (int batch : kBatches) {
      std::vector<uint8_t> out(batch * out_bytes, 0x55);
      (*net)->Run(in.data(), out.data(), batch);
      for (int b = 0; b < batch; ++b) {
        for (int k = 0; k < (*net)->output_size(); ++k) {
          ASSERT_EQ(UnpackRaw(ot, out.data() + b * out_bytes + k * ot.container_bytes()),
                    expected[b][k])
              << "seed " << seed << " batch " << batch << " sample " << b << " output " << k;
        }
      }
    }
  }
}

TEST(RecurrentLayers, RandomNetworksMatchTheReferenceOnBatches) {
  ExpectBatchesMatchTheReference(false, AccumTypes::kNarrow, 150);
}

TEST(RecurrentLayers, RandomBidirectionalNetworksMatchTheReferenceOnBatches) {
  ExpectBatchesMatchTheReference(true, AccumTypes::kNarrow, 100);
}

// State updates wider than 62 bits: RunBlock's exact lane-by-lane step.
TEST(RecurrentLayers, WideStateNetworksMatchTheReferenceOnBatches) {
  ExpectBatchesMatchTheReference(false, AccumTypes::kWide, 30);
  ExpectBatchesMatchTheReference(true, AccumTypes::kWide, 20);
}

TEST(RecurrentLayers, CoarseAccumulatorNetworksMatchTheReferenceOnBatches) {
  ExpectBatchesMatchTheReference(false, AccumTypes::kCoarse, 30);
  ExpectBatchesMatchTheReference(true, AccumTypes::kCoarse, 20);
}

}  // namespace
}  // namespace fpgaas::numerics
