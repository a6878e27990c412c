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
#include "server/repository/model_config.h"
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

// The two-input, two-output fixture: `import` lists both tensors of each direction in the top
// function's order, and the served model answers what `predict` prints (outputs concatenated).
TEST(ImportedModelServingTest, TwoInputsAndTwoOutputsServedAsPredictAnswers) {
  const fs::path repo = ScratchDir("repo2");
  std::ostringstream import_out, import_err;
  ASSERT_EQ(RunHls4mlCommand({"import", (FixturesDir() / "branchy").string(), "--repository",
                              repo.string(), "--name", "branchy"},
                             import_out, import_err),
            0)
      << import_err.str();
  EXPECT_NE(import_out.str().find("input  input_b: 6 x ap_fixed<10,3,AP_RND,AP_SAT>"),
            std::string::npos)
      << import_out.str();
  absl::StatusOr<inference::ModelConfig> config =
      ParseModelConfigText(ReadText(repo / "branchy" / "config.pbtxt"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->input_size(), 2);
  EXPECT_EQ(config->input(0).name(), "input_a");
  EXPECT_EQ(config->input(1).name(), "input_b");
  EXPECT_EQ(config->input(1).dims(0), 6);
  ASSERT_EQ(config->output_size(), 2);
  EXPECT_EQ(config->output(0).name(), "layer10_out");
  EXPECT_EQ(config->output(1).name(), "layer7_out");
  EXPECT_EQ(config->output(1).dims(0), 4);
  RealClock clock;
  DeviceManagerOptions device_options;
  device_options.devices = "emu";
  device_options.clock = &clock;
  auto devices = DeviceManager::Create(std::move(device_options));
  ASSERT_TRUE(devices.ok()) << devices.status();
  ModelRepositoryOptions options;
  options.root = repo;
  options.devices = devices->get();
  options.clock = &clock;
  auto repository = ModelRepository::Create(std::move(options));
  ASSERT_TRUE(repository.ok()) << repository.status();
  auto model = (*repository)->Get("branchy");
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ((*model)->inputs().size(), 2u);
  ASSERT_EQ((*model)->outputs().size(), 2u);

  const int batch = 29;
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> value(-10, 10);
  std::vector<float> a(batch * 6), b(batch * 6);
  std::string csv;
  for (int s = 0; s < batch; ++s) {
    std::vector<std::string> fields;
    for (std::vector<float>* x : {&a, &b}) {
      for (int i = 0; i < 6; ++i) {
        float& v = (*x)[s * 6 + i];
        v = value(rng);
        fields.push_back(absl::StrFormat("%.9g", v));
      }
    }
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  const fs::path dir = ScratchDir("branchy_io");
  WriteText(dir / "in.csv", csv);
  std::ostringstream out, err;
  ASSERT_EQ(RunHls4mlCommand({"predict", (repo / "branchy").string(), "--input",
                              (dir / "in.csv").string(), "--output", (dir / "out.csv").string()},
                             out, err),
            0)
      << err.str();
  std::vector<std::vector<float>> expected;
  for (absl::string_view line :
       absl::StrSplit(ReadText(dir / "out.csv"), '\n', absl::SkipEmpty())) {
    std::vector<float> row;
    for (absl::string_view v : absl::StrSplit(line, ',')) {
      row.push_back(static_cast<float>(std::stod(std::string(v))));
    }
    expected.push_back(std::move(row));
  }
  ASSERT_EQ(expected.size(), size_t(batch));

  auto request = std::make_unique<InferenceRequest>();
  request->batch_size = batch;
  request->input.assign(reinterpret_cast<const char*>(a.data()), a.size() * sizeof(float));
  request->more_inputs.resize(1);
  request->more_inputs[0].data.assign(reinterpret_cast<const char*>(b.data()),
                                      b.size() * sizeof(float));
  request->more_output_types = {numerics::ElementType::kFp32};
  std::promise<absl::StatusOr<InferenceResult>> promise;
  auto future = promise.get_future();
  request->done = [&promise](absl::StatusOr<InferenceResult> r) { promise.set_value(std::move(r)); };
  ASSERT_TRUE((*model)->scheduler()->Enqueue(request).ok());
  absl::StatusOr<InferenceResult> result = future.get();
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->more_outputs.size(), 1u);
  ASSERT_EQ(result->output.size(), size_t(batch) * 3 * sizeof(float));
  ASSERT_EQ(result->more_outputs[0].size(), size_t(batch) * 4 * sizeof(float));
  std::vector<float> y0(batch * 3), y1(batch * 4);
  std::memcpy(y0.data(), result->output.data(), result->output.size());
  std::memcpy(y1.data(), result->more_outputs[0].data(), result->more_outputs[0].size());
  for (int s = 0; s < batch; ++s) {
    std::vector<float> row(y0.begin() + s * 3, y0.begin() + s * 3 + 3);
    row.insert(row.end(), y1.begin() + s * 4, y1.begin() + s * 4 + 4);
    EXPECT_EQ(row, expected[s]) << "sample " << s;
  }

  // A request carrying one input is refused by the scheduler (the frontend checks names first).
  auto one = std::make_unique<InferenceRequest>();
  one->batch_size = 1;
  one->input.assign(6 * sizeof(float), '\0');
  one->done = [](absl::StatusOr<InferenceResult>) {};
  absl::Status refused = (*model)->scheduler()->Enqueue(one);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("1 inputs and 1 outputs, the model has 2 and 2"),
            std::string::npos)
      << refused;
}

}  // namespace
}  // namespace fpgaas
