// The console's applications in both variants (see console_lib.mjs): the
// "New application" wizard driven like a person would — pick the kind's
// card, fill in the settings, submit — for a web app (its secret shown
// once, copied with the copy button, the configuration snippet) and a
// single-page app (no secret), a refused redirect URI shown at its field,
// the application's page and its secret rotation. Returns how many
// applications it made.
import { run } from './console_lib.mjs';

const NEW = '/admin/applications/new';

/** Submit the form of `button` and wait for the answer's page. */
async function submit(page, button) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator(button).click(),
  ]);
}

/** Step 1: pick `kind`'s card and continue to step 2. */
async function chooseKind(ctx, v, page, kind, shot) {
  if (shot) {
    await ctx.visit(v, page, NEW, 'applications-new-kind');
  } else {
    const res = await page.goto(`${ctx.base}${NEW}`);
    ctx.expect(res.status() === 200, `${NEW}: ${res.status()}`);
  }
  await page.locator(`label[for="kind-${kind}"]`).click();
  ctx.expect(await page.locator(`#kind-${kind}`).isChecked(), `${kind} card checks its radio`);
  await submit(page, `form[action="${NEW}"] button[type=submit]`);
  ctx.expect(page.url().endsWith(`${NEW}?kind=${kind}`), `step 2 of ${kind}: ${page.url()}`);
}

/** Open "Advanced settings" and fill in the client id. */
async function clientId(page, id) {
  await page.locator('details.app-advanced > summary').click();
  await page.locator('#app-client-id').fill(id);
}

await run(async (ctx) => {
  let created = 0;
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin/applications', 'applications-start');

    // A web app, from the list's "New application" button.
    await Promise.all([
      page.waitForNavigation(),
      page.locator('.page-head a[href="/admin/applications/new"]').click(),
    ]);
    await chooseKind(ctx, v, page, 'web', true);
    await page.locator('#app-name').fill(`Wiki (${v.name})`);
    await page.locator('#app-redirects').fill('https://wiki.example/callback\nhttps://wiki.example/other');
    await page.locator('#app-logout').fill('https://wiki.example/');
    await page.locator('label[for="app-consent"]').click();
    await clientId(page, `wiki-${v.name}`);
    await ctx.shot(v, page, 'applications-new-web');
    await submit(page, 'form.app-form button[type=submit]');
    const secret = (await page.locator('#app-secret').textContent()).trim();
    ctx.expect(secret.length >= 43, `a secret is shown (${secret.length})`);
    const snippet = await page.locator('#app-snippet').textContent();
    for (const line of [`OIDC_ISSUER=${ctx.base}`, `OIDC_CLIENT_ID=wiki-${v.name}`, `OIDC_CLIENT_SECRET=${secret}`,
      `OIDC_TOKEN_ENDPOINT=${ctx.base}/token`, 'OIDC_REDIRECT_URI=https://wiki.example/callback']) {
      ctx.expect(snippet.split('\n').includes(line), `snippet has ${line}`);
    }
    // The copy buttons appear with script and copy.
    const copy = page.locator('button[data-copy="app-secret"]');
    ctx.expect(await copy.isVisible(), 'the copy button shows');
    await copy.click();
    const status = page.locator('#app-secret-status');
    await status.waitFor();
    await page.waitForFunction(() => document.getElementById('app-secret-status').textContent !== '');
    ctx.expect(await status.textContent() === await status.getAttribute('data-msg-copied'), 'copied');
    ctx.expect(await page.evaluate(() => navigator.clipboard.readText()) === secret, 'the clipboard has the secret');
    await page.locator('button[data-copy="app-snippet"]').click();
    ctx.expect(await page.evaluate(() => navigator.clipboard.readText()) === snippet, 'the clipboard has the snippet');
    await ctx.shot(v, page, 'applications-created-web');
    created += 1;

    // Its page: the settings, the snippet without secret, rotation.
    await Promise.all([page.waitForNavigation(), page.locator(`.actions a[href="/admin/applications/wiki-${v.name}"]`).click()]);
    ctx.expect(!(await page.content()).includes(secret), 'the secret is not shown again');
    ctx.expect(await page.locator('#app-name').inputValue() === `Wiki (${v.name})`, 'settings show the name');
    await ctx.shot(v, page, 'applications-app');
    await page.locator('details.confirm summary').first().click();
    await ctx.shot(v, page, 'applications-app-rotate');
    await submit(page, 'form[action$="/rotate-secret"] button[type=submit]');
    const rotated = (await page.locator('#app-secret').textContent()).trim();
    ctx.expect(rotated.length >= 43 && rotated !== secret, 'a new secret');
    await ctx.shot(v, page, 'applications-rotated');

    // A refused redirect URI: shown at its field, the input kept.
    await chooseKind(ctx, v, page, 'web', false);
    await page.locator('#app-name').fill('Broken');
    await page.locator('#app-redirects').fill('https://wiki.example/cb#fragment');
    page.expectedFailures.push(/\/admin\/applications\/new$/);
    await submit(page, 'form.app-form button[type=submit]');
    ctx.expect(await page.locator('#app-redirects-error').isVisible(), 'the error shows at the field');
    ctx.expect(await page.locator('.error-summary a[href="#app-redirects"]').count() === 1, 'the summary links to it');
    ctx.expect(await page.locator('#app-redirects').getAttribute('aria-invalid') === 'true', 'aria-invalid');
    ctx.expect(await page.locator('#app-redirects').inputValue() === 'https://wiki.example/cb#fragment', 'input kept');
    await ctx.shot(v, page, 'applications-new-error');

    // A single-page app: public, its origin allowed, no secret.
    await chooseKind(ctx, v, page, 'spa', false);
    await page.locator('#app-name').fill(`Dashboard (${v.name})`);
    await page.locator('#app-redirects').fill('https://spa.example/callback');
    await page.locator('#app-origins').fill('https://spa.example');
    await clientId(page, `spa-${v.name}`);
    await ctx.shot(v, page, 'applications-new-spa');
    await submit(page, 'form.app-form button[type=submit]');
    ctx.expect(await page.locator('#app-secret').count() === 0, 'no secret for a public client');
    ctx.expect((await page.locator('#app-snippet').textContent()).includes('OIDC_PKCE_METHOD=S256'), 'PKCE in the snippet');
    await ctx.shot(v, page, 'applications-created-spa');
    created += 1;

    await ctx.visit(v, page, '/admin/applications', 'applications-list');
    ctx.expect(await page.locator('table.table tbody tr').count() >= 2, 'the list shows them');
  }
  return { created };
});
