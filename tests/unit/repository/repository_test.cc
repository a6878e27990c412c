// ModelRepository on a fake device: scanning, config validation, versions, control modes,
// load/unload/reload and registration over the wire.
#include "server/repository/repository.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/device/device_manager.h"
#include "server/device/fake/fake_device.h"
#include "server/metrics/metrics.h"
#include "server/util/clock.h"
#include "server/util/text.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A small hls4ml project (Vivado backend, io_parallel, hls4ml 0.8 layout): one dense layer with
// n_in inputs and n_out outputs, all types ap_fixed<16,6> unless `precision` says otherwise.
void WriteHls4mlProject(const fs::path& project, int n_in, int n_out,
                        const std::string& precision = "ap_fixed<16,6>") {
  fs::create_directories(project / "firmware" / "weights");
  auto write = [&project](const std::string& path, const std::string& text) {
    std::ofstream out(project / path);
    out << text;
  };
  std::vector<std::string> weights, biases;
  for (int i = 0; i < n_in * n_out; ++i) weights.push_back(i % 2 ? "0.250000" : "-0.500000");
  for (int j = 0; j < n_out; ++j) biases.push_back("0.125000");
  const int n_weights = n_in * n_out;
  write("firmware/defines.h",
        absl::StrCat("#ifndef DEFINES_H_\n#define DEFINES_H_\n\n#include \"ap_fixed.h\"\n"
                     "#include \"ap_int.h\"\n#include \"nnet_utils/nnet_types.h\"\n"
                     "#include <cstddef>\n#include <cstdio>\n\n"
                     "// hls-fpga-machine-learning insert numbers\n#define N_INPUT_1_1 ",
                     n_in, "\n#define N_LAYER_2 ", n_out,
                     "\n\n// hls-fpga-machine-learning insert layer-precision\n"
                     "typedef ",
                     precision, " input_t;\ntypedef ", precision, " model_default_t;\ntypedef ",
                     precision, " result_t;\ntypedef ap_uint<1> layer2_index;\n\n#endif\n"));
  write("firmware/myproject.h",
        "#ifndef MYPROJECT_H_\n#define MYPROJECT_H_\n\n#include \"ap_fixed.h\"\n"
        "#include \"ap_int.h\"\n#include \"hls_stream.h\"\n\n#include \"defines.h\"\n\n"
        "// Prototype of top level function for C-synthesis\nvoid myproject(\n"
        "    input_t input_1[N_INPUT_1_1],\n    result_t layer2_out[N_LAYER_2]\n);\n\n#endif\n");
  write("firmware/myproject.cpp",
        absl::StrCat(
            "#include <iostream>\n\n#include \"myproject.h\"\n#include \"parameters.h\"\n\n"
            "void myproject(\n    input_t input_1[N_INPUT_1_1],\n"
            "    result_t layer2_out[N_LAYER_2]\n) {\n\n"
            "    // hls-fpga-machine-learning insert IO\n"
            "    #pragma HLS ARRAY_RESHAPE variable=input_1 complete dim=0\n"
            "    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0\n"
            "    #pragma HLS INTERFACE ap_vld port=input_1,layer2_out \n"
            "    #pragma HLS PIPELINE \n\n"
            "#ifndef __SYNTHESIS__\n    static bool loaded_weights = false;\n"
            "    if (!loaded_weights) {\n"
            "        // hls-fpga-machine-learning insert load weights\n"
            "        nnet::load_weights_from_txt<model_default_t, ",
            n_weights,
            ">(w2, \"w2.txt\");\n"
            "        nnet::load_weights_from_txt<model_default_t, ",
            n_out,
            ">(b2, \"b2.txt\");\n"
            "        loaded_weights = true;\n    }\n#endif\n\n"
            "    // ****************************************\n"
            "    // NETWORK INSTANTIATION\n"
            "    // ****************************************\n\n"
            "    // hls-fpga-machine-learning insert layers\n\n"
            "    nnet::dense<input_t, result_t, config2>(input_1, layer2_out, w2, b2); // fc1\n\n"
            "}\n"));
  write("firmware/parameters.h",
        absl::StrCat(
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n\n#include \"ap_fixed.h\"\n"
            "#include \"ap_int.h\"\n\n#include \"nnet_utils/nnet_code_gen.h\"\n"
            "#include \"nnet_utils/nnet_helpers.h\"\n"
            "// hls-fpga-machine-learning insert includes\n#include \"nnet_utils/nnet_dense.h\"\n"
            "#include \"nnet_utils/nnet_dense_compressed.h\"\n"
            "#include \"nnet_utils/nnet_dense_stream.h\"\n\n"
            "// hls-fpga-machine-learning insert weights\n#include \"weights/w2.h\"\n"
            "#include \"weights/b2.h\"\n\n// hls-fpga-machine-learning insert layer-config\n"
            "// fc1\nstruct config2 : nnet::dense_config {\n"
            "    static const unsigned n_in = ",
            n_in, ";\n    static const unsigned n_out = ", n_out,
            ";\n    static const unsigned io_type = nnet::io_parallel;\n"
            "    static const unsigned strategy = nnet::latency;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    static const unsigned n_zeros = 0;\n"
            "    static const unsigned n_nonzeros = ",
            n_weights,
            ";\n    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, "
            "reuse_factor) - n_zeros / reuse_factor;\n"
            "    static const bool store_weights_in_bram = false;\n"
            "    typedef model_default_t accum_t;\n    typedef model_default_t bias_t;\n"
            "    typedef model_default_t weight_t;\n    typedef layer2_index index_t;\n"
            "    template<class data_T, class res_T, class CONFIG_T>\n"
            "    using product = nnet::product::mult<data_T, res_T>;\n};\n\n\n#endif\n"));
  write("firmware/weights/w2.h",
        absl::StrCat("//Numpy array shape [", n_in, ", ", n_out,
                     "]\n//Min -0.500000000000\n//Max 0.250000000000\n//Number of zeros 0\n\n"
                     "#ifndef W2_H_\n#define W2_H_\n\n#ifndef __SYNTHESIS__\nmodel_default_t w2[",
                     n_weights, "];\n#else\nmodel_default_t w2[", n_weights, "] = {",
                     absl::StrJoin(weights, ", "), "};\n#endif\n\n#endif\n"));
  write("firmware/weights/b2.h",
        absl::StrCat("//Numpy array shape [", n_out,
                     "]\n//Min 0.125000000000\n//Max 0.125000000000\n//Number of zeros 0\n\n"
                     "#ifndef B2_H_\n#define B2_H_\n\n#ifndef __SYNTHESIS__\nmodel_default_t b2[",
                     n_out, "];\n#else\nmodel_default_t b2[", n_out, "] = {",
                     absl::StrJoin(biases, ", "), "};\n#endif\n\n#endif\n"));
  write("firmware/weights/w2.txt", absl::StrJoin(weights, ", ") + "\n");
  write("firmware/weights/b2.txt", absl::StrJoin(biases, ", ") + "\n");
}

