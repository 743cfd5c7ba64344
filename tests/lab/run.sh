#!/usr/bin/env bash
# The integration lab: real servers (nginx in front of a Python service, a JVM service, a
# C program) on 127.0.0.1, faults injected by bounded loops, and sockfilter's filter,
# analyzer and probe checked against what the servers really logged. See tests/lab/README.md.
#
#   tests/lab/run.sh path/to/sockfilter        (ctest -L lab runs it)
#
# Writes $LAB_OUT/report.md (default ./lab-out). Exit status 0 when every scenario passed.
set -euo pipefail

SOCKFILTER=$(realpath "${1:?usage: run.sh path/to/sockfilter}")
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
LAB_OUT=$(realpath -m "${LAB_OUT:-lab-out}")
REPORT="$LAB_OUT/report.md"

# Faults per server and scenario. 5: the response scenarios then hold 10 HTTP aborts that
# name no client (JVM and Python) beside nginx's five named lines, the analyzer's floor for
# a client abort, however nginx happens to word its lines.
FAULTS=${LAB_FAULTS:-5}
CLIENTS=4                 # distinct client addresses, 127.0.0.2 and up
FLOOD=30                  # connects against the backlog-1 listener
IDLE_TIMEOUT=5            # the Python upstream's keep-alive timeout, seconds
IDLE_SPACING=5.5          # seconds between the idle scenario's requests
IDLE_REUSES=6             # idle reuses: the analyzer needs 5 quiet gaps, 6 resets make 5

# Everything the lab runs comes from Debian packages; install what is missing.
for tool in nginx java javac python3 gcc ss setsid timeout; do
  if ! command -v "$tool" >/dev/null; then
    "$LAB_DIR/../../scripts/install-deps.sh"
    break
  fi
done

# shellcheck source=lib/procs.sh
source "$LAB_DIR/lib/procs.sh"
# shellcheck source=lib/servers.sh
source "$LAB_DIR/lib/servers.sh"
# shellcheck source=lib/scenarios.sh
source "$LAB_DIR/lib/scenarios.sh"

LAB_TMP=$(mktemp -d)
: >"$LAB_TMP/pids"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  lab_stop_all
  lab_stop_watchdog
  # LAB_KEEP=1 keeps the servers' logs and the scenarios' cut logs for a look.
  if [ "${LAB_KEEP:-0}" = 1 ]; then echo "lab: kept $LAB_TMP" >&2; else rm -rf "$LAB_TMP"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lab_start_watchdog

# Nothing the lab started may still listen once it has stopped them.
assert_nothing_listens() {
  local port left=0
  for port in "${LAB_PORTS[@]}"; do
    if ss -ltnH "sport = :$port" | grep -q .; then
      echo "lab: port $port still listens after the lab stopped its processes" >&2
      left=1
    fi
  done
  return "$left"
}

main() {
  local started=$SECONDS
  mkdir -p "$LAB_OUT" "$LAB_TMP/scenarios" "$LAB_TMP/misuse"
  gcc -O1 -Wall -o "$LAB_TMP/misuse/misuse" "$LAB_DIR/faults/misuse.c"
  start_servers
  {
    echo "# sockfilter integration lab"
    echo
    echo "$("$SOCKFILTER" --version), $(nginx -v 2>&1), $(java -version 2>&1 | head -1)," \
      "Python $(python3 -c 'import platform; print(platform.python_version())')," \
      "Linux $(uname -r). Faults per server and scenario: $FAULTS."
    echo
  } >"$REPORT"
  start_idle_scenario

  scenario_clean
  scenario_reset_mid_request
  scenario_reset_mid_response
  scenario_client_abort
  scenario_upstream_fault
  scenario_refused
  scenario_accept_overflow
  scenario_misuse use_after_close ebadf bad_fd use_after_close ': Bad file descriptor$'
  scenario_misuse wrong_descriptor enotconn not_connected wrong_descriptor \
    ': Transport endpoint is not connected$'
  finish_idle_scenario

  python3 "$LAB_DIR/check/totals.py" --sockfilter "$SOCKFILTER" --report "$REPORT" \
    --scenarios "$LAB_TMP/scenarios" "${LOGS[@]}" || FAILED+=(totals)

  lab_stop_all
  LAB_PIDS=()
  assert_nothing_listens || FAILED+=(listeners)
  echo "lab: $((SECONDS - started)) s, report in $REPORT"
  echo "Lab runtime: $((SECONDS - started)) s." >>"$REPORT"
  if [ ${#FAILED[@]} -gt 0 ]; then
    echo "lab: FAILED: ${FAILED[*]}" >&2
    return 1
  fi
}

main
