// The Markdown section of benches/RESULTS.md for roundtrip_bench.sh, with
// the issue-18 goals evaluated on the numbers of this run.
// Usage: node roundtrip_report.mjs RESULTS.jsonl  (Markdown on stdout)
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = Object.assign({}, ...lines.filter((l) => l.kind === 'meta'));
const of = (kind) => lines.filter((l) => l.kind === kind);
const fmt = (n, d = 1) => (n === undefined || n === null || Number.isNaN(n) ? '—' : Number(n).toLocaleString('en-US', { maximumFractionDigits: d }));
const ms = (n) => (n === undefined || n === null ? '—' : `${fmt(n)} ms`);

const out = [];
out.push(`## Round trip, sign-in and statements per round trip (issue 18)${meta.pinned ? ', servers and load generator on cores of their own' : ''}`, '');
out.push(`Produced by \`benches/roundtrip_bench.sh\` on ${meta.date ?? '?'} (commit ${meta.commit ?? '?'}).`, '');
out.push(`- Machine: ${meta.cpu ?? '?'}, ${meta.cores ?? '?'} cores, ${meta.mem ?? '?'} RAM, ${meta.kernel ?? '?'}; ` +
  `load average at the start ${meta.load_start ?? '?'}, at the end ${meta.load_end ?? '?'} (other builds may share the machine: ` +
  'each row gives the 1/5/15-minute load when it started)');
const pinned = Boolean(meta.pinned);
if (pinned) {
  out.push(`- **Pinned** (taskset): ${meta.pinned}. The servers have ${meta.server_cores} core(s) to themselves, the load generator ` +
    `${meta.client_cores}; the goals below count the servers' cores only.`);
}
out.push(`- ${meta.ostiary ?? 'ostiary'} (release), oidc-provider ${meta.oidc_provider ?? '?'} on Node ${meta.node ?? '?'} (in-memory adapter), ` +
  `nginx ${meta.nginx ?? '?'} (2 instances, round robin), PostgreSQL ${meta.postgres ?? '?'} (a private cluster on the same machine, default settings, pg_stat_statements)`);
out.push(`- Round trip: \`benches/code_roundtrip.mjs\`, 8 flows in flight for ${meta.duration ?? '?'} s with a signed-in session: ` +
  'GET /authorize (PKCE) → 302 with code → POST /token. Sign-in: `benches/signin_bench.mjs`, ' +
  `${meta.signin_concurrency ?? '?'} browsers with an account each, GET /login → POST /login → 303; latency of the POST.`);
out.push('- Command: `cargo build --release --all-features && benches/roundtrip_bench.sh`', '');

// Round trips.
const peer = of('roundtrip').filter((r) => r.server === 'oidc-provider');
const peerRps = peer.length ? peer.reduce((a, r) => a + r.rps, 0) / peer.length : undefined;
out.push('| authorization-code round trip | instances | round trips/s | p50 | p99 | errors | × oidc-provider | load at start |');
out.push('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of of('roundtrip')) {
  const who = r.server === 'oidc-provider' ? `oidc-provider (${r.label} run)` : `Ostiary, ${r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}`;
  const base = r.peer_rps ?? peerRps;
  const ratio = r.server === 'ostiary' && base ? `${(r.rps / base).toFixed(2)}×` : '—';
  out.push(`| ${who} | ${r.instances} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} | ${ratio} | ${r.load ?? '—'} |`);
}
out.push('', `The ratio is against the mean of the oidc-provider runs of the same run of the script (${fmt(peerRps)} round trips/s over all of them), which run before and after the Ostiary rows.`, '');

