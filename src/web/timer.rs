//! Time in the browser: a monotonic clock (`performance.now()`) and sleeping
//! on gloo-timers (`setTimeout`), without blocking the page.

use crate::core::engine::ports::{timer_chunks_ms, Clock, LocalBoxFuture, Sleeper};
use std::time::Duration;

/// Milliseconds since the page started, monotonic (`performance.now()`);
/// falls back to `Date.now()` where there is no `performance`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Wall-clock milliseconds since the Unix epoch (`Date.now()`), for HTTP dates.
pub fn unix_ms() -> f64 {
    js_sys::Date::now()
}

/// A wall-clock time as people read it in `locale` ("th-TH", "en-GB").
pub fn local_time(unix_ms: f64, locale: &str) -> String {
    js_sys::Date::new(&unix_ms.into())
        .to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// Waits `d` without blocking the event loop: whole milliseconds rounded
/// up (never early), and waits longer than `setTimeout` takes (2^31 − 1 ms)
/// in pieces.
pub async fn sleep(d: Duration) {
    for ms in timer_chunks_ms(d) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}

/// The engine's [`Clock`]: `performance.now()` and `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> Duration {
        Duration::try_from_secs_f64(now_ms() / 1000.0).unwrap_or_default()
    }
    fn unix_ms(&self) -> u64 {
        let ms = unix_ms();
        if ms.is_finite() && ms > 0.0 {
            ms as u64
        } else {
            0
        }
    }
}

/// The engine's [`Sleeper`] on gloo-timers.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlooSleeper;

impl Sleeper for GlooSleeper {
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()> {
        Box::pin(sleep(d))
    }
}
