// Config rules without files or devices: parsing (text and JSON), validation with defaults, and
// the translation into scheduler options and device specs.
#include "server/repository/model_config.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace fpgaas {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kValid[] = R"pb(
  max_batch_size: 8
  input {
    name: "x"
    data_type: TYPE_FP32
    dims: [ 2, 8 ]
  }
  output {
    name: "y"
    data_type: TYPE_INT16
    dims: [ 5 ]
  }
  instance_group { count: 2 }
  instance_group {}
  dynamic_batching {
    preferred_batch_size: [ 4, 8 ]
    max_queue_delay_microseconds: 250
    priority_levels: 3
    default_priority_level: 2
    default_queue_policy {
      max_queue_size: 64
      default_timeout_microseconds: 1000
      allow_timeout_override: true
      timeout_action: DELAY
    }
  }
  parameters {
    key: "fpga.kernel_name"
    value { string_value: "myproject" }
  }
  parameters {
    key: "fpga.kernel_arguments"
    value { string_value: "input, output" }
  }
  parameters {
    key: "fpga.input_precision"
    value { string_value: "ap_fixed<16,6>" }
  }
  parameters {
    key: "fpga.output_precision"
    value { string_value: "ap_fixed<18,8>" }
  }
  parameters {
    key: "fpga.xclbin"
    value { string_value: "model.xclbin" }
  }
  parameters {
    key: "fpga.devices"
    value { string_value: "xrt:1" }
  }
  parameters {
    key: "fpga.kernel_timeout_us"
    value { string_value: "5000" }
  }
  parameters {
    key: "colour"
    value { string_value: "not fpgaas's business" }
  }
)pb";

// The same settings in the deprecated fpga { } block (ModelConfig field 100).
constexpr char kLegacyBlock[] = R"pb(
  fpga {
    kernel_name: "myproject"
    kernel_arguments: [ "input", "output" ]
    input_precision: "ap_fixed<16,6>"
    output_precision: "ap_fixed<18,8>"
    xclbin: "model.xclbin"
    devices: [ "xrt:1" ]
    kernel_timeout_us: 5000
  }
)pb";

inference::ModelConfig Parse(const std::string& text) {
  auto config = ParseModelConfigText(text);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.value_or(inference::ModelConfig{});
}

