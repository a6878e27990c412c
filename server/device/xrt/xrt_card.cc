#include "server/device/xrt/xrt_card.h"

#include <algorithm>
#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/device/xrt/xclbin_layout.h"
#include "spdlog/spdlog.h"

namespace fpgaas {

absl::Status XrtDevice::Card::Program(const xrt::xclbin& x, const std::string& path) {
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
  if (metrics != nullptr) metrics->RecordXclbinLoad();
  spdlog::info("{}: loaded xclbin {} (uuid {})", name, path, uuid);
  return absl::OkStatus();
}

void XrtDevice::Card::TakeOutOfService(const std::string& why) {
  if (in_service.exchange(false)) {
    if (metrics != nullptr) {
      metrics->RecordOutOfService();
      metrics->SetInService(false);
    }
    spdlog::error("{}: taken out of service: {}", name, why);
  }
}

absl::Status XrtDevice::Card::Reprogram(uint64_t since) {
  absl::WriterMutexLock exec_lock(&exec_mu);
  if (generation.load() != since) return absl::OkStatus();  // done by another slot
  if (!in_service.load()) return absl::UnavailableError(name + " is out of service");
  absl::MutexLock lock(&mu);
  // Contexts on the old programming must be gone before a download (a real card refuses it while
  // compute units are open); every model on the card rebuilds its kernel objects afterwards.
  for (CardUser* m : models) m->ReleaseKernels();
  absl::Status status = Program(xclbin, xclbin_path);
  if (status.ok()) {
    if (metrics != nullptr) metrics->RecordReset();
    spdlog::warn("{}: re-programmed after a watchdog trip", name);
    const xrt::uuid current = xclbin.get_uuid();
    for (CardUser* m : models) {
      if (absl::Status s = m->BuildKernels(current); !s.ok() && status.ok()) status = s;
      m->ClearSuspects();
    }
  }
  if (!status.ok()) TakeOutOfService(status.ToString());
  return status;
}

absl::Status XrtDevice::Card::PlaceXclbin(const xrt::xclbin& x, const std::string& path,
                                          const std::string& new_uuid, bool allow_swap,
                                          const std::string& model) {
  absl::MutexLock lock(&mu);
  if (uuid == new_uuid) return absl::OkStatus();
  std::vector<CardUser*> users(models.begin(), models.end());
  std::vector<std::string> user_names;
  for (CardUser* m : users) user_names.push_back(DescribeModel(m->spec()));
  if (!users.empty() && !allow_swap) {
    return absl::ResourceExhaustedError(absl::StrCat(name, " holds another xclbin (", xclbin_path,
                                                     ", used by ",
                                                     absl::StrJoin(user_names, ", "), ")"));
  }
  // A real card refuses a download while compute units of the old xclbin are open.
  for (CardUser* m : users) m->ReleaseKernels();
  const std::string old_path = xclbin_path;
  absl::Status status = Program(x, path);
  if (status.ok() && !users.empty()) {
    // Only now, with the new xclbin on the card, are the old models gone.
    for (CardUser* m : users) m->MarkSwappedOut();
    models.clear();
    if (metrics != nullptr) metrics->RecordSwap();
    spdlog::warn("{}: swapped xclbin {} (used by {}, idle) for {} of {}", name, old_path,
                 absl::StrJoin(user_names, ", "), path, model);
  } else if (!users.empty()) {
    // The old models keep serving: put their xclbin back (the failed download may have left the
    // card blank) and reopen their compute units.
    absl::Status restored = Program(xclbin, old_path);
    for (CardUser* m : users) {
      if (!restored.ok()) break;
      restored = m->BuildKernels(xclbin.get_uuid());
    }
    if (restored.ok()) {
      spdlog::warn("{}: swap to {} for {} failed; {} restored for {}", name, path, model, old_path,
                   absl::StrJoin(user_names, ", "));
    } else {
      TakeOutOfService(absl::StrCat("swap to ", path, " failed (", status.message(),
                                    ") and restoring ", old_path, " failed: ", restored.message()));
    }
  }
  return status;
}

bool SwapAllowedAmongSiblings(const std::vector<std::shared_ptr<XrtDevice::Card>>& siblings,
                              const XrtDevice::Card& self, const DeviceModelSpec& spec,
                              const std::string& uuid) {
  for (const std::shared_ptr<XrtDevice::Card>& other : siblings) {
    if (other.get() == &self || !other->in_service.load()) continue;
    if (!spec.devices.empty() &&
        std::find(spec.devices.begin(), spec.devices.end(), other->name) == spec.devices.end()) {
      continue;
    }
    absl::MutexLock lock(&other->mu);
    if (other->models.empty() || other->uuid == uuid) return false;
  }
  return true;
}

}  // namespace fpgaas
