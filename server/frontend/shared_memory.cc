#include "server/frontend/shared_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/numerics/tensor_packing.h"
#include "server/util/text.h"

namespace fpgaas::frontend {
namespace {

constexpr char kRegionParameter[] = "shared_memory_region";
constexpr char kByteSizeParameter[] = "shared_memory_byte_size";
constexpr char kOffsetParameter[] = "shared_memory_offset";

constexpr char kClientShmDisabled[] =
    "Client shared memory is disabled. Start the server with '--allow-client-shm=true' to enable.";

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

absl::Status OpenError(int error, const std::string& key) {
  const std::string message = absl::StrCat("Unable to open shared memory region: '", Quoted(key),
                                           "' (", std::strerror(error), ")");
  switch (error) {
    case ENOENT: return absl::NotFoundError(message);
    case EACCES:
    case EPERM: return absl::PermissionDeniedError(message);
    case EMFILE:
    case ENFILE: return absl::ResourceExhaustedError(message);
    default: return absl::InvalidArgumentError(message);
  }
}

// A tensor's shared-memory parameters (Triton's ParseSharedMemoryParams, same messages).
struct TensorShm {
  std::string region;
  int64_t offset = 0;
  int64_t byte_size = 0;
};

bool HasShmParameter(const google::protobuf::Map<std::string, inference::InferParameter>& p) {
  // Most tensors have no parameters: no key hashed (three lookups per tensor otherwise).
  return !p.empty() && (p.count(kRegionParameter) > 0 || p.count(kByteSizeParameter) > 0 ||
                        p.count(kOffsetParameter) > 0);
}

absl::StatusOr<int64_t> IntegerParameter(const inference::InferParameter& p, const char* key,
                                         const std::string& tensor) {
  int64_t value = 0;
  if (p.parameter_choice_case() == inference::InferParameter::kInt64Param) {
    value = p.int64_param();
  } else if (p.parameter_choice_case() == inference::InferParameter::kUint64Param &&
             p.uint64_param() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    value = static_cast<int64_t>(p.uint64_param());
  } else {
    return absl::InvalidArgumentError(absl::StrCat("invalid value type for '", key,
                                                   "' parameter for tensor '", Quoted(tensor),
                                                   "', expected int64_param."));
  }
  if (value < 0) {
    return absl::InvalidArgumentError(absl::StrCat("parameter '", key, "' of tensor '",
                                                   Quoted(tensor), "' must not be negative, got ",
                                                   value));
  }
  return value;
}

// nullopt: the tensor does not use shared memory.
template <typename Tensor>
absl::StatusOr<std::optional<TensorShm>> ParseTensorShm(const Tensor& tensor) {
  const auto& parameters = tensor.parameters();
  if (!HasShmParameter(parameters)) return std::optional<TensorShm>();
  TensorShm shm;
  auto region = parameters.find(kRegionParameter);
  const bool has_region = region != parameters.end();
  if (has_region) {
    if (region->second.parameter_choice_case() != inference::InferParameter::kStringParam) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid value type for 'shared_memory_region' parameter for tensor '",
          Quoted(tensor.name()), "', expected string_param."));
    }
    shm.region = region->second.string_param();
  }
  for (const char* key : {kOffsetParameter, kByteSizeParameter}) {
    auto it = parameters.find(key);
    if (it == parameters.end()) continue;
    if (!has_region) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", key, "' can not be specified without 'shared_memory_region' parameter for tensor '",
          Quoted(tensor.name()), "'"));
    }
    absl::StatusOr<int64_t> value = IntegerParameter(it->second, key, tensor.name());
    if (!value.ok()) return value.status();
    (key == kOffsetParameter ? shm.offset : shm.byte_size) = *value;
  }
  if (parameters.count(kByteSizeParameter) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'shared_memory_byte_size' must be specified along with 'shared_memory_region' "
        "parameter for tensor '",
        Quoted(tensor.name()), "'"));
  }
  return std::optional<TensorShm>(std::move(shm));
}

// The region of `shm`, checked to hold [offset, offset + byte_size).
absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> Slice(const SharedMemoryManager* manager,
                                                                const TensorShm& shm,
                                                                const char* what,
                                                                const std::string& tensor) {
  if (manager == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("Unable to find shared memory region: '", Quoted(shm.region), "'"));
  }
  absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> region = manager->Get(shm.region);
  if (!region.ok()) return region.status();
  const uint64_t size = (*region)->byte_size();
  const uint64_t offset = static_cast<uint64_t>(shm.offset);
  const uint64_t byte_size = static_cast<uint64_t>(shm.byte_size);
  if (offset >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " '", Quoted(tensor), "': shared_memory_offset ", offset,
        " is outside shared memory region '", Quoted(shm.region), "' (", size, " bytes)"));
  }
  if (byte_size > size - offset) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " '", Quoted(tensor), "': shared_memory_offset ", offset,
        " + shared_memory_byte_size ", byte_size, " exceed shared memory region '",
        Quoted(shm.region), "' (", size, " bytes)"));
  }
  return region;
}

