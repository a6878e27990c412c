// XrtDevice on XRT's noop shim: open, xclbin load, kernel/CU discovery, buffers, runs, precise load
// errors, xclbin placement and swaps, and the --device=xrt factory.
#include "server/device/xrt/xrt_device.h"

#include <experimental/xrt_xclbin.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "server/device/device_factory.h"
#include "server/device/device_manager.h"
#include "server/numerics/tensor_packing.h"
#include "absl/synchronization/notification.h"
#include "server/scheduler/scheduler.h"
#include "tests/support/xrt_test_support.h"

namespace fpgaas {
namespace {

using ::fpgaas::testing::FreshDir;
using ::fpgaas::testing::MetricValue;
using ::fpgaas::testing::WriteModel;
using ::testing::HasSubstr;

class XrtDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  std::unique_ptr<XrtDevice> Card(int index = 0) {
    XrtDeviceOptions options;
    options.card_index = index;
    options.clock = &clock_;
    options.metrics = metrics_.get();
    options.download_fault = download_fault_;
    absl::StatusOr<std::unique_ptr<XrtDevice>> device = XrtDevice::Create(options);
    EXPECT_TRUE(device.ok()) << device.status();
    return device.ok() ? std::move(*device) : nullptr;
  }

  XclbinSpec Xclbin(int compute_units) {
    XclbinSpec spec;
    spec.compute_units = compute_units;
    return spec;
  }

  double Metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    return MetricValue(*metrics_->registry(), name, labels);
  }

  std::filesystem::path dir_;
  RealClock clock_;
  std::unique_ptr<MetricsRegistry> metrics_ = MetricsRegistry::Create();
  std::function<absl::Status(const std::string&)> download_fault_;  // XrtDeviceOptions'
};

TEST(XclbinWriterTest, XrtReadsKernelComputeUnitsAndArguments) {
  XclbinSpec spec;
  spec.kernel_name = "kernel_wrapper";
  spec.compute_units = 3;
  spec.arguments = {
      {"batchsize", false, "unsigned int"}, {"in", true, "float*"}, {"out", true, "float*"}};
  const std::filesystem::path path = FreshDir("writer") / "w.xclbin";
  ASSERT_TRUE(WriteXclbin(spec, path).ok());

  xrt::xclbin xclbin(path.string());
  std::vector<xrt::xclbin::kernel> kernels = xclbin.get_kernels();
  ASSERT_EQ(kernels.size(), 1u);
  EXPECT_EQ(kernels[0].get_name(), "kernel_wrapper");
  std::set<std::string> cus;
  for (const auto& cu : kernels[0].get_cus()) cus.insert(cu.get_name());
  EXPECT_EQ(cus, (std::set<std::string>{"kernel_wrapper:kernel_wrapper_1",
                                        "kernel_wrapper:kernel_wrapper_2",
                                        "kernel_wrapper:kernel_wrapper_3"}));
  std::vector<xrt::xclbin::arg> args = kernels[0].get_args();
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].get_name(), "batchsize");
  EXPECT_TRUE(args[0].get_mems().empty());
  EXPECT_EQ(args[1].get_name(), "in");
  EXPECT_EQ(args[1].get_mems().size(), 1u);
  EXPECT_EQ(args[2].get_host_type(), "float*");
}

TEST(XclbinWriterTest, UuidIsStableAndDependsOnTheDesign) {
  XclbinSpec one, two;
  two.compute_units = 2;
  absl::StatusOr<std::string> a = BuildXclbin(one), b = BuildXclbin(one), c = BuildXclbin(two);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  const std::filesystem::path dir = FreshDir("writer_uuid");
  ASSERT_TRUE(WriteXclbin(one, dir / "1.xclbin").ok());
  ASSERT_TRUE(WriteXclbin(two, dir / "2.xclbin").ok());
  EXPECT_NE(xrt::xclbin((dir / "1.xclbin").string()).get_uuid().to_string(),
            xrt::xclbin((dir / "2.xclbin").string()).get_uuid().to_string());
}

