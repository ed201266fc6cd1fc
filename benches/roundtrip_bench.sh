#!/usr/bin/env bash
# Issue 18 item 2 (a benchmark, not a test): the authorization-code round
# trip and password sign-in of a release Ostiary on SQLite and on
# PostgreSQL, with 1 instance and with 2 behind nginx (round robin), next to
# panva's oidc-provider in the same run; and, on PostgreSQL, transactions,
# statements and sequential scans per round trip. See docs/performance.md.
#
#   benches/roundtrip_bench.sh [PATH_TO_RELEASE_OSTIARY]   (default target/release/ostiary)
#
# Env: BENCH_DURATION     seconds per throughput run (default 10)
#      BENCH_BACKENDS     "sqlite postgres" (default)
#      BENCH_INSTANCES    "1 2" (default)
#      BENCH_SIGNIN_CONCURRENCY  parallel browsers for sign-in (default 8)
#      BENCH_COUNT_SECONDS  length of each statement-counting phase (default 6)
#      BENCH_SKIP_PEER=1  no oidc-provider
#      BENCH_KEEP_TMP=1   keep the temp dir (logs, JSON)
#      BENCH_SERVER_CPUS, BENCH_CLIENT_CPUS  taskset CPU lists (benches/lib.sh):
#                         the servers and the load generator on cores of their
#                         own; the report then goes to the section
#                         roundtrip-pinned and counts the servers' cores only
# PostgreSQL is a private cluster (initdb in the temp dir, a free port,
# pg_stat_statements loaded), never the shared server. Writes its section of
# benches/RESULTS.md (between <!-- section:roundtrip --> markers) and prints it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/benches"
INTEROP="$ROOT/tests/interop"
BIN=$(realpath "${1:-$ROOT/target/release/ostiary}")
DURATION=${BENCH_DURATION:-10}
BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
INSTANCES=${BENCH_INSTANCES:-1 2}
SIGNIN_C=${BENCH_SIGNIN_CONCURRENCY:-8}
COUNT_SECONDS=${BENCH_COUNT_SECONDS:-6}
SKIP_PEER=${BENCH_SKIP_PEER:-0}
REDIRECT_URI=http://127.0.0.1:9999/cb
USER_EMAIL=bench@example.com
USER_PASSWORD='quiet violet harbor lantern 42 drifting'
BENCH_TAG=roundtrip
# shellcheck source=benches/lib.sh
source "$BENCH/lib.sh"

need_tools node curl psql python3 cargo
[[ -x $BIN ]] || die "no Ostiary binary at $BIN (cargo build --release --all-features, or pass its path)"
[[ -d $INTEROP/node_modules/oidc-provider ]] || (cd "$INTEROP" && npm ci --no-audit --no-fund >/dev/null)
bench_init
RESULTS=$TMP/results.jsonl
: >"$RESULTS"
emit() { node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map(a=>{const i=a.indexOf("=");const k=a.slice(0,i),v=a.slice(i+1);return [k,/^-?\d+(\.\d+)?$/.test(v)?Number(v):v.startsWith("{")?JSON.parse(v):v]}))))' "$@" >>"$RESULTS"; }

