// Internal to server/frontend: the one place absl::Status becomes grpc::Status (and a failure reason
// for metrics). Pure functions, thread-safe.
#ifndef FPGAAS_SERVER_FRONTEND_STATUS_UTIL_H_
#define FPGAAS_SERVER_FRONTEND_STATUS_UTIL_H_

#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "server/metrics/metrics.h"

namespace fpgaas::frontend {

// Same code (absl and gRPC share the canonical code numbers), same message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Why a request failed before the scheduler saw it, from its status (ModelMetrics::RecordFailure).
FailureReason FailureReasonOf(const absl::Status& status);

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_STATUS_UTIL_H_
