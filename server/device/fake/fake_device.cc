#include "server/device/fake/fake_device.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fpgaas {

class FakeSlot final : public ExecutionSlot {
 public:
  FakeSlot(FakeDevice* device, std::string name, const DeviceModelSpec* spec)
      : device_(device),
        name_(std::move(name)),
        spec_(spec),
        input_(size_t(spec->max_batch_size) * spec->input_bytes_per_sample()),
        output_(size_t(spec->max_batch_size) * spec->output_bytes_per_sample()) {}

  uint8_t* input() override { return input_.data(); }
  const uint8_t* output() override { return output_.data(); }
  std::string name() const override { return name_; }
  bool in_service() const override { return device_->healthy(); }
  bool may_run_inline() const override { return device_->options().run_inline; }
  absl::Status Execute(int batch, StageTimes* times) override {
    if (batch < 1 || batch > spec_->max_batch_size) {
      return absl::InvalidArgumentError(absl::StrCat(
          name_, ": batch of ", batch, " samples outside [1, ", spec_->max_batch_size, "]"));
    }
    return device_->Execute(name_, *spec_, input_.data(), batch, output_.data(), times);
  }

 private:
  FakeDevice* const device_;
  const std::string name_;
  const DeviceModelSpec* const spec_;
  std::vector<uint8_t> input_, output_;
};

namespace {

class FakeModel final : public LoadedModel {
 public:
  FakeModel(FakeDevice* device, const DeviceModelSpec& spec, int slots, const std::string& name)
      : device_(device), spec_(spec) {
    for (int i = 0; i < slots; ++i) {
      slots_.push_back(std::make_unique<FakeSlot>(device, absl::StrCat(name, "/slot", i), &spec_));
      slot_pointers_.push_back(slots_.back().get());
    }
  }
  const DeviceModelSpec& spec() const override { return spec_; }
  std::vector<ExecutionSlot*> slots() override { return slot_pointers_; }
  bool ready() const override { return device_->healthy(); }

 private:
  FakeDevice* const device_;
  const DeviceModelSpec spec_;
  std::vector<std::unique_ptr<FakeSlot>> slots_;
  std::vector<ExecutionSlot*> slot_pointers_;
};

}  // namespace

FakeDevice::FakeDevice(FakeDeviceOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<LoadedModel>> FakeDevice::Load(const DeviceModelSpec& spec) {
  {
    absl::MutexLock lock(&mu_);
    ++loads_waiting_;
    auto released = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !loads_held_; };
    mu_.Await(absl::Condition(&released));
    --loads_waiting_;
    if (!next_load_error_.ok()) return std::exchange(next_load_error_, absl::OkStatus());
    ++loads_;
  }
  if (spec.max_batch_size < 1 || spec.compute_units < 1 || spec.input_size < 1 ||
      spec.output_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("fake device: model ", spec.model_name,
                     " needs max_batch_size, compute_units, input_size "
                     "and output_size >= 1 (got ",
                     spec.max_batch_size, ", ", spec.compute_units, ", ", spec.input_size, ", ",
                     spec.output_size, ")"));
  }
  const int slots = options_.slots_per_model > 0 ? options_.slots_per_model : spec.compute_units;
  return std::unique_ptr<LoadedModel>(new FakeModel(this, spec, slots, options_.name));
}

bool FakeDevice::healthy() const {
  absl::MutexLock lock(&mu_);
  return healthy_;
}

void FakeDevice::FailNextLoad(absl::Status status) {
  absl::MutexLock lock(&mu_);
  next_load_error_ = std::move(status);
}

void FakeDevice::FailNextExecutes(absl::Status status, int count) {
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < count; ++i) execute_errors_.push_back(status);
}

void FakeDevice::SetHealthy(bool healthy) {
  absl::MutexLock lock(&mu_);
  healthy_ = healthy;
}

void FakeDevice::HoldExecutions() {
  absl::MutexLock lock(&mu_);
  held_ = true;
}

void FakeDevice::ReleaseExecutions() {
  absl::MutexLock lock(&mu_);
  held_ = false;
}

void FakeDevice::AwaitHeld(int n) const {
  absl::MutexLock lock(&mu_);
  auto held = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return waiting_at_gate_ >= n; };
  mu_.Await(absl::Condition(&held));
}

void FakeDevice::HoldLoads() {
  absl::MutexLock lock(&mu_);
  loads_held_ = true;
}

void FakeDevice::ReleaseLoads() {
  absl::MutexLock lock(&mu_);
  loads_held_ = false;
}

void FakeDevice::AwaitLoadsHeld(int n) const {
  absl::MutexLock lock(&mu_);
  auto held = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return loads_waiting_ >= n; };
  mu_.Await(absl::Condition(&held));
}

void FakeDevice::AwaitExecutions(int n) const {
  absl::MutexLock lock(&mu_);
  auto done = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return finished_ >= n; };
  mu_.Await(absl::Condition(&done));
}

std::vector<FakeDevice::Execution> FakeDevice::executions() const {
  absl::MutexLock lock(&mu_);
  return executions_;
}

int FakeDevice::loads() const {
  absl::MutexLock lock(&mu_);
  return loads_;
}

void FakeDevice::Echo(const DeviceModelSpec& spec, const uint8_t* in, int batch, uint8_t* out) {
  const size_t in_width = spec.input_type.container_bytes();
  const size_t out_width = spec.output_type.container_bytes();
  for (int s = 0; s < batch; ++s) {
    const uint8_t* sample_in = in + size_t(s) * spec.input_bytes_per_sample();
    uint8_t* sample_out = out + size_t(s) * spec.output_bytes_per_sample();
    for (int j = 0; j < spec.output_size; ++j) {
      const int64_t raw =
          numerics::UnpackRaw(spec.input_type, sample_in + size_t(j % spec.input_size) * in_width);
      numerics::PackRaw(spec.output_type, numerics::Convert(spec.input_type, raw, spec.output_type),
                        sample_out + size_t(j) * out_width);
    }
  }
}

absl::Status FakeDevice::Execute(const std::string& slot, const DeviceModelSpec& spec,
                                 const uint8_t* in, int batch, uint8_t* out, StageTimes* times) {
  absl::Status status;
  size_t index;
  {
    absl::MutexLock lock(&mu_);
    index = executions_.size();
    executions_.push_back(Execution{slot, batch,
                                    std::string(reinterpret_cast<const char*>(in),
                                                size_t(batch) * spec.input_bytes_per_sample()),
                                    absl::OkStatus()});
    if (held_) {
      ++waiting_at_gate_;
      auto released = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !held_; };
      mu_.Await(absl::Condition(&released));
      --waiting_at_gate_;
    }
    if (!execute_errors_.empty()) {
      status = std::move(execute_errors_.front());
      execute_errors_.pop_front();
    }
  }
  if (status.ok()) {
    if (options_.compute) {
      options_.compute(spec, in, batch, out);
    } else {
      Echo(spec, in, batch, out);
    }
    if (times != nullptr) *times = options_.reported_times;
  }
  absl::MutexLock lock(&mu_);
  executions_[index].status = status;
  ++finished_;
  return status;
}

}  // namespace fpgaas
