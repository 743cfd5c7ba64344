#!/usr/bin/env bash
# The newcomer's command: install what is missing, build, and run sockfilter on the
# bundled samples so you see a flood collapse and the summary of what it was.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
bin=build/sockfilter
sample=samples/java/spring-reset-flood.log
[ -f "$sample" ] || sample=$(ls samples/*/*.log | head -1)

printf '\n== %s: %s lines in\n' "$sample" "$(wc -l <"$sample")"
"$bin" --stats "$sample" 2>/tmp/sockfilter-demo-stats.json | tail -n 12 || "$bin" "$sample" | tail -n 12
printf '\n== the same, accounted (--stats on stderr):\n'
cat /tmp/sockfilter-demo-stats.json 2>/dev/null || true
printf '\n== summary of every sample (sockfilter analyze samples/):\n'
"$bin" analyze samples/ 2>/dev/null || "$bin" analyze --format json samples/*/*.log
