//! How a batch reports: the `ProgressCallback` interface of the Python tool
//! (`on_start`, `on_progress`, `on_error`, `on_complete`), plus `on_event`
//! for what a verbose log wants (retries, limiter waits, server pauses,
//! memory cleanups). Every ballot is reported exactly once, through
//! `on_progress` or `on_error`, with `current` counting 1..=total.

use crate::core::domain::ballot::BallotRecord;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Why a ballot has no result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The file could not be read (or, in batches kept before the kinds
    /// below, any image problem).
    Image,
    /// The file is empty.
    EmptyFile,
    /// The file is larger than can be sent.
    TooLarge,
    /// An iPhone HEIC photo, which this browser cannot read.
    Heic,
    /// Not an image the model can read (PNG, JPEG, GIF or WebP).
    NotAnImage,
    /// An image that cannot be decoded: damaged or truncated.
    Damaged,
    /// The API answered with an error status that retrying will not fix.
    Api,
    /// Every attempt failed with a retryable problem.
    RetriesExhausted,
    /// The model's answer had no usable form data.
    Unreadable,
    /// The answer was cut off by the token budget, even asked again with
    /// the larger one: `tokens` is the budget it ran out of.
    CutOff { tokens: u32 },
    /// Not started: the batch was cancelled or stopped before any request
    /// for this ballot was sent.
    NotStarted,
    /// The batch stopped while this ballot's request was on its way: the API
    /// may have read it (and may bill it), but no answer was kept.
    CancelledAfterSending,
    /// The batch stopped while this ballot waited to be tried again.
    Interrupted,
    /// Not started: a resumed batch did not have the file at hand (its
    /// images were not kept and it was not picked again).
    Missing,
    /// A PDF that asks for a password.
    PdfLocked,
    /// A PDF that cannot be opened (damaged, truncated).
    PdfDamaged,
    /// A page of a PDF that could not be drawn.
    PageFailed,
    /// A blank page of a PDF: nothing to read, not sent.
    BlankPage,
}

impl FailureKind {
    /// Whether the ballot never finished because the batch stopped (its row
    /// says so; it is not a reading failure).
    pub fn is_unfinished(&self) -> bool {
        matches!(
            self,
            FailureKind::NotStarted
                | FailureKind::CancelledAfterSending
                | FailureKind::Interrupted
                | FailureKind::Missing
        )
    }
}

/// A ballot that ended without a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotError {
    pub index: usize,
    pub file: String,
    /// What kind of failure.
    pub kind: FailureKind,
    /// A specific, readable message.
    pub message: String,
    /// Requests made for it.
    pub attempts: u32,
    /// The last HTTP status seen, if any.
    pub last_status: Option<u16>,
    /// When the file has the same content as an earlier one of the batch,
    /// that one's index: it was sent once and this row shares its outcome.
    pub copy_of: Option<usize>,
}

/// A ballot that ended with a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotResult {
    pub index: usize,
    pub file: String,
    /// The checked record.
    pub record: BallotRecord,
    /// Requests made for it.
    pub attempts: u32,
    /// When the file has the same content as an earlier one of the batch,
    /// that one's index: it was sent once and this row shares its record.
    pub copy_of: Option<usize>,
}

/// Why attempts fail in the same way again and again when the endpoint or
/// the account is wrong (not the image): the batch stops early on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemicCause {
    /// No answer at all: wrong address, server down, CORS refused, or a
    /// plain-http endpoint blocked by the browser.
    Network,
    /// HTTP 404: the endpoint path or the model does not exist.
    NotFound,
    /// HTTP 402: no credit left.
    NoCredit,
    /// HTTP 400: the API refuses the request (often: the model takes no images).
    Refused,
}

impl SystemicCause {
    /// What the volunteer should check, in English.
    pub fn advice(self) -> &'static str {
        match self {
            SystemicCause::Network => "no answer from the endpoint: check its address, that the server is running, and that it allows requests from this page (CORS; for Ollama set OLLAMA_ORIGINS)",
            SystemicCause::NotFound => "the endpoint answers \"not found\" (HTTP 404): check the endpoint address and the model name",
            SystemicCause::NoCredit => "the account has no credit left (HTTP 402): top it up or use another key",
            SystemicCause::Refused => "the API refuses the requests (HTTP 400): check that the model reads images and that the API format is right",
        }
    }
}

/// Why a batch ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The user cancelled.
    Cancelled,
    /// The API refused the key (401/403); the message says what it said.
    KeyRefused(String),
    /// A result could not be stored on this device (the storage is full,
    /// or the browser refused): the batch stops so no more is paid for
    /// that cannot be kept.
    Storage(String),
    /// Spending reached the budget the user set (dollars, in millionths).
    Budget {
        /// Spent so far.
        spent_micros: u64,
        /// The cap.
        cap_micros: u64,
    },
    /// The first attempts all failed the same way before any succeeded.
    Systemic {
        /// What kind of failure.
        cause: SystemicCause,
        /// How many attempts failed so.
        failures: u32,
        /// The last one's message.
        last: String,
    },
}

impl StopReason {
    /// Why, in English, as the rows that did not finish say it.
    pub fn describe(&self) -> String {
        match self {
            StopReason::Cancelled => "the batch was cancelled".into(),
            StopReason::KeyRefused(m) => format!("the batch stopped because {m}"),
            StopReason::Storage(m) => {
                format!("the batch stopped because a result could not be stored on this device ({m})")
            }
            StopReason::Budget {
                spent_micros,
                cap_micros,
            } => format!(
                "budget reached: ${:.2} spent of ${:.2}",
                *spent_micros as f64 / 1e6,
                *cap_micros as f64 / 1e6
            ),
            StopReason::Systemic {
                cause,
                failures,
                last,
            } => format!(
                "the batch stopped after the first {failures} requests failed the same way ({last}): {}",
                cause.advice()
            ),
        }
    }
}

/// A ballot's row: a result or an error.
// Rows live one at a time on their way to the journal and the callback:
// boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotOutcome {
    /// A record.
    Result(BallotResult),
    /// No record.
    Error(BallotError),
}

impl BallotOutcome {
    /// The ballot's index in the batch.
    pub fn index(&self) -> usize {
        match self {
            BallotOutcome::Result(r) => r.index,
            BallotOutcome::Error(e) => e.index,
        }
    }
}

/// Why the engine changed the request rate it keeps to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateChange {
    /// The server answered 429 without saying how long to wait: the rate
    /// is halved, and grows back with each answer.
    Throttled,
    /// Back to the full rate after a slow-down.
    Recovered,
    /// The server's headers state a lower limit (requests a minute) than
    /// the one configured, which is lowered to it for this batch.
    ServerLimit(f64),
}

/// What a verbose log shows besides results.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    /// A ballot will be tried again after `delay`.
    Retry {
        /// The ballot.
        index: usize,
        /// The attempt that failed (1-based).
        attempt: u32,
        /// The wait before the next one.
        delay: Duration,
        /// Why.
        reason: String,
    },
    /// A request waits for the rate limiter.
    LimiterWait {
        /// The ballot.
        index: usize,
        /// How long.
        wait: Duration,
    },
    /// The server asked for a pause; the whole batch waits.
    ServerPause {
        /// How long.
        wait: Duration,
        /// The status that asked.
        status: u16,
    },
    /// Image data of finished ballots was freed.
    MemoryCleanup {
        /// Cleanups so far.
        count: u32,
        /// Objects freed in this one.
        released: usize,
    },
    /// The number of requests in flight was resized.
    Concurrency(usize),
    /// The rate the engine keeps to changed.
    Rate {
        /// Requests per minute from now on.
        per_minute: f64,
        /// Why.
        change: RateChange,
    },
    /// A request woke later than its slot, or the rate was lowered after
    /// it booked: admission was checked again right before sending and it
    /// books a new slot instead of going out with others in a burst.
    Rebooked {
        /// The ballot.
        index: usize,
        /// How long it must still wait.
        wait: Duration,
    },
    /// The request timeout in use changed (shortened from the observed
    /// latency, never above the setting).
    Timeout(Duration),
    /// Dispatch paused by the user.
    Paused,
    Resumed,
    /// A resumed batch showed again the ballots finished before a reload
    /// (they were not sent again).
    Replayed(usize),
    /// The tokens the batch has used so far (after each answer that
    /// reported them).
    Spent(crate::core::api::provider::Usage),
    /// A flagged ballot is read a second time, for `cells` of its counts.
    Reread {
        /// The ballot.
        index: usize,
        /// Counts asked about.
        cells: usize,
    },
    /// A ballot goes to the fallback model.
    Fallback {
        /// The ballot.
        index: usize,
        /// The fallback model.
        model: String,
        /// Why the first model did not read it.
        reason: String,
    },
    /// The batch stops early.
    Stopping(StopReason),
}

/// When the page was hidden during a batch, and for how long: browsers slow
/// down the timers of hidden pages, so the progress view says so.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HiddenSpans {
    times: u32,
    total: Duration,
    since: Option<Duration>,
}

impl HiddenSpans {
    /// The page was hidden at `now`.
    pub fn hidden(&mut self, now: Duration) {
        if self.since.is_none() {
            self.since = Some(now);
            self.times += 1;
        }
    }
    /// The page was shown again at `now`.
    pub fn shown(&mut self, now: Duration) {
        if let Some(since) = self.since.take() {
            self.total = self.total.saturating_add(now.saturating_sub(since));
        }
    }
    /// How many times it was hidden.
    pub fn times(&self) -> u32 {
        self.times
    }
    /// How long it was hidden in all, up to `now`.
    pub fn total(&self, now: Duration) -> Duration {
        let open = self.since.map_or(Duration::ZERO, |s| now.saturating_sub(s));
        self.total.saturating_add(open)
    }
    /// Whether it is hidden now.
    pub fn is_hidden(&self) -> bool {
        self.since.is_some()
    }
}

/// Receives a batch's progress.
pub trait ProgressCallback {
    /// The batch starts with `total` ballots.
    fn on_start(&self, total: usize);
    /// A ballot finished with a record.
    fn on_progress(&self, current: usize, total: usize, path: &str, result: &BallotResult);
    /// A ballot ended without one.
    fn on_error(&self, current: usize, total: usize, path: &str, error: &BallotError);
    /// The batch is over.
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]);
    /// Anything else worth logging; ignored by default.
    fn on_event(&self, _event: &EngineEvent) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullProgressCallback;

impl ProgressCallback for NullProgressCallback {
    fn on_start(&self, _: usize) {}
    fn on_progress(&self, _: usize, _: usize, _: &str, _: &BallotResult) {}
    fn on_error(&self, _: usize, _: usize, _: &str, _: &BallotError) {}
    fn on_complete(&self, _: &[BallotResult], _: &[BallotError]) {}
}

/// A borrowed callback hears what it would hear itself.
impl<T: ProgressCallback + ?Sized> ProgressCallback for &T {
    fn on_start(&self, total: usize) {
        (**self).on_start(total);
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, result: &BallotResult) {
        (**self).on_progress(current, total, path, result);
    }
    fn on_error(&self, current: usize, total: usize, path: &str, error: &BallotError) {
        (**self).on_error(current, total, path, error);
    }
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]) {
        (**self).on_complete(results, errors);
    }
    fn on_event(&self, event: &EngineEvent) {
        (**self).on_event(event);
    }
}

/// Both callbacks hear everything (e.g. the UI's signals and the console).
impl<A: ProgressCallback, B: ProgressCallback> ProgressCallback for (A, B) {
    fn on_start(&self, total: usize) {
        self.0.on_start(total);
        self.1.on_start(total);
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, result: &BallotResult) {
        self.0.on_progress(current, total, path, result);
        self.1.on_progress(current, total, path, result);
    }
    fn on_error(&self, current: usize, total: usize, path: &str, error: &BallotError) {
        self.0.on_error(current, total, path, error);
        self.1.on_error(current, total, path, error);
    }
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]) {
        self.0.on_complete(results, errors);
        self.1.on_complete(results, errors);
    }
    fn on_event(&self, event: &EngineEvent) {
        self.0.on_event(event);
        self.1.on_event(event);
    }
}

/// The console line for a finished ballot: "[3/100] (3%) ballot_003.png".
pub fn progress_line(current: usize, total: usize, path: &str) -> String {
    let pct = (current * 100).checked_div(total).unwrap_or(100);
    format!("[{current}/{total}] ({pct}%) {path}")
}

/// The verbose console line for an event.
pub fn event_line(e: &EngineEvent) -> String {
    match e {
        EngineEvent::Retry {
            index,
            attempt,
            delay,
            reason,
        } => {
            format!(
                "retry: ballot #{} attempt {attempt} failed ({reason}); next in {:.1} s",
                index + 1,
                delay.as_secs_f64()
            )
        }
        EngineEvent::LimiterWait { index, wait } => format!(
            "rate limit: ballot #{} waits {} ms",
            index + 1,
            wait.as_millis()
        ),
        EngineEvent::ServerPause { wait, status } => format!(
            "server asked to wait {:.1} s (HTTP {status}): whole batch pauses",
            wait.as_secs_f64()
        ),
        EngineEvent::MemoryCleanup { count, released } => {
            format!("memory cleanup #{count}: freed {released} image objects")
        }
        EngineEvent::Concurrency(n) => format!("concurrency: {n} requests in flight"),
        EngineEvent::Rate { per_minute, change } => {
            let why = match change {
                RateChange::Throttled => "HTTP 429 without a wait: slowing down".to_string(),
                RateChange::Recovered => "back to the full rate".to_string(),
                RateChange::ServerLimit(l) => format!("the API states a limit of {l:.0} a minute"),
            };
            format!("rate: {per_minute:.1} requests a minute ({why})")
        }
        EngineEvent::Rebooked { index, wait } => format!(
            "rate limit: ballot #{} woke late or the rate fell; books again ({} ms)",
            index + 1,
            wait.as_millis()
        ),
        EngineEvent::Timeout(d) => format!("request timeout now {:.0} s", d.as_secs_f64()),
        EngineEvent::Reread { index, cells } => {
            format!("ballot {} read again for {cells} count(s)", index + 1)
        }
        EngineEvent::Fallback {
            index,
            model,
            reason,
        } => format!(
            "ballot #{} goes to the fallback model {model} ({reason})",
            index + 1
        ),
        EngineEvent::Spent(u) => format!(
            "tokens so far: {} in, {} out",
            u.input_tokens, u.output_tokens
        ),
        EngineEvent::Paused => "paused".into(),
        EngineEvent::Replayed(n) => {
            format!("resumed: {n} ballots finished before are not sent again")
        }
        EngineEvent::Resumed => "resumed".into(),
        EngineEvent::Stopping(why) => format!("stopping: {}", why.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_spans_add_up() {
        let s = Duration::from_secs;
        let mut h = HiddenSpans::default();
        h.hidden(s(10));
        h.hidden(s(12)); // still the same span
        h.shown(s(40));
        h.shown(s(41));
        h.hidden(s(100));
        assert_eq!(
            (h.times(), h.total(s(110)), h.is_hidden()),
            (2, s(40), true)
        );
        h.shown(s(130));
        assert_eq!((h.total(s(500)), h.is_hidden()), (s(60), false));
    }

    #[test]
    fn lines() {
        assert_eq!(
            progress_line(3, 100, "ballot_003.png"),
            "[3/100] (3%) ballot_003.png"
        );
        assert_eq!(progress_line(0, 0, "x"), "[0/0] (100%) x");
        let e = EngineEvent::Retry {
            index: 0,
            attempt: 1,
            delay: Duration::from_millis(4500),
            reason: "HTTP 503".into(),
        };
        assert_eq!(
            event_line(&e),
            "retry: ballot #1 attempt 1 failed (HTTP 503); next in 4.5 s"
        );
    }
}