std::string ConfigText(const std::string& name, int n_in, int n_out,
                       const std::string& extra = "") {
  return absl::StrCat("name: \"", name, "\"\nplatform: \"fpgaas_hls4ml\"\nmax_batch_size: 8\n",
                      "input [ { name: \"input_1\" data_type: TYPE_FP32 dims: [ ", n_in, " ] } ]\n",
                      "output [ { name: \"layer2_out\" data_type: TYPE_FP32 dims: [ ", n_out,
                      " ] } ]\n", extra);
}

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path);
  out << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file under `dir`, as "relative/path" -> bytes.
std::map<std::string, std::string> FilesUnder(const fs::path& dir, const std::string& prefix) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[prefix + fs::relative(entry.path(), dir).string()] = ReadText(entry.path());
  }
  return files;
}

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            absl::StrCat(
                "repository_test_", ::testing::UnitTest::GetInstance()->random_seed(), "_",
                // A parameterized test's name has a '/': one folder, not two.
                absl::StrReplaceAll(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                    {{"/", "_"}}));
    fs::remove_all(root_);
    fs::create_directories(root_);
    device_ = std::make_shared<FakeDevice>();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    device_options.injected = {device_};
    devices_ = *DeviceManager::Create(std::move(device_options));
    metrics_ = MetricsRegistry::Create();
  }
  void TearDown() override { fs::remove_all(root_); }

  // <root>/<name>/config.pbtxt and one hls4ml project per version.
  void AddModel(const std::string& name, std::vector<int> versions, int n_in = 4, int n_out = 2,
                const std::string& extra_config = "") {
    WriteText(root_ / name / "config.pbtxt", ConfigText(name, n_in, n_out, extra_config));
    for (int version : versions) {
      WriteHls4mlProject(root_ / name / absl::StrCat(version) / "hls4ml_prj", n_in, n_out);
    }
  }

  absl::StatusOr<std::unique_ptr<ModelRepository>> Create(
      ModelControlMode mode = ModelControlMode::kNone, std::vector<std::string> startup = {}) {
    ModelRepositoryOptions options;
    options.root = root_;
    options.control_mode = mode;
    options.startup_models = std::move(startup);
    options.devices = devices_.get();
    options.metrics = metrics_.get();
    options.clock = &clock_;
    return ModelRepository::Create(std::move(options));
  }

  // The index entry of `name`/`version`, or nullopt (a copy: Index() returns a temporary).
  static std::optional<ModelIndexEntry> Find(const std::vector<ModelIndexEntry>& index,
                                             const std::string& name,
                                             const std::string& version = "") {
    for (const ModelIndexEntry& entry : index) {
      if (entry.name == name && entry.version == version) return entry;
    }
    return std::nullopt;
  }

  // Sends one sample through the model's scheduler and returns the FP32 outputs.
  static absl::StatusOr<std::vector<float>> InferOne(const ServingModel& model,
                                                     const std::vector<float>& input) {
    auto request = std::make_unique<InferenceRequest>();
    request->id = "test";
    request->batch_size = 1;
    request->input_type = numerics::ElementType::kFp32;
    request->output_type = numerics::ElementType::kFp32;
    request->input.assign(reinterpret_cast<const char*>(input.data()),
                          input.size() * sizeof(float));
    std::promise<absl::StatusOr<InferenceResult>> promise;
    auto future = promise.get_future();
    request->done = [&promise](absl::StatusOr<InferenceResult> result) {
      promise.set_value(std::move(result));
    };
    absl::Status enqueued = model.scheduler()->Enqueue(request);
    if (!enqueued.ok()) return enqueued;
    absl::StatusOr<InferenceResult> result = future.get();
    if (!result.ok()) return result.status();
    std::vector<float> out(result->output.size() / sizeof(float));
    std::memcpy(out.data(), result->output.data(), out.size() * sizeof(float));
    return out;
  }

  fs::path root_;
  FakeClock clock_;
  std::shared_ptr<FakeDevice> device_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<MetricsRegistry> metrics_;
};

TEST_F(RepositoryTest, ScanLoadsEveryModelAndServesIt) {
  AddModel("alpha", {1});
  AddModel("beta", {1}, /*n_in=*/3, /*n_out=*/1);
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();

  std::vector<ModelIndexEntry> index = (*repository)->Index();
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index[0].name, "alpha");
  EXPECT_EQ(index[0].version, "1");
  EXPECT_EQ(ModelReadyStateName(index[0].state), "READY");
  EXPECT_EQ(index[1].name, "beta");
  EXPECT_EQ(ModelReadyStateName(index[1].state), "READY");

  auto alpha = (*repository)->Get("alpha");
  ASSERT_TRUE(alpha.ok()) << alpha.status();
  EXPECT_EQ((*alpha)->name(), "alpha");
  EXPECT_EQ((*alpha)->version(), 1);
  EXPECT_EQ((*alpha)->max_batch_size(), 8);
  EXPECT_EQ((*alpha)->config().max_batch_size(), 8);
  EXPECT_EQ((*alpha)->input().name, "input_1");
  EXPECT_EQ((*alpha)->input().datatype, "FP32");
  EXPECT_EQ((*alpha)->input().element_type, numerics::ElementType::kFp32);
  EXPECT_THAT((*alpha)->input().dims, ElementsAre(4));
  EXPECT_EQ((*alpha)->output().name, "layer2_out");
  EXPECT_THAT((*alpha)->output().dims, ElementsAre(2));
  // The served config states the device-side precision taken from the project.
  EXPECT_EQ((*alpha)->config().parameters().at("fpga.input_precision").string_value(),
            "ap_fixed<16,6>");
  EXPECT_FALSE((*alpha)->config().has_fpga());
  EXPECT_NE((*alpha)->metrics(), nullptr);
  EXPECT_EQ(device_->loads(), 2);

  // The fake device echoes input values: the request went through this model's scheduler/device.
  auto outputs = InferOne(**alpha, {1.5f, -2.0f, 3.0f, 4.0f});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_THAT(*outputs, ElementsAre(1.5f, -2.0f));
}

