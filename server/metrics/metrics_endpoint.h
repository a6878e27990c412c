// MetricsEndpoint: the Prometheus /metrics HTTP endpoint (prometheus-cpp's Exposer, on civetweb),
// optionally over TLS and behind a token.
//
// TLS reuses PEM files such as the gRPC port's --tls-cert/--tls-key: civetweb wants the key and
// the certificate in one file, so they are joined in an anonymous in-memory file (memfd) that
// civetweb reads once at start; nothing is written to disk. civetweb loads libssl.so at run time
// (dlopen): without it, Create fails saying so.
// The token is asked as HTTP Basic authentication whose password is the token (any user name;
// prometheus-cpp's Exposer has no other hook; Prometheus: basic_auth.password_file): a scrape
// without it gets 401.
//
// Ownership: holds a reference to the registry it exposes. Destruction stops the server (and
// does not wait civetweb's 2 s accept poll: see the .cc). Not copyable; no calls after Create but
// port(), so thread-safe.
#ifndef FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_
#define FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace fpgaas {

struct MetricsEndpointOptions {
  std::string address = "0.0.0.0";  // IPv4 interface
  int port = 8002;                   // 0 = pick a free one (see port())
  std::shared_ptr<prometheus::Registry> registry;  // required
  // PEM certificate chain and unencrypted private key: both given = HTTPS; both empty = HTTP.
  std::string tls_certificate_chain_file;
  std::string tls_private_key_file;
  // Non-empty: a file holding a token (surrounding whitespace ignored) that every /metrics
  // request must send as its HTTP Basic password.
  std::string token_file;
};

class MetricsEndpoint {
 public:
  // Starts serving. INVALID_ARGUMENT for bad options (one TLS file without the other, an empty
  // token or one with inner whitespace), NOT_FOUND for unreadable files, UNAVAILABLE when the address cannot be bound
  // or civetweb cannot set up TLS; messages name the option and the file.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Create(MetricsEndpointOptions options);
  ~MetricsEndpoint();

  int port() const { return port_; }
  bool tls() const { return tls_; }
  bool token_required() const { return token_required_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, std::string knock_host, int port,
                  bool tls, bool token_required);

  std::unique_ptr<prometheus::Exposer> exposer_;
  const std::string knock_host_;
  const int port_;
  const bool tls_;
  const bool token_required_;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_
