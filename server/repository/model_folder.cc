#include "server/repository/model_folder.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "server/numerics/hls4ml_project.h"
#include "server/util/text.h"
#include "spdlog/spdlog.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path.string(), ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path.string()));
  return text.str();
}

// Writes and fsyncs a file: a registered model must survive a crash right after Load returns.
absl::Status WriteFile(const fs::path& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path.string(), ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return absl::InternalError(
          absl::StrCat("cannot write ", path.string(), ": ", std::strerror(saved)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot flush ", path.string(), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string RandomSuffix() {
  std::random_device device;
  return absl::StrCat(absl::Hex(device(), absl::kZeroPad8), absl::Hex(device(), absl::kZeroPad8));
}

}  // namespace

// A version folder name: a positive decimal integer.
std::optional<int64_t> ParseVersionFolder(absl::string_view text) {
  // "01" is refused: the folder's name must be the version's canonical spelling.
  if (text.size() > 18) return std::nullopt;
  std::optional<int64_t> version = ParseCanonicalNonNegative(text);
  if (!version || *version <= 0) return std::nullopt;
  return version;
}

// Makes a directory's entries (new files, renames) durable.
void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The version folders of a model that its policy selects. Versions the policy names but the disk
// lacks are returned in `missing`.
absl::StatusOr<std::vector<int64_t>> SelectVersions(const fs::path& model_dir,
                                                    const inference::ModelVersionPolicy& policy,
                                                    std::vector<int64_t>* missing) {
  std::set<int64_t> on_disk;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(model_dir, error)) {
    if (!entry.is_directory(error)) continue;
    if (auto version = ParseVersionFolder(entry.path().filename().string())) {
      on_disk.insert(*version);
    }
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", model_dir.string(), ": ", error.message()));
  }
  if (on_disk.empty()) {
    return absl::NotFoundError(
        "no version folders (positive integers such as 1/) next to config.pbtxt");
  }
  std::vector<int64_t> selected;
  if (policy.has_all()) {
    selected.assign(on_disk.begin(), on_disk.end());
  } else if (policy.has_specific()) {
    for (int64_t version : policy.specific().versions()) {
      if (on_disk.count(version)) {
        selected.push_back(version);
      } else {
        missing->push_back(version);
      }
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
  } else {
    uint32_t count = policy.has_latest() ? policy.latest().num_versions() : 1;
    for (auto it = on_disk.rbegin(); it != on_disk.rend() && selected.size() < count; ++it) {
      selected.push_back(*it);
    }
    std::sort(selected.begin(), selected.end());
  }
  return selected;
}

// Checks a "<version>/<relative path>" key of a registration; returns the path to write.
absl::StatusOr<fs::path> ValidateUploadPath(const std::string& key) {
  auto fail = [&key](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("file '", Quoted(key, 200), "': ", why));
  };
  if (key.empty()) return fail("empty path");
  if (key.front() == '/') return fail("absolute paths are not allowed");
  if (key.find('\0') != std::string::npos) return fail("NUL in path");
  if (key.find('\\') != std::string::npos) return fail("backslashes are not allowed");
  std::vector<absl::string_view> parts = absl::StrSplit(key, '/');
  if (parts.size() < 2) {
    return fail("expected <version>/<path> (a model file lives in a version folder)");
  }
  if (!ParseVersionFolder(parts[0])) {
    return fail(absl::StrCat("version folder '", Quoted(parts[0]),
                             "' is not a positive integer without leading zeros"));
  }
  fs::path path;
  for (absl::string_view part : parts) {
    if (part.empty()) return fail("empty path component");
    if (part == "." || part == "..") return fail("'.' and '..' are not allowed");
    path /= std::string(part);
  }
  return path;
}

