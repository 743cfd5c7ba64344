# The lab's scenarios (sourced by run.sh). Each one notes where the servers' logs end,
# injects a bounded number of faults, and hands the logs' new parts to check/scenario.py
# with what the design says the servers write per fault. The expected counts are the
# injectors' own counts times those lines per fault; the patterns are the test's own.

declare -A OFF=()
FAILED=()

# A Python write that failed either way; the named group is the cause (check/scenario.py).
EITHER_RESET_OR_PIPE='^(?:(?P<conn_reset>ConnectionResetError: \[Errno 104\] Connection reset by peer)|(?P<broken_pipe>BrokenPipeError: \[Errno 32\] Broken pipe))$'

mark_logs() {
  local name
  for name in "${!LOGS[@]}"; do OFF[$name]=$(stat -c %s "${LOGS[$name]}"); done
}

# log_args NAME... — the --log arguments for the checker, from the marks.
log_args() {
  LOG_ARGS=()
  local name
  for name in "$@"; do LOG_ARGS+=(--log "$name=${LOGS[$name]}@${OFF[$name]}"); done
}

# inject ARGS... — runs an injector (bounded by its own count and deadline, and by a
# timeout here) and prints the number of faults it injected.
inject() {
  local json
  json=$(timeout 120 python3 "$LAB_DIR/faults/inject.py" --clients "$CLIENTS" "$@")
  python3 -c 'import json, sys; print(json.loads(sys.argv[1])["injected"])' "$json"
}

# check_scenario NAME TOP ARGS... — a failed check is recorded; the lab goes on, so the
# report shows every scenario.
check_scenario() {
  local name=$1 top=$2
  shift 2
  if ! python3 "$LAB_DIR/check/scenario.py" --name "$name" --top "$top" \
    --sockfilter "$SOCKFILTER" --dir "$LAB_TMP/scenarios/$name" --report "$REPORT" "$@"; then
    FAILED+=("$name")
  fi
}

# Injected must equal asked: clean traffic that fails is itself a failure (so is an
# injector that printed no count at all).
require_all() {
  if ! [ "$2" -eq "$3" ] 2>/dev/null; then
    echo "lab: $1: $2 of $3 requests succeeded" >&2
    FAILED+=("$1")
  fi
}

scenario_clean() {
  mark_logs
  local n=$FAULTS
  require_all clean "$(inject request --port "$NGINX_PORT" --count "$n" --path /ok)" "$n"
  require_all clean "$(inject request --port "$NGINX_PORT" --count "$n" \
    --path '/big?size=2097152')" "$n"
  require_all clean "$(inject request --port "$JAVA_PORT" --count "$n" --path /ok)" "$n"
  require_all clean "$(inject request --port "$JAVA_PORT" --count "$n" \
    --path '/big?size=2097152')" "$n"
  require_all clean "$(inject request --port "$PYSVC_PORT" --count "$n" --path /ok)" "$n"
  require_all clean "$(inject request --port "$JAVA_PORT" --count "$n" \
    --path "/call?port=$PYSVC_PORT")" "$n"
  require_all clean "$(inject request --port "$PYSVC_PORT" --count "$n" \
    --path "/call?port=$JAVA_PORT")" "$n"
  log_args java pysvc nginx pysvc_up
  check_scenario clean none "${LOG_ARGS[@]}" \
    --note "Normal traffic only: small and 2 MiB responses through nginx and direct, each service calling the other. No socket error may be logged."
}

scenario_reset_mid_request() {
  mark_logs
  local j p g
  j=$(inject reset-request --port "$JAVA_PORT" --count "$FAULTS")
  p=$(inject reset-request --port "$PYSVC_PORT" --count "$FAULTS")
  g=$(inject reset-request --port "$NGINX_PORT" --count "$FAULTS")
  log_args java pysvc nginx pysvc_up
  # One event per fault in each server: the read of the rest of the headers fails. nginx
  # never reached its upstream (no complete request), so the Python service logs nothing
  # for the nginx faults.
  check_scenario reset_mid_request peer_closed "${LOG_ARGS[@]}" \
    --note "The client sends a request line and one header, waits 20 ms, and closes with SO_LINGER {1,0} (RST): $j faults to the JVM, $p to Python, $g to nginx." \
    --expect "java|conn_reset|^java\.net\.SocketException: Connection reset$|$j" \
    --expect "pysvc|conn_reset|^ConnectionResetError: \[Errno 104\] Connection reset by peer$|$p" \
    --expect "nginx|conn_reset|recv\(\) failed \(104: Connection reset by peer\) while reading client request headers|$g"
}

scenario_reset_mid_response() {
  mark_logs
  local j p g path='/big?size=33554432'
  j=$(inject reset-response --port "$JAVA_PORT" --count "$FAULTS" --path "$path")
  p=$(inject reset-response --port "$PYSVC_PORT" --count "$FAULTS" --path "$path")
  g=$(inject reset-response --port "$NGINX_PORT" --count "$FAULTS" --path "$path")
  log_args java pysvc nginx pysvc_up
  # 32 MiB never fits in the socket buffers, so each server is blocked writing when the
  # RST comes: one event per fault. Through nginx, two: nginx's line about the client,
  # then the upstream's failed write, as nginx closes its upstream connection. nginx words
  # its line "writev() failed (104: ...)" when the RST meets its write, "epoll_wait()
  # reported that client prematurely closed connection, so upstream connection is closed
  # too (104: ...)" when it comes while nginx waits; either ends "... while reading
  # upstream" or "... while sending to client", as nginx's state was.
  # The upstream is reset when nginx's close leaves response bytes unread (mostly), else
  # it gets a FIN and its next writes EPIPE: one event either way, its cause counted apart.
  check_scenario reset_mid_response client_abort "${LOG_ARGS[@]}" \
    --note "The client asks for 32 MiB, reads 64 KiB, and closes with SO_LINGER {1,0}: $j faults to the JVM, $p to Python, $g to nginx (proxying Python, unbuffered)." \
    --expect "java|conn_reset|^java\.net\.SocketException: Connection reset by peer$|$j" \
    --expect "pysvc|conn_reset|^ConnectionResetError: \[Errno 104\] Connection reset by peer$|$p" \
    --expect "nginx|conn_reset|\(104: Connection reset by peer\) while (?:reading upstream|sending to client)|$g" \
    --expect "pysvc_up|conn_reset/broken_pipe|$EITHER_RESET_OR_PIPE|$g"
}

scenario_client_abort() {
  mark_logs
  local j p g path='/big?size=262144&chunk=16384&pace=100'
  j=$(inject abort-response --port "$JAVA_PORT" --count "$FAULTS" --path "$path")
  p=$(inject abort-response --port "$PYSVC_PORT" --count "$FAULTS" --path "$path")
  g=$(inject abort-response --port "$NGINX_PORT" --count "$FAULTS" --path "$path")
  log_args java pysvc nginx pysvc_up
  # The client reads the first 16 KiB write and closes normally (FIN). The server's next
  # write draws an RST and the one after fails with EPIPE: one event per fault. nginx sees
  # the FIN while waiting for its upstream, logs the early close ("... while sending to
  # client" or "... while reading upstream", as its state was) and closes the upstream
  # connection, where the upstream's writes then fail (EPIPE, or a reset if nginx left
  # bytes unread): two per fault, one in each.
  check_scenario client_abort client_abort "${LOG_ARGS[@]}" \
    --note "The client asks for 256 KiB written 16 KiB per 100 ms, reads the first write, and closes normally: $j faults to the JVM, $p to Python, $g to nginx (proxying Python, unbuffered)." \
    --expect "java|broken_pipe|^java\.net\.SocketException: Broken pipe$|$j" \
    --expect "pysvc|broken_pipe|^BrokenPipeError: \[Errno 32\] Broken pipe$|$p" \
    --expect "nginx|upstream_closed|client prematurely closed connection, so upstream connection is closed too while|$g" \
    --expect "pysvc_up|conn_reset/broken_pipe|$EITHER_RESET_OR_PIPE|$g"
}

scenario_upstream_fault() {
  mark_logs
  local r d
  r=$(inject request --port "$NGINX_PORT" --count "$FAULTS" --path /reset --expect-status 502)
  d=$(inject request --port "$NGINX_PORT" --count "$FAULTS" --path /drop --expect-status 502)
  log_args pysvc_up nginx
  # nginx logs one error per failed upstream exchange and answers 502; the Python service
  # logs the fault it acted out at INFO, which is no socket error.
  check_scenario upstream_fault peer_closed "${LOG_ARGS[@]}" \
    --note "nginx proxies to the Python service, which reads each request and then resets the connection (SO_LINGER {1,0}) or closes it without a response, as a dying worker does: $r resets, $d drops, each answered 502." \
    --expect "nginx|conn_reset|recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream|$r" \
    --expect "nginx|upstream_closed|upstream prematurely closed connection while reading response header from upstream|$d" \
    --expect "pysvc_up|-|fault: resetting the connection|$r" \
    --expect "pysvc_up|-|fault: dropping the connection|$d"
}

scenario_refused() {
  mark_logs
  local g p j
  g=$(inject request --port "$NGINX_PORT" --count "$FAULTS" --path /down/x --expect-status 502)
  p=$(inject request --port "$PYSVC_PORT" --count "$FAULTS" --path "/call?port=$CLOSED_PORT" \
    --expect-status 502)
  j=$(inject request --port "$JAVA_PORT" --count "$FAULTS" --path "/call?port=$CLOSED_PORT" \
    --expect-status 502)
  log_args java pysvc nginx pysvc_up
  check_scenario refused no_listener "${LOG_ARGS[@]}" \
    --note "Port $CLOSED_PORT has no listener: nginx proxies to it ($g requests), the Python service ($p) and the JVM ($j) call it. One error per request, answered 502." \
    --expect "nginx|conn_refused|connect\(\) failed \(111: Connection refused\) while connecting to upstream|$g" \
    --expect "pysvc|conn_refused|^ConnectionRefusedError: \[Errno 111\] Connection refused$|$p" \
    --expect "java|conn_refused|^java\.net\.ConnectException: Connection refused$|$j"
}

