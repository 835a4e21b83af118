//! Reading picked or dropped files into bytes.

use super::error::WebError;
use wasm_bindgen_futures::JsFuture;

/// The files of an `<input type=file>` or a drop, in order.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The whole content of a file.
pub async fn read_bytes(file: &web_sys::Blob) -> Result<Vec<u8>, WebError> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| WebError::js("reading the file", e))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
