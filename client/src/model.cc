// fpgaas::Model: synchronous, asynchronous (gRPC callback API) and streaming inference.
#include <grpcpp/grpcpp.h>

#include <deque>
#include <map>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/src/client_internal.h"
#include "fpgaas/client.h"

namespace fpgaas {

using internal::FromGrpc;
using internal::ModelState;

Model::Model(std::shared_ptr<const ModelState> state) : state_(std::move(state)) {}

const std::string& Model::name() const { return state_->metadata.name; }
const std::string& Model::version() const { return state_->version; }
const TensorMetadata& Model::input() const { return state_->input; }
const TensorMetadata& Model::output() const { return state_->output; }
const std::vector<TensorMetadata>& Model::inputs() const { return state_->inputs; }
const std::vector<TensorMetadata>& Model::outputs() const { return state_->outputs; }
const ModelMetadata& Model::metadata() const { return state_->metadata; }
const ModelConfigInfo& Model::config() const { return state_->config; }
int64_t Model::max_batch_size() const { return state_->config.max_batch_size; }

namespace {

std::optional<int64_t> Elements(const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    count *= dim;
  }
  return count;
}

// The outputs named in `requested`, in that order, or every output of the model the response
// carries, in the model's order, when `requested` is empty.
absl::StatusOr<NamedTensors> DecodeOutputs(const ModelState& model,
                                           const inference::ModelInferResponse& response,
                                           const std::vector<std::string>& requested) {
  const auto carried = [&response](const std::string& name) {
    for (const auto& tensor : response.outputs()) {
      if (tensor.name() == name) return true;
    }
    return false;
  };
  NamedTensors result;
  if (requested.empty()) {
    for (const TensorMetadata& output : model.outputs) {
      if (carried(output.name)) result.push_back(NamedTensor{output.name, {}});
    }
  } else {
    for (const std::string& name : requested) result.push_back(NamedTensor{name, {}});
  }
  for (NamedTensor& tensor : result) {
    if (!carried(tensor.name)) {
      return absl::DataLossError(
          absl::StrCat("the response carries no output '", tensor.name, "'"));
    }
    auto values = internal::DecodeOutput(response, tensor.name);
    if (!values.ok()) return values.status();
    tensor.values = *std::move(values);
  }
  if (result.empty()) return absl::DataLossError("the response carries no output tensor");
  return result;
}

}  // namespace

std::optional<int64_t> Model::input_size() const { return Elements(state_->input.shape); }
std::optional<int64_t> Model::output_size() const { return Elements(state_->output.shape); }

InferResult Model::Infer(std::span<const float> sample, const InferOptions& options) const {
  return InferBatch(sample, 1, options);
}

InferResult Model::InferBatch(std::span<const float> samples, int64_t batch_size,
                              const InferOptions& options) const {
  const internal::ChannelState& channel = *state_->channel;
  if (!channel.init_error.ok()) return channel.init_error;
  if (batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("batch size must be >= 1, got ", batch_size));
  }
  if (samples.size() % batch_size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(samples.size(), " values do not split into ", batch_size, " samples"));
  }
  const size_t per_sample = samples.size() / batch_size;
  // Requests of at most max_batch_size samples (one sample each when there is no batch dim).
  const int64_t chunk = max_batch_size() > 0 ? max_batch_size() : 1;
  const auto deadline = channel.DeadlineFromNow(options.deadline);  // for the whole call
  std::vector<float> outputs;
  for (int64_t first = 0; first < batch_size; first += chunk) {
    const int64_t count = std::min(chunk, batch_size - first);
    inference::ModelInferRequest request;
    absl::Status status = internal::BuildInferRequest(
        *state_, samples.subspan(first * per_sample, count * per_sample), count, options, request);
    if (!status.ok()) return status;
    grpc::ClientContext context;
    channel.PrepareUntil(context, deadline);
    inference::ModelInferResponse response;
    status = FromGrpc(channel.stub->ModelInfer(&context, request, &response), "ModelInfer");
    if (!status.ok()) return status;
    auto values = internal::DecodeOutput(response, state_->output.name);
    if (!values.ok()) return values.status();
    outputs.insert(outputs.end(), values->begin(), values->end());
  }
  return outputs;
}

