// Fuzzes the hls4ml importer on mutated projects: the input replaces files of a copy of the
// team's new-style fixture project. Format: sections that each start with a line
// "//@@ <path inside the project>" (e.g. "//@@ firmware/parameters.h"); files without a section
// keep the fixture's text. Invariants: an import error has a message naming the project; an
// imported network either compiles (and then runs a batch) or is refused with a message.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "server/numerics/fixed_point.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "tests/fuzz/targets/fuzz_check.h"

namespace {

namespace fs = std::filesystem;

// The fuzzer's scratch project, removed when the process exits.
struct WorkDirectory {
  fs::path path = fs::temp_directory_path() / ("fpgaas_hls4ml_fuzz_" + std::to_string(getpid()));
  ~WorkDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& WorkDir() {
  static const WorkDirectory dir;
  return dir.path;
}

void ResetProject() {
  fs::remove_all(WorkDir());
  fs::create_directories(WorkDir());
  fs::copy(FPGAAS_FUZZ_FIXTURE, WorkDir(), fs::copy_options::recursive);
}

bool SafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find("..") != std::string_view::npos)
    return false;
  return path.find('\0') == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ResetProject();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kMarker = "//@@ ";
  while (!rest.empty()) {
    if (rest.substr(0, kMarker.size()) != kMarker) {
      const size_t next = rest.find(std::string("\n").append(kMarker));
      if (next == std::string_view::npos) break;
      rest.remove_prefix(next + 1);
      continue;
    }
    rest.remove_prefix(kMarker.size());
    const size_t eol = rest.find('\n');
    const std::string_view path = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    const size_t end = rest.find(std::string("\n").append(kMarker));
    const std::string_view text =
        rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1);
    rest.remove_prefix(text.size());
    if (!SafeRelativePath(path)) continue;
    const fs::path file = WorkDir() / fs::path(std::string(path));
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream(file, std::ios::binary) << text;
  }

  auto project = fpgaas::numerics::ReadHls4mlProject(WorkDir());
  if (!project.ok()) {
    FUZZ_CHECK(project.status().message().find("hls4ml project") != std::string_view::npos);
    return 0;
  }
  auto network = fpgaas::numerics::Network::Create(project->spec);
  if (!network.ok()) {
    FUZZ_CHECK(!network.status().message().empty());
    return 0;
  }
  constexpr int kBatch = 3;
  const fpgaas::numerics::FixedType& type = (*network)->input_type();
  std::vector<uint8_t> in(kBatch * (*network)->input_bytes_per_sample());
  for (size_t i = 0; i < kBatch * size_t((*network)->input_size()); ++i) {
    const double x = (static_cast<int>(i % 11) - 5) * 0.7;  // valid values of every sign
    fpgaas::numerics::PackRaw(type, fpgaas::numerics::FromDouble(type, x).value(),
                              in.data() + i * type.container_bytes());
  }
  std::vector<uint8_t> out(kBatch * (*network)->output_bytes_per_sample());
  (*network)->Run(in.data(), out.data(), kBatch);
  return 0;
}
