// Device factories: how DeviceManager::Create turns one `--device` kind into Device objects. One
// function per kind, so a new kind (or a build without it) touches only its own folder.
//
// CreateXrtDevices and RealXrtCardPresent are defined by server/device/xrt/ (CMake target
// fpgaas_device_xrt).
// Called once, from DeviceManager::Create; need not be thread-safe.
#ifndef FPGAAS_SERVER_DEVICE_DEVICE_FACTORY_H_
#define FPGAAS_SERVER_DEVICE_DEVICE_FACTORY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/device/device.h"
#include "server/device/device_manager.h"

namespace fpgaas {

// `selection` is the XRT part of --device: "xrt" (every card) or "xrt:0,xrt:1" (those indices).
// Fails (FAILED_PRECONDITION / NOT_FOUND) when no such card is present or XRT is not built in.
absl::StatusOr<std::vector<std::shared_ptr<Device>>> CreateXrtDevices(
    const std::string& selection, const DeviceManagerOptions& options);

// Whether "auto" picks XRT: XCL_EMULATION_MODE unset and at least one card enumerates; false when
// XRT is not built in. (Same declaration as in xrt/xrt_device.h.)
bool RealXrtCardPresent();

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_DEVICE_FACTORY_H_
