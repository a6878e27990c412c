// The connection options every tool subcommand accepts (--server, TLS, token, deadline, gzip).
#ifndef FPGAAS_CLIENT_TOOLS_COMMON_CONNECTION_FLAGS_H_
#define FPGAAS_CLIENT_TOOLS_COMMON_CONNECTION_FLAGS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "client/tools/common/args.h"
#include "fpgaas/client.h"

namespace fpgaas::tools {

struct ConnectionFlags {
  static constexpr int64_t kMaxRetries = 4;  // gRPC allows at most 5 attempts

  std::string server = "localhost:8001";
  std::string token;
  int64_t timeout_ms = 10000;
  int64_t retries = 2;  // retries after the first attempt: attempts = retries + 1
  bool tls = false;
  std::string root_cert;
  std::string client_cert;
  std::string client_key;
  std::string tls_server_name;
  bool gzip = false;

  void AddTo(ArgParser& parser) {
    parser.Add("server", &server,
               "server address: host:port, a comma-separated list (round-robin), or a gRPC target");
    parser.Add("token", &token, "bearer token sent as 'authorization: Bearer <token>'");
    parser.Add("timeout-ms", &timeout_ms, "deadline of each call in ms (0 = none)");
    parser.Add("retries", &retries,
               "retries per call on UNAVAILABLE, with exponential backoff (0-4; each adds load "
               "to a server whose queue is full)");
    parser.Add("tls", &tls, "use TLS");
    parser.Add("root-cert", &root_cert, "PEM file of the server's CA (with --tls)");
    parser.Add("client-cert", &client_cert, "PEM client certificate for mutual TLS");
    parser.Add("client-key", &client_key, "PEM client private key for mutual TLS");
    parser.Add("tls-server-name", &tls_server_name, "host name to verify in the certificate");
    parser.Add("gzip", &gzip, "compress requests with gzip");
    parser.AddCheck([this] {
      if (retries < 0 || retries > kMaxRetries) {
        return absl::InvalidArgumentError(
            absl::StrCat("--retries must be between 0 and ", kMaxRetries, ", got ", retries));
      }
      if (timeout_ms < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--timeout-ms must be >= 0, got ", timeout_ms));
      }
      return absl::OkStatus();
    });
  }

  ClientOptions ToOptions() const {
    ClientOptions options;
    options.bearer_token = token;
    options.deadline = std::chrono::milliseconds(timeout_ms);
    options.max_attempts = static_cast<int>(retries) + 1;
    options.tls.enabled = tls || !root_cert.empty() || !client_cert.empty();
    options.tls.root_certificates_file = root_cert;
    options.tls.client_certificate_file = client_cert;
    options.tls.client_key_file = client_key;
    options.tls.server_name_override = tls_server_name;
    options.gzip = gzip;
    return options;
  }
};

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_COMMON_CONNECTION_FLAGS_H_
