// Fault-storm benchmark: the built page (dist/) in headless Chromium reads
// 300 generated images at 4 requests/s from the OCR simulator over HTTPS
// (HTTP/2), which answers in 0.5-2 s and misbehaves on purpose: 5 % 429 with
// Retry-After 2 s, 5 % 500, 1 % hangs, 3 % dropped connections, 4 % answers
// that are not JSON and 2 % absurd wait headers. Prints key=value lines
// (stdout); diagnostics go to stderr.
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import fs from 'node:fs';
import path from 'node:path';
import { png, rowsOf, withApp, SIM_BIN } from './support.mjs';

const N = Number(process.env.STORM_BALLOTS || 300);
const RATE = 4;
const TOKEN = 'storm';

// Each fault's share of all requests; the simulator draws them in order,
// each with its own probability, so these become conditional probabilities.
const absurd = (code, headers) => ({ kind: 'status', code, headers });
const SHARES = [
  [0.05, { kind: 'status', code: 429, retry_after: { seconds: 2 } }],
  [0.05, { kind: 'status', code: 500 }],
  [0.01, { kind: 'hang' }],
  [0.03, { kind: 'drop' }],
  [0.04, { kind: 'not_json' }],
  [0.005, absurd(503, [['retry-after', '99999999999999999999999']])],
  [0.005, absurd(429, [['retry-after', '1e400']])],
  [0.005, absurd(503, [['retry-after', 'Fri, 31 Dec 9999 23:59:59 GMT']])],
  [0.005, absurd(429, [['retry-after-ms', '-5'], ['x-ratelimit-reset-requests', '99999999999h']])],
];
function conditional(shares) {
  let left = 1;
  return shares.map(([p, f]) => { const q = p / left; left -= p; return [q, f]; });
}

const options = {
  name: 'storm', simBin: SIM_BIN, tls: true, token: TOKEN, args: ['--ignore-certificate-errors'], open: false, failOnErrors: false,
  scenario: {
    seed: 2026, latency_ms: [500, 2000], rate_limit: { rate: RATE, burst: 2 }, hang_cap_ms: 600000,
    faults: conditional(SHARES),
  },
};
await withApp(options, async ({ context, url: appUrl, sim: url, simLog, dir }) => {
  const names = [];
  const files = Array.from({ length: N }, (_, i) => {
    const name = `storm_${String(i + 1).padStart(3, '0')}.png`;
    const f = path.join(dir, name);
    fs.writeFileSync(f, png(40 + (i % 60), 30 + Math.floor(i / 60), (i * 7) % 256));
    names.push(name);
    return f;
  });
  let pageErrors = 0;
  const page = await context.newPage();
  page.on('pageerror', (e) => { pageErrors += 1; console.error(`storm: page error: ${e}`); });
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|RuntimeError|unreachable/.test(m.text())) {
      pageErrors += 1;
      console.error(`storm: console: ${m.text().slice(0, 300)}`);
    }
  });
  await page.goto(appUrl);
  await page.waitForSelector('#start');
  const set = async (sel, value) => { await page.fill(sel, String(value)); await page.locator(sel).dispatchEvent('change'); };
  await set('#endpoint', `${url}/v1`);
  await page.click('details.advanced summary');
  await set('#per-minute', RATE * 60);
  await set('#burst', 1);
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), N);
  const t0 = Date.now();
  await page.click('#start');
  await page.waitForSelector('#batch-summary', { timeout: 30 * 60_000 });
  const wall = (Date.now() - t0) / 1000;
  const rows = await rowsOf(page);
  const count = new Map();
  for (const r of rows) count.set(r[1], (count.get(r[1]) || 0) + 1);
  const accounted = names.filter((n) => count.get(n) === 1).length;
  const lost = names.filter((n) => !count.has(n)).length;
  const duplicates = rows.length - count.size;
  const log = await simLog();
  const outcomes = {};
  for (const r of log.requests) if (r.path.includes('/v1/')) outcomes[r.outcome || 'aborted'] = (outcomes[r.outcome || 'aborted'] || 0) + 1;
  const statuses = {};
  for (const r of rows) statuses[r[2]] = (statuses[r[2]] || 0) + 1;
  console.error(`storm: ${rows.length} rows in ${wall.toFixed(1)} s; rows by status ${JSON.stringify(statuses)}`);
  console.error(`storm: simulator outcomes ${JSON.stringify(outcomes)}`);
  const model = log.requests.filter((r) => r.path.includes('/v1/'));
  const per10 = [];
  for (const r of model) { const k = Math.floor((r.at_ms - model[0].at_ms) / 10_000); per10[k] = (per10[k] || 0) + 1; }
  console.error(`storm: requests per 10 s ${JSON.stringify(Array.from(per10, (x) => x || 0))}`);
  if (process.env.STORM_TRACE) console.error(JSON.stringify(model.map((r) => [Math.round(r.at_ms - model[0].at_ms), r.status, r.outcome])));
  console.error(`storm: ${(await page.textContent('#batch-summary')).trim()}`);
  console.log(`storm_accounted=${accounted}`);
  console.log(`storm_lost=${lost}`);
  console.log(`storm_duplicate_rows=${duplicates}`);
  console.log(`storm_violations=${log.violations}`);
  console.log(`storm_page_errors=${pageErrors}`);
  console.log(`storm_completion_ratio=${(N / wall / RATE).toFixed(3)}`);
});
