// Checks that a ModelConfig is one Triton reads: parsed (text) or decoded (wire) with a schema that
// has only Triton's fields (triton_model_config.proto), strictly.
#ifndef FPGAAS_TESTS_SUPPORT_TRITON_TRITON_SCHEMA_H_
#define FPGAAS_TESTS_SUPPORT_TRITON_TRITON_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "tests/support/triton/triton_model_config.pb.h"

namespace fpgaas::testing_triton {

// config.pbtxt text parsed as Triton parses it (protobuf TextFormat, unknown fields refused).
// INVALID_ARGUMENT "line L column C: ..." (1-based) naming what Triton would refuse.
absl::Status ParseAsTriton(const std::string& text, triton_schema::ModelConfig* config = nullptr);

// ModelConfig wire bytes decoded with Triton's schema. INVALID_ARGUMENT naming the path of every
// field Triton does not know (a binary decoder keeps those aside silently; Triton's text printer
// and JSON converter then lose them).
absl::Status DecodeAsTriton(const std::string& bytes, triton_schema::ModelConfig* config = nullptr);

// Where `ours` (recursively through its message fields) differs from `triton`: a field Triton
// lacks, or one with another number, type or label. Fields named in `ignored` (full names, e.g.
// "inference.ModelConfig.fpga") are skipped. Empty when every field of ours is Triton's.
std::vector<std::string> SchemaDifferences(const google::protobuf::Descriptor* ours,
                                           const google::protobuf::Descriptor* triton,
                                           const std::vector<std::string>& ignored);

}  // namespace fpgaas::testing_triton

#endif  // FPGAAS_TESTS_SUPPORT_TRITON_TRITON_SCHEMA_H_
