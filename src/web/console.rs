//! A `ProgressCallback` that logs to the browser console:
//! "[3/100] (3%) ballot_003.png"; verbose mode adds retries, limiter waits,
//! server pauses and memory cleanups.

use crate::core::engine::progress::{
    event_line, progress_line, BallotError, BallotResult, EngineEvent, ProgressCallback,
};

/// Logs progress to the console.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsoleProgressCallback {
    /// Also log engine events.
    pub verbose: bool,
}

fn log(s: &str) {
    web_sys::console::log_1(&s.into());
}

impl ProgressCallback for ConsoleProgressCallback {
    fn on_start(&self, total: usize) {
        log(&format!("TallyScan: starting a batch of {total} ballot(s)"));
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, _: &BallotResult) {
        log(&progress_line(current, total, path));
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        web_sys::console::warn_1(
            &format!(
                "{} error: {}",
                progress_line(current, total, path),
                e.message
            )
            .into(),
        );
    }
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]) {
        log(&format!(
            "TallyScan: batch done, {} read, {} without result",
            results.len(),
            errors.len()
        ));
    }
    fn on_event(&self, e: &EngineEvent) {
        if self.verbose && !matches!(e, EngineEvent::LimiterWait { .. }) {
            log(&event_line(e));
        } else if self.verbose {
            web_sys::console::debug_1(&event_line(e).into());
        }
    }
}
