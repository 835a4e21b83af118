//! Printable reports: the one-page executive summary, the batch summary
//! and the constituency report, each an A4 page set (print stylesheet in
//! `style/main.css`: only the report prints, rows never split, a header
//! with the batch and the time, page numbers). "Save as PDF" opens the
//! browser's print dialog. The numbers are `core::report`'s.

use crate::core::aggregate::aggregate;
use crate::core::form::Category;
use crate::core::official::{self, Comparison};
use crate::core::registry::Registry;
use crate::core::report::{
    batch_summary, constituency_reports, executive, BatchSummary, ConstituencyReport, Executive,
    Failure, Measure, RunFacts,
};
use crate::ui::chart::bars;
use crate::ui::i18n::{th, Lang};
use crate::ui::state::AppState;
use leptos::prelude::*;

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// Which report is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Executive,
    Batch,
    Constituencies,
}

/// Everything a report needs, gathered from the page's state.
struct Inputs {
    executive: Executive,
    batch: BatchSummary,
    constituencies: Vec<ConstituencyReport>,
}

fn gather(state: AppState, registry: &Registry) -> Inputs {
    let records = state.progress.records.get();
    let failures: Vec<Failure> = state.progress.rows.with(|rows| {
        rows.iter()
            .filter_map(|r| {
                let e = r.error.as_ref()?;
                Some(Failure {
                    file: r.facts.file.clone(),
                    kind: e.kind.clone(),
                    message: e.message.clone(),
                })
            })
            .collect()
    });
    let agg = aggregate(&records, registry);
    let official = state.official.get();
    let comparison: Option<Comparison> = (!official.constituencies.is_empty()
        || !official.national_parties.is_empty())
    .then(|| official::compare(&agg, &records, &official, registry));
    let prices = state.batch.with(|b| b.prices);
    let run = state.progress.summary.get().map(|s| {
        let usage = crate::core::provider::Usage {
            input_tokens: s.tokens_in,
            output_tokens: s.tokens_out,
        };
        RunFacts {
            duration_s: s.duration_s,
            requests: s.requests,
            retries: s.retries,
            per_minute: s.per_second * 60.0,
            tokens_in: s.tokens_in,
            tokens_out: s.tokens_out,
            cost_usd: crate::core::cost::cost(&usage, &prices),
        }
    });
    Inputs {
        executive: executive(
            &records,
            &agg,
            failures.len(),
            comparison.as_ref(),
            registry,
        ),
        batch: batch_summary(&records, &agg, &failures, run, registry),
        constituencies: constituency_reports(&records, &agg, comparison.as_ref(), registry),
    }
}

/// The header printed on every report: what, which batch, when.
fn report_header(lang: Lang, title: &'static str, batch: String) -> impl IntoView {
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
                {format!("TallyScan · {} {batch} · {} {when}", th(lang, "ชุด", "batch"), th(lang, "จัดทำเมื่อ", "generated"))}
            </p>
        </header>
    }
}

fn figure(label: &'static str, value: String, id: &'static str) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure__value" id=id>{value}</span>
            <span class="figure__label">{label}</span>
        </div>
    }
}

