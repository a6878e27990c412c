// Text that came from a client (or from an uploaded file) on its way into an error message or a
// log line, and strict parsing of the numbers clients send.
//
// Quoted() is the one helper every error and log line uses for a client-supplied string: it keeps
// at most `max_bytes` bytes, C-escapes them (quotes, backslashes, control and non-ASCII bytes) and
// says how long the whole string was, so a 10 MB model name costs ~100 bytes of log and
// grpc-message, and a file's bytes cannot forge log lines or terminal escapes.
#ifndef FPGAAS_SERVER_UTIL_TEXT_H_
#define FPGAAS_SERVER_UTIL_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace fpgaas {

inline constexpr size_t kQuotedMaxBytes = 64;

// `text` escaped, cut to `max_bytes` bytes of the original with "...(N bytes)" after it when
// longer. No surrounding quotes: callers write '...' around it.
inline std::string Quoted(absl::string_view text, size_t max_bytes = kQuotedMaxBytes) {
  if (text.size() <= max_bytes) return absl::CHexEscape(text);
  return absl::StrCat(absl::CHexEscape(text.substr(0, max_bytes)), "...(", text.size(),
                      " bytes)");
}
// Debian's abseil has its own string_view: one overload per spelling callers hold.
inline std::string Quoted(std::string_view text, size_t max_bytes = kQuotedMaxBytes) {
  return Quoted(absl::string_view(text.data(), text.size()), max_bytes);
}
inline std::string Quoted(const std::string& text, size_t max_bytes = kQuotedMaxBytes) {
  return Quoted(absl::string_view(text), max_bytes);
}
inline std::string Quoted(const char* text, size_t max_bytes = kQuotedMaxBytes) {
  return Quoted(absl::string_view(text), max_bytes);
}

// A decimal number in canonical form: digits only, no sign, no spaces, no leading zero (except
// "0" itself), within [0, max]. "+1", " 1", "1 ", "01", "0x1" and "" are refused.
inline std::optional<int64_t> ParseCanonicalNonNegative(
    absl::string_view text, int64_t max = std::numeric_limits<int64_t>::max()) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}
inline std::optional<int64_t> ParseCanonicalNonNegative(
    std::string_view text, int64_t max = std::numeric_limits<int64_t>::max()) {
  return ParseCanonicalNonNegative(absl::string_view(text.data(), text.size()), max);
}
inline std::optional<int64_t> ParseCanonicalNonNegative(
    const std::string& text, int64_t max = std::numeric_limits<int64_t>::max()) {
  return ParseCanonicalNonNegative(absl::string_view(text), max);
}
inline std::optional<int64_t> ParseCanonicalNonNegative(
    const char* text, int64_t max = std::numeric_limits<int64_t>::max()) {
  return ParseCanonicalNonNegative(absl::string_view(text), max);
}

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_TEXT_H_
