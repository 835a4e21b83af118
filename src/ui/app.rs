//! The root component: state in context, then the page.

use super::components::{
    ConstituencyView, ExportPanel, FilePicker, OfficialView, ProgressPanel, Reports, ResultsTable,
    ResumePanel, ReviewPanel, SettingsForm, StoragePanel,
};
use super::i18n::{t, tr, Text};
use super::state::{AppState, Tab};
use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let lang = state.lang;
    // The language is the page's `lang` (Thai fonts and screen readers
    // follow it) and is remembered.
    Effect::new(move |first: Option<()>| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.get().code());
        }
        if first.is_some() {
            state.save_settings();
        }
    });
    leptos::task::spawn_local(state.open_device());
    leptos::task::spawn_local(state.start_worker());
    let device = state.device;
    // A new batch replaces the results in view: ask first when they were
    // never exported (they stay on the device either way).
    let asking = RwSignal::new(false);
    let start = move |_| {
        let unexported = !state.exported.get_untracked()
            && state.progress.rows.with_untracked(|r| !r.is_empty());
        if unexported {
            return asking.set(true);
        }
        leptos::task::spawn_local(state.run())
    };
    let start_anyway = move |_| {
        asking.set(false);
        leptos::task::spawn_local(state.run())
    };
    let tab = state.tab;
    let tab_button = move |id: &'static str, which: Tab, text: Text| {
        view! {
            <button type="button" role="tab" id=id aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>
                {tr(lang, text)}
            </button>
        }
    };
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
                <p class="hint" id="estimate">
                    {move || {
                        let n = state.files.with(|f| f.len());
                        let kind = state.settings.with(|s| s.kind);
                        let b = state.batch.get();
                        let (usage, cost) = b.estimate(kind, n);
                        let priced = b.prices.input + b.prices.output > 0.0;
                        (n > 0).then(|| crate::ui::i18n::estimate_line(lang.get(), n, usage.input_tokens + usage.output_tokens, cost, priced))
                    }}
                </p>
                <Show when=move || asking.get()>
                    <div class="notice" role="alert" id="confirm-new">
                        <p>{tr(lang, Text::ConfirmNewBatch)}</p>
                        <button type="button" id="start-anyway" on:click=start_anyway>{tr(lang, Text::StartAnyway)}</button>
                        <button type="button" on:click=move |_| asking.set(false)>{tr(lang, Text::Cancel)}</button>
                    </div>
                </Show>
            </section>
            <ProgressPanel/>
            <ExportPanel/>
            <Show when=move || state.progress.rows.with(|r| !r.is_empty())>
                <div class="tabs" role="tablist">
                    {tab_button("tab-results", Tab::Results, Text::TabResults)}
                    {tab_button("tab-constituencies", Tab::Constituencies, Text::TabConstituencies)}
                    {tab_button("tab-official", Tab::Official, Text::TabOfficial)}
                    {tab_button("tab-reports", Tab::Reports, Text::TabReports)}
                </div>
                {move || match tab.get() {
                    Tab::Results => view! { <ResultsTable/> }.into_any(),
                    Tab::Constituencies => view! { <ConstituencyView/> }.into_any(),
                    Tab::Official => view! { <OfficialView/> }.into_any(),
                    Tab::Reports => view! { <Reports/> }.into_any(),
                }}
            </Show>
            <ReviewPanel/>
            <StoragePanel/>
        </main>
    }
}
