// End-to-end: batches survive reloads. The built page (dist/) in Debian's
// headless Chromium against the OCR simulator: a reload in the middle of a
// batch, then resume (nothing lost, nothing sent twice); images not kept
// (pick the folder again); offline in the middle of a run; session files
// handed between volunteers and merged; a full quota.
// Needs: OCR_SIM_URL (a running ocr-sim), DIST (default ../dist).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, withApp, reloadAndResume, makeImages, rowsOf, simPost, simLog } from './support.mjs';

async function scenario(s) {
  const r = await simPost('/_sim/scenario', s);
  assert.equal(r.status, 200, await r.text());
}

// The harness, each test opening its pages itself (open()).
const withBrowser = (fn) => withApp({ name: 'persist', open: false }, fn);

test('reload in the middle of a 100-image batch, originals kept, resume: every file once, nothing sent twice', async () => {
  await withBrowser(async ({ context, dir, url, open }) => {
    await scenario({ latency_ms: [100, 300] });
    const images = makeImages(dir, 100, 'form');
    const page = await open();
    const r = await reloadAndResume({ page, images, at: 40, simLog });
    assert.ok(r.shownAfterReload >= 40, `rows kept through the reload: ${r.shownAfterReload}`);
    assert.equal(r.lost, 0, 'every file has a row');
    assert.equal(r.duplicateRows, 0, 'no file has two rows');
    assert.equal(r.resent, 0, 'no ballot finished before the reload was sent again');
    assert.equal(r.rows.length, 100);
    assert.ok(r.rows.every((row) => row[2] === 'อ่านแล้ว'), 'all read');
    assert.match(await page.textContent('#batch-summary'), /อ่านไว้ก่อนโหลดหน้าใหม่ \(ไม่ส่งซ้ำ\)/);
    assert.match(await page.textContent('#progress-count'), /^100 \/ 100$/);
    // A second reload after the end: the batch is shown again, nothing is offered.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 100);
    assert.equal(await page.$('#resume-offer'), null, 'an ended batch is not offered for resume');
  });
});

