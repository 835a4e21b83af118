//! Images the browser holds as `Blob`s (a picked `File`, a drawn PDF page,
//! an image the preparation worker made with its base64 text), as core's
//! [`HeldImage`]: the engine passes them from source to preparation to
//! fetch without their bytes ever entering wasm memory.

use crate::core::domain::hash::{Hasher, SLICE};
use crate::core::engine::ports::{HeldImage, ImageData};
use std::any::Any;

/// A picked file or a drawn page.
pub struct BlobImage(pub web_sys::Blob);

impl HeldImage for BlobImage {
    fn size(&self) -> u64 {
        self.0.size() as u64
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An image ready to send, made by the preparation worker.
pub struct PreparedImage {
    /// The image (JPEG, or the file as picked).
    pub image: web_sys::Blob,
    /// Its base64 text: the part of the request body between the JSON's
    /// head and tail.
    pub base64: web_sys::Blob,
}

impl HeldImage for PreparedImage {
    fn size(&self) -> u64 {
        self.image.size() as u64
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `image` as a `Blob` (bytes in wasm memory are copied into one).
pub fn blob_of(image: &ImageData, media: &str) -> Option<web_sys::Blob> {
    if let Some(b) = image.downcast_ref::<BlobImage>() {
        return Some(b.0.clone());
    }
    if let Some(p) = image.downcast_ref::<PreparedImage>() {
        return Some(p.image.clone());
    }
    let bytes = image.bytes()?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(media);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).ok()
}

/// SHA-256 of `blob`, hex, read in slices between pauses so neither the
/// page nor wasm memory holds it whole (for pages without `crypto.subtle`,
/// and for PDFs, hashed once each).
pub async fn sha256_sliced(blob: &web_sys::Blob) -> Result<String, super::WebError> {
    let mut hasher = Hasher::default();
    let size = blob.size();
    let step = SLICE as f64;
    let mut at = 0.0;
    while at < size {
        let part = blob
            .slice_with_f64_and_f64(at, (at + step).min(size))
            .map_err(|e| super::WebError::js("reading the file", e))?;
        hasher.update(&super::files::read_bytes(&part).await?);
        at += step;
    }
    Ok(hasher.finish())
}
