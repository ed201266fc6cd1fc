// panva's oidc-provider 9.13.3 (OpenID Certified) as a reference provider on
// 127.0.0.1: used to check tests/interop/oidc_client.mjs without Ostiary and
// as the comparison peer in benches/oidc_bench.sh (peers guide §2).
//
// Usage: node oidc_provider_server.mjs PORT
// Prints one JSON line when listening: {"issuer": ..., "clients": {...}}.
// In-memory adapter, devInteractions (any login is accepted and becomes
// `sub`), deviceFlow, introspection, revocation, clientCredentials and
// resourceIndicators (client_credentials tokens are JWTs for a default
// resource, signed with the client's algorithm: cc-rs256 / cc-es256 /
// cc-eddsa). Keys (RSA 2048, P-256, Ed25519) are generated at start.
//
// Configured like an upstream for Ostiary's federation tests:
// - HD=acme.test: ID tokens carry Google's Workspace claim `hd`.
// - TENANT=<guid>: like Microsoft Entra ID — the provider is mounted at
//   /<guid>/v2.0 (its issuer), ID tokens carry `tid` (the tenant) and `oid`
//   (an object id per account), and /common/v2.0 and /organizations/v2.0
//   serve the tenant's discovery document with the issuer as Entra's
//   template, http://127.0.0.1:PORT/{tenantid}/v2.0.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT || 3000);
const TENANT = process.env.TENANT;
const HD = process.env.HD;
const origin = `http://127.0.0.1:${port}`;
const mount = TENANT ? `/${TENANT}/v2.0` : '';
const issuer = process.env.ISSUER || `${origin}${mount}`;
// REDIRECT_URI may list several, separated by commas.
const REDIRECTS = (process.env.REDIRECT_URI || 'http://127.0.0.1:9999/cb').split(',');
const POST_LOGOUT = process.env.POST_LOGOUT_REDIRECT_URI || 'http://127.0.0.1:9999/logged-out';
const RESOURCE = 'urn:ostiary:bench:api';

function jwk(type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}
const keys = [
  jwk('rsa', { modulusLength: 2048 }, 'RS256', 'rs256'),
  jwk('ec', { namedCurve: 'P-256' }, 'ES256', 'es256'),
  jwk('ed25519', {}, 'EdDSA', 'eddsa'),
];

const ccAlg = { 'cc-rs256': 'RS256', 'cc-es256': 'ES256', 'cc-eddsa': 'EdDSA' };
const clients = [
  {
    client_id: 'rp', client_secret: 'rp-secret', client_name: 'Confidential RP',
    redirect_uris: REDIRECTS, post_logout_redirect_uris: [POST_LOGOUT],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    require_auth_time: true, // Ostiary always sends auth_time
  },
  {
    client_id: 'rp-public', client_name: 'Public RP', redirect_uris: REDIRECTS,
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none',
  },
  {
    client_id: 'device', client_name: 'Device', redirect_uris: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [],
    token_endpoint_auth_method: 'none',
  },
  ...Object.keys(ccAlg).map((id) => ({
    client_id: id, client_secret: 'cc-secret', redirect_uris: [], response_types: [],
    grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic',
  })),
];

const provider = new Provider(issuer, {
  clients,
  jwks: { keys },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'api:read'],
  claims: {
    openid: ['sub', ...(TENANT ? ['tid', 'oid'] : []), ...(HD ? ['hd'] : [])],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // Scope claims in the ID token too, as Ostiary does (OIDC Core allows both).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Only client_credentials gets the API resource; code-flow tokens stay
      // opaque and usable at /me (userinfo).
      defaultResource: (ctx, client, oneOf) =>
        oneOf ?? (ctx.oidc.params?.grant_type === 'client_credentials' ? RESOURCE : undefined),
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: 'api:read',
        audience: resource,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: ccAlg[client.clientId] ?? 'RS256' } },
      }),
      useGrantedResource: () => false,
    },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, email: id.includes('@') ? id : `${id}@example.com`, email_verified: true, name: 'Test User' };
        if (TENANT) {
          claims.tid = TENANT;
          claims.oid = createHash('sha256').update(id).digest('hex').slice(0, 32);
        }
        if (HD) claims.hd = HD;
        return claims;
      },
    };
  },
});

const callback = provider.callback();
// Entra's multi-tenant authorities: the tenant's document, issuer templated.
async function templated(res) {
  const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  doc.issuer = `${origin}/{tenantid}/v2.0`;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(doc));
}
const server = http.createServer((req, res) => {
  if (!TENANT) return callback(req, res);
  if (/^\/(common|organizations)\/v2\.0\/\.well-known\/openid-configuration$/.test(req.url)) {
    return templated(res).catch(() => { res.writeHead(500); res.end(); });
  }
  if (req.url.startsWith(`${mount}/`) || req.url === mount) {
    // As Express mounts it: oidc-provider finds its mount path from this.
    req.originalUrl = req.url;
    req.url = req.url.slice(mount.length) || '/';
    return callback(req, res);
  }
  res.writeHead(404);
  res.end();
});
server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ issuer, clients: clients.map((c) => c.client_id) }));
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
