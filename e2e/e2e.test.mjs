// End-to-end: the built page (dist/) in Debian's headless Chromium, against
// the OCR simulator. Picks 3 generated PNGs through the file input, starts,
// waits for "3 / 3" and checks the 3 table rows.
// Needs: OCR_SIM_URL (a running ocr-sim), DIST (default ../dist).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { png, withApp, simPost, simLog, rowsOf } from './support.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);

test('pick 3 images, start, see 3 / 3 and 3 rows', async () => {
  // The page is opened by hand: the endpoint only (images prepared, the
  // default rate), and the CSP watched from the first script on.
  await withApp({ name: 'e2e', open: false }, async ({ context, url, sim, dir }) => {
    await simPost('/_sim/scenario', { latency_ms: [20, 120] });
    const files = [1, 2, 3].map((i) => {
      const f = path.join(dir, `ballot_00${i}.png`);
      fs.writeFileSync(f, png(64 * i, 48, 40 * i));
      return f;
    });
    const page = await context.newPage();
    // Content-Security-Policy: the page must run without a single violation.
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(url);
    await page.waitForSelector('#start');
    assert.match(await page.textContent('#start'), /เริ่มอ่าน/, 'UI speaks Thai first');

    await page.fill('#endpoint', `${sim}/v1`);
    await page.locator('#endpoint').dispatchEvent('change');
    await page.setInputFiles('#files', files);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('3'));
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#progress-count')?.textContent.trim() === '3 / 3', null, { timeout: 30_000 });

    const rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => r[1]), ['ballot_001.png', 'ballot_002.png', 'ballot_003.png']);
    // #, file, status, form, province, constituency, unit, rows, valid, total, confidence, first issue
    for (const r of rows) {
      assert.equal(r[2], 'อ่านแล้ว', `status of ${r[1]}`);
      assert.equal(r[3], 'ส.ส. 5/18', `form of ${r[1]}`);
      assert.ok(r[4] && /^\d+$/.test(r[5]) && /^\d+$/.test(r[6]) && /^\d+$/.test(r[8]) && /^\d+$/.test(r[9]), `place and numbers of ${r[1]}: ${r}`);
      assert.equal(r[10], 'สูง', `confidence of ${r[1]}`);
    }
    // Export: the CSV opens in Excel (UTF-8 with BOM) with one line per vote row.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.match(download.suggestedFilename(), /^tallyscan-ballots-\d{4}-\d\d-\d\d-\d{4}\.csv$/, 'says what and when');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufefffile / ไฟล์,sha256,'), csv.slice(0, 40));
    const csvLines = csv.trim().split('\r\n');
    const rowCount = rows.reduce((n, r) => n + Number(r[7]), 0);
    assert.equal(csvLines.length, 1 + rowCount, 'header + one line per vote row');
    assert.ok(csvLines.slice(1).every((l) => l.startsWith('ballot_00')));

    fs.mkdirSync(path.join(here, 'out'), { recursive: true });
    await page.screenshot({ path: path.join(here, 'out', 'e2e-3-of-3.png'), fullPage: true });

    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    assert.doesNotMatch(csp, /unsafe-inline/, 'no inline scripts or styles allowed');
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /form-action 'none'/);
    assert.deepEqual(violations.concat(await page.evaluate(() => window.__csp)), [], 'no CSP violations');

    const log = await simLog();
    const model = log.requests.filter((r) => r.path.includes('/v1/'));
    assert.equal(model.length, 3, 'one request per image');
    assert.equal(log.violations, 0);
    assert.match(await page.textContent('#batch-summary'), /^อ่านแล้ว 3 ใบ \(ต้องตรวจ 0\), ไม่มีผล 0/);
    assert.ok(model.every((r) => r.status === 200));
  });
});

// The Python tool's batch JSON (ballot_data.json), as its CLI writes it.
function pythonExport() {
  const unit = (n, votes, invalid, blank) => {
    const valid = votes.reduce((a, b) => a + b, 0);
    return {
      form_type: 'ส.ส. 5/18', form_category: 'constituency', province: 'แพร่', constituency_number: 1,
      district: 'เมืองแพร่', polling_unit: n, polling_station: `แพร่-เขต 1 เมืองแพร่-${n}`,
      valid_votes: valid, invalid_votes: invalid, blank_votes: blank, total_votes: valid + invalid + blank,
      confidence_score: 1.0, confidence_level: 'HIGH', source_file: `unit_${n}.png`,
      vote_counts: Object.fromEntries(votes.map((v, i) => [String(i + 1), v])),
    };
  };
  return [
    unit(1, [108, 54, 15, 424, 8, 5], 7, 36),
    unit(2, [90, 40, 10, 300, 6, 4], 5, 20),
    { ...unit(3, [1, 2, 3, 4, 5, 6], 0, 0), province: 'ภูเก็จ', source_file: 'typo.png' },
  ];
}

