// Scheduler: one dynamic batcher per loaded model version.
//
// The frontend hands over InferenceRequests; the scheduler queues them (priority levels, bounded
// queue, per-request timeouts), forms batches of up to max_batch_size samples, packs every
// request's tensor float->fixed straight into one ExecutionSlot's contiguous input buffer, runs the
// slot, and splits the packed output back into each request's response, then calls its `done`
// exactly once. One worker thread per ExecutionSlot; no lock is held while a device runs.
//
// Run to completion: a request that finds the queue empty and every slot idle runs inside Enqueue,
// on the caller's thread (no hand-off to a worker, whose wake-up costs more than a short kernel),
// when the slot allows it (ExecutionSlot::may_run_inline) and the model's recent batches say it
// takes at most run_to_completion_limit. As soon as requests queue or a batch runs, the workers
// batch them as before; a request never overtakes a queued one. A request that is a full batch by
// itself (full_batch_inline_limit) runs inline on any idle slot even while others run batches:
// there is nothing to batch it with. No lock is held while it runs: the slot is claimed.
//
// Cancelled and expired requests leave the queue without device work: a reaper thread (one per
// scheduler, besides the workers) answers them at their deadline, or as soon as NotifyCancelled
// is called, even while every slot is busy.
//
// Thread-safety: Enqueue, NotifyCancelled and queue_depth are safe from any thread. Destruction
// (or Shutdown) fails every queued request with UNAVAILABLE and joins the threads.
#ifndef FPGAAS_SERVER_SCHEDULER_SCHEDULER_H_
#define FPGAAS_SERVER_SCHEDULER_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/device/device.h"
#include "server/numerics/tensor_packing.h"
#include "server/util/clock.h"

