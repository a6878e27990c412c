#include <algorithm>
#include <cstring>

#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"

// Helpers inlined into every target_clones clone, so they are compiled for the clone's ISA.
#define FPGAAS_INLINE inline __attribute__((always_inline))
// Tests define FPGAAS_NUMERICS_CLONES empty to build the portable (default-clone) code alone.
// Other architectures (aarch64 laptops and runners) and clang (no target_clones on templates)
// build the portable code only.
#ifndef FPGAAS_NUMERICS_CLONES
#if defined(__x86_64__) && !defined(__clang__)
#define FPGAAS_NUMERICS_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define FPGAAS_NUMERICS_CLONES
#endif
#endif
#define FPGAAS_CLONES FPGAAS_NUMERICS_CLONES

namespace fpgaas::numerics::internal {
namespace {

// One loop per overflow kind, so each vectorizes without a branch in the body.
template <FastOverflow kKind, typename In, typename Out>
FPGAAS_INLINE void ConvertLoop(const FastConvert& c, const In* x, Out* y, size_t n) {
  const int unused = 64 - c.width;
  const uint64_t mask = c.width == 64 ? ~uint64_t{0} : (uint64_t{1} << c.width) - 1;
  const int shift_right = c.shift_right, shift_left = c.shift_left;
  const int64_t round_const = c.round_const, lo = c.lo, hi = c.hi;
  for (size_t k = 0; k < n; ++k) {
    const int64_t v = static_cast<int64_t>(
        static_cast<uint64_t>((static_cast<int64_t>(x[k]) + round_const) >> shift_right)
        << shift_left);
    int64_t r;
    if constexpr (kKind == FastOverflow::kWrapSigned) {
      r = static_cast<int64_t>(static_cast<uint64_t>(v) << unused) >> unused;
    } else if constexpr (kKind == FastOverflow::kWrapUnsigned) {
      r = static_cast<int64_t>(static_cast<uint64_t>(v) & mask);
    } else if constexpr (kKind == FastOverflow::kClamp) {
      r = v < lo ? lo : (v > hi ? hi : v);
    } else {
      r = (v < lo || v > hi) ? 0 : v;
    }
    y[k] = static_cast<Out>(r);
  }
}

template <typename In, typename Out>
FPGAAS_INLINE void ApplyConvert(const FastConvert& c, const In* x, Out* y, size_t n) {
  switch (c.kind) {
    case FastOverflow::kWrapSigned:
      return ConvertLoop<FastOverflow::kWrapSigned>(c, x, y, n);
    case FastOverflow::kWrapUnsigned:
      return ConvertLoop<FastOverflow::kWrapUnsigned>(c, x, y, n);
    case FastOverflow::kClamp:
      return ConvertLoop<FastOverflow::kClamp>(c, x, y, n);
    case FastOverflow::kZero:
      return ConvertLoop<FastOverflow::kZero>(c, x, y, n);
  }
}

FPGAAS_CLONES void ConvertFast(const FastConvert& c, const int64_t* x, int64_t* y, size_t n) {
  ApplyConvert(c, x, y, n);
}

// Wraps n uint32 sums to the accumulator width, applies the epilogue, stores int32 results.
// `t` is scratch of n values.
FPGAAS_INLINE void Epilogue(const DenseProductQuant& q, const DenseEpilogue& e, const uint32_t* sum,
                            int64_t* t, size_t n, int32_t* y) {
  const int unused = 32 - q.acc_width;
  const uint32_t mask = q.acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << q.acc_width) - 1;
  if (q.acc_signed) {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int32_t>(sum[b] << unused) >> unused;
  } else {
    for (size_t b = 0; b < n; ++b) t[b] = static_cast<int64_t>(sum[b] & mask);
  }
  if (!e.to_result.identity) ApplyConvert(e.to_result, t, t, n);
  if (e.relu) {
    // relu: y > 0 ? relu_result(y) : 0, which is relu_result(max(y, 0)) as every fast conversion
    // maps 0 to 0.
    for (size_t b = 0; b < n; ++b) t[b] = t[b] > 0 ? t[b] : 0;
    if (!e.relu_result.identity) ApplyConvert(e.relu_result, t, t, n);
  }
  for (size_t b = 0; b < n; ++b) y[b] = static_cast<int32_t>(t[b]);
}

// The term of one product, mod 2^32 (unsigned arithmetic: garbage in unused lanes cannot be UB).
FPGAAS_INLINE uint32_t Term(int32_t x, int32_t w, int shift_right, int shift_left,
                            int32_t round_const) {
  const int32_t p = static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(w) +
                                         static_cast<uint32_t>(round_const));
  return static_cast<uint32_t>(p >> shift_right) << shift_left;
}

