#include "server/device/xrt/xrt_device.h"

#include <experimental/xrt_system.h>
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <set>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "server/device/xrt/xclbin_layout.h"
#include "server/device/xrt/xrt_card.h"
#include "server/device/xrt/xrt_watchdog.h"
#include "server/metrics/metrics.h"
#include "spdlog/spdlog.h"

namespace fpgaas {
namespace {

// Holds a Mutex that WriterTryLock acquired, until Release or the end of the scope (so that no
// return path leaves it locked; clang's -Wthread-safety checks the pairing).
class ABSL_SCOPED_LOCKABLE AdoptedWriterLock {
 public:
  explicit AdoptedWriterLock(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) : mu_(mu) {}
  AdoptedWriterLock(const AdoptedWriterLock&) = delete;
  AdoptedWriterLock& operator=(const AdoptedWriterLock&) = delete;
  ~AdoptedWriterLock() ABSL_UNLOCK_FUNCTION() {
    if (mu_ != nullptr) mu_->Unlock();
  }
  void Release() ABSL_UNLOCK_FUNCTION() {
    mu_->Unlock();
    mu_ = nullptr;
  }

 private:
  absl::Mutex* mu_;
};

// The kernels of `xclbin` as xclbin_layout.h describes them.
std::vector<XclbinKernel> DescribeKernels(const xrt::xclbin& xclbin) {
  std::vector<XclbinKernel> kernels;
  for (const xrt::xclbin::kernel& k : xclbin.get_kernels()) {
    XclbinKernel& kernel = kernels.emplace_back();
    kernel.name = k.get_name();
    for (const xrt::xclbin::arg& a : k.get_args()) {
      kernel.arguments.push_back(
          {a.get_name(), a.get_host_type(), a.get_size(), !a.get_mems().empty()});
    }
    for (const xrt::xclbin::ip& cu : k.get_cus()) kernel.compute_units.push_back(cu.get_name());
  }
  return kernels;
}

// The state of a kernel run, for the watchdog.
absl::StatusOr<ComputeUnitQueue::RunState> PollRun(xrt::run& run) {
  ert_cmd_state state;
  try {
    state = run.state();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("XRT error: ", e.what()));
  }
  if (state == ERT_CMD_STATE_COMPLETED) return ComputeUnitQueue::RunState::kCompleted;
  if (state == ERT_CMD_STATE_ERROR || state == ERT_CMD_STATE_ABORT ||
      state == ERT_CMD_STATE_TIMEOUT || state == ERT_CMD_STATE_NORESPONSE) {
    return absl::UnavailableError(
        absl::StrCat("kernel run ended in XRT state ", int(state), " instead of completing"));
  }
  return ComputeUnitQueue::RunState::kRunning;
}

class XrtSlot;

struct ComputeUnit {
  std::string instance;  // "myproject_1"
  int index = 0;         // within the model
  XrtComputeUnitMetrics* metrics = nullptr;  // null without a registry
  // Set by a watchdog trip on this CU, cleared by the card's re-program: meanwhile the CU gets no
  // new batch (its slots run theirs on another CU, or wait for the re-program).
  std::atomic<bool> suspect{false};
  std::atomic<uint64_t> suspect_generation{0};  // card generation the tripped run was made for
  // Trips since the last successful run on this CU; at options.max_compute_unit_trips the CU is
  // retired: no batch runs on it any more (the card goes out of service when all its CUs are).
  std::atomic<int> consecutive_trips{0};
  std::atomic<bool> retired{false};
  ComputeUnitQueue queue;  // its runs in execution order (xrt_watchdog.h)
  // Rebuilt on re-program; read under the card's exec_mu (shared), written under it (exclusive).
  xrt::kernel kernel;
  int input_group = 0;
  int output_group = 0;
  // Runs abandoned by the watchdog: kept alive until the next re-program (a real card's reset
  // ends them; destroying a command XRT still tracks is avoided).
  absl::Mutex abandoned_mu;
  std::vector<xrt::run> abandoned ABSL_GUARDED_BY(abandoned_mu);
};

class XrtLoadedModel final : public LoadedModel, public CardUser {
 public:
  XrtLoadedModel(std::shared_ptr<XrtDevice::Card> card, DeviceModelSpec spec, KernelLayout layout)
      : card_(std::move(card)),
        spec_(std::move(spec)),
        layout_(std::move(layout)),
        deadline_(card_->options, spec_.kernel_timeout) {}
  ~XrtLoadedModel() override;

