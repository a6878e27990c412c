// The XRT watchdog on the noop shim with slow kernels: this binary's xrt.ini makes every kernel run
// take 600 ms (noop_completion_delay_us). Time is fake: HangingKernelClock jumps ahead while the
// watchdog waits for a run, so "the kernel hung" is decided by the test, not by real timing.
#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "server/device/xrt/xrt_device.h"
#include "tests/support/xrt_test_support.h"
#include "server/scheduler/scheduler.h"

namespace fpgaas {
namespace {

using ::fpgaas::testing::FreshDir;
using ::fpgaas::testing::MetricValue;
using ::fpgaas::testing::WriteModel;
using ::testing::HasSubstr;

// Fake time that jumps `jump` ahead each of the next `jumps` times anyone waits on it. A watchdog
// waits only while a run is unfinished (every run takes 600 ms real time here), so each jump makes
// the run in flight look `jump` long.
class HangingKernelClock final : public Clock {
 public:
  void JumpOnNextWaits(int jumps, absl::Duration jump = absl::Hours(1)) {
    jump_ns_.store(absl::ToInt64Nanoseconds(jump));
    jumps_.store(jumps);
  }
  // While held, whoever waits on the clock (a watchdog polling an unfinished run) blocks until
  // Release: the run stays in flight as long as the test wants.
  void Hold() {
    absl::MutexLock lock(&gate_mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&gate_mu_);
    held_ = false;
  }
  // Returns once `n` waiters are held.
  void AwaitHeldWaiters(int n) {
    absl::MutexLock lock(&gate_mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(gate_mu_) { return waiting_ >= n; };
    gate_mu_.Await(absl::Condition(&enough));
  }
  void Advance(absl::Duration d) { fake_.Advance(d); }
  absl::Time Now() override { return fake_.Now(); }
  bool WaitWithDeadline(absl::Mutex* mu, absl::CondVar* cv, absl::Time deadline) override {
    mu->Unlock();  // as a condition variable wait would, so other waiters get here too
    {
      absl::MutexLock lock(&gate_mu_);
      if (held_) {
        ++waiting_;
        gate_mu_.Await(absl::Condition(
            +[](bool* held) { return !*held; }, &held_));
        --waiting_;
      }
    }
    if (jumps_.fetch_sub(1) > 0) fake_.Advance(absl::Nanoseconds(jump_ns_.load()));
    mu->Lock();
    // The watchdog polls a run that finishes in real time (nobody signals `cv` then): wake it
    // every millisecond of real time, as a timer would, and report the fake deadline.
    if (fake_.Now() >= deadline) return true;
    cv->WaitWithTimeout(mu, absl::Milliseconds(1));
    return fake_.Now() >= deadline;
  }

 private:
  absl::Mutex gate_mu_;
  bool held_ ABSL_GUARDED_BY(gate_mu_) = false;
  int waiting_ ABSL_GUARDED_BY(gate_mu_) = 0;
  std::atomic<int> jumps_{0};
  std::atomic<int64_t> jump_ns_{0};
  FakeClock fake_;
};

class XrtWatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    options_.clock = &clock_;
    options_.metrics = metrics_.get();
  }

  std::unique_ptr<XrtDevice> Card() {
    absl::StatusOr<std::unique_ptr<XrtDevice>> device = XrtDevice::Create(options_);
    EXPECT_TRUE(device.ok()) << device.status();
    return device.ok() ? std::move(*device) : nullptr;
  }

  std::unique_ptr<LoadedModel> Load(XrtDevice& card, int compute_units,
                                    absl::Duration kernel_timeout = absl::Milliseconds(100)) {
    XclbinSpec xclbin;
    xclbin.compute_units = compute_units;
    DeviceModelSpec spec = WriteModel(dir_, xclbin, compute_units);
    spec.kernel_timeout = kernel_timeout;
    absl::StatusOr<std::unique_ptr<LoadedModel>> model = card.Load(spec);
    EXPECT_TRUE(model.ok()) << model.status();
    return model.ok() ? std::move(*model) : nullptr;
  }

  double Card0(const std::string& name) {
    return MetricValue(*metrics_->registry(), name, {{"device", "xrt:0"}});
  }
  double Cu(const std::string& name, const std::string& cu) {
    return MetricValue(*metrics_->registry(), name, {{"device", "xrt:0"}, {"compute_unit", cu}});
  }

