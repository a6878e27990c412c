// Implementation of fpgaas::Client and fpgaas::Model over the KServe v2 gRPC protocol.
#include "fpgaas/client.h"

#include <grpcpp/grpcpp.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/src/client_internal.h"
#include "google/protobuf/util/json_util.h"
#include "proto/model_config.pb.h"
#include "server/util/text_format.h"

namespace fpgaas {
namespace internal {

absl::Status FromGrpc(const grpc::Status& status, absl::string_view rpc) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(rpc, ": ", status.error_message()));
}

void ChannelState::Prepare(grpc::ClientContext& context, std::chrono::milliseconds deadline) const {
  PrepareUntil(context, DeadlineFromNow(deadline));
}

std::chrono::system_clock::time_point ChannelState::DeadlineFromNow(
    std::chrono::milliseconds deadline) const {
  if (deadline.count() < 0) deadline = options.deadline;
  if (deadline.count() <= 0) return std::chrono::system_clock::time_point::max();
  return std::chrono::system_clock::now() + deadline;
}

void ChannelState::PrepareUntil(grpc::ClientContext& context,
                                std::chrono::system_clock::time_point deadline) const {
  if (deadline != std::chrono::system_clock::time_point::max()) context.set_deadline(deadline);
  if (!options.bearer_token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options.bearer_token);
  }
  for (const auto& [key, value] : options.headers) context.AddMetadata(key, value);
}

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read file '", path, "'"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

bool HasScheme(absl::string_view target) {
  for (absl::string_view scheme :
       {"dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:", "vsock:", "xds:", "google-c2p:"}) {
    if (absl::StartsWith(target, scheme)) return true;
  }
  return false;
}

// "host:port" → (host, port); "[v6]:port" too.
absl::StatusOr<std::pair<std::string, std::string>> SplitHostPort(absl::string_view endpoint) {
  endpoint = absl::StripAsciiWhitespace(endpoint);
  size_t colon = endpoint.rfind(':');
  if (colon == absl::string_view::npos || colon + 1 == endpoint.size()) {
    return absl::InvalidArgumentError(absl::StrCat("endpoint '", endpoint, "' is not host:port"));
  }
  std::string host(endpoint.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, std::string(endpoint.substr(colon + 1)));
}

// Resolves every endpoint once to one address of `family`; "" host parts are rejected.
absl::StatusOr<std::vector<std::string>> ResolveAll(const std::vector<std::string>& endpoints,
                                                    int family) {
  std::vector<std::string> addresses;
  for (const std::string& endpoint : endpoints) {
    auto host_port = SplitHostPort(endpoint);
    if (!host_port.ok()) return host_port.status();
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(host_port->first.c_str(), host_port->second.c_str(), &hints, &found);
    if (rc != 0 || found == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot resolve '", endpoint, "': ", gai_strerror(rc)));
    }
    char text[NI_MAXHOST];
    rc = getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof(text), nullptr, 0,
                     NI_NUMERICHOST);
    freeaddrinfo(found);
    if (rc != 0) return absl::UnavailableError(absl::StrCat("cannot resolve '", endpoint, "'"));
    addresses.push_back(family == AF_INET6 ? absl::StrCat("[", text, "]:", host_port->second)
                                           : absl::StrCat(text, ":", host_port->second));
  }
  return addresses;
}

// A static resolver target ("ipv4:a:p,b:p") for several endpoints.
absl::StatusOr<std::string> StaticTarget(const std::vector<std::string>& endpoints) {
  if (endpoints.empty()) return absl::InvalidArgumentError("no server endpoint given");
  auto v4 = ResolveAll(endpoints, AF_INET);
  if (v4.ok()) return absl::StrCat("ipv4:", absl::StrJoin(*v4, ","));
  auto v6 = ResolveAll(endpoints, AF_INET6);
  if (v6.ok()) return absl::StrCat("ipv6:", absl::StrJoin(*v6, ","));
  return v4.status();
}

