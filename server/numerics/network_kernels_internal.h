// Private to server/numerics: the vectorizable inner loops of the network executor, operating on a
// block of kKernelBlock samples stored feature-major (x[f * kKernelBlock + b]). Hot loops are
// compiled for several instruction sets and picked at run time (GCC target_clones); the default
// clone is plain x86-64/portable C++ and computes the same bits.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_

#include <cstddef>
#include <cstdint>

#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics::internal {

inline constexpr int kKernelBlock = 64;

enum class DenseKernelKind {
  kGeneral,  // exact scalar path (saturating/rounding accumulators, wide types)
  kWrap32,   // AP_WRAP accum <= 32 bits, products fit int32, AP_TRN/AP_RND per product
};

// acc[j][b] = wrap_W(bias[j] + sum_i ((x[i][b] * w[j][i] + round_const) >> shift_right)
//                                     << shift_left), all arithmetic mod 2^32.
// Exact for AP_WRAP accumulators: the wrapped sum equals the wrap of the exact sum of the
// per-product-quantized terms, whatever the order.
void DenseWrap32(const int32_t* x, const int32_t* w_by_out, const int32_t* bias, int n_in,
                 int n_out, int shift_right, int shift_left, int32_t round_const, int acc_width,
                 bool acc_signed, int32_t* acc);

// y[k] = to(x[k]) for n raw values of `from` (the assignment `to_t y = from_t x`).
void ConvertBlock(const FixedType& from, const int64_t* x, const FixedType& to, int64_t* y,
                  size_t n);

// Packed samples (batch-major, container bytes) <-> a feature-major block of raws. Lanes
// >= count are zero-filled on unpack and ignored on pack.
void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int64_t* x);
void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, uint8_t* out);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_
