//! Picking the files and starting the batch: the estimate of its tokens
//! and cost, and a question first when the results in view were never
//! exported (a new batch replaces them; they stay on the device).

use super::FilePicker;
use crate::ui::i18n::{self, t, tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The file picker and the Start button.
#[component]
pub fn StartPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let run = Action::new_local(move |_: &()| state.run());
    let running = state.run.running;
    let asking = RwSignal::new(false);
    let start = move |_| {
        let results = state.results;
        let unexported = !results.exported.get_untracked()
            && results.progress.rows.with_untracked(|r| !r.is_empty());
        if unexported {
            return asking.set(true);
        }
        run.dispatch_local(());
    };
    let start_anyway = move |_| {
        asking.set(false);
        run.dispatch_local(());
    };
    let busy = move || running.get() || run.pending().get();
    let estimate = move || {
        let n = state.run.files.with(|f| f.len());
        let (usage, cost, priced) = state.settings.settings.with(|s| {
            let (usage, cost) = s.estimate(n);
            (usage, cost, s.price_in + s.price_out > 0.0)
        });
        let tokens = usage.input_tokens + usage.output_tokens;
        (n > 0).then(|| i18n::estimate_line(lang.get(), n, tokens, cost, priced))
    };
    view! {
        <section class="panel">
            <FilePicker/>
            <button id="start" class="primary" on:click=start
                disabled=move || busy() || state.run.files.with(|f| f.is_empty())>
                {move || t(lang.get(), if busy() { Text::Running } else { Text::Start })}
            </button>
            <p class="hint" id="estimate">{estimate}</p>
            <Show when=move || asking.get()>
                <div class="notice" role="alert" id="confirm-new">
                    <p>{tr(lang, Text::ConfirmNewBatch)}</p>
                    <button type="button" id="start-anyway" on:click=start_anyway>{tr(lang, Text::StartAnyway)}</button>
                    <button type="button" on:click=move |_| asking.set(false)>{tr(lang, Text::Cancel)}</button>
                </div>
            </Show>
        </section>
    }
}
