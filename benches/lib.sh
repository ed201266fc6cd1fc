# Shared helpers of the issue-18 benchmarks (sourced, not run):
# roundtrip_bench.sh, scale_data.sh, soak.sh. Everything listens on
# 127.0.0.1; every process started through `bg` is stopped by `cleanup`
# (by PID, never by name). The caller sets BENCH_TAG (log prefix) and
# calls `bench_init` once.

# Optional CPU pinning (taskset -c LIST), so that on a machine with cores
# to spare the load generator does not share the servers' cores:
#   BENCH_SERVER_CPUS  Ostiary, oidc-provider, nginx, PostgreSQL, the hasher bench
#   BENCH_CLIENT_CPUS  the Node load generators
# Unset: nothing is pinned (every process shares every core).
SERVER_PIN=()
CLIENT_PIN=()
[[ -n ${BENCH_SERVER_CPUS:-} ]] && SERVER_PIN=(taskset -c "$BENCH_SERVER_CPUS")
[[ -n ${BENCH_CLIENT_CPUS:-} ]] && CLIENT_PIN=(taskset -c "$BENCH_CLIENT_CPUS")

log() { printf '[%s] %s\n' "${BENCH_TAG:-bench}" "$*" >&2; }
die() { log "$*"; exit 1; }

# bench_init: a temp dir ($TMP), the PID list and the EXIT trap.
bench_init() {
  TMP=$(mktemp -d -t ostiary-bench.XXXXXX)
  chmod 755 "$TMP"
  PIDS=()
  PG_DATA=
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n ${PG_DATA:-} && -f $PG_DATA/postmaster.pid ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  [[ ${BENCH_KEEP_TMP:-0} == 1 ]] && { log "kept $TMP"; return; }
  rm -rf "$TMP"
}

# bg LOGFILE CMD...: start in the background, remember the PID in $BG_PID.
bg() {
  local logfile=$1
  shift
  "$@" >"$logfile" 2>&1 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

# stop_pid PID: SIGTERM, wait for it (bounded), then SIGKILL.
stop_pid() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

wait_http() { # url pid logfile
  local i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      log "process exited before answering $1; log:"
      tail -50 "$3" >&2
      exit 1
    fi
    sleep 0.1
  done
  log "timed out waiting for $1; log:"
  tail -50 "$3" >&2
  exit 1
}

# json_get FIELD (JSON on stdin)
json_get() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];console.log(typeof v==="object"&&v!==null?JSON.stringify(v):v??"")})' "$1"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

need_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "$t is required"; done
}

# ---------------------------------------------------------------- PostgreSQL
# A private cluster (initdb + pg_ctl as user postgres, in $TMP, on a free
# port) with pg_stat_statements loaded. The shared server at :5432 is never
# touched. Sets PG_PORT, PG_URL_BASE (no database), PG_DATA.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
pg_start_private() {
  [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL binaries in $PG_BIN (set PG_BIN)"
  PG_DATA=$TMP/pg
  mkdir -p "$PG_DATA"
  chown postgres: "$PG_DATA"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 >"$TMP/initdb.log" 2>&1 ||
    { cat "$TMP/initdb.log" >&2; die "initdb failed"; }
  PG_PORT=$(free_port)
  cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 200
shared_buffers = ${PG_SHARED_BUFFERS:-256MB}
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.max = 10000
track_counts = on
CONF
  "${SERVER_PIN[@]}" runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w start >/dev/null ||
    { tail -30 "$PG_DATA/server.log" >&2; die "private PostgreSQL did not start"; }
  PG_URL_BASE=postgres://postgres@127.0.0.1:$PG_PORT
  # In template1 too, so every database created after has the view.
  psql -qAt "$PG_URL_BASE/postgres" -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
  psql -qAt "$PG_URL_BASE/template1" -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
  log "private PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT ($PG_DATA)"
}

pg_stop_private() {
  [[ -n ${PG_DATA:-} && -f $PG_DATA/postmaster.pid ]] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- nginx
# nginx_start PORT UPSTREAM_PORT... : round robin over the instances
# (HTTP/1.1 keep-alive upstream), listening on 127.0.0.1:PORT. Sets NGINX_PID.
NGINX=${NGINX:-/usr/sbin/nginx}
nginx_start() {
  local port=$1
  shift
  [[ -x $NGINX ]] || die "nginx is required at $NGINX (apt-get install -y nginx-light)"
  local dir=$TMP/nginx-$port servers="" p
  mkdir -p "$dir/logs"
  for p in "$@"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"$'\n'; done
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream ostiary {
$servers    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://ostiary;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto http;
      proxy_next_upstream error timeout;
    }
  }
}
CONF
  bg "$dir/logs/stderr.log" "${SERVER_PIN[@]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
  NGINX_PID=$BG_PID
}

# ---------------------------------------------------------------- Ostiary
# cpu_busy_ms: CPU time the whole machine has spent busy so far (user,
# nice, system, irq, softirq of /proc/stat; not idle, iowait or steal), in
# milliseconds. The difference over a run is every process's CPU: client,
# servers, nginx, PostgreSQL.
cpu_busy_ms() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%d\n", ($2 + $3 + $4 + $7 + $8) * 1000 / hz; exit}' /proc/stat
}

# ostiary_env DATABASE_URL ISSUER: the environment every instance and CLI
# call of one setup shares (same data dir: same master key file).
ostiary_env() {
  export OSTIARY_DATABASE_URL=$1 OSTIARY_ISSUER=$2
  export OSTIARY_MANAGEMENT_LISTEN='' OSTIARY_LOG_LEVEL=${OSTIARY_LOG_LEVEL:-warn}
  unset OSTIARY_CONFIG OSTIARY_MASTER_KEY_FILE OSTIARY_LISTEN || true
}

# ostiary_serve PORT LOG: one instance; sets SERVE_PID.
ostiary_serve() {
  OSTIARY_LISTEN=127.0.0.1:$1 bg "$2" "${SERVER_PIN[@]}" "$BIN" serve
  SERVE_PID=$BG_PID
  wait_http "http://127.0.0.1:$1/.well-known/openid-configuration" "$SERVE_PID" "$2"
}
