// Accessibility and small screens, end to end in headless Chromium against
// the simulator. A batch with rows of every kind (read, needing review,
// failed; a long file name) is run, then every view is visited in Thai and
// in English: the main page with its settings (Advanced open), the progress
// view (paused mid-batch, then finished), each tab (results,
// constituencies, official results with a file loaded, each report), the
// review panel of a flagged ballot, and the storage panel. In each:
//  - axe-core (e2e/node_modules, nothing downloaded) at 1280 and 390 px:
//    no serious or critical violation;
//  - at 360, 390 and 768 px: no sideways scroll (document scrollWidth
//    against the window; while the review panel is open, the panel too, as
//    it is then the page), with the elements that stick out named.
// A second test does the whole volunteer flow with the keyboard alone:
// pick (the OS dialog itself through setInputFiles), start, open a flagged
// ballot, correct a number typed a key at a time, accept another, export
// the CSV; on the way every focused element must show a focus ring, the
// review panel must take the focus when it opens, keep it while open and
// give it back to the table when it closes.
// Prints axe_serious=N and phone_overflow_px=N (max over views) and
// keyboard_* figures as key=value lines, and what was found as # lines.
// A11Y_REPORT=<file> also writes every finding as JSON.
// Needs: OCR_SIM_URL (a running ocr-sim, control token OCR_SIM_TOKEN), DIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withApp, formFolder, png, rowsOf, axe } from './support.mjs';

const WIDTHS = [360, 390, 768];
const AXE_WIDTHS = [1280, 390];
const DESKTOP = { width: 1280, height: 800 };
const BAD = new Set(['serious', 'critical']);
// A real-looking long file name: phones and scanners make them.
const LONG_NAME = 'IMG_20260315_093412_ใบรายงานผลการนับคะแนน_หน่วยเลือกตั้งที่21_ตำบลในเวียง_อำเภอเมืองแพร่.png';

// withApp's set-up for both tests: the app open at desktop size, service
// workers off (a CSS file changed in a copy of dist must not fail the SW's
// hash check), a dialog counted as an error.
const APP = { name: 'a11y', context: { viewport: DESKTOP, serviceWorkers: 'block' }, dialogs: true };

// The sample batch: formFolder's 20 units (unit 7 unreadable: failed; units
// 5 and 9 need review), plus a unit whose file has a long name; and an
// official stats_cons.json that the forms already exceed (a discrepancy).
function sample(dir) {
  const f = formFolder(dir);
  const extra = path.join(f.top, 'เขต 1', 'หน่วย 21');
  fs.mkdirSync(extra, { recursive: true });
  fs.writeFileSync(path.join(extra, LONG_NAME), png(90, 41, 201));
  const official = path.join(dir, 'stats_cons.json');
  fs.writeFileSync(official, JSON.stringify({
    result_province: [{ prov_id: 'PRE', constituencies: [{
      cons_id: 'PRE_1', counted_vote_stations: 400, percent_count: 100.0,
      candidates: [{ mp_app_id: 'PRE_1_1', mp_app_vote: 100 }],
      result_party: [],
    }] }],
  }));
  const answers = { ...f.answers, [f.failing]: 'Sorry, I cannot read this image.' };
  return { ...f, answers, official, files: 21 };
}

