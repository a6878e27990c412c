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
        clock_(clock) {
    for (int k = 0; k < spec.num_inputs(); ++k) {
      inputs_.push_back(std::make_unique<Buffers>(spec.max_batch_size, spec.input_bytes_per_sample(k)));
    }
    for (int k = 0; k < spec.num_outputs(); ++k) {
      outputs_.push_back(
          std::make_unique<Buffers>(spec.max_batch_size, spec.output_bytes_per_sample(k)));
    }
    for (auto& in : inputs_) device_in_.push_back(in->device.data());
    for (auto& out : outputs_) device_out_.push_back(out->device.data());
  }

  bool allocated() const {
    for (const auto* list : {&inputs_, &outputs_}) {
      for (const auto& b : *list) {
        if (!b->host.ok() || !b->device.ok()) return false;
      }
    }
    return true;
  }
  uint8_t* input(int k = 0) override { return inputs_[size_t(k)]->host.data(); }
  const uint8_t* output(int k = 0) override { return outputs_[size_t(k)]->host.data(); }
  std::string name() const override { return name_; }

  absl::Status Execute(int batch, StageTimes* times) override {
    if (batch < 1 || batch > max_batch_size_) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": batch of ", batch, " samples outside [1, ", max_batch_size_, "]"));
    }
    const absl::Time start = clock_->Now();
    for (auto& in : inputs_) {
      std::memcpy(in->device.data(), in->host.data(), size_t(batch) * in->bytes_per_sample);
    }
    const absl::Time transferred_in = clock_->Now();
    if (device_in_.size() == 1 && device_out_.size() == 1) {
      network_->Run(device_in_[0], device_out_[0], size_t(batch));
    } else {
      network_->Run(device_in_.data(), device_out_.data(), size_t(batch));
    }
    const absl::Time computed = clock_->Now();
    for (auto& out : outputs_) {
      std::memcpy(out->host.data(), out->device.data(), size_t(batch) * out->bytes_per_sample);
    }
    const absl::Time transferred_out = clock_->Now();
    if (times != nullptr) {
      times->input_transfer = transferred_in - start;
      times->compute = computed - transferred_in;
      times->output_transfer = transferred_out - computed;
    }
    return absl::OkStatus();
  }

 private:
  // One tensor's buffers: what the scheduler packs into / unpacks from, and the "card memory".
  struct Buffers {
    Buffers(int max_batch_size, size_t bytes)
        : bytes_per_sample(bytes),
          host(size_t(max_batch_size) * bytes),
          device(size_t(max_batch_size) * bytes) {}
    size_t bytes_per_sample;
    AlignedBuffer host, device;
  };

  const std::string name_;
  const std::shared_ptr<const numerics::Network> network_;
  const int max_batch_size_;
  Clock* const clock_;
  std::vector<std::unique_ptr<Buffers>> inputs_, outputs_;
  std::vector<const uint8_t*> device_in_;
  std::vector<uint8_t*> device_out_;
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
  if (spec.num_inputs() != net.num_inputs() || spec.num_outputs() != net.num_outputs()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", spec.num_inputs(), " inputs and ", spec.num_outputs(),
        " outputs but the network has ", net.num_inputs(), " and ", net.num_outputs()));
  }
  for (int k = 0; k < net.num_inputs(); ++k) {
    const DeviceTensor t = spec.input(k);
    const std::string which = net.num_inputs() == 1 ? "input" : absl::StrCat("input ", k);
    if (t.size != net.input_size(k)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", which, net.num_inputs() == 1 ? "_size " : " size ", t.size,
                                                     " but the network takes ", net.input_size(k),
                                                     " values per sample"));
    }
    if (!SameLayout(t.type, net.input_type(k))) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", which, " type ", t.type.ToString(),
                       " but the network's input is ", net.input_type(k).ToString()));
    }
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    const DeviceTensor t = spec.output(k);
    const std::string which = net.num_outputs() == 1 ? "output" : absl::StrCat("output ", k);
    if (t.size != net.output_size(k)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", which, net.num_outputs() == 1 ? "_size " : " size ", t.size,
                                                     " but the network gives ", net.output_size(k),
                                                     " values per sample"));
    }
    if (!SameLayout(t.type, net.output_type(k))) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", which, " type ", t.type.ToString(),
                       " but the network's output is ", net.output_type(k).ToString()));
    }
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
