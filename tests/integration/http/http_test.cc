// HTTP/REST and gRPC servers in-process on one repository (emulated FPGA, a one-dense-layer
// model): every endpoint is driven with libcurl and its answer compared with the gRPC answer to
// the same request, including the precise status and message of every bad input.
#include <curl/curl.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/http/http_server.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kInputs = 4;
constexpr int kOutputs = 2;
constexpr int kMaxBatch = 16;

struct HttpAnswer {
  long code = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  json Json() const { return json::parse(body); }
};

// One libcurl easy handle (keeps its connection alive between calls).
class HttpClient {
 public:
  explicit HttpClient(int port) : base_(absl::StrCat("http://127.0.0.1:", port)) {
    curl_ = curl_easy_init();
  }
  ~HttpClient() { curl_easy_cleanup(curl_); }

  HttpAnswer Call(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::vector<std::string>& headers = {}) {
    HttpAnswer answer;
    curl_easy_reset(curl_);
    const std::string url = base_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
    if (method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_slist* list = nullptr;
    for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Write);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &answer.headers);
    const CURLcode result = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    EXPECT_EQ(result, CURLE_OK) << curl_easy_strerror(result) << " for " << method << " " << path;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.code);
    return answer;
  }

  long NewConnections() {
    long count = 0;
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &count);
    return count;
  }

 private:
  static size_t Write(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  static size_t Header(char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      (*static_cast<std::map<std::string, std::string>*>(out))[absl::AsciiStrToLower(
          line.substr(0, colon))] = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
    return size * n;
  }

  std::string base_;
  CURL* curl_ = nullptr;
};

int HttpCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::ABORTED: return 500;
    default: return 400;
  }
}

std::vector<float> SampleInput(int sample) {
  std::vector<float> x(kInputs);
  for (int i = 0; i < kInputs; ++i) x[i] = static_cast<float>(((sample * 7 + i * 3) % 17) - 8) / 8;
  return x;
}

