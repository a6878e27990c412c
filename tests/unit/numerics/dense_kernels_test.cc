// The fast kernels of network_kernels.cc (kWrap32, kFast32, kFast64 dense layers with their fused
// epilogues, vectorized batch norm, FastConvert in every Q mode) against the generic exact path
// (fixed_point's Convert / QuantizeScaled / ApplyOverflow, as network.cc's general path uses them)
// on random type configurations, every quantization and overflow mode, and each type's extremes.
#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network.h"
#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics {
namespace {

using internal::Int128;
using internal::WideRaw;

int64_t MinOf(const FixedType& t) { return static_cast<int64_t>(internal::MinRaw(t)); }
int64_t MaxOf(const FixedType& t) { return static_cast<int64_t>(internal::MaxRaw(t)); }

FixedType RandomType(std::mt19937_64& rng, int min_w, int max_w, bool modes) {
  FixedType t;
  t.width = std::uniform_int_distribution<int>(min_w, max_w)(rng);
  t.integer_bits = std::uniform_int_distribution<int>(-3, t.width + 3)(rng);
  t.is_signed = rng() % 4 != 0;
  if (modes) {
    t.quantization = static_cast<Quantization>(rng() % 7);
    t.overflow = static_cast<Overflow>(rng() % 4);
    if (t.overflow == Overflow::kWrap && rng() % 10 == 0) t.saturation_bits = 1 + rng() % 2;
    t.saturation_bits = std::min(t.saturation_bits, t.width);
  }
  return t;
}

// A raw value of t: one of its extremes (min, max, 0, +-1 LSB, min + 1) a third of the time.
int64_t RandomRaw(std::mt19937_64& rng, const FixedType& t) {
  const int64_t lo = MinOf(t), hi = MaxOf(t);
  switch (rng() % 9) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return std::min<int64_t>(hi, 1);
    case 3:
      return t.is_signed ? -1 : 0;
    case 4:
      return lo + 1 <= hi ? lo + 1 : lo;
    default:
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
}

// The generic exact dense layer for one sample (hls4ml's latency order).
std::vector<int64_t> GenericDense(const FixedType& in, const DenseSpec& d, const FixedType& res,
                                  const std::vector<int64_t>& x) {
  const FixedType& acc_t = d.accum_type;
  const int shift = in.fractional_bits() + d.weight_type.fractional_bits() - acc_t.fractional_bits();
  std::vector<int64_t> y(d.n_out);
  for (int j = 0; j < d.n_out; ++j) {
    int64_t acc = Convert(d.bias_type, d.biases[j], acc_t);
    for (int i = 0; i < d.n_in; ++i) {
      const Int128 p = WideRaw(in, x[i]) * WideRaw(d.weight_type, d.weights[i * d.n_out + j]);
      const int64_t pq = internal::QuantizeScaled(acc_t, p, -shift);
      acc = internal::ApplyOverflow(acc_t, WideRaw(acc_t, acc) + WideRaw(acc_t, pq));
    }
    y[j] = Convert(acc_t, acc, res);
  }
  return y;
}

std::vector<int64_t> GenericBatchNorm(const FixedType& in, const BatchNormSpec& b,
                                      const FixedType& res, const std::vector<int64_t>& x) {
  const int product_f = in.fractional_bits() + b.scale_type.fractional_bits();
  const int f = std::max(product_f, b.bias_type.fractional_bits());
  std::vector<int64_t> y(b.n);
  for (int i = 0; i < b.n; ++i) {
    const Int128 v = (WideRaw(in, x[i]) * WideRaw(b.scale_type, b.scale[i]) << (f - product_f)) +
                     (WideRaw(b.bias_type, b.bias[i]) << (f - b.bias_type.fractional_bits()));
    y[i] = internal::QuantizeScaled(res, v, res.fractional_bits() - f);
  }
  return y;
}

std::vector<int64_t> GenericRelu(const FixedType& in, const FixedType& res,
                                 const std::vector<int64_t>& x) {
  std::vector<int64_t> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = WideRaw(in, x[i]) > 0 ? Convert(in, x[i], res) : 0;
  return y;
}

// Runs `samples` through `net` in one batch (85 samples: a 64-lane block, a 16-lane block and five
// single samples) and returns each sample's raw outputs.
std::vector<std::vector<int64_t>> RunBatch(const Network& net,
                                           const std::vector<std::vector<int64_t>>& samples) {
  const FixedType& it = net.input_type();
  const FixedType& ot = net.output_type();
  std::vector<uint8_t> in(samples.size() * net.input_bytes_per_sample());
  std::vector<uint8_t> out(samples.size() * net.output_bytes_per_sample());
  for (size_t b = 0; b < samples.size(); ++b) {
    for (size_t i = 0; i < samples[b].size(); ++i) {
      PackRaw(it, samples[b][i],
              in.data() + b * net.input_bytes_per_sample() + i * it.container_bytes());
    }
  }
  net.Run(in.data(), out.data(), samples.size());
  std::vector<std::vector<int64_t>> r(samples.size());
  for (size_t b = 0; b < samples.size(); ++b) {
    for (int i = 0; i < net.output_size(); ++i) {
      r[b].push_back(
          UnpackRaw(ot, out.data() + b * net.output_bytes_per_sample() + i * ot.container_bytes()));
    }
  }
  return r;
}

constexpr int kBatch = 85;

// A random dense configuration whose accumulator has the given overflow mode and any Q mode; its
// width is narrower or wider than the product, its fractional bits near the product's.
DenseSpec RandomDense(std::mt19937_64& rng, const FixedType& in, int n_out, int max_operand_w) {
  DenseSpec d;
  d.n_in = std::uniform_int_distribution<int>(1, 40)(rng);
  d.n_out = n_out;
  d.weight_type = RandomType(rng, 1, max_operand_w, false);
  d.bias_type = RandomType(rng, 1, 24, false);
  FixedType acc = RandomType(rng, 1, 62, true);
  const int product_f = in.fractional_bits() + d.weight_type.fractional_bits();
  const int product_w = in.width + d.weight_type.width;
  acc.width = rng() % 2 ? std::uniform_int_distribution<int>(1, std::min(product_w, 62))(rng)
                        : std::uniform_int_distribution<int>(std::min(product_w, 62), 62)(rng);
  const int f = product_f + std::uniform_int_distribution<int>(-12, 4)(rng);
  acc.integer_bits = acc.width - f;
  acc.saturation_bits = std::min(acc.saturation_bits, acc.width);
  d.accum_type = acc;
  // A third of the layers have small weights, so that no product leaves a saturating accumulator's
  // range (the kernels then skip the per-product overflow step: NarrowForWeights).
  const bool small = rng() % 3 == 0;
  for (int k = 0; k < d.n_in * d.n_out; ++k) {
    int64_t w = RandomRaw(rng, d.weight_type);
    if (small) w = std::clamp<int64_t>(w % 4, MinOf(d.weight_type), MaxOf(d.weight_type));
    d.weights.push_back(w);
  }
  for (int j = 0; j < d.n_out; ++j) d.biases.push_back(RandomRaw(rng, d.bias_type));
  return d;
}

TEST(DenseKernelsTest, EveryFastKernelMatchesTheGenericPathOnRandomTypes) {
  std::mt19937_64 rng(1212);
  std::map<internal::DenseKernelKind, int> kinds;
  std::map<std::pair<int, int>, int> modes;  // (Q, O) of accum_t on a fast kernel
  std::map<internal::AccumOverflow, int> overflows;
  int wrap32_no_shift = 0;  // kWrap32's kNoShift instantiation
  for (int config = 0; config < 700; ++config) {
    const FixedType in = RandomType(rng, 1, config % 3 == 0 ? 32 : 18, false);
    const int n_out = std::uniform_int_distribution<int>(1, 12)(rng);
    const DenseSpec d = RandomDense(rng, in, n_out, config % 3 == 0 ? 32 : 24);
    const FixedType res = RandomType(rng, 1, 40, true);
    const bool relu = rng() % 2;
    const FixedType relu_res = RandomType(rng, 1, 40, true);
    internal::DensePlan plan = internal::PlanDense(in, d.weight_type, d.accum_type, res, false);
    internal::NarrowForWeights(in, d.weights, plan);
    ++kinds[plan.kind];
    ++overflows[plan.params.overflow];
    wrap32_no_shift += plan.kind == internal::DenseKernelKind::kWrap32 &&
                       plan.wrap32.rounding == internal::ProductRounding::kLeft &&
                       plan.wrap32.shift_left == 0;
    if (plan.kind != internal::DenseKernelKind::kGeneral) {
      ++modes[{static_cast<int>(d.accum_type.quantization),
               static_cast<int>(d.accum_type.overflow)}];
    }
    NetworkSpec spec{in, d.n_in, {LayerSpec{"fc", res, d}}};
    if (relu) {
      spec.layers.push_back(LayerSpec{"relu", relu_res, ActivationSpec{ActivationKind::kRelu, n_out}});
    }
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    std::vector<std::vector<int64_t>> samples(kBatch);
    for (auto& s : samples) {
      for (int i = 0; i < d.n_in; ++i) s.push_back(RandomRaw(rng, in));
    }
    const std::vector<std::vector<int64_t>> got = RunBatch(**net, samples);
    for (int b = 0; b < kBatch; ++b) {
      std::vector<int64_t> want = GenericDense(in, d, res, samples[b]);
      if (relu) want = GenericRelu(res, relu_res, want);
      ASSERT_EQ(got[b], want) << "config " << config << " sample " << b << ": in "
                              << in.ToString() << " weight " << d.weight_type.ToString()
                              << " accum " << d.accum_type.ToString() << " result "
                              << res.ToString() << (relu ? " relu " + relu_res.ToString() : "")
                              << " kernel " << static_cast<int>(plan.kind);
    }
  }
  // The configurations reach every kernel and every accum_t mode on a fast kernel (so a planner
  // that stopped choosing them would fail here, not pass on the generic path).
  EXPECT_GE(kinds[internal::DenseKernelKind::kWrap32], 20);
  EXPECT_GE(kinds[internal::DenseKernelKind::kFast32], 20);
  EXPECT_GE(kinds[internal::DenseKernelKind::kFast64], 20);
  EXPECT_GE(kinds[internal::DenseKernelKind::kGeneral], 5);
  EXPECT_GE(overflows[internal::AccumOverflow::kClampSum], 10);
  EXPECT_GE(overflows[internal::AccumOverflow::kZeroSum], 5);
  EXPECT_GE(wrap32_no_shift, 3);
  for (int q = 0; q < 7; ++q) {
    for (int o = 0; o < 4; ++o) EXPECT_GE((modes[{q, o}]), 1) << "Q " << q << " O " << o;
  }
}

// kWrap32 layers whose epilogue is the conversion to a narrow result (1 to 8 bits, every Q/O mode,
// so raws of 0 and +-1 are common) and at most a relu to a type containing the result (the
// one-pass epilogue), in batches of 1 to 130 samples (one sample at a time, 16- and 64-lane
// blocks), against the generic path.
TEST(DenseKernelsTest, Wrap32OnePassEpilogueMatchesTheGenericPath) {
  std::mt19937_64 rng(4242);
  int one_pass = 0, one_pass_relu = 0, one_pass_identity = 0;
  for (int config = 0; config < 400; ++config) {
    const FixedType in = RandomType(rng, 1, 18, false);
    const int n_out = std::uniform_int_distribution<int>(1, 12)(rng);
    DenseSpec d = RandomDense(rng, in, n_out, 18);
    if (rng() % 4 != 0) {  // mostly AP_WRAP accumulators: the kWrap32 kernels
      d.accum_type.overflow = Overflow::kWrap;
      d.accum_type.saturation_bits = 0;
    }
    FixedType res = RandomType(rng, 1, 8, true);
    if (rng() % 4 == 0) {  // res_t contains accum_t (same F): the conversion is the identity
      res = d.accum_type;
      res.width += static_cast<int>(rng() % 3);
      res.integer_bits += res.width - d.accum_type.width;
      res.quantization = static_cast<Quantization>(rng() % 7);
      res.overflow = static_cast<Overflow>(rng() % 3);
      res.saturation_bits = 0;
    }
    const bool relu = rng() % 3 != 0;
    FixedType relu_res = res;  // relu_t contains res_t: its conversion is the identity
    relu_res.width += static_cast<int>(rng() % 3);
    relu_res.integer_bits += relu_res.width - res.width;
    relu_res.quantization = static_cast<Quantization>(rng() % 7);
    relu_res.overflow =
        res.width < relu_res.width ? static_cast<Overflow>(rng() % 3) : res.overflow;
    relu_res.saturation_bits = 0;
    const internal::DensePlan plan =
        internal::PlanDense(in, d.weight_type, d.accum_type, res, false);
    const bool wrap32 = plan.kind == internal::DenseKernelKind::kWrap32;
    const std::optional<internal::FastConvert> relu_convert =
        internal::MakeFastConvert(res, relu_res);
    one_pass += wrap32;
    one_pass_relu += wrap32 && relu && relu_convert && relu_convert->identity;
    const std::optional<internal::FastConvert> to_result =
        internal::MakeFastConvert(d.accum_type, res);
    one_pass_identity += wrap32 && to_result && to_result->identity;
    NetworkSpec spec{in, d.n_in, {LayerSpec{"fc", res, d}}};
    if (relu) {
      spec.layers.push_back(
          LayerSpec{"relu", relu_res, ActivationSpec{ActivationKind::kRelu, n_out}});
    }
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int batch : {1, 5, 16, 17, 64, 70, 130}) {
      std::vector<std::vector<int64_t>> samples(batch);
      for (auto& s : samples) {
        for (int i = 0; i < d.n_in; ++i) s.push_back(RandomRaw(rng, in));
      }
      const std::vector<std::vector<int64_t>> got = RunBatch(**net, samples);
      for (int b = 0; b < batch; ++b) {
        std::vector<int64_t> want = GenericDense(in, d, res, samples[b]);
        if (relu) want = GenericRelu(res, relu_res, want);
        ASSERT_EQ(got[b], want) << "config " << config << " batch " << batch << " sample " << b
                                << ": in " << in.ToString() << " weight "
                                << d.weight_type.ToString() << " accum " << d.accum_type.ToString()
                                << " result " << res.ToString()
                                << (relu ? " relu " + relu_res.ToString() : "") << " kernel "
                                << static_cast<int>(plan.kind);
      }
    }
  }
  EXPECT_GE(one_pass, 80);
  EXPECT_GE(one_pass_relu, 40);
  EXPECT_GE(one_pass_identity, 20);
}

