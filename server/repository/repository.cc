#include "server/repository/repository.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "server/device/device_manager.h"
#include "server/metrics/metrics.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "server/util/text.h"
#include "spdlog/spdlog.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;

constexpr char kConfigFile[] = "config.pbtxt";
constexpr char kDefaultHls4mlProject[] = "hls4ml_prj";
constexpr char kPlatform[] = "fpgaas_hls4ml";
// Folders the repository writes while registering a model; hidden so that a scan never sees them,
// and removed at start-up when a crash left one behind.
constexpr char kStagingPrefix[] = ".fpgaas-staging-";
constexpr char kRetiredPrefix[] = ".fpgaas-retired-";

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

constexpr uint64_t kMaxQueueDelayMicroseconds = 10'000'000;    // 10 s
constexpr uint64_t kMaxTimeoutMicroseconds = 86'400'000'000;     // 1 day

// Model names become folder names and Prometheus label values.
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

// A version folder name: a positive decimal integer.
// "01" is refused: the folder's name must be the version's canonical spelling.
std::optional<int64_t> ParseVersionFolder(absl::string_view text) {
  if (text.size() > 18) return std::nullopt;
  std::optional<int64_t> version = ParseCanonicalNonNegative(text);
  if (!version || *version <= 0) return std::nullopt;
  return version;
}

class CollectingErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  // protobuf reports 0-based lines and columns; people count from 1.
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path.string(), ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path.string()));
  return text.str();
}

// Writes and fsyncs a file: a registered model must survive a crash right after Load returns.
absl::Status WriteFile(const fs::path& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path.string(), ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return absl::InternalError(
          absl::StrCat("cannot write ", path.string(), ": ", std::strerror(saved)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot flush ", path.string(), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Makes a directory's entries (new files, renames) durable.
void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

absl::StatusOr<inference::ModelConfig> ParseConfigText(const std::string& text) {
  inference::ModelConfig config;
  CollectingErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    std::string message = errors.errors().empty() ? std::string("cannot parse")
                                                  : absl::StrJoin(errors.errors(), "; ");
    return absl::InvalidArgumentError(absl::StrCat(kConfigFile, ": ", message));
  }
  return config;
}

absl::StatusOr<inference::ModelConfig> ParseConfigJson(const std::string& json) {
  inference::ModelConfig config;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &config, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config parameter (JSON ModelConfig): ", Quoted(std::string(status.message()), 300)));
  }
  return config;
}

}  // namespace

// A config that passed validation, with what loading a version needs from it.
struct ModelRepository::ValidatedConfig {
  inference::ModelConfig config;
  std::optional<numerics::FixedType> input_precision;   // fpga.input_precision, when given
  std::optional<numerics::FixedType> output_precision;  // fpga.output_precision, when given
  int compute_units = 1;
  TensorInfo input, output;
};

namespace {

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

}  // namespace

// Checks everything in a config that does not need the version folders. `folder` is the model's
// name (its folder in the repository). Fills in defaults (name, platform).
absl::StatusOr<ModelRepository::ValidatedConfig> ModelRepository::ValidateConfig(
    inference::ModelConfig config, const std::string& folder) {
  ValidatedConfig out;
  if (config.name().empty()) {
    config.set_name(folder);
  } else if (config.name() != folder) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config name '", config.name(), "' does not match the model folder '", folder, "'"));
  }
  if (config.platform().empty()) {
    config.set_platform(kPlatform);
  } else if (config.platform() != kPlatform) {
    return absl::InvalidArgumentError(absl::StrCat("platform '", config.platform(),
                                                   "' is not supported (use \"", kPlatform, "\")"));
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

  const inference::FpgaConfig& fpga = config.fpga();
  if (!fpga.input_precision().empty()) {
    auto type = numerics::ParseFixedType(fpga.input_precision());
    if (!type.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("fpga.input_precision: ", type.status().message()));
    }
    out.input_precision = *type;
  }
  if (!fpga.output_precision().empty()) {
    auto type = numerics::ParseFixedType(fpga.output_precision());
    if (!type.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("fpga.output_precision: ", type.status().message()));
    }
    out.output_precision = *type;
  }
  if (fpga.kernel_timeout_us() > kMaxTimeoutMicroseconds) {
    return absl::InvalidArgumentError(absl::StrCat("fpga.kernel_timeout_us ",
                                                   fpga.kernel_timeout_us(), " is over ",
                                                   kMaxTimeoutMicroseconds, " (1 day)"));
  }
  for (const std::string& argument : fpga.kernel_arguments()) {
    if (argument != "input" && argument != "output" && argument != "batch_size") {
      return absl::InvalidArgumentError(absl::StrCat("fpga.kernel_arguments: '", Quoted(argument),
                                                     "' is not one of input, output, batch_size"));
    }
  }
  for (const std::string* file : {&fpga.xclbin(), &fpga.awsxclbin(), &fpga.hls4ml_project()}) {
    if (absl::StrContains(*file, "/") || *file == "." || *file == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("fpga: '", Quoted(*file), "' must be a plain name inside the version folder"));
    }
  }

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