emit kind=meta date="$(date -u +%Y-%m-%dT%H:%MZ)" cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
  cores="$(nproc)" server_cores="$("${SERVER_PIN[@]}" nproc)" client_cores="$("${CLIENT_PIN[@]}" nproc)" \
  pinned="${BENCH_SERVER_CPUS:+servers on CPUs $BENCH_SERVER_CPUS}${BENCH_CLIENT_CPUS:+, load generator on CPUs $BENCH_CLIENT_CPUS}" mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)" kernel="$(uname -sr)" \
  node="$(node --version)" ostiary="$("$BIN" --version | head -1)" \
  oidc_provider="$(node -p "require('$INTEROP/node_modules/oidc-provider/package.json').version")" \
  nginx="$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')" postgres="$("$PG_BIN/postgres" --version | awk '{print $3}')" \
  duration="$DURATION" signin_concurrency="$SIGNIN_C" load_start="$(loadavg)" \
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- oidc-provider
OP_BASE=
peer_roundtrip() { # LABEL
  [[ $SKIP_PEER == 1 ]] && return 0
  if [[ -z $OP_BASE ]]; then
    local port
    port=$(free_port)
    OP_BASE=http://127.0.0.1:$port
    bg "$TMP/op.log" "${SERVER_PIN[@]}" env -C "$INTEROP" NODE_ENV=production node oidc_provider_server.mjs "$port"
    wait_http "$OP_BASE/.well-known/openid-configuration" "$BG_PID" "$TMP/op.log"
  fi
  local load out=$TMP/op-rt-$1.json cpu0 cpu1
  load=$(loadavg)
  log "oidc-provider: round trip ($1), load $load"
  cpu0=$(cpu_busy_ms)
  "${CLIENT_PIN[@]}" node "$BENCH/code_roundtrip.mjs" "$OP_BASE" rp rp-secret "$USER_EMAIL" "$USER_PASSWORD" "$DURATION" 8 >"$out" 2>"$out.err" ||
    log "oidc-provider round trip failed: $(head -c 300 "$out.err")"
  cpu1=$(cpu_busy_ms)
  [[ -s $out ]] && emit kind=roundtrip server=oidc-provider backend=memory instances=1 label="$1" load="$load" \
    machine_cpu_ms=$((cpu1 - cpu0)) client_cpu_ms="$(json_get client_cpu_ms <"$out")" \
    rps="$(json_get rps <"$out")" p50="$(json_get p50_ms <"$out")" p99="$(json_get p99_ms <"$out")" \
    ok="$(json_get ok <"$out")" errors="$(json_get errors <"$out")" first_error="$(json_get first_error <"$out")"
  return 0
}

# ---------------------------------------------------------------- Ostiary setup
# setup BACKEND NAME ISSUER: a fresh database and data dir, migrated, with the
# code-flow client (RP_ID/RP_SECRET), the round-trip user and SIGNIN_C
# sign-in accounts. Sets DB_URL, DB_NAME.
setup() {
  local backend=$1 name=$2 issuer=$3
  export OSTIARY_DATA_DIR=$TMP/$name/data
  mkdir -p "$OSTIARY_DATA_DIR"
  if [[ $backend == sqlite ]]; then
    DB_URL=sqlite://$OSTIARY_DATA_DIR/ostiary.db
  else
    DB_NAME=bench_$name
    psql -qAt "$PG_URL_BASE/postgres" -c "CREATE DATABASE $DB_NAME" >/dev/null
    DB_URL=$PG_URL_BASE/$DB_NAME
  fi
  ostiary_env "$DB_URL" "$issuer"
  "$BIN" migrate >/dev/null
  local out
  out=$("$BIN" client create --name bench-rp --redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --scope openid --scope email --scope profile \
    --token-endpoint-auth-method client_secret_basic --consent skip)
  RP_ID=$(json_get client_id <<<"$out")
  RP_SECRET=$(json_get client_secret <<<"$out")
  printf '%s\n' "$USER_PASSWORD" | "$BIN" user create --email "$USER_EMAIL" --password-stdin >/dev/null
  local i
  for i in $(seq 0 $((SIGNIN_C - 1))); do
    printf '%s\n' "$USER_PASSWORD" | "$BIN" user create --email "bench-signin-$i@example.com" --password-stdin >/dev/null
  done
}

# start N: N instances (and nginx when N > 1) on the issuer's address; sets
# INSTANCE_PIDS, and FRONT_PID (nginx or the single instance).
start_instances() {
  local n=$1 ports=("${@:2}") i
  INSTANCE_PIDS=()
  for i in $(seq 0 $((n - 1))); do
    ostiary_serve "${ports[$i]}" "$TMP/$NAME/instance-$i.log"
    INSTANCE_PIDS+=("$SERVE_PID")
  done
}
stop_instances() {
  local pid
  for pid in "${INSTANCE_PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n ${NGINX_PID:-} ]] && stop_pid "$NGINX_PID"
  NGINX_PID=
}

