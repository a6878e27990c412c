// The sanitizer jobs' own check (scripts/sanitize.sh): each mode does one thing a sanitizer must
// report, or (absl_mutex) must not. If a build lost its flags, the annotation layer stopped
// interposing, or a runtime option stopped failing the process, these tests fail.
#include <climits>
#include <cstdio>
#include <cstring>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace {

int unguarded = 0;

// Everything absl::Mutex and its waits order between threads: no TSan report expected.
int AbslMutex() {
  absl::Mutex mu;
  absl::CondVar cv;
  int guarded = 0;
  bool ready = false;
  auto add = [&] {
    for (int i = 0; i < 1000; ++i) {
      absl::MutexLock lock(&mu);
      ++guarded;
    }
  };
  std::thread a(add), b(add);
  std::thread waiter([&] {
    absl::MutexLock lock(&mu);
    while (!ready) cv.Wait(&mu);
    ++guarded;
  });
  std::thread when([&] {
    mu.LockWhen(absl::Condition(&ready));
    ++guarded;
    mu.Unlock();
  });
  std::thread reader([&] {
    absl::ReaderMutexLock lock(&mu);
    std::printf("reader saw %d\n", guarded);
  });
  a.join();
  b.join();
  {
    absl::MutexLock lock(&mu);
    ready = true;
    cv.Signal();
  }
  waiter.join();
  when.join();
  reader.join();
  int handed = 0;
  absl::Notification done;
  std::thread writer([&] {
    handed = 1;
    done.Notify();
  });
  done.WaitForNotification();
  const int seen = handed;
  writer.join();
  return guarded == 2002 && seen == 1 ? 0 : 1;
}

int Race() {
  std::thread t([] { ++unguarded; });
  ++unguarded;
  t.join();
  return 0;
}

// volatile everywhere: the optimizer must not remove what the sanitizer has to see.
int HeapOverflow() {
  int* volatile hidden = new int[4];  // hidden from UBSan's object-size check: ASan must see it
  volatile int* p = hidden;
  p[4] = 1;
  delete[] hidden;
  return 0;
}

int SignedOverflow(int argc) {
  volatile int x = INT_MAX;
  volatile int sum = x + argc;
  return sum == 0;
}

int Leak() {
  volatile int* volatile p = new int[16];
  p[0] = 1;
  p = nullptr;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (std::strcmp(mode, "absl_mutex") == 0) return AbslMutex();
  if (std::strcmp(mode, "race") == 0) return Race();
  if (std::strcmp(mode, "heap_overflow") == 0) return HeapOverflow();
  if (std::strcmp(mode, "signed_overflow") == 0) return SignedOverflow(argc);
  if (std::strcmp(mode, "leak") == 0) return Leak();
  std::fprintf(stderr, "usage: sanitizer_canary absl_mutex|race|heap_overflow|signed_overflow|leak\n");
  return 2;
}
