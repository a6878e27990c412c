// End-to-end serving benchmarks over loopback gRPC and HTTP/REST: the real GrpcServer and
// HttpServer, repository, scheduler and emulated FPGA in this process, called through generated
// KServe v2 stubs and libcurl (client and server share the machine, as the serving goals state).
// Model: deploy/models/muon_pt (27 inputs -> 1 output). BM_Http* mirror their gRPC namesakes
// (binary-tensor requests, one keep-alive connection per client).
//
//   nice build/tests/bench/e2e/server_bench --benchmark_min_time=2
//
// Counters: p50_us/p99_us (per-request latency), inferences/s (samples), requests/s, and for the
// dynamic-batching case mean_batch (samples per device call, from ModelStatistics).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "benchmark/benchmark.h"
#include "curl/curl.h"
#include "fpgaas/client.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/http/http_server.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"

#ifndef FPGAAS_SOURCE_ROOT
#error "FPGAAS_SOURCE_ROOT must be defined by CMake"
#endif

namespace fpgaas {
namespace {

constexpr char kModel[] = "muon_pt";
constexpr int kInputs = 27;

// One server for the whole run.
class Env {
 public:
  static Env& Get() {
    static Env* env = new Env();  // never destroyed: benchmarks may still hold stubs at exit
    return *env;
  }

  inference::GRPCInferenceService::Stub* stub() { return stub_.get(); }
  ModelRepository* repository() { return repository_.get(); }
  int http_port() const { return http_->port(); }
  int grpc_port() const { return server_->port(); }
  std::shared_ptr<grpc::Channel> NewChannel() {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(256 << 20);
    args.SetMaxSendMessageSize(256 << 20);
    // A distinct channel (own connection) per client thread, as separate clients would have.
    args.SetInt("fpgaas.bench.channel", channels_++);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }
  std::pair<uint64_t, uint64_t> InferencesAndExecutions() {
    inference::ModelStatisticsRequest request;
    request.set_name(kModel);
    inference::ModelStatisticsResponse response;
    grpc::ClientContext context;
    if (!stub_->ModelStatistics(&context, request, &response).ok() ||
        response.model_stats_size() == 0) {
      return {0, 0};
    }
    return {response.model_stats(0).inference_count(), response.model_stats(0).execution_count()};
  }

 private:
  Env() {
    // As fpgaasd does: Debian's abseil keeps a global deadlock graph on every Mutex otherwise.
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.devices = "emu";
    device_options.clock = &clock_;
    devices_ = *DeviceManager::Create(std::move(device_options));
    ModelRepositoryOptions repository_options;
    repository_options.root = std::filesystem::path(FPGAAS_SOURCE_ROOT) / "deploy" / "models";
    repository_options.control_mode = ModelControlMode::kExplicit;
    repository_options.startup_models = {kModel};
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    repository_ = *ModelRepository::Create(std::move(repository_options));
    GrpcServerOptions server_options;
    server_options.address = "127.0.0.1";
    server_options.port = 0;
    server_options.max_message_bytes = 256 << 20;
    server_options.repository = repository_.get();
    server_options.devices = devices_.get();
    server_options.clock = &clock_;
    server_ = *GrpcServer::Create(std::move(server_options));
    if (!server_->Start().ok()) std::abort();
    address_ = absl::StrCat("127.0.0.1:", server_->port());
    HttpServerOptions http_options;
    http_options.address = "127.0.0.1";
    http_options.port = 0;
    http_options.repository = repository_.get();
    http_options.devices = devices_.get();
    http_options.clock = &clock_;
    http_ = *HttpServer::Create(std::move(http_options));
    if (!http_->Start().ok()) std::abort();
    channel_ = NewChannel();
    stub_ = inference::GRPCInferenceService::NewStub(channel_);
  }

  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<HttpServer> http_;
  std::string address_;
  std::atomic<int> channels_{0};
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

inference::ModelInferRequest Request(int batch) {
  inference::ModelInferRequest request;
  request.set_model_name(kModel);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(kInputs);
  std::vector<float> values(static_cast<size_t>(batch) * kInputs);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 13) / 8 - 0.75f;
  request.add_raw_input_contents(
      std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  return request;
}

// Mean samples per device call over a benchmark run, from ModelStatistics before and after.
class MeanBatch {
 public:
  MeanBatch() : before_(Env::Get().InferencesAndExecutions()) {}
  void Report(benchmark::State& state) const {
    const auto after = Env::Get().InferencesAndExecutions();
    const double executions = static_cast<double>(after.second - before_.second);
    if (executions > 0) {
      state.counters["mean_batch"] = static_cast<double>(after.first - before_.first) / executions;
    }
  }

