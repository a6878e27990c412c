// The `fpgaas` command line: health, models, metadata, infer, load, unload, register, stats,
// validate, and hls4ml (dispatched to the hls4ml tools when built). RunCli is the whole program
// minus main(), so tests run it in-process.
//
// Exit codes: 0 success; 1 the operation failed (server error, unreachable server, validation
// over tolerance); 2 bad usage or bad input file.
#ifndef FPGAAS_CLIENT_TOOLS_CLI_CLI_H_
#define FPGAAS_CLIENT_TOOLS_CLI_CLI_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fpgaas/client.h"

namespace fpgaas::tools {

// args: everything after the program name, e.g. {"infer", "muon_pt", "--input", "x.csv"}.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// `fpgaas validate` (validate.cc).
int RunValidate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Prints "fpgaas <command>: <message>" with a hint for an unreachable server; returns 1.
int ReportError(const std::string& command, const std::string& server, const absl::Status& status,
                std::ostream& err);

// Samples per request when --batch is not given: the model's max_batch_size (1 without a batch
// dimension), or kBatchWithUnknownLimit when the server does not say (no ModelConfig).
constexpr int64_t kBatchWithUnknownLimit = 256;
int64_t DefaultBatch(const Model& model);

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_CLI_CLI_H_
