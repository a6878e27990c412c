// The graph fixtures written by fixtures/make_graph_fixtures.py (an io_parallel CNN, io_stream
// CNN, a two-input two-output branchy network): the importer's reading of each layer, the
// executor against the exact reference on random inputs over each input type's range, and
// `predict`'s column layout for several inputs and outputs. (Copies of these fixtures with hls4ml
// 1.3's own nnet_utils compiled into its C simulation agree bit for bit: docs/numerics.md.)
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "tests/unit/hls4ml/test_util.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

using ::fpgaas::testing_hls4ml::FixturesDir;
using ::testing::ElementsAre;

std::vector<std::string> Names(const NetworkSpec& spec) {
  std::vector<std::string> names;
  for (const LayerSpec& l : spec.layers) names.push_back(l.name);
  return names;
}

TEST(GraphFixturesTest, CnnParallelLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "cnn_parallel");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  EXPECT_THAT(Names(spec), ElementsAre("conv1", "conv1_bn", "conv1_relu", "pool1", "conv2",
                                       "conv2_leaky", "pool2", "up", "pad", "fc", "fc_softmax"));
  EXPECT_EQ(spec.input_size, 72);
  const auto& conv1 = std::get<ConvSpec>(spec.layers[0].op);
  EXPECT_EQ(conv1.in_height, 6);
  EXPECT_EQ(conv1.n_chan, 2);
  EXPECT_EQ(conv1.pad_top, 1);
  EXPECT_EQ(conv1.out_width, 6);
  EXPECT_FALSE(conv1.resource_strategy);
  // Per-channel batch norm: 4 scales repeated over the 6x6 pixels.
  const auto& bn = std::get<BatchNormSpec>(spec.layers[1].op);
  ASSERT_EQ(bn.scale.size(), 144u);
  EXPECT_EQ(bn.scale[0], bn.scale[4]);
  EXPECT_EQ(bn.scale[3], bn.scale[143]);
  const auto& conv2 = std::get<ConvSpec>(spec.layers[4].op);
  EXPECT_TRUE(conv2.resource_strategy);
  const auto& pool2 = std::get<PoolingSpec>(spec.layers[6].op);
  EXPECT_EQ(pool2.kind, PoolKind::kAverage);
  EXPECT_FALSE(pool2.window_in_accum);
  const auto& leaky = std::get<ActivationSpec>(spec.layers[5].op);
  EXPECT_EQ(leaky.kind, ActivationKind::kLeakyRelu);
  EXPECT_EQ(ToDouble(leaky.param_type, leaky.param), 0.125);
}

// The resource strategy's weight file is (filter, kh, kw, channel): the importer's latency-layout
// weights must be its transpose.
TEST(GraphFixturesTest, ResourceConvWeightsAreTransposed) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "cnn_parallel");
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& conv2 = std::get<ConvSpec>(project->spec.layers[4].op);
  const std::string text =
      testing_hls4ml::ReadText(FixturesDir() / "cnn_parallel" / "firmware" / "weights" / "w6.txt");
  std::vector<std::string> values = absl::StrSplit(text, ", ");
  const int k = conv2.filt_height * conv2.filt_width * conv2.n_chan;
  ASSERT_EQ(values.size(), static_cast<size_t>(k * conv2.n_filt));
  for (int f = 0; f < conv2.n_filt; ++f) {
    for (int i = 0; i < k; ++i) {
      EXPECT_EQ(ToDouble(conv2.weight_type, conv2.weights[i * conv2.n_filt + f]),
                std::stod(values[f * k + i]));
    }
  }
}

