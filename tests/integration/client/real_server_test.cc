// fpgaas::Client, the fpgaas CLI and fpgaas-perf against the real fpgaas server in-process:
// frontend (GrpcServer), repository, scheduler and the emulated FPGA serving
// deploy/models/muon_pt on 127.0.0.1:<free port>.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "client/tools/cli/cli.h"
#include "client/tools/perf/perf.h"
#include "fpgaas/client.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/report_checks.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The first rows of deploy/models/muon_pt/sample_input.csv, flattened (27 values each).
std::vector<float> SampleRows(size_t* rows) {
  std::ifstream in(fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt/sample_input.csv");
  std::vector<float> values;
  std::string line;
  *rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) values.push_back(std::stof(field));
    ++*rows;
  }
  return values;
}

class RealServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("client_real_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "repo");
    fs::copy(fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt", dir_ / "repo" / "muon_pt",
             fs::copy_options::recursive);
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.devices = "emu";
    device_options.clock = &clock_;
    device_options.metrics = metrics_.get();
    auto devices = DeviceManager::Create(std::move(device_options));
    ASSERT_TRUE(devices.ok()) << devices.status();
    devices_ = *std::move(devices);
    ModelRepositoryOptions repository_options;
    repository_options.root = dir_ / "repo";
    repository_options.control_mode = ModelControlMode::kExplicit;
    repository_options.startup_models = {"*"};
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    auto repository = ModelRepository::Create(std::move(repository_options));
    ASSERT_TRUE(repository.ok()) << repository.status();
    repository_ = *std::move(repository);
    GrpcServerOptions server_options;
    server_options.address = "127.0.0.1";
    server_options.port = 0;
    server_options.repository = repository_.get();
    server_options.devices = devices_.get();
    server_options.clock = &clock_;
    server_options.drain_grace_period = absl::Milliseconds(200);
    auto server = GrpcServer::Create(std::move(server_options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->Start().ok());
    address_ = "127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(dir_);
  }

  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  fs::path dir_;
  std::string address_;

  struct Outcome {
    int code;
    std::string out;
    std::string err;
  };
  Outcome Cli(std::vector<std::string> args) {
    args.push_back("--server=" + address_);
    std::ostringstream out, err;
    const int code = tools::RunCli(args, out, err);
    return {code, out.str(), err.str()};
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static std::string SampleCsv() {
    return (fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt/sample_input.csv").string();
  }
  // A copy of muon_pt, "held", whose batcher waits 10 s (the bound) for a fuller batch: a single-sample
  // request stays queued, so a client deadline expires deterministically.
  void AddHeldModel() {
    fs::copy(fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt", dir_ / "repo" / "held",
             fs::copy_options::recursive);
    std::string config = Read(dir_ / "repo" / "held" / "config.pbtxt");
    config = std::regex_replace(config, std::regex("name: \"muon_pt\""), "name: \"held\"");
    config = std::regex_replace(config, std::regex("max_queue_delay_microseconds: [0-9]+"),
                                "max_queue_delay_microseconds: 10000000");
    ASSERT_THAT(config, HasSubstr("max_queue_delay_microseconds: 10000000"));
    std::ofstream(dir_ / "repo" / "held" / "config.pbtxt") << config;
  }
};

TEST_F(RealServerTest, ModelHandleDescribesMuonPt) {
  Client client(address_);
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->input().name, "input_1");
  EXPECT_EQ(model->input().datatype, "FP32");
  EXPECT_THAT(model->input().shape, ElementsAre(27));
  EXPECT_EQ(model->output().name, "layer14_out");
  EXPECT_EQ(model->output_size(), 1);
  EXPECT_EQ(model->max_batch_size(), 8192);
  EXPECT_EQ(client.IsLive().value_or(false), true);
  EXPECT_EQ(client.IsReady().value_or(false), true);
  EXPECT_EQ(client.IsModelReady("muon_pt").value_or(false), true);
  auto info = client.GetServerMetadata();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "fpgaas");
}

TEST_F(RealServerTest, SyncBatchedAsyncAndStreamAgreeBitForBit) {
  size_t rows = 0;
  const std::vector<float> samples = SampleRows(&rows);
  ASSERT_GE(rows, 3u);
  Client client(address_);
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok()) << model.status();

  auto batched = model->InferBatch(samples, rows);
  ASSERT_TRUE(batched.ok()) << batched.status();
  ASSERT_EQ(batched->size(), rows);
  std::vector<std::future<InferResult>> futures;
  absl::Mutex mu;
  std::map<uint64_t, std::vector<float>> streamed;
  std::map<uint64_t, size_t> row_of_id;
  auto stream = model->OpenStream([&](uint64_t id, InferResult result) {
    ASSERT_TRUE(result.ok()) << result.status();
    absl::MutexLock lock(&mu);
    streamed[id] = *result;
  });
  ASSERT_TRUE(stream.ok()) << stream.status();
  for (size_t r = 0; r < rows; ++r) {
    std::span<const float> sample(samples.data() + r * 27, 27);
    auto single = model->Infer(sample);
    ASSERT_TRUE(single.ok()) << single.status();
    EXPECT_EQ((*single)[0], (*batched)[r]) << "row " << r;
    futures.push_back(model->InferFuture(sample));
    auto id = (*stream)->Send(sample);
    ASSERT_TRUE(id.ok()) << id.status();
    absl::MutexLock lock(&mu);
    row_of_id[*id] = r;
  }
  for (size_t r = 0; r < rows; ++r) {
    auto result = futures[r].get();
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ((*result)[0], (*batched)[r]) << "row " << r;
  }
  ASSERT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(streamed.size(), rows);
  for (const auto& [id, values] : streamed) {
    EXPECT_THAT(values, ElementsAre((*batched)[row_of_id[id]])) << "stream id " << id;
  }
}

