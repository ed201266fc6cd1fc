#!/usr/bin/env bash
# Issue 18 item 7 (a benchmark, not a test): SOAK_SECONDS (default 600) of
# mixed load (round trips with userinfo and introspection, password
# sign-ins, discovery and JWKS; benches/soak_load.mjs) against one release
# Ostiary on PostgreSQL, sampling the server's resident memory (VmRSS) and
# open file descriptors (/proc/PID/fd) every SOAK_SAMPLE seconds (default
# 10). Reports first/last/max after warm-up (the first SOAK_WARMUP seconds,
# default 60), whether every later sample stays within ±10 % of the first
# one after warm-up, and the error count (must be 0).
#
#   benches/soak.sh [PATH_TO_RELEASE_OSTIARY]   (default target/release/ostiary)
#
# Env: SOAK_SECONDS, SOAK_SAMPLE, SOAK_WARMUP, SOAK_ROUNDTRIPS (flows, 4),
#      SOAK_SIGNINS (browsers, 2), BENCH_KEEP_TMP=1.
# PostgreSQL is a private cluster in the temp dir (never the shared server).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/benches"
BIN=$(realpath "${1:-$ROOT/target/release/ostiary}")
SECONDS_TOTAL=${SOAK_SECONDS:-600}
SAMPLE=${SOAK_SAMPLE:-10}
WARMUP=${SOAK_WARMUP:-60}
FLOWS=${SOAK_ROUNDTRIPS:-4}
SIGNINS=${SOAK_SIGNINS:-2}
PASSWORD='quiet violet harbor lantern 42 drifting'
BENCH_TAG=soak
# shellcheck source=benches/lib.sh
source "$BENCH/lib.sh"
need_tools node curl psql python3 jq
[[ -x $BIN ]] || die "no Ostiary binary at $BIN (cargo build --release --all-features)"
bench_init
LOAD_START=$(loadavg)
pg_start_private
psql -qAt "$PG_URL_BASE/postgres" -c 'CREATE DATABASE soak' >/dev/null
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
export OSTIARY_DATA_DIR=$TMP/data
mkdir -p "$OSTIARY_DATA_DIR"
ostiary_env "$PG_URL_BASE/soak" "$BASE"
"$BIN" migrate >/dev/null
out=$("$BIN" client create --name soak-rp --redirect-uri http://127.0.0.1:9999/cb \
  --grant-type authorization_code --scope openid --scope email --scope profile \
  --token-endpoint-auth-method client_secret_basic --consent skip)
RP_ID=$(jq -r .client_id <<<"$out")
RP_SECRET=$(jq -r .client_secret <<<"$out")
for email in bench@example.com $(seq -f 'bench-signin-%g@example.com' 0 $((SIGNINS - 1))); do
  printf '%s\n' "$PASSWORD" | "$BIN" user create --email "$email" --password-stdin >/dev/null
done
ostiary_serve "$PORT" "$TMP/server.log"
PID=$SERVE_PID
log "Ostiary pid $PID on $BASE; ${SECONDS_TOTAL}s of mixed load, load average $LOAD_START"

SAMPLES=$TMP/samples.tsv
: >"$SAMPLES"
sample() { # ELAPSED
  local rss fds
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
  fds=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
  printf '%s\t%s\t%s\n' "$1" "$rss" "$fds" >>"$SAMPLES"
}
node "$BENCH/soak_load.mjs" "$BASE" "$RP_ID" "$RP_SECRET" bench@example.com "$PASSWORD" "$SECONDS_TOTAL" "$FLOWS" "$SIGNINS" \
  >"$TMP/load.json" 2>"$TMP/load.err" &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
START=$(date +%s)
sample 0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$PID" 2>/dev/null || die "the server died; log: $(tail -20 "$TMP/server.log")"
  sample $(( $(date +%s) - START ))
done
wait "$LOAD_PID" || log "load script failed: $(head -c 500 "$TMP/load.err")"
sleep 2
sample "$(( $(date +%s) - START )) (idle)"
SERVER_ERRORS=$(grep -c -E '"level":"ERROR"| ERROR ' "$TMP/server.log" || true)
stop_pid "$PID"

mkdir -p "$BENCH/results"
cp "$SAMPLES" "$BENCH/results/soak-samples.tsv"
node - "$SAMPLES" "$TMP/load.json" "$WARMUP" "$LOAD_START" "$(loadavg)" "$SERVER_ERRORS" "$SECONDS_TOTAL" >"$TMP/section.md" <<'NODE'
const fs = require('fs');
const [samplesFile, loadFile, warmup, loadStart, loadEnd, serverErrors, total] = process.argv.slice(2);
const rows = fs.readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => l.split('\t'))
  .map(([t, rss, fds]) => ({ t, secs: parseInt(t, 10), rss: Number(rss), fds: Number(fds) }));