  // The slot of `model` on compute unit `cu`.
  ExecutionSlot* SlotOn(LoadedModel& model, const std::string& cu) {
    for (ExecutionSlot* slot : model.slots()) {
      if (InspectXrtSlot(*slot)->compute_unit == cu) return slot;
    }
    ADD_FAILURE() << "no slot on " << cu;
    return nullptr;
  }

  std::filesystem::path dir_;
  HangingKernelClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_ = MetricsRegistry::Create();
  XrtDeviceOptions options_;
};

TEST_F(XrtWatchdogTest, HungRunIsRetriedOnAnotherComputeUnitAfterReprogramming) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 2);
  ASSERT_NE(model, nullptr);
  clock_.JumpOnNextWaits(1);  // the first run hangs
  absl::Status status = SlotOn(*model, "myproject_1")->Execute(4, nullptr);
  EXPECT_TRUE(status.ok()) << status;  // the batch is not lost
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 1);
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_2"), 0);
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_1"), 0);
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_2"), 1);  // the retry ran there
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);
  EXPECT_EQ(Card0("fpgaas_xrt_xclbin_loads_total"), 2);  // first load + re-program
  EXPECT_TRUE(card->healthy());
  EXPECT_TRUE(model->ready());

  // The re-programmed card keeps serving on the suspect CU too.
  EXPECT_TRUE(SlotOn(*model, "myproject_1")->Execute(4, nullptr).ok());
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_1"), 1);
}

TEST_F(XrtWatchdogTest, RetryThatHangsTooFailsTheBatchWithUnavailable) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 1);
  ASSERT_NE(model, nullptr);
  clock_.JumpOnNextWaits(2);  // the run and its retry hang
  absl::Status status = model->slots()[0]->Execute(4, nullptr);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("watchdog deadline"));
  EXPECT_THAT(status.message(), HasSubstr("retry on myproject_1"));  // only CU: retried on itself
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 2);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);
  EXPECT_TRUE(card->healthy());  // 2 trips < max_consecutive_trips (4)
  EXPECT_TRUE(model->slots()[1]->Execute(4, nullptr).ok());
}

TEST_F(XrtWatchdogTest, RepeatedTripsTakeTheCardOutOfService) {
  options_.max_consecutive_trips = 3;
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 1);
  ASSERT_NE(model, nullptr);
  clock_.JumpOnNextWaits(1000);  // every run hangs
  EXPECT_EQ(model->slots()[0]->Execute(1, nullptr).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(card->healthy());
  absl::Status second = model->slots()[1]->Execute(1, nullptr);
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(card->healthy());
  EXPECT_FALSE(model->ready());
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 3);
  EXPECT_EQ(Card0("fpgaas_xrt_out_of_service_total"), 1);
  EXPECT_EQ(Card0("fpgaas_xrt_in_service"), 0);

  // Out of service: batches fail at once, without touching the card.
  absl::Status third = model->slots()[0]->Execute(1, nullptr);
  EXPECT_EQ(third.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(third.message(), HasSubstr("out of service"));
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 3);
  XclbinSpec xclbin;
  EXPECT_EQ(card->Load(WriteModel(dir_ / "again", xclbin, 1)).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(XrtWatchdogTest, DeadlineIsCalibratedFromMeasuredRunTimes) {
  options_.calibration_runs = 2;
  options_.initial_kernel_timeout = absl::Hours(1);
  options_.timeout_factor = 1;
  options_.timeout_floor = absl::Milliseconds(1);
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 2, /*kernel_timeout=*/absl::ZeroDuration());
  ASSERT_NE(model, nullptr);
  ExecutionSlot* slot = SlotOn(*model, "myproject_1");
  ASSERT_TRUE(slot->Execute(64, nullptr).ok());  // measured: 0 (fake time stood still)
  // Before calibration completes the initial hour applies: a 10-minute run is fine.
  clock_.JumpOnNextWaits(1, absl::Minutes(10));
  ASSERT_TRUE(slot->Execute(64, nullptr).ok());  // measured: 10 min / 64 samples
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 0);
  // Calibrated: 1 x 9.4 s per sample x 1 sample; a 10-minute single-sample run has hung.
  clock_.JumpOnNextWaits(1, absl::Minutes(10));
  EXPECT_TRUE(slot->Execute(1, nullptr).ok());  // retried on myproject_2
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 1);
}