std::string FloatBytes(const std::vector<float>& v) {
  std::string bytes(v.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

std::vector<float> Samples(int batch) {
  std::vector<float> values;
  for (int s = 0; s < batch; ++s) {
    std::vector<float> x = SampleInput(s);
    values.insert(values.end(), x.begin(), x.end());
  }
  return values;
}

struct Options {
  ModelControlMode control_mode = ModelControlMode::kNone;
  std::map<std::string, std::string> extra_models;  // name -> extra config.pbtxt text
  std::string token;  // non-empty: both servers require it
  std::string auth_config;  // non-empty: both servers read it as --auth-config
};

class Harness {
 public:
  explicit Harness(const Options& options = {}) {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) / absl::StrCat("http_test_", getpid(), "_", test->name());
    fs::remove_all(root_);
    testing::WriteDenseModel(root_ / "models", "dense", kInputs, kOutputs, kMaxBatch);
    for (const auto& [name, extra] : options.extra_models) {
      testing::WriteDenseModel(root_ / "models", name, kInputs, kOutputs, kMaxBatch, extra);
    }
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    device_options.devices = "emu";
    devices_ = *DeviceManager::Create(std::move(device_options));
    ModelRepositoryOptions repository_options;
    repository_options.root = root_ / "models";
    repository_options.control_mode = options.control_mode;
    if (options.control_mode == ModelControlMode::kExplicit) {
      repository_options.startup_models = {"dense"};
    }
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    repository_ = *ModelRepository::Create(std::move(repository_options));
    std::string token_file;
    if (!options.token.empty()) {
      token_file = root_ / "token";
      testing::WriteTextFile(token_file, options.token + "\n");
    }

    std::string auth_config_file;
    if (!options.auth_config.empty()) {
      auth_config_file = root_ / "auth.pbtxt";
      testing::WriteTextFile(auth_config_file, options.auth_config);
    }

    GrpcServerOptions grpc_options;
    grpc_options.auth_config_file = auth_config_file;
    grpc_options.address = "127.0.0.1";
    grpc_options.port = 0;
    grpc_options.repository = repository_.get();
    grpc_options.devices = devices_.get();
    grpc_options.clock = &clock_;
    grpc_options.auth_token_file = token_file;
    grpc_ = *GrpcServer::Create(std::move(grpc_options));
    EXPECT_TRUE(grpc_->Start().ok());
    stub_ = inference::GRPCInferenceService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", grpc_->port()), grpc::InsecureChannelCredentials()));

    HttpServerOptions http_options;
    http_options.address = "127.0.0.1";
    http_options.port = 0;
    http_options.repository = repository_.get();
    http_options.devices = devices_.get();
    http_options.clock = &clock_;
    http_options.auth_token_file = token_file;
    http_options.auth_config_file = auth_config_file;
    absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Create(std::move(http_options));
    EXPECT_TRUE(http.ok()) << http.status();
    http_ = *std::move(http);
    EXPECT_TRUE(http_->Start().ok());
    EXPECT_GT(http_->port(), 0);
  }

  ~Harness() {
    http_->Shutdown();
    grpc_->Shutdown();
    http_.reset();
    grpc_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(root_);
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  inference::GRPCInferenceService::Stub* stub() { return stub_.get(); }
  HttpServer* http() { return http_.get(); }
  int port() const { return http_->port(); }

 private:
  fs::path root_;
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

// The HTTP answer carries the gRPC answer's status: mapped code, same message, code in a header.
void ExpectSameError(const HttpAnswer& http, const grpc::Status& grpc_status,
                     const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_FALSE(grpc_status.ok());
  EXPECT_EQ(http.code, HttpCodeFor(grpc_status.error_code())) << http.body;
  EXPECT_EQ(http.Header("grpc-status"), absl::StrCat(static_cast<int>(grpc_status.error_code())));
  ASSERT_NO_THROW(http.Json());
  EXPECT_EQ(http.Json().value("error", ""), grpc_status.error_message());
}

TEST(HttpServerTest, HealthAndServerMetadataMatchGrpc) {
  Harness harness;
  HttpClient client(harness.port());
  EXPECT_EQ(client.Call("GET", "/v2/health/live").code, 200);
  EXPECT_EQ(client.Call("GET", "/v2/health/ready").code, 200);
  inference::ServerMetadataResponse metadata;
  ASSERT_TRUE(harness.stub()->ServerMetadata(harness.Context().get(), {}, &metadata).ok());
  HttpAnswer answer = client.Call("GET", "/v2");
  ASSERT_EQ(answer.code, 200);
  EXPECT_EQ(answer.Header("content-type"), "application/json");
  json body = answer.Json();
  EXPECT_EQ(body["name"], metadata.name());
  EXPECT_EQ(body["version"], metadata.version());
  EXPECT_EQ(body["extensions"].get<std::vector<std::string>>(),
            std::vector<std::string>(metadata.extensions().begin(), metadata.extensions().end()));
  EXPECT_EQ(client.Call("POST", "/v2/health/live").code, 405);
  HttpAnswer unknown = client.Call("GET", "/v2/nothing/here");
  EXPECT_EQ(unknown.code, 404);
  EXPECT_THAT(unknown.Json().value("error", ""), HasSubstr("no such endpoint"));
  // A drained server is not ready any more (probes see 400, as from Triton).
  harness.http()->Shutdown();
  EXPECT_FALSE(harness.http()->ready());
}

TEST(HttpServerTest, ModelMetadataReadyAndConfigMatchGrpc) {
  Harness harness;
  HttpClient client(harness.port());
  for (const std::string version : {"", "1"}) {
    SCOPED_TRACE(version);
    const std::string base =
        version.empty() ? "/v2/models/dense" : "/v2/models/dense/versions/" + version;
    inference::ModelMetadataRequest request;
    request.set_name("dense");
    request.set_version(version);
    inference::ModelMetadataResponse metadata;
    ASSERT_TRUE(harness.stub()->ModelMetadata(harness.Context().get(), request, &metadata).ok());
    HttpAnswer answer = client.Call("GET", base);
    ASSERT_EQ(answer.code, 200) << answer.body;
    json body = answer.Json();
    EXPECT_EQ(body["name"], metadata.name());
    EXPECT_EQ(body["platform"], metadata.platform());
    EXPECT_EQ(body["versions"].get<std::vector<std::string>>(),
              std::vector<std::string>(metadata.versions().begin(), metadata.versions().end()));
    ASSERT_EQ(body["inputs"].size(), 1u);
    EXPECT_EQ(body["inputs"][0]["name"], metadata.inputs(0).name());
    EXPECT_EQ(body["inputs"][0]["datatype"], metadata.inputs(0).datatype());
    EXPECT_EQ(body["inputs"][0]["shape"].get<std::vector<int64_t>>(),
              std::vector<int64_t>(metadata.inputs(0).shape().begin(),
                                   metadata.inputs(0).shape().end()));
    EXPECT_EQ(body["outputs"][0]["shape"].get<std::vector<int64_t>>(),
              std::vector<int64_t>(metadata.outputs(0).shape().begin(),
                                   metadata.outputs(0).shape().end()));
    EXPECT_EQ(client.Call("GET", base + "/ready").code, 200);

    inference::ModelConfigRequest config_request;
    config_request.set_name("dense");
    config_request.set_version(version);
    inference::ModelConfigResponse config;
    ASSERT_TRUE(harness.stub()->ModelConfig(harness.Context().get(), config_request, &config).ok());
    HttpAnswer config_answer = client.Call("GET", base + "/config");
    ASSERT_EQ(config_answer.code, 200);
    inference::ModelConfig parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(config_answer.body, &parsed).ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, config.config()));
    EXPECT_THAT(config_answer.body, HasSubstr("\"max_batch_size\":16"));
  }
  // Unknown model and version, bad version: same status and message as gRPC.
  for (const auto& [name, version] : std::vector<std::pair<std::string, std::string>>{
           {"nope", ""}, {"dense", "7"}, {"dense", "x1"}}) {
    const std::string base = version.empty() ? "/v2/models/" + name
                                             : "/v2/models/" + name + "/versions/" + version;
    inference::ModelMetadataRequest request;
    request.set_name(name);
    request.set_version(version);
    inference::ModelMetadataResponse ignored;
    grpc::Status status = harness.stub()->ModelMetadata(harness.Context().get(), request, &ignored);
    ExpectSameError(client.Call("GET", base), status, "metadata " + base);
    inference::ModelReadyRequest ready;
    ready.set_name(name);
    ready.set_version(version);
    inference::ModelReadyResponse ready_response;
    status = harness.stub()->ModelReady(harness.Context().get(), ready, &ready_response);
    ExpectSameError(client.Call("GET", base + "/ready"), status, "ready " + base);
    inference::ModelConfigRequest config;
    config.set_name(name);
    config.set_version(version);
    inference::ModelConfigResponse config_response;
    status = harness.stub()->ModelConfig(harness.Context().get(), config, &config_response);
    ExpectSameError(client.Call("GET", base + "/config"), status, "config " + base);
  }
}

inference::ModelInferRequest GrpcRequest(int batch) {
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.set_id("req-1");
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(kInputs);
  request.add_raw_input_contents(FloatBytes(Samples(batch)));
  return request;
}

json JsonRequest(int batch) {
  std::vector<float> values = Samples(batch);
  json data = json::array();
  for (int s = 0; s < batch; ++s) {  // nested rows, as numpy's tolist() makes them
    data.push_back(std::vector<float>(values.begin() + s * kInputs,
                                      values.begin() + (s + 1) * kInputs));
  }
  return {{"id", "req-1"},
          {"inputs",
           {{{"name", "input_1"}, {"datatype", "FP32"}, {"shape", {batch, kInputs}},
             {"data", data}}}}};
}

// Binary-tensor extension body: JSON header, then the raw input.
std::pair<std::string, std::string> BinaryRequest(int batch, bool binary_output,
                                                  const std::string& raw = "") {
  const std::string bytes = raw.empty() ? FloatBytes(Samples(batch)) : raw;
  json header = {{"inputs",
                  {{{"name", "input_1"},
                    {"datatype", "FP32"},
                    {"shape", {batch, kInputs}},
                    {"parameters", {{"binary_data_size", bytes.size()}}}}}}};
  if (binary_output) {
    header["outputs"] = {{{"name", "layer2_out"}, {"parameters", {{"binary_data", true}}}}};
  }
  const std::string text = header.dump();
  return {text + bytes, absl::StrCat("Inference-Header-Content-Length: ", text.size())};
}

TEST(HttpServerTest, InferJsonAndBinaryMatchGrpc) {
  Harness harness;
  HttpClient client(harness.port());
  for (int batch : {1, 3, kMaxBatch}) {
    SCOPED_TRACE(batch);
    inference::ModelInferResponse grpc_response;
    ASSERT_TRUE(
        harness.stub()->ModelInfer(harness.Context().get(), GrpcRequest(batch), &grpc_response).ok());
    const std::string& expected_bytes = grpc_response.raw_output_contents(0);
    std::vector<float> expected(expected_bytes.size() / sizeof(float));
    std::memcpy(expected.data(), expected_bytes.data(), expected_bytes.size());
    ASSERT_EQ(expected.size(), static_cast<size_t>(batch * kOutputs));

    // JSON in, JSON out.
    HttpAnswer answer = client.Call("POST", "/v2/models/dense/infer", JsonRequest(batch).dump());
    ASSERT_EQ(answer.code, 200) << answer.body;
    json body = answer.Json();
    EXPECT_EQ(body["model_name"], grpc_response.model_name());
    EXPECT_EQ(body["model_version"], grpc_response.model_version());
    EXPECT_EQ(body["id"], "req-1");
    ASSERT_EQ(body["outputs"].size(), 1u);
    const json& out = body["outputs"][0];
    EXPECT_EQ(out["name"], grpc_response.outputs(0).name());
    EXPECT_EQ(out["datatype"], grpc_response.outputs(0).datatype());
    EXPECT_EQ(out["shape"].get<std::vector<int64_t>>(),
              std::vector<int64_t>(grpc_response.outputs(0).shape().begin(),
                                   grpc_response.outputs(0).shape().end()));
    EXPECT_EQ(out["data"].get<std::vector<float>>(), expected);

    // Binary in, binary out: the same bytes as gRPC's raw_output_contents.
    auto [request_body, header] = BinaryRequest(batch, /*binary_output=*/true);
    HttpAnswer binary = client.Call("POST", "/v2/models/dense/versions/1/infer", request_body,
                                    {header, "Content-Type: application/octet-stream"});
    ASSERT_EQ(binary.code, 200) << binary.body;
    const size_t json_length = std::stoul(binary.Header("inference-header-content-length"));
    ASSERT_LE(json_length, binary.body.size());
    json binary_header = json::parse(binary.body.substr(0, json_length));
    EXPECT_EQ(binary_header["outputs"][0]["parameters"]["binary_data_size"],
              expected_bytes.size());
    EXPECT_FALSE(binary_header["outputs"][0].contains("data"));
    EXPECT_EQ(binary.body.substr(json_length), expected_bytes);

    // Binary in, JSON out.
    auto [json_out_body, json_out_header] = BinaryRequest(batch, /*binary_output=*/false);
    HttpAnswer mixed = client.Call("POST", "/v2/models/dense/infer", json_out_body,
                                   {json_out_header});
    ASSERT_EQ(mixed.code, 200) << mixed.body;
    EXPECT_EQ(mixed.Header("inference-header-content-length"), "");
    EXPECT_EQ(mixed.Json()["outputs"][0]["data"].get<std::vector<float>>(), expected);
  }
  // Version "-1" is the latest, as in Triton, over both protocols.
  {
    inference::ModelInferRequest request = GrpcRequest(1);
    request.set_model_version("-1");
    inference::ModelInferResponse response;
    ASSERT_TRUE(harness.stub()->ModelInfer(harness.Context().get(), request, &response).ok());
    EXPECT_EQ(response.model_version(), "1");
    HttpAnswer answer =
        client.Call("POST", "/v2/models/dense/versions/-1/infer", JsonRequest(1).dump());
    ASSERT_EQ(answer.code, 200) << answer.body;
    EXPECT_EQ(answer.Json()["model_version"], "1");
    EXPECT_EQ(client.Call("GET", "/v2/models/dense/versions/-1/ready").code, 200);
    EXPECT_EQ(client.Call("GET", "/v2/models/dense/versions/-1").code, 200);
  }
  // Every request above reused the first connection (keep-alive).
  EXPECT_EQ(client.NewConnections(), 0);
}

TEST(HttpServerTest, EveryBadInferenceGetsGrpcsStatusAndMessage) {
  Harness harness;
  HttpClient client(harness.port());
  struct Case {
    std::string name;
    std::function<void(inference::ModelInferRequest*)> grpc_edit;
    std::function<void(json*)> json_edit;  // applied to a JSON-data request
    std::string path = "/v2/models/dense/infer";
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<Case> cases = {
      {"unknown model", [](auto* r) { r->set_model_name("nope"); }, [](json*) {},
       "/v2/models/nope/infer"},
      {"unknown version", [](auto* r) { r->set_model_version("9"); }, [](json*) {},
       "/v2/models/dense/versions/9/infer"},
      {"unknown input", [](auto* r) { r->mutable_inputs(0)->set_name("x"); },
       [](json* j) { (*j)["inputs"][0]["name"] = "x"; }},
      {"wrong datatype", [](auto* r) { r->mutable_inputs(0)->set_datatype("INT32"); },
       [](json* j) {  // integer data, so that the JSON itself is a valid INT32 tensor
         (*j)["inputs"][0]["datatype"] = "INT32";
         (*j)["inputs"][0]["data"] = std::vector<int>(2 * kInputs, 1);
       }},
      {"wrong rank",
       [](auto* r) { r->mutable_inputs(0)->mutable_shape()->RemoveLast(); },
       [](json* j) { (*j)["inputs"][0]["shape"] = {2}; }},
      {"batch too large",
       [](auto* r) { r->mutable_inputs(0)->set_shape(0, kMaxBatch + 1); },
       [](json* j) { (*j)["inputs"][0]["shape"] = {kMaxBatch + 1, kInputs}; }},
      {"unknown output", [](auto* r) { r->add_outputs()->set_name("y"); },
       [](json* j) { (*j)["outputs"] = {{{"name", "y"}}}; }},
      {"negative priority", [](auto* r) { (*r->mutable_parameters())["priority"].set_int64_param(-1); },
       [](json* j) { (*j)["parameters"] = {{"priority", -1}}; }},
      {"priority as string",
       [](auto* r) { (*r->mutable_parameters())["priority"].set_string_param("high"); },
       [](json* j) { (*j)["parameters"] = {{"priority", "high"}}; }},
  };
  for (const Case& c : cases) {
    inference::ModelInferRequest grpc_request = GrpcRequest(2);
    c.grpc_edit(&grpc_request);
    inference::ModelInferResponse ignored;
    grpc::Status status =
        harness.stub()->ModelInfer(harness.Context().get(), grpc_request, &ignored);
    json request = JsonRequest(2);
    c.json_edit(&request);
    ExpectSameError(client.Call("POST", c.path, request.dump()), status, c.name);
  }

  // Element count: JSON data and gRPC typed contents reach the same check.
  {
    inference::ModelInferRequest grpc_request = GrpcRequest(2);
    grpc_request.clear_raw_input_contents();
    for (int i = 0; i < 7; ++i) grpc_request.mutable_inputs(0)->mutable_contents()->add_fp32_contents(0.5f);
    inference::ModelInferResponse ignored;
    grpc::Status status =
        harness.stub()->ModelInfer(harness.Context().get(), grpc_request, &ignored);
    json request = JsonRequest(2);
    request["inputs"][0]["data"] = std::vector<float>(7, 0.5f);
    ExpectSameError(client.Call("POST", "/v2/models/dense/infer", request.dump()), status,
                    "element count");
  }
  // Raw byte count and NaN: binary data and gRPC raw_input_contents reach the same checks.
  std::vector<float> with_nan = Samples(2);
  with_nan[5] = nan;
  for (const std::string& raw : {FloatBytes(Samples(2)).substr(0, 30), FloatBytes(with_nan)}) {
    inference::ModelInferRequest grpc_request = GrpcRequest(2);
    *grpc_request.mutable_raw_input_contents(0) = raw;
    inference::ModelInferResponse ignored;
    grpc::Status status =
        harness.stub()->ModelInfer(harness.Context().get(), grpc_request, &ignored);
    auto [body, header] = BinaryRequest(2, true, raw);
    ExpectSameError(client.Call("POST", "/v2/models/dense/infer", body, {header}), status,
                    raw.size() == 30 ? "raw byte count" : "NaN");
  }

  // HTTP-only malformations: 400 with a message saying what is wrong.
  auto expect_400 = [&](const HttpAnswer& answer, const std::string& words) {
    EXPECT_EQ(answer.code, 400) << answer.body;
    EXPECT_EQ(answer.Header("grpc-status"), "3");  // INVALID_ARGUMENT
    EXPECT_THAT(answer.Json().value("error", ""), HasSubstr(words));
  };
  expect_400(client.Call("POST", "/v2/models/dense/infer", "{\"inputs\": ["), "malformed JSON");
  expect_400(client.Call("POST", "/v2/models/dense/infer", "[]"), "JSON object");
  expect_400(client.Call("POST", "/v2/models/dense/infer", "{}"), "'inputs' array");
  {
    json request = JsonRequest(1);
    request["inputs"][0]["data"] = {"a", "b", "c", "d"};
    expect_400(client.Call("POST", "/v2/models/dense/infer", request.dump()), "must be a number");
  }
  {
    auto [body, header] = BinaryRequest(2, false);
    expect_400(client.Call("POST", "/v2/models/dense/infer", body + "xx", {header}),
               "belong to no input");
    expect_400(client.Call("POST", "/v2/models/dense/infer", body.substr(0, body.size() - 4),
                           {header}),
               "exceeds");
    expect_400(client.Call("POST", "/v2/models/dense/infer", body,
                           {"Inference-Header-Content-Length: 99999"}),
               "larger than the request body");
    expect_400(client.Call("POST", "/v2/models/dense/infer", body,
                           {"Inference-Header-Content-Length: ten"}),
               "not a byte count");
  }
  EXPECT_EQ(client.Call("GET", "/v2/models/dense/infer").code, 405);
  // The server still serves.
  EXPECT_EQ(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump()).code, 200);
}

TEST(HttpServerTest, StatisticsAndRepositoryMatchGrpc) {
  Options options;
  options.control_mode = ModelControlMode::kExplicit;
  Harness harness(options);
  HttpClient client(harness.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(client.Call("POST", "/v2/models/dense/infer", JsonRequest(2).dump()).code, 200);
  }
  inference::ModelStatisticsRequest stats_request;
  stats_request.set_name("dense");
  inference::ModelStatisticsResponse stats;
  ASSERT_TRUE(harness.stub()->ModelStatistics(harness.Context().get(), stats_request, &stats).ok());
  for (const std::string path : {"/v2/models/dense/stats", "/v2/models/stats"}) {
    HttpAnswer answer = client.Call("GET", path);
    ASSERT_EQ(answer.code, 200) << answer.body;
    const json body = answer.Json();
    const json& model = body["model_stats"][0];
    EXPECT_EQ(model["name"], "dense");
    EXPECT_EQ(model["version"], stats.model_stats(0).version());
    EXPECT_EQ(model["inference_count"].get<uint64_t>(), stats.model_stats(0).inference_count());
    EXPECT_EQ(model["inference_count"].get<uint64_t>(), 6u);
    EXPECT_EQ(model["inference_stats"]["success"]["count"].get<uint64_t>(),
              stats.model_stats(0).inference_stats().success().count());
  }

  inference::RepositoryIndexResponse index;
  ASSERT_TRUE(harness.stub()->RepositoryIndex(harness.Context().get(), {}, &index).ok());
  HttpAnswer index_answer = client.Call("POST", "/v2/repository/index", "");
  ASSERT_EQ(index_answer.code, 200);
  json entries = index_answer.Json();
  ASSERT_EQ(entries.size(), static_cast<size_t>(index.models_size()));
  EXPECT_EQ(entries[0]["name"], index.models(0).name());
  EXPECT_EQ(entries[0]["state"], index.models(0).state());
  EXPECT_EQ(client.Call("POST", "/v2/repository/index", "{\"ready\": 3}").code, 400);

  // Unload over HTTP: gRPC sees it; load again over HTTP.
  ASSERT_EQ(client.Call("POST", "/v2/repository/models/dense/unload").code, 200);
  inference::ModelReadyRequest ready;
  ready.set_name("dense");
  inference::ModelReadyResponse ready_response;
  grpc::Status status = harness.stub()->ModelReady(harness.Context().get(), ready, &ready_response);
  EXPECT_TRUE(!status.ok() || !ready_response.ready());
  EXPECT_NE(client.Call("GET", "/v2/models/dense/ready").code, 200);
  ASSERT_EQ(client.Call("POST", "/v2/repository/models/dense/load", "").code, 200);
  EXPECT_EQ(client.Call("GET", "/v2/models/dense/ready").code, 200);

  // Bad loads: same status and message as gRPC.
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("missing");
  inference::RepositoryModelLoadResponse ignored;
  status = harness.stub()->RepositoryModelLoad(harness.Context().get(), load, &ignored);
  ExpectSameError(client.Call("POST", "/v2/repository/models/missing/load"), status,
                  "load unknown");
  load.set_model_name("dense");
  (*load.mutable_parameters())["colour"].set_string_param("red");
  status = harness.stub()->RepositoryModelLoad(harness.Context().get(), load, &ignored);
  ExpectSameError(client.Call("POST", "/v2/repository/models/dense/load",
                              "{\"parameters\": {\"colour\": \"red\"}}"),
                  status, "load bad parameter");
  EXPECT_EQ(client.Call("POST", "/v2/repository/models/dense/load",
                        "{\"parameters\": {\"file:1/x\": \"***\"}}")
                .code,
            400);
}

TEST(HttpServerTest, AuthConfigRolesAndModelsAsForGrpc) {
  Options options;
  options.control_mode = ModelControlMode::kExplicit;
  options.auth_config =
      "client { name: \"reader\" token: \"reader-token\" role: INFERENCE models: \"dense\" }\n"
      "client { name: \"stranger\" token: \"stranger-token\" role: INFERENCE models: \"x*\" }\n";
  Harness harness(options);
  HttpClient client(harness.port());
  const std::vector<std::string> reader = {"Authorization: Bearer reader-token"};
  const std::vector<std::string> stranger = {"Authorization: Bearer stranger-token"};
  EXPECT_EQ(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump(), reader).code, 200);

  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("dense");
  inference::RepositoryModelUnloadResponse unloaded;
  grpc::Status unload_status =
      harness.stub()->RepositoryModelUnload(harness.Context("reader-token").get(), unload, &unloaded);
  EXPECT_EQ(unload_status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectSameError(client.Call("POST", "/v2/repository/models/dense/unload", "", reader),
                  unload_status, "unload as an INFERENCE client");

  inference::ModelInferResponse ignored;
  grpc::Status infer_status = harness.stub()->ModelInfer(harness.Context("stranger-token").get(),
                                                         GrpcRequest(1), &ignored);
  EXPECT_EQ(infer_status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(infer_status.error_message(),
              HasSubstr("client 'stranger' may not run inference on model 'dense'"));
  ExpectSameError(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump(), stranger),
                  infer_status, "infer outside the client's models");
  EXPECT_EQ(client.Call("GET", "/v2/models/dense", "", stranger).code, 403);
  EXPECT_EQ(client.Call("GET", "/v2", "", stranger).code, 200);
  // The model is still there and serves.
  EXPECT_EQ(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump(), reader).code, 200);
}