  // Builds kernels, buffers and slots for the xclbin `uuid` on the card. exec_mu exclusive.
  absl::Status Init(const xrt::uuid& uuid);

  const DeviceModelSpec& spec() const override { return spec_; }
  std::vector<ExecutionSlot*> slots() override { return slot_ptrs_; }
  bool ready() const override {
    return card_->in_service.load() && !swapped_out_.load() && HasUsableUnit();
  }

  absl::Status Execute(XrtSlot& slot, int batch, StageTimes* times);

  // CardUser (xrt_card.h).
  absl::Status BuildKernels(const xrt::uuid& uuid) override;
  void ReleaseKernels() override;
  void MarkSwappedOut() override { swapped_out_.store(true); }
  void RetireUnit(const std::string& instance) override;
  void ClearSuspects() override {
    for (auto& cu : cus_) cu->suspect.store(false);
  }
  bool HasUsableUnit() const override {
    for (const auto& cu : cus_) {
      if (!cu->retired.load()) return true;
    }
    return false;
  }

 private:
  struct Attempt {
    absl::Status status;
    bool timed_out = false;   // the run was abandoned (its own trip or one ahead of it on the CU)
    uint64_t generation = 0;  // card generation the run was made for
  };
  Attempt RunOnce(XrtSlot& slot, ComputeUnit& cu, int batch, StageTimes* times);
  // Retires `cu` (and the same CU of the card's other models); out of service when all are.
  void Retire(ComputeUnit& cu, int trips);
  // The CU a batch of `slot` runs on: its own unless suspect or retired, else another usable one
  // whose banks reach the slot's buffers; a suspect CU with no alternative is re-programmed
  // first. Unavailable when none can take it.
  absl::StatusOr<ComputeUnit*> PickUnit(XrtSlot& slot);
  ComputeUnit& RetryUnit(const ComputeUnit& failed);

  std::shared_ptr<XrtDevice::Card> card_;
  const DeviceModelSpec spec_;
  const KernelLayout layout_;
  std::vector<std::unique_ptr<ComputeUnit>> cus_;
  std::vector<std::unique_ptr<XrtSlot>> slots_;
  std::vector<ExecutionSlot*> slot_ptrs_;
  std::atomic<bool> swapped_out_{false};
  RunDeadline deadline_;
};

class XrtSlot final : public ExecutionSlot {
 public:
  XrtSlot(XrtLoadedModel* model, ComputeUnit* cu, int index, std::string name)
      : model_(model), cu_(cu), index_(index), name_(std::move(name)) {}

  uint8_t* input() override { return input_map_; }
  const uint8_t* output() override { return output_map_; }
  absl::Status Execute(int batch, StageTimes* times) override {
    return model_->Execute(*this, batch, times);
  }
  std::string name() const override { return name_; }
  bool in_service() const override { return model_->ready(); }

  ComputeUnit* cu() const { return cu_; }
  int index() const { return index_; }

  // Owned by the model's code paths (single thread per slot, re-program under exclusive lock).
  xrt::bo input_bo, output_bo;
  uint8_t* input_map_ = nullptr;
  uint8_t* output_map_ = nullptr;
  xrt::run run;                 // cached run on cu_ with the buffers set; empty = rebuild
  uint64_t run_generation = 0;  // card generation `run` was made for

 private:
  XrtLoadedModel* model_;
  ComputeUnit* cu_;
  int index_;
  std::string name_;
};

XrtLoadedModel::~XrtLoadedModel() {
  {
    absl::MutexLock lock(&card_->mu);
    card_->models.erase(this);
  }
  try {
    slots_.clear();
    cus_.clear();
  } catch (const std::exception& e) {
    spdlog::warn("{}: releasing buffers of {}: {}", card_->name, spec_.model_name, e.what());
  }
}

absl::Status XrtLoadedModel::BuildKernels(const xrt::uuid& uuid) {
  for (auto& cu : cus_) {
    const std::string name = absl::StrCat(spec_.kernel_name, ":{", cu->instance, "}");
    try {
      cu->kernel = xrt::kernel(card_->device, uuid, name);
      cu->input_group = cu->kernel.group_id(layout_.input_index);
      cu->output_group = cu->kernel.group_id(layout_.output_index);
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat(card_->name, ": opening compute unit ", name,
                                                 " of ", DescribeModel(spec_), " failed: ", e.what()));
    }
  }
  return absl::OkStatus();
}

