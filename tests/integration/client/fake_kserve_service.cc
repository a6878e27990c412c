#include "tests/integration/client/fake_kserve_service.h"

#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"

namespace fpgaas::testing {
namespace {

struct FakeModel {
  const char* input;
  const char* output;
  int in_dims;  // -1 = any number of values, summed into one output
  int out_dims;
  int max_batch;
};

const FakeModel* Find(const std::string& name) {
  static const auto* models =
      new std::map<std::string, FakeModel>{{"muon_pt", {"input_1", "pt", 3, 1, 4}},
                                           {"scores", {"x", "scores", 3, 3, 0}},
                                           {"slow", {"input_1", "pt", 3, 1, 4}},
                                           {"varlen", {"x", "sum", -1, 1, 0}}};
  auto it = models->find(name);
  return it == models->end() ? nullptr : &it->second;
}

}  // namespace

FakeKServeService::FakeKServeService() {}

void FakeKServeService::FailNextInfers(int count) {
  absl::MutexLock lock(&mu_);
  fail_next_ = count;
}

std::multimap<std::string, std::string> FakeKServeService::last_metadata() const {
  absl::MutexLock lock(&mu_);
  return last_metadata_;
}

inference::RepositoryModelLoadRequest FakeKServeService::last_load() const {
  absl::MutexLock lock(&mu_);
  return last_load_;
}

int FakeKServeService::infer_calls() const {
  absl::MutexLock lock(&mu_);
  return infer_calls_;
}

void FakeKServeService::Record(grpc::ServerContext* context) {
  const auto stall_until =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(stall_all_ms_.load());
  while (std::chrono::steady_clock::now() < stall_until && !context->IsCancelled()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  absl::MutexLock lock(&mu_);
  last_metadata_.clear();
  for (const auto& [key, value] : context->client_metadata()) {
    last_metadata_.emplace(std::string(key.data(), key.size()),
                           std::string(value.data(), value.size()));
  }
}

grpc::Status FakeKServeService::ServerLive(grpc::ServerContext* context,
                                           const inference::ServerLiveRequest*,
                                           inference::ServerLiveResponse* response) {
  Record(context);
  response->set_live(true);
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ServerReady(grpc::ServerContext* context,
                                            const inference::ServerReadyRequest*,
                                            inference::ServerReadyResponse* response) {
  Record(context);
  response->set_ready(true);
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ModelReady(grpc::ServerContext* context,
                                           const inference::ModelReadyRequest* request,
                                           inference::ModelReadyResponse* response) {
  Record(context);
  absl::MutexLock lock(&mu_);
  response->set_ready(Find(request->name()) != nullptr && !unloaded_.contains(request->name()));
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ServerMetadata(grpc::ServerContext* context,
                                               const inference::ServerMetadataRequest*,
                                               inference::ServerMetadataResponse* response) {
  Record(context);
  response->set_name("fake-kserve");
  response->set_version("0.0.1");
  response->add_extensions("model_repository");
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ModelMetadata(grpc::ServerContext* context,
                                              const inference::ModelMetadataRequest* request,
                                              inference::ModelMetadataResponse* response) {
  Record(context);
  const FakeModel* model = Find(request->name());
  if (model == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown model '", request->name(), "'"));
  }
  response->set_name(request->name());
  response->add_versions("1");
  response->set_platform("fake");
  auto* input = response->add_inputs();
  input->set_name(model->input);
  input->set_datatype("FP32");
  if (model->max_batch > 0) input->add_shape(-1);
  input->add_shape(model->in_dims);
  auto* output = response->add_outputs();
  output->set_name(model->output);
  output->set_datatype("FP32");
  if (model->max_batch > 0) output->add_shape(-1);
  output->add_shape(model->out_dims);
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ModelConfig(grpc::ServerContext* context,
                                            const inference::ModelConfigRequest* request,
                                            inference::ModelConfigResponse* response) {
  Record(context);
  if (model_config_unimplemented_) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "");  // what gRPC answers by default
  }
  const FakeModel* model = Find(request->name());
  if (model == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown model '", request->name(), "'"));
  }
  auto* config = response->mutable_config();
  config->set_name(request->name());
  config->set_platform("fake");
  config->set_max_batch_size(model->max_batch);
  auto* input = config->add_input();
  input->set_name(model->input);
  input->set_data_type(inference::TYPE_FP32);
  input->add_dims(model->in_dims);
  auto* output = config->add_output();
  output->set_name(model->output);
  output->set_data_type(inference::TYPE_FP32);
  output->add_dims(model->out_dims);
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::Compute(const inference::ModelInferRequest& request,
                                        inference::ModelInferResponse& response) {
  const FakeModel* model = Find(request.model_name());
  {
    absl::MutexLock lock(&mu_);
    if (model == nullptr || unloaded_.contains(request.model_name())) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("unknown model '", request.model_name(), "'"));
    }
  }
  if (request.inputs_size() != 1 || request.raw_input_contents_size() != 1 ||
      request.inputs(0).datatype() != "FP32" || request.inputs(0).name() != model->input) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "expected one raw FP32 input");
  }
  const std::string& raw = request.raw_input_contents(0);
  const auto& shape = request.inputs(0).shape();
  int64_t expected_values = 1;
  for (int64_t dim : shape) expected_values *= dim;
  const int64_t batch = model->max_batch > 0 ? shape.Get(0) : 1;
  const int64_t in_dims = model->in_dims < 0 ? expected_values : model->in_dims;
  if (static_cast<int64_t>(raw.size()) != expected_values * 4 ||
      expected_values != batch * in_dims ||
      (model->max_batch > 0 && (batch < 1 || batch > model->max_batch))) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "input shape/bytes mismatch");
  }
  std::vector<float> in(expected_values);
  std::memcpy(in.data(), raw.data(), raw.size());
  std::vector<float> out;
  for (int64_t b = 0; b < batch; ++b) {
    const float* x = &in[b * in_dims];
    if (model->out_dims == 1) {
      float sum = 0;
      for (int64_t i = 0; i < in_dims; ++i) sum += x[i];
      out.push_back(sum);
    } else {
      out.insert(out.end(), x, x + in_dims);
    }
  }
  response.set_model_name(request.model_name());
  response.set_model_version("1");
  response.set_id(request.id());
  auto* output = response.add_outputs();
  output->set_name(model->output);
  output->set_datatype("FP32");
  if (model->max_batch > 0) output->add_shape(batch);
  output->add_shape(model->out_dims);
  response.add_raw_output_contents()->assign(reinterpret_cast<const char*>(out.data()),
                                             out.size() * sizeof(float));
  absl::MutexLock lock(&mu_);
  auto& stats = stats_[request.model_name()];
  stats.set_name(request.model_name());
  stats.set_version("1");
  stats.set_inference_count(stats.inference_count() + batch);
  stats.set_execution_count(stats.execution_count() + 1);
  auto* infer = stats.mutable_inference_stats();
  // Fixed per-request stage times so interval deltas are predictable: 1/2/3/4 µs, 10 µs total.
  std::pair<inference::StatisticDuration*, uint64_t> stages[] = {
      {infer->mutable_queue(), 1000},
      {infer->mutable_compute_input(), 2000},
      {infer->mutable_compute_infer(), 3000},
      {infer->mutable_compute_output(), 4000},
      {infer->mutable_success(), 10000}};
  for (auto& [duration, ns] : stages) {
    duration->set_count(duration->count() + 1);
    duration->set_ns(duration->ns() + ns);
  }
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ModelInfer(grpc::ServerContext* context,
                                           const inference::ModelInferRequest* request,
                                           inference::ModelInferResponse* response) {
  Record(context);
  {
    absl::MutexLock lock(&mu_);
    ++infer_calls_;
    if (fail_next_ > 0) {
      --fail_next_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake: try again");
    }
  }
  if (request->model_name() == "slow") {
    std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_.load()));
  }
  return Compute(*request, *response);
}

