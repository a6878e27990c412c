// SharedMemoryManager and the request-level helpers on real POSIX shared-memory objects (each
// test creates its own and unlinks it). Mappings are counted in /proc/self/maps to check that
// regions are unmapped on unregister, when the last request lets go, and with the manager.
#include "server/frontend/shared_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgaas::frontend {
namespace {

using ::testing::HasSubstr;

// A shared-memory object of `size` bytes, mapped in the test too.
class ShmObject {
 public:
  explicit ShmObject(size_t size) : size_(size) {
    static int counter = 0;
    key_ = absl::StrCat("/fpgaas_shm_unit_", getpid(), "_", counter++);
    const int fd = shm_open(key_.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
    data_ = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    close(fd);
    EXPECT_NE(data_, MAP_FAILED);
  }
  ~ShmObject() {
    munmap(data_, size_);
    shm_unlink(key_.c_str());
  }
  const std::string& key() const { return key_; }
  char* data() { return data_; }

  // Mappings of this object in this process (the test's own counts one).
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

 private:
  std::string key_;
  size_t size_;
  char* data_ = nullptr;
};

SharedMemoryManager Allowed() { return SharedMemoryManager(SharedMemoryOptions{true, 1024}); }

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

template <typename Tensor>
void UseRegion(Tensor* tensor, const std::string& region, int64_t byte_size, int64_t offset = -1) {
  (*tensor->mutable_parameters())["shared_memory_region"] = Str(region);
  (*tensor->mutable_parameters())["shared_memory_byte_size"] = Int(byte_size);
  if (offset >= 0) (*tensor->mutable_parameters())["shared_memory_offset"] = Int(offset);
}

inference::ModelInferRequest FloatRequest(const std::string& input, std::vector<int64_t> shape) {
  inference::ModelInferRequest wire;
  wire.set_model_name("m");
  auto* in = wire.add_inputs();
  in->set_name(input);
  in->set_datatype("FP32");
  for (int64_t d : shape) in->add_shape(d);
  return wire;
}

TEST(SharedMemoryManagerTest, DisabledRefusesRegisterAndUnregisterLikeTriton) {
  ShmObject object(64);
  SharedMemoryManager manager;
  absl::Status s = manager.Register("r", object.key(), 0, 64);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(s.message(), HasSubstr("--allow-client-shm=true"));
  EXPECT_EQ(manager.Unregister("").code(), absl::StatusCode::kUnimplemented);
  // Status still answers (nothing registered).
  inference::SystemSharedMemoryStatusResponse status;
  EXPECT_TRUE(manager.SystemStatus({}, &status).ok());
  EXPECT_EQ(status.regions_size(), 0);
  EXPECT_EQ(object.Mappings(), 1);
}

TEST(SharedMemoryManagerTest, RegisterMapsStatusReportsUnregisterUnmaps) {
  ShmObject object(8192);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("a", object.key(), 0, 100).ok());
  // An offset that is not page-aligned (mmap needs aligned ones) still lands on the right byte.
  ASSERT_TRUE(manager.Register("b", object.key(), 4099, 50).ok());
  EXPECT_EQ(object.Mappings(), 3);
  std::memcpy(object.data() + 4099, "hello", 5);
  absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> b = manager.Get("b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::string((*b)->data(), 5), "hello");
  b->reset();

  inference::SystemSharedMemoryStatusResponse status;
  ASSERT_TRUE(manager.SystemStatus({}, &status).ok());
  ASSERT_EQ(status.regions_size(), 2);
  EXPECT_EQ(status.regions().at("b").key(), object.key());
  EXPECT_EQ(status.regions().at("b").offset(), 4099u);
  EXPECT_EQ(status.regions().at("b").byte_size(), 50u);
  inference::SystemSharedMemoryStatusRequest one;
  one.set_name("a");
  inference::SystemSharedMemoryStatusResponse only_a;
  ASSERT_TRUE(manager.SystemStatus(one, &only_a).ok());
  ASSERT_EQ(only_a.regions_size(), 1);
  EXPECT_EQ(only_a.regions().at("a").byte_size(), 100u);

  ASSERT_TRUE(manager.Unregister("a").ok());
  EXPECT_EQ(object.Mappings(), 2);
  EXPECT_EQ(manager.Get("a").status().code(), absl::StatusCode::kNotFound);
  inference::SystemSharedMemoryStatusResponse gone;
  absl::Status s = manager.SystemStatus(one, &gone);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "Unable to find system shared memory region: 'a'");
  // Unregistering what is not registered is OK (Triton); "" unregisters everything.
  EXPECT_TRUE(manager.Unregister("a").ok());
  EXPECT_TRUE(manager.Unregister("").ok());
  EXPECT_EQ(manager.size(), 0u);
  EXPECT_EQ(object.Mappings(), 1);
}

TEST(SharedMemoryManagerTest, RegisterErrorsArePrecise) {
  ShmObject object(64);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("r", object.key(), 0, 64).ok());
  absl::Status twice = manager.Register("r", object.key(), 0, 8);
  EXPECT_EQ(twice.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(twice.message(), "shared memory region 'r' already in manager");

  absl::Status missing = manager.Register("x", "/fpgaas_no_such_object_at_all", 0, 8);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(),
              HasSubstr("Unable to open shared memory region: '/fpgaas_no_such_object_at_all'"));

