// Resume and offline benchmark: the built page (dist/) in headless Chromium
// against the OCR simulator. Prints key=value lines (stdout):
//   resume_duplicates  ballots finished before a reload at 50 % of a
//                      200-image batch that were requested again (goal 0)
//   resume_lost        files with no row after the resume (goal 0)
//   offline_boot_ms    the app usable (its Start button on screen) after a
//                      reload with the network off, median of 5, after a
//                      first visit installed it
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, serve, startSim, makeImages, openApp, reloadAndResume } from './support.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const DIST = process.env.DIST || path.join(here, '..', 'dist');
const SIM_BIN = process.env.SIM_BIN || path.join(here, '..', 'target', 'release', 'ocr-sim');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const N = 200;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tallyscan-resume-'));
const scenarioFile = path.join(dir, 'scenario.json');
fs.writeFileSync(scenarioFile, JSON.stringify({ seed: 7, latency_ms: [300, 900] }));
const { sim, url: simUrl } = await startSim(SIM_BIN, scenarioFile);
const server = await serve(path.resolve(DIST));
const appUrl = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
const errors = [];
try {
  const context = await browser.newContext();
  const page = await openApp(context, appUrl, simUrl, errors);
  const simLog = async () => (await fetch(`${simUrl}/_sim/log`)).json();
  const r = await reloadAndResume({ page, images: makeImages(dir, N, 'form'), at: N / 2, simLog });
  console.error(`resume: ${r.shownAfterReload} rows kept through the reload, ${r.rows.length} at the end, ${r.duplicateRows} duplicate rows`);
  console.log(`resume_duplicates=${r.resent}`);
  console.log(`resume_lost=${r.lost}`);

  const fresh = await browser.newContext();
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
} finally {
  await browser.close();
  server.close();
  sim.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
