#!/usr/bin/env bash
# Builds and runs every test: the suite and the integration lab (tests/lab: real servers,
# injected faults) in a normal Release build, then the suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, then the fuzz targets' regression
# corpora and a short fuzz run each (when clang is available). Fails on any failure or
# sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

jobs=$(nproc)
echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
(cd build && ctest --output-on-failure -j1)

echo "== ASan + UBSan build and tests"
# -O1 -g1: sanitizer builds compile much faster than at -O2 -g and still report well.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DSOCKFILTER_SANITIZE=ON >/dev/null
ninja -C build-sanitize
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -LE lab: the integration lab (real servers, tests/lab) ran once against the Release build.
(cd build-sanitize && ctest --output-on-failure -j1 -LE lab)

if [ -x tests/fuzz/run.sh ]; then
  echo "== fuzz targets"
  tests/fuzz/run.sh
fi
