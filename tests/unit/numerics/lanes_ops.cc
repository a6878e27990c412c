// lanes_ops.h for the instruction set this file is built with (FPGAAS_LANES_OPS_ISA names it:
// Avx2 with -mavx2, Avx512 with -mavx512f).
#include "tests/unit/numerics/lanes_ops.h"

#include "server/numerics/network_lanes.h"

#define FPGAAS_CONCAT2(a, b) a##b
#define FPGAAS_CONCAT(a, b) FPGAAS_CONCAT2(a, b)

namespace fpgaas::numerics::lanes_test {
namespace {

using internal::I64x8;

I64x8 In(const Lanes& v) { return internal::LoadLanes(v.data()); }
Lanes Out(I64x8 v) {
  Lanes out;
  internal::StoreLanes(out.data(), v);
  return out;
}

Lanes Run(LanesOp op, const Lanes& a, const Lanes& b, const Lanes& c, int n, const int64_t* table) {
  using namespace internal;  // NOLINT(build/namespaces): the lanes operations
  switch (op) {
    case LanesOp::kAdd:
      return Out(Add(In(a), In(b)));
    case LanesOp::kSub:
      return Out(Sub(In(a), In(b)));
    case LanesOp::kAnd:
      return Out(And(In(a), In(b)));
    case LanesOp::kMul32:
      return Out(Mul32(In(a), In(b)));
    case LanesOp::kMulLo64:
      return Out(MulLo64(In(a), In(b)));
    case LanesOp::kMin:
      return Out(Min(In(a), In(b)));
    case LanesOp::kMax:
      return Out(Max(In(a), In(b)));
    case LanesOp::kSra:
      return Out(Sra(In(a), ShiftBy(n)));
    case LanesOp::kSrl:
      return Out(Srl(In(a), ShiftBy(n)));
    case LanesOp::kSll:
      return Out(Sll(In(a), ShiftBy(n)));
    case LanesOp::kSignMask:
      return Out(SignMask(In(a)));
    case LanesOp::kSignExtendLow32:
      return Out(SignExtendLow32(In(a)));
    case LanesOp::kSelectNegative:
      return Out(Select(IsNegative(In(a)), In(b), In(c)));
    case LanesOp::kKeepInRange:
      return Out(KeepWhere(InRange(In(a), In(b), In(c)), In(a)));
    case LanesOp::kInt32RoundTrip: {
      int32_t words[8];
      StoreLanes(words, In(a));
      return Out(LoadLanes(words));
    }
    case LanesOp::kWidenU16:
    case LanesOp::kWidenI16: {
      uint16_t words[8];
      for (int k = 0; k < 8; ++k) words[k] = static_cast<uint16_t>(a[static_cast<size_t>(k)]);
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words));
      return Out(op == LanesOp::kWidenU16 ? WidenU16(w) : WidenI16(w));
    }
    case LanesOp::kGather:
      return Out(Gather(table, In(a)));
    case LanesOp::kGatherNegative:
      return Out(GatherWhere(IsNegative(In(b)), table, In(a), In(c)));
  }
  return Lanes{};
}

Lanes Apply(const internal::VectorConvert& convert, const Lanes& x) {
  return Out(internal::Apply(internal::Load(convert), In(x)));
}

}  // namespace

const LanesIsa& FPGAAS_CONCAT(Lanes, FPGAAS_LANES_OPS_ISA)() {
  static const LanesIsa isa{Run, Apply};
  return isa;
}

}  // namespace fpgaas::numerics::lanes_test
