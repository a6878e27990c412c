// Hostile clients at the network level (issue 14): a crowd of connections, a client that runs the
// server out of file descriptors, a stream client that never reads, /metrics asked without TLS
// or token, an HTTP client known by its certificate. Each test asserts what the client gets and
// that the server serves afterwards. gRPC and HTTP servers run in-process on 127.0.0.1:0.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "proto/grpc_service.grpc.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/frontend.h"
#include "server/http/http_server.h"
#include "server/metrics/metrics.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kInputs = 3;
constexpr int kOutputs = 2;

// Resident set of this process (kB -> bytes).
int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits += c;
    }
    int64_t kb = 0;
    if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
  }
  return -1;
}

// The value of counter `name` with `labels` (all of them) in `metrics`; -1 when absent.
double CounterValue(MetricsRegistry* metrics, const std::string& name,
                    const std::map<std::string, std::string>& labels = {}) {
  for (const prometheus::MetricFamily& family : metrics->registry()->Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      size_t matched = 0;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        auto it = labels.find(label.name);
        if (it != labels.end() && it->second == label.value) ++matched;
      }
      if (matched == labels.size()) return metric.counter.value;
    }
  }
  return -1;
}

int OpenDescriptors() {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++count;
  }
  return count;
}

struct NetworkConfig {
  std::function<void(GrpcServerOptions&)> grpc;
  bool http = false;
  std::function<void(HttpServerOptions&)> adjust_http;
};

// A repository with the "dense" model, its gRPC server and optionally its HTTP server.
class Servers {
 public:
  explicit Servers(NetworkConfig config = {}) {
    testing::WriteDenseModel(root_.path(), "dense", kInputs, kOutputs, 4);
    metrics_ = MetricsRegistry::Create();
    DeviceManagerOptions devices;
    devices.clock = &clock_;
    devices.devices = "emu";
    devices_ = *DeviceManager::Create(std::move(devices));
    ModelRepositoryOptions repository;
    repository.root = root_.path();
    repository.devices = devices_.get();
    repository.metrics = metrics_.get();
    repository.clock = &clock_;
    repository_ = *ModelRepository::Create(std::move(repository));
    GrpcServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.repository = repository_.get();
    options.devices = devices_.get();
    options.clock = &clock_;
    options.metrics = metrics_.get();
    options.drain_grace_period = absl::Seconds(5);
    if (config.grpc) config.grpc(options);
    auto server = GrpcServer::Create(std::move(options));
    EXPECT_TRUE(server.ok()) << server.status();
    grpc_ = *std::move(server);
    EXPECT_TRUE(grpc_->Start().ok());
    if (config.http) {
      HttpServerOptions http;
      http.address = "127.0.0.1";
      http.port = 0;
      http.threads = 1;
      http.repository = repository_.get();
      http.devices = devices_.get();
      http.clock = &clock_;
      http.metrics = metrics_.get();
      http.drain_grace_period = absl::Seconds(5);
      if (config.adjust_http) config.adjust_http(http);
      auto created = HttpServer::Create(std::move(http));
      EXPECT_TRUE(created.ok()) << created.status();
      http_ = *std::move(created);
      EXPECT_TRUE(http_->Start().ok());
    }
  }
  ~Servers() {
    if (http_ != nullptr) http_->Shutdown();
    grpc_->Shutdown();
    http_.reset();
    grpc_.reset();
    repository_.reset();
    devices_.reset();
  }

  GrpcServer* grpc() { return grpc_.get(); }
  HttpServer* http() { return http_.get(); }
  MetricsRegistry* metrics() { return metrics_.get(); }
  const fs::path& root() const { return root_.path(); }

 private:
  testing::TempDir root_{"hostile_network_"};
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<HttpServer> http_;
};

