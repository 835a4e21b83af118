//! Endpoint, model, API key.

use crate::core::provider::{ApiKey, ApiKind};
use crate::ui::i18n::{t, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The API settings form.
#[component]
pub fn SettingsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let settings = state.settings;
    let is_sim = move || {
        settings.with(|s| s.endpoint.contains("127.0.0.1:8787") || s.model == "tallyscan-sim")
    };
    view! {
        <section class="panel settings">
            <h2>{move || t(lang.get(), Text::Settings)}</h2>
            <label>
                <span>{move || t(lang.get(), Text::ApiKind)}</span>
                <select
                    id="api-kind"
                    on:change=move |ev| {
                        let kind = ApiKind::from_id(&event_target_value(&ev));
                        settings.update(|s| s.kind = kind);
                    }
                    prop:value=move || settings.with(|s| s.kind.id())
                >
                    <option value="openai">{move || t(lang.get(), Text::OpenAiCompatible)}</option>
                    <option value="anthropic">{move || t(lang.get(), Text::Anthropic)}</option>
                </select>
            </label>
            <label>
                <span>{move || t(lang.get(), Text::Endpoint)}</span>
                <input
                    id="endpoint"
                    type="url"
                    spellcheck="false"
                    prop:value=move || settings.with(|s| s.endpoint.clone())
                    on:change=move |ev| settings.update(|s| s.endpoint = event_target_value(&ev).trim().to_string())
                />
            </label>
            <label>
                <span>{move || t(lang.get(), Text::Model)}</span>
                <input
                    id="model"
                    type="text"
                    spellcheck="false"
                    prop:value=move || settings.with(|s| s.model.clone())
                    on:change=move |ev| settings.update(|s| s.model = event_target_value(&ev).trim().to_string())
                />
            </label>
            <label>
                <span>{move || t(lang.get(), Text::ApiKey)}</span>
                <input
                    id="api-key"
                    type="password"
                    autocomplete="off"
                    prop:value=move || settings.with(|s| s.api_key.expose().to_string())
                    on:change=move |ev| settings.update(|s| s.api_key = ApiKey::new(&event_target_value(&ev)))
                />
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || state.remember_key.get()
                    on:change=move |ev| {
                        state.remember_key.set(event_target_checked(&ev));
                        state.save_settings();
                    }
                />
                <span>{move || t(lang.get(), Text::RememberKey)}</span>
            </label>
            <p class="hint">{move || t(lang.get(), Text::KeyStaysHere)}</p>
            <details class="advanced">
                <summary>{move || t(lang.get(), Text::Advanced)}</summary>
                <label>
                    <span>{move || t(lang.get(), Text::PerMinute)}</span>
                    <input
                        id="per-minute"
                        type="number"
                        min="0.1"
                        step="any"
                        prop:value=move || state.batch.with(|b| b.per_minute.to_string())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                if v > 0.0 && v.is_finite() {
                                    state.batch.update(|b| b.per_minute = v);
                                }
                            }
                        }
                    />
                </label>
                <label>
                    <span>{move || t(lang.get(), Text::Burst)}</span>
                    <input
                        id="burst"
                        type="number"
                        min="1"
                        max="100"
                        prop:value=move || state.batch.with(|b| b.burst.to_string())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                state.batch.update(|b| b.burst = v.clamp(1, 100));
                            }
                        }
                    />
                </label>
                <label>
                    <span>{move || t(lang.get(), Text::Concurrency)}</span>
                    <input
                        id="concurrency"
                        type="number"
                        min="0"
                        max="64"
                        prop:value=move || state.batch.with(|b| b.concurrency.to_string())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                state.batch.update(|b| b.concurrency = v.min(64));
                            }
                        }
                    />
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || state.batch.with(|b| b.verbose)
                        on:change=move |ev| state.batch.update(|b| b.verbose = event_target_checked(&ev))
                    />
                    <span>{move || t(lang.get(), Text::Verbose)}</span>
                </label>
            </details>
            <Show when=is_sim>
                <p class="notice" id="sim-notice">{move || t(lang.get(), Text::SimNotice)}</p>
            </Show>
        </section>
    }
}
