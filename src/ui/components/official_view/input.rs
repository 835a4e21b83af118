//! Where the official results come from: files picked, or an address
//! fetched; and what reading them said.

use super::files::{fetch, pick};
use crate::ui::i18n::{th, Lang};
use crate::ui::results::ResultsStore;
use leptos::prelude::*;

/// The file input, the address to fetch, the notes.
pub(super) fn input_view(results: ResultsStore, lang: RwSignal<Lang>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let on_pick = move |ev: leptos::ev::Event| pick(results, lang.get_untracked(), ev);
    let on_fetch = move |_| {
        let address = url.get_untracked().trim().to_string();
        leptos::task::spawn_local(fetch(results, lang.get_untracked(), address));
    };
    view! {
            <p class="hint">{move || th(lang.get(),
                "เลือกไฟล์ stats_cons.json และ stats_party.json ของ กกต. (หรือใส่ที่อยู่ไฟล์) แล้วดูว่าผลรวมจากใบรายงานที่อ่านไว้ตรงกับผลที่ประกาศหรือไม่",
                "Pick the Election Commission's stats_cons.json and stats_party.json (or give their address) to see whether the forms read add up to what was published")}</p>
            <label class="file-label">
                <span>{move || th(lang.get(), "เลือกไฟล์ผลทางการ", "Choose official result files")}</span>
                <input id="official-files" type="file" multiple accept=".json,application/json" on:change=on_pick/>
            </label>
            <div class="row">
                <label for="official-url">{move || th(lang.get(), "หรือที่อยู่ไฟล์", "or its address")}</label>
                <input id="official-url" type="url" placeholder="https://…/stats_cons.json"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button type="button" id="official-fetch" disabled=move || url.with(|u| u.trim().is_empty())
                    on:click=on_fetch>
                    {move || th(lang.get(), "ดึงไฟล์", "Fetch")}
                </button>
            </div>
            <ul class="notes" id="official-notes">
                {move || results.official_notes.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
    }
}
