// The importer on hls4ml 1.3's TimeDistributed: the top function's
// `for (int ts = 0; ts < configN::n_time_steps; ts++) { read_time_step_<d>d; wrapped layers;
// write_time_step_<d>d; }` loop (recurrent_templates.py's templates, as vivado_writer.py writes
// them), read as one layer whose body runs on every step. Projects are written here from the
// new_style fixture (its whole network wrapped); the network against the GMP reference on random
// inputs, and refusals with their file:line.
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "tests/unit/hls4ml/test_util.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReadText;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

constexpr int kSteps = 4;

// new_style (dense 3 -> 4, relu, batch norm, dense 4 -> 3, softmax) wrapped in a TimeDistributed
// loop over kSteps steps of 3 values (read/write_time_step_<dims>d), then a relu over the whole
// sequence, as hls4ml 1.3 writes such a model (TimeDistributed of a nested Sequential). With
// `relu6` the body's relu is a relu6, a graph layer: the body then runs on the graph executor too.
fs::path TimeDistributedProject(int dims, bool relu6 = false) {
  fs::path dir = CopyFixture("new_style");
  const fs::path cpp = dir / "firmware" / "tiny.cpp";
  const fs::path params = dir / "firmware" / "parameters.h";
  const fs::path defines = dir / "firmware" / "defines.h";
  const int height = 1, width = dims >= 3 ? 3 : 1, chan = dims >= 3 ? 1 : 3;
  ReplaceInFile(defines, "#define N_INPUT_1_1 3",
                absl::StrCat("#define N_INPUT_1_1 ", kSteps, "\n#define N_INPUT_2_1 3"));
  ReplaceInFile(defines, "typedef ap_fixed<16,6> result_t;",
                "typedef ap_fixed<16,6> result_t;\ntypedef ap_fixed<16,6> layer10_t;\n"
                "typedef ap_fixed<16,6> layer11_t;\ntypedef ap_ufixed<12,4,AP_RND,AP_SAT> "
                "layer12_t;");
  std::string td_configs;
  for (int index : {10, 11}) {
    absl::StrAppend(&td_configs, "// time_distributed", index == 11 ? "_end" : "",
                    "\nstruct config", index,
                    " : nnet::time_distributed_config {\n    static const unsigned dim = ", dims,
                    ";\n\n    static const unsigned n_time_steps = ", kSteps,
                    ";\n    static const unsigned in_height = ", height,
                    ";\n    static const unsigned in_width = ", width,
                    ";\n    static const unsigned n_chan = ", chan, ";\n};\n\n");
  }
  absl::StrAppend(&td_configs,
                  "// relu_seq\nstruct relu_config12 : nnet::activ_config {\n"
                  "    static const unsigned n_in = ",
                  kSteps * 3,
                  ";\n    static const unsigned table_size = 1024;\n"
                  "    static const unsigned io_type = nnet::io_parallel;\n"
                  "    static const unsigned reuse_factor = 1;\n"
                  "    typedef ap_fixed<18,8> table_t;\n};\n\n");
  ReplaceInFile(params, "\n#endif", "\n" + td_configs + "#endif");
  ReplaceInFile(params, "#include \"nnet_utils/nnet_dense_stream.h\"",
                "#include \"nnet_utils/nnet_dense_stream.h\"\n"
                "#include \"nnet_utils/nnet_time_distributed.h\"");
  ReplaceInFile(cpp, "input_t input_1[N_INPUT_1_1],", "input_t input_1[N_INPUT_1_1*N_INPUT_2_1],");
  ReplaceInFile(cpp, "result_t layer9_out[N_LAYER_6]",
                absl::StrCat("layer12_t layer12_out[", kSteps * 3, "]"));
  // The writer declares every variable first, then the calls: the loop's start template before
  // the wrapped layers, its end template after them.
  ReplaceInFile(
      cpp, "    // hls-fpga-machine-learning insert layers\n",
      absl::StrCat("    // hls-fpga-machine-learning insert layers\n\n"
                   "    layer10_t layer10_out[N_INPUT_2_1];\n"
                   "    #pragma HLS ARRAY_PARTITION variable=layer10_out complete dim=0\n\n"
                   "    result_t layer9_out[N_LAYER_6];\n"
                   "    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0\n\n"
                   "    layer11_t layer11_out[",
                   kSteps * 3,
                   "];\n"
                   "    #pragma HLS ARRAY_PARTITION variable=layer11_out complete dim=0\n\n"
                   "    for (int ts = 0; ts < config10::n_time_steps; ts++) {\n"
                   "        \n"
                   "        nnet::read_time_step_",
                   dims,
                   "d<input_t, config10>(ts, input_1, layer10_out); // time_distributed\n\n"));
  ReplaceInFile(cpp, "nnet::dense<input_t, layer2_t, config2>(input_1,",
                "nnet::dense<input_t, layer2_t, config2>(layer10_out,");
  if (relu6)
    ReplaceInFile(cpp, "nnet::relu<layer2_t, layer4_t,", "nnet::relu6<layer2_t, layer4_t,");
  ReplaceInFile(cpp, "layer9_out); // output_softmax\n",
                absl::StrCat("layer9_out); // output_softmax\n\n"
                             "        nnet::write_time_step_",
                             dims,
                             "d<result_t, config11>(ts, layer9_out, layer11_out);\n"
                             "    } // time_distributed_end\n\n"
                             "    nnet::relu<layer11_t, layer12_t, relu_config12>(layer11_out, "
                             "layer12_out); // relu_seq\n"));
  return dir;
}

