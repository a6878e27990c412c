// fpgaas::Client against the real fpgaas server in-process: frontend (GrpcServer), repository,
// scheduler and the emulated FPGA serving deploy/models/muon_pt on 127.0.0.1:<free port>.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/synchronization/mutex.h"
#include "fpgaas/client.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"

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
    device_options.metrics = metrics_->registry();
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

}  // namespace
}  // namespace fpgaas
