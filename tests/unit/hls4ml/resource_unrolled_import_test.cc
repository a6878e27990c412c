// The importer on hls4ml 1.0+'s resource_unrolled strategy: a dense layer whose config's kernel is
// the `dense_resource_unrolled_<index>` class hls4ml's GenerateUnrolledDenseResource pass writes
// into firmware/nnet_utils/nnet_code_gen.h. The class is written here as that generator writes it
// (both of its reuse-factor cases, zero weights skipped); the imported network must equal the
// resource-strategy twin's and the GMP reference on random inputs with a saturating accumulator
// (where the summation order matters); edited classes are refused with their file:line.
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

// hls4ml's unrolled_codegen.py (1.0-1.3): the class for a dense layer of n_in -> n_out with
// reuse factor rf > 1 whose transposed weights (the weights file's order) are `w`.
std::string UnrolledClass(int n_in, int n_out, int rf, const std::vector<double>& w,
                          const std::string& suffix) {
  std::string s = absl::StrCat(
      "template<class data_T, class res_T, typename CONFIG_T>\n"
      "class dense_resource_unrolled_",
      suffix,
      " : public DenseKernel<data_T, res_T, CONFIG_T> {\n"
      "    public:\n"
      "    static void dense(\n"
      "    data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],\n"
      "    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],\n"
      "    typename CONFIG_T::bias_t biases[CONFIG_T::n_out]\n"
      "    ) {\n"
      "        #pragma HLS pipeline II=CONFIG_T::reuse_factor\n\n"
      "        constexpr int block_factor = DIV_ROUNDUP(CONFIG_T::n_in * CONFIG_T::n_out, "
      "CONFIG_T::reuse_factor);\n"
      "        #pragma HLS ARRAY_RESHAPE variable=weights block factor=block_factor\n"
      "        #pragma HLS RESOURCE variable=weights core=ROM_nP_BRAM\n"
      "        #pragma HLS ARRAY_PARTITION variable=biases complete\n\n"
      "        typename CONFIG_T::accum_t acc[CONFIG_T::n_out];\n"
      "        #pragma HLS ARRAY_PARTITION variable=acc complete\n\n"
      "        InitAccum:\n"
      "        for (int i = 0; i < CONFIG_T::n_out; i++) {\n"
      "            #pragma HLS UNROLL\n"
      "            acc[i] = (typename CONFIG_T::accum_t) biases[i];\n"
      "        }\n\n"
      "        #pragma HLS ALLOCATION operation instances=mul limit=1\n"
      "        MULT: {\n");
  const int block_factor = (n_in * n_out + rf - 1) / rf;
  auto mac = [&](int out, int in, int wi) {
    if (w[wi] == 0) return;
    absl::StrAppend(&s, "                acc[", out,
                    "] += static_cast<typename CONFIG_T::accum_t>(CONFIG_T::template "
                    "product<data_T, typename CONFIG_T::weight_t>::product(data[",
                    in, "], weights[", wi, "]));\n");
  };
  if (rf <= n_in) {
    const int mult_scale = block_factor / n_out;  // mult_limit // n_out with mult_factor = rf
    for (int ir = 0; ir < rf; ++ir) {
      int acc_step = 0, out = 0, wi = ir, in = ir;
      absl::StrAppend(&s, "            M", ir, ": {\n");
      for (int k = 0; k < block_factor; ++k) {
        mac(out, in, wi);
        wi += rf;
        in += rf;
        if (in >= n_in) in = ir;
        if (acc_step + 1 >= mult_scale) {
          acc_step = 0;
          ++out;
        } else {
          ++acc_step;
        }
      }
      absl::StrAppend(&s, "            }\n");
    }
  } else {  // rf % n_in == 0
    std::vector<int> outidx(rf);
    for (int ir = 0, step = 0; ir < rf; ++ir) {
      outidx[ir] = step;
      if ((ir + 1) % n_in == 0) ++step;
    }
    int in = 0;
    for (int ir = 0; ir < rf; ++ir) {
      int wi = ir, out = outidx[ir];
      absl::StrAppend(&s, "            M", ir, ": {\n");
      for (int k = 0; k < block_factor; ++k) {
        mac(out, in, wi);
        wi += rf;
        if (wi > n_in * n_out) break;
        out += rf / n_in;
      }
      absl::StrAppend(&s, "            }\n");
      if (++in >= n_in) in = 0;
    }
  }
  absl::StrAppend(&s,
                  "        }\n\n"
                  "        Result:\n"
                  "        for (int i = 0; i < CONFIG_T::n_out; i++) {\n"
                  "            #pragma HLS UNROLL\n"
                  "            res[i] = cast<data_T, res_T, CONFIG_T>(acc[i]);\n"
                  "        }\n"
                  "    }\n"
                  "};\n");
  return s;
}

