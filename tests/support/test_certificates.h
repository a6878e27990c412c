// Test certificates for the server's TLS tests: a CA, a server certificate for localhost and
// 127.0.0.1, and a client certificate, all made with the openssl command (EC P-256 keys) in a
// folder the caller owns. Header-only; used by tests/integration/server and tests/e2e/server.
#ifndef FPGAAS_TESTS_SUPPORT_TEST_CERTIFICATES_H_
#define FPGAAS_TESTS_SUPPORT_TEST_CERTIFICATES_H_

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/test_models.h"

namespace fpgaas::testing {

struct TestCertificates {
  std::filesystem::path ca;  // ca.pem: signs the server and client certificates
  std::filesystem::path server_cert, server_key;
  std::filesystem::path client_cert, client_key;
  std::filesystem::path other_ca;  // other_ca.pem: a CA that signed none of them

  std::string Read(const std::filesystem::path& file) const { return ReadTextFile(file); }
};

// Makes the certificates in `dir` (created); false when openssl is missing or fails (the log is
// dir/openssl.log).
inline bool MakeTestCertificates(const std::filesystem::path& dir, TestCertificates* out) {
  std::filesystem::create_directories(dir);
  WriteTextFile(dir / "san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string script =
      "cd '" + dir.string() + "' && " +
      "openssl req -x509 " + ec + " -keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca && " +
      "openssl req -x509 " + ec +
      " -keyout other_ca.key -out other_ca.pem -days 1 -subj /CN=other-ca && " +
      "openssl req " + ec + " -keyout server.key -out server.csr -subj /CN=localhost && " +
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
      "-days 1 -extfile san.ext && " +
      "openssl req " + ec + " -keyout client.key -out client.csr -subj /CN=client && " +
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem "
      "-days 1";
  if (std::system(("(" + script + ") >'" + (dir / "openssl.log").string() + "' 2>&1").c_str()) !=
      0) {
    return false;
  }
  out->ca = dir / "ca.pem";
  out->server_cert = dir / "server.pem";
  out->server_key = dir / "server.key";
  out->client_cert = dir / "client.pem";
  out->client_key = dir / "client.key";
  out->other_ca = dir / "other_ca.pem";
  return true;
}

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_TEST_CERTIFICATES_H_
