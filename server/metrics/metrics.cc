// Implementation of metrics.h: prometheus-cpp families plus the exact KServe statistics.
#include "server/metrics/metrics.h"

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace fpgaas {
std::string_view FailureReasonLabel(FailureReason reason) {
  switch (reason) {
    case FailureReason::kInvalidArgument:
      return "invalid_argument";
    case FailureReason::kQueueFull:
      return "queue_full";
    case FailureReason::kTimeout:
      return "timeout";
    case FailureReason::kCancelled:
      return "cancelled";
    case FailureReason::kShutdown:
      return "shutdown";
    case FailureReason::kDeviceError:
      return "device_error";
    case FailureReason::kResourceExhausted:
      return "resource_exhausted";
    case FailureReason::kUnavailable:
      return "unavailable";
    case FailureReason::kNotFound:
      return "not_found";
    case FailureReason::kOther:
      break;
  }
  return "other";
}

std::string_view TritonFailureReason(FailureReason reason) {
  switch (reason) {
    case FailureReason::kQueueFull:
    case FailureReason::kTimeout:
    case FailureReason::kShutdown:
    case FailureReason::kResourceExhausted:
    case FailureReason::kUnavailable:
      return "REJECTED";
    case FailureReason::kCancelled:
      return "CANCELED";
    case FailureReason::kDeviceError:
      return "BACKEND";
    case FailureReason::kInvalidArgument:
    case FailureReason::kNotFound:
    case FailureReason::kOther:
      break;
  }
  return "OTHER";
}

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;

// Duration buckets in seconds (Prometheus' base unit), 1 µs .. 10 s in 1-2-5 steps: a PCIe step is
// tens of µs, a queue wait under load can reach milliseconds, a held batch waits at most the
// 10 s max_queue_delay bound, and anything longer is an outage.
const Histogram::BucketBoundaries& SecondBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3,
      5e-3, 1e-2, 2e-2, 5e-2, 0.1,  0.2,  0.5,  1,    2,    5,    10};
  return *buckets;
}

// Samples per device call: powers of two 1 .. 8192.
const Histogram::BucketBoundaries& BatchSizeBuckets() {
  static const auto* buckets = [] {
    auto* b = new Histogram::BucketBoundaries;
    for (double v = 1; v <= 8192; v *= 2) b->push_back(v);
    return b;
  }();
  return *buckets;
}

// A duration as the metrics take it: whole nanoseconds, converted once (each of a request's
// durations goes to a histogram or counter and to the statistics; absl::ToDoubleSeconds divides
// Durations, tens of instructions a call). Exact to the nanosecond below 2^53 ns (104 days).
struct Nanos {
  explicit Nanos(absl::Duration d) : ns(absl::ToInt64Nanoseconds(d)) {}
  double seconds() const { return static_cast<double>(ns) / 1e9; }
  double micros() const { return static_cast<double>(ns) / 1e3; }  // Triton's nv_*_us
  int64_t ns;
};
void Add(DurationStat& stat, Nanos d) {
  ++stat.count;
  stat.ns += d.ns > 0 ? uint64_t(d.ns) : 0;
}

