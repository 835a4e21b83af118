// Second reading, end to end in headless Chromium against the simulator:
// three forms whose first reading has row 2's words misread; the simulator
// re-reads them right, wrong in the same way, and wrong self-consistently.
// Only the first is settled (and says so, per cell, in the review panel and
// the exports); the others stay in review with both readings shown.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { png, rowsOf, form, withApp, simPost, simLog } from './support.mjs';


test('flagged ballots are read again: settled only when both readings agree', async () => {
  await withApp({ name: 'reread', open: false }, async ({ dir, open: openPage }) => {
    const names = ['right.png', 'same.png', 'other.png'];
    const second = [['30', 'สามสิบ'], ['30', 'หกสิบ'], ['31', 'สามสิบเอ็ด']];
    const answers = {};
    const rereads = {};
    const files = names.map((n, i) => {
      const bytes = png(70 + i, 50, 30 + 40 * i);
      const file = path.join(dir, n);
      fs.writeFileSync(file, bytes);
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      answers[sha] = form(i + 1, (f) => { f.votes['2'].thai_text = 'หกสิบ'; return f; });
      rereads[sha] = JSON.stringify({ cells: { 'row 2': { numeric: Number(second[i][0]), thai_text: second[i][1] } } });
      return file;
    });
    await simPost('/_sim/scenario', { latency_ms: [10, 30], answers, rereads });
    const page = await openPage();
    await page.setInputFiles('#files', files);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });

    const log = (await simLog()).requests.filter((r) => r.path.includes('/v1/'));
    assert.equal(log.length, 6, 'one re-read for each flagged ballot');
    assert.equal(log.filter((r) => r.reread).length, 3);
    const rows = await rowsOf(page);
    const status = Object.fromEntries(rows.map((r) => [r[1], r[2]]));
    assert.notEqual(status['right.png'], 'ต้องตรวจ', 'settled by the second reading');
    assert.equal(status['same.png'], 'ต้องตรวจ', 'the same misreading again: a person must look');
    assert.equal(status['other.png'], 'ต้องตรวจ', 'another wrong value: a person must look');

    const open = async (name) => {
      await page.locator('#results tbody tr', { hasText: name }).locator('button.link').click();
      await page.waitForSelector('#review-reread');
      const text = await page.textContent('#review-reread');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#review', { state: 'detached' });
      return text;
    };
    assert.match(await open('right.png'), /แถว 2.*30 \/ หกสิบ → 30 \/ สามสิบ · ยุติด้วยการอ่านซ้ำ/);
    assert.match(await open('same.png'), /30 \/ หกสิบ → 30 \/ หกสิบ · ไม่ยุติ/);

    const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const json = JSON.parse(fs.readFileSync(await d.path(), 'utf8'));
    const by = (n) => json.records.find((r) => r.source.file_name === n);
    assert.equal(by('right.png').reread.settled, true);
    assert.equal(by('right.png').reread.cells[0].first.words, 'หกสิบ', 'the first reading kept');
    assert.equal(by('right.png').rows[1].votes.words, 'สามสิบ');
    assert.equal(by('other.png').reread.settled, false);
    assert.equal(by('other.png').rows[1].votes.words, 'หกสิบ', 'nothing changed silently');
    const [c] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.match(fs.readFileSync(await c.path(), 'utf8'), /settled by re-read \/ ยุติด้วยการอ่านซ้ำ/);
  });
});
