//! What the checks found, in words, with the fields they concern.

use crate::core::domain::ballot::{BallotRecord, Severity};
use crate::ui::i18n::{t, tr, Lang, Text};
use crate::ui::row_text;
use leptos::prelude::*;

/// The issues of the shown record, and the corrections made.
pub(super) fn issues_view(
    lang: RwSignal<Lang>,
    shown: Memo<Option<BallotRecord>>,
) -> impl IntoView {
    let issues = move || {
        let l = lang.get();
        shown.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.issues
                        .iter()
                        .filter(|i| i.severity != Severity::Info)
                        .map(|i| (i.severity == Severity::Error, row_text::issue(l, i)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let audit = move || {
        let l = lang.get();
        shown.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.audit
                        .iter()
                        .map(|c| {
                            let when = crate::web::timer::local_time(c.at_unix_ms as f64, l.code());
                            format!(
                                "{}: {} → {} ({}, {when})",
                                row_text::cell(l, &c.field),
                                c.from,
                                c.to,
                                c.who
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        {super::second::second_reading_view(lang, shown)}
        <h3>{tr(lang, Text::Issues)}</h3>
        <ul id="review-issues" aria-live="polite">
            {move || {
                let list = issues();
                if list.is_empty() {
                    view! { <li class="ok">{t(lang.get(), Text::ChecksPass)}</li> }.into_any()
                } else {
                    list.into_iter()
                        .map(|(err, text)| view! { <li class:issue--error=err>{text}</li> })
                        .collect_view()
                        .into_any()
                }
            }}
        </ul>
        <Show when=move || !audit().is_empty()>
            <h3>{tr(lang, Text::Corrections)}</h3>
            <ul id="review-audit">{move || audit().into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
        </Show>
    }
}
