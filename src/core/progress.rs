//! How a batch reports: the `ProgressCallback` interface of the Python tool
//! (`on_start`, `on_progress`, `on_error`, `on_complete`), plus `on_event`
//! for what a verbose log wants (retries, limiter waits, server pauses,
//! memory cleanups). Every ballot is reported exactly once, through
//! `on_progress` or `on_error`, with `current` counting 1..=total.

use super::ballot::BallotRecord;
use std::time::Duration;

/// Why a ballot has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// The image could not be read or sent (corrupt, not an image, too large).
    Image,
    /// The API answered with an error status that retrying will not fix.
    Api,
    /// Every attempt failed with a retryable problem.
    RetriesExhausted,
    /// The model's answer had no usable form data.
    Unreadable,
    /// Not started: the batch was cancelled or stopped before this ballot finished.
    NotStarted,
}

/// A ballot that ended without a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotError {
    /// Index in the batch.
    pub index: usize,
    /// File name.
    pub file: String,
    /// What kind of failure.
    pub kind: FailureKind,
    /// A specific, readable message.
    pub message: String,
    /// Requests made for it.
    pub attempts: u32,
    /// The last HTTP status seen, if any.
    pub last_status: Option<u16>,
}

/// A ballot that ended with a record.
#[derive(Debug, Clone, PartialEq)]
pub struct BallotResult {
    /// Index in the batch.
    pub index: usize,
    /// File name.
    pub file: String,
    /// The checked record.
    pub record: BallotRecord,
    /// Requests made for it.
    pub attempts: u32,
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
    /// Dispatch paused by the user.
    Paused,
    /// Dispatch resumed.
    Resumed,
    /// The batch stops early (key refused, or cancelled).
    Stopping(String),
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
        EngineEvent::Paused => "paused".into(),
        EngineEvent::Resumed => "resumed".into(),
        EngineEvent::Stopping(why) => format!("stopping: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
