// The importer on softplus, softsign, elu, selu, binary_tanh and ternary_tanh: their config, their
// parameters, and the release differences it reads from the project's nnet_activation(_stream).h
// (alpha/lambda types, binary_tanh at 0 and its ap_uint<1> cast, ternary_tanh's doubling in
// io_parallel only). Projects are the team's fixtures with one activation replaced.
#include <filesystem>
#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

constexpr char kRelu[] = "nnet::relu<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);";

// new_style (io_parallel; layer2_t = layer4_t = ap_fixed<16,6>) with fc1_relu replaced by `call`
// and, when `header` is not empty, a nnet_utils/nnet_activation.h holding it.
fs::path Parallel(const std::string& call, const std::string& header = "") {
  fs::path dir = CopyFixture("new_style");
  ReplaceInFile(dir / "firmware" / "tiny.cpp", kRelu, call);
  if (!header.empty()) {
    fs::create_directories(dir / "firmware" / "nnet_utils");
    WriteText(dir / "firmware" / "nnet_utils" / "nnet_activation.h", header);
  }
  return dir;
}

ActivationSpec Act(const fs::path& dir, int layer = 1) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  EXPECT_TRUE(project.ok()) << project.status();
  if (!project.ok()) return {};
  EXPECT_TRUE(Network::Create(project->spec).ok());
  return std::get<ActivationSpec>(project->spec.layers[layer].op);
}

FixedType Type(const std::string& text) { return *ParseFixedType(text); }

TEST(ActivationsImport, SoftplusAndSoftsignReadTheirTables) {
  for (const char* f : {"softplus", "softsign"}) {
    fs::path dir = Parallel(std::string("nnet::") + f +
                            "<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);");
    ReplaceInFile(dir / "firmware" / "parameters.h",
                  "    static const unsigned n_in = 4;\n    static const unsigned table_size = 1024;",
                  "    static const unsigned n_in = 4;\n    static const unsigned table_size = 512;");
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<18,8> fc1_relu_table_t;",
                  "typedef ap_fixed<12,3,AP_RND> fc1_relu_table_t;");
    const ActivationSpec a = Act(dir);
    EXPECT_EQ(a.kind, std::string(f) == "softplus" ? ActivationKind::kSoftplus
                                                   : ActivationKind::kSoftsign);
    EXPECT_EQ(a.table_size, 512);
    EXPECT_EQ(a.table_type, Type("ap_fixed<12,3,AP_RND>"));
  }
}

TEST(ActivationsImport, EluAlphaTypeFollowsTheRelease) {
  const std::string two_args = "nnet::elu<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);";
  // hls4ml 1.x: elu<data_T, ap_uint<1>, res_T, CONFIG_T>(data, 1.0, res); also without a header.
  for (const std::string header :
       {std::string(), std::string("elu<data_T, ap_uint<1>, res_T, CONFIG_T>(data, 1.0, res);")}) {
    const ActivationSpec a = Act(Parallel(two_args, header));
    EXPECT_EQ(a.kind, ActivationKind::kElu);
    EXPECT_EQ(a.param_type, Type("ap_uint<1>"));
    EXPECT_EQ(a.param, 1);
  }
  // Older releases: res_T alpha = 1.0 (here ap_fixed<16,6>: raw 1024).
  ActivationSpec a = Act(Parallel(two_args, "elu<data_T, res_T, CONFIG_T>(data, 1.0, res);"));
  EXPECT_EQ(a.param_type, Type("ap_fixed<16,6>"));
  EXPECT_EQ(a.param, 1024);
  // 1.x's ELU layer: the call's param_t and literal; older three-type calls: res_T.
  fs::path dir = Parallel(
      "nnet::elu<layer2_t, elu_param_t, layer4_t, relu_config4>(layer2_out, 0.3, layer4_out);");
  ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<16,6> layer4_t;",
                "typedef ap_fixed<16,6> layer4_t;\ntypedef ap_fixed<8,1,AP_RND> elu_param_t;");
  a = Act(dir);
  EXPECT_EQ(a.param_type, Type("ap_fixed<8,1,AP_RND>"));
  EXPECT_EQ(a.param, 38);  // 0.3 * 128 = 38.4, rounded
  a = Act(Parallel("nnet::elu<layer2_t, layer4_t, relu_config4>(layer2_out, 0.3, layer4_out);"));
  EXPECT_EQ(a.param_type, Type("ap_fixed<16,6>"));
  EXPECT_EQ(a.param, 307);  // 0.3 * 1024 = 307.2, truncated
  // A header with neither form is refused, naming it.
  absl::StatusOr<Hls4mlProject> edited =
      ReadHls4mlProject(Parallel(two_args, "elu_me<data_T>(data, 2.0, res);"));
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(edited.status().message(), HasSubstr("firmware/nnet_utils/nnet_activation.h"));
}

