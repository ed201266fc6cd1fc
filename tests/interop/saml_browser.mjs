// A person signs in through a SAML IdP in Chromium, in both variants (see
// console_lib.mjs): Ostiary's login page → the provider's button → the
// IdP (pysaml2) auto-posts its response cross-site to our ACS → signed in
// on the account page. The binding cookie is SameSite=None: this is the
// check that a real browser sends it with the IdP's cross-site POST. Then
// single logout: our logout page → the IdP → our SLO endpoint → signed out.
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
    const signedIn = new URL(page.url()).pathname;
    // Single logout: our page → the IdP (pysaml2) → our SLO endpoint →
    // "signed out".
    await page.goto(`${ctx.base}/logout`);
    const slo = page.waitForResponse((r) => /\/saml\/[^/]+\/slo\?/.test(r.url()), { timeout: 30000 });
    await page.locator('form[action="/logout"] button[type="submit"]').click();
    const answer = await slo;
    await page.waitForURL((u) => u.pathname === '/logout', { timeout: 30000 });
    await page.waitForLoadState('load');
    await ctx.shot(v, page, 'saml-signed-out');
    const again = await page.locator('a[href^="/login"]').count();
    result[v.name] = { path: signedIn, slo: answer.status(), signedOut: again > 0 };
  }
  return result;
});
