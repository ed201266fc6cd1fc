// Branding an organization in the console, in both variants (see
// console_lib.mjs): display name and colours, a logo uploaded from a PNG
// made here, a refused colour shown next to its field, then the sign-in
// page of the organization's application with its logo and colours.
// Config: {org, authorize} (the organization's id, an /authorize path of
// its application).
import zlib from 'node:zlib';
import { run } from './console_lib.mjs';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 240×64 RGBA PNG: a round mark and three bars, in `rgb`. */
function logoPng([r, g, b]) {
  const [w, h] = [240, 64];
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y += 1) {
    raw[y * (w * 4 + 1)] = 0;
    for (let x = 0; x < w; x += 1) {
      const mark = (x - 32) ** 2 + (y - 32) ** 2 <= 26 ** 2;
      const bar = x >= 72 && x < 72 + [150, 110, 130][Math.min(2, Math.floor((y - 14) / 13))]
        && y >= 14 && y < 50 && (y - 14) % 13 < 9;
      const at = y * (w * 4 + 1) + 1 + x * 4;
      raw[at] = r; raw[at + 1] = g; raw[at + 2] = b;
      raw[at + 3] = mark || bar ? 255 : 0;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

await run(async (ctx) => {
  const { org, authorize } = ctx.config;
  const result = {};
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    const seen = {};
    await ctx.visit(v, page, '/admin/branding', 'branding');
    await page.locator(`.cell-action a[href="/admin/branding/${org}"]`).click();
    await page.waitForURL(new RegExp(`/admin/branding/${org}$`));
    await ctx.shot(v, page, 'branding-edit');

    // A colour that is not #rrggbb is refused next to its field (422).
    page.expectedFailures.push(new RegExp(`/admin/branding/${org}$`));
    await page.locator('#brand-primary').fill('green');
    await page.locator(`form[action="/admin/branding/${org}"] button[type=submit]`).click();
    await page.waitForSelector('#brand-primary-error');
    ctx.expect(await page.locator('#brand-primary').getAttribute('aria-invalid') === 'true', 'the field is marked');
    await ctx.shot(v, page, 'branding-invalid');

    await page.locator('#brand-name').fill('Acme Corporation');
    await page.locator('#brand-primary').fill('#0b6e4f');
    await page.locator('#brand-accent').fill('#f2a541');
    await page.locator(`form[action="/admin/branding/${org}"] button[type=submit]`).click();
    await page.waitForURL(/notice=branding_saved/);

    await page.locator('#brand-logo').setInputFiles({
      name: 'acme.png', mimeType: 'image/png', buffer: logoPng([11, 110, 79]),
    });
    await page.locator(`form[action="/admin/branding/${org}/logo"] button[type=submit]`).click();
    await page.waitForURL(/notice=logo_saved/);
    await page.waitForFunction(() => {
      const img = document.querySelector('.brand-preview img');
      return img && img.complete && img.naturalWidth === 240;
    });
    await ctx.shot(v, page, 'branding-saved');
    await ctx.visit(v, page, '/admin/branding', 'branding-overview');

    // The organization's application's sign-in page carries the brand.
    await page.goto(`${ctx.base}/login?force=1&return_to=${encodeURIComponent(authorize)}`);
    await page.waitForFunction(() => {
      const img = document.querySelector('img.brand-logo');
      return img && img.complete;
    });
    seen.logo_shown = await page.evaluate(() => document.querySelector('img.brand-logo').naturalWidth === 240);
    seen.themed = await page.evaluate(() => !!document.querySelector('link[rel=stylesheet][href*="/theme.css"]'));
    seen.button = await page.evaluate(() => getComputedStyle(document.querySelector('.button-primary')).backgroundColor);
    await ctx.shot(v, page, 'branded-login');
    result[v.name] = seen;
  }
  return result;
});
