#include "server/frontend/inference_service.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/frontend/auth.h"
#include "server/frontend/infer_codec.h"
#include "server/frontend/status_util.h"
#include "server/metrics/metrics.h"
#include "server/util/text.h"

namespace fpgaas::frontend {
namespace {

using inference::ModelInferRequest;
using inference::ModelInferResponse;
using inference::ModelStreamInferResponse;

// A unary reactor counted by an RpcTracker until gRPC is done with the RPC.
class TrackedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit TrackedUnaryReactor(RpcTracker* rpcs) : rpcs_(rpcs) { rpcs_->Started(); }
  void OnDone() override {
    rpcs_->Done();
    delete this;
  }

 private:
  RpcTracker* const rpcs_;
};

// The client's gRPC deadline expressed in `clock`'s time (the scheduler compares deadlines with
// its clock, which tests may fake).
absl::Time ClientDeadline(const grpc::CallbackServerContext* context, Clock* clock) {
  const auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return clock->Now() + (absl::FromChrono(deadline) - absl::Now());
}

// `arrival` in `clock`'s time: the failure's duration counts from there, as for queued requests.
void RecordFrontendFailure(const ServingModel& model, const absl::Status& status, Clock* clock,
                           absl::Time arrival) {
  if (model.metrics() != nullptr) {
    model.metrics()->RecordFailure(FailureReasonOf(status), clock->Now() - arrival);
  }
}

// What the completion of one accepted inference needs; filled before the request is enqueued.
struct InferenceContext {
  std::shared_ptr<const ServingModel> model;
  int batch_size = 0;
  std::string id;
};

// Resolves the model, decodes and validates `wire` (moving its raw input bytes out) and enqueues
// the request. On OK, `done` is called exactly once from a scheduler thread, *context is filled
// and *enqueued_on is the model version whose scheduler has the request (the caller's to call
// NotifyCancelled on when it sets `cancelled`). On error `done` is never called (it is destroyed
// here) and the status says why.
absl::Status StartInference(ModelRepository* repository, Clock* clock, ModelInferRequest& wire,
                            absl::Time client_deadline,
                            const std::shared_ptr<std::atomic<bool>>& cancelled,
                            InferenceContext* context,
                            absl::AnyInvocable<void(absl::StatusOr<InferenceResult>)> done,
                            std::shared_ptr<const ServingModel>* enqueued_on) {
  const absl::Time arrival = clock->Now();
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      repository->Get(wire.model_name(), wire.model_version());
  if (!model.ok()) return model.status();
  const ServingModel& serving = **model;

  auto request = std::make_unique<InferenceRequest>();
  DecodedRequestOptions decoded;
  if (absl::Status s = DecodeInferRequest(SignatureOf(serving), wire, request.get(), &decoded);
      !s.ok()) {
    RecordFrontendFailure(serving, s, clock, arrival);
    return s;
  }
  // The scheduler combines these with the model's queue policy.
  request->arrival = arrival;
  request->deadline = client_deadline;
  request->timeout = decoded.timeout;
  request->cancelled = cancelled;
  request->done = std::move(done);

  context->model = *model;
  context->batch_size = request->batch_size;
  context->id = request->id;
  // Ownership of the request passes to the scheduler only on OK. `done` may run (and release
  // *context) before Enqueue returns: *model keeps the version alive until then.
  std::shared_ptr<const ServingModel> model_ref = *model;
  absl::Status enqueued = serving.scheduler()->Enqueue(request);
  if (!enqueued.ok()) {
    context->model.reset();
    return enqueued;
  }
  *enqueued_on = std::move(model_ref);
  return absl::OkStatus();
}

// A ModelStreamInfer refused before anything is read (no token): finishes at once.
class RefusedStreamReactor final
    : public grpc::ServerBidiReactor<ModelInferRequest, ModelStreamInferResponse> {
 public:
  RefusedStreamReactor(RpcTracker* rpcs, const absl::Status& status) : rpcs_(rpcs) {
    rpcs_->Started();
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override {
    rpcs_->Done();
    delete this;
  }

 private:
  RpcTracker* const rpcs_;
};

// Unary ModelInfer: lives from the handler until gRPC's OnDone. Holds the model version alive
// (released in OnDone, on a gRPC thread).
class InferReactor final : public grpc::ServerUnaryReactor {
 public:
  InferReactor(RpcTracker* rpcs, ModelInferResponse* response) : rpcs_(rpcs), response_(response) {
    rpcs_->Started();
  }

  void Start(InferenceService* service, grpc::CallbackServerContext* context,
             ModelInferRequest& request) {
    // The scheduler may call done (and so Finish) before StartInference returns.
    absl::Status status = StartInference(
        service->repository(), service->clock(), request, ClientDeadline(context, service->clock()),
        cancelled_, &inference_,
        [this](absl::StatusOr<InferenceResult> result) { Complete(std::move(result)); },
        &enqueued_on_);
    if (!status.ok()) Finish(ToGrpcStatus(status));
  }

  // gRPC calls this only after the handler returned, so enqueued_on_ is settled.
  void OnCancel() override {
    cancelled_->store(true);
    if (enqueued_on_ != nullptr) enqueued_on_->scheduler()->NotifyCancelled();
  }
  void OnDone() override {
    rpcs_->Done();
    delete this;
  }

 private:
  void Complete(absl::StatusOr<InferenceResult> result) {
    if (!result.ok()) {
      Finish(ToGrpcStatus(result.status()));
      return;
    }
    absl::Status encoded = EncodeInferResponse(SignatureOf(*inference_.model), inference_.id,
                                               inference_.batch_size, *result, response_);
    Finish(ToGrpcStatus(encoded));
  }

  RpcTracker* const rpcs_;
  ModelInferResponse* response_;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  InferenceContext inference_;
  std::shared_ptr<const ServingModel> enqueued_on_;  // null when not enqueued
};

// ModelStreamInfer: reads requests continuously, keeps any number in flight, and writes each
// response (or error_message) as its request completes. gRPC allows one outstanding write, so
// responses queue here. Finishes OK once the client half-closed and everything is answered; a
// cancelled stream cancels its in-flight requests. StartWrite/Finish are never called with mu_
// held (gRPC may run reactions inline).
class StreamInferReactor final
    : public grpc::ServerBidiReactor<ModelInferRequest, ModelStreamInferResponse>,
      public DrainableStream {
 public:
  StreamInferReactor(InferenceService* service, grpc::CallbackServerContext* context)
      : service_(service), client_deadline_(ClientDeadline(context, service->clock())) {
    service_->rpcs()->Started();
    service_->AddStream(this);
    StartRead(&read_);
  }

  // While draining no new read starts: the stream finishes once what it holds is answered.
  void Drain() override {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      draining_ = true;
      finish = ShouldFinishLocked();
    }
    if (finish) Finish(grpc::Status::OK);
  }
  void Pin() override { refs_.fetch_add(1); }
  void Unpin() override {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
      }
      MaybeFinish();
      return;
    }
    const bool refuse = service_->draining();
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;  // a drain finished the stream while this read was outstanding
      ++in_flight_;  // before enqueueing: done may run before StartInference returns
      if (refuse) draining_ = true;  // no further read
    }
    if (refuse) {
      auto response = std::make_unique<ModelStreamInferResponse>();
      response->set_error_message("server is shutting down: request not run");
      response->mutable_infer_response()->set_model_name(read_.model_name());
      response->mutable_infer_response()->set_model_version(read_.model_version());
      response->mutable_infer_response()->set_id(read_.id());
      Send(std::move(response), /*completes_request=*/true);
      return;
    }
    auto context = std::make_unique<InferenceContext>();
    InferenceContext* context_view = context.get();
    std::shared_ptr<const ServingModel> enqueued_on;
    absl::Status status = StartInference(
        service_->repository(), service_->clock(), read_, client_deadline_, cancelled_,
        context_view,
        [this, context = std::move(context)](absl::StatusOr<InferenceResult> result) {
          OnInferenceDone(*context, std::move(result));
        },
        &enqueued_on);
    if (status.ok()) {
      RememberScheduler(enqueued_on);
    } else {
      auto response = std::make_unique<ModelStreamInferResponse>();
      response->set_error_message(std::string(status.message()));
      response->mutable_infer_response()->set_model_name(read_.model_name());
      response->mutable_infer_response()->set_model_version(read_.model_version());
      response->mutable_infer_response()->set_id(read_.id());
      Send(std::move(response), /*completes_request=*/true);
    }
    read_.Clear();
    bool read_more;
    {
      absl::MutexLock lock(&mu_);
      read_more = !draining_;
    }
    if (read_more) StartRead(&read_);
  }

  void OnWriteDone(bool ok) override {
    const ModelStreamInferResponse* next = nullptr;
    {
      absl::MutexLock lock(&mu_);
      writes_.pop_front();
      if (!ok) {
        // The client is gone; answers still arriving are dropped.
        write_broken_ = true;
        writes_.clear();
      }
      if (!writes_.empty()) {
        next = writes_.front().get();
      } else {
        writing_ = false;
      }
    }
    if (next != nullptr) {
      StartWrite(next);
    } else {
      MaybeFinish();
    }
  }

  void OnCancel() override {
    cancelled_->store(true);
    std::vector<std::shared_ptr<const ServingModel>> models;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& weak : enqueued_on_) {
        if (auto model = weak.lock()) models.push_back(std::move(model));
      }
    }
    for (const auto& model : models) model->scheduler()->NotifyCancelled();
  }
  void OnDone() override {
    service_->RemoveStream(this);
    service_->rpcs()->Done();
    Unpin();
  }

 private:
  ~StreamInferReactor() override = default;

  // Lists `model` for OnCancel (weakly: the stream must not keep an unloaded version alive).
  void RememberScheduler(const std::shared_ptr<const ServingModel>& model) {
    {
      absl::MutexLock lock(&mu_);
      enqueued_on_.erase(std::remove_if(enqueued_on_.begin(), enqueued_on_.end(),
                                        [](const auto& weak) { return weak.expired(); }),
                         enqueued_on_.end());
      const bool listed =
          std::any_of(enqueued_on_.begin(), enqueued_on_.end(), [&model](const auto& weak) {
            return !weak.owner_before(model) && !model.owner_before(weak);
          });
      if (!listed) enqueued_on_.push_back(model);
    }
    // OnCancel sets the flag before reading the list under mu_: if it ran before the model was
    // listed, the flag is visible here.
    if (cancelled_->load()) model->scheduler()->NotifyCancelled();
  }

  void OnInferenceDone(const InferenceContext& context, absl::StatusOr<InferenceResult> result) {
    auto response = std::make_unique<ModelStreamInferResponse>();
    absl::Status status = result.status();
    if (status.ok()) {
      status = EncodeInferResponse(SignatureOf(*context.model), context.id, context.batch_size,
                                   *result, response->mutable_infer_response());
    }
    if (!status.ok()) {
      response->Clear();
      response->set_error_message(std::string(status.message()));
      response->mutable_infer_response()->set_model_name(context.model->name());
      response->mutable_infer_response()->set_model_version(absl::StrCat(context.model->version()));
      response->mutable_infer_response()->set_id(context.id);
    }
    Send(std::move(response), /*completes_request=*/true);  // may finish the stream: last action
  }

  // Queues one response and starts writing if no write is outstanding; finishes the stream when
  // this was the last answer of a stream whose client is gone. Callers must not touch the reactor
  // afterwards (the stream may be done and deleted).
  void Send(std::unique_ptr<ModelStreamInferResponse> response, bool completes_request) {
    const ModelStreamInferResponse* start = nullptr;
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      if (completes_request) --in_flight_;
      if (!write_broken_) {
        writes_.push_back(std::move(response));
        if (!writing_) {
          writing_ = true;
          start = writes_.front().get();
        }
      } else {
        finish = ShouldFinishLocked();
      }
    }
    if (start != nullptr) {
      StartWrite(start);
    } else if (finish) {
      Finish(grpc::Status::OK);
    }
  }

  bool ShouldFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || !(reads_done_ || draining_) || in_flight_ > 0 || writing_) return false;
    finished_ = true;
    return true;
  }

  void MaybeFinish() {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      finish = ShouldFinishLocked();
    }
    if (finish) Finish(grpc::Status::OK);
  }

  InferenceService* const service_;
  const absl::Time client_deadline_;
  // Shared by every request of the stream: cancelling the stream cancels them all.
  const std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  ModelInferRequest read_;  // only touched between StartRead and OnReadDone

  absl::Mutex mu_;
  std::deque<std::unique_ptr<ModelStreamInferResponse>> writes_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // read, not yet answered
  // Model versions this stream enqueued on (few: usually one).
  std::vector<std::weak_ptr<const ServingModel>> enqueued_on_ ABSL_GUARDED_BY(mu_);
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int> refs_{1};  // gRPC's (dropped in OnDone) + the service's pins
};

