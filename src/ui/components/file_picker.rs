//! Choosing images: a file input (several at once) and a drop zone.

use crate::ui::i18n::{t, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// The file chooser.
#[component]
pub fn FilePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let dragging = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        state.files.set(web::files::file_list(input.files()));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = web::files::file_list(ev.data_transfer().and_then(|d| d.files()));
        if !files.is_empty() {
            state.files.set(files);
        }
    };
    let summary = move || {
        let n = state.files.with(|f| f.len());
        if n == 0 {
            t(lang.get(), Text::NoFiles).to_string()
        } else {
            match lang.get() {
                super::super::i18n::Lang::Th => format!("เลือกแล้ว {n} ไฟล์"),
                super::super::i18n::Lang::En => format!("{n} file(s) chosen"),
            }
        }
    };
    view! {
        <div
            class="drop-zone"
            class:drop-zone--over=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label class="file-label">
                <span>{move || t(lang.get(), Text::PickImages)}</span>
                <input id="files" type="file" multiple accept="image/*" on:change=on_change/>
            </label>
            <p class="file-summary" id="file-summary">{summary}</p>
        </div>
    }
}
