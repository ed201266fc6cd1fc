// "Choose your directory" on the hosted login page (S7) in Chromium (see
// console_lib.mjs), in both variants, signed out: the login page shows the
// directory's button, it leads to the directory's own form, a wrong
// password gets the one failure message, the plain directory name
// (config {directoryName, username, password}) signs in and lands on
// return_to. Any console error or CSP violation fails the run.
// Returns {signedIn: [path per variant]}.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const c = ctx.config;
  const signedIn = [];
  for (const v of ctx.variants) {
    const page = await ctx.bare(v);
    await ctx.visit(v, page, "/login?return_to=%2Faccount%2Fsecurity", 'directory-login-page');
    const button = page.locator('a[data-directory]', { hasText: c.directoryName });
    ctx.expect(await button.count() === 1, 'one button for the directory');
    await button.click();
    await page.waitForURL((u) => u.pathname.startsWith('/login/directory/'));
    ctx.expect(await page.locator('#directory-username[autocomplete="username"]').count() === 1, 'the username field');
    ctx.expect(await page.locator('#directory-password[autocomplete="current-password"]').count() === 1, 'the password field');
    ctx.expect(await page.locator('input[name=return_to]').inputValue() === '/account/security', 'return_to kept');
    await ctx.shot(v, page, 'directory-form');

    // A wrong password: the one failure message, the name kept.
    await page.locator('#directory-username').fill(c.username);
    await page.locator('#directory-password').fill('not-the-password');
    page.expectedFailures.push(/\/login\/directory\//);
    await page.locator('form button[type=submit]').click();
    await page.locator('.alert-error').waitFor();
    ctx.expect(await page.locator('#directory-username').inputValue() === c.username, 'the name is kept');
    await ctx.shot(v, page, 'directory-failed');

    await page.locator('#directory-password').fill(c.password);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    const landed = new URL(page.url()).pathname;
    ctx.expect(landed === '/account/security', `landed on ${landed}`);
    signedIn.push(landed);
    await ctx.shot(v, page, 'directory-signed-in');
  }
  return { signedIn };
});
