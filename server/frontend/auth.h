// Internal to fpgaasd's frontends: who a KServe call comes from (authentication) and what it may
// do (authorization), for the gRPC service and the HTTP/REST server alike.
//
// The transports only authenticate: Authorizer::Authenticate turns the call's "authorization"
// metadata/header (and its mutual-TLS peer identity) into a Principal. Every KServeCore operation
// takes that Principal and authorizes itself (kserve_core.cc), so no operation can be reached
// without one and each names the permission it needs in one place. Health probes and reflection
// need no Principal (Kubernetes probes carry no token).
//
// Policies: off (no token configured: everyone may do everything), one bearer token (the old
// --auth-token-file: whoever has it may do everything), or an --auth-config file
// (proto/auth_config.proto: clients with roles, per-model allow lists and registration quotas).
// Thread-safe after construction; a Principal borrows its Authorizer, which must outlive it.
#ifndef FPGAAS_SERVER_FRONTEND_AUTH_H_
#define FPGAAS_SERVER_FRONTEND_AUTH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "proto/auth_config.pb.h"

namespace fpgaas::frontend {

// What an operation needs. kServer: server liveness/readiness/metadata and the repository index;
// kModelRead: one model's readiness, metadata, config and statistics; kInfer: inference;
// kRepositoryAdmin: RepositoryModelLoad/Unload.
enum class Permission { kServer, kModelRead, kInfer, kRepositoryAdmin };

class Authorizer;

// An authenticated caller. Only Authorizer makes them.
class Principal {
 public:
  // The client's name from the config; "token" for the single-token policy, "anonymous" when
  // authentication is off.
  std::string name() const;
  // OK, or PERMISSION_DENIED naming the client, what it tried and what it lacks. `model` is
  // ignored for kServer.
  absl::Status Authorize(Permission permission, absl::string_view model) const;
  // Whether this client may see `model` at all (lists such as the index and statistics show only
  // those).
  bool MayUse(absl::string_view model) const;
  // RESOURCE_EXHAUSTED when registering `model` with these uploaded files ("<version>/<path>" ->
  // bytes) plus a config of `config_bytes` goes over the client's quota; the message names the
  // limit and the amount.
  absl::Status CheckRegistration(absl::string_view model,
                                 const std::map<std::string, std::string>& files,
                                 int64_t config_bytes) const;

 private:
  friend class Authorizer;
  explicit Principal(const config::AuthConfig::Client* client) : client_(client) {}
  const config::AuthConfig::Client* client_;  // null = authentication off: everything allowed
};

class Authorizer {
 public:
  // No authentication: every call is the all-powerful "anonymous".
  Authorizer();
  // One bearer token (the old --auth-token-file): a REPOSITORY_ADMIN for every model.
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromToken(std::string token);
  // An --auth-config file (protobuf text format of config::AuthConfig); `extra_token` (the
  // --auth-token-file's, may be empty) adds the single-token client. INVALID_ARGUMENT naming the
  // file, the line and the field for a config that does not parse or makes no sense (no clients,
  // a client without name, role or credentials, duplicate names or tokens, both token and
  // token_file); NOT_FOUND when the file or a token_file cannot be read.
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromConfigFile(const std::string& path,
                                                                    std::string extra_token = "");
  // The same from text; token_file paths are relative to `base_dir`; `what` names the source.
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromConfigText(const std::string& text,
                                                                    const std::string& base_dir,
                                                                    absl::string_view what,
                                                                    std::string extra_token = "");

  // What fpgaasd's flags ask for: --auth-token-file (may be empty) and --auth-config (may be
  // empty); both empty = authentication off.
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromFiles(const std::string& token_file,
                                                               const std::string& config_file);

  // Whether calls must carry credentials at all.
  bool required() const { return !clients_.empty(); }

  // The Principal of a call carrying the "authorization" value `authorization` (nullptr: none
  // sent) from a peer whose mutual-TLS identities are `peer_identities` (empty: no client
  // certificate). UNAUTHENTICATED saying what was missing or wrong, never echoing the token.
  absl::StatusOr<Principal> Authenticate(const absl::string_view* authorization,
                                         const std::vector<std::string>& peer_identities) const;
  // The same for a gRPC call (its metadata and its TLS peer's identities).
  absl::StatusOr<Principal> Authenticate(const grpc::CallbackServerContext& context) const;

 private:
  std::vector<config::AuthConfig::Client> clients_;
};

// The whole content of the credential file `path` (`what` names it in errors, e.g.
// "--tls-cert"). NOT_FOUND when it cannot be read, INVALID_ARGUMENT when it is empty or a folder;
// the message names the file.
absl::StatusOr<std::string> ReadCredentialFile(const std::string& path, absl::string_view what);

// The token in the file `path`, surrounding whitespace (a trailing newline) removed. Errors as
// ReadCredentialFile's, and INVALID_ARGUMENT when the token has inner whitespace or control bytes.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path, absl::string_view what);

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_AUTH_H_