TEST_F(RealServerTest, StatisticsCountSamplesAndStages) {
  size_t rows = 0;
  const std::vector<float> samples = SampleRows(&rows);
  Client client(address_);
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  auto before = model->Statistics();
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(model->InferBatch(samples, rows).ok());
  auto after = model->Statistics();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->inference_count - before->inference_count, rows);
  EXPECT_EQ(after->success.count - before->success.count, 1u);
  EXPECT_GE(after->compute_infer.count, 1u);
  EXPECT_GT(after->compute_infer.ns, before->compute_infer.ns);
}

TEST_F(RealServerTest, ErrorsFromTheRealServer) {
  Client client(address_);
  EXPECT_EQ(client.GetModel("nope").status().code(), absl::StatusCode::kNotFound);
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->Infer(std::vector<float>(26, 0.0f)).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(client.UnloadModel("muon_pt").ok());
  EXPECT_EQ(client.IsModelReady("muon_pt").value_or(true), false);
  EXPECT_FALSE(model->Infer(std::vector<float>(27, 0.0f)).ok());
  auto index = client.ListModels();
  ASSERT_TRUE(index.ok());
  ASSERT_FALSE(index->empty());
  EXPECT_NE(index->front().state, "READY");
  ASSERT_TRUE(client.LoadModel("muon_pt").ok());
  EXPECT_TRUE(model->Infer(std::vector<float>(27, 0.0f)).ok());
}

