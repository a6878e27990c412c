// Fuzzes the run-time ap_fixed types: ParseFixedType on arbitrary text, then conversions of
// arbitrary doubles and raw values. Input: "<type>\n<type>\n" then 8-byte little-endian doubles.
// Invariants: a parse error is INVALID_ARGUMENT (UNIMPLEMENTED for AP_WRAP_SM); every stored value
// lies in the type's range and survives PackRaw/UnpackRaw; converting a raw value of one type into
// another equals converting its exact double value (two separate code paths); NaN is refused.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "server/numerics/fixed_point.h"
#include "tests/fuzz/targets/fuzz_check.h"

namespace {

using fpgaas::numerics::FixedType;

bool InRange(const FixedType& t, int64_t raw) {
  if (t.width == 64) return true;
  if (t.is_signed) {
    const int64_t half = int64_t{1} << (t.width - 1);
    return raw >= -half && raw < half;
  }
  return raw >= 0 && static_cast<uint64_t>(raw) < (uint64_t{1} << t.width);
}

// Whether ToDouble(t, raw) is exact: at most 53 significant bits and a normal exponent.
bool ExactInDouble(const FixedType& t) {
  return t.width <= 53 && t.fractional_bits() < 1000 && t.fractional_bits() > -900;
}

std::string_view NextLine(std::string_view* rest) {
  const size_t end = rest->find('\n');
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view from_text = NextLine(&rest);
  const std::string_view to_text = NextLine(&rest);
  auto from = fpgaas::numerics::ParseFixedType(from_text);
  auto to = fpgaas::numerics::ParseFixedType(to_text);
  for (const auto* parsed : {&from, &to}) {  // AP_WRAP_SM is the one UNIMPLEMENTED mode
    FUZZ_CHECK(parsed->ok() || parsed->status().code() == absl::StatusCode::kInvalidArgument ||
               parsed->status().code() == absl::StatusCode::kUnimplemented);
  }
  if (!from.ok() || !to.ok()) return 0;
  FUZZ_CHECK(fpgaas::numerics::ParseFixedType(from->ToString()).ok());
  FUZZ_CHECK(*fpgaas::numerics::ParseFixedType(from->ToString()) == *from);
  while (rest.size() >= sizeof(double)) {
    double x;
    std::memcpy(&x, rest.data(), sizeof x);
    rest.remove_prefix(sizeof x);
    auto raw = fpgaas::numerics::FromDouble(*from, x);
    if (x != x) {
      FUZZ_CHECK(!raw.ok());
      continue;
    }
    FUZZ_CHECK(raw.ok());
    FUZZ_CHECK(InRange(*from, *raw));
    uint8_t packed[8];
    fpgaas::numerics::PackRaw(*from, *raw, packed);
    FUZZ_CHECK(fpgaas::numerics::UnpackRaw(*from, packed) == *raw);
    FUZZ_CHECK(fpgaas::numerics::Convert(*from, *raw, *from) == *raw);
    const int64_t converted = fpgaas::numerics::Convert(*from, *raw, *to);
    FUZZ_CHECK(InRange(*to, converted));
    if (ExactInDouble(*from)) {
      const double value = fpgaas::numerics::ToDouble(*from, *raw);
      FUZZ_CHECK(fpgaas::numerics::FromDouble(*from, value).value() == *raw);
      FUZZ_CHECK(fpgaas::numerics::FromDouble(*to, value).value() == converted);
    }
  }
  return 0;
}
