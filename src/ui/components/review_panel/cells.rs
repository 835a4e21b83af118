//! One field of the form as the review panel shows it: its value, where it came from, whether a check failed there.

use crate::core::domain::ballot::{BallotRecord, Severity, ValueSource};
use crate::core::domain::field::{Cell, Field};
use crate::core::results::review;
use crate::ui::i18n::Text;
use crate::ui::row_text;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The fields that fail a check (an error).
pub(super) fn failing(r: &BallotRecord) -> Vec<Field> {
    r.issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.field.clone())
        .collect()
}

/// Whether `cell` is marked: an error names its field.
pub(super) fn marked(bad: &[Field], cell: &Cell) -> bool {
    bad.contains(&cell.field)
}

pub(super) fn source_text(s: ValueSource) -> Text {
    match s {
        ValueSource::Model => Text::FromModel,
        ValueSource::Path => Text::FromPath,
        ValueSource::Person => Text::FromPerson,
    }
}

/// What is being edited in the open review: the record as the cells
/// show it, the text being typed (its field and text), the field whose
/// text cannot be read as a value, and why the last change was refused.
#[derive(Clone, Copy)]
pub(super) struct Editing {
    pub shown: Memo<Option<BallotRecord>>,
    pub pending: RwSignal<Option<(Cell, String)>>,
    pub unreadable: Memo<Option<Cell>>,
    pub error: RwSignal<Option<String>>,
}

/// One editable cell. While it is typed in, it shows what is typed (never
/// the saved value put back mid-word), marked when it cannot be read.
pub(super) fn cell(state: AppState, index: usize, field: Cell, e: Editing) -> impl IntoView {
    let lang = state.lang;
    let Editing {
        shown,
        pending,
        unreadable,
        error,
    } = e;
    let f = field.clone();
    let value = move || {
        let typed = pending.with(|p| {
            p.as_ref()
                .filter(|(pf, _)| *pf == f)
                .map(|(_, v)| v.clone())
        });
        typed.unwrap_or_else(|| {
            shown.with(|r| {
                r.as_ref()
                    .and_then(|r| review::value(r, &f))
                    .unwrap_or_default()
            })
        })
    };
    let f = field.clone();
    let bad = Memo::new(move |_| {
        unreadable.with(|u| u.as_ref() == Some(&f))
            || shown.with(|r| r.as_ref().is_some_and(|r| marked(&failing(r), &f)))
    });
    let f = field.clone();
    let input = move |ev| pending.set(Some((f.clone(), event_target_value(&ev))));
    let f = field.clone();
    let change = move |ev| {
        let v = event_target_value(&ev);
        pending.set(None);
        match state.correct_field(index, &f, &v) {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(format!(
                "{}: {e}",
                row_text::cell(lang.get_untracked(), &f)
            ))),
        }
    };
    let label = field.clone();
    view! {
        <input
            class="cell"
            class:cell--bad=bad
            aria-invalid=move || bad.get().to_string()
            aria-label=move || row_text::cell(lang.get(), &label)
            data-field=field.to_string()
            prop:value=value
            on:input=input
            on:change=change
        />
    }
}
