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
#include "absl/strings/strip.h"
#include "server/numerics/hls4ml_source.h"
#include "server/util/text.h"

namespace fpgaas::numerics {
namespace {

namespace fs = std::filesystem;
using hls4ml_internal::ReadSourceFile;
using hls4ml_internal::SourceFile;
using hls4ml_internal::SplitTopLevel;
using hls4ml_internal::Statement;
using hls4ml_internal::Trim;

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
  Located where;
  bool from_load_call = false;  // declared by a load_weights_from_txt call: the .txt is required
};

struct LayerCall {
  std::string function;                    // "dense", "relu", ...
  std::vector<std::string> template_args;  // input type, output type, config
  std::vector<std::string> args;           // input, output, weights...
  std::string comment;                     // hls4ml >= 0.6 writes the layer name here
  Located where;
};

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

absl::Status Error(absl::StatusCode code, const std::string& where, absl::string_view message) {
  return absl::Status(code, absl::StrCat("hls4ml project: ", where, ": ", message));
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
  absl::StatusOr<FixedType> ResolveType(absl::string_view text, const Located& where,
                                        int depth = 0) const;
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
  absl::StatusOr<std::vector<double>> ReadWeightValues(const std::string& name,
                                                       const WeightDecl& decl,
                                                       const LayerCall& call) const;
  absl::StatusOr<LayerSpec> BuildLayer(const LayerCall& call, int n_in);
  absl::StatusOr<LayerSpec> BuildDense(const LayerCall& call, int n_in);
  absl::StatusOr<LayerSpec> BuildBatchNorm(const LayerCall& call, int n_in);
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
  std::map<std::string, ArrayDecl> arrays_;         // local arrays of the top function
  ArrayDecl input_, output_;
  std::string input_name_, output_name_;
  std::vector<LayerCall> calls_;
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
      if (skipping_struct) continue;
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
                                                     int depth) const {
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
  return ResolveType(it->second.text, it->second, depth + 1);
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
  if (it->second.text == "nnet::io_parallel") return absl::OkStatus();
  return Error(absl::StatusCode::kUnimplemented, it->second.Where(),
               absl::StrCat(config.name, "::io_type is ", it->second.text,
                            "; fpgaas supports io_parallel projects only"));
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
  if (decl.from_load_call && !fs::is_regular_file(txt, ec)) {
    // The C simulation reads this file (and exits when it is missing); the values in the .h are
    // what synthesis would use, so they are not a silent substitute.
    return Error(absl::StatusCode::kNotFound, call.where.Where(),
                 absl::StrCat("missing weight file ", Display(txt), " (array ", name, " of nnet::",
                              call.function, ", loaded at ", decl.where.Where(), ")"));
  }
  if (fs::is_regular_file(txt, ec)) {
    std::ifstream in(txt, std::ios::binary);
    std::getline(in, values_text);  // nnet::load_weights_from_txt reads the first line only
    display = Display(txt);
  } else {
    // Projects from before load_weights_from_txt (and synthesis-only copies) initialise the
    // array in weights/<name>.h.
    const fs::path header = weights_dir / (name + ".h");
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
    // No load_weights_from_txt call: the declaration in weights/<name>.h gives the type.
    const fs::path header = firmware_dir_ / "weights" / (name + ".h");
    if (absl::Status inside = CheckInside(header, call.where.Where()); !inside.ok()) return inside;
    absl::StatusOr<SourceFile> file = ReadSourceFile(header, Display(header));
    if (!file.ok()) {
      return Error(absl::StatusCode::kNotFound, call.where.Where(),
                   absl::StrCat("weight array ", name, " is neither loaded by a ",
                                "load_weights_from_txt call nor declared in ", Display(header)));
    }
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
  const std::string signature_prefix = absl::StrCat("void ", top_function_, "(");
  size_t i = 0;
  for (; i < file.statements.size(); ++i) {
    const std::string& text = file.statements[i].text;
    if (absl::StartsWith(text, signature_prefix) && text.back() == '{') break;
  }
  if (i == file.statements.size()) {
    return Error(absl::StatusCode::kInvalidArgument, file.display_name,
                 absl::StrCat("no definition of the top function ", top_function_));
  }
  const Statement& signature = file.statements[i];
  absl::string_view params = signature.text;
  params.remove_prefix(signature_prefix.size());
  size_t close = params.rfind(')');
  params = params.substr(0, close);
  std::vector<ArrayDecl> arrays;
  std::vector<std::string> names;
  for (const std::string& param : SplitTopLevel(params)) {
    Located where{param, &file, signature.line};
    if (absl::StrContains(param, "hls::stream")) {
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("top-function argument '", param,
                                "' is a stream: io_stream projects are not supported (io_parallel "
                                "only)"));
    }
    std::string type, name, size;
    if (ParseArrayDecl(param, &type, &name, &size)) {
      arrays.push_back({type, size, where});
      names.push_back(name);
    } else if (!absl::StartsWith(param, "unsigned short &const_size")) {
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("unsupported top-function argument '", param, "'"));
    }
  }
  if (arrays.size() != 2) {
    return Error(
        absl::StatusCode::kUnimplemented, file.Where(signature.line),
        absl::StrCat("the top function has ", arrays.size(),
                     " array arguments; fpgaas supports exactly one input and one output"));
  }
  input_ = arrays[0];
  output_ = arrays[1];
  input_name_ = names[0];
  output_name_ = names[1];

