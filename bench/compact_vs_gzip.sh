#!/bin/sh
# Throughput of `sockfilter compact` on a gzip file (gzip in, gzip out) against its peer,
# `zcat FILE | gzip -1 > /dev/null` (recompressing the same file, two processes).
#
#   bench/compact_vs_gzip.sh [SOCKFILTER] [PLAIN_LOG] [RUNS]
#
# Defaults: build/sockfilter, /tmp/corpus/default-1g.log (gen_corpus.py 1024 ... --seed 1),
# 3 runs each; the best run of each counts. PLAIN_LOG.gz is made once with `gzip -1 -k`.
# Each compaction works on a fresh copy in a scratch directory (the copy is not timed).
set -eu

bin=${1:-build/sockfilter}
log=${2:-/tmp/corpus/default-1g.log}
runs=${3:-3}
gz=$log.gz
scratch=$(mktemp -d "${TMPDIR:-/tmp}/compact-bench-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

[ -f "$gz" ] || gzip -1 -k "$log"
plain_bytes=$(zcat "$gz" | wc -c)

now() { date +%s.%N; }
best() { sort -g | head -n 1; }

peer_times=""
ours_times=""
i=0
while [ "$i" -lt "$runs" ]; do
  i=$((i + 1))
  t0=$(now)
  zcat "$gz" | gzip -1 > /dev/null
  t1=$(now)
  peer_times="$peer_times$(echo "$t1 - $t0" | bc)\n"

  cp "$gz" "$scratch/app.log.gz"
  sync
  t0=$(now)
  "$bin" compact --quiet "$scratch/app.log.gz" > "$scratch/result"
  t1=$(now)
  ours_times="$ours_times$(echo "$t1 - $t0" | bc)\n"
  rm -f "$scratch/app.log.gz" "$scratch/app.log.gz.sockfilter.json"
done

peer=$(printf "$peer_times" | best)
ours=$(printf "$ours_times" | best)
mib=$(echo "$plain_bytes / 1048576" | bc -l)
printf 'input: %s (%.0f MiB decompressed, %s bytes gzip -1)\n' "$gz" "$mib" "$(stat -c %s "$gz")"
printf 'zcat | gzip -1 > /dev/null : %6.2f s  %7.1f MiB/s\n' "$peer" "$(echo "$mib / $peer" | bc -l)"
printf 'sockfilter compact (gz->gz): %6.2f s  %7.1f MiB/s\n' "$ours" "$(echo "$mib / $ours" | bc -l)"
printf 'ratio compact / peer       : %.2fx (target >= 0.80x)\n' "$(echo "$peer / $ours" | bc -l)"
cat "$scratch/result"
