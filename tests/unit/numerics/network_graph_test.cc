// The graph executor (several inputs/outputs, branches) and the layers beyond the dense family,
// held against the exact reference (reference_network.cc) and against hand-computed values.
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

std::vector<uint8_t> Pack(const FixedType& t, const std::vector<int64_t>& raws) {
  std::vector<uint8_t> out(raws.size() * t.container_bytes());
  for (size_t k = 0; k < raws.size(); ++k)
    PackRaw(t, raws[k], out.data() + k * t.container_bytes());
  return out;
}

std::vector<int64_t> Unpack(const FixedType& t, const std::vector<uint8_t>& bytes) {
  std::vector<int64_t> raws;
  for (size_t k = 0; k < bytes.size(); k += t.container_bytes())
    raws.push_back(UnpackRaw(t, bytes.data() + k));
  return raws;
}

// Runs one sample of every input through Network::Run; returns every output's raws.
std::vector<std::vector<int64_t>> RunOne(const Network& net,
                                         const std::vector<std::vector<int64_t>>& inputs) {
  std::vector<std::vector<uint8_t>> in, out;
  std::vector<const uint8_t*> in_ptrs;
  std::vector<uint8_t*> out_ptrs;
  for (int k = 0; k < net.num_inputs(); ++k) in.push_back(Pack(net.input_type(k), inputs[k]));
  for (int k = 0; k < net.num_outputs(); ++k) out.emplace_back(net.output_bytes_per_sample(k));
  for (auto& v : in) in_ptrs.push_back(v.data());
  for (auto& v : out) out_ptrs.push_back(v.data());
  net.Run(in_ptrs.data(), out_ptrs.data(), 1);
  std::vector<std::vector<int64_t>> result;
  for (int k = 0; k < net.num_outputs(); ++k) result.push_back(Unpack(net.output_type(k), out[k]));
  return result;
}

LayerSpec Layer(std::string name, FixedType res, decltype(LayerSpec::op) op,
                std::vector<std::string> inputs = {}) {
  LayerSpec l;
  l.name = std::move(name);
  l.result_type = res;
  l.op = std::move(op);
  l.inputs = std::move(inputs);
  return l;
}

NetworkSpec OneInput(FixedType t, int n, std::vector<LayerSpec> layers) {
  NetworkSpec s;
  s.input_type = t;
  s.input_size = n;
  s.layers = std::move(layers);
  return s;
}

std::vector<int64_t> Ones(const FixedType& t, std::vector<double> v) {
  std::vector<int64_t> r;
  for (double x : v) r.push_back(Raw(t, x));
  return r;
}

TEST(GraphLayers, Conv1DSamePaddingByHand) {
  const FixedType t = T(16, 6), acc = T(16, 6);
  ConvSpec c;
  c.in_width = 4;
  c.n_chan = 1;
  c.filt_width = 3;
  c.n_filt = 1;
  c.pad_left = c.pad_right = 1;
  c.out_width = 4;
  c.weight_type = c.bias_type = c.accum_type = acc;
  c.weights = Ones(t, {1, 2, 3});
  c.biases = Ones(t, {0.5});
  auto net = Network::Create(OneInput(t, 4, {Layer("conv", t, c)}));
  ASSERT_TRUE(net.ok()) << net.status();
  // x = 1 2 3 4, zero padded: y_i = 1*x_{i-1} + 2*x_i + 3*x_{i+1} + 0.5.
  const auto y = RunOne(**net, {Ones(t, {1, 2, 3, 4})})[0];
  EXPECT_EQ(y, Ones(t, {8.5, 14.5, 20.5, 11.5}));
}

TEST(GraphLayers, AveragePoolingTruncatesTowardZero) {
  const FixedType t = T(8, 4);  // 1/16 steps
  PoolingSpec p;
  p.kind = PoolKind::kAverage;
  p.in_width = 3;
  p.n_chan = 1;
  p.pool_width = 3;
  p.stride_width = 3;
  p.out_width = 1;
  p.accum_type = t;
  auto net = Network::Create(OneInput(t, 3, {Layer("pool", t, p)}));
  ASSERT_TRUE(net.ok()) << net.status();
  // Sum -4/16, divided by 3: -1.33 units truncated toward zero = -1/16 (floor would give -2/16).
  EXPECT_EQ(RunOne(**net, {{-2, -1, -1}})[0], (std::vector<int64_t>{-1}));
  EXPECT_EQ(RunOne(**net, {{2, 1, 1}})[0], (std::vector<int64_t>{1}));
  // Max pooling of the same window picks the largest.
  p.kind = PoolKind::kMax;
  auto max_net = Network::Create(OneInput(t, 3, {Layer("pool", t, p)}));
  ASSERT_TRUE(max_net.ok());
  EXPECT_EQ(RunOne(**max_net, {{-2, 5, -1}})[0], (std::vector<int64_t>{5}));
}

TEST(GraphLayers, StreamGlobalPoolingSumsPackByPack) {
  const FixedType t = T(4, 2, true, Quantization::kTrn, Overflow::kSat);  // -2 .. 1.75, 1/4 steps
  PoolingSpec p;
  p.kind = PoolKind::kAverage;
  p.in_width = p.pool_width = p.stride_width = 4;
  p.n_chan = 1;
  p.out_width = 1;
  p.accum_type = t;
  p.window_in_accum = p.sequential_sum = true;
  const std::vector<int64_t> x = Ones(t, {1.5, 1.5, -1.5, -1.5});
  auto one = Network::Create(OneInput(t, 4, {Layer("pool", T(8, 4), p)}));
  ASSERT_TRUE(one.ok()) << one.status();
  // Pixel by pixel: 1.5, sat(3) = 1.75, 0.25, -1.25; / 4 = -0.3125 truncated to -0.25.
  EXPECT_EQ(RunOne(**one, {x})[0], Ones(T(8, 4), {-0.25}));
  p.pixels_per_pack = 2;
  auto two = Network::Create(OneInput(t, 4, {Layer("pool", T(8, 4), p)}));
  ASSERT_TRUE(two.ok()) << two.status();
  // Packs of two: sat(3) = 1.75, then 1.75 + sat(-3) = -0.25; / 4 = -0.0625 truncated to 0.
  EXPECT_EQ(RunOne(**two, {x})[0], Ones(T(8, 4), {0}));
  // Output packs of 1 for 2 channels: every pack holds channel 0 (hls4ml's output loop).
  PoolingSpec m = p;
  m.kind = PoolKind::kMax;
  m.in_width = m.pool_width = m.stride_width = 2;
  m.n_chan = 2;
  m.pixels_per_pack = 1;
  m.output_pack = 1;
  auto max = Network::Create(OneInput(t, 4, {Layer("pool", t, m)}));
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_EQ(RunOne(**max, {Ones(t, {0.5, -1, 0.25, 1})})[0], Ones(t, {0.5, 0.5}));
}

