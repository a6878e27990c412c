#!/usr/bin/env bash
# Configures and builds fpgaas into ${FPGAAS_BUILD_DIR:-build} (Release, ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FPGAAS_BUILD_DIR:-build}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_NOHASHDIR=1 CCACHE_BASEDIR="$PWD"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${FPGAAS_BUILD_TYPE:-Release}" "${launcher[@]}" "$@" >/dev/null
# FPGAAS_BUILD_TARGETS: space-separated CMake targets to build instead of everything.
read -ra targets <<<"${FPGAAS_BUILD_TARGETS:-}"
cmake --build "$build_dir" -j"$(nproc)" ${targets[@]+"${targets[@]/#/--target=}"}
