//! In headless Chromium (wasm-bindgen-test-runner + chromedriver): real
//! timers, real fetch against the OCR simulator, and mounted components.
//! The simulator's address comes at build time in `OCR_SIM_URL` (the
//! Makefile starts one and sets it).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use std::time::Duration;
use tallyscan::core::provider::{self, ApiKind, HttpRequest, ProviderSettings, TransportError};
use tallyscan::ui::{state::AppState, App};
use tallyscan::web::{http, timer};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nbrowser-test-image";

// A missing URL is a set-up error this test should report loudly.
#[allow(clippy::option_env_unwrap)]
fn sim_url() -> &'static str {
    option_env!("OCR_SIM_URL")
        .expect("OCR_SIM_URL must be set at build time (run the tests with `make test`)")
}

fn settings(kind: ApiKind) -> ProviderSettings {
    ProviderSettings {
        kind,
        endpoint: format!("{}/v1", sim_url()),
        ..ProviderSettings::default()
    }
}

async fn sim_post(path: &str, body: &str) -> u16 {
    let req = HttpRequest {
        url: format!("{}{path}", sim_url()),
        headers: vec![],
        body: body.into(),
    };
    http::send(&req, &http::FetchOptions::default())
        .await
        .expect("simulator reachable")
        .status
}

#[wasm_bindgen_test]
async fn gloo_sleep_waits_about_as_long_as_asked() {
    let t0 = timer::now_ms();
    timer::sleep(Duration::from_millis(120)).await;
    let elapsed = timer::now_ms() - t0;
    assert!(elapsed >= 115.0, "slept only {elapsed} ms");
    assert!(elapsed < 3_000.0, "slept {elapsed} ms");
}

#[wasm_bindgen_test]
async fn fetch_round_trip_to_the_simulator_in_both_dialects() {
    assert_eq!(
        sim_post("/_sim/scenario", r#"{"latency_ms":[0,5]}"#).await,
        200
    );
    for kind in [ApiKind::OpenAiCompatible, ApiKind::Anthropic] {
        let req = provider::build_request(&settings(kind), "image/png", PNG, "read");
        let resp = http::send(&req, &http::FetchOptions::default())
            .await
            .unwrap();
        assert_eq!(resp.status, 200, "{}", resp.body);
        let answer = provider::interpret(kind, &resp).unwrap();
        let form: serde_json::Value = serde_json::from_str(&answer.text).unwrap();
        assert!(form["_synthetic"].is_string());
        assert!(answer.usage.is_some());
    }
}

#[wasm_bindgen_test]
async fn retry_after_header_is_visible_through_cors() {
    sim_post("/_sim/scenario", r#"{"latency_ms":[0,1],"script":[{"kind":"status","code":429,"retry_after":{"seconds":7}}]}"#).await;
    let req = provider::build_request(
        &settings(ApiKind::OpenAiCompatible),
        "image/png",
        PNG,
        "read",
    );
    let resp = http::send(&req, &http::FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("retry-after"), Some("7"));
    assert!(matches!(
        provider::interpret(ApiKind::OpenAiCompatible, &resp),
        Err(provider::ApiError::Status { status: 429, .. })
    ));
    sim_post("/_sim/reset", "").await;
}

#[wasm_bindgen_test]
async fn timeout_and_network_failure_are_typed() {
    sim_post(
        "/_sim/scenario",
        r#"{"latency_ms":[0,1],"script":[{"kind":"hang"}],"hang_cap_ms":5000}"#,
    )
    .await;
    let req = provider::build_request(
        &settings(ApiKind::OpenAiCompatible),
        "image/png",
        PNG,
        "read",
    );
    let opts = http::FetchOptions {
        timeout: Duration::from_millis(300),
        cancel: None,
    };
    assert_eq!(
        http::send(&req, &opts).await,
        Err(TransportError::Timeout(300))
    );
    let closed = ProviderSettings {
        endpoint: "http://127.0.0.1:9/v1".into(),
        ..ProviderSettings::default()
    };
    let req = provider::build_request(&closed, "image/png", PNG, "read");
    assert!(matches!(
        http::send(&req, &http::FetchOptions::default()).await,
        Err(TransportError::Network(_))
    ));
    sim_post("/_sim/reset", "").await;
}

fn mount_app() -> web_sys::HtmlElement {
    let document = document();
    let wrapper: web_sys::HtmlElement =
        document.create_element("section").unwrap().unchecked_into();
    document.body().unwrap().append_child(&wrapper).unwrap();
    mount_to(wrapper.clone(), App).forget();
    wrapper
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn app_mounts_in_thai_and_switches_to_english() {
    let root = mount_app();
    tick().await;
    assert_eq!(text_of(&root, "h1"), "TallyScan");
    assert!(text_of(&root, "#start").contains("เริ่มอ่าน"));
    assert_eq!(text_of(&root, "#progress-count"), "0 / 0");
    let start: web_sys::HtmlButtonElement = root
        .query_selector("#start")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(start.disabled(), "nothing to start without files");
    let toggle: web_sys::HtmlElement = root
        .query_selector(".lang-toggle")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    tick().await;
    assert!(text_of(&root, "#start").contains("Start"));
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
}

fn file(name: &str, bytes: &[u8]) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap()
}

#[wasm_bindgen_test]
async fn a_run_ends_every_file_in_exactly_one_row() {
    sim_post(
        "/_sim/scenario",
        r#"{"latency_ms":[0,5],"script":[{"kind":"ok"},{"kind":"status","code":500}]}"#,
    )
    .await;
    let owner = Owner::new();
    owner.set();
    let state = AppState::new();
    state
        .settings
        .update(|s| *s = settings(ApiKind::OpenAiCompatible));
    state.files.set(vec![
        file("a.png", PNG),
        file("b.png", b"\x89PNG\r\n\x1a\nsecond"),
        file("notes.txt", b"hello"),
    ]);
    state.run().await;
    let rows = state.rows.get_untracked();
    assert_eq!(rows.len(), 3);
    assert_eq!(state.done.get_untracked(), 3);
    assert!(rows[0].ok && rows[0].text.chars().count() <= 80);
    assert!(
        !rows[1].ok && rows[1].text.contains("HTTP 500"),
        "{}",
        rows[1].text
    );
    assert!(
        !rows[2].ok && rows[2].text.contains("not an image"),
        "{}",
        rows[2].text
    );
    assert!(!state.running.get_untracked());
    sim_post("/_sim/reset", "").await;
}
