// The importer on power-of-two (QKeras quantized_po2) kernels: dense and conv2d layers whose
// weight_t is hls4ml's exponent struct, read by load_exponent_weights_from_txt and multiplied by
// nnet::product::weight_exponential (both releases' r_T), io_parallel and io_stream; the imported
// network against the GMP reference; refusals with their file:line. Projects are written here.
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
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::ScratchDir;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

// conv (3x3x2 -> 2x2 kernel, 3 filters, 2x2x3 out, 4-bit exponents) -> fc (12 -> 4, resource
// strategy with reuse factor 3, 3-bit exponents), as hls4ml writes such a project.
constexpr int kConvWeights = 2 * 2 * 2 * 3, kFcWeights = 12 * 4;

// The text load_exponent_weights_from_txt reads: "{sign, exponent}" with the sign printed as a
// float; hls4ml writes numpy's int cast of log2(0) = -inf as the exponent of a zero weight: INT64_MIN
// (INT_MIN where numpy's int is 32 bits), which ap_int's string reading wraps to 0.
std::string ExponentText(int n, int bits, std::vector<int>* signs, std::vector<int>* exponents) {
  std::string s;
  const int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  for (int k = 0; k < n; ++k) {
    const int sign = k % 3 == 0 ? 0 : 1;
    int e = lo + (k * 5) % (hi - lo + 1);
    std::string text = std::to_string(e);
    if (k % 7 == 6) {
      text = k % 14 == 6 ? "-9223372036854775808" : "-2147483648";
      e = 0;  // their low `bits` bits
    }
    signs->push_back(sign);
    exponents->push_back(e);
    s += (k ? ", {" : "{") + std::string(sign ? "1.0" : "0.0") + ", " + text + "}";
  }
  return s;
}

struct Po2Project {
  fs::path dir;
  std::vector<int> conv_signs, conv_exponents, fc_signs, fc_exponents;  // as in the files
};

