// The shared database, end to end: a real PouchDB Server (CouchDB
// protocol, in memory, couch/setup's rules and accounts, CORS for the
// page), two volunteers in two browser contexts and a coordinator in a
// third. Each volunteer reads its own forms and the same three (one read
// differently); after syncing, everyone holds the union: the identical
// readings once, the different one as a conflict; a volunteer's change to
// the other's reading is refused (403, shown).
// Needs: OCR_SIM_URL, DIST, couch/server installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withApp, makeImages, form, startCouch, getJson, couchProxy, sessionOf, exportTemplate, axe, syncLogIn, printed } from './support.mjs';

const USERS = [['somchai', 'pw-s', 'volunteer'], ['nid', 'pw-n', 'volunteer'], ['boss', 'pw-b', 'coordinator']];

const logIn = (page, couch, name, password, server = couch.url) => syncLogIn(page, server, couch.db, name, password);

async function readForms(page, files) {
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => document.querySelector('#file-summary')?.textContent.includes(String(n)), files.length);
  await page.click('#start');
  // A second batch on this page asks first (the results in view are replaced).
  await page.waitForSelector('#confirm-new', { timeout: 1_000 }).then(() => page.click('#start-anyway')).catch(() => {});
  await page.waitForFunction((n) => (document.querySelector('#batch-summary')?.textContent ?? '').startsWith(`อ่านแล้ว ${n} ใบ`), files.length, { timeout: 120_000 });
}

// Syncs now and waits until nothing waits and `forms` forms are held.
async function synced(page, forms) {
  await page.waitForFunction(() => !document.querySelector('#sync-now')?.disabled);
  await page.click('#sync-now');
  await page.waitForFunction((n) => document.querySelector('#sync-waiting')?.textContent === '0'
    && document.querySelector('#sync-forms')?.textContent === String(n)
    && !document.querySelector('#sync-now')?.disabled, forms, { timeout: 60_000 });
}

