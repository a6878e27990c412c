// Device: where a model version's batches run. Implementations: emu/ (the emulated FPGA, bit-exact
// hls4ml), xrt/ (real FPGAs through XRT), fake/ (tests). Devices know nothing of gRPC or requests:
// they move packed batches in, run the kernel, and move packed results out.
//
// Ownership and threads: Device::Load returns a LoadedModel the caller owns; it must be destroyed
// before its Device. A LoadedModel owns its ExecutionSlots. Each slot is used by one thread at a
// time (the scheduler gives every slot its own worker); different slots run concurrently. A slot is
// one compute unit plus its own device-side input/output buffers; a device may give one compute
// unit several slots (buffer rotation) so that one batch's input transfer overlaps another's
// compute.
#ifndef FPGAAS_SERVER_DEVICE_DEVICE_H_
#define FPGAAS_SERVER_DEVICE_DEVICE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"

namespace fpgaas {

// Everything a device needs to run one model version. Built by the repository from config.pbtxt.
struct DeviceModelSpec {
  std::string model_name;
  int64_t version = 1;
  std::filesystem::path version_dir;  // <repo>/<model>/<version>/
  int max_batch_size = 1;             // samples per kernel call, >= 1
  int compute_units = 1;              // instance_group count
  numerics::FixedType input_type;     // device-side precision of input values
  numerics::FixedType output_type;    // device-side precision of output values
  int input_size = 0;                 // values per sample
  int output_size = 0;                // values per sample
  // Emulated device: the network to run (shared, immutable). XRT ignores it.
  std::shared_ptr<const numerics::Network> network;
  // XRT device: kernel and bitstream.
  std::string kernel_name;  // e.g. "myproject" or "kernel_wrapper"
  std::vector<std::string>
      kernel_arguments;  // argument order, each "input", "output" or "batch_size"
  std::string xclbin;    // file name inside version_dir (xclbin or awsxclbin)
  // Device names to place on: empty = the first device that accepts the model; one or more = on
  // every one of them (the model's slots are the union of their compute units').
  std::vector<std::string> devices;
  // XRT watchdog deadline per kernel run (config fpga.kernel_timeout_us); zero = calibrated from
  // measured run times.
  absl::Duration kernel_timeout = absl::ZeroDuration();

  size_t input_bytes_per_sample() const {
    return size_t(input_size) * input_type.container_bytes();
  }
  size_t output_bytes_per_sample() const {
    return size_t(output_size) * output_type.container_bytes();
  }
  // Bytes of one input plus one output buffer of max_batch_size samples per compute unit (what a
  // device allocates once per copy of the buffers it keeps), computed with overflow checks:
  // RESOURCE_EXHAUSTED when it does not fit in size_t, INVALID_ARGUMENT for negative sizes.
  absl::StatusOr<size_t> BufferBytes() const {
    if (max_batch_size < 0 || compute_units < 0 || input_size < 0 || output_size < 0) {
      return absl::InvalidArgumentError("negative batch, compute unit or tensor size");
    }
    size_t per_sample = 0, per_unit = 0, total = 0;
    if (__builtin_add_overflow(input_bytes_per_sample(), output_bytes_per_sample(), &per_sample) ||
        __builtin_mul_overflow(per_sample, size_t(max_batch_size), &per_unit) ||
        __builtin_mul_overflow(per_unit, size_t(compute_units), &total)) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "buffers of ", compute_units, " compute units x ", max_batch_size,
          " samples overflow the address space"));
    }
    return total;
  }
};

// Wall time of each stage of one Execute (the PYNQ-on-F1 study's split).
struct StageTimes {
  absl::Duration input_transfer;   // host buffer -> device
  absl::Duration compute;          // kernel run
  absl::Duration output_transfer;  // device -> host buffer
};

class ExecutionSlot {
 public:
  virtual ~ExecutionSlot() = default;
  // Host-side packed input buffer, capacity max_batch_size * input_bytes_per_sample(). The
  // scheduler packs a batch here directly (for XRT this is the mapped buffer object).
  virtual uint8_t* input() = 0;
  // Host-side packed output buffer, valid after a successful Execute until the next one.
  virtual const uint8_t* output() = 0;
  // Transfers input()[0, batch * input bytes) to the device, runs the kernel on `batch` samples
  // (1 <= batch <= max_batch_size) and transfers the results into output(). On error the batch's
  // results are undefined and the caller fails (or retries) the batch's requests.
  virtual absl::Status Execute(int batch, StageTimes* times) = 0;
  // Which compute unit this slot drives, e.g. "emu:0/cu1" (for logs and metrics).
  virtual std::string name() const = 0;
  // False while the hardware behind the slot cannot run batches (card out of service, swapped
  // out, every compute unit retired): the scheduler then gives its batches to the other slots.
  virtual bool in_service() const { return true; }
  // Whether the scheduler may run a batch on this slot from the thread that enqueued it (run to
  // completion, for short batches). False for slots whose Execute can wait on something other
  // than the hardware (the fake device's holds in tests).
  virtual bool may_run_inline() const { return true; }
};

class LoadedModel {
 public:
  virtual ~LoadedModel() = default;
  virtual const DeviceModelSpec& spec() const = 0;
  // Stable for the LoadedModel's lifetime.
  virtual std::vector<ExecutionSlot*> slots() = 0;
  // False when the hardware behind it went out of service (ModelReady reflects this).
  virtual bool ready() const { return true; }
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;  // "emu", "xrt:0", "fake"
  // Validates the spec against what the device can run and prepares buffers and compute units.
  virtual absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) = 0;
  virtual bool healthy() const { return true; }
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_DEVICE_H_
