// Bundles web/editor.js (CodeMirror 6 from node_modules) into build/editor.js, one minified
// classic script that Trunk copies into dist/. Run by Trunk's pre_build hook (Trunk.toml).
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
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
