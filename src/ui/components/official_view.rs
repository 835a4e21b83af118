//! The official results: the Election Commission's `stats_cons.json` and
//! `stats_party.json`, picked as files (or fetched from a URL whose server
//! allows it), set against the tallies of the forms read. Every
//! discrepancy with its severity and the forms behind our number; filters
//! by severity and province; CSV and JSON exports. The reading and the
//! comparison are `core::official`.

use crate::core::aggregate::aggregate;
use crate::core::official::{self, Comparison, Discrepancy, Evidence, Severity, Subject};
use crate::core::ports::OcrClient;
use crate::core::registry::Registry;
use crate::ui::components::export_panel::file_name;
use crate::ui::i18n::{th, Lang};
use crate::ui::state::AppState;
use crate::web;
use leptos::prelude::*;

/// What a discrepancy is about, in the page's language.
pub(crate) fn subject_text(lang: Lang, s: &Subject, registry: &Registry) -> String {
    let party = |n: u32| registry.party(n).map(|p| format!("{} ({n})", p.name_th));
    match (s, lang) {
        (Subject::Candidate(n), Lang::Th) => format!("ผู้สมัครหมายเลข {n}"),
        (Subject::Candidate(n), Lang::En) => format!("Candidate {n}"),
        (Subject::Party(n), Lang::Th) => party(*n).unwrap_or_else(|| format!("พรรคหมายเลข {n}")),
        (Subject::Party(n), Lang::En) => party(*n).unwrap_or_else(|| format!("Party {n}")),
        (Subject::Valid, _) => th(lang, "บัตรดี", "Valid ballots").into(),
        (Subject::Invalid, _) => th(lang, "บัตรเสีย", "Invalid ballots").into(),
        (Subject::NoVote, _) => th(lang, "ไม่เลือกผู้ใด", "No vote").into(),
        (Subject::Turnout, _) => th(lang, "ผู้มาใช้สิทธิ", "Ballots used").into(),
    }
}

pub(crate) fn severity_text(lang: Lang, s: Severity) -> &'static str {
    match s {
        Severity::High => th(lang, "สูง", "High"),
        Severity::Medium => th(lang, "กลาง", "Medium"),
        Severity::Low => th(lang, "ต่ำ", "Low"),
    }
}

/// Reads one official file into the page's official results.
fn load(state: AppState, name: String, text: &str) {
    let registry = Registry::builtin();
    let mut out = state.official.get_untracked();
    let lang = state.lang.get_untracked();
    match official::read_official(text, &registry, &mut out) {
        Ok(notes) => {
            let mut lines: Vec<String> = notes.iter().map(|n| n.text(lang == Lang::Th)).collect();
            lines.insert(
                0,
                match lang {
                    Lang::Th => format!("อ่าน {name} แล้ว"),
                    Lang::En => format!("{name} read"),
                },
            );
            state.official.set(out);
            state.keep_official();
            state.official_notes.update(|n| n.extend(lines));
        }
        Err(e) => state.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("อ่าน {name} ไม่ได้: ไม่ใช่ไฟล์ผลการเลือกตั้งของ กกต. ({e})"),
                Lang::En => format!("{name} could not be read: {e}"),
            })
        }),
    }
}

/// Fetches an official file from `url` (the server must allow this page).
async fn fetch(state: AppState, url: String) {
    let client = web::http::FetchClient::default();
    let request = crate::core::provider::HttpRequest {
        url: url.clone(),
        headers: Vec::new(),
        body: Default::default(),
        timeout: Some(std::time::Duration::from_secs(60)),
    };
    let lang = state.lang.get_untracked();
    match client.send(request).await {
        Ok(r) if r.status == 200 => load(state, url, &r.body),
        Ok(r) => state.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("{url}: เซิร์ฟเวอร์ตอบ {} ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน", r.status),
                Lang::En => format!("{url}: the server answered {}; download the file and pick it instead", r.status),
            })
        }),
        Err(e) => state.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("{url}: ดึงไม่ได้ (เครือข่าย หรือเซิร์ฟเวอร์ไม่อนุญาตให้หน้านี้อ่าน) ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน ({e})"),
                Lang::En => format!("{url}: could not fetch it (network, or the server does not allow this page to read it); download the file and pick it instead ({e})"),
            })
        }),
    }
}