 private:
  std::pair<uint64_t, uint64_t> before_;
};

void ReportPercentiles(benchmark::State& state, std::vector<double>& latencies_us) {
  if (latencies_us.empty()) return;
  std::sort(latencies_us.begin(), latencies_us.end());
  auto at = [&](double q) { return latencies_us[static_cast<size_t>(q * (latencies_us.size() - 1))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

// One blocking call at a time on one channel; reports its latency percentiles and requests/s.
template <typename Request, typename Response>
void MeasureLatency(benchmark::State& state,
                    grpc::Status (inference::GRPCInferenceService::Stub::*call)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request) {
  auto* stub = Env::Get().stub();
  std::vector<double> latencies_us;
  for (auto _ : state) {
    Response response;
    grpc::ClientContext context;
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status = (stub->*call)(&context, request, &response);
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  }
  ReportPercentiles(state, latencies_us);
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}

// Single-sample ModelInfer, one client, one request at a time: latency.
void BM_UnarySingleSampleLatency(benchmark::State& state) {
  MeasureLatency(state, &inference::GRPCInferenceService::Stub::ModelInfer, Request(1));
}
BENCHMARK(BM_UnarySingleSampleLatency)->UseRealTime();

// The floor under the figure above: an empty RPC (ServerLive) over the same channel, i.e. what
// gRPC itself costs per call on this machine.
void BM_ServerLiveLatency(benchmark::State& state) {
  MeasureLatency(state, &inference::GRPCInferenceService::Stub::ServerLive,
                 inference::ServerLiveRequest());
}
BENCHMARK(BM_ServerLiveLatency)->UseRealTime();

// Unary requests of `batch` samples with `window` requests in flight (callback client API).
void BM_UnaryThroughput(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const int window = static_cast<int>(state.range(1));
  auto* stub = Env::Get().stub();
  const inference::ModelInferRequest request = Request(batch);
  absl::Mutex mu;
  int in_flight = 0;
  int64_t failures = 0;
  struct Call {
    grpc::ClientContext context;
    inference::ModelInferResponse response;
  };
  const MeanBatch mean_batch;
  for (auto _ : state) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] { return in_flight < window; };
      mu.Await(absl::Condition(&room));
      ++in_flight;
    }
    auto* call = new Call();
    stub->async()->ModelInfer(&call->context, &request, &call->response,
                              [call, &mu, &in_flight, &failures](grpc::Status status) {
                                absl::MutexLock lock(&mu);
                                if (!status.ok()) ++failures;
                                --in_flight;
                                delete call;
                              });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
  if (failures > 0) state.SkipWithError("some requests failed");
  state.counters["inferences/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch, benchmark::Counter::kIsRate);
  mean_batch.Report(state);
}
// {1024, w}: large requests; {1, 64}: single-sample requests, 64 in flight, batched by the server.
BENCHMARK(BM_UnaryThroughput)->Args({1024, 1})->Args({1024, 4})->Args({1, 64})->UseRealTime();

// The floor under BM_UnaryThroughput/1/64: empty RPCs (ServerLive), 64 in flight.
void BM_ServerLiveThroughput(benchmark::State& state) {
  const int window = static_cast<int>(state.range(0));
  auto* stub = Env::Get().stub();
  const inference::ServerLiveRequest request;
  absl::Mutex mu;
  int in_flight = 0;
  struct Call {
    grpc::ClientContext context;
    inference::ServerLiveResponse response;
  };
  for (auto _ : state) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] { return in_flight < window; };
      mu.Await(absl::Condition(&room));
      ++in_flight;
    }
    auto* call = new Call();
    stub->async()->ServerLive(&call->context, &request, &call->response,
                              [call, &mu, &in_flight](grpc::Status) {
                                absl::MutexLock lock(&mu);
                                --in_flight;
                                delete call;
                              });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ServerLiveThroughput)->Arg(64)->UseRealTime();

// One ModelStreamInfer stream, requests of `batch` samples, `window` in flight.
void BM_StreamThroughput(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const int window = static_cast<int>(state.range(1));
  auto* stub = Env::Get().stub();
  const inference::ModelInferRequest request = Request(batch);
  grpc::ClientContext context;
  auto stream = stub->ModelStreamInfer(&context);
  absl::Mutex mu;
  int64_t sent = 0, received = 0, errors = 0;
  const MeanBatch mean_batch;
  std::thread reader([&] {
    inference::ModelStreamInferResponse response;
    while (stream->Read(&response)) {
      absl::MutexLock lock(&mu);
      if (!response.error_message().empty()) ++errors;
      ++received;
    }
  });
  for (auto _ : state) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] { return sent - received < window; };
      mu.Await(absl::Condition(&room));
      ++sent;
    }
    stream->Write(request);
  }
  {
    absl::MutexLock lock(&mu);
    auto all = [&] { return received == sent; };
    mu.Await(absl::Condition(&all));
  }
  stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  if (!status.ok() || errors > 0) state.SkipWithError("stream failed");
  state.counters["inferences/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch, benchmark::Counter::kIsRate);
  mean_batch.Report(state);
}
BENCHMARK(BM_StreamThroughput)->Args({1024, 4})->Args({1, 64})->UseRealTime();

// One stub per client thread, each on its own channel (so its own connection), made once.
inference::GRPCInferenceService::Stub* ThreadStub(int thread_index) {
  static std::vector<std::unique_ptr<inference::GRPCInferenceService::Stub>>* stubs = [] {
    auto* s = new std::vector<std::unique_ptr<inference::GRPCInferenceService::Stub>>();
    for (int i = 0; i < 64; ++i) {
      s->push_back(inference::GRPCInferenceService::NewStub(Env::Get().NewChannel()));
    }
    return s;
  }();
  return (*stubs)[thread_index % stubs->size()].get();
}

// Many concurrent clients (one thread and channel each) sending single-sample requests: the dynamic
// batcher forms batches; reports requests/s and the mean formed batch size.
void BM_ConcurrentSingleSample(benchmark::State& state) {
  static std::unique_ptr<MeanBatch> mean_batch;
  if (state.thread_index() == 0) mean_batch = std::make_unique<MeanBatch>();
  auto* stub = ThreadStub(state.thread_index());
  const inference::ModelInferRequest request = Request(1);
  for (auto _ : state) {
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub->ModelInfer(&context, request, &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  }
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  // Other threads may still be finishing; the ratio is what matters.
  if (state.thread_index() == 0) mean_batch->Report(state);
}
BENCHMARK(BM_ConcurrentSingleSample)->Threads(16)->Threads(64)->UseRealTime();

// The floor under BM_ConcurrentSingleSample: the same blocking client threads sending empty RPCs
// (ServerLive). Its ratio to BM_ServerLiveThroughput/64 is what blocking threads cost gRPC itself.
void BM_ConcurrentServerLive(benchmark::State& state) {
  auto* stub = ThreadStub(state.thread_index());
  const inference::ServerLiveRequest request;
  for (auto _ : state) {
    inference::ServerLiveResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub->ServerLive(&context, request, &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  }
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ConcurrentServerLive)->Threads(16)->Threads(64)->UseRealTime();

// ---- The client library (client/include/fpgaas/client.h) on the same server: its blocking and
// asynchronous calls against the generated stubs' figures above. One Client (one channel) shared
// by every thread, as an application would use it.

// A model handle of a Client with the default options (max_attempts = 3: gRPC's retry policy on)
// or, with `max_attempts` = 1, without retries.
fpgaas::Model& ClientModel(int max_attempts = ClientOptions{}.max_attempts) {
  static absl::Mutex mu;
  static auto* models = new std::map<int, fpgaas::Model*>;
  absl::MutexLock lock(&mu);
  fpgaas::Model*& model = (*models)[max_attempts];
  if (model == nullptr) {
    ClientOptions options;
    options.deadline = std::chrono::milliseconds(0);
    options.max_attempts = max_attempts;
    auto* client = new Client(absl::StrCat("127.0.0.1:", Env::Get().grpc_port()), options);
    absl::StatusOr<fpgaas::Model> m = client->GetModel(kModel);
    if (!m.ok()) std::abort();
    model = new fpgaas::Model(*std::move(m));
  }
  return *model;
}

std::vector<float> Sample() {
  std::vector<float> values(kInputs);
  for (int i = 0; i < kInputs; ++i) values[i] = static_cast<float>(i % 13) / 8 - 0.75f;
  return values;
}

// Model::Infer, one call at a time: compare with BM_UnarySingleSampleLatency.
void BM_ClientInferLatency(benchmark::State& state) {
  const fpgaas::Model& model = ClientModel();
  const std::vector<float> sample = Sample();
  std::vector<double> latencies_us;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    InferResult result = model.Infer(sample);
    latencies_us.push_back(std::chrono::duration<double, std::micro>(
                               std::chrono::steady_clock::now() - start)
                               .count());
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
  }
  ReportPercentiles(state, latencies_us);
  state.counters["requests/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClientInferLatency)->UseRealTime();

// Model::InferAsync with `window` in flight, a client with `attempts` max_attempts: compare with
// BM_UnaryThroughput/1/64.
void BM_ClientInferAsync(benchmark::State& state) {
  const int window = static_cast<int>(state.range(0));
  const fpgaas::Model& model = ClientModel(static_cast<int>(state.range(1)));
  const std::vector<float> sample = Sample();
  absl::Mutex mu;
  int in_flight = 0;
  int64_t failures = 0;
  for (auto _ : state) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] { return in_flight < window; };
      mu.Await(absl::Condition(&room));
      ++in_flight;
    }
    model.InferAsync(sample, 1, [&mu, &in_flight, &failures](InferResult result) {
      absl::MutexLock lock(&mu);
      if (!result.ok()) ++failures;
      --in_flight;
    });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
  if (failures > 0) state.SkipWithError("some requests failed");
  state.counters["requests/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClientInferAsync)->ArgNames({"window", "attempts"})->Args({64, 3})->Args({64, 1})->UseRealTime();

// Model::Infer from many threads: compare with BM_ClientInferAsync/64 (and the stubs'
// BM_ConcurrentSingleSample).
void BM_ClientInferBlockingThreads(benchmark::State& state) {
  const fpgaas::Model& model = ClientModel();
  const std::vector<float> sample = Sample();
  for (auto _ : state) {
    InferResult result = model.Infer(sample);
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
  }
  state.counters["requests/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClientInferBlockingThreads)->Threads(16)->Threads(64)->UseRealTime();

// ---- HTTP/REST, as tritonclient.http sends it: binary-tensor extension, keep-alive. ----

// One libcurl handle (one keep-alive connection) posting the same binary request.
class HttpInferClient {
 public:
  explicit HttpInferClient(const std::string& path, int batch = 1)
      : url_(absl::StrCat("http://127.0.0.1:", Env::Get().http_port(), path)) {
    curl_ = curl_easy_init();
    if (batch > 0) {
      std::vector<float> values(static_cast<size_t>(batch) * kInputs);
      for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 13) / 8 - 0.75f;
      const std::string header = absl::StrCat(
          R"({"inputs":[{"name":"input_1","datatype":"FP32","shape":[)", batch, ",", kInputs,
          R"(],"parameters":{"binary_data_size":)", values.size() * sizeof(float),
          R"(}}],"outputs":[{"name":"layer14_out","parameters":{"binary_data":true}}]})");
      body_ = header + std::string(reinterpret_cast<const char*>(values.data()),
                                   values.size() * sizeof(float));
      headers_ = curl_slist_append(
          headers_, absl::StrCat("Inference-Header-Content-Length: ", header.size()).c_str());
      headers_ = curl_slist_append(headers_, "Expect:");
    }
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    if (!body_.empty()) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body_.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
      curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    }
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Discard);
  }
  ~HttpInferClient() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  // True on a 200 answer.
  bool Call() {
    long code = 0;
    return curl_easy_perform(curl_) == CURLE_OK &&
           curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200;
  }

 private:
  static size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }
  std::string url_;
  std::string body_;
  curl_slist* headers_ = nullptr;
  CURL* curl_ = nullptr;
};

void MeasureHttpLatency(benchmark::State& state, HttpInferClient& client) {
  std::vector<double> latencies_us;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = client.Call();
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!ok) state.SkipWithError("HTTP request failed");
  }
  ReportPercentiles(state, latencies_us);
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}

