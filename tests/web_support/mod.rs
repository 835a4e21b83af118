//! Helpers shared by the headless-browser test files (`browser.rs`,
//! `bench_browser.rs`): the simulators' addresses (given at build time by
//! the Makefile's scripts), talking to their control endpoints, making
//! `File`s, and running the engine with the browser adapters.
#![allow(dead_code)]

use tallyscan::core::api::provider::{ApiKind, HttpRequest, ProviderSettings};
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::engine::batch::{run_batch, BatchOptions, BatchResult, Env};
use tallyscan::core::engine::control::Control;
use tallyscan::core::engine::progress::NullProgressCallback;
use tallyscan::web::files::FileSource;
use tallyscan::web::http::{self, FetchClient};
use tallyscan::web::timer::{BrowserClock, GlooSleeper};
use wasm_bindgen::JsCast;

/// The plain HTTP/1.1 simulator.
// A missing URL is a set-up error these tests should report loudly.
#[allow(clippy::option_env_unwrap)]
pub fn sim_url() -> &'static str {
    match option_env!("OCR_SIM_URL") {
        Some(url) => url,
        None => panic!("OCR_SIM_URL must be set at build time (run the tests with `make test`)"),
    }
}

/// The HTTPS (HTTP/2) simulator.
#[allow(clippy::option_env_unwrap)]
pub fn sim_tls_url() -> &'static str {
    match option_env!("OCR_SIM_TLS_URL") {
        Some(url) => url,
        None => {
            panic!("OCR_SIM_TLS_URL must be set at build time (run the tests with `make test`)")
        }
    }
}

/// The token the simulators were started with (`x-sim-control`): their
/// control routes refuse browser pages without it.
#[allow(clippy::option_env_unwrap)]
pub fn sim_token() -> &'static str {
    match option_env!("OCR_SIM_TOKEN") {
        Some(t) => t,
        None => panic!("OCR_SIM_TOKEN must be set at build time (run the tests with `make test`)"),
    }
}

/// Settings for the simulator at `base` in the `kind` dialect.
pub fn settings_for(base: &str, kind: ApiKind) -> ProviderSettings {
    ProviderSettings {
        kind,
        endpoint: format!("{base}/v1"),
        ..ProviderSettings::default()
    }
}

/// POSTs to a simulator control endpoint; returns the status.
pub async fn sim_post(path: &str, body: &str) -> u16 {
    let req = HttpRequest {
        url: format!("{}{path}", sim_url()),
        headers: vec![("x-sim-control".into(), sim_token().into())],
        body: tallyscan::core::api::provider::Body::Text(body.into()),
        timeout: None,
    };
    http::send(req, &http::FetchOptions::default())
        .await
        .expect("simulator reachable")
        .status
}

/// The simulator's request log.
pub async fn sim_log() -> serde_json::Value {
    let window = web_sys::window().expect("window");
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new().expect("headers");
    headers.set("x-sim-control", sim_token()).expect("header");
    init.set_headers(&headers);
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_str_and_init(&format!("{}/_sim/log", sim_url()), &init),
    )
    .await
    .expect("log fetched")
    .unchecked_into();
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().expect("text"))
        .await
        .expect("body")
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).expect("log is JSON")
}

/// A `File` with these bytes.
pub fn file(name: &str, bytes: &[u8]) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).expect("file")
}

/// A small PNG-signed file, distinct per `i`: "ballot_007.png".
pub fn png_file(i: usize) -> web_sys::File {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(format!("image {i}").as_bytes());
    file(&format!("ballot_{i:03}.png"), &b)
}

/// Runs the engine with the browser adapters (fetch, performance.now, gloo-timers).
pub async fn run_in_browser(
    source: &FileSource,
    settings: &ProviderSettings,
    opts: &BatchOptions,
    control: &Control,
) -> BatchResult {
    let client = FetchClient::default();
    let registry = Registry::builtin();
    // Sent as picked (the test files are not real images), through the
    // worker as in the app: it hashes them and writes their base64.
    let prep = tallyscan::web::image_prep::WorkerPrep::from_source(
        tallyscan::web::image_prep::PrepOptions {
            original: true,
            ..Default::default()
        },
    )
    .expect("the preparation worker");
    let env = Env {
        client: &client,
        clock: &BrowserClock,
        sleeper: &GlooSleeper,
        images: source,
        settings,
        registry: &registry,
        progress: &NullProgressCallback,
        control,
        journal: None,
        prep: Some(&prep),
        fallback: None,
        shared_limit: None,
    };
    run_batch(&env, opts).await
}
