#include "server/numerics/tensor_packing.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/util/cpu_dispatch.h"

#define FPGAAS_INLINE_PACK inline __attribute__((always_inline))

namespace fpgaas::numerics {
namespace {

struct NamedType {
  std::string_view name;
  ElementType type;
  int size;
};
constexpr NamedType kTypes[] = {
    {"BOOL", ElementType::kBool, 1},     {"UINT8", ElementType::kUint8, 1},
    {"UINT16", ElementType::kUint16, 2}, {"UINT32", ElementType::kUint32, 4},
    {"UINT64", ElementType::kUint64, 8}, {"INT8", ElementType::kInt8, 1},
    {"INT16", ElementType::kInt16, 2},   {"INT32", ElementType::kInt32, 4},
    {"INT64", ElementType::kInt64, 8},   {"FP16", ElementType::kFp16, 2},
    {"BF16", ElementType::kBf16, 2},     {"FP32", ElementType::kFp32, 4},
    {"FP64", ElementType::kFp64, 8},
};

template <typename T>
FPGAAS_INLINE_PACK T Load(const void* src, size_t k) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(src) + k * sizeof(T), sizeof(T));
  return v;
}
template <typename T>
void Store(void* dst, size_t k, T v) {
  std::memcpy(static_cast<uint8_t*>(dst) + k * sizeof(T), &v, sizeof(T));
}

// IEEE binary16 -> double, exactly (every half is a double).
double HalfToDouble(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    v = mantissa == 0 ? std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::quiet_NaN();
  } else {
    v = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return sign ? -v : v;
}
double Bf16ToDouble(uint16_t h) {
  return static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(h) << 16));
}

// double nearest to v (ties to even) -> IEEE binary16.
uint16_t DoubleToHalf(double v) {
  const uint16_t sign = std::signbit(v) ? 0x8000 : 0;
  double a = std::fabs(v);
  if (std::isnan(v)) return 0x7e00;
  if (a >= 65520.0) return sign | 0x7c00;  // rounds to inf
  if (a < std::ldexp(1.0, -14)) {
    // Subnormal: units of 2^-24; nearbyint rounds half to even.
    return sign | static_cast<uint16_t>(std::nearbyint(std::ldexp(a, 24)));
  }
  int e = 0;
  std::frexp(a, &e);                                 // a = m * 2^e, m in [0.5, 1)
  double m = std::nearbyint(std::ldexp(a, 11 - e));  // 11 significant bits
  if (m >= 2048) {
    m /= 2;
    ++e;
  }
  return sign | static_cast<uint16_t>(((e + 14) << 10) | (static_cast<int>(m) - 1024));
}
uint16_t DoubleToBf16(double v) {
  if (std::isnan(v)) return 0x7fc0;
  const float f = static_cast<float>(v);  // bf16 round from the float; then RNE to 16 bits
  uint32_t bits = std::bit_cast<uint32_t>(f);
  // Round-to-nearest-even on the low 16 bits of the float. Double rounding (double -> float ->
  // bf16) can differ from direct rounding only for doubles not exactly representable as a float,
  // which a fixed value of <= 24 significant bits never is.
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

double ElementToDouble(ElementType t, const void* src, size_t k) {
  switch (t) {
    case ElementType::kBool:
      return Load<uint8_t>(src, k) != 0 ? 1.0 : 0.0;
    case ElementType::kUint8:
      return Load<uint8_t>(src, k);
    case ElementType::kUint16:
      return Load<uint16_t>(src, k);
    case ElementType::kUint32:
      return Load<uint32_t>(src, k);
    case ElementType::kUint64:
      return static_cast<double>(Load<uint64_t>(src, k));
    case ElementType::kInt8:
      return Load<int8_t>(src, k);
    case ElementType::kInt16:
      return Load<int16_t>(src, k);
    case ElementType::kInt32:
      return Load<int32_t>(src, k);
    case ElementType::kInt64:
      return static_cast<double>(Load<int64_t>(src, k));
    case ElementType::kFp16:
      return HalfToDouble(Load<uint16_t>(src, k));
    case ElementType::kBf16:
      return Bf16ToDouble(Load<uint16_t>(src, k));
    case ElementType::kFp32:
      return Load<float>(src, k);
    case ElementType::kFp64:
      return Load<double>(src, k);
  }
  return 0;
}

absl::Status NotFinite(size_t k, double v, const FixedType& type) {
  return absl::InvalidArgumentError(absl::StrCat("element ", k, " is ",
                                                 std::isnan(v) ? "NaN" : "infinite",
                                                 "; cannot convert to ", type.ToString()));
}

// Source elements as the fast path reads them: a float for sources every value of which is a float
// (FP32, FP16, BF16 and 8/16-bit integers), a double for 32/64-bit integers (64-bit ones rounded to
// the nearest double, as ElementToDouble does). Branch-free so that the loops vectorize.
template <ElementType kType>
FPGAAS_INLINE_PACK auto LoadWide(const uint8_t* src, size_t k) {
  if constexpr (kType == ElementType::kFp32) {
    return Load<float>(src, k);
  } else if constexpr (kType == ElementType::kFp16) {
    // Exponent/mantissa moved into a float's and scaled by 2^112: exact for normals and
    // subnormals; exponent 31 (inf/NaN) becomes inf, which the caller sends to the general path.
    const uint16_t h = Load<uint16_t>(src, k);
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
    float f = std::bit_cast<float>(static_cast<uint32_t>(h & 0x7fff) << 13) * 0x1p112f;
    f = (h & 0x7c00) == 0x7c00 ? std::numeric_limits<float>::infinity() : f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(f) | sign);
  } else if constexpr (kType == ElementType::kBf16) {
    return std::bit_cast<float>(static_cast<uint32_t>(Load<uint16_t>(src, k)) << 16);
  } else if constexpr (kType == ElementType::kUint8) {
    return static_cast<float>(Load<uint8_t>(src, k));
  } else if constexpr (kType == ElementType::kInt8) {
    return static_cast<float>(Load<int8_t>(src, k));
  } else if constexpr (kType == ElementType::kUint16) {
    return static_cast<float>(Load<uint16_t>(src, k));
  } else if constexpr (kType == ElementType::kInt16) {
    return static_cast<float>(Load<int16_t>(src, k));
  } else if constexpr (kType == ElementType::kUint32) {
    return static_cast<double>(Load<uint32_t>(src, k));
  } else if constexpr (kType == ElementType::kInt32) {
    return static_cast<double>(Load<int32_t>(src, k));
  } else if constexpr (kType == ElementType::kUint64) {
    return static_cast<double>(Load<uint64_t>(src, k));
  } else {
    static_assert(kType == ElementType::kInt64);
    return static_cast<double>(Load<int64_t>(src, k));
  }
}

