#include "server/http/http_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string_view>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "openssl/ssl.h"
#include "openssl/x509v3.h"
#include "server/frontend/auth.h"
#include "server/frontend/connections.h"
#include "server/frontend/kserve_core.h"
#include "server/http/http_codec.h"
#include "server/metrics/metrics.h"
#include "server/util/evhttp_gate.h"
#include "server/util/open_connections.h"
#include "server/util/tls_context.h"

namespace fpgaas {
namespace {

using frontend::InferenceContext;
using frontend::KServeCore;

// Status -> HTTP code, as Triton's HTTP frontend maps its error codes (and the codes Triton has
// no equivalent for to their usual HTTP meaning).
int HttpCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAborted: return 500;
    default: return 400;  // invalid argument, failed precondition, out of range, cancelled...
  }
}

const char* Reason(int code) {
  switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 429: return "Too Many Requests";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Internal Server Error";
  }
}

// OpenConnections' refusal hook: fpgaas_connections_refused_total{port} (nothing without metrics).
std::function<void(ConnectionRefusal)> RefusalCounter(MetricsRegistry* metrics,
                                                      std::string_view port) {
  if (metrics == nullptr) return {};
  return [counter = metrics->ForPort(port)](ConnectionRefusal reason) {
    counter->RecordRefusedConnection(reason == ConnectionRefusal::kOutOfDescriptors);
  };
}

// The files are read first for precise NOT_FOUND / empty-file errors (OpenSSL's would only say
// "no such file"), as the gRPC port does.
absl::StatusOr<SslContext> MakeSslContext(const GrpcServerTlsOptions& tls) {
  for (const auto& [file, what] :
       {std::pair{tls.certificate_chain_file, "TLS certificate chain (--tls-cert)"},
        std::pair{tls.private_key_file, "TLS private key (--tls-key)"},
        std::pair{tls.client_ca_file, "TLS client CA (--tls-client-ca)"}}) {
    if (file.empty()) continue;
    if (absl::Status s = frontend::ReadCredentialFile(file, what).status(); !s.ok()) return s;
  }
  return MakeServerSslContext({.certificate_chain_file = tls.certificate_chain_file,
                               .private_key_file = tls.private_key_file,
                               .client_ca_file = tls.client_ca_file,
                               .require_client_certificate = tls.require_client_certificate},
                              "TLS");
}

// The identities of a request's verified client certificate, as gRPC reports a TLS peer's (so that
// --auth-config's `identity` means the same on both ports): every subject alternative name (DNS,
// email, URI, IP address) when the certificate has any, else its common name. Empty without TLS
// or without a verified client certificate.
std::vector<std::string> PeerIdentities(evhttp_request* request) {
  std::vector<std::string> identities;
  evhttp_connection* connection = evhttp_request_get_connection(request);
  bufferevent* bev = connection != nullptr ? evhttp_connection_get_bufferevent(connection) : nullptr;
  SSL* ssl = bev != nullptr ? bufferevent_openssl_get_ssl(bev) : nullptr;
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return identities;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return identities;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    const ASN1_STRING* text = nullptr;
    if (name->type == GEN_DNS) text = name->d.dNSName;
    if (name->type == GEN_EMAIL) text = name->d.rfc822Name;
    if (name->type == GEN_URI) text = name->d.uniformResourceIdentifier;
    if (text != nullptr) {
      identities.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                              ASN1_STRING_length(text));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char buffer[INET6_ADDRSTRLEN] = {};
      const int length = ASN1_STRING_length(ip);
      if ((length == 4 || length == 16) &&
          inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), buffer,
                    sizeof(buffer)) != nullptr) {
        identities.emplace_back(buffer);
      }
    }
  }
  GENERAL_NAMES_free(names);
  if (identities.empty()) {
    X509_NAME* subject = X509_get_subject_name(cert);
    const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at >= 0) {
      const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
      identities.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                              ASN1_STRING_length(cn));
    }
  }
  X509_free(cert);
  return identities;
}

