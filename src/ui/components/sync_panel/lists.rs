//! What the shared database said: documents it refused (with what to do),
//! data that could not be read, and forms read differently.

use crate::core::sync::share::Conflict;
use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use crate::ui::sync::refusal_advice;
use leptos::prelude::*;

pub(super) fn refused(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let skipped = move || s.skipped.get();
    view! {
        <Show when=move || s.refused.with(|r| !r.is_empty())>
            <h3>{tr(lang, Text::SyncRefused)}</h3>
            <ul id="sync-refused">
                {move || s.refused.get().into_iter().map(|r| {
                    let advice = refusal_advice(lang.get(), &r.error);
                    view! { <li><bdi>{r.id}</bdi> ": " {r.error} " · " {r.reason} " · " {advice}</li> }
                }).collect_view()}
            </ul>
        </Show>
        <Show when=move || s.skipped.with(|r| !r.is_empty())>
            <h3>{tr(lang, Text::SyncSkipped)}</h3>
            <ul id="sync-skipped">{move || skipped().into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
        </Show>
    }
}

/// A reading's place and numbers, shortly: "แพร่ เขต 1 หน่วย 3 · valid 614 · rows 12, 40…".
fn reading_line(c: &crate::core::sync::doc::FormDoc) -> String {
    crate::core::engine::events::summary(&c.record)
}

pub(super) fn conflicts(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let row = move |c: Conflict| {
        let readings = c
            .readings
            .iter()
            .map(|d| format!("{} · {}", d.by, reading_line(d)))
            .collect::<Vec<_>>();
        view! {
            <tr>
                <td><bdi>{c.id}</bdi></td>
                <td><ul>{readings.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul></td>
            </tr>
        }
    };
    view! {
        <Show when=move || s.view.with(|v| !v.conflicts.is_empty())>
            <h3>{tr(lang, Text::SyncConflicts)}</h3>
            <div class="table-scroll">
                <table id="sync-conflicts">
                    <thead><tr><th>{tr(lang, Text::SyncForm)}</th><th>{tr(lang, Text::ReadByPerson)}</th></tr></thead>
                    <tbody>{move || s.view.get().conflicts.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </Show>
    }
}