void XrtLoadedModel::ReleaseKernels() {
  for (auto& slot : slots_) slot->run = xrt::run();
  for (auto& cu : cus_) {
    cu->kernel = xrt::kernel();
    absl::MutexLock lock(&cu->abandoned_mu);
    cu->abandoned.clear();
  }
}

absl::Status XrtLoadedModel::Init(const xrt::uuid& uuid) {
  for (size_t i = 0; i < layout_.instances.size(); ++i) {
    auto cu = std::make_unique<ComputeUnit>();
    cu->instance = layout_.instances[i];
    cu->index = int(i);
    if (card_->options.metrics != nullptr) {
      cu->metrics = card_->options.metrics->ForXrtComputeUnit(card_->name, cu->instance);
    }
    cus_.push_back(std::move(cu));
  }
  {
    absl::MutexLock lock(&card_->mu);
    for (auto& cu : cus_) {
      if (card_->retired_cus.count(cu->instance) > 0) cu->retired.store(true);
    }
  }
  if (absl::Status s = BuildKernels(uuid); !s.ok()) return s;
  const size_t input_bytes = size_t(spec_.max_batch_size) * spec_.input_bytes_per_sample();
  const size_t output_bytes = size_t(spec_.max_batch_size) * spec_.output_bytes_per_sample();
  // Slots interleave CUs (cu1/buf0, cu2/buf0, cu1/buf1, ...) so a scheduler that starts its first
  // workers first spreads over compute units.
  for (int b = 0; b < card_->options.slots_per_compute_unit; ++b) {
    for (auto& cu : cus_) {
      auto slot = std::make_unique<XrtSlot>(
          this, cu.get(), b, absl::StrCat(card_->name, "/", cu->instance, "/buf", b));
      try {
        slot->input_bo = xrt::bo(card_->device, input_bytes, cu->input_group);
        slot->output_bo = xrt::bo(card_->device, output_bytes, cu->output_group);
        slot->input_map_ = slot->input_bo.map<uint8_t*>();
        slot->output_map_ = slot->output_bo.map<uint8_t*>();
      } catch (const std::exception& e) {
        return absl::ResourceExhaustedError(absl::StrCat(
            card_->name, ": allocating ", input_bytes, "+", output_bytes, " bytes for ",
            slot->name(), " of ", DescribeModel(spec_), " failed: ", e.what()));
      }
      std::memset(slot->input_map_, 0, input_bytes);
      std::memset(slot->output_map_, 0, output_bytes);
      slot_ptrs_.push_back(slot.get());
      slots_.push_back(std::move(slot));
    }
  }
  return absl::OkStatus();
}

