// EmulatedDevice ("emu"): an FPGA made of host code. Each compute unit runs the model's hls4ml
// network bit-exactly (numerics::Network) on "device-side" buffers that are separate from the
// host-side buffers the scheduler packs into, so an Execute does the same three stages as a card:
// copy in (input transfer), kernel (compute), copy out (output transfer), each timed with the
// injected Clock.
//
// Ownership and threads: as device.h. Create's Options::clock must outlive the device. Load is
// thread-safe; the network is shared (immutable) by all slots of a model.
#ifndef FPGAAS_SERVER_DEVICE_EMU_EMULATED_DEVICE_H_
#define FPGAAS_SERVER_DEVICE_EMU_EMULATED_DEVICE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/device/device.h"
#include "server/util/clock.h"

namespace fpgaas {

struct EmulatedDeviceOptions {
  std::string name = "emu";  // device name; slots are "<name>/cu<i>"
  Clock* clock = nullptr;    // not owned; required (stage times)
  // "Card memory": the host and device buffers of every model loaded at once. A Load that would
  // go over it is RESOURCE_EXHAUSTED; unloading gives the bytes back.
  size_t memory_bytes = size_t{4} << 30;
};

class EmulatedDevice final : public Device {
 public:
  static absl::StatusOr<std::unique_ptr<EmulatedDevice>> Create(EmulatedDeviceOptions options);

  std::string name() const override { return options_.name; }
  // Checks that spec.network is set and agrees with the spec (input/output sizes, and the bit
  // layout — width, integer bits, signedness — of input_type/output_type; the spec's
  // rounding/overflow modes may differ, they govern the host-side float conversion), max_batch_size
  // >= 1 and compute_units >= 1, and that the buffers fit in what is left of memory_bytes; then
  // makes compute_units slots with 64-byte aligned buffers (an allocation failure is
  // RESOURCE_EXHAUSTED, never an exception).
  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) override;
  // Bytes of buffers held by the models loaded now.
  size_t used_memory_bytes() const { return memory_->used.load(); }

  struct Memory {
    std::atomic<size_t> used{0};
  };

 private:
  explicit EmulatedDevice(EmulatedDeviceOptions options)
      : options_(std::move(options)), memory_(std::make_shared<Memory>()) {}
  EmulatedDeviceOptions options_;
  std::shared_ptr<Memory> memory_;  // shared with the loaded models, which give bytes back
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_EMU_EMULATED_DEVICE_H_
