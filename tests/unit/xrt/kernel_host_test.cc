// The kernel wrapper + the project's hls4ml code, compiled for the host against fpgaas' own ap
// types and nnet layers (kernels/host/), must compute what fpgaas' emulator (numerics::Network)
// computes, bit for bit: two independent implementations of the hls4ml semantics agree. One binary
// per example project (FPGAAS_TEST_PROJECT_DIR; io_parallel or io_stream, one or more inputs and
// outputs); inputs: the project's tb_data, every bit pattern of each input type at random, and
// realistic values.
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"

// What kernels/build.sh writes into the host build's kernel_top.cpp (kernels/wrapper).
struct fpgaas_host_tensor {
  unsigned bytes;
  unsigned size;
};
extern "C" {
void fpgaas_host_kernel(const void* const* in, void* const* out, unsigned batch_size);
extern const fpgaas_host_tensor fpgaas_host_kernel_inputs[];
extern const fpgaas_host_tensor fpgaas_host_kernel_outputs[];
extern const unsigned fpgaas_host_kernel_input_count;
extern const unsigned fpgaas_host_kernel_output_count;
}

namespace fpgaas {
namespace {

class KernelHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const numerics::Network>> network =
        numerics::LoadHls4mlNetwork(FPGAAS_TEST_PROJECT_DIR);
    ASSERT_TRUE(network.ok()) << network.status();
    network_ = *network;
  }

  // Runs both on `batch` packed samples (in[k]: input k); expects identical packed outputs.
  void ExpectSameOutputs(const std::vector<std::vector<uint8_t>>& in, int batch,
                         const std::string& what) {
    std::vector<const uint8_t*> in_ptrs;
    std::vector<const void*> in_void;
    for (const auto& tensor : in) {
      in_ptrs.push_back(tensor.data());
      in_void.push_back(tensor.data());
    }
    const int outputs = network_->num_outputs();
    std::vector<std::vector<uint8_t>> emulated(outputs), host(outputs);
    std::vector<uint8_t*> emulated_ptrs;
    std::vector<void*> host_ptrs;
    for (int k = 0; k < outputs; ++k) {
      const size_t bytes = batch * network_->output_bytes_per_sample(k);
      emulated[k].assign(bytes, 0xAA);
      host[k].assign(bytes, 0x55);
      emulated_ptrs.push_back(emulated[k].data());
      host_ptrs.push_back(host[k].data());
    }
    network_->Run(in_ptrs.data(), emulated_ptrs.data(), batch);
    fpgaas_host_kernel(in_void.data(), host_ptrs.data(), unsigned(batch));
    int mismatches = 0;
    for (int k = 0; k < outputs; ++k) {
      const numerics::FixedType& type = network_->output_type(k);
      const int per_sample = network_->output_size(k);
      for (int s = 0; s < batch && mismatches < 5; ++s) {
        for (int j = 0; j < per_sample; ++j) {
          const size_t at = (size_t(s) * per_sample + j) * type.container_bytes();
          const int64_t e = numerics::UnpackRaw(type, emulated[k].data() + at);
          const int64_t h = numerics::UnpackRaw(type, host[k].data() + at);
          if (e != h) {
            ADD_FAILURE() << what << ": output " << network_->output_name(k) << " sample " << s
                          << " value " << j << ": emulator " << numerics::ToDouble(type, e)
                          << " (raw " << e << "), host kernel " << numerics::ToDouble(type, h)
                          << " (raw " << h << ")";
            ++mismatches;
          }
        }
      }
    }
    EXPECT_EQ(mismatches, 0) << what;
  }

  // Input k's raw values packed.
  std::vector<uint8_t> Pack(int k, const std::vector<int64_t>& raws) {
    const numerics::FixedType& type = network_->input_type(k);
    std::vector<uint8_t> packed(raws.size() * type.container_bytes());
    for (size_t i = 0; i < raws.size(); ++i) {
      numerics::PackRaw(type, raws[i], packed.data() + i * type.container_bytes());
    }
    return packed;
  }

