//! The batch's books: every ballot reported exactly once (`current`
//! counting 1..=total), copies reported with the ballot they copy, memory
//! released every N finished ballots, and at the end whatever did not
//! finish reported with why.

use super::super::ballot::BallotRecord;
use super::super::ports::ImageSource;
use super::super::progress::{
    BallotError, BallotResult, EngineEvent, FailureKind, ProgressCallback,
};
use super::classify::Outcome;
use super::{BatchOptions, BatchResult, StopReason};
use std::collections::BTreeMap;

/// What happened to one ballot's requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tries {
    /// Requests sent for it.
    pub attempts: u32,
    /// The last HTTP status seen.
    pub last_status: Option<u16>,
    /// A request is on its way and unanswered.
    pub awaiting: bool,
}

pub(super) struct Ledger<'a> {
    images: &'a dyn ImageSource,
    progress: &'a dyn ProgressCallback,
    cleanup_every: Option<usize>,
    current: usize,
    finished: usize,
    since_cleanup: Vec<usize>,
    copies: BTreeMap<usize, Vec<usize>>,
    pub(super) result: BatchResult,
}

impl<'a> Ledger<'a> {
    pub(super) fn new(
        images: &'a dyn ImageSource,
        progress: &'a dyn ProgressCallback,
        opts: &BatchOptions,
    ) -> Self {
        Ledger {
            images,
            progress,
            cleanup_every: opts
                .enable_memory_cleanup
                .then_some(opts.memory_cleanup_interval.max(1)),
            current: 0,
            finished: 0,
            since_cleanup: Vec::new(),
            copies: BTreeMap::new(),
            result: BatchResult {
                total: images.len(),
                ..BatchResult::default()
            },
        }
    }

    /// Later files with the same content as `first`: reported with it.
    pub(super) fn set_copies(&mut self, copies: BTreeMap<usize, Vec<usize>>) {
        self.copies = copies;
    }

    /// Records why the batch stops; the first reason stands.
    pub(super) fn stop(&mut self, reason: StopReason) {
        if self.result.stopped.is_none() {
            self.progress
                .on_event(&EngineEvent::Stopping(reason.clone()));
            self.result.stopped = Some(reason);
        }
    }

    /// Whether the batch stops.
    pub(super) fn stopped(&self) -> bool {
        self.result.stopped.is_some()
    }

    /// A ballot that finished, and its copies.
    pub(super) fn record(&mut self, index: usize, outcome: Outcome, tries: Tries) {
        let copies = self.copies.remove(&index).unwrap_or_default();
        match outcome {
            Outcome::Record(record) => {
                for (i, copy_of) in self.with_copies(index, &copies) {
                    let mut record: BallotRecord = (*record).clone();
                    record.source.file_name = self.images.name(i);
                    let attempts = if copy_of.is_some() { 0 } else { tries.attempts };
                    self.result_row(i, record, attempts, copy_of);
                }
            }
            Outcome::Failed(kind, message) => {
                for (i, copy_of) in self.with_copies(index, &copies) {
                    let message = match copy_of {
                        None => message.clone(),
                        Some(_) => format!("{message} (same file as {})", self.images.name(index)),
                    };
                    let tries = if copy_of.is_some() {
                        Tries::default()
                    } else {
                        tries
                    };
                    self.error_row(i, kind.clone(), message, tries, copy_of);
                }
            }
        }
    }

    /// A ballot refused before any request (the survey).
    pub(super) fn refused(&mut self, index: usize, message: String) {
        self.error_row(index, FailureKind::Image, message, Tries::default(), None);
    }

    /// Reports what did not finish (with its copies), frees what is left
    /// and closes the books.
    pub(super) fn finish(mut self, mut unfinished: Vec<(usize, Tries)>) -> BatchResult {
        unfinished.sort_unstable_by_key(|(i, _)| *i);
        let why = match &self.result.stopped {
            Some(reason) => reason.describe(),
            None => "the batch ended early".to_string(),
        };
        let mut left = std::mem::take(&mut self.since_cleanup);
        for (index, tries) in unfinished {
            let copies = self.copies.remove(&index).unwrap_or_default();
            let (kind, message) = unfinished_message(&tries, &why);
            for (i, copy_of) in self.with_copies(index, &copies) {
                let t = if copy_of.is_some() {
                    Tries::default()
                } else {
                    tries
                };
                self.report_error(i, kind.clone(), message.clone(), t, copy_of);
                left.push(i);
            }
        }
        // Free what is left (not counted as a periodic cleanup).
        if self.cleanup_every.is_some() {
            self.images.release(&left);
        }
        self.result
    }

    fn with_copies(&self, index: usize, copies: &[usize]) -> Vec<(usize, Option<usize>)> {
        std::iter::once((index, None))
            .chain(copies.iter().map(|c| (*c, Some(index))))
            .collect()
    }

    fn result_row(
        &mut self,
        index: usize,
        record: BallotRecord,
        attempts: u32,
        copy_of: Option<usize>,
    ) {
        let r = BallotResult {
            index,
            file: self.images.name(index),
            record,
            attempts,
            copy_of,
        };
        self.current += 1;
        self.progress
            .on_progress(self.current, self.result.total, &r.file, &r);
        self.result.results.push(r);
        self.finished_one(index);
    }

    fn error_row(
        &mut self,
        index: usize,
        kind: FailureKind,
        message: String,
        tries: Tries,
        copy_of: Option<usize>,
    ) {
        self.report_error(index, kind, message, tries, copy_of);
        self.finished_one(index);
    }

    fn report_error(
        &mut self,
        index: usize,
        kind: FailureKind,
        message: String,
        tries: Tries,
        copy_of: Option<usize>,
    ) {
        let (attempts, last_status) = (tries.attempts, tries.last_status);
        let file = self.images.name(index);
        let e = BallotError {
            index,
            file,
            kind,
            message,
            attempts,
            last_status,
            copy_of,
        };
        self.current += 1;
        self.progress
            .on_error(self.current, self.result.total, &e.file, &e);
        self.result.errors.push(e);
    }

    fn finished_one(&mut self, index: usize) {
        self.result.processed += 1;
        self.finished += 1;
        self.since_cleanup.push(index);
        let Some(every) = self.cleanup_every else {
            return;
        };
        if self.finished.is_multiple_of(every) {
            let released = self.images.release(&self.since_cleanup);
            self.since_cleanup.clear();
            self.result.memory_cleanups += 1;
            self.progress.on_event(&EngineEvent::MemoryCleanup {
                count: self.result.memory_cleanups,
                released,
            });
        }
    }
}

/// The kind and message of a ballot the batch did not finish.
fn unfinished_message(tries: &Tries, why: &str) -> (FailureKind, String) {
    if tries.awaiting {
        (
            FailureKind::CancelledAfterSending,
            format!("cancelled after sending ({why}): the API may have read it and may bill it"),
        )
    } else if tries.attempts > 0 {
        let n = tries.attempts;
        let s = if n == 1 { "" } else { "s" };
        (
            FailureKind::Interrupted,
            format!("not finished after {n} attempt{s}: {why}"),
        )
    } else {
        (FailureKind::NotStarted, format!("not started: {why}"))
    }
}
