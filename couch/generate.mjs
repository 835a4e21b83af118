#!/usr/bin/env node
// Fills a CouchDB database (set up by couch/setup) with realistic TallyScan
// forms, as many volunteers would have synced them, for the coordinator's
// view and its benchmark:
//
//   node couch/generate.mjs URL DB --admin NAME:PASSWORD [--forms 100000]
//        [--seed 1] [--planted planted.json]
//   node couch/generate.mjs --dump FILE [--forms 100000] [--seed 1]
//        (the same documents as JSON lines, in the order written: the
//        native benchmark of the national picture reads them)
//
// Polling units are drawn from the official registry (src/core/domain/
// registry_data.rs: every constituency, its polling stations, candidates
// and the parties), each province covered to its own extent. A unit posts
// two forms, ส.ส. 5/18 (candidates) and ส.ส. 5/18 (บช) (parties), with
// consistent counts in digits and Thai words (ballots used = valid +
// invalid + no vote; valid = the sum of the rows). Among them, planted and
// listed in the --planted file:
//   - corrections: a second revision (a volunteer corrected a count);
//   - same-image conflicts: one image read differently by two volunteers
//     (two leaf revisions of one document);
//   - same-unit conflicts: one polling unit reported by two images with
//     different numbers (two documents);
//   - forms needing review (low confidence), and a few documents that do
//     not parse (a record that is not one).
// Standard library only; the documents are written here from the wire
// format (couch's _bulk_docs with new_edits: false), not by the app.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

function args(argv) {
  const [url, db, ...rest] = argv;
  const o = { url, db, forms: 100_000, seed: 1, admin: null, planted: null };
  for (let i = 0; i < rest.length; i += 2) o[rest[i].replace(/^--/, '')] = rest[i + 1];
  if (!url || !db || !o.admin) {
    console.error('usage: node couch/generate.mjs URL DB --admin NAME:PASSWORD [--forms N] [--seed S] [--planted FILE]');
    process.exit(2);
  }
  o.forms = Number(o.forms);
  o.seed = Number(o.seed);
  return o;
}

