//! The ballot's image, zoomable.

use crate::ui::i18n::{t, tr, Text};
use crate::ui::state::AppState;
use crate::web::object_url::ObjectUrl;
use leptos::prelude::*;

/// The image beside the fields.
pub(super) fn image_view(state: AppState, index: usize) -> impl IntoView {
    let lang = state.lang;
    let url = RwSignal::new_local(None::<std::rc::Rc<ObjectUrl>>);
    let missing = RwSignal::new(false);
    let zoom = RwSignal::new(1.0f64);
    if let Some((pos, record)) = state.record_of(index) {
        let origin = state
            .results
            .progress
            .rows
            .with_untracked(|r| r.get(pos).and_then(|r| r.origin));
        leptos::task::spawn_local(async move {
            let file = match origin {
                Some(o) => state.image_of(o, &record.source.file_name).await,
                None => None,
            };
            match file.and_then(|f| ObjectUrl::new(&f).ok()) {
                Some(u) => url.set(Some(std::rc::Rc::new(u))),
                None => missing.set(true),
            }
        });
    }
    // The URL is revoked when the panel closes (its last holder drops).
    on_cleanup(move || url.set(None));
    view! {
        <div class="review__image">
            <div class="zoom">
                <button type="button" on:click=move |_| zoom.update(|z| *z = (*z / 1.25).max(0.5))>{tr(lang, Text::ZoomOut)}</button>
                <button type="button" on:click=move |_| zoom.update(|z| *z = (*z * 1.25).min(6.0))>{tr(lang, Text::ZoomIn)}</button>
            </div>
            <div class="review__scroll" tabindex="0" role="region" aria-label=move || t(lang.get(), Text::ReviewTitle)>
                {move || url.with(|u| u.as_ref().map(|u| view! {
                    <img id="review-image" src=u.as_str().to_string() alt=move || t(lang.get(), Text::ReviewTitle)
                        style:width=move || format!("{}%", zoom.get() * 100.0) />
                }))}
                <Show when=move || missing.get()>
                    <p class="hint">{tr(lang, Text::ImageUnavailable)}</p>
                </Show>
            </div>
        </div>
    }
}