TEST(GraphLayers, StreamUpsamplingAndCroppingByHand) {
  const FixedType t = T(8, 4);
  ResizeSpec r{1, 2, 1, 2, 4};
  for (auto [order, want] :
       {std::pair{ResizeStream::kNone, std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2}},
        std::pair{ResizeStream::kRows, std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2}},
        std::pair{ResizeStream::kPixels, std::vector<double>{1, 1, 1, 1, 2, 2, 2, 2}}}) {
    r.stream = order;
    auto net = Network::Create(OneInput(t, 2, {Layer("up", t, r)}));
    ASSERT_TRUE(net.ok()) << net.status();
    EXPECT_EQ(RunOne(**net, {Ones(t, {1, 2})})[0], Ones(t, want)) << static_cast<int>(order);
  }
  // 3x3 of 1..9, cropped by 1 at the top, left and right: x[1][1], x[2][1].
  const FixedType wide = T(10, 6);
  CroppingSpec c{3, 3, 1, 1, 0, 1, 1};
  auto crop = Network::Create(OneInput(wide, 9, {Layer("crop", T(6, 5), c)}));
  ASSERT_TRUE(crop.ok()) << crop.status();
  EXPECT_EQ(RunOne(**crop, {Ones(wide, {1, 2, 3, 4, 5, 6, 7, 8, 9})})[0], Ones(T(6, 5), {5, 8}));
  c.crop_bottom = 2;  // nothing left
  EXPECT_EQ(Network::Create(OneInput(wide, 9, {Layer("crop", t, c)})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GraphLayers, MergeByHand) {
  const FixedType a = T(8, 4), b = T(10, 3), res = T(12, 6);
  NetworkSpec s;
  s.inputs = {{"a", a, 2}, {"b", b, 2}};
  MergeSpec avg_old;
  avg_old.kind = MergeKind::kAverage;
  avg_old.average_divides = true;
  MergeSpec avg_new;
  avg_new.kind = MergeKind::kAverage;
  MergeSpec cat;
  cat.kind = MergeKind::kConcatenate;
  cat.shape1 = {2, 1};
  cat.shape2 = {2, 1};
  cat.axis = -1;
  s.layers = {Layer("avg_old", res, avg_old, {"a", "b"}),
              Layer("avg_new", T(14, 6), avg_new, {"a", "b"}), Layer("cat", res, cat, {"a", "b"})};
  s.outputs = {"avg_old", "avg_new", "cat"};
  auto net = Network::Create(s);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_EQ((*net)->num_outputs(), 3);
  // a = (-1/16, 1), b = (-1/128, 0.5): sums -9/128 and 1.5.
  const auto y = RunOne(**net, {Ones(a, {-1.0 / 16, 1}), Ones(b, {-1.0 / 128, 0.5})});
  // (a+b)/(res_t)2 keeps the sum's 7 fractional bits, truncating toward zero: -4/128 (not -5).
  EXPECT_EQ(y[0], Ones(res, {-4.0 / 128, 0.75}));
  EXPECT_EQ(y[1], Ones(T(14, 6), {-9.0 / 256, 0.75}));
  // Concatenate along the channels: a0 b0 a1 b1.
  EXPECT_EQ(y[2], Ones(res, {-1.0 / 16, -1.0 / 128, 1, 0.5}));
}

TEST(GraphLayers, ActivationsByHand) {
  const FixedType t = T(16, 6);
  ActivationSpec leaky;
  leaky.kind = ActivationKind::kLeakyRelu;
  leaky.n = 3;
  leaky.param_type = T(16, 6);
  leaky.param = Raw(leaky.param_type, 0.3);  // 0.2998046875
  ActivationSpec relu6;
  relu6.kind = ActivationKind::kReluMax;
  relu6.n = 3;
  relu6.max_value = 6;
  auto net = Network::Create(OneInput(t, 3, {Layer("leaky", t, leaky), Layer("relu6", t, relu6)}));
  ASSERT_TRUE(net.ok()) << net.status();
  const auto trace = (*net)->Trace(Pack(t, Ones(t, {-2, 3, 9})).data());
  ASSERT_EQ(trace.size(), 2u);
  // -2 * 0.2998046875 = -0.599609375, floored to 2^-10: -614/1024.
  EXPECT_EQ(trace[0].raw, (std::vector<int64_t>{-614, 3072, 9216}));
  EXPECT_EQ(trace[1].raw, (std::vector<int64_t>{0, 3072, 6144}));
}

TEST(GraphLayers, GraphErrors) {
  const FixedType t = T(16, 6);
  MergeSpec add;
  NetworkSpec s = OneInput(t, 4, {Layer("add", t, add, {"input", "nope"})});
  EXPECT_EQ(Network::Create(s).status().code(), absl::StatusCode::kInvalidArgument);
  s.layers = {Layer("add", t, add, {"input"})};
  EXPECT_EQ(Network::Create(s).status().code(), absl::StatusCode::kInvalidArgument);
  ConvSpec c;
  c.in_width = 5;  // 5 values but the input has 4
  c.n_chan = 1;
  c.n_filt = 1;
  c.out_width = 5;
  c.weights = {0};
  c.biases = {0};
  s.layers = {Layer("conv", t, c)};
  EXPECT_EQ(Network::Create(s).status().code(), absl::StatusCode::kInvalidArgument);
  s.layers = {Layer("relu", t, ActivationSpec{ActivationKind::kRelu, 4})};
  s.outputs = {"input"};
  EXPECT_EQ(Network::Create(s).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Random graphs against the reference.

struct Shape {
  int h = 1, w = 1, c = 1;
  int size() const { return h * w * c; }
};

class RandomGraph {
 public:
  explicit RandomGraph(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  FixedType Type(bool allow_sat = true) {
    FixedType t = T(Int(6, 18), 0, Int(0, 5) != 0);
    t.integer_bits = Int(1, std::min(t.width, 7));
    t.quantization = static_cast<Quantization>(Int(0, 6));
    t.overflow = allow_sat ? static_cast<Overflow>(Int(0, 3)) : Overflow::kWrap;
    return t;
  }
  // Any type of 1..max_w bits: every Q and O mode, signed or not, I beyond W or negative.
  FixedType AnyType(int max_w) {
    FixedType t = T(Int(1, max_w), 0, Int(0, 4) != 0);
    t.integer_bits = Int(-3, t.width + 4);
    t.quantization = static_cast<Quantization>(Int(0, 6));
    t.overflow = static_cast<Overflow>(Int(0, 3));
    if (t.overflow == Overflow::kWrap && Int(0, 6) == 0)
      t.saturation_bits = Int(1, std::min(t.width, 3));
    return t;
  }
  FixedType SignedType() {
    FixedType t = Type();
    t.is_signed = true;
    return t;
  }

  int64_t RandomRaw(const FixedType& t) {
    // The whole range, or small magnitudes.
    const int bits = Int(0, 3) == 0 ? std::min(t.width, 4) : t.width;
    const int64_t lo = t.is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    const int64_t hi = t.is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  std::vector<int64_t> Raws(const FixedType& t, size_t n) {
    std::vector<int64_t> v;
    for (size_t k = 0; k < n; ++k) v.push_back(RandomRaw(t));
    return v;
  }

  // A convolution's weight, bias and accum types (each from `type`) and its random weights and
  // biases; c's shape must be set.
  template <typename TypeFn>
  void ConvParams(ConvSpec& c, TypeFn type) {
    c.weight_type = type();
    c.bias_type = type();
    c.accum_type = type();
    c.weights = Raws(c.weight_type,
                     static_cast<size_t>(c.filt_height) * c.filt_width * c.n_chan * c.n_filt);
    c.biases = Raws(c.bias_type, c.n_filt);
  }

  // Appends a random single-input layer reading `from` (shape `shape`); returns its name.
  std::string AddLayer(NetworkSpec& s, const std::string& from, FixedType in_type, Shape& shape,
                       FixedType* out_type) {
    const std::string name = "l" + std::to_string(s.layers.size());
    const FixedType res = Type();
    *out_type = res;
    switch (Int(0, 7)) {
      case 0: {  // conv
        ConvSpec c;
        c.in_height = shape.h;
        c.in_width = shape.w;
        c.n_chan = shape.c;
        c.filt_height = Int(1, std::min(3, shape.h));
        c.filt_width = Int(1, std::min(3, shape.w));
        c.n_filt = Int(1, 3);
        c.stride_height = Int(1, 2);
        c.stride_width = Int(1, 2);
        if (Int(0, 1) == 1) {
          c.pad_top = c.filt_height / 2;
          c.pad_bottom = (c.filt_height - 1) / 2;
          c.pad_left = c.filt_width / 2;
          c.pad_right = (c.filt_width - 1) / 2;
        }
        c.out_height = (shape.h + c.pad_top + c.pad_bottom - c.filt_height) / c.stride_height + 1;
        c.out_width = (shape.w + c.pad_left + c.pad_right - c.filt_width) / c.stride_width + 1;
        ConvParams(c, [this] { return Type(); });
        s.layers.push_back(Layer(name, res, c, {from}));
        shape = {c.out_height, c.out_width, c.n_filt};
        break;
      }
      case 1: {  // pooling
        PoolingSpec p;
        p.kind = Int(0, 1) ? PoolKind::kMax : PoolKind::kAverage;
        p.in_height = shape.h;
        p.in_width = shape.w;
        p.n_chan = shape.c;
        p.pool_height = Int(1, std::min(2, shape.h));
        p.pool_width = Int(1, std::min(3, shape.w));
        p.stride_height = Int(1, 2);
        p.stride_width = Int(1, 2);
        if (Int(0, 2) == 0) {
          p.pad_right = p.pool_width - 1;
          p.pad_bottom = p.pool_height - 1;
          p.count_pad = Int(0, 1);
        }
        p.out_height = (shape.h + p.pad_top + p.pad_bottom - p.pool_height) / p.stride_height + 1;
        p.out_width = (shape.w + p.pad_left + p.pad_right - p.pool_width) / p.stride_width + 1;
        p.accum_type = Int(0, 1) ? in_type : Type();
        p.window_in_accum = p.pad_right == 0 && p.pad_bottom == 0 && Int(0, 1);
        p.sequential_sum = p.window_in_accum && Int(0, 1);
        if (!p.window_in_accum && Int(0, 3) == 0) p.average_cast_type = Type();
        if (!p.window_in_accum && Int(0, 3) == 0) p.rescale = RandomRaw(in_type);
        s.layers.push_back(Layer(name, res, p, {from}));
        shape = {p.out_height, p.out_width, shape.c};
        break;
      }
      case 2: {  // zero padding
        PaddingSpec p{shape.h, shape.w, shape.c, Int(0, 1), Int(0, 1), Int(0, 2), Int(0, 1)};
        s.layers.push_back(Layer(name, res, p, {from}));
        shape = {shape.h + p.pad_top + p.pad_bottom, shape.w + p.pad_left + p.pad_right, shape.c};
        break;
      }
      case 3: {  // upsampling: io_parallel, or either stream order
        ResizeSpec r{shape.h, shape.w, shape.c, shape.h * Int(1, 2), shape.w * Int(1, 3)};
        r.stream = static_cast<ResizeStream>(Int(0, 2));
        *out_type = in_type;
        s.layers.push_back(Layer(name, in_type, r, {from}));
        shape = {r.out_height, r.out_width, shape.c};
        break;
      }
      case 5: {  // cropping
        CroppingSpec c{shape.h, shape.w, shape.c};
        c.crop_top = Int(0, (shape.h - 1) / 2);
        c.crop_bottom = Int(0, shape.h - 1 - c.crop_top);
        c.crop_left = Int(0, (shape.w - 1) / 2);
        c.crop_right = Int(0, shape.w - 1 - c.crop_left);
        s.layers.push_back(Layer(name, res, c, {from}));
        shape = {shape.h - c.crop_top - c.crop_bottom, shape.w - c.crop_left - c.crop_right,
                 shape.c};
        break;
      }
      case 6: {  // io_stream global pooling: packs of several pixels in, short packs out
        PoolingSpec p;
        p.kind = Int(0, 1) ? PoolKind::kMax : PoolKind::kAverage;
        p.in_height = p.pool_height = p.stride_height = shape.h;
        p.in_width = p.pool_width = p.stride_width = shape.w;
        p.out_height = p.out_width = 1;
        p.n_chan = shape.c;
        p.accum_type = Int(0, 1) ? in_type : Type();
        p.window_in_accum = p.sequential_sum = true;
        std::vector<int> divisors;
        for (int k = 1; k <= shape.w; ++k) {
          if (shape.w % k == 0) divisors.push_back(k);
        }
        p.pixels_per_pack = divisors[Int(0, static_cast<int>(divisors.size()) - 1)];
        p.output_pack = Int(0, 1) ? 0 : shape.c % 2 == 0 ? Int(1, 2) : 1;
        s.layers.push_back(Layer(name, res, p, {from}));
        shape = {1, 1, shape.c};
        break;
      }
      default: {  // an activation
        ActivationSpec a;
        a.n = shape.size();
        const int k = Int(0, 6);
        a.kind = k == 0   ? ActivationKind::kLeakyRelu
                 : k == 1 ? ActivationKind::kThresholdedRelu
                 : k == 2 ? ActivationKind::kReluMax
                 : k == 3 ? ActivationKind::kPRelu
                 : k == 4 ? ActivationKind::kHardSigmoid
                 : k == 5 ? ActivationKind::kHardTanh
                          : ActivationKind::kRelu;
        a.param_type = Type();
        a.param = RandomRaw(a.param_type);
        a.params = Raws(a.param_type, a.n);
        a.max_value = Int(0, 1) ? 6 : 1;
        a.slope_type = Type();
        a.slope = RandomRaw(a.slope_type);
        a.shift_type = Type();
        a.shift = RandomRaw(a.shift_type);
        s.layers.push_back(Layer(name, res, a, {from}));
        break;
      }
    }
    return name;
  }

  // Two inputs of the same shape, a branch on each, a merge, and a dense tail; two outputs.
  NetworkSpec Make() {
    NetworkSpec s;
    Shape shape{Int(1, 5), Int(2, 6), Int(1, 3)};
    const FixedType in_a = Type(), in_b = Type();
    s.inputs = {{"in_a", in_a, shape.size()}, {"in_b", in_b, shape.size()}};
    Shape sa = shape, sb = shape;
    FixedType ta = in_a, tb = in_b;
    std::string a = "in_a", b = "in_b";
    for (int k = Int(1, 3); k > 0; --k) a = AddLayer(s, a, ta, sa, &ta);
    // The second branch ends in the first branch's shape: only element-wise layers there.
    ActivationSpec act{ActivationKind::kRelu, sb.size()};
    s.layers.push_back(Layer("relu_b", Type(), act, {b}));
    tb = s.layers.back().result_type;
    b = "relu_b";
    MergeSpec m;
    const int kind = Int(0, 6);
    m.kind = static_cast<MergeKind>(kind);
    m.average_divides = Int(0, 1);
    m.shape1 = {sa.h, sa.w, sa.c};
    m.shape2 = {sb.h, sb.w, sb.c};
    m.axis = -1;
    if (m.kind != MergeKind::kConcatenate && sa.size() != sb.size())
      m.kind = MergeKind::kConcatenate;
    if (m.kind == MergeKind::kConcatenate) {
      const int dims_a[] = {sa.h, sa.w, sa.c}, dims_b[] = {sb.h, sb.w, sb.c};
      std::vector<int> axes;  // axes along which the shapes may be joined
      for (int d = 0; d < 3; ++d) {
        bool same = true;
        for (int e = 0; e < 3; ++e) same = same && (e == d || dims_a[e] == dims_b[e]);
        if (same) axes.push_back(d);
      }
      if (axes.empty()) {
        m.shape1 = {sa.size()};
        m.shape2 = {sb.size()};
        m.axis = 0;
      } else {
        m.axis = axes[Int(0, static_cast<int>(axes.size()) - 1)];
        if (m.axis == 2 && Int(0, 1)) m.axis = -1;
      }
    }
    FixedType merge_res = Type();
    if (m.kind == MergeKind::kAverage && m.average_divides) {
      merge_res.integer_bits = std::max(merge_res.integer_bits, 3);  // (res_t)2 must not be 0
      merge_res.overflow = Overflow::kWrap;
    }
    s.layers.push_back(Layer("merge", merge_res, m, {a, b}));
    const int merged = m.kind == MergeKind::kConcatenate ? sa.size() + sb.size() : sa.size();
    DenseSpec d;
    d.n_in = merged;
    d.n_out = Int(1, 4);
    d.weight_type = Type();
    d.bias_type = Type();
    d.accum_type = Type();
    d.weights = Raws(d.weight_type, static_cast<size_t>(d.n_in) * d.n_out);
    d.biases = Raws(d.bias_type, d.n_out);
    s.layers.push_back(Layer("dense", Type(), d, {"merge"}));
    s.outputs = {"dense", a};
    return s;
  }

 private:
  std::mt19937 rng_;
};

TEST(GraphLayers, RandomGraphsMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    RandomGraph g(seed);
    NetworkSpec spec = g.Make();
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    for (int sample = 0; sample < 40; ++sample) {
      std::vector<std::vector<int64_t>> inputs;
      for (const TensorSpec& t : spec.inputs) inputs.push_back(g.Raws(t.type, t.size));
      std::vector<std::vector<int64_t>> ref_trace;
      auto expected = reference::ReferenceRunGraph(spec, inputs, &ref_trace);
      ASSERT_TRUE(expected.ok()) << expected.status();
      const auto got = RunOne(**net, inputs);
      ASSERT_EQ(got, *expected) << "seed " << seed << " sample " << sample;
      if (sample == 0) {
        std::vector<std::vector<uint8_t>> packed;
        std::vector<const uint8_t*> ptrs;
        for (size_t k = 0; k < inputs.size(); ++k)
          packed.push_back(Pack(spec.inputs[k].type, inputs[k]));
        for (auto& p : packed) ptrs.push_back(p.data());
        const std::vector<LayerTrace> trace = (*net)->Trace(ptrs.data());
        ASSERT_EQ(trace.size(), ref_trace.size());
        for (size_t k = 0; k < trace.size(); ++k) {
          EXPECT_EQ(trace[k].raw, ref_trace[k]) << "seed " << seed << " layer " << trace[k].name;
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60 * 40);
}

// Batches of graph networks run as blocks of 64 and 16 samples on the vectorized paths (conv and
// dense on the dense kernels, pooling, padding, resize, merges and activations row by row); the
// exact per-sample path is the reference. Inputs: a quarter each type's minimum, a quarter its
// maximum, the rest random (whole range or small), so blocks mix extremes in every lane.
TEST(GraphLayers, BlocksOfSamplesMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 101; seed <= 220; ++seed) {
    RandomGraph g(seed);
    NetworkSpec spec = g.Make();
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    const int batch = 64 + 10;  // one full block, then a 16-lane block holding 10 samples
    std::vector<std::vector<uint8_t>> in(spec.inputs.size()), out(2);
    std::vector<std::vector<std::vector<int64_t>>> samples;
    for (int b = 0; b < batch; ++b) {
      samples.emplace_back();
      for (size_t k = 0; k < spec.inputs.size(); ++k) {
        const FixedType& t = spec.inputs[k].type;
        std::vector<int64_t> raws = g.Raws(t, spec.inputs[k].size);
        for (int64_t& r : raws) {
          const int pick = g.Int(0, 3);
          if (pick == 0) r = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
          if (pick == 1)
            r = t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
        }
        const auto p = Pack(t, raws);
        in[k].insert(in[k].end(), p.begin(), p.end());
        samples.back().push_back(std::move(raws));
      }
    }
    for (int k = 0; k < 2; ++k) out[k].resize(batch * (*net)->output_bytes_per_sample(k));
    const uint8_t* in_ptrs[] = {in[0].data(), in[1].data()};
    uint8_t* out_ptrs[] = {out[0].data(), out[1].data()};
    (*net)->Run(in_ptrs, out_ptrs, batch);
    for (int b = 0; b < batch; ++b) {
      auto expected = reference::ReferenceRunGraph(spec, samples[b], nullptr);
      ASSERT_TRUE(expected.ok()) << expected.status();
      for (int k = 0; k < 2; ++k) {
        const size_t bytes = (*net)->output_bytes_per_sample(k);
        std::vector<uint8_t> slice(out[k].begin() + b * bytes, out[k].begin() + (b + 1) * bytes);
        ASSERT_EQ(Unpack((*net)->output_type(k), slice), (*expected)[k])
            << "seed " << seed << " sample " << b << " output " << k;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 120 * 74);
}

// Single-input chains of 3 to 6 graph layers (conv, pooling, padding, upsampling, activations)
// at batch 80 (a 64-sample block and a full 16-lane one), extremes as above.
TEST(GraphLayers, BlockChainsMatchTheReference) {
  int checked = 0;
  for (uint32_t seed = 301; seed <= 500; ++seed) {
    RandomGraph g(seed);
    NetworkSpec spec;
    Shape shape{g.Int(1, 5), g.Int(2, 6), g.Int(1, 3)};
    FixedType t = g.Type();
    spec.inputs = {{"in", t, shape.size()}};
    std::string from = "in";
    for (int k = g.Int(3, 6); k > 0; --k) from = g.AddLayer(spec, from, t, shape, &t);
    auto net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    const int batch = 80;
    const FixedType& it = spec.inputs[0].type;
    std::vector<uint8_t> in, out(batch * (*net)->output_bytes_per_sample());
    std::vector<std::vector<int64_t>> samples;
    for (int b = 0; b < batch; ++b) {
      std::vector<int64_t> raws = g.Raws(it, spec.inputs[0].size);
      for (int64_t& r : raws) {
        const int pick = g.Int(0, 3);
        if (pick == 0) r = it.is_signed ? -(int64_t{1} << (it.width - 1)) : 0;
        if (pick == 1)
          r = it.is_signed ? (int64_t{1} << (it.width - 1)) - 1 : (int64_t{1} << it.width) - 1;
      }
      const auto p = Pack(it, raws);
      in.insert(in.end(), p.begin(), p.end());
      samples.push_back(std::move(raws));
    }
    (*net)->Run(in.data(), out.data(), batch);
    const size_t bytes = (*net)->output_bytes_per_sample();
    for (int b = 0; b < batch; ++b) {
      auto expected = reference::ReferenceRunGraph(spec, {samples[b]}, nullptr);
      ASSERT_TRUE(expected.ok()) << expected.status();
      std::vector<uint8_t> slice(out.begin() + b * bytes, out.begin() + (b + 1) * bytes);
      ASSERT_EQ(Unpack((*net)->output_type(), slice), (*expected)[0])
          << "seed " << seed << " sample " << b;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 200 * 80);
}

// A convolution and a dense layer (one per network input, so the network is a graph), each
// followed by a batch norm and/or a relu; a relu right after the kernel runs in the kernel's
// epilogue on the block path (FuseEpilogues) unless the kernel's own result is also a network
// output (it must stay materialized). Narrow types (int32-lane kernels) and sometimes a wide
// accumulator or results (int64 lanes; results beyond int32); every batch size of kBatchSizes.
TEST(GraphLayers, BatchNormAndReluAfterKernelsMatchTheReference) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    RandomGraph g(seed);
    std::mt19937 rng(seed);
    auto type = [&] {
      if (g.Int(0, 3) != 0) return g.Type();
      FixedType t = g.Type();
      t.width = g.Int(30, 40);
      t.integer_bits = g.Int(8, 16);
      return t;
    };
    NetworkSpec s;
    const Shape shape{g.Int(1, 4), g.Int(2, 6), g.Int(1, 3)};
    s.inputs = {{"img", g.Type(), shape.size()}, {"vec", g.Type(), g.Int(1, 8)}};
    // After `from` (n values, `period` filters): a batch norm (per filter or per value) and/or a
    // relu.
    // seed % 4: 0 and 3 a relu, 1 a batch norm and a relu, 2 a batch norm.
    auto follow = [&](std::string from, int n, int period) {
      const std::string prefix = from;
      if (seed % 4 == 1 || seed % 4 == 2) {
        BatchNormSpec b;
        b.n = n;
        b.scale_type = g.Type();
        b.bias_type = g.Type();
        b.product_in_result_type = g.Int(0, 3) == 0;
        const bool per_value = g.Int(0, 3) == 0;
        const std::vector<int64_t> scale = g.Raws(b.scale_type, period);
        const std::vector<int64_t> bias = g.Raws(b.bias_type, period);
        for (int k = 0; k < n; ++k) {
          b.scale.push_back(per_value ? g.RandomRaw(b.scale_type) : scale[k % period]);
          b.bias.push_back(per_value ? g.RandomRaw(b.bias_type) : bias[k % period]);
        }
        s.layers.push_back(Layer(prefix + "_bn", type(), b, {from}));
        from = prefix + "_bn";
      }
      if (seed % 4 != 2) {
        ActivationSpec relu;
        relu.kind = ActivationKind::kRelu;
        relu.n = n;
        // Sometimes results beyond int32 (wide, many fractional bits).
        FixedType res = g.Type();
        if (g.Int(0, 2) == 0) {
          res.width = g.Int(34, 44);
          res.integer_bits = g.Int(2, 10);
        }
        s.layers.push_back(Layer(prefix + "_relu", res, relu, {from}));
        from = prefix + "_relu";
      }
      return from;
    };
    ConvSpec c;
    c.in_height = shape.h;
    c.in_width = shape.w;
    c.n_chan = shape.c;
    c.filt_height = g.Int(1, std::min(3, shape.h));
    c.filt_width = g.Int(1, std::min(3, shape.w));
    c.n_filt = g.Int(1, 4);
    c.stride_height = c.stride_width = 1;
    c.out_height = shape.h - c.filt_height + 1;
    c.out_width = shape.w - c.filt_width + 1;
    g.ConvParams(c, type);
    s.layers.push_back(Layer("conv", g.Type(), c, {"img"}));
    const std::string img_out = follow("conv", c.out_height * c.out_width * c.n_filt, c.n_filt);
    DenseSpec d;
    d.n_in = s.inputs[1].size;
    d.n_out = g.Int(1, 6);
    d.weight_type = g.Type();
    d.bias_type = g.Type();
    d.accum_type = type();
    d.weights = g.Raws(d.weight_type, static_cast<size_t>(d.n_in) * d.n_out);
    d.biases = g.Raws(d.bias_type, d.n_out);
    s.layers.push_back(Layer("dense", type(), d, {"vec"}));
    const std::string vec_out = follow("dense", d.n_out, d.n_out);
    s.outputs = {img_out, vec_out};
    if (seed % 8 >= 4) s.outputs.push_back("conv");
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng)) << "seed " << seed;
  }
}

// Element-wise merges (add, subtract, multiply, average by halving and by division, maximum,
// minimum; the second input sometimes one value broadcast) on random types (every Q/O mode, 1 to
// 24 bits, sometimes to 62: the per-lane fallback) in batches (Network::Run over every batch size
// of kBatchSizes: the block path and one sample at a time), against the GMP reference.
TEST(GraphLayers, MergesInBatchesMatchTheReference) {
  const MergeKind kinds[] = {MergeKind::kAdd,     MergeKind::kSubtract, MergeKind::kMultiply,
                             MergeKind::kAverage, MergeKind::kMaximum,  MergeKind::kMinimum,
                             MergeKind::kAverage};
  int created = 0;
  for (uint32_t seed = 1; seed <= 280; ++seed) {
    RandomGraph g(seed);
    MergeSpec m;
    m.kind = kinds[seed % 7];
    m.average_divides = seed % 7 == 6;
    const int n = g.Int(1, 8);
    const int n2 = g.Int(0, 4) == 0 ? 1 : n;
    const int max_w = g.Int(0, 4) == 0 ? 62 : 24;
    NetworkSpec s;
    s.inputs = {{"a", g.AnyType(max_w), n}, {"b", g.AnyType(max_w), n2}};
    s.layers.push_back(Layer("merge", g.AnyType(g.Int(0, 4) == 0 ? 62 : 24), m, {"a", "b"}));
    s.outputs = {"merge"};
    auto net = Network::Create(s);
    if (!net.ok()) {  // too wide, or (res_t)2 == 0 for the division
      EXPECT_TRUE(net.status().code() == absl::StatusCode::kUnimplemented ||
                  (m.average_divides && net.status().code() == absl::StatusCode::kInvalidArgument))
          << net.status();
      continue;
    }
    ++created;
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng))
        << "seed " << seed << " kind " << static_cast<int>(m.kind) << " a "
        << s.inputs[0].type.ToString() << " b " << s.inputs[1].type.ToString() << " res "
        << s.layers[0].result_type.ToString();
  }
  EXPECT_GE(created, 240);
}

// Dense layers on two inputs, a merge of their results, an activation with a block form and a
// dense head: a graph whose every layer takes wide blocks (int32-lane dense kernels split into
// 64-lane parts, element-wise rows), so batches of 128 or more run as 128-lane blocks with the
// arena's buffers sharing memory (Network::Impl::PlanArena; a concatenation's inputs placed in
// its own buffer); every batch size of kBatchSizes against the GMP reference, the merge's result
// a second output.
TEST(GraphLayers, DenseAndMergeGraphsInWideBlocksMatchTheReference) {
  const MergeKind kinds[] = {MergeKind::kAdd, MergeKind::kMultiply, MergeKind::kMaximum,
                             MergeKind::kConcatenate};
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    RandomGraph g(seed);
    NetworkSpec s;
    const int n = g.Int(1, 6);
    s.inputs = {{"a", g.Type(), g.Int(1, 8)}, {"b", g.Type(), g.Int(1, 8)}};
    // A concatenation of one type into itself moves nothing: its inputs share its buffer.
    const bool concatenate = kinds[seed % 4] == MergeKind::kConcatenate;
    const FixedType joined = g.Type();
    auto dense = [&](const std::string& name, const std::string& from, int n_in, int n_out) {
      DenseSpec d;
      d.n_in = n_in;
      d.n_out = n_out;
      d.weight_type = g.Type();
      d.bias_type = g.Type();
      d.accum_type = g.Type(/*allow_sat=*/seed % 2 == 0);
      d.weight_type.width = std::min(d.weight_type.width, 10);  // int32-lane kernels
      d.weight_type.integer_bits = std::min(d.weight_type.integer_bits, d.weight_type.width);
      d.weights = g.Raws(d.weight_type, static_cast<size_t>(n_in) * n_out);
      d.biases = g.Raws(d.bias_type, n_out);
      const FixedType res = g.Type();
      s.layers.push_back(Layer(name, concatenate && name != "head" ? joined : res, d, {from}));
    };
    dense("dense_a", "a", s.inputs[0].size, n);
    dense("dense_b", "b", s.inputs[1].size, n);
    MergeSpec m;
    m.kind = kinds[seed % 4];
    if (m.kind == MergeKind::kConcatenate) {
      m.shape1 = {n};
      m.shape2 = {n};
    }
    const FixedType merged_type = g.Type();
    s.layers.push_back(
        Layer("merge", concatenate ? joined : merged_type, m, {"dense_a", "dense_b"}));
    const int merged = m.kind == MergeKind::kConcatenate ? 2 * n : n;
    ActivationSpec act;
    act.kind = seed % 3 == 0 ? ActivationKind::kThresholdedRelu : ActivationKind::kLeakyRelu;
    act.n = merged;
    act.param_type = g.Type();
    act.param = g.RandomRaw(act.param_type);
    // Every other activation keeps the merge's type (its conversion is the identity).
    const FixedType act_type = g.Type();
    s.layers.push_back(
        Layer("act", seed % 2 == 0 ? s.layers.back().result_type : act_type, act, {"merge"}));
    dense("head", "act", merged, g.Int(1, 5));
    s.outputs = {"head", "merge"};
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << "seed " << seed << ": " << net.status();
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng)) << "seed " << seed;
  }
}