std::string ServiceConfig(const ClientOptions& options, bool round_robin) {
  std::vector<std::string> parts;
  if (round_robin) parts.push_back(R"("loadBalancingConfig": [{"round_robin": {}}])");
  if (options.max_attempts > 1) {
    double backoff_s = std::max<int64_t>(1, options.initial_backoff.count()) / 1000.0;
    parts.push_back(absl::StrCat(
        R"("methodConfig": [{"name": [{"service": "inference.GRPCInferenceService"}],)",
        R"( "retryPolicy": {"maxAttempts": )", std::min(options.max_attempts, 5),
        R"(, "initialBackoff": ")", backoff_s, R"(s", "maxBackoff": "1s",)",
        R"( "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}])"));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

// Surprise (gRPC 1.51): channels that use the callback API (InferAsync, streams) share one
// process-wide completion queue served by gRPC's "nexting" threads, reference-counted by channel.
// When the last such channel is destroyed, gRPC shuts the queue down, joins those threads and
// frees it; if that happens while one of them is still inside a completion (an async call whose
// callback drops the last Model handle, or a caller destroying its Client as soon as the callback
// has signalled it), that thread goes on with a freed queue and the process crashes. So the
// library holds one idle channel that made one callback call, for the life of the process: the
// queue is never torn down under a running callback. It has no state worth injecting.
void KeepCallbackQueueAlive() {
  struct Keeper {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<inference::GRPCInferenceService::Stub> stub;
    grpc::ClientContext context;
    inference::ServerLiveRequest request;
    inference::ServerLiveResponse response;
  };
  static Keeper* const keeper = [] {
    auto* kept = new Keeper;
    kept->channel = grpc::CreateChannel("unix:fpgaas-callback-queue-keeper",
                                        grpc::InsecureChannelCredentials());
    kept->stub = inference::GRPCInferenceService::NewStub(kept->channel);
    kept->context.set_deadline(std::chrono::system_clock::now());  // fails at once, unsent
    kept->stub->async()->ServerLive(&kept->context, &kept->request, &kept->response,
                                    [](grpc::Status) {});
    return kept;
  }();
  (void)keeper;
}

std::shared_ptr<ChannelState> BuildChannel(std::vector<std::string> endpoints,
                                           const std::string& single_target,
                                           ClientOptions options) {
  auto state = std::make_shared<ChannelState>();
  state->options = options;
  bool round_robin = false;
  if (!endpoints.empty()) {
    if (endpoints.size() == 1) {
      state->target = endpoints.front();
    } else {
      auto target = StaticTarget(endpoints);
      if (!target.ok()) {
        state->init_error = target.status();
        state->target = absl::StrJoin(endpoints, ",");
        return state;
      }
      state->target = *target;
      round_robin = true;
    }
  } else {
    state->target = single_target;
    round_robin = absl::StrContains(single_target, ',');
  }
  if (state->target.empty()) {
    state->init_error = absl::InvalidArgumentError("empty server target");
    return state;
  }
  if (options.max_attempts < 1) {
    state->init_error = absl::InvalidArgumentError("max_attempts must be >= 1");
    return state;
  }

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls.enabled) {
    grpc::SslCredentialsOptions ssl;
    std::pair<const std::string*, std::string*> files[] = {
        {&options.tls.root_certificates_file, &ssl.pem_root_certs},
        {&options.tls.client_certificate_file, &ssl.pem_cert_chain},
        {&options.tls.client_key_file, &ssl.pem_private_key}};
    for (auto& [path, pem] : files) {
      if (path->empty()) continue;
      auto contents = ReadFile(*path);
      if (!contents.ok()) {
        state->init_error =
            absl::InvalidArgumentError(absl::StrCat("TLS: ", contents.status().message()));
        return state;
      }
      *pem = *std::move(contents);
    }
    if (ssl.pem_cert_chain.empty() != ssl.pem_private_key.empty()) {
      state->init_error =
          absl::InvalidArgumentError("TLS: client certificate and key must be given together");
      return state;
    }
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  args.SetServiceConfigJSON(ServiceConfig(options, round_robin));
  if (options.gzip) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  if (!options.tls.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.tls.server_name_override);
  }
  KeepCallbackQueueAlive();
  state->channel = grpc::CreateCustomChannel(state->target, credentials, args);
  state->stub = inference::GRPCInferenceService::NewStub(state->channel);
  return state;
}

std::vector<std::string> SplitEndpoints(const std::string& target) {
  if (HasScheme(target) || !absl::StrContains(target, ',')) return {target};
  return absl::StrSplit(target, ',', absl::SkipWhitespace());
}

