// FakeClock: a wait ends with true exactly when fake time reaches its deadline, false when
// notified (or when time moved but not far enough: callers re-check and wait again).
#include "server/util/clock.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace fpgaas {
namespace {

// One thread blocked in FakeClock::WaitWithDeadline on its own mutex and condition variable.
class Sleeper {
 public:
  Sleeper(FakeClock* clock, absl::Time deadline)
      : thread_([this, clock, deadline] {
          absl::MutexLock lock(&mu_);
          while (!notified_) {
            if (clock->WaitWithDeadline(&mu_, &cv_, deadline)) {
              result_ = 1;  // deadline
              return;
            }
          }
          result_ = 0;  // notified
        }) {}
  ~Sleeper() { thread_.join(); }
  void Notify() {
    absl::MutexLock lock(&mu_);
    notified_ = true;
    cv_.Signal();
  }
  int result() const { return result_.load(); }  // -1 while sleeping

 private:
  absl::Mutex mu_;
  absl::CondVar cv_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int> result_{-1};
  std::thread thread_;
};

void AwaitWaiters(FakeClock& clock, int n) {
  while (clock.waiters() != n) std::this_thread::yield();
}

TEST(FakeClockTest, AdvanceEndsExactlyTheWaitsWhoseDeadlinePassed) {
  FakeClock clock;
  const absl::Time t0 = clock.Now();
  Sleeper first(&clock, t0 + absl::Seconds(1));
  Sleeper second(&clock, t0 + absl::Seconds(2));
  AwaitWaiters(clock, 2);
  clock.Advance(absl::Milliseconds(999));
  AwaitWaiters(clock, 2);  // woken to look at the time, both wait again
  EXPECT_EQ(first.result(), -1);
  EXPECT_EQ(second.result(), -1);
  clock.Advance(absl::Milliseconds(1));
  while (first.result() == -1) std::this_thread::yield();
  AwaitWaiters(clock, 1);
  EXPECT_EQ(first.result(), 1);
  EXPECT_EQ(second.result(), -1);
  clock.SetTime(t0 + absl::Seconds(5));
  AwaitWaiters(clock, 0);
  while (second.result() == -1) std::this_thread::yield();
  EXPECT_EQ(second.result(), 1);
}

TEST(FakeClockTest, NotifiedWaiterReturnsBeforeItsDeadline) {
  FakeClock clock;
  Sleeper sleeper(&clock, clock.Now() + absl::Hours(1));
  AwaitWaiters(clock, 1);
  sleeper.Notify();
  AwaitWaiters(clock, 0);
  while (sleeper.result() == -1) std::this_thread::yield();
  EXPECT_EQ(sleeper.result(), 0);
}

TEST(FakeClockTest, PassedDeadlineReturnsAtOnce) {
  FakeClock clock;
  absl::Mutex mu;
  absl::CondVar cv;
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(clock.WaitWithDeadline(&mu, &cv, clock.Now()));
  EXPECT_EQ(clock.waiters(), 0);
}

}  // namespace
}  // namespace fpgaas