TEST_F(RepositoryTest, DefaultVersionPolicyServesOnlyTheLatest) {
  AddModel("m", {1, 2, 10});
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  auto latest = (*repository)->Get("m", "");
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ((*latest)->version(), 10);
  EXPECT_EQ((*(*repository)->Get("m", "0"))->version(), 10);
  EXPECT_EQ((*repository)->Get("m", "2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(10));
}

TEST_F(RepositoryTest, VersionPolicyLatestAllAndSpecific) {
  AddModel("latest2", {1, 2, 3}, 4, 2, "version_policy { latest { num_versions: 2 } }\n");
  AddModel("all", {1, 2, 3}, 4, 2, "version_policy { all { } }\n");
  AddModel("specific", {1, 2, 3}, 4, 2, "version_policy { specific { versions: [ 1, 3, 7 ] } }\n");
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  EXPECT_THAT(*(*repository)->ReadyVersions("latest2"), ElementsAre(2, 3));
  EXPECT_THAT(*(*repository)->ReadyVersions("all"), ElementsAre(1, 2, 3));
  EXPECT_THAT(*(*repository)->ReadyVersions("specific"), ElementsAre(1, 3));
  EXPECT_EQ((*(*repository)->Get("all", "2"))->version(), 2);
  // A version the policy names but the disk lacks is listed as unavailable, with the reason.
  std::vector<ModelIndexEntry> index = (*repository)->Index();
  std::optional<ModelIndexEntry> missing = Find(index, "specific", "7");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(ModelReadyStateName(missing->state), "UNAVAILABLE");
  EXPECT_THAT(missing->reason, HasSubstr("no folder"));
  EXPECT_EQ((*repository)->Get("specific", "7").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RepositoryTest, MalformedConfigFailsAloneWithLineAndColumn) {
  AddModel("good", {1});
  AddModel("broken", {1});
  WriteText(root_ / "broken" / "config.pbtxt",
            "name: \"broken\"\nmax_batch_size: 8\ninput [ { name: \"x\" data_type: TYPE_FP32 "
            "dims: [ 4 ] }\n");
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();

  std::vector<ModelIndexEntry> index = (*repository)->Index();
  std::optional<ModelIndexEntry> broken = Find(index, "broken");
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(ModelReadyStateName(broken->state), "UNAVAILABLE");
  EXPECT_THAT(broken->reason, AllOf(HasSubstr("config.pbtxt"), HasSubstr("line 4 column")));
  std::optional<ModelIndexEntry> good = Find(index, "good", "1");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(ModelReadyStateName(good->state), "READY");

  absl::Status status = (*repository)->Get("broken").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("line 4 column"));
  EXPECT_TRUE((*repository)->Get("good").ok());
  EXPECT_THAT((*repository)->Index(/*ready_only=*/true), ::testing::SizeIs(1));
}

// One invalid config.pbtxt (or project) and the phrase its reason must contain.
struct BadConfigCase {
  std::string test_name;
  std::string config;  // full config.pbtxt text for model "m" (project: 4 inputs, 2 outputs)
  std::string expected_reason;
};

class BadConfigTest : public RepositoryTest, public ::testing::WithParamInterface<BadConfigCase> {};

TEST_P(BadConfigTest, ModelIsUnavailableWithAPreciseReason) {
  AddModel("m", {1});
  WriteText(root_ / "m" / "config.pbtxt", GetParam().config);
  AddModel("ok", {1});
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::vector<ModelIndexEntry> index = (*repository)->Index();
  bool found = false;
  for (const ModelIndexEntry& entry : index) {
    if (entry.name != "m") continue;
    found = true;
    EXPECT_EQ(ModelReadyStateName(entry.state), "UNAVAILABLE");
    EXPECT_THAT(entry.reason, HasSubstr(GetParam().expected_reason));
  }
  EXPECT_TRUE(found);
  EXPECT_EQ((*repository)->Get("m").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE((*repository)->Get("ok").ok());
}

INSTANTIATE_TEST_SUITE_P(
    Configs, BadConfigTest,
    ::testing::Values(
        BadConfigCase{"UnknownField", ConfigText("m", 4, 2, "sequence_batching { }\n"),
                      "sequence_batching"},
        BadConfigCase{"InputDimsDisagreeWithNetwork", ConfigText("m", 5, 2),
                      "dims [5] hold 5 values per sample but the hls4ml network takes 4"},
        BadConfigCase{"OutputDimsDisagreeWithNetwork", ConfigText("m", 4, 3),
                      "hls4ml network produces 2"},
        BadConfigCase{"BadPrecisionString",
                      ConfigText("m", 4, 2,
                                 "parameters { key: \"fpga.input_precision\" "
                                 "value { string_value: \"ap_fixed<16\" } }\n"),
                      "fpga.input_precision"},
        BadConfigCase{"PrecisionDisagreesWithProject",
                      ConfigText("m", 4, 2, "fpga { output_precision: \"ap_fixed<18,8>\" }\n"),
                      "disagrees with the hls4ml project's result_t ap_fixed<16,6>"},
        BadConfigCase{"MaxBatchSizeZero",
                      "name: \"m\" max_batch_size: 0 input [ { name: \"a\" data_type: TYPE_FP32 "
                      "dims: [ 4 ] } ] output [ { name: \"b\" data_type: TYPE_FP32 dims: [ 2 ] } ]",
                      "max_batch_size must be >= 1"},
        BadConfigCase{"TwoInputs",
                      "name: \"m\" max_batch_size: 8 input [ { name: \"a\" data_type: TYPE_FP32 "
                      "dims: [ 4 ] }, { name: \"c\" data_type: TYPE_FP32 dims: [ 4 ] } ] "
                      "output [ { name: \"b\" data_type: TYPE_FP32 dims: [ 2 ] } ]",
                      "the config lists 2 inputs and 1 outputs but the hls4ml network has 1"},
        BadConfigCase{"NoOutput",
                      "name: \"m\" max_batch_size: 8 input [ { name: \"a\" data_type: TYPE_FP32 "
                      "dims: [ 4 ] } ]",
                      "between 1 and 64 outputs are required, found 0"},
        BadConfigCase{"StringDataType",
                      "name: \"m\" max_batch_size: 8 input [ { name: \"a\" data_type: TYPE_STRING "
                      "dims: [ 4 ] } ] output [ { name: \"b\" data_type: TYPE_FP32 dims: [ 2 ] } ]",
                      "TYPE_STRING is not supported"},
        BadConfigCase{
            "VariableDim",
            "name: \"m\" max_batch_size: 8 input [ { name: \"a\" data_type: TYPE_FP32 "
            "dims: [ -1 ] } ] output [ { name: \"b\" data_type: TYPE_FP32 dims: [ 2 ] } ]",
            "dims[0] is -1"},
        BadConfigCase{
            "PreferredBatchOverMax",
            ConfigText("m", 4, 2, "dynamic_batching { preferred_batch_size: [ 4, 16 ] }\n"),
            "preferred_batch_size 16 is outside [1, max_batch_size 8]"},
        BadConfigCase{"NameDoesNotMatchFolder", ConfigText("other", 4, 2),
                      "config name 'other' does not match the model folder 'm'"},
        BadConfigCase{"ForeignPlatform",
                      "name: \"m\" platform: \"tensorrt_plan\" max_batch_size: 8",
                      "platform 'tensorrt_plan' is not supported"},
        BadConfigCase{"UnknownKernelArgument",
                      ConfigText("m", 4, 2,
                                 "parameters { key: \"fpga.kernel_arguments\" "
                                 "value { string_value: \"input,weights\" } }\n"),
                      "'weights' is not one of input, output, batch_size"},
        BadConfigCase{"FpgaBlockDisagreesWithParameters",
                      ConfigText("m", 4, 2,
                                 "fpga { kernel_name: \"a\" }\n"
                                 "parameters { key: \"fpga.kernel_name\" "
                                 "value { string_value: \"b\" } }\n"),
                      "fpga.kernel_name is \"a\" in the deprecated fpga { } block but \"b\" in "
                      "parameters"}),
    [](const ::testing::TestParamInfo<BadConfigCase>& info) { return info.param.test_name; });

TEST_F(RepositoryTest, MissingConfigAndMissingVersionsAreReported) {
  fs::create_directories(root_ / "noconfig" / "1");
  WriteText(root_ / "noversions" / "config.pbtxt", ConfigText("noversions", 4, 2));
  WriteText(root_ / "noproject" / "config.pbtxt", ConfigText("noproject", 4, 2));
  fs::create_directories(root_ / "noproject" / "1");
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::vector<ModelIndexEntry> index = (*repository)->Index();
  ASSERT_TRUE(Find(index, "noconfig").has_value());
  EXPECT_THAT(Find(index, "noconfig")->reason, HasSubstr("missing config.pbtxt"));
  ASSERT_TRUE(Find(index, "noversions").has_value());
  EXPECT_THAT(Find(index, "noversions")->reason, HasSubstr("no version folders"));
  ASSERT_TRUE(Find(index, "noproject", "1").has_value());
  EXPECT_THAT(Find(index, "noproject", "1")->reason, HasSubstr("no hls4ml project folder"));
}

TEST_F(RepositoryTest, DeviceLoadFailureMakesTheModelUnavailable) {
  AddModel("m", {1});
  device_->FailNextLoad(absl::ResourceExhaustedError("out of device memory"));
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::optional<ModelIndexEntry> entry = Find((*repository)->Index(), "m", "1");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(ModelReadyStateName(entry->state), "UNAVAILABLE");
  EXPECT_THAT(entry->reason, HasSubstr("device: out of device memory"));
}

TEST_F(RepositoryTest, UnknownModelAndBadVersionString) {
  AddModel("m", {1});
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  absl::Status unknown = (*repository)->Get("nope").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("nope"));
  EXPECT_EQ((*repository)->Get("m", "one").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*repository)->Get("m", "2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*repository)->ReadyVersions("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RepositoryTest, NoneModeRefusesLoadAndUnload) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kNone);
  ASSERT_TRUE(repository.ok()) << repository.status();
  EXPECT_EQ((*repository)->Load("m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*repository)->Unload("m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*repository)->Get("m").ok());
}

TEST_F(RepositoryTest, ExplicitModeLoadsOnlyWhatItIsAskedFor) {
  AddModel("a", {1});
  AddModel("b", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"a"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  EXPECT_TRUE((*repository)->Get("a").ok());
  EXPECT_EQ((*repository)->Get("b").status().code(), absl::StatusCode::kNotFound);
  std::optional<ModelIndexEntry> b = Find((*repository)->Index(), "b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(ModelReadyStateName(b->state), "UNAVAILABLE");
  EXPECT_EQ(b->reason, "not loaded");

  ASSERT_TRUE((*repository)->Load("b").ok());
  EXPECT_TRUE((*repository)->Get("b").ok());
  EXPECT_EQ(ModelReadyStateName(Find((*repository)->Index(), "b", "1")->state), "READY");

  ASSERT_TRUE((*repository)->Unload("a").ok());
  absl::Status gone = (*repository)->Get("a").status();
  EXPECT_EQ(gone.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(gone.message(), HasSubstr("unloaded"));
  EXPECT_EQ(Find((*repository)->Index(), "a")->reason, "unloaded");
  EXPECT_EQ((*repository)->Unload("a").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*repository)->Load("missing").code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(Find((*repository)->Index(), "missing").has_value());
  EXPECT_EQ((*repository)->Load("../etc").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RepositoryTest, ExplicitModeRejectsUnknownStartupModel) {
  AddModel("a", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"a", "ghost"});
  EXPECT_EQ(repository.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(repository.status().message(), HasSubstr("ghost"));
}

TEST_F(RepositoryTest, UnloadedVersionStopsTakingRequestsButHoldersKeepIt) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::shared_ptr<const ServingModel> held = *(*repository)->Get("m");
  ASSERT_TRUE((*repository)->Unload("m").ok());
  EXPECT_EQ(held->name(), "m");  // still valid memory
  auto result = InferOne(*held, {1, 2, 3, 4});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RepositoryTest, ReloadSwapsInNewVersionsWhileInFlightRequestsFinish) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::shared_ptr<const ServingModel> v1 = *(*repository)->Get("m");

  // A request on version 1 sits on the device while version 2 is loaded.
  device_->HoldExecutions();
  std::vector<float> input = {1, 2, 3, 4};
  std::future<absl::StatusOr<std::vector<float>>> in_flight =
      std::async(std::launch::async, [&] { return InferOne(*v1, input); });
  device_->AwaitHeld(1);
  WriteHls4mlProject(root_ / "m" / "2" / "hls4ml_prj", 4, 2);
  std::future<absl::Status> reload =
      std::async(std::launch::async, [&] { return (*repository)->Load("m"); });
  // The new version becomes visible; the old one is retired only after its batch finishes.
  while (!(*repository)->Get("m").ok() || (*(*repository)->Get("m"))->version() != 2) {
    std::this_thread::yield();
  }
  device_->ReleaseExecutions();
  ASSERT_TRUE(reload.get().ok());
  auto result = in_flight.get();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(*result, ElementsAre(1, 2));
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(2));
  EXPECT_TRUE(InferOne(**(*repository)->Get("m"), input).ok());
}

// Requests race reloads and an unload: every accepted request gets its answer (a hang fails the
// test by timeout), and a request is only ever refused because its version is shutting down.
TEST_F(RepositoryTest, ConcurrentRequestsDuringReloadsAlwaysGetAnAnswer) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, refused{0};
  std::vector<std::thread> clients;
  std::vector<std::string> unexpected;
  absl::Mutex unexpected_mu;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      while (!stop.load()) {
        auto model = (*repository)->Get("m");
        if (!model.ok()) {
          absl::MutexLock lock(&unexpected_mu);
          unexpected.push_back(std::string(model.status().message()));
          continue;
        }
        const float x = static_cast<float>(c);
        auto result = InferOne(**model, {x, 1, 2, 3});
        if (result.ok()) {
          if (*result != std::vector<float>{x, 1}) {
            absl::MutexLock lock(&unexpected_mu);
            unexpected.push_back("wrong output");
          }
          ++answered;
        } else if (result.status().code() == absl::StatusCode::kUnavailable) {
          ++refused;
        } else {
          absl::MutexLock lock(&unexpected_mu);
          unexpected.push_back(std::string(result.status().message()));
        }
      }
    });
  }
  for (int round = 2; round <= 6; ++round) {
    WriteHls4mlProject(root_ / "m" / absl::StrCat(round) / "hls4ml_prj", 4, 2);
    ASSERT_TRUE((*repository)->Load("m").ok());
    EXPECT_EQ((*(*repository)->Get("m"))->version(), round);
  }
  stop = true;
  for (std::thread& client : clients) client.join();
  EXPECT_THAT(unexpected, IsEmpty());
  EXPECT_GT(answered.load(), 0);
}

