// Binary and ternary dense layers of every hls4ml release, imported from the team's fixtures and
// run by the emulator, against an independent definition written here from hls4ml's sources with
// doubles and FromDouble (each assignment of nnet's code one FromDouble):
//  - 2019-2020 nnet_dense.h (no `product` in the config) picks product<data_T, weight_T, ret_T>
//    by overloads on the spelled types: (ap_uint<1>, ap_uint<1>) a == w; (other, ap_uint<1>)
//    w == 0 ? data_T(-a) : a; (not ap_uint<2>, ap_int<2>) 0, data_T(-a) or a; else a * w.
//  - hls4ml 0.5/0.6's three-parameter products compute the same (x_T(-a)); data_binary (0.6)
//    w_T(-w); 0.7+'s two-parameter ones negate exactly.
//  - cast<>: ap_uint<1> input and weights give res_t(ap_int<N>(ap_int<N>(trunc(acc - n/2)) * 2))
//    (<= 1.1) or res_t(ap_int<N>(trunc(2 acc - n))) (1.2+), N = ceillog2(n) + 2.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/hls4ml_project.h"
#include "server/numerics/network.h"
#include "tests/unit/hls4ml/test_util.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::CopyFixture;
using ::fpgaas::testing_hls4ml::LineOf;
using ::fpgaas::testing_hls4ml::ReplaceInFile;
using ::fpgaas::testing_hls4ml::WriteText;
using ::testing::HasSubstr;

enum class Rule { kMult, kNegBinary, kNegTernary, kXnor, kDataBinary, kDataBinaryInWeightType };
enum class Cast { kNone, kHalvedTwice, kTwiceMinusN };

FixedType Parse(const std::string& t) { return *ParseFixedType(t); }

double Value(const FixedType& t, double x) { return ToDouble(t, *FromDouble(t, x)); }

// Wraps an integer to a signed n-bit integer.
double WrapInt(double v, int n) {
  const double m = std::ldexp(1.0, n);
  double r = std::fmod(v, m);
  if (r < 0) r += m;
  if (r >= m / 2) r -= m;
  return r;
}

// The layer's output j for inputs x (values) and weights w (values, w[i * n_out + j]).
int64_t Reference(Rule rule, Cast cast, const FixedType& in, const FixedType& weight,
                  const FixedType& accum, const FixedType& res, const std::vector<double>& x,
                  const std::vector<double>& w, double bias, int n_out, int j) {
  const int n = static_cast<int>(x.size());
  double acc = Value(accum, bias);
  for (int i = 0; i < n; ++i) {
    const double a = x[i];
    const double wv = w[i * n_out + j];
    double p = 0;
    switch (rule) {
      case Rule::kMult: p = a * wv; break;
      case Rule::kNegBinary: p = wv == 0 ? Value(in, -a) : a; break;
      case Rule::kNegTernary: p = wv == 0 ? 0 : wv == -1 ? Value(in, -a) : a; break;
      case Rule::kXnor: p = a == wv ? 1 : 0; break;
      case Rule::kDataBinary: p = a == 0 ? -wv : wv; break;
      case Rule::kDataBinaryInWeightType: p = a == 0 ? Value(weight, -wv) : wv; break;
    }
    acc = Value(accum, acc + Value(accum, p));
  }
  int bits = 1;  // nnet::ceillog2(n)
  for (int m = n; m > 2; m = (m + 1) / 2) ++bits;
  const int cast_bits = bits + 2;
  double y = acc;
  if (cast == Cast::kHalvedTwice) {
    y = WrapInt(2 * WrapInt(std::trunc(acc - n / 2), cast_bits), cast_bits);
  } else if (cast == Cast::kTwiceMinusN) {
    y = WrapInt(std::trunc(acc * 2 - n), cast_bits);
  }
  return *FromDouble(res, y);
}

