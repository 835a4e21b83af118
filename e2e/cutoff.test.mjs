// Answers cut off by the token budget, end to end against the simulator
// (its `long` fault: an answer of N tokens, cut at the request's
// max_tokens with finish_reason "length"). Prints truncated_recovered (of
// 20) for make bench. Needs: OCR_SIM_URL, DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp, makeImages, rowsOf, simPost, simLog } from './support.mjs';

// 20 images whose answers are `tokens` long: their rows.
async function run(page, dir, tokens, name) {
  await simPost('/_sim/scenario', { latency_ms: [10, 40], faults: [[1.0, { kind: 'long', tokens }]] });
  const images = makeImages(dir, 20, name);
  await page.setInputFiles('#files', images.files);
  await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('20'));
  await page.click('#start');
  await page.waitForSelector('#batch-summary', { timeout: 60_000 });
  return { rows: await rowsOf(page) };
}

test('an answer cut off at the token budget is asked again with a larger one, else fails with its own reason', async () => {
  await withApp({ name: 'cutoff' }, async ({ page, dir }) => {
    // 3,000 tokens: cut at 2,048, whole at 8,192.
    let { rows } = await run(page, dir, 3000, 'long');
    const recovered = rows.filter((r) => r[2] === 'อ่านแล้ว').length;
    console.log(`truncated_recovered=${recovered}`);
    assert.equal(recovered, 20, rows.map((r) => r.join(' | ')).join('\n'));
    const log = (await simLog()).requests;
    const budgets = (outcome) => log.filter((r) => r.outcome === outcome).map((r) => r.max_tokens);
    assert.deepEqual(budgets('cut_off'), Array(20).fill(2048), 'each cut off once, at the first budget');
    assert.deepEqual(budgets('long'), Array(20).fill(8192), 'then read whole with the larger one');

    // 10,000 tokens: cut off at both budgets; its own reason, in Thai.
    await page.reload();
    await page.waitForSelector('#start');
    ({ rows } = await run(page, dir, 10000, 'longer'));
    assert.equal(rows.length, 20);
    for (const r of rows) {
      assert.match(r[3], /คำตอบถูกตัดที่ 8192 โทเค็น/, r.join(' | '));
    }
  });
});
