//! The pure core: domain types, Thai numbers, the provider wire format, the
//! registry, validation, aggregation and export, the rate limiter and the
//! batch engine. `testing` and `corpus` (test doubles and the generated
//! answer corpus) exist only for tests and benchmarks (feature `testing`).
//!
//! Invariant: nothing under `core` touches `web_sys`, `js_sys`, `gloo`,
//! `leptos`, `JsValue` or a wall clock. Time comes in as arguments, I/O goes
//! out through traits. It builds and is tested natively.

pub mod aggregate;
pub mod ballot;
pub mod batch;
pub mod connection;
pub mod control;
#[cfg(any(test, feature = "testing"))]
pub mod corpus;
pub mod cost;
pub mod endpoint;
pub mod events;
pub mod export;
pub mod extract;
pub mod form;
pub mod hash;
pub mod image;
pub mod import;
pub mod issue_text;
pub mod official;
pub mod path_hints;
pub mod pdf;
pub mod ports;
pub mod progress;
pub mod prompt;
pub mod provider;
pub mod rate_limit;
pub mod registry;
mod registry_data;
pub mod report;
pub mod reread;
pub mod retry;
pub mod review;
pub mod rng;
pub mod session;
pub mod settings;
pub mod table;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod thai;
pub mod validate;
pub mod wire;
