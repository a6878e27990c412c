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
#include "absl/container/flat_hash_set.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/security/auth_context.h"
#include "openssl/crypto.h"
#include "server/util/text.h"

namespace fpgaas::frontend {

namespace {

using config::AuthConfig;

constexpr absl::string_view kMissing =
    "missing 'authorization: Bearer <token>' metadata (this server requires a token)";

// The token of an "authorization" value, or UNAUTHENTICATED when it is not "Bearer <token>".
absl::StatusOr<absl::string_view> BearerToken(absl::string_view value) {
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "the 'authorization' metadata is not of the form 'Bearer <token>'");
  }
  return value.substr(kScheme.size());
}

// The length is not secret; the content is compared in time independent of where it differs.
bool SameToken(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::string_view RoleName(AuthConfig::Role role) {
  switch (role) {
    case AuthConfig::INFERENCE: return "INFERENCE";
    case AuthConfig::REPOSITORY_ADMIN: return "REPOSITORY_ADMIN";
    default: return "none";
  }
}

bool NameMatches(absl::string_view pattern, absl::string_view model) {
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(model, pattern.substr(0, pattern.size() - 1));
  }
  return pattern == model;
}

absl::string_view PermissionWords(Permission permission) {
  switch (permission) {
    case Permission::kServer: return "call this server";
    case Permission::kModelRead: return "read";
    case Permission::kInfer: return "run inference on";
    case Permission::kRepositoryAdmin: return "load or unload";
  }
  return "use";
}

// The TextFormat parser's errors as one message naming the file and line.
class ErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

}  // namespace

std::string Principal::name() const {
  return client_ == nullptr ? "anonymous" : client_->name();
}

bool Principal::MayUse(absl::string_view model) const {
  if (client_ == nullptr || client_->models().empty()) return true;
  for (const std::string& pattern : client_->models()) {
    if (NameMatches(pattern, model)) return true;
  }
  return false;
}

absl::Status Principal::Authorize(Permission permission, absl::string_view model) const {
  if (client_ == nullptr) return absl::OkStatus();
  if (permission == Permission::kRepositoryAdmin &&
      client_->role() != AuthConfig::REPOSITORY_ADMIN) {
    return absl::PermissionDeniedError(absl::StrCat(
        "client '", client_->name(), "' (role ", RoleName(client_->role()),
        ") may not load or unload models: that needs the role REPOSITORY_ADMIN in --auth-config"));
  }
  if (permission == Permission::kServer || MayUse(model)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("client '", client_->name(), "' may not ", PermissionWords(permission),
                   " model '", Quoted(model), "' (not in its 'models' list in --auth-config)"));
}

absl::Status Principal::CheckRegistration(absl::string_view model,
                                          const std::map<std::string, std::string>& files,
                                          int64_t config_bytes) const {
  if (client_ == nullptr || files.empty()) return absl::OkStatus();
  const AuthConfig::RegistrationQuota& quota = client_->quota();
  const auto over = [&](absl::string_view what, int64_t amount, int64_t limit,
                        absl::string_view field) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "client '", client_->name(), "': registering model '", Quoted(model), "' uploads ",
        amount, " ", what, ", over its quota of ", limit, " (quota.", field,
        " in --auth-config)"));
  };
  if (quota.max_files() > 0 && static_cast<int64_t>(files.size()) > quota.max_files()) {
    return over("files", static_cast<int64_t>(files.size()), quota.max_files(), "max_files");
  }
  int64_t bytes = config_bytes;
  absl::flat_hash_set<absl::string_view> versions;
  for (const auto& [path, content] : files) {
    bytes += static_cast<int64_t>(content.size());
    const absl::string_view key(path);
    versions.insert(key.substr(0, key.find('/')));
  }
  if (quota.max_bytes() > 0 && bytes > quota.max_bytes()) {
    return over("bytes", bytes, quota.max_bytes(), "max_bytes");
  }
  if (quota.max_versions() > 0 && static_cast<int64_t>(versions.size()) > quota.max_versions()) {
    return over("versions", static_cast<int64_t>(versions.size()), quota.max_versions(),
                "max_versions");
  }
  return absl::OkStatus();
}