TEST(HttpServerTest, BearerTokenAsForGrpc) {
  Options options;
  options.token = "s3cret-token";
  Harness harness(options);
  HttpClient client(harness.port());
  // Probes need no token.
  EXPECT_EQ(client.Call("GET", "/v2/health/ready").code, 200);
  inference::ServerMetadataResponse ignored;
  for (const std::string& value : {std::string(), std::string("Basic abc"),
                                   std::string("Bearer wrong-token-x")}) {
    auto context = harness.Context();
    if (!value.empty()) context->AddMetadata("authorization", value);
    grpc::Status status = harness.stub()->ServerMetadata(context.get(), {}, &ignored);
    std::vector<std::string> headers;
    if (!value.empty()) headers.push_back("Authorization: " + value);
    ExpectSameError(client.Call("GET", "/v2", "", headers), status, "token '" + value + "'");
    ExpectSameError(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump(), headers),
                    status, "infer with token '" + value + "'");
  }
  EXPECT_EQ(client.Call("GET", "/v2", "", {"Authorization: Bearer s3cret-token"}).code, 200);
  EXPECT_EQ(client.Call("POST", "/v2/models/dense/infer", JsonRequest(1).dump(),
                        {"authorization: bearer s3cret-token"})
                .code,
            200);
}