const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function setLang(page, lang) {
  if (await page.evaluate(() => document.documentElement.lang) !== lang) {
    // A click through the DOM: the review panel covers the whole window
    // (the toggle is not under the pointer while it is open).
    await page.$eval('.lang-toggle', (b) => b.click());
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
  await settle(page);
}

// Sideways scroll at this width: the document's, and the review panel's
// while it is open (a full-screen scroller: it is the page then). The
// elements that stick out past the right edge, outside any scroll
// container of their own, outermost first.
function measure() {
  const vw = window.innerWidth;
  const review = document.querySelector('#review');
  const docPx = document.documentElement.scrollWidth - vw;
  const reviewPx = review ? review.scrollWidth - review.clientWidth : 0;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== review; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    const cls = [...el.classList].slice(0, 3);
    if (cls.length) s += `.${cls.join('.')}`;
    if (!el.id) {
      const host = el.closest('[id]');
      if (host && host !== el) s = `#${host.id} … ${s}`;
    }
    return s;
  };
  const out = new Set();
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5 || clipped(el)) continue;
    out.add(el);
    if (out.has(el.parentElement)) continue;
    found.push({ el: name(el), right: Math.round(r.right), width: Math.round(r.width), node: el });
  }
  const seen = new Map();
  for (const f of found) {
    const k = f.el;
    if (!seen.has(k)) seen.set(k, { ...f, n: 0 });
    const e = seen.get(k);
    e.n += 1;
    e.right = Math.max(e.right, f.right);
    e.width = Math.max(e.width, f.width);
  }
  // Wide content that scrolls inside its own box (allowed: a table too
  // wide for a phone), for the record.
  const inner = [...document.body.querySelectorAll('*')]
    .filter((el) => el !== review && el.clientWidth > 0 && el.scrollWidth - el.clientWidth > 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .map((el) => ({ el: name(el.firstElementChild || el), px: el.scrollWidth - el.clientWidth }));
  // What forces an element out: its widest descendant that cannot be
  // narrower than the window (min-content, measured by setting
  // width: min-content for a moment), e.g. a table in a grid column sized
  // by its content.
  const minContent = (el) => {
    const old = el.style.width;
    el.style.width = 'min-content';
    const w = el.getBoundingClientRect().width;
    el.style.width = old;
    return w;
  };
  const causeOf = (el) => {
    if (minContent(el) <= vw) return null;
    let at = el;
    for (let depth = 0; depth < 12 && at.tagName !== 'TABLE'; depth++) {
      let next = null;
      let best = vw;
      for (const c of at.children) {
        const w = minContent(c);
        if (w > best) { best = w; next = c; }
      }
      if (!next) break;
      at = next;
    }
    return `${name(at)} min ${Math.round(minContent(at))}`;
  };
  const offenders = [...seen.values()].sort((a, b) => b.right - a.right).slice(0, 6);
  for (const f of offenders) { f.cause = causeOf(f.node); delete f.node; }
  return { px: Math.max(0, docPx, reviewPx), docPx, reviewPx, inner, offenders };
}

// One view in both languages: axe at desktop and phone widths, overflow
// at each phone/tablet width. `prepare` (optional) runs after each width
// or language change (e.g. scrolling a part into view).
async function visit(page, report, view, prepare = async () => {}) {
  for (const lang of ['th', 'en']) {
    await setLang(page, lang);
    const entry = { view, lang, axe: {}, overflow: {} };
    for (const w of AXE_WIDTHS) {
      await page.setViewportSize({ width: w, height: 800 });
      await prepare();
      await settle(page);
      entry.axe[w] = await axe(page);
    }
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: 800 });
      await prepare();
      await settle(page);
      entry.overflow[w] = await page.evaluate(measure);
    }
    await page.setViewportSize(DESKTOP);
    report.push(entry);
  }
}

