//! The constituency report.

use super::parts::{pairs_table, pct};
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::core::results::report::ConstituencyReport;
use crate::ui::i18n::{t, Lang, Text};
use leptos::prelude::*;

pub(super) fn constituency_view(
    lang: Lang,
    r: ConstituencyReport,
    registry: &Registry,
) -> impl IntoView {
    let category = match r.category {
        Category::Constituency => t(lang, Text::ConstituencyBallot2),
        Category::PartyList => t(lang, Text::PartyList),
    };
    let lines = r
        .lines
        .iter()
        .map(|l| {
            let name = if l.name.is_empty() { "—".to_string() } else { l.name.clone() };
            view! { <tr><td class="num">{l.number}</td><td>{name}</td><td class="num">{l.votes}</td><td class="num">{pct(l.share)}</td></tr> }
        })
        .collect_view();
    let leader = r.lines.first().map(|l| {
        format!(
            "{} {} {}{} · {} {}",
            t(lang, Text::Leading),
            l.number,
            l.name,
            "",
            t(lang, Text::Margin),
            r.margin.unwrap_or(0)
        )
    });
    let units = if r.units_expected > 0 {
        format!("{} / {}", r.units, r.units_expected)
    } else {
        r.units.to_string()
    };
    let discrepancies = r
        .discrepancies
        .iter()
        .map(|d| {
            let severity = crate::ui::components::official_view::texts::severity_text(lang, d.severity);
            let what = crate::ui::components::official_view::texts::subject_text(lang, &d.subject, registry);
            view! { <li>{format!("{} {severity}: {what} {} {} · {} {} ({})", t(lang, Text::Discrepancy), t(lang, Text::Forms2), d.ours, t(lang, Text::Official), d.official, pct(d.variance))}</li> }
        })
        .collect_view();
    view! {
        <section class="report-page constituency-report">
            <h3>{format!("{} {} {} · {category}", r.province, t(lang, Text::Constituency), r.constituency)}</h3>
            <p>{leader}</p>
            <table class="report__table">
                <thead><tr>
                    <th>{t(lang, Text::No)}</th>
                    <th>{t(lang, Text::Name)}</th>
                    <th>{t(lang, Text::Votes)}</th>
                    <th>{t(lang, Text::Share)}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
            {pairs_table(String::new(), (t(lang, Text::Summary), t(lang, Text::Value)), vec![
                (t(lang, Text::Valid).into(), r.valid.to_string()),
                (t(lang, Text::Invalid).into(), r.invalid.to_string()),
                (t(lang, Text::NoVote).into(), r.no_vote.to_string()),
                (t(lang, Text::BallotsUsed).into(), r.total.to_string()),
                (t(lang, Text::UnitsReportedExpected).into(), units),
                (t(lang, Text::TurnoutOfUnitsRead).into(), r.turnout.map(pct).unwrap_or_else(|| "—".into())),
                (t(lang, Text::StillNeedingReview).into(), r.needing_review.to_string()),
                (t(lang, Text::DuplicatesConflicts).into(), format!("{} / {}", r.duplicates, r.conflicts)),
            ])}
            <ul class="report__discrepancies">{discrepancies}</ul>
        </section>
    }
}
