// The recurrent fixtures written by fixtures/make_recurrent_fixtures.py (an io_parallel LSTM ->
// GRU network, an io_stream GRU -> LSTM one and two bidirectional layers): the importer's reading of nnet::lstm_stack /
// gru_stack, the executor against the exact reference, and what is refused (with file:line).
// (Copies of these fixtures with hls4ml 1.1 - 1.3's own nnet_utils, and their equal-type variants
// with 0.7 - 1.0's, compiled into hls4ml's C simulation agree bit for bit: docs/numerics.md.)
#include <cstdint>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "tests/unit/hls4ml/test_util.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::FixturesDir;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

const FixedType kLstmType{16, 5, true, Quantization::kRnd, Overflow::kSat};

TEST(RecurrentFixturesTest, RnnParallelLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "rnn_parallel");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  ASSERT_EQ(spec.layers.size(), 3u);
  EXPECT_EQ(spec.layers[0].name, "lstm");
  EXPECT_EQ(spec.input_size, 18);
  const auto& lstm = std::get<RecurrentSpec>(spec.layers[0].op);
  EXPECT_EQ(lstm.kind, RecurrentKind::kLstm);
  EXPECT_EQ(lstm.n_in, 3);
  EXPECT_EQ(lstm.n_state, 4);
  EXPECT_EQ(lstm.n_sequence, 6);
  EXPECT_TRUE(lstm.return_sequences);
  EXPECT_EQ(lstm.accum_type, kLstmType);
  EXPECT_EQ(spec.layers[0].result_type, kLstmType);
  // The dense products keep their own configs' types (mult_config1 / mult_config2).
  EXPECT_EQ(lstm.input_dense.accum_type, (FixedType{20, 7}));
  EXPECT_EQ(lstm.recurrent_dense.accum_type,
            (FixedType{18, 6, true, Quantization::kRnd, Overflow::kWrap}));
  EXPECT_EQ(lstm.recurrent_dense.weight_type, (FixedType{9, 1}));
  EXPECT_EQ(lstm.input_dense.n_out, 16);
  EXPECT_EQ(lstm.recurrent_activation.kind, ActivationKind::kSigmoid);
  EXPECT_EQ(lstm.activation.kind, ActivationKind::kTanh);
  EXPECT_EQ(lstm.activation.table_size, 512);
  EXPECT_EQ(lstm.activation.table_type, (FixedType{12, 2, true, Quantization::kRnd}));
  const auto& gru = std::get<RecurrentSpec>(spec.layers[1].op);
  EXPECT_EQ(gru.kind, RecurrentKind::kGru);
  EXPECT_EQ(gru.n_in, 4);
  EXPECT_EQ(gru.n_sequence, 6);
  EXPECT_FALSE(gru.return_sequences);
  EXPECT_TRUE(gru.input_dense.resource_strategy);
  EXPECT_EQ(gru.input_dense.reuse_factor, 4);
  EXPECT_EQ(gru.recurrent_dense.reuse_factor, 3);
  EXPECT_FALSE(gru.pytorch_order);
  EXPECT_TRUE(LoadHls4mlNetwork(FixturesDir() / "rnn_parallel").ok());
}

// Resource strategy: hls4ml writes both kernels transposed ([gates * n_state][n_in]).
TEST(RecurrentFixturesTest, ResourceKernelsAreTransposed) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "rnn_parallel");
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& gru = std::get<RecurrentSpec>(project->spec.layers[1].op);
  for (const auto& [file, d] : {std::pair{"w3.txt", &gru.input_dense},
                                {"wr3.txt", &gru.recurrent_dense}}) {
    const std::string text = testing_hls4ml::ReadText(FixturesDir() / "rnn_parallel" / "firmware" /
                                                      "weights" / file);
    std::vector<std::string> values = absl::StrSplit(text, ", ");
    ASSERT_EQ(values.size(), static_cast<size_t>(d->n_in * d->n_out));
    for (int j = 0; j < d->n_out; ++j) {
      for (int i = 0; i < d->n_in; ++i) {
        EXPECT_EQ(ToDouble(d->weight_type, d->weights[i * d->n_out + j]),
                  std::stod(values[j * d->n_in + i]))
            << file;
      }
    }
  }
}

