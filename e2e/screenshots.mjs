// `make screenshots`: PNGs of the main views (settings, running, results,
// review, constituency; and a coordinator's national picture, map and
// conflicts over 3,000 generated forms in a local PouchDB Server) at desktop (1280x800), tablet (800x1280) and phone
// (390x844: the results as cards) sizes, as <view>-<size>.png in
// docs/screenshots/ (OUT=<folder> writes them elsewhere). The forms are
// drawn here (no real scan is used) and read by the simulator, whose
// answers match what is drawn.
// Needs: SIM_BIN (the ocr-sim binary), DIST (default ../dist).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { SIM_BIN, withApp, form, words, startCouch, syncLogIn } from './support.mjs';
import { plan, write } from '../couch/generate.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const OUT = process.env.OUT || path.join(here, '..', 'docs', 'screenshots');
const SIZES = {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 800, height: 1280 },
  phone: { width: 390, height: 844 },
};

// A count form as a polling station posts it, drawn from the answer.
function formHtml(f) {
  const rows = Object.entries(f.votes).map(([n, c]) =>
    `<tr><td>${n}</td><td>ผู้สมัครหมายเลข ${n}</td><td class="h">${c.numeric}</td><td class="h">${c.thai_text}</td></tr>`).join('');
  return `<html><body style="margin:0;padding:40px;width:720px;font-family:'Noto Sans Thai',sans-serif;background:#fbfaf5">
    <h2 style="text-align:center;margin:0">แบบ ส.ส. ๕/๑๘</h2>
    <p style="text-align:center">รายงานผลการนับคะแนนสมาชิกสภาผู้แทนราษฎรแบบแบ่งเขตเลือกตั้ง</p>
    <p>จังหวัด <b class="h">แพร่</b> เขตเลือกตั้งที่ <b class="h">1</b> หน่วยเลือกตั้งที่ <b class="h">${f.polling_unit}</b></p>
    <style>td,th{border:1px solid #333;padding:6px 10px}table{border-collapse:collapse;width:100%}.h{font-family:cursive;color:#1a3d8f;font-size:20px}</style>
    <table><tr><th>หมายเลข</th><th>ชื่อ</th><th>คะแนน (ตัวเลข)</th><th>คะแนน (ตัวอักษร)</th></tr>${rows}</table>
    <p>บัตรดี <span class="h">${f.valid_votes.numeric}</span> (${words(f.valid_votes.numeric)}) · บัตรเสีย <span class="h">${f.invalid_votes.numeric}</span> · ไม่เลือกผู้ใด <span class="h">${f.no_vote.numeric}</span></p>
    <p style="margin-top:60px">ลงชื่อ ............................ ประธานกรรมการประจำหน่วยเลือกตั้ง</p></body></html>`;
}

// The simulator is told the forms' answers once they are drawn.
await withApp({ name: 'shots', simBin: SIM_BIN, open: false }, async ({ browser, dir, url, open, newContext, errors, simPost }) => {
  // Draw 12 forms of แพร่ เขต 1; unit 5 has its row 2 words miswritten.
  const draw = await browser.newPage({ viewport: { width: 800, height: 900 } });
  const top = path.join(dir, 'แพร่', 'เขต 1');
  const answers = {};
  for (let u = 1; u <= 12; u++) {
    const text = form(u, (f) => { if (u === 5) f.votes['2'].thai_text = 'หกสิบ'; return f; });
    await draw.setContent(formHtml(JSON.parse(text)));
    const png = await draw.screenshot({ fullPage: true });
    const folder = path.join(top, `หน่วย ${u}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `scan_${String(u).padStart(2, '0')}.png`), png);
    answers[crypto.createHash('sha256').update(png).digest('hex')] = text;
  }
  await draw.close();
  const set = await simPost('/_sim/scenario', { seed: 5, latency_ms: [1500, 2500], answers });
  if (set.status !== 200) throw new Error(`the simulator refused the scenario: ${await set.text()}`);
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, viewport] of Object.entries(SIZES)) {
    const context = await newContext({ viewport, deviceScaleFactor: 1 });
    const page = await open({}, context);
    const shot = (view) => page.screenshot({ path: path.join(OUT, `${view}-${name}.png`) });
    // Filling in the endpoint scrolled the window down to it: the top.
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('settings');
    await page.setInputFiles('#folder', path.join(dir, 'แพร่'));
    await page.click('#start');
    await page.waitForFunction(() => Number(document.querySelector('#progress-count')?.textContent.split('/')[0]) >= 5, null, { timeout: 60_000 });
    await page.locator('.progress').scrollIntoViewIfNeeded();
    await shot('running');
    await page.waitForSelector('#batch-summary', { timeout: 120_000 });
    await page.locator('.results').scrollIntoViewIfNeeded();
    await page.locator('.tabs').scrollIntoViewIfNeeded();
    // On a phone the tabs and filters fill the window: the results' cards
    // from the top of the table (its sort buttons) instead.
    if (name === 'phone') await page.locator('#results').evaluate((t) => t.scrollIntoView({ block: 'start' }));
    await shot('results');
    await page.locator('#results tbody tr', { hasText: 'หน่วย 5/' }).locator('button.link').click();
    await page.waitForFunction(() => document.querySelector('#review-image')?.complete);
    await shot('review');
    await page.keyboard.press('Escape');
    await page.click('#tab-constituencies');
    await page.locator('.constituencies').scrollIntoViewIfNeeded();
    await shot('constituency');
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await context.close();
    console.error(`screenshots: ${name} done`);
  }
  // A coordinator's view of a shared database of 3,000 generated forms.
  const couch = await startCouch(dir, { users: [['coord', 'cpw', 'coordinator']], origins: [new URL(url).origin] });
  try {
    const { docs, late, planted } = plan({ forms: 3000, seed: 11 });
    const o = { url: couch.url, db: couch.db, admin: 'admin:secret' };
    await write(o, docs);
    await write(o, late);
    for (const [name, viewport] of Object.entries(SIZES)) {
      const context = await newContext({ viewport, deviceScaleFactor: 1 });
      const page = await open({}, context);
      await syncLogIn(page, couch.url, couch.db, 'coord', 'cpw');
      const n = planted.forms - planted.bad.length;
      await page.waitForFunction((k) => Number(document.querySelector('#national')?.dataset.forms ?? -1) >= k, n, { timeout: 120_000 });
      const shot = (view) => page.screenshot({ path: path.join(OUT, `${view}-${name}.png`) });
      await page.locator('#national').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot('coordinator');
      await page.locator('#national-map-title').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot('coordinator-map');
      await page.locator('#national-conflicts').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot('coordinator-conflicts');
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      await context.close();
    }
  } finally { couch.stop(); }
  console.error(`screenshots in ${OUT}`);
});
