// Trunk post_build hook (after minify-glue.mjs): in a release build, writes into the staged
// sw.js the list of the page's files and a cache name made of their hash, so that each build's
// service worker differs from the last one's and replaces its cache. Dev builds keep sw.js
// unstamped: it then passes every request through (no stale files while editing).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run by Trunk');
const names = (await readdir(dir)).filter((n) => n !== 'sw.js').sort();
const hash = createHash('sha256');
for (const n of names) hash.update(n).update(await readFile(join(dir, n)));
const swPath = join(dir, 'sw.js');
const sw = await readFile(swPath, 'utf8');
const stamped = sw
  .replace('const FILES = [];', `const FILES = ${JSON.stringify(['./', ...names])};`)
  .replace("const CACHE = 'fsp-dev';", `const CACHE = 'fsp-${hash.digest('hex').slice(0, 16)}';`);
if (stamped === sw) throw new Error('sw.js: the placeholders were not found');
await writeFile(swPath, stamped);