TEST_F(RealServerTest, RegisterUploadsAWorkingModel) {
  Client client(address_);
  absl::Status registered =
      client.Register((fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt").string(), "copy");
  ASSERT_TRUE(registered.ok()) << registered;
  auto original = client.GetModel("muon_pt");
  auto copy = client.GetModel("copy");
  ASSERT_TRUE(copy.ok()) << copy.status();
  size_t rows = 0;
  const std::vector<float> samples = SampleRows(&rows);
  auto a = original->InferBatch(samples, rows);
  auto b = copy->InferBatch(samples, rows);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(fs::exists(dir_ / "repo" / "copy" / "config.pbtxt"));
}

TEST_F(RealServerTest, EveryClientCall) {
  Client client(address_);
  auto metadata = client.GetModelMetadata("muon_pt");
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->name, "muon_pt");
  ASSERT_EQ(metadata->inputs.size(), 1u);
  EXPECT_EQ(metadata->inputs[0].name, "input_1");
  EXPECT_EQ(metadata->inputs[0].shape.back(), 27);
  auto config = client.GetModelConfig("muon_pt");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_batch_size, 8192);
  EXPECT_THAT(config->json, HasSubstr("muon_pt"));
  auto all_stats = client.GetStatistics();
  ASSERT_TRUE(all_stats.ok()) << all_stats.status();
  EXPECT_TRUE(std::any_of(all_stats->begin(), all_stats->end(),
                          [](const ModelStatistics& s) { return s.name == "muon_pt"; }));
  EXPECT_EQ(client.GetModelMetadata("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(client.GetStatistics("nope").ok());
  EXPECT_FALSE(client.LoadModel("nope").ok());

  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->IsReady().value_or(false), true);
  size_t rows = 0;
  const std::vector<float> samples = SampleRows(&rows);
  std::span<const float> first(samples.data(), 27);
  auto direct = model->Infer(first);
  ASSERT_TRUE(direct.ok()) << direct.status();
  absl::Notification done;
  InferResult from_callback = absl::UnknownError("not called");
  model->InferAsync(first, 1, [&](InferResult result) {
    from_callback = std::move(result);
    done.Notify();
  });
  done.WaitForNotification();
  ASSERT_TRUE(from_callback.ok()) << from_callback.status();
  EXPECT_EQ(*from_callback, *direct);
}

TEST_F(RealServerTest, DeadlineWhileTheBatcherHoldsTheRequest) {
  AddHeldModel();
  Client client(address_);
  ASSERT_TRUE(client.LoadModel("held").ok());
  auto held = client.GetModel("held");
  ASSERT_TRUE(held.ok()) << held.status();
  InferOptions options;
  options.deadline = std::chrono::milliseconds(200);
  EXPECT_EQ(held->Infer(std::vector<float>(27, 0.5f), options).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(held->InferFuture(std::vector<float>(27, 0.5f), 1, options).get().status().code(),
            absl::StatusCode::kDeadlineExceeded);
  Outcome cli = Cli({"infer", "held", "--input", SampleCsv(), "--batch", "1", "--timeout-ms=200"});
  EXPECT_EQ(cli.code, 1);
  EXPECT_THAT(cli.err,
              HasSubstr("fpgaas infer (rows from line 1): the server did not answer in time"));
  // The server keeps serving the other model.
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  EXPECT_TRUE(model->Infer(std::vector<float>(27, 0.5f)).ok());
  ASSERT_TRUE(client.UnloadModel("held").ok());
}

TEST_F(RealServerTest, EveryCliSubcommand) {
  Outcome health = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(health.code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("live, ready"));
  Outcome models = Cli({"models"});
  EXPECT_EQ(models.code, 0) << models.err;
  EXPECT_THAT(models.out, ::testing::ContainsRegex("muon_pt +1 +READY"));
  Outcome metadata = Cli({"metadata", "muon_pt", "--json"});
  EXPECT_EQ(metadata.code, 0) << metadata.err;
  EXPECT_THAT(metadata.out, HasSubstr("input:          input_1 FP32"));
  EXPECT_THAT(metadata.out, HasSubstr("max_batch_size: 8192"));

  Outcome infer = Cli({"infer", "muon_pt", "--input", SampleCsv(), "--output", Path("y.csv")});
  ASSERT_EQ(infer.code, 0) << infer.err;
  size_t rows = 0;
  SampleRows(&rows);
  const auto outputs = testing::CsvCells(Read(Path("y.csv")));
  ASSERT_EQ(outputs.size(), rows + 1);  // header + one row per sample
  EXPECT_EQ(outputs[0], std::vector<std::string>{"layer14_out"});
  Outcome validate = Cli({"validate", "muon_pt", "--input", SampleCsv(), "--reference",
                          Path("y.csv"), "--report", Path("v.html"), "--max-abs-error", "0"});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("max absolute error:  0\n"));
  EXPECT_EQ(testing::HtmlProblems(Read(Path("v.html"))), "");
  Outcome stats = Cli({"stats", "muon_pt"});
  EXPECT_EQ(stats.code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr(absl::StrCat("inferences:        ", 2 * rows, " samples")));

  EXPECT_EQ(Cli({"unload", "muon_pt"}).code, 0);
  Outcome not_ready = Cli({"health", "--model", "muon_pt"});
  EXPECT_EQ(not_ready.code, 1);
  EXPECT_THAT(not_ready.out, HasSubstr("model muon_pt: not ready"));
  EXPECT_EQ(Cli({"load", "muon_pt"}).code, 0);
  Outcome reg = Cli({"register", (fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models/muon_pt").string(),
                     "--name", "copy"});
  EXPECT_EQ(reg.code, 0) << reg.err;
  Outcome copy = Cli({"infer", "copy", "--input", SampleCsv()});
  EXPECT_EQ(copy.code, 0) << copy.err;
  EXPECT_EQ(copy.out, Read(Path("y.csv")));

  // Unknown model: each subcommand names it and exits 1.
  std::ofstream(Path("ref.csv")) << "1\n";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"metadata", "nope"},
        {"infer", "nope", "--input", SampleCsv()},
        {"load", "nope"},
        {"unload", "nope"},
        {"stats", "nope"},
        {"validate", "nope", "--input", SampleCsv(), "--reference", SampleCsv()}}) {
    Outcome run = Cli(args);
    EXPECT_EQ(run.code, 1) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("fpgaas " + args[0] + ": ")) << args[0];
    EXPECT_THAT(run.err, HasSubstr("nope")) << args[0];
  }
  Outcome unknown_health = Cli({"health", "--model", "nope"});
  EXPECT_EQ(unknown_health.code, 1);
}

TEST_F(RealServerTest, PerfShortRunReportsWellFormedFiles) {
  std::ostringstream out, err;
  const int code = tools::RunPerf(
      {"muon_pt", "--server=" + address_, "--concurrency", "1,2", "--count", "20", "--batch", "4",
       "--warmup", "0", "--csv", Path("p.csv"), "--json", Path("p.json"), "--html", Path("p.html")},
      out, err);
  ASSERT_EQ(code, 0) << err.str();
  std::cout << out.str();  // the numbers are reported, not asserted
  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(Read(Path("p.json")), &json).ok());
  const auto& levels = json.fields().at("levels").list_value().values();
  ASSERT_EQ(levels.size(), 2);
  for (const auto& level : levels) {
    const auto& f = level.struct_value().fields();
    EXPECT_EQ(f.at("requests").number_value(), 20);
    EXPECT_EQ(f.at("errors").number_value(), 0);
    EXPECT_TRUE(f.at("server_split_valid").bool_value());
  }
  const auto csv = testing::CsvCells(Read(Path("p.csv")));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], testing::PerfColumns());
  EXPECT_EQ(csv[1].size(), testing::PerfColumns().size());
  EXPECT_EQ(testing::HtmlProblems(Read(Path("p.html"))), "");
}

}  // namespace
}  // namespace fpgaas
