#include "server/http/http_codec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace fpgaas::http {
namespace {

using nlohmann::json;

// Invalid UTF-8 (e.g. in a file-derived reason) is replaced instead of making dump() throw.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::StatusOr<json> Parse(std::string_view text, std::string_view what) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON in ", Sv(what), ": ", e.what()));
  }
}

// JSON value -> InferParameter (integers as int64 unless they only fit uint64).
absl::Status ToInferParameter(const json& value, const std::string& key,
                              inference::InferParameter* out) {
  switch (value.type()) {
    case json::value_t::boolean: out->set_bool_param(value.get<bool>()); break;
    case json::value_t::number_integer: out->set_int64_param(value.get<int64_t>()); break;
    case json::value_t::number_unsigned: {
      const uint64_t v = value.get<uint64_t>();
      if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        out->set_int64_param(static_cast<int64_t>(v));
      } else {
        out->set_uint64_param(v);
      }
      break;
    }
    case json::value_t::number_float: out->set_double_param(value.get<double>()); break;
    case json::value_t::string: out->set_string_param(value.get<std::string>()); break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "parameter '", key, "' must be a boolean, number or string, got ", value.type_name()));
  }
  return absl::OkStatus();
}

// Appends the elements of a flat or nested JSON array in row-major order.
void Flatten(const json& value, std::vector<const json*>* out) {
  if (value.is_array()) {
    for (const json& element : value) Flatten(element, out);
  } else {
    out->push_back(&value);
  }
}

absl::Status ElementError(const std::string& tensor, size_t index, std::string_view expected,
                          const json& got) {
  return absl::InvalidArgumentError(absl::StrCat("input '", tensor, "': data element ", index,
                                                 " must be ", Sv(expected), ", got ",
                                                 got.dump().substr(0, 64)));
}

template <typename T>
bool IntegerIn(const json& v, T* out) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
    *out = static_cast<T>(u);
    return true;
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (i < 0 || static_cast<uint64_t>(i) > std::numeric_limits<T>::max()) return false;
    } else {
      if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return false;
    }
    *out = static_cast<T>(i);
    return true;
  }
  return false;
}

// JSON "data" -> the typed contents field of `datatype` (the codec then checks count, range and
// datatype against the model exactly as for gRPC).
absl::Status FillTypedContents(const json& data, const std::string& name,
                               const std::string& datatype, inference::InferTensorContents* out) {
  std::vector<const json*> elements;
  Flatten(data, &elements);
  for (size_t i = 0; i < elements.size(); ++i) {
    const json& v = *elements[i];
    if (datatype == "BOOL") {
      if (!v.is_boolean()) return ElementError(name, i, "true or false", v);
      out->add_bool_contents(v.get<bool>());
    } else if (datatype == "INT8" || datatype == "INT16" || datatype == "INT32") {
      int32_t x;
      if (!IntegerIn(v, &x)) return ElementError(name, i, "an integer in INT32's range", v);
      out->add_int_contents(x);
    } else if (datatype == "INT64") {
      int64_t x;
      if (!IntegerIn(v, &x)) return ElementError(name, i, "an integer in INT64's range", v);
      out->add_int64_contents(x);
    } else if (datatype == "UINT8" || datatype == "UINT16" || datatype == "UINT32") {
      uint32_t x;
      if (!IntegerIn(v, &x)) return ElementError(name, i, "an integer in UINT32's range", v);
      out->add_uint_contents(x);
    } else if (datatype == "UINT64") {
      uint64_t x;
      if (!IntegerIn(v, &x)) return ElementError(name, i, "an integer in UINT64's range", v);
      out->add_uint64_contents(x);
    } else if (datatype == "FP32") {
      if (!v.is_number()) return ElementError(name, i, "a number", v);
      out->add_fp32_contents(static_cast<float>(v.get<double>()));
    } else if (datatype == "FP64") {
      if (!v.is_number()) return ElementError(name, i, "a number", v);
      out->add_fp64_contents(v.get<double>());
    } else if (datatype == "BYTES") {
      if (!v.is_string()) return ElementError(name, i, "a string", v);
      out->add_bytes_contents(v.get<std::string>());
    } else if (datatype == "FP16" || datatype == "BF16") {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", name, "': datatype ", datatype,
                       " has no JSON form; send it as binary data (parameter binary_data_size)"));
    } else {
      return absl::OkStatus();  // unknown datatype: the codec names it
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> BinarySize(const json& value, const std::string& input) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input, "': parameter binary_data_size must be a non-negative integer"));
  }
  return static_cast<size_t>(value.get<uint64_t>());
}

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Raw little-endian bytes -> flat JSON array of `datatype`.
absl::StatusOr<json> RawToJson(const std::string& raw, const std::string& datatype,
                               const std::string& name) {
  json out = json::array();
  const char* p = raw.data();
  auto each = [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i + sizeof(T) <= raw.size(); i += sizeof(T)) {
      if constexpr (std::is_same_v<T, bool>) {
        out.push_back(p[i] != 0);
      } else if constexpr (std::is_same_v<T, float>) {
        out.push_back(static_cast<double>(Load<float>(p + i)));
      } else {
        out.push_back(Load<T>(p + i));
      }
    }
  };
  if (datatype == "BOOL") each(bool{});
  else if (datatype == "INT8") each(int8_t{});
  else if (datatype == "INT16") each(int16_t{});
  else if (datatype == "INT32") each(int32_t{});
  else if (datatype == "INT64") each(int64_t{});
  else if (datatype == "UINT8") each(uint8_t{});
  else if (datatype == "UINT16") each(uint16_t{});
  else if (datatype == "UINT32") each(uint32_t{});
  else if (datatype == "UINT64") each(uint64_t{});
  else if (datatype == "FP32") each(float{});
  else if (datatype == "FP64") each(double{});
  else {
    return absl::InvalidArgumentError(
        absl::StrCat("output '", name, "': datatype ", datatype,
                     " has no JSON form; request it as binary data (parameter binary_data)"));
  }
  return out;
}

