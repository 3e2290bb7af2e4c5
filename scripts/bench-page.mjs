// Benchmark (a report, not a test): serves dist/ on 127.0.0.1 and measures in headless Chromium
//   1. first-load transfer: every response the page loads, gzip -9 (what a server with gzip sends);
//   2. navigation to an interactive page with the tutorial's tables shown;
//   3. edit-to-update: from a change of models.py to the tables painted, for the tutorial project
//      and for a generated 40-model file (measured from the Run click, which skips the editor's
//      debounce; the engine's own time for the run is reported too).
// Usage: node scripts/bench-page.mjs [dist] [repeats]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { watchReady } from './ready.mjs';
import { serve } from '../tests/e2e/serve.mjs';
import { timeEdit } from './edit-timing.mjs';

const root = process.argv[2] || 'dist';
const repeats = Number(process.argv[3] || 5);
const server = await serve(root);
const { base } = server;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// 1. Transfer.
{
  const page = await browser.newPage();
  const loaded = new Set();
  page.on('response', (r) => loaded.add(new URL(r.url()).pathname));
  await page.goto(base);
  await page.waitForSelector('[data-table="user"]', { timeout: 60000 });
  // CodeMirror's bundle loads once the first results are painted: counted too.
  await page.waitForSelector('.cm-content', { timeout: 60000 });
  let total = 0;
  console.log('first load, gzip -9 of each response:');
  for (const p of [...loaded].sort()) {
    const body = await readFile(join(root, p === '/' ? 'index.html' : p));
    const gz = gzipSync(body, { level: 9 }).length;
    total += gz;
    console.log(`  ${String(gz).padStart(8)}  ${p}  (raw ${body.length})`);
  }
  console.log(`  ${String(total).padStart(8)}  total (${(total / 1024).toFixed(1)} KiB; budget 1 MB)`);
  await page.close();
}

// 2. Navigation to interactive with the tutorial's tables shown (fresh context: no saved project).
{
  const times = [], editor = [];
  for (let i = 0; i < repeats; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(watchReady);
    await page.goto(base);
    // The first animation frame in which the page is ready, timed in the page (not when the
    // answer reaches this script, which adds the DevTools protocol's round trip).
    await page.waitForFunction(() => window.fspReadyAt && window.fspEditorAt, null, { timeout: 60000, polling: 50 });
    const [ready, cm] = await page.evaluate(() => [window.fspReadyAt, window.fspEditorAt]);
    times.push(ready);
    editor.push(cm);
    await context.close();
  }
  console.log(`navigation → interactive with tables shown: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`navigation → CodeMirror in place: median ${median(editor).toFixed(0)} ms (runs: ${editor.map((t) => t.toFixed(0)).join(', ')})`);
}

// 3. Edit to update.
function fortyModels() {
  let s = 'from app import db\n\n';
  for (let i = 0; i < 40; i++) {
    s += `\nclass Model${i}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(80), unique=True, nullable=False)\n    note = db.Column(db.Text)\n`;
    if (i > 0) {
      s += `    parent_id = db.Column(db.Integer, db.ForeignKey('model${Math.floor(i / 2)}.id'))\n`;
      s += `    parent = db.relationship('Model${Math.floor(i / 2)}', backref='children${i}')\n`;
    }
  }
  return s;
}
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('[data-table="user"]', { timeout: 60000 });
  await page.waitForSelector('.cm-content', { timeout: 60000 });
  const tutorialModels = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  async function measure(label, text, expectTables) {
    await page.evaluate((t) => {
      const view = window.FspEditor.current;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
    }, text);
    await page.waitForFunction((n) => document.querySelectorAll('#panel-tables .table-card').length === n, expectTables, { timeout: 60000 });
    const clicks = [], engine = [], work = [];
    for (let i = 0; i < repeats; i++) {
      const r = await timeEdit(page, i);
      clicks.push(r.frame);
      engine.push(r.engine);
      work.push(r.work);
    }
    console.log(`edit → update, ${label}: median ${median(clicks).toFixed(1)} ms to the painted frame, ` +
      `${median(work).toFixed(1)} ms of work (engine run ${median(engine).toFixed(1)} ms, then the page's updates and layout) ` +
      `(typing adds the ${350} ms debounce)`);
  }
  await measure('tutorial project (2 tables)', tutorialModels, 2);
  await measure('generated 40-model file', fortyModels(), 40);
  await context.close();
}
await browser.close();
await server.stop();
