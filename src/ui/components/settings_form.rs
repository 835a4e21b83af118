//! Endpoint, model, API key.

use crate::core::api::cost::{preset, preset_for, PRESETS};
use crate::core::api::endpoint::parse_endpoint;
use crate::core::api::provider::ApiKey;
use crate::ui::i18n::{self, tr, Text};
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

/// The API settings form.
#[component]
pub fn SettingsForm() -> impl IntoView {
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    view! {
        <section class="panel settings">
            <h2>{tr(lang, Text::Settings)}</h2>
            {provider_fields(store)}
            {key_fields(store)}
            <super::advanced_settings::AdvancedSettings/>
            {notices(store)}
        </section>
    }
}

/// The preset, the API format, the endpoint and the model.
fn provider_fields(store: SettingsStore) -> impl IntoView {
    let (lang, settings) = (store.lang, store.settings);
    let pick = move |ev| {
        if let Some(p) = preset(&event_target_value(&ev)) {
            store.edit(|s| s.apply_preset(p));
        }
    };
    view! {
        <label>
            <span>{tr(lang, Text::Preset)}</span>
            <select id="preset" on:change=pick
                prop:value=move || settings.with(|s| preset_for(&s.endpoint).map_or("custom", |p| p.id))>
                {PRESETS.iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                <option value="custom">{tr(lang, Text::CustomPreset)}</option>
            </select>
        </label>
        <label>
            <span>{tr(lang, Text::ApiKind)}</span>
            <select id="api-kind" on:change=move |ev| store.edit(|s| s.kind = event_target_value(&ev))
                prop:value=move || settings.with(|s| s.api_kind().id())>
                <option value="openai">{tr(lang, Text::OpenAiCompatible)}</option>
                <option value="anthropic">{tr(lang, Text::Anthropic)}</option>
            </select>
        </label>
        <label>
            <span>{tr(lang, Text::Endpoint)}</span>
            <input id="endpoint" type="url" spellcheck="false"
                prop:value=move || settings.with(|s| s.endpoint.clone())
                on:change=move |ev| store.edit(|s| s.endpoint = event_target_value(&ev).trim().to_string())/>
        </label>
        <label>
            <span>{tr(lang, Text::Model)}</span>
            <input id="model" type="text" spellcheck="false"
                prop:value=move || settings.with(|s| s.model.clone())
                on:change=move |ev| store.edit(|s| s.model = event_target_value(&ev).trim().to_string())/>
        </label>
    }
}

/// The key, the connection test, and whether the key stays here.
fn key_fields(store: SettingsStore) -> impl IntoView {
    let lang = store.lang;
    let set_key = move |ev| {
        store.api_key.set(ApiKey::new(&event_target_value(&ev)));
        store.save()
    };
    let remember = move |ev| {
        store.remember_key.set(event_target_checked(&ev));
        store.save();
    };
    view! {
        <label>
            <span>{tr(lang, Text::ApiKey)}</span>
            <input id="api-key" type="password" autocomplete="off" on:change=set_key
                prop:value=move || store.api_key.with(|k| k.expose().to_string())/>
        </label>
        <super::connection_test::ConnectionTest/>
        <label class="check">
            <input id="remember-key" type="checkbox" prop:checked=move || store.remember_key.get() on:change=remember/>
            <span>{tr(lang, Text::RememberKey)}</span>
        </label>
        <p class="hint">{tr(lang, Text::KeyStaysHere)}</p>
    }
}

/// What the endpoint means: sent unencrypted, or the simulator.
fn notices(store: SettingsStore) -> impl IntoView {
    let (lang, settings) = (store.lang, store.settings);
    let is_sim = move || {
        settings.with(|s| s.endpoint.contains("127.0.0.1:8787") || s.model == "tallyscan-sim")
    };
    let unencrypted = move || {
        let endpoint = settings.with(|s| parse_endpoint(&s.endpoint, crate::web::page_is_https()));
        match endpoint {
            Ok(e) if e.unencrypted() => Some(view! {
                <p class="notice" id="unencrypted-notice">{i18n::unencrypted_note(lang.get(), &e.host, e.kind)}</p>
            }),
            _ => None,
        }
    };
    view! {
        {unencrypted}
        <Show when=is_sim>
            <p class="notice" id="sim-notice">{tr(lang, Text::SimNotice)}</p>
        </Show>
    }
}
