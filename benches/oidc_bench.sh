#!/usr/bin/env bash
# Throughput benchmark (not a test): Ostiary next to panva's oidc-provider
# 9.13.3 on the same machine in the same run. See docs/benchmarks.md.
#
#   benches/oidc_bench.sh [PATH_TO_RELEASE_OSTIARY]   (default target/release/ostiary)
#
# Env: BENCH_DURATION (wrk -d, default 10s), BENCH_SKIP_PEER=1 (Ostiary only),
#      BENCH_SKIP_OSTIARY=1 (oidc-provider only: checks the peer side).
# Everything listens on 127.0.0.1 only; every process started here is stopped
# on exit. Writes the Markdown table to stdout and to its section of
# benches/RESULTS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/benches"
INTEROP="$ROOT/tests/interop"
BIN=${1:-$ROOT/target/release/ostiary}
DURATION=${BENCH_DURATION:-10s}
SKIP_PEER=${BENCH_SKIP_PEER:-0}
SKIP_OSTIARY=${BENCH_SKIP_OSTIARY:-0}
REDIRECT_URI=http://127.0.0.1:9999/cb
USER_EMAIL=bench@example.com
USER_PASSWORD='bench password that is long enough 42'

log() { printf '[bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
if ! command -v wrk >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    log "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  else
    echo "wrk is missing: apt-get install -y wrk" >&2
    exit 1
  fi
fi
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }
if [[ ! -d $INTEROP/node_modules/oidc-provider ]]; then
  log "installing tests/interop npm packages"
  (cd "$INTEROP" && npm ci --no-audit --no-fund >/dev/null)
fi
if [[ $SKIP_OSTIARY != 1 && ! -x $BIN ]]; then
  echo "no Ostiary binary at $BIN (cargo build --release, or pass its path)" >&2
  exit 1
fi

# ---------------------------------------------------------------- cleanup
TMP=$(mktemp -d -t ostiary-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_http() { # url pid logfile
  local i
  for i in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "server exited before answering $1; log:" >&2
      cat "$3" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "timed out waiting for $1; log:" >&2
  cat "$3" >&2
  exit 1
}

# json_get FIELD  (reads JSON on stdin)
json_get() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];console.log(v??"")})' "$1"; }
# basic_auth ID SECRET -> "Basic base64(urlenc(id):urlenc(secret))" (RFC 6749 §2.3.1)
basic_auth() { node -e 'const[i,s]=process.argv.slice(1);console.log("Basic "+Buffer.from(encodeURIComponent(i)+":"+encodeURIComponent(s)).toString("base64"))' "$1" "$2"; }
urlenc() { node -e 'console.log(encodeURIComponent(process.argv[1]))' "$1"; }

RESULTS="$TMP/results.jsonl"
: >"$RESULTS"
meta() { # key value
  node -e 'const[k,v]=process.argv.slice(1);console.log(JSON.stringify({server:"meta",[k]:/^\d+$/.test(v)?Number(v):v}))' "$1" "$2" >>"$RESULTS"
}

# run_wrk ROW SERVER URL [METHOD BODY AUTH]
run_wrk() {
  local row=$1 server=$2 url=$3 method=${4:-GET} body=${5:-} auth=${6:-}
  local out="$TMP/wrk.out"
  log "$server: $row"
  WRK_METHOD=$method WRK_BODY=$body WRK_AUTH=$auth \
    wrk -t1 -c8 -d"$DURATION" --latency -s "$BENCH/wrk_request.lua" "$url" >"$out" 2>&1 || true
  local rps p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$out")
  sockerr=$(awk '/Socket errors/ {n=0; for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) {gsub(/,/, "", $i); n+=$i}; print n}' "$out")
  if [[ -z $rps ]]; then
    log "wrk failed:"; cat "$out" >&2
  fi
  node -e 'const[row,server,rps,p99,non2xx,errors]=process.argv.slice(1);console.log(JSON.stringify({row,server,rps:rps===""?null:Number(rps),p99:p99||null,non2xx:Number(non2xx||0),errors:Number(errors||0)}))' \
    "$row" "$server" "$rps" "$p99" "$non2xx" "$sockerr" >>"$RESULTS"
}

