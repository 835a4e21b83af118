//! The one-page executive summary.

use super::parts::figure;
use crate::core::results::report::Executive;
use crate::ui::chart::bars;
use crate::ui::i18n::{th, Lang};
use leptos::prelude::*;

pub(super) fn executive_view(lang: Lang, e: Executive) -> impl IntoView {
    let discrepancies = match e.discrepancies {
        Some([h, m, l]) => view! {
            <table class="report__table" id="exec-discrepancies">
                <thead><tr>
                    <th>{th(lang, "สูง (เกิน 10%)", "High (over 10%)")}</th>
                    <th>{th(lang, "กลาง (เกิน 5%)", "Medium (over 5%)")}</th>
                    <th>{th(lang, "ต่ำ", "Low")}</th>
                </tr></thead>
                <tbody><tr><td class="num">{h}</td><td class="num">{m}</td><td class="num">{l}</td></tr></tbody>
            </table>
        }
        .into_any(),
        None => view! {
            <p class="hint">{th(lang, "ยังไม่ได้โหลดผลทางการของ กกต. จึงยังไม่มีการเทียบ", "The official results are not loaded: nothing compared yet")}</p>
        }
        .into_any(),
    };
    let chart = bars(
        th(
            lang,
            "5 พรรคที่ได้คะแนนบัญชีรายชื่อมากที่สุด",
            "Top 5 parties by party-list votes",
        )
        .to_string(),
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
            {figure(th(lang, "ใบที่ประมวลผล", "ballots processed"), e.files.to_string(), "exec-files")}
            {figure(th(lang, "อ่านได้", "read"), e.read.to_string(), "exec-read")}
            {figure(th(lang, "จังหวัด", "provinces"), e.provinces.to_string(), "exec-provinces")}
            {figure(th(lang, "เขตเลือกตั้ง", "constituencies"), e.constituencies.to_string(), "exec-constituencies")}
        </div>
        <h3>{th(lang, "ข้อแตกต่างกับผลทางการ ตามความรุนแรง", "Discrepancies with the official results, by severity")}</h3>
        {discrepancies}
        <h3>{th(lang, "คะแนนพรรค", "Party votes")}</h3>
        {chart}
        <p class="report__foot">{format!("{}: {models}", th(lang, "อ่านโดยโมเดล", "Read by"))}</p>
    }
}
