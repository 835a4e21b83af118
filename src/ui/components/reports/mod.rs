//! Printable reports: the one-page executive summary, the batch summary
//! and the constituency report, each an A4 page set (print stylesheet in
//! `style/main.css`: only the report prints, rows never split, a header
//! with the batch and the time, page numbers). "Save as PDF" opens the
//! browser's print dialog. The numbers are `core::results::report`'s.

use crate::core::domain::registry::Registry;
use crate::ui::i18n::{t, Text};
use crate::ui::results::ResultsStore;
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

mod inputs;
use inputs::gather;
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

/// The reports tab.
#[component]
pub fn Reports() -> impl IntoView {
    let results = expect_context::<ResultsStore>();
    let settings = expect_context::<SettingsStore>();
    let lang = settings.lang;
    let registry = StoredValue::new(Registry::shared());
    let which = RwSignal::new(Which::Executive);
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let report = move || {
        let l = lang.get();
        let batch = results.progress.batch.get().unwrap_or_default();
        let inputs =
            registry.with_value(|reg| gather(results, settings.settings.with(|s| s.prices()), reg));
        match which.get() {
            Which::Executive => view! {
                <article id="report" class="report report--executive">
                    {report_header(l, t(l, Text::ExecutiveSummary), batch)}
                    {executive_view(l, inputs.executive)}
                </article>
            }
            .into_any(),
            Which::Batch => view! {
                <article id="report" class="report report--batch">
                    {report_header(l, t(l, Text::BatchSummary), batch)}
                    {batch_view(l, inputs.batch)}
                </article>
            }
            .into_any(),
            Which::Constituencies => view! {
                <article id="report" class="report report--constituencies">
                    {report_header(l, t(l, Text::ConstituencyReport), batch)}
                    {registry.with_value(|reg| inputs.constituencies.into_iter().map(|r| constituency_view(l, r, reg)).collect_view())}
                </article>
            }
            .into_any(),
        }
    };
    view! {
        <section class="panel reports">
            <div class="reports__controls">
                <label for="report-kind">{move || t(lang.get(), Text::Report)}</label>
                <select id="report-kind" on:change=move |ev| which.set(match event_target_value(&ev).as_str() {
                    "batch" => Which::Batch,
                    "constituencies" => Which::Constituencies,
                    _ => Which::Executive,
                })>
                    <option value="executive">{move || t(lang.get(), Text::ExecutiveSummaryOnePage)}</option>
                    <option value="batch">{move || t(lang.get(), Text::BatchSummary)}</option>
                    <option value="constituencies">{move || t(lang.get(), Text::ConstituencyReport)}</option>
                </select>
                <button type="button" id="report-print" class="primary" on:click=print>
                    {move || t(lang.get(), Text::SaveAsPDFPrint)}
                </button>
            </div>
            {report}
        </section>
    }
}