TEST(XclbinWriterTest, RejectsImpossibleSpecs) {
  XclbinSpec spec;
  spec.compute_units = 0;
  EXPECT_EQ(BuildXclbin(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = XclbinSpec();
  spec.kernel_name = "";
  EXPECT_EQ(BuildXclbin(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = XclbinSpec();
  spec.kernel_name = std::string(40, 'k');  // "k...:k..._1" does not fit IP_LAYOUT's 64 bytes
  EXPECT_THAT(BuildXclbin(spec).status().message(), HasSubstr("too long"));
  spec = XclbinSpec();
  spec.arguments.clear();
  EXPECT_EQ(BuildXclbin(spec).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(XrtDeviceTest, OpensCardAndLoadsXclbin) {
  std::unique_ptr<XrtDevice> card = Card();
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->name(), "xrt:0");
  EXPECT_TRUE(card->healthy());
  EXPECT_TRUE(card->free());
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(WriteModel(dir_, Xclbin(2)));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->ready());
  EXPECT_FALSE(card->free());
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 1);
  EXPECT_EQ(Metric("fpgaas_xrt_in_service", {{"device", "xrt:0"}}), 1);
  model->reset();
  EXPECT_TRUE(card->free());
}

TEST_F(XrtDeviceTest, FindsComputeUnitsAndGivesEachAtLeastTwoSlots) {
  std::unique_ptr<XrtDevice> card = Card();
  // The xclbin has 4 CUs; the model asks for 3: the first three are used.
  absl::StatusOr<std::unique_ptr<LoadedModel>> model =
      card->Load(WriteModel(dir_, Xclbin(4), /*compute_units=*/3));
  ASSERT_TRUE(model.ok()) << model.status();
  std::map<std::string, int> slots_per_cu;
  std::set<std::string> names;
  for (ExecutionSlot* slot : (*model)->slots()) {
    absl::StatusOr<XrtSlotInfo> info = InspectXrtSlot(*slot);
    ASSERT_TRUE(info.ok()) << info.status();
    ++slots_per_cu[info->compute_unit];
    names.insert(slot->name());
    EXPECT_THAT(slot->name(), HasSubstr("xrt:0/" + info->compute_unit + "/"));
  }
  EXPECT_EQ(slots_per_cu, (std::map<std::string, int>{
                              {"myproject_1", 2}, {"myproject_2", 2}, {"myproject_3", 2}}));
  EXPECT_EQ(names.size(), 6u);
  // Double-buffering: the two slots of a CU have their own buffers.
  std::set<uint8_t*> inputs;
  for (ExecutionSlot* slot : (*model)->slots()) inputs.insert(slot->input());
  EXPECT_EQ(inputs.size(), 6u);
}

TEST_F(XrtDeviceTest, BufferSizesArePackedBatchSizes) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  spec.input_type = *numerics::ParseFixedType("ap_fixed<18,8>");  // 4-byte containers
  spec.max_batch_size = 100;
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  for (ExecutionSlot* slot : (*model)->slots()) {
    absl::StatusOr<XrtSlotInfo> info = InspectXrtSlot(*slot);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->input_buffer_bytes, 100u * 16 * 4);
    EXPECT_EQ(info->output_buffer_bytes, 100u * 5 * 2);
  }
}

TEST_F(XrtDeviceTest, DeviceInputHoldsThePackedBatch) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  const int batch = 7;
  std::vector<float> values(batch * spec.input_size);
  for (size_t i = 0; i < values.size(); ++i) values[i] = -20.0f + 0.37f * float(i);
  std::vector<uint8_t> expected(batch * spec.input_bytes_per_sample());
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, values.data(), values.size(),
                                     spec.input_type, expected.data())
                  .ok());
  ExecutionSlot* slot = (*model)->slots()[1];
  // What the scheduler does: pack straight into the slot's input buffer, then Execute.
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, values.data(), values.size(),
                                     spec.input_type, slot->input())
                  .ok());
  StageTimes times;
  ASSERT_TRUE(slot->Execute(batch, &times).ok());
  absl::StatusOr<std::string> device_bytes = ReadXrtDeviceInput(*slot, expected.size());
  ASSERT_TRUE(device_bytes.ok()) << device_bytes.status();
  EXPECT_EQ(*device_bytes, std::string(expected.begin(), expected.end()));
  const std::map<std::string, std::string> cu = {{"device", "xrt:0"},
                                                 {"compute_unit", "myproject_1"}};
  EXPECT_EQ(Metric("fpgaas_xrt_bytes_to_device_total", cu), double(expected.size()));
  EXPECT_EQ(Metric("fpgaas_xrt_bytes_from_device_total", cu),
            double(batch * spec.output_bytes_per_sample()));
}

