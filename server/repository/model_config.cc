#include "server/repository/model_config.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "server/util/text.h"
#include "server/util/text_format.h"

namespace fpgaas {
namespace {

struct DataTypeInfo {
  inference::DataType data_type;
  numerics::ElementType element_type;
  const char* name;
};
constexpr DataTypeInfo kDataTypes[] = {
    {inference::TYPE_BOOL, numerics::ElementType::kBool, "BOOL"},
    {inference::TYPE_UINT8, numerics::ElementType::kUint8, "UINT8"},
    {inference::TYPE_UINT16, numerics::ElementType::kUint16, "UINT16"},
    {inference::TYPE_UINT32, numerics::ElementType::kUint32, "UINT32"},
    {inference::TYPE_UINT64, numerics::ElementType::kUint64, "UINT64"},
    {inference::TYPE_INT8, numerics::ElementType::kInt8, "INT8"},
    {inference::TYPE_INT16, numerics::ElementType::kInt16, "INT16"},
    {inference::TYPE_INT32, numerics::ElementType::kInt32, "INT32"},
    {inference::TYPE_INT64, numerics::ElementType::kInt64, "INT64"},
    {inference::TYPE_FP16, numerics::ElementType::kFp16, "FP16"},
    {inference::TYPE_FP32, numerics::ElementType::kFp32, "FP32"},
    {inference::TYPE_FP64, numerics::ElementType::kFp64, "FP64"},
    {inference::TYPE_BF16, numerics::ElementType::kBf16, "BF16"},
};

const DataTypeInfo* FindDataType(inference::DataType type) {
  for (const DataTypeInfo& info : kDataTypes) {
    if (info.data_type == type) return &info;
  }
  return nullptr;
}

absl::StatusOr<TensorInfo> ValidateTensor(absl::string_view kind, const std::string& name,
                                          inference::DataType data_type,
                                          const google::protobuf::RepeatedField<int64_t>& dims) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(kind, " has no name"));
  const DataTypeInfo* info = FindDataType(data_type);
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " '", name, "': data_type ", inference::DataType_Name(data_type),
                     " is not supported (use a numeric type such as TYPE_FP32)"));
  }
  if (dims.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " '", name, "': dims is missing (the per-sample shape, e.g. [ 16 ])"));
  }
  TensorInfo tensor;
  tensor.name = name;
  tensor.data_type = data_type;
  tensor.element_type = info->element_type;
  tensor.datatype = info->name;
  tensor.elements_per_sample = 1;
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i] <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          kind, " '", name, "': dims[", i, "] is ", dims[i],
          "; every dimension must be a positive size (variable dimensions are not supported)"));
    }
    if (tensor.elements_per_sample > (int64_t{1} << 31) / dims[i]) {
      return absl::InvalidArgumentError(
          absl::StrCat(kind, " '", name, "': dims hold more than 2^31 values per sample"));
    }
    tensor.elements_per_sample *= dims[i];
    tensor.dims.push_back(dims[i]);
  }
  return tensor;
}

constexpr uint64_t kMaxQueueDelayMicroseconds = 10'000'000;    // 10 s
constexpr uint64_t kMaxTimeoutMicroseconds = 86'400'000'000;  // 1 day

}  // namespace

absl::Status ValidateModelName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("model name is empty");
  if (name.size() > 200) {
    return absl::InvalidArgumentError(absl::StrCat("model name is longer than 200 characters"));
  }
  if (name.front() == '.') {
    return absl::InvalidArgumentError(
        absl::StrCat("model name '", Quoted(name), "' must not start with '.'"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return absl::InvalidArgumentError(
          absl::StrCat("model name '", Quoted(name),
                       "' may only hold letters, digits, '_', '-' and '.'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<inference::ModelConfig> ParseModelConfigText(const std::string& text) {
  inference::ModelConfig config;
  if (absl::Status s = ParseTextFormat(text, &config); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(kConfigFileName, ": ", s.message()));
  }
  return config;
}

absl::StatusOr<inference::ModelConfig> ParseModelConfigJson(const std::string& json) {
  inference::ModelConfig config;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &config, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config parameter (JSON ModelConfig): ",
                     Quoted(std::string(status.message()), 300)));
  }
  return config;
}

