// The kernels' host ap_fixed.h (compile-time types, used to build the HLS kernel on the host) and
// fpgaas::numerics (run-time types, used by the emulator) are two implementations of the same
// conversions. They must agree on every value: every raw value of a wider source type and a grid
// of doubles, into every quantization and overflow mode, signed and unsigned, at small widths.
// The host layers reach raw values only through range() (nnet_common.h), as Xilinx's types
// allow; that access is tested here too.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/host/ap_fixed.h"
#include "nnet_utils/nnet_common.h"
#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics {
namespace {

constexpr ap_q_mode kQModes[] = {AP_RND,      AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF,
                                 AP_RND_CONV, AP_TRN,      AP_TRN_ZERO};
constexpr ap_o_mode kOModes[] = {AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP};

Quantization ToQuantization(ap_q_mode q) {
  switch (q) {
    case AP_RND:
      return Quantization::kRnd;
    case AP_RND_ZERO:
      return Quantization::kRndZero;
    case AP_RND_MIN_INF:
      return Quantization::kRndMinInf;
    case AP_RND_INF:
      return Quantization::kRndInf;
    case AP_RND_CONV:
      return Quantization::kRndConv;
    case AP_TRN:
      return Quantization::kTrn;
    case AP_TRN_ZERO:
      return Quantization::kTrnZero;
  }
  return Quantization::kTrn;
}

Overflow ToOverflow(ap_o_mode o) {
  switch (o) {
    case AP_SAT:
      return Overflow::kSat;
    case AP_SAT_ZERO:
      return Overflow::kSatZero;
    case AP_SAT_SYM:
      return Overflow::kSatSym;
    default:
      return Overflow::kWrap;
  }
}

// Source of the fixed -> fixed conversions: ap_fixed<10,5> (all 1024 raw values) has more integer
// and fractional bits than every target below, so each target rounds and overflows.
using Source = ap_fixed<10, 5>;
const FixedType kSource{10, 5};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
void ExpectAgreement() {
  using Target = ap_fixed_base<W, I, S, Q, O, 0>;
  const FixedType to{W, I, S, ToQuantization(Q), ToOverflow(O)};
  const std::string name =
      absl::StrCat(S ? "ap_fixed<" : "ap_ufixed<", W, ",", I, ",", Q, ",", O, ">");
  for (int raw = -512; raw < 512; ++raw) {
    Source x;
    x.V = static_cast<int16_t>(raw);
    const int64_t host = static_cast<int64_t>(Target(x).V);
    ASSERT_EQ(host, Convert(kSource, raw, to)) << name << " from raw " << raw << " of <10,5>";
  }
  // Doubles on a grid four bits finer than the target, over twice its range.
  const double step = std::ldexp(1.0, -(W - I) - 4);
  const double limit = std::ldexp(1.0, I + 1);
  for (double d = -limit; d <= limit; d += step) {
    absl::StatusOr<int64_t> emulator = FromDouble(to, d);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    ASSERT_EQ(static_cast<int64_t>(Target(d).V), *emulator) << name << " from " << d;
  }
}

template <int W, int I, bool S, size_t... Qs, size_t... Os>
void ForAllModes(std::index_sequence<Qs...>, std::index_sequence<Os...>) {
  auto for_o = [](auto q_index) {
    (ExpectAgreement<W, I, S, kQModes[decltype(q_index)::value], kOModes[Os]>(), ...);
  };
  (for_o(std::integral_constant<size_t, Qs>{}), ...);
}

template <int W, int I, bool S>
void ForAllModes() {
  ForAllModes<W, I, S>(std::make_index_sequence<std::size(kQModes)>{},
                       std::make_index_sequence<std::size(kOModes)>{});
}

TEST(HostApFixedTest, OneBitTypes) {
  ForAllModes<1, 1, true>();
  ForAllModes<1, 1, false>();
  ForAllModes<1, 0, true>();
}

TEST(HostApFixedTest, SmallTypes) {
  ForAllModes<3, 1, true>();
  ForAllModes<3, 1, false>();
  ForAllModes<4, 2, true>();
  ForAllModes<4, -1, true>();
  ForAllModes<5, 7, true>();
  ForAllModes<6, 3, false>();
  ForAllModes<8, 4, true>();
}

// ap_int<W> / ap_uint<W>: truncation toward zero from fixed-point values, and ap_int_base(double)'s
// own rule from doubles (the emulator's int_type).
template <class Target>
void ExpectIntAgreement(const std::string& spelled) {
  absl::StatusOr<FixedType> to = ParseFixedType(spelled);
  ASSERT_TRUE(to.ok()) << to.status();
  for (int raw = -512; raw < 512; ++raw) {
    Source x;
    x.V = static_cast<int16_t>(raw);
    ASSERT_EQ(static_cast<int64_t>(Target(x).V), Convert(kSource, raw, *to))
        << spelled << " from raw " << raw << " of <10,5>";
  }
  for (double d = -70; d <= 70; d += 1.0 / 16) {
    absl::StatusOr<int64_t> emulator = FromDouble(*to, d);
    ASSERT_TRUE(emulator.ok()) << emulator.status();
    ASSERT_EQ(static_cast<int64_t>(Target(d).V), *emulator) << spelled << " from " << d;
    ASSERT_EQ(static_cast<int64_t>(Target(static_cast<float>(d)).V), *emulator)
        << spelled << " from float " << d;
  }
}

TEST(HostApFixedTest, IntegerTypes) {
  ExpectIntAgreement<ap_int<1>>("ap_int<1>");
  ExpectIntAgreement<ap_int<3>>("ap_int<3>");
  ExpectIntAgreement<ap_int<8>>("ap_int<8>");
  ExpectIntAgreement<ap_uint<1>>("ap_uint<1>");
  ExpectIntAgreement<ap_uint<4>>("ap_uint<4>");
  ExpectIntAgreement<ap_uint<12>>("ap_uint<12>");
}

// Every raw value of T written with ap_from_bits (range() = ...) reads back, as V and as ap_raw
// (range().to_uint64(), sign-extended).
template <class T>
void ExpectRawRoundTrip(int64_t lo, int64_t hi) {
  for (int64_t raw = lo; raw <= hi; ++raw) {
    const T x = nnet::ap_from_bits<T>(raw);
    ASSERT_EQ(static_cast<int64_t>(x.V), raw) << raw;
    ASSERT_EQ(static_cast<int64_t>(nnet::ap_raw(x)), raw) << raw;
  }
}

TEST(HostApFixedTest, RawBitsThroughRange) {
  ExpectRawRoundTrip<ap_fixed<10, 5>>(-512, 511);
  ExpectRawRoundTrip<ap_ufixed<6, 3>>(0, 63);
  ExpectRawRoundTrip<ap_fixed<1, 1>>(-1, 0);
  ExpectRawRoundTrip<ap_int<7>>(-64, 63);
  // The bits, not a conversion: the low W bits, no saturation (even into the minimum of SAT_SYM).
  EXPECT_EQ((nnet::ap_from_bits<ap_fixed<4, 2>>(0x1f).V), -1);
  EXPECT_EQ((nnet::ap_from_bits<ap_fixed<4, 2, AP_RND, AP_SAT_SYM>>(-8).V), -8);
  // Part of the pattern.
  ap_fixed<16, 6> x;
  x.V = 0x1234;
  EXPECT_EQ(x.range(11, 4).to_uint64(), 0x23u);
  x.range(15, 12) = 0xfu;
  EXPECT_EQ(x.V, static_cast<int16_t>(0xf234));
  x.range(3, 0) = 0x4bu;  // only the range's 4 bits are written (not bit 6)
  EXPECT_EQ(x.V, static_cast<int16_t>(0xf23b));
  // Above 64 bits: two range() chunks.
  using Wide = ap_fixed<80, 20>;
  for (const __int128 raw : {(__int128(1) << 79) - 1, -(__int128(1) << 79), __int128(-1),
                             (__int128(0x1234) << 64) + 0x8000000000000001, -(__int128(77) << 66)}) {
    const Wide w = nnet::ap_from_bits<Wide>(raw);
    EXPECT_TRUE(w.raw() == raw);
    EXPECT_TRUE(nnet::ap_raw(w) == raw);
  }
  static_assert(nnet::ap_signed_v<ap_fixed<8, 3>> && !nnet::ap_signed_v<ap_ufixed<8, 3>>);
  static_assert(nnet::ap_signed_v<ap_int<5>> && !nnet::ap_signed_v<ap_uint<5>>);
  static_assert(nnet::ap_fwidth_v<ap_fixed<8, 3>> == 5 && nnet::ap_fwidth_v<ap_ufixed<4, 7>> == -3);
  static_assert(nnet::ap_fwidth_v<ap_int<9>> == 0);
  static_assert(nnet::ap_fwidth_v<decltype(ap_fixed<8, 3>() * ap_fixed<6, 1>())> == 10);
}

}  // namespace
}  // namespace fpgaas::numerics
