#!/usr/bin/env bash
# The accept-queue scenario in one place: a listener with backlog 1 that never accepts,
# `sockfilter probe` before and after a flood of connects, all in one capture.
#
#   overflow.sh SOCKFILTER DIR FLOOD CLIENTS
#
# The lab runs it as `unshare --net overflow.sh ...` when it may make a network namespace
# (LAB_NETNS=1): the TCP counters the probe reads (ListenOverflows, ListenDrops) are then
# the namespace's own, and nothing else on the machine (another test flooding its own
# listener) can add to them. Otherwise it runs on the host, where the counters are
# host-wide. Writes DIR/port, DIR/probe.json and DIR/flood.json (the injector's counts).
set -euo pipefail

sockfilter=$1 dir=$2 flood=$3 clients=$4
lab=$(cd "$(dirname "$0")/.." && pwd)
[ "${LAB_NETNS:-0}" != 1 ] || ip link set lo up

python3 "$lab/servers/backlog.py" --port-file "$dir/port" --lifetime 60 &
listener=$!
trap 'kill "$listener" 2>/dev/null || true; wait "$listener" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$dir/port" ] && break
  sleep 0.1
done
port=$(cat "$dir/port")

"$sockfilter" probe --count 1 --format json --port "$port" >"$dir/probe.json"
timeout 60 python3 "$lab/faults/inject.py" flood --port "$port" --count "$flood" \
  --clients "$clients" --gap 0.03 >"$dir/flood.json"
"$sockfilter" probe --count 1 --format json --port "$port" >>"$dir/probe.json"
