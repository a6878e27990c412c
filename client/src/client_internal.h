// Private state shared by client.cc and model.cc. Not installed; may include generated code.
#ifndef FPGAAS_CLIENT_SRC_CLIENT_INTERNAL_H_
#define FPGAAS_CLIENT_SRC_CLIENT_INTERNAL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fpgaas/client.h"
#include "proto/grpc_service.grpc.pb.h"

namespace fpgaas::internal {

// One channel and its stub, shared by a Client and every Model it hands out. Immutable after
// construction, so thread-safe.
struct ChannelState {
  ClientOptions options;
  std::string target;
  absl::Status init_error;  // a bad option: returned by every call
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub;

  // Deadline (< 0 = options.deadline, 0 = none), bearer token and extra headers.
  void Prepare(grpc::ClientContext& context,
               std::chrono::milliseconds deadline = std::chrono::milliseconds{-1}) const;
  // The absolute deadline for a call that starts now (< 0 = options.deadline; 0 = none, as
  // time_point::max()), for calls made of several RPCs that share one deadline.
  std::chrono::system_clock::time_point DeadlineFromNow(std::chrono::milliseconds deadline) const;
  // Same as Prepare, with an absolute deadline (time_point::max() = none).
  void PrepareUntil(grpc::ClientContext& context,
                    std::chrono::system_clock::time_point deadline) const;
};

// A Model handle's cached view of the model. Immutable after GetModel.
struct ModelState {
  std::shared_ptr<const ChannelState> channel;
  std::string version;
  ModelMetadata metadata;
  ModelConfigInfo config;
  TensorMetadata input;   // per-sample shape
  TensorMetadata output;  // per-sample shape
  std::vector<TensorMetadata> inputs, outputs;  // every tensor, per-sample shapes
};

absl::Status FromGrpc(const grpc::Status& status, absl::string_view rpc);

// Fills a ModelInfer request for batch_size samples (values row-major, converted to the input's
// datatype as raw bytes).
absl::Status BuildInferRequest(const ModelState& model, std::span<const float> samples,
                               int64_t batch_size, const InferOptions& options,
                               inference::ModelInferRequest& request);
// The same for several named inputs (each `tensor` one of model.inputs); requests the outputs
// named in `outputs` (none: the server sends every output).
absl::Status BuildInferRequest(const ModelState& model, const std::vector<NamedTensor>& tensors,
                               int64_t batch_size, const InferOptions& options,
                               const std::vector<std::string>& outputs,
                               inference::ModelInferRequest& request);

// The named output of a response (or its first output), as floats.
absl::StatusOr<std::vector<float>> DecodeOutput(const inference::ModelInferResponse& response,
                                                const std::string& output_name);

ModelStatistics ToStatistics(const inference::ModelStatistics& stats);

absl::Status EncodeValues(std::span<const float> values, absl::string_view datatype,
                          std::string& raw);

}  // namespace fpgaas::internal

#endif  // FPGAAS_CLIENT_SRC_CLIENT_INTERNAL_H_