void ExpectAgreesWithReference(const NetworkSpec& spec, uint32_t seed) {
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType& in = (*net)->input_type();
  std::mt19937_64 rng(seed);
  // 150 samples: block runs of 64 and 16 lanes and single samples (the exact path), all traced.
  const int n = 150;
  std::vector<uint8_t> batch;
  std::vector<std::vector<int64_t>> expected;
  for (int sample = 0; sample < n; ++sample) {
    std::vector<int64_t> raws;
    std::vector<uint8_t> x;
    for (int k = 0; k < (*net)->input_size(); ++k) {
      const int64_t r = static_cast<int64_t>(rng() % 65536) - 32768;  // all of ap_fixed<16,6>
      raws.push_back(sample % 3 == 0 ? r / 64 : r);
      x.resize(x.size() + in.container_bytes());
      PackRaw(in, raws.back(), x.data() + x.size() - in.container_bytes());
    }
    batch.insert(batch.end(), x.begin(), x.end());
    std::vector<std::vector<int64_t>> ref_trace;
    absl::StatusOr<std::vector<std::vector<int64_t>>> out =
        reference::ReferenceRunGraph(spec, {raws}, &ref_trace);
    ASSERT_TRUE(out.ok()) << out.status();
    expected.push_back(out->at(0));
    const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
    ASSERT_EQ(trace.size(), ref_trace.size());
    for (size_t k = 0; k < trace.size(); ++k) {
      ASSERT_EQ(trace[k].raw, ref_trace[k]) << "sample " << sample << " layer " << trace[k].name;
    }
  }
  std::vector<uint8_t> y(n * (*net)->output_bytes_per_sample());
  (*net)->Run(batch.data(), y.data(), n);
  const FixedType& out_t = (*net)->output_type();
  int distinct = 0;
  for (int sample = 0; sample < n; ++sample) {
    for (int j = 0; j < (*net)->output_size(); ++j) {
      const size_t at =
          (static_cast<size_t>(sample) * (*net)->output_size() + j) * out_t.container_bytes();
      ASSERT_EQ(UnpackRaw(out_t, y.data() + at), expected[sample][j])
          << "sample " << sample << " output " << j;
    }
    if (sample > 0 && expected[sample] != expected[sample - 1]) ++distinct;
  }
  EXPECT_GT(distinct, n / 2);
}

