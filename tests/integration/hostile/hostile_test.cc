// What hostile or careless clients did to fpgaasd (issue 14), one test per case: the status and
// message they get now, and that the server keeps serving afterwards. Cases about memory measure
// this process's resident set (the server runs in-process) around the attack.
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/device/fake/fake_device.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "server/util/text.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kInputs = 3;
constexpr int kOutputs = 2;

// Resident set of this process, from /proc/self/status (kB -> bytes).
int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits += c;
      }
      if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
    }
  }
  return -1;
}

struct HostileConfig {
  ModelRepositoryOptions repository;  // root, devices, metrics and clock are filled in
  DeviceManagerOptions devices;       // clock is filled in; "emu"
  std::function<void(const fs::path& root)> write_models;
  std::function<void(GrpcServerOptions&)> adjust_server;
};

class Server {
 public:
  explicit Server(HostileConfig config = {}) {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) /
            absl::StrCat("hostile_", getpid(), "_",
                         // Parameterized names have a '/'.
                         absl::StrReplaceAll(test->name(), {{"/", "_"}}));
    fs::remove_all(root_);
    testing::WriteDenseModel(root_, "dense", kInputs, kOutputs, 4);
    if (config.write_models) config.write_models(root_);
    metrics_ = MetricsRegistry::Create();
    config.devices.clock = &clock_;
    config.devices.devices = "emu";
    devices_ = *DeviceManager::Create(std::move(config.devices));
    config.repository.root = root_;
    config.repository.devices = devices_.get();
    config.repository.metrics = metrics_.get();
    config.repository.clock = &clock_;
    auto repository = ModelRepository::Create(std::move(config.repository));
    EXPECT_TRUE(repository.ok()) << repository.status();
    repository_ = *std::move(repository);
    GrpcServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.repository = repository_.get();
    options.devices = devices_.get();
    options.clock = &clock_;
    options.drain_grace_period = absl::Seconds(5);
    if (config.adjust_server) config.adjust_server(options);
    server_ = *GrpcServer::Create(std::move(options));
    EXPECT_TRUE(server_->Start().ok());
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = inference::GRPCInferenceService::NewStub(channel_);
  }
  ~Server() {
    server_->Shutdown();
    stub_.reset();
    channel_.reset();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(root_);
  }

  inference::GRPCInferenceService::Stub* stub() { return stub_.get(); }
  const fs::path& root() const { return root_; }
  int port() const { return server_->port(); }
  GrpcServer* server() { return server_.get(); }

  grpc::Status Load(const inference::RepositoryModelLoadRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    inference::RepositoryModelLoadResponse response;
    return stub_->RepositoryModelLoad(&context, request, &response);
  }

  grpc::Status Unload(const std::string& name) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    inference::RepositoryModelUnloadRequest request;
    request.set_model_name(name);
    inference::RepositoryModelUnloadResponse response;
    return stub_->RepositoryModelUnload(&context, request, &response);
  }

  // One sample through "dense": the server still computes the right answer.
  void ExpectServes(const std::string& model = "dense") {
    inference::ModelInferRequest request;
    request.set_model_name(model);
    auto* input = request.add_inputs();
    input->set_name("input_1");
    input->set_datatype("FP32");
    input->add_shape(1);
    input->add_shape(kInputs);
    const std::vector<float> x = {0.5f, -1.0f, 0.25f};
    std::string bytes(sizeof(float) * x.size(), '\0');
    std::memcpy(bytes.data(), x.data(), bytes.size());
    request.add_raw_input_contents(bytes);
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub_->ModelInfer(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<float> y(kOutputs);
    ASSERT_EQ(response.raw_output_contents(0).size(), y.size() * sizeof(float));
    std::memcpy(y.data(), response.raw_output_contents(0).data(), y.size() * sizeof(float));
    EXPECT_EQ(y, testing::DenseReference(x, kOutputs));
  }

 private:
  fs::path root_;
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

HostileConfig Explicit() {
  HostileConfig config;
  config.repository.control_mode = ModelControlMode::kExplicit;
  config.repository.startup_models = {"dense"};
  return config;
}

std::string DenseConfigJson(const std::string& name, int64_t max_batch_size,
                            const std::string& extra = "") {
  return absl::StrCat(R"({"name":")", name, R"(","platform":"fpgaas_hls4ml","max_batch_size":)",
                      max_batch_size, R"(,"input":[{"name":"input_1","data_type":"TYPE_FP32",)",
                      R"("dims":[3]}],"output":[{"name":"layer2_out","data_type":"TYPE_FP32",)",
                      R"("dims":[2]}])", extra, "}");
}

// ---------------------------------------------------------------------------------------------
// 1. Buffer sizes from max_batch_size: checked before anything is allocated.

TEST(HostileTest, HugeMaxBatchSizeOverTheLimitFailsAloneWithInvalidArgument) {
  Server server(Explicit());
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  (*load.mutable_parameters())["config"].set_string_param(DenseConfigJson("dense", 2147483647));
  const int64_t before = ResidentBytes();
  grpc::Status status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("max_batch_size 2147483647 is over the server's limit of 65536"));
  EXPECT_LT(ResidentBytes() - before, int64_t{64} << 20);
  server.ExpectServes();  // the previous version kept serving
}

