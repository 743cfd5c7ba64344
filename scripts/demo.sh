#!/usr/bin/env bash
# The newcomer's command: install what is missing, build, and run sockfilter on the
# bundled samples, so you see a flood collapse into markers and the summary of why.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== building build/sockfilter" >&2
scripts/build.sh >/dev/null
bin=build/sockfilter
sample=samples/java/spring-reset.log

printf '\n== sockfilter --stats %s   (%s lines in; last lines of the output)\n' \
  "$sample" "$(wc -l <"$sample")"
"$bin" --stats "$sample" 2>"${TMPDIR:-/tmp}/sockfilter-demo-stats.json" | tail -n 6
printf '\n== accounting (--stats, on stderr):\n'
cat "${TMPDIR:-/tmp}/sockfilter-demo-stats.json"
printf '\n== sockfilter analyze samples/\n'
"$bin" analyze samples/
