// The importer on io_stream layers whose stream code computes differently from the parallel one
// (global pooling over packs, nearest upsampling in both releases' orders, softmax per pack) and
// on cropping (hls4ml 1.2+), with the release read from the project's own nnet_utils; refusals
// with their file:line. Projects are tiny ones written by this test; each network is held
// against the exact reference (tests/unit/numerics/reference_network.cc) on random inputs.
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

// input (4x5, 2 channels, packs of one pixel) -> cropping2d (1, 0, 1, 2) -> 3x2x2
// -> resize_nearest to 6x4 -> global average pooling (packs of 2 pixels in, of 1 value out).
fs::path StreamProject(const std::string& tag) {
  const fs::path dir = ScratchDir(tag) / "prj";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n"
            "typedef nnet::array<ap_fixed<10,4>, 2*1> input_t;\n"
            "typedef nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 2*1> layer2_t;\n"
            "typedef nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 4*1> layer3_t;\n"
            "typedef ap_fixed<8,3,AP_TRN,AP_SAT> gap_accum_t;\n"
            "typedef nnet::array<ap_fixed<12,4>, 1*1> result_t;\n"
            "#endif\n");
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n"
            "struct config2 : nnet::cropping2d_config {\n"
            "    static const unsigned in_height = 4;\n"
            "    static const unsigned in_width = 5;\n"
            "    static const unsigned n_chan = 2;\n"
            "    static const unsigned crop_top = 1;\n"
            "    static const unsigned crop_bottom = 0;\n"
            "    static const unsigned crop_left = 1;\n"
            "    static const unsigned crop_right = 2;\n"
            "    static const unsigned out_height = 3;\n"
            "    static const unsigned out_width = 2;\n"
            "};\n"
            "struct config3 : nnet::resize_config {\n"
            "    static const unsigned height = 3;\n"
            "    static const unsigned width = 2;\n"
            "    static const unsigned n_chan = 2;\n"
            "    static const unsigned new_height = 6;\n"
            "    static const unsigned new_width = 4;\n"
            "};\n"
            "struct config4 : nnet::pooling2d_config {\n"
            "    static const unsigned in_height = 6;\n"
            "    static const unsigned in_width = 4;\n"
            "    static const unsigned n_filt = 2;\n"
            "    static const nnet::Pool_Op pool_op = nnet::Average;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    typedef gap_accum_t accum_t;\n"
            "};\n#endif\n");
  WriteText(fw / "prj.cpp",
            "#include \"prj.h\"\n#include \"parameters.h\"\n"
            "void prj(hls::stream<input_t> &input_1, hls::stream<result_t> &layer4_out) {\n"
            "    hls::stream<layer2_t> layer2_out(\"layer2_out\");\n"
            "    nnet::cropping2d_cl<input_t, layer2_t, config2>(input_1, layer2_out); // crop\n"
            "    hls::stream<layer3_t> layer3_out(\"layer3_out\");\n"
            "    nnet::resize_nearest<layer2_t, config3>(layer2_out, layer3_out); // up\n"
            "    nnet::global_pooling2d_cl<layer3_t, result_t, config4>(layer3_out, layer4_out); "
            "// gap\n}\n");
  WriteText(fw / "prj.h", "#include \"defines.h\"\n");
  return dir;
}

// Runs `samples` random inputs (whole range and small values) through the imported network and
// the reference; returns how many agreed.
int MatchesReference(const NetworkSpec& spec, int samples) {
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(spec);
  EXPECT_TRUE(net.ok()) << net.status();
  if (!net.ok()) return 0;
  std::mt19937_64 rng(11);
  const FixedType& in = (*net)->input_type();
  int agreed = 0;
  for (int s = 0; s < samples; ++s) {
    std::vector<int64_t> raws;
    std::vector<uint8_t> x((*net)->input_bytes_per_sample());
    const int bits = s % 3 == 0 ? 4 : in.width;
    for (int k = 0; k < (*net)->input_size(); ++k) {
      raws.push_back(static_cast<int64_t>(rng() % (uint64_t{1} << bits)) -
                     (in.is_signed ? int64_t{1} << (bits - 1) : 0));
      PackRaw(in, raws.back(), x.data() + k * in.container_bytes());
    }
    std::vector<uint8_t> y((*net)->output_bytes_per_sample());
    (*net)->Run(x.data(), y.data(), 1);
    absl::StatusOr<std::vector<int64_t>> want = reference::ReferenceRunRaw(spec, raws);
    EXPECT_TRUE(want.ok()) << want.status();
    if (!want.ok()) return agreed;
    std::vector<int64_t> got;
    for (size_t k = 0; k < want->size(); ++k) {
      got.push_back(UnpackRaw((*net)->output_type(), y.data() + k * (*net)->output_type().container_bytes()));
    }
    EXPECT_EQ(got, *want) << "sample " << s;
    agreed += got == *want;
  }
  return agreed;
}

