// The fpgaas CLI (every subcommand, validate) and fpgaas-perf, run in-process against the fake
// KServe v2 service.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "client/tools/cli/cli.h"
#include "client/tools/common/csv.h"
#include "client/tools/perf/perf.h"
#include "tests/integration/client/fake_kserve_service.h"
#include "tests/support/report_checks.h"

namespace fpgaas::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("tools_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome Cli(std::vector<std::string> args, bool with_server = true) {
    if (with_server) args.push_back("--server=" + server_.address());
    std::ostringstream out, err;
    int code = RunCli(args, out, err);
    return {code, out.str(), err.str()};
  }
  Outcome Perf(std::vector<std::string> args) {
    args.push_back("--server=" + server_.address());
    std::ostringstream out, err;
    int code = RunPerf(args, out, err);
    return {code, out.str(), err.str()};
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  testing::FakeKServeServer server_;
  std::filesystem::path dir_;
};

TEST_F(ToolsTest, EverySubcommandHasHelp) {
  for (const char* command : {"health", "models", "metadata", "infer", "load", "unload", "register",
                              "stats", "validate"}) {
    Outcome run = Cli({command, "--help"}, false);
    EXPECT_EQ(run.code, 0) << command;
    EXPECT_THAT(run.out, HasSubstr("usage: fpgaas " + std::string(command))) << command;
    EXPECT_THAT(run.out, HasSubstr("--server")) << command;
  }
  Outcome overview = Cli({"--help"}, false);
  EXPECT_EQ(overview.code, 0);
  EXPECT_THAT(overview.out, HasSubstr("validate <model>"));
  std::ostringstream out, err;
  EXPECT_EQ(RunPerf({"--help"}, out, err), 0);
  EXPECT_THAT(out.str(), HasSubstr("--concurrency"));
}

TEST_F(ToolsTest, UsageErrorsExitWithTwo) {
  Outcome unknown = Cli({"frobnicate"}, false);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'frobnicate'"));
  Outcome bad_option = Cli({"health", "--bogus"});
  EXPECT_EQ(bad_option.code, 2);
  EXPECT_THAT(bad_option.err, HasSubstr("unknown option --bogus"));
  Outcome missing = Cli({"metadata"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing argument"));
  EXPECT_EQ(Cli({}, false).code, 2);
  Outcome bad_number = Cli({"infer", "muon_pt", "--batch", "lots"});
  EXPECT_EQ(bad_number.code, 2);
  EXPECT_THAT(bad_number.err, HasSubstr("--batch takes an integer, got 'lots'"));
}

TEST_F(ToolsTest, Health) {
  Outcome run = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("live, ready"));
  EXPECT_THAT(run.out, HasSubstr("model muon_pt: ready"));
  EXPECT_EQ(Cli({"unload", "muon_pt"}).code, 0);
  Outcome unloaded = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(unloaded.code, 1);
  EXPECT_THAT(unloaded.out, HasSubstr("model muon_pt: not ready"));
}

TEST_F(ToolsTest, UnreachableServer) {
  Outcome run = Cli({"health", "--server=127.0.0.1:1", "--retries=0"}, false);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("cannot reach the server at 127.0.0.1:1"));
}

