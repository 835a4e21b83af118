//! Whether the network is there: the browser's `online`/`offline` events,
//! and whether an endpoint answers at all (a LAN or local endpoint keeps
//! answering while the browser says it is offline).

use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Whether the browser says it is online (`navigator.onLine`).
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Calls a function on every `online`/`offline` event until dropped.
pub struct OnlineListener {
    window: web_sys::Window,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl OnlineListener {
    /// Listens: `f(online)` on each change. `None` outside a page.
    pub fn new(mut f: impl FnMut(bool) + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            f(e.type_() == "online")
        });
        for ev in ["online", "offline"] {
            window
                .add_event_listener_with_callback(ev, closure.as_ref().unchecked_ref())
                .ok()?;
        }
        Some(OnlineListener { window, closure })
    }
}

impl Drop for OnlineListener {
    fn drop(&mut self) {
        for ev in ["online", "offline"] {
            let _ = self
                .window
                .remove_event_listener_with_callback(ev, self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Whether `url` answers within `within`: any HTTP answer counts (even an
/// error status); no key or cookie is sent, and nothing of the answer is
/// read (`no-cors`, which only allows following redirects).
pub async fn answers(url: &str, within: Duration) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(controller) = web_sys::AbortController::new() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_signal(Some(&controller.signal()));
    let timer = {
        let controller = controller.clone();
        let ms = within.as_millis().clamp(1, 600_000) as u32;
        gloo_timers::callback::Timeout::new(ms, move || controller.abort())
    };
    let answered = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .is_ok();
    timer.cancel();
    answered
}
