// End to end on XRT's noop shim: the real fpgaasd binary, started with --device=xrt:0 on free
// ports, serving models whose xclbins this test writes (the noop shim loads them as if they were
// real designs). Checks ModelInfer through the card, the per-card/CU fpgaas_xrt_* metrics on
// /metrics, a corrupt or mismatched xclbin failing only its own model with the precise reason, a
// hung kernel (noop_completion_delay_us in the daemon's xrt.ini, far past the model's
// kernel_timeout_us) answered with UNAVAILABLE until the card goes out of service, and
// --device=xrt refusing to start on a machine without cards.
//
// The noop kernel computes nothing: the output buffer keeps what the host put there (zeros from
// allocation), so answers are checked for shape, type, size and those zeros, not for values.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/xrt/xclbin_writer.h"
#include "tests/support/daemon.h"
#include "tests/support/test_models.h"
#include "tests/support/xrt_test_support.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using testing::Daemon;
using ::testing::HasSubstr;
using testing::HttpGet;

// Sum of the samples of metric `name` (Prometheus text format) whose label set contains every
// `label="value"` of `labels`; -1 when there is none.
double MetricSum(const std::string& exposition, const std::string& name,
                 const std::map<std::string, std::string>& labels) {
  double sum = 0;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (!absl::StartsWith(line, name + "{")) continue;
    const size_t close = line.rfind('}');
    if (close == absl::string_view::npos) continue;
    const absl::string_view label_text = line.substr(name.size() + 1, close - name.size() - 1);
    bool match = true;
    for (const auto& [key, value] : labels) {
      if (!absl::StrContains(label_text, absl::StrCat(key, "=\"", value, "\""))) match = false;
    }
    if (!match) continue;
    sum += std::stod(std::string(line.substr(close + 1)));
    found = true;
  }
  return found ? sum : -1;
}

// The model of these tests: 16 FP32 inputs, 5 FP32 outputs per sample; on the device
// ap_fixed<16,6> (2-byte containers) either way.
constexpr int kInputs = 16;
constexpr int kOutputs = 5;
constexpr int kDeviceBytesPerValue = 2;

// One "fpga.<setting>" config parameter.
std::string Fpga(const std::string& setting, const std::string& value) {
  return absl::StrCat("parameters { key: \"fpga.", setting, "\" value { string_value: \"", value,
                      "\" } }\n");
}

// config.pbtxt for kernel "myproject" (input, output, batch_size) plus `fpga_extra` (Fpga(...)
// parameters).
std::string XrtConfig(const std::string& name, int compute_units, const std::string& fpga_extra) {
  return testing::DenseConfigText(
      name, kInputs, kOutputs, /*max_batch_size=*/64,
      absl::StrCat("instance_group [ { count: ", compute_units, " } ]\n",
                   Fpga("kernel_name", "myproject"),
                   Fpga("kernel_arguments", "input,output,batch_size"), fpga_extra));
}

// A model that has no hls4ml project: the device-side precisions come from the config.
std::string XrtOnlyConfig(const std::string& name, const std::string& bitstream_field,
                          const std::string& file) {
  return XrtConfig(
      name, 1,
      absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                   Fpga("output_precision", "ap_fixed<16,6>"), Fpga(bitstream_field, file)));
}

void WriteXclbinOrDie(const XclbinSpec& spec, const fs::path& path) {
  fs::create_directories(path.parent_path());
  absl::Status written = WriteXclbin(spec, path);
  ASSERT_TRUE(written.ok()) << written;
}

