// Resume and offline benchmark: the built page (dist/) in headless Chromium
// against the OCR simulator. Prints key=value lines (stdout):
//   resume_duplicates  ballots finished before a reload at 50 % of a
//                      200-image batch that were requested again (goal 0)
//   resume_lost        files with no row after the resume (goal 0)
//   offline_boot_ms    the app usable (its Start button on screen) after a
//                      reload with the network off, median of 5, after a
//                      first visit installed it
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import { SIM_BIN, withApp, makeImages, reloadAndResume } from './support.mjs';

const N = 200;

const options = { name: 'resume', simBin: SIM_BIN, scenario: { seed: 7, latency_ms: [300, 900] }, failOnErrors: false };
await withApp(options, async ({ page, dir, url: appUrl, newContext, simLog, errors }) => {
  const r = await reloadAndResume({ page, images: makeImages(dir, N, 'form'), at: N / 2, simLog });
  console.error(`resume: ${r.shownAfterReload} rows kept through the reload, ${r.rows.length} at the end, ${r.duplicateRows} duplicate rows`);
  console.log(`resume_duplicates=${r.resent}`);
  console.log(`resume_lost=${r.lost}`);

  const fresh = await newContext();
  const p = await fresh.newPage();
  await p.goto(appUrl);
  await p.waitForSelector('#offline-ready', { timeout: 60_000 });
  await fresh.setOffline(true);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await p.reload();
    await p.waitForSelector('#start');
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.error(`offline boots: ${times.join(', ')} ms`);
  console.log(`offline_boot_ms=${times[2]}`);
  if (errors.length) console.error(`resume: page errors: ${errors.join('; ')}`);
});