// hls4ml 0.6's io_parallel pointwise_conv_1d_cl (nnet_conv1d_latency.h) is latency code whatever
// the strategy: it reads weights[cc * n_filt + ff] from the file the resource strategy wrote as
// (filter, channel), which is what a public L1 b-tagging project's C simulation computes with.
// Later releases dispatch on the strategy (the transposed reading above).
TEST(GraphFixturesTest, Hls06PointwiseConvIgnoresTheStrategy) {
  namespace fs = std::filesystem;
  const fs::path dir = testing_hls4ml::ScratchDir("pointwise06") / "pw";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  testing_hls4ml::WriteText(fw / "defines.h",
                            "#ifndef DEFINES_H_\n#define DEFINES_H_\n#include \"ap_fixed.h\"\n"
                            "typedef ap_fixed<10,3> input_t;\n"
                            "typedef ap_fixed<16,6> result_t;\n"
                            "typedef ap_fixed<8,2> pw_weight_t;\n"
                            "typedef ap_fixed<8,2> pw_bias_t;\n"
                            "typedef ap_fixed<20,8> pw_accum_t;\n#endif\n");
  testing_hls4ml::WriteText(fw / "parameters.h",
                            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n#include \"defines.h\"\n"
                            "struct config2 : nnet::conv1d_config {\n"
                            "    static const unsigned pad_left = 0;\n"
                            "    static const unsigned pad_right = 0;\n"
                            "    static const unsigned in_width = 4;\n"
                            "    static const unsigned n_chan = 3;\n"
                            "    static const unsigned filt_width = 1;\n"
                            "    static const unsigned n_filt = 2;\n"
                            "    static const unsigned stride_width = 1;\n"
                            "    static const unsigned dilation = 1;\n"
                            "    static const unsigned out_width = 4;\n"
                            "    static const unsigned reuse_factor = 3;\n"
                            "    static const unsigned n_zeros = 0;\n"
                            "    static const bool store_weights_in_bram = false;\n"
                            "    static const unsigned strategy = nnet::resource;\n"
                            "    typedef pw_accum_t accum_t;\n"
                            "    typedef pw_bias_t bias_t;\n"
                            "    typedef pw_weight_t weight_t;\n"
                            "};\n#endif\n");
  testing_hls4ml::WriteText(
      fw / "pw.cpp",
      "#include \"pw.h\"\n#include \"parameters.h\"\n\n"
      "void pw(input_t input_1[12], result_t layer2_out[8]) {\n"
      "#ifndef __SYNTHESIS__\n"
      "    static bool loaded_weights = false;\n"
      "    if (!loaded_weights) {\n"
      "        nnet::load_weights_from_txt<pw_weight_t, 6>(w2, \"w2.txt\");\n"
      "        nnet::load_weights_from_txt<pw_bias_t, 2>(b2, \"b2.txt\");\n"
      "        loaded_weights = true;\n"
      "    }\n"
      "#endif\n"
      "    nnet::pointwise_conv_1d_cl<input_t, result_t, config2>(input_1, layer2_out, w2, b2); "
      "// pw\n"
      "}\n");
  testing_hls4ml::WriteText(fw / "pw.h", "#include \"defines.h\"\n");
  // As the resource strategy writes them: (filter, channel).
  testing_hls4ml::WriteText(fw / "weights" / "w2.txt", "0.25, -0.5, 1.0, 0.75, -1.25, 0.5\n");
  testing_hls4ml::WriteText(fw / "weights" / "b2.txt", "0.125, -0.25\n");
  auto weights = [&](bool* resource) {
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    EXPECT_TRUE(project.ok()) << project.status();
    if (!project.ok()) return std::vector<double>{};
    const auto& c = std::get<ConvSpec>(project->spec.layers[0].op);
    *resource = c.resource_strategy;
    std::vector<double> w;
    for (int64_t raw : c.weights) w.push_back(ToDouble(c.weight_type, raw));
    return w;  // the latency layout: w[c * n_filt + f]
  };
  bool resource = false;
  // Without the project's nnet_utils (the newest release): the resource kernel, file transposed.
  EXPECT_THAT(weights(&resource), ElementsAre(0.25, 0.75, -0.5, -1.25, 1.0, 0.5));
  EXPECT_TRUE(resource);
  fs::create_directories(fw / "nnet_utils");
  testing_hls4ml::WriteText(fw / "nnet_utils" / "nnet_conv1d_latency.h",
                            "template<class data_T, class res_T, typename CONFIG_T>\n"
                            "void pointwise_conv_1d_cl(\n"
                            "    data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],\n");
  EXPECT_THAT(weights(&resource), ElementsAre(0.25, -0.5, 1.0, 0.75, -1.25, 0.5));
  EXPECT_FALSE(resource);
}

TEST(GraphFixturesTest, CnnStreamLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "cnn_stream");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  EXPECT_EQ(spec.input_size, 25);  // the stream's size, from zeropad's config
  EXPECT_THAT(Names(spec), ElementsAre("zp2d_conv1", "conv1", "conv1_relu", "pool1", "conv2",
                                       "conv2_relu", "gap", "fc", "fc_softmax"));
  EXPECT_TRUE(std::get<PoolingSpec>(spec.layers[3].op).window_in_accum);
  EXPECT_FALSE(std::get<PoolingSpec>(spec.layers[3].op).sequential_sum);
  const auto& gap = std::get<PoolingSpec>(spec.layers[6].op);
  EXPECT_TRUE(gap.window_in_accum && gap.sequential_sum);
  EXPECT_EQ(gap.pool_height, 2);
  EXPECT_EQ(gap.out_width, 1);
}

