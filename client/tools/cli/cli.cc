#include "client/tools/cli/cli.h"

#include <algorithm>
#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/tools/common/args.h"
#include "client/tools/common/connection_flags.h"
#include "client/tools/common/csv.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "fpgaas/client.h"


namespace fpgaas::tools {
namespace {

constexpr int kFailed = 1;
constexpr int kUsage = 2;

using Args = std::vector<std::string>;

// Parses a subcommand's arguments; returns -1 to continue, else the exit code (help or error).
int ParseOrExit(ArgParser& parser, const Args& args, size_t min_positional, size_t max_positional,
                std::ostream& out, std::ostream& err) {
  absl::Status status = parser.Parse(args, min_positional, max_positional);
  if (parser.help_requested()) {
    out << parser.Help();
    return 0;
  }
  if (!status.ok()) {
    err << "fpgaas: " << status.message() << "\n(see --help)\n";
    return kUsage;
  }
  return -1;
}

std::string Shape(const std::vector<int64_t>& shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ", "), "]");
}

int Health(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string model;
  ArgParser parser("fpgaas health [--model <name>]",
                   "Checks that the server is live and ready (and a model, with --model).\n"
                   "Exit code 0 only if everything asked about is ready.");
  connection.AddTo(parser);
  parser.Add("model", &model, "also check that this model is ready");
  if (int code = ParseOrExit(parser, args, 0, 0, out, err); code >= 0) return code;
  Client client(connection.server, connection.ToOptions());
  auto live = client.IsLive();
  if (!live.ok()) return ReportError("health", connection.server, live.status(), err);
  auto ready = client.IsReady();
  if (!ready.ok()) return ReportError("health", connection.server, ready.status(), err);
  out << "server " << connection.server << ": " << (*live ? "live" : "not live") << ", "
      << (*ready ? "ready" : "not ready") << "\n";
  bool ok = *live && *ready;
  if (!model.empty()) {
    auto model_ready = client.IsModelReady(model);
    if (!model_ready.ok())
      return ReportError("health", connection.server, model_ready.status(), err);
    out << "model " << model << ": " << (*model_ready ? "ready" : "not ready") << "\n";
    ok = ok && *model_ready;
  }
  return ok ? 0 : kFailed;
}

int Models(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  bool ready_only = false;
  ArgParser parser("fpgaas models [--ready]", "Lists the models of the server's repository.");
  connection.AddTo(parser);
  parser.Add("ready", &ready_only, "only models ready for inference");
  if (int code = ParseOrExit(parser, args, 0, 0, out, err); code >= 0) return code;
  Client client(connection.server, connection.ToOptions());
  auto models = client.ListModels(ready_only);
  if (!models.ok()) return ReportError("models", connection.server, models.status(), err);
  out << absl::StrFormat("%-24s %-8s %-12s %s\n", "MODEL", "VERSION", "STATE", "REASON");
  for (const RepositoryModel& model : *models) {
    out << absl::StrFormat("%-24s %-8s %-12s %s\n", model.name, model.version, model.state,
                           model.reason);
  }
  return 0;
}

int Metadata(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string version;
  bool json = false;
  ArgParser parser("fpgaas metadata <model>",
                   "Prints a model's metadata (tensors, versions) and its configuration.");
  connection.AddTo(parser);
  parser.Add("model-version", &version, "version (default: the server's choice)");
  parser.Add("json", &json, "print the whole ModelConfig as JSON");
  if (int code = ParseOrExit(parser, args, 1, 1, out, err); code >= 0) return code;
  const std::string& name = parser.positional()[0];
  Client client(connection.server, connection.ToOptions());
  auto metadata = client.GetModelMetadata(name, version);
  if (!metadata.ok()) return ReportError("metadata", connection.server, metadata.status(), err);
  auto config = client.GetModelConfig(name, version);
  // ModelConfig is a Triton extension: other KServe v2 servers answer UNIMPLEMENTED.
  const bool has_config = config.status().code() != absl::StatusCode::kUnimplemented;
  if (has_config && !config.ok()) {
    return ReportError("metadata", connection.server, config.status(), err);
  }
  out << "model:          " << metadata->name << "\n";
  out << "platform:       " << metadata->platform << "\n";
  out << "versions:       " << absl::StrJoin(metadata->versions, ", ") << "\n";
  if (has_config) {
    out << "max_batch_size: " << config->max_batch_size << "\n";
  } else {
    out << "max_batch_size: unknown (the server has no ModelConfig)\n";
  }
  for (const TensorMetadata& tensor : metadata->inputs) {
    out << "input:          " << tensor.name << " " << tensor.datatype << " " << Shape(tensor.shape)
        << "\n";
  }
  for (const TensorMetadata& tensor : metadata->outputs) {
    out << "output:         " << tensor.name << " " << tensor.datatype << " " << Shape(tensor.shape)
        << "\n";
  }
  if (json && has_config) out << config->json << "\n";
  return 0;
}

