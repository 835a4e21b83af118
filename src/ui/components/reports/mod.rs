//! Printable reports: the one-page executive summary, the batch summary
//! and the constituency report, each an A4 page set (print stylesheet in
//! `style/main.css`: only the report prints, rows never split, a header
//! with the batch and the time, page numbers). "Save as PDF" opens the
//! browser's print dialog. The numbers are `core::results::report`'s.
//!
//! A coordinator makes the same reports from the whole shared database
//! (`whole`: ids prefixed `national-`; printed alone while its section is
//! open).

use crate::core::domain::registry::Registry;
use crate::ui::i18n::{t, Text};
use crate::ui::results::ResultsStore;
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

mod inputs;
use inputs::{gather, gather_whole, Inputs};
mod parts;
use parts::report_header;
mod executive;
use executive::executive_view;
mod batch;
use batch::batch_view;
mod constituency;
use constituency::constituency_view;

/// Which report is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Executive,
    Batch,
    Constituencies,
}

/// What a report is made of, and of what ("batch 3", "the whole database").
fn inputs(whole: bool, lang: crate::ui::i18n::Lang) -> (Inputs, String) {
    let results = expect_context::<ResultsStore>();
    let registry = Registry::shared();
    if whole {
        let sync = expect_context::<crate::ui::state::AppState>().sync;
        sync.national_rev.track();
        let official = results.official.get();
        let inputs = sync
            .national
            .with_value(|n| gather_whole(n, &official, registry));
        (inputs, t(lang, Text::WholeDatabase).to_string())
    } else {
        let settings = expect_context::<SettingsStore>();
        let batch = results.progress.batch.get().unwrap_or_default();
        let inputs = gather(results, settings.settings.with(|s| s.prices()), registry);
        (inputs, format!("{} {batch}", t(lang, Text::Batch)))
    }
}

/// The reports: of the forms in view (the tab), or of the whole database.
#[component]
pub fn Reports(#[prop(optional)] whole: bool) -> impl IntoView {
    let settings = expect_context::<SettingsStore>();
    let lang = settings.lang;
    let p = if whole { "national-" } else { "" };
    let which = RwSignal::new(Which::Executive);
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let report = move || {
        let l = lang.get();
        let (inputs, of) = inputs(whole, l);
        let id = format!("{p}report");
        match which.get() {
            Which::Executive => view! {
                <article id=id class="report report--executive">
                    {report_header(l, t(l, Text::ExecutiveSummary), of)}
                    {executive_view(l, inputs.executive, p)}
                </article>
            }
            .into_any(),
            Which::Batch => view! {
                <article id=id class="report report--batch">
                    {report_header(l, t(l, Text::BatchSummary), of)}
                    {batch_view(l, inputs.batch, p)}
                </article>
            }
            .into_any(),
            Which::Constituencies => {
                let registry = Registry::shared();
                view! {
                    <article id=id class="report report--constituencies">
                        {report_header(l, t(l, Text::ConstituencyReport), of)}
                        {inputs.constituencies.into_iter().map(|r| constituency_view(l, r, registry)).collect_view()}
                    </article>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="panel reports">
            <div class="reports__controls">
                <label for=format!("{p}report-kind")>{move || t(lang.get(), Text::Report)}</label>
                <select id=format!("{p}report-kind") on:change=move |ev| which.set(match event_target_value(&ev).as_str() {
                    "batch" => Which::Batch,
                    "constituencies" => Which::Constituencies,
                    _ => Which::Executive,
                })>
                    <option value="executive">{move || t(lang.get(), Text::ExecutiveSummaryOnePage)}</option>
                    <option value="batch">{move || t(lang.get(), Text::BatchSummary)}</option>
                    <option value="constituencies">{move || t(lang.get(), Text::ConstituencyReport)}</option>
                </select>
                <button type="button" id=format!("{p}report-print") class="primary" on:click=print>
                    {move || t(lang.get(), Text::SaveAsPDFPrint)}
                </button>
            </div>
            {report}
        </section>
    }
}
