// Interop: drives an OpenID Provider (Ostiary) with the unmodified npm
// `openid-client` 6.9.0 (panva), the strictest common relying-party library.
//
// Usage: node oidc_client.mjs   (configured by environment variables)
//   ISSUER                       e.g. http://localhost:8080 (plain http allowed)
//   CLIENT_ID, CLIENT_SECRET     confidential, client_secret_basic,
//                                redirect http://127.0.0.1:9999/cb and
//                                post-logout http://127.0.0.1:9999/logged-out
//   PUBLIC_CLIENT_ID             public (auth method none), PKCE, same redirect
//   CC_CLIENT_ID, CC_CLIENT_SECRET  client_credentials, client_secret_basic
//   DEVICE_CLIENT_ID             public, urn:ietf:params:oauth:grant-type:device_code
//   TX_CLIENT_ID, TX_CLIENT_SECRET  confidential, urn:ietf:params:oauth:grant-type:token-exchange,
//                                an audience of CLIENT_ID's access tokens
//   TX_AUDIENCE                  an audience TX_CLIENT_ID may ask for
//   USER_EMAIL, USER_PASSWORD    a user who can sign in on the hosted login page
//   JAR_CLIENT_ID, JAR_CLIENT_SECRET, JAR_PRIVATE_JWK
//                                confidential, client_secret_basic, same
//                                redirect, its public key registered; the
//                                private P-256 JWK (with kid) signs request
//                                objects (RFC 9101); without them the
//                                signed_request_object checks are skipped
// Optional:
//   REDIRECT_URI                 default http://127.0.0.1:9999/cb
//   POST_LOGOUT_REDIRECT_URI     default http://127.0.0.1:9999/logged-out
//   EXPECT_JWT_ACCESS_TOKENS     "1" (default): access tokens must be RFC 9068
//                                JWTs (typ at+jwt) verifiable with the JWKS
//   END_SESSION_CONFIRM_FORM     "1": accept one logout confirmation form
//                                (oidc-provider shows one; Ostiary must not)
//   DEBUG                        "1": print each step's trace on stderr
//   REGISTRATION_TOKEN           an initial access token for dynamic client
//                                registration (RFC 7591); without it the
//                                dynamic_registration check fails
//
// The redirect_uri is never served: the scripted browser stops at the
// redirect to it and hands the Location to openid-client.
//
// Self-check without Ostiary (oidc-provider differs only where noted above):
//   node oidc_provider_server.mjs 18790 &
//   ISSUER=http://127.0.0.1:18790 CLIENT_ID=rp CLIENT_SECRET=rp-secret \
//   PUBLIC_CLIENT_ID=rp-public CC_CLIENT_ID=cc-rs256 CC_CLIENT_SECRET=cc-secret \
//   DEVICE_CLIENT_ID=device USER_EMAIL=ada@example.com USER_PASSWORD=x \
//   EXPECT_JWT_ACCESS_TOKENS=0 END_SESSION_CONFIRM_FORM=1 node oidc_client.mjs
//
// Prints exactly one JSON line: {"passed":[...],"failed":[{"name","error"}]}
// and exits 1 when any check failed. Steps that depend on an earlier one are
// reported as failed ("skipped: needs …") rather than silently dropped.
import * as client from 'openid-client';
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { CookieJar, browseUntil } from './browse.mjs';

const env = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new Error(`environment variable ${name} is required`);
    return fallback;
  }
  return v;
};

const ISSUER = env('ISSUER');
const REDIRECT_URI = env('REDIRECT_URI', 'http://127.0.0.1:9999/cb');
const POST_LOGOUT_REDIRECT_URI = env('POST_LOGOUT_REDIRECT_URI', 'http://127.0.0.1:9999/logged-out');
const USER = { email: env('USER_EMAIL'), password: env('USER_PASSWORD') };
const EXPECT_JWT_AT = env('EXPECT_JWT_ACCESS_TOKENS', '1') === '1';
const DEBUG = env('DEBUG', '') === '1';

const passed = [];
const failed = [];
const ctx = {}; // results shared between steps