TEST_F(RepositoryTest, FailedReloadKeepsTheOldVersionServing) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  WriteText(root_ / "m" / "config.pbtxt", "max_batch_size: oops");
  absl::Status status = (*repository)->Load("m");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 1 column"));
  auto still = (*repository)->Get("m");
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(ModelReadyStateName(Find((*repository)->Index(), "m", "1")->state), "READY");
  EXPECT_TRUE(InferOne(**still, {1, 2, 3, 4}).ok());
}

TEST_F(RepositoryTest, ConfigJsonOverrideAppliesToThatLoad) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit);
  ASSERT_TRUE(repository.ok()) << repository.status();
  ModelLoadRequest request;
  request.config_json = R"({
    "name": "m", "max_batch_size": 3,
    "input": [ { "name": "in", "data_type": "TYPE_INT16", "dims": [ 2, 2 ] } ],
    "output": [ { "name": "out", "data_type": "TYPE_FP64", "dims": [ 2 ] } ],
    "dynamic_batching": { "preferred_batch_size": [ 2 ] }
  })";
  ASSERT_TRUE((*repository)->Load("m", request).ok());
  auto model = (*repository)->Get("m");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->max_batch_size(), 3);
  EXPECT_EQ((*model)->input().name, "in");
  EXPECT_EQ((*model)->input().element_type, numerics::ElementType::kInt16);
  EXPECT_THAT((*model)->input().dims, ElementsAre(2, 2));
  EXPECT_EQ((*model)->output().datatype, "FP64");
  // Not persisted: config.pbtxt on disk is unchanged.
  EXPECT_EQ(ReadText(root_ / "m" / "config.pbtxt"), ConfigText("m", 4, 2));

  ModelLoadRequest bad;
  bad.config_json = R"({"max_batch_size": "many"})";
  absl::Status status = (*repository)->Load("m", bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("config parameter"));
  EXPECT_EQ((*(*repository)->Get("m"))->max_batch_size(), 3);
}

