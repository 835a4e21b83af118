//! Image preparation ([`ImagePrep`]) in a Web Worker (`prep-worker.js`):
//! the picked file goes to the worker as a `Blob` (not copied), and the
//! worker hashes it (SHA-256), decodes it (EXIF orientation applied),
//! downscales it so the long edge is at most N pixels (never up), encodes
//! JPEG at quality Q, and writes its base64 text; both come back as
//! `Blob`s, which fetch sends between the JSON's head and tail. So no image
//! enters wasm memory and nothing heavy runs on the page's thread (done on
//! the main thread, decoding and resizing a 300 dpi scan held the page
//! 60-110 ms, hashing a 4 MB file ~150 ms). "Send the original" goes the
//! same way without re-encoding. The worker is restarted at each memory
//! cleanup (every 50 ballots) once the work in hand is done, so its heap
//! goes back to the system.

use super::blob_image::{blob_of, sha256_sliced, BlobImage, PreparedImage};
use super::worker::{get, message, Rpc};
use crate::core::engine::ports::{ImageData, ImagePrep, LocalBoxFuture, PrepError, Prepared};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The worker's file, next to the page (part of the offline app shell).
pub const WORKER_URL: &str = "./prep-worker.js";

/// The worker's source, for a page that does not serve it (tests).
pub const WORKER_SOURCE: &str = include_str!("../../public/prep-worker.js");

thread_local! {
    /// Where this page's worker comes from, when not [`WORKER_URL`].
    static PAGE_WORKER_URL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Starts this page's workers from [`WORKER_SOURCE`] (a `blob:` URL), for
/// a page that does not serve `prep-worker.js` (the browser tests' page).
pub fn start_workers_from_source() -> Result<(), JsValue> {
    let url = source_url()?;
    PAGE_WORKER_URL.with(|u| *u.borrow_mut() = Some(url));
    Ok(())
}

fn source_url() -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&WORKER_SOURCE.into());
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// How images are prepared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrepOptions {
    /// The longest edge sent, in pixels.
    pub long_edge: u32,
    /// JPEG quality, 0 to 1.
    pub quality: f64,
    /// Send the file as picked (hashed and base64-encoded in the worker,
    /// not re-encoded).
    pub original: bool,
}

impl Default for PrepOptions {
    fn default() -> Self {
        PrepOptions {
            long_edge: 2048,
            quality: 0.85,
            original: false,
        }
    }
}

/// Prepares images in a worker (terminated when dropped, and restarted by
/// [`ImagePrep::recycle`]).
pub struct WorkerPrep {
    url: String,
    rpc: RefCell<Rc<Rpc>>,
    options: PrepOptions,
    /// Workers started (the first included).
    started: Cell<u32>,
}

impl WorkerPrep {
    /// Starts the worker at `url`.
    pub fn new(url: &str, options: PrepOptions) -> Result<Self, JsValue> {
        let rpc = Rpc::new(url, false, "image preparation")?;
        Ok(WorkerPrep {
            url: url.to_string(),
            rpc: RefCell::new(Rc::new(rpc)),
            options,
            started: Cell::new(1),
        })
    }

    /// Starts the worker from its source (a `blob:` URL, kept for
    /// restarts), for pages that do not serve `prep-worker.js`.
    pub fn from_source(options: PrepOptions) -> Result<Self, JsValue> {
        Self::new(&source_url()?, options)
    }

    /// Workers started so far (1 + the restarts).
    pub fn workers_started(&self) -> u32 {
        self.started.get()
    }

    /// Asks the worker in service now (a restart leaves earlier calls to
    /// the old one, which stops once they are answered).
    async fn ask(&self, message: &js_sys::Object) -> Result<JsValue, PrepError> {
        let rpc = self.rpc.borrow().clone();
        if let Some(why) = rpc.broken() {
            return Err(PrepError::Encode(why));
        }
        let data = rpc.call(message, None).await.map_err(PrepError::Encode)?;
        drop(rpc);
        if get(&data, "ok").is_truthy() {
            return Ok(data);
        }
        let why = get(&data, "message").as_string().unwrap_or_default();
        Err(match get(&data, "stage").as_string().as_deref() {
            Some("decode") => PrepError::Undecodable,
            Some("read") => PrepError::Encode(format!("the file could not be read: {why}")),
            _ => PrepError::Encode(why),
        })
    }

