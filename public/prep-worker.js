// TallyScan: image preparation in a Web Worker, so the page never waits on
// it and no image ever enters the page's wasm memory. For each picked image
// (a File or Blob, handed over without copying) the worker:
//  - hashes it (SHA-256, the record's identity; null where this browser has
//    no crypto.subtle, an insecure page: the page hashes it then);
//  - decodes it (EXIF orientation applied), downscales it so its long edge
//    is at most `longEdge` pixels (never up) and encodes JPEG at `quality`
//    (re-encoding drops the file's metadata: location, camera); or, with
//    `original`, keeps the file as it is;
//  - writes the image in base64 as a Blob, the part of the request body the
//    page puts between the JSON's head and tail.
// One image at a time, in order: a 12 MP photo decodes to ~48 MB, and a
// queue of them must not be decoded at once. Every bitmap is closed.
// Message in:  { id, op: 'prepare', blob, longEdge, quality, original, hash }
//              { id, op: 'hash', blob }
// Message out: { id, ok: true, image, base64, size, sha256, w, h, sw, sh }
//              { id, ok: true, sha256 } (hash)
//              { id, ok: false, stage, message }

async function sha256Of(blob) {
  if (!(self.crypto && self.crypto.subtle)) return null;
  const digest = await self.crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// The base64 text of `blob`, as a Blob (FileReaderSync does it natively).
function base64Of(blob) {
  const url = new FileReaderSync().readAsDataURL(blob);
  return new Blob([url.slice(url.indexOf(',') + 1)]);
}

// As core::image::target_size: rounded, at least one pixel, never up.
function targetSize(sw, sh, longEdge) {
  const long = Math.max(sw, sh);
  if (long <= longEdge) return [sw, sh];
  const scale = (v) => Math.max(1, Math.floor((v * longEdge + Math.floor(long / 2)) / long));
  return [scale(sw), scale(sh)];
}

// A damaged file, or a format this browser cannot read, fails here.
async function decode(blob) {
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (err) {
    throw Object.assign(new Error(String((err && err.message) || err)), { stage: 'decode' });
  }
}

async function reencode(blob, longEdge, quality) {
  let bmp = await decode(blob);
  try {
    const [sw, sh] = [bmp.width, bmp.height];
    const [w, h] = targetSize(sw, sh, longEdge);
    if (w !== sw || h !== sh) {
      const scaled = await createImageBitmap(bmp, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
      bmp.close();
      bmp = scaled;
    }
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; // JPEG has no transparency: white, as paper
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bmp, 0, 0);
    bmp.close();
    bmp = null;
    const image = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    canvas.width = 0;
    canvas.height = 0;
    return { image, w, h, sw, sh };
  } finally {
    if (bmp) bmp.close();
  }
}

async function prepare({ blob, longEdge, quality, original, hash }) {
  let stage = 'read';
  try {
    const sha256 = hash ? await sha256Of(blob) : null;
    stage = 'encode';
    const out = original
      ? { image: blob, w: 0, h: 0, sw: 0, sh: 0 }
      : await reencode(blob, longEdge, quality);
    const base64 = base64Of(out.image);
    return { ok: true, ...out, base64, size: out.image.size, sha256 };
  } catch (err) {
    return { ok: false, stage: (err && err.stage) || stage, message: String((err && err.message) || err) };
  }
}

let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data;
  queue = queue.then(async () => {
    let out;
    try {
      if (msg.op === 'hash') out = { ok: true, sha256: await sha256Of(msg.blob) };
      else out = await prepare(msg);
    } catch (err) {
      out = { ok: false, stage: 'read', message: String((err && err.message) || err) };
    }
    self.postMessage({ id: msg.id, ...out });
  });
};
