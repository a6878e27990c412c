// Metrics: every Prometheus family fpgaasd exports is defined here, in one place, and the same
// numbers feed KServe's ModelStatistics. Nothing is global: main() creates one MetricsRegistry and
// passes ModelMetrics* to each model version's scheduler and to the frontend, and itself
// (MetricsRegistry*) to the devices.
//
// Families (labels model, version; fpgaas_* durations in seconds, Prometheus' base unit):
//   fpgaas_request_total{outcome="success|failure", reason=FailureReasonLabel}, fpgaas_inference_total,
//   fpgaas_execution_total, fpgaas_request_duration_seconds, fpgaas_queue_duration_seconds,
//   fpgaas_input_transfer_duration_seconds, fpgaas_compute_duration_seconds,
//   fpgaas_output_transfer_duration_seconds (histograms), fpgaas_batch_size (histogram, samples),
//   fpgaas_queue_depth (gauge), and Triton's names that SuperSONIC reads:
//   nv_inference_request_success, nv_inference_request_failure{reason=REJECTED|CANCELED|BACKEND|OTHER},
//   nv_inference_count,
//   nv_inference_exec_count, nv_inference_request_duration_us, nv_inference_queue_duration_us,
//   nv_inference_compute_input_duration_us, nv_inference_compute_infer_duration_us,
//   nv_inference_compute_output_duration_us (counters of µs), nv_inference_pending_request_count
//   (gauge).
// Per XRT card (label device="xrt:N"): fpgaas_xrt_xclbin_loads_total, fpgaas_xrt_resets_total,
//   fpgaas_xrt_xclbin_swaps_total, fpgaas_xrt_out_of_service_total (counters), fpgaas_xrt_in_service
//   (gauge); per compute unit (labels device, compute_unit): fpgaas_xrt_runs_total,
//   fpgaas_xrt_busy_seconds_total, fpgaas_xrt_bytes_to_device_total,
//   fpgaas_xrt_bytes_from_device_total, fpgaas_xrt_watchdog_trips_total (counters),
//   fpgaas_xrt_compute_unit_retired (gauge).
// Per listening port (label port="grpc|http|metrics"): fpgaas_connections_refused_total{port,
//   reason="limit|out_of_descriptors"} (counter): connections closed as soon as they were accepted,
//   because the port had --max-connections open, or because the process had no descriptor left
//   (EMFILE/ENFILE; the port's reserve descriptor made room to refuse it).
// Per process: fpgaas_stalled_streams_cancelled_total (counter): ModelStreamInfer streams cancelled
//   because their client did not read an answer for --grpc-stream-write-timeout-seconds.
// Per process: fpgaas_server_info{version} = 1 (count() of it = number of servers).
// Thread-safe: all Record*/Set* calls may come from any thread concurrently.
#ifndef FPGAAS_SERVER_METRICS_METRICS_H_
#define FPGAAS_SERVER_METRICS_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace fpgaas {

// Why a request failed. Triton's nv_inference_request_failure reasons (REJECTED, CANCELED, BACKEND,
// OTHER; TritonFailureReason) are coarser than ours (FailureReasonLabel, fpgaas_request_total).
enum class FailureReason {
  kInvalidArgument,    // the request does not fit the model (shape, datatype, priority): OTHER
  kQueueFull,          // the model's queue is full: REJECTED
  kTimeout,            // its queue deadline passed before it ran: REJECTED
  kCancelled,          // the client cancelled it: CANCELED
  kShutdown,           // the model version is being unloaded or the server stops: REJECTED
  kDeviceError,        // the device failed the batch it ran in: BACKEND
  kResourceExhausted,  // a server limit (message size, ...): REJECTED
  kUnavailable,        // the model is not ready: REJECTED
  kNotFound,           // no such model or version: OTHER
  kOther,
};
// fpgaas_request_total's reason label: "invalid_argument", "queue_full", "timeout", ...
std::string_view FailureReasonLabel(FailureReason reason);
// nv_inference_request_failure's reason label, as Triton's: "REJECTED", "CANCELED", "BACKEND",
// "OTHER".
std::string_view TritonFailureReason(FailureReason reason);

struct DurationStat {
  uint64_t count = 0;
  uint64_t ns = 0;
};

