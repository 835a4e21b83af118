//! "N / M" and a progress bar.

use crate::ui::i18n::{t, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Progress of the current run.
#[component]
pub fn ProgressPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    view! {
        <section class="panel progress" aria-live="polite">
            <h2>{move || t(lang.get(), Text::Progress)}</h2>
            <progress max=move || state.total.get().max(1) value=move || state.done.get()></progress>
            <span id="progress-count" class="count">
                {move || format!("{} / {}", state.done.get(), state.total.get())}
            </span>
        </section>
    }
}
