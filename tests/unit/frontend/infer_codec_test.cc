// DecodeInferRequest / EncodeInferResponse without a server: KServe v2 wire messages against one
// model signature (input "x" FP32 [4], output "y" FP32 [2], max_batch_size 8).
#include "server/frontend/infer_codec.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgaas::frontend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TensorInfo Tensor(const std::string& name, std::vector<int64_t> dims) {
  TensorInfo t;
  t.name = name;
  t.data_type = inference::TYPE_FP32;
  t.element_type = numerics::ElementType::kFp32;
  t.datatype = "FP32";
  t.dims = dims;
  t.elements_per_sample = 1;
  for (int64_t d : dims) t.elements_per_sample *= d;
  return t;
}

std::string Floats(const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

class InferCodecTest : public ::testing::Test {
 protected:
  InferCodecTest() {
    signature_.model_name = "dense";
    signature_.version = 3;
    signature_.max_batch_size = 8;
    signature_.inputs = absl::MakeConstSpan(&input_, 1);
    signature_.outputs = absl::MakeConstSpan(&output_, 1);
  }

  // A valid request of `batch` samples as raw FP32 bytes.
  inference::ModelInferRequest Wire(int batch = 2) {
    inference::ModelInferRequest wire;
    wire.set_model_name("dense");
    wire.set_id("req-7");
    auto* in = wire.add_inputs();
    in->set_name("x");
    in->set_datatype("FP32");
    in->add_shape(batch);
    in->add_shape(4);
    std::vector<float> values;
    for (int i = 0; i < batch * 4; ++i) values.push_back(0.5f * i);
    *wire.add_raw_input_contents() = Floats(values);
    return wire;
  }

  absl::Status Decode(inference::ModelInferRequest& wire) {
    return DecodeInferRequest(signature_, wire, &request_, &options_);
  }

  TensorInfo input_ = Tensor("x", {4});
  TensorInfo output_ = Tensor("y", {2});
  ModelSignature signature_;
  InferenceRequest request_;
  DecodedRequestOptions options_;
};

TEST_F(InferCodecTest, RawRequestIsMovedIntoTheSchedulerRequest) {
  inference::ModelInferRequest wire = Wire(2);
  const std::string raw = wire.raw_input_contents(0);
  auto* p = wire.add_outputs();
  p->set_name("y");
  (*wire.mutable_parameters())["priority"].set_int64_param(2);
  (*wire.mutable_parameters())["timeout"].set_uint64_param(1500);
  ASSERT_TRUE(Decode(wire).ok());
  EXPECT_EQ(request_.id, "req-7");
  EXPECT_EQ(request_.batch_size, 2);
  EXPECT_EQ(request_.input, raw);
  EXPECT_TRUE(wire.raw_input_contents(0).empty());  // moved, not copied
  EXPECT_EQ(request_.input_type, numerics::ElementType::kFp32);
  EXPECT_EQ(request_.output_type, numerics::ElementType::kFp32);
  EXPECT_EQ(request_.priority, 2u);
  EXPECT_EQ(options_.timeout, absl::Microseconds(1500));
}

TEST_F(InferCodecTest, TypedContentsAreConvertedToBytes) {
  inference::ModelInferRequest wire = Wire(1);
  wire.clear_raw_input_contents();
  for (float v : {1.0f, -2.0f, 0.25f, 8.0f}) wire.mutable_inputs(0)->mutable_contents()->add_fp32_contents(v);
  ASSERT_TRUE(Decode(wire).ok());
  EXPECT_EQ(request_.input, Floats({1.0f, -2.0f, 0.25f, 8.0f}));
}

struct BadRequest {
  const char* what;
  void (*edit)(inference::ModelInferRequest&);
  const char* message;
};

class InferCodecRejectsTest : public InferCodecTest,
                              public ::testing::WithParamInterface<BadRequest> {};

TEST_P(InferCodecRejectsTest, WithInvalidArgumentNamingTheProblem) {
  inference::ModelInferRequest wire = Wire(2);
  GetParam().edit(wire);
  absl::Status status = Decode(wire);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << GetParam().what;
  EXPECT_THAT(status.message(), HasSubstr(GetParam().message)) << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, InferCodecRejectsTest,
    ::testing::Values(
        BadRequest{"no input", [](inference::ModelInferRequest& w) { w.clear_inputs(); },
                   "missing input 'x' for model 'dense'"},
        BadRequest{"wrong name",
                   [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->set_name("z"); },
                   "unknown input 'z'"},
        BadRequest{"twice", [](inference::ModelInferRequest& w) { *w.add_inputs() = w.inputs(0); },
                   "is given 2 times"},
        BadRequest{"datatype",
                   [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->set_datatype("INT8"); },
                   "datatype 'INT8' does not match the model's FP32"},
        BadRequest{"rank", [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->add_shape(1); },
                   "has rank 3, the model expects rank 2 [-1,4]"},
        BadRequest{"batch 0",
                   [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->set_shape(0, 0); },
                   "batch dimension 0"},
        BadRequest{"batch over max",
                   [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->set_shape(0, 9); },
                   "must be between 1 and max_batch_size 8"},
        BadRequest{"dims",
                   [](inference::ModelInferRequest& w) { w.mutable_inputs(0)->set_shape(1, 5); },
                   "(dimension 1 is 5, expected 4)"},
        BadRequest{"byte size",
                   [](inference::ModelInferRequest& w) { w.mutable_raw_input_contents(0)->pop_back(); },
                   "raw_input_contents holds 31 bytes"},
        BadRequest{"raw and typed",
                   [](inference::ModelInferRequest& w) {
                     w.mutable_inputs(0)->mutable_contents()->add_fp32_contents(1);
                   },
                   "must not both be given"},
        BadRequest{"no contents",
                   [](inference::ModelInferRequest& w) { w.clear_raw_input_contents(); },
                   "no contents"},
        BadRequest{"wrong typed field",
                   [](inference::ModelInferRequest& w) {
                     w.clear_raw_input_contents();
                     for (int i = 0; i < 8; ++i) w.mutable_inputs(0)->mutable_contents()->add_int_contents(i);
                   },
                   "must be sent in fp32_contents"},
        BadRequest{"NaN",
                   [](inference::ModelInferRequest& w) {
                     float nan = std::numeric_limits<float>::quiet_NaN();
                     std::memcpy(w.mutable_raw_input_contents(0)->data() + 3 * sizeof(float), &nan,
                                 sizeof(float));
                   },
                   "element 3 is NaN or infinite"},
        BadRequest{"unknown output",
                   [](inference::ModelInferRequest& w) { w.add_outputs()->set_name("q"); },
                   "unknown output 'q'"},
        BadRequest{"negative priority",
                   [](inference::ModelInferRequest& w) {
                     (*w.mutable_parameters())["priority"].set_int64_param(-1);
                   },
                   "parameter 'priority' must not be negative"},
        BadRequest{"string timeout",
                   [](inference::ModelInferRequest& w) {
                     (*w.mutable_parameters())["timeout"].set_string_param("5");
                   },
                   "parameter 'timeout' must be an int64 or uint64 parameter"}));

// The non-finite scan looks at blocks of elements at a time: the first NaN or infinity is named
// wherever it sits (first and last element, both sides of block boundaries, two in one block).
TEST_F(InferCodecTest, TheFirstNonFiniteElementIsNamedAnywhereInALargeInput) {
  signature_.max_batch_size = 1024;
  const int batch = 300;  // 1200 elements
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int at : {0, 1, 255, 256, 257, 511, 512, 1000, 1199}) {
    for (float bad : {nan, inf, -inf}) {
      inference::ModelInferRequest wire = Wire(batch);
      std::string& raw = *wire.mutable_raw_input_contents(0);
      std::memcpy(raw.data() + at * sizeof(float), &bad, sizeof(float));
      if (at + 3 < batch * 4) std::memcpy(raw.data() + (at + 3) * sizeof(float), &nan, sizeof(float));
      const absl::Status status = Decode(wire);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(status.message()),
                  HasSubstr(absl::StrCat("element ", at, " is NaN or infinite")))
          << "at " << at;
    }
  }
  inference::ModelInferRequest finite = Wire(batch);
  EXPECT_TRUE(Decode(finite).ok());
}

