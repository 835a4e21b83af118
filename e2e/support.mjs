// Shared by the end-to-end tests and the browser benchmarks: the harness
// (withApp: a browser, dist/ served, the app open, torn down whatever
// happens), test PNGs, a static server for dist/, and Chromium's flags.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import os from 'node:os';
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

export const ARGS = ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// A minimal valid PNG: w x h, 8-bit grey, each image a different shade.
export function png(w, h, shade, noise = false) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  const raw = Buffer.alloc((w + 1) * h, shade);
  if (noise) { let x = shade + 1; for (let i = 0; i < raw.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; raw[i] = (shade + (x >>> 24) % 64) & 255; } }
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.mjs': 'text/javascript', '.pdf': 'application/pdf', '.webmanifest': 'application/manifest+json' };
// A static server for dir, under prefix (e.g. '/tallyscan/': a sub-path, as
// on a shared host). Counts the requests it answers in server.hits.
export function serve(dir, prefix = '/') {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!p.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    const rel = p.slice(prefix.length);
    const file = path.join(dir, rel === '' ? 'index.html' : rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
    server.hits += 1;
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
    fs.createReadStream(file).pipe(res);
  });
  server.hits = 0;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}


// n distinct test images in dir: their paths, names and SHA-256s.
// `variant` makes another set, none of whose images is in the others.
export function makeImages(dir, n, prefix, variant = 0) {
  const files = [];
  const names = [];
  const hashes = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}_${String(i + 1).padStart(3, '0')}.png`;
    const bytes = png(40 + (i % 60), 30 + Math.floor(i / 60) + 200 * variant, (i * 7) % 256);
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    files.push(f);
    names.push(name);
    hashes.push(crypto.createHash('sha256').update(bytes).digest('hex'));
  }
  return { files, names, hashes };
}

// Records `page`'s uncaught errors in `errors`, once however often asked.
const watched = new WeakMap();
export function watchErrors(page, errors) {
  const lists = watched.get(page) || new Set();
  watched.set(page, lists);
  if (lists.has(errors)) return;
  lists.add(errors);
  page.on('pageerror', (e) => errors.push(String(e)));
}

// A new page of the app, pointed at the simulator, at `perMinute` requests
// a minute (600) and burst `burst` (5).
export async function openApp(context, url, sim, errors, { original = true, perMinute = 600, burst = 5 } = {}) {
  const page = await context.newPage();
  watchErrors(page, errors);
  await page.goto(url);
  await page.waitForSelector('#start');
  const set = async (sel, value) => { await page.fill(sel, String(value)); await page.locator(sel).dispatchEvent('change'); };
  await set('#endpoint', `${sim}/v1`);
  await page.click('details.advanced summary');
  await set('#per-minute', perMinute);
  await set('#burst', burst);
  // The simulator knows test images by their bytes: send them as they are
  // (preparation has its own tests).
  if (original) await page.check('#send-original');
  await page.click('details.advanced summary');
  return page;
}

// The realistic corpus made by scripts/corpus-images in `dir`: its files'
// paths by kind ('scan', 'photo', 'pdf').
export function corpus(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const of = (kind) => manifest.files.filter((f) => f.kind === kind).map((f) => path.join(dir, f.path));
  return { manifest, scans: of('scan'), photos: of('photo'), pdfs: of('pdf') };
}

// The results table: one array of cell texts a row.
// Shows up to 1000 rows a page first (the table pages its rows).
export async function rowsOf(page) {
  if (await page.$('#page-size')) {
    await page.selectOption('#page-size', '1000');
    // A large page is drawn a chunk a frame: wait for all of it (the
    // pager's line ends with the number of rows).
    await page.waitForFunction(() => {
      const total = Number((document.querySelector('#page-line')?.textContent.match(/\d+/g) || ['0']).at(-1));
      return document.querySelectorAll('#results tbody tr').length >= Math.min(total, 1000);
    });
  }
  return page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
}

// Starts a batch of `images`, reloads the page once `at` ballots are done,
// resumes, and waits for the end. Counts what a volunteer must never see:
// files with no row (lost), files with two rows, and ballots finished
// before the reload that were requested again (resent, by image hash).
// The originals are kept on the device, so the resume needs no files.
export async function reloadAndResume({ page, images, at, simLog, timeout = 10 * 60_000 }) {
  await page.check('#keep-originals');
  await page.setInputFiles('#files', images.files);
  await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), images.files.length);
  await page.click('#start');
  await page.waitForFunction((n) => Number(document.querySelector('#progress-count')?.textContent.split('/')[0]) >= n, at, { timeout });
  await page.reload();
  await page.waitForSelector('#resume-offer');
  await page.waitForFunction(() => !document.querySelector('#resume-start')?.disabled);
  const kept = await rowsOf(page);
  const before = (await simLog()).requests.length;
  await page.click('#resume-start');
  await page.waitForSelector('#batch-summary', { timeout });
  const rows = await rowsOf(page);
  const log = (await simLog()).requests;
  if (!log.some((r) => r.image_sha256)) throw new Error('the simulator log has no image hashes (rebuild ocr-sim)');
  const keptHashes = new Set(kept.map((r) => images.hashes[images.names.indexOf(r[1])]));
  const resent = log.slice(before).filter((r) => keptHashes.has(r.image_sha256)).length;
  const count = new Map();
  for (const r of rows) count.set(r[1], (count.get(r[1]) || 0) + 1);
  return {
    rows,
    shownAfterReload: kept.length,
    lost: images.names.filter((n) => !count.has(n)).length,
    duplicateRows: rows.length - count.size,
    resent,
  };
}

// GETs JSON from a simulator, also over its self-signed HTTPS.
export function getJson(url, headers = {}) {
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

// Starts the simulator binary on a free port with a scenario file; resolves
// to { sim (the process), url }.
export function startSim(bin, scenarioFile, { tls = false, token = '' } = {}) {
  const addrFile = path.join(os.tmpdir(), `sim-${process.pid}-${Date.now()}.addr`);
  fs.rmSync(addrFile, { force: true });
  const args = ['--port', '0', '--addr-file', addrFile, '--scenario', scenarioFile];
  if (tls) args.push('--tls');
  if (token) args.push('--control-token', token);
  const sim = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (fs.existsSync(addrFile) && fs.readFileSync(addrFile, 'utf8').trim()) {
        const addr = fs.readFileSync(addrFile, 'utf8').trim();
        fs.rmSync(addrFile, { force: true });
        resolve({ sim, url: `${tls ? 'https' : 'http'}://${addr}` });
      } else if (Date.now() - t0 > 10_000) {
        reject(new Error('ocr-sim did not start'));
      } else setTimeout(poll, 50);
    };
    sim.on('exit', (c) => reject(new Error(`ocr-sim exited (${c})`)));
    poll();
  });
}