// hls4ml's nnet_code_gen.h template with the classes inserted where its writer puts them.
void WriteCodeGen(const fs::path& dir, const std::string& classes) {
  fs::create_directories(dir / "firmware" / "nnet_utils");
  WriteText(dir / "firmware" / "nnet_utils" / "nnet_code_gen.h",
            "#ifndef NNET_INSTR_GEN_H_\n#define NNET_INSTR_GEN_H_\n\n"
            "#include \"nnet_conv1d_latency.h\"\n#include \"nnet_helpers.h\"\n\n"
            "#include \"hls_stream.h\"\n#include \"nnet_common.h\"\n"
            "#include \"nnet_function_stubs.h\"\n#include \"nnet_mult.h\"\n\n"
            "namespace nnet {\n\n// hls4ml insert code\n" +
                classes + "\n} // namespace nnet\n\n#endif\n");
}

std::vector<double> ReadValues(const fs::path& path) {
  std::vector<double> v;
  for (absl::string_view part : absl::StrSplit(ReadText(path), ',')) {
    v.push_back(std::stod(std::string(part)));
  }
  return v;
}

// new_style's fc2 (4 -> 3, resource strategy, weights with 3 zeros) with reuse factor `rf` and a
// saturating accumulator; `unrolled` makes it resource_unrolled with its generated class.
fs::path Fc2Project(int rf, bool unrolled) {
  fs::path dir = CopyFixture("new_style");
  const fs::path params = dir / "firmware" / "parameters.h";
  ReplaceInFile(params, "typedef ap_fixed<20,8> accum_t;",
                "typedef ap_fixed<9,3,AP_TRN,AP_SAT> accum_t;");
  ReplaceInFile(params, "reuse_factor = 2;", absl::StrCat("reuse_factor = ", rf, ";"));
  const std::string kernel = rf <= 4 ? "DenseResource_rf_leq_nin" : "DenseResource_rf_gt_nin_rem0";
  ReplaceInFile(params, "nnet::DenseResource_rf_leq_nin", "nnet::" + kernel);
  if (unrolled) {
    ReplaceInFile(params, "strategy = nnet::resource;", "strategy = nnet::resource_unrolled;");
    ReplaceInFile(params, "nnet::" + kernel, "nnet::dense_resource_unrolled_6");
    WriteCodeGen(dir, UnrolledClass(4, 3, rf, ReadValues(dir / "firmware/weights/w6.txt"), "6"));
  }
  return dir;
}

void ExpectAgreesWithReference(const NetworkSpec& spec, uint32_t seed) {
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType& in = (*net)->input_type();
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> batch;
  std::vector<std::vector<int64_t>> expected;
  const int n = 300;
  for (int sample = 0; sample < n; ++sample) {
    std::vector<int64_t> raws;
    for (int k = 0; k < (*net)->input_size(); ++k) {
      // The whole range of the (signed) input type, a third of the samples small.
      const int64_t half = int64_t{1} << (in.width - 1);
      const int64_t r = static_cast<int64_t>(rng() % (2 * half)) - half;
      raws.push_back(sample % 3 == 0 ? r / 16 : r);
      batch.resize(batch.size() + in.container_bytes());
      PackRaw(in, raws.back(), batch.data() + batch.size() - in.container_bytes());
    }
    absl::StatusOr<std::vector<std::vector<int64_t>>> out =
        reference::ReferenceRunGraph(spec, {raws});
    ASSERT_TRUE(out.ok()) << out.status();
    expected.push_back(out->at(0));
  }
  std::vector<uint8_t> y(n * (*net)->output_bytes_per_sample());
  (*net)->Run(batch.data(), y.data(), n);
  const FixedType& out_t = (*net)->output_type();
  for (int sample = 0; sample < n; ++sample) {
    for (int j = 0; j < (*net)->output_size(); ++j) {
      const size_t at =
          (static_cast<size_t>(sample) * (*net)->output_size() + j) * out_t.container_bytes();
      ASSERT_EQ(UnpackRaw(out_t, y.data() + at), expected[sample][j])
          << "sample " << sample << " output " << j;
    }
  }
}

