// hls4ml project importer. Reads what hls4ml's Vivado/Vitis writer produces (see hls4ml_project.h):
//   firmware/<top>.cpp     the top function: its input/output arrays and the layer call sequence
//   firmware/defines.h     #define sizes and the resolved typedefs (older releases put these in
//                          parameters.h; both are read)
//   firmware/parameters.h  one config struct per layer
//   firmware/weights/      <name>.txt values (one line, ", "-separated) and <name>.h declarations
// Everything is checked against everything else (sizes, types, counts); what cannot be reproduced
// exactly is an error naming the file and line.
#include "server/numerics/hls4ml_project.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/hls4ml_source.h"
#include "server/numerics/network_layers_internal.h"
#include "server/util/text.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using hls4ml_internal::ReadSourceFile;
using hls4ml_internal::SourceFile;
using hls4ml_internal::SplitTopLevel;
using hls4ml_internal::Statement;
using hls4ml_internal::Trim;
using hls4ml_internal::WithoutComments;

// A piece of text and where it was written.
struct Located {
  std::string text;
  const SourceFile* file = nullptr;
  int line = 0;
  std::string Where() const { return file ? file->Where(line) : "<unknown>"; }
};

struct ConfigStruct {
  std::string name;
  const SourceFile* file = nullptr;
  int line = 0;
  std::map<std::string, Located> values;    // static const unsigned n_in = ...;
  std::map<std::string, Located> typedefs;  // typedef X accum_t;
  std::map<std::string, Located> usings;    // template<...> using kernel = ...;
  std::string Where() const { return file->Where(line); }
};

struct ArrayDecl {
  std::string type;
  std::string size;  // expression
  Located where;
};

struct WeightDecl {
  std::string type;
  int64_t count = 0;
  std::string txt_name;  // file name inside weights/
  // The header initialising the array: weights/<name>.h (hls4ml's writer), or a header
  // parameters.h includes that declares it (projects with all their weights in one weights.h).
  fs::path header;
  Located where;
  bool from_load_call = false;  // declared by a load_weights_from_txt call: the .txt is required
  // The call sits under a preprocessor condition other than `#ifndef __SYNTHESIS__` (e.g. a
  // project's own `#ifdef LOAD_WEIGHTS_FROM_TEXT`): the C simulation's default build does not
  // run it, so the values initialised in weights/<name>.h are the ones it uses.
  bool conditional = false;
  bool exponent = false;  // load_exponent_weights_from_txt: "{sign, exponent}" pairs
};

struct LayerCall {
  std::string function;                    // "dense", "relu", ...
  std::vector<std::string> template_args;  // input type, output type, config
  std::vector<std::string> args;           // input, output, weights...
  std::string comment;                     // hls4ml >= 0.6 writes the layer name here
  Located where;
  int loop = -1;  // the TimeDistributed loop (ProjectReader::loops_) the call is in, or -1
};

// hls4ml 1.3's TimeDistributed: `for (int ts = 0; ts < configN::n_time_steps; ts++) { ... }` in
// the top function, read_time_step_*d first and write_time_step_*d last inside.
struct TimeStepLoop {
  std::string variable;  // "ts"
  std::string config;    // "config2"
  Located where;
  size_t first_call = 0, end_call = 0;  // calls_ [first_call, end_call) lie inside
  std::string end_comment;              // the writer's `} // <name>_end`: the layer's name
};

// A TimeDistributed loop whose read_time_step the importer has read, while it reads the body.
struct OpenTimeSteps {
  int loop = -1;
  size_t first_layer = 0;       // the spec's index of the body's first layer
  std::string input_layer;      // the spec name of the buffer the loop reads
  bool implicit_input = false;  // that buffer is the previous layer's output
  std::string slice_layer;      // the name the body's layers read the step's slice by
  int steps = 0;
};

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

// A file-scope integer constant, `[static] const|constexpr <integer type> NAME = VALUE;`.
bool IsIntegerConstant(absl::string_view text, absl::string_view* name, absl::string_view* value) {
  absl::string_view rest = text;
  absl::ConsumePrefix(&rest, "static ");
  if (!absl::ConsumePrefix(&rest, "const ") && !absl::ConsumePrefix(&rest, "constexpr ")) {
    return false;
  }
  if (!absl::ConsumeSuffix(&rest, ";")) return false;
  const size_t eq = rest.find('=');
  if (eq == absl::string_view::npos) return false;
  absl::string_view lhs = Trim(rest.substr(0, eq));
  const size_t space = lhs.rfind(' ');
  if (space == absl::string_view::npos) return false;
  for (absl::string_view word : absl::StrSplit(lhs.substr(0, space), ' ', absl::SkipEmpty())) {
    if (word != "int" && word != "unsigned" && word != "long" && word != "short" &&
        word != "size_t" && word != "std::size_t") {
      return false;
    }
  }
  *name = lhs.substr(space + 1);
  *value = Trim(rest.substr(eq + 1));
  return IsIdentifier(*name) && !value->empty();
}

absl::Status Error(absl::StatusCode code, const std::string& where, absl::string_view message) {
  return absl::Status(code, absl::StrCat("hls4ml project: ", where, ": ", message));
}

// A source text with every whitespace character removed (to recognise a release's code).
std::string WithoutSpaces(const std::string& source) {
  std::string flat;
  for (char ch : source) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(ch))) flat.push_back(ch);
  }
  return flat;
}

// The effective weights of a binary (w == 0 ? -x : x) or ternary (w == 0 ? 0 : w == -1 ? -x : x)
// product: raws of *weight_type become -1, 0 or 1 and *weight_type ap_int<2>.
void EffectiveBinaryTernary(bool binary, FixedType* weight_type, std::vector<int64_t>* raws) {
  const FixedType t = *weight_type;
  const int f = t.fractional_bits();
  for (int64_t& r : *raws) {
    const internal::Int128 v = internal::WideRaw(t, r);
    if (binary) {
      r = v == 0 ? -1 : 1;
    } else {
      const bool minus_one = f >= 0 && f < 62 && v == -(internal::Int128(1) << f);
      r = v == 0 ? 0 : minus_one ? -1 : 1;
    }
  }
  *weight_type = IntType(2, true);
}

// Number of template arguments of "nnet::product::mult<x_T, y_T[, res_T]>" (0 without <>).
int ProductTemplateArity(absl::string_view text) {
  const size_t open = text.find('<');
  if (open == absl::string_view::npos) return 0;
  return static_cast<int>(std::count(text.begin() + open, text.end(), ',')) + 1;
}

// Splits "nnet::dense<a, b, c>(x, y, w, b)" into its parts.
bool ParseCall(absl::string_view text, std::string* function,
               std::vector<std::string>* template_args, std::vector<std::string>* args) {
  text = Trim(text);
  if (!absl::ConsumeSuffix(&text, ";")) return false;
  text = Trim(text);
  if (text.empty() || text.back() != ')') return false;
  size_t open_paren = absl::string_view::npos;
  int depth = 0;
  for (size_t i = text.size(); i-- > 0;) {
    if (text[i] == ')') ++depth;
    if (text[i] == '(' && --depth == 0) {
      open_paren = i;
      break;
    }
  }
  if (open_paren == absl::string_view::npos) return false;
  absl::string_view head = Trim(text.substr(0, open_paren));
  *args = SplitTopLevel(text.substr(open_paren + 1, text.size() - open_paren - 2));
  template_args->clear();
  if (!head.empty() && head.back() == '>') {
    size_t open_angle = head.find('<');
    if (open_angle == absl::string_view::npos) return false;
    *template_args = SplitTopLevel(head.substr(open_angle + 1, head.size() - open_angle - 2));
    head = Trim(head.substr(0, open_angle));
  }
  *function = std::string(head);
  return true;
}

// "type name[size]" -> parts. Returns false if the text is not an array declaration.
bool ParseArrayDecl(absl::string_view text, std::string* type, std::string* name,
                    std::string* size) {
  text = Trim(text);
  absl::ConsumeSuffix(&text, ";");
  text = Trim(text);
  if (text.empty() || text.back() != ']') return false;
  size_t open = text.rfind('[');
  if (open == absl::string_view::npos) return false;
  *size = std::string(Trim(text.substr(open + 1, text.size() - open - 2)));
  absl::string_view before = Trim(text.substr(0, open));
  size_t space = before.find_last_of(" &*");
  if (space == absl::string_view::npos) return false;
  *name = std::string(Trim(before.substr(space + 1)));
  *type = std::string(Trim(before.substr(0, space)));
  return IsIdentifier(*name) && !type->empty();
}

class ProjectReader {
 public:
  absl::StatusOr<Hls4mlProject> Read(const fs::path& path);

 private:
  absl::StatusOr<const SourceFile*> Load(const fs::path& path, bool required);
  absl::Status CollectHeader(const SourceFile& file);
  absl::Status ReadTopFunction(const SourceFile& file);
  // io_stream types nnet::array<T, N> resolve to T (N into *pack when given).
  absl::StatusOr<FixedType> ResolveType(absl::string_view text, const Located& where,
                                        int depth = 0, int* pack = nullptr) const;
  // io_stream: the input size a layer's config declares (the top function's streams have none).
  absl::StatusOr<int> ConfigInputSize(const LayerCall& call) const;
  // io_stream: refuses or adapts a layer whose stream implementation computes differently.
  absl::Status AdaptToStream(const LayerCall& call, int out_pack, LayerSpec& layer);
  absl::StatusOr<int64_t> EvalInt(absl::string_view expr, const Located& where,
                                  int depth = 0) const;
  absl::StatusOr<const ConfigStruct*> Config(const LayerCall& call, size_t template_index) const;
  absl::StatusOr<std::optional<int64_t>> ConfigInt(const ConfigStruct& config,
                                                   const std::string& field) const;
  absl::StatusOr<FixedType> ConfigType(const ConfigStruct& config, const std::string& name,
                                       std::optional<FixedType> fallback) const;
  absl::Status CheckIoType(const ConfigStruct& config) const;
  absl::StatusOr<std::vector<int64_t>> LoadWeights(const std::string& name, const FixedType& type,
                                                   int64_t expected_count, absl::string_view what,
                                                   const LayerCall& call);
  // Headers in the firmware folder that parameters.h includes by a plain quoted name (other than
  // defines.h), in include order: where some projects declare all their weight arrays.
  std::vector<fs::path> WeightHeadersOfParameters() const;
  absl::StatusOr<std::vector<double>> ReadWeightValues(const std::string& name,
                                                       const WeightDecl& decl,
                                                       const LayerCall& call) const;
  absl::StatusOr<LayerSpec> BuildLayer(const LayerCall& call, int n_in);
  // Layers beyond the dense family; `ins` are the sizes of the arrays read.
  absl::StatusOr<LayerSpec> BuildConv(const LayerCall& call, int n_in, int dims);
  // A (depthwise or not) convolution from `config`, with the named weight and bias arrays.
  absl::StatusOr<LayerSpec> BuildConvWith(const LayerCall& call, const ConfigStruct& config,
                                          int n_in, int dims, bool depthwise,
                                          const std::string& weights_name,
                                          const std::string& biases_name);
  // nnet::separable_conv_{1,2}d_cl: returns the pointwise layer; the depthwise one it reads is
  // left in pending_depthwise_ for the caller to insert before it.
  absl::StatusOr<LayerSpec> BuildSeparable(const LayerCall& call, int n_in, int dims);
  absl::StatusOr<LayerSpec> BuildPooling(const LayerCall& call, int n_in, int dims, bool global);
  absl::StatusOr<LayerSpec> BuildPadding(const LayerCall& call, int n_in, int dims);
  absl::StatusOr<LayerSpec> BuildResize(const LayerCall& call, int n_in);
  // nnet::cropping{1,2}d_cl (hls4ml 1.2+).
  absl::StatusOr<LayerSpec> BuildCropping(const LayerCall& call, int n_in, int dims);
  // The type nnet_pooling_stream.h's windows hold for `config` (hls4ml 0.7+: accum_t; 0.6:
  // accum_t, but data_T in its line-buffer pooling; 0.5: data_T), told from the project's file.
  absl::StatusOr<FixedType> StreamPoolWindowType(const LayerCall& call, const ConfigStruct& config,
                                                 bool global);
  // nnet::transpose (hls4ml >= 1.1): `pack` > 0 is the io_stream output pack size, whose
  // two-dimensional version reads its own index pattern.
  absl::StatusOr<LayerSpec> BuildTranspose(const LayerCall& call, int n_in, int pack = 0) const;
  // nnet::transpose_2d / transpose_3d (nnet_array.h, hls4ml 0.7 - 1.0).
  absl::StatusOr<LayerSpec> BuildArrayTranspose(const LayerCall& call, int n_in);
  // `unsigned NAME[...] = {a, b, ...};` at file scope of the config's file (hls4ml's transpose
  // shapes), found through `const unsigned* const config::member = NAME;`.
  absl::StatusOr<std::vector<int64_t>> ConfigArray(const ConfigStruct& config,
                                                   const std::string& member) const;
  absl::StatusOr<LayerSpec> BuildMerge(const LayerCall& call, const std::vector<int>& ins);
  absl::StatusOr<LayerSpec> BuildParamActivation(const LayerCall& call, int n_in,
                                                 const FixedType& in_type);
  absl::StatusOr<LayerSpec> BuildHardActivation(const LayerCall& call, int n_in);
  // nnet::normalize_binary_tanh / normalize_ternary_tanh (io_parallel): thresholds of data_T,
  // compared as the project's nnet_batchnorm.h does.
  absl::StatusOr<LayerSpec> BuildThresholdActivation(const LayerCall& call, int n_in,
                                                     const FixedType& in_type);
  // softplus, softsign, elu, selu, binary_tanh, ternary_tanh (their release from the project's
  // nnet_activation(_stream).h where releases differ).
  absl::StatusOr<LayerSpec> BuildTableActivation(const LayerCall& call, int n_in,
                                                 const FixedType& in_type);
  // The text a type name finally stands for (typedefs followed, a stream pack's element type),
  // without spaces: tells ap_uint<1> from the same-valued ap_ufixed<1,1>.
  std::string SpelledType(absl::string_view text) const;
  absl::StatusOr<LayerSpec> BuildEmbedding(const LayerCall& call, int n_in);
  // nnet::lstm_stack / gru_stack (hls4ml_project.cc's BuildRecurrent).
  absl::StatusOr<LayerSpec> BuildRecurrent(const LayerCall& call, int n_in);
  // nnet::bidirectional_stack (hls4ml 1.2+): a forward and a backward recurrent cell.
  absl::StatusOr<LayerSpec> BuildBidirectional(const LayerCall& call, int n_in);
  // nnet::layernormalize (hls4ml 1.2+).
  absl::StatusOr<LayerSpec> BuildLayerNorm(const LayerCall& call, int n_in);
  // One direction: its config's n_in, n_state, accum_t, products (weights at call.args
  // first_weight .. first_weight + 3: w, wr, b, br), activations and pytorch_order.
  absl::StatusOr<RecurrentSpec> RecurrentCell(const LayerCall& call, const ConfigStruct& config,
                                              bool lstm, int first_weight);
  // Whether the project's nnet_recurrent.h is a pre-1.1 one (true) or a later one (false); an
  // error when it is neither, or when it ignores a pytorch_order the config sets.
  absl::StatusOr<bool> RecurrentRelease(const LayerCall& call, const ConfigStruct& config);
  // Each type of `must_equal` must be r's accum_t, or the project does not compile.
  absl::Status RecurrentTypesCompile(
      const LayerCall& call, const ConfigStruct& config, const RecurrentSpec& r,
      const std::vector<std::pair<std::string, FixedType>>& must_equal);
  absl::StatusOr<ActivationSpec> RecurrentActivation(const ConfigStruct& config,
                                                     const std::string& act_config,
                                                     const std::string& using_name, int n);
  // An int field the config must have.
  absl::StatusOr<int> RequiredInt(const ConfigStruct& config, const std::string& field) const;
  // The code of firmware/nnet_utils/<name> if the project ships it ("" if not), its comments
  // removed: commented-out code (an edited header keeps the release's code in a comment) must not
  // decide which release's arithmetic is emulated.
  const std::string& NnetUtils(const std::string& name);
  absl::StatusOr<LayerSpec> BuildDense(const LayerCall& call, int n_in);
  // hls4ml 1.0+'s resource_unrolled strategy: `kernel` (a config's `using kernel = ...`) names the
  // class hls4ml's GenerateUnrolledDenseResource pass writes into nnet_utils/nnet_code_gen.h. OK
  // when that class is the generator's code and its multiply-accumulate statements are
  // dense_resource's for (n_in, n_out, reuse_factor) in order, leaving out only products that
  // are exactly 0 (the generator skips zero weights): the layer then computes what the resource
  // strategy computes. zero_product(w): whether the product with weight w of the transposed
  // [n_out][n_in] file layout is 0 for every input.
  absl::Status CheckUnrolledDense(const Located& kernel, int n_in, int n_out, int reuse_factor,
                                  const std::function<bool(int64_t)>& zero_product);
  // A shipped nnet_time_distributed.h must copy as hls4ml 1.3's read/write_time_step_<dims>d do.
  absl::Status CheckTimeDistributedHeader(int dims, bool read);
  absl::StatusOr<LayerSpec> BuildBatchNorm(const LayerCall& call, int n_in);
  // weight_binary / weight_ternary products (hls4ml >= 0.7): the product is exactly -x, 0 or x,
  // i.e. x times an effective weight in {-1, 0, 1}. Rewrites `raws` (of *weight_type) into those
  // effective weights and *weight_type into ap_int<2>, so the layer is an ordinary one.
  absl::Status BinaryTernaryWeights(const Located& product, FixedType* weight_type,
                                    std::vector<int64_t>* raws);
  // The 0.7+ weight_binary/weight_ternary above: OK when the product has two parameters and the
  // project's nnet_mult.h (if shipped) computes what hls4ml 0.7+'s does.
  absl::Status CheckBinaryTernarySource(const Located& product);
  // The product a 2019-2020 nnet_dense.h (no `product` in the config) picks by its overloads on
  // the spelled input and weight types; *effective becomes 'b' or 't' when the weights are to be
  // mapped to -1/0/1 (EffectiveBinaryTernary).
  absl::StatusOr<DenseProduct> OverloadedDenseProduct(const LayerCall& call,
                                                      const ConfigStruct& config,
                                                      const std::string& data_spelled,
                                                      const std::string& weight_spelled,
                                                      char* effective);
  // A config's weight_binary/weight_ternary/both_binary/data_binary product (either arity),
  // checked against the project's nnet_mult.h.
  absl::StatusOr<DenseProduct> NamedBinaryProduct(const Located& product, bool data_uint1,
                                                  bool weight_uint1, char* effective);
  // nnet's cast<> for an ap_uint<1> input: the popcount cast when the weights are ap_uint<1>
  // too (its release's formula), kNone otherwise; an error where no cast<> compiles.
  absl::StatusOr<BinaryCast> DenseBinaryCast(const LayerCall& call, const ConfigStruct& config,
                                             bool has_product, bool weight_uint1);
  // weight_exponential weights (QKeras power-of-two "alpha" scales of nnet::normalize; po2
  // kernels of dense and convolution layers): config::`field` names a
  // `typedef struct NAME {ap_uint<1> sign; ap_int<E> weight;} NAME;`, the array `array` is read by
  // load_exponent_weights_from_txt (`count` values), and the product's x_T is `data`.
  absl::StatusOr<ExponentWeights> ReadExponentWeights(const LayerCall& call,
                                                      const ConfigStruct& config,
                                                      const std::string& field,
                                                      const Located& product,
                                                      const FixedType& data,
                                                      const std::string& array, int64_t count);
  // The struct a type name stands for, through typedef chains ("" when it is no struct).
  std::string StructName(const std::string& type) const;
  // OK when `mult`'s weight_t is the exponent struct of `config`'s (a conv's mult_config).
  absl::Status SameExponentStruct(const ConfigStruct& config, const ConfigStruct& mult) const;
  // The signed ap_fixed r_T of this project's nnet_mult.h weight_exponential for x_T = data and
  // an exponent field of `exponent_width` bits.
  absl::StatusOr<FixedType> ExponentProductType(const Located& product, const FixedType& data,
                                                int exponent_width);
  // Reads "{sign, exponent}, ..." as load_exponent_weights_from_txt does: each field through
  // ap_int's string constructor (the integer, wrapped to the field's width).
  absl::Status LoadExponentWeights(const std::string& name, const FixedType& sign_type,
                                   const FixedType& exponent_type, int64_t expected_count,
                                   const LayerCall& call, std::vector<int>* signs,
                                   std::vector<int>* exponents);
  absl::StatusOr<LayerSpec> BuildActivation(const LayerCall& call, int n_in, ActivationKind kind);
  absl::StatusOr<LayerSpec> BuildSoftmax(const LayerCall& call, int n_in);
  std::string Display(const fs::path& path) const;
  // OK when `path` (after resolving symlinks and "..") lies inside the project folder; files of
  // the server outside it are never opened (a project may be uploaded by a client).
  absl::Status CheckInside(const fs::path& path, const std::string& where) const;

  fs::path project_root_;  // the folder the paths in messages are relative to
  fs::path canonical_root_;  // project_root_ with symlinks resolved
  fs::path firmware_dir_;
  std::string top_function_;
  std::vector<std::unique_ptr<SourceFile>> files_;
  std::map<std::string, Located> defines_;
  std::map<std::string, Located> typedefs_;
  std::map<std::string, ConfigStruct> configs_;
  std::map<std::string, WeightDecl> weight_decls_;  // from load_weights_from_txt calls
  // Fields of `typedef struct NAME {T field; ...} NAME;` (exponent weight types), by NAME.
  std::map<std::string, std::map<std::string, Located>> struct_fields_;
  std::map<std::string, ArrayDecl> arrays_;         // local arrays of the top function
  ArrayDecl input_, output_;
  std::string input_name_, output_name_;
  std::vector<LayerCall> calls_;
  std::vector<ArrayDecl> top_arrays_;   // every array argument of the top function, in order
  std::vector<std::string> top_names_;
  std::map<std::string, Located> out_of_line_;  // `const T config4::slope = 0.2;` by "config4::slope"
  std::map<std::string, std::string> nnet_utils_;
  std::optional<const SourceFile*> code_gen_;    // nnet_utils/nnet_code_gen.h once read (or null)
  bool stream_ = false;                          // an io_stream project (hls::stream arguments)
  std::optional<LayerSpec> pending_depthwise_;   // see BuildSeparable
  std::vector<TimeStepLoop> loops_;              // TimeDistributed loops of the top function
  std::map<std::string, std::string> aliases_;   // `auto& layer8_out = layer7_out;`, clones
};

std::string ProjectReader::Display(const fs::path& path) const {
  std::error_code ec;
  fs::path rel = fs::relative(path, project_root_, ec);
  if (ec || rel.empty() || *rel.begin() == "..") return path.string();
  return rel.generic_string();
}

absl::Status ProjectReader::CheckInside(const fs::path& path, const std::string& where) const {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (!ec && !canonical_root_.empty()) {
    auto root = canonical_root_.begin(), file = resolved.begin();
    for (; root != canonical_root_.end() && file != resolved.end(); ++root, ++file) {
      if (*root != *file) break;
    }
    if (root == canonical_root_.end()) return absl::OkStatus();
  }
  return Error(absl::StatusCode::kInvalidArgument, where,
               absl::StrCat("'", Quoted(fs::relative(path, project_root_, ec).generic_string()),
                            "' is outside the project folder (symlink or path out of it)"));
}

absl::StatusOr<const SourceFile*> ProjectReader::Load(const fs::path& path, bool required) {
  std::error_code ec;
  if (absl::Status inside = CheckInside(path, "hls4ml project"); !inside.ok()) return inside;
  if (!fs::is_regular_file(path, ec)) {
    if (!required) return nullptr;
    return absl::NotFoundError(absl::StrCat("hls4ml project: missing ", Display(path)));
  }
  absl::StatusOr<SourceFile> file = ReadSourceFile(path, Display(path));
  if (!file.ok()) return file.status();
  files_.push_back(std::make_unique<SourceFile>(*std::move(file)));
  return files_.back().get();
}

// #defines, file-scope typedefs and config structs of defines.h / parameters.h / <top>.h.
absl::Status ProjectReader::CollectHeader(const SourceFile& file) {
  ConfigStruct* open_struct = nullptr;
  bool skipping_struct = false;  // inside a struct we do not model (e.g. typedef struct {...})
  std::string struct_name;       // the typedef struct being skipped (its fields are recorded)
  for (const Statement& st : file.statements) {
    absl::string_view text = st.text;
    const Located here{std::string(text), &file, st.line};
    if (text.front() == '#') {
      absl::string_view rest = text.substr(1);
      rest = Trim(rest);
      if (absl::ConsumePrefix(&rest, "define ")) {
        rest = Trim(rest);
        size_t space = rest.find(' ');
        if (space == absl::string_view::npos) continue;  // include guard
        std::string name(rest.substr(0, space));
        if (!IsIdentifier(name)) continue;  // function-like macro
        defines_.emplace(name, Located{std::string(Trim(rest.substr(space + 1))), &file, st.line});
      }
      continue;
    }
    if (open_struct != nullptr || skipping_struct) {
      if (text.front() == '}') {
        open_struct = nullptr;
        skipping_struct = false;
        continue;
      }
      if (skipping_struct) {
        // `ap_uint<1> sign;` / `ap_int<4> weight;` of hls4ml's exponent structs.
        absl::string_view field = text;
        absl::ConsumeSuffix(&field, ";");
        const size_t space = field.rfind(' ');
        if (space != absl::string_view::npos) {
          struct_fields_[struct_name][std::string(Trim(field.substr(space + 1)))] =
              Located{std::string(Trim(field.substr(0, space))), &file, st.line};
        }
        continue;
      }
      absl::string_view body = text;
      if (absl::ConsumePrefix(&body, "typedef ")) {
        absl::ConsumeSuffix(&body, ";");
        size_t space = body.rfind(' ');
        if (space == absl::string_view::npos) continue;
        open_struct->typedefs[std::string(Trim(body.substr(space + 1)))] =
            Located{std::string(Trim(body.substr(0, space))), &file, st.line};
        continue;
      }
      size_t using_pos = body.find("using ");
      if (using_pos != absl::string_view::npos && body.find('=') != absl::string_view::npos) {
        absl::string_view decl = body.substr(using_pos + 6);
        absl::ConsumeSuffix(&decl, ";");
        size_t eq = decl.find('=');
        open_struct->usings[std::string(Trim(decl.substr(0, eq)))] =
            Located{std::string(Trim(decl.substr(eq + 1))), &file, st.line};
        continue;
      }
      if (absl::ConsumePrefix(&body, "static ")) {
        size_t eq = body.find('=');
        if (eq == absl::string_view::npos) continue;  // declared, defined out of line
        absl::string_view lhs = Trim(body.substr(0, eq));
        absl::string_view rhs = Trim(body.substr(eq + 1));
        absl::ConsumeSuffix(&rhs, ";");
        size_t space = lhs.rfind(' ');
        if (space == absl::string_view::npos) continue;
        open_struct->values[std::string(lhs.substr(space + 1))] =
            Located{std::string(Trim(rhs)), &file, st.line};
      }
      continue;
    }
    if (absl::string_view name, value; IsIntegerConstant(text, &name, &value)) {
      // Newer releases with a namespace write sizes as `static const int N_INPUT_1_1 = 10;`.
      defines_.emplace(std::string(name), Located{std::string(value), &file, st.line});
      continue;
    }
    if (absl::StartsWith(text, "struct ") && text.back() == '{') {
      absl::string_view head = text.substr(7, text.size() - 8);
      size_t colon = head.find(':');
      std::string name(Trim(head.substr(0, colon)));
      ConfigStruct config;
      config.name = name;
      config.file = &file;
      config.line = st.line;
      auto [it, inserted] = configs_.emplace(name, std::move(config));
      if (!inserted) {
        return Error(
            absl::StatusCode::kInvalidArgument, here.Where(),
            absl::StrCat("struct ", name, " defined twice (first at ", it->second.Where(), ")"));
      }
      open_struct = &it->second;
      continue;
    }
    if (absl::StartsWith(text, "typedef struct") && text.back() == '{') {
      // e.g. `typedef struct exponent_scale15_t {ap_uint<1> sign; ...} exponent_scale15_t;`:
      // recorded so that a use of it is reported as unsupported, not as unknown.
      absl::string_view head = Trim(text.substr(14, text.size() - 15));
      typedefs_.emplace(std::string(head), Located{"struct", &file, st.line});
      skipping_struct = true;
      struct_name = std::string(head);
      continue;
    }
    if (absl::StartsWith(text, "const ") && text.find("::") != absl::string_view::npos &&
        text.find('=') != absl::string_view::npos && text.find('(') == absl::string_view::npos) {
      // `const slope_t hard_sigmoid_config4::slope = 0.2;` (hls4ml's hard activation configs).
      absl::string_view body = text;
      absl::ConsumeSuffix(&body, ";");
      const size_t eq = body.find('=');
      absl::string_view lhs = Trim(body.substr(0, eq));
      const size_t space = lhs.rfind(' ');
      if (space != absl::string_view::npos) {
        out_of_line_[std::string(lhs.substr(space + 1))] =
            Located{std::string(Trim(body.substr(eq + 1))), &file, st.line};
        out_of_line_[std::string(lhs.substr(space + 1)) + "#type"] =
            Located{std::string(Trim(lhs.substr(6, space - 6))), &file, st.line};
      }
      continue;
    }
    if (absl::StartsWith(text, "typedef ")) {
      absl::string_view body = text.substr(8);
      absl::ConsumeSuffix(&body, ";");
      body = Trim(body);
      size_t space = body.rfind(' ');
      if (space == absl::string_view::npos) continue;
      std::string name(Trim(body.substr(space + 1)));
      Located value{std::string(Trim(body.substr(0, space))), &file, st.line};
      auto [it, inserted] = typedefs_.emplace(name, value);
      if (!inserted && it->second.text != value.text) {
        return Error(absl::StatusCode::kInvalidArgument, here.Where(),
                     absl::StrCat("typedef ", name, " redefined as '", value.text, "' (was '",
                                  it->second.text, "' at ", it->second.Where(), ")"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<FixedType> ProjectReader::ResolveType(absl::string_view text, const Located& where,
                                                     int depth, int* pack) const {
  text = Trim(text);
  if (depth > 32) {
    return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                 absl::StrCat("typedef cycle through '", text, "'"));
  }
  if (absl::StartsWith(text, "ap_fixed") || absl::StartsWith(text, "ap_ufixed") ||
      absl::StartsWith(text, "ap_int") || absl::StartsWith(text, "ap_uint")) {
    absl::StatusOr<FixedType> type = ParseFixedType(std::string_view(text.data(), text.size()));
    if (!type.ok()) {
      return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                   absl::StrCat("unparsable type '", text, "': ", type.status().message()));
    }
    return type;
  }
  if (stream_ && absl::StartsWith(text, "nnet::array<") && absl::EndsWith(text, ">")) {
    const std::vector<std::string> parts =
        SplitTopLevel(text.substr(12, text.size() - 13));
    if (parts.size() != 2) {
      return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                   absl::StrCat("unparsable type '", text, "'"));
    }
    absl::StatusOr<int64_t> n = EvalInt(parts[1], where);
    if (!n.ok()) return n.status();
    if (pack != nullptr) *pack = static_cast<int>(*n);
    return ResolveType(parts[0], where, depth + 1);
  }
  if (absl::StartsWith(text, "nnet::array") || absl::StartsWith(text, "hls::stream")) {
    return Error(
        absl::StatusCode::kUnimplemented, where.Where(),
        absl::StrCat("type '", text,
                     "' belongs to an io_stream project; fpgaas supports io_parallel only"));
  }
  if (text == "struct") {
    return Error(absl::StatusCode::kUnimplemented, where.Where(),
                 "struct weight types (exponent or compressed weights) are not supported");
  }
  if (!IsIdentifier(text)) {
    return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                 absl::StrCat("unparsable type '", text, "'"));
  }
  auto it = typedefs_.find(std::string(text));
  if (it == typedefs_.end()) {
    static const std::set<std::string> kBuiltins = {"float", "double", "int",   "unsigned",
                                                    "bool",  "char",   "short", "long"};
    if (kBuiltins.count(std::string(text))) {
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("type '", text, "' is not an ap_fixed/ap_int type"));
    }
    return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                 absl::StrCat("unknown type '", text, "' (no typedef in defines.h/parameters.h)"));
  }
  if (it->second.text == "struct") {
    return Error(absl::StatusCode::kUnimplemented, it->second.Where(),
                 absl::StrCat("type '", text,
                              "' is a struct (exponent or compressed weights), not supported"));
  }
  return ResolveType(it->second.text, it->second, depth + 1, pack);
}

