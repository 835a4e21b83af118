// PDF input through the built page (dist/) in headless Chromium. Prints:
//   pdf_page_ms_p95     one A4 page drawn at 150 dpi by the PDF worker and
//                       prepared by the preparation worker (downscale,
//                       JPEG), p95 over 20 pages
//   pdf_assets_gzip_kb  what PDF input adds, gzipped: the worker and PDF.js
//                       with its decoders (loaded only when a PDF is picked)
//   pdf_rss_ratio       peak renderer memory while a 200-page PDF goes
//                       through a batch ÷ the same for a 20-page PDF (goal <= 1.15)
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist), and Debian's
// img2pdf, ppm2tiff, pdftoppm (scripts/setup).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, SIM_BIN, withApp, rendererRssMb } from './support.mjs';
import { manyPages } from './pdfs.mjs';

const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
const walk = (d) => fs.readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const assets = [path.join(DIST, 'pdf-worker.js'), ...walk(path.join(DIST, 'pdfjs'))];
const assetsKb = assets.reduce((n, f) => n + gz(f), 0) / 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tallyscan-pdfbench-'));
const small = manyPages(dir, 20);
const large = manyPages(dir, 200);
console.error(`pdf: 20 pages ${(fs.statSync(small).size / 1048576).toFixed(1)} MB, 200 pages ${(fs.statSync(large).size / 1048576).toFixed(1)} MB`);

// Draws and prepares every page of `file` in the page's workers; ms each.
function pageTimes(file) {
  return withApp({ name: 'pdfbench', sim: false, open: false, failOnErrors: false }, async ({ context, url }) => {
    const page = await context.newPage();
    await page.goto(url);
    const b64 = fs.readFileSync(file).toString('base64');
    return await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const blob = new Blob([bytes], { type: 'application/pdf' });
      const rpc = (w) => { let n = 0; const wait = new Map(); w.onmessage = (e) => { const r = wait.get(e.data.id); if (r) { wait.delete(e.data.id); r(e.data); } }; return (m, t = []) => new Promise((r) => { const id = ++n; wait.set(id, r); w.postMessage({ id, ...m }, t); }); };
      const pdf = rpc(new Worker('./pdf-worker.js', { type: 'module' }));
      const prep = rpc(new Worker('./prep-worker.js'));
      const { pages } = await pdf({ op: 'count', key: 'b', blob });
      const times = [];
      for (let p = 1; p <= pages; p++) {
        const t0 = performance.now();
        const drawn = await pdf({ op: 'render', key: 'b', blob, page: p, dpi: 150, quality: 0.92 });
        if (!drawn.ok) throw new Error(drawn.message);
        const out = await prep({ op: 'prepare', blob: drawn.image, longEdge: 2048, quality: 0.85 });
        if (!out.ok) throw new Error(out.message);
        times.push(performance.now() - t0);
      }
      return times;
    }, b64);
  });
}

// Peak renderer memory while `file` goes through a batch (a fresh
// simulator), MB.
function batchPeak(file, pages) {
  const run = { name: 'pdfbench', simBin: SIM_BIN, scenario: { seed: 5, latency_ms: [50, 150] }, open: { original: false }, failOnErrors: false };
  return withApp(run, async ({ page, errors }) => {
    await page.setInputFiles('#files', [file]);
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(`รวม ${n} ใบ`), pages, { timeout: 120_000 });
    let peak = rendererRssMb();
    const sampler = setInterval(() => { peak = Math.max(peak, rendererRssMb()); }, 200);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 30 * 60_000 });
    clearInterval(sampler);
    const rows = await page.$$eval('#results tbody tr', (t) => t.length);
    if (errors.length) console.error(`pdf: page errors: ${errors.join('; ')}`);
    console.error(`pdf: ${pages} pages → ${rows} rows shown, renderer peak ${peak.toFixed(0)} MB`);
    return peak;
  });
}

try {
  const times = (await pageTimes(small)).sort((a, b) => a - b);
  const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)];
  console.error(`pdf: page ms p50 ${times[Math.floor(times.length / 2)].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}`);
  const peak20 = await batchPeak(small, 20);
  const peak200 = await batchPeak(large, 200);
  console.log(`pdf_page_ms_p95=${Math.round(p95)}`);
  console.log(`pdf_assets_gzip_kb=${assetsKb.toFixed(1)}`);
  console.log(`pdf_rss_ratio=${(peak200 / peak20).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
