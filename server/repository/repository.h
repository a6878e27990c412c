// ModelRepository: the models fpgaasd serves, in Triton's repository layout
// (docs/model-repository.md).
//
// At Create it scans `root` (<model>/config.pbtxt + numeric <version>/ folders), parses and
// validates each config.pbtxt into inference::ModelConfig, picks versions by the version policy,
// and for every version: loads the hls4ml network, places it on a device (DeviceManager::Load) and
// starts its dynamic batcher (ModelScheduler). A broken model (or version) fails alone: it is
// listed by Index() as UNAVAILABLE with the reason (e.g. the config.pbtxt parse error with line and
// column) and the other models keep serving. Create itself fails only for a bad Options (no root
// folder, missing dependencies) or, in explicit mode, an unknown --load-model name.
//
// Control modes: kNone loads every model at Create and refuses Load/Unload; kExplicit loads only
// `startup_models` at Create and then what Load asks for.
//
// Ownership: the repository owns each ServingModel and hands out shared_ptrs to it. A request keeps
// its model version alive by holding the shared_ptr: Unload or a reload removes the version from
// lookups at once, lets its queue drain (up to Options::drain_timeout), shuts its scheduler down
// and drops the repository's reference; the version is destroyed when the last holder lets go.
// Every ServingModel shared_ptr must be released before the DeviceManager is destroyed.
//
// Thread-safety: every method is thread-safe. Lookups never wait for a load: no lock is held while
// a network is read or a device loads. Load/Unload of the same model are serialized; different
// models load concurrently.
#ifndef FPGAAS_SERVER_REPOSITORY_REPOSITORY_H_
#define FPGAAS_SERVER_REPOSITORY_REPOSITORY_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/model_config.pb.h"
#include "server/device/device.h"
#include "server/numerics/tensor_packing.h"
#include "server/repository/model_config.h"
#include "server/scheduler/scheduler.h"
#include "server/util/clock.h"

namespace fpgaas {

class DeviceManager;    // server/device/device_manager.h
class MetricsRegistry;  // server/metrics/metrics.h
struct ModelFiles;       // server/repository/model_folder.h
class ModelMetrics;

enum class ModelControlMode { kNone, kExplicit };

// "none" or "explicit" (the --model-control-mode flag); anything else is INVALID_ARGUMENT.
absl::StatusOr<ModelControlMode> ParseModelControlMode(std::string_view text);

// A model version's state as RepositoryIndex reports it (Triton's names, ModelReadyStateName).
enum class ModelReadyState { kReady, kUnavailable, kLoading, kUnloading };
std::string_view ModelReadyStateName(ModelReadyState state);

// One ready model version. Immutable after creation; safe to read from any thread.
class ServingModel {
 public:
  ~ServingModel();  // shuts the scheduler down, then releases the device

  const std::string& name() const { return name_; }
  int64_t version() const { return version_; }
  // The validated config (as loaded, with defaults filled in: name, instance count, precisions).
  const inference::ModelConfig& config() const { return config_; }
  // Samples per request at most (config max_batch_size, >= 1). Requests carry a leading batch dim.
  int max_batch_size() const { return config_.max_batch_size(); }
  // Inputs and outputs in the hls4ml top function's order (at least one each); input() and
  // output() are the first.
  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }
  const TensorInfo& input() const { return inputs_.front(); }
  const TensorInfo& output() const { return outputs_.front(); }
  // Where requests go. Enqueue on it is thread-safe; after Unload it answers UNAVAILABLE.
  ModelScheduler* scheduler() const { return scheduler_.get(); }
  // May be null when the repository was created without a MetricsRegistry.
  ModelMetrics* metrics() const { return metrics_; }
  // False when the device behind it went out of service.
  bool ready() const { return loaded_->ready(); }
  // The config's fpga.input_precision (empty when unset) and fpga.non_finite_inputs (null when
  // unset) parameters, looked up once at load: every request reads them.
  const std::string& input_precision_parameter() const { return *input_precision_; }
  const std::string* non_finite_inputs_parameter() const { return non_finite_inputs_; }

 private:
  friend class ModelRepository;
  ServingModel() = default;

  std::string name_;
  int64_t version_ = 0;
  inference::ModelConfig config_;
  std::vector<TensorInfo> inputs_, outputs_;
  const std::string* input_precision_ = nullptr;    // in config_
  const std::string* non_finite_inputs_ = nullptr;  // in config_
  ModelMetrics* metrics_ = nullptr;
  // Declaration order matters: the scheduler uses loaded_ and is destroyed first.
  std::unique_ptr<LoadedModel> loaded_;
  std::unique_ptr<ModelScheduler> scheduler_;
};

// One line of RepositoryIndex.
struct ModelIndexEntry {
  std::string name;
  std::string version;  // empty when the model failed before any version was known
  // A version that keeps serving while its model is being reloaded is kLoading (reason says so)
  // with `serving` true.
  ModelReadyState state = ModelReadyState::kUnavailable;
  std::string reason;    // why it is not READY (empty when READY)
  bool serving = false;  // Get() hands this version out (READY, or LOADING during a reload)
  // kUnavailable only because nothing loaded it yet (explicit mode; reason "not loaded").
  bool never_loaded = false;
};

