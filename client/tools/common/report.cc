#include "client/tools/common/report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fpgaas::tools {

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * sorted.size());
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, double(sorted.size()))) - 1;
  return sorted[index];
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvgHistogram(const std::vector<double>& values, const std::string& title,
                         const std::string& x_label, int bins) {
  constexpr int kWidth = 640, kHeight = 300, kLeft = 60, kRight = 20, kTop = 30, kBottom = 50;
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  double low = finite.empty() ? 0 : *std::min_element(finite.begin(), finite.end());
  double high = finite.empty() ? 1 : *std::max_element(finite.begin(), finite.end());
  if (high <= low) high = low + 1;
  bins = std::max(1, bins);
  std::vector<uint64_t> counts(bins, 0);
  for (double v : finite) {
    int bin = static_cast<int>((v - low) / (high - low) * bins);
    counts[std::clamp(bin, 0, bins - 1)]++;
  }
  const uint64_t peak = std::max<uint64_t>(1, *std::max_element(counts.begin(), counts.end()));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::ostringstream svg;
  svg << absl::StrFormat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" )"
      R"(font-family="sans-serif" font-size="11">)",
      kWidth, kHeight, kWidth, kHeight);
  svg << absl::StrFormat(R"(<text x="%d" y="18" font-size="14">%s (n=%d)</text>)", kLeft,
                         HtmlEscape(title), finite.size());
  for (int i = 0; i < bins; ++i) {
    const double h = plot_h * counts[i] / peak;
    svg << absl::StrFormat(
        R"(<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4477aa"><title>%d</title></rect>)",
        kLeft + plot_w * i / bins, kTop + plot_h - h, std::max(0.5, plot_w / bins - 1), h,
        counts[i]);
  }
  svg << absl::StrFormat(R"(<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>)"
                         R"(<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>)",
                         kLeft, kTop + int(plot_h), kWidth - kRight, kTop + int(plot_h), kLeft,
                         kTop, kLeft, kTop + int(plot_h));
  for (int tick = 0; tick <= 4; ++tick) {
    const double x = kLeft + plot_w * tick / 4;
    svg << absl::StrFormat(R"(<text x="%.1f" y="%d" text-anchor="middle">%.4g</text>)", x,
                           kTop + int(plot_h) + 15, low + (high - low) * tick / 4);
  }
  svg << absl::StrFormat(R"(<text x="%d" y="%d" text-anchor="end">%d</text>)", kLeft - 4, kTop + 10,
                         peak);
  svg << absl::StrFormat(R"(<text x="%d" y="%d" text-anchor="end">0</text>)", kLeft - 4,
                         kTop + int(plot_h));
  svg << absl::StrFormat(R"(<text x="%.1f" y="%d" text-anchor="middle">%s</text>)",
                         kLeft + plot_w / 2, kHeight - 10, HtmlEscape(x_label));
  svg << "</svg>";
  return svg.str();
}

std::string SvgConfusionMatrix(const std::vector<std::vector<uint64_t>>& counts) {
  const int n = static_cast<int>(counts.size());
  const int cell = std::clamp(400 / std::max(1, n), 12, 60);
  const int left = 70, top = 40;
  const int size_w = left + cell * n + 20, size_h = top + cell * n + 40;
  uint64_t peak = 1;
  for (const auto& row : counts) {
    for (uint64_t c : row) peak = std::max(peak, c);
  }
  std::ostringstream svg;
  svg << absl::StrFormat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" )"
      R"(font-family="sans-serif" font-size="11">)",
      size_w, size_h, size_w, size_h);
  svg << absl::StrFormat(R"(<text x="%d" y="15">predicted class →</text>)", left);
  svg << absl::StrFormat(R"(<text x="5" y="%d">reference ↓</text>)", top - 5);
  for (int r = 0; r < n; ++r) {
    svg << absl::StrFormat(R"(<text x="%d" y="%d" text-anchor="end">%d</text>)", left - 5,
                           top + r * cell + cell / 2 + 4, r);
    svg << absl::StrFormat(R"(<text x="%d" y="%d" text-anchor="middle">%d</text>)",
                           left + r * cell + cell / 2, top - 5 + cell * n + 20, r);
    for (int p = 0; p < n; ++p) {
      const uint64_t c = p < static_cast<int>(counts[r].size()) ? counts[r][p] : 0;
      const int shade = 255 - static_cast<int>(200.0 * c / peak);
      svg << absl::StrFormat(
          R"svg(<rect x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,255)" stroke="#999"/>)svg",
          left + p * cell, top + r * cell, cell, cell, shade, shade);
      if (cell >= 24) {
        svg << absl::StrFormat(R"(<text x="%d" y="%d" text-anchor="middle">%d</text>)",
                               left + p * cell + cell / 2, top + r * cell + cell / 2 + 4, c);
      }
    }
  }
  svg << "</svg>";
  return svg.str();
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", HtmlEscape(title),
      "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
      "svg{margin:0.5em 1em 0.5em 0}</style></head><body>\n<h1>",
      HtmlEscape(title), "</h1>\n", body, "\n</body></html>\n");
}

std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream out;
  out << "<table><tr>";
  for (const auto& cell : header) out << "<th>" << HtmlEscape(cell) << "</th>";
  out << "</tr>";
  for (const auto& row : rows) {
    out << "<tr>";
    for (const auto& cell : row) out << "<td>" << HtmlEscape(cell) << "</td>";
    out << "</tr>";
  }
  out << "</table>\n";
  return out.str();
}

}  // namespace fpgaas::tools