// PackFastLoop (below) for containers of at most 32 bits, in blocks that vectorize: saturation or
// wrapping is done in double arithmetic (exact: every value is an integer below 2^62, the wrapped
// one below 2^32), so that the only conversion is double -> int32 (-> int64 needs AVX-512DQ).
// Stops at the first block holding an element the general path must take; elements of that block
// after it may be left unwritten.
template <ElementType kType, typename Container, bool kRound, bool kSaturate>
FPGAAS_INLINE_PACK size_t PackNarrowLoop(const uint8_t* src, size_t count, double scale,
                                         int64_t lo, int64_t hi, int width, bool is_signed,
                                         Container* dst) {
  const double bound = 0x1p62;
  const double modulus = std::ldexp(1.0, width), inverse_modulus = std::ldexp(1.0, -width);
  const double signed_from = is_signed ? std::ldexp(1.0, width - 1) : modulus;
  const double low = static_cast<double>(lo), high = static_cast<double>(hi);
  constexpr size_t kBlock = 256;
  for (size_t start = 0; start < count; start += kBlock) {
    const size_t end = std::min(count, start + kBlock);
    uint32_t rejected = 0;
    for (size_t k = start; k < end; ++k) {
      double y = static_cast<double>(LoadWide<kType>(src, k)) * scale;
      const bool ok = std::fabs(y) < bound;  // false for NaN/inf/huge
      rejected += ok ? 0 : 1;
      y = ok ? y : 0;
      double v = std::floor(y);
      if (kRound) v += (y - v >= 0.5) ? 1.0 : 0.0;
      if (kSaturate) {
        v = v < low ? low : (v > high ? high : v);
      } else {
        v -= modulus * std::floor(v * inverse_modulus);  // [0, 2^W)
        v = v >= signed_from ? v - modulus : v;
      }
      v = v >= 0x1p31 ? v - 0x1p32 : v;  // unsigned 32-bit raws: the same bits in int32 range
      dst[k] = static_cast<Container>(static_cast<int32_t>(v));
    }
    if (rejected == 0) continue;
    for (size_t k = start; k < end; ++k) {
      if (!(std::fabs(static_cast<double>(LoadWide<kType>(src, k)) * scale) < bound)) return k;
    }
  }
  return count;
}

