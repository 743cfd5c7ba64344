#!/usr/bin/env bash
# analyze_jobs.sh - parallel speed-up of `sockfilter analyze`: 4 files of 256 MiB analysed
# with --jobs 1 and --jobs 2 (target: --jobs 2 at >= 1.7x the single-job throughput).
#
#   bench/analyze_jobs.sh SOCKFILTER [CORPUS_1GIB] [RUNS]
#
#   SOCKFILTER   the built binary (e.g. build/sockfilter)
#   CORPUS_1GIB  a 1 GiB log to cut into 4 files at line boundaries (default
#                /tmp/corpus/default-1g.log; generated with ../shared/bench/gen_corpus.py
#                when absent)
#   RUNS         timed runs per setting after one warm-up (default 3); the median is used
#
# Output: one line per setting (jobs, median seconds, MB/s) and the speed-up. The parts
# stay in $TMPDIR/sockfilter-analyze-bench for later runs; the check that both settings
# give the same report (apart from timing) is part of the run.
set -euo pipefail
BIN=${1:?usage: analyze_jobs.sh SOCKFILTER [CORPUS_1GIB] [RUNS]}
CORPUS=${2:-/tmp/corpus/default-1g.log}
RUNS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${TMPDIR:-/tmp}/sockfilter-analyze-bench
mkdir -p "$DIR"

if [ ! -r "$CORPUS" ]; then
  GEN="$HERE/../../shared/bench/gen_corpus.py"
  [ -r "$GEN" ] || { echo "no corpus and no gen_corpus.py" >&2; exit 2; }
  CORPUS="$DIR/corpus-1g.log"
  [ -r "$CORPUS" ] || python3 "$GEN" 1024 "$CORPUS" --seed 1 >/dev/null 2>&1
fi
if [ ! -r "$DIR/part-3.log" ]; then
  split -n l/4 -d -a 1 --additional-suffix=.log "$CORPUS" "$DIR/part-"
fi
PARTS=("$DIR"/part-{0,1,2,3}.log)
BYTES=$(cat "${PARTS[@]}" | wc -c)
cat "${PARTS[@]}" >/dev/null  # into the page cache

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {  # jobs -> median seconds
  local jobs=$1 t0 t1
  "$BIN" analyze --jobs "$jobs" --format json "${PARTS[@]}" >"$DIR/report-$jobs.json"
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    "$BIN" analyze --jobs "$jobs" --format json "${PARTS[@]}" >/dev/null
    t1=$(date +%s%N)
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
  done | median
}

T1=$(run 1)
T2=$(run 2)
cmp -s "$DIR/report-1.json" "$DIR/report-2.json" || { echo "reports differ between --jobs 1 and 2" >&2; exit 1; }
printf "jobs=1  %6.2f s  %7.1f MB/s\n" "$T1" "$(echo "$BYTES / 1000000 / $T1" | bc -l)"
printf "jobs=2  %6.2f s  %7.1f MB/s\n" "$T2" "$(echo "$BYTES / 1000000 / $T2" | bc -l)"
printf "speed-up %.2fx (target >= 1.7x)\n" "$(echo "$T1 / $T2" | bc -l)"
