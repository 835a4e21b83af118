// Progress for other systems, end to end in headless Chromium against the
// simulator: a second tab listening on the BroadcastChannel gets every event
// of a 20-image batch in order, ending with a completion that matches the
// table; an embedding page gets postMessage events only when the volunteer
// allowed its origin; the example page runs a batch through the JavaScript API.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rowsOf, makeImages, serve, withApp, DIST, simPost } from './support.mjs';


// The harness; each test opens its pages (open(), or by hand).
const withBrowser = (fn) => withApp({ name: 'events', open: false, context: { acceptDownloads: false } }, fn);

test('another tab hears every event of a 20-image batch in order, on the BroadcastChannel', async () => {
  await withBrowser(async ({ dir, context, url, open }) => {
    const images = makeImages(dir, 20, 'unit');
    await simPost('/_sim/scenario', { latency_ms: [10, 40], answers: { [images.hashes[6]]: 'Sorry, I cannot read this image.' } });
    const listener = await context.newPage();
    await listener.goto(`${url}?listener`);
    await listener.evaluate(() => {
      window.__events = [];
      new BroadcastChannel('tallyscan').onmessage = (e) => window.__events.push(e.data);
    });
    const page = await open();
    await page.setInputFiles('#files', images.files);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    await listener.waitForFunction(() => window.__events.some((e) => e.type === 'complete'));
    const events = await listener.evaluate(() => window.__events);
    assert.ok(events.every((e) => e.v === 1), 'versioned');
    assert.deepEqual(events[0], { v: 1, type: 'start', total: 20 });
    const done = events.filter((e) => e.type === 'progress' || e.type === 'error');
    assert.deepEqual(done.map((e) => e.current), Array.from({ length: 20 }, (_, i) => i + 1), 'every ballot once, in order');
    const last = events[events.length - 1];
    assert.equal(last.type, 'complete');
    const rows = await rowsOf(page);
    const failed = rows.filter((r) => r[2] === 'ผิดพลาด').length;
    assert.equal(failed, 1);
    assert.deepEqual([last.read, last.failed], [rows.length - failed, failed], 'the completion matches the table');
    assert.equal(done.find((e) => e.type === 'error').file, images.names[6]);
    const text = JSON.stringify(events);
    assert.ok(!/base64|sk-|Bearer/.test(text), 'no image data, no key');
  });
});

test('an embedding page gets postMessage events only from an origin it was allowed', async () => {
  await withBrowser(async ({ dir, context, url, open }) => {
    const images = makeImages(dir, 3, 'emb');
    await simPost('/_sim/scenario', { latency_ms: [5, 20] });
    const parentDir = path.join(dir, 'parent');
    fs.mkdirSync(parentDir);
    fs.writeFileSync(path.join(parentDir, 'index.html'), `<!DOCTYPE html><html><body>
      <iframe id="app" src="${url}" style="width:1200px;height:900px"></iframe>
      <script>window.__msgs = []; addEventListener('message', (e) => window.__msgs.push({ origin: e.origin, data: e.data }));</script>
      </body></html>`);
    const parentServer = await serve(parentDir);
    const parentUrl = `http://127.0.0.1:${parentServer.address().port}`;
    try {
      const run = async (allowed) => {
        const setup = await open();
        await setup.click('details.advanced summary');
        await setup.fill('#embed-origin', allowed);
        await setup.locator('#embed-origin').dispatchEvent('change');
        await setup.close();
        const parent = await context.newPage();
        await parent.goto(`${parentUrl}/`);
        const frame = parent.frames().find((f) => f.url().startsWith(url));
        await frame.waitForSelector('#start');
        await frame.setInputFiles('#files', images.files);
        await frame.click('#start');
        await frame.waitForSelector('#batch-summary', { timeout: 60_000 });
        await parent.waitForTimeout(300);
        const msgs = await parent.evaluate(() => window.__msgs.filter((m) => m.data && m.data.v === 1));
        await parent.close();
        return msgs;
      };
      const allowed = await run(parentUrl);
      assert.ok(allowed.length >= 5, `events arrive: ${allowed.length}`);
      assert.ok(allowed.every((m) => m.origin === url.replace(/\/$/, '')), 'from the app');
      assert.equal(allowed[allowed.length - 1].data.type, 'complete');
      const other = await run('https://elsewhere.example');
      assert.equal(other.length, 0, 'another origin allowed: nothing for this page');
    } finally {
      parentServer.close();
    }
  });
});

test('the example page runs a batch through the JavaScript API', async () => {
  await withBrowser(async ({ dir, context, url, sim }) => {
    const images = makeImages(dir, 3, 'api');
    await simPost('/_sim/scenario', { latency_ms: [5, 20] });
    const page = await context.newPage();
    await page.goto(`${url}examples/embed.html`);
    assert.equal(await page.$('#tab-results'), null, 'the engine without the UI');
    await page.fill('#endpoint', `${sim}/v1`);
    await page.fill('#model', 'test-model');
    await page.setInputFiles('#files', images.files);
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#log').textContent.includes('records: 3'), null, { timeout: 60_000 });
    const log = await page.textContent('#log');
    assert.match(log, /start: 3 ballot/);
    assert.equal((log.match(/^\d\/3 api_\d+\.png: (read|review)/gm) || []).length, 3, log);
    assert.match(log, /complete: 3 read/);
    assert.ok(fs.readFileSync(path.join(DIST, 'tallyscan.d.ts'), 'utf8').includes('export function startBatch(files: File[], settings: TallyScanSettings'));
  });
});
