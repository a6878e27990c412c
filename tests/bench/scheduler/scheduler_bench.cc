// Throughput of single-sample requests through the dynamic batcher, from N producer threads, each
// keeping a window of requests outstanding (like concurrent gRPC clients), on the fake device (the
// scheduler's own cost) and on the emulated device (a 16-32-1 fixed-point network).
// Reports requests/s (items_per_second) and the mean formed batch size (mean_batch).
//
//   nice build/tests/bench/scheduler/scheduler_bench --benchmark_repetitions=3
//     --benchmark_report_aggregates_only=true     (one command line)
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "server/device/emu/emulated_device.h"
#include "server/device/fake/fake_device.h"
#include "server/metrics/metrics.h"
#include "server/numerics/network.h"
#include "server/scheduler/scheduler.h"

namespace fpgaas {
namespace {

constexpr int kInputs = 16;
constexpr int kHidden = 32;
constexpr int kRequestsPerIteration = 20000;
constexpr int kWindowPerProducer = 32;

std::shared_ptr<const numerics::Network> BenchNetwork() {
  numerics::NetworkSpec spec;
  spec.input_type = numerics::FixedType{16, 6};
  spec.input_size = kInputs;
  auto dense = [](int n_in, int n_out) {
    numerics::DenseSpec d;
    d.n_in = n_in;
    d.n_out = n_out;
    d.weight_type = numerics::FixedType{16, 6};
    d.bias_type = numerics::FixedType{16, 6};
    d.accum_type = numerics::FixedType{32, 12};
    for (int i = 0; i < n_in * n_out; ++i) d.weights.push_back((i * 37) % 512 - 256);
    for (int j = 0; j < n_out; ++j) d.biases.push_back(j * 8);
    return d;
  };
  numerics::ActivationSpec relu;
  relu.kind = numerics::ActivationKind::kRelu;
  relu.n = kHidden;
  spec.layers = {{"fc1", numerics::FixedType{16, 6}, dense(kInputs, kHidden)},
                 {"relu1", numerics::FixedType{16, 6}, relu},
                 {"fc2", numerics::FixedType{16, 6}, dense(kHidden, 1)}};
  return std::shared_ptr<const numerics::Network>(numerics::Network::Create(spec).value());
}

// One producer: keeps up to kWindowPerProducer requests in flight.
struct Producer {
  absl::Mutex mu;
  int outstanding ABSL_GUARDED_BY(mu) = 0;
};

void BM_SingleSampleRequests(benchmark::State& state) {
  const bool emulated = state.range(0) == 1;
  const int producers = int(state.range(1));
  RealClock clock;
  DeviceModelSpec spec;
  spec.model_name = "bench";
  spec.max_batch_size = 256;
  spec.compute_units = 1;
  spec.input_type = numerics::FixedType{16, 6};
  spec.output_type = numerics::FixedType{16, 6};
  spec.input_size = kInputs;
  spec.output_size = 1;
  std::unique_ptr<Device> device;
  if (emulated) {
    spec.network = BenchNetwork();
    device = EmulatedDevice::Create({.name = "emu", .clock = &clock}).value();
  } else {
    device = std::make_unique<FakeDevice>();
  }
  std::unique_ptr<LoadedModel> model = device->Load(spec).value();
  auto registry = MetricsRegistry::Create();
  ModelMetrics* metrics = registry->ForModel("bench", 1);
  SchedulerOptions options;
  options.max_batch_size = spec.max_batch_size;
  options.max_queue_delay = absl::Microseconds(50);
  auto scheduler = ModelScheduler::Create(options, model.get(), &clock, metrics).value();

  std::vector<float> sample(kInputs);
  for (int i = 0; i < kInputs; ++i) sample[i] = 0.5f * float(i) - 3.0f;
  const std::string input(reinterpret_cast<const char*>(sample.data()), sizeof(float) * kInputs);
  const int per_producer = kRequestsPerIteration / producers;
  std::atomic<int64_t> failures{0};

  for (auto _ : state) {
    std::vector<std::unique_ptr<Producer>> state_per_producer;
    for (int p = 0; p < producers; ++p) state_per_producer.push_back(std::make_unique<Producer>());
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        Producer& me = *state_per_producer[p];
        for (int i = 0; i < per_producer; ++i) {
          {
            absl::MutexLock lock(&me.mu);
            auto room = [&me]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return me.outstanding < kWindowPerProducer;
            };
            me.mu.Await(absl::Condition(&room));
            ++me.outstanding;
          }
          auto request = std::make_unique<InferenceRequest>();
          request->input = input;
          request->done = [&me, &failures](absl::StatusOr<InferenceResult> result) {
            if (!result.ok()) failures.fetch_add(1);
            absl::MutexLock lock(&me.mu);
            --me.outstanding;
          };
          if (!scheduler->Enqueue(request).ok()) {
            failures.fetch_add(1);
            absl::MutexLock lock(&me.mu);
            --me.outstanding;
          }
        }
        absl::MutexLock lock(&me.mu);
        auto drained = [&me]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return me.outstanding == 0; };
        me.mu.Await(absl::Condition(&drained));
      });
    }
    for (auto& t : threads) t.join();
  }
  const ModelStatisticsSnapshot stats = metrics->Snapshot();
  state.SetItemsProcessed(int64_t(state.iterations()) * per_producer * producers);
  state.counters["mean_batch"] =
      stats.execution_count == 0 ? 0.0
                                 : double(stats.inference_count) / double(stats.execution_count);
  state.counters["failures"] = double(failures.load());
  scheduler.reset();
}

BENCHMARK(BM_SingleSampleRequests)
    ->ArgNames({"emu", "producers"})
    ->ArgsProduct({{0, 1}, {1, 4, 16, 64}})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fpgaas

BENCHMARK_MAIN();
