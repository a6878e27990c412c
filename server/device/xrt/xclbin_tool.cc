// fpgaas-xclbin: writes a minimal xclbin (no bitstream) that XRT's noop shim loads, for trying the
// XRT device path without a card:
//   fpgaas-xclbin --kernel=myproject --compute_units=2 --args=in*,out*,batch_size --out=m.xclbin
// An argument ending in '*' is a global memory pointer, otherwise a 32-bit scalar.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "server/device/xrt/xclbin_writer.h"

ABSL_FLAG(std::string, kernel, "myproject", "kernel name");
ABSL_FLAG(int, compute_units, 1, "compute units (kernel:kernel_1 ... kernel:kernel_N)");
ABSL_FLAG(std::string, args, "in*,out*,batch_size",
          "kernel arguments in order; a trailing '*' marks a memory pointer");
ABSL_FLAG(int, memory_banks, 1, "DDR banks; CU i uses bank i % memory_banks");
ABSL_FLAG(std::string, platform, "xilinx_u250_gen3x16_xdma_shell_4_1", "platform name");
ABSL_FLAG(std::string, out, "", "output file (required)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::cerr << "fpgaas-xclbin: --out is required\n";
    return 2;
  }
  fpgaas::XclbinSpec spec;
  spec.kernel_name = absl::GetFlag(FLAGS_kernel);
  spec.compute_units = absl::GetFlag(FLAGS_compute_units);
  spec.memory_banks = absl::GetFlag(FLAGS_memory_banks);
  spec.platform = absl::GetFlag(FLAGS_platform);
  spec.arguments.clear();
  for (absl::string_view a : absl::StrSplit(absl::GetFlag(FLAGS_args), ',', absl::SkipEmpty())) {
    fpgaas::XclbinArgument arg;
    arg.is_pointer = !a.empty() && a.back() == '*';
    if (arg.is_pointer) a.remove_suffix(1);
    arg.name = std::string(a);
    arg.host_type = arg.is_pointer ? "void*" : "unsigned int";
    spec.arguments.push_back(arg);
  }
  if (absl::Status s = fpgaas::WriteXclbin(spec, out); !s.ok()) {
    std::cerr << "fpgaas-xclbin: " << s.message() << "\n";
    return 1;
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}