// KServe ModelStatistics for one model version.
struct ModelStatisticsSnapshot {
  uint64_t last_inference_ms = 0;  // ms since epoch of the last completed request
  uint64_t inference_count = 0;    // samples that succeeded
  uint64_t execution_count = 0;    // device calls
  DurationStat success, fail, queue, compute_input, compute_infer, compute_output;
  // Per batch size (samples per device call): executions and their stage times.
  struct BatchStat {
    DurationStat compute_input, compute_infer, compute_output;
  };
  std::map<int, BatchStat> batch_stats;
};

class ModelMetrics {
 public:
  virtual ~ModelMetrics() = default;
  // One request finished OK. `samples` = its batch size; times are that request's, `request` from
  // its arrival at the server. Only successes feed the request-duration histogram and
  // nv_inference_request_duration_us (as in Triton), and ModelStatistics success.
  virtual void RecordSuccess(int samples, absl::Duration request, absl::Duration queue,
                             absl::Duration input, absl::Duration compute, absl::Duration output,
                             absl::Time now) = 0;
  // One request failed. `request` = from its arrival at the server to the failure; it goes to
  // ModelStatistics fail (count and ns) only.
  virtual void RecordFailure(FailureReason reason, absl::Duration request) = 0;
  // One device call of `batch_size` samples.
  virtual void RecordExecution(int batch_size, absl::Duration input, absl::Duration compute,
                               absl::Duration output) = 0;
  virtual void SetQueueDepth(int64_t depth) = 0;
  virtual ModelStatisticsSnapshot Snapshot() const = 0;
};

// One XRT card's metrics (label device).
class XrtCardMetrics {
 public:
  virtual ~XrtCardMetrics() = default;
  virtual void RecordXclbinLoad() = 0;  // any download: first load, swap or reset
  virtual void RecordReset() = 0;       // re-programmed after a watchdog trip
  virtual void RecordSwap() = 0;        // xclbin replaced by another model's
  virtual void RecordOutOfService() = 0;  // counts it; the in-service gauge is set separately
  virtual void SetInService(bool in_service) = 0;
};

// One compute unit's metrics on one XRT card (labels device, compute_unit).
class XrtComputeUnitMetrics {
 public:
  virtual ~XrtComputeUnitMetrics() = default;
  // One completed kernel run: its busy time and the bytes synced each way.
  virtual void RecordRun(absl::Duration busy, uint64_t bytes_to_device,
                         uint64_t bytes_from_device) = 0;
  virtual void RecordWatchdogTrip() = 0;
  virtual void SetRetired(bool retired) = 0;
};

// One listening port's connection metrics (label port).
class PortMetrics {
 public:
  virtual ~PortMetrics() = default;
  // A connection closed at accept: over the port's limit, or out of descriptors.
  virtual void RecordRefusedConnection(bool out_of_descriptors) = 0;
};

class MetricsRegistry {
 public:
  static std::unique_ptr<MetricsRegistry> Create();
  virtual ~MetricsRegistry() = default;
  // The registry to expose (MetricsEndpoint, metrics_endpoint.h).
  virtual std::shared_ptr<prometheus::Registry> registry() = 0;
  // Metrics of one model version; stays valid for the registry's lifetime. Calling it again with
  // the same name and version returns the same object (a reloaded model keeps its counters).
  virtual ModelMetrics* ForModel(std::string_view model, int64_t version) = 0;
  // Metrics of one XRT card ("xrt:N") and of one of its compute units ("myproject_1"); same
  // lifetime and same-object rule as ForModel.
  virtual XrtCardMetrics* ForXrtCard(std::string_view device) = 0;
  virtual XrtComputeUnitMetrics* ForXrtComputeUnit(std::string_view device,
                                                   std::string_view compute_unit) = 0;
  // Metrics of one listening port ("grpc", "http", "metrics"); same lifetime and same-object rule
  // as ForModel. Both reasons are exported (at 0) from the first call on.
  virtual PortMetrics* ForPort(std::string_view port) = 0;
  // One ModelStreamInfer stream cancelled because its client stopped reading its answers.
  virtual void RecordStalledStreamCancelled() = 0;
  // Sets fpgaas_server_info{version} to 1.
  virtual void SetServerInfo(std::string_view version) = 0;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_METRICS_METRICS_H_
