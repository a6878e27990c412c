// The connection options every tool subcommand accepts (--server, TLS, token, deadline, gzip).
#ifndef FPGAAS_CLIENT_TOOLS_COMMON_CONNECTION_FLAGS_H_
#define FPGAAS_CLIENT_TOOLS_COMMON_CONNECTION_FLAGS_H_

#include <string>

#include "client/tools/common/args.h"
#include "fpgaas/client.h"

namespace fpgaas::tools {

struct ConnectionFlags {
  std::string server = "localhost:8001";
  std::string token;
  int64_t timeout_ms = 10000;
  int64_t retries = 3;
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
    parser.Add("retries", &retries, "attempts per call on UNAVAILABLE");
    parser.Add("tls", &tls, "use TLS");
    parser.Add("root-cert", &root_cert, "PEM file of the server's CA (with --tls)");
    parser.Add("client-cert", &client_cert, "PEM client certificate for mutual TLS");
    parser.Add("client-key", &client_key, "PEM client private key for mutual TLS");
    parser.Add("tls-server-name", &tls_server_name, "host name to verify in the certificate");
    parser.Add("gzip", &gzip, "compress requests with gzip");
  }

  ClientOptions ToOptions() const {
    ClientOptions options;
    options.bearer_token = token;
    options.deadline = std::chrono::milliseconds(timeout_ms);
    options.max_attempts = static_cast<int>(retries);
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