// -- conversions between protocol messages and the public structs -----------------------------

TensorMetadata ToTensorInfo(const inference::ModelMetadataResponse::TensorMetadata& tensor) {
  return TensorMetadata{
      tensor.name(), tensor.datatype(), {tensor.shape().begin(), tensor.shape().end()}};
}

std::string DataTypeName(inference::DataType type) {
  std::string name = inference::DataType_Name(type);
  if (absl::StartsWith(name, "TYPE_")) name = name.substr(5);
  if (name == "STRING") name = "BYTES";
  return name;
}

StatDuration ToDuration(const inference::StatisticDuration& duration) {
  return StatDuration{duration.count(), duration.ns()};
}

}  // namespace

ModelStatistics ToStatistics(const inference::ModelStatistics& stats) {
  ModelStatistics out;
  out.name = stats.name();
  out.version = stats.version();
  out.last_inference_ms = stats.last_inference();
  out.inference_count = stats.inference_count();
  out.execution_count = stats.execution_count();
  const auto& infer = stats.inference_stats();
  out.success = ToDuration(infer.success());
  out.fail = ToDuration(infer.fail());
  out.queue = ToDuration(infer.queue());
  out.compute_input = ToDuration(infer.compute_input());
  out.compute_infer = ToDuration(infer.compute_infer());
  out.compute_output = ToDuration(infer.compute_output());
  for (const auto& batch : stats.batch_stats()) {
    out.batch_stats.push_back(BatchStatistics{batch.batch_size(), ToDuration(batch.compute_input()),
                                              ToDuration(batch.compute_infer()),
                                              ToDuration(batch.compute_output())});
  }
  return out;
}

namespace {

// Bytes per value of a numeric KServe datatype; 0 if the client cannot carry floats in it.
size_t ElementBytes(absl::string_view datatype) {
  if (datatype == "FP32" || datatype == "INT32" || datatype == "UINT32") return 4;
  if (datatype == "FP64" || datatype == "INT64" || datatype == "UINT64") return 8;
  if (datatype == "INT16" || datatype == "UINT16") return 2;
  if (datatype == "INT8" || datatype == "UINT8" || datatype == "BOOL") return 1;
  return 0;
}

template <typename T>
void AppendAs(std::span<const float> values, std::string& out) {
  size_t offset = out.size();
  out.resize(offset + values.size() * sizeof(T));
  for (float value : values) {
    T converted = static_cast<T>(value);
    std::memcpy(out.data() + offset, &converted, sizeof(T));
    offset += sizeof(T);
  }
}

template <typename T>
void DecodeAs(absl::string_view raw, std::vector<float>& out) {
  size_t count = raw.size() / sizeof(T);
  out.reserve(out.size() + count);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, raw.data() + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<float>(value));
  }
}

}  // namespace

