#include "server/scheduler/scheduler.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/device/fake/fake_device.h"
#include "server/metrics/metrics.h"
#include "server/numerics/tensor_packing.h"
#include "tests/unit/scheduler/test_support.h"

namespace fpgaas {
namespace {

using ::fpgaas::testing::Collector;
using ::fpgaas::testing::RecordingClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kValuesPerSample = 2;

std::string Bytes(const void* data, size_t n) {
  return std::string(static_cast<const char*>(data), n);
}

std::vector<int> BatchSizes(const FakeDevice& device) {
  std::vector<int> sizes;
  for (const auto& e : device.executions()) sizes.push_back(e.batch);
  return sizes;
}

class SchedulerTest : public ::testing::Test {
 protected:
  // A model of 2 values per sample, ap_fixed<16,6> in and out, on a FakeDevice (echo).
  void LoadModel(int slots = 1, int device_max_batch = 16, FakeDeviceOptions options = {}) {
    options.slots_per_model = slots;
    device_ = std::make_shared<FakeDevice>(options);
    spec_.model_name = "m";
    spec_.version = 1;
    spec_.max_batch_size = device_max_batch;
    spec_.compute_units = slots;
    spec_.input_size = kValuesPerSample;
    spec_.output_size = kValuesPerSample;
    spec_.input_type = numerics::FixedType{16, 6};
    spec_.output_type = numerics::FixedType{16, 6};
    auto loaded = device_->Load(spec_);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    model_ = std::move(*loaded);
  }

  void Start(SchedulerOptions options, ModelMetrics* metrics = nullptr) {
    if (model_ == nullptr) LoadModel();
    auto scheduler = ModelScheduler::Create(std::move(options), model_.get(), &clock_, metrics);
    ASSERT_TRUE(scheduler.ok()) << scheduler.status();
    scheduler_ = std::move(*scheduler);
  }

  // A request of FP32 values; batch size = values / 2.
  std::unique_ptr<InferenceRequest> Request(const std::string& id, std::vector<float> values,
                                            uint32_t priority = 0) {
    auto r = std::make_unique<InferenceRequest>();
    r->id = id;
    r->cancelled = std::make_shared<std::atomic<bool>>(false);
    r->batch_size = int(values.size()) / kValuesPerSample;
    r->input_type = numerics::ElementType::kFp32;
    r->input = Bytes(values.data(), values.size() * sizeof(float));
    r->output_type = numerics::ElementType::kFp32;
    r->priority = priority;
    r->done = collector_.Callback(id);
    return r;
  }
  // `samples` single-value-pattern samples starting at `base`.
  std::unique_ptr<InferenceRequest> Samples(const std::string& id, int samples, float base = 1.0f,
                                            uint32_t priority = 0) {
    std::vector<float> values;
    for (int i = 0; i < samples * kValuesPerSample; ++i) values.push_back(base + 0.25f * i);
    return Request(id, values, priority);
  }

  // What the device must see for `r`: numerics::PackElements of its input.
  std::string Packed(const InferenceRequest& r) {
    const size_t count = size_t(r.batch_size) * kValuesPerSample;
    std::string out(count * spec_.input_type.container_bytes(), '\0');
    absl::Status s = numerics::PackElements(r.input_type, r.input.data(), count, spec_.input_type,
                                            reinterpret_cast<uint8_t*>(out.data()));
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  void Enqueue(std::unique_ptr<InferenceRequest> r) {
    absl::Status s = scheduler_->Enqueue(r);
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_EQ(r, nullptr);
  }

  // Occupies the single slot with a full batch held at the device gate.
  void OccupyDevice(int max_batch) {
    device_->HoldExecutions();
    Enqueue(Samples("blocker", max_batch));
    device_->AwaitHeld(1);
  }

  RecordingClock clock_;
  Collector collector_;
  DeviceModelSpec spec_;
  std::shared_ptr<FakeDevice> device_;
  std::unique_ptr<LoadedModel> model_;
  std::unique_ptr<MetricsRegistry> registry_ = MetricsRegistry::Create();
  std::unique_ptr<ModelScheduler> scheduler_;  // destroyed first
};

SchedulerOptions Options(int max_batch, absl::Duration delay = absl::Seconds(1)) {
  SchedulerOptions o;
  o.max_batch_size = max_batch;
  o.max_queue_delay = delay;
  return o;
}

TEST_F(SchedulerTest, FullBatchGoesAtOnceWithoutWaitingForTheDelay) {
  Start(Options(4));
  for (int i = 0; i < 4; ++i) Enqueue(Samples("r" + std::to_string(i), 1, float(i)));
  collector_.Await(4);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(4));
  for (int i = 0; i < 4; ++i) {
    auto result = collector_.Get("r" + std::to_string(i));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->batch_size, 4);
  }
}

TEST_F(SchedulerTest, RequestsAreNeverSplitAcrossBatches) {
  Start(Options(4));
  Enqueue(Samples("a", 3));
  Enqueue(Samples("b", 2));  // 3 + 2 > 4: "a" goes alone
  Enqueue(Samples("c", 2));  // 2 + 2 = 4: full
  collector_.Await(3);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(3, 4));
}

