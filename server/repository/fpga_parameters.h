// The FPGA settings of a model, kept where Triton's ModelConfig allows them: the `parameters` map,
// one "fpga.<field>" key per setting, so that config.pbtxt parses with Triton's own
// model_config.proto (CMSSW SonicTriton, tritonclient tools). The deprecated `fpga { }` block
// (ModelConfig field 100) is still read and moved into the same keys.
//
// Pure (no files, no logging); shared by the repository (server) and `fpgaas hls4ml import`
// (which writes configs). Its own library, fpgaas_fpga_parameters.
//
// Keys (docs/model-repository.md): every field F of the old block is the parameter "fpga.F";
// lists are comma-separated ("input,output,batch_size"); numbers are decimal strings.
#ifndef FPGAAS_SERVER_REPOSITORY_FPGA_PARAMETERS_H_
#define FPGAAS_SERVER_REPOSITORY_FPGA_PARAMETERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/model_config.pb.h"

namespace fpgaas {

inline constexpr char kFpgaKernelName[] = "fpga.kernel_name";
inline constexpr char kFpgaKernelArguments[] = "fpga.kernel_arguments";
inline constexpr char kFpgaInputPrecision[] = "fpga.input_precision";
inline constexpr char kFpgaOutputPrecision[] = "fpga.output_precision";
inline constexpr char kFpgaXclbin[] = "fpga.xclbin";
inline constexpr char kFpgaAwsXclbin[] = "fpga.awsxclbin";
inline constexpr char kFpgaHls4mlProject[] = "fpga.hls4ml_project";
inline constexpr char kFpgaDevices[] = "fpga.devices";
inline constexpr char kFpgaKernelTimeoutUs[] = "fpga.kernel_timeout_us";
// Read by the frontend (server/frontend/infer_codec.h), listed here so that it is a known key.
inline constexpr char kFpgaNonFiniteInputs[] = "fpga.non_finite_inputs";

// The settings, typed. Empty strings and lists mean "not given".
struct FpgaSettings {
  std::string kernel_name;
  std::vector<std::string> kernel_arguments;
  std::string input_precision;
  std::string output_precision;
  std::string xclbin;
  std::string awsxclbin;
  std::string hls4ml_project;
  std::vector<std::string> devices;
  uint64_t kernel_timeout_us = 0;
};

// Moves a deprecated `fpga { }` block into "fpga.*" parameters and clears it. Returns whether the
// block was present. INVALID_ARGUMENT naming both values when the block and a parameter give one
// setting different values (the same value twice is accepted).
absl::StatusOr<bool> MoveFpgaBlockToParameters(inference::ModelConfig* config);

// The "fpga.*" parameters of `config` (after MoveFpgaBlockToParameters). INVALID_ARGUMENT for an
// unknown "fpga." key (a typo would otherwise be ignored) or a value that is not a number where
// one is expected. Keys outside "fpga." are Triton's or the user's and are left alone.
absl::StatusOr<FpgaSettings> ReadFpgaParameters(const inference::ModelConfig& config);

// Writes the given (non-empty) settings into `config`'s parameters, replacing those keys.
void WriteFpgaParameters(const FpgaSettings& settings, inference::ModelConfig* config);

// parameters[key].string_value (a reference into `config`, valid while it is unchanged), or "" when
// absent. No allocation: the request path looks parameters up per request.
const std::string& FpgaParameter(const inference::ModelConfig& config, absl::string_view key);

// The "fpga.*" parameters of `config` as config.pbtxt text on one line
// (`parameters { key: "fpga.kernel_name" value { string_value: "myproject" } } ...`), for messages
// that tell a user what to write instead of the `fpga { }` block.
std::string FpgaParametersText(const inference::ModelConfig& config);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_REPOSITORY_FPGA_PARAMETERS_H_
