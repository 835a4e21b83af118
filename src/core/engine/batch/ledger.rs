//! The batch's books: every ballot reported exactly once (`current`
//! counting 1..=total), copies reported with the ballot they copy, memory
//! released every N finished ballots, and at the end whatever did not
//! finish reported with why.

use super::classify::Outcome;
use super::{BatchOptions, BatchResult, StopReason};
use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::ports::{ImagePrep, ImageSource};
use crate::core::engine::progress::{
    BallotError, BallotOutcome, BallotResult, EngineEvent, FailureKind, ProgressCallback,
};
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
    prep: Option<&'a dyn ImagePrep>,
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
        prep: Option<&'a dyn ImagePrep>,
        progress: &'a dyn ProgressCallback,
        opts: &BatchOptions,
    ) -> Self {
        Ledger {
            images,
            prep,
            progress,
            cleanup_every: opts
                .enable_memory_cleanup
                .then_some(opts.memory_cleanup_interval.max(1)),
            current: opts.already_done.len(),
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

    /// The rows of a ballot that finished: its own, and its copies'.
    pub(super) fn rows(
        &mut self,
        index: usize,
        outcome: Outcome,
        tries: Tries,
    ) -> Vec<BallotOutcome> {
        let copies = self.copies.remove(&index).unwrap_or_default();
        let with_copies = self.with_copies(index, &copies);
        match outcome {
            Outcome::Record(record) => with_copies
                .into_iter()
                .map(|(i, copy_of)| {
                    let mut record: BallotRecord = (*record).clone();
                    record.source.file_name = self.images.name(i);
                    let attempts = if copy_of.is_some() { 0 } else { tries.attempts };
                    BallotOutcome::Result(BallotResult {
                        index: i,
                        file: self.images.name(i),
                        record,
                        attempts,
                        copy_of,
                    })
                })
                .collect(),
            Outcome::Failed(kind, message) => with_copies
                .into_iter()
                .map(|(i, copy_of)| {
                    let message = match copy_of {
                        None => message.clone(),
                        Some(_) => format!("{message} (same file as {})", self.images.name(index)),
                    };
                    let tries = if copy_of.is_some() {
                        Tries::default()
                    } else {
                        tries
                    };
                    BallotOutcome::Error(self.error(i, kind.clone(), message, tries, copy_of))
                })
                .collect(),
        }
    }

    /// The row of a ballot refused before any request (the survey).
    pub(super) fn refused(
        &self,
        index: usize,
        kind: FailureKind,
        message: String,
    ) -> BallotOutcome {
        BallotOutcome::Error(self.error(index, kind, message, Tries::default(), None))
    }

    /// Reports a finished row (exactly once).
    pub(super) fn commit(&mut self, row: BallotOutcome) {
        self.current += 1;
        let total = self.result.total;
        let index = row.index();
        match row {
            BallotOutcome::Result(r) => {
                self.progress.on_progress(self.current, total, &r.file, &r);
                self.result.results.push(r);
            }
            BallotOutcome::Error(e) => {
                self.progress.on_error(self.current, total, &e.file, &e);
                self.result.errors.push(e);
            }
        }
        self.finished_one(index);
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

    fn error(
        &self,
        index: usize,
        kind: FailureKind,
        message: String,
        tries: Tries,
        copy_of: Option<usize>,
    ) -> BallotError {
        BallotError {
            index,
            file: self.images.name(index),
            kind,
            message,
            attempts: tries.attempts,
            last_status: tries.last_status,
            copy_of,
        }
    }

    fn report_error(
        &mut self,
        index: usize,
        kind: FailureKind,
        message: String,
        tries: Tries,
        copy_of: Option<usize>,
    ) {
        let e = self.error(index, kind, message, tries, copy_of);
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
            // The preparation's worker gives its heap back to the system.
            if let Some(prep) = self.prep {
                prep.recycle();
            }
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
