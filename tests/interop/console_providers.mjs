// The console's SSO providers and MFA policies in Chromium (see
// console_lib.mjs). config.mode says what to do:
// - "pages": in both variants, the wizard (kind cards, a refused field,
//   the callback URL copied before saving, a Microsoft Entra provider
//   saved), its page with a failing "test connection" and the delete
//   confirmation, the list, and the MFA policies (an organization's rule
//   added through the two steps). Returns {created: [ids], copied}.
// - "configure": the first half of issue 14's end-to-end run — the admin
//   registers an OpenID Connect provider for config.issuer in the wizard.
//   Returns {id, callback (as shown before saving), lastStep, signedIn}.
// - "sign-in": the second half — the admin tests the connection (the
//   upstream now runs), then a person signs in through the provider to an
//   application: an openid-client relying party served here on
//   http://127.0.0.1:config.rpPort (Ostiary is http://localhost:PORT).
//   Returns {tested, email, amr}.
import http from 'node:http';
import dns from 'node:dns';
import * as client from 'openid-client';
import { run } from './console_lib.mjs';

dns.setDefaultResultOrder('ipv4first');

/** Step 1 of the wizard: pick `kind`'s card and continue. */
async function pickKind(ctx, page, kind) {
  await page.locator(`label[for="kind-${kind}"]`).click();
  await page.locator('form[action="/admin/providers/new"] button[type=submit]').click();
  await page.waitForURL((u) => u.pathname === '/admin/providers/new' && u.searchParams.get('kind') === kind);
}

const CALLBACK = /\/login\/providers\/[0-9a-f-]{36}\/callback$/;

async function pages(ctx) {
  const created = [];
  let copied = true;
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin/providers', 'providers-list');
    await page.locator('a[href="/admin/providers/new"]').first().click();
    await page.waitForURL((u) => u.pathname === '/admin/providers/new');
    ctx.expect(await page.locator('.choice').count() === 8, 'a card per kind');
    const soon = ctx.config.samlAvailable ? 0 : 1;
    ctx.expect(await page.locator('.choice input:disabled').count() === soon, 'SAML is coming soon (without the saml feature)');
    await ctx.shot(v, page, 'provider-choose');
    await pickKind(ctx, page, 'entra');

    // The callback URL is there before saving, and copies.
    const callback = (await page.locator('#callback-url').innerText()).trim();
    ctx.expect(callback.startsWith(ctx.base) && CALLBACK.test(callback), `callback URL: ${callback}`);
    await page.locator('button[data-copy="callback-url"]').click();
    await page.locator('#callback-url-status:not(:empty)').waitFor();
    copied = copied && (await page.evaluate(() => navigator.clipboard.readText())) === callback;
    await ctx.shot(v, page, 'provider-new-entra');

    // A refusal of the server, next to its field (the address passes the
    // browser's own check).
    const name = `Contoso (${v.name})`;
    await page.locator('#f-tenant').fill('contoso.example');
    await page.locator('#f-client-id').fill('contoso-app');
    await page.locator('#f-client-secret').fill('s3cret');
    await page.locator('#f-name').fill(name);
    await page.locator('details.disclosure > summary').click();
    await page.locator('#f-authority').fill('https://login.example/?tenant=x');
    // The refusal answers 422 (Chromium logs it as a failed load).
    page.expectedFailures.push(new RegExp(`^${ctx.base}/admin/providers/new$`));
    await page.locator('form.provider-form button[type=submit]').click();
    await page.locator('#f-authority-error').waitFor();
    ctx.expect(await page.locator('#f-authority[aria-invalid="true"]').count() === 1, 'the field is marked');
    ctx.expect((await page.locator('#callback-url').innerText()).trim() === callback, 'the same callback URL after a refusal');
    await ctx.shot(v, page, 'provider-new-refused');
    // Corrected (the secret is typed again: it is never sent back).
    await page.locator('#f-authority').fill('http://127.0.0.1:9');
    await page.locator('#f-client-secret').fill('s3cret');
    await page.locator('form.provider-form button[type=submit]').click();
    await page.waitForURL((u) => /^\/admin\/providers\/[0-9a-f-]{36}$/.test(u.pathname));
    const id = new URL(page.url()).pathname.split('/').pop();
    ctx.expect(callback.includes(`/login/providers/${id}/callback`), 'saved under the id shown before');
    created.push(id);
    await ctx.shot(v, page, 'provider-created');

    // Test connection: nothing listens there; the failing step says why.
    await page.locator('form[action$="/test#test"] button').click();
    await page.locator('.checks').waitFor();
    ctx.expect(await page.locator('.check-failed').count() === 1, 'one failed step');
    ctx.expect(await page.locator('.check-skipped').count() === 3, 'the rest skipped');
    await ctx.shot(v, page, 'provider-test-failed');
    // Delete asks first (no script needed).
    await page.locator('details.confirm > summary').click();
    await page.locator('.confirm-body form button').waitFor();
    await ctx.shot(v, page, 'provider-delete-confirm');

    await ctx.visit(v, page, '/admin/providers', 'providers-list-filled');
    ctx.expect((await page.locator('main').innerText()).includes(name), 'listed');

    // MFA policies: a rule for an organization, in two steps.
    await ctx.visit(v, page, '/admin/mfa-policies', 'mfa-policies');
    await page.locator('a[href="/admin/mfa-policies/new"]').first().click();
    await page.waitForURL((u) => u.pathname === '/admin/mfa-policies/new');
    await ctx.shot(v, page, 'mfa-rule-choose');
    await page.locator('label[for="scope-organization"]').click();
    await page.locator('form[action="/admin/mfa-policies/new"] button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.get('scope') === 'organization');
    await ctx.shot(v, page, 'mfa-rule-new');
    await page.locator('label[for="req-required"]').click();
    await page.locator('form[action="/admin/mfa-policies"] button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/admin/mfa-policies' && u.search.includes('mfa_policy_saved'));
    ctx.expect(await page.locator('tbody tr').count() === 1, 'one rule');
    await ctx.shot(v, page, 'mfa-policies-rule');
  }
  return { created, copied };
}

async function configure(ctx) {
  const v = ctx.variants[0];
  const page = await ctx.open(v);
  await ctx.visit(v, page, '/admin/providers', 'e2e-providers');
  await page.locator('a[href="/admin/providers/new"]').first().click();
  await page.waitForURL((u) => u.pathname === '/admin/providers/new');
  await pickKind(ctx, page, 'oidc');
  const callback = (await page.locator('#callback-url').innerText()).trim();
  ctx.expect(CALLBACK.test(callback), `callback URL: ${callback}`);
  await page.locator('#f-issuer').fill(ctx.config.issuer);
  await page.locator('#f-client-id').fill('rp');
  await page.locator('#f-client-secret').fill('rp-secret');
  await page.locator('#f-name').fill('Corp SSO');
  await page.locator('#f-trust-email').check();
  await ctx.shot(v, page, 'e2e-wizard');
  await page.locator('form.provider-form button[type=submit]').click();
  await page.waitForURL((u) => /^\/admin\/providers\/[0-9a-f-]{36}$/.test(u.pathname));
  const id = new URL(page.url()).pathname.split('/').pop();
  ctx.expect((await page.locator('#callback-url').innerText()).trim() === callback, 'the page shows the same callback URL');
  await ctx.shot(v, page, 'e2e-created');
  return { id, callback, lastStep: ctx.admin.lastStep, signedIn: await page.context().storageState() };
}

/** The relying party: /start sends the browser to Ostiary, /cb finishes. */
async function relyingParty(ctx) {
  const rpBase = `http://127.0.0.1:${ctx.config.rpPort}`;
  const { id, secret } = ctx.config.client;
  const rp = await client.discovery(new URL(ctx.base), id, secret, client.ClientSecretBasic(secret),
    { execute: [client.allowInsecureRequests] });
  const pending = new Map();
  const page = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>RP</title></head><body>${body}</body></html>`);
  };
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, rpBase);
      if (url.pathname === '/start') {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        pending.set(state, { verifier, nonce });
        const target = client.buildAuthorizationUrl(rp, {
          redirect_uri: `${rpBase}/cb`, scope: 'openid email profile', state, nonce,
          code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        });
        res.writeHead(302, { location: target.href });
        return res.end();
      }
      if (url.pathname === '/cb') {
        const txn = pending.get(url.searchParams.get('state') ?? '');
        if (!txn) return page(res, 400, 'unknown state');
        const tokens = await client.authorizationCodeGrant(rp, url, {
          pkceCodeVerifier: txn.verifier, expectedState: url.searchParams.get('state'), expectedNonce: txn.nonce,
        });
        return page(res, 200, `<pre id="result">${esc(JSON.stringify({ ok: true, claims: tokens.claims() }))}</pre>`);
      }
      return page(res, 404, 'not found');
    } catch (e) {
      return page(res, 500, `<pre id="result">${esc(JSON.stringify({ ok: false, error: String(e) }))}</pre>`);
    }
  });
  await new Promise((resolve) => server.listen(ctx.config.rpPort, '127.0.0.1', resolve));
  return { rpBase, close: () => server.close() };
}

async function signIn(ctx) {
  const v = ctx.variants[0];
  const { id, issuer } = ctx.config;
  // The admin tests the connection: every step passes now.
  const admin = await ctx.open(v);
  await ctx.visit(v, admin, `/admin/providers/${id}`, 'e2e-provider');
  await admin.locator('form[action$="/test#test"] button').click();
  await admin.locator('.checks').waitFor();
  const passed = await admin.locator('.check-passed').count();
  const failed = await admin.locator('.check-failed').count();
  await ctx.shot(v, admin, 'e2e-test-passed');
  ctx.expect(passed === 4 && failed === 0, `test connection: ${passed} passed, ${failed} failed`);

  // A person signs in to the application through the provider.
  const rp = await relyingParty(ctx);
  try {
    const page = await ctx.bare(v);
    // The upstream's dev pages are not ours: they load a web font from the
    // internet (unreachable here) and re-fetch their finished interaction.
    page.expectedFailures.push(/^https:\/\/fonts\.googleapis\.com\//);
    page.expectedFailures.push(new RegExp(`^${issuer}/`));
    await page.goto(`${rp.rpBase}/start`);
    await page.waitForURL((u) => u.origin === ctx.base && u.pathname === '/login');
    const button = page.locator(`a[href^="/login/providers/${id}"]`);
    ctx.expect((await button.innerText()).includes('Corp SSO'), 'the sign-in page offers the provider');
    await ctx.shot(v, page, 'e2e-login');
    await button.click();
    await page.waitForURL((u) => u.origin === issuer);
    await page.locator('input[name=login]').fill('alice');
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.origin === issuer && u.pathname.startsWith('/interaction/'));
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.origin === ctx.base && u.pathname.startsWith('/authorize'));
    await ctx.shot(v, page, 'e2e-consent');
    await page.locator('button[name=decision][value=allow]').click();
    await page.waitForURL((u) => u.origin === rp.rpBase && u.pathname === '/cb');
    const result = JSON.parse(await page.locator('#result').innerText());
    ctx.expect(result.ok === true, `not signed in at the application: ${JSON.stringify(result)}`);
    return { tested: true, email: result.claims.email, amr: result.claims.amr };
  } finally {
    rp.close();
  }
}

await run(async (ctx) => {
  switch (ctx.config.mode) {
    case 'pages': return pages(ctx);
    case 'configure': return configure(ctx);
    case 'sign-in': return signIn(ctx);
    default: throw new Error(`unknown mode ${ctx.config.mode}`);
  }
});