// Bytes the input's own shape and datatype need; nullopt when either cannot say (the codec
// reports a bad shape or datatype against the model).
std::optional<uint64_t> DeclaredBytes(const inference::ModelInferRequest::InferInputTensor& input) {
  std::optional<numerics::ElementType> type = numerics::ElementTypeFromName(input.datatype());
  if (!type.has_value()) return std::nullopt;
  uint64_t bytes = static_cast<uint64_t>(numerics::ElementSize(*type));
  for (int64_t d : input.shape()) {
    if (d < 0 || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) {
      return std::nullopt;
    }
  }
  return bytes;
}

std::string ShapeText(const inference::ModelInferRequest::InferInputTensor& input) {
  if (input.shape_size() <= 8) return absl::StrCat("[", absl::StrJoin(input.shape(), ","), "]");
  return absl::StrCat("[", absl::StrJoin(input.shape().begin(), input.shape().begin() + 8, ","),
                      ",...(", input.shape_size(), " dimensions)]");
}

}  // namespace

SharedMemoryRegion::SharedMemoryRegion(std::string name, std::string key, uint64_t offset,
                                       uint64_t byte_size, int fd, void* mapping,
                                       size_t mapping_length, char* data)
    : name_(std::move(name)),
      key_(std::move(key)),
      offset_(offset),
      byte_size_(byte_size),
      fd_(fd),
      mapping_(mapping),
      mapping_length_(mapping_length),
      data_(data) {}

SharedMemoryRegion::~SharedMemoryRegion() {
  munmap(mapping_, mapping_length_);
  close(fd_);
}

absl::Status SharedMemoryRegion::CheckSize(uint64_t offset, uint64_t size) const {
  struct stat st {};
  if (fstat(fd_, &st) != 0) {
    return absl::InternalError(absl::StrCat("shared memory region '", Quoted(name_),
                                            "': fstat: ", std::strerror(errno)));
  }
  const uint64_t end = offset_ + offset + size;  // within byte_size_: no overflow
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) < end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shared memory region '", Quoted(name_), "': its object '", Quoted(key_), "' shrank to ",
        static_cast<int64_t>(st.st_size), " bytes, the region needs ", end));
  }
  return absl::OkStatus();
}

SharedMemoryManager::SharedMemoryManager(SharedMemoryOptions options) : options_(options) {}

SharedMemoryManager::~SharedMemoryManager() {
  // Requests still holding a region unmap it when they finish.
  absl::MutexLock lock(&mu_);
  regions_.clear();
}

absl::Status SharedMemoryManager::Register(const std::string& name, const std::string& key,
                                           uint64_t offset, uint64_t byte_size) {
  if (!options_.allow_client_shm) return absl::UnimplementedError(kClientShmDisabled);
  if (name.empty()) {
    return absl::InvalidArgumentError("a shared memory region to register needs a name");
  }
  if (key.find_first_not_of('/') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("cannot register shared memory region '",
                                                   Quoted(name), "' - invalid shm key '",
                                                   Quoted(key), "'"));
  }
  if (byte_size == 0) {
    return absl::InvalidArgumentError(absl::StrCat("failed to register shared memory region '",
                                                   Quoted(name), "': byte_size must be positive"));
  }
  uint64_t end = 0;
  if (__builtin_add_overflow(offset, byte_size, &end) ||
      end > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
    return absl::InvalidArgumentError(absl::StrCat("failed to register shared memory region '",
                                                   Quoted(name), "': offset ", offset,
                                                   " + byte_size ", byte_size, " overflows"));
  }
  absl::MutexLock lock(&mu_);
  if (regions_.contains(name)) {
    return absl::AlreadyExistsError(
        absl::StrCat("shared memory region '", Quoted(name), "' already in manager"));
  }
  if (regions_.size() >= options_.max_regions) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot register shared memory region '", Quoted(name), "': ",
                     regions_.size(), " regions are registered, the most this server allows"));
  }
  Fd fd{shm_open(key.c_str(), O_RDWR | O_CLOEXEC, 0)};
  if (fd.fd < 0) return OpenError(errno, key);
  struct stat st {};
  if (fstat(fd.fd, &st) != 0) {
    return absl::InternalError(absl::StrCat("Invalid shared memory region: '", Quoted(key),
                                            "' (", std::strerror(errno), ")"));
  }
  if (st.st_size < 0 || end > static_cast<uint64_t>(st.st_size)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "failed to register shared memory region '", Quoted(name), "': offset ", offset,
        " + byte_size ", byte_size, " exceed the ", static_cast<int64_t>(st.st_size),
        " bytes of shared memory object '", Quoted(key), "'"));
  }
  // mmap's offset must be page-aligned; Triton's clients may give any.
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t map_offset = offset - offset % page;
  const size_t length = static_cast<size_t>(end - map_offset);
  void* mapping = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd.fd,
                       static_cast<off_t>(map_offset));
  if (mapping == MAP_FAILED) {
    return absl::InvalidArgumentError(absl::StrCat("failed to register shared memory region '",
                                                   Quoted(name), "': mmap of '", Quoted(key),
                                                   "': ", std::strerror(errno)));
  }
  regions_.emplace(name, std::make_shared<const SharedMemoryRegion>(
                             name, key, offset, byte_size, std::exchange(fd.fd, -1), mapping,
                             length, static_cast<char*>(mapping) + (offset - map_offset)));
  return absl::OkStatus();
}

