//! The constituency report.

use super::parts::{pairs_table, pct};
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::core::results::report::ConstituencyReport;
use crate::ui::i18n::{th, Lang};
use leptos::prelude::*;

pub(super) fn constituency_view(
    lang: Lang,
    r: ConstituencyReport,
    registry: &Registry,
) -> impl IntoView {
    let category = match r.category {
        Category::Constituency => th(lang, "แบ่งเขต", "constituency ballot"),
        Category::PartyList => th(lang, "บัญชีรายชื่อ", "party list"),
    };
    let lines = r
        .lines
        .iter()
        .map(|l| {
            let name = if l.name.is_empty() { "—".to_string() } else { l.name.clone() };
            view! { <tr><td class="num">{l.number}</td><td>{name}</td><td class="num">{l.votes}</td><td class="num">{pct(l.share)}</td></tr> }
        })
        .collect_view();
    let leader = r.lines.first().map(|l| {
        format!(
            "{} {} {}{} · {} {}",
            th(lang, "นำ:", "Leading:"),
            l.number,
            l.name,
            "",
            th(lang, "ทิ้งห่าง", "margin"),
            r.margin.unwrap_or(0)
        )
    });
    let units = if r.units_expected > 0 {
        format!("{} / {}", r.units, r.units_expected)
    } else {
        r.units.to_string()
    };
    let discrepancies = r
        .discrepancies
        .iter()
        .map(|d| {
            let severity = crate::ui::components::official_view::texts::severity_text(lang, d.severity);
            let what = crate::ui::components::official_view::texts::subject_text(lang, &d.subject, registry);
            view! { <li>{format!("{} {severity}: {what} {} {} · {} {} ({})", th(lang, "ข้อแตกต่าง", "Discrepancy"), th(lang, "จากใบรายงาน", "forms"), d.ours, th(lang, "ทางการ", "official"), d.official, pct(d.variance))}</li> }
        })
        .collect_view();
    view! {
        <section class="report-page constituency-report">
            <h3>{format!("{} {} {} · {category}", r.province, th(lang, "เขต", "constituency"), r.constituency)}</h3>
            <p>{leader}</p>
            <table class="report__table">
                <thead><tr>
                    <th>{th(lang, "หมายเลข", "No.")}</th>
                    <th>{th(lang, "ชื่อ", "Name")}</th>
                    <th>{th(lang, "คะแนน", "Votes")}</th>
                    <th>{th(lang, "ร้อยละ", "Share")}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
            {pairs_table("", (th(lang, "สรุป", "Summary"), th(lang, "ค่า", "Value")), vec![
                (th(lang, "บัตรดี", "Valid").into(), r.valid.to_string()),
                (th(lang, "บัตรเสีย", "Invalid").into(), r.invalid.to_string()),
                (th(lang, "ไม่เลือกผู้ใด", "No vote").into(), r.no_vote.to_string()),
                (th(lang, "ผู้มาใช้สิทธิ (บัตรที่ใช้)", "Ballots used").into(), r.total.to_string()),
                (th(lang, "หน่วยที่รายงาน / ทั้งหมด", "Units reported / expected").into(), units),
                (th(lang, "ผู้มาใช้สิทธิ (ของหน่วยที่อ่าน)", "Turnout (of units read)").into(), r.turnout.map(pct).unwrap_or_else(|| "—".into())),
                (th(lang, "ยังต้องตรวจ", "Still needing review").into(), r.needing_review.to_string()),
                (th(lang, "ซ้ำ / ขัดกัน", "Duplicates / conflicts").into(), format!("{} / {}", r.duplicates, r.conflicts)),
            ])}
            <ul class="report__discrepancies">{discrepancies}</ul>
        </section>
    }
}