// kOuts outputs at a time: each x vector load feeds kOuts multiply-accumulates.
template <int kLanes, int kOuts>
FPGAAS_INLINE void DenseBlockImpl(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                  int n_in, int n_out, const DenseProductQuant& q,
                                  const DenseEpilogue& e, int32_t* y) {
  const int sr = q.shift_right, sl = q.shift_left;
  const int32_t rc = q.round_const;
  int64_t t[kLanes];
  int j = 0;
  for (; j + kOuts <= n_out; j += kOuts) {
    uint32_t a[kOuts][kLanes];
    for (int o = 0; o < kOuts; ++o) {
      for (int b = 0; b < kLanes; ++b) a[o][b] = static_cast<uint32_t>(bias[j + o]);
    }
    const int32_t* w = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t* xi = x + static_cast<size_t>(i) * kLanes;
      for (int o = 0; o < kOuts; ++o) {
        const int32_t c = w[static_cast<size_t>(o) * n_in + i];
        for (int b = 0; b < kLanes; ++b) a[o][b] += Term(xi[b], c, sr, sl, rc);
      }
    }
    for (int o = 0; o < kOuts; ++o) {
      Epilogue(q, e, a[o], t, kLanes, y + static_cast<size_t>(j + o) * kLanes);
    }
  }
  for (; j < n_out; ++j) {
    uint32_t a0[kLanes];
    for (int b = 0; b < kLanes; ++b) a0[b] = static_cast<uint32_t>(bias[j]);
    const int32_t* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t c0 = w0[i];
      const int32_t* xi = x + static_cast<size_t>(i) * kLanes;
      for (int b = 0; b < kLanes; ++b) a0[b] += Term(xi[b], c0, sr, sl, rc);
    }
    Epilogue(q, e, a0, t, kLanes, y + static_cast<size_t>(j) * kLanes);
  }
}

FPGAAS_CLONES void DenseBlock64(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  DenseBlockImpl<kKernelBlock, 2>(x, w_by_out, bias, n_in, n_out, q, e, y);
}

FPGAAS_CLONES void DenseBlock16(const int32_t* x, const int32_t* w_by_out, const int32_t* bias,
                                int n_in, int n_out, const DenseProductQuant& q,
                                const DenseEpilogue& e, int32_t* y) {
  DenseBlockImpl<kSmallBlock, 4>(x, w_by_out, bias, n_in, n_out, q, e, y);
}

}  // namespace

std::optional<FastConvert> MakeFastConvert(const FixedType& from, const FixedType& to) {
  const int s = from.fractional_bits() - to.fractional_bits();
  const int from_bits = from.is_signed ? from.width - 1 : from.width;
  if (!(from.width <= 62 && to.width <= 63 && s <= 62 && s >= -62 &&
        from_bits + std::max(-s, 0) <= 62)) {
    return std::nullopt;
  }
  FastConvert c;
  if (s > 0) {
    if (to.quantization == Quantization::kRnd) {
      c.round_const = int64_t{1} << (s - 1);
    } else if (to.quantization != Quantization::kTrn) {
      return std::nullopt;
    }
  }
  if (to.overflow == Overflow::kWrap && to.saturation_bits != 0) return std::nullopt;
  c.shift_right = std::max(s, 0);
  c.shift_left = std::max(-s, 0);
  c.width = to.width;
  c.lo = static_cast<int64_t>(MinRaw(to));
  c.hi = static_cast<int64_t>(MaxRaw(to));
  switch (to.overflow) {
    case Overflow::kWrap:
      c.kind = to.is_signed ? FastOverflow::kWrapSigned : FastOverflow::kWrapUnsigned;
      break;
    case Overflow::kSat:
      c.kind = FastOverflow::kClamp;
      break;
    case Overflow::kSatSym:
      c.kind = FastOverflow::kClamp;
      if (to.is_signed && to.width > 1) c.lo = -c.hi;  // W = 1: -1, as Xilinx's overflow_adjust
      break;
    default:
      c.kind = FastOverflow::kZero;
      break;
  }
  const bool contains = (from.is_signed == to.is_signed && to.width >= from.width) ||
                        (!from.is_signed && to.is_signed && to.width > from.width);
  const bool sym_min_changes =
      to.overflow == Overflow::kSatSym && to.is_signed && from.is_signed && to.width == from.width;
  c.identity = s == 0 && contains && !sym_min_changes;
  return c;
}

