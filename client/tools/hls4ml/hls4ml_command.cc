#include "client/tools/hls4ml/hls4ml_command.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "proto/model_config.pb.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/fpga_parameters.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using numerics::FixedType;
using numerics::Hls4mlProject;
using numerics::Network;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// Samples per Network::Run call: bounds the packed buffers, not the CSV size.
constexpr size_t kChunkSamples = 8192;

constexpr char kUsage[] = R"(usage:
  fpgaas hls4ml import <project> --repository <repo> --name <model> [--version N] [--force]
      Check that the hls4ml project loads, then write <repo>/<model>/config.pbtxt and
      <repo>/<model>/<N>/hls4ml_prj/ (N defaults to the next free version; an existing
      version is replaced only with --force).
  fpgaas hls4ml predict <project-or-model-dir> --input in.csv [--output out.csv] [--trace]
      Run the bit-exact emulated kernel. Input: one sample per line, comma-separated decimals
      (read like hls4ml's testbench: atof -> float -> input_t). Output: one line per sample,
      values printed exactly (%.17g). --trace prints every layer's outputs for every sample.
      A project with several inputs takes each line as its inputs' values concatenated in the
      top function's argument order; several outputs are printed concatenated the same way.
  fpgaas hls4ml bench <project-or-model-dir> [--batch N] [--threads T] [--seconds S] [--seed K]
      Measure the emulated kernel on seeded random inputs (Gaussian, mean 0, sd 1, converted to
      input_t): T threads (default 1) each run batches of N samples (default 1024) for S seconds
      (default 2); prints samples/s, GMAC/s and the median batch time.
  <project> is an hls4ml project folder (holding firmware/) or its firmware/ folder; for predict
  and bench it may also be a model-repository model folder or version folder.
)";

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value
  std::map<std::string, bool> flags;           // --force, --trace
};

// Parses `args`; `valued` are the options taking a value, `switches` those that do not.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<std::string>& valued,
                                     const std::vector<std::string>& switches) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!absl::StartsWith(a, "--")) {
      parsed.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
      if (has_value) return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      parsed.flags[name] = true;
    } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (!has_value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
        }
        value = args[++i];
      }
      parsed.options[name] = value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", a));
    }
  }
  return parsed;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool IsVersionName(const std::string& name) {
  int v = 0;
  return absl::SimpleAtoi(name, &v) && v > 0 && absl::StrCat(v) == name;
}

// The fpga.hls4ml_project parameter of a config.pbtxt (or of its deprecated fpga block), default
// "hls4ml_prj". A config that does not parse gets the default: the server reports what is wrong.
std::string ProjectFolderName(const fs::path& path) {
  inference::ModelConfig config;
  if (!google::protobuf::TextFormat::ParseFromString(ReadFile(path), &config) ||
      !MoveFpgaBlockToParameters(&config).ok()) {
    return "hls4ml_prj";
  }
  const std::string folder = FpgaParameter(config, kFpgaHls4mlProject);
  return folder.empty() ? "hls4ml_prj" : folder;
}

// The hls4ml project behind a project folder, a firmware/ folder, a model folder (highest
// version) or a version folder.
absl::StatusOr<fs::path> ResolveProject(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / "firmware" / "parameters.h", ec) || fs::exists(path / "parameters.h", ec)) {
    return path;
  }
  if (fs::exists(path / "config.pbtxt", ec)) {
    const std::string folder = ProjectFolderName(path / "config.pbtxt");
    int best = 0;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string name = entry.path().filename().string();
      int v = 0;
      if (entry.is_directory() && IsVersionName(name) && absl::SimpleAtoi(name, &v) &&
          fs::exists(entry.path() / folder, ec)) {
        best = std::max(best, v);
      }
    }
    if (best == 0) {
      return absl::NotFoundError(absl::StrCat(
          path.string(), " is a model folder without a version ", "holding ", folder, "/"));
    }
    return path / absl::StrCat(best) / folder;
  }
  if (IsVersionName(path.filename().string()) &&
      fs::exists(path.parent_path() / "config.pbtxt", ec)) {
    return path / ProjectFolderName(path.parent_path() / "config.pbtxt");
  }
  if (fs::exists(path / "hls4ml_prj", ec)) return path / "hls4ml_prj";
  return absl::NotFoundError(
      absl::StrCat(path.string(),
                   " is neither an hls4ml project (firmware/parameters.h) nor a model folder "
                   "(config.pbtxt)"));
}

