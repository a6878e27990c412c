// Internal to server/frontend: the KServe v2 GRPCInferenceService on gRPC's callback API.
//
// Every handler goes through Admit: the call is authenticated once there (auth.h) and the handler
// gets the Principal that every KServeCore operation requires and authorizes; a handler cannot
// reach the core without one (tests/integration/server/auth_test.cc calls every method of the
// service descriptor without credentials). Handlers never block a gRPC thread: inference goes through the model's scheduler, whose `done`
// callback finishes the RPC; repository loads and unloads run on the core's worker thread. The
// KServe logic itself is kserve_core.h's (shared with the HTTP/REST server).
// Thread-safe; borrowed dependencies must outlive it. Destruction waits for queued repository work.
#ifndef FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_
#define FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_

#include <atomic>
#include <memory>
#include <type_traits>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/byte_buffer.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/frontend/auth.h"
#include "server/frontend/kserve_core.h"

namespace fpgaas {
class MetricsRegistry;  // server/metrics/metrics.h
}  // namespace fpgaas

namespace fpgaas::frontend {

// What one ModelStreamInfer stream may hold for a client that does not read its answers. While
// a stream holds max_pending_responses requests read but not yet written to the wire (in flight or
// answered), or max_pending_bytes of answers, it reads no further message: gRPC's HTTP/2 flow
// control then stops the client's sends. A stream whose answer has been waiting to be written
// (the client reads nothing) for write_timeout is cancelled (the client gets CANCELLED).
struct StreamLimits {
  int max_pending_responses = 64;
  int64_t max_pending_bytes = int64_t{64} << 20;
  absl::Duration write_timeout = absl::Seconds(30);
};

struct InferenceServiceOptions {
  KServeCoreOptions core;
  // Who may call what (auth.h); null = authentication off.
  std::shared_ptr<const Authorizer> authorizer;
  StreamLimits stream_limits;
  // Not owned; optional: fpgaas_stalled_streams_cancelled_total.
  MetricsRegistry* metrics = nullptr;
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
  // Cancels the stream if an answer has waited to be written since before `now - timeout`.
  // Returns true if it did.
  virtual bool CancelIfWriteStalled(absl::Time now, absl::Duration timeout) = 0;

 protected:
  virtual ~DrainableStream() = default;
};

using GrpcService = inference::GRPCInferenceService;
// Triton's shared-memory RPCs (system, and CUDA as a server without GPUs).
using SharedMemoryMethods = GrpcService::WithCallbackMethod_SystemSharedMemoryStatus<
    GrpcService::WithCallbackMethod_SystemSharedMemoryRegister<
        GrpcService::WithCallbackMethod_SystemSharedMemoryUnregister<
            GrpcService::WithCallbackMethod_CudaSharedMemoryStatus<
                GrpcService::WithCallbackMethod_CudaSharedMemoryRegister<
                    GrpcService::WithCallbackMethod_CudaSharedMemoryUnregister<
                        GrpcService::Service>>>>>>;
// The callback service with ModelInfer and ModelStreamInfer as raw (ByteBuffer) methods: the
// service decodes their messages itself, so that an undecodable one gets INVALID_ARGUMENT saying
// so (gRPC would answer a unary call with an empty message, and end a stream as if the client had
// half-closed it); in a stream it is answered like any bad request and the stream goes on.
using InferenceServiceBase = GrpcService::WithCallbackMethod_ServerLive<
    GrpcService::WithCallbackMethod_ServerReady<GrpcService::WithCallbackMethod_ModelReady<
        GrpcService::WithCallbackMethod_ServerMetadata<GrpcService::WithCallbackMethod_ModelMetadata<
            GrpcService::WithRawCallbackMethod_ModelInfer<
                GrpcService::WithRawCallbackMethod_ModelStreamInfer<
                    GrpcService::WithCallbackMethod_ModelConfig<
                        GrpcService::WithCallbackMethod_ModelStatistics<
                            GrpcService::WithCallbackMethod_RepositoryIndex<
                                GrpcService::WithCallbackMethod_RepositoryModelLoad<
                                    GrpcService::WithCallbackMethod_RepositoryModelUnload<
                                        SharedMemoryMethods>>>>>>>>>>>>;

class InferenceService final : public InferenceServiceBase {
 public:
  explicit InferenceService(InferenceServiceOptions options);
  ~InferenceService() override;

