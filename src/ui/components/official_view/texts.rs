//! The discrepancy view's words: what a discrepancy concerns, how severe, how much is covered.

use crate::core::domain::registry::Registry;
use crate::core::results::official::{Comparison, Severity, Subject};
use crate::ui::i18n::{msg, t, Lang, Msg, Text};

/// What a discrepancy is about, in the page's language.
pub(crate) fn subject_text(lang: Lang, s: &Subject, registry: &Registry) -> String {
    let party = |n: u32| registry.party(n).map(|p| format!("{} ({n})", p.name_th));
    match (s, lang) {
        (Subject::Candidate(n), Lang::Th) => format!("ผู้สมัครหมายเลข {n}"),
        (Subject::Candidate(n), Lang::En) => format!("Candidate {n}"),
        (Subject::Party(n), Lang::Th) => party(*n).unwrap_or_else(|| format!("พรรคหมายเลข {n}")),
        (Subject::Party(n), Lang::En) => party(*n).unwrap_or_else(|| format!("Party {n}")),
        (Subject::Valid, _) => t(lang, Text::ValidBallots).into(),
        (Subject::Invalid, _) => t(lang, Text::InvalidBallots).into(),
        (Subject::NoVote, _) => t(lang, Text::NoVote).into(),
        (Subject::Turnout, _) => t(lang, Text::BallotsUsed2).into(),
    }
}

pub(crate) fn severity_text(lang: Lang, s: Severity) -> &'static str {
    match s {
        Severity::High => t(lang, Text::High),
        Severity::Medium => t(lang, Text::Medium),
        Severity::Low => t(lang, Text::Low),
    }
}

/// How much of the comparison is exact, partial or missing.
pub(super) fn coverage_line(lang: Lang, c: &Comparison) -> String {
    let full = c.coverage.iter().filter(|k| k.full).count();
    let m = Msg::Coverage {
        full,
        partial: c.coverage.len() - full,
        without: c.without_official,
        discrepancies: c.discrepancies.len(),
    };
    msg(lang, &m)
}
