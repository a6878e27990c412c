// Test support for the XRT device on XRT's noop shim (no FPGA): environment set-up, xclbin and
// model fixtures, and metric lookups.
#ifndef FPGAAS_TESTS_SUPPORT_XRT_TEST_SUPPORT_H_
#define FPGAAS_TESTS_SUPPORT_XRT_TEST_SUPPORT_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "server/device/device.h"
#include "server/device/xrt/xclbin_writer.h"

namespace prometheus {
class Registry;
}

namespace fpgaas::testing {

// Makes XRT load its noop shim: creates <root>/xilinx_xrt/lib with links to the system's libxrt*
// (XILINX_XRT must name such a folder), sets XILINX_XRT and XCL_EMULATION_MODE=noop, and when
// `xrt_ini` is not empty writes <root>/xrt.ini and sets XRT_INI_PATH. Call before any XRT call
// (XRT reads its configuration once). Aborts the test binary on failure.
void UseXrtNoopShim(const std::filesystem::path& root, const std::string& xrt_ini = "");

// A fresh, empty folder <FPGAAS_XRT_TEST_ROOT>/work/<name>.
std::filesystem::path FreshDir(const std::string& name);

// A model version folder holding `xclbin` written as <dir>/model.xclbin, and a DeviceModelSpec for
// it: 16 ap_fixed<16,6> inputs, 5 ap_fixed<16,6> outputs, max_batch_size 64, `compute_units` CUs,
// kernel "myproject" with arguments input, output, batch_size.
DeviceModelSpec WriteModel(const std::filesystem::path& dir, const XclbinSpec& xclbin,
                           int compute_units = 2);

// Value of the counter or gauge `name` with exactly `labels`; -1 when absent.
double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels);

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_XRT_TEST_SUPPORT_H_
