// fpgaasd: the FPGA-as-a-Service inference daemon. Wiring only: flags -> devices -> metrics ->
// repository -> gRPC and HTTP/REST servers and /metrics; SIGINT/SIGTERM drain the server and exit 0.
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/frontend/shared_memory.h"
#include "server/http/http_server.h"
#include "server/metrics/metrics.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/repository/repository.h"
#include "server/triton_flags.h"
#include "server/util/clock.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

#ifndef FPGAAS_VERSION
#define FPGAAS_VERSION "0.0.0"
#endif

ABSL_FLAG(std::string, grpc_address, "0.0.0.0", "Interface the gRPC server listens on.");
ABSL_FLAG(int, grpc_port, 8001, "gRPC (KServe v2) port; 0 picks a free one.");
ABSL_FLAG(std::string, http_address, "0.0.0.0", "Interface the HTTP/REST server listens on.");
ABSL_FLAG(int, http_port, 8000,
          "HTTP/REST (KServe v2) port; 0 picks a free one, -1 turns HTTP off.");
ABSL_FLAG(int, http_threads, 2,
          "HTTP/REST event-loop threads (keep-alive connections and requests in flight hold none).");
ABSL_FLAG(int, metrics_port, 8002, "Prometheus /metrics HTTP port; 0 picks a free one.");
ABSL_FLAG(std::string, metrics_address, "",
          "Interface /metrics listens on (IPv4); empty = the same as --grpc-address.");
ABSL_FLAG(bool, metrics_tls, false,
          "Serve /metrics over HTTPS with the --tls-cert/--tls-key certificate.");
ABSL_FLAG(std::string, metrics_token_file, "",
          "File holding a bearer token that /metrics scrapes must send as 'Authorization: Bearer "
          "<token>' (Prometheus: authorization.credentials_file).");
ABSL_FLAG(int64_t, grpc_memory_quota_bytes, int64_t{2} << 30,
          "Memory gRPC may use to buffer all connections' data (a gRPC ResourceQuota); 0 = no "
          "bound.");
ABSL_FLAG(int, grpc_max_threads, 0, "Threads gRPC may use (ResourceQuota); 0 = gRPC's default.");
ABSL_FLAG(int, grpc_max_streams_per_connection, 100,
          "HTTP/2 streams (concurrent RPCs) one client connection may have open at once.");
ABSL_FLAG(int, max_connections, 10000,
          "Client connections each of the gRPC and HTTP/REST ports keeps open at once; a newer one "
          "is closed as soon as it is accepted. 0 = no limit. Lowered at start to fit the open "
          "file limit.");
ABSL_FLAG(int, metrics_max_connections, 64,
          "Connections /metrics keeps open at once (0 = no limit); a newer one is closed as soon "
          "as it is accepted. Counted in the open file limit's reserve (--max-connections).");
ABSL_FLAG(int, grpc_stream_max_pending, 64,
          "A ModelStreamInfer stream stops reading new requests while this many of its requests "
          "are in flight or answered but not yet sent (a client that does not read is then held "
          "by HTTP/2 flow control).");
ABSL_FLAG(int64_t, grpc_stream_max_pending_bytes, int64_t{64} << 20,
          "The same bound in bytes of answers waiting to be sent on one stream.");
ABSL_FLAG(int, grpc_stream_write_timeout_seconds, 30,
          "A ModelStreamInfer stream whose answer has waited this long to be sent (its client "
          "reads nothing) is cancelled.");
ABSL_FLAG(bool, grpc_accept_compression, false,
          "Accept gzip/deflate-compressed requests. gRPC inflates such a message whole before "
          "checking --max-message-bytes, so a small compressed request can cost the full size in "
          "memory; off, compressed requests get UNIMPLEMENTED.");
ABSL_FLAG(std::string, model_repository, "",
          "Model repository folder (Triton layout); may be repeated, as for tritonserver (the "
          "models of every folder are served; a name in two folders is an error).");
ABSL_FLAG(std::string, model_control_mode, "none",
          "none: load every model at start; explicit: load --load-model ones and via the "
          "RepositoryModelLoad/Unload RPCs.");