// A channel of its own (its own TCP connection: no subchannel shared with other channels).
std::shared_ptr<grpc::Channel> OwnChannel(int port, grpc::ChannelArguments args = {}) {
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

inference::ModelInferRequest DenseRequest(const std::string& id = "") {
  inference::ModelInferRequest request;
  request.set_model_name("dense");
  request.set_id(id);
  auto* input = request.add_inputs();
  input->set_name("input_1");
  input->set_datatype("FP32");
  input->add_shape(1);
  input->add_shape(kInputs);
  const std::vector<float> x = {0.5f, -1.0f, 0.25f};
  std::string bytes(sizeof(float) * x.size(), '\0');
  std::memcpy(bytes.data(), x.data(), bytes.size());
  request.add_raw_input_contents(bytes);
  return request;
}

// One inference on `channel`; wait_for_ready lets the channel retry its connection (with gRPC's
// back-off) until the deadline instead of failing at the first refusal.
grpc::Status Infer(const std::shared_ptr<grpc::Channel>& channel, bool wait_for_ready,
                   std::chrono::seconds deadline = std::chrono::seconds(30)) {
  auto stub = inference::GRPCInferenceService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  context.set_wait_for_ready(wait_for_ready);
  inference::ModelInferResponse response;
  grpc::Status status = stub->ModelInfer(&context, DenseRequest(), &response);
  if (status.ok()) {
    std::vector<float> y(kOutputs);
    EXPECT_EQ(response.raw_output_contents(0).size(), y.size() * sizeof(float));
    std::memcpy(y.data(), response.raw_output_contents(0).data(), y.size() * sizeof(float));
    EXPECT_EQ(y, testing::DenseReference({0.5f, -1.0f, 0.25f}, kOutputs));
  }
  return status;
}

// Requests "dense" has run (successes and failures) according to ModelStatistics.
int64_t InferencesRun(int port) {
  auto stub = inference::GRPCInferenceService::NewStub(OwnChannel(port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  inference::ModelStatisticsRequest request;
  request.set_name("dense");
  inference::ModelStatisticsResponse response;
  grpc::Status status = stub->ModelStatistics(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (response.model_stats_size() == 0) return -1;
  const auto& stats = response.model_stats(0).inference_stats();
  return static_cast<int64_t>(stats.success().count() + stats.fail().count());
}

void ExpectServes(int port) {
  grpc::Status status = Infer(OwnChannel(port), /*wait_for_ready=*/true);
  EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
}

// ---------------------------------------------------------------------------------------------
// Connection limit.

TEST(NetworkTest, GrpcConnectionOverTheLimitIsRefusedAndTheLimitFreesWhenAClientLeaves) {
  NetworkConfig config;
  config.grpc = [](GrpcServerOptions& options) { options.max_connections = 3; };
  Servers servers(std::move(config));
  const int port = servers.grpc()->port();
  std::vector<std::shared_ptr<grpc::Channel>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(OwnChannel(port));
    ASSERT_TRUE(Infer(held.back(), false).ok());
  }
  // Before: no limit, every connection was kept until descriptors ran out.
  auto newest = OwnChannel(port);
  grpc::Status refused = Infer(newest, /*wait_for_ready=*/false);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_GE(servers.grpc()->refused_connections(), 1);
  EXPECT_EQ(CounterValue(servers.metrics(), "fpgaas_connections_refused_total",
                         {{"port", "grpc"}, {"reason", "limit"}}),
            static_cast<double>(servers.grpc()->refused_connections()));
  // The held connections still serve.
  for (const auto& channel : held) EXPECT_TRUE(Infer(channel, false).ok());
  // One client leaves: a new one gets in (its channel retries the refused connection).
  held.pop_back();
  grpc::Status admitted = Infer(newest, /*wait_for_ready=*/true);
  EXPECT_TRUE(admitted.ok()) << admitted.error_message();
}

// A libcurl handle that keeps its connection open between calls.
class Curl {
 public:
  Curl() : curl_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(curl_); }
  // GET/POST `url`; the libcurl result, with the HTTP code and body.
  CURLcode Call(const std::string& url, long* code, std::string* body,
                const std::function<void(CURL*)>& more = nullptr) {
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Write);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, body);
    if (more) more(curl_);
    const CURLcode result = curl_easy_perform(curl_);
    *code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, code);
    return result;
  }

 private:
  static size_t Write(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  CURL* curl_;
};

