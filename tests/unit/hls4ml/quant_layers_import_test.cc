// The importer on power-of-two (load_exponent_weights_from_txt / weight_exponential) batch-norm
// scales, depthwise and separable convolutions, and honest refusals (missing layers, edited
// nnet_utils) with their file:line. Projects are the team's fixtures edited here, or tiny
// projects written by this test.
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::ScratchDir;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

// cnn_parallel with its per-channel batch norm (conv1_bn, 4 channels) turned into a QKeras
// "alpha" layer: power-of-two scales read by load_exponent_weights_from_txt.
fs::path ExponentFixture(const std::string& scales) {
  fs::path dir = CopyFixture("cnn_parallel");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<12,4> conv1_bn_scale_t;",
                "typedef struct exponent_scale3_t {ap_uint<1> sign;ap_int<3> weight; } "
                "exponent_scale3_t;");
  ReplaceInFile(fw / "parameters.h",
                "    typedef conv1_bn_scale_t scale_t;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;",
                "    typedef exponent_scale3_t scale_t;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::weight_exponential<x_T, y_T>;");
  ReplaceInFile(fw / "myproject.cpp",
                "nnet::load_weights_from_txt<conv1_bn_scale_t, 4>(s3, \"s3.txt\");",
                "nnet::load_exponent_weights_from_txt<exponent_scale3_t, 4>(s3, \"s3.txt\");");
  WriteText(fw / "weights" / "s3.txt", scales + "\n");
  return dir;
}

TEST(ExponentScalesImport, ReadsSignsExponentsAndTheProductType) {
  // hls4ml writes the sign as a float ("1.0"); ap_uint<1> keeps its integer part.
  const fs::path dir = ExponentFixture("{1.0, -1}, {0.0, 2}, {1.0, 0}, {0.0, -3}");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const LayerSpec& layer = project->spec.layers[1];
  ASSERT_EQ(layer.name, "conv1_bn");
  const auto& bn = std::get<BatchNormSpec>(layer.op);
  ASSERT_TRUE(bn.exponent_product_type.has_value());
  // r_T = ap_fixed<2 * (3 + 14), 3 + 14> for layer2_t = ap_fixed<14,5>.
  EXPECT_EQ(bn.exponent_product_type->width, 34);
  EXPECT_EQ(bn.exponent_product_type->integer_bits, 17);
  ASSERT_EQ(bn.exponent.size(), 144u);
  for (int i = 0; i < 144; ++i) {
    EXPECT_EQ(bn.exponent[i], std::vector<int>({-1, 2, 0, -3})[i % 4]) << i;
    EXPECT_EQ(bn.exponent_sign[i], std::vector<int>({1, 0, 1, 0})[i % 4]) << i;
  }

  // The network: conv1_bn's output is res_t(sign * x * 2^e + b) of conv1's, per channel.
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  std::mt19937_64 rng(3);
  const FixedType& in = (*net)->input_type();
  for (int sample = 0; sample < 50; ++sample) {
    std::vector<uint8_t> x((*net)->input_bytes_per_sample());
    for (int k = 0; k < (*net)->input_size(); ++k) {
      PackRaw(in, static_cast<int64_t>(rng() % 4096) - 2048, x.data() + k * in.container_bytes());
    }
    const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
    ASSERT_EQ(trace[1].name, "conv1_bn");
    const double scales[] = {0.5, -4, 1, -0.125};
    const double biases[] = {0.21484375, 0.02734375, 0.14062500, 0.07812500};
    for (size_t i = 0; i < trace[1].raw.size(); ++i) {
      absl::StatusOr<int64_t> expected =
          FromDouble(layer.result_type, trace[0].values[i] * scales[i % 4] + biases[i % 4]);
      ASSERT_TRUE(expected.ok());
      ASSERT_EQ(trace[1].raw[i], *expected) << "sample " << sample << " element " << i;
    }
  }
}

