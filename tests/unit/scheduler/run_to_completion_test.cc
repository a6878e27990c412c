// Run to completion (scheduler.h): a request that finds the queue empty and a slot idle runs on the
// thread calling Enqueue (every slot idle, unless it is a full batch by itself); everything else
// keeps the batcher's behaviour. No timed assertions: where a test needs "this has not happened",
// it checks state the scheduler must already have.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/device/fake/fake_device.h"
#include "server/metrics/metrics.h"
#include "server/numerics/tensor_packing.h"
#include "server/scheduler/scheduler.h"
#include "tests/unit/scheduler/test_support.h"

namespace fpgaas {
namespace {

using ::fpgaas::testing::RecordingClock;

constexpr int kValues = 2;  // values per sample

// One scheduler over a FakeDevice, recording each request's outcome and delivering thread.
class Harness {
 public:
  // The scheduler answers what is still queued before the records below go (a test that stops
  // early).
  ~Harness() { scheduler_.reset(); }

  void Start(int slots, bool run_inline = true,
             absl::Duration limit = absl::Microseconds(100),
             absl::Duration delay = absl::ZeroDuration(), ModelMetrics* metrics = nullptr) {
    FakeDeviceOptions device_options;
    device_options.slots_per_model = slots;
    device_options.run_inline = run_inline;
    device_options.compute = [this](const DeviceModelSpec& spec, const uint8_t* in, int batch,
                                    uint8_t* out) {
      clock_.Advance(compute_time_per_sample_ * batch);
      FakeDevice::Echo(spec, in, batch, out);
    };
    device_ = std::make_shared<FakeDevice>(device_options);
    spec_.model_name = "m";
    spec_.version = 1;
    spec_.max_batch_size = 16;
    spec_.compute_units = slots;
    spec_.input_size = kValues;
    spec_.output_size = kValues;
    spec_.input_type = numerics::FixedType{16, 6};
    spec_.output_type = numerics::FixedType{16, 6};
    auto loaded = device_->Load(spec_);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    model_ = std::move(*loaded);
    SchedulerOptions options;
    options.max_batch_size = 16;
    options.max_queue_delay = delay;
    options.run_to_completion_limit = limit;
    options.full_batch_inline_limit = full_batch_limit_;
    auto scheduler = ModelScheduler::Create(options, model_.get(), &clock_, metrics);
    ASSERT_TRUE(scheduler.ok()) << scheduler.status();
    scheduler_ = std::move(*scheduler);
  }

  // `samples` samples of FP32 values from `base`; its outcome and the thread that delivered it are
  // recorded under `id`.
  std::unique_ptr<InferenceRequest> Request(const std::string& id, int samples = 1,
                                            float base = 1.0f) {
    auto r = std::make_unique<InferenceRequest>();
    r->id = id;
    r->cancelled = std::make_shared<std::atomic<bool>>(false);
    r->batch_size = samples;
    std::vector<float> values;
    for (int i = 0; i < samples * kValues; ++i) values.push_back(base + 0.25f * i);
    r->input.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    r->done = [this, id](absl::StatusOr<InferenceResult> result) {
      absl::MutexLock lock(&mu_);
      outcomes_.insert_or_assign(id, std::move(result));
      threads_[id] = std::this_thread::get_id();
      order_.push_back(id);
    };
    return r;
  }

  void Enqueue(std::unique_ptr<InferenceRequest> r) {
    absl::Status s = scheduler_->Enqueue(r);
    ASSERT_TRUE(s.ok()) << s;
  }

  void Await(size_t n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return order_.size() >= n; };
    mu_.Await(absl::Condition(&reached));
  }
  bool Delivered(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return outcomes_.contains(id);
  }
  absl::StatusOr<InferenceResult> Outcome(const std::string& id) {
    absl::MutexLock lock(&mu_);
    auto it = outcomes_.find(id);
    if (it == outcomes_.end()) return absl::NotFoundError(id);
    return it->second;
  }
  std::thread::id Thread(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return threads_[id];
  }
  std::vector<std::string> Order() {
    absl::MutexLock lock(&mu_);
    return order_;
  }

  // The first batch gives the scheduler its estimate: it always runs on a worker.
  void WarmUp() {
    Enqueue(Request("warm-up"));
    Await(1);
    ASSERT_NE(Thread("warm-up"), std::this_thread::get_id());
  }