  int depth = 1;
  for (++i; i < file.statements.size() && depth > 0; ++i) {
    const Statement& st = file.statements[i];
    absl::string_view text = st.text;
    Located where{st.text, &file, st.line};
    if (text.front() == '#') continue;  // pragmas, #ifndef __SYNTHESIS__, ...
    if (text.front() == '}') {
      --depth;
      continue;
    }
    if (text.back() == '{') {
      ++depth;
      if (absl::StartsWith(text, "if (") || absl::StartsWith(text, "if(") ||
          absl::StartsWith(text, "else")) {
        continue;
      }
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   absl::StrCat("unsupported statement '", text, "'"));
    }
    if (absl::StrContains(text, "hls::stream")) {
      return Error(absl::StatusCode::kUnimplemented, where.Where(),
                   "hls::stream variable: io_stream projects are not supported (io_parallel only)");
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
      if (call.function == "load_weights_from_txt") {
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
        weight_decls_[call.args[0]] =
            WeightDecl{call.template_args[0], *count, std::move(file_name), where, true};
        continue;
      }
      if (call.function == "load_compressed_weights_from_txt" ||
          call.function == "load_exponent_weights_from_txt") {
        return Error(absl::StatusCode::kUnimplemented, where.Where(),
                     absl::StrCat("nnet::", call.function,
                                  ": compressed/exponent weights are not supported"));
      }
      if (call.function == "save_layer_output") continue;  // hls4ml trace, C simulation only
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
  auto strategy = config.values.find("strategy");
  if (strategy != config.values.end()) {
    const std::string& s = strategy->second.text;
    if (s == "nnet::resource") {
      resource = true;
    } else if (s != "nnet::latency") {
      return Error(
          absl::StatusCode::kUnimplemented, strategy->second.Where(),
          absl::StrCat("dense strategy ", s, " is not supported (latency and resource are)"));
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
    const bool kernel_resource = absl::StartsWith(k, "nnet::DenseResource");
    if (!kernel_resource && !absl::StartsWith(k, "nnet::DenseLatency")) {
      return Error(absl::StatusCode::kUnimplemented, kernel->second.Where(),
                   absl::StrCat("dense kernel ", k, " is not supported"));
    }
    if (kernel_resource != resource) {
      return Error(absl::StatusCode::kInvalidArgument, kernel->second.Where(),
                   absl::StrCat(config.name, " kernel ", k, " contradicts its strategy"));
    }
  }
  auto product = config.usings.find("product");
  if (product != config.usings.end() &&
      !absl::StartsWith(product->second.text, "nnet::product::mult")) {
    return Error(absl::StatusCode::kUnimplemented, product->second.Where(),
                 absl::StrCat("product ", product->second.text,
                              " is not supported (binary/ternary/exponential weights)"));
  }
  DenseSpec dense;
  dense.n_in = n_in;
  dense.n_out = static_cast<int>(**cfg_n_out);
  dense.resource_strategy = resource;
  dense.reuse_factor = reuse->value_or(1);
  absl::StatusOr<FixedType> weight_type = ConfigType(config, "weight_t", std::nullopt);
  absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
  absl::StatusOr<FixedType> accum_type = ConfigType(config, "accum_t", std::nullopt);
  if (!weight_type.ok()) return weight_type.status();
  if (!bias_type.ok()) return bias_type.status();
  if (!accum_type.ok()) return accum_type.status();
  if (product == config.usings.end()) {
    // Releases without the config's `product` (2019-2020 nnet_dense.h) pick the product by
    // overloads on the exact types: ap_uint<1> weights mean -1/+1 (binary), ap_int<2> weights are
    // ternary (w == -1 gives data_T(-x)), and ap_uint<1> data is binary. None is emulated.
    auto is_uint1 = [](const FixedType& t) {
      return t.width == 1 && t.integer_bits == 1 && !t.is_signed;
    };
    auto is_int2 = [](const FixedType& t) {
      return t.width == 2 && t.integer_bits == 2 && t.is_signed;
    };
    if (is_uint1(*weight_type) || is_int2(*weight_type)) {
      return Error(absl::StatusCode::kUnimplemented, config.typedefs.at("weight_t").Where(),
                   absl::StrCat(config.name, "::weight_t = ", weight_type->ToString(),
                                ": binary/ternary weights (nnet_dense.h's 1- and 2-bit product "
                                "overloads) are not supported"));
    }
    absl::StatusOr<FixedType> data_type = ResolveType(call.template_args[0], call.where);
    if (!data_type.ok()) return data_type.status();
    if (is_uint1(*data_type)) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("nnet::", call.function, " input type ", call.template_args[0],
                                " = ", data_type->ToString(),
                                ": binary inputs (nnet_dense.h's 1-bit product overloads) are "
                                "not supported"));
    }
  }
  dense.weight_type = *weight_type;
  dense.bias_type = *bias_type;
  dense.accum_type = *accum_type;
  const int64_t n_weights = int64_t{dense.n_in} * dense.n_out;
  absl::StatusOr<std::vector<int64_t>> weights = LoadWeights(
      call.args[2], dense.weight_type, n_weights, absl::StrCat(config.name, "::weight_t"), call);
  if (!weights.ok()) return weights.status();
  absl::StatusOr<std::vector<int64_t>> biases = LoadWeights(
      call.args[3], dense.bias_type, dense.n_out, absl::StrCat(config.name, "::bias_t"), call);
  if (!biases.ok()) return biases.status();
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
  if (*n_filt && **n_filt != -1 && **n_filt != n_in) {
    return Error(absl::StatusCode::kUnimplemented, config.values.at("n_filt").Where(),
                 absl::StrCat(config.name, "::n_filt = ", **n_filt,
                              ": per-channel batch normalization is not supported"));
  }
  auto product = config.usings.find("product");
  if (product != config.usings.end() &&
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
  absl::StatusOr<FixedType> scale_type = ConfigType(config, "scale_t", std::nullopt);
  absl::StatusOr<FixedType> bias_type = ConfigType(config, "bias_t", std::nullopt);
  if (!scale_type.ok()) return scale_type.status();
  if (!bias_type.ok()) return bias_type.status();
  bn.scale_type = *scale_type;
  bn.bias_type = *bias_type;
  absl::StatusOr<std::vector<int64_t>> scale =
      LoadWeights(call.args[2], bn.scale_type, n_in, absl::StrCat(config.name, "::scale_t"), call);
  if (!scale.ok()) return scale.status();
  absl::StatusOr<std::vector<int64_t>> bias =
      LoadWeights(call.args[3], bn.bias_type, n_in, absl::StrCat(config.name, "::bias_t"), call);
  if (!bias.ok()) return bias.status();
  bn.scale = *std::move(scale);
  bn.bias = *std::move(bias);
  LayerSpec layer;
  layer.op = std::move(bn);
  return layer;
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
  for (const char* field : {"n_outer", "n_inner"}) {
    absl::StatusOr<std::optional<int64_t>> v = ConfigInt(config, field);
    if (!v.ok()) return v.status();
    if (*v && **v != 1) {
      return Error(absl::StatusCode::kUnimplemented, config.values.at(field).Where(),
                   absl::StrCat(config.name, "::", field, " = ", **v,
                                ": multi-dimensional softmax is not supported"));
    }
  }
  SoftmaxSpec sm;
  sm.n = n_in;
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
  if (f == "softmax") return BuildSoftmax(call, n_in);
  return Error(
      absl::StatusCode::kUnimplemented, call.where.Where(),
      absl::StrCat("unknown layer nnet::", f,
                   " (supported: dense, normalize, relu, linear, sigmoid, tanh, softmax)"));
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

  // The top function: hls4ml_config.yml's ProjectName, else the one .cpp in firmware/.
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
      if (candidates.size() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            "hls4ml project: cannot tell the top function: ", Display(firmware_dir_), " has ",
            candidates.size(), " .cpp files (", absl::StrJoin(candidates, ", "),
            ") and hls4ml_config.yml names none of them"));
      }
      top_function_ = candidates[0];
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
  project.input_name = input_name_;
  project.output_name = output_name_;
  NetworkSpec& spec = project.spec;
  absl::StatusOr<FixedType> input_type = ResolveType(input_.type, input_.where);
  if (!input_type.ok()) return input_type.status();
  absl::StatusOr<int64_t> input_size = EvalInt(input_.size, input_.where);
  if (!input_size.ok()) return input_size.status();
  spec.input_type = *input_type;
  spec.input_size = static_cast<int>(*input_size);
  if (calls_.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, input_.where.Where(),
                 "the top function calls no layer");
  }

  std::string current_var = input_name_;
  FixedType current_type = spec.input_type;
  int current_size = spec.input_size;
  for (const LayerCall& call : calls_) {
    if (call.template_args.size() < 3 || call.args.size() < 2) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("unknown layer nnet::", call.function,
                                " (expected nnet::<layer><in_t, out_t, config>(in, out, ...))"));
    }
    if (call.args[0] != current_var) {
      return Error(absl::StatusCode::kUnimplemented, call.where.Where(),
                   absl::StrCat("nnet::", call.function, " reads '", call.args[0],
                                "' but the previous layer wrote '", current_var,
                                "': only sequential networks are supported"));
    }
    absl::StatusOr<FixedType> in_type = ResolveType(call.template_args[0], call.where);
    if (!in_type.ok()) return in_type.status();
    if (!(*in_type == current_type)) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("input type ", call.template_args[0], " = ", in_type->ToString(),
                                " differs from the type of '", current_var, "' (",
                                current_type.ToString(), ")"));
    }
    absl::StatusOr<LayerSpec> layer = BuildLayer(call, current_size);
    if (!layer.ok()) return layer.status();
    absl::StatusOr<FixedType> out_type = ResolveType(call.template_args[1], call.where);
    if (!out_type.ok()) return out_type.status();
    layer->result_type = *out_type;
    const std::string& out_var = call.args[1];
    const ArrayDecl* out_decl = nullptr;
    if (out_var == output_name_) {
      out_decl = &output_;
    } else if (auto it = arrays_.find(out_var); it != arrays_.end()) {
      out_decl = &it->second;
    } else {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("output array '", out_var, "' is not declared"));
    }
    absl::StatusOr<FixedType> declared = ResolveType(out_decl->type, out_decl->where);
    if (!declared.ok()) return declared.status();
    if (!(*declared == *out_type)) {
      return Error(absl::StatusCode::kInvalidArgument, call.where.Where(),
                   absl::StrCat("output type ", call.template_args[1], " differs from '", out_var,
                                "' declared as ", out_decl->type, " at ", out_decl->where.Where()));
    }
    absl::StatusOr<int64_t> out_size = EvalInt(out_decl->size, out_decl->where);
    if (!out_size.ok()) return out_size.status();
    int expected_out = current_size;
    if (const auto* dense = std::get_if<DenseSpec>(&layer->op)) expected_out = dense->n_out;
    if (*out_size != expected_out) {
      return Error(
          absl::StatusCode::kInvalidArgument, out_decl->where.Where(),
          absl::StrCat("'", out_var, "' has ", *out_size, " values but nnet::", call.function,
                       " at ", call.where.Where(), " writes ", expected_out));
    }
    if (!call.comment.empty() && IsIdentifier(call.comment)) {
      layer->name = call.comment;
    } else {
      absl::string_view name = out_var;
      absl::ConsumeSuffix(&name, "_out");
      layer->name = std::string(name);
    }
    spec.layers.push_back(*std::move(layer));
    current_var = out_var;
    current_type = *out_type;
    current_size = expected_out;
  }
  if (current_var != output_name_) {
    return Error(absl::StatusCode::kInvalidArgument, calls_.back().where.Where(),
                 absl::StrCat("the last layer writes '", current_var,
                              "', not the top function's output '", output_name_, "'"));
  }
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
