// The coordinator's view at scale: the built page against a local PouchDB
// Server (couch/server, couch/setup's rules) that couch/generate.mjs fills
// with 100,000 realistic forms of every constituency (corrections,
// conflicts and bad documents planted). Prints:
//   coord_initial_load_s     log in as a coordinator until the national view
//                            counts every form (goal <= 60)
//   coord_update_ms          a volunteer's form written to the database (as
//                            their sync writes it) until the coordinator's
//                            view counts it, median of 5 (goal <= 2,000; the
//                            volunteer's own 2 s wait before syncing is not in it)
//   coord_longest_task_ms    the longest main-thread task during the load
//                            (goal <= 50; a second load, traced)
// Each load starts at the log-in, once the page has settled (its service
// worker ready, then a second: as a coordinator typing a password finds
// it); a log-in during the page's own start-up is slower.
//   coord_pss_peak_mb        the whole browser's peak PSS during the load
//                            (goal <= 600)
//   coord_conflicts_found    conflicts the view lists that were planted, and
//   coord_conflicts_planted  those planted (same image read differently, same
//   coord_conflicts_false    unit reported with other numbers); and listed
//                            ones not planted (goal: found = planted, 0 false)
//   coord_bad_listed         planted documents that do not parse, listed with
//   coord_bad_planted        their id (goal: all)
// COORD_FORMS (default 100000) sets the size.
// Needs: DIST (default ../dist), couch/server.
// The coordinator's browser is started bare (bare.mjs): a persistent profile
// (IndexedDB on disk, as on a coordinator's own device; a Playwright context
// keeps it in the browser process's memory) and no DevTools Network domain
// (Playwright's keeps a copy of every response body in the renderer). Each
// load is a new device: a new browser with a new profile.
import { withApp, startCouch, postJson } from './support.mjs';
import { launchBare } from './bare.mjs';
import { plan, write, registry } from '../couch/generate.mjs';
import { mainThreadTasks, startPssSampler } from './measure.mjs';

