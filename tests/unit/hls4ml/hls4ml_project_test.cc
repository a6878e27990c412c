// The hls4ml importer against the team-written fixture projects: an old-style (2020) project, a
// new-style (1.x) project, and malformed copies of them. Expected weights are the fixture's
// decimals converted by hand (value * 2^F, floored: every fixture type truncates).
#include "server/numerics/hls4ml_project.h"

#include <filesystem>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::FixturesDir;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

FixedType Fixed(int w, int i, Quantization q = Quantization::kTrn, Overflow o = Overflow::kWrap) {
  FixedType t;
  t.width = w;
  t.integer_bits = i;
  t.quantization = q;
  t.overflow = o;
  return t;
}

FixedType UFixed(int w, int i) {
  FixedType t = Fixed(w, i);
  t.is_signed = false;
  return t;
}

std::vector<std::string> LayerNames(const NetworkSpec& spec) {
  std::vector<std::string> names;
  for (const LayerSpec& layer : spec.layers) names.push_back(layer.name);
  return names;
}

// Without hls4ml_config.yml, a firmware folder with the project's own code around the network (as
// CMS trigger projects ship: an hls4mlEmulator wrapper, a trigger algorithm calling the top): the
// top is the one .cpp that includes parameters.h.
TEST(Hls4mlProjectTest, TopFunctionIsTheCppIncludingParametersWhenSeveral) {
  const fs::path root = CopyFixture("new_style");
  fs::remove(root / "hls4ml_config.yml");
  WriteText(root / "firmware" / "tinyModel_v1.cpp",
            "#include \"tiny.h\"\n#include \"emulator.h\"\nclass TinyEmulator : public "
            "hls4mlEmulator::Model {\n  void predict() { tiny(in_, out_); }\n};\n");
  WriteText(root / "firmware" / "algo.cpp", "#include \"tiny.h\"\nvoid algo() {}\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(root);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->top_function, "tiny");
  EXPECT_EQ(project->spec.layers.size(), 5u);

  // A top renamed without renaming its file (CICADA's cicada.cpp defines cicada_v2p2p0): the
  // file's only function.
  ReplaceInFile(root / "firmware" / "tiny.cpp", "void tiny(", "void tiny_v2(");
  project = ReadHls4mlProject(root);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->top_function, "tiny_v2");

  // Two .cpp files including parameters.h: which one is the top cannot be told.
  WriteText(root / "firmware" / "algo.cpp", "#include \"parameters.h\"\nvoid algo() {}\n");
  project = ReadHls4mlProject(root);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(),
              HasSubstr("has 3 .cpp files (algo, tiny, tinyModel_v1) of which 2 include "
                        "\"parameters.h\""));
}

// Weights initialised in one header that parameters.h includes (CMS AXOL1TL v3/v4 keep every
// array in firmware/weights.h), with neither a load call nor weights/<name>.h.
TEST(Hls4mlProjectTest, ReadsWeightsFromAHeaderParametersIncludes) {
  const fs::path root = CopyFixture("new_style");
  const fs::path firmware = root / "firmware";
  ReplaceInFile(firmware / "tiny.cpp",
                "nnet::load_weights_from_txt<fc1_weight_t, 12>(w2, \"w2.txt\");", "");
  fs::remove(firmware / "weights" / "w2.h");
  fs::remove(firmware / "weights" / "w2.txt");
  ReplaceInFile(firmware / "parameters.h", "#include \"weights/w2.h\"",
                "#include \"all_weights.h\"");
  WriteText(firmware / "all_weights.h",
            "namespace tiny_v1 {\nfc1_weight_t w2[12] = {0.53, -0.25, 1.0, 0.125, 0.25, 0.5, "
            "-0.75, 1.5, -1.0, 2.0, 0.5, -0.5};\n}\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(root);
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& fc1 = std::get<DenseSpec>(project->spec.layers[0].op);
  EXPECT_THAT(fc1.weights, ElementsAre(16, -8, 32, 4, 8, 16, -24, 48, -32, 64, 16, -16));

  // Declared nowhere: the message names both places looked at.
  fs::remove(firmware / "all_weights.h");
  project = ReadHls4mlProject(root);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(),
              HasSubstr("weight array w2 is neither loaded by a load_weights_from_txt call nor "
                        "declared in firmware/weights/w2.h or a header parameters.h includes"));
}