class HttpServerImpl;

struct DisconnectWatch;

// One event-loop thread with its own evhttp on the shared listening socket.
struct Loop {
  HttpServerImpl* server = nullptr;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evhttp_bound_socket* listener = nullptr;
  // Counts and admits the loop's connections (TLS or plain), refuses them out of descriptors.
  std::unique_ptr<EvhttpGate> gate;
  std::thread thread;
  absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;  // no more work may be posted to `base`
  // Disconnect watches of this loop's pending inferences (freed by the reply, or by Shutdown for
  // the answers that never came).
  absl::flat_hash_set<DisconnectWatch*> watches ABSL_GUARDED_BY(mu);
};

// evhttp stops reading a connection once it has read a request, so it notices a client that
// closed only when it replies. While an inference is pending this watches the socket itself: EOF
// (or a reset) cancels the request as a gRPC client's cancellation does (the flag, then the
// scheduler's NotifyCancelled), so it leaves the queue and counts as cancelled. Fires once; data
// (a pipelined next request) ends the watch without cancelling. Loop thread only.
struct DisconnectWatch {
  event* ev = nullptr;
  evutil_socket_t fd = -1;
  std::shared_ptr<std::atomic<bool>> cancelled;
  std::weak_ptr<const ServingModel> model;

  static void OnReadable(evutil_socket_t fd, short, void* arg) {
    auto* watch = static_cast<DisconnectWatch*>(arg);
    char byte;
    const ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      event_add(watch->ev, nullptr);  // spurious wake-up: keep watching
      return;
    }
    watch->cancelled->store(true);
    if (auto model = watch->model.lock()) model->scheduler()->NotifyCancelled();
  }
};

// An inference between its handler and its reply (owned by itself; deleted on the loop thread
// once the reply is sent).
struct PendingInfer {
  HttpServerImpl* server = nullptr;
  Loop* loop = nullptr;
  evhttp_request* request = nullptr;
  inference::ModelInferRequest wire;
  http::OutputEncoding encoding;
  InferenceContext context;
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  DisconnectWatch* watch = nullptr;  // see DisconnectWatch; owned by loop->watches
  // The answer, computed on the scheduler thread.
  absl::Status status;
  std::string body;
  std::optional<size_t> header_length;
};

class HttpServerImpl final : public HttpServer {
 public:
  HttpServerImpl(HttpServerOptions options, SslContext ssl,
                 std::unique_ptr<frontend::Authorizer> authorizer)
      : options_(std::move(options)), ssl_(std::move(ssl)), authorizer_(std::move(authorizer)) {
    frontend::KServeCoreOptions core;
    core.repository = options_.repository;
    core.devices = options_.devices;
    core.clock = options_.clock;
    core.server_name = options_.server_name;
    core.server_version = options_.server_version;
    core.strict_readiness = options_.strict_readiness;
    core.shared_memory = options_.shared_memory;
    core.load_threads = options_.model_load_threads;
    core_ = std::make_unique<KServeCore>(std::move(core));
  }

  ~HttpServerImpl() override { Shutdown(); }