// As BM_UnarySingleSampleLatency, over HTTP.
void BM_HttpSingleSampleLatency(benchmark::State& state) {
  HttpInferClient client(absl::StrCat("/v2/models/", kModel, "/infer"));
  MeasureHttpLatency(state, client);
}
BENCHMARK(BM_HttpSingleSampleLatency)->UseRealTime();

// As BM_ServerLiveLatency: GET /v2/health/live.
void BM_HttpLiveLatency(benchmark::State& state) {
  HttpInferClient client("/v2/health/live", /*batch=*/0);
  MeasureHttpLatency(state, client);
}
BENCHMARK(BM_HttpLiveLatency)->UseRealTime();

// As BM_ConcurrentSingleSample: one thread and keep-alive connection per client.
void BM_HttpConcurrentSingleSample(benchmark::State& state) {
  static std::unique_ptr<MeanBatch> mean_batch;
  if (state.thread_index() == 0) mean_batch = std::make_unique<MeanBatch>();
  HttpInferClient client(absl::StrCat("/v2/models/", kModel, "/infer"));
  for (auto _ : state) {
    if (!client.Call()) state.SkipWithError("HTTP request failed");
  }
  state.counters["requests/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  if (state.thread_index() == 0) mean_batch->Report(state);
}
BENCHMARK(BM_HttpConcurrentSingleSample)->Threads(16)->Threads(64)->UseRealTime();

// Baseline without gRPC: requests of `batch` samples enqueued straight into the scheduler of the
// same emulated model, `window` in flight over all threads (what "in-process emulator throughput"
// means here). Since a request that fills a batch runs on the thread enqueuing it while a slot is
// idle, one such thread computes one request at a time (the issue's baseline, threads:1); two
// threads, as the server's two gRPC threads, keep both compute units busy (threads:2).
void BM_InProcessSchedulerThroughput(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const int window = std::max(1, static_cast<int>(state.range(1)) / state.threads());
  auto model = Env::Get().repository()->Get(kModel);
  if (!model.ok()) {
    state.SkipWithError("muon_pt not loaded");
    return;
  }
  const std::string input = Request(batch).raw_input_contents(0);
  absl::Mutex mu;
  int in_flight = 0;
  for (auto _ : state) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] { return in_flight < window; };
      mu.Await(absl::Condition(&room));
      ++in_flight;
    }
    auto request = std::make_unique<InferenceRequest>();
    request->batch_size = batch;
    request->input = input;
    request->done = [&mu, &in_flight](absl::StatusOr<InferenceResult>) {
      absl::MutexLock lock(&mu);
      --in_flight;
    };
    if (!(*model)->scheduler()->Enqueue(request).ok()) {
      absl::MutexLock lock(&mu);
      --in_flight;
    }
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
  state.counters["inferences/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InProcessSchedulerThroughput)->Args({1024, 4})->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace fpgaas

BENCHMARK_MAIN();
