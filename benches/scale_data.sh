#!/usr/bin/env bash
# Issue 18 item 6 (a benchmark, not a test): latency of the sign-in lookup
# (user by email), token issuance (client_credentials and the
# authorization-code round trip) and the admin user search
# (GET /api/v1/users?q=…) on an empty PostgreSQL database, then on the same
# database with SCALE_USERS users (default 1,000,000), SCALE_AUDIT audit rows
# (10,000,000) and SCALE_SESSIONS sessions (1,000,000) generated in SQL, and
# the EXPLAIN (ANALYZE, BUFFERS) plans of the queries behind them.
#
#   benches/scale_data.sh [PATH_TO_RELEASE_OSTIARY]   (default target/release/ostiary)
#
# Env: SCALE_USERS, SCALE_AUDIT, SCALE_SESSIONS (row counts), SCALE_RUNS
#      (timed calls per measurement, the median is reported; default 21),
#      BENCH_KEEP_TMP=1 (keep the temp dir).
# The database is a private cluster in a temp dir (initdb, a free port),
# deleted at the end; the shared server is never used. Generated audit rows
# have negative `seq` values, below every number the sequence hands out, so
# the sealer (which seals upward from its head) never links them into the
# hash chain: `audit verify` is not meaningful on this database. Writes its section of
# benches/RESULTS.md and the plans to benches/results/scale-plans.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/benches"
BIN=$(realpath "${1:-$ROOT/target/release/ostiary}")
USERS=${SCALE_USERS:-1000000}
AUDIT=${SCALE_AUDIT:-10000000}
SESSIONS=${SCALE_SESSIONS:-1000000}
RUNS=${SCALE_RUNS:-21}
PASSWORD='quiet violet harbor lantern 42 drifting'
REDIRECT_URI=http://127.0.0.1:9999/cb
BENCH_TAG=scale
# shellcheck source=benches/lib.sh
source "$BENCH/lib.sh"
need_tools node curl psql python3 jq
[[ -x $BIN ]] || die "no Ostiary binary at $BIN (cargo build --release --all-features)"
bench_init
PG_SHARED_BUFFERS=1GB pg_start_private
psql -qAt "$PG_URL_BASE/postgres" -c 'CREATE DATABASE scale' >/dev/null
DB=$PG_URL_BASE/scale
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
export OSTIARY_DATA_DIR=$TMP/data
mkdir -p "$OSTIARY_DATA_DIR"
ostiary_env "$DB" "$BASE"
"$BIN" migrate >/dev/null

out=$("$BIN" client create --name scale-cc --grant-type client_credentials \
  --token-endpoint-auth-method client_secret_basic --access-token-signed-response-alg ES256)
CC_ID=$(jq -r .client_id <<<"$out")
CC_SECRET=$(jq -r .client_secret <<<"$out")
out=$("$BIN" client create --name scale-rp --redirect-uri "$REDIRECT_URI" \
  --grant-type authorization_code --scope openid --scope email --scope profile \
  --token-endpoint-auth-method client_secret_basic --consent skip)
RP_ID=$(jq -r .client_id <<<"$out")
RP_SECRET=$(jq -r .client_secret <<<"$out")
printf '%s\n' "$PASSWORD" | "$BIN" user create --email bench@example.com --password-stdin >/dev/null
printf '%s\n' "$PASSWORD" | "$BIN" user create --email bench-signin-0@example.com --password-stdin >/dev/null
KEY=$("$BIN" api-key create --name scale --scope users:read | jq -r .key)
# Every generated user gets this (real) hash, so any of them can sign in.
HASH=$(psql -qAt "$DB" -c "SELECT password_hash FROM users WHERE email = 'bench@example.com'")

RESULTS=$TMP/results.jsonl
: >"$RESULTS"
emit() { node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map(a=>{const i=a.indexOf("=");const k=a.slice(0,i),v=a.slice(i+1);return [k,/^-?\d+(\.\d+)?$/.test(v)?Number(v):v]}))))' "$@" >>"$RESULTS"; }

serve() {
  ostiary_serve "$PORT" "$TMP/server-$1.log"
  SERVER_PID=$SERVE_PID
}

median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR + 1) / 2)]}'; }

# curl_ms URL [curl args...]: median time_total of RUNS calls, in ms; fails on non-2xx.
curl_ms() {
  local url=$1 i code t
  shift
  for i in $(seq 1 "$RUNS"); do
    read -r code t < <(curl -sS -o "$TMP/body" -w '%{http_code} %{time_total}\n' "$@" "$url")
    [[ $code == 2* ]] || die "$url: HTTP $code: $(head -c 300 "$TMP/body")"
    awk -v t="$t" 'BEGIN {print t * 1000}'
  done | median
}

