// The Markdown section of benches/RESULTS.md for scale_data.sh: each
// latency on the empty database and on the large one, and the goal
// "within 2× of the empty database" evaluated.
// Usage: node scale_report.mjs RESULTS.jsonl LOADAVG  (Markdown on stdout)
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = lines.find((l) => l.label === 'meta') ?? {};
const whats = [...new Set(lines.filter((l) => l.what).map((l) => l.what))];
const get = (label, what) => lines.find((l) => l.label === label && l.what === what)?.ms;
const fmt = (n) => (n === undefined || n === null || Number.isNaN(Number(n)) ? '—' : Number(n).toFixed(2));
const loads = lines.filter((l) => l.load).map((l) => `${l.label}: ${l.load}`).join('; ');
const out = [];
out.push('## Latency at scale on PostgreSQL (issue 18 item 6)', '');
out.push(`Produced by \`benches/scale_data.sh\` on ${new Date().toISOString().slice(0, 16)}Z: ` +
  `${Number(meta.users).toLocaleString('en-US')} users, ${Number(meta.audit).toLocaleString('en-US')} audit rows and ` +
  `${Number(meta.sessions).toLocaleString('en-US')} sessions generated in SQL in ${meta.gen_seconds} s, in a private PostgreSQL 15 ` +
  'cluster (shared_buffers 1 GB) on the same machine as a release Ostiary. Medians; HTTP rows through curl or the Node ' +
  `loop at concurrency 1. Load average at the start of each measurement: ${loads}; at the end: ${process.argv[3] ?? '?'}.`, '');
out.push('| operation | empty database, ms | large database, ms | ratio | within 2× |', '|---|---:|---:|---:|---|');
for (const w of whats) {
  const a = get('empty', w);
  const b = get('large', w);
  const r = a && b ? b / a : undefined;
  out.push(`| ${w} | ${fmt(a)} | ${fmt(b)} | ${r === undefined ? '—' : `${r.toFixed(2)}×`} | ${r === undefined ? '—' : r <= 2 ? 'yes' : 'no'} |`);
}
out.push('', 'The query plans (EXPLAIN ANALYZE, BUFFERS) on the large database are in `benches/results/scale-plans.md` and docs/performance.md.', '');
console.log(out.join('\n'));
