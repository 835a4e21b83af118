//! The pure core, grouped by purpose: `domain` (the record, forms, Thai
//! numbers, the registry), `read` (from a model's text to a checked
//! record), `api` (the two model APIs on the wire), `engine` (the batch
//! engine over small ports, the rate limiter, progress), `results`
//! (aggregation, the official comparison, exports, reports, review) and
//! `device` (what stays on the device, the settings). `testing` and
//! `corpus` exist only for tests and benchmarks (feature `testing`).
//!
//! Invariant: nothing under `core` touches `web_sys`, `js_sys`, `gloo`,
//! `leptos`, `JsValue` or a wall clock. Time comes in as arguments, I/O goes
//! out through traits. It builds and is tested natively.

pub mod api;
pub mod device;
pub mod domain;
pub mod engine;
pub mod read;
pub mod results;
pub mod sync;