// Fast exact path: y = x * 2^F is exact in double for every float or double source value x when
// |F| <= 512 and |y| < 2^62 - so floor, the fraction and the comparisons below are exact. Returns
// the first index the general path must take (non-finite or huge), or count.
template <ElementType kType, typename Container, bool kRound, bool kSaturate>
FPGAAS_INLINE_PACK size_t PackFastLoop(const uint8_t* src, size_t count, double scale, int64_t lo,
                                       int64_t hi, int width, bool is_signed, Container* dst) {
  if constexpr (sizeof(Container) <= 4) {
    return PackNarrowLoop<kType, Container, kRound, kSaturate>(src, count, scale, lo, hi, width,
                                                               is_signed, dst);
  }
  const int unused = 64 - width;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const double bound = 0x1p62;
  size_t bad = count;
  for (size_t k = 0; k < count; ++k) {
    double y = static_cast<double>(LoadWide<kType>(src, k)) * scale;
    const bool ok = std::fabs(y) < bound;  // false for NaN/inf/huge
    if (!ok) {
      if (bad == count) bad = k;
      y = 0;
    }
    double fl = std::floor(y);
    if (kRound) fl += (y - fl >= 0.5) ? 1.0 : 0.0;
    const int64_t q = static_cast<int64_t>(fl);
    int64_t v;
    if (kSaturate) {
      v = q < lo ? lo : (q > hi ? hi : q);
    } else {
      v = is_signed ? static_cast<int64_t>(static_cast<uint64_t>(q) << unused) >> unused
                    : static_cast<int64_t>(static_cast<uint64_t>(q) & mask);
    }
    dst[k] = static_cast<Container>(v);
  }
  return bad;
}

// PackFastLoop with the rounding and overflow picked at run time.
template <ElementType kType, typename Container>
FPGAAS_INLINE_PACK size_t PackFastModes(const uint8_t* src, size_t count, double scale, int64_t lo,
                                        int64_t hi, int width, bool is_signed, bool round,
                                        bool saturate, Container* dst) {
  if (round && saturate)
    return PackFastLoop<kType, Container, true, true>(src, count, scale, lo, hi, width, is_signed,
                                                      dst);
  if (round)
    return PackFastLoop<kType, Container, true, false>(src, count, scale, lo, hi, width, is_signed,
                                                       dst);
  if (saturate)
    return PackFastLoop<kType, Container, false, true>(src, count, scale, lo, hi, width, is_signed,
                                                       dst);
  return PackFastLoop<kType, Container, false, false>(src, count, scale, lo, hi, width, is_signed,
                                                      dst);
}

template <ElementType kType, typename Container>
FPGAAS_NUMERICS_CLONES size_t PackFast(const uint8_t* src, size_t count, double scale, int64_t lo,
                                       int64_t hi, int width, bool is_signed, bool round,
                                       bool saturate, Container* dst) {
  return PackFastModes<kType, Container>(src, count, scale, lo, hi, width, is_signed, round,
                                         saturate, dst);
}

#if FPGAAS_NUMERICS_AVX512_CLONE
// The same loops in 512-bit vectors on AVX-512 CPUs: GCC's 256-bit preference in the clones'
// AVX-512 target split them into ymm halves (with vblendvpd before that target had VL).
template <ElementType kType, typename Container>
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512"))) size_t
PackFastAvx512(const uint8_t* src, size_t count, double scale, int64_t lo, int64_t hi, int width,
               bool is_signed, bool round, bool saturate, Container* dst) {
  return PackFastModes<kType, Container>(src, count, scale, lo, hi, width, is_signed, round,
                                         saturate, dst);
}
#endif

template <ElementType kType, typename Container>
bool TryPackFastAs(const uint8_t* src, size_t count, const FixedType& type, uint8_t* dst,
                   size_t* bad) {
  // An integer times 2^F, F >= 0, has no fraction: every quantization mode leaves it alone.
  constexpr bool kIntegerSource = kType != ElementType::kFp16 && kType != ElementType::kBf16 &&
                                  kType != ElementType::kFp32 && kType != ElementType::kFp64;
  const bool exact = kIntegerSource && type.fractional_bits() >= 0;
  const bool rnd = !exact && type.quantization == Quantization::kRnd;
  const bool trn = exact || type.quantization == Quantization::kTrn;
  const bool sat = type.overflow == Overflow::kSat;
  const bool wrap = type.overflow == Overflow::kWrap && type.saturation_bits == 0;
  if (!(rnd || trn) || !(sat || wrap) || type.width > 63) return false;
  if (reinterpret_cast<uintptr_t>(dst) % alignof(Container) != 0) return false;
  const double scale = std::ldexp(1.0, type.fractional_bits());
  const int64_t lo = static_cast<int64_t>(internal::MinRaw(type));
  const int64_t hi = static_cast<int64_t>(internal::MaxRaw(type));
#if FPGAAS_NUMERICS_AVX512_CLONE
  if (FPGAAS_CPU_HAS_AVX512()) {
    *bad = PackFastAvx512<kType, Container>(src, count, scale, lo, hi, type.width, type.is_signed,
                                            rnd, sat, reinterpret_cast<Container*>(dst));
    return true;
  }
#endif
  *bad = PackFast<kType, Container>(src, count, scale, lo, hi, type.width, type.is_signed, rnd, sat,
                                    reinterpret_cast<Container*>(dst));
  return true;
}

template <ElementType kType>
bool TryPackFast(const uint8_t* src, size_t count, const FixedType& type, uint8_t* dst,
                 size_t* bad) {
  switch (type.container_bytes()) {
    case 1:
      return TryPackFastAs<kType, int8_t>(src, count, type, dst, bad);
    case 2:
      return TryPackFastAs<kType, int16_t>(src, count, type, dst, bad);
    case 4:
      return TryPackFastAs<kType, int32_t>(src, count, type, dst, bad);
    default:
      return TryPackFastAs<kType, int64_t>(src, count, type, dst, bad);
  }
}

// The fast path for every wire type but BOOL; false when the type's modes need the general path.
bool TryPackFastAny(ElementType t, const uint8_t* src, size_t count, const FixedType& type,
                    uint8_t* dst, size_t* bad) {
  switch (t) {
    case ElementType::kBool:
      return false;
    case ElementType::kUint8:
      return TryPackFast<ElementType::kUint8>(src, count, type, dst, bad);
    case ElementType::kUint16:
      return TryPackFast<ElementType::kUint16>(src, count, type, dst, bad);
    case ElementType::kUint32:
      return TryPackFast<ElementType::kUint32>(src, count, type, dst, bad);
    case ElementType::kUint64:
      return TryPackFast<ElementType::kUint64>(src, count, type, dst, bad);
    case ElementType::kInt8:
      return TryPackFast<ElementType::kInt8>(src, count, type, dst, bad);
    case ElementType::kInt16:
      return TryPackFast<ElementType::kInt16>(src, count, type, dst, bad);
    case ElementType::kInt32:
      return TryPackFast<ElementType::kInt32>(src, count, type, dst, bad);
    case ElementType::kInt64:
      return TryPackFast<ElementType::kInt64>(src, count, type, dst, bad);
    case ElementType::kFp16:
      return TryPackFast<ElementType::kFp16>(src, count, type, dst, bad);
    case ElementType::kBf16:
      return TryPackFast<ElementType::kBf16>(src, count, type, dst, bad);
    case ElementType::kFp32:
      return TryPackFast<ElementType::kFp32>(src, count, type, dst, bad);
    case ElementType::kFp64:
      return false;  // x * 2^F may leave the double range; the general path is exact
  }
  return false;
}

}  // namespace

int ElementSize(ElementType type) {
  for (const NamedType& t : kTypes) {
    if (t.type == type) return t.size;
  }
  return 0;
}

