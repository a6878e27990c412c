#include "server/metrics/metrics_endpoint.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "server/metrics/metrics.h"
#include "server/util/evhttp_gate.h"
#include "server/util/open_connections.h"
#include "server/util/tls_context.h"

namespace fpgaas {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(what, ": cannot read ", path, " (", std::strerror(errno), ")"));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Compares every byte whatever the first difference (no timing hint about the token).
bool SameToken(absl::string_view given, const std::string& expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

// OpenConnections' refusal hook: fpgaas_connections_refused_total{port="metrics"}.
std::function<void(ConnectionRefusal)> RefusalCounter(MetricsRegistry* metrics) {
  if (metrics == nullptr) return {};
  return [counter = metrics->ForPort("metrics")](ConnectionRefusal reason) {
    counter->RecordRefusedConnection(reason == ConnectionRefusal::kOutOfDescriptors);
  };
}

class MetricsEndpointImpl final : public MetricsEndpoint {
 public:
  MetricsEndpointImpl(const MetricsEndpointOptions& options, SslContext ssl, std::string token)
      : registry_(options.registry),
        ssl_(std::move(ssl)),
        token_(std::move(token)),
        connections_(options.max_connections, RefusalCounter(options.metrics)) {}

  ~MetricsEndpointImpl() override {
    // loopexit, not loopbreak: event_base_loop clears the break flag when it starts, so a
    // loopbreak that came before the thread reached it was lost and join() waited forever.
    if (base_ != nullptr) event_base_loopexit(base_, nullptr);
    if (thread_.joinable()) thread_.join();
    if (http_ != nullptr) evhttp_free(http_);  // closes its connections
    gate_.reset();
    if (base_ != nullptr) event_base_free(base_);
  }

  absl::Status Start(const std::string& address, int port) {
    base_ = event_base_new();
    http_ = base_ != nullptr ? evhttp_new(base_) : nullptr;
    if (http_ == nullptr) return absl::InternalError("libevent: cannot create the metrics loop");
    evhttp_set_gencb(http_, &MetricsEndpointImpl::OnRequest, this);
    evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_max_headers_size(http_, 16 << 10);
    evhttp_set_max_body_size(http_, 0);
    evhttp_set_timeout(http_, 30);  // idle or slow connections close
    evhttp_bound_socket* bound =
        evhttp_bind_socket_with_handle(http_, address.c_str(), static_cast<uint16_t>(port));
    if (bound == nullptr) {
      return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address, ":", port,
                                                 " (address in use or not available)"));
    }
    sockaddr_storage name{};
    socklen_t length = sizeof(name);
    getsockname(evhttp_bound_socket_get_fd(bound), reinterpret_cast<sockaddr*>(&name), &length);
    port_ = ntohs(name.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&name)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&name)->sin_port);
    gate_ = std::make_unique<EvhttpGate>(base_, &connections_, ssl_.get());
    gate_->Install(http_, bound);
    thread_ = std::thread([this] {
      gate_->EnterThread();
      event_base_dispatch(base_);
    });
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  bool tls() const override { return ssl_ != nullptr; }
  bool token_required() const override { return !token_.empty(); }
  int64_t refused_connections() const override { return connections_.refused(); }

 private:
  static void OnRequest(evhttp_request* request, void* arg) {
    static_cast<MetricsEndpointImpl*>(arg)->Handle(request);
  }

  void Handle(evhttp_request* request) {
    evkeyvalq* out = evhttp_request_get_output_headers(request);
    const char* path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(request));
    if (path == nullptr || absl::string_view(path) != "/metrics") {
      evhttp_send_error(request, 404, "Not Found");
      return;
    }
    if (!token_.empty()) {
      const char* authorization =
          evhttp_find_header(evhttp_request_get_input_headers(request), "Authorization");
      absl::string_view given = authorization != nullptr ? authorization : "";
      if (!absl::ConsumePrefix(&given, "Bearer ") || !SameToken(given, token_)) {
        evhttp_add_header(out, "WWW-Authenticate", "Bearer realm=\"fpgaasd metrics\"");
        evhttp_send_error(request, 401,
                          authorization == nullptr ? "Unauthorized: a bearer token is required"
                                                   : "Unauthorized: invalid bearer token");
        return;
      }
    }
    const std::string body = prometheus::TextSerializer().Serialize(registry_->Collect());
    evhttp_add_header(out, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    evbuffer_add(evhttp_request_get_output_buffer(request), body.data(), body.size());
    evhttp_send_reply(request, 200, "OK", nullptr);
  }

  const std::shared_ptr<prometheus::Registry> registry_;
  const SslContext ssl_;
  const std::string token_;
  OpenConnections connections_;
  std::unique_ptr<EvhttpGate> gate_;
  event_base* base_ = nullptr;
  evhttp* http_ = nullptr;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Create(
    MetricsEndpointOptions options) {
  if (options.registry == nullptr) {
    return absl::InvalidArgumentError("MetricsEndpointOptions: registry is required");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics port ", options.port, " is not in 0..65535"));
  }
  std::string token;
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> read =
        ReadFile(options.token_file, "metrics token (--metrics-token-file)");
    if (!read.ok()) return read.status();
    token = std::string(absl::StripAsciiWhitespace(*read));
    bool printable = !token.empty();
    for (char c : token) {
      printable = printable && !absl::ascii_isspace(static_cast<unsigned char>(c)) &&
                  absl::ascii_isprint(static_cast<unsigned char>(c));
    }
    if (!printable) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metrics token (--metrics-token-file): ", options.token_file,
          " must hold one token (printable characters, no whitespace inside)"));
    }
  }
  if (options.max_connections < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics max_connections must be >= 0 (0 = no limit), got ", options.max_connections));
  }
  SslContext ssl;
  if (!options.tls_certificate_chain_file.empty() || !options.tls_private_key_file.empty()) {
    if (options.tls_certificate_chain_file.empty() || options.tls_private_key_file.empty()) {
      return absl::InvalidArgumentError(
          "metrics TLS needs both a certificate chain file and a private key file");
    }
    for (const auto& [file, what] :
         {std::pair{options.tls_certificate_chain_file, "metrics TLS certificate chain (--tls-cert)"},
          std::pair{options.tls_private_key_file, "metrics TLS private key (--tls-key)"}}) {
      if (absl::Status read = ReadFile(file, what).status(); !read.ok()) return read;
    }
    absl::StatusOr<SslContext> made = MakeServerSslContext(
        {.certificate_chain_file = options.tls_certificate_chain_file,
         .private_key_file = options.tls_private_key_file},
        "metrics TLS");
    if (!made.ok()) return made.status();
    ssl = *std::move(made);
  }
  static std::once_flag threads_once;
  std::call_once(threads_once, [] { evthread_use_pthreads(); });  // loopbreak from another thread
  auto endpoint = std::make_unique<MetricsEndpointImpl>(options, std::move(ssl), std::move(token));
  if (absl::Status started = endpoint->Start(options.address, options.port); !started.ok()) {
    return started;
  }
  return endpoint;
}

}  // namespace fpgaas