// Every family, registered once per MetricsRegistry.
struct Families {
  explicit Families(prometheus::Registry& r)
      : request_total(prometheus::BuildCounter()
                          .Name("fpgaas_request_total")
                          .Help("Inference requests finished, by outcome and failure reason")
                          .Register(r)),
        inference_total(prometheus::BuildCounter()
                            .Name("fpgaas_inference_total")
                            .Help("Samples inferred successfully")
                            .Register(r)),
        execution_total(prometheus::BuildCounter()
                            .Name("fpgaas_execution_total")
                            .Help("Device calls (batches executed)")
                            .Register(r)),
        request_duration(prometheus::BuildHistogram()
                             .Name("fpgaas_request_duration_seconds")
                             .Help("Latency of successful requests, from arrival at the server "
                                   "to response, seconds")
                             .Register(r)),
        queue_duration(prometheus::BuildHistogram()
                           .Name("fpgaas_queue_duration_seconds")
                           .Help("Time a request waited in the queue, seconds")
                           .Register(r)),
        input_transfer_duration(prometheus::BuildHistogram()
                                    .Name("fpgaas_input_transfer_duration_seconds")
                                    .Help("Per batch: packing and host-to-device transfer, seconds")
                                    .Register(r)),
        compute_duration(prometheus::BuildHistogram()
                             .Name("fpgaas_compute_duration_seconds")
                             .Help("Per batch: kernel run, seconds")
                             .Register(r)),
        output_transfer_duration(
            prometheus::BuildHistogram()
                .Name("fpgaas_output_transfer_duration_seconds")
                .Help("Per batch: device-to-host transfer and unpacking, seconds")
                .Register(r)),
        batch_size(prometheus::BuildHistogram()
                       .Name("fpgaas_batch_size")
                       .Help("Samples per device call")
                       .Register(r)),
        queue_depth(prometheus::BuildGauge()
                        .Name("fpgaas_queue_depth")
                        .Help("Requests waiting in the queue")
                        .Register(r)),
        nv_request_success(prometheus::BuildCounter()
                               .Name("nv_inference_request_success")
                               .Help("Number of successful inference requests, all batch sizes")
                               .Register(r)),
        nv_request_failure(prometheus::BuildCounter()
                               .Name("nv_inference_request_failure")
                               .Help("Number of failed inference requests, all batch sizes, by "
                                     "reason (REJECTED, CANCELED, BACKEND, OTHER)")
                               .Register(r)),
        nv_inference_count(prometheus::BuildCounter()
                               .Name("nv_inference_count")
                               .Help("Number of inferences performed (samples)")
                               .Register(r)),
        nv_exec_count(prometheus::BuildCounter()
                          .Name("nv_inference_exec_count")
                          .Help("Number of model executions performed (batches)")
                          .Register(r)),
        nv_request_duration(prometheus::BuildCounter()
                                .Name("nv_inference_request_duration_us")
                                .Help("Cumulative inference request duration in microseconds")
                                .Register(r)),
        nv_queue_duration(prometheus::BuildCounter()
                              .Name("nv_inference_queue_duration_us")
                              .Help("Cumulative inference queuing duration in microseconds")
                              .Register(r)),
        nv_compute_input_duration(prometheus::BuildCounter()
                                      .Name("nv_inference_compute_input_duration_us")
                                      .Help("Cumulative compute input duration in microseconds")
                                      .Register(r)),
        nv_compute_infer_duration(prometheus::BuildCounter()
                                      .Name("nv_inference_compute_infer_duration_us")
                                      .Help("Cumulative compute inference duration in microseconds")
                                      .Register(r)),
        nv_compute_output_duration(
            prometheus::BuildCounter()
                .Name("nv_inference_compute_output_duration_us")
                .Help("Cumulative inference compute output duration in microseconds")
                .Register(r)),
        nv_pending_request_count(prometheus::BuildGauge()
                                     .Name("nv_inference_pending_request_count")
                                     .Help("Instantaneous number of pending requests awaiting "
                                           "execution per-model")
                                     .Register(r)) {}

  Family<Counter>& request_total;
  Family<Counter>& inference_total;
  Family<Counter>& execution_total;
  Family<Histogram>& request_duration;
  Family<Histogram>& queue_duration;
  Family<Histogram>& input_transfer_duration;
  Family<Histogram>& compute_duration;
  Family<Histogram>& output_transfer_duration;
  Family<Histogram>& batch_size;
  Family<Gauge>& queue_depth;
  Family<Counter>& nv_request_success;
  Family<Counter>& nv_request_failure;
  Family<Counter>& nv_inference_count;
  Family<Counter>& nv_exec_count;
  Family<Counter>& nv_request_duration;
  Family<Counter>& nv_queue_duration;
  Family<Counter>& nv_compute_input_duration;
  Family<Counter>& nv_compute_infer_duration;
  Family<Counter>& nv_compute_output_duration;
  Family<Gauge>& nv_pending_request_count;
};

