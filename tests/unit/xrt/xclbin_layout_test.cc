// xclbin_layout.h without XRT's runtime: container headers built by the xclbin writer (and broken
// on purpose), kernel descriptions written out by hand.
#include "server/device/xrt/xclbin_layout.h"

#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/device/xrt/xclbin_writer.h"

namespace fpgaas {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

DeviceModelSpec Spec() {
  DeviceModelSpec spec;
  spec.model_name = "jets";
  spec.version = 3;
  spec.kernel_name = "myproject";
  spec.xclbin = "model.xclbin";
  spec.max_batch_size = 64;
  spec.compute_units = 2;
  spec.input_size = 16;
  spec.output_size = 5;
  spec.kernel_arguments = {"input", "output", "batch_size"};
  return spec;
}

XclbinKernel Kernel(int compute_units = 2) {
  XclbinKernel kernel;
  kernel.name = "myproject";
  kernel.arguments = {{"in", "input_t*", 8, true},
                      {"out", "result_t*", 8, true},
                      {"batch_size", "unsigned int", 4, false}};
  for (int i = 1; i <= compute_units; ++i) {
    kernel.compute_units.push_back("myproject:myproject_" + std::to_string(i));
  }
  return kernel;
}

TEST(XclbinLayoutTest, MatchesArgumentsAndFirstComputeUnits) {
  DeviceModelSpec spec = Spec();
  spec.kernel_arguments = {"batch_size", "input", "output"};
  XclbinKernel kernel = Kernel(3);
  kernel.arguments = {{"n", "uint64_t", 8, false}, kernel.arguments[0], kernel.arguments[1]};
  absl::StatusOr<KernelLayout> layout = MatchKernelLayout({Kernel(1), kernel}, spec, "a.xclbin");
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->batch_index, 0);
  EXPECT_EQ(layout->input_index, 1);
  EXPECT_EQ(layout->output_index, 2);
  EXPECT_EQ(layout->batch_size_bytes, 8u);
  EXPECT_THAT(layout->instances, ElementsAre("myproject_1", "myproject_2"));
}

TEST(XclbinLayoutTest, PointerByHostTypeWithoutMemoryConnection) {
  XclbinKernel kernel = Kernel();
  kernel.arguments[0].has_memory = false;  // "input_t*" still makes it a pointer
  EXPECT_TRUE(MatchKernelLayout({kernel}, Spec(), "a.xclbin").ok());
}

