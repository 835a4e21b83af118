//! The shared database: log in (server, database, name, password), the
//! state of the sync (last sync, waiting, forms held, errors with what to
//! do), documents the database refused, and forms read differently.
//! Model output and names from the database are text, never HTML.

use crate::core::sync::share::Conflict;
use crate::ui::i18n::{t, tr, Lang, Text};
use crate::ui::state::AppState;
use crate::ui::sync::{refusal_advice, sync_error};
use leptos::prelude::*;

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

fn refused(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let skipped = move || s.skipped.get();
    view! {
        <Show when=move || s.refused.with(|r| !r.is_empty())>
            <h3>{tr(lang, Text::SyncRefused)}</h3>
            <ul id="sync-refused">
                {move || s.refused.get().into_iter().map(|r| {
                    let advice = refusal_advice(lang.get(), &r.error);
                    view! { <li><bdi>{r.id}</bdi> ": " {r.error} " · " {r.reason} " · " {advice}</li> }
                }).collect_view()}
            </ul>
        </Show>
        <Show when=move || s.skipped.with(|r| !r.is_empty())>
            <h3>{tr(lang, Text::SyncSkipped)}</h3>
            <ul id="sync-skipped">{move || skipped().into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
        </Show>
    }
}

/// A reading's place and numbers, shortly: "แพร่ เขต 1 หน่วย 3 · valid 614 · rows 12, 40…".
fn reading_line(c: &crate::core::sync::doc::FormDoc) -> String {
    crate::core::engine::events::summary(&c.record)
}

fn conflicts(state: AppState) -> impl IntoView {
    let (lang, s) = (state.lang, state.sync);
    let row = move |c: Conflict| {
        let readings = c
            .readings
            .iter()
            .map(|d| format!("{} · {}", d.by, reading_line(d)))
            .collect::<Vec<_>>();
        view! {
            <tr>
                <td><bdi>{c.id}</bdi></td>
                <td><ul>{readings.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul></td>
            </tr>
        }
    };
    view! {
        <Show when=move || s.view.with(|v| !v.conflicts.is_empty())>
            <h3>{tr(lang, Text::SyncConflicts)}</h3>
            <div class="table-scroll">
                <table id="sync-conflicts">
                    <thead><tr><th>{tr(lang, Text::SyncForm)}</th><th>{tr(lang, Text::ReadByPerson)}</th></tr></thead>
                    <tbody>{move || s.view.get().conflicts.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </Show>
    }
}
