//! Export of what the batch holds, during a run as well as after: CSV per
//! ballot row (Excel-ready, with BOM) and lossless JSON (with corrections
//! and the audit trail), both in file order with the files that failed and
//! why; CSV per constituency. File names say what and when. The work is
//! `core::results::export`.

use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::{aggregate, Aggregate};
use crate::core::results::export::{self, Entry, FailedFile};
use crate::ui::i18n::{tr, Text};
use crate::ui::progress::Row;
use crate::ui::results::ResultsStore;
use crate::ui::settings::SettingsStore;
use crate::web::download::download_text;
use leptos::prelude::*;

/// The picked files in file order: each record, or why there is none.
fn order(rows: &[Row]) -> Vec<Entry> {
    rows.iter()
        .map(|r| match (r.record, &r.error) {
            (Some(k), _) => Entry::Record(k),
            (None, e) => Entry::Failed(FailedFile {
                index: r.index(),
                file: r.facts.file.clone(),
                reason: e.as_ref().map(|e| e.message.clone()).unwrap_or_default(),
            }),
        })
        .collect()
}

/// "tallyscan-ballots-2026-11-29-0815.csv": what and when (local time).
pub(crate) fn file_name(what: &str, ext: &str) -> String {
    let d = js_sys::Date::new_0();
    format!(
        "tallyscan-{what}-{:04}-{:02}-{:02}-{:02}{:02}.{ext}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

type Make = fn(&[BallotRecord], &Aggregate, &[Entry]) -> String;

fn ballots_csv(r: &[BallotRecord], agg: &Aggregate, order: &[Entry]) -> String {
    export::records_csv_in_order(r, agg, order)
}

fn constituencies_csv(r: &[BallotRecord], agg: &Aggregate, _: &[Entry]) -> String {
    export::summary_csv(agg, Registry::shared(), r)
}

fn json(r: &[BallotRecord], agg: &Aggregate, order: &[Entry]) -> String {
    export::to_json_in_order(r, agg, order)
}

/// Download buttons, shown once there are rows.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let results = expect_context::<ResultsStore>();
    let settings = expect_context::<SettingsStore>();
    let lang = settings.lang;
    let p = results.progress;
    let error = RwSignal::new(None::<String>);
    let save = move |what: &'static str, ext: &'static str, mime: &'static str, make: Make| {
        let order = p.rows.with_untracked(|r| order(r));
        // Exactly the records in view, not a paced aggregate.
        let text = p
            .records
            .with_untracked(|r| make(r, &aggregate(r, Registry::shared()), &order));
        match download_text(&file_name(what, ext), mime, &text) {
            Ok(()) => {
                error.set(None);
                results.exported.set(true);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    const CSV: &str = "text/csv;charset=utf-8";
    view! {
        <Show when=move || p.rows.with(|r| !r.is_empty())>
            <section class="panel export">
                <h2>{tr(lang, Text::Export)}</h2>
                <div class="export__buttons">
                    <button id="export-csv" on:click=move |_| save("ballots", "csv", CSV, ballots_csv)>
                        {tr(lang, Text::ExportRows)}
                    </button>
                    <button id="export-summary" on:click=move |_| save("constituencies", "csv", CSV, constituencies_csv)>
                        {tr(lang, Text::ExportSummary)}
                    </button>
                    <button id="export-json" on:click=move |_| save("ballots", "json", "application/json", json)>
                        {tr(lang, Text::ExportJson)}
                    </button>
                </div>
                {move || error.get().map(|e| view! { <p class="notice notice--error">{e}</p> })}
            </section>
        </Show>
    }
}