TEST(DenseKernelsTest, BatchNormAndChainedLayersMatchTheGenericPath) {
  std::mt19937_64 rng(77);
  int vectorized = 0;
  for (int config = 0; config < 300; ++config) {
    const FixedType in = RandomType(rng, 2, 18, false);
    const int n = std::uniform_int_distribution<int>(1, 30)(rng);
    const DenseSpec d = RandomDense(rng, in, n, 24);
    const FixedType dense_res = RandomType(rng, 2, 24, true);
    BatchNormSpec bn{n, RandomType(rng, 1, 24, false), RandomType(rng, 1, 24, false), {}, {}};
    for (int i = 0; i < n; ++i) {
      bn.scale.push_back(RandomRaw(rng, bn.scale_type));
      bn.bias.push_back(RandomRaw(rng, bn.bias_type));
    }
    const FixedType bn_res = RandomType(rng, 2, 30, true);
    const FixedType relu_res = RandomType(rng, 2, 24, true);
    // A linear activation between the dense layer and the batch norm in two thirds of the
    // configurations (as hls4ml up to 1.0 writes): of the dense result's type (passed over when
    // the batch norm is fused) or of a random one (not fused).
    const int linear = config % 3;
    const FixedType linear_res = linear == 1 ? dense_res : RandomType(rng, 2, 24, true);
    const FixedType bn_in = linear == 0 ? dense_res : linear_res;
    vectorized +=
        internal::PlanBatchNorm(bn_in, bn.scale_type, bn.bias_type, bn.bias, bn_res, false)
            .has_value();
    NetworkSpec spec{in, d.n_in, {LayerSpec{"fc", dense_res, d}}};
    if (linear != 0) {
      spec.layers.push_back(
          LayerSpec{"linear", linear_res, ActivationSpec{ActivationKind::kLinear, n}});
    }
    spec.layers.push_back(LayerSpec{"bn", bn_res, bn});
    spec.layers.push_back(LayerSpec{"relu", relu_res, ActivationSpec{ActivationKind::kRelu, n}});
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    std::vector<std::vector<int64_t>> samples(kBatch);
    for (auto& s : samples) {
      for (int i = 0; i < d.n_in; ++i) s.push_back(RandomRaw(rng, in));
    }
    const std::vector<std::vector<int64_t>> got = RunBatch(**net, samples);
    for (int b = 0; b < kBatch; ++b) {
      std::vector<int64_t> dense_out = GenericDense(in, d, dense_res, samples[b]);
      for (int64_t& v : dense_out) v = Convert(dense_res, v, bn_in);  // the linear activation
      const std::vector<int64_t> want =
          GenericRelu(bn_res, relu_res, GenericBatchNorm(bn_in, bn, bn_res, dense_out));
      ASSERT_EQ(got[b], want) << "config " << config << " sample " << b << ": dense "
                              << d.accum_type.ToString() << " -> " << dense_res.ToString()
                              << ", bn scale " << bn.scale_type.ToString() << " bias "
                              << bn.bias_type.ToString() << " -> " << bn_res.ToString();
    }
  }
  EXPECT_GE(vectorized, 250);
}

