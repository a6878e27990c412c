#include "server/repository/repository.h"

#include <algorithm>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/device/device_manager.h"
#include "server/metrics/metrics.h"
#include "server/repository/model_folder.h"
#include "server/util/text.h"
#include "spdlog/spdlog.h"

namespace fpgaas {
namespace fs = std::filesystem;

std::string_view ModelReadyStateName(ModelReadyState state) {
  switch (state) {
    case ModelReadyState::kReady:
      return "READY";
    case ModelReadyState::kUnavailable:
      return "UNAVAILABLE";
    case ModelReadyState::kLoading:
      return "LOADING";
    case ModelReadyState::kUnloading:
      return "UNLOADING";
  }
  return "UNKNOWN";
}

namespace {

// A model folder the repository has not loaded (explicit mode), or a model without any outcome.
ModelIndexEntry NotLoadedEntry(const std::string& name) {
  ModelIndexEntry entry{name, "", ModelReadyState::kUnavailable, "not loaded"};
  entry.never_loaded = true;
  return entry;
}

}  // namespace

absl::StatusOr<ModelControlMode> ParseModelControlMode(std::string_view text_view) {
  const std::string text(text_view);
  if (text == "none") return ModelControlMode::kNone;
  if (text == "explicit") return ModelControlMode::kExplicit;
  return absl::InvalidArgumentError(
      absl::StrCat("model control mode '", text, "' is not one of: none, explicit"));
}

ServingModel::~ServingModel() {
  if (scheduler_ != nullptr) scheduler_->Shutdown();
  scheduler_.reset();
  loaded_.reset();
}

// Everything the repository knows about one model name. Guarded by the repository's mu_.
struct ModelRepository::ModelState {
  // A Load or Unload of this model is running; others wait for it.
  bool busy = false;
  std::optional<ModelReadyState> transition;  // kLoading or kUnloading while busy
  std::map<int64_t, std::shared_ptr<ServingModel>> ready;
  // Versions being unloaded (still listed by Index as UNLOADING).
  std::vector<int64_t> unloading;
  // Why versions failed in the last load (version -> reason).
  std::map<int64_t, std::string> failed_versions;
  // Why the whole model is unavailable (config error, "unloaded", ...); empty when it is not.
  std::string model_error;
};

namespace {

// Why a load failed: the model's error, or every failed version's reason.
std::string DescribeFailure(const std::string& model_error,
                            const std::map<int64_t, std::string>& failed_versions) {
  if (!model_error.empty()) return model_error;
  if (failed_versions.empty()) return "no version loaded";
  std::vector<std::string> reasons;
  for (const auto& [version, reason] : failed_versions) {
    reasons.push_back(absl::StrCat("version ", version, ": ", reason));
  }
  return absl::StrJoin(reasons, "; ");
}

}  // namespace

// The outcome of loading one model folder: the versions that loaded and the reasons of those that
// did not.
struct ModelRepository::PreparedModel {
  std::map<int64_t, std::shared_ptr<ServingModel>> ready;
  std::map<int64_t, std::string> failed_versions;
  std::string model_error;  // set when no version could be tried
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;  // of the load's error

  // Takes phase 1's failures (phase 2 adds the device's).
  static PreparedModel FromFiles(const ModelFiles& files) {
    PreparedModel prepared;
    prepared.failed_versions = files.failed_versions;
    prepared.model_error = files.model_error;
    return prepared;
  }
  bool complete() const { return model_error.empty() && failed_versions.empty() && !ready.empty(); }
  std::string Failure() const { return DescribeFailure(model_error, failed_versions); }
  // Stops the versions that loaded (a load that is not kept).
  void Discard() {
    for (auto& [version, model] : ready) model->scheduler()->Shutdown();
    ready.clear();
  }
};

ModelRepository::ModelRepository(ModelRepositoryOptions options) : options_(std::move(options)) {}

ModelRepository::~ModelRepository() {
  std::vector<std::shared_ptr<ServingModel>> models;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, state] : models_) {
      for (auto& [version, model] : state->ready) models.push_back(model);
      state->ready.clear();
    }
  }
  for (auto& model : models) model->scheduler()->Shutdown();
}