void FillDuration(const DurationStat& from, inference::StatisticDuration* to) {
  to->set_count(from.count);
  to->set_ns(from.ns);
}

void FillStatistics(const ServingModel& model, inference::ModelStatistics* stats) {
  stats->set_name(model.name());
  stats->set_version(absl::StrCat(model.version()));
  if (model.metrics() == nullptr) return;
  const ModelStatisticsSnapshot snapshot = model.metrics()->Snapshot();
  stats->set_last_inference(snapshot.last_inference_ms);
  stats->set_inference_count(snapshot.inference_count);
  stats->set_execution_count(snapshot.execution_count);
  inference::InferStatistics* infer = stats->mutable_inference_stats();
  FillDuration(snapshot.success, infer->mutable_success());
  FillDuration(snapshot.fail, infer->mutable_fail());
  FillDuration(snapshot.queue, infer->mutable_queue());
  FillDuration(snapshot.compute_input, infer->mutable_compute_input());
  FillDuration(snapshot.compute_infer, infer->mutable_compute_infer());
  FillDuration(snapshot.compute_output, infer->mutable_compute_output());
  for (const auto& [batch_size, batch] : snapshot.batch_stats) {
    inference::InferBatchStatistics* out = stats->add_batch_stats();
    out->set_batch_size(batch_size);
    FillDuration(batch.compute_input, out->mutable_compute_input());
    FillDuration(batch.compute_infer, out->mutable_compute_infer());
    FillDuration(batch.compute_output, out->mutable_compute_output());
  }
}