absl::StatusOr<int64_t> ProjectReader::EvalInt(absl::string_view expr, const Located& where,
                                               int depth) const {
  expr = Trim(expr);
  while (expr.size() >= 2 && expr.front() == '(' && expr.back() == ')') {
    expr = Trim(expr.substr(1, expr.size() - 2));
  }
  if (depth > 32) {
    return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                 absl::StrCat("macro cycle through '", Quoted(expr), "'"));
  }
  std::vector<std::string> terms = SplitTopLevel(expr, '+');
  if (terms.size() > 1) {
    int64_t sum = 0;
    for (const std::string& t : terms) {
      absl::StatusOr<int64_t> v = EvalInt(t, where, depth + 1);
      if (!v.ok()) return v.status();
      if (__builtin_add_overflow(sum, *v, &sum)) {
        return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                     absl::StrCat("'", Quoted(expr), "' overflows a 64-bit integer"));
      }
    }
    return sum;
  }
  std::vector<std::string> factors = SplitTopLevel(expr, '*');
  if (factors.size() > 1) {
    int64_t product = 1;
    for (const std::string& f : factors) {
      absl::StatusOr<int64_t> v = EvalInt(f, where, depth + 1);
      if (!v.ok()) return v.status();
      if (__builtin_mul_overflow(product, *v, &product)) {
        return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                     absl::StrCat("'", Quoted(expr), "' overflows a 64-bit integer"));
      }
    }
    return product;
  }
  int64_t value = 0;
  absl::string_view digits = expr;
  absl::ConsumeSuffix(&digits, "u");
  absl::ConsumeSuffix(&digits, "U");
  if (absl::SimpleAtoi(digits, &value)) return value;
  auto it = defines_.find(std::string(expr));
  if (it != defines_.end()) return EvalInt(it->second.text, it->second, depth + 1);
  return Error(absl::StatusCode::kInvalidArgument, where.Where(),
               absl::StrCat("cannot evaluate '", Quoted(expr), "' as an integer"));
}

absl::StatusOr<const ConfigStruct*> ProjectReader::Config(const LayerCall& call,
                                                          size_t template_index) const {
  if (call.template_args.size() <= template_index) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " call without a config template argument"));
  }
  const std::string& name = call.template_args[template_index];
  auto it = configs_.find(name);
  if (it == configs_.end()) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("config struct '", name, "' is not defined in parameters.h"));
  }
  return &it->second;
}

absl::StatusOr<std::optional<int64_t>> ProjectReader::ConfigInt(const ConfigStruct& config,
                                                                const std::string& field) const {
  auto it = config.values.find(field);
  if (it == config.values.end()) return std::optional<int64_t>();
  absl::StatusOr<int64_t> v = EvalInt(it->second.text, it->second);
  if (!v.ok()) return v.status();
  return std::optional<int64_t>(*v);
}

absl::StatusOr<FixedType> ProjectReader::ConfigType(const ConfigStruct& config,
                                                    const std::string& name,
                                                    std::optional<FixedType> fallback) const {
  auto it = config.typedefs.find(name);
  if (it == config.typedefs.end()) {
    if (fallback) return *fallback;
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat("struct ", config.name, " has no typedef ", name));
  }
  return ResolveType(it->second.text, it->second);
}

absl::Status ProjectReader::CheckIoType(const ConfigStruct& config) const {
  auto it = config.values.find("io_type");
  if (it == config.values.end()) return absl::OkStatus();
  if (it->second.text == (stream_ ? "nnet::io_stream" : "nnet::io_parallel")) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kInvalidArgument, it->second.Where(),
               absl::StrCat(config.name, "::io_type is ", it->second.text, " but the top function ",
                            stream_ ? "streams" : "takes arrays"));
}

absl::StatusOr<std::vector<double>> ProjectReader::ReadWeightValues(const std::string& name,
                                                                    const WeightDecl& decl,
                                                                    const LayerCall& call) const {
  const fs::path weights_dir = firmware_dir_ / "weights";
  const fs::path txt = weights_dir / decl.txt_name;
  std::error_code ec;
  std::string values_text;
  std::string display;
  if (absl::Status inside = CheckInside(txt, call.where.Where()); !inside.ok()) return inside;
  if (absl::Status inside = CheckInside(weights_dir / (name + ".h"), call.where.Where());
      !inside.ok()) {
    return inside;
  }
  const fs::path header_path = decl.header.empty() ? weights_dir / (name + ".h") : decl.header;
  if (decl.conditional && fs::is_regular_file(header_path, ec)) {
    // Only the .h initialiser counts (see WeightDecl::conditional).
  } else if (decl.from_load_call && !fs::is_regular_file(txt, ec)) {
    // The C simulation reads this file (and exits when it is missing); the values in the .h are
    // what synthesis would use, so they are not a silent substitute.
    return Error(absl::StatusCode::kNotFound, call.where.Where(),
                 absl::StrCat("missing weight file ", Display(txt), " (array ", name, " of nnet::",
                              call.function, ", loaded at ", decl.where.Where(), ")"));
  }
  if (fs::is_regular_file(txt, ec) && !(decl.conditional && fs::is_regular_file(header_path, ec))) {
    std::ifstream in(txt, std::ios::binary);
    std::getline(in, values_text);  // nnet::load_weights_from_txt reads the first line only
    display = Display(txt);
  } else {
    // Projects from before load_weights_from_txt (and synthesis-only copies) initialise the
    // array in weights/<name>.h (or in the header that declares it).
    const fs::path& header = header_path;
    if (absl::Status inside = CheckInside(header, call.where.Where()); !inside.ok()) return inside;
    std::ifstream in(header, std::ios::binary);
    std::stringstream buffer;
    if (in) buffer << in.rdbuf();
    const std::string content = buffer.str();
    size_t decl_pos = content.find(absl::StrCat(" ", name, "["));
    size_t open = decl_pos == std::string::npos ? decl_pos : content.find("= {", decl_pos);
    size_t close = open == std::string::npos ? open : content.find('}', open);
    if (close == std::string::npos) {
      return Error(absl::StatusCode::kNotFound, call.where.Where(),
                   absl::StrCat("missing weight file ", Display(txt), " (array ", name,
                                " of nnet::", call.function, ")"));
    }
    values_text = content.substr(open + 3, close - open - 3);
    display = Display(header);
  }
  std::vector<double> values;
  int index = 0;
  for (const std::string& token : SplitTopLevel(values_text)) {
    ++index;
    absl::string_view t = Trim(token);
    if (t.empty() && index == 1 && Trim(values_text).empty()) break;
    std::string s(t);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE) {
      return Error(absl::StatusCode::kInvalidArgument, display,
                   absl::StrCat("value #", index, " '", Quoted(t, 32), "' is not a number"));
    }
    values.push_back(v);
  }
  if (static_cast<int64_t>(values.size()) != decl.count) {
    return Error(absl::StatusCode::kInvalidArgument, display,
                 absl::StrCat(values.size(), " values, but ", name, " is declared with ",
                              decl.count, " (", decl.where.Where(), ")"));
  }
  return values;
}

std::vector<fs::path> ProjectReader::WeightHeadersOfParameters() const {
  std::vector<fs::path> headers;
  std::ifstream in(firmware_dir_ / "parameters.h", std::ios::binary);
  std::string line;
  std::error_code ec;
  while (in && std::getline(in, line)) {
    absl::string_view l = Trim(line);
    if (!absl::ConsumePrefix(&l, "#include")) continue;
    l = Trim(l);
    if (l.size() < 2 || l.front() != '"') continue;
    const size_t close = l.find('"', 1);
    if (close == absl::string_view::npos) continue;
    const std::string name(l.substr(1, close - 1));
    if (name == "defines.h" || absl::StrContains(name, "/") || absl::StrContains(name, "..")) {
      continue;
    }
    if (fs::is_regular_file(firmware_dir_ / name, ec)) headers.push_back(firmware_dir_ / name);
  }
  return headers;
}

absl::StatusOr<std::vector<int64_t>> ProjectReader::LoadWeights(const std::string& name,
                                                                const FixedType& type,
                                                                int64_t expected_count,
                                                                absl::string_view what,
                                                                const LayerCall& call) {
  WeightDecl decl;
  auto it = weight_decls_.find(name);
  if (it != weight_decls_.end()) {
    decl = it->second;
  } else {
    // No load_weights_from_txt call: the declaration in weights/<name>.h (or in a header that
    // parameters.h includes) gives the type.
    fs::path header = firmware_dir_ / "weights" / (name + ".h");
    std::error_code ec;
    if (!fs::is_regular_file(header, ec)) {
      for (const fs::path& included : WeightHeadersOfParameters()) {
        std::ifstream in(included, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (absl::StrContains(text.str(), absl::StrCat(" ", name, "["))) {
          header = included;
          break;
        }
      }
    }
    if (absl::Status inside = CheckInside(header, call.where.Where()); !inside.ok()) return inside;
    absl::StatusOr<SourceFile> file = ReadSourceFile(header, Display(header));
    if (!file.ok()) {
      return Error(absl::StatusCode::kNotFound, call.where.Where(),
                   absl::StrCat("weight array ", name, " is neither loaded by a ",
                                "load_weights_from_txt call nor declared in ",
                                Display(firmware_dir_ / "weights" / (name + ".h")),
                                " or a header parameters.h includes"));
    }
    decl.header = header;
    bool found = false;
    for (const Statement& st : file->statements) {
      absl::string_view text = st.text;
      size_t eq = text.find(" = {");
      if (eq != absl::string_view::npos) text = text.substr(0, eq);
      std::string decl_type, decl_name, size;
      if (!ParseArrayDecl(text, &decl_type, &decl_name, &size) || decl_name != name) continue;
      Located where{st.text, nullptr, st.line};
      absl::StatusOr<int64_t> count = EvalInt(size, where);
      if (!count.ok()) {
        return Error(absl::StatusCode::kInvalidArgument, file->Where(st.line),
                     absl::StrCat("cannot evaluate the size '", size, "' of ", name));
      }
      decl.type = decl_type;
      decl.count = *count;
      decl.txt_name = name + ".txt";
      found = true;
      break;
    }
    if (!found) {
      return Error(absl::StatusCode::kInvalidArgument, file->display_name,
                   absl::StrCat("no declaration of array ", name));
    }
    // Keep the header alive for error locations.
    files_.push_back(std::make_unique<SourceFile>(*std::move(file)));
    decl.where = Located{"", files_.back().get(), 1};
  }
  absl::StatusOr<FixedType> declared = ResolveType(decl.type, decl.where);
  if (!declared.ok()) return declared.status();
  if (!(*declared == type)) {
    return Error(absl::StatusCode::kInvalidArgument, decl.where.Where(),
                 absl::StrCat(name, " is declared as ", decl.type, " = ", declared->ToString(),
                              " but nnet::", call.function, " at ", call.where.Where(), " uses ",
                              what, " = ", type.ToString()));
  }
  if (decl.count != expected_count) {
    return Error(absl::StatusCode::kInvalidArgument, decl.where.Where(),
                 absl::StrCat(name, " has ", decl.count, " values but nnet::", call.function,
                              " at ", call.where.Where(), " needs ", expected_count));
  }
  absl::StatusOr<std::vector<double>> values = ReadWeightValues(name, decl, call);
  if (!values.ok()) return values.status();
  std::vector<int64_t> raw;
  raw.reserve(values->size());
  for (size_t i = 0; i < values->size(); ++i) {
    absl::StatusOr<int64_t> r = FromDouble(type, (*values)[i]);
    if (!r.ok()) {
      return Error(absl::StatusCode::kInvalidArgument,
                   Display(firmware_dir_ / "weights" / decl.txt_name),
                   absl::StrCat("value #", i + 1, ": ", r.status().message()));
    }
    raw.push_back(*r);
  }
  return raw;
}

absl::Status ProjectReader::ReadTopFunction(const SourceFile& file) {
  // `void <name>(...) {` statements: the function named after the file, else the file's only one
  // (projects that renamed the top but not its file, e.g. cicada.cpp defining cicada_v2p2p0).
  std::vector<size_t> definitions;
  std::vector<std::string> defined;
  for (size_t k = 0; k < file.statements.size(); ++k) {
    absl::string_view text = file.statements[k].text;
    if (text.empty() || text.back() != '{' || !absl::ConsumePrefix(&text, "void ")) continue;
    const size_t paren = text.find('(');
    if (paren == absl::string_view::npos || !IsIdentifier(text.substr(0, paren))) continue;
    definitions.push_back(k);
    defined.emplace_back(text.substr(0, paren));
  }
  size_t i = file.statements.size();
  for (size_t k = 0; k < definitions.size(); ++k) {
    if (defined[k] == top_function_) i = definitions[k];
  }
  if (i == file.statements.size() && definitions.size() == 1) {
    i = definitions[0];
    top_function_ = defined[0];
  }
  if (i == file.statements.size()) {
    return Error(absl::StatusCode::kInvalidArgument, file.display_name,
                 absl::StrCat("no definition of the top function ", top_function_, " (",
                              definitions.size(), " other void functions: ",
                              absl::StrJoin(defined, ", "), ")"));
  }
  const std::string signature_prefix = absl::StrCat("void ", top_function_, "(");
  const Statement& signature = file.statements[i];
  absl::string_view params = signature.text;
  params.remove_prefix(signature_prefix.size());
  size_t close = params.rfind(')');
  params = params.substr(0, close);
  std::vector<ArrayDecl> arrays;
  std::vector<std::string> names;
  for (const std::string& param : SplitTopLevel(params)) {
    Located where{param, &file, signature.line};
    std::string type, name, size;
    if (absl::StartsWith(param, "hls::stream<")) {
      // `hls::stream<input_t> &input_1`: an io_stream project; sizes come from the configs.
      const size_t close_angle = param.rfind('>');
      const size_t amp = param.find('&', close_angle);
      if (close_angle == std::string::npos || amp == std::string::npos ||
          !IsIdentifier(Trim(absl::string_view(param).substr(amp + 1)))) {
        return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                     absl::StrCat("cannot parse the stream argument '", param, "'"));
      }
      stream_ = true;
      arrays.push_back({std::string(Trim(absl::string_view(param).substr(12, close_angle - 12))),
                        "", where});
      names.emplace_back(Trim(absl::string_view(param).substr(amp + 1)));
    } else if (ParseArrayDecl(param, &type, &name, &size)) {
      arrays.push_back({type, size, where});
      names.push_back(name);
    } else if (!absl::StartsWith(param, "unsigned short &const_size")) {
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("unsupported top-function argument '", param, "'"));
    }
  }
  if (arrays.size() < 2) {
    return Error(absl::StatusCode::kInvalidArgument, file.Where(signature.line),
                 absl::StrCat("the top function has ", arrays.size(),
                              " array arguments; it needs at least an input and an output"));
  }
  top_arrays_ = arrays;
  top_names_ = names;

  int depth = 1;
  int loop_depth = 0;  // > 0: the depth inside the open TimeDistributed loop
  // Preprocessor conditions around the statements: true where the C simulation's default build
  // (no -D flags, __SYNTHESIS__ undefined) compiles the branch, false otherwise or unknown.
  std::vector<bool> simulated;
  auto in_simulation = [&] {
    return std::all_of(simulated.begin(), simulated.end(), [](bool b) { return b; });
  };
  for (++i; i < file.statements.size() && depth > 0; ++i) {
    const Statement& st = file.statements[i];
    absl::string_view text = st.text;
    Located where{st.text, &file, st.line};
    if (text.front() == '#') {  // pragmas, #ifndef __SYNTHESIS__, ...
      absl::string_view directive = Trim(text.substr(1));
      if (absl::ConsumePrefix(&directive, "ifndef")) {
        simulated.push_back(Trim(directive) == "__SYNTHESIS__");
      } else if (absl::ConsumePrefix(&directive, "ifdef") ||
                 absl::ConsumePrefix(&directive, "if")) {
        simulated.push_back(false);
      } else if (absl::StartsWith(directive, "else") && !simulated.empty()) {
        simulated.back() = false;
      } else if (absl::StartsWith(directive, "endif") && !simulated.empty()) {
        simulated.pop_back();
      }
      continue;
    }
    static const std::set<std::string> kUnqualified = {
        "dense", "conv_1d_cl", "conv_2d_cl", "concatenate1d", "concatenate2d", "concatenate3d",
        "add", "subtract", "multiply", "average", "maximum", "minimum", "relu", "linear",
        "softmax", "sigmoid", "normalize", "pooling2d_cl", "zeropad2d_cl"};
    std::string qualified;
    if (const size_t angle = text.find('<'); angle != absl::string_view::npos &&
                                             kUnqualified.count(std::string(text.substr(0, angle)))) {
      // `concatenate1d<...>(...)` inside `using namespace nnet;` code.
      qualified = absl::StrCat("nnet::", text);
      text = qualified;
    }
    if (text.front() == '}') {
      if (depth == loop_depth) {
        loops_.back().end_call = calls_.size();
        loops_.back().end_comment = st.comment;
        loop_depth = 0;
      }
      --depth;
      continue;
    }
    if (text.back() == '{') {
      ++depth;
      if (absl::StartsWith(text, "if (") || absl::StartsWith(text, "if(") ||
          absl::StartsWith(text, "else")) {
        continue;
      }
      // TimeDistributed (hls4ml 1.3): `for (int ts = 0; ts < config2::n_time_steps; ts++) {`.
      std::string flat;
      for (char ch : text) {
        if (!absl::ascii_isspace(static_cast<unsigned char>(ch))) flat.push_back(ch);
      }
      absl::string_view f = flat;
      if (absl::ConsumePrefix(&f, "for(int")) {
        const size_t eq = f.find("=0;");
        const std::string var(f.substr(0, eq));
        absl::string_view rest = eq == absl::string_view::npos ? "" : f.substr(eq + 3);
        const size_t bound = rest.find("::n_time_steps;");
        const std::string config(bound == absl::string_view::npos || bound <= var.size() + 1
                                     ? absl::string_view()
                                     : rest.substr(var.size() + 1, bound - var.size() - 1));
        if (IsIdentifier(var) && IsIdentifier(config) && absl::ConsumePrefix(&rest, var + "<") &&
            rest == absl::StrCat(config, "::n_time_steps;", var, "++){")) {
          if (loop_depth > 0) {
            return Error(absl::StatusCode::kUnimplemented, where.Where(),
                         absl::StrCat("a TimeDistributed loop inside another (",
                                      loops_.back().where.Where(), ") is not supported"));
          }
          loops_.push_back(TimeStepLoop{var, config, where, calls_.size(), calls_.size(), ""});
          loop_depth = depth;
          continue;
        }
      }
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("unsupported statement '", text, "'"));
    }
    if (absl::StartsWith(text, "hls::stream<")) {
      // `hls::stream<layer2_t> layer2_out("layer2_out");`
      const size_t close_angle = text.rfind('>', text.find('('));
      const size_t open = text.find('(', close_angle);
      std::string name = close_angle == absl::string_view::npos || open == absl::string_view::npos
                             ? std::string()
                             : std::string(Trim(text.substr(close_angle + 1, open - close_angle - 1)));
      if (!IsIdentifier(name)) {
        return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                     absl::StrCat("cannot parse the stream declaration '", text, "'"));
      }
      arrays_[name] = ArrayDecl{std::string(Trim(text.substr(12, close_angle - 12))), "", where};
      continue;
    }
    if (absl::StartsWith(text, "auto& ") || absl::StartsWith(text, "auto &")) {
      // `auto& layer8_out = layer7_out;` (Flatten/Reshape: the same array under another name).
      absl::string_view body = Trim(text.substr(5));
      absl::ConsumePrefix(&body, "&");
      absl::ConsumeSuffix(&body, ";");
      const size_t eq = body.find('=');
      if (eq != absl::string_view::npos) {
        const std::string alias(Trim(body.substr(0, eq))), target(Trim(body.substr(eq + 1)));
        if (IsIdentifier(alias) && IsIdentifier(target)) {
          aliases_[alias] = target;
          continue;
        }
      }
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("unsupported statement '", text, "'"));
    }
    if (absl::StartsWith(text, "nnet::")) {
      LayerCall call;
      std::string function;
      if (!ParseCall(text, &function, &call.template_args, &call.args)) {
        return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                     absl::StrCat("cannot parse '", text, "'"));
      }
      call.function = function.substr(6);
      call.where = where;
      call.comment = st.comment;
      if (call.function == "load_weights_from_txt" ||
          call.function == "load_exponent_weights_from_txt") {
        if (call.template_args.size() != 2 || call.args.size() != 2) {
          return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                       absl::StrCat("cannot parse '", text, "'"));
        }
        absl::StatusOr<int64_t> count = EvalInt(call.template_args[1], where);
        if (!count.ok()) return count.status();
        std::string txt(Trim(call.args[1]));
        if (txt.size() < 2 || txt.front() != '"' || txt.back() != '"') {
          return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                       absl::StrCat("cannot parse the file name in '", text, "'"));
        }
        std::string file_name = txt.substr(1, txt.size() - 2);
        const fs::path file_path(file_name);
        if (file_name.empty() || file_path.is_absolute() ||
            std::any_of(file_path.begin(), file_path.end(),
                        [](const fs::path& part) { return part == ".."; })) {
          return Error(absl::StatusCode::kInvalidArgument, where.Where(),
                       absl::StrCat("weight file name '", Quoted(file_name),
                                    "' must be relative to firmware/weights/ without '..'"));
        }
        weight_decls_[call.args[0]] = WeightDecl{call.template_args[0], *count,
                                                 std::move(file_name), fs::path(), where,
                                                 true, !in_simulation(),
                                                 call.function != "load_weights_from_txt"};
        continue;
      }
      if (call.function == "load_compressed_weights_from_txt") {
        return Error(absl::StatusCode::kUnimplemented, where.Where(),
                     absl::StrCat("nnet::", call.function,
                                  ": compressed weights are not supported"));
      }
      if (call.function == "save_layer_output") continue;  // hls4ml trace, C simulation only
      if (loop_depth > 0) call.loop = static_cast<int>(loops_.size()) - 1;
      if ((call.function == "clone_stream" || call.function == "repack_stream") &&
          call.args.size() >= 2) {
        // Copies of a stream (branches) and re-packed streams (Reshape/Flatten) carry the same
        // values in the same order: aliases of the source.
        for (size_t k = 1; k < call.args.size(); ++k) aliases_[call.args[k]] = call.args[0];
        continue;
      }
      calls_.push_back(std::move(call));
      continue;
    }
    std::string type, name, size;
    if (ParseArrayDecl(text, &type, &name, &size)) {
      arrays_[name] = ArrayDecl{type, size, where};
      continue;
    }
    // Statements of the generated boilerplate: `static bool loaded_weights = false;`,
    // `loaded_weights = true;`, `const_size_in_1 = N_INPUT_1_1;`.
    if (absl::StartsWith(text, "static bool ") ||
        (text.find('(') == absl::string_view::npos && text.find('=') != absl::string_view::npos)) {
      continue;
    }
    return Error(absl::StatusCode::kUnimplemented, where.Where(),
                 absl::StrCat("unsupported statement '", text, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LayerSpec> ProjectReader::BuildDense(const LayerCall& call, int n_in) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  if (call.args.size() != 4) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::dense takes (input, output, weights, biases)");
  }
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  absl::StatusOr<std::optional<int64_t>> cfg_n_out = ConfigInt(config, "n_out");
  absl::StatusOr<std::optional<int64_t>> reuse = ConfigInt(config, "reuse_factor");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!cfg_n_out.ok()) return cfg_n_out.status();
  if (!reuse.ok()) return reuse.status();
  if (!*cfg_n_in || !*cfg_n_out) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat("struct ", config.name, " lacks n_in or n_out"));
  }
  if (**cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_in").Where(),
                 absl::StrCat(config.name, "::n_in is ", **cfg_n_in, " but the layer's input has ",
                              n_in, " values"));
  }
  // Strategy: the function name (older releases), the strategy field, and (1.x) the kernel.
  bool resource = call.function == "dense_resource" || call.function == "dense_large";
  bool unrolled = false;  // resource_unrolled: the generated kernel is checked below
  auto strategy = config.values.find("strategy");
  if (strategy != config.values.end()) {
    const std::string& s = strategy->second.text;
    if (s == "nnet::resource") {
      resource = true;
    } else if (s == "nnet::resource_unrolled") {
      resource = unrolled = true;
    } else if (s != "nnet::latency") {
      return Error(absl::StatusCode::kUnimplemented, strategy->second.Where(),
                   absl::StrCat("dense strategy ", s,
                                " is not supported (latency, resource and resource_unrolled are)"));
    }
    if ((call.function == "dense_latency" && resource) ||
        ((call.function == "dense_resource" || call.function == "dense_large") && !resource)) {
      return Error(absl::StatusCode::kInvalidArgument, strategy->second.Where(),
                   absl::StrCat(config.name, "::strategy ", s, " contradicts nnet::", call.function,
                                " at ", call.where.Where()));
    }
  }
  auto kernel = config.usings.find("kernel");
  if (kernel != config.usings.end()) {
    const std::string& k = kernel->second.text;
    const bool kernel_unrolled = absl::StrContains(k, "::dense_resource_unrolled_");
    const bool kernel_resource = absl::StartsWith(k, "nnet::DenseResource") || kernel_unrolled;
    if (!kernel_resource && !absl::StartsWith(k, "nnet::DenseLatency")) {
      return Error(absl::StatusCode::kUnimplemented, kernel->second.Where(),
                   absl::StrCat("dense kernel ", k, " is not supported"));
    }
    if (kernel_resource != resource || kernel_unrolled != unrolled) {
      return Error(absl::StatusCode::kInvalidArgument, kernel->second.Where(),
                   absl::StrCat(config.name, " kernel ", k, " contradicts its strategy"));
    }
  }
  if (unrolled && kernel == config.usings.end()) {
    return Error(absl::StatusCode::kInvalidArgument, strategy->second.Where(),
                 absl::StrCat(config.name,
                              " has strategy nnet::resource_unrolled but no kernel "
                              "naming its generated dense_resource_unrolled function"));
  }
  auto product = config.usings.find("product");
  const bool has_product = product != config.usings.end();
  const std::string product_text = has_product ? product->second.text : "";
  const bool binary_or_ternary =
      absl::StartsWith(product_text, "nnet::product::weight_binary") ||
      absl::StartsWith(product_text, "nnet::product::weight_ternary");
  const bool exponential = absl::StartsWith(product_text, "nnet::product::weight_exponential");
  const bool both_binary = absl::StartsWith(product_text, "nnet::product::both_binary");
  const bool data_binary = absl::StartsWith(product_text, "nnet::product::data_binary");
  if (has_product && !binary_or_ternary && !exponential && !both_binary && !data_binary &&
      !absl::StartsWith(product_text, "nnet::product::mult")) {
    return Error(absl::StatusCode::kUnimplemented, product->second.Where(),
                 absl::StrCat("product ", product_text, " is not supported"));
  }
  DenseSpec dense;
  dense.n_in = n_in;
  dense.n_out = static_cast<int>(**cfg_n_out);
  dense.resource_strategy = resource;
  dense.reuse_factor = reuse->value_or(1);
  // nnet's products and cast<> are chosen by std::is_same on the spelled types: ap_uint<1> and
  // ap_int<2> count, the same-valued ap_ufixed<1,1> and ap_fixed<2,2> do not.
  const std::string data_spelled = SpelledType(call.template_args[0]);
  const std::string weight_spelled =
      exponential || !config.typedefs.count("weight_t")
          ? ""
          : SpelledType(config.typedefs.at("weight_t").text);
  const bool data_uint1 = data_spelled == "ap_uint<1>";
  const bool weight_uint1 = weight_spelled == "ap_uint<1>";
  // How the weights are mapped before the layer runs: 'b'inary, 't'ernary to -1/0/1, or not.
  char effective = 0;
  if (!has_product) {
    absl::StatusOr<DenseProduct> p = OverloadedDenseProduct(call, config, data_spelled,
                                                            weight_spelled, &effective);
    if (!p.ok()) return p.status();
    dense.product = *p;
  } else if (binary_or_ternary || both_binary || data_binary) {
    absl::StatusOr<DenseProduct> p =
        NamedBinaryProduct(product->second, data_uint1, weight_uint1, &effective);
    if (!p.ok()) return p.status();
    dense.product = *p;
  }
  // An exponent struct weight_t has no fixed-point type; the weights say what they are.
  absl::StatusOr<FixedType> weight_type =
      exponential ? FixedType{} : ConfigType(config, "weight_t", std::nullopt);
  absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
  absl::StatusOr<FixedType> accum_type = ConfigType(config, "accum_t", std::nullopt);
  if (!weight_type.ok()) return weight_type.status();
  if (!bias_type.ok()) return bias_type.status();
  if (!accum_type.ok()) return accum_type.status();
  if (data_uint1) {
    absl::StatusOr<BinaryCast> cast = DenseBinaryCast(call, config, has_product, weight_uint1);
    if (!cast.ok()) return cast.status();
    dense.binary_cast = *cast;
  }
  dense.weight_type = *weight_type;
  dense.bias_type = *bias_type;
  dense.accum_type = *accum_type;
  const int64_t n_weights = int64_t{dense.n_in} * dense.n_out;
  if (exponential) {
    absl::StatusOr<FixedType> data = ResolveType(call.template_args[0], call.where);
    if (!data.ok()) return data.status();
    absl::StatusOr<ExponentWeights> e = ReadExponentWeights(
        call, config, "weight_t", product->second, *data, call.args[2], n_weights);
    if (!e.ok()) return e.status();
    absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
        call.args[3], dense.bias_type, dense.n_out, absl::StrCat(config.name, "::bias_t"), call);
    if (!biases.ok()) return biases.status();
    if (unrolled) {
      // A power-of-two weight is never 0: every product must be there.
      if (absl::Status st = CheckUnrolledDense(kernel->second, dense.n_in, dense.n_out,
                                               dense.reuse_factor, [](int64_t) { return false; });
          !st.ok()) {
        return st;
      }
    }
    if (resource) {
      // Stored transposed like any resource-strategy kernel: file index j * n_in + i.
      ExponentWeights t = *e;
      for (int i = 0; i < dense.n_in; ++i) {
        for (int j = 0; j < dense.n_out; ++j) {
          const size_t to = static_cast<size_t>(i) * dense.n_out + j;
          const size_t from = static_cast<size_t>(j) * dense.n_in + i;
          t.sign[to] = e->sign[from];
          t.exponent[to] = e->exponent[from];
        }
      }
      *e = std::move(t);
    }
    dense.exponent_weights = *std::move(e);
    dense.biases = *std::move(biases);
    LayerSpec layer;
    layer.op = std::move(dense);
    return layer;
  }
  absl::StatusOr<std::vector<int64_t>> weights = LoadWeights(
      call.args[2], dense.weight_type, n_weights, absl::StrCat(config.name, "::weight_t"), call);
  if (!weights.ok()) return weights.status();
  absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
      call.args[3], dense.bias_type, dense.n_out, absl::StrCat(config.name, "::bias_t"), call);
  if (!biases.ok()) return biases.status();
  if (effective != 0) EffectiveBinaryTernary(effective == 'b', &dense.weight_type, &*weights);
  if (unrolled) {
    // Raws of an ordinary weight_t, or the effective -1/0/1 of a binary/ternary product.
    if (absl::Status st =
            CheckUnrolledDense(kernel->second, dense.n_in, dense.n_out, dense.reuse_factor,
                               [&](int64_t w) { return (*weights)[w] == 0; });
        !st.ok()) {
      return st;
    }
  }
  if (resource) {
    // Resource strategy stores the kernel transposed: file index j * n_in + i.
    dense.weights.resize(weights->size());
    for (int i = 0; i < dense.n_in; ++i) {
      for (int j = 0; j < dense.n_out; ++j) {
        dense.weights[int64_t{i} * dense.n_out + j] = (*weights)[int64_t{j} * dense.n_in + i];
      }
    }
  } else {
    dense.weights = *std::move(weights);
  }
  dense.biases = *std::move(biases);
  LayerSpec layer;
  layer.op = std::move(dense);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildBatchNorm(const LayerCall& call, int n_in) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  if (call.args.size() != 4) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::normalize takes (input, output, scale, bias)");
  }
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  absl::StatusOr<std::optional<int64_t>> n_filt = ConfigInt(config, "n_filt");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!n_filt.ok()) return n_filt.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  // Per-channel (after a convolution): n_filt scales and biases, element i uses i % n_filt.
  int n_params = n_in;
  if (*n_filt && **n_filt != -1 && **n_filt != n_in) {
    if (**n_filt <= 0 || n_in % **n_filt != 0) {
      return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_filt").Where(),
                   absl::StrCat(config.name, "::n_filt = ", **n_filt, " does not divide n_in = ",
                                n_in));
    }
    n_params = static_cast<int>(**n_filt);
  }
  auto product = config.usings.find("product");
  const bool exponential = product != config.usings.end() &&
                           absl::StartsWith(product->second.text,
                                            "nnet::product::weight_exponential");
  if (product != config.usings.end() && !exponential &&
      !absl::StartsWith(product->second.text, "nnet::product::mult")) {
    return Error(absl::StatusCode::kUnimplemented, product->second.Where(),
                 absl::StrCat("product ", product->second.text, " is not supported"));
  }
  BatchNormSpec bn;
  bn.n = n_in;
  // hls4ml 0.5 - 0.7 configs declare a three-parameter product (mult<x_T, y_T, res_T>) whose
  // product() returns res_T: nnet::normalize rounds x * scale to the result type before adding
  // the bias. Later releases (mult<x_T, y_T>) and 2019-2020 ones (no product) keep it exact.
  bn.product_in_result_type =
      product != config.usings.end() && ProductTemplateArity(product->second.text) == 3;
  if (exponential) {
    bn.product_in_result_type = false;
    absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
    if (!bias_type.ok()) return bias_type.status();
    bn.bias_type = *bias_type;
    absl::StatusOr<FixedType> data = ResolveType(call.template_args[0], call.where);
    if (!data.ok()) return data.status();
    absl::StatusOr<ExponentWeights> scales = ReadExponentWeights(
        call, config, "scale_t", product->second, *data, call.args[2], n_params);
    if (!scales.ok()) return scales.status();
    bn.exponent_product_type = scales->product_type;
    absl::StatusOr<std::vector<int64_t>> bias = LoadWeights(
        call.args[3], bn.bias_type, n_params, absl::StrCat(config.name, "::bias_t"), call);
    if (!bias.ok()) return bias.status();
    const std::vector<int>& signs = scales->sign;
    const std::vector<int>& exponents = scales->exponent;
    for (int i = 0; i < n_in; ++i) {
      bn.exponent_sign.push_back(signs[i % n_params]);
      bn.exponent.push_back(exponents[i % n_params]);
      bn.bias.push_back((*bias)[i % n_params]);
    }
    LayerSpec layer;
    layer.op = std::move(bn);
    return layer;
  }
  absl::StatusOr<FixedType> scale_type = ConfigType(config, "scale_t", std::nullopt);
  absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
  if (!scale_type.ok()) return scale_type.status();
  if (!bias_type.ok()) return bias_type.status();
  bn.scale_type = *scale_type;
  bn.bias_type = *bias_type;
  absl::StatusOr<std::vector<int64_t>> scale = LoadWeights(
      call.args[2], bn.scale_type, n_params, absl::StrCat(config.name, "::scale_t"), call);
  if (!scale.ok()) return scale.status();
  absl::StatusOr<std::vector<int64_t>> bias = LoadWeights(
      call.args[3], bn.bias_type, n_params, absl::StrCat(config.name, "::bias_t"), call);
  if (!bias.ok()) return bias.status();
  for (int i = 0; i < n_in; ++i) {
    bn.scale.push_back((*scale)[i % n_params]);
    bn.bias.push_back((*bias)[i % n_params]);
  }
  LayerSpec layer;
  layer.op = std::move(bn);
  return layer;
}

