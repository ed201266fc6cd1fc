// Mixed load for the soak run (benches/soak.sh; a benchmark, not a test):
// for SECONDS, in parallel,
//   - ROUNDTRIPS flows: GET /authorize → code → POST /token, then GET
//     /userinfo and POST /introspect with the new access token;
//   - SIGNINS browsers: GET /login → POST /login (password, argon2);
//   - one loop of GET /.well-known/openid-configuration and the JWKS.
// Every answer other than the expected one is an error. Prints one JSON
// line with the counts per kind, the errors and the first error of each.
//
// Usage: node soak_load.mjs ISSUER CLIENT_ID CLIENT_SECRET EMAIL PASSWORD SECONDS [ROUNDTRIPS=4] [SIGNINS=2]
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar, browseUntil } from '../tests/interop/browse.mjs';

const [issuer, clientId, clientSecret, email, password] = process.argv.slice(2, 7);
const seconds = Number(process.argv[7] || 600);
const roundTrips = Number(process.argv[8] || 4);
const signIns = Number(process.argv[9] || 2);
const redirectUri = process.env.REDIRECT_URI || 'http://127.0.0.1:9999/cb';
const meta = await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json();
const basic = 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
const jar = new CookieJar();
const counts = {};
const errors = {};
const firstErrors = {};
const count = (k) => { counts[k] = (counts[k] ?? 0) + 1; };
const fail = (k, e) => { errors[k] = (errors[k] ?? 0) + 1; firstErrors[k] ??= String(e.message ?? e); };

function authorizeUrl() {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid email profile',
    state: randomBytes(8).toString('base64url'), nonce: randomBytes(8).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  return { url, verifier };
}

async function token(code, verifier) {
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.access_token) throw new Error(`token HTTP ${res.status}`);
  return body.access_token;
}

async function expect(kind, promise, ok = (r) => r.status === 200) {
  try {
    const res = await promise;
    await res.arrayBuffer();
    if (!ok(res)) throw new Error(`${kind} HTTP ${res.status}`);
    count(kind);
    return res;
  } catch (e) {
    fail(kind, e);
    return null;
  }
}

// Sign in once for the round trips.
{
  const first = authorizeUrl();
  const cb = await browseUntil(jar, first.url, redirectUri, { email, password });
  await token(cb.searchParams.get('code'), first.verifier);
}

const deadline = performance.now() + seconds * 1000;
const loops = [];
for (let i = 0; i < roundTrips; i++) {
  loops.push((async () => {
    while (performance.now() < deadline) {
      let at;
      try {
        const { url, verifier } = authorizeUrl();
        const res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
        await res.arrayBuffer();
        const loc = res.headers.get('location');
        if (res.status !== 302 && res.status !== 303) throw new Error(`authorize HTTP ${res.status}`);
        at = await token(new URL(loc).searchParams.get('code'), verifier);
        count('round trip');
      } catch (e) {
        fail('round trip', e);
        continue;
      }
      await expect('userinfo', fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${at}` } }));
      await expect('introspection', fetch(meta.introspection_endpoint, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: at }),
      }));
    }
  })());
}
for (let i = 0; i < signIns; i++) {
  loops.push((async () => {
    while (performance.now() < deadline) {
      try {
        const j = new CookieJar();
        const form = await fetch(`${issuer}/login`, { headers: { accept: 'text/html' } });
        j.store(form);
        const csrf = (await form.text()).match(/name="csrf_token" value="([^"]+)"/)?.[1];
        if (!csrf) throw new Error(`GET /login HTTP ${form.status}`);
        const res = await fetch(`${issuer}/login`, {
          method: 'POST', redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: j.header(), origin: new URL(issuer).origin },
          body: new URLSearchParams({ csrf_token: csrf, email: `bench-signin-${i}@example.com`, password }),
        });
        await res.arrayBuffer();
        if (res.status !== 303) throw new Error(`POST /login HTTP ${res.status}`);
        count('sign-in');
      } catch (e) {
        fail('sign-in', e);
      }
    }
  })());
}
loops.push((async () => {
  while (performance.now() < deadline) {
    await expect('discovery', fetch(new URL('/.well-known/openid-configuration', issuer)));
    await expect('JWKS', fetch(meta.jwks_uri));
    await new Promise((r) => setTimeout(r, 5));
  }
})());
await Promise.all(loops);
const total = Object.values(errors).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ seconds, counts, errors, total_errors: total, first_errors: firstErrors }));
