// DeviceManager (device_manager.h): parses --device into devices through one factory per kind
// (device_factory.h) and places model versions on them.
#include "server/device/device_manager.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/device/device_factory.h"
#include "server/device/emu/emulated_device.h"

namespace fpgaas {
namespace {

absl::StatusOr<std::vector<std::shared_ptr<Device>>> CreateEmulatedDevices(
    const DeviceManagerOptions& options) {
  EmulatedDeviceOptions emu;
  emu.clock = options.clock;
  emu.memory_bytes = options.emulated_memory_bytes;
  absl::StatusOr<std::unique_ptr<EmulatedDevice>> device = EmulatedDevice::Create(std::move(emu));
  if (!device.ok()) return device.status();
  return std::vector<std::shared_ptr<Device>>{std::shared_ptr<Device>(std::move(*device))};
}

// One entry per --device kind.
absl::StatusOr<std::vector<std::shared_ptr<Device>>> CreateDevices(
    const DeviceManagerOptions& options) {
  const std::string& selection = options.devices;
  if (selection == "emu") return CreateEmulatedDevices(options);
  if (selection == "auto") {
    if (RealXrtCardPresent()) return CreateXrtDevices("xrt", options);
    return CreateEmulatedDevices(options);
  }
  if (selection == "xrt" || absl::StartsWith(selection, "xrt:")) {
    return CreateXrtDevices(selection, options);
  }
  if (selection == "fake") {
    return absl::InvalidArgumentError(
        "--device=fake is for tests: pass the fake device in DeviceManagerOptions::injected");
  }
  return absl::InvalidArgumentError(absl::StrCat("--device=", selection,
                                                 ": unknown device; expected auto, emu, xrt or "
                                                 "xrt:<index>[,xrt:<index>...]"));
}

// One model version on several devices: their slots together, ready while any part is.
class SpannedModel final : public LoadedModel {
 public:
  explicit SpannedModel(std::vector<std::unique_ptr<LoadedModel>> parts)
      : parts_(std::move(parts)) {
    for (const auto& part : parts_) {
      for (ExecutionSlot* slot : part->slots()) slots_.push_back(slot);
    }
  }
  const DeviceModelSpec& spec() const override { return parts_.front()->spec(); }
  std::vector<ExecutionSlot*> slots() override { return slots_; }
  bool ready() const override {
    for (const auto& part : parts_) {
      if (part->ready()) return true;
    }
    return false;
  }

 private:
  const std::vector<std::unique_ptr<LoadedModel>> parts_;
  std::vector<ExecutionSlot*> slots_;
};

class DeviceManagerImpl final : public DeviceManager {
 public:
  DeviceManagerImpl(std::vector<std::shared_ptr<Device>> devices, size_t model_memory_limit_bytes)
      : devices_(std::move(devices)), model_memory_limit_bytes_(model_memory_limit_bytes) {}

  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) override {
    absl::StatusOr<size_t> bytes = spec.BufferBytes();
    if (!bytes.ok()) {
      return absl::Status(bytes.status().code(),
                          absl::StrCat("model ", spec.model_name, " version ", spec.version, ": ",
                                       bytes.status().message()));
    }
    if (*bytes > model_memory_limit_bytes_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "model ", spec.model_name, " version ", spec.version, ": its buffers (",
          spec.compute_units, " compute units x max_batch_size ", spec.max_batch_size, " x ",
          spec.input_bytes_per_sample() + spec.output_bytes_per_sample(),
          " bytes per sample = ", *bytes, " bytes) are over the per-model device memory limit of ",
          model_memory_limit_bytes_, " bytes (--model-memory-limit-bytes)"));
    }
    std::vector<Device*> candidates;
    for (const std::string& wanted : spec.devices) {
      Device* found = nullptr;
      for (const auto& device : devices_) {
        if (device->name() == wanted) found = device.get();
      }
      if (found == nullptr) {
        return absl::NotFoundError(absl::StrCat(
            "model ", spec.model_name, " version ", spec.version, " asks for device '", wanted,
            "' but fpgaasd serves only ", absl::StrJoin(device_names(), ", ")));
      }
      candidates.push_back(found);
    }
    if (spec.devices.empty()) {
      for (const auto& device : devices_) candidates.push_back(device.get());
    } else if (candidates.size() > 1) {
      return LoadOnEvery(spec, candidates);
    }
    // First healthy device that accepts the model; a device that rejects the spec reports why.
    absl::Status last_error = absl::UnavailableError(absl::StrCat(
        "model ", spec.model_name, " version ", spec.version, ": no healthy device among ",
        absl::StrJoin(spec.devices.empty() ? device_names() : spec.devices, ", ")));
    for (Device* device : candidates) {
      if (!device->healthy()) continue;
      absl::StatusOr<std::unique_ptr<LoadedModel>> loaded = device->Load(spec);
      if (loaded.ok()) return loaded;
      last_error = loaded.status();
    }
    return last_error;
  }

  // Loads `spec` on every device: all of them must be healthy and accept it (an explicit
  // placement that silently lost a card would serve at a fraction of its throughput).
  absl::StatusOr<std::unique_ptr<LoadedModel>> LoadOnEvery(const DeviceModelSpec& spec,
                                                           const std::vector<Device*>& devices) {
    std::vector<std::unique_ptr<LoadedModel>> parts;
    for (Device* device : devices) {
      const std::string where = absl::StrCat("model ", spec.model_name, " version ", spec.version,
                                             " on ", device->name());
      if (!device->healthy()) return absl::UnavailableError(where + ": device out of service");
      absl::StatusOr<std::unique_ptr<LoadedModel>> loaded = device->Load(spec);
      if (!loaded.ok()) {
        return absl::Status(loaded.status().code(),
                            absl::StrCat(where, ": ", loaded.status().message()));
      }
      parts.push_back(*std::move(loaded));
    }
    return std::make_unique<SpannedModel>(std::move(parts));
  }

  std::vector<std::string> device_names() const override {
    std::vector<std::string> names;
    for (const auto& device : devices_) names.push_back(device->name());
    return names;
  }

  bool ready() const override {
    for (const auto& device : devices_) {
      if (device->healthy()) return true;
    }
    return false;
  }

 private:
  const std::vector<std::shared_ptr<Device>> devices_;
  const size_t model_memory_limit_bytes_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DeviceManager>> DeviceManager::Create(DeviceManagerOptions options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("DeviceManager needs a clock");
  std::vector<std::shared_ptr<Device>> devices = options.injected;
  if (devices.empty()) {
    absl::StatusOr<std::vector<std::shared_ptr<Device>>> created = CreateDevices(options);
    if (!created.ok()) return created.status();
    devices = std::move(*created);
  }
  if (devices.empty()) {
    return absl::NotFoundError(absl::StrCat("--device=", options.devices, ": no device found"));
  }
  for (const auto& device : devices) {
    if (device == nullptr) return absl::InvalidArgumentError("DeviceManager: null injected device");
  }
  return std::unique_ptr<DeviceManager>(new DeviceManagerImpl(std::move(devices), options.model_memory_limit_bytes));
}

}  // namespace fpgaas
