// Throughput of the bit-exact executor on the example model shapes (random weights) and of the
// float -> fixed packing the serving core runs on every sample.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/numerics/network.h"
#include "server/numerics/tensor_packing.h"

namespace fpgaas::numerics {
namespace {

FixedType T(const char* text) { return *ParseFixedType(text); }

std::unique_ptr<Network> MakeNet(const FixedType& t, int n_in, const std::vector<int>& hidden, int n_out,
                                 bool softmax) {
  std::mt19937_64 rng(1);
  NetworkSpec spec{t, n_in, {}};
  int size = n_in;
  std::vector<int> widths = hidden;
  widths.push_back(n_out);
  for (size_t k = 0; k < widths.size(); ++k) {
    DenseSpec d{size, widths[k], t, t, t, {}, {}};
    std::normal_distribution<double> w(0, 1.0 / std::sqrt(size));
    for (int i = 0; i < size * widths[k]; ++i) d.weights.push_back(*FromDouble(t, w(rng)));
    for (int j = 0; j < widths[k]; ++j) d.biases.push_back(*FromDouble(t, w(rng) / 4));
    size = widths[k];
    spec.layers.push_back(LayerSpec{"dense" + std::to_string(k), t, d});
    if (k + 1 < widths.size()) {
      spec.layers.push_back(LayerSpec{"relu" + std::to_string(k), t, ActivationSpec{ActivationKind::kRelu, size}});
    }
  }
  if (softmax) {
    SoftmaxSpec s;
    s.n = size;
    s.inp_norm_type = FixedType{t.width - 1, t.integer_bits - 1, false};
    spec.layers.push_back(LayerSpec{"softmax", t, s});
  }
  return *Network::Create(spec);
}

void RunNet(benchmark::State& state, const Network& net) {
  const size_t batch = state.range(0);
  std::mt19937_64 rng(2);
  std::vector<uint8_t> in(batch * net.input_bytes_per_sample()), out(batch * net.output_bytes_per_sample());
  std::vector<float> values(batch * net.input_size());
  std::normal_distribution<float> x(0, 1);
  for (float& v : values) v = x(rng);
  (void)PackElements(ElementType::kFp32, values.data(), values.size(), net.input_type(), in.data());
  for (auto _ : state) {
    net.Run(in.data(), out.data(), batch);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * batch * net.macs_per_sample(),
                                               benchmark::Counter::kIsRate);
}

void BM_Iris(benchmark::State& state) {
  static auto net = MakeNet(T("ap_fixed<16,6>"), 4, {16}, 3, true);
  RunNet(state, *net);
}
void BM_MuonPt(benchmark::State& state) {
  static auto net = MakeNet(T("ap_fixed<14,4>"), 27, {35, 20, 25, 40, 20, 15}, 1, false);
  RunNet(state, *net);
}
void BM_JetTagger(benchmark::State& state) {
  static auto net = MakeNet(T("ap_fixed<16,6>"), 16, {64, 32, 32}, 5, true);
  RunNet(state, *net);
}
BENCHMARK(BM_Iris)->Arg(1)->Arg(64)->Arg(1024)->Arg(8192);
BENCHMARK(BM_MuonPt)->Arg(1)->Arg(64)->Arg(1024)->Arg(8192);
BENCHMARK(BM_JetTagger)->Arg(1)->Arg(64)->Arg(1024)->Arg(8192);

void BM_PackFp32ToApFixed16_6(benchmark::State& state) {
  const FixedType t = T("ap_fixed<16,6>");
  std::vector<float> values(state.range(0));
  std::mt19937_64 rng(3);
  std::normal_distribution<float> x(0, 8);
  for (float& v : values) v = x(rng);
  std::vector<uint8_t> out(values.size() * 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(PackElements(ElementType::kFp32, values.data(), values.size(), t, out.data()));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_PackFp32ToApFixed16_6)->Arg(4096)->Arg(65536);

}  // namespace
}  // namespace fpgaas::numerics
