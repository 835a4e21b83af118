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

/// A wall-clock time as people read it in `locale` ("th", "th-TH": the
/// Buddhist era; any other: as in Britain), in the device's time zone.
pub fn local_time(unix_ms: f64, locale: &str) -> String {
    let d = js_sys::Date::new(&unix_ms.into());
    let t = crate::core::domain::thai::CivilTime {
        year: d.get_full_year() as i32,
        month: d.get_month() + 1,
        day: d.get_date(),
        hour: d.get_hours(),
        minute: d.get_minutes(),
        second: d.get_seconds(),
    };
    crate::core::domain::thai::civil_time_text(t, locale.starts_with("th"))
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
