//! The shared database's transport: `fetch` with the session cookie
//! (`credentials: "include"`), CORS, no redirects, a timeout. The password
//! travels once, in the login's body; nothing else carries a secret.

use super::error::{js_message, js_name};
use crate::core::engine::ports::{LocalBoxFuture, MAX_TIMER_MS};
use crate::core::sync::wire::{CouchRequest, CouchResponse, CouchTransport, TransportFailure};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A database server at `base` (`https://host:port`, no trailing slash).
#[derive(Debug, Clone)]
pub struct FetchCouch {
    pub base: String,
    pub timeout: Duration,
}

impl FetchCouch {
    pub fn new(base: &str) -> Self {
        FetchCouch {
            base: base.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(30),
        }
    }
}

impl CouchTransport for FetchCouch {
    fn send(
        &self,
        req: CouchRequest,
    ) -> LocalBoxFuture<'_, Result<CouchResponse, TransportFailure>> {
        Box::pin(send(
            format!("{}{}", self.base, req.path),
            req,
            self.timeout,
        ))
    }
}

fn request_of(
    url: &str,
    req: &CouchRequest,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, JsValue> {
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json")?;
    let init = web_sys::RequestInit::new();
    init.set_method(req.method.as_str());
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Include);
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(body) = &req.body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    web_sys::Request::new_with_str_and_init(url, &init)
}

async fn send(
    url: String,
    req: CouchRequest,
    timeout: Duration,
) -> Result<CouchResponse, TransportFailure> {
    let network = |e: &JsValue| TransportFailure::Network(js_message(e));
    let window = web_sys::window().ok_or_else(|| TransportFailure::Network("no window".into()))?;
    let controller = web_sys::AbortController::new().map_err(|e| network(&e))?;
    let request = request_of(&url, &req, &controller.signal()).map_err(|e| network(&e))?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        let ms = timeout.as_millis().clamp(1, u128::from(MAX_TIMER_MS)) as u32;
        gloo_timers::callback::Timeout::new(ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let failed = |e: JsValue| {
        if timed_out.get() || js_name(&e).as_deref() == Some("AbortError") {
            TransportFailure::Timeout(timeout.as_secs() as u32)
        } else {
            network(&e)
        }
    };
    let result = async {
        let resp = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(failed)?;
        let resp: web_sys::Response = resp
            .dyn_into()
            .map_err(|_| TransportFailure::Network("fetch did not return a Response".into()))?;
        // The body's bytes, copied into the page's memory as they are: a
        // JS string would be decoded to UTF-16 and encoded back (a page of
        // changes with its documents is a megabyte or more).
        let bytes = resp.array_buffer().map_err(failed)?;
        let bytes = JsFuture::from(bytes).await.map_err(failed)?;
        let mut body = match String::from_utf8(js_sys::Uint8Array::new(&bytes).to_vec()) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        // (As `text()` would: without a byte order mark.)
        if body.starts_with('\u{feff}') {
            body.drain(..'\u{feff}'.len_utf8());
        }
        Ok(CouchResponse {
            status: resp.status(),
            body,
        })
    }
    .await;
    timer.cancel();
    if result.is_err() {
        controller.abort();
    }
    result
}
