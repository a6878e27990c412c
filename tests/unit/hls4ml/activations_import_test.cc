// The importer on nnet::embedding, nnet::dot1d and on softplus, softsign, elu, selu, binary_tanh and ternary_tanh: their config, their
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
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::ScratchDir;
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

// A project written here: an Embedding of 3 integer inputs into rows of 2 (vocabulary 4), as
// hls4ml 0.7+ writes it (io_parallel arrays, or io_stream packs of `in_pack` / `out_pack`).
fs::path WriteEmbedding(bool stream, int in_pack = 3, int out_pack = 2) {
  const fs::path dir = ScratchDir(stream ? "embed_stream" : "embed") / "embed";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  const std::string in_t = stream ? "nnet::array<ap_uint<4>, " + std::to_string(in_pack) + ">"
                                  : "ap_uint<4>";
  const std::string out_t = stream ? "nnet::array<ap_fixed<10,4,AP_RND,AP_SAT>, " +
                                         std::to_string(out_pack) + ">"
                                   : "ap_fixed<10,4,AP_RND,AP_SAT>";
  WriteText(fw / "defines.h", "#ifndef DEFINES_H_\n#define DEFINES_H_\n#define N_INPUT_1_1 3\n"
                              "#define N_LAYER_2 6\n"
                              "typedef " + in_t + " input_t;\ntypedef " + out_t + " layer2_t;\n"
                              "typedef ap_fixed<8,2> embeddings_t;\n#endif\n");
  WriteText(fw / "parameters.h",
            std::string("#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n#include \"defines.h\"\n"
                        "struct config2 : nnet::embed_config {\n"
                        "    static const unsigned n_in = 3;\n"
                        "    static const unsigned n_out = 2;\n"
                        "    static const unsigned vocab_size = 4;\n"
                        "    static const unsigned io_type = nnet::") +
                (stream ? "io_stream" : "io_parallel") +
                ";\n    static const unsigned reuse_factor = 1;\n"
                "    typedef embeddings_t embeddings_t;\n};\n#endif\n");
  const std::string args = stream ? "hls::stream<input_t> &input_1, hls::stream<layer2_t> &layer2_out"
                                  : "input_t input_1[N_INPUT_1_1], layer2_t layer2_out[N_LAYER_2]";
  WriteText(fw / "embed.cpp",
            "#include \"embed.h\"\n#include \"parameters.h\"\n\nvoid embed(" + args + ") {\n"
            "#ifndef __SYNTHESIS__\n"
            "    nnet::load_weights_from_txt<embeddings_t, 8>(e2, \"e2.txt\");\n"
            "#endif\n"
            "    nnet::embedding<input_t, layer2_t, config2>(input_1, layer2_out, e2); // embedding\n"
            "}\n");
  WriteText(fw / "embed.h", "#include \"defines.h\"\n");
  WriteText(fw / "weights" / "e2.txt", "0.5, -0.25, 1.0, 1.5, -2.0, 0.125, 0.75, -1.0\n");
  return dir;
}

TEST(EmbeddingImport, RowsOfTheTableByInput) {
  for (bool stream : {false, true}) {
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(WriteEmbedding(stream));
    ASSERT_TRUE(project.ok()) << project.status();
    const auto& e = std::get<EmbeddingSpec>(project->spec.layers[0].op);
    EXPECT_EQ(e.vocab_size, 4);
    EXPECT_EQ(e.n_out, 2);
    EXPECT_EQ(e.embeddings_type, Type("ap_fixed<8,2>"));
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
    ASSERT_TRUE(net.ok()) << net.status();
    // Inputs 2, 0, 3 -> rows (-2, 0.125), (0.5, -0.25), (0.75, -1).
    std::vector<uint8_t> x = {2, 0, 3};
    std::vector<uint8_t> y((*net)->output_bytes_per_sample());
    (*net)->Run(x.data(), y.data(), 1);
    const FixedType& out = (*net)->output_type();
    std::vector<double> got;
    for (int k = 0; k < 6; ++k) got.push_back(ToDouble(out, UnpackRaw(out, &y[k * 2])));
    EXPECT_EQ(got, (std::vector<double>{-2, 0.125, 0.5, -0.25, 0.75, -1})) << stream;
  }
  // nnet_embed_stream.h reads the whole input as one pack.
  const fs::path dir = WriteEmbedding(true, 1, 2);
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/embed.cpp:" +
                        std::to_string(LineOf(dir / "firmware" / "embed.cpp", "nnet::embedding")) +
                        ": io_stream nnet::embedding: packs of 1 in"));
}

