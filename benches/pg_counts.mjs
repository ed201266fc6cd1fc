// PostgreSQL work per authorization-code round trip, from two snapshots of
// the database's statistics (roundtrip_bench.sh `snapshot`): one instance's
// idle life (start-up, background jobs, shutdown) and a life of the same
// length with round trips. Prints one JSON line (kind "pgcounts"):
// transactions, statements (all, and without BEGIN/COMMIT/ROLLBACK),
// sequential scans per round trip, the tables scanned, and every statement
// with its calls per round trip.
// Usage: node pg_counts.mjs IDLE.json LOAD.json ROUNDTRIP.json
import { readFileSync } from 'node:fs';

const [idle, load, rt] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
// The loop's own first sign-in and exchange count as one more round trip.
const trips = rt.ok + 1;
const isTx = (q) => /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE)/i.test(q);
// Foreign-key checks PostgreSQL runs inside an INSERT (RI triggers), which
// pg_stat_statements (track = all) counts as nested statements.
const isFk = (q) => /FOR KEY SHARE OF x/.test(q);
// The pool's connection check on checkout (src/db/pool.rs).
const isPing = (q) => /^\s*SELECT \$1\s*$/.test(q);
const calls = (snap) => {
  const m = new Map();
  for (const s of snap.statements) m.set(s.query, (m.get(s.query) ?? 0) + Number(s.calls));
  return m;
};
const ci = calls(idle);
const cl = calls(load);
const per = [];
for (const [query, n] of cl) {
  const d = n - (ci.get(query) ?? 0);
  if (d > 0) {
    per.push({ query: query.replace(/\s+/g, ' ').slice(0, 220), per_rt: d / trips, tx: isTx(query), fk: isFk(query), ping: isPing(query) });
  }
}
per.sort((a, b) => b.per_rt - a.per_rt);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const tables = new Map(idle.tables.map((t) => [t.table, t]));
const scans = [];
for (const t of load.tables) {
  const i = tables.get(t.table) ?? { seq_scan: 0, seq_tup_read: 0, idx_scan: 0 };
  const seq = (t.seq_scan - i.seq_scan) / trips;
  const idx = (t.idx_scan - i.idx_scan) / trips;
  if (seq > 0.001 || idx > 0.001) {
    scans.push({ table: t.table, rows: t.rows, seq_per_rt: seq, seq_rows_per_rt: (t.seq_tup_read - i.seq_tup_read) / trips, idx_per_rt: idx });
  }
}
scans.sort((a, b) => b.seq_per_rt - a.seq_per_rt || b.idx_per_rt - a.idx_per_rt);
const round = (x) => Math.round(x * 100) / 100;
console.log(JSON.stringify({
  kind: 'pgcounts',
  round_trips: trips,
  idle_xacts: idle.xacts,
  xacts_per_rt: round((load.xacts - idle.xacts) / trips),
  statements_per_rt: round(sum(per.map((p) => p.per_rt))),
  statements_no_tx_per_rt: round(sum(per.filter((p) => !p.tx).map((p) => p.per_rt))),
  // Sent by Ostiary (no foreign-key checks), and of those the pool checks.
  statements_sent_per_rt: round(sum(per.filter((p) => !p.fk).map((p) => p.per_rt))),
  fk_checks_per_rt: round(sum(per.filter((p) => p.fk).map((p) => p.per_rt))),
  pool_checks_per_rt: round(sum(per.filter((p) => p.ping).map((p) => p.per_rt))),
  seq_scans_per_rt: round(sum(scans.map((s) => s.seq_per_rt))),
  tables: scans.map((s) => ({ ...s, seq_per_rt: round(s.seq_per_rt), seq_rows_per_rt: round(s.seq_rows_per_rt), idx_per_rt: round(s.idx_per_rt) })),
  statements: per.filter((p) => p.per_rt >= 0.05).map((p) => ({ ...p, per_rt: round(p.per_rt) })),
}));