class ModelMetricsImpl final : public ModelMetrics {
 public:
  ModelMetricsImpl(Families& f, Labels labels)
      : families_(f),
        labels_(labels),
        success_(f.request_total.Add(With(labels, {{"outcome", "success"}, {"reason", ""}}))),
        inference_total_(f.inference_total.Add(labels)),
        execution_total_(f.execution_total.Add(labels)),
        request_duration_(f.request_duration.Add(labels, SecondBuckets())),
        queue_duration_(f.queue_duration.Add(labels, SecondBuckets())),
        input_transfer_duration_(f.input_transfer_duration.Add(labels, SecondBuckets())),
        compute_duration_(f.compute_duration.Add(labels, SecondBuckets())),
        output_transfer_duration_(f.output_transfer_duration.Add(labels, SecondBuckets())),
        batch_size_(f.batch_size.Add(labels, BatchSizeBuckets())),
        queue_depth_(f.queue_depth.Add(labels)),
        nv_request_success_(f.nv_request_success.Add(labels)),
        nv_request_failure_{&f.nv_request_failure.Add(With(labels, {{"reason", "REJECTED"}})),
                            &f.nv_request_failure.Add(With(labels, {{"reason", "CANCELED"}})),
                            &f.nv_request_failure.Add(With(labels, {{"reason", "BACKEND"}})),
                            &f.nv_request_failure.Add(With(labels, {{"reason", "OTHER"}}))},
        nv_inference_count_(f.nv_inference_count.Add(labels)),
        nv_exec_count_(f.nv_exec_count.Add(labels)),
        nv_request_duration_(f.nv_request_duration.Add(labels)),
        nv_queue_duration_(f.nv_queue_duration.Add(labels)),
        nv_compute_input_duration_(f.nv_compute_input_duration.Add(labels)),
        nv_compute_infer_duration_(f.nv_compute_infer_duration.Add(labels)),
        nv_compute_output_duration_(f.nv_compute_output_duration.Add(labels)),
        nv_pending_request_count_(f.nv_pending_request_count.Add(labels)) {}

  void RecordSuccess(int samples, absl::Duration request, absl::Duration queue,
                     absl::Duration input, absl::Duration compute, absl::Duration output,
                     absl::Time now) override {
    success_.Increment();
    nv_request_success_.Increment();
    inference_total_.Increment(samples);
    nv_inference_count_.Increment(samples);
    const Nanos request_ns(request), queue_ns(queue), input_ns(input), compute_ns(compute),
        output_ns(output);
    request_duration_.Observe(request_ns.seconds());
    queue_duration_.Observe(queue_ns.seconds());
    nv_request_duration_.Increment(request_ns.micros());
    nv_queue_duration_.Increment(queue_ns.micros());
    nv_compute_input_duration_.Increment(input_ns.micros());
    nv_compute_infer_duration_.Increment(compute_ns.micros());
    nv_compute_output_duration_.Increment(output_ns.micros());
    absl::MutexLock lock(&mu_);
    stats_.inference_count += uint64_t(samples);
    Add(stats_.success, request_ns);
    Add(stats_.queue, queue_ns);
    Add(stats_.compute_input, input_ns);
    Add(stats_.compute_infer, compute_ns);
    Add(stats_.compute_output, output_ns);
    const int64_t ms = absl::ToUnixMillis(now);
    if (ms > 0 && uint64_t(ms) > stats_.last_inference_ms) stats_.last_inference_ms = uint64_t(ms);
  }

  void RecordFailure(FailureReason reason, absl::Duration request) override {
    FailureCounter(reason).Increment();
    const std::string_view triton = TritonFailureReason(reason);
    for (size_t i = 0; i < kTritonReasons.size(); ++i) {
      if (kTritonReasons[i] == triton) nv_request_failure_[i]->Increment();
    }
    absl::MutexLock lock(&mu_);
    Add(stats_.fail, Nanos(request));
  }

  void RecordExecution(int batch_size, absl::Duration input, absl::Duration compute,
                       absl::Duration output) override {
    execution_total_.Increment();
    nv_exec_count_.Increment();
    batch_size_.Observe(batch_size);
    const Nanos input_ns(input), compute_ns(compute), output_ns(output);
    input_transfer_duration_.Observe(input_ns.seconds());
    compute_duration_.Observe(compute_ns.seconds());
    output_transfer_duration_.Observe(output_ns.seconds());
    absl::MutexLock lock(&mu_);
    ++stats_.execution_count;
    ModelStatisticsSnapshot::BatchStat& batch = stats_.batch_stats[batch_size];
    Add(batch.compute_input, input_ns);
    Add(batch.compute_infer, compute_ns);
    Add(batch.compute_output, output_ns);
  }

