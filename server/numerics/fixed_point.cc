#include "server/numerics/fixed_point.h"

#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/numerics/fixed_point_internal.h"

namespace fpgaas::numerics {
namespace {

using internal::Int128;

static_assert(std::endian::native == std::endian::little, "packing assumes a little-endian host");

// Integer bits are bounded so that every value and every LSB of every type is a normal double
// (2^-F and 2^I stay far inside the double exponent range).
constexpr int kMaxAbsIntegerBits = 512;

constexpr const char* kQuantizationNames[] = {"AP_TRN",      "AP_TRN_ZERO",    "AP_RND",
                                              "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF",
                                              "AP_RND_CONV"};
constexpr const char* kOverflowNames[] = {"AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM"};

// Where the exact fraction fr = y - floor(y) lies relative to 1/2.
enum class FractionClass { kZero, kBelowHalf, kHalf, kAboveHalf };

bool RoundsUp(Quantization q, FractionClass fr, bool negative, bool floor_is_odd) {
  switch (q) {
    case Quantization::kTrn:
      return false;
    case Quantization::kTrnZero:
      return negative && fr != FractionClass::kZero;
    case Quantization::kRnd:
      return fr == FractionClass::kHalf || fr == FractionClass::kAboveHalf;
    case Quantization::kRndZero:
      return fr == FractionClass::kAboveHalf || (fr == FractionClass::kHalf && negative);
    case Quantization::kRndMinInf:
      return fr == FractionClass::kAboveHalf;
    case Quantization::kRndInf:
      return fr == FractionClass::kAboveHalf || (fr == FractionClass::kHalf && !negative);
    case Quantization::kRndConv:
      return fr == FractionClass::kAboveHalf || (fr == FractionClass::kHalf && floor_is_odd);
  }
  return false;
}

// Overflow handling of Xilinx's ap_fixed_base::overflow_adjust. `low` holds (at least) the low W
// bits of the quantized value q; `above`/`below` say whether q > max / q < min.
int64_t FinishOverflow(const FixedType& t, Int128 low, bool above, bool below) {
  // AP_SAT_SYM (signed): the signed minimum itself is treated as an underflow (becomes -max).
  if (t.overflow == Overflow::kSatSym && t.is_signed && !above && !below &&
      internal::WrapToWidth(t, low) == static_cast<int64_t>(internal::MinRaw(t))) {
    below = true;
  }
  if (!above && !below) return internal::WrapToWidth(t, low);
  switch (t.overflow) {
    case Overflow::kWrap: {
      uint64_t v = static_cast<uint64_t>(internal::WrapToWidth(t, low));
      const int n = t.saturation_bits;
      if (n == 0) return static_cast<int64_t>(v);
      const int w = t.width;
      auto set_range = [&](int lo, int hi, bool ones) {  // bits lo..hi inclusive
        for (int b = lo; b <= hi; ++b) {
          if (ones) {
            v |= uint64_t{1} << b;
          } else {
            v &= ~(uint64_t{1} << b);
          }
        }
      };
      if (t.is_signed) {
        const bool negative = below;  // an overflow comes from a positive source, an underflow
                                      // from a negative one
        set_range(w - 1, w - 1, negative);
        if (n > 1) set_range(w - n, w - 2, !negative);
      } else {
        set_range(w - n, w - 1, true);
      }
      return internal::WrapToWidth(t, static_cast<Int128>(v));
    }
    case Overflow::kSatZero:
      return 0;
    case Overflow::kSat:
    case Overflow::kSatSym:
      if (above) return internal::WrapToWidth(t, internal::MaxRaw(t));
      if (t.is_signed && t.overflow == Overflow::kSatSym && t.width > 1) {
        // Xilinx sets the sign bit and bit 0: -max; for W = 1 that is the single bit, -1.
        return static_cast<int64_t>(-internal::MaxRaw(t));
      }
      return static_cast<int64_t>(internal::MinRaw(t));
  }
  return 0;
}

absl::StatusOr<int> ParseInt(absl::string_view field, absl::string_view text, const char* what) {
  int value = 0;
  if (!absl::SimpleAtoi(field, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("fixed-point type \"", text, "\": ", what, " \"",
                                                   field, "\" is not an integer"));
  }
  return value;
}

}  // namespace

namespace internal {

int64_t ApplyOverflow(const FixedType& type, Int128 q) {
  return FinishOverflow(type, q, q > MaxRaw(type), q < MinRaw(type));
}

int64_t QuantizeScaled(const FixedType& type, Int128 m, int shift) {
  if (m == 0) return 0;
  const bool negative = m < 0;
  const unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(-m) : static_cast<unsigned __int128>(m);
  if (shift >= 0) {
    const uint64_t high = static_cast<uint64_t>(magnitude >> 64);
    const int bit_length =
        high != 0 ? 64 + std::bit_width(high) : std::bit_width(static_cast<uint64_t>(magnitude));
    if (bit_length + shift > 126) {
      // |q| >= 2^64: beyond every range. Only q's low 64 bits matter (AP_WRAP).
      const uint64_t low = shift >= 64 ? 0 : static_cast<uint64_t>(m) << shift;
      return FinishOverflow(type, static_cast<Int128>(low), !negative, negative);
    }
    return ApplyOverflow(type, m << shift);
  }
  const int sh = -shift;
  Int128 k;
  FractionClass fr;
  if (sh > 126) {
    // |m| < 2^126 <= 2^(sh-1): 0 < |y| < 1/2.
    k = negative ? -1 : 0;
    fr = negative ? FractionClass::kAboveHalf : FractionClass::kBelowHalf;
  } else {
    k = m >> sh;  // floor
    const Int128 rem = m - (k << sh);
    const Int128 half = Int128(1) << (sh - 1);
    fr = rem == 0      ? FractionClass::kZero
         : rem < half  ? FractionClass::kBelowHalf
         : rem == half ? FractionClass::kHalf
                       : FractionClass::kAboveHalf;
  }
  const Int128 q = k + (RoundsUp(type.quantization, fr, negative, (k & 1) != 0) ? 1 : 0);
  return ApplyOverflow(type, q);
}

}  // namespace internal

std::string FixedType::ToString() const {
  if (int_type) return absl::StrCat(is_signed ? "ap_int<" : "ap_uint<", width, ">");
  std::string s = absl::StrCat(is_signed ? "ap_fixed<" : "ap_ufixed<", width, ",", integer_bits);
  const bool show_n = saturation_bits != 0;
  const bool show_o = show_n || overflow != Overflow::kWrap;
  const bool show_q = show_o || quantization != Quantization::kTrn;
  if (show_q) absl::StrAppend(&s, ",", kQuantizationNames[static_cast<int>(quantization)]);
  if (show_o) absl::StrAppend(&s, ",", kOverflowNames[static_cast<int>(overflow)]);
  if (show_n) absl::StrAppend(&s, ",", saturation_bits);
  s += ">";
  return s;
}

FixedType IntType(int width, bool is_signed) {
  FixedType t;
  t.width = t.integer_bits = width;
  t.is_signed = is_signed;
  t.quantization = Quantization::kTrnZero;
  t.int_type = true;
  return t;
}

absl::StatusOr<FixedType> ParseFixedType(std::string_view text_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("fixed-point type \"", text, "\": ", why));
  };
  absl::string_view s = absl::StripAsciiWhitespace(text);
  const size_t open = s.find('<');
  if (open == absl::string_view::npos || s.back() != '>') {
    return error("expected ap_fixed<W,I[,Q[,O[,N]]]>, ap_ufixed<...>, ap_int<W> or ap_uint<W>");
  }
  const absl::string_view name = absl::StripAsciiWhitespace(s.substr(0, open));
  std::vector<absl::string_view> args =
      absl::StrSplit(s.substr(open + 1, s.size() - open - 2), ',');
  for (auto& a : args) a = absl::StripAsciiWhitespace(a);

  FixedType t;
  bool is_int = false;
  if (name == "ap_fixed") {
    t.is_signed = true;
  } else if (name == "ap_ufixed") {
    t.is_signed = false;
  } else if (name == "ap_int") {
    t.is_signed = true;
    is_int = true;
  } else if (name == "ap_uint") {
    t.is_signed = false;
    is_int = true;
  } else {
    return error(absl::StrCat("unknown type name \"", name,
                              "\" (expected ap_fixed, ap_ufixed, ap_int or ap_uint)"));
  }
  if (is_int) {
    if (args.size() != 1) return error(absl::StrCat(name, " takes exactly one argument <W>"));
  } else if (args.size() < 2 || args.size() > 5) {
    return error(
        absl::StrCat(name, " takes 2 to 5 arguments <W,I[,Q[,O[,N]]]>, got ", args.size()));
  }
  absl::StatusOr<int> width = ParseInt(args[0], text, "width");
  if (!width.ok()) return width.status();
  t.width = *width;
  if (t.width < 1 || t.width > 64) {
    return error(absl::StrCat("width ", t.width, " is outside the supported range 1..64"));
  }
  if (is_int) return IntType(t.width, t.is_signed);
  absl::StatusOr<int> integer_bits = ParseInt(args[1], text, "integer bits");
  if (!integer_bits.ok()) return integer_bits.status();
  t.integer_bits = *integer_bits;
  if (std::abs(t.integer_bits) > kMaxAbsIntegerBits) {
    return error(absl::StrCat("integer bits ", t.integer_bits, " outside the supported range ",
                              -kMaxAbsIntegerBits, "..", kMaxAbsIntegerBits));
  }
  if (args.size() >= 3) {
    bool found = false;
    for (int i = 0; i < 7; ++i) {
      if (args[2] == kQuantizationNames[i]) {
        t.quantization = static_cast<Quantization>(i);
        found = true;
      }
    }
    if (!found) {
      return error(absl::StrCat("unknown quantization mode \"", args[2],
                                "\" (expected AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, "
                                "AP_RND_MIN_INF, AP_RND_INF or AP_RND_CONV)"));
    }
  }
  if (args.size() >= 4) {
    bool found = false;
    for (int i = 0; i < 4; ++i) {
      if (args[3] == kOverflowNames[i]) {
        t.overflow = static_cast<Overflow>(i);
        found = true;
      }
    }
    if (args[3] == "AP_WRAP_SM") {
      return absl::UnimplementedError(absl::StrCat(
          "fixed-point type \"", text, "\": overflow mode AP_WRAP_SM is not supported"));
    }
    if (!found) {
      return error(absl::StrCat("unknown overflow mode \"", args[3],
                                "\" (expected AP_WRAP, AP_SAT, AP_SAT_ZERO or AP_SAT_SYM)"));
    }
  }
  if (args.size() == 5) {
    // N is an int template argument: a mode name there (hls4ml writers have emitted
    // `ap_fixed<W,I,AP_RND,AP_SAT,AP_SAT>`) is its enumerator's value, as C++ converts it
    // (Xilinx ap_decl.h: AP_SAT = 0, AP_SAT_ZERO = 1, AP_SAT_SYM = 2, AP_WRAP = 3, AP_WRAP_SM = 4;
    // AP_RND = 0 ... AP_RND_CONV = 4, AP_TRN = 5, AP_TRN_ZERO = 6).
    static const std::pair<const char*, int> kEnumerators[] = {
        {"AP_SAT", 0}, {"AP_SAT_ZERO", 1}, {"AP_SAT_SYM", 2}, {"AP_WRAP", 3}, {"AP_WRAP_SM", 4},
        {"AP_RND", 0}, {"AP_RND_ZERO", 1}, {"AP_RND_MIN_INF", 2}, {"AP_RND_INF", 3},
        {"AP_RND_CONV", 4}, {"AP_TRN", 5}, {"AP_TRN_ZERO", 6}};
    std::string n_text(args[4]);
    for (const auto& [name, value] : kEnumerators) {
      if (n_text == name) n_text = std::to_string(value);
    }
    absl::StatusOr<int> n = ParseInt(n_text, text, "saturation bits N");
    if (!n.ok()) return n.status();
    t.saturation_bits = *n;
    if (t.saturation_bits < 0 || t.saturation_bits > t.width) {
      return error(
          absl::StrCat("saturation bits N = ", t.saturation_bits, " outside 0..", t.width));
    }
    if (t.saturation_bits != 0 && t.overflow != Overflow::kWrap) {
      // Xilinx ignores N for the saturating modes; keep the canonical form.
      t.saturation_bits = 0;
    }
  }
  return t;
}

absl::StatusOr<int64_t> FromDouble(const FixedType& type, double x) {
  if (std::isnan(x)) {
    return absl::InvalidArgumentError(absl::StrCat("NaN cannot be converted to ", type.ToString()));
  }
  if (std::isinf(x)) {
    // Xilinx reads inf as 2^1024 (exponent field all ones, implicit 1, zero mantissa).
    return internal::QuantizeScaled(type, x < 0 ? -1 : 1, 1024 + type.fractional_bits());
  }
  if (x == 0) return 0;
  if (type.int_type && x < 0 && x > -0.5) {
    // ap_int_base(double) sets -1 for |x| < 1/2 and then negates a negative x's result.
    return internal::WrapToWidth(type, 1);
  }
  int exponent = 0;
  const double mantissa =
      std::frexp(x, &exponent);  // x = mantissa * 2^exponent, |mantissa| in [.5,1)
  const int64_t m = static_cast<int64_t>(std::ldexp(mantissa, 53));
  return internal::QuantizeScaled(type, m, exponent - 53 + type.fractional_bits());
}

int64_t Convert(const FixedType& from, int64_t raw, const FixedType& to) {
  return internal::QuantizeScaled(to, internal::WideRaw(from, raw),
                                  to.fractional_bits() - from.fractional_bits());
}

double ToDouble(const FixedType& type, int64_t raw) {
  const double v = (!type.is_signed && type.width == 64)
                       ? static_cast<double>(static_cast<uint64_t>(raw))
                       : static_cast<double>(raw);
  return std::ldexp(v, -type.fractional_bits());
}

void PackRaw(const FixedType& type, int64_t raw, uint8_t* dst) {
  std::memcpy(dst, &raw, type.container_bytes());
}

int64_t UnpackRaw(const FixedType& type, const uint8_t* src) {
  uint64_t bits = 0;
  std::memcpy(&bits, src, type.container_bytes());
  return internal::WrapToWidth(type, static_cast<Int128>(bits));
}

}  // namespace fpgaas::numerics
