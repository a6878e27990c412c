// TSan annotations for Debian's uninstrumented abseil (TSan builds only: FPGAAS_SANITIZE=thread,
// top-level CMakeLists.txt). absl::Mutex and absl::CondVar live out of line in
// libabsl_synchronization.so, built without TSan, so TSan sees neither their atomics nor their
// futex waits: without this file every access an absl::Mutex guards is reported as a race
// (tests/support/sanitize/README.md). This shared library defines the public lock, unlock and wait
// functions itself; linked before abseil, it interposes them for every caller (our code, gRPC, and
// abseil's own Notification/BlockingCounter), tells TSan what each does with the
// __tsan_mutex_* interface and calls abseil's definition (dlsym RTLD_NEXT). These are the
// annotations abseil compiles in itself when it is built with TSan (ABSL_TSAN_MUTEX_* in mutex.cc).
// Between pre_* and post_* TSan ignores the thread's memory accesses: conditions (absl::Condition)
// that abseil evaluates inside a lock or unlock are not checked, as in a TSan build of abseil.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "fpgaas_tsan_absl: no next definition of %s (abseil must load after us)\n",
               what);
  std::abort();
}

void* NextSymbol(const char* name) {
  void* next = dlsym(RTLD_NEXT, name);
  if (next == nullptr) Fail(name);
  return next;
}

// abseil's definition of the member function `ours` (the same symbol in the next object of the
// lookup order), found through our definition's mangled name. Itanium ABI: a pointer to a
// non-virtual member function is {address, this-adjustment 0}.
template <typename Fn>
Fn Next(Fn ours) {
  void* self;
  std::memcpy(&self, &ours, sizeof self);
  Dl_info info;
  if (dladdr(self, &info) == 0 || info.dli_sname == nullptr) Fail("a member of absl::Mutex");
  void* next = NextSymbol(info.dli_sname);
  Fn result{};
  std::memcpy(&result, &next, sizeof next);
  return result;
}

#define FPGAAS_NEXT(object, method, ...)                        \
  ([&] {                                                        \
    static const auto next = Next(&method);                     \
    return ((object)->*next)(__VA_ARGS__);                      \
  }())

#define FPGAAS_STRINGIFY2(x) #x
#define FPGAAS_STRINGIFY(x) FPGAAS_STRINGIFY2(x)
constexpr const char* kAbslNamespace = FPGAAS_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);

constexpr unsigned kRead = __tsan_mutex_read_lock;

// abseil's functions call each other through the PLT, i.e. through these definitions again
// (AwaitWithTimeout tail-calls AwaitWithDeadline, CondVar::WaitWithTimeout WaitWithDeadline...):
// only the outermost call on a thread is annotated.
thread_local bool inside_abseil = false;
class Outermost {
 public:
  Outermost() : outer_(!inside_abseil) { inside_abseil = true; }
  ~Outermost() {
    if (outer_) inside_abseil = false;
  }
  explicit operator bool() const { return outer_; }

 private:
  const bool outer_;
};

// The mode in which the calling thread holds mu (asked only while it holds it): abseil's mutex
// word, its only member, has kMuWriter (0x08) set while a writer holds it.
unsigned HeldFlags(const absl::Mutex* mu) {
  static_assert(sizeof(absl::Mutex) == sizeof(std::atomic<intptr_t>));
  const intptr_t word =
      reinterpret_cast<const std::atomic<intptr_t>*>(mu)->load(std::memory_order_relaxed);
  return (word & 0x08) != 0 ? 0 : kRead;
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  // A destructor has no address to take: its mangled name, absl::<inline namespace>::Mutex::~Mutex.
  using Dtor = void (*)(Mutex*);
  static const auto next = reinterpret_cast<Dtor>(NextSymbol(
      ("_ZN4absl" + std::to_string(std::strlen(kAbslNamespace)) + kAbslNamespace + "5MutexD1Ev")
          .c_str()));
  __tsan_mutex_destroy(this, 0);
  next(this);
}

#define FPGAAS_LOCK(mu, flags, call)                   \
  const Outermost outer;                               \
  if (outer) __tsan_mutex_pre_lock(mu, flags);         \
  call;                                                \
  if (outer) __tsan_mutex_post_lock(mu, flags, 0)
#define FPGAAS_UNLOCK(mu, flags, call)                 \
  const Outermost outer;                               \
  if (outer) __tsan_mutex_pre_unlock(mu, flags);       \
  call;                                                \
  if (outer) __tsan_mutex_post_unlock(mu, flags)
// Await and the CondVar waits release the mutex and take it again in the caller's mode.
#define FPGAAS_RELEASE_AND_REACQUIRE(mu, call)         \
  const Outermost outer;                               \
  const unsigned flags = HeldFlags(mu);                \
  if (outer) {                                         \
    __tsan_mutex_pre_unlock(mu, flags);                \
    __tsan_mutex_post_unlock(mu, flags);               \
    __tsan_mutex_pre_lock(mu, flags);                  \
  }                                                    \
  call;                                                \
  if (outer) __tsan_mutex_post_lock(mu, flags, 0)

