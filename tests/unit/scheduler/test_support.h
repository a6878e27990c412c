// Test helpers for the scheduler: a clock that records every timed wait, and a collector of `done`
// outcomes that tests can block on (never with a timeout: a hang is caught by ctest's TIMEOUT).
#ifndef FPGAAS_TESTS_UNIT_SCHEDULER_TEST_SUPPORT_H_
#define FPGAAS_TESTS_UNIT_SCHEDULER_TEST_SUPPORT_H_

#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/scheduler/scheduler.h"
#include "server/util/clock.h"

namespace fpgaas::testing {

// FakeClock that also records (time seen, deadline) of every WaitWithDeadline, so a test can wait
// until a worker has looked at the clock at time T and decided to sleep until D.
class RecordingClock final : public Clock {
 public:
  absl::Time Now() override { return fake_.Now(); }
  void Advance(absl::Duration d) { fake_.Advance(d); }
  bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) override {
    {
      absl::MutexLock lock(&waits_mu_);
      waits_.emplace_back(fake_.Now(), deadline);
    }
    return fake_.WaitWithDeadline(mu, cv, deadline);
  }
  // Blocks until a wait started at time `seen` with `deadline` was recorded.
  void AwaitWait(absl::Time seen, absl::Time deadline) {
    {
      absl::MutexLock lock(&waits_mu_);
      auto found = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        for (const auto& wait : waits_) {
          if (wait.first == seen && wait.second == deadline) return true;
        }
        return false;
      };
      waits_mu_.Await(absl::Condition(&found));
    }
    // The wait is recorded just before the FakeClock registers it: an Advance in between would
    // not wake it (and the test would hang on a slow machine). Wait for the registration.
    while (fake_.waiters() == 0) std::this_thread::yield();
  }

 private:
  FakeClock fake_;
  absl::Mutex waits_mu_;
  std::vector<std::pair<absl::Time, absl::Time>> waits_ ABSL_GUARDED_BY(waits_mu_);
};

// Records each request's outcome by id; counts deliveries so double calls are caught.
class Collector {
 public:
  absl::AnyInvocable<void(absl::StatusOr<InferenceResult>)> Callback(std::string id) {
    return [this, id](absl::StatusOr<InferenceResult> result) {
      absl::MutexLock lock(&mu_);
      ++calls_[id];
      outcomes_.insert_or_assign(id, std::move(result));
      ++total_;
    };
  }
  void Await(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return total_ >= n; };
    mu_.Await(absl::Condition(&reached));
  }
  absl::StatusOr<InferenceResult> Get(const std::string& id) {
    absl::MutexLock lock(&mu_);
    auto it = outcomes_.find(id);
    if (it == outcomes_.end()) return absl::NotFoundError("no outcome for " + id);
    return it->second;
  }
  int calls(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return calls_[id];
  }
  int total() {
    absl::MutexLock lock(&mu_);
    return total_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<InferenceResult>> outcomes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
  int total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_UNIT_SCHEDULER_TEST_SUPPORT_H_
