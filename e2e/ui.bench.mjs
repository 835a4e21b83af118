// UI smoothness benchmark: the built page (dist/) in headless Chromium runs
// a 5,000-ballot batch against the OCR simulator at 50 requests/s with
// 20-80 ms latency, the results table open. Prints key=value lines:
//   ui_longest_task_ms_5000   the longest main-thread task (Long Tasks API)
//                             from Start to the batch summary (goal <= 50)
//   ui_long_tasks_5000        tasks over 50 ms in that span
//   ui_batch_s_5000           wall time of the batch
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import { SIM_BIN, withApp, makeImages } from './support.mjs';

const N = Number(process.env.UI_BENCH_N || 5000);
const RATE = 50;

await withApp({
  name: 'ui', simBin: SIM_BIN, scenario: { seed: 11, latency_ms: [20, 80] },
  context: { viewport: { width: 1280, height: 800 } }, open: false, failOnErrors: false,
}, async ({ context, open, dir, errors }) => {
  await context.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await open();
  const set = async (sel, value) => { await page.fill(sel, String(value)); await page.locator(sel).dispatchEvent('change'); };
  await page.click('details.advanced summary');
  await set('#per-minute', RATE * 60);
  await set('#burst', 5);
  const images = makeImages(dir, N, 'form');
  await page.setInputFiles('#files', images.files);
  await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), N);
  const t0 = Date.now();
  const from = await page.evaluate(() => performance.now());
  await page.click('#start');
  await page.waitForSelector('#batch-summary', { timeout: 30 * 60_000 });
  const wall = (Date.now() - t0) / 1000;
  const to = await page.evaluate(() => performance.now());
  const long = (await page.evaluate(() => window.__long)).filter(([t]) => t >= from && t <= to);
  const longest = long.reduce((m, [, d]) => Math.max(m, d), 0);
  const rows = await page.$eval('#page-line', (e) => e.textContent);
  console.error(`ui: ${N} ballots in ${wall.toFixed(1)} s; ${rows}; long tasks (at ms: ms): ${long.map(([t, d]) => `${Math.round(t - from)}:${Math.round(d)}`).join(", ")}`);
  console.log(`ui_longest_task_ms_5000=${Math.round(longest)}`);
  console.log(`ui_long_tasks_5000=${long.length}`);
  console.log(`ui_batch_s_5000=${wall.toFixed(1)}`);
  if (errors.length) console.error(`ui: page errors: ${errors.join('; ')}`);
});
