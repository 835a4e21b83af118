//! Storage on this device: space used, persistence, whether images are
//! kept (and the budget), the batches kept (export as a session file,
//! delete), importing other volunteers' sessions (merged, conflicts
//! listed), and "clear this device" for shared kiosks.

use crate::ui::i18n::{self, t, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// The storage panel.
#[component]
pub fn StoragePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let confirm_clear = RwSignal::new(false);
    let locale = move || {
        if lang.get() == Lang::Th {
            "th-TH"
        } else {
            "en-GB"
        }
    };
    let batch_list = move || {
        d.batches
            .get()
            .into_iter()
            .rev()
            .map(|(meta, done)| {
                let date = web::timer::local_time(meta.started_unix_ms, locale());
                let mut line = i18n::batch_line(lang.get(), &date, meta.files.len(), done, meta.ended);
                if let Some(from) = &meta.imported_from {
                    line.push_str(&format!(" · {from}"));
                }
                let (id, id2) = (meta.id.clone(), meta.id.clone());
                view! {
                    <li data-id=meta.id.clone()>
                        <span>{line}</span>
                        <button class="export-session" on:click=move |_| leptos::task::spawn_local(state.export_session(id.clone()))>
                            {tr(lang, Text::ExportSession)}
                        </button>
                        <button class="delete-batch danger" disabled=move || state.running.get()
                            on:click=move |_| leptos::task::spawn_local(state.delete_batch(id2.clone()))>
                            {tr(lang, Text::Delete)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let on_clear = move |_| {
        if confirm_clear.get_untracked() {
            confirm_clear.set(false);
            leptos::task::spawn_local(state.clear_device());
        } else {
            confirm_clear.set(true);
        }
    };
    let save = move || state.save_settings();
    view! {
        <section class="panel storage" id="storage">
            <h2>{tr(lang, Text::Storage)}</h2>
            {move || d.unavailable.get().map(|why| view! {
                <p class="notice notice--error" id="storage-unavailable">{i18n::storage_unavailable(lang.get(), &why)}</p>
            })}
            <p id="storage-usage">{move || d.usage.get().map(|(u, q)| i18n::storage_usage(lang.get(), u, q))}</p>
            <p>
                <button id="persist" on:click=move |_| leptos::task::spawn_local(state.ask_persist())>
                    {tr(lang, Text::Persist)}
                </button>
                {move || d.persisted.get().map(|kept| view! {
                    <span class="hint" id="persist-note">{t(lang.get(), if kept { Text::Persisted } else { Text::NotPersisted })}</span>
                })}
            </p>
            <KeepImages/>
            <h3>{tr(lang, Text::StoredBatches)}</h3>
            <ul id="batch-list">{batch_list}</ul>
            <label>
                <input id="session-images" type="checkbox" prop:checked=move || d.with_images.get()
                    on:change=move |ev| d.with_images.set(event_target_checked(&ev))/>
                {tr(lang, Text::WithImages)}
            </label>
            <label>
                {tr(lang, Text::Volunteer)}
                <input id="volunteer" type="text" prop:value=move || d.volunteer.get()
                    on:change=move |ev| { d.volunteer.set(event_target_value(&ev)); save(); }/>
            </label>
            <label class="file-label">
                <span>{tr(lang, Text::ImportSession)}</span>
                <input id="session-import" type="file" multiple accept=".json,application/json"
                    on:change=move |ev: leptos::ev::Event| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        let files = web::files::file_list(input.files());
                        input.set_value("");
                        if !files.is_empty() {
                            leptos::task::spawn_local(state.import_sessions(files));
                        }
                    }/>
            </label>
            {move || d.session_note.get().map(|note| match note {
                Ok(text) => view! { <p class="notice" id="session-note">{text}</p> }.into_any(),
                Err(text) => view! { <p class="notice notice--error" id="session-note">{text}</p> }.into_any(),
            })}
            <Show when=move || d.conflicts.with(|c| !c.is_empty())>
                <div class="notice" id="conflicts">
                    <p>{tr(lang, Text::Conflicts)}</p>
                    <ul>
                        {move || d.conflicts.get().into_iter().map(|(a, b)| view! { <li>{format!("{a} ≠ {b}")}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
            <p>
                <button id="clear-device" class="danger" disabled=move || state.running.get() on:click=on_clear>
                    {move || t(lang.get(), if confirm_clear.get() { Text::ConfirmClear } else { Text::ClearDevice })}
                </button>
                <Show when=move || d.cleared.get()>
                    <span class="hint" id="cleared-note">{tr(lang, Text::Cleared)}</span>
                </Show>
            </p>
        </section>
    }
}

/// Which images a batch keeps on the device (the prepared JPEGs, the
/// original files too) and within what budget.
#[component]
fn KeepImages() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let save = move || state.save_settings();
    view! {
            <label>
                <input id="keep-images" type="checkbox" prop:checked=move || d.keep_images.get()
                    on:change=move |ev| { d.keep_images.set(event_target_checked(&ev)); save(); }/>
                {tr(lang, Text::KeepImages)}
            </label>
            <label>
                <input id="keep-originals" type="checkbox" prop:checked=move || d.keep_originals.get()
                    prop:disabled=move || !d.keep_images.get()
                    on:change=move |ev| { d.keep_originals.set(event_target_checked(&ev)); save(); }/>
                {tr(lang, Text::KeepOriginals)}
            </label>
            <label>
                {tr(lang, Text::ImageBudget)}
                <input id="image-budget" type="number" min="0" step="50" prop:value=move || d.image_budget_mb.get().to_string()
                    on:change=move |ev| {
                        if let Ok(mb) = event_target_value(&ev).trim().parse::<f64>() {
                            if mb.is_finite() && mb >= 0.0 { d.image_budget_mb.set(mb); save(); }
                        }
                    }/>
            </label>
            {move || d.images_not_kept.get().map(|(size, limit)| view! {
                <p class="notice" id="images-not-kept">{i18n::images_not_kept(lang.get(), size, limit)}</p>
            })}
    }
}
