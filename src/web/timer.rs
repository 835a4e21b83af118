//! Time in the browser: a monotonic clock (`performance.now()`) and sleeping
//! on gloo-timers (`setTimeout`), without blocking the page.

use crate::core::ports::{Clock, LocalBoxFuture, Sleeper};
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

/// Waits `d` without blocking the event loop.
pub async fn sleep(d: Duration) {
    let ms = d.as_millis().min(u32::MAX as u128) as u32;
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// The engine's [`Clock`]: `performance.now()` and `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> Duration {
        Duration::from_secs_f64(now_ms().max(0.0) / 1000.0)
    }
    fn unix_ms(&self) -> u64 {
        unix_ms().max(0.0) as u64
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