function summarize(report) {
  let serious = 0;
  let overflow = 0;
  const lines = [];
  for (const e of report) {
    const bad = new Map();
    for (const list of Object.values(e.axe)) {
      for (const v of list) {
        const k = `${v.unsure ? 'needs review: ' : ''}${v.id} (${v.impact})`;
        const prev = bad.get(k);
        if (!prev || prev.count < v.count) bad.set(k, v);
      }
    }
    const viewSerious = [...bad.values()].filter((v) => !v.unsure && BAD.has(v.impact)).reduce((a, v) => a + v.count, 0);
    serious = Math.max(serious, viewSerious);
    lines.push(`# ${e.view} [${e.lang}]`);
    for (const [k, v] of bad) lines.push(`#   axe ${k} ×${v.count}: ${v.targets[0]}`);
    for (const [w, o] of Object.entries(e.overflow)) {
      overflow = Math.max(overflow, o.px);
      if (o.inner.length) lines.push(`#   ${w}px: scrolls inside its box: ${o.inner.map((i) => `${i.el} +${i.px}px`).join('; ')}`);
      if (o.px > 0) lines.push(`#   ${w}px: overflow ${o.px}px (document ${o.docPx}, review ${o.reviewPx}) ← ${o.offenders.map((f) => `${f.el} w${f.width}→${f.right}${f.n > 1 ? ` ×${f.n}` : ''}${f.cause ? ` [forced by ${f.cause}]` : ''}`).join('; ')}`);
    }
  }
  return { serious, overflow, lines };
}

test('every view, Thai and English: axe-core finds nothing serious, no sideways scroll at 360/390/768 px', { timeout: 15 * 60_000 }, async () => {
  await withApp({ ...APP, open: { perMinute: 600, burst: 2 } }, async ({ page, dir, errors, simPost }) => {
    const s = sample(dir);
    const report = [];

    // The main page with the settings, "Advanced" open.
    await page.click('details.advanced summary');
    await visit(page, report, 'main (settings, advanced open)');
    await page.click('details.advanced summary');

    // The progress view: paused mid-batch, then finished.
    await simPost('/_sim/scenario', { latency_ms: [600, 900], answers: s.answers });
    await page.setInputFiles('#folder', s.top);
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), s.files);
    await page.click('#start');
    await page.waitForFunction(() => Number(document.querySelector('#progress-count')?.textContent.split('/')[0]) >= 2, null, { timeout: 60_000 });
    await page.click('#pause');
    await visit(page, report, 'progress (paused mid-batch)', () => page.locator('.progress').scrollIntoViewIfNeeded());
    await page.click('#pause');
    await page.waitForSelector('#batch-summary', { timeout: 120_000 });
    await setLang(page, 'th');
    const rows = await rowsOf(page);
    assert.equal(rows.length, s.files, 'one row per file');
    const kinds = new Set(rows.map((r) => r[2]));
    for (const k of ['อ่านแล้ว', 'ต้องตรวจ', 'ผิดพลาด']) assert.ok(kinds.has(k), `a row "${k}"`);
    await page.selectOption('#page-size', '100');
    await visit(page, report, 'progress (finished) + results tab', () => page.locator('#results').scrollIntoViewIfNeeded());

    await page.click('#tab-constituencies');
    await page.waitForSelector('#constituencies tbody tr');
    await visit(page, report, 'constituencies tab');

    await page.click('#tab-official');
    await page.setInputFiles('#official-files', [s.official]);
    await page.waitForSelector('#discrepancies tbody tr');
    await visit(page, report, 'official results tab (file loaded)');

    await page.click('#tab-reports');
    for (const kind of await page.$$eval('#report-kind option', (o) => o.map((x) => x.value))) {
      await page.selectOption('#report-kind', kind);
      await page.waitForSelector('#report');
      await visit(page, report, `reports tab (${kind})`);
    }

    await page.click('#tab-results');
    await page.locator('#results tbody tr', { hasText: 'หน่วย 5/' }).locator('button.link').click();
    await page.waitForSelector('#review');
    await page.waitForFunction(() => document.querySelector('#review-image')?.src.startsWith('blob:'));
    await visit(page, report, 'review panel (flagged ballot)');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#review', { state: 'detached' });

    await visit(page, report, 'storage panel', () => page.locator('#storage').scrollIntoViewIfNeeded());

    const { serious, overflow, lines } = summarize(report);
    console.log(lines.join('\n'));
    console.log(`axe_serious=${serious}`);
    console.log(`phone_overflow_px=${overflow}`);
    if (process.env.A11Y_REPORT) fs.writeFileSync(process.env.A11Y_REPORT, JSON.stringify(report, null, 1));
    assert.deepEqual(errors, [], 'no page errors, no dialogs');
    assert.equal(serious, 0, 'no serious or critical axe-core violation in any view');
    assert.equal(overflow, 0, 'no sideways scroll at 360, 390 or 768 px');
  });
});

