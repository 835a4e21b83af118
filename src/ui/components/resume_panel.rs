//! The offer to resume a batch cut off by a reload, a crash or a closed
//! tab: resume (finished ballots are not sent again) or decline; when the
//! images were not kept, pick the same files or folder again first.

use crate::core::device::session;
use crate::ui::i18n::{self, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::web::{self, files::FileSource};
use leptos::prelude::*;

/// Shown while a batch can be resumed.
#[component]
pub fn ResumePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let device = state.device;
    let folder_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_ref.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        device.repicked.set(web::files::file_list(input.files()));
    };
    // How many of the files still to read the new pick holds.
    let matched = move || {
        let (meta, to_send) = device.offer.get()?;
        let picked = device
            .repicked
            .with(|p| FileSource::new(p.clone()).entries());
        if meta.images_kept || picked.is_empty() {
            return None;
        }
        let matched = session::match_files(&meta.files, &picked);
        let found = to_send
            .iter()
            .filter(|&&i| matched.get(i).is_some_and(Option::is_some))
            .count();
        Some(i18n::resume_matched(lang.get(), found, to_send.len()))
    };
    let date = move |ms: f64| {
        web::timer::local_time(
            ms,
            if lang.get() == Lang::Th {
                "th-TH"
            } else {
                "en-GB"
            },
        )
    };
    view! {
        {move || device.offer.get().map(|(meta, to_send)| {
            let needs_files = !meta.images_kept;
            let done = meta.files.len().saturating_sub(to_send.len());
            view! {
                <section class="panel resume" id="resume-offer">
                    <p>{i18n::resume_offer(lang.get(), &date(meta.started_unix_ms), done, meta.files.len())}</p>
                    <Show when=move || needs_files>
                        <p class="hint">{tr(lang, Text::ResumeNeedsFiles)}</p>
                        <label class="file-label">
                            <span>{tr(lang, Text::PickImages)}</span>
                            <input id="resume-files" type="file" multiple accept="image/*" on:change=on_pick/>
                        </label>
                        <label class="file-label">
                            <span>{tr(lang, Text::PickFolder)}</span>
                            <input id="resume-folder" type="file" multiple node_ref=folder_ref on:change=on_pick/>
                        </label>
                        <p class="hint" id="resume-match">{matched}</p>
                    </Show>
                    <div class="resume__buttons">
                        <button
                            id="resume-start"
                            class="primary"
                            disabled=move || state.run.running.get()
                                || (needs_files && device.repicked.with(|p| p.is_empty()))
                            on:click=move |_| leptos::task::spawn_local(state.resume())
                        >
                            {tr(lang, Text::ResumeBatch)}
                        </button>
                        <button id="resume-discard" on:click=move |_| leptos::task::spawn_local(state.discard_resume())>
                            {tr(lang, Text::DiscardResume)}
                        </button>
                    </div>
                </section>
            }
        })}
    }
}