int Infer(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string input, output, version;
  int64_t batch = 0;
  ArgParser parser("fpgaas infer <model> --input in.csv [--output out.csv] [--batch N]",
                   "Runs every row of a CSV file (one sample per row) through the model and\n"
                   "writes one row of outputs per sample (to stdout without --output).");
  connection.AddTo(parser);
  parser.Add("input", &input, "CSV file, one sample per row");
  parser.Add("output", &output, "CSV file for the outputs (default: stdout)");
  parser.Add("batch", &batch, "samples per request (0 = the model's max_batch_size)");
  parser.Add("model-version", &version, "version (default: the server's choice)");
  if (int code = ParseOrExit(parser, args, 1, 1, out, err); code >= 0) return code;
  if (input.empty()) {
    err << "fpgaas infer: --input is required (see --help)\n";
    return kUsage;
  }
  if (batch < 0) {
    err << "fpgaas infer: --batch must be >= 0\n";
    return kUsage;
  }
  auto table = ReadCsv(input);
  if (!table.ok()) {
    err << "fpgaas infer: " << table.status().message() << "\n";
    return kUsage;
  }
  Client client(connection.server, connection.ToOptions());
  auto model = client.GetModel(parser.positional()[0], version);
  if (!model.ok()) return ReportError("infer", connection.server, model.status(), err);
  const std::optional<int64_t> input_size = model->input_size();
  if (input_size && static_cast<int64_t>(table->columns()) != *input_size) {
    err << "fpgaas infer: " << input << ":" << table->line_numbers.front() << ": "
        << table->columns() << " values per row, but model '" << model->name() << "' input '"
        << model->input().name << "' takes " << *input_size << "\n";
    return kUsage;
  }
  const int64_t rows = static_cast<int64_t>(table->rows.size());
  if (batch == 0) batch = DefaultBatch(*model);
  std::vector<float> outputs;
  for (int64_t first = 0; first < rows; first += batch) {
    const int64_t count = std::min(batch, rows - first);
    std::vector<float> samples;
    for (int64_t r = first; r < first + count; ++r) {
      samples.insert(samples.end(), table->rows[r].begin(), table->rows[r].end());
    }
    auto result = model->InferBatch(samples, count);
    if (!result.ok()) {
      return ReportError(absl::StrCat("infer (rows from line ", table->line_numbers[first], ")"),
                         connection.server, result.status(), err);
    }
    outputs.insert(outputs.end(), result->begin(), result->end());
  }
  const size_t columns = outputs.size() / rows;
  std::vector<std::string> header;
  for (size_t i = 0; i < columns; ++i) {
    header.push_back(columns == 1 ? model->output().name
                                  : absl::StrCat(model->output().name, "_", i));
  }
  if (output.empty()) {
    out << FormatCsv(header, outputs, columns);
  } else {
    absl::Status written = WriteCsv(output, header, outputs, columns);
    if (!written.ok()) {
      err << "fpgaas infer: " << written.message() << "\n";
      return kFailed;
    }
    out << "wrote " << rows << " rows of " << columns << " values to " << output << "\n";
  }
  return 0;
}

int LoadOrUnload(bool load, const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  bool dependents = false;
  ArgParser parser(load ? "fpgaas load <model>" : "fpgaas unload <model>",
                   load ? "Loads (or reloads) a model of the server's repository."
                        : "Unloads a model; the server stops serving it.");
  connection.AddTo(parser);
  if (!load) parser.Add("unload-dependents", &dependents, "also unload models that depend on it");
  if (int code = ParseOrExit(parser, args, 1, 1, out, err); code >= 0) return code;
  const std::string& name = parser.positional()[0];
  Client client(connection.server, connection.ToOptions());
  absl::Status status = load ? client.LoadModel(name) : client.UnloadModel(name, dependents);
  if (!status.ok()) return ReportError(load ? "load" : "unload", connection.server, status, err);
  out << (load ? "loaded " : "unloaded ") << name << "\n";
  return 0;
}

int Register(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string name;
  connection.timeout_ms = 120000;  // uploads and bitstream loads take time; --timeout-ms overrides
  ArgParser parser("fpgaas register <model-dir> [--name <model>]",
                   "Uploads a model folder (config.pbtxt and its version folders: hls4ml\n"
                   "project, xclbin) to the server and loads it.");
  connection.AddTo(parser);
  parser.Add("name", &name, "model name (default: the config's name, else the folder's)");
  if (int code = ParseOrExit(parser, args, 1, 1, out, err); code >= 0) return code;
  Client client(connection.server, connection.ToOptions());
  absl::Status status = client.Register(parser.positional()[0], name);
  if (!status.ok()) return ReportError("register", connection.server, status, err);
  out << "registered " << parser.positional()[0] << "\n";
  return 0;
}

