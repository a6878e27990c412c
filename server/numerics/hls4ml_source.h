// Private helpers of the hls4ml importer (hls4ml_project.cc): a line-preserving reader for the C++
// files hls4ml generates. Not a C++ parser: hls4ml writes one statement per line in a fixed shape,
// and everything the importer does not recognise is reported with its file:line.
#ifndef FPGAAS_SERVER_NUMERICS_HLS4ML_SOURCE_H_
#define FPGAAS_SERVER_NUMERICS_HLS4ML_SOURCE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fpgaas::numerics::hls4ml_internal {

// One statement (or preprocessor line, or brace) with the 1-based line it starts on.
struct Statement {
  int line = 0;
  std::string text;     // comments removed, whitespace collapsed, trailing ';' kept
  std::string comment;  // text of a trailing `// comment` on the statement's last line, trimmed
};

struct SourceFile {
  std::filesystem::path path;
  std::string display_name;  // e.g. "firmware/parameters.h", used in error messages
  std::vector<Statement> statements;

  // "firmware/parameters.h:42"
  std::string Where(int line) const;
};

// Reads `path` and splits it into statements: preprocessor lines are statements of their own;
// other text is joined until ';', '{' or '}' ends a statement. Block and line comments are
// removed (the last line comment of a statement is kept in Statement::comment).
absl::StatusOr<SourceFile> ReadSourceFile(const std::filesystem::path& path,
                                          std::string display_name);

// `text` with its block and line comments removed (newlines kept): what a compiler reads. Text
// checks of a project's own nnet_utils headers look at this, never at commented-out code.
std::string WithoutComments(const std::string& text);

// Splits "a, b<c, d>, e(f, g)" at top-level commas (angle, round and square brackets nest).
std::vector<std::string> SplitTopLevel(absl::string_view text, char separator = ',');

// Trims ASCII whitespace.
absl::string_view Trim(absl::string_view text);

}  // namespace fpgaas::numerics::hls4ml_internal

#endif  // FPGAAS_SERVER_NUMERICS_HLS4ML_SOURCE_H_