TEST_F(ToolsTest, ModelsMetadataAndStats) {
  Outcome models = Cli({"models"});
  EXPECT_EQ(models.code, 0);
  EXPECT_THAT(models.out, HasSubstr("muon_pt"));
  EXPECT_THAT(models.out, HasSubstr("READY"));
  Outcome metadata = Cli({"metadata", "muon_pt", "--json"});
  EXPECT_EQ(metadata.code, 0) << metadata.err;
  EXPECT_THAT(metadata.out, HasSubstr("input:          input_1 FP32 [-1, 3]"));
  EXPECT_THAT(metadata.out, HasSubstr("max_batch_size: 4"));
  EXPECT_THAT(metadata.out, HasSubstr("\"max_batch_size\":4"));
  Outcome unknown = Cli({"metadata", "nope"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(unknown.err, HasSubstr("unknown model 'nope'"));

  Write("in.csv", "1,2,3\n");
  ASSERT_EQ(Cli({"infer", "muon_pt", "--input", Path("in.csv")}).code, 0);
  Outcome stats = Cli({"stats", "muon_pt"});
  EXPECT_EQ(stats.code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("inferences:        1 samples in 1 executions"));
  EXPECT_THAT(stats.out, HasSubstr("avg compute:       3.0 us"));
}

TEST_F(ToolsTest, InferWritesOneRowPerSample) {
  Write("in.csv", "a,b,c\n# comment\n1,2,3\n0.5,0.5,0.5\n\n10,20,30\n");
  Outcome to_stdout = Cli({"infer", "muon_pt", "--input", Path("in.csv"), "--batch", "2"});
  EXPECT_EQ(to_stdout.code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, "pt\n6\n1.5\n60\n");
  EXPECT_EQ(server_.service().infer_calls(), 2);
  Outcome to_file =
      Cli({"infer", "scores", "--input", Path("in.csv"), "--output", Path("out.csv")});
  EXPECT_EQ(to_file.code, 0) << to_file.err;
  EXPECT_EQ(Read("out.csv"), "scores_0,scores_1,scores_2\n1,2,3\n0.5,0.5,0.5\n10,20,30\n");
}

TEST_F(ToolsTest, BadCsvIsReportedWithItsLineNumber) {
  Write("bad.csv", "1,2,3\n4,5,6\n7,x,9\n");
  Outcome run = Cli({"infer", "muon_pt", "--input", Path("bad.csv")});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("bad.csv:3: field 2 'x' is not a number"));
  Write("ragged.csv", "1,2,3\n\n4,5\n");
  Outcome ragged = Cli({"infer", "muon_pt", "--input", Path("ragged.csv")});
  EXPECT_EQ(ragged.code, 2);
  EXPECT_THAT(ragged.err, HasSubstr("ragged.csv:3: 2 values, expected 3 like line 1"));
  Write("wide.csv", "1,2,3,4\n");
  Outcome wide = Cli({"infer", "muon_pt", "--input", Path("wide.csv")});
  EXPECT_EQ(wide.code, 2);
  EXPECT_THAT(wide.err, HasSubstr("4 values per row, but model 'muon_pt' input 'input_1' takes 3"));
  Outcome missing = Cli({"infer", "muon_pt", "--input", Path("missing.csv")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
}

TEST_F(ToolsTest, DeadlineAndUnknownModel) {
  server_.service().set_slow_ms(300);
  Write("in.csv", "1,2,3\n");
  Outcome slow = Cli({"infer", "slow", "--input", Path("in.csv"), "--timeout-ms", "30"});
  EXPECT_EQ(slow.code, 1);
  EXPECT_THAT(slow.err, HasSubstr("did not answer in time"));
  Outcome unknown = Cli({"infer", "nope", "--input", Path("in.csv")});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown model 'nope'"));
}

TEST_F(ToolsTest, LoadUnloadAndRegister) {
  EXPECT_EQ(Cli({"unload", "scores"}).code, 0);
  EXPECT_THAT(Cli({"models", "--ready"}).out, Not(HasSubstr("scores")));
  Outcome load = Cli({"load", "scores"});
  EXPECT_EQ(load.code, 0);
  EXPECT_THAT(load.out, HasSubstr("loaded scores"));
  EXPECT_EQ(Cli({"unload", "nope"}).code, 1);

  std::filesystem::create_directories(dir_ / "m" / "2");
  Write("m/config.pbtxt", "name: \"uploaded\"\n");
  Write("m/2/model.xclbin", "bits");
  Outcome reg = Cli({"register", Path("m")});
  EXPECT_EQ(reg.code, 0) << reg.err;
  EXPECT_EQ(server_.service().last_load().model_name(), "uploaded");
  EXPECT_EQ(server_.service().last_load().parameters().at("file:2/model.xclbin").bytes_param(),
            "bits");
  Outcome bad = Cli({"register", Path("nowhere")});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("does not exist"));
}

TEST_F(ToolsTest, ValidateRegressionReportsErrorsAndResolution) {
  Write("in.csv", "1,2,3\n1,1,1\n2,2,1\n0,0,1\n");
  // Model answers 6, 3, 5, 1; the reference is exact but for +10% on row 2.
  Write("ref.csv", "pt\n6\n3\n5.5\n1\n");
  Outcome run = Cli({"validate", "muon_pt", "--input", Path("in.csv"), "--reference",
                     Path("ref.csv"), "--report", Path("report.html")});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("max absolute error:  0.5\n"));
  EXPECT_THAT(run.out, HasSubstr("mean absolute error: 0.125\n"));
  EXPECT_THAT(run.out, HasSubstr("max relative error:  0.0909091"));
  const std::string html = Read("report.html");
  EXPECT_EQ(testing::HtmlProblems(html), "");
  EXPECT_THAT(html, HasSubstr("resolution (pred - ref) / ref (n=4)"));
  EXPECT_THAT(html, HasSubstr("absolute error |pred - ref| (n=4)"));
  EXPECT_THAT(html, HasSubstr("<td>max absolute error</td><td>0.5</td>"));
  Outcome strict = Cli({"validate", "muon_pt", "--input", Path("in.csv"), "--reference",
                        Path("ref.csv"), "--max-abs-error", "0.1"});
  EXPECT_EQ(strict.code, 1);
  EXPECT_THAT(strict.err, HasSubstr("exceeds 0.1"));
}

TEST_F(ToolsTest, ValidateClassificationAccuracyAndConfusionMatrix) {
  Write("in.csv", "0.9,0.05,0.05\n0.1,0.8,0.1\n0.2,0.2,0.6\n0.6,0.3,0.1\n");
  Write("labels.csv", "0\n1\n2\n1\n");  // the last one disagrees (predicted 0)
  Outcome run = Cli({"validate", "scores", "--task", "classification", "--input", Path("in.csv"),
                     "--reference", Path("labels.csv"), "--report", Path("cls.html"),
                     "--min-accuracy", "0.7"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("accuracy (agreement): 0.7500 (3 of 4)"));
  const std::string html = Read("cls.html");
  EXPECT_EQ(testing::HtmlProblems(html), "");
  EXPECT_THAT(html, HasSubstr("Confusion matrix"));
  EXPECT_THAT(html, HasSubstr("predicted class"));
  EXPECT_THAT(html, HasSubstr("<td>accuracy (agreement)</td><td>0.7500</td>"));
  EXPECT_EQ(testing::CountOf(html, "<svg"), 1u);  // labels: no score error histogram
  Outcome strict = Cli({"validate", "scores", "--task", "classification", "--input", Path("in.csv"),
                        "--reference", Path("labels.csv"), "--min-accuracy", "0.9"});
  EXPECT_EQ(strict.code, 1);
}

TEST_F(ToolsTest, ValidateClassificationAgainstReferenceScores) {
  // "scores" echoes its input; the reference scores agree on the argmax of rows 1 and 2 only.
  Write("in.csv", "0.9,0.05,0.05\n0.1,0.8,0.1\n0.2,0.2,0.6\n");
  Write("ref.csv", "0.8,0.1,0.1\n0.2,0.7,0.1\n0.5,0.2,0.3\n");
  Outcome run = Cli({"validate", "scores", "--task", "classification", "--input", Path("in.csv"),
                     "--reference", Path("ref.csv"), "--report", Path("scores.html")});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("accuracy (agreement): 0.6667 (2 of 3)"));
  EXPECT_THAT(run.out, HasSubstr("max absolute error:  0.3\n"));
  const std::string html = Read("scores.html");
  EXPECT_EQ(testing::HtmlProblems(html), "");
  EXPECT_EQ(testing::CountOf(html, "<svg"), 2u);  // confusion matrix + score error histogram
}

TEST_F(ToolsTest, ValidateRejectsMismatchedFiles) {
  Write("in.csv", "1,2,3\n1,1,1\n");
  Write("short.csv", "6\n");
  Outcome run =
      Cli({"validate", "muon_pt", "--input", Path("in.csv"), "--reference", Path("short.csv")});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("has 2 rows but"));
  Write("bad.csv", "6\n3,\n");
  Outcome bad =
      Cli({"validate", "muon_pt", "--input", Path("in.csv"), "--reference", Path("bad.csv")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("bad.csv:2:"));
}

google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(text, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text;
  return parsed;
}

TEST_F(ToolsTest, PerfClosedLoopSweepWritesCsvJsonAndHtml) {
  Outcome run =
      Perf({"muon_pt", "--concurrency", "1,2", "--count", "20", "--batch", "2", "--warmup", "0.05",
            "--csv", Path("perf.csv"), "--json", Path("perf.json"), "--html", Path("perf.html")});
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  std::cout << run.out;
  EXPECT_THAT(run.out, HasSubstr("concurrency 1"));
  EXPECT_THAT(run.out, HasSubstr("concurrency 2"));

  auto json = ParseJson(Read("perf.json"));
  EXPECT_EQ(json.fields().at("model").string_value(), "muon_pt");
  EXPECT_EQ(json.fields().at("batch").number_value(), 2);
  const auto& levels = json.fields().at("levels").list_value().values();
  ASSERT_EQ(levels.size(), 2);
  for (const auto& level : levels) {
    const auto& f = level.struct_value().fields();
    EXPECT_EQ(f.at("requests").number_value(), 20);
    EXPECT_EQ(f.at("errors").number_value(), 0);
    EXPECT_LE(f.at("p50_us").number_value(), f.at("p99_us").number_value());
    EXPECT_LE(f.at("p99_us").number_value(), f.at("max_us").number_value());
    // The fake server reports 1/2/3/4 µs per request for the four stages.
    EXPECT_TRUE(f.at("server_split_valid").bool_value());
    EXPECT_DOUBLE_EQ(f.at("server_queue_us").number_value(), 1.0);
    EXPECT_DOUBLE_EQ(f.at("server_input_us").number_value(), 2.0);
    EXPECT_DOUBLE_EQ(f.at("server_compute_us").number_value(), 3.0);
    EXPECT_DOUBLE_EQ(f.at("server_output_us").number_value(), 4.0);
  }
  EXPECT_EQ(levels[1].struct_value().fields().at("concurrency").number_value(), 2);

  for (const auto& level : levels) {
    for (size_t k = 1; k < testing::PerfColumns().size(); ++k) {
      EXPECT_TRUE(level.struct_value().fields().contains(testing::PerfColumns()[k]))
          << testing::PerfColumns()[k];
    }
  }

  // CSV: the documented header, then one row per level: its name and a number in every column.
  const auto csv = testing::CsvCells(Read("perf.csv"));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], testing::PerfColumns());
  for (size_t row = 1; row < csv.size(); ++row) {
    ASSERT_EQ(csv[row].size(), testing::PerfColumns().size());
    EXPECT_EQ(csv[row][0], absl::StrCat("concurrency ", row));
    for (size_t k = 1; k < csv[row].size(); ++k) {
      double value;
      EXPECT_TRUE(absl::SimpleAtod(csv[row][k], &value)) << testing::PerfColumns()[k];
    }
    EXPECT_EQ(csv[row][3], "20");  // requests
  }

  const std::string html = Read("perf.html");
  EXPECT_EQ(testing::HtmlProblems(html), "");
  EXPECT_EQ(testing::CountOf(html, "<svg"), 10u);  // total + 4 stages, per level
  EXPECT_THAT(html, HasSubstr("server: compute"));
  EXPECT_THAT(html, HasSubstr("total latency per request"));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST_F(ToolsTest, PerfStreamAndOpenLoopModes) {
  Outcome stream = Perf({"muon_pt", "--mode", "stream", "--concurrency", "4", "--count", "30",
                         "--warmup", "0", "--json", Path("stream.json")});
  ASSERT_EQ(stream.code, 0) << stream.err;
  auto json = ParseJson(Read("stream.json"));
  EXPECT_EQ(json.fields().at("mode").string_value(), "stream");
  EXPECT_EQ(json.fields()
                .at("levels")
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("requests")
                .number_value(),
            30);
  for (const char* mode : {"unary", "stream"}) {
    Outcome open = Perf({"muon_pt", "--mode", mode, "--request-rate", "500", "--count", "25",
                         "--warmup", "0", "--json", Path("open.json")});
    ASSERT_EQ(open.code, 0) << mode << ": " << open.err;
    auto level = ParseJson(Read("open.json")).fields().at("levels").list_value().values(0);
    EXPECT_EQ(level.struct_value().fields().at("requests").number_value(), 25) << mode;
    EXPECT_EQ(level.struct_value().fields().at("request_rate").number_value(), 500) << mode;
    EXPECT_THAT(open.out, HasSubstr("rate 500/s"));
  }
}