// Raw values that reach each end of a type, and random ones.
std::vector<int64_t> InputRaws(const FixedType& t, std::mt19937_64& rng, int count) {
  const int64_t lo = t.is_signed ? -(int64_t{1} << (t.width - 1)) : 0;
  const int64_t hi = t.is_signed ? (int64_t{1} << (t.width - 1)) - 1 : (int64_t{1} << t.width) - 1;
  std::vector<int64_t> raws = {lo, hi, 0, std::min<int64_t>(1, hi), std::max<int64_t>(-1, lo),
                               std::min(lo + 1, hi), std::max(hi - 1, lo)};
  std::uniform_int_distribution<int64_t> any(lo, hi);
  while (static_cast<int>(raws.size()) < count) raws.push_back(any(rng));
  return raws;
}

// Random weight values a file of `weight` holds (binary: 0/1; ternary: -1/0/1 and -2).
std::vector<double> RandomWeights(const FixedType& weight, int count, std::mt19937_64& rng) {
  std::vector<double> w;
  for (int k = 0; k < count; ++k) {
    const int64_t lo = weight.is_signed ? -(int64_t{1} << (weight.width - 1)) : 0;
    const int64_t hi = weight.is_signed ? (int64_t{1} << (weight.width - 1)) - 1
                                        : (int64_t{1} << weight.width) - 1;
    const int64_t raw = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    w.push_back(ToDouble(weight, raw));
  }
  return w;
}

std::string Csv(const std::vector<double>& v) {
  std::vector<std::string> s;
  for (double d : v) s.push_back(absl::StrFormat("%.17g", d));
  return absl::StrJoin(s, ", ") + "\n";
}

