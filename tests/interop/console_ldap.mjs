// The console's provider wizard for an LDAP / Active Directory directory in
// Chromium (see console_lib.mjs), in both variants: the kind's card, what
// the directory needs instead of a callback URL, the service's default
// filter prefilled, a refusal of the service next to its field (plaintext
// without StartTLS) with the bind password not sent back, the directory
// saved, and "test connection" passing every step against the real slapd
// of config {ldapUrl, caFile, bindDn, bindPassword, peopleDn, groupsDn};
// config.orgAdmin (optional), an organization's admin, sees the card
// disabled with its reason.
// Returns {created: [ids], passed: [count per variant]}.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const c = ctx.config;
  const created = [];
  const passed = [];
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin/providers/new', 'ldap-choose');
    ctx.expect(await page.locator('#kind-ldap:disabled').count() === 0, 'the LDAP card is open to a superuser');
    await page.locator('label[for="kind-ldap"]').click();
    await page.locator('form[action="/admin/providers/new"] button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/admin/providers/new' && u.searchParams.get('kind') === 'ldap');
    ctx.expect(await page.locator('#callback-url').count() === 0, 'no callback URL for a directory');
    ctx.expect(await page.locator('#directory-heading').count() === 1, 'what the directory needs');
    ctx.expect(await page.locator('#f-user-filter').inputValue() === '(uid={username})', 'the default filter');
    ctx.expect(await page.locator('#f-client-id').count() === 0, 'no client ID');
    await ctx.shot(v, page, 'ldap-new');

    // ldap:// without StartTLS: the service refuses it, next to the address.
    const name = `Corp Directory (${v.name})`;
    await page.locator('#f-url').fill(c.ldapUrl);
    await page.locator('#f-bind-dn').fill(c.bindDn);
    await page.locator('#f-bind-password').fill(c.bindPassword);
    await page.locator('#f-user-base-dn').fill(c.peopleDn);
    await page.locator('#f-user-filter').fill('(mail={username})');
    await page.locator('#f-group-base-dn').fill(c.groupsDn);
    await page.locator('#f-name').fill(name);
    page.expectedFailures.push(new RegExp(`^${ctx.base}/admin/providers/new$`));
    await page.locator('form.provider-form button[type=submit]').click();
    await page.locator('#f-url-error').waitFor();
    ctx.expect(await page.locator('#f-url[aria-invalid="true"]').count() === 1, 'the address is marked');
    ctx.expect(await page.locator('#f-bind-password').inputValue() === '', 'the bind password is not sent back');
    ctx.expect(!(await page.content()).includes(c.bindPassword), 'the bind password is nowhere in the page');
    await ctx.shot(v, page, 'ldap-refused');

    // StartTLS with the directory's CA; the password typed again.
    await page.locator('#f-starttls').check();
    await page.locator('#f-ca-file').fill(c.caFile);
    await page.locator('#f-bind-password').fill(c.bindPassword);
    await ctx.shot(v, page, 'ldap-filled');
    await page.locator('form.provider-form button[type=submit]').click();
    await page.waitForURL((u) => /^\/admin\/providers\/[0-9a-f-]{36}$/.test(u.pathname));
    const id = new URL(page.url()).pathname.split('/').pop();
    created.push(id);
    ctx.expect(await page.locator('#f-bind-password').inputValue() === '', 'the page shows no password');
    await ctx.shot(v, page, 'ldap-created');

    await page.locator('form[action$="/test#test"] button').click();
    await page.locator('.checks').waitFor();
    const ok = await page.locator('.check-passed').count();
    const failed = await page.locator('.check-failed').count();
    ctx.expect(ok === 4 && failed === 0, `test connection: ${ok} passed, ${failed} failed`);
    passed.push(ok);
    await ctx.shot(v, page, 'ldap-test-passed');

    // An organization's admin sees the card disabled, with its reason.
    if (c.orgAdmin) {
      const theirs = await ctx.open(v, c.orgAdmin);
      await ctx.visit(v, theirs, '/admin/providers/new', 'ldap-choose-org-admin');
      ctx.expect(await theirs.locator('#kind-ldap:disabled').count() === 1, 'the LDAP card is disabled for an organization admin');
      ctx.expect((await theirs.locator('#kind-ldap-soon').innerText()).trim().length > 0, 'with its reason');
    }
  }
  return { created, passed };
});