TEST_F(XrtWatchdogTest, ComputeUnitThatKeepsHangingIsRetiredWhileTheOtherServes) {
  std::unique_ptr<XrtDevice> card = Card();  // max_compute_unit_trips 3, max_consecutive_trips 4
  std::unique_ptr<LoadedModel> model = Load(*card, 2);
  ASSERT_NE(model, nullptr);
  ExecutionSlot* on_1 = SlotOn(*model, "myproject_1");
  ExecutionSlot* on_2 = SlotOn(*model, "myproject_2");
  // myproject_1 hangs on every batch it gets; each is recovered on myproject_2, whose successes
  // must not hide myproject_1's trips.
  for (int i = 0; i < 3; ++i) {
    clock_.JumpOnNextWaits(1);
    absl::Status status = on_1->Execute(4, nullptr);
    EXPECT_TRUE(status.ok()) << status;
  }
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 3);
  EXPECT_EQ(Cu("fpgaas_xrt_compute_unit_retired", "myproject_1"), 1);
  EXPECT_EQ(Cu("fpgaas_xrt_compute_unit_retired", "myproject_2"), 0);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 3);
  EXPECT_TRUE(card->healthy());
  EXPECT_TRUE(model->ready());

  // Retired: its slots' batches run on myproject_2, with no deadline waited out and no re-program.
  const double runs_2 = Cu("fpgaas_xrt_runs_total", "myproject_2");
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(on_1->Execute(4, nullptr).ok());
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_1"), 0);
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_2"), runs_2 + 5);
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 3);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 3);

  // When the last compute unit is retired too, the card goes out of service; the batch that
  // retired it gets UNAVAILABLE.
  clock_.JumpOnNextWaits(2);  // a run on myproject_2 and its retry there hang
  EXPECT_EQ(on_2->Execute(4, nullptr).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(card->healthy());
  clock_.JumpOnNextWaits(1);  // the third in a row on it
  absl::Status last = on_2->Execute(4, nullptr);
  EXPECT_EQ(last.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(card->healthy());
  EXPECT_FALSE(model->ready());
  EXPECT_EQ(Card0("fpgaas_xrt_out_of_service_total"), 1);
  EXPECT_EQ(Cu("fpgaas_xrt_compute_unit_retired", "myproject_2"), 1);
}

TEST_F(XrtWatchdogTest, SuspectComputeUnitGetsNoNewBatchUntilReprogrammed) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 2);
  ASSERT_NE(model, nullptr);
  clock_.JumpOnNextWaits(2);  // the run on myproject_1 and its retry on myproject_2 hang
  EXPECT_EQ(SlotOn(*model, "myproject_1")->Execute(4, nullptr).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);  // before the retry; myproject_2 still suspect
  // A batch for myproject_2's slot runs on myproject_1, which the re-program cleared.
  EXPECT_TRUE(SlotOn(*model, "myproject_2")->Execute(4, nullptr).ok());
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_1"), 1);
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_2"), 0);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);
}

TEST_F(XrtWatchdogTest, SuspectOnlyComputeUnitIsReprogrammedBeforeItsNextBatch) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 1);
  ASSERT_NE(model, nullptr);
  clock_.JumpOnNextWaits(2);  // the run and its retry hang: the CU stays suspect
  EXPECT_EQ(model->slots()[0]->Execute(4, nullptr).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);
  EXPECT_TRUE(model->slots()[1]->Execute(4, nullptr).ok());
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 2);
}

TEST_F(XrtWatchdogTest, RunQueuedBehindAnotherOnTheSameUnitIsTimedFromItsStart) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 1, /*kernel_timeout=*/absl::Hours(2));
  ASSERT_NE(model, nullptr);
  // Both buffer sets of the CU submitted at the same (fake) time; the CU runs them one after the
  // other, and the hour passes before either is seen complete.
  clock_.Hold();
  absl::Status a, b;
  std::thread first([&] { a = model->slots()[0]->Execute(4, nullptr); });
  clock_.AwaitHeldWaiters(1);
  std::thread second([&] { b = model->slots()[1]->Execute(4, nullptr); });
  clock_.AwaitHeldWaiters(2);
  clock_.Advance(absl::Hours(1));
  clock_.Release();
  first.join();
  second.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_EQ(Cu("fpgaas_xrt_runs_total", "myproject_1"), 2);
  // One hour of wall time, one hour busy (not two: the second run's wait is not kernel time).
  EXPECT_EQ(Cu("fpgaas_xrt_busy_seconds_total", "myproject_1"), 3600);
}

