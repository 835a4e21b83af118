//! A simulated vision-LLM HTTP server for tests, benchmarks and the demo.
//!
//! Speaks OpenAI-compatible `POST /v1/chat/completions` and Anthropic
//! `POST /v1/messages` (plus `GET /v1/models`), with CORS, and applies a
//! seeded [`Scenario`] to each request: latency, error statuses with
//! `Retry-After`, hangs, dropped connections, malformed bodies and model text
//! that is not clean JSON. It enforces its own token bucket (the same
//! [`TokenBucket`] the client uses) and counts every violation.
//! `GET /_sim/log` returns the request log; `POST /_sim/reset` clears it;
//! `POST /_sim/scenario` replaces the scenario (browser pages need the
//! control token for these). `POST /redirect/…` answers 307 to `/…`.
//!
//! Built only with the `sim` feature, natively. Plain tokio + httparse, so it
//! can misbehave at the socket level exactly as scripted.

mod http;
pub mod scenario;
pub mod synth;
mod tls;

pub use tls::run_tls;

use crate::core::hash::sha256_hex;
use crate::core::rate_limit::{Quota, TokenBucket};
use crate::core::rng::SplitMix64;
use base64::Engine as _;
pub use scenario::{Fault, RateLimitSpec, RetryAfter, Scenario};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::{TcpListener, TcpStream};

/// One request as the log records it.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// Arrival, ms since the simulator started (or was last reset).
    pub at_ms: f64,
    /// Method and path.
    pub path: String,
    /// Request body size in bytes.
    pub body_bytes: usize,
    /// The `model` field of the request, if any.
    pub model: Option<String>,
    /// Status sent; 0 when no answer was sent (hang, drop).
    pub status: u16,
    /// The scripted outcome, e.g. "ok", "status", "hang".
    pub outcome: String,
}

/// How the simulator is run (not changeable by a scenario).
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// The token a browser page must send in `x-sim-control` to use the
    /// `/_sim/*` routes. Requests that carry an `Origin` (browsers) without
    /// it are refused, so a page open during `make run` cannot reprogram
    /// the simulator; tools without an `Origin` (curl, tests) may.
    pub control_token: Option<String>,
}

struct State {
    options: SimOptions,
    scenario: Scenario,
    rng: SplitMix64,
    bucket: Option<TokenBucket>,
    origin: Instant,
    log: Vec<LogEntry>,
    violations: u64,
}

impl State {
    fn new(scenario: Scenario, options: SimOptions) -> Self {
        State {
            options,
            rng: SplitMix64::new(scenario.seed),
            bucket: scenario
                .rate_limit
                .map(|r| TokenBucket::new(Quota::new(r.rate, r.burst))),
            scenario,
            origin: Instant::now(),
            log: Vec::new(),
            violations: 0,
        }
    }
}

type Shared = Arc<Mutex<State>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, State> {
    // A panic while holding the lock cannot leave the log half-written in a
    // way that matters; keep serving.
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn shared(scenario: Scenario, options: SimOptions) -> Shared {
    Arc::new(Mutex::new(State::new(scenario, options)))
}

/// Serves plain HTTP/1.1 until the process ends. Each connection gets its own task.
pub async fn run(listener: TcpListener, scenario: Scenario) -> std::io::Result<()> {
    run_with(listener, scenario, SimOptions::default()).await
}

/// [`run`] with options.
pub async fn run_with(
    listener: TcpListener,
    scenario: Scenario,
    options: SimOptions,
) -> std::io::Result<()> {
    scenario.validate().map_err(std::io::Error::other)?;
    let state = shared(scenario, options);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let _ = serve_connection(stream, state).await;
        });
    }
}

async fn serve_connection(mut stream: TcpStream, state: Shared) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(req) = http::read_request(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        let keep_alive = req.keep_alive;
        match handle(&req, &state).await {
            Reply::Send(resp) => {
                http::write_response(&mut stream, &resp, keep_alive).await?;
                if !keep_alive {
                    return Ok(());
                }
            }
            Reply::Drop => return Ok(()),
            Reply::Hang(cap) => {
                http::wait_for_close(&mut stream, cap).await;
                return Ok(());
            }
        }
    }
}

enum Reply {
    Send(http::Response),
    Drop,
    Hang(Duration),
}

fn json_response(status: u16, v: &Value) -> http::Response {
    http::Response::new(status, "application/json", v.to_string().into_bytes())
}

/// Whether a `/_sim/*` request may use the control routes: tools without
/// an `Origin` may; a browser page only with the control token.
fn control_allowed(req: &http::Request, state: &Shared) -> bool {
    if req.header("origin").is_none() {
        return true;
    }
    let token = lock(state).options.control_token.clone();
    matches!((token, req.header("x-sim-control")), (Some(t), Some(given)) if t == given)
}

async fn handle(req: &http::Request, state: &Shared) -> Reply {
    let path = req.path.split('?').next().unwrap_or("");
    if path.starts_with("/_sim/") && req.method != "OPTIONS" && !control_allowed(req, state) {
        return Reply::Send(json_response(
            403,
            &json!({"error": {"message": "the simulator's control routes refuse browser pages without the control token"}}),
        ));
    }
    match (req.method.as_str(), path) {
        ("OPTIONS", _) => Reply::Send(http::Response::new(204, "text/plain", Vec::new())),
        ("GET", "/") => Reply::Send(http::Response::new(
            200,
            "text/plain; charset=utf-8",
            b"TallyScan OCR simulator: synthetic answers for testing, not a real model.\n\
              POST /v1/chat/completions (OpenAI-compatible), POST /v1/messages (Anthropic), GET /v1/models, GET /_sim/log\n"
                .to_vec(),
        )),
        ("GET", "/v1/models") => Reply::Send(json_response(
            200,
            &json!({"object": "list", "data": [{"id": "tallyscan-sim", "object": "model", "owned_by": "tallyscan-simulator"}]}),
        )),
        ("GET", "/_sim/log") => {
            let s = lock(state);
            Reply::Send(json_response(
                200,
                &json!({"requests": s.log, "violations": s.violations, "rate_limit": s.scenario.rate_limit}),
            ))
        }
        ("POST", "/_sim/reset") => {
            let mut s = lock(state);
            let (scenario, options) = (s.scenario.clone(), s.options.clone());
            *s = State::new(scenario, options);
            Reply::Send(json_response(200, &json!({"reset": true})))
        }
        ("POST", "/_sim/scenario") => match serde_json::from_slice::<Scenario>(&req.body)
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map(|()| s))
        {
            Ok(scenario) => {
                let mut s = lock(state);
                let options = s.options.clone();
                *s = State::new(scenario, options);
                Reply::Send(json_response(200, &json!({"scenario": "set"})))
            }
            Err(e) => Reply::Send(json_response(400, &json!({"error": {"message": format!("bad scenario: {e}")}}))),
        },
        // An endpoint that redirects (the app must refuse to follow it).
        ("POST", p) if p.starts_with("/redirect/") => {
            let mut r = json_response(307, &json!({"redirect": true}));
            r.headers
                .push(("location".into(), p.trim_start_matches("/redirect").to_string()));
            Reply::Send(r)
        }
        ("POST", "/v1/chat/completions") => model_request(req, state, Dialect::OpenAi).await,
        ("POST", "/v1/messages") => model_request(req, state, Dialect::Anthropic).await,
        _ => Reply::Send(json_response(
            404,
            &json!({"error": {"message": format!("no route for {} {}", req.method, path), "type": "not_found"}}),
        )),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Dialect {
    OpenAi,
    Anthropic,
}

/// The base64 image data in an OpenAI or Anthropic request body.
fn image_bytes(body: &Value) -> Option<Vec<u8>> {
    let msgs = body["messages"].as_array()?;
    for m in msgs {
        for part in m["content"].as_array().into_iter().flatten() {
            let data = if let Some(url) = part["image_url"]["url"].as_str() {
                url.split_once(";base64,").map(|(_, d)| d.to_string())
            } else {
                part["source"]["data"].as_str().map(str::to_string)
            };
            if let Some(d) = data {
                return base64::engine::general_purpose::STANDARD
                    .decode(d.trim())
                    .ok();
            }
        }
    }
    None
}

fn error_body(d: Dialect, status: u16, message: &str) -> Value {
    let kind = match status {
        401 => "authentication_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        400 => "invalid_request_error",
        _ => "api_error",
    };
    match d {
        Dialect::OpenAi => json!({"error": {"message": message, "type": kind, "code": status}}),
        Dialect::Anthropic => json!({"type": "error", "error": {"type": kind, "message": message}}),
    }
}

fn answer_body(d: Dialect, model: &str, text: &str) -> Value {
    let out_tokens = (text.chars().count() / 3) as u64;
    match d {
        Dialect::OpenAi => json!({
            "id": "chatcmpl-sim", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1105, "completion_tokens": out_tokens, "total_tokens": 1105 + out_tokens}
        }),
        Dialect::Anthropic => json!({
            "id": "msg_sim", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "usage": {"input_tokens": 1105, "output_tokens": out_tokens}
        }),
    }
}

/// IMF-fixdate for a Unix time: "Sun, 06 Nov 1994 08:49:37 GMT".
pub fn http_date(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil-from-days (Howard Hinnant), valid for dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {mon} {year} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

async fn model_request(req: &http::Request, state: &Shared, d: Dialect) -> Reply {
    let body: Option<Value> = serde_json::from_slice(&req.body).ok();
    let model = body
        .as_ref()
        .and_then(|b| b["model"].as_str())
        .map(str::to_string);
    let key = req
        .header("authorization")
        .map(|v| v.trim_start_matches("Bearer ").trim().to_string())
        .or_else(|| req.header("x-api-key").map(str::to_string));

    // Decide everything under the lock, then act without it.
    let (idx, fault, latency, hang_cap, known_answer, limited) = {
        let mut s = lock(state);
        let now = s.origin.elapsed();
        let idx = s.log.len();
        s.log.push(LogEntry {
            at_ms: now.as_secs_f64() * 1000.0,
            path: format!("{} {}", req.method, req.path),
            body_bytes: req.body.len(),
            model: model.clone(),
            status: 0,
            outcome: String::new(),
        });
        let limited = match s.bucket.as_mut().map(|b| b.check(now)) {
            Some(Err(wait)) => {
                s.violations += 1;
                Some(wait)
            }
            _ => None,
        };
        let fault = if let Some(f) = s.scenario.script.pop_front() {
            f
        } else {
            let draws: Vec<(f64, Fault)> = s.scenario.faults.clone();
            let mut chosen = Fault::Ok;
            for (p, f) in draws {
                if s.rng.next_f64() < p {
                    chosen = f;
                    break;
                }
            }
            chosen
        };
        let (lo, hi) = s.scenario.latency_ms;
        let latency = Duration::from_millis(s.rng.range(lo, hi));
        let known = body
            .as_ref()
            .and_then(image_bytes)
            .and_then(|img| s.scenario.answers.get(&sha256_hex(&img)).cloned());
        (
            idx,
            fault,
            latency,
            Duration::from_millis(s.scenario.hang_cap_ms),
            known,
            limited,
        )
    };
    let record = |status: u16, outcome: &str| {
        let mut s = lock(state);
        if let Some(e) = s.log.get_mut(idx) {
            e.status = status;
            e.outcome = outcome.to_string();
        }
    };

    if let Some(wait) = limited {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        record(429, "rate_limited");
        let mut r = json_response(
            429,
            &error_body(d, 429, "rate limit exceeded (simulator's own bucket)"),
        );
        r.headers.push(("retry-after".into(), secs.to_string()));
        r.headers
            .push(("retry-after-ms".into(), wait.as_millis().to_string()));
        return Reply::Send(r);
    }
    let required = lock(state).scenario.require_key.clone();
    if let Some(required) = required {
        if key.as_deref() != Some(required.as_str()) {
            record(401, "unauthorized");
            return Reply::Send(json_response(401, &error_body(d, 401, "invalid API key")));
        }
    }
    let Some(body) = body else {
        record(400, "bad_request");
        return Reply::Send(json_response(
            400,
            &error_body(d, 400, "request body is not JSON"),
        ));
    };

    match fault {
        Fault::Drop => {
            record(0, "drop");
            return Reply::Drop;
        }
        Fault::Hang => {
            record(0, "hang");
            return Reply::Hang(hang_cap);
        }
        _ => {}
    }
    tokio::time::sleep(latency).await;
    let model = model.unwrap_or_else(|| "tallyscan-sim".into());
    let reading = || {
        image_bytes(&body).map(|img| {
            serde_json::to_string_pretty(&synth::synthetic_form(&img)).unwrap_or_default()
        })
    };
    let text = match &fault {
        Fault::Status {
            code,
            retry_after,
            headers,
        } => {
            record(*code, "status");
            let mut r = json_response(*code, &error_body(d, *code, "simulated error"));
            r.headers.extend(headers.iter().cloned());
            match retry_after {
                Some(RetryAfter::Seconds(s)) => {
                    r.headers.push(("retry-after".into(), s.to_string()))
                }
                Some(RetryAfter::HttpDate(s)) => {
                    let now = SystemTime::now()
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    r.headers
                        .push(("retry-after".into(), http_date(now.saturating_add(*s))));
                }
                None => {}
            }
            return Reply::Send(r);
        }
        Fault::MalformedBody => {
            record(200, "malformed_body");
            let cut = answer_body(d, &model, "{\"province\": \"แพร่\"").to_string();
            let cut = cut[..cut.len() / 2].to_string();
            return Reply::Send(http::Response::new(
                200,
                "application/json",
                cut.into_bytes(),
            ));
        }
        Fault::NotJson => {
            "ขออภัย ไม่สามารถอ่านแบบฟอร์มนี้ได้ชัดเจน (I'm sorry, I can't read this form clearly.)"
                .to_string()
        }
        _ => match known_answer.or_else(reading) {
            Some(t) => match fault {
                Fault::Fenced => format!("```json\n{t}\n```"),
                Fault::Prose => format!(
                    "Here is what I read from the form:\n{t}\nPlease double-check the handwriting."
                ),
                _ => t,
            },
            None => {
                record(400, "no_image");
                return Reply::Send(json_response(
                    400,
                    &error_body(d, 400, "no base64 image found in the request"),
                ));
            }
        },
    };
    let outcome = match fault {
        Fault::NotJson => "not_json",
        Fault::Fenced => "fenced",
        Fault::Prose => "prose",
        _ => "ok",
    };
    record(200, outcome);
    Reply::Send(json_response(200, &answer_body(d, &model, &text)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        assert_eq!(
            super::http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(1_795_000_000),
            "Wed, 18 Nov 2026 11:06:40 GMT"
        );
    }
}
