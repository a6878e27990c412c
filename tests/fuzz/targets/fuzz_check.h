// FUZZ_CHECK: an invariant of a fuzz target; on failure prints it and aborts, which libFuzzer
// and the regression driver both report as a failure with the input that caused it.
#ifndef FPGAAS_TESTS_FUZZ_TARGETS_FUZZ_CHECK_H_
#define FPGAAS_TESTS_FUZZ_TARGETS_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

#endif  // FPGAAS_TESTS_FUZZ_TARGETS_FUZZ_CHECK_H_