function describe(e) {
  if (e instanceof client.ResponseBodyError) {
    return `${e.error}${e.error_description ? `: ${e.error_description}` : ''} (HTTP ${e.status})`;
  }
  if (e instanceof client.WWWAuthenticateChallengeError) {
    return `WWW-Authenticate challenge (HTTP ${e.response?.status}): ${JSON.stringify(e.cause)}`;
  }
  if (e instanceof client.AuthorizationResponseError) {
    return `authorization error ${e.error}: ${e.error_description ?? ''}`;
  }
  let s = `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
  if (e?.code) s += ` [${e.code}]`;
  // openid-client wraps the interesting detail in `cause`.
  let c = e?.cause;
  for (let depth = 0; c && depth < 3; depth++, c = c.cause) {
    if (c instanceof Response) {
      s += ` (HTTP ${c.status} ${c.url})`;
      break;
    }
    s += ` <- ${c.message ?? JSON.stringify(c).slice(0, 400)}`;
  }
  return s;
}

/** Run one named check; a thrown error fails it, without stopping the run. */
async function check(name, needs, fn) {
  const missing = needs.filter((k) => ctx[k] === undefined);
  if (missing.length) {
    failed.push({ name, error: `skipped: needs ${missing.join(', ')} from an earlier step` });
    return;
  }
  try {
    await fn();
    passed.push(name);
  } catch (e) {
    failed.push({ name, error: describe(e) });
    if (DEBUG) console.error(name, e);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function b64uJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function decodeJwt(jwt) {
  const parts = jwt.split('.');
  assert(parts.length === 3, `not a compact JWS (${parts.length} parts)`);
  return { header: b64uJson(parts[0]), claims: b64uJson(parts[1]), parts };
}

/** OIDC Core §3.1.3.6 at_hash, with the hash openid-client uses for c_hash. */
function expectedTokenHash(token, alg) {
  const hash = { RS256: 'sha256', PS256: 'sha256', ES256: 'sha256', RS384: 'sha384', ES384: 'sha384',
    RS512: 'sha512', ES512: 'sha512', EdDSA: 'sha512', Ed25519: 'sha512' }[alg];
  assert(hash, `no at_hash hash function for alg ${alg}`);
  const d = createHash(hash).update(token, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

let jwksCache;
async function jwks() {
  if (!jwksCache) {
    const uri = ctx.config.serverMetadata().jwks_uri;
    const res = await fetch(uri);
    assert(res.status === 200, `JWKS answered HTTP ${res.status}`);
    jwksCache = await res.json();
  }
  return jwksCache;
}

/** Verify a JWS against the issuer's JWKS with node:crypto (no jose). */
async function verifyJws(jwt) {
  const { header, claims, parts } = decodeJwt(jwt);
  assert(typeof header.kid === 'string', `JWT header has no kid: ${JSON.stringify(header)}`);
  const { keys } = await jwks();
  const jwk = keys.find((k) => k.kid === header.kid);
  assert(jwk, `kid ${header.kid} not in JWKS`);
  if (jwk.alg) assert(jwk.alg === header.alg, `JWKS key ${jwk.kid} has alg ${jwk.alg}, token says ${header.alg}`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2], 'base64url');
  let ok;
  switch (header.alg) {
    case 'RS256': ok = cryptoVerify('sha256', data, key, sig); break;
    case 'ES256': ok = cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig); break;
    case 'EdDSA': case 'Ed25519': ok = cryptoVerify(null, data, key, sig); break;
    default: throw new Error(`unexpected alg ${header.alg}`);
  }
  assert(ok, `signature of ${header.typ ?? 'JWT'} with kid ${header.kid} does not verify`);
  return { header, claims };
}

/** RFC 9068 checks for a JWT access token (when the provider issues them). */
async function checkJwtAccessToken(token, clientId) {
  if (!EXPECT_JWT_AT) return;
  const { header, claims } = await verifyJws(token);
  assert(['at+jwt', 'application/at+jwt'].includes(header.typ), `access token typ is ${header.typ}, want at+jwt`);
  assert(claims.iss === ctx.config.serverMetadata().issuer, `access token iss ${claims.iss}`);
  assert(claims.client_id === clientId, `access token client_id ${claims.client_id}, want ${clientId}`);
  for (const c of ['aud', 'exp', 'iat', 'jti', 'sub']) assert(claims[c] !== undefined, `access token lacks ${c}`);
}

const discoveryOptions = {
  execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  timeout: 15,
};

async function configFor(clientId, metadata, auth) {
  return client.discovery(new URL(ISSUER), clientId, metadata, auth, discoveryOptions);
}

const jar = new CookieJar();
const browseTrace = [];

/**
 * The one provider-specific part: take the browser from the authorization
 * URL to the redirect back to the client, signing in on the hosted login
 * form and approving a consent page when one is shown. Returns the callback
 * URL (with code, state, iss) for openid-client to validate.
 */
async function loginAndConsent(authorizationUrl) {
  const trace = [];
  try {
    return await browseUntil(jar, authorizationUrl, REDIRECT_URI, USER, { trace });
  } finally {
    browseTrace.push(trace.join(', '));
    if (DEBUG) console.error('browse:', trace.join(', '));
  }
}

async function codeFlow(config, { scope, extra = {}, par = false, jar = null, dpop = undefined }) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const code_challenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters = {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  };
  // RFC 9126: the parameters go to the PAR endpoint; the browser gets
  // only client_id and request_uri.
  // RFC 9101: a signed request object (`jar`: the signing key), as the
  // `request` parameter or pushed to the PAR endpoint.
  let url;
  if (jar) {
    url = await client.buildAuthorizationUrlWithJAR(config, parameters, jar);
    if (par) {
      url = await client.buildAuthorizationUrlWithPAR(config, { request: url.searchParams.get('request') });
    } else {
      const sent = [...url.searchParams.keys()].sort().join(',');
      assert(sent === 'client_id,request', `JAR authorization URL carries ${sent}`);
    }
  } else {
    url = par
      ? await client.buildAuthorizationUrlWithPAR(config, parameters, dpop ? { DPoP: dpop } : undefined)
      : client.buildAuthorizationUrl(config, parameters);
  }
  if (par) {
    const sent = [...url.searchParams.keys()].sort().join(',');
    assert(sent === 'client_id,request_uri', `PAR authorization URL carries ${sent}`);
  }
  const callback = await loginAndConsent(url);
  assert(callback.searchParams.get('iss') !== null, `authorization response lacks iss (RFC 9207): ${callback}`);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  }, undefined, dpop ? { DPoP: dpop } : undefined);
  return { tokens, nonce };
}

// ---------------------------------------------------------------- steps

await check('discovery', [], async () => {
  ctx.config = await configFor(env('CLIENT_ID'), { client_secret: env('CLIENT_SECRET') },
    client.ClientSecretBasic(env('CLIENT_SECRET')));
  const m = ctx.config.serverMetadata();
  const origin = new URL(ISSUER).origin;
  const endpoints = {
    authorization_endpoint: '/authorize', token_endpoint: '/token', userinfo_endpoint: '/userinfo',
    jwks_uri: '/jwks', introspection_endpoint: '/introspect', revocation_endpoint: '/revoke',
    end_session_endpoint: '/end_session', device_authorization_endpoint: '/device_authorization',
  };
  const problems = [];
  for (const k of Object.keys(endpoints)) {
    if (typeof m[k] !== 'string') problems.push(`${k} missing`);
    else if (new URL(m[k]).origin !== origin) problems.push(`${k} ${m[k]} not on ${origin}`);
  }
  if (m.authorization_response_iss_parameter_supported !== true) problems.push('authorization_response_iss_parameter_supported is not true');
  if (JSON.stringify(m.code_challenge_methods_supported) !== '["S256"]') problems.push(`code_challenge_methods_supported ${JSON.stringify(m.code_challenge_methods_supported)}`);
  const includes = {
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
  for (const [k, want] of Object.entries(includes)) {
    if (!Array.isArray(m[k])) problems.push(`${k} missing`);
    else for (const w of want) if (!m[k].includes(w)) problems.push(`${k} lacks ${w}`);
  }
  assert(problems.length === 0, `discovery document: ${problems.join('; ')}`);
});

await check('code_flow_pkce', ['config'], async () => {
  const { tokens, nonce } = await codeFlow(ctx.config, {
    scope: 'openid email profile offline_access',
    // offline_access is only honoured with prompt=consent (OIDC Core §11).
    extra: { prompt: 'consent' },
  });
  const claims = tokens.claims();
  assert(claims, 'token response has no ID token');
  assert(typeof claims.sub === 'string' && claims.sub.length > 0, 'ID token sub missing');
  assert(claims.nonce === nonce, 'nonce mismatch'); // also enforced by openid-client
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  assert(aud.includes(env('CLIENT_ID')), `ID token aud ${JSON.stringify(claims.aud)}`);
  assert(typeof claims.email === 'string' && claims.email.toLowerCase() === USER.email.toLowerCase(),
    `ID token email ${claims.email}, want ${USER.email} (scope email)`);
  assert(typeof claims.auth_time === 'number', 'ID token auth_time missing');
  const { header } = await verifyJws(tokens.id_token);
  assert(header.typ === undefined || header.typ === 'JWT', `ID token typ ${header.typ} (must differ from at+jwt)`);
  if (claims.at_hash !== undefined || EXPECT_JWT_AT) {
    assert(claims.at_hash === expectedTokenHash(tokens.access_token, header.alg),
      `at_hash ${claims.at_hash} does not match the access token (alg ${header.alg})`);
  }
  assert(typeof tokens.refresh_token === 'string', 'no refresh token for offline_access');
  await checkJwtAccessToken(tokens.access_token, env('CLIENT_ID'));
  ctx.tokens = tokens;
  ctx.sub = claims.sub;
});

await check('userinfo', ['tokens'], async () => {
  const info = await client.fetchUserInfo(ctx.config, ctx.tokens.access_token, ctx.sub);
  assert(info.sub === ctx.sub, 'userinfo sub differs from the ID token');
  assert(typeof info.email === 'string' && info.email.toLowerCase() === USER.email.toLowerCase(), `userinfo email ${info.email}`);
});

await check('introspection_active', ['tokens'], async () => {
  const r = await client.tokenIntrospection(ctx.config, ctx.tokens.access_token);
  assert(r.active === true, `access token introspected as ${JSON.stringify(r)}`);
  assert(r.client_id === undefined || r.client_id === env('CLIENT_ID'), `introspection client_id ${r.client_id}`);
  assert(r.sub === undefined || r.sub === ctx.sub, `introspection sub ${r.sub}`);
  const rt = await client.tokenIntrospection(ctx.config, ctx.tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assert(rt.active === true, `refresh token introspected as ${JSON.stringify(rt)}`);
});

await check('refresh_rotation', ['tokens'], async () => {
  const next = await client.refreshTokenGrant(ctx.config, ctx.tokens.refresh_token);
  assert(typeof next.access_token === 'string', 'no access token');
  assert(typeof next.refresh_token === 'string', 'no new refresh token (rotation)');
  assert(next.refresh_token !== ctx.tokens.refresh_token, 'refresh token was not rotated');
  const claims = next.claims();
  if (claims) assert(claims.sub === ctx.sub, 'refreshed ID token has another sub');
  await checkJwtAccessToken(next.access_token, env('CLIENT_ID'));
  ctx.refreshed = next;
});

await check('refresh_reuse_rejected', ['refreshed'], async () => {
  let err;
  try {
    await client.refreshTokenGrant(ctx.config, ctx.tokens.refresh_token);
  } catch (e) {
    err = e;
  }
  assert(err, 'a rotated-out refresh token was accepted');
  assert(err instanceof client.ResponseBodyError && err.error === 'invalid_grant', `want invalid_grant, got ${describe(err)}`);
  // SPEC S3: reuse revokes the whole family, so the newest one dies too.
  let err2;
  try {
    await client.refreshTokenGrant(ctx.config, ctx.refreshed.refresh_token);
  } catch (e) {
    err2 = e;
  }
  assert(err2 instanceof client.ResponseBodyError && err2.error === 'invalid_grant',
    `after reuse, the family's newest refresh token still works (${err2 ? describe(err2) : 'accepted'})`);
});