TEST_F(XrtDeviceTest, SchedulerPacksRequestsStraightIntoTheDeviceBuffer) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  SchedulerOptions options;
  options.max_batch_size = spec.max_batch_size;
  absl::StatusOr<std::unique_ptr<ModelScheduler>> scheduler =
      ModelScheduler::Create(options, model->get(), &clock_, nullptr);
  ASSERT_TRUE(scheduler.ok()) << scheduler.status();

  const int samples = 5;
  std::vector<float> values(samples * spec.input_size);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 3.5f - 0.61f * float(i);
  auto request = std::make_unique<InferenceRequest>();
  request->batch_size = samples;
  request->input.assign(reinterpret_cast<const char*>(values.data()),
                        values.size() * sizeof(float));
  absl::Notification done;
  absl::Status result;
  request->done = [&](absl::StatusOr<InferenceResult> r) {
    result = r.status();
    done.Notify();
  };
  ASSERT_TRUE((*scheduler)->Enqueue(request).ok());
  done.WaitForNotification();
  ASSERT_TRUE(result.ok()) << result;
  scheduler->reset();

  std::vector<uint8_t> expected(samples * spec.input_bytes_per_sample());
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, values.data(), values.size(),
                                     spec.input_type, expected.data())
                  .ok());
  int matching_slots = 0;
  for (ExecutionSlot* slot : (*model)->slots()) {
    absl::StatusOr<std::string> device_bytes = ReadXrtDeviceInput(*slot, expected.size());
    ASSERT_TRUE(device_bytes.ok());
    if (*device_bytes == std::string(expected.begin(), expected.end())) ++matching_slots;
  }
  EXPECT_EQ(matching_slots, 1);  // the slot that ran the batch holds exactly the packed request
  EXPECT_EQ(Metric("fpgaas_xrt_bytes_to_device_total",
                   {{"device", "xrt:0"}, {"compute_unit", "myproject_1"}}),
            double(expected.size()));
}