// int32-lane layers (kWrap32, and kFast32 with a saturating accumulator: its own kernels or the
// FPU kernel's int32 rows) with a fused batch norm (and a relu half the time) whose sums fit 29
// bits: the int32 batch-norm passes (BatchNormEpilogue32) in 16- and 64-lane blocks, every Q/O
// mode of the batch norm's and the relu's results, scales and biases at their extremes a third of
// the time, against the generic path. Sums of up to 29 bits and wider ones (the int64 fallback)
// both occur.
TEST(DenseKernelsTest, BatchNormInInt32LanesMatchesTheGenericPath) {
  std::mt19937_64 rng(2929);
  const Overflow kModes[] = {Overflow::kWrap, Overflow::kSat, Overflow::kSatZero,
                             Overflow::kSatSym};
  std::map<internal::DenseKernelKind, int> int32_bn;
  int at_29_bits = 0, wider = 0, with_relu = 0;
  for (int config = 0; config < 500;) {
    const FixedType in = RandomType(rng, 2, 16, false);
    const int n = std::uniform_int_distribution<int>(1, 9)(rng);
    DenseSpec d = RandomDense(rng, in, n, 18);
    d.accum_type.overflow = kModes[rng() % 4];
    d.accum_type.saturation_bits = 0;
    const FixedType res = RandomType(rng, 2, 18, true);
    const internal::DenseKernelKind kind =
        internal::PlanDense(in, d.weight_type, d.accum_type, res, false).kind;
    if (kind != internal::DenseKernelKind::kWrap32 && kind != internal::DenseKernelKind::kFast32) {
      continue;
    }
    ++config;
    BatchNormSpec bn{n, RandomType(rng, 1, 16, false), RandomType(rng, 1, 20, false), {}, {}};
    for (int i = 0; i < n; ++i) {
      bn.scale.push_back(RandomRaw(rng, bn.scale_type));
      bn.bias.push_back(RandomRaw(rng, bn.bias_type));
    }
    const FixedType bn_res = RandomType(rng, 1, 24, true);
    const FixedType relu_res = RandomType(rng, 1, 24, true);
    const bool relu = rng() % 2;
    const std::optional<internal::BatchNormPlan> bn_plan =
        internal::PlanBatchNorm(res, bn.scale_type, bn.bias_type, bn.bias, bn_res, false);
    const int bits =
        bn_plan ? internal::BatchNormSumBits(res, bn.scale.data(), bn.scale.size(), *bn_plan) : 0;
    int32_bn[kind] += bits > 0;
    at_29_bits += bits == 29;
    wider += bn_plan && bits == 0;
    with_relu += bits > 0 && relu;
    NetworkSpec spec{in, d.n_in, {LayerSpec{"fc", res, d}, LayerSpec{"bn", bn_res, bn}}};
    if (relu) {
      spec.layers.push_back(LayerSpec{"relu", relu_res, ActivationSpec{ActivationKind::kRelu, n}});
    }
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    for (int batch : {16, 64, 80}) {
      std::vector<std::vector<int64_t>> samples(batch);
      for (auto& s : samples) {
        for (int i = 0; i < d.n_in; ++i) s.push_back(RandomRaw(rng, in));
      }
      const std::vector<std::vector<int64_t>> got = RunBatch(**net, samples);
      for (int b = 0; b < batch; ++b) {
        std::vector<int64_t> want =
            GenericBatchNorm(res, bn, bn_res, GenericDense(in, d, res, samples[b]));
        if (relu) want = GenericRelu(bn_res, relu_res, want);
        ASSERT_EQ(got[b], want) << "config " << config << " batch " << batch << " sample " << b
                                << ": accum " << d.accum_type.ToString() << " result "
                                << res.ToString() << " bn scale " << bn.scale_type.ToString()
                                << " bias " << bn.bias_type.ToString() << " -> "
                                << bn_res.ToString() << " (" << bits << " bits)"
                                << (relu ? " relu " + relu_res.ToString() : "");
      }
    }
  }
  EXPECT_GE(int32_bn[internal::DenseKernelKind::kWrap32], 40);
  EXPECT_GE(int32_bn[internal::DenseKernelKind::kFast32], 150);
  EXPECT_GE(at_29_bits, 3);
  EXPECT_GE(wider, 20);
  EXPECT_GE(with_relu, 40);
}

// DenseMul32Block (int64 lanes, 32x32->64 products) on every instruction set this build and CPU
// have, called directly on blocks of 16 and 64 lanes, against the generic path; operands are often
// full 32-bit types (products up to 2^62) and the epilogue often carries a fused batch norm and
// relu.
TEST(DenseKernelsTest, Mul32KernelsOnEveryInstructionSetMatchTheGenericPath) {
  std::vector<internal::KernelIsa> isas;
  for (internal::KernelIsa isa : {internal::KernelIsa::kPortable, internal::KernelIsa::kAvx2,
                                  internal::KernelIsa::kAvx512}) {
    if (internal::KernelIsaAvailable(isa)) isas.push_back(isa);
  }
  std::mt19937_64 rng(3232);
  std::map<std::pair<int, int>, int> modes;  // (rounding, overflow) reached
  int left_shift = 0, no_shift = 0, fused_bn = 0, bn_mul32 = 0;
  for (int config = 0; config < 800;) {
    FixedType in = RandomType(rng, 1, 32, false);
    if (rng() % 2) in = FixedType{32, std::uniform_int_distribution<int>(-4, 36)(rng), true};
    DenseSpec d = RandomDense(rng, in, std::uniform_int_distribution<int>(1, 11)(rng), 32);
    if (rng() % 2) {
      d.weight_type = FixedType{32, std::uniform_int_distribution<int>(-4, 36)(rng), true};
      for (int64_t& w : d.weights) w = RandomRaw(rng, d.weight_type);
    }
    const FixedType res = RandomType(rng, 1, 40, true);
    internal::DensePlan plan = internal::PlanDense(in, d.weight_type, d.accum_type, res, false);
    internal::NarrowForWeights(in, d.weights, plan);
    if (!plan.mul32) continue;
    ++config;
    ++modes[{static_cast<int>(plan.params.rounding), static_cast<int>(plan.params.overflow)}];
    left_shift += plan.params.shift_left > 0;
    // kLeft by 0 bits: the kernels' kNoShift instantiations.
    no_shift += plan.params.rounding == internal::ProductRounding::kLeft &&
                plan.params.shift_left == 0;
    internal::DenseEpilogue e;
    e.to_result = *plan.to_result;
    // Optionally dense -> batchnorm -> relu fused, as network.cc fuses them.
    BatchNormSpec bn{d.n_out, RandomType(rng, 1, 24, false), RandomType(rng, 1, 24, false), {}, {}};
    for (int j = 0; j < d.n_out; ++j) {
      bn.scale.push_back(RandomRaw(rng, bn.scale_type));
      bn.bias.push_back(RandomRaw(rng, bn.bias_type));
    }
    const FixedType bn_res = RandomType(rng, 1, 40, true);
    std::optional<internal::BatchNormPlan> bn_plan;
    if (rng() % 2) {
      bn_plan = internal::PlanBatchNorm(res, bn.scale_type, bn.bias_type, bn.bias, bn_res, false);
    }
    if (bn_plan) {
      ++fused_bn;
      e.bn_scale = bn.scale.data();
      e.bn_bias = bn_plan->bias_aligned.data();
      e.bn_shift_left = bn_plan->product_shift_left;
      e.bn_result = bn_plan->to_result;
      // The 32x32->64 batch norm multiply when result and scale fit int32 (as network.cc sets
      // it), half the time.
      auto fits32 = [](const FixedType& t) { return (t.is_signed ? t.width - 1 : t.width) <= 31; };
      e.bn_mul32 = fits32(res) && fits32(bn.scale_type) && rng() % 2;
      bn_mul32 += e.bn_mul32;
    }
    const FixedType after_dense = bn_plan ? bn_res : res;
    const FixedType relu_res = RandomType(rng, 1, 40, true);
    std::optional<internal::FastConvert> relu;
    if (rng() % 2) relu = internal::MakeFastConvert(after_dense, relu_res);
    if (relu) {
      e.relu = true;
      e.relu_result = *relu;
    }
    std::vector<int64_t> w_by_out(d.weights.size()), bias(d.n_out);
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) w_by_out[j * d.n_in + i] = d.weights[i * d.n_out + j];
    }
    for (int j = 0; j < d.n_out; ++j) bias[j] = Convert(d.bias_type, d.biases[j], d.accum_type);
    for (int lanes : {internal::kSmallBlock, internal::kKernelBlock}) {
      std::vector<int64_t> x(static_cast<size_t>(d.n_in) * lanes);
      for (int64_t& v : x) v = RandomRaw(rng, in);
      std::vector<std::vector<int64_t>> want(lanes);
      for (int b = 0; b < lanes; ++b) {
        std::vector<int64_t> sample(d.n_in);
        for (int i = 0; i < d.n_in; ++i) sample[i] = x[i * lanes + b];
        want[b] = GenericDense(in, d, res, sample);
        if (bn_plan) want[b] = GenericBatchNorm(res, bn, bn_res, want[b]);
        if (relu) want[b] = GenericRelu(after_dense, relu_res, want[b]);
      }
      for (internal::KernelIsa isa : isas) {
        std::vector<int64_t> y(static_cast<size_t>(d.n_out) * lanes, -7);
        internal::DenseMul32BlockOn(isa, x.data(), lanes, w_by_out.data(), bias.data(), d.n_in,
                                    d.n_out, plan.params, e, y.data());
        for (int b = 0; b < lanes; ++b) {
          for (int j = 0; j < d.n_out; ++j) {
            ASSERT_EQ(y[j * lanes + b], want[b][j])
                << "isa " << static_cast<int>(isa) << " lanes " << lanes << " config " << config
                << " lane " << b << " output " << j << ": in " << in.ToString() << " weight "
                << d.weight_type.ToString() << " accum " << d.accum_type.ToString() << " result "
                << res.ToString() << (bn_plan ? " bn " + bn_res.ToString() : "")
                << (relu ? " relu " + relu_res.ToString() : "");
          }
        }
      }
    }
  }
  for (int r = 0; r < 5; ++r) {  // every ProductRounding x AccumOverflow
    for (int o = 0; o < 5; ++o) EXPECT_GE((modes[{r, o}]), 1) << "rounding " << r << " overflow " << o;
  }
  EXPECT_GE(left_shift, 10);
  EXPECT_GE(no_shift, 10);
  EXPECT_GE(fused_bn, 50);
  EXPECT_GE(bn_mul32, 20);
  // This development machine has both; a CPU without them tests the portable kernel alone.
  EXPECT_FALSE(isas.empty());
}

