//! What one attempt's result means: a pure, synchronous decision from the
//! response (or the transport's error) and the ballot's attempts so far to
//! the next [`Step`], plus what the engine learns on the way
//! ([`Observed`]: tokens, whether the endpoint works at all, throttling,
//! a stated limit). Tested by a table, without time.

use crate::core::api::provider::{
    interpret, AnswerError, ApiError, ApiKind, HttpResponse, TransportError, Usage,
};
use crate::core::api::retry::{
    server_wait, stated_limit_per_minute, status_verdict, RetryPolicy, Verdict,
};
use crate::core::domain::ballot::{BallotRecord, Source};
use crate::core::domain::field::Field;
use crate::core::domain::registry::Registry;
use crate::core::engine::progress::{FailureKind, SystemicCause};
use crate::core::read::extract::extract;
use crate::core::read::validate::validate;
use crate::core::{read::path_hints, read::reread};
use std::time::Duration;

/// What the engine does next with a ballot.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The ballot is finished.
    Done(Outcome),
    /// Try again, after `wait`, because of `reason`.
    Retry {
        /// How long before the next attempt.
        wait: RetryWait,
        /// Why the attempt failed, for the log and a final message.
        reason: String,
    },
    /// The key was refused: the whole batch stops (the message says why).
    StopBatch(String),
}

/// How long to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RetryWait {
    /// Back off with jitter (the retry policy).
    Backoff,
    /// At once: the model is asked again (its answer could not be read).
    Now,
    /// The server named this wait: the whole batch holds.
    Server(Duration),
    /// At once, with this larger token budget (the answer was cut off).
    Larger(u32),
}

/// How a finished ballot ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A checked record.
    Record(Box<BallotRecord>),
    /// No record, with a specific message.
    Failed(FailureKind, String),
}

/// What the engine learns from an attempt, besides the next step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observed {
    /// Tokens the API reported.
    pub usage: Option<Usage>,
    /// An answer came and could be read (the endpoint works).
    pub success: bool,
    /// A failure of a kind that repeats for every ballot when the settings
    /// are wrong.
    pub systemic: Option<SystemicCause>,
    /// HTTP 429 without a usable wait: the batch should slow down.
    pub throttled: bool,
    /// The wait the server named: the whole batch holds that long.
    pub server_wait: Option<Duration>,
    /// The request limit a minute the headers state.
    pub stated_limit: Option<f64>,
    /// The HTTP status, when a response came.
    pub status: Option<u16>,
}

/// What [`classify`] needs besides the attempt.
pub struct Context<'a> {
    /// The API dialect.
    pub kind: ApiKind,
    /// The image's source, for the record.
    pub source: &'a Source,
    /// For validation.
    pub registry: &'a Registry,
    /// The wall time, for headers that name a moment.
    pub now_unix_ms: u64,
    /// Attempts made for this ballot, this one included.
    pub attempts: u32,
    /// Times the model was asked again already.
    pub reasks: u32,
    /// Retry bounds.
    pub policy: &'a RetryPolicy,
    /// When this attempt is a second reading: the first reading and the
    /// cells asked about.
    pub reread: Option<(&'a BallotRecord, &'a [Field])>,
    /// The token budget this attempt allowed the answer.
    pub budget: u32,
    /// The larger budget a cut-off answer is asked again with, once
    /// (`None`: this attempt already had it, or there is none).
    pub larger_budget: Option<u32>,
}

/// Decides what an attempt's result means.
pub fn classify(
    result: Result<&HttpResponse, &TransportError>,
    ctx: &Context<'_>,
) -> (Step, Observed) {
    match result {
        Err(e) => classify_transport(e, ctx),
        Ok(resp) => classify_response(resp, ctx),
    }
}

fn classify_transport(e: &TransportError, ctx: &Context<'_>) -> (Step, Observed) {
    let seen = Observed {
        systemic: matches!(e, TransportError::Network(_)).then_some(SystemicCause::Network),
        ..Observed::default()
    };
    let step = match e {
        TransportError::Cancelled => Step::Done(Outcome::Failed(
            FailureKind::CancelledAfterSending,
            "cancelled after sending: the API may have read it (and may bill it)".into(),
        )),
        _ => retry_or_give_up(e.to_string(), RetryWait::Backoff, ctx),
    };
    (step, seen)
}

