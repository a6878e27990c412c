// The dynamic batcher of scheduler.h.
//
// Queues: one FIFO per priority level, plus per level a FIFO of requests that timed out under
// timeout_action DELAY (they run after every unexpired request of their level, before the next
// level). Batch formation walks the queues in that order from the front, dropping cancelled and
// expired requests it meets, and takes whole requests while they fit in max_batch_size; the batch
// is sent when it is full (or the next request does not fit), when it is one of the preferred sizes
// (or a prefix of it is: the longest such prefix goes), or when its oldest request has waited
// max_queue_delay; otherwise the worker sleeps until then (or until a request's deadline). Requests
// deeper in the queue than one batch are checked for cancellation and deadline when they reach the
// front, so formation costs O(batch), not O(queue).
//
// Run to completion (scheduler.h): while no slot runs a batch and nothing is queued (for a request
// that is a full batch by itself: while nothing is queued), Enqueue claims an idle slot under mu_
// (SlotState::kInline), runs
// the request with RunBatch on its own thread without the lock, and gives the slot back. The
// slot's worker, meanwhile, waits without counting as idle, so the reaper keeps watching
// deadlines; while any slot is claimed that way, wake-ups go to every worker (one woken worker that
// cannot take work must not swallow the signal meant for one that can). The estimate that decides
// "short" is an average of the measured packing+device+unpacking time per sample of recent
// batches, in the injected clock; until one batch has run there is none, and requests go to the
// workers.
//
// The reaper thread covers what the workers cannot see while every one of them runs a batch: it
// sleeps until the earliest queued deadline (or NotifyCancelled) and then removes every cancelled
// and expired request in one O(queue) pass. While a worker is idle, that worker's own timed wait
// covers the deadlines, so Enqueue wakes the reaper only when no worker is idle and the new
// deadline is earlier than the reaper's next look: light traffic costs the reaper nothing.
//
// Metrics: the scheduler records every outcome of the requests it sees, including Enqueue
// rejections (FailureReason kInvalidArgument, kQueueFull, kShutdown); callers record only failures
// that never reach Enqueue.
#include "server/scheduler/scheduler.h"

#include <sys/prctl.h>

#include <algorithm>
#include <deque>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "server/metrics/metrics.h"

namespace fpgaas {
namespace {

using RequestPtr = std::unique_ptr<InferenceRequest>;

// How often a worker whose slot is out of service checks whether it is back.
constexpr absl::Duration kOutOfServicePoll = absl::Milliseconds(100);

struct PriorityLevel {
  std::deque<RequestPtr> ready;    // arrival order
  std::deque<RequestPtr> delayed;  // timed out under DELAY, arrival order of their timeout
};

// Who runs batches on a slot right now.
enum class SlotState { kIdle, kWorker, kInline };

// What one RunBatch measured, for the run-to-completion estimate (samples 0: nothing ran).
struct BatchCost {
  int samples = 0;
  absl::Duration time;
};

struct Failure {
  RequestPtr request;
  absl::Status status;
  FailureReason reason;
};

class ModelSchedulerImpl final : public ModelScheduler {
 public:
  ModelSchedulerImpl(SchedulerOptions options, LoadedModel* model, Clock* clock,
                     ModelMetrics* metrics)
      : options_(std::move(options)),
        model_(model),
        spec_(model->spec()),
        inputs_(Tensors(spec_, true)),
        outputs_(Tensors(spec_, false)),
        clock_(clock),
        metrics_(metrics),
        slots_(model->slots()),
        queues_(std::max<uint32_t>(1, options_.priority_levels)),
        slot_state_(slots_.size(), SlotState::kIdle) {
    std::sort(options_.preferred_batch_sizes.begin(), options_.preferred_batch_sizes.end());
  }

  ~ModelSchedulerImpl() override { Shutdown(); }

  static std::vector<DeviceTensor> Tensors(const DeviceModelSpec& spec, bool inputs) {
    std::vector<DeviceTensor> tensors;
    const int n = inputs ? spec.num_inputs() : spec.num_outputs();
    for (int k = 0; k < n; ++k) tensors.push_back(inputs ? spec.input(k) : spec.output(k));
    return tensors;
  }

