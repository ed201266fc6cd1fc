// Replace (or append) one marked section of a Markdown file, so several
// benchmark scripts can share benches/RESULTS.md without overwriting each
// other's tables:
//   <!-- section:NAME -->
//   ...
//   <!-- /section:NAME -->
// Usage: node put_section.mjs FILE NAME < section.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [file, name] = process.argv.slice(2);
if (!name) {
  console.error('usage: node put_section.mjs FILE NAME < section.md');
  process.exit(2);
}
const body = readFileSync(0, 'utf8').trimEnd();
const open = `<!-- section:${name} -->`;
const close = `<!-- /section:${name} -->`;
const block = `${open}\n${body}\n${close}`;
const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
const start = text.indexOf(open);
const end = text.indexOf(close);
const next = start >= 0 && end > start
  ? text.slice(0, start) + block + text.slice(end + close.length)
  : `${text.trimEnd()}${text ? '\n\n' : ''}${block}\n`;
writeFileSync(file, next);
