// Password sign-in throughput (argon2-bound; a benchmark, not a test):
// CONCURRENCY browsers, each with its own account (bench-signin-N@example.com,
// so the per-account throttle never pauses them), loop for SECONDS over
//   GET /login (CSRF cookie and token) -> POST /login (email, password) -> 303
// A sign-in counts when the POST answers 303; anything else is an error.
// The latency is the POST's alone (the hash is there).
//
// Usage: node signin_bench.mjs BASE PASSWORD [SECONDS=10] [CONCURRENCY=8] [FIRST_ACCOUNT=0]
// Prints one JSON line: {"rps", "p50_ms", "p99_ms", "ok", "errors", "first_error", "statuses",
// "client_cpu_ms"} - client_cpu_ms is this process's own CPU per sign-in
// (process.cpuUsage()), what the load costs the machine besides the server.
import { CookieJar } from '../tests/interop/browse.mjs';

const [base, password] = process.argv.slice(2, 4);
const seconds = Number(process.argv[4] || 10);
const concurrency = Number(process.argv[5] || 8);
const firstAccount = Number(process.argv[6] || 0);
if (!password) {
  console.error('usage: node signin_bench.mjs BASE PASSWORD [SECONDS] [CONCURRENCY] [FIRST_ACCOUNT]');
  process.exit(2);
}

async function signIn(email) {
  const jar = new CookieJar();
  const form = await fetch(`${base}/login`, { headers: { accept: 'text/html' } });
  jar.store(form);
  const html = await form.text();
  const csrf = html.match(/name="csrf_token" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error(`GET /login HTTP ${form.status}: no csrf_token`);
  const t0 = performance.now();
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: jar.header(),
      origin: new URL(base).origin,
      accept: 'text/html',
    },
    body: new URLSearchParams({ csrf_token: csrf, email, password }),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 303) {
    const alert = text.match(/role="alert"[^>]*>([^<]*)/)?.[1]?.trim();
    const e = new Error(`POST /login HTTP ${res.status}${alert ? `: ${alert}` : ''}`);
    e.status = res.status;
    throw e;
  }
  return ms;
}

const latencies = [];
const statuses = {};
let errors = 0;
let firstError;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
  const email = `bench-signin-${firstAccount + i}@example.com`;
  while (performance.now() < deadline) {
    try {
      latencies.push(await signIn(email));
    } catch (e) {
      errors++;
      statuses[e.status ?? 'network'] = (statuses[e.status ?? 'network'] ?? 0) + 1;
      firstError ??= String(e.message ?? e);
    }
  }
}));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : null);
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
console.log(JSON.stringify({
  rps: Math.round((latencies.length / elapsed) * 10) / 10,
  p50_ms: round(pct(0.5)),
  p99_ms: round(pct(0.99)),
  ok: latencies.length,
  errors,
  first_error: firstError ?? null,
  statuses,
  client_cpu_ms: latencies.length ? Math.round(((cpu.user + cpu.system) / 1000 / latencies.length) * 1000) / 1000 : null,
}));
