// Writes one gRPC-framed request message (the 5-byte length prefix + the serialized protobuf) to
// stdout, for h2load's -d: h2load then sends it as the body of raw HTTP/2 POSTs, which is a gRPC
// unary call when the headers say content-type: application/grpc and te: trailers.
//
//   grpc_body live                                  ServerLiveRequest (empty)
//   grpc_body infer <model> <input> <values> <batch> ModelInferRequest, FP32 [batch, values] raw
#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "proto/grpc_service.pb.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: grpc_body live | infer <model> <input_name> <values_per_sample> <batch>\n");
  return 2;
}

int Write(const google::protobuf::Message& message) {
  std::string payload;
  if (!message.SerializeToString(&payload)) return 1;
  unsigned char header[5] = {0};  // not compressed, then the big-endian length
  const uint32_t length = htonl(static_cast<uint32_t>(payload.size()));
  std::memcpy(header + 1, &length, 4);
  if (std::fwrite(header, 1, 5, stdout) != 5) return 1;
  if (std::fwrite(payload.data(), 1, payload.size(), stdout) != payload.size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "live") == 0) {
    return Write(inference::ServerLiveRequest());
  }
  if (argc != 6 || std::strcmp(argv[1], "infer") != 0) return Usage();
  const long values = std::strtol(argv[4], nullptr, 10);
  const long batch = std::strtol(argv[5], nullptr, 10);
  if (values < 1 || batch < 1) return Usage();
  inference::ModelInferRequest request;
  request.set_model_name(argv[2]);
  auto* input = request.add_inputs();
  input->set_name(argv[3]);
  input->set_datatype("FP32");
  input->add_shape(batch);
  input->add_shape(values);
  // The same values as server_bench's requests.
  std::vector<float> data(static_cast<size_t>(batch * values));
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i % 13) / 8 - 0.75f;
  request.add_raw_input_contents(
      std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
  return Write(request);
}
