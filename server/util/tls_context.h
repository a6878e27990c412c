// The OpenSSL server context of fpgaasd's libevent ports (HTTP/REST and /metrics) and the hook that
// gives each accepted connection a TLS bufferevent on it. The gRPC port uses gRPC's own TLS.
//
// Thread-safety: a made context is only read afterwards (OpenSSL's SSL_CTX is safe to share
// between the loops' threads once set up).
#ifndef FPGAAS_SERVER_UTIL_TLS_CONTEXT_H_
#define FPGAAS_SERVER_UTIL_TLS_CONTEXT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct bufferevent;
struct event_base;
struct ssl_ctx_st;  // SSL_CTX

namespace fpgaas {

struct SslContextDeleter {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslContext = std::unique_ptr<ssl_ctx_st, SslContextDeleter>;

// PEM files of a server (the --tls-* flags). The caller has checked that they can be read (its own
// NOT_FOUND and empty-file messages); this loads them into OpenSSL.
struct ServerTlsFiles {
  std::string certificate_chain_file;  // required
  std::string private_key_file;        // required, unencrypted
  std::string client_ca_file;          // non-empty: client certificates are verified against it
  bool require_client_certificate = false;  // mutual TLS; needs client_ca_file
};

// A TLS 1.2+ server context. INVALID_ARGUMENT when a file holds no PEM certificate or key, the key
// does not match the certificate, or a client certificate is required without a CA; messages
// begin with `what` ("TLS", "metrics TLS") and name the flag and the file.
absl::StatusOr<SslContext> MakeServerSslContext(const ServerTlsFiles& files,
                                                absl::string_view what);

// evhttp_set_bevcb's hook: a server-side TLS bufferevent (socket set later by evhttp) on `ctx`, an
// SSL_CTX* from MakeServerSslContext. A client that closes without close_notify is not an error.
bufferevent* NewTlsBufferevent(event_base* base, void* ctx);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_TLS_CONTEXT_H_
