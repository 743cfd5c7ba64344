#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each one: first over its
# regression corpus (tests/fuzz/corpus/<target>/, every file once), then fuzzing for a
# short bounded time. Fails on any crash, sanitizer report or broken invariant; the input
# that did it is saved under $BUILD_DIR/fuzz-artifacts/ (add it to the corpus when fixed).
#
#   tests/fuzz/run.sh                      every target, FUZZ_SECONDS (20) each
#   FUZZ_SECONDS=600 FUZZ_SEED=0 FUZZ_RUNS=-1 tests/fuzz/run.sh   a long local run
#   FUZZ_SECONDS=0 tests/fuzz/run.sh timestamp   the regression corpus only, one target
#   FUZZ_MAX_LEN=4096 ...                   smaller inputs (default 65536): more executions
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-20}
build=${BUILD_DIR:-build-fuzz}
if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "fuzz: clang/clang++ not found; skipping the fuzz targets (install clang and libclang-rt-dev)"
  exit 0
fi

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSOCKFILTER_BUILD_TESTS=OFF -DSOCKFILTER_BUILD_FUZZERS=ON >/dev/null
ninja -C "$build" fuzzers

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for source in tests/fuzz/*_fuzz.cc; do
    name=$(basename "$source" _fuzz.cc)
    [ -x "$build/fuzz/${name}_fuzz" ] && targets+=("$name")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
artifacts="$build/fuzz-artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

for name in "${targets[@]}"; do
  binary="$build/fuzz/${name}_fuzz"
  corpus="tests/fuzz/corpus/$name"
  mkdir -p "$work/$name"
  seeds=()
  [ -d "$corpus" ] && mapfile -t seeds < <(find "$corpus" -type f | sort)
  echo "== fuzz $name: ${#seeds[@]} regression inputs"
  if [ ${#seeds[@]} -gt 0 ]; then
    "$binary" -timeout=10 -rss_limit_mb=2048 "${seeds[@]}" >"$work/$name.log" 2>&1 ||
      { cat "$work/$name.log"; echo "fuzz $name: a regression input fails"; exit 1; }
  fi
  if [ "$seconds" -gt 0 ]; then
    # New inputs go to the scratch directory (first), the repo's corpus is only read.
    dirs=("$work/$name")
    [ -d "$corpus" ] && dirs+=("$corpus")
    # A fixed seed and a fixed number of executions make the short run repeat exactly the
    # mutations a local run checked, on any machine, so a change that passes here passes
    # in CI; the time limit only caps a slow machine. Long local runs: FUZZ_SEED=0 (random)
    # FUZZ_RUNS=-1 (unlimited) FUZZ_SECONDS=600.
    "$binary" -seed="${FUZZ_SEED:-1}" -runs="${FUZZ_RUNS:-20000}" -max_total_time="$seconds" \
      -timeout=10 \
      -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" \
      -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "${dirs[@]}" \
      >"$work/$name.log" 2>&1 ||
      { tail -n 60 "$work/$name.log"; echo "fuzz $name: finding saved in $artifacts"; exit 1; }
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
    echo "   $name: ${runs:-?} executions (seed ${FUZZ_SEED:-1}), no findings"
  fi
done
