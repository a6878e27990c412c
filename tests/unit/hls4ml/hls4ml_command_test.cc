// `fpgaas hls4ml predict|import|bench` through RunHls4mlCommand, on the team-written fixtures. Expected
// layer outputs are hand-computed from the fixture weights (see fixtures/*/firmware/weights).
#include "client/tools/hls4ml/hls4ml_command.h"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/model_config.pb.h"
#include "server/repository/fpga_parameters.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::FixturesDir;
using ::fpgaas::testing_hls4ml::ReadText;
using ::fpgaas::testing_hls4ml::ScratchDir;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int code;
  std::string out, err;
};

Result RunCommand(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = RunHls4mlCommand(args, out, err);
  return {code, out.str(), err.str()};
}

fs::path WriteCsv(const std::string& text) {
  fs::path path = ScratchDir("csv") / "in.csv";
  WriteText(path, text);
  return path;
}

TEST(Hls4mlPredictTest, TracesHandComputedLayers) {
  Result r = RunCommand({"predict", (FixturesDir() / "new_style").string(), "--input",
                         WriteCsv("1,2,0.5\n").string(), "--trace"});
  ASSERT_EQ(r.code, 0) << r.err;
  // fc1: b + x.W with 0.53 -> 0.5 and -0.07 -> -0.09375 in ap_fixed<8,3>.
  EXPECT_THAT(r.out, HasSubstr("# sample 1 fc1 ap_fixed<16,6>: 0.40625,1.25,0,3.875\n"));
  EXPECT_THAT(r.out,
              HasSubstr("# sample 1 bn ap_fixed<10,4,AP_RND,AP_SAT>: 0.8125,0.875,-1,-3.375\n"));
  // fc2 uses resource-strategy (transposed) weights.
  EXPECT_THAT(r.out, HasSubstr("# sample 1 fc2 ap_fixed<16,6>: 0.40625,1.15625,-0.6875\n"));
  // The last line is the prediction: three softmax values, largest for the largest input.
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  std::vector<std::string> values = absl::StrSplit(lines.back(), ',');
  ASSERT_EQ(values.size(), 3u);
  EXPECT_GT(std::stod(values[1]), std::stod(values[0]));
  EXPECT_GT(std::stod(values[0]), std::stod(values[2]));
}

