// Test helper (header only): runs a network on a batch of samples through Network::Run, which
// takes the block path (ExtraLayer::RunBlock, lanes past the last sample included) for batches of
// kMinSmallBlockSamples or more, and holds every sample's outputs against the independent
// reference (reference::ReferenceRunGraph).
#ifndef FPGAAS_TESTS_UNIT_NUMERICS_BATCH_REFERENCE_CHECK_H_
#define FPGAAS_TESTS_UNIT_NUMERICS_BATCH_REFERENCE_CHECK_H_

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics::batch_check {

// 1 and 5: one sample at a time; 16: one 16-lane block; 17: a block, then one sample; 64: one
// 64-lane block; 70: a 64-lane block, then a 16-lane block holding 6; 130: two 64-lane blocks
// (one 128-lane block in a network of wide blocks), then two samples; 330: two 128-lane blocks
// (wide blocks) or five 64-lane ones, then 64 or 10 more samples.
inline constexpr int kBatchSizes[] = {1, 5, 16, 17, 64, 70, 130, 330};

// n raws of t: a quarter t's minimum, a quarter its maximum, the rest uniform (over the whole
// range or, one time in four, over the low 3 bits' range).
template <typename Rng>
std::vector<int64_t> RandomRaws(const FixedType& t, int n, Rng& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto range = [&](int bits, int64_t& lo, int64_t& hi) {
    lo = t.is_signed ? (bits == 64 ? INT64_MIN : -(int64_t{1} << (bits - 1))) : 0;
    hi = t.is_signed ? (bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1)
                     : (bits >= 63 ? INT64_MAX : (int64_t{1} << bits) - 1);
  };
  int64_t min = 0, max = 0;
  range(t.width, min, max);
  std::vector<int64_t> raws(static_cast<size_t>(n));
  for (int64_t& r : raws) {
    switch (pick(0, 3)) {
      case 0:
        r = min;
        break;
      case 1:
        r = max;
        break;
      default: {
        int64_t lo = min, hi = max;
        if (pick(0, 3) == 0) range(std::min(t.width, 3), lo, hi);
        r = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
      }
    }
  }
  return raws;
}

// samples[b][k]: the raws of input k of sample b (spec.inputs order, or the single input).
inline ::testing::AssertionResult BatchMatchesReference(
    const NetworkSpec& spec, const Network& net,
    const std::vector<std::vector<std::vector<int64_t>>>& samples) {
  const size_t batch = samples.size();
  std::vector<std::vector<uint8_t>> in(net.num_inputs()), out(net.num_outputs());
  std::vector<const uint8_t*> in_ptrs;
  std::vector<uint8_t*> out_ptrs;
  for (int k = 0; k < net.num_inputs(); ++k) {
    const FixedType& t = net.input_type(k);
    in[k].resize(batch * net.input_bytes_per_sample(k));
    for (size_t b = 0; b < batch; ++b) {
      for (int i = 0; i < net.input_size(k); ++i) {
        PackRaw(t, samples[b][k][i],
                in[k].data() + (b * net.input_size(k) + i) * t.container_bytes());
      }
    }
    in_ptrs.push_back(in[k].data());
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    out[k].resize(batch * net.output_bytes_per_sample(k));
    out_ptrs.push_back(out[k].data());
  }
  net.Run(in_ptrs.data(), out_ptrs.data(), batch);
  for (size_t b = 0; b < batch; ++b) {
    absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
        reference::ReferenceRunGraph(spec, samples[b]);
    if (!expected.ok()) return ::testing::AssertionFailure() << expected.status();
    for (int k = 0; k < net.num_outputs(); ++k) {
      const FixedType& t = net.output_type(k);
      for (int j = 0; j < net.output_size(k); ++j) {
        const int64_t got =
            UnpackRaw(t, out[k].data() + (b * net.output_size(k) + j) * t.container_bytes());
        if (got != (*expected)[k][j]) {
          return ::testing::AssertionFailure()
                 << "batch " << batch << ", sample " << b << ", output " << k << "[" << j
                 << "]: " << got << ", reference " << (*expected)[k][j];
        }
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Every batch size of kBatchSizes, each sample's inputs from RandomRaws.
template <typename Rng>
::testing::AssertionResult BatchesMatchReference(const NetworkSpec& spec, const Network& net,
                                                 Rng& rng) {
  for (int batch : kBatchSizes) {
    std::vector<std::vector<std::vector<int64_t>>> samples(static_cast<size_t>(batch));
    for (auto& sample : samples) {
      for (int k = 0; k < net.num_inputs(); ++k) {
        sample.push_back(RandomRaws(net.input_type(k), net.input_size(k), rng));
      }
    }
    if (::testing::AssertionResult r = BatchMatchesReference(spec, net, samples); !r) return r;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace fpgaas::numerics::batch_check

#endif  // FPGAAS_TESTS_UNIT_NUMERICS_BATCH_REFERENCE_CHECK_H_