TEST_F(XrtWatchdogTest, OneHangIsOneTripForTheRunQueuedBehindIt) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 1);  // 100 ms deadline
  ASSERT_NE(model, nullptr);
  clock_.Hold();
  absl::Status a, b;
  std::thread first([&] { a = model->slots()[0]->Execute(4, nullptr); });
  clock_.AwaitHeldWaiters(1);
  std::thread second([&] { b = model->slots()[1]->Execute(4, nullptr); });
  clock_.AwaitHeldWaiters(2);
  clock_.Advance(absl::Hours(1));  // the first run hangs; the second never started executing
  clock_.Release();
  first.join();
  second.join();
  EXPECT_EQ(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1"), 1);
  EXPECT_EQ(Card0("fpgaas_xrt_resets_total"), 1);
  EXPECT_TRUE(a.ok()) << a;  // both retried after the re-program
  EXPECT_TRUE(b.ok()) << b;
}

TEST_F(XrtWatchdogTest, SameXclbinLoadsWhileTheCardRunsAKernel) {
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> first = Load(*card, 2);
  ASSERT_NE(first, nullptr);
  clock_.Hold();
  absl::Status run;
  std::thread runner([&] { run = first->slots()[0]->Execute(4, nullptr); });
  clock_.AwaitHeldWaiters(1);  // the run is in flight

  // Another model (and another version) on the xclbin the card holds: no download, no waiting.
  XclbinSpec xclbin;
  xclbin.compute_units = 2;
  DeviceModelSpec spec = WriteModel(dir_ / "other", xclbin, 2);
  spec.model_name = "other";
  spec.version = 2;
  absl::StatusOr<std::unique_ptr<LoadedModel>> second = card->Load(spec);
  EXPECT_TRUE(second.ok()) << second.status();
  clock_.Release();
  runner.join();
  EXPECT_TRUE(run.ok()) << run;
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->ready());
  EXPECT_TRUE((*second)->slots()[1]->Execute(2, nullptr).ok());
  EXPECT_EQ(Card0("fpgaas_xrt_xclbin_loads_total"), 1);
}

TEST_F(XrtWatchdogTest, SchedulerAnswersEveryRequestWhileKernelsHang) {
  options_.max_consecutive_trips = 1000;
  std::unique_ptr<XrtDevice> card = Card();
  std::unique_ptr<LoadedModel> model = Load(*card, 2);
  ASSERT_NE(model, nullptr);
  SchedulerOptions scheduler_options;
  scheduler_options.max_batch_size = model->spec().max_batch_size;
  absl::StatusOr<std::unique_ptr<ModelScheduler>> scheduler =
      ModelScheduler::Create(scheduler_options, model.get(), &clock_, nullptr);
  ASSERT_TRUE(scheduler.ok()) << scheduler.status();
  clock_.JumpOnNextWaits(1 << 30);  // every kernel run hangs

  constexpr int kRequests = 6;
  absl::Mutex mu;
  std::vector<int> answers(kRequests, 0);
  std::vector<absl::Status> statuses(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    auto request = std::make_unique<InferenceRequest>();
    request->id = std::to_string(i);
    request->batch_size = 2;
    request->input.assign(2 * model->spec().input_size * sizeof(float), '\0');
    request->done = [&, i](absl::StatusOr<InferenceResult> result) {
      absl::MutexLock lock(&mu);
      ++answers[i];
      statuses[i] = result.status();
    };
    ASSERT_TRUE((*scheduler)->Enqueue(request).ok());
  }
  {
    absl::MutexLock lock(&mu);
    auto all_answered = [&] {
      for (int a : answers) {
        if (a == 0) return false;
      }
      return true;
    };
    mu.Await(absl::Condition(&all_answered));
  }
  scheduler->reset();
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(answers[i], 1) << "request " << i;
    EXPECT_EQ(statuses[i].code(), absl::StatusCode::kUnavailable) << statuses[i];
  }
  EXPECT_GE(Cu("fpgaas_xrt_watchdog_trips_total", "myproject_1") +
                Cu("fpgaas_xrt_watchdog_trips_total", "myproject_2"),
            2);
}

}  // namespace
}  // namespace fpgaas

int main(int argc, char** argv) {
  fpgaas::testing::UseXrtNoopShim(std::filesystem::path(FPGAAS_XRT_TEST_ROOT) / "watchdog_test",
                                  "[Runtime]\nnoop_completion_delay_us=600000\n");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