absl::StatusOr<NamedTensors> Model::InferTensors(const NamedTensors& inputs, int64_t batch_size,
                                                 const std::vector<std::string>& outputs,
                                                 const InferOptions& options) const {
  const internal::ChannelState& channel = *state_->channel;
  if (!channel.init_error.ok()) return channel.init_error;
  inference::ModelInferRequest request;
  absl::Status status =
      internal::BuildInferRequest(*state_, inputs, batch_size, options, outputs, request);
  if (!status.ok()) return status;
  grpc::ClientContext context;
  channel.Prepare(context, options.deadline);
  inference::ModelInferResponse response;
  status = FromGrpc(channel.stub->ModelInfer(&context, request, &response), "ModelInfer");
  if (!status.ok()) return status;
  return DecodeOutputs(*state_, response, outputs);
}

namespace {

// Owns everything one asynchronous ModelInfer needs until its completion runs.
struct AsyncCall {
  grpc::ClientContext context;
  inference::ModelInferRequest request;
  inference::ModelInferResponse response;
  std::shared_ptr<const ModelState> model;
  InferCallback done;
};

}  // namespace

void Model::InferAsync(std::span<const float> samples, int64_t batch_size, InferCallback done,
                       const InferOptions& options) const {
  const internal::ChannelState& channel = *state_->channel;
  if (!channel.init_error.ok()) {
    done(channel.init_error);
    return;
  }
  auto call = std::make_unique<AsyncCall>();
  absl::Status status =
      internal::BuildInferRequest(*state_, samples, batch_size, options, call->request);
  if (!status.ok()) {
    done(status);
    return;
  }
  channel.Prepare(call->context, options.deadline);
  call->model = state_;
  call->done = std::move(done);
  AsyncCall* raw = call.release();
  channel.stub->async()->ModelInfer(
      &raw->context, &raw->request, &raw->response, [raw](grpc::Status grpc_status) {
        std::unique_ptr<AsyncCall> owned(raw);
        absl::Status status = FromGrpc(grpc_status, "ModelInfer");
        if (!status.ok()) {
          owned->done(status);
          return;
        }
        owned->done(internal::DecodeOutput(owned->response, owned->model->output.name));
      });
}

std::future<InferResult> Model::InferFuture(std::span<const float> samples, int64_t batch_size,
                                            const InferOptions& options) const {
  auto promise = std::make_shared<std::promise<InferResult>>();
  std::future<InferResult> future = promise->get_future();
  InferAsync(
      samples, batch_size, [promise](InferResult result) { promise->set_value(std::move(result)); },
      options);
  return future;
}

absl::StatusOr<ModelStatistics> Model::Statistics() const {
  const internal::ChannelState& channel = *state_->channel;
  if (!channel.init_error.ok()) return channel.init_error;
  inference::ModelStatisticsRequest request;
  request.set_name(name());
  request.set_version(version());
  inference::ModelStatisticsResponse response;
  grpc::ClientContext context;
  channel.Prepare(context);
  absl::Status status =
      FromGrpc(channel.stub->ModelStatistics(&context, request, &response), "ModelStatistics");
  if (!status.ok()) return status;
  if (response.model_stats_size() == 0) {
    return absl::NotFoundError(absl::StrCat("no statistics for model '", name(), "'"));
  }
  // Several versions may be reported: sum them, as one model handle spans them.
  ModelStatistics total = internal::ToStatistics(response.model_stats(0));
  for (int i = 1; i < response.model_stats_size(); ++i) {
    ModelStatistics more = internal::ToStatistics(response.model_stats(i));
    total.last_inference_ms = std::max(total.last_inference_ms, more.last_inference_ms);
    total.inference_count += more.inference_count;
    total.execution_count += more.execution_count;
    for (auto [sum, add] : {std::pair{&total.success, &more.success},
                            {&total.fail, &more.fail},
                            {&total.queue, &more.queue},
                            {&total.compute_input, &more.compute_input},
                            {&total.compute_infer, &more.compute_infer},
                            {&total.compute_output, &more.compute_output}}) {
      sum->count += add->count;
      sum->ns += add->ns;
    }
  }
  return total;
}