TEST_F(ToolsTest, PerfWarmUpIsNotRecordedAndDurationBoundsARun) {
  Outcome warm = Perf({"muon_pt", "--count", "10", "--warmup", "0.1", "--json", Path("w.json")});
  ASSERT_EQ(warm.code, 0) << warm.err;
  auto level = ParseJson(Read("w.json")).fields().at("levels").list_value().values(0);
  EXPECT_EQ(level.struct_value().fields().at("requests").number_value(), 10);
  EXPECT_GT(server_.service().infer_calls(), 10);  // the warm-up's requests were sent, not counted

  Outcome timed = Perf({"muon_pt", "--duration", "0.2", "--warmup", "0", "--json", Path("d.json")});
  ASSERT_EQ(timed.code, 0) << timed.err;
  level = ParseJson(Read("d.json")).fields().at("levels").list_value().values(0);
  EXPECT_GT(level.struct_value().fields().at("requests").number_value(), 0);
  EXPECT_GE(level.struct_value().fields().at("seconds").number_value(), 0.2);
}

// A stream whose server does not echo request ids: responses are matched in order.
TEST_F(ToolsTest, PerfStreamAgainstAServerThatEchoesNoIds) {
  server_.service().set_echo_stream_ids(false);
  Outcome closed = Perf({"muon_pt", "--mode", "stream", "--concurrency", "4", "--count", "30",
                         "--warmup", "0", "--json", Path("closed.json")});
  ASSERT_EQ(closed.code, 0) << closed.err << closed.out;
  auto level = ParseJson(Read("closed.json")).fields().at("levels").list_value().values(0);
  EXPECT_EQ(level.struct_value().fields().at("requests").number_value(), 30);
  Outcome open = Perf({"muon_pt", "--mode", "stream", "--request-rate", "500", "--count", "20",
                       "--warmup", "0", "--json", Path("open.json")});
  ASSERT_EQ(open.code, 0) << open.err << open.out;
  level = ParseJson(Read("open.json")).fields().at("levels").list_value().values(0);
  EXPECT_EQ(level.struct_value().fields().at("requests").number_value(), 20);
}

