// One XRT card as the XrtDevice and the models placed on it share it: programming (downloading an
// xclbin), re-programming after a watchdog trip, swapping in another model's xclbin and taking the
// card out of service; and the swap policy among sibling cards (xrt_device.h states the rules).
// Internal to server/device/xrt.
#ifndef FPGAAS_SERVER_DEVICE_XRT_XRT_CARD_H_
#define FPGAAS_SERVER_DEVICE_XRT_XRT_CARD_H_

#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_device.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/device/device.h"
#include "server/device/xrt/xrt_device.h"
#include "server/metrics/metrics.h"

namespace fpgaas {

// What the card asks of a model placed on it (xrt_device.cc's XrtLoadedModel).
class CardUser {
 public:
  virtual ~CardUser() = default;
  virtual const DeviceModelSpec& spec() const = 0;
  // Kernel objects of every compute unit (re)made for the card's current xclbin. exec_mu exclusive.
  virtual absl::Status BuildKernels(const xrt::uuid& uuid) = 0;
  // Drops kernel objects and runs (before a download). exec_mu exclusive.
  virtual void ReleaseKernels() = 0;
  // Its xclbin left the card for another model's: it reports ready() false from now on.
  virtual void MarkSwappedOut() = 0;
  // A re-program reset every compute unit. exec_mu exclusive.
  virtual void ClearSuspects() = 0;
  // Marks its compute unit `instance` retired. Card mu held.
  virtual void RetireUnit(const std::string& instance) = 0;
  // True while at least one of its compute units is not retired.
  virtual bool HasUsableUnit() const = 0;
};

struct XrtDevice::Card {
  XrtDeviceOptions options;
  std::string name;  // "xrt:N"
  xrt::device device;
  XrtCardMetrics* metrics = nullptr;  // from options.metrics; null without a registry

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
  std::set<CardUser*> models ABSL_GUARDED_BY(mu);  // live models using the xclbin
  // Compute unit instances of the current xclbin retired after repeated watchdog trips: a
  // re-program does not bring them back, another xclbin does.
  std::set<std::string> retired_cus ABSL_GUARDED_BY(mu);

  // Downloads `x` (exclusive access to the card required from the caller).
  absl::Status Program(const xrt::xclbin& x, const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void TakeOutOfService(const std::string& why);
  // Re-programs the card's xclbin after a watchdog trip, unless someone already did since
  // `generation`; every model on it rebuilds its kernels. Out of service when that fails.
  absl::Status Reprogram(uint64_t generation) ABSL_LOCKS_EXCLUDED(exec_mu, mu);
  // Puts `x` (uuid `new_uuid`, from `path`) on the card for `model` unless it is there already.
  // With models on another xclbin: ResourceExhausted unless `allow_swap`; else they are swapped
  // out (only once the download succeeded; on failure their xclbin is put back, or the card goes
  // out of service). exec_mu exclusive.
  absl::Status PlaceXclbin(const xrt::xclbin& x, const std::string& path, const std::string& new_uuid,
                           bool allow_swap, const std::string& model)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(exec_mu) ABSL_LOCKS_EXCLUDED(mu);
};

// The swap policy of Load without an explicit decision: swap only when no sibling card (healthy,
// allowed by spec.devices, other than `self`) is free or already holds xclbin `uuid`, so that a
// manager trying its cards in order fills free cards first.
bool SwapAllowedAmongSiblings(const std::vector<std::shared_ptr<XrtDevice::Card>>& siblings,
                              const XrtDevice::Card& self, const DeviceModelSpec& spec,
                              const std::string& uuid);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_XRT_XRT_CARD_H_
