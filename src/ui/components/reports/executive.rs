//! The one-page executive summary.

use super::parts::figure;
use crate::core::results::report::Executive;
use crate::ui::chart::bars;
use crate::ui::i18n::{t, Lang, Text};
use leptos::prelude::*;

pub(super) fn executive_view(lang: Lang, e: Executive, p: &str) -> impl IntoView {
    let discrepancies = match e.discrepancies {
        Some([h, m, l]) => view! {
            <table class="report__table" id=format!("{p}exec-discrepancies")>
                <thead><tr>
                    <th>{t(lang, Text::HighOver10)}</th>
                    <th>{t(lang, Text::MediumOver5)}</th>
                    <th>{t(lang, Text::Low)}</th>
                </tr></thead>
                <tbody><tr><td class="num">{h}</td><td class="num">{m}</td><td class="num">{l}</td></tr></tbody>
            </table>
        }
        .into_any(),
        None => view! {
            <p class="hint">{t(lang, Text::TheOfficialResultsAreNot)}</p>
        }
        .into_any(),
    };
    let chart = bars(
        t(lang, Text::Top5PartiesByParty).to_string(),
        e.top_parties
            .iter()
            .map(|(n, name, v)| (format!("{n} {name}"), *v))
            .collect(),
    );
    let models = if e.models.is_empty() {
        "—".to_string()
    } else {
        e.models.join(", ")
    };
    view! {
        <div class="figures">
            {figure(t(lang, Text::BallotsProcessed), e.files.to_string(), format!("{p}exec-files"))}
            {figure(t(lang, Text::Read2), e.read.to_string(), format!("{p}exec-read"))}
            {figure(t(lang, Text::Provinces), e.provinces.to_string(), format!("{p}exec-provinces"))}
            {figure(t(lang, Text::Constituencies2), e.constituencies.to_string(), format!("{p}exec-constituencies"))}
        </div>
        <h3>{t(lang, Text::DiscrepanciesWithTheOfficialResults)}</h3>
        {discrepancies}
        <h3>{t(lang, Text::PartyVotes)}</h3>
        {chart}
        <p class="report__foot">{format!("{}: {models}", t(lang, Text::ReadBy))}</p>
    }
}