  void SetQueueDepth(int64_t depth) override {
    queue_depth_.Set(double(depth));
    nv_pending_request_count_.Set(double(depth));
  }

  ModelStatisticsSnapshot Snapshot() const override {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

 private:
  static Labels With(Labels labels,
                     std::initializer_list<std::pair<const std::string, std::string>> extra) {
    labels.insert(extra);
    return labels;
  }

  static constexpr std::array<std::string_view, 4> kTritonReasons = {"REJECTED", "CANCELED",
                                                                       "BACKEND", "OTHER"};

  // Created on first use: a reason never seen has no series.
  Counter& FailureCounter(FailureReason reason) {
    absl::MutexLock lock(&mu_);
    auto it = failures_.find(reason);
    if (it != failures_.end()) return *it->second;
    Counter& counter = families_.request_total.Add(
        With(labels_, {{"outcome", "failure"}, {"reason", std::string(FailureReasonLabel(reason))}}));
    failures_.emplace(reason, &counter);
    return counter;
  }

  Families& families_;
  const Labels labels_;
  Counter& success_;
  Counter& inference_total_;
  Counter& execution_total_;
  Histogram& request_duration_;
  Histogram& queue_duration_;
  Histogram& input_transfer_duration_;
  Histogram& compute_duration_;
  Histogram& output_transfer_duration_;
  Histogram& batch_size_;
  Gauge& queue_depth_;
  Counter& nv_request_success_;
  std::array<Counter*, 4> nv_request_failure_;  // by kTritonReasons
  Counter& nv_inference_count_;
  Counter& nv_exec_count_;
  Counter& nv_request_duration_;
  Counter& nv_queue_duration_;
  Counter& nv_compute_input_duration_;
  Counter& nv_compute_infer_duration_;
  Counter& nv_compute_output_duration_;
  Gauge& nv_pending_request_count_;

  mutable absl::Mutex mu_;
  ModelStatisticsSnapshot stats_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<FailureReason, Counter*> failures_ ABSL_GUARDED_BY(mu_);
};

// The fpgaas_xrt_* families, registered when the first card asks for them (a server without XRT
// cards exports none of them).
struct XrtFamilies {
  explicit XrtFamilies(prometheus::Registry& r)
      : xclbin_loads(prometheus::BuildCounter()
                         .Name("fpgaas_xrt_xclbin_loads_total")
                         .Help("xclbin downloads to the card (first loads, swaps and resets)")
                         .Register(r)),
        resets(prometheus::BuildCounter()
                   .Name("fpgaas_xrt_resets_total")
                   .Help("Card re-programmings after a watchdog trip")
                   .Register(r)),
        swaps(prometheus::BuildCounter()
                  .Name("fpgaas_xrt_xclbin_swaps_total")
                  .Help("xclbin replaced by another model's xclbin")
                  .Register(r)),
        out_of_service(prometheus::BuildCounter()
                           .Name("fpgaas_xrt_out_of_service_total")
                           .Help("Times the card was taken out of service after repeated failures")
                           .Register(r)),
        in_service(prometheus::BuildGauge()
                       .Name("fpgaas_xrt_in_service")
                       .Help("1 while the card serves, 0 once taken out of service")
                       .Register(r)),
        runs(prometheus::BuildCounter()
                 .Name("fpgaas_xrt_runs_total")
                 .Help("Kernel runs completed by the compute unit")
                 .Register(r)),
        busy_seconds(prometheus::BuildCounter()
                         .Name("fpgaas_xrt_busy_seconds_total")
                         .Help("Time the compute unit spent running kernels, seconds (utilization "
                               "= rate)")
                         .Register(r)),
        bytes_to_device(prometheus::BuildCounter()
                            .Name("fpgaas_xrt_bytes_to_device_total")
                            .Help("Bytes synced host -> device for the compute unit")
                            .Register(r)),
        bytes_from_device(prometheus::BuildCounter()
                              .Name("fpgaas_xrt_bytes_from_device_total")
                              .Help("Bytes synced device -> host for the compute unit")
                              .Register(r)),
        watchdog_trips(prometheus::BuildCounter()
                           .Name("fpgaas_xrt_watchdog_trips_total")
                           .Help("Kernel runs that passed their watchdog deadline")
                           .Register(r)),
        retired(prometheus::BuildGauge()
                    .Name("fpgaas_xrt_compute_unit_retired")
                    .Help("1 once the compute unit is retired after repeated watchdog trips")
                    .Register(r)) {}

