//! Image preparation ([`ImagePrep`]) in a Web Worker (`prep-worker.js`):
//! decode with `createImageBitmap` (EXIF orientation applied), downscale so
//! the long edge is at most N pixels (never up), encode JPEG at quality Q on
//! an `OffscreenCanvas`. Done on the main thread, decoding and resizing a
//! 300 dpi scan held the page for 60-110 ms each (measured); in the worker
//! the page only hands over the picked bytes as a `Blob` and gets the JPEG
//! back. Re-encoding drops the file's metadata (location, camera).

use crate::core::ports::{ImagePrep, LocalBoxFuture, PrepError, Prepared};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

type Waiting = Rc<RefCell<HashMap<u32, js_sys::Function>>>;

/// Prepares images in a worker; one worker per batch (terminated when
/// dropped).
pub struct WorkerPrep {
    worker: web_sys::Worker,
    options: PrepOptions,
    waiting: Waiting,
    next: Cell<u32>,
    /// Why the worker cannot work (it failed to load or crashed).
    broken: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

impl WorkerPrep {
    /// Starts the worker at `url`.
    pub fn new(url: &str, options: PrepOptions) -> Result<Self, JsValue> {
        let worker = web_sys::Worker::new(url)?;
        let waiting: Waiting = Rc::default();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
            let waiting = waiting.clone();
            move |e: web_sys::MessageEvent| {
                let data = e.data();
                let id = get(&data, "id").as_f64().unwrap_or(-1.0) as u32;
                if let Some(resolve) = waiting.borrow_mut().remove(&id) {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A worker that fails (not loaded, crashed) answers every image
        // waiting for it with an error, and every later one at once.
        let broken: Rc<RefCell<Option<String>>> = Rc::default();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
            let (waiting, broken) = (waiting.clone(), broken.clone());
            move |_| {
                let why = "the image preparation worker failed to start".to_string();
                let failed = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&failed, &"message".into(), &why.clone().into());
                *broken.borrow_mut() = Some(why);
                for (_, resolve) in waiting.borrow_mut().drain() {
                    let _ = resolve.call1(&JsValue::NULL, &failed);
                }
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerPrep {
            worker,
            options,
            waiting,
            next: Cell::new(0),
            broken,
            _on_message: on_message,
            _on_error: on_error,
        })
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
        if let Some(why) = self.broken.borrow().clone() {
            return Err(PrepError::Encode(why));
        }
        let blob = {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&original[..]));
            let bag = web_sys::BlobPropertyBag::new();
            bag.set_type(media);
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).map_err(encode)?
        };
        drop(original);
        let id = self.next.get();
        self.next.set(id.wrapping_add(1));
        let message = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&message, &k.into(), v);
        set("id", &id.into()).map_err(encode)?;
        set("blob", &blob).map_err(encode)?;
        set("longEdge", &self.options.long_edge.max(1).into()).map_err(encode)?;
        set("quality", &self.options.quality.clamp(0.1, 1.0).into()).map_err(encode)?;
        let answer = js_sys::Promise::new(&mut |resolve, _| {
            self.waiting.borrow_mut().insert(id, resolve);
        });
        self.worker.post_message(&message).map_err(encode)?;
        drop(blob);
        let data = JsFuture::from(answer).await.map_err(encode)?;
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

impl Drop for WorkerPrep {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
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