std::unique_ptr<inference::GRPCInferenceService::Stub> Connect(int port) {
  return inference::GRPCInferenceService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

// ModelInfer of `samples` samples (values i % 7 / 8) of the test model.
grpc::Status Infer(inference::GRPCInferenceService::Stub& stub, const std::string& model,
                   int samples, inference::ModelInferResponse* response) {
  inference::ModelInferRequest request;
  request.set_model_name(model);
  request.set_id(absl::StrCat("xrt-", samples));
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(samples);
  input->add_shape(kInputs);
  std::vector<float> values(size_t(samples) * kInputs);
  for (size_t i = 0; i < values.size(); ++i) values[i] = float(i % 7) / 8.0f;
  request.add_raw_input_contents(
      std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return stub.ModelInfer(&context, request, response);
}

bool ServerReady(inference::GRPCInferenceService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  context.set_wait_for_ready(true);
  inference::ServerReadyResponse ready;
  return stub.ServerReady(&context, {}, &ready).ok() && ready.ready();
}

bool ModelReady(inference::GRPCInferenceService::Stub& stub, const std::string& model) {
  grpc::ClientContext context;
  inference::ModelReadyRequest request;
  request.set_name(model);
  inference::ModelReadyResponse ready;
  return stub.ModelReady(&context, request, &ready).ok() && ready.ready();
}

class FpgaasdXrtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    work_ = testing::FreshDir(test);
    repository_ = work_ / "models";
    fs::create_directories(repository_);
  }

  // Starts fpgaasd on the noop shim (`xrt_ini`: the daemon's xrt.ini, may be empty) with
  // `device` and the test repository.
  std::unique_ptr<Daemon> Start(const std::string& device, const std::string& xrt_ini = "") {
    testing::UseXrtNoopShim(work_ / "shim", xrt_ini);
    return std::make_unique<Daemon>(
        std::vector<std::string>{"--grpc-address=127.0.0.1", "--grpc-port=0", "--metrics-port=0",
                                 "--device=" + device, "--model-repository=" + repository_.string(),
                                 "--log-level=info", "--drain-grace-seconds=5"});
  }

  std::string Metrics(const Daemon& daemon) { return HttpGet(daemon.metrics_port(), "/metrics"); }

  fs::path work_;
  fs::path repository_;
};

TEST_F(FpgaasdXrtTest, InfersThroughTheCardAndCountsRunsAndBytesPerComputeUnit) {
  // An hls4ml project (the network the repository validates the config against) and the xclbin
  // built from it, with two compute units.
  testing::WriteTextFile(repository_ / "muon" / "config.pbtxt",
                         XrtConfig("muon", 2, Fpga("xclbin", "muon.xclbin")));
  testing::WriteDenseProject(repository_ / "muon" / "1" / "hls4ml_prj", kInputs, kOutputs);
  XclbinSpec xclbin;
  xclbin.compute_units = 2;
  WriteXclbinOrDie(xclbin, repository_ / "muon" / "1" / "muon.xclbin");

  std::unique_ptr<Daemon> daemon = Start("xrt:0");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  ASSERT_TRUE(ServerReady(*stub)) << daemon->log();
  EXPECT_TRUE(ModelReady(*stub, "muon"));
  EXPECT_THAT(daemon->log(), HasSubstr("devices: xrt:0"));

  inference::ModelInferResponse response;
  grpc::Status status = Infer(*stub, "muon", 3, &response);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << daemon->log();
  EXPECT_EQ(response.model_name(), "muon");
  EXPECT_EQ(response.id(), "xrt-3");
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "layer2_out");
  EXPECT_EQ(response.outputs(0).datatype(), "FP32");
  EXPECT_THAT(response.outputs(0).shape(), ::testing::ElementsAre(3, kOutputs));
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  const std::string& raw = response.raw_output_contents(0);
  ASSERT_EQ(raw.size(), 3 * kOutputs * sizeof(float));
  std::vector<float> outputs(3 * kOutputs);
  std::memcpy(outputs.data(), raw.data(), raw.size());
  // The noop kernel wrote nothing: the output buffer still holds the zeros it was allocated with.
  for (float y : outputs) EXPECT_EQ(y, 0.0f);

  // Per card and CU: the batch's packed bytes went to the device and back, on the card's CUs.
  std::string metrics = Metrics(*daemon);
  const std::map<std::string, std::string> card = {{"device", "xrt:0"}};
  EXPECT_GE(MetricSum(metrics, "fpgaas_xrt_runs_total", card), 1) << metrics;
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_to_device_total", card),
            3 * kInputs * kDeviceBytesPerValue);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_from_device_total", card),
            3 * kOutputs * kDeviceBytesPerValue);
  for (const char* cu : {"myproject_1", "myproject_2"}) {  // that every CU runs: next test
    const std::map<std::string, std::string> labels = {{"device", "xrt:0"}, {"compute_unit", cu}};
    EXPECT_NE(MetricSum(metrics, "fpgaas_xrt_runs_total", labels), -1) << cu << ":\n" << metrics;
    EXPECT_NE(MetricSum(metrics, "fpgaas_xrt_busy_seconds_total", labels), -1) << cu;
  }
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_loads_total", card), 1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_in_service", card), 1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total", card), 0);
  const double runs_before = MetricSum(metrics, "fpgaas_xrt_runs_total", card);

  ASSERT_TRUE(Infer(*stub, "muon", 5, &response).ok());
  EXPECT_THAT(response.outputs(0).shape(), ::testing::ElementsAre(5, kOutputs));
  metrics = Metrics(*daemon);
  EXPECT_GT(MetricSum(metrics, "fpgaas_xrt_runs_total", card), runs_before);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_to_device_total", card),
            (3 + 5) * kInputs * kDeviceBytesPerValue);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_from_device_total", card),
            (3 + 5) * kOutputs * kDeviceBytesPerValue);

  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
  EXPECT_THAT(daemon->log(), HasSubstr("fpgaasd stopped"));
}

