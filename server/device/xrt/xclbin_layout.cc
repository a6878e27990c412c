#include "server/device/xrt/xclbin_layout.h"

#include <xclbin.h>

#include <cstddef>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fpgaas {

const size_t kXclbinHeaderBytes = sizeof(axlf);

std::string DescribeModel(const DeviceModelSpec& spec) {
  return absl::StrCat("model '", spec.model_name, "' version ", spec.version);
}

absl::Status ValidateXrtModelSpec(const DeviceModelSpec& spec) {
  const std::string who = DescribeModel(spec);
  if (spec.kernel_name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": fpga.kernel_name is empty"));
  }
  if (spec.xclbin.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": no xclbin/awsxclbin configured (fpga.xclbin) for an XRT device"));
  }
  if (spec.max_batch_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": max_batch_size must be >= 1, got ", spec.max_batch_size));
  }
  if (spec.compute_units < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, ": compute units (instance_group count) must be >= 1, got ", spec.compute_units));
  }
  if (spec.input_size < 1 || spec.output_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": input/output sizes must be >= 1, got ",
                                                   spec.input_size, "/", spec.output_size));
  }
  if (spec.kernel_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": negative kernel timeout"));
  }
  int counts[3] = {0, 0, 0};
  for (const std::string& a : spec.kernel_arguments) {
    if (a == "input") {
      ++counts[0];
    } else if (a == "output") {
      ++counts[1];
    } else if (a == "batch_size") {
      ++counts[2];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(who, ": unknown kernel argument '", a,
                                                     "' (expected input, output or batch_size)"));
    }
  }
  const char* names[3] = {"input", "output", "batch_size"};
  for (int i = 0; i < 3; ++i) {
    if (counts[i] != 1) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": fpga.kernel_arguments [",
                                                     absl::StrJoin(spec.kernel_arguments, ", "),
                                                     "] must name '", names[i], "' exactly once"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<KernelLayout> MatchKernelLayout(const std::vector<XclbinKernel>& kernels,
                                               const DeviceModelSpec& spec,
                                               const std::string& path) {
  const std::string who = absl::StrCat(DescribeModel(spec), ": ", path);
  const XclbinKernel* kernel = nullptr;
  std::vector<std::string> kernel_names;
  for (const XclbinKernel& k : kernels) {
    kernel_names.push_back(k.name);
    if (k.name == spec.kernel_name) kernel = &k;
  }
  if (kernel == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, " has no kernel '", spec.kernel_name,
        "' (it has: ", kernel_names.empty() ? "none" : absl::StrJoin(kernel_names, ", "), ")"));
  }
  const std::vector<XclbinKernelArgument>& args = kernel->arguments;
  std::vector<std::string> arg_names;
  for (const auto& a : args) arg_names.push_back(a.name);
  if (args.size() != spec.kernel_arguments.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, ": kernel '", spec.kernel_name, "' takes ", args.size(), " arguments (",
        absl::StrJoin(arg_names, ", "), ") but fpga.kernel_arguments names ",
        spec.kernel_arguments.size(), " (", absl::StrJoin(spec.kernel_arguments, ", "), ")"));
  }
  KernelLayout layout;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& role = spec.kernel_arguments[i];
    const bool pointer = args[i].has_memory || args[i].host_type.find('*') != std::string::npos;
    const std::string arg_desc =
        absl::StrCat("argument ", i, " '", args[i].name, "' (", args[i].host_type, ")");
    if (role == "batch_size") {
      if (pointer) {
        return absl::InvalidArgumentError(absl::StrCat(who, ": kernel '", spec.kernel_name, "' ",
                                                       arg_desc,
                                                       " is a memory pointer but config names it "
                                                       "batch_size (a scalar)"));
      }
      const uint64_t size = args[i].size;
      if (size != 4 && size != 8) {
        return absl::InvalidArgumentError(
            absl::StrCat(who, ": kernel '", spec.kernel_name, "' ", arg_desc, " is ", size,
                         " bytes; batch_size must be a 4- or 8-byte integer"));
      }
      layout.batch_index = int(i);
      layout.batch_size_bytes = size;
    } else {
      if (!pointer) {
        return absl::InvalidArgumentError(
            absl::StrCat(who, ": kernel '", spec.kernel_name, "' ", arg_desc,
                         " is a scalar but config names it ", role, " (a memory pointer)"));
      }
      (role == "input" ? layout.input_index : layout.output_index) = int(i);
    }
  }
  const std::string prefix = spec.kernel_name + ":";
  for (std::string name : kernel->compute_units) {
    if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
    layout.instances.push_back(name);
  }
  if (int(layout.instances.size()) < spec.compute_units) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": kernel '", spec.kernel_name, "' has ", layout.instances.size(),
                     " compute unit(s) but instance_group asks for ", spec.compute_units));
  }
  layout.instances.resize(spec.compute_units);
  return layout;
}

absl::Status CheckXclbinHeader(std::string_view head, uint64_t file_size,
                               const DeviceModelSpec& spec, const std::string& path) {
  if (head.size() < 8 || std::memcmp(head.data(), "xclbin2", 8) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        DescribeModel(spec), ": ", path, " is not an xclbin (missing the \"xclbin2\" magic)"));
  }
  constexpr size_t kLengthOffset = offsetof(axlf, m_header) + offsetof(axlf_header, m_length);
  uint64_t declared = 0;
  const bool has_length = head.size() >= kLengthOffset + sizeof(declared);
  if (has_length) std::memcpy(&declared, head.data() + kLengthOffset, sizeof(declared));
  if (!has_length || file_size < sizeof(axlf) || declared != file_size) {
    return absl::InvalidArgumentError(absl::StrCat(DescribeModel(spec), ": ", path,
                                                   " is corrupt: header says ", declared,
                                                   " bytes, file has ", file_size));
  }
  return absl::OkStatus();
}

absl::Status CheckXclbinFile(const std::string& path, const DeviceModelSpec& spec) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(DescribeModel(spec), ": xclbin file ", path, " not found or not readable"));
  }
  std::string head(kXclbinHeaderBytes, '\0');
  file.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(file.gcount()));
  file.clear();
  file.seekg(0, std::ios::end);
  const auto size = uint64_t(file.tellg());
  return CheckXclbinHeader(head, size, spec, path);
}

}  // namespace fpgaas
