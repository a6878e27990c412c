#include "server/numerics/tensor_packing.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point_internal.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

FixedType T(const std::string& text) { return *ParseFixedType(text); }

TEST(ElementTypeTest, NamesAndSizes) {
  const std::pair<const char*, int> expected[] = {
      {"BOOL", 1}, {"UINT8", 1}, {"UINT16", 2}, {"UINT32", 4}, {"UINT64", 8},
      {"INT8", 1}, {"INT16", 2}, {"INT32", 4},  {"INT64", 8},  {"FP16", 2},
      {"BF16", 2}, {"FP32", 4},  {"FP64", 8}};
  for (auto [name, size] : expected) {
    std::optional<ElementType> t = ElementTypeFromName(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_EQ(ElementSize(*t), size) << name;
    EXPECT_EQ(ElementTypeName(*t), name);
  }
  EXPECT_FALSE(ElementTypeFromName("BYTES").has_value());
  EXPECT_FALSE(ElementTypeFromName("fp32").has_value());
}

// The GMP reference of `x` converted into t as the server converts a wire value: ap_int/ap_uint
// from a double as Xilinx's ap_int_base(double), which turns a negative x above -1/2 into 1.
mpz_class ExpectedRaw(const FixedType& t, double x) {
  if (t.int_type && x < 0 && x > -0.5) return reference::ConvertExact(t, mpq_class(1));
  return reference::ConvertExact(t, mpq_class(x));
}

// Packs `values` given as `src` elements and checks each packed raw against the GMP reference of
// the element's exact value, and each container's bits: the raw sign-extended (signed types) or
// zero-extended to the container, as PackRaw writes it.
template <typename E>
void CheckPack(ElementType src, const std::vector<E>& elements, const std::vector<double>& exact,
               const FixedType& t) {
  const size_t cb = t.container_bytes();
  std::vector<uint8_t> out(elements.size() * cb + 1);
  std::vector<uint8_t> canonical(cb);
  // Odd destination offset too: the fast path must not assume alignment.
  for (size_t offset : {size_t{0}, size_t{1}}) {
    ASSERT_TRUE(PackElements(src, elements.data(), elements.size(), t, out.data() + offset).ok());
    for (size_t k = 0; k < elements.size(); ++k) {
      const uint8_t* container = out.data() + offset + k * cb;
      const int64_t raw = UnpackRaw(t, container);
      EXPECT_EQ(reference::RawToMpz(t, raw), ExpectedRaw(t, exact[k]))
          << ElementTypeName(src) << " " << exact[k] << " -> " << t.ToString();
      PackRaw(t, raw, canonical.data());
      EXPECT_EQ(std::memcmp(container, canonical.data(), cb), 0)
          << ElementTypeName(src) << " " << exact[k] << " -> " << t.ToString() << ": container bits";
    }
  }
}

TEST(PackElementsTest, Fp32MatchesReferenceForEveryCommonType) {
  std::mt19937_64 rng(5);
  // The fast path takes these (it hands the rest of a tensor to the general path from the first
  // huge or non-finite element on, so the huge ones come in a second tensor).
  std::vector<float> values = {0.0f, -0.0f, 31.9999f, -32.0f, 1e-9f, -1e-9f, 0.5f, -0.5f,
                               std::numeric_limits<float>::denorm_min(), -1e-40f};
  std::normal_distribution<float> x(0, 16);
  for (int k = 0; k < 4000; ++k) values.push_back(x(rng));
  std::normal_distribution<float> wide(0, 1e5);  // wraps and saturates narrow types
  for (int k = 0; k < 1000; ++k) values.push_back(wide(rng));
  for (int k = -20; k <= 20; ++k) values.push_back(std::ldexp(1.0f, -10) * (k + 0.5f));  // ties
  std::vector<float> with_huge = values;
  with_huge.insert(with_huge.begin() + 700, {1e30f, -1e30f, 3e18f});
  for (const char* type :
       {"ap_fixed<16,6>", "ap_fixed<16,6,AP_RND,AP_SAT>", "ap_fixed<16,6,AP_RND>",
        "ap_fixed<16,6,AP_TRN,AP_SAT>", "ap_ufixed<8,3,AP_RND_CONV,AP_SAT_SYM>", "ap_fixed<6,2>",
        "ap_fixed<24,10,AP_RND,AP_SAT>", "ap_fixed<40,12>", "ap_fixed<64,30,AP_RND_ZERO>",
        "ap_fixed<8,-3,AP_RND>", "ap_ufixed<12,14>", "ap_fixed<18,8,AP_TRN,AP_WRAP,2>",
        "ap_fixed<32,16>", "ap_ufixed<32,20>", "ap_ufixed<32,16,AP_RND,AP_SAT>",
        "ap_ufixed<7,3>", "ap_int<8>", "ap_uint<16>"}) {
    for (const std::vector<float>* tensor : {&values, &with_huge}) {
      CheckPack(ElementType::kFp32, *tensor, std::vector<double>(tensor->begin(), tensor->end()),
                T(type));
    }
  }
}

TEST(PackElementsTest, EveryElementTypeIsWidenedExactly) {
  const FixedType t = T("ap_fixed<24,12,AP_RND,AP_SAT>");
  CheckPack<uint8_t>(ElementType::kBool, {0, 1, 7}, {0, 1, 1}, t);
  CheckPack<uint8_t>(ElementType::kUint8, {0, 200, 255}, {0, 200, 255}, t);
  CheckPack<uint16_t>(ElementType::kUint16, {65535, 3}, {65535, 3}, t);
  CheckPack<uint32_t>(ElementType::kUint32, {4000000000u, 9}, {4000000000.0, 9}, t);
  CheckPack<uint64_t>(ElementType::kUint64, {1ull << 60, 12}, {std::ldexp(1.0, 60), 12}, t);
  CheckPack<int8_t>(ElementType::kInt8, {-128, 127}, {-128, 127}, t);
  CheckPack<int16_t>(ElementType::kInt16, {-30000, 1}, {-30000, 1}, t);
  CheckPack<int32_t>(ElementType::kInt32, {-2000, 2047, 2048}, {-2000, 2047, 2048}, t);
  CheckPack<int64_t>(ElementType::kInt64, {-5, -(1ll << 62)}, {-5, -std::ldexp(1.0, 62)}, t);
  CheckPack<double>(ElementType::kFp64, {0.1, -1e300, 1e-300}, {0.1, -1e300, 1e-300}, t);
  // FP16: 0x3c00 = 1, 0xc500 = -5, 0x0001 = 2^-24 (subnormal), 0x7bff = 65504, 0x3555 =
  // 0.333251953125.
  CheckPack<uint16_t>(ElementType::kFp16, {0x3c00, 0xc500, 0x0001, 0x7bff, 0x3555},
                      {1, -5, std::ldexp(1.0, -24), 65504, 0.333251953125},
                      T("ap_fixed<40,20,AP_RND>"));
  // BF16: the top half of a float. 0x3f80 = 1, 0xc0a0 = -5, 0x3eab = 0.333984375.
  CheckPack<uint16_t>(ElementType::kBf16, {0x3f80, 0xc0a0, 0x3eab}, {1, -5, 0.333984375},
                      T("ap_fixed<40,20,AP_RND>"));
}

double HalfValue(uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(m + 1024, e - 25);
  return (h & 0x8000) ? -v : v;
}

// Random elements of an integer wire type plus its extremes, and their exact values.
template <typename E>
void RandomIntegers(std::mt19937_64& rng, int n, std::vector<E>* e, std::vector<double>* exact) {
  *e = {std::numeric_limits<E>::min(), std::numeric_limits<E>::max(), E(0), E(1), E(-1)};
  for (int k = 0; k < n; ++k) {
    uint64_t r = rng();
    r >>= rng() % 64;  // every magnitude
    E v;
    std::memcpy(&v, &r, sizeof(E));
    if (std::is_signed_v<E> && (rng() & 1)) v = static_cast<E>(0 - v);
    e->push_back(v);
  }
  exact->clear();
  for (E v : *e) exact->push_back(static_cast<double>(v));  // 64-bit: the nearest double
}

// The vectorized path of every wire type (each type's range, every raw value class) against the
// reference, into types taking each container size and each fast mode (TRN/RND x WRAP/SAT) and
// some that take the general path.
TEST(PackElementsTest, EveryWireTypeMatchesReferenceOnRandomAndExtremeValues) {
  std::mt19937_64 rng(12);
  const char* types[] = {"ap_fixed<16,6>",          "ap_fixed<16,6,AP_RND,AP_SAT>",
                         "ap_ufixed<8,4,AP_RND>",   "ap_fixed<6,6,AP_TRN,AP_SAT>",
                         "ap_fixed<24,20>",         "ap_ufixed<32,31,AP_RND,AP_SAT>",
                         "ap_fixed<40,36,AP_RND>",  "ap_int<64>",
                         "ap_fixed<63,62,AP_TRN,AP_SAT>", "ap_fixed<12,-2,AP_RND>",
                         "ap_fixed<16,6,AP_RND_CONV,AP_SAT_SYM>"};
  for (const char* type : types) {
    SCOPED_TRACE(type);
    const FixedType t = T(type);
    std::vector<double> exact;
    std::vector<uint8_t> u8;
    std::vector<int8_t> i8;
    std::vector<uint16_t> u16;
    std::vector<int16_t> i16;
    std::vector<uint32_t> u32;
    std::vector<int32_t> i32;
    std::vector<uint64_t> u64;
    std::vector<int64_t> i64;
    RandomIntegers(rng, 300, &u8, &exact);
    CheckPack(ElementType::kUint8, u8, exact, t);
    RandomIntegers(rng, 300, &i8, &exact);
    CheckPack(ElementType::kInt8, i8, exact, t);
    RandomIntegers(rng, 300, &u16, &exact);
    CheckPack(ElementType::kUint16, u16, exact, t);
    RandomIntegers(rng, 300, &i16, &exact);
    CheckPack(ElementType::kInt16, i16, exact, t);
    RandomIntegers(rng, 300, &u32, &exact);
    CheckPack(ElementType::kUint32, u32, exact, t);
    RandomIntegers(rng, 300, &i32, &exact);
    CheckPack(ElementType::kInt32, i32, exact, t);
    RandomIntegers(rng, 300, &u64, &exact);
    CheckPack(ElementType::kUint64, u64, exact, t);
    RandomIntegers(rng, 300, &i64, &exact);
    CheckPack(ElementType::kInt64, i64, exact, t);
    // Every finite FP16 and BF16 bit pattern (subnormals, +-0, the largest).
    std::vector<uint16_t> h, b;
    std::vector<double> h_exact, b_exact;
    for (uint32_t k = 0; k < 65536; ++k) {
      if ((k & 0x7c00) != 0x7c00) {
        h.push_back(static_cast<uint16_t>(k));
        h_exact.push_back(HalfValue(static_cast<uint16_t>(k)));
      }
      const float f = std::bit_cast<float>(k << 16);
      if (std::isfinite(f) && (k % 7 == 0 || (k & 0x7f80) == 0)) {
        b.push_back(static_cast<uint16_t>(k));
        b_exact.push_back(f);
      }
    }
    CheckPack(ElementType::kFp16, h, h_exact, t);
    CheckPack(ElementType::kBf16, b, b_exact, t);
  }
}

TEST(PackElementsTest, NanAndInfAreRejectedNamingTheIndex) {
  const FixedType t = T("ap_fixed<16,6>");
  std::vector<uint8_t> out(64);
  std::vector<float> f = {1, 2, std::numeric_limits<float>::quiet_NaN(), 4};
  absl::Status s = PackElements(ElementType::kFp32, f.data(), f.size(), t, out.data());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("element 2"), std::string::npos) << s;
  EXPECT_NE(s.message().find("NaN"), std::string::npos) << s;
  std::vector<double> d = {1, std::numeric_limits<double>::infinity()};
  s = PackElements(ElementType::kFp64, d.data(), d.size(), t, out.data());
  EXPECT_NE(s.message().find("element 1"), std::string::npos) << s;
  std::vector<uint16_t> h = {0x3c00, 0x7c00};  // FP16 inf
  s = PackElements(ElementType::kFp16, h.data(), h.size(), t, out.data());
  EXPECT_NE(s.message().find("element 1"), std::string::npos) << s;
  for (uint16_t bad : {uint16_t{0xfc00}, uint16_t{0x7e00}, uint16_t{0xfc01}}) {  // -inf, NaNs
    std::vector<uint16_t> hv(40, 0x3c00);
    hv[33] = bad;
    std::vector<uint8_t> hout(hv.size() * 2);
    s = PackElements(ElementType::kFp16, hv.data(), hv.size(), t, hout.data());
    EXPECT_NE(s.message().find("element 33"), std::string::npos) << s;
    hv[33] = static_cast<uint16_t>(bad == 0xfc00 ? 0xff80 : 0x7fc0);  // BF16 -inf, NaN
    s = PackElements(ElementType::kBf16, hv.data(), hv.size(), t, hout.data());
    EXPECT_NE(s.message().find("element 33"), std::string::npos) << s;
  }
  std::vector<float> big(1000, 1.0f);
  big[777] = -std::numeric_limits<float>::infinity();
  s = PackElements(ElementType::kFp32, big.data(), big.size(), T("ap_fixed<16,6,AP_RND,AP_SAT>"),
                   std::vector<uint8_t>(2000).data());
  EXPECT_NE(s.message().find("element 777"), std::string::npos) << s;
}

TEST(UnpackElementsTest, FloatsExactIntegersTruncatedAndSaturated) {
  const FixedType t = T("ap_fixed<16,6>");
  std::vector<uint8_t> packed(8);
  const int64_t raws[] = {-1536, 1, 32767, -32768};  // -1.5, 2^-10, max, -32
  for (int k = 0; k < 4; ++k) PackRaw(t, raws[k], packed.data() + 2 * k);
  float f[4];
  UnpackElements(t, packed.data(), 4, ElementType::kFp32, f);
  EXPECT_EQ(f[0], -1.5f);
  EXPECT_EQ(f[1], std::ldexp(1.0f, -10));
  EXPECT_EQ(f[2], 32767.0f / 1024);
  int8_t i8[4];
  UnpackElements(t, packed.data(), 4, ElementType::kInt8, i8);
  EXPECT_EQ(i8[0], -1);  // toward zero
  EXPECT_EQ(i8[1], 0);
  EXPECT_EQ(i8[2], 31);
  EXPECT_EQ(i8[3], -32);
  uint8_t u8[4];
  UnpackElements(t, packed.data(), 4, ElementType::kUint8, u8);
  EXPECT_EQ(u8[0], 0);  // saturated at the destination's range
  uint16_t h[4];
  UnpackElements(t, packed.data(), 4, ElementType::kFp16, h);
  EXPECT_EQ(h[0], 0xbe00);  // -1.5
  EXPECT_EQ(h[1], 0x1400);  // 2^-10
  uint16_t bf[4];
  UnpackElements(t, packed.data(), 4, ElementType::kBf16, bf);
  EXPECT_EQ(bf[0], 0xbfc0);  // -1.5
  double d[4];
  UnpackElements(t, packed.data(), 4, ElementType::kFp64, d);
  EXPECT_EQ(d[3], -32.0);
}

