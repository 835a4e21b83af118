//! Choosing images and PDF scans: a file input (several at once), a folder
//! and a drop zone. A PDF's pages are counted as soon as it is picked (the
//! PDF worker, and PDF.js with it, load then and not before).

use crate::ui::i18n::{self, tr, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

mod import;
use import::import_field;

/// The file chooser.
#[component]
pub fn FilePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let dragging = RwSignal::new(false);
    let skipped = RwSignal::new(0usize);
    let pages = pdf_pages(state);
    // `webkitdirectory` (pick a folder) is not an attribute the view macro knows.
    let folder_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_ref.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        skipped.set(0);
        state.run.files.set(web::files::file_list(input.files()));
    };
    // A folder brings every file in it: keep the images (by type or name),
    // skip the rest (thumbnails databases, notes) and say how many.
    let on_folder = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let all = web::files::file_list(input.files());
        let (images, other): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|f| crate::core::read::image::may_be_ballot(&f.name(), &f.type_()));
        skipped.set(other.len());
        state.run.files.set(web::files::in_path_order(images));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = web::files::file_list(ev.data_transfer().and_then(|d| d.files()));
        if !files.is_empty() {
            state.run.files.set(files);
        }
    };
    let summary = move || {
        let n = state.run.files.with(|f| f.len());
        i18n::file_summary(lang.get(), n, pages.get(), skipped.get())
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
                <span>{tr(lang, Text::PickImages)}</span>
                <input id="files" type="file" multiple accept="image/*,application/pdf,.pdf" on:change=on_change/>
            </label>
            <label class="file-label">
                <span>{tr(lang, Text::PickFolder)}</span>
                <input id="folder" type="file" multiple node_ref=folder_ref on:change=on_folder/>
            </label>
            {import_field(state)}
            <p class="file-summary" id="file-summary">{summary}</p>
        </div>
    }
}

/// The PDFs in the pick and the ballots in all once their pages are
/// counted (`None`: no PDF), following the picked files.
fn pdf_pages(state: AppState) -> RwSignal<Option<(usize, usize)>> {
    use crate::core::engine::ports::ImageSource;
    let pages = RwSignal::new(None);
    Effect::new(move |_| {
        let files = state.run.files.get();
        pages.set(None);
        let dpi = state.settings.settings.with_untracked(|s| s.pdf_dpi);
        leptos::task::spawn_local(async move {
            let mut pdfs = 0;
            for f in &files {
                pdfs += usize::from(web::files::is_pdf_file(f).await);
            }
            if pdfs > 0 {
                let source = web::files::FileSource::open(files, dpi).await;
                pages.set(Some((pdfs, source.len())));
            }
        });
    });
    pages
}