struct ModelRepositoryOptions {
  std::filesystem::path root;  // --model-repository; must exist
  ModelControlMode control_mode = ModelControlMode::kNone;
  std::vector<std::string> startup_models;  // explicit mode: --load-model names ("*" = all)
  DeviceManager* devices = nullptr;         // not owned; required; must outlive every model
  MetricsRegistry* metrics = nullptr;       // not owned; may be null (no metrics)
  Clock* clock = nullptr;                   // not owned; required (schedulers' time)
  // --max-batch-size-limit: a config whose max_batch_size is over it fails (INVALID_ARGUMENT)
  // before any buffer is sized by it.
  int max_batch_size_limit = 65536;
  // Unload/reload waits at most this long for an old version's queued requests before failing them.
  absl::Duration drain_timeout = absl::Seconds(10);
};

// What RepositoryModelLoad carries besides the model name.
struct ModelLoadRequest {
  // JSON ModelConfig (the "config" parameter) replacing config.pbtxt. Without files it applies to
  // this load only; with files it is written as the model's config.pbtxt.
  std::optional<std::string> config_json;
  // "<version>/<relative path>" -> file bytes (the "file:" parameters). Non-empty = register the
  // model over the wire: the whole model folder is replaced by these files (plus config.pbtxt from
  // config_json, which is then required), validated by loading it, and moved into place atomically.
  std::map<std::string, std::string> files;
};

class ModelRepository {
 public:
  static absl::StatusOr<std::unique_ptr<ModelRepository>> Create(ModelRepositoryOptions options);
  ~ModelRepository();  // shuts every scheduler down

  // A ready version of `name`. `version` empty or "0" = the highest ready version.
  // NOT_FOUND: unknown model, or no such version; UNAVAILABLE: known but not ready (the reason is
  // in the message); INVALID_ARGUMENT: version is not a number.
  absl::StatusOr<std::shared_ptr<const ServingModel>> Get(std::string_view name,
                                                          std::string_view version = "") const;
  absl::StatusOr<std::shared_ptr<const ServingModel>> Get(std::string_view name,
                                                          int64_t version) const;
  // Ready versions of `name`, ascending (ModelMetadata's versions). NOT_FOUND for an unknown model.
  absl::StatusOr<std::vector<int64_t>> ReadyVersions(std::string_view name) const;
  // Every ready version of every model (ModelStatistics without a name), sorted by name, version.
  std::vector<std::shared_ptr<const ServingModel>> ReadyModels() const;
  // RepositoryIndex: every model on disk or known, one entry per version (or one entry without a
  // version when the model failed as a whole or is not loaded), sorted by name then version.
  // ready_only: only the versions that serve requests (entry.serving).
  std::vector<ModelIndexEntry> Index(bool ready_only = false) const;

  // Loads or reloads `name` (explicit mode only; FAILED_PRECONDITION in none mode). Blocks until
  // done. A reload swaps new versions in atomically; requests already holding the old version
  // finish on it. On error the model's previous versions keep serving (and, with files, the
  // repository on disk is unchanged). Errors: INVALID_ARGUMENT (bad name, file path, config),
  // NOT_FOUND (no such model on disk and no files), plus the load error of the model (every
  // failing version's reason).
  //
  // Registration (request.files non-empty), in order: the files and config.pbtxt are written and
  // fsynced into a hidden staging folder; the config is validated and every version's files are
  // read and checked (hls4ml project, xclbin present, sizes and precisions) from there; the staging
  // folder replaces <root>/<name> in one rename (RENAME_EXCHANGE when the model existed); then the
  // versions are placed on devices from their final folders (DeviceModelSpec::version_dir is always
  // <root>/<name>/<version>). If a device refuses a version, the previous folder is renamed back.
  absl::Status Load(std::string_view name, const ModelLoadRequest& request = {});
  // Unloads every version of `name` (explicit mode only). NOT_FOUND when it is not loaded.
  absl::Status Unload(std::string_view name);

  ModelControlMode control_mode() const { return options_.control_mode; }
  const std::filesystem::path& root() const { return options_.root; }

 private:
  struct ModelState;
  struct PreparedModel;

  explicit ModelRepository(ModelRepositoryOptions options);
  // Loads `name` from its folder (or from request.files) and records the outcome for Index. Logs
  // the outcome: one line per loaded version, one line when the load failed.
  absl::Status LoadInternal(const std::string& name, const ModelLoadRequest& request, bool at_start)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Phase 2 of a load (phase 1 is model_folder.h's ReadModelFolder), no lock: places every version
  // read on a device (its files at `dir`/<version>) and
  // starts its scheduler.
  PreparedModel LoadVersions(const std::string& name, const std::filesystem::path& dir,
                             const ModelFiles& files);
  absl::StatusOr<std::shared_ptr<ServingModel>> LoadVersion(const std::string& name,
                                                            const std::filesystem::path& dir,
                                                            const ValidatedConfig& validated,
                                                            int64_t version,
                                                            const VersionFiles& files);
  // Drains (up to drain_timeout in the injected clock's time) and shuts down a version that left
  // the lookups.
  void Retire(std::shared_ptr<ServingModel> model);
  // Logs a config's deprecation warning: once per model name for the life of the repository.
  void WarnDeprecatedConfig(const std::string& name, const ModelFiles& files)
      ABSL_LOCKS_EXCLUDED(mu_);

  ModelRepositoryOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<ModelState>> models_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> deprecation_warned_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_REPOSITORY_REPOSITORY_H_
