// fpgaas::Client and fpgaas::Model against an in-process fake KServe v2 service.
#include "fpgaas/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "tests/integration/client/fake_kserve_service.h"

namespace fpgaas {
namespace {

using ::testing::ElementsAre;
using testing::FakeKServeServer;
using ::testing::HasSubstr;

class ClientTest : public ::testing::Test {
 protected:
  FakeKServeServer server_;
};

TEST_F(ClientTest, ThreeLinesToAFirstInference) {
  std::vector<float> x = {1.0f, 2.0f, 3.5f};
  fpgaas::Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  auto y = model->Infer(x);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(6.5f));
}

TEST_F(ClientTest, ModelHandleCachesMetadataAndConfig) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->name(), "muon_pt");
  EXPECT_EQ(model->input().name, "input_1");
  EXPECT_EQ(model->input().datatype, "FP32");
  EXPECT_THAT(model->input().shape, ElementsAre(3));  // per sample: batch dim dropped
  EXPECT_EQ(model->output().name, "pt");
  EXPECT_EQ(model->max_batch_size(), 4);
  EXPECT_EQ(model->input_size(), 3);
  EXPECT_EQ(model->output_size(), 1);
  EXPECT_THAT(model->config().json, HasSubstr("\"max_batch_size\":4"));
  EXPECT_THAT(model->metadata().versions, ElementsAre("1"));
}

TEST_F(ClientTest, BatchesLargerThanMaxBatchSizeAreSplit) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  std::vector<float> samples;
  for (int i = 0; i < 10; ++i) samples.insert(samples.end(), {float(i), 1.0f, 0.5f});
  auto y = model->InferBatch(samples, 10);
  ASSERT_TRUE(y.ok()) << y.status();
  ASSERT_EQ(y->size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_FLOAT_EQ((*y)[i], i + 1.5f);
  EXPECT_EQ(server_.service().infer_calls(), 3);  // 4 + 4 + 2
}

TEST_F(ClientTest, ModelWithoutBatchDimensionGetsOneRequestPerSample) {
  Client client(server_.address());
  auto model = client.GetModel("scores");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->max_batch_size(), 0);
  auto y = model->InferBatch(std::vector<float>{1, 2, 3, 4, 5, 6}, 2);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(server_.service().infer_calls(), 2);
}

TEST_F(ClientTest, WrongSampleSizeIsRejectedBeforeSending) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  auto y = model->Infer(std::vector<float>{1, 2});
  EXPECT_EQ(y.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(y.status().message(), HasSubstr("takes 3 values per sample, got 2"));
  EXPECT_EQ(server_.service().infer_calls(), 0);
}

TEST_F(ClientTest, AsyncInferWithFutureAndCallback) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  std::vector<float> two = {1, 1, 1, 2, 2, 2};
  auto future = model->InferFuture(two, 2);
  absl::Notification done;
  InferResult from_callback = absl::UnknownError("not called");
  model->InferAsync(std::vector<float>{0, 0, 7}, 1, [&](InferResult result) {
    from_callback = std::move(result);
    done.Notify();
  });
  two.assign(6, -100.0f);  // the request was copied: changing the input now has no effect
  InferResult from_future = future.get();
  ASSERT_TRUE(from_future.ok()) << from_future.status();
  EXPECT_THAT(*from_future, ElementsAre(3, 6));
  done.WaitForNotification();
  ASSERT_TRUE(from_callback.ok()) << from_callback.status();
  EXPECT_THAT(*from_callback, ElementsAre(7));
}

TEST_F(ClientTest, AsyncErrorsReachTheCallback) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  auto too_big = model->InferFuture(std::vector<float>(15, 1.0f), 5).get();
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(client.UnloadModel("muon_pt").ok());
  auto unloaded = model->InferFuture(std::vector<float>{1, 2, 3}).get();
  EXPECT_EQ(unloaded.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ClientTest, StreamAnswersEveryRequestWithItsId) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  absl::Mutex mu;
  std::map<uint64_t, std::vector<float>> answers;
  auto stream = model->OpenStream([&](uint64_t id, InferResult result) {
    ASSERT_TRUE(result.ok()) << result.status();
    absl::MutexLock lock(&mu);
    answers[id] = *result;
  });
  ASSERT_TRUE(stream.ok()) << stream.status();
  std::map<uint64_t, float> expected;
  for (int i = 0; i < 20; ++i) {
    auto id = (*stream)->Send(std::vector<float>{float(i), float(i), 1.0f, 0, 0, 1.0f}, 2);
    ASSERT_TRUE(id.ok()) << id.status();
    expected[*id] = 2.0f * i + 1.0f;
  }
  ASSERT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(answers.size(), 20u);
  for (const auto& [id, first] : expected) {
    EXPECT_THAT(answers[id], ElementsAre(first, 1.0f)) << "request " << id;
  }
  EXPECT_EQ((*stream)->Send(std::vector<float>{1, 2, 3}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ClientTest, StreamReportsPerRequestErrors) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE(client.UnloadModel("muon_pt").ok());
  absl::Mutex mu;
  std::vector<absl::Status> errors;
  auto stream = model->OpenStream([&](uint64_t, InferResult result) {
    absl::MutexLock lock(&mu);
    errors.push_back(result.status());
  });
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Send(std::vector<float>{1, 2, 3}).ok());
  EXPECT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message(), HasSubstr("unknown model 'muon_pt'"));
}