TEST_F(XrtDeviceTest, RunsCompleteOnEveryComputeUnitConcurrently) {
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(WriteModel(dir_, Xclbin(3), 3));
  ASSERT_TRUE(model.ok()) << model.status();
  std::vector<ExecutionSlot*> slots = (*model)->slots();
  std::vector<absl::Status> results(slots.size());
  std::vector<std::thread> workers;
  for (size_t i = 0; i < slots.size(); ++i) {
    workers.emplace_back([&, i] {
      for (int run = 0; run < 5 && results[i].ok(); ++run) {
        results[i] = slots[i]->Execute(1 + int(i), nullptr);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  for (size_t i = 0; i < slots.size(); ++i) EXPECT_TRUE(results[i].ok()) << results[i];
  for (const char* cu : {"myproject_1", "myproject_2", "myproject_3"}) {
    EXPECT_EQ(Metric("fpgaas_xrt_runs_total", {{"device", "xrt:0"}, {"compute_unit", cu}}), 10)
        << cu;
    EXPECT_EQ(
        Metric("fpgaas_xrt_watchdog_trips_total", {{"device", "xrt:0"}, {"compute_unit", cu}}), 0);
  }
}

TEST_F(XrtDeviceTest, RejectsBatchOutsideOneToMax) {
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(WriteModel(dir_, Xclbin(1), 1));
  ASSERT_TRUE(model.ok());
  ExecutionSlot* slot = (*model)->slots()[0];
  EXPECT_EQ(slot->Execute(0, nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(slot->Execute(65, nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(slot->Execute(64, nullptr).ok());
}

TEST_F(XrtDeviceTest, CorruptXclbinFailsWithReason) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  std::ofstream(dir_ / "model.xclbin", std::ios::trunc) << "this is not a bitstream";
  absl::Status status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not an xclbin"));
  EXPECT_THAT(status.message(), HasSubstr("model.xclbin"));

  // A real header cut short.
  absl::StatusOr<std::string> bytes = BuildXclbin(Xclbin(1));
  ASSERT_TRUE(bytes.ok());
  std::ofstream(dir_ / "model.xclbin", std::ios::trunc | std::ios::binary)
      << bytes->substr(0, bytes->size() - 100);
  status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("corrupt"));

  spec.xclbin = "missing.xclbin";
  status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("missing.xclbin"));
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 0);
  EXPECT_TRUE(card->free());
}

TEST_F(XrtDeviceTest, WrongKernelNameFailsNamingTheKernels) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  spec.kernel_name = "kernel_wrapper";
  absl::Status status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no kernel 'kernel_wrapper' (it has: myproject)"));
}

TEST_F(XrtDeviceTest, MissingArgumentFailsWithBothLists) {
  std::unique_ptr<XrtDevice> card = Card();
  XclbinSpec xclbin = Xclbin(1);
  xclbin.arguments = {{"in", true, "input_t*"}, {"out", true, "result_t*"}};
  absl::Status status = card->Load(WriteModel(dir_, xclbin, 1)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("takes 2 arguments (in, out) but fpga.kernel_arguments names 3 "
                        "(input, output, batch_size)"));
}

TEST_F(XrtDeviceTest, ArgumentOrderMustMatchTheKernel) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);      // kernel: in, out, batch_size
  spec.kernel_arguments = {"batch_size", "input", "output"};  // hls4ml VitisAccelerator order
  absl::Status status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("argument 0 'in' (input_t*) is a memory pointer but "
                                          "config names it batch_size"));

  // The same order is fine with a kernel_wrapper(batchsize, in, out) xclbin.
  XclbinSpec wrapper = Xclbin(1);
  wrapper.arguments = {
      {"batchsize", false, "unsigned int"}, {"in", true, "float*"}, {"out", true, "float*"}};
  DeviceModelSpec ok = WriteModel(dir_ / "wrapper", wrapper, 1);
  ok.kernel_arguments = spec.kernel_arguments;
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(ok);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->slots()[0]->Execute(3, nullptr).ok());
}