TEST(Hls4mlProjectTest, ReadsNewStyleProject) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "new_style");
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->top_function, "tiny");  // from hls4ml_config.yml's ProjectName
  EXPECT_EQ(project->input_name, "input_1");
  EXPECT_EQ(project->output_name, "layer9_out");
  const NetworkSpec& spec = project->spec;
  EXPECT_EQ(spec.input_type, Fixed(16, 6));
  EXPECT_EQ(spec.input_size, 3);
  // Layer names come from the `// name` comments hls4ml writes after each call.
  EXPECT_THAT(LayerNames(spec), ElementsAre("fc1", "fc1_relu", "bn", "fc2", "output_softmax"));

  const auto& fc1 = std::get<DenseSpec>(spec.layers[0].op);
  EXPECT_EQ(fc1.n_in, 3);
  EXPECT_EQ(fc1.n_out, 4);
  EXPECT_FALSE(fc1.resource_strategy);
  EXPECT_EQ(fc1.weight_type, Fixed(8, 3));
  EXPECT_EQ(fc1.bias_type, Fixed(8, 3));  // typedef fc1_weight_t fc1_bias_t: a typedef chain
  EXPECT_EQ(fc1.accum_type, Fixed(16, 6));
  // ap_fixed<8,3> has 5 fractional bits: 0.53 -> floor(16.96) = 16 and -0.07 -> floor(-2.24) = -3.
  EXPECT_THAT(fc1.weights, ElementsAre(16, -8, 32, 4, 8, 16, -24, 48, -32, 64, 16, -16));
  EXPECT_THAT(fc1.biases, ElementsAre(-3, -16, 8, 32));
  EXPECT_EQ(spec.layers[0].result_type, Fixed(16, 6));

  const auto& relu = std::get<ActivationSpec>(spec.layers[1].op);
  EXPECT_EQ(relu.kind, ActivationKind::kRelu);
  EXPECT_EQ(relu.n, 4);

  const auto& bn = std::get<BatchNormSpec>(spec.layers[2].op);
  EXPECT_EQ(bn.n, 4);
  EXPECT_THAT(bn.scale, ElementsAre(2048, 512, 1024, -1024));
  EXPECT_THAT(bn.bias, ElementsAre(0, 256, -1024, 512));
  EXPECT_EQ(spec.layers[2].result_type, Fixed(10, 4, Quantization::kRnd, Overflow::kSat));

  // Resource strategy: weights/w6.txt holds the kernel transposed ([n_out][n_in]); the spec holds
  // the latency layout w[i * n_out + j].
  const auto& fc2 = std::get<DenseSpec>(spec.layers[3].op);
  EXPECT_TRUE(fc2.resource_strategy);
  EXPECT_EQ(fc2.reuse_factor, 2);
  EXPECT_EQ(fc2.accum_type, Fixed(20, 8));              // inline `typedef ap_fixed<20,8> accum_t;`
  EXPECT_THAT(fc2.weights, ElementsAre(1024, 0, -512,   //
                                       512, 1024, 0,    //
                                       0, -1024, 1024,  //
                                       256, 256, -256));
  EXPECT_THAT(fc2.biases, ElementsAre(0, 128, -128));

  const auto& softmax = std::get<SoftmaxSpec>(spec.layers[4].op);
  EXPECT_EQ(softmax.n, 3);
  EXPECT_EQ(softmax.implementation, SoftmaxImplementation::kStable);
  EXPECT_EQ(softmax.exp_table_size, 1024);
  EXPECT_EQ(softmax.inv_table_size, 512);
  EXPECT_EQ(softmax.exp_table_type, Fixed(18, 8, Quantization::kRnd, Overflow::kSat));
  EXPECT_EQ(softmax.accum_type, Fixed(18, 8));
  EXPECT_EQ(softmax.inp_norm_type, UFixed(15, 5));
  EXPECT_EQ(softmax.inv_inp_type, Fixed(18, 8));  // typedef output_softmax_accum_t ..._inv_inp_t
  EXPECT_FALSE(softmax.hls4ml_0_8_1_stable);
  EXPECT_EQ(spec.layers[4].result_type, Fixed(16, 6));
}

