#include "server/device/emu/emulated_device.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fpgaas {
namespace {

// DMA-friendly alignment (a cache line; XRT host buffers are page-aligned, 64 is what AXI bursts
// and SIMD loads care about).
constexpr size_t kBufferAlignment = 64;

// Zeroed; data() is null when the allocation failed (the slot's Create reports it).
class AlignedBuffer {
 public:
  explicit AlignedBuffer(size_t bytes)
      : bytes_(bytes),
        data_(static_cast<uint8_t*>(::operator new[](bytes == 0 ? kBufferAlignment : bytes,
                                                     std::align_val_t(kBufferAlignment),
                                                     std::nothrow))) {
    if (data_ != nullptr) std::memset(data_, 0, bytes == 0 ? kBufferAlignment : bytes);
  }
  ~AlignedBuffer() {
    if (data_ != nullptr) ::operator delete[](data_, std::align_val_t(kBufferAlignment));
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  uint8_t* data() { return data_; }
  bool ok() const { return data_ != nullptr; }
  size_t size() const { return bytes_; }

 private:
  size_t bytes_;
  uint8_t* data_;
};

bool SameLayout(const numerics::FixedType& a, const numerics::FixedType& b) {
  return a.width == b.width && a.integer_bits == b.integer_bits && a.is_signed == b.is_signed;
}

class EmulatedSlot final : public ExecutionSlot {
 public:
  EmulatedSlot(std::string name, const DeviceModelSpec& spec, Clock* clock)
      : name_(std::move(name)),
        network_(spec.network),
        max_batch_size_(spec.max_batch_size),
        input_bytes_per_sample_(spec.input_bytes_per_sample()),
        output_bytes_per_sample_(spec.output_bytes_per_sample()),
        clock_(clock),
        host_input_(size_t(spec.max_batch_size) * input_bytes_per_sample_),
        host_output_(size_t(spec.max_batch_size) * output_bytes_per_sample_),
        device_input_(host_input_.size()),
        device_output_(host_output_.size()) {}

  bool allocated() const {
    return host_input_.ok() && host_output_.ok() && device_input_.ok() && device_output_.ok();
  }
  uint8_t* input() override { return host_input_.data(); }
  const uint8_t* output() override { return host_output_.data(); }
  std::string name() const override { return name_; }

  absl::Status Execute(int batch, StageTimes* times) override {
    if (batch < 1 || batch > max_batch_size_) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": batch of ", batch, " samples outside [1, ", max_batch_size_, "]"));
    }
    const size_t in_bytes = size_t(batch) * input_bytes_per_sample_;
    const size_t out_bytes = size_t(batch) * output_bytes_per_sample_;
    const absl::Time start = clock_->Now();
    std::memcpy(device_input_.data(), host_input_.data(), in_bytes);
    const absl::Time transferred_in = clock_->Now();
    network_->Run(device_input_.data(), device_output_.data(), size_t(batch));
    const absl::Time computed = clock_->Now();
    std::memcpy(host_output_.data(), device_output_.data(), out_bytes);
    const absl::Time transferred_out = clock_->Now();
    if (times != nullptr) {
      times->input_transfer = transferred_in - start;
      times->compute = computed - transferred_in;
      times->output_transfer = transferred_out - computed;
    }
    return absl::OkStatus();
  }

 private:
  const std::string name_;
  const std::shared_ptr<const numerics::Network> network_;
  const int max_batch_size_;
  const size_t input_bytes_per_sample_;
  const size_t output_bytes_per_sample_;
  Clock* const clock_;
  AlignedBuffer host_input_, host_output_;      // what the scheduler packs into / unpacks from
  AlignedBuffer device_input_, device_output_;  // "card memory"
};

