//! Endpoint, model, API key.

use crate::core::cost::{preset, preset_for, PRESETS};
use crate::core::endpoint::parse_endpoint;
use crate::core::provider::{ApiKey, ApiKind};
use crate::ui::i18n::{self, t, tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The API settings form.
#[component]
pub fn SettingsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let settings = state.settings;
    let checking = RwSignal::new(false);
    let connection = RwSignal::new(None::<crate::core::connection::Connection>);
    // A changed setting makes the last test's answer stale.
    Effect::new(move |_| {
        settings.track();
        connection.set(None);
    });
    let is_sim = move || {
        settings.with(|s| s.endpoint.contains("127.0.0.1:8787") || s.model == "tallyscan-sim")
    };
    view! {
        <section class="panel settings">
            <h2>{tr(lang, Text::Settings)}</h2>
            <label>
                <span>{tr(lang, Text::Preset)}</span>
                <select
                    id="preset"
                    prop:value=move || settings.with(|s| preset_for(&s.endpoint).map_or("custom", |p| p.id))
                    on:change=move |ev| {
                        if let Some(p) = preset(&event_target_value(&ev)) {
                            settings.update(|s| {
                                s.kind = p.kind;
                                s.endpoint = p.endpoint.into();
                                s.model = p.model.into();
                            });
                            state.batch.update(|b| {
                                b.per_minute = p.per_minute;
                                b.prices = p.prices;
                            });
                            state.save_settings();
                        }
                    }
                >
                    {PRESETS.iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                    <option value="custom">{tr(lang, Text::CustomPreset)}</option>
                </select>
            </label>
            <label>
                <span>{tr(lang, Text::ApiKind)}</span>
                <select
                    id="api-kind"
                    on:change=move |ev| {
                        let kind = ApiKind::from_id(&event_target_value(&ev));
                        settings.update(|s| s.kind = kind);
                    }
                    prop:value=move || settings.with(|s| s.kind.id())
                >
                    <option value="openai">{tr(lang, Text::OpenAiCompatible)}</option>
                    <option value="anthropic">{tr(lang, Text::Anthropic)}</option>
                </select>
            </label>
            <label>
                <span>{tr(lang, Text::Endpoint)}</span>
                <input
                    id="endpoint"
                    type="url"
                    spellcheck="false"
                    prop:value=move || settings.with(|s| s.endpoint.clone())
                    on:change=move |ev| settings.update(|s| s.endpoint = event_target_value(&ev).trim().to_string())
                />
            </label>
            <label>
                <span>{tr(lang, Text::Model)}</span>
                <input
                    id="model"
                    type="text"
                    spellcheck="false"
                    prop:value=move || settings.with(|s| s.model.clone())
                    on:change=move |ev| settings.update(|s| s.model = event_target_value(&ev).trim().to_string())
                />
            </label>
            <label>
                <span>{tr(lang, Text::ApiKey)}</span>
                <input
                    id="api-key"
                    type="password"
                    autocomplete="off"
                    prop:value=move || settings.with(|s| s.api_key.expose().to_string())
                    on:change=move |ev| settings.update(|s| s.api_key = ApiKey::new(&event_target_value(&ev)))
                />
            </label>
            <div class="connection">
                <button type="button" id="test-connection" on:click=move |_| {
                    checking.set(true);
                    leptos::task::spawn_local(async move {
                        let found = state.test_connection().await;
                        checking.set(false);
                        connection.set(Some(found));
                    });
                } disabled=move || checking.get()>
                    {tr(lang, Text::TestConnection)}
                </button>
                {move || connection.get().map(|c| {
                    let ok = matches!(c, crate::core::connection::Connection::Works { .. });
                    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
                    view! { <p id="connection-result" class="notice" class:notice--error=!ok role="status">{i18n::connection(lang.get(), &c, &origin)}</p> }
                })}
            </div>
            <label class="check">
                <input
                    id="remember-key"
                    type="checkbox"
                    prop:checked=move || state.remember_key.get()
                    on:change=move |ev| {
                        state.remember_key.set(event_target_checked(&ev));
                        state.save_settings();
                    }
                />
                <span>{tr(lang, Text::RememberKey)}</span>
            </label>
            <p class="hint">{tr(lang, Text::KeyStaysHere)}</p>
            <AdvancedSettings/>
            {move || {
                let endpoint = settings.with(|s| parse_endpoint(&s.endpoint, crate::web::page_is_https()));
                match endpoint {
                    Ok(e) if e.unencrypted() => Some(view! {
                        <p class="notice" id="unencrypted-notice">{i18n::unencrypted_note(lang.get(), &e.host, e.kind)}</p>
                    }),
                    _ => None,
                }
            }}
            <Show when=is_sim>
                <p class="notice" id="sim-notice">{tr(lang, Text::SimNotice)}</p>
            </Show>
        </section>
    }
}

/// The settings under "Advanced": rate, preparation, prices and budget,
/// the fallback model, events, second readings.
#[component]
fn AdvancedSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    view! {
        <details class="advanced">
            <summary>{tr(lang, Text::Advanced)}</summary>
            <NumberField id="per-minute" label=Text::PerMinute min="0.1"
                value=Signal::derive(move || state.batch.with(|b| b.per_minute))
                set=move |v: f64| { if v > 0.0 { state.batch.update(|b| b.per_minute = v) } }/>
            <NumberField id="burst" label=Text::Burst min="1"
                value=Signal::derive(move || state.batch.with(|b| f64::from(b.burst)))
                set=move |v: f64| { state.batch.update(|b| b.burst = v.clamp(1.0, 100.0) as u32) }/>
            <NumberField id="timeout" label=Text::Timeout min="10"
                value=Signal::derive(move || state.batch.with(|b| b.timeout_s))
                set=move |v: f64| { state.batch.update(|b| b.timeout_s = v.clamp(crate::ui::state::TIMEOUT_RANGE_S.0, crate::ui::state::TIMEOUT_RANGE_S.1)) }/>
            <NumberField id="concurrency" label=Text::Concurrency min="0"
                value=Signal::derive(move || state.batch.with(|b| b.concurrency as f64))
                set=move |v: f64| { state.batch.update(|b| b.concurrency = v.clamp(0.0, 64.0) as usize) }/>
            <NumberField id="long-edge" label=Text::LongEdge min="512"
                value=Signal::derive(move || state.batch.with(|b| f64::from(b.long_edge)))
                set=move |v: f64| { state.batch.update(|b| b.long_edge = v.clamp(512.0, 8192.0) as u32) }/>
            <NumberField id="quality" label=Text::Quality min="0.3"
                value=Signal::derive(move || state.batch.with(|b| b.quality))
                set=move |v: f64| { state.batch.update(|b| b.quality = v.clamp(0.3, 1.0)) }/>
            <NumberField id="pdf-dpi" label=Text::PdfDpi min="150"
                value=Signal::derive(move || state.batch.with(|b| f64::from(b.pdf_dpi)))
                set=move |v: f64| { state.batch.update(|b| b.pdf_dpi = v.clamp(150.0, 200.0) as u32) }/>
            <NumberField id="price-in" label=Text::PriceIn min="0"
                value=Signal::derive(move || state.batch.with(|b| b.prices.input))
                set=move |v: f64| { state.batch.update(|b| b.prices.input = v.clamp(0.0, 1000.0)) }/>
            <NumberField id="price-out" label=Text::PriceOut min="0"
                value=Signal::derive(move || state.batch.with(|b| b.prices.output))
                set=move |v: f64| { state.batch.update(|b| b.prices.output = v.clamp(0.0, 1000.0)) }/>
            <NumberField id="budget" label=Text::BudgetCap min="0"
                value=Signal::derive(move || state.batch.with(|b| b.budget))
                set=move |v: f64| { state.batch.update(|b| b.budget = v.clamp(0.0, 1_000_000.0)) }/>
            <p class="hint">{tr(lang, Text::PricesHint)}</p>
            <FallbackFields/>
            <CheckField id="publish-events" label=Text::PublishEvents
                checked=Signal::derive(move || state.batch.with(|b| b.publish_events))
                set=move |v: bool| state.batch.update(|b| b.publish_events = v)/>
            <label>
                <span>{tr(lang, Text::EmbedOrigin)}</span>
                <input id="embed-origin" type="url" placeholder="https://example.org"
                    prop:value=move || state.embed_origin.get()
                    on:change=move |ev| {
                        state.embed_origin.set(crate::core::settings::origin_or_empty(&event_target_value(&ev)));
                        state.save_settings();
                    }/>
            </label>
            <CheckField id="reread" label=Text::Reread
                checked=Signal::derive(move || state.batch.with(|b| b.reread.enabled))
                set=move |v: bool| state.batch.update(|b| b.reread.enabled = v)/>
            <NumberField id="reread-cap" label=Text::RereadCap min="0"
                value=Signal::derive(move || state.batch.with(|b| b.reread.cap as f64))
                set=move |v: f64| { state.batch.update(|b| b.reread.cap = v.clamp(0.0, 100_000.0) as usize) }/>
            <CheckField id="reread-fallback" label=Text::RereadFallback
                checked=Signal::derive(move || state.batch.with(|b| b.reread.use_fallback))
                set=move |v: bool| state.batch.update(|b| b.reread.use_fallback = v)/>
            <CheckField id="send-original" label=Text::SendOriginal
                checked=Signal::derive(move || state.batch.with(|b| b.send_original))
                set=move |v: bool| state.batch.update(|b| b.send_original = v)/>
            <CheckField id="verbose" label=Text::Verbose
                checked=Signal::derive(move || state.batch.with(|b| b.verbose))
                set=move |v: bool| state.batch.update(|b| b.verbose = v)/>
        </details>
    }
}