// Convolutions at every batch size of kBatchSizes (the block path: the zero-padded input image in
// int32 or int64 lanes, window rows copied or read in place) against the GMP reference: 1-D and
// 2-D geometries, strides 1-3, padding on any side, windows spanning the padded width, and types
// of 2 to 40 bits in every Q and O mode (so every dense kernel: kWrap32, kFast32, kFast64 with and
// without 32-bit operands, and the exact fallback). Inputs mix each type's minimum and maximum.
TEST(GraphLayers, ConvBlocksMatchTheReference) {
  int created = 0;
  for (uint32_t seed = 1; seed <= 160; ++seed) {
    RandomGraph g(seed);
    auto type = [&]() {
      const int band = g.Int(0, 2);
      FixedType t = T(band == 0   ? g.Int(2, 16)
                      : band == 1 ? g.Int(17, 31)
                                  : g.Int(32, 40),
                      0, g.Int(0, 4) != 0);
      t.integer_bits = g.Int(-2, t.width + 3);
      t.quantization = static_cast<Quantization>(g.Int(0, 6));
      t.overflow = static_cast<Overflow>(g.Int(0, 3));
      return t;
    };
    ConvSpec c;
    const bool one_d = g.Int(0, 2) == 0;
    c.in_height = one_d ? 1 : g.Int(1, 5);
    c.in_width = g.Int(1, 7);
    c.n_chan = g.Int(1, 3);
    c.pad_top = one_d ? 0 : g.Int(0, 2);
    c.pad_bottom = one_d ? 0 : g.Int(0, 2);
    c.pad_left = g.Int(0, 2) == 0 ? g.Int(1, 2) : 0;
    c.pad_right = g.Int(0, 2) == 0 ? g.Int(1, 2) : 0;
    const int padded_h = c.in_height + c.pad_top + c.pad_bottom;
    const int padded_w = c.in_width + c.pad_left + c.pad_right;
    c.filt_height = g.Int(1, std::min(3, padded_h));
    c.filt_width = g.Int(0, 3) == 0 ? padded_w : g.Int(1, std::min(4, padded_w));
    c.n_filt = g.Int(1, 4);
    c.stride_height = g.Int(1, 3);
    c.stride_width = g.Int(1, 3);
    c.out_height = (padded_h - c.filt_height) / c.stride_height + 1;
    c.out_width = (padded_w - c.filt_width) / c.stride_width + 1;
    const FixedType in = type();
    g.ConvParams(c, type);
    NetworkSpec s = OneInput(in, c.in_height * c.in_width * c.n_chan, {Layer("conv", type(), c)});
    auto net = Network::Create(s);
    if (!net.ok()) {  // a product too wide for the exact path
      EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      continue;
    }
    ++created;
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng))
        << "seed " << seed << " in " << in.ToString() << " w " << c.weight_type.ToString()
        << " acc " << c.accum_type.ToString() << " " << c.in_height << "x" << c.in_width << "x"
        << c.n_chan << " filt " << c.filt_height << "x" << c.filt_width << " stride "
        << c.stride_height << "x" << c.stride_width << " pad " << c.pad_top << c.pad_bottom
        << c.pad_left << c.pad_right;
  }
  EXPECT_GE(created, 150);
}

