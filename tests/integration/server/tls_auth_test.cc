// The gRPC server in-process with TLS, mutual TLS and a bearer token, called through generated
// KServe v2 and Health stubs: what a client with the right credentials gets, what every client
// without them gets, and the precise Create errors for unusable TLS and token files. Certificates
// are made with openssl at test time; the tests are skipped where openssl is missing.
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "proto/health.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kToken[] = "s3cret-Token_0123456789";

// A repository with one dense model (4 inputs, 2 outputs) on the emulated FPGA, and a server
// made from options the test completes.
class SecureServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("tls_auth_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    if (!testing::MakeTestCertificates(dir_ / "certs", &certs_)) {
      GTEST_SKIP() << "openssl could not make test certificates: "
                   << testing::ReadTextFile(dir_ / "certs" / "openssl.log");
    }
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
    auto repository = ModelRepository::Create(std::move(repository_options));
    ASSERT_TRUE(repository.ok()) << repository.status();
    repository_ = *std::move(repository);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(dir_);
  }

  GrpcServerOptions BaseOptions() {
    GrpcServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.repository = repository_.get();
    options.devices = devices_.get();
    options.clock = &clock_;
    options.health_refresh_interval = absl::Milliseconds(20);
    return options;
  }
  GrpcServerOptions TlsOptions() {
    GrpcServerOptions options = BaseOptions();
    options.tls.certificate_chain_file = certs_.server_cert.string();
    options.tls.private_key_file = certs_.server_key.string();
    return options;
  }
  fs::path WriteToken(const std::string& content) {
    testing::WriteTextFile(dir_ / "token", content);
    return dir_ / "token";
  }

  void StartServer(GrpcServerOptions options) {
    auto server = GrpcServer::Create(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->Start().ok());
  }

  // A channel to the server; TLS trusting `root` (for the name "localhost") when root is set.
  std::shared_ptr<grpc::Channel> Channel(const fs::path& root = {},
                                         const fs::path& client_cert = {},
                                         const fs::path& client_key = {}) {
    const std::string target = absl::StrCat("127.0.0.1:", server_->port());
    if (root.empty()) return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = testing::ReadTextFile(root);
    if (!client_cert.empty()) {
      ssl.pem_cert_chain = testing::ReadTextFile(client_cert);
      ssl.pem_private_key = testing::ReadTextFile(client_key);
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
  }

  static void Prepare(grpc::ClientContext* context, const std::string& authorization = "") {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!authorization.empty()) context->AddMetadata("authorization", authorization);
  }

  static grpc::Status Live(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& authorization = "") {
    grpc::ClientContext context;
    Prepare(&context, authorization);
    inference::ServerLiveResponse response;
    grpc::Status status =
        inference::GRPCInferenceService::NewStub(channel)->ServerLive(&context, {}, &response);
    if (status.ok()) EXPECT_TRUE(response.live());
    return status;
  }

  // One sample through "dense"; on OK the output must be the layer's.
  static grpc::Status Infer(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& authorization = "") {
    inference::ModelInferRequest request;
    request.set_model_name("dense");
    auto* input = request.add_inputs();
    input->set_name("input_1");
    input->set_datatype("FP32");
    input->add_shape(1);
    input->add_shape(4);
    const std::vector<float> x = {0.5f, -0.25f, 1.0f, 0.125f};
    request.add_raw_input_contents(
        std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float)));
    grpc::ClientContext context;
    Prepare(&context, authorization);
    inference::ModelInferResponse response;
    grpc::Status status =
        inference::GRPCInferenceService::NewStub(channel)->ModelInfer(&context, request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.raw_output_contents_size(), 1);
      std::vector<float> y(2);
      if (response.raw_output_contents_size() == 1 &&
          response.raw_output_contents(0).size() == y.size() * sizeof(float)) {
        std::memcpy(y.data(), response.raw_output_contents(0).data(), y.size() * sizeof(float));
      }
      EXPECT_EQ(y, testing::DenseReference(x, 2));
    }
    return status;
  }

  static grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& service) {
    grpc::ClientContext context;
    Prepare(&context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    }
    return status;
  }

  // Inferences the model has counted (successes and failures).
  uint64_t InferenceCount() {
    auto model = repository_->Get("dense");
    if (!model.ok()) return 0;
    const ModelStatisticsSnapshot snapshot = (*model)->metrics()->Snapshot();
    return snapshot.success.count + snapshot.fail.count;
  }

  fs::path dir_;
  testing::TestCertificates certs_;
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(SecureServerTest, TlsServesKServeAndHealthToAClientTrustingTheCa) {
  StartServer(TlsOptions());
  EXPECT_TRUE(server_->tls());
  EXPECT_FALSE(server_->mutual_tls());
  auto channel = Channel(certs_.ca);
  grpc::Status live = Live(channel);
  EXPECT_TRUE(live.ok()) << live.error_message();
  grpc::Status infer = Infer(channel);
  EXPECT_TRUE(infer.ok()) << infer.error_message();
  grpc::Status health = Health(channel, "inference.GRPCInferenceService");
  EXPECT_TRUE(health.ok()) << health.error_message();
}

