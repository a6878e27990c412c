// network_lanes.h's operations (the 8-lane vocabulary of the explicit-ISA kernels) against their
// scalar definitions, on every instruction set this CPU has: the AVX2 forms emulate 64-bit
// arithmetic shifts, min/max, products and masks, so every shift count, the int64 extremes and the
// masked table reads are covered here, not only through the layers that happen to use them.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_vector_convert.h"
#include "tests/unit/numerics/lanes_ops.h"

namespace fpgaas::numerics::lanes_test {
namespace {

using internal::KernelIsa;

int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }
int64_t Low32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

class LanesTest : public testing::TestWithParam<KernelIsa> {
 protected:
  void SetUp() override {
    if (!internal::KernelIsaAvailable(GetParam())) GTEST_SKIP() << "not on this CPU or build";
    isa_ = GetParam() == KernelIsa::kAvx512 ? &LanesAvx512() : &LanesAvx2();
  }

  // Extremes, values around the 32-bit boundaries, small and arbitrary ones.
  int64_t Draw() {
    static constexpr int64_t kEdges[] = {0,
                                         1,
                                         -1,
                                         std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(),
                                         INT32_MIN,
                                         INT32_MAX,
                                         int64_t{1} << 32,
                                         -(int64_t{1} << 32),
                                         (int64_t{1} << 31) + 5,
                                         -(int64_t{1} << 31) - 5};
    switch (rng_() % 4) {
      case 0:
        return kEdges[rng_() % std::size(kEdges)];
      case 1:
        return static_cast<int64_t>(rng_() % 2001) - 1000;
      case 2:
        return Low32(static_cast<int64_t>(rng_()));
      default:
        return static_cast<int64_t>(rng_());
    }
  }
  Lanes DrawLanes() {
    Lanes v;
    for (int64_t& x : v) x = Draw();
    return v;
  }
  Lanes Run(LanesOp op, const Lanes& a, const Lanes& b = {}, const Lanes& c = {}, int n = 0,
            const int64_t* table = nullptr) {
    return isa_->run(op, a, b, c, n, table);
  }