void Mutex::Lock() { FPGAAS_LOCK(this, 0, FPGAAS_NEXT(this, Mutex::Lock)); }
void Mutex::ReaderLock() { FPGAAS_LOCK(this, kRead, FPGAAS_NEXT(this, Mutex::ReaderLock)); }
void Mutex::Unlock() { FPGAAS_UNLOCK(this, 0, FPGAAS_NEXT(this, Mutex::Unlock)); }
void Mutex::ReaderUnlock() { FPGAAS_UNLOCK(this, kRead, FPGAAS_NEXT(this, Mutex::ReaderUnlock)); }

bool Mutex::TryLock() {
  const Outermost outer;
  if (outer) __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = FPGAAS_NEXT(this, Mutex::TryLock);
  if (outer) {
    __tsan_mutex_post_lock(
        this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  }
  return locked;
}
bool Mutex::ReaderTryLock() {
  const Outermost outer;
  if (outer) __tsan_mutex_pre_lock(this, kRead | __tsan_mutex_try_lock);
  const bool locked = FPGAAS_NEXT(this, Mutex::ReaderTryLock);
  if (outer) {
    __tsan_mutex_post_lock(
        this, kRead | __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  }
  return locked;
}

// The *When functions hold the mutex on return, whatever they return.
void Mutex::LockWhen(const Condition& cond) {
  FPGAAS_LOCK(this, 0, FPGAAS_NEXT(this, Mutex::LockWhen, cond));
}
void Mutex::ReaderLockWhen(const Condition& cond) {
  FPGAAS_LOCK(this, kRead, FPGAAS_NEXT(this, Mutex::ReaderLockWhen, cond));
}
bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  bool result;
  FPGAAS_LOCK(this, 0, result = FPGAAS_NEXT(this, Mutex::LockWhenWithTimeout, cond, timeout));
  return result;
}
bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  bool result;
  FPGAAS_LOCK(this, kRead,
              result = FPGAAS_NEXT(this, Mutex::ReaderLockWhenWithTimeout, cond, timeout));
  return result;
}
bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  bool result;
  FPGAAS_LOCK(this, 0, result = FPGAAS_NEXT(this, Mutex::LockWhenWithDeadline, cond, deadline));
  return result;
}
bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  bool result;
  FPGAAS_LOCK(this, kRead,
              result = FPGAAS_NEXT(this, Mutex::ReaderLockWhenWithDeadline, cond, deadline));
  return result;
}

void Mutex::Await(const Condition& cond) {
  FPGAAS_RELEASE_AND_REACQUIRE(this, FPGAAS_NEXT(this, Mutex::Await, cond));
}
bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  bool result;
  FPGAAS_RELEASE_AND_REACQUIRE(this,
                               result = FPGAAS_NEXT(this, Mutex::AwaitWithTimeout, cond, timeout));
  return result;
}
bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  bool result;
  FPGAAS_RELEASE_AND_REACQUIRE(
      this, result = FPGAAS_NEXT(this, Mutex::AwaitWithDeadline, cond, deadline));
  return result;
}

void CondVar::Wait(Mutex* mu) {
  FPGAAS_RELEASE_AND_REACQUIRE(mu, FPGAAS_NEXT(this, CondVar::Wait, mu));
}
bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  bool result;
  FPGAAS_RELEASE_AND_REACQUIRE(mu, result = FPGAAS_NEXT(this, CondVar::WaitWithTimeout, mu, timeout));
  return result;
}
bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  bool result;
  FPGAAS_RELEASE_AND_REACQUIRE(mu,
                               result = FPGAAS_NEXT(this, CondVar::WaitWithDeadline, mu, deadline));
  return result;
}

// Notification and BlockingCounter also hand over through an atomic of their own, without the
// mutex: WaitForNotification returns at once once notified, and only the last DecrementCount
// takes the mutex. That atomic (the member after the mutex) is released before they signal and
// acquired after they return; inline readers (Notification::HasBeenNotified, an instrumented
// acquire load of the same atomic) synchronize with the release too.
namespace {
void* HandOver(const void* object) {
  return const_cast<char*>(static_cast<const char*>(object)) + sizeof(Mutex);
}
}  // namespace

void Notification::Notify() {
  static_assert(sizeof(Notification) > sizeof(Mutex));
  __tsan_release(HandOver(this));
  FPGAAS_NEXT(this, Notification::Notify);
}
void Notification::WaitForNotification() const {
  FPGAAS_NEXT(this, Notification::WaitForNotification);
  __tsan_acquire(HandOver(this));
}
bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  const bool notified = FPGAAS_NEXT(this, Notification::WaitForNotificationWithTimeout, timeout);
  if (notified) __tsan_acquire(HandOver(this));
  return notified;
}
bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  const bool notified = FPGAAS_NEXT(this, Notification::WaitForNotificationWithDeadline, deadline);
  if (notified) __tsan_acquire(HandOver(this));
  return notified;
}

bool BlockingCounter::DecrementCount() {
  static_assert(sizeof(BlockingCounter) > sizeof(Mutex));
  __tsan_release(HandOver(this));
  return FPGAAS_NEXT(this, BlockingCounter::DecrementCount);
}
void BlockingCounter::Wait() {
  FPGAAS_NEXT(this, BlockingCounter::Wait);
  __tsan_acquire(HandOver(this));
}

ABSL_NAMESPACE_END
}  // namespace absl
