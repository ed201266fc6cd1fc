// Authorization-code round trip benchmark: sign in once on the hosted login
// page (cookie jar, consent approved if shown), then repeatedly
//   GET /authorize (PKCE, state, nonce) -> redirect with code -> POST /token
// with CONCURRENCY loops in flight for SECONDS. Each round trip is timed end
// to end (authorize + token). Plain fetch, no RP library, so the client costs
// little. A round trip that does not end in a redirect with a code and a 200
// token response counts as an error.
//
// Usage: node code_roundtrip.mjs ISSUER CLIENT_ID CLIENT_SECRET EMAIL PASSWORD [SECONDS=10] [CONCURRENCY=8]
// Env: REDIRECT_URI (default http://127.0.0.1:9999/cb).
// Prints one JSON line: {"rps", "p50_ms", "p99_ms", "ok", "errors", "first_error",
//   "client_cpu_ms", "access_token"} - client_cpu_ms is this process's own
//   CPU time (user + system) per round trip while the loops ran;
//   access_token (from the first exchange, scope openid email profile) lets
//   the caller benchmark userinfo and introspection.
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar, browseUntil } from '../tests/interop/browse.mjs';

const [issuer, clientId, clientSecret, email, password] = process.argv.slice(2, 7);
const seconds = Number(process.argv[7] || 10);
const concurrency = Number(process.argv[8] || 8);
const redirectUri = process.env.REDIRECT_URI || 'http://127.0.0.1:9999/cb';
if (!password) {
  console.error('usage: node code_roundtrip.mjs ISSUER CLIENT_ID CLIENT_SECRET EMAIL PASSWORD [SECONDS] [CONCURRENCY]');
  process.exit(2);
}

const meta = await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json();
const basic = 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
const jar = new CookieJar();
const rnd = () => randomBytes(16).toString('base64url');

function authorizeUrl() {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(meta.authorization_endpoint);
  const state = rnd();
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid email profile',
    state, nonce: rnd(), code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url, verifier, state };
}

async function exchange(callback, verifier, state) {
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback}`);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.access_token) throw new Error(`token HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

// Sign in once (and consent once, when asked).
const first = authorizeUrl();
const callback = await browseUntil(jar, first.url, redirectUri, { email, password });
const tokens = await exchange(callback, first.verifier, first.state);

async function roundTrip() {
  const { url, verifier, state } = authorizeUrl();
  const res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
  await res.body?.cancel();
  const loc = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !loc || !loc.startsWith(redirectUri)) {
    throw new Error(`authorize answered HTTP ${res.status} ${loc ?? ''} (consent not skipped?)`);
  }
  await exchange(new URL(loc), verifier, state);
}

const latencies = [];
let errors = 0;
let firstError;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      await roundTrip();
      latencies.push(performance.now() - t0);
    } catch (e) {
      errors++;
      firstError ??= String(e.message ?? e);
    }
  }
}));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : null);
console.log(JSON.stringify({
  rps: Math.round((latencies.length / elapsed) * 10) / 10,
  p50_ms: pct(0.5) && Math.round(pct(0.5) * 100) / 100,
  p99_ms: pct(0.99) && Math.round(pct(0.99) * 100) / 100,
  ok: latencies.length,
  errors,
  first_error: firstError ?? null,
  client_cpu_ms: latencies.length ? Math.round(((cpu.user + cpu.system) / 1000 / latencies.length) * 1000) / 1000 : null,
  access_token: tokens.access_token,
}));
