// hls4ml project import: reads a project directory written by hls4ml (2019-2020 releases to 1.x,
// Vivado/Vitis backend, io_parallel) into a NetworkSpec, and writes fpgaas model-repository
// entries.
//
// `path` may be the project root (holding firmware/) or the firmware/ folder itself. Anything the
// executor cannot reproduce exactly (an unknown layer, io_stream, an unsupported strategy or type)
// is an error naming the thing and its file:line; a project is never silently approximated.
#ifndef FPGAAS_SERVER_NUMERICS_HLS4ML_PROJECT_H_
#define FPGAAS_SERVER_NUMERICS_HLS4ML_PROJECT_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/numerics/network.h"

namespace fpgaas::numerics {

struct Hls4mlProject {
  std::filesystem::path firmware_dir;  // the folder holding <top>.cpp, defines.h, parameters.h
  std::string top_function;            // e.g. "myproject"
  std::string input_name;              // the top function's input argument, e.g. "input_1"
  std::string output_name;             // its output argument, e.g. "layer13_out"
  // Every input / output argument, in the top function's order (input_name / output_name first).
  std::vector<std::string> input_names, output_names;
  NetworkSpec spec;
};

absl::StatusOr<Hls4mlProject> ReadHls4mlProject(const std::filesystem::path& path);

// ReadHls4mlProject + Network::Create.
absl::StatusOr<std::shared_ptr<const Network>> LoadHls4mlNetwork(const std::filesystem::path& path);

}  // namespace fpgaas::numerics

#endif  // FPGAAS_SERVER_NUMERICS_HLS4ML_PROJECT_H_
