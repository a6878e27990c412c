// Clock: the one source of time for the scheduler, the watchdog and metrics.
//
// Nothing in server/ reads the system clock directly; components take a Clock* (not owned, must
// outlive them). RealClock is thread-safe; FakeClock is thread-safe and only moves when told to,
// waking anyone blocked in SleepUntil/WaitUntil whose deadline has passed.
#ifndef FPGAAS_SERVER_UTIL_CLOCK_H_
#define FPGAAS_SERVER_UTIL_CLOCK_H_

#include <algorithm>
#include <vector>

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

// Time stands still until Advance/SetTime. A waiter registers its (mutex, condition variable,
// deadline) while holding its mutex; Advance/SetTime signal every registered waiter (each sees the
// new time: the ones whose deadline passed return true, the others false, as after a notification),
// taking each waiter's mutex to do so, so a wake-up cannot fall between a waiter's check of the
// time and its wait. No real-time polling. Call Advance/SetTime without holding a waiter's mutex.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::UnixEpoch() + absl::Hours(24)) : now_(start) {}
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) { Move([d](absl::Time now) { return now + d; }); }
  void SetTime(absl::Time t) { Move([t](absl::Time) { return t; }); }
  // How many threads are blocked in WaitWithDeadline (tests wait for a sleeper before Advance).
  int waiters() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(waiters_.size());
  }

  bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    Waiter self{mu, cv, deadline};
    {
      absl::MutexLock lock(&mu_);
      if (now_ >= deadline) return true;
      waiters_.push_back(&self);
    }
    cv->Wait(mu);
    // Leave the list without holding `mu`: Advance may be about to take it to signal us.
    mu->Unlock();
    bool expired;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Waiter* w) { return w->signalling == 0; }, &self));
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &self));
      expired = now_ >= deadline;
    }
    mu->Lock();
    return expired;
  }

 private:
  struct Waiter {
    absl::Mutex* mu;
    absl::CondVar* cv;
    absl::Time deadline;
    int signalling = 0;  // Advance calls about to signal this waiter (guarded by FakeClock::mu_)
  };

  template <typename F>
  void Move(F next) {
    std::vector<Waiter*> due;
    {
      absl::MutexLock lock(&mu_);
      now_ = next(now_);
      for (Waiter* waiter : waiters_) {
        ++waiter->signalling;
        due.push_back(waiter);
      }
    }
    for (Waiter* waiter : due) {
      {
        absl::MutexLock lock(waiter->mu);
        waiter->cv->SignalAll();
      }
      absl::MutexLock lock(&mu_);
      --waiter->signalling;
    }
  }

  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  std::vector<Waiter*> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_CLOCK_H_
