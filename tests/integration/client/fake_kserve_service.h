// A small in-process KServe v2 service for client tests. It serves three models:
//   "muon_pt"  FP32 input "input_1" [3] → FP32 output "pt" [1] = x0 + x1 + x2; max_batch_size 4
//   "scores"   FP32 input "x" [3] → FP32 output "scores" [3] = x (identity); no batch dimension
//   "slow"     like muon_pt, but every inference sleeps slow_ms first (deadline tests)
//   "varlen"   FP32 input "x" [-1] → FP32 output "sum" [1] = sum of x; no batch dimension
// set_stall_all_ms(ms) makes every RPC wait that long (or until the client gives up) before
// answering, so each CLI subcommand's deadline path can be tested.
// Other KServe v2 servers are imitated with set_model_config_unimplemented (no ModelConfig RPC,
// a Triton extension), set_echo_stream_ids(false) (stream responses carry no id) and
// set_answer_streams(false) (stream requests are read but never answered).
// It records what clients sent (metadata, load parameters) so tests can check the wire.
// Thread-safe: handlers run on gRPC's sync-server threads.
#ifndef FPGAAS_TESTS_INTEGRATION_CLIENT_FAKE_KSERVE_SERVICE_H_
#define FPGAAS_TESTS_INTEGRATION_CLIENT_FAKE_KSERVE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "proto/grpc_service.grpc.pb.h"

namespace fpgaas::testing {

class FakeKServeService final : public inference::GRPCInferenceService::Service {
 public:
  FakeKServeService();

  // Number of ModelInfer calls to reject with UNAVAILABLE before answering (retry tests).
  void FailNextInfers(int count);
  void set_slow_ms(int ms) { slow_ms_ = ms; }
  void set_stall_all_ms(int ms) { stall_all_ms_ = ms; }
  void set_model_config_unimplemented(bool value) { model_config_unimplemented_ = value; }
  void set_echo_stream_ids(bool value) { echo_stream_ids_ = value; }
  void set_answer_streams(bool value) { answer_streams_ = value; }

  std::multimap<std::string, std::string> last_metadata() const;
  inference::RepositoryModelLoadRequest last_load() const;
  int infer_calls() const;

  grpc::Status ServerLive(grpc::ServerContext*, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse*) override;
  grpc::Status ServerReady(grpc::ServerContext*, const inference::ServerReadyRequest*,
                           inference::ServerReadyResponse*) override;
  grpc::Status ModelReady(grpc::ServerContext*, const inference::ModelReadyRequest*,
                          inference::ModelReadyResponse*) override;
  grpc::Status ServerMetadata(grpc::ServerContext*, const inference::ServerMetadataRequest*,
                              inference::ServerMetadataResponse*) override;
  grpc::Status ModelMetadata(grpc::ServerContext*, const inference::ModelMetadataRequest*,
                             inference::ModelMetadataResponse*) override;
  grpc::Status ModelConfig(grpc::ServerContext*, const inference::ModelConfigRequest*,
                           inference::ModelConfigResponse*) override;
  grpc::Status ModelInfer(grpc::ServerContext*, const inference::ModelInferRequest*,
                          inference::ModelInferResponse*) override;
  grpc::Status ModelStreamInfer(grpc::ServerContext*,
                                grpc::ServerReaderWriter<inference::ModelStreamInferResponse,
                                                         inference::ModelInferRequest>*) override;
  grpc::Status ModelStatistics(grpc::ServerContext*, const inference::ModelStatisticsRequest*,
                               inference::ModelStatisticsResponse*) override;
  grpc::Status RepositoryIndex(grpc::ServerContext*, const inference::RepositoryIndexRequest*,
                               inference::RepositoryIndexResponse*) override;
  grpc::Status RepositoryModelLoad(grpc::ServerContext*,
                                   const inference::RepositoryModelLoadRequest*,
                                   inference::RepositoryModelLoadResponse*) override;
  grpc::Status RepositoryModelUnload(grpc::ServerContext*,
                                     const inference::RepositoryModelUnloadRequest*,
                                     inference::RepositoryModelUnloadResponse*) override;

 private:
  void Record(grpc::ServerContext* context);
  grpc::Status Compute(const inference::ModelInferRequest& request,
                       inference::ModelInferResponse& response);

  std::atomic<int> slow_ms_{300};
  std::atomic<int> stall_all_ms_{0};
  std::atomic<bool> model_config_unimplemented_{false};
  std::atomic<bool> echo_stream_ids_{true};
  std::atomic<bool> answer_streams_{true};
  mutable absl::Mutex mu_;
  std::set<std::string> unloaded_ ABSL_GUARDED_BY(mu_);
  int fail_next_ ABSL_GUARDED_BY(mu_) = 0;
  int infer_calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::multimap<std::string, std::string> last_metadata_ ABSL_GUARDED_BY(mu_);
  inference::RepositoryModelLoadRequest last_load_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, inference::ModelStatistics> stats_ ABSL_GUARDED_BY(mu_);
};

// The service listening on 127.0.0.1:<free port>.
class FakeKServeServer {
 public:
  // accept_gzip = false: the server only accepts uncompressed messages (compression tests).
  // credentials: nullptr = insecure.
  explicit FakeKServeServer(bool accept_gzip = true,
                            std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);
  ~FakeKServeServer();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  FakeKServeService& service() { return service_; }

 private:
  FakeKServeService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_INTEGRATION_CLIENT_FAKE_KSERVE_SERVICE_H_
