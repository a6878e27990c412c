// The config.pbtxt files written by hand (deploy/models/make_models.py and `fpgaas hls4ml import`)
// parse as fpgaas's ModelConfig (proto/model_config.proto), with the fpga.* parameters rather than
// the deprecated fpga block, and agree with their hls4ml projects.
#include <filesystem>
#include <sstream>
#include <string>

#include "client/tools/hls4ml/hls4ml_command.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/model_config.pb.h"
#include "server/numerics/hls4ml_project.h"
#include "server/repository/fpga_parameters.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::FixturesDir;
using ::fpgaas::testing_hls4ml::ModelsDir;
using ::fpgaas::testing_hls4ml::ReadText;
using ::fpgaas::testing_hls4ml::ScratchDir;

void ExpectConfigMatchesProject(const fs::path& model_dir, const std::string& name) {
  inference::ModelConfig config;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(ReadText(model_dir / "config.pbtxt"), &config))
      << model_dir;
  EXPECT_EQ(config.name(), name);
  EXPECT_EQ(config.platform(), "fpgaas_hls4ml");
  EXPECT_EQ(config.max_batch_size(), 8192);
  ASSERT_EQ(config.instance_group_size(), 1);
  EXPECT_EQ(config.instance_group(0).count(), 2);
  EXPECT_TRUE(config.has_dynamic_batching());
  // Latency first: no wait for a fuller batch; batches form from what queues while the compute
  // units are busy.
  EXPECT_EQ(config.dynamic_batching().max_queue_delay_microseconds(), 0u);

  absl::StatusOr<numerics::Hls4mlProject> project =
      numerics::ReadHls4mlProject(model_dir / "1" / FpgaParameter(config, kFpgaHls4mlProject));
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(config.input_size(), 1);
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.input(0).name(), project->input_name);
  EXPECT_EQ(config.output(0).name(), project->output_name);
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  ASSERT_EQ(config.input(0).dims_size(), 1);
  EXPECT_EQ(config.input(0).dims(0), project->spec.input_size);
  EXPECT_FALSE(config.has_fpga());
  EXPECT_EQ(FpgaParameter(config, kFpgaKernelName), project->top_function);
  EXPECT_EQ(FpgaParameter(config, kFpgaKernelArguments), "input,output,batch_size");
  EXPECT_EQ(FpgaParameter(config, kFpgaInputPrecision), project->spec.input_type.ToString());
  EXPECT_EQ(FpgaParameter(config, kFpgaOutputPrecision),
            project->spec.layers.back().result_type.ToString());
}

TEST(ConfigPbtxtTest, ExampleModels) {
  for (const char* name : {"iris", "muon_pt", "jet_tagger"}) {
    SCOPED_TRACE(name);
    ExpectConfigMatchesProject(ModelsDir() / name, name);
  }
}

TEST(ConfigPbtxtTest, WrittenByImport) {
  const fs::path repo = ScratchDir("repo");
  std::ostringstream out, err;
  ASSERT_EQ(RunHls4mlCommand({"import", (FixturesDir() / "new_style").string(), "--repository",
                              repo.string(), "--name", "tiny"},
                             out, err),
            0)
      << err.str();
  ExpectConfigMatchesProject(repo / "tiny", "tiny");
}

}  // namespace
}  // namespace fpgaas
