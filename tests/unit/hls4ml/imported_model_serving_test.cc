// `fpgaas hls4ml import` writes an entry that the server serves: the model repository loads it onto
// the emulated FPGA, and a request through its scheduler answers exactly what `fpgaas hls4ml
// predict` prints for the same inputs (both paths: float -> input_t, network, output_t -> float).
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "gtest/gtest.h"
#include "server/device/device_manager.h"
#include "server/repository/repository.h"
#include "server/scheduler/scheduler.h"
#include "server/util/clock.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::FixturesDir;
using ::fpgaas::testing_hls4ml::ReadText;
using ::fpgaas::testing_hls4ml::ScratchDir;
using ::fpgaas::testing_hls4ml::WriteText;

// One request of `batch` samples through the model's scheduler; the FP32 outputs.
absl::StatusOr<std::vector<float>> Infer(const ServingModel& model, const std::vector<float>& input,
                                         int batch) {
  auto request = std::make_unique<InferenceRequest>();
  request->id = "imported";
  request->batch_size = batch;
  request->input.assign(reinterpret_cast<const char*>(input.data()), input.size() * sizeof(float));
  std::promise<absl::StatusOr<InferenceResult>> promise;
  std::future<absl::StatusOr<InferenceResult>> future = promise.get_future();
  request->done = [&promise](absl::StatusOr<InferenceResult> result) {
    promise.set_value(std::move(result));
  };
  if (absl::Status enqueued = model.scheduler()->Enqueue(request); !enqueued.ok()) return enqueued;
  absl::StatusOr<InferenceResult> result = future.get();
  if (!result.ok()) return result.status();
  std::vector<float> out(result->output.size() / sizeof(float));
  std::memcpy(out.data(), result->output.data(), out.size() * sizeof(float));
  return out;
}

TEST(ImportedModelServingTest, ServedOnTheEmulatedFpgaAsPredictAnswers) {
  const fs::path repo = ScratchDir("repo");
  for (const char* fixture : {"new_style", "old_style"}) {
    std::ostringstream out, err;
    ASSERT_EQ(RunHls4mlCommand({"import", (FixturesDir() / fixture).string(), "--repository",
                                repo.string(), "--name", fixture},
                               out, err),
              0)
        << err.str();
  }
  RealClock clock;
  DeviceManagerOptions device_options;
  device_options.devices = "emu";
  device_options.clock = &clock;
  absl::StatusOr<std::unique_ptr<DeviceManager>> devices =
      DeviceManager::Create(std::move(device_options));
  ASSERT_TRUE(devices.ok()) << devices.status();
  ModelRepositoryOptions options;
  options.root = repo;
  options.devices = devices->get();
  options.clock = &clock;
  absl::StatusOr<std::unique_ptr<ModelRepository>> repository =
      ModelRepository::Create(std::move(options));
  ASSERT_TRUE(repository.ok()) << repository.status();

  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-40, 40);  // beyond ap_fixed<16,6>'s range too
  for (const char* name : {"new_style", "old_style"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<std::shared_ptr<const ServingModel>> model = (*repository)->Get(name);
    ASSERT_TRUE(model.ok()) << model.status();
    const int batch = 37;
    const int n_in = static_cast<int>((*model)->input().elements_per_sample);
    std::vector<float> inputs(static_cast<size_t>(batch) * n_in);
    std::string csv;
    for (int s = 0; s < batch; ++s) {
      std::vector<std::string> fields;
      for (int i = 0; i < n_in; ++i) {
        float& v = inputs[static_cast<size_t>(s) * n_in + i];
        v = value(rng);
        fields.push_back(absl::StrFormat("%.9g", v));  // round-trips the float exactly
      }
      absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
    }
    const fs::path dir = ScratchDir(name);
    WriteText(dir / "in.csv", csv);
    std::ostringstream out, err;
    ASSERT_EQ(RunHls4mlCommand({"predict", (repo / name).string(), "--input",
                                (dir / "in.csv").string(), "--output", (dir / "out.csv").string()},
                               out, err),
              0)
        << err.str();
    std::vector<float> expected;
    for (absl::string_view line :
         absl::StrSplit(ReadText(dir / "out.csv"), '\n', absl::SkipEmpty())) {
      for (absl::string_view v : absl::StrSplit(line, ',')) {
        expected.push_back(static_cast<float>(std::stod(std::string(v))));
      }
    }
    absl::StatusOr<std::vector<float>> served = Infer(**model, inputs, batch);
    ASSERT_TRUE(served.ok()) << served.status();
    ASSERT_EQ(served->size(), expected.size());
    EXPECT_EQ(*served, expected);
  }
}

}  // namespace
}  // namespace fpgaas
