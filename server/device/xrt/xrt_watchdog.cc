#include "server/device/xrt/xrt_watchdog.h"

#include <algorithm>

namespace fpgaas {

absl::Duration RunDeadline::For(int batch) {
  if (kernel_timeout_ > absl::ZeroDuration()) return kernel_timeout_;
  absl::MutexLock lock(&mu_);
  if (calibrated_runs_ < options_.calibration_runs) return options_.initial_kernel_timeout;
  return std::max(options_.timeout_floor,
                  absl::Microseconds(options_.timeout_factor * max_us_per_sample_ * double(batch)));
}

void RunDeadline::Calibrate(absl::Duration busy, int batch) {
  const double us_per_sample = absl::ToDoubleMicroseconds(busy) / double(batch);
  absl::MutexLock lock(&mu_);
  ++calibrated_runs_;
  max_us_per_sample_ = std::max(max_us_per_sample_, us_per_sample);
}

ComputeUnitQueue::Ticket ComputeUnitQueue::Submit(Clock& clock,
                                                  const std::function<void()>& start) {
  absl::MutexLock lock(&mu_);
  Ticket ticket;
  ticket.id = next_ticket_++;
  ticket.trips_at_submit = trips_;
  ticket.submitted = clock.Now();
  start();
  in_flight_.insert(ticket.id);
  return ticket;
}

absl::StatusOr<ComputeUnitQueue::Outcome> ComputeUnitQueue::Wait(
    const Ticket& ticket, const std::function<absl::StatusOr<RunState>()>& poll,
    absl::Duration timeout, Clock& clock, const XrtDeviceOptions& options, absl::Time* end) {
  absl::Duration interval = options.min_poll_interval;
  for (;;) {
    absl::StatusOr<RunState> state = poll();
    if (!state.ok()) return state.status();
    if (*state == RunState::kCompleted) {
      *end = clock.Now();
      return Outcome::kCompleted;
    }
    const absl::Time now = clock.Now();
    absl::Time deadline = absl::InfiniteFuture();  // not executing yet: no deadline
    {
      absl::MutexLock lock(&mu_);
      // A run ahead of ours on this CU hung: ours cannot start before the re-program.
      if (trips_ != ticket.trips_at_submit) return Outcome::kBehindHungRun;
      if (in_flight_.empty() || *in_flight_.begin() == ticket.id) {
        deadline = std::max(ticket.submitted, last_end_) + timeout;
      }
    }
    if (now >= deadline) return Outcome::kTimedOut;
    absl::MutexLock lock(&poll_mu_);
    clock.WaitWithDeadline(&poll_mu_, &poll_cv_, std::min(deadline, now + interval));
    interval = std::min(interval * 2, options.max_poll_interval);
  }
}

void ComputeUnitQueue::Abandon(const Ticket& ticket, bool tripped) {
  absl::MutexLock lock(&mu_);
  if (tripped) ++trips_;  // before leaving the queue
  in_flight_.erase(ticket.id);
}

absl::Duration ComputeUnitQueue::Complete(const Ticket& ticket, absl::Time end) {
  absl::MutexLock lock(&mu_);
  const absl::Duration busy =
      std::max(absl::ZeroDuration(), end - std::max(ticket.submitted, last_end_));
  last_end_ = std::max(last_end_, end);
  in_flight_.erase(ticket.id);
  return busy;
}

}  // namespace fpgaas
