// Real images end to end, through the built page against the simulator: a
// small realistic corpus (scripts/corpus-images: A4 scans at 300 dpi in PNG
// and JPEG, phone photos with EXIF orientation, PDFs with JPEG, Flate and
// CCITT pages, a dark written page and blank white and black pages) read at
// 8 requests a second with the app at burst 1 and the simulator's own bucket
// at burst 2: the simulator sees no request over its limit, every file and
// page ends in exactly one row, each image is prepared once, what is sent is
// a downscaled JPEG, the dark page is read and the blank ones are not sent.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST,
// CORPUS_TEST (a corpus folder; scripts/test makes one in .tmp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { corpus, rowsOf, withApp, simPost, simLog } from './support.mjs';

const CORPUS = process.env.CORPUS_TEST;

test('realistic scans, photos and PDFs at 8/s: no violation, one row each, prepared once', async () => {
  assert.ok(CORPUS && fs.existsSync(path.join(CORPUS, 'manifest.json')), 'CORPUS_TEST must name a corpus (scripts/corpus-images)');
  const { manifest, scans, photos } = corpus(CORPUS);
  const images = [...photos, ...scans];
  const pdfs = ['form_jpeg.pdf', 'form_flate.pdf', 'form_ccitt.pdf', 'dark_written.pdf', 'blank_white.pdf', 'blank_black.pdf']
    .map((n) => path.join(CORPUS, 'pdf', n));
  await withApp({ name: 'real', open: false, context: { acceptDownloads: false } }, async ({ open }) => {
    await simPost('/_sim/scenario', { seed: 21, latency_ms: [300, 900], rate_limit: { rate: 8, burst: 2 } });
    const page = await open({ original: false, perMinute: 480, burst: 1 });
    await page.setInputFiles('#files', [...images, ...pdfs]);
    // 3 one-page form PDFs, the dark page and two blank ones.
    const items = images.length + 6;
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), items);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 5 * 60_000 });

    const log = await simLog();
    const sent = log.requests.filter((r) => r.path.includes('/v1/'));
    const rows = await rowsOf(page);
    const said = JSON.stringify(rows.map((r) => r.slice(1, 4)));
    assert.equal(log.violations, 0, 'no request over the simulator\'s limit');
    assert.equal(sent.length, items - 2, `every image and written page sent once; the blank pages not: ${said}`);
    assert.ok(sent.every((r) => r.image_type === 'image/jpeg'), 'prepared as JPEG');
    const picked = manifest.files.filter((f) => f.kind !== 'pdf').reduce((n, f) => n + f.bytes, 0);
    const body = sent.reduce((n, r) => n + r.body_bytes, 0);
    assert.ok(body < picked / 2, `downscaled: ${body} bytes sent for ${picked} picked`);

    assert.equal(rows.length, items, 'one row a file or page');
    assert.equal(new Set(rows.map((r) => r[1])).size, items);
    const blank = rows.filter((r) => r[1].includes('blank_'));
    assert.equal(blank.length, 2);
    assert.ok(blank.every((r) => /ว่าง/.test(r.join(' '))), `blank pages say so: ${JSON.stringify(blank)}`);
    const dark = rows.find((r) => r[1].includes('dark_written'));
    assert.equal(dark[2], 'อ่านแล้ว', `the dark written page is read: ${JSON.stringify(dark)}`);
    const summary = await page.textContent('#batch-summary');
    const prepared = Number(/เตรียมภาพ (\d+) ภาพ/.exec(summary)?.[1]);
    assert.equal(prepared, items, `each item prepared once (blank pages are drawn, then not sent): ${summary}`);
  });
});