/// The fallback model: API format, base URL, model, key (never stored).
#[component]
fn FallbackFields() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    view! {
        <fieldset class="fallback">
            <legend>{tr(lang, Text::FallbackTitle)}</legend>
            <label>
                <span>{tr(lang, Text::ApiKind)}</span>
                <select id="fallback-kind"
                    prop:value=move || state.fallback.with(|f| f.kind.id())
                    on:change=move |ev| state.fallback.update(|f| f.kind = ApiKind::from_id(&event_target_value(&ev)))>
                    <option value="openai">{tr(lang, Text::OpenAiCompatible)}</option>
                    <option value="anthropic">{tr(lang, Text::Anthropic)}</option>
                </select>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackEndpoint)}</span>
                <input id="fallback-endpoint" type="url" spellcheck="false"
                    prop:value=move || state.fallback.with(|f| f.endpoint.clone())
                    on:change=move |ev| state.fallback.update(|f| f.endpoint = event_target_value(&ev).trim().to_string())/>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackModel)}</span>
                <input id="fallback-model" type="text" spellcheck="false"
                    prop:value=move || state.fallback.with(|f| f.model.clone())
                    on:change=move |ev| state.fallback.update(|f| f.model = event_target_value(&ev).trim().to_string())/>
            </label>
            <label>
                <span>{tr(lang, Text::FallbackKey)}</span>
                <input id="fallback-key" type="password" autocomplete="off"
                    on:change=move |ev| state.fallback.update(|f| f.api_key = ApiKey::new(&event_target_value(&ev)))/>
            </label>
        </fieldset>
    }
}

/// A labelled checkbox; `set` hears each change.
#[component]
fn CheckField(
    id: &'static str,
    label: Text,
    #[prop(into)] checked: Signal<bool>,
    set: impl Fn(bool) + 'static,
) -> impl IntoView {
    let lang = expect_context::<AppState>().lang;
    view! {
        <label class="check">
            <input id=id type="checkbox" prop:checked=move || checked.get()
                on:change=move |ev| set(event_target_checked(&ev))/>
            <span>{tr(lang, label)}</span>
        </label>
    }
}

/// A labelled number input; `set` hears only finite numbers.
#[component]
fn NumberField(
    id: &'static str,
    label: Text,
    min: &'static str,
    #[prop(into)] value: Signal<f64>,
    set: impl Fn(f64) + 'static,
) -> impl IntoView {
    let lang = expect_context::<AppState>().lang;
    view! {
        <label>
            <span>{move || t(lang.get(), label)}</span>
            <input
                id=id
                type="number"
                min=min
                step="any"
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        if v.is_finite() {
                            set(v);
                        }
                    }
                }
            />
        </label>
    }
}
