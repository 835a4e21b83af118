//! If the page panics anyway (a bug of ours: nothing from outside should
//! get this far), the volunteer sees it on the page, not only in the
//! console: a message in the page's language saying what was kept and to
//! reload, and the results read so far offered as a file. The banner is
//! plain DOM with a `blob:` link, so it works after the WebAssembly
//! instance has stopped.
//!
//! [`Keeper`] is a `ProgressCallback` that keeps a copy of the records as
//! they finish, for the banner's file.

use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::progress::{BallotError, BallotResult, ProgressCallback};
use crate::core::results::export;
use std::cell::RefCell;
use wasm_bindgen::JsCast;

thread_local! {
    static KEPT: RefCell<Vec<BallotRecord>> = const { RefCell::new(Vec::new()) };
}

/// The id of the banner element.
pub const BANNER_ID: &str = "crash";

/// Installs the panic hook: the message in the console, then the banner.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.as_str().into());
        report(&message);
    }));
}

/// Keeps a copy of every record as it finishes (for the banner's file).
#[derive(Debug, Clone, Copy, Default)]
pub struct Keeper;

impl ProgressCallback for Keeper {
    fn on_start(&self, _: usize) {
        KEPT.with(|k| {
            if let Ok(mut k) = k.try_borrow_mut() {
                k.clear();
            }
        });
    }
    fn on_progress(&self, _: usize, _: usize, _: &str, result: &BallotResult) {
        KEPT.with(|k| {
            if let Ok(mut k) = k.try_borrow_mut() {
                k.push(result.record.clone());
            }
        });
    }
    fn on_error(&self, _: usize, _: usize, _: &str, _: &BallotError) {}
    fn on_complete(&self, _: &[BallotResult], _: &[BallotError]) {}
}

struct Words {
    title: &'static str,
    kept: String,
    none: &'static str,
    reload: &'static str,
    details: &'static str,
}

fn words(thai: bool, n: usize) -> Words {
    if thai {
        Words {
            title: "TallyScan หยุดทำงานเพราะข้อผิดพลาดภายในของโปรแกรม",
            kept: format!("ผลที่อ่านเสร็จแล้ว {n} ใบยังเก็บไว้: ดาวน์โหลดไว้ก่อน แล้วโหลดหน้านี้ใหม่ ไฟล์ภาพของคุณไม่ได้ถูกแก้ไข ภาพที่ยังอ่านไม่เสร็จต้องเริ่มอ่านใหม่"),
            none: "ยังไม่มีผลที่อ่านเสร็จ: โหลดหน้านี้ใหม่แล้วเริ่มอีกครั้ง ไฟล์ภาพของคุณไม่ได้ถูกแก้ไข",
            reload: "โหลดหน้านี้ใหม่",
            details: "รายละเอียดสำหรับผู้พัฒนา",
        }
    } else {
        Words {
            title: "TallyScan stopped because of an internal error",
            kept: format!("The {n} results read so far are kept: download them first, then reload this page. Your image files were not changed; images not finished must be read again."),
            none: "No result was finished yet: reload this page and start again. Your image files were not changed.",
            reload: "Reload this page",
            details: "Details for the developers",
        }
    }
}

fn page_is_thai(document: &web_sys::Document) -> bool {
    document
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .is_none_or(|l| l.starts_with("th"))
}

/// Shows the banner (once), with `detail` (the panic message) folded away.
pub fn report(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let kept = KEPT.with(|k| k.try_borrow().map(|k| k.clone()).unwrap_or_default());
    let w = words(page_is_thai(&document), kept.len());
    let _ = build(&document, &w, &kept, detail);
}

fn element(document: &web_sys::Document, tag: &str, text: &str) -> Option<web_sys::Element> {
    let e = document.create_element(tag).ok()?;
    e.set_text_content(Some(text));
    Some(e)
}

/// Appends a new `<tag>` with `text` (as text, never HTML) to `parent`.
fn add(
    document: &web_sys::Document,
    parent: &web_sys::Element,
    tag: &str,
    text: &str,
) -> Option<()> {
    let e = element(document, tag, text)?;
    parent.append_child(&e).ok().map(|_| ())
}

fn build(
    document: &web_sys::Document,
    w: &Words,
    kept: &[BallotRecord],
    detail: &str,
) -> Option<()> {
    let banner = document.create_element("div").ok()?;
    banner.set_id(BANNER_ID);
    banner.set_class_name("crash");
    banner.set_attribute("role", "alert").ok()?;
    add(document, &banner, "strong", w.title)?;
    let message = if kept.is_empty() {
        w.none.to_string()
    } else {
        w.kept.clone()
    };
    add(document, &banner, "p", &message)?;
    let actions = document.create_element("p").ok()?;
    if !kept.is_empty() {
        if let Some(link) = download_link(document, kept) {
            actions.append_child(&link).ok()?;
        }
    }
    let reload: web_sys::HtmlAnchorElement = element(document, "a", w.reload)?.unchecked_into();
    reload.set_href(&web_sys::window()?.location().href().ok()?);
    reload.set_class_name("crash__reload");
    actions.append_child(&reload).ok()?;
    banner.append_child(&actions).ok()?;
    let details = document.create_element("details").ok()?;
    add(document, &details, "summary", w.details)?;
    add(document, &details, "pre", detail)?;
    banner.append_child(&details).ok()?;
    let body = document.body()?;
    body.insert_before(&banner, body.first_child().as_ref())
        .ok()?;
    Some(())
}

fn download_link(document: &web_sys::Document, kept: &[BallotRecord]) -> Option<web_sys::Element> {
    let json = export::to_json(kept);
    let parts = js_sys::Array::of1(&json.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let label = if page_is_thai(document) {
        format!("ดาวน์โหลดผล {} ใบ (JSON)", kept.len())
    } else {
        format!("Download the {} results (JSON)", kept.len())
    };
    let a: web_sys::HtmlAnchorElement = element(document, "a", &label)?.unchecked_into();
    a.set_href(&url);
    a.set_download("tallyscan-recovered.json");
    a.set_class_name("crash__download");
    Some(a.into())
}