namespace {

// The version folders of a model that its policy selects. Versions the policy names but the disk
// lacks are returned in `missing`.
absl::StatusOr<std::vector<int64_t>> SelectVersions(const fs::path& model_dir,
                                                    const inference::ModelVersionPolicy& policy,
                                                    std::vector<int64_t>* missing) {
  std::set<int64_t> on_disk;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(model_dir, error)) {
    if (!entry.is_directory(error)) continue;
    if (auto version = ParseVersionFolder(entry.path().filename().string())) {
      on_disk.insert(*version);
    }
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", model_dir.string(), ": ", error.message()));
  }
  if (on_disk.empty()) {
    return absl::NotFoundError(
        "no version folders (positive integers such as 1/) next to config.pbtxt");
  }
  std::vector<int64_t> selected;
  if (policy.has_all()) {
    selected.assign(on_disk.begin(), on_disk.end());
  } else if (policy.has_specific()) {
    for (int64_t version : policy.specific().versions()) {
      if (on_disk.count(version)) {
        selected.push_back(version);
      } else {
        missing->push_back(version);
      }
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
  } else {
    uint32_t count = policy.has_latest() ? policy.latest().num_versions() : 1;
    for (auto it = on_disk.rbegin(); it != on_disk.rend() && selected.size() < count; ++it) {
      selected.push_back(*it);
    }
    std::sort(selected.begin(), selected.end());
  }
  return selected;
}

// Checks a "<version>/<relative path>" key of a registration; returns the path to write.
absl::StatusOr<fs::path> ValidateUploadPath(const std::string& key) {
  auto fail = [&key](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("file '", Quoted(key, 200), "': ", why));
  };
  if (key.empty()) return fail("empty path");
  if (key.front() == '/') return fail("absolute paths are not allowed");
  if (key.find('\0') != std::string::npos) return fail("NUL in path");
  if (key.find('\\') != std::string::npos) return fail("backslashes are not allowed");
  std::vector<absl::string_view> parts = absl::StrSplit(key, '/');
  if (parts.size() < 2) {
    return fail("expected <version>/<path> (a model file lives in a version folder)");
  }
  if (!ParseVersionFolder(parts[0])) {
    return fail(absl::StrCat("version folder '", Quoted(parts[0]),
                             "' is not a positive integer without leading zeros"));
  }
  fs::path path;
  for (absl::string_view part : parts) {
    if (part.empty()) return fail("empty path component");
    if (part == "." || part == "..") return fail("'.' and '..' are not allowed");
    path /= std::string(part);
  }
  return path;
}

std::string RandomSuffix() {
  std::random_device device;
  return absl::StrCat(absl::Hex(device(), absl::kZeroPad8), absl::Hex(device(), absl::kZeroPad8));
}

