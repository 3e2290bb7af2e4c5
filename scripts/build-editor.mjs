// Bundles web/editor.js (CodeMirror 6 from node_modules) into build/editor.js, one minified
// classic script that Trunk copies into dist/. Also writes build/sql-wasm.js: sql.js's loader
// (node_modules/sql.js/dist/sql-wasm.js, which ships with its comments and indentation)
// minified, 1.8 kB gzip less for the page (the file has no licence comment to keep; sql.js's
// MIT licence is in node_modules/sql.js/LICENSE). Run by Trunk's pre_build hook (Trunk.toml).
import { build, transform } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await mkdir(join(root, 'build'), { recursive: true });
await build({
  entryPoints: [join(root, 'web/editor.js')],
  outfile: join(root, 'build/editor.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
const sqljs = await readFile(join(root, 'node_modules/sql.js/dist/sql-wasm.js'), 'utf8');
const { code } = await transform(sqljs, { minify: true, legalComments: 'inline', logLevel: 'warning' });
await writeFile(join(root, 'build/sql-wasm.js'), code);