TEST_F(FpgaasdXrtTest, ConcurrentFullBatchesRunOnEveryComputeUnit) {
  // Every noop run takes 2 s. Four full batches (64 samples, never merged) sent at once occupy
  // the four slots (2 CUs x 2 buffer sets): a worker whose run is in flight takes no other batch,
  // so while the batches arrive within those 2 s each slot, hence each CU, gets one.
  testing::WriteTextFile(repository_ / "busy" / "config.pbtxt",
                         XrtConfig("busy", 2,
                                   absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                                                Fpga("output_precision", "ap_fixed<16,6>"),
                                                Fpga("xclbin", "busy.xclbin"),
                                                Fpga("kernel_timeout_us", "600000000"))));
  XclbinSpec xclbin;
  xclbin.compute_units = 2;
  WriteXclbinOrDie(xclbin, repository_ / "busy" / "1" / "busy.xclbin");
  std::unique_ptr<Daemon> daemon = Start("xrt:0", "[Runtime]\nnoop_completion_delay_us=2000000\n");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  ASSERT_TRUE(ServerReady(*stub)) << daemon->log();

  constexpr int kRequests = 4;
  std::vector<grpc::Status> statuses(kRequests);
  std::vector<std::thread> clients;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      inference::ModelInferResponse response;
      statuses[i] = Infer(*stub, "busy", 64, &response);
    });
  }
  for (std::thread& client : clients) client.join();
  const double wall_us = double(std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::steady_clock::now() - start)
                                    .count());
  for (const grpc::Status& status : statuses) {
    EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << daemon->log();
  }
  const std::string metrics = Metrics(*daemon);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_runs_total", {{"device", "xrt:0"}}), kRequests);
  for (const char* cu : {"myproject_1", "myproject_2"}) {
    const std::map<std::string, std::string> labels = {{"device", "xrt:0"}, {"compute_unit", cu}};
    EXPECT_GT(MetricSum(metrics, "fpgaas_xrt_runs_total", labels), 0) << cu << ":\n" << metrics;
    const double busy_us = 1e6 * MetricSum(metrics, "fpgaas_xrt_busy_seconds_total", labels);
    EXPECT_GT(busy_us, 0) << cu;
    // A CU's two buffer sets queue behind each other: its busy time is at most the wall time.
    EXPECT_LE(busy_us, wall_us) << cu << ":\n" << metrics;
  }
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total", {{"device", "xrt:0"}}), 0);
  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

