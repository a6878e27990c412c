// Triton's system shared-memory extension ("system_shared_memory"): clients on the same host put
// input tensors in, and get output tensors back through, POSIX shared-memory objects they
// registered, instead of sending the bytes over gRPC or HTTP.
//
// SharedMemoryManager holds the registered regions. Register shm_open()s the client's key and
// mmap()s `byte_size` bytes at `offset` of it (any offset: the mapping starts at the page below);
// Unregister drops a region from the registry; its mapping is unmapped once no request holds it any
// more (requests hold a region from their start until their answer is written), so an unregister
// racing an inference is safe. Destroying the manager (server shutdown) drops every region.
//
// The request-level helpers apply Triton's tensor parameters "shared_memory_region" (string),
// "shared_memory_byte_size" (int64, required with a region) and "shared_memory_offset" (int64,
// default 0, relative to the region) to a ModelInferRequest: an input's bytes are copied out of
// its region into raw_input_contents (raw_input_contents entries the client sent belong, in order,
// to the inputs that use neither shared memory nor typed contents, as in Triton); a requested
// output's region is checked and held, and after the inference the output bytes are written there
// and its raw_output_contents entry left empty (the entry stays, so indices match the outputs).
//
// Errors: unknown region NOT_FOUND; offsets, sizes, parameter types, a key that is empty or does not
// fit INVALID_ARGUMENT; registering a name twice ALREADY_EXISTS; a key that cannot be opened
// NOT_FOUND / PERMISSION_DENIED (Triton says INTERNAL); register and unregister while client shared
// memory is disabled UNIMPLEMENTED with Triton's message. Names and keys in messages go through
// Quoted(). Thread-safe.
#ifndef FPGAAS_SERVER_FRONTEND_SHARED_MEMORY_H_
#define FPGAAS_SERVER_FRONTEND_SHARED_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "proto/grpc_service.pb.h"

namespace fpgaas::frontend {

inline constexpr char kSystemSharedMemoryExtension[] = "system_shared_memory";

struct SharedMemoryOptions {
  // Triton's --allow-client-shm (off by default there too): a client that may register a key can
  // read and write every shared-memory object the server's user can open.
  bool allow_client_shm = false;
  size_t max_regions = 1024;  // further registrations are RESOURCE_EXHAUSTED
};

// One registered, mapped region. Unmapped when the last holder lets go.
class SharedMemoryRegion {
 public:
  // Takes ownership of `fd` (the object, kept open for CheckSize) and of the mapping.
  SharedMemoryRegion(std::string name, std::string key, uint64_t offset, uint64_t byte_size,
                     int fd, void* mapping, size_t mapping_length, char* data);
  ~SharedMemoryRegion();
  SharedMemoryRegion(const SharedMemoryRegion&) = delete;
  SharedMemoryRegion& operator=(const SharedMemoryRegion&) = delete;

  const std::string& name() const { return name_; }
  const std::string& key() const { return key_; }
  uint64_t offset() const { return offset_; }
  uint64_t byte_size() const { return byte_size_; }
  // The region's first byte (offset() into the object). Clients may write it concurrently.
  char* data() const { return data_; }
  // Touching mapped bytes beyond the object's end raises SIGBUS (the process dies), and the client
  // may shrink its object after registering it: call this right before touching
  // [offset, offset + size) of the region. INVALID_ARGUMENT when the object no longer covers it
  // (a client shrinking it between this check and the access is not caught).
  absl::Status CheckSize(uint64_t offset, uint64_t size) const;

 private:
  const std::string name_;
  const std::string key_;
  const uint64_t offset_;
  const uint64_t byte_size_;
  const int fd_;
  void* const mapping_;
  const size_t mapping_length_;
  char* const data_;
};

class SharedMemoryManager {
 public:
  explicit SharedMemoryManager(SharedMemoryOptions options = {});
  ~SharedMemoryManager();
  SharedMemoryManager(const SharedMemoryManager&) = delete;
  SharedMemoryManager& operator=(const SharedMemoryManager&) = delete;

  bool allow_client_shm() const { return options_.allow_client_shm; }

  absl::Status Register(const std::string& name, const std::string& key, uint64_t offset,
                        uint64_t byte_size);
  // Empty name: every region. A name that is not registered is OK (as in Triton).
  absl::Status Unregister(const std::string& name);
  // The region `name`, held for as long as the caller keeps the pointer.
  absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> Get(const std::string& name) const;
  // Empty name: every region, by name; else the one region or NOT_FOUND.
  absl::StatusOr<std::vector<std::shared_ptr<const SharedMemoryRegion>>> Status(
      const std::string& name) const;
  size_t size() const;

  // The KServe messages (gRPC and HTTP decode into these).
  absl::Status SystemStatus(const inference::SystemSharedMemoryStatusRequest& request,
                            inference::SystemSharedMemoryStatusResponse* response) const;
  absl::Status SystemRegister(const inference::SystemSharedMemoryRegisterRequest& request);
  absl::Status SystemUnregister(const inference::SystemSharedMemoryUnregisterRequest& request);
  // fpgaasd has no CUDA memory: nothing is ever registered there (status of all: empty; of one:
  // NOT_FOUND; register: UNIMPLEMENTED; unregister: OK).
  absl::Status CudaStatus(const inference::CudaSharedMemoryStatusRequest& request,
                          inference::CudaSharedMemoryStatusResponse* response) const;
  absl::Status CudaRegister(const inference::CudaSharedMemoryRegisterRequest& request);
  absl::Status CudaUnregister(const inference::CudaSharedMemoryUnregisterRequest& request);

 private:
  const SharedMemoryOptions options_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const SharedMemoryRegion>> regions_ ABSL_GUARDED_BY(mu_);
};

// A requested output that goes to shared memory: where its bytes are written.
struct SharedMemoryOutput {
  std::string name;
  std::shared_ptr<const SharedMemoryRegion> region;
  uint64_t offset = 0;
  uint64_t byte_size = 0;
};

// True when any input or requested output of `wire` names a shared-memory region.
bool UsesSharedMemory(const inference::ModelInferRequest& wire);

// Copies every shared-memory input's bytes into `wire`'s raw_input_contents (one entry per input
// afterwards, unless no input uses shared memory: then `wire` is unchanged) and removes the
// shared-memory parameters. `manager` may be null (then any use of shared memory is NOT_FOUND).
// An input's byte size must equal what its declared shape and datatype need, and be at most
// `max_input_bytes` (what the model's largest request carries; 0 = no bound) before anything is
// copied.
absl::Status ReadSharedMemoryInputs(const SharedMemoryManager* manager,
                                    inference::ModelInferRequest& wire,
                                    uint64_t max_input_bytes = 0);

// The requested outputs of `wire` that go to shared memory, checked against their regions.
absl::StatusOr<std::vector<SharedMemoryOutput>> SharedMemoryOutputs(
    const SharedMemoryManager* manager, const inference::ModelInferRequest& wire);

// INVALID_ARGUMENT when `output`'s byte size cannot hold `needed` bytes (Triton's message).
absl::Status CheckSharedMemoryOutputSize(const SharedMemoryOutput& output, uint64_t needed);

// Writes each listed output of `response` to its region and empties its raw_output_contents entry.
absl::Status WriteSharedMemoryOutputs(const std::vector<SharedMemoryOutput>& outputs,
                                      inference::ModelInferResponse* response);

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_SHARED_MEMORY_H_
