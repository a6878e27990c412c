// network_lanes.h's operations on plain arrays of 8 lanes, built once per instruction set
// (lanes_ops.cc with -mavx2 / -mavx512f) so that lanes_test.cc, built without those flags, runs
// only what the CPU has.
#ifndef FPGAAS_TESTS_UNIT_NUMERICS_LANES_OPS_H_
#define FPGAAS_TESTS_UNIT_NUMERICS_LANES_OPS_H_

#include <array>
#include <cstdint>

#include "server/numerics/network_vector_convert.h"

namespace fpgaas::numerics::lanes_test {

using Lanes = std::array<int64_t, 8>;

enum class LanesOp {
  kAdd,
  kSub,
  kAnd,
  kMul32,
  kMulLo64,
  kMin,
  kMax,
  kSra,
  kSrl,
  kSll,  // a by n
  kSignMask,
  kSignExtendLow32,
  kSelectNegative,  // a < 0 ? c : b
  kKeepInRange,     // b <= a <= c ? a : 0
  kInt32RoundTrip,  // a's low halves stored as int32 and loaded back
  kWidenU16,        // a's low 16 bits as uint16 words, widened
  kWidenI16,        // the same as int16
  kGather,          // table[a]
  kGatherNegative,  // b < 0 ? table[a] : c (the other lanes' a are never read)
};

struct LanesIsa {
  Lanes (*run)(LanesOp op, const Lanes& a, const Lanes& b, const Lanes& c, int n,
               const int64_t* table);
  Lanes (*apply)(const internal::VectorConvert& convert, const Lanes& x);
};

// Call only where internal::KernelIsaAvailable(kAvx2 / kAvx512) holds (the code is that ISA's).
const LanesIsa& LanesAvx2();
const LanesIsa& LanesAvx512();

}  // namespace fpgaas::numerics::lanes_test

#endif  // FPGAAS_TESTS_UNIT_NUMERICS_LANES_OPS_H_