TEST(TimeDistributedImport, WrappedLayersRunOnEveryStep) {
  for (int dims : {2, 3, 4}) {
    SCOPED_TRACE(absl::StrCat("read/write_time_step_", dims, "d"));
    absl::StatusOr<Hls4mlProject> project =
        ReadHls4mlProject(TimeDistributedProject(dims, /*relu6=*/dims == 4));
    ASSERT_TRUE(project.ok()) << project.status();
    const NetworkSpec& spec = project->spec;
    ASSERT_EQ(spec.layers.size(), 2u);
    EXPECT_EQ(spec.input_size, kSteps * 3);
    EXPECT_EQ(spec.layers[0].name, "time_distributed_end");
    const auto& td = std::get<TimeDistributedSpec>(spec.layers[0].op);
    EXPECT_EQ(td.n_time_steps, kSteps);
    ASSERT_EQ(td.layers.size(), 5u);
    EXPECT_EQ(td.layers[0].name, "fc1");
    EXPECT_EQ(td.layers[4].name, "output_softmax");
    EXPECT_EQ(td.output, "output_softmax");
    EXPECT_EQ(spec.layers[1].name, "relu_seq");
    // The body is new_style's network: equal to it on every step.
    absl::StatusOr<Hls4mlProject> plain = ReadHls4mlProject(CopyFixture("new_style"));
    ASSERT_TRUE(plain.ok()) << plain.status();
    ASSERT_EQ(plain->spec.layers.size(), td.layers.size());
    EXPECT_EQ(std::get<DenseSpec>(td.layers[3].op).weights,
              std::get<DenseSpec>(plain->spec.layers[3].op).weights);
    ExpectAgreesWithReference(spec, 20 + dims);
  }
}

TEST(TimeDistributedImport, StepsAreIndependentCopiesOfTheBody) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(TimeDistributedProject(2));
  ASSERT_TRUE(project.ok()) << project.status();
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  absl::StatusOr<Hls4mlProject> plain = ReadHls4mlProject(CopyFixture("new_style"));
  ASSERT_TRUE(plain.ok()) << plain.status();
  absl::StatusOr<std::unique_ptr<Network>> body = Network::Create(plain->spec);
  ASSERT_TRUE(body.ok()) << body.status();
  // Step t of the loop's output is new_style's output for step t's three inputs.
  std::vector<uint8_t> x(kSteps * 3 * 2);
  const int16_t values[kSteps * 3] = {1024, -2048, 300, 0, 0, 0, -32768, 32767, 5, 77, -9, 1};
  for (int k = 0; k < kSteps * 3; ++k) {
    PackRaw((*net)->input_type(), values[k], x.data() + 2 * k);
  }
  const std::vector<LayerTrace> trace = (*net)->Trace(x.data());
  ASSERT_EQ(trace.size(), 2u);
  ASSERT_EQ(trace[0].raw.size(), static_cast<size_t>(kSteps * 3));
  std::set<int64_t> distinct;
  for (int t = 0; t < kSteps; ++t) {
    std::vector<uint8_t> step_out((*body)->output_bytes_per_sample());
    (*body)->Run(x.data() + 6 * t, step_out.data(), 1);
    for (int j = 0; j < 3; ++j) {
      const int64_t want = UnpackRaw((*body)->output_type(), step_out.data() + 2 * j);
      EXPECT_EQ(trace[0].raw[3 * t + j], want) << "step " << t << " output " << j;
      distinct.insert(want);
    }
  }
  EXPECT_GT(distinct.size(), 6u);
}

absl::Status ReadStatus(const fs::path& dir) { return ReadHls4mlProject(dir).status(); }