namespace fpgaas {

class ModelMetrics;  // server/metrics/metrics.h

struct InferenceResult {
  std::string output;             // batch_size * output_size elements of the request's output_type
  // Outputs 1, 2, ... of a model with several (DeviceModelSpec::more_outputs), each in the
  // request's more_output_types[k - 1].
  std::vector<std::string> more_outputs;
  absl::Duration queue;           // time from Enqueue to the start of its batch
  absl::Duration input_transfer;  // packing + host->device of its batch (whole batch's time)
  absl::Duration compute;
  absl::Duration output_transfer;  // device->host + unpacking
  int batch_size = 0;              // size of the batch the request ran in (samples)
};

// One more input tensor of a request to a model with several inputs.
struct RequestTensor {
  numerics::ElementType type = numerics::ElementType::kFp32;
  std::string data;  // batch_size * that input's size little-endian elements of `type`
};

// Tensor 0 of each direction is input_type/input and output_type; a model with several inputs or
// outputs takes inputs 1, 2, ... in more_inputs and answers outputs 1, 2, ... in
// more_output_types' element types (in DeviceModelSpec's order; Enqueue checks the counts).
struct InferenceRequest {
  std::string id;      // client's request id (echoed back by the frontend)
  int batch_size = 1;  // samples in this request (>= 1)
  numerics::ElementType input_type = numerics::ElementType::kFp32;
  std::string input;  // batch_size * input_size little-endian elements of input_type
  numerics::ElementType output_type = numerics::ElementType::kFp32;
  std::vector<RequestTensor> more_inputs;                 // inputs 1, 2, ...
  std::vector<numerics::ElementType> more_output_types;  // outputs 1, 2, ...
  uint32_t priority = 0;  // 0 = the model's default level; 1 = highest
  // When the server received the request (the frontend sets it, in the scheduler's clock);
  // request durations in metrics count from here. InfinitePast = from Enqueue.
  absl::Time arrival = absl::InfinitePast();
  // The client's deadline. Enqueue replaces it with the queue deadline: the earliest of this,
  // Enqueue time + the model's default timeout, and Enqueue time + `timeout` when the model allows
  // timeout override. A request not started by then is handled by the model's timeout action
  // (REJECT: DEADLINE_EXCEEDED).
  absl::Time deadline = absl::InfiniteFuture();
  // The request's own queue timeout (KServe parameter "timeout"); zero = none. As in Triton it
  // applies only when the model sets allow_timeout_override, and can only shorten the default.
  absl::Duration timeout = absl::ZeroDuration();
  // Set by the frontend when the client cancels (then it calls NotifyCancelled); a cancelled
  // request leaves the queue without device work and gets CANCELLED. Null: never cancelled. Read
  // only until `done` is called (so it may alias a flag that lives just that long).
  std::shared_ptr<std::atomic<bool>> cancelled;
  // Called exactly once: from a scheduler thread, or (run to completion) on Enqueue's caller's
  // thread before Enqueue returns OK. Enqueue errors are returned, not delivered. Must not block.
  absl::AnyInvocable<void(absl::StatusOr<InferenceResult>)> done;
  absl::Time enqueue_time;  // set by Enqueue
};

struct SchedulerOptions {
  int max_batch_size = 1;                  // samples per device call
  std::vector<int> preferred_batch_sizes;  // a batch of one of these sizes is sent at once
  absl::Duration max_queue_delay = absl::ZeroDuration();  // wait at most this for a fuller batch
  uint32_t priority_levels = 0;                           // 0 = one level
  uint32_t default_priority_level = 0;
  // Live queued requests per model version (cancelled or expired ones do not count); 0 = unbounded.
  int max_queue_size = 0;
  absl::Duration default_timeout = absl::ZeroDuration();  // 0 = none
  bool allow_timeout_override = false;  // a request's `timeout` may shorten default_timeout
  bool reject_on_timeout = true;        // timeout_action REJECT (vs DELAY)
  // Run to completion (see the file comment) when the request's expected run time (packing,
  // device, unpacking; estimated per sample from the model's recent batches, in the scheduler's
  // clock) is at most this. Zero = always hand off to a worker.
  absl::Duration run_to_completion_limit = absl::Microseconds(100);
  // A request that fills a batch by itself (batch_size at least the largest preferred batch size,
  // or max_batch_size without preferred sizes) gains nothing from the batcher: it also runs to
  // completion while other slots run batches (a slot idle, nothing queued) when it is expected to
  // take at most this. Zero = only under run_to_completion_limit's rule.
  absl::Duration full_batch_inline_limit = absl::Microseconds(500);
};

class ModelScheduler {
 public:
  // `model` must outlive the scheduler; clock and metrics (may be null) too.
  static absl::StatusOr<std::unique_ptr<ModelScheduler>> Create(SchedulerOptions options,
                                                                LoadedModel* model, Clock* clock,
                                                                ModelMetrics* metrics);
  virtual ~ModelScheduler() = default;

  // Ownership of *request passes to the scheduler only on OK; then `done` will be called exactly
  // once (possibly already, before Enqueue returns: run to completion). On error *request is
  // untouched and still the caller's. Errors: INVALID_ARGUMENT
  // (batch_size > max_batch_size, wrong input byte size, priority out of range), UNAVAILABLE (queue
  // full or shutting down). The scheduler records these rejections in its ModelMetrics itself
  // (FailureReason kInvalidArgument, kQueueFull, kShutdown): callers record only failures before
  // Enqueue.
  virtual absl::Status Enqueue(std::unique_ptr<InferenceRequest>& request) = 0;
  // Call after setting the `cancelled` flag of requests given to Enqueue: the reaper then answers
  // every cancelled queued request with CANCELLED without waiting for a free slot. Takes a short
  // lock and never waits; harmless after Shutdown or when the requests already left the queue.
  virtual void NotifyCancelled() = 0;
  // Requests in the queue (ready or delayed), including cancelled or expired ones the reaper has
  // not removed yet.
  virtual int queue_depth() const = 0;
  // Blocks until the queue is empty (every queued request started or was answered) or until
  // `deadline` in the scheduler's clock. Returns whether the queue is empty. Batches already
  // running are not waited for (Shutdown does that).
  virtual bool AwaitDrained(absl::Time deadline) = 0;
  // Stops accepting, fails queued requests with UNAVAILABLE, waits for running batches (those
  // running to completion on callers' threads too).
  virtual void Shutdown() = 0;
  // Requests that ran to completion on Enqueue's caller's thread so far.
  virtual int64_t inline_runs() const = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_SCHEDULER_SCHEDULER_H_
