# Process bookkeeping for the lab (sourced by run.sh). Every process the lab starts goes
# through lab_start: it runs in a session of its own, so its PID is also its process group
# and its children (nginx's workers) stop with it, and its PID is recorded. lab_stop_all
# stops them by PID, gently first; a watchdog does it if the lab itself is killed.
#
# Needs LAB_TMP (the lab's temporary directory).

LAB_PIDS=()

# lab_start OUTFILE CMD... — starts CMD with stdout and stderr in OUTFILE; sets LAB_LAST_PID.
lab_start() {
  local out=$1
  shift
  # Without job control a background child is not a group leader, so setsid does not
  # fork again: $! is the new session's (and group's) leader.
  setsid "$@" >"$out" 2>&1 </dev/null &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
  echo "$LAB_LAST_PID" >>"$LAB_TMP/pids"
}

lab_alive() { kill -0 -- "-$1" 2>/dev/null; }

# Stops every recorded process group: TERM, up to 5 s to exit, then KILL.
lab_stop_all() {
  local pid deadline=$((SECONDS + 5))
  for pid in "${LAB_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${LAB_PIDS[@]}"; do
    while lab_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if lab_alive "$pid"; then
      echo "lab: process group $pid ignored TERM, killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  for pid in "${LAB_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# A guard in its own session: if this shell dies without running its EXIT trap (SIGKILL,
# a CTest timeout), it kills the recorded groups. The trap stops it first on a normal exit.
lab_start_watchdog() {
  local parent=$$
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null; done <"$2"' \
    lab-watchdog "$parent" "$LAB_TMP/pids" >/dev/null 2>&1 </dev/null &
  LAB_WATCHDOG=$!
}

lab_stop_watchdog() {
  if [ -n "${LAB_WATCHDOG:-}" ]; then
    kill -TERM "$LAB_WATCHDOG" 2>/dev/null || true
    wait "$LAB_WATCHDOG" 2>/dev/null || true
  fi
}

# wait_for_file PATH SECONDS — a server writes its port file once it listens.
wait_for_file() {
  local deadline=$((SECONDS + $2))
  while [ ! -s "$1" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "lab: $1 did not appear within $2 s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# wait_listening PORT SECONDS — until something listens on 127.0.0.1:PORT.
wait_listening() {
  local deadline=$((SECONDS + $2))
  until ss -ltnH "sport = :$1" | grep -q .; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "lab: nothing listens on port $1 after $2 s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# A port nobody listens on now (the kernel's choice of an ephemeral port, released).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
