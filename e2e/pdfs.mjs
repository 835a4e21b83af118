// Test PDFs, made during the tests with Debian's tools (scripts/setup
// installs them): img2pdf (images into pages), pdftoppm (a page into JPEG,
// so a PDF can carry JPEG-compressed scans), ppm2tiff (a CCITT G4
// black-and-white scan), qpdf (an encrypted copy). Nothing is committed.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { png } from './support.mjs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

// A greyscale "form" of w x h pixels as PGM: ruled lines and blocks of
// "handwriting" that differ with `seed`, so every page has its own image.
function formPgm(w, h, seed) {
  const px = Buffer.alloc(w * h, 238);
  const dark = (x0, y0, x1, y1) => {
    for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) px.fill(25, y * w + Math.max(0, x0), y * w + Math.min(w, x1));
  };
  for (let y = 80; y < h - 60; y += 48) dark(40, y, w - 40, y + 2);
  dark(w / 2, 80, w / 2 + 2, h - 60);
  let x = seed * 7919;
  for (let i = 0; i < 40 + seed * 5; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const bx = 60 + (x % (w - 160));
    const by = 90 + ((x >>> 8) % (h - 200));
    dark(bx, by, bx + 20 + (x % 30), by + 12);
  }
  return Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), px]);
}

// The same as 1-bit PBM (dark pixels set).
function pbmOf(pgm, w, h) {
  const start = pgm.length - w * h;
  const row = Math.ceil(w / 8);
  const out = Buffer.alloc(row * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) if (pgm[start + y * w + x] < 128) out[y * row + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return Buffer.concat([Buffer.from(`P4\n${w} ${h}\n`), out]);
}

const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

// Makes, in dir: three.pdf (3 JPEG-compressed pages, each different),
// ccitt.pdf (one CCITT G4 black-and-white page), blank.pdf (one blank
// page), locked.pdf (three.pdf with a password), corrupt.pdf (three.pdf cut
// short). Returns their paths and SHA-256s.
export function makePdfs(dir, { pages = 3, w = 620, h = 877 } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const jpgs = [];
  for (let p = 1; p <= pages; p++) {
    const pgm = path.join(dir, `p${p}.pgm`);
    fs.writeFileSync(pgm, formPgm(w, h, p));
    const tif = path.join(dir, `p${p}.tif`);
    run('ppm2tiff', ['-c', 'none', '-R', '75', pgm, tif]);
    const one = path.join(dir, `p${p}.pdf`);
    run('img2pdf', [tif, '-o', one]);
    run('pdftoppm', ['-jpeg', '-r', '75', '-singlefile', one, path.join(dir, `p${p}`)]);
    jpgs.push(path.join(dir, `p${p}.jpg`));
  }
  const out = (n) => path.join(dir, n);
  run('img2pdf', [...jpgs, '-o', out('three.pdf')]);
  const pbm = path.join(dir, 'bw.pbm');
  fs.writeFileSync(pbm, pbmOf(formPgm(w, h, 9), w, h));
  run('ppm2tiff', ['-c', 'g4', '-R', '75', pbm, path.join(dir, 'bw.tif')]);
  run('img2pdf', [path.join(dir, 'bw.tif'), '-o', out('ccitt.pdf')]);
  fs.writeFileSync(path.join(dir, 'blank.png'), png(w, h, 244, false));
  run('img2pdf', [path.join(dir, 'blank.png'), '-o', out('blank.pdf')]);
  run('qpdf', ['--encrypt', 'user-pw', 'owner-pw', '256', '--', out('three.pdf'), out('locked.pdf')]);
  fs.writeFileSync(out('corrupt.pdf'), fs.readFileSync(out('three.pdf')).subarray(0, 1500));
  const files = ['three.pdf', 'ccitt.pdf', 'blank.pdf', 'locked.pdf', 'corrupt.pdf'];
  return Object.fromEntries(files.map((f) => [f.replace('.pdf', ''), { file: out(f), sha: sha(out(f)) }]));
}

// A PDF of `pages` different pages (for the benchmarks).
export function manyPages(dir, pages, { w = 1240, h = 1754, dpi = '150' } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const jpg = [];
  const kinds = Math.min(pages, 10);
  for (let p = 1; p <= kinds; p++) {
    const pgm = path.join(dir, `m${p}.pgm`);
    fs.writeFileSync(pgm, formPgm(w, h, p));
    const tif = path.join(dir, `m${p}.tif`);
    run('ppm2tiff', ['-c', 'none', '-R', dpi, pgm, tif]);
    run('img2pdf', [tif, '-o', path.join(dir, `m${p}.pdf`)]);
    run('pdftoppm', ['-jpeg', '-r', dpi, '-singlefile', path.join(dir, `m${p}.pdf`), path.join(dir, `m${p}`)]);
    jpg.push(path.join(dir, `m${p}.jpg`));
  }
  const list = Array.from({ length: pages }, (_, i) => jpg[i % kinds]);
  const out = path.join(dir, `pages-${pages}.pdf`);
  run('img2pdf', [...list, '-o', out]);
  return out;
}