TEST(RecurrentFixturesTest, RnnStreamLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "rnn_stream");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  EXPECT_EQ(spec.input_size, 15);  // n_sequence * n_in, from the GRU's config
  const auto& gru = std::get<RecurrentSpec>(spec.layers[0].op);
  EXPECT_TRUE(gru.return_sequences);
  EXPECT_EQ(gru.activation.kind, ActivationKind::kRelu);
  const auto& lstm = std::get<RecurrentSpec>(spec.layers[1].op);
  EXPECT_EQ(lstm.n_in, 4);
  EXPECT_EQ(lstm.n_sequence, 5);
  EXPECT_FALSE(lstm.return_sequences);
}

TEST(RecurrentFixturesTest, NetworksMatchTheReference) {
  std::mt19937_64 rng(11);
  for (const char* name : {"rnn_parallel", "rnn_stream"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / name);
    ASSERT_TRUE(project.ok()) << project.status();
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
    ASSERT_TRUE(net.ok()) << net.status();
    const Network& n = **net;
    const FixedType& t = n.input_type();
    for (int sample = 0; sample < 300; ++sample) {
      const int bits = sample % 3 == 0 ? 4 : t.width;
      std::uniform_int_distribution<int64_t> dist(-(int64_t{1} << (bits - 1)),
                                                  (int64_t{1} << (bits - 1)) - 1);
      std::vector<int64_t> raws;
      std::vector<uint8_t> in(n.input_bytes_per_sample()), out(n.output_bytes_per_sample());
      for (int i = 0; i < n.input_size(); ++i) {
        raws.push_back(dist(rng));
        PackRaw(t, raws.back(), in.data() + i * t.container_bytes());
      }
      n.Run(in.data(), out.data(), 1);
      absl::StatusOr<std::vector<int64_t>> expected =
          reference::ReferenceRunRaw(project->spec, raws);
      ASSERT_TRUE(expected.ok()) << expected.status();
      const FixedType& ot = n.output_type();
      for (int i = 0; i < n.output_size(); ++i) {
        ASSERT_EQ(UnpackRaw(ot, out.data() + i * ot.container_bytes()), (*expected)[i])
            << "sample " << sample << " value " << i;
      }
    }
  }
}

absl::Status ReadStatus(const fs::path& dir) { return ReadHls4mlProject(dir).status(); }

TEST(RecurrentFixturesTest, HardSigmoidRecurrentActivationIsRefused) {
  const fs::path dir = CopyFixture("rnn_parallel");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "using activation_recr = nnet::activation::sigmoid",
                "using activation_recr = nnet::activation::hard_sigmoid");
  const absl::Status st = ReadStatus(dir);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(st.message(), HasSubstr("nnet::activation::hard_sigmoid is not supported"));
  // The statement starts on the line above (`template<class x_T, ...>`).
  EXPECT_THAT(st.message(),
              HasSubstr("firmware/parameters.h:" +
                        std::to_string(LineOf(params, "activation::hard_sigmoid") - 1) + ":"));
}

// lstm_stack instantiates nnet::lstm too, whose dense calls need data_T == res_T == accum_t.
TEST(RecurrentFixturesTest, LstmWhoseTypesCannotCompileIsRefused) {
  const fs::path dir = CopyFixture("rnn_parallel");
  ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<16,5,AP_RND,AP_SAT> layer2_t;",
                "typedef ap_fixed<16,5> layer2_t;");
  const absl::Status st = ReadStatus(dir);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("the output type ap_fixed<16,5> differs from accum_t"));
  EXPECT_THAT(st.message(),
              HasSubstr("firmware/myproject.cpp:" +
                        std::to_string(LineOf(dir / "firmware" / "myproject.cpp",
                                              "nnet::lstm_stack"))));
}

