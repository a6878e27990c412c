// TLS and mutual TLS between fpgaas::Client and a TLS-only fake KServe server. Certificates are
// made with the openssl command at test time; the test is skipped where openssl is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fpgaas/client.h"
#include "tests/integration/client/fake_kserve_service.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("tls_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    const std::string d = dir_.string();
    const std::string script =
        "cd " + d +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "
        "ca.key -out ca.pem " +
        "-days 1 -subj /CN=fpgaas-test-ca && " +
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key "
        "-out server.csr " +
        "-subj /CN=localhost && " +
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial " +
        "-out server.pem -days 1 -extfile san.ext && " +
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key "
        "-out client.csr " +
        "-subj /CN=client && " +
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial " +
        "-out client.pem -days 1";
    if (std::system((script + " >openssl.log 2>&1").c_str()) != 0) {
      GTEST_SKIP() << "openssl could not make test certificates";
    }
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = ReadFile(dir_ / "ca.pem");
    ssl.pem_key_cert_pairs.push_back(
        {ReadFile(dir_ / "server.key"), ReadFile(dir_ / "server.pem")});
    server_ = std::make_unique<testing::FakeKServeServer>(true, grpc::SslServerCredentials(ssl));
  }
  void TearDown() override { fs::remove_all(dir_); }

  ClientOptions MutualTls() {
    ClientOptions options;
    options.max_attempts = 1;
    options.tls.enabled = true;
    options.tls.root_certificates_file = (dir_ / "ca.pem").string();
    options.tls.client_certificate_file = (dir_ / "client.pem").string();
    options.tls.client_key_file = (dir_ / "client.key").string();
    options.tls.server_name_override = "localhost";
    return options;
  }

  fs::path dir_;
  std::unique_ptr<testing::FakeKServeServer> server_;
};

TEST_F(TlsTest, MutualTlsInferenceWithBearerToken) {
  ClientOptions options = MutualTls();
  options.bearer_token = "over-tls";
  Client client(server_->address(), options);
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok()) << model.status();
  auto y = model->Infer(std::vector<float>{1, 2, 3});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ::testing::ElementsAre(6));
  auto metadata = server_->service().last_metadata();
  EXPECT_EQ(metadata.find("authorization")->second, "Bearer over-tls");
}

TEST_F(TlsTest, ServerRefusesClientsWithoutCertificateOrTls) {
  ClientOptions no_client_cert = MutualTls();
  no_client_cert.tls.client_certificate_file.clear();
  no_client_cert.tls.client_key_file.clear();
  EXPECT_FALSE(Client(server_->address(), no_client_cert).IsLive().ok());
  ClientOptions plain;
  plain.max_attempts = 1;
  EXPECT_EQ(Client(server_->address(), plain).IsLive().status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, UntrustedServerCertificateIsRejected) {
  ClientOptions wrong_ca = MutualTls();
  wrong_ca.tls.root_certificates_file = (dir_ / "client.pem").string();  // not the CA
  EXPECT_EQ(Client(server_->address(), wrong_ca).IsLive().status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, CertificateWithoutKeyIsAnOptionError) {
  ClientOptions half = MutualTls();
  half.tls.client_key_file.clear();
  auto created = Client::Create(server_->address(), half);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgaas
