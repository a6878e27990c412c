// Fixed-point formats at run time: hls4ml/Vivado ap_fixed, ap_ufixed, ap_int and ap_uint semantics.
//
// A value of a FixedType is held as its stored integer V ("raw"), sign-extended into int64_t; the
// real value is V * 2^-F with F = width - integer_bits. Conversions follow HLS4ML.md (quantize with
// the type's Q mode, then apply its O mode). Widths 1..64 are supported; anything else is rejected
// by ParseFixedType with a message naming the type. All functions are pure and thread-safe.
//
// NaN/inf policy: ap types cannot hold NaN. FromDouble rejects NaN (InvalidArgument). +-inf
// saturate under AP_SAT/AP_SAT_SYM (and give 0 under AP_SAT_ZERO and AP_WRAP, as Xilinx's ap_fixed
// does). The server rejects NaN and inf inputs before they reach a device (see the frontend).
#ifndef FPGAAS_SERVER_NUMERICS_FIXED_POINT_H_
#define FPGAAS_SERVER_NUMERICS_FIXED_POINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace fpgaas::numerics {

enum class Quantization { kTrn, kTrnZero, kRnd, kRndZero, kRndMinInf, kRndInf, kRndConv };
enum class Overflow { kWrap, kSat, kSatZero, kSatSym };

struct FixedType {
  int width = 16;         // W, total bits, 1..64
  int integer_bits = 6;   // I, may be negative or larger than W
  bool is_signed = true;  // ap_fixed/ap_int vs ap_ufixed/ap_uint
  Quantization quantization = Quantization::kTrn;
  Overflow overflow = Overflow::kWrap;
  int saturation_bits = 0;  // N of AP_WRAP (0 = plain wrap)
  // Spelled ap_int<W> / ap_uint<W>: integer_bits == width, AP_TRN_ZERO, AP_WRAP (Xilinx's ap_int
  // truncates a fixed-point value toward zero), and FromDouble follows ap_int_base(double), which
  // turns a negative x above -1/2 into 1 (not 0) before wrapping.
  bool int_type = false;

  int fractional_bits() const { return width - integer_bits; }
  // Host/device container: smallest of 1, 2, 4, 8 bytes holding `width` bits.
  int container_bytes() const { return width <= 8 ? 1 : width <= 16 ? 2 : width <= 32 ? 4 : 8; }
  // Canonical hls4ml spelling, e.g. "ap_fixed<16,6>" or "ap_ufixed<8,2,AP_RND,AP_SAT>".
  std::string ToString() const;
  friend bool operator==(const FixedType&, const FixedType&) = default;
};

// Parses "ap_fixed<16,6>", "ap_ufixed<8,2,AP_RND,AP_SAT>",
// "ap_fixed<18,8,AP_RND_CONV,AP_SAT_SYM,0>", "ap_int<8>", "ap_uint<1>" (whitespace tolerated).
// ap_int<W> is IntType(W, true). Errors name the text and what is wrong.
absl::StatusOr<FixedType> ParseFixedType(std::string_view text);

// ap_int<width> (is_signed) or ap_uint<width>: {width, width, is_signed, kTrnZero}, int_type set.
FixedType IntType(int width, bool is_signed);

// Exact conversion of a double into `type`: returns the stored integer V.
absl::StatusOr<int64_t> FromDouble(const FixedType& type, double x);
// Exact conversion of a raw value of `from` into `to` (as an assignment `to_t y = from_t x;`).
int64_t Convert(const FixedType& from, int64_t raw, const FixedType& to);
// Real value of a raw value (exact when it fits a double's 53 bits, else correctly rounded).
double ToDouble(const FixedType& type, int64_t raw);

// Device layout: the raw integer, little-endian, in container_bytes() bytes, sign-extended.
void PackRaw(const FixedType& type, int64_t raw, uint8_t* dst);
int64_t UnpackRaw(const FixedType& type, const uint8_t* src);

}  // namespace fpgaas::numerics

#endif  // FPGAAS_SERVER_NUMERICS_FIXED_POINT_H_
