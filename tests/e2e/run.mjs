// End-to-end test: serves dist/ on 127.0.0.1, opens the playground in headless Chromium, presses
// Run, and checks that the tutorial's tables appear; then types a shell line and checks its echo
// and SQL. Screenshots go to test-artifacts/. Fails on page errors and on any request that
// leaves 127.0.0.1.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = process.argv[2] || 'dist';
const artifacts = process.argv[3] || 'test-artifacts';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
await mkdir(artifacts, { recursive: true });

let passed = 0, failed = 0;
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`request left 127.0.0.1: ${r.url()}`); });

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL - ${name}: ${e.message}`);
  }
}

await check('page loads and sql.js becomes ready', async () => {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 20000 });
});
await check('Run shows the tutorial tables', async () => {
  await page.click('#run');
  await page.waitForSelector('[data-table="role"]', { timeout: 20000 });
  await page.waitForSelector('[data-table="user"]', { timeout: 20000 });
  const ddl = await page.textContent('[data-table="user"] pre.ddl');
  if (!ddl.includes('FOREIGN KEY(role_id) REFERENCES role (id)')) throw new Error(`unexpected DDL: ${ddl}`);
  await page.screenshot({ path: join(artifacts, 'e2e-tutorial.png') });
});
await check('a shell line shows its echo and SQL', async () => {
  await page.click('role=tab[name="Console"]');
  await page.fill('#console-input', "db.session.add(Role(name='admin'))");
  await page.press('#console-input', 'Enter');
  await page.fill('#console-input', 'Role.query.all()');
  await page.press('#console-input', 'Enter');
  await page.waitForSelector('text=[<Role 1>]', { timeout: 10000 });
  const sql = await page.textContent('.transcript');
  if (!sql.includes('INSERT INTO role (name) VALUES (?)')) throw new Error('INSERT not shown');
  await page.screenshot({ path: join(artifacts, 'e2e-console.png') });
});
await check('files and transcript come back after a reload', async () => {
  await page.reload();
  await page.click('role=tab[name="Console"]');
  await page.waitForSelector('text=Role.query.all()', { timeout: 10000 });
});
await check('no page errors and no request left 127.0.0.1', async () => {
  if (problems.length) throw new Error(problems.join('; '));
});

await browser.close();
server.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