TEST(Hls4mlPredictTest, OldStyleProject) {
  Result r = RunCommand({"predict", (FixturesDir() / "old_style").string(), "--input",
                         WriteCsv("1.5,-0.5\n").string(), "--trace"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("layer2 ap_fixed<16,6>: 0.75,-1.75,1.75\n"));
  EXPECT_THAT(r.out, HasSubstr("layer8 ap_fixed<16,6>: 1.25,-3,-1.75\n"));
  EXPECT_THAT(r.out, HasSubstr("layer5 ap_fixed<16,6>: 2\n"));
  // sigmoid(2) = 0.8808; a 2048-entry table over [-8, 8) and 10 fractional bits land within 0.01.
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  EXPECT_NEAR(std::stod(lines.back()), 0.8808, 0.01);
}

// Inputs are read as the testbench reads them: atof -> float -> input_t. 1 - 2^-30 is below 1 as
// a double (-> 1023/1024 in ap_fixed<16,6>) but rounds to 1.0f as a float (-> 1).
TEST(Hls4mlPredictTest, InputsGoThroughFloat) {
  Result r = RunCommand({"predict", (FixturesDir() / "old_style").string(), "--input",
                         WriteCsv("0.99999999906867742538,0\n").string(), "--trace"});
  ASSERT_EQ(r.code, 0) << r.err;
  // layer2[0] = x0 * 1 + 0.25.
  EXPECT_THAT(r.out, HasSubstr("layer2 ap_fixed<16,6>: 1.25,"));
}

TEST(Hls4mlPredictTest, WritesExactValuesToTheOutputFile) {
  fs::path out = ScratchDir("out") / "out.csv";
  Result r = RunCommand({"predict", (FixturesDir() / "new_style").string(), "--input",
                         WriteCsv("1,2,0.5\n\n0.1,-0.3,7.77\n-31.5,4,0\n").string(), "--output",
                         out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::vector<std::string> lines = absl::StrSplit(ReadText(out), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);  // the blank line is not a sample
  for (const std::string& line : lines) {
    std::vector<std::string> values = absl::StrSplit(line, ',');
    ASSERT_EQ(values.size(), 3u);
    for (const std::string& v : values) {
      // ap_fixed<16,6> values are multiples of 2^-10: printed exactly, they read back exactly.
      double scaled = std::stod(v) * 1024;
      EXPECT_EQ(scaled, std::floor(scaled)) << v;
    }
  }
}

TEST(Hls4mlPredictTest, BadCsvNamesTheLine) {
  const std::string project = (FixturesDir() / "old_style").string();
  Result r = RunCommand({"predict", project, "--input", WriteCsv("1,2\n3,abc\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("in.csv:2: value 2 'abc' is not a number"));

  r = RunCommand({"predict", project, "--input", WriteCsv("1,2,3\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("in.csv:1: 3 values, the model takes 2"));

  r = RunCommand({"predict", project, "--input", WriteCsv("1,2\nnan,0\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("in.csv:2: value 1 'nan' is not finite"));

  r = RunCommand({"predict", project, "--input", (ScratchDir("none") / "missing.csv").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot open"));
}

TEST(Hls4mlPredictTest, BadProjectIsAFailure) {
  fs::path dir = CopyFixture("new_style");
  fs::remove(dir / "firmware" / "weights" / "b2.txt");
  Result r = RunCommand({"predict", dir.string(), "--input", WriteCsv("1,2,0.5\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("missing weight file firmware/weights/b2.txt"));
  r = RunCommand({"predict", ScratchDir("nothing").string(), "--input", WriteCsv("1\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("neither an hls4ml project"));
}

TEST(Hls4mlCommandTest, UsageErrorsAndHelp) {
  EXPECT_EQ(RunCommand({}).code, 2);
  Result r = RunCommand({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("fpgaas hls4ml predict"));
  EXPECT_THAT(r.out, HasSubstr("fpgaas hls4ml import"));
  EXPECT_THAT(r.out, HasSubstr("fpgaas hls4ml bench"));
  EXPECT_EQ(RunCommand({"predict", "--help"}).code, 0);
  r = RunCommand({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'"));
  r = RunCommand({"predict", (FixturesDir() / "old_style").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--input"));
  r = RunCommand({"predict", "x", "--input"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--input needs a value"));
  r = RunCommand(
      {"import", (FixturesDir() / "old_style").string(), "--repository", "r", "--name", "../evil"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("model name"));
}

// Reads "<key> <number>" from bench's output; -1 when absent.
double BenchFigure(const std::string& out, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, key + " ")) {
      double v = -1;
      if (absl::SimpleAtod(line.substr(key.size() + 1), &v)) return v;
    }
  }
  return -1;
}

TEST(Hls4mlBenchTest, ReportsSamplesPerSecondAndGmacs) {
  Result r = RunCommand({"bench", (FixturesDir() / "old_style").string(), "--batch", "100",
                         "--threads", "2", "--seconds", "0.05", "--seed", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("batch 100, threads 2,"));
  EXPECT_THAT(r.out, HasSubstr("seed 3"));
  const double samples = BenchFigure(r.out, "samples/s");
  const double gmacs = BenchFigure(r.out, "GMAC/s");
  EXPECT_GT(samples, 0) << r.out;
  EXPECT_GE(gmacs, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("median batch time"));
}

// Every input gets its own seeded batch and every output its own buffer (the one-input Run read
// past the first input of a two-input network).
TEST(Hls4mlBenchTest, RunsNetworksWithSeveralInputsAndOutputs) {
  Result r = RunCommand({"bench", (FixturesDir() / "branchy").string(), "--batch", "100",
                         "--seconds", "0.05"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("network 6 + 6 -> "));
  EXPECT_GT(BenchFigure(r.out, "samples/s"), 0) << r.out;
}

TEST(Hls4mlBenchTest, BadOptionsAreUsageErrorsAndBadProjectsFailures) {
  const std::string project = (FixturesDir() / "old_style").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"bench", project, "--batch", "0"},
        {"bench", project, "--threads", "x"},
        {"bench", project, "--seconds", "-1"},
        {"bench", project, "--frob"},
        {"bench"}}) {
    Result r = RunCommand(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr("fpgaas hls4ml bench")) << absl::StrJoin(args, " ");
  }
  Result r = RunCommand({"bench", project, "--batch", "0"});
  EXPECT_THAT(r.err, HasSubstr("--batch must be an integer in 1..16777216, got '0'"));
  r = RunCommand({"bench", (ScratchDir("bench") / "missing").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("fpgaas hls4ml bench: "));
}

TEST(Hls4mlImportTest, WritesAServableEntryAndRefusesToOverwrite) {
  const fs::path repo = ScratchDir("repo");
  const std::string project = (FixturesDir() / "new_style").string();
  Result r = RunCommand({"import", project, "--repository", repo.string(), "--name", "tiny_model"});
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path model = repo / "tiny_model";
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "firmware" / "tiny.cpp"));
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "firmware" / "weights" / "w6.txt"));
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "hls4ml_config.yml"));
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "tb_data" / "tb_input_features.dat"));
  inference::ModelConfig config;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(ReadText(model / "config.pbtxt"), &config));
  EXPECT_EQ(config.name(), "tiny_model");
  EXPECT_EQ(config.platform(), "fpgaas_hls4ml");
  ASSERT_EQ(config.input_size(), 1);
  EXPECT_EQ(config.input(0).name(), "input_1");
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_THAT(config.input(0).dims(), ::testing::ElementsAre(3));
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.output(0).name(), "layer9_out");
  EXPECT_THAT(config.output(0).dims(), ::testing::ElementsAre(3));
  EXPECT_FALSE(config.has_fpga());
  EXPECT_EQ(FpgaParameter(config, kFpgaKernelName), "tiny");
  EXPECT_EQ(FpgaParameter(config, kFpgaInputPrecision), "ap_fixed<16,6>");

  // The imported model predicts what the project predicts.
  const std::string csv = WriteCsv("1,2,0.5\n-3,0.25,1\n").string();
  Result from_model = RunCommand({"predict", model.string(), "--input", csv});
  Result from_project = RunCommand({"predict", project, "--input", csv});
  ASSERT_EQ(from_model.code, 0) << from_model.err;
  EXPECT_EQ(from_model.out, from_project.out);

  // Without --version the next free version is used; an explicit existing one needs --force.
  r = RunCommand({"import", project, "--repository", repo.string(), "--name", "tiny_model"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(model / "2" / "hls4ml_prj" / "firmware" / "tiny.cpp"));
  r = RunCommand({"import", (FixturesDir() / "old_style").string(), "--repository", repo.string(),
                  "--name", "tiny_model", "--version", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("already exists; use --force"));
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "firmware" / "tiny.cpp"));
  r = RunCommand({"import", (FixturesDir() / "old_style").string(), "--repository", repo.string(),
                  "--name", "tiny_model", "--version", "1", "--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(model / "1" / "hls4ml_prj" / "firmware" / "myproject.cpp"));
  EXPECT_FALSE(fs::exists(model / "1" / "hls4ml_prj" / "firmware" / "tiny.cpp"));
}

TEST(Hls4mlImportTest, InvalidProjectWritesNothing) {
  const fs::path repo = ScratchDir("repo");
  fs::path dir = CopyFixture("new_style");
  testing_hls4ml::ReplaceInFile(dir / "firmware" / "tiny.cpp", "nnet::relu<", "nnet::einsum_dense<");
  Result r =
      RunCommand({"import", dir.string(), "--repository", repo.string(), "--name", "broken"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown layer nnet::einsum_dense"));
  EXPECT_FALSE(fs::exists(repo / "broken"));
}

TEST(Hls4mlImportTest, AcceptsTheFirmwareFolder) {
  const fs::path repo = ScratchDir("repo");
  Result r = RunCommand({"import", (FixturesDir() / "old_style" / "firmware").string(),
                         "--repository", repo.string(), "--name", "old"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(repo / "old" / "1" / "hls4ml_prj" / "firmware" / "parameters.h"));
  Result p = RunCommand(
      {"predict", (repo / "old").string(), "--input", WriteCsv("1.5,-0.5\n").string(), "--trace"});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_THAT(p.out, HasSubstr("layer5 ap_fixed<16,6>: 2\n"));
  EXPECT_THAT(p.out, Not(HasSubstr("nan")));
}

// predict on a model folder finds the project folder its config names: the fpga.hls4ml_project
// parameter, or the deprecated fpga block's hls4ml_project.
TEST(Hls4mlImportTest, PredictFollowsTheConfigsProjectFolder) {
  const fs::path repo = ScratchDir("repo");
  const std::string project = (FixturesDir() / "new_style").string();
  ASSERT_EQ(RunCommand({"import", project, "--repository", repo.string(), "--name", "m"}).code, 0);
  const fs::path model = repo / "m";
  fs::rename(model / "1" / "hls4ml_prj", model / "1" / "custom_prj");
  const std::string csv = WriteCsv("1,2,0.5\n").string();
  Result expected = RunCommand({"predict", project, "--input", csv});
  ASSERT_EQ(expected.code, 0) << expected.err;
  EXPECT_NE(RunCommand({"predict", model.string(), "--input", csv}).code, 0);

  for (const std::string config :
       {R"(parameters { key: "fpga.hls4ml_project" value { string_value: "custom_prj" } })",
        R"(fpga { hls4ml_project: "custom_prj" })"}) {
    SCOPED_TRACE(config);
    WriteText(model / "config.pbtxt", config);
    Result r = RunCommand({"predict", model.string(), "--input", csv});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, expected.out);
  }
  fs::remove_all(repo);
  fs::remove_all(fs::path(csv).parent_path());
}

}  // namespace
}  // namespace fpgaas