absl::Status EncodeValues(std::span<const float> values, absl::string_view datatype,
                          std::string& raw) {
  if (datatype == "FP32")
    AppendAs<float>(values, raw);
  else if (datatype == "FP64")
    AppendAs<double>(values, raw);
  else if (datatype == "INT8")
    AppendAs<int8_t>(values, raw);
  else if (datatype == "INT16")
    AppendAs<int16_t>(values, raw);
  else if (datatype == "INT32")
    AppendAs<int32_t>(values, raw);
  else if (datatype == "INT64")
    AppendAs<int64_t>(values, raw);
  else if (datatype == "UINT8" || datatype == "BOOL")
    AppendAs<uint8_t>(values, raw);
  else if (datatype == "UINT16")
    AppendAs<uint16_t>(values, raw);
  else if (datatype == "UINT32")
    AppendAs<uint32_t>(values, raw);
  else if (datatype == "UINT64")
    AppendAs<uint64_t>(values, raw);
  else {
    return absl::UnimplementedError(
        absl::StrCat("input datatype ", datatype, " cannot be sent from float values"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> DecodeOutput(const inference::ModelInferResponse& response,
                                                const std::string& output_name) {
  int index = -1;
  for (int i = 0; i < response.outputs_size(); ++i) {
    if (response.outputs(i).name() == output_name) index = i;
  }
  if (index < 0 && response.outputs_size() > 0) index = 0;
  if (index < 0) return absl::InternalError("server response carries no output tensor");
  const auto& tensor = response.outputs(index);
  std::vector<float> values;
  if (index < response.raw_output_contents_size()) {
    const std::string& raw = response.raw_output_contents(index);
    const std::string& type = tensor.datatype();
    size_t width = ElementBytes(type);
    if (width == 0) {
      return absl::UnimplementedError(absl::StrCat("output datatype ", type, " is not numeric"));
    }
    if (raw.size() % width != 0) {
      return absl::DataLossError(absl::StrCat("output '", tensor.name(), "' has ", raw.size(),
                                              " bytes, not a multiple of ", width));
    }
    if (type == "FP32")
      DecodeAs<float>(raw, values);
    else if (type == "FP64")
      DecodeAs<double>(raw, values);
    else if (type == "INT8")
      DecodeAs<int8_t>(raw, values);
    else if (type == "INT16")
      DecodeAs<int16_t>(raw, values);
    else if (type == "INT32")
      DecodeAs<int32_t>(raw, values);
    else if (type == "INT64")
      DecodeAs<int64_t>(raw, values);
    else if (type == "UINT8" || type == "BOOL")
      DecodeAs<uint8_t>(raw, values);
    else if (type == "UINT16")
      DecodeAs<uint16_t>(raw, values);
    else if (type == "UINT32")
      DecodeAs<uint32_t>(raw, values);
    else
      DecodeAs<uint64_t>(raw, values);
    return values;
  }
  const auto& contents = tensor.contents();
  for (float v : contents.fp32_contents()) values.push_back(v);
  for (double v : contents.fp64_contents()) values.push_back(static_cast<float>(v));
  for (int32_t v : contents.int_contents()) values.push_back(static_cast<float>(v));
  for (int64_t v : contents.int64_contents()) values.push_back(static_cast<float>(v));
  for (uint32_t v : contents.uint_contents()) values.push_back(static_cast<float>(v));
  for (uint64_t v : contents.uint64_contents()) values.push_back(static_cast<float>(v));
  for (bool v : contents.bool_contents()) values.push_back(v ? 1.0f : 0.0f);
  return values;
}

absl::Status BuildInferRequest(const ModelState& model, std::span<const float> samples,
                               int64_t batch_size, const InferOptions& options,
                               inference::ModelInferRequest& request) {
  if (batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("batch size must be >= 1, got ", batch_size));
  }
  if (model.config.max_batch_size == 0 && batch_size != 1) {
    return absl::InvalidArgumentError(absl::StrCat("model '", model.metadata.name,
                                                   "' has no batch dimension; batch size ",
                                                   batch_size, " cannot be sent in one request"));
  }
  if (model.config.max_batch_size > 0 && batch_size > model.config.max_batch_size) {
    return absl::InvalidArgumentError(absl::StrCat("batch size ", batch_size,
                                                   " exceeds the model's max_batch_size ",
                                                   model.config.max_batch_size));
  }
  if (samples.size() % batch_size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(samples.size(), " values do not split into ", batch_size, " samples"));
  }
  const int64_t per_sample = static_cast<int64_t>(samples.size()) / batch_size;
  std::vector<int64_t> shape = model.input.shape;
  int64_t known = 1;
  int variable = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      if (variable >= 0) {
        return absl::UnimplementedError("inputs with more than one variable dimension");
      }
      variable = static_cast<int>(i);
    } else {
      known *= shape[i];
    }
  }
  if (variable >= 0) {
    if (known == 0 || per_sample % known != 0) {
      return absl::InvalidArgumentError(absl::StrCat(per_sample,
                                                     " values per sample do not fit input shape [",
                                                     absl::StrJoin(model.input.shape, ","), "]"));
    }
    shape[variable] = per_sample / known;
  } else if (per_sample != known) {
    return absl::InvalidArgumentError(absl::StrCat("model '", model.metadata.name, "' input '",
                                                   model.input.name, "' takes ", known,
                                                   " values per sample, got ", per_sample));
  }
  if (model.config.max_batch_size > 0) shape.insert(shape.begin(), batch_size);

  request.set_model_name(model.metadata.name);
  request.set_model_version(model.version);
  if (!options.request_id.empty()) request.set_id(options.request_id);
  if (options.priority != 0) {
    (*request.mutable_parameters())["priority"].set_int64_param(options.priority);
  }
  if (options.server_timeout_us != 0) {
    (*request.mutable_parameters())["timeout"].set_int64_param(
        static_cast<int64_t>(options.server_timeout_us));
  }
  auto* input = request.add_inputs();
  input->set_name(model.input.name);
  input->set_datatype(model.input.datatype);
  for (int64_t dim : shape) input->add_shape(dim);
  request.add_outputs()->set_name(model.output.name);
  return EncodeValues(samples, model.input.datatype, *request.add_raw_input_contents());
}

}  // namespace internal

