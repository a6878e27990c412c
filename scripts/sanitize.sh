#!/usr/bin/env bash
# The sanitizer jobs (CI: scripts/test.sh runs both after ctest; tests/support/sanitize/README.md).
# Each configures its own build folder with GCC's sanitizers at -O1 -g1 (assertions on), builds
# only the test executables it runs (target fpgaas_tests: tests/CMakeLists.txt picks the folders
# by FPGAAS_SANITIZE) and runs all of them with ctest:
#   address  ASan + UBSan (+ LeakSanitizer), the CI subset (FPGAAS_SANITIZE_CI): the tests of the
#            code that reads client input (request decoding, importer, numerics, repository,
#            authorization, the hostile tests) and the fuzz targets over their seeds, in build-asan
#   address-full  the same build with every unit and integration test, in build-asan
#   thread   TSan (abseil annotated, tests/support/sanitize/absl_mutex_annotations.cc): the unit
#            tests of the threaded components without gRPC (scheduler, frontend, repository,
#            devices, clocks), in build-tsan
# Any sanitizer report fails its test: UBSan does not recover, ASan and LSan end the process with
# an error, TSan exits 66 after its reports. Suppressions (tests/support/sanitize/*.supp) name only
# Debian's gRPC, abseil and protobuf libraries.
#   scripts/sanitize.sh [address|thread]... [-- ctest arguments]      (no job named: both)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=()
while (($#)) && [ "$1" != "--" ]; do
  case $1 in
    address | address-full | thread) jobs+=("$1") ;;
    *) echo "usage: scripts/sanitize.sh [address|address-full|thread]... [-- ctest arguments]" >&2
       exit 2 ;;
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
((${#jobs[@]})) || jobs=(address thread)

# Also read by the build: gtest_discover_tests runs each test binary to list its tests.
supp=$PWD/tests/support/sanitize
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=suppressions=$supp/tsan.supp:second_deadlock_stack=1:print_suppressions=0

failed=()
for job in "${jobs[@]}"; do
  case $job in
    address) dir=build-asan sanitize=(-DFPGAAS_SANITIZE=address -DFPGAAS_SANITIZE_CI=ON) ;;
    address-full) dir=build-asan sanitize=(-DFPGAAS_SANITIZE=address -DFPGAAS_SANITIZE_CI=OFF) ;;
    thread) dir=build-tsan sanitize=(-DFPGAAS_SANITIZE=thread) ;;
  esac
  start=$SECONDS
  FPGAAS_BUILD_DIR=$dir FPGAAS_BUILD_TYPE=RelWithDebInfo FPGAAS_BUILD_TARGETS=fpgaas_tests \
    scripts/build.sh "${sanitize[@]}" \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1"
  built=$SECONDS
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@") || failed+=("$job")
  echo "sanitize: $job: build $((built - start)) s, tests $((SECONDS - built)) s ($dir)"
done
if ((${#failed[@]})); then
  echo "sanitize: failed: ${failed[*]}" >&2
  exit 1
fi