// Replaces `target` by `staging` atomically (one rename; an exchange when `target` exists). On
// return `staging` holds the old model (if any), to be removed by the caller.
absl::Status SwapIntoPlace(const fs::path& staging, const fs::path& target) {
  std::error_code error;
  if (!fs::exists(target, error)) {
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot move ", staging.string(), " to ",
                                              target.string(), ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  if (::syscall(SYS_renameat2, AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(),
                RENAME_EXCHANGE) == 0) {
    return absl::OkStatus();
  }
  // Filesystems without RENAME_EXCHANGE: move the old folder aside, then the new one in. A crash
  // in between leaves the old model under a hidden name and no model; never a half-written one.
  fs::path retired = target.parent_path() / (kRetiredPrefix + RandomSuffix());
  if (::rename(target.c_str(), retired.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot move ", target.string(), " aside: ", std::strerror(errno)));
  }
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    int saved = errno;
    ::rename(retired.c_str(), target.c_str());
    return absl::InternalError(absl::StrCat("cannot move ", staging.string(), " to ",
                                            target.string(), ": ", std::strerror(saved)));
  }
  if (::rename(retired.c_str(), staging.c_str()) != 0) fs::remove_all(retired, error);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelControlMode> ParseModelControlMode(std::string_view text_view) {
  const std::string text(text_view);
  if (text == "none") return ModelControlMode::kNone;
  if (text == "explicit") return ModelControlMode::kExplicit;
  return absl::InvalidArgumentError(
      absl::StrCat("model control mode '", text, "' is not one of: none, explicit"));
}

ServingModel::~ServingModel() {
  if (scheduler_ != nullptr) scheduler_->Shutdown();
  scheduler_.reset();
  loaded_.reset();
}

// Everything the repository knows about one model name. Guarded by the repository's mu_.
struct ModelRepository::ModelState {
  // A Load or Unload of this model is running; others wait for it.
  bool busy = false;
  std::string transition;  // "LOADING" or "UNLOADING" while busy
  std::map<int64_t, std::shared_ptr<ServingModel>> ready;
  // Versions being unloaded (still listed by Index as UNLOADING).
  std::vector<int64_t> unloading;
  // Why versions failed in the last load (version -> reason).
  std::map<int64_t, std::string> failed_versions;
  // Why the whole model is unavailable (config error, "unloaded", ...); empty when it is not.
  std::string model_error;
};

// What one version folder holds, read and checked (phase 1 of a load; no device yet).
struct ModelRepository::VersionFiles {
  std::shared_ptr<const numerics::Network> network;  // null for a bitstream-only version
  numerics::FixedType input_type, output_type;       // device-side precisions
  std::string xclbin;                                // file name in the version folder, or ""
};

// Phase 1 of loading a model folder: the validated config and each selected version's files.
struct ModelRepository::ModelFiles {
  std::optional<ValidatedConfig> validated;  // unset when model_error is set
  std::map<int64_t, VersionFiles> versions;
  std::map<int64_t, std::string> failed_versions;
  std::string model_error;  // set when no version could be tried

  bool complete() const {
    return model_error.empty() && failed_versions.empty() && !versions.empty();
  }
};

namespace {

// Why a load failed: the model's error, or every failed version's reason.
std::string DescribeFailure(const std::string& model_error,
                            const std::map<int64_t, std::string>& failed_versions) {
  if (!model_error.empty()) return model_error;
  if (failed_versions.empty()) return "no version loaded";
  std::vector<std::string> reasons;
  for (const auto& [version, reason] : failed_versions) {
    reasons.push_back(absl::StrCat("version ", version, ": ", reason));
  }
  return absl::StrJoin(reasons, "; ");
}

}  // namespace

// The outcome of loading one model folder: the versions that loaded and the reasons of those that
// did not.
struct ModelRepository::PreparedModel {
  std::map<int64_t, std::shared_ptr<ServingModel>> ready;
  std::map<int64_t, std::string> failed_versions;
  std::string model_error;  // set when no version could be tried
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;  // of the load's error

  // Takes phase 1's failures (phase 2 adds the device's).
  static PreparedModel FromFiles(const ModelFiles& files) {
    PreparedModel prepared;
    prepared.failed_versions = files.failed_versions;
    prepared.model_error = files.model_error;
    return prepared;
  }
  bool complete() const { return model_error.empty() && failed_versions.empty() && !ready.empty(); }
  std::string Failure() const { return DescribeFailure(model_error, failed_versions); }
  // Stops the versions that loaded (a load that is not kept).
  void Discard() {
    for (auto& [version, model] : ready) model->scheduler()->Shutdown();
    ready.clear();
  }
};

ModelRepository::ModelRepository(ModelRepositoryOptions options) : options_(std::move(options)) {}

ModelRepository::~ModelRepository() {
  std::vector<std::shared_ptr<ServingModel>> models;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, state] : models_) {
      for (auto& [version, model] : state->ready) models.push_back(model);
      state->ready.clear();
    }
  }
  for (auto& model : models) model->scheduler()->Shutdown();
}

absl::StatusOr<std::unique_ptr<ModelRepository>> ModelRepository::Create(
    ModelRepositoryOptions options) {
  if (options.devices == nullptr) {
    return absl::InvalidArgumentError("ModelRepositoryOptions.devices is required");
  }
  if (options.clock == nullptr) {
    return absl::InvalidArgumentError("ModelRepositoryOptions.clock is required");
  }
  if (options.root.empty()) {
    return absl::InvalidArgumentError("the model repository path is empty");
  }
  std::error_code error;
  if (!fs::is_directory(options.root, error)) {
    return absl::NotFoundError(
        absl::StrCat("model repository '", options.root.string(), "' is not a directory"));
  }
  options.root = fs::absolute(options.root, error).lexically_normal();
  auto repository = absl::WrapUnique(new ModelRepository(std::move(options)));
  const fs::path& root = repository->options_.root;

  // A registration interrupted by a crash leaves a hidden staging (or retired) folder: drop it.
  std::vector<std::string> on_disk;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, kStagingPrefix) || absl::StartsWith(name, kRetiredPrefix)) {
      spdlog::warn("repository: removing leftover {}", entry.path().string());
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
      continue;
    }
    if (!name.empty() && name.front() != '.' && entry.is_directory(error)) on_disk.push_back(name);
  }
  if (error) {
    return absl::InternalError(absl::StrCat("cannot list ", root.string(), ": ", error.message()));
  }
  std::sort(on_disk.begin(), on_disk.end());

  std::vector<std::string> to_load;
  const auto& startup = repository->options_.startup_models;
  if (repository->options_.control_mode == ModelControlMode::kNone ||
      std::find(startup.begin(), startup.end(), "*") != startup.end()) {
    to_load = on_disk;
  } else {
    for (const std::string& name : startup) {
      if (std::find(on_disk.begin(), on_disk.end(), name) == on_disk.end()) {
        return absl::NotFoundError(
            absl::StrCat("--load-model '", name, "': no folder '", name, "' in ", root.string()));
      }
      if (std::find(to_load.begin(), to_load.end(), name) == to_load.end()) {
        to_load.push_back(name);
      }
    }
  }
  for (const std::string& name : to_load) {
    // A model that fails is listed as UNAVAILABLE with its reason; the others still load.
    // LoadInternal logs the outcome.
    (void)repository->LoadInternal(name, ModelLoadRequest{}, /*at_start=*/true);
  }
  return repository;
}

