// fpgaas client library: a thin C++ client for any KServe v2 (Triton-compatible) gRPC inference
// server, fpgaasd first among them.
//
//   fpgaas::Client client("localhost:8001");
//   auto model = client.GetModel("muon_pt");
//   auto y = model->Infer(x);  // absl::StatusOr<std::vector<float>>
//
// Errors: every call returns absl::Status or absl::StatusOr<T>; the library never throws. gRPC
// status codes map one to one onto absl codes (UNAVAILABLE, DEADLINE_EXCEEDED, NOT_FOUND, ...).
//
// Ownership: a Client owns one gRPC channel. A Model is a cheap, copyable handle that shares the
// channel, so it stays usable after the Client that made it is destroyed; an asynchronous call
// keeps the channel too, so every handle may be dropped while it is in flight (its callback still
// runs once). An InferStream is owned by its caller through std::unique_ptr.
//
// Thread-safety: Client and Model are thread-safe (every method may be called concurrently).
// Completion callbacks run on gRPC's callback threads: keep them short and never block in them.
// InferStream::Send may be called from several threads; responses arrive on one gRPC thread.
#ifndef FPGAAS_CLIENT_H_
#define FPGAAS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fpgaas {

// TLS for the channel. PEM files are read when the Client is built.
struct TlsOptions {
  bool enabled = false;                 // use a secure channel
  std::string root_certificates_file;   // server CA bundle; empty = gRPC's default roots
  std::string client_certificate_file;  // client certificate chain (mutual TLS); optional
  std::string client_key_file;          // client private key (mutual TLS); optional
  std::string server_name_override;     // SNI / host name to verify, e.g. for tests; optional
};

struct ClientOptions {
  TlsOptions tls;                              // secure channel settings
  std::string bearer_token;                    // sent as "authorization: Bearer <token>"
  std::map<std::string, std::string> headers;  // extra metadata on every call
  std::chrono::milliseconds deadline{10'000};  // per-call deadline; 0 = none
  // Attempts per call when the server answers UNAVAILABLE (1 = no retry; at most 5), with
  // exponential backoff: initial_backoff, then x2 up to 1 s, each randomised by gRPC. fpgaasd
  // answers UNAVAILABLE when a model's queue is full, so retries add load to a saturated server:
  // keep them low for load generators, or use 1 and handle UNAVAILABLE yourself.
  int max_attempts = 3;
  std::chrono::milliseconds initial_backoff{50};  // first retry backoff (> 0)
  bool gzip = false;                              // compress requests with gzip
  int max_message_bytes = 256 << 20;              // largest message sent or received
};

// One tensor as the server describes it. shape uses -1 for "any size".
struct TensorMetadata {
  std::string name;
  std::string datatype;  // KServe datatype: "FP32", "INT64", ...
  std::vector<int64_t> shape;
};

struct ServerInfo {
  std::string name;
  std::string version;
  std::vector<std::string> extensions;
};

struct ModelMetadata {
  std::string name;
  std::vector<std::string> versions;
  std::string platform;
  std::vector<TensorMetadata> inputs;
  std::vector<TensorMetadata> outputs;
};

struct ModelConfigInfo {
  // max_batch_size of a model that has a batch dimension of unknown limit (see from_metadata).
  static constexpr int64_t kUnknownBatchLimit = 2147483647;