TEST_F(SchedulerTest, PreferredBatchSizeGoesAtOnce) {
  SchedulerOptions o = Options(8);
  o.preferred_batch_sizes = {2};
  Start(o);
  const absl::Time t0 = clock_.Now();
  Enqueue(Samples("a", 1));
  clock_.AwaitWait(t0, t0 + absl::Seconds(1));  // one sample: waits for the delay
  Enqueue(Samples("b", 1));
  collector_.Await(2);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(2));
}

TEST_F(SchedulerTest, LongestPreferredPrefixGoesAndTheRestWaits) {
  SchedulerOptions o = Options(8);
  o.preferred_batch_sizes = {2};
  Start(o);
  OccupyDevice(8);
  Enqueue(Samples("a", 1));
  Enqueue(Samples("b", 1));
  Enqueue(Samples("c", 1));
  const absl::Time t0 = clock_.Now();
  device_->ReleaseExecutions();
  collector_.Await(3);  // blocker, a, b
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(8, 2));
  clock_.AwaitWait(t0, t0 + absl::Seconds(1));  // "c" waits for its delay
  clock_.Advance(absl::Seconds(1));
  collector_.Await(4);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(8, 2, 1));
  EXPECT_TRUE(collector_.Get("c").ok());
}

TEST_F(SchedulerTest, AwaitDrainedWaitsInTheSchedulersClock) {
  Start(Options(2, absl::ZeroDuration()));
  const absl::Time t0 = clock_.Now();
  EXPECT_TRUE(scheduler_->AwaitDrained(t0));  // empty: at once, even at the deadline
  OccupyDevice(2);
  Enqueue(Samples("queued", 1));
  // The queue cannot drain while the device is held: only the fake deadline ends the wait.
  std::atomic<int> drained{-1};
  std::thread waiter([&] { drained = scheduler_->AwaitDrained(t0 + absl::Seconds(10)) ? 1 : 0; });
  clock_.AwaitWait(t0, t0 + absl::Seconds(10));
  clock_.Advance(absl::Seconds(9));  // before the deadline: the waiter is not woken
  EXPECT_EQ(drained.load(), -1);
  clock_.Advance(absl::Seconds(1));
  waiter.join();
  EXPECT_EQ(drained.load(), 0);

  // Once the device runs again the queue drains and a waiter returns without any clock movement.
  std::thread second([&] { drained = scheduler_->AwaitDrained(absl::InfiniteFuture()) ? 1 : 0; });
  device_->ReleaseExecutions();
  second.join();
  EXPECT_EQ(drained.load(), 1);
  collector_.Await(2);
}

TEST_F(SchedulerTest, PartialBatchGoesExactlyWhenTheOldestRequestHasWaitedTheQueueDelay) {
  Start(Options(8, absl::Microseconds(100)));
  const absl::Time t0 = clock_.Now();
  Enqueue(Samples("a", 1));
  clock_.AwaitWait(t0, t0 + absl::Microseconds(100));
  clock_.Advance(absl::Microseconds(99));
  // A worker looked at t0+99µs and went back to sleep until t0+100µs: nothing sent yet.
  clock_.AwaitWait(t0 + absl::Microseconds(99), t0 + absl::Microseconds(100));
  EXPECT_TRUE(device_->executions().empty());
  EXPECT_EQ(collector_.total(), 0);
  clock_.Advance(absl::Microseconds(1));
  collector_.Await(1);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(1));
  auto result = collector_.Get("a");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->queue, absl::Microseconds(100));
}

TEST_F(SchedulerTest, ZeroQueueDelaySendsWhatIsThere) {
  Start(Options(8, absl::ZeroDuration()));
  Enqueue(Samples("a", 1));
  collector_.Await(1);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(1));
}

TEST_F(SchedulerTest, HigherPriorityLevelsGoFirst) {
  SchedulerOptions o = Options(2);
  o.priority_levels = 2;
  o.default_priority_level = 2;
  Start(o);
  OccupyDevice(2);
  auto low = Samples("low", 1, 10, 2);
  auto deflt = Samples("default", 1, 20, 0);
  auto high1 = Samples("high1", 1, 30, 1);
  auto high2 = Samples("high2", 1, 40, 1);
  const std::string expected_first = Packed(*high1) + Packed(*high2);
  const std::string expected_second = Packed(*low) + Packed(*deflt);
  Enqueue(std::move(low));
  Enqueue(std::move(deflt));
  Enqueue(std::move(high1));
  Enqueue(std::move(high2));
  device_->ReleaseExecutions();
  collector_.Await(5);
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 3u);
  EXPECT_EQ(executions[1].input, expected_first);
  EXPECT_EQ(executions[2].input, expected_second);
}

TEST_F(SchedulerTest, PriorityOutOfRangeIsInvalidArgument) {
  SchedulerOptions o = Options(2);
  o.priority_levels = 2;
  o.default_priority_level = 1;
  Start(o);
  auto r = Samples("r", 1, 1, 3);
  absl::Status s = scheduler_->Enqueue(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("priority 3"));
  EXPECT_NE(r, nullptr);
}