// The release is read from the project's nnet_utils/nnet_recurrent.h: these are the lines the
// importer checks (whitespace ignored), in hls4ml 1.1+'s and 0.7 - 1.0's spelling.
std::string RecurrentHeader(bool old_release) {
  std::string text =
      "inputacc_ifo[iacc] = tmpres[index] + tmpres_state[index];\n"
      "s_state[iacc] = tmpres_c[iacc] * tmpres_ifo[iacc] + s_state[iacc] * "
      "tmpres_ifo[iacc + (CONFIG_T::n_state)];\n"
      "h_state[iacc] = tmpres_ifo[iacc + 2 * (CONFIG_T::n_state)] * s_actstate[iacc];\n"
      "s_newstate[iacc] = tmpres_c[iacc] * tmpres_ifo[iacc] + s_newstate[iacc] * "
      "tmpres_ifo[iacc + (CONFIG_T::n_state)];\n"
      "nnet::dense<data_T, typename CONFIG_T::accum_t, typename CONFIG_T::mult_config1>(data, "
      "tmpres, param, param_b);\n"
      "nnet::dense<res_T, typename CONFIG_T::accum_t, typename CONFIG_T::mult_config2>(h_state, "
      "tmpres_state, param_r, param_br);\n"
      "inputacc_zr[iacc] = tmpres[index] + tmpres_state_zr[index];\n"
      "tmpres_state_h[iacc] = tmpres_zr[iacc + (CONFIG_T::n_state)] * "
      "tmpres_state_zr[iacc + (2 * CONFIG_T::n_state)];\n"
      "inputacc_h[iacc] = tmpres[index] + tmpres_state_h[iacc];\n"
      "h_state[iacc] = (res_T)(tmpres_h[iacc] * (1 - tmpres_zr[iacc]) + h_state[iacc] * "
      "tmpres_zr[iacc]);\n"
      "if (CONFIG_T::pytorch_order)\n";
  text += old_release ? "CONFIG_T::template activation_recr<data_T, typename CONFIG_T::weight_t, "
                        "typename CONFIG_T::ACT_CONFIG_LSTM>::activation(\n"
                      : "CONFIG_T::template activation_recr<typename CONFIG_T::accum_t, typename "
                        "CONFIG_T::accum_t, typename CONFIG_T::ACT_CONFIG_LSTM>::activation(\n";
  return text;
}

fs::path WithRecurrentHeader(const std::string& name, const std::string& text) {
  const fs::path dir = CopyFixture(name);
  fs::create_directories(dir / "firmware" / "nnet_utils");
  WriteText(dir / "firmware" / "nnet_utils" / "nnet_recurrent.h", text);
  return dir;
}

TEST(RecurrentFixturesTest, ReleaseFromTheProjectsHeader) {
  // 1.1+: accepted as without the header.
  EXPECT_TRUE(ReadStatus(WithRecurrentHeader("rnn_parallel", RecurrentHeader(false))).ok());
  // 0.7 - 1.0 instantiate sigmoid<data_T, weight_t> on accum_t arrays: weight_t must be accum_t.
  const absl::Status old = ReadStatus(WithRecurrentHeader("rnn_parallel", RecurrentHeader(true)));
  EXPECT_EQ(old.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(old.message(), HasSubstr("weight_t ap_fixed<10,2> differs from accum_t"));
  // Neither release's lines: an edited header.
  std::string edited = RecurrentHeader(false);
  edited.replace(edited.find("(1 - tmpres_zr[iacc])"), 21, "(1 - tmpres_zr[iacc + 1])");
  const absl::Status st = ReadStatus(WithRecurrentHeader("rnn_parallel", edited));
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(st.message(), HasSubstr("firmware/nnet_utils/nnet_recurrent.h: this "
                                      "nnet_recurrent.h is none of hls4ml 0.7-1.3's"));
}

TEST(RecurrentFixturesTest, StreamWithPacksOtherThanOneStepIsRefused) {
  const fs::path dir = CopyFixture("rnn_stream");
  ReplaceInFile(dir / "firmware" / "defines.h", "nnet::array<ap_fixed<12,4>, 3*1> input_t;",
                "nnet::array<ap_fixed<12,4>, 1*1> input_t;");
  const absl::Status st = ReadStatus(dir);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(st.message(), HasSubstr("io_stream nnet::gru_stack: packs of 1 in and 4 out"));
}

TEST(RecurrentFixturesTest, ConfigErrors) {
  {  // The activation config must cover the gates it is applied to.
    const fs::path dir = CopyFixture("rnn_parallel");
    ReplaceInFile(dir / "firmware" / "parameters.h", "static const unsigned n_in = 12;",
                  "static const unsigned n_in = 8;");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("sigmoid_config2_recr::n_in must be 12"));
  }
  {  // n_sequence_out is 1 or n_sequence.
    const fs::path dir = CopyFixture("rnn_parallel");
    ReplaceInFile(dir / "firmware" / "parameters.h", "static const unsigned n_sequence_out = 6;",
                  "static const unsigned n_sequence_out = 3;");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(), HasSubstr("config2::n_sequence_out = 3 must be 1 or n_sequence"));
  }
  {  // The initial-state variant (PyTorch models) takes more arguments.
    const fs::path dir = CopyFixture("rnn_parallel");
    ReplaceInFile(dir / "firmware" / "myproject.cpp",
                  "nnet::gru_stack<layer2_t, layer3_t, config3>(layer2_out, layer3_out,",
                  "nnet::gru_stack<layer2_t, layer2_t, layer3_t, config3>(layer2_out, layer2_out, "
                  "layer3_out,");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("nnet::gru_stack with initial states is not supported"));
  }
}

