// KeyedWorkerPool (kserve_core.h): the repository's load/unload threads. Different keys run in
// parallel, one key's tasks one at a time in submission order.
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/frontend/kserve_core.h"

namespace fpgaas::frontend {
namespace {

TEST(KeyedWorkerPoolTest, OtherKeysRunWhileOneKeysTaskIsBlocked) {
  absl::Notification release_a;
  absl::Notification a_started;
  absl::Notification b_done;
  absl::Mutex mu;
  std::vector<std::string> order;
  const auto record = [&](const std::string& what) {
    absl::MutexLock lock(&mu);
    order.push_back(what);
  };
  {
    KeyedWorkerPool pool(2);
    pool.Submit("a", [&] {
      record("a1 start");
      a_started.Notify();
      release_a.WaitForNotification();
      record("a1 end");
    });
    pool.Submit("a", [&] { record("a2"); });  // must wait for a1, though a thread is free
    a_started.WaitForNotification();
    pool.Submit("b", [&] {
      record("b1");
      b_done.Notify();
    });
    b_done.WaitForNotification();  // would never happen if "b" queued behind "a"
    {
      absl::MutexLock lock(&mu);
      EXPECT_EQ(order, (std::vector<std::string>{"a1 start", "b1"}));
    }
    release_a.Notify();
  }  // destruction runs what is queued
  EXPECT_EQ(order, (std::vector<std::string>{"a1 start", "b1", "a1 end", "a2"}));
}

TEST(KeyedWorkerPoolTest, OneKeysTasksRunInSubmissionOrderOnManyThreads) {
  absl::Mutex mu;
  std::vector<int> order;
  {
    KeyedWorkerPool pool(4);
    for (int i = 0; i < 200; ++i) {
      pool.Submit("model", [&, i] {
        absl::MutexLock lock(&mu);
        order.push_back(i);
      });
    }
  }
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
}

}  // namespace
}  // namespace fpgaas::frontend
