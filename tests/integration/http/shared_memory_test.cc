// Triton's system shared-memory extension end to end: the gRPC and HTTP servers in-process share
// one SharedMemoryManager (as in fpgaasd); the test creates POSIX shared-memory objects, registers
// them over either protocol, runs inferences whose input and output live there, and checks every
// error over both protocols (same status, same message). Outputs are compared with the same
// request answered without shared memory. Also: an HTTP client that disconnects while its request
// is queued cancels it, counted as a gRPC cancellation is.
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/frontend/shared_memory.h"
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
  std::string body;
  std::string grpc_status;
  json Json() const { return json::parse(body); }
};

HttpAnswer Http(int port, const std::string& method, const std::string& path,
                const std::string& body = "", long timeout_ms = 60000) {
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  const std::string url = absl::StrCat("http://127.0.0.1:", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                   +[](char* data, size_t size, size_t n, void* out) {
                     static_cast<std::string*>(out)->append(data, size * n);
                     return size * n;
                   });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION,
                   +[](char* data, size_t size, size_t n, void* out) {
                     std::string line(data, size * n);
                     if (line.rfind("grpc-status:", 0) == 0) {
                       *static_cast<std::string*>(out) = std::to_string(std::atoi(line.c_str() + 12));
                     }
                     return size * n;
                   });
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer.grpc_status);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