// Stream requests the server never answers end as DEADLINE_EXCEEDED after the client deadline;
// the run finishes and reports them.
TEST_F(ToolsTest, PerfStreamGivesUpOnRequestsNeverAnswered) {
  server_.service().set_answer_streams(false);
  for (const std::vector<std::string>& load :
       {std::vector<std::string>{"--concurrency", "3"}, {"--request-rate", "1000"}}) {
    std::vector<std::string> args = {
        "muon_pt",      "--mode", "stream", "--count",        "3", "--warmup", "0",
        "--timeout-ms", "100",    "--json", Path("lost.json")};
    args.insert(args.end(), load.begin(), load.end());
    Outcome run = Perf(args);
    EXPECT_EQ(run.code, 1) << load[0] << ": " << run.err;
    auto level = ParseJson(Read("lost.json")).fields().at("levels").list_value().values(0);
    const auto& fields = level.struct_value().fields();
    EXPECT_EQ(fields.at("requests").number_value(), 0) << load[0];
    EXPECT_EQ(fields.at("errors").number_value(), 3) << load[0];
    EXPECT_THAT(fields.at("first_error").string_value(), HasSubstr("DEADLINE_EXCEEDED"));
    EXPECT_THAT(run.out, HasSubstr("3 failed requests"));
  }
}

