// End-to-end tests of "Keep & share" (issue 7): named playgrounds, migration from format 1,
// unreadable entries, a full quota, reload restoring the database, share links (round trip,
// damaged, too long, hostile payloads in every field) and downloads (app.db opened by Python's
// sqlite3; the DDL per dialect; the project zip, whose create_all DDL real Flask-SQLAlchemy
// reproduces when the oracle's venv is present). Each test uses a browser context of its own
// (its own localStorage). Called by run.mjs.
import { readFile, writeFile, mkdtemp, rm, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import initSqlJs from 'sql.js';
import { serve } from './serve.mjs';

const here = new URL('.', import.meta.url).pathname;
const tutorial = async (name) => (await readFile(join(here, '../../src/ui/tutorial', name))).toString();

// A share link's data as the page makes it: JSON, deflate-raw, base64url.
export function packLink(obj) {
  return deflateRawSync(Buffer.from(JSON.stringify(obj))).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const python = (script, ...args) => execFileSync('python3', ['-c', script, ...args]).toString();

export async function keepTests({ browser, base, root, check: checkAny, artifacts, problems }) {
  const check = (name, fn) => checkAny(`keep & share: ${name}`, fn);
  const contexts = [];
  async function freshPage() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error (keep): ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error (keep): ${m.text()}`); });
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith(`blob:${base}`)) problems.push(`request left 127.0.0.1: ${r.url()}`); });
    return page;
  }
  const ready = async (page) => {
    await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
    await page.waitForSelector('[data-table="role"]', { timeout: 20000 });
  };
  const openKeep = async (page) => {
    if ((await page.getAttribute('#keep-toggle', 'aria-expanded')) !== 'true') await page.click('#keep-toggle');
    await page.waitForSelector('#keep', { timeout: 5000 });
  };
  const listed = (page) => page.$$eval('.pg-list li', (els) => els.map((e) => (e.classList.contains('open') ? '*' : '') + e.querySelector('.pg-name').textContent));
  const stored = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith('fsp.')).map((k) => [k, localStorage.getItem(k)])));
  const typeLine = async (page, line) => {
    await page.fill('#console-input', line);
    await page.press('#console-input', 'Enter');
  };
  const editorText = (page) => page.evaluate(() => window.FspEditor.current.state.doc.toString());
  const shot = (page, name) => page.screenshot({ path: join(artifacts, name) });
  // Ready and run, whatever the project (a lesson's may have no role table).
  const ran = async (page) => {
    await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
    await page.waitForFunction(() => document.body.dataset.runs, null, { timeout: 20000 });
  };
  const reloadBy = async (page, selector, wait = ready) => {
    await Promise.all([page.waitForEvent('load', { timeout: 20000 }), page.click(selector)]);
    await wait(page);
  };
  const download = async (page, selector) => {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click(selector)]);
    return { name: d.suggestedFilename(), path: await d.path() };
  };

  // A learner's first visit, in a browser context of its own.
  const ownPage = async () => {
    const page = await freshPage();
    await page.goto(base);
    await ready(page);
    return page;
  };
  const saved = (page) => page.waitForTimeout(600); // the save is debounced
  // The console lines the checks below build on: a committed role, then a user added.
  const typeKeeperLines = async (page) => {
    await page.click('role=tab[name="Console"]');
    await typeLine(page, "db.session.add(Role(name='keeper'))");
    await typeLine(page, 'db.session.commit()');
    await typeLine(page, "u = User(username='ann', email='ann@example.com', role_id=1)");
    await typeLine(page, 'db.session.add(u)');
    await page.waitForSelector('.transcript pre.input:has-text("db.session.add(u)")', { timeout: 10000 });
  };

  await check('the panel opens from the keyboard and lists the playground (light and dark)', async () => {
    const main = await ownPage();
    await main.focus('#keep-toggle');
    await main.keyboard.press('Enter');
    await main.waitForSelector('#keep', { timeout: 5000 });
    const names = await listed(main);
    if (names.join('|') !== '*My playground') throw new Error(`list: ${names}`);
    if ((await main.textContent('.pg-current')) !== 'My playground') throw new Error('header name');
    await main.click('#make-link');
    await main.waitForSelector('#share-link', { timeout: 10000 });
    await shot(main, 'e2e-keep.png');
    await main.emulateMedia({ colorScheme: 'dark' });
    await shot(main, 'e2e-keep-dark.png');
    await main.emulateMedia({ colorScheme: 'light' });
  });

  await check('reload restores the database exactly: the console lines since Run are replayed and match', async () => {
    const main = await ownPage();
    await typeKeeperLines(main);
    await saved(main);
    await main.reload();
    await ready(main);
    await main.waitForFunction(() => document.body.dataset.restored, null, { timeout: 20000 });
    const restored = await main.evaluate(() => document.body.dataset.restored);
    if (restored !== 'same') throw new Error(`replay: ${restored}`);
    // The names typed (u) and the uncommitted row both came back.
    await main.click('role=tab[name="Console"]');
    await typeLine(main, 'u.username, Role.query.count(), User.query.count()');
    await main.waitForSelector(`pre.stdout:text("('ann', 1, 1)")`, { timeout: 10000 });
    const note = await main.textContent('.transcript');
    if (!note.includes('4 console lines typed since its last Run ran again, with the same results')) throw new Error('restore note missing');
  });

  await check('downloads: app.db opens in sqlite3; the DDL per dialect; the project zip runs in real Flask', async () => {
    const main = await ownPage();
    await typeKeeperLines(main);
    // An autoflush leaves a transaction open: app.db holds only what was committed.
    await typeLine(main, 'User.query.count()');
    await main.waitForSelector('.transcript pre.input:has-text("User.query.count()")', { timeout: 10000 });
    await openKeep(main);
    await main.click('#download-db');
    await main.waitForSelector('.notice:has-text("the session has a transaction open")', { timeout: 5000 });
    await main.click('role=tab[name="Console"]');
    await typeLine(main, 'db.session.commit()');
    await main.waitForSelector('.transcript pre.input:has-text("db.session.commit()") >> nth=1', { timeout: 10000 });
    await openKeep(main);
    const db = await download(main, '#download-db');
    if (db.name !== 'app.db') throw new Error(db.name);
    const rows = python('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select name from role").fetchall(), c.execute("select username, role_id from user").fetchall())', db.path);
    if (rows.trim() !== "[('keeper',)] [('ann', 1)]") throw new Error(`app.db: ${rows}`);
    const pg = await download(main, '[data-ddl="postgresql"]');
    const pgText = (await readFile(pg.path)).toString();
    if (pg.name !== 'schema-postgresql.sql' || !pgText.includes('id SERIAL NOT NULL') || !pgText.includes('CREATE TABLE "user" (')) throw new Error(`${pg.name}: ${pgText}`);
    const lite = await download(main, '[data-ddl="sqlite"]');
    const liteText = (await readFile(lite.path)).toString();
    const zip = await download(main, '#download-zip');
    if (zip.name !== 'my-playground.zip') throw new Error(zip.name);
    const dir = await mkdtemp(join(tmpdir(), 'fsp-zip-'));
    try {
      const listing = python('import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2]); print(" ".join(z.namelist()))', zip.path, dir);
      for (const n of ['config.py', 'app.py', 'models.py', 'requirements.txt', 'README.md', 'shell.txt'])
        if (!listing.includes(`my-playground/${n}`)) throw new Error(`zip lacks ${n}: ${listing}`);
      const req = (await readFile(join(dir, 'my-playground/requirements.txt'))).toString();
      if (!req.includes('Flask-SQLAlchemy==3.1.1') || !req.includes('SQLAlchemy==2.1.9') || !req.includes('Flask==3.1.3')) throw new Error(req);
      const shell = (await readFile(join(dir, 'my-playground/shell.txt'))).toString();
      if (!shell.startsWith("db.session.add(Role(name='keeper'))\n")) throw new Error(`shell.txt: ${shell}`);
      // Real Python (the oracle's venv, pip-installed from the same requirements) on the
      // exported project: its create_all DDL must be the playground's, statement by statement.
      const venv = process.env.ORACLE_PYTHON || '/root/oracle-venv/bin/python';
      const oracle = join(here, '../../../shared/oracle/oracle.py');
      // scripts/setup.sh --test makes that venv and sets ORACLE_PYTHON: under test.sh it must run.
      if (process.env.ORACLE_PYTHON && !existsSync(venv)) throw new Error(`ORACLE_PYTHON ${venv} does not exist`);
      if (existsSync(venv) && existsSync(oracle)) {
        execFileSync(venv, [oracle, join(dir, 'my-playground'), '-o', join(dir, 'record.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
        const record = JSON.parse((await readFile(join(dir, 'record.json'))).toString());
        const ours = liteText.split('\n\n').filter((s) => s && !s.startsWith('--')).map((s) => s.replace(/;\n?$/, ''));
        const theirs = record.ddl.map((s) => s.trim());
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`DDL differs:\n${ours.join('\n')}\nvs\n${theirs.join('\n')}`);
        if (record.import_error) throw new Error(`real Flask could not import the project: ${JSON.stringify(record.import_error)}`);
      } else {
        console.log('  (no oracle venv: the exported project was not run in real Python)');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  await check('a line with a different result on replay (the clock) is reported', async () => {
    const main = await ownPage();
    await main.click('role=tab[name="Console"]');
    await typeLine(main, 'import time');
    await typeLine(main, 'time.time()');
    await main.waitForSelector('.transcript pre.input:has-text("time.time()")', { timeout: 10000 });
    await main.waitForTimeout(600);
    await main.reload();
    await ready(main);
    await main.waitForFunction(() => document.body.dataset.restored, null, { timeout: 20000 });
    if ((await main.evaluate(() => document.body.dataset.restored)) !== 'differs') throw new Error('difference not seen');
    await main.click('role=tab[name="Console"]');
    const text = await main.textContent('.transcript');
    if (!text.includes('(time.time()) gave a different result this time')) throw new Error('note');
  });

  await check('named playgrounds: new, rename, duplicate, open, delete', async () => {
    const main = await ownPage();
    await typeKeeperLines(main);
    await saved(main);
    await openKeep(main);
    await reloadBy(main, '#new-playground');
    await openKeep(main);
    let names = await listed(main);
    if (names.join('|') !== 'My playground|*My playground (2)') throw new Error(`after new: ${names}`);
    main.once('dialog', (d) => d.accept('Blog <img src=x onerror=window.__pwned=9>'));
    await main.click('.pg-list li.open button[aria-label^="Rename"]');
    await main.waitForFunction(() => document.querySelector('.pg-current').textContent.startsWith('Blog'), null, { timeout: 5000 });
    await main.click('.pg-list li.open button[aria-label^="Duplicate"]');
    await main.waitForFunction(() => document.querySelectorAll('.pg-list li').length === 3, null, { timeout: 5000 });
    names = await listed(main);
    const blog = 'Blog <img src=x onerror=window.__pwned=9>';
    if (names.join('|') !== `*${blog}|${blog} (copy)|My playground`) throw new Error(`after duplicate: ${names}`);
    // The other playground still has the console lines typed above; this one has none.
    await reloadBy(main, 'button[aria-label="Open My playground"]');
    await main.click('role=tab[name="Console"]');
    await main.waitForSelector('.transcript pre.input:has-text("keeper")', { timeout: 10000 });
    await openKeep(main);
    main.once('dialog', (d) => d.accept());
    await main.click(`button[aria-label="Delete ${blog} (copy)"]`);
    await main.waitForFunction(() => document.querySelectorAll('.pg-list li').length === 2, null, { timeout: 5000 });
    names = await listed(main);
    if (names.join('|') !== `${blog}|*My playground`) throw new Error(`after delete: ${names}`);
    if (await main.evaluate(() => window.__pwned || document.querySelectorAll('img').length)) throw new Error('a name became markup');
    await shot(main, 'e2e-keep-list.png');
  });

  await check('a share link opens the shared playground, shows its size, and keeps a copy only when asked', async () => {
    const main = await ownPage();
    await typeKeeperLines(main);
    await typeLine(main, 'import time');
    await typeLine(main, 'time.time()');
    await main.waitForSelector('.transcript pre.input:has-text("time.time()")', { timeout: 10000 });
    await openKeep(main);
    await main.click('#make-link');
    await main.waitForSelector('#share-link', { timeout: 10000 });
    const link = await main.inputValue('#share-link');
    const size = await main.textContent('.link-size');
    if (!link.startsWith(`${base}#share=`) || size !== `The link is ${link.length.toLocaleString('en-US')} characters long.`) throw new Error(`${size} / ${link.length}`);
    const other = await freshPage();
    await other.goto(base);
    await ready(other);
    await other.waitForTimeout(600);
    const before = await stored(other);
    await other.goto('about:blank');
    await other.goto(link);
    await other.waitForSelector('#keep-copy:not([disabled])', { timeout: 20000 });
    await ready(other);
    await other.click('role=tab[name="Console"]');
    // The history ran again: the shared lines' results are real ones.
    await other.waitForSelector('.transcript pre.input:has-text("time.time()")', { timeout: 10000 });
    const text = await other.textContent('.transcript');
    if (!text.includes("INSERT INTO role (name) VALUES (?)")) throw new Error('history not replayed');
    if ((await other.textContent('.pg-current')) !== 'Shared playground') throw new Error('header');
    await other.waitForTimeout(600);
    const during = await stored(other);
    if (JSON.stringify(during) !== JSON.stringify(before)) throw new Error('opening a link changed the saved work');
    await shot(other, 'e2e-shared.png');
    await reloadBy(other, '#keep-copy');
    if (await other.evaluate(() => location.hash)) throw new Error('the link stayed in the address');
    await openKeep(other);
    const names = await listed(other);
    if (names.join('|') !== 'My playground|*Shared playground') throw new Error(`after keep: ${names}`);
    const after = await stored(other);
    for (const [k, v] of Object.entries(before)) if (k.startsWith('fsp.v2.pg.') && after[k] !== v) throw new Error(`${k} changed`);
  });

  await check('damaged and too-long links say so and show the learner\'s own work', async () => {
    const page = await freshPage();
    await page.goto(base);
    await ready(page);
    const own = await stored(page);
    for (const [hash, words] of [['#share=AAAAAAAA', 'damaged: it does not decompress'], [`#share=${'a'.repeat(200001)}`, 'too long to open (200,001 characters'],
      ['#share=' + packLink({ v: 1, files: [] }), 'holds no files'], ['#share=' + packLink({ v: 3, files: [['a.py', '']] }), 'newer version']]) {
      await page.goto('about:blank');
      await page.goto(base + hash);
      await ready(page);
      await page.waitForSelector(`.notice:has-text("${words}")`, { timeout: 10000 });
      if (await page.evaluate(() => location.hash)) throw new Error('hash kept');
      if ((await page.textContent('.pg-current')) !== 'My playground') throw new Error('own work not shown');
    }
    await shot(page, 'e2e-link-damaged.png');
    // The learner's playground is opened and runs as on any visit (its console gets a Run
    // divider); its files are as they were.
    const after = await stored(page);
    for (const [k, v] of Object.entries(own))
      if (k.startsWith('fsp.v2.pg.') && JSON.stringify(JSON.parse(after[k]).files) !== JSON.stringify(JSON.parse(v).files)) throw new Error(`${k} changed`);
  });

  await check('a link is data, never markup: payloads in file names, file text and console lines stay text', async () => {
    const page = await freshPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const p = (n) => `<img src=x onerror="window.__pwned=${n}"><script>window.__pwned=${n}</script>`;
    const models = `from app import db\n\n\nclass Evil(db.Model):\n    __tablename__ = '${p(1)}'\n    id = db.Column(db.Integer, primary_key=True)\n    note = db.Column(db.String(200), default='${p(2)}')\n`;
    const files = [['config.py', await tutorial('config.py')], ['app.py', await tutorial('app.py')], ['models.py', models],
      [`${p(3)}.py`, `# ${p(4)}\n`]];
    const history = [`print('${p(5)}')`, `db.session.add(Evil())`, `db.session.commit()`, `Evil.query.first().note`, p(6)];
    await page.goto(`${base}#share=${packLink({ v: 1, active: `${p(3)}.py`, files, history })}`);
    await page.waitForSelector('#keep-copy:not([disabled])', { timeout: 30000 });
    await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
    await page.click('role=tab[name="Console"]');
    await page.waitForFunction(() => document.querySelectorAll('.transcript pre.input').length >= 6, null, { timeout: 10000 });
    const transcript = await page.textContent('.transcript');
    if (!transcript.includes(p(5))) throw new Error('printed payload not shown as text');
    if (!transcript.includes(`'${p(2)}'`)) throw new Error('column value not shown as text');
    const tabs = await page.textContent('.file-tabs');
    if (!tabs.includes(`${p(3)}.py`)) throw new Error(`file name: ${tabs}`);
    if (!(await editorText(page)).includes(p(4))) throw new Error('file text');
    await page.click('role=tab[name=/^Tables/]');
    await page.waitForSelector('.table-card h3', { timeout: 10000 });
    if ((await page.textContent('.table-card h3')) !== p(1)) throw new Error('table name');
    await page.click('role=tab[name="Diagram"]');
    await page.waitForSelector('#er-diagram g[data-table]', { timeout: 10000 });
    await page.click('role=tab[name="Data"]');
    await page.waitForTimeout(500);
    await shot(page, 'e2e-hostile.png');
    const bad = await page.evaluate(() => ({ pwned: window.__pwned, imgs: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__pwned')).length }));
    if (bad.pwned || bad.imgs || bad.scripts || dialogs.length) throw new Error(`markup ran: ${JSON.stringify(bad)} ${dialogs}`);
  });

  await check('format 1 is migrated; an unreadable entry is backed up, never overwritten', async () => {
    const page = await freshPage();
    await page.goto(base);
    await ready(page);
    await page.waitForTimeout(600);
    const v1 = { version: 1, active: 'models.py', files: [['config.py', await tutorial('config.py')], ['app.py', await tutorial('app.py')], ['models.py', (await tutorial('models.py')) + '\n# from format 1\n']].map(([name, text]) => ({ name, text })),
      transcript: [{ kind: 'session', note: 'Run: the project was imported into a new, empty in-memory database' }, { kind: 'line', input: "Role.query.all()", stdout: '[]\n', warnings: [], error: null, error_detail: null, sql: [] }] };
    await page.evaluate((v) => { localStorage.clear(); localStorage.setItem('fsp.v1.project', JSON.stringify(v)); localStorage.setItem('fsp.v2.pg.zz', '{"version": 2, oops'); }, v1);
    await page.reload();
    await ready(page);
    if (!(await editorText(page)).includes('# from format 1')) throw new Error('format 1 files not opened');
    await page.waitForSelector('.notice:has-text("fsp.v1.unreadable.")', { timeout: 5000 });
    const keys = await stored(page);
    if ('fsp.v1.project' in keys) throw new Error('format 1 key kept after migration');
    const backups = Object.entries(keys).filter(([k]) => k.startsWith('fsp.v1.unreadable.') && k.endsWith('.zz'));
    if (backups.length !== 1 || backups[0][1] !== '{"version": 2, oops') throw new Error(`backup: ${JSON.stringify(keys)}`);
    const migrated = Object.entries(keys).filter(([k]) => k.startsWith('fsp.v2.pg.'));
    if (migrated.length !== 1 || !migrated[0][1].startsWith('{"version":2,"name":"My playground"')) throw new Error(`migrated: ${JSON.stringify(keys)}`);
    await shot(page, 'e2e-migrated.png');
  });

  await check('a full quota says so, keeps what was saved, and saving resumes when there is room', async () => {
    const page = await freshPage();
    await page.goto(base);
    await ready(page);
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('fsp.v2.pg.')), null, { timeout: 5000 });
    await page.waitForTimeout(600);
    const key = Object.keys(await stored(page)).find((k) => k.startsWith('fsp.v2.pg.'));
    const before = (await stored(page))[key];
    await page.evaluate(() => {
      let i = 0;
      for (let size = 1 << 20; size >= 16; size >>= 1) {
        const chunk = 'x'.repeat(size);
        try { for (;;) localStorage.setItem(`fill.${i++}`, chunk); } catch (e) { /* full at this size */ }
      }
    });
    const text = await editorText(page);
    await page.evaluate(() => window.FspEditor.current.dispatch({ changes: { from: 0, insert: '# a change that does not fit\n' }, userEvent: 'input.type' }));
    await page.waitForSelector('.notice:has-text("Your latest changes are not saved")', { timeout: 10000 });
    const notice = await page.textContent('.notice:has-text("Your latest changes are not saved")');
    if (!notice.includes('storage for the page is full')) throw new Error(notice);
    if ((await stored(page))[key] !== before) throw new Error('what was saved before changed');
    await openKeep(page);
    await page.click('.pg-list li.open button[aria-label^="Duplicate"]');
    await page.waitForSelector('.notice:has-text("could not be duplicated")', { timeout: 5000 });
    if ((await listed(page)).length !== 1) throw new Error('a half-made duplicate is listed');
    await shot(page, 'e2e-quota.png');
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fill.')).forEach((k) => localStorage.removeItem(k)));
    await page.evaluate((t) => window.FspEditor.current.dispatch({ changes: { from: 0, to: window.FspEditor.current.state.doc.length, insert: t + '# fits now\n' }, userEvent: 'input.type' }), text);
    await page.waitForSelector('.notice:has-text("Your latest changes are not saved")', { state: 'detached', timeout: 10000 });
    // The notice goes with the first write that succeeds, which can be a save queued before this
    // edit (the Run's transcript); this edit's own write follows the save delay, so wait for it.
    const resumed = await page
      .waitForFunction((k) => (localStorage.getItem(k) || '').includes('# fits now'), key, { timeout: 10000 })
      .then(() => true, () => false);
    if (!resumed) throw new Error('saving did not resume');
  });

  // Lessons (src/ui/lessons.rs): each step in a playground of its own.
  const learnerFile = async (page, marker) => {
    await page.click('role=tab[name="models.py"]');
    await page.evaluate((m) => window.FspEditor.current.dispatch({ changes: { from: 0, insert: `# ${m}\n` }, userEvent: 'input.type' }), marker);
    await page.waitForFunction((m) => Object.entries(localStorage).some(([k, v]) => k.startsWith('fsp.v2.pg.') && v.includes(m)), marker, { timeout: 10000 });
  };
  const entryWith = (page, marker) => page.evaluate((m) => Object.entries(localStorage).filter(([k, v]) => k.startsWith('fsp.v2.pg.') && v.includes(m)).map(([k]) => k), marker);
  const openLessons = async (page) => {
    if ((await page.getAttribute('#lessons-toggle', 'aria-expanded')) !== 'true') await page.click('#lessons-toggle');
    await page.waitForSelector('#lessons .lesson', { timeout: 5000 });
  };
  const lessonState = (page) => page.textContent('#lessons .lesson-state');

  await check('a lesson works in a playground of its own: done end to end, progress kept, back to the learner\'s untouched playground', async () => {
    const page = await ownPage();
    await learnerFile(page, 'my own work');
    const mine = await entryWith(page, 'my own work');
    // The files (the transcript gets the edit's Run divider in its own time).
    const mineFiles = async () => JSON.stringify(JSON.parse((await stored(page))[mine[0]]).files);
    const mineBefore = await mineFiles();
    await openLessons(page);
    await page.click('#lessons [data-lesson="models"]');
    if ((await lessonState(page)).includes('Done')) throw new Error('done before starting');
    await reloadBy(page, '#lesson-start', ran);
    // The step's playground is open, with the lessons shown; the learner's is as it was.
    if ((await page.textContent('.pg-current')) !== 'Lesson 2: Define models') throw new Error(`header: ${await page.textContent('.pg-current')}`);
    await page.waitForSelector('#lessons .lesson[data-lesson="models"] .lesson-state:has-text("Not done yet")', { timeout: 10000 });
    await page.waitForSelector('article[data-table="role"]', { state: 'detached', timeout: 10000 });
    if ((await mineFiles()) !== mineBefore) throw new Error('starting a lesson changed the learner\'s playground');
    await page.click('role=tab[name="models.py"]');
    const models = await editorText(page);
    if (!models.includes('email = db.Column(db.String(120), nullable=False)') || models.includes('my own work')) throw new Error(`models.py: ${models}`);
    await page.click('#lessons summary:has-text("Hints")');
    await shot(page, 'e2e-lesson-start.png');
    await page.evaluate((t) => window.FspEditor.current.dispatch({ changes: { from: 0, to: window.FspEditor.current.state.doc.length, insert: t }, userEvent: 'input.type' }),
      models.replace('db.String(120), nullable=False', 'db.String(120), unique=True, nullable=False'));
    await page.waitForSelector('#lessons .lesson-state.ok:has-text("Done")', { timeout: 10000 });
    await page.waitForSelector('#lessons [data-lesson="models"].done', { timeout: 5000 });
    await shot(page, 'e2e-lesson-done.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'e2e-lesson-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
    await saved(page);
    await page.reload();
    await ran(page);
    await page.waitForSelector('#lessons [data-lesson="models"].done', { timeout: 10000 });
    if (!(await lessonState(page)).includes('Done')) throw new Error(`after reload: ${await lessonState(page)}`);
    const progress = JSON.parse((await stored(page))['fsp.v2.lessons']);
    if (progress.version !== 2 || progress.done.join() !== 'models' || progress.back_to !== mine[0].slice('fsp.v2.pg.'.length)) throw new Error(`progress: ${JSON.stringify(progress)}`);
    // Back: the learner's playground, as they left it.
    if ((await page.textContent('#lesson-back')) !== 'Back to \u201cMy playground\u201d') throw new Error(`back: ${await page.textContent('#lesson-back')}`);
    await reloadBy(page, '#lesson-back');
    if ((await page.textContent('.pg-current')) !== 'My playground') throw new Error('not back in the learner\'s playground');
    await page.click('role=tab[name="models.py"]');
    if (!(await editorText(page)).startsWith('# my own work\n')) throw new Error('the learner\'s files');
    if ((await page.getAttribute('#lessons-toggle', 'aria-expanded')) === 'true') throw new Error('lessons shown in the learner\'s playground');
    await openKeep(page);
    const names = await listed(page);
    if (names.join('|') !== 'Lesson 2: Define models|*My playground') throw new Error(`list: ${names}`);
    // The step again: its playground, with the solution kept.
    await openLessons(page);
    await page.click('#lessons [data-lesson="models"]');
    if ((await page.textContent('#lesson-start')) !== 'Continue this step') throw new Error(await page.textContent('#lesson-start'));
    await reloadBy(page, '#lesson-start', ran);
    await page.click('role=tab[name="models.py"]');
    if (!(await editorText(page)).includes('db.String(120), unique=True')) throw new Error('the step\'s playground lost its work');
    // Restart: the step's own files again (after asking), in the same playground.
    page.once('dialog', (d) => d.accept());
    await page.click('#lesson-start:has-text("Restart this step")');
    await page.waitForFunction(() => !window.FspEditor.current.state.doc.toString().includes('db.String(120), unique=True'), null, { timeout: 5000 });
    if ((await page.textContent('.pg-current')) !== 'Lesson 2: Define models') throw new Error('restart left the step\'s playground');
    await page.waitForSelector('#lessons [data-lesson="models"].done', { timeout: 5000 });
  });

  await check('lessons: the first cut\'s progress and put-aside files are migrated; unreadable progress is set aside', async () => {
    const page = await ownPage();
    await saved(page);
    const key = Object.keys(await stored(page)).find((k) => k.startsWith('fsp.v2.pg.'));
    // As the first cut left it: the step's files in the learner's playground, theirs in the stash.
    const stepFiles = { version: 2, name: 'My playground', active: 'models.py', files: [{ name: 'config.py', text: await tutorial('config.py') }, { name: 'app.py', text: await tutorial('app.py') }, { name: 'models.py', text: '# the step\'s files\n' + await tutorial('models.py') }], transcript: [] };
    const theirs = { version: 2, name: 'lesson stash', active: 'models.py', files: [{ name: 'config.py', text: await tutorial('config.py') }, { name: 'app.py', text: await tutorial('app.py') }, { name: 'models.py', text: '# put aside\n' + await tutorial('models.py') }], transcript: [] };
    await page.evaluate(([k, a, b]) => {
      localStorage.setItem(k, JSON.stringify(a));
      localStorage.setItem('fsp.v1.lessons', '1|models|configure');
      localStorage.setItem('fsp.v1.lessons.stash', JSON.stringify(b));
    }, [key, stepFiles, theirs]);
    await page.reload();
    await ready(page);
    if ((await page.textContent('.pg-current')) !== 'Lesson 2: Define models') throw new Error(`header: ${await page.textContent('.pg-current')}`);
    await page.click('role=tab[name="models.py"]');
    if (!(await editorText(page)).startsWith('# the step\'s files')) throw new Error('the step\'s files');
    const keys = await stored(page);
    if ('fsp.v1.lessons' in keys || 'fsp.v1.lessons.stash' in keys) throw new Error(`first cut's keys kept: ${Object.keys(keys)}`);
    const mine = JSON.parse(keys[key]);
    if (mine.name !== 'My playground' || !mine.files.find((f) => f.name === 'models.py').text.startsWith('# put aside')) throw new Error(`learner's playground: ${keys[key]}`);
    await page.waitForSelector('#lessons [data-lesson="configure"].done', { timeout: 5000 });
    await shot(page, 'e2e-lesson-migrated.png');
    await reloadBy(page, '#lesson-back');
    await page.click('role=tab[name="models.py"]');
    if (!(await editorText(page)).startsWith('# put aside')) throw new Error('back: not the learner\'s files');
    // Unreadable progress: kept under a backup key, said, and the lessons start afresh.
    await page.evaluate(() => localStorage.setItem('fsp.v2.lessons', '{"version": 2, oops'));
    await page.reload();
    await ready(page);
    await page.waitForSelector('.notice:has-text("Your lesson progress could not be read")', { timeout: 5000 });
    const after = await stored(page);
    const backups = Object.entries(after).filter(([k]) => k.startsWith('fsp.v1.unreadable.') && k.endsWith('.lessons'));
    if (backups.length !== 1 || backups[0][1] !== '{"version": 2, oops') throw new Error(`backup: ${Object.keys(after)}`);
    await openLessons(page);
    if (await page.$('#lessons [data-lesson="configure"].done')) throw new Error('progress not started afresh');
  });

  await check('lessons: a full storage says the step could not start and leaves the learner where they are', async () => {
    const page = await ownPage();
    await learnerFile(page, 'still mine');
    await openLessons(page);
    await page.click('#lessons [data-lesson="create"]');
    await page.evaluate(() => {
      let i = 0;
      for (let size = 1 << 20; size >= 16; size >>= 1) {
        const chunk = 'x'.repeat(size);
        try { for (;;) localStorage.setItem(`fill.${i++}`, chunk); } catch (e) { /* full at this size */ }
      }
    });
    await page.click('#lesson-start');
    await page.waitForSelector('.notice:has-text("The step could not be started")', { timeout: 5000 });
    const notice = await page.textContent('.notice:has-text("The step could not be started")');
    if (!notice.includes('storage for the page is full') || !notice.includes('Your playground is as it was')) throw new Error(notice);
    if ((await page.textContent('.pg-current')) !== 'My playground') throw new Error('moved away');
    await page.click('role=tab[name="models.py"]');
    if (!(await editorText(page)).startsWith('# still mine')) throw new Error('files changed');
    await shot(page, 'e2e-lesson-quota.png');
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fill.')).forEach((k) => localStorage.removeItem(k)));
  });

  await check('a .db file dropped anywhere opens in the Data tab; a .py dropped outside the editor joins the project', async () => {
    const page = await ownPage();
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO item (name) VALUES ('widget'), ('gadget');");
    const bytes = [...db.export()];
    db.close();
    const drop = (selector, name, content) => page.evaluate(([selector, name, content]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([typeof content === 'string' ? content : new Uint8Array(content)], name));
      const target = document.querySelector(selector);
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [selector, name, content]);
    // While files are dragged over the page it says where they go.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'shop.db'));
      document.querySelector('#panel-tables').dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    if (!(await page.evaluate(() => document.body.classList.contains('dropping')))) throw new Error('no drop hint');
    await shot(page, 'e2e-drop-hint.png');
    await drop('#panel-tables', 'shop.sqlite', bytes);
    if (await page.evaluate(() => document.body.classList.contains('dropping'))) throw new Error('drop hint stayed');
    await page.waitForSelector('#panel-data:not([hidden]) .opened-note:has-text("shop.sqlite")', { timeout: 10000 });
    await page.waitForSelector('table.data td:text("widget")', { timeout: 10000 });
    await shot(page, 'e2e-dropped-db.png');
    await drop('header.topbar', 'forms.py', 'X = 1\n');
    await page.waitForSelector('.file-tabs [role="tab"]:has-text("forms.py")', { timeout: 5000 });
    if ((await editorText(page)) !== 'X = 1\n') throw new Error('dropped .py not shown');
    await drop('.cm-content', 'shop.db', [1, 2, 3]);
    await page.waitForSelector('.notice:has-text("shop.db could not be opened")', { timeout: 5000 });
    await drop('#panel-data', 'notes.txt', 'hello');
    await page.waitForSelector('.notice:has-text("notes.txt was not added")', { timeout: 5000 });
  });

  await check('a very long file name: ellipsis, the whole name as its tooltip, the × and the Delete key work', async () => {
    const page = await ownPage();
    const long = `a_module_with_a_name_that_goes_on_and_on_${'and_on_'.repeat(8)}forever.py`;
    page.once('dialog', (d) => d.accept(long));
    await page.click('#file-add');
    const tab = page.locator(`.file-tabs [role="tab"][title="${long}"]`);
    await tab.waitFor({ timeout: 5000 });
    const box = await tab.evaluate((t) => {
      const name = t.querySelector('.tab-name'), close = t.querySelector('.tab-close');
      const r = t.getBoundingClientRect(), c = close.getBoundingClientRect(), strip = t.parentElement.getBoundingClientRect();
      return { cut: name.scrollWidth > name.clientWidth, ellipsis: getComputedStyle(name).textOverflow, width: r.width,
        closeShown: getComputedStyle(close).visibility === 'visible' && c.width > 0 && c.right <= r.right + 1 && c.left >= r.left,
        selected: t.getAttribute('aria-selected'), stripWidth: strip.width };
    });
    if (!box.cut || box.ellipsis !== 'ellipsis' || !box.closeShown || box.selected !== 'true' || box.width > box.stripWidth) throw new Error(JSON.stringify(box));
    await tab.hover();
    await shot(page, 'e2e-long-tab.png');
    // The keyboard: arrows move along the tabs, Delete deletes the focused one (after asking).
    await tab.focus();
    await page.keyboard.press('ArrowLeft');
    if ((await page.evaluate(() => document.activeElement.textContent)) !== 'models.py×') throw new Error(`focus: ${await page.evaluate(() => document.activeElement.textContent)}`);
    await page.keyboard.press('ArrowRight');
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await page.keyboard.press('Delete');
    await tab.waitFor({ state: 'detached', timeout: 5000 });
    if (asked !== `Delete ${long}? Its text is lost.`) throw new Error(`asked: ${asked}`);
    const focused = await page.evaluate(() => ({ role: document.activeElement.getAttribute('role'), selected: document.activeElement.getAttribute('aria-selected') }));
    if (focused.role !== 'tab' || focused.selected !== 'true') throw new Error(`focus after delete: ${JSON.stringify(focused)}`);
    // The × with the pointer; a dismissed question deletes nothing.
    // (The × of a tab not chosen shows while the pointer is over it.)
    page.once('dialog', (d) => d.dismiss());
    await page.hover('.file-tabs [role="tab"][title="config.py"]');
    await page.click('.file-tabs [role="tab"][title="config.py"] .tab-close');
    if ((await page.$$('.file-tabs [role="tab"]')).length !== 3) throw new Error('deleted although refused');
    page.once('dialog', (d) => d.accept());
    await page.hover('.file-tabs [role="tab"][title="config.py"]');
    await page.click('.file-tabs [role="tab"][title="config.py"] .tab-close');
    await page.waitForSelector('.file-tabs [role="tab"][title="config.py"]', { state: 'detached', timeout: 5000 });
    // On a narrow screen the strip scrolls, and a file just added is brought into view, its ×
    // included.
    await page.setViewportSize({ width: 768, height: 900 });
    page.once('dialog', (d) => d.accept(`blog/${long}`));
    await page.click('#file-add');
    const added = page.locator(`.file-tabs [role="tab"][title="blog/${long}"]`);
    await added.waitFor({ timeout: 5000 });
    await page.waitForTimeout(300);
    const seen = await added.evaluate((t) => {
      const strip = t.parentElement.getBoundingClientRect(), c = t.querySelector('.tab-close').getBoundingClientRect();
      return { inside: c.left >= strip.left - 1 && c.right <= strip.right + 1, scrolled: t.parentElement.scrollLeft };
    });
    if (!seen.inside) throw new Error(`the new tab's × is out of view: ${JSON.stringify(seen)}`);
    await shot(page, 'e2e-long-tab-768.png');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await check('after a deploy the page offers the new version and reloads into it without losing work; the next visit gets it too', async () => {
    // A copy of the build, served on its own port, that is "deployed" again with a changed sw.js.
    const dir = await mkdtemp(join(tmpdir(), 'fsp-deploy-'));
    await cp(root, dir, { recursive: true });
    const served = await serve(dir);
    const url = served.base;
    const redeploy = async (build) => {
      const sw = (await readFile(join(dir, 'sw.js'))).toString();
      const cache = sw.match(/const CACHE = '(fsp-[^']+)'/)[1];
      await writeFile(join(dir, 'sw.js'), sw.replace(`'${cache}'`, `'${cache.replace(/(-b\d)?$/, `-b${build}`)}'`));
      const html = (await readFile(join(dir, 'index.html'))).toString().replace(/<meta name="fsp-build"[^>]*>|<\/head>/, (m) => `<meta name="fsp-build" content="${build}">${m.startsWith('</') ? m : ''}`);
      await writeFile(join(dir, 'index.html'), html);
    };
    const build = (page) => page.evaluate(() => document.querySelector('meta[name="fsp-build"]')?.content || 'first');
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const open = async () => {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => problems.push(`page error (update): ${e.message}`));
      await page.goto(url);
      await ready(page);
      return page;
    };
    try {
      let page = await open();
      await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30000 });
      await redeploy(2);
      await page.reload();
      await ready(page);
      // The cached build opens first; its worker finds the new one, which installs and waits.
      if ((await build(page)) !== 'first') throw new Error(`first visit after the deploy: build ${await build(page)}`);
      await page.waitForSelector('.notice:has-text("A new version of the playground is available")', { timeout: 30000 });
      await page.click('role=tab[name="models.py"]');
      await page.evaluate(() => window.FspEditor.current.dispatch({ changes: { from: 0, insert: '# typed before the update\n' }, userEvent: 'input.type' }));
      await shot(page, 'e2e-update-offered.png');
      await Promise.all([page.waitForEvent('load', { timeout: 30000 }), page.click('.notice button:has-text("Reload")')]);
      await ready(page);
      if ((await build(page)) !== '2') throw new Error(`after Reload: build ${await build(page)}`);
      await page.click('role=tab[name="models.py"]');
      if (!(await editorText(page)).startsWith('# typed before the update\n')) throw new Error('the work typed before Reload was lost');
      const caches = await page.evaluate(() => caches.keys());
      if (caches.length !== 1 || !caches[0].endsWith('-b2')) throw new Error(`caches: ${caches}`);
      if (await page.$('.notice:has-text("A new version")')) throw new Error('still offered after the update');
      // Deployed again, and the learner ignores the offer: once the tab is closed, the next visit
      // opens the new build.
      await redeploy(3);
      await page.reload();
      await ready(page);
      await page.waitForSelector('.notice:has-text("A new version of the playground is available")', { timeout: 30000 });
      await page.close();
      await new Promise((r) => setTimeout(r, 500));
      page = await open();
      if ((await build(page)) !== '3') throw new Error(`next visit: build ${await build(page)}`);
      await page.click('role=tab[name="models.py"]');
      if (!(await editorText(page)).startsWith('# typed before the update\n')) throw new Error('work lost on the next visit');
      // Offline, the new build opens from its cache.
      await ctx.setOffline(true);
      await served.stop();
      await page.reload();
      await ready(page);
      if ((await build(page)) !== '3') throw new Error(`offline: build ${await build(page)}`);
    } finally {
      await ctx.setOffline(false);
      await served.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  await check('a visitor still on the first offline build (whose worker and page offer nothing) is reloaded into a new deploy, told so, with the work kept', async () => {
    // The first cut's worker (commit a3888ec): it took over at once and its page watched nothing.
    const firstCut = (files, cache) => `const FILES = ${files};\nconst CACHE = '${cache}';
self.addEventListener('install', (e) => {
  self.skipWaiting();
  if (FILES.length) e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fsp-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (e) => {
  const r = e.request;
  if (!FILES.length || r.method !== 'GET' || new URL(r.url).origin !== location.origin) return;
  e.respondWith(caches.open(CACHE).then((c) => c.match(r, { ignoreSearch: true })).then((hit) => hit || fetch(r)));
});`;
    const dir = await mkdtemp(join(tmpdir(), 'fsp-firstcut-'));
    await cp(root, dir, { recursive: true });
    const sw = (await readFile(join(dir, 'sw.js'))).toString();
    const html = (await readFile(join(dir, 'index.html'))).toString();
    const files = sw.match(/const FILES = (\[[^\]]*\]);/)[1];
    const build = (tag) => (h) => h.replace('</head>', `<meta name="fsp-build" content="${tag}"></head>`);
    // The old build: its worker, and its page without the script that watches for a new one.
    const oldHtml = build('first-cut')(html.replace(/<script>[^<]*fsp-update[^<]*<\/script>/, ''));
    if (oldHtml.includes('fsp-update')) throw new Error('the update script was not removed from the old page');
    await writeFile(join(dir, 'sw.js'), firstCut(files, 'fsp-first-cut'));
    await writeFile(join(dir, 'index.html'), oldHtml);
    const served = await serve(dir);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => problems.push(`page error (first cut): ${e.message}`));
      await page.goto(served.base);
      await ready(page);
      await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30000 });
      await page.click('role=tab[name="models.py"]');
      await page.evaluate(() => window.FspEditor.current.dispatch({ changes: { from: 0, insert: '# typed on the old build\n' }, userEvent: 'input.type' }));
      await page.waitForTimeout(600);
      // This build is deployed.
      await writeFile(join(dir, 'sw.js'), sw);
      await writeFile(join(dir, 'index.html'), build('new')(html));
      // The old worker opens the old page; the new worker, behind it, takes over and reloads it.
      await page.reload();
      await page.waitForSelector('meta[name="fsp-build"][content="new"]', { state: 'attached', timeout: 60000 });
      await ready(page);
      await page.waitForSelector('.notice:has-text("updated to a new version while it was open")', { timeout: 20000 });
      if (page.url().includes('fsp-updated')) throw new Error(`the address keeps the mark: ${page.url()}`);
      await page.click('role=tab[name="models.py"]');
      if (!(await editorText(page)).startsWith('# typed on the old build\n')) throw new Error('the work typed on the old build was lost');
      const keys = await page.evaluate(() => caches.keys());
      if (keys.length !== 1 || keys[0] === 'fsp-first-cut') throw new Error(`caches: ${keys}`);
      await shot(page, 'e2e-update-from-first-cut.png');
    } finally {
      await served.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const c of contexts) await c.close();
}