TEST(ExponentScalesImport, Refusals) {
  {  // An exponent that is not an integer.
    const fs::path dir = ExponentFixture("{1.0, -1}, {0.0, 2.5}, {1.0, 0}, {0.0, -3}");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/weights/s3.txt: exponent weight #2: '2.5' is not an integer"));
  }
  {  // Too few values.
    const fs::path dir = ExponentFixture("{1.0, -1}, {0.0, 2}");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(), HasSubstr("2 values, but s3 is declared with 4"));
  }
  {  // hls4ml 0.5/0.6's three-parameter product.
    const fs::path dir = ExponentFixture("{1.0, -1}, {0.0, 2}, {1.0, 0}, {0.0, -3}");
    const fs::path params = dir / "firmware" / "parameters.h";
    ReplaceInFile(params,
                  "    template<class x_T, class y_T>\n"
                  "    using product = nnet::product::weight_exponential<x_T, y_T>;",
                  "    template<class x_T, class y_T, class res_T>\n"
                  "    using product = nnet::product::weight_exponential<x_T, y_T, res_T>;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "weight_exponential<x_T") - 1)));
    EXPECT_THAT(project.status().message(), HasSubstr("three-parameter weight_exponential"));
  }
  {  // A project whose nnet_mult.h computes the product some other way.
    const fs::path dir = ExponentFixture("{1.0, -1}, {0.0, 2}, {1.0, 0}, {0.0, -3}");
    fs::create_directories(dir / "firmware" / "nnet_utils");
    WriteText(dir / "firmware" / "nnet_utils" / "nnet_mult.h",
              "// weight_exponential rewritten by its user\n"
              "template <class x_T, class w_T> class weight_exponential : public Product {\n"
              "    using r_T = ap_fixed<64, 32>;\n};\n");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/nnet_utils/nnet_mult.h: this nnet_mult.h's "
                          "weight_exponential is neither"));
  }
  {  // Struct-typed weights multiplied by product::mult (no weight_exponential): refused at
     // their typedef (exponent_weights_import_test.cc has the weight_exponential layers).
    fs::path dir = CopyFixture("cnn_parallel");
    const fs::path fw = dir / "firmware";
    ReplaceInFile(fw / "defines.h", "typedef ap_fixed<8,2> fc_weight_t;",
                  "typedef struct fc_weight_t {ap_uint<1> sign;ap_int<3> weight; } fc_weight_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/defines.h:" +
                          std::to_string(LineOf(fw / "defines.h", "fc_weight_t {"))));
  }
}

// new_style with QKeras binary (fc1: ap_uint<1>, weight_binary) and ternary (fc2: ap_int<2>,
// weight_ternary) kernels.
fs::path BinaryTernaryFixture() {
  fs::path dir = CopyFixture("new_style");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "defines.h",
                "typedef ap_fixed<8,3> fc1_weight_t;\ntypedef fc1_weight_t fc1_bias_t;",
                "typedef ap_uint<1> fc1_weight_t;\ntypedef ap_fixed<8,3> fc1_bias_t;");
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<16,6> fc2_weight_t;",
                "typedef ap_int<2> fc2_weight_t;");
  const std::string mult =
      "    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
      "    template<class x_T, class y_T>\n"
      "    using product = nnet::product::mult<x_T, y_T>;";
  ReplaceInFile(fw / "parameters.h", mult,
                "    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::weight_binary<x_T, y_T>;");
  ReplaceInFile(fw / "parameters.h",
                "    using kernel = nnet::DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;",
                "    using kernel = nnet::DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::weight_ternary<x_T, y_T>;");
  WriteText(fw / "weights" / "w2.txt", "1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0\n");
  WriteText(fw / "weights" / "w6.txt", "1, 0, -1, 0, 1, -1, 1, 1, 0, -1, 0, 1\n");
  return dir;
}

