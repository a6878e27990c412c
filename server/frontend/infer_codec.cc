#include "server/frontend/infer_codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "server/util/text.h"

namespace fpgaas::frontend {
namespace {

using numerics::ElementType;

// Debian's abseil has its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0): StrCat needs this.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A client's shape may have millions of dimensions: at most 8 are written.
std::string ShapeString(const google::protobuf::RepeatedField<int64_t>& shape) {
  if (shape.size() <= 8) return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
  return absl::StrCat("[", absl::StrJoin(shape.begin(), shape.begin() + 8, ","), ",...(",
                      shape.size(), " dimensions)]");
}
std::string ShapeString(const std::vector<int64_t>& shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

// Appends `values` converted to `Out` (little-endian host) to `dst`; INVALID_ARGUMENT naming the
// first value that does not fit.
template <typename Out, typename In>
absl::Status AppendNarrowed(const google::protobuf::RepeatedField<In>& values,
                            const std::string& tensor, std::string_view datatype_name,
                            std::string* dst) {
  const size_t offset = dst->size();
  dst->resize(offset + values.size() * sizeof(Out));
  char* out = dst->data() + offset;
  for (int i = 0; i < values.size(); ++i) {
    const In v = values.Get(i);
    if constexpr (!std::is_same_v<In, Out> && !std::is_same_v<Out, bool>) {
      if (v < static_cast<In>(std::numeric_limits<Out>::min()) ||
          v > static_cast<In>(std::numeric_limits<Out>::max())) {
        return absl::InvalidArgumentError(absl::StrCat("input '", tensor, "': element ", i,
                                                       " value ", v, " is out of range for ",
                                                       Sv(datatype_name)));
      }
    }
    const Out narrowed = static_cast<Out>(v);
    std::memcpy(out + i * sizeof(Out), &narrowed, sizeof(Out));
  }
  return absl::OkStatus();
}

bool HasTypedContents(const inference::ModelInferRequest::InferInputTensor& input) {
  if (!input.has_contents()) return false;
  const auto& c = input.contents();
  return c.bool_contents_size() > 0 || c.int_contents_size() > 0 || c.int64_contents_size() > 0 ||
         c.uint_contents_size() > 0 || c.uint64_contents_size() > 0 ||
         c.fp32_contents_size() > 0 || c.fp64_contents_size() > 0 ||
         c.bytes_contents_size() > 0;
}

// Number of typed elements the client sent, whatever field it used.
int TypedElementCount(const inference::InferTensorContents& c) {
  return c.bool_contents_size() + c.int_contents_size() + c.int64_contents_size() +
         c.uint_contents_size() + c.uint64_contents_size() + c.fp32_contents_size() +
         c.fp64_contents_size() + c.bytes_contents_size();
}

// The InferTensorContents field that carries `type` ("" for FP16/BF16, which have none), and
// how many elements the client put in it.
std::string_view TypedFieldFor(ElementType type) {
  switch (type) {
    case ElementType::kBool: return "bool_contents";
    case ElementType::kInt8:
    case ElementType::kInt16:
    case ElementType::kInt32: return "int_contents";
    case ElementType::kInt64: return "int64_contents";
    case ElementType::kUint8:
    case ElementType::kUint16:
    case ElementType::kUint32: return "uint_contents";
    case ElementType::kUint64: return "uint64_contents";
    case ElementType::kFp32: return "fp32_contents";
    case ElementType::kFp64: return "fp64_contents";
    case ElementType::kFp16:
    case ElementType::kBf16: return "";
  }
  return "";
}

int FieldSizeFor(const inference::InferTensorContents& c, ElementType type) {
  switch (type) {
    case ElementType::kBool: return c.bool_contents_size();
    case ElementType::kInt8:
    case ElementType::kInt16:
    case ElementType::kInt32: return c.int_contents_size();
    case ElementType::kInt64: return c.int64_contents_size();
    case ElementType::kUint8:
    case ElementType::kUint16:
    case ElementType::kUint32: return c.uint_contents_size();
    case ElementType::kUint64: return c.uint64_contents_size();
    case ElementType::kFp32: return c.fp32_contents_size();
    case ElementType::kFp64: return c.fp64_contents_size();
    case ElementType::kFp16:
    case ElementType::kBf16: return 0;
  }
  return 0;
}

// Converts typed contents into the tensor's little-endian bytes. The element count has been checked.
absl::Status TypedContentsToBytes(const inference::InferTensorContents& c, ElementType type,
                                  const std::string& tensor, std::string* dst) {
  const std::string_view name = numerics::ElementTypeName(type);
  switch (type) {
    case ElementType::kBool: return AppendNarrowed<bool>(c.bool_contents(), tensor, name, dst);
    case ElementType::kInt8: return AppendNarrowed<int8_t>(c.int_contents(), tensor, name, dst);
    case ElementType::kInt16: return AppendNarrowed<int16_t>(c.int_contents(), tensor, name, dst);
    case ElementType::kInt32: return AppendNarrowed<int32_t>(c.int_contents(), tensor, name, dst);
    case ElementType::kInt64: return AppendNarrowed<int64_t>(c.int64_contents(), tensor, name, dst);
    case ElementType::kUint8: return AppendNarrowed<uint8_t>(c.uint_contents(), tensor, name, dst);
    case ElementType::kUint16:
      return AppendNarrowed<uint16_t>(c.uint_contents(), tensor, name, dst);
    case ElementType::kUint32:
      return AppendNarrowed<uint32_t>(c.uint_contents(), tensor, name, dst);
    case ElementType::kUint64:
      return AppendNarrowed<uint64_t>(c.uint64_contents(), tensor, name, dst);
    case ElementType::kFp32: return AppendNarrowed<float>(c.fp32_contents(), tensor, name, dst);
    case ElementType::kFp64: return AppendNarrowed<double>(c.fp64_contents(), tensor, name, dst);
    case ElementType::kFp16:
    case ElementType::kBf16:
      break;
  }
  return absl::InternalError("no typed field for this datatype");
}

// Index of the first NaN or infinity in `bytes` of float type `type`, or -1. Checks the exponent
// bits directly (all ones = inf or NaN) so that it vectorizes and needs no alignment.
template <typename Bits>
int64_t FirstNonFinite(const std::string& bytes, Bits exponent_mask) {
  const size_t count = bytes.size() / sizeof(Bits);
  const char* data = bytes.data();
  // Blocks without an early exit (the compiler vectorizes them); the index is looked up only in
  // a block that has one.
  constexpr size_t kBlock = 256;
  for (size_t start = 0; start < count; start += kBlock) {
    const size_t end = std::min(count, start + kBlock);
    uint32_t hits = 0;  // a count, not a bool: GCC does not vectorize a bool OR reduction
    for (size_t i = start; i < end; ++i) {
      Bits v;
      std::memcpy(&v, data + i * sizeof(Bits), sizeof(Bits));
      hits += (v & exponent_mask) == exponent_mask ? 1 : 0;
    }
    if (hits == 0) continue;
    for (size_t i = start; i < end; ++i) {
      Bits v;
      std::memcpy(&v, data + i * sizeof(Bits), sizeof(Bits));
      if ((v & exponent_mask) == exponent_mask) return static_cast<int64_t>(i);
    }
  }
  return -1;
}

int64_t FirstNonFinite(const std::string& bytes, ElementType type) {
  switch (type) {
    case ElementType::kFp16: return FirstNonFinite<uint16_t>(bytes, 0x7C00u);
    case ElementType::kBf16: return FirstNonFinite<uint16_t>(bytes, 0x7F80u);
    case ElementType::kFp32: return FirstNonFinite<uint32_t>(bytes, 0x7F800000u);
    case ElementType::kFp64: return FirstNonFinite<uint64_t>(bytes, 0x7FF0000000000000ull);
    default: return -1;
  }
}

// Replaces non-finite elements in place: NaN -> 0, +inf -> `high`, -inf -> `low` (both 0 for the
// zero policy). IEEE formats: the exponent all ones marks inf (zero mantissa) and NaN.
template <typename Float, typename Bits>
void ReplaceNonFinite(std::string& bytes, Bits exponent_mask, Bits mantissa_mask, Float low,
                      Float high) {
  const size_t count = bytes.size() / sizeof(Bits);
  char* data = bytes.data();
  for (size_t i = 0; i < count; ++i) {
    Bits v;
    std::memcpy(&v, data + i * sizeof(Bits), sizeof(Bits));
    if ((v & exponent_mask) != exponent_mask) continue;
    Float replacement = 0;
    if ((v & mantissa_mask) == 0) {
      Float x;
      std::memcpy(&x, &v, sizeof(Float));
      replacement = x > 0 ? high : low;
    }
    std::memcpy(data + i * sizeof(Bits), &replacement, sizeof(Bits));
  }
}

// The saturate or zero policy on `bytes` of `type`. Saturation needs FP32 or FP64 inputs (the
// only float types the device conversion takes besides FP16/BF16, which are replaced by 0).
absl::Status ApplyNonFinitePolicy(std::string& bytes, ElementType type, NonFinitePolicy policy,
                                  std::string_view input_precision) {
  double low = 0, high = 0;
  if (policy == NonFinitePolicy::kSaturate) {
    absl::StatusOr<numerics::FixedType> fixed = numerics::ParseFixedType(input_precision);
    if (!fixed.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "saturating non-finite inputs needs the model's input precision: ",
          fixed.status().message()));
    }
    const int bits = fixed->width;
    const int64_t max_raw = fixed->is_signed ? (int64_t{1} << (bits - 1)) - 1
                                             : static_cast<int64_t>((uint64_t{1} << bits) - 1);
    const int64_t min_raw = fixed->is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    high = numerics::ToDouble(*fixed, max_raw);
    low = numerics::ToDouble(*fixed, min_raw);
  }
  switch (type) {
    case ElementType::kFp32:
      ReplaceNonFinite<float, uint32_t>(bytes, 0x7F800000u, 0x007FFFFFu, static_cast<float>(low),
                                        static_cast<float>(high));
      break;
    case ElementType::kFp64:
      ReplaceNonFinite<double, uint64_t>(bytes, 0x7FF0000000000000ull, 0x000FFFFFFFFFFFFFull, low,
                                         high);
      break;
    case ElementType::kFp16:
    case ElementType::kBf16: {
      // 16-bit floats: every non-finite element becomes +0 (no saturation value in these types
      // is computed here).
      const uint16_t mask = type == ElementType::kFp16 ? 0x7C00u : 0x7F80u;
      for (size_t i = 0; i + 2 <= bytes.size(); i += 2) {
        uint16_t v;
        std::memcpy(&v, bytes.data() + i, 2);
        if ((v & mask) == mask) std::memset(bytes.data() + i, 0, 2);
      }
      break;
    }
    default:
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseNonNegativeParameter(const inference::ModelInferRequest& wire,
                                                  const std::string& key) {
  if (wire.parameters().empty()) return 0;  // the usual request: no key hashed
  auto it = wire.parameters().find(key);
  if (it == wire.parameters().end()) return 0;
  const inference::InferParameter& p = it->second;
  switch (p.parameter_choice_case()) {
    case inference::InferParameter::kInt64Param:
      if (p.int64_param() < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter '", Quoted(key), "' must not be negative, got ", p.int64_param()));
      }
      return p.int64_param();
    case inference::InferParameter::kUint64Param:
      if (p.uint64_param() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter '", Quoted(key), "' is too large: ", p.uint64_param()));
      }
      return static_cast<int64_t>(p.uint64_param());
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("parameter '", Quoted(key), "' must be an int64 or uint64 parameter"));
  }
}

}  // namespace

ModelSignature SignatureOf(const ServingModel& model) {
  ModelSignature signature;
  signature.model_name = model.name();
  signature.version = model.version();
  signature.max_batch_size = model.max_batch_size();
  signature.inputs = model.inputs();
  signature.outputs = model.outputs();
  signature.input_precision = model.input_precision_parameter();
  if (const std::string* non_finite = model.non_finite_inputs_parameter(); non_finite != nullptr) {
    const std::string& value = *non_finite;
    signature.non_finite_value = value;
    signature.non_finite = value == "reject"     ? NonFinitePolicy::kReject
                           : value == "saturate" ? NonFinitePolicy::kSaturate
                           : value == "zero"     ? NonFinitePolicy::kZero
                                                 : NonFinitePolicy::kInvalid;
  }
  return signature;
}

std::vector<int64_t> ClientShape(const ModelSignature& signature, const TensorInfo& tensor) {
  std::vector<int64_t> shape;
  if (signature.max_batch_size > 0) shape.push_back(-1);
  shape.insert(shape.end(), tensor.dims.begin(), tensor.dims.end());
  return shape;
}

namespace {

std::string ModelTensorNames(absl::Span<const TensorInfo> tensors) {
  std::vector<std::string> names;
  for (const TensorInfo& t : tensors) names.push_back(absl::StrCat("'", t.name, "'"));
  return absl::StrJoin(names, ", ");
}

// Validates wire input `i` against the model's input `expected` and moves or converts its
// contents into *dst. *batch_size: the batch dimension found (or the one every input must have
// when already > 0).
absl::Status DecodeInput(const ModelSignature& signature, const TensorInfo& expected,
                         inference::ModelInferRequest& wire, int i, int64_t* batch_size,
                         std::string* dst) {
  auto& input = *wire.mutable_inputs(i);
  const std::string& name = input.name();
  const std::string_view expected_datatype = numerics::ElementTypeName(expected.element_type);
  if (input.datatype() != expected_datatype) {
    return absl::InvalidArgumentError(absl::StrCat("input '", name, "': datatype '",
                                                   Quoted(input.datatype()),
                                                   "' does not match the model's ",
                                                   Sv(expected_datatype)));
  }

  // Shape: [batch, dims...] when the model batches, else dims.
  const auto& shape = input.shape();
  const bool batched = signature.max_batch_size > 0;
  const size_t expected_rank = expected.dims.size() + (batched ? 1 : 0);
  if (static_cast<size_t>(shape.size()) != expected_rank) {
    std::vector<int64_t> expected_shape = ClientShape(signature, expected);
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", name, "': shape ", ShapeString(shape), " has rank ", shape.size(),
        ", the model expects rank ", expected_rank, " ", ShapeString(expected_shape)));
  }
  int64_t this_batch = 1;
  if (batched) {
    this_batch = shape.Get(0);
    if (this_batch < 1 || this_batch > signature.max_batch_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", name, "': batch dimension ", this_batch, " of shape ",
                       ShapeString(shape), " must be between 1 and max_batch_size ",
                       signature.max_batch_size));
    }
    if (*batch_size > 0 && this_batch != *batch_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", name, "': batch dimension ", this_batch, " of shape ",
                       ShapeString(shape), " differs from input '", wire.inputs(0).name(),
                       "''s ", *batch_size, " (every input carries the same samples)"));
    }
  }
  *batch_size = this_batch;
  int64_t elements = this_batch;
  for (size_t d = 0; d < expected.dims.size(); ++d) {
    const int64_t got = shape.Get(static_cast<int>(d + (batched ? 1 : 0)));
    const int64_t want = expected.dims[d];
    if (got < 0 || (want >= 0 && got != want)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", name, "': shape ", ShapeString(shape), " does not match the model's ",
          ShapeString(ClientShape(signature, expected)), " (dimension ", d + (batched ? 1 : 0),
          " is ", got, ", expected ", want, ")"));
    }
    if (__builtin_mul_overflow(elements, got, &elements)) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", name, "': shape ", ShapeString(shape), " is too large"));
    }
  }
  const int element_size = numerics::ElementSize(expected.element_type);
  int64_t expected_bytes = 0;
  if (__builtin_mul_overflow(elements, static_cast<int64_t>(element_size), &expected_bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("input '", name, "': shape ", ShapeString(shape), " is too large"));
  }

  // Contents: raw bytes (moved, not copied) or typed fields, never both.
  const bool typed = HasTypedContents(input);
  if (wire.raw_input_contents_size() > 0) {
    if (typed) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", name, "': typed contents and raw_input_contents must not both be given"));
    }
    std::string* raw = wire.mutable_raw_input_contents(i);
    if (static_cast<int64_t>(raw->size()) != expected_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", name, "': raw_input_contents holds ", raw->size(), " bytes, shape ",
          ShapeString(shape), " of ", Sv(expected_datatype), " needs ", expected_bytes));
    }
    dst->clear();
    dst->swap(*raw);
  } else if (typed) {
    // The datatype's own field must carry the elements (FP16/BF16 have none: raw only).
    const std::string_view field = TypedFieldFor(expected.element_type);
    if (FieldSizeFor(input.contents(), expected.element_type) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", name, "': datatype ", Sv(expected_datatype), " must be sent in ",
          field.empty() ? "raw_input_contents (there is no typed field for it)" : Sv(field)));
    }
    const int count = FieldSizeFor(input.contents(), expected.element_type);
    if (TypedElementCount(input.contents()) != count) {
      // Elements in another typed field would otherwise count without being converted.
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", name, "': datatype ", Sv(expected_datatype), " must be sent in ", Sv(field),
          " only (other typed contents fields hold elements too)"));
    }
    if (count != elements) {
      return absl::InvalidArgumentError(absl::StrCat("input '", name, "': contents hold ", count,
                                                     " elements, shape ", ShapeString(shape),
                                                     " needs ", elements));
    }
    dst->clear();
    dst->reserve(expected_bytes);
    if (absl::Status s = TypedContentsToBytes(input.contents(), expected.element_type, name, dst);
        !s.ok()) {
      return s;
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("input '", name, "': no contents (neither typed contents nor "
                     "raw_input_contents)"));
  }
  // NaN and inf: the model's policy (default: rejected, whatever the device-side fixed-point type
  // would make of them).
  if (int64_t bad = FirstNonFinite(*dst, expected.element_type); bad >= 0) {
    switch (signature.non_finite) {
      case NonFinitePolicy::kReject:
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", name, "': element ", bad,
            " is NaN or infinite; fixed-point inputs must be finite"));
      case NonFinitePolicy::kSaturate:
      case NonFinitePolicy::kZero:
        if (absl::Status s = ApplyNonFinitePolicy(
                *dst, expected.element_type, signature.non_finite,
                expected.precision.empty() ? signature.input_precision : expected.precision);
            !s.ok()) {
          return s;
        }
        break;
      case NonFinitePolicy::kInvalid:
        break;  // answered by the caller, for every request
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodeInferRequest(const ModelSignature& signature, inference::ModelInferRequest& wire,
                                InferenceRequest* request, DecodedRequestOptions* options) {
  const absl::Span<const TensorInfo> inputs = signature.inputs;
  // Inputs: every model input exactly once; wire_index[k] is where model input k is.
  absl::InlinedVector<int, 4> wire_index(inputs.size(), -1);
  for (int i = 0; i < wire.inputs_size(); ++i) {
    const std::string& name = wire.inputs(i).name();
    size_t k = 0;
    while (k < inputs.size() && inputs[k].name != name) ++k;
    if (k == inputs.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown input '", Quoted(name), "' for model '", Sv(signature.model_name), "' (",
          inputs.size() == 1 ? "its input is " : "its inputs are ", ModelTensorNames(inputs), ")"));
    }
    if (wire_index[k] >= 0) {
      int times = 0;
      for (const auto& other : wire.inputs()) times += other.name() == name ? 1 : 0;
      return absl::InvalidArgumentError(
          absl::StrCat("input '", inputs[k].name, "' is given ", times, " times"));
    }
    wire_index[k] = i;
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (wire_index[k] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "missing input '", inputs[k].name, "' for model '", Sv(signature.model_name), "'",
          inputs.size() == 1 ? "" : absl::StrCat(" (it takes ", ModelTensorNames(inputs), ")")));
    }
  }
  if (wire.raw_input_contents_size() > 0 && wire.raw_input_contents_size() != wire.inputs_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "raw_input_contents has ", wire.raw_input_contents_size(),
        " entries, expected one per input (", wire.inputs_size(), ")"));
  }
  request->more_inputs.resize(inputs.size() - 1);
  int64_t batch_size = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    std::string* dst = k == 0 ? &request->input : &request->more_inputs[k - 1].data;
    if (absl::Status s = DecodeInput(signature, inputs[k], wire, wire_index[k], &batch_size, dst);
        !s.ok()) {
      return s;
    }
    if (k > 0) request->more_inputs[k - 1].type = inputs[k].element_type;
  }
  if (signature.non_finite == NonFinitePolicy::kInvalid) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model '", Sv(signature.model_name), "': config parameter ", kNonFiniteParameter, " is '",
        Sv(signature.non_finite_value), "'; expected reject, saturate or zero"));
  }

  // Requested outputs: a subset of the model's outputs, each at most once.
  const absl::Span<const TensorInfo> outputs = signature.outputs;
  options->requested_outputs.clear();
  for (const auto& output : wire.outputs()) {
    size_t k = 0;
    while (k < outputs.size() && outputs[k].name != output.name()) ++k;
    if (k == outputs.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown output '", Quoted(output.name()), "' requested from model '",
          Sv(signature.model_name), "' (", outputs.size() == 1 ? "its output is " : "its outputs are ",
          ModelTensorNames(outputs), ")"));
    }
    for (int seen : options->requested_outputs) {
      if (seen == int(k)) {
        return absl::InvalidArgumentError(
            absl::StrCat("output '", outputs[k].name, "' is requested twice"));
      }
    }
    options->requested_outputs.push_back(int(k));
  }

  absl::StatusOr<int64_t> priority = ParseNonNegativeParameter(wire, "priority");
  if (!priority.ok()) return priority.status();
  if (*priority > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("parameter 'priority' is too large: ", *priority));
  }
  absl::StatusOr<int64_t> timeout_us = ParseNonNegativeParameter(wire, "timeout");
  if (!timeout_us.ok()) return timeout_us.status();

  request->id = wire.id();
  request->batch_size = static_cast<int>(batch_size);
  request->input_type = inputs[0].element_type;
  request->output_type = outputs[0].element_type;
  request->more_output_types.clear();
  for (size_t k = 1; k < outputs.size(); ++k) {
    request->more_output_types.push_back(outputs[k].element_type);
  }
  request->priority = static_cast<uint32_t>(*priority);
  options->timeout = absl::Microseconds(*timeout_us);
  return absl::OkStatus();
}

