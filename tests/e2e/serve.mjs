// The static server of the end-to-end tests (run.mjs serves dist/, keep.mjs copies of it):
// `dir` on 127.0.0.1, on a port of its own. `stop()` closes it and its open connections (the
// page then finds no server, as offline); `restart()` listens again on the same port.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

export async function serve(dir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
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
  const port = server.address().port;
  let listening = true;
  return {
    base: `http://127.0.0.1:${port}/`,
    port,
    stop() {
      if (!listening) return Promise.resolve();
      listening = false;
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
    restart() {
      if (listening) return Promise.resolve();
      listening = true;
      return new Promise((r) => server.listen(port, '127.0.0.1', r));
    },
  };
}

// For the benchmarks: one load of `base` in a context of its own, unmeasured, then a second's
// pause. Just after it starts, the browser loads its own WebUI pages (about 200 chrome://
// requests) on the machine's cores; measured loads then no longer share them with that.
export async function warmUp(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('.cm-content', { timeout: 60000 }).catch(() => {});
  await context.close();
  await new Promise((r) => setTimeout(r, 1000));
}