TEST_F(InferCodecTest, ResponseCarriesTheRequestsOwnBatchAndMovesTheBytes) {
  InferenceResult result;
  result.output = Floats({1, 2, 3, 4, 5, 6});
  inference::ModelInferResponse response;
  ASSERT_TRUE(EncodeInferResponse(signature_, "req-7", 3, result, &response).ok());
  EXPECT_EQ(response.model_name(), "dense");
  EXPECT_EQ(response.model_version(), "3");
  EXPECT_EQ(response.id(), "req-7");
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "y");
  EXPECT_EQ(response.outputs(0).datatype(), "FP32");
  EXPECT_THAT(response.outputs(0).shape(), ElementsAre(3, 2));
  EXPECT_EQ(response.raw_output_contents(0), Floats({1, 2, 3, 4, 5, 6}));

  InferenceResult short_result;
  short_result.output = Floats({1});
  inference::ModelInferResponse bad;
  EXPECT_EQ(EncodeInferResponse(signature_, "r", 3, short_result, &bad).code(),
            absl::StatusCode::kInternal);
}

// EncodeInferResponseWire's bytes and their size, or its status.
absl::StatusOr<std::string> WireResponse(const ModelSignature& signature, std::string_view id,
                                         int batch, const InferenceResult& result,
                                         const std::vector<int>& requested = {}) {
  std::string wire;
  size_t asked = 0;
  absl::Status status =
      EncodeInferResponseWire(signature, id, batch, result, requested, [&](size_t size) {
        asked = size;
        wire.assign(size + 16, '\xee');
        return reinterpret_cast<uint8_t*>(wire.data());
      });
  if (!status.ok()) return status;
  // Exactly `size` bytes written: the guard bytes after them are untouched.
  EXPECT_EQ(wire.substr(asked), std::string(16, '\xee'));
  wire.resize(asked);
  return wire;
}