// hls4ml 1.2+'s nnet::bidirectional_stack (rnn_bidir: a static LSTM / GRU pair over every step,
// then a non-static GRU pair's last states). A copy with hls4ml 1.2.0's and 1.3.0's own nnet_utils
// compiled into hls4ml's C simulation agrees bit for bit (docs/numerics.md).
TEST(RecurrentFixturesTest, BidirectionalLayers) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "rnn_bidir");
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  ASSERT_EQ(spec.layers.size(), 3u);
  const auto& first = std::get<RecurrentSpec>(spec.layers[0].op);
  EXPECT_EQ(first.kind, RecurrentKind::kLstm);
  EXPECT_EQ(first.n_in, 3);
  EXPECT_EQ(first.n_state, 3);
  EXPECT_EQ(first.n_sequence, 6);
  EXPECT_TRUE(first.return_sequences);
  EXPECT_EQ(first.accum_type, kLstmType);
  EXPECT_EQ(first.input_dense.weight_type, (FixedType{10, 2}));
  ASSERT_EQ(first.backward.size(), 1u);
  const RecurrentSpec& back = first.backward[0];
  EXPECT_EQ(back.kind, RecurrentKind::kGru);
  EXPECT_EQ(back.n_state, 2);
  EXPECT_EQ(back.n_sequence, 6);
  EXPECT_TRUE(back.return_sequences);
  EXPECT_EQ(back.activation.kind, ActivationKind::kRelu);
  // The backward cell reads its own weights (w_b_2 ..., 3 -> 6 and 2 -> 6).
  EXPECT_EQ(back.input_dense.n_out, 6);
  EXPECT_EQ(back.recurrent_dense.n_in, 2);
  EXPECT_EQ(back.input_dense.weight_type, (FixedType{10, 3}));
  const auto& second = std::get<RecurrentSpec>(spec.layers[1].op);
  EXPECT_EQ(second.n_in, 5);
  EXPECT_FALSE(second.return_sequences);
  ASSERT_EQ(second.backward.size(), 1u);
  EXPECT_EQ(second.backward[0].n_state, 3);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ((*net)->input_size(), 18);
  EXPECT_EQ((*net)->output_size(), 2);
}