// A model with two inputs and two outputs: one buffer object per tensor, each its own kernel
// argument (the k-th "input" of fpga.kernel_arguments is input k).
TEST_F(XrtDeviceTest, SeveralInputsAndOutputsGetOneBufferArgumentEach) {
  std::unique_ptr<XrtDevice> card = Card();
  XclbinSpec xclbin = Xclbin(1);
  xclbin.arguments = {{"in_a", true, "input_t*"},   {"in_b", true, "input2_t*"},
                      {"out_a", true, "result_t*"}, {"out_b", true, "result2_t*"},
                      {"batch_size", false, "unsigned int"}};
  DeviceModelSpec spec = WriteModel(dir_, xclbin, 1);
  spec.more_inputs = {DeviceTensor{"b", *numerics::ParseFixedType("ap_fixed<18,8>"), 3}};
  spec.more_outputs = {DeviceTensor{"y2", *numerics::ParseFixedType("ap_fixed<8,3>"), 2}};
  spec.kernel_arguments.clear();  // default: every input, every output, batch_size
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  ExecutionSlot* slot = (*model)->slots()[0];
  ASSERT_NE(slot->input(0), slot->input(1));
  ASSERT_NE(slot->output(0), slot->output(1));
  const int batch = 5;
  std::vector<float> b(batch * 3, 1.5f);
  ASSERT_TRUE(numerics::PackElements(numerics::ElementType::kFp32, b.data(), b.size(),
                                     spec.more_inputs[0].type, slot->input(1))
                  .ok());
  StageTimes times;
  ASSERT_TRUE(slot->Execute(batch, &times).ok());
  // Bytes moved: both inputs in, both outputs back.
  const std::map<std::string, std::string> cu = {{"device", "xrt:0"},
                                                 {"compute_unit", "myproject_1"}};
  EXPECT_EQ(Metric("fpgaas_xrt_bytes_to_device_total", cu),
            double(batch * (spec.input_bytes_per_sample(0) + spec.input_bytes_per_sample(1))));
  EXPECT_EQ(Metric("fpgaas_xrt_bytes_from_device_total", cu),
            double(batch * (spec.output_bytes_per_sample(0) + spec.output_bytes_per_sample(1))));

  // fpga.kernel_arguments naming one input for two tensors is refused.
  spec.kernel_arguments = {"input", "output", "output", "batch_size"};
  absl::Status status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("must name 'input' 2 times (one per input tensor)"));
}

TEST_F(XrtDeviceTest, TooFewComputeUnitsAndBadArgumentListsFail) {
  std::unique_ptr<XrtDevice> card = Card();
  absl::Status status = card->Load(WriteModel(dir_, Xclbin(2), /*compute_units=*/3)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("has 2 compute unit(s) but instance_group asks for 3"));

  DeviceModelSpec spec = WriteModel(dir_, Xclbin(1), 1);
  spec.kernel_arguments = {"input", "input", "batch_size"};
  status = card->Load(spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("must name 'input' exactly once"));
  spec.kernel_arguments = {"input", "output", "n"};
  EXPECT_THAT(card->Load(spec).status().message(), HasSubstr("unknown kernel argument 'n'"));
}

TEST_F(XrtDeviceTest, SameXclbinIsSharedAndNotReloaded) {
  std::unique_ptr<XrtDevice> card = Card();
  DeviceModelSpec spec = WriteModel(dir_, Xclbin(2), 2);
  absl::StatusOr<std::unique_ptr<LoadedModel>> a = card->Load(spec);
  absl::StatusOr<std::unique_ptr<LoadedModel>> b = card->Load(spec);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->ready() && (*b)->ready());
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 1);
}

TEST_F(XrtDeviceTest, OtherXclbinSwapsOnlyWhenAllowedAndIdle) {
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> first =
      card->Load(WriteModel(dir_ / "a", Xclbin(1), 1));
  ASSERT_TRUE(first.ok());
  XclbinSpec other = Xclbin(1);
  other.kernel_name = "jets";
  DeviceModelSpec second_spec = WriteModel(dir_ / "b", other, 1);
  second_spec.kernel_name = "jets";

  absl::Status refused = card->Load(second_spec, /*allow_swap=*/false).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("holds another xclbin"));
  EXPECT_TRUE((*first)->ready());

  // The only card, idle: Load swaps.
  absl::StatusOr<std::unique_ptr<LoadedModel>> second = card->Load(second_spec);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE((*second)->ready());
  EXPECT_FALSE((*first)->ready());
  absl::Status stale = (*first)->slots()[0]->Execute(1, nullptr);
  EXPECT_EQ(stale.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(stale.message(), HasSubstr("swapped out"));
  EXPECT_TRUE((*second)->slots()[0]->Execute(1, nullptr).ok());
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_swaps_total", {{"device", "xrt:0"}}), 1);
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 2);
}