  void Start() {
    if (metrics_ != nullptr) metrics_->SetQueueDepth(0);
    for (size_t i = 0; i < slots_.size(); ++i) {
      workers_.emplace_back([this, i] { WorkerLoop(i); });
    }
    workers_.emplace_back([this] { ReaperLoop(); });
  }

  absl::Status Enqueue(RequestPtr& request) override {
    if (request == nullptr) return absl::InvalidArgumentError("Enqueue: null request");
    absl::Status invalid = Validate(*request);
    if (!invalid.ok()) {
      if (metrics_ != nullptr) {
        metrics_->RecordFailure(FailureReason::kInvalidArgument, SinceArrival(*request));
      }
      return invalid;
    }
    const uint32_t level = request->priority == 0 || options_.priority_levels == 0
                               ? DefaultLevel()
                               : request->priority;
    const absl::Time now = clock_->Now();
    bool wake_reaper = false;
    bool wake_all = false;
    int inline_slot = -1;
    {
      absl::MutexLock lock(&mu_);
      absl::Status rejected;
      FailureReason reason = FailureReason::kOther;
      if (shutting_down_) {
        rejected = absl::UnavailableError(absl::StrCat(ModelName(), " is shutting down"));
        reason = FailureReason::kShutdown;
      } else if (options_.max_queue_size > 0 && queued_ >= options_.max_queue_size) {
        // Only live requests count: take the dead ones out now (the reaper answers them).
        const size_t evicted = evicted_.size();
        RemoveDeadLocked(now, &evicted_);
        wake_reaper = evicted_.size() > evicted;
        if (queued_ >= options_.max_queue_size) {
          rejected = absl::UnavailableError(
              absl::StrCat(ModelName(), ": queue full (", queued_, " requests)"));
          reason = FailureReason::kQueueFull;
        }
      }
      if (!rejected.ok()) {
        if (metrics_ != nullptr) metrics_->RecordFailure(reason, SinceArrival(*request));
        if (wake_reaper) reaper_cv_.Signal();
        return rejected;
      }
      request->enqueue_time = now;
      if (request->arrival == absl::InfinitePast()) request->arrival = now;
      const absl::Time deadline = QueueDeadline(*request, now);
      request->deadline = deadline;
      inline_slot = InlineSlotLocked(*request, now);
      if (inline_slot >= 0) {
        slot_state_[inline_slot] = SlotState::kInline;
        ++inline_running_;
      } else {
        unseen_deadline_ = std::min(unseen_deadline_, deadline);
        if (idle_workers_ == 0 && deadline < reaper_wake_) {
          reaper_wake_ = deadline;
          wake_reaper = true;
        }
        queues_[level - 1].ready.push_back(std::move(request));
        ++queued_;
        if (metrics_ != nullptr) metrics_->SetQueueDepth(queued_);
        if (wake_reaper) reaper_cv_.Signal();
        wake_all = inline_running_ > 0;
      }
    }
    if (inline_slot >= 0) {
      RunToCompletion(size_t(inline_slot), request, now);
    } else if (wake_all) {
      cv_.SignalAll();
    } else {
      cv_.Signal();
    }
    return absl::OkStatus();
  }

  int64_t inline_runs() const override { return inline_runs_.load(std::memory_order_relaxed); }

  void NotifyCancelled() override {
    // Under mu_: the reaper scans and then waits without releasing it in between, so the flag set
    // before this call is either seen by its scan or this signal reaches its wait.
    absl::MutexLock lock(&mu_);
    reaper_cv_.Signal();
  }

  int queue_depth() const override {
    absl::MutexLock lock(&mu_);
    return queued_;
  }

  bool AwaitDrained(absl::Time deadline) override {
    absl::MutexLock lock(&mu_);
    while (queued_ > 0) {
      if (clock_->WaitWithDeadline(&mu_, &drained_cv_, deadline)) break;
    }
    return queued_ == 0;
  }