Authorizer::Authorizer() = default;

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromToken(std::string token) {
  auto authorizer = std::make_unique<Authorizer>();
  if (token.empty()) return authorizer;
  AuthConfig::Client& client = authorizer->clients_.emplace_back();
  client.set_name("token");
  client.set_token(std::move(token));
  client.set_role(AuthConfig::REPOSITORY_ADMIN);
  return authorizer;
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromConfigFile(const std::string& path,
                                                                       std::string extra_token) {
  absl::StatusOr<std::string> text = ReadCredentialFile(path, "--auth-config");
  if (!text.ok()) return text.status();
  return FromConfigText(*text, std::filesystem::path(path).parent_path().string(),
                        absl::StrCat("--auth-config ", path), std::move(extra_token));
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromConfigText(const std::string& text,
                                                                       const std::string& base_dir,
                                                                       absl::string_view what,
                                                                       std::string extra_token) {
  AuthConfig config;
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", errors.first()));
  }
  auto authorizer = std::make_unique<Authorizer>();
  if (config.client().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": no 'client' (an empty config would let nobody in)"));
  }
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < config.client_size(); ++i) {
    AuthConfig::Client client = config.client(i);
    const std::string where =
        absl::StrCat(what, ": client #", i + 1,
                     client.name().empty() ? "" : absl::StrCat(" '", client.name(), "'"));
    if (client.name().empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": no name"));
    if (!names.insert(client.name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": the name is used twice"));
    }
    if (client.role() == AuthConfig::ROLE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": no role (INFERENCE or REPOSITORY_ADMIN)"));
    }
    if (!client.token().empty() && !client.token_file().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": both token and token_file (give one)"));
    }
    if (!client.token_file().empty()) {
      std::filesystem::path file(client.token_file());
      if (file.is_relative() && !base_dir.empty()) file = std::filesystem::path(base_dir) / file;
      absl::StatusOr<std::string> token =
          ReadTokenFile(file.string(), absl::StrCat(where, ": token_file"));
      if (!token.ok()) return token.status();
      client.set_token(*std::move(token));
      client.clear_token_file();
    }
    for (char c : client.token()) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
          !absl::ascii_isprint(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": the token must be printable characters without whitespace"));
      }
    }
    if (client.token().empty() && client.identity().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": no credentials (a token, a token_file or a client certificate identity)"));
    }
    for (const AuthConfig::Client& other : authorizer->clients_) {
      if (!client.token().empty() && other.token() == client.token() &&
          other.identity() == client.identity()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": same credentials as client '", other.name(), "'"));
      }
    }
    for (const std::string& model : client.models()) {
      if (model.empty() || model == "*") {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": an empty model pattern or '*' (leave 'models' out for every model)"));
      }
    }
    const AuthConfig::RegistrationQuota& quota = client.quota();
    if (quota.max_bytes() < 0 || quota.max_files() < 0 || quota.max_versions() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": quota limits are counts (0 = no limit), not negative"));
    }
    authorizer->clients_.push_back(std::move(client));
  }
  if (!extra_token.empty()) {
    if (names.contains("token")) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, ": a client is named 'token', the name --auth-token-file's token takes"));
    }
    AuthConfig::Client& client = authorizer->clients_.emplace_back();
    client.set_name("token");
    client.set_token(std::move(extra_token));
    client.set_role(AuthConfig::REPOSITORY_ADMIN);
  }
  return authorizer;
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromFiles(
    const std::string& token_file, const std::string& config_file) {
  std::string token;
  if (!token_file.empty()) {
    absl::StatusOr<std::string> read = ReadTokenFile(token_file, "bearer token (--auth-token-file)");
    if (!read.ok()) return read.status();
    token = *std::move(read);
  }
  if (config_file.empty()) return FromToken(std::move(token));
  return FromConfigFile(config_file, std::move(token));
}

absl::StatusOr<Principal> Authorizer::Authenticate(
    const absl::string_view* authorization,
    const std::vector<std::string>& peer_identities) const {
  if (clients_.empty()) return Principal(nullptr);
  absl::string_view token;
  if (authorization != nullptr) {
    absl::StatusOr<absl::string_view> bearer = BearerToken(*authorization);
    if (!bearer.ok()) return bearer.status();
    token = *bearer;
  }
  const auto identity_matches = [&](const AuthConfig::Client& client) {
    if (client.identity().empty()) return true;
    for (const std::string& identity : peer_identities) {
      if (identity == client.identity()) return true;
    }
    return false;
  };
  bool token_matched = false;
  for (const AuthConfig::Client& client : clients_) {
    // Every token is compared (no early exit on the first match of a prefix of the list).
    const bool token_ok = client.token().empty() ? authorization == nullptr
                                                 : SameToken(token, client.token());
    if (token_ok && !client.token().empty()) token_matched = true;
    if (token_ok && identity_matches(client)) return Principal(&client);
  }
  if (token_matched) {
    return absl::UnauthenticatedError(
        "the bearer token is valid only with a client certificate whose identity this call's "
        "certificate does not have");
  }
  if (authorization == nullptr) return absl::UnauthenticatedError(kMissing);
  return absl::UnauthenticatedError("invalid bearer token");
}

absl::StatusOr<Principal> Authorizer::Authenticate(
    const grpc::CallbackServerContext& context) const {
  if (clients_.empty()) return Principal(nullptr);
  std::vector<std::string> identities;
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
      auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const grpc::string_ref& identity : auth->GetPeerIdentity()) {
      identities.emplace_back(identity.data(), identity.size());
    }
  }
  const auto& metadata = context.client_metadata();
  auto found = metadata.find("authorization");
  if (found == metadata.end()) return Authenticate(nullptr, identities);
  const absl::string_view value(found->second.data(), found->second.size());
  return Authenticate(&value, identities);
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