TEST(NetworkTest, HttpConnectionOverTheLimitIsClosedAndTheLimitFreesWhenAClientLeaves) {
  NetworkConfig config;
  config.http = true;
  config.adjust_http = [](HttpServerOptions& options) { options.max_connections = 2; };
  Servers servers(std::move(config));
  const std::string url =
      absl::StrCat("http://127.0.0.1:", servers.http()->port(), "/v2/models/dense/ready");
  std::vector<std::unique_ptr<Curl>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Curl>());
    long code = 0;
    std::string body;
    ASSERT_EQ(held.back()->Call(url, &code, &body), CURLE_OK);
    EXPECT_EQ(code, 200);
  }
  Curl newest;
  long code = 0;
  std::string body;
  const CURLcode refused = newest.Call(url, &code, &body);
  EXPECT_TRUE(refused == CURLE_GOT_NOTHING || refused == CURLE_RECV_ERROR ||
              refused == CURLE_SEND_ERROR)
      << curl_easy_strerror(refused);
  EXPECT_EQ(code, 0);
  EXPECT_GE(servers.http()->refused_connections(), 1);
  EXPECT_GE(CounterValue(servers.metrics(), "fpgaas_connections_refused_total",
                         {{"port", "http"}, {"reason", "limit"}}),
            1);
  for (auto& curl : held) {
    ASSERT_EQ(curl->Call(url, &code, &body), CURLE_OK);  // the kept connections still serve
  }
  held.pop_back();  // its connection closes; the server notices at the next admission at the limit
  CURLcode admitted = CURLE_GOT_NOTHING;
  for (int attempt = 0; attempt < 400 && admitted != CURLE_OK; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Curl fresh;
    admitted = fresh.Call(url, &code, &body);
  }
  EXPECT_EQ(admitted, CURLE_OK) << curl_easy_strerror(admitted);
  EXPECT_EQ(code, 200);
}

// ---------------------------------------------------------------------------------------------
// Out of file descriptors. gRPC 1.51's own listener stops for good after one accept() fails with
// EMFILE (tcp_server_posix.cc on_read; see server/frontend/connections.h); fpgaasd's acceptor
// refuses that connection and goes on.

// The sanitizer runtimes need descriptors of their own: UBSan's vptr check tests that a vtable is
// readable by writing it into a pipe, so with none left every first virtual call of a type is
// reported as "object has invalid vptr" (seen in the ASan+UBSan job, and in a ten-line program).
// Out of descriptors is a state those builds cannot check; the normal build runs these tests.
#ifdef __SANITIZE_ADDRESS__
constexpr bool kSanitizerRuntimeNeedsDescriptors = true;
#else
constexpr bool kSanitizerRuntimeNeedsDescriptors = false;
#endif

// Runs this process out of descriptors with connections to `port` (the server's accepted ends
// count too), then makes one more through a freed descriptor, so that the server finds a
// connection pending with no descriptor left to accept it; waits until `refused()` counts a
// refusal (or 30 s), then closes every client and restores the open-file limit.
template <typename Refused>
void RunOutOfDescriptorsAgainst(int port, Refused refused) {
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit low = original;
  low.rlim_cur = static_cast<rlim_t>(OpenDescriptors() + 64);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto connect_one = [&address]() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fd;
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  };
  const int spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(spare, 0);
  std::vector<int> clients;
  for (int fd = connect_one(); fd >= 0; fd = connect_one()) clients.push_back(fd);
  EXPECT_EQ(errno, EMFILE);
  // One more, through the spare descriptor. The server runs in this process, so it may take the
  // freed descriptor first; then the connections still pending in the backlog meet EMFILE on its
  // side instead.
  close(spare);
  const int last = connect_one();
  if (last >= 0) clients.push_back(last);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (refused() == 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(10));
  for (int fd : clients) close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
}

// The acceptor refuses through a reserve descriptor (close it, accept, close, reopen). This test's
// client threads run in the server's process and may take the reserve's number in between (a
// full ctest on a loaded machine saw it once): the server then has nothing to refuse with until a
// descriptor frees, and this test holds them all. So up to three rounds, each releasing
// everything, until one ends in a refusal.
template <typename Refused>
void RunOutOfDescriptorsUntilRefused(int port, Refused refused) {
  for (int round = 0; round < 3 && refused() == 0; ++round) {
    RunOutOfDescriptorsAgainst(port, refused);
    absl::SleepFor(absl::Milliseconds(200));  // the acceptor's back-off, to reopen its reserve
  }
}

