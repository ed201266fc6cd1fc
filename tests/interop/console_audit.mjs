// The audit log in the console, in both variants (see console_lib.mjs):
// filter to failed sign-ins, open an event and its session's events,
// follow "everything from this address", verify the chain, export the
// log as CSV and download a checkpoint.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const result = {};
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    const seen = {};
    // A failed sign-in to find, in a browser of its own.
    const stranger = await ctx.bare(v);
    stranger.expectedFailures.push(/\/login$/); // 401: the wrong password
    await stranger.goto(`${ctx.base}/login`);
    await stranger.locator('form[action="/login"] input[name=email]').fill(ctx.admin.email);
    await stranger.locator('form[action="/login"] input[name=password]').fill('not the password');
    await stranger.locator('form[action="/login"] button[type=submit]').click();
    await stranger.waitForLoadState('load');

    await ctx.visit(v, page, '/admin/audit', 'audit');
    await page.locator('#audit-action').fill('login.failure');
    await page.locator('#audit-outcome').selectOption('failure');
    await page.locator('form.audit-filters button[type=submit]').click();
    await page.waitForURL(/action=login.failure/);
    const actions = await page.locator('.audit-table tbody td:nth-child(2) code').allTextContents();
    seen.filtered_only_failures = actions.length > 0 && actions.every((a) => a === 'login.failure');
    await ctx.shot(v, page, 'audit-filtered');

    // Open the admin's own sign-in: its request and its session.
    await page.goto(`${ctx.base}/admin/audit?action=login.success&outcome=success`);
    await page.locator('.audit-table tbody tr').first().locator('a').first().click();
    await page.waitForURL(/\/admin\/audit\/[0-9a-f-]+$/);
    seen.event_opened = (await page.locator('h1 code').textContent()) === 'login.success'
      && await page.locator('#same-request').isVisible()
      && await page.locator('#same-session').isVisible();
    await ctx.shot(v, page, 'audit-event');
    await page.locator('a[href^="/admin/audit?ip="]').click();
    await page.waitForURL(/ip=/);
    await ctx.shot(v, page, 'audit-by-address');

    // Verify the chain.
    await page.locator('form[action="/admin/audit/verify"] button[type=submit]').click();
    await page.waitForSelector('#verify-result');
    seen.verified = await page.locator('#verify-result.notice-success').isVisible();
    await ctx.shot(v, page, 'audit-verified');

    // Download what the filters show, and a signed checkpoint.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    seen.exported = /^audit-events-\d{8}T\d{6}Z\.csv$/.test(csv.suggestedFilename());
    const [cp] = await Promise.all([page.waitForEvent('download'), page.locator('#download-checkpoint').click()]);
    seen.checkpoint = /^audit-checkpoint-\d+\.jwt$/.test(cp.suggestedFilename());
    result[v.name] = seen;
  }
  return result;
});
