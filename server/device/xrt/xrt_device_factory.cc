// The XRT factory of device_factory.h (DeviceManager's `--device=xrt...` and `auto`).
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/device/device_factory.h"
#include "server/device/xrt/xrt_device.h"

namespace fpgaas {

absl::StatusOr<std::vector<std::shared_ptr<Device>>> CreateXrtDevices(
    const std::string& selection, const DeviceManagerOptions& options) {
  std::vector<int> indices;
  if (selection == "xrt") {
    // Every real card. Under XRT's noop shim nothing enumerates: name a card ("xrt:0") to use it.
    absl::StatusOr<int> count = CountXrtCards();
    if (!count.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("--device=xrt: ", count.status().message()));
    }
    if (*count == 0) {
      return absl::FailedPreconditionError(
          "--device=xrt: no FPGA card found by XRT (xrt::system::enumerate_devices() is 0); "
          "use --device=emu (or auto) to run on the emulated FPGA");
    }
    for (int i = 0; i < *count; ++i) indices.push_back(i);
  } else {
    for (absl::string_view part : absl::StrSplit(selection, ',')) {
      int index = -1;
      if (!absl::ConsumePrefix(&part, "xrt:") || !absl::SimpleAtoi(part, &index) || index < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--device=", selection, ": '", part, "' is not xrt:<card index> (e.g. xrt:0,xrt:1)"));
      }
      for (int seen : indices) {
        if (seen == index) {
          return absl::InvalidArgumentError(
              absl::StrCat("--device=", selection, ": card xrt:", index, " named twice"));
        }
      }
      indices.push_back(index);
    }
  }
  XrtDeviceOptions xrt;
  xrt.clock = options.clock;
  xrt.metrics = options.metrics;
  absl::StatusOr<std::vector<std::unique_ptr<XrtDevice>>> cards =
      XrtDevice::CreateCards(indices, xrt);
  if (!cards.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--device=", selection, ": ", cards.status().message()));
  }
  std::vector<std::shared_ptr<Device>> devices;
  for (auto& card : *cards) devices.push_back(std::shared_ptr<Device>(std::move(card)));
  return devices;
}

}  // namespace fpgaas