// Counts are integers and latencies keep their digits: a latency over 10^6 µs is not rounded to
// six significant digits (1.10012e+06).
TEST_F(ToolsTest, PerfReportsPrintLargeNumbersInFull) {
  server_.service().set_slow_ms(1100);
  Outcome run = Perf({"slow", "--count", "1", "--warmup", "0", "--csv", Path("slow.csv"), "--json",
                      Path("slow.json")});
  ASSERT_EQ(run.code, 0) << run.err;
  const auto csv = testing::CsvCells(Read("slow.csv"));
  ASSERT_EQ(csv.size(), 2u);
  const auto& columns = testing::PerfColumns();
  const auto json = ParseJson(Read("slow.json")).fields().at("levels").list_value().values(0);
  for (size_t k = 1; k < columns.size(); ++k) {
    const std::string& cell = csv[1][k];
    EXPECT_EQ(cell.find_first_of("eE"), std::string::npos) << columns[k] << " = " << cell;
    double value;
    ASSERT_TRUE(absl::SimpleAtod(cell, &value)) << columns[k] << " = " << cell;
    EXPECT_DOUBLE_EQ(json.struct_value().fields().at(columns[k]).number_value(), value)
        << columns[k];
  }
  const std::string text = Read("slow.json");
  EXPECT_EQ(text.find("e+"), std::string::npos) << text;
  EXPECT_EQ(csv[1][1], "1");  // concurrency
  EXPECT_EQ(csv[1][3], "1");  // requests
  EXPECT_EQ(csv[1][4], "0");  // errors
  double max_us;
  ASSERT_TRUE(absl::SimpleAtod(csv[1][12], &max_us));
  EXPECT_EQ(columns[12], "max_us");
  EXPECT_GE(max_us, 1.1e6);
  EXPECT_THAT(csv[1][12], ::testing::MatchesRegex("[0-9]{7,}\\.[0-9]{3}"));
}

