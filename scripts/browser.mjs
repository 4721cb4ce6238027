// Headless Debian Chromium through playwright-core, plus a tiny static file server.
//
// Usage (from a JS folder whose node_modules has playwright-core):
//   import { launchBrowser, launchContext, serveStatic } from './browser.mjs';
//   const server = await serveStatic('path/to/dir');        // { url, close }
//   const browser = await launchBrowser();                   // playwright Browser
//   const page = await browser.newPage();
//   await page.goto(server.url + 'index.html');
//   ...
//   await browser.close(); await server.close();
//
// Never lets Playwright download a browser: it always drives CHROMIUM_PATH
// (default /usr/bin/chromium, from Debian's `chromium` package).

import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// playwright-core is resolved from this file's folder first (when copied next to
// node_modules), then from the current working directory (when imported from scripts/).
async function loadChromium() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (err) {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    const require = createRequire(path.join(process.cwd(), 'noop.js'));
    try {
      return require('playwright-core').chromium;
    } catch {
      throw new Error(
        `playwright-core not found next to ${import.meta.url} nor in ${process.cwd()}/node_modules; ` +
          'run scripts/setup-browser.sh JS_DIR and start node from JS_DIR',
      );
    }
  }
}

async function checkChromium() {
  try {
    await stat(CHROMIUM_PATH);
  } catch {
    throw new Error(`${CHROMIUM_PATH} missing: run scripts/setup-browser.sh (apt-get install chromium)`);
  }
}

/**
 * Launch headless Debian Chromium; returns a playwright Browser.
 * Each launch gets a fresh user-data-dir: Playwright's launch() creates one with
 * mkdtemp (os.tmpdir()/playwright_chromiumdev_profile-XXXXXX, passed as
 * --user-data-dir) and deletes it on browser.close(). launch() refuses a
 * --user-data-dir of our own in args; use launchContext() to choose the dir.
 */
export async function launchBrowser({ args = [], ...options } = {}) {
  await checkChromium();
  const chromium = await loadChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    timeout: 60_000,
    ...options,
  });
}

/**
 * Launch headless Chromium as a persistent BrowserContext on a fresh mkdtemp
 * user-data-dir; context.close() deletes the dir. context.userDataDir says where it is.
 */
export async function launchContext({ args = [], ...options } = {}) {
  await checkChromium();
  const chromium = await loadChromium();
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'attain-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      timeout: 60_000,
      ...options,
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  context.userDataDir = userDataDir;
  const close = context.close.bind(context);
  context.close = async (...a) => {
    await close(...a).catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
  };
  return context;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm', // needed by WebAssembly.instantiateStreaming
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
  '.rhai': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Serve `dir` over http on 127.0.0.1 (random free port). Returns
 * { url: 'http://127.0.0.1:PORT/', close: async () => {} }. '/' serves index.html.
 */
export async function serveStatic(dir, { port = 0 } = {}) {
  const root = path.resolve(dir);
  if (!(await stat(root).catch(() => null))?.isDirectory()) {
    throw new Error(`serveStatic: ${root} is not a directory`);
  }
  const server = http.createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://x');
      let file = path.resolve(root, '.' + decodeURIComponent(pathname));
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(err.code === 'ENOENT' ? 404 : 500).end(String(err.code || err));
    }
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