// ---- The keyboard alone -------------------------------------------------

// Presses Tab (or Shift+Tab) until the focused element matches `selector`
// (and, with hasText, its row holds that text); fails past `max` presses.
// Each element the focus lands on is checked on the way: a focus ring
// that shows (an outline on it, or on its file-label button), and, while
// the review panel covers the page, that the focus is inside it.
async function tabTo(page, selector, { hasText = null, back = false, max = 200, seen } = {}) {
  for (let i = 0; i <= max; i++) {
    const at = await page.evaluate(({ selector, hasText }) => {
      const a = document.activeElement;
      if (!a || a === document.body) return { here: false };
      const ring = (el) => { const c = getComputedStyle(el); return c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) > 0; };
      const span = a.closest('.file-label')?.querySelector('span');
      const name = `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}${a.className && typeof a.className === 'string' ? `.${a.className.trim().split(/\s+/).join('.')}` : ''}`;
      const review = document.querySelector('#review');
      let here = a.matches(selector);
      if (here && hasText !== null) here = (a.closest('tr') || a).textContent.includes(hasText);
      return { here, name, ring: ring(a) || (span ? ring(span) : false), behind: !!review && !review.contains(a) };
    }, { selector, hasText });
    if (seen && at.name) {
      if (!at.ring) seen.noRing.add(at.name);
      if (at.behind) seen.behind += 1;
    }
    if (at.here) return i;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector}${hasText ? ` (${hasText})` : ''} not reached in ${max} ${back ? 'Shift+Tab' : 'Tab'} presses`);
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}${a.className ? `.${String(a.className).split(' ').join('.')}` : ''}` : 'none';
});