absl::StatusOr<ValidatedConfig> ValidateModelConfig(
    inference::ModelConfig config, const std::string& folder) {
  ValidatedConfig out;
  if (config.name().empty()) {
    config.set_name(folder);
  } else if (config.name() != folder) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config name '", config.name(), "' does not match the model folder '", folder, "'"));
  }
  if (config.platform().empty()) {
    config.set_platform(kModelPlatform);
  } else if (config.platform() != kModelPlatform) {
    return absl::InvalidArgumentError(absl::StrCat("platform '", config.platform(),
                                                   "' is not supported (use \"", kModelPlatform, "\")"));
  }
  if (!config.backend().empty() && config.backend() != "fpgaas") {
    return absl::InvalidArgumentError(
        absl::StrCat("backend '", config.backend(), "' is not supported (leave it empty)"));
  }
  if (config.max_batch_size() < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_batch_size must be >= 1 (samples per kernel call), got ", config.max_batch_size()));
  }
  // hls4ml io_parallel top functions take one input array and write one output array.
  if (config.input_size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("exactly one input is required, found ", config.input_size()));
  }
  if (config.output_size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("exactly one output is required, found ", config.output_size()));
  }
  const inference::ModelInput& input = config.input(0);
  auto input_info = ValidateTensor("input", input.name(), input.data_type(), input.dims());
  if (!input_info.ok()) return input_info.status();
  if (input.is_shape_tensor() || input.optional() || input.has_reshape()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input.name(), "': is_shape_tensor, optional and reshape are not supported"));
  }
  const inference::ModelOutput& output = config.output(0);
  auto output_info = ValidateTensor("output", output.name(), output.data_type(), output.dims());
  if (!output_info.ok()) return output_info.status();
  if (output.is_shape_tensor() || output.has_reshape()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output '", output.name(), "': is_shape_tensor and reshape are not supported"));
  }
  out.input = *std::move(input_info);
  out.output = *std::move(output_info);

  if (config.has_dynamic_batching()) {
    const inference::ModelDynamicBatching& batching = config.dynamic_batching();
    for (int size : batching.preferred_batch_size()) {
      if (size < 1 || size > config.max_batch_size()) {
        return absl::InvalidArgumentError(absl::StrCat("dynamic_batching.preferred_batch_size ",
                                                       size, " is outside [1, max_batch_size ",
                                                       config.max_batch_size(), "]"));
      }
    }
    if (batching.priority_levels() > 0) {
      if (batching.default_priority_level() < 1 ||
          batching.default_priority_level() > batching.priority_levels()) {
        return absl::InvalidArgumentError(
            absl::StrCat("dynamic_batching.default_priority_level must be in [1, priority_levels ",
                         batching.priority_levels(), "], got ", batching.default_priority_level()));
      }
    } else if (batching.default_priority_level() != 0) {
      return absl::InvalidArgumentError(
          "dynamic_batching.default_priority_level is set but priority_levels is 0");
    }
    if (batching.priority_levels() > 1000) {
      return absl::InvalidArgumentError(absl::StrCat("dynamic_batching.priority_levels ",
                                                     batching.priority_levels(), " is over 1000"));
    }
    if (!batching.priority_queue_policy().empty()) {
      return absl::InvalidArgumentError(
          "dynamic_batching.priority_queue_policy is not supported (use default_queue_policy)");
    }
    if (batching.default_queue_policy().max_queue_size() > (1u << 30)) {
      return absl::InvalidArgumentError(
          "dynamic_batching.default_queue_policy.max_queue_size "
          "is over 2^30");
    }
    // A batch held back for an hour, or a timeout past what absl::Duration arithmetic on
    // "now" keeps exact, is a typo, not a policy.
    if (batching.max_queue_delay_microseconds() > kMaxQueueDelayMicroseconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dynamic_batching.max_queue_delay_microseconds ", batching.max_queue_delay_microseconds(),
          " is over ", kMaxQueueDelayMicroseconds, " (", kMaxQueueDelayMicroseconds / 1000000,
          " s)"));
    }
    if (batching.default_queue_policy().default_timeout_microseconds() > kMaxTimeoutMicroseconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dynamic_batching.default_queue_policy.default_timeout_microseconds ",
          batching.default_queue_policy().default_timeout_microseconds(), " is over ",
          kMaxTimeoutMicroseconds, " (1 day)"));
    }
  }

  int compute_units = 0;
  for (int i = 0; i < config.instance_group_size(); ++i) {
    int count = config.instance_group(i).count();
    if (count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("instance_group[", i, "].count is ", count, "; it must be >= 1"));
    }
    // Triton's default for an instance group without a count is one instance.
    if (count == 0) config.mutable_instance_group(i)->set_count(1);
    compute_units += std::min(std::max(count, 1), 257);  // no signed overflow over many groups
    if (compute_units > 256) break;
  }
  if (compute_units > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("instance_group asks for ", compute_units, " compute units; at most 256"));
  }
  out.compute_units = std::max(compute_units, 1);

  auto moved = MoveFpgaBlockToParameters(&config);
  if (!moved.ok()) return moved.status();
  if (*moved) {
    out.deprecation_warning = absl::StrCat(
        "model '", config.name(),
        "': the fpga { } block in config.pbtxt is deprecated (Triton's model_config.proto cannot "
        "parse it); write these parameters instead: ",
        FpgaParametersText(config));
  }
  auto settings = ReadFpgaParameters(config);
  if (!settings.ok()) return settings.status();
  const FpgaSettings& fpga = *settings;
  if (!fpga.input_precision.empty()) {
    auto type = numerics::ParseFixedType(fpga.input_precision);
    if (!type.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFpgaInputPrecision, ": ", type.status().message()));
    }
    out.input_precision = *type;
  }
  if (!fpga.output_precision.empty()) {
    auto type = numerics::ParseFixedType(fpga.output_precision);
    if (!type.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFpgaOutputPrecision, ": ", type.status().message()));
    }
    out.output_precision = *type;
  }
  if (fpga.kernel_timeout_us > kMaxTimeoutMicroseconds) {
    return absl::InvalidArgumentError(absl::StrCat(kFpgaKernelTimeoutUs, " ",
                                                   fpga.kernel_timeout_us, " is over ",
                                                   kMaxTimeoutMicroseconds, " (1 day)"));
  }
  for (const std::string& argument : fpga.kernel_arguments) {
    if (argument != "input" && argument != "output" && argument != "batch_size") {
      return absl::InvalidArgumentError(absl::StrCat(kFpgaKernelArguments, ": '", Quoted(argument),
                                                     "' is not one of input, output, batch_size"));
    }
  }
  for (const auto& [key, file] :
       {std::pair{kFpgaXclbin, &fpga.xclbin}, std::pair{kFpgaAwsXclbin, &fpga.awsxclbin},
        std::pair{kFpgaHls4mlProject, &fpga.hls4ml_project}}) {
    if (absl::StrContains(*file, "/") || *file == "." || *file == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          key, ": '", Quoted(*file), "' must be a plain name inside the version folder"));
    }
  }
  out.fpga = *std::move(settings);

  if (config.version_policy().has_latest() && config.version_policy().latest().num_versions() < 1) {
    return absl::InvalidArgumentError("version_policy.latest.num_versions must be >= 1");
  }
  for (int64_t version : config.version_policy().specific().versions()) {
    if (version < 1) {
      return absl::InvalidArgumentError(absl::StrCat("version_policy.specific lists version ",
                                                     version, "; versions are positive integers"));
    }
  }
  out.config = std::move(config);
  return out;
}

