//! The national panel's tables: party-list votes, constituencies' races
//! (keyed rows: a redraw while forms stream in re-creates only those whose
//! figures changed) and provinces' coverage.

use crate::core::domain::registry::Registry;
use crate::core::sync::national::{led_by_party, Race};
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::sync::SyncStore;
use leptos::prelude::*;

/// Party-list votes by party, most first.
/// (`rev`: the redraws it follows.)
pub(super) fn parties(s: SyncStore, rev: RwSignal<u32>) -> impl Fn() -> AnyView + Copy {
    move || {
        rev.track();
        let mut rows: Vec<(u32, u64)> = s
            .national
            .with_value(|n| n.party_totals().into_iter().collect());
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.into_iter()
            .map(|(no, votes)| view! { <tr><td>{no}</td><td>{party_name(no)}</td><td>{votes}</td></tr> })
            .collect_view()
            .into_any()
    }
}

/// A party's Thai name from its ballot number ("" when unknown).
fn party_name(no: u32) -> String {
    Registry::shared()
        .party(no)
        .map(|p| p.name_th.clone())
        .unwrap_or_default()
}

/// Constituencies led by each party's candidate, then ties and unknowns.
pub(super) fn led(races: Memo<Vec<Race>>, lang: RwSignal<Lang>) -> impl Fn() -> AnyView + Copy {
    move || {
        let l = lang.get();
        let led = races.with(|r| led_by_party(r));
        let extra = [
            (Text::LeadTied, led.tied),
            (Text::PartyNotKnown, led.unknown),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| (String::new(), t(l, what).to_string(), n));
        led.parties
            .into_iter()
            .map(|(no, n)| (no.to_string(), party_name(no), n))
            .chain(extra)
            .map(|(no, name, n)| view! { <tr><td>{no}</td><td>{name}</td><td>{n}</td></tr> })
            .collect_view()
            .into_any()
    }
}

/// Every province's coverage, as a table.
pub(super) fn coverage(s: SyncStore, rev: RwSignal<u32>) -> impl Fn() -> AnyView + Copy {
    move || {
        rev.track();
        let rows = s.national.with_value(|n| n.coverage(Registry::shared()));
        rows.into_iter()
            .map(|c| {
                let review = format!("{:.0} %", c.review_share * 100.0);
                view! { <tr><th scope="row">{c.province}</th><td>{c.reported}</td><td>{c.expected}</td><td>{review}</td></tr> }
            })
            .collect_view()
            .into_any()
    }
}

/// Every constituency's race, as counted so far.
pub(super) fn races(s: SyncStore, rev: RwSignal<u32>) -> Memo<Vec<Race>> {
    Memo::new(move |_| {
        rev.track();
        s.national.with_value(|n| n.races(Registry::shared()))
    })
}

/// A race's row key: its figures (a row is re-created when they change).
pub(super) fn race_key(r: &Race) -> String {
    let (p, c, n, e) = (&r.province, r.constituency, r.reported, r.expected);
    format!("{p}|{c}|{n}|{e}|{:?}|{}|{:?}", r.leaders, r.margin, r.party)
}

pub(super) fn race_row(r: Race) -> impl IntoView {
    let place = format!("{} {}", r.province, r.constituency);
    let units = format!("{} / {}", r.reported, r.expected);
    let leaders: Vec<String> = r.leaders.iter().map(u32::to_string).collect();
    let party = r.party.map(party_name).unwrap_or_default();
    view! { <tr><th scope="row">{place}</th><td>{units}</td><td>{leaders.join(", ")}</td><td>{party}</td><td>{r.margin}</td></tr> }
}
