#!/usr/bin/env bash
# Installs what is missing, builds everything the tests need, runs the whole test suite, then the
# sanitizer jobs (scripts/sanitize.sh address thread: the ASan+UBSan build of the tests of what
# reads client input in build-asan, and a TSan build of the threaded components' unit tests in
# build-tsan; FPGAAS_SANITIZE_JOBS picks others, e.g. "address-full thread" for every unit and
# integration test under ASan; FPGAAS_NO_SANITIZE=1 skips them). Arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# GCC ignores the lock annotations; clang checks them (syntax only: about 2.5 CPU-minutes).
scripts/check-thread-safety.sh
# The deploy-slow tests' Debian 12 root (debootstrap) and .deb downloads, kept across fresh clones.
export FPGAAS_DEPLOY_CACHE=${FPGAAS_DEPLOY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fpgaas-deploy}
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@")
# Together they take about 12 minutes with a warm ccache (tests/support/sanitize/README.md).
# shellcheck disable=SC2086
[ -n "${FPGAAS_NO_SANITIZE:-}" ] || scripts/sanitize.sh ${FPGAAS_SANITIZE_JOBS:-address thread}
