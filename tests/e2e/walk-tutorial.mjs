// The tutorial walked as a learner types it (tests/cases/600-610), for a person to look at: takes
// screenshots (walk-*.png) and prints what the page shows; it asserts nothing (run.mjs does).
// Usage, after trunk build --release: node tests/e2e/walk-tutorial.mjs dist test-artifacts
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = process.argv[2], artifacts = process.argv[3];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path === '/' ? 'index.html' : path);
  try { const body = await readFile(file); res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' }); res.end(body); }
  catch { res.writeHead(404); res.end('not found'); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
await mkdir(artifacts, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
const shot = async (name) => { await page.waitForTimeout(400); await page.screenshot({ path: join(artifacts, name) }); console.log('shot', name); };
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function openFile(name) { await page.click(`.file-tabs [role="tab"]:has-text("${name}")`); await page.waitForTimeout(150); }
async function typeFile(name, text) {
  await openFile(name);
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // type for real (slow) only short texts; otherwise insert as typing would
  await page.evaluate((t) => { const v = window.FspEditor.current; v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t }, userEvent: 'input.type' }); }, text);
  await page.waitForTimeout(1200);
}
async function shell(line) {
  await page.click('role=tab[name="Console"]');
  const n = await page.$$eval('.transcript .line', (e) => e.length);
  const start = Date.now();
  await page.fill('#console-input', line);
  await page.press('#console-input', line.includes('\n') ? 'Control+Enter' : 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.transcript .line').length > n, n, { timeout: 15000 }).catch(() => log('no new line for', line));
  log(`shell ${JSON.stringify(line)} ${Date.now() - start}ms`);
}
async function text(sel) { return (await page.$$eval(sel, (els) => els.map((e) => e.innerText).join('\n---\n'))); }

const W = new URL('../cases/', import.meta.url).pathname;
const f = (c, n) => readFile(W + c + '/' + n, 'utf8');

log('goto'); await page.goto(base);
await page.waitForSelector('#run:not([disabled])', { timeout: 60000 });
await page.waitForSelector('[data-table="user"]', { timeout: 60000 });
log('ready'); await shot('walk-01-start.png');

// Step 1: config inline in app.py, User only; models.py emptied (learner has not written it yet)
await typeFile('app.py', await f('600-walk-inline-config-user', 'app.py'));
await typeFile('models.py', '');
await typeFile('config.py', '');
await page.click('role=tab[name=/^Tables/]');
await shot('walk-02-inline-user.png');
for (const l of (await f('600-walk-inline-config-user', 'shell.txt')).trim().split('\n')) await shell(l);
await shot('walk-03-shell-user.png');
await page.evaluate(() => document.querySelector('.transcript').scrollTop = 0);
await shot('walk-03b-shell-user-top.png');
console.log('TRANSCRIPT1', await text('.transcript'));

// Step 2: literal uri from the notes
await typeFile('config.py', await f('601-walk-literal-uri', 'config.py'));
await typeFile('app.py', await f('601-walk-literal-uri', 'app.py'));
await typeFile('models.py', await f('601-walk-literal-uri', 'models.py'));
await page.click('role=tab[name=/^Tables/]');
await shot('walk-04-literal-uri.png');
console.log('TABLES', (await text('#panel-tables')).slice(0, 1500));
// postgres uri
await typeFile('config.py', await f('602-walk-postgres-uri', 'config.py'));
await shot('walk-05-postgres-uri.png');
console.log('PG', (await text('#panel-tables')).slice(0, 1500));
// track modifications = false
await typeFile('config.py', await f('605-walk-config-lowercase-false', 'config.py'));
await shot('walk-06-false.png');
console.log('FALSE', (await text('.import-error')).slice(0, 1500));
// lowercase attrs
await typeFile('config.py', await f('603-walk-lowercase-config-attrs', 'config.py'));
await shot('walk-07-lower-attrs.png');
console.log('LOWER', (await text('.import-error')).slice(0, 1500));
// class config
await typeFile('config.py', await f('607-walk-config-class-lowercase', 'config.py'));
await shot('walk-08-class-config.png');
console.log('CLASSCFG', (await text('.import-error')).slice(0, 1500));
await typeFile('config.py', await f('604-walk-role-users-shell', 'config.py'));
// from flask import flask
await typeFile('app.py', await f('606-walk-import-lowercase-flask', 'app.py'));
await shot('walk-09-import-flask.png');
console.log('FLASK', (await text('.import-error')).slice(0, 1500));
await typeFile('app.py', await f('604-walk-role-users-shell', 'app.py'));
// Foreignkey
await typeFile('models.py', await f('608-walk-foreignkey-typo', 'models.py'));
await shot('walk-10-foreignkey.png');
console.log('FK', (await text('.import-error')).slice(0, 1500));
// lasy
const full = await f('604-walk-role-users-shell', 'models.py');
await typeFile('models.py', full.replace('lazy=True', 'lasy=True'));
await shot('walk-11-lasy.png');
console.log('LASY', (await text('.import-error')).slice(0, 1500));
// relationship('user')
await typeFile('models.py', full.replace("relationship('User'", "relationship('user'"));
await page.click('role=tab[name=/^Tables/]');
await shot('walk-12-rel-user-tables.png');
console.log('RELTAB', JSON.stringify(await page.textContent('#tab-relationships')));
await page.click('role=tab[name=/Relationships/]');
await shot('walk-12b-rel-user-relationships.png');
console.log('RELUSER', (await text('#panel-relationships')).slice(0, 1500));
await page.click('role=tab[name="Console"]');
await page.click('button[aria-label="Clear the transcript"]').catch(() => {});
for (const l of (await f('609-walk-relationship-table-name', 'shell.txt')).trim().split('\n')) await shell(l);
await shot('walk-13-rel-user-shell.png');
console.log('TRANSCRIPT-REL', await text('.transcript'));
// the fixed models, second User snippet
await typeFile('models.py', full);
await page.click('#run');
await page.waitForTimeout(1500);
await page.click('role=tab[name="Console"]');
await page.click('button[aria-label="Clear the transcript"]').catch(() => {});
for (const l of (await f('604-walk-role-users-shell', 'shell.txt')).trim().split('\n')) await shell(l);
await shot('walk-14-role-users-shell.png');
console.log('TRANSCRIPT-604', await text('.transcript'));
await page.click('role=tab[name=/Relationships/]');
await shot('walk-15-relationships.png');
await page.click('role=tab[name="Data"]');
await page.selectOption('#data-table', 'user').catch((e) => log(e.message));
await shot('walk-16-data.png');
await page.click('role=tab[name="SQL log"]');
await shot('walk-17-sqllog.png');
await page.click('role=tab[name="Diagram"]');
await shot('walk-18-diagram.png');
console.log('PROBLEMS', problems);
await browser.close(); server.close();
