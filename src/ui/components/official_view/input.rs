//! Where the official results come from: files picked, or an address
//! fetched; and what reading them said.

use super::files::{fetch, pick};
use crate::ui::i18n::{msg, t, Lang, Text};
use crate::ui::results::ResultsStore;
use leptos::prelude::*;

/// The file input, the address to fetch, the notes.
pub(super) fn input_view(
    results: ResultsStore,
    lang: RwSignal<Lang>,
    p: &'static str,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let on_pick = move |ev: leptos::ev::Event| pick(results, ev);
    let on_fetch = move |_| {
        let address = url.get_untracked().trim().to_string();
        leptos::task::spawn_local(fetch(results, address));
    };
    view! {
            <p class="hint">{move || t(lang.get(), Text::PickTheElectionCommissionS)}</p>
            <label class="file-label">
                <span>{move || t(lang.get(), Text::ChooseOfficialResultFiles)}</span>
                <input id=format!("{p}official-files") type="file" multiple accept=".json,application/json" on:change=on_pick/>
            </label>
            <div class="row">
                <label for=format!("{p}official-url")>{move || t(lang.get(), Text::OrItsAddress)}</label>
                <input id=format!("{p}official-url") type="url" placeholder="https://…/stats_cons.json"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button type="button" id=format!("{p}official-fetch") disabled=move || url.with(|u| u.trim().is_empty())
                    on:click=on_fetch>
                    {move || t(lang.get(), Text::Fetch)}
                </button>
            </div>
            <ul class="notes" id=format!("{p}official-notes")>
                {move || results.official_notes.get().iter().map(|n| view! { <li>{msg(lang.get(), n)}</li> }).collect_view()}
            </ul>
    }
}
