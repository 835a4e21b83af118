// TallyScan: image preparation in a Web Worker, so the page never waits on
// it. Decodes a picked image (EXIF orientation applied), downscales it so
// its long edge is at most `longEdge` pixels (never up), and encodes JPEG
// at `quality`. Re-encoding drops the file's metadata (location, camera).
// Every bitmap is closed; the JPEG's bytes are transferred, not copied.
// Message in:  { id, blob, longEdge, quality }
// Message out: { id, ok: true, bytes, w, h, sw, sh } or { id, ok: false, stage, message }
self.onmessage = async (e) => {
  const { id, blob, longEdge, quality } = e.data;
  let bmp = null;
  let stage = 'decode';
  try {
    bmp = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    stage = 'encode';
    const sw = bmp.width;
    const sh = bmp.height;
    const long = Math.max(sw, sh);
    let w = sw;
    let h = sh;
    if (long > longEdge) {
      // As core::image::target_size: rounded, at least one pixel.
      w = Math.max(1, Math.floor((sw * longEdge + Math.floor(long / 2)) / long));
      h = Math.max(1, Math.floor((sh * longEdge + Math.floor(long / 2)) / long));
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
    const out = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    const bytes = await out.arrayBuffer();
    self.postMessage({ id, ok: true, bytes, w, h, sw, sh }, [bytes]);
  } catch (err) {
    if (bmp) bmp.close();
    self.postMessage({ id, ok: false, stage, message: String((err && err.message) || err) });
  }
};
