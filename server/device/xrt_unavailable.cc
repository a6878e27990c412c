// The XRT factories of a build without XRT (see device_factory.h).
#include "absl/status/status.h"
#include "server/device/device_factory.h"

namespace fpgaas {

absl::StatusOr<std::vector<std::shared_ptr<Device>>> CreateXrtDevices(
    const std::string& selection, const DeviceManagerOptions& options) {
  return absl::FailedPreconditionError("--device=" + selection +
                                       ": fpgaasd was built without XRT support "
                                       "(configure with -DFPGAAS_WITH_XRT=ON and libxrt-dev)");
}

bool RealXrtCardPresent() { return false; }

}  // namespace fpgaas
