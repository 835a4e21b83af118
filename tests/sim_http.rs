//! The OCR simulator, black-box over TCP on 127.0.0.1:0.
#![cfg(all(feature = "sim", not(target_arch = "wasm32")))]

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::{request, start_sim};
use tallyscan::core::api::provider::{
    build_request, parse_answer, ApiKey, ApiKind, ProviderSettings,
};
use tallyscan::core::engine::ports::ImageData;
use tallyscan::sim::{Fault, RateLimitSpec, RetryAfter, Scenario};

const T: Duration = Duration::from_secs(10);
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot-really-a-png-but-bytes";

fn quick() -> Scenario {
    Scenario {
        latency_ms: (0, 5),
        ..Scenario::default()
    }
}

/// Sends one model request the way the app builds it; returns the response.
fn ask(
    addr: std::net::SocketAddr,
    kind: ApiKind,
    key: &str,
    image: &[u8],
) -> std::io::Result<support::Resp> {
    let settings = ProviderSettings {
        kind,
        endpoint: format!("http://{addr}/v1"),
        model: "sim-model".into(),
        api_key: ApiKey::new(key),
        max_tokens: 500,
    };
    let r = build_request(
        &settings,
        "image/png",
        &ImageData::from_bytes(image.to_vec()),
        "read the form",
    );
    let path = r
        .url
        .trim_start_matches(&format!("http://{addr}"))
        .to_string();
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    request(addr, "POST", &path, &headers, &r.body.text().unwrap(), T)
}

fn log(addr: std::net::SocketAddr) -> Value {
    request(addr, "GET", "/_sim/log", &[], "", T)
        .unwrap()
        .json()
}

#[test]
fn both_dialects_answer_with_a_consistent_synthetic_form() {
    let addr = start_sim(quick());
    for kind in [ApiKind::OpenAiCompatible, ApiKind::Anthropic] {
        let resp = ask(addr, kind, "", PNG).unwrap();
        assert_eq!(resp.status, 200, "{}", resp.body);
        assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
        let answer = parse_answer(kind, &resp.body).unwrap();
        assert!(answer.usage.is_some());
        let form: Value = serde_json::from_str(&answer.text).unwrap();
        assert!(form["_synthetic"]
            .as_str()
            .unwrap()
            .contains("not a real reading"));
        let sum: u64 = form["votes"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v["numeric"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, form["valid_votes"]["numeric"].as_u64().unwrap());
    }
    // Same image, same answer, whichever dialect.
    let a = parse_answer(
        ApiKind::OpenAiCompatible,
        &ask(addr, ApiKind::OpenAiCompatible, "", PNG).unwrap().body,
    )
    .unwrap();
    let b = parse_answer(
        ApiKind::Anthropic,
        &ask(addr, ApiKind::Anthropic, "", PNG).unwrap().body,
    )
    .unwrap();
    assert_eq!(a.text, b.text);
}

#[test]
fn cors_preflight_and_models() {
    let addr = start_sim(quick());
    let pre = request(
        addr,
        "OPTIONS",
        "/v1/chat/completions",
        &[
            ("origin", "http://127.0.0.1:8080"),
            ("access-control-request-method", "POST"),
        ],
        "",
        T,
    )
    .unwrap();
    assert_eq!(pre.status, 204);
    assert!(pre
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    assert!(pre
        .header("access-control-expose-headers")
        .unwrap()
        .contains("retry-after"));
    let models = request(addr, "GET", "/v1/models", &[], "", T)
        .unwrap()
        .json();
    assert_eq!(models["data"][0]["id"], "tallyscan-sim");
    assert_eq!(
        request(addr, "GET", "/nope", &[], "", T).unwrap().status,
        404
    );
}

#[test]
fn scripted_faults_in_order() {
    let mut s = quick();
    s.script = [
        Fault::Status {
            code: 429,
            retry_after: Some(RetryAfter::Seconds(7)),
            headers: vec![],
        },
        Fault::Status {
            code: 503,
            retry_after: Some(RetryAfter::HttpDate(30)),
            headers: vec![],
        },
        Fault::Status {
            code: 529,
            retry_after: None,
            headers: vec![("retry-after".into(), "1e400".into())],
        },
        Fault::MalformedBody,
        Fault::NotJson,
        Fault::Fenced,
        Fault::Prose,
        Fault::Drop,
    ]
    .into();
    let addr = start_sim(s);
    let k = ApiKind::OpenAiCompatible;
    let r = ask(addr, k, "", PNG).unwrap();
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));
    let r = ask(addr, k, "", PNG).unwrap();
    assert_eq!(r.status, 503);
    assert!(
        r.header("retry-after").unwrap().ends_with(" GMT"),
        "HTTP date expected"
    );
    let r = ask(addr, ApiKind::Anthropic, "", PNG).unwrap();
    assert_eq!(r.status, 529);
    assert_eq!(r.json()["error"]["type"], "overloaded_error");
    let r = ask(addr, k, "", PNG).unwrap();
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "malformed body must not parse"
    );
    let text = |r: support::Resp| parse_answer(k, &r.body).unwrap().text;
    assert!(serde_json::from_str::<Value>(&text(ask(addr, k, "", PNG).unwrap())).is_err());
    assert!(text(ask(addr, k, "", PNG).unwrap()).starts_with("```json\n{"));
    assert!(text(ask(addr, k, "", PNG).unwrap()).starts_with("Here is what I read"));
    assert!(
        ask(addr, k, "", PNG).is_err(),
        "dropped connection gives no response"
    );
    // Script used up: back to normal answers.
    assert_eq!(ask(addr, k, "", PNG).unwrap().status, 200);
    let statuses: Vec<u64> = log(addr)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![429, 503, 529, 200, 200, 200, 200, 0, 200]);
}

