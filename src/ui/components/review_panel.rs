//! The review panel: the image (zoom and pan; its object URL revoked when
//! the panel closes) beside every field of the record, editable. As the
//! person types, the checks run again on a draft and the failing cells are
//! marked; a change is kept (with the value it replaced, who and when)
//! when the cell is left. "Accept" takes a reason. `n` goes to the next
//! ballot needing review, `Escape` closes.

use crate::core::ballot::{BallotRecord, Severity, ValueSource};
use crate::core::review;
use crate::ui::i18n::{t, tr, Lang, Text};
use crate::ui::review::draft;
use crate::ui::row_text;
use crate::ui::state::AppState;
use crate::web::object_url::ObjectUrl;
use leptos::prelude::*;

/// The fields that fail a check (an error), by the issues' field names.
fn failing(r: &BallotRecord) -> Vec<String> {
    r.issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.field.clone())
        .collect()
}

/// Whether `field` is marked: an error names it, or its digits' field.
fn marked(bad: &[String], field: &str) -> bool {
    let base = field.strip_suffix(" words").unwrap_or(field);
    bad.iter().any(|b| b == field || b == base)
}

fn source_text(s: ValueSource) -> Text {
    match s {
        ValueSource::Model => Text::FromModel,
        ValueSource::Path => Text::FromPath,
        ValueSource::Person => Text::FromPerson,
    }
}

/// One editable cell.
fn cell(
    state: AppState,
    index: usize,
    field: String,
    shown: Memo<Option<BallotRecord>>,
    pending: RwSignal<Option<(String, String)>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = state.lang;
    let f = field.clone();
    let value = move || {
        shown.with(|r| {
            r.as_ref()
                .and_then(|r| review::value(r, &f))
                .unwrap_or_default()
        })
    };
    let f = field.clone();
    let bad =
        Memo::new(move |_| shown.with(|r| r.as_ref().is_some_and(|r| marked(&failing(r), &f))));
    let f = field.clone();
    let input = move |ev| pending.set(Some((f.clone(), event_target_value(&ev))));
    let f = field.clone();
    let change = move |ev| {
        let v = event_target_value(&ev);
        pending.set(None);
        match state.correct_field(index, &f, &v) {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(format!(
                "{}: {e}",
                row_text::field(lang.get_untracked(), &f)
            ))),
        }
    };
    let label = field.clone();
    view! {
        <input
            class="cell"
            class:cell--bad=bad
            aria-invalid=move || bad.get().to_string()
            aria-label=move || row_text::field(lang.get(), &label)
            data-field=field
            prop:value=value
            on:input=input
            on:change=change
        />
    }
}