// Deferred saturation (network_kernels_internal.h, kSatChunk): the saturating kernels sum a chunk
// of inputs with plain adds when a bound proves that no partial sum (or term) of the chunk can
// saturate. Blocks of small inputs (most chunks defer) with accumulators near their limits and
// a lane at the input type's extremes in some blocks (chunks that must saturate), on every
// kernel that defers: kFast32 (16 and 64 lanes), kFast64 with 64x64 products, and the mul32
// kernels on every instruction set. The chunks the bound lets defer are counted from the generic
// path's own partial sums, so both branches are required to be taken.
TEST(DenseKernelsTest, DeferredSaturationMatchesTheGenericPath) {
  std::vector<internal::KernelIsa> isas;
  for (internal::KernelIsa isa : {internal::KernelIsa::kPortable, internal::KernelIsa::kAvx2,
                                  internal::KernelIsa::kAvx512}) {
    if (internal::KernelIsaAvailable(isa)) isas.push_back(isa);
  }
  std::mt19937_64 rng(1717);
  std::map<std::string, int> reached;
  int deferred = 0, saturating = 0;
  const Overflow kModes[] = {Overflow::kSat, Overflow::kSatZero, Overflow::kSatSym};
  for (int config = 0; config < 600;) {
    const FixedType in = RandomType(rng, 2, config % 4 == 0 ? 40 : 24, false);
    DenseSpec d = RandomDense(rng, in, std::uniform_int_distribution<int>(1, 9)(rng),
                              config % 4 == 0 ? 40 : 24);
    d.accum_type.overflow = kModes[rng() % 3];
    d.accum_type.saturation_bits = 0;
    const FixedType res = RandomType(rng, 1, 32, true);
    internal::DensePlan plan = internal::PlanDense(in, d.weight_type, d.accum_type, res, false);
    internal::NarrowForWeights(in, d.weights, plan);
    if (plan.kind != internal::DenseKernelKind::kFast32 &&
        plan.kind != internal::DenseKernelKind::kFast64) {
      continue;
    }
    std::vector<int64_t> w_by_out(d.weights.size()), bias(d.n_out);
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) w_by_out[j * d.n_in + i] = d.weights[i * d.n_out + j];
    }
    for (int j = 0; j < d.n_out; ++j) bias[j] = Convert(d.bias_type, d.biases[j], d.accum_type);
    internal::PlanDeferredSaturation(w_by_out, d.n_in, d.n_out, plan);
    ASSERT_NE(plan.params.chunk_abs_w, nullptr);
    ++config;
    const std::string kernel = plan.kind == internal::DenseKernelKind::kFast32 ? "fast32"
                               : plan.mul32                                     ? "mul32"
                                                                                : "fast64";
    ++reached[kernel];
    ++reached["overflow " + std::to_string(static_cast<int>(plan.params.overflow))];
    internal::DenseEpilogue e;
    e.to_result = *plan.to_result;
    const internal::DenseFastParams& p = plan.params;
    const int n_chunks = (d.n_in + internal::kSatChunk - 1) / internal::kSatChunk;
    for (int lanes : {internal::kSmallBlock, internal::kKernelBlock}) {
      // Small inputs (a random power of two below the type's range), one lane at the type's
      // extremes in a third of the blocks.
      const int64_t r =
          std::max<int64_t>(1, MaxOf(in) >> std::uniform_int_distribution<int>(0, in.width)(rng));
      std::vector<int64_t> x(static_cast<size_t>(d.n_in) * lanes);
      for (int64_t& v : x) {
        v = std::clamp(std::uniform_int_distribution<int64_t>(-r, r)(rng), MinOf(in), MaxOf(in));
      }
      if (rng() % 3 == 0) {
        const int b = rng() % lanes;
        for (int i = 0; i < d.n_in; ++i) x[i * lanes + b] = rng() % 2 ? MinOf(in) : MaxOf(in);
      }
      int64_t max_abs_x = 0;
      for (int64_t v : x) max_abs_x = std::max(max_abs_x, v < 0 ? -v : v);
      // The generic path, sample by sample, with its partial sum before each chunk.
      std::vector<std::vector<int64_t>> want(lanes);
      std::vector<std::vector<int64_t>> before(static_cast<size_t>(d.n_out) * n_chunks);
      const FixedType& acc_t = d.accum_type;
      const int shift =
          in.fractional_bits() + d.weight_type.fractional_bits() - acc_t.fractional_bits();
      for (int b = 0; b < lanes; ++b) {
        for (int j = 0; j < d.n_out; ++j) {
          int64_t acc = bias[j];
          for (int i = 0; i < d.n_in; ++i) {
            if (i % internal::kSatChunk == 0) {
              before[j * n_chunks + i / internal::kSatChunk].push_back(acc);
            }
            const Int128 prod = WideRaw(in, x[i * lanes + b]) *
                                WideRaw(d.weight_type, d.weights[i * d.n_out + j]);
            const int64_t pq = internal::QuantizeScaled(acc_t, prod, -shift);
            acc = internal::ApplyOverflow(acc_t, WideRaw(acc_t, acc) + WideRaw(acc_t, pq));
          }
          want[b].push_back(Convert(acc_t, acc, res));
        }
      }
      for (int j = 0; j < d.n_out; ++j) {
        for (int c = 0; c < n_chunks; ++c) {
          const int terms = std::min(internal::kSatChunk, d.n_in - c * internal::kSatChunk);
          const int64_t u = internal::ChunkSatBound(max_abs_x, (*p.chunk_abs_w)[j * n_chunks + c],
                                                    p.shift_right, p.shift_left, terms);
          bool defers = -u >= p.lo && u <= p.hi;  // as kClamp / kZero need
          for (int64_t a : before[j * n_chunks + c]) defers &= a >= p.lo + u && a <= p.hi - u;
          ++(defers ? deferred : saturating);
        }
      }
      auto check = [&](const std::vector<int64_t>& y, const std::string& what) {
        for (int b = 0; b < lanes; ++b) {
          for (int j = 0; j < d.n_out; ++j) {
            ASSERT_EQ(y[j * lanes + b], want[b][j])
                << what << " lanes " << lanes << " config " << config << " lane " << b
                << " output " << j << ": in " << in.ToString() << " weight "
                << d.weight_type.ToString() << " accum " << acc_t.ToString() << " result "
                << res.ToString();
          }
        }
      };
      if (plan.kind == internal::DenseKernelKind::kFast32) {
        std::vector<int32_t> x32(x.begin(), x.end()), w32(w_by_out.begin(), w_by_out.end()),
            b32(bias.begin(), bias.end()), y32(static_cast<size_t>(d.n_out) * lanes);
        internal::DenseFastBlock32(x32.data(), lanes, w32.data(), b32.data(), d.n_in, d.n_out, p,
                                   e, y32.data());
        check(std::vector<int64_t>(y32.begin(), y32.end()), kernel);
      } else if (plan.mul32) {
        for (internal::KernelIsa isa : isas) {
          std::vector<int64_t> y(static_cast<size_t>(d.n_out) * lanes);
          internal::DenseMul32BlockOn(isa, x.data(), lanes, w_by_out.data(), bias.data(), d.n_in,
                                      d.n_out, p, e, y.data());
          check(y, kernel + " isa " + std::to_string(static_cast<int>(isa)));
        }
      } else {
        std::vector<int64_t> y(static_cast<size_t>(d.n_out) * lanes);
        internal::DenseFastBlock64(x.data(), lanes, w_by_out.data(), bias.data(), d.n_in, d.n_out,
                                   p, e, y.data());
        check(y, kernel);
      }
    }
  }
  EXPECT_GE(reached["fast32"], 50);
  EXPECT_GE(reached["mul32"], 50);
  EXPECT_GE(reached["fast64"], 20);
  for (internal::AccumOverflow o : {internal::AccumOverflow::kClamp, internal::AccumOverflow::kZero,
                                    internal::AccumOverflow::kClampSum,
                                    internal::AccumOverflow::kZeroSum}) {
    EXPECT_GE(reached["overflow " + std::to_string(static_cast<int>(o))], 10)
        << "overflow " << static_cast<int>(o);
  }
  EXPECT_GE(deferred, 500);
  EXPECT_GE(saturating, 500);
}

