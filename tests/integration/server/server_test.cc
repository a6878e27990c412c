// The gRPC server in-process on 127.0.0.1:0 with generated KServe v2 stubs: every RPC, every
// bad-input case, streaming, registration over the wire, health, reflection, drain, and a
// 64-client stress run. Runs on the emulated FPGA (bit-exact dense layer) and on the fake device.
#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "proto/grpc_service.grpc.pb.h"
#include "proto/health.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/device/fake/fake_device.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/test_models.h"
#include "tests/support/triton/triton_schema.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing::DenseReference;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr int kInputs = 4;
constexpr int kOutputs = 2;
constexpr int kMaxBatch = 64;

// "dense": the workhorse, 2 compute units, dynamic batching, 2 priority levels.
// "gated": 1 compute unit, queue of one request, request timeouts allowed (fake-device gate tests).
const char kDenseExtra[] =
    "dynamic_batching { max_queue_delay_microseconds: 100 priority_levels: 2 "
    "default_priority_level: 2 }\ninstance_group [ { count: 2 } ]\n";
const char kGatedExtra[] =
    "dynamic_batching { default_queue_policy { max_queue_size: 1 allow_timeout_override: true } }\n"
    "instance_group [ { count: 1 } ]\n";

enum class DeviceKind { kEmu, kFake };
void PrintTo(DeviceKind kind, std::ostream* os) {
  *os << (kind == DeviceKind::kEmu ? "emu" : "fake");
}

struct ServerConfig {
  DeviceKind device = DeviceKind::kEmu;
  ModelControlMode control_mode = ModelControlMode::kNone;
  std::vector<std::string> startup_models;
  int max_message_bytes = 64 << 20;
  absl::Duration drain_grace_period = absl::Seconds(30);
  // Writes more models into the repository before it is scanned.
  std::function<void(const fs::path& root)> write_models;
};

// Input values on a 2^-8 grid so the dense layer is exact in ap_fixed<16,6>.
std::vector<float> SampleInput(int sample) {
  std::vector<float> x(kInputs);
  for (int i = 0; i < kInputs; ++i) x[i] = static_cast<float>(((sample * 7 + i * 3) % 17) - 8) / 8;
  return x;
}

std::string FloatsToBytes(const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<float> BytesToFloats(const std::string& bytes) {
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

// A raw FP32 request for `batch` samples (sample s = SampleInput(first + s)).
inference::ModelInferRequest DenseRequest(const std::string& model, int batch, int first = 0,
                                          const std::string& id = "") {
  inference::ModelInferRequest request;
  request.set_model_name(model);
  request.set_id(id);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(kInputs);
  std::vector<float> values;
  for (int s = 0; s < batch; ++s) {
    std::vector<float> x = SampleInput(first + s);
    values.insert(values.end(), x.begin(), x.end());
  }
  request.add_raw_input_contents(FloatsToBytes(values));
  return request;
}

// What the device computes for `batch` samples from `first`.
std::vector<float> Expected(DeviceKind device, int batch, int first = 0) {
  std::vector<float> out;
  for (int s = 0; s < batch; ++s) {
    std::vector<float> x = SampleInput(first + s);
    if (device == DeviceKind::kEmu) {
      std::vector<float> y = DenseReference(x, kOutputs);
      out.insert(out.end(), y.begin(), y.end());
    } else {
      for (int j = 0; j < kOutputs; ++j) out.push_back(x[j % kInputs]);  // FakeDevice::Echo
    }
  }
  return out;
}

class ServerHarness {
 public:
  ~ServerHarness() { Stop(); }

  void Start(const ServerConfig& config) {
    config_ = config;
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ =
        fs::path(::testing::TempDir()) /
        absl::StrCat("server_test_", getpid(), "_",
                     // A parameterized test's name has a '/': one folder, not two.
                     absl::StrReplaceAll(test != nullptr ? test->name() : "suite", {{"/", "_"}}));
    fs::remove_all(root_);
    testing::WriteDenseModel(root_, "dense", kInputs, kOutputs, kMaxBatch, kDenseExtra);
    testing::WriteDenseModel(root_, "gated", kInputs, kOutputs, 4, kGatedExtra);
    if (config.write_models) config.write_models(root_);

    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    if (config.device == DeviceKind::kFake) {
      fake_ = std::make_shared<FakeDevice>();
      device_options.injected = {fake_};
    } else {
      device_options.devices = "emu";
    }
    devices_ = *DeviceManager::Create(std::move(device_options));

    ModelRepositoryOptions repository_options;
    repository_options.root = root_;
    repository_options.control_mode = config.control_mode;
    repository_options.startup_models = config.startup_models;
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<ModelRepository>> repository =
        ModelRepository::Create(std::move(repository_options));
    ASSERT_TRUE(repository.ok()) << repository.status();
    repository_ = *std::move(repository);

    GrpcServerOptions server_options;
    server_options.address = "127.0.0.1";
    server_options.port = 0;
    server_options.max_message_bytes = config.max_message_bytes;
    server_options.repository = repository_.get();
    server_options.devices = devices_.get();
    server_options.clock = &clock_;
    server_options.health_refresh_interval = absl::Milliseconds(20);
    server_options.drain_grace_period = config.drain_grace_period;
    absl::StatusOr<std::unique_ptr<GrpcServer>> server =
        GrpcServer::Create(std::move(server_options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);

    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(256 << 20);
    args.SetMaxSendMessageSize(256 << 20);
    channel_ = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = inference::GRPCInferenceService::NewStub(channel_);
  }

  void Stop() {
    if (server_ != nullptr) server_->Shutdown();
    if (fake_ != nullptr) fake_->ReleaseExecutions();
    stub_.reset();
    channel_.reset();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fake_.reset();
    metrics_.reset();
    if (!root_.empty()) fs::remove_all(root_);
  }

  grpc::Status Infer(const inference::ModelInferRequest& request,
                     inference::ModelInferResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return stub_->ModelInfer(&context, request, response);
  }

  inference::GRPCInferenceService::Stub* stub() { return stub_.get(); }
  GrpcServer* server() { return server_.get(); }
  FakeDevice* fake() { return fake_.get(); }
  ModelRepository* repository() { return repository_.get(); }
  const fs::path& root() const { return root_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  MetricsRegistry* metrics() { return metrics_.get(); }

 private:
  ServerConfig config_;
  fs::path root_;
  RealClock clock_;
  std::shared_ptr<FakeDevice> fake_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

// ---------------------------------------------------------------------------------------------
// Every RPC, on both devices.

class ServerTest : public ::testing::TestWithParam<DeviceKind> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.device = GetParam();
    harness_.Start(config);
  }
  ServerHarness harness_;
};

TEST_P(ServerTest, LiveReadyAndServerMetadata) {
  grpc::ClientContext c1, c2, c3;
  inference::ServerLiveResponse live;
  ASSERT_TRUE(harness_.stub()->ServerLive(&c1, {}, &live).ok());
  EXPECT_TRUE(live.live());
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(harness_.stub()->ServerReady(&c2, {}, &ready).ok());
  EXPECT_TRUE(ready.ready());
  inference::ServerMetadataResponse metadata;
  ASSERT_TRUE(harness_.stub()->ServerMetadata(&c3, {}, &metadata).ok());
  EXPECT_EQ(metadata.name(), "fpgaas");
  EXPECT_FALSE(metadata.version().empty());
  EXPECT_THAT(std::vector<std::string>(metadata.extensions().begin(), metadata.extensions().end()),
              ::testing::Contains("model_repository"));
}

TEST_P(ServerTest, ModelReadyKnownAndUnknown) {
  inference::ModelReadyRequest request;
  request.set_name("dense");
  inference::ModelReadyResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(harness_.stub()->ModelReady(&context, request, &response).ok());
    EXPECT_TRUE(response.ready());
  }
  request.set_name("nope");
  grpc::ClientContext context;
  grpc::Status status = harness_.stub()->ModelReady(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("nope"));
}

TEST_P(ServerTest, ModelMetadataHasBatchDimensionAndDatatypes) {
  inference::ModelMetadataRequest request;
  request.set_name("dense");
  inference::ModelMetadataResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->ModelMetadata(&context, request, &response).ok());
  EXPECT_EQ(response.name(), "dense");
  EXPECT_THAT(std::vector<std::string>(response.versions().begin(), response.versions().end()),
              ::testing::ElementsAre("1"));
  EXPECT_EQ(response.platform(), "fpgaas_hls4ml");
  ASSERT_EQ(response.inputs_size(), 1);
  EXPECT_EQ(response.inputs(0).name(), "input_1");
  EXPECT_EQ(response.inputs(0).datatype(), "FP32");
  EXPECT_THAT(
      std::vector<int64_t>(response.inputs(0).shape().begin(), response.inputs(0).shape().end()),
      ::testing::ElementsAre(-1, kInputs));
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "layer2_out");
  EXPECT_THAT(
      std::vector<int64_t>(response.outputs(0).shape().begin(), response.outputs(0).shape().end()),
      ::testing::ElementsAre(-1, kOutputs));
}