# signin_ms EMAIL: median POST /login latency (argon2 included), one at a time.
signin_ms() {
  node "$BENCH/signin_bench.mjs" "$BASE" "$PASSWORD" 3 1 >"$TMP/signin.json" 2>/dev/null || true
  jq -r .p50_ms "$TMP/signin.json"
}

# sql_ms SQL: median execution time of the statement (EXPLAIN ANALYZE), ms.
sql_ms() {
  local i
  for i in $(seq 1 "$RUNS"); do
    psql -qAt "$DB" -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | jq '.[0]["Execution Time"] + .[0]["Planning Time"]'
  done | median
}

measure() { # LABEL
  local label=$1 probe_email=$2 probe_q=$3
  log "measuring ($label), load $(loadavg)"
  serve "$label"
  local basic
  basic="Basic $(printf '%s:%s' "$CC_ID" "$CC_SECRET" | base64 -w0)"
  emit label="$label" what="user by email (SQL)" ms="$(sql_ms "SELECT * FROM users WHERE email = '$probe_email' AND deleted_at IS NULL")" load="$(loadavg)"
  emit label="$label" what="session by cookie (SQL)" ms="$(sql_ms "SELECT * FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = '$PROBE_TOKEN' AND s.revoked_at IS NULL AND u.deleted_at IS NULL")"
  emit label="$label" what="password sign-in, POST /login (HTTP, argon2 included)" ms="$(signin_ms)"
  emit label="$label" what="client_credentials token (HTTP)" ms="$(curl_ms "$BASE/token" -H "authorization: $basic" -d grant_type=client_credentials)"
  node "$BENCH/code_roundtrip.mjs" "$BASE" "$RP_ID" "$RP_SECRET" bench@example.com "$PASSWORD" 5 1 >"$TMP/rt.json" 2>"$TMP/rt.err" ||
    log "round trip failed: $(head -c 300 "$TMP/rt.err")"
  emit label="$label" what="authorization-code round trip (HTTP)" ms="$(jq -r .p50_ms "$TMP/rt.json")"
  # The search's default matches from the start (store::search_term); `*…*`
  # anywhere (%2A is `*`).
  emit label="$label" what="admin user search, rare term (HTTP)" ms="$(curl_ms "$BASE/api/v1/users?limit=20&q=$probe_q" -H "authorization: Bearer $KEY")"
  emit label="$label" what="admin user search, frequent term (HTTP)" ms="$(curl_ms "$BASE/api/v1/users?limit=20&q=user" -H "authorization: Bearer $KEY")"
  emit label="$label" what="admin user search anywhere, rare term *…* (HTTP)" ms="$(curl_ms "$BASE/api/v1/users?limit=20&q=%2A$probe_q%2A" -H "authorization: Bearer $KEY")"
  emit label="$label" what="admin user search anywhere, frequent term *example* (HTTP)" ms="$(curl_ms "$BASE/api/v1/users?limit=20&q=%2Aexample%2A" -H "authorization: Bearer $KEY")"
  emit label="$label" what="admin user list, first page (HTTP)" ms="$(curl_ms "$BASE/api/v1/users?limit=20" -H "authorization: Bearer $KEY")"
  stop_pid "$SERVER_PID"
}

# A session whose token we know, for the cookie lookup.
PROBE_TOKEN=probe-token-hash
psql -qAt "$DB" >/dev/null <<SQL
INSERT INTO auth_sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, auth_time, amr, ip, user_agent, device_label)
SELECT 'probe-session', '$PROBE_TOKEN', id, now(), now(), now() + interval '7 days', now(), '["pwd"]', '127.0.0.1', 'bench', 'bench'
FROM users WHERE email = 'bench@example.com';
SQL

# Twenty users more, so that the lists' first pages are as full (20 rows)
# on the empty database as on the large one.
psql -qAt "$DB" >/dev/null <<SQL
INSERT INTO users (id, email, display_name, password_hash, email_verified, locked, superuser, created_at, updated_at)
SELECT md5('page' || i)::uuid::text, 'user-page' || i || '@example.com', 'Page User ' || i, '$HASH', true, false, false,
  TIMESTAMP '2023-12-31' + i * INTERVAL '60 seconds', TIMESTAMP '2023-12-31' + i * INTERVAL '60 seconds'
FROM generate_series(1, 20) AS i;
SQL
psql -qAt "$DB" -c 'ANALYZE' >/dev/null
measure empty bench@example.com bench

# ---------------------------------------------------------------- generate
log "generating $USERS users, $SESSIONS sessions, $AUDIT audit rows"
START=$(date +%s)
psql -q -v ON_ERROR_STOP=1 "$DB" <<SQL
SET maintenance_work_mem = '512MB';
INSERT INTO users (id, email, display_name, password_hash, email_verified, locked, superuser, created_at, updated_at)
SELECT md5('user' || i)::uuid::text,
  'user' || i || '@' || (ARRAY['example.com','example.org','corp.example','mail.example'])[(1 + i % 4)::int],
  (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Ken','Donald','Frances'])[(1 + i % 8)::int] || ' ' ||
    (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Thompson','Knuth','Allen'])[(1 + (i / 8) % 8)::int] || ' ' || i,
  '$HASH', i % 10 <> 0, i % 500 = 0, false,
  TIMESTAMP '2024-01-01' + i * INTERVAL '60 seconds', TIMESTAMP '2024-01-01' + i * INTERVAL '60 seconds'
FROM generate_series(1::bigint, $USERS) AS i;
INSERT INTO auth_sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, auth_time, amr, ip, user_agent, device_label, revoked_at)
SELECT md5('session' || i)::uuid::text, encode(sha256(('token' || i)::bytea), 'hex'),
  md5('user' || (1 + (i * 7919) % $USERS))::uuid::text,
  now() - (i % 604800) * INTERVAL '1 second', now() - (i % 3600) * INTERVAL '1 second',
  now() + INTERVAL '7 days' - (i % 604800) * INTERVAL '1 second', now() - (i % 604800) * INTERVAL '1 second',
  '["pwd"]', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1',
  'Mozilla/5.0 (X11; Linux x86_64) bench', 'Firefox on Linux',
  CASE WHEN i % 5 = 0 THEN now() - INTERVAL '1 hour' END
FROM generate_series(1::bigint, $SESSIONS) AS i;
SQL
log "users and sessions in $(( $(date +%s) - START )) s"
# The audit table's secondary indexes and unique constraints (not its
# primary key) are dropped for the load and built again after it (faster
# than maintaining them row by row); their definitions come from the
# catalog, so every one is back before measuring.
psql -qAt "$DB" >"$TMP/audit-indexes.sql" <<'SQL'
SELECT indexdef || ';' FROM pg_indexes
WHERE tablename = 'security_audit_logs'
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'security_audit_logs'::regclass);
SELECT format('ALTER TABLE security_audit_logs ADD CONSTRAINT %I %s;', conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE conrelid = 'security_audit_logs'::regclass AND contype = 'u';
SQL
psql -qAt "$DB" >/dev/null <<'SQL'
SELECT format('DROP INDEX %I', indexname) FROM pg_indexes
WHERE tablename = 'security_audit_logs'
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'security_audit_logs'::regclass)
\gexec
SELECT format('ALTER TABLE security_audit_logs DROP CONSTRAINT %I', conname)
FROM pg_constraint WHERE conrelid = 'security_audit_logs'::regclass AND contype = 'u'
\gexec
SQL
ACTIONS="'login.success','login.failure','logout','session.revoked','user.created','user.updated','token.issued','token.refreshed','consent.granted','mfa.verified'"
psql -q -v ON_ERROR_STOP=1 "$DB" <<SQL
INSERT INTO security_audit_logs
  (seq, id, created_at, request_id, actor_type, actor_id, session_id, organization_id,
   action, target_type, target_id, outcome, ip, user_agent, details)
SELECT -i, md5('audit' || i)::uuid::text,
  now() - INTERVAL '365 days' + i * (INTERVAL '365 days' / $AUDIT),
  md5('req' || (i / 3))::uuid::text, 'user', md5('user' || (1 + (i * 48271) % $USERS))::uuid::text,
  md5('session' || (1 + i / 20 % $SESSIONS))::uuid::text, NULL,
  (ARRAY[$ACTIONS])[(1 + i % 10)::int], 'user', md5('user' || (1 + (i * 7919) % $USERS))::uuid::text,
  CASE WHEN i % 7 = 0 THEN 'failure' ELSE 'success' END,
  '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1', 'Mozilla/5.0 (X11; Linux x86_64) bench',
  '{"method":"password","n":' || i || '}'