TEST(TimeDistributedImport, Refusals) {
  {  // A project's edited nnet_time_distributed.h.
    const fs::path dir = TimeDistributedProject(2);
    fs::create_directories(dir / "firmware/nnet_utils");
    WriteText(dir / "firmware/nnet_utils/nnet_time_distributed.h",
              "res[i] = data[time_step * CONFIG_T::n_chan + CONFIG_T::n_chan - 1 - i];\n");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
    EXPECT_THAT(st.message(), HasSubstr("firmware/nnet_utils/nnet_time_distributed.h: this "
                                        "nnet_time_distributed.h's read_time_step_2d is not "
                                        "hls4ml 1.3's"));
  }
  {  // A layer after the loop reading an array written inside it.
    const fs::path dir = TimeDistributedProject(2);
    const fs::path cpp = dir / "firmware/tiny.cpp";
    ReplaceInFile(cpp, "relu_config12>(layer11_out,", "relu_config12>(layer5_out,");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
    EXPECT_THAT(st.message(),
                HasSubstr(absl::StrCat("firmware/tiny.cpp:", LineOf(cpp, "relu_seq"),
                                       ": nnet::relu reads 'layer5_out', written inside the "
                                       "TimeDistributed loop at firmware/tiny.cpp:",
                                       LineOf(cpp, "for (int ts"))));
  }
  {  // A wrapped layer reading an array from outside the loop (a second top-function input).
    const fs::path dir = TimeDistributedProject(2);
    const fs::path cpp = dir / "firmware/tiny.cpp";
    ReplaceInFile(cpp, "input_t input_1[N_INPUT_1_1*N_INPUT_2_1],",
                  "input_t input_1[N_INPUT_1_1*N_INPUT_2_1], input_t input_2[N_INPUT_2_1],");
    ReplaceInFile(cpp, "nnet::dense<input_t, layer2_t, config2>(layer10_out,",
                  "nnet::dense<input_t, layer2_t, config2>(input_2,");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
    EXPECT_THAT(st.message(),
                HasSubstr(absl::StrCat("firmware/tiny.cpp:", LineOf(cpp, "for (int ts"),
                                       ": layer 'fc1' inside this TimeDistributed loop reads "
                                       "'input_2' from outside it (not supported)")));
  }
  {  // Steps that disagree with the loop's.
    const fs::path dir = TimeDistributedProject(2);
    const fs::path params = dir / "firmware/parameters.h";
    ReplaceInFile(params,
                  "struct config11 : nnet::time_distributed_config {\n"
                  "    static const unsigned dim = 2;\n\n"
                  "    static const unsigned n_time_steps = 4;",
                  "struct config11 : nnet::time_distributed_config {\n"
                  "    static const unsigned dim = 2;\n\n"
                  "    static const unsigned n_time_steps = 3;");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(st.message(), HasSubstr("config11::n_time_steps = 3 but the loop at "
                                        "firmware/tiny.cpp:"));
  }
  {  // A step type other than the arrays' (does not compile).
    const fs::path dir = TimeDistributedProject(2);
    ReplaceInFile(dir / "firmware/defines.h", "typedef ap_fixed<16,6> layer10_t;",
                  "typedef ap_fixed<14,6> layer10_t;");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(st.message(), HasSubstr("(the project does not compile)"));
  }
  {  // The loop without its write_time_step.
    const fs::path dir = TimeDistributedProject(2);
    const fs::path cpp = dir / "firmware/tiny.cpp";
    ReplaceInFile(cpp, "nnet::write_time_step_2d<result_t, config11>(ts, layer9_out, layer11_out);",
                  "");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
    EXPECT_THAT(st.message(), HasSubstr("must begin with nnet::read_time_step_<N>d and end with "
                                        "nnet::write_time_step_<N>d"));
  }
  {  // io_stream: hls4ml's nnet_time_distributed.h has no stream functions.
    const fs::path dir = TimeDistributedProject(2);
    const fs::path cpp = dir / "firmware/tiny.cpp";
    ReplaceInFile(cpp, "input_t input_1[N_INPUT_1_1*N_INPUT_2_1],",
                  "hls::stream<input_t> &input_1,");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
    EXPECT_THAT(st.message(),
                HasSubstr(absl::StrCat("firmware/tiny.cpp:", LineOf(cpp, "read_time_step_2d"),
                                       ": nnet::read_time_step_2d in an io_stream project")));
  }
}

}  // namespace
}  // namespace fpgaas::numerics