Po2Project WritePo2Project(bool stream) {
  Po2Project p;
  p.dir = ScratchDir(stream ? "po2_stream" : "po2_parallel") / "po2";
  const fs::path fw = p.dir / "firmware";
  fs::create_directories(fw / "weights");
  auto scalar = [&](const std::string& t, int n) {
    return stream ? "nnet::array<" + t + ", " + std::to_string(n) + ">" : t;
  };
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#include \"ap_fixed.h\"\n"
            "typedef " + scalar("ap_fixed<10,3>", 2) + " input_t;\n"
            "typedef " + scalar("ap_fixed<14,5,AP_RND,AP_SAT>", 3) + " layer2_t;\n"
            "typedef struct exponent_weight2_t {ap_uint<1> sign;ap_int<4> weight; } "
            "exponent_weight2_t;\n"
            "typedef ap_fixed<8,3> bias2_t;\n"
            "typedef ap_fixed<20,8> conv_accum_t;\n"
            "typedef " + scalar("ap_fixed<16,6>", 4) + " result_t;\n"
            "typedef struct exponent_weight3_t {ap_uint<1> sign;ap_int<3> weight; } "
            "exponent_weight3_t;\n"
            "typedef ap_fixed<8,3> bias3_t;\n"
            "typedef ap_fixed<18,7,AP_TRN,AP_SAT> fc_accum_t;\n#endif\n");
  const std::string io = stream ? "nnet::io_stream" : "nnet::io_parallel";
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n#include \"defines.h\"\n"
            "struct config2_mult : nnet::dense_config {\n"
            "    static const unsigned n_in = 8;\n"
            "    static const unsigned n_out = 3;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    static const unsigned strategy = nnet::latency;\n"
            "    typedef conv_accum_t accum_t;\n"
            "    typedef bias2_t bias_t;\n"
            "    typedef exponent_weight2_t weight_t;\n"
            "    template<class data_T, class res_T, class CONFIG_T>\n"
            "    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
            "    template<class x_T, class y_T>\n"
            "    using product = nnet::product::weight_exponential<x_T, y_T>;\n"
            "};\n"
            "struct config2 : nnet::conv2d_config {\n"
            "    static const unsigned pad_top = 0;\n"
            "    static const unsigned pad_bottom = 0;\n"
            "    static const unsigned pad_left = 0;\n"
            "    static const unsigned pad_right = 0;\n"
            "    static const unsigned in_height = 3;\n"
            "    static const unsigned in_width = 3;\n"
            "    static const unsigned n_chan = 2;\n"
            "    static const unsigned filt_height = 2;\n"
            "    static const unsigned filt_width = 2;\n"
            "    static const unsigned n_filt = 3;\n"
            "    static const unsigned stride_height = 1;\n"
            "    static const unsigned stride_width = 1;\n"
            "    static const unsigned out_height = 2;\n"
            "    static const unsigned out_width = 2;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    static const unsigned strategy = nnet::latency;\n"
            "    static const unsigned n_partitions = 4;\n"
            "    typedef conv_accum_t accum_t;\n"
            "    typedef bias2_t bias_t;\n"
            "    typedef exponent_weight2_t weight_t;\n"
            "    typedef config2_mult mult_config;\n"
            "};\n"
            "struct config3 : nnet::dense_config {\n"
            "    static const unsigned n_in = 12;\n"
            "    static const unsigned n_out = 4;\n"
            "    static const unsigned io_type = " + io + ";\n"
            "    static const unsigned strategy = nnet::resource;\n"
            "    static const unsigned reuse_factor = 3;\n"
            "    typedef fc_accum_t accum_t;\n"
            "    typedef bias3_t bias_t;\n"
            "    typedef exponent_weight3_t weight_t;\n"
            "    template<class data_T, class res_T, class CONFIG_T>\n"
            "    using kernel = nnet::DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;\n"
            "    template<class x_T, class y_T>\n"
            "    using product = nnet::product::weight_exponential<x_T, y_T>;\n"
            "};\n#endif\n");
  const std::string args = stream ? "hls::stream<input_t> &input_1, hls::stream<result_t> &layer3_out"
                                  : "input_t input_1[18], result_t layer3_out[4]";
  const std::string layer2 = stream ? "    hls::stream<layer2_t> layer2_out(\"layer2_out\");\n"
                                    : "    layer2_t layer2_out[12];\n";
  WriteText(fw / "po2.cpp",
            "#include \"po2.h\"\n#include \"parameters.h\"\n\n"
            "void po2(" + args + ") {\n"
            "#ifndef __SYNTHESIS__\n"
            "    static bool loaded_weights = false;\n"
            "    if (!loaded_weights) {\n"
            "        nnet::load_exponent_weights_from_txt<exponent_weight2_t, 24>(w2, \"w2.txt\");\n"
            "        nnet::load_weights_from_txt<bias2_t, 3>(b2, \"b2.txt\");\n"
            "        nnet::load_exponent_weights_from_txt<exponent_weight3_t, 48>(w3, \"w3.txt\");\n"
            "        nnet::load_weights_from_txt<bias3_t, 4>(b3, \"b3.txt\");\n"
            "        loaded_weights = true;\n"
            "    }\n"
            "#endif\n" + layer2 +
            "    nnet::conv_2d_cl<input_t, layer2_t, config2>(input_1, layer2_out, w2, b2); // conv\n"
            "    nnet::dense<layer2_t, result_t, config3>(layer2_out, layer3_out, w3, b3); // fc\n"
            "}\n");
  WriteText(fw / "po2.h", "#include \"defines.h\"\n");
  WriteText(fw / "weights" / "w2.txt",
            ExponentText(kConvWeights, 4, &p.conv_signs, &p.conv_exponents) + "\n");
  WriteText(fw / "weights" / "b2.txt", "0.25, -0.5, 1.125\n");
  WriteText(fw / "weights" / "w3.txt",
            ExponentText(kFcWeights, 3, &p.fc_signs, &p.fc_exponents) + "\n");
  WriteText(fw / "weights" / "b3.txt", "0.5, -0.25, 0.0, 2.0\n");
  return p;
}

