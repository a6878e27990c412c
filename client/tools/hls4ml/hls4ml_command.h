// `fpgaas hls4ml ...`: offline tools for hls4ml projects, run without a server.
//
//   fpgaas hls4ml import <project> --repository <repo> --name <model> [--version N] [--force]
//       Validates the project (it must load into the bit-exact executor), then writes a model
//       repository entry fpgaasd serves: <repo>/<model>/config.pbtxt (docs/model-repository.md)
//       and <repo>/<model>/<N>/hls4ml_prj/ (a copy of the project's firmware/, tb_data/ and
//       top-level files). An existing version is never overwritten without --force.
//   fpgaas hls4ml predict <project-or-model-dir> --input in.csv [--output out.csv] [--trace]
//       Runs the emulated kernel: one sample per CSV line (comma-separated decimals, converted as
//       hls4ml's testbench does: atof -> float -> input_t); one output line per sample, every value
//       printed exactly (%.17g). --trace also prints every layer's outputs for every sample.
//   fpgaas hls4ml bench <project-or-model-dir> [--batch N] [--threads T] [--seconds S] [--seed K]
//       Emulator throughput on seeded random inputs: samples/s, GMAC/s, median batch time.
//
// RunHls4mlCommand is the whole command: the `fpgaas` CLI main dispatches `fpgaas hls4ml <args>`
// to it. It writes results to `out`, diagnostics to `err`, and returns the process exit code
// (0 success, 1 failure, 2 usage error). It keeps no state between calls; calls are independent.
#ifndef FPGAAS_CLIENT_TOOLS_HLS4ML_HLS4ML_COMMAND_H_
#define FPGAAS_CLIENT_TOOLS_HLS4ML_HLS4ML_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace fpgaas {

// `args` are the words after `fpgaas hls4ml`, e.g. {"predict", "deploy/models/iris", "--input",
// "x.csv"}.
int RunHls4mlCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpgaas

#endif  // FPGAAS_CLIENT_TOOLS_HLS4ML_HLS4ML_COMMAND_H_
