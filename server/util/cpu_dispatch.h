// CPU dispatch of hot loops: FPGAAS_NUMERICS_CLONES before a function compiles it for the default
// x86-64 ISA, AVX2 and the x86-64-v4 level (AVX-512 F/VL/BW/DQ/CD; GCC target_clones); the loader
// picks one clone by CPU feature. The AVX-512 clone is the v4 level rather than AVX-512F alone:
// without DQ every int64 product is a three-multiply sequence, without VL GCC cannot use the
// 256-bit EVEX forms (narrowing moves, int64 min/max/shift on ymm) and falls back to shuffles.
// Every clone computes the same results (no FMA contraction: numerics builds with
// -ffp-contract=off). Other architectures and clang (no target_clones on templates) build the
// portable code only. Tests define FPGAAS_NUMERICS_CLONES empty to build the portable (default)
// code alone.
#ifndef FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_
#define FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_

// FPGAAS_NUMERICS_AVX512_CLONE is 1 when FPGAAS_NUMERICS_CLONES includes the AVX-512 clone: only
// then does FPGAAS_CPU_HAS_AVX512() inside such a function mean "this is code compiled for
// AVX-512". FPGAAS_CPU_HAS_AVX512() is also the test for the explicit-ISA kernel files built with
// the same five AVX-512 subsets (server/numerics/CMakeLists.txt).
#ifndef FPGAAS_NUMERICS_CLONES
#if defined(__x86_64__) && !defined(__clang__)
#define FPGAAS_NUMERICS_CLONES __attribute__((target_clones("default", "avx2", "arch=x86-64-v4")))
#define FPGAAS_NUMERICS_AVX512_CLONE 1
#else
#define FPGAAS_NUMERICS_CLONES
#endif
#endif
#ifndef FPGAAS_NUMERICS_AVX512_CLONE
#define FPGAAS_NUMERICS_AVX512_CLONE 0
#endif
// (The subsets one by one rather than "x86-64-v4": clang 14, which the thread-safety check
// compiles with, knows no ISA levels in __builtin_cpu_supports. Every CPU with these five has
// the x86-64-v3 features too.)
#if defined(__x86_64__)
#define FPGAAS_CPU_HAS_AVX512()                                                \
  (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&  \
   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && \
   __builtin_cpu_supports("avx512cd"))
#else
#define FPGAAS_CPU_HAS_AVX512() false
#endif

#endif  // FPGAAS_SERVER_UTIL_CPU_DISPATCH_H_
