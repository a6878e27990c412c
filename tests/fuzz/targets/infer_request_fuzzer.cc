// Fuzzes the request path a client controls: bytes -> ModelInferRequest (protobuf) ->
// DecodeInferRequest against a model signature -> packing into the model's ap_fixed input buffer,
// as the scheduler does. The first input byte picks the model's input datatype; the rest is the
// serialized request. Invariants: decode errors are INVALID_ARGUMENT; an accepted request holds
// exactly batch_size * elements bytes, 1 <= batch_size <= max_batch_size; packing an accepted
// request always packs (decoding refuses NaN and infinities).
#include <cstdint>
#include <string>
#include <vector>

#include "google/protobuf/stubs/logging.h"
#include "proto/grpc_service.pb.h"
#include "server/frontend/infer_codec.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/tensor_packing.h"
#include "tests/fuzz/targets/fuzz_check.h"

namespace {

using fpgaas::numerics::ElementType;

constexpr int kMaxBatch = 8;

fpgaas::TensorInfo Tensor(std::string name, ElementType type, std::vector<int64_t> dims) {
  fpgaas::TensorInfo t;
  t.name = std::move(name);
  t.element_type = type;
  t.datatype = std::string(fpgaas::numerics::ElementTypeName(type));
  t.dims = std::move(dims);
  t.elements_per_sample = 1;
  for (int64_t d : t.dims) t.elements_per_sample *= d;
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto input_type = static_cast<ElementType>(data[0] % (int(ElementType::kFp64) + 1));
  static const bool kQuiet = [] {  // invalid UTF-8 in string fields is logged at every parse
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)kQuiet;
  inference::ModelInferRequest wire;
  if (!wire.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;

  static const fpgaas::numerics::FixedType kModelInput =
      fpgaas::numerics::ParseFixedType("ap_fixed<16,6>").value();
  const fpgaas::TensorInfo input = Tensor("input_1", input_type, {2, 2});
  const fpgaas::TensorInfo output = Tensor("output", ElementType::kFp32, {3});
  fpgaas::frontend::ModelSignature signature;
  signature.model_name = "model";
  signature.version = 1;
  signature.max_batch_size = kMaxBatch;
  signature.inputs = absl::MakeConstSpan(&input, 1);
  signature.outputs = absl::MakeConstSpan(&output, 1);

  fpgaas::InferenceRequest request;
  fpgaas::frontend::DecodedRequestOptions options;
  const absl::Status status =
      fpgaas::frontend::DecodeInferRequest(signature, wire, &request, &options);
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!status.message().empty());
    return 0;
  }
  FUZZ_CHECK(request.batch_size >= 1 && request.batch_size <= kMaxBatch);
  FUZZ_CHECK(options.timeout >= absl::ZeroDuration());
  const size_t count = size_t(request.batch_size) * size_t(input.elements_per_sample);
  FUZZ_CHECK(request.input.size() ==
             count * size_t(fpgaas::numerics::ElementSize(request.input_type)));
  std::vector<uint8_t> device(count * kModelInput.container_bytes());
  const absl::Status packed = fpgaas::numerics::PackElements(
      request.input_type, request.input.data(), count, kModelInput, device.data());
  FUZZ_CHECK(packed.ok());  // decoding already refused NaN and infinities
  return 0;
}