json Duration(const inference::StatisticDuration& d) {
  return json{{"count", d.count()}, {"ns", d.ns()}};
}

}  // namespace

bool OutputEncoding::SharedMemory(const std::string& name) const {
  for (const std::string& s : shared_memory_outputs) {
    if (s == name) return true;
  }
  return false;
}

bool OutputEncoding::Binary(const std::string& name) const {
  if (all_binary) return true;
  for (const std::string& b : binary_outputs) {
    if (b == name) return true;
  }
  return false;
}

absl::Status DecodeInferRequest(std::string_view body, std::optional<size_t> header_length,
                                std::string_view model_name, std::string_view model_version,
                                inference::ModelInferRequest* wire, OutputEncoding* encoding) {
  if (header_length.has_value() && *header_length > body.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Inference-Header-Content-Length ", *header_length,
                     " is larger than the request body (", body.size(), " bytes)"));
  }
  const std::string_view header = header_length.has_value() ? body.substr(0, *header_length) : body;
  std::string_view binary = header_length.has_value() ? body.substr(*header_length) : "";
  absl::StatusOr<json> parsed = Parse(header, "the inference request");
  if (!parsed.ok()) return parsed.status();
  const json& request = *parsed;
  if (!request.is_object()) {
    return absl::InvalidArgumentError("the inference request must be a JSON object");
  }
  wire->set_model_name(std::string(model_name));
  wire->set_model_version(std::string(model_version));
  if (auto it = request.find("id"); it != request.end()) {
    if (!it->is_string()) return absl::InvalidArgumentError("'id' must be a string");
    wire->set_id(it->get<std::string>());
  }
  if (auto it = request.find("parameters"); it != request.end()) {
    if (!it->is_object()) return absl::InvalidArgumentError("'parameters' must be an object");
    for (const auto& [key, value] : it->items()) {
      if (key == "binary_data_output") {
        if (!value.is_boolean()) {
          return absl::InvalidArgumentError("parameter 'binary_data_output' must be a boolean");
        }
        encoding->all_binary = value.get<bool>();
        continue;
      }
      absl::Status s = ToInferParameter(value, key, &(*wire->mutable_parameters())[key]);
      if (!s.ok()) return s;
    }
  }
  auto inputs = request.find("inputs");
  if (inputs == request.end() || !inputs->is_array()) {
    return absl::InvalidArgumentError("the inference request needs an 'inputs' array");
  }
  bool any_binary = false;
  bool any_json = false;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const json& in = (*inputs)[i];
    if (!in.is_object()) return absl::InvalidArgumentError("every input must be a JSON object");
    auto* tensor = wire->add_inputs();
    auto name = in.find("name");
    if (name == in.end() || !name->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("input ", i, " has no 'name' string"));
    }
    tensor->set_name(name->get<std::string>());
    auto datatype = in.find("datatype");
    if (datatype == in.end() || !datatype->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", tensor->name(), "' has no 'datatype' string"));
    }
    tensor->set_datatype(datatype->get<std::string>());
    auto shape = in.find("shape");
    if (shape == in.end() || !shape->is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", tensor->name(), "' has no 'shape' array"));
    }
    for (const json& d : *shape) {
      if (!d.is_number_integer()) {
        return absl::InvalidArgumentError(
            absl::StrCat("input '", tensor->name(), "': shape ", shape->dump().substr(0, 64),
                         " must hold integers"));
      }
      tensor->add_shape(d.get<int64_t>());
    }
    std::optional<size_t> binary_size;
    if (auto params = in.find("parameters"); params != in.end()) {
      if (!params->is_object()) {
        return absl::InvalidArgumentError(
            absl::StrCat("input '", tensor->name(), "': 'parameters' must be an object"));
      }
      for (const auto& [key, value] : params->items()) {
        if (key == "binary_data_size") {
          absl::StatusOr<size_t> size = BinarySize(value, tensor->name());
          if (!size.ok()) return size.status();
          binary_size = *size;
          continue;
        }
        absl::Status s = ToInferParameter(value, key, &(*tensor->mutable_parameters())[key]);
        if (!s.ok()) return s;
      }
    }
    auto data = in.find("data");
    if (tensor->parameters().count("shared_memory_region") > 0) {
      // Triton's rule: exactly one of data, binary_data_size and shared_memory_region.
      if (data != in.end() || binary_size.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", tensor->name(),
            "': Input must set only one of the following fields: 'data', 'binary_data_size' in "
            "'parameters', 'shared_memory_region' in 'parameters'. But set",
            data != in.end() ? " 'data'" : "", binary_size.has_value() ? " 'binary_data_size'" : "",
            " 'shared_memory_region'"));
      }
    } else if (binary_size.has_value()) {
      if (data != in.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", tensor->name(), "': give either 'data' or binary_data_size, not both"));
      }
      if (*binary_size > binary.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", tensor->name(), "': binary_data_size ", *binary_size, " exceeds the ",
            binary.size(), " bytes of binary data left in the request body"));
      }
      wire->add_raw_input_contents(std::string(binary.substr(0, *binary_size)));
      binary.remove_prefix(*binary_size);
      any_binary = true;
    } else {
      if (data == in.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", tensor->name(), "': no 'data' and no binary_data_size parameter"));
      }
      absl::Status s =
          FillTypedContents(*data, tensor->name(), tensor->datatype(), tensor->mutable_contents());
      if (!s.ok()) return s;
      any_json = true;
    }
  }
  if (any_binary && any_json) {
    return absl::InvalidArgumentError(
        "inputs must be all binary data or all JSON data in one request");
  }
  if (!binary.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        binary.size(), " bytes of binary data in the request body belong to no input"));
  }
  if (auto outputs = request.find("outputs"); outputs != request.end()) {
    if (!outputs->is_array()) return absl::InvalidArgumentError("'outputs' must be an array");
    for (const json& out : *outputs) {
      auto name = out.is_object() ? out.find("name") : out.end();
      if (!out.is_object() || name == out.end() || !name->is_string()) {
        return absl::InvalidArgumentError("every requested output needs a 'name' string");
      }
      auto* tensor = wire->add_outputs();
      tensor->set_name(name->get<std::string>());
      if (auto params = out.find("parameters"); params != out.end()) {
        if (!params->is_object()) {
          return absl::InvalidArgumentError(
              absl::StrCat("output '", tensor->name(), "': 'parameters' must be an object"));
        }
        for (const auto& [key, value] : params->items()) {
          if (key == "binary_data") {
            if (!value.is_boolean()) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "output '", tensor->name(), "': parameter binary_data must be a boolean"));
            }
            if (value.get<bool>()) encoding->binary_outputs.push_back(tensor->name());
            continue;
          }
          absl::Status s = ToInferParameter(value, key, &(*tensor->mutable_parameters())[key]);
          if (!s.ok()) return s;
        }
        if (tensor->parameters().count("shared_memory_region") > 0) {
          if (std::find(encoding->binary_outputs.begin(), encoding->binary_outputs.end(),
                        tensor->name()) != encoding->binary_outputs.end()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "output '", tensor->name(),
                "': Output can't set both 'shared_memory_region' and 'binary_data'"));
          }
          encoding->shared_memory_outputs.push_back(tensor->name());
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeInferResponse(inference::ModelInferResponse& response,
                                                const OutputEncoding& encoding,
                                                std::optional<size_t>* header_length) {
  json out = {{"model_name", response.model_name()}, {"model_version", response.model_version()}};
  if (!response.id().empty()) out["id"] = response.id();
  json outputs = json::array();
  std::string binary;
  for (int i = 0; i < response.outputs_size(); ++i) {
    const auto& tensor = response.outputs(i);
    json o = {{"name", tensor.name()}, {"datatype", tensor.datatype()}};
    o["shape"] = json(std::vector<int64_t>(tensor.shape().begin(), tensor.shape().end()));
    std::string* raw = i < response.raw_output_contents_size()
                           ? response.mutable_raw_output_contents(i)
                           : nullptr;
    if (raw == nullptr) return absl::InternalError("output without contents");
    if (encoding.SharedMemory(tensor.name())) {
      // The bytes are in the client's region.
    } else if (encoding.Binary(tensor.name())) {
      o["parameters"] = {{"binary_data_size", raw->size()}};
      binary.append(*raw);
    } else {
      absl::StatusOr<json> data = RawToJson(*raw, tensor.datatype(), tensor.name());
      if (!data.ok()) return data.status();
      o["data"] = *std::move(data);
    }
    raw->clear();
    outputs.push_back(std::move(o));
  }
  out["outputs"] = std::move(outputs);
  std::string body = Dump(out);
  if (binary.empty() && !encoding.all_binary && encoding.binary_outputs.empty()) {
    *header_length = std::nullopt;
    return body;
  }
  *header_length = body.size();
  body.append(binary);
  return body;
}

