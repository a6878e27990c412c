#include "server/frontend/frontend.h"

#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/frontend/inference_service.h"

namespace fpgaas {
namespace {

constexpr char kInferenceServiceName[] = "inference.GRPCInferenceService";

class GrpcServerImpl final : public GrpcServer {
 public:
  explicit GrpcServerImpl(GrpcServerOptions options) : options_(std::move(options)) {}

  ~GrpcServerImpl() override {
    if (started_.load()) Shutdown();
  }

  absl::Status Start() override {
    absl::MutexLock lock(&mu_);
    if (server_ != nullptr || shut_down_) {
      return absl::FailedPreconditionError("GrpcServer::Start may be called once");
    }
    frontend::InferenceServiceOptions service_options;
    service_options.repository = options_.repository;
    service_options.devices = options_.devices;
    service_options.clock = options_.clock;
    service_options.server_name = options_.server_name;
    service_options.server_version = options_.server_version;
    service_options.strict_readiness = options_.strict_readiness;
    service_options.on_models_changed = [this] { RefreshHealth(); };
    service_ = std::make_unique<frontend::InferenceService>(std::move(service_options));

    // Process-wide switches; they take effect for servers built afterwards.
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();

    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat(options_.address, ":", options_.port),
                             grpc::InsecureServerCredentials(), &bound_port_);
    builder.RegisterService(service_.get());
    builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
    builder.SetMaxSendMessageSize(options_.max_message_bytes);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || bound_port_ == 0) {
      server_.reset();
      service_.reset();
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.address, ":",
                                                 options_.port,
                                                 " (address in use or not available)"));
    }
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
        shut_down_ = true;
        stopped_.Notify();
        return;
      }
      service_->StartDraining();
      // NOT_SERVING everywhere, and later SetServingStatus calls are ignored.
      if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    }
    health_thread_.join();
    // Stops accepting; in-flight RPCs (whose completion comes from the schedulers, still running)
    // get the grace period, then are cancelled. Returns once every reactor has finished.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_grace_period));
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
  std::atomic<bool> started_{false};
  int bound_port_ = 0;  // written by BuildAndStart under mu_, then read-only
  absl::Notification stopped_;
  std::thread health_thread_;

  mutable absl::Mutex mu_;
  std::unique_ptr<frontend::InferenceService> service_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<grpc::Server> server_;  // set under mu_ in Start, then only used
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
  if (options.address.empty()) {
    return absl::InvalidArgumentError("GrpcServerOptions: address must not be empty");
  }
  if (options.health_refresh_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("GrpcServerOptions: health_refresh_interval must be positive");
  }
  return std::make_unique<GrpcServerImpl>(std::move(options));
}

}  // namespace fpgaas
