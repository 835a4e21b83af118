// Shared-database benchmark: the built page against a local PouchDB Server
// (couch/server, in memory, couch/setup's rules), through a proxy that
// counts and cuts. Forms come in as session files (an exported one cloned,
// each form its own image), as a coordinator imports them. Prints:
//   sync_push_docs_per_s         10,000 forms from one device: from "log in"
//                                to the last batch stored (goal >= 500)
//   sync_interrupted_lost        5,000 forms, the tab reloaded once and the
//   sync_interrupted_duplicates  connection cut 3 times during the push: forms
//                                missing afterwards, and forms sent again after
//                                the server confirmed them (goals 0, 0)
//   sync_converge_ms             3 devices with 1,000 forms each, syncing every
//                                2 s, until each holds 3,000 (reported)
//   sync_rate_violations         a 200-ballot batch at 2/s while the device
//                                pushes 3,000 forms: requests over the
//                                simulator's bucket (goal 0)
// SYNC_BENCH_ONLY=push|cut|converge|rate runs one part.
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist), couch/server.
import fs from 'node:fs';
import path from 'node:path';
import { SIM_BIN, withApp, makeImages, startCouch, couchProxy, sessionOf, exportTemplate, getJson, syncLogIn } from './support.mjs';

const USERS = [['v1', 'pw1', 'volunteer'], ['v2', 'pw2', 'volunteer'], ['v3', 'pw3', 'volunteer']];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ONLY = process.env.SYNC_BENCH_ONLY;
const part = (name) => !ONLY || ONLY === name;

async function importSession(page, dir, template, n, prefix) {
  const file = path.join(dir, `${prefix}.json`);
  fs.writeFileSync(file, sessionOf(template, n, prefix));
  await page.setInputFiles('#session-import', [file]);
  await page.waitForFunction((p) => (document.querySelector('#session-note')?.textContent ?? '').includes('1'), prefix, { timeout: 120_000 });
}

const logIn = (page, server, name, password) => syncLogIn(page, server, 'tallyscan', name, password);

const held = (page) => page.evaluate(() => Number(document.querySelector('#sync-forms')?.textContent ?? 0));
const idle = (page) => page.waitForFunction(() => !document.querySelector('#sync-now')?.disabled, null, { timeout: 300_000 });
async function formsOnServer(couch) {
  const all = await getJson(`${couch.url}/${couch.db}/_all_docs`, couch.admin);
  return all.rows.filter((r) => r.id.startsWith('form:'));
}