std::string ServerMetadataJson(const inference::ServerMetadataResponse& metadata) {
  return Dump(json{{"name", metadata.name()},
              {"version", metadata.version()},
              {"extensions", std::vector<std::string>(metadata.extensions().begin(),
                                                      metadata.extensions().end())}});
}

std::string ModelMetadataJson(const inference::ModelMetadataResponse& metadata) {
  auto tensors = [](const auto& list) {
    json out = json::array();
    for (const auto& t : list) {
      out.push_back({{"name", t.name()},
                     {"datatype", t.datatype()},
                     {"shape", std::vector<int64_t>(t.shape().begin(), t.shape().end())}});
    }
    return out;
  };
  return Dump(json{{"name", metadata.name()},
              {"versions",
               std::vector<std::string>(metadata.versions().begin(), metadata.versions().end())},
              {"platform", metadata.platform()},
              {"inputs", tensors(metadata.inputs())},
              {"outputs", tensors(metadata.outputs())}});
}

std::string ModelConfigJson(const inference::ModelConfigResponse& config) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(config.config(), &out, options).ok()) {
    return "{}";  // cannot happen for a valid message
  }
  return out;
}

std::string ModelStatisticsJson(const inference::ModelStatisticsResponse& statistics) {
  json models = json::array();
  for (const auto& s : statistics.model_stats()) {
    const auto& inf = s.inference_stats();
    json batches = json::array();
    for (const auto& b : s.batch_stats()) {
      batches.push_back({{"batch_size", b.batch_size()},
                         {"compute_input", Duration(b.compute_input())},
                         {"compute_infer", Duration(b.compute_infer())},
                         {"compute_output", Duration(b.compute_output())}});
    }
    models.push_back({{"name", s.name()},
                      {"version", s.version()},
                      {"last_inference", s.last_inference()},
                      {"inference_count", s.inference_count()},
                      {"execution_count", s.execution_count()},
                      {"inference_stats",
                       {{"success", Duration(inf.success())},
                        {"fail", Duration(inf.fail())},
                        {"queue", Duration(inf.queue())},
                        {"compute_input", Duration(inf.compute_input())},
                        {"compute_infer", Duration(inf.compute_infer())},
                        {"compute_output", Duration(inf.compute_output())},
                        {"cache_hit", Duration(inf.cache_hit())},
                        {"cache_miss", Duration(inf.cache_miss())}}},
                      {"batch_stats", std::move(batches)}});
  }
  return Dump(json{{"model_stats", std::move(models)}});
}