absl::Status ProjectReader::CheckBinaryTernarySource(const Located& product) {
  const bool binary = absl::StartsWith(product.text, "nnet::product::weight_binary");
  if (ProductTemplateArity(product.text) != 2) {
    // hls4ml 0.5/0.6 return (x_T) -a: the negation wraps in the input type.
    return Error(absl::StatusCode::kUnimplemented, product.Where(),
                 absl::StrCat("product ", product.text, ": the three-parameter products of "
                              "hls4ml 0.5/0.6 are not supported in convolutions"));
  }
  // The project's own nnet_mult.h must compute what hls4ml 0.7+ does (a missing one: 1.x).
  const std::string& source = NnetUtils("nnet_mult.h");
  if (!source.empty()) {
    const std::string flat = WithoutSpaces(source);
    const bool ok = binary ? absl::StrContains(flat, "if(w==0)return-a;elsereturna;")
                           : absl::StrContains(flat,
                                               "if(w==0)return0;elseif(w==-1)return-a;else"
                                               "returna;");
    if (!ok || !absl::StrContains(flat, "->decltype(-a)")) {
      return Error(absl::StatusCode::kUnimplemented,
                   Display(firmware_dir_ / "nnet_utils" / "nnet_mult.h"),
                   absl::StrCat("this nnet_mult.h's ", binary ? "weight_binary" : "weight_ternary",
                                " is not hls4ml's (edited?): its product cannot be reproduced"));
    }
  }
  return absl::OkStatus();
}

absl::Status ProjectReader::BinaryTernaryWeights(const Located& product, FixedType* weight_type,
                                                 std::vector<int64_t>* raws) {
  if (absl::Status st = CheckBinaryTernarySource(product); !st.ok()) return st;
  EffectiveBinaryTernary(absl::StartsWith(product.text, "nnet::product::weight_binary"),
                         weight_type, raws);
  return absl::OkStatus();
}

absl::StatusOr<DenseProduct> ProjectReader::OverloadedDenseProduct(
    const LayerCall& call, const ConfigStruct& config, const std::string& data_spelled,
    const std::string& weight_spelled, char* effective) {
  const bool data_uint1 = data_spelled == "ap_uint<1>";
  const bool weight_uint1 = weight_spelled == "ap_uint<1>";
  const bool weight_int2 = weight_spelled == "ap_int<2>";
  if (!data_uint1 && !weight_uint1 && !weight_int2) return DenseProduct::kMult;
  // hls4ml 0.1.6 - 0.4 (nnet_dense.h) define four product<data_T, weight_T, ret_T> overloads:
  // (ap_uint<1>, ap_uint<1>): a == w; (not ap_uint<1>, ap_uint<1>): w == 0 ? (data_T) -a : a;
  // (not ap_uint<2> [sic], ap_int<2>): 0, (data_T) -a or a, more specialised than the generic
  // (not ap_uint<1>, not ap_uint<1>): a * w. Earlier releases have only a * w.
  // A project that does not ship its nnet_dense.h is read as 0.1.6 - 0.4's (no earlier release
  // writes ap_uint<1> or ap_int<2> types).
  const std::string& source = NnetUtils("nnet_dense.h");
  const std::string path = Display(firmware_dir_ / "nnet_utils" / "nnet_dense.h");
  const std::string flat = WithoutSpaces(source);
  if (!source.empty() && !absl::StrContains(flat, "product(")) {
    return DenseProduct::kMult;  // hls4ml <= 0.1.5
  }
  const bool ok =
      source.empty() ||
      (absl::StrContains(flat,
                        "product(ap_uint<1>a,ap_uint<1>w){//specialisationfor1-bitweightsand"
                        "incomingdata#pragmaHLSinlineoffreturna==w;}") &&
      absl::StrContains(flat, "(notstd::is_same<data_T,ap_uint<1>>::value)andstd::is_same<"
                              "weight_T,ap_uint<1>>::value,ret_T>::typeproduct(data_Ta,ap_uint<1>"
                              "w){//Specialisationfor1-bitweights,arbitrarydata#pragmaHLSinline"
                              "offreturnw==0?(data_T)-a:a;}") &&
      absl::StrContains(flat, "(notstd::is_same<data_T,ap_uint<2>>::value)andstd::is_same<"
                              "weight_T,ap_int<2>>::value,ret_T>::typeproduct(data_Ta,ap_int<2>w)"
                              "{//Specialisationfor2-bitweights,arbitrarydata#pragmaHLSinlineoff"
                              "if(w==0)return(data_T)0;elseif(w==-1)return(data_T)-a;elsereturn"
                              "(data_T)a;//if(w==1)}") &&
      absl::StrContains(flat, "(notstd::is_same<data_T,ap_uint<1>>::value)and(notstd::is_same<"
                              "weight_T,ap_uint<1>>::value),ret_T>::typeproduct(data_Ta,weight_T"
                              "w){//'Normal'product#pragmaHLSinlineoffreturna*w;}"));
  if (!ok) {
    return Error(absl::StatusCode::kUnimplemented, path,
                 "this nnet_dense.h's product overloads are not hls4ml's (edited?): its 1- and "
                 "2-bit products cannot be reproduced");
  }
  if (data_uint1 && weight_uint1) return DenseProduct::kXnor;
  if (weight_uint1) {
    *effective = 'b';
    return DenseProduct::kNegateInInput;
  }
  if (weight_int2 && data_spelled != "ap_uint<2>") {
    *effective = 't';
    return DenseProduct::kNegateInInput;
  }
  if (data_uint1) {
    return Error(absl::StatusCode::kInvalidArgument, config.typedefs.at("weight_t").Where(),
                 absl::StrCat(config.name, "::weight_t = ", weight_spelled, " with ap_uint<1> "
                              "input: no product overload of nnet_dense.h matches (the project "
                              "does not compile)"));
  }
  return DenseProduct::kMult;
}

absl::StatusOr<DenseProduct> ProjectReader::NamedBinaryProduct(const Located& product,
                                                               bool data_uint1,
                                                               bool weight_uint1,
                                                               char* effective) {
  const std::string& text = product.text;
  const bool two = ProductTemplateArity(text) == 2;
  const bool weight_binary = absl::StartsWith(text, "nnet::product::weight_binary");
  const bool weight_ternary = absl::StartsWith(text, "nnet::product::weight_ternary");
  const bool both_binary = absl::StartsWith(text, "nnet::product::both_binary");
  if ((weight_binary || weight_ternary) && two) {
    if (absl::Status st = CheckBinaryTernarySource(product); !st.ok()) return st;
    *effective = weight_binary ? 'b' : 't';
    return DenseProduct::kMult;
  }
  if (both_binary && !(data_uint1 && weight_uint1)) {
    return Error(absl::StatusCode::kUnimplemented, product.Where(),
                 absl::StrCat("product ", text, " is not supported with an input or weight "
                              "type other than ap_uint<1>"));
  }
  // The release's text of each product (whitespace removed): hls4ml 0.5/0.6 (three parameters)
  // return y_T from x_T / w_T negations, 0.7+ (two) negate exactly.
  const std::string flat = WithoutSpaces(NnetUtils("nnet_mult.h"));
  std::string expected;
  std::string also;
  DenseProduct kind = DenseProduct::kMult;
  if (both_binary) {
    expected = "returna==w;";
    kind = DenseProduct::kXnor;
  } else if (weight_binary) {
    expected = "returnw==0?(x_T)-a:a;";
    kind = DenseProduct::kNegateInInput;
    *effective = 'b';
  } else if (weight_ternary) {
    expected = "if(w==0)return(x_T)0;elseif(w==-1)return(x_T)-a;elsereturn(x_T)a;";
    kind = DenseProduct::kNegateInInput;
    *effective = 't';
  } else if (two) {  // data_binary
    expected = "if(a==0)return-w;elsereturnw;";
    also = "->decltype(-w)";
    kind = DenseProduct::kDataBinary;
  } else {
    expected = "returna==0?(w_T)-w:w;";
    kind = DenseProduct::kDataBinaryInWeightType;
  }
  // Without a shipped nnet_mult.h only hls4ml 1.x's (two-parameter) products are known.
  const bool missing_ok = flat.empty() && two;
  if (!missing_ok && (!absl::StrContains(flat, expected) ||
                      (!also.empty() && !absl::StrContains(flat, also)))) {
    if (flat.empty()) {
      return Error(absl::StatusCode::kUnimplemented, product.Where(),
                   absl::StrCat("product ", text, ": without firmware/nnet_utils/nnet_mult.h "
                                "the release of this three-parameter product cannot be told"));
    }
    return Error(absl::StatusCode::kUnimplemented,
                 Display(firmware_dir_ / "nnet_utils" / "nnet_mult.h"),
                 absl::StrCat("this nnet_mult.h's product ", text,
                              " is not hls4ml's (edited?): it cannot be reproduced"));
  }
  return kind;
}

absl::StatusOr<BinaryCast> ProjectReader::DenseBinaryCast(const LayerCall& call,
                                                          const ConfigStruct& config,
                                                          bool has_product, bool weight_uint1) {
  // Releases without the config's product keep cast<> in nnet_dense.h, later ones in nnet_mult.h.
  const std::string name = has_product ? "nnet_mult.h" : "nnet_dense.h";
  const std::string flat = WithoutSpaces(NnetUtils(name));
  if (!has_product && flat.empty()) {
    // As OverloadedDenseProduct: read as 0.1.6 - 0.4's nnet_dense.h (two cast<> overloads).
    if (weight_uint1) return BinaryCast::kHalvedTwice;
    return Error(absl::StatusCode::kInvalidArgument, config.typedefs.at("weight_t").Where(),
                 absl::StrCat(config.name, "::weight_t is not ap_uint<1> with ap_uint<1> input: "
                              "no cast<> of hls4ml 0.1.6 - 0.4's nnet_dense.h matches (the "
                              "project does not compile)"));
  }
  size_t n_casts = 0;
  for (size_t at = flat.find("cast(typenameCONFIG_T::accum_tx)"); at != std::string::npos;
       at = flat.find("cast(typenameCONFIG_T::accum_tx)", at + 1)) {
    ++n_casts;
  }
  if (weight_uint1) {
    if (absl::StrContains(flat, "(x-CONFIG_T::n_in/2)*2;")) return BinaryCast::kHalvedTwice;
    if (absl::StrContains(flat, "(x*2-CONFIG_T::n_in);")) return BinaryCast::kTwiceMinusN;
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " with ap_uint<1> input and weights: ",
                              flat.empty() ? absl::StrCat("without firmware/nnet_utils/", name)
                                           : absl::StrCat("this ", name),
                              " the release's binary cast<> cannot be told"));
  }
  // hls4ml 0.1.6 - 0.5 have no cast<> for ap_uint<1> input with other weights: no compile.
  if (n_casts == 2) {
    return Error(absl::StatusCode::kInvalidArgument, config.typedefs.at("weight_t").Where(),
                 absl::StrCat(config.name, "::weight_t is not ap_uint<1> with ap_uint<1> input: "
                              "no cast<> of this ", name, " matches (the project does not "
                              "compile)"));
  }
  return BinaryCast::kNone;
}

absl::StatusOr<FixedType> ProjectReader::ExponentProductType(const Located& product,
                                                             const FixedType& data,
                                                             int exponent_width) {
  if (ProductTemplateArity(product.text) != 2) {
    return Error(absl::StatusCode::kUnimplemented, product.Where(),
                 absl::StrCat("product ", product.text, ": the three-parameter weight_exponential "
                              "of hls4ml 0.5/0.6 is not supported"));
  }
  // Two releases' r_T, told apart by the project's nnet_mult.h (without it: the current one).
  const std::string& source = NnetUtils("nnet_mult.h");
  const bool current = absl::StrContains(
      source,
      "using r_T = ap_fixed<2 * (decltype(w_T::weight)::width + x_T::width), "
      "(decltype(w_T::weight)::width + x_T::width)>;");
  const bool v07 = absl::StrContains(
      source, "using r_T = decltype(x_T(0) * (ap_int<pow2(decltype(w_T::weight)::width - 1) - 1>(1) +");
  const bool body = absl::StrContains(source, "r_T y = static_cast<r_T>(a) << w.weight;") &&
                    absl::StrContains(source, "return w.sign == 1 ? y : static_cast<r_T>(-y);");
  FixedType r;
  r.is_signed = true;
  if (source.empty() || (current && body)) {
    // ap_fixed<2 * (W_exp + W_x), W_exp + W_x>
    r.width = 2 * (exponent_width + data.width);
    r.integer_bits = exponent_width + data.width;
  } else if (v07 && body) {
    // decltype(x_T(0) * (ap_int<P>(1) + ap_fixed<P, 0>(1))), P = 2^(W_exp - 1) - 1: the sum is
    // ap_fixed<2P + 1, P + 1>, the product ap_fixed<W_x + 2P + 1, I_x + P + 1> (signed).
    if (exponent_width < 2 || exponent_width > 6) {
      return Error(absl::StatusCode::kUnimplemented, product.Where(),
                   absl::StrCat("weight_exponential with a ", exponent_width,
                                "-bit exponent field is not supported"));
    }
    const int p = (1 << (exponent_width - 1)) - 1;
    r.width = data.width + 2 * p + 1;
    r.integer_bits = data.integer_bits + p + 1;
  } else {
    return Error(absl::StatusCode::kUnimplemented,
                 Display(firmware_dir_ / "nnet_utils" / "nnet_mult.h"),
                 "this nnet_mult.h's weight_exponential is neither hls4ml 0.7's nor 0.8+'s "
                 "(edited?): its product cannot be reproduced");
  }
  if (r.width > 100) {
    return Error(absl::StatusCode::kUnimplemented, product.Where(),
                 absl::StrCat("weight_exponential product type ap_fixed<", r.width, ",",
                              r.integer_bits, "> is wider than 100 bits"));
  }
  return r;
}

std::string ProjectReader::StructName(const std::string& type) const {
  std::string name = type;
  for (int hops = 0; hops < 32; ++hops) {
    auto it = typedefs_.find(name);
    if (it == typedefs_.end() || it->second.text == "struct") break;
    name = it->second.text;
  }
  return struct_fields_.count(name) ? name : "";
}

absl::Status ProjectReader::SameExponentStruct(const ConfigStruct& config,
                                               const ConfigStruct& mult) const {
  auto a = config.typedefs.find("weight_t");
  auto b = mult.typedefs.find("weight_t");
  if (a == config.typedefs.end() || b == mult.typedefs.end()) return absl::OkStatus();
  if (StructName(a->second.text) != StructName(b->second.text)) {
    return Error(absl::StatusCode::kUnimplemented, b->second.Where(),
                 absl::StrCat(mult.name, "::weight_t ", b->second.text, " differs from ",
                              config.name, "'s ", a->second.text, " (not supported)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExponentWeights> ProjectReader::ReadExponentWeights(
    const LayerCall& call, const ConfigStruct& config, const std::string& field,
    const Located& product, const FixedType& data, const std::string& array, int64_t count) {
  auto declared = config.typedefs.find(field);
  if (declared == config.typedefs.end()) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat("struct ", config.name, " has no typedef ", field));
  }
  const std::string name = StructName(declared->second.text);
  auto fields = struct_fields_.find(name);
  if (fields == struct_fields_.end() || !fields->second.count("sign") ||
      !fields->second.count("weight")) {
    return Error(absl::StatusCode::kInvalidArgument, declared->second.Where(),
                 absl::StrCat(config.name, "::", field, " = ", declared->second.text,
                              " is not an exponent struct {sign; weight;}"));
  }
  const Located& sign_decl = fields->second.at("sign");
  const Located& weight_decl = fields->second.at("weight");
  absl::StatusOr<FixedType> sign_type = ResolveType(sign_decl.text, sign_decl);
  if (!sign_type.ok()) return sign_type.status();
  absl::StatusOr<FixedType> exponent_type = ResolveType(weight_decl.text, weight_decl);
  if (!exponent_type.ok()) return exponent_type.status();
  if (sign_type->width != 1 || sign_type->is_signed || sign_type->integer_bits != 1) {
    return Error(absl::StatusCode::kUnimplemented, sign_decl.Where(),
                 absl::StrCat("exponent sign type ", sign_decl.text, " is not ap_uint<1>"));
  }
  if (!exponent_type->is_signed || exponent_type->fractional_bits() != 0 ||
      exponent_type->width > 16) {
    return Error(absl::StatusCode::kUnimplemented, weight_decl.Where(),
                 absl::StrCat("exponent type ", weight_decl.text,
                              " is not an ap_int of at most 16 bits"));
  }
  absl::StatusOr<FixedType> r = ExponentProductType(product, data, exponent_type->width);
  if (!r.ok()) return r.status();
  ExponentWeights e;
  e.product_type = *r;
  auto decl = weight_decls_.find(array);
  if (decl == weight_decls_.end() || !decl->second.exponent) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("exponent weights ", array,
                              " are not loaded by load_exponent_weights_from_txt"));
  }
  if (decl->second.type != declared->second.text && StructName(decl->second.type) != name) {
    return Error(absl::StatusCode::kInvalidArgument, decl->second.where.Where(),
                 absl::StrCat(array, " is loaded as ", decl->second.type, " but ", config.name,
                              "::", field, " is ", declared->second.text));
  }
  if (absl::Status st = LoadExponentWeights(array, *sign_type, *exponent_type, count, call,
                                            &e.sign, &e.exponent);
      !st.ok()) {
    return st;
  }
  return e;
}

