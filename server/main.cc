// fpgaasd: the FPGA-as-a-Service inference daemon. Wiring only: flags -> devices -> metrics ->
// repository -> gRPC server and /metrics; SIGINT/SIGTERM drain the server and exit 0.
#include <arpa/inet.h>
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
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

#ifndef FPGAAS_VERSION
#define FPGAAS_VERSION "0.0.0"
#endif

ABSL_FLAG(std::string, grpc_address, "0.0.0.0", "Interface the gRPC server listens on.");
ABSL_FLAG(int, grpc_port, 8001, "gRPC (KServe v2) port; 0 picks a free one.");
ABSL_FLAG(int, metrics_port, 8002, "Prometheus /metrics HTTP port; 0 picks a free one.");
ABSL_FLAG(std::string, metrics_address, "",
          "Interface /metrics listens on (IPv4); empty = the same as --grpc-address.");
ABSL_FLAG(int64_t, grpc_memory_quota_bytes, int64_t{2} << 30,
          "Memory gRPC may use to buffer all connections' data (a gRPC ResourceQuota); 0 = no "
          "bound.");
ABSL_FLAG(int, grpc_max_threads, 0, "Threads gRPC may use (ResourceQuota); 0 = gRPC's default.");
ABSL_FLAG(int, grpc_max_streams_per_connection, 100,
          "HTTP/2 streams (concurrent RPCs) one client connection may have open at once.");
ABSL_FLAG(bool, grpc_accept_compression, false,
          "Accept gzip/deflate-compressed requests. gRPC inflates such a message whole before "
          "checking --max-message-bytes, so a small compressed request can cost the full size in "
          "memory; off, compressed requests get UNIMPLEMENTED.");
ABSL_FLAG(std::string, model_repository, "", "Model repository folder (Triton layout).");
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
          "PEM certificate chain of the gRPC server; with --tls-key turns TLS on (the /metrics "
          "endpoint stays plain HTTP).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls-cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle that client certificates are verified against (with --tls-cert).");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "Mutual TLS: refuse clients without a certificate signed by --tls-client-ca.");
ABSL_FLAG(std::string, auth_token_file, "",
          "File holding a bearer token that every KServe RPC must send as 'authorization: Bearer "
          "<token>' metadata (health and reflection stay open).");

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

// prometheus::Exposer runs civetweb, whose listening thread looks at its stop flag only between
// polls of the listening socket that last 2 s when nothing connects: destroying an idle Exposer
// took up to 2 s. Connecting to the port ends the poll, so knock until the Exposer is gone.
void StopMetricsExposer(std::unique_ptr<prometheus::Exposer> exposer, const std::string& host) {
  const std::vector<int> ports = exposer->GetListeningPorts();
  in_addr knock_address{};
  if (host == "0.0.0.0" || inet_pton(AF_INET, host.c_str(), &knock_address) != 1) {
    knock_address.s_addr = htonl(INADDR_LOOPBACK);
  }
  std::atomic<bool> stopped{false};
  std::thread knocker([&stopped, ports, knock_address] {
    while (!stopped.load()) {
      for (int port : ports) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) continue;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr = knock_address;
        connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        close(fd);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
  });
  exposer.reset();
  stopped.store(true);
  knocker.join();
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

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every Mutex lock for deadlock cycles (~4 % CPU); off here, on in tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage("fpgaasd --model-repository=<dir> [--device=emu] [flags]");
  std::vector<std::string> normalized = NormalizeFlagNames(argc, argv);
  std::vector<char*> normalized_argv;
  for (std::string& arg : normalized) normalized_argv.push_back(arg.data());
  normalized_argv.push_back(nullptr);
  argv = normalized_argv.data();
  absl::ParseCommandLine(argc, argv);

  // Logs go to stderr; stdout carries only the "listening" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("fpgaasd"));
  spdlog::level::level_enum level = spdlog::level::from_str(absl::GetFlag(FLAGS_log_level));
  if (level == spdlog::level::off && absl::GetFlag(FLAGS_log_level) != "off") {
    return Fail(absl::StrCat("--log-level: unknown level '", absl::GetFlag(FLAGS_log_level), "'"));
  }
  spdlog::set_level(level);
  if (absl::GetFlag(FLAGS_model_repository).empty()) {
    return Fail("--model-repository is required");
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
  device_options.metrics = metrics->registry();
  absl::StatusOr<std::unique_ptr<fpgaas::DeviceManager>> devices =
      fpgaas::DeviceManager::Create(std::move(device_options));
  if (!devices.ok()) return Fail(absl::StrCat("--device: ", devices.status().ToString()));
  spdlog::info("devices: {}", absl::StrJoin((*devices)->device_names(), ", "));

  fpgaas::ModelRepositoryOptions repository_options;
  repository_options.root = absl::GetFlag(FLAGS_model_repository);
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
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(
        absl::StrCat(metrics_host, ":", absl::GetFlag(FLAGS_metrics_port)));
  } catch (const std::exception& e) {
    return Fail(absl::StrCat("cannot serve metrics on ", metrics_host, ":",
                             absl::GetFlag(FLAGS_metrics_port), ": ", e.what()));
  }
  exposer->RegisterCollectable(metrics->registry());

  fpgaas::GrpcServerOptions server_options;
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
  if (absl::GetFlag(FLAGS_grpc_memory_quota_bytes) < 0) {
    return Fail("--grpc-memory-quota-bytes must be >= 0");
  }
  server_options.memory_quota_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_grpc_memory_quota_bytes));
  server_options.max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  server_options.max_concurrent_streams_per_connection =
      absl::GetFlag(FLAGS_grpc_max_streams_per_connection);
  server_options.accept_compressed_requests = absl::GetFlag(FLAGS_grpc_accept_compression);
  absl::StatusOr<std::unique_ptr<fpgaas::GrpcServer>> server =
      fpgaas::GrpcServer::Create(std::move(server_options));
  if (!server.ok()) return Fail(server.status().ToString());
  if (absl::Status started = (*server)->Start(); !started.ok()) return Fail(started.ToString());

  if ((*server)->token_required() && !(*server)->tls()) {
    spdlog::warn(
        "--auth-token-file without TLS: the bearer token crosses the network in clear text (use "
        "--tls-cert/--tls-key, or TLS termination in front of fpgaasd)");
  }
  const std::vector<int> metrics_ports = exposer->GetListeningPorts();
  const char* tls = (*server)->mutual_tls() ? "mutual TLS" : (*server)->tls() ? "TLS" : "plaintext";
  std::printf(
      "fpgaasd listening: gRPC on %s, metrics on http://%s:%d/metrics (gRPC: %s, bearer "
      "token %s; metrics: plain HTTP)\n",
      (*server)->listening_address().c_str(), metrics_host.c_str(),
      metrics_ports.empty() ? absl::GetFlag(FLAGS_metrics_port) : metrics_ports.front(), tls,
      (*server)->token_required() ? "required" : "not required");
  std::fflush(stdout);
  spdlog::info("serving; ready: {}", (*server)->ready() ? "yes" : "no");

  std::thread signal_thread([&signals, server = server->get()] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}; draining", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server->Shutdown();
  });
  (*server)->Wait();
  signal_thread.join();

  // Reverse order of creation: the server is stopped, then schedulers, devices, metrics.
  server->reset();
  StopMetricsExposer(std::move(exposer), metrics_host);
  repository->reset();
  devices->reset();
  spdlog::info("fpgaasd stopped");
  return 0;
}