// Newer releases with a namespace write sizes as integer constants, and sizes may be sums.
TEST(Hls4mlProjectTest, SizesFromIntegerConstantsAndSums) {
  fs::path dir = CopyFixture("new_style");
  ReplaceInFile(dir / "firmware" / "defines.h", "#define N_INPUT_1_1 3",
                "#define N_ONE 1\nstatic const unsigned int N_INPUT_1_1 = N_ONE + 2*1;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->spec.input_size, 3);
}

TEST(Hls4mlProjectTest, AcceptsTheFirmwareFolder) {
  absl::StatusOr<Hls4mlProject> root = ReadHls4mlProject(FixturesDir() / "new_style");
  absl::StatusOr<Hls4mlProject> firmware =
      ReadHls4mlProject(FixturesDir() / "new_style" / "firmware");
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_TRUE(firmware.ok()) << firmware.status();
  EXPECT_EQ(firmware->top_function, "tiny");
  EXPECT_EQ(std::get<DenseSpec>(firmware->spec.layers[3].op).weights,
            std::get<DenseSpec>(root->spec.layers[3].op).weights);
}

TEST(Hls4mlProjectTest, ReadsOldStyleProject) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "old_style");
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->top_function, "myproject");
  EXPECT_EQ(project->input_name, "input_1");
  EXPECT_EQ(project->output_name, "layer7_out");
  const NetworkSpec& spec = project->spec;
  EXPECT_EQ(spec.input_size, 2);
  // No `// name` comments in 2020 projects: layers are named after their output arrays.
  EXPECT_THAT(LayerNames(spec), ElementsAre("layer2", "layer8", "layer4", "layer5", "layer7"));
  const auto& dense = std::get<DenseSpec>(spec.layers[0].op);
  EXPECT_FALSE(dense.resource_strategy);  // nnet::dense_latency, no strategy field
  EXPECT_THAT(dense.weights, ElementsAre(1024, -1024, 512, 2048, 512, -1024));
  EXPECT_THAT(dense.biases, ElementsAre(256, 0, 512));
  const auto& bn = std::get<BatchNormSpec>(spec.layers[1].op);
  EXPECT_EQ(bn.bias_type, Fixed(12, 4));  // typedef bias8_t bias_t: an alias
  EXPECT_THAT(bn.bias, ElementsAre(128, 128, 0));
  EXPECT_EQ(std::get<ActivationSpec>(spec.layers[2].op).kind, ActivationKind::kRelu);
  const auto& sigmoid = std::get<ActivationSpec>(spec.layers[4].op);
  EXPECT_EQ(sigmoid.kind, ActivationKind::kSigmoid);
  EXPECT_EQ(sigmoid.table_size, 2048);
  EXPECT_EQ(sigmoid.table_type, Fixed(18, 8));
}

// Projects from before load_weights_from_txt carry the values only in weights/<name>.h.
TEST(Hls4mlProjectTest, ReadsWeightsFromHeadersWhenTheProjectHasNoTextFiles) {
  fs::path dir = CopyFixture("old_style");
  const fs::path cpp = dir / "firmware" / "myproject.cpp";
  std::string text = testing_hls4ml::ReadText(cpp);
  size_t begin = text.find("#ifndef __SYNTHESIS__\n    static bool loaded_weights");
  size_t end = text.find("#endif", begin);
  ASSERT_NE(begin, std::string::npos);
  text.erase(begin, end + 6 - begin);
  WriteText(cpp, text);
  for (const auto& entry : fs::directory_iterator(dir / "firmware" / "weights")) {
    if (entry.path().extension() == ".txt") fs::remove(entry.path());
  }
  absl::StatusOr<Hls4mlProject> copy = ReadHls4mlProject(dir);
  absl::StatusOr<Hls4mlProject> original = ReadHls4mlProject(FixturesDir() / "old_style");
  ASSERT_TRUE(copy.ok()) << copy.status();
  ASSERT_TRUE(original.ok()) << original.status();
  for (size_t i : {0, 3}) {
    EXPECT_EQ(std::get<DenseSpec>(copy->spec.layers[i].op).weights,
              std::get<DenseSpec>(original->spec.layers[i].op).weights);
    EXPECT_EQ(std::get<DenseSpec>(copy->spec.layers[i].op).biases,
              std::get<DenseSpec>(original->spec.layers[i].op).biases);
  }
  EXPECT_EQ(std::get<BatchNormSpec>(copy->spec.layers[1].op).bias,
            std::get<BatchNormSpec>(original->spec.layers[1].op).bias);
}

