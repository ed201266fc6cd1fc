// Turns the JSON lines written by oidc_bench.sh into the Markdown report.
// Usage: node report.mjs RESULTS.jsonl  (Markdown on stdout)
// Each line: {"row": label, "server": "ostiary"|"oidc-provider"|"sign-only"|"meta",
//             "rps": n, "p99": "1.23ms", "non2xx": n, "errors": n, ...}
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = Object.assign({}, ...lines.filter((l) => l.server === 'meta'));
const rows = [];
const byRow = new Map();
for (const l of lines) {
  if (l.server === 'meta') continue;
  if (!byRow.has(l.row)) {
    byRow.set(l.row, {});
    rows.push(l.row);
  }
  byRow.get(l.row)[l.server] = l;
}

const ORDER = ['client_credentials RS256', 'client_credentials ES256', 'client_credentials EdDSA', 'discovery', 'JWKS',
  'userinfo', 'introspection', 'authorization code round trip', 'sign-only RS256', 'sign-only ES256', 'sign-only EdDSA'];
rows.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
const fmt = (n) => (n === undefined || n === null || Number.isNaN(n) ? '—' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 }));
const bad = (r) => (r ? (r.non2xx ?? 0) + (r.errors ?? 0) : undefined);

const out = [];
out.push('# Ostiary benchmark results', '');
out.push(`Produced by \`benches/oidc_bench.sh\` on ${meta.date ?? '?'}.`, '');
out.push(`- Machine: ${meta.cpu ?? '?'}, ${meta.cores ?? '?'} cores, ${meta.mem ?? '?'} RAM, ${meta.kernel ?? '?'}`);
out.push(`- Ostiary: ${meta.ostiary ?? '?'} (SQLite in a temp dir), oidc-provider ${meta.oidc_provider ?? '?'} on Node ${meta.node ?? '?'}`);
out.push(`- Load: \`wrk -t1 -c8 -d${meta.duration ?? '10s'} --latency\` (${meta.wrk ?? 'wrk'}); the round trip is a Node loop with 8 concurrent flows`);
out.push('- Sign-only: node:crypto (OpenSSL) signing a JWT-sized input on one core, with RSA 2048 / P-256 / Ed25519 keys equivalent to Ostiary\'s; it stands in for a sign-only loop of the server\'s own key code', '');
out.push('| endpoint | ostiary req/s | p99 | oidc-provider req/s | p99 | non-2xx (ostiary / oidc-provider) |');
out.push('|---|---:|---:|---:|---:|---|');
for (const row of rows) {
  const r = byRow.get(row);
  if (r['sign-only']) {
    out.push(`| ${row} | ${fmt(r['sign-only'].rps)} signs/s | — | — | — | — |`);
    continue;
  }
  const o = r.ostiary;
  const p = r['oidc-provider'];
  out.push(`| ${row} | ${fmt(o?.rps)} | ${o?.p99 ?? '—'} | ${fmt(p?.rps)} | ${p?.p99 ?? '—'} | ${bad(o) ?? '—'} / ${bad(p) ?? '—'} |`);
}
out.push('');
out.push(`Ostiary RSS after the run (VmRSS): ${meta.ostiary_rss_kib ? `${(meta.ostiary_rss_kib / 1024).toFixed(1)} MiB` : '—'}; ` +
  `oidc-provider: ${meta.op_rss_kib ? `${(meta.op_rss_kib / 1024).toFixed(1)} MiB` : '—'}.`, '');

// Goals from issue 3, evaluated on these numbers.
const get = (row, server) => byRow.get(row)?.[server]?.rps;
const goals = [];
const ratio = (a, b) => (a && b ? a / b : undefined);
const rsSign = get('sign-only RS256', 'sign-only');
const rsCc = get('client_credentials RS256', 'ostiary');
let r = ratio(rsCc, rsSign);
goals.push(['RS256 client_credentials ≥ 90 % of the RS256 sign-only limit (one core)', r === undefined ? '—' : `${(r * 100).toFixed(0)} %`, r !== undefined && r >= 0.9]);
r = ratio(get('client_credentials ES256', 'ostiary'), get('client_credentials ES256', 'oidc-provider'));
goals.push(['ES256 client_credentials ≥ 5× oidc-provider', r === undefined ? '—' : `${r.toFixed(1)}×`, r !== undefined && r >= 5]);
for (const row of ['discovery', 'JWKS']) {
  r = ratio(get(row, 'ostiary'), get(row, 'oidc-provider'));
  goals.push([`${row} ≥ 10× oidc-provider`, r === undefined ? '—' : `${r.toFixed(1)}×`, r !== undefined && r >= 10]);
}
const rss = meta.ostiary_rss_kib;
goals.push(['Ostiary RSS after the run < 64 MiB', rss ? `${(rss / 1024).toFixed(1)} MiB` : '—', !!rss && rss < 64 * 1024]);
const ostiaryBad = rows.reduce((n, row) => n + (bad(byRow.get(row).ostiary) ?? 0), 0);
const measured = rows.some((row) => byRow.get(row).ostiary);
goals.push(['No non-2xx answers from Ostiary (and no socket errors)', measured ? String(ostiaryBad) : '—', measured && ostiaryBad === 0]);
out.push('| goal (issue 3) | measured | met |', '|---|---:|---|');
for (const [g, m, ok] of goals) out.push(`| ${g} | ${m} | ${m === '—' ? 'not measured' : ok ? 'yes' : 'no'} |`);
out.push('');
if (meta.note) out.push(meta.note, '');
console.log(out.join('\n'));
