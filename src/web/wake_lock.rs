//! The Screen Wake Lock, where the browser has one: held while a batch runs
//! so a kiosk PC or a tablet does not sleep in the middle of it. The
//! browser drops the lock when the page is hidden; [`WakeLock::request`]
//! is called again when it is shown. Reached through `Reflect`, since
//! web-sys exposes the API only under its unstable flag.

use super::error::WebError;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// A screen wake lock that may or may not be held.
#[derive(Default)]
pub struct WakeLock {
    sentinel: RefCell<Option<JsValue>>,
}

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn call0(target: &JsValue, name: &str) -> Result<JsValue, WebError> {
    let f: js_sys::Function = get(target, name)
        .ok_or(WebError::Unsupported("screen wake lock"))?
        .into();
    f.call0(target)
        .map_err(|e| WebError::js("the screen wake lock", e))
}

fn wake_lock_api() -> Option<JsValue> {
    let navigator: JsValue = web_sys::window()?.navigator().into();
    get(&navigator, "wakeLock")
}

impl WakeLock {
    /// Whether this browser has the API at all.
    pub fn supported() -> bool {
        wake_lock_api().is_some()
    }

    /// Asks for the lock (again). A browser may refuse (no permission,
    /// page hidden, battery saver): that is an error to show, not to stop for.
    pub async fn request(&self) -> Result<(), WebError> {
        let api = wake_lock_api().ok_or(WebError::Unsupported("screen wake lock"))?;
        let request: js_sys::Function = get(&api, "request")
            .ok_or(WebError::Unsupported("screen wake lock"))?
            .into();
        let promise: js_sys::Promise = request
            .call1(&api, &JsValue::from_str("screen"))
            .map_err(|e| WebError::js("asking for the screen wake lock", e))?
            .into();
        let sentinel = JsFuture::from(promise)
            .await
            .map_err(|e| WebError::js("asking for the screen wake lock", e))?;
        self.sentinel.replace(Some(sentinel));
        Ok(())
    }

    /// Whether the lock is held now (the browser may have dropped it).
    pub fn held(&self) -> bool {
        self.sentinel
            .borrow()
            .as_ref()
            .and_then(|s| get(s, "released"))
            .is_some_and(|released| released.as_bool() == Some(false))
    }

    /// Lets the screen sleep again.
    pub fn release(&self) {
        if let Some(s) = self.sentinel.take() {
            let _ = call0(&s, "release");
        }
    }
}

impl Drop for WakeLock {
    fn drop(&mut self) {
        self.release();
    }
}