// 2019 layout: no defines.h (sizes and typedefs live in parameters.h), nnet::compute_layer, and
// weights compiled in from weights/*.h.
TEST(Hls4mlProjectTest, Reads2019Layout) {
  fs::path dir = CopyFixture("old_style");
  const fs::path fw = dir / "firmware";
  std::string defines = testing_hls4ml::ReadText(fw / "defines.h");
  defines = defines.substr(defines.find("//hls-fpga-machine-learning insert numbers"));
  defines = defines.substr(0, defines.rfind("#endif"));
  ReplaceInFile(fw / "parameters.h", "//hls-fpga-machine-learning insert weights", defines);
  fs::remove(fw / "defines.h");
  std::string cpp = testing_hls4ml::ReadText(fw / "myproject.cpp");
  size_t begin = cpp.find("#ifndef __SYNTHESIS__\n    static bool loaded_weights");
  cpp.erase(begin, cpp.find("#endif", begin) + 6 - begin);
  for (size_t pos; (pos = cpp.find("nnet::dense_latency")) != std::string::npos;) {
    cpp.replace(pos, 19, "nnet::compute_layer");
  }
  WriteText(fw / "myproject.cpp", cpp);
  for (const auto& entry : fs::directory_iterator(fw / "weights")) {
    if (entry.path().extension() == ".txt") fs::remove(entry.path());
  }
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->spec.input_size, 2);
  EXPECT_THAT(std::get<DenseSpec>(project->spec.layers[0].op).weights,
              ElementsAre(1024, -1024, 512, 2048, 512, -1024));
  EXPECT_THAT(std::get<BatchNormSpec>(project->spec.layers[1].op).bias, ElementsAre(128, 128, 0));
}

// Types reach a config through chains of typedefs (defines.h -> parameters.h); a cycle or a
// non-ap type is an error at the typedef.
TEST(Hls4mlProjectTest, TypedefChainsCyclesAndFloatTypes) {
  {
    fs::path dir = CopyFixture("old_style");
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<12,4> bias8_t;",
                  "typedef ap_fixed<12,4,AP_RND> base8_t;\ntypedef base8_t mid8_t;\n"
                  "typedef mid8_t bias8_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    EXPECT_EQ(std::get<BatchNormSpec>(project->spec.layers[1].op).bias_type,
              Fixed(12, 4, Quantization::kRnd));
  }
  {
    fs::path dir = CopyFixture("old_style");
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<12,4> bias8_t;",
                  "typedef loop8_t bias8_t;\ntypedef bias8_t loop8_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(project.status().message(), HasSubstr("typedef cycle"));
    EXPECT_THAT(project.status().message(), HasSubstr("firmware/defines.h:"));
  }
  {
    fs::path dir = CopyFixture("old_style");
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<12,4> bias8_t;",
                  "typedef float bias8_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(), HasSubstr("float"));
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/defines.h:" +
                          std::to_string(LineOf(dir / "firmware" / "defines.h", "float"))));
  }
}

