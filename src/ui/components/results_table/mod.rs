//! One row per picked file: file, status, form, place, rows, valid, total,
//! confidence and the first issue (or why there is no record). Filtered,
//! sorted and paged by `core::results::table`; only the page in view is drawn, and
//! a row is drawn again only when it changes (keyed by index and revision).
//! Model output is shown as text, never as HTML.

use crate::core::results::table::{self, Column, Query};
use crate::ui::i18n::{tr, Text};
use crate::ui::progress::RowStatus;
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

mod row;
use row::{facts, row_view};
mod columns;
use columns::{filters, header};

/// Rows a page holds, to choose from.
const PAGE_SIZES: [usize; 4] = [50, 100, 500, 1000];

/// Rows drawn a frame on a large page.
const CHUNK: usize = 100;

/// The results table.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let rows = state.results.progress.rows;
    let query = RwSignal::new(Query::default());
    let size = RwSignal::new(100usize);
    let page = RwSignal::new(0usize);
    let shown = Memo::new(move |_| query.with(|q| rows.with(|r| table::select(r, facts, q))));
    // Rows drawn so far of the page in view: a large page is drawn a
    // chunk a frame, so no frame waits for a thousand rows.
    let drawn = RwSignal::new(CHUNK);
    // The page in view: (position, key) pairs; a row redraws when its revision changes.
    let visible = move || {
        shown.with(|s| {
            let (ids, _) = table::page(s, page.get(), size.get());
            rows.with(|r| {
                ids.iter()
                    .take(drawn.get())
                    .filter_map(|&p| r.get(p).cloned())
                    .collect::<Vec<_>>()
            })
        })
    };
    let page_len = move || shown.with(|s| table::page(s, page.get(), size.get()).0.len());
    Effect::new(move |_| {
        query.track();
        size.track();
        page.track();
        drawn.set(CHUNK);
    });
    Effect::new(move |_| {
        if drawn.get() < page_len() {
            request_animation_frame(move || drawn.update(|d| *d += CHUNK));
        }
    });
    let pages = move || shown.with(Vec::len).div_ceil(size.get()).max(1);
    let at = move || shown.with(|s| table::page(s, page.get(), size.get()).1);
    Effect::new(move |_| {
        query.track();
        size.track();
        page.set(0);
    });
    let failed = move || {
        !state.run.running.get()
            && rows.with(|r| {
                r.iter()
                    .any(|r| r.status() == RowStatus::Error && r.origin.is_some())
            })
    };
    view! {
        <section class="panel results">
            <h2>{tr(lang, Text::Results)}</h2>
            {filters(state, query, size)}
            <div class="table-scroll">
                <table id="results">
                    <thead>
                        <tr>
                            {header(lang, query, Column::Index)}
                            {Column::ALL[..10].iter().map(|&c| header(lang, query, c)).collect_view()}
                            <th>{tr(lang, Text::FirstIssue)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|r| (r.index(), r.rev) children=move |r| row_view(state, r) />
                    </tbody>
                </table>
            </div>
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
        </section>
    }
}
