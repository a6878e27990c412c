// The kernel wrapper + the project's hls4ml code, compiled for the host against fpgaas' own ap
// types and nnet layers (kernels/host/), must compute what fpgaas' emulator (numerics::Network)
// computes, bit for bit: two independent implementations of the hls4ml semantics agree. One binary
// per example project (FPGAAS_TEST_PROJECT_DIR); inputs: the project's tb_data, every bit pattern
// region of the input type at random, and realistic values.
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

extern "C" {
void fpgaas_host_kernel(const void* in, void* out, unsigned batch_size);
unsigned fpgaas_host_kernel_input_bytes();
unsigned fpgaas_host_kernel_output_bytes();
unsigned fpgaas_host_kernel_input_size();
unsigned fpgaas_host_kernel_output_size();
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

  // Runs both on `batch` packed samples; expects identical packed outputs.
  void ExpectSameOutputs(const std::vector<uint8_t>& in, int batch, const std::string& what) {
    const size_t out_bytes = batch * network_->output_bytes_per_sample();
    std::vector<uint8_t> emulated(out_bytes, 0xAA), host(out_bytes, 0x55);
    network_->Run(in.data(), emulated.data(), batch);
    fpgaas_host_kernel(in.data(), host.data(), unsigned(batch));
    const numerics::FixedType& type = network_->output_type();
    const int per_sample = network_->output_size();
    int mismatches = 0;
    for (int s = 0; s < batch && mismatches < 5; ++s) {
      for (int j = 0; j < per_sample; ++j) {
        const size_t at = (size_t(s) * per_sample + j) * type.container_bytes();
        const int64_t e = numerics::UnpackRaw(type, emulated.data() + at);
        const int64_t h = numerics::UnpackRaw(type, host.data() + at);
        if (e != h) {
          ADD_FAILURE() << what << ": sample " << s << " output " << j << ": emulator "
                        << numerics::ToDouble(type, e) << " (raw " << e << "), host kernel "
                        << numerics::ToDouble(type, h) << " (raw " << h << ")";
          ++mismatches;
        }
      }
    }
    EXPECT_EQ(mismatches, 0) << what;
  }

  std::vector<uint8_t> Pack(const std::vector<int64_t>& raws) {
    const numerics::FixedType& type = network_->input_type();
    std::vector<uint8_t> packed(raws.size() * type.container_bytes());
    for (size_t i = 0; i < raws.size(); ++i) {
      numerics::PackRaw(type, raws[i], packed.data() + i * type.container_bytes());
    }
    return packed;
  }

  std::shared_ptr<const numerics::Network> network_;
};

TEST_F(KernelHostTest, KernelShapeMatchesTheNetwork) {
  EXPECT_EQ(fpgaas_host_kernel_input_size(), unsigned(network_->input_size()));
  EXPECT_EQ(fpgaas_host_kernel_output_size(), unsigned(network_->output_size()));
  // The kernel reads fpgaas' packed layout directly: sizeof(input_t) is the container size.
  EXPECT_EQ(fpgaas_host_kernel_input_bytes(), unsigned(network_->input_type().container_bytes()));
  EXPECT_EQ(fpgaas_host_kernel_output_bytes(), unsigned(network_->output_type().container_bytes()));
}

TEST_F(KernelHostTest, TestbenchInputsGiveIdenticalBits) {
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
  ExpectSameOutputs(Pack(raws), batch, "tb_data");
}

TEST_F(KernelHostTest, RandomBitPatternsGiveIdenticalBits) {
  // Every raw value of the input type is possible: exercises wrap-around and saturation in every
  // layer, not only the trained input range.
  const numerics::FixedType& type = network_->input_type();
  std::mt19937_64 rng(20241122);
  const int batch = 4096;
  std::vector<int64_t> raws(size_t(batch) * network_->input_size());
  const int w = type.width;
  const int64_t lo = type.is_signed ? -(int64_t(1) << (w - 1)) : 0;
  const int64_t hi = type.is_signed ? (int64_t(1) << (w - 1)) - 1 : (int64_t(1) << w) - 1;
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int64_t& r : raws) r = any(rng);
  ExpectSameOutputs(Pack(raws), batch, "random bit patterns");
}

TEST_F(KernelHostTest, RealisticValuesGiveIdenticalBits) {
  const numerics::FixedType& type = network_->input_type();
  std::mt19937_64 rng(7);
  std::normal_distribution<double> gauss(0.0, 2.0);
  const int batch = 4096;
  std::vector<int64_t> raws;
  for (int i = 0; i < batch * network_->input_size(); ++i) {
    absl::StatusOr<int64_t> raw = numerics::FromDouble(type, gauss(rng));
    ASSERT_TRUE(raw.ok());
    raws.push_back(*raw);
  }
  ExpectSameOutputs(Pack(raws), batch, "gaussian values");
}

}  // namespace
}  // namespace fpgaas