TEST(BinaryTernaryImport, ProductsBecomeEffectiveWeights) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(BinaryTernaryFixture());
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& fc1 = std::get<DenseSpec>(project->spec.layers[0].op);
  const auto& fc2 = std::get<DenseSpec>(project->spec.layers[3].op);
  // weight_binary: w == 0 ? -x : x; weight_ternary: w == 0 ? 0 : w == -1 ? -x : x.
  EXPECT_EQ(fc1.weights, std::vector<int64_t>({1, -1, 1, 1, -1, -1, 1, -1, 1, 1, 1, -1}));
  // fc2 is a resource-strategy layer: its file is [n_out][n_in], the spec [n_in][n_out].
  EXPECT_EQ(fc2.weights, std::vector<int64_t>({1, 1, 0, 0, -1, -1, -1, 1, 0, 0, 1, 1}));
  for (const DenseSpec* d : {&fc1, &fc2}) {
    EXPECT_EQ(d->weight_type.width, 2);
    EXPECT_EQ(d->weight_type.integer_bits, 2);
    EXPECT_TRUE(d->weight_type.is_signed);
  }
  // fc1's outputs: res_t(accum_t(b_j) + sum of accum_t(+-x_i)), against the definition.
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType& in = (*net)->input_type();
  std::mt19937_64 rng(5);
  for (int sample = 0; sample < 100; ++sample) {
    std::vector<uint8_t> x((*net)->input_bytes_per_sample());
    std::vector<double> xv;
    for (int k = 0; k < (*net)->input_size(); ++k) {
      const int64_t raw = static_cast<int64_t>(rng() % 65536) - 32768;
      PackRaw(in, raw, x.data() + k * in.container_bytes());
      xv.push_back(std::ldexp(static_cast<double>(raw), -10));
    }
    const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
    const int signs[3][4] = {{1, -1, 1, 1}, {-1, -1, 1, -1}, {1, 1, 1, -1}};
    for (int j = 0; j < 4; ++j) {
      const FixedType& acc_t = fc1.accum_type;
      const double lsb = std::ldexp(1.0, -(acc_t.width - acc_t.integer_bits));
      const double lb = std::ldexp(1.0, -(fc1.bias_type.width - fc1.bias_type.integer_bits));
      int64_t acc = *FromDouble(acc_t, fc1.biases[j] * lb);
      for (int i = 0; i < 3; ++i) {
        const int64_t p = *FromDouble(acc_t, signs[i][j] * xv[i]);
        acc = *FromDouble(acc_t, (acc + p) * lsb);
      }
      ASSERT_EQ(trace[0].raw[j], *FromDouble(project->spec.layers[0].result_type, acc * lsb))
          << "sample " << sample << " output " << j;
    }
  }
}

TEST(BinaryTernaryImport, EditedOrOldProductsAreRefused) {
  {
    const fs::path dir = BinaryTernaryFixture();
    fs::create_directories(dir / "firmware" / "nnet_utils");
    WriteText(dir / "firmware" / "nnet_utils" / "nnet_mult.h",
              "template <class x_T, class w_T> class weight_binary : public Product {\n"
              "    static auto product(x_T a, w_T w) -> decltype(-a) { return w ? a : a; }\n};\n");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/nnet_utils/nnet_mult.h: this nnet_mult.h's weight_binary is "
                          "not hls4ml's"));
  }
  {
    const fs::path dir = BinaryTernaryFixture();
    const fs::path params = dir / "firmware" / "parameters.h";
    ReplaceInFile(params,
                  "    template<class x_T, class y_T>\n"
                  "    using product = nnet::product::weight_binary<x_T, y_T>;",
                  "    template<class x_T, class y_T, class res_T>\n"
                  "    using product = nnet::product::weight_binary<x_T, y_T, res_T>;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "weight_binary<x_T") - 1) +
                          ": product nnet::product::weight_binary<x_T, y_T, res_T>: without "
                          "firmware/nnet_utils/nnet_mult.h the release of this three-parameter "
                          "product cannot be told"));
  }
}

// Layers hls4ml does not have, or the project's own (`_me` functions of an edited nnet_utils):
// refused at the call, naming the function.
TEST(MissingLayers, AreRefusedAtTheirCall) {
  for (const std::string& call :
       {std::string("nnet::dot_me<layer2_t, layer2_t, layer4_t, config4>(layer2_out, "
                    "layer2_out, layer4_out);"),
        std::string("nnet::relu_me<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);")}) {
    fs::path dir = CopyFixture("new_style");
    const fs::path top = dir / "firmware" / "tiny.cpp";
    ReplaceInFile(top, "nnet::relu<layer2_t, layer4_t, relu_config4>(layer2_out, layer4_out);",
                  call);
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok()) << call;
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    const std::string function = call.substr(0, call.find('<'));
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/tiny.cpp:" + std::to_string(LineOf(top, function)) +
                          ": unknown layer " + function))
        << project.status();
  }
}

