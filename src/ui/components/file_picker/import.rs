//! Importing results read before: the Python tool's JSON or CSV, or a
//! TallyScan export; they join the table and the tallies.

use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// Importing results read before (JSON or CSV), and what it brought.
pub(super) fn import_field(state: AppState) -> impl IntoView {
    let lang = state.lang;
    view! {
            <label class="file-label">
                <span>{tr(lang, Text::ImportResults)}</span>
                <input
                    id="import"
                    type="file"
                    accept=".json,.csv,application/json,text/csv"
                    on:change=move |ev: leptos::ev::Event| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(file) = web::files::file_list(input.files()).into_iter().next() {
                            leptos::task::spawn_local(state.import(file));
                        }
                        input.set_value("");
                    }
                />
            </label>
            {move || state.results.import_note.get().map(|note| match note {
                Ok((file, read, skipped)) => view! {
                    <p class="notice" id="import-note">{crate::ui::i18n::imported_note(lang.get(), &file, read, skipped)}</p>
                }.into_any(),
                Err(why) => view! { <p class="notice notice--error" id="import-note">{why}</p> }.into_any(),
            })}
    }
}