test('originals not kept: resume asks for the files again; missing ones end as not started', async () => {
  await withBrowser(async ({ context, dir, url, open }) => {
    await scenario({ latency_ms: [100, 300] });
    const images = makeImages(dir, 30, 'scan');
    const page = await open();
    assert.ok(await page.isChecked('#keep-images') && !(await page.isChecked('#keep-originals')), 'the defaults');
    await page.setInputFiles('#files', images.files);
    await page.click('#start');
    await page.waitForFunction(() => Number(document.querySelector('#progress-count')?.textContent.split('/')[0]) >= 10);
    await page.reload();
    await page.waitForSelector('#resume-offer');
    assert.ok(await page.isDisabled('#resume-start'), 'resume waits for the files');
    const done = (await rowsOf(page)).length;
    // Pick them again, all but two of those still to read.
    const doneNames = new Set((await rowsOf(page)).map((r) => r[1]));
    const todo = images.names.filter((n) => !doneNames.has(n));
    const left = todo.slice(0, 2);
    await page.setInputFiles('#resume-files', images.files.filter((f) => !left.includes(path.basename(f))));
    assert.match(await page.textContent('#resume-match'), new RegExp(`พบ ${todo.length - 2} จาก ${30 - done}`));
    await page.click('#resume-start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const rows = await rowsOf(page);
    assert.equal(rows.length, 30, 'every file has one row');
    assert.deepEqual(new Set(rows.map((r) => r[1])).size, 30);
    const notStarted = rows.filter((r) => r[2] !== 'อ่านแล้ว');
    assert.deepEqual(notStarted.map((r) => r[1]).sort(), [...left].sort());
    assert.ok(notStarted.every((r) => /ไม่พบไฟล์นี้ในไฟล์ที่เลือกใหม่/.test(r[3])), JSON.stringify(notStarted));
    // They are still to do: the batch is offered again after a reload.
    await page.reload();
    await page.waitForSelector('#resume-offer');
  });
});

test('offline in the middle of a run: dispatch pauses, then goes on', async () => {
  await withBrowser(async ({ context, dir, open, sim }) => {
    await scenario({ latency_ms: [200, 400] });
    const images = makeImages(dir, 40, 'off');
    const page = await open();
    // When the page asks the API endpoint for a reading (POST), as the
    // browser reports it, whether the network lets the request out or not.
    const asked = [];
    context.on('request', (r) => {
      if (r.method() === 'POST' && r.url().startsWith(`${sim}/v1/`)) asked.push(Date.now());
    });
    const arrived = async () => (await simLog()).requests.filter((r) => r.path.includes('/v1/'));
    const done = async () => Number((await page.textContent('#progress-count')).split('/')[0]);
    await page.setInputFiles('#files', images.files);
    await page.click('#start');
    await page.waitForFunction(() => Number(document.querySelector('#progress-count')?.textContent.split('/')[0]) >= 5);
    await context.setOffline(true);
    const sent = await arrived();
    const offlineAt = Date.now();
    await page.waitForSelector('#offline-notice', { timeout: 15_000 });
    assert.match(await page.textContent('#offline-notice'), /ไม่มีเครือข่าย/);
    // Paused: from the notice on, for 1.5 s, the page asks nothing.
    const from = Date.now();
    const held = await page.textContent('#progress-count');
    await page.waitForTimeout(1500);
    const doneOffline = await done();
    const until = Date.now();
    const during = await arrived();
    assert.ok(await page.$('#offline-notice'), 'still paused at the end of the window');
    await context.setOffline(false);
    assert.ok(sent.length >= 5, `requests before going offline: ${sent.length}`);
    assert.deepEqual(asked.filter((t) => t >= from && t <= until), [], 'the page asked the API endpoint nothing while paused');
    assert.equal(during.length, sent.length, 'nothing reached the API endpoint while offline');
    assert.ok(doneOffline <= sent.length, `only ballots sent before going offline finished while offline (${doneOffline} of ${sent.length})`);

    await page.waitForSelector('#offline-notice', { state: 'detached', timeout: 20_000 });
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const rows = await rowsOf(page);
    assert.equal(rows.length, 40, `every file has a row (held at ${held})`);
    assert.equal(new Set(rows.map((r) => r[1])).size, 40);
    // Then it went on: more requests, the first of them at least the time
    // offline (in the simulator's clock) after the last one before.
    const after = await arrived();
    assert.ok(after.length > sent.length, 'dispatch went on once online');
    const gap = after[sent.length].at_ms - after[sent.length - 1].at_ms;
    assert.ok(gap >= until - offlineAt, `a pause of ${Math.round(gap)} ms in the simulator's log, ${until - offlineAt} ms offline`);
  });
});

test('session files: export two overlapping sessions, import and merge, one conflict', async () => {
  await withBrowser(async ({ context, dir, url, open, newContext }) => {
    // Volunteer A reads units 1-6; volunteer B reads 4-9, and unit 5's image
    // gets a different answer (a fault script: the same form read differently).
    const images = makeImages(dir, 9, 'form');
    const sessionOf = async (names, volunteer, scenarioArgs) => {
      await scenario(scenarioArgs);
      const page = await open();
      await page.fill('#volunteer', volunteer);
      await page.locator('#volunteer').dispatchEvent('change');
      await page.setInputFiles('#files', images.files.filter((f) => names.includes(path.basename(f))));
      await page.click('#start');
      await page.waitForSelector('#batch-summary', { timeout: 60_000 });
      await page.waitForSelector('#batch-list li .export-session');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-list li .export-session')]);
      const file = path.join(dir, `${volunteer}.json`);
      await download.saveAs(file);
      await page.close();
      return file;
    };
    const a = await sessionOf(images.names.slice(0, 6), 'A', { latency_ms: [10, 50] });
    const unit5 = images.hashes[4];
    const b = await sessionOf(images.names.slice(3, 9), 'B', {
      latency_ms: [10, 50],
      answers: { [unit5]: JSON.stringify({ form_code: '5/18', province: 'แพร่', constituency_number: 1, polling_unit: 5, votes: { 1: { numeric: 7, thai_text: 'เจ็ด' } } }) },
    });
    const session = JSON.parse(fs.readFileSync(a, 'utf8'));
    assert.equal(session.format, 'tallyscan.session');
    assert.equal(session.volunteer, 'A');
    assert.equal(session.outcomes.length, 6);
    assert.ok(!JSON.stringify(session).includes('api_key'), 'no key in a session file');

    // A coordinator on a fresh device imports both.
    const coordinator = await (await newContext()).newPage();
    await coordinator.goto(url);
    await coordinator.waitForSelector('#session-import');
    await coordinator.setInputFiles('#session-import', [a, b]);
    await coordinator.waitForSelector('#session-note');
    const note = await coordinator.textContent('#session-note');
    assert.match(note, /นำเข้า 2 ไฟล์เซสชัน: ใบใหม่ 10 ใบ ซ้ำกับที่มีอยู่ 2 ใบ อ่านต่างกัน 1 ใบ/, note);
    assert.match(await coordinator.textContent('#conflicts'), /form_005\.png ≠ form_005\.png/);
    assert.equal((await rowsOf(coordinator)).length, 10, '9 images, one of them read two ways');
    // The merge is kept on the coordinator's device.
    await coordinator.reload();
    await coordinator.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 10);
    assert.equal(await coordinator.$$eval('#batch-list li', (l) => l.length), 2);
  });
});

