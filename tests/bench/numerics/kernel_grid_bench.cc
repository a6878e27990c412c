// The emulator next to the kernels/ host build of the same network, in the same run, over a grid
// of type configurations (issue 12): weight widths 4-24, input widths 6-18, accumulators narrower
// than the product (every product quantized) and wider (exact products), every quantization and
// overflow mode of accum_t, with and without batch normalization.
//
// Each grid point is a 32-64-64-16 dense network (ReLU between layers; with batch norm: dense ->
// batchnorm -> relu), 7168 MAC/sample, seeded Gaussian weights and inputs. The host build is the
// HLS C++ of kernels/host (fpgaas' ap_fixed and nnet layers, compiled as hls4ml's C simulation
// compiles a project); it runs the batch one sample at a time, as the C simulation does. Before
// timing, the two are checked to give the same bits on the whole batch.
//
// Counters (rates per CPU second of the one benchmark thread): emu_GMAC/s (the emulator, batch
// 1024), host_GMAC/s (the host build on the same batch), speedup = emu / host. Command and table:
// tests/bench/numerics/README.md.
#include <dlfcn.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ap_fixed.h"
#include "benchmark/benchmark.h"
#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_batchnorm.h"
#include "nnet_utils/nnet_dense.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"

namespace fpgaas::numerics {
namespace {

constexpr int kBatch = 1024;
constexpr unsigned kSizes[] = {32, 64, 64, 16};

// The numerics type of a host ap type.
template <class T>
FixedType TypeOf() {
  // ap_fixed.h's enum orders.
  static const char* const q[] = {"AP_RND",     "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF",
                                  "AP_RND_CONV", "AP_TRN",      "AP_TRN_ZERO"};
  static const char* const o[] = {"AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP"};
  const std::string text = std::string(T::sign_flag ? "ap_fixed<" : "ap_ufixed<") +
                           std::to_string(T::width) + "," + std::to_string(T::iwidth) + "," +
                           q[T::qmode] + "," + o[T::omode] + ">";
  absl::StatusOr<FixedType> t = ParseFixedType(text);
  if (!t.ok()) {
    fprintf(stderr, "%s\n", std::string(t.status().message()).c_str());
    abort();
  }
  return *t;
}

template <class W, class Acc, unsigned NIn, unsigned NOut>
struct DenseConfig : nnet::dense_config {
  typedef W weight_t;
  typedef W bias_t;
  typedef Acc accum_t;
  static const unsigned n_in = NIn;
  static const unsigned n_out = NOut;
};
template <class S, unsigned N>
struct BatchNormConfig : nnet::batchnorm_config {
  typedef S scale_t;
  typedef S bias_t;
  static const unsigned n_in = N;
  static const unsigned n_scale_bias = N;
};
template <unsigned N>
struct ReluConfig : nnet::activ_config {
  static const unsigned n_in = N;
};

// One grid point: the host network and its NetworkSpec from the same values.
template <class In, class W, class Acc, bool kBn>
struct GridNet {
  using Res = In;           // every layer's result type is the input type
  using Scale = ap_fixed<16, 6>;
  std::vector<W> w[3], b[3];
  std::vector<Scale> s[2], sb[2];
  NetworkSpec spec;

  explicit GridNet(uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> gw(0, 0.25), gs(1, 0.25), gb(0, 0.5);
    spec.input_type = TypeOf<In>();
    spec.input_size = kSizes[0];
    const FixedType wt = TypeOf<W>(), at = TypeOf<Acc>(), rt = TypeOf<Res>(),
                    st = TypeOf<Scale>();
    for (int k = 0; k < 3; ++k) {
      DenseSpec d{static_cast<int>(kSizes[k]), static_cast<int>(kSizes[k + 1]), wt, wt, at, {}, {}};
      for (unsigned i = 0; i < kSizes[k] * kSizes[k + 1]; ++i) {
        w[k].push_back(W(gw(rng)));
        d.weights.push_back(static_cast<int64_t>(w[k].back().V));
      }
      for (unsigned j = 0; j < kSizes[k + 1]; ++j) {
        b[k].push_back(W(gw(rng)));
        d.biases.push_back(static_cast<int64_t>(b[k].back().V));
      }
      const int n = static_cast<int>(kSizes[k + 1]);
      spec.layers.push_back(LayerSpec{"fc" + std::to_string(k), rt, d});
      if (k == 2) break;
      if (kBn) {
        BatchNormSpec bn{n, st, st, {}, {}};
        for (int j = 0; j < n; ++j) {
          s[k].push_back(Scale(gs(rng)));
          sb[k].push_back(Scale(gb(rng)));
          bn.scale.push_back(static_cast<int64_t>(s[k].back().V));
          bn.bias.push_back(static_cast<int64_t>(sb[k].back().V));
        }
        spec.layers.push_back(LayerSpec{"bn" + std::to_string(k), rt, bn});
      }
      spec.layers.push_back(
          LayerSpec{"relu" + std::to_string(k), rt, ActivationSpec{ActivationKind::kRelu, n}});
    }
  }