// A Dot merge of two 4-vectors as hls4ml writes it (CMS AXOL1TL v5's form).
fs::path WriteDot(const std::string& product) {
  const fs::path dir = ScratchDir("dot") / "dot";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw);
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#define N_INPUT_1_1 4\n"
            "typedef ap_fixed<10,4> a_t;\ntypedef ap_fixed<8,2,AP_RND> b_t;\n"
            "typedef ap_fixed<12,5,AP_TRN,AP_SAT> dot_accum_t;\n"
            "typedef ap_fixed<10,5,AP_RND_CONV,AP_SAT> result_t;\n#endif\n");
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n#include \"defines.h\"\n"
            "struct config3 : nnet::dot_config {\n"
            "    static const unsigned n_in = 4;\n"
            "    static const unsigned n_out = 1;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    typedef dot_accum_t accum_t;\n"
            "    template<class x_T, class y_T>\n"
            "    using product = " + product + ";\n};\n#endif\n");
  WriteText(fw / "dot.cpp",
            "#include \"dot.h\"\n#include \"parameters.h\"\n\n"
            "void dot(a_t a[N_INPUT_1_1], b_t b[N_INPUT_1_1], result_t layer3_out[1]) {\n"
            "    nnet::dot1d<a_t, b_t, result_t, config3>(a, b, layer3_out); // dot\n}\n");
  WriteText(fw / "dot.h", "#include \"defines.h\"\n");
  return dir;
}

TEST(DotImport, TwoVectorsIntoOneValue) {
  absl::StatusOr<Hls4mlProject> project =
      ReadHls4mlProject(WriteDot("nnet::product::mult<x_T, y_T>"));
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& m = std::get<MergeSpec>(project->spec.layers[0].op);
  EXPECT_EQ(m.kind, MergeKind::kDot);
  EXPECT_EQ(m.accum_type, Type("ap_fixed<12,5,AP_TRN,AP_SAT>"));
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_EQ((*net)->num_inputs(), 2);
  ASSERT_EQ((*net)->output_size(), 1);
  // a = (1, 2, 3, 4) (F = 6), b = (0.5, 0.5, 0.25, 0.25) (F = 6): 0.5 + 1 + 0.75 + 1 = 3.25;
  // the accumulator saturates at 16 - 2^-7 (a = 4 each, b = 1.5 each: 24).
  auto run = [&](const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<uint8_t> pa(8), pb(4), out(2);
    for (int k = 0; k < 4; ++k) {
      PackRaw((*net)->input_type(0), *FromDouble((*net)->input_type(0), a[k]), &pa[2 * k]);
      PackRaw((*net)->input_type(1), *FromDouble((*net)->input_type(1), b[k]), &pb[k]);
    }
    const uint8_t* ins[] = {pa.data(), pb.data()};
    uint8_t* outs[] = {out.data()};
    (*net)->Run(ins, outs, 1);
    return ToDouble((*net)->output_type(), UnpackRaw((*net)->output_type(), out.data()));
  };
  EXPECT_EQ(run({1, 2, 3, 4}, {0.5, 0.5, 0.25, 0.25}), 3.25);
  EXPECT_EQ(run({4, 4, 4, 4}, {1.5, 1.5, 1.5, 1.5}), 15.96875);  // result_t: 16 - 2^-5

  absl::StatusOr<Hls4mlProject> other =
      ReadHls4mlProject(WriteDot("nnet::product::both_binary<x_T, y_T>"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(other.status().message(), HasSubstr("firmware/parameters.h:"));
  EXPECT_THAT(other.status().message(), HasSubstr("nnet::dot1d with product"));
}

}  // namespace
}  // namespace fpgaas::numerics
