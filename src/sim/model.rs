//! The model routes: every request is logged, checked against the
//! simulator's own token bucket and key, given its scripted fault, and
//! answered (after its latency) in the dialect it was asked in.

use super::http::{Reply, Response};
use super::{http_date, lock, synth, Fault, LogEntry, RetryAfter, Shared};
use crate::core::api::wire::{AnyRequest, ChatResponse, ErrorBody, MessagesResponse};
use crate::core::domain::hash::sha256_hex;
use base64::Engine as _;
use std::time::{Duration, SystemTime};

/// Which API a request came in.
#[derive(Clone, Copy, PartialEq)]
pub enum Dialect {
    /// `/v1/chat/completions`.
    OpenAi,
    /// `/v1/messages`.
    Anthropic,
}

/// Everything decided for one request, under the lock.
struct Decision {
    /// Its place in the log.
    log_index: usize,
    fault: Fault,
    latency: Duration,
    hang_cap: Duration,
    /// The scenario's exact answer for this image, if it has one.
    known_answer: Option<String>,
    /// Over the simulator's own limit: how long until it would not be.
    limited: Option<Duration>,
}

/// What a request carries that matters.
struct Asked {
    request: Option<AnyRequest>,
    image: Option<Vec<u8>>,
    key: Option<String>,
    /// A second reading (its prompt is the re-read prompt).
    reread: bool,
}

/// The key a request carries (Bearer or `x-api-key`).
pub(super) fn request_key(req: &super::http::Request) -> Option<String> {
    req.header("authorization")
        .map(|v| v.trim_start_matches("Bearer ").trim().to_string())
        .or_else(|| req.header("x-api-key").map(str::to_string))
}

fn read(req: &super::http::Request) -> Asked {
    let request: Option<AnyRequest> = serde_json::from_slice(&req.body).ok();
    let image = request
        .as_ref()
        .and_then(AnyRequest::image_base64)
        .and_then(|d| {
            base64::engine::general_purpose::STANDARD
                .decode(d.trim())
                .ok()
        });
    let key = request_key(req);
    let reread = request
        .as_ref()
        .is_some_and(|r| r.prompt().contains(crate::core::read::reread::REREAD_MARK));
    Asked {
        request,
        image,
        key,
        reread,
    }
}

fn decide(req: &super::http::Request, asked: &Asked, state: &Shared) -> Decision {
    let mut s = lock(state);
    let now = s.origin.elapsed();
    let log_index = s.log.len();
    s.log.push(LogEntry {
        at_ms: now.as_secs_f64() * 1000.0,
        path: format!("{} {}", req.method, req.path),
        body_bytes: req.body.len(),
        model: asked.request.as_ref().map(|r| r.model().to_string()),
        image_sha256: asked.image.as_deref().map(sha256_hex),
        reread: asked.reread,
        image_type: asked
            .image
            .as_deref()
            .and_then(crate::core::read::image::sniff_image_type)
            .map(String::from),
        image_bytes: asked.image.as_ref().map(Vec::len),
        max_tokens: asked.request.as_ref().map(|r| r.max_tokens()),
        status: 0,
        outcome: String::new(),
    });
    let limited = match s.bucket.as_mut().map(|b| b.check(now)) {
        Some(Err(wait)) => Some(wait),
        _ => None,
    };
    s.violations += u64::from(limited.is_some());
    let fault = match s.scenario.script.pop_front() {
        Some(f) => f,
        None => {
            let draws = s.scenario.faults.clone();
            draws
                .into_iter()
                .find(|(p, _)| s.rng.next_f64() < *p)
                .map_or(Fault::Ok, |(_, f)| f)
        }
    };
    let (lo, hi) = s.scenario.latency_ms;
    Decision {
        log_index,
        fault,
        latency: Duration::from_millis(s.rng.range(lo, hi)),
        hang_cap: Duration::from_millis(s.scenario.hang_cap_ms),
        known_answer: asked.image.as_ref().and_then(|img| {
            let table = if asked.reread {
                &s.scenario.rereads
            } else {
                &s.scenario.answers
            };
            table.get(&sha256_hex(img)).cloned()
        }),
        limited,
    }
}

fn record(state: &Shared, log_index: usize, status: u16, outcome: &str) {
    if let Some(e) = lock(state).log.get_mut(log_index) {
        e.status = status;
        e.outcome = outcome.to_string();
    }
}

fn error_body(d: Dialect, status: u16, message: &str) -> ErrorBody {
    let kind = match status {
        401 => "authentication_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        400 => "invalid_request_error",
        _ => "api_error",
    };
    match d {
        Dialect::OpenAi => ErrorBody::openai(status, kind, message),
        Dialect::Anthropic => ErrorBody::anthropic(kind, message),
    }
}

fn error(d: Dialect, status: u16, message: &str) -> Response {
    Response::json(status, &error_body(d, status, message))
}

fn answer(d: Dialect, text: &str) -> Response {
    let out_tokens = (text.chars().count() / 3) as u64;
    match d {
        Dialect::OpenAi => Response::json(200, &ChatResponse::answer(text, 1105, out_tokens)),
        Dialect::Anthropic => {
            Response::json(200, &MessagesResponse::answer(text, 1105, out_tokens))
        }
    }
}

/// An answer of `tokens` cut off at `allowed`: its text in proportion, the
/// dialect's reason for stopping.
fn cut_off(d: Dialect, text: &str, allowed: u32, tokens: u32) -> Response {
    let chars = text.chars().count() * allowed as usize / tokens.max(1) as usize;
    let cut: String = text.chars().take(chars).collect();
    match d {
        Dialect::OpenAi => {
            let mut r = ChatResponse::answer(&cut, 1105, u64::from(allowed));
            if let Some(c) = r.choices.first_mut() {
                c.finish_reason = Some("length".into());
            }
            Response::json(200, &r)
        }
        Dialect::Anthropic => {
            let mut r = MessagesResponse::answer(&cut, 1105, u64::from(allowed));
            r.stop_reason = Some("max_tokens".into());
            Response::json(200, &r)
        }
    }
}

/// Answers a model request as its scenario says.
pub async fn model_request(req: &super::http::Request, state: &Shared, d: Dialect) -> Reply {
    let asked = read(req);
    let decided = decide(req, &asked, state);
    let idx = decided.log_index;
    if let Some(reply) = refusal(d, &asked, &decided, state) {
        return reply;
    }
    match decided.fault {
        Fault::Drop => {
            record(state, idx, 0, "drop");
            return Reply::Drop;
        }
        Fault::Hang => {
            record(state, idx, 0, "hang");
            return Reply::Hang(decided.hang_cap);
        }
        _ => {}
    }
    tokio::time::sleep(decided.latency).await;
    let (response, status, outcome) = scripted(d, &asked, decided);
    record(state, idx, status, outcome);
    Reply::Send(response)
}

/// Over the bucket, a wrong key, or not a request at all.
fn refusal(d: Dialect, asked: &Asked, decided: &Decision, state: &Shared) -> Option<Reply> {
    let idx = decided.log_index;
    if let Some(wait) = decided.limited {
        record(state, idx, 429, "rate_limited");
        let mut r = error(d, 429, "rate limit exceeded (simulator's own bucket)");
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        r.headers.push(("retry-after".into(), secs.to_string()));
        r.headers
            .push(("retry-after-ms".into(), wait.as_millis().to_string()));
        return Some(Reply::Send(r));
    }
    let required = lock(state).scenario.require_key.clone();
    if required.is_some_and(|k| asked.key.as_deref() != Some(k.as_str())) {
        record(state, idx, 401, "unauthorized");
        return Some(Reply::Send(error(d, 401, "invalid API key")));
    }
    if asked.request.is_none() {
        record(state, idx, 400, "bad_request");
        return Some(Reply::Send(error(
            d,
            400,
            "request body is not a model request",
        )));
    }
    None
}

/// The scripted answer after the latency: (response, status, outcome).
fn scripted(d: Dialect, asked: &Asked, decided: Decision) -> (Response, u16, &'static str) {
    let reading = || {
        asked.image.as_ref().map(|img| {
            serde_json::to_string_pretty(&synth::synthetic_form(img)).unwrap_or_default()
        })
    };
    match decided.fault {
        Fault::Status {
            code,
            retry_after,
            headers,
        } => {
            let mut r = error(d, code, "simulated error");
            r.headers.extend(headers);
            if let Some(v) = retry_after.map(retry_after_value) {
                r.headers.push(("retry-after".into(), v));
            }
            (r, code, "status")
        }
        Fault::MalformedBody => {
            let mut r = answer(d, "{\"province\": \"แพร่\"");
            r.body.truncate(r.body.len() / 2);
            (r, 200, "malformed_body")
        }
        Fault::NotJson => (
            answer(
                d,
                "ขออภัย ไม่สามารถอ่านแบบฟอร์มนี้ได้ชัดเจน (I'm sorry, I can't read this form clearly.)",
            ),
            200,
            "not_json",
        ),
        fault => match decided.known_answer.or_else(reading) {
            None => (error(d, 400, "no base64 image found in the request"), 400, "no_image"),
            Some(t) => match fault {
                Fault::Fenced => (answer(d, &format!("```json\n{t}\n```")), 200, "fenced"),
                Fault::Misread => (answer(d, &synth::misread(&t)), 200, "misread"),
                Fault::Long { tokens } => {
                    let allowed = asked.request.as_ref().map_or(0, |r| r.max_tokens());
                    match allowed < tokens {
                        true => (cut_off(d, &t, allowed, tokens), 200, "cut_off"),
                        false => (answer(d, &t), 200, "long"),
                    }
                }
                Fault::Prose => (
                    answer(
                        d,
                        &format!("Here is what I read from the form:\n{t}\nPlease double-check the handwriting."),
                    ),
                    200,
                    "prose",
                ),
                _ => (answer(d, &t), 200, "ok"),
            },
        },
    }
}

fn retry_after_value(r: RetryAfter) -> String {
    match r {
        RetryAfter::Seconds(s) => s.to_string(),
        RetryAfter::HttpDate(s) => {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            http_date(now.saturating_add(s))
        }
    }
}
