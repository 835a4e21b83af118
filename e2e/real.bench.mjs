// Real images end to end (issue 21), through the built page (dist/) in
// headless Chromium, on the realistic corpus made by scripts/corpus-images
// (A4 scans at 300 dpi, 2480 x 3509, PNG and JPEG; phone photos; PDFs),
// against the OCR simulator whose own bucket has a burst of 2 while the app
// is set to burst 1. Prints (key=value):
//   prepare_per_s             what this machine prepares per second through
//                             the page (60 scans with no rate to wait for)
//   real_rate_violations_8    requests the simulator's bucket refused, 300
//   real_rate_violations_2      scans at 8/s and at 2/s (goal 0 and 0)
//   real_rate_violations      the sum of both
//   real_dispatch_ratio       requests a second at 8/s ÷ min(8, prepare_per_s)
//   real_longest_task_ms      the longest main-thread task during the 8/s run,
//                             exact durations from Chromium's trace
//   real_tasks_over_50        how many tasks took longer than 50 ms
//   prepare_once_ratio        images prepared ÷ ballots, 100 scans with 10 %
//                             429s and 15 % misread answers (read again)
//   pdf_dark_page_sent        a form photographed in dim light, as a PDF page
//   pdf_blank_pages_sent      an empty white and an empty black PDF page
// Needs: SIM_BIN, DIST, CORPUS (the corpus folder). REAL_N (default 300).
import fs from 'node:fs';
import path from 'node:path';
import { CORPUS, SIM_BIN, corpus, getJson, openApp, startSim, withApp } from './support.mjs';
import { mainThreadTasks } from './measure.mjs';

const N = Number(process.env.REAL_N || 300);

const { scans } = corpus(CORPUS);
if (scans.length < N) throw new Error(`the corpus has ${scans.length} scans, ${N} wanted (make corpus-images)`);
const pdf = (name) => path.join(CORPUS, 'pdf', name);
// One run: a fresh simulator with `scenario`, a fresh page set to
// `perMinute` and burst 1, these files; `during(page, batch)` wraps the batch.
// `app`: the harness's newContext, url and dir.
async function run(app, { files, scenario, perMinute, during = (_page, f) => f() }) {
  const scenarioFile = path.join(app.dir, `scenario-${Date.now()}.json`);
  fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
  const { sim, url: simUrl } = await startSim(SIM_BIN, scenarioFile, { tls: true });
  const context = await app.newContext();
  const errors = [];
  try {
    const page = await openApp(context, app.url, simUrl, errors, { original: false, perMinute, burst: 1 });
    await page.setInputFiles('#files', files);
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), files.length);
    await during(page, async () => {
      await page.click('#start');
      await page.waitForSelector('#batch-summary', { timeout: 60 * 60_000 });
    });
    const summary = await page.textContent('#batch-summary');
    const log = await getJson(`${simUrl}/_sim/log`);
    if (errors.length) console.error(`real: page errors: ${errors.join('; ')}`);
    return { page, summary, log, close: () => context.close() };
  } finally {
    sim.kill();
  }
}

const model = (log) => log.requests.filter((r) => r.path.includes('/v1/'));
const perSecond = (reqs) => {
  const at = reqs.map((r) => r.at_ms).sort((a, b) => a - b);
  return at.length > 1 ? (at.length - 1) / ((at[at.length - 1] - at[0]) / 1000) : 0;
};
// The first number a pattern captures (its groups cover both languages).
const number = (text, re) => Number((re.exec(text) || []).slice(1).find((g) => g !== undefined) ?? NaN);

// One browser for every run (each run its own context and simulator).
const options = {
  name: 'real', sim: false, open: false, failOnErrors: false,
  args: ['--ignore-certificate-errors'], context: { ignoreHTTPSErrors: true, acceptDownloads: false },
};
await withApp(options, async (app) => {
  const { browser } = app;
  // What this machine prepares a second, with nothing else to wait for.
  const fast = await run(app, { files: scans.slice(0, 60), scenario: { seed: 1, latency_ms: [50, 100] }, perMinute: 6000 });
  const capacity = perSecond(model(fast.log));
  await fast.close();
  console.log(`prepare_per_s=${capacity.toFixed(2)}`);

  const rated = async (rate, trace) => {
    let tasks = null;
    const r = await run(app, {
      files: scans.slice(0, N),
      scenario: { seed: 2, latency_ms: [500, 2000], rate_limit: { rate, burst: 2 } },
      perMinute: rate * 60,
      during: trace ? async (page, f) => { tasks = await mainThreadTasks(browser, page, f); } : undefined,
    });
    await r.close();
    const reqs = model(r.log);
    return { violations: r.log.violations, reqs, tasks, sent: reqs.length };
  };
  const at8 = await rated(8, true);
  const ratio = perSecond(at8.reqs) / Math.min(8, capacity);
  console.error(`real: at 8/s ${at8.sent} requests, ${perSecond(at8.reqs).toFixed(2)}/s; tasks: ${JSON.stringify(at8.tasks?.top?.slice(0, 5))}`);
  const at2 = await rated(2, false);
  console.error(`real: at 2/s ${at2.sent} requests, ${perSecond(at2.reqs).toFixed(2)}/s`);
  console.log(`real_rate_violations_8=${at8.violations}`);
  console.log(`real_rate_violations_2=${at2.violations}`);
  console.log(`real_rate_violations=${at8.violations + at2.violations}`);
  console.log(`real_dispatch_ratio=${ratio.toFixed(3)}`);
  console.log(`real_longest_task_ms=${Math.round(at8.tasks.longestMs)}`);
  console.log(`real_tasks_over_50=${at8.tasks.over50}`);

  // Prepared once: 429s and second readings reuse the prepared image.
  const once = await run(app, {
    files: scans.slice(0, 100),
    scenario: { seed: 3, latency_ms: [200, 600], faults: [[0.1, { kind: 'status', code: 429 }], [0.15, { kind: 'misread' }]] },
    perMinute: 600,
  });
  await once.close();
  const prepared = number(once.summary, /(?:(\d+) images prepared|เตรียมภาพ (\d+) ภาพ)/);
  const asked = model(once.log).length;
  console.error(`real: 100 scans, ${asked} requests (429s and second readings), ${prepared} images prepared`);
  console.log(`prepare_once_ratio=${(prepared / 100).toFixed(2)}`);

  // PDF pages: a dark written page is sent; empty white and black pages are not.
  const pages = await run(app, {
    files: [pdf('dark_written.pdf'), pdf('blank_white.pdf'), pdf('blank_black.pdf')],
    scenario: { seed: 4, latency_ms: [50, 100] },
    perMinute: 600,
  });
  const rows = await pages.page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.textContent));
  await pages.close();
  const sent = model(pages.log).length;
  const darkRead = rows.some((r) => r.includes('dark_written.pdf') && !/blank|ว่าง/.test(r));
  console.error(`real: PDF rows: ${rows.map((r) => r.slice(0, 80)).join(' | ')}`);
  console.log(`pdf_dark_page_sent=${darkRead && sent >= 1 ? 1 : 0}`);
  console.log(`pdf_blank_pages_sent=${Math.max(0, sent - (darkRead ? 1 : 0))}`);
});
