//! The signal-backed `ProgressCallback`: the only way the UI learns of a
//! batch's progress. Every callback updates signals the views read.

use crate::core::ballot::BallotRecord;
use crate::core::batch::{BatchResult, StopReason};
use crate::core::progress::{
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

/// How a file ended, as the table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// A record with no problem that needs a person.
    Read,
    /// A record that needs review.
    Review,
    /// No record.
    Error,
    /// Not started (cancelled, or the key was refused).
    NotStarted,
}

/// One finished file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Position in the batch, from 1.
    pub index: usize,
    pub file: String,
    /// How it ended.
    pub status: RowStatus,
    /// What was read (a one-line summary), or the error.
    pub text: String,
    /// Confidence level, for records.
    pub level: Option<String>,
    /// The earlier file with the same content, when this is a copy.
    pub copy_of: Option<String>,
    /// For a ballot the batch did not finish: how, and requests made.
    pub unfinished: Option<(FailureKind, u32)>,
}

/// One line saying what a record holds: "แพร่ เขต 1 · หน่วย 3 · ส.ส. 5/18 · valid 614 · total 657".
pub fn record_summary(r: &BallotRecord) -> String {
    let mut parts = Vec::new();
    match (&r.province, r.constituency) {
        (Some(p), Some(c)) => parts.push(format!("{p} เขต {c}")),
        (Some(p), None) => parts.push(p.clone()),
        (None, Some(c)) => parts.push(format!("เขต {c}")),
        (None, None) => {}
    }
    if let Some(u) = r.polling_unit {
        parts.push(format!("หน่วย {u}"));
    }
    if let Some(f) = r.form {
        parts.push(f.label());
    }
    if let Some(p) = r.page {
        parts.push(format!("page {}", p.number));
    }
    if let Some(file) = &r.source.imported_from {
        parts.push(format!("imported from / นำเข้าจาก {file}"));
    }
    if !r.has_vote_table {
        parts.push("no vote table / ไม่มีตารางคะแนน".into());
    } else {
        parts.push(format!("{} rows", r.rows.len()));
        let d = crate::core::ballot::digits;
        if let Some(v) = d(&r.totals.valid) {
            parts.push(format!("valid {v}"));
        }
        if let Some(t) = d(&r.totals.total) {
            parts.push(format!("total {t}"));
        }
    }
    let mut s = parts.join(" · ");
    if let Some(i) = r
        .issues
        .iter()
        .find(|i| i.severity == crate::core::ballot::Severity::Error)
    {
        s.push_str(" — ");
        s.push_str(&i.message);
    }
    s
}

/// The file name of ballot `of` (an index), from the rows already shown:
/// a copy is always reported right after the file it copies.
fn copy_name(of: &Option<usize>, rows: &RwSignal<Vec<Row>>) -> Option<String> {
    let of = (*of)? + 1;
    rows.with_untracked(|rows| rows.iter().find(|r| r.index == of).map(|r| r.file.clone()))
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
    /// The statistics line after the batch.
    pub summary: RwSignal<Option<String>>,
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
            records: RwSignal::new(Vec::new()),
        }
    }

    fn finished(&self, current: usize, total: usize, row: Row) {
        // Keep the table in the order the files were picked, whatever order they finish in.
        self.rows.update(|rows| {
            let at = rows.partition_point(|r| r.index < row.index);
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

    /// Adds records imported from a file (the Python tool's results, or a
    /// TallyScan export) after the rows already shown, one row each.
    pub fn add_imported(&self, records: Vec<BallotRecord>) {
        let first = self
            .rows
            .with_untracked(|r| r.iter().map(|x| x.index).max().unwrap_or(0))
            + 1;
        let rows: Vec<Row> = records
            .iter()
            .enumerate()
            .map(|(k, r)| Row {
                index: first + k,
                file: r.source.file_name.clone(),
                status: if r.confidence.needs_review {
                    RowStatus::Review
                } else {
                    RowStatus::Read
                },
                text: record_summary(r),
                level: Some(r.confidence.level.name().to_string()),
                copy_of: None,
                unfinished: None,
            })
            .collect();
        self.rows.update(|all| all.extend(rows));
        self.records.update(|all| all.extend(records));
    }

    /// Empties the view (a cleared device).
    pub fn clear(&self) {
        self.on_start(0);
    }

    /// Shows a batch kept on this device (after a reload), as it ended.
    pub fn show_kept(&self, total: usize, rows: &[crate::core::progress::BallotOutcome]) {
        let replay = crate::core::session::Replay { inner: self, rows };
        replay.on_start(total);
        self.on_complete(&[], &[]);
    }

    /// Writes the closing statistics line.
    pub fn set_summary(&self, r: &BatchResult) {
        let review = r
            .results
            .iter()
            .filter(|x| x.record.confidence.needs_review)
            .count();
        let mut s = format!(
            "{} read ({} need review), {} without result · {} requests, {} retries, {:.2} req/s · latency p50 {:.0} ms, p95 {:.0} ms · {} memory cleanups",
            r.results.len(),
            review,
            r.errors.len(),
            r.requests_sent,
            r.retries,
            r.requests_per_second(),
            r.latency_p50_ms,
            r.latency_p95_ms,
            r.memory_cleanups
        );
        let earlier = self.earlier.get_untracked();
        if earlier > 0 {
            s.push_str(&format!(
                " · {earlier} finished before the reload (not sent again) / {earlier} ใบอ่านไว้ก่อนโหลดหน้าใหม่ (ไม่ส่งซ้ำ)"
            ));
        }
        if r.tokens.input_tokens + r.tokens.output_tokens > 0 {
            s.push_str(&format!(
                " · tokens {} in, {} out",
                r.tokens.input_tokens, r.tokens.output_tokens
            ));
        }
        if let Some(reason) = &r.stopped {
            self.stopped.set(Some(reason.clone()));
            if *reason != StopReason::Cancelled {
                self.notice.set(Some(Notice::Stopped(reason.clone())));
            }
        }
        self.summary.set(Some(s));
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
        self.records.set(Vec::new());
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, result: &BallotResult) {
        let r = &result.record;
        self.records.update(|all| all.push(r.clone()));
        let status = if r.confidence.needs_review {
            RowStatus::Review
        } else {
            RowStatus::Read
        };
        let level = Some(r.confidence.level.name().to_string());
        self.finished(
            current,
            total,
            Row {
                index: result.index + 1,
                file: path.to_string(),
                status,
                text: record_summary(r),
                level,
                copy_of: copy_name(&result.copy_of, &self.rows),
                unfinished: None,
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
                index: e.index + 1,
                file: path.to_string(),
                status,
                text: e.message.clone(),
                level: None,
                copy_of: copy_name(&e.copy_of, &self.rows),
                unfinished: e.kind.is_unfinished().then(|| (e.kind.clone(), e.attempts)),
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