TEST(HostileTest, HugeMaxBatchSizeUnderALooseLimitIsRefusedByTheDeviceMemoryBudget) {
  HostileConfig config = Explicit();
  config.repository.max_batch_size_limit = 2147483647;
  config.devices.model_memory_limit_bytes = size_t{1} << 50;  // let the device budget decide
  config.devices.emulated_memory_bytes = size_t{256} << 20;
  Server server(std::move(config));
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  (*load.mutable_parameters())["config"].set_string_param(
      DenseConfigJson("dense", 2147483647, R"(,"instance_group":[{"count":256}])"));
  const int64_t before = ResidentBytes();
  grpc::Status status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("bytes of buffers"));
  EXPECT_THAT(status.error_message(), HasSubstr("268435456 bytes are free"));
  EXPECT_LT(ResidentBytes() - before, int64_t{64} << 20);
  server.ExpectServes();
}

TEST(HostileTest, PerModelMemoryLimitRefusesBeforeTheDeviceAllocates) {
  HostileConfig config = Explicit();
  config.repository.max_batch_size_limit = 1 << 30;
  Server server(std::move(config));  // default per-model limit: 1 GiB
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  // 20 bytes per sample x 2^26 samples x 2 units = 2.5 GiB.
  (*load.mutable_parameters())["config"].set_string_param(
      DenseConfigJson("dense", 1 << 26, R"(,"instance_group":[{"count":2}])"));
  grpc::Status status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("over the per-model device memory limit of 1073741824 bytes"));
  server.ExpectServes();
}

