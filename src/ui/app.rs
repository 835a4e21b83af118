//! The root component: state in context, then the page.

use super::components::{
    ConstituencyView, ExportPanel, FilePicker, ProgressPanel, ResultsTable, ResumePanel,
    SettingsForm, StoragePanel,
};
use super::i18n::{t, tr, Text};
use super::state::AppState;
use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let lang = state.lang;
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.get().code());
        }
    });
    leptos::task::spawn_local(state.open_device());
    leptos::task::spawn_local(state.start_worker());
    let device = state.device;
    let start = move |_| leptos::task::spawn_local(state.run());
    view! {
        <header class="top">
            <h1>"TallyScan"</h1>
            <p class="tagline">{tr(lang, Text::Tagline)}</p>
            <button class="lang-toggle" on:click=move |_| lang.update(|l| *l = l.other())>
                {tr(lang, Text::SwitchLang)}
            </button>
            <Show when=move || device.offline_ready.get()>
                <p class="hint" id="offline-ready">{tr(lang, Text::OfflineReady)}</p>
            </Show>
        </header>
        <Show when=move || device.update_ready.get()>
            <section class="panel update" id="update-ready" role="status">
                <p>{tr(lang, Text::UpdateReady)}</p>
                <button id="update-now" class="primary" disabled=move || state.running.get()
                    on:click=move |_| state.switch_version()>
                    {tr(lang, Text::UpdateNow)}
                </button>
                <Show when=move || state.running.get()>
                    <p class="hint">{tr(lang, Text::UpdateAfterBatch)}</p>
                </Show>
            </section>
        </Show>
        <main>
            <ResumePanel/>
            <SettingsForm/>
            <section class="panel">
                <FilePicker/>
                <button
                    id="start"
                    class="primary"
                    on:click=start
                    disabled=move || state.running.get() || state.files.with(|f| f.is_empty())
                >
                    {move || t(lang.get(), if state.running.get() { Text::Running } else { Text::Start })}
                </button>
            </section>
            <ProgressPanel/>
            <ExportPanel/>
            <ConstituencyView/>
            <ResultsTable/>
            <StoragePanel/>
        </main>
    }
}
