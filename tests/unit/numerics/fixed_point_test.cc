#include "server/numerics/fixed_point.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas::numerics {
namespace {

FixedType T(const std::string& text) {
  absl::StatusOr<FixedType> t = ParseFixedType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? *t : FixedType{};
}

int64_t From(const std::string& type, double x) {
  absl::StatusOr<int64_t> v = FromDouble(T(type), x);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : 0;
}

TEST(ParseFixedTypeTest, ParsesEveryForm) {
  FixedType t = T("ap_fixed<16,6>");
  EXPECT_EQ(t, (FixedType{16, 6, true, Quantization::kTrn, Overflow::kWrap, 0}));
  t = T("  ap_ufixed< 8 , 2 , AP_RND , AP_SAT >  ");
  EXPECT_EQ(t, (FixedType{8, 2, false, Quantization::kRnd, Overflow::kSat, 0}));
  t = T("ap_fixed<18,8,AP_RND_CONV,AP_SAT_SYM,0>");
  EXPECT_EQ(t, (FixedType{18, 8, true, Quantization::kRndConv, Overflow::kSatSym, 0}));
  t = T("ap_fixed<8,8,AP_TRN,AP_WRAP,3>");
  EXPECT_EQ(t.saturation_bits, 3);
  EXPECT_EQ(T("ap_int<8>"), (FixedType{8, 8, true, Quantization::kTrnZero, Overflow::kWrap, 0, true}));
  EXPECT_EQ(T("ap_uint<1>"), (FixedType{1, 1, false, Quantization::kTrnZero, Overflow::kWrap, 0, true}));
  EXPECT_EQ(T("ap_int<8>").ToString(), "ap_int<8>");
  EXPECT_EQ(T("ap_uint<12>").ToString(), "ap_uint<12>");
  // Same values, other semantics: not the same type.
  EXPECT_NE(T("ap_int<8>"), T("ap_fixed<8,8,AP_TRN_ZERO>"));
  EXPECT_EQ(T("ap_fixed<4,-2>").fractional_bits(), 6);
  EXPECT_EQ(T("ap_fixed<64,70>").integer_bits, 70);
  const char* modes[] = {"AP_TRN",         "AP_TRN_ZERO", "AP_RND",     "AP_RND_ZERO",
                         "AP_RND_MIN_INF", "AP_RND_INF",  "AP_RND_CONV"};
  for (int q = 0; q < 7; ++q) {
    EXPECT_EQ(T(std::string("ap_fixed<10,3,") + modes[q] + ">").quantization,
              static_cast<Quantization>(q));
  }
}

// N is an int template argument; a mode name written there is its enumerator's value.
TEST(ParseFixedTypeTest, ModeNameAsSaturationBitsIsItsEnumeratorValue) {
  absl::StatusOr<FixedType> t = ParseFixedType("ap_ufixed<10,4,AP_RND,AP_SAT,AP_SAT>");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->saturation_bits, 0);
  EXPECT_EQ(t->overflow, Overflow::kSat);
  t = ParseFixedType("ap_fixed<10,4,AP_RND,AP_WRAP,AP_SAT_ZERO>");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->saturation_bits, 1);
  EXPECT_FALSE(ParseFixedType("ap_fixed<10,4,AP_RND,AP_WRAP,AP_FOO>").ok());
}

TEST(ParseFixedTypeTest, ToStringRoundTrips) {
  for (const char* s :
       {"ap_fixed<16,6>", "ap_ufixed<8,2,AP_RND,AP_SAT>", "ap_fixed<18,8,AP_RND_CONV,AP_SAT_SYM>",
        "ap_fixed<8,8,AP_TRN,AP_WRAP,3>", "ap_fixed<4,-2,AP_RND_ZERO>", "ap_ufixed<64,64>"}) {
    const FixedType t = T(s);
    EXPECT_EQ(t.ToString(), s);
    EXPECT_EQ(T(t.ToString()), t);
  }
}