// --retries counts retries after the first attempt; 0 is allowed.
TEST_F(ToolsTest, RetriesCountRetriesNotAttempts) {
  Write("in.csv", "1,2,3\n");
  Outcome health = Cli({"health", "--retries=0"});
  EXPECT_EQ(health.code, 0) << health.err;

  server_.service().FailNextInfers(1);
  Outcome once = Cli({"infer", "muon_pt", "--input", Path("in.csv"), "--retries=0"});
  EXPECT_EQ(once.code, 1);
  EXPECT_THAT(once.err, HasSubstr("fake: try again"));
  EXPECT_EQ(server_.service().infer_calls(), 1);

  server_.service().FailNextInfers(1);
  Outcome retried = Cli({"infer", "muon_pt", "--input", Path("in.csv"), "--retries=1"});
  EXPECT_EQ(retried.code, 0) << retried.err;
  EXPECT_EQ(server_.service().infer_calls(), 3);

  for (const char* bad : {"--retries=-1", "--retries=5"}) {
    Outcome run = Cli({"health", bad});
    EXPECT_EQ(run.code, 2) << bad;
    EXPECT_THAT(run.err, HasSubstr("--retries must be between 0 and 4")) << bad;
  }
}

// A plain KServe v2 server has no ModelConfig RPC: metadata, infer, validate and perf still work.
TEST_F(ToolsTest, ToolsWorkWithoutModelConfig) {
  server_.service().set_model_config_unimplemented(true);
  Outcome metadata = Cli({"metadata", "muon_pt", "--json"});
  EXPECT_EQ(metadata.code, 0) << metadata.err;
  EXPECT_THAT(metadata.out, HasSubstr("max_batch_size: unknown"));
  EXPECT_THAT(metadata.out, HasSubstr("input:          input_1 FP32 [-1, 3]"));
  Write("in.csv", "1,2,3\n4,5,6\n");
  Write("ref.csv", "6\n15\n");
  Outcome infer = Cli({"infer", "muon_pt", "--input", Path("in.csv")});
  EXPECT_EQ(infer.code, 0) << infer.err;
  EXPECT_THAT(infer.out, HasSubstr("15"));
  Outcome validate =
      Cli({"validate", "muon_pt", "--input", Path("in.csv"), "--reference", Path("ref.csv")});
  EXPECT_EQ(validate.code, 0) << validate.err;
  Outcome perf = Perf({"muon_pt", "--count", "5", "--batch", "3", "--warmup", "0"});
  EXPECT_EQ(perf.code, 0) << perf.err;
}

