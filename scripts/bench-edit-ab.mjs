// Edit → update for the tutorial project, A/B (a report, not a test): one page per build, open
// side by side in headless Chromium, one-character edit + Run iterations alternated between
// them (as scripts/bench-page.mjs times them), so that the machine's load falls on all builds
// alike. Reports the medians: to the painted frame (which includes waiting for that frame), the
// work alone (the run, the page's updates and their layout) and the engine's run.
// Usage: node scripts/bench-edit-ab.mjs ITERATIONS DIST_A [DIST_B ...]
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/serve.mjs';
import { timeEdit } from './edit-timing.mjs';
const iters = Number(process.argv[2]); const dirs = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const pages = [], servers = [];
for (const root of dirs) {
  const server = await serve(root);
  servers.push(server);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base);
  await page.waitForSelector('[data-table="user"]', { timeout: 60000 });
  pages.push(page);
}
await new Promise((r) => setTimeout(r, 1500));
const res = dirs.map(() => []);
for (let i = 0; i < iters + 3; i++) for (let d = 0; d < dirs.length; d++) { const r = await timeEdit(pages[d], i); if (i >= 3) res[d].push(r); }
// The median, and the first quintile: other builds on this machine's two cores make the
// median swing by several ms from one sitting to the next; the quieter runs compare better.
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length * q)]; };
const both = (xs) => `${quantile(xs, 0.5).toFixed(1)} ms (p20 ${quantile(xs, 0.2).toFixed(1)})`;
for (let d = 0; d < dirs.length; d++) console.log(`${dirs[d]}: frame ${both(res[d].map((r) => r.frame))}, work ${both(res[d].map((r) => r.work))}, engine ${both(res[d].map((r) => r.engine))} (${iters} runs)`);
await browser.close();
for (const s of servers) await s.stop();
