// PouchDB Server's validation (pouchdb-validation 4.2.0) replaces the
// `_revisions` of every document written with those of the document
// stored, also for replicated writes (`_bulk_docs` with `new_edits:
// false`). A second reading of the same image (a new revision 1-…) then
// carries the first reading's history, is taken for it and silently
// dropped: no conflict is stored. Apache CouchDB keeps the revisions a
// replicator sends. This makes PouchDB Server do the same (the history
// is taken from the stored document only when the write has none).
// Run by scripts/setup after `npm ci`; idempotent; fails if the text
// it fixes is not there (another version).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('node_modules/pouchdb-validation/lib/index.js', import.meta.url));
const bug = 'newDoc._revisions = (oldDoc || {})._revisions;';
const fix = 'newDoc._revisions = newDoc._revisions || (oldDoc || {})._revisions;';
const text = readFileSync(file, 'utf8');
if (text.includes(fix)) process.exit(0);
if (!text.includes(bug)) {
  console.error(`patch.mjs: ${file} does not hold the line it fixes (another version?)`);
  process.exit(1);
}
writeFileSync(file, text.replace(bug, fix));