#[test]
fn hang_lasts_until_the_client_gives_up() {
    let mut s = quick();
    s.script = [Fault::Hang].into();
    let addr = start_sim(s);
    let started = std::time::Instant::now();
    let err = {
        let settings = ProviderSettings {
            endpoint: format!("http://{addr}/v1"),
            ..ProviderSettings::default()
        };
        let r = build_request(
            &settings,
            "image/png",
            &ImageData::from_bytes(PNG.to_vec()),
            "p",
        );
        request(
            addr,
            "POST",
            "/v1/chat/completions",
            &[("content-type", "application/json")],
            &r.body.text().unwrap(),
            Duration::from_millis(300),
        )
    };
    assert!(err.is_err(), "a hang must not answer");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        ask(addr, ApiKind::OpenAiCompatible, "", PNG)
            .unwrap()
            .status,
        200,
        "server still serves"
    );
}

#[test]
fn own_rate_limit_counts_violations() {
    let mut s = quick();
    s.rate_limit = Some(RateLimitSpec {
        rate: 1.0,
        burst: 2,
    });
    let addr = start_sim(s);
    let statuses: Vec<u16> = (0..4)
        .map(|_| {
            ask(addr, ApiKind::OpenAiCompatible, "", PNG)
                .unwrap()
                .status
        })
        .collect();
    assert_eq!(statuses, vec![200, 200, 429, 429]);
    let l = log(addr);
    assert_eq!(l["violations"], 2);
    let r = ask(addr, ApiKind::OpenAiCompatible, "", PNG).unwrap();
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    request(addr, "POST", "/_sim/reset", &[], "", T).unwrap();
    let l = log(addr);
    assert_eq!(
        (
            l["violations"].as_u64(),
            l["requests"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
}

#[test]
fn key_required_when_configured_and_scenario_swappable() {
    let addr = start_sim(quick());
    let scenario = json!({"latency_ms": [0, 1], "require_key": "sk-right"});
    assert_eq!(
        request(
            addr,
            "POST",
            "/_sim/scenario",
            &[],
            &scenario.to_string(),
            T
        )
        .unwrap()
        .status,
        200
    );
    assert_eq!(
        ask(addr, ApiKind::OpenAiCompatible, "sk-wrong", PNG)
            .unwrap()
            .status,
        401
    );
    assert_eq!(
        ask(addr, ApiKind::Anthropic, "sk-right", PNG)
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        ask(addr, ApiKind::OpenAiCompatible, "sk-right", PNG)
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        request(addr, "POST", "/_sim/scenario", &[], "{bad", T)
            .unwrap()
            .status,
        400
    );
}

#[test]
fn known_images_get_their_exact_answer_and_log_records_requests() {
    let mut s = quick();
    s.answers.insert(
        tallyscan::core::domain::hash::sha256_hex(PNG),
        "{\"province\":\"แพร่\"}".into(),
    );
    let addr = start_sim(s);
    let r = ask(addr, ApiKind::OpenAiCompatible, "", PNG).unwrap();
    assert_eq!(
        parse_answer(ApiKind::OpenAiCompatible, &r.body)
            .unwrap()
            .text,
        "{\"province\":\"แพร่\"}"
    );
    let l = log(addr);
    let e = &l["requests"][0];
    assert_eq!(e["model"], "sim-model");
    assert!(e["body_bytes"].as_u64().unwrap() > 100);
    assert!(e["at_ms"].as_f64().unwrap() >= 0.0);
    // A request with no image gets a clear 400.
    let r = request(
        addr,
        "POST",
        "/v1/chat/completions",
        &[],
        r#"{"model":"m","messages":[]}"#,
        T,
    )
    .unwrap();
    assert_eq!(r.status, 400);
    assert!(r.body.contains("no base64 image"));
}

#[test]
fn control_routes_refuse_browser_pages_without_the_token() {
    let addr = support::start_sim_with(
        quick(),
        tallyscan::sim::SimOptions {
            control_token: Some("t0ken".into()),
        },
    );
    let page = [("origin", "http://127.0.0.1:8080")];
    for (method, path) in [
        ("POST", "/_sim/scenario"),
        ("POST", "/_sim/reset"),
        ("GET", "/_sim/log"),
    ] {
        let r = request(addr, method, path, &page, "{}", T).unwrap();
        assert_eq!(r.status, 403, "{method} {path} from a page");
        let with_token = [page[0], ("x-sim-control", "t0ken")];
        let r = request(addr, method, path, &with_token, "{}", T).unwrap();
        assert_eq!(r.status, 200, "{method} {path} with the token");
        let wrong = [page[0], ("x-sim-control", "guess")];
        assert_eq!(
            request(addr, method, path, &wrong, "{}", T).unwrap().status,
            403
        );
    }
    // Tools without an Origin (curl, tests) may; the preflight is answered.
    assert_eq!(
        request(addr, "GET", "/_sim/log", &[], "", T)
            .unwrap()
            .status,
        200
    );
    let pre = request(addr, "OPTIONS", "/_sim/scenario", &page, "", T).unwrap();
    assert_eq!(pre.status, 204);
    // Without a token set, no page may.
    let addr = start_sim(quick());
    let r = request(
        addr,
        "POST",
        "/_sim/reset",
        &[("origin", "http://evil.example")],
        "",
        T,
    )
    .unwrap();
    assert_eq!(r.status, 403);
}

#[test]
fn bad_scenarios_are_refused_not_obeyed() {
    let addr = start_sim(quick());
    for body in [
        r#"{"latency_ms":[100,10]}"#,
        r#"{"latency_ms":[0,18446744073709551615]}"#,
        r#"{"rate_limit":{"rate":0.0,"burst":1}}"#,
        r#"{"faults":[[7.0,{"kind":"hang"}]]}"#,
        r#"{"script":[{"kind":"status","code":503,"retry_after":{"http_date":18446744073709551615}}]}"#,
    ] {
        let r = request(addr, "POST", "/_sim/scenario", &[], body, T).unwrap();
        assert_eq!(r.status, 400, "{body}");
        assert!(
            r.body.contains("bad scenario")
                || r.body.contains("must")
                || r.body.contains("between"),
            "{}",
            r.body
        );
    }
    // Still serving, with the old scenario.
    assert_eq!(
        ask(addr, ApiKind::OpenAiCompatible, "", PNG)
            .unwrap()
            .status,
        200
    );
}