TEST(ResourceUnrolledImport, ReadsAsTheResourceStrategyInBothReuseCases) {
  for (int rf : {2, 12}) {  // reuse <= n_in, and reuse > n_in with reuse % n_in == 0
    SCOPED_TRACE(absl::StrCat("reuse factor ", rf));
    absl::StatusOr<Hls4mlProject> resource = ReadHls4mlProject(Fc2Project(rf, false));
    ASSERT_TRUE(resource.ok()) << resource.status();
    const fs::path dir = Fc2Project(rf, true);
    // The generator left out the three zero weights' products.
    const std::string code_gen = ReadText(dir / "firmware/nnet_utils/nnet_code_gen.h");
    size_t macs = 0;
    for (size_t at = code_gen.find("+= static_cast"); at != std::string::npos;
         at = code_gen.find("+= static_cast", at + 1)) {
      ++macs;
    }
    EXPECT_EQ(macs, 9u);
    absl::StatusOr<Hls4mlProject> unrolled = ReadHls4mlProject(dir);
    ASSERT_TRUE(unrolled.ok()) << unrolled.status();
    const auto& a = std::get<DenseSpec>(resource->spec.layers[3].op);
    const auto& b = std::get<DenseSpec>(unrolled->spec.layers[3].op);
    EXPECT_TRUE(b.resource_strategy);
    EXPECT_EQ(b.reuse_factor, rf);
    EXPECT_EQ(b.weights, a.weights);
    EXPECT_EQ(b.biases, a.biases);
    EXPECT_EQ(b.accum_type, a.accum_type);
    ExpectAgreesWithReference(unrolled->spec, 11 + rf);
  }
}

// cnn_stream's conv2 (1x1, 3 channels -> 2 filters, io_stream) with its mult_config's window
// products made resource_unrolled (reuse 3; the file in the resource layout [filter][channel]).
TEST(ResourceUnrolledImport, StreamConvolutionWindows) {
  absl::StatusOr<Hls4mlProject> plain = ReadHls4mlProject(CopyFixture("cnn_stream"));
  ASSERT_TRUE(plain.ok()) << plain.status();
  const fs::path dir = CopyFixture("cnn_stream");
  const fs::path params = dir / "firmware/parameters.h";
  ReplaceInFile(params,
                "struct config6_mult : nnet::dense_config {\n"
                "    static const unsigned n_in = 3;\n"
                "    static const unsigned n_out = 2;\n"
                "    static const unsigned reuse_factor = 1;\n"
                "    static const unsigned strategy = nnet::latency;",
                "struct config6_mult : nnet::dense_config {\n"
                "    static const unsigned n_in = 3;\n"
                "    static const unsigned n_out = 2;\n"
                "    static const unsigned reuse_factor = 3;\n"
                "    static const unsigned strategy = nnet::resource_unrolled;");
  ReplaceInFile(params,
                "using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;\n};\n\nstruct config6 :",
                "using kernel = nnet::dense_resource_unrolled_6<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;\n};\n\nstruct config6 :");
  ReplaceInFile(params,
                "    static const unsigned strategy = nnet::latency;\n"
                "    static const nnet::conv_implementation implementation = "
                "nnet::conv_implementation::linebuffer;\n"
                "    static const unsigned min_height = 2;",
                "    static const unsigned strategy = nnet::resource_unrolled;\n"
                "    static const nnet::conv_implementation implementation = "
                "nnet::conv_implementation::linebuffer;\n"
                "    static const unsigned min_height = 2;");
  const std::vector<double> w = ReadValues(dir / "firmware/weights/w6.txt");  // [channel][filter]
  std::vector<double> t;
  std::string text;
  for (int f = 0; f < 2; ++f) {
    for (int c = 0; c < 3; ++c) {
      t.push_back(w[c * 2 + f]);
      absl::StrAppend(&text, text.empty() ? "" : ", ", w[c * 2 + f]);
    }
  }
  WriteText(dir / "firmware/weights/w6.txt", text);
  WriteCodeGen(dir, UnrolledClass(3, 2, 3, t, "6"));
  absl::StatusOr<Hls4mlProject> unrolled = ReadHls4mlProject(dir);
  ASSERT_TRUE(unrolled.ok()) << unrolled.status();
  const LayerSpec* conv = nullptr;
  const LayerSpec* plain_conv = nullptr;
  for (const LayerSpec& l : unrolled->spec.layers) conv = l.name == "conv2" ? &l : conv;
  for (const LayerSpec& l : plain->spec.layers) plain_conv = l.name == "conv2" ? &l : plain_conv;
  ASSERT_TRUE(conv != nullptr && plain_conv != nullptr);
  const auto& c = std::get<ConvSpec>(conv->op);
  EXPECT_TRUE(c.resource_strategy);
  EXPECT_EQ(c.weights, std::get<ConvSpec>(plain_conv->op).weights);
  ExpectAgreesWithReference(unrolled->spec, 5);
  // A depthwise convolution has no generated kernel: refused.
  ReplaceInFile(dir / "firmware/myproject.cpp", "nnet::conv_2d_cl<layer5_t, layer6_t, config6>",
                "nnet::depthwise_conv_2d_cl<layer5_t, layer6_t, config6>");
  const absl::Status st = ReadHls4mlProject(dir).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
  EXPECT_THAT(st.message(), HasSubstr("depthwise convolution strategy nnet::resource_unrolled is "
                                      "not supported"));
}

