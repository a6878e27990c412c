#include "server/frontend/auth.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "openssl/crypto.h"

namespace fpgaas::frontend {

absl::Status CheckBearerToken(const grpc::CallbackServerContext& context,
                              absl::string_view expected_token) {
  if (expected_token.empty()) return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  auto found = metadata.find("authorization");
  if (found == metadata.end()) return CheckBearerValue(nullptr, expected_token);
  const absl::string_view value(found->second.data(), found->second.size());
  return CheckBearerValue(&value, expected_token);
}

absl::Status CheckBearerValue(const absl::string_view* authorization,
                              absl::string_view expected_token) {
  if (expected_token.empty()) return absl::OkStatus();
  if (authorization == nullptr) {
    return absl::UnauthenticatedError(
        "missing 'authorization: Bearer <token>' metadata (this server requires a token)");
  }
  const absl::string_view value = *authorization;
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "the 'authorization' metadata is not of the form 'Bearer <token>'");
  }
  const absl::string_view token = value.substr(kScheme.size());
  // The length is not secret; the content is compared in time independent of where it differs.
  if (token.size() != expected_token.size() ||
      CRYPTO_memcmp(token.data(), expected_token.data(), token.size()) != 0) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadCredentialFile(const std::string& path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": no file given"));
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " is a folder, not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(what, ": cannot read ", path, " (", std::strerror(errno), ")"));
  }
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(absl::StrCat(what, ": error reading ", path));
  }
  std::string text = content.str();
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " is empty"));
  }
  return text;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path, absl::string_view what) {
  absl::StatusOr<std::string> content = ReadCredentialFile(path, what);
  if (!content.ok()) return content.status();
  std::string token(absl::StripAsciiWhitespace(*content));
  for (char c : token) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        !absl::ascii_isprint(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, ": ", path,
          " must hold one token (printable characters, no whitespace inside; a trailing newline "
          "is fine)"));
    }
  }
  return token;
}

}  // namespace fpgaas::frontend