absl::StatusOr<std::shared_ptr<const ServingModel>> ModelRepository::Get(
    std::string_view name_view, std::string_view version_view) const {
  if (version_view.empty()) return Get(name_view, int64_t{0});
  const std::string name(name_view), version(version_view);
  std::optional<int64_t> number = ParseCanonicalNonNegative(version);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat("model '", Quoted(name), "': version '",
                                                   Quoted(version),
                                                   "' is not a version number (digits, no sign, "
                                                   "spaces or leading zeros)"));
  }
  return Get(name, *number);
}

absl::StatusOr<std::shared_ptr<const ServingModel>> ModelRepository::Get(std::string_view name_view,
                                                                         int64_t version) const {
  // Every inference request looks its model up here: no allocation, shared lock.
  const absl::string_view name(name_view.data(), name_view.size());
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown model '", Quoted(name), "'"));
  }
  const ModelState& state = *it->second;
  if (version == 0) {
    if (!state.ready.empty()) return state.ready.rbegin()->second;
    std::string reason = !state.transition.empty()    ? absl::AsciiStrToLower(state.transition)
                         : !state.model_error.empty() ? state.model_error
                         : !state.failed_versions.empty()
                             ? absl::StrCat("version ", state.failed_versions.begin()->first, ": ",
                                            state.failed_versions.begin()->second)
                             : std::string("not loaded");
    return absl::UnavailableError(absl::StrCat("model '", name, "' is not ready: ", reason));
  }
  if (auto ready = state.ready.find(version); ready != state.ready.end()) return ready->second;
  if (auto failed = state.failed_versions.find(version); failed != state.failed_versions.end()) {
    return absl::UnavailableError(
        absl::StrCat("model '", name, "' version ", version, " is not ready: ", failed->second));
  }
  return absl::NotFoundError(absl::StrCat("model '", name, "' has no version ", version));
}

absl::StatusOr<std::vector<int64_t>> ModelRepository::ReadyVersions(
    std::string_view name_view) const {
  const std::string name(name_view);
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return absl::NotFoundError(absl::StrCat("unknown model '", name, "'"));
  std::vector<int64_t> versions;
  for (const auto& [version, model] : it->second->ready) versions.push_back(version);
  return versions;
}

std::vector<std::shared_ptr<const ServingModel>> ModelRepository::ReadyModels() const {
  std::vector<std::shared_ptr<const ServingModel>> models;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, state] : models_) {
      for (const auto& [version, model] : state->ready) models.push_back(model);
    }
  }
  std::sort(models.begin(), models.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a->name(), a->version()) < std::make_pair(b->name(), b->version());
  });
  return models;
}

std::vector<ModelIndexEntry> ModelRepository::Index(bool ready_only) const {
  // Folders on disk are listed too (explicit mode: present but not loaded). Listed without the
  // lock.
  std::vector<std::string> on_disk;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(options_.root, error)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name.front() != '.' && entry.is_directory(error)) on_disk.push_back(name);
  }
  std::vector<ModelIndexEntry> entries;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, state] : models_) {
      // While a reload runs, the current versions keep serving but the model is changing.
      const bool reloading = state->transition == "LOADING";
      for (const auto& [version, model] : state->ready) {
        if (reloading) {
          entries.push_back({name, absl::StrCat(version), "LOADING",
                             "reloading; this version serves until the reload is done",
                             /*serving=*/true});
        } else {
          entries.push_back({name, absl::StrCat(version), "READY", "", /*serving=*/true});
        }
      }
      if (ready_only) continue;
      for (int64_t version : state->unloading) {
        entries.push_back({name, absl::StrCat(version), "UNLOADING", ""});
      }
      for (const auto& [version, reason] : state->failed_versions) {
        if (state->ready.count(version)) continue;
        entries.push_back({name, absl::StrCat(version), "UNAVAILABLE", reason});
      }
      if (state->ready.empty() && state->unloading.empty() && state->failed_versions.empty()) {
        if (!state->transition.empty()) {
          entries.push_back({name, "", state->transition, ""});
        } else {
          entries.push_back(
              {name, "", "UNAVAILABLE",
               state->model_error.empty() ? std::string("not loaded") : state->model_error});
        }
      }
    }
    if (!ready_only) {
      for (const std::string& name : on_disk) {
        if (!models_.contains(name)) entries.push_back({name, "", "UNAVAILABLE", "not loaded"});
      }
    }
  }
  std::sort(entries.begin(), entries.end(), [](const ModelIndexEntry& a, const ModelIndexEntry& b) {
    int64_t va = 0, vb = 0;
    (void)absl::SimpleAtoi(a.version, &va);
    (void)absl::SimpleAtoi(b.version, &vb);
    return std::make_pair(a.name, va) < std::make_pair(b.name, vb);
  });
  return entries;
}