// The rnn_parallel fixture's GRU with both products (mult_config1: 4 -> 9, reuse 4, a saturating
// accumulator; mult_config2: 3 -> 9, reuse 3) resource_unrolled, as hls4ml names their classes.
TEST(ResourceUnrolledImport, RecurrentProducts) {
  absl::StatusOr<Hls4mlProject> plain = ReadHls4mlProject(CopyFixture("rnn_parallel"));
  ASSERT_TRUE(plain.ok()) << plain.status();
  const fs::path dir = CopyFixture("rnn_parallel");
  const fs::path params = dir / "firmware/parameters.h";
  for (const char* n_in : {"4", "3"}) {
    const std::string head = absl::StrCat("    static const unsigned n_in = ", n_in,
                                          ";\n    static const unsigned n_out = 9;\n");
    ReplaceInFile(params, head + "    static const unsigned strategy = nnet::resource;",
                  head + "    static const unsigned strategy = nnet::resource_unrolled;");
  }
  ReplaceInFile(params, "nnet::DenseResource_rf_leq_nin", "nnet::dense_resource_unrolled_3_1");
  ReplaceInFile(params, "nnet::DenseResource_rf_leq_nin", "nnet::dense_resource_unrolled_3_2");
  WriteCodeGen(dir,
               UnrolledClass(4, 9, 4, ReadValues(dir / "firmware/weights/w3.txt"), "3_1") +
                   UnrolledClass(3, 9, 3, ReadValues(dir / "firmware/weights/wr3.txt"), "3_2"));
  absl::StatusOr<Hls4mlProject> unrolled = ReadHls4mlProject(dir);
  ASSERT_TRUE(unrolled.ok()) << unrolled.status();
  ASSERT_EQ(unrolled->spec.layers.size(), plain->spec.layers.size());
  const auto& r = std::get<RecurrentSpec>(unrolled->spec.layers[1].op);
  const auto& p = std::get<RecurrentSpec>(plain->spec.layers[1].op);
  for (const auto* pair : {&r.input_dense, &r.recurrent_dense})
    EXPECT_TRUE(pair->resource_strategy);
  EXPECT_EQ(r.input_dense.reuse_factor, 4);
  EXPECT_EQ(r.recurrent_dense.reuse_factor, 3);
  EXPECT_EQ(r.input_dense.weights, p.input_dense.weights);
  EXPECT_EQ(r.recurrent_dense.weights, p.recurrent_dense.weights);
  ExpectAgreesWithReference(unrolled->spec, 6);
}

