#include "server/device/device_manager.h"

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/device/fake/fake_device.h"
#include "tests/unit/device/small_network.h"

namespace fpgaas {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

DeviceManagerOptions Options(const std::string& devices, Clock* clock,
                             std::vector<std::shared_ptr<Device>> injected = {}) {
  DeviceManagerOptions options;
  options.devices = devices;
  options.clock = clock;
  options.injected = std::move(injected);
  return options;
}

std::shared_ptr<FakeDevice> Fake(const std::string& name) {
  FakeDeviceOptions options;
  options.name = name;
  return std::make_shared<FakeDevice>(options);
}

TEST(DeviceManagerTest, EmuServesTheEmulatedDevice) {
  RealClock clock;
  auto manager = DeviceManager::Create(Options("emu", &clock));
  ASSERT_TRUE(manager.ok()) << manager.status();
  EXPECT_THAT((*manager)->device_names(), ElementsAre("emu"));
  EXPECT_TRUE((*manager)->ready());
  auto model = (*manager)->Load(testing::SmallModelSpec(4, 2));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->slots().size(), 2u);
}

// --device=auto takes XRT only for real cards; XCL_EMULATION_MODE (XRT's software/hardware
// emulation) means there is none, so auto serves the emulated FPGA.
TEST(DeviceManagerTest, AutoWithoutARealCardServesTheEmulatedDevice) {
  const char* previous = std::getenv("XCL_EMULATION_MODE");
  const std::string saved = previous != nullptr ? previous : "";
  setenv("XCL_EMULATION_MODE", "sw_emu", 1);
  RealClock clock;
  auto manager = DeviceManager::Create(Options("auto", &clock));
  if (previous != nullptr) {
    setenv("XCL_EMULATION_MODE", saved.c_str(), 1);
  } else {
    unsetenv("XCL_EMULATION_MODE");
  }
  ASSERT_TRUE(manager.ok()) << manager.status();
  EXPECT_THAT((*manager)->device_names(), ElementsAre("emu"));
  EXPECT_TRUE((*manager)->Load(testing::SmallModelSpec(4, 2)).ok());
}

TEST(DeviceManagerTest, BadSelectionsFailWithAClearError) {
  RealClock clock;
  auto fake = DeviceManager::Create(Options("fake", &clock));
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(fake.status().message(), HasSubstr("injected"));
  auto bogus = DeviceManager::Create(Options("gpu", &clock));
  EXPECT_EQ(bogus.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bogus.status().message(), HasSubstr("--device=gpu"));
  EXPECT_EQ(DeviceManager::Create(Options("emu", nullptr)).status().code(),
            absl::StatusCode::kInvalidArgument);  // no clock
}

TEST(DeviceManagerTest, PlacesByDeviceNameAndSkipsUnhealthyOrRefusingDevices) {
  RealClock clock;
  auto a = Fake("fake:0"), b = Fake("fake:1");
  auto manager = DeviceManager::Create(Options("fake", &clock, {a, b}));
  ASSERT_TRUE(manager.ok()) << manager.status();
  EXPECT_THAT((*manager)->device_names(), ElementsAre("fake:0", "fake:1"));

  DeviceModelSpec spec = testing::SmallModelSpec();
  spec.devices = {"fake:1"};
  ASSERT_TRUE((*manager)->Load(spec).ok());
  EXPECT_EQ(a->loads(), 0);
  EXPECT_EQ(b->loads(), 1);

  spec.devices = {"fake:7"};
  auto missing = (*manager)->Load(spec);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("'fake:7'"));

  spec.devices.clear();
  a->SetHealthy(false);
  ASSERT_TRUE((*manager)->Load(spec).ok());
  EXPECT_EQ(a->loads(), 0);
  EXPECT_EQ(b->loads(), 2);

  a->SetHealthy(true);
  a->FailNextLoad(absl::ResourceExhaustedError("card holds another xclbin"));
  ASSERT_TRUE((*manager)->Load(spec).ok());
  EXPECT_EQ(b->loads(), 3);

  a->SetHealthy(false);
  b->SetHealthy(false);
  EXPECT_FALSE((*manager)->ready());
  EXPECT_EQ((*manager)->Load(spec).status().code(), absl::StatusCode::kUnavailable);
}

// Several devices listed: the model runs on all of them (one slot set per device), is ready
// while any of them serves, and fails to load, naming the device, if one of them refuses it.
TEST(DeviceManagerTest, AModelListingSeveralDevicesSpansThemAll) {
  RealClock clock;
  FakeDeviceOptions two_slots;
  two_slots.slots_per_model = 2;
  two_slots.name = "fake:0";
  auto a = std::make_shared<FakeDevice>(two_slots);
  two_slots.name = "fake:1";
  auto b = std::make_shared<FakeDevice>(two_slots);
  auto manager = DeviceManager::Create(Options("fake", &clock, {a, b}));
  ASSERT_TRUE(manager.ok()) << manager.status();

  DeviceModelSpec spec = testing::SmallModelSpec();
  spec.devices = {"fake:0", "fake:1"};
  auto loaded = (*manager)->Load(spec);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(a->loads(), 1);
  EXPECT_EQ(b->loads(), 1);
  std::vector<std::string> slots;
  for (ExecutionSlot* slot : (*loaded)->slots()) slots.push_back(slot->name());
  EXPECT_THAT(slots, ElementsAre("fake:0/slot0", "fake:0/slot1", "fake:1/slot0", "fake:1/slot1"));
  EXPECT_EQ((*loaded)->spec().model_name, spec.model_name);

  a->SetHealthy(false);
  EXPECT_TRUE((*loaded)->ready());
  EXPECT_FALSE((*loaded)->slots()[0]->in_service());
  EXPECT_TRUE((*loaded)->slots()[2]->in_service());
  b->SetHealthy(false);
  EXPECT_FALSE((*loaded)->ready());
  a->SetHealthy(true);
  b->SetHealthy(true);

  b->FailNextLoad(absl::ResourceExhaustedError("card holds another xclbin"));
  auto refused = (*manager)->Load(spec);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("on fake:1: card holds another xclbin"));
}

}  // namespace
}  // namespace fpgaas
