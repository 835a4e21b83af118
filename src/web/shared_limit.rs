//! One rate limit for every page of this browser that sends to the same
//! endpoint (two tabs of a kiosk): each booking takes a Web Lock named for
//! the endpoint, reads the shared bucket's time from localStorage, books
//! the next slot (`core::engine::rate_limit::book_shared`) and writes it
//! back, so the pages together keep the rate. Where the browser has no Web
//! Locks (an insecure page), each page keeps its own.

use crate::core::engine::ports::{LocalBoxFuture, SharedLimit};
use crate::core::engine::rate_limit::{book_shared, Quota};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The bucket shared by the pages sending to one endpoint.
pub struct BrowserSharedLimit {
    /// The lock's name and the storage key.
    name: String,
    locks: JsValue,
}

impl BrowserSharedLimit {
    /// The shared limit for `endpoint`, when this browser can share one.
    pub fn for_endpoint(endpoint: &str) -> Option<Self> {
        let navigator = web_sys::window()?.navigator();
        let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
        if locks.is_undefined() || locks.is_null() {
            return None;
        }
        let name = format!("tallyscan.rate:{}", endpoint.trim().trim_end_matches('/'));
        Some(BrowserSharedLimit { name, locks })
    }

    /// Books under the lock; the wait in ms (0 when the lock cannot be had:
    /// this page's own limit still holds).
    async fn book_ms(&self, quota: Quota) -> f64 {
        let name = self.name.clone();
        let book = Closure::once_into_js(move || -> JsValue {
            let now = js_sys::Date::now();
            let tat = super::storage::get(&name)
                .and_then(|kept| stored_time(&kept, quota))
                .unwrap_or(f64::NAN);
            let (wait, next) = book_shared(tat, now, quota);
            let kept = format!("{next:.3} {} {}", quota.rate_per_sec(), quota.burst());
            super::storage::set(&name, &kept);
            JsValue::from_f64(wait)
        });
        let request = js_sys::Reflect::get(&self.locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(request) = request else { return 0.0 };
        let promise = request
            .call2(&self.locks, &self.name.as_str().into(), &book)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
        let Some(promise) = promise else { return 0.0 };
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|w| w.is_finite() && *w > 0.0)
            .unwrap_or(0.0)
    }
}

/// The bucket's time as kept ("time rate burst"), when it was kept under
/// the same quota (a bucket booked at another rate starts afresh).
fn stored_time(kept: &str, quota: Quota) -> Option<f64> {
    let mut parts = kept.split(' ');
    let tat = parts.next()?.parse().ok()?;
    let rate: f64 = parts.next()?.parse().ok()?;
    let burst: u32 = parts.next()?.parse().ok()?;
    (rate == quota.rate_per_sec() && burst == quota.burst()).then_some(tat)
}

impl SharedLimit for BrowserSharedLimit {
    fn book(&self, quota: Quota) -> LocalBoxFuture<'_, Duration> {
        Box::pin(async move { Duration::from_secs_f64(self.book_ms(quota).await / 1000.0) })
    }
}