TEST_F(SchedulerTest, ExpiredRequestLeavesWithDeadlineExceededWithoutDeviceWork) {
  Start(Options(8));
  const absl::Time t0 = clock_.Now();
  auto r = Samples("a", 1);
  r->deadline = t0 + absl::Microseconds(50);
  Enqueue(std::move(r));
  clock_.AwaitWait(t0, t0 + absl::Microseconds(50));  // wakes for the deadline, not the delay
  clock_.Advance(absl::Microseconds(50));
  collector_.Await(1);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(device_->executions().empty());
  EXPECT_EQ(scheduler_->queue_depth(), 0);
}

TEST_F(SchedulerTest, DefaultTimeoutAppliesToRequestsWithoutADeadline) {
  SchedulerOptions o = Options(8);
  o.default_timeout = absl::Microseconds(30);
  Start(o);
  OccupyDevice(8);
  Enqueue(Samples("a", 1));
  clock_.Advance(absl::Microseconds(30));
  device_->ReleaseExecutions();
  collector_.Await(2);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(8));
}

TEST_F(SchedulerTest, DefaultTimeoutAppliesToRequestsWithALaterClientDeadline) {
  SchedulerOptions o = Options(8, absl::ZeroDuration());
  o.default_timeout = absl::Microseconds(30);
  Start(o);
  OccupyDevice(8);
  auto a = Samples("a", 1);
  a->deadline = clock_.Now() + absl::Hours(1);  // a client that set a generous gRPC deadline
  Enqueue(std::move(a));
  clock_.Advance(absl::Microseconds(30));
  device_->ReleaseExecutions();
  collector_.Await(2);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(8));
}

TEST_F(SchedulerTest, RequestTimeoutIsIgnoredWithoutTimeoutOverride) {
  SchedulerOptions o = Options(8, absl::ZeroDuration());
  o.default_timeout = absl::Microseconds(100);
  Start(o);
  OccupyDevice(8);
  auto a = Samples("a", 1);
  a->timeout = absl::Microseconds(10);
  Enqueue(std::move(a));
  clock_.Advance(absl::Microseconds(20));  // past its own timeout, within the model's
  device_->ReleaseExecutions();
  collector_.Await(2);
  EXPECT_TRUE(collector_.Get("a").ok()) << collector_.Get("a").status();
}

TEST_F(SchedulerTest, RequestTimeoutShortensTheDefaultWithOverride) {
  SchedulerOptions o = Options(8, absl::ZeroDuration());
  o.default_timeout = absl::Microseconds(100);
  o.allow_timeout_override = true;
  Start(o);
  OccupyDevice(8);
  auto shorter = Samples("shorter", 1);
  shorter->timeout = absl::Microseconds(10);
  Enqueue(std::move(shorter));
  Enqueue(Samples("plain", 1));
  clock_.Advance(absl::Microseconds(10));
  device_->ReleaseExecutions();
  collector_.Await(3);
  EXPECT_EQ(collector_.Get("shorter").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(collector_.Get("plain").ok()) << collector_.Get("plain").status();
}

TEST_F(SchedulerTest, RequestTimeoutNeverExtendsTheDefault) {
  SchedulerOptions o = Options(8, absl::ZeroDuration());
  o.default_timeout = absl::Microseconds(100);
  o.allow_timeout_override = true;
  Start(o);
  OccupyDevice(8);
  auto longer = Samples("longer", 1);
  longer->timeout = absl::Seconds(10);
  Enqueue(std::move(longer));
  clock_.Advance(absl::Microseconds(100));
  device_->ReleaseExecutions();
  collector_.Await(2);
  EXPECT_EQ(collector_.Get("longer").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(8));
}

TEST_F(SchedulerTest, RequestTimeoutAppliesWithOverrideWhenTheModelHasNoDefault) {
  SchedulerOptions o = Options(8, absl::ZeroDuration());
  o.allow_timeout_override = true;
  Start(o);
  OccupyDevice(8);
  auto a = Samples("a", 1);
  a->timeout = absl::Microseconds(10);
  Enqueue(std::move(a));
  Enqueue(Samples("b", 1));
  clock_.Advance(absl::Microseconds(10));
  device_->ReleaseExecutions();
  collector_.Await(3);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(collector_.Get("b").ok());
}

TEST_F(SchedulerTest, DelayTimeoutActionRunsExpiredRequestsAfterTheOthers) {
  SchedulerOptions o = Options(2);
  o.reject_on_timeout = false;
  Start(o);
  OccupyDevice(2);
  auto a = Samples("a", 1, 1);
  a->deadline = clock_.Now() + absl::Microseconds(10);
  auto b = Samples("b", 1, 2);
  auto c = Samples("c", 1, 3);
  const std::string packed_a = Packed(*a), packed_bc = Packed(*b) + Packed(*c);
  Enqueue(std::move(a));
  Enqueue(std::move(b));
  Enqueue(std::move(c));
  clock_.Advance(absl::Microseconds(20));
  device_->ReleaseExecutions();
  clock_.Advance(absl::Seconds(1));  // "a" alone then waits for the queue delay
  collector_.Await(4);
  EXPECT_TRUE(collector_.Get("a").ok()) << collector_.Get("a").status();
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 3u);
  EXPECT_EQ(executions[1].input, packed_bc);
  EXPECT_EQ(executions[2].input, packed_a);
}

