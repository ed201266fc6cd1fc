// The console's dashboard in both variants (see console_lib.mjs): it
// opens after the code step, and every chart carries a text alternative.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  let charts = true;
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin', 'dashboard');
    const missing = await page.evaluate(() => [...document.querySelectorAll('svg')]
      .filter((s) => !s.getAttribute('aria-labelledby') && !s.getAttribute('aria-label') && s.getAttribute('aria-hidden') !== 'true')
      .length);
    charts = charts && missing === 0;
  }
  return { charts };
});
