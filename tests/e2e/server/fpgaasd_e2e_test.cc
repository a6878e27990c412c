// End to end: the real fpgaasd binary on free ports. Infers every example model of deploy/models
// (or a generated test repository), scrapes /metrics over plain HTTP, checks the explicit control
// mode with repeated --load-model, bad flags, and that SIGTERM drains and exits 0.
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
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "proto/health.grpc.pb.h"
#include "tests/support/daemon.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_models.h"

#ifndef FPGAASD
#error "FPGAASD (path of the fpgaasd binary) must be defined by CMake"
#endif
#ifndef FPGAAS_SOURCE_ROOT
#error "FPGAAS_SOURCE_ROOT must be defined by CMake"
#endif

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing::Daemon;
using ::fpgaas::testing::HttpGet;
using ::testing::HasSubstr;

std::unique_ptr<inference::GRPCInferenceService::Stub> Connect(int port) {
  return inference::GRPCInferenceService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

std::vector<std::string> CommonFlags(const fs::path& repository) {
  return {"--grpc-address=127.0.0.1",
          "--grpc-port=0",
          "--metrics-port=0",
          "--device=emu",
          absl::StrCat("--model-repository=", repository.string()),
          "--log-level=info"};
}

// deploy/models when the example repository is there, else a generated one.
fs::path ExampleRepository(const fs::path& scratch) {
  const fs::path examples = fs::path(FPGAAS_SOURCE_ROOT) / "deploy" / "models";
  if (fs::exists(examples) && !fs::is_empty(examples)) return examples;
  testing::WriteDenseModel(scratch, "dense", 4, 2, 16);
  return scratch;
}

class FpgaasdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = fs::path(::testing::TempDir()) /
               absl::StrCat("fpgaasd_e2e_repo_", getpid(), "_",
                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
  }
  void TearDown() override { fs::remove_all(scratch_); }
  fs::path scratch_;
};

TEST_F(FpgaasdTest, InfersEveryModelServesMetricsAndDrainsOnSigterm) {
  Daemon daemon(CommonFlags(ExampleRepository(scratch_)));
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  auto stub = Connect(daemon.grpc_port());

  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.set_wait_for_ready(true);
    inference::ServerReadyResponse ready;
    ASSERT_TRUE(stub->ServerReady(&context, {}, &ready).ok()) << daemon.log();
    EXPECT_TRUE(ready.ready());
  }
  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->RepositoryIndex(&context, {}, &index).ok());
  }
  ASSERT_GT(index.models_size(), 0);
  std::set<std::string> inferred;
  for (const auto& model : index.models()) {
    EXPECT_EQ(model.state(), "READY") << model.name() << ": " << model.reason();
    if (model.state() != "READY") continue;
    inference::ModelMetadataRequest metadata_request;
    metadata_request.set_name(model.name());
    inference::ModelMetadataResponse metadata;
    grpc::ClientContext metadata_context;
    ASSERT_TRUE(stub->ModelMetadata(&metadata_context, metadata_request, &metadata).ok());
    ASSERT_GE(metadata.inputs_size(), 1);

    // Two samples of zeros and ones in every input, shaped as the metadata says (-1 = the batch
    // dimension).
    inference::ModelInferRequest request;
    request.set_model_name(model.name());
    request.set_id("e2e");
    for (const auto& tensor : metadata.inputs()) {
      ASSERT_EQ(tensor.datatype(), "FP32");
      auto* input = request.add_inputs();
      input->set_name(tensor.name());
      input->set_datatype("FP32");
      int64_t elements = 1;
      for (int64_t d : tensor.shape()) {
        const int64_t dim = d < 0 ? 2 : d;
        input->add_shape(dim);
        elements *= dim;
      }
      std::vector<float> values(elements);
      for (int64_t i = 0; i < elements; ++i) values[i] = static_cast<float>(i % 2);
      request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(values.data()),
                                                 values.size() * sizeof(float)));
    }
    inference::ModelInferResponse response;
    grpc::ClientContext infer_context;
    grpc::Status status = stub->ModelInfer(&infer_context, request, &response);
    ASSERT_TRUE(status.ok()) << model.name() << ": " << status.error_message();
    EXPECT_EQ(response.id(), "e2e");
    ASSERT_EQ(response.outputs_size(), metadata.outputs_size());
    for (int k = 0; k < response.outputs_size(); ++k) {
      EXPECT_EQ(response.outputs(k).name(), metadata.outputs(k).name());
      EXPECT_EQ(response.outputs(k).shape(0), 2);
      int64_t output_elements = 1;
      for (int64_t d : response.outputs(k).shape()) output_elements *= d;
      EXPECT_EQ(response.raw_output_contents(k).size(), output_elements * sizeof(float));
    }
    inferred.insert(model.name());
  }
  EXPECT_FALSE(inferred.empty());

  const std::string metrics = HttpGet(daemon.metrics_port(), "/metrics");
  EXPECT_THAT(metrics, HasSubstr("200 OK"));
  for (const char* family :
       {"nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count",
        "nv_inference_exec_count", "nv_inference_request_duration_us",
        "nv_inference_queue_duration_us", "nv_inference_compute_infer_duration_us",
        "nv_inference_pending_request_count", "fpgaas_request_total",
        "fpgaas_request_duration_seconds", "fpgaas_queue_duration_seconds",
        "fpgaas_compute_duration_seconds", "fpgaas_batch_size"}) {
    EXPECT_THAT(metrics, HasSubstr(family)) << family;
  }
  // The inferred models carry their label.
  for (const std::string& name : inferred) {
    EXPECT_THAT(metrics, HasSubstr(absl::StrCat("model=\"", name, "\""))) << name;
  }

  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
  const std::string log = daemon.log();
  EXPECT_THAT(log, HasSubstr("draining"));
  EXPECT_THAT(log, HasSubstr("fpgaasd stopped"));
}

