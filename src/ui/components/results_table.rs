//! One row per finished file: name, status, the start of the answer or the
//! error. Model output is shown as text, never as HTML.

use crate::ui::i18n::{t, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The results table.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    view! {
        <section class="panel results">
            <h2>{move || t(lang.get(), Text::Results)}</h2>
            <table id="results">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>{move || t(lang.get(), Text::File)}</th>
                        <th>{move || t(lang.get(), Text::Status)}</th>
                        <th>{move || t(lang.get(), Text::Answer)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || state.rows.get() key=|r| r.index let:row>
                        <tr class=if row.ok { "row row--ok" } else { "row row--error" }>
                            <td>{row.index}</td>
                            <td class="file">{row.file.clone()}</td>
                            <td class="status">
                                {move || t(lang.get(), if row.ok { Text::Read } else { Text::Failed })}
                            </td>
                            <td class="answer">{row.text.clone()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}
