// The printable reports, end to end in headless Chromium: a sample batch
// (12 units of แพร่ เขต 1, constituency and party-list forms) read against
// the simulator and compared with an official file; each report checked in
// the page (the right numbers), then printed to PDF by Chromium: its page
// count, and its text (poppler's pdftotext) holding the Thai names and totals.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST,
// poppler-utils (scripts/setup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { reportSample, runReportSample, withApp, simPost, printed } from './support.mjs';

test('reports: the right numbers on screen and in the printed PDF, Thai included', async () => {
  await withApp({ name: 'reports', open: false, context: { acceptDownloads: false } }, async ({ dir, open }) => {
    const sample = reportSample(dir);
    await simPost('/_sim/scenario', { latency_ms: [10, 30], answers: sample.answers });
    const page = await open();
    await runReportSample(page, sample, dir);

    // Executive summary: one page.
    await page.waitForSelector('.report--executive');
    const text = (sel) => page.textContent(sel);
    assert.equal(await text('#exec-files'), '24');
    assert.equal(await text('#exec-read'), '24');
    assert.equal(await text('#exec-provinces'), '1');
    assert.equal(await text('#exec-constituencies'), '1');
    assert.equal(await page.$$eval('#exec-discrepancies td', (t) => t.map((x) => x.textContent).join(',')), '1,0,0');
    // Party 1 leads: 120 + u votes in unit u, 1,518 over 12 units.
    assert.match(await text('.report--executive svg'), /1 .*1518/);
    let pdf = await printed(page, path.join(dir, 'executive.pdf'));
    assert.equal(pdf.pages, 1, 'the executive summary fits one page');
    assert.match(pdf.text, /สรุปผู้บริหาร/);
    assert.match(pdf.text, /1518/);

    // Batch summary.
    await page.selectOption('#report-kind', 'batch');
    await page.waitForSelector('.report--batch');
    assert.equal(await text('#batch-files'), '24');
    assert.equal(await text('#batch-failed'), '0');
    const forms = await page.$$eval('#batch-forms tbody tr', (t) => t.map((r) => r.textContent));
    assert.deepEqual(forms.sort(), ['ส.ส. 5/1812', 'ส.ส. 5/18 (บช)12'].sort());
    assert.match(await text('#batch-provinces'), /แพร่24/);
    pdf = await printed(page, path.join(dir, 'batch.pdf'));
    // Its lists (files not read, corrections, anomalies) are empty for this
    // sample, and the rest has a fixed size: one page.
    assert.equal(await page.$$eval('#batch-anomalies tbody tr, #batch-failures tr, #batch-corrections tr', (t) => t.length), 0, 'nothing listed');
    assert.equal(pdf.pages, 1, 'the batch summary of 24 files read, none failed or corrected, fits one page');
    assert.match(pdf.text, /แพร่/);
    assert.match(pdf.text, /ส\.ส\. 5\/18/);

    // Constituency report: both ballots of แพร่ เขต 1, each on its page.
    await page.selectOption('#report-kind', 'constituencies');
    await page.waitForSelector('.report--constituencies');
    assert.equal(await page.$$eval('.constituency-report', (s) => s.length), 2);
    const first = await text('.constituency-report');
    assert.match(first, /แพร่ เขต 1/);
    assert.match(first, new RegExp(String(sample.cand1)), 'candidate 1 as the forms add up');
    pdf = await printed(page, path.join(dir, 'constituencies.pdf'));
    assert.equal(pdf.pages, 2, 'one page per ballot category');
    assert.match(pdf.text, /แพร่ เขต 1/);
    assert.match(pdf.text, new RegExp(String(sample.cand1)));
  });
});