TEST_P(ServerTest, ModelConfigIsTheRepositoryConfig) {
  inference::ModelConfigRequest request;
  request.set_name("dense");
  inference::ModelConfigResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->ModelConfig(&context, request, &response).ok());
  EXPECT_EQ(response.config().name(), "dense");
  EXPECT_EQ(response.config().max_batch_size(), kMaxBatch);
  EXPECT_EQ(response.config().input(0).dims(0), kInputs);
  EXPECT_EQ(response.config().dynamic_batching().priority_levels(), 2u);

  request.set_name("dense");
  request.set_version("7");
  grpc::ClientContext context2;
  EXPECT_EQ(harness_.stub()->ModelConfig(&context2, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Triton clients decode ModelConfigResponse with Triton's own model_config.proto: check the wire
// encoding by field number (ModelConfigResponse.config = 1; ModelConfig name = 1,
// max_batch_size = 4, input = 5, output = 6, dynamic_batching = 11, instance_group = 7;
// ModelInput name = 1, data_type = 2, dims = 4; ModelOutput dims = 3; TYPE_FP32 = 11).
TEST_P(ServerTest, ModelConfigHasTritonsFieldNumbersOnTheWire) {
  grpc::GenericStub stub(harness_.channel());
  inference::ModelConfigRequest request;
  request.set_name("dense");
  std::string request_bytes = request.SerializeAsString();
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer out(&slice, 1);
  grpc::ByteBuffer in;
  grpc::ClientContext context;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/inference.GRPCInferenceService/ModelConfig", {}, &out, &in,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(in.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());

  using google::protobuf::UnknownFieldSet;
  auto field = [](const UnknownFieldSet& set, int number) -> const google::protobuf::UnknownField* {
    for (int i = 0; i < set.field_count(); ++i) {
      if (set.field(i).number() == number) return &set.field(i);
    }
    return nullptr;
  };
  auto message = [&field](const UnknownFieldSet& set, int number, UnknownFieldSet* out) {
    const google::protobuf::UnknownField* f = field(set, number);
    return f != nullptr && f->type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED &&
           out->ParseFromString(f->length_delimited());
  };
  // Packed repeated int64 (proto3 default) or one varint per element.
  auto int64s = [](const UnknownFieldSet& set, int number) {
    std::vector<int64_t> values;
    for (int i = 0; i < set.field_count(); ++i) {
      const google::protobuf::UnknownField& f = set.field(i);
      if (f.number() != number) continue;
      if (f.type() == google::protobuf::UnknownField::TYPE_VARINT) {
        values.push_back(static_cast<int64_t>(f.varint()));
      } else if (f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        google::protobuf::io::CodedInputStream stream(
            reinterpret_cast<const uint8_t*>(f.length_delimited().data()),
            static_cast<int>(f.length_delimited().size()));
        uint64_t v;
        while (stream.ReadVarint64(&v)) values.push_back(static_cast<int64_t>(v));
      }
    }
    return values;
  };
  UnknownFieldSet response, config, input, output, batching, group;
  ASSERT_TRUE(response.ParseFromString(bytes));
  ASSERT_TRUE(message(response, 1, &config));
  ASSERT_NE(field(config, 1), nullptr);
  EXPECT_EQ(field(config, 1)->length_delimited(), "dense");
  ASSERT_NE(field(config, 4), nullptr);
  EXPECT_EQ(field(config, 4)->varint(), static_cast<uint64_t>(kMaxBatch));
  ASSERT_TRUE(message(config, 5, &input));
  EXPECT_EQ(field(input, 1)->length_delimited(), "input_1");
  EXPECT_EQ(field(input, 2)->varint(), 11u);  // TYPE_FP32
  EXPECT_THAT(int64s(input, 4), ::testing::ElementsAre(kInputs));
  ASSERT_TRUE(message(config, 6, &output));
  EXPECT_EQ(field(output, 1)->length_delimited(), "layer2_out");
  EXPECT_THAT(int64s(output, 3), ::testing::ElementsAre(kOutputs));
  ASSERT_TRUE(message(config, 11, &batching));
  EXPECT_EQ(field(batching, 4)->varint(), 2u);  // priority_levels
  ASSERT_TRUE(message(config, 7, &group));
  EXPECT_EQ(field(group, 2)->varint(), 2u);  // count
}

// What ModelConfig returns decodes, and prints as config.pbtxt text that parses, with a schema
// holding only Triton's fields: the FPGA settings are "fpga.*" parameters.
TEST_P(ServerTest, ModelConfigIsATritonConfig) {
  inference::ModelConfigRequest request;
  request.set_name("dense");
  inference::ModelConfigResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->ModelConfig(&context, request, &response).ok());
  triton_schema::ModelConfig triton;
  absl::Status decoded =
      testing_triton::DecodeAsTriton(response.config().SerializeAsString(), &triton);
  ASSERT_TRUE(decoded.ok()) << decoded;
  EXPECT_EQ(triton.parameters().at("fpga.input_precision").string_value(), "ap_fixed<16,6>");
  std::string text;
  google::protobuf::TextFormat::PrintToString(response.config(), &text);
  absl::Status parsed = testing_triton::ParseAsTriton(text);
  EXPECT_TRUE(parsed.ok()) << parsed << "\n" << text;
}

TEST_P(ServerTest, InferRawInputsReturnsTheDeviceOutput) {
  inference::ModelInferResponse response;
  grpc::Status status = harness_.Infer(DenseRequest("dense", 3, 5, "req-42"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.id(), "req-42");
  EXPECT_EQ(response.model_name(), "dense");
  EXPECT_EQ(response.model_version(), "1");
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "layer2_out");
  EXPECT_EQ(response.outputs(0).datatype(), "FP32");
  EXPECT_THAT(
      std::vector<int64_t>(response.outputs(0).shape().begin(), response.outputs(0).shape().end()),
      ::testing::ElementsAre(3, kOutputs));
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(GetParam(), 3, 5));
}

TEST_P(ServerTest, InferTypedContentsEqualsRaw) {
  inference::ModelInferRequest request = DenseRequest("dense", 2, 9);
  std::vector<float> values = BytesToFloats(request.raw_input_contents(0));
  request.clear_raw_input_contents();
  for (float v : values) request.mutable_inputs(0)->mutable_contents()->add_fp32_contents(v);
  inference::ModelInferResponse response;
  grpc::Status status = harness_.Infer(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(GetParam(), 2, 9));
}

TEST_P(ServerTest, RequestedOutputPriorityTimeoutAndBinaryDataAreAccepted) {
  inference::ModelInferRequest request = DenseRequest("dense", 1, 0, "x");
  auto* output = request.add_outputs();
  output->set_name("layer2_out");
  (*output->mutable_parameters())["binary_data"].set_bool_param(true);
  (*request.mutable_parameters())["priority"].set_int64_param(1);
  (*request.mutable_parameters())["timeout"].set_uint64_param(60'000'000);
  inference::ModelInferResponse response;
  grpc::Status status = harness_.Infer(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(GetParam(), 1, 0));
}