class RegistrationTest : public RepositoryTest {
 protected:
  // The files of a one-version model, as RepositoryModelLoad's "file:" parameters carry them.
  std::map<std::string, std::string> ModelFiles(int version, int n_in, int n_out) {
    fs::path scratch = root_.string() + "_scratch";
    fs::remove_all(scratch);
    WriteHls4mlProject(scratch / "hls4ml_prj", n_in, n_out);
    auto files = FilesUnder(scratch, absl::StrCat(version, "/"));
    fs::remove_all(scratch);
    return files;
  }
  static std::string JsonConfig(const std::string& name, int n_in, int n_out) {
    return absl::StrCat(R"({"name": ")", name, R"(", "max_batch_size": 16,
      "input": [ { "name": "input_1", "data_type": "TYPE_FP32", "dims": [ )",
                        n_in, R"( ] } ],
      "output": [ { "name": "layer2_out", "data_type": "TYPE_FP32", "dims": [ )",
                        n_out, R"( ] } ] })");
  }
  // Hidden staging folders must never outlive a Load.
  void ExpectNoLeftovers() {
    for (const auto& entry : fs::directory_iterator(root_)) {
      EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
    }
  }
};

TEST_F(RegistrationTest, RegisteredModelIsWrittenAndSurvivesARestart) {
  {
    auto repository = Create(ModelControlMode::kExplicit);
    ASSERT_TRUE(repository.ok()) << repository.status();
    ModelLoadRequest request;
    request.config_json = JsonConfig("wire", 4, 2);
    request.files = ModelFiles(1, 4, 2);
    absl::Status status = (*repository)->Load("wire", request);
    ASSERT_TRUE(status.ok()) << status;
    auto model = (*repository)->Get("wire");
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ((*model)->max_batch_size(), 16);
    EXPECT_TRUE(InferOne(**model, {1, 2, 3, 4}).ok());
    ExpectNoLeftovers();
  }
  EXPECT_TRUE(fs::is_regular_file(root_ / "wire" / "config.pbtxt"));
  EXPECT_TRUE(
      fs::is_regular_file(root_ / "wire" / "1" / "hls4ml_prj" / "firmware" / "weights" / "w2.txt"));
  // A new repository on the same folder (a restart) finds and loads it.
  auto restarted = Create(ModelControlMode::kNone);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  auto model = (*restarted)->Get("wire");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->max_batch_size(), 16);
}

TEST_F(RegistrationTest, RegistrationReplacesTheWholeModelFolder) {
  AddModel("m", {1, 2}, 4, 2, "version_policy { all { } }\n");
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(1, 2));
  ModelLoadRequest request;
  request.config_json = JsonConfig("m", 3, 1);
  request.files = ModelFiles(5, 3, 1);
  ASSERT_TRUE((*repository)->Load("m", request).ok());
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(5));
  EXPECT_FALSE(fs::exists(root_ / "m" / "1"));
  EXPECT_FALSE(fs::exists(root_ / "m" / "2"));
  EXPECT_TRUE(fs::is_directory(root_ / "m" / "5" / "hls4ml_prj"));
  EXPECT_THAT((*(*repository)->Get("m"))->input().dims, ElementsAre(3));
  ExpectNoLeftovers();
}

TEST_F(RegistrationTest, FailedRegistrationLeavesTheRepositoryUnchanged) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  const std::string old_config = ReadText(root_ / "m" / "config.pbtxt");

