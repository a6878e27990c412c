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
#include <fstream>
#include <set>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
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

// Counters that may be absent (no registry): every update goes through these helpers.
void Inc(prometheus::Counter* c, double v = 1) {
  if (c != nullptr) c->Increment(v);
}
void Set(prometheus::Gauge* g, double v) {
  if (g != nullptr) g->Set(v);
}

struct CuMetrics {
  prometheus::Counter* runs = nullptr;
  prometheus::Counter* busy_seconds = nullptr;
  prometheus::Counter* bytes_to_device = nullptr;
  prometheus::Counter* bytes_from_device = nullptr;
  prometheus::Counter* watchdog_trips = nullptr;
  prometheus::Gauge* retired = nullptr;
};

struct CardMetrics {
  prometheus::Counter* xclbin_loads = nullptr;
  prometheus::Counter* resets = nullptr;
  prometheus::Counter* swaps = nullptr;
  prometheus::Counter* out_of_service = nullptr;
  prometheus::Gauge* in_service = nullptr;
};

CardMetrics MakeCardMetrics(prometheus::Registry* registry, const std::string& card) {
  CardMetrics m;
  if (registry == nullptr) return m;
  const prometheus::Labels labels = {{"device", card}};
  m.xclbin_loads = &prometheus::BuildCounter()
                        .Name("fpgaas_xrt_xclbin_loads_total")
                        .Help("xclbin downloads to the card (first loads, swaps and resets)")
                        .Register(*registry)
                        .Add(labels);
  m.resets = &prometheus::BuildCounter()
                  .Name("fpgaas_xrt_resets_total")
                  .Help("Card re-programmings after a watchdog trip")
                  .Register(*registry)
                  .Add(labels);
  m.swaps = &prometheus::BuildCounter()
                 .Name("fpgaas_xrt_xclbin_swaps_total")
                 .Help("xclbin replaced by another model's xclbin")
                 .Register(*registry)
                 .Add(labels);
  m.out_of_service = &prometheus::BuildCounter()
                          .Name("fpgaas_xrt_out_of_service_total")
                          .Help("Times the card was taken out of service after repeated failures")
                          .Register(*registry)
                          .Add(labels);
  m.in_service = &prometheus::BuildGauge()
                      .Name("fpgaas_xrt_in_service")
                      .Help("1 while the card serves, 0 once taken out of service")
                      .Register(*registry)
                      .Add(labels);
  return m;
}

CuMetrics MakeCuMetrics(prometheus::Registry* registry, const std::string& card,
                        const std::string& cu) {
  CuMetrics m;
  if (registry == nullptr) return m;
  const prometheus::Labels labels = {{"device", card}, {"compute_unit", cu}};
  m.runs = &prometheus::BuildCounter()
                .Name("fpgaas_xrt_runs_total")
                .Help("Kernel runs completed by the compute unit")
                .Register(*registry)
                .Add(labels);
  m.busy_seconds =
      &prometheus::BuildCounter()
           .Name("fpgaas_xrt_busy_seconds_total")
           .Help("Time the compute unit spent running kernels, seconds (utilization = rate)")
           .Register(*registry)
           .Add(labels);
  m.bytes_to_device = &prometheus::BuildCounter()
                           .Name("fpgaas_xrt_bytes_to_device_total")
                           .Help("Bytes synced host -> device for the compute unit")
                           .Register(*registry)
                           .Add(labels);
  m.bytes_from_device = &prometheus::BuildCounter()
                             .Name("fpgaas_xrt_bytes_from_device_total")
                             .Help("Bytes synced device -> host for the compute unit")
                             .Register(*registry)
                             .Add(labels);
  m.watchdog_trips = &prometheus::BuildCounter()
                          .Name("fpgaas_xrt_watchdog_trips_total")
                          .Help("Kernel runs that passed their watchdog deadline")
                          .Register(*registry)
                          .Add(labels);
  m.retired = &prometheus::BuildGauge()
                   .Name("fpgaas_xrt_compute_unit_retired")
                   .Help("1 once the compute unit is retired after repeated watchdog trips")
                   .Register(*registry)
                   .Add(labels);
  return m;
}