absl::Status SharedMemoryManager::Unregister(const std::string& name) {
  if (!options_.allow_client_shm) return absl::UnimplementedError(kClientShmDisabled);
  absl::MutexLock lock(&mu_);
  if (name.empty()) {
    regions_.clear();
  } else {
    regions_.erase(name);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> SharedMemoryManager::Get(
    const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = regions_.find(name);
  if (it == regions_.end()) {
    return absl::NotFoundError(
        absl::StrCat("Unable to find shared memory region: '", Quoted(name), "'"));
  }
  return it->second;
}

absl::StatusOr<std::vector<std::shared_ptr<const SharedMemoryRegion>>> SharedMemoryManager::Status(
    const std::string& name) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<const SharedMemoryRegion>> out;
  if (name.empty()) {
    for (const auto& [unused, region] : regions_) out.push_back(region);
    return out;
  }
  auto it = regions_.find(name);
  if (it == regions_.end()) {
    return absl::NotFoundError(
        absl::StrCat("Unable to find system shared memory region: '", Quoted(name), "'"));
  }
  out.push_back(it->second);
  return out;
}

size_t SharedMemoryManager::size() const {
  absl::MutexLock lock(&mu_);
  return regions_.size();
}

absl::Status SharedMemoryManager::SystemStatus(
    const inference::SystemSharedMemoryStatusRequest& request,
    inference::SystemSharedMemoryStatusResponse* response) const {
  absl::StatusOr<std::vector<std::shared_ptr<const SharedMemoryRegion>>> regions =
      Status(request.name());
  if (!regions.ok()) return regions.status();
  for (const auto& region : *regions) {
    auto& entry = (*response->mutable_regions())[region->name()];
    entry.set_name(region->name());
    entry.set_key(region->key());
    entry.set_offset(region->offset());
    entry.set_byte_size(region->byte_size());
  }
  return absl::OkStatus();
}

absl::Status SharedMemoryManager::SystemRegister(
    const inference::SystemSharedMemoryRegisterRequest& request) {
  return Register(request.name(), request.key(), request.offset(), request.byte_size());
}

absl::Status SharedMemoryManager::SystemUnregister(
    const inference::SystemSharedMemoryUnregisterRequest& request) {
  return Unregister(request.name());
}

absl::Status SharedMemoryManager::CudaStatus(const inference::CudaSharedMemoryStatusRequest& request,
                                             inference::CudaSharedMemoryStatusResponse*) const {
  if (request.name().empty()) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("Unable to find cuda shared memory region: '",
                                          Quoted(request.name()), "'"));
}

absl::Status SharedMemoryManager::CudaRegister(const inference::CudaSharedMemoryRegisterRequest&) {
  if (!options_.allow_client_shm) return absl::UnimplementedError(kClientShmDisabled);
  return absl::UnimplementedError(
      "CUDA shared memory is not supported: fpgaasd has no GPU (use system shared memory)");
}

absl::Status SharedMemoryManager::CudaUnregister(
    const inference::CudaSharedMemoryUnregisterRequest&) {
  if (!options_.allow_client_shm) return absl::UnimplementedError(kClientShmDisabled);
  return absl::OkStatus();  // nothing can be registered
}

bool UsesSharedMemory(const inference::ModelInferRequest& wire) {
  for (const auto& input : wire.inputs()) {
    if (HasShmParameter(input.parameters())) return true;
  }
  for (const auto& output : wire.outputs()) {
    if (HasShmParameter(output.parameters())) return true;
  }
  return false;
}