// A server without the ModelConfig extension (any plain KServe v2 server) answers UNIMPLEMENTED;
// the model is then used through ModelMetadata alone.
TEST_F(ClientTest, ModelWithoutModelConfigIsUsedThroughMetadata) {
  server_.service().set_model_config_unimplemented(true);
  Client client(server_.address());
  EXPECT_EQ(client.GetModelConfig("muon_pt").status().code(), absl::StatusCode::kUnimplemented);

  auto batched = client.GetModel("muon_pt");  // metadata shapes [-1, 3] → [-1, 1]
  ASSERT_TRUE(batched.ok()) << batched.status();
  EXPECT_TRUE(batched->config().from_metadata);
  EXPECT_EQ(batched->max_batch_size(), ModelConfigInfo::kUnknownBatchLimit);
  EXPECT_THAT(batched->input().shape, ElementsAre(3));
  EXPECT_THAT(batched->output().shape, ElementsAre(1));
  EXPECT_THAT(batched->config().inputs[0].shape, ElementsAre(3));
  EXPECT_EQ(batched->config().json, "");
  auto y = batched->InferBatch(std::vector<float>{1, 1, 1, 2, 2, 2}, 2);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(3, 6));
  EXPECT_EQ(server_.service().infer_calls(), 1);  // one request: the limit is the server's

  auto unbatched = client.GetModel("scores");  // metadata shape [3]: no batch dimension
  ASSERT_TRUE(unbatched.ok()) << unbatched.status();
  EXPECT_EQ(unbatched->max_batch_size(), 0);
  EXPECT_THAT(unbatched->input().shape, ElementsAre(3));
  y = unbatched->Infer(std::vector<float>{1, 2, 3});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(1, 2, 3));

  EXPECT_EQ(client.GetModel("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ClientTest, VariableShapeInputHasNoFixedSize) {
  Client client(server_.address());
  auto model = client.GetModel("varlen");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->input_size(), std::nullopt);
  EXPECT_EQ(model->output_size(), 1);
  auto y = model->Infer(std::vector<float>{1, 2, 3, 4, 5});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(15));
}

// Servers need not echo request ids on a stream: responses are then matched in order.
TEST_F(ClientTest, StreamWithoutEchoedIdsAnswersRequestsInOrder) {
  server_.service().set_echo_stream_ids(false);
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  absl::Mutex mu;
  std::vector<std::pair<uint64_t, InferResult>> answers;
  auto stream = model->OpenStream([&](uint64_t id, InferResult result) {
    absl::MutexLock lock(&mu);
    answers.emplace_back(id, std::move(result));
  });
  ASSERT_TRUE(stream.ok()) << stream.status();
  std::vector<uint64_t> ids;
  for (int i = 0; i < 10; ++i) {
    auto id = (*stream)->Send(std::vector<float>{float(i), 0, 0});
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  ASSERT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(answers.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(answers[i].first, ids[i]);
    ASSERT_TRUE(answers[i].second.ok()) << answers[i].second.status();
    EXPECT_THAT(*answers[i].second, ElementsAre(float(i)));
  }
}

TEST_F(ClientTest, StreamErrorWithoutIdAnswersTheOldestRequest) {
  server_.service().set_echo_stream_ids(false);
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE(client.UnloadModel("muon_pt").ok());
  absl::Mutex mu;
  std::map<uint64_t, absl::Status> errors;
  auto stream = model->OpenStream([&](uint64_t id, InferResult result) {
    absl::MutexLock lock(&mu);
    errors[id] = result.status();
  });
  ASSERT_TRUE(stream.ok());
  auto first = (*stream)->Send(std::vector<float>{1, 2, 3});
  auto second = (*stream)->Send(std::vector<float>{1, 2, 3});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(errors.size(), 2u);
  for (uint64_t id : {*first, *second}) {
    ASSERT_TRUE(errors.contains(id)) << id;
    EXPECT_THAT(errors[id].message(), HasSubstr("unknown model 'muon_pt'"));
  }
}

TEST_F(ClientTest, CancelEndsAStreamWhoseRequestsAreNeverAnswered) {
  server_.service().set_answer_streams(false);
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  absl::Mutex mu;
  std::vector<absl::Status> results;
  auto stream = model->OpenStream([&](uint64_t, InferResult result) {
    absl::MutexLock lock(&mu);
    results.push_back(result.status());
  });
  ASSERT_TRUE(stream.ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*stream)->Send(std::vector<float>{1, 2, 3}).ok());
  (*stream)->Cancel();
  EXPECT_EQ((*stream)->Finish().code(), absl::StatusCode::kCancelled);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(results.size(), 3u);
  for (const absl::Status& status : results) EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
}