  absl::Status beyond = manager.Register("x", object.key(), 60, 8);
  EXPECT_EQ(beyond.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(beyond.message(),
              HasSubstr("offset 60 + byte_size 8 exceed the 64 bytes of shared memory object"));

  absl::Status overflow = manager.Register("x", object.key(), UINT64_MAX, 2);
  EXPECT_EQ(overflow.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(overflow.message(), HasSubstr("overflows"));

  EXPECT_EQ(manager.Register("x", "///", 0, 8).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager.Register("x", "", 0, 8).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager.Register("x", object.key(), 0, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager.Register("", object.key(), 0, 8).code(), absl::StatusCode::kInvalidArgument);

  // A name full of control bytes is escaped and cut in the message.
  const std::string hostile = std::string("\x1b[31m") + std::string(500, 'n');
  absl::Status escaped = manager.Register(hostile, "/fpgaas_no_such_object_at_all", 0, 8);
  EXPECT_THAT(escaped.message(), ::testing::Not(HasSubstr("\x1b")));

  SharedMemoryManager small(SharedMemoryOptions{true, 1});
  ASSERT_TRUE(small.Register("one", object.key(), 0, 8).ok());
  EXPECT_EQ(small.Register("two", object.key(), 0, 8).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(object.Mappings(), 3);  // the test's, "r", "one": failures map nothing
}

TEST(SharedMemoryManagerTest, HeldRegionOutlivesUnregisterAndManager) {
  ShmObject object(64);
  std::shared_ptr<const SharedMemoryRegion> held;
  {
    SharedMemoryManager manager = Allowed();
    ASSERT_TRUE(manager.Register("r", object.key(), 0, 64).ok());
    held = *manager.Get("r");
    ASSERT_TRUE(manager.Unregister("r").ok());
    EXPECT_EQ(manager.Get("r").status().code(), absl::StatusCode::kNotFound);
    // Re-registering the name while a request still holds the old mapping is fine.
    ASSERT_TRUE(manager.Register("r", object.key(), 0, 32).ok());
    EXPECT_EQ(object.Mappings(), 3);
  }
  // The manager is gone (its own regions unmapped); the held one is still usable.
  EXPECT_EQ(object.Mappings(), 2);
  std::memcpy(held->data(), "ok", 2);
  EXPECT_EQ(std::string(object.data(), 2), "ok");
  held.reset();
  EXPECT_EQ(object.Mappings(), 1);
}

// A client that shrinks its object after registering would make the server's next access SIGBUS
// (the process dies); the access is refused instead.
TEST(SharedMemoryRequestTest, ShrunkObjectIsRefusedNotTouched) {
  ShmObject object(8192);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("r", object.key(), 4096, 4096).ok());
  inference::ModelInferRequest wire = FloatRequest("x", {1, 4});
  UseRegion(wire.mutable_inputs(0), "r", 16, 100);
  auto* y = wire.add_outputs();
  y->set_name("y");
  UseRegion(y, "r", 16, 200);
  absl::StatusOr<std::vector<SharedMemoryOutput>> outputs = SharedMemoryOutputs(&manager, wire);
  ASSERT_TRUE(outputs.ok());
  const int fd = shm_open(object.key().c_str(), O_RDWR, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 4096), 0);
  close(fd);
  absl::Status read = ReadSharedMemoryInputs(&manager, wire);
  EXPECT_EQ(read.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(read.message(), absl::StrCat("shared memory region 'r': its object '", object.key(),
                                         "' shrank to 4096 bytes, the region needs 4212"));
  inference::ModelInferResponse response;
  response.add_outputs()->set_name("y");
  response.add_raw_output_contents(std::string(8, 'y'));
  EXPECT_EQ(WriteSharedMemoryOutputs(*outputs, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SharedMemoryManagerTest, CudaShmHasNothingToRegister) {
  SharedMemoryManager manager = Allowed();
  inference::CudaSharedMemoryStatusResponse status;
  EXPECT_TRUE(manager.CudaStatus({}, &status).ok());
  inference::CudaSharedMemoryStatusRequest named;
  named.set_name("g");
  EXPECT_EQ(manager.CudaStatus(named, &status).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(manager.CudaRegister({}).code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(manager.CudaUnregister({}).ok());
}

TEST(SharedMemoryRequestTest, InputsAreCopiedInTritonsRawOrder) {
  ShmObject object(256);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("in", object.key(), 16, 128).ok());
  const float values[4] = {1.5f, -2.f, 3.25f, 0.f};
  std::memcpy(object.data() + 16 + 8, values, sizeof(values));
  // Input 0 raw, input 1 from shared memory (offset 8 in the region), input 2 raw: the two
  // raw_input_contents entries belong to inputs 0 and 2.
  inference::ModelInferRequest wire = FloatRequest("a", {1, 1});
  auto* b = wire.add_inputs();
  b->set_name("b");
  b->set_datatype("FP32");
  b->add_shape(1);
  b->add_shape(4);
  UseRegion(b, "in", 16, 8);
  auto* c = wire.add_inputs();
  c->set_name("c");
  c->set_datatype("INT8");
  c->add_shape(2);
  wire.add_raw_input_contents("AAAA");
  wire.add_raw_input_contents("CC");
  ASSERT_TRUE(UsesSharedMemory(wire));
  ASSERT_TRUE(ReadSharedMemoryInputs(&manager, wire).ok());
  ASSERT_EQ(wire.raw_input_contents_size(), 3);
  EXPECT_EQ(wire.raw_input_contents(0), "AAAA");
  EXPECT_EQ(wire.raw_input_contents(1), std::string(reinterpret_cast<const char*>(values), 16));
  EXPECT_EQ(wire.raw_input_contents(2), "CC");
  EXPECT_TRUE(wire.inputs(1).parameters().empty());
  EXPECT_FALSE(UsesSharedMemory(wire));

  // No shared memory: the request is left alone.
  inference::ModelInferRequest plain = FloatRequest("a", {1});
  plain.add_raw_input_contents("1234");
  ASSERT_TRUE(ReadSharedMemoryInputs(&manager, plain).ok());
  EXPECT_EQ(plain.raw_input_contents(0), "1234");
}

TEST(SharedMemoryRequestTest, InputErrorsArePrecise) {
  ShmObject object(64);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("in", object.key(), 0, 64).ok());
  struct Case {
    std::string what;
    std::function<void(inference::ModelInferRequest&)> edit;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown region", [](auto& w) { UseRegion(w.mutable_inputs(0), "nope", 16); },
       absl::StatusCode::kNotFound, "Unable to find shared memory region: 'nope'"},
      {"beyond the region", [](auto& w) { UseRegion(w.mutable_inputs(0), "in", 16, 56); },
       absl::StatusCode::kInvalidArgument,
       "input 'x': shared_memory_offset 56 + shared_memory_byte_size 16 exceed shared memory "
       "region 'in' (64 bytes)"},
      {"offset outside", [](auto& w) { UseRegion(w.mutable_inputs(0), "in", 16, 64); },
       absl::StatusCode::kInvalidArgument,
       "input 'x': shared_memory_offset 64 is outside shared memory region 'in' (64 bytes)"},
      {"size does not match the shape", [](auto& w) { UseRegion(w.mutable_inputs(0), "in", 12); },
       absl::StatusCode::kInvalidArgument,
       "input 'x': shared_memory_byte_size 12 does not match shape [1,4] of FP32 (16 bytes)"},
      {"no byte size",
       [](auto& w) {
         (*w.mutable_inputs(0)->mutable_parameters())["shared_memory_region"] = Str("in");
       },
       absl::StatusCode::kInvalidArgument,
       "'shared_memory_byte_size' must be specified along with 'shared_memory_region' parameter "
       "for tensor 'x'"},
      {"offset without region",
       [](auto& w) { (*w.mutable_inputs(0)->mutable_parameters())["shared_memory_offset"] = Int(0); },
       absl::StatusCode::kInvalidArgument,
       "'shared_memory_offset' can not be specified without 'shared_memory_region' parameter for "
       "tensor 'x'"},
      {"region not a string",
       [](auto& w) {
         UseRegion(w.mutable_inputs(0), "in", 16);
         (*w.mutable_inputs(0)->mutable_parameters())["shared_memory_region"] = Int(3);
       },
       absl::StatusCode::kInvalidArgument,
       "invalid value type for 'shared_memory_region' parameter for tensor 'x', expected "
       "string_param."},
      {"negative offset", [](auto& w) {
         UseRegion(w.mutable_inputs(0), "in", 16);
         (*w.mutable_inputs(0)->mutable_parameters())["shared_memory_offset"] = Int(-4);
       },
       absl::StatusCode::kInvalidArgument,
       "parameter 'shared_memory_offset' of tensor 'x' must not be negative, got -4"},
      {"contents as well",
       [](auto& w) {
         UseRegion(w.mutable_inputs(0), "in", 16);
         w.mutable_inputs(0)->mutable_contents()->add_fp32_contents(1);
       },
       absl::StatusCode::kInvalidArgument,
       "unexpected 'content' provided when using shared memory for input tensor 'x' for model "
       "'m'"},
      {"raw contents for no input",
       [](auto& w) {
         UseRegion(w.mutable_inputs(0), "in", 16);
         w.add_raw_input_contents("x");
       },
       absl::StatusCode::kInvalidArgument,
       "raw_input_contents has 1 entries, but only 0 inputs take raw contents (the others use "
       "shared memory)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    inference::ModelInferRequest wire = FloatRequest("x", {1, 4});
    c.edit(wire);
    absl::Status s = ReadSharedMemoryInputs(&manager, wire);
    EXPECT_EQ(s.code(), c.code);
    EXPECT_EQ(s.message(), c.message);
  }
  // The model's largest input bounds what a request can make the server copy.
  inference::ModelInferRequest big = FloatRequest("x", {1, 16});
  UseRegion(big.mutable_inputs(0), "in", 64);
  absl::Status s = ReadSharedMemoryInputs(&manager, big, 32);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "input 'x': shared_memory_byte_size 64 exceeds the 32 bytes of the largest input "
            "model 'm' takes");
  // No manager: nothing can be found.
  inference::ModelInferRequest none = FloatRequest("x", {1, 4});
  UseRegion(none.mutable_inputs(0), "in", 16);
  EXPECT_EQ(ReadSharedMemoryInputs(nullptr, none).code(), absl::StatusCode::kNotFound);
}

TEST(SharedMemoryRequestTest, OutputsAreCheckedHeldAndWritten) {
  ShmObject object(64);
  SharedMemoryManager manager = Allowed();
  ASSERT_TRUE(manager.Register("out", object.key(), 32, 32).ok());
  inference::ModelInferRequest wire = FloatRequest("x", {1});
  auto* y = wire.add_outputs();
  y->set_name("y");
  UseRegion(y, "out", 8, 4);
  wire.add_outputs()->set_name("z");  // not in shared memory
  absl::StatusOr<std::vector<SharedMemoryOutput>> outputs = SharedMemoryOutputs(&manager, wire);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_TRUE(CheckSharedMemoryOutputSize((*outputs)[0], 8).ok());
  absl::Status small = CheckSharedMemoryOutputSize((*outputs)[0], 12);
  EXPECT_EQ(small.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(small.message(),
            "shared memory size specified with the request for output 'y' (8 bytes) should be at "
            "least 12 bytes to hold the results");

  // Unregistered while the request runs: the write still lands in the (held) mapping.
  ASSERT_TRUE(manager.Unregister("out").ok());
  EXPECT_EQ(object.Mappings(), 2);
  inference::ModelInferResponse response;
  response.add_outputs()->set_name("z");
  response.add_raw_output_contents("zz");
  response.add_outputs()->set_name("y");
  response.add_raw_output_contents("12345678");
  ASSERT_TRUE(WriteSharedMemoryOutputs(*outputs, &response).ok());
  EXPECT_EQ(std::string(object.data() + 36, 8), "12345678");
  EXPECT_EQ(response.raw_output_contents(0), "zz");
  EXPECT_EQ(response.raw_output_contents(1), "");
  outputs->clear();
  EXPECT_EQ(object.Mappings(), 1);

  inference::ModelInferRequest unknown = FloatRequest("x", {1});
  UseRegion(unknown.add_outputs(), "out", 8);
  unknown.mutable_outputs(0)->set_name("y");
  EXPECT_EQ(SharedMemoryOutputs(&manager, unknown).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fpgaas::frontend
