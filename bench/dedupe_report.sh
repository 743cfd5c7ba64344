#!/usr/bin/env bash
# dedupe_report.sh - flood suppression on a gen_corpus.py corpus, scored against its
# sidecar, with throughput against cat and rg and peak memory.
#
#   bench/dedupe_report.sh [CORPUS] [RUNS]
#
# CORPUS defaults to /tmp/corpus/default-1g.log (gen_corpus.py 1024 ... --seed 1). Beside
# it: CORPUS.truth.json and the --events-out table (NAME.events.tsv or CORPUS.events.tsv).
# RUNS timed runs for throughput (default 3, median). Environment:
#   SOCKFILTER    the binary (default ../build/sockfilter)
#   CENSUS        bench/signature_census of a -DSOCKFILTER_BUILD_BENCHMARKS=ON build
#                 (default beside SOCKFILTER); skipped when absent
#   PEERS         ../shared/bench/peers.sh (cat and rg -c with the 12 patterns)
#   FLOOD_EVENTS  unique socket-error signatures piped in for the memory check
#                 (default 10000000; 0 skips it)
# Needs python3 and /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${SOCKFILTER:-$here/../build/sockfilter}
census=${CENSUS:-$(dirname "$bin")/bench/signature_census}
peers=${PEERS:-$here/../../shared/bench/peers.sh}
corpus=${1:-/tmp/corpus/default-1g.log}
runs=${2:-3}
flood=${FLOOD_EVENTS:-10000000}
truth=$corpus.truth.json
events=${corpus%.log}.events.tsv
[ -f "$events" ] || events=$corpus.events.tsv
for f in "$corpus" "$truth" "$events"; do [ -r "$f" ] || { echo "cannot read $f" >&2; exit 2; }; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))" "$@"; }

echo "# corpus $corpus ($(stat -c %s "$corpus") bytes), $(nproc) cpu, load $(cut -d' ' -f1-3 /proc/loadavg)"

census_tsv=
if [ -x "$census" ]; then
  "$census" "$corpus" "$tmp/census.tsv" >"$tmp/census.json"
  census_tsv=$tmp/census.tsv
  echo "signature census: $(cat "$tmp/census.json")"
else
  echo "signature census: skipped ($census not built; -DSOCKFILTER_BUILD_BENCHMARKS=ON)"
fi

score() {  # name, then sockfilter arguments
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" "$bin" --stats "$@" "$corpus" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  python3 "$here/dedupe_score.py" "$corpus" "$tmp/$name.out" "$tmp/$name.err" "$truth" \
    "$events" $census_tsv >"$tmp/$name.json"
  read -r wall user sys rss <"$tmp/$name.time"
  echo "== $name ($*): ${wall}s wall, ${user}s user, ${sys}s sys, peak RSS $((rss / 1024)) MiB"
  field "$tmp/$name.json" '"signatures: %d found (stats) vs %d in the sidecar" % (signatures_found, signatures_truth)'
  [ -n "$census_tsv" ] && field "$tmp/$name.json" \
    '"  census: nine causes %(nine_causes)d; on the sidecar socket events %(nine_causes_true_socket_events)d (ratio %(true_socket_ratio)s, %(truth_signatures_split)d split, %(signatures_merging_truth)d merging); all causes %(all_causes)d" % census'
  field "$tmp/$name.json" '"sidecar signatures with a sample in the output: %d of %d" % (truth_signatures_with_a_sample, truth_signatures)'
  field "$tmp/$name.json" '"invariant: lines_in == lines_out + lines_suppressed: %s; markers lines= sum == lines_suppressed: %s (%d markers)" % (invariant_lines, invariant_markers, markers)'
  field "$tmp/$name.json" '"socket-error bytes left: %d of %d = %.2f%%" % (socket_bytes_left, socket_bytes_in, socket_bytes_left_pct)'
}
score defaults
score long-window --window 3600 --marker-interval 600

# Throughput: the default filter against cat and rg -c (12 patterns), wall-clock medians.
# Its output goes where the peers' does (peers.sh: cat >/dev/null): a file on a disk-backed
# /tmp would add the kernel's writeback of ~800 MB, which is the disk's time, not the
# filter's (the scored runs above write files and show it as sys time).
t=()
for ((i = 0; i < runs; i++)); do
  t0=$(date +%s%N); "$bin" "$corpus" >/dev/null; t1=$(date +%s%N)
  t+=($(( t1 - t0 )))
done
ours=$(printf '%s\n' "${t[@]}" | median)
if [ -x "$peers" ] || [ -r "$peers" ]; then
  bash "$peers" "$corpus" "$runs" 'cat|rg-e12$' >"$tmp/peers.txt"
  cat "$tmp/peers.txt"
  for p in cat rg-e12; do
    s=$(awk -v p="$p" '$1 == p {print $2}' "$tmp/peers.txt")
    [ -n "$s" ] && awk -v p="$p" -v s="$s" -v o="$ours" \
      'BEGIN {printf "sockfilter (defaults) %.3f s: %.2fx %s\n", o / 1e9, s / (o / 1e9), p}'
  done
else
  awk -v o="$ours" 'BEGIN {printf "sockfilter (defaults) %.3f s; peers.sh not found\n", o / 1e9}'
fi

# Memory under a flood of unique signatures (letters only, so no mask merges two).
if [ "$flood" -gt 0 ]; then
  python3 - "$flood" <<'PY' | /usr/bin/time -f '%M' -o "$tmp/flood.rss" "$bin" --stats \
    >/dev/null 2>"$tmp/flood.err"
import itertools, sys
n = int(sys.argv[1])
letters = "ghijklmnopqrstuvwxyz"
out = sys.stdout
batch = []
for i, name in enumerate(itertools.product(letters, repeat=6)):
    if i == n:
        break
    batch.append("2024-03-11 03:13:29,842 ERROR [main] worker %s: java.net.SocketException: "
                 "Connection reset\n" % "".join(name))
    if len(batch) == 10000:
        out.write("".join(batch))
        batch = []
out.write("".join(batch))
PY
  echo "unique-signature flood of $flood events: peak RSS $(( $(tail -1 "$tmp/flood.rss") / 1024 )) MiB; $(grep lines_in "$tmp/flood.err")"
fi