  const LanesIsa* isa_ = nullptr;
  std::mt19937_64 rng_{20261206};
};

TEST_P(LanesTest, ArithmeticMatchesScalarDefinitions) {
  for (int round = 0; round < 2000; ++round) {
    const Lanes a = DrawLanes(), b = DrawLanes(), c = DrawLanes();
    const Lanes add = Run(LanesOp::kAdd, a, b), sub = Run(LanesOp::kSub, a, b),
                band = Run(LanesOp::kAnd, a, b), mul32 = Run(LanesOp::kMul32, a, b),
                mul64 = Run(LanesOp::kMulLo64, a, b), min = Run(LanesOp::kMin, a, b),
                max = Run(LanesOp::kMax, a, b), sign = Run(LanesOp::kSignMask, a),
                low = Run(LanesOp::kSignExtendLow32, a),
                select = Run(LanesOp::kSelectNegative, a, b, c),
                trip = Run(LanesOp::kInt32RoundTrip, a), u16 = Run(LanesOp::kWidenU16, a),
                i16 = Run(LanesOp::kWidenI16, a);
    // A range around a's lanes for half of them (a + d, or a where that leaves int64).
    auto offset = [](int64_t v, int64_t d) {
      int64_t r;
      return __builtin_add_overflow(v, d, &r) ? v : r;
    };
    Lanes lo = b, hi = c;
    for (int k = 0; k < 8; k += 2) {
      lo[k] = offset(a[k], -static_cast<int64_t>(rng_() % 3));
      hi[k] = offset(a[k], static_cast<int64_t>(rng_() % 3) - 1);
    }
    const Lanes keep = Run(LanesOp::kKeepInRange, a, lo, hi);
    for (int k = 0; k < 8; ++k) {
      SCOPED_TRACE("a " + std::to_string(a[k]) + " b " + std::to_string(b[k]));
      const uint64_t ua = static_cast<uint64_t>(a[k]), ub = static_cast<uint64_t>(b[k]);
      EXPECT_EQ(add[k], Wrap(ua + ub));
      EXPECT_EQ(sub[k], Wrap(ua - ub));
      EXPECT_EQ(band[k], a[k] & b[k]);
      EXPECT_EQ(mul32[k], Low32(a[k]) * Low32(b[k]));
      EXPECT_EQ(mul64[k], Wrap(ua * ub));
      EXPECT_EQ(min[k], std::min(a[k], b[k]));
      EXPECT_EQ(max[k], std::max(a[k], b[k]));
      EXPECT_EQ(sign[k], a[k] < 0 ? -1 : 0);
      EXPECT_EQ(low[k], Low32(a[k]));
      EXPECT_EQ(select[k], a[k] < 0 ? c[k] : b[k]);
      EXPECT_EQ(trip[k], Low32(a[k]));
      EXPECT_EQ(u16[k], static_cast<uint16_t>(a[k]));
      EXPECT_EQ(i16[k], static_cast<int16_t>(static_cast<uint16_t>(a[k])));
      EXPECT_EQ(keep[k], lo[k] <= a[k] && a[k] <= hi[k] ? a[k] : 0);
    }
  }
}

TEST_P(LanesTest, ShiftsEveryCount) {
  for (int n = 0; n < 64; ++n) {
    for (int round = 0; round < 50; ++round) {
      const Lanes a = DrawLanes();
      const Lanes sra = Run(LanesOp::kSra, a, {}, {}, n), sll = Run(LanesOp::kSll, a, {}, {}, n);
      const Lanes srl = Run(LanesOp::kSrl, a, {}, {}, n);
      for (int k = 0; k < 8; ++k) {
        EXPECT_EQ(sra[k], a[k] >> n) << a[k] << " >> " << n;
        EXPECT_EQ(srl[k], Wrap(static_cast<uint64_t>(a[k]) >> n)) << a[k] << " >>> " << n;
        EXPECT_EQ(sll[k], Wrap(static_cast<uint64_t>(a[k]) << n)) << a[k] << " << " << n;
      }
    }
  }
}

TEST_P(LanesTest, GathersReadOnlySelectedLanes) {
  std::vector<int64_t> table(1000);
  for (int64_t& v : table) v = Draw();
  for (int round = 0; round < 500; ++round) {
    Lanes index, selector = DrawLanes(), fallback = DrawLanes(), wild;
    for (int k = 0; k < 8; ++k) {
      index[k] = static_cast<int64_t>(rng_() % table.size());
      // Far outside the table: a read of an unselected lane would fault.
      wild[k] = selector[k] < 0 ? index[k] : (int64_t{1} << 40) + static_cast<int64_t>(rng_() % 7);
    }
    const Lanes all = Run(LanesOp::kGather, index, {}, {}, 0, table.data());
    const Lanes some = Run(LanesOp::kGatherNegative, wild, selector, fallback, 0, table.data());
    for (int k = 0; k < 8; ++k) {
      EXPECT_EQ(all[k], table[static_cast<size_t>(index[k])]);
      EXPECT_EQ(some[k], selector[k] < 0 ? table[static_cast<size_t>(index[k])] : fallback[k]);
    }
  }
}

// Apply(VectorConvert::Of(c)) is FastConvertOne(c) for conversions between random types (every
// Q and O mode, signed and unsigned, widths 1-40) on raws of the source type.
TEST_P(LanesTest, ConvertMatchesFastConvertOne) {
  static constexpr Quantization kQ[] = {Quantization::kTrn,       Quantization::kTrnZero,
                                        Quantization::kRnd,       Quantization::kRndZero,
                                        Quantization::kRndMinInf, Quantization::kRndInf,
                                        Quantization::kRndConv};
  static constexpr Overflow kO[] = {Overflow::kWrap, Overflow::kSat, Overflow::kSatZero,
                                    Overflow::kSatSym};
  auto draw_type = [&] {
    FixedType t;
    t.width = 1 + static_cast<int>(rng_() % 40);
    t.integer_bits = static_cast<int>(rng_() % 50) - 10;
    t.is_signed = rng_() % 2 == 0;
    t.quantization = kQ[rng_() % std::size(kQ)];
    t.overflow = kO[rng_() % std::size(kO)];
    return t;
  };
  int planned = 0;
  for (int round = 0; round < 3000; ++round) {
    const FixedType from = draw_type(), to = draw_type();
    const std::optional<internal::FastConvert> c = internal::MakeFastConvert(from, to);
    if (!c) continue;
    ++planned;
    const internal::VectorConvert v = internal::VectorConvert::Of(*c);
    for (int batch = 0; batch < 4; ++batch) {
      Lanes x;
      for (int64_t& raw : x) {
        // A raw of `from`: its low `width` bits, sign- or zero-extended.
        const uint64_t bits = static_cast<uint64_t>(Draw());
        const int s = 64 - from.width;
        raw = from.is_signed ? Wrap(bits << s) >> s : Wrap((bits << s) >> s);
      }
      const Lanes y = isa_->apply(v, x);
      for (int k = 0; k < 8; ++k) {
        EXPECT_EQ(y[k], internal::FastConvertOne(*c, x[k]))
            << from.ToString() << " -> " << to.ToString() << " raw " << x[k];
      }
    }
  }
  EXPECT_GT(planned, 1000);
}

INSTANTIATE_TEST_SUITE_P(Isas, LanesTest, testing::Values(KernelIsa::kAvx2, KernelIsa::kAvx512),
                         [](const testing::TestParamInfo<KernelIsa>& info) {
                           return std::string(info.param == KernelIsa::kAvx2 ? "Avx2" : "Avx512");
                         });

}  // namespace
}  // namespace fpgaas::numerics::lanes_test