// Softmax configs of older releases select older nnet_utils behaviour.
TEST(Hls4mlProjectTest, SoftmaxConfigVersions) {
  const std::string new_config_tail =
      "    static constexpr float exp_scale = 1.0;\n"
      "    typedef output_softmax_exp_table_t exp_table_t;\n"
      "    typedef output_softmax_inv_table_t inv_table_t;\n"
      "    typedef output_softmax_accum_t accum_t;\n"
      "    typedef output_softmax_inv_inp_t inv_inp_t;\n"
      "    typedef ap_ufixed<15, 5> inp_norm_t;\n";
  {
    // hls4ml 0.5 - 1.0: implementation switch, one table_size, no accum_t/inp_norm_t.
    fs::path dir = CopyFixture("new_style");
    ReplaceInFile(dir / "firmware" / "parameters.h", new_config_tail,
                  "    typedef output_softmax_exp_table_t exp_table_t;\n"
                  "    typedef output_softmax_inv_table_t inv_table_t;\n");
    ReplaceInFile(dir / "firmware" / "parameters.h", "exp_table_size = 1024;",
                  "table_size = 2048;");
    ReplaceInFile(dir / "firmware" / "parameters.h", "static const unsigned inv_table_size = 512;",
                  "");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    const auto& sm = std::get<SoftmaxSpec>(project->spec.layers.back().op);
    EXPECT_EQ(sm.implementation, SoftmaxImplementation::kStable);
    EXPECT_TRUE(sm.hls4ml_0_8_1_stable);
    EXPECT_EQ(sm.exp_table_size, 2048);
    EXPECT_EQ(sm.inv_table_size, 2048);
    EXPECT_EQ(sm.accum_type, sm.exp_table_type);  // the sum is kept in exp_table_t
    EXPECT_FALSE(sm.inv_inp_type.has_value());
  }
  {
    // 2019-2020: no implementation field -> the legacy softmax.
    fs::path dir = CopyFixture("new_style");
    ReplaceInFile(dir / "firmware" / "parameters.h", new_config_tail,
                  "    typedef output_softmax_exp_table_t exp_table_t;\n"
                  "    typedef output_softmax_inv_table_t inv_table_t;\n");
    ReplaceInFile(dir / "firmware" / "parameters.h",
                  "    static const nnet::softmax_implementation implementation = "
                  "nnet::softmax_implementation::stable;\n",
                  "");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    EXPECT_EQ(std::get<SoftmaxSpec>(project->spec.layers.back().op).implementation,
              SoftmaxImplementation::kLegacy);
  }
  {
    fs::path dir = CopyFixture("new_style");
    ReplaceInFile(dir / "firmware" / "parameters.h", "softmax_implementation::stable",
                  "softmax_implementation::argmax");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    EXPECT_EQ(std::get<SoftmaxSpec>(project->spec.layers.back().op).implementation,
              SoftmaxImplementation::kArgmax);
  }
}

// softmax_legacy reads CONFIG_T::table_t (activ_config's ap_fixed<18,8> unless the config sets
// it), never exp_table_t / inv_table_t, in every release.
TEST(Hls4mlProjectTest, LegacySoftmaxUsesTableT) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "softmax_implementation::stable", "softmax_implementation::legacy");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& sm = std::get<SoftmaxSpec>(project->spec.layers.back().op);
  EXPECT_EQ(sm.implementation, SoftmaxImplementation::kLegacy);
  EXPECT_EQ(sm.exp_table_type, Fixed(18, 8));  // not exp_table_t's AP_RND/AP_SAT
  EXPECT_EQ(sm.inv_table_type, Fixed(18, 8));
  EXPECT_EQ(sm.exp_table_size, 1024);  // activ_config's table_size, not exp/inv_table_size
  EXPECT_EQ(sm.inv_table_size, 1024);

  ReplaceInFile(params, "    typedef output_softmax_exp_table_t exp_table_t;\n",
                "    typedef ap_fixed<20,10> table_t;\n"
                "    typedef output_softmax_exp_table_t exp_table_t;\n");
  project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& with_table_t = std::get<SoftmaxSpec>(project->spec.layers.back().op);
  EXPECT_EQ(with_table_t.exp_table_type, Fixed(20, 10));
  EXPECT_EQ(with_table_t.inv_table_type, Fixed(20, 10));
}

// hls4ml 0.5 - 0.7 batchnorm configs carry a three-parameter product that returns res_T.
TEST(Hls4mlProjectTest, BatchNormProductArity) {
  fs::path dir = CopyFixture("new_style");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_FALSE(std::get<BatchNormSpec>(project->spec.layers[2].op).product_in_result_type);

  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params,
                "    typedef bn_scale_t scale_t;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;\n",
                "    typedef bn_scale_t scale_t;\n"
                "    template<class x_T, class y_T, class res_T>\n"
                "    using product = nnet::product::mult<x_T, y_T, res_T>;\n");
  project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_TRUE(std::get<BatchNormSpec>(project->spec.layers[2].op).product_in_result_type);
}