enum class ArgRole { kInput, kOutput, kBatchSize };

// Where the kernel takes its three arguments, checked against the xclbin.
struct KernelLayout {
  int input_index = -1;
  int output_index = -1;
  int batch_index = -1;
  size_t batch_size_bytes = 4;         // 4 (unsigned int) or 8 (uint64_t)
  std::vector<std::string> instances;  // CU instance names, e.g. "myproject_1", first N used
};

bool IsPointer(const xrt::xclbin::arg& arg) {
  return !arg.get_mems().empty() || arg.get_host_type().find('*') != std::string::npos;
}

std::string Describe(const DeviceModelSpec& spec) {
  return absl::StrCat("model '", spec.model_name, "' version ", spec.version);
}

absl::Status ValidateSpec(const DeviceModelSpec& spec) {
  const std::string who = Describe(spec);
  if (spec.kernel_name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": fpga.kernel_name is empty"));
  }
  if (spec.xclbin.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": no xclbin/awsxclbin configured (fpga.xclbin) for an XRT device"));
  }
  if (spec.max_batch_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": max_batch_size must be >= 1, got ", spec.max_batch_size));
  }
  if (spec.compute_units < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, ": compute units (instance_group count) must be >= 1, got ", spec.compute_units));
  }
  if (spec.input_size < 1 || spec.output_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": input/output sizes must be >= 1, got ",
                                                   spec.input_size, "/", spec.output_size));
  }
  if (spec.kernel_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": negative kernel timeout"));
  }
  int counts[3] = {0, 0, 0};
  for (const std::string& a : spec.kernel_arguments) {
    if (a == "input") {
      ++counts[0];
    } else if (a == "output") {
      ++counts[1];
    } else if (a == "batch_size") {
      ++counts[2];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(who, ": unknown kernel argument '", a,
                                                     "' (expected input, output or batch_size)"));
    }
  }
  const char* names[3] = {"input", "output", "batch_size"};
  for (int i = 0; i < 3; ++i) {
    if (counts[i] != 1) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": fpga.kernel_arguments [",
                                                     absl::StrJoin(spec.kernel_arguments, ", "),
                                                     "] must name '", names[i], "' exactly once"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<KernelLayout> ValidateKernel(const xrt::xclbin& xclbin, const DeviceModelSpec& spec,
                                            const std::string& path) {
  const std::string who = absl::StrCat(Describe(spec), ": ", path);
  xrt::xclbin::kernel kernel;
  std::vector<std::string> kernel_names;
  for (const xrt::xclbin::kernel& k : xclbin.get_kernels()) {
    kernel_names.push_back(k.get_name());
    if (k.get_name() == spec.kernel_name) kernel = k;
  }
  if (!kernel) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, " has no kernel '", spec.kernel_name,
        "' (it has: ", kernel_names.empty() ? "none" : absl::StrJoin(kernel_names, ", "), ")"));
  }
  std::vector<xrt::xclbin::arg> args = kernel.get_args();
  std::vector<std::string> arg_names;
  for (const auto& a : args) arg_names.push_back(a.get_name());
  if (args.size() != spec.kernel_arguments.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, ": kernel '", spec.kernel_name, "' takes ", args.size(), " arguments (",
        absl::StrJoin(arg_names, ", "), ") but fpga.kernel_arguments names ",
        spec.kernel_arguments.size(), " (", absl::StrJoin(spec.kernel_arguments, ", "), ")"));
  }
  KernelLayout layout;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& role = spec.kernel_arguments[i];
    const bool pointer = IsPointer(args[i]);
    const std::string arg_desc =
        absl::StrCat("argument ", i, " '", args[i].get_name(), "' (", args[i].get_host_type(), ")");
    if (role == "batch_size") {
      if (pointer) {
        return absl::InvalidArgumentError(absl::StrCat(who, ": kernel '", spec.kernel_name, "' ",
                                                       arg_desc,
                                                       " is a memory pointer but config names it "
                                                       "batch_size (a scalar)"));
      }
      const uint64_t size = args[i].get_size();
      if (size != 4 && size != 8) {
        return absl::InvalidArgumentError(
            absl::StrCat(who, ": kernel '", spec.kernel_name, "' ", arg_desc, " is ", size,
                         " bytes; batch_size must be a 4- or 8-byte integer"));
      }
      layout.batch_index = int(i);
      layout.batch_size_bytes = size;
    } else {
      if (!pointer) {
        return absl::InvalidArgumentError(
            absl::StrCat(who, ": kernel '", spec.kernel_name, "' ", arg_desc,
                         " is a scalar but config names it ", role, " (a memory pointer)"));
      }
      (role == "input" ? layout.input_index : layout.output_index) = int(i);
    }
  }
  const std::string prefix = spec.kernel_name + ":";
  for (const xrt::xclbin::ip& cu : kernel.get_cus()) {
    std::string name = cu.get_name();
    if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
    layout.instances.push_back(name);
  }
  if (int(layout.instances.size()) < spec.compute_units) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": kernel '", spec.kernel_name, "' has ", layout.instances.size(),
                     " compute unit(s) but instance_group asks for ", spec.compute_units));
  }
  layout.instances.resize(spec.compute_units);
  return layout;
}

