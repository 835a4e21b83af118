//! Saving text as a file: a Blob, an object URL, a click on a hidden link,
//! and the URL revoked right after. Works offline.

use super::error::WebError;
use wasm_bindgen::JsCast;

/// Offers `text` for download as `file_name` with `mime` (e.g. "text/csv;charset=utf-8").
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), WebError> {
    let window = web_sys::window().ok_or(WebError::NoWindow)?;
    let document = window.document().ok_or(WebError::NoWindow)?;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| WebError::js("making the file", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| WebError::js("making the file's URL", e))?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| WebError::js("making the download link", e))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
