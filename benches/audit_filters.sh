#!/usr/bin/env bash
# Audit viewer latency on a large log (not a test): fills a fresh database
# with AUDIT_ROWS generated audit rows (default 1,000,000; the figures in
# docs/benchmarks.md use 10,000,000), serves it, and times the first page of
# each filter of GET /api/v1/audit-events (and of the export's first
# megabyte) through HTTP with an API key. See docs/benchmarks.md.
#
#   benches/audit_filters.sh [PATH_TO_RELEASE_OSTIARY]   (default target/release/ostiary)
#
# Env: AUDIT_ROWS (rows to generate), AUDIT_DATABASE_URL (a PostgreSQL URL of
#      an EMPTY database to use instead of a temp SQLite file), AUDIT_RUNS
#      (timed calls per filter, the median is reported; default 5).
# Rows are inserted in SQL (generate_series / a recursive CTE), outside the
# hash chain: `audit verify` on this database fails by design.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/target/release/ostiary}
ROWS=${AUDIT_ROWS:-1000000}
RUNS=${AUDIT_RUNS:-5}
PG=${AUDIT_DATABASE_URL:-}
log() { printf '[audit-bench] %s\n' "$*" >&2; }
for tool in curl jq; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
[[ -x $BIN ]] || { echo "no binary at $BIN: cargo build --release" >&2; exit 1; }

TMP=$(mktemp -d)
SERVER_PID=
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

export OSTIARY_DATA_DIR=$TMP/data
mkdir -p "$OSTIARY_DATA_DIR"
if [[ -n $PG ]]; then
  command -v psql >/dev/null || { echo "psql is required for AUDIT_DATABASE_URL" >&2; exit 1; }
  export OSTIARY_DATABASE_URL=$PG
  BACKEND=postgresql
else
  command -v sqlite3 >/dev/null || { echo "sqlite3 is required (apt-get install -y sqlite3)" >&2; exit 1; }
  export OSTIARY_DATABASE_URL=sqlite://$OSTIARY_DATA_DIR/ostiary.db
  BACKEND=sqlite
fi
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
export OSTIARY_ISSUER=http://127.0.0.1:$PORT OSTIARY_LISTEN=127.0.0.1:$PORT OSTIARY_LOG_LEVEL=warn
unset OSTIARY_CONFIG OSTIARY_MASTER_KEY_FILE || true

"$BIN" migrate >/dev/null
KEY=$("$BIN" api-key create --name bench --scope audit:read | jq -r .key)

# The columns: 20 actions, 1 in 7 a failure, 100,000 actors and targets,
# 100 organizations (a third of the rows untagged), 50,000 addresses,
# 3 events per request, 20 per session, one row every 3 s (10 M rows span a
# year), and a rare word ("needle") in 1 row of 100,000.
ACTIONS="'login.success','login.failure','logout','session.revoked','user.created','user.updated','user.disabled','user.deleted','mfa.verified','mfa.enrolled','client.created','client.updated','token.issued','token.refreshed','consent.granted','membership.added','api_key.used','provider.updated','key.rotated','email.sent'"
ACTIONS_JSON="[${ACTIONS//\'/\"}]"
log "generating $ROWS rows on $BACKEND"
START=$(date +%s)
if [[ -n $PG ]]; then
  psql -q -v ON_ERROR_STOP=1 "$PG" <<SQL
INSERT INTO security_audit_logs
  (seq, id, created_at, request_id, actor_type, actor_id, session_id, organization_id,
   action, target_type, target_id, outcome, ip, user_agent, details, prev_hash, hash)
