//! An object URL for a blob (an image shown beside what was read), revoked
//! when dropped so the image's memory goes with the view.

use super::WebError;

/// A `blob:` URL, revoked on drop.
#[derive(Debug)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    /// A URL for `blob` (a picked or stored file).
    pub fn new(blob: &web_sys::Blob) -> Result<Self, WebError> {
        web_sys::Url::create_object_url_with_blob(blob)
            .map(ObjectUrl)
            .map_err(|e| WebError::js("showing the image", e))
    }

    /// The URL, for an `img` element's `src`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}
