//! What the constituency view shows of a tally: names, leaders, forms not placed.

use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::Aggregate;
use crate::ui::i18n::{self, Lang, Text};

/// The name of number `n` in a tally's constituency or party list, where
/// the registry has it.
pub(super) fn name_of(
    t: &crate::core::results::aggregate::ConstituencyTally,
    n: u32,
    registry: &Registry,
) -> Option<String> {
    Some(crate::core::results::report::name_of(t, n, registry)).filter(|name| !name.is_empty())
}

/// The leader's number and name, or "—".
pub(super) fn leader(
    t: &crate::core::results::aggregate::ConstituencyTally,
    registry: &Registry,
) -> String {
    let Some(&n) = t.leaders.first() else {
        return "—".into();
    };
    let votes = t.votes.get(&n).copied().unwrap_or(0);
    match name_of(t, n, registry) {
        Some(name) => format!("{n} {name} ({votes})"),
        None => format!("{n} ({votes})"),
    }
}

pub(super) fn not_placed_rows(
    agg: &Aggregate,
    records: &[BallotRecord],
    lang: Lang,
) -> Vec<(String, String)> {
    agg.not_placed
        .iter()
        .map(|n| {
            let file = records
                .get(n.record)
                .map(|r| r.source.file_name.clone())
                .unwrap_or_default();
            let kept = match &n.reason {
                crate::core::results::aggregate::Unplaced::Duplicate { kept } => records
                    .get(*kept)
                    .map(|r| r.source.file_name.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (file, i18n::unplaced(lang, &n.reason, &kept))
        })
        .collect()
}

/// The numbers with the most votes, with names: (label, votes), at most 10.
pub(super) fn top(
    t: &crate::core::results::aggregate::ConstituencyTally,
    registry: &Registry,
    lang: Lang,
) -> Vec<(String, u64)> {
    let mut v: Vec<(u32, u64)> = t.votes.iter().map(|(n, v)| (*n, *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(10);
    v.into_iter()
        .map(|(n, votes)| {
            let label = match name_of(t, n, registry) {
                Some(name) => format!("{n} {name}"),
                None => format!("{} {n}", i18n::t(lang, Text::CandidateNumber)),
            };
            (label, votes)
        })
        .collect()
}