// Reads the CSV: one sample per non-empty line. Each value goes through atof -> float, as
// hls4ml's testbench reads tb_input_features.dat.
absl::StatusOr<std::vector<float>> ReadInputCsv(const fs::path& path, int input_size,
                                                size_t* samples) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path.string()));
  std::vector<float> values;
  std::string line;
  *samples = 0;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(text, ',');
    if (static_cast<int>(fields.size()) != input_size) {
      return absl::InvalidArgumentError(absl::StrCat(path.string(), ":", line_number, ": ",
                                                     fields.size(), " values, the model takes ",
                                                     input_size));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string field(absl::StripAsciiWhitespace(fields[i]));
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(field.c_str(), &end);
      if (field.empty() || end != field.c_str() + field.size()) {
        return absl::InvalidArgumentError(absl::StrCat(path.string(), ":", line_number, ": value ",
                                                       i + 1, " '", field, "' is not a number"));
      }
      const float f = static_cast<float>(v);
      if (!std::isfinite(f)) {
        return absl::InvalidArgumentError(absl::StrCat(
            path.string(), ":", line_number, ": value ", i + 1, " '", field,
            "' is not finite (as a float); ap_fixed inputs cannot hold NaN or infinity"));
      }
      values.push_back(f);
    }
    ++*samples;
  }
  return values;
}

std::string FormatValue(double v) { return absl::StrFormat("%.17g", v); }