// Checks the container's magic before XRT parses it, for a clear message on a truncated or foreign
// file.
absl::Status CheckXclbinFile(const std::string& path, const DeviceModelSpec& spec) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(Describe(spec), ": xclbin file ", path, " not found or not readable"));
  }
  char magic[8] = {};
  file.read(magic, sizeof(magic));
  if (file.gcount() != sizeof(magic) || std::memcmp(magic, "xclbin2", 8) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        Describe(spec), ": ", path, " is not an xclbin (missing the \"xclbin2\" magic)"));
  }
  file.seekg(0, std::ios::end);
  const auto size = uint64_t(file.tellg());
  uint64_t declared = 0;
  file.seekg(offsetof(axlf, m_header) + offsetof(axlf_header, m_length));
  file.read(reinterpret_cast<char*>(&declared), sizeof(declared));
  if (!file || size < sizeof(axlf) || declared != size) {
    return absl::InvalidArgumentError(absl::StrCat(Describe(spec), ": ", path,
                                                   " is corrupt: header says ", declared,
                                                   " bytes, file has ", size));
  }
  return absl::OkStatus();
}

class XrtLoadedModel;

}  // namespace

struct XrtDevice::Card {
  XrtDeviceOptions options;
  std::string name;  // "xrt:N"
  xrt::device device;
  CardMetrics metrics;

  // Every kernel run holds it shared (from sync-in to sync-out); re-programming, swaps and
  // kernel-object rebuilds hold it exclusively.
  absl::Mutex exec_mu ABSL_ACQUIRED_BEFORE(mu);
  // Bumped by every (re)program: runs and kernels made before it are stale.
  std::atomic<uint64_t> generation{0};
  std::atomic<bool> in_service{true};
  std::atomic<int> consecutive_trips{0};

  mutable absl::Mutex mu;
  std::string uuid ABSL_GUARDED_BY(mu);  // of the xclbin on the card ("" = none yet)
  xrt::xclbin xclbin ABSL_GUARDED_BY(mu);
  std::string xclbin_path ABSL_GUARDED_BY(mu);
  std::set<XrtLoadedModel*> models ABSL_GUARDED_BY(mu);  // live models using the xclbin
  // Compute unit instances of the current xclbin retired after repeated watchdog trips: a
  // re-program does not bring them back, another xclbin does.
  std::set<std::string> retired_cus ABSL_GUARDED_BY(mu);