TEST(HostileTest, HugeMaxBatchSizeInConfigPbtxtFailsThatModelAloneAtStart) {
  HostileConfig config;
  config.repository.max_batch_size_limit = 2147483647;
  config.write_models = [](const fs::path& root) {
    testing::WriteDenseModel(root, "huge", kInputs, kOutputs, 2147483647);
  };
  Server server(std::move(config));
  grpc::ClientContext context;
  inference::RepositoryIndexRequest request;
  inference::RepositoryIndexResponse index;
  ASSERT_TRUE(server.stub()->RepositoryIndex(&context, request, &index).ok());
  bool found = false;
  for (const auto& model : index.models()) {
    if (model.name() != "huge") continue;
    found = true;
    EXPECT_EQ(model.state(), "UNAVAILABLE");
    EXPECT_THAT(model.reason(), HasSubstr("per-model device memory limit"));
  }
  EXPECT_TRUE(found);
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// 2. Files an uploaded hls4ml project names stay inside the project.

// The dense project's files as file: parameters, with `edit` applied to firmware/myproject.cpp.
inference::RepositoryModelLoadRequest UploadWithEditedTop(
    const fs::path& scratch, const std::string& name, const std::function<void(std::string&)>& edit,
    const std::function<void(const fs::path& project)>& more = nullptr) {
  fs::remove_all(scratch);
  const fs::path project = scratch / "hls4ml_prj";
  testing::WriteDenseProject(project, kInputs, kOutputs);
  std::string top = testing::ReadTextFile(project / "firmware/myproject.cpp");
  edit(top);
  testing::WriteTextFile(project / "firmware/myproject.cpp", top);
  if (more) more(project);
  inference::RepositoryModelLoadRequest load;
  load.set_model_name(name);
  for (const auto& [path, bytes] : testing::FilesUnder(scratch, "file:1/")) {
    (*load.mutable_parameters())[path].set_bytes_param(bytes);
  }
  (*load.mutable_parameters())["config"].set_string_param(DenseConfigJson(name, 4));
  fs::remove_all(scratch);
  return load;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

class WeightPathTest : public ::testing::TestWithParam<const char*> {};

TEST_P(WeightPathTest, WeightFileOutsideTheProjectIsRefusedWithoutReadingIt) {
  Server server(Explicit());
  // A file of the server whose first field would be echoed as "value #1 '<field>'".
  const fs::path secret = server.root().parent_path() / absl::StrCat("secret_", getpid());
  testing::WriteTextFile(secret, "s3cr3t-token\n");
  const std::string target = absl::StrReplaceAll(
      GetParam(), {{"SECRET", secret.string()}, {"UP", "../../../../../../../../.."}});
  auto load = UploadWithEditedTop(
      server.root().parent_path() / absl::StrCat("up_", getpid()), "thief",
      [&](std::string& top) { ReplaceAll(top, "\"w2.txt\"", absl::StrCat("\"", target, "\"")); });
  grpc::Status status = server.Load(load);
  fs::remove(secret);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("must be relative to firmware/weights/"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("s3cr3t")));
  server.ExpectServes();
}

INSTANTIATE_TEST_SUITE_P(Paths, WeightPathTest,
                         ::testing::Values("SECRET", "UPSECRET", "/etc/hostname",
                                           "../../../../../../../../../proc/self/cmdline"));

TEST(HostileTest, SymlinkOutOfTheProjectIsNotFollowed) {
  const fs::path secret =
      fs::path(::testing::TempDir()) / absl::StrCat("hostile_secret_", getpid());
  testing::WriteTextFile(secret, "s3cr3t-token\n");
  HostileConfig config;
  config.write_models = [&secret](const fs::path& root) {
    testing::WriteDenseModel(root, "linked", kInputs, kOutputs, 4);
    const fs::path weights = root / "linked/1/hls4ml_prj/firmware/weights";
    fs::remove(weights / "w2.txt");
    fs::create_symlink(secret, weights / "w2.txt");
  };
  Server server(std::move(config));
  grpc::ClientContext context;
  inference::RepositoryIndexRequest request;
  inference::RepositoryIndexResponse index;
  ASSERT_TRUE(server.stub()->RepositoryIndex(&context, request, &index).ok());
  fs::remove(secret);
  bool found = false;
  for (const auto& model : index.models()) {
    if (model.name() != "linked") continue;
    found = true;
    EXPECT_EQ(model.state(), "UNAVAILABLE");
    EXPECT_THAT(model.reason(), HasSubstr("is outside the project folder"));
    EXPECT_THAT(model.reason(), Not(HasSubstr("s3cr3t")));
  }
  EXPECT_TRUE(found);
  server.ExpectServes();
}

TEST(HostileTest, BadWeightValueIsQuotedShortAndEscaped) {
  Server server(Explicit());
  const std::string junk = absl::StrCat("\x1b[31m", std::string(5000, 'A'), "\n");
  auto load = UploadWithEditedTop(
      server.root().parent_path() / absl::StrCat("junk_", getpid()), "junk", [](std::string&) {},
      [&junk](const fs::path& project) {
        testing::WriteTextFile(project / "firmware/weights/w2.txt", junk);
      });
  grpc::Status status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("value #1 '\\x1b[31mAAAA"));
  EXPECT_THAT(status.error_message(), HasSubstr("...(5005 bytes)' is not a number"));
  EXPECT_LT(status.error_message().size(), 400u);
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// 3. Integer arithmetic of the importer (UBSan found signed overflow in EvalInt).

TEST(HostileTest, SizeProductOverflowingInt64IsAnError) {
  Server server(Explicit());
  auto load = UploadWithEditedTop(
      server.root().parent_path() / absl::StrCat("ovf_", getpid()), "ovf", [](std::string& top) {
        ReplaceAll(top, "load_weights_from_txt<model_default_t, 6>",
                   "load_weights_from_txt<model_default_t, 4294967296 * 4294967296>");
      });
  grpc::Status status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("overflows a 64-bit integer"));
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// 4. Strict numbers from clients and configs.

class VersionSpellingTest : public ::testing::TestWithParam<const char*> {};

TEST_P(VersionSpellingTest, NonCanonicalVersionIsInvalidArgument) {
  Server server;
  grpc::ClientContext context;
  inference::ModelReadyRequest request;
  request.set_name("dense");
  request.set_version(GetParam());
  inference::ModelReadyResponse response;
  grpc::Status status = server.stub()->ModelReady(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("is not a version number"));
  server.ExpectServes();
}

INSTANTIATE_TEST_SUITE_P(Spellings, VersionSpellingTest,
                         ::testing::Values("+1", " 1", "1 ", "01", "0x1", "-2", "-01",
                                           "99999999999999999999"));

// "-1" is not among them: it means the latest version, as in Triton.
TEST(HostileTest, CanonicalVersionStillWorks) {
  Server server;
  grpc::ClientContext context;
  inference::ModelReadyRequest request;
  request.set_name("dense");
  request.set_version("1");
  inference::ModelReadyResponse response;
  ASSERT_TRUE(server.stub()->ModelReady(&context, request, &response).ok());
  EXPECT_TRUE(response.ready());
}

TEST(HostileTest, HourLongQueueDelayAndCenturyTimeoutsAreRefused) {
  Server server(Explicit());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(,"dynamic_batching":{"max_queue_delay_microseconds":"3600000000"})",
       "max_queue_delay_microseconds 3600000000 is over 10000000"},
      {R"(,"dynamic_batching":{"default_queue_policy":{"default_timeout_microseconds":)"
       R"("18446744073709551615"}})",
       "default_timeout_microseconds 18446744073709551615 is over"},
      {R"(,"parameters":{"fpga.kernel_timeout_us":{"string_value":"18446744073709551615"}})",
       "fpga.kernel_timeout_us 18446744073709551615 is over"},
      {R"(,"parameters":{"fpga.kernel_timeout_us":{"string_value":"18446744073709551616"}})",
       "fpga.kernel_timeout_us: \"18446744073709551616\" is not a non-negative integer"},
      {R"(,"fpga":{"kernel_timeout_us":"18446744073709551615"})",  // the deprecated block
       "fpga.kernel_timeout_us 18446744073709551615 is over"},
      {R"(,"instance_group":[{"count":2147483647},{"count":2147483647}])",
       "compute units; at most 256"},
  };
  for (const auto& [extra, expected] : cases) {
    inference::RepositoryModelLoadRequest load;
    load.set_model_name("dense");
    (*load.mutable_parameters())["config"].set_string_param(DenseConfigJson("dense", 4, extra));
    grpc::Status status = server.Load(load);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << extra;
    EXPECT_THAT(status.error_message(), HasSubstr(expected));
  }
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// gRPC limits. gRPC 1.51 inflates a compressed message whole before the size check (measured on
// fpgaasd: 200 MB of zeros gzipped to ~200 KB took its peak RSS from 24 to 242 MB, with or without
// a 64 MB ResourceQuota); compressed requests are refused unless accept_compressed_requests.