const WORDS = ['ศูนย์', 'หนึ่ง', 'สอง', 'สาม', 'สี่', 'ห้า', 'หก', 'เจ็ด', 'แปด', 'เก้า'];
// Thai words for 0..999 (enough for these forms).
export function words(n) {
  if (n === 0) return WORDS[0];
  let s = '';
  const h = Math.floor(n / 100); const t = Math.floor((n % 100) / 10); const u = n % 10;
  if (h) s += `${WORDS[h]}ร้อย`;
  if (t) s += t === 1 ? 'สิบ' : t === 2 ? 'ยี่สิบ' : `${WORDS[t]}สิบ`;
  if (u) s += u === 1 && (t || h) ? 'เอ็ด' : WORDS[u];
  return s;
}
export const count = (n) => ({ numeric: n, thai_text: words(n) });

// A consistent ส.ส. 5/18 of แพร่ เขต 1 (6 candidates) for unit `u`.
export function form(u, edit = (f) => f) {
  const votes = [40 + u, 30, 20 + u, 10, 5, u];
  const valid = votes.reduce((a, b) => a + b, 0);
  const f = {
    form_type: 'ส.ส. 5/18', province: 'แพร่', constituency_number: 1, polling_unit: u, has_vote_table: true,
    votes: Object.fromEntries(votes.map((v, i) => [String(i + 1), count(v)])),
    valid_votes: count(valid), invalid_votes: count(3), no_vote: count(2), total_votes: count(valid + 5),
  };
  return JSON.stringify(edit(f));
}