std::optional<ElementType> ElementTypeFromName(std::string_view name) {
  for (const NamedType& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view ElementTypeName(ElementType type) {
  for (const NamedType& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "UNKNOWN";
}

absl::Status PackElements(ElementType src_type, const void* src, size_t count,
                          const FixedType& type, uint8_t* dst) {
  const int cb = type.container_bytes();
  size_t start = 0;
  if (std::abs(type.fractional_bits()) <= 512) {
    size_t bad = count;
    if (TryPackFastAny(src_type, static_cast<const uint8_t*>(src), count, type, dst, &bad)) {
      if (bad == count) return absl::OkStatus();
      start = bad;  // redo from the first element the fast path could not take
    }
  }
  for (size_t k = start; k < count; ++k) {
    const double v = ElementToDouble(src_type, src, k);
    if (!std::isfinite(v)) return NotFinite(k, v, type);
    absl::StatusOr<int64_t> raw = FromDouble(type, v);
    if (!raw.ok()) return raw.status();
    PackRaw(type, *raw, dst + k * cb);
  }
  return absl::OkStatus();
}

namespace {

// UnpackElements into FP32 or FP64 (D) from containers of C bytes, for widths of at most 53 bits
// and |F| <= 960: each raw is then an exact double and raw * 2^-F the exact value ToDouble gives.
template <typename C, typename D>
void UnpackScaled(const FixedType& type, const uint8_t* src, size_t count, D* dst) {
  const int unused = 64 - type.width;
  const double scale = std::ldexp(1.0, -type.fractional_bits());
  for (size_t k = 0; k < count; ++k) {
    const uint64_t bits = uint64_t{Load<C>(src, k)} << unused;
    const int64_t raw = type.is_signed ? static_cast<int64_t>(bits) >> unused
                                       : static_cast<int64_t>(bits >> unused);
    dst[k] = static_cast<D>(static_cast<double>(raw) * scale);
  }
}

template <typename D>
bool TryUnpackScaled(const FixedType& type, const uint8_t* src, size_t count, D* dst) {
  if (type.width > 53 || std::abs(type.fractional_bits()) > 960) return false;
  switch (type.container_bytes()) {
    case 1:
      UnpackScaled<uint8_t>(type, src, count, dst);
      return true;
    case 2:
      UnpackScaled<uint16_t>(type, src, count, dst);
      return true;
    case 4:
      UnpackScaled<uint32_t>(type, src, count, dst);
      return true;
    case 8:
      UnpackScaled<uint64_t>(type, src, count, dst);
      return true;
  }
  return false;
}

}  // namespace

void UnpackElements(const FixedType& type, const uint8_t* src, size_t count, ElementType dst_type,
                    void* dst) {
  // Floats, the usual output, in one loop without per-value calls (1024 muon_pt outputs: most of
  // a request's unpacking).
  if (dst_type == ElementType::kFp32 &&
      TryUnpackScaled(type, src, count, static_cast<float*>(dst))) {
    return;
  }
  if (dst_type == ElementType::kFp64 &&
      TryUnpackScaled(type, src, count, static_cast<double*>(dst))) {
    return;
  }
  const int cb = type.container_bytes();
  for (size_t k = 0; k < count; ++k) {
    const int64_t raw = UnpackRaw(type, src + k * cb);
    const double v = ToDouble(type, raw);  // exact for W <= 53
    auto to_int = [&](double lo, double hi) {
      double t = std::trunc(v);
      return t < lo ? lo : (t > hi ? hi : t);
    };
    switch (dst_type) {
      case ElementType::kBool:
        Store<uint8_t>(dst, k, v != 0 ? 1 : 0);
        break;
      case ElementType::kUint8:
        Store<uint8_t>(dst, k, static_cast<uint8_t>(to_int(0, 255)));
        break;
      case ElementType::kUint16:
        Store<uint16_t>(dst, k, static_cast<uint16_t>(to_int(0, 65535)));
        break;
      case ElementType::kUint32:
        Store<uint32_t>(dst, k, static_cast<uint32_t>(to_int(0, 4294967295.0)));
        break;
      case ElementType::kUint64: {
        const double t = std::trunc(v);
        Store<uint64_t>(dst, k, t <= 0 ? 0 : t >= 0x1p64 ? ~uint64_t{0} : static_cast<uint64_t>(t));
        break;
      }
      case ElementType::kInt8:
        Store<int8_t>(dst, k, static_cast<int8_t>(to_int(-128, 127)));
        break;
      case ElementType::kInt16:
        Store<int16_t>(dst, k, static_cast<int16_t>(to_int(-32768, 32767)));
        break;
      case ElementType::kInt32:
        Store<int32_t>(dst, k, static_cast<int32_t>(to_int(-2147483648.0, 2147483647.0)));
        break;
      case ElementType::kInt64: {
        const double t = std::trunc(v);
        Store<int64_t>(dst, k,
                       t < -0x1p63   ? INT64_MIN
                       : t >= 0x1p63 ? INT64_MAX
                                     : static_cast<int64_t>(t));
        break;
      }
      case ElementType::kFp16:
        Store<uint16_t>(dst, k, DoubleToHalf(v));
        break;
      case ElementType::kBf16:
        Store<uint16_t>(dst, k, DoubleToBf16(v));
        break;
      case ElementType::kFp32:
        Store<float>(dst, k, static_cast<float>(v));
        break;
      case ElementType::kFp64:
        Store<double>(dst, k, v);
        break;
    }
  }
}

}  // namespace fpgaas::numerics