absl::Status ReadSharedMemoryInputs(const SharedMemoryManager* manager,
                                    inference::ModelInferRequest& wire,
                                    uint64_t max_input_bytes) {
  std::vector<std::optional<TensorShm>> shm(wire.inputs_size());
  bool any = false;
  for (int i = 0; i < wire.inputs_size(); ++i) {
    absl::StatusOr<std::optional<TensorShm>> parsed = ParseTensorShm(wire.inputs(i));
    if (!parsed.ok()) return parsed.status();
    shm[i] = *std::move(parsed);
    any = any || shm[i].has_value();
  }
  if (!any) return absl::OkStatus();
  std::vector<std::string> raw(wire.inputs_size());
  int next_raw = 0;
  for (int i = 0; i < wire.inputs_size(); ++i) {
    auto& input = *wire.mutable_inputs(i);
    if (!shm[i].has_value()) {
      if (input.has_contents()) continue;  // typed contents: the codec refuses the mix
      if (next_raw >= wire.raw_input_contents_size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unable to find data for input tensor '", Quoted(input.name()),
                         "' for model '", Quoted(wire.model_name()), "' in request."));
      }
      raw[i].swap(*wire.mutable_raw_input_contents(next_raw++));
      continue;
    }
    if (input.has_contents()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected 'content' provided when using shared memory for input tensor '",
          Quoted(input.name()), "' for model '", Quoted(wire.model_name()), "'"));
    }
    const TensorShm& s = *shm[i];
    if (std::optional<uint64_t> declared = DeclaredBytes(input);
        declared.has_value() && *declared != static_cast<uint64_t>(s.byte_size)) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", Quoted(input.name()), "': shared_memory_byte_size ",
                       s.byte_size, " does not match shape ", ShapeText(input), " of ",
                       Quoted(input.datatype()), " (", *declared, " bytes)"));
    }
    if (max_input_bytes > 0 && static_cast<uint64_t>(s.byte_size) > max_input_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", Quoted(input.name()), "': shared_memory_byte_size ", s.byte_size,
          " exceeds the ", max_input_bytes, " bytes of the largest input model '",
          Quoted(wire.model_name()), "' takes"));
    }
    absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> region =
        Slice(manager, s, "input", input.name());
    if (!region.ok()) return region.status();
    const uint64_t offset = static_cast<uint64_t>(s.offset);
    const uint64_t size = static_cast<uint64_t>(s.byte_size);
    if (absl::Status mapped = (*region)->CheckSize(offset, size); !mapped.ok()) return mapped;
    raw[i].assign((*region)->data() + offset, static_cast<size_t>(size));
    input.mutable_parameters()->erase(kRegionParameter);
    input.mutable_parameters()->erase(kByteSizeParameter);
    input.mutable_parameters()->erase(kOffsetParameter);
  }
  if (next_raw < wire.raw_input_contents_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "raw_input_contents has ", wire.raw_input_contents_size(), " entries, but only ", next_raw,
        " inputs take raw contents (the others use shared memory)"));
  }
  wire.clear_raw_input_contents();
  for (std::string& r : raw) wire.add_raw_input_contents()->swap(r);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SharedMemoryOutput>> SharedMemoryOutputs(
    const SharedMemoryManager* manager, const inference::ModelInferRequest& wire) {
  std::vector<SharedMemoryOutput> outputs;
  for (const auto& output : wire.outputs()) {
    absl::StatusOr<std::optional<TensorShm>> parsed = ParseTensorShm(output);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->has_value()) continue;
    const TensorShm& s = **parsed;
    absl::StatusOr<std::shared_ptr<const SharedMemoryRegion>> region =
        Slice(manager, s, "output", output.name());
    if (!region.ok()) return region.status();
    outputs.push_back(SharedMemoryOutput{output.name(), *std::move(region),
                                         static_cast<uint64_t>(s.offset),
                                         static_cast<uint64_t>(s.byte_size)});
  }
  return outputs;
}

absl::Status CheckSharedMemoryOutputSize(const SharedMemoryOutput& output, uint64_t needed) {
  if (needed <= output.byte_size) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "shared memory size specified with the request for output '", Quoted(output.name), "' (",
      output.byte_size, " bytes) should be at least ", needed, " bytes to hold the results"));
}

absl::Status WriteSharedMemoryOutputs(const std::vector<SharedMemoryOutput>& outputs,
                                      inference::ModelInferResponse* response) {
  for (const SharedMemoryOutput& out : outputs) {
    for (int i = 0; i < response->outputs_size() && i < response->raw_output_contents_size();
         ++i) {
      if (response->outputs(i).name() != out.name) continue;
      std::string* raw = response->mutable_raw_output_contents(i);
      if (raw->size() > out.byte_size) {
        return absl::InternalError(absl::StrCat(
            "shared memory size specified with the request for output '", Quoted(out.name),
            "' (", out.byte_size, " bytes) should be at least ", raw->size(),
            " bytes to hold the results"));
      }
      if (absl::Status mapped = out.region->CheckSize(out.offset, raw->size()); !mapped.ok()) {
        return mapped;
      }
      std::memcpy(out.region->data() + out.offset, raw->data(), raw->size());
      raw->clear();
    }
  }
  return absl::OkStatus();
}

}  // namespace fpgaas::frontend