  std::string name;
  std::string platform;
  int64_t max_batch_size = 0;          // 0 = no batch dimension; > 0 = first dimension is the batch
  std::vector<TensorMetadata> inputs;  // dims are per sample (without the batch dimension)
  std::vector<TensorMetadata> outputs;
  std::string json;  // the whole ModelConfig as JSON (protobuf's JSON mapping); "" if from_metadata
  // True when the server has no ModelConfig RPC (a Triton extension that plain KServe v2 servers,
  // e.g. MLServer or KServe's model server, answer with UNIMPLEMENTED) and Client::GetModel
  // derived this from ModelMetadata alone. Then, as Triton's clients do, a leading -1 dimension
  // on every input and output is the batch dimension and max_batch_size is kUnknownBatchLimit
  // (the server enforces its own limit); otherwise max_batch_size is 0.
  bool from_metadata = false;
};

// A {count, total time} pair from ModelStatistics. Times in nanoseconds.
struct StatDuration {
  uint64_t count = 0;
  uint64_t ns = 0;
};

struct BatchStatistics {
  uint64_t batch_size = 0;
  StatDuration compute_input;
  StatDuration compute_infer;
  StatDuration compute_output;
};

// Cumulative counters since the model was loaded (subtract two snapshots for an interval).
struct ModelStatistics {
  std::string name;
  std::string version;
  uint64_t last_inference_ms = 0;  // ms since the epoch
  uint64_t inference_count = 0;    // samples inferred
  uint64_t execution_count = 0;    // batches executed
  StatDuration success;            // whole request, end to end inside the server
  StatDuration fail;
  StatDuration queue;           // waiting in the scheduler queue
  StatDuration compute_input;   // input transfer (host → device)
  StatDuration compute_infer;   // kernel compute
  StatDuration compute_output;  // output transfer (device → host)
  std::vector<BatchStatistics> batch_stats;
};

struct RepositoryModel {
  std::string name;
  std::string version;
  std::string state;  // "READY", "UNAVAILABLE", "LOADING", ...
  std::string reason;
};

// Per-call knobs; defaults come from ClientOptions.
struct InferOptions {
  std::chrono::milliseconds deadline{-1};  // < 0 = ClientOptions::deadline; 0 = none
  int64_t priority = 0;            // request parameter "priority" (1 = highest; 0 = default)
  uint64_t server_timeout_us = 0;  // request parameter "timeout" (queue timeout); 0 = none
  std::string request_id;          // echoed by the server
};

using InferResult = absl::StatusOr<std::vector<float>>;

// One named tensor of a request or response: batch_size samples, row-major, as floats.
struct NamedTensor {
  std::string name;
  std::vector<float> values;
};
using NamedTensors = std::vector<NamedTensor>;
using InferCallback = std::function<void(InferResult)>;

class InferStream;
class Model;

namespace internal {
struct ChannelState;
struct ModelState;
}  // namespace internal

// A handle on one model of one server, with its metadata and configuration cached at creation.
// Samples are floats; they are converted to the model's input datatype (FP32, FP64, INTn, UINTn)
// and outputs are converted back to float.
class Model {
 public:
  const std::string& name() const;
  const std::string& version() const;    // "" = server's choice
  const TensorMetadata& input() const;   // first input; shape is per sample
  const TensorMetadata& output() const;  // first output; shape is per sample
  // Every input / output, in the server's order; shapes are per sample.
  const std::vector<TensorMetadata>& inputs() const;
  const std::vector<TensorMetadata>& outputs() const;
  const ModelMetadata& metadata() const;
  const ModelConfigInfo& config() const;
  int64_t max_batch_size() const;  // 0 = the model has no batch dimension
  // Values per sample of the first input / output; nullopt if its shape has a variable (-1)
  // dimension, in which case any multiple of the fixed dimensions' product is accepted.
  std::optional<int64_t> input_size() const;
  std::optional<int64_t> output_size() const;

  // One sample (input_size() values) → its output values.
  InferResult Infer(std::span<const float> sample, const InferOptions& options = {}) const;
  // batch_size samples, row-major → batch_size * output_size() values. Batches larger than
  // max_batch_size() are split into several requests sent one after another; the deadline
  // bounds the whole call, not each request.
  InferResult InferBatch(std::span<const float> samples, int64_t batch_size,
                         const InferOptions& options = {}) const;
  // Asynchronous: `samples` is copied before returning; `done` runs once on a gRPC thread.
  // batch_size must be <= max_batch_size() (1 for models without a batch dimension).
  void InferAsync(std::span<const float> samples, int64_t batch_size, InferCallback done,
                  const InferOptions& options = {}) const;
  // Any model, also one with several inputs or outputs: `inputs` names every model input once
  // (any order), each holding batch_size samples; batch_size <= max_batch_size() (1 without a
  // batch dimension). Returns the outputs named in `outputs`, in that order, or every output in
  // the model's order when `outputs` is empty.
  absl::StatusOr<NamedTensors> InferTensors(const NamedTensors& inputs, int64_t batch_size = 1,
                                            const std::vector<std::string>& outputs = {},
                                            const InferOptions& options = {}) const;
  std::future<InferResult> InferFuture(std::span<const float> samples, int64_t batch_size = 1,
                                       const InferOptions& options = {}) const;

