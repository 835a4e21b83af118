//! The coordinator's national picture of the shared database: forms held,
//! conflicts, party-list votes by party, and every province's coverage
//! (units reported of those the registry expects). Shown to coordinators.

use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

mod stages;
mod tables;

/// The national panel.
#[component]
pub fn NationalPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (lang, s) = (state.lang, state.sync);
    // A memo: the stages below start again only when this changes.
    let coordinator = Memo::new(move |_| s.account.with(crate::ui::sync::coordinates));
    let forms = move || {
        s.national_rev.track();
        s.national.with_value(|n| (n.forms(), n.conflicts.len()))
    };
    // The parts redraw a task apart, in the order shown (the summary at
    // once): the tables, the conflicts (2), the map (3), the official
    // comparison (4), then the coverage (5).
    let (tables_rev, coverage_rev) = (s.national_later(1), s.national_later(5));
    // The races, worked out once a redraw for both tables that show them.
    let races = tables::races(s, tables_rev);
    let (parties, coverage, led) = (
        tables::parties(s, tables_rev),
        tables::coverage(s, coverage_rev),
        tables::led(races, lang),
    );
    let reports_open = RwSignal::new(false);
    let (race_key, race_row) = (tables::race_key, tables::race_row);
    let stage = stages::staged(coordinator, reports_open);
    let shown = move |n: u8| move || stage.get() >= n;
    view! {
        <Show when=move || coordinator.get()>
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
                <Show when=shown(1)>
                <h3>{tr(lang, Text::NationalParties)}</h3>
                <div class="table-scroll">
                    <table id="national-parties">
                        <thead><tr><th>{tr(lang, Text::CandidateNumber)}</th><th>{tr(lang, Text::Party)}</th><th>{tr(lang, Text::Votes)}</th></tr></thead>
                        <tbody>{parties}</tbody>
                    </table>
                </div>
                <h3>{tr(lang, Text::NationalLedByParty)}</h3>
                <div class="table-scroll">
                    <table id="national-led">
                        <thead><tr><th>{tr(lang, Text::CandidateNumber)}</th><th>{tr(lang, Text::Party)}</th><th>{tr(lang, Text::ConstituenciesLed)}</th></tr></thead>
                        <tbody>{led}</tbody>
                    </table>
                </div>
                <h3>{tr(lang, Text::NationalRaces)}</h3>
                <div class="table-scroll">
                    <table id="national-races">
                        <thead><tr><th>{tr(lang, Text::ConstituencyNo)}</th><th>{tr(lang, Text::UnitsReportedExpected)}</th><th>{tr(lang, Text::LeadingNumber)}</th><th>{tr(lang, Text::LeadingParty)}</th><th>{tr(lang, Text::MarginVotes)}</th></tr></thead>
                        <tbody><For each=move || races.get() key=race_key children=race_row/></tbody>
                    </table>
                </div>
                </Show>
                <Show when=shown(2)><crate::ui::components::NationalConflicts/></Show>
                <Show when=shown(3)><crate::ui::components::NationalMap/></Show>
                <Show when=shown(4)><crate::ui::components::OfficialView whole=true/></Show>
                <Show when=shown(5)>
                <details class="national-reports" id="national-reports" on:toggle=move |ev| reports_open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                    <summary>{tr(lang, Text::NationalReports)}</summary>
                    // Made only while open: a report reads every form.
                    <Show when=move || reports_open.get()>
                        <crate::ui::components::Reports whole=true/>
                    </Show>
                </details>
                <h3>{tr(lang, Text::NationalCoverage)}</h3>
                <div class="table-scroll">
                    <table id="national-coverage">
                        <thead><tr><th>{tr(lang, Text::Province)}</th><th>{tr(lang, Text::UnitsReported)}</th><th>{tr(lang, Text::UnitsExpected)}</th><th>{tr(lang, Text::NeedReview)}</th></tr></thead>
                        <tbody>{coverage}</tbody>
                    </table>
                </div>
                </Show>
            </section>
        </Show>
    }
}