// Runs layer 0 of `dir`'s network over every pair/triple of extreme and random inputs and
// compares each output with Reference.
void ExpectLayerZeroMatches(const fs::path& dir, Rule rule, Cast cast, const std::string& in_t,
                            const std::string& weight_t, const std::string& accum_t,
                            const std::string& res_t, const std::vector<double>& w,
                            const std::vector<double>& bias, DenseProduct expected_product,
                            BinaryCast expected_cast) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_TRUE(project.ok()) << project.status();
  const auto& dense = std::get<DenseSpec>(project->spec.layers[0].op);
  EXPECT_EQ(dense.product, expected_product);
  EXPECT_EQ(dense.binary_cast, expected_cast);
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
  ASSERT_TRUE(net.ok()) << net.status();
  const FixedType in = Parse(in_t);
  ASSERT_EQ((*net)->input_type(), in);
  const int n_in = (*net)->input_size();
  const int n_out = dense.n_out;
  std::mt19937_64 rng(11);
  const std::vector<int64_t> raws = InputRaws(in, rng, 12);
  int checked = 0;
  for (int sample = 0; sample < 400; ++sample) {
    std::vector<uint8_t> packed((*net)->input_bytes_per_sample());
    std::vector<double> x;
    for (int k = 0; k < n_in; ++k) {
      // The first samples walk every combination of the extremes; the rest are random.
      const size_t pick = sample < 343 ? (sample / static_cast<int>(std::pow(7, k))) % 7
                                       : rng() % raws.size();
      PackRaw(in, raws[pick], packed.data() + k * in.container_bytes());
      x.push_back(ToDouble(in, raws[pick]));
    }
    const std::vector<LayerTrace> trace = (*net)->Trace(packed.data());
    for (int j = 0; j < n_out; ++j) {
      const int64_t want = Reference(rule, cast, in, Parse(weight_t), Parse(accum_t),
                                     Parse(res_t), x, w, bias[j], n_out, j);
      ASSERT_EQ(trace[0].raw[j], want) << "sample " << sample << " output " << j << " inputs "
                                       << absl::StrJoin(x, ",");
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

// old_style (hls4ml 0.2-0.4 layout, no nnet_utils shipped: read as 0.1.6-0.4's): config2 is a
// 2 -> 3 dense_latency on input_t with accum_t ap_fixed<16,6> and layer2_t ap_fixed<16,6>.
struct OldCase {
  std::string in_t, weight_t;
  Rule rule;
  Cast cast;
  DenseProduct product;
  BinaryCast binary_cast;
  bool via_typedef;
};

TEST(BinaryProductsImport, OldReleasesPickTheOverloadOfTheSpelledTypes) {
  const std::vector<OldCase> cases = {
      // Binary weights: -x in the input type (wraps at the minimum; saturates; unsigned wraps).
      {"ap_fixed<8,3>", "ap_uint<1>", Rule::kNegBinary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, false},
      {"ap_fixed<8,3,AP_RND,AP_SAT>", "ap_uint<1>", Rule::kNegBinary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, true},
      {"ap_ufixed<6,2>", "ap_uint<1>", Rule::kNegBinary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, false},
      {"ap_ufixed<6,2,AP_TRN,AP_SAT>", "ap_int<2>", Rule::kNegTernary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, false},
      {"ap_fixed<7,2,AP_TRN,AP_SAT_SYM>", "ap_int<2>", Rule::kNegTernary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, true},
      {"ap_fixed<10,4>", "ap_int<2>", Rule::kNegTernary, Cast::kNone,
       DenseProduct::kNegateInInput, BinaryCast::kNone, false},
      // The same values spelled otherwise: the generic a * w.
      {"ap_ufixed<6,2>", "ap_ufixed<1,1>", Rule::kMult, Cast::kNone, DenseProduct::kMult,
       BinaryCast::kNone, false},
      {"ap_fixed<8,3>", "ap_fixed<2,2>", Rule::kMult, Cast::kNone, DenseProduct::kMult,
       BinaryCast::kNone, false},
      // The ternary overload excludes ap_uint<2> data (not ap_uint<1>): a * w.
      {"ap_uint<2>", "ap_int<2>", Rule::kMult, Cast::kNone, DenseProduct::kMult,
       BinaryCast::kNone, false},
      // Binary input and weights: XNOR and the popcount cast.
      {"ap_uint<1>", "ap_uint<1>", Rule::kXnor, Cast::kHalvedTwice, DenseProduct::kXnor,
       BinaryCast::kHalvedTwice, false},
      {"ap_uint<1>", "ap_uint<1>", Rule::kXnor, Cast::kHalvedTwice, DenseProduct::kXnor,
       BinaryCast::kHalvedTwice, true},
  };
  std::mt19937_64 rng(3);
  for (const OldCase& c : cases) {
    SCOPED_TRACE(c.in_t + " x " + c.weight_t + (c.via_typedef ? " (typedef)" : ""));
    fs::path dir = CopyFixture("old_style");
    const fs::path fw = dir / "firmware";
    ReplaceInFile(fw / "defines.h", "typedef ap_fixed<16,6> input_t;",
                  "typedef " + c.in_t + " input_t;\ntypedef " + c.weight_t + " w2_t;");
    ReplaceInFile(fw / "parameters.h", "typedef model_default_t weight_t;",
                  "typedef " + (c.via_typedef ? std::string("w2_t") : c.weight_t) +
                      " weight_t;");
    ReplaceInFile(fw / "myproject.cpp", "load_weights_from_txt<model_default_t, 6>(w2",
                  "load_weights_from_txt<w2_t, 6>(w2");
    ReplaceInFile(fw / "weights" / "w2.h", "model_default_t w2[6]", "w2_t w2[6]");
    // Fractional biases and accumulators: the cast truncates toward zero, then wraps.
    const std::vector<double> w = RandomWeights(Parse(c.weight_t), 6, rng);
    std::vector<double> bias;
    for (int j = 0; j < 3; ++j) {
      bias.push_back(
          ToDouble(Parse("ap_fixed<16,6>"), std::uniform_int_distribution<int64_t>(-32768, 32767)(rng)));
    }
    WriteText(fw / "weights" / "w2.txt", Csv(w));
    WriteText(fw / "weights" / "b2.txt", Csv(bias));
    ExpectLayerZeroMatches(dir, c.rule, c.cast, c.in_t, c.weight_t, "ap_fixed<16,6>",
                           "ap_fixed<16,6>", w, bias, c.product, c.binary_cast);
  }
}

TEST(BinaryProductsImport, OldReleasesThatDoNotCompileAreRefused) {
  for (const std::string weight : {"ap_int<2>", "ap_fixed<16,6>"}) {
    SCOPED_TRACE(weight);
    fs::path dir = CopyFixture("old_style");
    const fs::path params = dir / "firmware" / "parameters.h";
    ReplaceInFile(dir / "firmware" / "defines.h", "typedef ap_fixed<16,6> input_t;",
                  "typedef ap_uint<1> input_t;");
    ReplaceInFile(params, "typedef model_default_t weight_t;", "typedef " + weight + " weight_t;");
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, weight + " weight_t;")) + ": config2"));
    EXPECT_THAT(project.status().message(), HasSubstr("does not compile"));
  }
}

