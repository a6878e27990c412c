// The graph example models of deploy/models (cnn: io_parallel CNN, cnn_stream: io_stream CNN,
// branchy: two inputs and two outputs, rnn: LSTM -> GRU) served by the real server in-process (frontend,
// repository, scheduler, emulated FPGA) answer through gRPC exactly what `fpgaas hls4ml predict`
// prints for the same inputs: through the client library (named tensors), the `fpgaas infer` CLI
// (one CSV per input, or one CSV with the inputs' columns concatenated) and raw ModelInfer
// requests (requested-output subsets, every input checked).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "client/tools/cli/cli.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "fpgaas/client.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
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

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// Rows of `columns` seeded random values over [-lo, hi] (beyond the input types' ranges too), as
// CSV text whose decimals round-trip the floats exactly.
std::vector<std::vector<float>> RandomRows(int rows, int columns, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-12, 12);
  std::vector<std::vector<float>> out(rows, std::vector<float>(columns));
  for (auto& row : out) {
    for (float& v : row) v = value(rng);
  }
  return out;
}

std::string Csv(const std::vector<std::vector<float>>& rows, int first_column, int columns) {
  std::string text;
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (int i = first_column; i < first_column + columns; ++i) {
      fields.push_back(absl::StrFormat("%.9g", row[i]));
    }
    absl::StrAppend(&text, absl::StrJoin(fields, ","), "\n");
  }
  return text;
}