// Products through the FPU (PlanFmaProducts, network_dense_fma_avx2.cc): AP_RND_CONV, AP_TRN and
// AP_RND accumulators, inputs and weights of up to 24 bits (products of up to 48: kFast32 and
// kFast64 layers), product shifts of 1 to 20 bits, every overflow mode, terms up to the planner's
// bound of 2^22, inputs with few low bits so that ties (which round to even) and exact quotients
// are common, 16- and 64-lane blocks, deferred and per-product saturation: DenseFastBlock32 /
// DenseMul32Block (which pick the FPU kernel where the CPU has AVX-512F, or AVX2 and FMA) and the
// kernels themselves (each this CPU runs) against the generic path.
// Every FPU kernel this CPU runs: the widest, and AVX2 + FMA below AVX-512F.
std::vector<internal::KernelIsa> FpuIsas() {
  std::vector<internal::KernelIsa> isas;
  if (internal::DenseFmaIsa() != internal::KernelIsa::kPortable) {
    isas.push_back(internal::DenseFmaIsa());
  }
  if (internal::DenseFmaIsa() == internal::KernelIsa::kAvx512 && internal::DenseFmaAvx2Built()) {
    isas.push_back(internal::KernelIsa::kAvx2);  // every AVX-512F CPU has AVX2 and FMA
  }
  return isas;
}

