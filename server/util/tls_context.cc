#include "server/util/tls_context.h"

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "openssl/err.h"
#include "openssl/ssl.h"

namespace fpgaas {
namespace {

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(e, buffer, sizeof(buffer));
  return buffer;
}

}  // namespace

void SslContextDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

absl::StatusOr<SslContext> MakeServerSslContext(const ServerTlsFiles& files,
                                                absl::string_view what) {
  if (files.certificate_chain_file.empty() || files.private_key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " needs both a certificate chain file (--tls-cert) and a private key file "
              "(--tls-key)"));
  }
  if (files.require_client_certificate && files.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "requiring client certificates (--tls-require-client-cert) needs a client CA file "
        "(--tls-client-ca)");
  }
  SslContext ctx(SSL_CTX_new(TLS_server_method()));
  if (ctx == nullptr) return absl::InternalError(absl::StrCat("OpenSSL: ", OpenSslError()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.certificate_chain_file.c_str()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " certificate chain (--tls-cert): ", files.certificate_chain_file,
        " holds no PEM certificate (", OpenSslError(), ")"));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.private_key_file.c_str(), SSL_FILETYPE_PEM) !=
      1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(what, " private key (--tls-key): ",
                                                   files.private_key_file,
                                                   " holds no unencrypted PEM private key"));
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(what, " private key (--tls-key): ", files.private_key_file,
                     " does not match the certificate in ", files.certificate_chain_file));
  }
  if (!files.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), files.client_ca_file.c_str(), nullptr) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat(what, " client CA (--tls-client-ca): ",
                                                     files.client_ca_file,
                                                     " holds no PEM certificate"));
    }
    SSL_CTX_set_verify(
        ctx.get(),
        SSL_VERIFY_PEER | (files.require_client_certificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
        nullptr);
  }
  return ctx;
}

bufferevent* NewTlsBufferevent(event_base* base, void* ctx) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx));
  if (ssl == nullptr) return nullptr;
  bufferevent* bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                    BEV_OPT_CLOSE_ON_FREE);
  // (On failure libevent frees `ssl` in some paths and not in others: left to it, as before.)
  if (bev != nullptr) bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  return bev;
}

}  // namespace fpgaas