// hls4ml 0.7's nnet_mult.h weight_exponential (its r_T and body, as the release writes them).
void WriteRelease07Mult(const fs::path& dir) {
  fs::create_directories(dir / "firmware" / "nnet_utils");
  WriteText(dir / "firmware" / "nnet_utils" / "nnet_mult.h",
            "template <class x_T, class w_T> class weight_exponential : public Product {\n"
            "  public:\n"
            "    using r_T = decltype(x_T(0) * (ap_int<pow2(decltype(w_T::weight)::width - 1) - 1>(1) +\n"
            "                                   ap_fixed<pow2(decltype(w_T::weight)::width - 1) - 1, 0>(1)));\n"
            "    static r_T product(x_T a, w_T w) {\n"
            "        r_T y = static_cast<r_T>(a) << w.weight;\n"
            "        return w.sign == 1 ? y : static_cast<r_T>(-y);\n"
            "    }\n"
            "};\n");
}

void ExpectAgreesWithReference(const NetworkSpec& spec, uint32_t seed) {
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType& in = (*net)->input_type();
  std::mt19937_64 rng(seed);
  int distinct = 0;
  std::vector<int64_t> previous;
  for (int sample = 0; sample < 200; ++sample) {
    std::vector<int64_t> raws;
    std::vector<uint8_t> x((*net)->input_bytes_per_sample());
    for (int k = 0; k < (*net)->input_size(); ++k) {
      raws.push_back(static_cast<int64_t>(rng() % 1024) - 512);  // all of ap_fixed<10,3>
      PackRaw(in, raws.back(), x.data() + k * in.container_bytes());
    }
    std::vector<std::vector<int64_t>> ref_trace;
    absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
        reference::ReferenceRunGraph(spec, {raws}, &ref_trace);
    ASSERT_TRUE(expected.ok()) << expected.status();
    const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
    ASSERT_EQ(trace.size(), ref_trace.size());
    for (size_t k = 0; k < trace.size(); ++k) {
      ASSERT_EQ(trace[k].raw, ref_trace[k]) << "sample " << sample << " layer " << trace[k].name;
    }
    if (trace.back().raw != previous) ++distinct;
    previous = trace.back().raw;
  }
  EXPECT_GT(distinct, 150);  // the outputs depend on the inputs (nothing saturated throughout)
}

TEST(ExponentWeightsImport, DenseAndConvWeightsAndProductTypes) {
  for (bool stream : {false, true}) {
    for (bool release07 : {false, true}) {
      SCOPED_TRACE(std::string(stream ? "io_stream" : "io_parallel") +
                   (release07 ? ", hls4ml 0.7 nnet_mult.h" : ", hls4ml 0.8+"));
      const Po2Project p = WritePo2Project(stream);
      if (release07) WriteRelease07Mult(p.dir);
      absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
      ASSERT_TRUE(project.ok()) << project.status();
      ASSERT_EQ(project->spec.layers.size(), 2u);
      const auto& conv = std::get<ConvSpec>(project->spec.layers[0].op);
      const auto& fc = std::get<DenseSpec>(project->spec.layers[1].op);
      ASSERT_TRUE(conv.exponent_weights.has_value());
      ASSERT_TRUE(fc.exponent_weights.has_value());
      // r_T for x_T = ap_fixed<10,3> and 4-bit exponents, x_T = ap_fixed<14,5> and 3 bits:
      // 0.8+: ap_fixed<2 (W_e + W_x), W_e + W_x>; 0.7: ap_fixed<W_x + 2P + 1, I_x + P + 1>,
      // P = 2^(W_e - 1) - 1.
      const FixedType& rc = conv.exponent_weights->product_type;
      const FixedType& rf = fc.exponent_weights->product_type;
      EXPECT_TRUE(rc.is_signed && rf.is_signed);
      EXPECT_EQ(rc.width, release07 ? 25 : 28);
      EXPECT_EQ(rc.integer_bits, release07 ? 11 : 14);
      EXPECT_EQ(rf.width, release07 ? 21 : 34);
      EXPECT_EQ(rf.integer_bits, release07 ? 9 : 17);
      // The conv's weights as written; the resource-strategy fc's file is [n_out][n_in].
      EXPECT_EQ(conv.exponent_weights->sign, p.conv_signs);
      EXPECT_EQ(conv.exponent_weights->exponent, p.conv_exponents);
      for (int i = 0; i < 12; ++i) {
        for (int j = 0; j < 4; ++j) {
          EXPECT_EQ(fc.exponent_weights->sign[i * 4 + j], p.fc_signs[j * 12 + i]);
          EXPECT_EQ(fc.exponent_weights->exponent[i * 4 + j], p.fc_exponents[j * 12 + i]);
        }
      }
      EXPECT_TRUE(fc.resource_strategy);
      EXPECT_EQ(fc.reuse_factor, 3);
      ASSERT_EQ(conv.biases.size(), 3u);
      EXPECT_EQ(conv.biases[2], 36);  // 1.125 in ap_fixed<8,3> (F = 5)
      ExpectAgreesWithReference(project->spec, stream ? 11 : 12);
    }
  }
}

