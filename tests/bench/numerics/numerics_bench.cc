// Throughput of the bit-exact executor on the example models of deploy/models (loaded through the
// hls4ml importer, as fpgaasd loads them) and of the float -> fixed packing the serving core runs
// on every sample. Figures and the command: docs/numerics.md.
#include <cstdio>
#include <cstdlib>
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
    benchmark::DoNotOptimize(
        PackElements(ElementType::kFp32, values.data(), values.size(), t, out.data()));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_PackFp32ToApFixed16_6)->Arg(4096)->Arg(65536);

}  // namespace
}  // namespace fpgaas::numerics