// Values of a CSV (header lines without digits skipped), row by row.
std::vector<std::vector<float>> ParseCsv(const std::string& text) {
  std::vector<std::vector<float>> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.find_first_of("0123456789") == absl::string_view::npos || line[0] == '#' ||
        absl::StrContains(line, "_out")) {
      continue;
    }
    std::vector<float> row;
    for (absl::string_view v : absl::StrSplit(line, ',')) {
      row.push_back(static_cast<float>(std::stod(std::string(v))));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

struct GraphModel {
  const char* name;
  std::vector<int> input_sizes;   // in the top function's order
  std::vector<int> output_sizes;  // likewise
};

const GraphModel kModels[] = {
    {"cnn", {72}, {5}},
    {"cnn_stream", {25}, {4}},
    {"cnn_stream_up", {32}, {3}},
    {"branchy", {6, 6}, {3, 4}},
    {"rnn", {18}, {2}},
    {"rnn_stream", {15}, {2}},
    {"sepconv", {16, 32, 4}, {4, 5, 1}},
    {"sepconv_stream", {20, 50, 4}, {4, 6, 2}},
    {"layernorm", {24}, {3}},
    {"rnn_bidir", {18}, {2}},
    {"merges_stream", {48, 48}, {5}},
    {"seq1d", {20}, {3}},
    {"seq1d_stream", {20}, {3}},
};

class GraphModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("graph_models_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "repo");
    for (const GraphModel& model : kModels) {
      fs::copy(fs::path(FPGAAS_SOURCE_ROOT) / "deploy/models" / model.name,
               dir_ / "repo" / model.name, fs::copy_options::recursive);
    }
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
    stub_ = inference::GRPCInferenceService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    if (server_) server_->Shutdown();
    server_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(dir_);
  }

  // `fpgaas hls4ml predict` on the model folder: one row per sample, the outputs concatenated.
  std::vector<std::vector<float>> Predict(const std::string& model, const std::string& csv) {
    Write(dir_ / "predict_in.csv", csv);
    std::ostringstream out, err;
    EXPECT_EQ(RunHls4mlCommand({"predict", (dir_ / "repo" / model).string(), "--input",
                                       (dir_ / "predict_in.csv").string(), "--output",
                                       (dir_ / "predict_out.csv").string()},
                                      out, err),
              0)
        << err.str();
    return ParseCsv(Read(dir_ / "predict_out.csv"));
  }

  std::string Cli(std::vector<std::string> args, int* code) {
    args.push_back("--server=" + address_);
    std::ostringstream out, err;
    *code = tools::RunCli(args, out, err);
    return out.str() + err.str();
  }

  // A raw FP32 request to branchy: `batch` samples of input_a and input_b (sizes 6 each).
  inference::ModelInferRequest BranchyRequest(int batch_a, int batch_b) {
    inference::ModelInferRequest request;
    request.set_model_name("branchy");
    for (auto [name, batch] : {std::pair{"input_a", batch_a}, std::pair{"input_b", batch_b}}) {
      auto* input = request.add_inputs();
      input->set_name(name);
      input->set_datatype("FP32");
      input->add_shape(batch);
      input->add_shape(6);
      std::vector<float> values(static_cast<size_t>(batch) * 6, 0.5f);
      request.add_raw_input_contents(
          std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
    }
    return request;
  }

  grpc::Status Infer(const inference::ModelInferRequest& request,
                     inference::ModelInferResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->ModelInfer(&context, request, response);
  }

  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
  fs::path dir_;
  std::string address_;
};

TEST_F(GraphModelsTest, ServedThroughGrpcAsPredictAnswers) {
  Client client(address_);
  uint32_t seed = 11;
  for (const GraphModel& spec : kModels) {
    SCOPED_TRACE(spec.name);
    auto model = client.GetModel(spec.name);
    ASSERT_TRUE(model.ok()) << model.status();
    ASSERT_EQ(model->inputs().size(), spec.input_sizes.size());
    ASSERT_EQ(model->outputs().size(), spec.output_sizes.size());
    int columns = 0;
    for (int n : spec.input_sizes) columns += n;
    const int batch = 23;
    const std::vector<std::vector<float>> rows = RandomRows(batch, columns, seed++);
    const std::vector<std::vector<float>> expected = Predict(spec.name, Csv(rows, 0, columns));
    ASSERT_EQ(expected.size(), rows.size());

    NamedTensors inputs;
    int offset = 0;
    for (size_t k = 0; k < spec.input_sizes.size(); ++k) {
      NamedTensor tensor{model->inputs()[k].name, {}};
      for (const auto& row : rows) {
        tensor.values.insert(tensor.values.end(), row.begin() + offset,
                             row.begin() + offset + spec.input_sizes[k]);
      }
      offset += spec.input_sizes[k];
      inputs.push_back(std::move(tensor));
    }
    auto served = model->InferTensors(inputs, batch);
    ASSERT_TRUE(served.ok()) << served.status();
    ASSERT_EQ(served->size(), spec.output_sizes.size());
    for (int s = 0; s < batch; ++s) {
      std::vector<float> row;
      for (size_t k = 0; k < served->size(); ++k) {
        ASSERT_EQ((*served)[k].values.size(), size_t(batch) * spec.output_sizes[k]);
        const auto& values = (*served)[k].values;
        row.insert(row.end(), values.begin() + s * spec.output_sizes[k],
                   values.begin() + (s + 1) * spec.output_sizes[k]);
      }
      EXPECT_EQ(row, expected[s]) << "sample " << s;
    }
  }
}

// A stream to a model with two inputs and two outputs: each response holds what InferTensors
// answers for the same request, also when the request asks for one output only.
TEST_F(GraphModelsTest, TensorStreamAnswersAsInferTensors) {
  Client client(address_);
  auto model = client.GetModel("branchy");
  ASSERT_TRUE(model.ok()) << model.status();
  struct Sent {
    NamedTensors inputs;
    int batch;
    std::vector<std::string> outputs;
  };
  std::vector<Sent> sent;
  uint32_t seed = 5;
  for (int batch : {1, 7, 3, 16}) {
    const auto rows = RandomRows(batch, 12, seed++);
    NamedTensors inputs = {{"input_a", {}}, {"input_b", {}}};
    for (const auto& row : rows) {
      inputs[0].values.insert(inputs[0].values.end(), row.begin(), row.begin() + 6);
      inputs[1].values.insert(inputs[1].values.end(), row.begin() + 6, row.end());
    }
    sent.push_back({inputs, batch, batch == 3 ? std::vector<std::string>{"layer7_out"}
                                              : std::vector<std::string>{}});
  }
  absl::Mutex mu;
  std::map<uint64_t, absl::StatusOr<NamedTensors>> answers;
  auto stream = model->OpenTensorStream(
      [&](uint64_t id, absl::StatusOr<NamedTensors> result) {
        absl::MutexLock lock(&mu);
        answers.emplace(id, std::move(result));
      });
  ASSERT_TRUE(stream.ok()) << stream.status();
  std::vector<uint64_t> ids;
  for (const Sent& s : sent) {
    auto id = (*stream)->SendTensors(s.inputs, s.batch, s.outputs);
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  // A request the client can tell is wrong never reaches the stream.
  EXPECT_THAT((*stream)->SendTensors({{"input_a", std::vector<float>(6, 0.f)}}, 1).status().message(),
              HasSubstr("input_b"));
  ASSERT_TRUE((*stream)->Finish().ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(answers.size(), sent.size());
  for (size_t k = 0; k < sent.size(); ++k) {
    SCOPED_TRACE(k);
    auto expected = model->InferTensors(sent[k].inputs, sent[k].batch, sent[k].outputs);
    ASSERT_TRUE(expected.ok()) << expected.status();
    const absl::StatusOr<NamedTensors>& got = answers.at(ids[k]);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), sent[k].outputs.empty() ? 2u : 1u);
    for (size_t t = 0; t < got->size(); ++t) {
      EXPECT_EQ((*got)[t].name, (*expected)[t].name);
      EXPECT_EQ((*got)[t].values, (*expected)[t].values);
    }
  }
}

TEST_F(GraphModelsTest, BranchyMetadataListsBothInputsAndOutputs) {
  inference::ModelMetadataRequest request;
  request.set_name("branchy");
  inference::ModelMetadataResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ModelMetadata(&context, request, &response).ok());
  ASSERT_EQ(response.inputs_size(), 2);
  EXPECT_EQ(response.inputs(0).name(), "input_a");
  EXPECT_EQ(response.inputs(1).name(), "input_b");
  EXPECT_THAT(response.inputs(1).shape(), ElementsAre(-1, 6));
  ASSERT_EQ(response.outputs_size(), 2);
  EXPECT_EQ(response.outputs(0).name(), "layer10_out");
  EXPECT_EQ(response.outputs(1).name(), "layer7_out");
  EXPECT_THAT(response.outputs(1).shape(), ElementsAre(-1, 4));

  inference::ModelConfigRequest config_request;
  config_request.set_name("branchy");
  inference::ModelConfigResponse config;
  grpc::ClientContext config_context;
  ASSERT_TRUE(stub_->ModelConfig(&config_context, config_request, &config).ok());
  EXPECT_EQ(config.config().input_size(), 2);
  EXPECT_EQ(config.config().output_size(), 2);
}