// An io_stream separable convolution reading the top function's input (its size comes from the
// depthwise half's config), with power-of-two weights in both halves: the pointwise half's x_T is
// the call's dw_res_T. hls4ml 0.7 writes the call with three template arguments: its depthwise
// half writes the input's own packs (dw_res_T is data_T).
void CheckStreamSeparable(bool three_types) {
  const fs::path dir = ScratchDir("po2_separable") / "sep";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n"
            "typedef nnet::array<ap_fixed<10,3>, 2> input_t;\n"
            "typedef nnet::array<ap_fixed<12,4,AP_RND,AP_SAT>, 2> dw_out_t;\n"
            "typedef nnet::array<ap_fixed<16,6>, 3> result_t;\n"
            "typedef struct exponent_weight2_t {ap_uint<1> sign;ap_int<4> weight; } "
            "exponent_weight2_t;\n"
            "typedef struct exponent_weight3_t {ap_uint<1> sign;ap_int<3> weight; } "
            "exponent_weight3_t;\n"
            "typedef ap_fixed<8,3> bias_t;\n"
            "typedef ap_fixed<18,6,AP_RND,AP_SAT> dw_accum_t;\n"
            "typedef ap_fixed<20,8> pw_accum_t;\n#endif\n");
  auto half = [](const std::string& name, int filt, int in, int out, int n_filt,
                 const std::string& weight, const std::string& accum, const std::string& kernel) {
    const std::string f = std::to_string(filt);
    return "struct " + name + "_mult : nnet::dense_config {\n"
           "    static const unsigned n_in = " + std::to_string(filt * filt * 2) + ";\n"
           "    static const unsigned n_out = " + std::to_string(n_filt) + ";\n"
           "    static const unsigned reuse_factor = 1;\n"
           "    static const unsigned strategy = nnet::latency;\n"
           "    typedef " + accum + " accum_t;\n"
           "    typedef bias_t bias_t;\n"
           "    typedef " + weight + " weight_t;\n"
           "    template<class data_T, class res_T, class CONFIG_T>\n"
           "    using kernel = nnet::" + kernel + "<data_T, res_T, CONFIG_T>;\n"
           "    template<class x_T, class y_T>\n"
           "    using product = nnet::product::weight_exponential<x_T, y_T>;\n"
           "};\n"
           "struct " + name + " : nnet::conv2d_config {\n"
           "    static const unsigned pad_top = 0;\n    static const unsigned pad_bottom = 0;\n"
           "    static const unsigned pad_left = 0;\n    static const unsigned pad_right = 0;\n"
           "    static const unsigned in_height = " + std::to_string(in) + ";\n"
           "    static const unsigned in_width = " + std::to_string(in) + ";\n"
           "    static const unsigned n_chan = 2;\n"
           "    static const unsigned filt_height = " + f + ";\n"
           "    static const unsigned filt_width = " + f + ";\n"
           "    static const unsigned n_filt = " + std::to_string(n_filt) + ";\n"
           "    static const unsigned stride_height = 1;\n    static const unsigned stride_width = 1;\n"
           "    static const unsigned out_height = " + std::to_string(out) + ";\n"
           "    static const unsigned out_width = " + std::to_string(out) + ";\n"
           "    static const unsigned reuse_factor = 1;\n"
           "    static const unsigned strategy = nnet::latency;\n"
           "    typedef " + accum + " accum_t;\n"
           "    typedef bias_t bias_t;\n"
           "    typedef " + weight + " weight_t;\n"
           "    typedef " + name + "_mult mult_config;\n"
           "};\n";
  };
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n" +
                half("config2_depthwise", 2, 3, 2, 2, "exponent_weight2_t", "dw_accum_t",
                     "DepthwiseDenseLatency") +
                half("config2_pointwise", 1, 2, 2, 3, "exponent_weight3_t", "pw_accum_t",
                     "DenseLatency") +
                "struct config2 {\n"
                "    typedef config2_depthwise depthwise_config;\n"
                "    typedef config2_pointwise pointwise_config;\n};\n#endif\n");
  WriteText(fw / "sep.cpp",
            "#include \"sep.h\"\n#include \"parameters.h\"\n"
            "void sep(hls::stream<input_t> &input_1, hls::stream<result_t> &layer2_out) {\n"
            "#ifndef __SYNTHESIS__\n"
            "    nnet::load_exponent_weights_from_txt<exponent_weight2_t, 8>(d2, \"d2.txt\");\n"
            "    nnet::load_exponent_weights_from_txt<exponent_weight3_t, 6>(p2, \"p2.txt\");\n"
            "    nnet::load_weights_from_txt<bias_t, 2>(z2, \"z2.txt\");\n"
            "    nnet::load_weights_from_txt<bias_t, 3>(b2, \"b2.txt\");\n"
            "#endif\n"
            "    nnet::separable_conv_2d_cl<input_t, " +
                std::string(three_types ? "" : "dw_out_t, ") +
                "result_t, config2>(input_1, layer2_out, d2, p2, z2, b2); // sep\n}\n");
  WriteText(fw / "sep.h", "#include \"defines.h\"\n");
  std::vector<int> d_signs, d_exponents, p_signs, p_exponents;
  WriteText(fw / "weights" / "d2.txt", ExponentText(8, 4, &d_signs, &d_exponents));
  WriteText(fw / "weights" / "p2.txt", ExponentText(6, 3, &p_signs, &p_exponents));
  WriteText(fw / "weights" / "z2.txt", "0.5, -1.25");
  WriteText(fw / "weights" / "b2.txt", "0.125, 0.0, -2.0");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(project->spec.layers.size(), 2u);
  EXPECT_EQ(project->spec.input_size, 18);
  const auto& d = std::get<ConvSpec>(project->spec.layers[0].op);
  const auto& pw = std::get<ConvSpec>(project->spec.layers[1].op);
  ASSERT_TRUE(d.exponent_weights && pw.exponent_weights);
  EXPECT_TRUE(d.depthwise);
  EXPECT_EQ(d.exponent_weights->exponent, d_exponents);
  EXPECT_EQ(pw.exponent_weights->sign, p_signs);
  // x_T: ap_fixed<10,3> for the depthwise half (4-bit exponents): ap_fixed<28,14>; dw_out_t's
  // ap_fixed<12,4> for the pointwise half (3 bits): ap_fixed<30,15> (0.7's form: the input's
  // ap_fixed<10,3> again, ap_fixed<26,13>).
  EXPECT_EQ(d.exponent_weights->product_type.width, 28);
  EXPECT_EQ(pw.exponent_weights->product_type.width, three_types ? 26 : 30);
  EXPECT_EQ(pw.exponent_weights->product_type.integer_bits, three_types ? 13 : 15);
  const FixedType& dw_res = project->spec.layers[0].result_type;
  EXPECT_EQ(dw_res.width, three_types ? 10 : 12);
  EXPECT_EQ(dw_res.integer_bits, three_types ? 3 : 4);
  EXPECT_EQ(dw_res.overflow, three_types ? Overflow::kWrap : Overflow::kSat);
  ExpectAgreesWithReference(project->spec, 13);
}

