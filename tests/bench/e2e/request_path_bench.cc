// Where the microseconds of one ModelInfer go, stage by stage, in process (no gRPC): what the
// server adds on top of an empty RPC (server_bench's BM_ServerLiveLatency).
//
//   nice build/tests/bench/e2e/request_path_bench
//
// Stages, in request order (muon_pt on the emulated device, requests of 1 and 1024 samples of 27
// FP32 values; the argument is the sample count):
//   BM_Parse           the received message (a ByteBuffer of gRPC slices) into a ModelInferRequest
//   BM_Decode          infer_codec's DecodeInferRequest (validation, non-finite scan, moving the
//                      raw bytes out)
//   BM_Lookup          repository Get (the model version's shared_ptr)
//   BM_Pack            FP32 -> ap_fixed packing into a device buffer
//   BM_Unpack          ap_fixed -> FP32
//   BM_Encode          EncodeInferResponse into a reused response message
//   BM_SchedulerRun    scheduler Enqueue -> done on the real model: pack + compute + unpack +
//                      metrics, run to completion on this thread; counters split it by the
//                      model's own stage statistics (input_ns, compute_ns, output_ns)
//   BM_HandOff/0|1     Enqueue -> done -> this thread wakes, on an echo device: 0 = run to
//                      completion, 1 = handed to the slot's worker thread (what a hand-off costs)
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/device/device_manager.h"
#include "server/device/fake/fake_device.h"
#include "server/frontend/infer_codec.h"
#include "server/metrics/metrics.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/repository.h"
#include "server/scheduler/scheduler.h"
#include "server/util/clock.h"

#ifndef FPGAAS_SOURCE_ROOT
#error "FPGAAS_SOURCE_ROOT must be defined by CMake"
#endif

namespace fpgaas {
namespace {

constexpr char kModel[] = "muon_pt";
constexpr int kInputs = 27;

class Env {
 public:
  static Env& Get() {
    static Env* env = new Env();
    return *env;
  }
  ModelRepository* repository() { return repository_.get(); }
  std::shared_ptr<const ServingModel> model() { return *repository_->Get(kModel); }

