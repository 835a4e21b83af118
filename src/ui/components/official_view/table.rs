//! One discrepancy as a table row, with its evidence.

use super::texts::{severity_text, subject_text};
use crate::core::domain::registry::Registry;
use crate::core::results::official::{Discrepancy, Evidence};
use crate::ui::i18n::{msg, t, Lang, Msg, Text};
use leptos::prelude::*;

pub(super) fn evidence_list(lang: Lang, evidence: &[Evidence]) -> impl IntoView {
    let items = evidence
        .iter()
        .map(|e| {
            let mut text = e.file.clone();
            if let Some(u) = e.polling_unit {
                text.push_str(&format!(" · {} {u}", t(lang, Text::Unit2)));
            }
            text.push_str(&format!(
                " · {} · {}",
                &e.sha256.get(..12).unwrap_or(&e.sha256),
                e.model
            ));
            if e.corrected {
                text.push_str(&format!(" · {}", t(lang, Text::CorrectedByAPerson)));
            }
            if e.accepted {
                text.push_str(&format!(" · {}", t(lang, Text::AcceptedByAPerson)));
            }
            view! { <li title=e.sha256.clone()>{text}</li> }
        })
        .collect_view();
    let summary = msg(
        lang,
        &Msg::Evidence {
            forms: evidence.len(),
        },
    );
    view! {
        <details class="evidence">
            <summary>{summary}</summary>
            <ul>{items}</ul>
        </details>
    }
}

pub(super) fn row(lang: Lang, d: &Discrepancy, registry: &Registry) -> impl IntoView {
    let place = if d.constituency == 0 {
        t(lang, Text::National).to_string()
    } else {
        format!(
            "{} {} {}",
            d.province,
            t(lang, Text::Constituency),
            d.constituency
        )
    };
    let certain = d
        .certain_excess
        .then(|| t(lang, Text::CertainExcessBeforeEveryUnit));
    let label = |k: usize| t(lang, HEADS[k]);
    view! {
        <tr class=format!("severity--{:?}", d.severity).to_lowercase()>
            <td data-label=label(0)>{severity_text(lang, d.severity)}</td>
            <td data-label=label(1)>{place}</td>
            <td data-label=label(2)>{subject_text(lang, &d.subject, registry)}</td>
            <td class="num" data-label=label(3)>{d.ours}</td>
            <td class="num" data-label=label(4)>{d.official}</td>
            <td class="num" data-label=label(5)>{d.ours as i128 - d.official as i128}</td>
            <td class="num" data-label=label(6)>{format!("{:.1}%", d.variance * 100.0)}</td>
            <td data-label=label(7)>{certain}{evidence_list(lang, &d.evidence)}</td>
        </tr>
    }
}

/// The discrepancy table's columns.
pub(super) const HEADS: [Text; 8] = [
    Text::Severity,
    Text::DiscrepancyWhere,
    Text::DiscrepancyWhat,
    Text::DiscrepancyForms,
    Text::DiscrepancyOfficial,
    Text::DiscrepancyDifference,
    Text::DiscrepancyVariance,
    Text::DiscrepancyEvidence,
];