  Family<Counter>& xclbin_loads;
  Family<Counter>& resets;
  Family<Counter>& swaps;
  Family<Counter>& out_of_service;
  Family<Gauge>& in_service;
  Family<Counter>& runs;
  Family<Counter>& busy_seconds;
  Family<Counter>& bytes_to_device;
  Family<Counter>& bytes_from_device;
  Family<Counter>& watchdog_trips;
  Family<Gauge>& retired;
};

class XrtCardMetricsImpl final : public XrtCardMetrics {
 public:
  XrtCardMetricsImpl(XrtFamilies& f, const Labels& labels)
      : xclbin_loads_(f.xclbin_loads.Add(labels)),
        resets_(f.resets.Add(labels)),
        swaps_(f.swaps.Add(labels)),
        out_of_service_(f.out_of_service.Add(labels)),
        in_service_(f.in_service.Add(labels)) {}
  void RecordXclbinLoad() override { xclbin_loads_.Increment(); }
  void RecordReset() override { resets_.Increment(); }
  void RecordSwap() override { swaps_.Increment(); }
  void RecordOutOfService() override { out_of_service_.Increment(); }
  void SetInService(bool in_service) override { in_service_.Set(in_service ? 1 : 0); }

 private:
  Counter& xclbin_loads_;
  Counter& resets_;
  Counter& swaps_;
  Counter& out_of_service_;
  Gauge& in_service_;
};

class XrtComputeUnitMetricsImpl final : public XrtComputeUnitMetrics {
 public:
  XrtComputeUnitMetricsImpl(XrtFamilies& f, const Labels& labels)
      : runs_(f.runs.Add(labels)),
        busy_seconds_(f.busy_seconds.Add(labels)),
        bytes_to_device_(f.bytes_to_device.Add(labels)),
        bytes_from_device_(f.bytes_from_device.Add(labels)),
        watchdog_trips_(f.watchdog_trips.Add(labels)),
        retired_(f.retired.Add(labels)) {}
  void RecordRun(absl::Duration busy, uint64_t bytes_to_device,
                 uint64_t bytes_from_device) override {
    runs_.Increment();
    busy_seconds_.Increment(Nanos(busy).seconds());
    bytes_to_device_.Increment(double(bytes_to_device));
    bytes_from_device_.Increment(double(bytes_from_device));
  }
  void RecordWatchdogTrip() override { watchdog_trips_.Increment(); }
  void SetRetired(bool retired) override { retired_.Set(retired ? 1 : 0); }

 private:
  Counter& runs_;
  Counter& busy_seconds_;
  Counter& bytes_to_device_;
  Counter& bytes_from_device_;
  Counter& watchdog_trips_;
  Gauge& retired_;
};

class PortMetricsImpl final : public PortMetrics {
 public:
  PortMetricsImpl(Family<Counter>& refused, const std::string& port)
      : over_limit_(refused.Add({{"port", port}, {"reason", "limit"}})),
        out_of_descriptors_(refused.Add({{"port", port}, {"reason", "out_of_descriptors"}})) {}
  void RecordRefusedConnection(bool out_of_descriptors) override {
    (out_of_descriptors ? out_of_descriptors_ : over_limit_).Increment();
  }