scenario_accept_overflow() {
  mark_logs
  local dir="$LAB_TMP/backlog" netns=0 ns=() where="the host's network stack (host-wide counters)" json
  mkdir -p "$dir"
  # LAB_NETNS=0 keeps it on the host (to try the fallback).
  if [ "${LAB_NETNS:-1}" = 1 ] && unshare --net true 2>/dev/null; then
    netns=1
    ns=(unshare --net)
    where="a network namespace of its own (its own counters)"
  fi
  LAB_NETNS=$netns lab_start "$dir/stderr" timeout 90 "${ns[@]}" \
    bash "$LAB_DIR/faults/overflow.sh" "$SOCKFILTER" "$dir" "$FLOOD" "$CLIENTS"
  if ! wait "$LAB_LAST_PID"; then
    echo "lab: accept_overflow: faults/overflow.sh failed: $(cat "$dir/stderr")" >&2
    FAILED+=(accept_overflow)
    return
  fi
  [ "$netns" = 1 ] || LAB_PORTS+=("$(cat "$dir/port")")
  json=$(cat "$dir/flood.json")
  local dropped proc
  dropped=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["injected"])' "$json")
  proc=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["proc_listen_overflows"])' \
    "$json")
  log_args java pysvc nginx pysvc_up
  # No server logs anything: the evidence is the kernel's. The injector counts the
  # connects that got no answer (one SYN each, dropped: the queue holds backlog + 1 = 2).
  check_scenario accept_overflow accept_queue_overflow "${LOG_ARGS[@]}" \
    --capture "$dir/probe.json" --kernel-drops "$dropped" \
    --note "A listener with backlog 1 never accepts, in $where; $FLOOD connects, 30 ms apart, each given up before its SYN is retransmitted: $dropped got no answer. /proc/net/netstat, read by the injector around the flood, says ListenOverflows rose by $proc. Host evidence: \`sockfilter probe --count 1 --format json --port P\` before and after the flood, in one capture."
}

scenario_misuse() {
  local name=$1 mode=$2 cause=$3 top=$4 pattern=$5 log="$LAB_TMP/misuse/$1.log" n
  mkdir -p "$LAB_TMP/misuse"
  : >"$log"
  LOGS[$name]=$log
  OFF[$name]=0
  n=$(timeout 30 "$LAB_TMP/misuse/misuse" "$mode" "$FAULTS" "$log")
  log_args "$name"
  check_scenario "$name" "$top" "${LOG_ARGS[@]}" \
    --note "tests/lab/faults/misuse.c $mode: $n faults, one log line each." \
    --expect "$name|$cause|$pattern|$n"
}

# The idle-timeout scenario runs in the background while the others run: it spends most
# of its time waiting out idle gaps, and it has its own nginx server block, error log and
# Python upstream.
start_idle_scenario() {
  IDLE_OFF_NGINX=$(stat -c %s "${LOGS[nginx_idle]}")
  IDLE_OFF_PYSVC=$(stat -c %s "${LOGS[pysvc_idle]}")
  lab_start "$LAB_TMP/idle.json" timeout 120 python3 "$LAB_DIR/faults/inject.py" idle-reuse \
    --port "$NGINX_IDLE_PORT" --count "$IDLE_REUSES" --spacing "$IDLE_SPACING" --clients 1 \
    --deadline 100
  IDLE_PID=$LAB_LAST_PID
}

finish_idle_scenario() {
  local deadline=$((SECONDS + 120)) n
  while lab_alive "$IDLE_PID" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  n=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["injected"])' \
    "$LAB_TMP/idle.json")
  OFF[nginx_idle]=$IDLE_OFF_NGINX
  OFF[pysvc_idle]=$IDLE_OFF_PYSVC
  log_args nginx_idle pysvc_idle
  # Each reuse: the upstream finds the connection idle past its timeout and resets it;
  # nginx logs one error and retries on a new connection (the client gets 200).
  check_scenario idle_timeout idle_timeout "${LOG_ARGS[@]}" --idle-timeout "$IDLE_TIMEOUT" \
    --note "nginx keeps a pool of idle upstream connections (keepalive 4) to a Python service whose keep-alive timeout is $IDLE_TIMEOUT s. One client asks every $IDLE_SPACING s, so each request after the first reuses a connection idle for $IDLE_SPACING s: $n reuses." \
    --expect "nginx_idle|conn_reset|recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream|$n" \
    --expect "pysvc_idle|-|closing connection from .* idle for|$n"
}
