// The emulator next to the kernels/ host build of the same network, in the same run, over a grid
// of type configurations (issue 12): weight widths 4-24, input widths 6-18, accumulators narrower
// than the product (every product quantized) and wider (exact products), every quantization and
// overflow mode of accum_t, with and without batch normalization (grid_points.h).
//
// Each grid point is a 32-64-64-16 dense network (ReLU between layers; with batch norm: dense ->
// batchnorm -> relu), 7168 MAC/sample, seeded Gaussian weights and inputs. The host build is the
// HLS C++ of grid_host.cc on the kernels/host nnet layers, compiled as hls4ml's C simulation
// compiles a project; it runs the batch one sample at a time, as the C simulation does. It is
// built over fpgaas' own ap types (kernels/host, always) and, when CMake's FPGAAS_HLS_AP_TYPES_DIR
// names Xilinx's ap_types headers, over those too: the ap types hls4ml's C simulation really
// runs. Before timing, all of them are checked to give the same bits on the whole batch.
//
// Counters (rates per CPU second of the one benchmark thread): emu_GMAC/s (the emulator, batch
// 1024), host_GMAC/s (the host build over fpgaas' ap types, same batch), speedup = emu / host;
// with FPGAAS_HLS_AP_TYPES_DIR also hls_GMAC/s (the host build over Xilinx's ap types, "hls csim")
// and hls_speedup = emu / hls. Command and table: tests/bench/numerics/README.md.
#include <dlfcn.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"
#include "tests/bench/numerics/grid_points.h"

#ifndef FPGAAS_HLS_GRID_MODULE
#define FPGAAS_HLS_GRID_MODULE nullptr
#endif