absl::Status ProjectReader::LoadExponentWeights(const std::string& name,
                                                const FixedType& sign_type,
                                                const FixedType& exponent_type,
                                                int64_t expected_count, const LayerCall& call,
                                                std::vector<int>* signs,
                                                std::vector<int>* exponents) {
  const WeightDecl& decl = weight_decls_.at(name);
  if (decl.count != expected_count) {
    return Error(absl::StatusCode::kInvalidArgument, decl.where.Where(),
                 absl::StrCat(name, " has ", decl.count, " values but nnet::", call.function,
                              " at ", call.where.Where(), " needs ", expected_count));
  }
  if (decl.conditional) {
    return Error(absl::StatusCode::kUnimplemented, decl.where.Where(),
                 "exponent weights loaded under a preprocessor condition are not supported");
  }
  const fs::path txt = firmware_dir_ / "weights" / decl.txt_name;
  if (absl::Status inside = CheckInside(txt, call.where.Where()); !inside.ok()) return inside;
  std::error_code ec;
  if (!fs::is_regular_file(txt, ec)) {
    return Error(absl::StatusCode::kNotFound, call.where.Where(),
                 absl::StrCat("missing weight file ", Display(txt), " (array ", name,
                              ", loaded at ", decl.where.Where(), ")"));
  }
  std::ifstream in(txt, std::ios::binary);
  std::string line;
  std::getline(in, line);  // the loader reads the first line only
  const std::string display = Display(txt);
  // ap_int_base(const char*)'s reading of a decimal token: its integer part, wrapped to the
  // width. Tokens with a nonzero fraction are refused (hls4ml writes "1.0" and "-3", and for a zero
  // weight numpy's int cast of log2(0) = -inf: "-9223372036854775808", or "-2147483648" where
  // numpy's int is 32 bits — both wrap to exponent 0).
  auto parse = [&](absl::string_view token, const FixedType& t, int index,
                   int64_t* raw) -> absl::Status {
    std::string s(Trim(token));
    {
      // [-+]digits[.zeros], of any length: exact modulo 2^64 (every field is at most 16 bits).
      absl::string_view rest = s;
      const bool negative = absl::ConsumePrefix(&rest, "-");
      if (!negative) absl::ConsumePrefix(&rest, "+");
      const size_t dot = rest.find('.');
      absl::string_view digits = rest.substr(0, dot);
      absl::string_view fraction =
          dot == absl::string_view::npos ? absl::string_view() : rest.substr(dot + 1);
      auto all = [](absl::string_view v, auto pred) {
        return std::all_of(v.begin(), v.end(), pred);
      };
      if (!digits.empty() && all(digits, [](char c) { return c >= '0' && c <= '9'; }) &&
          all(fraction, [](char c) { return c == '0'; })) {
        uint64_t v = 0;
        for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
        if (negative) v = 0 - v;
        *raw = internal::WrapToWidth(t, static_cast<internal::Int128>(static_cast<int64_t>(v)));
        return absl::OkStatus();
      }
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v) ||
        v != std::trunc(v) || std::fabs(v) > 1e15) {
      return Error(absl::StatusCode::kInvalidArgument, display,
                   absl::StrCat("exponent weight #", index, ": '", Quoted(s, 32),
                                "' is not an integer"));
    }
    *raw = internal::WrapToWidth(t, static_cast<internal::Int128>(static_cast<int64_t>(v)));
    return absl::OkStatus();
  };
  int index = 0;
  for (absl::string_view piece : absl::StrSplit(line, '{')) {
    std::string token;
    for (char c : piece) {
      if (c != '}' && c != ' ') token.push_back(c);
    }
    if (token.empty()) continue;
    if (token.back() == ',') token.pop_back();
    ++index;
    const std::vector<std::string> parts = absl::StrSplit(token, ',');
    if (parts.size() != 2) {
      return Error(absl::StatusCode::kInvalidArgument, display,
                   absl::StrCat("exponent weight #", index, " '", Quoted(token, 32),
                                "' is not {sign, exponent}"));
    }
    int64_t sign = 0, exponent = 0;
    if (absl::Status st = parse(parts[0], sign_type, index, &sign); !st.ok()) return st;
    if (absl::Status st = parse(parts[1], exponent_type, index, &exponent); !st.ok()) return st;
    signs->push_back(static_cast<int>(sign));
    exponents->push_back(static_cast<int>(exponent));
  }
  if (index != expected_count) {
    return Error(absl::StatusCode::kInvalidArgument, display,
                 absl::StrCat(index, " values, but ", name, " is declared with ", expected_count,
                              " (", decl.where.Where(), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LayerSpec> ProjectReader::BuildActivation(const LayerCall& call, int n_in,
                                                         ActivationKind kind) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " takes (input, output)"));
  }
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  absl::StatusOr<std::optional<int64_t>> table_size = ConfigInt(config, "table_size");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!table_size.ok()) return table_size.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  ActivationSpec act;
  act.kind = kind;
  act.n = n_in;
  act.table_size = static_cast<int>(table_size->value_or(1024));
  absl::StatusOr<FixedType> table_type = ConfigType(config, "table_t", FixedType{18, 8});
  if (!table_type.ok()) return table_type.status();
  act.table_type = *table_type;
  LayerSpec layer;
  layer.op = act;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildSoftmax(const LayerCall& call, int n_in) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::softmax takes (input, output)");
  }
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  SoftmaxSpec sm;
  sm.n = n_in;
  if (call.function == "softmax_multidim") {
    // hls4ml 1.2+: one softmax per (outer, inner) index over n_slice values n_inner apart.
    if (stream_) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   "io_stream nnet::softmax_multidim is not supported (hls4ml has it for "
                   "io_parallel only)");
    }
    int n_slice = 0, n_outer = 0, n_inner = 0;
    for (auto [field, value] :
         {std::pair{"n_slice", &n_slice}, {"n_outer", &n_outer}, {"n_inner", &n_inner}}) {
      absl::StatusOr<int> v = RequiredInt(config, field);
      if (!v.ok()) return v.status();
      *value = *v;
    }
    if (n_slice < 1 || n_outer < 1 || n_inner < 1 ||
        int64_t{n_slice} * n_outer * n_inner != n_in) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat(config.name, ": n_slice * n_outer * n_inner = ",
                                int64_t{n_slice} * n_outer * n_inner, " but n_in = ", n_in));
    }
    sm.slice = n_slice;
    sm.inner = n_inner;
  } else {
    // io_stream softmax reads neither: it runs once per pack (AdaptToStream).
    for (const char* field : {"n_outer", "n_inner"}) {
      absl::StatusOr<std::optional<int64_t>> v = ConfigInt(config, field);
      if (!v.ok()) return v.status();
      if (*v && **v != 1 && !stream_) {
        return Error(absl::StatusCode::kUnimplemented, config.values.at(field).Where(),
                     absl::StrCat(config.name, "::", field, " = ", **v,
                                  ": a softmax over part of its input is "
                                  "nnet::softmax_multidim's (hls4ml 1.2+), not nnet::softmax's"));
      }
    }
  }
  auto exp_scale = config.values.find("exp_scale");
  if (exp_scale != config.values.end()) {
    // `static constexpr float exp_scale = 0.5;`: the literal as a double, then to float.
    absl::string_view text = exp_scale->second.text;
    absl::ConsumeSuffix(&text, "f");
    absl::ConsumeSuffix(&text, "F");
    double scale = 0;
    if (!absl::SimpleAtod(text, &scale) || !std::isfinite(static_cast<float>(scale))) {
      return Error(absl::StatusCode::kInvalidArgument, exp_scale->second.Where(),
                   absl::StrCat(config.name, "::exp_scale = ", exp_scale->second.text,
                                " is not a finite number"));
    }
    sm.exp_scale = static_cast<float>(scale);
  }
  auto impl = config.values.find("implementation");
  if (impl == config.values.end()) {
    // Releases before the implementation switch (2019-2020) have only the legacy softmax.
    sm.implementation = SoftmaxImplementation::kLegacy;
  } else {
    absl::string_view name = impl->second.text;
    absl::ConsumePrefix(&name, "nnet::softmax_implementation::");
    if (name == "stable") {
      sm.implementation = SoftmaxImplementation::kStable;
    } else if (name == "latency") {
      sm.implementation = SoftmaxImplementation::kLatency;
    } else if (name == "legacy") {
      sm.implementation = SoftmaxImplementation::kLegacy;
    } else if (name == "argmax") {
      sm.implementation = SoftmaxImplementation::kArgmax;
    } else {
      return Error(
          absl::StatusCode::kUnimplemented, impl->second.Where(),
          absl::StrCat("softmax implementation '", impl->second.text, "' is not supported"));
    }
  }
  absl::StatusOr<std::optional<int64_t>> table_size = ConfigInt(config, "table_size");
  absl::StatusOr<std::optional<int64_t>> exp_size = ConfigInt(config, "exp_table_size");
  absl::StatusOr<std::optional<int64_t>> inv_size = ConfigInt(config, "inv_table_size");
  if (!table_size.ok()) return table_size.status();
  if (!exp_size.ok()) return exp_size.status();
  if (!inv_size.ok()) return inv_size.status();
  sm.exp_table_size = static_cast<int>(exp_size->value_or(table_size->value_or(1024)));
  sm.inv_table_size = static_cast<int>(inv_size->value_or(table_size->value_or(1024)));
  // Very old projects name the single table type table_t.
  absl::StatusOr<FixedType> old_table = ConfigType(config, "table_t", FixedType{18, 8});
  if (!old_table.ok()) return old_table.status();
  absl::StatusOr<FixedType> exp_type = ConfigType(config, "exp_table_t", *old_table);
  absl::StatusOr<FixedType> inv_type = ConfigType(config, "inv_table_t", *old_table);
  if (!exp_type.ok()) return exp_type.status();
  if (!inv_type.ok()) return inv_type.status();
  // softmax_legacy of every release reads CONFIG_T::table_t for both tables and the sums; newer
  // configs do not write it, so it is activ_config's default ap_fixed<18,8> (TRN/WRAP), not
  // exp_table_t / inv_table_t.
  const bool legacy = sm.implementation == SoftmaxImplementation::kLegacy;
  sm.exp_table_type = legacy ? *old_table : *exp_type;
  sm.inv_table_type = legacy ? *old_table : *inv_type;
  if (legacy) {  // likewise both tables have CONFIG_T::table_size entries
    sm.exp_table_size = sm.inv_table_size = static_cast<int>(table_size->value_or(1024));
  }
  const bool has_accum = config.typedefs.count("accum_t") > 0;
  if (has_accum) {
    // Current nnet_utils (the config carries accum_t / inv_inp_t / inp_norm_t): the exponentials
    // are summed in accum_t, converted to inv_inp_t, whose bits address the inverse table.
    absl::StatusOr<FixedType> accum = ConfigType(config, "accum_t", std::nullopt);
    if (!accum.ok()) return accum.status();
    sm.accum_type = *accum;
    auto inv_inp = config.typedefs.find("inv_inp_t");
    if (inv_inp != config.typedefs.end()) {
      absl::StatusOr<FixedType> t = ResolveType(inv_inp->second.text, inv_inp->second);
      if (!t.ok()) return t.status();
      sm.inv_inp_type = *t;
    }
    auto inp_norm = config.typedefs.find("inp_norm_t");
    if (inp_norm != config.typedefs.end()) {
      absl::StatusOr<FixedType> t = ResolveType(inp_norm->second.text, inp_norm->second);
      if (!t.ok()) return t.status();
      sm.inp_norm_type = *t;
    } else if (sm.implementation == SoftmaxImplementation::kStable) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat(config.name, " has accum_t but no inp_norm_t"));
    }
  } else {
    // hls4ml 0.5 - 1.0 nnet_utils: the stable softmax normalises with an AP_RND/AP_SAT copy of
    // the input type and sums the exponentials in exp_table_t.
    sm.accum_type = sm.exp_table_type;
    sm.hls4ml_0_8_1_stable = true;
  }
  LayerSpec layer;
  layer.op = std::move(sm);
  return layer;
}

absl::StatusOr<int> ProjectReader::RequiredInt(const ConfigStruct& config,
                                               const std::string& field) const {
  absl::StatusOr<std::optional<int64_t>> v = ConfigInt(config, field);
  if (!v.ok()) return v.status();
  if (!*v) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat("struct ", config.name, " lacks ", field));
  }
  if (**v < -1 || **v > (int64_t{1} << 30)) {
    return Error(absl::StatusCode::kInvalidArgument, config.values.at(field).Where(),
                 absl::StrCat(config.name, "::", field, " = ", **v, " is out of range"));
  }
  return static_cast<int>(**v);
}