TEST_F(XrtDeviceTest, FailedSwapLeavesTheOldModelServing) {
  // The card refuses the incoming model's xclbin (as a real card refuses a corrupt bitstream that
  // XRT's parser accepts; the noop shim accepts anything parseable, so the refusal is injected).
  std::string refused_path;
  download_fault_ = [&](const std::string& path) {
    return path == refused_path ? absl::DataLossError("bitstream CRC mismatch") : absl::OkStatus();
  };
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> first =
      card->Load(WriteModel(dir_ / "a", Xclbin(1), 1));
  ASSERT_TRUE(first.ok()) << first.status();
  XclbinSpec other = Xclbin(1);
  other.kernel_name = "jets";
  DeviceModelSpec second_spec = WriteModel(dir_ / "b", other, 1);
  second_spec.kernel_name = "jets";
  refused_path = (second_spec.version_dir / second_spec.xclbin).string();

  absl::Status status = card->Load(second_spec).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("bitstream CRC mismatch"));
  EXPECT_THAT(status.message(), HasSubstr(refused_path));
  EXPECT_TRUE(card->healthy());
  EXPECT_TRUE((*first)->ready());
  absl::Status run = (*first)->slots()[0]->Execute(1, nullptr);
  EXPECT_TRUE(run.ok()) << run;
  EXPECT_FALSE(card->free());
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_swaps_total", {{"device", "xrt:0"}}), 0);
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_loads_total", {{"device", "xrt:0"}}), 2);  // + restore

  // A later swap that succeeds still works.
  refused_path.clear();
  absl::StatusOr<std::unique_ptr<LoadedModel>> second = card->Load(second_spec);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE((*first)->ready());
  EXPECT_TRUE((*second)->slots()[0]->Execute(1, nullptr).ok());
}

TEST_F(XrtDeviceTest, FailedSwapThatCannotRestoreTakesTheCardOutOfService) {
  bool refuse = false;
  download_fault_ = [&](const std::string&) {
    return refuse ? absl::DataLossError("card does not answer") : absl::OkStatus();
  };
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> first =
      card->Load(WriteModel(dir_ / "a", Xclbin(1), 1));
  ASSERT_TRUE(first.ok()) << first.status();
  XclbinSpec other = Xclbin(1);
  other.kernel_name = "jets";
  DeviceModelSpec second_spec = WriteModel(dir_ / "b", other, 1);
  second_spec.kernel_name = "jets";
  refuse = true;  // the new xclbin and then the old one
  EXPECT_EQ(card->Load(second_spec).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(card->healthy());
  EXPECT_FALSE((*first)->ready());
  absl::Status run = (*first)->slots()[0]->Execute(1, nullptr);
  EXPECT_EQ(run.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(run.message(), HasSubstr("out of service"));
  EXPECT_EQ(Metric("fpgaas_xrt_out_of_service_total", {{"device", "xrt:0"}}), 1);
}

TEST_F(XrtDeviceTest, SecondModelGoesToTheFreeSiblingCardInsteadOfSwapping) {
  XrtDeviceOptions options;
  options.clock = &clock_;
  options.metrics = metrics_.get();
  absl::StatusOr<std::vector<std::unique_ptr<XrtDevice>>> cards =
      XrtDevice::CreateCards({0, 1}, options);
  ASSERT_TRUE(cards.ok()) << cards.status();
  ASSERT_EQ(cards->size(), 2u);
  XrtDevice& card0 = *(*cards)[0];
  XrtDevice& card1 = *(*cards)[1];
  absl::StatusOr<std::unique_ptr<LoadedModel>> first =
      card0.Load(WriteModel(dir_ / "a", Xclbin(1), 1));
  ASSERT_TRUE(first.ok());
  XclbinSpec other = Xclbin(1);
  other.kernel_name = "jets";
  DeviceModelSpec second_spec = WriteModel(dir_ / "b", other, 1);
  second_spec.kernel_name = "jets";
  // card0 refuses (card1 is free), as a manager trying cards in order would see it.
  EXPECT_EQ(card0.Load(second_spec).status().code(), absl::StatusCode::kResourceExhausted);
  absl::StatusOr<std::unique_ptr<LoadedModel>> second = card1.Load(second_spec);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*first)->ready());
  EXPECT_EQ(Metric("fpgaas_xrt_xclbin_swaps_total", {{"device", "xrt:0"}}), 0);
}

