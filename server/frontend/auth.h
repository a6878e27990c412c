// Internal to server/frontend: bearer-token authentication of KServe RPCs (the one place a call's
// "authorization" metadata is checked; every GRPCInferenceService handler calls it first, Health
// and reflection do not: Kubernetes probes carry no token) and reading of credential files.
// Pure functions, thread-safe.
#ifndef FPGAAS_SERVER_FRONTEND_AUTH_H_
#define FPGAAS_SERVER_FRONTEND_AUTH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace fpgaas::frontend {

// OK when `expected_token` is empty (authentication off) or the call carries the metadata
// "authorization: Bearer <expected_token>" (scheme case-insensitive, token compared in constant
// time). Otherwise UNAUTHENTICATED saying what was missing or wrong (never echoing the token).
absl::Status CheckBearerToken(const grpc::CallbackServerContext& context,
                              absl::string_view expected_token);
// The same check on the value of an "authorization" header or metadata entry (nullptr: none sent);
// the HTTP/REST server calls this one, with the same answers.
absl::Status CheckBearerValue(const absl::string_view* authorization,
                              absl::string_view expected_token);

// The whole content of the credential file `path` (`what` names it in errors, e.g.
// "--tls-cert"). NOT_FOUND when it cannot be read, INVALID_ARGUMENT when it is empty or a folder;
// the message names the file.
absl::StatusOr<std::string> ReadCredentialFile(const std::string& path, absl::string_view what);

// The token in the file `path`, surrounding whitespace (a trailing newline) removed. Errors as
// ReadCredentialFile's, and INVALID_ARGUMENT when the token has inner whitespace or control bytes.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path, absl::string_view what);

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_AUTH_H_