TEST_F(FpgaasdXrtTest, CorruptOrMismatchedXclbinFailsOnlyThatModelWithThePreciseReason) {
  // The model that keeps serving: an F1 .awsxclbin (an xclbin2 container too), no hls4ml project.
  testing::WriteTextFile(repository_ / "good" / "config.pbtxt",
                         XrtOnlyConfig("good", "awsxclbin", "good.awsxclbin"));
  WriteXclbinOrDie(XclbinSpec(), repository_ / "good" / "1" / "good.awsxclbin");

  // Cut short: the header's length disagrees with the file.
  absl::StatusOr<std::string> bytes = BuildXclbin(XclbinSpec());
  ASSERT_TRUE(bytes.ok());
  testing::WriteTextFile(repository_ / "truncated" / "1" / "model.xclbin",
                         bytes->substr(0, bytes->size() / 2));
  testing::WriteTextFile(repository_ / "truncated" / "config.pbtxt",
                         XrtOnlyConfig("truncated", "xclbin", "model.xclbin"));
  // Not an xclbin at all.
  testing::WriteTextFile(repository_ / "foreign" / "1" / "model.xclbin", "bitstream? no\n");
  testing::WriteTextFile(repository_ / "foreign" / "config.pbtxt",
                         XrtOnlyConfig("foreign", "xclbin", "model.xclbin"));
  // A valid xclbin whose kernel is not the one the config names.
  XclbinSpec other_kernel;
  other_kernel.kernel_name = "jets";
  WriteXclbinOrDie(other_kernel, repository_ / "wrong_kernel" / "1" / "model.xclbin");
  testing::WriteTextFile(repository_ / "wrong_kernel" / "config.pbtxt",
                         XrtOnlyConfig("wrong_kernel", "xclbin", "model.xclbin"));
  // The kernel lacks the batch size argument the config names.
  XclbinSpec two_arguments;
  two_arguments.arguments = {{"in", true, "input_t*"}, {"out", true, "result_t*"}};
  WriteXclbinOrDie(two_arguments, repository_ / "missing_argument" / "1" / "model.xclbin");
  testing::WriteTextFile(repository_ / "missing_argument" / "config.pbtxt",
                         XrtOnlyConfig("missing_argument", "xclbin", "model.xclbin"));

  std::unique_ptr<Daemon> daemon = Start("xrt:0");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  EXPECT_TRUE(ServerReady(*stub)) << daemon->log();  // failed models do not count (not strict)

  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->RepositoryIndex(&context, {}, &index).ok());
  }
  std::map<std::string, std::pair<std::string, std::string>> states;  // name -> state, reason
  for (const auto& model : index.models()) states[model.name()] = {model.state(), model.reason()};
  const std::map<std::string, std::string> expected_reasons = {
      {"truncated", "model.xclbin is corrupt: header says"},
      {"foreign", "model.xclbin is not an xclbin (missing the \"xclbin2\" magic)"},
      {"wrong_kernel", "has no kernel 'myproject' (it has: jets)"},
      {"missing_argument",
       "kernel 'myproject' takes 2 arguments (in, out) but fpga.kernel_arguments names 3 "
       "(input, output, batch_size)"},
  };
  for (const auto& [name, reason] : expected_reasons) {
    ASSERT_TRUE(states.contains(name)) << name;
    EXPECT_EQ(states[name].first, "UNAVAILABLE") << name;
    EXPECT_THAT(states[name].second, HasSubstr(reason)) << name;
    EXPECT_FALSE(ModelReady(*stub, name)) << name;
    inference::ModelInferResponse response;
    EXPECT_FALSE(Infer(*stub, name, 1, &response).ok()) << name;
  }
  ASSERT_TRUE(states.contains("good"));
  EXPECT_EQ(states["good"].first, "READY") << states["good"].second;
  EXPECT_TRUE(ModelReady(*stub, "good"));
  inference::ModelInferResponse response;
  grpc::Status status = Infer(*stub, "good", 2, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.outputs(0).shape(), ::testing::ElementsAre(2, kOutputs));
  EXPECT_EQ(response.raw_output_contents(0).size(), 2 * kOutputs * sizeof(float));

  // Only the good model's xclbin reached the card; the bad ones were refused before programming.
  const std::string metrics = Metrics(*daemon);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 1)
      << metrics;
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_to_device_total", {{"device", "xrt:0"}}),
            2 * kInputs * kDeviceBytesPerValue);
  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

