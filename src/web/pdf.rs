//! PDF pages as images: Mozilla's PDF.js (`pdfjs-dist`, shipped in
//! `pdfjs/`) in a module worker, `pdf-worker.js`, started the first time a
//! PDF is picked, so neither PDF.js nor its work ever weighs on the page or
//! the main bundle. The worker keeps one document open and draws one page
//! at a time on an `OffscreenCanvas`.

use super::worker::{get, message, Rpc};
use crate::core::read::pdf::PageError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The worker's file, next to the page (part of the offline app shell).
pub const WORKER_URL: &str = "./pdf-worker.js";

/// JPEG quality of a drawn page (it is re-encoded when images are
/// prepared, so this only has to lose nothing a reader needs).
const PAGE_QUALITY: f64 = 0.92;

/// A drawn page.
pub struct DrawnPage {
    /// The page as JPEG (a `Blob`: it never enters wasm memory).
    pub image: web_sys::Blob,
    /// A small grayscale copy, one byte a pixel.
    pub gray: Vec<u8>,
    /// Its width in pixels.
    pub gray_width: usize,
    /// The page's size in pixels.
    pub pixels: (u32, u32),
}

/// The PDF worker of this page.
pub struct PdfWorker {
    rpc: Rpc,
}

thread_local! {
    static SHARED: RefCell<Option<Rc<PdfWorker>>> = const { RefCell::new(None) };
}

impl PdfWorker {
    /// The page's PDF worker, started on first use (again, if it broke).
    pub fn shared() -> Result<Rc<PdfWorker>, PageError> {
        SHARED.with(|s| {
            let mut s = s.borrow_mut();
            if let Some(w) = s.as_ref().filter(|w| w.rpc.broken().is_none()) {
                return Ok(w.clone());
            }
            let rpc = Rpc::new(WORKER_URL, true, "PDF")
                .map_err(|e| PageError::Unavailable(super::error::js_message(&e)))?;
            let w = Rc::new(PdfWorker { rpc });
            *s = Some(w.clone());
            Ok(w)
        })
    }

    /// Lets the worker go: calls under way finish on it, and it is
    /// terminated once they are answered; the next call starts a new one
    /// (which opens its document again). Its heap goes back to the system.
    pub fn recycle() {
        SHARED.with(|s| s.borrow_mut().take());
    }

    /// The number of pages of `blob`, a PDF (`key` names the file for
    /// as long as the page lives).
    pub async fn count(&self, key: &str, blob: &web_sys::Blob) -> Result<u32, PageError> {
        let m = message(&[
            ("op", &"count".into()),
            ("key", &key.into()),
            ("blob", blob),
        ]);
        let data = self.ask(&m).await?;
        Ok(get(&data, "pages").as_f64().unwrap_or(0.0) as u32)
    }

    /// Page `page` (from 1) of the PDF `blob`, drawn at `dpi`.
    pub async fn render(
        &self,
        key: &str,
        blob: &web_sys::Blob,
        page: u32,
        dpi: u32,
    ) -> Result<DrawnPage, PageError> {
        let m = message(&[
            ("op", &"render".into()),
            ("key", &key.into()),
            ("blob", blob),
            ("page", &page.into()),
            ("dpi", &dpi.into()),
            ("quality", &PAGE_QUALITY.into()),
        ]);
        let data = self.ask(&m).await?;
        let px = |k: &str| get(&data, k).as_f64().unwrap_or(0.0) as u32;
        let image = get(&data, "image")
            .dyn_into::<web_sys::Blob>()
            .map_err(|_| PageError::Page("the page was drawn but not kept".into()))?;
        Ok(DrawnPage {
            image,
            gray: js_sys::Uint8Array::new(&get(&data, "gray")).to_vec(),
            gray_width: px("gw") as usize,
            pixels: (px("w"), px("h")),
        })
    }

    async fn ask(&self, m: &js_sys::Object) -> Result<JsValue, PageError> {
        let data = self
            .rpc
            .call(m, None)
            .await
            .map_err(PageError::Unavailable)?;
        if get(&data, "ok").is_truthy() {
            return Ok(data);
        }
        let why = get(&data, "message").as_string().unwrap_or_default();
        Err(match get(&data, "problem").as_string().as_deref() {
            Some("locked") => PageError::Locked,
            Some("damaged") => PageError::Damaged(why),
            Some("page") => PageError::Page(why),
            _ => PageError::Unavailable(why),
        })
    }
}