int Predict(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(args, {"input", "output"}, {"trace", "help"});
  if (!parsed.ok()) {
    err << "fpgaas hls4ml predict: " << parsed.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  if (parsed->flags.count("help")) {
    out << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1 || !parsed->options.count("input")) {
    err << "fpgaas hls4ml predict: needs one project or model folder and --input\n" << kUsage;
    return kExitUsage;
  }
  absl::StatusOr<fs::path> project = ResolveProject(parsed->positional[0]);
  if (!project.ok()) {
    err << "fpgaas hls4ml predict: " << project.status().message() << "\n";
    return kExitFailure;
  }
  absl::StatusOr<std::shared_ptr<const Network>> network = numerics::LoadHls4mlNetwork(*project);
  if (!network.ok()) {
    err << "fpgaas hls4ml predict: " << network.status().message() << "\n";
    return kExitFailure;
  }
  const Network& net = **network;
  // A line holds every input's values, concatenated in argument order.
  int row_size = 0;
  for (int k = 0; k < net.num_inputs(); ++k) row_size += net.input_size(k);
  size_t samples = 0;
  absl::StatusOr<std::vector<float>> inputs =
      ReadInputCsv(parsed->options["input"], row_size, &samples);
  if (!inputs.ok()) {
    err << "fpgaas hls4ml predict: " << inputs.status().message() << "\n";
    return kExitFailure;
  }

  std::ofstream file;
  std::ostream* results = &out;
  if (parsed->options.count("output")) {
    file.open(parsed->options["output"], std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "fpgaas hls4ml predict: cannot write " << parsed->options["output"] << "\n";
      return kExitFailure;
    }
    results = &file;
  }
  const bool trace = parsed->flags.count("trace") > 0;
  const int n_in = net.num_inputs(), n_out = net.num_outputs();
  std::vector<std::vector<uint8_t>> packed_in(n_in), packed_out(n_out);
  std::vector<float> column;
  for (size_t first = 0; first < samples; first += kChunkSamples) {
    const size_t batch = std::min(kChunkSamples, samples - first);
    int offset = 0;  // of input k's values within a line
    for (int k = 0; k < n_in; ++k) {
      const int size = net.input_size(k);
      column.resize(batch * size);
      for (size_t s = 0; s < batch; ++s) {
        const float* line = inputs->data() + (first + s) * row_size + offset;
        std::copy(line, line + size, column.begin() + s * size);
      }
      packed_in[k].resize(batch * net.input_bytes_per_sample(k));
      absl::Status packed = numerics::PackElements(numerics::ElementType::kFp32, column.data(),
                                                   column.size(), net.input_type(k),
                                                   packed_in[k].data());
      if (!packed.ok()) {
        err << "fpgaas hls4ml predict: " << packed.message() << "\n";
        return kExitFailure;
      }
      offset += size;
    }
    for (int k = 0; k < n_out; ++k) packed_out[k].resize(batch * net.output_bytes_per_sample(k));
    std::vector<const uint8_t*> in_ptrs;
    std::vector<uint8_t*> out_ptrs;
    for (auto& v : packed_in) in_ptrs.push_back(v.data());
    for (auto& v : packed_out) out_ptrs.push_back(v.data());
    net.Run(in_ptrs.data(), out_ptrs.data(), batch);
    for (size_t s = 0; s < batch; ++s) {
      if (trace) {
        std::vector<const uint8_t*> sample;
        for (int k = 0; k < n_in; ++k) {
          sample.push_back(packed_in[k].data() + s * net.input_bytes_per_sample(k));
        }
        for (const numerics::LayerTrace& layer : net.Trace(sample.data())) {
          std::vector<std::string> values;
          for (double v : layer.values) values.push_back(FormatValue(v));
          out << "# sample " << first + s + 1 << " " << layer.name << " " << layer.type.ToString()
              << ": " << absl::StrJoin(values, ",") << "\n";
        }
      }
      std::vector<std::string> values;
      for (int k = 0; k < n_out; ++k) {
        const FixedType& out_type = net.output_type(k);
        const uint8_t* row = packed_out[k].data() + s * net.output_bytes_per_sample(k);
        for (int j = 0; j < net.output_size(k); ++j) {
          const int64_t raw = numerics::UnpackRaw(out_type, row + j * out_type.container_bytes());
          values.push_back(FormatValue(numerics::ToDouble(out_type, raw)));
        }
      }
      *results << absl::StrJoin(values, ",") << "\n";
    }
  }
  results->flush();
  if (!*results) {
    err << "fpgaas hls4ml predict: writing the results failed\n";
    return kExitFailure;
  }
  return kExitOk;
}

// Writes `text` to `path` through a temporary file and a rename.
absl::Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + absl::StrCat(".tmp-", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot rename to ", path.string(), ": ", ec.message()));
  return absl::OkStatus();
}

// The config.pbtxt of an imported model: Triton's ModelConfig with the fpga.* parameters.
inference::ModelConfig ImportedConfig(const std::string& model, const Hls4mlProject& project,
                                      const Network& net) {
  inference::ModelConfig config;
  config.set_name(model);
  config.set_platform("fpgaas_hls4ml");
  config.set_max_batch_size(8192);
  // Inputs and outputs in the top function's order, named after its arguments.
  for (int k = 0; k < net.num_inputs(); ++k) {
    inference::ModelInput* input = config.add_input();
    input->set_name(project.input_names[size_t(k)]);
    input->set_data_type(inference::TYPE_FP32);
    input->add_dims(net.input_size(k));
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    inference::ModelOutput* output = config.add_output();
    output->set_name(project.output_names[size_t(k)]);
    output->set_data_type(inference::TYPE_FP32);
    output->add_dims(net.output_size(k));
  }
  // Latency first: no wait for a fuller batch; batches form from what queues while the compute
  // units are busy.
  inference::ModelDynamicBatching* batching = config.mutable_dynamic_batching();
  batching->add_preferred_batch_size(64);
  batching->add_preferred_batch_size(256);
  batching->set_max_queue_delay_microseconds(0);
  inference::ModelQueuePolicy* queue = batching->mutable_default_queue_policy();
  queue->set_timeout_action(inference::ModelQueuePolicy::REJECT);
  queue->set_allow_timeout_override(true);
  queue->set_max_queue_size(4096);
  config.add_instance_group()->set_count(2);
  FpgaSettings fpga;
  fpga.kernel_name = project.top_function;
  if (net.num_inputs() == 1 && net.num_outputs() == 1) {
    fpga.kernel_arguments = {"input", "output", "batch_size"};
    fpga.input_precision = net.input_type().ToString();
    fpga.output_precision = net.output_type().ToString();
  }  // several tensors: the precisions come from the project, the arguments by default order
  fpga.hls4ml_project = "hls4ml_prj";
  WriteFpgaParameters(fpga, &config);
  return config;
}

std::string ConfigPbtxt(const inference::ModelConfig& config) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(config, &text);
  return absl::StrCat("# Written by `fpgaas hls4ml import`. Format: docs/model-repository.md.\n",
                      text);
}