TEST(ExponentWeightsImport, StreamSeparableConvolution) { CheckStreamSeparable(false); }

TEST(ExponentWeightsImport, StreamSeparableConvolutionOfRelease07) { CheckStreamSeparable(true); }

TEST(ExponentWeightsImport, RefusalsNameTheirFileAndLine) {
  {  // Exponent weights read by the fixed-point loader.
    const Po2Project p = WritePo2Project(false);
    const fs::path top = p.dir / "firmware" / "po2.cpp";
    ReplaceInFile(top, "load_exponent_weights_from_txt<exponent_weight3_t, 48>",
                  "load_weights_from_txt<exponent_weight3_t, 48>");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/po2.cpp:" + std::to_string(LineOf(top, "nnet::dense<")) +
                          ": exponent weights w3 are not loaded by "
                          "load_exponent_weights_from_txt"));
  }
  {  // A sign field that is not ap_uint<1>.
    const Po2Project p = WritePo2Project(false);
    const fs::path defines = p.dir / "firmware" / "defines.h";
    ReplaceInFile(defines, "exponent_weight3_t {ap_uint<1> sign;",
                  "exponent_weight3_t {ap_int<2> sign;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/defines.h:" +
                          std::to_string(LineOf(defines, "exponent_weight3_t {")) +
                          ": exponent sign type ap_int<2> is not ap_uint<1>"));
  }
  // A `using product = ...` is located at its `template<...>` line, the one before.
  {  // hls4ml 0.5/0.6's three-parameter product (its result type is the caller's).
    const Po2Project p = WritePo2Project(false);
    const fs::path params = p.dir / "firmware" / "parameters.h";
    ReplaceInFile(params,
                  "    template<class x_T, class y_T>\n"
                  "    using product = nnet::product::weight_exponential<x_T, y_T>;\n"
                  "};\n#endif",
                  "    template<class x_T, class y_T, class res_T>\n"
                  "    using product = nnet::product::weight_exponential<x_T, y_T, res_T>;\n"
                  "};\n#endif");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "weight_exponential<x_T, y_T, res_T>") - 1) +
                          ": product nnet::product::weight_exponential<x_T, y_T, res_T>: the "
                          "three-parameter weight_exponential"));
  }
  {  // hls4ml 0.7's r_T grows as 2^(W_e - 1): a 7-bit exponent field is refused there.
    const Po2Project p = WritePo2Project(false);
    WriteRelease07Mult(p.dir);
    const fs::path defines = p.dir / "firmware" / "defines.h";
    const fs::path params = p.dir / "firmware" / "parameters.h";
    ReplaceInFile(defines, "ap_int<4> weight; } exponent_weight2_t", "ap_int<7> weight; } exponent_weight2_t");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "weight_exponential<x_T, y_T>") - 1) +
                          ": weight_exponential with a 7-bit exponent field is not supported"));
  }
  {  // A conv whose mult_config multiplies by another struct than the layer's weights.
    const Po2Project p = WritePo2Project(false);
    const fs::path params = p.dir / "firmware" / "parameters.h";
    ReplaceInFile(params, "    typedef exponent_weight2_t weight_t;\n    template<class data_T",
                  "    typedef exponent_weight3_t weight_t;\n    template<class data_T");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "typedef exponent_weight3_t weight_t")) +
                          ": config2_mult::weight_t exponent_weight3_t differs from config2's "
                          "exponent_weight2_t"));
  }
  {  // Binary data stays refused at the product.
    const Po2Project p = WritePo2Project(false);
    const fs::path params = p.dir / "firmware" / "parameters.h";
    ReplaceInFile(params,
                  "    using product = nnet::product::weight_exponential<x_T, y_T>;\n"
                  "};\n#endif",
                  "    using product = nnet::product::both_binary<x_T, y_T>;\n"
                  "};\n#endif");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(p.dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "both_binary") - 1) +
                          ": product nnet::product::both_binary<x_T, y_T> is not supported"));
  }
}

}  // namespace
}  // namespace fpgaas::numerics
