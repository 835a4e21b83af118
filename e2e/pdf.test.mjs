// PDF scans as input, end to end in headless Chromium against the
// simulator: a 3-page JPEG-compressed PDF becomes 3 rows read in page
// order; a CCITT black-and-white scan is read; a blank page is reported
// and not sent; a password-protected and a damaged PDF each get their own
// message in Thai; PDF.js is loaded only once a PDF is picked.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST,
// and Debian's img2pdf, qpdf, ppm2tiff, pdftoppm (scripts/setup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { png, rowsOf, withApp, simPost, simLog } from './support.mjs';
import { makePdfs } from './pdfs.mjs';


test('PDFs: one row per page in page order, blank/locked/damaged each said, PDF.js loaded on demand', async () => {
  // Which files the page asked for (the service worker is blocked, so
  // nothing is fetched ahead for the offline cache).
  await withApp({ name: 'pdf', open: false, context: { serviceWorkers: 'block' } }, async ({ server, dir, open }) => {
    const pdfs = makePdfs(dir);
    const photo = path.join(dir, 'photo.png');
    fs.writeFileSync(photo, png(64, 48, 90, true));
    const asked = [];
    server.on('request', (req) => asked.push(new URL(req.url, 'http://x').pathname));
    await simPost('/_sim/scenario', { latency_ms: [10, 30] });
    const page = await open();
    const pdfAsked = () => asked.filter((p) => p.includes('pdf'));
    await page.setInputFiles('#files', [photo]);
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('1'));
    assert.deepEqual(pdfAsked(), [], 'no PDF code before a PDF is picked');

    const picked = [pdfs.three.file, photo, pdfs.ccitt.file, pdfs.blank.file, pdfs.locked.file, pdfs.corrupt.file];
    await page.setInputFiles('#files', picked);
    // 3 pages + the photo + 1 + 1 + the two that do not open (one row each).
    await page.waitForFunction(() => document.querySelector('#file-summary')?.textContent.includes('รวม 8 ใบ'), null, { timeout: 30_000 });
    assert.ok(pdfAsked().some((p) => p.endsWith('/pdf-worker.js')), 'the PDF worker loads once a PDF is picked');
    assert.ok(pdfAsked().some((p) => p.endsWith('/pdfjs/pdf.min.js')), 'and PDF.js with it');

    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60_000 });
    const rows = await rowsOf(page);
    const names = rows.map((r) => r[1]);
    assert.deepEqual(names, [
      'three.pdf · หน้า 1 / page 1', 'three.pdf · หน้า 2 / page 2', 'three.pdf · หน้า 3 / page 3',
      'photo.png', 'ccitt.pdf · หน้า 1 / page 1', 'blank.pdf · หน้า 1 / page 1', 'locked.pdf', 'corrupt.pdf',
    ], 'one row per page, in file and page order');
    const status = Object.fromEntries(rows.map((r) => [r[1], r]));
    for (const n of names.slice(0, 5)) assert.notEqual(status[n][2], 'ผิดพลาด', `${n} was read`);
    assert.match(status['blank.pdf · หน้า 1 / page 1'][3], /หน้าว่าง/, 'the blank page is said');
    assert.match(status['locked.pdf'][3], /รหัสผ่าน/, 'the locked PDF is said');
    assert.match(status['corrupt.pdf'][3], /ไฟล์เสีย/, 'the damaged PDF is said');

    // Sent: the three pages, the photo and the black-and-white scan; the
    // blank page and the two that do not open, never.
    const sent = (await simLog()).requests.filter((r) => r.image_sha256);
    assert.equal(sent.length, 5, 'five images sent');
    assert.equal(new Set(sent.map((r) => r.image_sha256)).size, 5, 'five different images');
    assert.equal(sent.filter((r) => r.image_type === 'image/jpeg').length, 4, 'pages go as JPEG');

    // Identity: the PDF's SHA-256 and the page.
    const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const json = JSON.parse(fs.readFileSync(await d.path(), 'utf8'));
    const pages = json.records.filter((r) => r.source.file_name.startsWith('three.pdf'));
    assert.deepEqual(pages.map((r) => r.source.page), [1, 2, 3]);
    assert.ok(pages.every((r) => r.source.sha256 === pdfs.three.sha), 'each page carries the PDF\'s SHA-256');

    // Review shows the page itself, drawn from the PDF: now, and after a
    // reload, from the PDF kept on the device (once for all its pages).
    const reviewPage = async (n) => {
      const row = page.locator('#results tbody tr', { hasText: `three.pdf · หน้า ${n} /` });
      await row.locator('button.link').click();
      await page.waitForSelector('#review');
      await page.waitForFunction(() => document.querySelector('#review-image')?.naturalWidth >= 1000, null, { timeout: 20_000 });
      await page.keyboard.press('Escape');
      await page.waitForSelector('#review', { state: 'detached' });
    };
    await reviewPage(2);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 8, null, { timeout: 20_000 });
    await reviewPage(3);
  });
});
