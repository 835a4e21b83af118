//! The coordinator's tile map of the 77 provinces (positions are data:
//! `core::domain::province_tiles`), coloured by coverage (units reported of
//! those expected) or by the leading party on the party-list forms, with a
//! legend and Thai abbreviations; every tile names its province and figures
//! in its title. The coverage table beside it says the same in words.

use crate::core::domain::province_tiles::{tile, GRID};
use crate::core::domain::registry::Registry;
use crate::ui::i18n::{tr, Lang, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

const SIDE: u32 = 40;

mod paint;
use paint::{legend, paint};

/// The map and its legend.
#[component]
pub fn NationalMap() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (lang, s) = (state.lang, state.sync);
    let by_leader = RwSignal::new(false);
    // Worked out once a redraw (three tasks after the picture changes: see
    // `NationalPanel`), for the tiles and the legend.
    let rev = s.national_later(3);
    let data = Memo::new(move |_| {
        rev.track();
        let reg = Registry::shared();
        s.national
            .with_value(|n| (n.coverage(reg), n.province_leaders()))
    });
    let tiles = move || {
        let (coverage, leaders) = data.get();
        let reg = Registry::shared();
        let mode = by_leader.get();
        coverage
            .into_iter()
            .filter_map(|c| {
                let p = reg.provinces.iter().find(|p| p.code == c.province_code)?;
                let (col, row) = tile(&p.id)?;
                let (x, y) = (u32::from(col) * SIDE, u32::from(row) * SIDE);
                let leader = leaders.get(&c.province_code).copied();
                let (fill, text) = paint(mode, &c, leader, reg);
                let party = leader.and_then(|n| reg.parties.iter().find(|q| q.number == n));
                let title = format!(
                    "{}: {} / {} ({:.0} %){}",
                    c.province,
                    c.reported,
                    c.expected,
                    c.share() * 100.0,
                    party.map(|q| format!(" · {}", q.name_th)).unwrap_or_default()
                );
                Some(view! {
                    <g class="tile" data-province=c.province_code data-band=c.band() data-leader=leader.unwrap_or(0)>
                        <title>{title}</title>
                        <rect x=x + 1 y=y + 1 width=SIDE - 2 height=SIDE - 2 rx="4" fill=fill></rect>
                        <text x=x + SIDE / 2 y=y + SIDE / 2 + 5 text-anchor="middle" fill=text font-size="12">{p.abbr_th.clone()}</text>
                    </g>
                })
            })
            .collect_view()
    };
    let legend = move || legend(lang, by_leader.get(), data.with(|d| d.1.clone()));
    let (w, h) = (u32::from(GRID.0) * SIDE, u32::from(GRID.1) * SIDE);
    view! {
        <h3 id="national-map-title">{tr(lang, Text::NationalMap)}</h3>
        <fieldset class="map-mode">
            <legend>{tr(lang, Text::MapColour)}</legend>
            <label><input type="radio" name="map-mode" id="map-coverage" checked=move || !by_leader.get() on:change=move |_| by_leader.set(false)/>{tr(lang, Text::MapByCoverage)}</label>
            <label><input type="radio" name="map-mode" id="map-leader" checked=move || by_leader.get() on:change=move |_| by_leader.set(true)/>{tr(lang, Text::MapByLeader)}</label>
        </fieldset>
        <div class="national-map">
            <svg id="national-map" viewBox=format!("0 0 {w} {h}") role="img" aria-labelledby="national-map-title" lang=Lang::Th.code()>{tiles}</svg>
            <ul class="map-legend" id="national-legend">{legend}</ul>
        </div>
    }
}
