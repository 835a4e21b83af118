//! The coordinator's national picture of the shared database: forms held,
//! conflicts, party-list votes by party, and every province's coverage
//! (units reported of those the registry expects). Shown to coordinators.

use crate::core::domain::registry::Registry;
use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The national panel.
#[component]
pub fn NationalPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (lang, s) = (state.lang, state.sync);
    let coordinator = move || s.account.with(crate::ui::sync::coordinates);
    let forms = move || {
        s.national_rev.track();
        s.national.with_value(|n| (n.forms(), n.conflicts.len()))
    };
    let parties = move || {
        s.national_rev.track();
        let registry = Registry::shared();
        let mut rows: Vec<(u32, u64)> = s
            .national
            .with_value(|n| n.party_totals().into_iter().collect());
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.into_iter()
            .map(|(no, votes)| {
                let name = registry
                    .parties
                    .iter()
                    .find(|p| p.number == no)
                    .map(|p| p.name_th.clone())
                    .unwrap_or_default();
                view! { <tr><td>{no}</td><td>{name}</td><td>{votes}</td></tr> }
            })
            .collect_view()
    };
    let coverage = move || {
        s.national_rev.track();
        let rows = s.national.with_value(|n| n.coverage(Registry::shared()));
        rows.into_iter()
            .map(|c| {
                let review = format!("{:.0} %", c.review_share * 100.0);
                view! { <tr><th scope="row">{c.province}</th><td>{c.reported}</td><td>{c.expected}</td><td>{review}</td></tr> }
            })
            .collect_view()
    };
    // Keyed rows: a redraw while forms stream in re-creates only the
    // constituencies whose figures changed.
    let races = move || {
        s.national_rev.track();
        s.national.with_value(|n| n.races(Registry::shared()))
    };
    let race_key = |r: &crate::core::sync::national::Race| {
        format!(
            "{}|{}|{}|{}|{:?}|{}",
            r.province, r.constituency, r.reported, r.expected, r.leaders, r.margin
        )
    };
    let race_row = |r: crate::core::sync::national::Race| {
        let place = format!("{} {}", r.province, r.constituency);
        let units = format!("{} / {}", r.reported, r.expected);
        let leaders = r
            .leaders
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        view! { <tr><th scope="row">{place}</th><td>{units}</td><td>{leaders}</td><td>{r.margin}</td></tr> }
    };
    view! {
        <Show when=coordinator>
            <section class="panel national" id="national" aria-labelledby="national-title" data-forms=move || forms().0>
                <h2 id="national-title">{tr(lang, Text::NationalTitle)}</h2>
                <p id="national-summary">{move || { let (f, c) = forms(); crate::ui::i18n::national_summary(lang.get(), f, c) }}</p>
                <Show when=move || !s.caught_up.get()>
                    <p id="national-loading">
                        <label for="national-progress">{tr(lang, Text::NationalLoading)}</label> " "
                        <progress id="national-progress" max=move || s.total.get().max(1) value=move || forms().0>{move || forms().0}</progress>
                        " " {move || format!("{} / {}", forms().0, s.total.get())}
                    </p>
                </Show>
                <h3>{tr(lang, Text::NationalParties)}</h3>
                <div class="table-scroll">
                    <table id="national-parties">
                        <thead><tr><th>{tr(lang, Text::CandidateNumber)}</th><th>{tr(lang, Text::Party)}</th><th>{tr(lang, Text::Votes)}</th></tr></thead>
                        <tbody>{parties}</tbody>
                    </table>
                </div>
                <h3>{tr(lang, Text::NationalRaces)}</h3>
                <div class="table-scroll">
                    <table id="national-races">
                        <thead><tr><th>{tr(lang, Text::ConstituencyNo)}</th><th>{tr(lang, Text::UnitsReportedExpected)}</th><th>{tr(lang, Text::LeadingNumber)}</th><th>{tr(lang, Text::MarginVotes)}</th></tr></thead>
                        <tbody><For each=races key=race_key children=race_row/></tbody>
                    </table>
                </div>
                <crate::ui::components::NationalConflicts/>
                <crate::ui::components::NationalMap/>
                <crate::ui::components::OfficialView whole=true/>
                <h3>{tr(lang, Text::NationalCoverage)}</h3>
                <div class="table-scroll">
                    <table id="national-coverage">
                        <thead><tr><th>{tr(lang, Text::Province)}</th><th>{tr(lang, Text::UnitsReported)}</th><th>{tr(lang, Text::UnitsExpected)}</th><th>{tr(lang, Text::NeedReview)}</th></tr></thead>
                        <tbody>{coverage}</tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