absl::StatusOr<std::unique_ptr<ModelRepository>> ModelRepository::Create(
    ModelRepositoryOptions options) {
  if (options.devices == nullptr) {
    return absl::InvalidArgumentError("ModelRepositoryOptions.devices is required");
  }
  if (options.clock == nullptr) {
    return absl::InvalidArgumentError("ModelRepositoryOptions.clock is required");
  }
  if (options.root.empty()) {
    return absl::InvalidArgumentError("the model repository path is empty");
  }
  std::error_code error;
  if (!fs::is_directory(options.root, error)) {
    return absl::NotFoundError(
        absl::StrCat("model repository '", options.root.string(), "' is not a directory"));
  }
  options.root = fs::absolute(options.root, error).lexically_normal();
  auto repository = absl::WrapUnique(new ModelRepository(std::move(options)));
  const fs::path& root = repository->options_.root;

  // A registration interrupted by a crash leaves a hidden staging (or retired) folder: drop it.
  RemoveLeftoverFolders(root);
  absl::StatusOr<std::vector<std::string>> listed = ListModelFolders(root);
  if (!listed.ok()) return listed.status();
  const std::vector<std::string>& on_disk = *listed;

  std::vector<std::string> to_load;
  const auto& startup = repository->options_.startup_models;
  if (repository->options_.control_mode == ModelControlMode::kNone ||
      std::find(startup.begin(), startup.end(), "*") != startup.end()) {
    to_load = on_disk;
  } else {
    for (const std::string& name : startup) {
      if (std::find(on_disk.begin(), on_disk.end(), name) == on_disk.end()) {
        return absl::NotFoundError(
            absl::StrCat("--load-model '", name, "': no folder '", name, "' in ", root.string()));
      }
      if (std::find(to_load.begin(), to_load.end(), name) == to_load.end()) {
        to_load.push_back(name);
      }
    }
  }
  for (const std::string& name : to_load) {
    // A model that fails is listed as UNAVAILABLE with its reason; the others still load.
    // LoadInternal logs the outcome.
    (void)repository->LoadInternal(name, ModelLoadRequest{}, /*at_start=*/true);
  }
  return repository;
}

absl::StatusOr<std::shared_ptr<const ServingModel>> ModelRepository::Get(
    std::string_view name_view, std::string_view version_view) const {
  if (version_view.empty()) return Get(name_view, int64_t{0});
  const std::string name(name_view), version(version_view);
  std::optional<int64_t> number = ParseCanonicalNonNegative(version);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat("model '", Quoted(name), "': version '",
                                                   Quoted(version),
                                                   "' is not a version number (digits, no sign, "
                                                   "spaces or leading zeros)"));
  }
  return Get(name, *number);
}

absl::StatusOr<std::shared_ptr<const ServingModel>> ModelRepository::Get(std::string_view name_view,
                                                                         int64_t version) const {
  // Every inference request looks its model up here: no allocation, shared lock.
  const absl::string_view name(name_view.data(), name_view.size());
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown model '", Quoted(name), "'"));
  }
  const ModelState& state = *it->second;
  if (version == 0) {
    if (!state.ready.empty()) return state.ready.rbegin()->second;
    std::string reason = state.transition.has_value()
                             ? absl::AsciiStrToLower(std::string(ModelReadyStateName(*state.transition)))
                         : !state.model_error.empty() ? state.model_error
                         : !state.failed_versions.empty()
                             ? absl::StrCat("version ", state.failed_versions.begin()->first, ": ",
                                            state.failed_versions.begin()->second)
                             : std::string("not loaded");
    return absl::UnavailableError(absl::StrCat("model '", name, "' is not ready: ", reason));
  }
  if (auto ready = state.ready.find(version); ready != state.ready.end()) return ready->second;
  if (auto failed = state.failed_versions.find(version); failed != state.failed_versions.end()) {
    return absl::UnavailableError(
        absl::StrCat("model '", name, "' version ", version, " is not ready: ", failed->second));
  }
  return absl::NotFoundError(absl::StrCat("model '", name, "' has no version ", version));
}