// ---- malformed projects: the error names the problem and its file:line ----

TEST(Hls4mlProjectErrorsTest, MissingWeightFile) {
  fs::path dir = CopyFixture("new_style");
  fs::remove(dir / "firmware" / "weights" / "w6.txt");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kNotFound);
  const int line = LineOf(dir / "firmware" / "tiny.cpp", "(layer5_out, layer6_out, w6, b6)");
  EXPECT_THAT(project.status().message(), HasSubstr("missing weight file firmware/weights/w6.txt"));
  EXPECT_THAT(project.status().message(), HasSubstr("firmware/tiny.cpp:" + std::to_string(line)));
}

TEST(Hls4mlProjectErrorsTest, WrongWeightCount) {
  fs::path dir = CopyFixture("new_style");
  WriteText(dir / "firmware" / "weights" / "w2.txt",
            "0.5, -0.25, 1.0, 0.125, 0.25, 0.5, -0.75, 1.5, -1.0, 2.0, 0.5");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(project.status().message(), HasSubstr("firmware/weights/w2.txt"));
  EXPECT_THAT(project.status().message(), HasSubstr("11 values"));
  EXPECT_THAT(project.status().message(), HasSubstr("12"));
}

TEST(Hls4mlProjectErrorsTest, DeclaredCountDiffersFromLayerShape) {
  fs::path dir = CopyFixture("old_style");
  ReplaceInFile(dir / "firmware" / "defines.h", "#define N_LAYER_2 3", "#define N_LAYER_2 4");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  const int line = LineOf(dir / "firmware" / "myproject.cpp", "(w2, \"w2.txt\")");
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/myproject.cpp:" + std::to_string(line)));
  EXPECT_THAT(project.status().message(), HasSubstr("w2 has 6 values"));
  EXPECT_THAT(project.status().message(), HasSubstr("needs 8"));
}

TEST(Hls4mlProjectErrorsTest, ValueThatIsNotANumber) {
  fs::path dir = CopyFixture("new_style");
  WriteText(dir / "firmware" / "weights" / "b6.txt", "0.0, 0.1x5, -0.125");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(), HasSubstr("firmware/weights/b6.txt"));
  EXPECT_THAT(project.status().message(), HasSubstr("value #2 '0.1x5' is not a number"));
}

TEST(Hls4mlProjectErrorsTest, UnknownLayer) {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  ReplaceInFile(cpp, "nnet::relu<layer2_t", "nnet::einsum_dense<layer2_t");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(), HasSubstr("unknown layer nnet::einsum_dense"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/tiny.cpp:" + std::to_string(LineOf(cpp, "nnet::einsum_dense"))));
}

TEST(Hls4mlProjectErrorsTest, UnparsableType) {
  fs::path dir = CopyFixture("new_style");
  const fs::path defines = dir / "firmware" / "defines.h";
  ReplaceInFile(defines, "typedef ap_fixed<16,6> layer6_t;", "typedef ap_fixed<16,x> layer6_t;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(project.status().message(), HasSubstr("unparsable type 'ap_fixed<16,x>'"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/defines.h:" + std::to_string(LineOf(defines, "layer6_t;"))));
}

