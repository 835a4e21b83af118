//! The app's reactive state and the first, sequential run over the picked
//! files. Decisions (what to send, how to read the answer) live in `core`;
//! this file only sequences them and publishes progress to signals.

use crate::core::{image, prompt, provider};
use crate::web;
use leptos::prelude::*;

/// How one file ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Position in the batch, from 1.
    pub index: usize,
    /// File name.
    pub file: String,
    /// Whether the model answered.
    pub ok: bool,
    /// First 80 characters of the answer, or the error message.
    pub text: String,
}

/// Everything the UI shows, as signals.
#[derive(Clone, Copy)]
pub struct AppState {
    /// UI language.
    pub lang: RwSignal<super::i18n::Lang>,
    /// Provider settings.
    pub settings: RwSignal<provider::ProviderSettings>,
    /// Keep the key in localStorage.
    pub remember_key: RwSignal<bool>,
    /// The picked files (browser objects, not Send).
    pub files: RwSignal<Vec<web_sys::File>, LocalStorage>,
    /// A run is under way.
    pub running: RwSignal<bool>,
    /// Files finished in this run.
    pub done: RwSignal<usize>,
    /// Files in this run.
    pub total: RwSignal<usize>,
    /// One row per finished file.
    pub rows: RwSignal<Vec<Row>>,
}

const KEY_SETTINGS: &str = "tallyscan.settings";
const KEY_API_KEY: &str = "tallyscan.api_key";

impl AppState {
    /// Fresh state, with settings restored from this device.
    pub fn new() -> Self {
        let mut settings = provider::ProviderSettings::default();
        if let Some(saved) = web::storage::get(KEY_SETTINGS) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&saved) {
                settings.kind = provider::ApiKind::from_id(v["kind"].as_str().unwrap_or(""));
                if let Some(e) = v["endpoint"].as_str() {
                    settings.endpoint = e.to_string();
                }
                if let Some(m) = v["model"].as_str() {
                    settings.model = m.to_string();
                }
            }
        }
        let saved_key = web::storage::get(KEY_API_KEY);
        if let Some(k) = &saved_key {
            settings.api_key = provider::ApiKey::new(k);
        }
        AppState {
            lang: RwSignal::new(Default::default()),
            settings: RwSignal::new(settings),
            remember_key: RwSignal::new(saved_key.is_some()),
            files: RwSignal::new_local(Vec::new()),
            running: RwSignal::new(false),
            done: RwSignal::new(0),
            total: RwSignal::new(0),
            rows: RwSignal::new(Vec::new()),
        }
    }

    /// Saves endpoint, model and kind; the key only when the user asked.
    pub fn save_settings(&self) {
        let s = self.settings.get_untracked();
        let v = serde_json::json!({"kind": s.kind.id(), "endpoint": s.endpoint, "model": s.model});
        web::storage::set(KEY_SETTINGS, &v.to_string());
        if self.remember_key.get_untracked() && !s.api_key.is_empty() {
            web::storage::set(KEY_API_KEY, s.api_key.expose());
        } else {
            web::storage::remove(KEY_API_KEY);
        }
    }

    /// Reads every picked file with the model, one at a time, and records a
    /// row for each. Every file ends as exactly one row.
    pub async fn run(self) {
        if self.running.get_untracked() {
            return;
        }
        let files = self.files.get_untracked();
        let settings = self.settings.get_untracked();
        self.save_settings();
        self.running.set(true);
        self.rows.set(Vec::new());
        self.done.set(0);
        self.total.set(files.len());
        for (i, file) in files.iter().enumerate() {
            let outcome = read_one(&settings, file).await;
            let (ok, text) = match outcome {
                Ok(answer) => (true, answer.chars().take(80).collect()),
                Err(message) => (false, message),
            };
            self.rows.update(|rows| {
                rows.push(Row {
                    index: i + 1,
                    file: file.name(),
                    ok,
                    text,
                })
            });
            self.done.set(i + 1);
        }
        self.running.set(false);
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// One file through the model: the answer's text, or a readable error.
async fn read_one(
    settings: &provider::ProviderSettings,
    file: &web_sys::File,
) -> Result<String, String> {
    settings.validate().map_err(|e| e.to_string())?;
    let bytes = web::files::read_bytes(file)
        .await
        .map_err(|e| e.to_string())?;
    let media = image::check_image(&bytes).map_err(|e| e.to_string())?;
    let request = provider::build_request(settings, media, &bytes, prompt::PROMPT);
    drop(bytes);
    let response = web::http::send(&request, &web::http::FetchOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    provider::interpret(settings.kind, &response)
        .map(|a| a.text)
        .map_err(|e| e.to_string())
}