// A tiny io_parallel project written here: one depthwise (or separable) 2D convolution over a
// 4x4x2 input, 3x3 kernel, "same" padding.
struct TinyConv {
  std::vector<double> depthwise{0.25, -0.5, 0.125, 0.75, -0.25, 0.5, 1.0, -1.0, 0.0,
                                0.375, 0.5, -0.125, -0.75, 0.25, 0.625, -0.375, 0.125, 0.5};
  std::vector<double> depthwise_bias{0.5, -0.25};
  std::vector<double> pointwise{0.5, -0.25, 0.75, 1.0, -0.5, 0.25};  // [chan][filt], 2 x 3
  std::vector<double> pointwise_bias{0.125, -0.125, 0.25};
};

std::string Join(const std::vector<double>& v) {
  std::string s;
  for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + std::to_string(v[k]);
  return s;
}

std::string ConvConfig(const std::string& name, int filt, int n_filt, int pad,
                       const std::string& prefix) {
  return "struct " + name + " : nnet::conv2d_config {\n"
         "    static const unsigned pad_top = " + std::to_string(pad) + ";\n"
         "    static const unsigned pad_bottom = " + std::to_string(pad) + ";\n"
         "    static const unsigned pad_left = " + std::to_string(pad) + ";\n"
         "    static const unsigned pad_right = " + std::to_string(pad) + ";\n"
         "    static const unsigned in_height = 4;\n"
         "    static const unsigned in_width = 4;\n"
         "    static const unsigned n_chan = 2;\n"
         "    static const unsigned filt_height = " + std::to_string(filt) + ";\n"
         "    static const unsigned filt_width = " + std::to_string(filt) + ";\n"
         "    static const unsigned n_filt = " + std::to_string(n_filt) + ";\n"
         "    static const unsigned stride_height = 1;\n"
         "    static const unsigned stride_width = 1;\n"
         "    static const unsigned out_height = 4;\n"
         "    static const unsigned out_width = 4;\n"
         "    static const unsigned io_type = nnet::io_parallel;\n"
         "    static const unsigned strategy = nnet::latency;\n"
         "    static const unsigned n_partitions = 16;\n"
         "    typedef " + prefix + "_accum_t accum_t;\n"
         "    typedef " + prefix + "_bias_t bias_t;\n"
         "    typedef " + prefix + "_weight_t weight_t;\n"
         "};\n";
}