grpc::Status SendGzipped(int port, size_t raw_bytes) {
  grpc::ChannelArguments args;
  args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  args.SetMaxSendMessageSize(-1);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = inference::GRPCInferenceService::NewStub(channel);
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.add_raw_input_contents(std::string(raw_bytes, '\0'));
  inference::ModelInferResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return stub->ModelInfer(&context, request, &response);
}

TEST(HostileTest, CompressedRequestIsRefusedBeforeItIsInflated) {
  Server server;
  grpc::Status status = SendGzipped(server.port(), 1 << 20);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(), HasSubstr("Compression algorithm 'gzip' is disabled"));
  server.ExpectServes();
}

TEST(HostileTest, CompressedRequestsAreAcceptedWhenAllowed) {
  HostileConfig config;
  config.adjust_server = [](GrpcServerOptions& options) {
    options.accept_compressed_requests = true;
  };
  Server server(std::move(config));
  // Decompressed and decoded: the (empty-input) request reaches the request checks.
  grpc::Status status = SendGzipped(server.port(), 64);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// Streams and drain.

TEST(HostileTest, DrainFinishesAnIdleOpenStreamWithoutWaitingForTheGracePeriod) {
  HostileConfig config;
  config.adjust_server = [](GrpcServerOptions& options) {
    options.drain_grace_period = absl::Seconds(20);
  };
  Server server(std::move(config));
  grpc::ClientContext context;
  auto stream = server.stub()->ModelStreamInfer(&context);
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.set_id("first");
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(1);
  input->add_shape(kInputs);
  request.add_raw_input_contents(std::string(kInputs * sizeof(float), '\0'));
  ASSERT_TRUE(stream->Write(request));
  inference::ModelStreamInferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_message(), "");
  EXPECT_EQ(response.infer_response().id(), "first");
  // The client keeps the stream open and idle; before, SIGTERM waited the whole grace period.
  const absl::Time start = absl::Now();
  server.server()->Shutdown();
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(10)) << "drain waited for the idle stream";
  EXPECT_TRUE(server.server()->drained());
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// Raw bytes that are not a ModelInferRequest: the id field "bad-1", then an inputs field whose
// length runs past the end of the message.
std::string GarbageRequest() {
  return std::string(
      "\x1a\x05"
      "bad-1"
      "\x22\x10"
      "abc",
      12);
}

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string DenseRequestBytes(const std::string& id) {
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.set_id(id);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(1);
  input->add_shape(kInputs);
  request.add_raw_input_contents(std::string(kInputs * sizeof(float), '\0'));
  return request.SerializeAsString();
}

