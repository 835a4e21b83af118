//! Sessions between volunteers: images in exported session files, the
//! volunteer's name, importing others' sessions (merged, conflicts
//! listed).

use crate::ui::i18n::{tr, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// The session options, the import and what it found.
#[component]
pub(super) fn Sessions() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let settings = state.settings;
    view! {
            <label>
                <input id="session-images" type="checkbox" prop:checked=move || d.with_images.get()
                    on:change=move |ev| d.with_images.set(event_target_checked(&ev))/>
                {tr(lang, Text::WithImages)}
            </label>
            <label>
                {tr(lang, Text::Volunteer)}
                <input id="volunteer" type="text" prop:value=move || settings.get(|s| s.volunteer.clone())
                    on:change=move |ev| settings.edit(|s| s.volunteer = event_target_value(&ev))/>
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
    }
}
