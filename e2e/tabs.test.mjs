// Two tabs of one browser sending to the same endpoint keep its rate
// together (a Web Lock and a bucket in localStorage shared by the pages):
// each alone would keep it and together double it. Prints
// two_tab_violations for make bench. Needs: OCR_SIM_URL, DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp, makeImages, rowsOf, simPost, simLog } from './support.mjs';

test('two tabs sending to one endpoint keep its rate together', async () => {
  const rate = { perMinute: 120, burst: 1 };
  await withApp({ name: 'tabs', open: rate }, async ({ page, open, dir }) => {
    // The simulator's own bucket: the app's rate, a burst of 2 for jitter.
    await simPost('/_sim/scenario', { latency_ms: [20, 60], rate_limit: { rate: 2, burst: 2 } });
    const second = await open(rate);
    const pages = [page, second];
    const images = [makeImages(dir, 16, 'tab_a', 0), makeImages(dir, 16, 'tab_b', 1)];
    for (const [k, p] of pages.entries()) {
      await p.setInputFiles('#files', images[k].files);
      await p.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('16'));
    }
    await Promise.all(pages.map((p) => p.click('#start')));
    await Promise.all(pages.map((p) => p.waitForSelector('#batch-summary', { timeout: 120_000 })));
    const log = await simLog();
    console.log(`two_tab_violations=${log.violations}`);
    assert.equal(log.violations, 0, 'the two tabs together never went over the rate');
    for (const p of pages) {
      const rows = await rowsOf(p);
      assert.equal(rows.filter((r) => r[2] === 'อ่านแล้ว').length, 16, rows.map((r) => r.join(' | ')).join('\n'));
    }
    // The tabs shared the rate as they went: both among the first sent.
    const tabOf = (r) => images.findIndex((im) => im.hashes.includes(r.image_sha256));
    const first = log.requests.filter((r) => r.status === 200).slice(0, 8).map(tabOf);
    assert.ok(first.includes(0) && first.includes(1), `tabs of the first 8 sent: ${first}`);
  });
});