test('import a Python-tool JSON export and see its constituency', async () => {
  await withApp({ name: 'import', sim: false, open: false }, async ({ context, url, dir }) => {
    const file = path.join(dir, 'ballot_data.json');
    fs.writeFileSync(file, JSON.stringify(pythonExport(), null, 2));
    const page = await context.newPage();
    await page.goto(url);
    await page.setInputFiles('#import', file);
    await page.click('#tab-constituencies');
    await page.waitForSelector('#constituencies tbody tr');
    assert.match(await page.textContent('#import-note'), /อ่านได้ 3 ใบ/);
    const rows = await page.$$eval('#constituencies tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(rows.length, 1);
    const [province, cons, category, units, review, dups, conflicts, leader, valid, total] = rows[0];
    assert.deepEqual([province, cons, category, dups, conflicts], ['แพร่', '1', 'แบ่งเขต', '0', '0']);
    assert.match(units, /^2 \/ \d+$/, 'units reported / expected by the registry');
    assert.equal(leader, '4 (724)', 'candidate 4 leads with 424 + 300');
    assert.equal(valid, String(614 + 450));
    assert.equal(total, String(657 + 475));
    assert.equal(review, '2 (100%)', 'no words in the export: digits cannot be cross-checked, so both wait for review');
    assert.match(await page.textContent('#not-placed'), /typo\.png: ไม่ได้นับรวม: "ภูเก็จ" ไม่ใช่ชื่อจังหวัด/);
    assert.ok(await page.$('#constituency-chart svg rect'), 'a bar chart');
    await page.click('#tab-results');
    const table = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.querySelector('.file').textContent));
    assert.deepEqual(table, ['unit_1.png', 'unit_2.png', 'typo.png'], 'every imported record has its row');
  });
});

test('each bad file says what is wrong with it; a name that reverses text is shown safely', async () => {
  await withApp({ name: 'badfiles', open: { original: false } }, async ({ page, dir }) => {
    await simPost('/_sim/scenario', { latency_ms: [10, 30] });
    const file = (name, bytes) => { const f = path.join(dir, name); fs.writeFileSync(f, bytes); return f; };
    const good = png(120, 90, 60, true);
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const files = [
      file('empty.jpg', Buffer.alloc(0)),
      file('huge.jpg', Buffer.concat([jpegStart, Buffer.alloc(60 * 1024 * 1024)])),
      file('iphone.jpg', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64)])),
      file('notes.jpg', Buffer.from('these are my notes, not a photo')),
      file('cut.png', good.subarray(0, Math.floor(good.length / 2))),
      file('scan\u202Egnp.png', good),
    ];
    await page.setInputFiles('#files', files);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('6'));
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const rows = await rowsOf(page);
    const why = (name) => rows.find((r) => r[1] === name)?.[3] ?? `no row for ${name}`;
    assert.match(why('empty.jpg'), /ไฟล์ว่าง/);
    assert.match(why('huge.jpg'), /ใหญ่เกินกว่าจะส่งได้.*50 MB/);
    assert.match(why('iphone.jpg'), /HEIC.*JPEG/);
    assert.match(why('notes.jpg'), /ไม่ใช่ไฟล์ภาพ/);
    assert.match(why('cut.png'), /ภาพเสียหรือไม่ครบ/);
    const reversed = rows.find((r) => r[1].includes('⟦U+202E⟧'));
    assert.ok(reversed, `the override is shown, not obeyed: ${rows.map((r) => r[1]).join(' | ')}`);
    assert.equal(reversed[1], 'scan⟦U+202E⟧gnp.png');
    assert.equal(reversed[2], 'อ่านแล้ว');
    assert.equal(await page.$eval('#results tbody tr:last-child td.file bdi', (b) => b.tagName), 'BDI', 'isolated');
  });
});
