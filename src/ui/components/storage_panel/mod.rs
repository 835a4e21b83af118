//! Storage on this device: space used, persistence, whether images are
//! kept (and the budget), the batches kept (export as a session file,
//! delete), importing other volunteers' sessions (merged, conflicts
//! listed), and "clear this device" for shared kiosks.

use crate::ui::i18n::{self, t, tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

mod batches;
mod keep_images;
mod sessions;
use batches::BatchList;
use keep_images::KeepImages;
use sessions::Sessions;
/// The storage panel.
#[component]
pub fn StoragePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let confirm_clear = RwSignal::new(false);
    let on_clear = move |_| {
        if confirm_clear.get_untracked() {
            confirm_clear.set(false);
            leptos::task::spawn_local(state.clear_device());
        } else {
            confirm_clear.set(true);
        }
    };
    view! {
        <section class="panel storage" id="storage">
            <h2>{tr(lang, Text::Storage)}</h2>
            {move || d.unavailable.get().map(|why| view! {
                <p class="notice notice--error" id="storage-unavailable">{i18n::storage_unavailable(lang.get(), &why)}</p>
            })}
            <p id="storage-usage">{move || d.usage.get().map(|(u, q)| i18n::storage_usage(lang.get(), u, q))}</p>
            <p>
                <button id="persist" on:click=move |_| leptos::task::spawn_local(state.ask_persist())>
                    {tr(lang, Text::Persist)}
                </button>
                {move || d.persisted.get().map(|kept| view! {
                    <span class="hint" id="persist-note">{t(lang.get(), if kept { Text::Persisted } else { Text::NotPersisted })}</span>
                })}
            </p>
            <KeepImages/>
            <h3>{tr(lang, Text::StoredBatches)}</h3>
            <ul id="batch-list"><BatchList/></ul>
            <Sessions/>
            <p>
                <button id="clear-device" class="danger" disabled=move || state.run.running.get() on:click=on_clear>
                    {move || t(lang.get(), if confirm_clear.get() { Text::ConfirmClear } else { Text::ClearDevice })}
                </button>
                <Show when=move || d.cleared.get()>
                    <span class="hint" id="cleared-note">{tr(lang, Text::Cleared)}</span>
                </Show>
            </p>
        </section>
    }
}
