//! The views of the results, as tabs (WAI-ARIA: one tab in the Tab
//! order, the arrow keys, Home and End move between them; the panel is
//! named by its tab).

use super::{ConstituencyView, OfficialView, Reports, ResultsTable};
use crate::ui::i18n::{tr, Text};
use crate::ui::modal::focus_first;
use crate::ui::results::{ResultsStore, Tab};
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

/// The tabs in order: id, view, name.
const TABS: [(&str, Tab, Text); 4] = [
    ("tab-results", Tab::Results, Text::TabResults),
    (
        "tab-constituencies",
        Tab::Constituencies,
        Text::TabConstituencies,
    ),
    ("tab-official", Tab::Official, Text::TabOfficial),
    ("tab-reports", Tab::Reports, Text::TabReports),
];

/// The tab a key moves to from `at`, if it moves.
fn moved(key: &str, at: usize) -> Option<usize> {
    let n = TABS.len();
    match key {
        "ArrowRight" => Some((at + 1) % n),
        "ArrowLeft" => Some((at + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

/// The tabs and the view chosen, once there are rows.
#[component]
pub fn ResultTabs() -> impl IntoView {
    let results = expect_context::<ResultsStore>();
    let lang = expect_context::<SettingsStore>().lang;
    let tab = results.tab;
    let at = move || TABS.iter().position(|t| t.1 == tab.get()).unwrap_or(0);
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(k) = moved(&ev.key(), at()) {
            ev.prevent_default();
            tab.set(TABS[k].1);
            focus_first(&[&format!("#{}", TABS[k].0)]);
        }
    };
    let buttons = TABS.map(|(id, which, text)| {
        let selected = move || tab.get() == which;
        view! {
            <button type="button" role="tab" id=id aria-controls="tab-panel"
                aria-selected=move || selected().to_string() tabindex=move || if selected() { "0" } else { "-1" }
                on:click=move |_| tab.set(which)>
                {tr(lang, text)}
            </button>
        }
    });
    view! {
        <Show when=move || results.progress.rows.with(|r| !r.is_empty())>
            <div class="tabs" role="tablist" on:keydown=keys>{buttons.clone().to_vec()}</div>
            <div role="tabpanel" id="tab-panel" aria-labelledby=move || TABS[at()].0>
                {move || match tab.get() {
                    Tab::Results => view! { <ResultsTable/> }.into_any(),
                    Tab::Constituencies => view! { <ConstituencyView/> }.into_any(),
                    Tab::Official => view! { <OfficialView/> }.into_any(),
                    Tab::Reports => view! { <Reports/> }.into_any(),
                }}
            </div>
        </Show>
    }
}
