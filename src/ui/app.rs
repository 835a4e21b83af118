//! The root component: state in context, then the page.

use super::components::{
    ExportPanel, NationalPanel, ProgressPanel, ResultTabs, ResumePanel, ReviewPanel, SettingsForm,
    StartPanel, StoragePanel, SyncPanel,
};
use super::i18n::{tr, Text};
use super::state::AppState;
use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    state.provide();
    let lang = state.lang;
    // The language is the page's `lang` (Thai fonts and screen readers
    // follow it) and is remembered.
    Effect::new(move |first: Option<()>| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.get().code());
        }
        if first.is_some() {
            state.settings.save();
        }
    });
    leptos::task::spawn_local(state.open_device());
    leptos::task::spawn_local(state.start_worker());
    let device = state.device;
    view! {
        <header class="top">
            <h1>"TallyScan"</h1>
            <p class="tagline">{tr(lang, Text::Tagline)}</p>
            <button type="button" class="lang-toggle" lang=move || lang.get().other().code() on:click=move |_| lang.update(|l| *l = l.other())>
                {tr(lang, Text::SwitchLang)}
            </button>
            <Show when=move || device.offline_ready.get()>
                <p class="hint" id="offline-ready">{tr(lang, Text::OfflineReady)}</p>
            </Show>
        </header>
        <Show when=move || device.update_ready.get()>
            <section class="panel update" id="update-ready" role="status">
                <p>{tr(lang, Text::UpdateReady)}</p>
                <button id="update-now" class="primary" disabled=move || state.run.running.get()
                    on:click=move |_| state.switch_version()>
                    {tr(lang, Text::UpdateNow)}
                </button>
                <Show when=move || state.run.running.get()>
                    <p class="hint">{tr(lang, Text::UpdateAfterBatch)}</p>
                </Show>
            </section>
        </Show>
        <main>
            <ResumePanel/>
            <SettingsForm/>
            <StartPanel/>
            <ProgressPanel/>
            <ExportPanel/>
            <ResultTabs/>
            <StoragePanel/>
            <SyncPanel/>
            <NationalPanel/>
        </main>
        <ReviewPanel/>
    }
}
