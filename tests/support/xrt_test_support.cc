#include "tests/support/xrt_test_support.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <system_error>

#include "prometheus/registry.h"
#include "server/numerics/fixed_point.h"

namespace fpgaas::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "xrt test set-up: " << what << "\n";
  std::abort();
}

}  // namespace

void UseXrtNoopShim(const std::filesystem::path& root, const std::string& xrt_ini) {
  namespace fs = std::filesystem;
  const fs::path lib = root / "xilinx_xrt" / "lib";
  const fs::path system_lib = FPGAAS_XRT_LIBRARY_DIR;  // where libxrt_coreutil.so was found
  std::error_code ec;
  fs::create_directories(lib, ec);
  if (ec) Die("cannot create " + lib.string() + ": " + ec.message());
  int linked = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(system_lib, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("libxrt", 0) != 0 && name != "xrt") continue;
    const fs::path link = lib / name;
    fs::remove(link, ec);
    if (entry.is_directory()) {
      fs::create_directory_symlink(entry.path(), link, ec);
    } else {
      fs::create_symlink(entry.path(), link, ec);
    }
    if (ec) Die("cannot link " + link.string() + ": " + ec.message());
    ++linked;
  }
  if (linked == 0) Die("no libxrt* in " + system_lib.string());
  setenv("XILINX_XRT", (root / "xilinx_xrt").c_str(), 1);
  setenv("XCL_EMULATION_MODE", "noop", 1);
  if (!xrt_ini.empty()) {
    const fs::path ini = root / "xrt.ini";
    std::ofstream(ini) << xrt_ini;
    setenv("XRT_INI_PATH", ini.c_str(), 1);
  } else {
    unsetenv("XRT_INI_PATH");
  }
}

std::filesystem::path FreshDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(FPGAAS_XRT_TEST_ROOT) / "work" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

DeviceModelSpec WriteModel(const std::filesystem::path& dir, const XclbinSpec& xclbin,
                           int compute_units) {
  std::filesystem::create_directories(dir);
  absl::Status written = WriteXclbin(xclbin, dir / "model.xclbin");
  if (!written.ok()) Die(written.ToString());
  DeviceModelSpec spec;
  spec.model_name = "muon";
  spec.version = 1;
  spec.version_dir = dir;
  spec.max_batch_size = 64;
  spec.compute_units = compute_units;
  spec.input_type = *numerics::ParseFixedType("ap_fixed<16,6>");
  spec.output_type = *numerics::ParseFixedType("ap_fixed<16,6>");
  spec.input_size = 16;
  spec.output_size = 5;
  spec.kernel_name = "myproject";
  spec.kernel_arguments = {"input", "output", "batch_size"};
  spec.xclbin = "model.xclbin";
  return spec;
}

double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have != labels) continue;
      return family.type == prometheus::MetricType::Gauge ? metric.gauge.value
                                                          : metric.counter.value;
    }
  }
  return -1;
}

}  // namespace fpgaas::testing
