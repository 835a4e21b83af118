// The volunteer's workflow, end to end in headless Chromium against the
// simulator: pick a folder of 20 forms (แพร่/เขต 1/หน่วย N/…), run, one
// failure and "retry failed", review and correct a ballot (checks run again
// as you type), accept one with a reason, the constituency view, exports
// checked, a reload keeps the corrections; the Thai UI shows no English;
// a model answer carrying HTML stays inert text.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { png, rowsOf, form, formFolder as folder, withApp as harness, simPost as post, simLog } from './support.mjs';

// The app open at 1280 x 800; a dialog (alert, confirm) counts as an error.
const withApp = (fn, open = {}) => harness({ name: 'flow', context: { viewport: { width: 1280, height: 800 } }, dialogs: true, open }, fn);

const byUnit = (rows, u) => rows.find((r) => r[1].includes(`หน่วย ${u}/`));
const download = async (page, sel) => {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(sel)]);
  return { name: d.suggestedFilename(), text: fs.readFileSync(await d.path(), 'utf8') };
};

// Latin words a Thai view may show: names, units and formats, not sentences.
const ALLOWED = /^(TallyScan|API|JSON|CSV|PDF|dpi|Excel|URL|HTTP|HTTPS|OpenAI|OpenRouter|Ollama|vLLM|Anthropic|Gemini|Google|llama|cpp|ocr-sim|Python|tallyscan|png|form|MB|ms|p50|p95|endpoint|Messages|compatible|English|CouchDB)$/i;
async function englishIn(page, selector) {
  const text = await page.$eval(selector, (el) => el.innerText);
  return (text.match(/[A-Za-z][A-Za-z-]{2,}/g) || []).filter((w) => !ALLOWED.test(w));
}

test('a folder of 20 forms: run, retry failed, review, correct, accept, constituency, export, reload', async () => {
  await withApp(async ({ page, dir }) => {
    const { top, answers, failing } = folder(dir);
    await post('/_sim/scenario', { latency_ms: [20, 60], answers: { ...answers, [failing]: 'Sorry, I cannot read this image.' } });
    await page.setInputFiles('#folder', top);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('20'));
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });

    let rows = await rowsOf(page);
    assert.equal(rows.length, 20, 'one row per picked file');
    assert.equal(byUnit(rows, 7)[2], 'ผิดพลาด', 'the unreadable answer failed');
    assert.match(byUnit(rows, 7)[3], /คำตอบของโมเดลไม่มีข้อมูลแบบฟอร์มที่ใช้ได้/, 'why, in Thai');
    assert.equal(byUnit(rows, 3)[4], 'แพร่', 'the province from the folder name');
    assert.equal(byUnit(rows, 5)[2], 'ต้องตรวจ');
    assert.match(byUnit(rows, 5)[11], /แถว 2/, 'the first issue names the row, in Thai');
    assert.equal(byUnit(rows, 9)[2], 'ต้องตรวจ');
    // Filter: only the ones needing review.
    await page.selectOption('#show', 'review');
    assert.equal((await rowsOf(page)).length, 2);
    await page.selectOption('#show', 'all');

    // Retry failed: only the failed ballot is sent again.
    await post('/_sim/scenario', { latency_ms: [20, 60], answers });
    const before = (await simLog()).requests.length;
    await page.click('#retry-failed');
    await page.waitForFunction(() => [...document.querySelectorAll('#results tbody tr')].some((tr) => /หน่วย 7\//.test(tr.textContent) && /อ่านแล้ว/.test(tr.textContent)), null, { timeout: 60_000 });
    await page.waitForSelector('#batch-summary');
    const resent = (await simLog()).requests.slice(before).filter((r) => r.path.includes('/v1/'));
    assert.equal(resent.length, 1, 'one request: the failed ballot only');
    assert.equal(resent[0].image_sha256, failing);

    // Review unit 5: the image beside the cells; fix the words.
    const row5 = await page.locator('#results tbody tr', { hasText: 'หน่วย 5/' });
    await row5.locator('button.link').click();
    await page.waitForSelector('#review');
    await page.waitForFunction(() => document.querySelector('#review-image')?.src.startsWith('blob:'));
    const words2 = page.locator('#review input[data-field="row 2 words"]');
    assert.match(await words2.getAttribute('class'), /cell--bad/, 'the failing cell is marked');
    await words2.fill('สามสิบ');
    await page.waitForFunction(() => !document.querySelector('#review input[data-field="row 2 words"]').classList.contains('cell--bad'));
    await words2.press('Tab');
    await page.waitForFunction(() => /ตรวจผ่านทุกข้อ/.test(document.querySelector('#review-issues').textContent));
    assert.match(await page.textContent('#review-audit'), /แถว 2 \(ตัวอักษร\): หกสิบ → สามสิบ/);
    assert.deepEqual(await englishIn(page, '#review'), [], 'the review panel speaks Thai');
    // n: the next ballot needing review (unit 9); accept it with a reason.
    await page.locator('#review-title').click();
    await page.keyboard.press('n');
    await page.waitForFunction(() => /หน่วย 9\//.test(document.querySelector('#review-title').textContent));
    await page.fill('#accept-reason', 'นับบัตรเสียซ้ำกับกรรมการแล้ว');
    await page.click('#accept');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#review', { state: 'detached' });
    rows = await rowsOf(page);
    assert.equal(byUnit(rows, 5)[2], 'อ่านแล้ว', 'corrected: checks pass');
    assert.equal(byUnit(rows, 9)[2], 'อ่านแล้ว', 'accepted');
    assert.match(byUnit(rows, 9)[11], /ยอมรับโดย/);
    assert.deepEqual(await englishIn(page, '.results'), [], 'the results table speaks Thai');
    assert.deepEqual(await englishIn(page, '.progress'), [], 'the progress view speaks Thai');

    // The constituency view.
    await page.click('#tab-constituencies');
    const cons = await page.$$eval('#constituencies tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(cons.length, 1);
    assert.deepEqual(cons[0].slice(0, 7), ['แพร่', '1', 'แบ่งเขต', '20 / 257', '0 (0%)', '0', '0']);
    assert.ok(await page.$$('#constituency-chart rect').then((r) => r.length === 6), 'a bar per candidate');
    assert.deepEqual(await englishIn(page, '.constituencies'), [], 'the constituency view speaks Thai');

    // Exports: file order, corrections and who, dated names, BOM.
    const csv = await download(page, '#export-csv');
    assert.match(csv.name, /^tallyscan-ballots-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
    assert.ok(csv.text.startsWith('\ufeff'));
    const files = [...new Set(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]))];
    assert.equal(files.length, 20, 'every file');
    assert.ok(csv.text.includes('row 2 words: หกสิบ → สามสิบ'), 'the correction with its old value');
    const json = JSON.parse((await download(page, '#export-json')).text);
    assert.equal(json.records.length, 20);
    const five = json.records.find((r) => r.source.file_name.includes('หน่วย 5/'));
    assert.equal(five.audit[0].from, 'หกสิบ');
    assert.equal(five.audit[0].to, 'สามสิบ');
    const nine = json.records.find((r) => r.source.file_name.includes('หน่วย 9/'));
    assert.equal(nine.accepted.reason, 'นับบัตรเสียซ้ำกับกรรมการแล้ว');
    const summary = await download(page, '#export-summary');
    assert.match(summary.name, /^tallyscan-constituencies-/);

    // A reload keeps the corrections.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 20);
    rows = await rowsOf(page);
    assert.equal(byUnit(rows, 5)[2], 'อ่านแล้ว', 'the correction was kept on the device');
    assert.equal(byUnit(rows, 9)[2], 'อ่านแล้ว', 'the acceptance too');
  });
});

