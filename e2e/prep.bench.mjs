// Image preparation through the built page (dist/) in headless Chromium:
// a batch of 100 scan-like A4 PNGs of about 4 MB each, prepared at the
// defaults (long edge 2048, JPEG 0.85), against the OCR simulator. Prints:
//   upload_bytes_ratio            picked bytes ÷ request bytes (goal >= 4)
//   longest_main_thread_task_ms   the longest main-thread task from Start to
//                                 the summary (Long Tasks API; goal <= 50)
//   rss_peak_mb_100               peak resident memory of the renderer
//                                 processes (sampled from /proc) during the batch
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { SIM_BIN, withApp, rendererRssMb } from './support.mjs';

const N = Number(process.env.PREP_BENCH_N || 100);

// A 2480 x 3509 grey scan: paper grain, a form's grid, dark strokes.
function scan(seed) {
  const [w, h] = [2480, 3509];
  const raw = Buffer.alloc((w + 1) * h);
  let x = seed * 2654435761 + 1;
  for (let y = 0; y < h; y++) {
    const row = y * (w + 1);
    raw[row] = 0;
    const line = y > 400 && (y - 400) % 80 < 3;
    for (let i = 1; i <= w; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      raw[row + i] = line || (i > 200 && (i - 200) % 600 < 3) ? 40 : 232 + ((x >>> 24) % 20);
    }
  }
  const crc32 = (buf) => zlib.crc32 ? zlib.crc32(buf) : 0;
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

await withApp({ name: 'prep', simBin: SIM_BIN, scenario: { seed: 3, latency_ms: [200, 600] }, open: false, failOnErrors: false },
  async ({ context, open, errors, simLog, dir }) => {
    const files = [];
    let source = 0;
    for (let i = 0; i < N; i++) {
      const f = path.join(dir, `scan_${String(i + 1).padStart(3, '0')}.png`);
      const bytes = scan(i + 1);
      fs.writeFileSync(f, bytes);
      source += bytes.length;
      files.push(f);
    }
    console.error(`prep: ${N} scans of ${(source / N / 1048576).toFixed(1)} MB`);
    await context.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    });
    const page = await open({ original: false });
    await page.setInputFiles('#files', files);
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), N);
    let peak = rendererRssMb();
    const sampler = setInterval(() => { peak = Math.max(peak, rendererRssMb()); }, 250);
    const from = await page.evaluate(() => performance.now());
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 30 * 60_000 });
    clearInterval(sampler);
    const to = await page.evaluate(() => performance.now());
    const long = (await page.evaluate(() => window.__long)).filter(([t]) => t >= from && t <= to);
    const log = await simLog();
    const sent = log.requests.filter((r) => r.path.includes('/v1/'));
    const body = sent.reduce((n, r) => n + r.body_bytes, 0);
    const jpegs = sent.filter((r) => r.image_type === 'image/jpeg').length;
    console.error(`prep: ${sent.length} requests (${jpegs} JPEG), ${(body / 1048576).toFixed(1)} MB sent for ${(source / 1048576).toFixed(0)} MB picked; long tasks (at ms: ms): ${long.map(([t, d]) => `${Math.round(t - from)}:${Math.round(d)}`).join(", ") || "none"}`);
    console.log(`upload_bytes_ratio=${(source / Math.max(1, body)).toFixed(2)}`);
    console.log(`longest_main_thread_task_ms=${Math.round(long.reduce((m, [, d]) => Math.max(m, d), 0))}`);
    console.log(`rss_peak_mb_${N}=${peak.toFixed(0)}`);
    if (errors.length) console.error(`prep: page errors: ${errors.join('; ')}`);
  });
