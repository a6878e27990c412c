// The kernels' host ap_fixed.h (compile-time types, used to build the HLS kernel on the host) and
// fpgaas::numerics (run-time types, used by the emulator) are two implementations of the same
// conversions. They must agree on every value: every raw value of a wider source type and a grid
// of doubles, into every quantization and overflow mode, signed and unsigned, at small widths.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/host/ap_fixed.h"
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

}  // namespace
}  // namespace fpgaas::numerics