XrtLoadedModel::Attempt XrtLoadedModel::RunOnce(XrtSlot& slot, ComputeUnit& cu, int batch,
                                                StageTimes* times) {
  Attempt attempt;
  Clock* clock = card_->options.clock;
  absl::ReaderMutexLock lock(&card_->exec_mu);
  attempt.generation = card_->generation.load();
  if (!card_->in_service.load()) {
    attempt.status = absl::UnavailableError(absl::StrCat(card_->name, " is out of service"));
    return attempt;
  }
  if (swapped_out_.load()) {
    attempt.status = absl::UnavailableError(absl::StrCat(
        DescribeModel(spec_), ": its xclbin was swapped out of ", card_->name, " by another model"));
    return attempt;
  }
  const size_t in_bytes = size_t(batch) * spec_.input_bytes_per_sample();
  const size_t out_bytes = size_t(batch) * spec_.output_bytes_per_sample();
  const std::string where = absl::StrCat(card_->name, "/", cu.instance);
  try {
    const absl::Time t0 = clock->Now();
    slot.input_bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, in_bytes, 0);
    const absl::Time t1 = clock->Now();

    xrt::run fresh;
    xrt::run* run = &fresh;
    if (&cu == slot.cu()) {
      if (!slot.run || slot.run_generation != attempt.generation) {
        slot.run = xrt::run(cu.kernel);
        slot.run.set_arg(layout_.input_index, slot.input_bo);
        slot.run.set_arg(layout_.output_index, slot.output_bo);
        slot.run_generation = attempt.generation;
      }
      run = &slot.run;
    } else {  // on another compute unit with this slot's buffers
      fresh = xrt::run(cu.kernel);
      fresh.set_arg(layout_.input_index, slot.input_bo);
      fresh.set_arg(layout_.output_index, slot.output_bo);
    }
    if (layout_.batch_size_bytes == 8) {
      run->set_arg(layout_.batch_index, uint64_t(batch));
    } else {
      run->set_arg(layout_.batch_index, uint32_t(batch));
    }
    const absl::Duration timeout = deadline_.For(batch);
    const ComputeUnitQueue::Ticket ticket = cu.queue.Submit(*clock, [run] { run->start(); });
    absl::Time end;
    using Outcome = ComputeUnitQueue::Outcome;
    absl::StatusOr<Outcome> waited = cu.queue.Wait(
        ticket, [run] { return PollRun(*run); }, timeout, *clock, card_->options, &end);
    if (!waited.ok() || *waited != Outcome::kCompleted) {
      cu.queue.Abandon(ticket, /*tripped=*/waited.ok() && *waited == Outcome::kTimedOut);
      if (!waited.ok()) {
        attempt.status =
            absl::UnavailableError(absl::StrCat(where, ": ", waited.status().message()));
        return attempt;
      }
      attempt.timed_out = true;
      {
        absl::MutexLock abandoned_lock(&cu.abandoned_mu);
        cu.abandoned.push_back(std::move(*run));
      }
      *run = xrt::run();
      if (*waited == Outcome::kBehindHungRun) {  // not this run's trip: the one ahead counted it
        attempt.status = absl::DeadlineExceededError(
            absl::StrCat(where, ": kernel run queued behind a run that passed its deadline"));
        return attempt;
      }
      cu.suspect_generation.store(attempt.generation);
      cu.suspect.store(true);
      if (cu.metrics != nullptr) cu.metrics->RecordWatchdogTrip();
      const int cu_trips = cu.consecutive_trips.fetch_add(1) + 1;
      const int trips = card_->consecutive_trips.fetch_add(1) + 1;
      spdlog::warn(
          "{}: watchdog: run of {} samples ({}) passed its {} deadline; compute unit "
          "marked suspect ({} trip(s) in a row on it, {} on the card)",
          where, batch, DescribeModel(spec_), absl::FormatDuration(timeout), cu_trips, trips);
      attempt.status = absl::DeadlineExceededError(absl::StrCat(
          where, ": kernel run passed its ", absl::FormatDuration(timeout), " watchdog deadline"));
      if (cu_trips >= card_->options.max_compute_unit_trips) Retire(cu, cu_trips);
      if (trips >= card_->options.max_consecutive_trips) {
        card_->TakeOutOfService(
            absl::StrCat(trips, " watchdog trips without a successful run in between"));
      }
      return attempt;
    }
    const absl::Duration busy = cu.queue.Complete(ticket, end);
    const absl::Time t2 = end;
    slot.output_bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, out_bytes, 0);
    const absl::Time t3 = clock->Now();

    cu.consecutive_trips.store(0);
    card_->consecutive_trips.store(0);
    if (cu.metrics != nullptr) cu.metrics->RecordRun(busy, in_bytes, out_bytes);
    deadline_.Calibrate(busy, batch);
    if (times != nullptr) {
      times->input_transfer = t1 - t0;
      times->compute = t2 - t1;
      times->output_transfer = t3 - t2;
    }
  } catch (const std::exception& e) {
    attempt.status = absl::UnavailableError(absl::StrCat(where, ": XRT error: ", e.what()));
  }
  return attempt;
}

void XrtLoadedModel::RetireUnit(const std::string& instance) {
  for (auto& cu : cus_) {
    if (cu->instance == instance && !cu->retired.exchange(true) && cu->metrics != nullptr) {
      cu->metrics->SetRetired(true);
    }
  }
}

