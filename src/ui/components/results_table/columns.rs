//! The table's sortable header and its filters.

use super::row::facts;
use super::PAGE_SIZES;
use crate::core::results::table::{self, Column, Query, RowFacts, Show};
use crate::ui::i18n::{tr, Lang, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

pub(super) fn column_name(c: Column) -> Text {
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
pub(super) fn header(lang: RwSignal<Lang>, query: RwSignal<Query>, c: Column) -> impl IntoView {
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
pub(super) fn choice_filter(
    state: AppState,
    id: &'static str,
    label: Text,
    any: Text,
    pick: fn(&RowFacts) -> Option<&String>,
    set: fn(&mut Query, Option<String>),
    query: RwSignal<Query>,
) -> impl IntoView {
    let lang = state.lang;
    let values = Memo::new(move |_| {
        state
            .results
            .progress
            .rows
            .with(|r| table::choices(r, facts, pick))
    });
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
pub(super) fn filters(
    state: AppState,
    query: RwSignal<Query>,
    size: RwSignal<usize>,
) -> impl IntoView {
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