test('the language switch: English everywhere, then Thai again, remembered', async () => {
  await withApp(async ({ page }) => {
    await page.click('.lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.match(await page.textContent('#start'), /Start/);
    await page.reload();
    await page.waitForSelector('#start');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'remembered');
    await page.click('.lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'th');
    assert.deepEqual(await englishIn(page, 'main'), [], 'no English words in the Thai page');
  });
});

test('a model answer carrying HTML is shown as inert text', async () => {
  await withApp(async ({ page, dir }) => {
    const bytes = png(77, 40, 200);
    const file = path.join(dir, 'xss.png');
    fs.writeFileSync(file, bytes);
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    const evil = '<img src=x onerror=window.__xss=1>';
    await post('/_sim/scenario', { answers: { [sha]: form(4, (f) => ({ ...f, province: evil })) } });
    await page.evaluate(() => { window.__xss = 0; });
    await page.setInputFiles('#files', file);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 30_000 });
    const [row] = await rowsOf(page);
    assert.equal(row[4], evil, 'shown as the text it is');
    await page.locator('#results button.link').click();
    await page.waitForSelector('#review');
    assert.equal(await page.$$eval('main img:not(#review-image), #review img:not(#review-image)', (i) => i.length), 0, 'no element made from it');
    assert.equal(await page.evaluate(() => window.__xss), 0, 'no script ran');
  });
});

test('scans are prepared before sending: downscaled JPEG, smaller than the file', async () => {
  // Defaults: images prepared (long edge 2048, JPEG 0.85).
  await withApp(async ({ page, dir }) => {
    const file = path.join(dir, 'scan.png');
    fs.writeFileSync(file, png(3000, 2000, 120, true));
    await page.setInputFiles('#files', file);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const [row] = await rowsOf(page);
    assert.equal(row[1], 'scan.png');
    const sent = (await simLog()).requests.filter((r) => r.path.includes('/v1/'));
    assert.equal(sent.length, 1);
    assert.equal(sent[0].image_type, 'image/jpeg', 'sent as JPEG');
    assert.ok(sent[0].image_bytes < fs.statSync(file).size, `${sent[0].image_bytes} bytes sent`);
  }, { original: false });
});