TEST_F(ClientTest, HealthReadinessAndServerMetadata) {
  Client client(server_.address());
  EXPECT_EQ(client.IsLive().value_or(false), true);
  EXPECT_EQ(client.IsReady().value_or(false), true);
  EXPECT_EQ(client.IsModelReady("muon_pt").value_or(false), true);
  EXPECT_EQ(client.IsModelReady("nope").value_or(true), false);
  auto info = client.GetServerMetadata();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "fake-kserve");
  EXPECT_THAT(info->extensions, ElementsAre("model_repository"));
}

TEST_F(ClientTest, StatisticsCountInferences) {
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE(model->InferBatch(std::vector<float>(9, 1.0f), 3).ok());
  ASSERT_TRUE(model->Infer(std::vector<float>{1, 2, 3}).ok());
  auto stats = model->Statistics();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->inference_count, 4u);
  EXPECT_EQ(stats->execution_count, 2u);
  EXPECT_EQ(stats->queue.count, 2u);
  EXPECT_EQ(stats->compute_infer.ns, 6000u);
  auto all = client.GetStatistics();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(ClientTest, RepositoryIndexLoadAndUnload) {
  Client client(server_.address());
  ASSERT_TRUE(client.UnloadModel("scores").ok());
  auto models = client.ListModels();
  ASSERT_TRUE(models.ok());
  ASSERT_EQ(models->size(), 3u);
  EXPECT_EQ((*models)[1].name, "scores");
  EXPECT_EQ((*models)[1].state, "UNAVAILABLE");
  EXPECT_EQ(client.ListModels(/*ready_only=*/true)->size(), 2u);
  EXPECT_EQ(client.IsModelReady("scores").value_or(true), false);
  ASSERT_TRUE(client.LoadModel("scores").ok());
  EXPECT_EQ(client.IsModelReady("scores").value_or(false), true);
  EXPECT_EQ(client.UnloadModel("nope").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.LoadModel("nope").code(), absl::StatusCode::kNotFound);
}

