// Webhooks in the console, in both variants (see console_lib.mjs): make a
// subscription with event groups and a typed action, see its secret once,
// copy it, find it masked on its page, open the delete confirmation, and
// replay a dead letter on the superuser's dead-letter page.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const result = {};
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    const seen = {};

    await ctx.visit(v, page, '/admin/webhooks', 'webhooks');
    await page.locator('.page-head a[href="/admin/webhooks/new"]').click();
    await page.waitForURL(/\/admin\/webhooks\/new$/);
    await ctx.shot(v, page, 'webhook-new');
    await page.locator('#hook-name').fill(`SIEM (${v.name})`);
    await page.locator('#hook-url').fill(ctx.config.url);
    await page.locator('input[name=event][value="client.*"]').check();
    await page.locator('input[name=event][value="user.*"]').check();
    await page.locator('#hook-other').fill('login.failure');
    await page.locator('form[action="/admin/webhooks"] button[type=submit]').click();
    await page.waitForSelector('#webhook-secret');
    const secret = (await page.locator('#webhook-secret').textContent()).trim();
    seen.secret = secret;

    const copy = page.locator('button[data-copy="webhook-secret"]');
    ctx.expect(await copy.isVisible(), 'the copy button shows with a clipboard');
    await copy.click();
    await page.waitForFunction(() => document.getElementById('webhook-secret-status').textContent.length > 0);
    seen.copied = (await page.evaluate(() => navigator.clipboard.readText())) === secret;
    await ctx.shot(v, page, 'webhook-secret');

    // Its page: the secret masked, the edit form, rotate and delete.
    await page.locator('a.button-primary[href^="/admin/webhooks/"]').click();
    await page.waitForURL(/\/admin\/webhooks\/[0-9a-f-]+$/);
    seen.shown_again = (await page.content()).includes(secret);
    ctx.expect(await page.locator('input[name=event][value="client.*"]').isChecked(), 'the group stays checked');
    await ctx.shot(v, page, 'webhook');
    await page.locator('details.confirm summary.button-danger').click();
    await ctx.shot(v, page, 'webhook-delete-confirm');

    // The dead letters: replay the first.
    await ctx.visit(v, page, '/admin/webhook-deliveries', 'dead-letters');
    await page.locator('form[action$="/replay"] button[type=submit]').first().click();
    await page.waitForURL(/notice=webhook_replayed/);
    seen.replayed = true;
    await ctx.shot(v, page, 'dead-letters-replayed');
    result[v.name] = seen;
  }
  return result;
});