TEST_F(FpgaasdTest, ExplicitModeLoadsOnlyTheRepeatedLoadModelFlags) {
  for (const char* name : {"a", "b", "c"}) testing::WriteDenseModel(scratch_, name, 4, 2, 8);
  std::vector<std::string> flags = CommonFlags(scratch_);
  flags.push_back("--model-control-mode=explicit");
  flags.push_back("--load-model=a");
  flags.push_back("--load-model=c");
  Daemon daemon(flags);
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  auto stub = Connect(daemon.grpc_port());
  inference::RepositoryIndexRequest request;
  request.set_ready(true);
  inference::RepositoryIndexResponse index;
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  ASSERT_TRUE(stub->RepositoryIndex(&context, request, &index).ok());
  std::set<std::string> ready;
  for (const auto& model : index.models()) ready.insert(model.name());
  EXPECT_EQ(ready, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(daemon.SignalAndWait(SIGINT), 0) << daemon.log();
}

// SuperSONIC starts the server with tritonserver's flags: several repositories, Triton-only flags
// (one warning each), and probes /v2/health/ready over HTTP.
TEST_F(FpgaasdTest, TritonServerCommandLineServesEveryRepositoryOverHttpToo) {
  testing::WriteDenseModel(scratch_ / "one", "a", 4, 2, 8);
  testing::WriteDenseModel(scratch_ / "two", "b", 4, 2, 8);
  Daemon daemon({"--grpc-port=0", "--metrics-port=0", "--http-port=0", "--device=emu",
                 absl::StrCat("--model-repository=", (scratch_ / "one").string()),
                 "--model-repository", (scratch_ / "two").string(), "--log-verbose=1",
                 "--strict-model-config=false", "--allow-gpu-metrics=false",
                 "--exit-timeout-secs=5"});
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  ASSERT_GT(daemon.http_port(), 0) << daemon.listening_line();
  EXPECT_THAT(HttpGet(daemon.http_port(), "/v2/health/ready"), HasSubstr(" 200 OK"));
  for (const char* model : {"a", "b"}) {
    EXPECT_THAT(HttpGet(daemon.http_port(), absl::StrCat("/v2/models/", model, "/versions/-1")),
                HasSubstr(absl::StrCat("\"name\":\"", model, "\"")));
  }
  EXPECT_THAT(HttpGet(daemon.metrics_port(), "/metrics"), HasSubstr("fpgaas_server_info{"));
  const std::string log = daemon.log();
  EXPECT_THAT(log, HasSubstr("--strict_model_config=false ignored"));
  EXPECT_THAT(log, HasSubstr("--exit_timeout_secs=5 taken as --drain-grace-seconds"));
  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
  // The merged view (symbolic links) is gone, the repositories are intact.
  EXPECT_TRUE(fs::exists(scratch_ / "one" / "a" / "config.pbtxt"));
  EXPECT_THAT(daemon.log(), ::testing::Not(HasSubstr("[error]")));
}

TEST_F(FpgaasdTest, BadFlagsExitNonZeroWithAReason) {
  std::vector<std::string> flags = CommonFlags(scratch_);
  flags.push_back("--model-control-mode=sometimes");
  Daemon daemon(flags);
  EXPECT_FALSE(daemon.AwaitListening());
  EXPECT_NE(daemon.Wait(), 0);
  EXPECT_THAT(daemon.log(), HasSubstr("sometimes"));

  Daemon no_repository({"--grpc-port=0", "--metrics-port=0"});
  EXPECT_FALSE(no_repository.AwaitListening());
  EXPECT_NE(no_repository.Wait(), 0);
  EXPECT_THAT(no_repository.log(), HasSubstr("--model-repository"));

  for (const auto& [flag, reason] : std::vector<std::pair<std::string, std::string>>{
           {"--device=gpu", "--device=gpu: unknown device"},
           {"--log-level=loud", "--log-level: unknown level 'loud'"}}) {
    std::vector<std::string> bad = CommonFlags(scratch_);
    bad.push_back(flag);
    Daemon daemon_with_bad_flag(bad);
    EXPECT_FALSE(daemon_with_bad_flag.AwaitListening()) << flag;
    EXPECT_NE(daemon_with_bad_flag.Wait(), 0) << flag;
    EXPECT_THAT(daemon_with_bad_flag.log(), HasSubstr(reason)) << flag;
  }
}

int CountLinesWith(const std::string& text, const std::string& needle) {
  int count = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string::npos) ++count;
    start = end + 1;
  }
  return count;
}

