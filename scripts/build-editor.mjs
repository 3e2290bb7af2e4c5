// Bundles web/editor.js (CodeMirror 6 from node_modules) into build/editor.js, one minified
// classic script that Trunk copies into dist/. Also writes build/sql-wasm.js: sql.js's loader
// (node_modules/sql.js/dist/sql-wasm.js, which ships with its comments and indentation)
// minified, 1.8 kB gzip less for the page (the file has no licence comment to keep; sql.js's
// MIT licence is in node_modules/sql.js/LICENSE). And build/sql-wasm.wasm: sql.js's wasm through
// binaryen's wasm-opt -Oz --converge (emscripten's own wasm-opt ran fewer rounds), the same
// imports and exports for the loader: 336,356 -> 335,546 bytes gzip -9; done again only when
// node_modules' copy is newer. Run by Trunk's pre_build hook (Trunk.toml).
//
// Both start with V8's per-file compile hint, `//# allFunctionsCalledOnLoad` (Chrome 136+; a
// comment elsewhere): every function of the file is compiled on the thread that streams the
// script in, instead of one by one on the main thread when first called. The page calls most
// of them while it starts (creating the editor, initialising sql.js); measured on the start-up
// A/B bench, the main thread's CPU until interactive went from 308 to 280 ms (median of 12 runs
// each), the worker threads' up.
import { build, transform } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HINT = '//# allFunctionsCalledOnLoad';
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
  banner: { js: HINT },
});
const sqljs = await readFile(join(root, 'node_modules/sql.js/dist/sql-wasm.js'), 'utf8');
const { code } = await transform(sqljs, { minify: true, legalComments: 'inline', logLevel: 'warning' });
await writeFile(join(root, 'build/sql-wasm.js'), `${HINT}\n${code}`);

// The features sql.js's wasm uses (emscripten's defaults), which wasm-opt must be told of.
const sqlWasm = join(root, 'node_modules/sql.js/dist/sql-wasm.wasm');
const sqlWasmOut = join(root, 'build/sql-wasm.wasm');
const mtime = (path) => stat(path).then((s) => s.mtimeMs, () => 0);
if ((await mtime(sqlWasmOut)) <= (await mtime(sqlWasm))) {
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'), [
    '-Oz', '--converge', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', sqlWasm, '-o', sqlWasmOut,
  ], { stdio: 'inherit' });
}