// Convolutions reading through chains of 1 to 3 moves (zero padding, cropping, upsampling), at
// every batch size of kBatchSizes against the reference. A move whose conversion keeps every raw
// (its own type, under any Q/O modes but AP_SAT_SYM, or a wider one) is read through by the layer
// after it when that layer reads it alone (the block path skips it); a move to another type, a
// move's output that is also a network output, and a conv with no such form run as layers. Seeds
// 1-120 in four shards of 30 (separate ctest cases: under ASan the whole took 475 s of ctest's
// 600 s limit on a 2-core VM).
class ConvsReadingThroughMovesTest : public testing::TestWithParam<uint32_t> {};

TEST_P(ConvsReadingThroughMovesTest, MatchTheReference) {
  const uint32_t first = 1 + 30 * GetParam();
  for (uint32_t seed = first; seed < first + 30; ++seed) {
    RandomGraph g(seed);
    auto type = [&]() { return g.AnyType(g.Int(0, 3) == 0 ? 36 : 16); };
    Shape shape{g.Int(1, 4), g.Int(1, 6), g.Int(1, 3)};
    FixedType t = type();
    NetworkSpec s;
    s.inputs = {{"in", t, shape.size()}};
    std::string from = "in";
    std::vector<std::string> moves;
    auto add_moves = [&](int n) {
      for (int k = 0; k < n; ++k) {
        FixedType res = t;  // the raws kept, under other Q/O modes half the time
        if (g.Int(0, 1) == 0) {
          res.quantization = static_cast<Quantization>(g.Int(0, 6));
          res.overflow = static_cast<Overflow>(g.Int(0, 3));
        }
        if (g.Int(0, 4) == 0) res = type();
        const std::string name = "move" + std::to_string(s.layers.size());
        switch (g.Int(0, 2)) {
          case 0: {
            PaddingSpec p{shape.h,     shape.w,     shape.c,    g.Int(0, 1),
                          g.Int(0, 1), g.Int(0, 2), g.Int(0, 2)};
            s.layers.push_back(Layer(name, res, p, {from}));
            shape = {shape.h + p.pad_top + p.pad_bottom, shape.w + p.pad_left + p.pad_right,
                     shape.c};
            break;
          }
          case 1: {
            CroppingSpec c{shape.h, shape.w, shape.c};
            c.crop_top = g.Int(0, (shape.h - 1) / 2);
            c.crop_bottom = g.Int(0, shape.h - 1 - c.crop_top);
            c.crop_left = g.Int(0, (shape.w - 1) / 2);
            c.crop_right = g.Int(0, shape.w - 1 - c.crop_left);
            s.layers.push_back(Layer(name, res, c, {from}));
            shape = {shape.h - c.crop_top - c.crop_bottom, shape.w - c.crop_left - c.crop_right,
                     shape.c};
            break;
          }
          default: {
            ResizeSpec r{shape.h, shape.w, shape.c, shape.h * g.Int(1, 2), shape.w * g.Int(1, 3)};
            r.stream = static_cast<ResizeStream>(g.Int(0, 2));
            s.layers.push_back(Layer(name, res, r, {from}));
            shape = {r.out_height, r.out_width, shape.c};
          }
        }
        t = res;
        from = name;
        moves.push_back(name);
      }
    };
    auto add_conv = [&]() {
      ConvSpec c;
      c.in_height = shape.h;
      c.in_width = shape.w;
      c.n_chan = shape.c;
      c.filt_height = g.Int(1, std::min(3, shape.h));
      c.filt_width = g.Int(1, std::min(3, shape.w));
      c.n_filt = g.Int(1, 3);
      c.stride_height = g.Int(1, 2);
      c.stride_width = g.Int(1, 2);
      if (g.Int(0, 2) == 0) {
        c.pad_left = c.filt_width / 2;
        c.pad_right = (c.filt_width - 1) / 2;
      }
      c.out_height = (shape.h - c.filt_height) / c.stride_height + 1;
      c.out_width = (shape.w + c.pad_left + c.pad_right - c.filt_width) / c.stride_width + 1;
      g.ConvParams(c, type);
      const std::string name = "conv" + std::to_string(s.layers.size());
      t = type();
      s.layers.push_back(Layer(name, t, c, {from}));
      shape = {c.out_height, c.out_width, c.n_filt};
      from = name;
    };
    add_moves(g.Int(1, 3));
    add_conv();
    if (g.Int(0, 2) == 0) {
      add_moves(g.Int(1, 2));
      add_conv();
    }
    if (g.Int(0, 3) == 0) s.outputs = {from, moves[g.Int(0, static_cast<int>(moves.size()) - 1)]};
    auto net = Network::Create(s);
    if (!net.ok()) {  // a product too wide for the exact path
      EXPECT_EQ(net.status().code(), absl::StatusCode::kUnimplemented) << net.status();
      continue;
    }
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng)) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, ConvsReadingThroughMovesTest, testing::Range(0u, 4u));