test('the whole volunteer flow with the keyboard alone: pick, start, review, correct, accept, export', { timeout: 5 * 60_000 }, async () => {
  await withApp(APP, async ({ page, dir, errors, simPost }) => {
    const s = sample(dir);
    await simPost('/_sim/scenario', { latency_ms: [20, 60], answers: s.answers });
    let presses = 0;
    const notes = [];
    const seen = { noRing: new Set(), behind: 0 };
    const steps = [];
    const step = (what, n) => { steps.push(`${what} ${n}`); return n; };

    // Pick: the OS file dialog is outside the page; the input gets focus
    // from the keyboard and is filled as the dialog would.
    await page.evaluate(() => document.activeElement?.blur());
    presses += step('#folder', await tabTo(page, '#folder', { seen }));
    await page.setInputFiles('#folder', s.top);
    await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), s.files);

    // Start.
    presses += step('#start', await tabTo(page, '#start', { seen }));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#batch-summary', { timeout: 120_000 });
    const rows = await rowsOf(page);
    assert.equal(rows.find((r) => r[1].includes('หน่วย 5/'))[2], 'ต้องตรวจ');

    // Open the flagged ballot of unit 5 from its row.
    presses += step('#results button.link', await tabTo(page, '#results button.link', { hasText: 'หน่วย 5/', seen }));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#review');
    await settle(page);
    const inDialog = await page.evaluate(() => !!document.activeElement?.closest('#review'));
    notes.push(`focus in the review panel on opening: ${inDialog ? 'yes' : `no (${await focused(page)})`}`);

    // Correct the words of row 2 (หกสิบ → สามสิบ) as a person types them,
    // a key at a time, then leave the cell. Should typing lose what was
    // typed (a cell redrawn from the record mid-word), that is noted, the
    // text is entered at once (as an input method commits it) so the rest
    // of the flow is still checked, and the test fails at the end.
    const words2 = '#review input[data-field="row 2 words"]';
    presses += step('row 2 words', await tabTo(page, words2, { max: 400, seen }));
    await page.keyboard.press('Control+A');
    const typed = [];
    for (const ch of 'สามสิบ') {
      await page.keyboard.type(ch);
      typed.push(await page.$eval(words2, (i) => i.value));
    }
    const typingKept = typed.at(-1) === 'สามสิบ';
    if (!typingKept) {
      notes.push(`typing สามสิบ a key at a time left ${JSON.stringify(typed)} in the cell`);
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('สามสิบ');
    }
    await page.keyboard.press('Tab');
    presses += 1;
    await page.waitForFunction(() => /ตรวจผ่านทุกข้อ/.test(document.querySelector('#review-issues')?.textContent || ''));
    assert.match(await page.textContent('#review-audit'), /แถว 2 \(ตัวอักษร\): หกสิบ → สามสิบ/, 'the correction is kept');

    // The next ballot needing review (unit 9): its button, from the keyboard.
    presses += step('#review-next', await tabTo(page, '#review-next', { back: true, max: 400, seen }));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /หน่วย 9\//.test(document.querySelector('#review-title')?.textContent || ''));
    // Accept it with a reason.
    presses += step('#accept-reason', await tabTo(page, '#accept-reason', { max: 400, seen }));
    await page.keyboard.type('นับบัตรเสียซ้ำกับกรรมการแล้ว');
    presses += step('#accept', await tabTo(page, '#accept', { seen }));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('#results tbody tr')].some((tr) => /หน่วย 9\//.test(tr.textContent) && /ยอมรับโดย/.test(tr.textContent)));
    await page.keyboard.press('Escape');
    await page.waitForSelector('#review', { state: 'detached' });
    await settle(page);
    const backOnRow = await page.evaluate(() => !!document.activeElement?.closest('#results tbody tr'));
    notes.push(`focus after closing the review: ${await focused(page)}`);
    const after = await rowsOf(page);
    assert.equal(after.find((r) => r[1].includes('หน่วย 5/'))[2], 'อ่านแล้ว', 'corrected: checks pass');
    assert.equal(after.find((r) => r[1].includes('หน่วย 9/'))[2], 'อ่านแล้ว', 'accepted');

    // Export the CSV: Shift+Tab back up to its button, Space presses it.
    presses += step('#export-csv', await tabTo(page, '#export-csv', { back: true, max: 400, seen }));
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press(' ')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.match(download.suggestedFilename(), /^tallyscan-ballots-.*\.csv$/);
    assert.ok(csv.includes('row 2 words: หกสิบ → สามสิบ'), 'the correction is in the export');
    assert.equal(new Set(csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).size, s.files, 'every file');

    console.log(notes.map((n) => `# ${n}`).join('\n'));
    console.log(`# Tab presses to reach: ${steps.join(', ')}`);
    console.log(`keyboard_presses=${presses}`);
    console.log(`keyboard_review_focus=${inDialog ? 1 : 0}`);
    console.log(`keyboard_typing_kept=${typingKept ? 1 : 0}`);
    console.log(`keyboard_focus_behind_review=${seen.behind}`);
    console.log(`keyboard_no_focus_ring=${seen.noRing.size}${seen.noRing.size ? ` (${[...seen.noRing].join(', ')})` : ''}`);
    assert.deepEqual(errors, [], 'no page errors, no dialogs');
    assert.deepEqual([...seen.noRing], [], 'every element the focus lands on shows a focus ring');
    assert.ok(inDialog, 'the review panel takes the focus when it opens (it covers the page)');
    assert.equal(seen.behind, 0, 'while the review panel is open, Tab stays in it (nothing hidden behind it takes the focus)');
    assert.ok(backOnRow, 'closing the review gives the focus back to the results table');
    assert.ok(typingKept, `a correction typed a key at a time is kept as typed (the cell showed ${JSON.stringify(typed)})`);
  });
});
