//! Official files in and comparisons out: picked, fetched, exported.

use crate::core::domain::registry::Registry;
use crate::core::engine::ports::OcrClient;
use crate::core::results::official::{self, Comparison};
use crate::ui::components::export_panel::file_name;
use crate::ui::i18n::Msg;
use crate::ui::results::ResultsStore;
use crate::web;
use leptos::prelude::*;

/// Reads one official file into the page's official results.
pub(super) fn load(results: ResultsStore, name: String, text: &str) {
    let registry = Registry::shared();
    let mut out = results.official.get_untracked();
    match official::read_official(text, registry, &mut out) {
        Ok(notes) => {
            let read = std::iter::once(Msg::OfficialRead { name });
            let lines: Vec<Msg> = read
                .chain(notes.into_iter().map(Msg::OfficialNote))
                .collect();
            results.official.set(out);
            results.keep_official();
            results.official_notes.update(|n| n.extend(lines));
        }
        Err(e) => results.official_notes.update(|n| {
            let why = e.to_string();
            n.push(Msg::OfficialUnreadable { name, why })
        }),
    }
}

/// Reads the official files picked.
pub(super) fn pick(results: ResultsStore, ev: leptos::ev::Event) {
    let input: web_sys::HtmlInputElement = event_target(&ev);
    let files = web::files::file_list(input.files());
    input.set_value("");
    leptos::task::spawn_local(async move {
        for f in files {
            match web::files::read_text(&f).await {
                Ok(text) => load(results, f.name(), &text),
                Err(e) => results
                    .official_notes
                    .update(|n| n.push(Msg::FileUnreadable { why: e.to_string() })),
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
pub(super) async fn fetch(results: ResultsStore, url: String) {
    let client = web::http::FetchClient::default();
    let request = crate::core::api::provider::HttpRequest {
        url: url.clone(),
        headers: Vec::new(),
        body: Default::default(),
        timeout: Some(std::time::Duration::from_secs(60)),
    };
    let failed = match client.send(request).await {
        Ok(r) if r.status == 200 => return load(results, url, &r.body),
        Ok(r) => Msg::OfficialStatus {
            url,
            status: r.status,
        },
        Err(e) => Msg::OfficialUnreachable {
            url,
            why: e.to_string(),
        },
    };
    results.official_notes.update(|n| n.push(failed));
}
