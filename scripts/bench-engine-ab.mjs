// Engine speed A/B (a report, not a test): for several builds, one page each, runs the generated
// 40-model file (as scripts/bench-page.mjs makes it) REPEATS times per page, alternating the pages,
// and reports the engine's run time (<body data-run-ms>): its minimum, first quartile and median.
// Many runs: the first ones run before the browser's optimising compiler has taken over, and a
// busy machine adds noise that the minimum and the quartile resist.
// Usage: node scripts/bench-engine-ab.mjs REPEATS DIST_A [DIST_B ...]
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/serve.mjs';
const n = Number(process.argv[2]);
const dirs = process.argv.slice(3);
const servers = await Promise.all(dirs.map((root) => serve(root)));
const bases = servers.map((s) => s.base);
function fortyModels() {
  let s = 'from app import db\n\n';
  for (let i = 0; i < 40; i++) {
    s += `\nclass Model${i}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(80), unique=True, nullable=False)\n    note = db.Column(db.Text)\n`;
    if (i > 0) s += `    parent_id = db.Column(db.Integer, db.ForeignKey('model${Math.floor(i / 2)}.id'))\n    parent = db.relationship('Model${Math.floor(i / 2)}', backref='children${i}')\n`;
  }
  return s;
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const pages = [];
for (const b of bases) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(b);
  await page.waitForSelector('[data-table="user"]');
  await page.waitForFunction(() => window.FspEditor && window.FspEditor.current);
  await page.evaluate((t) => { const v = window.FspEditor.current; v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } }); }, fortyModels());
  await page.waitForFunction(() => document.querySelectorAll('#panel-tables .table-card').length === 40, null, { timeout: 60000 });
  pages.push(page);
}
const res = dirs.map(() => []);
for (let i = 0; i < n; i++) for (let d = 0; d < dirs.length; d++) {
  const ms = await pages[d].evaluate(async (i) => {
    const v = window.FspEditor.current; v.dispatch({ changes: { from: v.state.doc.length, insert: `\n# ${i}` } });
    document.querySelector('#run').click();
    await new Promise((r) => setTimeout(r, 0));
    return Number(document.body.dataset.runMs);
  }, i);
  res[d].push(ms);
}
const s = (xs) => [...xs].sort((a, b) => a - b);
for (let d = 0; d < dirs.length; d++) { const x = s(res[d]); console.log(`${dirs[d]}: engine 40 models min ${x[0].toFixed(1)} p25 ${x[Math.floor(x.length / 4)].toFixed(1)} median ${x[Math.floor(x.length / 2)].toFixed(1)} ms`); }
await browser.close();
await Promise.all(servers.map((s) => s.stop()));