TEST(DenseKernelsTest, ProductsThroughTheFpuMatchTheGenericPath) {
  const std::vector<internal::KernelIsa> fma_isas = FpuIsas();
  std::mt19937_64 rng(2323);
  std::map<std::string, int> reached;
  int ties = 0, extreme_terms = 0, rnd_extreme_terms = 0, rnd_at_bound = 0, near_bound = 0,
      sign_at_bound = 0, sign_ties = 0, refused = 0;
  const Overflow kModes[] = {Overflow::kWrap, Overflow::kSat, Overflow::kSatZero,
                             Overflow::kSatSym};
  for (int config = 0; config < 900;) {
    FixedType in = RandomType(rng, 2, 24, false);
    DenseSpec d;
    d.n_in = std::uniform_int_distribution<int>(1, 40)(rng);
    d.n_out = std::uniform_int_distribution<int>(1, 9)(rng);
    d.weight_type = RandomType(rng, 1, 24, false);
    d.bias_type = RandomType(rng, 1, 16, false);
    FixedType acc;
    acc.width = std::uniform_int_distribution<int>(2, 30)(rng);
    const int sr = std::uniform_int_distribution<int>(1, 20)(rng);
    const Quantization kRoundings[] = {Quantization::kRndConv, Quantization::kTrn,
                                       Quantization::kRnd,     Quantization::kTrnZero,
                                       Quantization::kRndZero, Quantization::kRndInf};
    const Quantization q = kRoundings[rng() % 6];
    const bool rnd = q == Quantization::kRnd;
    const bool sign =
        q == Quantization::kTrnZero || q == Quantization::kRndZero || q == Quantization::kRndInf;
    // The planner's bound on |x w| / 2^sr: 2^21 (AP_RND), 2^24 (sign-dependent), 2^22.
    const int bound = sr + (rnd ? 21 : sign ? 24 : 22);
    // A third of the layers with weights as wide as the bound allows (min raw * min raw = 2^bound).
    const int x_bits = internal::MagnitudeBits(in);
    const int bound_width = bound + 1 - x_bits;
    if (rng() % 3 == 0 && bound_width >= 2 && bound_width <= 24) {
      d.weight_type.width = bound_width;
      d.weight_type.is_signed = true;
    }
    acc.integer_bits = acc.width - (in.fractional_bits() + d.weight_type.fractional_bits() - sr);
    acc.is_signed = rng() % 4 != 0;
    acc.quantization = q;
    acc.overflow = kModes[rng() % 4];
    d.accum_type = acc;
    // Weights small enough for the planner's bound half of the time, any of the type otherwise
    // (then most layers are refused). The AP_RND and sign-dependent bounds are strict: their
    // weights are clamped all or none (else they are seldom met), and then to the bound.
    const int cap_shift = bound - x_bits;
    const int64_t w_cap = cap_shift >= 0 ? int64_t{1} << std::min(cap_shift, 40) : 0;
    const bool clamp_all = (rnd || sign) && rng() % 2;
    for (int k = 0; k < d.n_in * d.n_out; ++k) {
      int64_t w = RandomRaw(rng, d.weight_type);
      if (rnd || sign ? clamp_all : rng() % 2) w = std::clamp(w, -w_cap, w_cap);
      d.weights.push_back(w);
    }
    if (rng() % 3 == 0) d.weights[rng() % d.weights.size()] = MinOf(d.weight_type);
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(RandomRaw(rng, d.bias_type));
    const FixedType res = RandomType(rng, 1, 31, true);
    internal::DensePlan plan = internal::PlanDense(in, d.weight_type, d.accum_type, res, false);
    const bool fast32 = plan.kind == internal::DenseKernelKind::kFast32;
    if (!fast32 && !(plan.kind == internal::DenseKernelKind::kFast64 && plan.mul32)) continue;
    internal::NarrowForWeights(in, d.weights, plan);
    std::vector<int64_t> w_by_out(d.weights.size());
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) w_by_out[j * d.n_in + i] = d.weights[i * d.n_out + j];
    }
    internal::PlanDeferredSaturation(w_by_out, d.n_in, d.n_out, plan);
    internal::PlanFmaProducts(in, w_by_out, d.n_in, plan);
    Int128 max_w = 0;
    for (int64_t w : w_by_out) max_w = std::max<Int128>(max_w, w < 0 ? -Int128{w} : Int128{w});
    // AP_RND only where products exceed 32 bits (kFast64).
    const bool within = (!rnd || !fast32) && max_w <= (1 << 24) &&
                        (max_w << x_bits) <= (Int128{1} << bound);  // sr <= 20: c exact
    ASSERT_EQ(plan.params.fma_weights != nullptr, within) << "config " << config;
    if (!within) {
      ++refused;
      continue;
    }
    ++config;
    near_bound += (max_w << (x_bits + 1)) > (Int128{1} << bound);
    ++reached[fast32 ? "fast32" : "mul32"];
    ++reached[sign ? "sign " + std::to_string(static_cast<int>(q))
              : acc.quantization == Quantization::kTrn ? "trn"
              : rnd                                    ? "rnd"
                                                       : "conv"];
    ++reached["overflow " + std::to_string(static_cast<int>(plan.params.overflow))];
    internal::DenseEpilogue e;
    e.to_result = *plan.to_result;
    std::vector<int64_t> bias(d.n_out);
    for (int j = 0; j < d.n_out; ++j) bias[j] = Convert(d.bias_type, d.biases[j], d.accum_type);
    for (int lanes : {internal::kSmallBlock, internal::kKernelBlock}) {
      std::vector<int64_t> x(static_cast<size_t>(d.n_in) * lanes);
      const int low_zeros = std::uniform_int_distribution<int>(0, in.width - 1)(rng);
      for (int64_t& v : x) {
        v = RandomRaw(rng, in);
        if (rng() % 2) v = v / (int64_t{1} << low_zeros) * (int64_t{1} << low_zeros);
        if (rng() % 16 == 0) v = MinOf(in);  // the largest terms
      }
      std::vector<int64_t> want(static_cast<size_t>(d.n_out) * lanes);
      for (int b = 0; b < lanes; ++b) {
        std::vector<int64_t> sample(d.n_in);
        for (int i = 0; i < d.n_in; ++i) {
          sample[i] = x[i * lanes + b];
          for (int j = 0; j < d.n_out; ++j) {
            const Int128 prod = Int128{sample[i]} * d.weights[i * d.n_out + j];
            ties += (prod & ((Int128{1} << sr) - 1)) == (Int128{1} << (sr - 1));
            extreme_terms += (prod < 0 ? -prod : prod) > (Int128{1} << (sr + 21));
            rnd_extreme_terms += rnd && (prod < 0 ? -prod : prod) > (Int128{1} << (sr + 20));
            rnd_at_bound += rnd && prod == (Int128{1} << (sr + 21));
            sign_at_bound += sign && (prod < 0 ? -prod : prod) == (Int128{1} << (sr + 24));
            // Ties of the sign-dependent roundings: the half exactly, either sign.
            sign_ties += sign && (prod & ((Int128{1} << sr) - 1)) == (Int128{1} << (sr - 1));
          }
        }
        const std::vector<int64_t> y = GenericDense(in, d, res, sample);
        for (int j = 0; j < d.n_out; ++j) want[j * lanes + b] = y[j];
      }
      auto check = [&](const std::vector<int64_t>& y, const std::string& what) {
        for (size_t k = 0; k < want.size(); ++k) {
          ASSERT_EQ(y[k], want[k]) << what << " lanes " << lanes << " config " << config
                                   << " output " << k / lanes << " lane " << k % lanes << ": in "
                                   << in.ToString() << " weight " << d.weight_type.ToString()
                                   << " accum " << acc.ToString() << " result " << res.ToString();
        }
      };
      const float* wf = plan.params.fma_weights->data();
      if (fast32) {
        std::vector<int32_t> x32(x.begin(), x.end()), w32(w_by_out.begin(), w_by_out.end()),
            b32(bias.begin(), bias.end()), y32(want.size());
        internal::DenseFastBlock32(x32.data(), lanes, w32.data(), b32.data(), d.n_in, d.n_out,
                                   plan.params, e, y32.data());
        check(std::vector<int64_t>(y32.begin(), y32.end()), "DenseFastBlock32");
        for (internal::KernelIsa isa : fma_isas) {
          std::fill(y32.begin(), y32.end(), 0);
          ASSERT_TRUE(internal::DenseFmaBlockOn(isa, x32.data(), lanes, wf, b32.data(), d.n_in,
                                                d.n_out, plan.params, e, y32.data()));
          check(std::vector<int64_t>(y32.begin(), y32.end()),
                "DenseFmaBlockOn(int32) isa " + std::to_string(static_cast<int>(isa)));
          ++reached["isa " + std::to_string(static_cast<int>(isa))];
        }
      } else {
        std::vector<int64_t> y(want.size());
        internal::DenseMul32Block(x.data(), lanes, w_by_out.data(), bias.data(), d.n_in, d.n_out,
                                  plan.params, e, y.data());
        check(y, "DenseMul32Block");
        for (internal::KernelIsa isa : fma_isas) {
          const std::string name =
              "DenseFmaBlockOn(int64) isa " + std::to_string(static_cast<int>(isa));
          std::fill(y.begin(), y.end(), 0);
          ASSERT_TRUE(internal::DenseFmaBlockOn(isa, x.data(), lanes, wf, bias.data(), d.n_in,
                                                d.n_out, plan.params, e, y.data()));
          check(y, name);
          ++reached["isa " + std::to_string(static_cast<int>(isa))];
          // With a fused batch norm (the 32x32->64 form) and maybe a relu: the FPU kernel's
          // one-pass int64 epilogue against the portable kernel's FastEpilogue.
          BatchNormSpec bn{
              d.n_out, RandomType(rng, 1, 16, false), RandomType(rng, 1, 16, false), {}, {}};
          for (int j = 0; j < d.n_out; ++j) {
            bn.scale.push_back(RandomRaw(rng, bn.scale_type));
            bn.bias.push_back(RandomRaw(rng, bn.bias_type));
          }
          const FixedType bn_res = RandomType(rng, 1, 31, true);
          std::optional<internal::BatchNormPlan> bn_plan =
              internal::PlanBatchNorm(res, bn.scale_type, bn.bias_type, bn.bias, bn_res, false);
          if (bn_plan) {
            internal::DenseEpilogue eb = e;
            eb.bn_scale = bn.scale.data();
            eb.bn_bias = bn_plan->bias_aligned.data();
            eb.bn_shift_left = bn_plan->product_shift_left;
            eb.bn_result = bn_plan->to_result;
            eb.bn_mul32 = true;  // res and the scale within int32
            std::optional<internal::FastConvert> relu =
                internal::MakeFastConvert(bn_res, RandomType(rng, 1, 31, true));
            if (relu && rng() % 2) {
              eb.relu = true;
              eb.relu_result = *relu;
            }
            std::vector<int64_t> want_bn(want.size());
            internal::DenseMul32BlockOn(internal::KernelIsa::kPortable, x.data(), lanes,
                                        w_by_out.data(), bias.data(), d.n_in, d.n_out, plan.params,
                                        eb, want_bn.data());
            std::fill(y.begin(), y.end(), 0);
            ASSERT_TRUE(internal::DenseFmaBlockOn(isa, x.data(), lanes, wf, bias.data(), d.n_in,
                                                  d.n_out, plan.params, eb, y.data()));
            ASSERT_EQ(y, want_bn) << name << " with a batch norm, lanes " << lanes << " config "
                                  << config << " result " << res.ToString() << " bn "
                                  << bn_res.ToString();
            ++reached["bn"];
          }
        }
      }
    }
  }
  EXPECT_GE(ties, 20000);
  EXPECT_GE(extreme_terms, 20000);
  // AP_RND terms in the top half of its bound, and at it (2^24 + 1 is no float: FmaMacRange).
  EXPECT_GE(rnd_extreme_terms, 20000);
  EXPECT_GE(rnd_at_bound, 1000);
  EXPECT_GE(sign_at_bound, 1000);
  EXPECT_GE(sign_ties, 5000);
  EXPECT_GE(near_bound, 30);
  EXPECT_GE(refused, 10);
  for (const std::string& kind : std::vector<std::string>{
           "fast32", "mul32", "trn", "conv", "rnd",
           "sign " + std::to_string(static_cast<int>(Quantization::kTrnZero)),
           "sign " + std::to_string(static_cast<int>(Quantization::kRndZero)),
           "sign " + std::to_string(static_cast<int>(Quantization::kRndInf))}) {
    EXPECT_GE(reached[kind], 30) << kind;
  }
  for (internal::KernelIsa isa : fma_isas) {
    EXPECT_GE(reached["isa " + std::to_string(static_cast<int>(isa))], 500);
  }
  if (!fma_isas.empty()) {
    EXPECT_GE(reached["bn"], 30);
  }
  for (internal::AccumOverflow o :
       {internal::AccumOverflow::kWrap, internal::AccumOverflow::kClamp,
        internal::AccumOverflow::kZero, internal::AccumOverflow::kClampSum,
        internal::AccumOverflow::kZeroSum}) {
    EXPECT_GE(reached["overflow " + std::to_string(static_cast<int>(o))], 10)
        << "overflow " << static_cast<int>(o);
  }
}