 private:
  Env() {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.devices = "emu";
    device_options.clock = &clock_;
    devices_ = *DeviceManager::Create(std::move(device_options));
    ModelRepositoryOptions options;
    options.root = std::filesystem::path(FPGAAS_SOURCE_ROOT) / "deploy" / "models";
    options.control_mode = ModelControlMode::kExplicit;
    options.startup_models = {kModel};
    options.devices = devices_.get();
    options.metrics = metrics_.get();
    options.clock = &clock_;
    repository_ = *ModelRepository::Create(std::move(options));
  }
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
};

std::string InputBytes(int samples = 1) {
  std::vector<float> values(static_cast<size_t>(samples) * kInputs);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 13) / 8 - 0.75f;
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

inference::ModelInferRequest Wire(int samples = 1) {
  inference::ModelInferRequest wire;
  wire.set_model_name(kModel);
  auto* input = wire.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(samples);
  input->add_shape(kInputs);
  wire.add_raw_input_contents(InputBytes(samples));
  return wire;
}

// What the reactor does with the received bytes; gRPC hands them over as slices of at most
// 16 kB here, as its transport reads them.
void BM_Parse(benchmark::State& state) {
  const std::string serialized = Wire(static_cast<int>(state.range(0))).SerializeAsString();
  std::vector<grpc::Slice> slices;
  constexpr size_t kSliceBytes = 16 << 10;
  for (size_t at = 0; at < serialized.size(); at += kSliceBytes) {
    slices.emplace_back(serialized.data() + at, std::min(kSliceBytes, serialized.size() - at));
  }
  const grpc::ByteBuffer received(slices.data(), slices.size());
  for (auto _ : state) {
    grpc::ByteBuffer consumed(received);
    inference::ModelInferRequest request;
    if (!grpc::SerializationTraits<inference::ModelInferRequest>::Deserialize(&consumed, &request)
             .ok()) {
      state.SkipWithError("undecodable");
    }
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(serialized.size()));
}
BENCHMARK(BM_Parse)->Arg(1)->Arg(1024);

// Includes giving the wire message its input bytes back each time (Decode moves them out).
void BM_Decode(benchmark::State& state) {
  auto model = Env::Get().model();
  const frontend::ModelSignature signature = frontend::SignatureOf(*model);
  inference::ModelInferRequest wire = Wire(static_cast<int>(state.range(0)));
  const std::string bytes = InputBytes(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    wire.mutable_raw_input_contents(0)->assign(bytes);
    InferenceRequest request;
    frontend::DecodedRequestOptions options;
    absl::Status s = frontend::DecodeInferRequest(signature, wire, &request, &options);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(1024);

void BM_Lookup(benchmark::State& state) {
  ModelRepository* repository = Env::Get().repository();
  for (auto _ : state) {
    auto model = repository->Get(kModel, "");
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(BM_Lookup);

// muon_pt's precisions: ap_fixed<14,4> in and out.
void BM_Pack(benchmark::State& state) {
  const int samples = static_cast<int>(state.range(0));
  const std::string bytes = InputBytes(samples);
  const numerics::FixedType type{14, 4};
  std::vector<uint8_t> buffer(samples * kInputs * type.container_bytes());
  for (auto _ : state) {
    absl::Status s = numerics::PackElements(numerics::ElementType::kFp32, bytes.data(),
                                            samples * kInputs, type, buffer.data());
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(buffer.data());
  }
}
BENCHMARK(BM_Pack)->Arg(1)->Arg(1024);

void BM_Unpack(benchmark::State& state) {
  const numerics::FixedType type{14, 4};
  std::vector<uint8_t> packed(type.container_bytes(), 0x12);
  float out = 0;
  for (auto _ : state) {
    numerics::UnpackElements(type, packed.data(), 1, numerics::ElementType::kFp32, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Unpack);

void BM_Encode(benchmark::State& state) {
  auto model = Env::Get().model();
  const frontend::ModelSignature signature = frontend::SignatureOf(*model);
  inference::ModelInferResponse response;
  const std::string id = "request-1";
  for (auto _ : state) {
    InferenceResult result;
    result.output.assign(sizeof(float), '\0');
    result.batch_size = 1;
    response.Clear();
    absl::Status s = frontend::EncodeInferResponse(signature, id, 1, result, &response);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_Encode);

// One request of `samples` samples at a time through `scheduler`; waits for its `done` (which may
// run inline).
void RoundTrips(benchmark::State& state, ModelScheduler* scheduler, int samples) {
  const std::string bytes = InputBytes(samples);
  absl::Mutex mu;
  int64_t finished = 0;
  int64_t sent = 0;
  for (auto _ : state) {
    auto request = std::make_unique<InferenceRequest>();
    request->batch_size = samples;
    request->input = bytes;
    request->done = [&mu, &finished](absl::StatusOr<InferenceResult> result) {
      if (!result.ok()) std::abort();
      absl::MutexLock lock(&mu);
      ++finished;
    };
    if (!scheduler->Enqueue(request).ok()) {
      state.SkipWithError("Enqueue failed");
      break;
    }
    ++sent;
    absl::MutexLock lock(&mu);
    auto answered = [&finished, &sent] { return finished == sent; };
    mu.Await(absl::Condition(&answered));
  }
}

void BM_SchedulerRun(benchmark::State& state) {
  auto model = Env::Get().model();
  const ModelStatisticsSnapshot before = model->metrics()->Snapshot();
  const int64_t inline_before = model->scheduler()->inline_runs();
  RoundTrips(state, model->scheduler(), static_cast<int>(state.range(0)));
  const ModelStatisticsSnapshot after = model->metrics()->Snapshot();
  const double n = double(after.execution_count - before.execution_count);
  if (n > 0) {
    state.counters["input_ns"] = double(after.compute_input.ns - before.compute_input.ns) / n;
    state.counters["compute_ns"] = double(after.compute_infer.ns - before.compute_infer.ns) / n;
    state.counters["output_ns"] = double(after.compute_output.ns - before.compute_output.ns) / n;
    state.counters["inline_share"] =
        double(model->scheduler()->inline_runs() - inline_before) / double(state.iterations());
  }
}
BENCHMARK(BM_SchedulerRun)->Arg(1)->Arg(1024)->UseRealTime();

void BM_HandOff(benchmark::State& state) {
  FakeDeviceOptions device_options;
  device_options.slots_per_model = 1;
  device_options.run_inline = true;
  FakeDevice device(device_options);
  DeviceModelSpec spec;
  spec.model_name = "echo";
  spec.version = 1;
  spec.max_batch_size = 64;
  spec.compute_units = 1;
  spec.input_size = kInputs;
  spec.output_size = kInputs;
  spec.input_type = numerics::FixedType{14, 4};
  spec.output_type = numerics::FixedType{14, 4};
  auto loaded = *device.Load(spec);
  RealClock clock;
  SchedulerOptions options;
  options.max_batch_size = 64;
  options.run_to_completion_limit =
      state.range(0) == 0 ? absl::Microseconds(100) : absl::ZeroDuration();
  auto scheduler = *ModelScheduler::Create(options, loaded.get(), &clock, nullptr);
  RoundTrips(state, scheduler.get(), 1);
  state.counters["inline_share"] = double(scheduler->inline_runs()) / double(state.iterations());
  scheduler.reset();
}
BENCHMARK(BM_HandOff)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace fpgaas

BENCHMARK_MAIN();
