// `make reports`: runs the sample batch of the reports test against the
// simulator, loads its official file, and prints the executive summary, the
// batch summary and the constituency report to PDF with headless Chromium,
// into docs/reports/, with a PNG of each first page (poppler's pdftoppm).
// Needs: SIM_BIN (the ocr-sim binary), DIST.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { ARGS, serve, startSim, openApp, reportSample, runReportSample } from './support.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const DIST = path.resolve(process.env.DIST || path.join(here, '..', 'dist'));
const SIM_BIN = process.env.SIM_BIN || path.join(here, '..', 'target', 'release', 'ocr-sim');
const OUT = path.join(here, '..', 'docs', 'reports');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tallyscan-make-reports-'));
const sample = reportSample(dir);
const scenario = path.join(dir, 'scenario.json');
fs.writeFileSync(scenario, JSON.stringify({ latency_ms: [10, 30], answers: sample.answers }));
const { sim, url } = await startSim(SIM_BIN, scenario);
const server = await serve(DIST);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
fs.mkdirSync(OUT, { recursive: true });
const errors = [];
try {
  const page = await openApp(await browser.newContext(), `http://127.0.0.1:${server.address().port}/`, url, errors);
  await runReportSample(page, sample, dir);
  for (const kind of ['executive', 'batch', 'constituencies']) {
    await page.selectOption('#report-kind', kind);
    await page.waitForSelector(`.report--${kind}`);
    const pdf = path.join(OUT, `${kind}.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', '-f', '1', '-l', '1', pdf, path.join(OUT, kind)]);
    console.log(`reports: ${pdf}`);
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
  sim.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