void XrtLoadedModel::Retire(ComputeUnit& cu, int trips) {
  absl::MutexLock lock(&card_->mu);
  card_->retired_cus.insert(cu.instance);
  RetireUnit(cu.instance);  // also when this model is no longer on the card's list
  bool all_retired = true;
  for (CardUser* m : card_->models) {
    m->RetireUnit(cu.instance);
    if (m->HasUsableUnit()) all_retired = false;
  }
  spdlog::error("{}/{}: compute unit retired after {} watchdog trips in a row", card_->name,
                cu.instance, trips);
  if (all_retired) {
    card_->TakeOutOfService(absl::StrCat("every compute unit in use is retired (last: ",
                                         cu.instance, ", ", trips, " watchdog trips in a row)"));
  }
}

ComputeUnit& XrtLoadedModel::RetryUnit(const ComputeUnit& failed) {
  for (size_t k = 1; k < cus_.size(); ++k) {
    ComputeUnit& cu = *cus_[(size_t(failed.index) + k) % cus_.size()];
    // The slot's buffers must sit in banks the other CU reaches.
    if (!cu.suspect.load() && !cu.retired.load() && cu.input_group == failed.input_group &&
        cu.output_group == failed.output_group) {
      return cu;
    }
  }
  return *cus_[size_t(failed.index)];
}

absl::StatusOr<ComputeUnit*> XrtLoadedModel::PickUnit(XrtSlot& slot) {
  ComputeUnit& home = *slot.cu();
  if (!home.suspect.load() && !home.retired.load()) return &home;
  ComputeUnit& other = RetryUnit(home);
  if (&other != &home) return &other;
  if (home.retired.load()) {
    return absl::UnavailableError(absl::StrCat(
        card_->name, "/", home.instance,
        ": compute unit retired after repeated watchdog trips, and no other usable compute unit "
        "reaches this slot's memory banks"));
  }
  // Suspect and alone: it runs again only after the re-program its trip asked for.
  if (absl::Status s = card_->Reprogram(home.suspect_generation.load()); !s.ok()) return s;
  return &home;
}

absl::Status XrtLoadedModel::Execute(XrtSlot& slot, int batch, StageTimes* times) {
  if (batch < 1 || batch > spec_.max_batch_size) {
    return absl::InvalidArgumentError(absl::StrCat(slot.name(), ": batch of ", batch,
                                                   " samples outside 1..", spec_.max_batch_size));
  }
  if (!card_->in_service.load()) {
    return absl::UnavailableError(absl::StrCat(card_->name, " is out of service"));
  }
  absl::StatusOr<ComputeUnit*> cu = PickUnit(slot);
  if (!cu.ok()) return absl::UnavailableError(cu.status().message());
  Attempt first = RunOnce(slot, **cu, batch, times);
  if (!first.timed_out) return first.status;

  // Watchdog trip: reset the card, then one retry, preferably on another compute unit.
  if (absl::Status s = card_->Reprogram(first.generation); !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat(first.status.message(), "; re-programming failed: ", s.message()));
  }
  ComputeUnit* retry_cu = &RetryUnit(**cu);
  if (retry_cu->retired.load()) {
    return absl::UnavailableError(absl::StrCat(first.status.message(), "; ", retry_cu->instance,
                                               " is retired and no other compute unit reaches "
                                               "this slot's memory banks"));
  }
  Attempt second = RunOnce(slot, *retry_cu, batch, times);
  if (second.status.ok()) {
    spdlog::info("{}: batch of {} samples recovered on {}/{} after a watchdog trip", slot.name(),
                 batch, card_->name, retry_cu->instance);
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(first.status.message(), "; retry on ",
                                             retry_cu->instance,
                                             " failed: ", second.status.message()));
}

}  // namespace

struct XrtDevice::Siblings {
  std::vector<std::shared_ptr<Card>> cards;  // fixed after CreateCards
};

XrtDevice::XrtDevice(std::shared_ptr<Card> card, std::shared_ptr<Siblings> siblings)
    : card_(std::move(card)), siblings_(std::move(siblings)) {}
