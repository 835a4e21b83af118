// Whole-browser memory for real images (issue 21): a batch of photos and
// scans from the realistic corpus (scripts/corpus-images) through the built
// page at the defaults (prepared, images kept), against the simulator. The
// proportional set size (Pss) of every Chromium process of the run is summed
// every 250 ms; a batch of 100 and one of 500, each the median of 3 fresh
// browsers. Prints:
//   browser_pss_peak_mb_100, browser_pss_peak_mb_500, browser_pss_ratio
//   browser_pss_idle_mb       the same browser with the app open, before picking
// Needs: SIM_BIN, DIST, CORPUS. MEMORY_RUNS (default 3).
import { CORPUS, SIM_BIN, corpus, withApp } from './support.mjs';
import { browserPssMb, startPssSampler } from './measure.mjs';

const RUNS = Number(process.env.MEMORY_RUNS || 3);

const { scans, photos } = corpus(CORPUS);
// Photos and scans interleaved, as a volunteer's folder mixes them.
const mixed = [];
for (let i = 0; mixed.length < scans.length + photos.length; i++) {
  if (i < photos.length) mixed.push(photos[i]);
  if (i < scans.length) mixed.push(scans[i]);
}
if (mixed.length < 500) throw new Error(`the corpus has ${mixed.length} images, 500 wanted (make corpus-images)`);

// One fresh browser, and a fresh simulator (over HTTPS, as a provider is):
// the peak Pss while `n` images are read at 20/s.
const run = {
  name: 'memory', simBin: SIM_BIN, scenario: { seed: 5, latency_ms: [300, 900] }, tls: true,
  args: ['--ignore-certificate-errors'], context: { ignoreHTTPSErrors: true, acceptDownloads: false },
  open: { original: false, perMinute: 1200, burst: 1 }, failOnErrors: false,
};
function peak(n) {
  return withApp(run, async ({ browser, page, errors }) => {
    const idle = browserPssMb(browser);
    const sampler = startPssSampler(browser, 250);
    await page.setInputFiles('#files', mixed.slice(0, n));
    await page.waitForFunction((k) => document.querySelector('#file-summary')?.textContent.includes(String(k)), n);
    await page.click('#start');
    await page.waitForSelector('#batch-summary', { timeout: 60 * 60_000 });
    const { peakMb, peakAnonMb } = sampler.stop();
    const summary = await page.textContent('#batch-summary');
    if (errors.length) console.error(`memory: page errors: ${errors.join('; ')}`);
    console.error(`memory: ${n} images: idle ${idle.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB (anonymous ${peakAnonMb?.toFixed(0)} MB); ${summary.slice(0, 160)}`);
    return { idle, peakMb };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const r100 = [];
const r500 = [];
const idle = [];
for (let k = 0; k < RUNS; k++) {
  const a = await peak(100);
  r100.push(a.peakMb);
  idle.push(a.idle);
  r500.push((await peak(500)).peakMb);
}
console.error(`memory: peaks at 100: ${r100.map(Math.round).join(', ')} MB; at 500: ${r500.map(Math.round).join(', ')} MB`);
const [p100, p500] = [median(r100), median(r500)];
console.log(`browser_pss_idle_mb=${median(idle).toFixed(0)}`);
console.log(`browser_pss_peak_mb_100=${p100.toFixed(0)}`);
console.log(`browser_pss_peak_mb_500=${p500.toFixed(0)}`);
console.log(`browser_pss_ratio=${(p500 / p100).toFixed(2)}`);