TEST_F(SchedulerTest, CancelledRequestLeavesWithoutDeviceWork) {
  Start(Options(2, absl::ZeroDuration()));
  OccupyDevice(2);
  auto a = Samples("a", 1, 1);
  auto b = Samples("b", 1, 2);
  auto cancel_a = a->cancelled;
  const std::string packed_b = Packed(*b);
  Enqueue(std::move(a));
  Enqueue(std::move(b));
  cancel_a->store(true);
  device_->ReleaseExecutions();
  collector_.Await(3);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kCancelled);
  ASSERT_TRUE(collector_.Get("b").ok());
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 2u);
  EXPECT_EQ(executions[1].input, packed_b);
}

TEST_F(SchedulerTest, ExpiredRequestIsAnsweredAtItsDeadlineWhileTheDeviceIsBusy) {
  Start(Options(2, absl::ZeroDuration()));
  OccupyDevice(2);
  auto a = Samples("a", 1);
  a->deadline = clock_.Now() + absl::Microseconds(50);
  Enqueue(std::move(a));
  clock_.Advance(absl::Microseconds(50));
  collector_.Await(1);  // with the blocker still on the device
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(collector_.calls("blocker"), 0);
  EXPECT_EQ(scheduler_->queue_depth(), 0);
  device_->ReleaseExecutions();
  collector_.Await(2);
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(2));
}

TEST_F(SchedulerTest, CancelledRequestIsAnsweredOnNotifyWhileTheDeviceIsBusy) {
  Start(Options(2, absl::ZeroDuration()));
  OccupyDevice(2);
  auto a = Samples("a", 1);
  auto cancel_a = a->cancelled;
  Enqueue(std::move(a));
  Enqueue(Samples("b", 1));
  cancel_a->store(true);
  scheduler_->NotifyCancelled();
  collector_.Await(1);  // with the blocker still on the device
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(collector_.calls("blocker"), 0);
  EXPECT_EQ(scheduler_->queue_depth(), 1);  // "b"
  device_->ReleaseExecutions();
  collector_.Await(3);
  EXPECT_TRUE(collector_.Get("b").ok());
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(2, 1));
}

TEST_F(SchedulerTest, QueueFullOfCancelledOrExpiredRequestsAcceptsNewOnes) {
  SchedulerOptions o = Options(2, absl::ZeroDuration());
  o.max_queue_size = 2;
  Start(o);
  OccupyDevice(2);
  auto a = Samples("a", 1);
  auto cancel_a = a->cancelled;
  auto b = Samples("b", 1);
  b->deadline = clock_.Now() + absl::Hours(1);
  Enqueue(std::move(a));
  Enqueue(std::move(b));
  cancel_a->store(true);  // no NotifyCancelled: Enqueue itself must not count it
  Enqueue(Samples("c", 1));
  clock_.Advance(absl::Hours(1));  // "b" expires
  Enqueue(Samples("d", 1));
  auto e = Samples("e", 1);
  EXPECT_EQ(scheduler_->Enqueue(e).code(), absl::StatusCode::kUnavailable);  // c and d are live
  collector_.Await(2);
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(collector_.Get("b").status().code(), absl::StatusCode::kDeadlineExceeded);
  device_->ReleaseExecutions();
  collector_.Await(5);
  EXPECT_TRUE(collector_.Get("c").ok());
  EXPECT_TRUE(collector_.Get("d").ok());
  EXPECT_THAT(BatchSizes(*device_), ElementsAre(2, 2));
}

// Request durations count from the request's arrival at the server (set by the frontend), for
// failures before queueing as for the rest.
TEST_F(SchedulerTest, RequestDurationsCountFromArrival) {
  ModelMetrics* metrics = registry_->ForModel("m", 1);
  SchedulerOptions o = Options(2, absl::ZeroDuration());
  o.max_queue_size = 1;
  Start(o, metrics);
  OccupyDevice(2);  // arrival unset: counts from its Enqueue at t0
  const absl::Time t0 = clock_.Now();
  auto queued = Samples("queued", 1);
  queued->arrival = t0 - absl::Microseconds(2);
  queued->deadline = t0 + absl::Microseconds(10);
  Enqueue(std::move(queued));
  auto rejected = Samples("rejected", 1);
  rejected->arrival = t0 - absl::Microseconds(7);
  EXPECT_EQ(scheduler_->Enqueue(rejected).code(), absl::StatusCode::kUnavailable);
  clock_.Advance(absl::Microseconds(10));
  collector_.Await(1);  // "queued" times out 12 us after its arrival
  EXPECT_EQ(collector_.Get("queued").status().code(), absl::StatusCode::kDeadlineExceeded);
  auto late = Samples("late", 1);
  late->arrival = clock_.Now() - absl::Microseconds(4);
  Enqueue(std::move(late));
  device_->ReleaseExecutions();
  collector_.Await(3);
  ModelStatisticsSnapshot stats = metrics->Snapshot();
  EXPECT_EQ(stats.fail.count, 2u);
  EXPECT_EQ(stats.fail.ns, 19000u);  // 7 us + 12 us
  EXPECT_EQ(stats.success.count, 2u);
  EXPECT_EQ(stats.success.ns, 14000u);  // blocker 10 us + late 4 us
}