  ModelLoadRequest request;
  request.config_json = JsonConfig("m", 5, 2);  // the uploaded network takes 4 values
  request.files = ModelFiles(3, 4, 2);
  absl::Status status = (*repository)->Load("m", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("takes 4"));
  EXPECT_EQ(ReadText(root_ / "m" / "config.pbtxt"), old_config);
  EXPECT_FALSE(fs::exists(root_ / "m" / "3"));
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(1));
  ExpectNoLeftovers();

  // A new name that fails leaves no folder and no index entry.
  request.config_json = JsonConfig("fresh", 5, 2);
  EXPECT_FALSE((*repository)->Load("fresh", request).ok());
  EXPECT_FALSE(fs::exists(root_ / "fresh"));
  EXPECT_FALSE(Find((*repository)->Index(), "fresh").has_value());
  ExpectNoLeftovers();
}

TEST_F(RegistrationTest, BadFilePathsAreRejectedBeforeAnythingIsWritten) {
  auto repository = Create(ModelControlMode::kExplicit);
  ASSERT_TRUE(repository.ok()) << repository.status();
  for (const char* bad_path :
       {"../escape.txt", "/etc/passwd", "1/../../escape.txt", "1/./x", "latest/model.xclbin",
        "0/model.xclbin", "1", "1//x", "config.pbtxt", "1\\..\\x"}) {
    ModelLoadRequest request;
    request.config_json = JsonConfig("m", 4, 2);
    request.files = ModelFiles(1, 4, 2);
    request.files[bad_path] = "bytes";
    absl::Status status = (*repository)->Load("m", request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad_path;
    EXPECT_THAT(status.message(), HasSubstr(Quoted(bad_path, 200))) << bad_path;
  }
  EXPECT_FALSE(fs::exists(root_ / "m"));
  EXPECT_FALSE(fs::exists(root_.parent_path() / "escape.txt"));
  ExpectNoLeftovers();
}

TEST_F(RegistrationTest, FilesWithoutConfigAreRejected) {
  auto repository = Create(ModelControlMode::kExplicit);
  ASSERT_TRUE(repository.ok()) << repository.status();
  ModelLoadRequest request;
  request.files = ModelFiles(1, 4, 2);
  absl::Status status = (*repository)->Load("m", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'config' parameter"));
  EXPECT_FALSE(fs::exists(root_ / "m"));
}

TEST_F(RegistrationTest, LeftoverStagingFolderIsRemovedAtStart) {
  AddModel("m", {1});
  WriteText(root_ / ".fpgaas-staging-m-deadbeef" / "config.pbtxt", "half written");
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  ExpectNoLeftovers();
  EXPECT_TRUE((*repository)->Get("m").ok());
}

// A device that checks, as the XRT device does when it reads the xclbin, that a version's files
// are at spec.version_dir while Load runs; records every version_dir; can hold Loads until
// released; and refuses the next Load on request. Computes like FakeDevice.
class FileCheckingDevice final : public Device {
 public:
  std::string name() const override { return "checking"; }
  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) override {
    {
      absl::MutexLock lock(&mu_);
      version_dirs_.push_back(spec.version_dir);
      ++loads_started_;
      mu_.Await(absl::Condition(
          +[](FileCheckingDevice* d) ABSL_EXCLUSIVE_LOCKS_REQUIRED(d->mu_) { return !d->held_; },
          this));
      if (!refusal_.ok()) {
        absl::Status refused = refusal_;
        refusal_ = absl::OkStatus();
        return refused;
      }
    }
    if (!fs::is_directory(spec.version_dir / "hls4ml_prj")) {
      return absl::FailedPreconditionError(
          absl::StrCat("no hls4ml_prj in version_dir ", spec.version_dir.string()));
    }
    return inner_.Load(spec);
  }
  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  void RefuseNextLoad(absl::Status status) {
    absl::MutexLock lock(&mu_);
    refusal_ = std::move(status);
  }
  void AwaitLoadsStarted(int n) {
    absl::MutexLock lock(&mu_);
    auto started = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return loads_started_ >= n; };
    mu_.Await(absl::Condition(&started));
  }
  int loads_started() {
    absl::MutexLock lock(&mu_);
    return loads_started_;
  }
  std::vector<fs::path> version_dirs() {
    absl::MutexLock lock(&mu_);
    return version_dirs_;
  }

 private:
  FakeDevice inner_;
  absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int loads_started_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status refusal_ ABSL_GUARDED_BY(mu_);
  std::vector<fs::path> version_dirs_ ABSL_GUARDED_BY(mu_);
};

