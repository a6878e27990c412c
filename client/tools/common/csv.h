// Numeric CSV files for the tools: one sample per row, comma-separated floats. Lines that are
// empty or start with '#' are skipped; a first line without any number in it is a header (a
// first line mixing numbers and text is a data row with a bad field).
#ifndef FPGAAS_CLIENT_TOOLS_COMMON_CSV_H_
#define FPGAAS_CLIENT_TOOLS_COMMON_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fpgaas::tools {

struct CsvTable {
  std::vector<std::string> header;  // empty if the file has none
  std::vector<std::vector<float>> rows;
  std::vector<int> line_numbers;  // 1-based file line of each row, for messages
  size_t columns() const { return rows.empty() ? header.size() : rows.front().size(); }
};

// Errors name the file and line: "in.csv:7: field 2 'abc' is not a number", "in.csv:9: 2
// values, expected 3 like line 1".
absl::StatusOr<CsvTable> ReadCsv(const std::string& path);
absl::StatusOr<CsvTable> ParseCsv(const std::string& text, const std::string& name);

// Writes rows (each `columns` values of `flat`) with an optional header.
absl::Status WriteCsv(const std::string& path, const std::vector<std::string>& header,
                      const std::vector<float>& flat, size_t columns);
std::string FormatCsv(const std::vector<std::string>& header, const std::vector<float>& flat,
                      size_t columns);

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_COMMON_CSV_H_