XrtDevice::~XrtDevice() = default;

absl::StatusOr<std::unique_ptr<XrtDevice>> XrtDevice::Create(XrtDeviceOptions options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("XrtDevice: clock is required");
  if (options.card_index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("XrtDevice: card index must be >= 0, got ", options.card_index));
  }
  if (options.slots_per_compute_unit < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "XrtDevice: slots_per_compute_unit must be >= 2, got ", options.slots_per_compute_unit));
  }
  if (options.max_consecutive_trips < 1 || options.max_compute_unit_trips < 1 ||
      options.timeout_factor <= 0 || options.min_poll_interval <= absl::ZeroDuration() ||
      options.max_poll_interval < options.min_poll_interval) {
    return absl::InvalidArgumentError("XrtDevice: invalid watchdog options");
  }
  auto card = std::make_shared<Card>();
  card->name = absl::StrCat("xrt:", options.card_index);
  try {
    card->device = xrt::device(unsigned(options.card_index));
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(card->name, ": cannot open the card: ", e.what()));
  }
  if (options.metrics != nullptr) {
    card->metrics = options.metrics->ForXrtCard(card->name);
    card->metrics->SetInService(true);
  }
  card->options = std::move(options);
  auto siblings = std::make_shared<Siblings>();
  siblings->cards.push_back(card);
  return std::unique_ptr<XrtDevice>(new XrtDevice(std::move(card), std::move(siblings)));
}

absl::StatusOr<std::vector<std::unique_ptr<XrtDevice>>> XrtDevice::CreateCards(
    const std::vector<int>& card_indices, const XrtDeviceOptions& options) {
  auto siblings = std::make_shared<Siblings>();
  std::vector<std::unique_ptr<XrtDevice>> devices;
  for (int index : card_indices) {
    XrtDeviceOptions card_options = options;
    card_options.card_index = index;
    absl::StatusOr<std::unique_ptr<XrtDevice>> device = Create(std::move(card_options));
    if (!device.ok()) return device.status();
    siblings->cards.push_back((*device)->card_);
    devices.push_back(std::move(*device));
  }
  for (auto& device : devices) device->siblings_ = siblings;
  return devices;
}

std::string XrtDevice::name() const { return card_->name; }

bool XrtDevice::healthy() const { return card_->in_service.load(); }

bool XrtDevice::free() const {
  absl::MutexLock lock(&card_->mu);
  return card_->models.empty();
}

absl::StatusOr<std::unique_ptr<LoadedModel>> XrtDevice::Load(const DeviceModelSpec& spec) {
  return LoadImpl(spec, /*allow_swap=*/false, /*swap_if_no_sibling=*/true);
}

absl::StatusOr<std::unique_ptr<LoadedModel>> XrtDevice::Load(const DeviceModelSpec& spec,
                                                             bool allow_swap) {
  return LoadImpl(spec, allow_swap, /*swap_if_no_sibling=*/false);
}

