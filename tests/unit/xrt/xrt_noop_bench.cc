// Host-side cost of one XrtDevice Execute on XRT's noop shim (sync to device, start, watchdog
// polling, sync back; the noop kernel computes nothing): fpgaas' own overhead per kernel call.
//   build/tests/unit/xrt/xrt_noop_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "server/device/xrt/xrt_device.h"
#include "tests/support/xrt_test_support.h"

namespace fpgaas {
namespace {

void BM_XrtExecute(benchmark::State& state) {
  RealClock clock;
  XrtDeviceOptions options;
  options.clock = &clock;
  auto card = XrtDevice::Create(options);
  if (!card.ok()) {
    state.SkipWithError(std::string(card.status().message()).c_str());
    return;
  }
  XclbinSpec xclbin;
  DeviceModelSpec spec = testing::WriteModel(testing::FreshDir("bench"), xclbin, 1);
  spec.max_batch_size = 8192;
  auto model = (*card)->Load(spec);
  if (!model.ok()) {
    state.SkipWithError(std::string(model.status().message()).c_str());
    return;
  }
  ExecutionSlot* slot = (*model)->slots()[0];
  const int batch = int(state.range(0));
  for (auto _ : state) {
    absl::Status status = slot->Execute(batch, nullptr);
    if (!status.ok()) state.SkipWithError(std::string(status.message()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch *
                          (spec.input_bytes_per_sample() + spec.output_bytes_per_sample()));
}
BENCHMARK(BM_XrtExecute)->Arg(1)->Arg(64)->Arg(1024)->Arg(8192);

}  // namespace
}  // namespace fpgaas

int main(int argc, char** argv) {
  fpgaas::testing::UseXrtNoopShim(std::filesystem::path(FPGAAS_XRT_TEST_ROOT) / "bench");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
