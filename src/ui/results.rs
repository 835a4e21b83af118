//! The results store: the rows and records of the runs and imports in
//! view, their aggregate (one memo every view reads), the official
//! results loaded, and how the volunteer is looking at them.

use super::progress::SignalProgress;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::{aggregate, Aggregate};
use crate::core::results::official::OfficialResults;
use crate::web;
use leptos::prelude::*;

/// The official results loaded, kept until they are replaced or the
/// device is cleared (public data: no key, no image).
const KEY_OFFICIAL: &str = "tallyscan.official";

/// What an import brought: the file, records read, entries skipped.
pub type ImportNote = (String, usize, usize);

/// A view of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Results,
    Constituencies,
    Official,
    Reports,
}

/// The results, as signals, given by context.
#[derive(Clone, Copy)]
pub struct ResultsStore {
    /// Progress of the current or last run, its rows and records.
    pub progress: SignalProgress,
    /// The records' tallies per constituency (against the built-in
    /// registry, [`Registry::shared`]), computed once per change.
    pub aggregate: Memo<Aggregate>,
    /// The official results loaded (the ECT's files), and what loading
    /// them said.
    pub official: RwSignal<OfficialResults>,
    pub official_notes: RwSignal<Vec<super::i18n::Msg>>,
    /// What the last import brought, or why it failed.
    pub import_note: RwSignal<Option<Result<ImportNote, String>>>,
    /// The row (its index, from 1) open in the review panel.
    pub review: RwSignal<Option<usize>>,
    /// The view shown below the progress.
    pub tab: RwSignal<Tab>,
    /// The results in view were exported (or there is nothing to lose).
    pub exported: RwSignal<bool>,
}

impl ResultsStore {
    /// The store; while `running`, the aggregate follows the records
    /// every [`AGGREGATE_PACE`] rather than on each ballot.
    pub fn new(running: RwSignal<bool>) -> Self {
        let progress = SignalProgress::new();
        ResultsStore {
            progress,
            aggregate: paced_aggregate(progress.records, running),
            official: RwSignal::new(
                web::storage::get(KEY_OFFICIAL)
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default(),
            ),
            official_notes: RwSignal::new(Vec::new()),
            import_note: RwSignal::new(None),
            review: RwSignal::new(None),
            tab: RwSignal::new(Tab::Results),
            exported: RwSignal::new(true),
        }
    }

    /// Keeps the official results loaded on this device (they survive a
    /// reload).
    pub fn keep_official(&self) {
        let json = self
            .official
            .with_untracked(|o| serde_json::to_string(o).unwrap_or_default());
        web::storage::set(KEY_OFFICIAL, &json);
    }

    /// Forgets the official results.
    pub fn forget_official(&self) {
        web::storage::remove(KEY_OFFICIAL);
        self.official.set(Default::default());
        self.official_notes.set(Vec::new());
    }
}

/// How often the aggregate follows the records during a run.
pub const AGGREGATE_PACE: std::time::Duration = std::time::Duration::from_secs(2);

fn paced_aggregate(
    records: RwSignal<Vec<crate::core::domain::ballot::BallotRecord>>,
    running: RwSignal<bool>,
) -> Memo<Aggregate> {
    let tick = RwSignal::new(0u32);
    let bump = move || {
        if running.get_untracked() {
            tick.update(|t| *t += 1)
        }
    };
    if let Ok(timer) = set_interval_with_handle(bump, AGGREGATE_PACE) {
        on_cleanup(move || timer.clear());
    }
    Memo::new(move |_| {
        tick.track();
        if !running.get() {
            records.track();
        }
        records.with_untracked(|r| aggregate(r, Registry::shared()))
    })
}
