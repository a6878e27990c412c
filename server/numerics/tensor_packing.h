// Element types on the wire (KServe v2 datatypes) and their conversion into and out of the packed
// fixed-point device layout. The scheduler calls these while copying each request's tensor into a
// batch's contiguous input buffer, and while splitting the output buffer back per request.
// Pure functions, thread-safe.
#ifndef FPGAAS_SERVER_NUMERICS_TENSOR_PACKING_H_
#define FPGAAS_SERVER_NUMERICS_TENSOR_PACKING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics {

enum class ElementType {
  kBool,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp16,
  kBf16,
  kFp32,
  kFp64
};

// Bytes per element (BOOL is 1 byte).
int ElementSize(ElementType type);
// KServe v2 datatype names: "BOOL", "UINT8", ..., "FP16", "BF16", "FP32", "FP64". BYTES is not an
// element type here (returns nullopt).
std::optional<ElementType> ElementTypeFromName(std::string_view name);
std::string_view ElementTypeName(ElementType type);

// Converts `count` little-endian elements of `src_type` at `src` into `type`'s packed layout at
// `dst` (count * type.container_bytes() bytes). Each element goes to double exactly (FP16/BF16/FP32
// are widened exactly; 64-bit integers beyond 2^53 are rounded to the nearest double) and then
// through FromDouble. NaN or inf -> InvalidArgument naming the element index; nothing useful is in
// `dst` then.
absl::Status PackElements(ElementType src_type, const void* src, size_t count,
                          const FixedType& type, uint8_t* dst);

// Converts `count` packed values of `type` at `src` into `dst_type` elements at `dst`. Float
// destinations get the nearest representable value; integer destinations get the value truncated
// toward zero and saturated to the destination range.
void UnpackElements(const FixedType& type, const uint8_t* src, size_t count, ElementType dst_type,
                    void* dst);

}  // namespace fpgaas::numerics

#endif  // FPGAAS_SERVER_NUMERICS_TENSOR_PACKING_H_