TEST_F(ToolsTest, PerfErrors) {
  Outcome unknown = Perf({"nope", "--count", "1"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown model 'nope'"));
  Outcome big = Perf({"muon_pt", "--batch", "5", "--count", "1"});
  EXPECT_EQ(big.code, 2);
  EXPECT_THAT(big.err, HasSubstr("exceeds the model's max_batch_size 4"));
  Outcome bad_list = Perf({"muon_pt", "--concurrency", "1,x"});
  EXPECT_EQ(bad_list.code, 2);
  Outcome bad_mode = Perf({"muon_pt", "--mode", "carrier-pigeon"});
  EXPECT_EQ(bad_mode.code, 2);
}

TEST(CsvTest, HeaderOnlyWhenTheFirstLineHasNoNumber) {
  auto table = ParseCsv("# samples\n pt , eta \n1,2\n\n3, 4\n", "in.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->header, (std::vector<std::string>{"pt", "eta"}));
  EXPECT_EQ(table->rows, (std::vector<std::vector<float>>{{1, 2}, {3, 4}}));
  EXPECT_EQ(table->line_numbers, (std::vector<int>{3, 5}));
  // A first line mixing numbers and text is a broken data row, not a header.
  EXPECT_EQ(ParseCsv("1,x,3\n4,5,6\n", "in.csv").status().message(),
            "in.csv:1: field 2 'x' is not a number");
  EXPECT_EQ(ParseCsv("a,b\n1,2\nc,d\n", "in.csv").status().message(),
            "in.csv:3: field 1 'c' is not a number");
  EXPECT_EQ(ParseCsv("a,b\n1,2,3\n", "in.csv").status().message(),
            "in.csv:2: 3 values, expected 2 like line 1");
  EXPECT_EQ(ParseCsv("1,2\n3,\n", "in.csv").status().message(),
            "in.csv:2: field 2 '' is not a number");
  EXPECT_EQ(ParseCsv("# nothing\n\nx\n", "in.csv").status().message(), "in.csv: no data rows");
}

// Each subcommand that talks to a server, as invoked on `model` (files made by MakeFiles).
std::vector<std::vector<std::string>> ServerCommands(const std::string& model,
                                                     const std::string& dir) {
  return {{"health", "--model", model},
          {"models"},
          {"metadata", model},
          {"infer", model, "--input", dir + "/in.csv"},
          {"load", model},
          {"unload", model},
          {"register", dir + "/m", "--name", model},
          {"stats", model},
          {"validate", model, "--input", dir + "/in.csv", "--reference", dir + "/ref.csv"}};
}

class ToolsErrorTest : public ToolsTest {
 protected:
  void SetUp() override {
    ToolsTest::SetUp();
    Write("in.csv", "1,2,3\n");
    Write("ref.csv", "6\n");
    std::filesystem::create_directories(dir_ / "m" / "1");
    Write("m/config.pbtxt", "name: \"m\"\n");
    Write("m/1/model.xclbin", "bits");
  }
};

TEST_F(ToolsErrorTest, EverySubcommandReportsAnUnreachableServer) {
  for (auto args : ServerCommands("muon_pt", dir_.string())) {
    args.insert(args.end(), {"--server=127.0.0.1:1", "--retries=0"});
    Outcome run = Cli(args, /*with_server=*/false);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err,
                HasSubstr("fpgaas " + args[0] + ": cannot reach the server at 127.0.0.1:1"))
        << args[0];
  }
  std::ostringstream out, err;
  EXPECT_EQ(RunPerf({"muon_pt", "--server=127.0.0.1:1", "--retries=0", "--count=1"}, out, err), 1);
  EXPECT_THAT(err.str(), HasSubstr("UNAVAILABLE"));
}

TEST_F(ToolsErrorTest, EverySubcommandReportsADeadline) {
  server_.service().set_stall_all_ms(5000);  // the client gives up after 100 ms
  for (auto args : ServerCommands("muon_pt", dir_.string())) {
    args.push_back("--timeout-ms=100");
    Outcome run = Cli(args);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("fpgaas " + args[0] + ": the server did not answer in time"))
        << args[0];
  }
  Outcome perf = Perf({"muon_pt", "--timeout-ms=100", "--count=1"});
  EXPECT_EQ(perf.code, 1);
  EXPECT_THAT(perf.err, HasSubstr("DEADLINE_EXCEEDED"));
}

TEST_F(ToolsErrorTest, EverySubcommandReportsAnUnknownModel) {
  for (auto args : ServerCommands("nope", dir_.string())) {
    if (args[0] == "models" || args[0] == "register") continue;  // no model to look up
    Outcome run = Cli(args);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    if (args[0] == "health") {
      EXPECT_THAT(run.out, HasSubstr("model nope: not ready"));
    } else {
      EXPECT_THAT(run.err, HasSubstr("fpgaas " + args[0] + ": NOT_FOUND")) << args[0];
      EXPECT_THAT(run.err, HasSubstr("'nope'")) << args[0];
    }
  }
}

TEST_F(ToolsErrorTest, BadCsvLinesAreNamedByInferAndValidate) {
  Write("bad_in.csv", "# header-less\n1,2,3\n4,five,6\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"infer", "muon_pt", "--input", Path("bad_in.csv")},
        {"validate", "muon_pt", "--input", Path("bad_in.csv"), "--reference", Path("ref.csv")}}) {
    Outcome run = Cli(args);
    EXPECT_EQ(run.code, 2) << args[0];
    EXPECT_THAT(run.err, HasSubstr("bad_in.csv:3: field 2 'five' is not a number")) << args[0];
  }
  EXPECT_EQ(server_.service().infer_calls(), 0);  // nothing was sent
}

}  // namespace
}  // namespace fpgaas::tools