TEST(ModelConfigTest, TextParseErrorsNameTheFileLineAndColumn) {
  auto config = ParseModelConfigText("max_batch_size: 4\ninput { name: \"x\" dims: [ 1, }\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("config.pbtxt: line 2 column"));
}

TEST(ModelConfigTest, JsonParsesAndRefusesUnknownFields) {
  auto config = ParseModelConfigJson(R"({"max_batch_size": 3, "input": [{"name": "x"}]})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_batch_size(), 3);
  EXPECT_EQ(config->input(0).name(), "x");
  auto unknown = ParseModelConfigJson(R"({"max_batch_sizes": 3})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("config parameter (JSON ModelConfig)"));
}

TEST(ModelConfigTest, ValidationFillsInDefaults) {
  auto validated = ValidateModelConfig(Parse(kValid), "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_EQ(validated->config.name(), "m");
  EXPECT_EQ(validated->config.platform(), kModelPlatform);
  EXPECT_EQ(validated->config.instance_group(1).count(), 1);  // Triton's default
  EXPECT_EQ(validated->compute_units, 3);
  EXPECT_EQ(validated->input().datatype, "FP32");
  EXPECT_EQ(validated->input().elements_per_sample, 16);
  EXPECT_THAT(validated->input().dims, ElementsAre(2, 8));
  EXPECT_EQ(validated->output().datatype, "INT16");
  EXPECT_EQ(validated->output().element_type, numerics::ElementType::kInt16);
  ASSERT_TRUE(validated->input_precision.has_value());
  EXPECT_EQ(validated->input_precision->ToString(), "ap_fixed<16,6>");
}

struct BadCase {
  const char* edit;  // merged into kValid (set scalars replace, repeated fields add)
  const char* folder;
  const char* message;
};

class ModelConfigRejectsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ModelConfigRejectsTest, WithThePreciseRule) {
  inference::ModelConfig config = Parse(kValid);
  config.MergeFrom(Parse(GetParam().edit));
  auto validated = ValidateModelConfig(config, GetParam().folder);
  ASSERT_FALSE(validated.ok());
  EXPECT_EQ(validated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(validated.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ModelConfigRejectsTest,
    ::testing::Values(
        BadCase{"name: \"other\"", "m", "does not match the model folder 'm'"},
        BadCase{"platform: \"tensorrt_plan\"", "m", "platform 'tensorrt_plan' is not supported"},
        BadCase{"max_batch_size: -1", "m", "max_batch_size must be >= 1"},
        BadCase{"input { name: \"x\" data_type: TYPE_FP32 dims: 1 }", "m",
                "input 'x' is listed twice"},
        BadCase{"dynamic_batching { preferred_batch_size: 9 }", "m",
                "preferred_batch_size 9 is outside [1, max_batch_size 8]"},
        BadCase{"instance_group { count: -1 }", "m", "instance_group[2].count is -1"},
        BadCase{
            R"(parameters { key: "fpga.input_precision" value { string_value: "ap_fixed<0,0>" } })",
            "m", "fpga.input_precision"},
        BadCase{
            R"(parameters { key: "fpga.kernel_arguments" value { string_value: "input,weights" } })",
            "m", "fpga.kernel_arguments: 'weights' is not one of"},
        BadCase{
            R"(parameters { key: "fpga.kernel_arguments" value { string_value: "input,,output" } })",
            "m", "fpga.kernel_arguments: \"input,,output\" has an empty item"},
        BadCase{R"(parameters { key: "fpga.xclbin" value { string_value: "../x.xclbin" } })", "m",
                "fpga.xclbin: '../x.xclbin' must be a plain name"},
        BadCase{R"(parameters { key: "fpga.kernel_timeout_us" value { string_value: "5 ms" } })",
                "m", "fpga.kernel_timeout_us: \"5 ms\" is not a non-negative integer"},
        BadCase{R"(parameters { key: "fpga.kernel_timeout_us" value { string_value: "-1" } })", "m",
                "is not a non-negative integer"},
        BadCase{R"(parameters { key: "fpga.kernal_name" value { string_value: "x" } })", "m",
                "parameters: unknown key \"fpga.kernal_name\""},
        // The deprecated block is checked by the same rules, and must agree with the parameters.
        BadCase{"fpga { xclbin: \"../x.xclbin\" }", "m",
                "fpga.xclbin is \"../x.xclbin\" in the deprecated fpga { } block but "
                "\"model.xclbin\" in parameters"},
        BadCase{"fpga { hls4ml_project: \"a/b\" }", "m",
                "fpga.hls4ml_project: 'a/b' must be a plain name"},
        BadCase{"version_policy { specific { versions: 0 } }", "m",
                "versions are positive integers"}));

TEST(ModelConfigTest, DataTypeAndDimsRules) {
  inference::ModelConfig config = Parse(kValid);
  config.mutable_input(0)->set_data_type(inference::TYPE_STRING);
  auto string_type = ValidateModelConfig(config, "m");
  ASSERT_FALSE(string_type.ok());
  EXPECT_THAT(string_type.status().message(), HasSubstr("TYPE_STRING is not supported"));

  config = Parse(kValid);
  config.mutable_output(0)->set_dims(0, -1);
  auto variable = ValidateModelConfig(config, "m");
  ASSERT_FALSE(variable.ok());
  EXPECT_THAT(variable.status().message(), HasSubstr("variable dimensions are not supported"));
}

TEST(ModelConfigTest, ModelNames) {
  EXPECT_TRUE(ValidateModelName("dense_v2-1.0").ok());
  EXPECT_FALSE(ValidateModelName("").ok());
  EXPECT_FALSE(ValidateModelName(".hidden").ok());
  EXPECT_FALSE(ValidateModelName("a/b").ok());
  EXPECT_FALSE(ValidateModelName(std::string(201, 'a')).ok());
}

TEST(ModelConfigTest, SchedulerOptionsFollowDynamicBatching) {
  SchedulerOptions options = ToSchedulerOptions(Parse(kValid));
  EXPECT_EQ(options.max_batch_size, 8);
  EXPECT_THAT(options.preferred_batch_sizes, ElementsAre(4, 8));
  EXPECT_EQ(options.max_queue_delay, absl::Microseconds(250));
  EXPECT_EQ(options.priority_levels, 3u);
  EXPECT_EQ(options.default_priority_level, 2u);
  EXPECT_EQ(options.max_queue_size, 64);
  EXPECT_EQ(options.default_timeout, absl::Milliseconds(1));
  EXPECT_TRUE(options.allow_timeout_override);
  EXPECT_FALSE(options.reject_on_timeout);  // DELAY

  inference::ModelConfig plain;
  plain.set_max_batch_size(2);
  SchedulerOptions defaults = ToSchedulerOptions(plain);
  EXPECT_EQ(defaults.max_batch_size, 2);
  EXPECT_TRUE(defaults.preferred_batch_sizes.empty());
  EXPECT_EQ(defaults.max_queue_delay, absl::ZeroDuration());
  EXPECT_TRUE(defaults.reject_on_timeout);
}

TEST(ModelConfigTest, DeviceSpecCarriesTheConfigAndTheVersionFiles) {
  auto validated = ValidateModelConfig(Parse(kValid), "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  VersionFiles files;
  files.xclbin = "model.xclbin";
  ASSERT_TRUE(CheckVersionAgainstConfig(*validated, &files).ok());  // bitstream only
  DeviceModelSpec spec = ToDeviceModelSpec(*validated, "m", 7, "/repo/m/7", files);
  EXPECT_EQ(spec.model_name, "m");
  EXPECT_EQ(spec.version, 7);
  EXPECT_EQ(spec.version_dir, std::filesystem::path("/repo/m/7"));
  EXPECT_EQ(spec.max_batch_size, 8);
  EXPECT_EQ(spec.compute_units, 3);
  EXPECT_EQ(spec.input_size, 16);
  EXPECT_EQ(spec.output_size, 5);
  EXPECT_EQ(spec.input_type.ToString(), "ap_fixed<16,6>");
  EXPECT_EQ(spec.output_type.ToString(), "ap_fixed<18,8>");
  EXPECT_EQ(spec.kernel_name, "myproject");
  EXPECT_THAT(spec.kernel_arguments, ElementsAre("input", "output"));
  EXPECT_EQ(spec.xclbin, "model.xclbin");
  EXPECT_THAT(spec.devices, ElementsAre("xrt:1"));
  EXPECT_EQ(spec.kernel_timeout, absl::Milliseconds(5));
  EXPECT_EQ(spec.network, nullptr);
}

TEST(ModelConfigTest, BitstreamOnlyVersionNeedsBothPrecisions) {
  inference::ModelConfig config = Parse(kValid);
  config.mutable_parameters()->erase("fpga.output_precision");
  auto validated = ValidateModelConfig(config, "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  VersionFiles files;
  absl::Status checked = CheckVersionAgainstConfig(*validated, &files);
  EXPECT_EQ(checked.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(checked.message(), HasSubstr("are required for a model without an hls4ml project"));
}

TEST(ModelConfigTest, DeprecatedFpgaBlockBecomesTheSameParameters) {
  inference::ModelConfig legacy = Parse(kLegacyBlock);
  legacy.MergeFrom(Parse(R"pb(max_batch_size: 8
                              input {
                                name: "x"
                                data_type: TYPE_FP32
                                dims: [ 16 ]
                              }
                              output {
                                name: "y"
                                data_type: TYPE_FP32
                                dims: [ 5 ]
                              })pb"));
  auto validated = ValidateModelConfig(legacy, "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_FALSE(validated->config.has_fpga());  // served and written without it
  const auto& parameters = validated->config.parameters();
  EXPECT_EQ(parameters.at("fpga.kernel_name").string_value(), "myproject");
  EXPECT_EQ(parameters.at("fpga.kernel_arguments").string_value(), "input,output");
  EXPECT_EQ(parameters.at("fpga.devices").string_value(), "xrt:1");
  EXPECT_EQ(parameters.at("fpga.kernel_timeout_us").string_value(), "5000");
  EXPECT_EQ(parameters.size(), 7u);
  // One line telling the user what to write instead.
  EXPECT_THAT(validated->deprecation_warning, HasSubstr("model 'm': the fpga { } block"));
  EXPECT_THAT(
      validated->deprecation_warning,
      HasSubstr(R"(parameters { key: "fpga.kernel_name" value { string_value: "myproject" } })"));
  EXPECT_EQ(validated->deprecation_warning.find('\n'), std::string::npos);

  // The text it suggests is a config that gives the same settings.
  inference::ModelConfig rewritten = legacy;
  rewritten.clear_fpga();
  const std::string warning = validated->deprecation_warning;
  rewritten.MergeFrom(Parse(warning.substr(warning.find("parameters {"))));
  auto from_parameters = ValidateModelConfig(rewritten, "m");
  ASSERT_TRUE(from_parameters.ok()) << from_parameters.status();
  EXPECT_TRUE(from_parameters->deprecation_warning.empty());
  EXPECT_EQ(from_parameters->fpga.kernel_arguments, validated->fpga.kernel_arguments);
  EXPECT_EQ(from_parameters->fpga.devices, validated->fpga.devices);
  EXPECT_EQ(from_parameters->fpga.kernel_timeout_us, 5000u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_parameters->config,
                                                                 validated->config));
}

TEST(ModelConfigTest, BlockAndParametersMayRepeatTheSameValue) {
  inference::ModelConfig both = Parse(kValid);
  both.MergeFrom(Parse(kLegacyBlock));  // "input, output" vs [ "input", "output" ]: the same list
  auto validated = ValidateModelConfig(both, "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_FALSE(validated->deprecation_warning.empty());
  EXPECT_THAT(validated->fpga.kernel_arguments, ElementsAre("input", "output"));
  EXPECT_EQ(validated->config.parameters().at("fpga.kernel_arguments").string_value(),
            "input, output");  // the parameter as written wins
}

TEST(ModelConfigTest, FpgaParametersRoundTrip) {
  FpgaSettings settings;
  settings.kernel_name = "top";
  settings.kernel_arguments = {"input", "output", "batch_size"};
  settings.devices = {"xrt:0", "xrt:1"};
  settings.kernel_timeout_us = 42;
  inference::ModelConfig config;
  WriteFpgaParameters(settings, &config);
  EXPECT_EQ(config.parameters_size(), 4);  // empty settings are not written
  auto read = ReadFpgaParameters(config);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->kernel_name, "top");
  EXPECT_THAT(read->kernel_arguments, ElementsAre("input", "output", "batch_size"));
  EXPECT_THAT(read->devices, ElementsAre("xrt:0", "xrt:1"));
  EXPECT_EQ(read->kernel_timeout_us, 42u);
  EXPECT_EQ(FpgaParameter(config, kFpgaKernelName), "top");
  EXPECT_EQ(FpgaParameter(config, kFpgaXclbin), "");
  // A view into the config, not a copy: the request path keeps string_views of it.
  EXPECT_EQ(&FpgaParameter(config, kFpgaKernelName),
            &config.parameters().at(kFpgaKernelName).string_value());
}

// Every field of the deprecated block has its parameter (a field added to FpgaConfig without one
// would be refused as an unknown key once moved).
TEST(ModelConfigTest, EveryBlockFieldHasAKnownParameter) {
  const google::protobuf::Descriptor* block = inference::FpgaConfig::descriptor();
  for (int i = 0; i < block->field_count(); ++i) {
    inference::ModelConfig config;
    (*config.mutable_parameters())["fpga." + block->field(i)->name()].set_string_value("1");
    EXPECT_THAT(ReadFpgaParameters(config).status().message(), ::testing::Not(HasSubstr("unknown")))
        << block->field(i)->name();
  }
}

}  // namespace
}  // namespace fpgaas