TEST(HostileTest, UndecodableMessageInAStreamIsAnsweredWithItsIdAndTheStreamGoesOn) {
  Server server;
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&context, "/inference.GRPCInferenceService/ModelStreamInfer", &cq);
  void* tag;
  bool ok = false;
  const auto next = [&] {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    return ok;
  };
  call->StartCall(nullptr);
  ASSERT_TRUE(next());
  // One message at a time: each is answered before the next is sent, so the order is known.
  std::vector<inference::ModelStreamInferResponse> answers;
  for (const std::string& bytes :
       {DenseRequestBytes("good-1"), GarbageRequest(), DenseRequestBytes("good-2")}) {
    call->Write(Bytes(bytes), nullptr);
    ASSERT_TRUE(next());
    grpc::ByteBuffer in;
    call->Read(&in, nullptr);
    ASSERT_TRUE(next()) << "no answer to message " << answers.size() + 1;
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(in.Dump(&slices).ok());
    std::string payload;
    for (const auto& slice : slices) {
      payload.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    ASSERT_TRUE(answers.emplace_back().ParseFromString(payload));
  }
  call->WritesDone(nullptr);
  ASSERT_TRUE(next());
  grpc::Status status;
  call->Finish(&status, nullptr);
  next();
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  EXPECT_EQ(answers[0].error_message(), "");
  EXPECT_EQ(answers[0].infer_response().id(), "good-1");
  EXPECT_EQ(answers[1].error_message(),
            "stream message #2: the request (12 bytes) is not a decodable "
            "inference.ModelInferRequest (protobuf wire format)");
  EXPECT_EQ(answers[1].infer_response().id(), "bad-1");
  EXPECT_EQ(answers[2].error_message(), "");
  EXPECT_EQ(answers[2].infer_response().id(), "good-2");
  server.ExpectServes();
}

