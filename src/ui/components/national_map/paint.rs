//! The map's colours: coverage bands, a party's colour with a readable
//! text colour on it, and the legend of either.

use crate::core::domain::registry::Registry;
use crate::core::sync::national::Coverage;
use crate::ui::i18n::{tr, Lang, Text};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Coverage bands, none to most: fill, and the text colour on it.
const BANDS: [(&str, &str); 5] = [
    ("#e5e7eb", "#111827"),
    ("#bfdbfe", "#111827"),
    ("#60a5fa", "#111827"),
    ("#1d4ed8", "#ffffff"),
    ("#1e3a8a", "#ffffff"),
];
const BAND_LABELS: [&str; 5] = ["", "< 25 %", "25–50 %", "50–75 %", "≥ 75 %"];

/// Black or white, whichever reads better on `hex` ("#rrggbb").
fn ink(hex: &str) -> &'static str {
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    let lum = 0.299 * f64::from(c(1)) + 0.587 * f64::from(c(3)) + 0.114 * f64::from(c(5));
    if lum > 150.0 {
        "#111827"
    } else {
        "#ffffff"
    }
}

/// A tile's fill, text colour and the figure its title gives.
pub(super) fn paint(
    by_leader: bool,
    c: &Coverage,
    leader: Option<u32>,
    reg: &Registry,
) -> (String, String) {
    let party = leader.and_then(|n| reg.parties.iter().find(|p| p.number == n));
    match (by_leader, party) {
        (true, Some(p)) if p.color.starts_with('#') && p.color.len() == 7 => {
            (p.color.clone(), ink(&p.color).into())
        }
        (true, _) => (BANDS[0].0.into(), BANDS[0].1.into()),
        (false, _) => {
            let (fill, text) = BANDS[usize::from(c.band())];
            (fill.into(), text.into())
        }
    }
}

/// A legend's colour square (SVG: the page's CSP allows no inline styles).
fn swatch(fill: String) -> impl IntoView {
    view! { <svg class="swatch" width="16" height="16" aria-hidden="true"><rect width="16" height="16" rx="2" fill=fill stroke="#6b7280"></rect></svg> }
}

/// The legend: the coverage bands, or the parties that lead somewhere.
pub(super) fn legend(
    lang: RwSignal<Lang>,
    by_leader: bool,
    leaders: BTreeMap<u16, u32>,
) -> AnyView {
    let reg = Registry::shared();
    if by_leader {
        let mut parties: Vec<u32> = leaders.values().copied().collect();
        parties.sort_unstable();
        parties.dedup();
        return parties
            .into_iter()
            .filter_map(|n| reg.parties.iter().find(|p| p.number == n))
            .map(|p| view! { <li>{swatch(p.color.clone())}{format!("{} {}", p.number, p.name_th)}</li> })
            .collect_view()
            .into_any();
    }
    BANDS
        .iter()
        .zip(BAND_LABELS)
        .map(|((fill, _), label)| {
            let label = match label.is_empty() {
                true => tr(lang, Text::CoverageNone)().to_string(),
                false => label.to_string(),
            };
            view! { <li>{swatch(fill.to_string())}{label}</li> }
        })
        .collect_view()
        .into_any()
}