  // Downloads `x` (exclusive access to the card required from the caller).
  absl::Status Program(const xrt::xclbin& x, const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    absl::Status fault = options.download_fault ? options.download_fault(path) : absl::OkStatus();
    try {
      if (fault.ok()) device.load_xclbin(x);
    } catch (const std::exception& e) {
      fault = absl::UnknownError(e.what());
    }
    if (!fault.ok()) {
      uuid.clear();  // what the card holds after a failed download is unknown
      retired_cus.clear();
      return absl::UnavailableError(
          absl::StrCat(name, ": loading xclbin ", path, " failed: ", fault.message()));
    }
    const std::string new_uuid = x.get_uuid().to_string();
    if (new_uuid != uuid) retired_cus.clear();
    uuid = new_uuid;
    xclbin = x;
    xclbin_path = path;
    generation.fetch_add(1);
    Inc(metrics.xclbin_loads);
    spdlog::info("{}: loaded xclbin {} (uuid {})", name, path, uuid);
    return absl::OkStatus();
  }

  void TakeOutOfService(const std::string& why) {
    if (in_service.exchange(false)) {
      Inc(metrics.out_of_service);
      Set(metrics.in_service, 0);
      spdlog::error("{}: taken out of service: {}", name, why);
    }
  }
};

namespace {

class XrtSlot;

struct ComputeUnit {
  std::string instance;  // "myproject_1"
  int index = 0;         // within the model
  CuMetrics metrics;
  // Set by a watchdog trip on this CU, cleared by the card's re-program: meanwhile the CU gets no
  // new batch (its slots run theirs on another CU, or wait for the re-program).
  std::atomic<bool> suspect{false};
  std::atomic<uint64_t> suspect_generation{0};  // card generation the tripped run was made for
  // Trips since the last successful run on this CU; at options.max_compute_unit_trips the CU is
  // retired: no batch runs on it any more (the card goes out of service when all its CUs are).
  std::atomic<int> consecutive_trips{0};
  std::atomic<bool> retired{false};
  // Runs submitted to this CU execute one after another, in submission order. A run's deadline
  // and busy time start when it starts executing: at its submission or when the run before it on
  // the CU ended, whichever is later.
  absl::Mutex queue_mu;
  uint64_t next_ticket ABSL_GUARDED_BY(queue_mu) = 0;
  std::set<uint64_t> in_flight ABSL_GUARDED_BY(queue_mu);  // submitted, neither ended nor abandoned
  absl::Time last_end ABSL_GUARDED_BY(queue_mu) = absl::InfinitePast();
  uint64_t trips ABSL_GUARDED_BY(queue_mu) = 0;  // bumped by each trip: runs queued behind give up
  // Rebuilt on re-program; read under the card's exec_mu (shared), written under it (exclusive).
  xrt::kernel kernel;
  int input_group = 0;
  int output_group = 0;
  // Runs abandoned by the watchdog: kept alive until the next re-program (a real card's reset
  // ends them; destroying a command XRT still tracks is avoided).
  absl::Mutex abandoned_mu;
  std::vector<xrt::run> abandoned ABSL_GUARDED_BY(abandoned_mu);
};

class XrtLoadedModel final : public LoadedModel {
 public:
  XrtLoadedModel(std::shared_ptr<XrtDevice::Card> card, DeviceModelSpec spec, KernelLayout layout)
      : card_(std::move(card)), spec_(std::move(spec)), layout_(std::move(layout)) {}
  ~XrtLoadedModel() override;

  // Builds kernels, buffers and slots for the xclbin `uuid` on the card. exec_mu exclusive.
  absl::Status Init(const xrt::uuid& uuid);

  const DeviceModelSpec& spec() const override { return spec_; }
  std::vector<ExecutionSlot*> slots() override { return slot_ptrs_; }
  bool ready() const override {
    if (!card_->in_service.load() || swapped_out_.load()) return false;
    for (const auto& cu : cus_) {
      if (!cu->retired.load()) return true;
    }
    return false;
  }

  absl::Status Execute(XrtSlot& slot, int batch, StageTimes* times);