fn evidence_list(lang: Lang, evidence: &[Evidence]) -> impl IntoView {
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

fn row(lang: Lang, d: &Discrepancy, registry: &Registry) -> impl IntoView {
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
    view! {
        <tr class=format!("severity--{:?}", d.severity).to_lowercase()>
            <td>{severity_text(lang, d.severity)}</td>
            <td>{place}</td>
            <td>{subject_text(lang, &d.subject, registry)}</td>
            <td class="num">{d.ours}</td>
            <td class="num">{d.official}</td>
            <td class="num">{d.ours as i128 - d.official as i128}</td>
            <td class="num">{format!("{:.1}%", d.variance * 100.0)}</td>
            <td>{certain}{evidence_list(lang, &d.evidence)}</td>
        </tr>
    }
}

fn coverage_line(lang: Lang, c: &Comparison) -> String {
    let full = c.coverage.iter().filter(|k| k.full).count();
    let partial = c.coverage.len() - full;
    match lang {
        Lang::Th => format!(
            "เทียบได้ครบ {full} รายการ (อ่านครบทุกหน่วยและ กกต. นับครบ) · อ่านยังไม่ครบ {partial} รายการ (บอกได้เฉพาะที่เกินแน่นอน) · ไม่มีผลทางการ {} รายการ · ข้อแตกต่าง {} รายการ",
            c.without_official,
            c.discrepancies.len()
        ),
        Lang::En => format!(
            "{full} compared exactly (every unit read, official count complete) · {partial} partly read (only certain excesses said) · {} without an official result · {} discrepancies",
            c.without_official,
            c.discrepancies.len()
        ),
    }
}

/// Reads the official files picked.
fn pick(state: AppState, ev: leptos::ev::Event) {
    let input: web_sys::HtmlInputElement = event_target(&ev);
    let files = web::files::file_list(input.files());
    input.set_value("");
    leptos::task::spawn_local(async move {
        for f in files {
            match web::files::read_text(&f).await {
                Ok(text) => load(state, f.name(), &text),
                Err(e) => state.official_notes.update(|n| n.push(e.to_string())),
            }
        }
    });
}

/// The provinces with a discrepancy, for the filter.
fn provinces_of(c: &Comparison) -> Vec<String> {
    let mut p: Vec<String> = c
        .discrepancies
        .iter()
        .map(|d| d.province.clone())
        .filter(|p| !p.is_empty())
        .collect();
    p.sort();
    p.dedup();
    p
}

/// Saves the comparison as CSV or JSON, with a dated name.
fn export(c: &Comparison, registry: &Registry, csv: bool) {
    let (text, name, mime) = if csv {
        let text = crate::core::export::discrepancies_csv(c, registry);
        (
            text,
            file_name("discrepancies", "csv"),
            "text/csv;charset=utf-8",
        )
    } else {
        let text = crate::core::export::discrepancies_json(c);
        (text, file_name("discrepancies", "json"), "application/json")
    };
    let _ = web::download::download_text(&name, mime, &text);
}

/// The discrepancy view.
#[component]
pub fn OfficialView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let registry = StoredValue::new(Registry::builtin());
    let records = state.progress.records;
    let comparison = Memo::new(move |_| {
        let official = state.official.get();
        records.with(|r| {
            registry.with_value(|reg| official::compare(&aggregate(r, reg), r, &official, reg))
        })
    });
    let severity = RwSignal::new(String::new());
    let province = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let on_pick = move |ev: leptos::ev::Event| pick(state, ev);
    let shown = move || {
        let (sev, prov) = (severity.get(), province.get());
        comparison.with(|c| {
            c.discrepancies
                .iter()
                .filter(|d| sev.is_empty() || format!("{:?}", d.severity) == sev)
                .filter(|d| prov.is_empty() || d.province == prov)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let provinces = move || comparison.with(provinces_of);
    let export =
        move |csv: bool| comparison.with(|c| registry.with_value(|reg| export(c, reg, csv)));
    view! {
        <section class="panel official">
            <h2>{move || th(lang.get(), "เทียบกับผลทางการของ กกต.", "Compare with the official results")}</h2>
            <p class="hint">{move || th(lang.get(),
                "เลือกไฟล์ stats_cons.json และ stats_party.json ของ กกต. (หรือใส่ที่อยู่ไฟล์) แล้วดูว่าผลรวมจากใบรายงานที่อ่านไว้ตรงกับผลที่ประกาศหรือไม่",
                "Pick the Election Commission's stats_cons.json and stats_party.json (or give their address) to see whether the forms read add up to what was published")}</p>
            <label class="file-label">
                <span>{move || th(lang.get(), "เลือกไฟล์ผลทางการ", "Choose official result files")}</span>
                <input id="official-files" type="file" multiple accept=".json,application/json" on:change=on_pick/>
            </label>
            <div class="row">
                <label for="official-url">{move || th(lang.get(), "หรือที่อยู่ไฟล์", "or its address")}</label>
                <input id="official-url" type="url" placeholder="https://…/stats_cons.json"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button type="button" id="official-fetch" disabled=move || url.with(|u| u.trim().is_empty())
                    on:click=move |_| { leptos::task::spawn_local(fetch(state, url.get_untracked().trim().to_string())); }>
                    {move || th(lang.get(), "ดึงไฟล์", "Fetch")}
                </button>
            </div>
            <ul class="notes" id="official-notes">
                {move || state.official_notes.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
            <Show when=move || state.official.with(|o| !o.constituencies.is_empty() || !o.national_parties.is_empty())>
                <p id="official-coverage">{move || comparison.with(|c| coverage_line(lang.get(), c))}</p>
                <div class="row">
                    <label for="official-severity">{move || th(lang.get(), "ความรุนแรง", "Severity")}</label>
                    <select id="official-severity" on:change=move |ev| severity.set(event_target_value(&ev))>
                        <option value="">{move || th(lang.get(), "ทั้งหมด", "All")}</option>
                        <option value="High">{move || severity_text(lang.get(), Severity::High)}</option>
                        <option value="Medium">{move || severity_text(lang.get(), Severity::Medium)}</option>
                        <option value="Low">{move || severity_text(lang.get(), Severity::Low)}</option>
                    </select>
                    <label for="official-province">{move || th(lang.get(), "จังหวัด", "Province")}</label>
                    <select id="official-province" on:change=move |ev| province.set(event_target_value(&ev))>
                        <option value="">{move || th(lang.get(), "ทุกจังหวัด", "All provinces")}</option>
                        {move || provinces().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                    </select>
                    <button type="button" id="export-discrepancies-csv" on:click=move |_| export(true)>
                        {move || th(lang.get(), "ส่งออก CSV", "Export CSV")}
                    </button>
                    <button type="button" id="export-discrepancies-json" on:click=move |_| export(false)>
                        {move || th(lang.get(), "ส่งออก JSON", "Export JSON")}
                    </button>
                </div>
                <div class="table-scroll">
                    <table id="discrepancies">
                        <thead>
                            <tr>
                                <th>{move || th(lang.get(), "ความรุนแรง", "Severity")}</th>
                                <th>{move || th(lang.get(), "ที่", "Where")}</th>
                                <th>{move || th(lang.get(), "รายการ", "What")}</th>
                                <th>{move || th(lang.get(), "จากใบรายงาน", "Forms")}</th>
                                <th>{move || th(lang.get(), "ผลทางการ", "Official")}</th>
                                <th>{move || th(lang.get(), "ผลต่าง", "Difference")}</th>
                                <th>{move || th(lang.get(), "ร้อยละ", "Variance")}</th>
                                <th>{move || th(lang.get(), "หลักฐาน", "Evidence")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || { let l = lang.get(); registry.with_value(|reg| shown().iter().map(|d| row(l, d, reg)).collect_view()) }}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