void FillTensorMetadata(const ModelSignature& signature, const TensorInfo& tensor,
                        inference::ModelMetadataResponse::TensorMetadata* out) {
  out->set_name(tensor.name);
  out->set_datatype(tensor.datatype);
  for (int64_t d : ClientShape(signature, tensor)) out->add_shape(d);
}

absl::StatusOr<ModelLoadRequest> DecodeLoadParameters(
    const inference::RepositoryModelLoadRequest& request) {
  ModelLoadRequest load;
  constexpr absl::string_view kFilePrefix = "file:";
  for (const auto& [key, value] : request.parameters()) {
    const bool is_text =
        value.parameter_choice_case() == inference::ModelRepositoryParameter::kStringParam ||
        value.parameter_choice_case() == inference::ModelRepositoryParameter::kBytesParam;
    const std::string& text =
        value.parameter_choice_case() == inference::ModelRepositoryParameter::kStringParam
            ? value.string_param()
            : value.bytes_param();
    if (key == "config") {
      if (!is_text) {
        return absl::InvalidArgumentError(
            "parameter 'config' must be a string (the model config as JSON)");
      }
      load.config_json = text;
    } else if (absl::StartsWith(key, kFilePrefix)) {
      if (!is_text) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter '", Quoted(key, 200), "' must carry the file as bytes"));
      }
      load.files[key.substr(kFilePrefix.size())] = text;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown parameter '", Quoted(key), "' (expected 'config' or 'file:<version>/<path>')"));
    }
  }
  return load;
}

}  // namespace

