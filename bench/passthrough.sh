#!/usr/bin/env bash
# passthrough.sh - pass-through throughput (event assembly on, nothing suppressed) against
# cat and grep -c -F, in one run, as ratios.
#
#   bench/passthrough.sh [CORPUS] [RUNS]
#
# CORPUS defaults to a 1 GiB corpus made by ../shared/bench/gen_corpus.py (seed 1) in
# $TMPDIR. Each command runs once untimed (page cache), then RUNS times (default 5); the
# median is reported. Needs /usr/bin/time (Debian package "time").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${SOCKFILTER:-$here/../build/sockfilter}
corpus=${1:-}
runs=${2:-5}
if [ -z "$corpus" ]; then
  corpus=${TMPDIR:-/tmp}/sockfilter-bench-1g.log
  [ -f "$corpus" ] || python3 "$here/../../shared/bench/gen_corpus.py" 1024 "$corpus" --seed 1
fi
bytes=$(stat -c %s "$corpus")
# Pass-through: no suppression, when the build has the option; otherwise the default.
mode=()
"$bin" --help 2>/dev/null | grep -q -- '--dedupe' && mode=(--dedupe none)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
measure() {  # name command...; prints "name seconds MB/s peak_MiB"
  local name=$1; shift
  # Output goes to a file, not /dev/null: GNU grep stops at the first match when its
  # output is /dev/null.
  bash -c "$*" >"$tmp/out" 2>&1
  local t=() m=()
  for ((i = 0; i < runs; i++)); do
    local t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$tmp/rss" bash -c "$*" >"$tmp/out" 2>&1
    local t1=$(date +%s%N)
    t+=($(( t1 - t0 ))); m+=($(tail -1 "$tmp/rss"))
  done
  local s=$(printf '%s\n' "${t[@]}" | median)
  local kb=$(printf '%s\n' "${m[@]}" | median)
  awk -v n="$name" -v ns="$s" -v b="$bytes" -v kb="$kb" \
    'BEGIN {s = ns / 1e9; printf "%-28s %8.3f s %8.0f MB/s %8.1f MiB\n", n, s, b / 1e6 / s, kb / 1024}'
  echo "$s" >"$tmp/$name"
}

cat "$corpus" >/dev/null
echo "# corpus $corpus: $bytes bytes; median of $runs runs; $(nproc) cpu"
measure cat "cat '$corpus' > /dev/null"
measure grep-c-F "grep -c -F 'Connection reset' '$corpus'"
measure sockfilter-file "'$bin' ${mode[*]} '$corpus' > /dev/null"  # sockfilter does not peek
measure cat-pipe "cat '$corpus' | cat > /dev/null"
measure sockfilter-pipes "cat '$corpus' | '$bin' ${mode[*]} | cat > /dev/null"

r() { awk -v a="$(cat "$tmp/$1")" -v b="$(cat "$tmp/$2")" 'BEGIN {printf "%.2f", b / a}'; }
echo "ratio sockfilter-file / grep-c-F: $(r sockfilter-file grep-c-F)x (target >= 1.0)"
echo "ratio sockfilter-file / cat:      $(r sockfilter-file cat)x (target >= 0.25)"
awk -v ns="$(cat "$tmp/sockfilter-pipes")" -v b="$bytes" \
  'BEGIN {printf "sockfilter through pipes:       %.2f GB/s (target >= 2)\n", b / ns}'