// A small seeded generator (mulberry32): the same seed, the same database.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The registry as the app's generated table holds it.
export function registry(file = path.join(here, '..', 'src', 'core', 'domain', 'registry_data.rs')) {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = (name) => [...text.matchAll(new RegExp(`${name} \\{([^}]*)\\}`, 'g'))].map((m) => {
    const o = { raw: m[1] };
    for (const [, k, v] of m[1].matchAll(/(\w+): ("[^"]*"|\d+)/g)) o[k] = v.startsWith('"') ? v.slice(1, -1) : Number(v);
    return o;
  });
  const provinces = blocks('StaticProvince');
  const byId = Object.fromEntries(provinces.map((p) => [p.id, p]));
  // The candidates' ballot numbers (not always 1..n), from their parties.
  const numbers = (raw) => [...raw.matchAll(/\((\d+), \d+\)/g)].map((m) => Number(m[1]));
  const constituencies = blocks('StaticConstituency').map((c) => ({ ...c, province: byId[c.province], numbers: numbers(c.raw) }));
  return { provinces, constituencies, parties: blocks('StaticParty') };
}

const DIGIT = ['ศูนย์', 'หนึ่ง', 'สอง', 'สาม', 'สี่', 'ห้า', 'หก', 'เจ็ด', 'แปด', 'เก้า'];
const PLACE = ['', 'สิบ', 'ร้อย', 'พัน', 'หมื่น', 'แสน'];
// Thai words for a count below a million, as a form is filled in.
export function thaiWords(n) {
  if (n === 0) return DIGIT[0];
  const ds = String(n).split('').map(Number);
  let s = '';
  ds.forEach((d, i) => {
    const place = ds.length - 1 - i;
    if (d === 0) return;
    if (place === 1 && d === 1) s += 'สิบ';
    else if (place === 1 && d === 2) s += 'ยี่สิบ';
    else if (place === 0 && d === 1 && ds.length > 1) s += 'เอ็ด';
    else s += DIGIT[d] + PLACE[place];
  });
  return s;
}

const count = (n) => ({ digits: n, words: thaiWords(n) });
const hex32 = (text) => crypto.createHash('md5').update(text).digest('hex');

// Votes for `n` choices that sum to `valid`, by weights.
function split(valid, weights, r) {
  const jitter = weights.map((w) => w * (0.7 + 0.6 * r()));
  const sum = jitter.reduce((a, b) => a + b, 0);
  const out = jitter.map((w) => Math.floor((valid * w) / sum));
  out[0] += valid - out.reduce((a, b) => a + b, 0);
  return out;
}

function record({ c, unit, category, votes, invalid, noVote, sha, review }) {
  const numbers = category === 'constituency' && c.numbers.length === votes.length ? c.numbers : votes.map((_, i) => i + 1);
  const valid = votes.reduce((a, b) => a + b, 0);
  const total = valid + invalid + noVote;
  return {
    ballots_received: total + 20,
    confidence: {
      breakdown: { completeness: 1, registry: 1, sum: 1, total: 1, words: review ? 0.5 : 1 },
      level: review ? 'LOW' : 'HIGH',
      needs_review: review,
      score: review ? 0.55 : 0.97,
    },
    constituency: c.number,
    district: null,
    form: { category, kind: 'polling_unit' },
    has_vote_table: true,
    issues: [],
    page: null,
    polling_unit: unit,
    province: c.province.name_th,
    province_code: c.province.code,
    rows: votes.map((v, i) => ({ number: numbers[i], votes: count(v) })),
    source: { file_name: `${c.province.id}-${c.number}-${unit}-${category}.jpg`, model: 'generated', prompt_version: '', sha256: sha },
    subdistrict: null,
    totals: { invalid: count(invalid), no_vote: count(noVote), total: count(total), valid: count(valid) },
  };
}

function doc(rec, by, revs) {
  const ids = revs.map((r) => r.split('-')[1]).reverse();
  return {
    _id: `form:${rec.source.sha256}`,
    _rev: revs[revs.length - 1],
    _revisions: { start: revs.length, ids },
    type: 'tallyscan.ballot',
    schema: 1,
    by,
    record: rec,
  };
}

// Every form of the database, and what was planted: pure, from the seed.
export function plan({ forms, seed }, reg = registry()) {
  const r = rng(seed);
  const docs = [];
  const late = [];
  const planted = { forms: 0, corrections: [], same_image: [], same_unit: [], review: 0, bad: [] };
  const cover = Object.fromEntries(reg.provinces.map((p) => [p.code, 0.2 + 0.75 * r()]));
  const units = [];
  for (const c of reg.constituencies) {
    for (let u = 1; u <= c.polling_stations; u++) if (r() < cover[c.province.code]) units.push([c, u]);
  }
  const want = Math.min(Math.floor(forms / 2), units.length);
  // A spread of units over the country, fewer where coverage is lower.
  const step = units.length / want;
  const partyWeights = reg.parties.map((_, i) => 1 / (1 + i * i * 0.3));
  const weights = new Map();
  for (let k = 0; k < want; k++) {
    const [c, unit] = units[Math.floor(k * step)];
    if (!weights.has(c)) weights.set(c, Array.from({ length: c.candidates }, () => r() ** 2 + 0.05));
    const voters = Math.round(c.registered_voters / c.polling_stations);
    const used = Math.max(20, Math.round(voters * (0.55 + 0.3 * r())));
    const invalid = Math.round(used * 0.02 * r());
    const noVote = Math.round(used * 0.015 * r());
    const valid = used - invalid - noVote;
    const by = `v${1 + Math.floor(r() * 50)}`;
    for (const [category, w] of [['constituency', weights.get(c)], ['party_list', partyWeights]]) {
      const sha = crypto.createHash('sha256').update(`gen/${seed}/${k}/${category}`).digest('hex');
      const review = r() < 0.03;
      const rec = record({ c, unit, category, votes: split(valid, w, r), invalid, noVote, sha, review });
      planted.review += review ? 1 : 0;
      const rev1 = `1-${hex32(JSON.stringify(rec))}`;
      const roll = r();
      if (roll < 0.01) {
        // A correction: the volunteer fixed a count (the first reading had
        // the second row 10 too high).
        const first = structuredClone(rec);
        first.rows[1].votes = count(rec.rows[1].votes.digits + 10);
        const a = `1-${hex32(JSON.stringify(first))}`;
        docs.push(doc(rec, by, [a, `2-${hex32(a + JSON.stringify(rec))}`]));
        planted.corrections.push(`form:${sha}`);
      } else if (roll < 0.013 && category === 'constituency') {
        // Read differently by another volunteer: a second leaf, written later.
        docs.push(doc(rec, by, [rev1]));
        const other = structuredClone(rec);
        other.rows[0].votes = count(rec.rows[0].votes.digits + 7);
        other.totals.valid = count(rec.totals.valid.digits + 7);
        other.totals.total = count(rec.totals.total.digits + 7);
        late.push(doc(other, by === 'v1' ? 'v2' : 'v1', [`1-${hex32(JSON.stringify(other))}`]));
        planted.same_image.push(`form:${sha}`);
      } else if (roll < 0.015 && category === 'constituency') {
        // The same unit again, from another photo, with other numbers.
        docs.push(doc(rec, by, [rev1]));
        const sha2 = crypto.createHash('sha256').update(`gen/${seed}/${k}/${category}/again`).digest('hex');
        const other = record({ c, unit, category, votes: split(valid, weights.get(c), r), invalid, noVote, sha: sha2, review: false });
        other.source.file_name = `again-${other.source.file_name}`;
        late.push(doc(other, by, [`1-${hex32(JSON.stringify(other))}`]));
        planted.same_unit.push(`${c.province.name_th} ${c.number}/${unit}`);
      } else {
        docs.push(doc(rec, by, [rev1]));
      }
    }
  }
  // Documents that do not parse: listed and skipped by the view.
  for (let k = 0; k < 5; k++) {
    const id = `form:${crypto.createHash('sha256').update(`gen/${seed}/bad/${k}`).digest('hex')}`;
    docs.push({ _id: id, _rev: `1-${hex32(id)}`, type: 'tallyscan.ballot', schema: 1, by: 'v1', record: 'not a record' });
    planted.bad.push(id);
  }
  planted.forms = docs.length + late.filter((d) => !planted.same_image.includes(d._id)).length;
  return { docs, late, planted };
}

// One _bulk_docs (sent again if the connection was closed: with
// new_edits: false, writing the same revisions twice stores them once).
async function bulk(o, auth, docs, tries = 3) {
  let res;
  try {
    res = await fetch(`${o.url}/${o.db}/_bulk_docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify({ docs, new_edits: false }),
    });
  } catch (e) {
    if (tries <= 1) throw e;
    return bulk(o, auth, docs, tries - 1);
  }
  if (!res.ok) throw new Error(`_bulk_docs: ${res.status} ${await res.text()}`);
  const answer = await res.json();
  const refused = answer.filter((a) => a.error);
  if (refused.length) throw new Error(`_bulk_docs refused ${refused.length}: ${JSON.stringify(refused[0])}`);
}

// Writes `docs` in batches of 1,000, four at a time.
export async function write(o, docs) {
  const auth = `Basic ${Buffer.from(o.admin).toString('base64')}`;
  const batches = [];
  for (let i = 0; i < docs.length; i += 1000) batches.push(docs.slice(i, i + 1000));
  const next = async () => { for (let b = batches.shift(); b; b = batches.shift()) await bulk(o, auth, b); };
  await Promise.all([next(), next(), next(), next()]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname) && process.argv[2] === '--dump') {
  const o = { forms: 100_000, seed: 1 };
  const rest = process.argv.slice(4);
  for (let i = 0; i < rest.length; i += 2) o[rest[i].replace(/^--/, '')] = Number(rest[i + 1]);
  const { docs, late } = plan(o);
  const out = fs.createWriteStream(process.argv[3]);
  for (const d of [...docs, ...late]) out.write(`${JSON.stringify(d)}\n`);
  await new Promise((r) => out.end(r));
} else if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const o = args(process.argv.slice(2));
  const t0 = Date.now();
  const { docs, late, planted } = plan(o);
  await write(o, docs);
  await write(o, late);
  if (o.planted) fs.writeFileSync(o.planted, JSON.stringify(planted, null, 1));
  console.error(`generate: ${planted.forms} forms (${planted.corrections.length} corrected, ${planted.same_image.length} read differently, ${planted.same_unit.length} units reported twice, ${planted.bad.length} bad) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