  // `batch` samples of every input, each value drawn by `draw(type)`.
  template <class Draw>
  std::vector<std::vector<uint8_t>> Inputs(int batch, Draw draw) {
    std::vector<std::vector<uint8_t>> in;
    for (int k = 0; k < network_->num_inputs(); ++k) {
      std::vector<int64_t> raws(size_t(batch) * network_->input_size(k));
      for (int64_t& r : raws) r = draw(network_->input_type(k));
      in.push_back(Pack(k, raws));
    }
    return in;
  }

  std::shared_ptr<const numerics::Network> network_;
};

TEST_F(KernelHostTest, KernelShapeMatchesTheNetwork) {
  ASSERT_EQ(fpgaas_host_kernel_input_count, unsigned(network_->num_inputs()));
  ASSERT_EQ(fpgaas_host_kernel_output_count, unsigned(network_->num_outputs()));
  // The kernel reads fpgaas' packed layout directly: a value's size is the container size.
  for (int k = 0; k < network_->num_inputs(); ++k) {
    EXPECT_EQ(fpgaas_host_kernel_inputs[k].size, unsigned(network_->input_size(k))) << k;
    EXPECT_EQ(fpgaas_host_kernel_inputs[k].bytes,
              unsigned(network_->input_type(k).container_bytes())) << k;
  }
  for (int k = 0; k < network_->num_outputs(); ++k) {
    EXPECT_EQ(fpgaas_host_kernel_outputs[k].size, unsigned(network_->output_size(k))) << k;
    EXPECT_EQ(fpgaas_host_kernel_outputs[k].bytes,
              unsigned(network_->output_type(k).container_bytes())) << k;
  }
}

TEST_F(KernelHostTest, TestbenchInputsGiveIdenticalBits) {
  if (network_->num_inputs() != 1) GTEST_SKIP() << "tb_data holds one input per line";
  std::ifstream file(std::string(FPGAAS_TEST_PROJECT_DIR) + "/tb_data/tb_input_features.dat");
  if (!file) GTEST_SKIP() << "project has no tb_data/tb_input_features.dat";
  std::vector<int64_t> raws;
  std::string line;
  int batch = 0;
  while (std::getline(file, line)) {
    std::istringstream values(line);
    double x;
    int n = 0;
    while (values >> x) {
      absl::StatusOr<int64_t> raw = numerics::FromDouble(network_->input_type(), x);
      ASSERT_TRUE(raw.ok()) << raw.status();
      raws.push_back(*raw);
      ++n;
    }
    if (n == 0) continue;
    ASSERT_EQ(n, network_->input_size()) << "line " << batch + 1;
    ++batch;
  }
  ASSERT_GT(batch, 0);
  ExpectSameOutputs({Pack(0, raws)}, batch, "tb_data");
}

TEST_F(KernelHostTest, RandomBitPatternsGiveIdenticalBits) {
  // Every raw value of each input type is possible: exercises wrap-around and saturation in every
  // layer, not only the trained input range.
  std::mt19937_64 rng(20241122);
  const auto any = [&rng](const numerics::FixedType& type) {
    const int w = type.width;
    const int64_t lo = type.is_signed ? -(int64_t(1) << (w - 1)) : 0;
    const int64_t hi = type.is_signed ? (int64_t(1) << (w - 1)) - 1 : (int64_t(1) << w) - 1;
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int batch = 4096;
  ExpectSameOutputs(Inputs(batch, any), batch, "random bit patterns");
}

TEST_F(KernelHostTest, RealisticValuesGiveIdenticalBits) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> gauss(0.0, 2.0);
  const auto realistic = [&](const numerics::FixedType& type) {
    absl::StatusOr<int64_t> raw = numerics::FromDouble(type, gauss(rng));
    EXPECT_TRUE(raw.ok());
    return raw.value_or(0);
  };
  const int batch = 4096;
  ExpectSameOutputs(Inputs(batch, realistic), batch, "gaussian values");
}

}  // namespace
}  // namespace fpgaas
