// Authorization of every KServe RPC, driven by the service descriptor: every method of
// inference.GRPCInferenceService is called (through gRPC's generic stub, so a method added to the
// proto is called too) without credentials, with a wrong token, and as --auth-config clients of
// each role and model list; each must get what its permission allows. A method this table does
// not classify fails the test: it must be given a permission in kserve_core.cc first.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// What each RPC needs (auth.h's Permission). kRegion: server-wide (kServer) status of a
// shared-memory region, whose request's name field the test fills with a model name (so a
// permitted call is NOT_FOUND: no such region).
enum class Needs { kServer, kModel, kAdmin, kRegion };
const std::map<std::string, Needs>& Permissions() {
  static const auto* const permissions = new std::map<std::string, Needs>{
      {"ServerLive", Needs::kServer},      {"ServerReady", Needs::kServer},
      {"ServerMetadata", Needs::kServer},  {"RepositoryIndex", Needs::kServer},
      {"ModelReady", Needs::kModel},       {"ModelMetadata", Needs::kModel},
      {"ModelConfig", Needs::kModel},      {"ModelStatistics", Needs::kModel},
      {"ModelInfer", Needs::kModel},       {"ModelStreamInfer", Needs::kModel},
      {"RepositoryModelLoad", Needs::kAdmin}, {"RepositoryModelUnload", Needs::kAdmin},
      {"SystemSharedMemoryStatus", Needs::kRegion}, {"CudaSharedMemoryStatus", Needs::kRegion},
      {"SystemSharedMemoryRegister", Needs::kAdmin}, {"SystemSharedMemoryUnregister", Needs::kAdmin},
      {"CudaSharedMemoryRegister", Needs::kAdmin},  {"CudaSharedMemoryUnregister", Needs::kAdmin},
  };
  return *permissions;
}

struct CallResult {
  grpc::Status status;
  std::string stream_error;  // ModelStreamInfer: the first response's error_message
};

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("auth_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    testing::WriteDenseModel(dir_ / "models", "dense", 4, 2, 8);
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    device_options.devices = "emu";
    devices_ = *DeviceManager::Create(std::move(device_options));
    ModelRepositoryOptions repository_options;
    repository_options.root = dir_ / "models";
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    repository_options.control_mode = ModelControlMode::kExplicit;
    repository_options.startup_models = {"dense"};
    repository_ = *ModelRepository::Create(std::move(repository_options));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(dir_);
  }

  void Start(const std::string& token, const std::string& auth_config) {
    GrpcServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.repository = repository_.get();
    options.devices = devices_.get();
    options.clock = &clock_;
    if (!token.empty()) {
      testing::WriteTextFile(dir_ / "token", token);
      options.auth_token_file = (dir_ / "token").string();
    }
    if (!auth_config.empty()) {
      testing::WriteTextFile(dir_ / "auth.pbtxt", auth_config);
      options.auth_config_file = (dir_ / "auth.pbtxt").string();
    }
    auto server = GrpcServer::Create(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  static std::vector<const google::protobuf::MethodDescriptor*> Methods() {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            "inference.GRPCInferenceService");
    std::vector<const google::protobuf::MethodDescriptor*> methods;
    for (int i = 0; i < service->method_count(); ++i) methods.push_back(service->method(i));
    return methods;
  }

  // Calls `method` as a bidi generic call (one request, then half-close) naming `model` in the
  // request's model-name field, when it has one.
  CallResult Call(const google::protobuf::MethodDescriptor* method, const std::string& model,
                  const std::string& authorization) {
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method->input_type())
            ->New());
    for (const char* field_name : {"name", "model_name"}) {
      if (const auto* field = method->input_type()->FindFieldByName(field_name);
          field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        request->GetReflection()->SetString(request.get(), field, model);
      }
    }
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    grpc::CompletionQueue cq;
    auto call = stub.PrepareCall(&context, absl::StrCat("/", method->service()->full_name(), "/",
                                                        method->name()),
                                 &cq);
    void* tag;
    bool ok;
    const auto wait = [&] {
      EXPECT_TRUE(cq.Next(&tag, &ok));
      return ok;
    };
    call->StartCall(reinterpret_cast<void*>(1));
    wait();
    grpc::ByteBuffer out(nullptr, 0);
    const std::string bytes = request->SerializeAsString();
    grpc::Slice slice(bytes);
    out = grpc::ByteBuffer(&slice, 1);
    call->Write(out, reinterpret_cast<void*>(2));
    wait();
    call->WritesDone(reinterpret_cast<void*>(3));
    wait();
    CallResult result;
    grpc::ByteBuffer in;
    call->Read(&in, reinterpret_cast<void*>(4));
    if (wait() && method->name() == "ModelStreamInfer") {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(in.Dump(&slices).ok());
      std::string payload;
      for (const auto& s : slices) payload.append(reinterpret_cast<const char*>(s.begin()), s.size());
      inference::ModelStreamInferResponse response;
      EXPECT_TRUE(response.ParseFromString(payload));
      result.stream_error = response.error_message();
    }
    call->Finish(&result.status, reinterpret_cast<void*>(5));
    wait();
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return result;
  }

  fs::path dir_;
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

