// A provider's group → role rules in the console (S7, SR-133) in Chromium
// (see console_lib.mjs), in both variants: the section on the provider's
// page, a rule naming no existing organization refused with its line
// number next to the field (nothing saved), then the rules saved and
// shown again one a line. config {providerId}.
// Returns {saved: [the textarea's value after saving, per variant]}.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const c = ctx.config;
  const saved = [];
  const path = `/admin/providers/${c.providerId}`;
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, path, 'group-roles-page');
    const rules = page.locator('#f-group-roles');
    ctx.expect(await rules.count() === 1, 'the rules field');
    ctx.expect((await page.locator('label[for="f-group-roles"]').innerText()).trim().length > 0, 'with a label');

    // The third line names no organization that exists: refused, with its
    // line (blank lines count), and the field marked.
    await rules.fill('admins = Acme:admin\n\nstaff = Nowhere:member');
    page.expectedFailures.push(new RegExp(`^${ctx.base}${path}$`));
    await page.locator('form.provider-form button[type=submit]').click();
    await page.locator('#f-group-roles-error').waitFor();
    const error = await page.locator('#f-group-roles-error').innerText();
    const line = v.lang === 'de' ? 'Zeile 3:' : 'Line 3:';
    ctx.expect(error.includes(line), `the error names its line: ${error}`);
    ctx.expect(await page.locator('#f-group-roles[aria-invalid="true"]').count() === 1, 'the field is marked');
    ctx.expect((await rules.inputValue()).includes('Nowhere'), 'what was typed is shown again');
    await ctx.shot(v, page, 'group-roles-refused');

    await rules.fill(`admins = Acme:admin\nstaff-${v.name} = Acme:member`);
    await page.locator('form.provider-form button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === path && u.searchParams.get('notice') === 'provider_saved');
    saved.push(await page.locator('#f-group-roles').inputValue());
    await ctx.shot(v, page, 'group-roles-saved');
  }
  return { saved };
});
