// Passkeys end to end in headless Chromium with a CDP virtual authenticator
// (peers guide §5): password sign-in, register a passkey on
// /account/passkeys, sign out, then sign in with the passkey alone, and
// finally with password + passkey as the second step.
// Usage: node passkeys.mjs BASE_URL SCREENSHOT_DIR EMAIL PASSWORD
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { chromium } from 'playwright-core';

const [base, shots, email, password] = process.argv.slice(2);
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
  page.on('pageerror', (e) => { seen.pageError = String(e); });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });

  // 1. Password sign-in.
  await page.goto(base + '/login');
  seen.passkeyButtonVisible = await page.getByRole('button', { name: 'Use a passkey' }).isVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/account');

  // 2. Register a passkey.
  await page.goto(base + '/account/passkeys');
  await page.getByLabel('Passkey name').fill('Test laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  // The account's first factor comes with its backup codes, shown once.
  await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor({ timeout: 15000 });
  seen.backupCodesShown = await page.locator('.code-list li').count();
  await page.getByRole('link', { name: 'I have saved my codes' }).click();
  await page.waitForURL((u) => u.search.includes('notice=added'), { timeout: 15000 });
  seen.afterRegister = new URL(page.url()).pathname;
  seen.listed = (await page.locator('table').textContent())?.includes('Test laptop') ?? false;
  await page.screenshot({ path: `${shots}/passkeys.png`, fullPage: true });
  await page.screenshot({ path: '/tmp/ostiary-passkeys.png', fullPage: true });
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  seen.credentials = credentials.length;
  seen.resident = credentials.every((c) => c.isResidentCredential);

  // 3. Sign out.
  await page.goto(base + '/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState();
  await page.goto(base + '/account');
  seen.accountAfterLogout = new URL(page.url()).pathname;

  // 4. Passwordless sign-in with the passkey; keep the posted assertion and
  //    cookies so the test can try to replay them.
  const posted = new Promise((resolve) => {
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/login/passkey') {
        req.headerValue('cookie').then((cookie) => resolve({ form: req.postData(), cookie }));
      }
    });
  });
  await page.screenshot({ path: `${shots}/login-with-passkey.png` });
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  seen.replay = await posted;
  await page.waitForURL((u) => u.pathname === '/account', { timeout: 15000 });
  seen.afterPasskeyLogin = new URL(page.url()).pathname;
  seen.accountShowsEmail = (await page.content()).includes(email);
  await page.goto(base + '/account/passkeys');
  seen.lastUsedShown = !(await page.locator('table').textContent())?.includes('Never');
  await page.screenshot({ path: `${shots}/passkeys-after-login.png`, fullPage: true });
  // 5. Password + passkey: with a passkey enrolled, the password alone no
  //    longer signs in; the second step asks for the passkey.
  await page.goto(base + '/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState();
  await page.goto(base + '/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/login/mfa');
  seen.secondStep = new URL(page.url()).pathname;
  await page.screenshot({ path: `${shots}/mfa-passkey.png`, fullPage: true });
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await page.waitForURL((u) => u.pathname === '/account', { timeout: 15000 });
  seen.afterSecondFactor = new URL(page.url()).pathname;

  // The credential (with its private key) for the second-factor check.
  seen.credential = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0];
  console.log(JSON.stringify(seen));
} catch (e) {
  console.log(JSON.stringify(seen));
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