// Replaces `target` by `staging` atomically (one rename; an exchange when `target` exists). On
// return `staging` holds the old model (if any), to be removed by the caller.
absl::Status SwapIntoPlace(const fs::path& staging, const fs::path& target) {
  std::error_code error;
  if (!fs::exists(target, error)) {
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot move ", staging.string(), " to ",
                                              target.string(), ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  if (::syscall(SYS_renameat2, AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(),
                RENAME_EXCHANGE) == 0) {
    return absl::OkStatus();
  }
  // Filesystems without RENAME_EXCHANGE: move the old folder aside, then the new one in. A crash
  // in between leaves the old model under a hidden name and no model; never a half-written one.
  fs::path retired = target.parent_path() / (kRetiredPrefix + RandomSuffix());
  if (::rename(target.c_str(), retired.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot move ", target.string(), " aside: ", std::strerror(errno)));
  }
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    int saved = errno;
    ::rename(retired.c_str(), target.c_str());
    return absl::InternalError(absl::StrCat("cannot move ", staging.string(), " to ",
                                            target.string(), ": ", std::strerror(saved)));
  }
  if (::rename(retired.c_str(), staging.c_str()) != 0) fs::remove_all(retired, error);
  return absl::OkStatus();
}

absl::Status RestorePreviousFolder(const fs::path& staging, const fs::path& target) {
  std::error_code error;
  if (fs::exists(staging, error)) return SwapIntoPlace(staging, target);
  if (::rename(target.c_str(), staging.c_str()) != 0) {
    return absl::InternalError(std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListModelFolders(const fs::path& root) {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    std::string name = entry.path().filename().string();
    std::error_code ignored;
    if (!name.empty() && name.front() != '.' && entry.is_directory(ignored)) names.push_back(name);
  }
  if (error) {
    return absl::InternalError(absl::StrCat("cannot list ", root.string(), ": ", error.message()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

void RemoveLeftoverFolders(const fs::path& root) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, kStagingPrefix) || absl::StartsWith(name, kRetiredPrefix)) {
      spdlog::warn("repository: removing leftover {}", entry.path().string());
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

absl::StatusOr<fs::path> StageModelFolder(const fs::path& root, const std::string& name,
                                          const std::map<std::string, std::string>& files,
                                          const inference::ModelConfig& config) {
  // What is written parses with Triton's model_config.proto: no deprecated fpga { } block.
  inference::ModelConfig to_write = config;
  if (to_write.name().empty()) to_write.set_name(name);
  if (auto moved = MoveFpgaBlockToParameters(&to_write); !moved.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("config: ", moved.status().message()));
  }
  std::vector<std::pair<fs::path, const std::string*>> uploads;
  for (const auto& [key, bytes] : files) {
    auto path = ValidateUploadPath(key);
    if (!path.ok()) return path.status();
    uploads.emplace_back(*path, &bytes);
  }
  const fs::path staging = root / (kStagingPrefix + name + "-" + RandomSuffix());
  std::error_code error;
  fs::create_directories(staging, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", staging.string(), ": ", error.message()));
  }
  absl::Status written = absl::OkStatus();
  for (const auto& [path, bytes] : uploads) {
    fs::create_directories((staging / path).parent_path(), error);
    if (error) {
      written = absl::InternalError(
          absl::StrCat("cannot create folder for ", path.string(), ": ", error.message()));
      break;
    }
    written = WriteFile(staging / path, *bytes);
    if (!written.ok()) break;
  }
  if (written.ok()) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(to_write, &text);
    written = WriteFile(staging / kConfigFileName, text);
  }
  if (!written.ok()) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    return written;
  }
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(staging, error)) {
    if (entry.is_directory(error)) SyncDirectory(entry.path());
  }
  SyncDirectory(staging);
  return staging;
}

ModelFiles ReadModelFolder(const std::string& name, const fs::path& dir,
                           const std::optional<inference::ModelConfig>& config_override) {
  ModelFiles files;
  inference::ModelConfig raw_config;
  if (config_override.has_value()) {
    raw_config = *config_override;
  } else {
    auto text = ReadFile(dir / kConfigFileName);
    if (!text.ok()) {
      files.model_error =
          absl::StrCat("missing ", kConfigFileName, " in model folder '", name, "'");
      return files;
    }
    auto parsed = ParseModelConfigText(*text);
    if (!parsed.ok()) {
      files.model_error = std::string(parsed.status().message());
      return files;
    }
    raw_config = *std::move(parsed);
  }
  auto validated = ValidateModelConfig(std::move(raw_config), name);
  if (!validated.ok()) {
    files.model_error = absl::StrCat(kConfigFileName, ": ", validated.status().message());
    return files;
  }
  std::vector<int64_t> missing;
  auto versions = SelectVersions(dir, validated->config.version_policy(), &missing);
  if (!versions.ok()) {
    files.model_error = std::string(versions.status().message());
    return files;
  }
  for (int64_t version : missing) {
    files.failed_versions[version] = "listed in version_policy.specific but has no folder";
  }
  for (int64_t version : *versions) {
    auto read = ReadModelVersion(*validated, dir, version);
    if (read.ok()) {
      files.versions[version] = *std::move(read);
    } else {
      files.failed_versions[version] = std::string(read.status().message());
    }
  }
  files.validated = *std::move(validated);
  return files;
}

absl::StatusOr<VersionFiles> ReadModelVersion(const ValidatedConfig& validated,
                                              const fs::path& dir, int64_t version) {
  const FpgaSettings& fpga = validated.fpga;
  const fs::path version_dir = dir / absl::StrCat(version);
  std::error_code error;

  VersionFiles files;
  std::string project_name =
      fpga.hls4ml_project.empty() ? kDefaultHls4mlProject : fpga.hls4ml_project;
  files.xclbin = !fpga.xclbin.empty() ? fpga.xclbin : fpga.awsxclbin;
  if (!files.xclbin.empty() && !fs::is_regular_file(version_dir / files.xclbin, error)) {
    return absl::NotFoundError(absl::StrCat(
        "bitstream '", files.xclbin, "' named in the fpga parameters is not in ", version, "/"));
  }
  if (fs::is_directory(version_dir / project_name, error)) {
    auto loaded = numerics::LoadHls4mlNetwork(version_dir / project_name);
    if (!loaded.ok()) {
      return absl::Status(loaded.status().code(),
                          absl::StrCat("hls4ml project ", version, "/", project_name, ": ",
                                       loaded.status().message()));
    }
    if ((*loaded)->num_inputs() != 1 || (*loaded)->num_outputs() != 1) {
      return absl::UnimplementedError(absl::StrCat(
          "hls4ml project ", version, "/", project_name, " has ", (*loaded)->num_inputs(),
          " inputs and ", (*loaded)->num_outputs(),
          " outputs; fpgaasd serves models with one input and one output"));
    }
    files.network = *std::move(loaded);
  } else if (files.xclbin.empty()) {
    return absl::NotFoundError(absl::StrCat("no hls4ml project folder ", version, "/", project_name,
                                            " (and no fpga.xclbin)"));
  }
  if (absl::Status checked = CheckVersionAgainstConfig(validated, &files); !checked.ok()) {
    return checked;
  }
  return files;
}

}  // namespace fpgaas
