// XrtDevice: one real FPGA card driven through the XRT native API (xrt::device, xrt::xclbin,
// xrt::kernel, xrt::bo, xrt::run). Tested on XRT's noop shim (no card needed).
//
// Load opens the model's xclbin/awsxclbin from its version folder, checks the kernel and its
// arguments against DeviceModelSpec (kernel name, argument order input/output/batch_size), programs
// the card, and pre-allocates for each of the first `compute_units` compute units
// `slots_per_compute_unit` (>= 2) buffer sets of max_batch_size samples in the packed layout, so
// one batch's transfers overlap another's compute on the same CU.
//
// Watchdog: every kernel run has a deadline kept in the injected Clock's time (XRT's own
// run.wait(timeout) is not relied on: the noop shim ignores it), counted from when the run starts
// executing: its submission, or the end of the run before it on the same compute unit (the two
// buffer sets of a CU queue behind each other). Busy time and the deadline calibration use the
// same start. A run past its deadline marks its CU suspect; the card is re-programmed (xclbin
// reloaded) and the batch retried once, on another compute unit when one exists, else on the same
// one; if that fails too Execute returns UNAVAILABLE. A run queued behind the hung one gives up
// without a trip of its own and is retried the same way. Until the re-program, a suspect CU gets no
// new batch: its slots run theirs on another CU whose banks reach their buffers (or re-program
// first when there is none). A CU with max_compute_unit_trips trips without a successful run on
// it in between is retired for good (until another xclbin is loaded): its slots' batches always
// run elsewhere. The card goes out of service when every CU its models use is retired, or after
// max_consecutive_trips trips without a successful run on the card: healthy() and every
// LoadedModel::ready() on it turn false and Execute fails fast with UNAVAILABLE.
//
// A card holds one xclbin at a time. Load places a model on a card that is free or already holds
// the same xclbin. Otherwise it swaps the xclbin, but only while the models using it are idle (no
// run in flight; those models then report ready() false) and only when no sibling card (created by
// the same CreateCards call, healthy, allowed by spec.devices) could take the model without a swap,
// so that a manager trying its cards in order fills free cards first. Swaps are counted and logged.
//
// Errors: XRT exceptions never leave this folder; they become absl::Status.
// Ownership: a LoadedModel keeps its card alive; destroy it before the XrtDevice anyway (Device
// contract). Thread-safety: Load and healthy() are thread-safe; slots follow ExecutionSlot's rule
// (one thread per slot, slots concurrently).
#ifndef FPGAAS_SERVER_DEVICE_XRT_XRT_DEVICE_H_
#define FPGAAS_SERVER_DEVICE_XRT_XRT_DEVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/device/device.h"
#include "server/metrics/metrics.h"
#include "server/util/clock.h"

namespace fpgaas {

struct XrtDeviceOptions {
  int card_index = 0;      // XRT device index ("xrt:N")
  Clock* clock = nullptr;  // not owned, required: watchdog deadlines and stage times
  // Per card/CU metrics (fpgaas_xrt_*); not owned, may be null; outlives the device.
  MetricsRegistry* metrics = nullptr;
  int slots_per_compute_unit = 2;  // buffer sets per CU, >= 2 (double-buffering)
  // Watchdog deadline of a run when the model sets no kernel_timeout: initial_kernel_timeout until
  // `calibration_runs` runs succeeded, then max(timeout_floor, timeout_factor x the slowest
  // measured time per sample x batch).
  absl::Duration initial_kernel_timeout = absl::Seconds(5);
  int calibration_runs = 16;
  double timeout_factor = 20.0;
  absl::Duration timeout_floor = absl::Milliseconds(100);
  // Watchdog trips on the card without a successful run in between that take it out of service.
  int max_consecutive_trips = 4;
  // Watchdog trips of one compute unit without a successful run on it in between that retire it.
  int max_compute_unit_trips = 3;
  // State polls of a running kernel: the interval doubles from min to max (Clock time).
  absl::Duration min_poll_interval = absl::Microseconds(5);
  absl::Duration max_poll_interval = absl::Microseconds(200);
  // Tests only: asked before each xclbin download with the file's path; an error fails that
  // download as a card refusing it would (the noop shim accepts any xclbin XRT can parse).
  std::function<absl::Status(const std::string& path)> download_fault;
};

class XrtDevice final : public Device {
 public:
  // Opens card `card_index`. Unavailable with XRT's message when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<XrtDevice>> Create(XrtDeviceOptions options);
  // Opens several cards as siblings (see the swap rule above); options.card_index is ignored.
  static absl::StatusOr<std::vector<std::unique_ptr<XrtDevice>>> CreateCards(
      const std::vector<int>& card_indices, const XrtDeviceOptions& options);
  ~XrtDevice() override;

  std::string name() const override;  // "xrt:N"
  // Places the model on this card (swap rule above). ResourceExhausted when the card holds
  // another xclbin and may not swap now, InvalidArgument/NotFound when the model does not fit the
  // xclbin (reason in the message), Unavailable on XRT errors.
  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec) override;
  // Same with an explicit swap decision (still only when idle).
  absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const DeviceModelSpec& spec, bool allow_swap);
  bool healthy() const override;
  // True when no live model uses the card.
  bool free() const;

  struct Card;      // shared with the LoadedModels (xrt_card.h)
  struct Siblings;  // cards created together

 private:
  XrtDevice(std::shared_ptr<Card> card, std::shared_ptr<Siblings> siblings);
  absl::StatusOr<std::unique_ptr<LoadedModel>> LoadImpl(const DeviceModelSpec& spec,
                                                        bool allow_swap, bool swap_if_no_sibling);
  std::shared_ptr<Card> card_;
  std::shared_ptr<Siblings> siblings_;
};

// Diagnostics of one slot of an XRT LoadedModel (tests, troubleshooting).
struct XrtSlotInfo {
  std::string compute_unit;        // CU instance, e.g. "myproject_1"
  size_t input_buffer_bytes = 0;   // size of the input buffer object
  size_t output_buffer_bytes = 0;  // size of the output buffer object
  int input_memory_group = 0;      // memory bank group (xrt::kernel::group_id) of each buffer
  int output_memory_group = 0;
};
// InvalidArgument when `slot` is not an XRT slot.
absl::StatusOr<XrtSlotInfo> InspectXrtSlot(ExecutionSlot& slot);
// The first `bytes` of the slot's input buffer as the device holds them (synced from the device):
// what the kernel reads. Not while the slot executes.
absl::StatusOr<std::string> ReadXrtDeviceInput(ExecutionSlot& slot, size_t bytes);

// Number of real cards XRT enumerates (0 under the noop shim). Unavailable when XRT cannot be
// initialised (e.g. XILINX_XRT unset).
absl::StatusOr<int> CountXrtCards();
// True when a real card is present: XCL_EMULATION_MODE unset and CountXrtCards() > 0.
bool RealXrtCardPresent();

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_DEVICE_XRT_XRT_DEVICE_H_