// 20 unit folders, one image each; the answers the simulator gives them.
export function formFolder(root) {
  const top = path.join(root, 'แพร่');
  const images = [];
  for (let u = 1; u <= 20; u++) {
    const dir = path.join(top, 'เขต 1', `หน่วย ${u}`);
    fs.mkdirSync(dir, { recursive: true });
    const bytes = png(50 + u, 40, u * 9);
    fs.writeFileSync(path.join(dir, `form_${String(u).padStart(2, '0')}.png`), bytes);
    images.push({ u, sha: crypto.createHash('sha256').update(bytes).digest('hex') });
  }
  const answers = {};
  for (const { u, sha } of images) {
    answers[sha] = form(u, (f) => {
      if (u === 3) delete f.province; // the folder names it
      if (u === 5) f.votes['2'].thai_text = 'หกสิบ'; // 30 written as sixty: needs review
      if (u === 9) f.invalid_votes = count(4); // totals off by one: accepted by a person
      return f;
    });
  }
  const failing = images.find((i) => i.u === 7).sha;
  return { top, images, answers, failing };
}

// Resident memory of Chromium's renderer processes, MB.
export function rendererRssMb() {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return kb / 1024;
}

// A sample batch for the reports: 12 units of แพร่ เขต 1, each with a
// constituency form (as `form`) and a party-list form (parties 1-8), as
// images in unit folders; the simulator's answers; and a stats_cons.json
// in the ECT's shape that agrees with the forms except candidate 1, whose
// official total is 50 votes below what the forms already add up to.
export function reportSample(root) {
  const top = path.join(root, 'แพร่');
  const answers = {};
  let cand1 = 0;
  const partyVotes = (u) => [120 + u, 95, 60 + 2 * u, 40, 22, 15, 9, u];
  for (let u = 1; u <= 12; u++) {
    const dir = path.join(top, 'เขต 1', `หน่วย ${u}`);
    fs.mkdirSync(dir, { recursive: true });
    const a = png(60 + u, 44, 10 + u * 7);
    const b = png(60 + u, 46, 140 + u * 7);
    fs.writeFileSync(path.join(dir, 'ส.ส. 5-18.png'), a);
    fs.writeFileSync(path.join(dir, 'ส.ส. 5-18 บช.png'), b);
    const sha = (x) => crypto.createHash('sha256').update(x).digest('hex');
    answers[sha(a)] = form(u);
    cand1 += 40 + u;
    const votes = partyVotes(u);
    const valid = votes.reduce((x, y) => x + y, 0);
    answers[sha(b)] = JSON.stringify({
      form_type: 'ส.ส. 5/18 (บช)', province: 'แพร่', constituency_number: 1, polling_unit: u, has_vote_table: true,
      votes: Object.fromEntries(votes.map((v, i) => [String(i + 1), count(v)])),
      valid_votes: count(valid), invalid_votes: count(4), no_vote: count(1), total_votes: count(valid + 5),
    });
  }
  const official = {
    result_province: [{ prov_id: 'PRE', constituencies: [{
      cons_id: 'PRE_1', counted_vote_stations: 400, percent_count: 100.0,
      candidates: [{ mp_app_id: 'PRE_1_1', mp_app_vote: cand1 - 50 }],
      result_party: [],
    }] }],
  };
  return { top, answers, official, cand1 };
}