TEST_P(ServerTest, StatisticsCountSamplesAndExecutions) {
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness_.Infer(DenseRequest("dense", 5), &response).ok());
  ASSERT_TRUE(harness_.Infer(DenseRequest("dense", 3), &response).ok());

  inference::ModelStatisticsRequest request;
  request.set_name("dense");
  inference::ModelStatisticsResponse stats;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->ModelStatistics(&context, request, &stats).ok());
  ASSERT_EQ(stats.model_stats_size(), 1);
  const inference::ModelStatistics& dense = stats.model_stats(0);
  EXPECT_EQ(dense.name(), "dense");
  EXPECT_EQ(dense.version(), "1");
  EXPECT_EQ(dense.inference_count(), 8u);
  EXPECT_EQ(dense.inference_stats().success().count(), 2u);
  EXPECT_GE(dense.execution_count(), 1u);
  EXPECT_GT(dense.last_inference(), 0u);
  uint64_t batch_executions = 0;
  for (const auto& batch : dense.batch_stats()) batch_executions += batch.compute_infer().count();
  EXPECT_EQ(batch_executions, dense.execution_count());

  // No name: every ready model version.
  grpc::ClientContext all_context;
  inference::ModelStatisticsResponse all;
  ASSERT_TRUE(harness_.stub()->ModelStatistics(&all_context, {}, &all).ok());
  std::set<std::string> names;
  for (const auto& s : all.model_stats()) names.insert(s.name());
  EXPECT_EQ(names, (std::set<std::string>{"dense", "gated"}));

  request.set_name("unknown");
  grpc::ClientContext unknown_context;
  EXPECT_EQ(harness_.stub()->ModelStatistics(&unknown_context, request, &stats).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_P(ServerTest, FailedRequestsAreCountedInStatistics) {
  inference::ModelInferRequest request = DenseRequest("dense", 1);
  request.mutable_inputs(0)->set_datatype("INT8");
  inference::ModelInferResponse response;
  EXPECT_EQ(harness_.Infer(request, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  inference::ModelStatisticsRequest stats_request;
  stats_request.set_name("dense");
  inference::ModelStatisticsResponse stats;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->ModelStatistics(&context, stats_request, &stats).ok());
  EXPECT_EQ(stats.model_stats(0).inference_stats().fail().count(), 1u);
  // Its duration runs from its arrival to the decode error, not a recorded 0.
  EXPECT_GT(stats.model_stats(0).inference_stats().fail().ns(), 0u);
}

TEST_P(ServerTest, RepositoryIndexListsModels) {
  inference::RepositoryIndexResponse index;
  grpc::ClientContext context;
  ASSERT_TRUE(harness_.stub()->RepositoryIndex(&context, {}, &index).ok());
  ASSERT_EQ(index.models_size(), 2);
  EXPECT_EQ(index.models(0).name(), "dense");
  EXPECT_EQ(index.models(0).version(), "1");
  EXPECT_EQ(index.models(0).state(), "READY");
  EXPECT_EQ(index.models(1).name(), "gated");
}

TEST_P(ServerTest, LoadAndUnloadAreRefusedInModeNone) {
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  inference::RepositoryModelLoadResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(harness_.stub()->RepositoryModelLoad(&context, load, &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(ServerTest, StreamKeepsManyRequestsInFlightAndReportsErrorsInline) {
  grpc::ClientContext context;
  auto stream = harness_.stub()->ModelStreamInfer(&context);
  constexpr int kRequests = 64;
  std::set<std::string> expected_ids;
  for (int i = 0; i < kRequests; ++i) {
    inference::ModelInferRequest request =
        DenseRequest("dense", 1 + i % 4, i, absl::StrCat("s", i));
    if (i == 17) request.mutable_inputs(0)->set_name("wrong_name");  // one bad request
    ASSERT_TRUE(stream->Write(request));
    expected_ids.insert(absl::StrCat("s", i));
  }
  stream->WritesDone();
  std::set<std::string> ids;
  int errors = 0;
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
    const std::string& id = response.infer_response().id();
    ids.insert(id);
    const int i = std::stoi(id.substr(1));
    if (!response.error_message().empty()) {
      ++errors;
      EXPECT_EQ(i, 17);
      EXPECT_THAT(response.error_message(), HasSubstr("wrong_name"));
      continue;
    }
    EXPECT_EQ(BytesToFloats(response.infer_response().raw_output_contents(0)),
              Expected(GetParam(), 1 + i % 4, i));
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(ids, expected_ids);
}

TEST_P(ServerTest, HealthServingOverallAndPerService) {
  auto health = grpc::health::v1::Health::NewStub(harness_.channel());
  for (const std::string service : {"", "inference.GRPCInferenceService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("no.such.Service");
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(health->Check(&context, unknown, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(Devices, ServerTest,
                         ::testing::Values(DeviceKind::kEmu, DeviceKind::kFake),
                         [](const auto& info) {
                           return info.param == DeviceKind::kEmu ? "Emu" : "Fake";
                         });

// ---------------------------------------------------------------------------------------------
// Bad input: each case names its code and a phrase the message must contain.

struct BadInputCase {
  std::string name;
  std::function<void(inference::ModelInferRequest*)> mutate;
  grpc::StatusCode code;
  std::string message;
};

void PrintTo(const BadInputCase& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public ::testing::TestWithParam<BadInputCase> {
 protected:
  static void SetUpTestSuite() {
    harness_ = new ServerHarness();
    harness_->Start(ServerConfig{});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  static ServerHarness* harness_;
};
ServerHarness* BadInputTest::harness_ = nullptr;

TEST_P(BadInputTest, IsRejectedWithAPreciseErrorAndTheServerKeepsServing) {
  inference::ModelInferRequest request = DenseRequest("dense", 2);
  GetParam().mutate(&request);
  inference::ModelInferResponse response;
  grpc::Status status = harness_->Infer(request, &response);
  EXPECT_EQ(status.error_code(), GetParam().code) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(GetParam().message));

  // The same stub still gets answers.
  ASSERT_TRUE(harness_->Infer(DenseRequest("dense", 1), &response).ok());
}

void SetRawFloat(inference::ModelInferRequest* r, int index, float value) {
  std::memcpy(r->mutable_raw_input_contents(0)->data() + index * sizeof(float), &value,
              sizeof(float));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInputTest,
    ::testing::Values(
        BadInputCase{"UnknownModel", [](auto* r) { r->set_model_name("missing"); },
                     grpc::StatusCode::NOT_FOUND, "missing"},
        BadInputCase{"UnknownVersion", [](auto* r) { r->set_model_version("9"); },
                     grpc::StatusCode::NOT_FOUND, "9"},
        BadInputCase{"WrongInputName", [](auto* r) { r->mutable_inputs(0)->set_name("input_9"); },
                     grpc::StatusCode::INVALID_ARGUMENT, "unknown input 'input_9'"},
        BadInputCase{"WrongDatatype", [](auto* r) { r->mutable_inputs(0)->set_datatype("FP64"); },
                     grpc::StatusCode::INVALID_ARGUMENT, "input 'input_1': datatype 'FP64'"},
        BadInputCase{"WrongRank", [](auto* r) { r->mutable_inputs(0)->add_shape(1); },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': shape [2,4,1] has rank 3"},
        BadInputCase{"WrongSampleDim",
                     [](auto* r) {
                       r->mutable_inputs(0)->set_shape(0, 4);
                       r->mutable_inputs(0)->set_shape(1, 2);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': shape [4,2] does not match"},
        BadInputCase{"ZeroBatch",
                     [](auto* r) {
                       r->mutable_inputs(0)->set_shape(0, 0);
                       r->mutable_raw_input_contents(0)->clear();
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "batch dimension 0"},
        BadInputCase{"BatchOverMaxBatchSize",
                     [](auto* r) {
                       r->mutable_inputs(0)->set_shape(0, kMaxBatch + 1);
                       r->mutable_raw_input_contents(0)->resize((kMaxBatch + 1) * kInputs * 4);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "max_batch_size 64"},
        BadInputCase{"RawByteSizeMismatch",
                     [](auto* r) { r->mutable_raw_input_contents(0)->resize(31); },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': raw_input_contents holds 31 bytes"},
        BadInputCase{"TypedCountMismatch",
                     [](auto* r) {
                       r->clear_raw_input_contents();
                       r->mutable_inputs(0)->mutable_contents()->add_fp32_contents(1);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': contents hold 1 elements"},
        BadInputCase{"TypedFieldOfWrongType",
                     [](auto* r) {
                       r->clear_raw_input_contents();
                       for (int i = 0; i < 8; ++i) {
                         r->mutable_inputs(0)->mutable_contents()->add_int_contents(1);
                       }
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "must be sent in fp32_contents"},
        BadInputCase{
            "TypedAndRaw",
            [](auto* r) { r->mutable_inputs(0)->mutable_contents()->add_fp32_contents(1); },
            grpc::StatusCode::INVALID_ARGUMENT,
            "input 'input_1': typed contents and raw_input_contents"},
        BadInputCase{"MissingInput", [](auto* r) { r->clear_inputs(); },
                     grpc::StatusCode::INVALID_ARGUMENT, "missing input 'input_1'"},
        BadInputCase{"NoContents", [](auto* r) { r->clear_raw_input_contents(); },
                     grpc::StatusCode::INVALID_ARGUMENT, "input 'input_1': no contents"},
        BadInputCase{"DuplicateInput",
                     [](auto* r) {
                       *r->add_inputs() = r->inputs(0);
                       r->add_raw_input_contents(r->raw_input_contents(0));
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "input 'input_1' is given 2 times"},
        BadInputCase{"NaN",
                     [](auto* r) { SetRawFloat(r, 5, std::numeric_limits<float>::quiet_NaN()); },
                     grpc::StatusCode::INVALID_ARGUMENT, "input 'input_1': element 5 is NaN"},
        BadInputCase{"Infinity",
                     [](auto* r) { SetRawFloat(r, 2, -std::numeric_limits<float>::infinity()); },
                     grpc::StatusCode::INVALID_ARGUMENT, "element 2 is NaN or infinite"},
        BadInputCase{"TypedNaN",
                     [](auto* r) {
                       std::vector<float> values = BytesToFloats(r->raw_input_contents(0));
                       values[6] = std::numeric_limits<float>::quiet_NaN();
                       r->clear_raw_input_contents();
                       for (float v : values) {
                         r->mutable_inputs(0)->mutable_contents()->add_fp32_contents(v);
                       }
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "input 'input_1': element 6 is NaN"},
        BadInputCase{"TypedShapeMismatch",
                     [](auto* r) {
                       std::vector<float> values = BytesToFloats(r->raw_input_contents(0));
                       r->clear_raw_input_contents();
                       for (float v : values) {
                         r->mutable_inputs(0)->mutable_contents()->add_fp32_contents(v);
                       }
                       r->mutable_inputs(0)->set_shape(1, 3);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': shape [2,3] does not match"},
        BadInputCase{"NonNumericVersion", [](auto* r) { r->set_model_version("latest"); },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "version 'latest' is not a version number"},
        BadInputCase{"UnknownOutput", [](auto* r) { r->add_outputs()->set_name("layer9_out"); },
                     grpc::StatusCode::INVALID_ARGUMENT, "unknown output 'layer9_out'"},
        BadInputCase{"NegativePriority",
                     [](auto* r) { (*r->mutable_parameters())["priority"].set_int64_param(-1); },
                     grpc::StatusCode::INVALID_ARGUMENT, "'priority' must not be negative"},
        BadInputCase{"PriorityBeyondLevels",
                     [](auto* r) { (*r->mutable_parameters())["priority"].set_uint64_param(3); },
                     grpc::StatusCode::INVALID_ARGUMENT, "priority"},
        BadInputCase{"RawInputContentsCountMismatch",
                     [](auto* r) { r->add_raw_input_contents(r->raw_input_contents(0)); },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "raw_input_contents has 2 entries, expected one per input (1)"},
        BadInputCase{"HugeSampleDim",
                     [](auto* r) {
                       r->mutable_inputs(0)->set_shape(1, std::numeric_limits<int64_t>::max());
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "does not match"},
        BadInputCase{"NegativeSampleDim", [](auto* r) { r->mutable_inputs(0)->set_shape(1, -4); },
                     grpc::StatusCode::INVALID_ARGUMENT, "dimension 1 is -4"},
        BadInputCase{"HugeBatchDim",
                     [](auto* r) {
                       r->mutable_inputs(0)->set_shape(0, std::numeric_limits<int64_t>::max());
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "must be between 1 and max_batch_size"},
        BadInputCase{"NegativeBatchDim", [](auto* r) { r->mutable_inputs(0)->set_shape(0, -2); },
                     grpc::StatusCode::INVALID_ARGUMENT, "batch dimension -2"},
        BadInputCase{"TypedContentsSplitOverTwoFields",
                     // 8 elements in all, but only 4 in fp32_contents: the other field is not the
                     // datatype's and must be refused by name, not counted.
                     [](auto* r) {
                       r->clear_raw_input_contents();
                       for (int i = 0; i < 4; ++i) {
                         r->mutable_inputs(0)->mutable_contents()->add_fp32_contents(0.5f);
                         r->mutable_inputs(0)->mutable_contents()->add_int_contents(1);
                       }
                     },
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "input 'input_1': datatype FP32 must be sent in fp32_contents only"},
        BadInputCase{"PriorityOfWrongType",
                     [](auto* r) { (*r->mutable_parameters())["priority"].set_bool_param(true); },
                     grpc::StatusCode::INVALID_ARGUMENT, "'priority' must be an int64 or uint64"},
        BadInputCase{"PriorityOverUint32",
                     [](auto* r) {
                       (*r->mutable_parameters())["priority"].set_int64_param(int64_t{1} << 40);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "'priority' is too large"},
        BadInputCase{"TimeoutOverInt64",
                     [](auto* r) {
                       (*r->mutable_parameters())["timeout"].set_uint64_param(
                           std::numeric_limits<uint64_t>::max());
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, "'timeout' is too large"},
        BadInputCase{
            "TimeoutOfWrongType",
            [](auto* r) { (*r->mutable_parameters())["timeout"].set_string_param("soon"); },
            grpc::StatusCode::INVALID_ARGUMENT, "'timeout' must be an int64 or uint64"}),
    [](const auto& info) { return info.param.name; });

TEST(MessageSizeTest, RequestOverMaxMessageBytesIsResourceExhausted) {
  ServerHarness harness;
  ServerConfig config;
  config.max_message_bytes = 4096;
  harness.Start(config);
  inference::ModelInferResponse response;
  // 64 samples * 4 floats = 1 KiB fits; 2 KiB of padding in the id breaks the limit.
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", kMaxBatch), &response).ok());
  grpc::Status status =
      harness.Infer(DenseRequest("dense", kMaxBatch, 0, std::string(8192, 'x')), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", 1), &response).ok());
}

// ---------------------------------------------------------------------------------------------
// Every wire datatype, typed and raw, on the fake device (which echoes input values into the FP32
// output, so the output shows what the server decoded).

struct DatatypeCase {
  std::string datatype;  // KServe name, e.g. "INT16"
  // Sets the typed contents for kDatatypeValues; null when the type has no typed field.
  std::function<void(inference::InferTensorContents*)> typed;
  std::string raw;  // kDatatypeValues as little-endian elements of the type
};
void PrintTo(const DatatypeCase& c, std::ostream* os) { *os << c.datatype; }

// Representable in every type below and in the device's ap_fixed<16,6>.
const std::vector<float> kDatatypeValues = {0, 3, 7, 12};
const std::vector<float> kSignedDatatypeValues = {-3, 0, 7, 12};

template <typename T>
std::string RawOf(const std::vector<float>& values) {
  std::string raw;
  for (float v : values) {
    const T t = static_cast<T>(v);
    raw.append(reinterpret_cast<const char*>(&t), sizeof(T));
  }
  return raw;
}
std::string Raw16(const std::vector<uint16_t>& bits) {
  return std::string(reinterpret_cast<const char*>(bits.data()), bits.size() * 2);
}

std::vector<float> ValuesOf(const DatatypeCase& c) {
  return c.datatype.rfind("INT", 0) == 0 || c.datatype.rfind("FP", 0) == 0 || c.datatype == "BF16"
             ? kSignedDatatypeValues
             : kDatatypeValues;
}

class DatatypeTest : public ::testing::TestWithParam<DatatypeCase> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.device = DeviceKind::kFake;
    const std::string type = GetParam().datatype;
    config.write_models = [type](const fs::path& root) {
      testing::WriteTextFile(
          root / "typed" / "config.pbtxt",
          absl::StrCat("name: \"typed\"\nmax_batch_size: 2\n",
                       "input [ { name: \"x\" data_type: TYPE_", type, " dims: [ 4 ] } ]\n",
                       "output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"));
      testing::WriteDenseProject(root / "typed" / "1" / "hls4ml_prj", 4, 4);
    };
    harness_.Start(config);
  }
  inference::ModelInferRequest Request() {
    inference::ModelInferRequest request;
    request.set_model_name("typed");
    auto* input = request.add_inputs();
    input->set_name("x");
    input->set_datatype(GetParam().datatype);
    input->add_shape(1);
    input->add_shape(4);
    return request;
  }
  ServerHarness harness_;
};

TEST_P(DatatypeTest, RawContentsAreDecoded) {
  inference::ModelInferRequest request = Request();
  request.add_raw_input_contents(GetParam().raw);
  inference::ModelInferResponse response;
  grpc::Status status = harness_.Infer(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), ValuesOf(GetParam()));
}

TEST_P(DatatypeTest, TypedContentsAreDecodedOrRefusedForHalfFloats) {
  inference::ModelInferRequest request = Request();
  inference::ModelInferResponse response;
  if (!GetParam().typed) {
    request.mutable_inputs(0)->mutable_contents()->add_fp32_contents(1);  // any typed field
    grpc::Status status = harness_.Infer(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("raw_input_contents"));
    return;
  }
  GetParam().typed(request.mutable_inputs(0)->mutable_contents());
  grpc::Status status = harness_.Infer(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), ValuesOf(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(
    Types, DatatypeTest,
    ::testing::Values(DatatypeCase{"INT8",
                                   [](auto* c) {
                                     for (float v : kSignedDatatypeValues) c->add_int_contents(v);
                                   },
                                   RawOf<int8_t>(kSignedDatatypeValues)},
                      DatatypeCase{"INT16",
                                   [](auto* c) {
                                     for (float v : kSignedDatatypeValues) c->add_int_contents(v);
                                   },
                                   RawOf<int16_t>(kSignedDatatypeValues)},
                      DatatypeCase{"INT32",
                                   [](auto* c) {
                                     for (float v : kSignedDatatypeValues) c->add_int_contents(v);
                                   },
                                   RawOf<int32_t>(kSignedDatatypeValues)},
                      DatatypeCase{"INT64",
                                   [](auto* c) {
                                     for (float v : kSignedDatatypeValues) c->add_int64_contents(v);
                                   },
                                   RawOf<int64_t>(kSignedDatatypeValues)},
                      DatatypeCase{"UINT8",
                                   [](auto* c) {
                                     for (float v : kDatatypeValues) c->add_uint_contents(v);
                                   },
                                   RawOf<uint8_t>(kDatatypeValues)},
                      DatatypeCase{"UINT16",
                                   [](auto* c) {
                                     for (float v : kDatatypeValues) c->add_uint_contents(v);
                                   },
                                   RawOf<uint16_t>(kDatatypeValues)},
                      DatatypeCase{"UINT32",
                                   [](auto* c) {
                                     for (float v : kDatatypeValues) c->add_uint_contents(v);
                                   },
                                   RawOf<uint32_t>(kDatatypeValues)},
                      DatatypeCase{"UINT64",
                                   [](auto* c) {
                                     for (float v : kDatatypeValues) c->add_uint64_contents(v);
                                   },
                                   RawOf<uint64_t>(kDatatypeValues)},
                      DatatypeCase{"FP64",
                                   [](auto* c) {
                                     for (float v : kSignedDatatypeValues) c->add_fp64_contents(v);
                                   },
                                   RawOf<double>(kSignedDatatypeValues)},
                      // -3, 0, 7, 12 as IEEE half and bfloat16 bit patterns.
                      DatatypeCase{"FP16", nullptr, Raw16({0xC200, 0x0000, 0x4700, 0x4A00})},
                      DatatypeCase{"BF16", nullptr, Raw16({0xC040, 0x0000, 0x40E0, 0x4140})}),
    [](const auto& info) { return info.param.datatype; });

TEST(DatatypeRangeTest, TypedIntegersOutOfTheirTypeRangeAreRejected) {
  ServerHarness harness;
  ServerConfig config;
  config.device = DeviceKind::kFake;
  config.write_models = [](const fs::path& root) {
    testing::WriteTextFile(root / "int8" / "config.pbtxt",
                           "name: \"int8\"\nmax_batch_size: 2\n"
                           "input [ { name: \"x\" data_type: TYPE_INT8 dims: [ 4 ] } ]\n"
                           "output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n");
    testing::WriteDenseProject(root / "int8" / "1" / "hls4ml_prj", 4, 4);
  };
  harness.Start(config);
  inference::ModelInferRequest request;
  request.set_model_name("int8");
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("INT8");
  input->add_shape(1);
  input->add_shape(4);
  for (int v : {1, 2, 300, 4}) input->mutable_contents()->add_int_contents(v);
  inference::ModelInferResponse response;
  grpc::Status status = harness.Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("input 'x': element 2 value 300 is out of range for INT8"));
}

// ---------------------------------------------------------------------------------------------
// /metrics and ModelStatistics report the same numbers.

// The value of `family`{model="dense",version="1"} (counter or gauge), or -1 when absent.
double MetricValue(const std::vector<prometheus::MetricFamily>& families, const std::string& family,
                   const std::string& model) {
  // The sum over the family's series of version 1 of `model` (nv_inference_request_failure has
  // one per reason); -1 when there is none.
  double sum = 0;
  bool found = false;
  for (const prometheus::MetricFamily& f : families) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      bool model_label = false, version_label = false;
      for (const prometheus::ClientMetric::Label& label : m.label) {
        if (label.name == "model" && label.value == model) model_label = true;
        if (label.name == "version" && label.value == "1") version_label = true;
      }
      if (!model_label || !version_label) continue;
      found = true;
      sum += f.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
    }
  }
  return found ? sum : -1;
}

TEST(MetricsTest, TritonCountersAndModelStatisticsAgree) {
  ServerHarness harness;
  harness.Start(ServerConfig{});
  inference::ModelInferResponse response;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(harness.Infer(DenseRequest("dense", 1 + i % 5, i), &response).ok());
  }
  for (int i = 0; i < 3; ++i) {
    inference::ModelInferRequest bad = DenseRequest("dense", 2);
    bad.mutable_inputs(0)->set_datatype("INT32");
    ASSERT_FALSE(harness.Infer(bad, &response).ok());
  }
  inference::ModelStatisticsRequest request;
  request.set_name("dense");
  inference::ModelStatisticsResponse stats;
  grpc::ClientContext context;
  ASSERT_TRUE(harness.stub()->ModelStatistics(&context, request, &stats).ok());
  ASSERT_EQ(stats.model_stats_size(), 1);
  const inference::ModelStatistics& dense = stats.model_stats(0);
  const auto families = harness.metrics()->registry()->Collect();
  auto value = [&families](const std::string& family) {
    return MetricValue(families, family, "dense");
  };

  EXPECT_EQ(dense.inference_stats().success().count(), 12u);
  EXPECT_EQ(dense.inference_stats().fail().count(), 3u);
  EXPECT_EQ(value("nv_inference_request_success"), dense.inference_stats().success().count());
  EXPECT_EQ(value("nv_inference_request_failure"), dense.inference_stats().fail().count());
  EXPECT_EQ(value("nv_inference_count"), dense.inference_count());
  EXPECT_EQ(value("fpgaas_inference_total"), dense.inference_count());
  EXPECT_EQ(value("nv_inference_exec_count"), dense.execution_count());
  EXPECT_EQ(value("fpgaas_execution_total"), dense.execution_count());
  EXPECT_EQ(value("nv_inference_pending_request_count"), 0);
  EXPECT_EQ(value("fpgaas_queue_depth"), 0);
  // Durations: Prometheus sums µs as doubles, the statistics sum whole ns.
  const double tolerance_us = 0.01;
  EXPECT_NEAR(value("nv_inference_queue_duration_us"), dense.inference_stats().queue().ns() / 1e3,
              tolerance_us);
  EXPECT_NEAR(value("nv_inference_compute_input_duration_us"),
              dense.inference_stats().compute_input().ns() / 1e3, tolerance_us);
  EXPECT_NEAR(value("nv_inference_compute_infer_duration_us"),
              dense.inference_stats().compute_infer().ns() / 1e3, tolerance_us);
  EXPECT_NEAR(value("nv_inference_compute_output_duration_us"),
              dense.inference_stats().compute_output().ns() / 1e3, tolerance_us);
  EXPECT_NEAR(value("nv_inference_request_duration_us"),
              dense.inference_stats().success().ns() / 1e3, tolerance_us);
  EXPECT_GT(value("nv_inference_compute_infer_duration_us"), 0);
  // The other model is labelled separately and saw nothing.
  EXPECT_EQ(MetricValue(families, "nv_inference_count", "gated"), 0);
}

// ---------------------------------------------------------------------------------------------
// A malformed config.pbtxt: that model fails alone, RepositoryIndex carries the parse error.

TEST(BrokenModelTest, MalformedConfigFailsAloneWithTheParseErrorInRepositoryIndex) {
  ServerHarness harness;
  ServerConfig config;
  config.write_models = [](const fs::path& root) {
    testing::WriteDenseModel(root, "broken", kInputs, kOutputs, 8);
    testing::WriteTextFile(root / "broken" / "config.pbtxt",
                           "name: \"broken\"\nmax_batch_size: 8\ninput [ { name: \"input_1\" "
                           "data_type: TYPE_FP32 dims: [ 4 ] }\n");
  };
  harness.Start(config);
  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(harness.stub()->RepositoryIndex(&context, {}, &index).ok());
  }
  std::map<std::string, inference::RepositoryIndexResponse::ModelIndex> by_name;
  for (const auto& model : index.models()) by_name[model.name()] = model;
  ASSERT_EQ(by_name.count("broken"), 1u);
  EXPECT_EQ(by_name["broken"].state(), "UNAVAILABLE");
  EXPECT_THAT(by_name["broken"].reason(),
              ::testing::AllOf(HasSubstr("config.pbtxt"), HasSubstr("line 4")));
  EXPECT_EQ(by_name["dense"].state(), "READY");
  EXPECT_EQ(by_name["gated"].state(), "READY");
  {
    inference::RepositoryIndexRequest ready_only;
    ready_only.set_ready(true);
    grpc::ClientContext context;
    inference::RepositoryIndexResponse ready;
    ASSERT_TRUE(harness.stub()->RepositoryIndex(&context, ready_only, &ready).ok());
    for (const auto& model : ready.models()) EXPECT_NE(model.name(), "broken");
  }
  {
    inference::ModelReadyRequest request;
    request.set_name("broken");
    inference::ModelReadyResponse ready;
    grpc::ClientContext context;
    ASSERT_TRUE(harness.stub()->ModelReady(&context, request, &ready).ok());
    EXPECT_FALSE(ready.ready());
  }
  inference::ModelInferResponse response;
  grpc::Status status = harness.Infer(DenseRequest("broken", 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("line 4"));
  // The others keep serving, and the server is ready (only strict readiness counts broken models).
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", 2), &response).ok());
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(DeviceKind::kEmu, 2));
  EXPECT_TRUE(harness.server()->ready());
}

// ---------------------------------------------------------------------------------------------
// Queueing behaviour with the fake device's gate (requests held on the "device").

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.device = DeviceKind::kFake;
    config.write_models = [this](const fs::path& root) { WriteModels(root); };
    harness_.Start(config);
  }
  // "single": 1 compute unit, no queue delay, unbounded queue: while its one batch is held on the
  // device, every later request stays queued. Derived fixtures add more models.
  virtual void WriteModels(const fs::path& root) {
    testing::WriteDenseModel(root, "single", kInputs, kOutputs, 4,
                             "dynamic_batching { }\ninstance_group [ { count: 1 } ]\n");
  }

  // Starts an async ModelInfer; `done` is notified with the status.
  struct Call {
    grpc::ClientContext context;
    inference::ModelInferRequest request;
    inference::ModelInferResponse response;
    grpc::Status status;
    absl::Notification done;
  };
  std::unique_ptr<Call> StartCall(inference::ModelInferRequest request,
                                  absl::Duration client_deadline = absl::InfiniteDuration()) {
    auto call = std::make_unique<Call>();
    if (client_deadline != absl::InfiniteDuration()) {
      call->context.set_deadline(absl::ToChronoTime(absl::Now() + client_deadline));
    }
    call->request = std::move(request);
    Call* raw = call.get();
    harness_.stub()->async()->ModelInfer(&raw->context, &raw->request, &raw->response,
                                         [raw](grpc::Status status) {
                                           raw->status = std::move(status);
                                           raw->done.Notify();
                                         });
    return call;
  }

  // The scheduler drops expired/cancelled requests asynchronously (its reaper thread); wait for
  // that before asserting on the queue (a polled condition, not a timing).
  void AwaitEmptyQueue(const std::string& model) {
    auto serving = harness_.repository()->Get(model);
    ASSERT_TRUE(serving.ok());
    while ((*serving)->scheduler()->queue_depth() > 0) absl::SleepFor(absl::Milliseconds(1));
  }

  ServerHarness harness_;
};

TEST_F(GateTest, QueueFullIsUnavailableAndOthersComplete) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1, 0, "running"));
  harness_.fake()->AwaitHeld(1);
  auto queued = StartCall(DenseRequest("gated", 1, 1, "queued"));
  // The queue holds one request: wait until this one is in it, then one more is refused.
  auto serving = harness_.repository()->Get("gated");
  ASSERT_TRUE(serving.ok());
  while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  inference::ModelInferResponse refused_response;
  grpc::Status refused = harness_.Infer(DenseRequest("gated", 1, 2, "third"), &refused_response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(refused.error_message(), HasSubstr("queue"));
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  queued->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok()) << running->status.error_message();
  EXPECT_TRUE(queued->status.ok()) << queued->status.error_message();
  EXPECT_EQ(running->response.id(), "running");
  EXPECT_EQ(queued->response.id(), "queued");
}

TEST_F(GateTest, TimeoutParameterExpiresAQueuedRequestWithoutDeviceWork) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  inference::ModelInferRequest request = DenseRequest("gated", 1, 1);
  (*request.mutable_parameters())["timeout"].set_int64_param(1000);  // 1 ms
  auto expiring = StartCall(std::move(request));
  absl::SleepFor(absl::Milliseconds(50));  // well past its 1 ms deadline
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  expiring->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok());
  EXPECT_EQ(expiring->status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << expiring->status.error_message();
  EXPECT_EQ(harness_.fake()->executions().size(), 1u);
}

// The queue deadline is the earliest of the client's gRPC deadline, the model's
// default_timeout_microseconds and (only with allow_timeout_override) the request's "timeout".
class QueuePolicyTest : public GateTest {
 protected:
  void WriteModels(const fs::path& root) override {
    GateTest::WriteModels(root);
    const std::string one_unit = "instance_group [ { count: 1 } ]\n";
    testing::WriteDenseModel(
        root, "timed", kInputs, kOutputs, 4,
        "dynamic_batching { default_queue_policy { default_timeout_microseconds: 1000 } }\n" +
            one_unit);
    testing::WriteDenseModel(
        root, "timed_override", kInputs, kOutputs, 4,
        "dynamic_batching { default_queue_policy { "
        "default_timeout_microseconds: 1000 allow_timeout_override: true } }\n" +
            one_unit);
    testing::WriteDenseModel(root, "no_override", kInputs, kOutputs, 4,
                             "dynamic_batching { }\n" + one_unit);
  }

  // Runs `request` while the device is held well past 1 ms, then releases it.
  grpc::Status QueuedBehindABusyDevice(inference::ModelInferRequest request,
                                       absl::Duration client_deadline) {
    harness_.fake()->HoldExecutions();
    // The request that keeps the device busy waits in the same 1 ms queue: on a loaded machine it
    // can expire before it reaches the device. Then send another.
    std::unique_ptr<Call> running;
    do {
      running = StartCall(DenseRequest(request.model_name(), 1));
      while (!harness_.fake()->AwaitHeldFor(1, absl::Milliseconds(10)) &&
             !running->done.HasBeenNotified()) {
      }
    } while (running->done.HasBeenNotified());
    auto queued = StartCall(std::move(request), client_deadline);
    absl::SleepFor(absl::Milliseconds(50));  // well past every 1 ms timeout
    harness_.fake()->ReleaseExecutions();
    running->done.WaitForNotification();
    queued->done.WaitForNotification();
    EXPECT_TRUE(running->status.ok()) << running->status.error_message();
    return queued->status;
  }
};

TEST_F(QueuePolicyTest, ModelDefaultTimeoutAppliesDespiteAClientDeadline) {
  grpc::Status status = QueuedBehindABusyDevice(DenseRequest("timed", 1, 1), absl::Seconds(60));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_EQ(harness_.fake()->executions().size(), 1u);
}

TEST_F(QueuePolicyTest, TimeoutParameterIsIgnoredWithoutAllowTimeoutOverride) {
  inference::ModelInferRequest request = DenseRequest("no_override", 1, 1);
  (*request.mutable_parameters())["timeout"].set_int64_param(1000);  // 1 ms
  grpc::Status status = QueuedBehindABusyDevice(std::move(request), absl::Seconds(60));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(harness_.fake()->executions().size(), 2u);
}

TEST_F(QueuePolicyTest, TimeoutParameterCannotExtendTheModelDefault) {
  inference::ModelInferRequest request = DenseRequest("timed_override", 1, 1);
  (*request.mutable_parameters())["timeout"].set_int64_param(60'000'000);  // 60 s
  grpc::Status status = QueuedBehindABusyDevice(std::move(request), absl::InfiniteDuration());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_EQ(harness_.fake()->executions().size(), 1u);
}

TEST_F(GateTest, ExpiredRequestGetsDeadlineExceededWhileTheDeviceIsBusy) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  inference::ModelInferRequest request = DenseRequest("gated", 1, 1);
  (*request.mutable_parameters())["timeout"].set_int64_param(1000);  // 1 ms
  auto expiring = StartCall(std::move(request));
  expiring->done.WaitForNotification();  // the device is still held
  EXPECT_EQ(expiring->status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << expiring->status.error_message();
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok());
  EXPECT_EQ(harness_.fake()->executions().size(), 1u);
}

TEST_F(GateTest, CancelledRequestFreesItsQueuePlaceWhileTheDeviceIsBusy) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  auto serving = harness_.repository()->Get("gated");
  ASSERT_TRUE(serving.ok());
  auto cancelled = StartCall(DenseRequest("gated", 1, 1));
  while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  cancelled->context.TryCancel();
  cancelled->done.WaitForNotification();
  EXPECT_EQ(cancelled->status.error_code(), grpc::StatusCode::CANCELLED);
  AwaitEmptyQueue("gated");  // the device is still held
  // Its place in the one-request queue is free again.
  auto next = StartCall(DenseRequest("gated", 1, 2));
  while ((*serving)->scheduler()->queue_depth() < 1 && !next->done.HasBeenNotified()) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  next->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok());
  EXPECT_TRUE(next->status.ok()) << next->status.error_message();
  EXPECT_EQ(harness_.fake()->executions().size(), 2u);
}

TEST_F(GateTest, CancelledStreamEmptiesTheQueueWhileTheDeviceIsBusy) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  auto serving = harness_.repository()->Get("gated");
  ASSERT_TRUE(serving.ok());
  grpc::ClientContext context;
  auto stream = harness_.stub()->ModelStreamInfer(&context);
  ASSERT_TRUE(stream->Write(DenseRequest("gated", 1, 1, "queued")));
  while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  context.TryCancel();
  AwaitEmptyQueue("gated");  // the device is still held
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok());
  EXPECT_EQ(harness_.fake()->executions().size(), 1u);
}

TEST_F(GateTest, ClientCancelDropsAQueuedRequestWithoutDeviceWork) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  auto cancelled = StartCall(DenseRequest("gated", 1, 1));
  absl::SleepFor(absl::Milliseconds(50));  // let it reach the queue
  cancelled->context.TryCancel();
  cancelled->done.WaitForNotification();
  EXPECT_EQ(cancelled->status.error_code(), grpc::StatusCode::CANCELLED);
  absl::SleepFor(absl::Milliseconds(100));  // let the server see the cancellation
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  EXPECT_TRUE(running->status.ok());
  AwaitEmptyQueue("gated");
  // The server still answers, and the cancelled request never reached the device.
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness_.Infer(DenseRequest("gated", 1), &response).ok());
  EXPECT_EQ(harness_.fake()->executions().size(), 2u);
}

TEST_F(GateTest, ClientDeadlineBecomesTheRequestDeadline) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 1));
  harness_.fake()->AwaitHeld(1);
  auto call = std::make_unique<Call>();
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(20));
  call->request = DenseRequest("gated", 1, 1);
  inference::ModelInferResponse response;
  grpc::Status status = harness_.stub()->ModelInfer(&call->context, call->request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  absl::SleepFor(absl::Milliseconds(50));
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  AwaitEmptyQueue("gated");
  ASSERT_TRUE(harness_.Infer(DenseRequest("gated", 1), &response).ok());
  EXPECT_EQ(harness_.fake()->executions().size(), 2u);
}

// The wire's "priority" parameter reaches the batcher: with both compute units of "dense" held, a
// default-priority request and then a priority-1 request queue up; the next batch packs the
// priority-1 request first.
TEST_F(GateTest, PriorityParameterOrdersTheQueue) {
  harness_.fake()->HoldExecutions();
  auto first = StartCall(DenseRequest("dense", 1, 0));
  harness_.fake()->AwaitHeld(1);
  auto second = StartCall(DenseRequest("dense", 1, 1));
  harness_.fake()->AwaitHeld(2);
  auto low = StartCall(DenseRequest("dense", 1, 100, "low"));
  auto serving = harness_.repository()->Get("dense");
  ASSERT_TRUE(serving.ok());
  while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  inference::ModelInferRequest high_request = DenseRequest("dense", 1, 200, "high");
  (*high_request.mutable_parameters())["priority"].set_int64_param(1);
  auto high = StartCall(std::move(high_request));
  while ((*serving)->scheduler()->queue_depth() < 2) absl::SleepFor(absl::Milliseconds(1));
  harness_.fake()->ReleaseExecutions();
  for (Call* call : {first.get(), second.get(), low.get(), high.get()}) {
    call->done.WaitForNotification();
    EXPECT_TRUE(call->status.ok()) << call->status.error_message();
  }
  EXPECT_EQ(low->response.id(), "low");
  EXPECT_EQ(high->response.id(), "high");
  EXPECT_EQ(BytesToFloats(high->response.raw_output_contents(0)),
            Expected(DeviceKind::kFake, 1, 200));

  // The batch after the two held ones: [high, low], packed in the device's input type.
  const auto executions = harness_.fake()->executions();
  ASSERT_EQ(executions.size(), 3u);
  EXPECT_EQ(executions[2].batch, 2);
  absl::StatusOr<numerics::FixedType> type = numerics::ParseFixedType(
      (*serving)->config().parameters().at("fpga.input_precision").string_value());
  ASSERT_TRUE(type.ok()) << type.status();
  std::string expected(2 * kInputs * type->container_bytes(), '\0');
  auto* packed = reinterpret_cast<uint8_t*>(expected.data());
  const std::vector<float> high_input = SampleInput(200), low_input = SampleInput(100);
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, high_input.data(), kInputs,
                                     *type, packed)
                  .ok());
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, low_input.data(), kInputs, *type,
                                     packed + kInputs * type->container_bytes())
                  .ok());
  EXPECT_EQ(executions[2].input, expected);
}

TEST_F(GateTest, ShutdownDrainsInFlightRequests) {
  harness_.fake()->HoldExecutions();
  auto running = StartCall(DenseRequest("gated", 2, 0, "in-flight"));
  harness_.fake()->AwaitHeld(1);
  std::thread shutdown([this] { harness_.server()->Shutdown(); });
  while (harness_.server()->ready()) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_FALSE(running->done.HasBeenNotified());
  harness_.fake()->ReleaseExecutions();
  running->done.WaitForNotification();
  shutdown.join();
  EXPECT_TRUE(running->status.ok()) << running->status.error_message();
  EXPECT_EQ(BytesToFloats(running->response.raw_output_contents(0)),
            Expected(DeviceKind::kFake, 2, 0));
  // Nothing is accepted any more.
  inference::ModelInferResponse response;
  EXPECT_FALSE(harness_.Infer(DenseRequest("gated", 1), &response).ok());
}

// The client half-closes, then cancels, while its requests are on the device or queued: the
// half-closed stream still gets every answer and OK; the cancelled one finishes CANCELLED once
// its requests are done, and the server then shuts down (a reactor that never finished would
// hang Shutdown).
TEST_F(GateTest, StreamHalfCloseThenCancelWithRequestsInFlight) {
  harness_.fake()->HoldExecutions();
  grpc::ClientContext closed_context;
  auto closed = harness_.stub()->ModelStreamInfer(&closed_context);
  constexpr int kRequests = 6;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(closed->Write(DenseRequest("single", 1, i, absl::StrCat("c", i))));
  }
  closed->WritesDone();
  harness_.fake()->AwaitHeld(1);

  grpc::ClientContext cancelled_context;
  auto cancelled = harness_.stub()->ModelStreamInfer(&cancelled_context);
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(cancelled->Write(DenseRequest("single", 1, i, absl::StrCat("x", i))));
  }
  auto serving = harness_.repository()->Get("single");
  ASSERT_TRUE(serving.ok());
  while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  cancelled_context.TryCancel();

  harness_.fake()->ReleaseExecutions();
  std::set<std::string> ids;
  inference::ModelStreamInferResponse response;
  while (closed->Read(&response)) {
    EXPECT_EQ(response.error_message(), "");
    ids.insert(response.infer_response().id());
  }
  EXPECT_TRUE(closed->Finish().ok());
  EXPECT_EQ(ids.size(), size_t{kRequests});
  while (cancelled->Read(&response)) {
  }
  EXPECT_EQ(cancelled->Finish().error_code(), grpc::StatusCode::CANCELLED);
  harness_.server()->Shutdown();
}

TEST_F(GateTest, HealthFollowsDeviceHealth) {
  auto health = grpc::health::v1::Health::NewStub(harness_.channel());
  auto status_of = [&health] {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("inference.GRPCInferenceService");
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(health->Check(&context, request, &response).ok());
    return response.status();
  };
  EXPECT_EQ(status_of(), grpc::health::v1::HealthCheckResponse::SERVING);
  harness_.fake()->SetHealthy(false);
  // The server refreshes health every 20 ms; wait for the change (no timing is asserted).
  while (status_of() != grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  grpc::ClientContext context;
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(harness_.stub()->ServerReady(&context, {}, &ready).ok());
  EXPECT_FALSE(ready.ready());
  harness_.fake()->SetHealthy(true);
  while (status_of() != grpc::health::v1::HealthCheckResponse::SERVING) {
    absl::SleepFor(absl::Milliseconds(5));
  }
}

// ---------------------------------------------------------------------------------------------
// Registration over the wire (explicit mode).

TEST(RepositoryRpcTest, RegisterAModelOverTheWireThenInferAndUnload) {
  ServerHarness harness;
  ServerConfig config;
  config.control_mode = ModelControlMode::kExplicit;
  config.startup_models = {"dense"};
  harness.Start(config);

  // A model the server has never seen: its project comes as file: parameters.
  const fs::path scratch = harness.root().parent_path() / absl::StrCat("wire_src_", getpid());
  fs::remove_all(scratch);
  testing::WriteDenseProject(scratch / "hls4ml_prj", 3, 2);
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("wire");
  for (const auto& [path, bytes] : testing::FilesUnder(scratch, "file:1/")) {
    (*load.mutable_parameters())[path].set_bytes_param(bytes);
  }
  (*load.mutable_parameters())["config"].set_string_param(
      R"({"name":"wire","platform":"fpgaas_hls4ml","max_batch_size":4,)"
      R"("input":[{"name":"input_1","data_type":"TYPE_FP32","dims":[3]}],)"
      R"("output":[{"name":"layer2_out","data_type":"TYPE_FP32","dims":[2]}]})");
  fs::remove_all(scratch);
  {
    grpc::ClientContext context;
    inference::RepositoryModelLoadResponse response;
    grpc::Status status = harness.stub()->RepositoryModelLoad(&context, load, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  inference::ModelInferRequest request;
  request.set_model_name("wire");
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(1);
  input->add_shape(3);
  const std::vector<float> x = {0.5f, -1.0f, 0.25f};
  request.add_raw_input_contents(FloatsToBytes(x));
  inference::ModelInferResponse response;
  grpc::Status status = harness.Infer(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), DenseReference(x, 2));

  {
    grpc::ClientContext context;
    inference::RepositoryIndexResponse index;
    ASSERT_TRUE(harness.stub()->RepositoryIndex(&context, {}, &index).ok());
    bool wire_ready = false;
    for (const auto& model : index.models()) {
      if (model.name() == "wire") wire_ready = model.state() == "READY";
    }
    EXPECT_TRUE(wire_ready);
  }
  {
    inference::RepositoryModelUnloadRequest unload;
    unload.set_model_name("wire");
    grpc::ClientContext context;
    inference::RepositoryModelUnloadResponse unloaded;
    ASSERT_TRUE(harness.stub()->RepositoryModelUnload(&context, unload, &unloaded).ok());
  }
  status = harness.Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();

  // Unknown parameters are refused by name.
  inference::RepositoryModelLoadRequest bad;
  bad.set_model_name("wire");
  (*bad.mutable_parameters())["colour"].set_string_param("blue");
  grpc::ClientContext context;
  inference::RepositoryModelLoadResponse ignored;
  status = harness.stub()->RepositoryModelLoad(&context, bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("colour"));
}

// A reload runs off the gRPC threads: while the device holds it, the model keeps answering,
// RepositoryIndex shows it LOADING (serving), and the load RPC finishes when the device does.
TEST(RepositoryRpcTest, ReloadInProgressIsLoadingInTheIndexAndKeepsServing) {
  ServerHarness harness;
  ServerConfig config;
  config.device = DeviceKind::kFake;
  config.control_mode = ModelControlMode::kExplicit;
  config.startup_models = {"dense", "gated"};
  harness.Start(config);
  harness.fake()->HoldLoads();
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("dense");
  inference::RepositoryModelLoadResponse load_response;
  grpc::ClientContext load_context;
  absl::Notification loaded;
  grpc::Status load_status;
  harness.stub()->async()->RepositoryModelLoad(&load_context, &load, &load_response,
                                               [&](grpc::Status s) {
                                                 load_status = std::move(s);
                                                 loaded.Notify();
                                               });
  harness.fake()->AwaitLoadsHeld(1);

  inference::RepositoryIndexResponse index;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(harness.stub()->RepositoryIndex(&context, {}, &index).ok());
  }
  std::map<std::string, inference::RepositoryIndexResponse::ModelIndex> by_name;
  for (const auto& model : index.models()) by_name[model.name()] = model;
  EXPECT_EQ(by_name["dense"].state(), "LOADING");
  EXPECT_EQ(by_name["dense"].version(), "1");
  EXPECT_THAT(by_name["dense"].reason(), HasSubstr("reloading"));
  EXPECT_EQ(by_name["gated"].state(), "READY");
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", 2, 3), &response).ok());
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(DeviceKind::kFake, 2, 3));
  EXPECT_TRUE(harness.server()->ready());
  EXPECT_FALSE(loaded.HasBeenNotified());

  harness.fake()->ReleaseLoads();
  loaded.WaitForNotification();
  EXPECT_TRUE(load_status.ok()) << load_status.error_message();
  grpc::ClientContext context;
  ASSERT_TRUE(harness.stub()->RepositoryIndex(&context, {}, &index).ok());
  EXPECT_EQ(index.models(0).name(), "dense");
  EXPECT_EQ(index.models(0).state(), "READY");
}

// Unload while one request runs on the device (sent on a stream) and one is queued (unary): both
// get their answer from the old version, the unload finishes once they have, the stream stays
// usable (a request for the unloaded model is an inline error) and finishes OK.
TEST(RepositoryRpcTest, UnloadLetsRunningAndQueuedRequestsFinishAndTheStreamGoesOn) {
  ServerHarness harness;
  ServerConfig config;
  config.device = DeviceKind::kFake;
  config.control_mode = ModelControlMode::kExplicit;
  config.startup_models = {"dense", "gated"};
  harness.Start(config);
  harness.fake()->HoldExecutions();

  grpc::ClientContext stream_context;
  auto stream = harness.stub()->ModelStreamInfer(&stream_context);
  ASSERT_TRUE(stream->Write(DenseRequest("gated", 2, 0, "running")));
  harness.fake()->AwaitHeld(1);

  inference::ModelInferRequest queued_request = DenseRequest("gated", 1, 5, "queued");
  inference::ModelInferResponse queued_response;
  grpc::ClientContext queued_context;
  absl::Notification queued_done;
  grpc::Status queued_status;
  harness.stub()->async()->ModelInfer(&queued_context, &queued_request, &queued_response,
                                      [&](grpc::Status s) {
                                        queued_status = std::move(s);
                                        queued_done.Notify();
                                      });
  {
    auto serving = harness.repository()->Get("gated");
    ASSERT_TRUE(serving.ok());
    while ((*serving)->scheduler()->queue_depth() < 1) absl::SleepFor(absl::Milliseconds(1));
  }

  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("gated");
  inference::RepositoryModelUnloadResponse unload_response;
  grpc::ClientContext unload_context;
  absl::Notification unloaded;
  grpc::Status unload_status;
  harness.stub()->async()->RepositoryModelUnload(&unload_context, &unload, &unload_response,
                                                 [&](grpc::Status s) {
                                                   unload_status = std::move(s);
                                                   unloaded.Notify();
                                                 });
  // The version leaves the lookups at once.
  while (harness.repository()->Get("gated").ok()) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_FALSE(unloaded.HasBeenNotified());
  EXPECT_FALSE(queued_done.HasBeenNotified());

  harness.fake()->ReleaseExecutions();
  inference::ModelStreamInferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_message(), "");
  EXPECT_EQ(response.infer_response().id(), "running");
  EXPECT_EQ(BytesToFloats(response.infer_response().raw_output_contents(0)),
            Expected(DeviceKind::kFake, 2, 0));
  queued_done.WaitForNotification();
  EXPECT_TRUE(queued_status.ok()) << queued_status.error_message();
  EXPECT_EQ(BytesToFloats(queued_response.raw_output_contents(0)),
            Expected(DeviceKind::kFake, 1, 5));
  unloaded.WaitForNotification();
  EXPECT_TRUE(unload_status.ok()) << unload_status.error_message();

  ASSERT_TRUE(stream->Write(DenseRequest("gated", 1, 0, "after")));
  ASSERT_TRUE(stream->Write(DenseRequest("dense", 1, 0, "other")));
  stream->WritesDone();
  std::map<std::string, std::string> errors;
  while (stream->Read(&response)) {
    errors[response.infer_response().id()] = response.error_message();
  }
  EXPECT_TRUE(stream->Finish().ok());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors["after"], HasSubstr("gated"));
  EXPECT_EQ(errors["other"], "");
}

