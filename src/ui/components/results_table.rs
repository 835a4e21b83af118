//! One row per finished file: name, status, what was read or the error,
//! confidence. Model output is shown as text, never as HTML.

use crate::ui::i18n::{self, t, tr, Text};
use crate::ui::progress::RowStatus;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The results table.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    view! {
        <section class="panel results">
            <h2>{tr(lang, Text::Results)}</h2>
            <table id="results">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>{tr(lang, Text::File)}</th>
                        <th>{tr(lang, Text::Status)}</th>
                        <th>{tr(lang, Text::Answer)}</th>
                        <th>{tr(lang, Text::Level)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || state.progress.rows.get() key=|r| r.index let:row>
                        <tr class=match row.status {
                            RowStatus::Read => "row row--ok",
                            RowStatus::Review => "row row--review",
                            RowStatus::Error => "row row--error",
                            RowStatus::NotStarted => "row row--skipped",
                        }>
                            <td>{row.index}</td>
                            <td class="file">{row.file.clone()}</td>
                            <td class="status">
                                {move || t(
                                    lang.get(),
                                    match row.status {
                                        RowStatus::Read => Text::Read,
                                        RowStatus::Review => Text::NeedsReview,
                                        RowStatus::Error => Text::Failed,
                                        RowStatus::NotStarted => Text::NotStarted,
                                    },
                                )}
                            </td>
                            <td class="answer">
                                {
                                    let row = row.clone();
                                    move || {
                                        let l = lang.get();
                                        let text = match &row.unfinished {
                                            Some((kind, attempts)) => i18n::unfinished_row(
                                                l,
                                                kind,
                                                *attempts,
                                                state.progress.stopped.get().as_ref(),
                                            ),
                                            None => row.text.clone(),
                                        };
                                        match &row.copy_of {
                                            Some(of) => format!("{} — {text}", i18n::copy_note(l, of)),
                                            None => text,
                                        }
                                    }
                                }
                            </td>
                            <td class="level">{row.level.clone().unwrap_or_default()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}