// A POSIX shared-memory object the client side of the test owns (unlinked at the end).
class ShmObject {
 public:
  explicit ShmObject(size_t size) : size_(size) {
    static int counter = 0;
    key_ = absl::StrCat("/fpgaas_shm_it_", getpid(), "_", counter++);
    const int fd = shm_open(key_.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
    data_ = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    close(fd);
  }
  ~ShmObject() {
    munmap(data_, size_);
    shm_unlink(key_.c_str());
  }
  const std::string& key() const { return key_; }
  char* data() { return data_; }
  // Mappings of the object in this process (the servers are in-process; the test's own is one).
  int Mappings() const {
    std::ifstream maps("/proc/self/maps");
    const std::string needle = absl::StrCat("/dev/shm", key_);
    int count = 0;
    for (std::string line; std::getline(maps, line);) {
      if (line.size() >= needle.size() &&
          line.compare(line.size() - needle.size(), needle.size(), needle) == 0) {
        ++count;
      }
    }
    return count;
  }
  // Mappings() once it is n: a finished request's regions are released when the server is done
  // with the call (gRPC's OnDone, the HTTP connection's cleanup), which may come just after the
  // client has its answer. Gives up after 30 s and returns the last count.
  int MappingsOnceThey(int n) const {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    int count = Mappings();
    while (count != n && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
      count = Mappings();
    }
    return count;
  }

 private:
  std::string key_;
  size_t size_;
  char* data_ = nullptr;
};

std::string InputBytes(int batch) {
  std::vector<float> values;
  for (int s = 0; s < batch; ++s) {
    for (int i = 0; i < kInputs; ++i) {
      values.push_back(static_cast<float>(((s * 7 + i * 3) % 17) - 8) / 8);
    }
  }
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

inference::ModelInferRequest DenseRequest(const std::string& model, int batch);

class Harness {
 public:
  explicit Harness(bool allow_client_shm = true, const std::string& extra_config = "") {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) / absl::StrCat("shm_test_", getpid(), "_", test->name());
    fs::remove_all(root_);
    testing::WriteDenseModel(root_ / "models", "dense", kInputs, kOutputs, kMaxBatch);
    if (!extra_config.empty()) {
      testing::WriteDenseModel(root_ / "models", "held", kInputs, kOutputs, kMaxBatch,
                               extra_config);
    }
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions device_options;
    device_options.clock = &clock_;
    device_options.devices = "emu";
    devices_ = *DeviceManager::Create(std::move(device_options));
    ModelRepositoryOptions repository_options;
    repository_options.root = root_ / "models";
    repository_options.devices = devices_.get();
    repository_options.metrics = metrics_.get();
    repository_options.clock = &clock_;
    repository_ = *ModelRepository::Create(std::move(repository_options));
    frontend::SharedMemoryOptions shm_options;
    shm_options.allow_client_shm = allow_client_shm;
    auto shared_memory = std::make_shared<frontend::SharedMemoryManager>(shm_options);

    GrpcServerOptions grpc_options;
    grpc_options.address = "127.0.0.1";
    grpc_options.port = 0;
    grpc_options.repository = repository_.get();
    grpc_options.devices = devices_.get();
    grpc_options.clock = &clock_;
    grpc_options.shared_memory = shared_memory;
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
    http_options.shared_memory = shared_memory;
    http_ = *HttpServer::Create(std::move(http_options));
    EXPECT_TRUE(http_->Start().ok());
  }

  ~Harness() { Stop(); }

  // Shuts both servers down and releases everything they hold (the registry too).
  void Stop() {
    if (http_ == nullptr) return;
    http_->Shutdown();
    grpc_->Shutdown();
    http_.reset();
    grpc_.reset();
    repository_.reset();
    devices_.reset();
    fs::remove_all(root_);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return context;
  }
  inference::GRPCInferenceService::Stub* stub() { return stub_.get(); }
  int port() const { return http_->port(); }

  grpc::Status Register(const std::string& name, const std::string& key, uint64_t offset,
                        uint64_t byte_size) {
    inference::SystemSharedMemoryRegisterRequest request;
    request.set_name(name);
    request.set_key(key);
    request.set_offset(offset);
    request.set_byte_size(byte_size);
    inference::SystemSharedMemoryRegisterResponse response;
    return stub_->SystemSharedMemoryRegister(Context().get(), request, &response);
  }
  grpc::Status Unregister(const std::string& name) {
    inference::SystemSharedMemoryUnregisterRequest request;
    request.set_name(name);
    inference::SystemSharedMemoryUnregisterResponse response;
    return stub_->SystemSharedMemoryUnregister(Context().get(), request, &response);
  }
  grpc::Status Status(const std::string& name, inference::SystemSharedMemoryStatusResponse* out) {
    inference::SystemSharedMemoryStatusRequest request;
    request.set_name(name);
    return stub_->SystemSharedMemoryStatus(Context().get(), request, out);
  }
  // The same request's output bytes without shared memory.
  std::string PlainOutput(int batch) {
    inference::ModelInferRequest request = DenseRequest("dense", batch);
    inference::ModelInferResponse response;
    grpc::Status status = stub_->ModelInfer(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.raw_output_contents_size() > 0 ? response.raw_output_contents(0) : "";
  }
  inference::ModelStatistics Statistics(const std::string& model) {
    inference::ModelStatisticsRequest request;
    request.set_name(model);
    inference::ModelStatisticsResponse response;
    EXPECT_TRUE(stub_->ModelStatistics(Context().get(), request, &response).ok());
    return response.model_stats_size() > 0 ? response.model_stats(0) : inference::ModelStatistics();
  }

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

// `batch` samples of InputBytes as raw input of `model`.
inference::ModelInferRequest DenseRequest(const std::string& model, int batch) {
  inference::ModelInferRequest request;
  request.set_model_name(model);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(kInputs);
  request.add_raw_input_contents(InputBytes(batch));
  return request;
}

inference::InferParameter Str(const std::string& v) {
  inference::InferParameter p;
  p.set_string_param(v);
  return p;
}
inference::InferParameter Int(int64_t v) {
  inference::InferParameter p;
  p.set_int64_param(v);
  return p;
}

// A dense request whose input is `input_bytes` at `input_offset` of region `in` and whose output
// goes to region `out` (when not empty).
inference::ModelInferRequest ShmRequest(int batch, const std::string& in, int64_t input_offset,
                                        const std::string& out, int64_t output_bytes,
                                        int64_t output_offset = 0) {
  inference::ModelInferRequest request = DenseRequest("dense", batch);
  request.clear_raw_input_contents();
  auto& params = *request.mutable_inputs(0)->mutable_parameters();
  params["shared_memory_region"] = Str(in);
  params["shared_memory_byte_size"] = Int(static_cast<int64_t>(batch) * kInputs * 4);
  params["shared_memory_offset"] = Int(input_offset);
  if (!out.empty()) {
    auto* output = request.add_outputs();
    output->set_name("layer2_out");
    (*output->mutable_parameters())["shared_memory_region"] = Str(out);
    (*output->mutable_parameters())["shared_memory_byte_size"] = Int(output_bytes);
    (*output->mutable_parameters())["shared_memory_offset"] = Int(output_offset);
  }
  return request;
}

// The HTTP (JSON) form of ShmRequest.
std::string ShmJson(int batch, const std::string& in, int64_t input_offset, const std::string& out,
                    int64_t output_bytes, int64_t output_offset = 0) {
  json input = json::object();
  input["name"] = "input_1";
  input["datatype"] = "FP32";
  input["shape"] = json::array({batch, kInputs});
  input["parameters"] = json::object({{"shared_memory_region", in},
                                      {"shared_memory_byte_size", batch * kInputs * 4},
                                      {"shared_memory_offset", input_offset}});
  json request = json::object();
  request["inputs"] = json::array({input});
  if (!out.empty()) {
    json output = json::object();
    output["name"] = "layer2_out";
    output["parameters"] = json::object({{"shared_memory_region", out},
                                         {"shared_memory_byte_size", output_bytes},
                                         {"shared_memory_offset", output_offset}});
    request["outputs"] = json::array({output});
  }
  return request.dump();
}

TEST(SharedMemoryTest, ServerMetadataListsTheExtension) {
  Harness harness;
  inference::ServerMetadataResponse metadata;
  ASSERT_TRUE(harness.stub()->ServerMetadata(harness.Context().get(), {}, &metadata).ok());
  EXPECT_THAT(metadata.extensions(), ::testing::Contains("system_shared_memory"));
  EXPECT_THAT(Http(harness.port(), "GET", "/v2").Json()["extensions"].dump(),
              HasSubstr("\"system_shared_memory\""));
}

TEST(SharedMemoryTest, GrpcRoundTripRegisterInferStatusUnregister) {
  Harness harness;
  ShmObject object(8192);
  constexpr int kBatch = 3;
  const std::string input = InputBytes(kBatch);
  std::memcpy(object.data() + 100 + 12, input.data(), input.size());
  ASSERT_TRUE(harness.Register("in", object.key(), 100, 1000).ok());
  ASSERT_TRUE(harness.Register("out", object.key(), 5000, 256).ok());
  EXPECT_EQ(object.Mappings(), 3);

  inference::ModelInferResponse response;
  grpc::Status status = harness.stub()->ModelInfer(
      harness.Context().get(), ShmRequest(kBatch, "in", 12, "out", 200, 8), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The output is in the region (after its offset), not in the message; shape as usual.
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_THAT(response.outputs(0).shape(), ::testing::ElementsAre(kBatch, kOutputs));
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  EXPECT_EQ(response.raw_output_contents(0), "");
  const std::string expected = harness.PlainOutput(kBatch);
  ASSERT_EQ(expected.size(), static_cast<size_t>(kBatch * kOutputs * 4));
  EXPECT_EQ(std::string(object.data() + 5000 + 8, expected.size()), expected);

  // Shared-memory input, output in the message.
  inference::ModelInferResponse plain_out;
  ASSERT_TRUE(harness.stub()
                  ->ModelInfer(harness.Context().get(), ShmRequest(kBatch, "in", 12, "", 0),
                               &plain_out)
                  .ok());
  EXPECT_EQ(plain_out.raw_output_contents(0), expected);

  inference::SystemSharedMemoryStatusResponse all;
  ASSERT_TRUE(harness.Status("", &all).ok());
  ASSERT_EQ(all.regions_size(), 2);
  EXPECT_EQ(all.regions().at("in").key(), object.key());
  EXPECT_EQ(all.regions().at("in").offset(), 100u);
  EXPECT_EQ(all.regions().at("in").byte_size(), 1000u);
  EXPECT_EQ(all.regions().at("out").name(), "out");

  ASSERT_TRUE(harness.Unregister("in").ok());
  EXPECT_EQ(object.Mappings(), 2);
  inference::SystemSharedMemoryStatusResponse one;
  grpc::Status gone = harness.Status("in", &one);
  EXPECT_EQ(gone.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(gone.error_message(), "Unable to find system shared memory region: 'in'");
  ASSERT_TRUE(harness.Unregister("").ok());
  EXPECT_EQ(object.MappingsOnceThey(1), 1);
  inference::SystemSharedMemoryStatusResponse none;
  ASSERT_TRUE(harness.Status("", &none).ok());
  EXPECT_EQ(none.regions_size(), 0);
}

TEST(SharedMemoryTest, HttpRoundTripAndRegionsSharedWithGrpc) {
  Harness harness;
  ShmObject object(4096);
  constexpr int kBatch = 2;
  const std::string input = InputBytes(kBatch);
  std::memcpy(object.data() + 64, input.data(), input.size());
  HttpAnswer reg = Http(harness.port(), "POST", "/v2/systemsharedmemory/region/in/register",
                        json{{"key", object.key()}, {"offset", 64}, {"byte_size", 512}}.dump());
  ASSERT_EQ(reg.code, 200) << reg.body;
  ASSERT_EQ(Http(harness.port(), "POST", "/v2/systemsharedmemory/region/out/register",
                 json{{"key", object.key()}, {"offset", 2048}, {"byte_size", 64}}.dump())
                .code,
            200);

  HttpAnswer status = Http(harness.port(), "GET", "/v2/systemsharedmemory/status");
  ASSERT_EQ(status.code, 200);
  EXPECT_EQ(status.Json(), json::parse(absl::StrCat(
                               R"([{"name":"in","key":")", object.key(),
                               R"(","offset":64,"byte_size":512},{"name":"out","key":")",
                               object.key(), R"(","offset":2048,"byte_size":64}])")));
  HttpAnswer one = Http(harness.port(), "GET", "/v2/systemsharedmemory/region/out/status");
  ASSERT_EQ(one.code, 200);
  EXPECT_EQ(one.Json().size(), 1u);
  EXPECT_EQ(one.Json()[0]["byte_size"], 64);

  HttpAnswer infer = Http(harness.port(), "POST", "/v2/models/dense/infer",
                          ShmJson(kBatch, "in", 0, "out", 60, 4));
  ASSERT_EQ(infer.code, 200) << infer.body;
  json body = infer.Json();
  ASSERT_EQ(body["outputs"].size(), 1u);
  EXPECT_EQ(body["outputs"][0]["name"], "layer2_out");
  EXPECT_EQ(body["outputs"][0]["shape"], json({kBatch, kOutputs}));
  EXPECT_FALSE(body["outputs"][0].contains("data"));
  const std::string expected = harness.PlainOutput(kBatch);
  EXPECT_EQ(std::string(object.data() + 2048 + 4, expected.size()), expected);

  // Registered over HTTP, used over gRPC (one registry), and the reverse.
  std::memset(object.data() + 2048, 0, 64);
  inference::ModelInferResponse response;
  ASSERT_TRUE(harness.stub()
                  ->ModelInfer(harness.Context().get(), ShmRequest(kBatch, "in", 0, "out", 64),
                               &response)
                  .ok());
  EXPECT_EQ(std::string(object.data() + 2048, expected.size()), expected);
  ASSERT_TRUE(harness.Register("g", object.key(), 64, 512).ok());
  HttpAnswer via_grpc_region = Http(harness.port(), "POST", "/v2/models/dense/infer",
                                    ShmJson(kBatch, "g", 0, "", 0));
  ASSERT_EQ(via_grpc_region.code, 200) << via_grpc_region.body;
  ASSERT_TRUE(via_grpc_region.Json()["outputs"][0].contains("data"));

  EXPECT_EQ(Http(harness.port(), "POST", "/v2/systemsharedmemory/region/in/unregister").code, 200);
  EXPECT_EQ(Http(harness.port(), "GET", "/v2/systemsharedmemory/region/in/status").code, 404);
  EXPECT_EQ(Http(harness.port(), "POST", "/v2/systemsharedmemory/unregister").code, 200);
  EXPECT_EQ(Http(harness.port(), "GET", "/v2/systemsharedmemory/status").Json(), json::array());
  EXPECT_EQ(object.MappingsOnceThey(1), 1);
  // Triton's CUDA endpoints answer as a server without GPUs (clients unregister all at start).
  EXPECT_EQ(Http(harness.port(), "POST", "/v2/cudasharedmemory/unregister").code, 200);
  EXPECT_EQ(Http(harness.port(), "GET", "/v2/cudasharedmemory/status").Json(), json::array());
  EXPECT_EQ(Http(harness.port(), "GET", "/v2/systemsharedmemory/register").code, 405);
}

TEST(SharedMemoryTest, StreamInferReadsAndWritesRegions) {
  Harness harness;
  ShmObject object(4096);
  const std::string input = InputBytes(4);
  std::memcpy(object.data(), input.data(), input.size());
  ASSERT_TRUE(harness.Register("in", object.key(), 0, 1024).ok());
  ASSERT_TRUE(harness.Register("out", object.key(), 1024, 1024).ok());
  auto context = harness.Context();
  auto stream = harness.stub()->ModelStreamInfer(context.get());
  // Two requests: each writes its answer to its own offset of "out".
  ASSERT_TRUE(stream->Write(ShmRequest(4, "in", 0, "out", 32, 0)));
  ASSERT_TRUE(stream->Write(ShmRequest(4, "in", 0, "out", 32, 512)));
  ASSERT_TRUE(stream->WritesDone());
  inference::ModelStreamInferResponse response;
  int answers = 0;
  while (stream->Read(&response)) {
    EXPECT_EQ(response.error_message(), "");
    EXPECT_EQ(response.infer_response().raw_output_contents(0), "");
    ++answers;
  }
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(answers, 2);
  const std::string expected = harness.PlainOutput(4);
  EXPECT_EQ(std::string(object.data() + 1024, expected.size()), expected);
  EXPECT_EQ(std::string(object.data() + 1024 + 512, expected.size()), expected);
}

// Every error: the gRPC status and message, and the HTTP answer carries the same.
TEST(SharedMemoryTest, ErrorsAreTheSameOverGrpcAndHttp) {
  Harness harness;
  ShmObject object(256);
  ASSERT_TRUE(harness.Register("in", object.key(), 0, 128).ok());
  ASSERT_TRUE(harness.Register("small", object.key(), 128, 8).ok());

  struct Case {
    std::string what;
    inference::ModelInferRequest grpc_request;
    std::string http_body;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown region", ShmRequest(1, "nope", 0, "", 0), ShmJson(1, "nope", 0, "", 0),
       grpc::StatusCode::NOT_FOUND, "Unable to find shared memory region: 'nope'"},
      {"input beyond the region", ShmRequest(2, "in", 100, "", 0), ShmJson(2, "in", 100, "", 0),
       grpc::StatusCode::INVALID_ARGUMENT,
       "input 'input_1': shared_memory_offset 100 + shared_memory_byte_size 32 exceed shared memory "
       "region 'in' (128 bytes)"},
      {"output beyond the region", ShmRequest(1, "in", 0, "small", 16, 0),
       ShmJson(1, "in", 0, "small", 16, 0), grpc::StatusCode::INVALID_ARGUMENT,
       "output 'layer2_out': shared_memory_offset 0 + shared_memory_byte_size 16 exceed shared memory "
       "region 'small' (8 bytes)"},
      {"output region too small", ShmRequest(2, "in", 0, "in", 8, 64), ShmJson(2, "in", 0, "in", 8, 64),
       grpc::StatusCode::INVALID_ARGUMENT,
       "shared memory size specified with the request for output 'layer2_out' (8 bytes) should be at "
       "least 16 bytes to hold the results"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    inference::ModelInferResponse response;
    grpc::Status status =
        harness.stub()->ModelInfer(harness.Context().get(), c.grpc_request, &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_EQ(status.error_message(), c.message);
    HttpAnswer http = Http(harness.port(), "POST", "/v2/models/dense/infer", c.http_body);
    EXPECT_EQ(http.code, c.code == grpc::StatusCode::NOT_FOUND ? 404 : 400) << http.body;
    EXPECT_EQ(http.grpc_status, std::to_string(static_cast<int>(c.code)));
    EXPECT_EQ(http.Json().value("error", ""), c.message);
  }

  // Register errors: double registration, unknown key, beyond the object.
  struct RegisterCase {
    std::string what;
    std::string name;
    std::string key;
    uint64_t offset;
    uint64_t byte_size;
    grpc::StatusCode code;
    std::string message_part;
  };
  const std::vector<RegisterCase> registers = {
      {"twice", "in", object.key(), 0, 8, grpc::StatusCode::ALREADY_EXISTS,
       "shared memory region 'in' already in manager"},
      {"no such key", "k", "/fpgaas_shm_it_missing", 0, 8, grpc::StatusCode::NOT_FOUND,
       "Unable to open shared memory region: '/fpgaas_shm_it_missing'"},
      {"beyond the object", "b", object.key(), 200, 100, grpc::StatusCode::INVALID_ARGUMENT,
       "offset 200 + byte_size 100 exceed the 256 bytes of shared memory object"},
  };
  for (const RegisterCase& c : registers) {
    SCOPED_TRACE(c.what);
    grpc::Status status = harness.Register(c.name, c.key, c.offset, c.byte_size);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message_part));
    HttpAnswer http = Http(
        harness.port(), "POST", absl::StrCat("/v2/systemsharedmemory/region/", c.name, "/register"),
        json{{"key", c.key}, {"offset", c.offset}, {"byte_size", c.byte_size}}.dump());
    EXPECT_EQ(http.grpc_status, std::to_string(static_cast<int>(c.code)));
    EXPECT_EQ(http.Json().value("error", ""), status.error_message());
  }
  HttpAnswer no_key = Http(harness.port(), "POST", "/v2/systemsharedmemory/region/z/register",
                           R"({"byte_size": 8})");
  EXPECT_EQ(no_key.code, 400);
  EXPECT_EQ(no_key.Json().value("error", ""), "Shared memory register request has no 'key' field");

  // Unregistered, then used: NOT_FOUND on both.
  ASSERT_TRUE(harness.Unregister("in").ok());
  inference::ModelInferResponse response;
  grpc::Status after = harness.stub()->ModelInfer(harness.Context().get(),
                                                  ShmRequest(1, "in", 0, "", 0), &response);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(after.error_message(), "Unable to find shared memory region: 'in'");
  HttpAnswer http_after =
      Http(harness.port(), "POST", "/v2/models/dense/infer", ShmJson(1, "in", 0, "", 0));
  EXPECT_EQ(http_after.code, 404);
  EXPECT_EQ(http_after.Json().value("error", ""), after.error_message());

  // HTTP-only: shared memory and data for one input.
  json both = json::parse(ShmJson(1, "small", 0, "", 0));
  both["inputs"][0]["data"] = {1, 2, 3, 4};
  HttpAnswer mixed = Http(harness.port(), "POST", "/v2/models/dense/infer", both.dump());
  EXPECT_EQ(mixed.code, 400);
  EXPECT_THAT(mixed.Json().value("error", ""), HasSubstr("Input must set only one of"));

  // The server keeps serving.
  EXPECT_EQ(harness.PlainOutput(1).size(), static_cast<size_t>(kOutputs * 4));
}

TEST(SharedMemoryTest, DisabledServerRefusesRegistrationOverBothProtocols) {
  Harness harness(/*allow_client_shm=*/false);
  ShmObject object(64);
  grpc::Status status = harness.Register("r", object.key(), 0, 64);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(status.error_message(),
            "Client shared memory is disabled. Start the server with '--allow-client-shm=true' to "
            "enable.");
  HttpAnswer http = Http(harness.port(), "POST", "/v2/systemsharedmemory/region/r/register",
                         json{{"key", object.key()}, {"byte_size", 64}}.dump());
  EXPECT_EQ(http.code, 501);
  EXPECT_EQ(http.Json().value("error", ""), status.error_message());
  EXPECT_EQ(object.Mappings(), 1);
  inference::SystemSharedMemoryStatusResponse none;
  EXPECT_TRUE(harness.Status("", &none).ok());
}

TEST(SharedMemoryTest, UnregisterWhileARequestIsQueuedIsSafeAndShutdownUnmaps) {
  // "held" batches up to 16 and waits up to 10 s for them: a batch-1 request stays queued until
  // a batch-15 request fills the batch.
  Harness harness(true,
                  "dynamic_batching { preferred_batch_size: [ 16 ] "
                  "max_queue_delay_microseconds: 10000000 }\n");
  ShmObject object(4096);
  const std::string input = InputBytes(1);
  std::memcpy(object.data(), input.data(), input.size());
  ASSERT_TRUE(harness.Register("in", object.key(), 0, 1024).ok());
  ASSERT_TRUE(harness.Register("out", object.key(), 2048, 1024).ok());
  inference::ModelInferRequest held = ShmRequest(1, "in", 0, "out", 1024);
  held.set_model_name("held");
  grpc::ClientContext context;
  inference::ModelInferResponse response;
  grpc::Status status;
  absl::Notification done;
  harness.stub()->async()->ModelInfer(&context, &held, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  absl::SleepFor(absl::Milliseconds(200));  // let it reach the queue
  ASSERT_FALSE(done.HasBeenNotified());
  ASSERT_TRUE(harness.Unregister("").ok());
  EXPECT_EQ(object.Mappings(), 2);  // the test's + the queued request's output region
  inference::ModelInferRequest filler = DenseRequest("held", 15);
  inference::ModelInferResponse filler_response;
  ASSERT_TRUE(harness.stub()->ModelInfer(harness.Context().get(), filler, &filler_response).ok());
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The answer went to the region the request held, which is unmapped once it is done.
  const std::string expected = harness.PlainOutput(1);
  EXPECT_EQ(std::string(object.data() + 2048, expected.size()), expected);
  EXPECT_EQ(object.MappingsOnceThey(1), 1);

  // Shutdown unmaps what is still registered.
  ASSERT_TRUE(harness.Register("again", object.key(), 0, 64).ok());
  EXPECT_EQ(object.Mappings(), 2);
  harness.Stop();
  EXPECT_EQ(object.Mappings(), 1);
}

// An HTTP client that closes its connection while its request waits in the queue cancels it: the
// request leaves the queue at once and fails as cancelled, as a gRPC client's cancel does.
TEST(HttpDisconnectTest, ClosedConnectionCancelsTheQueuedRequestLikeGrpc) {
  Harness harness(true,
                  "dynamic_batching { preferred_batch_size: [ 16 ] "
                  "max_queue_delay_microseconds: 10000000 }\n");
  json request = {{"inputs",
                   {{{"name", "input_1"},
                     {"datatype", "FP32"},
                     {"shape", {1, kInputs}},
                     {"data", {0.5, 0.25, -1, 2}}}}}};
  const absl::Time start = absl::Now();
  // curl gives up after 300 ms and closes the connection; the batcher would wait 10 s.
  HttpAnswer abandoned =
      Http(harness.port(), "POST", "/v2/models/held/infer", request.dump(), 300);
  EXPECT_EQ(abandoned.code, 0);  // no answer
  inference::ModelStatistics stats;
  for (int i = 0; i < 200; ++i) {
    stats = harness.Statistics("held");
    if (stats.inference_stats().fail().count() > 0) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(stats.inference_stats().fail().count(), 1u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // not at the 10 s queue delay
  EXPECT_EQ(stats.execution_count(), 0u);

  // The gRPC cancellation of the same request counts the same way.
  inference::ModelInferRequest held = DenseRequest("held", 1);
  grpc::ClientContext context;
  inference::ModelInferResponse response;
  absl::Notification done;
  grpc::Status status;
  harness.stub()->async()->ModelInfer(&context, &held, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  absl::SleepFor(absl::Milliseconds(200));
  context.TryCancel();
  done.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  for (int i = 0; i < 200; ++i) {
    stats = harness.Statistics("held");
    if (stats.inference_stats().fail().count() > 1) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(stats.inference_stats().fail().count(), 2u);
  EXPECT_EQ(stats.execution_count(), 0u);
  // A client that waits gets its answer (the watch does not cancel live connections).
  json full = {{"inputs",
                {{{"name", "input_1"},
                  {"datatype", "FP32"},
                  {"shape", {16, kInputs}},
                  {"data", std::vector<float>(16 * kInputs, 0.5f)}}}}};
  HttpAnswer answered = Http(harness.port(), "POST", "/v2/models/held/infer", full.dump());
  EXPECT_EQ(answered.code, 200) << answered.body;
}

}  // namespace
}  // namespace fpgaas
