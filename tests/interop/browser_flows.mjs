// Every hosted flow that ends at an application, in a real headless Chromium
// (peers guide §5), with the relying party on another origin: a small
// openid-client RP served by this script on http://127.0.0.1:RP_PORT while
// Ostiary is http://localhost:PORT. Chromium enforces the CSP (form-action
// also governs the redirects after a form post), cookies and redirects as a
// person's browser does; any console error or CSP violation fails the run.
//
// Usage: node browser_flows.mjs CONFIG.json
//   CONFIG: { base, rpPort, shots, mailDir,
//             client: {id, secret}, deviceClient: {id},
//             admin: {email, password, name},
//             variants: [{ name, lang, locale, viewport: {width, height},
//                          colorScheme, mobile,
//                          users: { pwd, totp, passkey, email: {email, password} } }] }
// Prints one JSON line {"variants": {name: {flow: result}}, "errors": [..],
// "shots": [..]} and exits 1 on any failure (the error is on stderr).
import { chromium } from 'playwright-core';
import * as client from 'openid-client';
import http from 'node:http';
import dns from 'node:dns';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

dns.setDefaultResultOrder('ipv4first');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const base = cfg.base;
const rpBase = `http://127.0.0.1:${cfg.rpPort}`;
const report = { variants: {}, errors: [], shots: [] };

// ---------------------------------------------------------------- the RP --
const insecure = { execute: [client.allowInsecureRequests] };
const rp = await client.discovery(new URL(base), cfg.client.id, cfg.client.secret,
  client.ClientSecretBasic(cfg.client.secret), insecure);
const deviceRp = await client.discovery(new URL(base), cfg.deviceClient.id, undefined,
  client.None(), insecure);
