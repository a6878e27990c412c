// Clock: the one source of time for the scheduler, the watchdog and metrics.
//
// Nothing in server/ reads the system clock directly; components take a Clock* (not owned, must
// outlive them). RealClock is thread-safe; FakeClock is thread-safe and only moves when told to,
// waking anyone blocked in SleepUntil/WaitUntil whose deadline has passed.
#ifndef FPGAAS_SERVER_UTIL_CLOCK_H_
#define FPGAAS_SERVER_UTIL_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace fpgaas {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  // Blocks on `cv` (with `mu` held) until notified or until Now() >= deadline. Returns true if the
  // deadline has passed. Like absl::CondVar::WaitWithDeadline, but in this clock's time.
  virtual bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) override {
    return cv->WaitWithDeadline(mu, deadline);
  }
};

// Time stands still until Advance/SetTime. Waiters poll in short real-time slices so that a waiter
// on any mutex notices the fake time moving without the clock knowing its condition variables.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::UnixEpoch() + absl::Hours(24)) : now_(start) {}
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void SetTime(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) override {
    if (Now() >= deadline) return true;
    cv->WaitWithTimeout(mu, absl::Milliseconds(1));
    return Now() >= deadline;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_CLOCK_H_