absl::StatusOr<std::vector<int64_t>> ModelRepository::ReadyVersions(
    std::string_view name_view) const {
  const std::string name(name_view);
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return absl::NotFoundError(absl::StrCat("unknown model '", name, "'"));
  std::vector<int64_t> versions;
  for (const auto& [version, model] : it->second->ready) versions.push_back(version);
  return versions;
}

std::vector<std::shared_ptr<const ServingModel>> ModelRepository::ReadyModels() const {
  std::vector<std::shared_ptr<const ServingModel>> models;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, state] : models_) {
      for (const auto& [version, model] : state->ready) models.push_back(model);
    }
  }
  std::sort(models.begin(), models.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a->name(), a->version()) < std::make_pair(b->name(), b->version());
  });
  return models;
}

std::vector<ModelIndexEntry> ModelRepository::Index(bool ready_only) const {
  // Folders on disk are listed too (explicit mode: present but not loaded). Listed without the
  // lock.
  const std::vector<std::string> on_disk =
      ListModelFolders(options_.root).value_or(std::vector<std::string>{});
  std::vector<ModelIndexEntry> entries;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, state] : models_) {
      // While a reload runs, the current versions keep serving but the model is changing.
      const bool reloading = state->transition == ModelReadyState::kLoading;
      for (const auto& [version, model] : state->ready) {
        if (reloading) {
          entries.push_back({name, absl::StrCat(version), ModelReadyState::kLoading,
                             "reloading; this version serves until the reload is done",
                             /*serving=*/true});
        } else {
          entries.push_back(
              {name, absl::StrCat(version), ModelReadyState::kReady, "", /*serving=*/true});
        }
      }
      if (ready_only) continue;
      for (int64_t version : state->unloading) {
        entries.push_back({name, absl::StrCat(version), ModelReadyState::kUnloading, ""});
      }
      for (const auto& [version, reason] : state->failed_versions) {
        if (state->ready.count(version)) continue;
        entries.push_back({name, absl::StrCat(version), ModelReadyState::kUnavailable, reason});
      }
      if (state->ready.empty() && state->unloading.empty() && state->failed_versions.empty()) {
        if (state->transition.has_value()) {
          entries.push_back({name, "", *state->transition, ""});
        } else if (state->model_error.empty()) {
          entries.push_back(NotLoadedEntry(name));
        } else {
          entries.push_back({name, "", ModelReadyState::kUnavailable, state->model_error});
        }
      }
    }
    if (!ready_only) {
      for (const std::string& name : on_disk) {
        if (!models_.contains(name)) entries.push_back(NotLoadedEntry(name));
      }
    }
  }
  std::sort(entries.begin(), entries.end(), [](const ModelIndexEntry& a, const ModelIndexEntry& b) {
    int64_t va = 0, vb = 0;
    (void)absl::SimpleAtoi(a.version, &va);
    (void)absl::SimpleAtoi(b.version, &vb);
    return std::make_pair(a.name, va) < std::make_pair(b.name, vb);
  });
  return entries;
}

absl::Status ModelRepository::Load(std::string_view name_view, const ModelLoadRequest& request) {
  const std::string name(name_view);
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return absl::FailedPreconditionError(
        "models cannot be loaded or unloaded in model control mode 'none' (start fpgaasd with "
        "--model-control-mode=explicit)");
  }
  if (absl::Status status = ValidateModelName(name); !status.ok()) return status;
  return LoadInternal(name, request, /*at_start=*/false);
}