TEST(XclbinLayoutTest, UnknownKernelNamesTheKernelsThereAre) {
  XclbinKernel other = Kernel();
  other.name = "kernel_wrapper";
  absl::StatusOr<KernelLayout> layout = MatchKernelLayout({other}, Spec(), "a.xclbin");
  EXPECT_EQ(layout.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(layout.status().message(),
              AllOf(HasSubstr("model 'jets' version 3: a.xclbin has no kernel 'myproject'"),
                    HasSubstr("(it has: kernel_wrapper)")));
  EXPECT_THAT(MatchKernelLayout({}, Spec(), "a.xclbin").status().message(),
              HasSubstr("(it has: none)"));
}

TEST(XclbinLayoutTest, ArgumentCountMismatchListsBoth) {
  XclbinKernel kernel = Kernel();
  kernel.arguments.pop_back();
  absl::StatusOr<KernelLayout> layout = MatchKernelLayout({kernel}, Spec(), "a.xclbin");
  EXPECT_THAT(layout.status().message(),
              HasSubstr("takes 2 arguments (in, out) but fpga.kernel_arguments names 3 (input, "
                        "output, batch_size)"));
}

TEST(XclbinLayoutTest, RolesMustMatchPointerAndScalarArguments) {
  DeviceModelSpec spec = Spec();
  spec.kernel_arguments = {"batch_size", "output", "input"};
  EXPECT_THAT(MatchKernelLayout({Kernel()}, spec, "a.xclbin").status().message(),
              HasSubstr("argument 0 'in' (input_t*) is a memory pointer but config names it "
                        "batch_size"));
  XclbinKernel scalar_out = Kernel();
  scalar_out.arguments[1] = {"out", "int", 4, false};
  EXPECT_THAT(MatchKernelLayout({scalar_out}, Spec(), "a.xclbin").status().message(),
              HasSubstr("argument 1 'out' (int) is a scalar but config names it output (a memory "
                        "pointer)"));
  XclbinKernel kernel = Kernel();
  kernel.arguments[2].size = 2;
  EXPECT_THAT(MatchKernelLayout({kernel}, Spec(), "a.xclbin").status().message(),
              HasSubstr("is 2 bytes; batch_size must be a 4- or 8-byte integer"));
}

TEST(XclbinLayoutTest, TooFewComputeUnits) {
  DeviceModelSpec spec = Spec();
  spec.compute_units = 3;
  EXPECT_THAT(MatchKernelLayout({Kernel(2)}, spec, "a.xclbin").status().message(),
              HasSubstr("has 2 compute unit(s) but instance_group asks for 3"));
}

TEST(XclbinLayoutTest, SpecRules) {
  EXPECT_TRUE(ValidateXrtModelSpec(Spec()).ok());
  DeviceModelSpec spec = Spec();
  spec.kernel_name.clear();
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("fpga.kernel_name is empty"));
  spec = Spec();
  spec.xclbin.clear();
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("no xclbin/awsxclbin configured"));
  spec = Spec();
  spec.compute_units = 0;
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("compute units"));
  spec = Spec();
  spec.kernel_timeout = absl::Seconds(-1);
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("negative kernel timeout"));
  spec = Spec();
  spec.kernel_arguments = {"input", "input", "batch_size"};
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("must name 'input' exactly once"));
  spec.kernel_arguments = {"input", "output", "batch"};
  EXPECT_THAT(ValidateXrtModelSpec(spec).message(), HasSubstr("unknown kernel argument 'batch'"));
}

TEST(XclbinLayoutTest, HeaderOfAWrittenXclbinPasses) {
  absl::StatusOr<std::string> bytes = BuildXclbin(XclbinSpec());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  const std::string head = bytes->substr(0, kXclbinHeaderBytes);
  EXPECT_TRUE(CheckXclbinHeader(head, bytes->size(), Spec(), "a.xclbin").ok());
}

TEST(XclbinLayoutTest, ForeignOrShortFileIsNotAnXclbin) {
  absl::StatusOr<std::string> bytes = BuildXclbin(XclbinSpec());
  ASSERT_TRUE(bytes.ok());
  std::string foreign = *bytes;
  foreign[0] = 'X';
  EXPECT_THAT(CheckXclbinHeader(foreign.substr(0, kXclbinHeaderBytes), foreign.size(), Spec(),
                                "a.xclbin")
                  .message(),
              HasSubstr("a.xclbin is not an xclbin (missing the \"xclbin2\" magic)"));
  EXPECT_THAT(CheckXclbinHeader("xclb", 4, Spec(), "a.xclbin").message(),
              HasSubstr("is not an xclbin"));
}

TEST(XclbinLayoutTest, TruncatedXclbinIsCorrupt) {
  absl::StatusOr<std::string> bytes = BuildXclbin(XclbinSpec());
  ASSERT_TRUE(bytes.ok());
  const uint64_t full = bytes->size();
  const std::string head = bytes->substr(0, kXclbinHeaderBytes);
  const absl::Status truncated = CheckXclbinHeader(head, full - 100, Spec(), "a.xclbin");
  EXPECT_EQ(truncated.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(truncated.message(),
              HasSubstr("is corrupt: header says " + std::to_string(full) + " bytes, file has " +
                        std::to_string(full - 100)));
  // Only the magic survives: no length field to read.
  EXPECT_THAT(CheckXclbinHeader(head.substr(0, 16), 16, Spec(), "a.xclbin").message(),
              HasSubstr("is corrupt: header says 0 bytes, file has 16"));
}

TEST(XclbinLayoutTest, MissingFileIsNotFound) {
  EXPECT_EQ(CheckXclbinFile("no_such_folder/model.xclbin", Spec()).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fpgaas