fn executive_view(lang: Lang, e: Executive) -> impl IntoView {
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

fn pairs_table(
    id: &'static str,
    head: (&'static str, &'static str),
    rows: Vec<(String, String)>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|(a, b)| view! { <tr><td>{a}</td><td class="num">{b}</td></tr> })
        .collect_view();
    view! {
        <table class="report__table" id=id>
            <thead><tr><th>{head.0}</th><th>{head.1}</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

/// The processing figures of a run.
fn run_table(lang: Lang, r: RunFacts) -> impl IntoView {
    pairs_table(
        "batch-run",
        (th(lang, "การประมวลผล", "Processing"), ""),
        vec![
            (
                th(lang, "ใช้เวลา (วินาที)", "Duration (s)").into(),
                format!("{:.0}", r.duration_s),
            ),
            (th(lang, "คำขอ", "Requests").into(), r.requests.to_string()),
            (th(lang, "ลองใหม่", "Retries").into(), r.retries.to_string()),
            (
                th(lang, "อัตราที่ได้ (ต่อนาที)", "Rate achieved (per minute)").into(),
                format!("{:.1}", r.per_minute),
            ),
            (
                th(lang, "โทเคน (เข้า / ออก)", "Tokens (in / out)").into(),
                format!("{} / {}", r.tokens_in, r.tokens_out),
            ),
            (
                th(lang, "ค่าใช้จ่าย (ดอลลาร์สหรัฐ)", "Cost (US$)").into(),
                format!("{:.2}", r.cost_usd),
            ),
        ],
    )
}

/// One row per outlying constituency, with the numbers behind it.
fn anomaly_rows(lang: Lang, anomalies: &[crate::core::report::Anomaly]) -> impl IntoView {
    anomalies
        .iter()
        .map(|a| {
            let what = match a.measure {
                Measure::Turnout => th(lang, "ผู้มาใช้สิทธิ", "Turnout"),
                Measure::InvalidShare => th(lang, "สัดส่วนบัตรเสีย", "Invalid share"),
            };
            view! {
                <tr>
                    <td>{format!("{} {} {}", a.province, th(lang, "เขต", "constituency"), a.constituency)}</td>
                    <td>{what}</td>
                    <td class="num">{pct(a.value)}</td>
                    <td class="num">{format!("{} – {}", pct(a.q1), pct(a.q3))}</td>
                    <td class="num">{format!("{} – {}", pct(a.low), pct(a.high))}</td>
                </tr>
            }
        })
        .collect_view()
}

fn batch_view(lang: Lang, s: BatchSummary) -> impl IntoView {
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
            view! { <tr><td>{f.file.clone()}</td><td>{why}</td></tr> }
        })
        .collect_view();
    let corrections = s
        .corrections
        .iter()
        .map(|(file, c)| {
            view! { <tr><td>{file.clone()}</td><td>{c.field.clone()}</td><td>{format!("{} → {}", c.from, c.to)}</td><td>{c.who.clone()}</td></tr> }
        })
        .collect_view();
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

fn constituency_view(lang: Lang, r: ConstituencyReport, registry: &Registry) -> impl IntoView {
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
            let severity = crate::ui::components::official_view::severity_text(lang, d.severity);
            let what = crate::ui::components::official_view::subject_text(lang, &d.subject, registry);
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
            {pairs_table("", (th(lang, "สรุป", "Summary"), ""), vec![
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

/// The reports tab.
#[component]
pub fn Reports() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let registry = StoredValue::new(Registry::builtin());
    let which = RwSignal::new(Which::Executive);
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let report = move || {
        let l = lang.get();
        let batch = state.progress.batch.get().unwrap_or_default();
        let inputs = registry.with_value(|reg| gather(state, reg));
        match which.get() {
            Which::Executive => view! {
                <article id="report" class="report report--executive">
                    {report_header(l, th(l, "สรุปผู้บริหาร", "Executive summary"), batch)}
                    {executive_view(l, inputs.executive)}
                </article>
            }
            .into_any(),
            Which::Batch => view! {
                <article id="report" class="report report--batch">
                    {report_header(l, th(l, "สรุปชุดการอ่าน", "Batch summary"), batch)}
                    {batch_view(l, inputs.batch)}
                </article>
            }
            .into_any(),
            Which::Constituencies => view! {
                <article id="report" class="report report--constituencies">
                    {report_header(l, th(l, "รายงานรายเขตเลือกตั้ง", "Constituency report"), batch)}
                    {registry.with_value(|reg| inputs.constituencies.into_iter().map(|r| constituency_view(l, r, reg)).collect_view())}
                </article>
            }
            .into_any(),
        }
    };
    view! {
        <section class="panel reports">
            <div class="reports__controls">
                <label for="report-kind">{move || th(lang.get(), "รายงาน", "Report")}</label>
                <select id="report-kind" on:change=move |ev| which.set(match event_target_value(&ev).as_str() {
                    "batch" => Which::Batch,
                    "constituencies" => Which::Constituencies,
                    _ => Which::Executive,
                })>
                    <option value="executive">{move || th(lang.get(), "สรุปผู้บริหาร (หน้าเดียว)", "Executive summary (one page)")}</option>
                    <option value="batch">{move || th(lang.get(), "สรุปชุดการอ่าน", "Batch summary")}</option>
                    <option value="constituencies">{move || th(lang.get(), "รายงานรายเขตเลือกตั้ง", "Constituency report")}</option>
                </select>
                <button type="button" id="report-print" class="primary" on:click=print>
                    {move || th(lang.get(), "บันทึกเป็น PDF / พิมพ์", "Save as PDF / print")}
                </button>
            </div>
            {report}
        </section>
    }
}