ABSL_FLAG(std::vector<std::string>, load_model, {},
          "Explicit mode: models to load at start (comma list; may be repeated; \"*\" = all).");
ABSL_FLAG(std::string, device, "auto", "auto | emu | xrt | xrt:0,xrt:1");
ABSL_FLAG(int, max_message_bytes, 64 << 20,
          "Largest gRPC message accepted or sent (bytes); bigger requests get RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_batch_size_limit, 65536,
          "Largest max_batch_size a model config may ask for; bigger ones fail to load "
          "(INVALID_ARGUMENT).");
ABSL_FLAG(int64_t, model_memory_limit_bytes, int64_t{1} << 30,
          "Largest total of one model version's batch buffers (compute units x max_batch_size x "
          "bytes per sample); bigger versions fail to load (RESOURCE_EXHAUSTED).");
ABSL_FLAG(int64_t, emulated_memory_bytes, int64_t{4} << 30,
          "Memory of the emulated FPGA (--device=emu): the buffers of every loaded model together.");
ABSL_FLAG(std::string, log_level, "info", "trace | debug | info | warn | error | critical | off");
ABSL_FLAG(bool, strict_readiness, false,
          "ServerReady only when every model in the repository loaded (not just the loaded ones "
          "ready).");
ABSL_FLAG(int, drain_grace_seconds, 10,
          "On SIGINT/SIGTERM, in-flight requests get this long before they are cancelled.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of the gRPC and HTTP/REST servers; with --tls-key turns TLS on "
          "(/metrics too with --metrics-tls).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls-cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle that client certificates are verified against (with --tls-cert).");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "Mutual TLS: refuse clients without a certificate signed by --tls-client-ca.");
ABSL_FLAG(bool, allow_client_shm, false,
          "Let clients register system shared-memory regions (Triton's --allow-client-shm) and "
          "send inputs / receive outputs through them (clients on this host only). A client that "
          "may register can read and write any shared-memory object fpgaasd's user can open.");
ABSL_FLAG(std::string, auth_token_file, "",
          "File holding a bearer token that every KServe RPC must send as 'authorization: Bearer "
          "<token>' metadata (health and reflection stay open).");
ABSL_FLAG(int, model_load_thread_count, 4,
          "Repository loads and unloads (RepositoryModelLoad/Unload) of different models run in "
          "parallel on this many threads; one model's run one at a time, in arrival order "
          "(1..64; tritonserver's flag of the same name).");
ABSL_FLAG(std::string, auth_config, "",
          "File (protobuf text format, see docs/deployment.md) of clients: bearer tokens and/or "
          "client-certificate identities mapped to a role (INFERENCE or REPOSITORY_ADMIN), the "
          "models each may use and registration quotas. With --auth-token-file too, that token "
          "is one more REPOSITORY_ADMIN client for every model.");

namespace {

int Fail(const std::string& what) {
  spdlog::critical("fpgaasd: {}", what);
  return 1;
}

// absl list flags keep only their last occurrence; --load-model may be repeated, so every
// occurrence on the command line is collected.
std::vector<std::string> AllLoadModelValues(int argc, char** argv) {
  std::vector<std::string> models;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--load_model") && !absl::ConsumePrefix(&arg, "-load_model")) {
      continue;
    }
    if (absl::ConsumePrefix(&arg, "=")) {
    } else if (arg.empty() && i + 1 < argc) {
      arg = argv[++i];
    } else {
      continue;
    }
    for (absl::string_view name : absl::StrSplit(arg, ',', absl::SkipEmpty())) {
      models.emplace_back(name);
    }
  }
  return models;
}

// The documented spelling is --grpc-port; absl flags are named grpc_port. Accept both by turning
// dashes in a flag's name (not its value) into underscores.
std::vector<std::string> NormalizeFlagNames(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg[0] != '-') continue;
    const size_t name_start = arg[1] == '-' ? 2 : 1;
    const size_t name_end = std::min(arg.find('='), arg.size());
    for (size_t c = name_start; c < name_end; ++c) {
      if (arg[c] == '-') arg[c] = '_';
    }
  }
  return args;
}

