//! Sending a [`HttpRequest`] with `fetch`, with a timeout through an
//! `AbortController`, and `redirect: "error"` (an API endpoint that
//! redirects is refused, so a key never follows a redirect elsewhere).
//! Maps every failure to [`TransportError`].

use super::blob_image::PreparedImage;
use super::error::{js_message, js_name};
use crate::core::api::provider::{
    Body, HttpRequest, HttpResponse, TransportError, INTERESTING_HEADERS,
};
use crate::core::engine::ports::{LocalBoxFuture, OcrClient};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Options for [`send`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Abort when no complete answer arrived within this time, unless the
    /// request sets its own.
    pub timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(120),
        }
    }
}

/// Aborts the fetch when dropped before it finished (the engine dropped
/// the request's future: cancel, or the batch stopped).
struct AbortOnDrop {
    controller: web_sys::AbortController,
    finished: bool,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if !self.finished {
            self.controller.abort();
        }
    }
}

/// The engine's [`OcrClient`] over `fetch`.
#[derive(Debug, Clone, Default)]
pub struct FetchClient {
    /// Timeout for every request.
    pub options: FetchOptions,
}

impl OcrClient for FetchClient {
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(send(request, &self.options))
    }
}

/// A request body as fetch takes it: text, or a `Blob` of the JSON's head,
/// the prepared image's base64 `Blob` and the tail (the image is never
/// copied into wasm memory or into a JS string).
fn body_of(body: &Body) -> Result<JsValue, TransportError> {
    if let Body::WithImage { head, image, tail } = body {
        if let Some(p) = image.downcast_ref::<PreparedImage>() {
            let parts = js_sys::Array::of3(&head.into(), &p.base64, &tail.into());
            return web_sys::Blob::new_with_blob_sequence(&parts)
                .map(Into::into)
                .map_err(|e| TransportError::Network(js_message(&e)));
        }
    }
    match body.text() {
        Some(text) => Ok(JsValue::from_str(&text)),
        None => Err(TransportError::Network(
            "the image was not prepared for sending".into(),
        )),
    }
}

/// Sends `req` and reads the whole body. Any HTTP status is `Ok`; only a
/// missing answer is an error. Dropping the future aborts the request. The
/// request is taken by value: its body (megabytes of base64) is freed as
/// soon as the browser's `Request` holds its copy, not when the answer comes.
pub async fn send(req: HttpRequest, opts: &FetchOptions) -> Result<HttpResponse, TransportError> {
    let window = web_sys::window().ok_or_else(|| TransportError::Network("no window".into()))?;
    let controller =
        web_sys::AbortController::new().map_err(|e| TransportError::Network(js_message(&e)))?;
    let request = request_of(&req, &controller.signal())?;
    let timeout = req.timeout.unwrap_or(opts.timeout);
    drop(req);
    let mut guard = AbortOnDrop {
        controller: controller.clone(),
        finished: false,
    };

    // Abort on timeout. (The user's cancel drops this future: see AbortOnDrop.)
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        let ms = timeout
            .as_millis()
            .clamp(1, u128::from(crate::core::engine::ports::MAX_TIMER_MS)) as u32;
        gloo_timers::callback::Timeout::new(ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let classify = |e: JsValue| -> TransportError {
        if timed_out.get() {
            TransportError::Timeout(timeout.as_millis() as u64)
        } else if js_name(&e).as_deref() == Some("AbortError") {
            TransportError::Cancelled
        } else {
            TransportError::Network(js_message(&e))
        }
    };
    // Our handle on the Request keeps the body (megabytes of base64) alive
    // in the JS heap; the fetch holds what it still needs, so let it go
    // before waiting for the answer.
    let pending = window.fetch_with_request(&request);
    drop(request);
    let result = answer_of(pending, classify).await;
    guard.finished = true;
    timer.cancel();
    result
}

/// The browser's `Request` for `req`: a GET without a body (testing the
/// connection), else a POST; CORS, no redirects, abortable by `signal`.
fn request_of(
    req: &HttpRequest,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, TransportError> {
    let headers = web_sys::Headers::new().map_err(|e| TransportError::Network(js_message(&e)))?;
    for (k, v) in &req.headers {
        headers
            .set(k, v)
            .map_err(|e| TransportError::Network(format!("bad header {k}: {}", js_message(&e))))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(if req.body.is_empty() { "GET" } else { "POST" });
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_headers(&headers);
    if !req.body.is_empty() {
        init.set_body(&body_of(&req.body)?);
    }
    init.set_signal(Some(signal));
    web_sys::Request::new_with_str_and_init(&req.url, &init).map_err(|e| {
        TransportError::Network(format!(
            "invalid request to {}: {}",
            req.url,
            js_message(&e)
        ))
    })
}

/// The answer of a fetch: status, the headers we read, the whole body.
async fn answer_of(
    pending: js_sys::Promise,
    classify: impl Fn(JsValue) -> TransportError,
) -> Result<HttpResponse, TransportError> {
    let resp = JsFuture::from(pending).await.map_err(&classify)?;
    let resp: web_sys::Response = resp
        .dyn_into()
        .map_err(|_| TransportError::Network("fetch did not return a Response".into()))?;
    let text_promise = resp.text().map_err(&classify)?;
    let body = JsFuture::from(text_promise)
        .await
        .map_err(&classify)?
        .as_string()
        .unwrap_or_default();
    let h = resp.headers();
    let headers = INTERESTING_HEADERS
        .iter()
        .filter_map(|name| h.get(name).ok().flatten().map(|v| (name.to_string(), v)))
        .collect();
    Ok(HttpResponse {
        status: resp.status(),
        headers,
        body,
    })
}