namespace fpgaas::numerics {
namespace {

// Samples per Run: 1024 (the batch), or FPGAAS_GRID_BATCH (e.g. 16: the 16-lane kernels).
const int kBatch = [] {
  const char* v = std::getenv("FPGAAS_GRID_BATCH");
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : 1024;
}();
constexpr unsigned kSizes[] = FPGAAS_GRID_SIZES;

double ThreadCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// One batch of each side, never inlined: callgrind (README.md) counts instructions per call of
// these two, a ratio that does not depend on the machine's load.
__attribute__((noinline)) void EmulatorBatch(const Network& net, const uint8_t* in, uint8_t* out) {
  net.Run(in, out, kBatch);
}
template <class F>
__attribute__((noinline)) void HostBatch(const F& run_host) {
  run_host();
}

// MAC/s of `run`, timed over whole batches until 0.3 CPU seconds.
template <class F>
double HostRate(const F& run, double macs_per_batch) {
  int batches = 0;
  const double start = ThreadCpuSeconds();
  double seconds = 0;
  do {
    HostBatch(run);
    ++batches;
    seconds = ThreadCpuSeconds() - start;
  } while (seconds < 0.3);
  return batches * macs_per_batch / seconds;
}

#define FPGAAS_STRINGIZE(...) #__VA_ARGS__
#define FPGAAS_STRING(...) FPGAAS_STRINGIZE(__VA_ARGS__)

// "(ap_fixed<16, 6>)" or "ap_fixed<16, 6>" (a grid_points.h type, stringized) as the emulator's.
FixedType TypeOf(std::string text) {
  if (text.front() == '(') text = text.substr(1, text.size() - 2);
  absl::StatusOr<FixedType> t = ParseFixedType(text);
  if (!t.ok()) {
    fprintf(stderr, "%s\n", std::string(t.status().message()).c_str());
    abort();
  }
  return *t;
}

int64_t Raw(const FixedType& type, double x) {
  absl::StatusOr<int64_t> raw = FromDouble(type, x);
  if (!raw.ok()) abort();
  return *raw;
}

// One host build of the grid (grid_host.cc as a module, kept open for the process).
struct GridHost {
  FpgaasGridCreateFn create = nullptr;
  FpgaasGridRunFn run = nullptr;
  FpgaasGridOutputsFn outputs = nullptr;
  FpgaasGridDestroyFn destroy = nullptr;
};
// nullptr when `module` is nullptr (not built); aborts when it cannot be opened.
const GridHost* OpenGridHost(const char* module) {
  if (module == nullptr) return nullptr;
  void* handle = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  GridHost* host = new GridHost;
  if (handle != nullptr) {
    host->create = reinterpret_cast<FpgaasGridCreateFn>(dlsym(handle, "fpgaas_grid_create"));
    host->run = reinterpret_cast<FpgaasGridRunFn>(dlsym(handle, "fpgaas_grid_run"));
    host->outputs = reinterpret_cast<FpgaasGridOutputsFn>(dlsym(handle, "fpgaas_grid_outputs"));
    host->destroy = reinterpret_cast<FpgaasGridDestroyFn>(dlsym(handle, "fpgaas_grid_destroy"));
  }
  if (!host->create || !host->run || !host->outputs || !host->destroy) {
    fprintf(stderr, "kernel_grid_bench: cannot open %s: %s\n", module, dlerror());
    abort();
  }
  return host;
}

// A host build's network of one grid point, released at scope exit.
struct HostNet {
  const GridHost* host;
  void* net;
  ~HostNet() {
    if (net != nullptr) host->destroy(net);
  }
};

void RunGridPoint(benchmark::State& state, const char* name, const char* in_text,
                  const char* w_text, const char* acc_text, bool bn) {
  static const GridHost* const fpgaas_host = OpenGridHost(FPGAAS_GRID_MODULE);
  static const GridHost* const hls_host = OpenGridHost(FPGAAS_HLS_GRID_MODULE);
  // Seeded weights and inputs, as raw values of the point's types.
  std::mt19937_64 rng(42);
  std::normal_distribution<double> gw(0, 0.25), gs(1, 0.25), gb(0, 0.5);
  NetworkSpec spec;
  spec.input_type = TypeOf(in_text);
  spec.input_size = kSizes[0];
  const FixedType wt = TypeOf(w_text), at = TypeOf(acc_text), rt = spec.input_type,
                  st = TypeOf(FPGAAS_STRING(FPGAAS_GRID_SCALE_TYPE));
  std::vector<int64_t> w[3], b[3], s[2], sb[2];
  for (int k = 0; k < 3; ++k) {
    for (unsigned i = 0; i < kSizes[k] * kSizes[k + 1]; ++i) w[k].push_back(Raw(wt, gw(rng)));
    for (unsigned j = 0; j < kSizes[k + 1]; ++j) b[k].push_back(Raw(wt, gw(rng)));
    const int n = static_cast<int>(kSizes[k + 1]);
    DenseSpec dense;
    dense.n_in = static_cast<int>(kSizes[k]);
    dense.n_out = n;
    dense.weight_type = dense.bias_type = wt;
    dense.accum_type = at;
    dense.weights = w[k];
    dense.biases = b[k];
    spec.layers.push_back(LayerSpec{"fc" + std::to_string(k), rt, dense});
    if (k == 2) break;
    if (bn) {
      for (int j = 0; j < n; ++j) {
        s[k].push_back(Raw(st, gs(rng)));
        sb[k].push_back(Raw(st, gb(rng)));
      }
      BatchNormSpec norm;
      norm.n = n;
      norm.scale_type = norm.bias_type = st;
      norm.scale = s[k];
      norm.bias = sb[k];
      spec.layers.push_back(LayerSpec{"bn" + std::to_string(k), rt, norm});
    }
    spec.layers.push_back(
        LayerSpec{"relu" + std::to_string(k), rt, ActivationSpec{ActivationKind::kRelu, n}});
  }
  absl::StatusOr<std::unique_ptr<Network>> created = Network::Create(spec);
  if (!created.ok()) {
    state.SkipWithError(std::string(created.status().message()).c_str());
    return;
  }
  const Network& net = **created;
  std::mt19937_64 xrng(7);
  std::normal_distribution<float> gx(0, 1);
  std::vector<float> values(kBatch * kSizes[0]);
  for (float& v : values) v = gx(xrng);
  std::vector<uint8_t> in(kBatch * net.input_bytes_per_sample());
  std::vector<uint8_t> out(kBatch * net.output_bytes_per_sample());
  if (!PackElements(ElementType::kFp32, values.data(), values.size(), net.input_type(), in.data())
           .ok()) {
    state.SkipWithError("packing failed");
    return;
  }
  const FpgaasGridValues host_values{{w[0].data(), w[1].data(), w[2].data()},
                                     {b[0].data(), b[1].data(), b[2].data()},
                                     {s[0].data(), s[1].data()},
                                     {sb[0].data(), sb[1].data()},
                                     values.data(),
                                     kBatch};
  HostNet host{fpgaas_host, fpgaas_host->create(name, &host_values)};
  HostNet hls{hls_host, hls_host ? hls_host->create(name, &host_values) : nullptr};
  if (host.net == nullptr || (hls_host && hls.net == nullptr)) {
    state.SkipWithError("no host build of this grid point");
    return;
  }
  // Same bits, or the comparison is meaningless.
  net.Run(in.data(), out.data(), kBatch);
  const FixedType ot = net.output_type();
  std::vector<int64_t> host_out(kBatch * kSizes[3]);
  for (const HostNet* h : {&host, &hls}) {
    if (h->net == nullptr) continue;
    h->host->run(h->net);
    h->host->outputs(h->net, host_out.data());
    for (size_t k = 0; k < host_out.size(); ++k) {
      if (UnpackRaw(ot, out.data() + k * ot.container_bytes()) != host_out[k]) {
        const std::string error = std::string("emulator and host build (") +
                                  (h == &host ? "fpgaas" : "Xilinx") +
                                  " ap types) differ at output " + std::to_string(k);
        state.SkipWithError(error.c_str());
        return;
      }
    }
  }
  const double macs = static_cast<double>(kBatch) * net.macs_per_sample();
  const double host_rate = HostRate([&] { host.host->run(host.net); }, macs);
  const double hls_rate = hls.net ? HostRate([&] { hls.host->run(hls.net); }, macs) : 0;

  for (auto _ : state) {
    EmulatorBatch(net, in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["emu_GMAC/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * macs / 1e9, benchmark::Counter::kIsRate);
  state.counters["host_GMAC/s"] = host_rate / 1e9;
  // A rate counter divided by the loop's CPU seconds: emulator MAC/s over host MAC/s.
  state.counters["speedup"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * macs / host_rate, benchmark::Counter::kIsRate);
  if (hls_rate > 0) {
    state.counters["hls_GMAC/s"] = hls_rate / 1e9;
    state.counters["hls_speedup"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * macs / hls_rate, benchmark::Counter::kIsRate);
  }
}

#define FPGAAS_GRID_BENCHMARK(NAME, IN, W, ACC, BN)               \
  void BM_##NAME(benchmark::State& state) {                       \
    RunGridPoint(state, #NAME, #IN, #W, #ACC, BN);                \
  }                                                               \
  BENCHMARK(BM_##NAME)->Unit(benchmark::kMillisecond);
FPGAAS_GRID_POINTS(FPGAAS_GRID_BENCHMARK)
#undef FPGAAS_GRID_BENCHMARK

// The example models of deploy/models next to their kernels/ host
// builds (the modules CMakeLists.txt builds per model: `module` over fpgaas' ap types, `hls_module`
// over Xilinx's; nullptr: not built). Seeded Gaussian inputs, batch 1024; all must give the same
// bits on the batch first.
using HostKernelFn = void (*)(const void* const*, void* const*, unsigned);
HostKernelFn OpenHostKernel(const char* module) {
  if (module == nullptr) return nullptr;
  void* handle = dlopen(module, RTLD_NOW | RTLD_LOCAL);  // kept open for the process
  if (handle == nullptr) return nullptr;
  return reinterpret_cast<HostKernelFn>(dlsym(handle, "fpgaas_host_kernel"));
}

void RunExampleModel(benchmark::State& state, const char* name, const char* module,
                     const char* hls_module) {
  absl::StatusOr<std::shared_ptr<const Network>> loaded =
      LoadHls4mlNetwork(std::string(FPGAAS_EXAMPLE_MODELS) + "/" + name + "/1/hls4ml_prj");
  if (!loaded.ok()) {
    state.SkipWithError(std::string(loaded.status().message()).c_str());
    return;
  }
  const Network& net = **loaded;
  std::mt19937_64 rng(7);
  std::normal_distribution<float> gx(0, 1);
  std::vector<std::vector<uint8_t>> ins, outs;
  std::vector<const uint8_t*> in_ptrs;
  std::vector<uint8_t*> out_ptrs;
  for (int k = 0; k < net.num_inputs(); ++k) {
    std::vector<float> values(static_cast<size_t>(kBatch) * net.input_size(k));
    for (float& v : values) v = gx(rng);
    ins.emplace_back(static_cast<size_t>(kBatch) * net.input_bytes_per_sample(k));
    if (!PackElements(ElementType::kFp32, values.data(), values.size(), net.input_type(k),
                      ins.back().data())
             .ok()) {
      state.SkipWithError("packing failed");
      return;
    }
    in_ptrs.push_back(ins.back().data());
  }
  for (int k = 0; k < net.num_outputs(); ++k) {
    outs.emplace_back(static_cast<size_t>(kBatch) * net.output_bytes_per_sample(k));
    out_ptrs.push_back(outs.back().data());
  }
  const double macs = static_cast<double>(kBatch) * net.macs_per_sample();
  net.Run(in_ptrs.data(), out_ptrs.data(), kBatch);
  // MAC/s of one host build; 0 when not built; -1 (error set) when it cannot run or differs.
  auto host_rate_of = [&](const char* path, const char* what) -> double {
    if (path == nullptr) return 0;
    HostKernelFn host = OpenHostKernel(path);
    if (host == nullptr) {
      state.SkipWithError((std::string("cannot open the host build ") + path).c_str());
      return -1;
    }
    std::vector<std::vector<uint8_t>> host_outs;
    std::vector<const void*> host_in(in_ptrs.begin(), in_ptrs.end());
    std::vector<void*> host_out;
    for (const auto& o : outs) host_outs.emplace_back(o.size(), 0x55);
    for (auto& o : host_outs) host_out.push_back(o.data());
    host(host_in.data(), host_out.data(), kBatch);
    if (host_outs != outs) {
      state.SkipWithError(
          (std::string("emulator and host build (") + what + " ap types) differ").c_str());
      return -1;
    }
    return HostRate([&] { host(host_in.data(), host_out.data(), kBatch); }, macs);
  };
  const double host_rate = host_rate_of(module, "fpgaas");
  if (host_rate < 0) return;
  const double hls_rate = host_rate_of(hls_module, "Xilinx");
  if (hls_rate < 0) return;
  for (auto _ : state) {
    net.Run(in_ptrs.data(), out_ptrs.data(), kBatch);
    benchmark::DoNotOptimize(out_ptrs.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["emu_GMAC/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * macs / 1e9, benchmark::Counter::kIsRate);
  state.counters["MAC/sample"] = static_cast<double>(net.macs_per_sample());
  if (host_rate > 0) {
    state.counters["host_GMAC/s"] = host_rate / 1e9;
    state.counters["speedup"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * macs / host_rate, benchmark::Counter::kIsRate);
  }
  if (hls_rate > 0) {
    state.counters["hls_GMAC/s"] = hls_rate / 1e9;
    state.counters["hls_speedup"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * macs / hls_rate, benchmark::Counter::kIsRate);
  }
}
// One BM_model_<name> per example model with a host build: FPGAAS_BENCH_MODELS (CMakeLists.txt)
// lists "name|module|hls module" entries, comma-separated; an empty hls module: not built.
const bool kExampleModelsRegistered = [] {
#ifdef FPGAAS_BENCH_MODELS
  for (absl::string_view entry : absl::StrSplit(FPGAAS_BENCH_MODELS, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(entry, '|');
    parts.resize(3);
    benchmark::RegisterBenchmark(("BM_model_" + parts[0]).c_str(),
                                 [parts](benchmark::State& state) {
                                   RunExampleModel(state, parts[0].c_str(),
                                                   parts[1].empty() ? nullptr : parts[1].c_str(),
                                                   parts[2].empty() ? nullptr : parts[2].c_str());
                                 })
        ->Unit(benchmark::kMillisecond);
  }
#endif
  return true;
}();

}  // namespace
}  // namespace fpgaas::numerics