TEST(Hls4mlProjectErrorsTest, UnknownTypeName) {
  fs::path dir = CopyFixture("old_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "typedef bias8_t bias_t;", "typedef bias9_t bias_t;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(), HasSubstr("unknown type 'bias9_t'"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" + std::to_string(LineOf(params, "bias9_t"))));
}

// A project whose load calls sit under its own `#ifdef LOAD_WEIGHTS_FROM_TEXT` (as CMS projects
// write them) simulates with the weights/<name>.h initialisers: those are the values read, even
// when the .txt files say otherwise.
TEST(Hls4mlProjectTest, LoadsUnderAnotherConditionUseTheHeaderValues) {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  ReplaceInFile(cpp, "#ifndef __SYNTHESIS__", "#ifdef LOAD_WEIGHTS_FROM_TEXT");
  WriteText(dir / "firmware" / "weights" / "b6.txt", "1.0, 1.0, 1.0");
  ReplaceInFile(dir / "firmware" / "weights" / "b6.h", "{0.0, 0.125, -0.125}", "{0.25, 0.5, -0.5}");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_THAT(std::get<DenseSpec>(project->spec.layers[3].op).biases, ElementsAre(256, 512, -512));
  // Under the standard guard the .txt is what the C simulation loads.
  ReplaceInFile(cpp, "#ifdef LOAD_WEIGHTS_FROM_TEXT", "#ifndef __SYNTHESIS__");
  project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_THAT(std::get<DenseSpec>(project->spec.layers[3].op).biases,
              ElementsAre(1024, 1024, 1024));
}

TEST(Hls4mlProjectErrorsTest, IoStreamConfigOfAnArrayProject) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "io_type = nnet::io_parallel;", "io_type = nnet::io_stream;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(project.status().message(),
              HasSubstr("io_type is nnet::io_stream but the top function takes arrays"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" + std::to_string(LineOf(params, "io_stream"))));
}

// The new_style fixture rewritten as hls4ml writes io_stream projects: stream arguments and
// variables, nnet::array pack types, io_stream configs. Dense, relu, batch norm and softmax
// compute the same in both, so the specs must be equal.
fs::path StreamCopyOfNewStyle() {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  const fs::path defines = dir / "firmware" / "defines.h";
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(cpp, "input_t input_1[N_INPUT_1_1],", "hls::stream<input_t> &input_1,");
  ReplaceInFile(cpp, "result_t layer9_out[N_LAYER_6]", "hls::stream<result_t> &layer9_out");
  for (const char* k : {"2", "4", "5", "6"}) {
    const std::string size = std::string(k) == "6" ? "N_LAYER_6" : "N_LAYER_2";
    ReplaceInFile(cpp, "layer" + std::string(k) + "_t layer" + k + "_out[" + size + "];",
                  "hls::stream<layer" + std::string(k) + "_t> layer" + k + "_out(\"layer" + k +
                      "_out\");");
  }
  for (auto [name, type, n] :
       {std::tuple{"input_t", "ap_fixed<16,6>", "1"}, {"layer2_t", "ap_fixed<16,6>", "4"},
        {"layer4_t", "ap_fixed<16,6>", "4"}, {"layer5_t", "ap_fixed<10,4,AP_RND,AP_SAT>", "4"},
        {"layer6_t", "ap_fixed<16,6>", "3"}, {"result_t", "ap_fixed<16,6>", "3"}}) {
    ReplaceInFile(defines, std::string("typedef ") + type + " " + name + ";",
                  std::string("typedef nnet::array<") + type + ", " + n + "*1> " + name + ";");
  }
  for (int k = 0; k < 5; ++k) {
    ReplaceInFile(params, "io_type = nnet::io_parallel;", "io_type = nnet::io_stream;");
  }
  return dir;
}

TEST(Hls4mlProjectTest, IoStreamProjectReadsLikeItsArrayTwin) {
  absl::StatusOr<Hls4mlProject> parallel = ReadHls4mlProject(FixturesDir() / "new_style");
  ASSERT_TRUE(parallel.ok()) << parallel.status();
  absl::StatusOr<Hls4mlProject> stream = ReadHls4mlProject(StreamCopyOfNewStyle());
  ASSERT_TRUE(stream.ok()) << stream.status();
  // The input stream has no declared size: the first layer's config (n_in) gives it.
  EXPECT_EQ(stream->spec.input_size, 3);
  EXPECT_EQ(stream->spec.input_type, parallel->spec.input_type);
  ASSERT_EQ(stream->spec.layers.size(), parallel->spec.layers.size());
  for (size_t k = 0; k < stream->spec.layers.size(); ++k) {
    const LayerSpec& a = stream->spec.layers[k];
    const LayerSpec& b = parallel->spec.layers[k];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.result_type, b.result_type) << a.name;
    EXPECT_EQ(a.op.index(), b.op.index()) << a.name;
  }
  EXPECT_EQ(std::get<DenseSpec>(stream->spec.layers[0].op).weights,
            std::get<DenseSpec>(parallel->spec.layers[0].op).weights);
}

TEST(Hls4mlProjectErrorsTest, IoStreamSoftmaxOverPacks) {
  fs::path dir = StreamCopyOfNewStyle();
  const fs::path defines = dir / "firmware" / "defines.h";
  ReplaceInFile(defines, "typedef nnet::array<ap_fixed<16,6>, 3*1> result_t;",
                "typedef nnet::array<ap_fixed<16,6>, 1*1> result_t;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  // One softmax per pack needs equal input and output packs.
  EXPECT_THAT(std::string(project.status().message()),
              HasSubstr("io_stream nnet::softmax: softmax over packs of 3 in and 1 out of its 3 "
                        "values is not supported"));
}

TEST(Hls4mlProjectErrorsTest, UnsupportedStrategy) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "strategy = nnet::resource;", "strategy = nnet::distributed_arithmetic;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("dense strategy nnet::distributed_arithmetic is not supported (latency, "
                        "resource and resource_unrolled are)"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" +
                        std::to_string(LineOf(params, "nnet::distributed_arithmetic"))));
}

