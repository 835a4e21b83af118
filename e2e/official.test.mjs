// Comparing with the official results, end to end in headless Chromium:
// a folder of 20 forms of แพร่ เขต 1 read against the simulator, then the
// ECT's stats_cons.json (generated here in its shape) picked: a candidate
// whose forms already add up to more than the official total is a certain,
// high discrepancy with the 20 forms as evidence; what may still come from
// units not read waits; a party id the registry lacks is noted; the
// discrepancies export as CSV.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { formFolder, withApp, simPost } from './support.mjs';


test('official results: a certain excess with its evidence, the rest waits, notes and export', async () => {
  await withApp({ name: 'official', open: false }, async ({ dir, open }) => {
    const { top, answers } = formFolder(dir);
    await simPost('/_sim/scenario', { latency_ms: [10, 30], answers });
    const page = await open();
    await page.setInputFiles('#folder', top);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('20'));
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });

    // The forms: candidate 1 has 40 + u votes in unit u, 1,010 in all.
    const stats = {
      result_province: [{ prov_id: 'PRE', constituencies: [{
        cons_id: 'PRE_1', turn_out: 90000, valid_votes: 85000, invalid_votes: 3000, blank_votes: 2000,
        counted_vote_stations: 400, percent_count: 100.0,
        candidates: [
          { mp_app_id: 'PRE_1_1', mp_app_vote: 900 },
          { mp_app_id: 'PRE_1_2', mp_app_vote: 25000 },
        ],
        result_party: [{ party_id: 999999, party_list_vote: 10 }],
      }] }],
    };
    const file = path.join(dir, 'stats_cons.json');
    fs.writeFileSync(file, JSON.stringify(stats));
    await page.click('#tab-official');
    await page.setInputFiles('#official-files', [file]);
    await page.waitForSelector('#discrepancies tbody tr');
    const rows = await page.$$eval('#discrepancies tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(rows.length, 1, `one discrepancy: ${JSON.stringify(rows)}`);
    const [severity, where, what, ours, official, diff] = rows[0];
    assert.equal(severity, 'สูง');
    assert.match(where, /แพร่ เขต 1/);
    assert.match(what, /ผู้สมัครหมายเลข 1/);
    assert.deepEqual([ours, official, diff], ['1010', '900', '110']);
    assert.match(rows[0][7], /เกินแน่นอน/);
    assert.match(rows[0][7], /หลักฐาน 20 ใบ/, 'the 20 forms behind the number');
    await page.click('#discrepancies details summary');
    assert.match(await page.textContent('#discrepancies details ul'), /หน่วย 7\/form_07\.png · หน่วย 7/);
    assert.match(await page.textContent('#official-coverage'), /อ่านยังไม่ครบ 1 รายการ/);
    assert.match(await page.textContent('#official-notes'), /พรรครหัส 999999 ไม่มีในทะเบียนพรรค/);

    const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-discrepancies-csv')]);
    const csv = fs.readFileSync(await d.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff'), 'CSV with BOM');
    assert.match(csv, /HIGH \/ สูง,แพร่,1,/);
    assert.match(csv, /form_07\.png \(หน่วย 7\) sha256:[0-9a-f]{64}/);
    // The official results stay loaded after a reload.
    await page.reload();
    await page.waitForSelector('#tab-official');
    await page.click('#tab-official');
    await page.waitForSelector('#discrepancies tbody tr');
    assert.equal(await page.$$eval('#discrepancies tbody tr', (t) => t.length), 1);
  });
});
