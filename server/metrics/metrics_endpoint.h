// MetricsEndpoint: the Prometheus /metrics HTTP endpoint, optionally over TLS and behind a bearer
// token.
//
// Served by one libevent (evhttp) loop thread, as the HTTP/REST port is, and not by
// prometheus-cpp's Exposer: Debian 12's civetweb 1.15 (the Exposer's server) loads OpenSSL at run
// time and calls SSL_get_peer_certificate, which OpenSSL 3 no longer exports, so every TLS
// connection to it crashed the process (measured: a null function pointer in a civetweb
// worker); and the Exposer's only authentication hook is HTTP Basic. The body is
// prometheus-cpp's text format of the registry, as the Exposer sent it.
//
// Connections are counted against a limit and refused out of descriptors as on the HTTP port
// (server/util/evhttp_gate.h).
//
// Ownership: holds a reference to the registry it exposes. Destruction stops the loop and closes
// every connection. Thread-safe: after Create only port()/tls()/token_required() are called.
#ifndef FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_
#define FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace fpgaas {

class MetricsRegistry;  // metrics.h

struct MetricsEndpointOptions {
  std::string address = "0.0.0.0";  // interface to listen on
  int port = 8002;                   // 0 = pick a free one (see port())
  std::shared_ptr<prometheus::Registry> registry;  // required
  // PEM certificate chain and unencrypted private key (e.g. the gRPC port's --tls-cert and
  // --tls-key): both given = HTTPS (TLS 1.2 and later); both empty = plain HTTP.
  std::string tls_certificate_chain_file;
  std::string tls_private_key_file;
  // Non-empty: a file holding a token (surrounding whitespace ignored); every /metrics request
  // must carry "Authorization: Bearer <token>" (Prometheus: authorization.credentials_file), or
  // gets 401.
  std::string token_file;
  // Connections open at once; a newer one is closed as soon as it is accepted (as on the HTTP
  // port; a scraper opens one or two). 0 = no limit. One that accept() has no descriptor for
  // (EMFILE) is closed at once too, and accepting goes on.
  int max_connections = 64;
  // Not owned; optional: fpgaas_connections_refused_total{port="metrics"}.
  MetricsRegistry* metrics = nullptr;
};

class MetricsEndpoint {
 public:
  // Starts serving. INVALID_ARGUMENT for bad options (one TLS file without the other, a key that
  // does not match the certificate, an empty token or one with inner whitespace, a negative
  // max_connections), NOT_FOUND for
  // unreadable files, UNAVAILABLE when the address cannot be bound; messages name the file.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Create(MetricsEndpointOptions options);
  virtual ~MetricsEndpoint() = default;

  virtual int port() const = 0;
  virtual bool tls() const = 0;
  virtual bool token_required() const = 0;
  // Connections closed at accept so far (over max_connections, or out of descriptors).
  virtual int64_t refused_connections() const = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_METRICS_METRICS_ENDPOINT_H_