TEST_F(FpgaasdXrtTest, HungKernelsAreAnsweredWithUnavailableUntilTheCardGoesOutOfService) {
  // Every noop run takes 400 ms; the model's watchdog deadline is 20 ms: every run hangs.
  // A tripped batch re-programs the card and is retried once (on the other CU); the retry trips
  // too, so the request gets UNAVAILABLE. Four trips in a row take the card out of service.
  testing::WriteTextFile(
      repository_ / "slow" / "config.pbtxt",
      XrtConfig("slow", 2,
                absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                             Fpga("output_precision", "ap_fixed<16,6>"),
                             Fpga("xclbin", "slow.xclbin"), Fpga("kernel_timeout_us", "20000"))));
  XclbinSpec xclbin;
  xclbin.compute_units = 2;
  WriteXclbinOrDie(xclbin, repository_ / "slow" / "1" / "slow.xclbin");

  std::unique_ptr<Daemon> daemon = Start("xrt:0", "[Runtime]\nnoop_completion_delay_us=400000\n");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  ASSERT_TRUE(ServerReady(*stub)) << daemon->log();
  const std::map<std::string, std::string> card = {{"device", "xrt:0"}};

  inference::ModelInferResponse response;
  grpc::Status first = Infer(*stub, "slow", 2, &response);
  EXPECT_EQ(first.error_code(), grpc::StatusCode::UNAVAILABLE) << first.error_message();
  EXPECT_THAT(first.error_message(), HasSubstr("watchdog deadline"));
  EXPECT_THAT(first.error_message(), HasSubstr("retry on"));
  std::string metrics = Metrics(*daemon);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total", card), 2) << metrics;
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total",
                      {{"device", "xrt:0"}, {"compute_unit", "myproject_1"}}),
            1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total",
                      {{"device", "xrt:0"}, {"compute_unit", "myproject_2"}}),
            1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_resets_total", card), 1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_loads_total", card), 2);  // first load + reset
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_in_service", card), 1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_runs_total", card), 0);
  EXPECT_TRUE(ModelReady(*stub, "slow"));

  grpc::Status second = Infer(*stub, "slow", 1, &response);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::UNAVAILABLE) << second.error_message();
  metrics = Metrics(*daemon);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_watchdog_trips_total", card), 4) << metrics;
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_out_of_service_total", card), 1);
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_in_service", card), 0);

  // Out of service: not ready, and further requests are still answered (at once) with UNAVAILABLE.
  EXPECT_FALSE(ModelReady(*stub, "slow"));
  {
    grpc::ClientContext context;
    inference::ServerReadyResponse ready;
    ASSERT_TRUE(stub->ServerReady(&context, {}, &ready).ok());
    EXPECT_FALSE(ready.ready());
  }
  grpc::Status third = Infer(*stub, "slow", 1, &response);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::UNAVAILABLE) << third.error_message();
  EXPECT_EQ(MetricSum(Metrics(*daemon), "fpgaas_xrt_watchdog_trips_total", card), 4);

  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

TEST_F(FpgaasdXrtTest, TwoCardsTakeTwoXclbinsWithoutSwappingAndHonourFpgaDevices) {
  // Two models with different xclbins (a card holds one at a time); "a_pinned" may only run on
  // xrt:1 (fpga.devices), "free" anywhere. Whatever order they load in, each gets its own card and
  // nothing is swapped.
  testing::WriteTextFile(
      repository_ / "a_pinned" / "config.pbtxt",
      XrtConfig("a_pinned", 1,
                absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                             Fpga("output_precision", "ap_fixed<16,6>"),
                             Fpga("xclbin", "pinned.xclbin"), Fpga("devices", "xrt:1"))));
  WriteXclbinOrDie(XclbinSpec(), repository_ / "a_pinned" / "1" / "pinned.xclbin");
  testing::WriteTextFile(repository_ / "free" / "config.pbtxt",
                         XrtConfig("free", 2, Fpga("xclbin", "free.xclbin")));
  testing::WriteDenseProject(repository_ / "free" / "1" / "hls4ml_prj", kInputs, kOutputs);
  XclbinSpec two_units;
  two_units.compute_units = 2;
  WriteXclbinOrDie(two_units, repository_ / "free" / "1" / "free.xclbin");
  // Asks for a card fpgaasd does not serve.
  testing::WriteTextFile(
      repository_ / "elsewhere" / "config.pbtxt",
      XrtConfig("elsewhere", 1,
                absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                             Fpga("output_precision", "ap_fixed<16,6>"),
                             Fpga("xclbin", "pinned.xclbin"), Fpga("devices", "xrt:7"))));
  WriteXclbinOrDie(XclbinSpec(), repository_ / "elsewhere" / "1" / "pinned.xclbin");

  std::unique_ptr<Daemon> daemon = Start("xrt:0,xrt:1");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  ASSERT_TRUE(ServerReady(*stub)) << daemon->log();
  EXPECT_THAT(daemon->log(), HasSubstr("devices: xrt:0, xrt:1"));
  EXPECT_TRUE(ModelReady(*stub, "a_pinned"));
  EXPECT_TRUE(ModelReady(*stub, "free"));
  EXPECT_FALSE(ModelReady(*stub, "elsewhere"));

  inference::ModelInferResponse response;
  ASSERT_TRUE(Infer(*stub, "a_pinned", 3, &response).ok()) << daemon->log();
  ASSERT_TRUE(Infer(*stub, "free", 4, &response).ok()) << daemon->log();
  EXPECT_THAT(response.outputs(0).shape(), ::testing::ElementsAre(4, kOutputs));

  const std::string metrics = Metrics(*daemon);
  const std::map<std::string, std::string> card0 = {{"device", "xrt:0"}};
  const std::map<std::string, std::string> card1 = {{"device", "xrt:1"}};
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_to_device_total", card1),
            3 * kInputs * kDeviceBytesPerValue)
      << metrics;
  EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_bytes_to_device_total", card0),
            4 * kInputs * kDeviceBytesPerValue);
  for (const auto& card : {card0, card1}) {
    EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_loads_total", card), 1) << metrics;
    EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_swaps_total", card), 0);
  }
  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->RepositoryIndex(&context, {}, &index).ok());
  }
  for (const auto& model : index.models()) {
    if (model.name() != "elsewhere") continue;
    EXPECT_EQ(model.state(), "UNAVAILABLE");
    EXPECT_THAT(model.reason(), HasSubstr("asks for device 'xrt:7'"));
  }
  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