// What the end-to-end tests are pointed at (scripts/test sets these): the
// built app, the running simulator and its control token, the browser.
export const DIST = path.resolve(process.env.DIST || path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist'));
export const SIM = process.env.OCR_SIM_URL;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// What the benchmarks and scripts start and read (scripts/bench sets these):
// the simulator binary and the realistic corpus (make corpus-images).
const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
export const SIM_BIN = process.env.SIM_BIN || path.join(ROOT, 'target', 'release', 'ocr-sim');
export const CORPUS = process.env.CORPUS || path.join(ROOT, 'target', 'corpus-images');
const SIM_CONTROL = { 'x-sim-control': process.env.OCR_SIM_TOKEN || '' };
// Scripts the running simulator (`/_sim/scenario`, `/_sim/reset`).
export const simPost = (route, body) => fetch(`${SIM}${route}`, { method: 'POST', headers: SIM_CONTROL, body: JSON.stringify(body) });
// The simulator's request log.
export const simLog = async () => (await fetch(`${SIM}/_sim/log`, { headers: SIM_CONTROL })).json();

// Runs the report sample in `page` (the app, pointed at the simulator),
// loads its official file and opens the Reports tab.
export async function runReportSample(page, sample, dir) {
  await page.setInputFiles('#folder', sample.top);
  await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('24'));
  await page.click('#start');
  await page.waitForSelector('#batch-summary', { timeout: 120_000 });
  const official = path.join(dir, 'stats_cons.json');
  fs.writeFileSync(official, JSON.stringify(sample.official));
  await page.click('#tab-official');
  await page.setInputFiles('#official-files', [official]);
  await page.waitForSelector('#discrepancies tbody tr');
  await page.click('#tab-reports');
}