// Pooling at every batch size of kBatchSizes (the block path: every channel of an output pixel at
// once) against the GMP reference: max and average, io_parallel (padding, count_pad) and io_stream
// (the window in accum_t, nnet::reduce's tree over windows of up to 16 pixels, pack-sequential
// sums), types of 2 to 40 bits in every Q and O mode.
TEST(GraphLayers, PoolingBlocksMatchTheReference) {
  int created = 0;
  for (uint32_t seed = 1; seed <= 160; ++seed) {
    RandomGraph g(seed);
    auto type = [&]() {
      FixedType t = T(g.Int(0, 3) == 0 ? g.Int(21, 40) : g.Int(2, 20), 0, g.Int(0, 4) != 0);
      t.integer_bits = g.Int(-2, t.width + 3);
      t.quantization = static_cast<Quantization>(g.Int(0, 6));
      t.overflow = static_cast<Overflow>(g.Int(0, 3));
      return t;
    };
    PoolingSpec p;
    p.kind = g.Int(0, 1) ? PoolKind::kMax : PoolKind::kAverage;
    p.in_height = g.Int(1, 5);
    p.in_width = g.Int(1, 6);
    p.n_chan = g.Int(1, 3);
    p.window_in_accum = g.Int(0, 1);
    p.pool_height = g.Int(1, std::min(4, p.in_height));
    p.pool_width = g.Int(1, std::min(4, p.in_width));
    if (!p.window_in_accum && g.Int(0, 1)) {  // less than a window: none is all padding
      p.pad_top = g.Int(0, p.pool_height - 1);
      p.pad_bottom = g.Int(0, p.pool_height - 1);
      p.pad_left = g.Int(0, p.pool_width - 1);
      p.pad_right = g.Int(0, p.pool_width - 1);
      p.count_pad = g.Int(0, 1);
    }
    p.sequential_sum = p.window_in_accum && g.Int(0, 1);
    const int padded_h = p.in_height + p.pad_top + p.pad_bottom;
    const int padded_w = p.in_width + p.pad_left + p.pad_right;
    p.stride_height = g.Int(1, 3);
    p.stride_width = g.Int(1, 3);
    p.out_height = (padded_h - p.pool_height) / p.stride_height + 1;
    p.out_width = (padded_w - p.pool_width) / p.stride_width + 1;
    const FixedType in = type();
    p.accum_type = g.Int(0, 2) == 0 ? in : type();
    NetworkSpec s = OneInput(in, p.in_height * p.in_width * p.n_chan, {Layer("pool", type(), p)});
    auto net = Network::Create(s);
    ASSERT_TRUE(net.ok()) << net.status();
    ++created;
    std::mt19937 rng(seed);
    EXPECT_TRUE(batch_check::BatchesMatchReference(s, **net, rng))
        << "seed " << seed << " in " << in.ToString() << " acc " << p.accum_type.ToString()
        << " kind " << static_cast<int>(p.kind) << " stream " << p.window_in_accum << " window "
        << p.pool_height << "x" << p.pool_width;
  }
  EXPECT_EQ(created, 160);
}