TEST(Hls4mlProjectErrorsTest, WeightArrayTypeDiffersFromConfig) {
  fs::path dir = CopyFixture("old_style");
  const fs::path cpp = dir / "firmware" / "myproject.cpp";
  ReplaceInFile(cpp, "load_weights_from_txt<bias8_t, 3>(b8",
                "load_weights_from_txt<model_default_t, 3>(b8");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(), HasSubstr("b8 is declared as model_default_t"));
  EXPECT_THAT(project.status().message(), HasSubstr("config8::bias_t = ap_fixed<12,4>"));
}

// A layer may read any earlier layer's output (a graph); the spec names what it reads.
TEST(Hls4mlProjectTest, LayerReadingAnEarlierBuffer) {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  ReplaceInFile(cpp, "(layer5_out, layer6_out, w6, b6)", "(layer4_out, layer6_out, w6, b6)");
  ReplaceInFile(cpp, "nnet::dense<layer5_t, layer6_t", "nnet::dense<layer4_t, layer6_t");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_THAT(project->spec.layers[3].inputs, ElementsAre("fc1_relu"));
  EXPECT_TRUE(Network::Create(project->spec).ok());
}

TEST(Hls4mlProjectErrorsTest, LayerReadingAnArrayNobodyWrote) {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  ReplaceInFile(cpp, "(layer5_out, layer6_out, w6, b6)", "(layer7_out, layer6_out, w6, b6)");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(),
              HasSubstr("reads 'layer7_out', which is neither a top-function input nor written by "
                        "an earlier layer"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/tiny.cpp:" + std::to_string(LineOf(cpp, "(layer7_out"))));
}

// (Binary/ternary products of every release: binary_products_import_test.cc.)
TEST(Hls4mlProjectErrorsTest, NonMultiplyProductOfNewReleases) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "using product = nnet::product::mult<x_T, y_T>;",
                "using product = nnet::product::both_binary<x_T, y_T>;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(), HasSubstr("nnet::product::both_binary"));
  // The statement opens on its template<> line, the one above.
  const int line = LineOf(params, "nnet::product::both_binary") - 1;
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" + std::to_string(line)));
}

// Newer configs scale the exp table's argument (exp_scale); a non-number is an error at its line.
TEST(Hls4mlProjectTest, SoftmaxExpScale) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "exp_scale = 1.0;", "exp_scale = 0.1;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(std::get<SoftmaxSpec>(project->spec.layers.back().op).exp_scale, 0.1f);

  ReplaceInFile(params, "exp_scale = 0.1;", "exp_scale = nope;");
  project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(project.status().message(), HasSubstr("exp_scale = nope is not a finite number"));
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" + std::to_string(LineOf(params, "exp_scale"))));
}

TEST(Hls4mlProjectErrorsTest, NotAProject) {
  fs::path dir = testing_hls4ml::ScratchDir("empty");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(project.status().message(), HasSubstr("parameters.h"));
}

}  // namespace
}  // namespace fpgaas::numerics
