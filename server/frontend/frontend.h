// Frontend: fpgaasd's gRPC server. Serves the KServe v2 protocol (inference.GRPCInferenceService,
// wire-compatible with Triton), grpc.health.v1 Health (overall "" and
// "inference.GRPCInferenceService", SERVING while the server is ready) and server reflection.
//
// Every handler uses gRPC's callback API and never blocks a gRPC thread: ModelInfer decodes and
// validates the request, hands an InferenceRequest to the model's scheduler, and the scheduler's
// `done` callback writes the response and finishes the RPC. ModelStreamInfer keeps many requests
// of one stream in flight and writes their responses in completion order (errors travel as
// error_message; the stream stays open). Repository loads/unloads run on a frontend worker thread.
//
// Security (optional): TLS or mutual TLS on the gRPC port (GrpcServerTlsOptions), and a bearer
// token that every KServe RPC must carry as "authorization: Bearer <token>" metadata (others get
// UNAUTHENTICATED before any model work), or an --auth-config of clients with roles and per-model
// allow lists (PERMISSION_DENIED) and registration quotas (RESOURCE_EXHAUSTED). Health and
// reflection need no token. The Prometheus
// /metrics endpoint is not served here: it stays plain HTTP whatever these say.
//
// Ownership: the GrpcServer borrows the repository, device manager, metrics registry and clock
// (all must outlive it). Thread-safety: Start, Wait and Shutdown may be called from any thread;
// Shutdown is idempotent and may run concurrently with Wait (that is how main's signal handling
// uses it).
#ifndef FPGAAS_SERVER_FRONTEND_FRONTEND_H_
#define FPGAAS_SERVER_FRONTEND_FRONTEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/util/clock.h"

namespace fpgaas {

class ModelRepository;  // server/repository/repository.h
class DeviceManager;    // server/device/device_manager.h
class MetricsRegistry;  // server/metrics/metrics.h
namespace frontend {
class SharedMemoryManager;  // server/frontend/shared_memory.h
}

// PEM files; all empty = plaintext (insecure) gRPC.
struct GrpcServerTlsOptions {
  std::string certificate_chain_file;  // server certificate (then intermediates); with key: TLS on
  std::string private_key_file;        // its private key (unencrypted PEM)
  // CA bundle that client certificates are verified against. Without require_client_certificate
  // a client may still connect without one (a certificate it does present must verify).
  std::string client_ca_file;
  bool require_client_certificate = false;  // mutual TLS; needs client_ca_file

