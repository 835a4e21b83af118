//! What the reports are made of, gathered from the stores: of the forms
//! in view, or of the whole shared database (a coordinator's national
//! picture).

use crate::core::api::cost::Prices;
use crate::core::domain::registry::Registry;
use crate::core::results::official::{self, Comparison};
use crate::core::results::report::{
    batch_summary, constituency_reports, executive, BatchSummary, ConstituencyReport, Executive,
    Failure, RunFacts,
};
use crate::core::sync::national::National;
use crate::ui::results::ResultsStore;
use leptos::prelude::*;

/// Everything a report needs, gathered from the page's state.
pub(super) struct Inputs {
    pub(super) executive: Executive,
    pub(super) batch: BatchSummary,
    pub(super) constituencies: Vec<ConstituencyReport>,
}

/// The comparison with the official results, once some are loaded.
fn compared(
    agg: &crate::core::results::aggregate::Aggregate,
    records: &[crate::core::domain::ballot::BallotRecord],
    official: &crate::core::results::official::OfficialResults,
    registry: &Registry,
) -> Option<Comparison> {
    let loaded = !official.constituencies.is_empty() || !official.national_parties.is_empty();
    loaded.then(|| official::compare(agg, records, official, registry))
}

pub(super) fn gather(results: ResultsStore, prices: Prices, registry: &Registry) -> Inputs {
    let records = results.progress.records.get();
    let failures: Vec<Failure> = results.progress.rows.with(|rows| {
        rows.iter()
            .filter_map(|r| {
                let e = r.error.as_ref()?;
                Some(Failure {
                    file: r.facts.file.clone(),
                    kind: e.kind.clone(),
                    message: e.message.clone(),
                })
            })
            .collect()
    });
    let agg = results.aggregate.get();
    let official = results.official.get();
    let comparison = compared(&agg, &records, &official, registry);
    let run = results.progress.summary.get().map(|s| {
        let usage = crate::core::api::provider::Usage {
            input_tokens: s.tokens_in,
            output_tokens: s.tokens_out,
        };
        RunFacts {
            duration_s: s.duration_s,
            requests: s.requests,
            retries: s.retries,
            per_minute: s.per_second * 60.0,
            tokens_in: s.tokens_in,
            tokens_out: s.tokens_out,
            cost_usd: crate::core::api::cost::cost(&usage, &prices),
        }
    });
    Inputs {
        executive: executive(
            records.as_slice(),
            &agg,
            failures.len(),
            comparison.as_ref(),
            registry,
        ),
        batch: batch_summary(records.as_slice(), &agg, &failures, run, registry),
        constituencies: constituency_reports(
            records.as_slice(),
            &agg,
            comparison.as_ref(),
            registry,
        ),
    }
}

/// The reports of the whole database: every reading the national picture
/// counts (no run: many devices read them).
pub(super) fn gather_whole(
    national: &National,
    official: &crate::core::results::official::OfficialResults,
    registry: &Registry,
) -> Inputs {
    let (agg, readings) = national.report_parts();
    let comparison = compared(&agg, &[], official, registry);
    Inputs {
        executive: executive(readings, &agg, 0, comparison.as_ref(), registry),
        batch: batch_summary(readings, &agg, &[], None, registry),
        constituencies: constituency_reports(readings, &agg, comparison.as_ref(), registry),
    }
}