absl::Status ModelRepository::Load(std::string_view name_view, const ModelLoadRequest& request) {
  const std::string name(name_view);
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return absl::FailedPreconditionError(
        "models cannot be loaded or unloaded in model control mode 'none' (start fpgaasd with "
        "--model-control-mode=explicit)");
  }
  if (absl::Status status = ValidateModelName(name); !status.ok()) return status;
  return LoadInternal(name, request, /*at_start=*/false);
}

absl::Status ModelRepository::Unload(std::string_view name_view) {
  const std::string name(name_view);
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return absl::FailedPreconditionError(
        "models cannot be loaded or unloaded in model control mode 'none' (start fpgaasd with "
        "--model-control-mode=explicit)");
  }
  std::shared_ptr<ModelState> state;
  std::map<int64_t, std::shared_ptr<ServingModel>> old;
  {
    absl::MutexLock lock(&mu_);
    auto it = models_.find(name);
    if (it == models_.end()) {
      return absl::NotFoundError(absl::StrCat("model '", name, "' is not loaded"));
    }
    state = it->second;
    mu_.Await(absl::Condition(
        +[](ModelState* s) { return !s->busy; }, state.get()));
    if (state->ready.empty()) {
      return absl::NotFoundError(absl::StrCat("model '", name, "' is not loaded"));
    }
    state->busy = true;
    state->transition = "UNLOADING";
    old = std::move(state->ready);
    state->ready.clear();
    for (const auto& [version, model] : old) state->unloading.push_back(version);
  }
  for (auto& [version, model] : old) Retire(std::move(model));
  {
    absl::MutexLock lock(&mu_);
    state->unloading.clear();
    state->failed_versions.clear();
    state->model_error = "unloaded";
    state->transition.clear();
    state->busy = false;
  }
  spdlog::info("repository: unloaded model {}", name);
  return absl::OkStatus();
}