test('clear this device: key, settings, batches and images are gone', async () => {
  await withBrowser(async ({ context, dir, url, open }) => {
    await scenario({ latency_ms: [10, 50] });
    const page = await open();
    await page.fill('#api-key', 'sk-test-kiosk');
    await page.locator('#api-key').dispatchEvent('change');
    await page.check('#remember-key');
    await page.setInputFiles('#files', makeImages(dir, 3, 'k').files);
    await page.click('#start');
    await page.waitForSelector('#batch-summary');
    await page.waitForSelector('#batch-list li');
    assert.ok(await page.evaluate(() => Object.keys(localStorage).length > 0));
    await page.click('#clear-device');
    assert.match(await page.textContent('#clear-device'), /กดอีกครั้งเพื่อยืนยัน/);
    await page.click('#clear-device');
    await page.waitForSelector('#cleared-note');
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
    assert.equal(await page.$$eval('#batch-list li', (l) => l.length), 0);
    assert.equal((await rowsOf(page)).length, 0);
    await page.reload();
    await page.waitForSelector('#start');
    assert.equal(await page.inputValue('#api-key'), '');
    const stored = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('tallyscan');
      req.onsuccess = () => {
        const tx = req.result.transaction(['batches', 'outcomes', 'images']);
        const counts = [];
        for (const name of ['batches', 'outcomes', 'images']) tx.objectStore(name).count().onsuccess = (e) => counts.push(e.target.result);
        tx.oncomplete = () => resolve(counts);
      };
    }));
    assert.deepEqual(stored, [0, 0, 0]);
  });
});

test('a full quota stops the batch with a clear message and loses nothing', async () => {
  await withBrowser(async ({ context, dir, url, open }) => {
    await scenario({ latency_ms: [50, 100] });
    const images = makeImages(dir, 30, 'q');
    const page = await open();
    await page.uncheck('#keep-images');
    // Chromium's quota for this origin, made tiny through the DevTools protocol.
    const cdp = await context.newCDPSession(page);
    const origin = new URL(url).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
    await page.setInputFiles('#files', images.files);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const notice = await page.textContent('#progress-notice');
    assert.match(notice, /เก็บผลลงเครื่องนี้ไม่ได้/, notice);
    const rows = await rowsOf(page);
    assert.equal(rows.length, 30, 'every file has a row');
    assert.equal(new Set(rows.map((r) => r[1])).size, 30);
    assert.ok(rows.some((r) => r[2] === 'ไม่ได้เริ่ม'), 'what was not read says so');
  });
});

test('the app installs, loads offline from a sub-path, and a new version waits for the volunteer', async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'sw.js')), 'the build has a service worker');
  // A copy of the build (a new version is written into it), on a sub-path.
  await withApp({ name: 'sw', copy: true, prefix: '/tallyscan/', open: false, context: { acceptDownloads: false } }, async ({ context, url, sim, site, server, dir }) => {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('#offline-ready', { timeout: 30_000 });
    const manifest = await page.evaluate(async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json());
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.name, /TallyScan/);
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));

    // Once the page is idle the worker also keeps PDF input (LATER in its
    // script); until it has, those requests still reach the server.
    const later = JSON.parse(fs.readFileSync(path.join(site, 'sw.js'), 'utf8').match(/const LATER = (\[.*\]);/)[1]).map(([p]) => p);
    assert.ok(later.length > 0, 'the build names what is kept when idle');
    await page.waitForFunction(async (paths) => {
      const key = (await caches.keys()).find((k) => k.startsWith('tallyscan-'));
      if (!key) return false;
      const cache = await caches.open(key);
      for (const p of paths) if (!(await cache.match(p))) return false;
      return true;
    }, later, { timeout: 30_000, polling: 250 });

    // Offline: the whole app comes from the service worker's cache.
    await context.setOffline(true);
    const hits = server.hits;
    await page.reload();
    await page.waitForSelector('#start');
    assert.match(await page.textContent('#start'), /เริ่มอ่าน/);
    assert.equal(server.hits, hits, 'nothing was fetched from the server');
    await context.setOffline(false);

    // A new build: it installs and waits; the page offers to switch.
    const sw = path.join(site, 'sw.js');
    fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
    await page.reload();
    await page.waitForSelector('#update-ready', { timeout: 30_000 });
    assert.match(await page.textContent('#update-ready'), /เวอร์ชันใหม่/);
    const before = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
    assert.match(before, /\/tallyscan\/sw\.js$/);
    // Never under a running batch.
    await scenario({ latency_ms: [1000, 2000] });
    await page.fill('#endpoint', `${sim}/v1`);
    await page.locator('#endpoint').dispatchEvent('change');
    await page.setInputFiles('#files', makeImages(dir, 3, 'sw').files);
    await page.click('#start');
    await page.waitForSelector('#cancel');
    assert.ok(await page.isDisabled('#update-now'), 'no switch while a batch runs');
    await page.click('#cancel');
    await page.waitForSelector('#batch-summary');
    await Promise.all([page.waitForEvent('load'), page.click('#update-now')]);
    await page.waitForSelector('#start');
    const caches = await page.evaluate(() => caches.keys());
    assert.equal(caches.length, 1, `the old version's cache is gone: ${caches}`);
    assert.match(caches[0], /-next$/);
    assert.equal(await page.$('#update-ready'), null);
  });
});
