//! One row of the results table.

use super::columns::column_name;
use crate::core::results::table::{display_name, Column, RowFacts};
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::progress::{Row, RowStatus};
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

pub(super) fn facts(r: &Row) -> &RowFacts {
    &r.facts
}

pub(super) fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub(super) fn row_class(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Read => "row row--ok",
        RowStatus::Review => "row row--review",
        RowStatus::Error => "row row--error",
        RowStatus::NotStarted => "row row--skipped",
    }
}

/// One row of the table.
pub(super) fn row_view(state: AppState, row: Row) -> impl IntoView {
    let lang = state.lang;
    let index = row.index();
    let status = row.status();
    let f = row.facts.clone();
    let open = move |_| state.results.review.set(Some(index));
    // Each cell names its column (shown beside the value when the rows
    // are cards on a narrow screen).
    let label = move |c: Column| move || t(lang.get(), column_name(c));
    let file = if row.record.is_some() {
        view! { <button type="button" class="link" on:click=open><bdi>{display_name(&f.file)}</bdi></button> }
            .into_any()
    } else {
        view! { <bdi>{display_name(&f.file)}</bdi> }.into_any()
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
                    .results
                    .progress
                    .records
                    .with_untracked(|r| r.get(at).map(|r| row_text::first_issue(l, r)));
                format!("{}{}", copy(l), first.unwrap_or_default())
            };
            let level = f.level;
            view! {
                <td class="form" data-label=label(Column::Form)>{f.form.clone().unwrap_or_default()}</td>
                <td class="province" data-label=label(Column::Province)>{f.province.clone().unwrap_or_default()}</td>
                <td class="num" data-label=label(Column::Constituency)>{num(f.constituency)}</td>
                <td class="num" data-label=label(Column::Unit)>{num(f.unit)}</td>
                <td class="num" data-label=label(Column::Rows)>{num(f.rows)}</td>
                <td class="num" data-label=label(Column::Valid)>{num(f.valid)}</td>
                <td class="num" data-label=label(Column::Total)>{num(f.total)}</td>
                <td class="level" data-label=label(Column::Confidence)>{move || level.map(|l| row_text::level_name(lang.get(), l)).unwrap_or_default().to_string()}</td>
                <td class="issue" data-label=move || t(lang.get(), Text::FirstIssue)>{issue}</td>
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
                    let stopped = state.results.progress.stopped.get();
                    row_text::failure(l, e, stopped.as_ref())
                });
                format!("{}{}", copy(l), why.unwrap_or_default())
            };
            view! { <td colspan="9" class="issue" title=detail data-label=move || t(lang.get(), Text::FirstIssue)>{why_text}</td> }.into_any()
        }
    };
    view! {
        <tr class=row_class(status) data-index=index>
            <td class="num" data-label=label(Column::Index)>{index}</td>
            <td class="file" data-label=label(Column::File)>{file}</td>
            <td class="status" data-label=label(Column::Status)>{move || row_text::status_name(lang.get(), status)}</td>
            {rest}
        </tr>
    }
}