absl::Status EncodeInferResponse(const ModelSignature& signature, const std::string& id,
                                 int request_batch_size, InferenceResult& result,
                                 inference::ModelInferResponse* response,
                                 const std::vector<int>& requested_outputs) {
  response->set_model_name(std::string(signature.model_name));
  response->set_model_version(absl::StrCat(signature.version));
  response->set_id(id);
  if (result.more_outputs.size() + 1 != signature.outputs.size()) {
    return absl::InternalError(absl::StrCat("the device returned ", result.more_outputs.size() + 1,
                                            " outputs, expected ", signature.outputs.size()));
  }
  const size_t count = requested_outputs.empty() ? signature.outputs.size() : requested_outputs.size();
  for (size_t i = 0; i < count; ++i) {
    const int k = requested_outputs.empty() ? int(i) : requested_outputs[i];
    const TensorInfo& output = signature.outputs[size_t(k)];
    std::string& bytes = k == 0 ? result.output : result.more_outputs[size_t(k - 1)];
    auto* tensor = response->add_outputs();
    tensor->set_name(output.name);
    tensor->set_datatype(std::string(numerics::ElementTypeName(output.element_type)));
    int64_t elements = 1;
    if (signature.max_batch_size > 0) {
      tensor->add_shape(request_batch_size);
      elements = request_batch_size;
    }
    for (int64_t d : output.dims) {
      tensor->add_shape(d);
      elements *= d;
    }
    const size_t expected_bytes =
        static_cast<size_t>(elements) * numerics::ElementSize(output.element_type);
    if (bytes.size() != expected_bytes) {
      return absl::InternalError(absl::StrCat("output '", output.name, "': the device returned ",
                                              bytes.size(), " bytes, expected ", expected_bytes));
    }
    response->add_raw_output_contents(std::move(bytes));
  }
  return absl::OkStatus();
}