    async fn run(&self, original: ImageData, media: &'static str) -> Result<Prepared, PrepError> {
        let blob = blob_of(&original, media)
            .ok_or_else(|| PrepError::Encode("the image is not at hand".into()))?;
        let in_memory = original.bytes().is_some();
        drop(original);
        let o = self.options;
        let message = message(&[
            ("op", &"prepare".into()),
            ("blob", &blob),
            ("longEdge", &o.long_edge.max(1).into()),
            ("quality", &o.quality.clamp(0.1, 1.0).into()),
            ("original", &o.original.into()),
            // Bytes already in wasm memory were hashed there.
            ("hash", &(!in_memory).into()),
        ]);
        let data = self.ask(&message).await?;
        let sha256 = match get(&data, "sha256").as_string() {
            Some(h) => Some(h),
            // No crypto.subtle here (an insecure page): hashed on the page,
            // in slices.
            None if !in_memory => Some(
                sha256_sliced(&blob)
                    .await
                    .map_err(|e| PrepError::Encode(e.to_string()))?,
            ),
            None => None,
        };
        drop(blob);
        let blob = |k: &str| get(&data, k).dyn_into::<web_sys::Blob>().ok();
        let (Some(image), Some(base64)) = (blob("image"), blob("base64")) else {
            return Err(PrepError::Encode("the worker sent no image".into()));
        };
        let px = |k: &str| get(&data, k).as_f64().unwrap_or(0.0) as u32;
        let media = if o.original { media } else { "image/jpeg" };
        Ok(Prepared {
            image: ImageData::new(PreparedImage { image, base64 }),
            media,
            source_pixels: Some((px("sw"), px("sh"))).filter(|p| p.0 > 0 && p.1 > 0),
            pixels: (px("w"), px("h")),
            sha256,
        })
    }

    async fn hash(&self, image: ImageData) -> Result<String, PrepError> {
        let blob = match image.downcast_ref::<BlobImage>() {
            Some(b) => b.0.clone(),
            None => return Err(PrepError::Encode("the image is not a file".into())),
        };
        let data = self
            .ask(&message(&[("op", &"hash".into()), ("blob", &blob)]))
            .await?;
        match get(&data, "sha256").as_string() {
            Some(h) => Ok(h),
            None => sha256_sliced(&blob)
                .await
                .map_err(|e| PrepError::Encode(e.to_string())),
        }
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
        let url = PAGE_WORKER_URL.with(|u| u.borrow().clone());
        match WorkerPrep::new(url.as_deref().unwrap_or(WORKER_URL), options) {
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
        original: ImageData,
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
    fn sha256(&self, image: ImageData) -> LocalBoxFuture<'_, Result<String, PrepError>> {
        match self {
            PagePrep::Worker(w) => w.sha256(image),
            PagePrep::Unavailable(why) => {
                let why = why.clone();
                Box::pin(async move { Err(PrepError::Encode(why)) })
            }
        }
    }
    fn recycle(&self) {
        if let PagePrep::Worker(w) = self {
            w.recycle();
        }
    }
}

impl ImagePrep for WorkerPrep {
    fn prepare(
        &self,
        original: ImageData,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        Box::pin(self.run(original, media))
    }
    fn sha256(&self, image: ImageData) -> LocalBoxFuture<'_, Result<String, PrepError>> {
        Box::pin(self.hash(image))
    }
    /// A new worker for the calls to come; the old one finishes the calls
    /// it has and is terminated when the last is answered (its `Rc` goes).
    fn recycle(&self) {
        if let Ok(rpc) = Rpc::new(&self.url, false, "image preparation") {
            *self.rpc.borrow_mut() = Rc::new(rpc);
            self.started.set(self.started.get() + 1);
        }
    }
}
