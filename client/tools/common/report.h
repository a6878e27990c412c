// Self-contained HTML reports with inline SVG charts (no scripts, no external files), and the
// latency percentiles the tools print.
#ifndef FPGAAS_CLIENT_TOOLS_COMMON_REPORT_H_
#define FPGAAS_CLIENT_TOOLS_COMMON_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace fpgaas::tools {

// Nearest-rank percentile (p in [0, 100]) of `sorted` (ascending); 0 if empty.
double Percentile(const std::vector<double>& sorted, double p);

std::string HtmlEscape(const std::string& text);

// A histogram of `values` in `bins` equal bins between their min and max, as an <svg> element.
std::string SvgHistogram(const std::vector<double>& values, const std::string& title,
                         const std::string& x_label, int bins = 40);

// counts[reference][predicted] as a colour-scaled <svg> grid with the numbers written in.
std::string SvgConfusionMatrix(const std::vector<std::vector<uint64_t>>& counts);

// A whole HTML page around `body` (already HTML).
std::string HtmlPage(const std::string& title, const std::string& body);

// An HTML table; cells are escaped.
std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_COMMON_REPORT_H_