  absl::Status Start() override {
    static std::once_flag threads_once;
    std::call_once(threads_once, [] { evthread_use_pthreads(); });
    absl::MutexLock lock(&mu_);
    if (started_) return absl::FailedPreconditionError("HttpServer::Start may be called once");
    started_ = true;
    evutil_socket_t fd = -1;
    for (int i = 0; i < options_.threads; ++i) {
      auto loop = std::make_unique<Loop>();
      loop->server = this;
      loop->base = event_base_new();
      loop->http = loop->base != nullptr ? evhttp_new(loop->base) : nullptr;
      if (loop->http == nullptr) return absl::InternalError("libevent: cannot create a loop");
      evhttp_set_gencb(loop->http, &HttpServerImpl::OnRequest, loop.get());
      evhttp_set_allowed_methods(loop->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
      evhttp_set_max_body_size(loop->http, options_.max_body_bytes);
      evhttp_set_max_headers_size(loop->http, 64 << 10);
      const timeval idle = absl::ToTimeval(options_.idle_timeout);
      evhttp_set_timeout_tv(loop->http, &idle);
      if (i == 0) {
        loop->listener = evhttp_bind_socket_with_handle(loop->http, options_.address.c_str(),
                                                        static_cast<uint16_t>(options_.port));
        if (loop->listener == nullptr) {
          loops_.push_back(std::move(loop));
          return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.address, ":",
                                                     options_.port,
                                                     " (address in use or not available)"));
        }
        fd = evhttp_bound_socket_get_fd(loop->listener);
        sockaddr_storage bound{};
        socklen_t length = sizeof(bound);
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
        port_ = ntohs(bound.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
      } else {
        // Each loop owns a duplicate, so that each closes its own descriptor.
        loop->listener = evhttp_accept_socket_with_handle(loop->http, dup(fd));
      }
      loop->gate = std::make_unique<EvhttpGate>(loop->base, &connections_, ssl_.get());
      loop->gate->Install(loop->http, loop->listener);
      loops_.push_back(std::move(loop));
    }
    for (auto& loop : loops_) {
      loop->thread = std::thread([loop = loop.get()] {
        loop->gate->EnterThread();
        event_base_dispatch(loop->base);
      });
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  std::string listening_address() const override {
    return absl::StrCat(options_.address, ":", port_);
  }
  bool ready() const override { return core_->Ready(); }
  bool tls() const override { return ssl_ != nullptr; }
  int64_t refused_connections() const override { return connections_.refused(); }

  void Shutdown() override {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    core_->StartDraining();
    // Stop accepting (on each loop's own thread), let in-flight requests be answered.
    for (auto& loop : loops_) {
      if (!loop->thread.joinable()) continue;
      event_base_once(
          loop->base, -1, EV_TIMEOUT,
          [](evutil_socket_t, short, void* arg) {
            Loop* l = static_cast<Loop*>(arg);
            l->gate->Forget();
            if (l->listener != nullptr) evhttp_del_accept_socket(l->http, l->listener);
            l->listener = nullptr;
          },
          loop.get(), nullptr);
    }
    in_flight_mu_.LockWhenWithDeadline(
        absl::Condition(
            +[](std::atomic<int64_t>* n) { return n->load() == 0; }, &in_flight_),
        absl::Now() + options_.drain_grace_period);
    in_flight_mu_.Unlock();
    for (auto& loop : loops_) {
      {
        absl::MutexLock loop_lock(&loop->mu);
        loop->stopped = true;
      }
      // loopexit, not loopbreak: a break asked for before the thread entered event_base_loop is
      // cleared when the loop starts, and join() below would wait forever.
      if (loop->base != nullptr) event_base_loopexit(loop->base, nullptr);
    }
    for (auto& loop : loops_) {
      if (loop->thread.joinable()) loop->thread.join();
      {
        absl::MutexLock loop_lock(&loop->mu);
        for (DisconnectWatch* watch : loop->watches) {
          event_free(watch->ev);
          delete watch;
        }
        loop->watches.clear();
      }
      if (loop->http != nullptr) evhttp_free(loop->http);  // closes its connections
      loop->gate.reset();
      if (loop->base != nullptr) event_base_free(loop->base);
    }
    loops_.clear();
    // core_ lives until destruction (ready() reads it); its repository worker joins then.
  }

 private:
  static void OnRequest(evhttp_request* request, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    loop->server->Handle(request, loop);
  }

  void Started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void Finished() {
    if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      absl::MutexLock lock(&in_flight_mu_);  // wakes Shutdown's wait
    }
  }

  // Sends the reply (loop thread only) and ends the request's count.
  void Reply(evhttp_request* request, const absl::Status& status, std::string body,
             std::optional<size_t> header_length = std::nullopt) {
    evkeyvalq* headers = evhttp_request_get_output_headers(request);
    if (!status.ok()) {
      body = http::ErrorJson(std::string(status.message()));
      evhttp_add_header(headers, "grpc-status",
                        absl::StrCat(static_cast<int>(status.code())).c_str());
    }
    evhttp_add_header(headers, "Content-Type",
                      header_length.has_value() ? "application/octet-stream" : "application/json");
    if (header_length.has_value()) {
      evhttp_add_header(headers, "Inference-Header-Content-Length",
                        absl::StrCat(*header_length).c_str());
    }
    evbuffer* out = evhttp_request_get_output_buffer(request);
    auto* owned = new std::string(std::move(body));
    evbuffer_add_reference(
        out, owned->data(), owned->size(),
        [](const void*, size_t, void* s) { delete static_cast<std::string*>(s); }, owned);
    const int code = HttpCode(status.code());
    evhttp_send_reply(request, code, Reason(code), nullptr);
    Finished();
  }

  // Plain answers without a body (health, model ready).
  void ReplyEmpty(evhttp_request* request, int code) {
    evhttp_send_reply(request, code, Reason(code), nullptr);
    Finished();
  }

  static std::string_view Body(evhttp_request* request) {
    evbuffer* in = evhttp_request_get_input_buffer(request);
    const size_t length = evbuffer_get_length(in);
    if (length == 0) return {};
    return std::string_view(reinterpret_cast<const char*>(evbuffer_pullup(in, -1)), length);
  }

  void Handle(evhttp_request* request, Loop* loop) {
    Started();
    const evhttp_cmd_type method = evhttp_request_get_command(request);
    const char* raw_path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(request));
    std::vector<std::string> segments;
    for (absl::string_view part :
         absl::StrSplit(raw_path != nullptr ? raw_path : "", '/', absl::SkipEmpty())) {
      size_t length = 0;
      char* decoded = evhttp_uridecode(std::string(part).c_str(), 0, &length);
      segments.emplace_back(decoded != nullptr ? std::string(decoded, length) : std::string(part));
      std::free(decoded);
    }
    const auto is = [&](std::initializer_list<const char*> want) {
      if (segments.size() != want.size()) return false;
      size_t i = 0;
      for (const char* w : want) {
        if (segments[i++] != w) return false;
      }
      return true;
    };
    const bool get = method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD;
    const bool post = method == EVHTTP_REQ_POST;
    auto wrong_method = [&](const char* allowed) {
      evhttp_add_header(evhttp_request_get_output_headers(request), "Allow", allowed);
      evhttp_send_reply(request, 405, Reason(405), nullptr);
      Finished();
    };

    // Probes: no token (Kubernetes sends none), as gRPC's Health service.
    if (is({"v2", "health", "live"})) {
      if (!get) return wrong_method("GET");
      return ReplyEmpty(request, 200);
    }
    if (is({"v2", "health", "ready"})) {
      if (!get) return wrong_method("GET");
      return ReplyEmpty(request, core_->Ready() ? 200 : 400);
    }
    if (segments.empty() || segments[0] != "v2") {
      return Reply(request, absl::NotFoundError(absl::StrCat("no such endpoint: ", raw_path)), "");
    }
    // The one door of every KServe endpoint: the Principal every core operation requires.
    const char* authorization =
        evhttp_find_header(evhttp_request_get_input_headers(request), "Authorization");
    const absl::string_view auth_value(authorization != nullptr ? authorization : "");
    absl::StatusOr<frontend::Principal> caller = authorizer_->Authenticate(
        authorization != nullptr ? &auth_value : nullptr, PeerIdentities(request));
    if (!caller.ok()) return Reply(request, caller.status(), "");
    if (is({"v2"})) {
      if (!get) return wrong_method("GET");
      inference::ServerMetadataResponse metadata;
      absl::Status s = core_->ServerMetadata(*caller, &metadata);
      return Reply(request, s, s.ok() ? http::ServerMetadataJson(metadata) : "");
    }
    if (is({"v2", "models", "stats"})) {
      if (!get) return wrong_method("GET");
      inference::ModelStatisticsResponse stats;
      absl::Status s = core_->ModelStatistics(*caller, {}, &stats);
      return Reply(request, s, s.ok() ? http::ModelStatisticsJson(stats) : "");
    }
    if (is({"v2", "repository", "index"})) {
      if (!post) return wrong_method("POST");
      inference::RepositoryIndexRequest index_request;
      if (absl::Status s = http::DecodeRepositoryIndexRequest(Body(request), &index_request);
          !s.ok()) {
        return Reply(request, s, "");
      }
      inference::RepositoryIndexResponse index;
      absl::Status s = core_->RepositoryIndex(*caller, index_request, &index);
      return Reply(request, s, s.ok() ? http::RepositoryIndexJson(index) : "");
    }
    if (segments.size() >= 2 &&
        (segments[1] == "systemsharedmemory" || segments[1] == "cudasharedmemory")) {
      return SharedMemory(*caller, request, segments, get, post, wrong_method);
    }
    if (segments.size() == 5 && segments[1] == "repository" && segments[2] == "models" &&
        (segments[4] == "load" || segments[4] == "unload")) {
      if (!post) return wrong_method("POST");
      return RepositoryChange(*caller, request, loop, segments[3], segments[4] == "load");
    }
    if (segments.size() >= 3 && segments[1] == "models") {
      const std::string& model = segments[2];
      std::string version;
      size_t next = 3;
      if (segments.size() >= 5 && segments[3] == "versions") {
        version = segments[4];
        next = 5;
      }
      const std::string action = next < segments.size() ? segments[next] : "";
      if (next + (action.empty() ? 0 : 1) == segments.size()) {
        if (action.empty()) {
          if (!get) return wrong_method("GET");
          inference::ModelMetadataRequest r;
          r.set_name(model);
          r.set_version(version);
          inference::ModelMetadataResponse metadata;
          absl::Status s = core_->ModelMetadata(*caller, r, &metadata);
          return Reply(request, s, s.ok() ? http::ModelMetadataJson(metadata) : "");
        }
        if (action == "ready") {
          if (!get) return wrong_method("GET");
          inference::ModelReadyRequest r;
          r.set_name(model);
          r.set_version(version);
          absl::StatusOr<bool> ready = core_->ModelReady(*caller, r);
          if (!ready.ok()) return Reply(request, ready.status(), "");
          return ReplyEmpty(request, *ready ? 200 : 400);
        }
        if (action == "config") {
          if (!get) return wrong_method("GET");
          inference::ModelConfigRequest r;
          r.set_name(model);
          r.set_version(version);
          inference::ModelConfigResponse config;
          absl::Status s = core_->ModelConfig(*caller, r, &config);
          return Reply(request, s, s.ok() ? http::ModelConfigJson(config) : "");
        }
        if (action == "stats") {
          if (!get) return wrong_method("GET");
          inference::ModelStatisticsRequest r;
          r.set_name(model);
          r.set_version(version);
          inference::ModelStatisticsResponse stats;
          absl::Status s = core_->ModelStatistics(*caller, r, &stats);
          return Reply(request, s, s.ok() ? http::ModelStatisticsJson(stats) : "");
        }
        if (action == "infer") {
          if (!post) return wrong_method("POST");
          return Infer(*caller, request, loop, model, version);
        }
      }
    }
    Reply(request, absl::NotFoundError(absl::StrCat("no such endpoint: ", raw_path)), "");
  }

