//! The batches kept on this device: a line each, export as a session
//! file, delete.

use crate::ui::i18n::{self, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// The batches kept, newest first.
#[component]
pub(super) fn BatchList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let locale = move || {
        if lang.get() == Lang::Th {
            "th-TH"
        } else {
            "en-GB"
        }
    };
    move || {
        d.batches
            .get()
            .into_iter()
            .rev()
            .map(|(meta, done)| {
                let date = web::timer::local_time(meta.started_unix_ms, locale());
                let mut line = i18n::batch_line(lang.get(), &date, meta.files.len(), done, meta.ended);
                if let Some(from) = &meta.imported_from {
                    line.push_str(&format!(" · {from}"));
                }
                let (id, id2) = (meta.id.clone(), meta.id.clone());
                view! {
                    <li data-id=meta.id.clone()>
                        <span>{line}</span>
                        <button class="export-session" on:click=move |_| leptos::task::spawn_local(state.export_session(id.clone()))>
                            {tr(lang, Text::ExportSession)}
                        </button>
                        <button class="delete-batch danger" disabled=move || state.run.running.get()
                            on:click=move |_| leptos::task::spawn_local(state.delete_batch(id2.clone()))>
                            {tr(lang, Text::Delete)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    }
}
