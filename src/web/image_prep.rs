//! Image preparation in the browser ([`ImagePrep`]): decode with
//! `createImageBitmap` (EXIF orientation applied), downscale so the long
//! edge is at most N pixels (never up) with a second `createImageBitmap`
//! (both decode and resize run off the main thread), draw once on an
//! `OffscreenCanvas` and encode JPEG at quality Q with `convertToBlob`
//! (off the main thread too). Re-encoding drops the file's metadata
//! (location, camera). Every bitmap is closed and every blob dropped before
//! the bytes are returned.

use super::files::read_bytes;
use crate::core::image::target_size;
use crate::core::ports::{ImagePrep, LocalBoxFuture, PrepError, Prepared};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ImageBitmap, ImageBitmapOptions, OffscreenCanvas, OffscreenCanvasRenderingContext2d,
};

/// How images are prepared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CanvasPrep {
    /// The longest edge sent, in pixels.
    pub long_edge: u32,
    /// JPEG quality, 0 to 1.
    pub quality: f64,
}

impl Default for CanvasPrep {
    fn default() -> Self {
        CanvasPrep {
            long_edge: 2048,
            quality: 0.85,
        }
    }
}

/// Closes a bitmap when dropped (on every path, errors included).
struct Bitmap(ImageBitmap);

impl Drop for Bitmap {
    fn drop(&mut self) {
        self.0.close();
    }
}

fn encode_error(e: JsValue) -> PrepError {
    PrepError::Encode(super::error::js_message(&e))
}

/// `createImageBitmap(source, options)` as a future.
async fn bitmap(promise: Result<js_sys::Promise, JsValue>) -> Result<Bitmap, PrepError> {
    let promise = promise.map_err(|_| PrepError::Undecodable)?;
    let value = JsFuture::from(promise)
        .await
        .map_err(|_| PrepError::Undecodable)?;
    value
        .dyn_into::<ImageBitmap>()
        .map(Bitmap)
        .map_err(|_| PrepError::Undecodable)
}

impl CanvasPrep {
    async fn run(self, original: Vec<u8>, media: &'static str) -> Result<Prepared, PrepError> {
        let window = web_sys::window().ok_or(PrepError::Encode("no window".into()))?;
        let blob = {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&original[..]));
            let bag = web_sys::BlobPropertyBag::new();
            bag.set_type(media);
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag)
                .map_err(encode_error)?
        };
        drop(original);
        let upright = ImageBitmapOptions::new();
        upright.set_image_orientation(web_sys::ImageOrientation::FromImage);
        let decoded =
            bitmap(window.create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &upright))
                .await?;
        drop(blob);
        let source = (decoded.0.width(), decoded.0.height());
        let (w, h) = target_size(source.0, source.1, self.long_edge.max(1));
        let image = if (w, h) == source {
            decoded
        } else {
            let resize = ImageBitmapOptions::new();
            resize.set_resize_width(w);
            resize.set_resize_height(h);
            resize.set_resize_quality(web_sys::ResizeQuality::High);
            let scaled = window.create_image_bitmap_with_image_bitmap_and_image_bitmap_options(
                &decoded.0, &resize,
            );
            let scaled = bitmap(scaled).await?;
            drop(decoded);
            scaled
        };
        let canvas = OffscreenCanvas::new(w.max(1), h.max(1)).map_err(encode_error)?;
        let ctx: OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")
            .map_err(encode_error)?
            .and_then(|c| c.dyn_into().ok())
            .ok_or_else(|| PrepError::Encode("no 2d context".into()))?;
        // JPEG has no transparency: white under it, as on paper.
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
        ctx.draw_image_with_image_bitmap(&image.0, 0.0, 0.0)
            .map_err(encode_error)?;
        drop(image);
        let opts = web_sys::ImageEncodeOptions::new();
        opts.set_type("image/jpeg");
        opts.set_quality(self.quality.clamp(0.1, 1.0));
        let out = JsFuture::from(
            canvas
                .convert_to_blob_with_options(&opts)
                .map_err(encode_error)?,
        )
        .await
        .map_err(encode_error)?;
        drop((ctx, canvas));
        let out: web_sys::Blob = out.dyn_into().map_err(encode_error)?;
        let bytes = read_bytes(&out)
            .await
            .map_err(|e| PrepError::Encode(e.to_string()))?;
        Ok(Prepared {
            bytes,
            media: "image/jpeg",
            source_pixels: source,
            pixels: (w, h),
        })
    }
}

impl ImagePrep for CanvasPrep {
    fn prepare(
        &self,
        original: Vec<u8>,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        Box::pin(self.run(original, media))
    }
}
