// `make reports`: runs the sample batch of the reports test against the
// simulator, loads its official file, and prints the executive summary, the
// batch summary and the constituency report to PDF with headless Chromium,
// into docs/reports/, with a PNG of each first page (poppler's pdftoppm).
// Needs: SIM_BIN (the ocr-sim binary), DIST.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { SIM_BIN, withApp, reportSample, runReportSample } from './support.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const OUT = path.join(here, '..', 'docs', 'reports');

fs.mkdirSync(OUT, { recursive: true });
await withApp({ name: 'make-reports', simBin: SIM_BIN, open: false, context: { acceptDownloads: false } }, async ({ dir, open, simPost }) => {
  const sample = reportSample(dir);
  const set = await simPost('/_sim/scenario', { latency_ms: [10, 30], answers: sample.answers });
  if (set.status !== 200) throw new Error(`the simulator refused the scenario: ${await set.text()}`);
  const page = await open();
  await runReportSample(page, sample, dir);
  for (const kind of ['executive', 'batch', 'constituencies']) {
    await page.selectOption('#report-kind', kind);
    await page.waitForSelector(`.report--${kind}`);
    const pdf = path.join(OUT, `${kind}.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', '-f', '1', '-l', '1', pdf, path.join(OUT, kind)]);
    console.log(`reports: ${pdf}`);
  }
});
