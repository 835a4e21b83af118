//! The review panel: the image (zoom and pan; its object URL revoked when
//! the panel closes) beside every field of the record, editable. As the
//! person types, the checks run again on a draft and the failing cells are
//! marked; a change is kept (with the value it replaced, who and when)
//! when the cell is left. "Accept" takes a reason. `n` goes to the next
//! ballot needing review, `Escape` closes.

use crate::core::results::table::display_name;
use crate::ui::i18n::{tr, Text};
use crate::ui::modal::{focus_first, modal_while};
use crate::ui::review::draft;
use crate::ui::state::AppState;
use leptos::prelude::*;

mod accept;
use accept::accept_view;
mod cells;
use cells::Editing;
mod fields;
use fields::fields_view;
mod image;
use image::image_view;
mod issues;
mod second;
use issues::issues_view;

/// The open review, for row `index`.
fn review_body(state: AppState, index: usize) -> impl IntoView {
    let lang = state.lang;
    let pending = RwSignal::new(None::<(crate::core::domain::field::Cell, String)>);
    let error = RwSignal::new(None::<String>);
    let committed = Memo::new(move |_| {
        state.results.progress.records.track();
        state.results.progress.rows.track();
        state.record_of(index).map(|(_, r)| r)
    });
    // What the cells show: the record, or the draft with what is being typed.
    let shown = Memo::new(move |_| {
        let r = committed.get()?;
        Some(match pending.get() {
            Some((f, v)) => draft(&r, &f, &v).unwrap_or(r),
            None => r,
        })
    });
    let unreadable = Memo::new(move |_| match (committed.get(), pending.get()) {
        (Some(r), Some((f, v))) => draft(&r, &f, &v).is_none().then_some(f),
        _ => None,
    });
    let editing = Editing {
        shown,
        pending,
        unreadable,
        error,
    };
    let file = committed.with_untracked(|r| r.as_ref().map(|r| r.source.file_name.clone()));
    let form = committed.with_untracked(|r| r.as_ref().and_then(|r| r.form).map(|f| f.label()));
    let next = move |_| state.results.review.set(state.next_needing_review(index));
    view! {
        <section class="panel review" id="review" role="dialog" aria-modal="true" aria-labelledby="review-title">
            <header class="review__head">
                <h2 id="review-title" tabindex="-1">{tr(lang, Text::ReviewTitle)}" · "<bdi class="file">{file.as_deref().map(display_name)}</bdi>" "{form}</h2>
                <button type="button" id="review-next" on:click=next>{tr(lang, Text::NextReview)}</button>
                <button type="button" id="review-close" on:click=move |_| state.results.review.set(None)>{tr(lang, Text::Close)}</button>
            </header>
            <div class="review__body">
                {image_view(state, index)}
                <div class="review__data">
                    {fields_view(state, index, editing)}
                    {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
                    {issues_view(lang, shown)}
                    {accept_view(state, index, error)}
                </div>
            </div>
        </section>
    }
}

/// The review panel, while a row is open.
#[component]
pub fn ReviewPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(index) = state.results.review.get_untracked() else {
            return;
        };
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
            .is_some();
        match ev.key().as_str() {
            "Escape" => state.results.review.set(None),
            "n" if !typing => state.results.review.set(state.next_needing_review(index)),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    // Open, the page under the panel is inert; closed, the focus goes back
    // to the row that opened it. Each record opened: the focus on its first
    // failing cell, or the title.
    let review = state.results.review;
    modal_while(move || review.with(Option::is_some));
    Effect::new(move |was: Option<Option<usize>>| {
        let now = review.get();
        match (was.flatten(), now) {
            (_, Some(_)) => focus_first(&["#review input.cell--bad", "#review-title"]),
            // A corrected row is drawn anew: its new button takes the focus.
            (Some(index), None) => {
                focus_first(&[&format!("#results tr[data-index=\"{index}\"] button.link")])
            }
            (None, None) => {}
        }
        now
    });
    move || review.get().map(|index| review_body(state, index))
}