TEST(BinaryProductsImport, EditedOldOverloadsAreRefused) {
  fs::path dir = CopyFixture("old_style");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "parameters.h", "typedef model_default_t weight_t;",
                "typedef ap_uint<1> weight_t;");
  fs::create_directories(fw / "nnet_utils");
  WriteText(fw / "nnet_utils" / "nnet_dense.h",
            "template<class data_T, class weight_T, class ret_T>\n"
            "ret_T product(data_T a, ap_uint<1> w) { return w == 0 ? a : a; }\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/nnet_utils/nnet_dense.h: this nnet_dense.h's product overloads "
                        "are not hls4ml's"));
}

// new_style (hls4ml 1.x layout): fc1 is a 3 -> 4 latency dense on input_t, accum_t
// ap_fixed<16,6>, layer2_t ap_fixed<16,6>; `mult_h` (when not empty) is written as the project's
// nnet_mult.h.
fs::path NewStyle(const std::string& in_t, const std::string& weight_t,
                  const std::string& product, const std::string& mult_h,
                  const std::vector<double>& w, const std::vector<double>& bias) {
  fs::path dir = CopyFixture("new_style");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<16,6> input_t;",
                "typedef " + in_t + " input_t;");
  ReplaceInFile(fw / "defines.h",
                "typedef ap_fixed<8,3> fc1_weight_t;\ntypedef fc1_weight_t fc1_bias_t;",
                "typedef " + weight_t + " fc1_weight_t;\ntypedef ap_fixed<8,3> fc1_bias_t;");
  const bool three = product.find("res_T") != std::string::npos;
  ReplaceInFile(fw / "parameters.h",
                "    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T>\n"
                "    using product = nnet::product::mult<x_T, y_T>;",
                "    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;\n"
                "    template<class x_T, class y_T" + std::string(three ? ", class res_T" : "") +
                    ">\n    using product = nnet::product::" + product + ";");
  WriteText(fw / "weights" / "w2.txt", Csv(w));
  WriteText(fw / "weights" / "b2.txt", Csv(bias));
  if (!mult_h.empty()) {
    fs::create_directories(fw / "nnet_utils");
    WriteText(fw / "nnet_utils" / "nnet_mult.h", mult_h);
  }
  return dir;
}

// The lines of each release's nnet_mult.h the importer recognises (its products' bodies and
// cast<> formulas), as a project that ships that file would have them.
const char kMult05[] =
    "static y_T product(x_T a, w_T w){ return a == w; }\n"
    "static y_T product(x_T a, w_T w){ return w == 0 ? (x_T) -a : a; }\n"
    "static y_T product(x_T a, w_T w){ return a == 0 ? (w_T) -w : w; }\n"
    "static y_T product(x_T a, w_T w){ if (w == 0) return (x_T) 0;\n"
    "  else if(w == -1) return (x_T) -a; else return (x_T) a; }\n"
    "cast(typename CONFIG_T::accum_t x){\n"
    "  return (ap_int<nnet::ceillog2(CONFIG_T::n_in) + 2>) (x - CONFIG_T::n_in / 2) * 2; }\n"
    "cast(typename CONFIG_T::accum_t x){ return (res_T) x; }\n"
    "cast(typename CONFIG_T::accum_t x){ return (res_T) x; }\n";