class FileCheckingTest : public RegistrationTest {
 protected:
  void SetUp() override {
    RegistrationTest::SetUp();
    checking_ = std::make_shared<FileCheckingDevice>();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    device_options.injected = {checking_};
    devices_ = *DeviceManager::Create(std::move(device_options));
  }
  fs::path Final(const std::string& name, int version) const {
    return fs::absolute(root_).lexically_normal() / name / absl::StrCat(version);
  }
  std::shared_ptr<FileCheckingDevice> checking_;
};

TEST_F(FileCheckingTest, RegisteredVersionIsPlacedFromItsFinalFolder) {
  auto repository = Create(ModelControlMode::kExplicit);
  ASSERT_TRUE(repository.ok()) << repository.status();
  ModelLoadRequest request;
  request.config_json = JsonConfig("wire", 4, 2);
  request.files = ModelFiles(1, 4, 2);
  absl::Status status = (*repository)->Load("wire", request);
  ASSERT_TRUE(status.ok()) << status;
  // The device saw the files at <root>/wire/1, never in a staging folder.
  EXPECT_THAT(checking_->version_dirs(), ElementsAre(Final("wire", 1)));
  auto model = (*repository)->Get("wire");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE(InferOne(**model, {1, 2, 3, 4}).ok());
  ExpectNoLeftovers();

  // Re-registering over an existing model: the same holds, and the new files replaced the old.
  request.config_json = JsonConfig("wire", 3, 1);
  request.files = ModelFiles(2, 3, 1);
  status = (*repository)->Load("wire", request);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(checking_->version_dirs(), ElementsAre(Final("wire", 1), Final("wire", 2)));
  EXPECT_FALSE(fs::exists(root_ / "wire" / "1"));
  EXPECT_THAT(*(*repository)->ReadyVersions("wire"), ElementsAre(2));
  ExpectNoLeftovers();
}

TEST_F(FileCheckingTest, DeviceRefusingARegisteredModelPutsThePreviousFolderBack) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  const std::string old_config = ReadText(root_ / "m" / "config.pbtxt");

  ModelLoadRequest request;
  request.config_json = JsonConfig("m", 3, 1);
  request.files = ModelFiles(4, 3, 1);
  checking_->RefuseNextLoad(absl::ResourceExhaustedError("card is full"));
  absl::Status status = (*repository)->Load("m", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);  // the device's code
  EXPECT_THAT(status.message(), AllOf(HasSubstr("version 4"), HasSubstr("card is full")));
  EXPECT_EQ(ReadText(root_ / "m" / "config.pbtxt"), old_config);
  EXPECT_TRUE(fs::is_directory(root_ / "m" / "1" / "hls4ml_prj"));
  EXPECT_FALSE(fs::exists(root_ / "m" / "4"));
  EXPECT_THAT(*(*repository)->ReadyVersions("m"), ElementsAre(1));
  EXPECT_TRUE(InferOne(**(*repository)->Get("m"), {1, 2, 3, 4}).ok());
  ExpectNoLeftovers();

  // A new name the device refuses leaves no folder and no index entry.
  request.config_json = JsonConfig("fresh", 3, 1);
  checking_->RefuseNextLoad(absl::ResourceExhaustedError("card is full"));
  EXPECT_FALSE((*repository)->Load("fresh", request).ok());
  EXPECT_FALSE(fs::exists(root_ / "fresh"));
  EXPECT_FALSE(Find((*repository)->Index(), "fresh").has_value());
  ExpectNoLeftovers();
}