TEST_F(GraphModelsTest, BranchyAnswersTheRequestedOutputsInTheirOrder) {
  inference::ModelInferRequest request = BranchyRequest(3, 3);
  // Inputs in the other order: matched by name.
  request.mutable_inputs()->SwapElements(0, 1);
  request.mutable_raw_input_contents()->SwapElements(0, 1);
  inference::ModelInferResponse all;
  ASSERT_TRUE(Infer(request, &all).ok());
  ASSERT_EQ(all.outputs_size(), 2);
  EXPECT_EQ(all.outputs(0).name(), "layer10_out");
  EXPECT_EQ(all.outputs(1).name(), "layer7_out");

  request.add_outputs()->set_name("layer7_out");
  inference::ModelInferResponse one;
  ASSERT_TRUE(Infer(request, &one).ok());
  ASSERT_EQ(one.outputs_size(), 1);
  EXPECT_EQ(one.outputs(0).name(), "layer7_out");
  EXPECT_THAT(one.outputs(0).shape(), ElementsAre(3, 4));
  EXPECT_EQ(one.raw_output_contents(0), all.raw_output_contents(1));

  request.add_outputs()->set_name("layer10_out");
  inference::ModelInferResponse reversed;
  ASSERT_TRUE(Infer(request, &reversed).ok());
  ASSERT_EQ(reversed.outputs_size(), 2);
  EXPECT_EQ(reversed.outputs(0).name(), "layer7_out");
  EXPECT_EQ(reversed.raw_output_contents(1), all.raw_output_contents(0));
}