void ModelRepository::Retire(std::shared_ptr<ServingModel> model) {
  // Let requests already queued on the old version finish, then stop it. The version itself lives
  // on while requests still hold it.
  const int64_t polls = absl::ToInt64Milliseconds(options_.drain_timeout);
  for (int64_t i = 0; i < polls && model->scheduler()->queue_depth() > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  model->scheduler()->Shutdown();
}

absl::Status ModelRepository::LoadInternal(const std::string& name, const ModelLoadRequest& request,
                                           bool at_start) {
  const fs::path model_dir = options_.root / name;
  // Only one Load/Unload of a model at a time; lookups keep going meanwhile.
  std::shared_ptr<ModelState> state;
  bool created = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = models_.try_emplace(name, nullptr);
    if (inserted) it->second = std::make_shared<ModelState>();
    created = inserted;
    state = it->second;
    mu_.Await(absl::Condition(
        +[](ModelState* s) { return !s->busy; }, state.get()));
    state->busy = true;
    state->transition = "LOADING";
  }
  // Called on every exit path: records the outcome, logs it (one line per loaded version, one line
  // for a failure) and wakes waiters.
  auto finish = [&](PreparedModel* prepared, absl::Status status) {
    std::map<int64_t, std::shared_ptr<ServingModel>> old;
    std::vector<std::pair<int64_t, int>> loaded;  // version, compute units
    {
      absl::MutexLock lock(&mu_);
      state->transition.clear();
      state->busy = false;
      // Startup keeps what loaded; a later Load changes the model only when everything loaded.
      bool swap =
          prepared != nullptr && !prepared->ready.empty() && (at_start || prepared->complete());
      if (swap) {
        for (const auto& [version, model] : prepared->ready) {
          loaded.emplace_back(version, model->loaded_->spec().compute_units);
        }
        old = std::move(state->ready);
        state->ready = std::move(prepared->ready);
        state->failed_versions = std::move(prepared->failed_versions);
        state->model_error.clear();
      } else if (state->ready.empty()) {
        // Nothing serves: show why.
        std::error_code ignored;
        if (created && !at_start && !fs::is_directory(model_dir, ignored)) {
          // A failed load (or registration) of a name the repository does not hold leaves no
          // trace, as the repository on disk is unchanged.
          models_.erase(name);
        } else if (prepared != nullptr) {
          state->failed_versions = std::move(prepared->failed_versions);
          state->model_error = prepared->model_error;
          if (state->model_error.empty() && state->failed_versions.empty()) {
            state->model_error = std::string(status.message());
          }
        } else {
          state->failed_versions.clear();
          state->model_error = std::string(status.message());
        }
      }
    }
    for (const auto& [version, compute_units] : loaded) {
      spdlog::info("repository: loaded model {} version {} ({} compute units)", name, version,
                   compute_units);
    }
    if (!status.ok()) {
      const absl::string_view message = status.message();
      if (absl::StrContains(message, absl::StrCat("'", name, "'"))) {
        spdlog::error("repository: {}", std::string(message));
      } else {
        spdlog::error("repository: model '{}' failed to load: {}", name, std::string(message));
      }
    }
    for (auto& [version, model] : old) Retire(std::move(model));
    return status;
  };
  // RESOURCE_EXHAUSTED when a device had no room for a version, else INVALID_ARGUMENT.
  auto load_error = [&name](const PreparedModel& prepared) {
    return absl::Status(prepared.code,
                        absl::StrCat("model '", name, "' failed to load: ", prepared.Failure()));
  };

  std::optional<inference::ModelConfig> config_override;
  if (request.config_json.has_value()) {
    auto parsed = ParseConfigJson(*request.config_json);
    if (!parsed.ok()) return finish(nullptr, parsed.status());
    config_override = *std::move(parsed);
  }

  if (request.files.empty()) {
    std::error_code error;
    if (!fs::is_directory(model_dir, error)) {
      return finish(nullptr, absl::NotFoundError(absl::StrCat(
                                 "model '", name, "' is not in the repository (no folder ",
                                 model_dir.string(), ")")));
    }
    ModelFiles files = ReadModelFolder(name, model_dir, config_override);
    // A later Load is all or nothing: no device work when a version is already known to fail.
    PreparedModel prepared = at_start || files.complete() ? LoadVersions(name, model_dir, files)
                                                          : PreparedModel::FromFiles(files);
    if (prepared.complete()) return finish(&prepared, absl::OkStatus());
    if (!at_start) prepared.Discard();
    return finish(&prepared, load_error(prepared));
  }

  // Registration over the wire: write the files into a hidden staging folder first.
  if (!config_override.has_value()) {
    return finish(nullptr, absl::InvalidArgumentError(
                               "registering a model with files needs the 'config' parameter "
                               "(a JSON ModelConfig)"));
  }
  std::vector<std::pair<fs::path, const std::string*>> uploads;
  for (const auto& [key, bytes] : request.files) {
    auto path = ValidateUploadPath(key);
    if (!path.ok()) return finish(nullptr, path.status());
    uploads.emplace_back(*path, &bytes);
  }
  const fs::path staging = options_.root / (kStagingPrefix + name + "-" + RandomSuffix());
  auto remove_staging = [&staging] {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
  };
  std::error_code error;
  fs::create_directories(staging, error);
  if (error) {
    return finish(nullptr, absl::InternalError(absl::StrCat("cannot create ", staging.string(),
                                                            ": ", error.message())));
  }
  absl::Status written = absl::OkStatus();
  for (const auto& [path, bytes] : uploads) {
    fs::create_directories((staging / path).parent_path(), error);
    if (error) {
      written = absl::InternalError(
          absl::StrCat("cannot create folder for ", path.string(), ": ", error.message()));
      break;
    }
    written = WriteFile(staging / path, *bytes);
    if (!written.ok()) break;
  }
  if (written.ok()) {
    inference::ModelConfig to_write = *config_override;
    if (to_write.name().empty()) to_write.set_name(name);
    std::string text;
    google::protobuf::TextFormat::PrintToString(to_write, &text);
    written = WriteFile(staging / kConfigFile, text);
  }
  if (!written.ok()) {
    remove_staging();
    return finish(nullptr, written);
  }
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(staging, error)) {
    if (entry.is_directory(error)) SyncDirectory(entry.path());
  }
  SyncDirectory(staging);

  // Validate every file from the staging folder before anything in the repository changes.
  ModelFiles files = ReadModelFolder(name, staging, config_override);
  if (!files.complete()) {
    remove_staging();
    PreparedModel prepared = PreparedModel::FromFiles(files);
    return finish(&prepared, load_error(prepared));
  }
  // One rename puts the model in place; `staging` then holds the previous folder (if any).
  if (absl::Status moved = SwapIntoPlace(staging, model_dir); !moved.ok()) {
    remove_staging();
    return finish(nullptr, moved);
  }
  SyncDirectory(options_.root);
  // Devices read the files (an xclbin) from the model's final folder.
  PreparedModel prepared = LoadVersions(name, model_dir, files);
  if (!prepared.complete()) {
    prepared.Discard();
    absl::Status status = load_error(prepared);
    // Put the previous folder back (or take the new one away when there was none).
    absl::Status restored = fs::exists(staging, error)
                                ? SwapIntoPlace(staging, model_dir)
                                : (::rename(model_dir.c_str(), staging.c_str()) == 0
                                       ? absl::OkStatus()
                                       : absl::InternalError(std::strerror(errno)));
    SyncDirectory(options_.root);
    if (!restored.ok()) {
      status = absl::Status(status.code(),
                            absl::StrCat(status.message(), "; restoring the previous folder ",
                                         model_dir.string(), " failed: ", restored.message()));
    }
    remove_staging();
    return finish(&prepared, status);
  }
  remove_staging();  // the previous model's folder
  spdlog::info("repository: registered model {} ({} files)", name, request.files.size());
  return finish(&prepared, absl::OkStatus());
}