const char kMult12[] =
    "static x_T product(x_T a, w_T w) { return a == w; }\n"
    "static auto product(x_T a, w_T w) -> decltype(-a) { if (w == 0) return -a; else return a; }\n"
    "static auto product(x_T a, w_T w) -> decltype(-w) { if (a == 0) return -w; else return w; }\n"
    "cast(typename CONFIG_T::accum_t x) {\n"
    "  return static_cast<ap_int<nnet::ceillog2(CONFIG_T::n_in) + 2>>(x * 2 - CONFIG_T::n_in); }\n";

struct NamedCase {
  std::string in_t, weight_t, product, mult_h;
  Rule rule;
  Cast cast;
  DenseProduct dense_product;
  BinaryCast binary_cast;
};

TEST(BinaryProductsImport, NamedProductsOfEachRelease) {
  const std::vector<NamedCase> cases = {
      // 0.5/0.6: the negation of the three-parameter products wraps/saturates in x_T.
      {"ap_fixed<8,3>", "ap_uint<1>", "weight_binary<x_T, y_T, res_T>", kMult05,
       Rule::kNegBinary, Cast::kNone, DenseProduct::kNegateInInput, BinaryCast::kNone},
      {"ap_ufixed<7,3,AP_TRN,AP_SAT>", "ap_int<2>", "weight_ternary<x_T, y_T, res_T>", kMult05,
       Rule::kNegTernary, Cast::kNone, DenseProduct::kNegateInInput, BinaryCast::kNone},
      {"ap_uint<1>", "ap_uint<1>", "both_binary<x_T, y_T, res_T>", kMult05, Rule::kXnor,
       Cast::kHalvedTwice, DenseProduct::kXnor, BinaryCast::kHalvedTwice},
      // 0.6's data_binary: -w in w_T (wraps at its minimum).
      {"ap_uint<1>", "ap_fixed<4,2>", "data_binary<x_T, y_T, res_T>", kMult05,
       Rule::kDataBinaryInWeightType, Cast::kNone, DenseProduct::kDataBinaryInWeightType,
       BinaryCast::kNone},
      // 0.7+: exact negation; 1.2+'s cast.
      {"ap_uint<1>", "ap_fixed<4,2>", "data_binary<x_T, y_T>", "", Rule::kDataBinary, Cast::kNone,
       DenseProduct::kDataBinary, BinaryCast::kNone},
      {"ap_uint<1>", "ap_uint<1>", "both_binary<x_T, y_T>", kMult12, Rule::kXnor,
       Cast::kTwiceMinusN, DenseProduct::kXnor, BinaryCast::kTwiceMinusN},
      // 0.7+ weight_binary on ap_uint<1> data: the product is exact, the cast still applies.
      {"ap_uint<1>", "ap_uint<1>", "weight_binary<x_T, y_T>", kMult12, Rule::kMult,
       Cast::kTwiceMinusN, DenseProduct::kMult, BinaryCast::kTwiceMinusN},
  };
  std::mt19937_64 rng(7);
  for (const NamedCase& c : cases) {
    SCOPED_TRACE(c.in_t + " x " + c.weight_t + " " + c.product);
    std::vector<double> w = RandomWeights(Parse(c.weight_t), 12, rng);
    std::vector<double> bias;
    for (int j = 0; j < 4; ++j) {
      bias.push_back(ToDouble(Parse("ap_fixed<8,3>"),
                              std::uniform_int_distribution<int64_t>(-128, 127)(rng)));
    }
    const fs::path dir = NewStyle(c.in_t, c.weight_t, c.product, c.mult_h, w, bias);
    // weight_binary's effective weights: the reference multiplies by -1 / +1.
    if (c.product.rfind("weight_binary<x_T, y_T>", 0) == 0) {
      for (double& v : w) v = v == 0 ? -1 : 1;
    }
    ExpectLayerZeroMatches(dir, c.rule, c.cast, c.in_t, c.weight_t, "ap_fixed<16,6>",
                           "ap_fixed<16,6>", w, bias, c.dense_product, c.binary_cast);
  }
}