// Every width, signedness, container and a wide range of fractional bits (both sides of the
// 53-bit and |F| <= 960 limits of the one-loop path): FP32 and FP64 outputs are ToDouble's value,
// rounded to float once.
TEST(UnpackElementsTest, FloatsAreToDoublesValueForEveryType) {
  std::mt19937_64 rng(7);
  for (int width = 1; width <= 64; ++width) {
    for (bool is_signed : {true, false}) {
      for (int f : {-1000, -961, -960, -70, -3, 0, 1, 17, 52, 80, 960, 961, 1100}) {
        FixedType t;
        t.width = width;
        t.integer_bits = width - f;
        t.is_signed = is_signed;
        const int cb = t.container_bytes();
        std::vector<int64_t> raws = {static_cast<int64_t>(internal::MinRaw(t)),
                                     static_cast<int64_t>(internal::MaxRaw(t)), 0, 1, -1};
        for (int k = 0; k < 40; ++k) raws.push_back(static_cast<int64_t>(rng()));
        std::vector<uint8_t> packed(raws.size() * cb);
        for (size_t k = 0; k < raws.size(); ++k) {
          raws[k] = internal::WrapToWidth(t, raws[k]);
          PackRaw(t, raws[k], packed.data() + k * cb);
        }
        std::vector<float> f32(raws.size());
        std::vector<double> f64(raws.size());
        UnpackElements(t, packed.data(), raws.size(), ElementType::kFp32, f32.data());
        UnpackElements(t, packed.data(), raws.size(), ElementType::kFp64, f64.data());
        for (size_t k = 0; k < raws.size(); ++k) {
          const double v = ToDouble(t, raws[k]);
          ASSERT_EQ(std::bit_cast<uint64_t>(f64[k]), std::bit_cast<uint64_t>(v))
              << t.ToString() << " raw " << raws[k];
          ASSERT_EQ(std::bit_cast<uint32_t>(f32[k]), std::bit_cast<uint32_t>(static_cast<float>(v)))
              << t.ToString() << " raw " << raws[k];
        }
      }
    }
  }
}

}  // namespace
}  // namespace fpgaas::numerics