fs::path WriteTinyConv(bool separable, const TinyConv& t) {
  const fs::path dir = ScratchDir("tiny_conv") / "tiny";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#include \"ap_fixed.h\"\n"
            "#define N_INPUT_1_1 4\n#define N_INPUT_2_1 4\n#define N_INPUT_3_1 2\n"
            "#define N_OUT 48\n"
            "typedef ap_fixed<10,3> input_t;\n"
            "typedef ap_fixed<8,2> dw_weight_t;\ntypedef ap_fixed<8,2> dw_bias_t;\n"
            "typedef ap_fixed<12,4,AP_TRN,AP_SAT> dw_accum_t;\n"
            "typedef ap_fixed<9,3,AP_RND> dw_out_t;\n"
            "typedef ap_fixed<8,2> pw_weight_t;\ntypedef ap_fixed<8,2> pw_bias_t;\n"
            "typedef ap_fixed<14,5> pw_accum_t;\n"
            "typedef ap_fixed<12,4> result_t;\n#endif\n");
  std::string params = "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n#include \"defines.h\"\n";
  std::string top = "#include \"tiny.h\"\n#include \"parameters.h\"\n\n";
  if (separable) {
    params += ConvConfig("config2_depthwise", 3, 2, 1, "dw") +
              ConvConfig("config2_pointwise", 1, 3, 0, "pw") +
              "struct config2 {\n"
              "    typedef config2_depthwise depthwise_config;\n"
              "    typedef config2_pointwise pointwise_config;\n};\n";
    top += "void tiny(input_t input_1[N_INPUT_1_1*N_INPUT_2_1*N_INPUT_3_1], "
           "result_t layer2_out[N_OUT]) {\n"
           "#ifndef __SYNTHESIS__\n"
           "    nnet::load_weights_from_txt<dw_weight_t, 18>(d2, \"d2.txt\");\n"
           "    nnet::load_weights_from_txt<pw_weight_t, 6>(p2, \"p2.txt\");\n"
           "    nnet::load_weights_from_txt<dw_bias_t, 2>(z2, \"z2.txt\");\n"
           "    nnet::load_weights_from_txt<pw_bias_t, 3>(b2, \"b2.txt\");\n"
           "#endif\n"
           "    nnet::separable_conv_2d_cl<input_t, dw_out_t, result_t, config2>(input_1, "
           "layer2_out, d2, p2, z2, b2); // sep\n}\n";
    WriteText(fw / "weights" / "d2.txt", Join(t.depthwise));
    WriteText(fw / "weights" / "p2.txt", Join(t.pointwise));
    WriteText(fw / "weights" / "z2.txt", Join(t.depthwise_bias));
    WriteText(fw / "weights" / "b2.txt", Join(t.pointwise_bias));
  } else {
    params += ConvConfig("config2", 3, 2, 1, "dw");
    top += "void tiny(input_t input_1[N_INPUT_1_1*N_INPUT_2_1*N_INPUT_3_1], "
           "dw_out_t layer2_out[32]) {\n"
           "#ifndef __SYNTHESIS__\n"
           "    nnet::load_weights_from_txt<dw_weight_t, 18>(w2, \"w2.txt\");\n"
           "    nnet::load_weights_from_txt<dw_bias_t, 2>(b2, \"b2.txt\");\n"
           "#endif\n"
           "    nnet::depthwise_conv_2d_cl<input_t, dw_out_t, config2>(input_1, layer2_out, w2, "
           "b2); // dw\n}\n";
    WriteText(fw / "weights" / "w2.txt", Join(t.depthwise));
    WriteText(fw / "weights" / "b2.txt", Join(t.depthwise_bias));
  }
  WriteText(fw / "parameters.h", params + "#endif\n");
  WriteText(fw / "tiny.cpp", top);
  WriteText(fw / "tiny.h", "#include \"defines.h\"\n");
  return dir;
}

std::vector<int64_t> Raws(const FixedType& t, const std::vector<double>& v) {
  std::vector<int64_t> r;
  for (double x : v) r.push_back(*FromDouble(t, x));
  return r;
}

TEST(DepthwiseImport, DepthwiseConv2D) {
  const TinyConv t;
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(WriteTinyConv(false, t));
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(project->spec.layers.size(), 1u);
  const auto& c = std::get<ConvSpec>(project->spec.layers[0].op);
  EXPECT_TRUE(c.depthwise);
  EXPECT_EQ(c.n_filt, 2);
  EXPECT_EQ(c.pad_top, 1);
  EXPECT_EQ(c.weights, Raws(c.weight_type, t.depthwise));
  EXPECT_EQ(c.biases, Raws(c.bias_type, t.depthwise_bias));
  EXPECT_EQ(c.accum_type.overflow, Overflow::kSat);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ((*net)->output_size(), 32);
}

TEST(DepthwiseImport, SeparableConv2DIsDepthwiseThenPointwise) {
  const TinyConv t;
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(WriteTinyConv(true, t));
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(project->spec.layers.size(), 2u);
  const LayerSpec& dl = project->spec.layers[0];
  const LayerSpec& pl = project->spec.layers[1];
  EXPECT_EQ(dl.name, "sep_depthwise");
  EXPECT_EQ(pl.name, "sep");
  EXPECT_TRUE(pl.inputs.empty());  // reads its depthwise half
  // The intermediate array has the call's dw_res_T type.
  EXPECT_EQ(dl.result_type.width, 9);
  EXPECT_EQ(dl.result_type.integer_bits, 3);
  EXPECT_EQ(dl.result_type.quantization, Quantization::kRnd);
  const auto& d = std::get<ConvSpec>(dl.op);
  const auto& p = std::get<ConvSpec>(pl.op);
  EXPECT_TRUE(d.depthwise);
  EXPECT_FALSE(p.depthwise);
  EXPECT_EQ(d.weights, Raws(d.weight_type, t.depthwise));
  EXPECT_EQ(d.biases, Raws(d.bias_type, t.depthwise_bias));
  EXPECT_EQ(p.weights, Raws(p.weight_type, t.pointwise));
  EXPECT_EQ(p.biases, Raws(p.bias_type, t.pointwise_bias));
  EXPECT_EQ(p.n_chan, 2);
  EXPECT_EQ(p.n_filt, 3);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ((*net)->output_size(), 48);
}