std::string RepositoryIndexJson(const inference::RepositoryIndexResponse& index) {
  json out = json::array();
  for (const auto& m : index.models()) {
    json entry = {{"name", m.name()}, {"state", m.state()}};
    if (!m.version().empty()) entry["version"] = m.version();
    if (!m.reason().empty()) entry["reason"] = m.reason();
    out.push_back(std::move(entry));
  }
  return Dump(out);
}

std::string SystemSharedMemoryStatusJson(
    const inference::SystemSharedMemoryStatusResponse& status) {
  std::map<std::string, json> by_name;
  for (const auto& [name, region] : status.regions()) {
    by_name[name] = {{"name", region.name()},
                     {"key", region.key()},
                     {"offset", region.offset()},
                     {"byte_size", region.byte_size()}};
  }
  json out = json::array();
  for (auto& [unused, region] : by_name) out.push_back(std::move(region));
  return Dump(out);
}

absl::Status DecodeSystemSharedMemoryRegisterRequest(
    std::string_view body, std::string_view name,
    inference::SystemSharedMemoryRegisterRequest* request) {
  absl::StatusOr<json> parsed = Parse(body.empty() ? std::string_view("{}") : body,
                                      "the shared memory register request");
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError("the shared memory register request must be a JSON object");
  }
  request->set_name(std::string(name));
  auto key = parsed->find("key");
  if (key == parsed->end()) {
    return absl::InvalidArgumentError("Shared memory register request has no 'key' field");
  }
  if (!key->is_string()) {
    return absl::InvalidArgumentError("Shared memory register request: 'key' must be a string");
  }
  request->set_key(key->get<std::string>());
  const auto unsigned_field = [&](const char* field, bool required,
                                  uint64_t* out) -> absl::Status {
    auto it = parsed->find(field);
    if (it == parsed->end()) {
      if (!required) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("Shared memory register request has no '", field, "' field"));
    }
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Shared memory register request: '", field, "' must be a non-negative integer"));
    }
    *out = it->get<uint64_t>();
    return absl::OkStatus();
  };
  uint64_t offset = 0, byte_size = 0;
  if (absl::Status s = unsigned_field("offset", false, &offset); !s.ok()) return s;
  if (absl::Status s = unsigned_field("byte_size", true, &byte_size); !s.ok()) return s;
  request->set_offset(offset);
  request->set_byte_size(byte_size);
  return absl::OkStatus();
}