  // /v2/{system,cuda}sharedmemory[/region/{name}]/{status,register,unregister} (Triton's URLs).
  // Permissions as the gRPC RPCs': status kServer, register/unregister kRepositoryAdmin.
  template <typename WrongMethod>
  void SharedMemory(const frontend::Principal& caller, evhttp_request* request,
                    const std::vector<std::string>& segments, bool get, bool post,
                    WrongMethod& wrong_method) {
    const bool system = segments[1] == "systemsharedmemory";
    std::string region;
    std::string action;
    if (segments.size() == 3) {
      action = segments[2];
    } else if (segments.size() == 5 && segments[2] == "region") {
      region = segments[3];
      action = segments[4];
    }
    frontend::SharedMemoryManager* shm = core_->shared_memory();
    if (action == "register" || action == "unregister" || action == "status") {
      if ((action == "status" && !get) || (action != "status" && !post)) {
        return wrong_method(action == "status" ? "GET" : "POST");
      }
      const frontend::Permission needed = action == "status"
                                              ? frontend::Permission::kServer
                                              : frontend::Permission::kRepositoryAdmin;
      if (absl::Status allowed = caller.Authorize(needed, ""); !allowed.ok()) {
        return Reply(request, allowed, "");
      }
    }
    if (action == "status") {
      if (!system) {
        inference::CudaSharedMemoryStatusRequest r;
        r.set_name(region);
        inference::CudaSharedMemoryStatusResponse status;
        absl::Status s = shm->CudaStatus(r, &status);
        return Reply(request, s, s.ok() ? "[]" : "");
      }
      inference::SystemSharedMemoryStatusRequest r;
      r.set_name(region);
      inference::SystemSharedMemoryStatusResponse status;
      absl::Status s = shm->SystemStatus(r, &status);
      return Reply(request, s, s.ok() ? http::SystemSharedMemoryStatusJson(status) : "");
    }
    if (action == "register") {
      if (!system) {
        return Reply(request, shm->CudaRegister(inference::CudaSharedMemoryRegisterRequest()), "");
      }
      if (region.empty()) {
        return Reply(request,
                     absl::InvalidArgumentError("'region name' is necessary to register system "
                                                "shared memory region"),
                     "");
      }
      inference::SystemSharedMemoryRegisterRequest r;
      absl::Status s = http::DecodeSystemSharedMemoryRegisterRequest(Body(request), region, &r);
      if (s.ok()) s = shm->SystemRegister(r);
      return Reply(request, s, "");
    }
    if (action == "unregister") {
      if (!system) {
        inference::CudaSharedMemoryUnregisterRequest r;
        r.set_name(region);
        return Reply(request, shm->CudaUnregister(r), "");
      }
      inference::SystemSharedMemoryUnregisterRequest r;
      r.set_name(region);
      return Reply(request, shm->SystemUnregister(r), "");
    }
    const char* raw_path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(request));
    Reply(request,
          absl::NotFoundError(absl::StrCat("no such endpoint: ", raw_path != nullptr ? raw_path : "")),
          "");
  }

  void RepositoryChange(const frontend::Principal& caller, evhttp_request* request, Loop* loop,
                        const std::string& model, bool load) {
    // The reply is posted back to this loop when the core's worker is done.
    auto done = [this, request, loop](absl::Status status) {
      auto* answer = new std::pair<HttpServerImpl*, std::pair<evhttp_request*, absl::Status>>(
          this, {request, std::move(status)});
      absl::MutexLock lock(&loop->mu);
      if (loop->stopped) {
        delete answer;
        Finished();
        return;
      }
      event_base_once(
          loop->base, -1, EV_TIMEOUT,
          [](evutil_socket_t, short, void* arg) {
            std::unique_ptr<std::pair<HttpServerImpl*, std::pair<evhttp_request*, absl::Status>>>
                a(static_cast<std::pair<HttpServerImpl*,
                                        std::pair<evhttp_request*, absl::Status>>*>(arg));
            a->first->Reply(a->second.first, a->second.second, "");
          },
          answer, nullptr);
    };
    if (load) {
      inference::RepositoryModelLoadRequest r;
      if (absl::Status s = http::DecodeModelLoadRequest(Body(request), &r); !s.ok()) {
        return Reply(request, s, "");
      }
      r.set_model_name(model);
      core_->RepositoryModelLoad(caller, r, std::move(done));
    } else {
      inference::RepositoryModelUnloadRequest r;
      r.set_model_name(model);
      core_->RepositoryModelUnload(caller, r, std::move(done));
    }
  }

  void Infer(const frontend::Principal& caller, evhttp_request* request, Loop* loop,
             const std::string& model, const std::string& version) {
    evkeyvalq* headers = evhttp_request_get_input_headers(request);
    if (const char* encoding = evhttp_find_header(headers, "Content-Encoding");
        encoding != nullptr && std::string_view(encoding) != "identity") {
      return Reply(request,
                   absl::UnimplementedError(absl::StrCat(
                       "Content-Encoding '", encoding, "' is not supported (send identity)")),
                   "");
    }
    std::optional<size_t> header_length;
    if (const char* value = evhttp_find_header(headers, "Inference-Header-Content-Length")) {
      size_t parsed = 0;
      if (!absl::SimpleAtoi(value, &parsed)) {
        return Reply(request,
                     absl::InvalidArgumentError(absl::StrCat(
                         "Inference-Header-Content-Length '", value, "' is not a byte count")),
                     "");
      }
      header_length = parsed;
    }
    auto pending = std::make_unique<PendingInfer>();
    pending->server = this;
    pending->loop = loop;
    pending->request = request;
    if (absl::Status s = http::DecodeInferRequest(Body(request), header_length, model, version,
                                                  &pending->wire, &pending->encoding);
        !s.ok()) {
      return Reply(request, s, "");
    }
    PendingInfer* p = pending.release();
    // Armed now, it can fire only after this handler returns (same loop thread).
    DisconnectWatch* watch = WatchForDisconnect(request, loop, p->cancelled);
    p->watch = watch;
    std::shared_ptr<const ServingModel> enqueued_on;
    // `done` cannot reply before this handler returns: the reply is posted to this very loop. A
    // stopping server may drop `p` from the scheduler thread, though: after an OK start `p` is not
    // touched here (the watch belongs to the loop and outlives it).
    absl::Status started = frontend::StartInference(
        caller, core_->repository(), core_->clock(), p->wire, absl::InfiniteFuture(), p->cancelled,
        &p->context, [p](absl::StatusOr<InferenceResult> result) { Complete(p, std::move(result)); },
        &enqueued_on, core_->shared_memory());
    if (!started.ok()) {
      EndWatch(loop, watch);
      delete p;
      return Reply(request, started, "");
    }
    if (watch != nullptr) watch->model = enqueued_on;
  }

  // Loop thread: a watch on `request`'s connection (null when it has no socket), listed in the loop.
  static DisconnectWatch* WatchForDisconnect(evhttp_request* request, Loop* loop,
                                             std::shared_ptr<std::atomic<bool>> cancelled) {
    evhttp_connection* connection = evhttp_request_get_connection(request);
    bufferevent* bev = connection != nullptr ? evhttp_connection_get_bufferevent(connection) : nullptr;
    const evutil_socket_t fd = bev != nullptr ? bufferevent_getfd(bev) : -1;
    if (fd < 0) return nullptr;
    auto watch = std::make_unique<DisconnectWatch>();
    watch->fd = fd;
    watch->cancelled = std::move(cancelled);
    watch->ev = event_new(loop->base, fd, EV_READ, &DisconnectWatch::OnReadable, watch.get());
    if (watch->ev == nullptr || event_add(watch->ev, nullptr) != 0) {
      if (watch->ev != nullptr) event_free(watch->ev);
      return nullptr;
    }
    absl::MutexLock lock(&loop->mu);
    loop->watches.insert(watch.get());
    return watch.release();
  }

  // Loop thread: the reply is about to be sent (or the request was refused).
  static void EndWatch(Loop* loop, DisconnectWatch* watch) {
    if (watch == nullptr) return;
    absl::MutexLock lock(&loop->mu);
    loop->watches.erase(watch);
    event_free(watch->ev);
    delete watch;
  }

  // Scheduler thread: encodes the answer, then posts the reply to the request's loop.
  static void Complete(PendingInfer* p, absl::StatusOr<InferenceResult> result) {
    p->status = result.status();
    if (p->status.ok()) {
      inference::ModelInferResponse response;
      p->status = frontend::FinishInference(p->context, *result, &response);
      if (p->status.ok()) {
        absl::StatusOr<std::string> body =
            http::EncodeInferResponse(response, p->encoding, &p->header_length);
        if (body.ok()) {
          p->body = *std::move(body);
        } else {
          p->status = body.status();
        }
      }
    }
    {
      absl::MutexLock lock(&p->loop->mu);
      if (!p->loop->stopped) {
        event_base_once(
            p->loop->base, -1, EV_TIMEOUT,
            [](evutil_socket_t, short, void* arg) {
              std::unique_ptr<PendingInfer> done(static_cast<PendingInfer*>(arg));
              EndWatch(done->loop, done->watch);
              done->server->Reply(done->request, done->status, std::move(done->body),
                                  done->header_length);
            },
            p, nullptr);
        return;
      }
    }
    // The server stopped waiting for this answer (drain grace period over): nobody replies.
    p->server->Finished();
    delete p;
  }

  const HttpServerOptions options_;
  const SslContext ssl_;
  const std::unique_ptr<const frontend::Authorizer> authorizer_;  // never null
  std::unique_ptr<KServeCore> core_;  // never null
  std::atomic<int64_t> in_flight_{0};
  absl::Mutex in_flight_mu_;
  int port_ = 0;
  OpenConnections connections_{options_.max_connections, RefusalCounter(options_.metrics, "http")};

  absl::Mutex mu_;  // Start / Shutdown
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::unique_ptr<Loop>> loops_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(HttpServerOptions options) {
  if (options.repository == nullptr || options.devices == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "HttpServerOptions: repository, devices and clock are required");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("HttpServerOptions: port ", options.port, " is not in 0..65535"));
  }
  if (options.threads < 1 || options.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("HttpServerOptions: threads must be in 1..256, got ", options.threads));
  }
  if (options.max_connections < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HttpServerOptions: max_connections must be >= 0 (0 = no limit), got ",
        options.max_connections));
  }
  if (options.max_body_bytes <= 0) {
    return absl::InvalidArgumentError("HttpServerOptions: max_body_bytes must be positive");
  }
  if (options.model_load_threads < 1 || options.model_load_threads > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--model-load-thread-count must be in 1..64, got ", options.model_load_threads));
  }
  if (options.address.empty()) {
    return absl::InvalidArgumentError("HttpServerOptions: address must not be empty");
  }
  SslContext ssl;
  if (options.tls.enabled()) {
    absl::StatusOr<SslContext> made = MakeSslContext(options.tls);
    if (!made.ok()) return made.status();
    ssl = *std::move(made);
  } else if (!options.tls.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "a client CA (--tls-client-ca) needs TLS on (--tls-cert and --tls-key)");
  } else if (options.tls.require_client_certificate) {
    return absl::InvalidArgumentError(
        "requiring client certificates (--tls-require-client-cert) needs a client CA file "
        "(--tls-client-ca)");
  }
  absl::StatusOr<std::unique_ptr<frontend::Authorizer>> authorizer =
      frontend::Authorizer::FromFiles(options.auth_token_file, options.auth_config_file);
  if (!authorizer.ok()) return authorizer.status();
  return std::make_unique<HttpServerImpl>(std::move(options), std::move(ssl),
                                          *std::move(authorizer));
}

}  // namespace fpgaas