using internal::ChannelState;
using internal::FromGrpc;
using internal::ModelState;

// -- Client ------------------------------------------------------------------------------------

Client::Client(const std::string& target, ClientOptions options) {
  std::vector<std::string> endpoints = internal::SplitEndpoints(target);
  channel_ = endpoints.size() > 1 ? internal::BuildChannel(endpoints, "", std::move(options))
                                  : internal::BuildChannel({}, target, std::move(options));
}

Client::Client(const std::vector<std::string>& endpoints, ClientOptions options)
    : channel_(internal::BuildChannel(endpoints, "", std::move(options))) {
  if (endpoints.empty()) channel_->init_error = absl::InvalidArgumentError("no endpoints given");
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(const std::string& target,
                                                       ClientOptions options) {
  auto client = std::make_unique<Client>(target, std::move(options));
  if (!client->channel_->init_error.ok()) return client->channel_->init_error;
  return client;
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const std::string& Client::target() const { return channel_->target; }

namespace {

// Runs one unary RPC with the channel's deadline, metadata and init check.
template <typename Request, typename Response, typename Method>
absl::Status Call(const ChannelState& channel, absl::string_view rpc, Method method,
                  const Request& request, Response& response) {
  if (!channel.init_error.ok()) return channel.init_error;
  grpc::ClientContext context;
  channel.Prepare(context);
  grpc::Status status = ((*channel.stub).*method)(&context, request, &response);
  return FromGrpc(status, rpc);
}

}  // namespace

absl::StatusOr<bool> Client::IsLive() const {
  inference::ServerLiveRequest request;
  inference::ServerLiveResponse response;
  absl::Status status = Call(*channel_, "ServerLive",
                             &inference::GRPCInferenceService::Stub::ServerLive, request, response);
  if (!status.ok()) return status;
  return response.live();
}

absl::StatusOr<bool> Client::IsReady() const {
  inference::ServerReadyRequest request;
  inference::ServerReadyResponse response;
  absl::Status status =
      Call(*channel_, "ServerReady", &inference::GRPCInferenceService::Stub::ServerReady, request,
           response);
  if (!status.ok()) return status;
  return response.ready();
}

absl::StatusOr<bool> Client::IsModelReady(const std::string& name,
                                          const std::string& version) const {
  inference::ModelReadyRequest request;
  request.set_name(name);
  request.set_version(version);
  inference::ModelReadyResponse response;
  absl::Status status = Call(*channel_, "ModelReady",
                             &inference::GRPCInferenceService::Stub::ModelReady, request, response);
  if (!status.ok()) return status;
  return response.ready();
}

absl::StatusOr<ServerInfo> Client::GetServerMetadata() const {
  inference::ServerMetadataRequest request;
  inference::ServerMetadataResponse response;
  absl::Status status =
      Call(*channel_, "ServerMetadata", &inference::GRPCInferenceService::Stub::ServerMetadata,
           request, response);
  if (!status.ok()) return status;
  return ServerInfo{response.name(),
                    response.version(),
                    {response.extensions().begin(), response.extensions().end()}};
}

absl::StatusOr<ModelMetadata> Client::GetModelMetadata(const std::string& name,
                                                       const std::string& version) const {
  inference::ModelMetadataRequest request;
  request.set_name(name);
  request.set_version(version);
  inference::ModelMetadataResponse response;
  absl::Status status =
      Call(*channel_, "ModelMetadata", &inference::GRPCInferenceService::Stub::ModelMetadata,
           request, response);
  if (!status.ok()) return status;
  ModelMetadata out;
  out.name = response.name();
  out.versions.assign(response.versions().begin(), response.versions().end());
  out.platform = response.platform();
  for (const auto& tensor : response.inputs()) out.inputs.push_back(internal::ToTensorInfo(tensor));
  for (const auto& tensor : response.outputs()) {
    out.outputs.push_back(internal::ToTensorInfo(tensor));
  }
  return out;
}

absl::StatusOr<ModelConfigInfo> Client::GetModelConfig(const std::string& name,
                                                       const std::string& version) const {
  inference::ModelConfigRequest request;
  request.set_name(name);
  request.set_version(version);
  inference::ModelConfigResponse response;
  absl::Status status =
      Call(*channel_, "ModelConfig", &inference::GRPCInferenceService::Stub::ModelConfig, request,
           response);
  if (!status.ok()) return status;
  const inference::ModelConfig& config = response.config();
  ModelConfigInfo out;
  out.name = config.name();
  out.platform = config.platform();
  out.max_batch_size = config.max_batch_size();
  for (const auto& input : config.input()) {
    out.inputs.push_back(TensorMetadata{input.name(),
                                        internal::DataTypeName(input.data_type()),
                                        {input.dims().begin(), input.dims().end()}});
  }
  for (const auto& output : config.output()) {
    out.outputs.push_back(TensorMetadata{output.name(),
                                         internal::DataTypeName(output.data_type()),
                                         {output.dims().begin(), output.dims().end()}});
  }
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(config, &out.json, json_options);
  return out;
}

absl::StatusOr<std::vector<ModelStatistics>> Client::GetStatistics(
    const std::string& name, const std::string& version) const {
  inference::ModelStatisticsRequest request;
  request.set_name(name);
  request.set_version(version);
  inference::ModelStatisticsResponse response;
  absl::Status status =
      Call(*channel_, "ModelStatistics", &inference::GRPCInferenceService::Stub::ModelStatistics,
           request, response);
  if (!status.ok()) return status;
  std::vector<ModelStatistics> out;
  for (const auto& stats : response.model_stats()) out.push_back(internal::ToStatistics(stats));
  return out;
}

absl::StatusOr<std::vector<RepositoryModel>> Client::ListModels(bool ready_only) const {
  inference::RepositoryIndexRequest request;
  request.set_ready(ready_only);
  inference::RepositoryIndexResponse response;
  absl::Status status =
      Call(*channel_, "RepositoryIndex", &inference::GRPCInferenceService::Stub::RepositoryIndex,
           request, response);
  if (!status.ok()) return status;
  std::vector<RepositoryModel> out;
  for (const auto& model : response.models()) {
    out.push_back(RepositoryModel{model.name(), model.version(), model.state(), model.reason()});
  }
  return out;
}

absl::Status Client::LoadModel(const std::string& name) const {
  inference::RepositoryModelLoadRequest request;
  request.set_model_name(name);
  inference::RepositoryModelLoadResponse response;
  return Call(*channel_, "RepositoryModelLoad",
              &inference::GRPCInferenceService::Stub::RepositoryModelLoad, request, response);
}

absl::Status Client::UnloadModel(const std::string& name, bool unload_dependents) const {
  inference::RepositoryModelUnloadRequest request;
  request.set_model_name(name);
  if (unload_dependents) (*request.mutable_parameters())["unload_dependents"].set_bool_param(true);
  inference::RepositoryModelUnloadResponse response;
  return Call(*channel_, "RepositoryModelUnload",
              &inference::GRPCInferenceService::Stub::RepositoryModelUnload, request, response);
}

absl::Status Client::Register(const std::string& model_dir, const std::string& name) const {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path dir(model_dir);
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("model folder '", model_dir, "' does not exist"));
  }
  const fs::path config_path = dir / "config.pbtxt";
  auto config_text = internal::ReadFile(config_path.string());
  if (!config_text.ok()) {
    return absl::NotFoundError(absl::StrCat("model folder '", model_dir, "' has no config.pbtxt"));
  }
  inference::ModelConfig config;
  if (absl::Status s = ParseTextFormat(*config_text, &config); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(config_path.string(), ": ", s.message()));
  }
  std::string model_name = name;
  if (model_name.empty()) model_name = config.name();
  if (model_name.empty()) model_name = fs::absolute(dir).lexically_normal().filename().string();
  if (model_name.empty()) model_name = fs::absolute(dir).parent_path().filename().string();
  config.set_name(model_name);

  inference::RepositoryModelLoadRequest request;
  request.set_model_name(model_name);
  auto& parameters = *request.mutable_parameters();
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  std::string json;
  auto json_status = google::protobuf::util::MessageToJsonString(config, &json, json_options);
  if (!json_status.ok()) {
    return absl::InternalError(absl::StrCat("config to JSON: ", json_status.ToString()));
  }
  parameters["config"].set_string_param(json);

  size_t version_folders = 0;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string version = entry.path().filename().string();
    int64_t number;
    if (!entry.is_directory() || !absl::SimpleAtoi(version, &number) || number <= 0) continue;
    ++version_folders;
    for (const auto& file : fs::recursive_directory_iterator(entry.path(), error)) {
      if (!file.is_regular_file()) continue;
      auto bytes = internal::ReadFile(file.path().string());
      if (!bytes.ok()) return bytes.status();
      std::string relative = fs::relative(file.path(), entry.path()).generic_string();
      parameters[absl::StrCat("file:", version, "/", relative)].set_bytes_param(*std::move(bytes));
    }
  }
  if (error) {
    return absl::InternalError(absl::StrCat("listing '", model_dir, "': ", error.message()));
  }
  if (version_folders == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("model folder '", model_dir, "' has no version folder (e.g. 1/)"));
  }
  inference::RepositoryModelLoadResponse response;
  return Call(*channel_, "RepositoryModelLoad",
              &inference::GRPCInferenceService::Stub::RepositoryModelLoad, request, response);
}