TEST(BinaryProductsImport, UnknownOrUntellableProductsAreRefused) {
  const std::vector<double> w(12, 1.0), bias(4, 0.0);
  {
    // both_binary on other types; the config's line.
    const fs::path dir =
        NewStyle("ap_fixed<16,6>", "ap_uint<1>", "both_binary<x_T, y_T>", "", w, bias);
    const fs::path params = dir / "firmware" / "parameters.h";
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/parameters.h:" +
                          std::to_string(LineOf(params, "both_binary<x_T") - 1) +
                          ": product nnet::product::both_binary<x_T, y_T> is not supported "
                          "with an input or weight type other than ap_uint<1>"));
  }
  {
    // ap_uint<1> input and weights without nnet_mult.h: 1.x's two cast formulas differ.
    const fs::path dir = NewStyle("ap_uint<1>", "ap_uint<1>", "both_binary<x_T, y_T>", "", w, bias);
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/tiny.cpp:" +
                          std::to_string(LineOf(dir / "firmware" / "tiny.cpp",
                                                "nnet::dense<input_t")) +
                          ": nnet::dense with ap_uint<1> input and weights: without "
                          "firmware/nnet_utils/nnet_mult.h the release's binary cast<> cannot be "
                          "told"));
  }
  {
    // A three-parameter product whose nnet_mult.h is not hls4ml's.
    const fs::path dir =
        NewStyle("ap_fixed<16,6>", "ap_uint<1>", "weight_binary<x_T, y_T, res_T>",
                 "static y_T product(x_T a, w_T w){ return w == 0 ? a : a; }\n", w, bias);
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_FALSE(project.ok());
    EXPECT_THAT(project.status().message(),
                HasSubstr("firmware/nnet_utils/nnet_mult.h: this nnet_mult.h's product "
                          "nnet::product::weight_binary<x_T, y_T, res_T> is not hls4ml's"));
  }
}

// normalize_binary_tanh / normalize_ternary_tanh in place of old_style's batch norm (config8,
// n_filt = -1): y_i = x_i > t_i (hls4ml 0.2-0.7; 0.8+ and no shipped header: x_i >= t_i), ternary
// x_i > hi_i -> 1, x_i <= lo_i -> -1, else 0 — on a grid where dense outputs meet the thresholds.
struct ThresholdCase {
  bool ternary;
  std::string batchnorm_h;  // the project's nnet_batchnorm.h ("": none shipped)
  bool inclusive;
};