TEST(DepthwiseImport, DepthMultiplierIsRefusedAtTheConfig) {
  TinyConv t;
  const fs::path dir = WriteTinyConv(false, t);
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "n_filt = 2;", "n_filt = 4;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/parameters.h:" + std::to_string(LineOf(params, "struct config2")) +
                        ": config2: depthwise convolution with n_filt = 4 for n_chan = 2"));
  EXPECT_THAT(project.status().message(), HasSubstr("1.x asserts n_filt == n_chan"));
}


// A tiny io_parallel project: one nnet::transpose of a (2, 3, 4) input with perm (1, 2, 0), the
// config written as hls4ml 1.1+ writes it (shapes in file-scope arrays).
TEST(TransposeImport, ThreeDimensionalPermutation) {
  const fs::path dir = ScratchDir("transpose") / "tiny";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#define N_INPUT_1_1 24\n"
            "typedef ap_fixed<10,3> input_t;\ntypedef ap_fixed<8,2,AP_RND,AP_SAT> result_t;\n"
            "#endif\n");
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n"
            "struct config2 {\n"
            "    static const unsigned dims = 3;\n"
            "    static const unsigned N = 24;\n"
            "    static const unsigned* const from_shape;\n"
            "    static const unsigned* const to_shape;\n"
            "    static const unsigned* const perm;\n"
            "    static const unsigned* const perm_strides;\n"
            "};\n\n"
            "unsigned config2_from_shape[3] = {2, 3, 4};\n"
            "unsigned config2_to_shape[3] = {3, 4, 2};\n"
            "unsigned config2_perm[3] = {1, 2, 0};\n"
            "unsigned config2_perm_strides[3] = {4, 1, 12};\n\n"
            "const unsigned* const config2::from_shape = config2_from_shape;\n"
            "const unsigned* const config2::to_shape = config2_to_shape;\n"
            "const unsigned* const config2::perm = config2_perm;\n"
            "const unsigned* const config2::perm_strides = config2_perm_strides;\n#endif\n");
  WriteText(fw / "tiny.cpp",
            "#include \"tiny.h\"\n#include \"parameters.h\"\n"
            "void tiny(input_t input_1[N_INPUT_1_1], result_t layer2_out[24]) {\n"
            "    nnet::transpose<input_t, result_t, config2>(input_1, layer2_out); // tr\n}\n");
  WriteText(fw / "tiny.h", "#include \"defines.h\"\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& t = std::get<TransposeSpec>(project->spec.layers[0].op);
  // out[a][b][c] = in[c][a][b] for the (3, 4, 2) output of a (2, 3, 4) input.
  std::vector<int> expected;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 4; ++b) {
      for (int c = 0; c < 2; ++c) expected.push_back((c * 3 + a) * 4 + b);
    }
  }
  EXPECT_EQ(t.source, expected);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType& in = (*net)->input_type();
  std::vector<uint8_t> x((*net)->input_bytes_per_sample());
  std::vector<int64_t> raws;
  for (int k = 0; k < 24; ++k) {
    raws.push_back(k * 37 % 1024 - 512);
    PackRaw(in, raws.back(), x.data() + k * in.container_bytes());
  }
  const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
  const FixedType& res = project->spec.layers[0].result_type;
  for (int k = 0; k < 24; ++k) {
    EXPECT_EQ(trace[0].raw[k], *FromDouble(res, std::ldexp(raws[expected[k]], -7))) << k;
  }

  // The strides are what hls4ml's transfer_idx uses: a config whose strides disagree is read as
  // written (and an index outside the input is an error).
  ReplaceInFile(fw / "parameters.h", "config2_perm_strides[3] = {4, 1, 12};",
                "config2_perm_strides[3] = {4, 1, 24};");
  project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  net = Network::Create(project->spec);
  ASSERT_FALSE(net.ok());
  EXPECT_THAT(net.status().message(), HasSubstr("reads element 24 of an input of 24 values"));
}