/// The image beside the fields.
fn image_view(state: AppState, index: usize) -> impl IntoView {
    let lang = state.lang;
    let url = RwSignal::new_local(None::<std::rc::Rc<ObjectUrl>>);
    let missing = RwSignal::new(false);
    let zoom = RwSignal::new(1.0f64);
    if let Some((pos, record)) = state.record_of(index) {
        let origin = state
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
            <div class="review__scroll">
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

/// The fields of the record, grouped: place, rows, totals.
fn fields_view(
    state: AppState,
    index: usize,
    shown: Memo<Option<BallotRecord>>,
    pending: RwSignal<Option<(String, String)>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = state.lang;
    let fields = shown.with_untracked(|r| r.as_ref().map(review::fields).unwrap_or_default());
    let place: Vec<String> = fields.iter().take(3).cloned().collect();
    let pairs: Vec<String> = fields
        .iter()
        .skip(3)
        .filter(|f| !f.ends_with(" words"))
        .cloned()
        .collect();
    let source = move |f: &str| {
        shown.with(|r| {
            r.as_ref().map(|r| match f {
                "province" => r.sources.province,
                "constituency" => r.sources.constituency,
                _ => r.sources.polling_unit,
            })
        })
    };
    view! {
        <table class="review__fields">
            <thead>
                <tr><th>{tr(lang, Text::Field)}</th><th>{tr(lang, Text::Digits)}</th><th>{tr(lang, Text::Words)}</th></tr>
            </thead>
            <tbody>
                {place.into_iter().map(|f| {
                    let name = f.clone();
                    let g = f.clone();
                    view! {
                        <tr>
                            <th scope="row">{move || row_text::field(lang.get(), &name)}</th>
                            <td>{cell(state, index, f, shown, pending, error)}</td>
                            <td class="source">{move || source(&g).map(|s| t(lang.get(), source_text(s)))}</td>
                        </tr>
                    }
                }).collect_view()}
                {pairs.into_iter().map(|f| {
                    let name = f.clone();
                    let words = format!("{f} words");
                    view! {
                        <tr>
                            <th scope="row">{move || row_text::field(lang.get(), &name)}</th>
                            <td>{cell(state, index, f, shown, pending, error)}</td>
                            <td>{cell(state, index, words, shown, pending, error)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The issues of the shown record, and the corrections made.
fn issues_view(lang: RwSignal<Lang>, shown: Memo<Option<BallotRecord>>) -> impl IntoView {
    let issues = move || {
        let l = lang.get();
        shown.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.issues
                        .iter()
                        .filter(|i| i.severity != Severity::Info)
                        .map(|i| (i.severity == Severity::Error, row_text::issue(l, i)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let audit = move || {
        let l = lang.get();
        shown.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.audit
                        .iter()
                        .map(|c| {
                            let when = crate::web::timer::local_time(c.at_unix_ms as f64, l.code());
                            format!(
                                "{}: {} → {} ({}, {when})",
                                row_text::field(l, &c.field),
                                c.from,
                                c.to,
                                c.who
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // Both readings, side by side, when the ballot was read twice.
    let second = move || {
        let l = lang.get();
        shown.with(|r| {
            let s = r.as_ref()?.reread.as_ref()?;
            let show = |c: &crate::core::ballot::Count| {
                format!(
                    "{} / {}",
                    c.digits
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                    c.words.clone().unwrap_or_else(|| "—".into())
                )
            };
            let lines: Vec<(bool, String)> = s
                .cells
                .iter()
                .map(|c| {
                    let how = match (c.settled, l) {
                        (true, crate::ui::i18n::Lang::Th) => "ยุติด้วยการอ่านซ้ำ",
                        (true, _) => "settled by the second reading",
                        (false, crate::ui::i18n::Lang::Th) => "ไม่ยุติ",
                        (false, _) => "not settled",
                    };
                    let second = c.second.as_ref().map(show).unwrap_or_else(|| "—".into());
                    (
                        c.settled,
                        format!(
                            "{}: {} → {second} · {how}",
                            row_text::field(l, &c.field),
                            show(&c.first)
                        ),
                    )
                })
                .collect();
            Some((s.settled, lines))
        })
    };
    view! {
        {move || second().map(|(settled, lines)| view! {
            <h3>{move || match (settled, lang.get()) {
                (true, crate::ui::i18n::Lang::Th) => "อ่านสองครั้ง: ยุติด้วยการอ่านซ้ำ (ครั้งแรก → ครั้งที่สอง)",
                (true, _) => "Read twice: settled by the second reading (first → second)",
                (false, crate::ui::i18n::Lang::Th) => "อ่านสองครั้ง: ยังไม่ยุติ ต้องให้คนตรวจ (ครั้งแรก → ครั้งที่สอง)",
                (false, _) => "Read twice: not settled, a person must look (first → second)",
            }}</h3>
            <ul id="review-reread">
                {lines.into_iter().map(|(ok, text)| view! { <li class:ok=ok>{text}</li> }).collect_view()}
            </ul>
        })}
        <h3>{tr(lang, Text::Issues)}</h3>
        <ul id="review-issues" aria-live="polite">
            {move || {
                let list = issues();
                if list.is_empty() {
                    view! { <li class="ok">{t(lang.get(), Text::ChecksPass)}</li> }.into_any()
                } else {
                    list.into_iter()
                        .map(|(err, text)| view! { <li class:issue--error=err>{text}</li> })
                        .collect_view()
                        .into_any()
                }
            }}
        </ul>
        <Show when=move || !audit().is_empty()>
            <h3>{tr(lang, Text::Corrections)}</h3>
            <ul id="review-audit">{move || audit().into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
        </Show>
    }
}

/// Accepting the record as it is, with a reason.
fn accept_view(state: AppState, index: usize, error: RwSignal<Option<String>>) -> impl IntoView {
    let lang = state.lang;
    let reason = RwSignal::new(String::new());
    let accept = move |_| match state.accept_record(index, &reason.get_untracked()) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e.to_string())),
    };
    view! {
        <div class="review__accept">
            <label>
                {tr(lang, Text::AcceptReason)}
                <input id="accept-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <button type="button" id="accept" disabled=move || reason.with(|r| r.trim().is_empty()) on:click=accept>
                {tr(lang, Text::Accept)}
            </button>
        </div>
    }
}

/// The open review, for row `index`.
fn review_body(state: AppState, index: usize) -> impl IntoView {
    let lang = state.lang;
    let pending = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<String>);
    let committed = Memo::new(move |_| {
        state.progress.records.track();
        state.progress.rows.track();
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
    let file = committed.with_untracked(|r| r.as_ref().map(|r| r.source.file_name.clone()));
    let form = committed.with_untracked(|r| r.as_ref().and_then(|r| r.form).map(|f| f.label()));
    let next = move |_| state.review.set(state.next_needing_review(index));
    view! {
        <section class="panel review" id="review" role="dialog" aria-labelledby="review-title">
            <header class="review__head">
                <h2 id="review-title">{tr(lang, Text::ReviewTitle)}" · "<span class="file">{file}</span>" "{form}</h2>
                <button type="button" id="review-next" on:click=next>{tr(lang, Text::NextReview)}</button>
                <button type="button" id="review-close" on:click=move |_| state.review.set(None)>{tr(lang, Text::Close)}</button>
            </header>
            <div class="review__body">
                {image_view(state, index)}
                <div class="review__data">
                    {fields_view(state, index, shown, pending, error)}
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
        let Some(index) = state.review.get_untracked() else {
            return;
        };
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
            .is_some();
        match ev.key().as_str() {
            "Escape" => state.review.set(None),
            "n" if !typing => state.review.set(state.next_needing_review(index)),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    move || state.review.get().map(|index| review_body(state, index))
}