TEST_F(SchedulerTest, FullQueueRejectsWithUnavailableAndKeepsTheRequestTheCallers) {
  SchedulerOptions o = Options(2, absl::ZeroDuration());
  o.max_queue_size = 2;
  Start(o);
  OccupyDevice(2);
  Enqueue(Samples("a", 1));
  Enqueue(Samples("b", 1));
  auto c = Samples("c", 1);
  absl::Status s = scheduler_->Enqueue(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("queue full (2 requests)"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->id, "c");
  EXPECT_EQ(scheduler_->queue_depth(), 2);
  device_->ReleaseExecutions();
  collector_.Await(3);
  EXPECT_EQ(collector_.calls("c"), 0);
}

TEST_F(SchedulerTest, OversizeRequestIsInvalidArgument) {
  Start(Options(4));
  auto r = Samples("big", 5);
  absl::Status s = scheduler_->Enqueue(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("exceeds max_batch_size 4"));
  EXPECT_NE(r, nullptr);
}

TEST_F(SchedulerTest, WrongInputByteSizeIsInvalidArgument) {
  Start(Options(4));
  auto r = Samples("r", 2);
  r->input.pop_back();
  absl::Status s = scheduler_->Enqueue(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("expected 16"));
  ASSERT_NE(r, nullptr);
  // Same bytes, declared as FP64: 2 samples x 2 values x 8 bytes would be 32.
  auto d = Samples("d", 2);
  d->input_type = numerics::ElementType::kFp64;
  EXPECT_EQ(scheduler_->Enqueue(d).code(), absl::StatusCode::kInvalidArgument);
  auto z = Samples("z", 1);
  z->batch_size = 0;
  EXPECT_EQ(scheduler_->Enqueue(z).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, NanRequestFailsAloneAndTheBatchStaysContiguous) {
  Start(Options(4));
  auto a = Samples("a", 1, 1);
  auto nan = Request("nan", {1.0f, std::numeric_limits<float>::quiet_NaN()});
  auto c = Samples("c", 2, 3);
  const std::string expected = Packed(*a) + Packed(*c);
  Enqueue(std::move(a));
  Enqueue(std::move(nan));
  Enqueue(std::move(c));
  collector_.Await(3);
  EXPECT_EQ(collector_.Get("nan").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(collector_.Get("nan").status().message(), HasSubstr("'nan'"));
  ASSERT_TRUE(collector_.Get("a").ok());
  ASSERT_TRUE(collector_.Get("c").ok());
  EXPECT_EQ(collector_.Get("c")->batch_size, 3);
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].batch, 3);
  EXPECT_EQ(executions[0].input, expected);
  // "c" still gets its own values back (echo), from offset 1 of the output.
  std::vector<float> out(4);
  std::memcpy(out.data(), collector_.Get("c")->output.data(), 16);
  EXPECT_THAT(out, ElementsAre(3.0f, 3.25f, 3.5f, 3.75f));
}

TEST_F(SchedulerTest, DeviceErrorFailsEveryRequestOfTheBatchOnly) {
  Start(Options(2));
  device_->FailNextExecutes(absl::UnavailableError("card fell off the bus"));
  Enqueue(Samples("a", 1));
  Enqueue(Samples("b", 1));
  collector_.Await(2);
  for (const char* id : {"a", "b"}) {
    EXPECT_EQ(collector_.Get(id).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(collector_.Get(id).status().message(), HasSubstr("card fell off the bus"));
  }
  device_->FailNextExecutes(absl::InternalError("kernel error"));
  Enqueue(Samples("c", 2));
  Enqueue(Samples("d", 2));
  collector_.Await(4);
  EXPECT_EQ(collector_.Get("c").status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(collector_.Get("d").ok());
}

TEST_F(SchedulerTest, ShutdownFailsQueuedRequestsAndFinishesTheRunningBatch) {
  Start(Options(2, absl::ZeroDuration()));
  OccupyDevice(2);
  Enqueue(Samples("a", 1));
  Enqueue(Samples("b", 1));
  std::thread shutdown([this] { scheduler_->Shutdown(); });
  collector_.Await(2);  // a and b, while the blocker is still on the device
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(collector_.Get("b").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(collector_.calls("blocker"), 0);
  device_->ReleaseExecutions();
  shutdown.join();
  EXPECT_TRUE(collector_.Get("blocker").ok());
  auto late = Samples("late", 1);
  EXPECT_EQ(scheduler_->Enqueue(late).code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(late, nullptr);
}

TEST_F(SchedulerTest, DestructorFailsQueuedRequests) {
  Start(Options(8));  // 1 s delay: "a" stays queued
  const absl::Time t0 = clock_.Now();
  Enqueue(Samples("a", 1));
  clock_.AwaitWait(t0, t0 + absl::Seconds(1));
  scheduler_.reset();
  EXPECT_EQ(collector_.Get("a").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(device_->executions().empty());
}

TEST_F(SchedulerTest, DeviceSeesEachRequestPackedBackToBackAndOutputsSplitBack) {
  Start(Options(8));
  std::vector<std::unique_ptr<InferenceRequest>> requests;
  requests.push_back(Request("fp32", {1.5f, -2.25f, 31.0f, -0.125f}));
  {
    auto r = std::make_unique<InferenceRequest>();
    std::vector<double> v = {0.1, -7.3, 100.0, 1e-3, -31.99, 2.0};  // 100 wraps in ap_fixed<16,6>
    r->id = "fp64";
    r->batch_size = 3;
    r->input_type = numerics::ElementType::kFp64;
    r->input = Bytes(v.data(), v.size() * sizeof(double));
    r->output_type = numerics::ElementType::kFp64;
    r->done = collector_.Callback("fp64");
    requests.push_back(std::move(r));
  }
  {
    auto r = std::make_unique<InferenceRequest>();
    std::vector<int32_t> v = {3, -4};
    r->id = "int32";
    r->batch_size = 1;
    r->input_type = numerics::ElementType::kInt32;
    r->input = Bytes(v.data(), v.size() * sizeof(int32_t));
    r->output_type = numerics::ElementType::kInt32;
    r->done = collector_.Callback("int32");
    requests.push_back(std::move(r));
  }
  std::string expected_input;
  std::vector<std::string> expected_outputs;
  for (const auto& r : requests) {
    const std::string packed = Packed(*r);
    expected_input += packed;
    // Echo: same fixed type in and out, so the device output equals the packed input.
    const size_t count = size_t(r->batch_size) * kValuesPerSample;
    std::string out(count * size_t(numerics::ElementSize(r->output_type)), '\0');
    numerics::UnpackElements(spec_.output_type, reinterpret_cast<const uint8_t*>(packed.data()),
                             count, r->output_type, out.data());
    expected_outputs.push_back(out);
  }
  std::vector<std::string> ids;
  for (auto& r : requests) {
    ids.push_back(r->id);
    Enqueue(std::move(r));
  }
  clock_.Advance(absl::Seconds(1));
  collector_.Await(3);
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].batch, 6);
  EXPECT_EQ(executions[0].input, expected_input);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto result = collector_.Get(ids[i]);
    ASSERT_TRUE(result.ok()) << ids[i] << ": " << result.status();
    EXPECT_EQ(result->output, expected_outputs[i]) << ids[i];
  }
}

TEST_F(SchedulerTest, EverySlotHasItsOwnWorker) {
  LoadModel(/*slots=*/2);
  Start(Options(2, absl::ZeroDuration()));
  device_->HoldExecutions();
  Enqueue(Samples("a", 2));
  Enqueue(Samples("b", 2));
  device_->AwaitHeld(2);  // both batches are on the device at once
  auto executions = device_->executions();
  ASSERT_EQ(executions.size(), 2u);
  EXPECT_NE(executions[0].slot, executions[1].slot);
  device_->ReleaseExecutions();
  collector_.Await(2);
}

TEST_F(SchedulerTest, MetricsAfterKnownTraffic) {
  FakeDeviceOptions device_options;
  device_options.reported_times = {absl::Microseconds(10), absl::Microseconds(100),
                                   absl::Microseconds(20)};
  LoadModel(1, 16, device_options);
  ModelMetrics* metrics = registry_->ForModel("m", 1);
  SchedulerOptions o = Options(4, absl::Microseconds(50));
  o.max_queue_size = 2;
  Start(o, metrics);
  const absl::Time t0 = clock_.Now();
  Enqueue(Samples("a", 1));
  Enqueue(Samples("b", 2));
  auto rejected = Samples("c", 1);
  EXPECT_EQ(scheduler_->Enqueue(rejected).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(metrics->Snapshot().fail.count, 1u);
  clock_.AwaitWait(t0, t0 + absl::Microseconds(50));
  clock_.Advance(absl::Microseconds(50));
  collector_.Await(2);
  ModelStatisticsSnapshot s = metrics->Snapshot();
  EXPECT_EQ(s.execution_count, 1u);
  EXPECT_EQ(s.inference_count, 3u);
  EXPECT_EQ(s.success.count, 2u);
  EXPECT_EQ(s.success.ns, 100000u);  // both waited 50 µs; the fake clock did not move after
  EXPECT_EQ(s.queue.ns, 100000u);
  EXPECT_EQ(s.compute_infer.count, 2u);
  EXPECT_EQ(s.compute_infer.ns, 200000u);  // per request, as Triton counts
  ASSERT_EQ(s.batch_stats.count(3), 1u);
  EXPECT_EQ(s.batch_stats.at(3).compute_input.ns, 10000u);
  EXPECT_EQ(s.batch_stats.at(3).compute_infer.ns, 100000u);
  EXPECT_EQ(s.batch_stats.at(3).compute_output.ns, 20000u);
  EXPECT_EQ(s.last_inference_ms, uint64_t(absl::ToUnixMillis(clock_.Now())));
  auto result = collector_.Get("b");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->compute, absl::Microseconds(100));
  EXPECT_EQ(result->input_transfer, absl::Microseconds(10));
  EXPECT_EQ(result->output_transfer, absl::Microseconds(20));
}

TEST_F(SchedulerTest, CreateRejectsBadOptions) {
  LoadModel(1, /*device_max_batch=*/8);
  auto bad = [&](SchedulerOptions o) {
    return ModelScheduler::Create(o, model_.get(), &clock_, nullptr).status().code();
  };
  EXPECT_EQ(bad(Options(16)), absl::StatusCode::kInvalidArgument);  // beyond the device
  EXPECT_EQ(bad(Options(0)), absl::StatusCode::kInvalidArgument);
  SchedulerOptions preferred = Options(4);
  preferred.preferred_batch_sizes = {8};
  EXPECT_EQ(bad(preferred), absl::StatusCode::kInvalidArgument);
  SchedulerOptions priority = Options(4);
  priority.priority_levels = 2;
  priority.default_priority_level = 3;
  EXPECT_EQ(bad(priority), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ModelScheduler::Create(Options(4), nullptr, &clock_, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// 64 client threads, random sizes, random cancels and deadlines, a bounded queue and two slots on
// the real clock: every accepted request gets exactly one `done`, every rejected one none, and
// every success carries its own values back.
TEST(SchedulerConcurrencyTest, EveryAcceptedRequestGetsExactlyOneDone) {
  constexpr int kThreads = 64;
  constexpr int kPerThread = 40;
  constexpr int kMaxBatch = 16;
  RealClock clock;
  FakeDeviceOptions device_options;
  device_options.slots_per_model = 2;
  FakeDevice device(device_options);
  DeviceModelSpec spec;
  spec.model_name = "m";
  spec.max_batch_size = kMaxBatch;
  spec.compute_units = 2;
  spec.input_size = kValuesPerSample;
  spec.output_size = kValuesPerSample;
  spec.input_type = numerics::FixedType{16, 6};
  spec.output_type = numerics::FixedType{16, 6};
  auto model = device.Load(spec);
  ASSERT_TRUE(model.ok());
  auto registry = MetricsRegistry::Create();
  SchedulerOptions o;
  o.max_batch_size = kMaxBatch;
  o.preferred_batch_sizes = {8};
  o.max_queue_delay = absl::Microseconds(200);
  o.max_queue_size = 256;
  o.priority_levels = 2;
  o.default_priority_level = 2;
  auto scheduler =
      ModelScheduler::Create(o, model->get(), &clock, registry->ForModel("m", 1)).value();

  struct Slot {
    std::atomic<int> calls{0};
    std::atomic<bool> accepted{false};
    std::atomic<bool> ok{false};
    std::atomic<bool> values_match{false};
    std::atomic<bool> cancelled_or_timed_out{false};
  };
  std::vector<Slot> slots(kThreads * kPerThread);
  std::atomic<int> accepted{0}, finished{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < kPerThread; ++i) {
        const int index = t * kPerThread + i;
        const int samples = std::uniform_int_distribution<int>(1, 6)(rng);
        std::vector<float> values(size_t(samples) * kValuesPerSample);
        for (size_t k = 0; k < values.size(); ++k) values[k] = float((index + k) % 64) * 0.5f - 16;
        auto r = std::make_unique<InferenceRequest>();
        r->id = std::to_string(index);
        r->cancelled = std::make_shared<std::atomic<bool>>(false);
        r->batch_size = samples;
        r->input = Bytes(values.data(), values.size() * sizeof(float));
        r->priority = std::uniform_int_distribution<uint32_t>(0, 2)(rng);
        if (rng() % 8 == 0) r->deadline = clock.Now() + absl::Microseconds(rng() % 300);
        auto cancelled = r->cancelled;
        Slot& slot = slots[index];
        r->done = [&slot, &finished, values](absl::StatusOr<InferenceResult> result) {
          if (result.ok()) {
            slot.ok = true;
            slot.values_match = result->output == Bytes(values.data(), values.size() * 4);
          }
          slot.calls.fetch_add(1);
          finished.fetch_add(1);
        };
        if (scheduler->Enqueue(r).ok()) {
          slot.accepted = true;
          accepted.fetch_add(1);
          if (rng() % 6 == 0) cancelled->store(true);
        } else {
          ASSERT_NE(r, nullptr);
        }
        if (rng() % 4 == 0) std::this_thread::yield();
      }
    });
  }
  for (auto& c : clients) c.join();
  while (finished.load() < accepted.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  scheduler.reset();
  int successes = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i].calls.load(), slots[i].accepted.load() ? 1 : 0) << "request " << i;
    if (slots[i].ok) {
      ++successes;
      EXPECT_TRUE(slots[i].values_match) << "request " << i;
    }
  }
  EXPECT_GT(successes, 0);
  for (const auto& e : device.executions()) EXPECT_LE(e.batch, kMaxBatch);
  const ModelStatisticsSnapshot s = registry->ForModel("m", 1)->Snapshot();
  EXPECT_EQ(s.success.count, uint64_t(successes));
  EXPECT_EQ(s.success.count + s.fail.count, uint64_t(kThreads * kPerThread));
}

}  // namespace
}  // namespace fpgaas

