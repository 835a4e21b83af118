//! One discrepancy as a table row, with its evidence.

use super::texts::{severity_text, subject_text};
use crate::core::domain::registry::Registry;
use crate::core::results::official::{Discrepancy, Evidence};
use crate::ui::i18n::{th, Lang};
use leptos::prelude::*;

pub(super) fn evidence_list(lang: Lang, evidence: &[Evidence]) -> impl IntoView {
    let items = evidence
        .iter()
        .map(|e| {
            let mut text = e.file.clone();
            if let Some(u) = e.polling_unit {
                text.push_str(&format!(" · {} {u}", th(lang, "หน่วย", "unit")));
            }
            text.push_str(&format!(
                " · {} · {}",
                &e.sha256.get(..12).unwrap_or(&e.sha256),
                e.model
            ));
            if e.corrected {
                text.push_str(&format!(
                    " · {}",
                    th(lang, "คนแก้แล้ว", "corrected by a person")
                ));
            }
            if e.accepted {
                text.push_str(&format!(
                    " · {}",
                    th(lang, "คนยอมรับแล้ว", "accepted by a person")
                ));
            }
            view! { <li title=e.sha256.clone()>{text}</li> }
        })
        .collect_view();
    let summary = match lang {
        Lang::Th => format!("หลักฐาน {} ใบ", evidence.len()),
        Lang::En => format!("evidence: {} form(s)", evidence.len()),
    };
    view! {
        <details class="evidence">
            <summary>{summary}</summary>
            <ul>{items}</ul>
        </details>
    }
}

pub(super) fn row(lang: Lang, d: &Discrepancy, registry: &Registry) -> impl IntoView {
    let place = if d.constituency == 0 {
        th(lang, "ทั้งประเทศ", "National").to_string()
    } else {
        format!(
            "{} {} {}",
            d.province,
            th(lang, "เขต", "constituency"),
            d.constituency
        )
    };
    let certain = d.certain_excess.then(|| {
        th(
            lang,
            "เกินแน่นอน แม้ยังอ่านไม่ครบทุกหน่วย",
            "certain excess, before every unit is read",
        )
    });
    let label = |k: usize| HEADS[k].text(lang);
    view! {
        <tr class=format!("severity--{:?}", d.severity).to_lowercase()>
            <td data-label=label(0)>{severity_text(lang, d.severity)}</td>
            <td data-label=label(1)>{place}</td>
            <td data-label=label(2)>{subject_text(lang, &d.subject, registry)}</td>
            <td class="num" data-label=label(3)>{d.ours}</td>
            <td class="num" data-label=label(4)>{d.official}</td>
            <td class="num" data-label=label(5)>{d.ours as i128 - d.official as i128}</td>
            <td class="num" data-label=label(6)>{format!("{:.1}%", d.variance * 100.0)}</td>
            <td data-label=label(7)>{certain}{evidence_list(lang, &d.evidence)}</td>
        </tr>
    }
}

/// A heading in Thai and English.
#[derive(Clone, Copy)]
pub(super) struct Head(&'static str, &'static str);

impl Head {
    pub(super) fn text(self, lang: Lang) -> &'static str {
        th(lang, self.0, self.1)
    }
}

/// The discrepancy table's columns.
pub(super) const HEADS: [Head; 8] = [
    Head("ความรุนแรง", "Severity"),
    Head("ที่", "Where"),
    Head("รายการ", "What"),
    Head("จากใบรายงาน", "Forms"),
    Head("ผลทางการ", "Official"),
    Head("ผลต่าง", "Difference"),
    Head("ร้อยละ", "Variance"),
    Head("หลักฐาน", "Evidence"),
];