  // Kernel objects of every CU (re)made for the card's current xclbin. exec_mu exclusive.
  absl::Status BuildKernels(const xrt::uuid& uuid);
  // Drops kernel objects and runs (before a download). exec_mu exclusive.
  void ReleaseKernels();
  void MarkSwappedOut() { swapped_out_.store(true); }
  // Marks this model's CU `instance` retired. Card mu held.
  void RetireUnit(const std::string& instance);
  // A re-program resets every compute unit. exec_mu exclusive.
  void ClearSuspects() {
    for (auto& cu : cus_) cu->suspect.store(false);
  }

 private:
  struct Attempt {
    absl::Status status;
    bool timed_out = false;   // the run was abandoned (its own trip or one ahead of it on the CU)
    uint64_t generation = 0;  // card generation the run was made for
  };
  Attempt RunOnce(XrtSlot& slot, ComputeUnit& cu, int batch, StageTimes* times);
  enum class Wait { kCompleted, kTimedOut, kBehindHungRun };
  // Waits for `run`, ticket `ticket` on `cu` submitted at `submitted`, with the watchdog deadline
  // `timeout` after it starts executing. *end = when it was seen completed.
  absl::StatusOr<Wait> WaitWithWatchdog(xrt::run& run, ComputeUnit& cu, uint64_t ticket,
                                        uint64_t trips_at_submit, absl::Time submitted,
                                        absl::Duration timeout, absl::Time* end);
  // Retires `cu` (and the same CU of the card's other models); out of service when all are.
  void Retire(ComputeUnit& cu, int trips);
  // The CU a batch of `slot` runs on: its own unless suspect or retired, else another usable one
  // whose banks reach the slot's buffers; a suspect CU with no alternative is re-programmed
  // first. Unavailable when none can take it.
  absl::StatusOr<ComputeUnit*> PickUnit(XrtSlot& slot);
  // Re-programs the card unless someone already did since `generation`.
  absl::Status Reprogram(uint64_t generation);
  absl::Duration Deadline(int batch);
  void Calibrate(absl::Duration compute, int batch);
  ComputeUnit& RetryUnit(const ComputeUnit& failed);

  std::shared_ptr<XrtDevice::Card> card_;
  const DeviceModelSpec spec_;
  const KernelLayout layout_;
  std::vector<std::unique_ptr<ComputeUnit>> cus_;
  std::vector<std::unique_ptr<XrtSlot>> slots_;
  std::vector<ExecutionSlot*> slot_ptrs_;
  std::atomic<bool> swapped_out_{false};

  absl::Mutex calibration_mu_;
  int calibrated_runs_ ABSL_GUARDED_BY(calibration_mu_) = 0;
  double max_us_per_sample_ ABSL_GUARDED_BY(calibration_mu_) = 0;

  // Only for pausing between state polls in Clock time; never signalled.
  absl::Mutex poll_mu_;
  absl::CondVar poll_cv_;
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
                                                 " of ", Describe(spec_), " failed: ", e.what()));
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
    cu->metrics = MakeCuMetrics(card_->options.metrics.get(), card_->name, cu->instance);
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
            slot->name(), " of ", Describe(spec_), " failed: ", e.what()));
      }
      std::memset(slot->input_map_, 0, input_bytes);
      std::memset(slot->output_map_, 0, output_bytes);
      slot_ptrs_.push_back(slot.get());
      slots_.push_back(std::move(slot));
    }
  }
  return absl::OkStatus();
}

absl::Duration XrtLoadedModel::Deadline(int batch) {
  if (spec_.kernel_timeout > absl::ZeroDuration()) return spec_.kernel_timeout;
  const XrtDeviceOptions& o = card_->options;
  absl::MutexLock lock(&calibration_mu_);
  if (calibrated_runs_ < o.calibration_runs) return o.initial_kernel_timeout;
  return std::max(o.timeout_floor,
                  absl::Microseconds(o.timeout_factor * max_us_per_sample_ * double(batch)));
}

void XrtLoadedModel::Calibrate(absl::Duration compute, int batch) {
  const double us_per_sample = absl::ToDoubleMicroseconds(compute) / double(batch);
  absl::MutexLock lock(&calibration_mu_);
  ++calibrated_runs_;
  max_us_per_sample_ = std::max(max_us_per_sample_, us_per_sample);
}

