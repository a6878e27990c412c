// The real binaries end to end: fpgaasd (emulated FPGA, deploy/models repository) serving the
// fpgaas CLI, fpgaas-perf and the installed-package examples.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/support/report_checks.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// fpgaasd on a free port, started once for the whole test binary.
class FpgaasdEnvironment : public ::testing::Environment {
 public:
  static inline std::string address;
  static inline fs::path work;

  void SetUp() override {
    work = fs::path(::testing::TempDir()) / ("fpgaas_client_e2e_" + std::to_string(::getpid()));
    fs::remove_all(work);
    fs::create_directories(work / "repo");
    fs::copy(fs::path(FPGAAS_SOURCE_ROOT) / "deploy" / "models" / "muon_pt",
             work / "repo" / "muon_pt", fs::copy_options::recursive);
    // "held": muon_pt whose batcher waits 10 s (the bound) for a fuller batch, so a single-sample request
    // stays queued and a client deadline expires deterministically.
    fs::copy(fs::path(FPGAAS_SOURCE_ROOT) / "deploy" / "models" / "muon_pt", work / "repo" / "held",
             fs::copy_options::recursive);
    std::string config = ReadFile(work / "repo" / "held" / "config.pbtxt");
    config = std::regex_replace(config, std::regex("name: \"muon_pt\""), "name: \"held\"");
    config = std::regex_replace(config, std::regex("max_queue_delay_microseconds: [0-9]+"),
                                "max_queue_delay_microseconds: 10000000");
    ASSERT_NE(config.find("max_queue_delay_microseconds: 10000000"), std::string::npos);
    std::ofstream(work / "repo" / "held" / "config.pbtxt") << config;
    const fs::path log = work / "fpgaasd.log";
    pid_ = fork();
    if (pid_ == 0) {
      freopen(log.c_str(), "w", stdout);
      dup2(fileno(stdout), fileno(stderr));
      const std::string repo = "--model_repository=" + (work / "repo").string();
      execl(FPGAASD, FPGAASD, "--grpc_port=0", "--metrics_port=0", "--http_port=0",
            "--grpc_address=127.0.0.1", repo.c_str(), "--model_control_mode=explicit", "--load_model=*", "--device=emu",
            "--drain_grace_seconds=1", static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::regex listening("gRPC on [0-9.]+:([0-9]+)");
    for (int i = 0; i < 600 && address.empty(); ++i) {
      std::smatch match;
      const std::string text = ReadFile(log);
      if (std::regex_search(text, match, listening)) address = "127.0.0.1:" + match[1].str();
      int status;
      if (address.empty() && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (address.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_FALSE(address.empty()) << "fpgaasd did not start:\n" << ReadFile(log);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status;
      waitpid(pid_, &status, 0);
    }
    fs::remove_all(work);
  }

 private:
  pid_t pid_ = -1;
};

Outcome RunTool(const std::string& binary, const std::vector<std::string>& args,
                bool with_server = true) {
  static int counter = 0;
  const fs::path out = FpgaasdEnvironment::work / absl::StrCat("out", counter, ".txt");
  const fs::path err = FpgaasdEnvironment::work / absl::StrCat("err", counter++, ".txt");
  std::string command = binary + " " + absl::StrJoin(args, " ");
  if (with_server) command += " --server=" + FpgaasdEnvironment::address;
  command += " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
}

Outcome Cli(const std::vector<std::string>& args, bool with_server = true) {
  return RunTool(FPGAAS_CLI, args, with_server);
}

std::string Work(const std::string& name) { return (FpgaasdEnvironment::work / name).string(); }
std::string SampleInput() {
  return (FpgaasdEnvironment::work / "repo" / "muon_pt" / "sample_input.csv").string();
}

size_t Lines(const std::string& text) {
  return std::vector<std::string>(absl::StrSplit(text, '\n', absl::SkipEmpty())).size();
}

TEST(FpgaasCliE2eTest, HealthModelsMetadata) {
  Outcome health = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(health.code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("live, ready"));
  Outcome models = Cli({"models"});
  EXPECT_EQ(models.code, 0) << models.err;
  EXPECT_THAT(models.out, HasSubstr("muon_pt"));
  EXPECT_THAT(models.out, HasSubstr("READY"));
  Outcome metadata = Cli({"metadata", "muon_pt"});
  EXPECT_EQ(metadata.code, 0) << metadata.err;
  EXPECT_THAT(metadata.out, HasSubstr("input_1 FP32"));
  EXPECT_THAT(metadata.out, HasSubstr("max_batch_size: 8192"));
}

TEST(FpgaasCliE2eTest, InferStatsAndValidate) {
  const size_t samples = Lines(ReadFile(SampleInput()));
  ASSERT_GT(samples, 2u);
  Outcome infer = Cli(
      {"infer", "muon_pt", "--input", SampleInput(), "--output", Work("y.csv"), "--batch", "3"});
  ASSERT_EQ(infer.code, 0) << infer.err;
  const std::string outputs = ReadFile(Work("y.csv"));
  EXPECT_EQ(Lines(outputs), samples + 1);  // header + one row per sample
  // Unbatched requests give the same bits as batched ones (the emulator is exact).
  Outcome one_by_one = Cli({"infer", "muon_pt", "--input", SampleInput(), "--batch", "1"});
  ASSERT_EQ(one_by_one.code, 0) << one_by_one.err;
  EXPECT_EQ(one_by_one.out, outputs);

  Outcome stats = Cli({"stats", "muon_pt"});
  EXPECT_EQ(stats.code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("inferences:"));
  EXPECT_THAT(stats.out, HasSubstr("avg compute:"));

  Outcome validate =
      Cli({"validate", "muon_pt", "--input", SampleInput(), "--reference", Work("y.csv"),
           "--report", Work("validate.html"), "--max-abs-error", "0"});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("max absolute error:  0\n"));
  const std::string html = ReadFile(Work("validate.html"));
  EXPECT_EQ(fpgaas::testing::HtmlProblems(html), "");
  EXPECT_THAT(html, HasSubstr("resolution (pred - ref) / ref (n="));
}

TEST(FpgaasCliE2eTest, ErrorPaths) {
  std::ofstream(Work("bad.csv")) << "1,2,3\nfoo\n";
  Outcome bad = Cli({"infer", "muon_pt", "--input", Work("bad.csv")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("bad.csv:2: field 1 'foo' is not a number"));
  Outcome bad_reference =
      Cli({"validate", "muon_pt", "--input", SampleInput(), "--reference", Work("bad.csv")});
  EXPECT_EQ(bad_reference.code, 2);
  EXPECT_THAT(bad_reference.err, HasSubstr("bad.csv:2: field 1 'foo' is not a number"));
  EXPECT_EQ(Cli({"nonsense"}, false).code, 2);
}

// Each subcommand that talks to a server, as invoked on `model`.
std::vector<std::vector<std::string>> ServerCommands(const std::string& model) {
  std::ofstream(Work("ref1.csv")) << "1\n1\n1\n1\n1\n";
  return {{"health", "--model", model},
          {"models"},
          {"metadata", model},
          {"infer", model, "--input", SampleInput()},
          {"load", model},
          {"unload", model},
          {"register", (fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt").string(), "--name",
           model},
          {"stats", model},
          {"validate", model, "--input", SampleInput(), "--reference", Work("ref1.csv")}};
}

TEST(FpgaasCliE2eTest, EverySubcommandReportsAnUnreachableServer) {
  for (auto args : ServerCommands("muon_pt")) {
    args.insert(args.end(), {"--server=127.0.0.1:1", "--retries=0"});
    Outcome run = Cli(args, /*with_server=*/false);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err,
                HasSubstr("fpgaas " + args[0] + ": cannot reach the server at 127.0.0.1:1"))
        << args[0];
  }
  Outcome perf = RunTool(FPGAAS_PERF, {"muon_pt", "--server=127.0.0.1:1", "--retries=0"}, false);
  EXPECT_EQ(perf.code, 1);
  EXPECT_THAT(perf.err, HasSubstr("UNAVAILABLE"));
}

TEST(FpgaasCliE2eTest, EverySubcommandReportsAnUnknownModel) {
  for (const auto& args : ServerCommands("no_such_model")) {
    if (args[0] == "models" || args[0] == "register") continue;  // nothing to look up
    Outcome run = Cli(args);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    // health answers "not ready" or the server's NOT_FOUND; either way it names the model.
    EXPECT_THAT(run.out + run.err, HasSubstr("no_such_model")) << args[0];
    if (args[0] != "health") {
      EXPECT_THAT(run.err, HasSubstr("fpgaas " + args[0] + ": ")) << args[0];
    }
  }
  Outcome perf = RunTool(FPGAAS_PERF, {"no_such_model", "--count", "1"});
  EXPECT_EQ(perf.code, 1);
  EXPECT_THAT(perf.err, HasSubstr("no_such_model"));
}

TEST(FpgaasCliE2eTest, DeadlineWhileTheBatcherHoldsTheRequest) {
  Outcome infer =
      Cli({"infer", "held", "--input", SampleInput(), "--batch", "1", "--timeout-ms", "300"});
  EXPECT_EQ(infer.code, 1);
  EXPECT_THAT(infer.err, HasSubstr("the server did not answer in time"));
  Outcome validate = Cli({"validate", "held", "--input", SampleInput(), "--reference",
                          Work("ref1.csv"), "--batch", "1", "--timeout-ms", "300"});
  EXPECT_EQ(validate.code, 1);
  EXPECT_THAT(validate.err, HasSubstr("the server did not answer in time"));
  Outcome perf = RunTool(FPGAAS_PERF, {"held", "--count", "2", "--warmup", "0", "--timeout-ms",
                                       "300", "--json", Work("held.json")});
  EXPECT_EQ(perf.code, 1);  // every request failed; the report still says so
  EXPECT_THAT(perf.out, HasSubstr("2 failed requests; first: DEADLINE_EXCEEDED"));
  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadFile(Work("held.json")), &json).ok());
  const auto& level = json.fields().at("levels").list_value().values(0).struct_value().fields();
  EXPECT_EQ(level.at("errors").number_value(), 2);
  EXPECT_EQ(level.at("requests").number_value(), 0);
  // The server still serves the other model.
  EXPECT_EQ(Cli({"infer", "muon_pt", "--input", SampleInput()}).code, 0);
}

TEST(FpgaasCliE2eTest, UnloadLoadAndRegister) {
  ASSERT_EQ(Cli({"unload", "muon_pt"}).code, 0);
  Outcome health = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(health.code, 1);
  EXPECT_THAT(health.out, HasSubstr("muon_pt: not ready"));
  Outcome load = Cli({"load", "muon_pt"});
  ASSERT_EQ(load.code, 0) << load.err;
  EXPECT_EQ(Cli({"health", "--model", "muon_pt"}).code, 0);

  Outcome reg = Cli({"register", (fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt").string(),
                     "--name", "muon_pt_uploaded"});
  ASSERT_EQ(reg.code, 0) << reg.err;
  Outcome original = Cli({"infer", "muon_pt", "--input", SampleInput()});
  Outcome uploaded = Cli({"infer", "muon_pt_uploaded", "--input", SampleInput()});
  ASSERT_EQ(uploaded.code, 0) << uploaded.err;
  EXPECT_EQ(uploaded.out, original.out);
  EXPECT_THAT(Cli({"models"}).out, HasSubstr("muon_pt_uploaded"));
}

TEST(FpgaasPerfE2eTest, ShortRunWritesWellFormedReports) {
  Outcome perf = RunTool(FPGAAS_PERF, {"muon_pt", "--concurrency", "1,4", "--count", "100",
                                       "--batch", "8", "--warmup", "0.2", "--csv", Work("p.csv"),
                                       "--json", Work("p.json"), "--html", Work("p.html")});
  ASSERT_EQ(perf.code, 0) << perf.err;
  std::cout << perf.out;  // the numbers are reported, not asserted
  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadFile(Work("p.json")), &json).ok());
  const auto& levels = json.fields().at("levels").list_value().values();
  ASSERT_EQ(levels.size(), 2);
  for (const auto& level : levels) {
    const auto& f = level.struct_value().fields();
    EXPECT_EQ(f.at("requests").number_value(), 100);
    EXPECT_EQ(f.at("errors").number_value(), 0);
    EXPECT_TRUE(f.at("server_split_valid").bool_value());
    EXPECT_GT(f.at("server_compute_us").number_value(), 0);
  }
  const auto csv = fpgaas::testing::CsvCells(ReadFile(Work("p.csv")));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], fpgaas::testing::PerfColumns());
  for (size_t row = 1; row < csv.size(); ++row) {
    EXPECT_EQ(csv[row].size(), fpgaas::testing::PerfColumns().size());
  }
  const std::string html = ReadFile(Work("p.html"));
  EXPECT_EQ(fpgaas::testing::HtmlProblems(html), "");
  EXPECT_EQ(fpgaas::testing::CountOf(html, "<svg"), 10u);  // total + 4 stages, per level
  EXPECT_THAT(html, HasSubstr("server: queue"));

  Outcome stream =
      RunTool(FPGAAS_PERF, {"muon_pt", "--mode", "stream", "--request-rate", "200", "--count", "40",
                            "--warmup", "0", "--json", Work("s.json"), "--html", Work("s.html")});
  EXPECT_EQ(stream.code, 0) << stream.err;
  std::cout << stream.out;
  google::protobuf::Struct stream_json;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadFile(Work("s.json")), &stream_json).ok());
  EXPECT_EQ(stream_json.fields().at("mode").string_value(), "stream");
  EXPECT_EQ(fpgaas::testing::HtmlProblems(ReadFile(Work("s.html"))), "");
}

TEST(InstalledPackageE2eTest, ExamplesRunAgainstFpgaasd) {
  const std::string command = absl::StrCat(
      CMAKE_COMMAND, " -DBUILD_DIR=", FPGAAS_BUILD_DIR, " -DPREFIX=", Work("prefix"),
      " -DEXAMPLES_SOURCE=", FPGAAS_SOURCE_ROOT, "/client/examples",
      " -DEXAMPLES_BUILD=", Work("examples"), " -DSERVER=", FpgaasdEnvironment::address,
      " '-DEXAMPLES_CXX_FLAGS=", EXAMPLES_CXX_FLAGS, "' -P ", FPGAAS_SOURCE_ROOT,
      "/tests/e2e/client/installed_package_test.cmake >", Work("examples.log"), " 2>&1");
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(Work("examples.log"));
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new FpgaasdEnvironment);
  return RUN_ALL_TESTS();
}