// A second grant, so revocation is not confused with the family revocation above.
await check('revocation', ['config'], async () => {
  const { tokens } = await codeFlow(ctx.config, { scope: 'openid email offline_access', extra: { prompt: 'consent' } });
  const before = await client.tokenIntrospection(ctx.config, tokens.access_token);
  assert(before.active === true, 'fresh access token not active');
  await client.tokenRevocation(ctx.config, tokens.access_token, { token_type_hint: 'access_token' });
  const after = await client.tokenIntrospection(ctx.config, tokens.access_token);
  assert(after.active === false, `revoked access token introspects as ${JSON.stringify(after)}`);
  let uiErr;
  try {
    await client.fetchUserInfo(ctx.config, tokens.access_token, client.skipSubjectCheck);
  } catch (e) {
    uiErr = e;
  }
  assert(uiErr, 'userinfo accepted a revoked access token');
  assert(typeof tokens.refresh_token === 'string', 'no refresh token to revoke');
  await client.tokenRevocation(ctx.config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  const rt = await client.tokenIntrospection(ctx.config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assert(rt.active === false, `revoked refresh token introspects as ${JSON.stringify(rt)}`);
  let rErr;
  try {
    await client.refreshTokenGrant(ctx.config, tokens.refresh_token);
  } catch (e) {
    rErr = e;
  }
  assert(rErr instanceof client.ResponseBodyError && rErr.error === 'invalid_grant',
    `revoked refresh token: want invalid_grant, got ${rErr ? describe(rErr) : 'accepted'}`);
  // RFC 7009 §2.2: an unknown token is answered 200 too.
  await client.tokenRevocation(ctx.config, 'not-a-token-we-ever-issued');
});

await check('public_client_code_flow_pkce', ['config'], async () => {
  const id = env('PUBLIC_CLIENT_ID');
  const config = await configFor(id, { token_endpoint_auth_method: 'none' }, client.None());
  const { tokens } = await codeFlow(config, { scope: 'openid email' });
  const claims = tokens.claims();
  assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
  if (ctx.sub) assert(claims.sub === ctx.sub, 'public client got another sub for the same user');
  await checkJwtAccessToken(tokens.access_token, id);
});

await check('pushed_authorization_request', ['config'], async () => {
  const m = ctx.config.serverMetadata();
  assert(typeof m.pushed_authorization_request_endpoint === 'string', 'no pushed_authorization_request_endpoint');
  const { tokens } = await codeFlow(ctx.config, { scope: 'openid email', par: true });
  const claims = tokens.claims();
  assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
  if (ctx.sub) assert(claims.sub === ctx.sub, 'PAR sign-in got another sub for the same user');
  await checkJwtAccessToken(tokens.access_token, env('CLIENT_ID'));
});

await check('client_credentials', ['config'], async () => {
  const id = env('CC_CLIENT_ID');
  const config = await configFor(id, { client_secret: env('CC_CLIENT_SECRET') },
    client.ClientSecretBasic(env('CC_CLIENT_SECRET')));
  const t = await client.clientCredentialsGrant(config);
  assert(typeof t.access_token === 'string', 'no access token');
  assert(t.token_type === 'bearer', `token_type ${t.token_type}`);
  assert(t.id_token === undefined, 'client_credentials must not return an ID token');
  assert(t.refresh_token === undefined, 'client_credentials should not return a refresh token (RFC 6749 §4.4.3)');
  await checkJwtAccessToken(t.access_token, id);
});

await check('device_flow', ['config'], async () => {
  const id = env('DEVICE_CLIENT_ID');
  const config = await configFor(id, { token_endpoint_auth_method: 'none' }, client.None());
  const da = await client.initiateDeviceAuthorization(config, { scope: 'openid email' });
  assert(new URL(da.verification_uri).origin === new URL(ISSUER).origin, `verification_uri ${da.verification_uri}`);
  if (da.verification_uri_complete) {
    assert(new URL(da.verification_uri_complete).searchParams.get('user_code') === da.user_code,
      `verification_uri_complete ${da.verification_uri_complete} does not carry the user_code`);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  // Poll from the start (authorization_pending), approve meanwhile.
  const polling = client.pollDeviceAuthorizationGrant(config, da, undefined, { signal: controller.signal });
  polling.catch(() => {});
  try {
    const trace = [];
    let posted = false;
    try {
      await browseUntil(jar, da.verification_uri, 'http://never.invalid/', { ...USER, userCode: da.user_code }, {
        trace,
        onForm: () => { posted = true; },
        // The page after approval has no form: done.
        acceptPage: () => posted,
      });
    } finally {
      browseTrace.push(trace.join(', '));
      if (DEBUG) console.error('device:', trace.join(', '));
    }
    const tokens = await polling;
    assert(typeof tokens.access_token === 'string', 'no access token');
    const claims = tokens.claims();
    if (claims && ctx.sub) assert(claims.sub === ctx.sub, 'device flow ID token for another user');
    await checkJwtAccessToken(tokens.access_token, id);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
});

if (env('JAR_CLIENT_ID', '') !== '') {
  await check('signed_request_object', ['config'], async () => {
    const m = ctx.config.serverMetadata();
    assert(m.request_parameter_supported === true, 'request_parameter_supported is not true');
    assert(Array.isArray(m.request_object_signing_alg_values_supported)
      && m.request_object_signing_alg_values_supported.includes('ES256'),
      `request_object_signing_alg_values_supported ${JSON.stringify(m.request_object_signing_alg_values_supported)}`);
    const id = env('JAR_CLIENT_ID');
    ctx.jarConfig = await configFor(id, { client_secret: env('JAR_CLIENT_SECRET') },
      client.ClientSecretBasic(env('JAR_CLIENT_SECRET')));
    const jwk = JSON.parse(env('JAR_PRIVATE_JWK'));
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    ctx.jarKey = { key, kid: jwk.kid };
    const { tokens } = await codeFlow(ctx.jarConfig, { scope: 'openid email', jar: ctx.jarKey });
    const claims = tokens.claims();
    assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
    if (ctx.sub) assert(claims.sub === ctx.sub, 'JAR sign-in got another sub for the same user');
    await checkJwtAccessToken(tokens.access_token, id);
  });

  await check('signed_request_object_pushed', ['jarConfig', 'jarKey'], async () => {
    const { tokens } = await codeFlow(ctx.jarConfig, { scope: 'openid email', jar: ctx.jarKey, par: true });
    const claims = tokens.claims();
    assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
    await checkJwtAccessToken(tokens.access_token, env('JAR_CLIENT_ID'));
  });
}
await check('dynamic_registration', ['config'], async () => {
  // RFC 7591 with an initial access token, then a code flow (with the
  // consent page a registered client always gets) as the new client.
  const initialAccessToken = env('REGISTRATION_TOKEN', '');
  assert(initialAccessToken, 'REGISTRATION_TOKEN is not set');
  const m = ctx.config.serverMetadata();
  assert(typeof m.registration_endpoint === 'string', 'no registration_endpoint in discovery');
  const config = await client.dynamicClientRegistration(new URL(ISSUER), {
    client_name: 'Interop DCR',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // openid-client authenticates a registered client with client_secret_post.
    token_endpoint_auth_method: 'client_secret_post',
    scope: 'openid email',
  }, undefined, { ...discoveryOptions, initialAccessToken });
  const registered = config.clientMetadata();
  assert(typeof registered.client_id === 'string' && registered.client_id.length > 0, 'no client_id');
  assert(typeof registered.client_secret === 'string', 'no client_secret');
  assert(typeof registered.registration_access_token === 'string', 'no registration_access_token');
  const { tokens } = await codeFlow(config, { scope: 'openid email' });
  const claims = tokens.claims();
  assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
  if (ctx.sub) assert(claims.sub === ctx.sub, 'the registered client got another sub for the same user');
  await checkJwtAccessToken(tokens.access_token, registered.client_id);
});

// RFC 9449: sender-constrained tokens. Ostiary runs this script requiring
// DPoP nonces, so openid-client must also retry on use_dpop_nonce.
await check('dpop', ['config'], async () => {
  const algs = ctx.config.serverMetadata().dpop_signing_alg_values_supported;
  assert(Array.isArray(algs) && algs.includes('ES256'), `dpop_signing_alg_values_supported ${JSON.stringify(algs)}`);
  const DPoP = client.getDPoPHandle(ctx.config, await client.randomDPoPKeyPair('ES256'));
  const { tokens } = await codeFlow(ctx.config, {
    scope: 'openid email offline_access', extra: { prompt: 'consent' }, dpop: DPoP,
  });
  assert(tokens.token_type === 'dpop', `token_type ${tokens.token_type}, want dpop`);
  const { claims } = await verifyJws(tokens.access_token);
  assert(typeof claims.cnf?.jkt === 'string', `access token cnf ${JSON.stringify(claims.cnf)}`);
  const sub = tokens.claims().sub;
  const info = await client.fetchUserInfo(ctx.config, tokens.access_token, sub, { DPoP });
  assert(info.sub === sub, 'userinfo sub differs');
  const next = await client.refreshTokenGrant(ctx.config, tokens.refresh_token, undefined, { DPoP });
  assert(next.token_type === 'dpop', `refreshed token_type ${next.token_type}`);
  const refreshed = (await verifyJws(next.access_token)).claims;
  assert(refreshed.cnf?.jkt === claims.cnf.jkt, 'the refreshed access token is bound to another key');
  await client.fetchUserInfo(ctx.config, next.access_token, sub, { DPoP });
  // Without the key's proof the bound token is useless.
  let err;
  try {
    await client.fetchUserInfo(ctx.config, next.access_token, sub);
  } catch (e) {
    err = e;
  }
  assert(err, 'userinfo accepted a DPoP-bound access token as a bearer token');
});

/** A DPoP proof made with node:crypto alone (RFC 9449 §4.2). */
function rawProof(htu, nonce) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${enc({
    jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), ...(nonce ? { nonce } : {}),
  })}`;
  const sig = cryptoSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

await check('dpop_nonce', ['config'], async () => {
  const id = env('CC_CLIENT_ID');
  const secret = env('CC_CLIENT_SECRET');
  const tokenEndpoint = ctx.config.serverMetadata().token_endpoint;
  const post = (proof) => fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: proof,
    },
    body: 'grant_type=client_credentials',
  });
  // RFC 9449 §8: no nonce, use_dpop_nonce and a nonce to use.
  const first = await post(rawProof(tokenEndpoint));
  const body = await first.json();
  assert(first.status === 400 && body.error === 'use_dpop_nonce', `want use_dpop_nonce, got HTTP ${first.status} ${JSON.stringify(body)}`);
  const nonce = first.headers.get('dpop-nonce');
  assert(nonce, 'no DPoP-Nonce header');
  const second = await post(rawProof(tokenEndpoint, nonce));
  assert(second.status === 200, `with the nonce: HTTP ${second.status} ${await second.text()}`);
  // openid-client retries by itself.
  const config = await configFor(id, { client_secret: secret }, client.ClientSecretBasic(secret));
  const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  const t = await client.clientCredentialsGrant(config, undefined, { DPoP });
  assert(t.token_type === 'dpop', `token_type ${t.token_type}, want dpop`);
});

await check('token_exchange', ['config'], async () => {
  // RFC 8693: a service the RP's access token was sent to trades it for a
  // token for a downstream API, as the same user. A fresh sign-in's token:
  // the reuse check above ended the first grant.
  if (!process.env.TX_CLIENT_ID) throw new Error('skipped: TX_CLIENT_ID not set');
  const { tokens } = await codeFlow(ctx.config, { scope: 'openid email' });
  const subject = tokens.claims().sub;
  const id = env('TX_CLIENT_ID');
  const config = await configFor(id, { client_secret: env('TX_CLIENT_SECRET') },
    client.ClientSecretBasic(env('TX_CLIENT_SECRET')));
  const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
  const t = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', {
    subject_token: tokens.access_token,
    subject_token_type: accessTokenType,
    audience: env('TX_AUDIENCE'),
    scope: 'email',
  });
  assert(typeof t.access_token === 'string', 'no access token');
  assert(t.issued_token_type === accessTokenType, `issued_token_type ${t.issued_token_type}`);
  assert(t.token_type === 'bearer', `token_type ${t.token_type}`);
  assert(t.refresh_token === undefined, 'token exchange must not return a refresh token');
  assert(t.id_token === undefined, 'token exchange must not return an ID token');
  await checkJwtAccessToken(t.access_token, id);
  if (EXPECT_JWT_AT) {
    const { claims } = await verifyJws(t.access_token);
    assert(claims.sub === subject, `exchanged sub ${claims.sub}, want ${subject}`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    assert(aud.length === 1 && aud[0] === env('TX_AUDIENCE'), `exchanged aud ${JSON.stringify(claims.aud)}`);
    assert(claims.scope === 'email', `exchanged scope ${claims.scope}`);
  }
  // An audience the service is not registered for: invalid_target (RFC 8693 §2.2.2).
  let refused;
  try {
    await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', {
      subject_token: tokens.access_token,
      subject_token_type: accessTokenType,
      audience: 'https://elsewhere.example/api',
    });
  } catch (e) {
    refused = e;
  }
  assert(refused instanceof client.ResponseBodyError && refused.error === 'invalid_target',
    `an unregistered audience: ${refused ? describe(refused) : 'accepted'}`);
});

await check('pairwise_and_claims', ['config'], async () => {
  // OIDC Core §8 and §5.5: a pairwise client sees its own sub (not the
  // user id the confidential client sees), the same at userinfo; email
  // asked for only through the claims parameter arrives in the ID token.
  const m = ctx.config.serverMetadata();
  assert(m.subject_types_supported?.includes('pairwise'), `subject_types_supported ${m.subject_types_supported}`);
  assert(m.claims_parameter_supported === true, 'claims_parameter_supported is not true');
  const id = env('PAIRWISE_CLIENT_ID');
  const config = await configFor(id, { token_endpoint_auth_method: 'none' }, client.None());
  const { tokens } = await codeFlow(config, {
    scope: 'openid',
    extra: { claims: JSON.stringify({ id_token: { email: { essential: true } } }) },
  });
  const claims = tokens.claims();
  assert(claims && typeof claims.sub === 'string', 'no ID token / sub');
  if (ctx.sub) assert(claims.sub !== ctx.sub, 'the pairwise client got the public sub');
  assert(typeof claims.email === 'string' && claims.email.toLowerCase() === USER.email.toLowerCase(),
    `ID token email ${claims.email} (asked for through claims)`);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert(info.sub === claims.sub, 'userinfo sub differs from the pairwise ID token sub');
});

await check('end_session', ['tokens'], async () => {
  const state = client.randomState();
  const url = client.buildEndSessionUrl(ctx.config, {
    id_token_hint: ctx.tokens.id_token,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
    state,
  });
  let res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
  jar.store(res);
  if (res.status === 200 && env('END_SESSION_CONFIRM_FORM', '') === '1') {
    // Only for checking this script against oidc-provider, which asks.
    const { parseForms, fillForm } = await import('./browse.mjs');
    const html = await res.text();
    const form = parseForms(html).find((f) => f.method === 'post');
    assert(form, 'logout page without a form');
    const body = fillForm(form);
    if (!body.has('logout')) body.set('logout', 'yes');
    res = await fetch(new URL(form.action, url), {
      method: 'POST', body, redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    jar.store(res);
  }
  assert([302, 303].includes(res.status), `end_session answered HTTP ${res.status}, want 302/303`);
  const loc = new URL(res.headers.get('location'), url);
  assert(loc.href.startsWith(POST_LOGOUT_REDIRECT_URI), `redirected to ${loc}, want ${POST_LOGOUT_REDIRECT_URI}`);
  assert(loc.searchParams.get('state') === state, `state ${loc.searchParams.get('state')}, want ${state}`);
});

const result = { passed, failed };
if (DEBUG || failed.length) console.error('browser traces:\n  ' + browseTrace.join('\n  '));
console.log(JSON.stringify(result));
process.exitCode = failed.length ? 1 : 0;
