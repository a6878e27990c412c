// DeviceManager: owns the devices fpgaasd serves from and places model versions on them.
//
// `--device` selects them: "emu" (the emulated FPGA), "xrt" or "xrt:0,xrt:1" (real cards through
// XRT; fails at Create when none is present), "auto" (XRT when a real card is present, i.e.
// XCL_EMULATION_MODE unset and at least one card enumerated, else the emulator), "fake" (tests).
// Placement: a model's DeviceModelSpec::devices lists the devices it runs on, all at once (its
// execution slots are the union of theirs, so batches spread over the cards); empty = the first
// healthy device that accepts it. A card holds one xclbin at a time (swaps only when idle,
// counted and logged).
// Thread-safe.
#ifndef FPGAAS_SERVER_DEVICE_DEVICE_MANAGER_H_
#define FPGAAS_SERVER_DEVICE_DEVICE_MANAGER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/device/device.h"
#include "server/metrics/metrics.h"
#include "server/util/clock.h"

namespace fpgaas {

struct DeviceManagerOptions {
  std::string devices = "auto";  // the --device flag
  Clock* clock = nullptr;        // not owned; required (watchdog deadlines)
  MetricsRegistry* metrics = nullptr;  // not owned; per-card/CU metrics (may be null)
  // Load refuses (RESOURCE_EXHAUSTED) a model version whose buffers (DeviceModelSpec::BufferBytes,
  // on every device it spans) are over this, before any device allocates them.
  size_t model_memory_limit_bytes = size_t{1} << 30;
  // The emulated device's "card memory": its models' host and device buffers together.
  size_t emulated_memory_bytes = size_t{4} << 30;
  // Tests only: devices to use as-is instead of parsing `devices` (e.g. a fake device).
  std::vector<std::shared_ptr<Device>> injected;
};

class DeviceManager {
 public:
  static absl::StatusOr<std::unique_ptr<DeviceManager>> Create(DeviceManagerOptions options);
  virtual ~DeviceManager() = default;
  // Places and loads one model version (see Device::Load). The LoadedModel must be destroyed before
  // the manager.
  virtual absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) = 0;
  // Names of the devices in service, e.g. {"emu"} or {"xrt:0", "xrt:1"}.
  virtual std::vector<std::string> device_names() const = 0;
  // True while at least one device is in service.
  virtual bool ready() const = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_DEVICE_MANAGER_H_