absl::StatusOr<XrtLoadedModel::Wait> XrtLoadedModel::WaitWithWatchdog(
    xrt::run& run, ComputeUnit& cu, uint64_t ticket, uint64_t trips_at_submit, absl::Time submitted,
    absl::Duration timeout, absl::Time* end) {
  Clock* clock = card_->options.clock;
  absl::Duration interval = card_->options.min_poll_interval;
  for (;;) {
    ert_cmd_state state;
    try {
      state = run.state();
    } catch (const std::exception& e) {  // the caller must take the run off its CU's queue
      return absl::UnavailableError(absl::StrCat("XRT error: ", e.what()));
    }
    if (state == ERT_CMD_STATE_COMPLETED) {
      *end = clock->Now();
      return Wait::kCompleted;
    }
    if (state == ERT_CMD_STATE_ERROR || state == ERT_CMD_STATE_ABORT ||
        state == ERT_CMD_STATE_TIMEOUT || state == ERT_CMD_STATE_NORESPONSE) {
      return absl::UnavailableError(
          absl::StrCat("kernel run ended in XRT state ", int(state), " instead of completing"));
    }
    const absl::Time now = clock->Now();
    absl::Time deadline = absl::InfiniteFuture();  // not executing yet: no deadline
    {
      absl::MutexLock lock(&cu.queue_mu);
      // A run ahead of ours on this CU hung: ours cannot start before the re-program.
      if (cu.trips != trips_at_submit) return Wait::kBehindHungRun;
      if (cu.in_flight.empty() || *cu.in_flight.begin() == ticket) {
        deadline = std::max(submitted, cu.last_end) + timeout;
      }
    }
    if (now >= deadline) return Wait::kTimedOut;
    absl::MutexLock lock(&poll_mu_);
    clock->WaitWithDeadline(&poll_mu_, &poll_cv_, std::min(deadline, now + interval));
    interval = std::min(interval * 2, card_->options.max_poll_interval);
  }
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
        Describe(spec_), ": its xclbin was swapped out of ", card_->name, " by another model"));
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
    const absl::Duration timeout = Deadline(batch);
    uint64_t ticket, trips_at_submit;
    absl::Time submitted;
    {
      // Tickets follow submission order, the order the CU executes runs in.
      absl::MutexLock queue_lock(&cu.queue_mu);
      ticket = cu.next_ticket++;
      trips_at_submit = cu.trips;
      submitted = clock->Now();
      run->start();
      cu.in_flight.insert(ticket);
    }
    absl::Time end;
    absl::StatusOr<Wait> waited =
        WaitWithWatchdog(*run, cu, ticket, trips_at_submit, submitted, timeout, &end);
    if (!waited.ok() || *waited != Wait::kCompleted) {
      {
        absl::MutexLock queue_lock(&cu.queue_mu);
        if (waited.ok() && *waited == Wait::kTimedOut) ++cu.trips;  // before leaving the queue
        cu.in_flight.erase(ticket);
      }
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
      if (*waited == Wait::kBehindHungRun) {  // not this run's trip: the one ahead counted it
        attempt.status = absl::DeadlineExceededError(
            absl::StrCat(where, ": kernel run queued behind a run that passed its deadline"));
        return attempt;
      }
      cu.suspect_generation.store(attempt.generation);
      cu.suspect.store(true);
      Inc(cu.metrics.watchdog_trips);
      const int cu_trips = cu.consecutive_trips.fetch_add(1) + 1;
      const int trips = card_->consecutive_trips.fetch_add(1) + 1;
      spdlog::warn(
          "{}: watchdog: run of {} samples ({}) passed its {} deadline; compute unit "
          "marked suspect ({} trip(s) in a row on it, {} on the card)",
          where, batch, Describe(spec_), absl::FormatDuration(timeout), cu_trips, trips);
      attempt.status = absl::DeadlineExceededError(absl::StrCat(
          where, ": kernel run passed its ", absl::FormatDuration(timeout), " watchdog deadline"));
      if (cu_trips >= card_->options.max_compute_unit_trips) Retire(cu, cu_trips);
      if (trips >= card_->options.max_consecutive_trips) {
        card_->TakeOutOfService(
            absl::StrCat(trips, " watchdog trips without a successful run in between"));
      }
      return attempt;
    }
    absl::Duration busy;
    {
      absl::MutexLock queue_lock(&cu.queue_mu);
      // Executing from when it was submitted or when the run before it ended. A run whose
      // predecessor's end was not yet seen counts from its own submission; the predecessor then
      // counts nothing past this end, so the CU's busy time never exceeds wall time.
      busy = std::max(absl::ZeroDuration(), end - std::max(submitted, cu.last_end));
      cu.last_end = std::max(cu.last_end, end);
      cu.in_flight.erase(ticket);
    }
    const absl::Time t2 = end;
    slot.output_bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, out_bytes, 0);
    const absl::Time t3 = clock->Now();

    cu.consecutive_trips.store(0);
    card_->consecutive_trips.store(0);
    Inc(cu.metrics.runs);
    Inc(cu.metrics.busy_seconds, absl::ToDoubleSeconds(busy));
    Inc(cu.metrics.bytes_to_device, double(in_bytes));
    Inc(cu.metrics.bytes_from_device, double(out_bytes));
    Calibrate(busy, batch);
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
    if (cu->instance == instance && !cu->retired.exchange(true)) Set(cu->metrics.retired, 1);
  }
}

