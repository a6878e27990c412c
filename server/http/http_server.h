// HttpServer: fpgaasd's KServe v2 HTTP/REST endpoint (the protocol of tritonclient.http, curl,
// perf_analyzer's default and Kubernetes httpGet probes), next to the gRPC one (frontend.h).
//
// Endpoints: GET /v2/health/live, /v2/health/ready (200, or 400 when not ready: Triton's answer;
// they need no token, like gRPC's Health service, because probes carry none), GET /v2 (server
// metadata), GET /v2/models/{m}[/versions/{v}] (metadata), .../ready (200/400), .../config,
// .../stats and GET /v2/models/stats, POST .../infer (JSON tensors and Triton's binary-tensor
// extension: Inference-Header-Content-Length, binary_data_size, binary_data), POST
// /v2/repository/index, POST /v2/repository/models/{m}/load and .../unload, Triton's
// /v2/systemsharedmemory[/region/{r}]/{status,register,unregister} (and the CUDA ones, as a server
// without GPUs). A client that closes its connection while its inference is pending cancels it
// (as a gRPC cancel does).
// Requests are decoded into the gRPC service's protobuf messages and served by the same KServe
// core (server/frontend/kserve_core.h): same validation, same answers, same authorization (a
// bearer token or --auth-config's clients, roles and model lists; 403 when a client may not).
// Errors are {"error": "<message>"} with the status mapped as Triton does (400 bad request, 404
// unknown model, 503 unavailable, 501 unimplemented, 500 internal; and 401 unauthenticated,
// 403 permission denied, 429 resource exhausted, 504 deadline exceeded); the header
// "grpc-status" carries the canonical code number as the gRPC service would answer it.
//
// libevent's evhttp serves on a fixed pool of event-loop threads that share the listening socket;
// keep-alive connections cost no thread, an inference in flight holds none (the scheduler's
// completion is handed back to the connection's loop). TLS (and mutual TLS) through OpenSSL from
// the same PEM files as the gRPC port. Writing to a closed connection must not kill the process:
// main ignores SIGPIPE.
//
// Ownership: borrows repository, devices and clock (must outlive it). Thread-safety: Start and
// Shutdown from any thread; Shutdown is idempotent.
#ifndef FPGAAS_SERVER_HTTP_HTTP_SERVER_H_
#define FPGAAS_SERVER_HTTP_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/frontend/frontend.h"
#include "server/util/clock.h"

namespace fpgaas {

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 8000;                        // 0 = pick a free port (see port())
  int threads = 2;                        // event-loop threads (the bounded worker pool)
  int64_t max_body_bytes = 64 << 20;      // a bigger request body gets 413
  absl::Duration idle_timeout = absl::Seconds(60);  // keep-alive connections idle this long close
  // Client connections open at once; a newer one is closed as soon as it is accepted (the client
  // sees the connection closed without an answer). 0 = no limit. A connection accept() has no
  // descriptor for (EMFILE) is closed at once too, and accepting goes on.
  int max_connections = 10000;
  ModelRepository* repository = nullptr;  // not owned; required
  DeviceManager* devices = nullptr;       // not owned; required
  Clock* clock = nullptr;                 // not owned; required
  // Not owned; optional: fpgaas_connections_refused_total{port="http"}.
  MetricsRegistry* metrics = nullptr;
  std::string server_name = "fpgaas";
  std::string server_version = "0.1.0";
  bool strict_readiness = false;          // as GrpcServerOptions::strict_readiness
  int model_load_threads = 4;             // as GrpcServerOptions::model_load_threads
  absl::Duration drain_grace_period = absl::Seconds(10);
  GrpcServerTlsOptions tls;               // same files and meaning as the gRPC port's
  std::string auth_token_file;            // empty = no authentication
  // As GrpcServerOptions::auth_config_file; a client certificate's identity is what gRPC reports
  // for it (its subject alternative names, else its common name), so `identity` clients are the
  // same on both ports.
  std::string auth_config_file;
  // As GrpcServerOptions::shared_memory (pass the gRPC server's to share regions between them).
  std::shared_ptr<frontend::SharedMemoryManager> shared_memory;
};

class HttpServer {
 public:
  // Validates options and reads the TLS and token files; errors as GrpcServer::Create's.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(HttpServerOptions options);
  virtual ~HttpServer() = default;  // shuts down if still running

  // Binds and starts the loops. UNAVAILABLE when the address cannot be bound. Once only.
  virtual absl::Status Start() = 0;
  virtual int port() const = 0;  // the bound port; 0 before Start
  virtual std::string listening_address() const = 0;  // "address:port"
  // Readiness turns false, in-flight requests get the grace period to be answered, then the
  // loops stop and every connection closes. Blocks until done.
  virtual void Shutdown() = 0;
  virtual bool ready() const = 0;
  virtual bool tls() const = 0;
  // Connections closed at accept so far (over max_connections, or out of descriptors: the
  // pending connection is accepted with a reserve descriptor and closed).
  virtual int64_t refused_connections() const = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_HTTP_HTTP_SERVER_H_