absl::Status ModelRepository::Unload(std::string_view name_view) {
  const std::string name(name_view);
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return absl::FailedPreconditionError(
        "models cannot be loaded or unloaded in model control mode 'none' (start fpgaasd with "
        "--model-control-mode=explicit)");
  }
  std::shared_ptr<ModelState> state;
  std::map<int64_t, std::shared_ptr<ServingModel>> old;
  {
    absl::MutexLock lock(&mu_);
    auto it = models_.find(name);
    if (it == models_.end()) {
      return absl::NotFoundError(absl::StrCat("model '", name, "' is not loaded"));
    }
    state = it->second;
    mu_.Await(absl::Condition(
        +[](ModelState* s) { return !s->busy; }, state.get()));
    if (state->ready.empty()) {
      return absl::NotFoundError(absl::StrCat("model '", name, "' is not loaded"));
    }
    state->busy = true;
    state->transition = ModelReadyState::kUnloading;
    old = std::move(state->ready);
    state->ready.clear();
    for (const auto& [version, model] : old) state->unloading.push_back(version);
  }
  for (auto& [version, model] : old) Retire(std::move(model));
  {
    absl::MutexLock lock(&mu_);
    state->unloading.clear();
    state->failed_versions.clear();
    state->model_error = "unloaded";
    state->transition.reset();
    state->busy = false;
  }
  spdlog::info("repository: unloaded model {}", name);
  return absl::OkStatus();
}

void ModelRepository::Retire(std::shared_ptr<ServingModel> model) {
  // Let requests already queued on the old version finish, then stop it. The version itself lives
  // on while requests still hold it.
  const absl::Time deadline = options_.clock->Now() + options_.drain_timeout;
  if (!model->scheduler()->AwaitDrained(deadline)) {
    spdlog::warn("repository: model {} version {} still had queued requests after {}; failing them",
                 model->name(), model->version(), absl::FormatDuration(options_.drain_timeout));
  }
  model->scheduler()->Shutdown();
}