absl::StatusOr<bool> Model::IsReady() const {
  const internal::ChannelState& channel = *state_->channel;
  if (!channel.init_error.ok()) return channel.init_error;
  inference::ModelReadyRequest request;
  request.set_name(name());
  request.set_version(version());
  inference::ModelReadyResponse response;
  grpc::ClientContext context;
  channel.Prepare(context);
  absl::Status status =
      FromGrpc(channel.stub->ModelReady(&context, request, &response), "ModelReady");
  if (!status.ok()) return status;
  return response.ready();
}

namespace {

// One ModelStreamInfer call as a gRPC client reactor. Writes are queued (gRPC allows one write in
// flight); reads are always outstanding until the server ends the stream. Responses reach the
// caller as the first output's floats (OpenStream) or as named tensors (OpenTensorStream).
class StreamCall final : public grpc::ClientBidiReactor<inference::ModelInferRequest,
                                                        inference::ModelStreamInferResponse>,
                         public InferStream {
 public:
  using FloatsCallback = std::function<void(uint64_t, InferResult)>;
  using TensorsCallback = std::function<void(uint64_t, absl::StatusOr<NamedTensors>)>;

  StreamCall(std::shared_ptr<const ModelState> model, FloatsCallback on_floats,
             TensorsCallback on_tensors)
      : model_(std::move(model)),
        on_floats_(std::move(on_floats)),
        on_tensors_(std::move(on_tensors)) {
    // Streams live as long as the caller wants: no deadline.
    model_->channel->Prepare(context_, std::chrono::milliseconds{0});
    model_->channel->stub->async()->ModelStreamInfer(&context_, this);
    AddHold();  // Send may start writes from outside reactions until Finish.
    StartRead(&response_);
    StartCall();
  }

  ~StreamCall() override { (void)Finish(); }

  absl::StatusOr<uint64_t> Send(std::span<const float> samples, int64_t batch_size) override {
    inference::ModelInferRequest request;
    absl::Status status = internal::BuildInferRequest(*model_, samples, batch_size, {}, request);
    if (!status.ok()) return status;
    return Queue(std::move(request), {});
  }

  absl::StatusOr<uint64_t> SendTensors(const NamedTensors& inputs, int64_t batch_size,
                                       const std::vector<std::string>& outputs) override {
    inference::ModelInferRequest request;
    absl::Status status =
        internal::BuildInferRequest(*model_, inputs, batch_size, {}, outputs, request);
    if (!status.ok()) return status;
    return Queue(std::move(request), outputs);
  }

  absl::StatusOr<uint64_t> Queue(inference::ModelInferRequest request,
                                 std::vector<std::string> outputs) {
    uint64_t id;
    {
      absl::MutexLock lock(&mu_);
      if (finishing_ || broken_) {
        return absl::FailedPreconditionError(
            broken_ ? "the inference stream was closed by the server" : "the stream is finished");
      }
      // Ids grow in write order (both under mu_), so outstanding_.begin() is the oldest request.
      id = next_id_++;
      request.set_id(absl::StrCat(id));
      outstanding_.emplace(id, std::move(outputs));
      pending_.push_back(std::move(request));
      if (writing_) return id;
      writing_ = true;
      current_ = std::move(pending_.front());
      pending_.pop_front();
    }
    StartWrite(&current_);
    return id;
  }

  absl::Status Finish() override {
    bool start_writes_done = false;
    bool remove_hold = false;
    {
      absl::MutexLock lock(&mu_);
      if (!finishing_) {
        finishing_ = true;
        remove_hold = true;
        if (!writing_ && !writes_done_started_) {
          writes_done_started_ = true;
          start_writes_done = true;
        }
      }
    }
    if (start_writes_done) StartWritesDone();
    if (remove_hold) RemoveHold();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_;
  }

  void Cancel() override { context_.TryCancel(); }

  void OnWriteDone(bool ok) override {
    bool next_write = false;
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      if (!ok) {
        broken_ = true;
        writing_ = false;
        pending_.clear();
        return;
      }
      if (!pending_.empty()) {
        current_ = std::move(pending_.front());
        pending_.pop_front();
        next_write = true;
      } else {
        writing_ = false;
        if (finishing_ && !writes_done_started_) {
          writes_done_started_ = writes_done = true;
        }
      }
    }
    if (next_write) StartWrite(&current_);
    if (writes_done) StartWritesDone();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      broken_ = true;  // the server ended the stream; OnDone reports why
      return;
    }
    uint64_t id = 0;
    const bool has_id = absl::SimpleAtoi(response_.infer_response().id(), &id);
    std::optional<std::vector<std::string>> requested;  // set when the response answers a request
    {
      absl::MutexLock lock(&mu_);
      auto it = has_id ? outstanding_.find(id) : outstanding_.end();
      if (it == outstanding_.end() && !outstanding_.empty()) {
        it = outstanding_.begin();  // no usable id: the oldest unanswered request
      }
      if (it != outstanding_.end()) {
        id = it->first;
        requested = std::move(it->second);
        outstanding_.erase(it);
      }
    }
    if (requested.has_value()) {
      if (!response_.error_message().empty()) {
        Deliver(id, absl::UnknownError(
                        absl::StrCat("ModelStreamInfer: ", response_.error_message())));
      } else if (on_tensors_) {
        on_tensors_(id, DecodeOutputs(*model_, response_.infer_response(), *requested));
      } else {
        on_floats_(id, internal::DecodeOutput(response_.infer_response(), model_->output.name));
      }
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& grpc_status) override {
    absl::Status status = FromGrpc(grpc_status, "ModelStreamInfer");
    std::map<uint64_t, std::vector<std::string>> unanswered;
    {
      absl::MutexLock lock(&mu_);
      unanswered.swap(outstanding_);
    }
    for (const auto& [id, outputs] : unanswered) {
      Deliver(id, status.ok() ? absl::DataLossError("stream ended without a response") : status);
    }
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

 private:
  // An error for request `id`, to whichever callback the stream has.
  void Deliver(uint64_t id, absl::Status error) {
    if (on_tensors_) {
      on_tensors_(id, std::move(error));
    } else {
      on_floats_(id, std::move(error));
    }
  }

  const std::shared_ptr<const ModelState> model_;
  const FloatsCallback on_floats_;    // OpenStream
  const TensorsCallback on_tensors_;  // OpenTensorStream
  grpc::ClientContext context_;
  inference::ModelStreamInferResponse response_;  // owned by the read side
  inference::ModelInferRequest current_;          // owned by the one write in flight

  absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<inference::ModelInferRequest> pending_ ABSL_GUARDED_BY(mu_);
  // Unanswered request ids, with the outputs each asked for (empty: every output).
  std::map<uint64_t, std::vector<std::string>> outstanding_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_started_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<InferStream>> Model::OpenStream(
    std::function<void(uint64_t request_id, InferResult result)> on_response) const {
  if (!state_->channel->init_error.ok()) return state_->channel->init_error;
  if (!on_response) return absl::InvalidArgumentError("OpenStream needs a response callback");
  return std::make_unique<StreamCall>(state_, std::move(on_response), nullptr);
}

absl::StatusOr<std::unique_ptr<InferStream>> Model::OpenTensorStream(
    std::function<void(uint64_t request_id, absl::StatusOr<NamedTensors> result)> on_response)
    const {
  if (!state_->channel->init_error.ok()) return state_->channel->init_error;
  if (!on_response) {
    return absl::InvalidArgumentError("OpenTensorStream needs a response callback");
  }
  return std::make_unique<StreamCall>(state_, nullptr, std::move(on_response));
}

}  // namespace fpgaas
