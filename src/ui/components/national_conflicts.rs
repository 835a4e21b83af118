//! The coordinator's readings that disagree: one image read differently
//! (a document with several leaves), and one polling unit reported by
//! several images with different numbers. Each shows who read what, on the
//! numbers where they differ, and a button to keep one reading: the
//! resolution is a new revision naming the readings it settles, the others
//! deleted (`core::sync::share::resolve`), synced like any form.

use crate::core::domain::ballot::BallotRecord;
use crate::core::sync::doc::FormDoc;
use crate::core::sync::national::disagreements;
use crate::ui::i18n::{tr, Lang, Text};
use crate::ui::issue_text::field_thai;
use crate::ui::state::AppState;
use crate::ui::sync::SyncStore;
use leptos::prelude::*;

/// The numbers of `reading` where the readings differ: "แถว 1: 115 · บัตรดี 621".
fn differing(lang: Lang, readings: &[FormDoc], reading: usize) -> String {
    let records: Vec<&BallotRecord> = readings.iter().map(|d| &d.record).collect();
    disagreements(&records)
        .into_iter()
        .map(|(field, values)| {
            let name = match lang {
                Lang::Th => field_thai(&field),
                Lang::En => field.to_string(),
            };
            let value = values[reading].map_or("–".to_string(), |v| v.to_string());
            format!("{name}: {value}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

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

/// "แพร่ เขต 1 หน่วย 3" for a record.
fn place(r: &BallotRecord) -> String {
    let p = r.province.clone().unwrap_or_default();
    let c = r
        .constituency
        .map(|c| format!(" เขต {c}"))
        .unwrap_or_default();
    let u = r
        .polling_unit
        .map(|u| format!(" หน่วย {u}"))
        .unwrap_or_default();
    format!("{p}{c}{u}")
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
    let image = move || {
        s.national_rev.track();
        s.national.with_value(|n| {
            n.conflicts
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        })
    };
    let image_row = move |(id, all): (String, Vec<FormDoc>)| {
        let label = all.first().map(|d| place(&d.record)).unwrap_or_default();
        view! { <tbody data-id=id>{readings(lang, s, label, all)}</tbody> }
    };
    let units = move || {
        s.national_rev.track();
        s.national.with_value(|n| n.unit_conflicts())
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
        <h3>{tr(lang, Text::NationalUnitConflicts)}</h3>
        <div class="table-scroll">
            <table id="national-unit-conflicts">{head}<For each=units key=move |c| revs(&c.readings) children=unit_row/></table>
        </div>
    }
}
