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

}  // namespace
}  // namespace fpgaas