TEST_F(SecureServerTest, TlsServerRefusesPlaintextAndUntrustingClients) {
  StartServer(TlsOptions());
  EXPECT_EQ(Live(Channel()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Live(Channel(certs_.other_ca)).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Live(Channel(certs_.ca)).ok());  // and it still serves
}

TEST_F(SecureServerTest, MutualTlsRefusesAClientWithoutACertificate) {
  GrpcServerOptions options = TlsOptions();
  options.tls.client_ca_file = certs_.ca.string();
  options.tls.require_client_certificate = true;
  StartServer(std::move(options));
  EXPECT_TRUE(server_->mutual_tls());
  EXPECT_EQ(Live(Channel(certs_.ca)).error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::Status with_certificate = Infer(Channel(certs_.ca, certs_.client_cert, certs_.client_key));
  EXPECT_TRUE(with_certificate.ok()) << with_certificate.error_message();
}

TEST_F(SecureServerTest, MutualTlsRefusesACertificateTheClientCaDidNotSign) {
  GrpcServerOptions options = TlsOptions();
  options.tls.client_ca_file = certs_.other_ca.string();
  options.tls.require_client_certificate = true;
  StartServer(std::move(options));
  EXPECT_EQ(Live(Channel(certs_.ca, certs_.client_cert, certs_.client_key)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecureServerTest, OptionalClientCertificateLetsClientsWithoutOneIn) {
  GrpcServerOptions options = TlsOptions();
  options.tls.client_ca_file = certs_.ca.string();
  StartServer(std::move(options));
  EXPECT_FALSE(server_->mutual_tls());
  EXPECT_TRUE(Live(Channel(certs_.ca)).ok());
  EXPECT_TRUE(Live(Channel(certs_.ca, certs_.client_cert, certs_.client_key)).ok());
}

TEST_F(SecureServerTest, TokenGatesEveryKServeRpcButNotHealth) {
  GrpcServerOptions options = TlsOptions();
  options.auth_token_file = WriteToken(absl::StrCat(kToken, "\n")).string();
  StartServer(std::move(options));
  EXPECT_TRUE(server_->token_required());
  auto channel = Channel(certs_.ca);
  const std::string right = absl::StrCat("Bearer ", kToken);

  grpc::Status missing = Infer(channel);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(missing.error_message(), HasSubstr("authorization"));
  grpc::Status wrong = Infer(channel, absl::StrCat("Bearer ", kToken, "x"));
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(wrong.error_message(), HasSubstr("invalid bearer token"));
  EXPECT_THAT(wrong.error_message(), ::testing::Not(HasSubstr(kToken)));
  EXPECT_EQ(Infer(channel, kToken).error_code(), grpc::StatusCode::UNAUTHENTICATED);  // no scheme
  EXPECT_EQ(Live(channel, "Basic dXNlcjpwYXNz").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Live(channel).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Refused requests did no model work.
  EXPECT_EQ(InferenceCount(), 0u);

  grpc::Status live = Live(channel, right);
  EXPECT_TRUE(live.ok()) << live.error_message();
  grpc::Status infer = Infer(channel, right);
  EXPECT_TRUE(infer.ok()) << infer.error_message();
  EXPECT_TRUE(Infer(channel, absl::StrCat("bearer ", kToken)).ok());  // scheme is case-insensitive
  EXPECT_EQ(InferenceCount(), 2u);

  // Health (Kubernetes probes) needs no token.
  EXPECT_TRUE(Health(channel, "").ok());
  EXPECT_TRUE(Health(channel, "inference.GRPCInferenceService").ok());
}

TEST_F(SecureServerTest, TokenGatesTheInferenceStream) {
  GrpcServerOptions options = BaseOptions();  // a token works without TLS too
  options.auth_token_file = WriteToken(kToken).string();
  StartServer(std::move(options));
  EXPECT_FALSE(server_->tls());
  auto stub = inference::GRPCInferenceService::NewStub(Channel());
  for (const bool with_token : {false, true}) {
    SCOPED_TRACE(with_token ? "with token" : "without token");
    grpc::ClientContext context;
    Prepare(&context, with_token ? absl::StrCat("Bearer ", kToken) : "");
    auto stream = stub->ModelStreamInfer(&context);
    inference::ModelInferRequest request;
    request.set_model_name("no_such_model");  // answered inline as an error_message when admitted
    stream->Write(request);
    stream->WritesDone();
    inference::ModelStreamInferResponse response;
    const bool answered = stream->Read(&response);
    grpc::Status status = stream->Finish();
    if (with_token) {
      EXPECT_TRUE(answered);
      EXPECT_THAT(response.error_message(), HasSubstr("no_such_model"));
      EXPECT_TRUE(status.ok()) << status.error_message();
    } else {
      EXPECT_FALSE(answered);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    }
  }
}

TEST_F(SecureServerTest, AuthConfigKnowsClientsByTheirCertificateIdentity) {
  GrpcServerOptions options = TlsOptions();
  options.tls.client_ca_file = certs_.ca.string();  // certificates optional
  testing::WriteTextFile(dir_ / "auth.pbtxt",
                         "client { name: \"by-cert\" identity: \"client\" role: INFERENCE }\n"
                         "client { name: \"cert-and-token\" identity: \"client\" token: \"t2\" "
                         "role: REPOSITORY_ADMIN }\n");
  options.auth_config_file = (dir_ / "auth.pbtxt").string();
  StartServer(std::move(options));
  auto with_cert = Channel(certs_.ca, certs_.client_cert, certs_.client_key);  // CN=client
  auto without_cert = Channel(certs_.ca);
  grpc::Status by_cert = Infer(with_cert);
  EXPECT_TRUE(by_cert.ok()) << by_cert.error_message();
  grpc::Status no_cert = Infer(without_cert);
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The token that belongs with the certificate is refused without it.
  grpc::Status token_only = Infer(without_cert, "Bearer t2");
  EXPECT_EQ(token_only.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(token_only.error_message(), HasSubstr("client certificate"));
  EXPECT_TRUE(Infer(with_cert, "Bearer t2").ok());
  // As "by-cert" (INFERENCE) the certificate alone may not unload.
  auto stub = inference::GRPCInferenceService::NewStub(with_cert);
  grpc::ClientContext context;
  Prepare(&context);
  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("dense");
  inference::RepositoryModelUnloadResponse unloaded;
  grpc::Status refused = stub->RepositoryModelUnload(&context, unload, &unloaded);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(refused.error_message(), HasSubstr("client 'by-cert' (role INFERENCE)"));
}

TEST_F(SecureServerTest, UnusableTlsAndTokenFilesAreCreateErrorsNamingTheFile) {
  struct Case {
    std::string name;
    std::function<void(GrpcServerOptions&)> change;
    absl::StatusCode code;
    std::string mentions;
  };
  const std::string missing = (dir_ / "missing.pem").string();
  const std::string empty = (dir_ / "empty.pem").string();
  const std::string not_pem = (dir_ / "not.pem").string();
  testing::WriteTextFile(empty, "");
  testing::WriteTextFile(not_pem, "hello\n");
  const std::string token_with_space = WriteToken("two words\n").string();
  const std::vector<Case> cases = {
      {"missing certificate", [&](auto& o) { o.tls.certificate_chain_file = missing; },
       absl::StatusCode::kNotFound, missing},
      {"missing key", [&](auto& o) { o.tls.private_key_file = missing; },
       absl::StatusCode::kNotFound, missing},
      {"empty key", [&](auto& o) { o.tls.private_key_file = empty; },
       absl::StatusCode::kInvalidArgument, empty},
      {"certificate not PEM", [&](auto& o) { o.tls.certificate_chain_file = not_pem; },
       absl::StatusCode::kInvalidArgument, not_pem},
      {"key not PEM", [&](auto& o) { o.tls.private_key_file = not_pem; },
       absl::StatusCode::kInvalidArgument, not_pem},
      {"key of another certificate",
       [&](auto& o) { o.tls.private_key_file = certs_.client_key.string(); },
       absl::StatusCode::kInvalidArgument, certs_.client_key.string()},
      {"certificate is a folder", [&](auto& o) { o.tls.certificate_chain_file = dir_.string(); },
       absl::StatusCode::kInvalidArgument, dir_.string()},
      {"certificate without key", [&](auto& o) { o.tls.private_key_file.clear(); },
       absl::StatusCode::kInvalidArgument, "--tls-key"},
      {"missing client CA", [&](auto& o) { o.tls.client_ca_file = missing; },
       absl::StatusCode::kNotFound, missing},
      {"client CA not PEM", [&](auto& o) { o.tls.client_ca_file = not_pem; },
       absl::StatusCode::kInvalidArgument, not_pem},
      {"required client certificate without CA",
       [&](auto& o) { o.tls.require_client_certificate = true; },
       absl::StatusCode::kInvalidArgument, "--tls-client-ca"},
      {"client CA without TLS",
       [&](auto& o) {
         o.tls = {};
         o.tls.client_ca_file = certs_.ca.string();
       },
       absl::StatusCode::kInvalidArgument, "--tls-cert"},
      {"missing token file", [&](auto& o) { o.auth_token_file = missing; },
       absl::StatusCode::kNotFound, missing},
      {"empty token file", [&](auto& o) { o.auth_token_file = empty; },
       absl::StatusCode::kInvalidArgument, empty},
      {"token with inner space", [&](auto& o) { o.auth_token_file = token_with_space; },
       absl::StatusCode::kInvalidArgument, token_with_space},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    GrpcServerOptions options = TlsOptions();
    c.change(options);
    auto server = GrpcServer::Create(std::move(options));
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.status().code(), c.code) << server.status();
    EXPECT_THAT(server.status().message(), HasSubstr(c.mentions));
  }
}

}  // namespace
}  // namespace fpgaas
