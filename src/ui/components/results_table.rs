//! One row per picked file: file, status, form, place, rows, valid, total,
//! confidence and the first issue (or why there is no record). Filtered,
//! sorted and paged by `core::table`; only the page in view is drawn, and
//! a row is drawn again only when it changes (keyed by index and revision).
//! Model output is shown as text, never as HTML.

use crate::core::table::{self, Column, Query, RowFacts, Show};
use crate::ui::i18n::{tr, Lang, Text};
use crate::ui::progress::{Row, RowStatus};
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Rows a page holds, to choose from.
const PAGE_SIZES: [usize; 4] = [50, 100, 500, 1000];

fn facts(r: &Row) -> &RowFacts {
    &r.facts
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn row_class(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Read => "row row--ok",
        RowStatus::Review => "row row--review",
        RowStatus::Error => "row row--error",
        RowStatus::NotStarted => "row row--skipped",
    }
}

/// One row of the table.
fn row_view(state: AppState, row: Row) -> impl IntoView {
    let lang = state.lang;
    let index = row.index();
    let status = row.status();
    let f = row.facts.clone();
    let open = move |_| state.review.set(Some(index));
    let file = if row.record.is_some() {
        view! { <button type="button" class="link" on:click=open>{f.file.clone()}</button> }
            .into_any()
    } else {
        f.file.clone().into_any()
    };
    let copy_of = row.copy_of.clone();
    let copy = move |l: Lang| match &copy_of {
        Some(of) => format!("{} — ", crate::ui::i18n::copy_note(l, of)),
        None => String::new(),
    };
    let rest = match (row.record, row.error.clone()) {
        (Some(at), _) => {
            let issue = move || {
                let l = lang.get();
                let first = state
                    .progress
                    .records
                    .with_untracked(|r| r.get(at).map(|r| row_text::first_issue(l, r)));
                format!("{}{}", copy(l), first.unwrap_or_default())
            };
            let level = f.level;
            view! {
                <td class="form">{f.form.clone().unwrap_or_default()}</td>
                <td class="province">{f.province.clone().unwrap_or_default()}</td>
                <td class="num">{num(f.constituency)}</td>
                <td class="num">{num(f.unit)}</td>
                <td class="num">{num(f.rows)}</td>
                <td class="num">{num(f.valid)}</td>
                <td class="num">{num(f.total)}</td>
                <td class="level">{move || level.map(|l| row_text::level_name(lang.get(), l)).unwrap_or_default().to_string()}</td>
                <td class="issue">{issue}</td>
            }
            .into_any()
        }
        (None, error) => {
            let detail = error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            let why_text = move || {
                let l = lang.get();
                let why = error.as_ref().map(|e| {
                    let stopped = state.progress.stopped.get();
                    row_text::failure(l, e, stopped.as_ref())
                });
                format!("{}{}", copy(l), why.unwrap_or_default())
            };
            view! { <td colspan="9" class="issue" title=detail>{why_text}</td> }.into_any()
        }
    };
    view! {
        <tr class=row_class(status) data-index=index>
            <td class="num">{index}</td>
            <td class="file">{file}</td>
            <td class="status">{move || row_text::status_name(lang.get(), status)}</td>
            {rest}
        </tr>
    }
}

fn column_name(c: Column) -> Text {
    match c {
        Column::Index => Text::Number,
        Column::File => Text::File,
        Column::Status => Text::Status,
        Column::Form => Text::Form,
        Column::Province => Text::Province,
        Column::Constituency => Text::ConstituencyNo,
        Column::Unit => Text::Unit,
        Column::Rows => Text::RowsRead,
        Column::Valid => Text::Valid,
        Column::Total => Text::Total,
        Column::Confidence => Text::Level,
    }
}

/// A header that sorts by its column (again: the other direction).
fn header(lang: RwSignal<Lang>, query: RwSignal<Query>, c: Column) -> impl IntoView {
    let sorted = move || {
        query
            .with(|q| match (q.sort == c, q.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            })
            .to_string()
    };
    let click = move |_| {
        query.update(|q| {
            q.descending = q.sort == c && !q.descending;
            q.sort = c;
        })
    };
    view! {
        <th aria-sort=sorted>
            <button type="button" class="sort" on:click=click>{tr(lang, column_name(c))}</button>
        </th>
    }
}

/// A select whose options are the values rows hold (forms, provinces).
fn choice_filter(
    state: AppState,
    id: &'static str,
    label: Text,
    any: Text,
    pick: fn(&RowFacts) -> Option<&String>,
    set: fn(&mut Query, Option<String>),
    query: RwSignal<Query>,
) -> impl IntoView {
    let lang = state.lang;
    let values = Memo::new(move |_| state.progress.rows.with(|r| table::choices(r, facts, pick)));
    view! {
        <label>
            {tr(lang, label)}
            <select id=id on:change=move |ev| {
                let v = event_target_value(&ev);
                query.update(|q| set(q, (!v.is_empty()).then_some(v)));
            }>
                <option value="">{tr(lang, any)}</option>
                {move || values.get().into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// The filters above the table.
fn filters(state: AppState, query: RwSignal<Query>, size: RwSignal<usize>) -> impl IntoView {
    let lang = state.lang;
    let show = move |ev| {
        let v = event_target_value(&ev);
        query.update(|q| {
            q.show = match v.as_str() {
                "review" => Show::NeedsReview,
                "failed" => Show::Failed,
                _ => Show::All,
            }
        })
    };
    view! {
        <div class="filters">
            <label>
                {tr(lang, Text::ShowRows)}
                <select id="show" on:change=show>
                    <option value="all">{tr(lang, Text::AllRows)}</option>
                    <option value="review">{tr(lang, Text::NeedsReview)}</option>
                    <option value="failed">{tr(lang, Text::FailedRows)}</option>
                </select>
            </label>
            {choice_filter(state, "filter-form", Text::Form, Text::AnyForm, |f| f.form.as_ref(), |q, v| q.form = v, query)}
            {choice_filter(state, "filter-province", Text::Province, Text::AnyProvince, |f| f.province.as_ref(), |q, v| q.province = v, query)}
            <label>
                {tr(lang, Text::PageSize)}
                <select id="page-size" on:change=move |ev| size.set(event_target_value(&ev).parse().unwrap_or(100))>
                    {PAGE_SIZES.iter().map(|n| view! { <option value=n.to_string() selected=*n == 100>{*n}</option> }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// The results table.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let rows = state.progress.rows;
    let query = RwSignal::new(Query::default());
    let size = RwSignal::new(100usize);
    let page = RwSignal::new(0usize);
    let shown = Memo::new(move |_| query.with(|q| rows.with(|r| table::select(r, facts, q))));
    // The page in view: (position, key) pairs; a row redraws when its revision changes.
    let visible = move || {
        shown.with(|s| {
            let (ids, _) = table::page(s, page.get(), size.get());
            rows.with(|r| {
                ids.iter()
                    .filter_map(|&p| r.get(p).cloned())
                    .collect::<Vec<_>>()
            })
        })
    };
    let pages = move || shown.with(Vec::len).div_ceil(size.get()).max(1);
    let at = move || shown.with(|s| table::page(s, page.get(), size.get()).1);
    Effect::new(move |_| {
        query.track();
        size.track();
        page.set(0);
    });
    let failed = move || {
        !state.running.get()
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