// Several --model-repository folders are served through one folder of symbolic links (one per
// model) made under the temporary directory; models registered over the wire land there and are
// not kept. Two folders holding the same model name is an error, as in tritonserver.
absl::StatusOr<std::filesystem::path> MergeRepositories(const std::vector<std::string>& roots) {
  namespace fs = std::filesystem;
  std::map<std::string, fs::path> models;
  for (const std::string& root : roots) {
    std::error_code error;
    if (!fs::is_directory(root, error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("model repository '", root, "' is not a directory"));
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
      if (!entry.is_directory()) continue;
      const std::string name = entry.path().filename().string();
      auto [it, inserted] = models.emplace(name, fs::absolute(entry.path()));
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat("model '", name, "' is in two repositories: ",
                                                       it->second.string(), " and ",
                                                       entry.path().string()));
      }
    }
  }
  std::string pattern = (fs::temp_directory_path() / "fpgaasd-repositories-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("cannot make a folder for the merged model repositories");
  }
  const fs::path merged(pattern);
  for (const auto& [name, path] : models) {
    std::error_code error;
    fs::create_directory_symlink(path, merged / name, error);
    if (error) {
      fs::remove_all(merged, error);
      return absl::InternalError(absl::StrCat("cannot link ", path.string(), ": ", error.message()));
    }
  }
  return merged;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every Mutex lock for deadlock cycles (~4 % CPU); off here, on in tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Large requests allocate and free buffers of 100 kB-10 MB per call (gRPC's slices, the parsed
  // message, the packed batch). glibc's defaults return them to the kernel at once (heap trim above
  // 128 kB, mmap above 128 kB), so every request page-faults its buffers back in and every free
  // shoots down TLBs on all cores: 1024-sample muon_pt requests ran at 2/3 of the rate. Keep up to
  // 32 MiB per arena. An operator's GLIBC_TUNABLES malloc settings win.
  if (const char* tunables = std::getenv("GLIBC_TUNABLES");
      tunables == nullptr || !absl::StrContains(tunables, "glibc.malloc.")) {
    constexpr int kRetainedBytes = 32 << 20;  // glibc's largest mmap threshold
    mallopt(M_MMAP_THRESHOLD, kRetainedBytes);
    mallopt(M_TRIM_THRESHOLD, kRetainedBytes);
  }
  absl::SetProgramUsageMessage("fpgaasd --model-repository=<dir> [--device=emu] [flags]");
  // tritonserver's flags (orchestration written for Triton passes them) are translated first.
  fpgaas::TranslatedFlags translated =
      fpgaas::TranslateTritonFlags(NormalizeFlagNames(argc, argv));
  std::vector<char*> normalized_argv;
  for (std::string& arg : translated.args) normalized_argv.push_back(arg.data());
  normalized_argv.push_back(nullptr);
  argc = static_cast<int>(translated.args.size());
  argv = normalized_argv.data();
  absl::ParseCommandLine(argc, argv);

  // Logs go to stderr; stdout carries only the "listening" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("fpgaasd"));
  spdlog::level::level_enum level = spdlog::level::from_str(absl::GetFlag(FLAGS_log_level));
  if (level == spdlog::level::off && absl::GetFlag(FLAGS_log_level) != "off") {
    return Fail(absl::StrCat("--log-level: unknown level '", absl::GetFlag(FLAGS_log_level), "'"));
  }
  spdlog::set_level(level);
  for (const std::string& warning : translated.warnings) spdlog::warn("{}", warning);
  if (absl::GetFlag(FLAGS_model_repository).empty()) {
    return Fail("--model-repository is required");
  }
  std::filesystem::path repository_root = absl::GetFlag(FLAGS_model_repository);
  std::filesystem::path merged_repositories;  // removed at exit
  if (translated.model_repositories.size() > 1) {
    absl::StatusOr<std::filesystem::path> merged =
        MergeRepositories(translated.model_repositories);
    if (!merged.ok()) return Fail(absl::StrCat("--model-repository: ", merged.status().message()));
    merged_repositories = repository_root = *merged;
    spdlog::info("serving {} model repositories ({}) through {}",
                 translated.model_repositories.size(),
                 absl::StrJoin(translated.model_repositories, ", "), repository_root.string());
  }
  absl::StatusOr<fpgaas::ModelControlMode> control_mode =
      fpgaas::ParseModelControlMode(absl::GetFlag(FLAGS_model_control_mode));
  if (!control_mode.ok()) return Fail(std::string(control_mode.status().message()));

  // Signals are taken by one thread (sigwait); block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client closing its HTTP connection before the reply is written must not end the process.
  signal(SIGPIPE, SIG_IGN);

  spdlog::info("fpgaasd {} starting", FPGAAS_VERSION);
  // Every client connection is a descriptor: the soft limit (often 1024) is raised to the hard
  // one so that a crowd of clients does not run accept() into EMFILE.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    const rlim_t soft = files.rlim_cur;
    files.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &files) == 0) {
      spdlog::info("open file limit raised from {} to {}", soft, files.rlim_max);
    }
  }
  // Both ports' connections together stay under the open file limit, with room left for model
  // files, devices, /metrics' connections (--metrics-max-connections) and gRPC's own descriptors:
  // accept() then never meets EMFILE through clients alone (and recovers if something else
  // exhausts the descriptors).
  int max_connections = absl::GetFlag(FLAGS_max_connections);
  if (max_connections < 0) return Fail("--max-connections must be >= 0 (0 = no limit)");
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    constexpr rlim_t kReserved = 256;
    const rlim_t fit = files.rlim_cur > 2 * kReserved ? (files.rlim_cur - kReserved) / 2 : 1;
    if (max_connections == 0 || static_cast<rlim_t>(max_connections) > fit) {
      spdlog::warn("--max-connections={} lowered to {} per port (open file limit {})",
                   max_connections, fit, files.rlim_cur);
      max_connections = static_cast<int>(fit);
    }
  }
  fpgaas::RealClock clock;
  std::unique_ptr<fpgaas::MetricsRegistry> metrics = fpgaas::MetricsRegistry::Create();

  fpgaas::DeviceManagerOptions device_options;
  device_options.devices = absl::GetFlag(FLAGS_device);
  device_options.clock = &clock;
  if (absl::GetFlag(FLAGS_model_memory_limit_bytes) < 1 ||
      absl::GetFlag(FLAGS_emulated_memory_bytes) < 1 || absl::GetFlag(FLAGS_max_batch_size_limit) < 1) {
    return Fail("--model-memory-limit-bytes, --emulated-memory-bytes and --max-batch-size-limit "
                "must be >= 1");
  }
  device_options.model_memory_limit_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_model_memory_limit_bytes));
  device_options.emulated_memory_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_emulated_memory_bytes));
  device_options.metrics = metrics.get();
  absl::StatusOr<std::unique_ptr<fpgaas::DeviceManager>> devices =
      fpgaas::DeviceManager::Create(std::move(device_options));
  if (!devices.ok()) return Fail(absl::StrCat("--device: ", devices.status().ToString()));
  spdlog::info("devices: {}", absl::StrJoin((*devices)->device_names(), ", "));

  fpgaas::ModelRepositoryOptions repository_options;
  repository_options.root = repository_root;
  repository_options.control_mode = *control_mode;
  repository_options.startup_models = AllLoadModelValues(argc, argv);
  repository_options.devices = devices->get();
  repository_options.metrics = metrics.get();
  repository_options.clock = &clock;
  repository_options.max_batch_size_limit = absl::GetFlag(FLAGS_max_batch_size_limit);
  absl::StatusOr<std::unique_ptr<fpgaas::ModelRepository>> repository =
      fpgaas::ModelRepository::Create(std::move(repository_options));
  if (!repository.ok()) return Fail(repository.status().ToString());

  // /metrics listens where gRPC does unless told otherwise (a daemon bound to 127.0.0.1 does not
  // publish its metrics on every interface).
  const std::string metrics_host = absl::GetFlag(FLAGS_metrics_address).empty()
                                       ? absl::GetFlag(FLAGS_grpc_address)
                                       : absl::GetFlag(FLAGS_metrics_address);
  fpgaas::MetricsEndpointOptions endpoint_options;
  endpoint_options.address = metrics_host;
  endpoint_options.port = absl::GetFlag(FLAGS_metrics_port);
  endpoint_options.registry = metrics->registry();
  if (absl::GetFlag(FLAGS_metrics_tls)) {
    if (absl::GetFlag(FLAGS_tls_cert).empty() || absl::GetFlag(FLAGS_tls_key).empty()) {
      return Fail("--metrics-tls needs --tls-cert and --tls-key");
    }
    endpoint_options.tls_certificate_chain_file = absl::GetFlag(FLAGS_tls_cert);
    endpoint_options.tls_private_key_file = absl::GetFlag(FLAGS_tls_key);
  }
  endpoint_options.token_file = absl::GetFlag(FLAGS_metrics_token_file);
  endpoint_options.max_connections = absl::GetFlag(FLAGS_metrics_max_connections);
  endpoint_options.metrics = metrics.get();
  absl::StatusOr<std::unique_ptr<fpgaas::MetricsEndpoint>> metrics_endpoint =
      fpgaas::MetricsEndpoint::Create(std::move(endpoint_options));
  if (!metrics_endpoint.ok()) return Fail(metrics_endpoint.status().ToString());
  // One per process, whatever models it serves: count(fpgaas_server_info) is the number of
  // servers (SuperSONIC's dashboard counts servers this way).
  metrics->SetServerInfo(FPGAAS_VERSION);

  // One registry for both ports: a region registered over HTTP serves gRPC requests too.
  fpgaas::frontend::SharedMemoryOptions shm_options;
  shm_options.allow_client_shm = absl::GetFlag(FLAGS_allow_client_shm);
  auto shared_memory = std::make_shared<fpgaas::frontend::SharedMemoryManager>(shm_options);

  fpgaas::GrpcServerOptions server_options;
  server_options.shared_memory = shared_memory;
  server_options.address = absl::GetFlag(FLAGS_grpc_address);
  server_options.port = absl::GetFlag(FLAGS_grpc_port);
  server_options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  server_options.repository = repository->get();
  server_options.devices = devices->get();
  server_options.clock = &clock;
  server_options.server_version = FPGAAS_VERSION;
  server_options.strict_readiness = absl::GetFlag(FLAGS_strict_readiness);
  server_options.drain_grace_period = absl::Seconds(absl::GetFlag(FLAGS_drain_grace_seconds));
  server_options.tls.certificate_chain_file = absl::GetFlag(FLAGS_tls_cert);
  server_options.tls.private_key_file = absl::GetFlag(FLAGS_tls_key);
  server_options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  server_options.tls.require_client_certificate = absl::GetFlag(FLAGS_tls_require_client_cert);
  server_options.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
  server_options.auth_config_file = absl::GetFlag(FLAGS_auth_config);
  server_options.model_load_threads = absl::GetFlag(FLAGS_model_load_thread_count);
  if (absl::GetFlag(FLAGS_grpc_memory_quota_bytes) < 0) {
    return Fail("--grpc-memory-quota-bytes must be >= 0");
  }
  server_options.memory_quota_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_grpc_memory_quota_bytes));
  server_options.max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  server_options.max_concurrent_streams_per_connection =
      absl::GetFlag(FLAGS_grpc_max_streams_per_connection);
  server_options.accept_compressed_requests = absl::GetFlag(FLAGS_grpc_accept_compression);
  server_options.max_connections = max_connections;
  server_options.metrics = metrics.get();
  server_options.stream_max_pending_responses = absl::GetFlag(FLAGS_grpc_stream_max_pending);
  server_options.stream_max_pending_bytes = absl::GetFlag(FLAGS_grpc_stream_max_pending_bytes);
  server_options.stream_write_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_grpc_stream_write_timeout_seconds));
  absl::StatusOr<std::unique_ptr<fpgaas::GrpcServer>> server =
      fpgaas::GrpcServer::Create(std::move(server_options));
  if (!server.ok()) return Fail(server.status().ToString());
  if (absl::Status started = (*server)->Start(); !started.ok()) return Fail(started.ToString());

  std::unique_ptr<fpgaas::HttpServer> http;
  const bool http_port_given =
      std::any_of(translated.args.begin(), translated.args.end(),
                  [](const std::string& a) { return absl::StartsWith(a, "--http_port"); });
  if (absl::GetFlag(FLAGS_http_port) >= 0) {
    fpgaas::HttpServerOptions http_options;
    http_options.address = absl::GetFlag(FLAGS_http_address);
    http_options.port = absl::GetFlag(FLAGS_http_port);
    http_options.threads = absl::GetFlag(FLAGS_http_threads);
    http_options.max_body_bytes = absl::GetFlag(FLAGS_max_message_bytes);
    http_options.max_connections = max_connections;
    http_options.metrics = metrics.get();
    http_options.repository = repository->get();
    http_options.devices = devices->get();
    http_options.clock = &clock;
    http_options.server_version = FPGAAS_VERSION;
    http_options.strict_readiness = absl::GetFlag(FLAGS_strict_readiness);
    http_options.drain_grace_period = absl::Seconds(absl::GetFlag(FLAGS_drain_grace_seconds));
    http_options.tls.certificate_chain_file = absl::GetFlag(FLAGS_tls_cert);
    http_options.tls.private_key_file = absl::GetFlag(FLAGS_tls_key);
    http_options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
    http_options.tls.require_client_certificate = absl::GetFlag(FLAGS_tls_require_client_cert);
    http_options.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
    http_options.shared_memory = shared_memory;
    http_options.auth_config_file = absl::GetFlag(FLAGS_auth_config);
    http_options.model_load_threads = absl::GetFlag(FLAGS_model_load_thread_count);
    absl::StatusOr<std::unique_ptr<fpgaas::HttpServer>> created =
        fpgaas::HttpServer::Create(std::move(http_options));
    if (!created.ok()) return Fail(absl::StrCat("--http-port: ", created.status().ToString()));
    if (absl::Status started = (*created)->Start(); started.ok()) {
      http = *std::move(created);
    } else if (http_port_given) {
      return Fail(absl::StrCat("--http-port: ", started.ToString()));
    } else {
      // The default port taken (e.g. by a Triton on the same host): gRPC still serves.
      spdlog::error("HTTP/REST off: {} (give --http-port to choose a port, -1 to turn it off)",
                    started.ToString());
    }
  }

  if ((*server)->token_required() && !(*server)->tls()) {
    spdlog::warn(
        "--auth-token-file/--auth-config without TLS: bearer tokens cross the network in clear text (use "
        "--tls-cert/--tls-key, or TLS termination in front of fpgaasd)");
  }
  const char* tls = (*server)->mutual_tls() ? "mutual TLS" : (*server)->tls() ? "TLS" : "plaintext";
  std::printf(
      "fpgaasd listening: gRPC on %s, metrics on %s://%s:%d/metrics (gRPC: %s, bearer "
      "token %s; metrics: %s%s), HTTP/REST on %s\n",
      (*server)->listening_address().c_str(), (*metrics_endpoint)->tls() ? "https" : "http",
      metrics_host.c_str(), (*metrics_endpoint)->port(), tls,
      (*server)->token_required() ? "required" : "not required",
      (*metrics_endpoint)->tls() ? "TLS" : "plain HTTP",
      (*metrics_endpoint)->token_required() ? ", token" : "",
      http != nullptr ? http->listening_address().c_str() : "off");
  std::fflush(stdout);
  spdlog::info("serving; ready: {}", (*server)->ready() ? "yes" : "no");

  std::thread signal_thread([&signals, server = server->get(), http = http.get()] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}; draining", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    // Both drain at once: HTTP's readiness turns false while gRPC drains.
    std::thread http_drain([http] {
      if (http != nullptr) http->Shutdown();
    });
    server->Shutdown();
    http_drain.join();
  });
  (*server)->Wait();
  signal_thread.join();

  // Reverse order of creation: the server is stopped, then schedulers, devices, metrics.
  server->reset();
  http.reset();
  metrics_endpoint->reset();
  repository->reset();
  devices->reset();
  if (!merged_repositories.empty()) {
    std::error_code error;
    std::filesystem::remove_all(merged_repositories, error);  // the links, not what they point to
  }
  spdlog::info("fpgaasd stopped");
  return 0;
}
