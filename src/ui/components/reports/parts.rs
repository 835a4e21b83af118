//! Pieces every report uses: the header, a figure, small tables.

use crate::core::results::report::{Measure, RunFacts};
use crate::ui::i18n::{t, Lang, Text};
use leptos::prelude::*;

pub(super) fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The header printed on every report: what, of what (a batch, or the
/// whole database), when.
pub(super) fn report_header(lang: Lang, title: &'static str, of: String) -> impl IntoView {
    let d = js_sys::Date::new_0();
    let when = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    );
    view! {
        <header class="report__header">
            <h2>{title}</h2>
            <p>
                {format!("TallyScan · {of} · {} {when}", t(lang, Text::Generated))}
            </p>
        </header>
    }
}

pub(super) fn figure(label: &'static str, value: String, id: String) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure__value" id=id>{value}</span>
            <span class="figure__label">{label}</span>
        </div>
    }
}

pub(super) fn pairs_table(
    id: String,
    head: (&'static str, &'static str),
    rows: Vec<(String, String)>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|(a, b)| view! { <tr><td>{a}</td><td class="num">{b}</td></tr> })
        .collect_view();
    view! {
        <table class="report__table" id=(!id.is_empty()).then_some(id)>
            <thead><tr><th>{head.0}</th><th>{head.1}</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

/// The processing figures of a run.
pub(super) fn run_table(lang: Lang, r: RunFacts, p: &str) -> impl IntoView {
    pairs_table(
        format!("{p}batch-run"),
        (t(lang, Text::Processing), t(lang, Text::Value)),
        vec![
            (
                t(lang, Text::DurationS).into(),
                format!("{:.0}", r.duration_s),
            ),
            (t(lang, Text::Requests).into(), r.requests.to_string()),
            (t(lang, Text::Retries2).into(), r.retries.to_string()),
            (
                t(lang, Text::RateAchievedPerMinute).into(),
                format!("{:.1}", r.per_minute),
            ),
            (
                t(lang, Text::TokensInOut).into(),
                format!("{} / {}", r.tokens_in, r.tokens_out),
            ),
            (t(lang, Text::CostUS).into(), format!("{:.2}", r.cost_usd)),
        ],
    )
}

/// One row per outlying constituency, with the numbers behind it.
pub(super) fn anomaly_rows(
    lang: Lang,
    anomalies: &[crate::core::results::report::Anomaly],
) -> impl IntoView {
    anomalies
        .iter()
        .map(|a| {
            let what = match a.measure {
                Measure::Turnout => t(lang, Text::Turnout),
                Measure::InvalidShare => t(lang, Text::InvalidShare),
            };
            view! {
                <tr>
                    <td>{format!("{} {} {}", a.province, t(lang, Text::Constituency), a.constituency)}</td>
                    <td>{what}</td>
                    <td class="num">{pct(a.value)}</td>
                    <td class="num">{format!("{} – {}", pct(a.q1), pct(a.q3))}</td>
                    <td class="num">{format!("{} – {}", pct(a.low), pct(a.high))}</td>
                </tr>
            }
        })
        .collect_view()
}
