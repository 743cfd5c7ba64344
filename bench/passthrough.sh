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
# (Read whole, not through a pipe: with pipefail, grep -q closing it early would fail the
# test and silently time the default filter instead.)
help=$("$bin" filter --help 2>/dev/null || true)
[[ $help == *--dedupe* ]] && mode=(--dedupe none)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
measure() {  # name command...; prints "name wall_s MB/s cpu_s peak_MiB"
  local name=$1; shift
  # Output goes to a file, not /dev/null: GNU grep stops at the first match when its
  # output is /dev/null.
  bash -c "$*" >"$tmp/out" 2>&1
  local t=() c=() m=()
  for ((i = 0; i < runs; i++)); do
    local t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$tmp/rss" bash -c "$*" >"$tmp/out" 2>&1
    local t1=$(date +%s%N)
    t+=($(( t1 - t0 )))
    c+=($(tail -1 "$tmp/rss" | awk '{print $1 + $2}'))
    m+=($(tail -1 "$tmp/rss" | awk '{print $3}'))
  done
  local s=$(printf '%s\n' "${t[@]}" | median)
  local cpu=$(printf '%s\n' "${c[@]}" | median)
  local kb=$(printf '%s\n' "${m[@]}" | median)
  awk -v n="$name" -v ns="$s" -v b="$bytes" -v kb="$kb" -v cpu="$cpu" \
    'BEGIN {s = ns / 1e9; printf "%-28s %8.3f s %8.0f MB/s %8.3f s cpu %8.1f MiB\n", n, s, b / 1e6 / s, cpu, kb / 1024}'
  echo "$s" >"$tmp/$name"
  echo "$cpu" >"$tmp/$name.cpu"
}

cat "$corpus" >/dev/null
echo "# corpus $corpus: $bytes bytes; median of $runs runs; $(nproc) cpu"
measure cat "cat '$corpus' > /dev/null"
measure grep-c-F "grep -c -F 'Connection reset' '$corpus'"
measure sockfilter-file "'$bin' ${mode[*]} '$corpus' > /dev/null"  # sockfilter does not peek
measure cat-pipe "cat '$corpus' | cat > /dev/null"
measure sockfilter-pipes "cat '$corpus' | '$bin' ${mode[*]} | cat > /dev/null"

# Wall-time ratios are the targets; CPU-time ratios (user+sys of the whole command) are
# printed too, because on a busy machine wall time measures the other load as well.
r() { awk -v a="$(cat "$tmp/$1")" -v b="$(cat "$tmp/$2")" 'BEGIN {printf "%.2f", (a > 0 ? b / a : 0)}'; }
echo "ratio sockfilter-file / grep-c-F: $(r sockfilter-file grep-c-F)x wall, $(r sockfilter-file.cpu grep-c-F.cpu)x cpu (target >= 1.0)"
echo "ratio sockfilter-file / cat:      $(r sockfilter-file cat)x wall, $(r sockfilter-file.cpu cat.cpu)x cpu (target >= 0.25)"
awk -v ns="$(cat "$tmp/sockfilter-pipes")" -v b="$bytes" \
  'BEGIN {printf "sockfilter through pipes:       %.2f GB/s (target >= 2)\n", b / ns}'