TEST_F(GraphModelsTest, BranchyChecksEveryInput) {
  struct Case {
    std::function<void(inference::ModelInferRequest&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) {
         r.mutable_inputs()->RemoveLast();
         r.mutable_raw_input_contents()->RemoveLast();
       },
       "missing input 'input_b' for model 'branchy' (it takes 'input_a', 'input_b')"},
      {[](auto& r) { r.mutable_inputs(1)->set_name("input_c"); },
       "unknown input 'input_c' for model 'branchy' (its inputs are 'input_a', 'input_b')"},
      {[](auto& r) { r.mutable_inputs(1)->set_name("input_a"); }, "input 'input_a' is given 2 times"},
      {[](auto& r) { r.mutable_inputs(1)->set_datatype("INT32"); },
       "input 'input_b': datatype 'INT32' does not match the model's FP32"},
      {[](auto& r) { r.mutable_inputs(1)->set_shape(1, 5); },
       "input 'input_b': shape [2,5] does not match the model's [-1,6]"},
      {[](auto& r) { r.mutable_raw_input_contents(1)->resize(8); },
       "input 'input_b': raw_input_contents holds 8 bytes"},
      {[](auto& r) { r.mutable_raw_input_contents()->RemoveLast(); },
       "raw_input_contents has 1 entries, expected one per input (2)"},
      {[](auto& r) { r.add_outputs()->set_name("nope"); },
       "unknown output 'nope' requested from model 'branchy' (its outputs are 'layer10_out', "
       "'layer7_out')"},
      {[](auto& r) {
         r.add_outputs()->set_name("layer7_out");
         r.add_outputs()->set_name("layer7_out");
       },
       "output 'layer7_out' is requested twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    inference::ModelInferRequest request = BranchyRequest(2, 2);
    c.edit(request);
    inference::ModelInferResponse response;
    grpc::Status status = Infer(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
  // Different batch dimensions.
  inference::ModelInferResponse response;
  grpc::Status status = Infer(BranchyRequest(2, 3), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("input 'input_b': batch dimension 3 of shape [3,6] differs from input "
                        "'input_a''s 2"));
  // And the server keeps serving.
  ASSERT_TRUE(Infer(BranchyRequest(2, 2), &response).ok());
  EXPECT_EQ(response.outputs_size(), 2);
}

TEST_F(GraphModelsTest, CliInfersWithOneCsvPerInputOrConcatenatedColumns) {
  const std::vector<std::vector<float>> rows = RandomRows(9, 12, 42);
  const std::vector<std::vector<float>> expected = Predict("branchy", Csv(rows, 0, 12));
  Write(dir_ / "a.csv", Csv(rows, 0, 6));
  Write(dir_ / "b.csv", Csv(rows, 6, 6));
  Write(dir_ / "ab.csv", Csv(rows, 0, 12));
  const std::string a = (dir_ / "a.csv").string(), b = (dir_ / "b.csv").string();
  for (const std::string& input :
       {a + "," + b, "input_b=" + b + ",input_a=" + a, (dir_ / "ab.csv").string()}) {
    SCOPED_TRACE(input);
    int code = -1;
    const std::string out = Cli({"infer", "branchy", "--input", input, "--batch", "4"}, &code);
    ASSERT_EQ(code, 0) << out;
    EXPECT_THAT(out, HasSubstr("layer10_out_0,layer10_out_1,layer10_out_2,layer7_out_0"));
    const std::vector<std::vector<float>> got = ParseCsv(out);
    ASSERT_EQ(got.size(), expected.size()) << out;
    for (size_t s = 0; s < got.size(); ++s) {
      ASSERT_EQ(got[s].size(), expected[s].size());
      // The CLI prints floats with digits enough to round-trip them: equal, not close.
      EXPECT_EQ(got[s], expected[s]) << "sample " << s;
    }
  }
  int code = -1;
  EXPECT_THAT(Cli({"infer", "branchy", "--input", a}, &code),
              HasSubstr("6 values per row, but model 'branchy' takes 12 (its 2 inputs "
                        "concatenated)"));
  EXPECT_EQ(code, 2);
  EXPECT_THAT(Cli({"infer", "branchy", "--input", "input_c=" + a + "," + b}, &code),
              HasSubstr("model 'branchy' has no input 'input_c'"));
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace fpgaas