  // hls4ml's generated top function, in the style of firmware/myproject.cpp.
  template <unsigned NIn, unsigned NOut>
  void Layer(int k, In* x, Res* y) {
    Res dense_out[NOut], bn_out[NOut];
    nnet::dense<In, Res, DenseConfig<W, Acc, NIn, NOut>>(x, k == 2 ? y : dense_out, w[k].data(),
                                                         b[k].data());
    if (k == 2) return;
    Res* relu_in = dense_out;
    if (kBn) {
      nnet::normalize<Res, Res, BatchNormConfig<Scale, NOut>>(dense_out, bn_out, s[k].data(),
                                                              sb[k].data());
      relu_in = bn_out;
    }
    nnet::relu<Res, Res, ReluConfig<NOut>>(relu_in, y);
  }
  void RunSample(In* x, Res* y) {
    Res h1[kSizes[1]], h2[kSizes[2]];
    Layer<kSizes[0], kSizes[1]>(0, x, h1);
    Layer<kSizes[1], kSizes[2]>(1, h1, h2);
    Layer<kSizes[2], kSizes[3]>(2, h2, y);
  }
};

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

template <class In, class W, class Acc, bool kBn>
void RunGridPoint(benchmark::State& state) {
  GridNet<In, W, Acc, kBn> g(42);
  absl::StatusOr<std::unique_ptr<Network>> created = Network::Create(g.spec);
  if (!created.ok()) {
    state.SkipWithError(std::string(created.status().message()).c_str());
    return;
  }
  const Network& net = **created;
  std::mt19937_64 rng(7);
  std::normal_distribution<float> gx(0, 1);
  std::vector<float> values(kBatch * kSizes[0]);
  for (float& v : values) v = gx(rng);
  std::vector<uint8_t> in(kBatch * net.input_bytes_per_sample());
  std::vector<uint8_t> out(kBatch * net.output_bytes_per_sample());
  if (!PackElements(ElementType::kFp32, values.data(), values.size(), net.input_type(), in.data())
           .ok()) {
    state.SkipWithError("packing failed");
    return;
  }
  std::vector<In> host_in(values.size());
  for (size_t k = 0; k < values.size(); ++k) host_in[k] = In(values[k]);
  std::vector<In> host_out(kBatch * kSizes[3]);
  auto run_host = [&] {
    for (int b = 0; b < kBatch; ++b) {
      g.RunSample(host_in.data() + b * kSizes[0], host_out.data() + b * kSizes[3]);
    }
  };
  // Same bits, or the comparison is meaningless.
  net.Run(in.data(), out.data(), kBatch);
  run_host();
  const FixedType ot = net.output_type();
  for (size_t k = 0; k < host_out.size(); ++k) {
    if (UnpackRaw(ot, out.data() + k * ot.container_bytes()) !=
        static_cast<int64_t>(host_out[k].V)) {
      state.SkipWithError(("emulator and host build differ at output " + std::to_string(k)).c_str());
      return;
    }
  }
  // The host build: whole batches until 0.3 CPU seconds.
  int host_batches = 0;
  const double host_start = ThreadCpuSeconds();
  double host_seconds = 0;
  do {
    HostBatch(run_host);
    benchmark::DoNotOptimize(host_out.data());
    ++host_batches;
    host_seconds = ThreadCpuSeconds() - host_start;
  } while (host_seconds < 0.3);
  const double macs = static_cast<double>(kBatch) * net.macs_per_sample();
  const double host_rate = host_batches * macs / host_seconds;

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
}

template <class T>
struct Unparen;
template <class T>
struct Unparen<void(T)> {
  using type = T;
};

// Grid points: NAME, (input type), (weight type), (accum type), batch norm.
#define GRID(NAME, IN, W, ACC, BN)                                                          \
  void BM_##NAME(benchmark::State& state) {                                                 \
    RunGridPoint<Unparen<void IN>::type, Unparen<void W>::type, Unparen<void ACC>::type, BN>( \
        state);                                                                             \
  }                                                                                         \
  BENCHMARK(BM_##NAME)->Unit(benchmark::kMillisecond)

// The issue's project: ap_fixed<17,2> weights, ap_fixed<16,6> inputs and accum, batch norm.
using F16_6 = ap_fixed<16, 6>;
GRID(issue_w17_x16_acc16_bn, (F16_6), (ap_fixed<17, 2>), (F16_6), true);
GRID(issue_w17_x16_acc16, (F16_6), (ap_fixed<17, 2>), (F16_6), false);
// Weight widths 4..24 (inputs <16,6>, accum <16,6> narrower than the product).
GRID(w4_x16_acc16, (F16_6), (ap_fixed<4, 1>), (F16_6), false);
GRID(w8_x16_acc16, (F16_6), (ap_fixed<8, 2>), (F16_6), false);
GRID(w12_x16_acc16, (F16_6), (ap_fixed<12, 2>), (F16_6), false);
GRID(w20_x16_acc16, (F16_6), (ap_fixed<20, 2>), (F16_6), false);
GRID(w24_x16_acc16, (F16_6), (ap_fixed<24, 2>), (F16_6), false);
// Input widths 6..18 (weights <12,2>).
GRID(w12_x6_acc16, (ap_fixed<6, 3>), (ap_fixed<12, 2>), (F16_6), false);
GRID(w12_x10_acc16, (ap_fixed<10, 4>), (ap_fixed<12, 2>), (F16_6), false);
GRID(w12_x18_acc16, (ap_fixed<18, 8>), (ap_fixed<12, 2>), (F16_6), false);
// Accum wider than the product (no product quantization): 24 + 16 bits products.
GRID(w24_x16_accwide, (F16_6), (ap_fixed<24, 2>), (ap_fixed<48, 16>), false);
GRID(w8_x10_accwide, (ap_fixed<10, 4>), (ap_fixed<8, 2>), (ap_fixed<24, 12>), false);
GRID(w24_x18_accwide_bn, (ap_fixed<18, 8>), (ap_fixed<24, 2>), (ap_fixed<48, 16>), true);
// Every quantization mode of a narrow accum (products quantized), AP_WRAP.
GRID(q_rnd, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND>), false);
GRID(q_rnd_conv, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_CONV>), false);
GRID(q_rnd_zero, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_ZERO>), false);
GRID(q_rnd_inf, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_INF>), false);
GRID(q_rnd_min_inf, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_MIN_INF>), false);
GRID(q_trn_zero, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_TRN_ZERO>), false);
// Every overflow mode (saturating sums keep hls4ml's order).
GRID(o_sat, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND, AP_SAT>), false);
GRID(o_sat_zero, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_TRN, AP_SAT_ZERO>), false);
GRID(o_sat_sym, (F16_6), (ap_fixed<12, 2>), (ap_fixed<16, 6, AP_RND_CONV, AP_SAT_SYM>), false);
GRID(o_sat_w24_bn, (F16_6), (ap_fixed<24, 2>), (ap_fixed<20, 8, AP_RND, AP_SAT>), true);