  // See KServeCore::Ready.
  bool Ready() const { return core_.Ready(); }
  // From now on ServerReady answers false (Shutdown's first step), and every open stream stops
  // reading and finishes as soon as its in-flight requests are answered.
  void StartDraining();
  bool draining() const { return core_.draining(); }
  // Streams list themselves from their start to gRPC's OnDone.
  void AddStream(DrainableStream* stream);
  void RemoveStream(DrainableStream* stream);
  // True once none of this service's RPCs is in flight (each counts until gRPC's OnDone, i.e.
  // its answer is sent); false when `deadline` passed first.
  bool AwaitNoRpcs(absl::Time deadline) { return rpcs_.AwaitIdle(deadline); }
  RpcTracker* rpcs() { return &rpcs_; }
  const StreamLimits& stream_limits() const { return stream_limits_; }
  // Streams cancelled because their client did not read for stream_limits().write_timeout.
  int64_t stalled_streams_cancelled() const { return stalled_streams_cancelled_.load(); }

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
  // Raw: `request` is an inference.ModelInferRequest, `response` gets the ModelInferResponse.
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  // Raw: reads inference.ModelInferRequest, writes inference.ModelStreamInferResponse.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ModelStreamInfer(
      grpc::CallbackServerContext* context) override;
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

  grpc::ServerUnaryReactor* SystemSharedMemoryStatus(
      grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryStatusRequest* request,
      inference::SystemSharedMemoryStatusResponse* response) override;
  grpc::ServerUnaryReactor* SystemSharedMemoryRegister(
      grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryRegisterRequest* request,
      inference::SystemSharedMemoryRegisterResponse* response) override;
  grpc::ServerUnaryReactor* SystemSharedMemoryUnregister(
      grpc::CallbackServerContext* context,
      const inference::SystemSharedMemoryUnregisterRequest* request,
      inference::SystemSharedMemoryUnregisterResponse* response) override;
  grpc::ServerUnaryReactor* CudaSharedMemoryStatus(
      grpc::CallbackServerContext* context, const inference::CudaSharedMemoryStatusRequest* request,
      inference::CudaSharedMemoryStatusResponse* response) override;
  grpc::ServerUnaryReactor* CudaSharedMemoryRegister(
      grpc::CallbackServerContext* context,
      const inference::CudaSharedMemoryRegisterRequest* request,
      inference::CudaSharedMemoryRegisterResponse* response) override;
  grpc::ServerUnaryReactor* CudaSharedMemoryUnregister(
      grpc::CallbackServerContext* context,
      const inference::CudaSharedMemoryUnregisterRequest* request,
      inference::CudaSharedMemoryUnregisterResponse* response) override;

  ModelRepository* repository() const { return core_.repository(); }
  Clock* clock() const { return core_.clock(); }
  SharedMemoryManager* shared_memory() const { return core_.shared_memory(); }

 private:
  // Finishes the RPC with `status` through a reactor that the RpcTracker counts.
  grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                      const absl::Status& status);
  grpc::ServerUnaryReactor* TrackedReactor();
  // The one door of every unary RPC: authenticates the call and runs `body(const Principal&)`,
  // which returns either the absl::Status to finish with at once or the reactor that will finish
  // the RPC; an unauthenticated call is finished UNAUTHENTICATED without running `body`.
  template <typename Body>
  grpc::ServerUnaryReactor* Admit(grpc::CallbackServerContext* context, Body body) {
    absl::StatusOr<Principal> caller = authorizer_->Authenticate(*context);
    if (!caller.ok()) return FinishNow(context, caller.status());
    if constexpr (std::is_same_v<decltype(body(*caller)), absl::Status>) {
      return FinishNow(context, body(*caller));
    } else {
      return body(*caller);
    }
  }

  // Every write_timeout / 4 (in the core's clock), cancels the streams whose writes stalled.
  void WatchStalledStreams();

  const std::shared_ptr<const Authorizer> authorizer_;  // never null
  const StreamLimits stream_limits_;
  MetricsRegistry* const metrics_;
  RpcTracker rpcs_;
  absl::Mutex streams_mu_;
  absl::flat_hash_set<DrainableStream*> streams_ ABSL_GUARDED_BY(streams_mu_);
  std::atomic<int64_t> stalled_streams_cancelled_{0};
  absl::Mutex watch_mu_;
  absl::CondVar watch_cv_;
  bool watch_stop_ ABSL_GUARDED_BY(watch_mu_) = false;
  std::thread watch_thread_;
  KServeCore core_;  // last: its repository worker is joined first on destruction
};

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_INFERENCE_SERVICE_H_
