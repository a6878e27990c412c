// Test models for the server tests: a one-dense-layer hls4ml project (Vivado backend, io_parallel,
// hls4ml 0.8 layout) that the emulated FPGA runs, its config.pbtxt, and the reference output the
// layer must produce. Header-only; used by tests/integration/server and tests/e2e/server.
#ifndef FPGAAS_TESTS_SUPPORT_TEST_MODELS_H_
#define FPGAAS_TESTS_SUPPORT_TEST_MODELS_H_

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fpgaas::testing {

// Weight i*n_out+j of the test layer: alternating -0.5, 0.25; every bias 0.125. All values, and
// every product of an input that is a multiple of 2^-8 with them, are exact in ap_fixed<16,6>.
inline double TestWeight(int index) { return index % 2 ? 0.25 : -0.5; }
constexpr double kTestBias = 0.125;

// y_j = sum_i x_i * w[i * n_out + j] + b, for one sample (exact for inputs on a 2^-8 grid whose
// partial sums stay within (-32, 32)).
inline std::vector<float> DenseReference(const std::vector<float>& x, int n_out) {
  std::vector<float> y(n_out, static_cast<float>(kTestBias));
  for (size_t i = 0; i < x.size(); ++i) {
    for (int j = 0; j < n_out; ++j) y[j] += x[i] * static_cast<float>(TestWeight(i * n_out + j));
  }
  return y;
}

inline void WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes the hls4ml project of one dense layer n_in -> n_out into `project` (the folder holding
// firmware/).
inline void WriteDenseProject(const std::filesystem::path& project, int n_in, int n_out) {
  const std::string precision = "ap_fixed<16,6>";
  const int n_weights = n_in * n_out;
  std::vector<std::string> weights, biases;
  for (int i = 0; i < n_weights; ++i) weights.push_back(TestWeight(i) < 0 ? "-0.500000" : "0.250000");
  for (int j = 0; j < n_out; ++j) biases.push_back("0.125000");
  auto write = [&project](const std::string& path, const std::string& text) {
    WriteTextFile(project / path, text);
  };
  write("firmware/defines.h",
        absl::StrCat("#ifndef DEFINES_H_\n#define DEFINES_H_\n\n#include \"ap_fixed.h\"\n"
                     "#include \"ap_int.h\"\n#include \"nnet_utils/nnet_types.h\"\n"
                     "#include <cstddef>\n#include <cstdio>\n\n"
                     "// hls-fpga-machine-learning insert numbers\n#define N_INPUT_1_1 ",
                     n_in, "\n#define N_LAYER_2 ", n_out,
                     "\n\n// hls-fpga-machine-learning insert layer-precision\ntypedef ", precision,
                     " input_t;\ntypedef ", precision, " model_default_t;\ntypedef ", precision,
                     " result_t;\ntypedef ap_uint<1> layer2_index;\n\n#endif\n"));
  write("firmware/myproject.h",
        "#ifndef MYPROJECT_H_\n#define MYPROJECT_H_\n\n#include \"ap_fixed.h\"\n"
        "#include \"ap_int.h\"\n#include \"hls_stream.h\"\n\n#include \"defines.h\"\n\n"
        "void myproject(\n    input_t input_1[N_INPUT_1_1],\n    result_t layer2_out[N_LAYER_2]\n);"
        "\n\n#endif\n");
  write("firmware/myproject.cpp",
        absl::StrCat("#include <iostream>\n\n#include \"myproject.h\"\n#include \"parameters.h\"\n\n"
                     "void myproject(\n    input_t input_1[N_INPUT_1_1],\n"
                     "    result_t layer2_out[N_LAYER_2]\n) {\n\n"
                     "    #pragma HLS ARRAY_RESHAPE variable=input_1 complete dim=0\n"
                     "    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0\n"
                     "    #pragma HLS INTERFACE ap_vld port=input_1,layer2_out \n"
                     "    #pragma HLS PIPELINE \n\n"
                     "#ifndef __SYNTHESIS__\n    static bool loaded_weights = false;\n"
                     "    if (!loaded_weights) {\n"
                     "        nnet::load_weights_from_txt<model_default_t, ",
                     n_weights, ">(w2, \"w2.txt\");\n"
                     "        nnet::load_weights_from_txt<model_default_t, ",
                     n_out, ">(b2, \"b2.txt\");\n"
                     "        loaded_weights = true;\n    }\n#endif\n\n"
                     "    // hls-fpga-machine-learning insert layers\n\n"
                     "    nnet::dense<input_t, result_t, config2>(input_1, layer2_out, w2, b2); // fc1"
                     "\n\n}\n"));
  write("firmware/parameters.h",
        absl::StrCat("#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n\n#include \"ap_fixed.h\"\n"
                     "#include \"ap_int.h\"\n\n#include \"nnet_utils/nnet_code_gen.h\"\n"
                     "#include \"nnet_utils/nnet_helpers.h\"\n"
                     "#include \"nnet_utils/nnet_dense.h\"\n\n"
                     "#include \"weights/w2.h\"\n#include \"weights/b2.h\"\n\n"
                     "// fc1\nstruct config2 : nnet::dense_config {\n"
                     "    static const unsigned n_in = ",
                     n_in, ";\n    static const unsigned n_out = ", n_out,
                     ";\n    static const unsigned io_type = nnet::io_parallel;\n"
                     "    static const unsigned strategy = nnet::latency;\n"
                     "    static const unsigned reuse_factor = 1;\n"
                     "    static const unsigned n_zeros = 0;\n"
                     "    static const unsigned n_nonzeros = ",
                     n_weights,
                     ";\n    static const bool store_weights_in_bram = false;\n"
                     "    typedef model_default_t accum_t;\n    typedef model_default_t bias_t;\n"
                     "    typedef model_default_t weight_t;\n    typedef layer2_index index_t;\n"
                     "    template<class data_T, class res_T, class CONFIG_T>\n"
                     "    using product = nnet::product::mult<data_T, res_T>;\n};\n\n#endif\n"));
  write("firmware/weights/w2.h",
        absl::StrCat("#ifndef W2_H_\n#define W2_H_\n\n#ifndef __SYNTHESIS__\nmodel_default_t w2[",
                     n_weights, "];\n#else\nmodel_default_t w2[", n_weights, "] = {",
                     absl::StrJoin(weights, ", "), "};\n#endif\n\n#endif\n"));
  write("firmware/weights/b2.h",
        absl::StrCat("#ifndef B2_H_\n#define B2_H_\n\n#ifndef __SYNTHESIS__\nmodel_default_t b2[",
                     n_out, "];\n#else\nmodel_default_t b2[", n_out, "] = {",
                     absl::StrJoin(biases, ", "), "};\n#endif\n\n#endif\n"));
  write("firmware/weights/w2.txt", absl::StrJoin(weights, ", ") + "\n");
  write("firmware/weights/b2.txt", absl::StrJoin(biases, ", ") + "\n");
}

// config.pbtxt of a dense test model: input "input_1" FP32 [n_in], output "layer2_out" FP32
// [n_out]; `extra` is appended verbatim (dynamic_batching, instance_group, ...).
inline std::string DenseConfigText(const std::string& name, int n_in, int n_out,
                                   int max_batch_size, const std::string& extra = "") {
  return absl::StrCat("name: \"", name, "\"\nplatform: \"fpgaas_hls4ml\"\nmax_batch_size: ",
                      max_batch_size, "\n",
                      "input [ { name: \"input_1\" data_type: TYPE_FP32 dims: [ ", n_in, " ] } ]\n",
                      "output [ { name: \"layer2_out\" data_type: TYPE_FP32 dims: [ ", n_out,
                      " ] } ]\n", extra);
}

// <root>/<name>/config.pbtxt and <root>/<name>/<version>/hls4ml_prj.
inline void WriteDenseModel(const std::filesystem::path& root, const std::string& name, int n_in,
                            int n_out, int max_batch_size, const std::string& extra = "",
                            int version = 1) {
  WriteTextFile(root / name / "config.pbtxt",
                DenseConfigText(name, n_in, n_out, max_batch_size, extra));
  WriteDenseProject(root / name / absl::StrCat(version) / "hls4ml_prj", n_in, n_out);
}

// Every regular file under `dir` as "<prefix><relative path>" -> bytes.
inline std::map<std::string, std::string> FilesUnder(const std::filesystem::path& dir,
                                                     const std::string& prefix) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[prefix + std::filesystem::relative(entry.path(), dir).string()] =
        ReadTextFile(entry.path());
  }
  return files;
}

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_TEST_MODELS_H_