class RegisterTest : public ClientTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("register_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "model" / "1" / "hls4ml_prj" / "firmware");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::filesystem::path& relative, const std::string& text) {
    std::ofstream(dir_ / "model" / relative, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(RegisterTest, UploadsConfigAsJsonAndEveryVersionFile) {
  Write("config.pbtxt",
        "name: \"new_model\"\nmax_batch_size: 16\n"
        "input [ { name: \"in\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
        "parameters { key: \"fpga.kernel_name\" value { string_value: \"myproject\" } }\n");
  Write("1/hls4ml_prj/firmware/myproject.cpp", "// kernel");
  Write("1/model.xclbin", std::string("xclbin\0bytes", 12));
  Write("README", "not in a version folder: not uploaded");
  Client client(server_.address());
  absl::Status status = client.Register((dir_ / "model").string());
  ASSERT_TRUE(status.ok()) << status;
  auto load = server_.service().last_load();
  EXPECT_EQ(load.model_name(), "new_model");
  const auto& parameters = load.parameters();
  ASSERT_EQ(parameters.size(), 3u);
  EXPECT_THAT(parameters.at("config").string_param(), HasSubstr("\"max_batch_size\":16"));
  EXPECT_THAT(parameters.at("config").string_param(),
              HasSubstr(R"("fpga.kernel_name":{"string_value":"myproject"})"));
  EXPECT_EQ(parameters.at("file:1/model.xclbin").bytes_param(), std::string("xclbin\0bytes", 12));
  EXPECT_EQ(parameters.at("file:1/hls4ml_prj/firmware/myproject.cpp").bytes_param(), "// kernel");
}

TEST_F(RegisterTest, NameOverrideWinsOverTheConfig) {
  Write("config.pbtxt", "name: \"in_config\"\n");
  Write("1/model.xclbin", "x");
  Client client(server_.address());
  ASSERT_TRUE(client.Register((dir_ / "model").string(), "renamed").ok());
  EXPECT_EQ(server_.service().last_load().model_name(), "renamed");
  EXPECT_THAT(server_.service().last_load().parameters().at("config").string_param(),
              HasSubstr("\"name\":\"renamed\""));
}

TEST_F(RegisterTest, BadConfigIsReportedWithItsLine) {
  Write("config.pbtxt", "name: \"m\"\nmax_batch_size: \"many\"\n");
  Client client(server_.address());
  absl::Status status = client.Register((dir_ / "model").string());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
}

TEST_F(RegisterTest, FolderWithoutVersionsOrConfigIsRejected) {
  Client client(server_.address());
  EXPECT_EQ(client.Register((dir_ / "model").string()).code(), absl::StatusCode::kNotFound);
  Write("config.pbtxt", "name: \"m\"\n");
  std::filesystem::remove_all(dir_ / "model" / "1");
  absl::Status status = client.Register((dir_ / "model").string());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no version folder"));
  EXPECT_EQ(client.Register((dir_ / "missing").string()).code(), absl::StatusCode::kNotFound);
}

TEST_F(ClientTest, BearerTokenAndHeadersAreSentAsMetadata) {
  ClientOptions options;
  options.bearer_token = "s3cret";
  options.headers = {{"x-experiment", "cms"}};
  Client client(server_.address(), options);
  ASSERT_TRUE(client.IsLive().ok());
  auto metadata = server_.service().last_metadata();
  ASSERT_EQ(metadata.count("authorization"), 1u);
  EXPECT_EQ(metadata.find("authorization")->second, "Bearer s3cret");
  EXPECT_EQ(metadata.find("x-experiment")->second, "cms");
}

TEST_F(ClientTest, UnreachableServerIsUnavailable) {
  ClientOptions options;
  options.max_attempts = 1;
  Client client("127.0.0.1:1", options);
  auto live = client.IsLive();
  EXPECT_EQ(live.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client.GetModel("muon_pt").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ClientTest, DeadlineExceeded) {
  server_.service().set_slow_ms(300);
  Client client(server_.address());
  auto model = client.GetModel("slow");
  ASSERT_TRUE(model.ok());
  InferOptions options;
  options.deadline = std::chrono::milliseconds(30);
  EXPECT_EQ(model->Infer(std::vector<float>{1, 2, 3}, options).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  ClientOptions short_deadline;
  short_deadline.deadline = std::chrono::milliseconds(30);
  Client impatient(server_.address(), short_deadline);
  auto slow = impatient.GetModel("slow");
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->Infer(std::vector<float>{1, 2, 3}).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

// A batch split into several requests has one deadline for the whole call: here each request
// takes 200 ms, well within the 500 ms deadline, but three of them do not.
TEST_F(ClientTest, DeadlineBoundsAWholeSplitBatch) {
  server_.service().set_slow_ms(200);
  Client client(server_.address());
  auto model = client.GetModel("slow");  // max_batch_size 4
  ASSERT_TRUE(model.ok());
  InferOptions options;
  options.deadline = std::chrono::milliseconds(500);
  ASSERT_TRUE(model->InferBatch(std::vector<float>(12, 1.0f), 4, options).ok());
  auto split = model->InferBatch(std::vector<float>(36, 1.0f), 12, options);  // 3 requests
  EXPECT_EQ(split.status().code(), absl::StatusCode::kDeadlineExceeded) << split.status();
}

TEST_F(ClientTest, UnknownModelIsNotFound) {
  Client client(server_.address());
  auto model = client.GetModel("nope");
  EXPECT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(model.status().message(), HasSubstr("unknown model 'nope'"));
}

TEST_F(ClientTest, UnavailableIsRetried) {
  Client client(server_.address());  // default: 3 attempts
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  server_.service().FailNextInfers(2);
  auto y = model->Infer(std::vector<float>{1, 2, 3});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(server_.service().infer_calls(), 3);

  ClientOptions no_retry;
  no_retry.max_attempts = 1;
  Client once(server_.address(), no_retry);
  auto model_once = once.GetModel("muon_pt");
  ASSERT_TRUE(model_once.ok());
  server_.service().FailNextInfers(1);
  EXPECT_EQ(model_once->Infer(std::vector<float>{1, 2, 3}).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ClientTest, GzipCompressedRequestsRoundTrip) {
  ClientOptions options;
  options.gzip = true;
  Client client(server_.address(), options);
  auto model = client.GetModel("scores");
  ASSERT_TRUE(model.ok());
  auto y = model->Infer(std::vector<float>{0.25f, -1.0f, 1e6f});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(0.25f, -1.0f, 1e6f));
}

TEST(ClientCompressionTest, GzipRequestsAreRefusedByAServerWithoutGzip) {
  FakeKServeServer identity_only(/*accept_gzip=*/false);
  ClientOptions gzip;
  gzip.gzip = true;
  gzip.max_attempts = 1;
  Client compressed(identity_only.address(), gzip);
  auto refused = compressed.IsLive();
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("gzip"));
  Client plain(identity_only.address());
  EXPECT_EQ(plain.IsLive().value_or(false), true);
}

TEST(ClientEndpointsTest, SeveralEndpointsAreBalancedRoundRobin) {
  FakeKServeServer first, second;
  std::vector<Client> clients;
  clients.emplace_back(first.address() + "," + second.address());
  clients.emplace_back(std::vector<std::string>{first.address(), second.address()});
  for (const Client& client : clients) {
    auto model = client.GetModel("muon_pt");
    ASSERT_TRUE(model.ok()) << model.status();
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(model->Infer(std::vector<float>{1, 2, 3}).ok());
  }
  EXPECT_GT(first.service().infer_calls(), 0);
  EXPECT_GT(second.service().infer_calls(), 0);
  EXPECT_EQ(first.service().infer_calls() + second.service().infer_calls(), 80);
}

TEST(ClientEndpointsTest, StaticTargetIsBuiltFromHostNames) {
  FakeKServeServer server;
  Client client("localhost:" + std::to_string(server.port()) +
                ",127.0.0.1:" + std::to_string(server.port()));
  EXPECT_THAT(client.target(), HasSubstr("ipv4:127.0.0.1:"));
  EXPECT_EQ(client.IsLive().value_or(false), true);
}

TEST(ClientOptionsTest, UnreadableCertificateFailsEveryCall) {
  ClientOptions options;
  options.tls.enabled = true;
  options.tls.root_certificates_file = "does/not/exist.pem";
  auto created = Client::Create("127.0.0.1:1", options);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("does/not/exist.pem"));
  Client client("127.0.0.1:1", options);
  EXPECT_EQ(client.IsLive().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientTest, ModelHandleOutlivesTheClient) {
  std::optional<Model> model;
  {
    Client client(server_.address());
    auto fetched = client.GetModel("muon_pt");
    ASSERT_TRUE(fetched.ok());
    model = *fetched;
  }
  auto y = model->Infer(std::vector<float>{1, 1, 1});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(*y, ElementsAre(3));
}

// The caller may drop every handle while an asynchronous call is in flight; the callback then
// holds the last reference to the channel. Releasing it there used to make gRPC tear down the
// callback threads' queue under the running thread (SIGSEGV in grpc_completion_queue_next).
TEST_F(ClientTest, AsyncCallsMayOutliveEveryHandle) {
  server_.service().set_slow_ms(50);
  for (int round = 0; round < 3; ++round) {
    absl::Notification done;
    InferResult from_callback = absl::UnknownError("not called");
    {
      Client client(server_.address());
      auto model = client.GetModel("slow");
      ASSERT_TRUE(model.ok()) << model.status();
      model->InferAsync(std::vector<float>{1, 2, 3}, 1, [&](InferResult result) {
        from_callback = std::move(result);
        done.Notify();
      });
    }  // the Client and the Model are gone before the server answers
    done.WaitForNotification();
    ASSERT_TRUE(from_callback.ok()) << from_callback.status();
    EXPECT_THAT(*from_callback, ElementsAre(6));
  }
  // A new client still works after the channels were released off their callback threads.
  Client client(server_.address());
  auto model = client.GetModel("muon_pt");
  ASSERT_TRUE(model.ok());
  EXPECT_TRUE(model->InferFuture(std::vector<float>{1, 1, 1}).get().ok());
}

}  // namespace
}  // namespace fpgaas
