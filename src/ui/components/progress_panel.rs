//! "X / Y", a bar, rate, ETA, errors, retries, memory cleanups; pause and
//! cancel while a batch runs. Reads only the `SignalProgress` signals.

use crate::ui::i18n::{self, t, tr, Text};
use crate::ui::progress::Notice;
use crate::ui::row_text;
use crate::ui::state::AppState;
use crate::web::timer::now_ms;
use leptos::prelude::*;
use std::time::Duration;

/// Progress of the current run.
#[component]
pub fn ProgressPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let p = state.results.progress;
    let pct = move || (p.done.get() * 100).checked_div(p.total.get()).unwrap_or(0);
    let stats = move || row_text::progress_stats(lang.get(), &p);
    view! {
        <section class="panel progress" aria-live="polite">
            <div class="progress__bar">
                <h2>{tr(lang, Text::Progress)}</h2>
                <progress max=move || p.total.get().max(1) value=move || p.done.get()></progress>
                <span id="progress-count" class="count">
                    {move || format!("{} / {}", p.done.get(), p.total.get())}
                </span>
                <span class="pct">{move || format!("{}%", pct())}</span>
            </div>
            <p id="progress-stats" class="stats">{stats}</p>
            {move || {
                let u = p.spent.get();
                (u.input_tokens + u.output_tokens > 0).then(|| {
                    let prices = state.settings.settings.with(|s| s.prices());
                    let cost = crate::core::api::cost::cost(&u, &prices);
                    view! { <p id="spent" class="stats">{crate::ui::i18n::spent_line(lang.get(), u.input_tokens, u.output_tokens, cost)}</p> }
                })
            }}
            <Show when=move || state.run.running.get()>
                <div class="progress__controls">
                    <button id="pause" on:click=move |_| state.toggle_pause()>
                        {move || t(lang.get(), if p.paused.get() { Text::Resume } else { Text::Pause })}
                    </button>
                    <button id="cancel" class="danger" on:click=move |_| state.run.cancel()>
                        {tr(lang, Text::Cancel)}
                    </button>
                </div>
            </Show>
            <Show when=move || p.paused.get() && !p.offline.get()>
                <p class="notice">{tr(lang, Text::PausedNow)}</p>
            </Show>
            <Show when=move || p.offline.get()>
                <p class="notice" id="offline-notice">{tr(lang, Text::Offline)}</p>
            </Show>
            {move || p.notice.get().map(|n| {
                let l = lang.get();
                let text = match &n {
                    Notice::ServerPause { wait_s, status } => i18n::server_pause(l, *wait_s, *status),
                    Notice::Stopped(reason) => i18n::stop_reason(l, reason),
                };
                let class = match n {
                    Notice::Stopped(_) => "notice notice--error",
                    Notice::ServerPause { .. } => "notice",
                };
                view! { <p class=class id="progress-notice">{text}</p> }
            })}
            {move || p.rate.get().map(|(per_minute, change)| view! {
                <p class="notice" id="rate-notice">{i18n::rate_note(lang.get(), per_minute, change)}</p>
            })}
            {move || {
                let h = p.hidden.get();
                (h.times() > 0).then(|| {
                    let now = Duration::try_from_secs_f64(now_ms() / 1000.0).unwrap_or_default();
                    let total = row_text::clock_text(h.total(now).as_secs_f64());
                    view! { <p class="notice" id="hidden-notice">{i18n::hidden_note(lang.get(), h.times(), &total, h.is_hidden())}</p> }
                })
            }}
            <Show when=move || state.run.running.get()>
                {move || p.wake_lock.get().map(|held| view! {
                    <p class="hint" id="wake-notice">{i18n::wake_note(lang.get(), held)}</p>
                })}
            </Show>
            {move || state.run.setup_error.get().map(|e| view! {
                <p class="notice notice--error" id="setup-error">{i18n::settings_error(lang.get(), &e)}</p>
            })}
            {move || p.summary.get().map(|s| view! { <p class="summary" id="batch-summary">{crate::ui::row_text::run_summary(lang.get(), &s)}</p> })}
        </section>
    }
}