SerialWorker::SerialWorker() : thread_([this] { Loop(); }) {}

SerialWorker::~SerialWorker() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void SerialWorker::Submit(absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void SerialWorker::Loop() {
  while (true) {
    absl::AnyInvocable<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SerialWorker* w)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) { return w->stopping_ || !w->tasks_.empty(); },
          this));
      if (tasks_.empty()) return;  // stopping and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

bool RpcTracker::AwaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithDeadline(
      absl::Condition(
          +[](std::atomic<int64_t>* in_flight) { return in_flight->load() == 0; }, &in_flight_),
      deadline);
}

InferenceService::InferenceService(InferenceServiceOptions options)
    : options_(std::move(options)) {}

grpc::ServerUnaryReactor* InferenceService::TrackedReactor() {
  return new TrackedUnaryReactor(&rpcs_);
}

grpc::ServerUnaryReactor* InferenceService::FinishNow(grpc::CallbackServerContext*,
                                                      const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = TrackedReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

InferenceService::~InferenceService() = default;

void InferenceService::AddStream(DrainableStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.insert(stream);
}

void InferenceService::RemoveStream(DrainableStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(stream);
}

void InferenceService::StartDraining() {
  draining_.store(true);
  std::vector<DrainableStream*> streams;
  {
    absl::MutexLock lock(&streams_mu_);
    for (DrainableStream* stream : streams_) {
      stream->Pin();
      streams.push_back(stream);
    }
  }
  // Drain may finish a stream, and gRPC may run its OnDone inline (which takes streams_mu_).
  for (DrainableStream* stream : streams) {
    stream->Drain();
    stream->Unpin();
  }
}

bool InferenceService::Ready() const {
  if (draining_.load()) return false;
  if (!options_.devices->ready()) return false;
  for (const auto& model : options_.repository->ReadyModels()) {
    if (!model->ready()) return false;
  }
  if (options_.strict_readiness) {
    for (const ModelIndexEntry& entry : options_.repository->Index()) {
      // A model that failed to load (or is loading for the first time) counts; one merely not
      // loaded, being unloaded, or serving while it reloads does not.
      if (!entry.serving && entry.state != ModelReadyState::kUnloading && !entry.never_loaded) {
        return false;
      }
    }
  }
  return true;
}

grpc::ServerUnaryReactor* InferenceService::ServerLive(grpc::CallbackServerContext* context,
                                                       const inference::ServerLiveRequest*,
                                                       inference::ServerLiveResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  response->set_live(true);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::ServerReady(grpc::CallbackServerContext* context,
                                                        const inference::ServerReadyRequest*,
                                                        inference::ServerReadyResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  response->set_ready(Ready());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::ModelReady(grpc::CallbackServerContext* context,
                                                       const inference::ModelReadyRequest* request,
                                                       inference::ModelReadyResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request->name(), request->version());
  if (model.ok()) {
    response->set_ready((*model)->ready() && !draining_.load());
    return FinishNow(context, absl::OkStatus());
  }
  // Known but not ready is an answer, not an error.
  if (model.status().code() == absl::StatusCode::kUnavailable) {
    response->set_ready(false);
    return FinishNow(context, absl::OkStatus());
  }
  return FinishNow(context, model.status());
}

grpc::ServerUnaryReactor* InferenceService::ServerMetadata(
    grpc::CallbackServerContext* context, const inference::ServerMetadataRequest*,
    inference::ServerMetadataResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  response->set_name(options_.server_name);
  response->set_version(options_.server_version);
  for (const char* extension :
       {"model_repository", "model_configuration", "schedule_policy", "statistics", "parameters"}) {
    response->add_extensions(extension);
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::ModelMetadata(
    grpc::CallbackServerContext* context, const inference::ModelMetadataRequest* request,
    inference::ModelMetadataResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request->name(), request->version());
  if (!model.ok()) return FinishNow(context, model.status());
  absl::StatusOr<std::vector<int64_t>> versions =
      options_.repository->ReadyVersions(request->name());
  if (!versions.ok()) return FinishNow(context, versions.status());
  const ServingModel& serving = **model;
  const ModelSignature signature = SignatureOf(serving);
  response->set_name(serving.name());
  for (int64_t version : *versions) response->add_versions(absl::StrCat(version));
  response->set_platform(serving.config().platform());
  FillTensorMetadata(signature, serving.input(), response->add_inputs());
  FillTensorMetadata(signature, serving.output(), response->add_outputs());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::ModelConfig(
    grpc::CallbackServerContext* context, const inference::ModelConfigRequest* request,
    inference::ModelConfigResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request->name(), request->version());
  if (!model.ok()) return FinishNow(context, model.status());
  *response->mutable_config() = (*model)->config();
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::ModelInfer(grpc::CallbackServerContext* context,
                                                       const ModelInferRequest* request,
                                                       ModelInferResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  auto* reactor = new InferReactor(&rpcs_, response);
  // gRPC allocated the request message non-const and owns it until OnDone; moving the raw input
  // bytes out of it (instead of copying megabytes) is what the const_cast is for.
  reactor->Start(this, context, const_cast<ModelInferRequest&>(*request));
  return reactor;
}

grpc::ServerBidiReactor<ModelInferRequest, ModelStreamInferResponse>*
InferenceService::ModelStreamInfer(grpc::CallbackServerContext* context) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return new RefusedStreamReactor(&rpcs_, auth);
  }
  return new StreamInferReactor(this, context);
}

grpc::ServerUnaryReactor* InferenceService::ModelStatistics(
    grpc::CallbackServerContext* context, const inference::ModelStatisticsRequest* request,
    inference::ModelStatisticsResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  if (request->name().empty()) {
    for (const auto& model : options_.repository->ReadyModels()) {
      FillStatistics(*model, response->add_model_stats());
    }
    return FinishNow(context, absl::OkStatus());
  }
  if (!request->version().empty()) {
    absl::StatusOr<std::shared_ptr<const ServingModel>> model =
        options_.repository->Get(request->name(), request->version());
    if (!model.ok()) return FinishNow(context, model.status());
    FillStatistics(**model, response->add_model_stats());
    return FinishNow(context, absl::OkStatus());
  }
  absl::StatusOr<std::vector<int64_t>> versions =
      options_.repository->ReadyVersions(request->name());
  if (!versions.ok()) return FinishNow(context, versions.status());
  for (int64_t version : *versions) {
    absl::StatusOr<std::shared_ptr<const ServingModel>> model =
        options_.repository->Get(request->name(), version);
    if (model.ok()) FillStatistics(**model, response->add_model_stats());  // may just have unloaded
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::RepositoryIndex(
    grpc::CallbackServerContext* context, const inference::RepositoryIndexRequest* request,
    inference::RepositoryIndexResponse* response) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  for (const ModelIndexEntry& entry : options_.repository->Index(request->ready())) {
    auto* model = response->add_models();
    model->set_name(entry.name);
    model->set_version(entry.version);
    model->set_state(std::string(ModelReadyStateName(entry.state)));
    model->set_reason(entry.reason);
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelLoad(
    grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
    inference::RepositoryModelLoadResponse*) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  absl::StatusOr<ModelLoadRequest> load = DecodeLoadParameters(*request);
  if (!load.ok()) return FinishNow(context, load.status());
  grpc::ServerUnaryReactor* reactor = TrackedReactor();
  // Loading reads files and programs devices: off the gRPC thread.
  repository_worker_.Submit(
      [this, reactor, name = request->model_name(), load = *std::move(load)]() mutable {
        absl::Status status;
        // Last resort: an exception escaping this thread would end the daemon. Loads report
        // their failures as Status; this only keeps a missed one from taking every model down.
        try {
          status = options_.repository->Load(name, load);
        } catch (const std::bad_alloc&) {
          status = absl::ResourceExhaustedError(
              absl::StrCat("model '", Quoted(name), "': out of memory while loading"));
        } catch (const std::exception& e) {
          status = absl::InternalError(
              absl::StrCat("model '", Quoted(name), "': load failed: ", Quoted(e.what(), 200)));
        }
        if (options_.on_models_changed) options_.on_models_changed();
        reactor->Finish(ToGrpcStatus(status));
      });
  return reactor;
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelUnload(
    grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  if (absl::Status auth = CheckBearerToken(*context, options_.auth_token); !auth.ok()) {
    return FinishNow(context, auth);
  }
  grpc::ServerUnaryReactor* reactor = TrackedReactor();
  repository_worker_.Submit([this, reactor, name = request->model_name()] {
    absl::Status status = options_.repository->Unload(name);
    if (options_.on_models_changed) options_.on_models_changed();
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

}  // namespace fpgaas::frontend