// Unrounded products summed in doubles (PlanFmaProducts' f64_weights): against the generic path
// and the portable kernel on random wide AP_WRAP accumulators, with the rows' bound (partial sums
// within 2^51) reached: a third of the layers have every weight at +-max and inputs at the type's
// minimum, sized so that the bound lands within a factor of 4 of 2^51.
TEST(DenseKernelsTest, WideSumsThroughDoublesMatchTheGenericPath) {
  const std::vector<internal::KernelIsa> isas = FpuIsas();
  std::mt19937_64 rng(5151);
  int planned = 0, refused = 0, near_bound = 0, wrapped = 0, runs = 0;
  for (int config = 0; config < 400; ++config) {
    FixedType in = RandomType(rng, 2, 31, false);
    DenseSpec d;
    d.n_in = std::uniform_int_distribution<int>(1, 40)(rng);
    d.n_out = std::uniform_int_distribution<int>(1, 17)(rng);
    d.weight_type = RandomType(rng, 1, 31, false);
    d.bias_type = RandomType(rng, 1, 40, false);
    const bool extreme = rng() % 3 == 0;
    if (extreme) in.is_signed = true;
    const int x_bits = internal::MagnitudeBits(in);
    if (extreme) {  // |x| |w| n_in near 2^50
      const int n_bits = static_cast<int>(std::bit_width(static_cast<unsigned>(d.n_in)));
      const int w_bits = std::clamp(50 - x_bits - n_bits, 1, 30);
      d.weight_type.width = w_bits + 1;
      d.weight_type.is_signed = true;
    }
    const int sl = std::uniform_int_distribution<int>(0, 2)(rng);
    FixedType acc;
    acc.width = std::uniform_int_distribution<int>(33, 50)(rng);
    acc.integer_bits = acc.width - (in.fractional_bits() + d.weight_type.fractional_bits() + sl);
    acc.is_signed = rng() % 4 != 0;
    d.accum_type = acc;  // AP_TRN, AP_WRAP: products are not rounded (shift_right 0)
    for (int k = 0; k < d.n_in * d.n_out; ++k) {
      d.weights.push_back(extreme ? (rng() % 2 ? MaxOf(d.weight_type) : MinOf(d.weight_type))
                                  : RandomRaw(rng, d.weight_type));
    }
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(RandomRaw(rng, d.bias_type));
    const FixedType res = RandomType(rng, 1, 31, true);
    internal::DensePlan plan = internal::PlanDense(in, d.weight_type, acc, res, false);
    if (plan.kind != internal::DenseKernelKind::kFast64 || !plan.mul32) continue;
    std::vector<int64_t> w_by_out(d.weights.size());
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) w_by_out[j * d.n_in + i] = d.weights[i * d.n_out + j];
    }
    internal::PlanFmaProducts(in, w_by_out, d.n_in, plan);
    Int128 max_row = 0;
    for (int j = 0; j < d.n_out; ++j) {
      Int128 row = 0;
      for (int i = 0; i < d.n_in; ++i) {
        const int64_t w = w_by_out[j * d.n_in + i];
        row += w < 0 ? -Int128{w} : Int128{w};
      }
      max_row = std::max(max_row, row);
    }
    const Int128 bound = (Int128{1} << acc.width) + ((max_row << x_bits) << sl);
    const bool within = plan.params.shift_right == 0 && bound < (Int128{1} << 51);
    ASSERT_EQ(plan.params.f64_weights != nullptr, within)
        << "config " << config << ": in " << in.ToString() << " weight " << d.weight_type.ToString()
        << " accum " << acc.ToString() << " shift_left " << plan.params.shift_left << " bound 2^"
        << std::log2(static_cast<double>(bound));
    if (!within) {
      ++refused;
      continue;
    }
    ++planned;
    near_bound += bound >= (Int128{1} << 49);
    internal::DenseEpilogue e;
    e.to_result = *plan.to_result;
    std::vector<int64_t> bias(d.n_out);
    for (int j = 0; j < d.n_out; ++j) bias[j] = Convert(d.bias_type, d.biases[j], acc);
    for (int lanes : {internal::kSmallBlock, internal::kKernelBlock}) {
      std::vector<int64_t> x(static_cast<size_t>(d.n_in) * lanes);
      for (size_t k = 0; k < x.size(); ++k) {
        x[k] = extreme && rng() % 2 ? MinOf(in) : RandomRaw(rng, in);
      }
      std::vector<int64_t> want(static_cast<size_t>(d.n_out) * lanes);
      for (int b = 0; b < lanes; ++b) {
        std::vector<int64_t> sample(d.n_in);
        for (int i = 0; i < d.n_in; ++i) sample[i] = x[i * lanes + b];
        const std::vector<int64_t> y = GenericDense(in, d, res, sample);
        for (int j = 0; j < d.n_out; ++j) {
          want[j * lanes + b] = y[j];
          Int128 sum = bias[j];
          for (int i = 0; i < d.n_in; ++i)
            sum += (Int128{sample[i]} * w_by_out[j * d.n_in + i]) << sl;
          wrapped += sum > internal::MaxRaw(acc) || sum < internal::MinRaw(acc);
        }
      }
      std::vector<int64_t> y(want.size());
      internal::DenseMul32BlockOn(internal::KernelIsa::kPortable, x.data(), lanes, w_by_out.data(),
                                  bias.data(), d.n_in, d.n_out, plan.params, e, y.data());
      ASSERT_EQ(y, want) << "portable, config " << config;
      for (internal::KernelIsa isa : isas) {
        std::fill(y.begin(), y.end(), 0);
        ASSERT_TRUE(internal::DenseF64BlockOn(isa, x.data(), lanes, plan.params.f64_weights->data(),
                                              bias.data(), d.n_in, d.n_out, plan.params, e,
                                              y.data()));
        ASSERT_EQ(y, want) << "isa " << static_cast<int>(isa) << " lanes " << lanes << " config "
                           << config << ": in " << in.ToString() << " weight "
                           << d.weight_type.ToString() << " accum " << acc.ToString();
        ++runs;
      }
    }
  }
  EXPECT_GE(planned, 100);
  EXPECT_GE(refused, 10);
  EXPECT_GE(near_bound, 30);
  EXPECT_GE(wrapped, 1000);  // sums beyond accum_t, wrapped by the epilogue
  if (!isas.empty()) {
    EXPECT_GE(runs, 200);
  }
}

// The generic exact conv2d (channel-last, [kh][kw][chan][filt] weights) for one sample, padded
// positions skipped.
std::vector<int64_t> GenericConv(const FixedType& in, const ConvSpec& c, const FixedType& res,
                                 const std::vector<int64_t>& x) {
  const FixedType& acc_t = c.accum_type;
  const int shift = in.fractional_bits() + c.weight_type.fractional_bits() - acc_t.fractional_bits();
  std::vector<int64_t> y;
  for (int oh = 0; oh < c.out_height; ++oh) {
    for (int ow = 0; ow < c.out_width; ++ow) {
      for (int f = 0; f < c.n_filt; ++f) {
        int64_t acc = Convert(c.bias_type, c.biases[f], acc_t);
        for (int kh = 0; kh < c.filt_height; ++kh) {
          for (int kw = 0; kw < c.filt_width; ++kw) {
            const int iy = oh * c.stride_height + kh - c.pad_top;
            const int ix = ow * c.stride_width + kw - c.pad_left;
            if (iy < 0 || iy >= c.in_height || ix < 0 || ix >= c.in_width) continue;
            for (int ch = 0; ch < c.n_chan; ++ch) {
              const Int128 p =
                  WideRaw(in, x[(iy * c.in_width + ix) * c.n_chan + ch]) *
                  WideRaw(c.weight_type,
                          c.weights[((kh * c.filt_width + kw) * c.n_chan + ch) * c.n_filt + f]);
              const int64_t pq = internal::QuantizeScaled(acc_t, p, -shift);
              acc = internal::ApplyOverflow(acc_t, WideRaw(acc_t, acc) + WideRaw(acc_t, pq));
            }
          }
        }
        y.push_back(Convert(acc_t, acc, res));
      }
    }
  }
  return y;
}