void DenseWrap32Block(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseProductQuant& q, const DenseEpilogue& e,
                      int32_t* y) {
  if (lanes == kKernelBlock) {
    DenseBlock64(x, w_by_out, bias, n_in, n_out, q, e, y);
  } else {
    DenseBlock16(x, w_by_out, bias, n_in, n_out, q, e, y);
  }
}

FPGAAS_CLONES void DenseWrap32Sample(const int32_t* x, const int32_t* w_by_in, const int32_t* bias,
                                     int n_in, int n_out, const DenseProductQuant& q,
                                     const DenseEpilogue& e, uint32_t* acc, int32_t* y) {
  const int sr = q.shift_right, sl = q.shift_left;
  const int32_t rc = q.round_const;
  for (int j = 0; j < n_out; ++j) acc[j] = static_cast<uint32_t>(bias[j]);
  for (int i = 0; i < n_in; ++i) {
    const int32_t xi = x[i];
    const int32_t* w = w_by_in + static_cast<size_t>(i) * n_out;
    for (int j = 0; j < n_out; ++j) acc[j] += Term(xi, w[j], sr, sl, rc);
  }
  // Epilogue in chunks so its int64 scratch stays on the stack.
  constexpr int kChunk = 64;
  int64_t t[kChunk];
  for (int j = 0; j < n_out; j += kChunk) {
    const int n = std::min(kChunk, n_out - j);
    Epilogue(q, e, acc + j, t, n, y + j);
  }
}

void ConvertBlock(const FixedType& from, const int64_t* x, const FixedType& to, int64_t* y,
                  size_t n) {
  const std::optional<FastConvert> fast = MakeFastConvert(from, to);
  if (!fast) {
    for (size_t k = 0; k < n; ++k) y[k] = Convert(from, x[k], to);
    return;
  }
  if (fast->identity) {
    if (x != y) std::copy(x, x + n, y);
    return;
  }
  ConvertFast(*fast, x, y, n);
}

void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                 int64_t* x) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      x[static_cast<size_t>(f) * lanes + b] = UnpackRaw(type, sample + static_cast<size_t>(f) * cb);
    }
  }
  if (count == lanes) return;
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * lanes + count, x + static_cast<size_t>(f + 1) * lanes,
              0);
  }
}

void UnpackBlock32(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                   int32_t* x) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      x[static_cast<size_t>(f) * lanes + b] =
          static_cast<int32_t>(UnpackRaw(type, sample + static_cast<size_t>(f) * cb));
    }
  }
  if (count == lanes) return;
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * lanes + count, x + static_cast<size_t>(f + 1) * lanes,
              0);
  }
}

void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, int lanes,
               uint8_t* out) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      PackRaw(type, x[static_cast<size_t>(f) * lanes + b], sample + static_cast<size_t>(f) * cb);
    }
  }
}

void PackBlock32(const FixedType& type, const int32_t* x, int n_features, int count, int lanes,
                 uint8_t* out) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      PackRaw(type, x[static_cast<size_t>(f) * lanes + b], sample + static_cast<size_t>(f) * cb);
    }
  }
}

}  // namespace fpgaas::numerics::internal
