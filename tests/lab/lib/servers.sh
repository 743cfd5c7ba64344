# Starting the lab's servers (sourced by run.sh), each on 127.0.0.1 with its own directory
# under $LAB_TMP, its own log files, and its PID recorded by lab_start (lib/procs.sh).
# Each sets <NAME>_PORT and records its log files in LOGS[name].

declare -A LOGS=()
LAB_PORTS=()

# start_pysvc NAME [ARGS...] — the Python service; its port is ephemeral, read back.
start_pysvc() {
  local name=$1 dir="$LAB_TMP/$1"
  shift
  mkdir -p "$dir"
  lab_start "$dir/stderr" python3 "$LAB_DIR/servers/pysvc.py" --log "$dir/$name.log" \
    --port-file "$dir/port" "$@"
  wait_for_file "$dir/port" 10
  LOGS[$name]="$dir/$name.log"
  LAB_PORTS+=("$(cat "$dir/port")")
}

# The JVM service, compiled first (javac takes a few seconds; done once per run).
start_java() {
  local dir="$LAB_TMP/java"
  mkdir -p "$dir/classes"
  javac -d "$dir/classes" "$LAB_DIR/servers/JavaService.java"
  lab_start "$dir/stderr" java -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx128m \
    -cp "$dir/classes" lab.JavaService --log "$dir/java.log" --port-file "$dir/port"
  wait_for_file "$dir/port" 30
  LOGS[java]="$dir/java.log"
  JAVA_PORT=$(cat "$dir/port")
  LAB_PORTS+=("$JAVA_PORT")
}

# nginx in the foreground from its own prefix, in front of the Python services.
start_nginx() {
  local dir="$LAB_TMP/nginx" user=""
  mkdir -p "$dir/logs" "$dir/tmp"
  # As root, nginx would switch its workers to `nobody`, who cannot write in our 0700
  # temporary directory: keep them as the current user.
  [ "$(id -u)" -ne 0 ] || user="user root;"
  NGINX_PORT=$(free_port)
  NGINX_IDLE_PORT=$(free_port)
  CLOSED_PORT=$(free_port)
  sed -e "s|@PREFIX@|$dir|g" -e "s|@USER@|$user|" -e "s|@PORT@|$NGINX_PORT|" \
    -e "s|@IDLE_PORT@|$NGINX_IDLE_PORT|" -e "s|@UPSTREAM_PORT@|$PYSVC_UP_PORT|" \
    -e "s|@IDLE_UPSTREAM_PORT@|$PYSVC_IDLE_PORT|" -e "s|@CLOSED_PORT@|$CLOSED_PORT|" \
    "$LAB_DIR/servers/nginx.conf.in" >"$dir/nginx.conf"
  lab_start "$dir/stderr" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
  wait_listening "$NGINX_PORT" 10
  wait_listening "$NGINX_IDLE_PORT" 10
  LOGS[nginx]="$dir/logs/error.log"
  LOGS[nginx_idle]="$dir/logs/idle-error.log"
  LAB_PORTS+=("$NGINX_PORT" "$NGINX_IDLE_PORT")
}

# Three instances of the Python service, so that each log has one role: called directly,
# nginx's upstream, nginx's pooled upstream with a keep-alive timeout.
start_servers() {
  start_pysvc pysvc
  PYSVC_PORT=${LAB_PORTS[-1]}
  start_pysvc pysvc_up
  PYSVC_UP_PORT=${LAB_PORTS[-1]}
  start_pysvc pysvc_idle --idle-timeout "$IDLE_TIMEOUT"
  PYSVC_IDLE_PORT=${LAB_PORTS[-1]}
  start_java
  start_nginx
}
