//! The shared database: log in (server, database, name, password), the
//! state of the sync (last sync, waiting, forms held, errors with what to
//! do), documents the database refused, and forms read differently.
//! Model output and names from the database are text, never HTML.

use crate::ui::i18n::{t, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::ui::sync::sync_error;

mod lists;
use leptos::prelude::*;
use lists::{conflicts, refused};

/// The shared-database panel.
#[component]
pub fn SyncPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (lang, s) = (state.lang, state.sync);
    let logged_in = move || s.account.with(Option::is_some);
    view! {
        <section class="panel sync" id="sync" aria-labelledby="sync-title">
            <h2 id="sync-title">{tr(lang, Text::Shared)}</h2>
            <p class="hint">{tr(lang, Text::SharedHint)}</p>
            <Show when=logged_in fallback=move || login_form(state)>
                {status(state)}
            </Show>
            <p>
                <label>
                    <input type="checkbox" id="sync-images" prop:checked=move || s.images.get()
                        on:change=move |e| s.set_images(event_target_checked(&e))/>
                    " " {tr(lang, Text::SyncImages)}
                </label>
            </p>
            {move || s.error.get().map(|e| view! {
                <p class="notice notice--error" id="sync-error" role="alert">{sync_error(lang.get(), &e)}</p>
            })}
            {refused(state)}
            {conflicts(state)}
        </section>
    }
}

fn field(
    id: &'static str,
    label: Text,
    lang: RwSignal<Lang>,
    value: RwSignal<String>,
    kind: &'static str,
) -> impl IntoView {
    view! {
        <label for=id>{tr(lang, label)}</label>
        <input id=id type=kind autocomplete="off" prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))/>
    }
}

fn login_form(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let (name, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let records = state.results.progress.records.get_untracked();
        let pw = password.get_untracked();
        password.set(String::new());
        leptos::task::spawn_local(s.log_in(name.get_untracked(), pw, records));
    };
    view! {
        <form class="sync__login" on:submit=submit>
            {field("sync-server", Text::SharedServer, lang, s.server, "url")}
            {field("sync-db", Text::SharedDb, lang, s.db, "text")}
            {field("sync-name", Text::SharedName, lang, name, "text")}
            {field("sync-password", Text::SharedPassword, lang, password, "password")}
            <button id="sync-login" type="submit">{tr(lang, Text::LogIn)}</button>
        </form>
    }
}

fn status(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let account = move || {
        s.account
            .get()
            .map(|(n, roles)| format!("{n} ({})", roles.join(", ")))
            .unwrap_or_default()
    };
    let last = move || match s.last_ms.get() {
        Some(ms) => crate::web::timer::local_time(ms, lang.get().code()),
        None => t(lang.get(), Text::SyncNever).to_string(),
    };
    let now =
        move |_| leptos::task::spawn_local(s.sync(state.results.progress.records.get_untracked()));
    view! {
        <p>{tr(lang, Text::LoggedInAs)} " " <bdi id="sync-account">{account}</bdi></p>
        <dl class="sync__status">
            <dt>{tr(lang, Text::SyncLast)}</dt><dd id="sync-last">{last}</dd>
            <dt>{tr(lang, Text::SyncWaiting)}</dt><dd id="sync-waiting">{move || s.waiting.get()}</dd>
            <dt>{tr(lang, Text::SyncForms)}</dt><dd id="sync-forms">{move || s.view.with(|v| v.forms)}</dd>
        </dl>
        <p aria-live="polite" id="sync-busy">{move || s.busy.get().then(|| t(lang.get(), Text::SyncBusy))}</p>
        <button id="sync-now" type="button" disabled=move || s.busy.get() on:click=now>{tr(lang, Text::SyncNow)}</button>
        <button id="sync-logout" type="button" on:click=move |_| leptos::task::spawn_local(s.log_out())>{tr(lang, Text::LogOut)}</button>
    }
}
