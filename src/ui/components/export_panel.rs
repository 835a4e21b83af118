//! Export of the checked records: CSV per row (Excel-ready, with BOM),
//! CSV per constituency, and lossless JSON. The work is `core::export`.

use crate::core::{aggregate::aggregate, export, registry::Registry};
use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use crate::web::download::download_text;
use leptos::prelude::*;

/// Download buttons, shown once there are records.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let records = state.progress.records;
    let error = RwSignal::new(None::<String>);
    let save = move |name: &'static str,
                     mime: &'static str,
                     make: fn(&[crate::core::ballot::BallotRecord]) -> String| {
        let text = records.with_untracked(|r| make(r));
        if let Err(e) = download_text(name, mime, &text) {
            error.set(Some(e.to_string()));
        }
    };
    fn summary(r: &[crate::core::ballot::BallotRecord]) -> String {
        let registry = Registry::builtin();
        export::summary_csv(&aggregate(r, &registry), &registry, r)
    }
    fn rows(r: &[crate::core::ballot::BallotRecord]) -> String {
        export::records_csv(r, &aggregate(r, &Registry::builtin()))
    }
    fn json(r: &[crate::core::ballot::BallotRecord]) -> String {
        export::to_json_with_tally(r, &aggregate(r, &Registry::builtin()))
    }
    view! {
        <Show when=move || records.with(|r| !r.is_empty()) && !state.running.get()>
            <section class="panel export">
                <h2>{tr(lang, Text::Export)}</h2>
                <div class="export__buttons">
                    <button id="export-csv" on:click=move |_| save("tallyscan-records.csv", "text/csv;charset=utf-8", rows)>
                        {tr(lang, Text::ExportRows)}
                    </button>
                    <button id="export-summary" on:click=move |_| save("tallyscan-constituencies.csv", "text/csv;charset=utf-8", summary)>
                        {tr(lang, Text::ExportSummary)}
                    </button>
                    <button id="export-json" on:click=move |_| save("tallyscan-records.json", "application/json", json)>
                        "JSON"
                    </button>
                </div>
                {move || error.get().map(|e| view! { <p class="notice notice--error">{e}</p> })}
            </section>
        </Show>
    }
}
