//! Browser adapters: everything that touches `web_sys`, `js_sys` or `gloo`
//! lives here, one file per capability, and JS errors become typed errors at
//! this edge. Never imports leptos (the UI depends on this, not the reverse).

pub mod console;
pub mod download;
pub mod error;
pub mod files;
pub mod http;
pub mod storage;
pub mod timer;

pub use error::WebError;