const std::string& ProjectReader::NnetUtils(const std::string& name) {
  auto it = nnet_utils_.find(name);
  if (it != nnet_utils_.end()) return it->second;
  std::ifstream in(firmware_dir_ / "nnet_utils" / name, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  return nnet_utils_[name] = WithoutComments(buffer.str());
}

namespace {

// Reads the config fields named in `fields` into the ints they point to.
struct IntField {
  const char* name;
  int* value;
};

}  // namespace

absl::Status ProjectReader::CheckUnrolledDense(const Located& kernel, int n_in, int n_out,
                                               int reuse_factor,
                                               const std::function<bool(int64_t)>& zero_product) {
  // "nnet::dense_resource_unrolled_3<data_T, res_T, CONFIG_T>" -> "dense_resource_unrolled_3"
  absl::string_view name = kernel.text;
  name = Trim(name.substr(0, name.find('<')));
  if (const size_t colons = name.rfind("::"); colons != absl::string_view::npos) {
    name.remove_prefix(colons + 2);
  }
  const fs::path path = firmware_dir_ / "nnet_utils" / "nnet_code_gen.h";
  if (!code_gen_) {
    absl::StatusOr<const SourceFile*> file = Load(path, false);
    if (!file.ok()) return file.status();
    code_gen_ = *file;
  }
  const SourceFile* file = *code_gen_;
  auto refuse = [&](const std::string& where, absl::string_view why) {
    return Error(absl::StatusCode::kUnimplemented, where,
                 absl::StrCat("dense kernel ", name, " (resource_unrolled, used at ",
                              kernel.Where(), "): ", why));
  };
  if (file == nullptr) return refuse(Display(path), "the project has no such file");
  const std::string header = absl::StrCat("template<classdata_T,classres_T,typenameCONFIG_T>class",
                                          name, ":publicDenseKernel<data_T,res_T,CONFIG_T>{");
  size_t k = 0;
  while (k < file->statements.size() && WithoutSpaces(file->statements[k].text) != header) ++k;
  if (k == file->statements.size()) {
    return refuse(file->display_name,
                  "no class of that name as hls4ml's resource_unrolled generator writes it");
  }
  const int class_line = file->statements[k].line;
  // The generator's statements (unrolled_codegen.py, hls4ml 1.0-1.3), spaces removed; pragmas
  // are skipped. The MULT block between them is read statement by statement.
  static const char* const kBefore[] = {
      "public:staticvoiddense(data_Tdata[CONFIG_T::n_in],res_Tres[CONFIG_T::n_out],typenameCONFIG_"
      "T::weight_tweights[CONFIG_T::n_in*CONFIG_T::n_out],typenameCONFIG_T::bias_tbiases[CONFIG_T::"
      "n_out]){",
      "constexprintblock_factor=DIV_ROUNDUP(CONFIG_T::n_in*CONFIG_T::n_out,CONFIG_T::reuse_factor)"
      ";",
      "typenameCONFIG_T::accum_tacc[CONFIG_T::n_out];",
      "InitAccum:for(inti=0;i<CONFIG_T::n_out;i++){",
      "acc[i]=(typenameCONFIG_T::accum_t)biases[i];",
      "}",
      "MULT:{"};
  static const char* const kAfter[] = {"Result:for(inti=0;i<CONFIG_T::n_out;i++){",
                                       "res[i]=cast<data_T,res_T,CONFIG_T>(acc[i]);", "}", "}",
                                       "};"};
  std::vector<std::pair<int, std::string>> body;  // (line, text without spaces), no pragmas
  for (++k; k < file->statements.size(); ++k) {
    const Statement& st = file->statements[k];
    if (st.text.front() == '#') continue;
    body.emplace_back(st.line, WithoutSpaces(st.text));
    if (body.back().second == "};") break;
  }
  size_t b = 0;
  auto expect = [&](const char* text) -> absl::Status {
    if (b < body.size() && body[b].second == text) {
      ++b;
      return absl::OkStatus();
    }
    return refuse(b < body.size() ? file->Where(body[b].first) : file->Where(class_line),
                  absl::StrCat("expected '", text, "' as hls4ml's generator writes it, found '",
                               b < body.size() ? body[b].second : "the end", "' (edited?)"));
  };
  for (const char* text : kBefore) {
    if (absl::Status st = expect(text); !st.ok()) return st;
  }
  // M<ir>: { acc[j] += static_cast<accum_t>(product(data[i], weights[w])); ... } blocks.
  struct Mac {
    int64_t j, i, w;
    int line;
  };
  std::vector<Mac> macs;
  const std::string mac_prefix = "acc[";
  const std::string mac_middle =
      "]+=static_cast<typenameCONFIG_T::accum_t>(CONFIG_T::templateproduct<data_T,typenameCONFIG_"
      "T::weight_t>::product(data[";
  for (; b < body.size(); ++b) {
    absl::string_view t = body[b].second;
    if (t == "}") {
      ++b;  // the end of MULT
      break;
    }
    int64_t label = 0;
    if (absl::ConsumePrefix(&t, "M") && absl::ConsumeSuffix(&t, ":{") &&
        absl::SimpleAtoi(t, &label)) {
      for (++b; b < body.size() && body[b].second != "}"; ++b) {
        absl::string_view m = body[b].second;
        Mac mac{0, 0, 0, body[b].first};
        size_t close = 0;
        bool ok = absl::ConsumePrefix(&m, mac_prefix) &&
                  (close = m.find(']')) != absl::string_view::npos &&
                  absl::SimpleAtoi(m.substr(0, close), &mac.j);
        if (ok) m.remove_prefix(close);
        ok = ok && absl::ConsumePrefix(&m, mac_middle) &&
             (close = m.find(']')) != absl::string_view::npos &&
             absl::SimpleAtoi(m.substr(0, close), &mac.i);
        if (ok) m.remove_prefix(close);
        ok = ok && absl::ConsumePrefix(&m, "],weights[") && absl::ConsumeSuffix(&m, "]));") &&
             absl::SimpleAtoi(m, &mac.w);
        if (!ok) {
          return refuse(file->Where(body[b].first),
                        absl::StrCat("'", body[b].second,
                                     "' is not a multiply-accumulate as hls4ml's generator "
                                     "writes it (edited?)"));
        }
        macs.push_back(mac);
      }
      if (b == body.size()) break;
      continue;
    }
    return refuse(file->Where(body[b].first),
                  absl::StrCat("unexpected '", body[b].second, "' in its MULT block (edited?)"));
  }
  for (const char* text : kAfter) {
    if (absl::Status st = expect(text); !st.ok()) return st;
  }
  // dense_resource's order, with the products the generator left out: those must be 0.
  std::optional<std::vector<std::pair<int, int>>> order =
      internal::DenseResourceOrder(n_in, n_out, reuse_factor);
  if (!order) {
    return refuse(kernel.Where(),
                  absl::StrCat("reuse factor ", reuse_factor, " for ", n_in, " inputs and ", n_out,
                               " outputs has no dense_resource order"));
  }
  size_t m = 0;
  for (auto [i, j] : *order) {
    const int64_t w = int64_t{j} * n_in + i;
    if (m < macs.size() && macs[m].j == j && macs[m].i == i && macs[m].w == w) {
      ++m;
      continue;
    }
    if (!zero_product(w)) {
      return refuse(m < macs.size() ? file->Where(macs[m].line) : file->Where(class_line),
                    absl::StrCat("dense_resource's next product is acc[", j, "] += data[", i,
                                 "] * weights[", w, "] (not 0), ",
                                 m < macs.size() ? absl::StrCat("this kernel's is acc[", macs[m].j,
                                                                "] += data[", macs[m].i,
                                                                "] * weights[", macs[m].w, "]")
                                                 : std::string("this kernel has no more"),
                                 ": it does not sum as the resource strategy does"));
    }
  }
  if (m < macs.size()) {
    return refuse(
        file->Where(macs[m].line),
        absl::StrCat("acc[", macs[m].j, "] += data[", macs[m].i, "] * weights[", macs[m].w,
                     "] is not among dense_resource's products (", n_in, " inputs, ", n_out,
                     " outputs, reuse factor ", reuse_factor, ") in their order"));
  }
  return absl::OkStatus();
}

absl::Status ProjectReader::CheckTimeDistributedHeader(int dims, bool read) {
  const std::string& source = NnetUtils("nnet_time_distributed.h");
  if (source.empty()) return absl::OkStatus();  // the release fpgaas knows
  // hls4ml 1.3's copy statements (spaces removed), data[] -> res[].
  static const char* const kRead[] = {
      "res[i]=data[time_step*CONFIG_T::n_chan+i];",
      "res[i*CONFIG_T::n_chan+j]=data[time_step*CONFIG_T::in_width*CONFIG_T::n_chan+i*CONFIG_T::"
      "n_chan+j];",
      "res[i*CONFIG_T::in_width*CONFIG_T::n_chan+j*CONFIG_T::n_chan+k]=data[time_step*CONFIG_T::"
      "in_height*CONFIG_T::in_width*CONFIG_T::n_chan+i*CONFIG_T::in_width*CONFIG_T::n_chan+j*"
      "CONFIG_T::n_chan+k];"};
  static const char* const kWrite[] = {
      "res[time_step*CONFIG_T::n_chan+i]=data[i];",
      "res[time_step*CONFIG_T::in_width*CONFIG_T::n_chan+i*CONFIG_T::n_chan+j]=data[i*CONFIG_T::"
      "n_chan+j];",
      "res[time_step*CONFIG_T::in_height*CONFIG_T::in_width*CONFIG_T::n_chan+i*CONFIG_T::in_width*"
      "CONFIG_T::n_chan+j*CONFIG_T::n_chan+k]=data[i*CONFIG_T::in_width*CONFIG_T::n_chan+j*"
      "CONFIG_T::n_chan+k];"};
  if (!absl::StrContains(WithoutSpaces(source), (read ? kRead : kWrite)[dims - 2])) {
    return Error(absl::StatusCode::kUnimplemented,
                 Display(firmware_dir_ / "nnet_utils" / "nnet_time_distributed.h"),
                 absl::StrCat("this nnet_time_distributed.h's ", read ? "read" : "write",
                              "_time_step_", dims,
                              "d is not hls4ml 1.3's (edited?): it cannot be "
                              "reproduced"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LayerSpec> ProjectReader::BuildConv(const LayerCall& call, int n_in, int dims) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  if (call.args.size() != 4) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " takes (input, output, weights, biases)"));
  }
  return BuildConvWith(call, **config_or, n_in, dims,
                       absl::StartsWith(call.function, "depthwise_conv"), call.args[2],
                       call.args[3]);
}

absl::StatusOr<LayerSpec> ProjectReader::BuildSeparable(const LayerCall& call, int n_in,
                                                        int dims) {
  // nnet::separable_conv_{1,2}d_cl<data_T, dw_res_T, res_T, CONFIG_T>(in, out, depthwise weights,
  // pointwise weights, depthwise biases, pointwise biases): a depthwise convolution into a
  // dw_res_T array, then a pointwise one. hls4ml 0.7's (io_stream only) has no dw_res_T: its
  // depthwise half writes a stream of data_T, the input's own packs.
  const bool three_types = call.template_args.size() == 3;
  if (three_types && !stream_) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("nnet::", call.function,
                              " with three template arguments reads "
                              "arrays (hls4ml 0.7 wrote it for io_stream only)"));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, three_types ? 2 : 3);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (call.args.size() != 6) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function,
                              " takes (input, output, depthwise weights, pointwise weights, "
                              "depthwise biases, pointwise biases)"));
  }
  const ConfigStruct* parts[2] = {nullptr, nullptr};
  const char* names[2] = {"depthwise_config", "pointwise_config"};
  for (int k = 0; k < 2; ++k) {
    auto t = config.typedefs.find(names[k]);
    auto it = t == config.typedefs.end() ? configs_.end() : configs_.find(t->second.text);
    if (it == configs_.end()) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat("struct ", config.name, " has no ", names[k], " struct"));
    }
    parts[k] = &it->second;
  }
  absl::StatusOr<LayerSpec> dw =
      BuildConvWith(call, *parts[0], n_in, dims, true, call.args[2], call.args[4]);
  if (!dw.ok()) return dw.status();
  const ConvSpec& d = std::get<ConvSpec>(dw->op);
  absl::StatusOr<FixedType> dw_type =
      ResolveType(call.template_args[three_types ? 0 : 1], call.where);
  if (!dw_type.ok()) return dw_type.status();
  dw->result_type = *dw_type;
  absl::StatusOr<LayerSpec> pw =
      BuildConvWith(call, *parts[1], d.out_height * d.out_width * d.n_filt, dims, false,
                    call.args[3], call.args[5]);
  if (!pw.ok()) return pw.status();
  const ConvSpec& p = std::get<ConvSpec>(pw->op);
  if (auto m = parts[1]->typedefs.find("mult_config"); m != parts[1]->typedefs.end()) {
    auto it = configs_.find(m->second.text);
    if (it != configs_.end()) {
      for (auto [field, type] : {std::pair{"accum_t", &p.accum_type},
                                 {"weight_t", &p.weight_type},
                                 {"bias_t", &p.bias_type}}) {
        if (p.exponent_weights && std::string(field) == "weight_t") {
          if (absl::Status st = SameExponentStruct(*parts[1], it->second); !st.ok()) return st;
          continue;
        }
        absl::StatusOr<FixedType> t = ConfigType(it->second, field, *type);
        if (!t.ok()) return t.status();
        if (!(*t == *type)) {
          return Error(absl::StatusCode::kUnimplemented, it->second.Where(),
                       absl::StrCat(it->second.name, "::", field, " differs from ",
                                    parts[1]->name, "'s (not supported)"));
        }
      }
    }
  }
  if (p.filt_height != 1 || p.filt_width != 1) {
    return Error(absl::StatusCode::kInvalidArgument, parts[1]->Where(),
                 absl::StrCat(parts[1]->name, ": the pointwise part has a ", p.filt_height, "x",
                              p.filt_width, " kernel"));
  }
  pending_depthwise_ = *std::move(dw);
  return pw;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildConvWith(const LayerCall& call,
                                                       const ConfigStruct& config, int n_in,
                                                       int dims, bool depthwise,
                                                       const std::string& weights_name,
                                                       const std::string& biases_name) {
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  ConvSpec c;
  c.depthwise = depthwise;
  bool unrolled = false;  // resource_unrolled: the mult_config's generated kernel is checked below
  std::vector<IntField> fields = {{"in_width", &c.in_width},     {"n_chan", &c.n_chan},
                                  {"filt_width", &c.filt_width}, {"n_filt", &c.n_filt},
                                  {"stride_width", &c.stride_width}, {"pad_left", &c.pad_left},
                                  {"pad_right", &c.pad_right},   {"out_width", &c.out_width}};
  if (dims == 2) {
    fields.insert(fields.end(), {{"in_height", &c.in_height},
                                 {"filt_height", &c.filt_height},
                                 {"stride_height", &c.stride_height},
                                 {"pad_top", &c.pad_top},
                                 {"pad_bottom", &c.pad_bottom},
                                 {"out_height", &c.out_height}});
  }
  for (const IntField& f : fields) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  for (const char* field : {"dilation", "dilation_height", "dilation_width"}) {
    absl::StatusOr<std::optional<int64_t>> v = ConfigInt(config, field);
    if (!v.ok()) return v.status();
    if (*v && **v != 1) {
      return Error(absl::StatusCode::kUnimplemented, config.values.at(field).Where(),
                   absl::StrCat(config.name, "::", field, " = ", **v,
                                ": dilated convolutions are not supported"));
    }
  }
  if (int64_t{c.in_height} * c.in_width * c.n_chan != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": in_height * in_width * n_chan = ",
                              int64_t{c.in_height} * c.in_width * c.n_chan,
                              " but the layer's input has ", n_in, " values"));
  }
  auto strategy = config.values.find("strategy");
  if (strategy != config.values.end()) {
    const std::string& st = strategy->second.text;
    if (st == "nnet::resource") {
      c.resource_strategy = true;
    } else if (st == "nnet::resource_unrolled" && !depthwise) {
      c.resource_strategy = unrolled = true;
    } else if (st != "nnet::latency") {
      return Error(absl::StatusCode::kUnimplemented, strategy->second.Where(),
                   absl::StrCat(depthwise ? "depthwise " : "", "convolution strategy ", st,
                                " is not supported (latency and resource are",
                                depthwise ? "; hls4ml generates no resource_unrolled kernel for "
                                            "depthwise products)"
                                          : ", and resource_unrolled)"));
    }
  }
  // hls4ml 0.6's io_parallel pointwise_conv_{1,2}d_cl (nnet_conv{1,2}d_latency.h) is latency
  // code whatever the strategy: it reads weights[cc * n_filt + ff] from the file the resource
  // strategy wrote transposed, and the C simulation (so the firmware) computes with that.
  if (c.resource_strategy && !stream_ && absl::StartsWith(call.function, "pointwise_conv_") &&
      absl::StrContains(
          WithoutSpaces(NnetUtils(dims == 1 ? "nnet_conv1d_latency.h" : "nnet_conv2d_latency.h")),
          absl::StrCat("voidpointwise_conv_", dims, "d_cl("))) {
    c.resource_strategy = unrolled = false;
  }
  // The product: the mult_config's (hls4ml >= 0.7) or the config's own.
  const ConfigStruct* mult = nullptr;
  if (auto m = config.typedefs.find("mult_config"); m != config.typedefs.end()) {
    auto it = configs_.find(m->second.text);
    if (it != configs_.end()) mult = &it->second;
  }
  // resource_unrolled: the window products run the mult_config's generated kernel.
  const Located* unrolled_kernel = nullptr;
  int unrolled_reuse = 1;
  if (unrolled) {
    auto kernel = mult == nullptr ? nullptr : &mult->usings;
    auto it = kernel == nullptr ? config.usings.end() : kernel->find("kernel");
    if (kernel == nullptr || it == kernel->end() ||
        !absl::StrContains(it->second.text, "::dense_resource_unrolled_")) {
      return Error(absl::StatusCode::kInvalidArgument, strategy->second.Where(),
                   absl::StrCat(config.name,
                                " has strategy nnet::resource_unrolled but no "
                                "mult_config kernel naming its generated "
                                "dense_resource_unrolled function"));
    }
    unrolled_kernel = &it->second;
    absl::StatusOr<std::optional<int64_t>> rf = ConfigInt(*mult, "reuse_factor");
    if (!rf.ok()) return rf.status();
    unrolled_reuse = static_cast<int>(rf->value_or(1));
  }
  const Located* binary_or_ternary = nullptr;  // the window products' weight_binary/ternary
  const Located* exponential = nullptr;        // or weight_exponential
  for (const ConfigStruct* cs : {&config, mult}) {
    if (cs == nullptr) continue;
    auto product = cs->usings.find("product");
    if (product == cs->usings.end()) continue;
    const std::string& text = product->second.text;
    if (absl::StartsWith(text, "nnet::product::weight_binary") ||
        absl::StartsWith(text, "nnet::product::weight_ternary")) {
      binary_or_ternary = &product->second;
    } else if (absl::StartsWith(text, "nnet::product::weight_exponential")) {
      exponential = &product->second;
    } else if (!absl::StartsWith(text, "nnet::product::mult")) {
      return Error(absl::StatusCode::kUnimplemented, product->second.Where(),
                   absl::StrCat("product ", text,
                                " is not supported (binary data: both_binary, data_binary)"));
    }
  }
  if (auto w = config.typedefs.find("weight_t");
      w != config.typedefs.end() && SpelledType(w->second.text) == "ap_uint<1>" &&
      SpelledType(call.template_args[0]) == "ap_uint<1>") {
    return Error(absl::StatusCode::kUnimplemented, w->second.Where(),
                 absl::StrCat(config.name, "::weight_t = ap_uint<1> with ap_uint<1> input: the "
                              "convolutions' binary cast<> is not supported"));
  }
  // An exponent struct weight_t has no fixed-point type; the weights say what they are.
  absl::StatusOr<FixedType> weight_type =
      exponential != nullptr ? FixedType{} : ConfigType(config, "weight_t", std::nullopt);
  absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
  absl::StatusOr<FixedType> accum_type = ConfigType(config, "accum_t", std::nullopt);
  if (!weight_type.ok()) return weight_type.status();
  if (!bias_type.ok()) return bias_type.status();
  if (!accum_type.ok()) return accum_type.status();
  c.weight_type = *weight_type;
  c.bias_type = *bias_type;
  c.accum_type = *accum_type;
  // hls4ml <= 0.6 sums each output over (channel, kh, kw); 0.7+ (im2col fill_buffer) over
  // (kh, kw, channel). The order matters only when accum_t does not wrap.
  const bool im2col = config.values.count("n_partitions") > 0 || config.usings.count("fill_buffer");
  const bool wraps = c.accum_type.overflow == Overflow::kWrap && c.accum_type.saturation_bits == 0;
  if (!im2col && !wraps && !depthwise) {
    return Error(absl::StatusCode::kUnimplemented, config.typedefs.at("accum_t").Where(),
                 absl::StrCat(config.name, "::accum_t = ", c.accum_type.ToString(),
                              ": this release's convolution sums in (channel, row, column) order, "
                              "which fpgaas reproduces only for wrapping accumulators"));
  }
  const int64_t k = int64_t{c.filt_height} * c.filt_width * c.n_chan;
  if (depthwise) {
    // Depth multiplier 1 only: no release's C simulation has a result for another one (1.x's
    // depthwise_conv_*_cl assert n_filt == n_chan; 0.7/0.8's stream kernels copy n_filt values
    // out of an n_chan array).
    if (c.n_filt != c.n_chan) {
      return Error(absl::StatusCode::kUnimplemented, config.Where(),
                   absl::StrCat(config.name, ": depthwise convolution with n_filt = ", c.n_filt,
                                " for n_chan = ", c.n_chan,
                                " (a depth multiplier other than 1) is not supported: hls4ml's C "
                                "simulation has no result for it (1.x asserts n_filt == n_chan, "
                                "0.7/0.8 read past their n_chan outputs)"));
    }
    if (const ConfigStruct* m = mult) {
      // The window products use the mult_config's types; they must be the layer's. Not bias_t:
      // up to 1.0 depthwise_product adds the layer's own biases (a separable layer's depthwise
      // half has a 1-bit zero bias_t, its mult_config the default type), and 1.1+'s mult kernel
      // takes the layer's bias array as its own bias_t's (it compiles only when they agree).
      for (auto [field, type] : {std::pair{"accum_t", &c.accum_type},
                                 {"weight_t", &c.weight_type}}) {
        if (exponential != nullptr && std::string(field) == "weight_t") {
          if (absl::Status st = SameExponentStruct(config, *m); !st.ok()) return st;
          continue;
        }
        absl::StatusOr<FixedType> t = ConfigType(*m, field, *type);
        if (!t.ok()) return t.status();
        if (!(*t == *type)) {
          return Error(absl::StatusCode::kUnimplemented, m->Where(),
                       absl::StrCat(m->name, "::", field, " differs from ", config.name,
                                    "'s (not supported)"));
        }
      }
      auto kernel = m->usings.find("kernel");
      if (kernel != m->usings.end() &&
          !absl::StrContains(kernel->second.text, "Latency") &&
          !(wraps && absl::StrContains(kernel->second.text, "Resource"))) {
        return Error(absl::StatusCode::kUnimplemented, kernel->second.Where(),
                     absl::StrCat("depthwise kernel ", kernel->second.text,
                                  " is not supported (latency, or resource with a wrapping "
                                  "accumulator)"));
      }
    }
  }
  const int64_t n_weights = depthwise ? k : k * c.n_filt;
  if (exponential != nullptr) {
    if (mult != nullptr && !depthwise) {
      if (absl::Status st = SameExponentStruct(config, *mult); !st.ok()) return st;
    }
    // x_T is the layer's input: the call's data_T, or a separable layer's dw_res_T for its
    // pointwise half.
    // (hls4ml 0.7's three-type separable: dw_res_T is data_T.)
    const bool pointwise_half = absl::StartsWith(call.function, "separable") && !depthwise &&
                                call.template_args.size() == 4;
    absl::StatusOr<FixedType> data =
        ResolveType(call.template_args[pointwise_half ? 1 : 0], call.where);
    if (!data.ok()) return data.status();
    absl::StatusOr<ExponentWeights> e = ReadExponentWeights(
        call, config, "weight_t", *exponential, *data, weights_name, n_weights);
    if (!e.ok()) return e.status();
    absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
        biases_name, c.bias_type, c.n_filt, absl::StrCat(config.name, "::bias_t"), call);
    if (!biases.ok()) return biases.status();
    if (unrolled_kernel != nullptr) {
      if (absl::Status st = CheckUnrolledDense(*unrolled_kernel, static_cast<int>(k), c.n_filt,
                                               unrolled_reuse, [](int64_t) { return false; });
          !st.ok()) {
        return st;
      }
    }
    if (c.resource_strategy && !depthwise) {
      // Resource strategy writes the kernel as (filter, kh, kw, channel).
      ExponentWeights t = *e;
      for (int64_t f = 0; f < c.n_filt; ++f) {
        for (int64_t i = 0; i < k; ++i) {
          t.sign[i * c.n_filt + f] = e->sign[f * k + i];
          t.exponent[i * c.n_filt + f] = e->exponent[f * k + i];
        }
      }
      *e = std::move(t);
    }
    c.exponent_weights = *std::move(e);
    c.biases = *std::move(biases);
    LayerSpec layer;
    layer.op = std::move(c);
    return layer;
  }
  absl::StatusOr<std::vector<int64_t>> weights =
      LoadWeights(weights_name, c.weight_type, n_weights,
                  absl::StrCat(config.name, "::weight_t"), call);
  if (!weights.ok()) return weights.status();
  absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
      biases_name, c.bias_type, c.n_filt, absl::StrCat(config.name, "::bias_t"), call);
  if (!biases.ok()) return biases.status();
  if (binary_or_ternary != nullptr) {
    if (absl::Status st = BinaryTernaryWeights(*binary_or_ternary, &c.weight_type, &*weights);
        !st.ok()) {
      return st;
    }
  }
  if (unrolled_kernel != nullptr) {
    // The (filter, kh, kw, channel) file layout is the generated kernel's [n_out][n_in].
    if (absl::Status st =
            CheckUnrolledDense(*unrolled_kernel, static_cast<int>(k), c.n_filt, unrolled_reuse,
                               [&](int64_t w) { return (*weights)[w] == 0; });
        !st.ok()) {
      return st;
    }
  }
  if (c.resource_strategy && !depthwise) {
    // Resource strategy writes the kernel as (filter, kh, kw, channel).
    c.weights.resize(weights->size());
    for (int64_t f = 0; f < c.n_filt; ++f) {
      for (int64_t i = 0; i < k; ++i) c.weights[i * c.n_filt + f] = (*weights)[f * k + i];
    }
  } else {
    c.weights = *std::move(weights);
  }
  c.biases = *std::move(biases);
  LayerSpec layer;
  layer.op = std::move(c);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildPooling(const LayerCall& call, int n_in, int dims,
                                                      bool global) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " takes (input, output)"));
  }
  PoolingSpec p;
  auto op = config.values.find("pool_op");
  if (op == config.values.end()) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat("struct ", config.name, " lacks pool_op"));
  }
  if (op->second.text == "nnet::Max") {
    p.kind = PoolKind::kMax;
  } else if (op->second.text == "nnet::Average") {
    p.kind = PoolKind::kAverage;
  } else {
    return Error(absl::StatusCode::kUnimplemented, op->second.Where(),
                 absl::StrCat("pool_op ", op->second.text, " is not supported"));
  }
  if (global) {
    // global_pooling{1,2}d_cl: one window over the whole input; 1D configs name the width n_in.
    std::vector<IntField> fields = {{"n_filt", &p.n_chan}};
    if (dims == 1) {
      fields.push_back({"n_in", &p.in_width});
    } else {
      fields.push_back({"in_height", &p.in_height});
      fields.push_back({"in_width", &p.in_width});
    }
    for (const IntField& f : fields) {
      absl::StatusOr<int> v = RequiredInt(config, f.name);
      if (!v.ok()) return v.status();
      *f.value = *v;
    }
    p.pool_height = p.stride_height = p.in_height;
    p.pool_width = p.stride_width = p.in_width;
  } else {
    std::vector<IntField> fields = {{"n_filt", &p.n_chan},         {"pool_width", &p.pool_width},
                                    {"stride_width", &p.stride_width}, {"pad_left", &p.pad_left},
                                    {"pad_right", &p.pad_right}};
    if (dims == 1) {
      fields.push_back({"n_in", &p.in_width});
      fields.push_back({"n_out", &p.out_width});
    } else {
      fields.insert(fields.end(), {{"in_height", &p.in_height},
                                   {"in_width", &p.in_width},
                                   {"pool_height", &p.pool_height},
                                   {"stride_height", &p.stride_height},
                                   {"pad_top", &p.pad_top},
                                   {"pad_bottom", &p.pad_bottom},
                                   {"out_height", &p.out_height},
                                   {"out_width", &p.out_width}});
    }
    for (const IntField& f : fields) {
      absl::StatusOr<int> v = RequiredInt(config, f.name);
      if (!v.ok()) return v.status();
      *f.value = *v;
    }
    auto count_pad = config.values.find("count_pad");
    p.count_pad = count_pad != config.values.end() && count_pad->second.text == "true";
  }
  if (int64_t{p.in_height} * p.in_width * p.n_chan != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": the pooling input holds ",
                              int64_t{p.in_height} * p.in_width * p.n_chan,
                              " values but the layer's input has ", n_in));
  }
  absl::StatusOr<FixedType> in_type = ResolveType(call.template_args[0], call.where);
  if (!in_type.ok()) return in_type.status();
  // Three releases of average pooling, told apart by the project's own nnet_pooling.h:
  // <= 0.7 `T avg(T (&x)[N])` sums and divides in data_T; 0.8 adds an overload for
  // ap_fixed<W,I> that sums in ap_fixed<W + ceillog2(N), I + ceillog2(N)> and converts back to
  // data_T; 1.0+ sums in accum_t and divides by the pixels inside the image. Releases before 1.0
  // walk stride-sized windows and then multiply by data_T(pool size) / overlap.
  const std::string& source = NnetUtils("nnet_pooling.h");
  const bool old = absl::StrContains(source, "T avg(T (&x)[N])");
  // 0.8's overload takes ap_fixed<W,I> (default modes) only; later 0.8.x/0.9 ones take
  // ap_fixed/ap_ufixed<W,I,Q,O> (any Q and O, no saturation bits) or <W,I,Q,O,M> (any). The wider
  // sum is exact, the quotient keeps the input's fraction bits and fits its range, so the modes
  // never act: one accum/cast pair models them all. Other types take the data_T avg().
  const bool wide_overload_qom =
      absl::StrContains(source, "ap_fixed<W + ceillog2(N), I + ceillog2(N), Q, O, M> tmp");
  const bool wide_overload_qo =
      absl::StrContains(source, "ap_fixed<W + ceillog2(N), I + ceillog2(N), Q, O> tmp");
  const bool wide_overload_default =
      absl::StrContains(source, "ap_fixed<W + ceillog2(N), I + ceillog2(N)> tmp");
  if (!source.empty() && !old &&
      !absl::StrContains(source, "accum_t avg(T (&x)[N], unsigned length)")) {
    return Error(absl::StatusCode::kUnimplemented,
                 Display(firmware_dir_ / "nnet_utils" / "nnet_pooling.h"),
                 "this nnet_pooling.h is neither hls4ml 0.x's nor 1.x's (edited?): its average "
                 "pooling cannot be reproduced");
  }
  if (old) {
    if (p.pool_width != p.stride_width || p.pool_height != p.stride_height || p.pad_top ||
        p.pad_bottom || p.pad_left || p.pad_right) {
      return Error(absl::StatusCode::kUnimplemented, config.Where(),
                   absl::StrCat(config.name, ": pooling of hls4ml < 1.0 with a pool size other "
                                             "than its stride, or padding, is not supported"));
    }
    p.accum_type = *in_type;
    const int n = p.pool_height * p.pool_width;
    if (p.kind == PoolKind::kAverage && !global) {
      // Then res *= rescale: 0.8 computes data_T(n) / overlap (data_T's own overflow, the raw
      // value divided truncating toward zero), 0.6/0.7 data_T(n / overlap) in int. The overlap is
      // n (unpadded windows).
      const bool typed_division =
          absl::StrContains(source, "static_cast<data_T>(CONFIG_T::pool");
      // 2D: data_T(pool_height) * data_T(pool_width) / overlap, the product exact.
      absl::StatusOr<int64_t> raw = FromDouble(*in_type, typed_division ? p.pool_width : 1);
      if (!raw.ok()) return raw.status();
      if (!typed_division) {
        p.rescale = *raw;
      } else if (dims == 1) {
        p.rescale = internal::ApplyOverflow(*in_type, internal::WideRaw(*in_type, *raw) / n);
      } else {
        absl::StatusOr<int64_t> h_raw = FromDouble(*in_type, p.pool_height);
        if (!h_raw.ok()) return h_raw.status();
        const internal::Int128 q =
            internal::WideRaw(*in_type, *h_raw) * internal::WideRaw(*in_type, *raw) / n;
        p.rescale = internal::QuantizeScaled(*in_type, q, -in_type->fractional_bits());
      }
    }
    const FixedType& t = *in_type;
    const bool default_modes = t.is_signed && t.quantization == Quantization::kTrn &&
                               t.overflow == Overflow::kWrap && t.saturation_bits == 0;
    const bool wide_average = wide_overload_qom ||
                              (wide_overload_qo && t.saturation_bits == 0) ||
                              (wide_overload_default && default_modes);
    if (p.kind == PoolKind::kAverage && wide_average) {
      int c = 1;  // nnet::ceillog2
      for (int x = n; x > 2; x = (x + 1) / 2) ++c;
      p.accum_type = FixedType{t.width + c, t.integer_bits + c, t.is_signed};
      p.average_cast_type = t;
      if (p.accum_type.width > 64) {
        return Error(absl::StatusCode::kUnimplemented, config.Where(),
                     "average pooling accumulator wider than 64 bits");
      }
    }
  } else {
    absl::StatusOr<FixedType> accum = ConfigType(config, "accum_t", *in_type);
    if (!accum.ok()) return accum.status();
    p.accum_type = *accum;
  }
  if (global) {
    p.out_height = p.out_width = 1;
  } else if (dims == 1) {
    p.out_height = 1;
  }
  LayerSpec layer;
  layer.op = p;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildPadding(const LayerCall& call, int n_in, int dims) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " takes (input, output)"));
  }
  PaddingSpec p;
  std::vector<IntField> fields = {{"n_chan", &p.n_chan},
                                  {"in_width", &p.in_width},
                                  {"pad_left", &p.pad_left},
                                  {"pad_right", &p.pad_right}};
  if (dims == 2) {
    fields.insert(fields.end(), {{"in_height", &p.in_height},
                                 {"pad_top", &p.pad_top},
                                 {"pad_bottom", &p.pad_bottom}});
  }
  for (const IntField& f : fields) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  if (int64_t{p.in_height} * p.in_width * p.n_chan != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": the padding input holds ",
                              int64_t{p.in_height} * p.in_width * p.n_chan,
                              " values but the layer's input has ", n_in));
  }
  LayerSpec layer;
  layer.op = p;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildCropping(const LayerCall& call, int n_in,
                                                       int dims) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function, " takes (input, output)"));
  }
  CroppingSpec c;
  int out_height = 1, out_width = 0;
  std::vector<IntField> fields = {{"n_chan", &c.n_chan},
                                  {"in_width", &c.in_width},
                                  {"out_width", &out_width},
                                  {"crop_left", &c.crop_left},
                                  {"crop_right", &c.crop_right}};
  if (dims == 2) {
    fields.insert(fields.end(), {{"in_height", &c.in_height},
                                 {"out_height", &out_height},
                                 {"crop_top", &c.crop_top},
                                 {"crop_bottom", &c.crop_bottom}});
  }
  for (const IntField& f : fields) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  // The io_parallel code walks out_width from crop_left, the stream code reads crop_right more
  // pixels (and in_width per cropped row): they agree only on a consistent config.
  if (out_width != c.in_width - c.crop_left - c.crop_right ||
      out_height != c.in_height - c.crop_top - c.crop_bottom || out_width < 1 ||
      out_height < 1 || c.crop_left < 0 || c.crop_right < 0 || c.crop_top < 0 ||
      c.crop_bottom < 0) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": cropping ", c.in_height, "x", c.in_width, " by (",
                              c.crop_top, ", ", c.crop_bottom, ", ", c.crop_left, ", ",
                              c.crop_right, ") does not give ", out_height, "x", out_width));
  }
  if (int64_t{c.in_height} * c.in_width * c.n_chan != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": the cropping input holds ",
                              int64_t{c.in_height} * c.in_width * c.n_chan,
                              " values but the layer's input has ", n_in));
  }
  LayerSpec layer;
  layer.op = c;
  return layer;
}

absl::StatusOr<FixedType> ProjectReader::StreamPoolWindowType(const LayerCall& call,
                                                              const ConfigStruct& config,
                                                              bool global) {
  absl::StatusOr<FixedType> data_t = ResolveType(call.template_args[0], call.where);
  if (!data_t.ok()) return data_t.status();
  const std::string flat = WithoutSpaces(NnetUtils("nnet_pooling_stream.h"));
  bool in_data_t = false;
  if (global) {
    in_data_t = absl::StrContains(flat, "typenamedata_T::value_typedata_window[CONFIG_T::n_filt]");
  } else if (absl::StrContains(flat, "typenamedata_T::value_typepool_window[")) {
    // 0.5 (no line buffer): data_T everywhere; 0.6: data_T in the line-buffer functions only.
    bool linebuffer = false;
    if (auto it = config.values.find("implementation"); it != config.values.end()) {
      linebuffer = absl::StrContains(it->second.text, "linebuffer");
    }
    in_data_t = !absl::StrContains(flat, "compute_pool_buffer_2d") || linebuffer;
  }
  if (in_data_t) return *data_t;
  return ConfigType(config, "accum_t", *data_t);
}