  bool enabled() const { return !certificate_chain_file.empty() || !private_key_file.empty(); }
};

struct GrpcServerOptions {
  std::string address = "0.0.0.0";        // interface to listen on
  int port = 8001;                        // 0 = pick a free port (see GrpcServer::port())
  int max_message_bytes = 64 << 20;       // largest request or response message; a bigger
                                          // request gets RESOURCE_EXHAUSTED from gRPC
  ModelRepository* repository = nullptr;  // not owned; required
  DeviceManager* devices = nullptr;       // not owned; required (readiness)
  Clock* clock = nullptr;                 // not owned; required (request deadlines)
  // Not owned; optional: fpgaas_connections_refused_total{port="grpc"} and
  // fpgaas_stalled_streams_cancelled_total.
  MetricsRegistry* metrics = nullptr;
  std::string server_name = "fpgaas";     // ServerMetadata
  std::string server_version = "0.1.0";   // ServerMetadata
  // ServerReady (and health) also require every model version in the repository to be READY, not
  // only the loaded ones (a model that failed to load makes the server unready).
  bool strict_readiness = false;
  // Repository loads/unloads at once (different models; one model's run in order).
  int model_load_threads = 4;
  // Health status is recomputed this often (and right after loads/unloads).
  absl::Duration health_refresh_interval = absl::Seconds(1);
  // Shutdown(): in-flight RPCs get this long to finish before gRPC cancels them.
  absl::Duration drain_grace_period = absl::Seconds(10);
  GrpcServerTlsOptions tls;
  // File holding the bearer token (surrounding whitespace ignored); empty = no authentication.
  std::string auth_token_file;
  // --auth-config: clients with roles, per-model allow lists and registration quotas
  // (proto/auth_config.proto, docs/deployment.md); the token file above, when also given, adds one
  // REPOSITORY_ADMIN client named "token". Empty = the token file alone decides.
  std::string auth_config_file;
  // gRPC resource limits against clients that flood or do not read. memory_quota_bytes bounds
  // what gRPC buffers for all connections (a grpc::ResourceQuota; 0 = gRPC's default, no bound),
  // max_threads its threads (0 = gRPC's default). HTTP/2 streams one connection may have open at
  // once (SETTINGS_MAX_CONCURRENT_STREAMS).
  // Client connections open at once; the newest over it is closed at accept (its client sees
  // UNAVAILABLE). 0 = no limit. fpgaasd accepts the port itself (not gRPC), so an accept that runs
  // out of descriptors (EMFILE) refuses that one connection and accepting goes on.
  int max_connections = 10000;
  size_t memory_quota_bytes = 0;
  int max_threads = 0;
  int max_concurrent_streams_per_connection = 100;
  // A ModelStreamInfer client that does not read its answers: while a stream holds this many
  // requests read but not yet written (in flight or answered), or this many bytes of answers, it
  // reads no further message (HTTP/2 flow control then stops the client's sends); a stream whose
  // answer has waited this long to be written is cancelled (the client gets CANCELLED). Unary
  // answers are bounded by max_concurrent_streams_per_connection x max_message_bytes per
  // connection, and by max_connections.
  int stream_max_pending_responses = 64;
  int64_t stream_max_pending_bytes = int64_t{64} << 20;
  absl::Duration stream_write_timeout = absl::Seconds(30);
  // gzip/deflate request messages. gRPC 1.51 inflates a compressed message whole before
  // comparing it with max_message_bytes (a 200 KB gzip of zeros costs 200 MB); off, such a
  // request is refused (UNIMPLEMENTED: compression algorithm disabled) before it is inflated.
  bool accept_compressed_requests = false;
  // System shared-memory regions (Triton's extension), shared with the HTTP server so that a region
  // registered over one protocol serves requests over the other. Null: this server keeps its own,
  // with client shared memory disabled.
  std::shared_ptr<frontend::SharedMemoryManager> shared_memory;
};

class GrpcServer {
 public:
  // Validates the options and reads the TLS and token files (no socket is opened yet). A file that
  // cannot be read is NOT_FOUND; one that is empty, not PEM, or a key that does not match the
  // certificate is INVALID_ARGUMENT; the message names the option and the file.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Create(GrpcServerOptions options);
  virtual ~GrpcServer() = default;  // shuts down (with the grace period) if still running

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound or gRPC refuses the
  // TLS credentials. Once only.
  virtual absl::Status Start() = 0;
  // The bound port (the picked one when Options::port was 0); 0 before Start.
  virtual int port() const = 0;
  // "address:port" as bound, e.g. "0.0.0.0:8001".
  virtual std::string listening_address() const = 0;
  // Blocks until Shutdown has finished.
  virtual void Wait() = 0;
  // Drain: health turns NOT_SERVING and ServerReady false, no new RPCs are accepted, in-flight
  // ones finish (up to the grace period, then they are cancelled), then the server stops.
  // Blocks until done. The repository's schedulers keep running; main shuts them down afterwards.
  virtual void Shutdown() = 0;
  // After Shutdown: true when every in-flight KServe RPC finished within the grace period, false
  // when the drain had to cancel some (or Shutdown has not finished).
  virtual bool drained() const = 0;
  // Readiness as ServerReady reports it (devices in service, models ready, not draining).
  virtual bool ready() const = 0;
  // Whether the gRPC port speaks TLS / requires client certificates / requires a bearer token.
  virtual bool tls() const = 0;
  virtual bool mutual_tls() const = 0;
  virtual bool token_required() const = 0;
  // Connections closed at accept so far (over max_connections, or no descriptor left).
  virtual int64_t refused_connections() const = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_FRONTEND_FRONTEND_H_