let load = {};
try { load = JSON.parse(fs.readFileSync(loadFile, 'utf8')); } catch { load = { total_errors: 'load script failed', counts: {} }; }
// The loop's last sample is taken after the load ended: not counted.
const after = rows.filter((r) => r.secs >= Number(warmup) && !r.t.includes('idle')).slice(0, -1);
const base = after[0] ?? rows[0];
const last = after[after.length - 1] ?? rows[rows.length - 1];
const within = (k) => after.every((r) => Math.abs(r[k] - base[k]) <= base[k] * 0.1);
const mib = (k) => `${(k / 1024).toFixed(1)} MiB`;
const maxOf = (k) => Math.max(...after.map((r) => r[k]));
// RSS swings by the argon2 working memory (password.memory_kib per hash in
// progress, mapped fresh for each hash): the floor of each minute is the
// server's own memory. First and last minute after warm-up compared.
const minute = (r) => Math.floor((r.secs - Number(warmup)) / 60);
const floors = new Map();
for (const r of after) floors.set(minute(r), Math.min(floors.get(minute(r)) ?? Infinity, r.rss));
const fl = [...floors.values()];
const floorOk = fl.length > 0 && fl.every((f) => Math.abs(f - fl[0]) <= fl[0] * 0.1);
// The criterion: the median of the first third of the samples after
// warm-up against the median of the last third. Most samples catch one
// or two hashes in flight; a median is the typical level under load and
// is not moved by the spikes, while a trend (a leak) moves it.
const third = Math.max(1, Math.floor(after.length / 3));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const medFirst = median(after.slice(0, third).map((r) => r.rss));
const medLast = median(after.slice(-third).map((r) => r.rss));
const medianOk = Math.abs(medLast - medFirst) <= medFirst * 0.1;
const out = [];
out.push('## Soak (issue 18 item 7)', '');
out.push(`Produced by \`benches/soak.sh\` on ${new Date().toISOString().slice(0, 16)}Z: ${total} s of mixed load against one release ` +
  `Ostiary on PostgreSQL 15 (private cluster), samples every 10 s; warm-up ${warmup} s. Load average at the start ${loadStart}, at the end ${loadEnd}.`, '');
const counts = Object.entries(load.counts ?? {}).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
out.push(`Requests completed: ${counts || '—'}.`, '');
out.push('RSS swings by the argon2id working memory while sign-ins hash (19 MiB per hash in progress, two at a time, mapped for each hash and returned after it); the floor of each minute is the server\'s own memory.', '');
out.push('| measure | first after warm-up | last | max after warm-up | within ±10 % |', '|---|---:|---:|---:|---|');
out.push(`| **RSS, median of the first and of the last third of the samples (the criterion)** | ${mib(medFirst)} | ${mib(medLast)} | — | ${medianOk ? 'yes' : 'no'} (${(((medLast - medFirst) / medFirst) * 100).toFixed(1)} %) |`);
out.push(`| RSS (VmRSS), single samples | ${mib(base.rss)} | ${mib(last.rss)} | ${mib(maxOf('rss'))} | ${within('rss') ? 'yes' : 'no'} |`);
out.push(`| RSS floor of each minute (between hashes) | ${mib(fl[0])} | ${mib(fl[fl.length - 1])} | ${mib(Math.max(...fl))} | ${floorOk ? 'yes' : 'no'} |`);
out.push(`| open file descriptors | ${base.fds} | ${last.fds} | ${maxOf('fds')} | ${within('fds') ? 'yes' : 'no'} |`);
const idle = rows.find((r) => r.t.includes('idle'));
if (idle) out.push('', `Two seconds after the load: RSS ${mib(idle.rss)}, ${idle.fds} file descriptors.`);
out.push('', `Errors seen by the load: **${load.total_errors}**${load.total_errors ? ` (${JSON.stringify(load.first_errors)})` : ''}; ` +
  `ERROR lines in the server log: ${serverErrors}. Samples: \`benches/results/soak-samples.tsv\` (seconds, VmRSS KiB, fds).`, '');
console.log(out.join('\n'));
NODE
node "$BENCH/put_section.mjs" "$BENCH/RESULTS.md" soak <"$TMP/section.md"
cat "$TMP/section.md"
