#include "server/frontend/kserve_core.h"

#include <algorithm>
#include <exception>
#include <new>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/frontend/infer_codec.h"
#include "server/frontend/status_util.h"
#include "server/metrics/metrics.h"
#include "server/util/text.h"

namespace fpgaas::frontend {
namespace {

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

// `arrival` in `clock`'s time: the failure's duration counts from there, as for queued requests.
void RecordFrontendFailure(const ServingModel& model, const absl::Status& status, Clock* clock,
                           absl::Time arrival) {
  if (model.metrics() != nullptr) {
    model.metrics()->RecordFailure(FailureReasonOf(status), clock->Now() - arrival);
  }
}

// Triton's "-1" names the latest version, as an empty version does.
std::string_view Version(const std::string& version) {
  return version == "-1" ? std::string_view() : std::string_view(version);
}

// Bytes one request's largest possible input tensor takes (max batch), a bound for what a
// shared-memory input may make the server copy; 0 = unbounded (a variable dimension).
uint64_t MaxInputBytes(const ServingModel& model) {
  uint64_t largest = 0;
  for (const TensorInfo& input : model.inputs()) {
    uint64_t bytes = static_cast<uint64_t>(numerics::ElementSize(input.element_type)) *
                     static_cast<uint64_t>(std::max(1, model.max_batch_size()));
    for (int64_t d : input.dims) {
      if (d < 0 || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) return 0;
    }
    largest = std::max(largest, bytes);
  }
  return largest;
}

// Shared-memory inputs copied into `wire`, shared-memory outputs checked against their regions.
absl::Status SharedMemoryInputsAndOutputs(const SharedMemoryManager* shared_memory,
                                          const ServingModel& model,
                                          inference::ModelInferRequest& wire,
                                          std::vector<SharedMemoryOutput>* outputs) {
  if (absl::Status s = ReadSharedMemoryInputs(shared_memory, wire, MaxInputBytes(model)); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<SharedMemoryOutput>> shm = SharedMemoryOutputs(shared_memory, wire);
  if (!shm.ok()) return shm.status();
  *outputs = *std::move(shm);
  return absl::OkStatus();
}

// Each shared-memory output's region against the bytes its output tensor takes for `batch_size`.
absl::Status CheckOutputSizes(const ServingModel& model, int batch_size,
                              const std::vector<SharedMemoryOutput>& outputs) {
  for (const SharedMemoryOutput& output : outputs) {
    for (const TensorInfo& tensor : model.outputs()) {
      if (tensor.name != output.name) continue;
      uint64_t needed = static_cast<uint64_t>(numerics::ElementSize(tensor.element_type)) *
                        static_cast<uint64_t>(model.max_batch_size() > 0 ? batch_size : 1);
      for (int64_t d : tensor.dims) needed *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
      if (absl::Status s = CheckSharedMemoryOutputSize(output, needed); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status StartInference(const Principal& caller, ModelRepository* repository, Clock* clock,
                            inference::ModelInferRequest& wire,
                            absl::Time client_deadline,
                            const std::shared_ptr<std::atomic<bool>>& cancelled,
                            InferenceContext* context,
                            absl::AnyInvocable<void(absl::StatusOr<InferenceResult>)> done,
                            std::shared_ptr<const ServingModel>* enqueued_on,
                            const SharedMemoryManager* shared_memory) {
  if (absl::Status allowed = caller.Authorize(Permission::kInfer, wire.model_name());
      !allowed.ok()) {
    return allowed;
  }
  const absl::Time arrival = clock->Now();
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      repository->Get(wire.model_name(), Version(wire.model_version()));
  if (!model.ok()) return model.status();
  const ServingModel& serving = **model;

  auto request = std::make_unique<InferenceRequest>();
  DecodedRequestOptions decoded;
  std::vector<SharedMemoryOutput> shm_outputs;
  if (UsesSharedMemory(wire)) {
    absl::Status s = SharedMemoryInputsAndOutputs(shared_memory, serving, wire, &shm_outputs);
    if (!s.ok()) {
      RecordFrontendFailure(serving, s, clock, arrival);
      return s;
    }
  }
  const ModelSignature signature = SignatureOf(serving);
  if (absl::Status s = DecodeInferRequest(signature, wire, request.get(), &decoded);
      !s.ok()) {
    RecordFrontendFailure(serving, s, clock, arrival);
    return s;
  }
  if (!shm_outputs.empty()) {
    if (absl::Status s = CheckOutputSizes(serving, request->batch_size, shm_outputs); !s.ok()) {
      RecordFrontendFailure(serving, s, clock, arrival);
      return s;
    }
  }
  // The scheduler combines these with the model's queue policy.
  request->arrival = arrival;
  request->deadline = client_deadline;
  request->timeout = decoded.timeout;
  request->cancelled = cancelled;
  request->done = std::move(done);

  context->model = *model;
  context->signature = signature;
  context->batch_size = request->batch_size;
  context->id = request->id;
  context->requested_outputs = std::move(decoded.requested_outputs);
  context->shared_memory_outputs = std::move(shm_outputs);
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

absl::Status FinishInference(const InferenceContext& context, InferenceResult& result,
                             inference::ModelInferResponse* response) {
  absl::Status encoded = EncodeInferResponse(context.signature, context.id, context.batch_size,
                                             result, response, context.requested_outputs);
  if (!encoded.ok() || context.shared_memory_outputs.empty()) return encoded;
  return WriteSharedMemoryOutputs(context.shared_memory_outputs, response);
}

KeyedWorkerPool::KeyedWorkerPool(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Loop(); });
}

KeyedWorkerPool::~KeyedWorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void KeyedWorkerPool::Submit(std::string key, absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = queued_.try_emplace(key);
  // A key already listed is either runnable or running: its tasks are picked up in order.
  if (inserted) runnable_.push_back(key);
  it->second.push_back(std::move(task));
}

void KeyedWorkerPool::Loop() {
  while (true) {
    std::string key;
    absl::AnyInvocable<void()> task;
    {
      absl::MutexLock lock(&mu_);
      // Stopping: a thread leaves once nothing is runnable and nothing runs (a running task's key
      // may become runnable again when it finishes).
      mu_.Await(absl::Condition(
          +[](KeyedWorkerPool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return !p->runnable_.empty() || (p->stopping_ && p->running_.empty());
          },
          this));
      if (runnable_.empty()) return;
      key = std::move(runnable_.front());
      runnable_.pop_front();
      running_.insert(key);
      auto& queue = queued_[key];
      task = std::move(queue.front());
      queue.pop_front();
    }
    task();
    task = nullptr;  // what the task captured goes before the next of its key starts
    absl::MutexLock lock(&mu_);
    running_.erase(key);
    auto it = queued_.find(key);
    if (it->second.empty()) {
      queued_.erase(it);
    } else {
      runnable_.push_back(key);
    }
  }
}

KServeCore::KServeCore(KServeCoreOptions options)
    : options_(std::move(options)), repository_workers_(options_.load_threads) {
  if (options_.shared_memory == nullptr) {
    options_.shared_memory = std::make_shared<SharedMemoryManager>();
  }
}

bool KServeCore::Ready() const {
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

absl::Status KServeCore::ServerLive(const Principal& caller) const {
  return caller.Authorize(Permission::kServer, "");
}

absl::StatusOr<bool> KServeCore::ServerReady(const Principal& caller) const {
  if (absl::Status allowed = caller.Authorize(Permission::kServer, ""); !allowed.ok()) {
    return allowed;
  }
  return Ready();
}

absl::StatusOr<bool> KServeCore::ModelReady(const Principal& caller,
                                            const inference::ModelReadyRequest& request) const {
  if (absl::Status allowed = caller.Authorize(Permission::kModelRead, request.name());
      !allowed.ok()) {
    return allowed;
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request.name(), Version(request.version()));
  if (model.ok()) return (*model)->ready() && !draining_.load();
  // Known but not ready is an answer, not an error.
  if (model.status().code() == absl::StatusCode::kUnavailable) return false;
  return model.status();
}

absl::Status KServeCore::ServerMetadata(const Principal& caller,
                                        inference::ServerMetadataResponse* response) const {
  if (absl::Status allowed = caller.Authorize(Permission::kServer, ""); !allowed.ok()) {
    return allowed;
  }
  response->set_name(options_.server_name);
  response->set_version(options_.server_version);
  for (const char* extension :
       {"model_repository", "model_configuration", "schedule_policy", "statistics", "parameters",
        "binary_tensor_data", kSystemSharedMemoryExtension}) {
    response->add_extensions(extension);
  }
  return absl::OkStatus();
}

absl::Status KServeCore::ModelMetadata(const Principal& caller,
                                       const inference::ModelMetadataRequest& request,
                                       inference::ModelMetadataResponse* response) const {
  if (absl::Status allowed = caller.Authorize(Permission::kModelRead, request.name());
      !allowed.ok()) {
    return allowed;
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request.name(), Version(request.version()));
  if (!model.ok()) return model.status();
  absl::StatusOr<std::vector<int64_t>> versions =
      options_.repository->ReadyVersions(request.name());
  if (!versions.ok()) return versions.status();
  const ServingModel& serving = **model;
  const ModelSignature signature = SignatureOf(serving);
  response->set_name(serving.name());
  for (int64_t version : *versions) response->add_versions(absl::StrCat(version));
  response->set_platform(serving.config().platform());
  for (const TensorInfo& input : serving.inputs()) {
    FillTensorMetadata(signature, input, response->add_inputs());
  }
  for (const TensorInfo& output : serving.outputs()) {
    FillTensorMetadata(signature, output, response->add_outputs());
  }
  return absl::OkStatus();
}

absl::Status KServeCore::ModelConfig(const Principal& caller,
                                     const inference::ModelConfigRequest& request,
                                     inference::ModelConfigResponse* response) const {
  if (absl::Status allowed = caller.Authorize(Permission::kModelRead, request.name());
      !allowed.ok()) {
    return allowed;
  }
  absl::StatusOr<std::shared_ptr<const ServingModel>> model =
      options_.repository->Get(request.name(), Version(request.version()));
  if (!model.ok()) return model.status();
  *response->mutable_config() = (*model)->config();
  return absl::OkStatus();
}

absl::Status KServeCore::ModelStatistics(const Principal& caller,
                                         const inference::ModelStatisticsRequest& request,
                                         inference::ModelStatisticsResponse* response) const {
  if (request.name().empty()) {
    if (absl::Status allowed = caller.Authorize(Permission::kServer, ""); !allowed.ok()) {
      return allowed;
    }
    for (const auto& model : options_.repository->ReadyModels()) {
      if (caller.MayUse(model->name())) FillStatistics(*model, response->add_model_stats());
    }
    return absl::OkStatus();
  }
  if (absl::Status allowed = caller.Authorize(Permission::kModelRead, request.name());
      !allowed.ok()) {
    return allowed;
  }
  if (!request.version().empty()) {
    absl::StatusOr<std::shared_ptr<const ServingModel>> model =
        options_.repository->Get(request.name(), Version(request.version()));
    if (!model.ok()) return model.status();
    FillStatistics(**model, response->add_model_stats());
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<int64_t>> versions =
      options_.repository->ReadyVersions(request.name());
  if (!versions.ok()) return versions.status();
  for (int64_t version : *versions) {
    absl::StatusOr<std::shared_ptr<const ServingModel>> model =
        options_.repository->Get(request.name(), version);
    if (model.ok()) FillStatistics(**model, response->add_model_stats());  // may just have unloaded
  }
  return absl::OkStatus();
}

absl::Status KServeCore::RepositoryIndex(const Principal& caller,
                                         const inference::RepositoryIndexRequest& request,
                                         inference::RepositoryIndexResponse* response) const {
  if (absl::Status allowed = caller.Authorize(Permission::kServer, ""); !allowed.ok()) {
    return allowed;
  }
  for (const ModelIndexEntry& entry : options_.repository->Index(request.ready())) {
    if (!caller.MayUse(entry.name)) continue;
    auto* model = response->add_models();
    model->set_name(entry.name);
    model->set_version(entry.version);
    model->set_state(std::string(ModelReadyStateName(entry.state)));
    model->set_reason(entry.reason);
  }
  return absl::OkStatus();
}

void KServeCore::RepositoryModelLoad(const Principal& caller,
                                     const inference::RepositoryModelLoadRequest& request,
                                     absl::AnyInvocable<void(absl::Status)> done) {
  if (absl::Status allowed = caller.Authorize(Permission::kRepositoryAdmin, request.model_name());
      !allowed.ok()) {
    done(allowed);
    return;
  }
  absl::StatusOr<ModelLoadRequest> load = DecodeLoadParameters(request);
  if (!load.ok()) {
    done(load.status());
    return;
  }
  if (absl::Status quota = caller.CheckRegistration(
          request.model_name(), load->files,
          load->config_json.has_value() ? static_cast<int64_t>(load->config_json->size()) : 0);
      !quota.ok()) {
    done(quota);
    return;
  }
  repository_workers_.Submit(request.model_name(), [this, done = std::move(done),
                                                     name = request.model_name(),
                                                     load = *std::move(load)]() mutable {
    absl::Status status;
    // Last resort: an exception escaping this thread would end the daemon. Loads report their
    // failures as Status; this only keeps a missed one from taking every model down.
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
    done(status);
  });
}

void KServeCore::RepositoryModelUnload(const Principal& caller,
                                       const inference::RepositoryModelUnloadRequest& request,
                                       absl::AnyInvocable<void(absl::Status)> done) {
  if (absl::Status allowed = caller.Authorize(Permission::kRepositoryAdmin, request.model_name());
      !allowed.ok()) {
    done(allowed);
    return;
  }
  repository_workers_.Submit(request.model_name(), [this, done = std::move(done),
                                                     name = request.model_name()]() mutable {
    absl::Status status = options_.repository->Unload(name);
    if (options_.on_models_changed) options_.on_models_changed();
    done(status);
  });
}

}  // namespace fpgaas::frontend
