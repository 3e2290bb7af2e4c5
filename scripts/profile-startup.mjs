// Where a page load's time goes (a report, not a test): loads the page in headless Chromium with
// a trace that includes V8's sampling profiler, and prints, for each phase between the page's
// performance marks (navigation, fsp-app, fsp-first-run, ready: the first frame with the tables,
// Run enabled and the files editable, scripts/ready.mjs), the main thread's self time per script and per function.
// Usage: node scripts/profile-startup.mjs DIST [RUNS] [TOP]   (INCL=1 adds inclusive times)
// Release wasm has no function names; for named wasm functions, profile a copy of dist whose
// *_bg.wasm is rebuilt with names (same input, so the same imports):
//   wasm-bindgen --target web --out-dir /tmp/wb $CARGO_TARGET_DIR/wasm32-unknown-unknown/release/web.wasm
//   wasm-opt -O1 --reorder-functions-by-name -g /tmp/wb/web_bg.wasm -o COPY/web-HASH_bg.wasm \
//     --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
// and drop the integrity attributes from COPY/index.html.
import { chromium } from 'playwright-core';
import { watchReady } from './ready.mjs';
import { serve, warmUp } from '../tests/e2e/serve.mjs';
const root = process.argv[2]; const runs = Number(process.argv[3] || 3); const topN = Number(process.argv[4] || 25);
const server = await serve(root);
const { base } = server;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
// One unmeasured load first (scripts/bench-startup-ab.mjs says why).
await warmUp(browser, base);
const phases = {};
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ['blink.user_timing', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'devtools.timeline'] });
  await page.addInitScript(watchReady);
  await page.goto(base);
  await page.waitForFunction(() => window.fspReadyAt, null, { timeout: 60000, polling: 50 });
  const readyAt = await page.evaluate(() => window.fspReadyAt);
  const marks = Object.fromEntries(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  await context.close();
  const nav = events.filter((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith('http'));
  const t0 = Math.min(...nav.map((e) => e.ts));
  const mk = events.find((e) => e.name === 'fsp-app');
  const pid = mk.pid;
  const nodes = new Map(); const parent = new Map(); const samples = [];
  const profs = events.filter((e) => e.pid === pid && (e.name === 'Profile' || e.name === 'ProfileChunk'));
  const byId = {};
  for (const e of profs) (byId[e.id] ||= []).push(e);
  for (const chunks of Object.values(byId)) {
    let t = null;
    for (const e of chunks) {
      if (e.name === 'Profile') { t = e.args.data.startTime; continue; }
      const cp = e.args.data.cpuProfile || {};
      for (const n of cp.nodes || []) { nodes.set(n.id, n); if (n.parent) parent.set(n.id, n.parent); }
      const deltas = e.args.data.timeDeltas || [];
      (cp.samples || []).forEach((s, i) => { t += deltas[i]; samples.push([t, s]); });
    }
  }
  samples.sort((a, b) => a[0] - b[0]);
  const bounds = [['nav', 0], ...Object.entries(marks).filter(([n]) => n.startsWith('fsp')), ['ready', readyAt]].sort((a, b) => a[1] - b[1]);
  console.log(`run ${run}: ${bounds.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(' | ')}`);
  for (let b = 0; b + 1 < bounds.length; b++) {
    const key = `${bounds[b][0]} → ${bounds[b + 1][0]}`;
    const ph = (phases[key] ||= { wall: 0, f: new Map() });
    const lo = t0 + bounds[b][1] * 1000, hi = t0 + bounds[b + 1][1] * 1000;
    ph.wall += (hi - lo) / 1000;
    for (let i = 0; i + 1 < samples.length; i++) {
      const [t, s] = samples[i]; if (t < lo || t >= hi) continue;
      const dt = Math.min(samples[i + 1][0] - t, 2000);
      const n = nodes.get(s); if (!n) continue;
      const f = n.callFrame;
      const url = (f.url || '').replace(base, '/').replace(/-[0-9a-f]{16}/, '');
      const name = `${(f.functionName || '(anon)').replace(/::h[0-9a-f]{16}$/, '').slice(0, 110)} ${url ? '[' + url + ']' : ''}`;
      ph.f.set(name, (ph.f.get(name) || 0) + dt);
      const cat = url.includes('editor.js') ? '=editor.js' : url.includes('sql-wasm') ? '=sql.js' : url.includes('web_bg') ? '=our wasm' : url.includes('web.js') ? '=glue' : '=' + (f.functionName.startsWith('(') ? f.functionName : 'other');
      ph.f.set(cat, (ph.f.get(cat) || 0) + dt);
      if (process.env.INCL) { const seen = new Set(); let x = s; while (x) { const m = nodes.get(x); if (!m) break; const fn = 'INCL ' + (m.callFrame.functionName || '(anon)').replace(/::h[0-9a-f]{16}$/, '').slice(0, 120) + ' ' + (m.callFrame.url||'').replace(base,'/').replace(/-[0-9a-f]{16}/, '') + ':' + m.callFrame.lineNumber; if (!seen.has(fn)) { seen.add(fn); ph.f.set(fn, (ph.f.get(fn) || 0) + dt); } x = parent.get(x); } }
    }
  }
}
for (const [k, ph] of Object.entries(phases)) {
  console.log(`${k}: wall ${(ph.wall / runs).toFixed(0)} ms per run`);
  for (const [n, us] of [...ph.f].sort((a, b) => b[1] - a[1]).slice(0, topN)) console.log(`   ${(us / runs / 1000).toFixed(1).padStart(6)} ${n}`);
}
await browser.close(); await server.stop();