// CPU per round trip: the machine's busy time over each run (/proc/stat),
// the load generator's own, and the rest (servers, nginx, PostgreSQL).
const withCpu = of('roundtrip').filter((r) => r.machine_cpu_ms && r.ok);
if (withCpu.length) {
  const coresN = Number((pinned ? meta.server_cores : meta.cores) ?? 0);
  out.push('CPU per round trip, from the machine\'s busy time over each run (`/proc/stat`) and the load generator\'s own (`process.cpuUsage()`):', '');
  out.push('| run | instances | machine CPU / round trip | of it the load generator | the rest: server(s), nginx, PostgreSQL |', '|---|---:|---:|---:|---:|');
  for (const r of withCpu) {
    const who = r.server === 'oidc-provider' ? `oidc-provider (${r.label} run)` : `Ostiary, ${r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}`;
    const all = r.machine_cpu_ms / r.ok;
    out.push(`| ${who} | ${r.instances} | ${fmt(all, 2)} ms | ${fmt(r.client_cpu_ms, 2)} ms | ${fmt(all - r.client_cpu_ms, 2)} ms |`);
  }
  const clients = withCpu.map((r) => r.client_cpu_ms).filter(Number.isFinite);
  if (peerRps && coresN && clients.length) {
    const client = clients.reduce((a, c) => a + c, 0) / clients.length;
    // Pinned, the load generator has cores of its own: the servers' budget
    // is their cores' time alone.
    const budget = (want) => (coresN * 1000) / (want * peerRps) - (pinned ? 0 : client);
    out.push('', `What the goals leave: ${want2(2)} and ${want2(1.5)}. ` + (pinned
      ? `The load generator spends ${fmt(client, 2)} ms per round trip on its own cores.`
      : `The load generator alone spends ${fmt(client, 2)} ms per round trip (the mean of the runs), so on ${coresN} cores ` +
        `no server could do more than ${fmt((coresN * 1000) / client, 0)} round trips/s here.`), '');
    function want2(x) {
      const b = budget(x);
      return `${x}× oidc-provider (${fmt(x * peerRps, 0)} round trips/s on ${coresN} cores) leaves the server, nginx and the database ` +
        `${b > 0 ? fmt(b, 2) + ' ms' : 'nothing'} of CPU per round trip`;
    }
  }
}

// Sign-in.
const hash = of('hash')[0];
const cores = Number((pinned ? meta.server_cores : meta.cores) ?? 0);
out.push('| password sign-in | instances | concurrency | sign-ins/s | p50 | p99 | errors | load at start |');
out.push('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of [...of('signin1'), ...of('signin')]) {
  out.push(`| ${r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'} | ${r.instances} | ${r.concurrency} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} | ${r.load ?? '—'} |`);
}
out.push('');
if (hash) {
  out.push(`Hash time of the default argon2id parameters (m=${hash.memory_kib} KiB, t=${hash.iterations}): **${fmt(hash.hash_ms, 2)} ms**, ` +
    'the median of 21 hashes one at a time through the server\'s own hasher (`benches/password_hash.rs`, in-process); ' +
    `the limit of ${cores} cores is ${fmt((cores * 1000) / hash.hash_ms, 1)} sign-ins/s. ` +
    `With every core hashing at once the same hasher does ${fmt(hash.all_cores_per_s, 1)} hashes/s on this machine ` +
    '(its cores share caches and memory bandwidth): the most any server could sign in here.', '');
}
// CPU per sign-in, as per round trip: what is left besides the hash.
const signinCpu = of('signin').filter((r) => r.machine_cpu_ms && r.ok);
if (signinCpu.length) {
  out.push('CPU per password sign-in (GET /login and POST /login), from the machine\'s busy time over each run and the load generator\'s own:', '');
  out.push('| run | instances | machine CPU / sign-in | of it the load generator | the rest: server(s) with the hash, nginx, PostgreSQL | the rest less one hash (its time on an idle core) |', '|---|---:|---:|---:|---:|---:|');
  for (const r of signinCpu) {
    const all = r.machine_cpu_ms / r.ok;
    const rest = all - (r.client_cpu_ms ?? 0);
    out.push(`| ${r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'} | ${r.instances} | ${fmt(all, 2)} ms | ${fmt(r.client_cpu_ms, 2)} ms | ` +
      `${fmt(rest, 2)} ms | ${hash ? fmt(rest - hash.hash_ms, 2) + ' ms' : '—'} |`);
  }
  out.push('');
}

