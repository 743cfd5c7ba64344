#!/usr/bin/env bash
# classify_vs_rg.sh - throughput of `sockfilter analyze --format json` against `rg -c` with
# the 12 socket-error patterns of peers.sh, on one corpus file: analyze on one thread
# (--jobs 1, the classification issue's measure), and with its default --jobs (the
# number of cores: the file is cut into as many pieces).
#
#   bench/classify_vs_rg.sh CORPUS [RUNS] [SOCKFILTER]
#
# Prints the median wall and CPU (user+sys) seconds of each and the ratio
# rg_time / sockfilter_time (1.0 = parity; higher is better for sockfilter). CPU time is
# printed too because wall time is unreliable on a busy machine.
#
# The 12 patterns find only part of the socket-error events. When bench/rule_atoms is
# built (-DSOCKFILTER_BUILD_BENCHMARKS=ON; RULE_ATOMS overrides the path), one more row
# times `rg -i -F` given every literal of the rules' prefilter: what a grep must look for
# to see every event that the exact counts need.
set -eu
F=${1:?usage: classify_vs_rg.sh CORPUS [RUNS] [SOCKFILTER]}
RUNS=${2:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SF=${3:-$HERE/build/sockfilter}
[ -x "$SF" ] || { echo "no sockfilter binary at $SF (pass it as the third argument)" >&2; exit 2; }
command -v rg >/dev/null || { echo "needs rg (ripgrep)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/classify_vs_rg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

RG=(rg -j1 -c -e 'Connection reset' -e 'connection reset' -e 'Broken pipe' -e 'broken pipe'
    -e 'Connection refused' -e 'connection refused' -e 'timed out' -e 'i/o timeout'
    -e 'Bad file descriptor' -e 'Transport endpoint is not connected'
    -e 'Too many open files' -e 'ECONNRESET' "$F")
SFA=("$SF" analyze --jobs 1 --format json "$F")
SFJ=("$SF" analyze --format json "$F")
ATOMS_BIN=${RULE_ATOMS:-$(dirname "$SF")/bench/rule_atoms}

cat "$F" >/dev/null  # into the page cache

# median of RUNS runs after one warm-up: prints "wall_s cpu_s"
measure() {
  "$@" >/dev/null 2>&1 || true
  : >"$TMP/runs"
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$TMP/cpu" "$@" >"$TMP/out" 2>/dev/null
    t1=$(date +%s%N)
    read -r u s <"$TMP/cpu"
    echo "$(( t1 - t0 )) $u $s" >>"$TMP/runs"
  done
  m=$(( (RUNS + 1) / 2 ))
  wall=$(awk '{print $1 / 1e9}' "$TMP/runs" | sort -g | sed -n "${m}p")
  cpu=$(awk '{print $2 + $3}' "$TMP/runs" | sort -g | sed -n "${m}p")
  echo "$wall $cpu"
}

read -r rg_wall rg_cpu < <(measure "${RG[@]}")
read -r sf_wall sf_cpu < <(measure "${SFA[@]}")
read -r sj_wall sj_cpu < <(measure "${SFJ[@]}")
ra_wall=0 ra_cpu=0
if [ -x "$ATOMS_BIN" ]; then
  "$ATOMS_BIN" >"$TMP/atoms"
  read -r ra_wall ra_cpu < <(measure rg -j1 -c -i -F -f "$TMP/atoms" "$F")
fi
BYTES=$(stat -c %s "$F")
awk -v b="$BYTES" -v rw="$rg_wall" -v rc="$rg_cpu" -v sw="$sf_wall" -v sc="$sf_cpu" \
    -v jw="$sj_wall" -v jc="$sj_cpu" -v aw="$ra_wall" -v ac="$ra_cpu" -v n="$(nproc)" \
    -v na="$( [ -s "$TMP/atoms" ] && wc -l <"$TMP/atoms" || echo 0)" -v f="$F" 'BEGIN {
  printf "# %s (%d bytes), median of runs\n", f, b
  printf "%-40s %8s %8s %10s %8s\n", "tool", "wall_s", "cpu_s", "MB/s(wall)", "ratio"
  printf "%-40s %8.3f %8.3f %10.0f\n", "rg -c (12 patterns)", rw, rc, b / 1e6 / rw
  printf "%-40s %8.3f %8.3f %10.0f %8.2f\n", "sockfilter analyze --jobs 1", sw, sc, b / 1e6 / sw, rw / sw
  printf "%-40s %8.3f %8.3f %10.0f %8.2f\n", "sockfilter analyze (" n " cores)", jw, jc, b / 1e6 / jw, rw / jw
  if (aw > 0)
    printf "%-40s %8.3f %8.3f %10.0f %8.2f\n", "rg -c -i -F (" na " prefilter literals)", aw, ac,
           b / 1e6 / aw, aw / sw
  printf "ratio: rg time / sockfilter time (wall); cpu, --jobs 1: %.2f\n", (sc > 0 ? rc / sc : 0)
  if (aw > 0) printf "last row: its ratio is that rg time / sockfilter --jobs 1 time\n"
}'