// ---------------------------------------------------------------------------------------------
// Reflection: list the services and fetch the KServe service's descriptor. The reflection proto
// is not installed with Debian's gRPC, so messages are encoded by field number (its numbers are
// facts of the grpc.reflection.v1alpha protocol).

TEST(ReflectionTest, ListsServicesAndDescribesTheInferenceService) {
  ServerHarness harness;
  harness.Start(ServerConfig{});
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(harness.channel());
  grpc::ClientContext context;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  auto next = [&](intptr_t expected) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(reinterpret_cast<intptr_t>(tag), expected);
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(next(1));

  auto exchange = [&](const std::string& request, google::protobuf::UnknownFieldSet* fields) {
    grpc::Slice slice(request);
    grpc::ByteBuffer out(&slice, 1);
    call->Write(out, reinterpret_cast<void*>(2));
    EXPECT_TRUE(next(2));
    grpc::ByteBuffer in;
    call->Read(&in, reinterpret_cast<void*>(3));
    EXPECT_TRUE(next(3));
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(in.Dump(&slices).ok());
    std::string bytes;
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    EXPECT_TRUE(fields->ParseFromString(bytes));
  };
  auto string_field = [](int number, const std::string& value) {
    std::string out;
    out.push_back(static_cast<char>(number << 3 | 2));
    out.push_back(static_cast<char>(value.size()));
    return out + value;
  };

  // list_services (field 7) -> list_services_response (6) { service (1) { name (1) } }.
  google::protobuf::UnknownFieldSet listed;
  exchange(string_field(7, "*"), &listed);
  std::set<std::string> services;
  for (int i = 0; i < listed.field_count(); ++i) {
    if (listed.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    ASSERT_TRUE(list.ParseFromString(listed.field(i).length_delimited()));
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      ASSERT_TRUE(service.ParseFromString(list.field(j).length_delimited()));
      services.insert(service.field(0).length_delimited());
    }
  }
  EXPECT_TRUE(services.count("inference.GRPCInferenceService")) << services.size();
  EXPECT_TRUE(services.count("grpc.health.v1.Health"));

  // file_containing_symbol (4) -> file_descriptor_response (4) { file_descriptor_proto (1) }.
  google::protobuf::UnknownFieldSet described;
  exchange(string_field(4, "inference.GRPCInferenceService"), &described);
  bool found = false;
  for (int i = 0; i < described.field_count(); ++i) {
    if (described.field(i).number() != 4) continue;
    google::protobuf::UnknownFieldSet files;
    ASSERT_TRUE(files.ParseFromString(described.field(i).length_delimited()));
    for (int j = 0; j < files.field_count(); ++j) {
      google::protobuf::FileDescriptorProto file;
      ASSERT_TRUE(file.ParseFromString(files.field(j).length_delimited()));
      for (const auto& service : file.service()) {
        if (service.name() == "GRPCInferenceService") {
          found = true;
          EXPECT_EQ(file.package(), "inference");
        }
      }
    }
  }
  EXPECT_TRUE(found);
  call->WritesDone(reinterpret_cast<void*>(4));
  next(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  next(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

// ---------------------------------------------------------------------------------------------
// 64 clients, random sizes, random cancels and deadlines: every call ends with a response or an
// error, every response is correct, every call with a generous deadline and no cancel succeeds,
// and the server keeps serving. Server side, afterwards: the drain finds no RPC left to cancel
// (every accepted request was answered), the queue and its gauge are back to 0, and the model's
// statistics count each request at most once and every success the clients saw.

// The value of gauge `family` for model `model` version 1.
double GaugeValue(MetricsRegistry* metrics, const std::string& family, const std::string& model) {
  for (const prometheus::MetricFamily& f : metrics->registry()->Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& metric : f.metric) {
      bool match = false;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        if (label.name == "model" && label.value == model) match = true;
      }
      if (match) return metric.gauge.value;
    }
  }
  ADD_FAILURE() << "no gauge " << family << " for " << model;
  return -1;
}

TEST(StressTest, SixtyFourClientsWithRandomCancelsAndDeadlines) {
  ServerHarness harness;
  ServerConfig config;
  // A request the server never answers would keep its RPC open: the drain would then cancel it
  // after this grace period and report not drained.
  config.drain_grace_period = absl::Seconds(10);
  harness.Start(config);
  constexpr int kClients = 64;
  constexpr int kCallsPerClient = 40;
  std::atomic<int> ok{0}, wrong{0}, unexpected{0}, generous{0}, generous_failed{0};
  std::atomic<int64_t> ok_samples{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 rng(1234 + c);
      for (int i = 0; i < kCallsPerClient; ++i) {
        const int batch = 1 + static_cast<int>(rng() % kMaxBatch);
        const int first = static_cast<int>(rng() % 1000);
        grpc::ClientContext context;
        const int mode = static_cast<int>(rng() % 10);  // 0: short deadline, 1: cancel, else plain
        if (mode == 0) {
          context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::microseconds(50 + rng() % 2000));
        } else {
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        }
        if (mode >= 2) ++generous;
        inference::ModelInferRequest request = DenseRequest("dense", batch, first);
        inference::ModelInferResponse response;
        absl::Notification done;
        grpc::Status status;
        harness.stub()->async()->ModelInfer(&context, &request, &response, [&](grpc::Status s) {
          status = std::move(s);
          done.Notify();
        });
        if (mode == 1) {
          absl::SleepFor(absl::Microseconds(rng() % 500));
          context.TryCancel();
        }
        done.WaitForNotification();
        if (status.ok()) {
          ++ok;
          ok_samples += batch;
          if (BytesToFloats(response.raw_output_contents(0)) !=
              Expected(DeviceKind::kEmu, batch, first)) {
            ++wrong;
          }
        } else if (mode >= 2) {
          ++generous_failed;
          ADD_FAILURE() << "uncancelled call with a 60 s deadline: " << status.error_code() << " "
                        << status.error_message();
        } else if (status.error_code() != grpc::StatusCode::CANCELLED &&
                   status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
          ++unexpected;
          ADD_FAILURE() << status.error_code() << " " << status.error_message();
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(unexpected, 0);
  EXPECT_EQ(generous_failed, 0);
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", 7, 3), &response).ok());
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(DeviceKind::kEmu, 7, 3));

  auto serving = harness.repository()->Get("dense");
  ASSERT_TRUE(serving.ok());
  harness.server()->Shutdown();
  EXPECT_TRUE(harness.server()->drained()) << "requests left unanswered after the clients ended";
  EXPECT_EQ((*serving)->scheduler()->queue_depth(), 0);
  EXPECT_EQ(GaugeValue(harness.metrics(), "nv_inference_pending_request_count", "dense"), 0);
  const ModelStatisticsSnapshot stats = (*serving)->metrics()->Snapshot();
  const uint64_t total = kClients * kCallsPerClient + 1;  // and the final check
  // Each call reaches the model at most once and is counted once; calls with a generous deadline
  // all reached it; every answer a client got OK is a success here.
  EXPECT_LE(stats.success.count + stats.fail.count, total);
  EXPECT_GE(stats.success.count + stats.fail.count, uint64_t(generous) + 1);
  EXPECT_GE(stats.success.count, uint64_t(ok) + 1);
  EXPECT_GE(stats.inference_count, uint64_t(ok_samples) + 7);
}

// The same with streams: 16 streams of random-sized requests, a quarter of them cancelled at a
// random point. Every uncancelled stream gets every answer, correct and in any order, then OK; a
// cancelled stream ends with CANCELLED; nothing hangs and the server keeps serving.
TEST(StressTest, SixteenStreamsWithRandomCancels) {
  ServerHarness harness;
  harness.Start(ServerConfig{});
  constexpr int kStreams = 16;
  constexpr int kRequestsPerStream = 40;
  std::atomic<int> wrong{0}, cancelled_streams{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kStreams; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 rng(99 + c);
      const bool cancel = c % 4 == 0;
      const int cancel_after = static_cast<int>(rng() % kRequestsPerStream);
      grpc::ClientContext context;
      auto stream = harness.stub()->ModelStreamInfer(&context);
      std::map<std::string, std::pair<int, int>> sent;  // id -> batch, first
      absl::Mutex mu;
      std::thread reader([&] {
        inference::ModelStreamInferResponse response;
        std::set<std::string> answered;
        while (stream->Read(&response)) {
          const std::string& id = response.infer_response().id();
          std::pair<int, int> request;
          {
            absl::MutexLock lock(&mu);
            request = sent.at(id);
          }
          if (!response.error_message().empty() || !answered.insert(id).second ||
              BytesToFloats(response.infer_response().raw_output_contents(0)) !=
                  Expected(DeviceKind::kEmu, request.first, request.second)) {
            ++wrong;
            ADD_FAILURE() << id << ": " << response.error_message();
          }
        }
        if (!cancel) {
          EXPECT_EQ(answered.size(), static_cast<size_t>(kRequestsPerStream));
        }
      });
      for (int i = 0; i < kRequestsPerStream; ++i) {
        if (cancel && i == cancel_after) {
          context.TryCancel();
          break;
        }
        const int batch = 1 + static_cast<int>(rng() % kMaxBatch);
        const int first = static_cast<int>(rng() % 1000);
        const std::string id = absl::StrCat("c", c, "-", i);
        {
          absl::MutexLock lock(&mu);
          sent[id] = {batch, first};
        }
        if (!stream->Write(DenseRequest("dense", batch, first, id))) break;
      }
      if (!cancel) stream->WritesDone();
      reader.join();
      grpc::Status status = stream->Finish();
      if (cancel) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
        ++cancelled_streams;
      } else {
        EXPECT_TRUE(status.ok()) << status.error_message();
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(cancelled_streams, kStreams / 4);
  // Cancelled requests leave the queue; the server answers new requests.
  auto serving = harness.repository()->Get("dense");
  ASSERT_TRUE(serving.ok());
  while ((*serving)->scheduler()->queue_depth() > 0) absl::SleepFor(absl::Milliseconds(1));
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness.Infer(DenseRequest("dense", 5, 11), &response).ok());
  EXPECT_EQ(BytesToFloats(response.raw_output_contents(0)), Expected(DeviceKind::kEmu, 5, 11));
  harness.server()->Shutdown();
  EXPECT_TRUE(harness.server()->drained()) << "requests left unanswered after the streams ended";
}

}  // namespace
}  // namespace fpgaas