namespace fpgaas {
namespace {

// Two devices' slots behind one model (as DeviceManager places a model listing two cards).
class TwoDeviceModel final : public LoadedModel {
 public:
  TwoDeviceModel(std::unique_ptr<LoadedModel> a, std::unique_ptr<LoadedModel> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  const DeviceModelSpec& spec() const override { return a_->spec(); }
  std::vector<ExecutionSlot*> slots() override {
    std::vector<ExecutionSlot*> all = a_->slots();
    for (ExecutionSlot* slot : b_->slots()) all.push_back(slot);
    return all;
  }

 private:
  std::unique_ptr<LoadedModel> a_, b_;
};

// Cards "fake:0" (a) and "fake:1" (b), each holding the same one-sample model, behind one model
// scheduled without a queue delay.
class SchedulerSlotServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeDeviceOptions options;
    options.name = "fake:0";
    a_ = std::make_shared<FakeDevice>(options);
    options.name = "fake:1";
    b_ = std::make_shared<FakeDevice>(options);
    DeviceModelSpec spec;
    spec.model_name = "m";
    spec.max_batch_size = 1;
    spec.input_size = spec.output_size = kValuesPerSample;
    spec.input_type = spec.output_type = numerics::FixedType{16, 6};
    auto on_a = a_->Load(spec);
    auto on_b = b_->Load(spec);
    ASSERT_TRUE(on_a.ok() && on_b.ok());
    model_ = std::make_unique<TwoDeviceModel>(std::move(*on_a), std::move(*on_b));
  }
  void Start() {
    auto scheduler =
        ModelScheduler::Create(Options(1, absl::ZeroDuration()), model_.get(), &clock_, nullptr);
    ASSERT_TRUE(scheduler.ok()) << scheduler.status();
    scheduler_ = std::move(*scheduler);
  }
  // Enqueues request number `sent_` (id its number), accepted.
  void Send() {
    auto r = std::make_unique<InferenceRequest>();
    r->id = std::to_string(sent_);
    const float values[kValuesPerSample] = {1.0f, float(sent_)};
    r->input = Bytes(values, sizeof values);
    r->done = collector_.Callback(r->id);
    ++sent_;
    ASSERT_TRUE(scheduler_->Enqueue(r).ok());
  }
  void ExpectEveryRequestSucceeded() {
    for (int i = 0; i < sent_; ++i) EXPECT_TRUE(collector_.Get(std::to_string(i)).ok()) << i;
  }

