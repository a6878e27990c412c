#include "server/device/emu/emulated_device.h"

#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/tensor_packing.h"
#include "tests/unit/device/small_network.h"

namespace fpgaas {
namespace {

using ::fpgaas::testing::SmallModelSpec;
using ::testing::HasSubstr;

// Every Now() is 1 µs after the previous one, so each timed stage lasts exactly 1 µs.
class TickingClock final : public Clock {
 public:
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    now_ += absl::Microseconds(1);
    return now_;
  }
  bool WaitWithDeadline(absl::Mutex*, absl::CondVar*, absl::Time) override { return true; }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::UnixEpoch();
};

std::unique_ptr<EmulatedDevice> MakeDevice(Clock* clock) {
  EmulatedDeviceOptions options;
  options.clock = clock;
  auto device = EmulatedDevice::Create(options);
  EXPECT_TRUE(device.ok()) << device.status();
  return std::move(*device);
}

// Packs `batch` random samples into `dst` as the scheduler would.
void PackRandom(const DeviceModelSpec& spec, int batch, uint32_t seed, uint8_t* dst) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-8.0f, 8.0f);
  std::vector<float> values(size_t(batch) * spec.input_size);
  for (float& v : values) v = value(rng);
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, values.data(), values.size(),
                                     spec.input_type, dst)
                  .ok());
}

// Two inputs a (4 x ap_fixed<16,6>) and b (4 x ap_fixed<10,3>); outputs relu(a + b) in
// ap_fixed<12,4> and the sum a + b in ap_fixed<16,6>.
DeviceModelSpec TwoTensorSpec(int max_batch_size) {
  numerics::NetworkSpec net;
  net.inputs = {{"a", numerics::FixedType{16, 6}, 4}, {"b", numerics::FixedType{10, 3}, 4}};
  numerics::MergeSpec add;
  add.kind = numerics::MergeKind::kAdd;
  net.layers.push_back(numerics::LayerSpec{"sum", numerics::FixedType{16, 6}, add, {"a", "b"}});
  numerics::ActivationSpec relu;
  relu.kind = numerics::ActivationKind::kRelu;
  relu.n = 4;
  net.layers.push_back(numerics::LayerSpec{"relu", numerics::FixedType{12, 4}, relu, {"sum"}});
  net.outputs = {"relu", "sum"};
  auto network = numerics::Network::Create(net);
  EXPECT_TRUE(network.ok()) << network.status();
  DeviceModelSpec spec;
  spec.model_name = "two";
  spec.network = std::shared_ptr<const numerics::Network>(std::move(*network));
  spec.max_batch_size = max_batch_size;
  spec.input_type = numerics::FixedType{16, 6};
  spec.input_size = 4;
  spec.more_inputs = {DeviceTensor{"b", numerics::FixedType{10, 3}, 4}};
  spec.output_type = numerics::FixedType{12, 4};
  spec.output_size = 4;
  spec.more_outputs = {DeviceTensor{"sum", numerics::FixedType{16, 6}, 4}};
  return spec;
}

TEST(EmulatedDeviceTest, SeveralInputsAndOutputsHaveOneBufferEach) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  const DeviceModelSpec spec = TwoTensorSpec(8);
  auto model = device->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  ExecutionSlot* slot = (*model)->slots().at(0);
  const int batch = 7;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-6.0f, 6.0f);
  std::vector<std::vector<uint8_t>> packed(2);
  for (int k = 0; k < 2; ++k) {
    std::vector<float> values(size_t(batch) * 4);
    for (float& v : values) v = value(rng);
    packed[k].resize(size_t(batch) * spec.input_bytes_per_sample(k));
    ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, values.data(), values.size(),
                                       spec.input(k).type, packed[k].data())
                    .ok());
    std::memcpy(slot->input(k), packed[k].data(), packed[k].size());
  }
  ASSERT_NE(slot->input(0), slot->input(1));
  ASSERT_TRUE(slot->Execute(batch, nullptr).ok());
  std::vector<std::vector<uint8_t>> expected(2);
  for (int k = 0; k < 2; ++k) expected[k].resize(size_t(batch) * spec.output_bytes_per_sample(k));
  const uint8_t* in[] = {packed[0].data(), packed[1].data()};
  uint8_t* out[] = {expected[0].data(), expected[1].data()};
  spec.network->Run(in, out, batch);
  for (int k = 0; k < 2; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(std::vector<uint8_t>(slot->output(k), slot->output(k) + expected[k].size()),
              expected[k]);
  }
  // The relu output differs from the sum somewhere (the two buffers are not the same tensor).
  EXPECT_NE(std::memcmp(slot->output(0), slot->output(1), 4), 0);
}

