#include "client/tools/common/csv.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace fpgaas::tools {

absl::StatusOr<CsvTable> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseCsv(text.str(), path);
}

absl::StatusOr<CsvTable> ParseCsv(const std::string& text, const std::string& name) {
  CsvTable table;
  int line_number = 0;
  bool first_content = true;
  int header_line = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    for (absl::string_view& field : fields) field = absl::StripAsciiWhitespace(field);
    // A header is a first line without a single number; a first line that mixes numbers and
    // text is a data row with a bad field, reported as such.
    float value;
    if (first_content && std::none_of(fields.begin(), fields.end(), [&](absl::string_view f) {
          return absl::SimpleAtof(f, &value);
        })) {
      first_content = false;
      header_line = line_number;
      for (absl::string_view title : fields) table.header.emplace_back(title);
      continue;
    }
    first_content = false;
    std::vector<float> row;
    row.reserve(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!absl::SimpleAtof(fields[i], &value)) {
        return absl::InvalidArgumentError(absl::StrCat(name, ":", line_number, ": field ", i + 1,
                                                       " '", fields[i], "' is not a number"));
      }
      row.push_back(value);
    }
    const size_t expected = table.rows.empty() ? table.header.size() : table.rows.front().size();
    if (expected != 0 && row.size() != expected) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", line_number, ": ", row.size(), " values, expected ", expected, " like line ",
          table.rows.empty() ? header_line : table.line_numbers.front()));
    }
    table.rows.push_back(std::move(row));
    table.line_numbers.push_back(line_number);
  }
  if (table.rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no data rows"));
  }
  return table;
}

namespace {

// The shortest decimal that reads back as the same float (so outputs can serve as references).
std::string ExactFloat(float value) {
  for (int digits = 6; digits < 9; ++digits) {
    std::string text = absl::StrFormat("%.*g", digits, value);
    if (std::strtof(text.c_str(), nullptr) == value) return text;
  }
  return absl::StrFormat("%.9g", value);
}

}  // namespace

std::string FormatCsv(const std::vector<std::string>& header, const std::vector<float>& flat,
                      size_t columns) {
  std::ostringstream out;
  if (!header.empty()) out << absl::StrJoin(header, ",") << "\n";
  for (size_t i = 0; columns > 0 && i < flat.size(); i += columns) {
    for (size_t j = 0; j < columns && i + j < flat.size(); ++j) {
      if (j) out << ',';
      out << ExactFloat(flat[i + j]);
    }
    out << "\n";
  }
  return out.str();
}

absl::Status WriteCsv(const std::string& path, const std::vector<std::string>& header,
                      const std::vector<float>& flat, size_t columns) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  out << FormatCsv(header, flat, columns);
  if (!out) return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
  return absl::OkStatus();
}

}  // namespace fpgaas::tools