# ---------------------------------------------------------------- one measurement
measure() { # BACKEND N
  local backend=$1 n=$2 base ports=() i load out
  NAME=${backend}_$n
  for i in $(seq 1 "$n"); do ports+=("$(free_port)"); done
  if [[ $n == 1 ]]; then
    base=http://127.0.0.1:${ports[0]}
  else
    local lb
    lb=$(free_port)
    base=http://127.0.0.1:$lb
  fi
  setup "$backend" "$NAME" "$base"
  local tx0=
  [[ $backend == postgres ]] && tx0=$(pg_xacts)
  start_instances "$n" "${ports[@]}"
  if [[ $n != 1 ]]; then
    nginx_start "${base##*:}" "${ports[@]}"
    wait_http "$base/.well-known/openid-configuration" "$NGINX_PID" "$TMP/nginx-${base##*:}/logs/error.log"
  fi
  # Round trip.
  load=$(loadavg)
  log "ostiary $backend × $n: round trip, load $load"
  out=$TMP/$NAME/rt.json
  local cpu0 cpu1
  cpu0=$(cpu_busy_ms)
  "${CLIENT_PIN[@]}" node "$BENCH/code_roundtrip.mjs" "$base" "$RP_ID" "$RP_SECRET" "$USER_EMAIL" "$USER_PASSWORD" "$DURATION" 8 >"$out" 2>"$out.err" ||
    log "round trip failed: $(head -c 500 "$out.err")"
  cpu1=$(cpu_busy_ms)
  [[ -s $out ]] && emit kind=roundtrip server=ostiary backend="$backend" instances="$n" load="$load" \
    machine_cpu_ms=$((cpu1 - cpu0)) client_cpu_ms="$(json_get client_cpu_ms <"$out")" \
    rps="$(json_get rps <"$out")" p50="$(json_get p50_ms <"$out")" p99="$(json_get p99_ms <"$out")" \
    ok="$(json_get ok <"$out")" errors="$(json_get errors <"$out")" first_error="$(json_get first_error <"$out")"
  # Password sign-in at full concurrency.
  load=$(loadavg)
  log "ostiary $backend × $n: sign-in ×$SIGNIN_C, load $load"
  out=$TMP/$NAME/signin.json
  cpu0=$(cpu_busy_ms)
  "${CLIENT_PIN[@]}" node "$BENCH/signin_bench.mjs" "$base" "$USER_PASSWORD" "$DURATION" "$SIGNIN_C" >"$out" 2>"$out.err" ||
    log "sign-in failed: $(head -c 500 "$out.err")"
  cpu1=$(cpu_busy_ms)
  [[ -s $out ]] && emit kind=signin server=ostiary backend="$backend" instances="$n" concurrency="$SIGNIN_C" load="$load" \
    machine_cpu_ms=$((cpu1 - cpu0)) client_cpu_ms="$(json_get client_cpu_ms <"$out")" \
    rps="$(json_get rps <"$out")" p50="$(json_get p50_ms <"$out")" p99="$(json_get p99_ms <"$out")" \
    ok="$(json_get ok <"$out")" errors="$(json_get errors <"$out")" first_error="$(json_get first_error <"$out")"
  # One sign-in at a time: its latency bounds the hash time from above.
  if [[ $n == 1 ]]; then
    out=$TMP/$NAME/signin1.json
    "${CLIENT_PIN[@]}" node "$BENCH/signin_bench.mjs" "$base" "$USER_PASSWORD" 4 1 >"$out" 2>"$out.err" || true
    [[ -s $out ]] && emit kind=signin1 server=ostiary backend="$backend" instances=1 concurrency=1 \
      rps="$(json_get rps <"$out")" p50="$(json_get p50_ms <"$out")" p99="$(json_get p99_ms <"$out")" \
      ok="$(json_get ok <"$out")" errors="$(json_get errors <"$out")"
  fi
  stop_instances
  if [[ -n $tx0 ]]; then
    # Counters of closed connections are flushed: the instances' whole
    # lives (round trips and sign-ins). A transaction PostgreSQL aborted
    # as not serializable, and run again, is one rollback.
    sleep 1
    local tx1
    tx1=$(pg_xacts)
    emit kind=xacts backend="$backend" instances="$n" \
      commits=$((${tx1%%,*} - ${tx0%%,*})) rollbacks=$((${tx1##*,} - ${tx0##*,}))
  fi
  if [[ $backend == postgres && $n == 1 ]]; then
    count_statements "${ports[0]}" "$base"
  fi
}

# Committed and rolled-back transactions of the database so far: "C,R".
pg_xacts() {
  psql -qAt "$DB_URL" -c "SELECT xact_commit || ',' || xact_rollback FROM pg_stat_database WHERE datname = current_database()"
}

# ---------------------------------------------------------------- hash time
# The argon2id hash of the default parameters, timed in-process through the
# server's own hasher (benches/password_hash.rs): the median of 21 hashes one
# at a time, and the hashes/s with every core hashing.
hash_time() {
  local out
  # Built first, then run on the servers' cores only: "every core" is theirs.
  (cd "$ROOT" && cargo bench -q --all-features --bench password_hash --no-run 2>"$TMP/hash.err") ||
    die "password_hash bench failed to build: $(tail -c 500 "$TMP/hash.err")"
  out=$(cd "$ROOT" && "${SERVER_PIN[@]}" cargo bench -q --all-features --bench password_hash 2>"$TMP/hash.err" | tail -1) ||
    die "password_hash bench failed: $(tail -c 500 "$TMP/hash.err")"
  emit kind=hash hash_ms="$(json_get hash_ms <<<"$out")" all_cores_per_s="$(json_get all_cores_per_s <<<"$out")" \
    memory_kib="$(json_get memory_kib <<<"$out")" iterations="$(json_get iterations <<<"$out")" load="$(loadavg)"
}

# ---------------------------------------------------------------- counting
# Two lives of one instance on the same database, each COUNT_SECONDS long:
# idle (background jobs, start-up and shutdown), then with round trips.
# Statistics are reset before each and read after the instance exited (its
# connections' counters are flushed when they close); the idle life is
# subtracted and the rest divided by the round trips done.
snapshot() { # FILE
  psql -qAt "$DB_URL" >"$1" <<'SQL'
SELECT json_build_object(
  'xacts', (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
  'statements', (SELECT coalesce(json_agg(json_build_object('query', query, 'calls', calls)), '[]')
                 FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())),
  'tables', (SELECT coalesce(json_agg(json_build_object('table', relname, 'seq_scan', seq_scan,
                 'seq_tup_read', seq_tup_read, 'idx_scan', coalesce(idx_scan, 0), 'rows', n_live_tup)), '[]')
             FROM pg_stat_user_tables));
SQL
}
reset_stats() {
  psql -qAt "$DB_URL" -c 'SELECT pg_stat_statements_reset()' -c 'SELECT pg_stat_reset()' >/dev/null
}
count_statements() { # PORT BASE
  local port=$1 base=$2 out
  log "counting statements per round trip (2 × ${COUNT_SECONDS}s)"
  reset_stats
  INSTANCE_PIDS=()
  ostiary_serve "$port" "$TMP/$NAME/count-idle.log"
  INSTANCE_PIDS=("$SERVE_PID")
  sleep "$COUNT_SECONDS"
  stop_instances
  sleep 1
  snapshot "$TMP/count-idle.json"
  reset_stats
  ostiary_serve "$port" "$TMP/$NAME/count-load.log"
  INSTANCE_PIDS=("$SERVE_PID")
  out=$TMP/count-rt.json
  "${CLIENT_PIN[@]}" node "$BENCH/code_roundtrip.mjs" "$base" "$RP_ID" "$RP_SECRET" "$USER_EMAIL" "$USER_PASSWORD" "$COUNT_SECONDS" 8 >"$out" 2>"$out.err" ||
    log "counting round trip failed: $(head -c 500 "$out.err")"
  stop_instances
  sleep 1
  snapshot "$TMP/count-load.json"
  node "$BENCH/pg_counts.mjs" "$TMP/count-idle.json" "$TMP/count-load.json" "$out" >>"$RESULTS"
}

# ---------------------------------------------------------------- runs
if [[ " $BACKENDS " == *" postgres "* ]]; then
  pg_start_private
fi
hash_time
peer_roundtrip first
for backend in $BACKENDS; do
  for n in $INSTANCES; do
    measure "$backend" "$n"
  done
done
peer_roundtrip last
pg_stop_private
emit kind=meta load_end="$(loadavg)"

mkdir -p "$BENCH/results"
node "$BENCH/roundtrip_report.mjs" "$RESULTS" >"$TMP/section.md"
SECTION=roundtrip
[[ -n ${BENCH_SERVER_CPUS:-}${BENCH_CLIENT_CPUS:-} ]] && SECTION=roundtrip-pinned
cp "$RESULTS" "$BENCH/results/$SECTION-latest.jsonl"
node "$BENCH/put_section.mjs" "$BENCH/RESULTS.md" "$SECTION" <"$TMP/section.md"
cat "$TMP/section.md"
