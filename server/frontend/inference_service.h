// Internal to server/frontend: the KServe v2 GRPCInferenceService on gRPC's callback API.
//
// Handlers never block a gRPC thread: inference goes through the model's scheduler, whose `done`
// callback finishes the RPC; repository loads and unloads run on this service's worker thread.
// Thread-safe; borrowed dependencies must outlive it. Destruction waits for queued repository work.
#ifndef FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_
#define FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"

namespace fpgaas::frontend {

struct InferenceServiceOptions {
  ModelRepository* repository = nullptr;  // required
  DeviceManager* devices = nullptr;       // required
  Clock* clock = nullptr;                 // required
  std::string server_name = "fpgaas";
  std::string server_version;
  bool strict_readiness = false;
  // Non-empty: every RPC of this service must carry "authorization: Bearer <auth_token>".
  std::string auth_token;
  // Called on the worker thread after every load or unload (the server refreshes health).
  std::function<void()> on_models_changed;
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

// Counts RPCs from their handler to gRPC's OnDone (everything sent), so that a draining server
// knows when none is left. Thread-safe.
class RpcTracker {
 public:
  void Started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void Done() {
    if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      absl::MutexLock lock(&mu_);  // releasing mu_ re-evaluates AwaitIdle's condition
    }
  }
  // True once no RPC is in flight, false if `deadline` passed first.
  bool AwaitIdle(absl::Time deadline);

 private:
  std::atomic<int64_t> in_flight_{0};
  absl::Mutex mu_;
};

// A ModelStreamInfer stream as the service sees it while draining. Pinned streams outlive their
// gRPC OnDone until unpinned (the service calls Drain without holding its lock).
class DrainableStream {
 public:
  // Stops reading; the stream finishes OK once its in-flight requests are answered.
  virtual void Drain() = 0;
  virtual void Pin() = 0;
  virtual void Unpin() = 0;  // may delete the stream

 protected:
  virtual ~DrainableStream() = default;
};

class InferenceService final : public inference::GRPCInferenceService::CallbackService {
 public:
  explicit InferenceService(InferenceServiceOptions options);
  ~InferenceService() override;

  // Devices in service, every loaded model version ready (strict: every version READY), and not
  // draining.
  bool Ready() const;
  // From now on ServerReady answers false (Shutdown's first step), and every open stream stops
  // reading and finishes as soon as its in-flight requests are answered.
  void StartDraining();
  bool draining() const { return draining_.load(); }
  // Streams list themselves from their start to gRPC's OnDone.
  void AddStream(DrainableStream* stream);
  void RemoveStream(DrainableStream* stream);
  // True once none of this service's RPCs is in flight (each counts until gRPC's OnDone, i.e.
  // its answer is sent); false when `deadline` passed first.
  bool AwaitNoRpcs(absl::Time deadline) { return rpcs_.AwaitIdle(deadline); }
  RpcTracker* rpcs() { return &rpcs_; }

  grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* context,
                                       const inference::ServerLiveRequest* request,
                                       inference::ServerLiveResponse* response) override;
  grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* context,
                                        const inference::ServerReadyRequest* request,
                                        inference::ServerReadyResponse* response) override;
  grpc::ServerUnaryReactor* ModelReady(grpc::CallbackServerContext* context,
                                       const inference::ModelReadyRequest* request,
                                       inference::ModelReadyResponse* response) override;
  grpc::ServerUnaryReactor* ServerMetadata(grpc::CallbackServerContext* context,
                                           const inference::ServerMetadataRequest* request,
                                           inference::ServerMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* context,
                                          const inference::ModelMetadataRequest* request,
                                          inference::ModelMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelConfig(grpc::CallbackServerContext* context,
                                        const inference::ModelConfigRequest* request,
                                        inference::ModelConfigResponse* response) override;
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override;
  grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
  ModelStreamInfer(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* ModelStatistics(grpc::CallbackServerContext* context,
                                            const inference::ModelStatisticsRequest* request,
                                            inference::ModelStatisticsResponse* response) override;
  grpc::ServerUnaryReactor* RepositoryIndex(grpc::CallbackServerContext* context,
                                            const inference::RepositoryIndexRequest* request,
                                            inference::RepositoryIndexResponse* response) override;
  grpc::ServerUnaryReactor* RepositoryModelLoad(
      grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
      inference::RepositoryModelLoadResponse* response) override;
  grpc::ServerUnaryReactor* RepositoryModelUnload(
      grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
      inference::RepositoryModelUnloadResponse* response) override;

  ModelRepository* repository() const { return options_.repository; }
  Clock* clock() const { return options_.clock; }

 private:
  // Finishes the RPC with `status` through a reactor that the RpcTracker counts.
  grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                      const absl::Status& status);
  grpc::ServerUnaryReactor* TrackedReactor();

  InferenceServiceOptions options_;
  RpcTracker rpcs_;
  std::atomic<bool> draining_{false};
  absl::Mutex streams_mu_;
  absl::flat_hash_set<DrainableStream*> streams_ ABSL_GUARDED_BY(streams_mu_);
  SerialWorker repository_worker_;  // last: joined first on destruction
};

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_
