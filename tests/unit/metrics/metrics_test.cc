#include "server/metrics/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

// The value of the sample line starting with `series` (labels included), or -1.
double SampleValue(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, series + " ")) continue;
    double value = 0;
    return absl::SimpleAtod(line.substr(series.size() + 1), &value) ? value : -1;
  }
  return -1;
}

// The count of the histogram bucket whose `le` is `le` (compared as a number: the exposition
// prints 5e-05, not 0.00005) in the series `prefix` ("name_bucket{labels" without the le), or -1.
int64_t BucketCount(const std::string& text, const std::string& prefix, double le) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, prefix + ",le=\"")) continue;
    absl::string_view rest = line.substr(prefix.size() + 5);
    const size_t quote = rest.find('"');
    double bound = 0;
    int64_t count = 0;
    if (quote == absl::string_view::npos || !absl::SimpleAtod(rest.substr(0, quote), &bound) ||
        !absl::SimpleAtoi(absl::StripPrefix(rest.substr(quote), "\"} "), &count)) {
      continue;
    }
    if (std::abs(bound - le) <= 1e-9 * le) return count;
  }
  return -1;
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
                             "fpgaas_request_duration_seconds",
                             "fpgaas_queue_duration_seconds",
                             "fpgaas_input_transfer_duration_seconds",
                             "fpgaas_compute_duration_seconds",
                             "fpgaas_output_transfer_duration_seconds",
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
  // Compute histogram in seconds: 50 and 100 µs -> le=5e-05 holds 1, le=1e-04 holds 2.
  const std::string compute =
      "fpgaas_compute_duration_seconds_bucket{model=\"muon_pt\",version=\"2\"";
  EXPECT_EQ(BucketCount(text, compute, 2e-5), 0);
  EXPECT_EQ(BucketCount(text, compute, 5e-5), 1);
  EXPECT_EQ(BucketCount(text, compute, 1e-4), 2);
  EXPECT_EQ(BucketCount(text, compute, 10), 2);
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
  EXPECT_TRUE(Contains(text, "fpgaas_request_duration_seconds_count{model=\"m\",version=\"1\"} 1"));
  EXPECT_NEAR(SampleValue(text, "fpgaas_request_duration_seconds_sum{model=\"m\",version=\"1\"}"),
              3e-4, 1e-12);
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
  EXPECT_TRUE(Contains(text, "fpgaas_xrt_busy_seconds_total" + cu_labels + " 0.0003"));
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

// Naming rules for the fpgaas_* families (Prometheus' naming guide, what promtool's linter
// checks): durations in the base unit seconds with the unit as the name's last word, never an
// abbreviated unit (us, ms, ...); counters end in _total; duration buckets are seconds (a
// microsecond-valued bucket list would reach 1e6). Triton's nv_inference_* names are Triton's and
// stay as they are.
TEST(MetricsTest, FpgaasFamiliesFollowPrometheusNamingRules) {
  auto registry = MetricsRegistry::Create();
  RecordKnownTraffic(*registry->ForModel("m", 1), absl::FromUnixMillis(1700000000000));
  const std::string text = Exposition(*registry);
  std::map<std::string, std::string> families;  // name -> type
  std::map<std::string, std::string> help;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<std::string> words = absl::StrSplit(line, absl::MaxSplits(' ', 3));
    if (words.size() >= 4 && words[0] == "#" && words[1] == "TYPE") families[words[2]] = words[3];
    if (words.size() >= 4 && words[0] == "#" && words[1] == "HELP") help[words[2]] = words[3];
  }
  int durations = 0;
  for (const auto& [name, type] : families) {
    if (!absl::StartsWith(name, "fpgaas_")) continue;
    SCOPED_TRACE(name);
    for (absl::string_view word : absl::StrSplit(name, '_')) {
      for (const char* unit : {"us", "ms", "ns", "usec", "msec", "sec", "secs", "microseconds",
                               "milliseconds", "nanoseconds", "minutes", "hours"}) {
        EXPECT_NE(word, unit) << "use the base unit seconds";
      }
    }
    if (type == "counter") EXPECT_TRUE(absl::EndsWith(name, "_total"));
    if (absl::StrContains(name, "duration")) {
      ++durations;
      EXPECT_EQ(type, "histogram");
      EXPECT_TRUE(absl::EndsWith(name, "_seconds"));
      EXPECT_THAT(help[name], HasSubstr("seconds"));
      // One 100 µs observation: the 1e-4 bucket holds it, the 10 s one too; nothing past 10 s.
      const std::string series = name + "_bucket{model=\"m\",version=\"1\"";
      EXPECT_GE(BucketCount(text, series, 10), 1);
      EXPECT_EQ(BucketCount(text, series, 1e6), -1);
      EXPECT_EQ(BucketCount(text, series, 1e-6), 0);
    }
  }
  EXPECT_EQ(durations, 5);
  EXPECT_EQ(families.count("nv_inference_request_duration_us"), 1u);  // Triton's, unchanged
}

// promtool (Debian's prometheus package), when installed, finds nothing to say about fpgaas_*
// families; what it says about Triton's nv_inference_* names is Triton's to change.
TEST(MetricsTest, PromtoolFindsNoProblemInFpgaasFamilies) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("metrics_test_promtool_" +
       std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  auto lint = [&dir](const std::string& exposition) {
    std::ofstream(dir / "metrics.prom") << exposition;
    const std::string command =
        "promtool check metrics < '" + (dir / "metrics.prom").string() + "' 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
      pclose(pipe);
    }
    return output;
  };
  auto registry = MetricsRegistry::Create();
  RecordKnownTraffic(*registry->ForModel("m", 1), absl::FromUnixMillis(1700000000000));
  const std::string findings = lint(Exposition(*registry));
  // The check can fail: promtool does flag a microsecond histogram.
  const std::string old_style = lint(
      "# HELP fpgaas_compute_duration_us x\n# TYPE fpgaas_compute_duration_us histogram\n"
      "fpgaas_compute_duration_us_bucket{le=\"+Inf\"} 1\nfpgaas_compute_duration_us_sum 3\n"
      "fpgaas_compute_duration_us_count 1\n");
  std::filesystem::remove_all(dir);
  EXPECT_THAT(old_style, HasSubstr("fpgaas_compute_duration_us"));
  for (absl::string_view line : absl::StrSplit(findings, '\n', absl::SkipEmpty())) {
    EXPECT_FALSE(absl::StrContains(line, "fpgaas_")) << line;
  }
}

}  // namespace
}  // namespace fpgaas
