//! The batch summary.

use super::parts::{anomaly_rows, figure, pairs_table, run_table};
use crate::core::results::report::BatchSummary;
use crate::ui::chart::bars;
use crate::ui::i18n::{t, Lang, Text};
use leptos::prelude::*;

/// The batch summary of the records in view.
pub(super) fn batch_view(lang: Lang, s: BatchSummary, p: &str) -> impl IntoView {
    let unknown = t(lang, Text::NotRead);
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
        t(lang, Text::High),
        t(lang, Text::Medium),
        t(lang, Text::Low),
        t(lang, Text::VeryLow),
    ];
    let confidence = bars(
        t(lang, Text::ReadingConfidence).to_string(),
        levels
            .iter()
            .zip(s.confidence)
            .map(|(l, n)| (l.to_string(), n as u64))
            .collect(),
    );
    let (failures, corrections) = failure_and_correction_rows(lang, &s);
    let run = s.run.clone().map(|r| run_table(lang, r, p));
    let anomalies = anomaly_rows(lang, &s.anomalies);
    view! {
        <div class="figures">
            {figure(t(lang, Text::Files), s.files.to_string(), format!("{p}batch-files"))}
            {figure(t(lang, Text::Read2), s.read.to_string(), format!("{p}batch-read"))}
            {figure(t(lang, Text::NeedReview), s.needing_review.to_string(), format!("{p}batch-review"))}
            {figure(t(lang, Text::Failed2), s.failures.len().to_string(), format!("{p}batch-failed"))}
            {figure(t(lang, Text::Corrections2), s.corrections.len().to_string(), format!("{p}batch-corrected"))}
        </div>
        <div class="report__two">
            {pairs_table(format!("{p}batch-forms"), (t(lang, Text::Form), t(lang, Text::Forms)), named(s.by_form.clone()))}
            {pairs_table(format!("{p}batch-provinces"), (t(lang, Text::Province), t(lang, Text::Forms)), named(s.by_province.clone()))}
        </div>
        {confidence}
        {run}
        <h3>{t(lang, Text::AnomaliesInterquartileRangeRule)}</h3>
        <table class="report__table" id=format!("{p}batch-anomalies")>
            <thead><tr>
                <th>{t(lang, Text::ConstituencyNo)}</th>
                <th>{t(lang, Text::Measure)}</th>
                <th>{t(lang, Text::Value2)}</th>
                <th>{t(lang, Text::Q1Q3)}</th>
                <th>{t(lang, Text::Fences)}</th>
            </tr></thead>
            <tbody>{anomalies}</tbody>
        </table>
        <h3>{t(lang, Text::FilesNotRead)}</h3>
        <table class="report__table" id=format!("{p}batch-failures")><tbody>{failures}</tbody></table>
        <h3>{t(lang, Text::CorrectionsMadeByPeople)}</h3>
        <table class="report__table" id=format!("{p}batch-corrections")><tbody>{corrections}</tbody></table>
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
            view! { <tr><td><bdi>{crate::core::results::table::display_name(file)}</bdi></td><td>{crate::ui::row_text::cell(lang, &c.field)}</td><td>{format!("{} → {}", c.from, c.to)}</td><td>{c.who.clone()}</td></tr> }
        })
        .collect_view();
    (failures, corrections)
}