const FORMS = Number(process.env.COORD_FORMS || 100_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const USERS = [['coord', 'cpw', 'coordinator'], ...Array.from({ length: 50 }, (_, i) => [`v${i + 1}`, `pw${i + 1}`, 'volunteer'])];

const formsShown = (page) => page.evaluate(`Number(document.querySelector('#national')?.dataset.forms ?? -1)`);
const until = (page, n, timeoutMs) => page.waitFor(`Number(document.querySelector('#national')?.dataset.forms ?? -1) >= ${n}`, timeoutMs);

// A new device's browser at the app, its sync form filled in as the
// coordinator: `logIn()` presses the button.
async function device(dir, name, url, couch, errors, browsers) {
  const browser = await launchBare({ userDataDir: `${dir}/${name}` });
  browsers.push(browser);
  const page = await browser.open(url, errors);
  await page.waitFor(`!!document.querySelector('#sync-login')`, 60_000);
  // The page settled first, as a coordinator typing a password finds it:
  // its own start-up (the service worker installed, the app kept for
  // offline use) is not the load's.
  await page.waitFor(`!!document.querySelector('#offline-ready')`, 60_000);
  await sleep(1000);
  const fill = (sel, v) => page.evaluate(`(() => { const e = document.querySelector(${JSON.stringify(sel)}); e.value = ${JSON.stringify(v)}; e.dispatchEvent(new Event('input', { bubbles: true })); })()`);
  for (const [sel, v] of [['#sync-server', couch.url], ['#sync-db', couch.db], ['#sync-name', 'coord'], ['#sync-password', 'cpw']]) await fill(sel, v);
  const logIn = async () => {
    await page.evaluate(`document.querySelector('#sync-login').click()`);
    await page.waitFor(`document.querySelector('#sync-account')?.textContent.startsWith('coord')`, 60_000);
  };
  return { browser, page, logIn };
}

await withApp({ name: 'coord-bench', sim: false, browser: false, open: false }, async ({ dir, url }) => {
  const origin = new URL(url).origin;
  const couch = await startCouch(dir, { users: USERS, origins: [origin], disk: true });
  const errors = [];
  const browsers = []; // closed at the end, whatever happens
  try {
    const t0 = Date.now();
    const reg = registry();
    const { docs, late, planted } = plan({ forms: FORMS, seed: 7 }, reg);
    const o = { url: couch.url, db: couch.db, admin: 'admin:secret' };
    await write(o, docs);
    await write(o, late);
    console.error(`coord: generated ${planted.forms} forms in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const expected = planted.forms - planted.bad.length;

    // 1. The first load, with the whole browser's memory sampled.
    const first = await device(dir, 'first', url, couch, errors, browsers);
    const { page } = first;
    const sampler = startPssSampler(first.browser, 250);
    const t1 = Date.now();
    await first.logIn();
    await until(page, expected, 15 * 60_000);
    const loadS = (Date.now() - t1) / 1000;
    const { peakMb } = sampler.stop();
    console.log(`coord_initial_load_s=${loadS.toFixed(1)}`);
    console.log(`coord_pss_peak_mb=${peakMb.toFixed(0)}`);

    // 2. Conflicts found against those planted (listed 50 at a time: "show
    // more" until every one is shown).
    for (let i = 0; i < 100 && await page.evaluate(`!!document.querySelector('#national button.more')`); i++) {
      await page.evaluate(`document.querySelector('#national button.more').click()`);
      await sleep(50);
    }
    const listed = await page.evaluate(`({
      image: [...document.querySelectorAll('#national-conflicts [data-id]')].map((e) => e.dataset.id),
      unit: [...document.querySelectorAll('#national-unit-conflicts [data-unit]')].map((e) => e.dataset.unit),
    })`);
    const plantedImage = new Set(planted.same_image);
    const plantedUnit = new Set(planted.same_unit);
    const found = listed.image.filter((id) => plantedImage.has(id)).length + listed.unit.filter((u) => plantedUnit.has(u)).length;
    const falses = listed.image.filter((id) => !plantedImage.has(id)).length + listed.unit.filter((u) => !plantedUnit.has(u)).length;
    console.log(`coord_conflicts_found=${found}`);
    console.log(`coord_conflicts_planted=${plantedImage.size + plantedUnit.size}`);
    console.log(`coord_conflicts_false=${falses}`);
    // Documents that do not parse: listed (with their id) and skipped.
    const skipped = await page.evaluate(`[...document.querySelectorAll('#sync-skipped li')].map((x) => x.textContent)`);
    console.log(`coord_bad_listed=${planted.bad.filter((id) => skipped.some((t) => t.includes(id))).length}`);
    console.log(`coord_bad_planted=${planted.bad.length}`);

    // 3. A volunteer's form until the coordinator's view counts it.
    const times = [];
    const more = plan({ forms: 10, seed: 99 }, reg).docs.filter((d) => typeof d.record === 'object').slice(0, 5);
    for (const d of more) {
      const before = await formsShown(page);
      d.by = 'v1';
      const t = Date.now();
      await postJson(`${couch.url}/${couch.db}/_bulk_docs`, { docs: [d], new_edits: false }, couch.admin);
      await until(page, before + 1, 60_000);
      times.push(Date.now() - t);
      await sleep(500);
    }
    times.sort((a, b) => a - b);
    console.error(`coord: updates ${times.join(', ')} ms`);
    console.log(`coord_update_ms=${times[2]}`);
    await first.browser.close();

    // 4. A second first load (a new device), traced: the longest task.
    const second = await device(dir, 'second', url, couch, errors, browsers);
    const tasks = await mainThreadTasks(second.browser, second.page, async () => {
      await second.logIn();
      await until(second.page, expected + more.length, 15 * 60_000);
    });
    console.error(`coord: ${tasks.count} tasks, ${tasks.over50} over 50 ms, the longest at ${JSON.stringify(tasks.top.slice(0, 5))}`);
    console.log(`coord_longest_task_ms=${tasks.longestMs.toFixed(0)}`);
    await second.browser.close();
    if (errors.length) console.error(`coord: page errors: ${errors.slice(0, 5).join('; ')}`);
  } finally {
    for (const b of browsers) await b.close();
    couch.stop();
  }
});
