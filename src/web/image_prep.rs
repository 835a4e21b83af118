//! Image preparation ([`ImagePrep`]) in a Web Worker (`prep-worker.js`):
//! decode with `createImageBitmap` (EXIF orientation applied), downscale so
//! the long edge is at most N pixels (never up), encode JPEG at quality Q on
//! an `OffscreenCanvas`. Done on the main thread, decoding and resizing a
//! 300 dpi scan held the page for 60-110 ms each (measured); in the worker
//! the page only hands over the picked bytes as a `Blob` and gets the JPEG
//! back. Re-encoding drops the file's metadata (location, camera).

use super::worker::{get, message, Rpc};
use crate::core::ports::{ImagePrep, LocalBoxFuture, PrepError, Prepared};
use wasm_bindgen::JsValue;

/// The worker's file, next to the page (part of the offline app shell).
pub const WORKER_URL: &str = "./prep-worker.js";

/// The worker's source, for a page that does not serve it (tests).
pub const WORKER_SOURCE: &str = include_str!("../../public/prep-worker.js");

/// How images are prepared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrepOptions {
    /// The longest edge sent, in pixels.
    pub long_edge: u32,
    /// JPEG quality, 0 to 1.
    pub quality: f64,
}

impl Default for PrepOptions {
    fn default() -> Self {
        PrepOptions {
            long_edge: 2048,
            quality: 0.85,
        }
    }
}

/// Prepares images in a worker; one worker per batch (terminated when
/// dropped).
pub struct WorkerPrep {
    rpc: Rpc,
    options: PrepOptions,
}

impl WorkerPrep {
    /// Starts the worker at `url`.
    pub fn new(url: &str, options: PrepOptions) -> Result<Self, JsValue> {
        let rpc = Rpc::new(url, false, "image preparation")?;
        Ok(WorkerPrep { rpc, options })
    }

    /// Starts the worker from its source (a `blob:` URL), for pages that
    /// do not serve `prep-worker.js`.
    pub fn from_source(options: PrepOptions) -> Result<Self, JsValue> {
        let parts = js_sys::Array::of1(&WORKER_SOURCE.into());
        let bag = web_sys::BlobPropertyBag::new();
        bag.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let prep = Self::new(&url, options);
        let _ = web_sys::Url::revoke_object_url(&url);
        prep
    }

    async fn run(&self, original: Vec<u8>, media: &'static str) -> Result<Prepared, PrepError> {
        let encode = |e: JsValue| PrepError::Encode(super::error::js_message(&e));
        if let Some(why) = self.rpc.broken() {
            return Err(PrepError::Encode(why));
        }
        let blob = {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&original[..]));
            let bag = web_sys::BlobPropertyBag::new();
            bag.set_type(media);
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).map_err(encode)?
        };
        drop(original);
        let message = message(&[
            ("blob", &blob),
            ("longEdge", &self.options.long_edge.max(1).into()),
            ("quality", &self.options.quality.clamp(0.1, 1.0).into()),
        ]);
        drop(blob);
        let data = self
            .rpc
            .call(&message, None)
            .await
            .map_err(PrepError::Encode)?;
        if !get(&data, "ok").is_truthy() {
            let why = get(&data, "message").as_string().unwrap_or_default();
            return Err(match get(&data, "stage").as_string().as_deref() {
                Some("decode") => PrepError::Undecodable,
                _ => PrepError::Encode(why),
            });
        }
        let px = |k: &str| get(&data, k).as_f64().unwrap_or(0.0) as u32;
        let bytes = js_sys::Uint8Array::new(&get(&data, "bytes")).to_vec();
        Ok(Prepared {
            bytes,
            media: "image/jpeg",
            source_pixels: (px("sw"), px("sh")),
            pixels: (px("w"), px("h")),
        })
    }
}

/// The page's preparation: the worker, or why this browser has none (then
/// every image fails with that reason rather than going out unprepared).
pub enum PagePrep {
    Worker(WorkerPrep),
    Unavailable(String),
}

impl PagePrep {
    /// The worker next to the page.
    pub fn start(options: PrepOptions) -> Self {
        match WorkerPrep::new(WORKER_URL, options) {
            Ok(w) => PagePrep::Worker(w),
            Err(e) => PagePrep::Unavailable(format!(
                "this browser cannot prepare images ({}): tick \"send the original file\" to send them as picked",
                super::error::js_message(&e)
            )),
        }
    }
}

impl ImagePrep for PagePrep {
    fn prepare(
        &self,
        original: Vec<u8>,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        match self {
            PagePrep::Worker(w) => w.prepare(original, media),
            PagePrep::Unavailable(why) => {
                let why = why.clone();
                Box::pin(async move { Err(PrepError::Encode(why)) })
            }
        }
    }
}

impl ImagePrep for WorkerPrep {
    fn prepare(
        &self,
        original: Vec<u8>,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        Box::pin(self.run(original, media))
    }
}
