//! Browser adapters: everything that touches `web_sys`, `js_sys` or `gloo`
//! lives here, one file per capability, and JS errors become typed errors at
//! this edge. Never imports leptos (the UI depends on this, not the reverse).

pub mod api;
pub mod blob_image;
pub mod console;
pub mod couch;
pub mod crash;
pub mod download;
pub mod error;
pub mod files;
pub mod http;
pub mod image_prep;
pub mod network;
pub mod object_url;
pub mod pdf;
pub mod progress_events;
pub mod replica;
pub mod runner;
pub mod service_worker;
pub mod shared_limit;
pub mod storage;
pub mod store;
pub mod timer;
pub mod visibility;
pub mod wake_lock;
pub mod worker;

pub use error::WebError;

/// Whether the page itself was served over HTTPS (the browser then blocks
/// plain `http://` requests except to this device).
pub fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}