namespace {

// ModelInferResponse's fields in protobuf's wire format, through protobuf's own encoders.
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

size_t LengthDelimitedSize(int field, size_t length) {
  return WireFormatLite::TagSize(field, WireFormatLite::TYPE_BYTES) +
         WireFormatLite::LengthDelimitedSize(length);
}

uint8_t* PutLengthDelimitedHeader(int field, size_t length, uint8_t* p) {
  p = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, p);
  return CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(length), p);
}

uint8_t* PutBytes(int field, std::string_view bytes, uint8_t* p) {
  p = PutLengthDelimitedHeader(field, bytes.size(), p);
  return CodedOutputStream::WriteRawToArray(bytes.data(), static_cast<int>(bytes.size()), p);
}

// A proto3 string field: absent when empty.
size_t StringFieldSize(int field, std::string_view text) {
  return text.empty() ? 0 : LengthDelimitedSize(field, text.size());
}

uint8_t* PutString(int field, std::string_view text, uint8_t* p) {
  return text.empty() ? p : PutBytes(field, text, p);
}

// One InferOutputTensor as EncodeInferResponse fills it (name 1, datatype 2, packed shape 3).
struct OutputTensorWire {
  std::string_view name;
  std::string_view datatype;
  bool batched = false;  // the shape starts with `batch`
  int64_t batch = 0;
  absl::Span<const int64_t> dims;
  const std::string* bytes = nullptr;
  size_t shape_size = 0;    // the packed shape's payload
  size_t message_size = 0;  // the InferOutputTensor's

