// Model folders on disk, in Triton's layout: <root>/<model>/config.pbtxt and numeric <version>/
// folders. Scanning, version selection, reading a version's files, and the crash-safe writing of a
// model registered over the wire (staging folder, fsync, one atomic rename into place).
//
// Part of fpgaas_repository (its public header is repository.h). No locks: the repository
// serializes the writes of one model.
#ifndef FPGAAS_SERVER_REPOSITORY_MODEL_FOLDER_H_
#define FPGAAS_SERVER_REPOSITORY_MODEL_FOLDER_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/model_config.pb.h"
#include "server/repository/model_config.h"

namespace fpgaas {

// Folders the repository writes while registering a model; hidden so that a scan never sees them,
// and removed at start-up when a crash left one behind.
inline constexpr char kStagingPrefix[] = ".fpgaas-staging-";
inline constexpr char kRetiredPrefix[] = ".fpgaas-retired-";

// A version folder name: a positive decimal integer (at most 18 digits).
std::optional<int64_t> ParseVersionFolder(absl::string_view text);

// The model folders under `root` (directories not starting with '.'), sorted.
absl::StatusOr<std::vector<std::string>> ListModelFolders(const std::filesystem::path& root);
// Removes staging/retired folders a crash left under `root` (logged).
void RemoveLeftoverFolders(const std::filesystem::path& root);

// The version folders of a model that its policy selects, ascending. Versions the policy names
// but the disk lacks are returned in `missing`. NOT_FOUND when there is no version folder at all.
absl::StatusOr<std::vector<int64_t>> SelectVersions(const std::filesystem::path& model_dir,
                                                    const inference::ModelVersionPolicy& policy,
                                                    std::vector<int64_t>* missing);

// Reads and checks version `version` of a model in `dir` (hls4ml project and/or xclbin).
absl::StatusOr<VersionFiles> ReadModelVersion(const ValidatedConfig& validated,
                                              const std::filesystem::path& dir, int64_t version);

// Phase 1 of loading a model folder: the validated config and each selected version's files.
struct ModelFiles {
  std::optional<ValidatedConfig> validated;  // unset when model_error is set
  std::map<int64_t, VersionFiles> versions;
  std::map<int64_t, std::string> failed_versions;
  std::string model_error;  // set when no version could be tried

  bool complete() const {
    return model_error.empty() && failed_versions.empty() && !versions.empty();
  }
};
// Parses and validates the config (config.pbtxt in `dir`, or `config_override`) and reads every
// selected version. No device, no lock.
ModelFiles ReadModelFolder(const std::string& name, const std::filesystem::path& dir,
                           const std::optional<inference::ModelConfig>& config_override);

// Checks a "<version>/<relative path>" key of a registration; returns the relative path to write.
absl::StatusOr<std::filesystem::path> ValidateUploadPath(const std::string& key);

// Writes `files` ("<version>/<path>" -> bytes) and `config` (as config.pbtxt, name defaulted to
// `name`, a deprecated fpga { } block written as "fpga.*" parameters) into a new hidden staging
// folder under `root`, fsynced. Returns the staging folder; on error nothing is left behind.
absl::StatusOr<std::filesystem::path> StageModelFolder(
    const std::filesystem::path& root, const std::string& name,
    const std::map<std::string, std::string>& files, const inference::ModelConfig& config);

// Replaces `target` by `staging` atomically (one rename; an exchange when `target` exists). On
// return `staging` holds the old model (if any), to be removed by the caller.
absl::Status SwapIntoPlace(const std::filesystem::path& staging,
                           const std::filesystem::path& target);
// Undoes SwapIntoPlace: the previous folder (in `staging`) goes back to `target`, or, when there
// was none, `target` moves to `staging`.
absl::Status RestorePreviousFolder(const std::filesystem::path& staging,
                                   const std::filesystem::path& target);

// Makes a directory's entries (new files, renames) durable.
void SyncDirectory(const std::filesystem::path& dir);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_REPOSITORY_MODEL_FOLDER_H_