// POSTs JSON to a simulator, also over its self-signed HTTPS; resolves to
// { status, text() }, like fetch's answer.
export function postJson(url, body, headers = {}) {
  const request = url.startsWith('https:') ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text: async () => text, json: async () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

// The harness of every end-to-end test and browser script, black-box like:
// everything it starts it stops, in reverse order, even when `body` throws
// (a failure in the body is the one reported).
//
//   await withApp(options?, async ({ browser, context, page, url, sim, simPost, simLog,
//                                    errors, dir, site, server, host, open, newContext }) => { ... })
//
// It makes a temp dir (`dir`; downloads land there; removed at the end),
// serves the built app (`site`: DIST, or a copy of it in dir) on a free port
// (`url`), picks the simulator (`sim`: the running one of OCR_SIM_URL, reset
// before and after; or one it starts), launches Chromium (CHROMIUM, ARGS,
// headless) with one context (`context`, accepting downloads), records the
// uncaught errors of every page of its contexts (`errors`) and opens the app
// pointed at the simulator (`page`, as openApp does). After a body that
// returned, it asserts that `errors` is empty; it resolves to what the body
// returned. Options (all optional):
//   name       the temp dir's name: tallyscan-<name>-XXXXXX ('app')
//   root       the folder served (DIST); copy: true serves a copy of it, dir/site
//   prefix     the sub-path it is served under ('/'), e.g. '/tallyscan/'
//   host       async (site, dir) => ({ url, stop, ... }): another server (nginx...)
//              instead of the built-in one (then `host` is what it returned)
//   sim        a simulator URL (default OCR_SIM_URL, required; its control
//              token OCR_SIM_TOKEN); false: none
//   simBin     start this simulator binary instead, with `scenario` (an
//              object, default {}), `tls`, `token`; killed at the end
//   reset      POST /_sim/reset before and after (default: only for the
//              simulator of OCR_SIM_URL)
//   args       Chromium flags added to ARGS (e.g. '--ignore-certificate-errors')
//   launch     more chromium.launch options
//   browser    false: no Chromium is launched (`browser`, `context` null), e.g.
//              for a benchmark that drives its own (bare.mjs)
//   context    options of the context, and of those made with newContext()
//              (viewport, serviceWorkers: 'block', ignoreHTTPSErrors...)
//   open       openApp's options for `page` ({}); false: no page is opened
//              (then `open(options?, context?)` opens one, as openApp)
//   dialogs    true: a dialog (alert, confirm) is an error: recorded and dismissed
//   failOnErrors  false: `errors` is left to the body (benchmarks print them)
export async function withApp(options, body) {
  if (typeof options === 'function') [options, body] = [{}, options];
  const {
    name = 'app', root = DIST, copy = false, prefix = '/', host = null,
    simBin = null, scenario = {}, tls = false, token = '',
    args = [], launch = {}, context: contextOptions = {}, open = {},
    dialogs = false, failOnErrors = true,
  } = options;
  const sharedSim = options.sim === undefined && !simBin;
  const reset = options.reset ?? sharedSim;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tallyscan-${name}-`));
  const teardown = [() => fs.rmSync(dir, { recursive: true, force: true })];
  let passed = false;
  try {
    // The simulator.
    let sim = null;
    if (simBin) {
      const file = path.join(dir, 'scenario.json');
      fs.writeFileSync(file, JSON.stringify(scenario));
      const started = await startSim(simBin, file, { tls, token });
      teardown.push(() => started.sim.kill());
      sim = started.url;
    } else if (options.sim !== false) {
      sim = sharedSim ? SIM : options.sim;
      assert.ok(sim, 'OCR_SIM_URL must point at a running ocr-sim (make test starts one)');
    }
    const control = { 'x-sim-control': simBin ? token : SIM_CONTROL['x-sim-control'] };
    const simPostTo = (route, b) => postJson(`${sim}${route}`, b, control);
    const simLogOf = () => getJson(`${sim}/_sim/log`, control);
    if (reset) {
      await simPostTo('/_sim/reset', {});
      teardown.push(() => simPostTo('/_sim/reset', {}));
    }

    // The app, served.
    let site = path.resolve(root);
    assert.ok(fs.existsSync(path.join(site, 'index.html')), `no built app in ${site} (run trunk build first)`);
    if (copy) {
      const to = path.join(dir, 'site');
      fs.cpSync(site, to, { recursive: true });
      site = to;
    }
    let served;
    if (host) served = await host(site, dir);
    else {
      const server = await serve(site, prefix);
      served = { url: `http://127.0.0.1:${server.address().port}${prefix}`, stop: () => server.close(), server };
    }
    teardown.push(() => served.stop());

    // The browser (none with `browser: false`: the caller starts its own).
    const browser = options.browser === false ? null
      : await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...args], headless: true, downloadsPath: dir, ...launch });
    if (browser) teardown.push(() => browser.close());
    const errors = [];
    const seen = new WeakSet();
    const watch = (p) => {
      if (seen.has(p)) return;
      seen.add(p);
      watchErrors(p, errors);
      if (dialogs) p.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
    };
    const newContext = async (more = {}) => {
      const c = await browser.newContext({ acceptDownloads: true, ...contextOptions, ...more });
      c.on('page', watch);
      return c;
    };
    const context = browser && await newContext();
    const openPage = async (o = {}, c = context) => {
      assert.ok(sim, 'openApp needs a simulator');
      const p = await openApp(c, served.url, sim, errors, o);
      watch(p);
      return p;
    };
    const page = open === false ? null : await openPage(open === true ? {} : open);
    const result = await body({
      browser, context, page, url: served.url, sim, simPost: simPostTo, simLog: simLogOf,
      errors, dir, site, server: served.server, host: served, open: openPage, newContext,
    });
    if (failOnErrors) assert.deepEqual(errors, [], dialogs ? 'no page errors, no dialogs' : 'no page errors');
    passed = true;
    return result;
  } finally {
    let first = null;
    for (const step of teardown.reverse()) {
      try { await step(); } catch (e) { first ??= e; }
    }
    if (passed && first) throw first;
  }
}