  // Sets shape_size and message_size from the fields above.
  void Size() {
    shape_size = batched ? WireFormatLite::Int64Size(batch) : 0;
    for (int64_t d : dims) shape_size += WireFormatLite::Int64Size(d);
    message_size = StringFieldSize(1, name) + StringFieldSize(2, datatype) +
                   (shape_size == 0 ? 0 : LengthDelimitedSize(3, shape_size));
  }
  uint8_t* Put(uint8_t* p) const {
    p = PutString(1, name, p);
    p = PutString(2, datatype, p);
    if (shape_size > 0) {
      p = PutLengthDelimitedHeader(3, shape_size, p);
      if (batched) p = WireFormatLite::WriteInt64NoTagToArray(batch, p);
      for (int64_t d : dims) p = WireFormatLite::WriteInt64NoTagToArray(d, p);
    }
    return p;
  }
};

}  // namespace

absl::Status EncodeInferResponseWire(const ModelSignature& signature, std::string_view id,
                                     int request_batch_size, const InferenceResult& result,
                                     const std::vector<int>& requested_outputs,
                                     absl::FunctionRef<uint8_t*(size_t size)> allocate) {
  if (result.more_outputs.size() + 1 != signature.outputs.size()) {
    return absl::InternalError(absl::StrCat("the device returned ", result.more_outputs.size() + 1,
                                            " outputs, expected ", signature.outputs.size()));
  }
  const size_t count =
      requested_outputs.empty() ? signature.outputs.size() : requested_outputs.size();
  absl::InlinedVector<OutputTensorWire, 4> tensors(count);
  const absl::AlphaNum version_digits(signature.version);
  const std::string_view version(version_digits.data(), version_digits.size());
  size_t size = StringFieldSize(1, signature.model_name) + StringFieldSize(2, version) +
                StringFieldSize(3, id);
  for (size_t i = 0; i < count; ++i) {
    const int k = requested_outputs.empty() ? int(i) : requested_outputs[i];
    const TensorInfo& output = signature.outputs[size_t(k)];
    OutputTensorWire& tensor = tensors[i];
    tensor.name = output.name;
    tensor.datatype = numerics::ElementTypeName(output.element_type);
    tensor.dims = output.dims;
    tensor.bytes = k == 0 ? &result.output : &result.more_outputs[size_t(k - 1)];
    int64_t elements = 1;
    if (signature.max_batch_size > 0) {
      tensor.batched = true;
      tensor.batch = request_batch_size;
      elements = request_batch_size;
    }
    for (int64_t d : output.dims) elements *= d;
    const size_t expected_bytes =
        static_cast<size_t>(elements) * numerics::ElementSize(output.element_type);
    if (tensor.bytes->size() != expected_bytes) {
      return absl::InternalError(absl::StrCat("output '", output.name, "': the device returned ",
                                              tensor.bytes->size(), " bytes, expected ",
                                              expected_bytes));
    }
    tensor.Size();
    size +=
        LengthDelimitedSize(5, tensor.message_size) + LengthDelimitedSize(6, tensor.bytes->size());
  }
  uint8_t* p = allocate(size);
  p = PutString(1, signature.model_name, p);
  p = PutString(2, version, p);
  p = PutString(3, id, p);
  for (const OutputTensorWire& tensor : tensors) {  // outputs = 5
    p = tensor.Put(PutLengthDelimitedHeader(5, tensor.message_size, p));
  }
  for (const OutputTensorWire& tensor : tensors) p = PutBytes(6, *tensor.bytes, p);
  return absl::OkStatus();
}

}  // namespace fpgaas::frontend