// Serialization retries.
if (of('xacts').length) {
  out.push('PostgreSQL transactions over each measurement\'s instance lives (round trips and sign-ins; `pg_stat_database`). ' +
    'A write transaction PostgreSQL aborts as not serializable is rolled back and run again (`store::write_tx`), so rollbacks bound the retries from above:', '');
  out.push('| instances | committed | rolled back | rolled back per 1,000 committed |', '|---:|---:|---:|---:|');
  for (const r of of('xacts')) out.push(`| ${r.instances} | ${fmt(r.commits, 0)} | ${fmt(r.rollbacks, 0)} | ${r.commits ? fmt((1000 * r.rollbacks) / r.commits, 2) : '—'} |`);
  out.push('');
}

// Statements.
const pg = of('pgcounts')[0];
if (pg) {
  out.push(`PostgreSQL work per round trip (1 instance, ${pg.round_trips} round trips, the instance's idle life of the same length subtracted):`, '');
  out.push('| transactions | statements sent by Ostiary | of them pool checks (`SELECT 1`) | of them BEGIN/COMMIT | foreign-key checks inside INSERTs (not sent) | sequential scans |', '|---:|---:|---:|---:|---:|---:|');
  const txs = Math.round((pg.statements_per_rt - pg.statements_no_tx_per_rt) * 100) / 100;
  out.push(`| ${pg.xacts_per_rt} | ${pg.statements_sent_per_rt ?? pg.statements_per_rt} | ${pg.pool_checks_per_rt ?? '—'} | ${txs} | ${pg.fk_checks_per_rt ?? '—'} | ${pg.seq_scans_per_rt} |`, '');
  out.push('A transaction here is what `pg_stat_database` counts: every statement outside `BEGIN`…`COMMIT` is one.', '');
  out.push('| table | live rows (statistics) | seq scans / round trip | rows read by them | index scans / round trip |', '|---|---:|---:|---:|---:|');
  for (const t of pg.tables) out.push(`| ${t.table} | ${t.rows} | ${t.seq_per_rt} | ${t.seq_rows_per_rt} | ${t.idx_per_rt} |`);
  out.push('', '<details><summary>Statements per round trip</summary>', '', '| calls / round trip | statement |', '|---:|---|');
  for (const s of pg.statements) out.push(`| ${s.per_rt} | \`${s.query.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
  out.push('', '</details>', '');
}

// Goals.
const ost = (backend, n) => of('roundtrip').find((r) => r.server === 'ostiary' && r.backend === backend && r.instances === n);
const goals = [];
for (const [backend, want, label] of [['sqlite', 2, 'SQLite'], ['postgres', 1.5, 'PostgreSQL']]) {
  for (const n of [1, 2]) {
    const r = ost(backend, n);
    const base = r?.peer_rps ?? peerRps;
    const x = r && base ? r.rps / base : undefined;
    goals.push([`round trip on ${label}, ${n} instance${n > 1 ? 's' : ''} ≥ ${want}× oidc-provider`, x === undefined ? '—' : `${x.toFixed(2)}×`, x !== undefined && x >= want]);
  }
}
if (hash) {
  const limit = (cores * 1000) / hash.hash_ms;
  for (const r of of('signin')) {
    const x = r.rps / limit;
    const ceiling = hash.all_cores_per_s ? ` (${((r.rps / hash.all_cores_per_s) * 100).toFixed(0)} % of the all-cores hasher)` : '';
    goals.push([`sign-ins on ${r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${r.instances} instance${r.instances > 1 ? 's' : ''} ≥ 90 % of cores ÷ hash time`, `${(x * 100).toFixed(0)} %${ceiling}`, x >= 0.9]);
  }
}
const errs = of('roundtrip').concat(of('signin')).filter((r) => r.server === 'ostiary').reduce((a, r) => a + (r.errors ?? 0), 0);
goals.push(['no failed round trip or sign-in on Ostiary', String(errs), errs === 0]);
out.push('| goal (issue 18) | measured | met |', '|---|---:|---|');
for (const [g, m, ok] of goals) out.push(`| ${g} | ${m} | ${m === '—' ? 'not measured' : ok ? 'yes' : 'no'} |`);
const firstErrors = lines.filter((l) => l.first_error).map((l) => `${l.server} ${l.backend ?? ''} ×${l.instances ?? ''} ${l.kind}: ${l.first_error}`);
if (firstErrors.length) out.push('', 'First errors:', '', ...firstErrors.map((e) => `- ${e}`));
out.push('');
console.log(out.join('\n'));
