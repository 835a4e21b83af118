//! Official files in and comparisons out: picked, fetched, exported.

use crate::core::domain::registry::Registry;
use crate::core::engine::ports::OcrClient;
use crate::core::results::official::{self, Comparison};
use crate::ui::components::export_panel::file_name;
use crate::ui::i18n::Lang;
use crate::ui::results::ResultsStore;
use crate::web;
use leptos::prelude::*;

/// Reads one official file into the page's official results.
pub(super) fn load(results: ResultsStore, lang: Lang, name: String, text: &str) {
    let registry = Registry::shared();
    let mut out = results.official.get_untracked();
    match official::read_official(text, registry, &mut out) {
        Ok(notes) => {
            let mut lines: Vec<String> = notes.iter().map(|n| n.text(lang == Lang::Th)).collect();
            lines.insert(
                0,
                match lang {
                    Lang::Th => format!("อ่าน {name} แล้ว"),
                    Lang::En => format!("{name} read"),
                },
            );
            results.official.set(out);
            results.keep_official();
            results.official_notes.update(|n| n.extend(lines));
        }
        Err(e) => results.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("อ่าน {name} ไม่ได้: ไม่ใช่ไฟล์ผลการเลือกตั้งของ กกต. ({e})"),
                Lang::En => format!("{name} could not be read: {e}"),
            })
        }),
    }
}

/// Reads the official files picked.
pub(super) fn pick(results: ResultsStore, lang: Lang, ev: leptos::ev::Event) {
    let input: web_sys::HtmlInputElement = event_target(&ev);
    let files = web::files::file_list(input.files());
    input.set_value("");
    leptos::task::spawn_local(async move {
        for f in files {
            match web::files::read_text(&f).await {
                Ok(text) => load(results, lang, f.name(), &text),
                Err(e) => results.official_notes.update(|n| n.push(e.to_string())),
            }
        }
    });
}

/// The provinces with a discrepancy, for the filter.
pub(super) fn provinces_of(c: &Comparison) -> Vec<String> {
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
pub(super) fn export(c: &Comparison, registry: &Registry, csv: bool) {
    let (text, name, mime) = if csv {
        let text = crate::core::results::export::discrepancies_csv(c, registry);
        (
            text,
            file_name("discrepancies", "csv"),
            "text/csv;charset=utf-8",
        )
    } else {
        let text = crate::core::results::export::discrepancies_json(c);
        (text, file_name("discrepancies", "json"), "application/json")
    };
    let _ = web::download::download_text(&name, mime, &text);
}

/// Fetches an official file from `url` (the server must allow this page).
pub(super) async fn fetch(results: ResultsStore, lang: Lang, url: String) {
    let client = web::http::FetchClient::default();
    let request = crate::core::api::provider::HttpRequest {
        url: url.clone(),
        headers: Vec::new(),
        body: Default::default(),
        timeout: Some(std::time::Duration::from_secs(60)),
    };
    match client.send(request).await {
        Ok(r) if r.status == 200 => load(results, lang, url, &r.body),
        Ok(r) => results.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("{url}: เซิร์ฟเวอร์ตอบ {} ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน", r.status),
                Lang::En => format!("{url}: the server answered {}; download the file and pick it instead", r.status),
            })
        }),
        Err(e) => results.official_notes.update(|n| {
            n.push(match lang {
                Lang::Th => format!("{url}: ดึงไม่ได้ (เครือข่าย หรือเซิร์ฟเวอร์ไม่อนุญาตให้หน้านี้อ่าน) ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน ({e})"),
                Lang::En => format!("{url}: could not fetch it (network, or the server does not allow this page to read it); download the file and pick it instead ({e})"),
            })
        }),
    }
}