  void Shutdown() override {
    std::vector<RequestPtr> drained;
    std::vector<Failure> evicted;
    {
      absl::MutexLock lock(&mu_);
      shutting_down_ = true;
      evicted.swap(evicted_);
      for (PriorityLevel& level : queues_) {
        for (auto* queue : {&level.ready, &level.delayed}) {
          for (RequestPtr& request : *queue) drained.push_back(std::move(request));
          queue->clear();
        }
      }
      queued_ = 0;
      QueueShrankLocked();
    }
    cv_.SignalAll();
    out_of_service_cv_.SignalAll();
    reaper_cv_.SignalAll();
    for (Failure& failure : evicted) Fail(std::move(failure));
    for (RequestPtr& request : drained) {
      Fail(Failure{std::move(request),
                   absl::UnavailableError(absl::StrCat(ModelName(), " is shutting down")),
                   FailureReason::kShutdown});
    }
    {
      absl::MutexLock lock(&join_mu_);
      for (std::thread& worker : workers_) {
        if (worker.joinable()) worker.join();
      }
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ModelSchedulerImpl::NoInlineRunsLocked));
  }

 private:
  bool NoInlineRunsLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return inline_running_ == 0;
  }

  // Under mu_, for a request Enqueue accepted (deadline set): the slot it may run on right now on
  // the caller's thread, or -1. Only when nothing is queued (it overtakes no one), the batcher
  // would send it at once anyway (no max_queue_delay to wait for company), and it is expected to
  // be short, or to be a full batch by itself.
  int InlineSlotLocked(const InferenceRequest& request, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (queued_ > 0 || ns_per_sample_ < 0) return -1;
    const double expected_ns = ns_per_sample_ * request.batch_size;
    auto within = [expected_ns](absl::Duration limit) {
      return limit > absl::ZeroDuration() && expected_ns <= absl::ToDoubleNanoseconds(limit);
    };
    const int full_batch = options_.preferred_batch_sizes.empty()
                               ? options_.max_batch_size
                               : options_.preferred_batch_sizes.back();
    // A full batch has no company to wait for: it may run beside batches on other slots (it saves
    // the worker's wake-up: 1024-sample muon_pt requests, 4 in flight over h2load, 4.35 k -> 5.65 k
    // req/s on the 2-vCPU VM).
    const bool full = request.batch_size >= full_batch && within(options_.full_batch_inline_limit);
    if (!full && !within(options_.run_to_completion_limit)) return -1;
    const bool sent_at_once =
        options_.max_queue_delay == absl::ZeroDuration() ||
        request.batch_size == options_.max_batch_size ||
        std::binary_search(options_.preferred_batch_sizes.begin(),
                           options_.preferred_batch_sizes.end(), request.batch_size);
    if (!sent_at_once || now >= request.deadline) return -1;
    if (request.cancelled != nullptr && request.cancelled->load()) return -1;
    // Otherwise only while the whole model is idle: with a batch running somewhere, requests are
    // arriving faster than one at a time, and queueing lets the next batch gather them (one
    // inline run per arrival would run batches of one, at several times the device time per
    // sample).
    int chosen = -1;
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slot_state_[i] != SlotState::kIdle) {
        if (full) continue;
        return -1;
      }
      if (chosen < 0 && slots_[i]->may_run_inline() && slots_[i]->in_service()) chosen = int(i);
    }
    return chosen;
  }

  // Under mu_: folds one batch's measured time into the per-sample estimate.
  void RecordCostLocked(const BatchCost& cost) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (cost.samples == 0) return;
    const double per_sample = absl::ToDoubleNanoseconds(cost.time) / cost.samples;
    ns_per_sample_ = ns_per_sample_ < 0 ? per_sample : 0.75 * ns_per_sample_ + 0.25 * per_sample;
  }

  // Runs `request` (accepted, its slot claimed by Enqueue) on the caller's thread, then gives the
  // slot back and wakes the workers if requests queued meanwhile.
  void RunToCompletion(size_t slot, RequestPtr& request, absl::Time now) {
    inline_runs_.fetch_add(1, std::memory_order_relaxed);
    RunBatch(slot, absl::MakeSpan(&request, 1), now);
    absl::MutexLock lock(&mu_);
    --inline_running_;  // after `done`: Shutdown must wait for this thread to leave the scheduler
  }

  // Gives the slot back once its buffers are no longer needed (before the `done` callbacks run, so
  // a caller they unblock finds it idle) and folds the batch's time into the estimate. A caller
  // releasing it wakes the workers when requests queued meanwhile (the slot's worker waits for it).
  void ReleaseSlot(size_t slot, const BatchCost& cost) {
    bool wake = false;
    {
      absl::MutexLock lock(&mu_);
      wake = slot_state_[slot] == SlotState::kInline && queued_ > 0;
      slot_state_[slot] = SlotState::kIdle;
      RecordCostLocked(cost);
    }
    if (wake) cv_.SignalAll();
  }

  // After queued_ went down: publishes the depth and wakes AwaitDrained when the queue is empty.
  void QueueShrankLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (metrics_ != nullptr) metrics_->SetQueueDepth(queued_);
    if (queued_ == 0) drained_cv_.SignalAll();
  }

  // Zero for a request that never said when it arrived and was not enqueued.
  absl::Duration SinceArrival(const InferenceRequest& request) const {
    if (request.arrival == absl::InfinitePast()) return absl::ZeroDuration();
    return std::max(absl::ZeroDuration(), clock_->Now() - request.arrival);
  }

  uint32_t DefaultLevel() const {
    return options_.priority_levels == 0 ? 1 : options_.default_priority_level;
  }

  std::string ModelName() const {
    return absl::StrCat("model ", spec_.model_name, " version ", spec_.version);
  }

  // The earliest of the client's deadline, the model's default timeout and (when the model allows
  // override) the request's own timeout, which may only shorten the default (zero = no default).
  absl::Time QueueDeadline(const InferenceRequest& request, absl::Time now) const {
    absl::Duration timeout = options_.default_timeout;
    if (options_.allow_timeout_override && request.timeout > absl::ZeroDuration() &&
        (timeout == absl::ZeroDuration() || request.timeout < timeout)) {
      timeout = request.timeout;
    }
    if (timeout == absl::ZeroDuration()) return request.deadline;
    return std::min(request.deadline, now + timeout);
  }

  absl::Status Validate(const InferenceRequest& request) const {
    // Built only on the error paths: Validate runs for every request.
    auto who = [&] { return absl::StrCat(ModelName(), " request '", request.id, "'"); };
    if (request.batch_size < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(who(), ": batch size ", request.batch_size, " must be >= 1"));
    }
    if (request.batch_size > options_.max_batch_size) {
      return absl::InvalidArgumentError(absl::StrCat(who(), ": batch size ", request.batch_size,
                                                     " exceeds max_batch_size ",
                                                     options_.max_batch_size));
    }
    if (int(request.more_inputs.size()) != spec_.num_inputs() - 1 ||
        int(request.more_output_types.size()) != spec_.num_outputs() - 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          who(), ": ", request.more_inputs.size() + 1, " inputs and ",
          request.more_output_types.size() + 1, " outputs, the model has ", spec_.num_inputs(),
          " and ", spec_.num_outputs()));
    }
    for (int k = 0; k < int(inputs_.size()); ++k) {
      const numerics::ElementType type =
          k == 0 ? request.input_type : request.more_inputs[size_t(k - 1)].type;
      const std::string& data = k == 0 ? request.input : request.more_inputs[size_t(k - 1)].data;
      const int values = inputs_[size_t(k)].size;
      const size_t element = size_t(numerics::ElementSize(type));
      const size_t expected = size_t(request.batch_size) * size_t(values) * element;
      if (data.size() != expected) {
        return absl::InvalidArgumentError(absl::StrCat(
            who(), ": input", k == 0 ? "" : absl::StrCat(" ", k), " has ", data.size(),
            " bytes, expected ", expected, " (", request.batch_size, " samples x ", values,
            " values x ", element, " bytes of ", std::string(numerics::ElementTypeName(type)),
            ")"));
      }
    }
    if (options_.priority_levels > 0 && request.priority > options_.priority_levels) {
      return absl::InvalidArgumentError(absl::StrCat(who(), ": priority ", request.priority,
                                                     " out of range [1, ", options_.priority_levels,
                                                     "]"));
    }
    if (request.timeout < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          who(), ": timeout ", absl::FormatDuration(request.timeout), " must be >= 0"));
    }
    if (!request.done) return absl::InvalidArgumentError(who() + ": no completion callback");
    return absl::OkStatus();
  }

  Failure CancelledFailure(RequestPtr request) const {
    return Failure{
        std::move(request),
        absl::CancelledError(absl::StrCat(ModelName(), ": request cancelled while queued")),
        FailureReason::kCancelled};
  }

  Failure TimeoutFailure(RequestPtr request, absl::Time now) const {
    absl::Status timed_out = absl::DeadlineExceededError(
        absl::StrCat(ModelName(), ": request timed out after ",
                     absl::FormatDuration(now - request->enqueue_time), " in the queue"));
    return Failure{std::move(request), std::move(timed_out), FailureReason::kTimeout};
  }

  // Under mu_: moves every cancelled request, and every expired one under REJECT, out of the queues
  // into *failures (expired ones under DELAY go to their level's delayed queue). Returns the
  // earliest deadline left in the ready queues. O(queue).
  absl::Time RemoveDeadLocked(absl::Time now, std::vector<Failure>* failures)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t before = failures->size();
    absl::Time earliest = absl::InfiniteFuture();
    for (PriorityLevel& level : queues_) {
      for (std::deque<RequestPtr>* queue : {&level.ready, &level.delayed}) {
        const bool ready = queue == &level.ready;
        size_t kept = 0;
        for (size_t i = 0; i < queue->size(); ++i) {
          RequestPtr& request = (*queue)[i];
          if (request->cancelled != nullptr && request->cancelled->load()) {
            failures->push_back(CancelledFailure(std::move(request)));
            continue;
          }
          if (ready && now >= request->deadline) {
            if (options_.reject_on_timeout) {
              failures->push_back(TimeoutFailure(std::move(request), now));
            } else {
              level.delayed.push_back(std::move(request));
            }
            continue;
          }
          if (ready) earliest = std::min(earliest, request->deadline);
          if (kept != i) (*queue)[kept] = std::move(request);
          ++kept;
        }
        queue->resize(kept);
      }
    }
    if (failures->size() > before) {
      queued_ -= int(failures->size() - before);
      QueueShrankLocked();
    }
    return earliest;
  }

  // Answers cancelled and expired requests while the workers are busy (see the file comment).
  void ReaperLoop() {
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // deadlines to the microsecond, as the workers
    std::vector<Failure> failures;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        while (!shutting_down_) {
          unseen_deadline_ = absl::InfiniteFuture();
          const absl::Time next = RemoveDeadLocked(clock_->Now(), &failures);
          for (Failure& failure : evicted_) failures.push_back(std::move(failure));
          evicted_.clear();
          if (!failures.empty()) {
            reaper_wake_ = absl::InfinitePast();  // busy answering; scans again right after
            break;
          }
          reaper_wake_ = next;
          if (next == absl::InfiniteFuture()) {
            reaper_cv_.Wait(&mu_);
          } else {
            clock_->WaitWithDeadline(&mu_, &reaper_cv_, next);
          }
        }
      }
      if (failures.empty()) return;  // shutting down: Shutdown answers what is queued
      for (Failure& failure : failures) Fail(std::move(failure));
      failures.clear();
    }
  }

  // Under mu_: removes cancelled/expired requests it meets into *failures and, if a batch should go
  // now, moves it into *batch and returns true. Otherwise sets *wake to when to look again
  // (InfiniteFuture = when a request arrives).
  bool TakeBatch(std::vector<RequestPtr>* batch, std::vector<Failure>* failures, absl::Time* wake)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const absl::Time now = clock_->Now();
    // Candidate i is the front of taken_from[i].
    absl::InlinedVector<std::deque<RequestPtr>*, 16> taken_from;
    int samples = 0;
    int preferred_prefix = 0;  // candidates forming the longest prefix of a preferred size
    bool full = false;
    absl::Time oldest = absl::InfiniteFuture();
    absl::Time earliest_deadline = absl::InfiniteFuture();
    for (PriorityLevel& level : queues_) {
      for (std::deque<RequestPtr>* queue : {&level.ready, &level.delayed}) {
        size_t index = 0;  // queue[0, index) are candidates already
        while (!full && index < queue->size()) {
          RequestPtr& request = (*queue)[index];
          if (request->cancelled != nullptr && request->cancelled->load()) {
            failures->push_back(CancelledFailure(std::move(request)));
            queue->erase(queue->begin() + index);
            --queued_;
            continue;
          }
          if (queue == &level.ready && now >= request->deadline) {
            if (options_.reject_on_timeout) {
              failures->push_back(TimeoutFailure(std::move(request), now));
              --queued_;
            } else {
              level.delayed.push_back(std::move(request));
            }
            queue->erase(queue->begin() + index);
            continue;
          }
          if (samples + request->batch_size > options_.max_batch_size) {
            full = true;
            break;
          }
          samples += request->batch_size;
          taken_from.push_back(queue);
          if (std::binary_search(options_.preferred_batch_sizes.begin(),
                                 options_.preferred_batch_sizes.end(), samples)) {
            preferred_prefix = int(taken_from.size());
          }
          oldest = std::min(oldest, request->enqueue_time);
          if (queue == &level.ready)
            earliest_deadline = std::min(earliest_deadline, request->deadline);
          ++index;
        }
      }
    }
    if (!failures->empty()) QueueShrankLocked();
    if (taken_from.empty()) {
      *wake = absl::InfiniteFuture();
      return false;
    }
    size_t count = 0;
    if (full || samples == options_.max_batch_size) {
      count = taken_from.size();
    } else if (preferred_prefix > 0) {
      count = size_t(preferred_prefix);
    } else if (now >= oldest + options_.max_queue_delay) {
      count = taken_from.size();
    } else {
      *wake = std::min(oldest + options_.max_queue_delay, earliest_deadline);
      return false;
    }
    for (size_t i = 0; i < count; ++i) {
      batch->push_back(std::move(taken_from[i]->front()));
      taken_from[i]->pop_front();
    }
    queued_ -= int(count);
    QueueShrankLocked();
    return true;
  }

  // A slot out of service leaves the batches to the model's other slots while one of them is in
  // service (a model spanning several cards); with none, it still takes them, and the device
  // answers them with its error instead of leaving them queued.
  bool LeavesBatchesToOthers(const ExecutionSlot* slot) const {
    if (slot->in_service()) return false;
    for (const ExecutionSlot* other : model_->slots()) {
      if (other->in_service()) return true;
    }
    return false;
  }

  void WorkerLoop(size_t index) {
    ExecutionSlot* const slot = slots_[index];
    // Linux rounds timed waits up by the thread's timer slack (50 us by default), which would add
    // ~50 us to every max_queue_delay wait; 1 ns makes the batcher's deadlines exact.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    std::vector<RequestPtr> batch;
    std::vector<Failure> failures;
    while (true) {
      bool stop = false;
      absl::Time batch_start;
      {
        absl::MutexLock lock(&mu_);
        while (true) {
          if (shutting_down_) {
            stop = true;
            break;
          }
          if (slot_state_[index] == SlotState::kInline) {
            // A caller runs a request on this slot; it wakes every worker when it is done.
            cv_.Wait(&mu_);
            continue;
          }
          if (LeavesBatchesToOthers(slot)) {
            // Its card is out of service: the other slots take the batches; look again later.
            // It waits apart from the workers that take them, so that the single Signal of
            // Enqueue reaches one of those; a Signal it took as its card went out is passed on
            // (to all while a caller runs a request inline: its slot's worker waits on cv_ too).
            if (queued_ > 0 && inline_running_ > 0) {
              cv_.SignalAll();
            } else if (queued_ > 0) {
              cv_.Signal();
            }
            clock_->WaitWithDeadline(&mu_, &out_of_service_cv_, clock_->Now() + kOutOfServicePoll);
            continue;
          }
          absl::Time wake;
          if (TakeBatch(&batch, &failures, &wake)) break;
          if (!failures.empty()) break;  // answer them now, without the lock
          ++idle_workers_;
          if (wake == absl::InfiniteFuture()) {
            cv_.Wait(&mu_);
          } else {
            clock_->WaitWithDeadline(&mu_, &cv_, wake);
          }
          --idle_workers_;
        }
        batch_start = clock_->Now();
        if (!batch.empty()) slot_state_[index] = SlotState::kWorker;
        if (!batch.empty() && queued_ > 0) {
          // More work may be waiting for another worker; with none idle, the reaper must know of
          // deadlines that arrived while one was.
          if (inline_running_ > 0) {
            cv_.SignalAll();
          } else {
            cv_.Signal();
          }
          if (idle_workers_ == 0 && unseen_deadline_ < reaper_wake_) {
            reaper_wake_ = unseen_deadline_;
            reaper_cv_.Signal();
          }
        }
      }
      for (Failure& failure : failures) Fail(std::move(failure));
      failures.clear();
      if (!batch.empty()) RunBatch(index, absl::MakeSpan(batch), batch_start);
      batch.clear();
      if (stop) return;
    }
  }

  // Packs, executes and answers one batch on a slot claimed for it (kWorker or kInline), and
  // releases the slot; no lock held.
  void RunBatch(size_t slot_index, absl::Span<RequestPtr> batch, absl::Time start) {
    ExecutionSlot* const slot = slots_[slot_index];
    struct Packed {
      RequestPtr request;
      int offset;  // samples
    };
    // A single request (the usual inline run) allocates no vector.
    absl::InlinedVector<Packed, 1> packed;
    packed.reserve(batch.size());
    int samples = 0;
    for (RequestPtr& request : batch) {
      absl::Status status;
      for (int k = 0; k < int(inputs_.size()) && status.ok(); ++k) {
        const DeviceTensor& tensor = inputs_[size_t(k)];
        const RequestTensor* more = k == 0 ? nullptr : &request->more_inputs[size_t(k - 1)];
        status = numerics::PackElements(
            more == nullptr ? request->input_type : more->type,
            more == nullptr ? request->input.data() : more->data.data(),
            size_t(request->batch_size) * size_t(tensor.size), tensor.type,
            slot->input(k) + size_t(samples) * tensor.bytes_per_sample());
        if (!status.ok() && inputs_.size() > 1) {
          status = absl::Status(status.code(), absl::StrCat("input ", k, ": ", status.message()));
        }
      }
      if (!status.ok()) {
        // The next request packs at the same offset: the batch stays contiguous without it.
        absl::Status invalid = absl::InvalidArgumentError(
            absl::StrCat(ModelName(), " request '", request->id, "': ", status.message()));
        Fail(Failure{std::move(request), std::move(invalid), FailureReason::kInvalidArgument});
        continue;
      }
      const int offset = samples;
      samples += request->batch_size;
      packed.push_back(Packed{std::move(request), offset});
    }
    if (packed.empty()) {
      ReleaseSlot(slot_index, BatchCost());
      return;
    }
    const absl::Time packed_time = clock_->Now();
    StageTimes times;
    absl::Status status = slot->Execute(samples, &times);
    const absl::Time executed_time = clock_->Now();
    if (!status.ok()) {
      ReleaseSlot(slot_index, BatchCost());
      for (Packed& p : packed) {
        Fail(Failure{std::move(p.request), status, FailureReason::kDeviceError});
      }
      return;
    }
    absl::InlinedVector<InferenceResult, 1> results(packed.size());
    for (int k = 0; k < int(outputs_.size()); ++k) {
      const DeviceTensor& tensor = outputs_[size_t(k)];
      const uint8_t* const output = slot->output(k);
      for (size_t i = 0; i < packed.size(); ++i) {
        const InferenceRequest& request = *packed[i].request;
        const size_t values = size_t(request.batch_size) * size_t(tensor.size);
        const numerics::ElementType type =
            k == 0 ? request.output_type : request.more_output_types[size_t(k - 1)];
        if (k == 1) results[i].more_outputs.resize(outputs_.size() - 1);
        std::string& out = k == 0 ? results[i].output : results[i].more_outputs[size_t(k - 1)];
        out.resize(values * size_t(numerics::ElementSize(type)));
        numerics::UnpackElements(tensor.type,
                                 output + size_t(packed[i].offset) * tensor.bytes_per_sample(),
                                 values, type, out.data());
      }
    }
    const absl::Time end = clock_->Now();
    ReleaseSlot(slot_index, BatchCost{samples, end - start});
    const absl::Duration input_time = (packed_time - start) + times.input_transfer;
    const absl::Duration output_time = times.output_transfer + (end - executed_time);
    if (metrics_ != nullptr) {
      metrics_->RecordExecution(samples, input_time, times.compute, output_time);
    }
    for (size_t i = 0; i < packed.size(); ++i) {
      InferenceRequest& request = *packed[i].request;
      InferenceResult& result = results[i];
      result.queue = start - request.enqueue_time;
      result.input_transfer = input_time;
      result.compute = times.compute;
      result.output_transfer = output_time;
      result.batch_size = samples;
      if (metrics_ != nullptr) {
        metrics_->RecordSuccess(request.batch_size, end - request.arrival, result.queue, input_time,
                                times.compute, output_time, end);
      }
      request.done(std::move(result));
    }
  }

  void Fail(Failure failure) {
    if (metrics_ != nullptr) {
      metrics_->RecordFailure(failure.reason, SinceArrival(*failure.request));
    }
    failure.request->done(std::move(failure.status));
  }

  SchedulerOptions options_;
  LoadedModel* const model_;
  const DeviceModelSpec& spec_;
  // spec_'s tensors, looked up once (the batch loops read them per request).
  const std::vector<DeviceTensor> inputs_, outputs_;
  Clock* const clock_;
  ModelMetrics* const metrics_;
  const std::vector<ExecutionSlot*> slots_;  // model_->slots(), stable

  mutable absl::Mutex mu_;
  absl::CondVar cv_;  // a request arrived, a batch left work behind, or shutdown
  absl::CondVar out_of_service_cv_;  // shutdown (workers of out-of-service slots wait here)
  std::vector<PriorityLevel> queues_ ABSL_GUARDED_BY(mu_);  // [level - 1], fixed size
  int queued_ ABSL_GUARDED_BY(mu_) = 0;  // requests in queues_ (ready and delayed)
  absl::CondVar drained_cv_;             // queued_ reached 0
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  int idle_workers_ ABSL_GUARDED_BY(mu_) = 0;  // workers waiting for work or for a batch to fill
  // Reaper: woken for a cancellation, an earlier deadline, evictions, or shutdown.
  absl::CondVar reaper_cv_;
  // When the reaper looks next (InfinitePast: it is answering and scans again right after).
  absl::Time reaper_wake_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  // Earliest deadline enqueued since the reaper's last scan.
  absl::Time unseen_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  // Dead requests Enqueue took out of a full queue; the reaper (or Shutdown) answers them.
  std::vector<Failure> evicted_ ABSL_GUARDED_BY(mu_);
  std::vector<SlotState> slot_state_ ABSL_GUARDED_BY(mu_);  // [slot index]
  int inline_running_ ABSL_GUARDED_BY(mu_) = 0;              // slots in kInline
  // Packing + device + unpacking time per sample of recent batches (ns); < 0 = none ran yet.
  double ns_per_sample_ ABSL_GUARDED_BY(mu_) = -1;
  std::atomic<int64_t> inline_runs_{0};

  absl::Mutex join_mu_;
  std::vector<std::thread> workers_;  // slot workers and the reaper; written by Start only; joined
                                      // under join_mu_
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelScheduler>> ModelScheduler::Create(SchedulerOptions options,
                                                                       LoadedModel* model,
                                                                       Clock* clock,
                                                                       ModelMetrics* metrics) {
  if (model == nullptr) return absl::InvalidArgumentError("scheduler: no loaded model");
  if (clock == nullptr) return absl::InvalidArgumentError("scheduler: no clock");
  const DeviceModelSpec& spec = model->spec();
  const std::string who = absl::StrCat("model ", spec.model_name, " version ", spec.version);
  if (model->slots().empty()) {
    return absl::InvalidArgumentError(who + ": the loaded model has no execution slots");
  }
  if (!spec.tensor_sizes_positive()) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": input_size ", spec.input_size,
                                                   " and output_size ", spec.output_size,
                                                   " (and every further tensor's) must be >= 1"));
  }
  if (options.max_batch_size < 1 || options.max_batch_size > spec.max_batch_size) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": scheduler max_batch_size ", options.max_batch_size, " outside [1, ",
                     spec.max_batch_size, "] (the device's max_batch_size)"));
  }
  for (int preferred : options.preferred_batch_sizes) {
    if (preferred < 1 || preferred > options.max_batch_size) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": preferred batch size ", preferred,
                                                     " outside [1, ", options.max_batch_size, "]"));
    }
  }
  if (options.max_queue_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(who + ": max_queue_delay must be >= 0");
  }
  if (options.default_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(who + ": default timeout must be >= 0");
  }
  if (options.max_queue_size < 0) {
    return absl::InvalidArgumentError(who + ": max_queue_size must be >= 0");
  }
  if (options.priority_levels > 0 && (options.default_priority_level < 1 ||
                                      options.default_priority_level > options.priority_levels)) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": default_priority_level ",
                                                   options.default_priority_level, " outside [1, ",
                                                   options.priority_levels, "]"));
  }
  auto scheduler = std::make_unique<ModelSchedulerImpl>(std::move(options), model, clock, metrics);
  scheduler->Start();
  return std::unique_ptr<ModelScheduler>(std::move(scheduler));
}

}  // namespace fpgaas
