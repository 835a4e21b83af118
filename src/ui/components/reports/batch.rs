//! The batch summary.

use super::parts::{anomaly_rows, figure, pairs_table, run_table};
use crate::core::results::report::BatchSummary;
use crate::ui::chart::bars;
use crate::ui::i18n::{th, Lang};
use leptos::prelude::*;

/// The batch summary of the records in view.
pub(super) fn batch_view(lang: Lang, s: BatchSummary) -> impl IntoView {
    let unknown = th(lang, "(อ่านไม่ได้)", "(not read)");
    let named = |v: Vec<(String, usize)>| {
        v.into_iter()
            .map(|(k, n)| {
                (
                    if k.is_empty() { unknown.to_string() } else { k },
                    n.to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let levels = [
        th(lang, "สูง", "High"),
        th(lang, "กลาง", "Medium"),
        th(lang, "ต่ำ", "Low"),
        th(lang, "ต่ำมาก", "Very low"),
    ];
    let confidence = bars(
        th(lang, "ความเชื่อมั่นของการอ่าน", "Reading confidence").to_string(),
        levels
            .iter()
            .zip(s.confidence)
            .map(|(l, n)| (l.to_string(), n as u64))
            .collect(),
    );
    let (failures, corrections) = failure_and_correction_rows(lang, &s);
    let run = s.run.clone().map(|r| run_table(lang, r));
    let anomalies = anomaly_rows(lang, &s.anomalies);
    view! {
        <div class="figures">
            {figure(th(lang, "ไฟล์", "files"), s.files.to_string(), "batch-files")}
            {figure(th(lang, "อ่านได้", "read"), s.read.to_string(), "batch-read")}
            {figure(th(lang, "ต้องตรวจ", "need review"), s.needing_review.to_string(), "batch-review")}
            {figure(th(lang, "ผิดพลาด", "failed"), s.failures.len().to_string(), "batch-failed")}
            {figure(th(lang, "คนแก้ไข", "corrections"), s.corrections.len().to_string(), "batch-corrections")}
        </div>
        <div class="report__two">
            {pairs_table("batch-forms", (th(lang, "แบบฟอร์ม", "Form"), th(lang, "ใบ", "Forms")), named(s.by_form.clone()))}
            {pairs_table("batch-provinces", (th(lang, "จังหวัด", "Province"), th(lang, "ใบ", "Forms")), named(s.by_province.clone()))}
        </div>
        {confidence}
        {run}
        <h3>{th(lang, "ค่าผิดปกติ (กฎพิสัยระหว่างควอร์ไทล์)", "Anomalies (interquartile-range rule)")}</h3>
        <table class="report__table" id="batch-anomalies">
            <thead><tr>
                <th>{th(lang, "เขต", "Constituency")}</th>
                <th>{th(lang, "ค่า", "Measure")}</th>
                <th>{th(lang, "ค่านี้", "Value")}</th>
                <th>{th(lang, "Q1 – Q3", "Q1 – Q3")}</th>
                <th>{th(lang, "ช่วงปกติ", "Fences")}</th>
            </tr></thead>
            <tbody>{anomalies}</tbody>
        </table>
        <h3>{th(lang, "ไฟล์ที่อ่านไม่ได้", "Files not read")}</h3>
        <table class="report__table" id="batch-failures"><tbody>{failures}</tbody></table>
        <h3>{th(lang, "การแก้ไขโดยคน", "Corrections made by people")}</h3>
        <table class="report__table" id="batch-corrections"><tbody>{corrections}</tbody></table>
    }
}

/// The rows of the files not read and of the corrections made by people.
fn failure_and_correction_rows(lang: Lang, s: &BatchSummary) -> (impl IntoView, impl IntoView) {
    let failures = s
        .failures
        .iter()
        .map(|f| {
            let why = crate::ui::row_text::failure(
                lang,
                &crate::ui::progress::RowError {
                    kind: f.kind.clone(),
                    message: f.message.clone(),
                    attempts: 0,
                },
                None,
            );
            let file = crate::core::results::table::display_name(&f.file);
            view! { <tr><td><bdi>{file}</bdi></td><td>{why}</td></tr> }
        })
        .collect_view();
    let corrections = s
        .corrections
        .iter()
        .map(|(file, c)| {
            view! { <tr><td>{file.clone()}</td><td>{c.field.clone()}</td><td>{format!("{} → {}", c.from, c.to)}</td><td>{c.who.clone()}</td></tr> }
        })
        .collect_view();
    (failures, corrections)
}