absl::StatusOr<std::vector<int64_t>> ProjectReader::ConfigArray(const ConfigStruct& config,
                                                                const std::string& member) const {
  // In the struct: `static constexpr unsigned perm[3] = {0,2,1};` (hls4ml <= 1.0).
  for (const auto& [key, value] : config.values) {
    if (absl::StartsWith(key, member + "[") && absl::StartsWith(value.text, "{") &&
        absl::EndsWith(value.text, "}")) {
      std::vector<int64_t> values;
      for (const std::string& v : SplitTopLevel(value.text.substr(1, value.text.size() - 2))) {
        absl::StatusOr<int64_t> n = EvalInt(v, value);
        if (!n.ok()) return n.status();
        values.push_back(*n);
      }
      return values;
    }
  }
  std::string name = config.name + "_" + member;
  if (auto it = out_of_line_.find(config.name + "::" + member); it != out_of_line_.end()) {
    name = it->second.text;
  }
  std::ifstream in(config.file->path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  size_t pos = 0;
  while ((pos = text.find(name, pos)) != std::string::npos) {
    const bool starts = pos == 0 || !(absl::ascii_isalnum(text[pos - 1]) || text[pos - 1] == '_');
    size_t after = pos + name.size();
    while (after < text.size() && text[after] == ' ') ++after;
    if (starts && after < text.size() && text[after] == '[') {
      const size_t open = text.find('{', after), close = text.find('}', after);
      const size_t semi = text.find(';', after);
      if (open != std::string::npos && close != std::string::npos && open < close &&
          close < semi) {
        std::vector<int64_t> values;
        for (const std::string& v : SplitTopLevel(text.substr(open + 1, close - open - 1))) {
          absl::StatusOr<int64_t> n = EvalInt(v, Located{v, config.file, config.line});
          if (!n.ok()) return n.status();
          values.push_back(*n);
        }
        return values;
      }
    }
    pos = after;
  }
  return Error(absl::StatusCode::kInvalidArgument, config.Where(),
               absl::StrCat(config.name, "::", member, ": no array ", name, " in ",
                            config.file->display_name));
}

absl::StatusOr<LayerSpec> ProjectReader::BuildTranspose(const LayerCall& call, int n_in,
                                                        int pack) const {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (call.args.size() != 2) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::transpose takes (input, output)");
  }
  absl::StatusOr<int> dims = RequiredInt(config, "dims");
  if (!dims.ok()) return dims.status();
  absl::StatusOr<int> n = RequiredInt(config, "N");
  if (!n.ok()) return n.status();
  if (*n != n_in || *dims < 1 || *dims > 8) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": dims = ", *dims, ", N = ", *n,
                              " for an input of ", n_in, " values"));
  }
  absl::StatusOr<std::vector<int64_t>> to_shape = ConfigArray(config, "to_shape");
  if (!to_shape.ok()) return to_shape.status();
  absl::StatusOr<std::vector<int64_t>> strides = ConfigArray(config, "perm_strides");
  if (!strides.ok()) return strides.status();
  absl::StatusOr<std::vector<int64_t>> from_shape = ConfigArray(config, "from_shape");
  if (!from_shape.ok()) return from_shape.status();
  int64_t product = 1;
  for (int64_t d : *to_shape) product *= d;
  if (static_cast<int>(to_shape->size()) != *dims ||
      static_cast<int>(strides->size()) != *dims ||
      static_cast<int>(from_shape->size()) != *dims || product != *n) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": shapes and strides do not describe ", *dims,
                              " dimensions of ", *n, " values"));
  }
  TransposeSpec t;
  t.source.resize(*n);
  if (pack > 0 && *dims == 2) {
    // nnet_transpose_stream.h's 2-D version: output pack i, element j reads
    // data[j * from_shape[1] + i].
    if (*n % pack != 0) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("io_stream nnet::transpose over packs of ", pack, " of ", *n,
                                " values is not supported"));
    }
    for (int i = 0; i < *n / pack; ++i) {
      for (int j = 0; j < pack; ++j) {
        t.source[i * pack + j] = static_cast<int>(j * (*from_shape)[1] + i);
      }
    }
  } else {
    // transfer_idx: the output's flat index split by to_shape, dotted with perm_strides.
    for (int i = 0; i < *n; ++i) {
      int64_t index = i, idx = 0;
      for (int d = *dims - 1; d >= 0; --d) {
        if ((*to_shape)[d] <= 0) {
          return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                       absl::StrCat(config.name, ": to_shape has a zero"));
        }
        idx += (index % (*to_shape)[d]) * (*strides)[d];
        index /= (*to_shape)[d];
      }
      t.source[i] = static_cast<int>(std::clamp<int64_t>(idx, -1, int64_t{1} << 30));
    }
  }
  LayerSpec layer;
  layer.op = std::move(t);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildArrayTranspose(const LayerCall& call, int n_in) {
  const bool three = call.function == "transpose_3d";
  if (call.args.size() != 2 || call.template_args.size() != 3) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("nnet::", call.function,
                              " takes <data_T, res_T, CONFIG_T>(data, data_t)"));
  }
  if (stream_) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("io_stream nnet::", call.function,
                              " is not supported (nnet_array.h has arrays only)"));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  // The project's own nnet_array.h (hls4ml 0.7 - 1.0), if it ships one: the copy statements.
  const std::string& source = NnetUtils("nnet_array.h");
  if (!source.empty()) {
    const std::string flat = WithoutSpaces(source);
    const char* marker =
        three ? "data_t[idx_t[0]*dims_t[1]*dims_t[2]+idx_t[1]*dims_t[2]+idx_t[2]]=data[idx[0]*"
                "dims[1]*dims[2]+idx[1]*dims[2]+idx[2]];"
              : "data_t[j*CONFIG_T::height+i]=data[i*CONFIG_T::width+j];";
    if (!absl::StrContains(flat, marker)) {
      return Error(absl::StatusCode::kUnimplemented,
                   Display(firmware_dir_ / "nnet_utils" / "nnet_array.h"),
                   absl::StrCat("this nnet_array.h is not hls4ml 0.7-1.0's (edited?): nnet::",
                                call.function, " cannot be reproduced"));
    }
  }
  int depth = 1, height = 0, width = 0;
  for (IntField f : {IntField{"height", &height}, IntField{"width", &width}}) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  std::vector<int64_t> perm = {0, 2, 1};
  if (three) {
    absl::StatusOr<int> d = RequiredInt(config, "depth");
    if (!d.ok()) return d.status();
    depth = *d;
    absl::StatusOr<std::vector<int64_t>> p = ConfigArray(config, "perm");
    if (!p.ok()) return p.status();
    perm = *std::move(p);
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != std::vector<int64_t>{0, 1, 2}) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat(config.name, "::perm is not a permutation of {0, 1, 2}"));
    }
  }
  if (depth < 1 || height < 1 || width < 1 || int64_t{depth} * height * width != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": depth * height * width = ",
                              int64_t{depth} * height * width, " for an input of ", n_in,
                              " values"));
  }
  // transpose_2d: data_t[j * height + i] = data[i * width + j]; transpose_3d moves element
  // (d, h, w) to the index of (idx[perm[0]], idx[perm[1]], idx[perm[2]]) in the permuted dims.
  TransposeSpec t;
  t.source.resize(n_in);
  const int dims[3] = {depth, height, width};
  const int dims_t[3] = {dims[perm[0]], dims[perm[1]], dims[perm[2]]};
  for (int a = 0; a < depth; ++a) {
    for (int b = 0; b < height; ++b) {
      for (int c = 0; c < width; ++c) {
        const int idx[3] = {a, b, c};
        const int to = three ? (idx[perm[0]] * dims_t[1] + idx[perm[1]]) * dims_t[2] + idx[perm[2]]
                             : c * height + b;
        t.source[to] = (a * height + b) * width + c;
      }
    }
  }
  LayerSpec layer;
  layer.op = std::move(t);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildResize(const LayerCall& call, int n_in) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 1);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  auto algorithm = config.values.find("interp_op");
  if (algorithm != config.values.end() && !absl::StrContains(algorithm->second.text, "nearest")) {
    return Error(absl::StatusCode::kUnimplemented, algorithm->second.Where(),
                 absl::StrCat("upsampling interpolation ", algorithm->second.text,
                              " is not supported (nearest is)"));
  }
  ResizeSpec r;
  for (const IntField& f : {IntField{"height", &r.in_height}, IntField{"width", &r.in_width},
                            IntField{"n_chan", &r.n_chan}, IntField{"new_height", &r.out_height},
                            IntField{"new_width", &r.out_width}}) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  if (int64_t{r.in_height} * r.in_width * r.n_chan != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": height * width * n_chan = ",
                              int64_t{r.in_height} * r.in_width * r.n_chan,
                              " but the layer's input has ", n_in, " values"));
  }
  LayerSpec layer;
  layer.op = r;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildMerge(const LayerCall& call,
                                                    const std::vector<int>& ins) {
  static const std::set<std::string> kMerges = {
      "add",     "subtract",      "multiply",      "average",      "maximum",
      "minimum", "concatenate1d", "concatenate2d", "concatenate3d", "dot1d"};
  if (!kMerges.count(call.function)) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("unknown layer nnet::", call.function,
                              " (supported two-input layers: add, subtract, multiply, average, "
                              "maximum, minimum, concatenate1d/2d/3d, dot1d)"));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 3);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  const std::string& f = call.function;
  MergeSpec m;
  if (f == "dot1d") {
    // nnet_merge.h (0.5+): products through CONFIG_T::product into accum_t, summed in accum_t.
    m.kind = MergeKind::kDot;
    absl::StatusOr<int> n = RequiredInt(config, "n_in");
    if (!n.ok()) return n.status();
    if (*n != ins[0] || *n != ins[1]) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat(config.name, "::n_in = ", *n, " but the inputs have ", ins[0],
                                " and ", ins[1], " values"));
    }
    absl::StatusOr<FixedType> acc = ConfigType(config, "accum_t", std::nullopt);
    if (!acc.ok()) return acc.status();
    m.accum_type = *acc;
    auto product = config.usings.find("product");
    if (product == config.usings.end() ||
        absl::StrReplaceAll(product->second.text, {{" ", ""}}) !=
            "nnet::product::mult<x_T,y_T>") {
      return Error(absl::StatusCode::kUnimplemented,
                   product == config.usings.end() ? config.Where() : product->second.Where(),
                   absl::StrCat(config.name, ": nnet::dot1d with product ",
                                product == config.usings.end() ? "(none)" : product->second.text,
                                " is not supported (product::mult<x_T, y_T> is)"));
    }
    // nnet::cast of ap_uint<1> inputs writes 2 * acc - n_in (binary dot products).
    absl::StatusOr<FixedType> in1 = ResolveType(call.template_args[0], call.where);
    if (!in1.ok()) return in1.status();
    if (in1->width == 1 && !in1->is_signed) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   "nnet::dot1d of 1-bit unsigned inputs (binary dot products) is not supported");
    }
  } else if (absl::StartsWith(f, "concatenate")) {
    m.kind = MergeKind::kConcatenate;
    const int rank = f == "concatenate1d" ? 1 : f == "concatenate2d" ? 2 : 3;
    for (int input = 1; input <= 2; ++input) {
      std::vector<int>& shape = input == 1 ? m.shape1 : m.shape2;
      for (int d = 0; d < rank; ++d) {
        absl::StatusOr<int> v = RequiredInt(config, absl::StrCat("n_elem", input, "_", d));
        if (!v.ok()) return v.status();
        shape.push_back(*v);
      }
    }
    absl::StatusOr<std::optional<int64_t>> axis = ConfigInt(config, "axis");
    if (!axis.ok()) return axis.status();
    m.axis = static_cast<int>(axis->value_or(-1));
    // `static const unsigned axis = -1;` reads back as 2^32 - 1 in some configs.
    if (m.axis == static_cast<int>(4294967295u)) m.axis = -1;
    if (rank == 1) m.axis = 0;
  } else {
    static const std::map<std::string, MergeKind> kinds = {
        {"add", MergeKind::kAdd},         {"subtract", MergeKind::kSubtract},
        {"multiply", MergeKind::kMultiply}, {"average", MergeKind::kAverage},
        {"maximum", MergeKind::kMaximum}, {"minimum", MergeKind::kMinimum}};
    m.kind = kinds.at(f);
    absl::StatusOr<std::optional<int64_t>> n_elem = ConfigInt(config, "n_elem");
    if (!n_elem.ok()) return n_elem.status();
    if (*n_elem && **n_elem != std::max(ins[0], ins[1])) {
      return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_elem").Where(),
                   absl::StrCat(config.name, "::n_elem = ", **n_elem, " but the inputs have ",
                                ins[0], " and ", ins[1], " values"));
    }
    if (ins[0] != ins[1] && !config.values.count("n_elem1")) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("nnet::", f, " of ", ins[0], " and ", ins[1],
                                " values (this release does not broadcast)"));
    }
    if (m.kind == MergeKind::kAverage) {
      // hls4ml < 1.2: (a + b) / (res_T)2; 1.2+: (a + b) * ap_ufixed<1, 0>(0.5).
      const std::string& source = NnetUtils("nnet_merge.h");
      const bool halves = absl::StrContains(source, "* ap_ufixed<1, 0>(0.5)");
      const bool divides = absl::StrContains(source, "/ (res_T)2") ||
                           absl::StrContains(source, "/ (res_T) 2");
      if (!source.empty() && !halves && !divides) {
        return Error(absl::StatusCode::kUnimplemented,
                     Display(firmware_dir_ / "nnet_utils" / "nnet_merge.h"),
                     "this nnet_merge.h's average is neither hls4ml's division nor its halving "
                     "(edited?)");
      }
      // Without the project's nnet_utils, the n_elem1/n_elem2 configs of 1.2+ tell.
      m.average_divides = source.empty() ? !config.values.count("n_elem1") : divides;
    }
  }
  LayerSpec layer;
  layer.op = m;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildParamActivation(const LayerCall& call, int n_in,
                                                              const FixedType& in_type) {
  const bool with_param_type = call.template_args.size() == 4;
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, with_param_type ? 3 : 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  ActivationSpec act;
  act.n = n_in;
  const std::string& f = call.function;
  act.kind = f == "leaky_relu"         ? ActivationKind::kLeakyRelu
             : f == "thresholded_relu" ? ActivationKind::kThresholdedRelu
                                       : ActivationKind::kPRelu;
  // The parameter's type: the call's param_t (1.x), else data_T (the older signature).
  absl::StatusOr<FixedType> param_type =
      with_param_type ? ResolveType(call.template_args[1], call.where)
                      : absl::StatusOr<FixedType>(in_type);
  if (!param_type.ok()) return param_type.status();
  act.param_type = *param_type;
  const std::string param(Trim(call.args[1]));
  if (act.kind == ActivationKind::kPRelu) {
    absl::StatusOr<std::vector<int64_t>> alphas =
        LoadWeights(param, act.param_type, n_in, "the alpha type", call);
    if (!alphas.ok()) return alphas.status();
    act.params = *std::move(alphas);
  } else {
    double value = 0;
    if (!absl::SimpleAtod(param, &value) || !std::isfinite(value)) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("nnet::", f, " parameter '", param, "' is not a number"));
    }
    absl::StatusOr<int64_t> raw = FromDouble(act.param_type, value);
    if (!raw.ok()) return raw.status();
    act.param = *raw;
  }
  LayerSpec layer;
  layer.op = act;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildThresholdActivation(const LayerCall& call,
                                                                  int n_in,
                                                                  const FixedType& in_type) {
  const std::string& f = call.function;
  const bool ternary = f == "normalize_ternary_tanh";
  if (stream_) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("io_stream nnet::", f, " is not supported"));
  }
  if (call.template_args.size() != 2 || call.args.size() != (ternary ? 4u : 3u)) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("cannot parse the arguments of nnet::", f));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 1);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  absl::StatusOr<std::optional<int64_t>> n_filt = ConfigInt(config, "n_filt");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!n_filt.ok()) return n_filt.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  // The release: hls4ml 0.2-0.4 index the thresholds by element (no n_filt); 0.5-0.7 by
  // ii % n_filt with x > t; 0.8+ with x >= t (binary). No shipped header: the newest.
  const std::string flat = WithoutSpaces(NnetUtils("nnet_batchnorm.h"));
  const std::string hi = ternary ? "threshold_hi" : "threshold";
  bool per_element = false;
  bool inclusive = !ternary;
  if (!flat.empty()) {
    if (absl::StrContains(flat, absl::StrCat("if(datareg>", hi, "[ii])"))) {
      per_element = true;
      inclusive = false;
    } else if (!ternary && absl::StrContains(flat, "if(datareg>=threshold[norm_index])")) {
      inclusive = true;
    } else if (absl::StrContains(flat, absl::StrCat("if(datareg>", hi, "[norm_index])"))) {
      inclusive = false;
    } else {
      return Error(absl::StatusCode::kUnimplemented,
                   Display(firmware_dir_ / "nnet_utils" / "nnet_batchnorm.h"),
                   absl::StrCat("this nnet_batchnorm.h's ", f,
                                " is none of hls4ml's (edited?): it cannot be reproduced"));
    }
    if (ternary && !absl::StrContains(flat, per_element ? "elseif(datareg<=threshold_lo[ii])"
                                                        : "elseif(datareg<=threshold_lo[norm_"
                                                          "index])")) {
      return Error(absl::StatusCode::kUnimplemented,
                   Display(firmware_dir_ / "nnet_utils" / "nnet_batchnorm.h"),
                   absl::StrCat("this nnet_batchnorm.h's ", f,
                                " is none of hls4ml's (edited?): it cannot be reproduced"));
    }
  }
  int n_params = n_in;
  if (!per_element && *n_filt && **n_filt != -1 && **n_filt != n_in) {
    if (**n_filt <= 0 || n_in % **n_filt != 0) {
      return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_filt").Where(),
                   absl::StrCat(config.name, "::n_filt = ", **n_filt, " does not divide n_in = ",
                                n_in));
    }
    n_params = static_cast<int>(**n_filt);
  }
  ActivationSpec act;
  act.n = n_in;
  act.kind = ternary ? ActivationKind::kTernaryThreshold : ActivationKind::kBinaryThreshold;
  act.threshold_inclusive = inclusive;
  for (int k = 0; k < (ternary ? 2 : 1); ++k) {
    // The thresholds are data_T arrays (the function's parameter type).
    absl::StatusOr<std::vector<int64_t>> t =
        LoadWeights(std::string(Trim(call.args[2 + k])), in_type, n_params, "data_T", call);
    if (!t.ok()) return t.status();
    std::vector<int64_t>& into = k == 0 ? act.params : act.thresholds_lo;
    for (int i = 0; i < n_in; ++i) into.push_back((*t)[i % n_params]);
  }
  LayerSpec layer;
  layer.op = std::move(act);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildHardActivation(const LayerCall& call, int n_in) {
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  ActivationSpec act;
  act.n = n_in;
  act.kind = call.function == "hard_sigmoid" ? ActivationKind::kHardSigmoid
                                             : ActivationKind::kHardTanh;
  for (const char* member : {"slope", "shift"}) {
    const std::string key = absl::StrCat(config.name, "::", member);
    auto value = out_of_line_.find(key);
    auto type = out_of_line_.find(key + "#type");
    if (value == out_of_line_.end() || type == out_of_line_.end()) {
      return Error(absl::StatusCode::kUnimplemented, config.Where(),
                   absl::StrCat("nnet::", call.function, ": ", config.name, " defines no ", member,
                                " (the data_T slope/shift of hls4ml < 0.8 are not supported)"));
    }
    absl::StatusOr<FixedType> t = ResolveType(type->second.text, type->second);
    if (!t.ok()) return t.status();
    double v = 0;
    if (!absl::SimpleAtod(value->second.text, &v) || !std::isfinite(v)) {
      return Error(absl::StatusCode::kInvalidArgument, value->second.Where(),
                   absl::StrCat(key, " = ", value->second.text, " is not a number"));
    }
    absl::StatusOr<int64_t> raw = FromDouble(*t, v);
    if (!raw.ok()) return raw.status();
    (std::string(member) == "slope" ? act.slope_type : act.shift_type) = *t;
    (std::string(member) == "slope" ? act.slope : act.shift) = *raw;
  }
  LayerSpec layer;
  layer.op = act;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildEmbedding(const LayerCall& call, int n_in) {
  if (call.args.size() != 3 || call.template_args.size() != 3) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::embedding takes <data_T, res_T, CONFIG_T>(data, res, embeddings)");
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  EmbeddingSpec e;
  for (IntField f : {IntField{"n_in", &e.n_in}, IntField{"n_out", &e.n_out},
                     IntField{"vocab_size", &e.vocab_size}}) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  if (e.n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in = ", e.n_in, " but the layer's input has ", n_in,
                              " values"));
  }
  absl::StatusOr<FixedType> type = ConfigType(config, "embeddings_t", std::nullopt);
  if (!type.ok()) return type.status();
  e.embeddings_type = *type;
  absl::StatusOr<std::vector<int64_t>> table =
      LoadWeights(call.args[2], e.embeddings_type, int64_t{e.vocab_size} * e.n_out,
                  absl::StrCat(config.name, "::embeddings_t"), call);
  if (!table.ok()) return table.status();
  e.embeddings = *std::move(table);
  LayerSpec layer;
  layer.op = e;
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildLayerNorm(const LayerCall& call, int n_in) {
  if (call.args.size() != 4 || call.template_args.size() != 3) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 "nnet::layernormalize takes <data_T, res_T, CONFIG_T>(data, res, scale, bias)");
  }
  if (stream_) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 "io_stream nnet::layernormalize is not supported (hls4ml has it for io_parallel "
                 "only)");
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  // The project's own nnet_layernorm.h, if it ships one, must be hls4ml 1.2+'s: the lines that
  // decide what is computed (whitespace ignored).
  const std::string& source = NnetUtils("nnet_layernorm.h");
  if (!source.empty()) {
    const std::string flat = WithoutSpaces(source);
    static const char* const kMarkers[] = {
        "floatmin_val=pow(10.0f,-(int)CONFIG_T::epsilon_power_of_10);",
        "floatmax_val=pow(2.0f,-(int)CONFIG_T::table_range_power2);",
        "floatstep=max_val/(float)(N_TABLE);",
        "floatin_val=min_val+step*ii;",
        "table_out[ii]=(typenameCONFIG_T::table_t)(1.0/sqrt(in_val));",
        "consttypenameCONFIG_T::accum_tk_inv=1.0/dim;",
        "sum_cache+=static_cast<typenameCONFIG_T::accum_t>(data[i]);",
        "mean=CONFIG_T::templateproduct<typenameCONFIG_T::accum_t,typenameCONFIG_T::accum_t>::"
        "product(sum_cache,k_inv);",
        "data_diff[i]=static_cast<typenameCONFIG_T::accum_t>(data[i])-mean;",
        "diff=data_diff[i]*data_diff[i];",
        "sum_cache2+=diff;",
        "var=CONFIG_T::templateproduct<typenameCONFIG_T::accum_t,typenameCONFIG_T::accum_t>::"
        "product(sum_cache2,k_inv);",
        "intindex=(var)*(CONFIG_T::table_size)*inv_range_inv;",
        "res[i]=data_diff[i]*deno_inver*scale[i]+bias[i];",
    };
    for (const char* marker : kMarkers) {
      if (!absl::StrContains(flat, marker)) {
        return Error(absl::StatusCode::kUnimplemented,
                     Display(firmware_dir_ / "nnet_utils" / "nnet_layernorm.h"),
                     "this nnet_layernorm.h is not hls4ml 1.2-1.3's (edited?): "
                     "nnet::layernormalize cannot be reproduced");
      }
    }
  }
  LayerNormSpec l;
  for (IntField f : {IntField{"n_in", &l.n_in}, IntField{"seq_len", &l.seq_len},
                     IntField{"epsilon_power_of_10", &l.epsilon_power_of_10},
                     IntField{"table_range_power2", &l.table_range_power2},
                     IntField{"table_size", &l.table_size}}) {
    absl::StatusOr<int> v = RequiredInt(config, f.name);
    if (!v.ok()) return v.status();
    *f.value = *v;
  }
  if (l.n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in = ", l.n_in, " but the layer's input has ", n_in,
                              " values"));
  }
  if (l.seq_len < 1 || l.n_in % l.seq_len != 0) {
    return Error(absl::StatusCode::kInvalidArgument, config.values.at("seq_len").Where(),
                 absl::StrCat(config.name, "::seq_len = ", l.seq_len, " does not divide n_in = ",
                              l.n_in));
  }
  auto product = config.usings.find("product");
  if (product != config.usings.end() &&
      !absl::StartsWith(product->second.text, "nnet::product::mult<")) {
    return Error(absl::StatusCode::kUnimplemented, product->second.Where(),
                 absl::StrCat(config.name, ": layer norm with product ", product->second.text,
                              " is not supported (nnet::product::mult is)"));
  }
  for (auto [field, type] : {std::pair{"accum_t", &l.accum_type}, {"table_t", &l.table_type},
                             {"scale_t", &l.scale_type}, {"bias_t", &l.bias_type}}) {
    absl::StatusOr<FixedType> t = ConfigType(config, field, std::nullopt);
    if (!t.ok()) return t.status();
    *type = *t;
  }
  const int dim = l.n_in / l.seq_len;
  absl::StatusOr<std::vector<int64_t>> scales = LoadWeights(
      call.args[2], l.scale_type, dim, absl::StrCat(config.name, "::scale_t"), call);
  if (!scales.ok()) return scales.status();
  absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
      call.args[3], l.bias_type, dim, absl::StrCat(config.name, "::bias_t"), call);
  if (!biases.ok()) return biases.status();
  l.scales = *std::move(scales);
  l.biases = *std::move(biases);
  LayerSpec layer;
  layer.op = std::move(l);
  return layer;
}

std::string ProjectReader::SpelledType(absl::string_view text) const {
  std::string t(Trim(text));
  for (int hops = 0; hops < 32; ++hops) {
    if (absl::StartsWith(t, "nnet::array<")) {
      const std::vector<std::string> parts = SplitTopLevel(t.substr(12, t.size() - 13));
      if (parts.empty()) break;
      t = std::string(Trim(parts[0]));
      continue;
    }
    auto it = typedefs_.find(t);
    if (it == typedefs_.end()) break;
    t = std::string(Trim(it->second.text));
  }
  t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
  return t;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildTableActivation(const LayerCall& call, int n_in,
                                                              const FixedType& in_type) {
  const std::string& f = call.function;
  const bool with_alpha = f == "elu" && call.args.size() == 3;
  const bool with_param_type = with_alpha && call.template_args.size() == 4;
  const size_t out_template = with_param_type ? 2 : 1;
  if (call.template_args.size() != out_template + 2 ||
      call.args.size() != (with_alpha ? 3u : 2u)) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("cannot parse the arguments of nnet::", f));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, out_template + 1);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  if (absl::Status s = CheckIoType(config); !s.ok()) return s;
  absl::StatusOr<std::optional<int64_t>> cfg_n_in = ConfigInt(config, "n_in");
  absl::StatusOr<std::optional<int64_t>> table_size = ConfigInt(config, "table_size");
  if (!cfg_n_in.ok()) return cfg_n_in.status();
  if (!table_size.ok()) return table_size.status();
  if (!*cfg_n_in || **cfg_n_in != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, "::n_in does not match the layer's input size ", n_in));
  }
  absl::StatusOr<FixedType> res = ResolveType(call.template_args[out_template], call.where);
  if (!res.ok()) return res.status();
  ActivationSpec act;
  act.n = n_in;
  act.kind = f == "elu"           ? ActivationKind::kElu
             : f == "selu"        ? ActivationKind::kSelu
             : f == "softplus"    ? ActivationKind::kSoftplus
             : f == "softsign"    ? ActivationKind::kSoftsign
             : f == "binary_tanh" ? ActivationKind::kBinaryTanh
                                  : ActivationKind::kTernaryTanh;
  act.table_size = static_cast<int>(table_size->value_or(1024));
  absl::StatusOr<FixedType> table_type = ConfigType(config, "table_t", FixedType{18, 8});
  if (!table_type.ok()) return table_type.status();
  act.table_type = *table_type;

  // Where releases differ, the project's own header tells (without one: the newest release).
  const char* header = stream_ ? "nnet_activation_stream.h" : "nnet_activation.h";
  const std::string& source = NnetUtils(header);
  auto edited = [&](absl::string_view what) {
    return Error(absl::StatusCode::kUnimplemented, Display(firmware_dir_ / "nnet_utils" / header),
                 absl::StrCat("this ", header, "'s ", what,
                              " is none of hls4ml's releases' (edited?): nnet::", f,
                              " cannot be reproduced"));
  };
  auto set_param = [&](const FixedType& t, double value) -> absl::Status {
    absl::StatusOr<int64_t> raw = FromDouble(t, value);
    if (!raw.ok()) return raw.status();
    act.param_type = t;
    act.param = *raw;
    return absl::OkStatus();
  };
  const FixedType bit = IntType(1, false);
  // The old signatures type alpha/lambda as res_T (io_parallel) or data_T (io_stream).
  const FixedType& old_type = stream_ ? in_type : *res;
  if (act.kind == ActivationKind::kElu) {
    if (with_alpha) {
      const std::string param(Trim(call.args[1]));
      double value = 0;
      if (!absl::SimpleAtod(param, &value) || !std::isfinite(value)) {
        return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                     absl::StrCat("nnet::elu parameter '", param, "' is not a number"));
      }
      FixedType t = old_type;
      if (with_param_type) {
        absl::StatusOr<FixedType> pt = ResolveType(call.template_args[1], call.where);
        if (!pt.ok()) return pt.status();
        t = *pt;
      }
      if (absl::Status st = set_param(t, value); !st.ok()) return st;
    } else {
      // elu(data, res): 1.x passes ap_uint<1>(1.0), older releases their alpha type's 1.0.
      const bool new_release = absl::StrContains(source, "elu<data_T, ap_uint<1>, res_T, CONFIG_T>");
      const bool old_release = absl::StrContains(source, "elu<data_T, res_T, CONFIG_T>(data, 1.0");
      if (!source.empty() && !new_release && !old_release) return edited("two-argument elu");
      if (absl::Status st = set_param(old_release ? old_type : bit, 1.0); !st.ok()) return st;
    }
  } else if (act.kind == ActivationKind::kSelu) {
    constexpr double kLambda = 1.0507009873554804934193349852946;
    FixedType t = old_type;
    if (!stream_) {
      // hls4ml 1.2+: ap_ufixed<16, 1> lambda; before: res_T(lambda).
      const bool new_release = absl::StrContains(source, "typedef ap_ufixed<16, 1> selu_const_t");
      const bool old_release =
          absl::StrContains(source, "res_T(1.0507009873554804934193349852946) * datareg");
      if (!source.empty() && !new_release && !old_release) return edited("selu");
      if (!old_release) t = FixedType{16, 1, false};
    } else if (!source.empty() &&
               !absl::StrContains(source, "(typename data_T::value_type)1.0507009873554804") &&
               !absl::StrContains(source, "(typename data_T::value_type) 1.0507009873554804")) {
      return edited("selu");  // every release's stream selu: data_T's lambda
    }
    if (absl::Status st = set_param(t, kLambda); !st.ok()) return st;
  } else if (act.kind == ActivationKind::kBinaryTanh) {
    // hls4ml 1.2+: x >= 0 is +1, and an ap_uint<1> result takes 0 for -1 (binary_cast).
    const bool new_release = source.empty() || absl::StrContains(source, "binary_cast<cache_T");
    act.binary_zero_positive = new_release;
    act.binary_bit_result = new_release && SpelledType(call.template_args[out_template]) ==
                                               "ap_uint<1>";
  } else if (act.kind == ActivationKind::kTernaryTanh) {
    // io_parallel compares data_T(2 * x) with +-1; io_stream x itself.
    act.ternary_doubles = !stream_;
  }
  LayerSpec layer;
  layer.op = act;
  return layer;
}

absl::StatusOr<ActivationSpec> ProjectReader::RecurrentActivation(
    const ConfigStruct& config, const std::string& act_config, const std::string& using_name,
    int n) {
  auto fail = [&](absl::StatusCode code, const std::string& where, absl::string_view why) {
    return Error(code, where, absl::StrCat(config.name, ": ", why));
  };
  auto u = config.usings.find(using_name);
  if (u == config.usings.end()) {
    return fail(absl::StatusCode::kInvalidArgument, config.Where(),
                absl::StrCat("no template using ", using_name));
  }
  // "nnet::activation::sigmoid<x_T, y_T, config_T>"
  absl::string_view name = u->second.text;
  if (!absl::ConsumePrefix(&name, "nnet::activation::")) {
    return fail(absl::StatusCode::kUnimplemented, u->second.Where(),
                absl::StrCat(using_name, " = ", u->second.text, " is not supported"));
  }
  name = name.substr(0, name.find('<'));
  ActivationSpec act;
  if (name == "sigmoid") {
    act.kind = ActivationKind::kSigmoid;
  } else if (name == "tanh") {
    act.kind = ActivationKind::kTanh;
  } else if (name == "relu") {
    act.kind = ActivationKind::kRelu;
  } else {
    return fail(absl::StatusCode::kUnimplemented, u->second.Where(),
                absl::StrCat(using_name, " nnet::activation::", name,
                             " is not supported (nnet_recr_activations.h has relu, sigmoid and "
                             "tanh)"));
  }
  auto t = config.typedefs.find(act_config);
  if (t == config.typedefs.end()) {
    return fail(absl::StatusCode::kInvalidArgument, config.Where(),
                absl::StrCat("no typedef ", act_config));
  }
  auto c = configs_.find(t->second.text);
  if (c == configs_.end()) {
    return fail(absl::StatusCode::kInvalidArgument, t->second.Where(),
                absl::StrCat("struct ", t->second.text, " is not defined"));
  }
  const ConfigStruct& ac = c->second;
  absl::StatusOr<std::optional<int64_t>> ac_n = ConfigInt(ac, "n_in");
  absl::StatusOr<std::optional<int64_t>> table_size = ConfigInt(ac, "table_size");
  if (!ac_n.ok()) return ac_n.status();
  if (!table_size.ok()) return table_size.status();
  // nnet::sigmoid/tanh/relu loop over the activation config's n_in: any other count leaves
  // values unset (or reads past the gates).
  if (!*ac_n || **ac_n != n) {
    return Error(absl::StatusCode::kUnimplemented, ac.Where(),
                 absl::StrCat(ac.name, "::n_in must be ", n, " for ", config.name, "'s ",
                              using_name));
  }
  act.n = n;
  act.table_size = static_cast<int>(table_size->value_or(1024));
  absl::StatusOr<FixedType> table_type = ConfigType(ac, "table_t", FixedType{18, 8});
  if (!table_type.ok()) return table_type.status();
  act.table_type = *table_type;
  return act;
}

