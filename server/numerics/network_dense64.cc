// The int64-lane dense kernels (kFast64): DenseFastBlock64 (any operands, 64x64-bit products) and
// the dispatch of DenseMul32Block (operands within int32: network_dense64_avx2.cc / _avx512.cc).
#include <cstdint>

#include "server/numerics/network_kernels_internal.h"
#include "server/util/cpu_dispatch.h"

#define FPGAAS_CLONES FPGAAS_NUMERICS_CLONES
#define FPGAAS_KERNEL_CLONES FPGAAS_NUMERICS_CLONES
#include "server/numerics/network_kernels_inline.h"  // after FPGAAS_KERNEL_CLONES


namespace fpgaas::numerics::internal {
namespace {

FPGAAS_CLONES void DenseFast64x64(const int64_t* x, const int64_t* w, const int64_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, kKernelBlock, 2, false>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast64x16(const int64_t* x, const int64_t* w, const int64_t* bias,
                                  int n_in, int n_out, const DenseFastParams& p,
                                  const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, kSmallBlock, 4, false>(x, w, bias, n_in, n_out, p, e, y);
}
FPGAAS_CLONES void DenseFast64x1(const int64_t* x, const int64_t* w, const int64_t* bias,
                                 int n_in, int n_out, const DenseFastParams& p,
                                 const DenseEpilogue& e, int64_t* y) {
  DenseFastDispatch<int64_t, 1, 8, false>(x, w, bias, n_in, n_out, p, e, y);
}

}  // namespace

void DenseFastBlock64(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int64_t* y) {
  if (lanes == kKernelBlock) {
    DenseFast64x64(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else if (lanes == kSmallBlock) {
    DenseFast64x16(x, w_by_out, bias, n_in, n_out, p, e, y);
  } else {
    DenseFast64x1(x, w_by_out, bias, n_in, n_out, p, e, y);
  }
}

bool KernelIsaAvailable(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::kPortable:
      return true;
    case KernelIsa::kAvx2:
#if defined(__x86_64__)
      return DenseMul32Avx2Built() && __builtin_cpu_supports("avx2");
#else
      return false;
#endif
    case KernelIsa::kAvx512:
#if defined(__x86_64__)
      return DenseMul32Avx512Built() && FPGAAS_CPU_HAS_AVX512();
#else
      return false;
#endif
  }
  return false;
}

KernelIsa DenseFmaIsa() {
#if defined(__x86_64__)
  static const KernelIsa isa =
      DenseFmaAvx512Built() && FPGAAS_CPU_HAS_AVX512() ? KernelIsa::kAvx512
      : DenseFmaAvx2Built() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
          ? KernelIsa::kAvx2
          : KernelIsa::kPortable;
  return isa;
#else
  return KernelIsa::kPortable;
#endif
}

bool DenseFmaBlockOn(KernelIsa isa, const int32_t* x, int lanes, const float* w_scaled,
                     const int32_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int32_t* y) {
  auto* kernel = KernelFor(isa, &DenseFmaBlock32Avx512, &DenseFmaBlock32Avx2);
  return kernel != nullptr && kernel(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseFmaBlockOn(KernelIsa isa, const int64_t* x, int lanes, const float* w_scaled,
                     const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int64_t* y) {
  auto* kernel = KernelFor(isa, &DenseFmaBlock64Avx512, &DenseFmaBlock64Avx2);
  return kernel != nullptr && kernel(x, lanes, w_scaled, bias, n_in, n_out, p, e, y);
}

bool DenseF64BlockOn(KernelIsa isa, const int64_t* x, int lanes, const double* wd,
                     const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int64_t* y) {
  auto* kernel = KernelFor(isa, &DenseF64BlockAvx512, &DenseF64BlockAvx2);
  return kernel != nullptr && kernel(x, lanes, wd, bias, n_in, n_out, p, e, y);
}

KernelIsa BestKernelIsa() {
  return KernelIsaAvailable(KernelIsa::kAvx512) ? KernelIsa::kAvx512
         : KernelIsaAvailable(KernelIsa::kAvx2) ? KernelIsa::kAvx2
                                                : KernelIsa::kPortable;
}

void DenseMul32BlockOn(KernelIsa isa, const int64_t* x, int lanes, const int64_t* w_by_out,
                       const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                       const DenseEpilogue& e, int64_t* y) {
  if (lanes != 1) {
    if (isa == KernelIsa::kAvx512 && DenseMul32Avx512(x, lanes, w_by_out, bias, n_in, n_out, p, e, y)) {
      return;
    }
    if (isa == KernelIsa::kAvx2 && DenseMul32Avx2(x, lanes, w_by_out, bias, n_in, n_out, p, e, y)) {
      return;
    }
  }
  DenseFastBlock64(x, lanes, w_by_out, bias, n_in, n_out, p, e, y);
}

void DenseMul32Block(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                     int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                     int64_t* y) {
  if (p.fma_weights != nullptr && lanes != 1 &&
      DenseFmaBlockOn(DenseFmaIsa(), x, lanes, p.fma_weights->data(), bias, n_in, n_out, p, e, y)) {
    return;
  }
  if (p.f64_weights != nullptr && lanes != 1 &&
      DenseF64BlockOn(DenseFmaIsa(), x, lanes, p.f64_weights->data(), bias, n_in, n_out, p, e, y)) {
    return;
  }
  static const KernelIsa best = BestKernelIsa();
  DenseMul32BlockOn(best, x, lanes, w_by_out, bias, n_in, n_out, p, e, y);
}

}  // namespace fpgaas::numerics::internal
