//! One row per picked file: file, status, form, place, rows, valid, total,
//! confidence and the first issue (or why there is no record). Filtered,
//! sorted and paged by `core::results::table`; only the page in view is drawn, and
//! a row is drawn again only when it changes (keyed by index and revision).
//! Model output is shown as text, never as HTML.

use crate::core::results::table::{self, Column, Query};
use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

mod row;
use row::{facts, row_view};
mod columns;
mod pager;
use columns::{filters, header};
use pager::pager;

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
            {pager(state, page, at, pages, shown)}
        </section>
    }
}
