// Shared driver of the admin console's browser tests (S8): headless
// Chromium (peers guide §5), an administrator signed in once with password
// and authenticator code (the console needs a second factor, SR-101), then
// every page visited in two variants — English at desktop width in light
// mode, German at phone width in dark mode — with a screenshot of each and
// any console error or CSP violation recorded as a failure.
//
// A script imports { run } and passes an async function (ctx) => result;
// ctx has: base, admin, variants, open(v) -> page (signed in), bare(v) ->
// page (signed out), shot(v, page, name), visit(v, page, path, name) (goto + expect 200 + shot), expect(cond,
// message), totp(). run() prints one JSON line {result, errors, shots} and
// exits 1 on any failure. Arguments: BASE SHOT_DIR CONFIG_JSON, where
// CONFIG_JSON is {admin: {email, password, secret, lastStep}, ...}.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export const VARIANTS = [
  { name: 'en-desktop', lang: 'en', locale: 'en-US', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  { name: 'de-phone', lang: 'de', locale: 'de-DE', viewport: { width: 390, height: 844 }, colorScheme: 'dark', mobile: true },
];

/** The TOTP code of `secretBase32` at 30-second `step`. */
export function totp(secretBase32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

/** A code for a step after the last one used (waits when it must). */
export async function nextTotp(user) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, (user.lastStep ?? -1) + 1);
    if (step <= now + 1) {
      user.lastStep = step;
      return totp(user.secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Sign `page` in as `user` through the login form and the code step. */
export async function signIn(page, base, user, target = '/admin') {
  await page.goto(`${base}${target}`);
  await page.locator('input[name=email]').fill(user.email);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('form[action="/login"] button[type=submit]').first().click();
  await page.waitForURL(/\/login\/mfa/);
  await page.locator('form[action="/login/mfa/totp"] input[name=code]').fill(await nextTotp(user));
  await page.locator('form[action="/login/mfa/totp"] button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

export async function run(body) {
  const [base, shots, configJson] = process.argv.slice(2);
  const config = JSON.parse(configJson ?? '{}');
  const report = { result: null, errors: [], shots: [] };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Storage state of the admin's session (a script run after another may
  // pass the first one's as config.signedIn, to skip signing in again).
  let signedIn = config.signedIn ?? null;
  const contexts = [];
  const watch = (page, where) => {
    page.expectedFailures = [];
    page.on('console', (m) => {
      const url = m.location()?.url ?? '';
      if (/^Failed to load resource/.test(m.text()) && page.expectedFailures.some((re) => re.test(url))) return;
      if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) {
        report.errors.push(`${where}: console ${m.type()}: ${m.text()} (${page.url()})`);
      }
    });
    page.on('pageerror', (e) => report.errors.push(`${where}: page error: ${e}`));
  };
  const ctx = {
    base,
    config,
    admin: config.admin,
    variants: VARIANTS,
    totp: nextTotp,
    /** A page of variant `v`; signed in as `user` (default: the admin). */
    async open(v, user = null) {
      const fresh = user !== null;
      const context = await browser.newContext({
        viewport: v.viewport, locale: v.locale, colorScheme: v.colorScheme,
        isMobile: !!v.mobile, hasTouch: !!v.mobile,
        storageState: fresh ? undefined : (signedIn ?? undefined),
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      contexts.push(context);
      const page = await context.newPage();
      watch(page, v.name);
      if (fresh) {
        await signIn(page, base, user);
      } else if (!signedIn) {
        await signIn(page, base, config.admin);
        signedIn = await context.storageState();
      }
      return page;
    },
    /** A page of variant `v` in a browser nobody signed in to. */
    async bare(v) {
      const context = await browser.newContext({
        viewport: v.viewport, locale: v.locale, colorScheme: v.colorScheme,
        isMobile: !!v.mobile, hasTouch: !!v.mobile,
      });
      contexts.push(context);
      const page = await context.newPage();
      watch(page, v.name);
      return page;
    },
    async shot(v, page, name) {
      const dir = path.join(shots, 'console', v.name);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      report.shots.push(path.relative(shots, file));
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== v.lang) throw new Error(`${name}: page language ${lang}, expected ${v.lang} (${page.url()})`);
    },
    async visit(v, page, pathname, name) {
      const res = await page.goto(`${base}${pathname}`);
      if (res.status() !== 200) throw new Error(`${pathname}: status ${res.status()}`);
      await ctx.shot(v, page, name);
      return res;
    },
    expect(cond, message) {
      if (!cond) throw new Error(`expectation failed: ${message}`);
    },
  };
  let failed = null;
  try {
    report.result = await body(ctx);
  } catch (e) {
    failed = e;
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close();
  }
  console.log(JSON.stringify(report));
  if (failed) {
    console.error(failed.stack ?? String(failed));
    process.exit(1);
  }
  if (report.errors.length) {
    console.error(report.errors.join('\n'));
    process.exit(1);
  }
}