 private:
  Counter& over_limit_;
  Counter& out_of_descriptors_;
};

class MetricsRegistryImpl final : public MetricsRegistry {
 public:
  MetricsRegistryImpl()
      : registry_(std::make_shared<prometheus::Registry>()),
        families_(*registry_),
        connections_refused_(prometheus::BuildCounter()
                                 .Name("fpgaas_connections_refused_total")
                                 .Help("Connections closed at accept: the port had its "
                                       "--max-connections open (reason limit) or the process had "
                                       "no descriptor left (reason out_of_descriptors)")
                                 .Register(*registry_)),
        stalled_streams_cancelled_(
            prometheus::BuildCounter()
                .Name("fpgaas_stalled_streams_cancelled_total")
                .Help("ModelStreamInfer streams cancelled because their client did not read an "
                      "answer for --grpc-stream-write-timeout-seconds")
                .Register(*registry_)
                .Add({})) {}

  PortMetrics* ForPort(std::string_view port) override {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<PortMetricsImpl>& metrics = ports_[std::string(port)];
    if (metrics == nullptr) {
      metrics = std::make_unique<PortMetricsImpl>(connections_refused_, std::string(port));
    }
    return metrics.get();
  }

  void RecordStalledStreamCancelled() override { stalled_streams_cancelled_.Increment(); }

  std::shared_ptr<prometheus::Registry> registry() override { return registry_; }

  ModelMetrics* ForModel(std::string_view model, int64_t version) override {
    absl::MutexLock lock(&mu_);
    auto key = std::make_pair(std::string(model), version);
    auto it = models_.find(key);
    if (it != models_.end()) return it->second.get();
    auto metrics = std::make_unique<ModelMetricsImpl>(
        families_, Labels{{"model", std::string(model)}, {"version", absl::StrCat(version)}});
    ModelMetrics* result = metrics.get();
    models_.emplace(std::move(key), std::move(metrics));
    return result;
  }

  XrtCardMetrics* ForXrtCard(std::string_view device) override {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<XrtCardMetricsImpl>& metrics = xrt_cards_[std::string(device)];
    if (metrics == nullptr) {
      metrics = std::make_unique<XrtCardMetricsImpl>(XrtFamiliesLocked(),
                                                     Labels{{"device", std::string(device)}});
    }
    return metrics.get();
  }

  XrtComputeUnitMetrics* ForXrtComputeUnit(std::string_view device,
                                           std::string_view compute_unit) override {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<XrtComputeUnitMetricsImpl>& metrics =
        xrt_units_[std::make_pair(std::string(device), std::string(compute_unit))];
    if (metrics == nullptr) {
      metrics = std::make_unique<XrtComputeUnitMetricsImpl>(
          XrtFamiliesLocked(),
          Labels{{"device", std::string(device)}, {"compute_unit", std::string(compute_unit)}});
    }
    return metrics.get();
  }

  void SetServerInfo(std::string_view version) override {
    absl::MutexLock lock(&mu_);
    if (server_info_ == nullptr) {
      server_info_ = &prometheus::BuildGauge()
                          .Name("fpgaas_server_info")
                          .Help("1 per running fpgaasd; labels: its version")
                          .Register(*registry_);
    }
    server_info_->Add({{"version", std::string(version)}}).Set(1);
  }

 private:
  XrtFamilies& XrtFamiliesLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (xrt_families_ == nullptr) xrt_families_ = std::make_unique<XrtFamilies>(*registry_);
    return *xrt_families_;
  }

  const std::shared_ptr<prometheus::Registry> registry_;
  Families families_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, int64_t>, std::unique_ptr<ModelMetricsImpl>> models_
      ABSL_GUARDED_BY(mu_);
  std::unique_ptr<XrtFamilies> xrt_families_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<XrtCardMetricsImpl>> xrt_cards_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::unique_ptr<XrtComputeUnitMetricsImpl>>
      xrt_units_ ABSL_GUARDED_BY(mu_);
  Family<Gauge>* server_info_ ABSL_GUARDED_BY(mu_) = nullptr;
  Family<Counter>& connections_refused_;
  Counter& stalled_streams_cancelled_;
  std::map<std::string, std::unique_ptr<PortMetricsImpl>> ports_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<MetricsRegistry> MetricsRegistry::Create() {
  return std::make_unique<MetricsRegistryImpl>();
}

}  // namespace fpgaas
