// Xclbin writer: builds the minimal xclbin container (struct axlf, /usr/include/xrt/xclbin.h) that
// XRT's runtime accepts without a bitstream — MEM_TOPOLOGY, CONNECTIVITY, IP_LAYOUT and
// EMBEDDED_METADATA — for one kernel with N compute units and a chosen argument list.
//
// Used by the tests (XRT's noop shim loads such files as if they were real designs) and by the
// `fpgaas-xclbin` tool. It does not make a bitstream: on a real card loading one fails. Pure
// functions, thread-safe.
#ifndef FPGAAS_SERVER_DEVICE_XRT_XCLBIN_WRITER_H_
#define FPGAAS_SERVER_DEVICE_XRT_XCLBIN_WRITER_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fpgaas {

struct XclbinArgument {
  std::string name;        // argument name in the kernel's signature, e.g. "in"
  bool is_pointer = true;  // global memory pointer (m_axi) or scalar (s_axilite)
  std::string host_type;   // C type, e.g. "input_t*" or "unsigned int"; default from is_pointer
};

struct XclbinSpec {
  std::string kernel_name = "myproject";  // IP_LAYOUT names are "<kernel>:<kernel>_<i>", i from 1
  int compute_units = 1;                  // 1..64
  // Kernel arguments in signature order. Default: in, out (pointers), batch_size (scalar).
  std::vector<XclbinArgument> arguments = {
      {"in", true, "input_t*"}, {"out", true, "result_t*"}, {"batch_size", false, "unsigned int"}};
  // DDR banks in MEM_TOPOLOGY; compute unit i has its pointers on bank i % memory_banks.
  int memory_banks = 1;
  uint64_t bank_size_kb = 4 * 1024 * 1024;  // 4 GiB per bank
  std::string platform = "xilinx_u250_gen3x16_xdma_shell_4_1";
  // Xclbin uuid; all zero = derived from the other fields (stable for the same spec).
  std::array<uint8_t, 16> uuid{};
};

// The xclbin's bytes. InvalidArgument for an empty kernel name, a CU count outside 1..64, names too
// long for the fixed-size fields, or no arguments.
absl::StatusOr<std::string> BuildXclbin(const XclbinSpec& spec);

// BuildXclbin + write to `path` (overwrites).
absl::Status WriteXclbin(const XclbinSpec& spec, const std::filesystem::path& path);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_XRT_XCLBIN_WRITER_H_
