// The first screen on a 3G tablet (issue 23): the built page served with
// gzip (as static hosts do), Chromium's emulation at Fast 3G (1.6 Mbps
// down, 0.75 up, 150 ms round trip) and the CPU throttled 4x. Prints, each
// the median of 5:
//   load_first_ms         navigation to the Start button on screen, empty cache
//   load_repeat_ms        the same with the service worker warm
//   first_load_gzip_kb    bytes received before the Start button is usable
// Needs: DIST.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { TYPES, withApp } from './support.mjs';

const RUNS = Number(process.env.LOAD_RUNS || 5);

// dist/ with gzip for text and wasm, validators for revalidation.
function serveGzip(dir) {
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1) || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
    const ext = path.extname(file);
    const type = TYPES[ext] || (ext === '.js' ? 'text/javascript' : 'application/octet-stream');
    const etag = `"${fs.statSync(file).mtimeMs.toString(36)}"`;
    if (req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }); res.end(); return; }
    const zip = /\.(html|js|css|wasm|svg|webmanifest|json)$/.test(ext) && /gzip/.test(req.headers['accept-encoding'] || '');
    if (zip && !cache.has(file)) cache.set(file, zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
    const body = zip ? cache.get(file) : fs.readFileSync(file);
    res.writeHead(200, { 'content-type': type, etag, 'cache-control': 'no-cache', ...(zip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close(), server,
  })));
}

const FAST_3G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1e6) / 8, uploadThroughput: (0.75 * 1e6) / 8 };

// One visit of `page` to `url` under the emulation: ms to a usable Start
// button and bytes received before it.
async function visit(page, cdp, url) {
  let bytes = 0;
  let usable = false;
  const onDone = (e) => { if (!usable) bytes += e.encodedDataLength; };
  cdp.on('Network.loadingFinished', onDone);
  await page.goto(url, { waitUntil: 'commit' });
  // Usable: the Start button is there (it waits for files to be picked).
  const ms = await (await page.waitForFunction(
    () => (document.querySelector('#start') ? performance.now() : false),
    null,
    { timeout: 120_000, polling: 50 },
  )).jsonValue();
  usable = true;
  cdp.off('Network.loadingFinished', onDone);
  return { ms, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
// Each run a fresh context (empty cache) in one browser.
await withApp({ name: 'load', host: serveGzip, sim: false, open: false, failOnErrors: false }, async ({ browser, url }) => {
  const first = [];
  const repeat = [];
  for (let k = 0; k < RUNS; k++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    first.push(await visit(page, cdp, url));
    await page.evaluate(() => navigator.serviceWorker.ready);
    repeat.push(await visit(page, cdp, url));
    await context.close();
  }
  console.error(`load: first ${first.map((r) => `${Math.round(r.ms)} ms/${Math.round(r.bytes / 1024)} KB`).join(', ')}; repeat ${repeat.map((r) => Math.round(r.ms)).join(', ')} ms`);
  console.log(`load_first_ms=${Math.round(median(first.map((r) => r.ms)))}`);
  console.log(`load_repeat_ms=${Math.round(median(repeat.map((r) => r.ms)))}`);
  console.log(`first_load_gzip_kb=${(median(first.map((r) => r.bytes)) / 1024).toFixed(1)}`);
});