TEST(EmulatedDeviceTest, RefusesTensorsThatDisagreeWithTheNetwork) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  DeviceModelSpec spec = TwoTensorSpec(8);
  spec.more_inputs.clear();
  auto model = device->Load(spec);
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.status().message(),
              HasSubstr("1 inputs and 2 outputs but the network has 2 and 2"));
  spec = TwoTensorSpec(8);
  spec.more_outputs[0].size = 3;
  model = device->Load(spec);
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.status().message(), HasSubstr("output 1 size 3 but the network gives 4"));
}

TEST(EmulatedDeviceTest, OutputEqualsTheNetworkOnTheSamePackedInput) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  const DeviceModelSpec spec = SmallModelSpec(8);
  auto model = device->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  ExecutionSlot* slot = (*model)->slots().at(0);
  for (int batch : {1, 5, 8}) {
    PackRandom(spec, batch, uint32_t(batch), slot->input());
    const std::string input(reinterpret_cast<const char*>(slot->input()),
                            size_t(batch) * spec.input_bytes_per_sample());
    StageTimes times;
    ASSERT_TRUE(slot->Execute(batch, &times).ok());
    std::string expected(size_t(batch) * spec.output_bytes_per_sample(), '\0');
    spec.network->Run(reinterpret_cast<const uint8_t*>(input.data()),
                      reinterpret_cast<uint8_t*>(expected.data()), size_t(batch));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(slot->output()), expected.size()), expected)
        << "batch " << batch;
    EXPECT_NE(expected, std::string(expected.size(), '\0'));  // the network computed something
  }
}

TEST(EmulatedDeviceTest, TimesTheThreeStagesWithTheClock) {
  TickingClock clock;
  auto device = MakeDevice(&clock);
  auto model = device->Load(SmallModelSpec(4));
  ASSERT_TRUE(model.ok());
  ExecutionSlot* slot = (*model)->slots().at(0);
  PackRandom((*model)->spec(), 4, 7, slot->input());
  StageTimes times;
  ASSERT_TRUE(slot->Execute(4, &times).ok());
  EXPECT_EQ(times.input_transfer, absl::Microseconds(1));
  EXPECT_EQ(times.compute, absl::Microseconds(1));
  EXPECT_EQ(times.output_transfer, absl::Microseconds(1));
}

TEST(EmulatedDeviceTest, OneSlotPerComputeUnitWithAlignedBuffersRunningConcurrently) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  const DeviceModelSpec spec = SmallModelSpec(16, 3);
  auto model = device->Load(spec);
  ASSERT_TRUE(model.ok());
  std::vector<ExecutionSlot*> slots = (*model)->slots();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0]->name(), "emu/cu0");
  EXPECT_EQ(slots[2]->name(), "emu/cu2");
  for (ExecutionSlot* slot : slots) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(slot->input()) % 64, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(slot->output()) % 64, 0u);
  }
  EXPECT_NE(slots[0]->input(), slots[1]->input());
  std::vector<std::thread> threads;
  std::vector<char> matches(slots.size());  // not vector<bool>: its elements share words
  for (size_t i = 0; i < slots.size(); ++i) {
    threads.emplace_back([&, i] {
      bool all = true;
      for (int round = 0; round < 200; ++round) {
        const int batch = 1 + (round + int(i)) % 16;
        PackRandom(spec, batch, uint32_t(round * 7 + i), slots[i]->input());
        std::vector<uint8_t> input(slots[i]->input(),
                                   slots[i]->input() + batch * spec.input_bytes_per_sample());
        std::vector<uint8_t> expected(batch * spec.output_bytes_per_sample());
        spec.network->Run(input.data(), expected.data(), size_t(batch));
        StageTimes times;
        all = all && slots[i]->Execute(batch, &times).ok() &&
              std::memcmp(slots[i]->output(), expected.data(), expected.size()) == 0;
      }
      matches[i] = all;
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < slots.size(); ++i) EXPECT_TRUE(matches[i]) << slots[i]->name();
}

TEST(EmulatedDeviceTest, ExecuteRejectsBatchesOutsideOneToMax) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  auto model = device->Load(SmallModelSpec(4));
  ASSERT_TRUE(model.ok());
  StageTimes times;
  EXPECT_EQ((*model)->slots()[0]->Execute(0, &times).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*model)->slots()[0]->Execute(5, &times).code(), absl::StatusCode::kInvalidArgument);
}