TEST(NetworkTest, AcceptingGoesOnAfterTheProcessRanOutOfDescriptors) {
  if (kSanitizerRuntimeNeedsDescriptors) {
    GTEST_SKIP() << "the sanitizer runtime cannot run without descriptors";
  }
  Servers servers;
  const int port = servers.grpc()->port();
  ExpectServes(port);
  RunOutOfDescriptorsUntilRefused(port, [&] { return servers.grpc()->refused_connections(); });
  EXPECT_GE(servers.grpc()->refused_connections(), 1) << "the server never met EMFILE";
  EXPECT_GE(CounterValue(servers.metrics(), "fpgaas_connections_refused_total",
                         {{"port", "grpc"}, {"reason", "out_of_descriptors"}}),
            1);
  // Before: the listener was dead and this connection was never accepted (DEADLINE_EXCEEDED).
  ExpectServes(port);
}

// libevent's listener only logged the EMFILE and, the socket still readable, called accept()
// again at once: the loop spun while descriptors lasted out and the pending client waited.
TEST(NetworkTest, HttpPortRefusesAConnectionItHasNoDescriptorForAndServesAfterwards) {
  if (kSanitizerRuntimeNeedsDescriptors) {
    GTEST_SKIP() << "the sanitizer runtime cannot run without descriptors";
  }
  NetworkConfig config;
  config.http = true;
  Servers servers(std::move(config));
  const std::string url =
      absl::StrCat("http://127.0.0.1:", servers.http()->port(), "/v2/models/dense/ready");
  long code = 0;
  std::string body;
  ASSERT_EQ(Curl().Call(url, &code, &body), CURLE_OK);
  RunOutOfDescriptorsUntilRefused(servers.http()->port(),
                                  [&] { return servers.http()->refused_connections(); });
  // Before: nothing was refused (0); the pending connection waited for a descriptor.
  EXPECT_GE(servers.http()->refused_connections(), 1) << "the HTTP port never refused one";
  EXPECT_GE(CounterValue(servers.metrics(), "fpgaas_connections_refused_total",
                         {{"port", "http"}, {"reason", "out_of_descriptors"}}),
            1);
  code = 0;
  ASSERT_EQ(Curl().Call(url, &code, &body), CURLE_OK);
  EXPECT_EQ(code, 200);
}

// ---------------------------------------------------------------------------------------------
// A stream client that writes and never reads.

TEST(NetworkTest, StreamClientThatNeverReadsIsFlowControlledThenCancelled) {
  NetworkConfig config;
  config.grpc = [](GrpcServerOptions& options) {
    options.stream_max_pending_responses = 4;
    options.stream_write_timeout = absl::Seconds(2);
  };
  Servers servers(std::move(config));
  const int port = servers.grpc()->port();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);  // the client's window stays the initial 64 KB
  auto channel = OwnChannel(port, args);
  auto stub = inference::GRPCInferenceService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stream = stub->ModelStreamInfer(&context);
  // Each answer echoes the 256 KB id: before, the server read all 1,000 requests and queued
  // 1,000 answers (+280 MB per 1,000 measured), and the stream never ended.
  const std::string id(256 << 10, 'i');
  const int64_t before = ResidentBytes();
  int written = 0;
  while (written < 1000 && stream->Write(DenseRequest(id))) ++written;
  // Its writes failed: the server cancelled the stream. What arrived before is drained (a sync
  // client's Finish waits for that) and the status read.
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
  }
  grpc::Status status = stream->Finish();
  const int64_t grown = ResidentBytes() - before;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  EXPECT_LT(written, 1000);
  EXPECT_LT(grown, int64_t{64} << 20);
  // The server read (and ran) no more than the bound: its first answer never left (the client's
  // 64 KB window is smaller than one answer), so reading stopped at 4.
  EXPECT_LE(InferencesRun(port), 4) << written << " requests were written";
  EXPECT_EQ(CounterValue(servers.metrics(), "fpgaas_stalled_streams_cancelled_total"), 1);
  ExpectServes(port);
}