TEST(GraphLayers, BatchesAreSamplesBackToBack) {
  RandomGraph g(1234);
  NetworkSpec spec = g.Make();
  auto net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const int batch = 7;
  std::vector<std::vector<uint8_t>> in(2), out(2);
  std::vector<std::vector<std::vector<int64_t>>> samples;
  for (int b = 0; b < batch; ++b) {
    samples.push_back({g.Raws(spec.inputs[0].type, spec.inputs[0].size),
                       g.Raws(spec.inputs[1].type, spec.inputs[1].size)});
    for (int k = 0; k < 2; ++k) {
      const auto p = Pack(spec.inputs[k].type, samples.back()[k]);
      in[k].insert(in[k].end(), p.begin(), p.end());
    }
  }
  for (int k = 0; k < 2; ++k) out[k].resize(batch * (*net)->output_bytes_per_sample(k));
  const uint8_t* in_ptrs[] = {in[0].data(), in[1].data()};
  uint8_t* out_ptrs[] = {out[0].data(), out[1].data()};
  (*net)->Run(in_ptrs, out_ptrs, batch);
  for (int b = 0; b < batch; ++b) {
    const auto one = RunOne(**net, samples[b]);
    for (int k = 0; k < 2; ++k) {
      const size_t bytes = (*net)->output_bytes_per_sample(k);
      std::vector<uint8_t> slice(out[k].begin() + b * bytes, out[k].begin() + (b + 1) * bytes);
      EXPECT_EQ(Unpack((*net)->output_type(k), slice), one[k]) << "sample " << b;
    }
  }
}

}  // namespace
}  // namespace fpgaas::numerics
