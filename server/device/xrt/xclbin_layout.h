// Xclbin layout checks of the XRT device, pure logic (no XRT runtime, testable without a card or
// the noop shim): does a model's DeviceModelSpec fit the kernel an xclbin describes, and is a file
// an xclbin container at all.
//
// The kernel description (XclbinKernel) is what xrt::xclbin reports (xrt_device.cc converts it);
// MatchKernelLayout decides where the kernel takes input, output and batch_size and which compute
// units the model uses. Errors are InvalidArgument/NotFound naming the model, the file and the
// mismatch. Thread-safe (pure functions).
#ifndef FPGAAS_SERVER_DEVICE_XRT_XCLBIN_LAYOUT_H_
#define FPGAAS_SERVER_DEVICE_XRT_XCLBIN_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/device/device.h"

namespace fpgaas {

// One kernel argument as the xclbin's metadata declares it.
struct XclbinKernelArgument {
  std::string name;       // "in"
  std::string host_type;  // "input_t*", "unsigned int"
  uint64_t size = 0;      // bytes (scalars)
  bool has_memory = false;  // connected to a memory bank (a global-memory pointer)
};

struct XclbinKernel {
  std::string name;                        // "myproject"
  std::vector<XclbinKernelArgument> arguments;  // signature order
  std::vector<std::string> compute_units;  // IP_LAYOUT names, "myproject:myproject_1"
};

// Where the kernel takes its three arguments, checked against the xclbin.
struct KernelLayout {
  int input_index = -1;
  int output_index = -1;
  int batch_index = -1;
  size_t batch_size_bytes = 4;         // 4 (unsigned int) or 8 (uint64_t)
  std::vector<std::string> instances;  // CU instance names, e.g. "myproject_1", first N used
};

// "model 'NAME' version V" (the start of every message about a model).
std::string DescribeModel(const DeviceModelSpec& spec);

// The spec's own rules for an XRT device: kernel name and xclbin set, batch/CU/tensor sizes >= 1,
// kernel_arguments naming input, output and batch_size exactly once each.
absl::Status ValidateXrtModelSpec(const DeviceModelSpec& spec);

// The spec's kernel among `kernels` (of the xclbin at `path`, for messages): same argument count,
// batch_size a 4- or 8-byte scalar, input and output memory pointers, at least spec.compute_units
// compute units (the first compute_units are used, prefix "<kernel>:" removed).
absl::StatusOr<KernelLayout> MatchKernelLayout(const std::vector<XclbinKernel>& kernels,
                                               const DeviceModelSpec& spec,
                                               const std::string& path);

// Checks an xclbin container's header before XRT parses it, for a clear message on a truncated or
// foreign file: the "xclbin2" magic and the length the header declares against `file_size`.
// `head` = the file's first kXclbinHeaderBytes bytes (fewer when the file is shorter).
extern const size_t kXclbinHeaderBytes;
absl::Status CheckXclbinHeader(std::string_view head, uint64_t file_size,
                               const DeviceModelSpec& spec, const std::string& path);
// Same on the file at `path` (reads its head only); NotFound when it cannot be read.
absl::Status CheckXclbinFile(const std::string& path, const DeviceModelSpec& spec);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_XRT_XCLBIN_LAYOUT_H_
