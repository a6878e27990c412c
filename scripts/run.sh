#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs fpgaasd in the foreground on the example
# model repository with the emulated FPGA (gRPC on 8001, metrics on 8002). Extra flags pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/server/fpgaasd --model-repository=deploy/models --device=emu \
  --grpc-port=8001 --metrics-port=8002 "$@"