absl::StatusOr<RecurrentSpec> ProjectReader::RecurrentCell(const LayerCall& call,
                                                           const ConfigStruct& config, bool lstm,
                                                           int first_weight) {
  RecurrentSpec r;
  r.kind = lstm ? RecurrentKind::kLstm : RecurrentKind::kGru;
  for (auto [field, value] : {std::pair{"n_in", &r.n_in}, {"n_state", &r.n_state}}) {
    absl::StatusOr<int> v = RequiredInt(config, field);
    if (!v.ok()) return v.status();
    *value = *v;
  }
  absl::StatusOr<FixedType> accum = ConfigType(config, "accum_t", std::nullopt);
  if (!accum.ok()) return accum.status();
  r.accum_type = *accum;
  const int gates = (lstm ? 4 : 3) * r.n_state;
  // The two dense products, read as the nnet::dense calls nnet_recurrent.h makes.
  for (int k = 0; k < 2; ++k) {
    const std::string field = k == 0 ? "mult_config1" : "mult_config2";
    auto m = config.typedefs.find(field);
    if (m == config.typedefs.end()) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat("struct ", config.name, " has no typedef ", field));
    }
    LayerCall dense_call;
    dense_call.function = "dense";
    dense_call.template_args = {call.template_args[k == 0 ? 0 : 1], m->second.text,
                                m->second.text};
    dense_call.args = {call.args[0], call.args[1], call.args[first_weight + k],
                       call.args[first_weight + 2 + k]};
    dense_call.where = call.where;
    absl::StatusOr<LayerSpec> dense = BuildDense(dense_call, k == 0 ? r.n_in : r.n_state);
    if (!dense.ok()) return dense.status();
    DenseSpec& d = std::get<DenseSpec>(dense->op);
    if (d.n_out != gates) {
      return Error(absl::StatusCode::kInvalidArgument, configs_.at(m->second.text).Where(),
                   absl::StrCat(m->second.text, "::n_out is ", d.n_out, "; ", config.name,
                                " needs ", gates));
    }
    (k == 0 ? r.input_dense : r.recurrent_dense) = std::move(d);
  }
  absl::StatusOr<ActivationSpec> recr = RecurrentActivation(
      config, lstm ? "ACT_CONFIG_LSTM" : "ACT_CONFIG_GRU", "activation_recr",
      (lstm ? 3 : 2) * r.n_state);
  if (!recr.ok()) return recr.status();
  r.recurrent_activation = *recr;
  absl::StatusOr<ActivationSpec> act =
      RecurrentActivation(config, "ACT_CONFIG_T", "activation", r.n_state);
  if (!act.ok()) return act.status();
  r.activation = *act;
  auto pytorch = config.values.find("pytorch_order");
  r.pytorch_order = !lstm && pytorch != config.values.end() && pytorch->second.text == "true";
  return r;
}

absl::StatusOr<bool> ProjectReader::RecurrentRelease(const LayerCall& call,
                                                     const ConfigStruct& config) {
  // Releases, told apart by the project's own nnet_recurrent.h (a project without it gets the
  // newest): the arithmetic of every step is the same from 0.7 to 1.3, but some instantiations
  // pass arrays of other types than their template arguments name, so a project compiles only
  // when those types coincide: lstm_stack instantiates the non-static nnet::lstm too (a run-time
  // `if (use_static)`), whose dense calls write accum_t arrays as res_T and read the res_T state
  // as data_T; before 1.1 the activations are sigmoid<data_T, weight_t> on accum_t arrays.
  // pytorch_order exists from 1.0.
  const std::string& source = NnetUtils("nnet_recurrent.h");
  const std::string flat = WithoutSpaces(source);
  const bool old_release = absl::StrContains(
      flat, "activation_recr<data_T,typenameCONFIG_T::weight_t,typenameCONFIG_T::ACT_CONFIG_LSTM>");
  if (source.empty()) return old_release;
  static const char* const kMarkers[] = {
      "inputacc_ifo[iacc]=tmpres[index]+tmpres_state[index];",
      "s_state[iacc]=tmpres_c[iacc]*tmpres_ifo[iacc]+s_state[iacc]*tmpres_ifo[iacc+(CONFIG_T::"
      "n_state)];",
      "h_state[iacc]=tmpres_ifo[iacc+2*(CONFIG_T::n_state)]*s_actstate[iacc];",
      "s_newstate[iacc]=tmpres_c[iacc]*tmpres_ifo[iacc]+s_newstate[iacc]*tmpres_ifo[iacc+("
      "CONFIG_T::n_state)];",
      "nnet::dense<data_T,typenameCONFIG_T::accum_t,typenameCONFIG_T::mult_config1>(data,tmpres,"
      "param,param_b);",
      "nnet::dense<res_T,typenameCONFIG_T::accum_t,typenameCONFIG_T::mult_config2>(h_state,"
      "tmpres_state,param_r,param_br);",
      "inputacc_zr[iacc]=tmpres[index]+tmpres_state_zr[index];",
      "tmpres_state_h[iacc]=tmpres_zr[iacc+(CONFIG_T::n_state)]*tmpres_state_zr[iacc+(2*"
      "CONFIG_T::n_state)];",
      "inputacc_h[iacc]=tmpres[index]+tmpres_state_h[iacc];",
      "h_state[iacc]=(res_T)(tmpres_h[iacc]*(1-tmpres_zr[iacc])+h_state[iacc]*tmpres_zr[iacc]);",
  };
  // hls4ml 1.2+'s bidirectional_stack: the backward step reads the reversed sequence and its
  // states land at the mirrored step.
  static const char* const kBidirectionalMarkers[] = {
      "data_in_back[j]=data[j+(CONFIG_T::n_sequence-iloop-1)*CONFIG_T::n_in];",
      "res[i]=h_newstate_back[j];",
      "res[i+CONFIG_T::FORWARD_CONFIG::n_state]=h_newstate_back[i];",
      "for(inti=(CONFIG_T::FORWARD_CONFIG::n_state+CONFIG_T::BACKWARD_CONFIG::n_state)*(CONFIG_T:"
      ":n_sequence-iloop)-CONFIG_T::BACKWARD_CONFIG::n_state,",
  };
  const bool new_release = absl::StrContains(
      flat,
      "activation_recr<typenameCONFIG_T::accum_t,typenameCONFIG_T::accum_t,typenameCONFIG_T::"
      "ACT_CONFIG_LSTM>");
  bool known = old_release != new_release;
  for (const char* marker : kMarkers) known = known && absl::StrContains(flat, marker);
  if (call.function == "bidirectional_stack") {
    for (const char* marker : kBidirectionalMarkers) {
      known = known && absl::StrContains(flat, marker);
    }
  }
  if (!known) {
    return Error(absl::StatusCode::kUnimplemented,
                 Display(firmware_dir_ / "nnet_utils" / "nnet_recurrent.h"),
                 absl::StrCat("this nnet_recurrent.h is none of hls4ml 0.7-1.3's (edited?): "
                              "nnet::", call.function, " cannot be reproduced"));
  }
  auto pytorch = config.values.find("pytorch_order");
  if (pytorch != config.values.end() && pytorch->second.text == "true" &&
      !absl::StrContains(flat, "if(CONFIG_T::pytorch_order)")) {
    return Error(absl::StatusCode::kInvalidArgument, pytorch->second.Where(),
                 absl::StrCat(config.name, "::pytorch_order is set but this nnet_recurrent.h "
                                           "ignores it"));
  }
  return old_release;
}

absl::Status ProjectReader::RecurrentTypesCompile(
    const LayerCall& call, const ConfigStruct& config, const RecurrentSpec& r,
    const std::vector<std::pair<std::string, FixedType>>& must_equal) {
  for (const auto& [what, type] : must_equal) {
    if (!(type == r.accum_type)) {
      return Error(
          absl::StatusCode::kInvalidArgument, call.where.Where(),
          absl::StrCat("nnet::", call.function, " with ", config.name, ": ", what, " ",
                       type.ToString(), " differs from accum_t ", r.accum_type.ToString(),
                       ": the project's nnet_recurrent.h then does not compile (hls4ml's C "
                       "simulation needs them equal)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LayerSpec> ProjectReader::BuildRecurrent(const LayerCall& call, int n_in) {
  const bool lstm = call.function == "lstm_stack";
  if (call.template_args.size() != 3 || call.args.size() != 6) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("nnet::", call.function,
                              " with initial states is not supported (expected "
                              "<in_t, out_t, config>(in, out, w, wr, b, br))"));
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  absl::StatusOr<RecurrentSpec> cell = RecurrentCell(call, config, lstm, 2);
  if (!cell.ok()) return cell.status();
  RecurrentSpec& r = *cell;
  int n_sequence_out = 0;
  for (auto [field, value] :
       {std::pair{"n_sequence", &r.n_sequence}, {"n_sequence_out", &n_sequence_out}}) {
    absl::StatusOr<int> v = RequiredInt(config, field);
    if (!v.ok()) return v.status();
    *value = *v;
  }
  if (int64_t{r.n_in} * r.n_sequence != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": n_sequence * n_in = ",
                              int64_t{r.n_sequence} * r.n_in, " but the layer's input has ",
                              n_in, " values"));
  }
  // n_sequence_out > 1 writes every step, 1 the last one.
  if (n_sequence_out != 1 && n_sequence_out != r.n_sequence) {
    return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_sequence_out").Where(),
                 absl::StrCat(config.name, "::n_sequence_out = ", n_sequence_out,
                              " must be 1 or n_sequence = ", r.n_sequence));
  }
  r.return_sequences = n_sequence_out > 1;
  absl::StatusOr<bool> old_release = RecurrentRelease(call, config);
  if (!old_release.ok()) return old_release.status();
  // The types the project's C++ needs equal (else it does not compile: there is nothing to
  // reproduce).
  absl::StatusOr<FixedType> data_t = ResolveType(call.template_args[0], call.where);
  absl::StatusOr<FixedType> res_t = ResolveType(call.template_args[1], call.where);
  absl::StatusOr<FixedType> weight_t = ConfigType(config, "weight_t", r.accum_type);
  if (!data_t.ok()) return data_t.status();
  if (!res_t.ok()) return res_t.status();
  if (!weight_t.ok()) return weight_t.status();
  std::vector<std::pair<std::string, FixedType>> must_equal;
  if (lstm) must_equal = {{"the input type", *data_t}, {"the output type", *res_t}};
  if (*old_release) must_equal.push_back({"weight_t", *weight_t});
  if (absl::Status st = RecurrentTypesCompile(call, config, r, must_equal); !st.ok()) return st;
  LayerSpec layer;
  layer.op = std::move(r);
  return layer;
}

absl::StatusOr<LayerSpec> ProjectReader::BuildBidirectional(const LayerCall& call, int n_in) {
  if (call.template_args.size() != 3 || call.args.size() != 10) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 "nnet::bidirectional_stack: expected <in_t, out_t, config>(in, out, w, wr, b, br, "
                 "w_back, wr_back, b_back, br_back)");
  }
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct& config = **config_or;
  int n_step_in = 0, n_sequence = 0, n_sequence_out = 0;
  for (auto [field, value] : {std::pair{"n_in", &n_step_in},
                              {"n_sequence", &n_sequence},
                              {"n_sequence_out", &n_sequence_out}}) {
    absl::StatusOr<int> v = RequiredInt(config, field);
    if (!v.ok()) return v.status();
    *value = *v;
  }
  if (int64_t{n_step_in} * n_sequence != n_in) {
    return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                 absl::StrCat(config.name, ": n_sequence * n_in = ",
                              int64_t{n_sequence} * n_step_in, " but the layer's input has ",
                              n_in, " values"));
  }
  if (n_sequence_out != 1 && n_sequence_out != n_sequence) {
    return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_sequence_out").Where(),
                 absl::StrCat(config.name, "::n_sequence_out = ", n_sequence_out,
                              " must be 1 or n_sequence = ", n_sequence));
  }
  absl::StatusOr<bool> old_release = RecurrentRelease(call, config);
  if (!old_release.ok()) return old_release.status();
  absl::StatusOr<FixedType> data_t = ResolveType(call.template_args[0], call.where);
  absl::StatusOr<FixedType> res_t = ResolveType(call.template_args[1], call.where);
  if (!data_t.ok()) return data_t.status();
  if (!res_t.ok()) return res_t.status();
  std::vector<RecurrentSpec> directions;
  for (const char* direction : {"FORWARD", "BACKWARD"}) {
    const std::string lower = absl::AsciiStrToLower(direction);
    auto sub = config.typedefs.find(absl::StrCat(direction, "_CONFIG"));
    auto function = config.usings.find(absl::StrCat("RNNfunc_", lower));
    if (sub == config.typedefs.end() || function == config.usings.end()) {
      return Error(absl::StatusCode::kInvalidArgument, config.Where(),
                   absl::StrCat("struct ", config.name, " lacks ", direction,
                                "_CONFIG or RNNfunc_", lower));
    }
    auto sub_config = configs_.find(sub->second.text);
    if (sub_config == configs_.end()) {
      return Error(absl::StatusCode::kInvalidArgument, sub->second.Where(),
                   absl::StrCat("struct ", sub->second.text, " is not defined"));
    }
    // "nnet::lstm_class<x_T, y_T, config_T, backward>" (or gru_, _static): one step of
    // nnet::lstm / lstm_static / gru / gru_static, all the same arithmetic.
    absl::string_view step = function->second.text;
    const bool known = absl::ConsumePrefix(&step, "nnet::");
    step = step.substr(0, step.find('<'));
    const bool is_static = absl::ConsumeSuffix(&step, "_static");
    if (!known || (step != "lstm_class" && step != "gru_class")) {
      return Error(absl::StatusCode::kUnimplemented, function->second.Where(),
                   absl::StrCat(config.name, ": RNNfunc_", lower, " = ", function->second.text,
                                " is not supported (nnet::lstm_class, gru_class and their "
                                "_static forms are)"));
    }
    const bool lstm = step == "lstm_class";
    absl::StatusOr<RecurrentSpec> cell =
        RecurrentCell(call, sub_config->second, lstm, lower == "forward" ? 2 : 6);
    if (!cell.ok()) return cell.status();
    if (cell->n_in != n_step_in) {
      return Error(absl::StatusCode::kInvalidArgument, sub_config->second.Where(),
                   absl::StrCat(sub->second.text, "::n_in = ", cell->n_in, " but ", config.name,
                                "::n_in = ", n_step_in));
    }
    cell->n_sequence = n_sequence;
    cell->return_sequences = n_sequence_out > 1;
    // The non-static nnet::lstm passes its accum_t arrays as res_T and its res_T state as
    // data_T: it compiles only with the three types equal.
    if (lstm && !is_static) {
      absl::Status st = RecurrentTypesCompile(
          call, sub_config->second, *cell,
          {{"the input type", *data_t}, {"the output type", *res_t}});
      if (!st.ok()) return st;
    }
    directions.push_back(*std::move(cell));
  }
  RecurrentSpec r = std::move(directions[0]);
  r.backward.push_back(std::move(directions[1]));
  LayerSpec layer;
  layer.op = std::move(r);
  return layer;
}

absl::StatusOr<int> ProjectReader::ConfigInputSize(const LayerCall& call) const {
  size_t config_index = call.template_args.size() - 1;
  absl::StatusOr<const ConfigStruct*> config_or = Config(call, config_index);
  if (!config_or.ok()) return config_or.status();
  const ConfigStruct* config = *config_or;
  // A separable layer's config only names its halves: its input is the depthwise half's.
  if (auto dw = config->typedefs.find("depthwise_config"); dw != config->typedefs.end()) {
    if (auto it = configs_.find(dw->second.text); it != configs_.end()) config = &it->second;
  }
  const ConfigStruct& c = *config;
  auto get = [&](const char* field) -> std::optional<int64_t> {
    absl::StatusOr<std::optional<int64_t>> v = ConfigInt(c, field);
    return v.ok() ? *v : std::nullopt;
  };
  std::optional<int64_t> size;
  const std::optional<int64_t> chan = get("n_chan") ? get("n_chan") : get("n_filt");
  if (get("in_height") && get("in_width") && chan) {
    size = *get("in_height") * *get("in_width") * *chan;
  } else if (get("in_width") && chan) {
    size = *get("in_width") * *chan;
  } else if (get("height") && get("width") && get("n_chan")) {
    size = *get("height") * *get("width") * *get("n_chan");
  } else if (get("n_sequence") && get("n_in")) {  // lstm/gru: the whole sequence
    size = *get("n_sequence") * *get("n_in");
  } else if (absl::StartsWith(call.function, "pooling1d") && get("n_in") && chan) {
    size = *get("n_in") * *chan;
  } else if (get("n_in")) {
    size = get("n_in");
  } else if (get("n_elem1")) {
    size = get("n_elem1");
  } else if (get("n_elem")) {
    size = get("n_elem");
  } else if (call.function == "transpose" && get("N")) {
    size = get("N");
  } else if (get("n_elem1_0")) {
    size = *get("n_elem1_0") * get("n_elem1_1").value_or(1) * get("n_elem1_2").value_or(1);
  }
  if (!size || *size <= 0 || *size > (int64_t{1} << 26)) {
    return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                 absl::StrCat("cannot tell the size of the stream nnet::", call.function,
                              " reads from its config ", c.name));
  }
  return static_cast<int>(*size);
}

absl::Status ProjectReader::AdaptToStream(const LayerCall& call, int out_pack,
                                          LayerSpec& layer) {
  const std::string& f = call.function;
  auto refuse = [&](absl::string_view why) {
    return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                 absl::StrCat("io_stream nnet::", f, ": ", why));
  };
  if (auto* p = std::get_if<PoolingSpec>(&layer.op)) {
    absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
    if (!config_or.ok()) return config_or.status();
    const bool global = absl::StartsWith(f, "global");
    absl::StatusOr<FixedType> window = StreamPoolWindowType(call, **config_or, global);
    if (!window.ok()) return window.status();
    // The io_parallel release rules (0.x data_T sums, rescale) do not apply to the stream code.
    p->accum_type = *window;
    p->average_cast_type.reset();
    p->rescale.reset();
    p->window_in_accum = true;
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (global) {
      // nnet_pooling_stream.h: data_T::size / n_filt pixels per input pack, reduced as a tree;
      // n_filt / res_T::size output packs, each written from data_window[0 .. res_T::size).
      const int pixels = p->in_height * p->in_width;
      if (in_pack <= 0 || in_pack % p->n_chan != 0 || pixels % (in_pack / p->n_chan) != 0 ||
          out_pack <= 0 || out_pack > p->n_chan || p->n_chan % out_pack != 0) {
        return refuse(absl::StrCat("global pooling over packs of ", in_pack, " in and ", out_pack,
                                   " out for ", pixels, " pixels of ", p->n_chan,
                                   " channels is not supported (its loops then read or write "
                                   "another number of values)"));
      }
      p->sequential_sum = true;
      p->pixels_per_pack = in_pack / p->n_chan;
      p->output_pack = out_pack == p->n_chan ? 0 : out_pack;
      return absl::OkStatus();
    }
    if (p->pad_top || p->pad_bottom || p->pad_left || p->pad_right) {
      return refuse("padded pooling streams are not supported (nnet_pooling_stream.h asserts "
                    "no padding in every release; hls4ml pads with a zeropad layer)");
    }
  } else if (auto* c = std::get_if<ConvSpec>(&layer.op)) {
    if (c->pad_top || c->pad_bottom || c->pad_left || c->pad_right) {
      return refuse("padded convolution streams are not supported (hls4ml pads with zeropad)");
    }
    if (absl::StartsWith(f, "separable")) {
      // Both halves' mult_config types were checked by BuildSeparable.
      const ConvSpec& d = std::get<ConvSpec>(pending_depthwise_->op);
      if (d.pad_top || d.pad_bottom || d.pad_left || d.pad_right) {
        return refuse("padded convolution streams are not supported (hls4ml pads with zeropad)");
      }
      return absl::OkStatus();
    }
    // The stream kernels run the mult_config's dense over each window: its types rule.
    absl::StatusOr<const ConfigStruct*> config_or = Config(call, 2);
    if (!config_or.ok()) return config_or.status();
    auto m = (*config_or)->typedefs.find("mult_config");
    if (m != (*config_or)->typedefs.end()) {
      auto it = configs_.find(m->second.text);
      if (it == configs_.end()) return refuse(absl::StrCat("no struct ", m->second.text));
      for (const char* field : {"accum_t", "weight_t", "bias_t"}) {
        if (c->exponent_weights && std::string(field) == "weight_t") {
          if (absl::Status st = SameExponentStruct(**config_or, it->second); !st.ok()) return st;
          continue;
        }
        // The layer's declared types (weight_type may hold binary/ternary effective weights).
        absl::StatusOr<FixedType> layer_type = ConfigType(**config_or, field, std::nullopt);
        if (!layer_type.ok()) return layer_type.status();
        absl::StatusOr<FixedType> t = ConfigType(it->second, field, *layer_type);
        if (!t.ok()) return t.status();
        if (!(*t == *layer_type)) {
          return refuse(absl::StrCat(it->second.name, "::", field, " differs from the layer's"));
        }
      }
    }
  } else if (auto* sm = std::get_if<SoftmaxSpec>(&layer.op)) {
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (out_pack != sm->n) {
      // hls4ml 0.6+ runs one softmax per pack; 0.5's softmax over several packs writes past its
      // output pack (out_pack[i * res_T::size + j]).
      const std::string flat = WithoutSpaces(NnetUtils("nnet_activation_stream.h"));
      const bool writes_past = absl::StrContains(flat, "out_pack[i*res_T::size+j]");
      if (in_pack != out_pack || out_pack <= 0 || sm->n % out_pack != 0 || writes_past) {
        return refuse(absl::StrCat("softmax over packs of ", in_pack, " in and ", out_pack,
                                   " out of its ", sm->n, " values is not supported",
                                   writes_past ? " (this release's softmax writes past its "
                                                 "output pack)"
                                               : ""));
      }
      sm->slice = out_pack;
    }
  } else if (auto* r = std::get_if<ResizeSpec>(&layer.op)) {
    // nnet_image_stream.h copies n_chan values per pack, whole ratios only.
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (in_pack != r->n_chan || r->out_height % r->in_height != 0 ||
        r->out_width % r->in_width != 0) {
      return refuse(absl::StrCat("upsampling packs of ", in_pack, " for ", r->n_chan,
                                 " channels, ", r->in_height, "x", r->in_width, " -> ",
                                 r->out_height, "x", r->out_width,
                                 " is not supported (one pixel per pack, integer ratios)"));
    }
    const std::string& source = NnetUtils("nnet_image_stream.h");
    const std::string flat = WithoutSpaces(source);
    if (source.empty() || absl::StrContains(flat, "ResizeHeight:")) {
      r->stream = ResizeStream::kRows;  // hls4ml 0.7+
    } else if (absl::StrContains(flat, "ResizeNew:for(unsignedj=0;j<ratio_height*ratio_width;")) {
      r->stream = ResizeStream::kPixels;  // hls4ml 0.5/0.6
    } else {
      return Error(absl::StatusCode::kUnimplemented,
                   Display(firmware_dir_ / "nnet_utils" / "nnet_image_stream.h"),
                   "this nnet_image_stream.h is none of hls4ml 0.5-1.3's (edited?): its "
                   "resize_nearest cannot be reproduced");
    }
  } else if (auto* c = std::get_if<CroppingSpec>(&layer.op)) {
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (in_pack != c->n_chan || out_pack != c->n_chan) {
      return refuse(absl::StrCat("cropping packs of ", in_pack, " in and ", out_pack, " out for ",
                                 c->n_chan, " channels are not supported (fill_data copies one "
                                 "pixel per pack)"));
    }
  } else if (const auto* r = std::get_if<RecurrentSpec>(&layer.op)) {
    // nnet_recurrent.h's stream version runs one step per input pack (filling data_T::size of
    // the step's n_in values) and writes res_T::size of the n_state values per pack.
    if (!r->backward.empty()) {
      return refuse("bidirectional_stack has no io_stream version in hls4ml (io_parallel only)");
    }
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (in_pack != r->n_in || out_pack != r->n_state) {
      return refuse(absl::StrCat("packs of ", in_pack, " in and ", out_pack, " out for n_in = ",
                                 r->n_in, " and n_state = ", r->n_state,
                                 " are not supported (one time step per pack)"));
    }
  } else if (const auto* e = std::get_if<EmbeddingSpec>(&layer.op)) {
    // nnet_embed_stream.h reads one pack (data_T::size values) and writes one pack of n_out per
    // value: the whole input in one pack.
    int in_pack = 0;
    absl::StatusOr<FixedType> in = ResolveType(call.template_args[0], call.where, 0, &in_pack);
    if (!in.ok()) return in.status();
    if (in_pack != e->n_in || out_pack != e->n_out) {
      return refuse(absl::StrCat("packs of ", in_pack, " in and ", out_pack, " out for n_in = ",
                                 e->n_in, " and n_out = ", e->n_out,
                                 " are not supported (nnet_embed_stream.h reads one pack)"));
    }
  } else if (auto* t = std::get_if<TransposeSpec>(&layer.op)) {
    absl::StatusOr<LayerSpec> s =
        BuildTranspose(call, static_cast<int>(t->source.size()), std::max(out_pack, 1));
    if (!s.ok()) return s.status();
    *t = std::get<TransposeSpec>(s->op);
  }
  return absl::OkStatus();
}

absl::StatusOr<LayerSpec> ProjectReader::BuildLayer(const LayerCall& call, int n_in) {
  const std::string& f = call.function;
  if (f == "dense" || f == "dense_latency" || f == "dense_resource" || f == "dense_large" ||
      f == "compute_layer") {
    return BuildDense(call, n_in);
  }
  if (f == "normalize") return BuildBatchNorm(call, n_in);
  if (f == "relu") return BuildActivation(call, n_in, ActivationKind::kRelu);
  if (f == "linear") return BuildActivation(call, n_in, ActivationKind::kLinear);
  if (f == "sigmoid") return BuildActivation(call, n_in, ActivationKind::kSigmoid);
  if (f == "tanh") return BuildActivation(call, n_in, ActivationKind::kTanh);
  if (f == "softmax" || f == "softmax_multidim") return BuildSoftmax(call, n_in);
  if (f == "conv_1d_cl" || f == "pointwise_conv_1d_cl") return BuildConv(call, n_in, 1);
  if (f == "conv_2d_cl" || f == "pointwise_conv_2d_cl") return BuildConv(call, n_in, 2);
  if (f == "depthwise_conv_1d_cl") return BuildConv(call, n_in, 1);
  if (f == "depthwise_conv_2d_cl") return BuildConv(call, n_in, 2);
  if (f == "separable_conv_1d_cl") return BuildSeparable(call, n_in, 1);
  if (f == "separable_conv_2d_cl") return BuildSeparable(call, n_in, 2);
  if (f == "pooling1d_cl") return BuildPooling(call, n_in, 1, false);
  if (f == "pooling2d_cl") return BuildPooling(call, n_in, 2, false);
  if (f == "global_pooling1d_cl") return BuildPooling(call, n_in, 1, true);
  if (f == "global_pooling2d_cl") return BuildPooling(call, n_in, 2, true);
  if (f == "zeropad1d_cl") return BuildPadding(call, n_in, 1);
  if (f == "zeropad2d_cl") return BuildPadding(call, n_in, 2);
  if (f == "resize_nearest") return BuildResize(call, n_in);
  if (f == "cropping1d_cl") return BuildCropping(call, n_in, 1);
  if (f == "cropping2d_cl") return BuildCropping(call, n_in, 2);
  if (f == "transpose") return BuildTranspose(call, n_in);
  if (f == "transpose_2d" || f == "transpose_3d") return BuildArrayTranspose(call, n_in);
  if (f == "hard_sigmoid" || f == "hard_tanh") return BuildHardActivation(call, n_in);
  if (f == "embedding") return BuildEmbedding(call, n_in);
  if (f == "lstm_stack" || f == "gru_stack") return BuildRecurrent(call, n_in);
  if (f == "bidirectional_stack") return BuildBidirectional(call, n_in);
  if (f == "layernormalize") return BuildLayerNorm(call, n_in);
  if (f == "relu6" || f == "relu1") {
    absl::StatusOr<LayerSpec> layer = BuildActivation(call, n_in, ActivationKind::kReluMax);
    if (layer.ok()) std::get<ActivationSpec>(layer->op).max_value = f == "relu6" ? 6 : 1;
    return layer;
  }
  return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
               absl::StrCat("unknown layer nnet::", f,
                            " (supported: dense, normalize, relu, relu6, relu1, linear, sigmoid, "
                            "tanh, softmax, softmax_multidim, leaky_relu, thresholded_relu, prelu, hard_sigmoid, "
                            "hard_tanh, elu, selu, softplus, softsign, binary_tanh, ternary_tanh, embedding, "
                            "conv_1d_cl, conv_2d_cl, pointwise_conv_1d_cl, "
                            "pointwise_conv_2d_cl, depthwise_conv_1d_cl, depthwise_conv_2d_cl, "
                            "separable_conv_1d_cl, separable_conv_2d_cl, pooling1d_cl, pooling2d_cl, "
                            "global_pooling1d_cl, global_pooling2d_cl, zeropad1d_cl, "
                            "zeropad2d_cl, cropping1d_cl, cropping2d_cl, resize_nearest, add, "
                            "subtract, multiply, average, "
                            "maximum, minimum, concatenate1d/2d/3d, lstm_stack, gru_stack, "
                            "bidirectional_stack, layernormalize, transpose, transpose_2d, transpose_3d)"));
}