TEST(HostileTest, UndecodableUnaryInferRequestGetsInvalidArgumentSayingSo) {
  Server server;
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  const grpc::ByteBuffer request = Bytes(GarbageRequest());
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/inference.GRPCInferenceService/ModelInfer", grpc::StubOptions(),
                 &request, &response, [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the request (12 bytes) is not a decodable inference.ModelInferRequest (protobuf "
            "wire format)");
  server.ExpectServes();
}

// ---------------------------------------------------------------------------------------------
// 7. Loads of different models run in parallel.

TEST(HostileTest, SlowLoadOfOneModelDoesNotHoldUpUnloadingAnother) {
  auto fake = std::make_shared<FakeDevice>();
  HostileConfig config = Explicit();
  config.devices.injected = {fake};
  config.write_models = [](const fs::path& root) {
    testing::WriteDenseModel(root, "slow", kInputs, kOutputs, 4);
  };
  Server server(std::move(config));
  fake->HoldLoads();
  grpc::Status loaded;
  std::thread loader([&] {
    inference::RepositoryModelLoadRequest request;
    request.set_model_name("slow");
    loaded = server.Load(request);
  });
  fake->AwaitLoadsHeld(1);  // "slow" is stuck in its device load
  // Before, the unload queued behind that load on the one repository thread until its deadline.
  grpc::Status unloaded = server.Unload("dense");
  EXPECT_TRUE(unloaded.ok()) << unloaded.error_message();
  fake->ReleaseLoads();
  loader.join();
  EXPECT_TRUE(loaded.ok()) << loaded.error_message();
  EXPECT_EQ(server.Unload("dense").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(server.Unload("slow").ok());
}

// ---------------------------------------------------------------------------------------------
// 5. Client strings in errors: cut and escaped.

TEST(HostileTest, TenMegabyteModelNameIsCutInTheError) {
  Server server;
  inference::ModelInferRequest request;
  request.set_model_name(std::string(10 << 20, 'm') + "\n\x1b");
  inference::ModelInferResponse response;
  grpc::ClientContext context;
  grpc::Status status = server.stub()->ModelInfer(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("...(10485762 bytes)"));
  EXPECT_LT(status.error_message().size(), 300u);
  server.ExpectServes();
}

TEST(HostileTest, LongInputOutputParameterNamesAndShapesAreCut) {
  Server server;
  const std::string huge(1 << 20, 'n');
  auto infer = [&server](const inference::ModelInferRequest& request) {
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    return server.stub()->ModelInfer(&context, request, &response);
  };
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.add_inputs()->set_name(huge);
  grpc::Status status = infer(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unknown input 'nnnn"));
  EXPECT_LT(status.error_message().size(), 300u);

  request.mutable_inputs(0)->set_name("input_1");
  request.mutable_inputs(0)->set_datatype(huge);
  status = infer(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(status.error_message().size(), 300u) << status.error_message().substr(0, 300);

  request.mutable_inputs(0)->set_datatype("FP32");
  for (int i = 0; i < 100000; ++i) request.mutable_inputs(0)->add_shape(1);
  status = infer(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("(100000 dimensions)"));
  EXPECT_LT(status.error_message().size(), 300u) << status.error_message().substr(0, 300);

  inference::ModelInferRequest unknown_parameter;
  unknown_parameter.set_model_name("dense");
  (*unknown_parameter.mutable_parameters())[huge].set_int64_param(-1);
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  (*load.mutable_parameters())[huge].set_string_param("x");
  status = server.Load(load);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("...(1048576 bytes)"));
  EXPECT_LT(status.error_message().size(), 300u) << status.error_message().substr(0, 300);
  server.ExpectServes();
}

TEST(HostileTest, QuotedEscapesAndCuts) {
  EXPECT_EQ(Quoted("a'b\n\x01"), "a\\'b\\n\\x01");
  EXPECT_EQ(Quoted(std::string(100, 'x'), 4), "xxxx...(100 bytes)");
  EXPECT_EQ(ParseCanonicalNonNegative("0"), 0);
  EXPECT_EQ(ParseCanonicalNonNegative("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseCanonicalNonNegative("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseCanonicalNonNegative("12", 11), std::nullopt);
}

}  // namespace
}  // namespace fpgaas
