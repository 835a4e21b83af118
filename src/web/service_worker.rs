//! The service worker (`public/sw.js`, which keeps the app shell for
//! offline use): registered at start; reports when a new version is
//! installed and waiting; switches to it only when asked (the page asks
//! when the volunteer says so and no batch runs).

use super::error::WebError;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The page's service-worker container, where the browser has one (a
/// secure context: HTTPS or this device).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let c = js_sys::Reflect::get(&navigator, &"serviceWorker".into()).ok()?;
    (!c.is_undefined() && !c.is_null()).then(|| c.unchecked_into())
}

/// Whether a service worker serves this page (it will load offline).
pub fn controlled() -> bool {
    container().is_some_and(|c| c.controller().is_some())
}

/// The registered worker.
#[derive(Clone)]
pub struct Worker {
    registration: ServiceWorkerRegistration,
}

impl Worker {
    /// Registers `sw.js` (next to the page, so it works from a sub-path).
    /// `on_waiting` is called when a new version waits to take over, now
    /// or later.
    pub async fn register(on_waiting: impl Fn() + 'static) -> Result<Worker, WebError> {
        let c = container().ok_or(WebError::Unsupported("service workers"))?;
        let reg = JsFuture::from(c.register("./sw.js"))
            .await
            .map_err(|e| WebError::js("installing the offline copy", e))?;
        let registration: ServiceWorkerRegistration = reg
            .dyn_into()
            .map_err(|e| WebError::js("installing the offline copy", e))?;
        let on_waiting = Rc::new(on_waiting);
        let check = {
            let (reg, c, f) = (registration.clone(), c.clone(), on_waiting.clone());
            move || {
                // A first install has no controller: nothing to switch from.
                if reg.waiting().is_some() && c.controller().is_some() {
                    f()
                }
            }
        };
        check();
        let found = Closure::<dyn FnMut()>::new({
            let reg = registration.clone();
            move || {
                let Some(installing) = reg.installing() else {
                    return;
                };
                let check = check.clone();
                let watched = installing.clone();
                let changed = Closure::<dyn FnMut()>::new(move || {
                    if watched.state() == ServiceWorkerState::Installed {
                        check()
                    }
                });
                installing.set_onstatechange(Some(changed.as_ref().unchecked_ref()));
                changed.forget();
            }
        });
        registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
        found.forget();
        Ok(Worker { registration })
    }

    /// Waits until a version is active: the app shell is cached and the
    /// app loads offline from now on.
    pub async fn ready(&self) -> bool {
        let Some(c) = container() else { return false };
        match c.ready() {
            Ok(p) => JsFuture::from(p).await.is_ok(),
            Err(_) => false,
        }
    }

    /// Tells the active worker, once the browser says the page is idle, to
    /// cache what the first screen did not need (PDF input, ~650 KB), so it
    /// never competes with the first load.
    pub fn when_idle_cache_the_rest(&self) {
        let (Some(active), Some(window)) = (self.registration.active(), web_sys::window()) else {
            return;
        };
        let post = Closure::once_into_js(move || {
            let _ = active.post_message(&JsValue::from_str("page-idle"));
        });
        let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match idle {
            Some(f) => {
                let _ = f.call1(&window, &post);
            }
            None => {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    post.unchecked_ref(),
                    2000,
                );
            }
        }
    }

    /// Asks the browser to look for a new version now.
    pub fn check_for_update(&self) {
        if let Ok(p) = self.registration.update() {
            // Offline it fails: nothing to do, but not an unhandled rejection.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(p).await;
            });
        }
    }

    /// Lets the waiting version take over, and reloads the page under it.
    pub fn switch(&self) {
        let (Some(waiting), Some(c)) = (self.registration.waiting(), container()) else {
            return;
        };
        let reload = Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        c.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        let _ = waiting.post_message(&JsValue::from_str("skip-waiting"));
    }
}
