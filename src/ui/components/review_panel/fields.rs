//! The form's fields, editable.

use super::cells::{cell, source_text, Editing};
use crate::core::domain::field::{Cell, Field};
use crate::core::results::review;
use crate::ui::i18n::{t, tr, Text};
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The fields of the record, grouped: place, rows, totals.
pub(super) fn fields_view(state: AppState, index: usize, editing: Editing) -> impl IntoView {
    let lang = state.lang;
    let shown = editing.shown;
    let fields = shown.with_untracked(|r| r.as_ref().map(review::fields).unwrap_or_default());
    let place: Vec<Cell> = fields.iter().take(3).cloned().collect();
    let pairs: Vec<Field> = fields
        .iter()
        .skip(3)
        .filter(|c| !c.words)
        .map(|c| c.field.clone())
        .collect();
    let source = move |f: &Field| {
        shown.with(|r| {
            r.as_ref().map(|r| match f {
                Field::Province => r.sources.province,
                Field::Constituency => r.sources.constituency,
                _ => r.sources.polling_unit,
            })
        })
    };
    view! {
        <table class="review__fields">
            <thead>
                <tr><th>{tr(lang, Text::Field)}</th><th>{tr(lang, Text::Digits)}</th><th>{tr(lang, Text::Words)}</th></tr>
            </thead>
            <tbody>
                {place.into_iter().map(|f| {
                    let name = f.clone();
                    let g = f.field.clone();
                    view! {
                        <tr>
                            <th scope="row">{move || row_text::cell(lang.get(), &name)}</th>
                            <td>{cell(state, index, f, editing)}</td>
                            <td class="source">{move || source(&g).map(|s| t(lang.get(), source_text(s)))}</td>
                        </tr>
                    }
                }).collect_view()}
                {pairs.into_iter().map(|f| {
                    let name = f.clone();
                    let words = f.clone().words();
                    view! {
                        <tr>
                            <th scope="row">{move || row_text::field(lang.get(), &name)}</th>
                            <td>{cell(state, index, f.digits(), editing)}</td>
                            <td>{cell(state, index, words, editing)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