absl::Status ModelRepository::LoadInternal(const std::string& name, const ModelLoadRequest& request,
                                           bool at_start) {
  const fs::path model_dir = options_.root / name;
  // Only one Load/Unload of a model at a time; lookups keep going meanwhile.
  std::shared_ptr<ModelState> state;
  bool created = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = models_.try_emplace(name, nullptr);
    if (inserted) it->second = std::make_shared<ModelState>();
    created = inserted;
    state = it->second;
    mu_.Await(absl::Condition(
        +[](ModelState* s) { return !s->busy; }, state.get()));
    state->busy = true;
    state->transition = ModelReadyState::kLoading;
  }
  // Called on every exit path: records the outcome, logs it (one line per loaded version, one line
  // for a failure) and wakes waiters.
  auto finish = [&](PreparedModel* prepared, absl::Status status) {
    std::map<int64_t, std::shared_ptr<ServingModel>> old;
    std::vector<std::pair<int64_t, int>> loaded;  // version, compute units
    {
      absl::MutexLock lock(&mu_);
      state->transition.reset();
      state->busy = false;
      // Startup keeps what loaded; a later Load changes the model only when everything loaded.
      bool swap =
          prepared != nullptr && !prepared->ready.empty() && (at_start || prepared->complete());
      if (swap) {
        for (const auto& [version, model] : prepared->ready) {
          loaded.emplace_back(version, model->loaded_->spec().compute_units);
        }
        old = std::move(state->ready);
        state->ready = std::move(prepared->ready);
        state->failed_versions = std::move(prepared->failed_versions);
        state->model_error.clear();
      } else if (state->ready.empty()) {
        // Nothing serves: show why.
        std::error_code ignored;
        if (created && !at_start && !fs::is_directory(model_dir, ignored)) {
          // A failed load (or registration) of a name the repository does not hold leaves no
          // trace, as the repository on disk is unchanged.
          models_.erase(name);
        } else if (prepared != nullptr) {
          state->failed_versions = std::move(prepared->failed_versions);
          state->model_error = prepared->model_error;
          if (state->model_error.empty() && state->failed_versions.empty()) {
            state->model_error = std::string(status.message());
          }
        } else {
          state->failed_versions.clear();
          state->model_error = std::string(status.message());
        }
      }
    }
    for (const auto& [version, compute_units] : loaded) {
      spdlog::info("repository: loaded model {} version {} ({} compute units)", name, version,
                   compute_units);
    }
    if (!status.ok()) {
      const absl::string_view message = status.message();
      if (absl::StrContains(message, absl::StrCat("'", name, "'"))) {
        spdlog::error("repository: {}", std::string(message));
      } else {
        spdlog::error("repository: model '{}' failed to load: {}", name, std::string(message));
      }
    }
    for (auto& [version, model] : old) Retire(std::move(model));
    return status;
  };
  // RESOURCE_EXHAUSTED when a device had no room for a version, else INVALID_ARGUMENT.
  auto load_error = [&name](const PreparedModel& prepared) {
    return absl::Status(prepared.code,
                        absl::StrCat("model '", name, "' failed to load: ", prepared.Failure()));
  };

  std::optional<inference::ModelConfig> config_override;
  if (request.config_json.has_value()) {
    auto parsed = ParseModelConfigJson(*request.config_json);
    if (!parsed.ok()) return finish(nullptr, parsed.status());
    config_override = *std::move(parsed);
  }

  if (request.files.empty()) {
    std::error_code error;
    if (!fs::is_directory(model_dir, error)) {
      return finish(nullptr, absl::NotFoundError(absl::StrCat(
                                 "model '", name, "' is not in the repository (no folder ",
                                 model_dir.string(), ")")));
    }
    ModelFiles files = ReadModelFolder(name, model_dir, config_override);
    WarnDeprecatedConfig(name, files);
    // A later Load is all or nothing: no device work when a version is already known to fail.
    PreparedModel prepared = at_start || files.complete() ? LoadVersions(name, model_dir, files)
                                                          : PreparedModel::FromFiles(files);
    if (prepared.complete()) return finish(&prepared, absl::OkStatus());
    if (!at_start) prepared.Discard();
    return finish(&prepared, load_error(prepared));
  }

  // Registration over the wire: write the files into a hidden staging folder first.
  if (!config_override.has_value()) {
    return finish(nullptr, absl::InvalidArgumentError(
                               "registering a model with files needs the 'config' parameter "
                               "(a JSON ModelConfig)"));
  }
  absl::StatusOr<fs::path> staged =
      StageModelFolder(options_.root, name, request.files, *config_override);
  if (!staged.ok()) return finish(nullptr, staged.status());
  const fs::path staging = *std::move(staged);
  auto remove_staging = [&staging] {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
  };

  // Validate every file from the staging folder before anything in the repository changes.
  ModelFiles files = ReadModelFolder(name, staging, config_override);
  WarnDeprecatedConfig(name, files);
  if (!files.complete()) {
    remove_staging();
    PreparedModel prepared = PreparedModel::FromFiles(files);
    return finish(&prepared, load_error(prepared));
  }
  // One rename puts the model in place; `staging` then holds the previous folder (if any).
  if (absl::Status moved = SwapIntoPlace(staging, model_dir); !moved.ok()) {
    remove_staging();
    return finish(nullptr, moved);
  }
  SyncDirectory(options_.root);
  // Devices read the files (an xclbin) from the model's final folder.
  PreparedModel prepared = LoadVersions(name, model_dir, files);
  if (!prepared.complete()) {
    prepared.Discard();
    absl::Status status = load_error(prepared);
    // Put the previous folder back (or take the new one away when there was none).
    absl::Status restored = RestorePreviousFolder(staging, model_dir);
    SyncDirectory(options_.root);
    if (!restored.ok()) {
      status = absl::Status(status.code(),
                            absl::StrCat(status.message(), "; restoring the previous folder ",
                                         model_dir.string(), " failed: ", restored.message()));
    }
    remove_staging();
    return finish(&prepared, status);
  }
  remove_staging();  // the previous model's folder
  spdlog::info("repository: registered model {} ({} files)", name, request.files.size());
  return finish(&prepared, absl::OkStatus());
}

