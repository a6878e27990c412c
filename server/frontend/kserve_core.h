// Internal to fpgaasd's frontends: the KServe v2 operations independent of the transport. The gRPC
// service (inference_service.h) and the HTTP/REST server (server/http/) both decode their wire
// format into these protobuf messages and call the same functions, so validation, answers and
// statuses are the same whichever protocol a client speaks. The transports authenticate (auth.h's
// Authorizer turns a call's credentials into a Principal); every operation here takes that
// Principal and authorizes it first (PERMISSION_DENIED / RESOURCE_EXHAUSTED before any model
// work), so one check covers both transports and an operation cannot be reached without it.
// Thread-safe; borrowed dependencies must outlive the core. Destruction waits for queued
// repository work.
#ifndef FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_
#define FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/grpc_service.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/auth.h"
#include "server/frontend/infer_codec.h"
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
  // Threads running repository loads and unloads: different models' in parallel (up to this
  // many at once), one model's one at a time in the order they arrived (--model-load-thread-count).
  int load_threads = 4;
  // Called on a worker thread after every load or unload (the gRPC server refreshes health).
  std::function<void()> on_models_changed;
  // Registered shared-memory regions, shared by the gRPC and HTTP servers of one fpgaasd. Null: the
  // core makes its own with client shared memory disabled.
  std::shared_ptr<SharedMemoryManager> shared_memory;
};

// `threads` threads running submitted tasks: tasks of different keys in parallel, tasks of one
// key one at a time in submission order (a key waiting for its running task holds no thread).
// Destruction runs what is queued, then joins.
class KeyedWorkerPool {
 public:
  explicit KeyedWorkerPool(int threads);
  ~KeyedWorkerPool();
  void Submit(std::string key, absl::AnyInvocable<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  // Tasks not yet started, per key; a key is listed while it has tasks or one running.
  absl::flat_hash_map<std::string, std::deque<absl::AnyInvocable<void()>>> queued_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> running_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> runnable_ ABSL_GUARDED_BY(mu_);  // keys with tasks, none running
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// What the completion of one accepted inference needs; filled before the request is enqueued.
struct InferenceContext {
  std::shared_ptr<const ServingModel> model;
  ModelSignature signature;  // *model's (a view into it), taken once per request
  int batch_size = 0;
  std::string id;
  std::vector<int> requested_outputs;  // DecodedRequestOptions::requested_outputs
  // Requested outputs that go to shared memory (their regions stay mapped until the context goes).
  std::vector<SharedMemoryOutput> shared_memory_outputs;
};

// Authorizes `caller` (Permission::kInfer on the model), resolves the model, reads shared-memory
// inputs from `shared_memory` (may be null: then none may be used), decodes and validates `wire`
// (moving its raw input bytes out) and enqueues the request. On OK, `done` is called exactly once
// from a scheduler thread, *context is filled
// and *enqueued_on is the model version whose scheduler has the request (the caller's to call
// NotifyCancelled on when it sets `cancelled`). On error `done` is never called (it is destroyed
// here) and the status says why.
absl::Status StartInference(const Principal& caller, ModelRepository* repository, Clock* clock,
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

  // Each operation first checks what `caller` may do (auth.h's Permission): kServer for the
  // server-wide ones, kModelRead for one model's, kRepositoryAdmin (and the registration quota)
  // for loads and unloads. Lists (the index, statistics of all models) show only the models the
  // caller may use.
  absl::Status ServerLive(const Principal& caller) const;
  absl::StatusOr<bool> ServerReady(const Principal& caller) const;
  // Known but not ready is `false`, not an error; an unknown model or version is NOT_FOUND.
  absl::StatusOr<bool> ModelReady(const Principal& caller,
                                  const inference::ModelReadyRequest& request) const;
  absl::Status ServerMetadata(const Principal& caller,
                              inference::ServerMetadataResponse* response) const;
  absl::Status ModelMetadata(const Principal& caller,
                             const inference::ModelMetadataRequest& request,
                             inference::ModelMetadataResponse* response) const;
  absl::Status ModelConfig(const Principal& caller, const inference::ModelConfigRequest& request,
                           inference::ModelConfigResponse* response) const;
  absl::Status ModelStatistics(const Principal& caller,
                               const inference::ModelStatisticsRequest& request,
                               inference::ModelStatisticsResponse* response) const;
  absl::Status RepositoryIndex(const Principal& caller,
                               const inference::RepositoryIndexRequest& request,
                               inference::RepositoryIndexResponse* response) const;
  // Loads and unloads run on the core's worker threads (they read files and program devices);
  // `done` is called there. A bad parameter or a refused caller is answered at once (on the
  // caller's thread).
  void RepositoryModelLoad(const Principal& caller,
                           const inference::RepositoryModelLoadRequest& request,
                           absl::AnyInvocable<void(absl::Status)> done);
  void RepositoryModelUnload(const Principal& caller,
                             const inference::RepositoryModelUnloadRequest& request,
                             absl::AnyInvocable<void(absl::Status)> done);

  ModelRepository* repository() const { return options_.repository; }
  Clock* clock() const { return options_.clock; }
  // Never null. The shared-memory status/register/unregister operations are its methods.
  SharedMemoryManager* shared_memory() const { return options_.shared_memory.get(); }

 private:
  KServeCoreOptions options_;
  std::atomic<bool> draining_{false};
  KeyedWorkerPool repository_workers_;  // last: joined first on destruction
};

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_KSERVE_CORE_H_