FROM generate_series(1::bigint, $AUDIT) AS i;
SQL
log "audit rows in $(( $(date +%s) - START )) s; rebuilding the audit indexes"
log "$(wc -l <"$TMP/audit-indexes.sql") indexes and constraints to rebuild"
{ echo "SET maintenance_work_mem = '1GB';"; cat "$TMP/audit-indexes.sql"; } | psql -q -v ON_ERROR_STOP=1 "$DB"
psql -q "$DB" -c 'VACUUM ANALYZE' >/dev/null
GEN_SECONDS=$(( $(date +%s) - START ))
log "generated in $GEN_SECONDS s"
emit label=meta users="$USERS" audit="$AUDIT" sessions="$SESSIONS" gen_seconds="$GEN_SECONDS"

# A user from the middle of the table, a rare search term (one user).
MID=$((USERS / 2))
measure large "user$MID@$(psql -qAt "$DB" -c "SELECT split_part(email, '@', 2) FROM users WHERE email LIKE 'user$MID@%'")" "user$MID%40"

# ---------------------------------------------------------------- plans
PLANS=$TMP/plans.md
plan() { # TITLE SQL
  {
    printf '#### %s\n\n```sql\n%s\n```\n\n```\n' "$1" "$2"
    psql -qAt "$DB" -c "EXPLAIN (ANALYZE, BUFFERS) $2"
    printf '```\n\n'
  } >>"$PLANS"
}
SOME_USER=$(psql -qAt "$DB" -c "SELECT id FROM users WHERE email LIKE 'user$MID@%'")
SOME_EMAIL=$(psql -qAt "$DB" -c "SELECT email FROM users WHERE id = '$SOME_USER'")
SOME_SESSION=$(psql -qAt "$DB" -c "SELECT id FROM auth_sessions WHERE user_id = '$SOME_USER' LIMIT 1")
: >"$PLANS"
plan "Sign-in: user by email" "SELECT * FROM users WHERE email = '$SOME_EMAIL' AND deleted_at IS NULL LIMIT 1"
plan "Every browser request: session by cookie, with its user" \
  "SELECT * FROM auth_sessions s INNER JOIN users u ON u.id = s.user_id WHERE s.token_hash = '$PROBE_TOKEN' AND s.revoked_at IS NULL AND u.deleted_at IS NULL LIMIT 1"
plan "Token: is the code's session unrevoked" "SELECT count(*) FROM auth_sessions WHERE id = '$SOME_SESSION' AND revoked_at IS NULL"
plan "Token: organization memberships of the user" "SELECT organization_id, role FROM memberships WHERE user_id = '$SOME_USER'"
plan "Sign-in: the user's sessions (sessions page, revoke all)" "SELECT * FROM auth_sessions WHERE user_id = '$SOME_USER' AND revoked_at IS NULL"
plan "Admin user search, rare term (from the start: address, name, a word of the name)" \
  "SELECT * FROM users WHERE deleted_at IS NULL AND (lower(email) LIKE 'user$MID@%' ESCAPE '\\' OR lower(display_name) LIKE 'user$MID@%' ESCAPE '\\' OR lower(display_name) LIKE '% user$MID@%' ESCAPE '\\') ORDER BY created_at, id LIMIT 21"
plan "Admin user search, frequent term (from the start)" \
  "SELECT * FROM users WHERE deleted_at IS NULL AND (lower(email) LIKE 'user%' ESCAPE '\\' OR lower(display_name) LIKE 'user%' ESCAPE '\\' OR lower(display_name) LIKE '% user%' ESCAPE '\\') ORDER BY created_at, id LIMIT 21"
plan "Admin user search anywhere, rare term (*user$MID@*)" \
  "SELECT * FROM users WHERE deleted_at IS NULL AND (lower(email) LIKE '%user$MID@%' ESCAPE '\\' OR lower(display_name) LIKE '%user$MID@%' ESCAPE '\\') ORDER BY created_at, id LIMIT 21"
plan "Admin user search anywhere, frequent term (*example*)" \
  "SELECT * FROM users WHERE deleted_at IS NULL AND (lower(email) LIKE '%example%' ESCAPE '\\' OR lower(display_name) LIKE '%example%' ESCAPE '\\') ORDER BY created_at, id LIMIT 21"
plan "Admin user list, first page" "SELECT * FROM users WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 21"
plan "Audit: a user's events (drill-down)" \
  "SELECT * FROM security_audit_logs WHERE actor_id = '$SOME_USER' ORDER BY created_at DESC, id DESC LIMIT 100"

mkdir -p "$BENCH/results"
cp "$PLANS" "$BENCH/results/scale-plans.md"
node "$BENCH/scale_report.mjs" "$RESULTS" "$(loadavg)" >"$TMP/section.md"
node "$BENCH/put_section.mjs" "$BENCH/RESULTS.md" scale <"$TMP/section.md"
cat "$TMP/section.md"
log "plans in benches/results/scale-plans.md"