TEST(ActivationsImport, SeluLambdaTypeFollowsTheRelease) {
  const std::string call = "nnet::selu<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);";
  // 1.2+: ap_ufixed<16, 1> lambda = floor(1.0507009873554805 * 2^15) = 34429.
  ActivationSpec a = Act(Parallel(call, "typedef ap_ufixed<16, 1> selu_const_t;"));
  EXPECT_EQ(a.kind, ActivationKind::kSelu);
  EXPECT_EQ(a.param_type, Type("ap_ufixed<16,1>"));
  EXPECT_EQ(a.param, 34429);
  // Before: res_T(lambda) = floor(1.0507 * 1024) = 1075.
  a = Act(Parallel(call, "res[ii] = res_T(1.0507009873554804934193349852946) * datareg;"));
  EXPECT_EQ(a.param_type, Type("ap_fixed<16,6>"));
  EXPECT_EQ(a.param, 1075);
}

TEST(ActivationsImport, BinaryTanhFollowsTheReleaseAndTheResultSpelling) {
  const std::string call =
      "nnet::binary_tanh<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);";
  const std::string new_header = "out = binary_cast<cache_T, res_T>(cache);";
  ActivationSpec a = Act(Parallel(call, new_header));
  EXPECT_EQ(a.kind, ActivationKind::kBinaryTanh);
  EXPECT_TRUE(a.binary_zero_positive);
  EXPECT_FALSE(a.binary_bit_result);
  a = Act(Parallel(call, "if (datareg > 0) cache = 1;"));
  EXPECT_FALSE(a.binary_zero_positive);
  // An ap_uint<1> result (through a typedef) takes 1.2+'s binary_cast; ap_ufixed<1,1> does not.
  for (const std::string type : {"ap_uint<1>", "ap_ufixed<1,1>"}) {
    fs::path dir = Parallel(call, new_header);
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<16,6> layer4_t;",
                  "typedef " + type + " bit_t;\ntypedef bit_t layer4_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    const auto& b = std::get<ActivationSpec>(project->spec.layers[1].op);
    EXPECT_EQ(b.binary_bit_result, type == "ap_uint<1>") << type;
  }
}

TEST(ActivationsImport, TernaryTanhDoublesInParallelOnly) {
  ActivationSpec a = Act(Parallel(
      "nnet::ternary_tanh<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);"));
  EXPECT_EQ(a.kind, ActivationKind::kTernaryTanh);
  EXPECT_TRUE(a.ternary_doubles);

  // io_stream: cnn_stream's conv1_relu (layer3_t -> layer4_t packs of 3).
  fs::path dir = CopyFixture("cnn_stream");
  ReplaceInFile(dir / "firmware" / "myproject.cpp",
                "nnet::relu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out);",
                "nnet::ternary_tanh<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out);");
  a = Act(dir, 2);
  EXPECT_EQ(a.kind, ActivationKind::kTernaryTanh);
  EXPECT_FALSE(a.ternary_doubles);

  // Every release's stream selu types lambda as data_T (here ap_fixed<16,6>: 1075).
  dir = CopyFixture("cnn_stream");
  ReplaceInFile(dir / "firmware" / "myproject.cpp",
                "nnet::relu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out);",
                "nnet::selu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out);");
  a = Act(dir, 2);
  EXPECT_EQ(a.kind, ActivationKind::kSelu);
  EXPECT_EQ(a.param_type, Type("ap_fixed<16,6>"));
  EXPECT_EQ(a.param, 1075);
}

}  // namespace
}  // namespace fpgaas::numerics