const transactions = new Map(); // state -> { verifier, nonce }
const rpState = { idToken: null };

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
function rpPage(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">`
    + `<title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function callback(req, res, url) {
  let params;
  let current;
  if (req.method === 'POST') {
    const body = await readBody(req);
    params = new URLSearchParams(body);
    current = new Request(`${rpBase}/cb`, {
      method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  } else {
    params = url.searchParams;
    current = url;
  }
  const txn = transactions.get(params.get('state') ?? '');
  if (!txn) return rpPage(res, 400, 'unknown state', '');
  transactions.delete(params.get('state'));
  if (params.get('error')) {
    const data = { error: params.get('error'), iss: params.get('iss'), method: req.method };
    return rpPage(res, 200, 'error', `<pre id="result">${esc(JSON.stringify(data))}</pre>`);
  }
  try {
    const tokens = await client.authorizationCodeGrant(rp, current, {
      pkceCodeVerifier: txn.verifier, expectedState: txn.state, expectedNonce: txn.nonce,
    });
    rpState.idToken = tokens.id_token;
    const claims = tokens.claims();
    const data = { ok: true, method: req.method, claims, scope: tokens.scope };
    return rpPage(res, 200, 'signed in', `<pre id="result">${esc(JSON.stringify(data))}</pre>`);
  } catch (e) {
    return rpPage(res, 500, 'token exchange failed', `<pre id="result">${esc(JSON.stringify({ exchange: String(e), cause: String(e.cause ?? '') }))}</pre>`);
  }
}

// A single-page application on the RP's origin: a public client that does
// PKCE in the browser and calls /token and /userinfo with fetch (CORS).
function spaPage(res) {
  const script = `
    const idp = ${JSON.stringify(base)};
    const clientId = ${JSON.stringify(cfg.spaClient.id)};
    const redirectUri = location.origin + '/spa';
    const out = (data) => { document.getElementById('result').textContent = JSON.stringify(data); };
    const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    (async () => {
      const params = new URLSearchParams(location.search);
      if (!params.get('code')) {
        const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
        sessionStorage.setItem('verifier', verifier);
        const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
        const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri,
          scope: 'openid email', state: 'spa-state', code_challenge: challenge, code_challenge_method: 'S256' });
        location.assign(idp + '/authorize?' + q);
        return;
      }
      try {
        const token = await fetch(idp + '/token', { method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'),
            redirect_uri: redirectUri, client_id: clientId, code_verifier: sessionStorage.getItem('verifier') }) });
        const tokens = await token.json();
        const info = await fetch(idp + '/userinfo', { headers: { authorization: 'Bearer ' + tokens.access_token } });
        out({ ok: token.ok && info.ok, email: (await info.json()).email });
      } catch (e) {
        out({ ok: false, error: String(e) });
      }
    })();`;
  rpPage(res, 200, 'spa', `<pre id="result"></pre><script>${script}</script>`);
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, rpBase);
    if (url.pathname === '/favicon.ico') { res.writeHead(204); return res.end(); }
    if (url.pathname === '/start') {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      transactions.set(state, { verifier, state, nonce });
      const params = {
        redirect_uri: `${rpBase}/cb`, scope: 'openid email profile', state, nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      };
      for (const [k, v] of url.searchParams) params[k] = v;
      // par=1: the parameters go to /par from here (RFC 9126); the browser
      // carries only client_id and request_uri.
      const pushed = params.par === '1';
      delete params.par;
      const target = pushed
        ? await client.buildAuthorizationUrlWithPAR(rp, params)
        : client.buildAuthorizationUrl(rp, params);
      res.writeHead(302, { location: target.href });
      return res.end();
    }
    if (url.pathname === '/cb') return await callback(req, res, url);
    if (url.pathname === '/spa') return spaPage(res);
    if (url.pathname === '/logout') {
      const params = { post_logout_redirect_uri: `${rpBase}/bye`, state: 'bye-state' };
      if (url.searchParams.get('hint') === '1') params.id_token_hint = rpState.idToken;
      else params.client_id = cfg.client.id;
      res.writeHead(302, { location: client.buildEndSessionUrl(rp, params).href });
      return res.end();
    }
    if (url.pathname === '/bye') {
      return rpPage(res, 200, 'signed out', `<pre id="result">${esc(JSON.stringify({ bye: true, state: url.searchParams.get('state') }))}</pre>`);
    }
    return rpPage(res, 404, 'not found', '');
  } catch (e) {
    return rpPage(res, 500, 'rp error', `<pre id="result">${esc(String(e))}</pre>`);
  }
});
await new Promise((resolve) => server.listen(cfg.rpPort, '127.0.0.1', resolve));

// ------------------------------------------------------------- helpers --
function totp(secretBase32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

/** A TOTP code for a step after `last` (waits until the server accepts it). */
async function nextTotp(user) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, (user.lastStep ?? -1) + 1);
    if (step <= now + 1) {
      user.lastStep = step;
      return totp(user.secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The newest sign-in code mailed to `email`. */
async function mailedCode(email, after) {
  for (let i = 0; i < 100; i++) {
    const files = fs.readdirSync(cfg.mailDir).filter((f) => f.endsWith('.json')).sort();
    for (const f of files.reverse()) {
      if (f <= after) break;
      const mail = JSON.parse(fs.readFileSync(path.join(cfg.mailDir, f), 'utf8'));
      const m = mail.to.includes(email) && mail.text.match(/\b(\d{4})[ -]?(\d{4})\b/);
      if (m) return m[1] + m[2];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-in code mailed to ${email}`);
}
const newestMail = () => fs.readdirSync(cfg.mailDir).filter((f) => f.endsWith('.json')).sort().pop() ?? '';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A fresh browser profile for variant `v`, watching for errors. */
async function open(v, label) {
  const context = await browser.newContext({
    viewport: v.viewport, locale: v.locale, colorScheme: v.colorScheme,
    isMobile: !!v.mobile, hasTouch: !!v.mobile,
  });
  const page = await context.newPage();
  const where = `${v.name}/${label}`;
  // Error pages the flow asks for on purpose (a wrong password answers 401)
  // are logged by Chromium as failed loads; only those are expected.
  page.expectedFailures = [];
  page.on('console', (m) => {
    const url = m.location()?.url ?? '';
    if (/^Failed to load resource/.test(m.text()) && page.expectedFailures.some((re) => re.test(url))) return;
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) {
      report.errors.push(`${where}: console ${m.type()}: ${m.text()} (${page.url()})`);
    }
  });
  page.on('pageerror', (e) => report.errors.push(`${where}: page error: ${e}`));
  return { context, page };
}

/** Screenshot of a hosted page; also checks its language. */
async function shot(v, page, name) {
  const dir = path.join(cfg.shots, v.name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  report.shots.push(path.relative(cfg.shots, file));
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (new URL(page.url()).origin === base && lang !== v.lang) {
    throw new Error(`${name}: page language ${lang}, expected ${v.lang} (${page.url()})`);
  }
}

/** Wait for the RP's answer and return its JSON. */
async function atRp(page, pathname = '/cb') {
  await page.waitForURL((u) => u.origin === rpBase && u.pathname === pathname, { timeout: 20000 });
  return JSON.parse(await page.locator('#result').textContent());
}

async function submitLogin(page, user) {
  await page.locator('form[action="/login"] input[name=email]').fill(user.email);
  await page.locator('form[action="/login"] input[name=password]').fill(user.password);
  await page.locator('form[action="/login"] button[type=submit]').click();
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

function signedIn(result, user) {
  expect(result.ok === true, `not signed in at the RP: ${JSON.stringify(result)}`);
  expect(result.claims.email === user.email, `RP got ${result.claims.email}, expected ${user.email}`);
  return result.claims;
}

const uiLocales = (v) => (v.lang === 'en' ? '' : `&ui_locales=${v.lang}`);

// ------------------------------------------------------------- the flows --
async function passwordFlows(v, out) {
  const user = v.users.pwd;
  const { context, page } = await open(v, 'password');
  const start = (q = '') => page.goto(`${rpBase}/start?x=1${uiLocales(v)}${q}`);

  // First sign-in for the app: login, consent (Allow), back at the RP.
  await start();
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  const context1 = (await page.locator('.app-context').textContent()) ?? '';
  expect(context1.includes(cfg.client.name) && context1.includes(`127.0.0.1:${cfg.rpPort}`),
    `login page does not name the app: ${context1}`);
  expect(!(await page.locator('main').innerText()).includes(cfg.client.id), 'login page shows the client id');
  await shot(v, page, 'login-for-app');
  page.expectedFailures.push(new RegExp(`^${base}/login$`));
  await submitLogin(page, { email: user.email, password: 'not the password' });
  await page.locator('[role=alert]').waitFor();
  await shot(v, page, 'login-failed');
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/authorize' || u.pathname === '/authorize/consent');
  await page.locator('button[name=decision][value=allow]').waitFor();
  expect(!(await page.locator('main').innerText()).includes(cfg.client.id), 'consent page shows the client id');
  await shot(v, page, 'consent');
  await page.locator('button[name=decision][value=allow]').click();
  out.firstSignIn = signedIn(await atRp(page), user).amr;

  // Consent Deny (prompt=consent asks again).
  await start('&prompt=consent');
  await page.locator('button[name=decision][value=deny]').click();
  const denied = await atRp(page);
  expect(denied.error === 'access_denied', `deny: ${JSON.stringify(denied)}`);
  out.consentDeny = denied.error;

  // prompt=login: the form again, then straight back.
  await start('&prompt=login');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await submitLogin(page, user);
  out.promptLogin = signedIn(await atRp(page), user).auth_time;

  // max_age=0: a fresh sign-in is due at once.
  await start('&max_age=0');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await submitLogin(page, user);
  out.maxAge = signedIn(await atRp(page), user).auth_time;

  // A pushed request (RFC 9126) through the same pages: login, then back.
  await start('&par=1&prompt=login');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  expect(!page.url().includes('redirect_uri'), `pushed request leaks its parameters: ${page.url()}`);
  await submitLogin(page, user);
  out.pushed = signedIn(await atRp(page), user).auth_time;
  await start('&par=1&prompt=consent');
  await page.locator('button[name=decision][value=allow]').click();
  signedIn(await atRp(page), user);

  // form_post after a login form: POST /login → /authorize → auto-posted form.
  await start('&response_mode=form_post&prompt=login');
  await submitLogin(page, user);
  const posted = await atRp(page);
  signedIn(posted, user);
  expect(posted.method === 'POST', 'form_post did not arrive as a POST');
  out.formPost = posted.method;

  // A browser application (public client, PKCE, CORS on /token and
  // /userinfo) on the RP's origin.
  await page.goto(`${rpBase}/spa`);
  const allowSpa = page.locator('button[name=decision][value=allow]');
  await Promise.race([allowSpa.waitFor({ timeout: 20000 }),
    page.waitForURL((u) => u.origin === rpBase && u.searchParams.has('code'), { timeout: 20000 })]);
  if (await allowSpa.count()) await allowSpa.click();
  await page.waitForURL((u) => u.origin === rpBase && u.pathname === '/spa' && u.searchParams.has('code'));
  await page.locator('#result:not(:empty)').waitFor();
  const spa = JSON.parse(await page.locator('#result').textContent());
  expect(spa.ok === true && spa.email === user.email, `browser app: ${JSON.stringify(spa)}`);
  out.browserApp = spa.email;

  // RP-initiated logout with id_token_hint: straight back with state.
  await page.goto(`${rpBase}/logout?hint=1`);
  const bye = await atRp(page, '/bye');
  expect(bye.state === 'bye-state', `logout state: ${JSON.stringify(bye)}`);
  await page.goto(`${base}/account`);
  expect(new URL(page.url()).pathname === '/login', 'still signed in after RP logout');
  out.rpLogout = 'silent';

  // Signed out, a sign-in with an emailed code.
  await start('&prompt=login');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await page.locator('a[href^="/login/email"]').click();
  await page.waitForURL((u) => u.pathname === '/login/email');
  expect(((await page.locator('.app-context').textContent()) ?? '').includes(cfg.client.name),
    'email form does not name the app');
  await shot(v, page, 'email-code-request');
  const before = newestMail();
  await page.locator('form[action="/login/email"] input[name=email]').fill(user.email);
  await page.locator('form[action="/login/email"] button[type=submit]').click();
  await page.waitForURL((u) => u.pathname === '/login/email/code');
  await shot(v, page, 'email-code-enter');
  await page.locator('input[name=code]').fill(await mailedCode(user.email, before));
  await page.locator('form[action="/login/email/code"] button[type=submit]').click();
  out.emailCode = signedIn(await atRp(page), user).amr;

  // RP-initiated logout without a hint: confirm, then back to the app.
  await page.goto(`${rpBase}/logout?hint=0`);
  await page.locator('form[action="/end_session/confirm"]').waitFor();
  await shot(v, page, 'end-session-confirm');
  await page.locator('form[action="/end_session/confirm"] button[type=submit]').click();
  const bye2 = await atRp(page, '/bye');
  expect(bye2.state === 'bye-state', `confirmed logout state: ${JSON.stringify(bye2)}`);
  out.rpLogoutConfirmed = 'confirmed';

  // prompt=select_account: nobody signed in, so the login form; then the
  // chooser with this account; then "use another account" and back.
  await start('&prompt=select_account');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await submitLogin(page, user);
  signedIn(await atRp(page), user);
  await start('&prompt=select_account');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login/select');
  await shot(v, page, 'select-account');
  await page.locator('button[name=choice]:not([value=another])').first().click();
  signedIn(await atRp(page), user);
  await start('&prompt=select_account');
  await page.locator('button[name=choice][value=another]').click();
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  const second = v.users.totp;
  await submitLogin(page, second);
  await page.locator('button[name=decision][value=allow]').click();
  signedIn(await atRp(page), second);
  await start('&prompt=select_account');
  await page.waitForURL((u) => u.pathname === '/login/select');
  expect(await page.locator('button[name=choice]').count() === 3, 'the chooser does not list both accounts');
  await shot(v, page, 'select-account-two');
  await page.locator('button[name=choice]', { hasText: user.email }).click();
  out.selectAccount = signedIn(await atRp(page), user).email;
  await page.goto(`${base}/logout`);
  await page.locator('form[action="/logout"] button[type=submit]').click();
  await page.waitForLoadState();
  await context.close();
}

async function totpFlows(v, out) {
  const user = v.users.totp;
  const { context, page } = await open(v, 'totp');
  const start = (q = '') => page.goto(`${rpBase}/start?x=1${uiLocales(v)}${q}`);
  // A password sign-in, then an authenticator app on the security page.
  await page.goto(`${base}/login`);
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/account');
  await shot(v, page, 'account');
  await page.goto(`${base}/account/security`);
  await shot(v, page, 'security');
  await page.locator('form[action="/account/security/totp"] button').click();
  await page.locator('.secret-key').waitFor({ state: 'attached' });
  await shot(v, page, 'totp-enroll');
  user.secret = (await page.locator('.secret-key').textContent()).replace(/\s/g, '');
  await page.locator('input[name=code]').fill(await nextTotp(user));
  await page.locator('form[action="/account/security/totp/confirm"] button[type=submit]').click();
  await page.locator('.code-list').waitFor();
  await shot(v, page, 'backup-codes');
  const codes = await page.locator('.code-list code').allTextContents();
  expect(codes.length === 10, `backup codes shown: ${codes.length}`);
  // Download (a text file) and copy (the clipboard) both hold every code.
  const download = await page.locator('a[download]').getAttribute('href');
  expect(codes.every((c) => decodeURIComponent(download).includes(c)), 'the download lacks codes');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.locator('button[data-copy]').click();
  await page.locator('#backup-copy-status:not(:empty)').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(codes.every((c) => copied.includes(c)), 'the clipboard lacks codes');
  out.backupCopied = true;
  await page.locator('.actions a.button-primary').click();
  await page.waitForURL((u) => u.pathname === '/account/security');

  // Step-up: this session has one factor; the app asks for MFA.
  await start('&acr_values=urn:ostiary:acr:mfa');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login/mfa');
  await shot(v, page, 'mfa-step-up');
  await page.locator('form[action="/login/mfa/totp"] input[name=code]').fill(await nextTotp(user));
  await page.locator('form[action="/login/mfa/totp"] button[type=submit]').click();
  if (new URL(page.url()).pathname !== '/cb') {
    const allow = page.locator('button[name=decision][value=allow]');
    await Promise.race([allow.waitFor({ timeout: 20000 }), page.waitForURL((u) => u.origin === rpBase, { timeout: 20000 })]);
    if (await allow.count()) await allow.click();
  }
  const stepped = signedIn(await atRp(page), user);
  expect(stepped.acr === 'urn:ostiary:acr:mfa', `step-up acr: ${stepped.acr}`);
  out.stepUp = stepped.amr;

  // Device approval from this (now multi-factor) session.
  const device = await client.initiateDeviceAuthorization(deviceRp, { scope: 'openid email' });
  await page.goto(`${base}/device`);
  await shot(v, page, 'device-entry');
  await page.locator('input[name=user_code]').fill(device.user_code);
  await page.locator('form[action="/device"] button[type=submit]').click();
  await page.locator('button[name=decision][value=allow]').waitFor();
  await shot(v, page, 'device-confirm');
  await page.locator('button[name=decision][value=allow]').click();
  await page.locator('.notice').waitFor();
  await shot(v, page, 'device-done');
  const deviceTokens = await client.pollDeviceAuthorizationGrant(deviceRp, device);
  expect(deviceTokens.claims()?.email === user.email, 'device tokens are for another user');
  out.device = 'approved';

  // A new sign-in for the app: password, then a backup code.
  await start('&prompt=login');
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/login/mfa');
  await shot(v, page, 'mfa-challenge');
  await page.locator('details.disclosure summary').click();
  await page.locator('form[action="/login/mfa/backup"] input[name=code]').fill(codes[0]);
  await page.locator('form[action="/login/mfa/backup"] button[type=submit]').click();
  out.backupCode = signedIn(await atRp(page), user).amr;

  // And password, then the authenticator app.
  await start('&prompt=login');
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/login/mfa');
  await page.locator('form[action="/login/mfa/totp"] input[name=code]').fill(await nextTotp(user));
  await page.locator('form[action="/login/mfa/totp"] button[type=submit]').click();
  out.totp = signedIn(await atRp(page), user).amr;
  await context.close();
}

async function passkeyFlows(v, out) {
  const user = v.users.passkey;
  const { context, page } = await open(v, 'passkey');
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  const start = (q = '') => page.goto(`${rpBase}/start?x=1${uiLocales(v)}${q}`);
  await page.goto(`${base}/login`);
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/account');
  await page.goto(`${base}/account/passkeys`);
  await page.locator('input[name=name]').fill('Test laptop');
  await shot(v, page, 'passkeys');
  await page.locator('#passkey-register-form button[type=submit]').click();
  await page.locator('.code-list').waitFor({ timeout: 20000 });
  await page.locator('.actions a.button-primary').click();
  await page.waitForURL((u) => u.search.includes('notice=added'));

  // Password, then the passkey as the second step, for the app.
  await start('&prompt=login');
  await submitLogin(page, user);
  await page.waitForURL((u) => u.pathname === '/login/mfa');
  await page.locator('#mfa-passkey-form button[type=submit]').click();
  const allow = page.locator('button[name=decision][value=allow]');
  await Promise.race([allow.waitFor({ timeout: 20000 }), page.waitForURL((u) => u.origin === rpBase, { timeout: 20000 })]);
  if (await allow.count()) await allow.click();
  out.passkeySecondStep = signedIn(await atRp(page), user).amr;

  // Passwordless: the passkey alone on the login page.
  await start('&prompt=login');
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await page.locator('#passkey-login button[type=submit]').click();
  out.passkeyFirstFactor = signedIn(await atRp(page), user).amr;
  await context.close();
}

async function gallery(v) {
  // Pages reached outside the flows above, for the screenshot review.
  const { context, page } = await open(v, 'gallery');
  page.expectedFailures.push(/\/no\/such\/page$/, /\/authorize\?client_id=unknown/);
  for (const [name, url] of [
    ['login', '/login'], ['password-reset', '/password/reset'], ['not-found', '/no/such/page'],
  ]) {
    await page.goto(base + url);
    await shot(v, page, name);
  }
  await page.goto(`${base}/authorize?client_id=unknown&redirect_uri=https%3A%2F%2Fevil.example%2F`);
  await shot(v, page, 'authorize-error');
  await page.goto(`${base}/login`);
  await submitLogin(page, v.users.pwd);
  await page.waitForURL((u) => u.pathname === '/account');
  for (const [name, url] of [
    ['account-password', '/account/password'], ['account-email', '/account/email'],
    ['account-delete', '/account/delete'], ['select-account-plain', '/login/select?return_to=%2Faccount'],
  ]) {
    await page.goto(base + url);
    await shot(v, page, name);
  }
  await page.goto(`${base}/logout`);
  await shot(v, page, 'logout');
  await page.locator('form[action="/logout"] button[type=submit]').click();
  await page.waitForLoadState();
  await shot(v, page, 'logged-out');
  await context.close();
}

// A person signs in with an upstream OpenID Provider (panva's
// oidc-provider on a third origin, its dev login pages) to get to the app.
async function federatedFlows(v, out) {
  if (!cfg.provider) return;
  const { context, page } = await open(v, 'federated');
  // The upstream's dev pages are not ours: they load a web font from the
  // internet (unreachable here) and re-fetch their finished interaction
  // (404). Failed loads on their origin are theirs; everything else counts.
  page.expectedFailures.push(/^https:\/\/fonts\.googleapis\.com\//);
  page.expectedFailures.push(new RegExp(`^${cfg.provider.issuer}/`));
  await page.goto(`${rpBase}/start?x=1${uiLocales(v)}`);
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  const button = page.locator(`a[href^="/login/providers/${cfg.provider.id}"]`);
  expect((await button.innerText()).includes(cfg.provider.name), 'no provider button on the login page');
  await shot(v, page, 'login-with-providers');
  await button.click();
  // An address of the provider's domain: the provider is trusted for it.
  const login = `fed-${v.name}@${cfg.provider.domain}`;
  await page.waitForURL((u) => u.origin === cfg.provider.issuer);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  // The upstream asks its own consent, then sends the browser back.
  await page.waitForURL((u) => u.origin === cfg.provider.issuer && u.pathname.startsWith('/interaction/'));
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === base && u.pathname.startsWith('/authorize'));
  await page.locator('button[name=decision][value=allow]').click();
  const result = await atRp(page);
  expect(result.ok === true, `not signed in at the RP: ${JSON.stringify(result)}`);
  expect(result.claims.email === login, `RP got ${result.claims.email}`);
  out.federated = result.claims.amr;
  // The account lists the provider it signs in with.
  await page.goto(`${base}/account${v.lang === 'en' ? '' : `?ui_locales=${v.lang}`}`);
  expect((await page.locator('main').innerText()).includes(cfg.provider.name), 'account page does not name the provider');
  await shot(v, page, 'account-federated');
  // A refused or forged callback: our own page with the way back.
  page.expectedFailures.push(new RegExp(`^${base}/login/providers/`));
  await page.goto(`${base}/login/providers/${cfg.provider.id}/callback?error=access_denied&state=forged${v.lang === 'en' ? '' : `&ui_locales=${v.lang}`}`);
  await page.locator('a[href^="/login"]').first().waitFor();
  await shot(v, page, 'federated-failed');
  await context.close();
  await identifierFirst(v, out);
  await linkFromAccount(v, out);
}

// The upstream's own pages, signed in as `login` (its consent too); ends
// when the browser is back on our origin.
async function atUpstream(page, login) {
  await page.waitForURL((u) => u.origin === new URL(cfg.provider.issuer).origin);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === new URL(cfg.provider.issuer).origin && u.pathname.startsWith('/interaction/'));
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === base);
}

// Home-realm discovery: an address of the provider's domain, no password,
// "Sign in" — the browser goes on to the provider (a form post whose next
// step is another origin: blocked by form-action if it were a redirect)
// and comes back signed in at the application.
async function identifierFirst(v, out) {
  const { context, page } = await open(v, 'identifier-first');
  page.expectedFailures.push(/^https:\/\/fonts\.googleapis\.com\//);
  page.expectedFailures.push(new RegExp(`^${cfg.provider.issuer}/`));
  await page.goto(`${rpBase}/start?x=1${uiLocales(v)}`);
  await page.waitForURL((u) => u.origin === base && u.pathname === '/login');
  await page.locator('form[action="/login"] input[name=email]').fill(`someone-${v.name}@${cfg.provider.domain}`);
  await page.locator('form[action="/login"] button[type=submit]').click();
  await atUpstream(page, `hrd-${v.name}@${cfg.provider.domain}`);
  await page.waitForURL((u) => u.origin === base && u.pathname.startsWith('/authorize'));
  await page.locator('button[name=decision][value=allow]').click();
  const result = await atRp(page);
  expect(result.ok === true, `identifier-first: ${JSON.stringify(result)}`);
  out.identifierFirst = result.claims.email;
  await context.close();
}

// A person with a password links the provider from the account page (a
// form post leading to another origin), comes back linked, and unlinks it.
async function linkFromAccount(v, out) {
  const user = v.users.link;
  const { context, page } = await open(v, 'link-provider');
  page.expectedFailures.push(/^https:\/\/fonts\.googleapis\.com\//);
  page.expectedFailures.push(new RegExp(`^${cfg.provider.issuer}/`));
  const lang = v.lang === 'en' ? '' : `&ui_locales=${v.lang}`;
  await page.goto(`${base}/login?return_to=%2Faccount${lang}`);
  await submitLogin(page, user);
  await page.waitForURL((u) => u.origin === base && u.pathname === '/account');
  const link = page.locator(`form[action="/account/providers/${cfg.provider.id}/link"] button`);
  expect((await link.innerText()).includes(cfg.provider.name), 'the link button does not name the provider');
  await shot(v, page, 'account-link-offer');
  await link.click();
  await atUpstream(page, `link-${v.name}`);
  await page.waitForURL((u) => u.pathname === '/account' && u.search.includes('provider-linked'));
  const unlink = page.locator(`form[action="/account/providers/${cfg.provider.id}/unlink"] button`);
  await unlink.waitFor();
  await shot(v, page, 'account-provider-linked');
  await unlink.click();
  await page.waitForURL((u) => u.pathname === '/account' && u.search.includes('provider-unlinked'));
  expect(await page.locator(`form[action="/account/providers/${cfg.provider.id}/link"]`).count() === 1,
    'after unlinking, the provider can be linked again');
  out.linked = true;
  await context.close();
}

async function setup(v) {
  const { context, page } = await open(v, 'setup');
  await page.goto(base + '/');
  expect(new URL(page.url()).pathname === '/setup', `first page is ${page.url()}`);
  await shot(v, page, 'setup');
  await page.locator('input[name=email]').fill(cfg.admin.email);
  await page.locator('input[name=display_name]').fill(cfg.admin.name);
  await page.locator('input[name=password]').fill(cfg.admin.password);
  await page.locator('input[name=password_confirm]').fill(cfg.admin.password);
  await page.locator('form[action="/setup"] button[type=submit]').click();
  await page.waitForURL((u) => u.pathname === '/account');
  await shot(v, page, 'account-admin');
  await context.close();
}

let failure = null;
try {
  await setup(cfg.variants[0]);
  for (const v of cfg.variants) {
    const out = {};
    report.variants[v.name] = out;
    for (const [name, flow] of [['password', passwordFlows], ['totp', totpFlows], ['passkey', passkeyFlows], ['federated', federatedFlows], ['gallery', gallery]]) {
      try {
        await flow(v, out);
      } catch (e) {
        throw new Error(`${v.name}/${name}: ${e.stack ?? e}`);
      }
    }
  }
  if (report.errors.length) failure = new Error(`browser errors:\n${report.errors.join('\n')}`);
} catch (e) {
  failure = e;
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
if (failure) {
  console.error(String(failure.stack ?? failure));
  process.exitCode = 1;
}