TEST_F(FpgaasdXrtTest, AModelListingTwoCardsRunsOnBoth) {
  // fpga.devices names both cards: the xclbin is loaded on each and the model's slots are both
  // cards' (one CU x two buffer sets each). Every noop run takes 2 s, so four full batches sent
  // at once occupy the four slots, two per card.
  testing::WriteTextFile(
      repository_ / "spanned" / "config.pbtxt",
      XrtConfig(
          "spanned", 1,
          absl::StrCat(Fpga("input_precision", "ap_fixed<16,6>"),
                       Fpga("output_precision", "ap_fixed<16,6>"), Fpga("xclbin", "spanned.xclbin"),
                       Fpga("devices", "xrt:0,xrt:1"), Fpga("kernel_timeout_us", "600000000"))));
  WriteXclbinOrDie(XclbinSpec(), repository_ / "spanned" / "1" / "spanned.xclbin");
  std::unique_ptr<Daemon> daemon =
      Start("xrt:0,xrt:1", "[Runtime]\nnoop_completion_delay_us=2000000\n");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  auto stub = Connect(daemon->grpc_port());
  ASSERT_TRUE(ServerReady(*stub)) << daemon->log();
  EXPECT_TRUE(ModelReady(*stub, "spanned"));

  constexpr int kRequests = 4;
  std::vector<grpc::Status> statuses(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      inference::ModelInferResponse response;
      statuses[i] = Infer(*stub, "spanned", 64, &response);
    });
  }
  for (std::thread& client : clients) client.join();
  for (const grpc::Status& status : statuses) {
    EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << daemon->log();
  }
  const std::string metrics = Metrics(*daemon);
  double runs = 0;
  for (const char* device : {"xrt:0", "xrt:1"}) {
    const std::map<std::string, std::string> card = {{"device", device}};
    EXPECT_EQ(MetricSum(metrics, "fpgaas_xrt_xclbin_loads_total", card), 1) << metrics;
    EXPECT_GT(MetricSum(metrics, "fpgaas_xrt_runs_total", card), 0) << device << ":\n" << metrics;
    runs += MetricSum(metrics, "fpgaas_xrt_runs_total", card);
  }
  EXPECT_EQ(runs, kRequests);
  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

TEST_F(FpgaasdXrtTest, DeviceXrtWithoutACardFailsAtStartAndAutoUsesTheEmulator) {
  testing::WriteDenseModel(repository_, "dense", 4, 2, 8);
  {
    std::unique_ptr<Daemon> daemon = Start("xrt");
    EXPECT_FALSE(daemon->AwaitListening());
    EXPECT_NE(daemon->Wait(), 0);
    EXPECT_THAT(daemon->log(), HasSubstr("no FPGA card found"));
  }
  // The noop shim opens device 0 but enumerates no card: auto picks the emulator.
  std::unique_ptr<Daemon> daemon = Start("auto");
  ASSERT_TRUE(daemon->AwaitListening()) << daemon->log();
  EXPECT_THAT(daemon->log(), HasSubstr("devices: emu"));
  EXPECT_EQ(daemon->SignalAndWait(SIGTERM), 0) << daemon->log();
}

}  // namespace
}  // namespace fpgaas