TEST(StreamLayersImport, CroppingUpsamplingAndGlobalPoolingOverPacks) {
  const fs::path dir = StreamProject("stream_layers");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const NetworkSpec& spec = project->spec;
  ASSERT_EQ(spec.layers.size(), 3u);
  EXPECT_EQ(spec.input_size, 40);  // the stream's size, from the cropping config
  const auto& crop = std::get<CroppingSpec>(spec.layers[0].op);
  EXPECT_EQ(spec.layers[0].name, "crop");
  EXPECT_EQ(crop.in_height, 4);
  EXPECT_EQ(crop.in_width, 5);
  EXPECT_EQ(crop.crop_top, 1);
  EXPECT_EQ(crop.crop_bottom, 0);
  EXPECT_EQ(crop.crop_left, 1);
  EXPECT_EQ(crop.crop_right, 2);
  // A project without nnet_utils gets the newest release: rows repeated (hls4ml 0.7+).
  EXPECT_EQ(std::get<ResizeSpec>(spec.layers[1].op).stream, ResizeStream::kRows);
  const auto& gap = std::get<PoolingSpec>(spec.layers[2].op);
  EXPECT_TRUE(gap.window_in_accum);
  EXPECT_TRUE(gap.sequential_sum);
  EXPECT_EQ(gap.pixels_per_pack, 2);  // data_T::size 4 / n_filt 2
  EXPECT_EQ(gap.output_pack, 1);      // res_T::size 1 < n_filt 2: channel 0 twice
  EXPECT_EQ(gap.accum_type.ToString(), "ap_fixed<8,3,AP_TRN,AP_SAT>");
  EXPECT_EQ(MatchesReference(spec, 300), 300);
}

TEST(StreamLayersImport, ReleasesFromTheProjectsOwnNnetUtils) {
  const fs::path dir = StreamProject("stream_releases");
  const fs::path utils = dir / "firmware" / "nnet_utils";
  fs::create_directories(utils);
  // hls4ml 0.5/0.6's resize_nearest writes each input pack ratio_h * ratio_w times in a row.
  WriteText(utils / "nnet_image_stream.h",
            "    ResizeImage: for (unsigned i = 0; i < CONFIG_T::height * CONFIG_T::width; i++) {\n"
            "        data_T  in_data = image.read();\n"
            "        ResizeNew: for (unsigned j = 0; j < ratio_height * ratio_width; j++) {\n");
  // hls4ml 0.5's global pooling holds its window in data_T.
  WriteText(utils / "nnet_pooling_stream.h",
            "    typename data_T::value_type data_window[CONFIG_T::n_filt];\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(std::get<ResizeSpec>(project->spec.layers[1].op).stream, ResizeStream::kPixels);
  EXPECT_EQ(std::get<PoolingSpec>(project->spec.layers[2].op).accum_type.ToString(),
            "ap_fixed<9,4,AP_RND,AP_SAT>");
  EXPECT_EQ(MatchesReference(project->spec, 200), 200);

  // An nnet_image_stream.h that is neither release's.
  WriteText(utils / "nnet_image_stream.h", "// resize_nearest rewritten by its user\n");
  project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/nnet_utils/nnet_image_stream.h: this nnet_image_stream.h is "
                        "none of hls4ml 0.5-1.3's"));

  // A user's resize_nearest with the 0.5/0.6 loop commented out above it (as in a public
  // autoencoder project, whose rewrite repeats rows): the commented-out loop does not count.
  WriteText(utils / "nnet_image_stream.h",
            "/*\n"
            "        ResizeNew: for (unsigned j = 0; j < ratio_height * ratio_width; j++) {\n"
            "*/\n"
            "    for (unsigned h = 0; h < CONFIG_T::height; h++) {\n");
  project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(), HasSubstr("none of hls4ml 0.5-1.3's"));
  // The 0.7+ loop with the old one in a line comment: rows repeated.
  WriteText(utils / "nnet_image_stream.h",
            "// ResizeNew: for (unsigned j = 0; j < ratio_height * ratio_width; j++) {\n"
            "    ResizeHeight: for (unsigned h = 0; h < CONFIG_T::height; h++) {\n");
  project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(std::get<ResizeSpec>(project->spec.layers[1].op).stream, ResizeStream::kRows);
}

// A depthwise layer's mult_config bias_t is read by no release (up to 1.0 depthwise_product adds
// the layer's own biases; hls4ml writes a separable layer's depthwise half a 1-bit zero bias_t and
// its mult_config the default type, as in a public 1.0.0 separable CNN): another type there
// changes nothing. Its accum_t still must agree.
TEST(StreamLayersImport, DepthwiseMultConfigBiasTypeIsNotRead) {
  const fs::path dir = ScratchDir("dw_mult_bias") / "prj";
  fs::copy(testing_hls4ml::ModelsDir() / "sepconv_stream" / "1" / "hls4ml_prj", dir,
           fs::copy_options::recursive);
  auto depthwise = [](const Hls4mlProject& p) {
    for (const LayerSpec& l : p.spec.layers) {
      if (const auto* c = std::get_if<ConvSpec>(&l.op); c != nullptr && c->depthwise) return *c;
    }
    ADD_FAILURE() << "no depthwise layer";
    return ConvSpec{};
  };
  absl::StatusOr<Hls4mlProject> original = ReadHls4mlProject(dir);
  ASSERT_TRUE(original.ok()) << original.status();
  const fs::path params = dir / "firmware" / "parameters.h";
  // The first of each is config7_depthwise_mult's (it precedes config7_depthwise).
  ReplaceInFile(params, "typedef sep1_depthwise_bias_t bias_t;", "typedef ap_fixed<16,6> bias_t;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(depthwise(*project).bias_type, depthwise(*original).bias_type);
  EXPECT_EQ(depthwise(*project).biases, depthwise(*original).biases);
  ReplaceInFile(params, "typedef sep1_depthwise_accum_t accum_t;",
                "typedef ap_fixed<30,10> accum_t;");
  project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(), HasSubstr("_depthwise_mult::accum_t differs from"));
}