// hls4ml 0.7 - 1.0's nnet_array.h (PyTorch models' channels-last conversions): transpose_2d of a
// (4, 6) input, then transpose_3d of the (6, 4) result read as (2, 3, 4) with perm (2, 0, 1), in a
// project written as those releases write it.
TEST(TransposeImport, ArrayTranspose2dAnd3d) {
  const fs::path dir = ScratchDir("array_transpose") / "tiny";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#define N_INPUT_1_1 4\n#define N_INPUT_2_1 6\n"
            "typedef ap_fixed<10,3> input_t;\ntypedef ap_fixed<10,3> layer2_t;\n"
            "typedef ap_fixed<8,2,AP_RND,AP_SAT> result_t;\n#endif\n");
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n"
            "#include \"nnet_utils/nnet_array.h\"\n"
            "struct config2 : nnet::transpose_config {\n"
            "    static const unsigned depth = 1;\n"
            "    static const unsigned height = 4;\n"
            "    static const unsigned width = 6;\n"
            "    static constexpr unsigned perm[3] = {0,2,1};\n};\n\n"
            "struct config3 : nnet::transpose_config {\n"
            "    static const unsigned depth = 2;\n"
            "    static const unsigned height = 3;\n"
            "    static const unsigned width = 4;\n"
            "    static constexpr unsigned perm[3] = {2,0,1};\n};\n#endif\n");
  WriteText(fw / "tiny.cpp",
            "#include \"tiny.h\"\n#include \"parameters.h\"\n"
            "void tiny(input_t input_1[N_INPUT_1_1*N_INPUT_2_1], result_t layer3_out[24]) {\n"
            "    layer2_t layer2_out[24];\n"
            "    nnet::transpose_2d<input_t, layer2_t, config2>(input_1, layer2_out); // t2\n"
            "    nnet::transpose_3d<layer2_t, result_t, config3>(layer2_out, layer3_out); // t3\n}\n");
  WriteText(fw / "tiny.h", "#include \"defines.h\"\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  // transpose_2d: data_t[j * height + i] = data[i * width + j].
  std::vector<int> t2(24);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 6; ++j) t2[j * 4 + i] = i * 6 + j;
  }
  EXPECT_EQ(std::get<TransposeSpec>(project->spec.layers[0].op).source, t2);
  // transpose_3d, perm (2, 0, 1): (d, h, w) of dims (2, 3, 4) goes to (w, d, h) of (4, 2, 3).
  std::vector<int> t3(24);
  for (int d = 0; d < 2; ++d) {
    for (int h = 0; h < 3; ++h) {
      for (int w = 0; w < 4; ++w) t3[(w * 2 + d) * 3 + h] = (d * 3 + h) * 4 + w;
    }
  }
  EXPECT_EQ(std::get<TransposeSpec>(project->spec.layers[1].op).source, t3);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();

  // A perm that is not a permutation leaves outputs unwritten in hls4ml: refused.
  const fs::path params = fw / "parameters.h";
  ReplaceInFile(params, "perm[3] = {2,0,1}", "perm[3] = {2,0,0}");
  absl::Status st = ReadHls4mlProject(dir).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("config3::perm is not a permutation of {0, 1, 2}"));
  ReplaceInFile(params, "perm[3] = {2,0,0}", "perm[3] = {2,0,1}");
  // An nnet_array.h without hls4ml's copy statement is not reproduced.
  fs::create_directories(fw / "nnet_utils");
  WriteText(fw / "nnet_utils" / "nnet_array.h", "data_t[i] = data[i]; // my transpose\n");
  st = ReadHls4mlProject(dir).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(st.message(), HasSubstr("firmware/nnet_utils/nnet_array.h: this nnet_array.h is not "
                                      "hls4ml 0.7-1.0's (edited?): nnet::transpose_2d"));
}

}  // namespace
}  // namespace fpgaas::numerics