TEST(NetworkTest, StreamClientThatReadsGetsEveryAnswerPastTheBound) {
  NetworkConfig config;
  config.grpc = [](GrpcServerOptions& options) {
    options.stream_max_pending_responses = 2;
    options.stream_max_pending_bytes = 1;  // at most one answer waiting: reads pause after each
  };
  Servers servers(std::move(config));
  auto stub = inference::GRPCInferenceService::NewStub(OwnChannel(servers.grpc()->port()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stream = stub->ModelStreamInfer(&context);
  constexpr int kRequests = 50;
  std::thread writer([&stream] {
    for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(stream->Write(DenseRequest(absl::StrCat(i))));
    stream->WritesDone();
  });
  int answered = 0;
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
    EXPECT_EQ(response.error_message(), "");
    ++answered;
  }
  writer.join();
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered, kRequests);
}

// ---------------------------------------------------------------------------------------------
// /metrics: TLS and a token.

TEST(NetworkTest, MetricsOverTlsWithATokenRefusesPlainHttpAndMissingTokens) {
  testing::TempDir dir("hostile_metrics_");
  testing::TestCertificates certificates;
  ASSERT_TRUE(testing::MakeTestCertificates(dir / "certs", &certificates));
  testing::WriteTextFile(dir / "token", "s3cr3t\n");
  auto metrics = MetricsRegistry::Create();
  metrics->SetServerInfo("test");
  MetricsEndpointOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.registry = metrics->registry();
  options.tls_certificate_chain_file = certificates.server_cert.string();
  options.tls_private_key_file = certificates.server_key.string();
  options.token_file = (dir / "token").string();
  auto endpoint = MetricsEndpoint::Create(std::move(options));
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const std::string https = absl::StrCat("https://localhost:", (*endpoint)->port(), "/metrics");
  const auto tls = [&certificates](CURL* curl) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, certificates.ca.c_str());
  };
  long code = 0;
  std::string body;
  curl_slist* bearer = nullptr;
  {
    Curl curl;  // no token
    ASSERT_EQ(curl.Call(https, &code, &body, tls), CURLE_OK);
    EXPECT_EQ(code, 401);
  }
  {
    Curl curl;  // a wrong one
    ASSERT_EQ(curl.Call(https, &code, &body,
                        [&](CURL* c) {
                          tls(c);
                          bearer = curl_slist_append(nullptr, "Authorization: Bearer wrong");
                          curl_easy_setopt(c, CURLOPT_HTTPHEADER, bearer);
                        }),
              CURLE_OK);
    EXPECT_EQ(code, 401);
  }
  {
    Curl curl;  // plain HTTP to the TLS port gets no metrics
    body.clear();
    const CURLcode plain = curl.Call(
        absl::StrCat("http://localhost:", (*endpoint)->port(), "/metrics"), &code, &body);
    EXPECT_THAT(body, ::testing::Not(HasSubstr("fpgaas_server_info")))
        << curl_easy_strerror(plain);
  }
  Curl curl;
  body.clear();
  ASSERT_EQ(curl.Call(https, &code, &body,
                      [&](CURL* c) {
                        tls(c);
                        curl_slist_free_all(bearer);
                        bearer = curl_slist_append(nullptr, "Authorization: Bearer s3cr3t");
                        curl_easy_setopt(c, CURLOPT_HTTPHEADER, bearer);
                      }),
            CURLE_OK);
  curl_slist_free_all(bearer);
  EXPECT_EQ(code, 200);
  EXPECT_THAT(body, HasSubstr("fpgaas_server_info"));
}