absl::Status ReadStatus(const fs::path& dir) { return ReadHls4mlProject(dir).status(); }

TEST(ResourceUnrolledImport, RefusesClassesThatSumOtherwise) {
  const std::string mac0 =
      "acc[0] += static_cast<typename CONFIG_T::accum_t>(CONFIG_T::template product<data_T, "
      "typename CONFIG_T::weight_t>::product(data[0], weights[0]));";
  const std::string mac1 =
      "acc[1] += static_cast<typename CONFIG_T::accum_t>(CONFIG_T::template product<data_T, "
      "typename CONFIG_T::weight_t>::product(data[2], weights[6]));";
  {  // Two products swapped: another order, which a saturating accumulator would tell.
    const fs::path dir = Fc2Project(2, true);
    const fs::path gen = dir / "firmware/nnet_utils/nnet_code_gen.h";
    ReplaceInFile(gen, mac0, "SWAP");
    ReplaceInFile(gen, mac1, mac0);
    ReplaceInFile(gen, "SWAP", mac1);
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr(absl::StrCat("firmware/nnet_utils/nnet_code_gen.h:",
                                                     LineOf(gen, "data[2], weights[6]"),
                                                     ": dense kernel dense_resource_unrolled_6")));
    EXPECT_THAT(st.message(), HasSubstr("dense_resource's next product is acc[0] += data[0] * "
                                        "weights[0] (not 0), this kernel's is acc[1]"));
  }
  {  // A product of a non-zero weight left out.
    const fs::path dir = Fc2Project(2, true);
    const fs::path gen = dir / "firmware/nnet_utils/nnet_code_gen.h";
    ReplaceInFile(gen, mac1, "");
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("acc[1] += data[2] * weights[6] (not 0)"));
  }
  {  // An extra product (of a zero weight) beyond dense_resource's.
    const fs::path dir = Fc2Project(2, true);
    const fs::path gen = dir / "firmware/nnet_utils/nnet_code_gen.h";
    ReplaceInFile(gen, mac0, mac0 + "\n" + mac0);
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(), HasSubstr("this kernel's is acc[0] += data[0] * weights[0]"));
  }
  {  // The result cast edited.
    const fs::path dir = Fc2Project(2, true);
    const fs::path gen = dir / "firmware/nnet_utils/nnet_code_gen.h";
    ReplaceInFile(gen, "res[i] = cast<data_T, res_T, CONFIG_T>(acc[i]);", "res[i] = acc[i] >> 1;");
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(),
                HasSubstr(absl::StrCat("nnet_code_gen.h:", LineOf(gen, "acc[i] >> 1"), ":")));
    EXPECT_THAT(st.message(), HasSubstr("found 'res[i]=acc[i]>>1;' (edited?)"));
  }
  {  // No such class; no nnet_code_gen.h at all.
    const fs::path dir = Fc2Project(2, true);
    const fs::path params = dir / "firmware/parameters.h";
    ReplaceInFile(params, "dense_resource_unrolled_6", "dense_resource_unrolled_7");
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(st.message(),
                HasSubstr("firmware/nnet_utils/nnet_code_gen.h: dense kernel "
                          "dense_resource_unrolled_7 (resource_unrolled, used at "
                          "firmware/parameters.h:" +
                          // The using's statement begins on its template<...> line.
                          std::to_string(LineOf(params, "dense_resource_unrolled_7") - 1) +
                          "): no class of that name"));
    fs::remove(dir / "firmware/nnet_utils/nnet_code_gen.h");
    EXPECT_THAT(ReadStatus(dir).message(), HasSubstr("the project has no such file"));
  }
  {  // A strategy and kernel that disagree.
    const fs::path dir = Fc2Project(2, false);
    const fs::path params = dir / "firmware/parameters.h";
    ReplaceInFile(params, "strategy = nnet::resource;", "strategy = nnet::resource_unrolled;");
    const absl::Status st = ReadStatus(dir);
    SCOPED_TRACE(std::string(st.message()));
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(), HasSubstr("contradicts its strategy"));
  }
}

}  // namespace
}  // namespace fpgaas::numerics
