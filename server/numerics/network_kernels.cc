#include <algorithm>
#include <cstring>

#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics::internal {
namespace {

constexpr int kB = kKernelBlock;

}  // namespace

__attribute__((target_clones("default", "avx2", "avx512f"))) void DenseWrap32(
    const int32_t* x, const int32_t* w_by_out, const int32_t* bias, int n_in, int n_out,
    int shift_right, int shift_left, int32_t round_const, int acc_width, bool acc_signed,
    int32_t* acc) {
  const int unused = 32 - acc_width;
  const uint32_t mask = acc_width == 32 ? ~uint32_t{0} : (uint32_t{1} << acc_width) - 1;
  int j = 0;
  // Two outputs at a time: each x vector load feeds two multiply-accumulates.
  for (; j + 2 <= n_out; j += 2) {
    uint32_t a0[kB], a1[kB];
    for (int b = 0; b < kB; ++b) {
      a0[b] = static_cast<uint32_t>(bias[j]);
      a1[b] = static_cast<uint32_t>(bias[j + 1]);
    }
    const int32_t* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    const int32_t* w1 = w0 + n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t c0 = w0[i], c1 = w1[i];
      const int32_t* xi = x + static_cast<size_t>(i) * kB;
      for (int b = 0; b < kB; ++b) {
        a0[b] += static_cast<uint32_t>((xi[b] * c0 + round_const) >> shift_right) << shift_left;
        a1[b] += static_cast<uint32_t>((xi[b] * c1 + round_const) >> shift_right) << shift_left;
      }
    }
    for (int b = 0; b < kB; ++b) {
      acc[j * kB + b] = acc_signed ? static_cast<int32_t>(a0[b] << unused) >> unused
                                   : static_cast<int32_t>(a0[b] & mask);
      acc[(j + 1) * kB + b] = acc_signed ? static_cast<int32_t>(a1[b] << unused) >> unused
                                         : static_cast<int32_t>(a1[b] & mask);
    }
  }
  for (; j < n_out; ++j) {
    uint32_t a0[kB];
    for (int b = 0; b < kB; ++b) a0[b] = static_cast<uint32_t>(bias[j]);
    const int32_t* w0 = w_by_out + static_cast<size_t>(j) * n_in;
    for (int i = 0; i < n_in; ++i) {
      const int32_t c0 = w0[i];
      const int32_t* xi = x + static_cast<size_t>(i) * kB;
      for (int b = 0; b < kB; ++b) {
        a0[b] += static_cast<uint32_t>((xi[b] * c0 + round_const) >> shift_right) << shift_left;
      }
    }
    for (int b = 0; b < kB; ++b) {
      acc[j * kB + b] = acc_signed ? static_cast<int32_t>(a0[b] << unused) >> unused
                                   : static_cast<int32_t>(a0[b] & mask);
    }
  }
}

namespace {

enum class FastOverflow { kWrapSigned, kWrapUnsigned, kClamp, kZero };

// One loop per overflow kind, so each vectorizes without a branch in the body.
template <FastOverflow kKind>
inline void ConvertLoop(const int64_t* x, int64_t* y, size_t n, int shift_right, int shift_left,
                        int64_t round_const, int width, int64_t lo, int64_t hi) {
  const int unused = 64 - width;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  for (size_t k = 0; k < n; ++k) {
    const int64_t v = static_cast<int64_t>(static_cast<uint64_t>((x[k] + round_const) >> shift_right)
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
    y[k] = r;
  }
}

__attribute__((target_clones("default", "avx2", "avx512f"))) void ConvertFast(
    const int64_t* x, int64_t* y, size_t n, int shift_right, int shift_left, int64_t round_const,
    int kind, int width, int64_t lo, int64_t hi) {
  switch (static_cast<FastOverflow>(kind)) {
    case FastOverflow::kWrapSigned:
      return ConvertLoop<FastOverflow::kWrapSigned>(x, y, n, shift_right, shift_left, round_const, width, lo, hi);
    case FastOverflow::kWrapUnsigned:
      return ConvertLoop<FastOverflow::kWrapUnsigned>(x, y, n, shift_right, shift_left, round_const, width, lo, hi);
    case FastOverflow::kClamp:
      return ConvertLoop<FastOverflow::kClamp>(x, y, n, shift_right, shift_left, round_const, width, lo, hi);
    case FastOverflow::kZero:
      return ConvertLoop<FastOverflow::kZero>(x, y, n, shift_right, shift_left, round_const, width, lo, hi);
  }
}

}  // namespace

void ConvertBlock(const FixedType& from, const int64_t* x, const FixedType& to, int64_t* y,
                  size_t n) {
  const int s = from.fractional_bits() - to.fractional_bits();
  const int from_bits = from.is_signed ? from.width - 1 : from.width;
  bool fast = from.width <= 62 && to.width <= 63 && s <= 62 && s >= -62 &&
              from_bits + std::max(-s, 0) <= 62;
  int64_t round_const = 0;
  if (s > 0) {
    if (to.quantization == Quantization::kRnd) {
      round_const = int64_t{1} << (s - 1);
    } else if (to.quantization != Quantization::kTrn) {
      fast = false;
    }
  }
  if (to.overflow == Overflow::kWrap && to.saturation_bits != 0) fast = false;
  if (!fast) {
    for (size_t k = 0; k < n; ++k) y[k] = Convert(from, x[k], to);
    return;
  }
  int64_t lo = static_cast<int64_t>(MinRaw(to)), hi = static_cast<int64_t>(MaxRaw(to));
  FastOverflow kind;
  switch (to.overflow) {
    case Overflow::kWrap:
      kind = to.is_signed ? FastOverflow::kWrapSigned : FastOverflow::kWrapUnsigned;
      break;
    case Overflow::kSat:
      kind = FastOverflow::kClamp;
      break;
    case Overflow::kSatSym:
      kind = FastOverflow::kClamp;
      if (to.is_signed) lo = -hi;
      break;
    default:
      kind = FastOverflow::kZero;
      break;
  }
  ConvertFast(x, y, n, std::max(s, 0), std::max(-s, 0), round_const, static_cast<int>(kind),
              to.width, lo, hi);
}

void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int64_t* x) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    const uint8_t* sample = in + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      x[static_cast<size_t>(f) * kB + b] = UnpackRaw(type, sample + static_cast<size_t>(f) * cb);
    }
  }
  for (int f = 0; f < n_features; ++f) {
    std::fill(x + static_cast<size_t>(f) * kB + count, x + static_cast<size_t>(f + 1) * kB, 0);
  }
}

void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, uint8_t* out) {
  const int cb = type.container_bytes();
  for (int b = 0; b < count; ++b) {
    uint8_t* sample = out + static_cast<size_t>(b) * n_features * cb;
    for (int f = 0; f < n_features; ++f) {
      PackRaw(type, x[static_cast<size_t>(f) * kB + b], sample + static_cast<size_t>(f) * cb);
    }
  }
}

}  // namespace fpgaas::numerics::internal