// The example graph models of deploy/models (conv/pooling/merge layers) next to their kernels/ host
// builds (the module CMakeLists.txt builds per model, `module`; nullptr: emulator only). Seeded
// Gaussian inputs, batch 1024; the two must give the same bits on the batch first.
using HostKernelFn = void (*)(const void* const*, void* const*, unsigned);
HostKernelFn OpenHostKernel(const char* module) {
  if (module == nullptr) return nullptr;
  void* handle = dlopen(module, RTLD_NOW | RTLD_LOCAL);  // kept open for the process
  if (handle == nullptr) return nullptr;
  return reinterpret_cast<HostKernelFn>(dlsym(handle, "fpgaas_host_kernel"));
}

void RunExampleModel(benchmark::State& state, const char* name, const char* module) {
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
  double host_rate = 0;
  if (HostKernelFn host = OpenHostKernel(module)) {
    std::vector<std::vector<uint8_t>> host_outs;
    std::vector<const void*> host_in(in_ptrs.begin(), in_ptrs.end());
    std::vector<void*> host_out;
    for (const auto& o : outs) host_outs.emplace_back(o.size(), 0x55);
    for (auto& o : host_outs) host_out.push_back(o.data());
    net.Run(in_ptrs.data(), out_ptrs.data(), kBatch);
    host(host_in.data(), host_out.data(), kBatch);
    if (host_outs != outs) {
      state.SkipWithError("emulator and host build differ");
      return;
    }
    int host_batches = 0;
    const double host_start = ThreadCpuSeconds();
    double host_seconds = 0;
    do {
      HostBatch([&] { host(host_in.data(), host_out.data(), kBatch); });
      benchmark::DoNotOptimize(host_out.data());
      ++host_batches;
      host_seconds = ThreadCpuSeconds() - host_start;
    } while (host_seconds < 0.3);
    host_rate = host_batches * macs / host_seconds;
  } else if (module != nullptr) {
    state.SkipWithError((std::string("cannot open the host build ") + module).c_str());
    return;
  }
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
}
#ifndef FPGAAS_HOST_MODULE_cnn
#define FPGAAS_HOST_MODULE_cnn nullptr
#endif
#ifndef FPGAAS_HOST_MODULE_cnn_stream
#define FPGAAS_HOST_MODULE_cnn_stream nullptr
#endif
#ifndef FPGAAS_HOST_MODULE_branchy
#define FPGAAS_HOST_MODULE_branchy nullptr
#endif
void BM_model_cnn(benchmark::State& state) {
  RunExampleModel(state, "cnn", FPGAAS_HOST_MODULE_cnn);
}
void BM_model_cnn_stream(benchmark::State& state) {
  RunExampleModel(state, "cnn_stream", FPGAAS_HOST_MODULE_cnn_stream);
}
void BM_model_branchy(benchmark::State& state) {
  RunExampleModel(state, "branchy", FPGAAS_HOST_MODULE_branchy);
}
BENCHMARK(BM_model_cnn)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_model_cnn_stream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_model_branchy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fpgaas::numerics
