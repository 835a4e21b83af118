// dist/ on the static hosts volunteers have, as they come: Debian's nginx
// with its stock mime.types (no TallyScan-specific configuration) and
// `python3 -m http.server`. On each: the page loads, a batch of images and
// a PDF of three pages is read against the simulator, every script and
// worker is served with a JavaScript type, and after the first visit the
// page loads offline. Each server is started on a free port and stopped by
// the test.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST,
// Debian's nginx and the PDF tools (scripts/setup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { makeImages, rowsOf, withApp, simPost, simLog } from './support.mjs';
import { makePdfs } from './pdfs.mjs';

const NGINX = process.env.NGINX || '/usr/sbin/nginx';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Resolves once something answers HTTP on `port`.
async function answering(port, proc, what) {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode})`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  throw new Error(`${what} did not answer on ${port}`);
}

// Debian's nginx serving `root`: its own mime.types, nothing of ours.
async function nginx(root, dir) {
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const temp = (n) => path.join(dir, n);
  fs.writeFileSync(conf, `
${process.getuid && process.getuid() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')};
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format line '$request $status';
  access_log ${temp('access.log')} line;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`);
  const proc = spawn(NGINX, ['-c', conf, '-p', dir, '-e', temp('error.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
  await answering(port, proc, 'nginx');
  const log = () => fs.readFileSync(temp('access.log'), 'utf8').split('\n').filter(Boolean);
  return { url: `http://127.0.0.1:${port}/`, stop: () => proc.kill(), log };
}

async function pythonServer(root) {
  const port = await freePort();
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
  await answering(port, proc, 'python3 -m http.server');
  return { url: `http://127.0.0.1:${port}/`, stop: () => proc.kill() };
}

// The harness with `host` serving dist/ instead of its own server.
async function readsOn(host) {
  await withApp({ name: 'host', host, open: false, context: { acceptDownloads: false } }, async ({ context, dir, host: server, open }) => {
    const types = new Map();
    await simPost('/_sim/scenario', { latency_ms: [10, 40] });
    context.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (/\.(js|mjs|wasm)$/.test(p)) types.set(p, r.headers()['content-type'] || '');
    });
    const page = await open();
    const images = makeImages(dir, 4, 'host');
    const pdf = makePdfs(path.join(dir, 'pdf')).three.file;
    await page.setInputFiles('#files', [...images.files, pdf]);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('7'));
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 120_000 });
    const rows = await rowsOf(page);
    assert.equal(rows.length, 7, 'four images and three pages');
    assert.ok(rows.every((r) => r[2] === 'อ่านแล้ว'), `all read: ${JSON.stringify(rows.map((r) => r.slice(1, 4)))}`);
    assert.equal((await simLog()).requests.filter((r) => r.path.includes('/v1/')).length, 7);
    for (const [p, type] of types) {
      const want = p.endsWith('.wasm') ? /^application\/wasm/ : /^(text|application)\/javascript/;
      assert.match(type, want, `${p} served as ${type}`);
    }
    assert.ok([...types.keys()].some((p) => p.endsWith('/pdf-worker.js')), 'the PDF worker was loaded');
    // The service worker has the app, and once the page is idle the PDF
    // input too; it took them from the HTTP cache, not the server again.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(async () => {
      for (const key of await caches.keys()) {
        const cache = await caches.open(key);
        if (await cache.match('pdfjs/pdf.min.js') && await cache.match('pdf-worker.js') && await cache.match('tallyscan_bg.wasm')) return true;
      }
      return false;
    }, null, { timeout: 30_000, polling: 250 });
    if (server.log) {
      const wasm = server.log().filter((l) => l.startsWith('GET /tallyscan_bg.wasm '));
      assert.equal(wasm.filter((l) => l.endsWith(' 200')).length, 1, `the wasm downloaded once: ${wasm.join('; ')}`);
    }
    // It loads with the network gone.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#start', { timeout: 20_000 });
  });
}

test('a stock nginx serves dist/ as it is: images and a 3-page PDF read, offline after', async () => {
  await readsOn(nginx);
});

test('python3 -m http.server serves dist/ as it is: images and a 3-page PDF read, offline after', async () => {
  await readsOn(pythonServer);
});