// Conv layers run as dense kernels over output pixels (network_layers.cc's fast path): random
// geometries (padding, strides, images of more and fewer than 64 output pixels) and types.
TEST(DenseKernelsTest, ConvOnTheDenseKernelsMatchesTheGenericPath) {
  std::mt19937_64 rng(2020);
  std::map<internal::DenseKernelKind, int> kinds;
  for (int config = 0; config < 400; ++config) {
    ConvSpec c;
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    c.in_height = pick(1, 12);
    c.in_width = pick(1, 12);
    c.n_chan = pick(1, 4);
    c.filt_height = pick(1, std::min(3, c.in_height));
    c.filt_width = pick(1, std::min(3, c.in_width));
    c.n_filt = pick(1, 9);
    c.stride_height = pick(1, 2);
    c.stride_width = pick(1, 2);
    if (rng() % 2) {
      c.pad_top = c.filt_height / 2;
      c.pad_bottom = (c.filt_height - 1) / 2;
      c.pad_left = c.filt_width / 2;
      c.pad_right = (c.filt_width - 1) / 2;
    }
    c.out_height = (c.in_height + c.pad_top + c.pad_bottom - c.filt_height) / c.stride_height + 1;
    c.out_width = (c.in_width + c.pad_left + c.pad_right - c.filt_width) / c.stride_width + 1;
    const FixedType in = RandomType(rng, 1, config % 4 == 0 ? 32 : 18, false);
    const int window = c.filt_height * c.filt_width * c.n_chan;
    // The accumulator and weight types of a random dense layer of the window's size.
    DenseSpec d = RandomDense(rng, in, c.n_filt, config % 4 == 0 ? 32 : 20);
    c.weight_type = d.weight_type;
    c.bias_type = d.bias_type;
    c.accum_type = d.accum_type;
    for (int k = 0; k < window * c.n_filt; ++k) c.weights.push_back(RandomRaw(rng, c.weight_type));
    for (int f = 0; f < c.n_filt; ++f) c.biases.push_back(RandomRaw(rng, c.bias_type));
    const FixedType res = RandomType(rng, 1, 30, true);
    ++kinds[internal::PlanDense(in, c.weight_type, c.accum_type, res, false).kind];
    NetworkSpec spec{in, c.in_height * c.in_width * c.n_chan, {LayerSpec{"conv", res, c}}};
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    std::vector<std::vector<int64_t>> samples(3);
    for (auto& s : samples) {
      for (int i = 0; i < spec.input_size; ++i) s.push_back(RandomRaw(rng, in));
    }
    const std::vector<std::vector<int64_t>> got = RunBatch(**net, samples);
    for (size_t b = 0; b < samples.size(); ++b) {
      ASSERT_EQ(got[b], GenericConv(in, c, res, samples[b]))
          << "config " << config << " sample " << b << ": in " << in.ToString() << " weight "
          << c.weight_type.ToString() << " accum " << c.accum_type.ToString() << " result "
          << res.ToString() << " image " << c.in_height << "x" << c.in_width << "x" << c.n_chan
          << " filter " << c.filt_height << "x" << c.filt_width << "x" << c.n_filt;
    }
  }
  EXPECT_GE(kinds[internal::DenseKernelKind::kWrap32], 15);
  EXPECT_GE(kinds[internal::DenseKernelKind::kFast32], 15);
  EXPECT_GE(kinds[internal::DenseKernelKind::kFast64], 15);
}

TEST(FastConvertTest, EveryQuantizationAndOverflowModeMatchesConvert) {
  std::mt19937_64 rng(5);
  int fast = 0;
  for (int config = 0; config < 3000; ++config) {
    const FixedType from = RandomType(rng, 1, 62, false);
    const FixedType to = RandomType(rng, 1, 62, true);
    const std::optional<internal::FastConvert> c = internal::MakeFastConvert(from, to);
    if (!c) continue;
    ++fast;
    std::vector<int64_t> x(70), y(70);
    for (int64_t& v : x) v = RandomRaw(rng, from);
    internal::ConvertBlock(from, x.data(), to, y.data(), x.size());
    for (size_t k = 0; k < x.size(); ++k) {
      const int64_t want = Convert(from, x[k], to);
      ASSERT_EQ(internal::FastConvertOne(*c, x[k]), want)
          << from.ToString() << " -> " << to.ToString() << " raw " << x[k];
      ASSERT_EQ(y[k], want) << from.ToString() << " -> " << to.ToString() << " raw " << x[k];
    }
  }
  EXPECT_GE(fast, 1500);
}

// UnpackBlock / PackBlock (and their int32-lane forms) against the scalar UnpackRaw / PackRaw on
// every width and signedness, 1 to 10, 16, 17 and 23 features (1 to 8 take the fixed-layout
// loops, the rest the generic ones; 2-byte containers in whole tiles of 8 samples the AVX-512
// transpose, whose feature tiles overlap when 8 does not divide the count), both block sizes and
// sample counts from 1 to a full block. Containers hold random
// bytes (bits above the width are garbage UnpackRaw ignores) or a type extreme; lanes past the
// count must unpack to 0, and pack must write exactly `count` samples.
TEST(BlockPackingTest, UnpackAndPackMatchTheScalarRawPacking) {
  std::mt19937_64 rng(42);
  int checked = 0;
  for (int width = 1; width <= 64; ++width) {
    for (bool is_signed : {true, false}) {
      FixedType t;
      t.width = width;
      t.integer_bits = width / 2;
      t.is_signed = is_signed;
      const int cb = t.container_bytes();
      const bool fits32 = (is_signed ? width - 1 : width) <= 31;
      for (int n : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 23}) {
        for (int lanes : {internal::kSmallBlock, internal::kKernelBlock}) {
          for (int count : {1, 2, 3, lanes / 2 + 1, lanes - 1, lanes}) {
            SCOPED_TRACE(t.ToString() + " n " + std::to_string(n) + " lanes " +
                         std::to_string(lanes) + " count " + std::to_string(count));
            std::vector<uint8_t> in(static_cast<size_t>(count) * n * cb);
            for (uint8_t& byte : in) byte = static_cast<uint8_t>(rng());
            for (size_t at = 0; at < in.size(); at += cb) {
              if (rng() % 4 == 0) PackRaw(t, rng() % 2 ? MinOf(t) : MaxOf(t), in.data() + at);
            }
            const size_t block = static_cast<size_t>(n) * lanes;
            std::vector<int64_t> x64(block, 0x5a5a);
            internal::UnpackBlock(t, in.data(), n, count, lanes, x64.data());
            std::vector<int32_t> x32(block, 0x5a5a);
            if (fits32) internal::UnpackBlock32(t, in.data(), n, count, lanes, x32.data());
            for (int f = 0; f < n; ++f) {
              for (int b = 0; b < lanes; ++b) {
                const size_t k = static_cast<size_t>(f) * lanes + b;
                const int64_t want =
                    b < count ? UnpackRaw(t, in.data() + (static_cast<size_t>(b) * n + f) * cb) : 0;
                ASSERT_EQ(x64[k], want) << "feature " << f << " lane " << b;
                if (fits32) {
                  ASSERT_EQ(x32[k], want) << "int32 lanes, feature " << f << " lane " << b;
                }
              }
            }
            // Pack valid raws (lanes past the count hold garbage that must not be written).
            std::vector<int64_t> raws(block);
            for (size_t k = 0; k < block; ++k) {
              raws[k] = static_cast<int>(k % lanes) < count ? internal::WrapToWidth(t, rng())
                                                            : static_cast<int64_t>(rng());
              if (rng() % 4 == 0 && static_cast<int>(k % lanes) < count) {
                raws[k] = rng() % 2 ? MinOf(t) : MaxOf(t);
              }
            }
            std::vector<uint8_t> want(static_cast<size_t>(count + 1) * n * cb, 0xee);
            for (int b = 0; b < count; ++b) {
              for (int f = 0; f < n; ++f) {
                PackRaw(t, raws[static_cast<size_t>(f) * lanes + b],
                        want.data() + (static_cast<size_t>(b) * n + f) * cb);
              }
            }
            std::vector<uint8_t> out(want.size(), 0xee);
            internal::PackBlock(t, raws.data(), n, count, lanes, out.data());
            ASSERT_EQ(out, want);
            if (fits32) {
              std::vector<int32_t> raws32(block);
              for (size_t k = 0; k < block; ++k) raws32[k] = static_cast<int32_t>(raws[k]);
              std::vector<uint8_t> out32(want.size(), 0xee);
              internal::PackBlock32(t, raws32.data(), n, count, lanes, out32.data());
              ASSERT_EQ(out32, want) << "int32 lanes";
            }
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 64 * 2 * 13 * 2 * 6);
}

}  // namespace
}  // namespace fpgaas::numerics