// Copies what fpgaasd needs from an hls4ml project: firmware/, tb_data/ and the top-level files
// (hls4ml_config.yml, build scripts). Vivado/Vitis build folders are left behind.
absl::Status CopyProject(const Hls4mlProject& project, const fs::path& dst) {
  std::error_code ec;
  fs::create_directories(dst, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot create ", dst.string(), ": ", ec.message()));
  const fs::path firmware = project.firmware_dir;
  const auto options = fs::copy_options::recursive | fs::copy_options::copy_symlinks;
  fs::copy(firmware, dst / "firmware", options, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot copy ", firmware.string(), ": ", ec.message()));
  fs::path root = firmware.parent_path();
  if (firmware.filename() != "firmware" || !fs::exists(root / "hls4ml_config.yml", ec)) {
    return absl::OkStatus();  // a bare firmware/ folder
  }
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_regular_file()) {
      fs::copy_file(entry.path(), dst / entry.path().filename(), ec);
    } else if (entry.is_directory() && entry.path().filename() == "tb_data") {
      fs::copy(entry.path(), dst / "tb_data", options, ec);
    }
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot copy ", entry.path().string(), ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

int Import(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ParsedArgs> parsed =
      ParseArgs(args, {"repository", "name", "version"}, {"force", "help"});
  if (!parsed.ok()) {
    err << "fpgaas hls4ml import: " << parsed.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  if (parsed->flags.count("help")) {
    out << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1 || !parsed->options.count("repository") ||
      !parsed->options.count("name")) {
    err << "fpgaas hls4ml import: needs one project, --repository and --name\n" << kUsage;
    return kExitUsage;
  }
  const std::string& model = parsed->options["name"];
  if (model.empty() || model.front() == '.' || !std::all_of(model.begin(), model.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
      })) {
    err << "fpgaas hls4ml import: model name '" << model
        << "' must be letters, digits, '_', '-' or '.' (and not start with '.')\n";
    return kExitUsage;
  }
  int version = 0;
  if (parsed->options.count("version") &&
      (!absl::SimpleAtoi(parsed->options["version"], &version) || version <= 0)) {
    err << "fpgaas hls4ml import: --version must be a positive integer, got '"
        << parsed->options["version"] << "'\n";
    return kExitUsage;
  }
  const bool force = parsed->flags.count("force") > 0;

  // Validate first: the project must load into the executor the server runs.
  const fs::path source = parsed->positional[0];
  absl::StatusOr<Hls4mlProject> project = numerics::ReadHls4mlProject(source);
  if (!project.ok()) {
    err << "fpgaas hls4ml import: " << project.status().message() << "\n";
    return kExitFailure;
  }
  absl::StatusOr<std::shared_ptr<const Network>> network = numerics::LoadHls4mlNetwork(source);
  if (!network.ok()) {
    err << "fpgaas hls4ml import: " << network.status().message() << "\n";
    return kExitFailure;
  }
  const fs::path model_dir = fs::path(parsed->options["repository"]) / model;
  std::error_code ec;
  fs::create_directories(model_dir, ec);
  if (ec) {
    err << "fpgaas hls4ml import: cannot create " << model_dir.string() << ": " << ec.message()
        << "\n";
    return kExitFailure;
  }
  if (version == 0) {
    for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
      int v = 0;
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && IsVersionName(name) && absl::SimpleAtoi(name, &v)) {
        version = std::max(version, v);
      }
    }
    ++version;
  }
  const fs::path version_dir = model_dir / absl::StrCat(version);
  if (fs::exists(version_dir, ec)) {
    if (!force) {
      err << "fpgaas hls4ml import: " << version_dir.string()
          << " already exists; use --force to replace it\n";
      return kExitFailure;
    }
  }
  // Build the version in a scratch folder, then swap it in.
  const fs::path staging = model_dir / absl::StrCat(".", version, ".import-", getpid());
  fs::remove_all(staging, ec);
  if (absl::Status s = CopyProject(*project, staging / "hls4ml_prj"); !s.ok()) {
    fs::remove_all(staging, ec);
    err << "fpgaas hls4ml import: " << s.message() << "\n";
    return kExitFailure;
  }
  fs::remove_all(version_dir, ec);
  fs::rename(staging, version_dir, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    err << "fpgaas hls4ml import: cannot create " << version_dir.string() << "\n";
    return kExitFailure;
  }
  const fs::path config = model_dir / "config.pbtxt";
  const bool write_config = force || !fs::exists(config, ec);
  if (write_config) {
    if (absl::Status s =
            WriteFileAtomically(config, ConfigPbtxt(ImportedConfig(model, *project, **network)));
        !s.ok()) {
      err << "fpgaas hls4ml import: " << s.message() << "\n";
      return kExitFailure;
    }
  }
  const Network& net = **network;
  out << "imported " << source.string() << " as " << version_dir.string() << "\n";
  for (int k = 0; k < net.num_inputs(); ++k) {
    out << "  input  " << project->input_names[size_t(k)] << ": " << net.input_size(k) << " x "
        << net.input_type(k).ToString() << "\n";
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    out << "  output " << project->output_names[size_t(k)] << ": " << net.output_size(k) << " x "
        << net.output_type(k).ToString() << "\n";
  }
  out      << "  " << net.spec().layers.size() << " layers, " << net.macs_per_sample()
      << " MACs per sample\n"
      << (write_config ? "  wrote " : "  kept existing ") << config.string() << "\n";
  return kExitOk;
}