grpc::Status FakeKServeService::ModelStreamInfer(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<inference::ModelStreamInferResponse, inference::ModelInferRequest>*
        stream) {
  Record(context);
  inference::ModelInferRequest request;
  while (stream->Read(&request)) {
    if (!answer_streams_) continue;  // until the client half-closes or cancels
    inference::ModelStreamInferResponse response;
    grpc::Status status = Compute(request, *response.mutable_infer_response());
    if (!status.ok()) {
      response.Clear();
      response.set_error_message(status.error_message());
      response.mutable_infer_response()->set_id(request.id());
    }
    if (!echo_stream_ids_) response.mutable_infer_response()->clear_id();
    stream->Write(response);
  }
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::ModelStatistics(grpc::ServerContext* context,
                                                const inference::ModelStatisticsRequest* request,
                                                inference::ModelStatisticsResponse* response) {
  Record(context);
  if (!request->name().empty() && Find(request->name()) == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown model '", request->name(), "'"));
  }
  absl::MutexLock lock(&mu_);
  for (const char* name : {"muon_pt", "scores", "slow"}) {
    if (!request->name().empty() && request->name() != name) continue;
    auto it = stats_.find(name);
    if (it != stats_.end()) {
      *response->add_model_stats() = it->second;
    } else {
      auto* empty = response->add_model_stats();
      empty->set_name(name);
      empty->set_version("1");
    }
  }
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::RepositoryIndex(grpc::ServerContext* context,
                                                const inference::RepositoryIndexRequest* request,
                                                inference::RepositoryIndexResponse* response) {
  Record(context);
  absl::MutexLock lock(&mu_);
  for (const char* name : {"muon_pt", "scores", "slow"}) {
    const bool ready = !unloaded_.contains(name);
    if (request->ready() && !ready) continue;
    auto* model = response->add_models();
    model->set_name(name);
    model->set_version("1");
    model->set_state(ready ? "READY" : "UNAVAILABLE");
    if (!ready) model->set_reason("unloaded");
  }
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::RepositoryModelLoad(
    grpc::ServerContext* context, const inference::RepositoryModelLoadRequest* request,
    inference::RepositoryModelLoadResponse*) {
  Record(context);
  absl::MutexLock lock(&mu_);
  last_load_ = *request;
  if (Find(request->model_name()) == nullptr && request->parameters().empty()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no model '", request->model_name(), "' in the repository"));
  }
  unloaded_.erase(request->model_name());
  return grpc::Status::OK;
}

grpc::Status FakeKServeService::RepositoryModelUnload(
    grpc::ServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  Record(context);
  if (Find(request->model_name()) == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown model '", request->model_name(), "'"));
  }
  absl::MutexLock lock(&mu_);
  unloaded_.insert(request->model_name());
  return grpc::Status::OK;
}

FakeKServeServer::FakeKServeServer(bool accept_gzip,
                                   std::shared_ptr<grpc::ServerCredentials> credentials) {
  grpc::ServerBuilder builder;
  if (!accept_gzip) {
    builder.AddChannelArgument(GRPC_COMPRESSION_CHANNEL_ENABLED_ALGORITHMS_BITSET,
                               1 << GRPC_COMPRESS_NONE);
  }
  builder.AddListeningPort("127.0.0.1:0",
                           credentials ? credentials : grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
}

FakeKServeServer::~FakeKServeServer() { server_->Shutdown(std::chrono::system_clock::now()); }

}  // namespace fpgaas::testing
