// Throughput of the bit-exact executor on the example models of deploy/models (loaded through the
// hls4ml importer, as fpgaasd loads them) and of the float -> fixed packing the serving core runs
// on every sample. Figures and the command: docs/numerics.md.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"

namespace fpgaas::numerics {
namespace {

FixedType T(const char* text) { return *ParseFixedType(text); }

// The example model `name` as fpgaasd serves it; aborts the benchmark run if it does not load.
std::shared_ptr<const Network> ExampleModel(const std::string& name) {
  absl::StatusOr<std::shared_ptr<const Network>> net =
      LoadHls4mlNetwork(std::string(FPGAAS_EXAMPLE_MODELS) + "/" + name + "/1/hls4ml_prj");
  if (!net.ok()) {
    fprintf(stderr, "cannot load example model %s: %s\n", name.c_str(),
            std::string(net.status().message()).c_str());
    abort();
  }
  return *net;
}

void RunNet(benchmark::State& state, const Network& net) {
  const size_t batch = state.range(0);
  std::mt19937_64 rng(2);
  std::vector<uint8_t> in(batch * net.input_bytes_per_sample()),
      out(batch * net.output_bytes_per_sample());
  std::vector<float> values(batch * net.input_size());
  std::normal_distribution<float> x(0, 1);
  for (float& v : values) v = x(rng);
  (void)PackElements(ElementType::kFp32, values.data(), values.size(), net.input_type(), in.data());
  for (auto _ : state) {
    net.Run(in.data(), out.data(), batch);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch * net.macs_per_sample(),
                         benchmark::Counter::kIsRate);
}

void BM_Iris(benchmark::State& state) {
  static const std::shared_ptr<const Network> net = ExampleModel("iris");
  RunNet(state, *net);
}
void BM_MuonPt(benchmark::State& state) {
  static const std::shared_ptr<const Network> net = ExampleModel("muon_pt");
  RunNet(state, *net);
}
void BM_JetTagger(benchmark::State& state) {
  static const std::shared_ptr<const Network> net = ExampleModel("jet_tagger");
  RunNet(state, *net);
}
// The issue-12 network: a CMS muon pT project as users bring it (27-60-50-30-40-15-1 dense layers,
// each followed by batch normalization and ReLU; ap_fixed<17,2> weights and biases, ap_fixed<16,6>
// inputs, accum and results), with seeded random weights.
std::shared_ptr<const Network> MuonBnNetwork() {
  std::mt19937_64 rng(12);
  NetworkSpec spec;
  spec.input_type = T("ap_fixed<16,6>");
  spec.input_size = 27;
  const int sizes[] = {27, 60, 50, 30, 40, 15, 1};
  const FixedType w = T("ap_fixed<17,2>"), a = T("ap_fixed<16,6>");
  auto raw = [&](const FixedType& t, double sd) {
    std::normal_distribution<double> d(0, sd);
    return *FromDouble(t, d(rng));
  };
  for (int k = 0; k + 1 < 7; ++k) {
    DenseSpec d{sizes[k], sizes[k + 1], w, w, a, {}, {}};
    for (int i = 0; i < d.n_in * d.n_out; ++i) d.weights.push_back(raw(w, 0.3));
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(raw(w, 0.3));
    const std::string n = std::to_string(k);
    spec.layers.push_back(LayerSpec{"fc" + n, a, d});
    if (k + 2 == 7) break;
    BatchNormSpec bn{d.n_out, a, a, {}, {}};
    for (int j = 0; j < d.n_out; ++j) {
      bn.scale.push_back(raw(a, 1.0));
      bn.bias.push_back(raw(a, 1.0));
    }
    spec.layers.push_back(LayerSpec{"bn" + n, a, bn});
    spec.layers.push_back(LayerSpec{"relu" + n, a, ActivationSpec{ActivationKind::kRelu, d.n_out}});
  }
  return *Network::Create(std::move(spec));
}

void BM_MuonPtBatchNorm(benchmark::State& state) {
  static const std::shared_ptr<const Network> net = MuonBnNetwork();
  RunNet(state, *net);
}
BENCHMARK(BM_MuonPtBatchNorm)->Arg(1)->Arg(8)->Arg(16)->Arg(64)->Arg(1024);

BENCHMARK(BM_Iris)->Arg(1)->Arg(8)->Arg(16)->Arg(64)->Arg(1024)->Arg(8192);
BENCHMARK(BM_MuonPt)->Arg(1)->Arg(8)->Arg(16)->Arg(64)->Arg(1024)->Arg(8192);
BENCHMARK(BM_JetTagger)->Arg(1)->Arg(8)->Arg(16)->Arg(64)->Arg(1024)->Arg(8192);

void BM_PackFp32ToApFixed16_6(benchmark::State& state) {
  const FixedType t = T("ap_fixed<16,6>");
  std::vector<float> values(state.range(0));
  std::mt19937_64 rng(3);
  std::normal_distribution<float> x(0, 8);
  for (float& v : values) v = x(rng);
  std::vector<uint8_t> out(values.size() * 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        PackElements(ElementType::kFp32, values.data(), values.size(), t, out.data()));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_PackFp32ToApFixed16_6)->Arg(4096)->Arg(65536)->Arg(1 << 20);

// A response's outputs: packed ap_fixed<14,4> (muon_pt's output type) back to FP32.
void BM_UnpackApFixed14_4ToFp32(benchmark::State& state) {
  const FixedType t = T("ap_fixed<14,4>");
  std::vector<uint8_t> packed(state.range(0) * 2);
  std::mt19937_64 rng(5);
  for (uint8_t& b : packed) b = static_cast<uint8_t>(rng());
  std::vector<float> out(state.range(0));
  for (auto _ : state) {
    UnpackElements(t, packed.data(), out.size(), ElementType::kFp32, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_UnpackApFixed14_4ToFp32)->Arg(1024);

// Wire types other than FP32 into ap_fixed<16,6> (the issue-12 gap: UINT16 tensors vs FP32).
template <ElementType kType, typename C>
void BM_PackToApFixed16_6(benchmark::State& state) {
  const FixedType t = T("ap_fixed<16,6>");
  std::vector<C> values(state.range(0));
  std::mt19937_64 rng(3);
  for (C& v : values) {
    const uint64_t r = rng();
    if constexpr (kType == ElementType::kFp16) {
      v = static_cast<C>(0x3c00 ^ (r & 0x83ff));  // +-[1, 2)
    } else if constexpr (kType == ElementType::kBf16) {
      v = static_cast<C>(0x3f80 ^ (r & 0x807f));
    } else {
      std::memcpy(&v, &r, sizeof(C));
      v = static_cast<C>(v % 64);
    }
  }
  std::vector<uint8_t> out(values.size() * 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(PackElements(kType, values.data(), values.size(), t, out.data()));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
  state.SetBytesProcessed(state.iterations() * values.size() * sizeof(C));
}
BENCHMARK(BM_PackToApFixed16_6<ElementType::kUint8, uint8_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kUint16, uint16_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kUint32, uint32_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kUint64, uint64_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kInt8, int8_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kInt16, int16_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kInt32, int32_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kInt64, int64_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kFp16, uint16_t>)->Arg(1 << 20);
BENCHMARK(BM_PackToApFixed16_6<ElementType::kBf16, uint16_t>)->Arg(1 << 20);

}  // namespace
}  // namespace fpgaas::numerics