ModelRepository::ModelFiles ModelRepository::ReadModelFolder(
    const std::string& name, const fs::path& dir,
    const std::optional<inference::ModelConfig>& config_override) {
  ModelFiles files;
  inference::ModelConfig raw_config;
  if (config_override.has_value()) {
    raw_config = *config_override;
  } else {
    auto text = ReadFile(dir / kConfigFile);
    if (!text.ok()) {
      files.model_error = absl::StrCat("missing ", kConfigFile, " in model folder '", name, "'");
      return files;
    }
    auto parsed = ParseConfigText(*text);
    if (!parsed.ok()) {
      files.model_error = std::string(parsed.status().message());
      return files;
    }
    raw_config = *std::move(parsed);
  }
  auto validated = ValidateConfig(std::move(raw_config), name);
  if (!validated.ok()) {
    files.model_error = absl::StrCat(kConfigFile, ": ", validated.status().message());
    return files;
  }
  std::vector<int64_t> missing;
  auto versions = SelectVersions(dir, validated->config.version_policy(), &missing);
  if (!versions.ok()) {
    files.model_error = std::string(versions.status().message());
    return files;
  }
  for (int64_t version : missing) {
    files.failed_versions[version] = "listed in version_policy.specific but has no folder";
  }
  for (int64_t version : *versions) {
    auto read = ReadVersion(*validated, dir, version);
    if (read.ok()) {
      files.versions[version] = *std::move(read);
    } else {
      files.failed_versions[version] = std::string(read.status().message());
    }
  }
  files.validated = *std::move(validated);
  return files;
}

absl::StatusOr<ModelRepository::VersionFiles> ModelRepository::ReadVersion(
    const ValidatedConfig& validated, const fs::path& dir, int64_t version) {
  const inference::FpgaConfig& fpga = validated.config.fpga();
  const fs::path version_dir = dir / absl::StrCat(version);
  std::error_code error;

  VersionFiles files;
  std::string project_name =
      fpga.hls4ml_project().empty() ? kDefaultHls4mlProject : fpga.hls4ml_project();
  files.xclbin = !fpga.xclbin().empty() ? fpga.xclbin() : fpga.awsxclbin();
  if (!files.xclbin.empty() && !fs::is_regular_file(version_dir / files.xclbin, error)) {
    return absl::NotFoundError(absl::StrCat("bitstream '", files.xclbin,
                                            "' named in fpga section is not in ", version, "/"));
  }
  if (fs::is_directory(version_dir / project_name, error)) {
    auto loaded = numerics::LoadHls4mlNetwork(version_dir / project_name);
    if (!loaded.ok()) {
      return absl::Status(loaded.status().code(),
                          absl::StrCat("hls4ml project ", version, "/", project_name, ": ",
                                       loaded.status().message()));
    }
    if ((*loaded)->num_inputs() != 1 || (*loaded)->num_outputs() != 1) {
      return absl::UnimplementedError(absl::StrCat(
          "hls4ml project ", version, "/", project_name, " has ", (*loaded)->num_inputs(),
          " inputs and ", (*loaded)->num_outputs(),
          " outputs; fpgaasd serves models with one input and one output"));
    }
    files.network = *std::move(loaded);
  } else if (files.xclbin.empty()) {
    return absl::NotFoundError(absl::StrCat("no hls4ml project folder ", version, "/", project_name,
                                            " (and no fpga.xclbin)"));
  }

  const std::shared_ptr<const numerics::Network>& network = files.network;
  if (network != nullptr) {
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
    files.input_type = network->input_type();
    files.output_type = network->output_type();
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
  } else {
    if (!validated.input_precision || !validated.output_precision) {
      return absl::InvalidArgumentError(
          "fpga.input_precision and fpga.output_precision are required for a model without an "
          "hls4ml project");
    }
    files.input_type = *validated.input_precision;
    files.output_type = *validated.output_precision;
  }
  return files;
}