TEST(HttpServerTest, ConcurrentClientsAllAnsweredCorrectly) {
  Harness harness;
  inference::ModelInferResponse grpc_response;
  ASSERT_TRUE(
      harness.stub()->ModelInfer(harness.Context().get(), GrpcRequest(2), &grpc_response).ok());
  const std::string expected = grpc_response.raw_output_contents(0);
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      HttpClient client(harness.port());
      for (int i = 0; i < 40; ++i) {
        auto [body, header] = BinaryRequest(2, true);
        HttpAnswer answer = client.Call("POST", "/v2/models/dense/infer", body, {header});
        const std::string length = answer.Header("inference-header-content-length");
        if (answer.code == 200 && !length.empty() &&
            answer.body.substr(std::stoul(length)) == expected) {
          ++good;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(good.load(), 8 * 40);
}

// The per-model non-finite policy (config parameter fpga.non_finite_inputs), over both protocols.
TEST(HttpServerTest, NonFinitePolicyPerModel) {
  auto policy = [](const std::string& value) {
    return absl::StrCat("parameters { key: \"fpga.non_finite_inputs\" value { string_value: \"",
                        value, "\" } }\n");
  };
  Options options;
  options.extra_models = {{"saturating", policy("saturate")},
                          {"zeroing", policy("zero")},
                          {"misconfigured", policy("clip")}};
  Harness harness(options);
  HttpClient client(harness.port());
  const float inf = std::numeric_limits<float>::infinity();
  // The test layer's input type is ap_fixed<16,6>: [-32, 32 - 2^-10].
  const float high = 32.0f - 1.0f / 1024, low = -32.0f;
  auto infer = [&](const std::string& model, std::vector<float> x, grpc::Status* status) {
    inference::ModelInferRequest request = GrpcRequest(1);
    request.set_model_name(model);
    *request.mutable_raw_input_contents(0) = FloatBytes(x);
    inference::ModelInferResponse response;
    *status = harness.stub()->ModelInfer(harness.Context().get(), request, &response);
    return status->ok() ? response.raw_output_contents(0) : std::string();
  };
  grpc::Status status;
  // (The test layer's output is a weighted sum of all inputs: no two inputs may cancel.)
  const std::vector<float> non_finite = {inf, 0.25f, std::numeric_limits<float>::quiet_NaN(), 0.5f};
  // saturate: as if the input type's largest / lowest value and 0 had been sent.
  const std::string saturated = infer("saturating", non_finite, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(saturated, infer("dense", {high, 0.25f, 0.0f, 0.5f}, &status));
  EXPECT_EQ(infer("saturating", {-inf, 0.25f, 0.25f, 0.5f}, &status),
            infer("dense", {low, 0.25f, 0.25f, 0.5f}, &status));
  // zero: every non-finite element is 0.
  const std::string zeroed = infer("zeroing", non_finite, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(zeroed, infer("dense", {0.0f, 0.25f, 0.0f, 0.5f}, &status));
  EXPECT_NE(saturated, zeroed);
  // reject (default) and an unknown policy: errors, the same over HTTP.
  infer("dense", non_finite, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("element 0 is NaN or infinite"));
  infer("misconfigured", {0.5f, 0.5f, 0.5f, 0.5f}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("fpga.non_finite_inputs is 'clip'"));
  auto [body, header] = BinaryRequest(1, false, FloatBytes({0.5f, 0.5f, 0.5f, 0.5f}));
  ExpectSameError(client.Call("POST", "/v2/models/misconfigured/infer", body, {header}), status,
                  "misconfigured policy");
}

TEST(HttpServerTest, CreateRejectsBadOptions) {
  HttpServerOptions options;
  EXPECT_EQ(HttpServer::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgaas
