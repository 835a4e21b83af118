//! The signal-backed `ProgressCallback`: the only way the UI learns of a
//! batch's progress. Every callback updates signals the views read.

use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::batch::{BatchResult, StopReason};
use crate::core::engine::progress::{
    BallotError, BallotResult, EngineEvent, FailureKind, HiddenSpans, ProgressCallback, RateChange,
};
use crate::web::timer::now_ms;
use leptos::prelude::*;
use std::time::Duration;

/// Something the progress view says above the table (shown in the
/// current language).
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The server asked the whole batch to wait.
    ServerPause {
        /// Seconds.
        wait_s: f64,
        /// The status that asked.
        status: u16,
    },
    /// The batch stopped early.
    Stopped(StopReason),
}

use crate::core::results::table::RowFacts;
pub use crate::core::results::table::RowStatus;

/// Why a file has no record.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub kind: FailureKind,
    /// The engine's message (English, specific: shown as the detail).
    pub message: String,
    /// Requests made.
    pub attempts: u32,
}

/// One finished file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What the table shows, sorts and filters by.
    pub facts: RowFacts,
    /// Its record's position in [`SignalProgress::records`].
    pub record: Option<usize>,
    /// Why there is no record.
    pub error: Option<RowError>,
    /// The earlier file with the same content, when this is a copy.
    pub copy_of: Option<String>,
    /// Its index in the batch in view ([`SignalProgress::batch`]); `None`
    /// for imported records.
    pub origin: Option<usize>,
    /// Changes since it was read (a key for the table: a corrected row is
    /// drawn again).
    pub rev: u32,
}

impl Row {
    /// Position in the table, from 1.
    pub fn index(&self) -> usize {
        self.facts.index
    }
    /// How it ended.
    pub fn status(&self) -> RowStatus {
        self.facts.status.unwrap_or(RowStatus::NotStarted)
    }
}

/// The closing statistics of a run, shown in the current language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSummary {
    /// How long the run took, seconds.
    pub duration_s: f64,
    pub read: usize,
    pub review: usize,
    pub failed: usize,
    pub requests: u64,
    pub retries: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub cleanups: u32,
    /// Images read and prepared (one a ballot sent).
    pub prepared: u64,
    /// Finished before a reload (shown, not sent again).
    pub earlier: usize,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

/// The file name of ballot `of` (an index), from the rows already shown:
/// a copy is always reported right after the file it copies.
fn copy_name(of: &Option<usize>, rows: &RwSignal<Vec<Row>>) -> Option<String> {
    let of = (*of)? + 1;
    rows.with_untracked(|rows| {
        rows.iter()
            .find(|r| r.index() == of)
            .map(|r| r.facts.file.clone())
    })
}

/// Progress of the current batch, as signals.
#[derive(Clone, Copy)]
pub struct SignalProgress {
    /// Ballots reported so far.
    pub done: RwSignal<usize>,
    /// Of those, the ones finished before a reload (shown again, not sent).
    pub earlier: RwSignal<usize>,
    /// Dispatch is held because the network is gone.
    pub offline: RwSignal<bool>,
    /// Ballots in the batch.
    pub total: RwSignal<usize>,
    /// `performance.now()` at the start.
    pub started_ms: RwSignal<f64>,
    /// Ballots per minute so far.
    pub per_minute: RwSignal<f64>,
    /// Seconds left at the current pace.
    pub eta_s: RwSignal<Option<f64>>,
    pub retries: RwSignal<u64>,
    pub cleanups: RwSignal<u32>,
    /// Ballots without a result so far.
    pub errors: RwSignal<usize>,
    pub paused: RwSignal<bool>,
    /// The latest notice (server pause, stop reason).
    pub notice: RwSignal<Option<Notice>>,
    /// Why the batch stopped, once it did.
    pub stopped: RwSignal<Option<StopReason>>,
    /// The last change of the rate kept to.
    pub rate: RwSignal<Option<(f64, RateChange)>>,
    /// The request timeout in use, once shortened.
    pub timeout: RwSignal<Option<Duration>>,
    /// When the page was hidden during the batch.
    pub hidden: RwSignal<HiddenSpans>,
    /// Whether the screen is kept awake (`None` before a batch asks).
    pub wake_lock: RwSignal<Option<bool>>,
    /// One row per finished file.
    pub rows: RwSignal<Vec<Row>>,
    /// The statistics after the batch.
    pub summary: RwSignal<Option<RunSummary>>,
    /// The id of the batch in view (its rows with an origin belong to it).
    pub batch: RwSignal<Option<String>>,
    /// Tokens used so far.
    pub spent: RwSignal<crate::core::api::provider::Usage>,
    /// Ballots handed to the fallback model.
    pub fallbacks: RwSignal<u32>,
    /// Flagged ballots read a second time.
    pub rereads: RwSignal<u32>,
    /// The checked records, in the order they finished (for export).
    pub records: RwSignal<Vec<BallotRecord>>,
}

impl SignalProgress {
    pub fn new() -> Self {
        SignalProgress {
            done: RwSignal::new(0),
            earlier: RwSignal::new(0),
            offline: RwSignal::new(false),
            total: RwSignal::new(0),
            started_ms: RwSignal::new(0.0),
            per_minute: RwSignal::new(0.0),
            eta_s: RwSignal::new(None),
            retries: RwSignal::new(0),
            cleanups: RwSignal::new(0),
            errors: RwSignal::new(0),
            paused: RwSignal::new(false),
            notice: RwSignal::new(None),
            stopped: RwSignal::new(None),
            rate: RwSignal::new(None),
            timeout: RwSignal::new(None),
            hidden: RwSignal::new(HiddenSpans::default()),
            wake_lock: RwSignal::new(None),
            rows: RwSignal::new(Vec::new()),
            summary: RwSignal::new(None),
            batch: RwSignal::new(None),
            spent: RwSignal::new(Default::default()),
            fallbacks: RwSignal::new(0),
            rereads: RwSignal::new(0),
            records: RwSignal::new(Vec::new()),
        }
    }

    fn finished(&self, current: usize, total: usize, row: Row) {
        // Keep the table in the order the files were picked, whatever order they finish in.
        self.rows.update(|rows| {
            let at = rows.partition_point(|r| r.index() < row.index());
            rows.insert(at, row);
        });
        self.done.set(current);
        let elapsed_min = (now_ms() - self.started_ms.get_untracked()) / 60_000.0;
        let new = current.saturating_sub(self.earlier.get_untracked());
        if elapsed_min > 0.0 && new > 0 {
            let rate = new as f64 / elapsed_min;
            self.per_minute.set(rate);
            self.eta_s
                .set((rate > 0.0).then(|| total.saturating_sub(current) as f64 / rate * 60.0));
        }
    }

    /// Keeps `record` and returns its position in [`Self::records`].
    fn keep(&self, record: &BallotRecord) -> usize {
        let mut at = 0;
        self.records.update(|all| {
            at = all.len();
            all.push(record.clone());
        });
        at
    }

    /// Adds records imported from a file (the Python tool's results, or a
    /// TallyScan export) after the rows already shown, one row each.
    pub fn add_imported(&self, records: Vec<BallotRecord>) {
        let first = self
            .rows
            .with_untracked(|r| r.iter().map(Row::index).max().unwrap_or(0))
            + 1;
        let held = self.records.with_untracked(Vec::len);
        let rows: Vec<Row> = records
            .iter()
            .enumerate()
            .map(|(k, r)| Row {
                facts: RowFacts::of_record(first + k, &r.source.file_name, r),
                record: Some(held + k),
                error: None,
                copy_of: None,
                origin: None,
                rev: 0,
            })
            .collect();
        self.rows.update(|all| all.extend(rows));
        self.records.update(|all| all.extend(records));
    }

    /// Replaces the record of the row at `pos` (a person corrected or
    /// accepted it): the row, the tallies and the exports follow. Returns
    /// the ballot's index in the batch in view, when it belongs to it.
    pub fn replace(&self, pos: usize, record: BallotRecord) -> Option<usize> {
        let (at, origin) = self
            .rows
            .with_untracked(|rows| rows.get(pos).map(|r| (r.record, r.origin)))?;
        let at = at?;
        self.rows.update(|rows| {
            if let Some(row) = rows.get_mut(pos) {
                row.facts = RowFacts::of_record(row.index(), &row.facts.file, &record);
                row.rev += 1;
            }
        });
        self.records.update(|all| {
            if let Some(slot) = all.get_mut(at) {
                *slot = record;
            }
        });
        origin
    }

    /// Empties the view (a cleared device).
    pub fn clear(&self) {
        self.on_start(0);
    }

    /// Shows a batch kept on this device (after a reload), as it ended.
    pub fn show_kept(&self, total: usize, rows: &[crate::core::engine::progress::BallotOutcome]) {
        let replay = crate::core::device::session::Replay { inner: self, rows };
        replay.on_start(total);
        self.on_complete(&[], &[]);
    }

    /// Keeps the closing statistics.
    pub fn set_summary(&self, r: &BatchResult) {
        let review = r
            .results
            .iter()
            .filter(|x| x.record.in_review_queue())
            .count();
        if let Some(reason) = &r.stopped {
            self.stopped.set(Some(reason.clone()));
            if *reason != StopReason::Cancelled {
                self.notice.set(Some(Notice::Stopped(reason.clone())));
            }
        }
        self.summary.set(Some(RunSummary {
            duration_s: r.end.saturating_sub(r.start).as_secs_f64(),
            read: r.results.len(),
            review,
            failed: r.errors.len(),
            requests: r.requests_sent,
            retries: r.retries,
            per_second: r.requests_per_second(),
            p50_ms: r.latency_p50_ms,
            p95_ms: r.latency_p95_ms,
            cleanups: r.memory_cleanups,
            prepared: r.preparations,
            earlier: self.earlier.get_untracked(),
            tokens_in: r.tokens.input_tokens,
            tokens_out: r.tokens.output_tokens,
        }));
    }
}

impl Default for SignalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl ProgressCallback for SignalProgress {
    fn on_start(&self, total: usize) {
        self.total.set(total);
        self.done.set(0);
        self.earlier.set(0);
        self.offline.set(false);
        self.rows.set(Vec::new());
        self.started_ms.set(now_ms());
        self.per_minute.set(0.0);
        self.eta_s.set(None);
        self.retries.set(0);
        self.cleanups.set(0);
        self.errors.set(0);
        self.paused.set(false);
        self.notice.set(None);
        self.stopped.set(None);
        self.rate.set(None);
        self.timeout.set(None);
        self.hidden.set(HiddenSpans::default());
        self.summary.set(None);
        self.spent.set(Default::default());
        self.fallbacks.set(0);
        self.rereads.set(0);
        self.records.set(Vec::new());
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, result: &BallotResult) {
        let r = &result.record;
        let at = self.keep(r);
        let index = result.index + 1;
        self.finished(
            current,
            total,
            Row {
                facts: RowFacts::of_record(index, path, r),
                record: Some(at),
                error: None,
                copy_of: copy_name(&result.copy_of, &self.rows),
                origin: Some(result.index),
                rev: 0,
            },
        );
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        let status = if e.kind.is_unfinished() {
            RowStatus::NotStarted
        } else {
            RowStatus::Error
        };
        if status == RowStatus::Error {
            self.errors.update(|n| *n += 1);
        }
        self.finished(
            current,
            total,
            Row {
                facts: RowFacts::of_error(e.index + 1, path, status),
                record: None,
                error: Some(RowError {
                    kind: e.kind.clone(),
                    message: e.message.clone(),
                    attempts: e.attempts,
                }),
                copy_of: copy_name(&e.copy_of, &self.rows),
                origin: Some(e.index),
                rev: 0,
            },
        );
    }
    fn on_complete(&self, _: &[BallotResult], _: &[BallotError]) {
        self.eta_s.set(None);
        self.paused.set(false);
    }
    fn on_event(&self, e: &EngineEvent) {
        match e {
            EngineEvent::Retry { .. } => self.retries.update(|n| *n += 1),
            EngineEvent::MemoryCleanup { count, .. } => self.cleanups.set(*count),
            EngineEvent::ServerPause { wait, status } => {
                self.notice.set(Some(Notice::ServerPause {
                    wait_s: wait.as_secs_f64(),
                    status: *status,
                }))
            }
            EngineEvent::Paused => self.paused.set(true),
            EngineEvent::Resumed => self.paused.set(false),
            EngineEvent::Stopping(why) => {
                self.stopped.set(Some(why.clone()));
                if *why != StopReason::Cancelled {
                    self.notice.set(Some(Notice::Stopped(why.clone())));
                }
            }
            EngineEvent::Rate { per_minute, change } => self.rate.set(Some((*per_minute, *change))),
            EngineEvent::Timeout(d) => self.timeout.set(Some(*d)),
            EngineEvent::Spent(u) => self.spent.set(*u),
            EngineEvent::Fallback { .. } => self.fallbacks.update(|n| *n += 1),
            EngineEvent::Reread { .. } => self.rereads.update(|n| *n += 1),
            EngineEvent::Replayed(n) => {
                self.earlier.set(*n);
                self.started_ms.set(now_ms());
                self.per_minute.set(0.0);
                self.eta_s.set(None);
            }
            EngineEvent::LimiterWait { .. }
            | EngineEvent::Concurrency(_)
            | EngineEvent::Rebooked { .. } => {}
        }
    }
}