TEST(ParseFixedTypeTest, RejectsBadTypesWithClearErrors) {
  struct Case {
    const char* text;
    const char* message_part;
  } cases[] = {
      {"ap_fixd<16,6>", "unknown type name"},
      {"ap_fixed<0,0>", "width 0"},
      {"ap_fixed<65,6>", "width 65"},
      {"ap_fixed<16>", "2 to 5 arguments"},
      {"ap_fixed<16,x>", "not an integer"},
      {"ap_fixed<16,6,AP_ROUND>", "unknown quantization"},
      {"ap_fixed<16,6,AP_RND,AP_SATURATE>", "unknown overflow"},
      {"ap_int<8,2>", "exactly one"},
      {"ap_fixed<8,2,AP_TRN,AP_WRAP,9>", "N = 9"},
      {"ap_fixed<16,6", "expected"},
      {"float", "expected"},
      {"ap_fixed<16,600>", "integer bits 600"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<FixedType> t = ParseFixedType(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(t.status().message().find(c.message_part), std::string::npos) << t.status();
    EXPECT_NE(t.status().message().find(c.text), std::string::npos) << t.status();
  }
  EXPECT_EQ(ParseFixedType("ap_fixed<8,2,AP_TRN,AP_WRAP_SM>").status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(FromDoubleTest, RoundingHappensBeforeOverflow) {
  EXPECT_EQ(From("ap_fixed<16,6,AP_RND>", 31.9999), -32768);  // rounds to 32, wraps to -32
  EXPECT_EQ(From("ap_fixed<16,6,AP_RND,AP_SAT>", 31.9999), 32767);
  EXPECT_EQ(From("ap_fixed<16,6>", 31.9999), 32767);  // truncation stays in range
}

TEST(FromDoubleTest, EveryQuantizationModeOnTiesAndNegatives) {
  // ap_fixed<8,4>: LSB 1/16. +-1/32 is a tie between 0 and +-1 LSB; 3/32 between 1 and 2.
  struct Case {
    const char* q;
    int64_t pos_tie, neg_tie, odd_tie, above, below_neg;
  } cases[] = {
      // q             +1/32 -1/32 3/32 0.7/16 -0.3/16
      {"AP_TRN", 0, -1, 1, 0, -1},        {"AP_TRN_ZERO", 0, 0, 1, 0, 0},
      {"AP_RND", 1, 0, 2, 1, 0},          {"AP_RND_ZERO", 0, 0, 1, 1, 0},
      {"AP_RND_MIN_INF", 0, -1, 1, 1, 0}, {"AP_RND_INF", 1, -1, 2, 1, 0},
      {"AP_RND_CONV", 0, 0, 2, 1, 0},
  };
  for (const Case& c : cases) {
    const std::string type = std::string("ap_fixed<8,4,") + c.q + ">";
    EXPECT_EQ(From(type, 1.0 / 32), c.pos_tie) << type;
    EXPECT_EQ(From(type, -1.0 / 32), c.neg_tie) << type;
    EXPECT_EQ(From(type, 3.0 / 32), c.odd_tie) << type;
    EXPECT_EQ(From(type, 0.7 / 16), c.above) << type;
    EXPECT_EQ(From(type, -0.3 / 16), c.below_neg) << type;
  }
}

TEST(FromDoubleTest, OverflowModes) {
  EXPECT_EQ(From("ap_fixed<8,4>", 8.0), -128);  // wraps
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT>", 8.0), 127);
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT>", -9.0), -128);
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT_ZERO>", -9.0), 0);
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT_SYM>", -9.0), -127);
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT_SYM>", -8.0), -127);  // the minimum itself
  EXPECT_EQ(From("ap_fixed<8,4,AP_TRN,AP_SAT>", -8.0), -128);
  // One signed bit: Xilinx's underflow value (sign bit | bit 0) is -1, not -max = 0.
  EXPECT_EQ(From("ap_fixed<1,1,AP_TRN,AP_SAT_SYM>", -5.0), -1);
  EXPECT_EQ(From("ap_fixed<1,1,AP_TRN,AP_SAT_SYM>", 5.0), 0);
  EXPECT_EQ(From("ap_ufixed<8,4>", -1.0), 240);
  EXPECT_EQ(From("ap_ufixed<8,4,AP_TRN,AP_SAT>", -1.0), 0);
  EXPECT_EQ(From("ap_ufixed<8,4,AP_TRN,AP_SAT_SYM>", 99.0), 255);
  EXPECT_EQ(From("ap_ufixed<8,4,AP_RND,AP_SAT>", -0.01), 0);  // rounds to 0: no underflow
}

TEST(FromDoubleTest, WrapWithSaturationBits) {
  // Xilinx overflow_adjust: signed sets the sign bit to the source's sign and the next N-1 bits
  // to its complement; unsigned sets the top N bits.
  EXPECT_EQ(From("ap_fixed<8,8,AP_TRN,AP_WRAP,1>", 130), 2);
  EXPECT_EQ(From("ap_fixed<8,8,AP_TRN,AP_WRAP,2>", 130), 66);
  EXPECT_EQ(From("ap_fixed<8,8,AP_TRN,AP_WRAP,1>", -130), -2);
  EXPECT_EQ(From("ap_fixed<8,8,AP_TRN,AP_WRAP,2>", -130), -66);
  EXPECT_EQ(From("ap_ufixed<8,8,AP_TRN,AP_WRAP,2>", 300), 236);
  EXPECT_EQ(From("ap_fixed<8,8,AP_TRN,AP_WRAP,2>", 100), 100);  // in range: untouched
}

TEST(FromDoubleTest, OddShapesAndIntegers) {
  EXPECT_EQ(From("ap_fixed<4,-2>", 0.1), 6);        // F = 6 > W
  EXPECT_EQ(From("ap_fixed<4,6>", 5.0), 1);         // F = -2: multiples of 4
  EXPECT_EQ(From("ap_fixed<4,6,AP_RND>", 6.0), 2);  // tie 1.5 -> 2
  EXPECT_EQ(From("ap_int<8>", 3.7), 3);
  EXPECT_EQ(From("ap_uint<1>", 1.0), 1);
  EXPECT_EQ(From("ap_uint<1>", 2.0), 0);
  EXPECT_EQ(From("ap_fixed<64,64>", -9.0e18), -9000000000000000000LL);
  EXPECT_EQ(From("ap_ufixed<64,64>", 1.8e19), static_cast<int64_t>(18000000000000000000ULL));
}

// What Xilinx's ap_int_base(double) and ap_fixed -> ap_int assignments give (checked with their
// ap_types in a C simulation): truncation toward zero, then wrapping; a negative double above -1/2
// becomes 1.
TEST(FromDoubleTest, ApIntTruncatesTowardZero) {
  EXPECT_EQ(From("ap_int<16>", -3.7), -3);
  EXPECT_EQ(From("ap_int<16>", -1.2), -1);
  EXPECT_EQ(From("ap_int<16>", -2.5), -2);
  EXPECT_EQ(From("ap_int<16>", -0.7), 0);
  EXPECT_EQ(From("ap_int<16>", -0.5), 0);
  EXPECT_EQ(From("ap_int<16>", -0.3), 1);
  EXPECT_EQ(From("ap_int<16>", -1e-30), 1);
  EXPECT_EQ(From("ap_int<16>", 0.7), 0);
  EXPECT_EQ(From("ap_int<16>", -40000.5), 25536);
  EXPECT_EQ(From("ap_int<16>", 40000.7), -25536);
  EXPECT_EQ(From("ap_int<1>", -0.3), -1);
  EXPECT_EQ(From("ap_uint<1>", -0.3), 1);
  EXPECT_EQ(From("ap_uint<8>", -1.2), 255);
  // ap_fixed<16,16> floors instead.
  EXPECT_EQ(From("ap_fixed<16,16>", -0.3), -1);
  EXPECT_EQ(From("ap_fixed<16,16>", -3.7), -4);
}

TEST(ConvertTest, ApIntTruncatesTowardZero) {
  EXPECT_EQ(Convert(T("ap_fixed<10,4>"), -176, T("ap_int<8>")), -2);    // -2.75
  EXPECT_EQ(Convert(T("ap_fixed<12,8>"), -1608, T("ap_int<4>")), -4);   // -100.5 -> -100 -> -4
  EXPECT_EQ(Convert(T("ap_fixed<8,4>"), -40, T("ap_int<3>")), -2);      // -2.5
  EXPECT_EQ(Convert(T("ap_fixed<8,4>"), -40, T("ap_uint<3>")), 6);
  EXPECT_EQ(Convert(T("ap_ufixed<8,4>"), 127, T("ap_int<8>")), 7);      // 7.9375
  EXPECT_EQ(Convert(T("ap_fixed<10,4>"), -176, T("ap_fixed<8,8>")), -3);  // floor
}

TEST(FromDoubleTest, NanRejectedInfSaturatesOrWraps) {
  EXPECT_EQ(FromDouble(T("ap_fixed<16,6>"), std::nan("")).status().code(),
            absl::StatusCode::kInvalidArgument);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(From("ap_fixed<16,6,AP_TRN,AP_SAT>", inf), 32767);
  EXPECT_EQ(From("ap_fixed<16,6,AP_TRN,AP_SAT>", -inf), -32768);
  EXPECT_EQ(From("ap_fixed<16,6>", inf), 0);
  EXPECT_EQ(From("ap_fixed<16,6,AP_TRN,AP_SAT_ZERO>", inf), 0);
}

TEST(PackRawTest, ContainersAndSignExtension) {
  uint8_t buf[8];
  const FixedType t18 = T("ap_fixed<18,8>");
  EXPECT_EQ(t18.container_bytes(), 4);
  PackRaw(t18, -3, buf);
  EXPECT_EQ(buf[0], 0xfd);
  EXPECT_EQ(buf[3], 0xff);
  EXPECT_EQ(UnpackRaw(t18, buf), -3);
  // Only the low W bits count on unpack.
  const uint8_t garbage[4] = {0xff, 0xff, 0xff,
                              0x00};  // low 18 bits all ones; bits above W ignored
  EXPECT_EQ(UnpackRaw(t18, garbage), -1);
  EXPECT_EQ(T("ap_fixed<8,3>").container_bytes(), 1);
  EXPECT_EQ(T("ap_fixed<16,6>").container_bytes(), 2);
  EXPECT_EQ(T("ap_fixed<14,4>").container_bytes(), 2);
  EXPECT_EQ(T("ap_fixed<33,8>").container_bytes(), 8);
  const FixedType u8 = T("ap_ufixed<8,2>");
  PackRaw(u8, 200, buf);
  EXPECT_EQ(buf[0], 200);
  EXPECT_EQ(UnpackRaw(u8, buf), 200);
  const FixedType s64 = T("ap_fixed<64,10>");
  PackRaw(s64, INT64_MIN + 5, buf);
  EXPECT_EQ(UnpackRaw(s64, buf), INT64_MIN + 5);
}

TEST(ToDoubleTest, Values) {
  EXPECT_EQ(ToDouble(T("ap_fixed<16,6>"), -1024), -1.0);
  EXPECT_EQ(ToDouble(T("ap_fixed<4,6>"), 3), 12.0);
  EXPECT_EQ(ToDouble(T("ap_ufixed<64,64>"), -1), 18446744073709551616.0);
}

// ------------------------------------------------------------------------------------------
// Exhaustive comparison against the GMP reference over small widths.

std::vector<FixedType> SmallTypes(int width) {
  std::vector<FixedType> types;
  for (bool is_signed : {true, false}) {
    for (int i : {-2, 0, 1, width / 2, width, width + 2}) {
      for (int q = 0; q < 7; ++q) {
        for (int o = 0; o < 4; ++o) {
          types.push_back(
              {width, i, is_signed, static_cast<Quantization>(q), static_cast<Overflow>(o), 0});
        }
        for (int n : {1, width}) {
          types.push_back({width, i, is_signed, static_cast<Quantization>(q), Overflow::kWrap, n});
        }
      }
    }
  }
  return types;
}

class ExhaustiveTest : public ::testing::TestWithParam<int> {};

TEST_P(ExhaustiveTest, FromDoubleMatchesExactReferenceOnFineGrid) {
  const int width = GetParam();
  std::mt19937_64 rng(width);
  int64_t checked = 0;
  for (const FixedType& t : SmallTypes(width)) {
    const int f = t.fractional_bits();
    // Every multiple of 2^-(F+2) in [-2^(I+1), 2^(I+1)]: all ties, quarter points and overflows.
    const double step = std::ldexp(1.0, -(f + 2));
    const int64_t n = int64_t{1} << (width + 3);
    auto check = [&](double x) {
      absl::StatusOr<int64_t> got = FromDouble(t, x);
      ASSERT_TRUE(got.ok());
      const mpz_class want = reference::ConvertExact(t, mpq_class(x));
      ASSERT_EQ(reference::RawToMpz(t, *got), want) << t.ToString() << " x=" << x;
      ++checked;
    };
    for (int64_t k = -n; k <= n; ++k) check(static_cast<double>(k) * step);
    for (int r = 0; r < 64; ++r) {
      const double x =
          std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng),
                     std::uniform_int_distribution<int>(-f - 8, t.integer_bits + 4)(rng));
      check(x);
      check(x + step / 1024);
      check(std::nextafter(std::ldexp(0.5, -f), 1.0) * (r % 2 ? 1 : -1));
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST_P(ExhaustiveTest, ConvertMatchesExactReferenceForEveryRawValue) {
  const int width = GetParam();
  for (const FixedType& to : SmallTypes(width)) {
    for (const FixedType& from :
         {FixedType{8, to.integer_bits + 3, true}, FixedType{8, to.integer_bits - 2, true},
          FixedType{7, to.integer_bits, false}, FixedType{3, to.integer_bits - 4, true}}) {
      const int64_t lo = from.is_signed ? -(int64_t{1} << (from.width - 1)) : 0;
      const int64_t hi =
          from.is_signed ? (int64_t{1} << (from.width - 1)) : (int64_t{1} << from.width);
      for (int64_t raw = lo; raw < hi; ++raw) {
        const int64_t got = Convert(from, raw, to);
        const mpz_class want = reference::ConvertExact(
            to, reference::ValueOf(from, mpz_class(static_cast<long>(raw))));
        ASSERT_EQ(reference::RawToMpz(to, got), want)
            << from.ToString() << " raw " << raw << " -> " << to.ToString();
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Widths1To8, ExhaustiveTest, ::testing::Range(1, 9));

TEST(WideConversionTest, RandomDoublesAndRawsMatchReference) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 3000; ++round) {
    FixedType t;
    t.width = std::uniform_int_distribution<int>(1, 64)(rng);
    t.integer_bits = std::uniform_int_distribution<int>(-20, 70)(rng);
    t.is_signed = rng() % 2;
    t.quantization = static_cast<Quantization>(rng() % 7);
    t.overflow = static_cast<Overflow>(rng() % 4);
    t.saturation_bits = t.overflow == Overflow::kWrap && rng() % 4 == 0 ? 1 + rng() % t.width : 0;
    for (int k = 0; k < 20; ++k) {
      const double x = std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng),
                                  std::uniform_int_distribution<int>(-80, 80)(rng));
      ASSERT_EQ(reference::RawToMpz(t, *FromDouble(t, x)), reference::ConvertExact(t, mpq_class(x)))
          << t.ToString() << " " << x;
      FixedType from{static_cast<int>(1 + rng() % 64), static_cast<int>(rng() % 90) - 20,
                     rng() % 2 == 0};
      const uint64_t bits = rng();
      const int64_t raw = UnpackRaw(from, reinterpret_cast<const uint8_t*>(&bits));
      ASSERT_EQ(
          reference::RawToMpz(t, Convert(from, raw, t)),
          reference::ConvertExact(t, reference::ValueOf(from, reference::RawToMpz(from, raw))))
          << from.ToString() << " " << raw << " -> " << t.ToString();
    }
  }
}

}  // namespace
}  // namespace fpgaas::numerics