// Before: /metrics had no connection limit (every connection was kept until descriptors ran out).
TEST(NetworkTest, MetricsConnectionOverTheLimitIsClosedAndCounted) {
  auto metrics = MetricsRegistry::Create();
  metrics->SetServerInfo("test");
  MetricsEndpointOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.registry = metrics->registry();
  options.metrics = metrics.get();
  options.max_connections = 2;
  auto endpoint = MetricsEndpoint::Create(std::move(options));
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const std::string url = absl::StrCat("http://127.0.0.1:", (*endpoint)->port(), "/metrics");
  long code = 0;
  std::string body;
  std::vector<std::unique_ptr<Curl>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Curl>());
    ASSERT_EQ(held.back()->Call(url, &code, &body), CURLE_OK);
    EXPECT_EQ(code, 200);
  }
  Curl newest;
  const CURLcode refused = newest.Call(url, &code, &body);
  EXPECT_TRUE(refused == CURLE_GOT_NOTHING || refused == CURLE_RECV_ERROR ||
              refused == CURLE_SEND_ERROR)
      << curl_easy_strerror(refused);
  EXPECT_EQ((*endpoint)->refused_connections(), 1);
  body.clear();
  ASSERT_EQ(held.front()->Call(url, &code, &body), CURLE_OK);  // a kept connection still serves
  EXPECT_THAT(body, HasSubstr("fpgaas_connections_refused_total{port=\"metrics\",reason=\"limit\"} 1"));
  held.pop_back();
  CURLcode admitted = CURLE_GOT_NOTHING;
  for (int attempt = 0; attempt < 400 && admitted != CURLE_OK; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    admitted = Curl().Call(url, &code, &body);
  }
  EXPECT_EQ(admitted, CURLE_OK) << curl_easy_strerror(admitted);
}

TEST(NetworkTest, MetricsEndpointRefusesHalfATlsConfiguration) {
  auto metrics = MetricsRegistry::Create();
  MetricsEndpointOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.registry = metrics->registry();
  options.tls_certificate_chain_file = "/nonexistent/cert.pem";
  auto endpoint = MetricsEndpoint::Create(std::move(options));
  EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(endpoint.status().message(), HasSubstr("both a certificate chain file and a"));
}

// ---------------------------------------------------------------------------------------------
// HTTP clients known by their certificate, as on the gRPC port.

TEST(NetworkTest, HttpClientCertificateIdentityGetsItsAuthConfigRole) {
  testing::TempDir dir("hostile_mtls_");
  testing::TestCertificates certificates;
  ASSERT_TRUE(testing::MakeTestCertificates(dir / "certs", &certificates));
  // The client certificate has no subject alternative name: its identity is its CN, "client".
  testing::WriteTextFile(dir / "auth.pbtxt",
                         "client { name: \"by-cert\" identity: \"client\" role: INFERENCE }\n"
                         "client { name: \"admin\" token: \"adm1n\" role: REPOSITORY_ADMIN }\n");
  NetworkConfig config;
  config.http = true;
  config.adjust_http = [&](HttpServerOptions& options) {
    options.tls.certificate_chain_file = certificates.server_cert.string();
    options.tls.private_key_file = certificates.server_key.string();
    options.tls.client_ca_file = certificates.ca.string();
    options.auth_config_file = (dir / "auth.pbtxt").string();
  };
  Servers servers(std::move(config));
  const std::string base = absl::StrCat("https://localhost:", servers.http()->port());
  const auto with_cert = [&](CURL* c) {
    curl_easy_setopt(c, CURLOPT_CAINFO, certificates.ca.c_str());
    curl_easy_setopt(c, CURLOPT_SSLCERT, certificates.client_cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, certificates.client_key.c_str());
  };
  long code = 0;
  std::string body;
  {
    Curl curl;  // no certificate, no token
    ASSERT_EQ(curl.Call(base + "/v2/models/dense/ready", &code, &body,
                        [&](CURL* c) { curl_easy_setopt(c, CURLOPT_CAINFO, certificates.ca.c_str()); }),
              CURLE_OK);
    EXPECT_EQ(code, 401);
  }
  {
    // Before: the HTTP port ignored client certificates, so "by-cert" got 401 here.
    Curl curl;
    body.clear();
    ASSERT_EQ(curl.Call(base + "/v2/models/dense/ready", &code, &body, with_cert), CURLE_OK);
    EXPECT_EQ(code, 200) << body;
  }
  {
    Curl curl;  // INFERENCE may not unload
    body.clear();
    ASSERT_EQ(curl.Call(base + "/v2/repository/models/dense/unload", &code, &body,
                        [&](CURL* c) {
                          with_cert(c);
                          curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
                        }),
              CURLE_OK);
    EXPECT_EQ(code, 403);
    EXPECT_THAT(body, HasSubstr("by-cert"));
  }
  ExpectServes(servers.grpc()->port());
}

}  // namespace
}  // namespace fpgaas
