#include "server/device/fake/fake_device.h"

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgaas {
namespace {

DeviceModelSpec Spec(int input_size = 2, int output_size = 3) {
  DeviceModelSpec spec;
  spec.model_name = "m";
  spec.max_batch_size = 4;
  spec.compute_units = 2;
  spec.input_size = input_size;
  spec.output_size = output_size;
  spec.input_type = numerics::FixedType{8, 4};    // 1-byte container
  spec.output_type = numerics::FixedType{12, 8};  // 2-byte container, same 4 fraction bits
  return spec;
}

TEST(FakeDeviceTest, EchoesInputValuesIntoTheOutputTypeAndRecordsTheBatch) {
  FakeDevice device;
  auto model = device.Load(Spec());
  ASSERT_TRUE(model.ok());
  ASSERT_EQ((*model)->slots().size(), 2u);  // compute_units
  ExecutionSlot* slot = (*model)->slots()[0];
  const int8_t in[4] = {16, -8, 3, 127};  // raw ap_fixed<8,4>: 1.0, -0.5, 0.1875, 7.9375
  std::memcpy(slot->input(), in, 4);
  StageTimes times;
  ASSERT_TRUE(slot->Execute(2, &times).ok());
  int16_t out[6];
  std::memcpy(out, slot->output(), sizeof(out));
  // Output j of a sample is its input j % 2, same value in the wider type.
  EXPECT_THAT(out, ::testing::ElementsAre(16, -8, 16, 3, 127, 3));
  auto executions = device.executions();
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].batch, 2);
  EXPECT_EQ(executions[0].input, std::string(reinterpret_cast<const char*>(in), 4));
  EXPECT_EQ(executions[0].slot, "fake/slot0");
}

TEST(FakeDeviceTest, InjectedErrorsComeBackInOrder) {
  FakeDevice device;
  device.FailNextLoad(absl::ResourceExhaustedError("no room"));
  EXPECT_EQ(device.Load(Spec()).status().code(), absl::StatusCode::kResourceExhausted);
  auto model = device.Load(Spec());
  ASSERT_TRUE(model.ok());
  device.FailNextExecutes(absl::UnavailableError("gone"), 2);
  ExecutionSlot* slot = (*model)->slots()[0];
  StageTimes times;
  EXPECT_EQ(slot->Execute(1, &times).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(slot->Execute(1, &times).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(slot->Execute(1, &times).ok());
  EXPECT_EQ(slot->Execute(5, &times).code(), absl::StatusCode::kInvalidArgument);
}

TEST(FakeDeviceTest, GateHoldsExecutionsUntilReleased) {
  FakeDeviceOptions options;
  options.reported_times.compute = absl::Microseconds(42);
  FakeDevice device(options);
  auto model = device.Load(Spec());
  ASSERT_TRUE(model.ok());
  device.HoldExecutions();
  StageTimes times;
  std::thread runner([&] { ASSERT_TRUE((*model)->slots()[1]->Execute(3, &times).ok()); });
  device.AwaitHeld(1);
  device.ReleaseExecutions();
  device.AwaitExecutions(1);
  runner.join();
  EXPECT_EQ(times.compute, absl::Microseconds(42));
}

TEST(FakeDeviceTest, CustomComputeFunction) {
  FakeDeviceOptions options;
  options.compute = [](const DeviceModelSpec& spec, const uint8_t*, int batch, uint8_t* out) {
    std::memset(out, 0x5a, size_t(batch) * spec.output_bytes_per_sample());
  };
  FakeDevice device(options);
  auto model = device.Load(Spec());
  ASSERT_TRUE(model.ok());
  StageTimes times;
  ASSERT_TRUE((*model)->slots()[0]->Execute(1, &times).ok());
  EXPECT_EQ((*model)->slots()[0]->output()[5], 0x5a);
}

}  // namespace
}  // namespace fpgaas
