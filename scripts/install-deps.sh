#!/usr/bin/env bash
# Installs what sockfilter needs to build and test, from Debian 12 packages, if missing.
# Idempotent: does nothing (and needs no network) when everything is there.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries
  libre2-dev libsimdjson-dev libspdlog-dev libfmt-dev libboost-program-options-dev
  libtomlplusplus-dev zlib1g-dev libzstd-dev catch2 libbenchmark-dev
  # tests: real tools the end-to-end tests drive, fuzzers (clang's libFuzzer)
  python3 gzip zstd logrotate procps util-linux time clang libclang-rt-14-dev
  # the integration lab (tests/lab): real servers and `ss`
  nginx default-jdk-headless iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