namespace {

// A ModelConfigInfo from ModelMetadata alone, for servers without the ModelConfig extension: a
// leading -1 on every input and output shape is the batch dimension (Triton's clients' rule).
ModelConfigInfo ConfigFromMetadata(const ModelMetadata& metadata) {
  ModelConfigInfo config;
  config.name = metadata.name;
  config.platform = metadata.platform;
  config.from_metadata = true;
  bool batched = !metadata.inputs.empty() || !metadata.outputs.empty();
  for (const auto* tensors : {&metadata.inputs, &metadata.outputs}) {
    for (const TensorMetadata& tensor : *tensors) {
      if (tensor.shape.empty() || tensor.shape.front() != -1) batched = false;
    }
  }
  config.max_batch_size = batched ? ModelConfigInfo::kUnknownBatchLimit : 0;
  for (auto [from, to] : {std::pair{&metadata.inputs, &config.inputs},
                          std::pair{&metadata.outputs, &config.outputs}}) {
    for (TensorMetadata tensor : *from) {
      if (batched) tensor.shape.erase(tensor.shape.begin());
      to->push_back(std::move(tensor));
    }
  }
  return config;
}

}  // namespace

absl::StatusOr<Model> Client::GetModel(const std::string& name, const std::string& version) const {
  auto metadata = GetModelMetadata(name, version);
  if (!metadata.ok()) return metadata.status();
  auto config = GetModelConfig(name, version);
  if (config.status().code() == absl::StatusCode::kUnimplemented) {
    config = ConfigFromMetadata(*metadata);
  }
  if (!config.ok()) return config.status();
  if (metadata->inputs.empty() || metadata->outputs.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("model '", name, "' declares no input or no output tensor"));
  }
  auto state = std::make_shared<ModelState>();
  state->channel = channel_;
  state->version = version;
  state->metadata = *std::move(metadata);
  state->config = *std::move(config);
  // Metadata shapes include the batch dimension when max_batch_size > 0; keep per-sample shapes.
  auto per_sample = [&](TensorMetadata tensor, const std::vector<TensorMetadata>& config_tensors) {
    if (state->config.max_batch_size > 0 && !tensor.shape.empty()) {
      tensor.shape.erase(tensor.shape.begin());
    }
    for (const TensorMetadata& configured : config_tensors) {
      if (configured.name == tensor.name && !configured.shape.empty()) {
        tensor.shape = configured.shape;
      }
    }
    return tensor;
  };
  state->input = per_sample(state->metadata.inputs.front(), state->config.inputs);
  state->output = per_sample(state->metadata.outputs.front(), state->config.outputs);
  if (internal::ElementBytes(state->input.datatype) == 0) {
    return absl::UnimplementedError(absl::StrCat("model '", name, "' input datatype ",
                                                 state->input.datatype,
                                                 " cannot be sent from float values"));
  }
  return Model(std::move(state));
}

}  // namespace fpgaas
