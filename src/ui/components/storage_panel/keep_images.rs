//! Which images a batch keeps on the device, and within what budget.

use crate::ui::i18n::{self, tr, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Which images a batch keeps on the device (the prepared JPEGs, the
/// original files too) and within what budget.
#[component]
pub(super) fn KeepImages() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let d = state.device;
    let settings = state.settings;
    view! {
            <label>
                <input id="keep-images" type="checkbox" prop:checked=move || settings.get(|s| s.keep_images)
                    on:change=move |ev| settings.edit(|s| s.keep_images = event_target_checked(&ev))/>
                {tr(lang, Text::KeepImages)}
            </label>
            <label>
                <input id="keep-originals" type="checkbox" prop:checked=move || settings.get(|s| s.keep_originals)
                    prop:disabled=move || !settings.get(|s| s.keep_images)
                    on:change=move |ev| settings.edit(|s| s.keep_originals = event_target_checked(&ev))/>
                {tr(lang, Text::KeepOriginals)}
            </label>
            <label>
                {tr(lang, Text::ImageBudget)}
                <input id="image-budget" type="number" min="0" step="50" prop:value=move || settings.get(|s| s.image_budget_mb).to_string()
                    on:change=move |ev| {
                        if let Ok(mb) = event_target_value(&ev).trim().parse::<f64>() {
                            if mb.is_finite() && mb >= 0.0 { settings.edit(|s| s.image_budget_mb = mb); }
                        }
                    }/>
            </label>
            {move || d.images_not_kept.get().map(|(size, limit)| view! {
                <p class="notice" id="images-not-kept">{i18n::images_not_kept(lang.get(), size, limit)}</p>
            })}
    }
}
