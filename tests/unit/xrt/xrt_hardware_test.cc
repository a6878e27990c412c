// Needs a real card (CTest label "hardware"): skipped cleanly when XRT enumerates none, e.g. in CI
// and on the noop shim. Run with `ctest -L hardware` on a machine with an Alveo card and XRT set up
// (XILINX_XRT from /opt/xilinx/xrt/setup.sh). Set FPGAAS_HW_MODEL_DIR to a model version folder
// holding a real model.xclbin (kernel "myproject", 16 x ap_fixed<16,6> in, 5 out) to run a batch.
#include <cstdlib>

#include "gtest/gtest.h"
#include "server/device/xrt/xrt_device.h"
#include "tests/support/xrt_test_support.h"

namespace fpgaas {
namespace {

TEST(XrtHardwareTest, EnumeratesAndOpensEveryCard) {
  if (!RealXrtCardPresent()) GTEST_SKIP() << "no FPGA card: XRT enumerates none here";
  absl::StatusOr<int> count = CountXrtCards();
  ASSERT_TRUE(count.ok()) << count.status();
  RealClock clock;
  for (int i = 0; i < *count; ++i) {
    XrtDeviceOptions options;
    options.card_index = i;
    options.clock = &clock;
    absl::StatusOr<std::unique_ptr<XrtDevice>> card = XrtDevice::Create(options);
    ASSERT_TRUE(card.ok()) << card.status();
    EXPECT_TRUE((*card)->healthy());
  }
}

TEST(XrtHardwareTest, RunsABatchOfARealXclbin) {
  if (!RealXrtCardPresent()) GTEST_SKIP() << "no FPGA card: XRT enumerates none here";
  const char* dir = std::getenv("FPGAAS_HW_MODEL_DIR");
  if (dir == nullptr) GTEST_SKIP() << "FPGAAS_HW_MODEL_DIR not set";
  RealClock clock;
  XrtDeviceOptions options;
  options.clock = &clock;
  absl::StatusOr<std::unique_ptr<XrtDevice>> card = XrtDevice::Create(options);
  ASSERT_TRUE(card.ok()) << card.status();
  DeviceModelSpec spec;
  spec.model_name = "hardware";
  spec.version_dir = dir;
  spec.xclbin = "model.xclbin";
  spec.kernel_name = "myproject";
  spec.input_size = 16;
  spec.output_size = 5;
  spec.max_batch_size = 64;
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = (*card)->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  StageTimes times;
  EXPECT_TRUE((*model)->slots()[0]->Execute(64, &times).ok());
}

}  // namespace
}  // namespace fpgaas
