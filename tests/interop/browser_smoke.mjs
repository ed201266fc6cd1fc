// Drives a real headless Chromium through Ostiary's hosted pages:
// first-run setup, account page, sign out, failed and successful sign-in.
// Usage: node browser_smoke.mjs BASE_URL SCREENSHOT_DIR
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
const password = 'correct horse battery staple';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const seen = {};
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + '/');
  seen.firstPage = new URL(page.url()).pathname;
  await page.screenshot({ path: `${shots}/setup.png` });
  // Labels lead to their inputs (accessible forms).
  await page.getByLabel('Email address').fill('ada@example.com');
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.waitForLoadState();
  seen.afterSetup = new URL(page.url()).pathname;
  seen.accountShowsEmail = (await page.content()).includes('ada@example.com');
  await page.screenshot({ path: `${shots}/account.png`, fullPage: true });
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-ostiary_session');
  seen.cookie = session ? { httpOnly: session.httpOnly, secure: session.secure, sameSite: session.sameSite, path: session.path } : null;

  await page.goto(base + '/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState();
  seen.loggedOut = (await page.content()).includes('signed out');
  await page.goto(base + '/account');
  seen.accountAfterLogout = new URL(page.url()).pathname;

  await page.getByLabel('Email address').fill('ada@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  seen.failedMessage = (await page.getByRole('alert').textContent())?.trim();
  await page.screenshot({ path: `${shots}/login-failed.png` });
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  seen.afterLogin = new URL(page.url()).pathname;
  console.log(JSON.stringify(seen));
} catch (e) {
  console.log(JSON.stringify(seen));
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
