#!/usr/bin/env bash
# Installs the Debian 12 packages fpgaas builds, tests and runs with. Idempotent: installs only
# what is missing, so a second run costs one dpkg query.
#   scripts/install-deps.sh           everything (build, tests, benchmarks, deploy checks)
#   scripts/install-deps.sh --build   only what a build without tests needs (the Docker build stage)
set -euo pipefail
packages=(
  # build-essential's gcc-12 brings libasan8, libubsan1, liblsan0 and libtsan2 (libgcc-12-dev):
  # the runtimes of scripts/sanitize.sh's builds.
  build-essential cmake ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libspdlog-dev prometheus-cpp-dev libxrt-dev libxrt1 uuid-dev libevent-dev nlohmann-json3-dev
  libssl-dev
)
if [ "${1:-}" != "--build" ]; then
  packages+=(
    libgtest-dev libgmock-dev libbenchmark-dev libgmp-dev libcurl4-openssl-dev
    clang  # scripts/check-thread-safety.sh: the lock annotations, checked by clang -Wthread-safety
    python3 python3-numpy python3-sklearn
    prometheus yamllint python3-yaml docker-compose systemd python3-grpcio openssl
    nghttp2-client  # h2load and nghttp: tests/bench/h2load (the request-path ratios)
    ansible ansible-lint debootstrap python3-jsonschema  # the INFN Cloud entry (tests/deploy/catalogue)
  )
  # kubectl (for `kubectl kustomize` in the deploy tests): Debian's kubernetes-client, unless a
  # kubectl is already installed (e.g. Google Cloud SDK's package, which owns /usr/bin/kubectl and
  # would make dpkg refuse kubernetes-client).
  command -v kubectl >/dev/null || packages+=(kubernetes-client)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