TEST(StreamLayersImport, SoftmaxPerPack) {
  const fs::path dir = ScratchDir("stream_softmax") / "prj";
  const fs::path fw = dir / "firmware";
  fs::create_directories(fw / "weights");
  WriteText(fw / "defines.h",
            "#ifndef DEFINES_H_\n#define DEFINES_H_\n"
            "typedef nnet::array<ap_fixed<10,4>, 3*1> input_t;\n"
            "typedef nnet::array<ap_ufixed<10,0,AP_RND,AP_SAT>, 3*1> result_t;\n"
            "typedef ap_fixed<18,8,AP_RND,AP_SAT> sm_table_t;\n"
            "#endif\n");
  WriteText(fw / "parameters.h",
            "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n"
            "struct softmax_config2 : nnet::activ_config {\n"
            "    static const unsigned n_in = 12;\n"
            "    static const unsigned exp_table_size = 1024;\n"
            "    static const unsigned inv_table_size = 1024;\n"
            "    static const unsigned io_type = nnet::io_stream;\n"
            "    static const unsigned reuse_factor = 1;\n"
            "    static const nnet::softmax_implementation implementation = "
            "nnet::softmax_implementation::latency;\n"
            "    typedef sm_table_t exp_table_t;\n"
            "    typedef sm_table_t inv_table_t;\n"
            "};\n#endif\n");
  WriteText(fw / "prj.cpp",
            "#include \"prj.h\"\n#include \"parameters.h\"\n"
            "void prj(hls::stream<input_t> &input_1, hls::stream<result_t> &layer2_out) {\n"
            "    nnet::softmax<input_t, result_t, softmax_config2>(input_1, layer2_out); // sm\n"
            "}\n");
  WriteText(fw / "prj.h", "#include \"defines.h\"\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(std::get<SoftmaxSpec>(project->spec.layers[0].op).slice, 3);
  EXPECT_EQ(MatchesReference(project->spec, 200), 200);

  // hls4ml 0.5's stream softmax over several packs writes past its output pack.
  fs::create_directories(fw / "nnet_utils");
  WriteText(fw / "nnet_utils" / "nnet_activation_stream.h",
            "            out_pack[i * res_T::size + j] = exp_res[i * res_T::size + j] * "
            "inv_exp_sum;\n");
  project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/prj.cpp:4: io_stream nnet::softmax: softmax over packs of 3 in "
                        "and 3 out of its 12 values is not supported (this release's softmax "
                        "writes past its output pack)"));
}

TEST(StreamLayersImport, Refusals) {
  {  // Global pooling whose output packs do not divide the channels.
    const fs::path dir = StreamProject("stream_refuse_gap");
    ReplaceInFile(dir / "firmware" / "defines.h", "nnet::array<ap_fixed<12,4>, 1*1> result_t",
                  "nnet::array<ap_fixed<12,4>, 3*1> result_t");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/prj.cpp:8: io_stream nnet::global_pooling2d_cl: global "
                          "pooling over packs of 4 in and 3 out for 24 pixels of 2 channels"));
  }
  {  // Upsampling streams need integer ratios.
    const fs::path dir = StreamProject("stream_refuse_ratio");
    ReplaceInFile(dir / "firmware" / "parameters.h", "new_width = 4;", "new_width = 5;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(std::string(project.status().message()),
                HasSubstr("firmware/prj.cpp:7: io_stream nnet::resize_nearest: upsampling packs "
                          "of 2 for 2 channels, 3x2 -> 6x5 is not supported"));
  }
  {  // Cropping streams copy one pixel per pack.
    const fs::path dir = StreamProject("stream_refuse_up");
    ReplaceInFile(dir / "firmware" / "defines.h",
                  "nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 2*1> layer2_t",
                  "nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 4*1> layer2_t");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(), HasSubstr("cropping packs of 2 in and 4 out"));
  }
  {  // A cropping config whose output is not what the crops leave.
    const fs::path dir = StreamProject("stream_refuse_crop");
    const fs::path params = dir / "firmware" / "parameters.h";
    ReplaceInFile(params, "crop_right = 2;", "crop_right = 1;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "struct config2")) +
                          ": config2: cropping 4x5 by (1, 0, 1, 1) does not give 3x2"));
  }
}

}  // namespace
}  // namespace fpgaas::numerics
