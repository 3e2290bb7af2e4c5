// End-to-end test: serves dist/ on 127.0.0.1, opens the playground in headless Chromium, presses
// Run, and checks that the tutorial's tables appear; then types a shell line and checks its echo
// and SQL. Screenshots go to test-artifacts/. Fails on page errors and on any request that
// leaves 127.0.0.1.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import initSqlJs from 'sql.js';
import { keepTests } from './keep.mjs';
import { serve } from './serve.mjs';

const root = process.argv[2] || 'dist';
const artifacts = process.argv[3] || 'test-artifacts';
const served = await serve(root);
const base = served.base;
await mkdir(artifacts, { recursive: true });

let passed = 0, failed = 0;
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
// blob: URLs of this page (the PNG export draws the SVG through one) stay in the page.
// The context's requests: the page's and the service worker's own (its precache).
page.context().on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith(`blob:${base}`)) problems.push(`request left 127.0.0.1: ${r.url()}`); });

// E2E_ONLY=text runs only the checks whose name contains it (while working on them).
async function check(name, fn) {
  if (process.env.E2E_ONLY && !name.includes(process.env.E2E_ONLY)) return;
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL - ${name}: ${e.message}`);
  }
}

const shot = (name) => page.screenshot({ path: join(artifacts, name) });
// Replaces the text of the editor (CodeMirror) as typing would.
async function setEditorText(text) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.evaluate((t) => {
    const view = window.FspEditor.current;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t }, userEvent: 'input.type' });
  }, text);
}

await check('page loads, sql.js becomes ready and the tutorial tables show without pressing Run', async () => {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  await page.waitForSelector('[data-table="role"]', { timeout: 20000 });
  await page.waitForSelector('[data-table="user"]', { timeout: 20000 });
  const ddl = await page.textContent('[data-table="user"] pre.ddl[data-dialect="sqlite"]');
  if (!ddl.includes('FOREIGN KEY(role_id) REFERENCES role (id)')) throw new Error(`unexpected DDL: ${ddl}`);
  const badges = await page.textContent('[data-table="user"] table.columns');
  for (const b of ['PK', 'FK → role.id', 'unique', 'NOT NULL']) if (!badges.includes(b)) throw new Error(`badge ${b} missing`);
  await page.waitForSelector('.cm-editor .cm-content', { timeout: 10000 });
  await shot('e2e-tutorial.png');
});
await check('before CodeMirror loads the files are in a textarea that edits and runs; CodeMirror then takes its text, caret, focus and error mark', async () => {
  // CodeMirror's bundle runs once the first results are painted: held back here, the page is
  // interactive with the textarea alone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const early = await context.newPage();
  early.on('pageerror', (e) => { if (e.message !== 'unreachable') problems.push(`page error (textarea first): ${e.message}`); });
  let release;
  const held = new Promise((r) => (release = r));
  await early.route('**/editor.js', async (route) => { await held; await route.continue(); });
  try {
    await early.goto(base);
    await early.waitForSelector('[data-table="user"]', { timeout: 30000 });
    await early.waitForSelector('textarea#code', { state: 'visible', timeout: 5000 });
    if (await early.$('.cm-content')) throw new Error('CodeMirror is there although its bundle was held back');
    await early.screenshot({ path: join(artifacts, 'e2e-startup-textarea.png') });
    const lines = await early.$eval('textarea#code', (t) => t.value.split('\n').length);
    // Typing (as a learner types: input events), then Ctrl+Enter: the project runs.
    await early.click('textarea#code');
    await early.keyboard.press('Control+End');
    await early.keyboard.insertText('\n\nclass Tag(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n\nx = undefined_name\n');
    await early.keyboard.press('Control+Enter');
    await early.waitForSelector('.import-error', { timeout: 10000 });
    // The error's line is marked in the textarea's gutter.
    const marked = await early.$eval('.gutter .marks .on', (on) => {
      return on.hidden ? 0 : Math.round((on.offsetTop - 4) / parseFloat(getComputedStyle(on).lineHeight)) + 1;
    });
    if (marked !== lines + 5) throw new Error(`error marked at line ${marked}, expected ${lines + 5}`);
    // Fix it; the new table shows.
    await early.keyboard.press('Backspace');
    for (let i = 0; i < 'x = undefined_name'.length; i++) await early.keyboard.press('Backspace');
    await early.keyboard.press('Control+Enter');
    await early.waitForSelector('[data-table="tag"]', { timeout: 10000 });
    await early.keyboard.insertText('x = undefined_name\n');
    await early.keyboard.press('Control+Enter');
    await early.waitForSelector('.import-error', { timeout: 10000 });
    const before = await early.$eval('textarea#code', (t) => { t.setSelectionRange(5, 9); return t.value; });
    // CodeMirror comes: same text, same selection, the focus kept, the error marked at its line.
    release();
    await early.waitForSelector('.cm-content', { timeout: 10000 });
    const after = await early.evaluate(() => {
      const v = window.FspEditor.current;
      const line = document.querySelector('.cm-error-line');
      return { text: v.state.doc.toString(), from: v.state.selection.main.from, to: v.state.selection.main.to, focused: v.hasFocus,
        area: !!document.querySelector('textarea#code')?.offsetParent, error: line && v.state.doc.lineAt(v.posAtDOM(line)).number };
    });
    if (after.text !== before) throw new Error('CodeMirror does not show what was typed');
    if (after.from !== 5 || after.to !== 9 || !after.focused) throw new Error(`caret or focus lost: ${JSON.stringify(after)}`);
    if (after.area) throw new Error('the textarea still shows beside CodeMirror');
    if (after.error !== lines + 5) throw new Error(`CodeMirror marks the error at line ${after.error}, expected ${lines + 5}`);
    await early.waitForSelector('.cm-inline-error', { timeout: 5000 });
    await early.screenshot({ path: join(artifacts, 'e2e-startup-codemirror.png') });
    // And it edits: the fix runs.
    await early.keyboard.press('Control+End');
    await early.keyboard.press('Backspace');
    for (let i = 0; i < 'x = undefined_name'.length; i++) await early.keyboard.press('Backspace');
    await early.keyboard.press('Control+Enter');
    await early.waitForSelector('.import-error', { state: 'detached', timeout: 10000 });
    // A wasm trap (what a panic becomes) is said on the page.
    await early.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }));
    await early.waitForSelector('#fsp-crash[role="alert"]:has-text("internal error")', { timeout: 5000 });
  } finally {
    release();
    await context.close();
  }
});
await check('switching dialects shows that dialect\'s DDL', async () => {
  const shown = () => page.$$eval('[data-table="user"] pre.ddl', (els) => els.filter((e) => e.offsetParent).map((e) => e.textContent));
  await page.click('.segmented [data-dialect="postgresql"]');
  const pg = await shown();
  if (pg.length !== 1 || !pg[0].includes('id SERIAL NOT NULL')) throw new Error(`PostgreSQL DDL: ${pg}`);
  await page.click('.segmented [data-dialect="mysql"]');
  const my = await shown();
  if (my.length !== 1 || !my[0].includes('id INTEGER NOT NULL AUTO_INCREMENT')) throw new Error(`MySQL DDL: ${my}`);
  await shot('e2e-mysql.png');
  await page.click('.segmented [data-dialect="sqlite"]');
});
await check('typing a model updates the tables and the diagram', async () => {
  const models = (await page.evaluate(() => window.FspEditor.current.state.doc.toString()));
  await setEditorText(models + "\n\nclass Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    title = db.Column(db.String(80), nullable=False)\n    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))\n");
  await page.waitForSelector('[data-table="post"]', { timeout: 10000 });
  await page.click('role=tab[name="Diagram"]');
  await page.waitForSelector('#er-diagram g[data-table="post"]', { timeout: 10000 });
  const labels = await page.$$eval('#er-diagram text.er-label', (els) => els.map((e) => e.textContent));
  if (!labels.includes('user_id') || !labels.includes('role_id')) throw new Error(`FK labels: ${labels}`);
  await shot('e2e-diagram.png');
});
await check('wide screens show the DDL of the three dialects side by side', async () => {
  await page.setViewportSize({ width: 2200, height: 900 });
  await page.click('role=tab[name=/^Tables/]');
  await page.waitForFunction(() => !document.querySelector('.segmented')?.offsetParent, null, { timeout: 5000 });
  const shown = await page.$$eval('[data-table="user"] pre.ddl', (els) => els.filter((e) => e.offsetParent).map((e) => e.dataset.dialect));
  if (shown.join() !== 'sqlite,postgresql,mysql') throw new Error(`shown: ${shown}`);
  await shot('e2e-wide-ddl.png');
  await page.setViewportSize({ width: 1280, height: 800 });
});
await check('relationships show the SQL of their lazy load', async () => {
  await page.click('role=tab[name=/Relationships/]');
  await page.waitForSelector('[data-relationship="Role.users"]', { timeout: 10000 });
  const sql = await page.textContent('[data-relationship="Role.users"] pre.load-sql');
  if (sql !== 'SELECT user.id, user.username, user.email, user.role_id \nFROM user \nWHERE ? = user.role_id') throw new Error(`load SQL: ${JSON.stringify(sql)}`);
  // The role table is empty: Role.query.first() would be None, so the button waits for a row.
  if (!(await page.isDisabled('[data-relationship="Role.users"] button.try'))) throw new Error('try enabled on an empty table');
  await page.waitForSelector('[data-relationship="Role.users"] .try-note', { timeout: 2000 });
  await shot('e2e-relationships.png');
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
  await page.fill('#console-input', 'for r in Role.query.all():\n    print(r.name)\n');
  await page.press('#console-input', 'Control+Enter');
  await page.waitForSelector('pre.stdout:text("admin")', { timeout: 10000 });
  await page.fill('#console-input', 'true');
  await page.press('#console-input', 'Enter');
  await page.waitForSelector('.hint-line', { timeout: 10000 });
  // The whole traceback, as the flask shell prints it.
  const tb = await page.textContent('.transcript .line:last-child pre.traceback');
  if (!tb.startsWith('Traceback (most recent call last):\n  File "<console>", line 1, in <module>\nNameError: name \'true\' is not defined'))
    throw new Error(`traceback: ${JSON.stringify(tb)}`);
  await shot('e2e-console.png');
});
await check('the tutorial\'s terminal commands typed in the console get a hint; the newest line stays in view', async () => {
  // The video types `flask shell` in a terminal; a learner types it here (real Python: SyntaxError).
  await page.fill('#console-input', 'flask shell');
  await page.press('#console-input', 'Enter');
  await page.waitForSelector('.transcript .line:last-child .hint-line:has-text("already is the flask shell")', { timeout: 10000 });
  const tb = await page.textContent('.transcript .line:last-child pre.traceback');
  if (!tb.endsWith('SyntaxError: invalid syntax')) throw new Error(`traceback: ${JSON.stringify(tb)}`);
  // Enough lines to overflow the transcript: the last one's output must be scrolled into view.
  for (let i = 0; i < 12; i++) {
    await page.fill('#console-input', `print('line ${i}')`);
    await page.press('#console-input', 'Enter');
  }
  await page.waitForSelector('pre.stdout:text("line 11")', { timeout: 10000 });
  await page.waitForFunction(() => {
    const log = document.querySelector('.transcript');
    const last = log.querySelector('.line:last-child pre.stdout').getBoundingClientRect();
    return last.bottom <= log.getBoundingClientRect().bottom + 1 && log.scrollHeight > log.clientHeight;
  }, null, { timeout: 5000 });
  await shot('e2e-console-scrolled.png');
});
await check('the SQL log groups statements under their line; Data shows the rows', async () => {
  await page.click('role=tab[name="SQL log"]');
  const log = await page.textContent('#panel-sql');
  if (!log.includes('INFO sqlalchemy.engine.Engine INSERT INTO role (name) VALUES (?)')) throw new Error('log');
  await shot('e2e-sql-log.png');
  await page.click('role=tab[name="Data"]');
  await page.selectOption('#data-table', 'role');
  await page.waitForSelector('table.data td:text("admin")', { timeout: 10000 });
  const next = await page.textContent('.pager button[aria-label="Next page"]');
  if (next.trim() !== '›' || !(await page.isDisabled('.pager button[aria-label="Next page"]'))) throw new Error(`pager: ${next}`);
  await shot('e2e-data.png');
});
await check('a relationship\'s button runs it in the console', async () => {
  await page.click('role=tab[name=/Relationships/]');
  await page.click('[data-relationship="Role.users"] button.try');
  await page.waitForSelector('.transcript pre.input:has-text("Role.query.first().users")', { timeout: 10000 });
});
await check('the diagram exports as SVG and PNG', async () => {
  await page.click('role=tab[name="Diagram"]');
  const [svg] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export-svg')]);
  if (svg.suggestedFilename() !== 'er-diagram.svg') throw new Error(svg.suggestedFilename());
  const svgText = (await readFile(await svg.path())).toString();
  if (!svgText.startsWith('<svg') || !svgText.includes('role_id')) throw new Error(`SVG: ${svgText.slice(0, 80)}`);
  const [png] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export-png')]);
  if (png.suggestedFilename() !== 'er-diagram.png') throw new Error(png.suggestedFilename());
  const bytes = await readFile(await png.path());
  if (bytes.length < 1000 || bytes.subarray(1, 4).toString() !== 'PNG') throw new Error(`PNG: ${bytes.length} bytes`);
  // Width and height from the IHDR chunk: twice the diagram's size.
  const width = bytes.readUInt32BE(16), height = bytes.readUInt32BE(20);
  if (width < 200 || height < 100) throw new Error(`PNG ${width}x${height}`);
  await writeFile(join(artifacts, 'e2e-export.png'), bytes);
});
await check('an import of a package the playground lacks names its stand-in', async () => {
  const text = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  await setEditorText('from flask_login import UserMixin\n' + text);
  await page.waitForSelector('.standin-note', { timeout: 10000 });
  const note = await page.textContent('.standin-note');
  if (!note.startsWith('flask_login is not available')) throw new Error(note);
  await shot('e2e-standin.png');
  await setEditorText(text);
  await page.waitForSelector('.standin-note', { state: 'detached', timeout: 10000 });
});
await check('an import error shows with its hint, at its line in the editor', async () => {
  const text = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  await setEditorText(text.replace('lazy=True', 'lasy=True'));
  await page.waitForSelector('.import-error .hint-line', { timeout: 10000 });
  await page.waitForSelector('.cm-error-marker', { timeout: 10000 });
  const inline = await page.textContent('.cm-inline-error');
  if (!inline.includes('lasy')) throw new Error(`inline error: ${inline}`);
  // On a short pane (as with the lessons open) the error, its hint and the Traceback toggle all
  // stay in view: nothing to scroll to find them.
  await page.setViewportSize({ width: 1280, height: 560 });
  const fits = await page.evaluate(() => {
    const box = document.querySelector('.import-status').getBoundingClientRect();
    const toggle = document.querySelector('.import-traceback summary').getBoundingClientRect();
    return { box: box.bottom, toggle: toggle.bottom };
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (fits.toggle > fits.box) throw new Error(`Traceback toggle cut off: ${JSON.stringify(fits)}`);
  await page.click('.import-traceback summary');
  const tb = await page.textContent('.import-traceback pre');
  if (!tb.startsWith('Traceback (most recent call last):') || !tb.includes('models.py')) throw new Error(`traceback: ${tb}`);
  await shot('e2e-import-error.png');
  await setEditorText(text);
  await page.waitForSelector('.import-error', { state: 'detached', timeout: 10000 });
});
await check('the tutorial\'s lower-case db.model gets its hint (Flask-SQLAlchemy says only "AttributeError: model")', async () => {
  const text = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  await setEditorText(text.replace('class Role(db.Model)', 'class Role(db.model)'));
  await page.waitForSelector('.import-error .hint-line:has-text("write db.Model, not db.model")', { timeout: 10000 });
  const err = await page.textContent('.import-error pre.error');
  if (err !== 'AttributeError: model') throw new Error(`error: ${err}`);
  await shot('e2e-db-model-hint.png');
  await setEditorText(text);
  await page.waitForSelector('.import-error', { state: 'detached', timeout: 10000 });
});
await check('relationship(\'user\') (the table\'s name) marks the Relationships tab and hints at the class', async () => {
  const text = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  await setEditorText(text.replace("relationship('User'", "relationship('user'"));
  await page.waitForSelector('#tab-relationships .count.error', { timeout: 10000 });
  await page.click('role=tab[name=/Relationships/]');
  await page.waitForSelector('#panel-relationships .hint-line:has-text("db.relationship(\'User\', ...)")', { timeout: 10000 });
  await shot('e2e-relationship-table-name.png');
  // In the console the error comes at the first query, as in a real flask shell; its hint too.
  await page.click('role=tab[name="Console"]');
  await page.fill('#console-input', 'Role.query.all()');
  await page.press('#console-input', 'Enter');
  await page.waitForSelector('.transcript .line:last-child .hint-line:has-text("db.relationship(\'User\', ...)")', { timeout: 10000 });
  await setEditorText(text);
  await page.waitForSelector('#tab-relationships .count.error', { state: 'detached', timeout: 10000 });
  await page.click('role=tab[name=/^Tables/]');
});
await check('files come back after a reload, the transcript too', async () => {
  await page.reload();
  await page.waitForSelector('[data-table="post"]', { timeout: 30000 });
  await page.click('role=tab[name="Console"]');
  await page.waitForSelector('.transcript pre.input:has-text("Role.query.all()")', { timeout: 10000 });
});
await check('narrow (768 px) and dark screens', async () => {
  await page.setViewportSize({ width: 768, height: 900 });
  await page.click('role=tab[name=/^Tables/]');
  // The result tabs stay on one row; the keyboard reaches the last one and it scrolls into view.
  const tops = await page.$$eval('.result-tabs [role="tab"]', (els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  if (tops.length !== 6 || new Set(tops).size !== 1) throw new Error(`tabs on more than one row: tops ${tops}`);
  await page.focus('#tab-tables');
  await page.keyboard.press('End');
  const last = await page.evaluate(() => {
    const bar = document.querySelector('.result-tabs').getBoundingClientRect();
    const tab = document.activeElement.getBoundingClientRect();
    return { id: document.activeElement.id, selected: document.activeElement.getAttribute('aria-selected'),
      inside: tab.left >= bar.left - 1 && tab.right <= bar.right + 1 };
  });
  if (last.id !== 'tab-console' || last.selected !== 'true' || !last.inside) throw new Error(`End key: ${JSON.stringify(last)}`);
  await page.keyboard.press('Home');
  // A long line in the editor is reachable: it wraps inside the pane instead of being cut.
  const text = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  await page.evaluate(() => {
    const view = window.FspEditor.current;
    view.dispatch({ changes: { from: 0, insert: `# ${'a long comment that goes on '.repeat(8)}LINE-END\n` } });
  });
  const reach = await page.evaluate(() => {
    const view = window.FspEditor.current;
    const end = view.state.doc.line(1).to;
    const at = view.coordsAtPos(end);
    const box = view.scrollDOM.getBoundingClientRect();
    return { right: at && at.right, boxRight: box.right, scrolled: view.scrollDOM.scrollLeft };
  });
  if (!reach.right || reach.right > reach.boxRight || reach.scrolled !== 0) throw new Error(`long line cut: ${JSON.stringify(reach)}`);
  await shot('e2e-768.png');
  await setEditorText(text);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('e2e-768-dark.png');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.click('role=tab[name="Diagram"]');
  await shot('e2e-dark-diagram.png');
  await page.setViewportSize({ width: 2200, height: 900 });
  await page.click('role=tab[name=/^Tables/]');
  await shot('e2e-wide-dark.png');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
});
await check('a .py file dropped on the editor replaces its namesake; a pasted non-.py file is refused', async () => {
  await page.click('role=tab[name=/^Tables/]');
  await page.click('role=tab[name="models.py"]');
  const original = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  const count = await page.$$eval('.file-tabs [role="tab"]', (els) => els.length);
  const bring = (event, name, text) => page.evaluate(([event, name, text]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'text/plain' }));
    const target = document.querySelector('.cm-content');
    if (event === 'drop') {
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    } else {
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }
  }, [event, name, text]);
  const dropped = original + '\n\nclass Tag(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n';
  await bring('drop', 'models.py', dropped);
  await page.waitForSelector('article[data-table="tag"]', { timeout: 10000 });
  const shown = await page.evaluate(() => window.FspEditor.current.state.doc.toString());
  if (shown !== dropped) throw new Error(`editor after the drop: ${shown.slice(-120)}`);
  if ((await page.$$eval('.file-tabs [role="tab"]', (els) => els.length)) !== count) throw new Error('a file was added');
  await bring('paste', 'notes.txt', 'hello');
  await page.waitForSelector('.notice:has-text("notes.txt was not added")', { timeout: 5000 });
  await shot('e2e-upload.png');
  await bring('drop', 'models.py', original);
  await page.waitForSelector('article[data-table="tag"]', { state: 'detached', timeout: 10000 });
});
await check('an SQLite file opened in the Data tab is browsed there; closing it brings back the project\'s', async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO item (name) VALUES ('widget'), ('gadget');");
  const bytes = Buffer.from(db.export());
  db.close();
  await page.click('role=tab[name="Data"]');
  await page.setInputFiles('#open-db', { name: 'shop.db', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForSelector('.opened-note:has-text("shop.db")', { timeout: 10000 });
  await page.waitForSelector('table.data td:text("widget")', { timeout: 10000 });
  const options = await page.$$eval('#data-table option', (els) => els.map((e) => e.value));
  if (options.join() !== 'item') throw new Error(`tables: ${options}`);
  await shot('e2e-opened-db.png');
  await page.click('#close-db');
  await page.waitForFunction(() => [...document.querySelectorAll('#data-table option')].some((o) => o.value === 'role'), null, { timeout: 10000 });
  await page.setInputFiles('#open-db', { name: 'notes.db', mimeType: 'application/octet-stream', buffer: Buffer.from('not a database at all, just text that is long enough to be read as a header') });
  await page.waitForSelector('.notice:has-text("notes.db could not be opened")', { timeout: 10000 });
});
await check('after the first visit the page works offline (service worker)', async () => {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30000 });
  // Offline for real: the browser's network off, and the server stopped too.
  await page.context().setOffline(true);
  await served.stop();
  try {
    await page.reload();
    await page.waitForSelector('[data-table="role"]', { timeout: 30000 });
    await page.waitForSelector('[data-table="user"]', { timeout: 30000 });
    await page.waitForSelector('.cm-editor .cm-content', { timeout: 10000 });
    await shot('e2e-offline.png');
  } finally {
    await page.context().setOffline(false);
    await served.restart();
  }
});
await keepTests({ browser, base, root, check, artifacts, problems });
await check('no page errors and no request left 127.0.0.1', async () => {
  if (problems.length) throw new Error(problems.join('; '));
});

await browser.close();
await served.stop();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