test('two volunteers and a coordinator share one database: the union, conflicts kept, another\'s reading refused', async () => {
  await withApp({ name: 'sync', open: false }, async ({ open, newContext, dir, url, simPost }) => {
    const couch = await startCouch(dir, { users: USERS, origins: [new URL(url).origin] });
    try {
      const own = [makeImages(dir, 3, 'a_own', 1), makeImages(dir, 3, 'b_own', 2)];
      const shared = makeImages(dir, 3, 'shared', 3);
      const answers = (reader) => Object.fromEntries([
        ...own[reader].hashes.map((h, i) => [h, form(10 * (reader + 1) + i)]),
        ...shared.hashes.map((h, i) => [h, form(i === 2 && reader === 1 ? 99 : 1 + i)]),
      ]);
      const [a, b, c] = [await open({}, await newContext()), await open({}, await newContext()), await open({}, await newContext())];
      await a.check('#sync-images'); // somchai sends the images too; nid does not
      await logIn(a, couch, 'somchai', 'pw-s');
      assert.equal(await a.inputValue('#sync-password').catch(() => ''), '', 'the password field is gone once logged in');

      await simPost('/_sim/scenario', { latency_ms: [10, 30], answers: answers(0) });
      await readForms(a, [...own[0].files, ...shared.files]);
      await synced(a, 6);

      await logIn(b, couch, 'nid', 'pw-n');
      await simPost('/_sim/scenario', { latency_ms: [10, 30], answers: answers(1) });
      await readForms(b, [...own[1].files, ...shared.files]);
      await synced(b, 9);
      await synced(a, 9);

      // The database: 9 forms; the one read differently has two readings.
      const all = await getJson(`${couch.url}/${couch.db}/_all_docs`, couch.admin);
      assert.equal(all.rows.filter((r) => r.id.startsWith('form:')).length, 9);
      const conflicted = `form:${shared.hashes[2]}`;
      const leaves = await getJson(`${couch.url}/${couch.db}/${encodeURIComponent(conflicted)}?open_revs=all`, { ...couch.admin, accept: 'application/json' });
      assert.deepEqual(leaves.map((l) => l.ok.by).sort(), ['nid', 'somchai']);
      for (const p of [a, b]) {
        const rows = await p.$$eval('#sync-conflicts tbody tr', (trs) => trs.map((tr) => tr.textContent));
        assert.equal(rows.length, 1, rows.join('\n'));
        assert.match(rows[0], /somchai/);
        assert.match(rows[0], /nid/);
      }

      // somchai's forms carry their image; nid's do not.
      const withImage = await getJson(`${couch.url}/${couch.db}/form:${own[0].hashes[0]}`, couch.admin);
      assert.ok(withImage._attachments?.image?.length > 0, JSON.stringify(withImage._attachments));
      assert.match(withImage._attachments.image.content_type, /^image\//);
      const without = await getJson(`${couch.url}/${couch.db}/form:${own[1].hashes[0]}`, couch.admin);
      assert.equal(without._attachments, undefined);

      // The coordinator sees the whole, conflict included (with who read
      // what, where the readings differ).
      await logIn(c, couch, 'boss', 'pw-b');
      await synced(c, 9);
      const listed = await c.$$eval('#national-conflicts tbody', (bs) => bs.map((b) => [b.dataset.id, b.textContent]));
      assert.equal(listed.length, 1, JSON.stringify(listed));
      assert.equal(listed[0][0], conflicted);
      assert.match(listed[0][1], /somchai/);
      assert.match(listed[0][1], /แถว 1: 43/);
      assert.match(listed[0][1], /nid/);
      assert.match(listed[0][1], /แถว 1: 139/);
      // Their national picture: 9 forms of แพร่ counted once each (the
      // form read differently at one reading), one conflict; every province listed.
      await c.waitForSelector('#national');
      assert.match(await c.textContent('#national-summary'), /แบบฟอร์ม 9 ใบ · อ่านไม่ตรงกัน 1 ใบ/);
      const coverage = await c.$$eval('#national-coverage tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      assert.equal(coverage.length, 77);
      assert.equal(coverage.find((r) => r[0] === 'แพร่')?.[1], '9', JSON.stringify(coverage.filter((r) => r[1] !== '0')));
      assert.equal(await a.$$eval('#national', (n) => n.length), 0, 'volunteers do not see it');
      // แพร่ เขต 1: 9 units of the registry's, led by candidate 1 (every form's largest count).
      const races = await c.$$eval('#national-races tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      assert.equal(races.length, 1, JSON.stringify(races));
      assert.match(races[0][0], /^แพร่ 1$/);
      assert.match(races[0][1], /^9 \/ \d+$/);
      assert.equal(races[0][2], '1');
      // Candidate 1's party (the registry's) leads แพร่ 1: one constituency led.
      assert.ok(races[0][3], 'the leader\'s party named');
      const led = await c.$$eval('#national-led tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      assert.equal(led.length, 1, JSON.stringify(led));
      assert.equal(led[0][1], races[0][3]);
      assert.equal(led[0][2], '1');
      // The coordinator's page follows the database: a form somchai reads
      // now appears there without anyone pressing "sync".
      const late = makeImages(dir, 1, 'late', 5);
      await simPost('/_sim/scenario', { latency_ms: [10, 30], answers: { [late.hashes[0]]: form(40) } });
      await readForms(a, late.files);
      const t0 = Date.now();
      await c.waitForFunction(() => /แบบฟอร์ม 10 ใบ/.test(document.querySelector('#national-summary')?.textContent ?? ''), null, { timeout: 30_000 });
      console.error(`sync: a new form reached the coordinator's view ${Date.now() - t0} ms after its batch ended`);
      // On the map too: แพร่'s tile counts 10 units, in the lowest band.
      const tile = await c.$eval('#national-map g[data-province="54"]', (g) => [g.dataset.band, g.querySelector('title').textContent]);
      assert.equal(tile[0], '1');
      assert.match(tile[1], /^แพร่: 10 \/ \d+/);
      assert.equal(await c.$$eval('#national-map g.tile', (g) => g.length), 77);
      await c.check('#map-leader');
      assert.ok(await c.$eval('#national-legend', (l) => l.children.length === 0), 'no party-list form: no leader');
      await c.check('#map-coverage');
      assert.equal(await c.$$eval('#national-legend li', (l) => l.length), 5);

      // The logged-in panels, the conflicts and the national picture pass axe-core.
      for (const p of [c, b]) {
        const serious = (await axe(p)).filter((v) => !v.unsure && ['serious', 'critical'].includes(v.impact));
        assert.deepEqual(serious, [], JSON.stringify(serious));
      }

      // nid changes a shared form somchai sent first: the database refuses.
      const row = b.locator('#results tbody tr', { hasText: 'shared_001' });
      await row.locator('button.link').click();
      await b.waitForSelector('#review');
      const cell = b.locator('#review input[data-field="valid"]');
      await cell.fill('7');
      await cell.press('Tab');
      await b.keyboard.press('Escape');
      await b.waitForSelector('#review', { state: 'detached' });
      await b.click('#sync-now');
      await b.waitForFunction((id) => document.querySelector('#sync-refused')?.textContent.includes(id)
        && /forbidden/.test(document.querySelector('#sync-refused').textContent), `form:${shared.hashes[0]}`, { timeout: 60_000 });
      const doc = await getJson(`${couch.url}/${couch.db}/form:${shared.hashes[0]}`, couch.admin);
      assert.equal(doc.by, 'somchai');
      assert.ok(doc._rev.startsWith('1-'), 'somchai\'s reading is unchanged');

      // The coordinator settles the conflict: nid's reading kept, as a new
      // revision naming somchai's, which is deleted. Gone everywhere.
      const before = await getJson(`${couch.url}/${couch.db}/${encodeURIComponent(conflicted)}?open_revs=all`, { ...couch.admin, accept: 'application/json' });
      const somchais = before.find((l) => l.ok.by === 'somchai').ok._rev;
      const keep = c.locator(`#national-conflicts tbody[data-id="${conflicted}"] tr`, { hasText: 'nid' }).locator('button.settle');
      await keep.click();
      await c.waitForFunction(() => document.querySelectorAll('#national-conflicts tbody').length === 0, null, { timeout: 30_000 });
      await c.waitForFunction(() => document.querySelector('#sync-waiting')?.textContent === '0' && !document.querySelector('#sync-now')?.disabled, null, { timeout: 30_000 });
      const after = await getJson(`${couch.url}/${couch.db}/${encodeURIComponent(conflicted)}?open_revs=all`, { ...couch.admin, accept: 'application/json' });
      const live = after.filter((l) => l.ok && !l.ok._deleted);
      assert.equal(live.length, 1, JSON.stringify(after));
      assert.equal(live[0].ok.by, 'boss');
      assert.deepEqual(live[0].ok.settles, [{ id: conflicted, rev: somchais }]);
      assert.equal(live[0].ok.record.rows[0].votes.digits, 139, 'nid\'s reading kept');
      assert.ok(live[0].ok.record.rows[0].votes.words, 'kept whole, words too');
      assert.ok(after.some((l) => l.ok?._deleted && l.ok._rev.startsWith('2-')), 'somchai\'s branch deleted');
      await synced(a, 10);
      assert.equal(await a.$$eval('#sync-conflicts tbody tr', (t) => t.length), 0, 'settled for the volunteers too');

      // The official comparison over the whole database: แพร่ เขต 1's
      // candidate 1 has more votes on the forms than the official total.
      const stats = { result_province: [{ prov_id: 'PRE', constituencies: [{
        cons_id: 'PRE_1', turn_out: 90000, valid_votes: 85000, invalid_votes: 3000, blank_votes: 2000,
        counted_vote_stations: 400, percent_count: 100.0,
        candidates: [{ mp_app_id: 'PRE_1_1', mp_app_vote: 20 }, { mp_app_id: 'PRE_1_2', mp_app_vote: 25000 }],
      }] }] };
      const file = path.join(dir, 'stats_cons.json');
      fs.writeFileSync(file, JSON.stringify(stats));
      await c.setInputFiles('#national-official-files', [file]);
      await c.waitForSelector('#national-discrepancies tbody tr');
      const rows = await c.$$eval('#national-discrepancies tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      const excess = rows.find((r) => /ผู้สมัครหมายเลข 1/.test(r[2]));
      assert.ok(excess, JSON.stringify(rows));
      assert.match(excess[1], /แพร่ เขต 1/);
      assert.equal(excess[4], '20');
      assert.match(excess[7], /เกินแน่นอน/);
      const [d] = await Promise.all([c.waitForEvent('download'), c.click('#national-export-discrepancies-csv')]);
      assert.ok(fs.readFileSync(await d.path(), 'utf8').startsWith('\ufeff'), 'CSV with BOM');

      // The printable reports of the whole database: this page read no form
      // itself; its summary counts the database's 10, and the constituency
      // report prints alone (not the national picture around it).
      await c.click('#national-reports > summary');
      await c.waitForSelector('#national-report.report--executive');
      assert.equal(await c.textContent('#national-exec-read'), '10');
      assert.ok(await c.$$eval('#national-exec-discrepancies td', (t) => t.reduce((n, x) => n + Number(x.textContent), 0)) > 0, 'the excess counted');
      await c.selectOption('#national-report-kind', 'constituencies');
      await c.waitForSelector('#national-report.report--constituencies');
      const pdf = await printed(c, path.join(dir, 'national.pdf'));
      assert.match(pdf.text, /แพร่ เขต 1/);
      assert.match(pdf.text, /ทั้งฐานข้อมูลที่ใช้ร่วมกัน/);
      assert.doesNotMatch(pdf.text, /ภาพรวมทั้งประเทศ|แผนที่/, 'the report alone');
      await c.click('#national-reports > summary');

      // A reload of the coordinator's page counts what its replica holds
      // (read a page at a time) and goes on from its checkpoint.
      await c.reload();
      await c.waitForFunction(() => /แบบฟอร์ม 10 ใบ · อ่านไม่ตรงกัน 0 ใบ/.test(document.querySelector('#national-summary')?.textContent ?? ''), null, { timeout: 30_000 });
      assert.equal(await c.$eval('#national-map g[data-province="54"] title', (t) => t.textContent.startsWith('แพร่: 10 /')), true);
    } finally {
      couch.stop();
    }
  });
});

test('a push cut anywhere, the server paused past the timeout, the tab closed mid-push: every form there exactly once', async () => {
  await withApp({ name: 'sync-cut' }, async ({ page, context, open, dir, url, simPost }) => {
    const couch = await startCouch(dir, { users: USERS, origins: [new URL(url).origin] });
    const proxy = await couchProxy(couch.url);
    try {
      const n = 2000;
      const template = await exportTemplate(page, dir, simPost);
      const file = path.join(dir, 'many.json');
      fs.writeFileSync(file, sessionOf(template, n, 'many'));
      await page.setInputFiles('#session-import', [file]);
      await page.waitForFunction((k) => document.querySelectorAll('#results tbody tr').length > 0
        && /\d/.test(document.querySelector('#session-note')?.textContent ?? ''), n);
      // The tab is closed while the second batch of the push is on its way.
      let closed = null;
      proxy.plan = ['pass', 'close'];
      proxy.onClose = () => { closed = page.close(); };
      await logIn(page, couch, 'somchai', 'pw-s', proxy.url);
      const t0 = Date.now();
      while (!closed) {
        assert.ok(Date.now() - t0 < 60_000, 'the push began');
        await new Promise((r) => setTimeout(r, 20));
      }
      await closed;
      // Reopened: the session cookie still holds.
      const again = await open({}, context);
      await again.waitForFunction(() => document.querySelector('#sync-account')?.textContent.startsWith('somchai'), null, { timeout: 30_000 });
      // The next batches: stored but the answer lost; passed; dropped
      // before the server; the server stopped (SIGSTOP) past the page's
      // 30 s timeout, then going on (it stores what it had).
      proxy.plan = ['cut-after', 'pass', 'cut-before', 'pause'];
      proxy.onPause = () => {
        couch.process.kill('SIGSTOP');
        setTimeout(() => couch.process.kill('SIGCONT'), 35_000);
      };
      // Sync again after each failure, as a volunteer would.
      while (proxy.plan.length > 0) {
        assert.ok(Date.now() - t0 < 240_000, `the plan is not spent: ${proxy.plan}`);
        await again.waitForFunction(() => !document.querySelector('#sync-now')?.disabled, null, { timeout: 90_000 });
        if (proxy.plan.length > 0) await again.click('#sync-now');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(proxy.cuts, 2);
      await again.waitForFunction(() => !document.querySelector('#sync-now')?.disabled, null, { timeout: 90_000 });
      await again.click('#sync-now');
      await again.waitForFunction((k) => document.querySelector('#sync-waiting')?.textContent === '0'
        && document.querySelector('#sync-forms')?.textContent === String(k) && !document.querySelector('#sync-error'), n + 1, { timeout: 120_000 });

      const all = await getJson(`${couch.url}/${couch.db}/_all_docs`, couch.admin);
      const ids = all.rows.filter((r) => r.id.startsWith('form:'));
      assert.equal(ids.length, n + 1, 'every form is there: none lost');
      assert.ok(ids.every((r) => r.value.rev.startsWith('1-')), 'each once, at its first revision');
      const changes = await getJson(`${couch.url}/${couch.db}/_changes?style=all_docs`, couch.admin);
      assert.ok(changes.results.every((c) => c.changes.length === 1), 'no form has two revisions');
      console.log(`sync_cut_duplicates=${proxy.duplicates()}`);
      assert.equal(proxy.duplicates(), 0, 'nothing the server confirmed was sent again');
    } finally {
      await proxy.stop();
      couch.process.kill('SIGCONT');
      couch.stop();
    }
  });
});