TEST(RecurrentFixturesTest, BidirectionalNetworkMatchesTheReference) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(FixturesDir() / "rnn_bidir");
  ASSERT_TRUE(project.ok()) << project.status();
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const Network& n = **net;
  const FixedType& t = n.input_type();
  std::mt19937_64 rng(12);
  for (int sample = 0; sample < 300; ++sample) {
    const int bits = sample % 3 == 0 ? 4 : t.width;
    std::uniform_int_distribution<int64_t> dist(-(int64_t{1} << (bits - 1)),
                                                (int64_t{1} << (bits - 1)) - 1);
    std::vector<int64_t> raws;
    std::vector<uint8_t> in(n.input_bytes_per_sample());
    for (int i = 0; i < n.input_size(); ++i) {
      raws.push_back(dist(rng));
      PackRaw(t, raws.back(), in.data() + i * t.container_bytes());
    }
    std::vector<std::vector<int64_t>> ref_trace;
    absl::StatusOr<std::vector<std::vector<int64_t>>> expected =
        reference::ReferenceRunGraph(project->spec, {raws}, &ref_trace);
    ASSERT_TRUE(expected.ok()) << expected.status();
    const std::vector<LayerTrace> trace = n.Trace(in.data());
    ASSERT_EQ(trace.size(), ref_trace.size());
    for (size_t l = 0; l < trace.size(); ++l) {
      ASSERT_EQ(trace[l].raw, ref_trace[l]) << "sample " << sample << " layer " << l;
    }
  }
}

// The non-static nnet::lstm passes its accum_t arrays as res_T and its state as data_T: with the
// static LSTM made non-static, rnn_bidir's first layer (input ap_fixed<12,4>, accum
// ap_fixed<16,5,AP_RND,AP_SAT>) does not compile in hls4ml, and is refused.
TEST(RecurrentFixturesTest, NonStaticBidirectionalLstmWhoseTypesCannotCompileIsRefused) {
  const fs::path dir = CopyFixture("rnn_bidir");
  ReplaceInFile(dir / "firmware" / "parameters.h",
                "using RNNfunc_forward = nnet::lstm_class_static<",
                "using RNNfunc_forward = nnet::lstm_class<");
  const absl::Status st = ReadStatus(dir);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("config2_forward: the input type ap_fixed<12,4> differs "
                                      "from accum_t"));
  EXPECT_THAT(st.message(),
              HasSubstr("firmware/myproject.cpp:" +
                        std::to_string(LineOf(dir / "firmware" / "myproject.cpp",
                                              "nnet::bidirectional_stack<input_t"))));
}

TEST(RecurrentFixturesTest, BidirectionalRefusals) {
  {  // A cell function other than hls4ml's four.
    const fs::path dir = CopyFixture("rnn_bidir");
    const fs::path params = dir / "firmware" / "parameters.h";
    ReplaceInFile(params, "using RNNfunc_backward = nnet::gru_class_static<",
                  "using RNNfunc_backward = nnet::simple_rnn_class<");
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("RNNfunc_backward = nnet::simple_rnn_class"));
    EXPECT_THAT(st.message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "nnet::simple_rnn_class") - 1) + ":"));
  }
  {  // A header with hls4ml's cells but without its bidirectional_stack lines (edited, or a
     // pre-release fork's): not reproduced.
    const fs::path dir = WithRecurrentHeader("rnn_bidir", RecurrentHeader(false));
    const absl::Status st = ReadStatus(dir);
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("nnet::bidirectional_stack cannot be reproduced"));
    // With them, accepted.
    WriteText(dir / "firmware" / "nnet_utils" / "nnet_recurrent.h",
              RecurrentHeader(false) +
                  "data_in_back[j] = data[j + (CONFIG_T::n_sequence - iloop - 1) * "
                  "CONFIG_T::n_in];\n"
                  "for (int i = (CONFIG_T::FORWARD_CONFIG::n_state + "
                  "CONFIG_T::BACKWARD_CONFIG::n_state) * (CONFIG_T::n_sequence - iloop) - "
                  "CONFIG_T::BACKWARD_CONFIG::n_state,\n"
                  "res[i] = h_newstate_back[j];\n"
                  "res[i + CONFIG_T::FORWARD_CONFIG::n_state] = h_newstate_back[i];\n");
    EXPECT_TRUE(ReadStatus(dir).ok()) << ReadStatus(dir);
  }
}

}  // namespace
}  // namespace fpgaas::numerics