SchedulerOptions ToSchedulerOptions(const inference::ModelConfig& config) {
  SchedulerOptions options;
  options.max_batch_size = config.max_batch_size();
  if (config.has_dynamic_batching()) {
    const inference::ModelDynamicBatching& batching = config.dynamic_batching();
    options.preferred_batch_sizes.assign(batching.preferred_batch_size().begin(),
                                         batching.preferred_batch_size().end());
    options.max_queue_delay =
        absl::Microseconds(static_cast<int64_t>(batching.max_queue_delay_microseconds()));
    options.priority_levels = static_cast<uint32_t>(batching.priority_levels());
    options.default_priority_level = static_cast<uint32_t>(batching.default_priority_level());
    const inference::ModelQueuePolicy& policy = batching.default_queue_policy();
    options.max_queue_size = static_cast<int>(policy.max_queue_size());
    options.default_timeout =
        absl::Microseconds(static_cast<int64_t>(policy.default_timeout_microseconds()));
    options.allow_timeout_override = policy.allow_timeout_override();
    options.reject_on_timeout = policy.timeout_action() == inference::ModelQueuePolicy::REJECT;
  }
  return options;
}

absl::Status CheckVersionAgainstConfig(const ValidatedConfig& validated, VersionFiles* files) {
  const std::shared_ptr<const numerics::Network>& network = files->network;
  if (network == nullptr) {
    if (!validated.input_precision || !validated.output_precision) {
      return absl::InvalidArgumentError(
          "fpga.input_precision and fpga.output_precision are required for a model without an "
          "hls4ml project");
    }
    files->input_type = *validated.input_precision;
    files->output_type = *validated.output_precision;
    return absl::OkStatus();
  }
  if (validated.input_precision && !(*validated.input_precision == network->input_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fpga.input_precision ", validated.input_precision->ToString(),
        " disagrees with the hls4ml project's input_t ", network->input_type().ToString()));
  }
  if (validated.output_precision && !(*validated.output_precision == network->output_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fpga.output_precision ", validated.output_precision->ToString(),
        " disagrees with the hls4ml project's result_t ", network->output_type().ToString()));
  }
  files->input_type = network->input_type();
  files->output_type = network->output_type();
  if (validated.input.elements_per_sample != network->input_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", validated.input.name, "' dims [", absl::StrJoin(validated.input.dims, ","),
        "] hold ", validated.input.elements_per_sample,
        " values per sample but the hls4ml network takes ", network->input_size()));
  }
  if (validated.output.elements_per_sample != network->output_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output '", validated.output.name, "' dims [", absl::StrJoin(validated.output.dims, ","),
        "] hold ", validated.output.elements_per_sample,
        " values per sample but the hls4ml network produces ", network->output_size()));
  }
  return absl::OkStatus();
}

DeviceModelSpec ToDeviceModelSpec(const ValidatedConfig& validated, const std::string& name,
                                  int64_t version, const std::filesystem::path& version_dir,
                                  const VersionFiles& files) {
  const inference::ModelConfig& config = validated.config;
  const FpgaSettings& fpga = validated.fpga;
  DeviceModelSpec spec;
  spec.model_name = name;
  spec.version = version;
  spec.version_dir = version_dir;
  spec.max_batch_size = config.max_batch_size();
  spec.compute_units = validated.compute_units;
  spec.input_type = files.input_type;
  spec.output_type = files.output_type;
  spec.input_size = static_cast<int>(validated.input.elements_per_sample);
  spec.output_size = static_cast<int>(validated.output.elements_per_sample);
  spec.network = files.network;
  spec.kernel_name = fpga.kernel_name;
  spec.kernel_arguments = fpga.kernel_arguments;
  spec.xclbin = files.xclbin;
  spec.devices = fpga.devices;
  spec.kernel_timeout = absl::Microseconds(static_cast<int64_t>(fpga.kernel_timeout_us));
  return spec;
}

}  // namespace fpgaas
