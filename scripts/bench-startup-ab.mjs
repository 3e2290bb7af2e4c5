// Start-up A/B (a report, not a test): loads several builds in turn, alternating, in headless
// Chromium, and reports for each the time from navigation to an interactive page with the
// tutorial's tables (as scripts/bench-page.mjs measures it) and the CPU time the page's main
// thread and its worker threads (wasm and JavaScript compilation) spent until then, read from a
// Chrome trace. On a busy machine wall-clock times swing by hundreds of ms from one load to the
// next; alternating the builds spreads that noise over all of them, and CPU time is much less
// disturbed by it.
// Usage: node scripts/bench-startup-ab.mjs REPEATS DIST_A [DIST_B ...]
import { chromium } from 'playwright-core';
import { watchReady } from './ready.mjs';
import { serve, warmUp } from '../tests/e2e/serve.mjs';

const repeats = Number(process.argv[2]);
const dirs = process.argv.slice(3);
if (!repeats || !dirs.length) {
  console.error('usage: node scripts/bench-startup-ab.mjs REPEATS DIST_A [DIST_B ...]');
  process.exit(2);
}
const servers = await Promise.all(dirs.map((root) => serve(root)));
const bases = servers.map((s) => s.base);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : [])],
});
// One unmeasured load first: right after it starts, the browser loads its own pages (the omnibox
// popup's WebUI, about 200 chrome:// requests, seen in the trace) on the same two cores, which
// slowed the first round's loads by hundreds of ms.
await warmUp(browser, bases[0]);
const wall = dirs.map(() => []), editor = dirs.map(() => []), main = dirs.map(() => []), workers = dirs.map(() => []), firstRun = dirs.map(() => []);
for (let i = 0; i < repeats; i++) {
  for (let d = 0; d < dirs.length; d++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
    await page.addInitScript(watchReady);
    await page.goto(bases[d]);
    await page.waitForFunction(() => window.fspReadyAt && window.fspEditorAt, null, { timeout: 60000, polling: 50 });
    const [readyAt, editorAt, runMs] =
      await page.evaluate(() => [window.fspReadyAt, window.fspEditorAt, Number(document.body.dataset.runMs)]);
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    await context.close();
    const t0 = Math.min(...events.filter((e) => e.name === 'navigationStart').map((e) => e.ts));
    const t1 = t0 + readyAt * 1000;
    const renderers = events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
    const mainThreads = new Set(renderers.map((e) => `${e.pid}:${e.tid}`));
    const pids = new Set(renderers.map((e) => e.pid));
    // CPU time of the outermost slices (tasks, microtask checkpoints, ...) on the main thread.
    let mainCpu = 0, workerCpu = 0, end = 0;
    const onMain = events.filter((e) => e.ph === 'X' && e.ts >= t0 && e.ts <= t1 && mainThreads.has(`${e.pid}:${e.tid}`))
      .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    for (const e of onMain) {
      if (e.ts < end) continue;
      mainCpu += e.tdur || 0;
      end = e.ts + (e.dur || 0);
    }
    for (const e of events) {
      if (e.ph === 'X' && e.ts >= t0 && e.ts <= t1 && pids.has(e.pid) && e.name === 'ThreadPool_RunTask') workerCpu += e.tdur || 0;
    }
    wall[d].push(readyAt);
    editor[d].push(editorAt);
    main[d].push(mainCpu / 1000);
    workers[d].push(workerCpu / 1000);
    firstRun[d].push(runMs);
  }
}
await browser.close();
await Promise.all(servers.map((s) => s.stop()));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
// The first quartile too: the quieter loads compare better when other builds share the cores.
const q1 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 4)]; };
const list = (xs) => xs.map((t) => t.toFixed(0)).join(' ');
for (let d = 0; d < dirs.length; d++) {
  console.log(`${dirs[d]}:`);
  console.log(`  navigation → interactive: median ${median(wall[d]).toFixed(0)} ms, q1 ${q1(wall[d]).toFixed(0)} ms (${list(wall[d])})`);
  console.log(`  navigation → CodeMirror in place: median ${median(editor[d]).toFixed(0)} ms (${list(editor[d])})`);
  console.log(`  main-thread CPU until then: median ${median(main[d]).toFixed(0)} ms, q1 ${q1(main[d]).toFixed(0)} ms (${list(main[d])})`);
  console.log(`  worker-thread CPU until then: median ${median(workers[d]).toFixed(0)} ms; first run ${median(firstRun[d]).toFixed(1)} ms`);
}