TEST(GraphFixturesTest, BranchyInputsOutputsAndEdges) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "branchy");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  ASSERT_EQ(spec.inputs.size(), 2u);
  EXPECT_EQ(spec.inputs[0].name, "input_a");
  EXPECT_EQ(spec.inputs[1].name, "input_b");
  EXPECT_EQ(spec.inputs[1].type.quantization, Quantization::kRnd);
  EXPECT_THAT(spec.outputs, ElementsAre("head", "multiply"));
  for (const LayerSpec& l : spec.layers) {
    if (l.name == "dense_b") EXPECT_THAT(l.inputs, ElementsAre("input_b"));
    if (l.name == "add") EXPECT_THAT(l.inputs, ElementsAre("dense_a_relu", "dense_b"));
    if (l.name == "gate") EXPECT_THAT(l.inputs, ElementsAre("dense_b"));
    if (l.name == "concat") {
      EXPECT_EQ(std::get<MergeSpec>(l.op).kind, MergeKind::kConcatenate);
    }
  }
  absl::StatusOr<std::shared_ptr<const Network>> net = LoadHls4mlNetwork(FixturesDir() / "branchy");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ((*net)->num_inputs(), 2);
  EXPECT_EQ((*net)->output_size(0), 3);
  EXPECT_EQ((*net)->output_size(1), 4);
}

// Every fixture's network == the exact reference, on raws over each input type's whole range
// and small magnitudes.
TEST(GraphFixturesTest, NetworksMatchTheReference) {
  std::mt19937_64 rng(2024);
  for (const char* name :
       {"cnn_parallel", "cnn_stream", "cnn_stream_up", "branchy", "layernorm"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / name);
    ASSERT_TRUE(project.ok()) << project.status();
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
    ASSERT_TRUE(net.ok()) << net.status();
    const Network& n = **net;
    for (int sample = 0; sample < 300; ++sample) {
      std::vector<std::vector<int64_t>> raws(n.num_inputs());
      std::vector<std::vector<uint8_t>> packed(n.num_inputs());
      std::vector<const uint8_t*> in_ptrs;
      for (int k = 0; k < n.num_inputs(); ++k) {
        const FixedType& t = n.input_type(k);
        const int bits = sample % 3 == 0 ? 4 : t.width;
        const int64_t lo = t.is_signed ? -(int64_t{1} << (bits - 1)) : 0;
        const int64_t hi = t.is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
        std::uniform_int_distribution<int64_t> dist(lo, hi);
        for (int i = 0; i < n.input_size(k); ++i) raws[k].push_back(dist(rng));
        packed[k].resize(n.input_bytes_per_sample(k));
        for (int i = 0; i < n.input_size(k); ++i) {
          PackRaw(t, raws[k][i], packed[k].data() + i * t.container_bytes());
        }
        in_ptrs.push_back(packed[k].data());
      }
      std::vector<std::vector<uint8_t>> out(n.num_outputs());
      std::vector<uint8_t*> out_ptrs;
      for (int k = 0; k < n.num_outputs(); ++k) {
        out[k].resize(n.output_bytes_per_sample(k));
        out_ptrs.push_back(out[k].data());
      }
      n.Run(in_ptrs.data(), out_ptrs.data(), 1);
      absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
          reference::ReferenceRunGraph(project->spec, raws);
      ASSERT_TRUE(expected.ok()) << expected.status();
      for (int k = 0; k < n.num_outputs(); ++k) {
        const FixedType& t = n.output_type(k);
        for (int i = 0; i < n.output_size(k); ++i) {
          ASSERT_EQ(UnpackRaw(t, out[k].data() + i * t.container_bytes()), (*expected)[k][i])
              << "sample " << sample << " output " << k << " value " << i;
        }
      }
    }
  }
}

// Average pooling differs between releases; the project's own nnet_utils/nnet_pooling.h tells
// which one it is (the markers below are the releases' avg() signatures).
PoolingSpec Pool2WithPoolingHeader(const std::string& header_text) {
  const std::filesystem::path dir = testing_hls4ml::CopyFixture("cnn_parallel");
  std::filesystem::create_directories(dir / "firmware" / "nnet_utils");
  testing_hls4ml::WriteText(dir / "firmware" / "nnet_utils" / "nnet_pooling.h", header_text);
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  EXPECT_TRUE(project.ok()) << project.status();
  return project.ok() ? std::get<PoolingSpec>(project->spec.layers[6].op) : PoolingSpec{};
}

