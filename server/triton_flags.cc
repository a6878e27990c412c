#include "server/triton_flags.h"

#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fpgaas {
namespace {

// tritonserver flags without meaning for fpgaasd (GPU, backends, caches, tracing, ...).
const std::set<std::string_view>& IgnoredFlags() {
  static const auto* flags = new std::set<std::string_view>{
      "strict_model_config", "disable_auto_complete_config", "allow_gpu_metrics",
      "allow_cpu_metrics", "allow_metrics", "metrics_interval_ms", "metrics_config",
      "exit_on_error", "log_info", "log_warning", "log_error", "log_format",
      "log_file", "backend_directory", "backend_config", "repoagent_directory",
      "pinned_memory_pool_byte_size", "cuda_memory_pool_byte_size",
      "cuda_virtual_address_size", "min_supported_compute_capability",
      "buffer_manager_thread_count", "model_load_retry_count",
      "rate_limit", "rate_limit_resource", "response_cache_byte_size", "cache_config",
      "cache_directory", "trace_config", "trace_file", "trace_level", "trace_rate",
      "trace_count", "trace_log_frequency", "grpc_infer_allocation_pool_size",
      "grpc_infer_response_compression_level", "grpc_keepalive_time",
      "grpc_keepalive_timeout", "grpc_keepalive_permit_without_calls",
      "grpc_http2_max_pings_without_data", "grpc_http2_min_recv_ping_interval_without_data",
      "grpc_http2_max_ping_strikes", "grpc_max_connection_age", "grpc_max_connection_age_grace",
      "grpc_restricted_protocol", "http_restricted_protocol", "grpc_header_forward_pattern",
      "http_header_forward_pattern", "grpc_use_ssl", "id", "host_policy", "model_namespacing",
      "repository_poll_secs", "allow_sagemaker", "allow_vertex_ai", "allow_grpc",
      "reuse_grpc_port", "reuse_http_port", "http_max_input_size", "model_config_name",
      "enable_peer_access", "disable_auto_complete"};
  return *flags;
}

// tritonserver flag -> fpgaasd flag of the same meaning and value.
const std::map<std::string_view, std::string_view>& RenamedFlags() {
  static const auto* flags = new std::map<std::string_view, std::string_view>{
      {"exit_timeout_secs", "drain_grace_seconds"},
      {"http_thread_count", "http_threads"},
      {"grpc_server_cert", "tls_cert"},
      {"grpc_server_key", "tls_key"},
      {"grpc_root_cert", "tls_client_ca"},
      {"grpc_use_ssl_mutual", "tls_require_client_cert"},
  };
  return *flags;
}

bool IsFalse(std::string_view value) {
  const std::string v = absl::AsciiStrToLower(absl::string_view(value.data(), value.size()));
  return v == "false" || v == "0" || v == "no" || v == "off";
}

}  // namespace

TranslatedFlags TranslateTritonFlags(const std::vector<std::string>& args) {
  TranslatedFlags out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i == 0 || arg.size() < 3 || arg[0] != '-') {
      out.args.push_back(arg);
      if (arg == "--") {
        out.args.insert(out.args.end(), args.begin() + i + 1, args.end());
        break;
      }
      continue;
    }
    const size_t start = arg[1] == '-' ? 2 : 1;
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(start, eq == std::string::npos ? std::string::npos : eq - start);
    const bool known_elsewhere =
        name == "model_repository" || IgnoredFlags().count(name) > 0 ||
        RenamedFlags().count(name) > 0 || name == "log_verbose" || name == "allow_http";
    if (!known_elsewhere) {
      out.args.push_back(arg);
      continue;
    }
    // The value: after '=', or the next argument when it is not a flag.
    std::optional<std::string> value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size() && !args[i + 1].empty() && args[i + 1][0] != '-') {
      value = args[++i];
    }
    const std::string shown = absl::StrCat("--", name, value ? "=" + *value : "");
    if (name == "model_repository") {
      if (value) out.model_repositories.push_back(*value);
      out.args.push_back(absl::StrCat("--model_repository=", value.value_or("")));
    } else if (name == "log_verbose") {
      int level = 0;
      const bool verbose = value && absl::SimpleAtoi(*value, &level) && level > 0;
      if (verbose) out.args.push_back("--log_level=debug");
      out.warnings.push_back(absl::StrCat("tritonserver flag ", shown, " taken as --log-level=",
                                          verbose ? "debug" : "(unchanged)"));
    } else if (name == "allow_http") {
      const bool off = value && IsFalse(*value);
      if (off) out.args.push_back("--http_port=-1");
      out.warnings.push_back(absl::StrCat("tritonserver flag ", shown, off
                                                                      ? " taken as --http-port=-1"
                                                                      : " has no effect (HTTP is on)"));
    } else if (auto renamed = RenamedFlags().find(name); renamed != RenamedFlags().end()) {
      std::string target(renamed->second);
      out.args.push_back(absl::StrCat("--", target, value ? "=" + *value : ""));
      for (char& c : target) c = c == '_' ? '-' : c;
      out.warnings.push_back(absl::StrCat("tritonserver flag ", shown, " taken as --", target));
    } else {
      out.warnings.push_back(
          absl::StrCat("tritonserver flag ", shown, " ignored (no meaning for fpgaasd)"));
    }
  }
  return out;
}

}  // namespace fpgaas
