// The XRT device's kernel-run watchdog (xrt_device.h describes the policy): the deadline of a run
// (the model's kernel_timeout, else calibrated from measured runs) and the run queue of one compute
// unit, which knows when a run starts executing and waits for it in the injected Clock's time.
//
// No XRT here: the caller polls the run's state through a callback, so the deadline rules can be
// read (and driven by a FakeClock) on their own. What a trip does to the card (suspect compute
// unit, re-program, retirement) is xrt_device.cc's. Thread-safe.
#ifndef FPGAAS_SERVER_DEVICE_XRT_XRT_WATCHDOG_H_
#define FPGAAS_SERVER_DEVICE_XRT_XRT_WATCHDOG_H_

#include <cstdint>
#include <functional>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/device/xrt/xrt_device.h"
#include "server/util/clock.h"

namespace fpgaas {

// The watchdog deadline of one model's runs.
class RunDeadline {
 public:
  // `kernel_timeout` > 0 (the model's) is used as it is; else options' calibration rule.
  RunDeadline(const XrtDeviceOptions& options, absl::Duration kernel_timeout)
      : options_(options), kernel_timeout_(kernel_timeout) {}
  // The deadline of a run of `batch` samples, counted from when it starts executing.
  absl::Duration For(int batch);
  // One successful run of `batch` samples that executed for `busy`.
  void Calibrate(absl::Duration busy, int batch);

 private:
  const XrtDeviceOptions& options_;
  const absl::Duration kernel_timeout_;
  absl::Mutex mu_;
  int calibrated_runs_ ABSL_GUARDED_BY(mu_) = 0;
  double max_us_per_sample_ ABSL_GUARDED_BY(mu_) = 0;
};

// Runs submitted to one compute unit execute one after another, in submission order. A run's
// deadline and busy time start when it starts executing: at its submission or when the run before
// it on the CU ended, whichever is later.
class ComputeUnitQueue {
 public:
  struct Ticket {
    uint64_t id = 0;
    uint64_t trips_at_submit = 0;
    absl::Time submitted;
  };
  enum class RunState { kRunning, kCompleted };
  enum class Outcome { kCompleted, kTimedOut, kBehindHungRun };

  // Calls `start` (which starts the run; may throw, then nothing is queued) and queues the run, so
  // that ticket order is the order the CU executes runs in.
  Ticket Submit(Clock& clock, const std::function<void()>& start);
  // Polls the run (`poll`) with intervals doubling from min to max (options) until it completed
  // (*end = when that was seen), passed its deadline `timeout` after it started executing
  // (kTimedOut), or a run ahead of it on this CU passed its own (kBehindHungRun). An error from
  // `poll` ends the wait with it; the caller must then Abandon the run.
  absl::StatusOr<Outcome> Wait(const Ticket& ticket,
                               const std::function<absl::StatusOr<RunState>()>& poll,
                               absl::Duration timeout, Clock& clock,
                               const XrtDeviceOptions& options, absl::Time* end);
  // Takes a run that did not complete off the queue. `tripped`: it passed its own deadline, so the
  // runs queued behind it give up (kBehindHungRun).
  void Abandon(const Ticket& ticket, bool tripped);
  // Takes a completed run off the queue; returns the time it executed. A run whose predecessor's
  // end was not yet seen counts from its own submission; the predecessor then counts nothing past
  // this end, so the CU's busy time never exceeds wall time.
  absl::Duration Complete(const Ticket& ticket, absl::Time end);

 private:
  absl::Mutex mu_;
  uint64_t next_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<uint64_t> in_flight_ ABSL_GUARDED_BY(mu_);  // submitted, neither ended nor abandoned
  absl::Time last_end_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t trips_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by each trip: runs queued behind give up
  // Only for pausing between state polls in Clock time; never signalled.
  absl::Mutex poll_mu_;
  absl::CondVar poll_cv_;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_XRT_XRT_WATCHDOG_H_