void ModelRepository::WarnDeprecatedConfig(const std::string& name, const ModelFiles& files) {
  if (!files.validated.has_value() || files.validated->deprecation_warning.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    if (!deprecation_warned_.insert(name).second) return;
  }
  spdlog::warn("repository: {}", files.validated->deprecation_warning);
}

ModelRepository::PreparedModel ModelRepository::LoadVersions(const std::string& name,
                                                             const fs::path& dir,
                                                             const ModelFiles& files) {
  PreparedModel prepared = PreparedModel::FromFiles(files);
  if (!files.validated.has_value()) return prepared;
  for (const auto& [version, version_files] : files.versions) {
    auto model = LoadVersion(name, dir, *files.validated, version, version_files);
    if (model.ok()) {
      prepared.ready[version] = *std::move(model);
    } else {
      prepared.failed_versions[version] = std::string(model.status().message());
      if (model.status().code() == absl::StatusCode::kResourceExhausted) {
        prepared.code = absl::StatusCode::kResourceExhausted;
      }
    }
  }
  return prepared;
}

absl::StatusOr<std::shared_ptr<ServingModel>> ModelRepository::LoadVersion(
    const std::string& name, const fs::path& dir, const ValidatedConfig& validated, int64_t version,
    const VersionFiles& files) {
  const inference::ModelConfig& config = validated.config;
  if (config.max_batch_size() > options_.max_batch_size_limit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_batch_size ", config.max_batch_size(), " is over the server's limit of ",
        options_.max_batch_size_limit, " (--max-batch-size-limit)"));
  }
  const DeviceModelSpec model_spec_for_precisions =
      ToDeviceModelSpec(validated, name, version, dir / absl::StrCat(version), files);
  auto loaded = options_.devices->Load(model_spec_for_precisions);
  if (!loaded.ok()) {
    return absl::Status(loaded.status().code(),
                        absl::StrCat("device: ", loaded.status().message()));
  }

  auto model = std::shared_ptr<ServingModel>(new ServingModel());
  model->name_ = name;
  model->version_ = version;
  model->config_ = config;
  // The config as served says which precisions the device uses, whatever config.pbtxt spelled.
  (*model->config_.mutable_parameters())[kFpgaInputPrecision].set_string_value(
      files.input_type.ToString());
  (*model->config_.mutable_parameters())[kFpgaOutputPrecision].set_string_value(
      files.output_type.ToString());
  model->input_precision_ = &FpgaParameter(model->config_, kFpgaInputPrecision);
  if (auto it = model->config_.parameters().find(kFpgaNonFiniteInputs);
      it != model->config_.parameters().end()) {
    model->non_finite_inputs_ = &it->second.string_value();
  }
  model->inputs_ = validated.inputs;
  model->outputs_ = validated.outputs;
  {
    const DeviceModelSpec& spec = model_spec_for_precisions;
    for (size_t k = 0; k < model->inputs_.size(); ++k) {
      model->inputs_[k].precision = spec.input(int(k)).type.ToString();
    }
    for (size_t k = 0; k < model->outputs_.size(); ++k) {
      model->outputs_[k].precision = spec.output(int(k)).type.ToString();
    }
  }
  model->metrics_ =
      options_.metrics != nullptr ? options_.metrics->ForModel(name, version) : nullptr;
  model->loaded_ = *std::move(loaded);
  auto scheduler = ModelScheduler::Create(ToSchedulerOptions(config), model->loaded_.get(),
                                          options_.clock, model->metrics_);
  if (!scheduler.ok()) {
    return absl::Status(scheduler.status().code(),
                        absl::StrCat("scheduler: ", scheduler.status().message()));
  }
  model->scheduler_ = *std::move(scheduler);
  return model;
}

}  // namespace fpgaas
