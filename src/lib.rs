//! TallyScan reads photos of Thai election count forms with a vision LLM, in
//! the browser, and checks every number before it reaches a tally.
//!
//! # Layout
//!
//! - [`core`]: pure Rust, native-testable: Thai numbers, the provider wire
//!   format, the registry, the rate limiter. No browser APIs, no wall clock.
//! - `web` (wasm32 only): browser adapters for core's needs: fetch, timers,
//!   files. Never imports leptos.
//! - `ui` (wasm32 only): Leptos components and state.
//! - `sim` (feature `sim`, native only): the OCR simulator, a real HTTP
//!   server that tests, benchmarks and the demo talk to.
//!
//! Dependencies point one way: `ui -> web -> core`, `sim -> core`.

pub mod core;
#[cfg(all(feature = "sim", not(target_arch = "wasm32")))]
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
