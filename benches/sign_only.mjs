// Sign-only loop: the physical limit for issuing a signed JWT, per algorithm.
// Uses node:crypto (OpenSSL, as josekit does) with freshly generated keys of
// the same kinds Ostiary uses (RSA 2048 / P-256 / Ed25519), signing a
// header.payload the size of a client_credentials access token, on ONE core
// (node runs this loop on a single thread).
// Usage: node sign_only.mjs [seconds-per-alg=3]  -> one JSON line {"RS256": signs/s, ...}
import { generateKeyPairSync, sign } from 'node:crypto';

const seconds = Number(process.argv[2] || 3);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const payload = b64({
  iss: 'http://127.0.0.1:8080', sub: 'bench-cc-rs256', aud: 'http://127.0.0.1:8080',
  client_id: 'bench-cc-rs256', scope: '', iat: now, nbf: now, exp: now + 3600,
  jti: '9b7c1d4e-8f6a-4b2c-9d3e-1a2b3c4d5e6f',
});
const algs = {
  RS256: { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, hash: 'sha256' },
  ES256: { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, hash: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { key: generateKeyPairSync('ed25519').privateKey, hash: null },
};
const out = {};
for (const [alg, { key, hash, dsaEncoding }] of Object.entries(algs)) {
  const input = Buffer.from(`${b64({ alg, typ: 'at+jwt', kid: 'k1' })}.${payload}`);
  const k = dsaEncoding ? { key, dsaEncoding } : key;
  for (let i = 0; i < 50; i++) sign(hash, input, k); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  let t = start;
  while (t < end) {
    for (let i = 0; i < 20; i++) sign(hash, input, k);
    n += 20;
    t = process.hrtime.bigint();
  }
  out[alg] = Math.round(n / (Number(t - start) / 1e9));
}
console.log(JSON.stringify(out));