test('a preset fills the provider, the connection is tested, the estimate shown, and the batch stops at the budget', async () => {
  await withApp(async ({ page, dir, sim }) => {
    await page.selectOption('#preset', 'openai');
    assert.equal(await page.inputValue('#endpoint'), 'https://api.openai.com/v1');
    assert.equal(await page.inputValue('#model'), 'gpt-4o-mini');
    await page.click('details.advanced summary');
    assert.equal(await page.inputValue('#price-in'), '0.15', 'list prices filled in');
    // Back to the simulator (custom), and test it.
    await page.fill('#endpoint', `${sim}/v1`);
    await page.locator('#endpoint').dispatchEvent('change');
    await page.fill('#model', 'tallyscan-sim');
    await page.locator('#model').dispatchEvent('change');
    assert.equal(await page.inputValue('#preset'), 'custom');
    await page.click('#test-connection');
    await page.waitForSelector('#connection-result');
    assert.match(await page.textContent('#connection-result'), /เชื่อมต่อได้: มีโมเดลนี้/);
    await page.fill('#model', 'llava');
    await page.locator('#model').dispatchEvent('change');
    await page.click('#test-connection');
    await page.waitForFunction(() => /ไม่มีโมเดล "llava"/.test(document.querySelector('#connection-result')?.textContent || ''));
    await page.fill('#model', 'tallyscan-sim');
    await page.locator('#model').dispatchEvent('change');
    // A key the server refuses.
    await post('/_sim/scenario', { require_key: 'sk-right' });
    await page.fill('#api-key', 'sk-wrong');
    await page.locator('#api-key').dispatchEvent('change');
    await page.click('#test-connection');
    await page.waitForFunction(() => /HTTP 401/.test(document.querySelector('#connection-result')?.textContent || ''));
    assert.match(await page.textContent('#connection-result'), /คีย์ API ไม่ถูกต้องหรือไม่มีสิทธิ์/);
    await post('/_sim/scenario', {});
    await page.fill('#api-key', '');
    await page.locator('#api-key').dispatchEvent('change');
    // $1,000 a million input tokens, a $3 budget: about one ballot.
    const set = async (sel, v) => { await page.fill(sel, String(v)); await page.locator(sel).dispatchEvent('change'); };
    await set('#price-in', 1000);
    await set('#budget', 3);
    const files = [];
    for (let i = 0; i < 10; i++) {
      const f = path.join(dir, `b_${i}.png`);
      fs.writeFileSync(f, png(60 + i, 40, i * 20));
      files.push(f);
    }
    await page.setInputFiles('#files', files);
    assert.match(await page.textContent('#estimate'), /ประมาณการ: 10 ภาพ ≈ \d+ โทเคน ≈ \$\d+\.\d\d/);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    assert.match(await page.textContent('.progress'), /ใช้งบครบแล้ว/);
    assert.match(await page.textContent('#spent'), /ใช้ไปแล้ว: โทเคนเข้า \d+/);
    const rows = await rowsOf(page);
    assert.equal(rows.length, 10, 'every file has its row');
    const read = rows.filter((r) => r[2] === 'อ่านแล้ว' || r[2] === 'ต้องตรวจ').length;
    assert.equal(read, 1, 'about $2 a ballot expected, a $3 budget: one ballot');
    assert.equal(rows.filter((r) => r[2] === 'ไม่ได้เริ่ม').length, 9, 'the rest not started');
  });
});

test('a ballot the first model refuses is read by the fallback model', async () => {
  await withApp(async ({ page, dir, sim }) => {
    await post('/_sim/scenario', { latency_ms: [10, 30], script: [{ kind: 'status', code: 400 }] });
    await page.click('details.advanced summary');
    await page.fill('#fallback-endpoint', `${sim}/v1`);
    await page.locator('#fallback-endpoint').dispatchEvent('change');
    await page.fill('#fallback-model', 'second-sim');
    await page.locator('#fallback-model').dispatchEvent('change');
    const f = path.join(dir, 'refused.png');
    fs.writeFileSync(f, png(70, 40, 99));
    await page.setInputFiles('#files', f);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 30_000 });
    const [row] = await rowsOf(page);
    assert.equal(row[2], 'อ่านแล้ว', 'read by the fallback');
    assert.match(await page.textContent('#progress-stats'), /1 ใบส่งให้โมเดลสำรอง/);
    const models = (await simLog()).requests.filter((r) => r.path.includes('/v1/')).map((r) => r.model);
    assert.deepEqual(models, ['tallyscan-sim', 'second-sim'], 'the first, then the fallback');
    const json = JSON.parse((await download(page, '#export-json')).text);
    assert.equal(json.records[0].source.model, 'second-sim', 'the record says which model read it');
  });
});