absl::StatusOr<std::unique_ptr<LoadedModel>> XrtDevice::LoadImpl(const DeviceModelSpec& model_spec,
                                                                 bool allow_swap,
                                                                 bool swap_if_no_sibling) {
  DeviceModelSpec spec = model_spec;
  if (spec.kernel_arguments.empty()) spec.kernel_arguments = {"input", "output", "batch_size"};
  if (absl::Status s = ValidateXrtModelSpec(spec); !s.ok()) return s;
  if (!card_->in_service.load()) {
    return absl::UnavailableError(absl::StrCat(card_->name, " is out of service"));
  }
  const std::string path = (spec.version_dir / spec.xclbin).string();
  if (absl::Status s = CheckXclbinFile(path, spec); !s.ok()) return s;
  xrt::xclbin xclbin;
  std::string uuid;
  try {
    xclbin = xrt::xclbin(path);
    uuid = xclbin.get_uuid().to_string();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(DescribeModel(spec), ": XRT cannot read ", path, ": ", e.what()));
  }
  absl::StatusOr<KernelLayout> layout;
  try {
    layout = MatchKernelLayout(DescribeKernels(xclbin), spec, path);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(DescribeModel(spec), ": reading the kernels of ", path, ": ", e.what()));
  }
  if (!layout.ok()) return layout.status();

  if (swap_if_no_sibling) {
    allow_swap = SwapAllowedAmongSiblings(siblings_->cards, *card_, spec, uuid);
  }

  // The card already holds this xclbin: no download, so runs of the models here may go on. A
  // shared hold keeps re-programming and swaps out while the new kernels and buffers are made.
  {
    absl::ReaderMutexLock exec_lock(&card_->exec_mu);
    bool loaded;
    {
      absl::MutexLock lock(&card_->mu);
      loaded = card_->uuid == uuid;
    }
    if (loaded) {
      auto model = std::make_unique<XrtLoadedModel>(card_, spec, *std::move(layout));
      if (absl::Status s = model->Init(xclbin.get_uuid()); !s.ok()) return s;
      absl::MutexLock lock(&card_->mu);
      card_->models.insert(model.get());
      spdlog::info("{}: {} ready on the loaded xclbin: kernel {} on {} compute unit(s), {} slots",
                   card_->name, DescribeModel(spec), spec.kernel_name, spec.compute_units,
                   model->slots().size());
      return std::unique_ptr<LoadedModel>(std::move(model));
    }
  }

  // A download: exclusive access to the card, so that no run of a model already here is in flight
  // while we program. Never wait for busy cards: a swap happens only when the card is idle.
  if (!card_->exec_mu.WriterTryLock()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(card_->name, " is busy running kernels; cannot place ", DescribeModel(spec)));
  }
  AdoptedWriterLock exec_lock(&card_->exec_mu);
  auto model = std::make_unique<XrtLoadedModel>(card_, spec, *std::move(layout));
  absl::Status status = card_->PlaceXclbin(xclbin, path, uuid, allow_swap, DescribeModel(spec));
  if (status.ok()) status = model->Init(xclbin.get_uuid());
  if (status.ok()) {
    absl::MutexLock lock(&card_->mu);
    card_->models.insert(model.get());
  }
  exec_lock.Release();
  if (!status.ok()) return status;
  spdlog::info("{}: {} ready: kernel {} on {} compute unit(s), {} slots", card_->name,
               DescribeModel(spec), spec.kernel_name, spec.compute_units, model->slots().size());
  return std::unique_ptr<LoadedModel>(std::move(model));
}

absl::StatusOr<XrtSlotInfo> InspectXrtSlot(ExecutionSlot& slot) {
  auto* xrt_slot = dynamic_cast<XrtSlot*>(&slot);
  if (xrt_slot == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(slot.name(), " is not an XRT slot"));
  }
  XrtSlotInfo info;
  info.compute_unit = xrt_slot->cu()->instance;
  info.input_memory_group = xrt_slot->cu()->input_group;
  info.output_memory_group = xrt_slot->cu()->output_group;
  try {
    info.input_buffer_bytes = xrt_slot->input_bo.size();
    info.output_buffer_bytes = xrt_slot->output_bo.size();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(slot.name(), ": XRT error: ", e.what()));
  }
  return info;
}

absl::StatusOr<std::string> ReadXrtDeviceInput(ExecutionSlot& slot, size_t bytes) {
  auto* xrt_slot = dynamic_cast<XrtSlot*>(&slot);
  if (xrt_slot == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(slot.name(), " is not an XRT slot"));
  }
  try {
    if (bytes > xrt_slot->input_bo.size()) {
      return absl::OutOfRangeError(absl::StrCat(slot.name(), ": input buffer holds only ",
                                                xrt_slot->input_bo.size(), " bytes"));
    }
    std::string data(bytes, '\0');
    xrt_slot->input_bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, bytes, 0);
    xrt_slot->input_bo.read(data.data(), bytes, 0);
    return data;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(slot.name(), ": XRT error: ", e.what()));
  }
}

absl::StatusOr<int> CountXrtCards() {
  try {
    return int(xrt::system::enumerate_devices());
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("XRT: cannot enumerate cards: ", e.what()));
  }
}

bool RealXrtCardPresent() {
  if (std::getenv("XCL_EMULATION_MODE") != nullptr) return false;
  absl::StatusOr<int> cards = CountXrtCards();
  return cards.ok() && *cards > 0;
}

}  // namespace fpgaas