TEST(EmulatedDeviceTest, LoadRejectsSpecsThatDisagreeWithTheNetwork) {
  RealClock clock;
  auto device = MakeDevice(&clock);
  auto expect_invalid = [&](DeviceModelSpec spec, const std::string& message) {
    auto model = device->Load(spec);
    ASSERT_FALSE(model.ok()) << message;
    EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(model.status().message(), HasSubstr(message));
    EXPECT_THAT(model.status().message(), HasSubstr("model small version 1"));
  };
  DeviceModelSpec spec = SmallModelSpec();
  spec.network = nullptr;
  expect_invalid(spec, "no hls4ml network");
  spec = SmallModelSpec();
  spec.input_size = 5;
  expect_invalid(spec, "input_size 5 but the network takes 4");
  spec = SmallModelSpec();
  spec.output_size = 2;
  expect_invalid(spec, "output_size 2 but the network gives 3");
  spec = SmallModelSpec();
  spec.input_type = numerics::FixedType{18, 8};
  expect_invalid(spec, "input type ap_fixed<18,8>");
  spec = SmallModelSpec();
  spec.output_type = numerics::FixedType{16, 6, false};
  expect_invalid(spec, "output type");
  spec = SmallModelSpec();
  spec.max_batch_size = 0;
  expect_invalid(spec, "max_batch_size 0");
  spec = SmallModelSpec();
  spec.compute_units = 0;
  expect_invalid(spec, "compute_units 0");
  // The host-side rounding/overflow modes may differ from the network's: same bit layout.
  spec = SmallModelSpec();
  spec.input_type.quantization = numerics::Quantization::kRnd;
  spec.input_type.overflow = numerics::Overflow::kSat;
  EXPECT_TRUE(device->Load(spec).ok());
}

TEST(EmulatedDeviceTest, CreateNeedsAClock) {
  EXPECT_EQ(EmulatedDevice::Create(EmulatedDeviceOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgaas

namespace fpgaas {
namespace {

TEST(EmulatedDeviceMemoryTest, LoadsBeyondTheMemoryBudgetAreRefusedAndUnloadGivesItBack) {
  RealClock clock;
  DeviceModelSpec spec = SmallModelSpec(8);
  spec.compute_units = 2;
  const size_t one_model = *spec.BufferBytes() * 2;  // host and device copies
  EmulatedDeviceOptions options;
  options.clock = &clock;
  options.memory_bytes = one_model + one_model / 2;
  auto device = *EmulatedDevice::Create(options);
  auto first = device->Load(spec);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(device->used_memory_bytes(), one_model);
  auto second = device->Load(spec);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(second.status().message(), HasSubstr("bytes are free"));
  first->reset();
  EXPECT_EQ(device->used_memory_bytes(), 0u);
  EXPECT_TRUE(device->Load(spec).ok());
}

TEST(EmulatedDeviceMemoryTest, BufferSizesThatOverflowAreResourceExhausted) {
  DeviceModelSpec spec = SmallModelSpec(8);
  spec.max_batch_size = 2147483647;
  spec.compute_units = 2147483647;
  spec.input_size = 2147483647;
  EXPECT_EQ(spec.BufferBytes().status().code(), absl::StatusCode::kResourceExhausted);
  RealClock clock;
  auto device = MakeDevice(&clock);
  spec = SmallModelSpec(8);
  spec.max_batch_size = 2147483647;
  spec.compute_units = 256;
  auto model = device->Load(spec);  // default budget 4 GiB: refused before any allocation
  EXPECT_EQ(model.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(device->used_memory_bytes(), 0u);
}

}  // namespace
}  // namespace fpgaas