TEST(GraphFixturesTest, AveragePoolingReleaseFromTheProjectsHeader) {
  const FixedType in{14, 6};  // pool2's input (conv2_leaky's result type)
  const PoolingSpec v1 =
      Pool2WithPoolingHeader("accum_t avg(T (&x)[N], unsigned length) {");
  EXPECT_EQ(v1.accum_type, (FixedType{16, 6}));  // the config's accum_t
  EXPECT_FALSE(v1.rescale.has_value());
  // 0.8: an ap_fixed<W,I> overload sums in ap_fixed<W + 2, I + 2> for 4 values, then data_T;
  // and rescales by data_T(4) / 4 = 1.
  const PoolingSpec v08 = Pool2WithPoolingHeader(
      "T avg(T (&x)[N]) {\n ap_fixed<W + ceillog2(N), I + ceillog2(N)> tmp = 0;\n"
      "data_T rescale = static_cast<data_T>(CONFIG_T::pool_width) / img_overlap;");
  EXPECT_EQ(v08.accum_type, (FixedType{16, 8}));
  ASSERT_TRUE(v08.average_cast_type.has_value());
  EXPECT_EQ(*v08.average_cast_type, in);
  ASSERT_TRUE(v08.rescale.has_value());
  EXPECT_EQ(ToDouble(in, *v08.rescale), 1.0);
  // Later 0.8.x: the overload takes ap_fixed<W,I,Q,O,M> of any modes (found in a real CMS project
  // whose global average pooling was wrong while this spelling went unrecognised).
  const PoolingSpec v08_any_mode = Pool2WithPoolingHeader(
      "T avg(T (&x)[N]) {\n ap_fixed<W + ceillog2(N), I + ceillog2(N), Q, O, M> tmp = 0;\n"
      "data_T rescale = static_cast<data_T>(CONFIG_T::pool_width) / img_overlap;");
  EXPECT_EQ(v08_any_mode.accum_type, (FixedType{16, 8}));
  ASSERT_TRUE(v08_any_mode.average_cast_type.has_value());
  EXPECT_EQ(*v08_any_mode.average_cast_type, in);
  // ... or ap_fixed<W,I,Q,O> (a real CMS project of that era).
  const PoolingSpec v08_q_o = Pool2WithPoolingHeader(
      "T avg(T (&x)[N]) {\n ap_fixed<W + ceillog2(N), I + ceillog2(N), Q, O> tmp = 0;\n"
      "data_T rescale = static_cast<data_T>(CONFIG_T::pool_width) / img_overlap;");
  EXPECT_EQ(v08_q_o.accum_type, (FixedType{16, 8}));
  ASSERT_TRUE(v08_q_o.average_cast_type.has_value());
  // <= 0.7: sums in data_T.
  const PoolingSpec v06 = Pool2WithPoolingHeader("T avg(T (&x)[N]) {");
  EXPECT_EQ(v06.accum_type, in);
  EXPECT_FALSE(v06.average_cast_type.has_value());
}

TEST(GraphFixturesTest, EditedPoolingHeaderIsRefused) {
  const std::filesystem::path dir = testing_hls4ml::CopyFixture("cnn_parallel");
  std::filesystem::create_directories(dir / "firmware" / "nnet_utils");
  testing_hls4ml::WriteText(dir / "firmware" / "nnet_utils" / "nnet_pooling.h",
                            "my_avg_me(...) { /* rewritten */ }");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              ::testing::HasSubstr("firmware/nnet_utils/nnet_pooling.h: this nnet_pooling.h is "
                                   "neither hls4ml 0.x's nor 1.x's"));
}

