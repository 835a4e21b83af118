//! "Test the connection": asks the endpoint for its models with the
//! settings as they are (no image, nothing billed) and says what it found.

use crate::core::api::connection::Connection;
use crate::ui::i18n::{self, tr, Text};
use crate::ui::settings::SettingsStore;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The button and what the last test found.
#[component]
pub fn ConnectionTest() -> impl IntoView {
    let state = expect_context::<AppState>();
    let store = expect_context::<SettingsStore>();
    let lang = store.lang;
    let checking = RwSignal::new(false);
    let connection = RwSignal::new(None::<Connection>);
    // A changed setting makes the last test's answer stale.
    Effect::new(move |_| {
        store.settings.track();
        store.api_key.track();
        connection.set(None);
    });
    let test = move |_| {
        checking.set(true);
        leptos::task::spawn_local(async move {
            let found = state.test_connection().await;
            checking.set(false);
            connection.set(Some(found));
        });
    };
    view! {
        <div class="connection">
            <button type="button" id="test-connection" on:click=test disabled=move || checking.get()>
                {tr(lang, Text::TestConnection)}
            </button>
            {move || connection.get().map(|c| {
                let ok = matches!(c, Connection::Works { .. });
                let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
                view! { <p id="connection-result" class="notice" class:notice--error=!ok role="status">{i18n::connection(lang.get(), &c, &origin)}</p> }
            })}
        </div>
    }
}