  std::shared_ptr<FakeDevice> a_, b_;
  std::unique_ptr<TwoDeviceModel> model_;
  RealClock clock_;
  Collector collector_;
  int sent_ = 0;
  std::unique_ptr<ModelScheduler> scheduler_;  // destroyed first
};

// A slot whose card is out of service takes no batches while another slot can run them.
TEST_F(SchedulerSlotServiceTest, OutOfServiceSlotsLeaveTheBatchesToTheOthers) {
  a_->SetHealthy(false);
  Start();
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) Send();
  collector_.Await(kRequests);
  ExpectEveryRequestSucceeded();
  EXPECT_TRUE(a_->executions().empty());
  EXPECT_EQ(b_->executions().size(), size_t{kRequests});
}

// A card that goes out of service while its worker waits for work must not swallow the wake-up
// meant for a worker that can run the request (Enqueue wakes one worker). absl::CondVar wakes its
// longest waiter, and a worker that ran a request waits anew behind the other: two requests
// while card a is in service leave the workers in the order they started the round in, so by the
// second round a's worker is the longest waiter when a goes out (before the fix: a hang).
TEST_F(SchedulerSlotServiceTest, ACardGoingOutOfServiceWhileIdlePassesTheWakeUpOn) {
  Start();
  auto send_and_await = [this] {
    Send();
    collector_.Await(sent_);
    // Until the worker that ran it waits again (no assertion rests on this).
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  };
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    a_->SetHealthy(true);
    send_and_await();
    send_and_await();
    a_->SetHealthy(false);
    const size_t on_b_before = b_->executions().size();
    send_and_await();
    EXPECT_EQ(b_->executions().size(), on_b_before + 1) << "round " << round;
  }
  ExpectEveryRequestSucceeded();
}

}  // namespace
}  // namespace fpgaas
