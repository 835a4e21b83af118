//! In headless Chromium (wasm-bindgen-test-runner + chromedriver): real
//! timers, real fetch against the OCR simulator, and mounted components.
//! The simulator's address comes at build time in `OCR_SIM_URL` (the
//! Makefile starts one and sets it).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use std::time::Duration;
use tallyscan::core::api::provider::{self, ApiKind, ProviderSettings, TransportError};
use tallyscan::ui::{progress::RowStatus, state::AppState, App};
use tallyscan::web::{http, timer};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

fn settings(kind: ApiKind) -> ProviderSettings {
    settings_for(sim_url(), kind)
}

/// A batch against the plain simulator's OpenAI dialect at `quota`.
async fn run_openai(
    source: &tallyscan::web::files::FileSource,
    quota: tallyscan::core::engine::rate_limit::Quota,
    control: &tallyscan::core::engine::control::Control,
) -> tallyscan::core::engine::batch::BatchResult {
    let opts = tallyscan::core::engine::batch::BatchOptions {
        quota,
        ..Default::default()
    };
    let settings = settings(ApiKind::OpenAiCompatible);
    web_support::run_in_browser(source, &settings, &opts, control).await
}

fn png_files(n: usize) -> Vec<web_sys::File> {
    (0..n).map(png_file).collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nbrowser-test-image";

fn png_data() -> tallyscan::core::engine::ports::ImageData {
    tallyscan::core::engine::ports::ImageData::from_bytes(PNG.to_vec())
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
        let req = provider::build_request(&settings(kind), "image/png", &png_data(), "read");
        let resp = http::send(req, &http::FetchOptions::default())
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
async fn the_tls_simulator_speaks_http2() {
    let s = ProviderSettings {
        endpoint: format!("{}/v1", sim_tls_url()),
        ..ProviderSettings::default()
    };
    let req = provider::build_request(&s, "image/png", &png_data(), "read");
    let resp = http::send(req, &http::FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(provider::interpret(ApiKind::OpenAiCompatible, &resp).is_ok());
    let perf = web_sys::window().unwrap().performance().unwrap();
    let entries = perf.get_entries_by_type("resource");
    let protocols: Vec<String> = entries
        .iter()
        .filter(|e| {
            js_sys::Reflect::get(e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .is_some_and(|n| n.starts_with(sim_tls_url()))
        })
        .filter_map(|e| {
            js_sys::Reflect::get(&e, &"nextHopProtocol".into())
                .ok()
                .and_then(|p| p.as_string())
        })
        .collect();
    assert!(
        protocols.iter().any(|p| p == "h2"),
        "protocols seen: {protocols:?}"
    );
}

#[wasm_bindgen_test]
async fn retry_after_header_is_visible_through_cors() {
    sim_post("/_sim/scenario", r#"{"latency_ms":[0,1],"script":[{"kind":"status","code":429,"retry_after":{"seconds":7}}]}"#).await;
    let req = provider::build_request(
        &settings(ApiKind::OpenAiCompatible),
        "image/png",
        &png_data(),
        "read",
    );
    let resp = http::send(req, &http::FetchOptions::default())
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
        &png_data(),
        "read",
    );
    let opts = http::FetchOptions {
        timeout: Duration::from_millis(300),
    };
    assert_eq!(
        http::send(req, &opts).await,
        Err(TransportError::Timeout(300))
    );
    let closed = ProviderSettings {
        endpoint: "http://127.0.0.1:9/v1".into(),
        ..ProviderSettings::default()
    };
    let req = provider::build_request(&closed, "image/png", &png_data(), "read");
    assert!(matches!(
        http::send(req, &http::FetchOptions::default()).await,
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

#[wasm_bindgen_test]
async fn a_run_ends_every_file_in_exactly_one_row() {
    sim_post(
        "/_sim/scenario",
        r#"{"latency_ms":[0,5],"script":[{"kind":"ok"},{"kind":"status","code":400}]}"#,
    )
    .await;
    let owner = Owner::new();
    owner.set();
    let state = AppState::new();
    state
        .settings
        .set_provider(&settings(ApiKind::OpenAiCompatible));
    state.run.files.set(vec![
        file("a.png", PNG),
        file("b.png", b"\x89PNG\r\n\x1a\nsecond"),
        file("notes.txt", b"hello"),
    ]);
    state.settings.edit(|s| {
        s.per_minute = 600.0;
        // These files are PNG-signed bytes, not pictures: sent as they are.
        s.send_original = true;
    });
    tallyscan::web::image_prep::start_workers_from_source().unwrap();
    state.run().await;
    let rows = state.results.progress.rows.get_untracked();
    assert_eq!(
        rows.iter().map(|r| r.index()).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "file order"
    );
    assert_eq!(state.results.progress.done.get_untracked(), 3);
    let error = |k: usize| {
        rows[k]
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert_eq!(rows[0].status(), RowStatus::Read, "{}", error(0));
    assert!(rows[0].facts.province.is_some(), "{:?}", rows[0].facts);
    assert_eq!(rows[1].status(), RowStatus::Error);
    assert!(error(1).contains("HTTP 400"), "{}", error(1));
    assert_eq!(rows[2].status(), RowStatus::Error);
    assert!(error(2).contains("not an image"), "{}", error(2));
    let summary = state.results.progress.summary.get_untracked().unwrap();
    assert_eq!(
        (summary.read, summary.review, summary.failed),
        (1, 0, 2),
        "{summary:?}"
    );
    assert!(!state.run.running.get_untracked());
    sim_post("/_sim/reset", "").await;
}

mod engine {
    use super::*;
    use tallyscan::core::api::provider::ApiKey;
    use tallyscan::core::engine::batch::{BatchOptions, StopReason};
    use tallyscan::core::engine::control::Control;
    use tallyscan::core::engine::rate_limit::Quota;
    use tallyscan::web::files::FileSource;

    #[wasm_bindgen_test]
    async fn real_timers_and_fetch_keep_the_simulator_free_of_rate_violations() {
        sim_post(
            "/_sim/scenario",
            r#"{"latency_ms":[50,250],"rate_limit":{"rate":8.0,"burst":2}}"#,
        )
        .await;
        let source = FileSource::new(png_files(24));
        let r = run_openai(&source, Quota::new(8.0, 1), &Control::new()).await;
        assert_eq!(
            (r.results.len(), r.errors.len(), r.retries),
            (24, 0, 0),
            "{:?}",
            r.errors
        );
        let log = sim_log().await;
        assert_eq!(
            log["violations"], 0,
            "the simulator saw requests over its limit"
        );
        assert_eq!(log["requests"].as_array().unwrap().len(), 24);
        assert!(
            r.results.iter().all(|x| !x.record.confidence.needs_review),
            "synthetic forms are consistent"
        );
        sim_post("/_sim/reset", "").await;
    }

    /// Bytes of this instance's wasm memory (it only ever grows).
    fn wasm_memory_bytes() -> f64 {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
        f64::from(buffer.byte_length())
    }

    /// A `File` of `mb` megabytes made in JS (so making it grows no wasm
    /// memory): a PNG signature, then the byte `fill`.
    fn big_file(name: &str, mb: u32, fill: u8) -> web_sys::File {
        let bytes = js_sys::Uint8Array::new_with_length(mb << 20);
        bytes.fill(fill, 0, mb << 20);
        for (k, b) in b"\x89PNG\r\n\x1a\n".iter().enumerate() {
            bytes.set_index(k as u32, *b);
        }
        web_sys::File::new_with_u8_array_sequence(&js_sys::Array::of1(&bytes), name).unwrap()
    }

    #[wasm_bindgen_test]
    async fn large_images_never_enter_wasm_memory() {
        sim_post("/_sim/reset", "").await;
        let files: Vec<web_sys::File> = (0..4u8)
            .map(|i| big_file(&format!("big_{i}.png"), 6, 40 + i))
            .collect();
        let source = FileSource::new(files);
        let before = wasm_memory_bytes();
        let r = run_in_browser(
            &source,
            &settings(ApiKind::OpenAiCompatible),
            &BatchOptions {
                quota: Quota::new(20.0, 1),
                ..BatchOptions::default()
            },
            &Control::new(),
        )
        .await;
        assert_eq!(r.results.len(), 4, "{:?}", r.errors);
        assert_eq!(r.bytes_sent, 4 * (6 << 20), "sent as picked");
        let grown = wasm_memory_bytes() - before;
        // One image through wasm would be 6 MB, its base64 8 MB more.
        assert!(
            grown < 2.0 * 1048576.0,
            "wasm memory grew by {:.1} MB for 24 MB of images",
            grown / 1048576.0
        );
        let log = sim_log().await;
        let sizes: Vec<u64> = log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["body_bytes"].as_u64().unwrap_or(0))
            .collect();
        // (Other tests' small requests may share the log.)
        assert_eq!(
            sizes.iter().filter(|&&b| b > (8 << 20)).count(),
            4,
            "each body carries its 6 MB image in base64: {sizes:?}"
        );
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn retry_after_is_honoured_by_the_whole_batch() {
        sim_post("/_sim/scenario", r#"{"latency_ms":[0,5],"script":[{"kind":"status","code":429,"retry_after":{"seconds":1}}]}"#).await;
        let source = FileSource::new(png_files(4));
        let opts = BatchOptions {
            quota: Quota::new(20.0, 1),
            ..BatchOptions::default()
        };
        let r = run_in_browser(
            &source,
            &settings(ApiKind::Anthropic),
            &opts,
            &Control::new(),
        )
        .await;
        assert_eq!((r.results.len(), r.retries), (4, 1));
        let log = sim_log().await;
        let reqs = log["requests"].as_array().unwrap();
        let t429 = reqs[0]["at_ms"].as_f64().unwrap();
        assert_eq!(reqs[0]["status"], 429);
        for later in &reqs[1..] {
            let t = later["at_ms"].as_f64().unwrap();
            assert!(
                t - t429 >= 990.0 || t - t429 < 60.0,
                "a request {} ms after the 429 told us to wait 1 s",
                t - t429
            );
        }
        let after: Vec<f64> = reqs[1..]
            .iter()
            .map(|x| x["at_ms"].as_f64().unwrap() - t429)
            .filter(|d| *d >= 60.0)
            .collect();
        assert!(!after.is_empty());
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn a_refused_key_stops_the_batch() {
        sim_post(
            "/_sim/scenario",
            r#"{"latency_ms":[20,40],"require_key":"sk-right"}"#,
        )
        .await;
        let source = FileSource::new(png_files(8));
        let mut s = settings(ApiKind::OpenAiCompatible);
        s.api_key = ApiKey::new("sk-wrong");
        let opts = BatchOptions {
            quota: Quota::new(5.0, 1),
            ..BatchOptions::default()
        };
        let r = run_in_browser(&source, &s, &opts, &Control::new()).await;
        assert!(
            matches!(&r.stopped, Some(StopReason::KeyRefused(m)) if m.contains("the API key was refused")),
            "{:?}",
            r.stopped
        );
        assert_eq!(r.results.len(), 0);
        assert!(r.errors.iter().all(|e| e.kind.is_unfinished()));
        assert_eq!(r.errors.len(), 8);
        let sent = sim_log().await["requests"].as_array().unwrap().len();
        assert!(sent <= 2, "{sent} requests after a 401");
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn cancel_aborts_requests_in_flight() {
        sim_post("/_sim/scenario", r#"{"latency_ms":[3000,4000]}"#).await;
        let source = FileSource::new(png_files(10));
        let control = Control::new();
        let c = control.clone();
        wasm_bindgen_futures::spawn_local(async move {
            timer::sleep(Duration::from_millis(400)).await;
            c.cancel();
        });
        let t0 = timer::now_ms();
        let r = run_openai(&source, Quota::new(20.0, 1), &control).await;
        let took = timer::now_ms() - t0;
        assert_eq!(r.stopped, Some(StopReason::Cancelled));
        assert_eq!(r.errors.len(), 10);
        assert!(
            took < 2_500.0,
            "cancel waited for answers ({took} ms) instead of aborting"
        );
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn memory_cleanup_releases_files_every_50() {
        sim_post("/_sim/scenario", r#"{"latency_ms":[0,2]}"#).await;
        let source = FileSource::new(png_files(60));
        let r = run_openai(&source, Quota::new(200.0, 10), &Control::new()).await;
        assert_eq!(r.results.len() + r.errors.len(), 60);
        assert_eq!(r.memory_cleanups, 1);
        assert_eq!(source.held(), 0, "every file handle released by the end");
        sim_post("/_sim/reset", "").await;
    }
}

mod hardening {
    use super::*;
    use tallyscan::core::engine::batch::{BatchOptions, StopReason, SystemicCause};
    use tallyscan::core::engine::control::Control;
    use tallyscan::core::engine::ports::ImageSource;
    use tallyscan::core::engine::progress::FailureKind;
    use tallyscan::core::engine::rate_limit::Quota;
    use tallyscan::web::files::FileSource;
    use tallyscan::web::{crash, visibility, wake_lock};

    #[wasm_bindgen_test]
    async fn an_endpoint_that_redirects_is_refused() {
        sim_post("/_sim/reset", "").await;
        let s = ProviderSettings {
            endpoint: format!("{}/redirect/v1", sim_url()),
            ..ProviderSettings::default()
        };
        // An image no other test sends: requests other tests left in flight
        // may reach the simulator meanwhile.
        let image = b"\x89PNG\r\n\x1a\nonly-the-redirect-test";
        let data = tallyscan::core::engine::ports::ImageData::from_bytes(image.to_vec());
        let req = provider::build_request(&s, "image/png", &data, "read");
        let r = http::send(req, &http::FetchOptions::default()).await;
        assert!(matches!(r, Err(TransportError::Network(_))), "{r:?}");
        let log = sim_log().await;
        let ours = tallyscan::core::domain::hash::sha256_hex(image);
        assert!(
            !log["requests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["image_sha256"].as_str() == Some(ours.as_str())),
            "the redirect was not followed"
        );
    }

    #[wasm_bindgen_test]
    async fn each_request_carries_its_own_timeout() {
        sim_post(
            "/_sim/scenario",
            r#"{"latency_ms":[0,1],"script":[{"kind":"hang"}],"hang_cap_ms":5000}"#,
        )
        .await;
        let mut req = provider::build_request(
            &settings(ApiKind::OpenAiCompatible),
            "image/png",
            &png_data(),
            "read",
        );
        req.timeout = Some(Duration::from_millis(250));
        let t0 = timer::now_ms();
        let r = http::send(req, &http::FetchOptions::default()).await;
        assert_eq!(r, Err(TransportError::Timeout(250)));
        assert!(timer::now_ms() - t0 < 2_000.0);
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn the_control_routes_refuse_a_page_without_the_token() {
        let window = web_sys::window().unwrap();
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&"{}".into());
        let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(
            window.fetch_with_str_and_init(&format!("{}/_sim/scenario", sim_url()), &init),
        )
        .await
        .unwrap()
        .unchecked_into();
        assert_eq!(resp.status(), 403);
    }

    #[wasm_bindgen_test]
    async fn probing_reads_only_the_start_of_a_file() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(100_000, 7);
        let source = FileSource::new(vec![file("big.png", &big), file("empty.png", b"")]);
        let p = source.probe(0).await.unwrap();
        assert_eq!((p.size, p.head.len()), (100_000, 4096));
        assert_eq!(&p.head[..4], b"\x89PNG");
        assert_eq!(source.probe(1).await.unwrap().size, 0);
    }

    #[wasm_bindgen_test]
    async fn copies_are_sent_once_in_the_browser() {
        sim_post("/_sim/scenario", r#"{"latency_ms":[0,5]}"#).await;
        let same = b"\x89PNG\r\n\x1a\nthe same scan";
        let source = FileSource::new(vec![
            file("a.png", same),
            file("b.png", b"\x89PNG\r\n\x1a\nanother scan!"),
            file("a-again.png", same),
        ]);
        let r = run_openai(&source, Quota::new(20.0, 1), &Control::new()).await;
        assert_eq!((r.results.len(), r.requests_sent), (3, 2));
        let copy = r.results.iter().find(|x| x.index == 2).unwrap();
        assert_eq!(copy.copy_of, Some(0));
        assert_eq!(sim_log().await["requests"].as_array().unwrap().len(), 2);
        sim_post("/_sim/reset", "").await;
    }

    #[wasm_bindgen_test]
    async fn a_dead_endpoint_stops_the_batch_early_with_advice() {
        let s = ProviderSettings {
            endpoint: "http://127.0.0.1:9/v1".into(),
            ..ProviderSettings::default()
        };
        let source = FileSource::new(png_files(12));
        let opts = BatchOptions {
            quota: Quota::new(50.0, 5),
            ..BatchOptions::default()
        };
        let r = run_in_browser(&source, &s, &opts, &Control::new()).await;
        assert!(
            matches!(
                &r.stopped,
                Some(StopReason::Systemic {
                    cause: SystemicCause::Network,
                    ..
                })
            ),
            "{:?}",
            r.stopped
        );
        assert_eq!(r.results.len() + r.errors.len(), 12);
        assert!(r.requests_sent <= 10, "{} requests", r.requests_sent);
        assert!(r
            .errors
            .iter()
            .any(|e| e.kind == FailureKind::NotStarted && e.message.contains("CORS")));
    }

    #[wasm_bindgen_test]
    async fn the_page_refuses_an_unencrypted_public_endpoint_in_thai() {
        let owner = Owner::new();
        owner.set();
        let state = AppState::new();
        state.settings.set_provider(&ProviderSettings {
            endpoint: "http://api.openai.com/v1".into(),
            ..settings(ApiKind::OpenAiCompatible)
        });
        state.run.files.set(vec![file("a.png", PNG)]);
        tallyscan::web::image_prep::start_workers_from_source().unwrap();
        tallyscan::web::image_prep::start_workers_from_source().unwrap();
        state.run().await;
        let e = state.run.setup_error.get_untracked().expect("refused");
        let th = tallyscan::ui::i18n::settings_error(tallyscan::ui::i18n::Lang::Th, &e);
        assert!(
            th.contains("https://") && th.contains("api.openai.com"),
            "{th}"
        );
        assert_eq!(
            state.results.progress.done.get_untracked(),
            0,
            "nothing was sent"
        );
        state.settings.set_provider(&ProviderSettings {
            endpoint: sim_url().to_string() + "/v1",
            api_key: provider::ApiKey::new("sk-ผิด"),
            ..settings(ApiKind::OpenAiCompatible)
        });
        tallyscan::web::image_prep::start_workers_from_source().unwrap();
        tallyscan::web::image_prep::start_workers_from_source().unwrap();
        state.run().await;
        let e = state.run.setup_error.get_untracked().expect("key refused");
        assert!(e.to_string().contains("cannot be sent"), "{e}");
    }

    #[wasm_bindgen_test]
    async fn hidden_page_is_noticed() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let s2 = seen.clone();
        let listener =
            visibility::VisibilityListener::new(move |h| s2.borrow_mut().push(h)).unwrap();
        let document = document();
        let set_hidden = |hidden: bool| {
            let desc = js_sys::Object::new();
            js_sys::Reflect::set(&desc, &"value".into(), &hidden.into()).unwrap();
            js_sys::Reflect::set(&desc, &"configurable".into(), &true.into()).unwrap();
            js_sys::Object::define_property(&document, &"hidden".into(), &desc);
            document
                .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
                .unwrap();
        };
        set_hidden(true);
        set_hidden(false);
        drop(listener);
        set_hidden(true);
        js_sys::Reflect::delete_property(&document, &"hidden".into()).unwrap();
        assert_eq!(*seen.borrow(), vec![true, false], "and nothing after drop");
    }

    #[wasm_bindgen_test]
    async fn the_wake_lock_is_asked_for_where_the_browser_has_it() {
        let lock = wake_lock::WakeLock::default();
        if wake_lock::WakeLock::supported() {
            match lock.request().await {
                Ok(()) => {
                    assert!(lock.held());
                    lock.release();
                    assert!(!lock.held());
                }
                // Headless browsers may refuse it: a typed error, no panic.
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        } else {
            assert!(lock.request().await.is_err());
        }
    }

    #[wasm_bindgen_test]
    async fn a_panic_shows_a_banner_with_what_was_kept() {
        use tallyscan::core::engine::progress::{BallotResult, ProgressCallback};
        let keeper = crash::Keeper;
        keeper.on_start(2);
        let form =
            r#"{"form_code":"5/18","province":"แพร่","constituency_number":1,"votes":{"1":3}}"#;
        let record = tallyscan::core::read::extract::extract(form, Default::default()).unwrap();
        keeper.on_progress(
            1,
            2,
            "a.png",
            &BallotResult {
                index: 0,
                file: "a.png".into(),
                record,
                attempts: 1,
                copy_of: None,
            },
        );
        document()
            .document_element()
            .unwrap()
            .set_attribute("lang", "th")
            .unwrap();
        crash::report("panicked at 'boom'");
        let banner = document()
            .get_element_by_id(crash::BANNER_ID)
            .expect("banner shown");
        let text = banner.text_content().unwrap();
        assert!(text.contains("ผลที่อ่านเสร็จแล้ว 1 ใบ"), "{text}");
        assert!(text.contains("boom"));
        let link: web_sys::HtmlAnchorElement = banner
            .query_selector(".crash__download")
            .unwrap()
            .unwrap()
            .unchecked_into();
        assert!(link.href().starts_with("blob:"));
        assert_eq!(link.download(), "tallyscan-recovered.json");
        crash::report("a second panic");
        let again = document().get_element_by_id(crash::BANNER_ID).unwrap();
        assert!(
            !again.text_content().unwrap().contains("second"),
            "one banner, the first"
        );
        banner.remove();
    }
}

mod storage {
    use super::*;
    use tallyscan::core::device::session::{BatchMeta, BatchSettingsRecord, FileEntry};
    use tallyscan::core::engine::progress::{
        BallotError, BallotOutcome, BallotResult, FailureKind,
    };
    use tallyscan::web::store::{Store, DB_NAME};
    use wasm_bindgen_futures::JsFuture;

    async fn delete_db() {
        let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
        let req = factory.delete_database(DB_NAME).unwrap();
        let p = js_sys::Promise::new(&mut |resolve, _| {
            req.set_onsuccess(Some(&resolve));
            req.set_onerror(Some(&resolve));
        });
        JsFuture::from(p).await.unwrap();
    }

    fn meta(id: &str, n: usize) -> BatchMeta {
        BatchMeta {
            id: id.into(),
            started_unix_ms: 1_800_000_000_000.0,
            files: (0..n)
                .map(|i| FileEntry {
                    name: format!("หน่วย {i}.png"),
                    size: 100,
                    last_modified: 5.0,
                    page: None,
                })
                .collect(),
            ended: false,
            images_kept: true,
            settings: BatchSettingsRecord::default(),
            imported_from: None,
        }
    }

    fn outcomes() -> Vec<BallotOutcome> {
        let record = tallyscan::core::read::extract::extract(
            r#"{"form_code":"5/18","province":"แพร่","constituency_number":1,"votes":{"1":{"numeric":108,"thai_text":"หนึ่งร้อยแปด"}}}"#,
            Default::default(),
        )
        .unwrap();
        vec![
            BallotOutcome::Result(BallotResult {
                index: 0,
                file: "หน่วย 0.png".into(),
                record,
                attempts: 2,
                copy_of: None,
            }),
            BallotOutcome::Error(BallotError {
                index: 2,
                file: "หน่วย 2.png".into(),
                kind: FailureKind::RetriesExhausted,
                message: "gave up".into(),
                attempts: 3,
                last_status: Some(503),
                copy_of: None,
            }),
        ]
    }

    #[wasm_bindgen_test]
    async fn batches_results_and_images_survive_in_indexeddb() {
        delete_db().await;
        let store = Store::open().await.unwrap();
        store.put_batch(&meta("b1", 3)).await.unwrap();
        store.put_batch(&meta("b2", 1)).await.unwrap();
        for o in outcomes() {
            store.put_outcome("b1", &o).await.unwrap();
        }
        store
            .put_images("b1", &[(1, file("หน่วย 1.png", PNG))])
            .await
            .unwrap();
        // A fresh connection, as after a reload.
        let again = Store::open().await.unwrap();
        let batches = again.batches().await.unwrap();
        assert_eq!(
            batches.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
            vec!["b1", "b2"]
        );
        assert_eq!(batches[0], meta("b1", 3));
        assert_eq!(
            again.outcomes("b1").await.unwrap(),
            outcomes(),
            "structured values come back equal"
        );
        assert!(again.outcomes("b2").await.unwrap().is_empty());
        let images = again.images("b1").await.unwrap();
        assert_eq!(images.len(), 1);
        assert_eq!((images[0].0, images[0].1.size() as usize), (1, PNG.len()));
        again.delete_batch("b1").await.unwrap();
        assert_eq!(again.batches().await.unwrap().len(), 1);
        assert!(again.outcomes("b1").await.unwrap().is_empty());
        again.clear().await.unwrap();
        assert!(again.batches().await.unwrap().is_empty());
    }

    #[wasm_bindgen_test]
    async fn a_version_1_database_is_upgraded_with_its_data() {
        delete_db().await;
        // Version 1, as an earlier TallyScan left it: batches and outcomes only.
        let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
        let req = factory.open_with_u32(DB_NAME, 1).unwrap();
        let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new({
            let req = req.clone();
            move |_| {
                let db: web_sys::IdbDatabase = req.result().unwrap().unchecked_into();
                let p = web_sys::IdbObjectStoreParameters::new();
                p.set_key_path(&"id".into());
                db.create_object_store_with_optional_parameters("batches", &p)
                    .unwrap();
                let p = web_sys::IdbObjectStoreParameters::new();
                p.set_key_path(&js_sys::Array::of2(&"batch".into(), &"index".into()));
                db.create_object_store_with_optional_parameters("outcomes", &p)
                    .unwrap();
            }
        });
        req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let p = js_sys::Promise::new(&mut |resolve, reject| {
            req.set_onsuccess(Some(&resolve));
            req.set_onerror(Some(&reject));
        });
        JsFuture::from(p).await.unwrap();
        let db: web_sys::IdbDatabase = req.result().unwrap().unchecked_into();
        let tx = db
            .transaction_with_str_and_mode("batches", web_sys::IdbTransactionMode::Readwrite)
            .unwrap();
        // A structured value, as version 1 wrote it (an object, not a string).
        let value = js_sys::JSON::parse(&serde_json::to_string(&meta("old", 2)).unwrap()).unwrap();
        tx.object_store("batches").unwrap().put(&value).unwrap();
        let p = js_sys::Promise::new(&mut |resolve, _| tx.set_oncomplete(Some(&resolve)));
        JsFuture::from(p).await.unwrap();
        db.close();
        // This TallyScan opens it at version 2: the data is there, images can be kept.
        let store = Store::open().await.unwrap();
        assert_eq!(store.batches().await.unwrap(), vec![meta("old", 2)]);
        store
            .put_images("old", &[(0, file("a.png", PNG))])
            .await
            .unwrap();
        assert_eq!(store.images("old").await.unwrap().len(), 1);
        store.clear().await.unwrap();
    }

    /// A form document of the corpus, read from an image of hash `sha`.
    #[cfg(feature = "testing")]
    fn form_doc(seed: u64, sha: char) -> tallyscan::core::sync::doc::FormDoc {
        use tallyscan::core::read::{corpus, extract::extract, validate::validate};
        let registry = tallyscan::core::domain::registry::Registry::builtin();
        let mut rng = tallyscan::core::domain::rng::SplitMix64::new(seed);
        let sample = corpus::sample(&registry, &mut rng, None);
        let source = tallyscan::core::domain::ballot::Source {
            sha256: sha.to_string().repeat(64),
            ..Default::default()
        };
        let record = validate(extract(&sample.text, source).unwrap(), &registry);
        tallyscan::core::sync::doc::FormDoc::first(record, "v1").unwrap()
    }

    #[cfg(feature = "testing")]
    #[wasm_bindgen_test]
    async fn the_replica_reads_rows_of_every_version_and_names_those_it_cannot() {
        use tallyscan::core::sync::replicate::{Pulled, Replica};
        use tallyscan::web::replica::IdbReplica;
        use wasm_bindgen::{JsCast, JsValue};
        delete_db().await;
        let store = std::rc::Rc::new(Store::open().await.unwrap());
        let replica = IdbReplica::new(store.clone());
        // This version's rows: the document's UTF-8 bytes.
        let new = form_doc(1, 'a');
        let text = new.to_json().to_string();
        let pulled = vec![Pulled {
            doc: new.clone(),
            text,
        }];
        replica.store_pulled(pulled).await.unwrap();
        // Rows earlier versions kept, one a row in the store they used
        // (moved into groups when first read): the JSON as a string, and
        // as an object tree; and a row of bytes that are not UTF-8.
        let (as_text, as_object) = (form_doc(2, 'b'), form_doc(3, 'c'));
        let db = {
            let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
            let req = factory.open(DB_NAME).unwrap();
            let p = js_sys::Promise::new(&mut |resolve, _| req.set_onsuccess(Some(&resolve)));
            JsFuture::from(p).await.unwrap();
            req.result()
                .unwrap()
                .unchecked_into::<web_sys::IdbDatabase>()
        };
        let tx = db
            .transaction_with_str_and_mode("sync_held", web_sys::IdbTransactionMode::Readwrite)
            .unwrap();
        let held = tx.object_store("sync_held").unwrap();
        let row = |id: &str, rev: String, doc: &JsValue| {
            let o = js_sys::Object::new();
            for (k, v) in [
                ("id", JsValue::from(id)),
                ("rev", rev.into()),
                ("mine", false.into()),
                ("doc", doc.clone()),
            ] {
                js_sys::Reflect::set(&o, &k.into(), &v).unwrap();
            }
            held.put(&o).unwrap();
        };
        let json = |d: &tallyscan::core::sync::doc::FormDoc| d.to_json().to_string();
        row(
            &as_text.id,
            as_text.rev().to_string(),
            &json(&as_text).into(),
        );
        row(
            &as_object.id,
            as_object.rev().to_string(),
            &js_sys::JSON::parse(&json(&as_object)).unwrap(),
        );
        row(
            "form:broken",
            "1-00".into(),
            &js_sys::Uint8Array::from(&[0xff, 0xfe, 0x22][..]),
        );
        let p = js_sys::Promise::new(&mut |resolve, _| tx.set_oncomplete(Some(&resolve)));
        JsFuture::from(p).await.unwrap();
        db.close();

        let (docs, bad) = replica.all().await.unwrap();
        let mut ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        ids.sort_unstable();
        let mut want = vec![new.id.as_str(), as_text.id.as_str(), as_object.id.as_str()];
        want.sort_unstable();
        assert_eq!(ids, want);
        assert!(docs.contains(&new), "read back as written");
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].starts_with("form:broken: not UTF-8"), "{bad:?}");
        let got = replica.get(&new.id, &new.rev().to_string()).await.unwrap();
        assert_eq!(got.as_ref(), Some(&new));
        let got = replica
            .get(&as_object.id, &as_object.rev().to_string())
            .await
            .unwrap();
        assert_eq!(got.map(|d| d.id), Some(as_object.id.clone()), "moved");
        let (page, bad, last) = replica.page(None, 10).await.unwrap();
        assert_eq!((page.len(), bad.len()), (3, 1));
        let (rest, _, end) = replica.page(last, 10).await.unwrap();
        assert_eq!((rest.len(), end), (0, None), "two groups, both read");
        let held = replica
            .revisions_of(std::slice::from_ref(&as_text.id))
            .await
            .unwrap();
        assert_eq!(held.get(&as_text.id).map(Vec::len), Some(1));
        // The page did not keep the moved rows: IndexedDB is asked.
        let asked = [
            (new.id.clone(), vec![new.rev().to_string(), "2-ff".into()]),
            (as_text.id.clone(), vec![as_text.rev().to_string()]),
        ];
        let missing = replica.missing(&asked.into_iter().collect()).await.unwrap();
        assert_eq!(missing.get(&new.id), Some(&vec!["2-ff".to_string()]));
        assert_eq!(missing.get(&as_text.id), None, "held, in a moved group");
        assert_eq!(missing.len(), 1);
    }

    /// A replica that held nothing when the page first asked answers which
    /// revisions are missing from what the page kept; a cleared device
    /// holds none again.
    #[cfg(feature = "testing")]
    #[wasm_bindgen_test]
    async fn a_replica_kept_by_this_page_alone_knows_what_it_holds() {
        use tallyscan::core::sync::replicate::{Pulled, Replica};
        use tallyscan::web::replica::IdbReplica;
        delete_db().await;
        let store = std::rc::Rc::new(Store::open().await.unwrap());
        let replica = IdbReplica::new(store.clone());
        let (a, b, mine) = (form_doc(4, 'd'), form_doc(5, 'e'), form_doc(6, 'f'));
        let ask = |docs: &[&tallyscan::core::sync::doc::FormDoc]| {
            docs.iter()
                .map(|d| (d.id.clone(), vec![d.rev().to_string()]))
                .collect::<tallyscan::core::sync::wire::RevsDiff>()
        };
        let missing = replica.missing(&ask(&[&a, &b])).await.unwrap();
        assert_eq!(missing.len(), 2, "an empty replica lacks both");
        let text = a.to_json().to_string();
        let pulled = vec![Pulled {
            doc: a.clone(),
            text,
        }];
        replica.store_pulled(pulled).await.unwrap();
        replica.write(std::slice::from_ref(&mine)).await.unwrap();
        let missing = replica.missing(&ask(&[&a, &b, &mine])).await.unwrap();
        assert_eq!(missing.keys().collect::<Vec<_>>(), vec![&b.id]);
        // A second page over the same replica asks IndexedDB, and agrees.
        let other = IdbReplica::new(store.clone());
        assert_eq!(
            other.missing(&ask(&[&a, &b, &mine])).await.unwrap(),
            missing
        );
        store.clear().await.unwrap();
        replica.forget();
        assert_eq!(replica.missing(&ask(&[&a, &mine])).await.unwrap().len(), 2);
    }
}

// ---- Image preparation (the worker): real decoding and encoding.

mod prep {
    use super::*;
    use tallyscan::core::engine::ports::{ImageData, ImagePrep, PrepError, Prepared};
    use tallyscan::core::read::image::sniff_image_type;
    use tallyscan::web::blob_image::{BlobImage, PreparedImage};
    use tallyscan::web::image_prep::{PrepOptions, WorkerPrep};

    fn worker() -> WorkerPrep {
        WorkerPrep::from_source(PrepOptions::default()).unwrap()
    }

    /// `bytes` as a picked file is: a `Blob` the page never reads.
    fn file(bytes: &[u8], media: &str) -> ImageData {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let bag = web_sys::BlobPropertyBag::new();
        bag.set_type(media);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).unwrap();
        ImageData::new(BlobImage(blob))
    }

    /// What a prepared image sends: its bytes, checked against its base64.
    async fn sent(p: &Prepared) -> Vec<u8> {
        use base64::Engine as _;
        let held = p
            .image
            .downcast_ref::<PreparedImage>()
            .expect("a prepared Blob");
        let bytes = tallyscan::web::files::read_bytes(&held.image)
            .await
            .unwrap();
        let b64 = tallyscan::web::files::read_text(&held.base64)
            .await
            .unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .unwrap();
        assert_eq!(decoded, bytes, "the base64 is the image's");
        bytes
    }
    use wasm_bindgen_futures::JsFuture;

    /// A `w` × `h` picture (a gradient with a dark block in its top-left
    /// corner, to see orientation), encoded as `kind` by the browser.
    async fn picture(w: u32, h: u32, kind: &str) -> Vec<u8> {
        let canvas = web_sys::OffscreenCanvas::new(w, h).unwrap();
        let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        ctx.set_fill_style_str("#ddd");
        ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
        ctx.set_fill_style_str("#000");
        ctx.fill_rect(0.0, 0.0, f64::from(w) / 4.0, f64::from(h) / 4.0);
        let opts = web_sys::ImageEncodeOptions::new();
        opts.set_type(kind);
        let blob = JsFuture::from(canvas.convert_to_blob_with_options(&opts).unwrap())
            .await
            .unwrap();
        tallyscan::web::files::read_bytes(&blob.dyn_into().unwrap())
            .await
            .unwrap()
    }

    /// An EXIF block (big-endian TIFF): orientation `o`, and a GPS IFD with
    /// a latitude reference, as a phone writes it.
    fn exif(o: u16) -> Vec<u8> {
        let mut t: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        t.extend_from_slice(&[0, 2]); // IFD0: two entries
        t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        t.extend_from_slice(&o.to_be_bytes());
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD at 38
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&[0, 1]); // GPS IFD: one entry
        t.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((2 + 6 + t.len()) as u16).to_be_bytes());
        seg.extend_from_slice(b"Exif\x00\x00");
        seg.extend_from_slice(&t);
        seg
    }

    /// `jpeg` with `segment` right after its start marker.
    fn with_segment(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[wasm_bindgen_test]
    async fn a_large_scan_is_downscaled_and_sent_as_jpeg() {
        let png = picture(2480, 3509, "image/png").await;
        let p = worker()
            .prepare(file(&png, "image/png"), "image/png")
            .await
            .unwrap();
        assert_eq!(p.source_pixels, Some((2480, 3509)));
        assert_eq!(p.pixels, (1447, 2048), "long edge 2048, aspect kept");
        assert_eq!(
            p.sha256.as_deref(),
            Some(tallyscan::core::domain::hash::sha256_hex(&png).as_str()),
            "the worker hashed the picked file"
        );
        let bytes = sent(&p).await;
        assert_eq!(sniff_image_type(&bytes), Some("image/jpeg"));
        assert!(bytes.len() < png.len(), "{} vs {}", bytes.len(), png.len());
        let small = picture(800, 600, "image/png").await;
        let p = worker()
            .prepare(file(&small, "image/png"), "image/png")
            .await
            .unwrap();
        assert_eq!(p.pixels, (800, 600), "never upscaled");
    }

    #[wasm_bindgen_test]
    async fn location_data_is_gone_and_orientation_applied() {
        let jpeg = picture(40, 20, "image/jpeg").await;
        let phone = with_segment(&jpeg, &exif(6));
        assert!(contains(&phone, b"Exif"));
        let p = worker()
            .prepare(file(&phone, "image/jpeg"), "image/jpeg")
            .await
            .unwrap();
        assert_eq!(
            p.source_pixels,
            Some((20, 40)),
            "orientation 6: turned upright"
        );
        let bytes = sent(&p).await;
        assert!(!contains(&bytes, b"Exif"), "no EXIF block out");
        assert!(!contains(&bytes, b"MM\x00\x2a"), "no TIFF header out");
    }

    #[wasm_bindgen_test]
    async fn a_damaged_file_says_so() {
        let mut broken = picture(64, 64, "image/png").await;
        broken.truncate(40);
        broken.extend_from_slice(b"not the rest of a png");
        let e = worker()
            .prepare(file(&broken, "image/png"), "image/png")
            .await
            .unwrap_err();
        assert_eq!(e, PrepError::Undecodable);
        assert!(e.to_string().contains("damaged"));
    }

    #[wasm_bindgen_test]
    async fn the_original_is_sent_as_picked_and_hashed_in_the_worker() {
        let jpeg = picture(40, 20, "image/jpeg").await;
        let prep = WorkerPrep::from_source(PrepOptions {
            original: true,
            ..PrepOptions::default()
        })
        .unwrap();
        let p = prep
            .prepare(file(&jpeg, "image/jpeg"), "image/jpeg")
            .await
            .unwrap();
        assert_eq!(sent(&p).await, jpeg, "the very bytes picked");
        assert_eq!((p.media, p.source_pixels), ("image/jpeg", None));
        let hash = tallyscan::core::domain::hash::sha256_hex(&jpeg);
        assert_eq!(p.sha256.as_deref(), Some(hash.as_str()));
        assert_eq!(prep.sha256(file(&jpeg, "image/jpeg")).await, Ok(hash));
    }

    #[wasm_bindgen_test]
    async fn a_recycled_worker_finishes_its_work_and_the_next_one_takes_over() {
        let prep = worker();
        let png = picture(1200, 1600, "image/png").await;
        // Two images under way when the worker is recycled: both come back
        // whole, from the old worker; the next goes to the new one.
        let (a, b) = (file(&png, "image/png"), file(&png, "image/png"));
        let first = prep.prepare(a, "image/png");
        let second = prep.prepare(b, "image/png");
        let (first, second) = futures_join(first, second, || prep.recycle()).await;
        assert_eq!(prep.workers_started(), 2);
        for p in [first.unwrap(), second.unwrap()] {
            assert_eq!(sniff_image_type(&sent(&p).await), Some("image/jpeg"));
        }
        let third = prep
            .prepare(file(&png, "image/png"), "image/png")
            .await
            .unwrap();
        assert_eq!(third.pixels, (1200, 1600));
        assert_eq!(sniff_image_type(&sent(&third).await), Some("image/jpeg"));
    }

    /// Polls both futures once, runs `between`, then awaits both.
    async fn futures_join<A, B>(
        a: impl std::future::Future<Output = A>,
        b: impl std::future::Future<Output = B>,
        between: impl FnOnce(),
    ) -> (A, B) {
        let (mut a, mut b) = (Box::pin(a), Box::pin(b));
        let (mut ra, mut rb) = (None, None);
        std::future::poll_fn(|cx| {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
            std::task::Poll::Ready(())
        })
        .await;
        between();
        let a = match ra {
            Some(v) => v,
            None => a.await,
        };
        let b = match rb {
            Some(v) => v,
            None => b.await,
        };
        (a, b)
    }
}

// ---- Test connection, against the simulator.

mod connection {
    use super::*;
    use tallyscan::core::api::connection::Connection;

    /// Against the HTTPS simulator, whose scenario the other tests of this
    /// page leave as it is (they share the plain one and its log).
    async fn test_with(change: impl Fn(&mut ProviderSettings)) -> Connection {
        let owner = Owner::new();
        owner.set();
        let state = AppState::new();
        let mut p = settings_for(sim_tls_url(), ApiKind::OpenAiCompatible);
        change(&mut p);
        state.settings.set_provider(&p);
        state.test_connection().await
    }

    #[wasm_bindgen_test]
    async fn each_outcome_is_told_apart() {
        assert_eq!(
            test_with(|_| {}).await,
            Connection::Works {
                models: 1,
                listed: Some(true)
            }
        );
        assert!(matches!(
            test_with(|s| s.model = "llava".into()).await,
            Connection::ModelMissing { .. }
        ));
        assert_eq!(
            test_with(|s| s.endpoint = format!("{}/nope/v1", sim_tls_url())).await,
            Connection::NotFound
        );
        assert!(matches!(
            test_with(|s| s.endpoint = "http://127.0.0.1:9/v1".into()).await,
            Connection::Unreachable(_)
        ));
        // A refused key is checked end to end (e2e/workflow.test.mjs): it
        // needs the simulator's scenario, which tests here share.
    }
}

/// Issues worded in Thai from their code, field and values (`ui::issue_text`).
mod issue_words {
    use tallyscan::core::domain::ballot::{Issue, IssueCode, Severity};
    use tallyscan::core::domain::field::Field;
    use tallyscan::ui::issue_text::{cell_thai, issue_thai};
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn values_in_their_places() {
        let i = Issue::new(IssueCode::SumMismatch, Severity::Error, Field::Valid, "x")
            .with_args(["612", "614", "2"]);
        assert_eq!(issue_thai(&i), "คะแนนทุกแถวรวมได้ 612 แต่บัตรดีคือ 614 (ต่างกัน 2)");
        let bare = Issue::new(
            IssueCode::WordsMismatch,
            Severity::Error,
            Field::Row(3),
            "x",
        );
        assert_eq!(issue_thai(&bare), "แถว 3: ตัวเลขกับตัวอักษรไม่ตรงกัน");
        assert_eq!(cell_thai(&Field::NoVote.words()), "บัตรไม่เลือกผู้ใด (ตัวอักษร)");
    }

    /// Every issue the review corpus produces reads as Thai: no Latin
    /// letters once its values (which may be Latin, e.g. a misspelt
    /// province) are taken out, apart from "JSON".
    #[wasm_bindgen_test]
    #[cfg(feature = "testing")]
    fn every_issue_of_the_corpus_reads_in_thai() {
        use tallyscan::core::read::corpus;
        let registry = tallyscan::core::domain::registry::Registry::builtin();
        let mut rng = tallyscan::core::domain::rng::SplitMix64::new(7);
        let mut seen = std::collections::BTreeSet::new();
        let corruptions = corpus::CORRUPTIONS.iter().copied().map(Some);
        let cases = std::iter::repeat_n(None, 50).chain(corruptions.cycle().take(300));
        for corruption in cases {
            let sample = corpus::sample(&registry, &mut rng, corruption);
            let Ok(read) =
                tallyscan::core::read::extract::extract(&sample.text, Default::default())
            else {
                continue;
            };
            let record = tallyscan::core::read::validate::validate(read, &registry);
            for issue in &record.issues {
                let mut text = issue_thai(issue).replace("JSON", "");
                for a in &issue.args {
                    text = text.replace(a.as_str(), "");
                }
                assert!(
                    !text.chars().any(|c| c.is_ascii_alphabetic()),
                    "{:?}: {}",
                    issue.code,
                    issue_thai(issue)
                );
                seen.insert(format!("{:?}", issue.code));
            }
        }
        assert!(seen.len() >= 6, "{seen:?}");
    }
}