// A PouchDB Server (couch/server, CouchDB-compatible, in memory) on a free
// port in `dir`, set up by couch/setup: the database `db`, its rules, the
// accounts of `users` ([name, password, role]), CORS for `origins`.
// Resolves to { url, db, stop, process }.
// `disk`: keep the data in LevelDB files in `dir` rather than in memory (a
// large database, as the coordinator's benchmark fills).
export async function startCouch(dir, { users = [], origins = [], db = 'tallyscan', disk = false } = {}) {
  const bin = path.join(ROOT, 'couch', 'server', 'node_modules', '.bin', 'pouchdb-server');
  assert.ok(fs.existsSync(bin), 'pouchdb-server is not installed (scripts/setup installs it)');
  const home = fs.mkdtempSync(path.join(dir, 'couch-'));
  const port = await new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  const store = disk ? ['--dir', home] : ['--in-memory'];
  const proc = spawn(bin, [...store, '--no-stdout-logs', '--port', String(port)], { cwd: home, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    try { if ((await fetch(url)).ok) break; } catch { /* not yet */ }
    if (Date.now() - t0 > 30_000) { proc.kill(); throw new Error('pouchdb-server did not start'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const csv = path.join(home, 'users.csv');
  fs.writeFileSync(csv, ['name,password,role', ...users.map((u) => u.join(','))].join('\n'));
  const args = [url, db, '--admin', 'admin:secret', '--create-admin', '--users', csv, ...origins.flatMap((o) => ['--cors', o])];
  await new Promise((resolve, reject) => {
    const p = spawn(path.join(ROOT, 'couch', 'setup'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`couch/setup exited ${c}`))));
  });
  const admin = { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` };
  return { url, db, process: proc, admin, stop: () => proc.kill() };
}

// Logs `page` in to the shared database `db` at `server` as `name`, and
// waits until the panel names the account.
export async function syncLogIn(page, server, db, name, password, { timeout = 60_000 } = {}) {
  await page.fill('#sync-server', server);
  await page.fill('#sync-db', db);
  await page.fill('#sync-name', name);
  await page.fill('#sync-password', password);
  await page.click('#sync-login');
  await page.waitForFunction((n) => document.querySelector('#sync-account')?.textContent.startsWith(n), name, { timeout });
}

// An HTTP proxy to `target` (the database) on a free port that can drop
// connections, to cut a sync where it hurts. Each _bulk_docs request takes
// the next step of proxy.plan (then 'pass' when it is empty):
//   'pass'        forward it;
//   'cut-before'  drop the connection without forwarding it;
//   'cut-after'   forward it, let the server store it, then drop the
//                 connection before the answer;
//   'pause'       call proxy.onPause() (the test stops the server) and forward;
//   'close'       forward it and call proxy.onClose() (the test closes the tab).
// proxy.delayMs holds each _bulk_docs that long (a slow link).
// proxy.sent lists, per _bulk_docs forwarded, its documents' "id rev" and
// whether its answer reached the page (delivered).
export async function couchProxy(target) {
  const to = new URL(target);
  const proxy = { plan: [], sent: [], cuts: 0, delayMs: 0, onPause: () => {}, onClose: () => {}, log: [] };
  const server = http.createServer((req, res) => {
    const chunks = [];
    const t0 = Date.now();
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const bulk = req.method === 'POST' && req.url.includes('/_bulk_docs');
      const line = { at: t0, path: `${req.method} ${req.url.split('?')[0].split('/').pop()}`, ms: null };
      proxy.log.push(line);
      res.on('finish', () => { line.ms = Date.now() - t0; });
      const step = bulk ? proxy.plan.shift() ?? 'pass' : 'pass';
      if (step === 'cut-before') { proxy.cuts += 1; req.socket.destroy(); return; }
      if (step === 'pause') proxy.onPause();
      if (step === 'close') proxy.onClose();
      const entry = bulk ? { docs: JSON.parse(body.toString()).docs.map((d) => `${d._id} ${d._rev}`), delivered: false } : null;
      if (entry) proxy.sent.push(entry);
      const up = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
        const out = [];
        r.on('data', (c) => out.push(c));
        r.on('end', () => {
          if (step === 'cut-after') { proxy.cuts += 1; req.socket.destroy(); return; }
          if (req.socket.destroyed) return;
          res.writeHead(r.statusCode, r.headers);
          res.end(Buffer.concat(out), () => { if (entry) entry.delivered = r.statusCode < 300; });
        });
      });
      up.on('error', () => req.socket.destroy());
      if (bulk && proxy.delayMs) setTimeout(() => up.end(body), proxy.delayMs);
      else up.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.stop = () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); });
  // Documents sent again after an answer saying they were stored reached the page.
  proxy.duplicates = () => {
    const stored = new Set();
    let again = 0;
    for (const e of proxy.sent) {
      for (const d of e.docs) if (stored.has(d)) again += 1;
      if (e.delivered) e.docs.forEach((d) => stored.add(d));
    }
    return again;
  };
  return proxy;
}

// A session file of `n` ballots made from the one outcome of `template` (a
// session file the app exported): each its own image (SHA-256), file name
// and polling unit, read alike otherwise.
export function sessionOf(template, n, prefix) {
  const t = JSON.parse(fs.readFileSync(template, 'utf8'));
  const one = t.outcomes[0].result;
  const outcomes = [];
  const files = [];
  for (let i = 0; i < n; i++) {
    const r = JSON.parse(JSON.stringify(one));
    const name = `${prefix}_${String(i + 1).padStart(5, '0')}.png`;
    r.index = i;
    r.file = name;
    r.record.source.file_name = name;
    r.record.source.sha256 = crypto.createHash('sha256').update(`${prefix}/${i}`).digest('hex');
    r.record.polling_unit = 1 + (i % 300);
    outcomes.push({ result: r });
    files.push({ ...t.batch.files[0], name });
  }
  const batch = { ...t.batch, id: `${prefix}-${n}`, files };
  return JSON.stringify({ ...t, batch, outcomes });
}

// Reads one image in `page` and saves the session file the app exports
// (a template for sessionOf). Resolves to its path.
export async function exportTemplate(page, dir, simPost) {
  await simPost('/_sim/scenario', { latency_ms: [5, 10] });
  const im = makeImages(dir, 1, 'template', 9);
  await page.setInputFiles('#files', im.files);
  await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('1'));
  await page.click('#start');
  await page.waitForSelector('#batch-summary');
  await page.waitForSelector('#batch-list li .export-session');
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#batch-list li .export-session')]);
  const file = path.join(dir, 'template-session.json');
  await d.saveAs(file);
  return file;
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core on the whole document: every violation, by rule (and what axe
// could not decide, marked unsure, for a person to look at).
export async function axe(page) {
  if (!await page.evaluate(() => typeof window.axe === 'object')) {
    // Evaluated over the DevTools protocol: the page's CSP (no inline
    // scripts) does not apply, and the app runs unchanged.
    await page.evaluate(AXE_SOURCE);
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    const unsure = r.incomplete.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length, unsure: true,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), summary: '' }));
    return unsure.concat(r.violations.map((v) => ({
      id: v.id, impact: v.impact, count: v.nodes.length, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      summary: (v.nodes[0]?.failureSummary || '').split('\n').slice(0, 3).join(' | '),
    })));
  });
}

// Prints the page to PDF (print media, A4); its number of pages and its
// text (poppler's pdfinfo and pdftotext).
export async function printed(page, file) {
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  const info = execFileSync('pdfinfo', [file]).toString();
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  return { pages, text };
}