// The bytes protobuf serializes EncodeInferResponse's message to.
std::string MessageResponse(const ModelSignature& signature, const std::string& id, int batch,
                            InferenceResult result, const std::vector<int>& requested = {}) {
  inference::ModelInferResponse response;
  EXPECT_TRUE(EncodeInferResponse(signature, id, batch, result, &response, requested).ok());
  return response.SerializeAsString();
}

TEST_F(InferCodecTest, WireResponseIsTheSerializedMessage) {
  InferenceResult result;
  result.output = Floats({1, 2, 3, 4, 5, 6});
  EXPECT_EQ(WireResponse(signature_, "req-7", 3, result).value(),
            MessageResponse(signature_, "req-7", 3, result));
  EXPECT_EQ(WireResponse(signature_, "", 3, result).value(),  // no id: the field is absent
            MessageResponse(signature_, "", 3, result));

  // Two outputs, one of them 200 samples x 1 x 2 (multi-byte lengths), asked in reverse order.
  TensorInfo outputs[] = {Tensor("y", {2}), Tensor("z", {1, 2})};
  outputs[1].element_type = numerics::ElementType::kInt32;
  outputs[1].datatype = "INT32";
  signature_.outputs = outputs;
  InferenceResult two;
  two.output = Floats(std::vector<float>(400, 1.5f));
  two.more_outputs = {std::string(1600, '\x07')};
  EXPECT_EQ(WireResponse(signature_, "r", 200, two).value(),
            MessageResponse(signature_, "r", 200, two));
  EXPECT_EQ(WireResponse(signature_, "r", 200, two, {1, 0}).value(),
            MessageResponse(signature_, "r", 200, two, {1, 0}));
  EXPECT_EQ(WireResponse(signature_, "r", 200, two, {1}).value(),
            MessageResponse(signature_, "r", 200, two, {1}));

  signature_.max_batch_size = 0;  // no batch dimension in the shape
  EXPECT_EQ(WireResponse(signature_, "r", 1, two, {1}).status().code(),
            absl::StatusCode::kInternal);  // 1600 bytes are not 1 x 2 INT32
  two.more_outputs = {std::string(8, '\x07')};
  two.output = Floats({1, 2});
  EXPECT_EQ(WireResponse(signature_, "r", 1, two).value(),
            MessageResponse(signature_, "r", 1, two));
}

TEST_F(InferCodecTest, WireResponseFailsLikeTheMessageWithoutAllocating) {
  InferenceResult short_result;
  short_result.output = Floats({1});
  bool allocated = false;
  absl::Status status =
      EncodeInferResponseWire(signature_, "r", 3, short_result, {}, [&](size_t) -> uint8_t* {
        allocated = true;
        return nullptr;
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  inference::ModelInferResponse bad;
  EXPECT_EQ(status, EncodeInferResponse(signature_, "r", 3, short_result, &bad));
  EXPECT_FALSE(allocated);
}

TEST_F(InferCodecTest, UnbatchedModelsTakeShapesWithoutABatchDimension) {
  signature_.max_batch_size = 0;
  EXPECT_THAT(ClientShape(signature_, input_), ElementsAre(4));
  inference::ModelInferRequest wire = Wire(1);
  wire.mutable_inputs(0)->clear_shape();
  wire.mutable_inputs(0)->add_shape(4);
  ASSERT_TRUE(Decode(wire).ok());
  EXPECT_EQ(request_.batch_size, 1);
  signature_.max_batch_size = 8;
  EXPECT_THAT(ClientShape(signature_, input_), ElementsAre(-1, 4));
}

}  // namespace
}  // namespace fpgaas::frontend