constexpr char kConfig[] = R"pb(
  # An inference client limited to "dense", one limited to other models, and an administrator.
  client { name: "reader" token: "reader-token" role: INFERENCE models: "dense" }
  client { name: "stranger" token: "stranger-token" role: INFERENCE models: "other_*" }
  client {
    name: "admin"
    token_file: "admin.token"
    role: REPOSITORY_ADMIN
    quota { max_bytes: 100000 max_files: 3 max_versions: 1 }
  }
)pb";

TEST_F(AuthTest, EveryMethodOfTheServiceIsClassified) {
  for (const auto* method : Methods()) {
    EXPECT_TRUE(Permissions().contains(method->name()))
        << method->name() << " has no permission in this test: give it one in kserve_core.cc";
  }
}

TEST_F(AuthTest, EveryMethodOfTheServiceRefusesACallWithoutOrWithAWrongToken) {
  Start("right-token", "");
  for (const auto* method : Methods()) {
    SCOPED_TRACE(method->name());
    CallResult none = Call(method, "dense", "");
    EXPECT_EQ(none.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(none.status.error_message(), HasSubstr("authorization"));
    CallResult wrong = Call(method, "dense", "Bearer wrong-token");
    EXPECT_EQ(wrong.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(wrong.status.error_message(), "invalid bearer token");
    CallResult right = Call(method, "no_such_model", "Bearer right-token");
    EXPECT_NE(right.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  // The model was never unloaded by a refused call.
  EXPECT_TRUE(repository_->Get("dense", "").ok());
}

TEST_F(AuthTest, EveryMethodOfTheServiceChecksTheClientsRoleAndModels) {
  testing::WriteTextFile(dir_ / "admin.token", "admin-token\n");
  Start("", kConfig);
  for (const auto* method : Methods()) {
    SCOPED_TRACE(method->name());
    const Needs needs = Permissions().at(method->name());
    const bool stream = method->name() == "ModelStreamInfer";

    CallResult none = Call(method, "dense", "");
    EXPECT_EQ(none.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

    // INFERENCE on "dense": everything but the repository administration.
    CallResult reader = Call(method, "dense", "Bearer reader-token");
    if (needs == Needs::kAdmin) {
      EXPECT_EQ(reader.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_THAT(reader.status.error_message(),
                  HasSubstr("client 'reader' (role INFERENCE) may not load or unload models"));
    } else {
      EXPECT_NE(reader.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << reader.status.error_message();
      EXPECT_NE(reader.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_THAT(reader.stream_error, ::testing::Not(HasSubstr("may not")));
    }

    // INFERENCE on other models only: "dense" is refused, server-wide calls are not.
    CallResult stranger = Call(method, "dense", "Bearer stranger-token");
    if (needs == Needs::kServer) {
      EXPECT_TRUE(stranger.status.ok()) << stranger.status.error_message();
    } else if (needs == Needs::kRegion) {
      EXPECT_EQ(stranger.status.error_code(), grpc::StatusCode::NOT_FOUND)
          << stranger.status.error_message();
      EXPECT_THAT(stranger.status.error_message(), HasSubstr("shared memory region: 'dense'"));
    } else if (stream) {
      // The stream is admitted; its request for "dense" is answered with the refusal.
      EXPECT_TRUE(stranger.status.ok()) << stranger.status.error_message();
      EXPECT_THAT(stranger.stream_error, HasSubstr("client 'stranger' may not run inference on "
                                                   "model 'dense'"));
    } else {
      EXPECT_EQ(stranger.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_THAT(stranger.status.error_message(), HasSubstr("client 'stranger'"));
      EXPECT_THAT(stranger.status.error_message(), HasSubstr("may not"));
    }

    // REPOSITORY_ADMIN on every model (a model that does not exist: nothing is unloaded).
    CallResult admin = Call(method, "no_such_model", "Bearer admin-token");
    EXPECT_NE(admin.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << admin.status.error_message();
    EXPECT_NE(admin.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_TRUE(repository_->Get("dense", "").ok());
}

TEST_F(AuthTest, ListsShowOnlyTheModelsAClientMayUse) {
  testing::WriteTextFile(dir_ / "admin.token", "admin-token");
  Start("", kConfig);
  auto stub = inference::GRPCInferenceService::NewStub(channel_);
  for (const auto& [token, visible] :
       std::vector<std::pair<std::string, int>>{{"reader-token", 1}, {"stranger-token", 0}}) {
    SCOPED_TRACE(token);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    inference::RepositoryIndexResponse index;
    ASSERT_TRUE(stub->RepositoryIndex(&context, {}, &index).ok());
    EXPECT_EQ(index.models_size(), visible);
    grpc::ClientContext stats_context;
    stats_context.AddMetadata("authorization", "Bearer " + token);
    inference::ModelStatisticsResponse stats;
    ASSERT_TRUE(stub->ModelStatistics(&stats_context, {}, &stats).ok());
    EXPECT_EQ(stats.model_stats_size(), visible);
  }
}

TEST_F(AuthTest, RegistrationOverTheClientsQuotaIsResourceExhausted) {
  testing::WriteTextFile(dir_ / "admin.token", "admin-token");
  Start("", kConfig);
  auto stub = inference::GRPCInferenceService::NewStub(channel_);
  const auto upload = [&](const std::map<std::string, std::string>& files) {
    inference::RepositoryModelLoadRequest request;
    request.set_model_name("uploaded");
    (*request.mutable_parameters())["config"].set_string_param(
        R"({"name":"uploaded","platform":"fpgaas_hls4ml","max_batch_size":8,)"
        R"("input":[{"name":"input_1","data_type":"TYPE_FP32","dims":[4]}],)"
        R"("output":[{"name":"layer2_out","data_type":"TYPE_FP32","dims":[2]}]})");
    for (const auto& [path, bytes] : files) {
      (*request.mutable_parameters())["file:" + path].set_bytes_param(bytes);
    }
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer admin-token");
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    inference::RepositoryModelLoadResponse response;
    return stub->RepositoryModelLoad(&context, request, &response);
  };
  testing::WriteDenseProject(dir_ / "upload" / "1" / "hls4ml_prj", 4, 2);
  std::map<std::string, std::string> files = testing::FilesUnder(dir_ / "upload", "");
  ASSERT_GT(files.size(), 3u);  // the project alone is over max_files

  grpc::Status too_many = upload(files);
  EXPECT_EQ(too_many.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(too_many.error_message(),
              HasSubstr(absl::StrCat("client 'admin': registering model 'uploaded' uploads ",
                                     files.size(), " files, over its quota of 3 (quota.max_files "
                                     "in --auth-config)")));

  grpc::Status too_big = upload({{"1/a", std::string(60000, 'x')}, {"1/b", std::string(60000, 'y')}});
  EXPECT_EQ(too_big.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(too_big.error_message(), HasSubstr("bytes, over its quota of 100000 (quota.max_bytes"));

  grpc::Status versions = upload({{"1/a", "x"}, {"2/a", "y"}});
  EXPECT_EQ(versions.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(versions.error_message(), HasSubstr("uploads 2 versions, over its quota of 1"));
  // Nothing was registered.
  EXPECT_FALSE(fs::exists(dir_ / "models" / "uploaded"));
}

TEST_F(AuthTest, TheOldTokenFileAddsAnAdministratorNextToTheConfig) {
  testing::WriteTextFile(dir_ / "admin.token", "admin-token");
  Start("old-token", kConfig);
  EXPECT_TRUE(server_->token_required());
  for (const auto* method : Methods()) {
    SCOPED_TRACE(method->name());
    CallResult old = Call(method, "no_such_model", "Bearer old-token");
    EXPECT_NE(old.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(old.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(AuthTest, UnusableConfigsAreCreateErrorsNamingTheFileAndTheClient) {
  const auto create_error = [&](const std::string& config) {
    testing::WriteTextFile(dir_ / "bad.pbtxt", config);
    GrpcServerOptions options;
    options.repository = repository_.get();
    options.devices = devices_.get();
    options.clock = &clock_;
    options.auth_config_file = (dir_ / "bad.pbtxt").string();
    auto server = GrpcServer::Create(std::move(options));
    EXPECT_FALSE(server.ok());
    return server.ok() ? std::string() : std::string(server.status().message());
  };
  EXPECT_THAT(create_error("client { nme: \"x\" }"),
              ::testing::AllOf(HasSubstr("bad.pbtxt"), HasSubstr("line 1"), HasSubstr("nme")));
  EXPECT_THAT(create_error("# nobody\n"), HasSubstr("no 'client'"));
  EXPECT_THAT(create_error("client { name: \"a\" token: \"t\" }"),
              HasSubstr("client #1 'a': no role"));
  EXPECT_THAT(create_error("client { name: \"a\" role: INFERENCE }"),
              HasSubstr("client #1 'a': no credentials"));
  EXPECT_THAT(create_error("client { name: \"a\" token: \"t\" role: INFERENCE }\n"
                           "client { name: \"a\" token: \"u\" role: INFERENCE }"),
              HasSubstr("client #2 'a': the name is used twice"));
  EXPECT_THAT(create_error("client { name: \"a\" token: \"t\" role: INFERENCE }\n"
                           "client { name: \"b\" token: \"t\" role: REPOSITORY_ADMIN }"),
              HasSubstr("same credentials as client 'a'"));
  EXPECT_THAT(create_error("client { name: \"a\" token_file: \"missing\" role: INFERENCE }"),
              HasSubstr("missing"));
  EXPECT_THAT(create_error("client { name: \"a\" token: \"t t\" role: INFERENCE }"),
              HasSubstr("without whitespace"));
}

}  // namespace
}  // namespace fpgaas
