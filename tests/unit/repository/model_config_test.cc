// Config rules without files or devices: parsing (text and JSON), validation with defaults, and
// the translation into scheduler options and device specs.
#include "server/repository/model_config.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgaas {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kValid[] = R"pb(
  max_batch_size: 8
  input { name: "x" data_type: TYPE_FP32 dims: [ 2, 8 ] }
  output { name: "y" data_type: TYPE_INT16 dims: [ 5 ] }
  instance_group { count: 2 } instance_group { }
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
        BadCase{"fpga { input_precision: \"ap_fixed<0,0>\" }", "m", "fpga.input_precision"},
        BadCase{"fpga { kernel_arguments: \"weights\" }", "m", "'weights' is not one of"},
        BadCase{"fpga { xclbin: \"../x.xclbin\" }", "m", "must be a plain name"},
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
  config.mutable_fpga()->clear_output_precision();
  auto validated = ValidateModelConfig(config, "m");
  ASSERT_TRUE(validated.ok()) << validated.status();
  VersionFiles files;
  absl::Status checked = CheckVersionAgainstConfig(*validated, &files);
  EXPECT_EQ(checked.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(checked.message(), HasSubstr("are required for a model without an hls4ml project"));
}

}  // namespace
}  // namespace fpgaas
