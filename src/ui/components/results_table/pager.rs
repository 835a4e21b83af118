//! The pager under the results table, and "retry failed" once a run is over.

use crate::ui::i18n::{tr, Text};
use crate::ui::progress::RowStatus;
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The pager under the table, and "retry failed" once a run is over.
pub(super) fn pager(
    state: AppState,
    page: RwSignal<usize>,
    at: impl Fn() -> usize + Copy + Send + Sync + 'static,
    pages: impl Fn() -> usize + Copy + Send + Sync + 'static,
    shown: Memo<Vec<usize>>,
) -> impl IntoView {
    let lang = state.lang;
    let rows = state.results.progress.rows;
    let failed = move || {
        !state.run.running.get()
            && rows.with(|r| {
                r.iter()
                    .any(|r| r.status() == RowStatus::Error && r.origin.is_some())
            })
    };
    view! {
        <nav class="pager" aria-label=tr(lang, Text::Pages)>
            <button type="button" id="page-prev" disabled={move || at() == 0} on:click={move |_| page.set(at().saturating_sub(1))}>
                {tr(lang, Text::Previous)}
            </button>
            <span id="page-line" aria-live="polite">{move || row_text::page_line(lang.get(), at(), pages(), shown.with(Vec::len))}</span>
            <button type="button" id="page-next" disabled={move || at() + 1 >= pages()} on:click={move |_| page.set(at() + 1)}>
                {tr(lang, Text::Next)}
            </button>
            <Show when=failed>
                <button type="button" id="retry-failed" on:click=move |_| leptos::task::spawn_local(state.retry_failed())>
                    {tr(lang, Text::RetryFailed)}
                </button>
            </Show>
        </nav>
    }
}