TEST_F(XrtDeviceTest, XclbinToolWritesALoadableDesign) {
  const std::filesystem::path out = dir_ / "tool.xclbin";
  const std::string command = std::string(FPGAAS_XCLBIN_TOOL) +
                              " --kernel=kernel_wrapper --compute_units=3"
                              " --args=batchsize,in*,out* --out=" +
                              out.string() + " > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  DeviceModelSpec spec = WriteModel(dir_ / "unused", Xclbin(1), 3);
  spec.version_dir = dir_;
  spec.xclbin = "tool.xclbin";
  spec.kernel_name = "kernel_wrapper";
  spec.kernel_arguments = {"batch_size", "input", "output"};
  std::unique_ptr<XrtDevice> card = Card();
  absl::StatusOr<std::unique_ptr<LoadedModel>> model = card->Load(spec);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->slots().size(), 6u);
  // A bad argument list is refused by the tool.
  EXPECT_NE(std::system((std::string(FPGAAS_XCLBIN_TOOL) + " --compute_units=0 --out=" +
                         (dir_ / "bad.xclbin").string() + " 2> /dev/null")
                            .c_str()),
            0);
}

TEST(XrtFactoryTest, DeviceFlagSelectsCards) {
  RealClock clock;
  DeviceManagerOptions options;
  options.clock = &clock;
  EXPECT_FALSE(RealXrtCardPresent());  // noop shim: nothing enumerates

  absl::Status no_card = CreateXrtDevices("xrt", options).status();
  EXPECT_EQ(no_card.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_card.message(), HasSubstr("no FPGA card found"));

  absl::StatusOr<std::vector<std::shared_ptr<Device>>> two =
      CreateXrtDevices("xrt:0,xrt:1", options);
  ASSERT_TRUE(two.ok()) << two.status();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0]->name(), "xrt:0");
  EXPECT_EQ((*two)[1]->name(), "xrt:1");

  EXPECT_EQ(CreateXrtDevices("xrt:one", options).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateXrtDevices("xrt:0,xrt:0", options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(XrtFactoryTest, DeviceManagerServesNamedCardsAndRefusesXrtWithoutCards) {
  RealClock clock;
  DeviceManagerOptions options;
  options.clock = &clock;
  options.devices = "xrt:0";
  absl::StatusOr<std::unique_ptr<DeviceManager>> manager = DeviceManager::Create(options);
  ASSERT_TRUE(manager.ok()) << manager.status();
  EXPECT_EQ((*manager)->device_names(), std::vector<std::string>{"xrt:0"});
  EXPECT_TRUE((*manager)->ready());
  absl::StatusOr<std::unique_ptr<LoadedModel>> model =
      (*manager)->Load(WriteModel(FreshDir("manager"), XclbinSpec(), 1));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->slots()[0]->Execute(2, nullptr).ok());
  model->reset();

  options.devices = "xrt";
  absl::Status status = DeviceManager::Create(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("no FPGA card found"));
}

}  // namespace
}  // namespace fpgaas

int main(int argc, char** argv) {
  fpgaas::testing::UseXrtNoopShim(std::filesystem::path(FPGAAS_XRT_TEST_ROOT) / "device_test");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