// hls4ml 1.2+'s LayerNormalization and softmax_multidim (the layernorm fixture: rows of 6, a softmax
// down each column, then one row of 8). A copy
// with hls4ml 1.2.0's and 1.3.0's own nnet_utils compiled into hls4ml's C simulation agrees bit
// for bit (docs/numerics.md).
TEST(GraphFixturesTest, LayerNormLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "layernorm");
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(project->spec.layers.size(), 6u);
  const auto& ln1 = std::get<LayerNormSpec>(project->spec.layers[0].op);
  EXPECT_EQ(ln1.n_in, 24);
  EXPECT_EQ(ln1.seq_len, 4);
  EXPECT_EQ(ln1.accum_type, (FixedType{20, 8, true, Quantization::kRnd, Overflow::kSat}));
  EXPECT_EQ(ln1.table_type, (FixedType{16, 6}));
  EXPECT_EQ(ln1.table_size, 512);
  EXPECT_EQ(ln1.epsilon_power_of_10, 4);
  EXPECT_EQ(ln1.table_range_power2, 2);
  EXPECT_EQ(ln1.scales.size(), 6u);
  EXPECT_EQ(ln1.biases.size(), 6u);
  EXPECT_EQ(project->spec.layers[0].result_type,
            (FixedType{14, 4, true, Quantization::kRnd, Overflow::kWrap}));
  // softmax_multidim over the first axis: 4 values 6 apart, one softmax per column.
  const auto& attn = std::get<SoftmaxSpec>(project->spec.layers[1].op);
  EXPECT_EQ(attn.slice, 4);
  EXPECT_EQ(attn.inner, 6);
  const auto& ln2 = std::get<LayerNormSpec>(project->spec.layers[4].op);
  EXPECT_EQ(ln2.seq_len, 1);
  EXPECT_EQ(ln2.scales.size(), 8u);
}

TEST(GraphFixturesTest, LayerNormRefusals) {
  const auto read = [](const std::filesystem::path& dir) {
    return ReadHls4mlProject(dir).status();
  };
  {  // An edited nnet_layernorm.h.
    const std::filesystem::path dir = testing_hls4ml::CopyFixture("layernorm");
    std::filesystem::create_directories(dir / "firmware" / "nnet_utils");
    testing_hls4ml::WriteText(dir / "firmware" / "nnet_utils" / "nnet_layernorm.h",
                              "res[i] = data_diff[i] * deno_inver * scale[i];");
    const absl::Status st = read(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), ::testing::HasSubstr("firmware/nnet_utils/nnet_layernorm.h: this "
                                                   "nnet_layernorm.h is not hls4ml 1.2-1.3's"));
  }
  {  // softmax_multidim's slices must tile its input.
    const std::filesystem::path dir = testing_hls4ml::CopyFixture("layernorm");
    testing_hls4ml::ReplaceInFile(dir / "firmware" / "parameters.h",
                                  "static const unsigned n_inner = 6;",
                                  "static const unsigned n_inner = 5;");
    const absl::Status st = read(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(), ::testing::HasSubstr("softmax_config3: n_slice * n_outer * n_inner "
                                                   "= 20 but n_in = 24"));
  }
  {  // seq_len must divide n_in.
    const std::filesystem::path dir = testing_hls4ml::CopyFixture("layernorm");
    const std::filesystem::path params = dir / "firmware" / "parameters.h";
    testing_hls4ml::ReplaceInFile(params, "static const unsigned seq_len = 4;",
                                  "static const unsigned seq_len = 5;");
    const absl::Status st = read(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(),
                ::testing::HasSubstr("parameters.h:" +
                                     std::to_string(testing_hls4ml::LineOf(params, "seq_len = 5")) +
                                     ": config2::seq_len = 5 does not divide n_in = 24"));
  }
  {  // Products other than mult (a binary scale's product) are not reproduced.
    const std::filesystem::path dir = testing_hls4ml::CopyFixture("layernorm");
    testing_hls4ml::ReplaceInFile(dir / "firmware" / "parameters.h",
                                  "using product = nnet::product::mult<x_T, y_T>;\n};\n\n"
                                  "// attn",
                                  "using product = nnet::product::weight_binary<x_T, y_T>;\n};"
                                  "\n\n// attn");
    const absl::Status st = read(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), ::testing::HasSubstr("layer norm with product "
                                                   "nnet::product::weight_binary"));
  }
}

// predict: a line holds both inputs (6 + 6 values); the answer both outputs (3 + 4 values).
TEST(GraphFixturesTest, PredictConcatenatesInputsAndOutputs) {
  const std::filesystem::path dir = testing_hls4ml::ScratchDir("csv");
  const std::filesystem::path csv = dir / "in.csv";
  testing_hls4ml::WriteText(csv, "0.5,-1,2,0.25,0,1,-0.5,1,0.75,-2,0.125,0\n1,1,1,1,1,1,0,0,0,0,0,0\n");
  std::ostringstream out, err;
  const int rc = RunHls4mlCommand(
      {"predict", (FixturesDir() / "branchy").string(), "--input", csv.string()}, out, err);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(rc, 0) << err.str();
  std::vector<std::string> lines = absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    EXPECT_EQ(std::vector<std::string>(absl::StrSplit(line, ',')).size(), 7u) << line;
  }
}

}  // namespace
}  // namespace fpgaas::numerics
