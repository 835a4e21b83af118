//! The coordinator's readings that disagree: one image read differently
//! (a document with several leaves), and one polling unit reported by
//! several images with different numbers. Each shows who read what, on the
//! numbers where they differ, and a button to keep one reading: the
//! resolution is a new revision naming the readings it settles, the others
//! deleted (`core::sync::share::resolve`), synced like any form.

use crate::core::sync::doc::FormDoc;
use crate::ui::i18n::{tr, Lang, Text};
use crate::ui::row_text::{differing, place};
use crate::ui::state::AppState;
use crate::ui::sync::SyncStore;
use leptos::prelude::*;

/// One conflict's rows: a reading a row, each with its "keep" button.
fn readings(lang: RwSignal<Lang>, s: SyncStore, label: String, all: Vec<FormDoc>) -> impl IntoView {
    let n = all.len();
    all.iter()
        .enumerate()
        .map(|(i, d)| {
            let keep = d.clone();
            let others: Vec<FormDoc> = all.iter().filter(|o| *o != d).cloned().collect();
            let settle = move |_| leptos::task::spawn_local(s.settle(keep.clone(), others.clone()));
            let readings = all.clone();
            let what = move || differing(lang.get(), &readings, i);
            let head = (i == 0).then(|| view! { <th scope="rowgroup" rowspan=n><bdi>{label.clone()}</bdi></th> });
            view! {
                <tr>
                    {head}
                    <td>{d.by.clone()}</td>
                    <td>{what}</td>
                    <td><button class="settle" on:click=settle disabled=move || s.busy.get()>{tr(lang, Text::KeepReading)}</button></td>
                </tr>
            }
        })
        .collect_view()
}

/// Conflicts listed at first, and added by each "show more".
const PAGE: usize = 50;

/// A "show more" button while a list is longer than what it shows.
fn more(
    lang: RwSignal<Lang>,
    shown: RwSignal<usize>,
    total: impl Fn() -> usize + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <Show when=move || { total() > shown.get() }>
            <button type="button" class="more" on:click=move |_| shown.update(|n| *n += PAGE)>
                {move || crate::ui::i18n::show_more(lang.get(), shown.get().min(total()), total())}
            </button>
        </Show>
    }
}

/// The two lists of readings that disagree.
#[component]
pub fn NationalConflicts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (lang, s) = (state.lang, state.sync);
    // Keyed by the readings' revisions: a redraw re-creates only what changed.
    let revs = |all: &[FormDoc]| {
        all.iter()
            .map(|d| format!("{}@{}", d.id, d.rev()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // A page of each list at first (a load's conflicts can come at once).
    let (images_shown, units_shown) = (RwSignal::new(PAGE), RwSignal::new(PAGE));
    // Redrawn two tasks after the picture changes (the tables first).
    let rev = s.national_later(2);
    let image_total = move || {
        rev.track();
        s.national.with_value(|n| n.conflicts.len())
    };
    let image = move || {
        rev.track();
        s.national.with_value(|n| {
            n.conflicts
                .iter()
                .take(images_shown.get())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        })
    };
    let image_row = move |(id, all): (String, Vec<FormDoc>)| {
        let label = all.first().map(|d| place(&d.record)).unwrap_or_default();
        view! { <tbody data-id=id>{readings(lang, s, label, all)}</tbody> }
    };
    let unit_total = move || {
        rev.track();
        s.national.with_value(|n| n.unit_conflict_count())
    };
    let units = move || {
        rev.track();
        let n = units_shown.get();
        s.national
            .with_value(|national| national.first_unit_conflicts(n))
    };
    let unit_row = move |c: crate::core::sync::national::UnitConflict| {
        let label = c.label();
        view! { <tbody data-unit=label.clone()>{readings(lang, s, label.clone(), c.readings)}</tbody> }
    };
    let head = move || view! { <thead><tr><th>{tr(lang, Text::SyncForm)}</th><th>{tr(lang, Text::ReadByPerson)}</th><th>{tr(lang, Text::Reading)}</th><th>{tr(lang, Text::KeepReading)}</th></tr></thead> };
    view! {
        <h3>{tr(lang, Text::NationalImageConflicts)}</h3>
        <div class="table-scroll">
            <table id="national-conflicts">{head}<For each=image key=move |(_, all)| revs(all) children=image_row/></table>
        </div>
        {more(lang, images_shown, image_total)}
        <h3>{tr(lang, Text::NationalUnitConflicts)}</h3>
        <div class="table-scroll">
            <table id="national-unit-conflicts">{head}<For each=units key=move |c| revs(&c.readings) children=unit_row/></table>
        </div>
        {more(lang, units_shown, unit_total)}
    }
}
