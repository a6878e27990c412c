// Well-formedness checks for the report files the tools write (shared by the integration and
// end-to-end tests): HTML pages must be self-contained with balanced tags, CSV files rectangular.
#ifndef FPGAAS_TESTS_SUPPORT_REPORT_CHECKS_H_
#define FPGAAS_TESTS_SUPPORT_REPORT_CHECKS_H_

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fpgaas::testing {

// "" if `html` is a sane self-contained page, else what is wrong with it: doctype, every element
// closed in order (void elements and "/>" excepted), <html>/<body> present, no scripts, no
// external resources (src/href), and every <svg> with the SVG namespace.
inline std::string HtmlProblems(const std::string& html) {
  if (!absl::StartsWith(html, "<!DOCTYPE html>")) return "no <!DOCTYPE html> at the start";
  const std::string lower = absl::AsciiStrToLower(html);
  for (const char* banned : {"<script", " src=", " href=", "<link", "@import"}) {
    if (absl::StrContains(lower, banned)) return absl::StrCat("contains '", banned, "'");
  }
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "wbr"};
  std::vector<std::string> open;
  std::set<std::string> seen;
  size_t svgs = 0, svgs_with_namespace = 0;
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const size_t end = html.find('>', at);
    if (end == std::string::npos) return absl::StrCat("unterminated tag at offset ", at);
    const std::string tag = html.substr(at + 1, end - at - 1);
    if (tag.empty() || tag[0] == '!') continue;  // doctype or comment
    const bool closing = tag[0] == '/';
    size_t name_end = closing ? 1 : 0;
    while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])))) {
      ++name_end;
    }
    const std::string name = absl::AsciiStrToLower(tag.substr(closing ? 1 : 0, name_end - closing));
    if (name.empty()) return absl::StrCat("bad tag '<", tag, ">'");
    if (closing) {
      if (open.empty() || open.back() != name) {
        return absl::StrCat("</", name, "> closes <", open.empty() ? "nothing" : open.back(), ">");
      }
      open.pop_back();
      continue;
    }
    seen.insert(name);
    if (name == "svg") {
      ++svgs;
      if (absl::StrContains(tag, "xmlns=\"http://www.w3.org/2000/svg\"")) ++svgs_with_namespace;
    }
    if (tag.back() != '/' && !kVoid.contains(name)) open.push_back(name);
  }
  if (!open.empty()) return absl::StrCat("<", open.back(), "> is never closed");
  for (const char* required : {"html", "head", "title", "body"}) {
    if (!seen.contains(required)) return absl::StrCat("no <", required, ">");
  }
  if (svgs != svgs_with_namespace) return "an <svg> lacks the SVG namespace";
  return "";
}

inline size_t CountOf(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// The rows of a CSV file split into cells; empty lines dropped.
inline std::vector<std::vector<std::string>> CsvCells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    rows.push_back(absl::StrSplit(line, ','));
  }
  return rows;
}

// The columns fpgaas-perf writes, in order (its CSV header and its JSON level keys).
inline const std::vector<std::string>& PerfColumns() {
  static const auto* columns = new std::vector<std::string>{"level",
                                                            "concurrency",
                                                            "request_rate",
                                                            "requests",
                                                            "errors",
                                                            "seconds",
                                                            "throughput_rps",
                                                            "samples_per_s",
                                                            "p50_us",
                                                            "p90_us",
                                                            "p95_us",
                                                            "p99_us",
                                                            "max_us",
                                                            "mean_us",
                                                            "server_queue_us",
                                                            "server_input_us",
                                                            "server_compute_us",
                                                            "server_output_us",
                                                            "server_total_us"};
  return *columns;
}

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_REPORT_CHECKS_H_
