//! The settings under "Advanced": rate, preparation, prices and budget,
//! the fallback model, events, second readings. Each field is a row of a
//! table: its id, label, and how it reads and writes the one
//! `Settings` (which brings it into range when it is entered).

use crate::core::api::provider::ApiKey;
use crate::ui::i18n::{t, tr, Text};
use crate::ui::settings::SettingsStore;
use crate::ui::settings_fields::{
    CheckSetting, NumberSetting, EVENTS, LAST, LIMITS, PRICES, REREAD, REREAD_CAP,
};
use leptos::prelude::*;

/// The advanced settings.
#[component]
pub fn AdvancedSettings() -> impl IntoView {
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    view! {
        <details class="advanced">
            <summary>{tr(lang, Text::Advanced)}</summary>
            {numbers(&LIMITS)}
            {numbers(&PRICES)}
            <p class="hint">{tr(lang, Text::PricesHint)}</p>
            <FallbackFields/>
            {checks(&EVENTS)}
            <label>
                <span>{tr(lang, Text::EmbedOrigin)}</span>
                <input id="embed-origin" type="url" placeholder="https://example.org"
                    prop:value=move || store.get(|s| s.embed_origin.clone())
                    on:change=move |ev| store.edit(|s| s.embed_origin = event_target_value(&ev))/>
            </label>
            {checks(&REREAD)}
            {numbers(&REREAD_CAP)}
            {checks(&LAST)}
        </details>
    }
}

fn numbers(fields: &'static [NumberSetting]) -> impl IntoView {
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    fields
        .iter()
        .map(|&(id, label, min, read, write)| {
            view! {
                <label>
                    <span>{move || t(lang.get(), label)}</span>
                    <input id=id type="number" min=min step="any"
                        prop:value=move || store.get(read).to_string()
                        on:change=move |ev| {
                            if let Some(v) = event_target_value(&ev).parse::<f64>().ok().filter(|v| v.is_finite()) {
                                store.edit(|s| write(s, v));
                            }
                        }/>
                </label>
            }
        })
        .collect_view()
}

fn checks(fields: &'static [CheckSetting]) -> impl IntoView {
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    fields
        .iter()
        .map(|&(id, label, read, write)| {
            view! {
                <label class="check">
                    <input id=id type="checkbox" prop:checked=move || store.get(read)
                        on:change=move |ev| store.edit(|s| write(s, event_target_checked(&ev)))/>
                    <span>{tr(lang, label)}</span>
                </label>
            }
        })
        .collect_view()
}

/// The fallback model: API format, base URL, model, key (never stored).
#[component]
fn FallbackFields() -> impl IntoView {
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    view! {
        <fieldset class="fallback">
            <legend>{tr(lang, Text::FallbackTitle)}</legend>
            <label>
                <span>{tr(lang, Text::ApiKind)}</span>
                <select id="fallback-kind"
                    prop:value=move || store.get(|s| crate::core::api::provider::ApiKind::from_id(&s.fallback_kind).id())
                    on:change=move |ev| store.edit(|s| s.fallback_kind = event_target_value(&ev))>
                    <option value="openai">{tr(lang, Text::OpenAiCompatible)}</option>
                    <option value="anthropic">{tr(lang, Text::Anthropic)}</option>
                </select>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackEndpoint)}</span>
                <input id="fallback-endpoint" type="url" spellcheck="false"
                    prop:value=move || store.get(|s| s.fallback_endpoint.clone())
                    on:change=move |ev| store.edit(|s| s.fallback_endpoint = event_target_value(&ev).trim().to_string())/>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackModel)}</span>
                <input id="fallback-model" type="text" spellcheck="false"
                    prop:value=move || store.get(|s| s.fallback_model.clone())
                    on:change=move |ev| store.edit(|s| s.fallback_model = event_target_value(&ev).trim().to_string())/>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackKey)}</span>
                <input id="fallback-key" type="password" autocomplete="off"
                    on:change=move |ev| store.fallback_key.set(ApiKey::new(&event_target_value(&ev)))/>
            </label>
        </fieldset>
    }
}