// A dense model and one whose config.pbtxt does not parse.
void WriteDenseAndBrokenModels(const fs::path& root) {
  testing::WriteDenseModel(root, "dense", 4, 2, 16);
  testing::WriteDenseModel(root, "broken", 4, 2, 16);
  testing::WriteTextFile(root / "broken" / "config.pbtxt", "name: \"broken\"\nmax_batch_size: [\n");
}

inference::ModelInferRequest DenseRequest(int batch, const std::string& id = "") {
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.set_id(id);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(4);
  request.add_raw_input_contents(std::string(batch * 4 * sizeof(float), '\0'));
  return request;
}

TEST_F(FpgaasdTest, SpaceSeparatedFlagsMessageLimitBrokenModelAndNoLogLinePerRequest) {
  WriteDenseAndBrokenModels(scratch_);
  Daemon daemon({"--grpc-address", "127.0.0.1", "--grpc-port", "0", "--metrics-port", "0",
                 "--device", "emu", "--model-repository", scratch_.string(), "--log-level", "info",
                 "--max-message-bytes", "4096"});
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  auto stub = Connect(daemon.grpc_port());

  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    ASSERT_TRUE(stub->RepositoryIndex(&context, {}, &index).ok());
  }
  std::map<std::string, inference::RepositoryIndexResponse::ModelIndex> by_name;
  for (const auto& model : index.models()) by_name[model.name()] = model;
  EXPECT_EQ(by_name["dense"].state(), "READY");
  EXPECT_EQ(by_name["broken"].state(), "UNAVAILABLE");
  EXPECT_THAT(by_name["broken"].reason(), HasSubstr("config.pbtxt: line 2"));

  // Startup is logged before the "serving" line; wait for it, then nothing more may appear while
  // requests (good and bad) are served.
  while (daemon.log().find("serving; ready") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string startup_log = daemon.log();
  EXPECT_EQ(CountLinesWith(startup_log, "broken"), 1) << startup_log;
  EXPECT_EQ(CountLinesWith(startup_log, "loaded model dense version 1"), 1) << startup_log;

  for (int i = 0; i < 30; ++i) {
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub->ModelInfer(&context, DenseRequest(1 + i % 8, "quiet"), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (int i = 0; i < 5; ++i) {
    inference::ModelInferRequest bad = DenseRequest(2, "quiet");
    bad.mutable_inputs(0)->set_datatype("INT8");
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    EXPECT_EQ(stub->ModelInfer(&context, bad, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    // --max-message-bytes 4096: 16 samples fit, an 8 KiB id does not.
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        stub->ModelInfer(&context, DenseRequest(16, std::string(8192, 'x')), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  }
  {
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ModelInfer(&context, DenseRequest(16), &response).ok());
  }
  EXPECT_EQ(daemon.log(), startup_log);

  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
}

TEST_F(FpgaasdTest, LogLevelWarnKeepsOnlyProblems) {
  WriteDenseAndBrokenModels(scratch_);
  std::vector<std::string> flags = CommonFlags(scratch_);
  flags.push_back("--log-level=warn");
  Daemon daemon(flags);
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
  const std::string log = daemon.log();
  EXPECT_EQ(CountLinesWith(log, "broken"), 1) << log;
  EXPECT_EQ(CountLinesWith(log, "[info]"), 0) << log;
}

// TLS with a bearer token, as production runs it: the dashed and underscored flag spellings,
// what the listening line says, clients without TLS or token refused, health open, SIGTERM exit 0.
TEST_F(FpgaasdTest, TlsAndBearerTokenGateKServeButNotHealth) {
  testing::TestCertificates certs;
  if (!testing::MakeTestCertificates(scratch_ / "certs", &certs)) {
    GTEST_SKIP() << "openssl could not make test certificates";
  }
  testing::WriteDenseModel(scratch_ / "models", "dense", 4, 2, 16);
  testing::WriteTextFile(scratch_ / "token", "e2e-token-42\n");
  std::vector<std::string> flags = CommonFlags(scratch_ / "models");
  flags.push_back(absl::StrCat("--tls-cert=", certs.server_cert.string()));
  flags.push_back("--tls_key");  // underscored and space-separated
  flags.push_back(certs.server_key.string());
  flags.push_back(absl::StrCat("--auth-token-file=", (scratch_ / "token").string()));
  Daemon daemon(flags);
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  EXPECT_THAT(daemon.listening_line(), HasSubstr("gRPC: TLS, bearer token required"));
  EXPECT_THAT(daemon.listening_line(), HasSubstr("metrics: plain HTTP"));
  EXPECT_THAT(daemon.log(), ::testing::Not(HasSubstr("clear text")));
  const std::string target = absl::StrCat("127.0.0.1:", daemon.grpc_port());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = testing::ReadTextFile(certs.ca);
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto tls_channel = grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
  auto stub = inference::GRPCInferenceService::NewStub(tls_channel);
  auto ready = [&](const std::string& authorization) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    inference::ServerReadyResponse response;
    grpc::Status status = stub->ServerReady(&context, {}, &response);
    if (status.ok()) EXPECT_TRUE(response.ready());
    return status;
  };
  EXPECT_EQ(ready("").error_code(), grpc::StatusCode::UNAUTHENTICATED) << daemon.log();
  EXPECT_EQ(ready("Bearer e2e-token-4").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status with_token = ready("Bearer e2e-token-42");
  EXPECT_TRUE(with_token.ok()) << with_token.error_message() << daemon.log();

  inference::ModelInferRequest request;
  request.set_model_name("dense");
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(1);
  input->add_shape(4);
  for (float v : {0.5f, -0.25f, 1.0f, 0.125f}) input->mutable_contents()->add_fp32_contents(v);
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.AddMetadata("authorization", "Bearer e2e-token-42");
    inference::ModelInferResponse response;
    grpc::Status status = stub->ModelInfer(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message() << daemon.log();
    ASSERT_EQ(response.raw_output_contents_size(), 1);
    std::vector<float> y(2);
    ASSERT_EQ(response.raw_output_contents(0).size(), y.size() * sizeof(float));
    std::memcpy(y.data(), response.raw_output_contents(0).data(), y.size() * sizeof(float));
    EXPECT_EQ(y, testing::DenseReference({0.5f, -0.25f, 1.0f, 0.125f}, 2));
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(tls_channel)->Check(&context, {}, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.AddMetadata("authorization", "Bearer e2e-token-42");
    inference::ServerLiveResponse response;
    EXPECT_EQ(Connect(daemon.grpc_port())->ServerLive(&context, {}, &response).error_code(),
              grpc::StatusCode::UNAVAILABLE);  // plaintext client
  }
  EXPECT_THAT(HttpGet(daemon.metrics_port(), "/metrics"), HasSubstr("200 OK"));
  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
}

// --metrics-token-file: /metrics asks a bearer token of its own (the KServe ports stay open).
TEST_F(FpgaasdTest, MetricsTokenFileGuardsMetrics) {
  testing::WriteDenseModel(scratch_ / "models", "dense", 4, 2, 16);
  testing::WriteTextFile(scratch_ / "metrics.token", "scrape-7\n");
  testing::Daemon daemon({"--model-repository=" + (scratch_ / "models").string(), "--device=emu",
                          "--grpc-port=0", "--metrics-port=0", "--grpc-address=127.0.0.1",
                          "--metrics-token-file=" + (scratch_ / "metrics.token").string()});
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  EXPECT_THAT(daemon.listening_line(), HasSubstr("metrics: plain HTTP, token"));
  EXPECT_THAT(HttpGet(daemon.metrics_port(), "/metrics"), HasSubstr(" 401 "));
  EXPECT_THAT(HttpGet(daemon.metrics_port(), "/metrics", "Authorization: Bearer wrong\r\n"),
              HasSubstr(" 401 "));
  const std::string scraped =
      HttpGet(daemon.metrics_port(), "/metrics", "Authorization: Bearer scrape-7\r\n");
  EXPECT_THAT(scraped, HasSubstr(" 200 OK"));
  EXPECT_THAT(scraped, HasSubstr("fpgaas_server_info{"));
  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
}

TEST_F(FpgaasdTest, TokenWithoutTlsWarnsAndUnreadableTlsFilesExitNonZero) {
  testing::WriteDenseModel(scratch_ / "models", "dense", 4, 2, 16);
  testing::WriteTextFile(scratch_ / "token", "plain-token");
  std::vector<std::string> flags = CommonFlags(scratch_ / "models");
  flags.push_back(absl::StrCat("--auth_token_file=", (scratch_ / "token").string()));
  {
    Daemon daemon(flags);
    ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
    EXPECT_THAT(daemon.listening_line(), HasSubstr("gRPC: plaintext, bearer token required"));
    EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
    EXPECT_THAT(daemon.log(), HasSubstr("[warning]"));
    EXPECT_THAT(daemon.log(), HasSubstr("clear text"));
    EXPECT_THAT(daemon.log(), ::testing::Not(HasSubstr("plain-token")));
  }
  const std::string missing = (scratch_ / "no-such-cert.pem").string();
  flags.push_back(absl::StrCat("--tls-cert=", missing));
  flags.push_back(absl::StrCat("--tls-key=", missing));
  Daemon daemon(flags);
  EXPECT_FALSE(daemon.AwaitListening());
  EXPECT_NE(daemon.Wait(), 0);
  EXPECT_THAT(daemon.log(), HasSubstr(missing));
  EXPECT_THAT(daemon.log(), HasSubstr("NOT_FOUND"));
}

}  // namespace
}  // namespace fpgaas

namespace fpgaas {
namespace {

// "ADDR:PORT" (hex, as /proc/net/tcp writes them) of the listening TCP socket on `port`, or "".
std::string ListeningLocalAddress(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  char port_hex[8];
  std::snprintf(port_hex, sizeof(port_hex), ":%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == port_hex) {
      return local;
    }
  }
  return "";
}

TEST_F(FpgaasdTest, MetricsListenWhereGrpcDoesUnlessTold) {
  WriteDenseAndBrokenModels(scratch_);
  {
    Daemon daemon({"--grpc-address=127.0.0.1", "--grpc-port=0", "--metrics-port=0",
                   "--device=emu", "--model-repository=" + scratch_.string()});
    ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
    EXPECT_THAT(ListeningLocalAddress(daemon.metrics_port()), ::testing::StartsWith("0100007F:"));
  }
  Daemon daemon({"--grpc-address=127.0.0.1", "--grpc-port=0", "--metrics-port=0",
                 "--metrics-address=0.0.0.0", "--device=emu",
                 "--model-repository=" + scratch_.string()});
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  EXPECT_THAT(ListeningLocalAddress(daemon.metrics_port()), ::testing::StartsWith("00000000:"));
}

}  // namespace
}  // namespace fpgaas