// Parses a positive integer option (or returns `fallback` when absent).
absl::StatusOr<int64_t> PositiveOption(ParsedArgs& parsed, const std::string& name,
                                       int64_t fallback, int64_t max) {
  if (!parsed.options.count(name)) return fallback;
  int64_t v = 0;
  if (!absl::SimpleAtoi(parsed.options[name], &v) || v < 1 || v > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " must be an integer in 1..", max,
                                                   ", got '", parsed.options[name], "'"));
  }
  return v;
}

int Bench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ParsedArgs> parsed =
      ParseArgs(args, {"batch", "threads", "seconds", "seed"}, {"help"});
  if (!parsed.ok()) {
    err << "fpgaas hls4ml bench: " << parsed.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  if (parsed->flags.count("help")) {
    out << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1) {
    err << "fpgaas hls4ml bench: needs one project or model folder\n" << kUsage;
    return kExitUsage;
  }
  absl::StatusOr<int64_t> batch = PositiveOption(*parsed, "batch", 1024, 1 << 24);
  absl::StatusOr<int64_t> threads = PositiveOption(*parsed, "threads", 1, 1024);
  absl::StatusOr<int64_t> seed = PositiveOption(*parsed, "seed", 1, INT64_MAX);
  double seconds = 2.0;
  if (parsed->options.count("seconds") &&
      (!absl::SimpleAtod(parsed->options["seconds"], &seconds) || !(seconds > 0) ||
       seconds > 3600)) {
    err << "fpgaas hls4ml bench: --seconds must be a number in (0, 3600], got '"
        << parsed->options["seconds"] << "'\n";
    return kExitUsage;
  }
  for (const absl::StatusOr<int64_t>* v : {&batch, &threads, &seed}) {
    if (!v->ok()) {
      err << "fpgaas hls4ml bench: " << v->status().message() << "\n";
      return kExitUsage;
    }
  }
  absl::StatusOr<fs::path> project = ResolveProject(parsed->positional[0]);
  if (!project.ok()) {
    err << "fpgaas hls4ml bench: " << project.status().message() << "\n";
    return kExitFailure;
  }
  absl::StatusOr<std::shared_ptr<const Network>> network = numerics::LoadHls4mlNetwork(*project);
  if (!network.ok()) {
    err << "fpgaas hls4ml bench: " << network.status().message() << "\n";
    return kExitFailure;
  }
  const Network& net = **network;
  const size_t n = static_cast<size_t>(*batch);
  // One seeded batch per input, shared read-only by every thread.
  std::mt19937_64 rng(static_cast<uint64_t>(*seed));
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<std::vector<uint8_t>> ins;
  std::vector<const uint8_t*> in_ptrs;
  for (int k = 0; k < net.num_inputs(); ++k) {
    std::vector<float> values(n * net.input_size(k));
    for (float& v : values) v = gauss(rng);
    std::vector<uint8_t>& in = ins.emplace_back(n * net.input_bytes_per_sample(k));
    if (absl::Status s = numerics::PackElements(numerics::ElementType::kFp32, values.data(),
                                                values.size(), net.input_type(k), in.data());
        !s.ok()) {
      err << "fpgaas hls4ml bench: " << s.message() << "\n";
      return kExitFailure;
    }
    in_ptrs.push_back(in.data());
  }
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> times(*threads);  // seconds per batch, per thread
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto worker = [&](int t) {
    std::vector<std::vector<uint8_t>> results;
    std::vector<uint8_t*> result_ptrs;
    for (int k = 0; k < net.num_outputs(); ++k) {
      result_ptrs.push_back(results.emplace_back(n * net.output_bytes_per_sample(k)).data());
    }
    net.Run(in_ptrs.data(), result_ptrs.data(), n);  // warm-up: scratch buffers, caches
    for (Clock::time_point now = Clock::now(); now < deadline;) {
      net.Run(in_ptrs.data(), result_ptrs.data(), n);
      const Clock::time_point end = Clock::now();
      times[t].push_back(std::chrono::duration<double>(end - now).count());
      now = end;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < *threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (std::thread& t : pool) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const std::vector<double>& t : times) all.insert(all.end(), t.begin(), t.end());
  if (all.empty()) {
    err << "fpgaas hls4ml bench: no batch finished within " << seconds
        << " s; use a larger --seconds or a smaller --batch\n";
    return kExitFailure;
  }
  std::sort(all.begin(), all.end());
  const double samples_per_s = static_cast<double>(all.size()) * n / elapsed;
  // "6 + 6" values, "ap_fixed<12,4>, ap_fixed<10,3>": one entry per input (output).
  std::vector<std::string> in_sizes, in_types, out_sizes, out_types;
  for (int k = 0; k < net.num_inputs(); ++k) {
    in_sizes.push_back(absl::StrCat(net.input_size(k)));
    in_types.push_back(net.input_type(k).ToString());
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    out_sizes.push_back(absl::StrCat(net.output_size(k)));
    out_types.push_back(net.output_type(k).ToString());
  }
  out << absl::StrFormat(
      "project %s\n"
      "network %s -> %s values, input %s, output %s, %d MAC/sample\n"
      "batch %d, threads %d, %.2f s, %d batches (seeded Gaussian inputs, seed %d)\n"
      "samples/s %.0f\nGMAC/s %.3f\nmedian batch time %.3f ms (min %.3f ms, max %.3f ms)\n",
      project->string(), absl::StrJoin(in_sizes, " + "), absl::StrJoin(out_sizes, " + "),
      absl::StrJoin(in_types, ", "), absl::StrJoin(out_types, ", "), net.macs_per_sample(), n, *threads, elapsed, all.size(),
      *seed, samples_per_s, samples_per_s * net.macs_per_sample() / 1e9,
      all[all.size() / 2] * 1e3, all.front() * 1e3, all.back() * 1e3);
  return kExitOk;
}

}  // namespace

int RunHls4mlCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    out << kUsage;
    return kExitOk;
  }
  if (command == "predict") return Predict(rest, out, err);
  if (command == "import") return Import(rest, out, err);
  if (command == "bench") return Bench(rest, out, err);
  err << "fpgaas hls4ml: unknown command '" << command << "'\n" << kUsage;
  return kExitUsage;
}

}  // namespace fpgaas
