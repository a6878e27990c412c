#include "server/numerics/hls4ml_source.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fpgaas::numerics::hls4ml_internal {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Removes comments, keeping every newline so line numbers stay right. line_comments[i] is the
// text of the `//` comment on line i+1 (empty when none).
std::string StripComments(const std::string& text, std::vector<std::string>* line_comments) {
  std::string out;
  out.reserve(text.size());
  line_comments->assign(1, "");
  enum class State { kCode, kString, kChar, kLineComment, kBlockComment } state = State::kCode;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\n') {
      if (state == State::kLineComment || state == State::kString || state == State::kChar) {
        state = State::kCode;
      }
      out.push_back('\n');
      line_comments->emplace_back();
      continue;
    }
    switch (state) {
      case State::kCode:
        if (c == '/' && next == '/') {
          state = State::kLineComment;
          ++i;
        } else if (c == '/' && next == '*') {
          state = State::kBlockComment;
          out.push_back(' ');
          ++i;
        } else {
          if (c == '"') state = State::kString;
          if (c == '\'') state = State::kChar;
          out.push_back(c);
        }
        break;
      case State::kString:
      case State::kChar:
        out.push_back(c);
        if (c == '\\' && next != '\0' && next != '\n') {
          out.push_back(next);
          ++i;
        } else if ((state == State::kString && c == '"') || (state == State::kChar && c == '\'')) {
          state = State::kCode;
        }
        break;
      case State::kLineComment:
        line_comments->back().push_back(c);
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state = State::kCode;
          ++i;
        }
        break;
    }
  }
  return out;
}

std::string CollapseSpaces(absl::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::string_view Trim(absl::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string WithoutComments(const std::string& text) {
  std::vector<std::string> line_comments;
  return StripComments(text, &line_comments);
}

std::string SourceFile::Where(int line) const { return absl::StrCat(display_name, ":", line); }

absl::StatusOr<SourceFile> ReadSourceFile(const std::filesystem::path& path,
                                          std::string display_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", display_name));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::vector<std::string> line_comments;
  const std::string code = StripComments(buffer.str(), &line_comments);

  SourceFile file;
  file.path = path;
  file.display_name = std::move(display_name);

  std::string current;
  int current_line = 0;
  int initializer_depth = 0;  // > 0 inside `= { ... }`
  int paren_depth = 0;
  auto flush = [&](int end_line) {
    std::string text = CollapseSpaces(current);
    if (!text.empty()) {
      std::string comment(Trim(line_comments[end_line - 1]));
      file.statements.push_back({current_line, std::move(text), std::move(comment)});
    }
    current.clear();
    current_line = 0;
    paren_depth = 0;
  };

  int line_number = 1;
  size_t pos = 0;
  while (pos <= code.size()) {
    size_t end = code.find('\n', pos);
    if (end == std::string::npos) end = code.size();
    absl::string_view line(code.data() + pos, end - pos);
    absl::string_view trimmed = Trim(line);
    if (initializer_depth == 0 && paren_depth == 0 && !trimmed.empty() && trimmed.front() == '#') {
      flush(line_number > 1 ? line_number - 1 : 1);
      current_line = line_number;
      current = std::string(trimmed);
      flush(line_number);
    } else {
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (current_line == 0) {
          if (IsSpace(c)) continue;
          current_line = line_number;
        }
        current.push_back(c);
        if (initializer_depth > 0) {
          if (c == '{') ++initializer_depth;
          if (c == '}') --initializer_depth;
          continue;
        }
        if (c == '(' || c == '[') ++paren_depth;
        if ((c == ')' || c == ']') && paren_depth > 0) --paren_depth;
        if (c == '{') {
          absl::string_view before = Trim(absl::string_view(current).substr(0, current.size() - 1));
          if (!before.empty() && before.back() == '=') {
            initializer_depth = 1;
            continue;
          }
        }
        if (paren_depth > 0) continue;
        if (c == ';' || c == '{') {
          flush(line_number);
        } else if (c == '}') {
          // Keep "};" together.
          size_t j = i + 1;
          while (j < line.size() && IsSpace(line[j])) ++j;
          if (j < line.size() && line[j] == ';') {
            current.push_back(';');
            i = j;
          }
          flush(line_number);
        }
      }
      if (current_line != 0) current.push_back(' ');
    }
    ++line_number;
    pos = end + 1;
  }
  flush(line_number - 1 > 0 ? std::min<int>(line_number - 1, line_comments.size()) : 1);
  return file;
}

std::vector<std::string> SplitTopLevel(absl::string_view text, char separator) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if ((c == '>' || c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    if (c == separator && depth == 0) {
      parts.emplace_back(Trim(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (!Trim(current).empty() || !parts.empty()) parts.emplace_back(Trim(current));
  return parts;
}

}  // namespace fpgaas::numerics::hls4ml_internal
