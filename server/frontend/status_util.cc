#include "server/frontend/status_util.h"

#include <string>

namespace fpgaas::frontend {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode are both the canonical google.rpc.Code values.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

FailureReason FailureReasonOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return FailureReason::kInvalidArgument;
    case absl::StatusCode::kDeadlineExceeded:
      return FailureReason::kTimeout;
    case absl::StatusCode::kCancelled:
      return FailureReason::kCancelled;
    case absl::StatusCode::kResourceExhausted:
      return FailureReason::kResourceExhausted;
    case absl::StatusCode::kUnavailable:
      return FailureReason::kUnavailable;
    case absl::StatusCode::kNotFound:
      return FailureReason::kNotFound;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAborted:
      return FailureReason::kDeviceError;
    default:
      return FailureReason::kOther;
  }
}

}  // namespace fpgaas::frontend
