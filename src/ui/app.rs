//! The root component: state in context, then the page.

use super::components::{
    ConstituencyView, ExportPanel, FilePicker, ProgressPanel, ResultsTable, ResumePanel,
    SettingsForm, StoragePanel,
};
use super::i18n::{t, Text};
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
    let start = move |_| leptos::task::spawn_local(state.run());
    view! {
        <header class="top">
            <h1>"TallyScan"</h1>
            <p class="tagline">{move || t(lang.get(), Text::Tagline)}</p>
            <button class="lang-toggle" on:click=move |_| lang.update(|l| *l = l.other())>
                {move || t(lang.get(), Text::SwitchLang)}
            </button>
        </header>
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
