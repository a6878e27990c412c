// Triton-parseable configs: everything fpgaas ships, writes or serves as a ModelConfig parses with
// a schema that has only Triton's fields (tests/support/triton), strictly, as CMSSW's SonicTriton
// parses a model's local config.pbtxt with Triton's model_config.proto.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/device/device_manager.h"
#include "server/device/fake/fake_device.h"
#include "server/repository/model_config.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/triton/triton_schema.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_triton::DecodeAsTriton;
using ::fpgaas::testing_triton::ParseAsTriton;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const fs::path kSource = FPGAAS_SOURCE_DIR;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Files under the source tree whose name satisfies `wanted`, outside build trees and .git.
template <typename Predicate>
std::vector<fs::path> SourceFiles(Predicate wanted) {
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(kSource);
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() &&
        (name == ".git" || fs::exists(it->path() / "CMakeCache.txt") || name == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && wanted(name)) found.push_back(it->path());
  }
  return found;
}

// A temporary folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int count = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(::testing::TempDir()) /
            absl::StrCat("triton_config_test_", info->name(), "_", getpid(), "_", count++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(TritonSchemaTest, FpgaasModelConfigIsTritonsFieldForField) {
  // Every field fpgaas's proto has (but the deprecated block) is Triton's: name, number, type.
  EXPECT_THAT(testing_triton::SchemaDifferences(inference::ModelConfig::descriptor(),
                                                triton_schema::ModelConfig::descriptor(),
                                                {"inference.ModelConfig.fpga"}),
              IsEmpty());
  // ... and the comparison sees a field Triton lacks.
  EXPECT_THAT(testing_triton::SchemaDifferences(inference::ModelConfig::descriptor(),
                                                triton_schema::ModelConfig::descriptor(), {}),
              ::testing::ElementsAre(HasSubstr("inference.ModelConfig.fpga: not in Triton's")));
}

TEST(TritonSchemaTest, StrictParsingRefusesTheDeprecatedBlock) {
  // What SonicTriton said about every fpgaas config before the parameters.
  absl::Status status = ParseAsTriton("max_batch_size: 4\nfpga { kernel_name: \"k\" }\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2 column"));
  EXPECT_THAT(status.message(), HasSubstr("has no field named \"fpga\""));
  inference::ModelConfig ours;
  ours.mutable_fpga()->set_kernel_name("k");
  EXPECT_THAT(DecodeAsTriton(ours.SerializeAsString()).message(), HasSubstr("ModelConfig#100"));
}

TEST(ShippedConfigsTest, EveryConfigFileParsesWithTritonsSchema) {
  std::vector<fs::path> files =
      SourceFiles([](const std::string& name) { return absl::EndsWith(name, ".pbtxt"); });
  ASSERT_GE(files.size(), 3u);  // deploy/models/{iris,muon_pt,jet_tagger}
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const std::string text = ReadText(file);
    triton_schema::ModelConfig triton;
    EXPECT_TRUE(ParseAsTriton(text, &triton).ok()) << ParseAsTriton(text);
    // And fpgaas reads it without the deprecation warning.
    auto ours = ParseModelConfigText(text);
    ASSERT_TRUE(ours.ok()) << ours.status();
    auto validated = ValidateModelConfig(*ours, file.parent_path().filename().string());
    ASSERT_TRUE(validated.ok()) << validated.status();
    EXPECT_THAT(validated->deprecation_warning, IsEmpty());
    EXPECT_FALSE(validated->fpga.kernel_name.empty());
  }
}

// The config examples in the documentation: every ```pbtxt block of every Markdown file.
TEST(ShippedConfigsTest, EveryDocumentedSnippetParsesWithTritonsSchema) {
  std::vector<fs::path> docs =
      SourceFiles([](const std::string& name) { return absl::EndsWith(name, ".md"); });
  int snippets = 0;
  for (const fs::path& doc : docs) {
    std::vector<std::string> lines = absl::StrSplit(ReadText(doc), '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
      if (absl::StripAsciiWhitespace(lines[i]) != "```pbtxt") continue;
      std::string snippet;
      size_t j = i + 1;
      for (; j < lines.size() && absl::StripAsciiWhitespace(lines[j]) != "```"; ++j) {
        absl::StrAppend(&snippet, lines[j], "\n");
      }
      SCOPED_TRACE(absl::StrCat(doc.string(), ":", i + 1));
      ++snippets;
      EXPECT_TRUE(ParseAsTriton(snippet).ok()) << ParseAsTriton(snippet);
      EXPECT_TRUE(ParseModelConfigText(snippet).ok());
      i = j;
    }
  }
  EXPECT_GE(snippets, 2);  // docs/model-repository.md: the config, the non-finite policy
}

class WrittenConfigsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    device_ = std::make_shared<FakeDevice>();
    DeviceManagerOptions options;
    options.clock = &clock_;
    options.injected = {device_};
    devices_ = *DeviceManager::Create(std::move(options));
  }

  // `fpgaas hls4ml import` of the new_style fixture as model `name` in `repository`.
  void Import(const fs::path& repository, const std::string& name) {
    std::ostringstream out, err;
    ASSERT_EQ(RunHls4mlCommand({"import", (fs::path(FPGAAS_HLS4ML_FIXTURES) / "new_style").string(),
                                "--repository", repository.string(), "--name", name},
                               out, err),
              0)
        << err.str();
  }

  absl::StatusOr<std::unique_ptr<ModelRepository>> Repository(const fs::path& root) {
    ModelRepositoryOptions options;
    options.root = root;
    options.control_mode = ModelControlMode::kExplicit;
    options.devices = devices_.get();
    options.clock = &clock_;
    return ModelRepository::Create(std::move(options));
  }

  // The imported config with its fpga.* parameters written as the deprecated block instead.
  static inference::ModelConfig AsDeprecatedBlock(const std::string& text) {
    inference::ModelConfig config = *ParseModelConfigText(text);
    auto settings = ReadFpgaParameters(config);
    EXPECT_TRUE(settings.ok());
    config.clear_parameters();
    inference::FpgaConfig* block = config.mutable_fpga();
    block->set_kernel_name(settings->kernel_name);
    for (const std::string& argument : settings->kernel_arguments) {
      block->add_kernel_arguments(argument);
    }
    block->set_input_precision(settings->input_precision);
    block->set_output_precision(settings->output_precision);
    block->set_hls4ml_project(settings->hls4ml_project);
    return config;
  }

  // The config as the ModelConfig RPC serves it must be Triton's, on the wire and as text.
  static void ExpectServedConfigIsTritons(const ServingModel& model) {
    inference::ModelConfig served = model.config();
    triton_schema::ModelConfig decoded;
    absl::Status wire = DecodeAsTriton(served.SerializeAsString(), &decoded);
    EXPECT_TRUE(wire.ok()) << wire;
    EXPECT_EQ(decoded.parameters().at("fpga.kernel_name").string_value(), "tiny");
    std::string text;
    google::protobuf::TextFormat::PrintToString(served, &text);
    EXPECT_TRUE(ParseAsTriton(text).ok()) << ParseAsTriton(text) << "\n" << text;
  }

  FakeClock clock_;
  std::shared_ptr<FakeDevice> device_;
  std::unique_ptr<DeviceManager> devices_;
};

TEST_F(WrittenConfigsTest, ImportWritesATritonConfigThatServes) {
  TempDir repository;
  Import(repository.path(), "tiny");
  const std::string text = ReadText(repository.path() / "tiny" / "config.pbtxt");
  triton_schema::ModelConfig triton;
  ASSERT_TRUE(ParseAsTriton(text, &triton).ok()) << ParseAsTriton(text) << "\n" << text;
  EXPECT_EQ(triton.parameters().at("fpga.kernel_name").string_value(), "tiny");
  EXPECT_EQ(triton.parameters().at("fpga.kernel_arguments").string_value(),
            "input,output,batch_size");

  auto loaded = Repository(repository.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE((*loaded)->Load("tiny", {}).ok());
  auto model = (*loaded)->Get("tiny");
  ASSERT_TRUE(model.ok()) << model.status();
  ExpectServedConfigIsTritons(**model);
}

TEST_F(WrittenConfigsTest, DeprecatedBlockIsServedAndRegisteredAsParameters) {
  TempDir scratch;
  Import(scratch.path(), "source");
  const inference::ModelConfig legacy =
      AsDeprecatedBlock(ReadText(scratch.path() / "source" / "config.pbtxt"));
  ASSERT_TRUE(legacy.has_fpga());

  // On disk, in the deprecated form: served without it.
  TempDir root;
  fs::copy(scratch.path() / "source", root.path() / "disk", fs::copy_options::recursive);
  inference::ModelConfig on_disk = legacy;
  on_disk.set_name("disk");
  std::string legacy_text;
  google::protobuf::TextFormat::PrintToString(on_disk, &legacy_text);
  std::ofstream(root.path() / "disk" / "config.pbtxt") << legacy_text;
  ASSERT_FALSE(ParseAsTriton(legacy_text).ok());
  auto repository = Repository(root.path());
  ASSERT_TRUE(repository.ok()) << repository.status();
  ASSERT_TRUE((*repository)->Load("disk", {}).ok());
  auto disk = (*repository)->Get("disk");
  ASSERT_TRUE(disk.ok()) << disk.status();
  ExpectServedConfigIsTritons(**disk);

  // Registered over the wire with the block (the JSON a client built from an old config.pbtxt):
  // written to disk with parameters instead.
  ModelLoadRequest request;
  inference::ModelConfig wire = legacy;
  wire.set_name("wire");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(wire, &json).ok());
  request.config_json = json;
  const fs::path version = scratch.path() / "source" / "1";
  for (const auto& entry : fs::recursive_directory_iterator(version)) {
    if (entry.is_regular_file()) {
      request.files[absl::StrCat("1/", fs::relative(entry.path(), version).string())] =
          ReadText(entry.path());
    }
  }
  absl::Status registered = (*repository)->Load("wire", request);
  ASSERT_TRUE(registered.ok()) << registered;
  const std::string written = ReadText(root.path() / "wire" / "config.pbtxt");
  triton_schema::ModelConfig triton;
  ASSERT_TRUE(ParseAsTriton(written, &triton).ok()) << ParseAsTriton(written) << "\n" << written;
  EXPECT_EQ(triton.parameters().at("fpga.input_precision").string_value(),
            legacy.fpga().input_precision());
  auto served = (*repository)->Get("wire");
  ASSERT_TRUE(served.ok()) << served.status();
  ExpectServedConfigIsTritons(**served);
}

}  // namespace
}  // namespace fpgaas
