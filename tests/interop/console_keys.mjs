// Signing keys and API keys in the console, in both variants (see
// console_lib.mjs): rotate a signing key after confirming; make an API
// key with scopes, expiry and networks, see it once, copy it, use it
// against the admin API, find it listed without the key, revoke it.
import { run } from './console_lib.mjs';

/** The server's address for Node's own requests (localhost may be ::1). */
const direct = (base) => base.replace('//localhost:', '//127.0.0.1:');

await run(async (ctx) => {
  const result = {};
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    const seen = {};

    // Signing keys: rotate RS256.
    await ctx.visit(v, page, '/admin/signing-keys', 'signing-keys');
    const rs256 = page.locator('section', { has: page.locator('#alg-RS256') });
    const before = await rs256.locator('tr.is-current code').textContent();
    await rs256.locator('details.confirm summary').click();
    await ctx.shot(v, page, 'signing-keys-confirm');
    await rs256.locator('details.confirm form button[type=submit]').click();
    await page.waitForURL(/notice=signing_key_rotated/);
    const after = await page.locator('section', { has: page.locator('#alg-RS256') })
      .locator('tr.is-current code').textContent();
    seen.rotated = before !== after;
    await ctx.shot(v, page, 'signing-keys-rotated');

    // API keys: make one.
    await ctx.visit(v, page, '/admin/api-keys', 'api-keys-before');
    await page.locator('.page-head a[href="/admin/api-keys/new"]').click();
    await page.waitForURL(/\/admin\/api-keys\/new$/);
    await ctx.shot(v, page, 'api-key-new');
    const name = `Deploy (${v.name})`;
    await page.locator('#key-name').fill(name);
    await page.locator('#scope-users-read').check();
    await page.locator('#scope-sessions-write').check();
    await page.locator('#key-expiry').fill('90d');
    await page.locator('#key-ips').fill('127.0.0.0/8\n::1');
    await page.locator('#key-rate').fill('600');
    await page.locator('form[action="/admin/api-keys"] button[type=submit]').click();
    await page.waitForSelector('#new-key');
    const key = (await page.locator('#new-key').textContent()).trim();
    ctx.expect(key.startsWith('ost_'), `a key is shown: ${key}`);
    seen.key = key;

    // Copy it with the button (progressive enhancement).
    const copy = page.locator('button[data-copy="new-key"]');
    ctx.expect(await copy.isVisible(), 'the copy button shows with a clipboard');
    await copy.click();
    await page.waitForFunction(() => document.getElementById('new-key-status').textContent.length > 0);
    seen.copied = (await page.evaluate(() => navigator.clipboard.readText())) === key;
    await ctx.shot(v, page, 'api-key-created');

    // It works against the admin API.
    const res = await fetch(`${direct(ctx.base)}/api/v1/session`, { headers: { authorization: `Bearer ${key}` } });
    ctx.expect(res.status === 200, `the key works (${res.status})`);

    // Listed, never shown again; then revoked on its page after confirming.
    await page.locator('a.button-primary[href="/admin/api-keys"]').click();
    await page.waitForURL(/\/admin\/api-keys$/);
    seen.listed_once = (await page.content()).includes(key);
    const row = page.locator('tbody tr', { hasText: name });
    ctx.expect((await row.textContent()).includes('1'), 'the use is counted');
    await ctx.shot(v, page, 'api-keys');
    await row.locator('a.key-link').click();
    await page.waitForURL(/\/admin\/api-keys\/[0-9a-f-]+$/);
    await ctx.shot(v, page, 'api-key');
    await page.locator('details.confirm summary.button-danger').click();
    await ctx.shot(v, page, 'api-key-revoke-confirm');
    await page.locator('form[action$="/revoke"] button[type=submit]').click();
    await page.waitForURL(/notice=api_key_revoked/);
    ctx.expect(
      (await page.locator('tbody tr', { hasText: name }).textContent()).match(/Revoked|Widerrufen/),
      'the key shows as revoked',
    );
    await ctx.shot(v, page, 'api-key-revoked');
    result[v.name] = seen;
  }
  return result;
});