void XrtLoadedModel::Retire(ComputeUnit& cu, int trips) {
  absl::MutexLock lock(&card_->mu);
  card_->retired_cus.insert(cu.instance);
  RetireUnit(cu.instance);  // also when this model is no longer on the card's list
  bool all_retired = true;
  for (XrtLoadedModel* m : card_->models) {
    m->RetireUnit(cu.instance);
    for (auto& c : m->cus_) {
      if (!c->retired.load()) all_retired = false;
    }
  }
  spdlog::error("{}/{}: compute unit retired after {} watchdog trips in a row", card_->name,
                cu.instance, trips);
  if (all_retired) {
    card_->TakeOutOfService(absl::StrCat("every compute unit in use is retired (last: ",
                                         cu.instance, ", ", trips, " watchdog trips in a row)"));
  }
}

absl::Status XrtLoadedModel::Reprogram(uint64_t generation) {
  absl::WriterMutexLock exec_lock(&card_->exec_mu);
  if (card_->generation.load() != generation) return absl::OkStatus();  // done by another slot
  if (!card_->in_service.load()) return absl::UnavailableError(card_->name + " is out of service");
  absl::MutexLock lock(&card_->mu);
  // Contexts on the old programming must be gone before a download (a real card refuses it while
  // compute units are open); every model on the card rebuilds its kernel objects afterwards.
  for (XrtLoadedModel* m : card_->models) m->ReleaseKernels();
  absl::Status status = card_->Program(card_->xclbin, card_->xclbin_path);
  if (status.ok()) {
    Inc(card_->metrics.resets);
    spdlog::warn("{}: re-programmed after a watchdog trip", card_->name);
    const xrt::uuid uuid = card_->xclbin.get_uuid();
    for (XrtLoadedModel* m : card_->models) {
      if (absl::Status s = m->BuildKernels(uuid); !s.ok() && status.ok()) status = s;
      m->ClearSuspects();
    }
  }
  if (!status.ok()) card_->TakeOutOfService(status.ToString());
  return status;
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
  if (absl::Status s = Reprogram(home.suspect_generation.load()); !s.ok()) return s;
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
  if (absl::Status s = Reprogram(first.generation); !s.ok()) {
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
  card->metrics = MakeCardMetrics(options.metrics.get(), card->name);
  Set(card->metrics.in_service, 1);
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
  if (absl::Status s = ValidateSpec(spec); !s.ok()) return s;
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
        absl::StrCat(Describe(spec), ": XRT cannot read ", path, ": ", e.what()));
  }
  absl::StatusOr<KernelLayout> layout;
  try {
    layout = ValidateKernel(xclbin, spec, path);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(spec), ": reading the kernels of ", path, ": ", e.what()));
  }
  if (!layout.ok()) return layout.status();

  if (swap_if_no_sibling) {
    // Swap only when no other card could take the model as it is.
    allow_swap = true;
    for (const std::shared_ptr<Card>& other : siblings_->cards) {
      if (other == card_ || !other->in_service.load()) continue;
      if (!spec.devices.empty() &&
          std::find(spec.devices.begin(), spec.devices.end(), other->name) == spec.devices.end()) {
        continue;
      }
      absl::MutexLock lock(&other->mu);
      if (other->models.empty() || other->uuid == uuid) allow_swap = false;
    }
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
                   card_->name, Describe(spec), spec.kernel_name, spec.compute_units,
                   model->slots().size());
      return std::unique_ptr<LoadedModel>(std::move(model));
    }
  }

  // A download: exclusive access to the card, so that no run of a model already here is in flight
  // while we program. Never wait for busy cards: a swap happens only when the card is idle.
  if (!card_->exec_mu.WriterTryLock()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(card_->name, " is busy running kernels; cannot place ", Describe(spec)));
  }
  AdoptedWriterLock exec_lock(&card_->exec_mu);
  absl::Status status;
  auto model = std::make_unique<XrtLoadedModel>(card_, spec, *std::move(layout));
  {
    absl::MutexLock lock(&card_->mu);
    if (card_->uuid != uuid) {
      std::vector<XrtLoadedModel*> users(card_->models.begin(), card_->models.end());
      std::vector<std::string> user_names;
      for (XrtLoadedModel* m : users) user_names.push_back(Describe(m->spec()));
      if (!users.empty() && !allow_swap) {
        return absl::ResourceExhaustedError(absl::StrCat(card_->name, " holds another xclbin (",
                                                         card_->xclbin_path, ", used by ",
                                                         absl::StrJoin(user_names, ", "), ")"));
      }
      // A real card refuses a download while compute units of the old xclbin are open.
      for (XrtLoadedModel* m : users) m->ReleaseKernels();
      const std::string old_path = card_->xclbin_path;
      status = card_->Program(xclbin, path);
      if (status.ok() && !users.empty()) {
        // Only now, with the new xclbin on the card, are the old models gone.
        for (XrtLoadedModel* m : users) m->MarkSwappedOut();
        card_->models.clear();
        Inc(card_->metrics.swaps);
        spdlog::warn("{}: swapped xclbin {} (used by {}, idle) for {} of {}", card_->name, old_path,
                     absl::StrJoin(user_names, ", "), path, Describe(spec));
      } else if (!users.empty()) {
        // The old models keep serving: put their xclbin back (the failed download may have left
        // the card blank) and reopen their compute units.
        absl::Status restored = card_->Program(card_->xclbin, old_path);
        for (XrtLoadedModel* m : users) {
          if (!restored.ok()) break;
          restored = m->BuildKernels(card_->xclbin.get_uuid());
        }
        if (restored.ok()) {
          spdlog::warn("{}: swap to {} for {} failed; {} restored for {}", card_->name, path,
                       Describe(spec), old_path, absl::StrJoin(user_names, ", "));
        } else {
          card_->TakeOutOfService(absl::StrCat("swap to ", path, " failed (", status.message(),
                                               ") and restoring ", old_path,
                                               " failed: ", restored.message()));
        }
      }
    }
  }
  if (status.ok()) status = model->Init(xclbin.get_uuid());
  if (status.ok()) {
    absl::MutexLock lock(&card_->mu);
    card_->models.insert(model.get());
  }
  exec_lock.Release();
  if (!status.ok()) return status;
  spdlog::info("{}: {} ready: kernel {} on {} compute unit(s), {} slots", card_->name,
               Describe(spec), spec.kernel_name, spec.compute_units, model->slots().size());
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