class EmulatedModel final : public LoadedModel {
 public:
  // `bytes` are already counted in memory->used; the model gives them back when destroyed.
  EmulatedModel(const DeviceModelSpec& spec, std::shared_ptr<EmulatedDevice::Memory> memory,
                size_t bytes)
      : spec_(spec), memory_(std::move(memory)), bytes_(bytes) {}
  ~EmulatedModel() override {
    slots_.clear();
    memory_->used.fetch_sub(bytes_);
  }
  // False when a buffer could not be allocated.
  bool MakeSlots(const std::string& device_name, Clock* clock) {
    for (int i = 0; i < spec_.compute_units; ++i) {
      auto slot = std::make_unique<EmulatedSlot>(absl::StrCat(device_name, "/cu", i), spec_, clock);
      if (!slot->allocated()) return false;
      slots_.push_back(std::move(slot));
      slot_pointers_.push_back(slots_.back().get());
    }
    return true;
  }
  const DeviceModelSpec& spec() const override { return spec_; }
  std::vector<ExecutionSlot*> slots() override { return slot_pointers_; }

 private:
  const DeviceModelSpec spec_;
  const std::shared_ptr<EmulatedDevice::Memory> memory_;
  const size_t bytes_;
  std::vector<std::unique_ptr<EmulatedSlot>> slots_;
  std::vector<ExecutionSlot*> slot_pointers_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EmulatedDevice>> EmulatedDevice::Create(
    EmulatedDeviceOptions options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("EmulatedDevice needs a clock");
  if (options.name.empty()) return absl::InvalidArgumentError("EmulatedDevice needs a name");
  return std::unique_ptr<EmulatedDevice>(new EmulatedDevice(std::move(options)));
}

absl::StatusOr<std::unique_ptr<LoadedModel>> EmulatedDevice::Load(const DeviceModelSpec& spec) {
  const std::string what =
      absl::StrCat("model ", spec.model_name, " version ", spec.version, " on ", options_.name);
  if (spec.network == nullptr) {
    return absl::InvalidArgumentError(what + ": no hls4ml network to emulate");
  }
  if (spec.max_batch_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": max_batch_size ", spec.max_batch_size, " must be >= 1"));
  }
  if (spec.compute_units < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": compute_units ", spec.compute_units, " must be >= 1"));
  }
  const numerics::Network& net = *spec.network;
  if (spec.input_size != net.input_size()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": input_size ", spec.input_size,
                                                   " but the network takes ", net.input_size(),
                                                   " values per sample"));
  }
  if (spec.output_size != net.output_size()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": output_size ", spec.output_size,
                                                   " but the network gives ", net.output_size(),
                                                   " values per sample"));
  }
  if (!SameLayout(spec.input_type, net.input_type())) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": input type ", spec.input_type.ToString(),
                     " but the network's input is ", net.input_type().ToString()));
  }
  if (!SameLayout(spec.output_type, net.output_type())) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": output type ", spec.output_type.ToString(),
                     " but the network's output is ", net.output_type().ToString()));
  }
  absl::StatusOr<size_t> buffer_bytes = spec.BufferBytes();
  if (!buffer_bytes.ok()) {
    return absl::Status(buffer_bytes.status().code(),
                        absl::StrCat(what, ": ", buffer_bytes.status().message()));
  }
  // Every slot holds its buffers twice: host side and "card" side.
  const size_t bytes = *buffer_bytes > SIZE_MAX / 2 ? SIZE_MAX : *buffer_bytes * 2;
  size_t used = memory_->used.load();
  do {
    if (bytes > options_.memory_bytes || used > options_.memory_bytes - bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          what, ": needs ", bytes, " bytes of buffers (", spec.compute_units,
          " compute units x max_batch_size ", spec.max_batch_size, ", host and device copies); ",
          options_.memory_bytes - std::min(used, options_.memory_bytes), " of ",
          options_.memory_bytes, " bytes are free"));
    }
  } while (!memory_->used.compare_exchange_weak(used, used + bytes));
  auto model = std::make_unique<EmulatedModel>(spec, memory_, bytes);
  if (!model->MakeSlots(options_.name, options_.clock)) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": cannot allocate ", bytes, " bytes of buffers"));
  }
  return std::unique_ptr<LoadedModel>(std::move(model));
}

}  // namespace fpgaas
