// CPU dispatch of hot loops: FPGAAS_NUMERICS_CLONES before a function compiles it for the default
// x86-64 ISA, AVX2 and AVX-512F (GCC target_clones); the loader picks one clone by CPU feature.
// Every clone computes the same results (no FMA contraction: numerics builds with
// -ffp-contract=off). Other architectures and clang (no target_clones on templates) build the
// portable code only. Tests define FPGAAS_NUMERICS_CLONES empty to build the portable (default)
// code alone.
#ifndef FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_
#define FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_

// FPGAAS_NUMERICS_AVX512_CLONE is 1 when FPGAAS_NUMERICS_CLONES includes the AVX-512F clone: only
// then does a run-time `__builtin_cpu_supports("avx512f")` inside such a function mean "this is
// code compiled for AVX-512F".
#ifndef FPGAAS_NUMERICS_CLONES
#if defined(__x86_64__) && !defined(__clang__)
#define FPGAAS_NUMERICS_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#define FPGAAS_NUMERICS_AVX512_CLONE 1
#else
#define FPGAAS_NUMERICS_CLONES
#endif
#endif
#ifndef FPGAAS_NUMERICS_AVX512_CLONE
#define FPGAAS_NUMERICS_AVX512_CLONE 0
#endif

#endif  // FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_