absl::StatusOr<Hls4mlProject> ProjectReader::Read(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path / "firmware" / "parameters.h", ec)) {
    project_root_ = path;
    firmware_dir_ = path / "firmware";
  } else if (fs::is_regular_file(path / "parameters.h", ec)) {
    firmware_dir_ = path;
    project_root_ = path.has_parent_path() ? path.parent_path() : path;
    if (path.filename().empty()) project_root_ = path.parent_path().parent_path();
  } else {
    return absl::NotFoundError(absl::StrCat("hls4ml project: ", path.string(),
                                            " holds neither firmware/parameters.h nor "
                                            "parameters.h"));
  }
  canonical_root_ = fs::canonical(project_root_, ec);
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("hls4ml project: cannot resolve ", path.string(), ": ", ec.message()));
  }

  // The top function: hls4ml_config.yml's ProjectName, else the one .cpp in firmware/, else the
  // one .cpp that includes parameters.h.
  {
    std::ifstream yml(project_root_ / "hls4ml_config.yml");
    std::string line;
    while (yml && std::getline(yml, line)) {
      absl::string_view l = Trim(line);
      if (absl::ConsumePrefix(&l, "ProjectName:")) {
        top_function_ = std::string(Trim(l));
        break;
      }
    }
    if (!top_function_.empty() && (!IsIdentifier(top_function_) ||
                                   !fs::is_regular_file(firmware_dir_ / (top_function_ + ".cpp")))) {
      top_function_.clear();
    }
    if (top_function_.empty()) {
      std::vector<std::string> candidates;
      for (const auto& entry : fs::directory_iterator(firmware_dir_, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".cpp") {
          candidates.push_back(entry.path().stem().string());
        }
      }
      std::sort(candidates.begin(), candidates.end());
      // Several: hls4ml's writer includes parameters.h in the top's .cpp only; the rest are the
      // project's own code around it (e.g. a CMS hls4mlEmulator wrapper, or a trigger algorithm
      // calling the network), which include the top's header instead.
      std::vector<std::string> including_parameters;
      if (candidates.size() > 1) {
        for (const std::string& candidate : candidates) {
          std::ifstream source(firmware_dir_ / (candidate + ".cpp"));
          std::string line;
          while (source && std::getline(source, line)) {
            if (absl::StrContains(line, "#include \"parameters.h\"")) {
              including_parameters.push_back(candidate);
              break;
            }
          }
        }
      }
      if (including_parameters.size() == 1) {
        top_function_ = including_parameters[0];
      } else if (candidates.size() == 1) {
        top_function_ = candidates[0];
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "hls4ml project: cannot tell the top function: ", Display(firmware_dir_), " has ",
            candidates.size(), " .cpp files (", absl::StrJoin(candidates, ", "), ") of which ",
            including_parameters.size(),
            " include \"parameters.h\", and hls4ml_config.yml names none of them"));
      }
    }
  }

  for (const char* header : {"defines.h", "parameters.h"}) {
    absl::StatusOr<const SourceFile*> file =
        Load(firmware_dir_ / header, absl::string_view(header) == "parameters.h");
    if (!file.ok()) return file.status();
    if (*file != nullptr) {
      if (absl::Status s = CollectHeader(**file); !s.ok()) return s;
    }
  }
  absl::StatusOr<const SourceFile*> top_header =
      Load(firmware_dir_ / (top_function_ + ".h"), false);
  if (!top_header.ok()) return top_header.status();
  if (*top_header != nullptr) {
    if (absl::Status s = CollectHeader(**top_header); !s.ok()) return s;
  }
  absl::StatusOr<const SourceFile*> top = Load(firmware_dir_ / (top_function_ + ".cpp"), true);
  if (!top.ok()) return top.status();
  if (absl::Status s = ReadTopFunction(**top); !s.ok()) return s;

  Hls4mlProject project;
  project.firmware_dir = firmware_dir_;
  project.top_function = top_function_;
  NetworkSpec& spec = project.spec;
  if (calls_.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, top_arrays_[0].where.Where(),
                 "the top function calls no layer");
  }

  // The arrays the layers write; the top function's other arrays are the network's inputs.
  struct Buffer {
    std::string layer;  // the buffer's name in the spec (input name or layer name)
    FixedType type;
    int size = 0;
  };
  std::map<std::string, Buffer> buffers;  // by array name
  std::set<std::string> written;
  auto call_shape = [](const LayerCall& call, std::vector<std::string>* ins, std::string* out,
                       int* out_template, int* in2_template) {
    static const std::set<std::string> merges = {
        "add",     "subtract", "multiply",      "average",       "maximum",
        "minimum", "concatenate1d", "concatenate2d", "concatenate3d"};
    const std::string& f = call.function;
    *in2_template = -1;
    if (merges.count(f) && call.args.size() == 3 && call.template_args.size() == 4) {
      *ins = {call.args[0], call.args[1]};
      *out = call.args[2];
      *out_template = 2;
      *in2_template = 1;
    } else if ((f == "leaky_relu" || f == "thresholded_relu" || f == "prelu" || f == "elu") &&
               call.args.size() == 3) {
      *ins = {call.args[0]};
      *out = call.args[2];
      *out_template = call.template_args.size() == 4 ? 2 : 1;
    } else if ((f == "separable_conv_1d_cl" || f == "separable_conv_2d_cl") &&
               call.template_args.size() == 4) {
      *ins = {call.args[0]};
      *out = call.args.size() > 1 ? call.args[1] : "";
      *out_template = 2;
    } else if (call.args.size() == 3 && call.template_args.size() == 4 &&
               call.args[0].find('"') == std::string::npos && IsIdentifier(call.args[1])) {
      // Any other call shaped like a merge (in1, in2, out; in1_t, in2_t, out_t, config), e.g.
      // nnet::dot1d: read as one, so that what is reported is the layer, not a confused graph.
      *ins = {call.args[0], call.args[1]};
      *out = call.args[2];
      *out_template = 2;
      *in2_template = 1;
    } else if ((absl::StartsWith(f, "read_time_step_") ||
                absl::StartsWith(f, "write_time_step_")) &&
               call.args.size() == 3) {
      *ins = {call.args[1]};  // (ts, in, out)
      *out = call.args[2];
      *out_template = 0;
    } else if (f == "resize_nearest" && call.template_args.size() == 2) {
      *ins = {call.args[0]};
      *out = call.args.size() > 1 ? call.args[1] : "";
      *out_template = 0;
    } else {
      *ins = {call.args[0]};
      *out = call.args.size() > 1 ? call.args[1] : "";
      *out_template = 1;
    }
  };
  for (const LayerCall& call : calls_) {
    std::vector<std::string> ins;
    std::string out;
    int out_template = 1, in2_template = -1;
    if (call.args.size() < 2 || call.template_args.size() < 2) continue;
    call_shape(call, &ins, &out, &out_template, &in2_template);
    written.insert(out);
  }
  std::vector<size_t> input_args, output_args;
  for (size_t k = 0; k < top_names_.size(); ++k) {
    (written.count(top_names_[k]) ? output_args : input_args).push_back(k);
  }
  if (input_args.empty() || output_args.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, top_arrays_[0].where.Where(),
                 absl::StrCat("cannot tell the top function's inputs from its outputs: the layers "
                              "write ", output_args.size(), " of its ", top_names_.size(),
                              " arrays"));
  }
  for (size_t k : input_args) {
    const ArrayDecl& decl = top_arrays_[k];
    absl::StatusOr<FixedType> type = ResolveType(decl.type, decl.where);
    if (!type.ok()) return type.status();
    int size = -1;  // a stream's size: what its first reader's config says
    if (!decl.size.empty()) {
      absl::StatusOr<int64_t> n = EvalInt(decl.size, decl.where);
      if (!n.ok()) return n.status();
      size = static_cast<int>(*n);
    }
    buffers[top_names_[k]] = Buffer{top_names_[k], *type, size};
  }
  input_ = top_arrays_[input_args[0]];
  input_name_ = top_names_[input_args[0]];
  output_ = top_arrays_[output_args[0]];
  output_name_ = top_names_[output_args[0]];
  project.input_name = input_name_;
  project.output_name = output_name_;
  for (size_t k : input_args) project.input_names.push_back(top_names_[k]);
  for (size_t k : output_args) project.output_names.push_back(top_names_[k]);

  std::string previous = input_name_;  // the array the previous layer wrote
  auto add_inputs = [&] {
    for (size_t k : input_args) {
      const Buffer& b = buffers[top_names_[k]];
      spec.inputs.push_back(TensorSpec{top_names_[k], b.type, b.size});
    }
  };
  std::set<std::string> layer_names;
  std::optional<OpenTimeSteps> open_steps;        // inside a TimeDistributed loop
  std::map<std::string, std::string> loop_local;  // arrays written inside a loop -> its place
  for (const TimeStepLoop& loop : loops_) {
    if (loop.first_call == loop.end_call) {
      return Error(absl::StatusCode::kUnimplemented, loop.where.Where(),
                   "a TimeDistributed loop without nnet::read_time_step/write_time_step calls");
    }
  }
  for (size_t ci = 0; ci < calls_.size(); ++ci) {
    const LayerCall& call = calls_[ci];
    if (call.template_args.size() < 2 || call.args.size() < 2) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("unknown layer nnet::", call.function,
                                " (expected nnet::<layer><in_t, out_t, config>(in, out, ...))"));
    }
    if (call.loop >= 0 || open_steps) {
      // hls4ml 1.3's TimeDistributed: read_time_step first, the wrapped layers, write_time_step
      // last, all inside the loop.
      const TimeStepLoop* loop = call.loop >= 0 ? &loops_[call.loop] : nullptr;
      const bool read = absl::StartsWith(call.function, "read_time_step_");
      const bool write = absl::StartsWith(call.function, "write_time_step_");
      if (loop == nullptr || (ci == loop->first_call) != read ||
          (ci + 1 == loop->end_call) != write) {
        const TimeStepLoop& l = loop != nullptr ? *loop : loops_[open_steps->loop];
        return Error(
            absl::StatusCode::kUnimplemented, call.where.Where(),
            absl::StrCat("nnet::", call.function, ": the TimeDistributed loop at ", l.where.Where(),
                         " must begin with nnet::read_time_step_<N>d "
                         "and end with nnet::write_time_step_<N>d (as hls4ml writes it)"));
      }
      if (read || write) {
        const std::string& f = call.function;
        const int dims = f.size() > 2 && absl::EndsWith(f, "d") ? f[f.size() - 2] - '0' : 0;
        if (dims < 2 || dims > 4 || call.template_args.size() != 2 || call.args.size() != 3 ||
            Trim(call.args[0]) != loop->variable) {
          return Error(
              absl::StatusCode::kInvalidArgument, call.where.Where(),
              absl::StrCat("cannot parse nnet::", f, " (expected nnet::", read ? "read" : "write",
                           "_time_step_<2|3|4>d<data_T, config>(", loop->variable, ", in, out))"));
        }
        if (stream_) {
          return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                       absl::StrCat("nnet::", f,
                                    " in an io_stream project: hls4ml's "
                                    "nnet_time_distributed.h has array functions only"));
        }
        absl::StatusOr<const ConfigStruct*> config_or = Config(call, 1);
        if (!config_or.ok()) return config_or.status();
        const ConfigStruct& config = **config_or;
        absl::StatusOr<int> steps = RequiredInt(config, "n_time_steps");
        if (!steps.ok()) return steps.status();
        auto loop_config = configs_.find(loop->config);
        if (loop_config == configs_.end()) {
          return Error(absl::StatusCode::kInvalidArgument, loop->where.Where(),
                       absl::StrCat("struct ", loop->config, " is not defined"));
        }
        absl::StatusOr<int> loop_steps = RequiredInt(loop_config->second, "n_time_steps");
        if (!loop_steps.ok()) return loop_steps.status();
        if (*steps != *loop_steps || *steps <= 0) {
          return Error(absl::StatusCode::kInvalidArgument, config.values.at("n_time_steps").Where(),
                       absl::StrCat(config.name, "::n_time_steps = ", *steps, " but the loop at ",
                                    loop->where.Where(), " runs ", *loop_steps, " steps"));
        }
        // One step's values: what nnet_time_distributed.h's _<dims>d functions copy.
        int64_t step_size = 1;
        for (const char* field : {"in_height", "in_width", "n_chan"}) {
          if ((std::string(field) == "in_height" && dims < 4) ||
              (std::string(field) == "in_width" && dims < 3)) {
            continue;
          }
          absl::StatusOr<int> v = RequiredInt(config, field);
          if (!v.ok()) return v.status();
          step_size *= *v;
        }
        if (absl::Status st = CheckTimeDistributedHeader(dims, read); !st.ok()) return st;
        absl::StatusOr<FixedType> type = ResolveType(call.template_args[0], call.where);
        if (!type.ok()) return type.status();
        std::string in_var = call.args[1];
        for (int hops = 0; aliases_.count(in_var) && hops < 64; ++hops)
          in_var = aliases_.at(in_var);
        const std::string& out_var = call.args[2];
        auto in = buffers.find(in_var);
        if (in == buffers.end()) {
          return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                       absl::StrCat("nnet::", f, " reads '", in_var,
                                    "', which is neither a top-function input nor written by an "
                                    "earlier layer"));
        }
        // Both arrays are data_T arrays: another type does not compile.
        const ArrayDecl* out_decl = nullptr;
        for (size_t k : output_args) {
          if (top_names_[k] == out_var) out_decl = &top_arrays_[k];
        }
        if (auto it = arrays_.find(out_var); out_decl == nullptr && it != arrays_.end()) {
          out_decl = &it->second;
        }
        if (out_decl == nullptr) {
          return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                       absl::StrCat("output array '", out_var, "' is not declared"));
        }
        absl::StatusOr<FixedType> out_type = ResolveType(out_decl->type, out_decl->where);
        if (!out_type.ok()) return out_type.status();
        if (!(in->second.type == *type) || !(*out_type == *type)) {
          return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                       absl::StrCat("nnet::", f, "<", call.template_args[0], "> copies '", in_var,
                                    "' (", in->second.type.ToString(), ") into '", out_var, "' (",
                                    out_type->ToString(), "): every type must be ",
                                    type->ToString(), " (the project does not compile)"));
        }
        if (buffers.count(out_var)) {
          return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                       absl::StrCat("nnet::", f, " writes '", out_var,
                                    "', which an earlier layer or the caller already wrote"));
        }
        const int64_t in_size = read ? *steps * step_size : step_size;
        const int64_t out_size = read ? step_size : *steps * step_size;
        absl::StatusOr<int64_t> declared = EvalInt(out_decl->size, out_decl->where);
        if (!declared.ok()) return declared.status();
        if (in->second.size != in_size || *declared != out_size) {
          return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                       absl::StrCat("nnet::", f, " with ", config.name, " (", *steps, " steps of ",
                                    step_size, " values) reads '", in_var, "' of ", in->second.size,
                                    " values into '", out_var, "' of ", *declared));
        }
        std::string name(read ? call.comment : loop->end_comment);
        if (!IsIdentifier(name) || layer_names.count(name)) {
          absl::string_view stem = out_var;
          absl::ConsumeSuffix(&stem, "_out");
          name = std::string(stem);
        }
        if (!layer_names.insert(name).second) {
          return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                       absl::StrCat("two layers are named '", name, "'"));
        }
        if (read) {
          open_steps = OpenTimeSteps{
              call.loop, spec.layers.size(), in->second.layer, in_var == previous, name, *steps};
          buffers[out_var] = Buffer{name, *type, static_cast<int>(step_size)};
          loop_local[out_var] = loop->where.Where();
          previous = out_var;
          continue;
        }
        // write_time_step: the body's layers become one TimeDistributed layer.
        LayerSpec td;
        td.name = name;
        td.result_type = *type;
        TimeDistributedSpec op;
        op.n_time_steps = *steps;
        op.layers.assign(std::make_move_iterator(spec.layers.begin() + open_steps->first_layer),
                         std::make_move_iterator(spec.layers.end()));
        spec.layers.erase(spec.layers.begin() + open_steps->first_layer, spec.layers.end());
        std::set<std::string> body_names;
        for (const LayerSpec& l : op.layers) body_names.insert(l.name);
        if (!body_names.count(in->second.layer)) {
          return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                       absl::StrCat("nnet::", f, " reads '", in_var,
                                    "', which no layer inside its loop wrote (not supported)"));
        }
        op.output = in->second.layer;
        for (LayerSpec& l : op.layers) {
          for (std::string& name_in : l.inputs) {
            if (name_in == open_steps->slice_layer) {
              name_in = "input";
            } else if (!body_names.count(name_in)) {
              return Error(absl::StatusCode::kUnimplemented, loop->where.Where(),
                           absl::StrCat("layer '", l.name,
                                        "' inside this TimeDistributed loop "
                                        "reads '",
                                        name_in, "' from outside it (not supported)"));
            }
          }
        }
        if (!open_steps->implicit_input) td.inputs = {open_steps->input_layer};
        td.op = std::move(op);
        for (auto it = buffers.begin(); it != buffers.end();) {
          const bool local =
              body_names.count(it->second.layer) || it->second.layer == open_steps->slice_layer;
          if (local) loop_local[it->first] = loop->where.Where();
          it = local ? buffers.erase(it) : std::next(it);
        }
        buffers[out_var] = Buffer{td.name, *type, static_cast<int>(out_size)};
        spec.layers.push_back(std::move(td));
        previous = out_var;
        open_steps.reset();
        continue;
      }
    }
    std::vector<std::string> ins;
    std::string out_var;
    int out_template = 1, in2_template = -1;
    call_shape(call, &ins, &out_var, &out_template, &in2_template);
    std::vector<int> in_sizes;
    std::vector<std::string> in_layers;
    for (size_t k = 0; k < ins.size(); ++k) {
      for (int hops = 0; aliases_.count(ins[k]) && hops < 64; ++hops) ins[k] = aliases_.at(ins[k]);
      auto it = buffers.find(ins[k]);
      if (it == buffers.end() && loop_local.count(ins[k])) {
        return Error(
            absl::StatusCode::kUnimplemented, call.where.Where(),
            absl::StrCat("nnet::", call.function, " reads '", ins[k],
                         "', written inside the TimeDistributed loop at ", loop_local.at(ins[k]),
                         " (only the loop's output is read after "
                         "it; not supported)"));
      }
      if (it == buffers.end()) {
        return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                     absl::StrCat("nnet::", call.function, " reads '", ins[k],
                                  "', which is neither a top-function input nor written by an "
                                  "earlier layer"));
      }
      const int template_index = k == 0 ? 0 : in2_template;
      absl::StatusOr<FixedType> in_type =
          ResolveType(call.template_args[template_index], call.where);
      if (!in_type.ok()) return in_type.status();
      if (!(*in_type == it->second.type)) {
        return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                     absl::StrCat("input type ", call.template_args[template_index], " = ",
                                  in_type->ToString(), " differs from the type of '", ins[k],
                                  "' (", it->second.type.ToString(), ")"));
      }
      if (it->second.size < 0) {
        absl::StatusOr<int> size = ConfigInputSize(call);
        if (!size.ok()) return size.status();
        it->second.size = *size;
      }
      in_sizes.push_back(it->second.size);
      in_layers.push_back(it->second.layer);
    }
    absl::StatusOr<LayerSpec> layer;
    const std::string& f = call.function;
    if (ins.size() == 2) {
      layer = BuildMerge(call, in_sizes);
    } else if (f == "leaky_relu" || f == "thresholded_relu" || f == "prelu") {
      layer = BuildParamActivation(call, in_sizes[0], buffers[ins[0]].type);
    } else if (f == "normalize_binary_tanh" || f == "normalize_ternary_tanh") {
      layer = BuildThresholdActivation(call, in_sizes[0], buffers[ins[0]].type);
    } else if (f == "elu" || f == "selu" || f == "softplus" || f == "softsign" ||
               f == "binary_tanh" || f == "ternary_tanh") {
      layer = BuildTableActivation(call, in_sizes[0], buffers[ins[0]].type);
    } else {
      layer = BuildLayer(call, in_sizes[0]);
    }
    if (!layer.ok()) return layer.status();
    if (out_template >= static_cast<int>(call.template_args.size())) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("cannot parse the template arguments of nnet::", f));
    }
    int out_pack = 0;
    // normalize_{binary,ternary}_tanh write the ap_uint<1> / ap_int<2> of their signature.
    absl::StatusOr<FixedType> out_type =
        f == "normalize_binary_tanh"    ? absl::StatusOr<FixedType>(IntType(1, false))
        : f == "normalize_ternary_tanh" ? absl::StatusOr<FixedType>(IntType(2, true))
                                        : ResolveType(call.template_args[out_template], call.where,
                                                      0, &out_pack);
    if (!out_type.ok()) return out_type.status();
    layer->result_type = *out_type;
    if (stream_) {
      if (absl::Status st = AdaptToStream(call, out_pack, *layer); !st.ok()) return st;
    }
    const ArrayDecl* out_decl = nullptr;
    for (size_t k : output_args) {
      if (top_names_[k] == out_var) out_decl = &top_arrays_[k];
    }
    if (out_decl == nullptr) {
      if (auto it = arrays_.find(out_var); it != arrays_.end()) {
        out_decl = &it->second;
      } else {
        return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                     absl::StrCat("output array '", out_var, "' is not declared"));
      }
    }
    if (buffers.count(out_var)) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("nnet::", f, " writes '", out_var,
                                "', which an earlier layer or the caller already wrote"));
    }
    absl::StatusOr<FixedType> declared = ResolveType(out_decl->type, out_decl->where);
    if (!declared.ok()) return declared.status();
    if (!(*declared == *out_type)) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("output type ", call.template_args[out_template], " differs from '",
                                out_var, "' declared as ", out_decl->type, " at ",
                                out_decl->where.Where()));
    }
    // What the layer writes, as the executor computes it (validated there).
    int64_t expected_out = in_sizes[0];
    if (const auto* dense = std::get_if<DenseSpec>(&layer->op)) expected_out = dense->n_out;
    if (const auto* c = std::get_if<ConvSpec>(&layer->op)) {
      expected_out = int64_t{c->out_height} * c->out_width * c->n_filt;
    }
    if (const auto* p = std::get_if<PoolingSpec>(&layer->op)) {
      expected_out = int64_t{p->out_height} * p->out_width * p->n_chan;
    }
    if (const auto* p = std::get_if<PaddingSpec>(&layer->op)) {
      expected_out = (int64_t{p->in_height} + p->pad_top + p->pad_bottom) *
                     (int64_t{p->in_width} + p->pad_left + p->pad_right) * p->n_chan;
    }
    if (const auto* r = std::get_if<ResizeSpec>(&layer->op)) {
      expected_out = int64_t{r->out_height} * r->out_width * r->n_chan;
    }
    if (const auto* t = std::get_if<TransposeSpec>(&layer->op)) {
      expected_out = static_cast<int64_t>(t->source.size());
    }
    if (const auto* e = std::get_if<EmbeddingSpec>(&layer->op)) {
      expected_out = int64_t{e->n_in} * e->n_out;
    }
    if (const auto* c = std::get_if<CroppingSpec>(&layer->op)) {
      expected_out = (int64_t{c->in_height} - c->crop_top - c->crop_bottom) *
                     (int64_t{c->in_width} - c->crop_left - c->crop_right) * c->n_chan;
    }
    if (const auto* m = std::get_if<MergeSpec>(&layer->op)) {
      expected_out = m->kind == MergeKind::kConcatenate ? in_sizes[0] + in_sizes[1]
                     : m->kind == MergeKind::kDot       ? 1
                                                        : std::max(in_sizes[0], in_sizes[1]);
    }
    if (const auto* r = std::get_if<RecurrentSpec>(&layer->op)) {
      const int64_t backward = r->backward.empty() ? 0 : r->backward.front().n_state;
      expected_out = int64_t{r->return_sequences ? r->n_sequence : 1} * (r->n_state + backward);
    }
    if (expected_out <= 0 || expected_out > (int64_t{1} << 26)) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("nnet::", call.function, " would write ", expected_out,
                                " values"));
    }
    absl::StatusOr<int64_t> out_size =
        out_decl->size.empty() ? absl::StatusOr<int64_t>(expected_out)  // a stream
                               : EvalInt(out_decl->size, out_decl->where);
    if (!out_size.ok()) return out_size.status();
    if (*out_size != expected_out) {
      return Error(
          absl::StatusCode::kInvalidArgument, out_decl->where.Where(),
          absl::StrCat("'", out_var, "' has ", *out_size, " values but nnet::", call.function,
                       " at ", call.where.Where(), " writes ", expected_out));
    }
    if (!call.comment.empty() && IsIdentifier(call.comment) && !layer_names.count(call.comment)) {
      layer->name = call.comment;
    } else {
      absl::string_view name = out_var;
      absl::ConsumeSuffix(&name, "_out");
      layer->name = std::string(name);
    }
    for (const Buffer& b : [&] {
           std::vector<Buffer> v;
           for (const auto& [array, buffer] : buffers) v.push_back(buffer);
           return v;
         }()) {
      if (b.layer == layer->name) layer->name = out_var;  // a clash with an input's name
    }
    if (!layer_names.insert(layer->name).second) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("two layers are named '", layer->name, "'"));
    }
    // Single-input chains keep the implicit form (each layer reads the previous one).
    if (!(ins.size() == 1 && ins[0] == previous)) layer->inputs = in_layers;
    if (pending_depthwise_) {
      // A separable convolution: its depthwise half first, read by the pointwise half.
      LayerSpec dw = *std::move(pending_depthwise_);
      pending_depthwise_.reset();
      dw.name = layer->name + "_depthwise";
      dw.inputs = layer->inputs;
      if (!layer_names.insert(dw.name).second) {
        return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                     absl::StrCat("two layers are named '", dw.name, "'"));
      }
      layer->inputs.clear();
      spec.layers.push_back(std::move(dw));
    }
    buffers[out_var] = Buffer{layer->name, *out_type, static_cast<int>(expected_out)};
    spec.layers.push_back(*std::move(layer));
    previous = out_var;
  }
  if (open_steps) {
    return Error(absl::StatusCode::kUnimplemented, loops_[open_steps->loop].where.Where(),
                 "this TimeDistributed loop never calls nnet::write_time_step_<N>d");
  }
  for (size_t k : input_args) {
    if (buffers[top_names_[k]].size < 0) {
      return Error(absl::StatusCode::kInvalidArgument, top_arrays_[k].where.Where(),
                   absl::StrCat("no layer reads the input '", top_names_[k], "'"));
    }
  }
  add_inputs();
  for (size_t k : output_args) {
    const std::string& name = top_names_[k];
    if (!buffers.count(name)) {
      return Error(absl::StatusCode::kInvalidArgument, top_arrays_[k].where.Where(),
                   absl::StrCat("no layer writes the top function's output '", name, "'"));
    }
    spec.outputs.push_back(buffers[name].layer);
  }
  const bool chain = spec.inputs.size() == 1 && spec.outputs.size() == 1 &&
                     spec.outputs[0] == spec.layers.back().name &&
                     std::all_of(spec.layers.begin(), spec.layers.end(),
                                 [](const LayerSpec& l) { return l.inputs.empty(); });
  if (spec.inputs.size() == 1) {
    // One input: the classic form (input_type/input_size), which every caller understands.
    spec.input_type = spec.inputs[0].type;
    spec.input_size = spec.inputs[0].size;
    for (LayerSpec& l : spec.layers) {
      for (std::string& in : l.inputs) {
        if (in == spec.inputs[0].name) in = "input";
      }
    }
    spec.inputs.clear();
  }
  if (chain) spec.outputs.clear();
  return project;
}

}  // namespace

absl::StatusOr<Hls4mlProject> ReadHls4mlProject(const std::filesystem::path& path) {
  ProjectReader reader;
  return reader.Read(path);
}

absl::StatusOr<std::shared_ptr<const Network>> LoadHls4mlNetwork(
    const std::filesystem::path& path) {
  absl::StatusOr<Hls4mlProject> project = ReadHls4mlProject(path);
  if (!project.ok()) return project.status();
  absl::StatusOr<std::unique_ptr<Network>> network = Network::Create(std::move(project->spec));
  if (!network.ok()) {
    return absl::Status(network.status().code(), absl::StrCat("hls4ml project ", path.string(),
                                                              ": ", network.status().message()));
  }
  return std::shared_ptr<const Network>(*std::move(network));
}

}  // namespace fpgaas::numerics