int Stats(const Args& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string version;
  ArgParser parser("fpgaas stats [<model>]",
                   "Prints inference statistics (counts, average time per stage) of one model\n"
                   "or of every model.");
  connection.AddTo(parser);
  parser.Add("model-version", &version, "version (default: every version)");
  if (int code = ParseOrExit(parser, args, 0, 1, out, err); code >= 0) return code;
  Client client(connection.server, connection.ToOptions());
  auto stats =
      client.GetStatistics(parser.positional().empty() ? "" : parser.positional()[0], version);
  if (!stats.ok()) return ReportError("stats", connection.server, stats.status(), err);
  auto average_us = [](const StatDuration& d) {
    return d.count == 0 ? 0.0 : d.ns / 1000.0 / d.count;
  };
  for (const ModelStatistics& model : *stats) {
    out << model.name << " (version " << model.version << ")\n";
    out << "  inferences:        " << model.inference_count << " samples in "
        << model.execution_count << " executions\n";
    out << "  requests:          " << model.success.count << " ok, " << model.fail.count
        << " failed\n";
    out << absl::StrFormat("  avg request:       %.1f us\n", average_us(model.success));
    out << absl::StrFormat("  avg queue:         %.1f us\n", average_us(model.queue));
    out << absl::StrFormat("  avg input xfer:    %.1f us\n", average_us(model.compute_input));
    out << absl::StrFormat("  avg compute:       %.1f us\n", average_us(model.compute_infer));
    out << absl::StrFormat("  avg output xfer:   %.1f us\n", average_us(model.compute_output));
    for (const BatchStatistics& batch : model.batch_stats) {
      out << absl::StrFormat("  batch %-6d       %d executions, %.1f us compute each\n",
                             batch.batch_size, batch.compute_infer.count,
                             average_us(batch.compute_infer));
    }
  }
  return 0;
}

int Hls4ml(const Args& args, std::ostream& out, std::ostream& err) {
  return RunHls4mlCommand(args, out, err);
}

constexpr const char* kOverview =
    "usage: fpgaas <command> [options]   (fpgaas <command> --help for details)\n"
    "\n"
    "commands:\n"
    "  health                 is the server live and ready\n"
    "  models                 list the repository's models and their state\n"
    "  metadata <model>       tensors, versions and configuration of a model\n"
    "  infer <model>          run a CSV file of samples through a model\n"
    "  load <model>           load or reload a model\n"
    "  unload <model>         unload a model\n"
    "  register <model-dir>   upload a model folder and load it\n"
    "  stats [<model>]        inference statistics and the per-stage time split\n"
    "  validate <model>       compare a model's answers with reference outputs; HTML report\n"
    "  hls4ml ...             hls4ml project tools\n"
    "\n"
    "Every command takes --server host:port (default localhost:8001).\n";

}  // namespace

int64_t DefaultBatch(const Model& model) {
  if (model.config().from_metadata && model.max_batch_size() > 0) return kBatchWithUnknownLimit;
  return std::max<int64_t>(1, model.max_batch_size());
}

int ReportError(const std::string& command, const std::string& server, const absl::Status& status,
                std::ostream& err) {
  err << "fpgaas " << command << ": ";
  if (status.code() == absl::StatusCode::kUnavailable) {
    err << "cannot reach the server at " << server << " (is fpgaasd running?): ";
  } else if (status.code() == absl::StatusCode::kDeadlineExceeded) {
    err << "the server did not answer in time (raise --timeout-ms): ";
  } else {
    err << absl::StatusCodeToString(status.code()) << ": ";
  }
  err << status.message() << "\n";
  return kFailed;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kOverview;
    return kUsage;
  }
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    out << kOverview;
    return 0;
  }
  const Args rest(args.begin() + 1, args.end());
  static const auto* commands =
      new std::map<std::string, std::function<int(const Args&, std::ostream&, std::ostream&)>>{
          {"health", Health},
          {"models", Models},
          {"metadata", Metadata},
          {"infer", Infer},
          {"load", [](const Args& a, std::ostream& o,
                      std::ostream& e) { return LoadOrUnload(true, a, o, e); }},
          {"unload", [](const Args& a, std::ostream& o,
                        std::ostream& e) { return LoadOrUnload(false, a, o, e); }},
          {"register", Register},
          {"stats", Stats},
          {"validate", RunValidate},
          {"hls4ml", Hls4ml}};
  auto it = commands->find(command);
  if (it == commands->end()) {
    err << "fpgaas: unknown command '" << command << "'\n\n" << kOverview;
    return kUsage;
  }
  return it->second(rest, out, err);
}

}  // namespace fpgaas::tools