ModelRepository::PreparedModel ModelRepository::LoadVersions(const std::string& name,
                                                             const fs::path& dir,
                                                             const ModelFiles& files) {
  PreparedModel prepared = PreparedModel::FromFiles(files);
  if (!files.validated.has_value()) return prepared;
  for (const auto& [version, version_files] : files.versions) {
    auto model = LoadVersion(name, dir, *files.validated, version, version_files);
    if (model.ok()) {
      prepared.ready[version] = *std::move(model);
    } else {
      prepared.failed_versions[version] = std::string(model.status().message());
      if (model.status().code() == absl::StatusCode::kResourceExhausted) {
        prepared.code = absl::StatusCode::kResourceExhausted;
      }
    }
  }
  return prepared;
}

absl::StatusOr<std::shared_ptr<ServingModel>> ModelRepository::LoadVersion(
    const std::string& name, const fs::path& dir, const ValidatedConfig& validated, int64_t version,
    const VersionFiles& files) {
  const inference::ModelConfig& config = validated.config;
  const inference::FpgaConfig& fpga = config.fpga();
  if (config.max_batch_size() > options_.max_batch_size_limit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_batch_size ", config.max_batch_size(), " is over the server's limit of ",
        options_.max_batch_size_limit, " (--max-batch-size-limit)"));
  }

  DeviceModelSpec spec;
  spec.model_name = name;
  spec.version = version;
  spec.version_dir = dir / absl::StrCat(version);
  spec.max_batch_size = config.max_batch_size();
  spec.compute_units = validated.compute_units;
  spec.input_type = files.input_type;
  spec.output_type = files.output_type;
  spec.input_size = static_cast<int>(validated.input.elements_per_sample);
  spec.output_size = static_cast<int>(validated.output.elements_per_sample);
  spec.network = files.network;
  spec.kernel_name = fpga.kernel_name();
  spec.kernel_arguments.assign(fpga.kernel_arguments().begin(), fpga.kernel_arguments().end());
  spec.xclbin = files.xclbin;
  spec.devices.assign(fpga.devices().begin(), fpga.devices().end());
  spec.kernel_timeout = absl::Microseconds(static_cast<int64_t>(fpga.kernel_timeout_us()));

  auto loaded = options_.devices->Load(spec);
  if (!loaded.ok()) {
    return absl::Status(loaded.status().code(),
                        absl::StrCat("device: ", loaded.status().message()));
  }

  SchedulerOptions scheduler_options;
  scheduler_options.max_batch_size = config.max_batch_size();
  if (config.has_dynamic_batching()) {
    const inference::ModelDynamicBatching& batching = config.dynamic_batching();
    scheduler_options.preferred_batch_sizes.assign(batching.preferred_batch_size().begin(),
                                                   batching.preferred_batch_size().end());
    scheduler_options.max_queue_delay =
        absl::Microseconds(static_cast<int64_t>(batching.max_queue_delay_microseconds()));
    scheduler_options.priority_levels = static_cast<uint32_t>(batching.priority_levels());
    scheduler_options.default_priority_level =
        static_cast<uint32_t>(batching.default_priority_level());
    const inference::ModelQueuePolicy& policy = batching.default_queue_policy();
    scheduler_options.max_queue_size = static_cast<int>(policy.max_queue_size());
    scheduler_options.default_timeout =
        absl::Microseconds(static_cast<int64_t>(policy.default_timeout_microseconds()));
    scheduler_options.allow_timeout_override = policy.allow_timeout_override();
    scheduler_options.reject_on_timeout =
        policy.timeout_action() == inference::ModelQueuePolicy::REJECT;
  }

  auto model = std::shared_ptr<ServingModel>(new ServingModel());
  model->name_ = name;
  model->version_ = version;
  model->config_ = config;
  // The config as served says which precisions the device uses, whatever config.pbtxt spelled.
  model->config_.mutable_fpga()->set_input_precision(files.input_type.ToString());
  model->config_.mutable_fpga()->set_output_precision(files.output_type.ToString());
  model->input_ = validated.input;
  model->output_ = validated.output;
  model->metrics_ =
      options_.metrics != nullptr ? options_.metrics->ForModel(name, version) : nullptr;
  model->loaded_ = *std::move(loaded);
  auto scheduler = ModelScheduler::Create(std::move(scheduler_options), model->loaded_.get(),
                                          options_.clock, model->metrics_);
  if (!scheduler.ok()) {
    return absl::Status(scheduler.status().code(),
                        absl::StrCat("scheduler: ", scheduler.status().message()));
  }
  model->scheduler_ = *std::move(scheduler);
  return model;
}

}  // namespace fpgaas