TEST(BinaryProductsImport, ThresholdLayersCompareAsTheirRelease) {
  const std::vector<ThresholdCase> cases = {
      {false, "", true},
      {false, "if( datareg > threshold[ii] ) cache = 1;\nelse cache = 0;\n", false},
      {false, "if (datareg >= threshold[norm_index])\n cache = 1;\n", true},
      {true, "", false},
      {true,
       "if( datareg > threshold_hi[ii] ) cache = 1;\n"
       "else if( datareg <= threshold_lo[ii]) cache = -1;\n",
       false},
  };
  for (const ThresholdCase& c : cases) {
    SCOPED_TRACE(std::string(c.ternary ? "ternary " : "binary ") + c.batchnorm_h);
    fs::path dir = CopyFixture("old_style");
    const fs::path fw = dir / "firmware";
    ReplaceInFile(fw / "defines.h", "typedef ap_fixed<16,6> layer8_t;\ntypedef ap_fixed<12,4> bias8_t;",
                  std::string("typedef ") + (c.ternary ? "ap_int<2>" : "ap_uint<1>") +
                      " layer8_t;\ntypedef ap_fixed<16,6> bias8_t;");
    ReplaceInFile(fw / "myproject.cpp",
                  "nnet::normalize<layer2_t, layer8_t, config8>(layer2_out, layer8_out, s8, b8);",
                  c.ternary ? "nnet::normalize_ternary_tanh<layer2_t, config8>(layer2_out, "
                              "layer8_out, s8, b8);"
                            : "nnet::normalize_binary_tanh<layer2_t, config8>(layer2_out, "
                              "layer8_out, s8);");
    // Thresholds (hi) and low thresholds on the dense outputs' grid.
    const std::vector<double> hi = {0.25, 0.0, 1.5}, lo = {-0.75, -1.0, 0.5};
    WriteText(fw / "weights" / "s8.txt", Csv(hi));
    WriteText(fw / "weights" / "b8.txt", Csv(lo));
    if (!c.batchnorm_h.empty()) {
      fs::create_directories(fw / "nnet_utils");
      WriteText(fw / "nnet_utils" / "nnet_batchnorm.h", c.batchnorm_h);
    }
    absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
    ASSERT_TRUE(project.ok()) << project.status();
    absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(project->spec);
    ASSERT_TRUE(net.ok()) << net.status();
    const FixedType in = (*net)->input_type();
    int equal = 0;
    for (int a = -8; a <= 8; ++a) {
      for (int b = -8; b <= 8; ++b) {
        std::vector<uint8_t> packed((*net)->input_bytes_per_sample());
        PackRaw(in, *FromDouble(in, a * 0.25), packed.data());
        PackRaw(in, *FromDouble(in, b * 0.25), packed.data() + in.container_bytes());
        const std::vector<LayerTrace> trace = (*net)->Trace(packed.data());
        ASSERT_EQ(trace[1].name, "layer8") << "the threshold layer";
        for (int i = 0; i < 3; ++i) {
          const double x = trace[0].values[i];
          double want;
          if (c.ternary) {
            want = x > hi[i] ? 1 : x <= lo[i] ? -1 : 0;
          } else {
            want = (c.inclusive ? x >= hi[i] : x > hi[i]) ? 1 : 0;
          }
          equal += x == hi[i] || x == lo[i];
          ASSERT_EQ(trace[1].values[i], want) << "x " << x << " element " << i;
        }
      }
    }
    EXPECT_GT(equal, 10);  // the comparisons' edges were reached
  }
}

TEST(BinaryProductsImport, EditedThresholdLayerIsRefused) {
  fs::path dir = CopyFixture("old_style");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<16,6> layer8_t;", "typedef ap_uint<1> layer8_t;");
  ReplaceInFile(fw / "myproject.cpp",
                "nnet::normalize<layer2_t, layer8_t, config8>(layer2_out, layer8_out, s8, b8);",
                "nnet::normalize_binary_tanh<layer2_t, config8>(layer2_out, layer8_out, s8);");
  fs::create_directories(fw / "nnet_utils");
  WriteText(fw / "nnet_utils" / "nnet_batchnorm.h", "if (datareg > 2 * threshold[ii]) cache = 1;\n");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(project.status().message(),
              HasSubstr("firmware/nnet_utils/nnet_batchnorm.h: this nnet_batchnorm.h's "
                        "normalize_binary_tanh is none of hls4ml's"));
}

// A convolution's cast<> (hls4ml 0.7+) also turns into the popcount for ap_uint<1> input and
// weights: not emulated, refused at the config's weight_t.
TEST(BinaryProductsImport, BinaryConvolutionsAreRefused) {
  fs::path dir = CopyFixture("cnn_parallel");
  const fs::path fw = dir / "firmware";
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<12,4> input_t;", "typedef ap_uint<1> input_t;");
  ReplaceInFile(fw / "defines.h", "typedef ap_fixed<8,2> conv1_weight_t;",
                "typedef ap_uint<1> conv1_weight_t;");
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(dir);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kUnimplemented);
  // config2's own weight_t, the line above its mult_config (config2_mult repeats it).
  const int line = LineOf(fw / "parameters.h", "typedef config2_mult mult_config;") - 1;
  EXPECT_THAT(std::string(project.status().message()),
              HasSubstr("firmware/parameters.h:" + std::to_string(line) +
                        ": config2::weight_t = ap_uint<1> with ap_uint<1> input: the "
                        "convolutions' binary cast<> is not supported"));
}

}  // namespace
}  // namespace fpgaas::numerics
