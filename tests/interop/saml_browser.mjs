// A person signs in through a SAML IdP in Chromium, in both variants (see
// console_lib.mjs): Ostiary's login page → the provider's button → the
// IdP (pysaml2) auto-posts its response cross-site to our ACS → signed in
// on the account page. The binding cookie is SameSite=None: this is the
// check that a real browser sends it with the IdP's cross-site POST.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const result = {};
  for (const v of ctx.variants) {
    const page = await ctx.bare(v);
    await page.goto(`${ctx.base}/login?return_to=%2Faccount`);
    await ctx.shot(v, page, 'saml-login');
    const button = page.locator(`a[href^="/login/providers/${ctx.config.provider}"]`);
    ctx.expect(await button.count() === 1, 'the SAML provider has a button');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/account', { timeout: 30000 }),
      button.click(),
    ]);
    await ctx.shot(v, page, 'saml-signed-in');
    result[v.name] = { path: new URL(page.url()).pathname };
  }
  return result;
});
