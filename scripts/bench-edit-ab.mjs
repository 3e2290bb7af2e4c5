// Edit → update for the tutorial project, A/B (a report, not a test): one page per build, open
// side by side in headless Chromium, one-character edit + Run iterations alternated between
// them (as scripts/bench-page.mjs times them), so that the machine's load falls on all builds
// alike. Reports the medians: to the painted frame (which includes waiting for that frame), the
// work alone (the run, the page's updates and their layout) and the engine's run.
// Usage: node scripts/bench-edit-ab.mjs ITERATIONS DIST_A [DIST_B ...]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
const iters = Number(process.argv[2]); const dirs = process.argv.slice(3);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const pages = [];
for (const root of dirs) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try { const body = await readFile(join(root, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': types[extname(path)] || 'text/html' }); res.end(body); } catch { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r)); server.unref();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('[data-table="user"]', { timeout: 60000 });
  pages.push(page);
}
const once = (page, i) => page.evaluate(async (i) => {
  const view = window.FspEditor.current;
  view.dispatch({ changes: { from: view.state.doc.length, insert: `\n# edit ${i}` } });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const t0 = performance.now();
  document.querySelector('#run').click();
  await Promise.resolve();
  await new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
  document.body.getBoundingClientRect();
  const t1 = performance.now();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [performance.now() - t0, t1 - t0, Number(document.body.dataset.runMs)];
}, i);
await new Promise((r) => setTimeout(r, 1500));
const res = dirs.map(() => []);
for (let i = 0; i < iters + 3; i++) for (let d = 0; d < dirs.length; d++) { const r = await once(pages[d], i); if (i >= 3) res[d].push(r); }
// The median, and the first quintile: other builds on this machine's two cores make the
// median swing by several ms from one sitting to the next; the quieter runs compare better.
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length * q)]; };
const both = (xs) => `${quantile(xs, 0.5).toFixed(1)} ms (p20 ${quantile(xs, 0.2).toFixed(1)})`;
for (let d = 0; d < dirs.length; d++) console.log(`${dirs[d]}: frame ${both(res[d].map((r) => r[0]))}, work ${both(res[d].map((r) => r[1]))}, engine ${both(res[d].map((r) => r[2]))} (${iters} runs)`);
await browser.close();
