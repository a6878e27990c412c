// Private to server/numerics: the exact conversion core shared by fixed_point.cc, tensor_packing.cc
// and network.cc. Not a contract; may change with those files.
#ifndef FPGAAS_SERVER_NUMERICS_FIXED_POINT_INTERNAL_H_
#define FPGAAS_SERVER_NUMERICS_FIXED_POINT_INTERNAL_H_

#include <cstdint>

#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics::internal {

using Int128 = __int128;

// The real value of `raw` as an integer count of 2^-F units: sign-extended for signed types,
// zero-extended for unsigned ones (so ap_uint<64>'s bit pattern is read as unsigned).
inline Int128 WideRaw(const FixedType& type, int64_t raw) {
  if (type.is_signed) return raw;
  if (type.width == 64) return static_cast<Int128>(static_cast<uint64_t>(raw));
  return raw;
}

// Converts the exact value m * 2^shift_units (in units of the target's 2^-F, i.e. the source value
// times 2^F is m * 2^shift) into `type`: quantization, then overflow, exactly as Xilinx's
// ap_fixed_base assignment does. |m| < 2^126 is required. Returns the raw value (sign-extended;
// for unsigned W = 64 the bit pattern).
int64_t QuantizeScaled(const FixedType& type, Int128 m, int shift);

// Applies only `type`'s overflow mode to an integer count q of 2^-F units (no quantization step).
int64_t ApplyOverflow(const FixedType& type, Int128 q);

// Largest/smallest raw value of a type, as wide integers.
inline Int128 MaxRaw(const FixedType& t) {
  return t.is_signed ? (Int128(1) << (t.width - 1)) - 1 : (Int128(1) << t.width) - 1;
}
inline Int128 MinRaw(const FixedType& t) { return t.is_signed ? -(Int128(1) << (t.width - 1)) : 0; }

// Sign- or zero-extends the low `type.width` bits of v.
inline int64_t WrapToWidth(const FixedType& type, Int128 v) {
  const uint64_t bits = static_cast<uint64_t>(v);
  if (type.width == 64) return static_cast<int64_t>(bits);
  const uint64_t mask = (uint64_t{1} << type.width) - 1;
  uint64_t low = bits & mask;
  if (type.is_signed && (low >> (type.width - 1)) & 1) low |= ~mask;
  return static_cast<int64_t>(low);
}

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_FIXED_POINT_INTERNAL_H_
