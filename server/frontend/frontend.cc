#include "server/frontend/frontend.h"

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "openssl/bio.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "server/frontend/auth.h"
#include "server/frontend/connections.h"
#include "server/frontend/inference_service.h"
#include "server/metrics/metrics.h"

namespace fpgaas {
namespace {

constexpr char kInferenceServiceName[] = "inference.GRPCInferenceService";

using frontend::ReadCredentialFile;
using frontend::ReadTokenFile;

// What Create read from the option files.
struct Credentials {
  std::string certificate_chain;  // PEM; empty = plaintext
  std::string private_key;        // PEM
  std::string client_ca;          // PEM; empty = client certificates not requested
  std::shared_ptr<const frontend::Authorizer> authorizer;  // never null
};

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
std::unique_ptr<BIO, BioDeleter> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate of a PEM bundle (OpenSSL parses it; gRPC would only say "handshaker
// factory creation failed" at Start).
absl::StatusOr<std::unique_ptr<X509, X509Deleter>> FirstCertificate(const std::string& pem,
                                                                    absl::string_view what,
                                                                    const std::string& path) {
  auto bio = MemoryBio(pem);
  std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", path, " holds no PEM certificate (BEGIN CERTIFICATE)"));
  }
  return cert;
}

absl::StatusOr<Credentials> ReadCredentials(const GrpcServerOptions& options) {
  Credentials credentials;
  const GrpcServerTlsOptions& tls = options.tls;
  if (tls.enabled()) {
    if (tls.certificate_chain_file.empty() || tls.private_key_file.empty()) {
      return absl::InvalidArgumentError(
          "TLS needs both a certificate chain file (--tls-cert) and a private key file "
          "(--tls-key)");
    }
    absl::StatusOr<std::string> chain =
        ReadCredentialFile(tls.certificate_chain_file, "TLS certificate chain (--tls-cert)");
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::string> key =
        ReadCredentialFile(tls.private_key_file, "TLS private key (--tls-key)");
    if (!key.ok()) return key.status();
    absl::StatusOr<std::unique_ptr<X509, X509Deleter>> cert =
        FirstCertificate(*chain, "TLS certificate chain (--tls-cert)", tls.certificate_chain_file);
    if (!cert.ok()) return cert.status();
    auto key_bio = MemoryBio(*key);
    std::unique_ptr<EVP_PKEY, KeyDeleter> pkey(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (pkey == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS private key (--tls-key): ", tls.private_key_file,
                       " holds no unencrypted PEM private key"));
    }
    if (X509_check_private_key(cert->get(), pkey.get()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS private key (--tls-key): ", tls.private_key_file,
                       " does not match the certificate in ", tls.certificate_chain_file));
    }
    credentials.certificate_chain = *std::move(chain);
    credentials.private_key = *std::move(key);
  }
  if (!tls.client_ca_file.empty()) {
    if (!tls.enabled()) {
      return absl::InvalidArgumentError(
          "a client CA (--tls-client-ca) needs TLS on (--tls-cert and --tls-key)");
    }
    absl::StatusOr<std::string> ca =
        ReadCredentialFile(tls.client_ca_file, "TLS client CA (--tls-client-ca)");
    if (!ca.ok()) return ca.status();
    absl::Status parsed =
        FirstCertificate(*ca, "TLS client CA (--tls-client-ca)", tls.client_ca_file).status();
    if (!parsed.ok()) return parsed;
    credentials.client_ca = *std::move(ca);
  } else if (tls.require_client_certificate) {
    return absl::InvalidArgumentError(
        "requiring client certificates (--tls-require-client-cert) needs a client CA file "
        "(--tls-client-ca)");
  }
  absl::StatusOr<std::unique_ptr<frontend::Authorizer>> authorizer =
      frontend::Authorizer::FromFiles(options.auth_token_file, options.auth_config_file);
  if (!authorizer.ok()) return authorizer.status();
  credentials.authorizer = *std::move(authorizer);
  return credentials;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const Credentials& credentials,
                                                           bool require_client_certificate) {
  if (credentials.certificate_chain.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      credentials.client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
      : require_client_certificate  ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                    : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = credentials.client_ca;
  ssl.pem_key_cert_pairs.push_back({credentials.private_key, credentials.certificate_chain});
  return grpc::SslServerCredentials(ssl);
}

class GrpcServerImpl final : public GrpcServer {
 public:
  GrpcServerImpl(GrpcServerOptions options, Credentials credentials)
      : options_(std::move(options)), credentials_(std::move(credentials)) {}

  ~GrpcServerImpl() override {
    if (started_.load()) Shutdown();
  }

  absl::Status Start() override {
    absl::MutexLock lock(&mu_);
    if (server_ != nullptr || shut_down_) {
      return absl::FailedPreconditionError("GrpcServer::Start may be called once");
    }
    frontend::InferenceServiceOptions service_options;
    service_options.core.repository = options_.repository;
    service_options.core.devices = options_.devices;
    service_options.core.clock = options_.clock;
    service_options.core.server_name = options_.server_name;
    service_options.core.server_version = options_.server_version;
    service_options.core.strict_readiness = options_.strict_readiness;
    service_options.core.load_threads = options_.model_load_threads;
    service_options.core.on_models_changed = [this] { RefreshHealth(); };
    service_options.core.shared_memory = options_.shared_memory;
    service_options.authorizer = credentials_.authorizer;
    service_options.stream_limits.max_pending_responses = options_.stream_max_pending_responses;
    service_options.stream_limits.max_pending_bytes = options_.stream_max_pending_bytes;
    service_options.stream_limits.write_timeout = options_.stream_write_timeout;
    service_options.metrics = options_.metrics;
    service_ = std::make_unique<frontend::InferenceService>(std::move(service_options));
    service_for_drain_ = service_.get();

    // Process-wide switches; they take effect for servers built afterwards.
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();

    // fpgaasd accepts the port itself (connections.h: the connection limit, and accepting goes on
    // after EMFILE) and hands each admitted connection to gRPC with the port's credentials.
    std::function<void(ConnectionRefusal)> on_refused;
    if (options_.metrics != nullptr) {
      on_refused = [port = options_.metrics->ForPort("grpc")](ConnectionRefusal reason) {
        port->RecordRefusedConnection(reason == ConnectionRefusal::kOutOfDescriptors);
      };
    }
    connections_ =
        std::make_unique<OpenConnections>(options_.max_connections, std::move(on_refused));
    absl::StatusOr<std::unique_ptr<frontend::TcpAcceptor>> acceptor =
        frontend::TcpAcceptor::Listen(options_.address, options_.port, connections_.get());
    if (!acceptor.ok()) {
      service_.reset();
      return absl::UnavailableError(
          absl::StrCat(acceptor.status().message(), " (address in use or not available)"));
    }
    acceptor_ = *std::move(acceptor);
    grpc::ServerBuilder builder;
    external_connections_ = builder.experimental().AddExternalConnectionAcceptor(
        grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
        ServerCredentials(credentials_, options_.tls.require_client_certificate));
    builder.RegisterService(service_.get());
    builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
    builder.SetMaxSendMessageSize(options_.max_message_bytes);
    if (options_.memory_quota_bytes > 0 || options_.max_threads > 0) {
      grpc::ResourceQuota quota("fpgaasd");
      if (options_.memory_quota_bytes > 0) quota.Resize(options_.memory_quota_bytes);
      if (options_.max_threads > 0) quota.SetMaxThreads(options_.max_threads);
      builder.SetResourceQuota(quota);
    }
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               options_.max_concurrent_streams_per_connection);
    if (!options_.accept_compressed_requests) {
      builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
      builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
    }
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) {
      acceptor_.reset();
      service_.reset();
      return absl::UnavailableError(absl::StrCat(
          "cannot serve on ", options_.address, ":", options_.port,
          tls() ? " (gRPC refused the TLS certificate/key; see gRPC's log above)" : ""));
    }
    bound_port_ = acceptor_->port();
    acceptor_->Start([this](int fd) {
      grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters connection;
      connection.listener_fd = acceptor_->listening_fd();
      connection.fd = fd;
      external_connections_->HandleNewConnection(&connection);
    });
    started_.store(true);
    RefreshHealthLocked();
    health_thread_ = std::thread([this] { HealthLoop(); });
    return absl::OkStatus();
  }

  int port() const override { return bound_port_; }

  std::string listening_address() const override {
    return absl::StrCat(options_.address, ":", bound_port_);
  }

  void Wait() override { stopped_.WaitForNotification(); }
  bool drained() const override { return stopped_.HasBeenNotified() && drained_.load(); }

  void Shutdown() override {
    {
      absl::MutexLock lock(&mu_);
      if (shutting_down_) {
        // Someone else drains; wait for them.
        mu_.Await(absl::Condition(&shut_down_));
        return;
      }
      shutting_down_ = true;
      if (server_ == nullptr) {
        drained_.store(true);  // never served: nothing to drain
        shut_down_ = true;
        stopped_.Notify();
        return;
      }
      service_->StartDraining();
      // NOT_SERVING everywhere, and later SetServingStatus calls are ignored.
      if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    }
    health_thread_.join();
    // No new connection from here on (gRPC would not take it after its Shutdown anyway).
    acceptor_->Stop();
    const absl::Time deadline = absl::Now() + options_.drain_grace_period;
    // gRPC's Shutdown also waits for every connection to close, and an idle client answers the
    // GOAWAY only when it next polls (every 5 s by gRPC's default): once no KServe RPC is in
    // flight, its connections are dropped instead of waited for.
    std::thread drop_idle_connections([this, deadline] {
      if (service_for_drain_->AwaitNoRpcs(deadline)) {
        drained_.store(true);
        grpc_server_cancel_all_calls(server_->c_server());
      }
    });
    // Stops accepting; in-flight RPCs (whose completion comes from the schedulers, still running)
    // get the grace period, then are cancelled. Returns once every reactor has finished.
    server_->Shutdown(absl::ToChronoTime(deadline));
    drop_idle_connections.join();
    server_->Wait();
    std::unique_ptr<frontend::InferenceService> service;
    {
      absl::MutexLock lock(&mu_);
      service = std::move(service_);
    }
    service.reset();  // joins the repository worker (idle: every RPC has finished)
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    stopped_.Notify();
  }

  bool ready() const override {
    absl::MutexLock lock(&mu_);
    return service_ != nullptr && service_->Ready();
  }

  bool tls() const override { return !credentials_.certificate_chain.empty(); }
  bool mutual_tls() const override {
    return tls() && !credentials_.client_ca.empty() && options_.tls.require_client_certificate;
  }
  bool token_required() const override { return credentials_.authorizer->required(); }
  int64_t refused_connections() const override {
    return connections_ != nullptr ? connections_->refused() : 0;
  }

 private:
  void RefreshHealth() {
    absl::MutexLock lock(&mu_);
    RefreshHealthLocked();
  }

  void RefreshHealthLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (server_ == nullptr || shutting_down_) return;
    grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
    if (health == nullptr) return;
    const bool serving = service_->Ready();
    health->SetServingStatus(serving);  // "" and every registered service
    health->SetServingStatus(kInferenceServiceName, serving);
  }

  void HealthLoop() {
    absl::MutexLock lock(&mu_);
    while (!shutting_down_) {
      mu_.AwaitWithTimeout(absl::Condition(&shutting_down_), options_.health_refresh_interval);
      RefreshHealthLocked();
    }
  }

  const GrpcServerOptions options_;
  const Credentials credentials_;
  std::atomic<bool> started_{false};
  std::atomic<bool> drained_{false};  // no KServe RPC was left when the drain ended
  int bound_port_ = 0;                // written by BuildAndStart under mu_, then read-only
  absl::Notification stopped_;
  std::thread health_thread_;

  mutable absl::Mutex mu_;
  std::unique_ptr<frontend::InferenceService> service_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<grpc::Server> server_;  // set under mu_ in Start, then only used
  // Set in Start; the acceptor hands connections to external_connections_ until Shutdown stops it.
  std::unique_ptr<OpenConnections> connections_;
  std::unique_ptr<frontend::TcpAcceptor> acceptor_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> external_connections_;
  // service_ as Start made it; valid until Shutdown resets service_ after the server stopped.
  frontend::InferenceService* service_for_drain_ = nullptr;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Create(GrpcServerOptions options) {
  if (options.repository == nullptr || options.devices == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "GrpcServerOptions: repository, devices and clock are required");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("GrpcServerOptions: port ", options.port, " is not in 0..65535"));
  }
  if (options.max_message_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GrpcServerOptions: max_message_bytes must be positive, got ", options.max_message_bytes));
  }
  if (options.max_concurrent_streams_per_connection < 1 || options.max_threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GrpcServerOptions: max_concurrent_streams_per_connection must be >= 1 (got ",
        options.max_concurrent_streams_per_connection, ") and max_threads >= 0 (got ",
        options.max_threads, ")"));
  }
  if (options.stream_max_pending_responses < 1 || options.stream_max_pending_bytes < 1 ||
      options.stream_write_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GrpcServerOptions: stream_max_pending_responses (", options.stream_max_pending_responses,
        "), stream_max_pending_bytes (", options.stream_max_pending_bytes,
        ") and stream_write_timeout (", absl::FormatDuration(options.stream_write_timeout),
        ") must be positive"));
  }
  if (options.max_connections < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GrpcServerOptions: max_connections must be >= 0 (0 = no limit), got ",
        options.max_connections));
  }
  if (options.model_load_threads < 1 || options.model_load_threads > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--model-load-thread-count must be in 1..64, got ", options.model_load_threads));
  }
  if (options.address.empty()) {
    return absl::InvalidArgumentError("GrpcServerOptions: address must not be empty");
  }
  if (options.health_refresh_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "GrpcServerOptions: health_refresh_interval must be positive");
  }
  absl::StatusOr<Credentials> credentials = ReadCredentials(options);
  if (!credentials.ok()) return credentials.status();
  return std::make_unique<GrpcServerImpl>(std::move(options), *std::move(credentials));
}

}  // namespace fpgaas
