// Internal to server/http: KServe v2 REST bodies <-> the protobuf messages the gRPC service takes,
// so that both transports share one decoded-request path (server/frontend/kserve_core.h).
//
// Infer requests: the JSON form ({"id", "parameters", "inputs": [{"name", "datatype", "shape",
// "data" | "parameters": {"binary_data_size": N}}], "outputs": [{"name", "parameters":
// {"binary_data": bool}}]}) and Triton's binary-tensor extension (the JSON header is the first
// Inference-Header-Content-Length bytes of the body; binary inputs follow it in input order).
// JSON "data" may be flat or nested (row-major) and fills the datatype's typed contents field;
// binary data fills raw_input_contents. An input or output with the parameter
// "shared_memory_region" (Triton's shared-memory extension) keeps its shared_memory_* parameters
// for the core; such an input has neither "data" nor binary_data_size. The HTTP-only parameters (binary_data_size, binary_data,
// binary_data_output) are consumed here and not passed on. Every error is INVALID_ARGUMENT.
// Pure functions, thread-safe.
#ifndef FPGAAS_SERVER_HTTP_HTTP_CODEC_H_
#define FPGAAS_SERVER_HTTP_HTTP_CODEC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/grpc_service.pb.h"

namespace fpgaas::http {

// Which outputs the client wants as binary data (by name; `all_binary` from the request-level
// "binary_data_output" parameter).
struct OutputEncoding {
  bool all_binary = false;
  std::vector<std::string> binary_outputs;
  // Outputs written to shared memory: answered with name, datatype and shape only (as Triton).
  std::vector<std::string> shared_memory_outputs;
  bool Binary(const std::string& name) const;
  bool SharedMemory(const std::string& name) const;
};

// `body` is the whole request body; `header_length` the Inference-Header-Content-Length value
// (nullopt: the body is all JSON). `model_name`/`model_version` come from the URL.
absl::Status DecodeInferRequest(std::string_view body, std::optional<size_t> header_length,
                                std::string_view model_name, std::string_view model_version,
                                inference::ModelInferRequest* wire, OutputEncoding* encoding);

// The response body; *header_length is the JSON part's size when binary outputs follow it
// (nullopt when the body is JSON only). Consumes the raw output bytes of `response`.
// INVALID_ARGUMENT for an output whose datatype JSON cannot carry (FP16/BF16 must be binary).
absl::StatusOr<std::string> EncodeInferResponse(inference::ModelInferResponse& response,
                                                const OutputEncoding& encoding,
                                                std::optional<size_t>* header_length);

// Bodies of the other endpoints (the JSON the v2 REST protocol and Triton define).
std::string ServerMetadataJson(const inference::ServerMetadataResponse& metadata);
std::string ModelMetadataJson(const inference::ModelMetadataResponse& metadata);
// Protobuf's JSON mapping of the ModelConfig with proto field names, as Triton's config endpoint.
std::string ModelConfigJson(const inference::ModelConfigResponse& config);
// Counts and nanoseconds as JSON numbers (perf_analyzer reads them as integers).
std::string ModelStatisticsJson(const inference::ModelStatisticsResponse& statistics);
// A JSON array of {name, version, state, reason}.
std::string RepositoryIndexJson(const inference::RepositoryIndexResponse& index);
std::string ErrorJson(std::string_view message);

// Triton's system shared-memory status body: [{"name", "key", "offset", "byte_size"}], by name.
std::string SystemSharedMemoryStatusJson(const inference::SystemSharedMemoryStatusResponse& status);
// {"key": string, "offset": number (optional), "byte_size": number} for region `name`.
absl::Status DecodeSystemSharedMemoryRegisterRequest(
    std::string_view body, std::string_view name,
    inference::SystemSharedMemoryRegisterRequest* request);

// Request bodies of the repository endpoints (an empty body is an empty request).
absl::Status DecodeRepositoryIndexRequest(std::string_view body,
                                          inference::RepositoryIndexRequest* request);
// "parameters": {"config": "<JSON>", "file:<version>/<path>": "<base64>"} (Triton's REST form:
// file contents are base64 text).
absl::Status DecodeModelLoadRequest(std::string_view body, inference::RepositoryModelLoadRequest* request);

}  // namespace fpgaas::http

#endif  // FPGAAS_SERVER_HTTP_HTTP_CODEC_H_