std::string ErrorJson(std::string_view message) {
  // Invalid UTF-8 in a message (e.g. an echoed tensor name) must not make dump() throw.
  return Dump(json{{"error", std::string(message)}});
}

absl::Status DecodeRepositoryIndexRequest(std::string_view body,
                                          inference::RepositoryIndexRequest* request) {
  if (body.empty()) return absl::OkStatus();
  absl::StatusOr<json> parsed = Parse(body, "the repository index request");
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError("the repository index request must be a JSON object");
  }
  if (auto it = parsed->find("ready"); it != parsed->end()) {
    if (!it->is_boolean()) return absl::InvalidArgumentError("'ready' must be a boolean");
    request->set_ready(it->get<bool>());
  }
  return absl::OkStatus();
}

absl::Status DecodeModelLoadRequest(std::string_view body,
                                    inference::RepositoryModelLoadRequest* request) {
  if (body.empty()) return absl::OkStatus();
  absl::StatusOr<json> parsed = Parse(body, "the model load request");
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError("the model load request must be a JSON object");
  }
  auto params = parsed->find("parameters");
  if (params == parsed->end()) return absl::OkStatus();
  if (!params->is_object()) return absl::InvalidArgumentError("'parameters' must be an object");
  for (const auto& [key, value] : params->items()) {
    inference::ModelRepositoryParameter& p = (*request->mutable_parameters())[key];
    if (key.rfind("file:", 0) == 0) {
      if (!value.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter '", key, "' must carry the file as a base64 string"));
      }
      std::string bytes;
      if (!absl::Base64Unescape(value.get<std::string>(), &bytes)) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter '", key, "' is not valid base64"));
      }
      p.set_bytes_param(std::move(bytes));
    } else if (value.is_string()) {
      p.set_string_param(value.get<std::string>());
    } else if (value.is_boolean()) {
      p.set_bool_param(value.get<bool>());
    } else if (value.is_number_integer()) {
      p.set_int64_param(value.get<int64_t>());
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter '", key, "' must be a string, boolean or integer"));
    }
  }
  return absl::OkStatus();
}

}  // namespace fpgaas::http