# run_roundtrip SERVER ISSUER CLIENT_ID SECRET EMAIL PASSWORD -> prints access token
run_roundtrip() {
  local server=$1 out="$TMP/rt.$1.json"
  log "$server: authorization code round trip"
  node "$BENCH/code_roundtrip.mjs" "$2" "$3" "$4" "$5" "$6" "${DURATION%s}" 8 >"$out" 2>"$TMP/rt.$1.err" || {
    log "round trip failed on $server:"; cat "$TMP/rt.$1.err" >&2
  }
  if [[ -s $out ]]; then
    node -e 'const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));if(r.first_error)console.error("[bench] first round-trip error: "+r.first_error);console.log(JSON.stringify({row:"authorization code round trip",server:process.argv[2],rps:r.rps,p99:r.p99_ms===null?null:r.p99_ms+"ms",non2xx:0,errors:r.errors}))' "$out" "$server" >>"$RESULTS"
    json_get access_token <"$out"
  fi
}

# ---------------------------------------------------------------- machine
meta date "$(date -u +%Y-%m-%dT%H:%MZ)"
meta cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
meta cores "$(nproc)"
meta mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
meta kernel "$(uname -sr)"
meta node "$(node --version)"
meta wrk "$(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')"
meta duration "$DURATION"
meta oidc_provider "$(node -p "require('$INTEROP/node_modules/oidc-provider/package.json').version")"

# ---------------------------------------------------------------- sign-only
log "sign-only loops (node:crypto, one core)"
SIGN=$(node "$BENCH/sign_only.mjs" 3)
for alg in RS256 ES256 EdDSA; do
  node -e 'const[a,j]=process.argv.slice(1);console.log(JSON.stringify({row:"sign-only "+a,server:"sign-only",rps:JSON.parse(j)[a]}))' "$alg" "$SIGN" >>"$RESULTS"
done

# ---------------------------------------------------------------- Ostiary
if [[ $SKIP_OSTIARY != 1 ]]; then
  OST_PORT=$(free_port)
  OST_BASE=http://127.0.0.1:$OST_PORT
  export OSTIARY_DATA_DIR=$TMP/ostiary
  mkdir -p "$OSTIARY_DATA_DIR"
  export OSTIARY_DATABASE_URL=sqlite://$OSTIARY_DATA_DIR/ostiary.db
  export OSTIARY_ISSUER=$OST_BASE
  export OSTIARY_LISTEN=127.0.0.1:$OST_PORT
  unset OSTIARY_CONFIG OSTIARY_MASTER_KEY_FILE || true
  meta ostiary "$("$BIN" --version 2>/dev/null | head -1)"

  "$BIN" migrate >/dev/null
  declare -A CC_ID CC_SECRET
  for alg in RS256 ES256 EdDSA; do
    out=$("$BIN" client create --name "bench-cc-$alg" --grant-type client_credentials \
      --token-endpoint-auth-method client_secret_basic --access-token-signed-response-alg "$alg")
    CC_ID[$alg]=$(json_get client_id <<<"$out")
    CC_SECRET[$alg]=$(json_get client_secret <<<"$out")
  done
  out=$("$BIN" client create --name bench-rp --redirect-uri "$REDIRECT_URI" \
    --grant-type authorization_code --scope openid --scope email --scope profile \
    --token-endpoint-auth-method client_secret_basic --consent skip)
  RP_ID=$(json_get client_id <<<"$out")
  RP_SECRET=$(json_get client_secret <<<"$out")
  printf '%s\n' "$USER_PASSWORD" | "$BIN" user create --email "$USER_EMAIL" --password-stdin >/dev/null

  "$BIN" serve >"$TMP/ostiary.log" 2>&1 &
  OST_PID=$!
  PIDS+=("$OST_PID")
  wait_http "$OST_BASE/.well-known/openid-configuration" "$OST_PID" "$TMP/ostiary.log"
  log "Ostiary pid $OST_PID on $OST_BASE"
fi

