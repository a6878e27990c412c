// Model configuration rules: config.pbtxt (text) and the RepositoryModelLoad "config" parameter
// (JSON) parsed into inference::ModelConfig, validated, defaults filled in, and translated into
// what the scheduler and the devices take. Pure: no files, no devices, no clock.
//
// Part of fpgaas_repository (its public header is repository.h); its own header so that the config
// rules can be tested without a DeviceManager (tests/unit/repository/model_config_test.cc).
#ifndef FPGAAS_SERVER_REPOSITORY_MODEL_CONFIG_H_
#define FPGAAS_SERVER_REPOSITORY_MODEL_CONFIG_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/model_config.pb.h"
#include "server/device/device.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/fpga_parameters.h"
#include "server/scheduler/scheduler.h"

namespace fpgaas {

inline constexpr char kConfigFileName[] = "config.pbtxt";
inline constexpr char kModelPlatform[] = "fpgaas_hls4ml";  // the only platform a config may name
inline constexpr char kDefaultHls4mlProject[] = "hls4ml_prj";

// One input or output tensor of a model as clients see it.
struct TensorInfo {
  std::string name;
  inference::DataType data_type = inference::TYPE_INVALID;            // from config.pbtxt
  numerics::ElementType element_type = numerics::ElementType::kFp32;  // the same, for the scheduler
  std::string datatype;             // KServe v2 name: "FP32", "INT16", ...
  std::vector<int64_t> dims;        // per-sample shape (config dims, no batch dimension)
  int64_t elements_per_sample = 0;  // product of dims
};

// Model names become folder names and Prometheus label values: 1..200 characters of letters,
// digits, '_', '-' and '.', not starting with '.'. INVALID_ARGUMENT otherwise.
absl::Status ValidateModelName(absl::string_view name);

// config.pbtxt text -> ModelConfig. INVALID_ARGUMENT "config.pbtxt: line L column C: ..." (1-based).
absl::StatusOr<inference::ModelConfig> ParseModelConfigText(const std::string& text);
// JSON ModelConfig (unknown fields refused) -> ModelConfig. INVALID_ARGUMENT naming the parameter.
absl::StatusOr<inference::ModelConfig> ParseModelConfigJson(const std::string& json);

// A config that passed validation, with what loading a version needs from it.
struct ValidatedConfig {
  // With defaults (name, platform, instance_group counts) and without the deprecated `fpga { }`
  // block: its settings are "fpga.*" parameters, so the config parses with Triton's schema.
  inference::ModelConfig config;
  FpgaSettings fpga;                                    // the "fpga.*" parameters
  std::optional<numerics::FixedType> input_precision;   // fpga.input_precision, when given
  std::optional<numerics::FixedType> output_precision;  // fpga.output_precision, when given
  // Set when the config had the deprecated `fpga { }` block: one line for the log, naming the
  // parameters to write instead.
  std::string deprecation_warning;
  int compute_units = 1;                                // sum of instance_group counts, >= 1
  TensorInfo input, output;
};

// Checks everything in a config that does not need the version folders. A deprecated `fpga { }`
// block is moved into "fpga.*" parameters (INVALID_ARGUMENT when both give one setting different
// values). `folder` is the model's
// folder name (the config's name must be empty or equal to it). INVALID_ARGUMENT with the rule.
absl::StatusOr<ValidatedConfig> ValidateModelConfig(inference::ModelConfig config,
                                                    const std::string& folder);

// The dynamic batcher's options for a validated config (Triton's dynamic_batching semantics).
SchedulerOptions ToSchedulerOptions(const inference::ModelConfig& config);

// What one version folder provides (read by model_folder.h's ReadModelVersion).
struct VersionFiles {
  std::shared_ptr<const numerics::Network> network;  // null for a bitstream-only version
  numerics::FixedType input_type, output_type;       // device-side precisions
  std::string xclbin;                                // file name in the version folder, or ""
};

// Checks a version's hls4ml network against the config (precisions, sizes) and returns the
// device-side precisions; without a network the config must give both precisions.
absl::Status CheckVersionAgainstConfig(const ValidatedConfig& validated, VersionFiles* files);

// What DeviceManager::Load takes for version `version` of model `name`, whose files are in
// `version_dir`.
DeviceModelSpec ToDeviceModelSpec(const ValidatedConfig& validated, const std::string& name,
                                  int64_t version, const std::filesystem::path& version_dir,
                                  const VersionFiles& files);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_REPOSITORY_MODEL_CONFIG_H_
