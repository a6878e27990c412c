#include "server/metrics/metrics.h"

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace fpgaas {
namespace {

using ::testing::HasSubstr;

// Names only the missing line on failure (the whole exposition is hundreds of lines).
::testing::AssertionResult Contains(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "exposition lacks: " << needle;
}

std::string Exposition(MetricsRegistry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.registry()->Collect());
  return out.str();
}

// Known traffic: two successes (3 and 1 samples), one timeout, one batch of 4 and one of 1.
void RecordKnownTraffic(ModelMetrics& m, absl::Time now) {
  m.RecordExecution(4, absl::Microseconds(10), absl::Microseconds(100), absl::Microseconds(20));
  m.RecordExecution(1, absl::Microseconds(5), absl::Microseconds(50), absl::Microseconds(7));
  m.RecordSuccess(3, absl::Microseconds(300), absl::Microseconds(40), absl::Microseconds(10),
                  absl::Microseconds(100), absl::Microseconds(20), now);
  m.RecordSuccess(1, absl::Microseconds(200), absl::Microseconds(60), absl::Microseconds(5),
                  absl::Microseconds(50), absl::Microseconds(7), now + absl::Milliseconds(2));
  m.RecordFailure(FailureReason::kTimeout, absl::Microseconds(1000));
  m.SetQueueDepth(7);
}

TEST(MetricsTest, SnapshotHoldsExactStatistics) {
  auto registry = MetricsRegistry::Create();
  ModelMetrics* m = registry->ForModel("muon_pt", 2);
  const absl::Time now = absl::FromUnixMillis(1700000000000);
  RecordKnownTraffic(*m, now);

  ModelStatisticsSnapshot s = m->Snapshot();
  EXPECT_EQ(s.inference_count, 4u);
  EXPECT_EQ(s.execution_count, 2u);
  EXPECT_EQ(s.last_inference_ms, 1700000000002u);
  EXPECT_EQ(s.success.count, 2u);
  EXPECT_EQ(s.success.ns, 500000u);
  EXPECT_EQ(s.fail.count, 1u);
  EXPECT_EQ(s.fail.ns, 1000000u);
  EXPECT_EQ(s.queue.count, 2u);
  EXPECT_EQ(s.queue.ns, 100000u);
  EXPECT_EQ(s.compute_input.ns, 15000u);
  EXPECT_EQ(s.compute_infer.ns, 150000u);
  EXPECT_EQ(s.compute_output.ns, 27000u);
  ASSERT_EQ(s.batch_stats.size(), 2u);
  EXPECT_EQ(s.batch_stats.at(4).compute_infer.count, 1u);
  EXPECT_EQ(s.batch_stats.at(4).compute_infer.ns, 100000u);
  EXPECT_EQ(s.batch_stats.at(1).compute_output.ns, 7000u);
  EXPECT_EQ(s.batch_stats.at(1).compute_input.count, 1u);
}

TEST(MetricsTest, ExpositionHasEveryFamilyWithModelAndVersionLabels) {
  auto registry = MetricsRegistry::Create();
  RecordKnownTraffic(*registry->ForModel("muon_pt", 2), absl::FromUnixMillis(1700000000000));
  const std::string text = Exposition(*registry);
  for (const char* family : {"fpgaas_request_total",
                             "fpgaas_inference_total",
                             "fpgaas_execution_total",
                             "fpgaas_request_duration_us",
                             "fpgaas_queue_duration_us",
                             "fpgaas_input_transfer_duration_us",
                             "fpgaas_compute_duration_us",
                             "fpgaas_output_transfer_duration_us",
                             "fpgaas_batch_size",
                             "fpgaas_queue_depth",
                             "nv_inference_request_success",
                             "nv_inference_request_failure",
                             "nv_inference_count",
                             "nv_inference_exec_count",
                             "nv_inference_request_duration_us",
                             "nv_inference_queue_duration_us",
                             "nv_inference_compute_input_duration_us",
                             "nv_inference_compute_infer_duration_us",
                             "nv_inference_compute_output_duration_us",
                             "nv_inference_pending_request_count"}) {
    EXPECT_TRUE(Contains(text, std::string("# TYPE ") + family + " "));
  }
  EXPECT_TRUE(Contains(text, "nv_inference_count{model=\"muon_pt\",version=\"2\"} 4"));
  EXPECT_TRUE(Contains(text, "nv_inference_exec_count{model=\"muon_pt\",version=\"2\"} 2"));
  EXPECT_TRUE(Contains(text, "nv_inference_request_success{model=\"muon_pt\",version=\"2\"} 2"));
  EXPECT_TRUE(Contains(text, "nv_inference_request_failure{model=\"muon_pt\",reason=\"REJECTED\",version=\"2\"} 1"));
  EXPECT_TRUE(
      Contains(text, "nv_inference_queue_duration_us{model=\"muon_pt\",version=\"2\"} 100"));
  EXPECT_TRUE(Contains(
      text, "nv_inference_compute_infer_duration_us{model=\"muon_pt\",version=\"2\"} 150"));
  EXPECT_TRUE(
      Contains(text, "nv_inference_pending_request_count{model=\"muon_pt\",version=\"2\"} 7"));
  EXPECT_TRUE(Contains(text, "fpgaas_queue_depth{model=\"muon_pt\",version=\"2\"} 7"));
  EXPECT_TRUE(Contains(text,
                       "fpgaas_request_total{model=\"muon_pt\",outcome=\"failure\",reason="
                       "\"timeout\",version=\"2\"} 1"));
  EXPECT_TRUE(Contains(
      text,
      "fpgaas_request_total{model=\"muon_pt\",outcome=\"success\",reason=\"\",version=\"2\"} 2"));
  // Batch-size histogram: one batch of 1 and one of 4 -> le=2 holds 1, le=4 holds 2.
  EXPECT_TRUE(
      Contains(text, "fpgaas_batch_size_bucket{model=\"muon_pt\",version=\"2\",le=\"2\"} 1"));
  EXPECT_TRUE(
      Contains(text, "fpgaas_batch_size_bucket{model=\"muon_pt\",version=\"2\",le=\"4\"} 2"));
  EXPECT_TRUE(
      Contains(text, "fpgaas_batch_size_bucket{model=\"muon_pt\",version=\"2\",le=\"8192\"} 2"));
  // Compute histogram in µs: 50 and 100 -> le=50 holds 1, le=100 holds 2.
  EXPECT_TRUE(Contains(
      text, "fpgaas_compute_duration_us_bucket{model=\"muon_pt\",version=\"2\",le=\"50\"} 1"));
  EXPECT_TRUE(Contains(
      text, "fpgaas_compute_duration_us_bucket{model=\"muon_pt\",version=\"2\",le=\"100\"} 2"));
}

// As in Triton: a failure counts in the failure counters and in ModelStatistics fail, but its
// duration does not enter the request-latency histogram (nor nv_inference_request_duration_us).
TEST(MetricsTest, FailuresDoNotFeedTheRequestDurationHistogram) {
  auto registry = MetricsRegistry::Create();
  ModelMetrics* m = registry->ForModel("m", 1);
  m->RecordSuccess(1, absl::Microseconds(300), absl::ZeroDuration(), absl::ZeroDuration(),
                   absl::ZeroDuration(), absl::ZeroDuration(), absl::FromUnixMillis(1));
  m->RecordFailure(FailureReason::kQueueFull, absl::Microseconds(1000));
  const std::string text = Exposition(*registry);
  EXPECT_TRUE(Contains(text, "fpgaas_request_duration_us_count{model=\"m\",version=\"1\"} 1"));
  EXPECT_TRUE(Contains(text, "fpgaas_request_duration_us_sum{model=\"m\",version=\"1\"} 300"));
  EXPECT_TRUE(Contains(text, "nv_inference_request_duration_us{model=\"m\",version=\"1\"} 300"));
  EXPECT_TRUE(Contains(text, "nv_inference_request_failure{model=\"m\",reason=\"REJECTED\",version=\"1\"} 1"));
  EXPECT_EQ(m->Snapshot().fail.ns, 1000000u);
}

TEST(MetricsTest, ForModelReturnsTheSameObjectPerNameAndVersion) {
  auto registry = MetricsRegistry::Create();
  ModelMetrics* a = registry->ForModel("m", 1);
  EXPECT_EQ(a, registry->ForModel("m", 1));
  EXPECT_NE(a, registry->ForModel("m", 2));
  EXPECT_NE(a, registry->ForModel("n", 1));
  a->RecordExecution(2, absl::ZeroDuration(), absl::ZeroDuration(), absl::ZeroDuration());
  EXPECT_EQ(registry->ForModel("m", 1)->Snapshot().execution_count, 1u);
  EXPECT_EQ(registry->ForModel("m", 2)->Snapshot().execution_count, 0u);
}

TEST(MetricsTest, RegistriesAreIndependent) {
  auto first = MetricsRegistry::Create();
  auto second = MetricsRegistry::Create();
  first->ForModel("m", 1)->RecordFailure(FailureReason::kQueueFull, absl::ZeroDuration());
  EXPECT_EQ(first->ForModel("m", 1)->Snapshot().fail.count, 1u);
  EXPECT_EQ(second->ForModel("m", 1)->Snapshot().fail.count, 0u);
  EXPECT_THAT(Exposition(*second), ::testing::Not(HasSubstr("queue_full")));
}

TEST(MetricsTest, XrtFamiliesAppearOnlyOnceACardAsksForThem) {
  auto registry = MetricsRegistry::Create();
  EXPECT_THAT(Exposition(*registry), ::testing::Not(HasSubstr("fpgaas_xrt_")));

  XrtCardMetrics* card = registry->ForXrtCard("xrt:1");
  EXPECT_EQ(card, registry->ForXrtCard("xrt:1"));
  EXPECT_NE(card, registry->ForXrtCard("xrt:0"));
  card->SetInService(true);
  card->RecordXclbinLoad();
  card->RecordXclbinLoad();
  card->RecordReset();
  card->RecordSwap();
  card->RecordOutOfService();
  card->SetInService(false);
  XrtComputeUnitMetrics* cu = registry->ForXrtComputeUnit("xrt:1", "myproject_2");
  EXPECT_EQ(cu, registry->ForXrtComputeUnit("xrt:1", "myproject_2"));
  EXPECT_NE(cu, registry->ForXrtComputeUnit("xrt:0", "myproject_2"));
  cu->RecordRun(absl::Microseconds(250), 64, 16);
  cu->RecordRun(absl::Microseconds(50), 32, 8);
  cu->RecordWatchdogTrip();
  cu->SetRetired(true);

  const std::string text = Exposition(*registry);
  const std::string card_labels = "{device=\"xrt:1\"}";
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_xclbin_loads_total" + card_labels + " 2"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_resets_total" + card_labels + " 1"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_xclbin_swaps_total" + card_labels + " 1"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_out_of_service_total" + card_labels + " 1"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_in_service" + card_labels + " 0"));
  const std::string cu_labels = "{compute_unit=\"myproject_2\",device=\"xrt:1\"}";
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_runs_total" + cu_labels + " 2"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_busy_microseconds_total" + cu_labels + " 300"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_bytes_to_device_total" + cu_labels + " 96"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_bytes_from_device_total" + cu_labels + " 24"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_watchdog_trips_total" + cu_labels + " 1"));
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_compute_unit_retired" + cu_labels + " 1"));
}

TEST(MetricsTest, ServerInfoCarriesTheVersion) {
  auto registry = MetricsRegistry::Create();
  EXPECT_THAT(Exposition(*registry), ::testing::Not(HasSubstr("fpgaas_server_info")));
  registry->SetServerInfo("1.2.3");
  EXPECT_TRUE(Contains(Exposition(*registry), "fpgaas_server_info{version=\"1.2.3\"} 1"));
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  auto registry = MetricsRegistry::Create();
  ModelMetrics* m = registry->ForModel("m", 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([m, t] {
      for (int i = 0; i < 1000; ++i) {
        m->RecordSuccess(2, absl::Microseconds(1), absl::ZeroDuration(), absl::ZeroDuration(),
                         absl::ZeroDuration(), absl::ZeroDuration(), absl::Now());
        m->RecordFailure(t % 2 ? FailureReason::kCancelled : FailureReason::kTimeout, absl::Microseconds(1));
      }
    });
  }
  for (auto& t : threads) t.join();
  ModelStatisticsSnapshot s = m->Snapshot();
  EXPECT_EQ(s.inference_count, 16000u);
  EXPECT_EQ(s.success.count, 8000u);
  EXPECT_EQ(s.fail.count, 8000u);
  EXPECT_EQ(s.fail.ns, 8000u * 1000u);
  const std::string text = Exposition(*registry);
  EXPECT_TRUE(
      Contains(text, "nv_inference_request_failure{model=\"m\",reason=\"CANCELED\",version=\"1\"} 4000"));
  EXPECT_TRUE(
      Contains(text, "nv_inference_request_failure{model=\"m\",reason=\"REJECTED\",version=\"1\"} 4000"));
}

TEST(MetricsTest, FailureReasonsMapOntoTritonsFour) {
  EXPECT_EQ(TritonFailureReason(FailureReason::kQueueFull), "REJECTED");
  EXPECT_EQ(TritonFailureReason(FailureReason::kTimeout), "REJECTED");
  EXPECT_EQ(TritonFailureReason(FailureReason::kCancelled), "CANCELED");
  EXPECT_EQ(TritonFailureReason(FailureReason::kDeviceError), "BACKEND");
  EXPECT_EQ(TritonFailureReason(FailureReason::kInvalidArgument), "OTHER");
  EXPECT_EQ(FailureReasonLabel(FailureReason::kDeviceError), "device_error");
  EXPECT_EQ(FailureReasonLabel(FailureReason::kOther), "other");
  // Triton exports every reason from the start; a failure moves exactly its own counter.
  auto registry = MetricsRegistry::Create();
  registry->ForModel("m", 1)->RecordFailure(FailureReason::kDeviceError, absl::ZeroDuration());
  const std::string text = Exposition(*registry);
  EXPECT_TRUE(Contains(text, "nv_inference_request_failure{model=\"m\",reason=\"BACKEND\",version=\"1\"} 1"));
  EXPECT_TRUE(Contains(text, "nv_inference_request_failure{model=\"m\",reason=\"REJECTED\",version=\"1\"} 0"));
  EXPECT_TRUE(Contains(text, "fpgaas_request_total{model=\"m\",outcome=\"failure\",reason=\"device_error\",version=\"1\"} 1"));
}

}  // namespace
}  // namespace fpgaas