  // A bidirectional ModelStreamInfer stream (no deadline: it lives until Finish or Cancel).
  // `on_response(request_id, result)` runs on a gRPC thread once per request, in the order the
  // server answers; requests still unanswered when the stream ends get the stream's error. It may
  // call Send, but must not call Finish or destroy the stream.
  // Matching: a response whose id names an unanswered request answers that request. A response
  // without such an id (a server that does not echo ids, or an error message that carries none)
  // answers the oldest unanswered request (FIFO). A response when nothing is unanswered is
  // dropped.
  absl::StatusOr<std::unique_ptr<InferStream>> OpenStream(
      std::function<void(uint64_t request_id, InferResult result)> on_response) const;
  // The same stream for any model, also one with several inputs or outputs: each response
  // arrives as the outputs its request asked for (InferStream::SendTensors), in that order, or
  // every output in the model's order.
  absl::StatusOr<std::unique_ptr<InferStream>> OpenTensorStream(
      std::function<void(uint64_t request_id, absl::StatusOr<NamedTensors> result)> on_response)
      const;

  absl::StatusOr<ModelStatistics> Statistics() const;
  absl::StatusOr<bool> IsReady() const;

 private:
  friend class Client;
  explicit Model(std::shared_ptr<const internal::ModelState> state);
  std::shared_ptr<const internal::ModelState> state_;
};

// One ModelStreamInfer call. Destroying it closes the stream (Finish) and waits for the server.
class InferStream {
 public:
  virtual ~InferStream() = default;
  // Queues one request of batch_size samples; returns its id (also passed to on_response).
  // Fails with FAILED_PRECONDITION once the stream is finished or broken.
  virtual absl::StatusOr<uint64_t> Send(std::span<const float> samples, int64_t batch_size = 1) = 0;
  // The same with named input tensors (as Model::InferTensors), asking for `outputs` (empty:
  // every output).
  virtual absl::StatusOr<uint64_t> SendTensors(const NamedTensors& inputs, int64_t batch_size = 1,
                                               const std::vector<std::string>& outputs = {}) = 0;
  // Half-closes the stream, waits for the outstanding responses and returns the final status.
  virtual absl::Status Finish() = 0;
  // Cancels the call without waiting for answers: unanswered requests get CANCELLED, and a
  // following Finish returns promptly. Safe from any thread, also from on_response.
  virtual void Cancel() = 0;
};

class Client {
 public:
  // target: "host:port", any gRPC target ("dns:///h:p", "unix:/path", "ipv4:a:p,b:p") or a
  // comma-separated list of host:port endpoints, balanced with gRPC's round_robin policy.
  // Never fails: a bad option (e.g. an unreadable certificate) is returned by every call.
  explicit Client(const std::string& target, ClientOptions options = {});
  // Several endpoints, balanced round-robin (host names are resolved once, here).
  explicit Client(const std::vector<std::string>& endpoints, ClientOptions options = {});
  // Same, but reports a bad option at once.
  static absl::StatusOr<std::unique_ptr<Client>> Create(const std::string& target,
                                                        ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // Fetches ModelMetadata and ModelConfig once and returns a handle that caches both. A server
  // that answers ModelConfig with UNIMPLEMENTED is used through ModelMetadata alone (see
  // ModelConfigInfo::from_metadata for the batch-dimension rule).
  absl::StatusOr<Model> GetModel(const std::string& name, const std::string& version = "") const;

  absl::StatusOr<bool> IsLive() const;
  absl::StatusOr<bool> IsReady() const;
  absl::StatusOr<bool> IsModelReady(const std::string& name, const std::string& version = "") const;
  absl::StatusOr<ServerInfo> GetServerMetadata() const;
  absl::StatusOr<ModelMetadata> GetModelMetadata(const std::string& name,
                                                 const std::string& version = "") const;
  absl::StatusOr<ModelConfigInfo> GetModelConfig(const std::string& name,
                                                 const std::string& version = "") const;
  // Empty name = every model.
  absl::StatusOr<std::vector<ModelStatistics>> GetStatistics(const std::string& name = "",
                                                             const std::string& version = "") const;
  absl::StatusOr<std::vector<RepositoryModel>> ListModels(bool ready_only = false) const;
  absl::Status LoadModel(const std::string& name) const;
  absl::Status UnloadModel(const std::string& name, bool unload_dependents = false) const;
  // Uploads a model folder (<dir>/config.pbtxt and every file under its numeric version folders)
  // with RepositoryModelLoad: parameter "config" = the config as JSON, "file:<version>/<path>" =
  // each file's bytes. name "" = the config's name, else the folder's name.
  absl::Status Register(const std::string& model_dir, const std::string& name = "") const;

  // The resolved gRPC target the channel was built for (for logs).
  const std::string& target() const;

 private:
  std::shared_ptr<internal::ChannelState> channel_;
};

}  // namespace fpgaas

#endif  // FPGAAS_CLIENT_H_
