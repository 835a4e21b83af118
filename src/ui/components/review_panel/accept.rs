//! Accepting the record as it is, with a reason (kept with who and when).

use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Accepting the record as it is, with a reason.
pub(super) fn accept_view(
    state: AppState,
    index: usize,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = state.lang;
    let reason = RwSignal::new(String::new());
    let accept = move |_| match state.accept_record(index, &reason.get_untracked()) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e.to_string())),
    };
    view! {
        <div class="review__accept">
            <label>
                {tr(lang, Text::AcceptReason)}
                <input id="accept-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <button type="button" id="accept" disabled=move || reason.with(|r| r.trim().is_empty()) on:click=accept>
                {tr(lang, Text::Accept)}
            </button>
        </div>
    }
}