TEST_F(FileCheckingTest, IndexShowsAReloadInProgressWhileTheOldVersionServes) {
  AddModel("m", {1});
  auto repository = Create(ModelControlMode::kExplicit, {"m"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  ASSERT_EQ(ModelReadyStateName(Find((*repository)->Index(), "m", "1")->state), "READY");

  checking_->Hold();
  const int started = checking_->loads_started();
  std::thread reload([&repository] { EXPECT_TRUE((*repository)->Load("m").ok()); });
  checking_->AwaitLoadsStarted(started + 1);  // the reload is on the device now
  std::optional<ModelIndexEntry> entry = Find((*repository)->Index(), "m", "1");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(ModelReadyStateName(entry->state), "LOADING");
  EXPECT_THAT(entry->reason, HasSubstr("reloading"));
  EXPECT_TRUE(entry->serving);
  // It still serves, so a ready-only index lists it.
  EXPECT_TRUE(Find((*repository)->Index(/*ready_only=*/true), "m", "1").has_value());
  auto serving = (*repository)->Get("m");
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(InferOne(**serving, {1, 2, 3, 4}).ok());
  checking_->Release();
  reload.join();
  entry = Find((*repository)->Index(), "m", "1");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(ModelReadyStateName(entry->state), "READY");
  EXPECT_EQ(entry->reason, "");
}

// Captures what the repository logs (spdlog's default logger) for one test.
class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> LinesWith(const std::string& text) {
    sink_->flush();
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(stream_.str(), '\n')) {
      if (absl::StrContains(line, text)) lines.emplace_back(line);
    }
    return lines;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

TEST_F(RepositoryTest, EachStartupOutcomeIsLoggedOnce) {
  AddModel("a_device_fails", {1});
  WriteText(root_ / "b_malformed" / "config.pbtxt", "name: \"b_malformed\"\nmax_batch_size: [\n");
  WriteHls4mlProject(root_ / "b_malformed" / "1" / "hls4ml_prj", 4, 2);
  AddModel("c_one_version_fails", {1, 2}, 4, 2, "version_policy { all { } }\n");
  fs::remove_all(root_ / "c_one_version_fails" / "1" / "hls4ml_prj");
  device_->FailNextLoad(absl::InternalError("bitstream rejected"));  // a_... loads first
  LogCapture log;
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();

  std::vector<std::string> lines = log.LinesWith("a_device_fails");
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines[0], AllOf(HasSubstr("error"), HasSubstr("bitstream rejected")));
  lines = log.LinesWith("b_malformed");
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines[0], AllOf(HasSubstr("error"), HasSubstr("line 2")));
  // One line for the version that loaded, one for the one that failed.
  lines = log.LinesWith("c_one_version_fails");
  ASSERT_EQ(lines.size(), 2u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines,
              ::testing::UnorderedElementsAre(AllOf(HasSubstr("info"), HasSubstr("version 2")),
                                              AllOf(HasSubstr("error"), HasSubstr("version 1"),
                                                    HasSubstr("no hls4ml project folder"))));
}

TEST_F(RepositoryTest, DeprecatedFpgaBlockIsReadAndWarnedAboutOncePerModel) {
  AddModel("legacy", {1}, 4, 2,
           "fpga { kernel_name: \"myproject\" kernel_arguments: [ \"input\", \"output\" ] }\n");
  AddModel("modern", {1}, 4, 2,
           "parameters { key: \"fpga.kernel_name\" value { string_value: \"myproject\" } }\n");
  LogCapture log;
  auto repository = Create(ModelControlMode::kExplicit, {"legacy", "modern"});
  ASSERT_TRUE(repository.ok()) << repository.status();
  ASSERT_TRUE((*repository)->Load("legacy", {}).ok());  // a reload does not warn again
  ASSERT_TRUE((*repository)->Load("legacy", {}).ok());

  std::vector<std::string> lines = log.LinesWith("deprecated");
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines[0], AllOf(HasSubstr("warn"), HasSubstr("model 'legacy'"),
                              HasSubstr(R"(parameters { key: "fpga.kernel_arguments" )"
                                        R"(value { string_value: "input,output" } })"),
                              HasSubstr(R"(parameters { key: "fpga.kernel_name" )"
                                        R"(value { string_value: "myproject" } })")));
  auto legacy = (*repository)->Get("legacy");
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_FALSE((*legacy)->config().has_fpga());
  EXPECT_EQ((*legacy)->config().parameters().at("fpga.kernel_arguments").string_value(),
            "input,output");
  EXPECT_EQ(device_->loads(), 4);
}

TEST_F(RegistrationTest, DeprecatedFpgaBlockIsWrittenAsParameters) {
  auto repository = Create(ModelControlMode::kExplicit);
  ASSERT_TRUE(repository.ok()) << repository.status();
  ModelLoadRequest request;
  std::string json = JsonConfig("wire", 4, 2);
  json.insert(json.rfind('}'),
              R"(, "fpga": {"kernel_name": "myproject", "kernel_arguments": ["input", "output"]})");
  request.config_json = json;
  request.files = ModelFiles(1, 4, 2);
  ASSERT_TRUE((*repository)->Load("wire", request).ok());
  const std::string written = ReadText(root_ / "wire" / "config.pbtxt");
  EXPECT_THAT(written, ::testing::Not(HasSubstr("fpga {")));
  EXPECT_THAT(written,
              AllOf(HasSubstr(R"(key: "fpga.kernel_name")"), HasSubstr(R"("input,output")")));

  // Block and parameter disagreeing: refused before anything is written.
  ModelLoadRequest conflicting;
  json = JsonConfig("other", 4, 2);
  json.insert(json.rfind('}'), R"(, "fpga": {"xclbin": "a.xclbin"},
      "parameters": {"fpga.xclbin": {"string_value": "b.xclbin"}})");
  conflicting.config_json = json;
  conflicting.files = ModelFiles(1, 4, 2);
  absl::Status refused = (*repository)->Load("other", conflicting);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(),
              HasSubstr(R"(fpga.xclbin is "a.xclbin" in the deprecated fpga { } block but )"
                        R"("b.xclbin" in parameters)"));
  EXPECT_FALSE(fs::exists(root_ / "other"));
  ExpectNoLeftovers();
}

TEST_F(RepositoryTest, ServingLogsNothingPerRequest) {
  AddModel("m", {1});
  auto repository = Create();
  ASSERT_TRUE(repository.ok()) << repository.status();
  LogCapture log;
  auto model = (*repository)->Get("m");
  ASSERT_TRUE(model.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(InferOne(**model, {1, 2, 3, 4}).ok());
  EXPECT_EQ(InferOne(**model, {1, 2, 3}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(log.LinesWith(""), ::testing::Each(IsEmpty()));
}

TEST(ModelControlModeTest, Parses) {
  EXPECT_EQ(*ParseModelControlMode("none"), ModelControlMode::kNone);
  EXPECT_EQ(*ParseModelControlMode("explicit"), ModelControlMode::kExplicit);
  EXPECT_EQ(ParseModelControlMode("poll").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgaas
