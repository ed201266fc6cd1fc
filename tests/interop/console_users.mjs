// The console's users area in both variants (see console_lib.mjs): the
// list with search as you type, creating a user (a field error first),
// the user's page, disabling and enabling through the no-script
// confirmation, resetting a lost authenticator, and the edit and invite
// forms. Every page must fit the viewport (no sideways scrolling at phone
// width). Returns how many users it created.
import { run } from './console_lib.mjs';

/** Fail when the page scrolls sideways. */
async function fits(ctx, page, name) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  ctx.expect(wide <= 1, `${name}: ${wide}px wider than the viewport`);
}

async function snap(ctx, v, page, name) {
  await fits(ctx, page, name);
  await ctx.shot(v, page, name);
}

await run(async (ctx) => {
  let created = 0;
  for (const v of ctx.variants) {
    const page = await ctx.open(v);

    // The list, then search as you type (no button pressed).
    await ctx.visit(v, page, '/admin/users', 'users-list');
    await fits(ctx, page, 'users-list');
    ctx.expect(await page.locator('table.users-table tbody tr').count() >= 5, 'the list shows the users');
    await page.locator('#users-q').fill('grace');
    await page.waitForURL(/[?&]q=grace/);
    ctx.expect(await page.locator('table.users-table tbody tr').count() === 1, 'one match for "grace"');
    ctx.expect(await page.locator('table.users-table').innerText().then((t) => t.includes('grace@acme.test')), 'grace found');
    await snap(ctx, v, page, 'users-search');

    // Create a user: a bad address first, shown next to its field.
    await page.locator('a[href="/admin/users/new"]').first().click();
    await page.waitForURL(/\/admin\/users\/new$/);
    await page.locator('#new-email').fill('not an address');
    page.expectedFailures.push(/\/admin\/users\/new$/); // the 422 of a field error
    await page.locator('form[action="/admin/users/new"] button[type=submit]').click();
    await page.waitForLoadState();
    ctx.expect(await page.locator('#new-email-error').isVisible(), 'the address error shows');
    ctx.expect(await page.locator('#new-email').getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    await snap(ctx, v, page, 'user-new-error');
    const email = `new-${v.lang}@acme.test`;
    await page.locator('#new-email').fill(email);
    await page.locator('#new-name').fill(v.lang === 'de' ? 'Neue Person' : 'New Person');
    await page.locator('#form-organization').selectOption({ label: 'Acme' });
    await page.locator('#form-role').selectOption('admin');
    await page.locator('form[action="/admin/users/new"] button[type=submit]').click();
    await page.waitForURL(/\/admin\/users\/[^/?]+\?notice=user_created$/);
    ctx.expect(await page.locator('.notice-success').isVisible(), 'created notice');
    created += 1;
    await snap(ctx, v, page, 'user-created');

    // Find the person who lost their authenticator and open their page.
    await page.goto(`${ctx.base}/admin/users`);
    await page.locator('#users-q').fill(`mfa-${v.lang}`);
    await page.waitForURL(new RegExp(`[?&]q=mfa-${v.lang}`));
    await page.locator('a.users-link').first().click();
    await page.waitForURL(/\/admin\/users\/[^/?]+$/);
    const userPage = page.url();
    await snap(ctx, v, page, 'user-page');

    // Disable through the confirmation, then enable (now the first action).
    await page.locator('#confirm-disable > summary').click();
    ctx.expect(await page.locator('#confirm-disable form button').isVisible(), 'the confirmation opens');
    await snap(ctx, v, page, 'user-disable-confirm');
    await page.locator('#confirm-disable form button').click();
    await page.waitForURL(/notice=user_disabled$/);
    const enable = page.locator('form[action$="/enable"] button');
    ctx.expect(await enable.isVisible(), 'enable is offered');
    await snap(ctx, v, page, 'user-disabled');
    await enable.click();
    await page.waitForURL(/notice=user_enabled$/);

    // Reset MFA: the factors are gone.
    await page.locator('#confirm-reset-mfa > summary').click();
    await page.locator('#confirm-reset-mfa form button').click();
    await page.waitForURL(/notice=user_mfa_reset$/);
    ctx.expect(await page.locator('#confirm-reset-mfa').count() === 0, 'nothing left to reset');
    await snap(ctx, v, page, 'user-mfa-reset');

    // The edit and invite forms.
    await ctx.visit(v, page, `${new URL(userPage).pathname}/edit`, 'user-edit');
    await fits(ctx, page, 'user-edit');
    await ctx.visit(v, page, '/admin/users/invite', 'users-invite');
    await fits(ctx, page, 'users-invite');
  }
  return { created };
});
