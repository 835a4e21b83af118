// TallyScan: PDF pages as images, in a module Worker started the first time
// a PDF is picked (so PDF.js never weighs on the page or the main bundle).
// Mozilla's PDF.js (pdfjs-dist, copied next to this file by Trunk) parses in
// its own nested worker; this one draws one page at a time on an
// OffscreenCanvas, encodes it as JPEG and lets the page go (page.cleanup):
// a 300-page PDF never holds more than the pages being rendered.
// Message in:  { id, op: 'count', key, blob }
//              { id, op: 'render', key, blob, page, dpi, quality }
//              { id, op: 'close' }
// Message out: { id, ok: true, pages } (count)
//              { id, ok: true, image, w, h, gray, gw, gh } (render: image is a
//                JPEG Blob; gray a small grayscale copy of the page, at most
//                256 px on its long edge, for the blank-page check)
//              { id, ok: false, problem: 'locked' | 'damaged' | 'page' | 'unavailable', message }
let pdfjs = null;
async function lib() {
  if (!pdfjs) {
    pdfjs = await import('./pdfjs/pdf.min.js');
    pdfjs.GlobalWorkerOptions.workerSrc = new URL('./pdfjs/pdf.worker.min.js', import.meta.url).href;
  }
  return pdfjs;
}

class CanvasFactory {
  constructor() {}
  create(width, height) {
    const canvas = new OffscreenCanvas(Math.max(1, width), Math.max(1, height));
    return { canvas, context: canvas.getContext('2d', { willReadFrequently: true }) };
  }
  reset(entry, width, height) {
    entry.canvas.width = Math.max(1, width);
    entry.canvas.height = Math.max(1, height);
  }
  getNoAlphaContext(canvas) {
    return canvas.getContext('2d', { alpha: false, willReadFrequently: true });
  }
  destroy(entry) {
    entry.canvas.width = 0;
    entry.canvas.height = 0;
    entry.canvas = null;
    entry.context = null;
  }
}

class FilterFactory {
  addFilter() { return 'none'; }
  addHCMFilter() { return 'none'; }
  addAlphaFilter() { return 'none'; }
  addLuminosityFilter() { return 'none'; }
  addKnockoutFilter() { return 'none'; }
  addHighlightHCMFilter() { return 'none'; }
  addSelectionHCMFilter() { return 'none'; }
  addSelectionFilter() { return 'none'; }
  createSelectionStyle() { return null; }
  destroy() {}
}

// The document open now, by the page's key for its file: pages of one PDF
// come one after another, so one open document is enough.
let open = null; // { key, doc: Promise<PDFDocumentProxy> }

async function documentOf(key, blob) {
  if (open && open.key === key) return open.doc;
  await closeDocument();
  const { getDocument } = await lib();
  const data = new Uint8Array(await blob.arrayBuffer());
  const task = getDocument({
    data,
    CanvasFactory,
    FilterFactory,
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    disableWorkerRendering: true,
    // Images decoded by PDF.js into plain arrays, which the garbage
    // collector sees, rather than ImageBitmaps it does not: with bitmaps
    // the worker's memory grew by ~3 MB a page until a collection came
    // (renderer peak for 200 pages ÷ 20 pages: 1.60; with arrays: 1.15).
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    stopAtErrors: false,
    // The decoders PDF.js loads on demand (JPEG 2000, JBIG2 and CCITT
    // scans, colour profiles), next to it.
    wasmUrl: new URL('./pdfjs/wasm/', import.meta.url).href,
    useWorkerFetch: true,
    verbosity: 0,
  });
  const doc = task.promise;
  open = { key, doc, task };
  doc.catch(() => { if (open && open.key === key) open = null; });
  return doc;
}

async function closeDocument() {
  if (!open) return;
  const { task } = open;
  open = null;
  try { await task.destroy(); } catch (_) { /* already gone */ }
}

function problemOf(err) {
  const name = (err && err.name) || '';
  const message = String((err && err.message) || err);
  if (name === 'PasswordException') return { problem: 'locked', message };
  if (name === 'InvalidPDFException' || name === 'MissingPDFException' || name === 'UnknownErrorException') {
    return { problem: 'damaged', message };
  }
  return { problem: 'damaged', message };
}

// The page drawn small in gray (at most 256 px on its long edge), sampled
// rather than averaged: thin strokes keep their contrast, and stay the
// edges the blank-page check looks for (averaged, a form photographed in
// dim light fades to a uniform grey).
function grayOf(canvas) {
  const long = Math.max(canvas.width, canvas.height);
  const scale = Math.min(1, 256 / long);
  const gw = Math.max(1, Math.round(canvas.width * scale));
  const gh = Math.max(1, Math.round(canvas.height * scale));
  const small = new OffscreenCanvas(gw, gh);
  const ctx = small.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(canvas, 0, 0, gw, gh);
  const rgba = ctx.getImageData(0, 0, gw, gh).data;
  const gray = new Uint8Array(gw * gh);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = (rgba[4 * i] * 299 + rgba[4 * i + 1] * 587 + rgba[4 * i + 2] * 114) / 1000;
  }
  return { gray, gw, gh };
}

async function render({ key, blob, page, dpi, quality }) {
  let doc;
  try {
    doc = await documentOf(key, blob);
  } catch (err) {
    return { ok: false, ...problemOf(err) };
  }
  let p = null;
  try {
    p = await doc.getPage(page);
    const viewport = p.getViewport({ scale: dpi / 72 });
    const w = Math.max(1, Math.floor(viewport.width));
    const h = Math.max(1, Math.floor(viewport.height));
    const canvas = new OffscreenCanvas(w, h);
    // White, as paper: JPEG has no transparency.
    await p.render({ canvas, viewport, background: '#ffffff', annotationMode: 0 }).promise;
    const { gray, gw, gh } = grayOf(canvas);
    const image = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    canvas.width = 0;
    canvas.height = 0;
    return { ok: true, image, w, h, gray: gray.buffer, gw, gh, transfer: [gray.buffer] };
  } catch (err) {
    return { ok: false, problem: 'page', message: String((err && err.message) || err) };
  } finally {
    if (p) p.cleanup();
  }
}

async function count({ key, blob }) {
  try {
    const doc = await documentOf(key, blob);
    return { ok: true, pages: doc.numPages };
  } catch (err) {
    return { ok: false, ...problemOf(err) };
  }
}

// One request at a time, in order: a render never waits behind a document
// being swapped under it.
let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data;
  queue = queue.then(async () => {
    let out;
    try {
      if (msg.op === 'count') out = await count(msg);
      else if (msg.op === 'render') out = await render(msg);
      else { await closeDocument(); out = { ok: true }; }
    } catch (err) {
      out = { ok: false, problem: 'unavailable', message: String((err && err.message) || err) };
    }
    const transfer = out.transfer || [];
    delete out.transfer;
    self.postMessage({ id: msg.id, ...out }, transfer);
  });
};
