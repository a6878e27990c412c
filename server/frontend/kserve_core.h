// Internal to fpgaasd's frontends: the KServe v2 operations independent of the transport. The gRPC
// service (inference_service.h) and the HTTP/REST server (server/http/) both decode their wire
// format into these protobuf messages and call the same functions, so validation, answers and
// statuses are the same whichever protocol a client speaks. Authentication stays with the
// transports (both call auth.h's CheckBearerValue). Thread-safe; borrowed dependencies must
// outlive the core. Destruction waits for queued repository work.
#ifndef FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_
#define FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/grpc_service.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/shared_memory.h"
#include "server/repository/repository.h"
#include "server/scheduler/scheduler.h"
#include "server/util/clock.h"

namespace fpgaas::frontend {

struct KServeCoreOptions {
  ModelRepository* repository = nullptr;  // required
  DeviceManager* devices = nullptr;       // required
  Clock* clock = nullptr;                 // required
  std::string server_name = "fpgaas";
  std::string server_version;
  bool strict_readiness = false;
  // Called on the worker thread after every load or unload (the gRPC server refreshes health).
  std::function<void()> on_models_changed;
  // Registered shared-memory regions, shared by the gRPC and HTTP servers of one fpgaasd. Null: the
  // core makes its own with client shared memory disabled.
  std::shared_ptr<SharedMemoryManager> shared_memory;
};

// One thread running submitted tasks in order. Destruction runs what is queued, then joins.
class SerialWorker {
 public:
  SerialWorker();
  ~SerialWorker();
  void Submit(absl::AnyInvocable<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// What the completion of one accepted inference needs; filled before the request is enqueued.
struct InferenceContext {
  std::shared_ptr<const ServingModel> model;
  int batch_size = 0;
  std::string id;
  // Requested outputs that go to shared memory (their regions stay mapped until the context goes).
  std::vector<SharedMemoryOutput> shared_memory_outputs;
};

// Resolves the model, reads shared-memory inputs from `shared_memory` (may be null: then none may be
// used), decodes and validates `wire` (moving its raw input bytes out) and enqueues the request. On OK, `done` is called exactly once from a scheduler thread, *context is filled
// and *enqueued_on is the model version whose scheduler has the request (the caller's to call
// NotifyCancelled on when it sets `cancelled`). On error `done` is never called (it is destroyed
// here) and the status says why.
absl::Status StartInference(ModelRepository* repository, Clock* clock,
                            inference::ModelInferRequest& wire, absl::Time client_deadline,
                            const std::shared_ptr<std::atomic<bool>>& cancelled,
                            InferenceContext* context,
                            absl::AnyInvocable<void(absl::StatusOr<InferenceResult>)> done,
                            std::shared_ptr<const ServingModel>* enqueued_on,
                            const SharedMemoryManager* shared_memory = nullptr);

// Fills `response` from a finished inference (see infer_codec.h's EncodeInferResponse) and writes
// the outputs that go to shared memory there.
absl::Status FinishInference(const InferenceContext& context, InferenceResult& result,
                             inference::ModelInferResponse* response);

class KServeCore {
 public:
  explicit KServeCore(KServeCoreOptions options);

  // Devices in service, every loaded model version ready (strict: every version READY), and not
  // draining.
  bool Ready() const;
  // From now on Ready() and ModelReady() answer false (a drain's first step).
  void StartDraining() { draining_.store(true); }
  bool draining() const { return draining_.load(); }

  // Known but not ready is `false`, not an error; an unknown model or version is NOT_FOUND.
  absl::StatusOr<bool> ModelReady(const inference::ModelReadyRequest& request) const;
  void ServerMetadata(inference::ServerMetadataResponse* response) const;
  absl::Status ModelMetadata(const inference::ModelMetadataRequest& request,
                             inference::ModelMetadataResponse* response) const;
  absl::Status ModelConfig(const inference::ModelConfigRequest& request,
                           inference::ModelConfigResponse* response) const;
  absl::Status ModelStatistics(const inference::ModelStatisticsRequest& request,
                               inference::ModelStatisticsResponse* response) const;
  void RepositoryIndex(const inference::RepositoryIndexRequest& request,
                       inference::RepositoryIndexResponse* response) const;
  // Loads and unloads run on the core's worker thread (they read files and program devices);
  // `done` is called there. A bad parameter is answered at once (on the caller's thread).
  void RepositoryModelLoad(const inference::RepositoryModelLoadRequest& request,
                           absl::AnyInvocable<void(absl::Status)> done);
  void RepositoryModelUnload(const inference::RepositoryModelUnloadRequest& request,
                             absl::AnyInvocable<void(absl::Status)> done);

  ModelRepository* repository() const { return options_.repository; }
  Clock* clock() const { return options_.clock; }
  // Never null. The shared-memory status/register/unregister operations are its methods.
  SharedMemoryManager* shared_memory() const { return options_.shared_memory.get(); }

 private:
  KServeCoreOptions options_;
  std::atomic<bool> draining_{false};
  SerialWorker repository_worker_;  // last: joined first on destruction
};

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_