  RecordingClock clock_;
  absl::Duration compute_time_per_sample_ = absl::Microseconds(1);
  absl::Duration full_batch_limit_ = absl::Microseconds(500);
  DeviceModelSpec spec_;
  std::shared_ptr<FakeDevice> device_;
  std::unique_ptr<LoadedModel> model_;
  std::unique_ptr<MetricsRegistry> registry_ = MetricsRegistry::Create();
  std::unique_ptr<ModelScheduler> scheduler_;  // destroyed before the model and device

  absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<InferenceResult>> outcomes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::thread::id> threads_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
};

class RunToCompletionTest : public ::testing::Test, public Harness {};

TEST_F(RunToCompletionTest, IdleSlotRunsTheRequestInsideEnqueueWithTheBatchersResult) {
  Start(/*slots=*/1);
  WarmUp();
  Enqueue(Request("inline", 3, 2.0f));
  // Delivered before Enqueue returned, on this thread.
  ASSERT_TRUE(Delivered("inline"));
  EXPECT_EQ(Thread("inline"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 1);
  // The same request through a worker (run to completion off) gives the same bytes.
  absl::StatusOr<InferenceResult> inline_result = Outcome("inline");
  ASSERT_TRUE(inline_result.ok()) << inline_result.status();
  EXPECT_EQ(inline_result->batch_size, 3);
  EXPECT_EQ(inline_result->queue, absl::ZeroDuration());
  std::vector<FakeDevice::Execution> executions = device_->executions();
  ASSERT_EQ(executions.size(), 2u);

  Harness reference;
  reference.Start(1, /*run_inline=*/false);
  reference.WarmUp();
  reference.Enqueue(reference.Request("handed-off", 3, 2.0f));
  reference.Await(2);
  EXPECT_NE(reference.Thread("handed-off"), std::this_thread::get_id());
  EXPECT_EQ(reference.scheduler_->inline_runs(), 0);
  absl::StatusOr<InferenceResult> worker_result = reference.Outcome("handed-off");
  ASSERT_TRUE(worker_result.ok()) << worker_result.status();
  EXPECT_EQ(inline_result->output, worker_result->output);
  EXPECT_EQ(executions[1].input, reference.device_->executions()[1].input);
}

TEST_F(RunToCompletionTest, ZeroLimitAlwaysHandsOff) {
  Start(1, true, /*limit=*/absl::ZeroDuration());
  WarmUp();
  Enqueue(Request("r"));
  Await(2);
  EXPECT_NE(Thread("r"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 0);
}

// The estimate comes from measured batches (the fake device advances the clock by its compute
// time): a model whose requests take longer than the limit keeps the hand-off.
TEST_F(RunToCompletionTest, LongRequestsAreHandedOff) {
  compute_time_per_sample_ = absl::Microseconds(60);
  Start(1, true, /*limit=*/absl::Microseconds(100));
  WarmUp();                    // 60 us per sample measured
  Enqueue(Request("one"));     // 60 us expected: inline
  EXPECT_TRUE(Delivered("one"));
  Enqueue(Request("two", 2));  // 120 us expected: to the worker
  Await(3);
  EXPECT_EQ(Thread("one"), std::this_thread::get_id());
  EXPECT_NE(Thread("two"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 1);
}

// With max_queue_delay the batcher would wait for company for a request of a size it does not
// send at once; such a request is queued, not run inline.
TEST_F(RunToCompletionTest, RequestsTheBatcherWouldHoldAreQueued) {
  Start(1, true, absl::Microseconds(100), /*delay=*/absl::Microseconds(50));
  Enqueue(Request("full", 16));  // a full batch goes at once: the warm-up
  Await(1);
  Enqueue(Request("small"));
  EXPECT_EQ(scheduler_->queue_depth(), 1);
  clock_.Advance(absl::Microseconds(50));
  Await(2);
  EXPECT_NE(Thread("small"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 0);
}

// While a caller runs a request on the only slot, later requests queue (the worker must not take
// the slot) and run in arrival order once the device is done with it. (Its `done` may be
// delivered after theirs: the slot is given back before the callbacks run.)
TEST_F(RunToCompletionTest, LaterRequestsQueueBehindAnInlineRunInOrder) {
  Start(1);
  WarmUp();
  device_->HoldExecutions();
  std::thread caller([this] { Enqueue(Request("a")); });
  device_->AwaitHeld(1);
  Enqueue(Request("b", 1, 3.0f));
  Enqueue(Request("c", 1, 4.0f));
  EXPECT_EQ(scheduler_->queue_depth(), 2);  // no worker took them: the slot is the caller's
  EXPECT_FALSE(Delivered("b"));
  device_->ReleaseExecutions();
  caller.join();
  Await(4);
  std::vector<std::string> order = Order();
  EXPECT_LT(std::find(order.begin(), order.end(), "b"), std::find(order.begin(), order.end(), "c"));
  EXPECT_EQ(scheduler_->inline_runs(), 1);
  std::vector<FakeDevice::Execution> executions = device_->executions();
  ASSERT_EQ(executions.size(), 3u);
  EXPECT_EQ(executions[1].batch, 1);  // a
  EXPECT_EQ(executions[2].batch, 2);  // b and c batched by the worker, in that order
  const float b[kValues] = {3.0f, 3.25f};
  std::string packed_b(kValues * spec_.input_type.container_bytes(), '\0');
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, b, kValues, spec_.input_type,
                                     reinterpret_cast<uint8_t*>(packed_b.data()))
                  .ok());
  EXPECT_EQ(executions[2].input.substr(0, packed_b.size()), packed_b);
}

// Run to completion only while the whole model is idle: with one slot running a caller's request,
// the next request is queued and batched by the other slot's worker (not run inline there).
TEST_F(RunToCompletionTest, WithOneSlotBusyTheNextRequestGoesToTheBatcher) {
  Start(2);
  WarmUp();
  device_->HoldExecutions();
  std::thread first([this] { Enqueue(Request("a")); });
  device_->AwaitHeld(1);
  Enqueue(Request("b"));  // returns at once: queued, then taken by the idle slot's worker
  device_->AwaitHeld(2);
  EXPECT_FALSE(Delivered("b"));
  device_->ReleaseExecutions();
  first.join();
  Await(3);
  EXPECT_EQ(scheduler_->inline_runs(), 1);
  EXPECT_NE(Thread("b"), std::this_thread::get_id());
  for (const char* id : {"a", "b"}) EXPECT_TRUE(Outcome(id).ok()) << id;
}

// A request that fills a batch by itself (16 = max_batch_size here) has nothing to wait for: it
// runs on its caller's thread on the idle slot while the other slot runs a batch.
TEST_F(RunToCompletionTest, FullBatchRunsInlineBesideABusySlot) {
  Start(2);
  WarmUp();
  device_->HoldExecutions();
  std::thread first([this] { Enqueue(Request("a")); });
  device_->AwaitHeld(1);
  std::thread::id caller;
  std::thread second([this, &caller] {
    caller = std::this_thread::get_id();
    Enqueue(Request("full", 16, 5.0f));
  });
  device_->AwaitHeld(2);
  EXPECT_EQ(scheduler_->queue_depth(), 0);
  EXPECT_EQ(scheduler_->inline_runs(), 2);
  device_->ReleaseExecutions();
  first.join();
  second.join();
  Await(3);
  EXPECT_EQ(Thread("full"), caller);
  absl::StatusOr<InferenceResult> full = Outcome("full");
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->batch_size, 16);
  std::vector<FakeDevice::Execution> executions = device_->executions();
  ASSERT_EQ(executions.size(), 3u);
  EXPECT_EQ(executions[1].batch + executions[2].batch, 17);  // a and full, one execution each
}

// ... but never ahead of a queued request: with one waiting for company (max_queue_delay), a full
// batch queues behind it although the slot is idle.
TEST_F(RunToCompletionTest, FullBatchQueuesBehindAWaitingRequest) {
  Start(1, true, absl::Microseconds(100), /*delay=*/absl::Microseconds(50));
  Enqueue(Request("warm-up", 16));  // a full batch goes at once; the first runs on the worker
  Await(1);
  Enqueue(Request("small"));
  EXPECT_EQ(scheduler_->queue_depth(), 1);
  Enqueue(Request("full", 16));
  ASSERT_EQ(scheduler_->inline_runs(), 0);  // run on this thread, it would be done by now
  Await(3);  // small goes once full does not fit beside it, then full
  EXPECT_EQ(Order(), (std::vector<std::string>{"warm-up", "small", "full"}));
  EXPECT_NE(Thread("full"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 0);
}

// A full batch expected to take longer than full_batch_inline_limit is handed off.
TEST_F(RunToCompletionTest, FullBatchOverItsLimitIsHandedOff) {
  compute_time_per_sample_ = absl::Microseconds(60);
  full_batch_limit_ = absl::Microseconds(500);
  Start(1);
  WarmUp();                      // 60 us per sample measured
  Enqueue(Request("eight", 8));  // 480 us expected, not a full batch: to the worker
  Await(2);
  Enqueue(Request("full", 16));  // 960 us expected: to the worker
  Await(3);
  EXPECT_NE(Thread("eight"), std::this_thread::get_id());
  EXPECT_NE(Thread("full"), std::this_thread::get_id());
  EXPECT_EQ(scheduler_->inline_runs(), 0);
  Harness longer;
  longer.compute_time_per_sample_ = absl::Microseconds(60);
  longer.full_batch_limit_ = absl::Milliseconds(1);
  longer.Start(1);
  longer.WarmUp();
  longer.Enqueue(longer.Request("full", 16));  // 960 us expected: within 1 ms, inline
  EXPECT_TRUE(longer.Delivered("full"));
  EXPECT_EQ(longer.Thread("full"), std::this_thread::get_id());
  EXPECT_EQ(longer.scheduler_->inline_runs(), 1);
}

// A request queued behind an inline run can still be cancelled: the reaper answers it while the
// slot is busy (the slot's worker waiting on the caller does not count as idle).
TEST_F(RunToCompletionTest, CancellationWhileTheSlotRunsInline) {
  Start(1);
  WarmUp();
  device_->HoldExecutions();
  std::thread caller([this] { Enqueue(Request("a")); });
  device_->AwaitHeld(1);
  auto queued = Request("queued");
  auto cancelled = queued->cancelled;
  Enqueue(std::move(queued));
  cancelled->store(true);
  scheduler_->NotifyCancelled();
  Await(2);  // warm-up + queued, while "a" is still held
  EXPECT_EQ(Outcome("queued").status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(Delivered("a"));
  device_->ReleaseExecutions();
  caller.join();
  EXPECT_TRUE(Outcome("a").ok());
  // A request cancelled before Enqueue never runs inline (nor on the device).
  auto early = Request("early");
  early->cancelled->store(true);
  Enqueue(std::move(early));
  Await(4);
  EXPECT_EQ(Outcome("early").status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(device_->executions().size(), 2u);
}

// An expired request is not run inline: the batcher's timeout handling answers it.
TEST_F(RunToCompletionTest, ExpiredRequestTimesOutInsteadOfRunning) {
  Start(1);
  WarmUp();
  auto late = Request("late");
  late->deadline = clock_.Now();
  Enqueue(std::move(late));
  Await(2);
  EXPECT_EQ(Outcome("late").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(scheduler_->inline_runs(), 0);
}

// Shutdown waits for a run on a caller's thread (the slot and model must outlive it) and fails
// what queued behind it; AwaitDrained does not wait for it (the queue is empty).
TEST_F(RunToCompletionTest, ShutdownWaitsForInlineRunsAndFailsTheQueue) {
  Start(1);
  WarmUp();
  device_->HoldExecutions();
  std::thread caller([this] { Enqueue(Request("a")); });
  device_->AwaitHeld(1);
  EXPECT_TRUE(scheduler_->AwaitDrained(clock_.Now()));
  Enqueue(Request("queued"));
  absl::Notification shut_down;
  std::thread stopper([this, &shut_down] {
    scheduler_->Shutdown();
    shut_down.Notify();
  });
  Await(2);  // "queued" failed by Shutdown
  EXPECT_EQ(Outcome("queued").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(Delivered("a"));
  EXPECT_FALSE(shut_down.HasBeenNotified());  // "a" holds it
  device_->ReleaseExecutions();
  caller.join();
  shut_down.WaitForNotification();
  stopper.join();
  EXPECT_TRUE(Outcome("a").ok());
  auto after = Request("after");
  EXPECT_EQ(scheduler_->Enqueue(after).code(), absl::StatusCode::kUnavailable);
}

// Inline runs are counted as every batch is: inference and execution counts, stage times.
TEST_F(RunToCompletionTest, MetricsCountInlineRunsLikeBatches) {
  ModelMetrics* metrics = registry_->ForModel("m", 1);
  Start(1, true, absl::Microseconds(100), absl::ZeroDuration(), metrics);
  WarmUp();
  Enqueue(Request("a", 2));
  Enqueue(Request("b", 3));
  Await(3);
  EXPECT_EQ(scheduler_->inline_runs(), 2);
  ModelStatisticsSnapshot stats = metrics->Snapshot();
  EXPECT_EQ(stats.inference_count, 6u);
  EXPECT_EQ(stats.execution_count, 3u);
  EXPECT_EQ(stats.success.count, 3u);
  EXPECT_EQ(stats.queue.count, 3u);
  EXPECT_EQ(stats.compute_infer.count, 3u);
  EXPECT_EQ(stats.batch_stats.at(3).compute_infer.count, 1u);
}

}  // namespace
}  // namespace fpgaas
