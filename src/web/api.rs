//! The batch engine as a JavaScript API, for pages that want it without
//! TallyScan's UI (see `examples/embed.html` and the README, "The
//! JavaScript API"). `startBatch(files, settings, callbacks)` reads the
//! files (images and PDFs) with the same engine, rate limiter, retries,
//! preparation and checks as the app, reports through the callbacks
//! (`onStart`, `onProgress`, `onError`, `onComplete`, `onEvent`; each gets
//! a progress event, see `core::engine::events`) and, when asked, the page's
//! `tallyscan:progress` events; it returns a handle to pause, resume or
//! cancel, and a promise of the records.

use crate::core::api::provider::ApiKey;
use crate::core::device::settings::Settings;
use crate::core::engine::batch::BatchResult;
use crate::core::engine::control::Control;
use crate::core::engine::events::{Envelope, EventCallback, ProgressEvent};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/** Settings of a batch started by `startBatch`. */
export interface TallyScanSettings {
  /** "openai" (OpenAI-compatible: OpenRouter, OpenAI, Gemini, Ollama, vLLM) or "anthropic". */
  format?: "openai" | "anthropic";
  /** The API's base URL, e.g. "https://openrouter.ai/api/v1". */
  endpoint: string;
  model: string;
  /** Sent only to `endpoint`, in its one header; never stored. */
  apiKey?: string;
  /** Requests a minute (default 60) and burst (default 1). */
  perMinute?: number;
  burst?: number;
  /** Requests in flight; 0 = automatic. */
  concurrency?: number;
  /** Send files as picked (no downscale). */
  sendOriginal?: boolean;
  /** Read flagged ballots a second time (default true). */
  reread?: boolean;
  /** Also publish `tallyscan:progress` events on window and the "tallyscan" BroadcastChannel. */
  publishEvents?: boolean;
  /** Any other setting of the app's, in the same spelling (timeoutS, longEdge, quality, pdfDpi, rereadCap, priceIn, priceOut, budget, ...); out-of-range numbers are brought into range. */
  [setting: string]: unknown;
}

/** A progress event (version 1). */
export type TallyScanEvent = { v: 1 } & (
  | { type: "start"; total: number }
  | { type: "progress"; current: number; total: number; file: string; status: "read" | "review"; summary: string }
  | { type: "error"; current: number; total: number; file: string; kind: string; message: string }
  | { type: "pause"; reason: string; wait_ms?: number }
  | { type: "resume" }
  | { type: "cleanup"; count: number; released: number }
  | { type: "complete"; read: number; review: number; failed: number }
);

/** What a batch reports to; every member optional. */
export interface TallyScanCallbacks {
  onStart?(e: TallyScanEvent): void;
  onProgress?(e: TallyScanEvent): void;
  onError?(e: TallyScanEvent): void;
  onComplete?(e: TallyScanEvent): void;
  /** Pauses, resumes and memory cleanups. */
  onEvent?(e: TallyScanEvent): void;
}

/** What `BatchHandle.done` resolves to. */
export interface TallyScanOutcome {
  complete: TallyScanEvent;
  /** The checked records, as in the app's JSON export. */
  records: unknown[];
}
"#;

/// A running batch: pause, resume, cancel, and its end.
#[wasm_bindgen]
pub struct BatchHandle {
    control: Control,
    done: js_sys::Promise,
}

#[wasm_bindgen]
impl BatchHandle {
    /// Stops sending; what is on its way finishes.
    pub fn pause(&self) {
        self.control.pause();
    }
    pub fn resume(&self) {
        self.control.resume();
    }
    /// Stops the batch; files not sent end as "not started".
    pub fn cancel(&self) {
        self.control.cancel();
    }
    /// Resolves to `TallyScanOutcome` when the batch ends.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<TallyScanOutcome>")]
    pub fn done(&self) -> js_sys::Promise {
        self.done.clone()
    }
}

/// Calls `callbacks[name](event)` when the page gave that function.
fn call(callbacks: &JsValue, e: &Envelope) {
    let name = match e.event {
        ProgressEvent::Start { .. } => "onStart",
        ProgressEvent::Progress { .. } => "onProgress",
        ProgressEvent::Error { .. } => "onError",
        ProgressEvent::Complete { .. } => "onComplete",
        _ => "onEvent",
    };
    let f = js_sys::Reflect::get(callbacks, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(f) = f.dyn_ref::<js_sys::Function>() {
        // A throwing callback must not stop the batch.
        let _ = f.call1(callbacks, &super::progress_events::to_js(e));
    }
}

/// Starts a batch over `files` (images and PDFs) with `settings`,
/// reporting to `callbacks`. Throws when the settings cannot be used.
#[wasm_bindgen(js_name = startBatch)]
pub fn start_batch(
    #[wasm_bindgen(unchecked_param_type = "File[]")] files: js_sys::Array,
    #[wasm_bindgen(unchecked_param_type = "TallyScanSettings")] settings: JsValue,
    #[wasm_bindgen(unchecked_param_type = "TallyScanCallbacks")] callbacks: JsValue,
) -> Result<BatchHandle, JsError> {
    let given: serde_json::Value = serde_wasm_bindgen::from_value(settings)
        .map_err(|e| JsError::new(&format!("settings: {e}")))?;
    // A page names its endpoint and model, and asks for events.
    let base = Settings {
        endpoint: String::new(),
        model: String::new(),
        publish_events: false,
        ..Settings::default()
    };
    let s = Settings::merge(base, &given);
    let key = given.get("apiKey").and_then(|k| k.as_str()).unwrap_or("");
    let provider = s.provider(ApiKey::new(key));
    provider
        .validate_for_page(super::page_is_https())
        .map_err(|e| JsError::new(&e.to_string()))?;
    let files: Vec<web_sys::File> = files.iter().filter_map(|f| f.dyn_into().ok()).collect();
    let control = Control::new();
    let running = control.clone();
    let done = wasm_bindgen_futures::future_to_promise(async move {
        let source = super::runner::open_files(files, &s).await;
        let report = EventCallback::new(move |e: &Envelope| call(&callbacks, e));
        let run = super::runner::Run {
            settings: &s,
            provider: &provider,
            fallback: None,
            progress: &report,
            journal: None,
            resume: &Default::default(),
        };
        let result = super::runner::run(&source, run, &running).await;
        Ok(outcome(&result))
    });
    Ok(BatchHandle { control, done })
}

/// What `done` resolves to: the closing event and the checked records.
fn outcome(result: &BatchResult) -> JsValue {
    let complete = Envelope::new(ProgressEvent::Complete {
        read: result.results.len(),
        review: result
            .results
            .iter()
            .filter(|r| r.record.in_review_queue())
            .count(),
        failed: result.errors.len(),
    });
    let records: Vec<_> = result.results.iter().map(|r| &r.record).collect();
    let out = js_sys::Object::new();
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let records = serde::Serialize::serialize(&records, &ser).unwrap_or(JsValue::NULL);
    let _ = js_sys::Reflect::set(
        &out,
        &"complete".into(),
        &super::progress_events::to_js(&complete),
    );
    let _ = js_sys::Reflect::set(&out, &"records".into(), &records);
    out.into()
}
