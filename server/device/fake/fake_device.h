// FakeDevice: a Device for tests. It computes a simple, predictable function (by default an echo:
// output value j of a sample is that sample's input value j % input_size converted to the output
// type), reports fixed stage times, and lets a test inject errors, hold batches on the "device" at
// a gate, and read back every Execute's batch size and the exact packed input bytes it saw.
//
// Ownership: share it (std::shared_ptr) between the test and whoever loads models on it;
// LoadedModels must be destroyed before it. Every method is thread-safe.
#ifndef FPGAAS_SERVER_DEVICE_FAKE_FAKE_DEVICE_H_
#define FPGAAS_SERVER_DEVICE_FAKE_FAKE_DEVICE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/device/device.h"

namespace fpgaas {

struct FakeDeviceOptions {
  std::string name = "fake";  // device name; slots are "<name>/slot<i>"
  int slots_per_model = 0;    // slots per loaded model; 0 = spec.compute_units
  // Computes `batch` packed output samples from packed input (layout of device.h). Empty = echo.
  std::function<void(const DeviceModelSpec& spec, const uint8_t* in, int batch, uint8_t* out)>
      compute;
  StageTimes reported_times;  // what every successful Execute reports
  // ExecutionSlot::may_run_inline of its slots. Off by default: a held Execute run to completion
  // would block the thread that enqueued (a test's, or a transport's).
  bool run_inline = false;
};

class FakeDevice final : public Device {
 public:
  explicit FakeDevice(FakeDeviceOptions options = {});

  // One Execute call as the device saw it.
  struct Execution {
    std::string slot;
    int batch = 0;
    std::string input;    // the packed input bytes, batch * input_bytes_per_sample()
    absl::Status status;  // what Execute returned
  };

  std::string name() const override { return options_.name; }
  const FakeDeviceOptions& options() const { return options_; }
  // Validates max_batch_size >= 1, compute_units >= 1, input/output sizes >= 1 (or fails with an
  // injected load error).
  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) override;
  bool healthy() const override;

  // Errors: the next Load fails with `status`; the next `count` Executes (any slot) fail with it.
  void FailNextLoad(absl::Status status);
  void FailNextExecutes(absl::Status status, int count = 1);
  void SetHealthy(bool healthy);

  // Gate: while held, every Execute blocks (after recording its input, before computing) until
  // ReleaseExecutions.
  void HoldExecutions();
  void ReleaseExecutions();
  // Blocks until at least `n` Executes are waiting at the gate / have finished in total.
  void AwaitHeld(int n) const;
  void AwaitExecutions(int n) const;

  // Load gate: while held, every Load blocks (before doing anything) until ReleaseLoads.
  // AwaitLoadsHeld blocks until at least `n` Loads are waiting at it.
  void HoldLoads();
  void ReleaseLoads();
  void AwaitLoadsHeld(int n) const;

  std::vector<Execution> executions() const;
  int loads() const;

  // The default compute function (echo), for tests that want to predict outputs.
  static void Echo(const DeviceModelSpec& spec, const uint8_t* in, int batch, uint8_t* out);

 private:
  friend class FakeSlot;
  // Called by slots.
  absl::Status Execute(const std::string& slot, const DeviceModelSpec& spec, const uint8_t* in,
                       int batch, uint8_t* out, StageTimes* times);

  const FakeDeviceOptions options_;
  mutable absl::Mutex mu_;
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_at_gate_ ABSL_GUARDED_BY(mu_) = 0;
  bool loads_held_ ABSL_GUARDED_BY(mu_) = false;
  int loads_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int loads_ ABSL_GUARDED_BY(mu_) = 0;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;  // Executes that returned
  absl::Status next_load_error_ ABSL_GUARDED_BY(mu_);
  std::deque<absl::Status> execute_errors_ ABSL_GUARDED_BY(mu_);
  std::vector<Execution> executions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_FAKE_FAKE_DEVICE_H_