const options = { name: 'sync-bench', simBin: SIM_BIN, scenario: { seed: 3, latency_ms: [5, 10] }, open: {} };
await withApp(options, async ({ page, dir, url, open, newContext, simPost, simLog }) => {
  const origin = new URL(url).origin;
  const template = await exportTemplate(page, dir, simPost);
  await page.close();

  // 1. Push rate: 10,000 forms from one device.
  if (part('push')) {
    const couch = await startCouch(dir, { users: USERS, origins: [origin] });
    const proxy = await couchProxy(couch.url);
    try {
      const p = await open({}, await newContext());
      await importSession(p, dir, template, 10_000, 'rate');
      const t0 = Date.now();
      await logIn(p, proxy.url, 'v1', 'pw1');
      while ((await formsOnServer(couch)).length < 10_000) {
        if (Date.now() - t0 > 600_000) throw new Error('the push did not end');
        await sleep(250);
      }
      const s = (Date.now() - t0) / 1000;
      console.error(`sync: 10,000 forms pushed in ${s.toFixed(1)} s, ${proxy.sent.length} batches`);
      const first = proxy.log.find((l) => l.path.endsWith('_revs_diff'));
      const by = {};
      for (const l of proxy.log) { by[l.path] = by[l.path] ?? [0, 0]; by[l.path][0] += 1; by[l.path][1] += l.ms ?? 0; }
      console.error(`sync: first _revs_diff ${first ? first.at - t0 : '-'} ms after log in; server time by request: ${JSON.stringify(by)}`);
      console.log(`sync_push_docs_per_s=${(10_000 / s).toFixed(0)}`);
    } finally { await proxy.stop(); couch.stop(); }
  }

  // 2. 5,000 forms, the tab reloaded once and the connection cut 3 times.
  if (part('cut')) {
    const couch = await startCouch(dir, { users: USERS, origins: [origin] });
    const proxy = await couchProxy(couch.url);
    try {
      const ctx = await newContext();
      const p = await open({}, ctx);
      await importSession(p, dir, template, 5_000, 'cut');
      let reloaded = null;
      proxy.plan = ['pass', 'pass', 'close', 'pass', 'cut-after', 'pass', 'cut-before', 'pass', 'cut-after'];
      proxy.onClose = () => { reloaded = p.reload(); };
      await logIn(p, proxy.url, 'v1', 'pw1');
      const t0 = Date.now();
      while (!reloaded && Date.now() - t0 < 120_000) await sleep(20);
      await reloaded;
      await p.waitForFunction(() => document.querySelector('#sync-account')?.textContent.startsWith('v1'), null, { timeout: 60_000 });
      // Sync again after each failure, as the page's timer would.
      while (proxy.plan.length > 0 || (await p.evaluate(() => document.querySelector('#sync-waiting')?.textContent)) !== '0') {
        if (Date.now() - t0 > 600_000) throw new Error('the interrupted push did not end');
        await idle(p);
        await p.click('#sync-now');
        await sleep(300);
      }
      await idle(p);
      const ids = await formsOnServer(couch);
      const expected = 5_000;
      const changes = await getJson(`${couch.url}/${couch.db}/_changes?style=all_docs`, couch.admin);
      const twice = changes.results.filter((c) => c.changes.length > 1).length;
      console.error(`sync: interrupted push, ${proxy.cuts} cuts, ${proxy.sent.length} batches, ${ids.length} forms on the server`);
      console.log(`sync_interrupted_lost=${expected - ids.length}`);
      console.log(`sync_interrupted_duplicates=${proxy.duplicates() + twice}`);
    } finally { await proxy.stop(); couch.stop(); }
  }

  // 3. Three devices with 1,000 forms each, until each holds 3,000.
  if (part('converge')) {
    const couch = await startCouch(dir, { users: USERS, origins: [origin] });
    try {
      const pages = [];
      for (const [k] of USERS.entries()) {
        const p = await open({}, await newContext());
        await importSession(p, dir, template, 1_000, `dev${k}`);
        pages.push(p);
      }
      const t0 = Date.now();
      await Promise.all(pages.map((p, k) => logIn(p, couch.url, USERS[k][0], USERS[k][1])));
      const want = 3_000;
      for (;;) {
        const counts = await Promise.all(pages.map(held));
        if (counts.every((c) => c >= want)) break;
        if (Date.now() - t0 > 600_000) throw new Error(`not converged: ${counts}`);
        for (const p of pages) {
          if (await p.evaluate(() => !document.querySelector('#sync-now')?.disabled)) await p.click('#sync-now');
        }
        await sleep(2_000);
      }
      console.log(`sync_converge_ms=${Date.now() - t0}`);
    } finally { couch.stop(); }
  }

  // 4. A batch at its rate while the device pushes (each push batch held
  // 1 s on the way: the push lasts through the batch).
  if (part('rate')) {
    const couch = await startCouch(dir, { users: USERS, origins: [origin] });
    const proxy = await couchProxy(couch.url);
    proxy.delayMs = 1_000;
    try {
      const p = await open({ perMinute: 120, burst: 1 }, await newContext());
      await importSession(p, dir, template, 3_000, 'beside');
      await simPost('/_sim/reset', {});
      await simPost('/_sim/scenario', { latency_ms: [200, 600], rate_limit: { rate: 2, burst: 2 } });
      const images = makeImages(dir, 200, 'rate', 4);
      await p.setInputFiles('#files', images.files);
      await p.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('200'));
      await logIn(p, proxy.url, 'v1', 'pw1');
      const t0 = Date.now();
      while (proxy.sent.length === 0 && Date.now() - t0 < 60_000) await sleep(20);
      await p.click('#start');
      await p.waitForSelector('#batch-summary', { timeout: 600_000 });
      const log = await simLog();
      const during = proxy.sent.length;
      console.error(`sync: batch of 200 at 2/s while ${during} push batches went (${(await formsOnServer(couch)).length} forms on the server by its end)`);
      console.log(`sync_rate_violations=${log.violations}`);
    } finally { await proxy.stop(); couch.stop(); }
  }
});