SELECT 1000 + i, 'bench-' || i,
  TIMESTAMP '2026-01-01 00:00:00' + i * INTERVAL '3 seconds',
  'req-' || (i / 3), 'user', 'user-' || ((i * 48271) % 100000), 'sess-' || (i / 20),
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'org-' || (i % 100) END,
  (ARRAY[$ACTIONS])[1 + i % 20], 'user', 'user-' || ((i * 7919) % 100000),
  CASE WHEN i % 7 = 0 THEN 'failure' ELSE 'success' END,
  '10.' || (i % 50000 / 250) || '.' || (i % 250) || '.1', 'bench',
  CASE WHEN i % 100000 = 0 THEN '{"note":"needle ' || i || '"}' ELSE '{"n":' || i || '}' END,
  'prev-' || i, 'hash-' || i
FROM generate_series(1, $ROWS) AS i;
ANALYZE security_audit_logs;
SQL
else
  sqlite3 "$OSTIARY_DATA_DIR/ostiary.db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -2000000;
CREATE TEMP TABLE actions (n INTEGER PRIMARY KEY, name TEXT);
INSERT INTO actions (name) SELECT value FROM json_each('$ACTIONS_JSON');
INSERT INTO security_audit_logs
  (seq, id, created_at, request_id, actor_type, actor_id, session_id, organization_id,
   action, target_type, target_id, outcome, ip, user_agent, details, prev_hash, hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
SELECT 1000 + i, 'bench-' || i,
  strftime('%Y-%m-%d %H:%M:%f', '2026-01-01 00:00:00', '+' || (i * 3) || ' seconds'),
  'req-' || (i / 3), 'user', 'user-' || ((i * 48271) % 100000), 'sess-' || (i / 20),
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'org-' || (i % 100) END,
  (SELECT name FROM actions WHERE n = 1 + i % 20), 'user', 'user-' || ((i * 7919) % 100000),
  CASE WHEN i % 7 = 0 THEN 'failure' ELSE 'success' END,
  '10.' || (i % 50000 / 250) || '.' || (i % 250) || '.1', 'bench',
  CASE WHEN i % 100000 = 0 THEN '{"note":"needle ' || i || '"}' ELSE '{"n":' || i || '}' END,
  'prev-' || i, 'hash-' || i
FROM n;
ANALYZE;
SQL
fi
log "generated in $(( $(date +%s) - START )) s"

"$BIN" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/.well-known/openid-configuration" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.2
done

# The median of RUNS calls of `curl -w time_total`, in milliseconds.
median_ms() {
  local url=$1 times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -sS -o "$TMP/body" -w '%{http_code} %{time_total}' -H "authorization: Bearer $KEY" "$url")")
  done
  local status=${times[0]%% *}
  [[ $status == 200 ]] || { echo "$url: HTTP $status: $(head -c 300 "$TMP/body")" >&2; exit 1; }
  printf '%s\n' "${times[@]}" | awk '{print $2 * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR + 1) / 2)]}'
}

BASE="http://127.0.0.1:$PORT/api/v1/audit-events"
printf '| filter (%s rows, %s) | first page, ms (median of %s) |\n|---|---|\n' "$ROWS" "$BACKEND" "$RUNS"
while IFS='|' read -r name query; do
  printf '| %s | %s |\n' "$name" "$(median_ms "$BASE?limit=100&$query")"
done <<'FILTERS'
none (creation order)|
event|action=user.deleted
event and outcome|action=login.failure&outcome=failure
actor|actor=user-04242
object|target_type=user&target_id=user-04242
organization|organization_id=org-042
IP address|ip=10.17.42.1
request (drill-down)|request_id=req-123456
session (drill-down)|session_id=sess-123456
time range (one day)|since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00Z
event in a time range|action=login.failure&since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00Z
text in details (frequent)|q=%22n%22
text in details (rare)|q=needle
FILTERS
printf '| export (event filter), first byte | %s |\n' "$(
  curl -sS -o "$TMP/export" -H "authorization: Bearer $KEY" \
    -w '%{time_starttransfer} %{time_total} %{size_download}' "$BASE/export?format=jsonl&action=login.failure" |
    awk '{printf "%.1f (whole export: %.1f s, %.0f MB)", $1 * 1000, $2, $3 / 1048576}'
)"
