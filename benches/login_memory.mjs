// Memory under login load (issue 10 item 12; a benchmark, not a test):
// start a release Ostiary on a fresh SQLite store, sign in COUNT times with
// CONCURRENCY parallel browsers (one account each, so the throttle does not
// pause them), and report the server's resident memory before, at its peak
// and after the load. Each argon2id hash borrows `password.memory_kib`
// (19 MiB by default); the goal is RSS below 64 MiB after 1,000 sign-ins at
// any concurrency.
//
//   node benches/login_memory.mjs [BIN] [COUNT] [CONCURRENCY...]
//   (defaults: target/release/ostiary 1000 4 16)
//
// Prints one JSON line per run and a Markdown table on stderr.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const bin = args[0] ?? path.join(root, 'target/release/ostiary');
const count = Number(args[1] ?? 1000);
const levels = (args.length > 2 ? args.slice(2) : ['4', '16']).map(Number);
const password = 'a bench passphrase of several words';

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const rssKib = (pid) => {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : 0;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cookiesOf(res, jar) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}

async function signIn(base, email) {
  const jar = new Map();
  const form = await fetch(`${base}/login`);
  cookiesOf(form, jar);
  const html = await form.text();
  const csrf = html.match(/name="csrf_token" value="([^"]+)"/)[1];
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      origin: base,
    },
    body: new URLSearchParams({ csrf_token: csrf, email, password }),
  });
  const text = await res.text();
  if (res.status === 429 && process.env.DEBUG) console.error(text.match(/role="alert">([^<]*)/)?.[1]);
  return res.status;
}

async function run(concurrency) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ostiary-mem-'));
  const port = await freePort();
  const env = {
    ...process.env,
    OSTIARY_DATA_DIR: dir,
    OSTIARY_DATABASE_URL: `sqlite://${dir}/ostiary.db`,
    OSTIARY_LISTEN: `127.0.0.1:${port}`,
    OSTIARY_MANAGEMENT_LISTEN: '',
    OSTIARY_ISSUER: `http://127.0.0.1:${port}`,
    OSTIARY_PASSWORD__QUEUE_TIMEOUT_MS: '600000',
    OSTIARY_LOG_LEVEL: 'warn',
  };
  for (let i = 0; i < concurrency; i++) {
    const made = spawnSync(bin, ['user', 'create', '--email', `bench${i}@example.com`, '--password-stdin'],
      { env, input: `${password}\n` });
    if (made.status !== 0) throw new Error(`user create failed: ${made.stderr}`);
  }
  const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* starting */ }
    if (i > 100) throw new Error('server did not start');
    await sleep(100);
  }
  const before = rssKib(server.pid);
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, rssKib(server.pid)); }, 50);
  let next = 0;
  let failures = 0;
  const statuses = {};
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (next < count) {
      next += 1;
      const status = await signIn(base, `bench${worker}@example.com`);
      if (status !== 303) {
        failures += 1;
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }
  }));
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await sleep(2000);
  const after = rssKib(server.pid);
  server.kill();
  if (process.env.DEBUG) console.error("kept", dir); else fs.rmSync(dir, { recursive: true, force: true });
  const mib = (k) => Math.round(k / 102.4) / 10;
  return {
    concurrency, signIns: count, failures, statuses, seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(count / seconds), rssBeforeMiB: mib(before), rssPeakMiB: mib(peak), rssAfterMiB: mib(after),
  };
}

const rows = [];
for (const level of levels) {
  const r = await run(level);
  console.log(JSON.stringify(r));
  rows.push(r);
}
console.error('| concurrency | sign-ins | failures | sign-ins/s | RSS before | RSS peak | RSS after (2 s) |');
console.error('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.error(`| ${r.concurrency} | ${r.signIns} | ${r.failures} | ${r.perSecond} | ${r.rssBeforeMiB} MiB | ${r.rssPeakMiB} MiB | ${r.rssAfterMiB} MiB |`);
}
if (rows.some((r) => r.failures > 0 || r.rssAfterMiB >= 64)) process.exitCode = 1;
