//! Choosing images and PDF scans: a file input (several at once), a folder
//! and a drop zone. A PDF's pages are counted as soon as it is picked (the
//! PDF worker, and PDF.js with it, load then and not before).

use crate::ui::i18n::{t, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// The file chooser.
#[component]
pub fn FilePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let dragging = RwSignal::new(false);
    let skipped = RwSignal::new(0usize);
    // Ballots in the pick once PDFs' pages are counted (None: no PDF).
    let pages = RwSignal::new(None::<(usize, usize)>);
    Effect::new(move |_| {
        let files = state.files.get();
        pages.set(None);
        let dpi = state.batch.with_untracked(|b| b.pdf_dpi);
        leptos::task::spawn_local(async move {
            let mut pdfs = 0;
            for f in &files {
                pdfs += usize::from(web::files::is_pdf_file(f).await);
            }
            if pdfs > 0 {
                let n = web::files::FileSource::open(files, dpi).await;
                pages.set(Some((pdfs, crate::core::ports::ImageSource::len(&n))));
            }
        });
    });
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
        state.files.set(web::files::file_list(input.files()));
    };
    // A folder brings every file in it: keep the images (by type or name),
    // skip the rest (thumbnails databases, notes) and say how many.
    let on_folder = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let all = web::files::file_list(input.files());
        let (images, other): (Vec<_>, Vec<_>) = all.into_iter().partition(|f| {
            let n = f.name().to_ascii_lowercase();
            f.type_().starts_with("image/")
                || f.type_() == "application/pdf"
                || [".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"]
                    .iter()
                    .any(|e| n.ends_with(e))
        });
        skipped.set(other.len());
        state.files.set(web::files::in_path_order(images));
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
        let skip = skipped.get();
        let mut s = if n == 0 {
            t(lang.get(), Text::NoFiles).to_string()
        } else {
            match lang.get() {
                Lang::Th => format!("เลือกแล้ว {n} ไฟล์"),
                Lang::En => format!("{n} file(s) chosen"),
            }
        };
        if let Some((pdfs, ballots)) = pages.get() {
            s.push_str(&match lang.get() {
                Lang::Th => format!(" · PDF {pdfs} ไฟล์ · รวม {ballots} ใบ (หน้าละใบ)"),
                Lang::En => format!(" · {pdfs} PDF(s) · {ballots} ballot(s) in all (one per page)"),
            });
        }
        if skip > 0 {
            s.push_str(&match lang.get() {
                Lang::Th => format!(" (ข้ามไฟล์ที่ไม่ใช่ภาพหรือ PDF {skip} ไฟล์)"),
                Lang::En => format!(" ({skip} file(s) neither image nor PDF skipped)"),
            });
        }
        s
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
            <label class="file-label">
                <span>{tr(lang, Text::ImportResults)}</span>
                <input
                    id="import"
                    type="file"
                    accept=".json,.csv,application/json,text/csv"
                    on:change=move |ev: leptos::ev::Event| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(file) = web::files::file_list(input.files()).into_iter().next() {
                            leptos::task::spawn_local(state.import(file));
                        }
                        input.set_value("");
                    }
                />
            </label>
            <p class="file-summary" id="file-summary">{summary}</p>
            {move || state.import_note.get().map(|note| match note {
                Ok((file, read, skipped)) => view! {
                    <p class="notice" id="import-note">{crate::ui::i18n::imported_note(lang.get(), &file, read, skipped)}</p>
                }.into_any(),
                Err(why) => view! { <p class="notice notice--error" id="import-note">{why}</p> }.into_any(),
            })}
        </div>
    }
}