# ---------------------------------------------------------------- oidc-provider
if [[ $SKIP_PEER != 1 ]]; then
  OP_PORT=$(free_port)
  OP_BASE=http://127.0.0.1:$OP_PORT
  (cd "$INTEROP" && exec env NODE_ENV=production node oidc_provider_server.mjs "$OP_PORT") >"$TMP/op.log" 2>&1 &
  OP_PID=$!
  PIDS+=("$OP_PID")
  wait_http "$OP_BASE/.well-known/openid-configuration" "$OP_PID" "$TMP/op.log"
  log "oidc-provider pid $OP_PID on $OP_BASE"
fi

endpoint() { # BASE FIELD
  curl -fsS "$1/.well-known/openid-configuration" | json_get "$2"
}

# ---------------------------------------------------------------- runs
# Round trips first: they also yield the user access token for userinfo and
# introspection.
if [[ $SKIP_OSTIARY != 1 ]]; then
  OST_AT=$(run_roundtrip ostiary "$OST_BASE" "$RP_ID" "$RP_SECRET" "$USER_EMAIL" "$USER_PASSWORD" || true)
fi
if [[ $SKIP_PEER != 1 ]]; then
  OP_AT=$(run_roundtrip oidc-provider "$OP_BASE" rp rp-secret "$USER_EMAIL" "$USER_PASSWORD" || true)
fi

for alg in RS256 ES256 EdDSA; do
  row="client_credentials $alg"
  if [[ $SKIP_OSTIARY != 1 ]]; then
    run_wrk "$row" ostiary "$(endpoint "$OST_BASE" token_endpoint)" POST "grant_type=client_credentials" \
      "$(basic_auth "${CC_ID[$alg]}" "${CC_SECRET[$alg]}")"
  fi
  if [[ $SKIP_PEER != 1 ]]; then
    op_client=cc-$(tr '[:upper:]' '[:lower:]' <<<"$alg")
    run_wrk "$row" oidc-provider "$(endpoint "$OP_BASE" token_endpoint)" POST "grant_type=client_credentials" \
      "$(basic_auth "$op_client" cc-secret)"
  fi
done

for what in discovery JWKS userinfo introspection; do
  for server in ostiary oidc-provider; do
    if [[ $server == ostiary ]]; then
      [[ $SKIP_OSTIARY == 1 ]] && continue
      base=$OST_BASE at=${OST_AT:-} auth=$(basic_auth "$RP_ID" "$RP_SECRET")
    else
      [[ $SKIP_PEER == 1 ]] && continue
      base=$OP_BASE at=${OP_AT:-} auth=$(basic_auth rp rp-secret)
    fi
    case $what in
      discovery) run_wrk "$what" "$server" "$base/.well-known/openid-configuration" ;;
      JWKS) run_wrk "$what" "$server" "$(endpoint "$base" jwks_uri)" ;;
      userinfo)
        if [[ -n $at ]]; then
          run_wrk "$what" "$server" "$(endpoint "$base" userinfo_endpoint)" GET "" "Bearer $at"
        else log "$server: no access token, userinfo skipped"; fi ;;
      introspection)
        if [[ -n $at ]]; then
          run_wrk "$what" "$server" "$(endpoint "$base" introspection_endpoint)" POST "token=$(urlenc "$at")" "$auth"
        else log "$server: no access token, introspection skipped"; fi ;;
    esac
  done
done

# ---------------------------------------------------------------- memory
if [[ $SKIP_OSTIARY != 1 ]] && [[ -r /proc/$OST_PID/status ]]; then
  meta ostiary_rss_kib "$(awk '/^VmRSS:/ {print $2}' "/proc/$OST_PID/status")"
fi
if [[ $SKIP_PEER != 1 ]] && [[ -r /proc/$OP_PID/status ]]; then
  meta op_rss_kib "$(awk '/^VmRSS:/ {print $2}' "/proc/$OP_PID/status")"
fi

# Only this script's section of RESULTS.md is replaced (other benchmarks
# keep theirs).
node "$BENCH/report.mjs" "$RESULTS" | tee "$TMP/section.md"
node "$BENCH/put_section.mjs" "$BENCH/RESULTS.md" oidc <"$TMP/section.md"
