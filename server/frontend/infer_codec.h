// Internal to server/frontend: KServe v2 ModelInferRequest <-> scheduler InferenceRequest.
//
// DecodeInferRequest validates a wire request against one model version's signature and fills an
// InferenceRequest; every error is INVALID_ARGUMENT naming the tensor. Raw input bytes are moved out
// of the wire message (no copy). EncodeInferResponse moves the result's output bytes into
// raw_output_contents. Pure functions, thread-safe.
#ifndef FPGAAS_SERVER_FRONTEND_INFER_CODEC_H_
#define FPGAAS_SERVER_FRONTEND_INFER_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "proto/grpc_service.pb.h"
#include "proto/model_config.pb.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/repository.h"
#include "server/scheduler/scheduler.h"

namespace fpgaas::frontend {

// What a model does with NaN and infinite input elements, from its config's parameter
// "fpga.non_finite_inputs": "reject" (default: INVALID_ARGUMENT naming the element), "saturate"
// (+inf -> the largest and -inf -> the lowest value of the model's input fixed-point type, NaN ->
// 0), "zero" (every non-finite element -> 0).
// kInvalid: the parameter has another value; every request then fails FAILED_PRECONDITION.
enum class NonFinitePolicy { kReject, kSaturate, kZero, kInvalid };
inline constexpr char kNonFiniteParameter[] = "fpga.non_finite_inputs";

// What a client must send to, and gets back from, one model version. A view: the pointed-to
// TensorInfos (usually a ServingModel's) must outlive it.
struct ModelSignature {
  std::string_view model_name;
  int64_t version = 1;
  int max_batch_size = 0;          // 0 = no batch dimension in shapes
  // The model's inputs and outputs, in the device's (hls4ml top function's) order, >= 1 each.
  absl::Span<const TensorInfo> inputs;
  absl::Span<const TensorInfo> outputs;
  NonFinitePolicy non_finite = NonFinitePolicy::kReject;
  std::string_view non_finite_value;  // the parameter as written (for kInvalid's message)
  // The device's input type, e.g. "ap_fixed<16,6>", for inputs whose TensorInfo has no precision.
  std::string_view input_precision;
};

ModelSignature SignatureOf(const ServingModel& model);

// What DecodeInferRequest extracts besides the tensor.
struct DecodedRequestOptions {
  absl::Duration timeout = absl::ZeroDuration();  // request parameter "timeout" (µs); 0 = none
  // The outputs the client asked for (indices into signature.outputs, in the request's order);
  // empty: every output, in the model's order.
  std::vector<int> requested_outputs;
};

// Validates `wire` against `signature` and fills request->{id, batch_size, input_type, input,
// more_inputs, output_type, more_output_types, priority}: every model input exactly once (in any
// order, matched by name; raw_input_contents[i] belongs to wire input i), all with the same batch
// dimension; requested outputs are known names, each at most once. Moves the raw input bytes out
// of `wire` (its raw_input_contents are left empty). On error *request is in an unspecified
// state and must be discarded.
absl::Status DecodeInferRequest(const ModelSignature& signature, inference::ModelInferRequest& wire,
                                InferenceRequest* request, DecodedRequestOptions* options);

// Fills `response` with the requested outputs (`requested_outputs` as DecodeInferRequest gave it:
// empty = all); their bytes are moved from `result` into raw_output_contents. INTERNAL when the
// result's byte size does not match the signature (a scheduler bug). `request_batch_size` is the
// request's own sample count (not the formed batch's).
absl::Status EncodeInferResponse(const ModelSignature& signature, const std::string& id,
                                 int request_batch_size, InferenceResult& result,
                                 inference::ModelInferResponse* response,
                                 const std::vector<int>& requested_outputs = {});

// The message EncodeInferResponse would fill, in protobuf wire format, without building it: sizes
// it, calls `allocate(size)` once (only when the checks pass) and writes exactly `size` bytes to
// the buffer it returns. Same checks and statuses as EncodeInferResponse; the output bytes are
// copied (`result` is left as it was). For the gRPC answer, where the message itself (arena,
// strings, size pass, serialization) cost more than everything else in encoding.
absl::Status EncodeInferResponseWire(const ModelSignature& signature, std::string_view id,
                                     int request_batch_size, const InferenceResult& result,
                                     const std::vector<int>& requested_outputs,
                                     absl::FunctionRef<uint8_t*(size_t size)> allocate);

// Shape as the client sees it: [-1, dims...] when the model batches, else dims.
std::vector<int64_t> ClientShape(const ModelSignature& signature, const TensorInfo& tensor);

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_INFER_CODEC_H_