fn retry_or_give_up(reason: String, wait: RetryWait, ctx: &Context<'_>) -> Step {
    if ctx.attempts >= ctx.policy.max_attempts {
        Step::Done(Outcome::Failed(
            FailureKind::RetriesExhausted,
            format!("gave up after {} attempts: {reason}", ctx.attempts),
        ))
    } else {
        Step::Retry { wait, reason }
    }
}

fn classify_response(resp: &HttpResponse, ctx: &Context<'_>) -> (Step, Observed) {
    let mut seen = Observed {
        status: Some(resp.status),
        stated_limit: stated_limit_per_minute(resp),
        ..Observed::default()
    };
    let step = match interpret(ctx.kind, resp) {
        Ok(answer) => {
            seen.usage = answer.usage;
            seen.success = true;
            match answer.cut_off && ctx.reread.is_none() {
                true => cut_off(ctx),
                false => read_answer(&answer.text, ctx),
            }
        }
        Err(e @ ApiError::KeyRefused { .. }) => Step::StopBatch(e.to_string()),
        Err(ApiError::Answer(AnswerError::InBody { code, message })) => {
            let status = code.unwrap_or(502);
            let reason = format!("the API answered with an error: {message}");
            status_step(status, reason, resp, ctx, &mut seen)
        }
        Err(ApiError::Answer(e)) => reask_or_give_up(e.to_string(), ctx),
        Err(e @ ApiError::Status { .. }) => {
            status_step(resp.status, e.to_string(), resp, ctx, &mut seen)
        }
    };
    (step, seen)
}

/// A record from the model's text (its place checked against the file's
/// folder and name), or a re-ask when it cannot be read.
fn read_answer(text: &str, ctx: &Context<'_>) -> Step {
    if let Some((first, cells)) = ctx.reread {
        // A second reading never fails the ballot: at worst the first stands.
        let model = &ctx.source.model;
        let record = match reread::parse(text) {
            Ok(answer) => reread::merge(first, cells, &answer, model, ctx.registry),
            Err(why) => reread::failed(first, cells, model, &why),
        };
        return Step::Done(Outcome::Record(Box::new(record)));
    }
    match extract(text, ctx.source.clone()) {
        Ok(mut record) => {
            // A PDF page's name ends with its page: the hints are in the path.
            let path = crate::core::read::pdf::split_page_name(&record.source.file_name).0;
            let hints = path_hints::hints(path, ctx.registry);
            path_hints::apply(&mut record, &hints, ctx.registry);
            Step::Done(Outcome::Record(Box::new(validate(record, ctx.registry))))
        }
        Err(e) => reask_or_give_up(e.to_string(), ctx),
    }
}

/// An answer the token budget cut off: asked again once with the larger
/// budget, else failed with its own reason (a second reading cut off is
/// read as far as it goes: at worst the first reading stands).
fn cut_off(ctx: &Context<'_>) -> Step {
    let reason = format!("the answer was cut off at {} tokens", ctx.budget);
    match ctx.larger_budget.filter(|b| *b > ctx.budget) {
        Some(b) => Step::Retry {
            wait: RetryWait::Larger(b),
            reason,
        },
        None => Step::Done(Outcome::Failed(
            FailureKind::CutOff { tokens: ctx.budget },
            reason,
        )),
    }
}

fn reask_or_give_up(reason: String, ctx: &Context<'_>) -> Step {
    if ctx.reasks >= ctx.policy.reasks_unparseable {
        let message = if ctx.attempts > 1 {
            format!("{reason} (also after asking again)")
        } else {
            reason
        };
        Step::Done(Outcome::Failed(FailureKind::Unreadable, message))
    } else {
        Step::Retry {
            wait: RetryWait::Now,
            reason,
        }
    }
}

fn systemic_status(status: u16) -> Option<SystemicCause> {
    match status {
        404 => Some(SystemicCause::NotFound),
        402 => Some(SystemicCause::NoCredit),
        400 => Some(SystemicCause::Refused),
        _ => None,
    }
}

/// An error status (or an error in a 2xx body carrying that status).
fn status_step(
    status: u16,
    reason: String,
    resp: &HttpResponse,
    ctx: &Context<'_>,
    seen: &mut Observed,
) -> Step {
    seen.systemic = systemic_status(status);
    match status_verdict(status) {
        Verdict::StopBatch => {
            Step::StopBatch(format!("the API key was refused (HTTP {status}): {reason}"))
        }
        Verdict::Fail => Step::Done(Outcome::Failed(FailureKind::Api, reason)),
        Verdict::Retry => {
            let wait = server_wait(resp, ctx.now_unix_ms);
            seen.throttled = status == 429 && wait.is_none();
            seen.server_wait = wait;
            match wait {
                Some(d) if ctx.attempts < ctx.policy.max_attempts => Step::Retry {
                    wait: RetryWait::Server(d),
                    reason,
                },
                _ => retry_or_give_up(reason, RetryWait::Backoff, ctx),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::testing::PHRAE_FORM;

    fn ok_body(text: &str) -> String {
        serde_json::json!({"choices": [{"message": {"content": text}}], "usage": {"prompt_tokens": 7, "completion_tokens": 3}}).to_string()
    }

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(status, headers, body)
    }

    fn run(
        result: Result<HttpResponse, TransportError>,
        attempts: u32,
        reasks: u32,
    ) -> (Step, Observed) {
        let registry = Registry::builtin();
        let policy = RetryPolicy::default();
        let source = Source::default();
        let ctx = Context {
            kind: ApiKind::OpenAiCompatible,
            source: &source,
            registry: &registry,
            now_unix_ms: 1_795_000_000_000,
            attempts,
            reasks,
            policy: &policy,
            reread: None,
            budget: 2048,
            larger_budget: (attempts == 1).then_some(8192),
        };
        classify(result.as_ref(), &ctx)
    }

    /// A short name for a step, for the table.
    fn name(step: &Step) -> String {
        match step {
            Step::Done(Outcome::Record(_)) => "record".into(),
            Step::Done(Outcome::Failed(kind, _)) => format!("failed {kind:?}"),
            Step::Retry {
                wait: RetryWait::Backoff,
                ..
            } => "retry backoff".into(),
            Step::Retry {
                wait: RetryWait::Now,
                ..
            } => "retry now".into(),
            Step::Retry {
                wait: RetryWait::Server(d),
                ..
            } => format!("retry server {}s", d.as_secs_f64()),
            Step::Retry {
                wait: RetryWait::Larger(b),
                ..
            } => format!("retry with {b} tokens"),
            Step::StopBatch(_) => "stop".into(),
        }
    }

    #[test]
    fn decisions_by_table() {
        let ok = ok_body(PHRAE_FORM);
        let apology = ok_body("Sorry, I cannot read this form.");
        let net = || Err(TransportError::Network("Failed to fetch".into()));
        type Case = (
            &'static str,
            Result<HttpResponse, TransportError>,
            u32,
            u32,
            &'static str,
        );
        let cases: Vec<Case> = vec![
            ("answer", Ok(resp(200, &[], &ok)), 1, 0, "record"),
            (
                "apology, first time",
                Ok(resp(200, &[], &apology)),
                1,
                0,
                "retry now",
            ),
            (
                "apology, after a re-ask",
                Ok(resp(200, &[], &apology)),
                2,
                1,
                "failed Unreadable",
            ),
            (
                "body not JSON",
                Ok(resp(200, &[], "<html>")),
                1,
                0,
                "retry now",
            ),
            ("503", Ok(resp(503, &[], "")), 1, 0, "retry backoff"),
            (
                "503 on the last attempt",
                Ok(resp(503, &[], "")),
                3,
                0,
                "failed RetriesExhausted",
            ),
            (
                "429 with Retry-After",
                Ok(resp(429, &[("retry-after", "7")], "")),
                1,
                0,
                "retry server 7s",
            ),
            (
                "429, absurd Retry-After",
                Ok(resp(429, &[("retry-after", "1e400")], "")),
                1,
                0,
                "retry backoff",
            ),
            ("400", Ok(resp(400, &[], "")), 1, 0, "failed Api"),
            ("404", Ok(resp(404, &[], "")), 1, 0, "failed Api"),
            ("401", Ok(resp(401, &[], "")), 1, 0, "stop"),
            ("403", Ok(resp(403, &[], "")), 1, 0, "stop"),
            (
                "error in a 200, code 429",
                Ok(resp(
                    200,
                    &[],
                    r#"{"error":{"code":429,"message":"slow down"}}"#,
                )),
                1,
                0,
                "retry backoff",
            ),
            (
                "error in a 200, code 401",
                Ok(resp(
                    200,
                    &[],
                    r#"{"error":{"code":401,"message":"bad key"}}"#,
                )),
                1,
                0,
                "stop",
            ),
            (
                "error in a 200, no code",
                Ok(resp(200, &[], r#"{"error":{"message":"upstream"}}"#)),
                1,
                0,
                "retry backoff",
            ),
            ("network", net(), 1, 0, "retry backoff"),
            (
                "network, last attempt",
                net(),
                3,
                0,
                "failed RetriesExhausted",
            ),
            (
                "timeout",
                Err(TransportError::Timeout(20_000)),
                1,
                0,
                "retry backoff",
            ),
            (
                "aborted",
                Err(TransportError::Cancelled),
                1,
                0,
                "failed CancelledAfterSending",
            ),
        ];
        for (what, result, attempts, reasks, want) in cases {
            let (step, _) = run(result, attempts, reasks);
            assert_eq!(name(&step), want, "{what}: {step:?}");
        }
    }

    #[test]
    fn an_answer_cut_off_is_asked_again_once_with_the_larger_budget() {
        let cut = r#"{"choices":[{"message":{"content":"{\"votes\": {\"1\":"},"finish_reason":"length"}]}"#;
        let (first, _) = run(Ok(resp(200, &[], cut)), 1, 0);
        assert_eq!(name(&first), "retry with 8192 tokens");
        let (again, _) = run(Ok(resp(200, &[], cut)), 2, 0);
        assert_eq!(name(&again), "failed CutOff { tokens: 2048 }");
    }

    #[test]
    fn what_the_engine_learns() {
        let (_, seen) = run(
            Ok(resp(
                200,
                &[("x-ratelimit-limit-requests", "50")],
                &ok_body(PHRAE_FORM),
            )),
            1,
            0,
        );
        assert!(seen.success);
        assert_eq!(seen.stated_limit, Some(50.0));
        assert_eq!(seen.usage.map(|u| u.input_tokens), Some(7));
        let (_, seen) = run(Ok(resp(429, &[], "")), 1, 0);
        assert!(seen.throttled && !seen.success);
        let (_, seen) = run(Ok(resp(429, &[("retry-after", "2")], "")), 1, 0);
        assert!(!seen.throttled, "a named wait is a hold, not a slow-down");
        for (status, cause) in [
            (404, SystemicCause::NotFound),
            (402, SystemicCause::NoCredit),
            (400, SystemicCause::Refused),
        ] {
            assert_eq!(run(Ok(resp(status, &[], "")), 1, 0).1.systemic, Some(cause));
        }
        let (_, seen) = run(Err(TransportError::Network("x".into())), 1, 0);
        assert_eq!(seen.systemic, Some(SystemicCause::Network));
        assert_eq!(run(Ok(resp(503, &[], "")), 1, 0).1.systemic, None);
        assert_eq!(run(Err(TransportError::Timeout(1)), 1, 0).1.systemic, None);
    }

    #[test]
    fn messages_say_what_happened() {
        let (step, _) = run(Ok(resp(502, &[], "")), 3, 0);
        assert_eq!(
            step,
            Step::Done(Outcome::Failed(
                FailureKind::RetriesExhausted,
                "gave up after 3 attempts: HTTP 502: no details given".into()
            ))
        );
        let (step, _) = run(Ok(resp(200, &[], &ok_body("no idea"))), 2, 1);
        assert!(
            matches!(&step, Step::Done(Outcome::Failed(FailureKind::Unreadable, m)) if m.ends_with("(also after asking again)")),
            "{step:?}"
        );
    }
}
