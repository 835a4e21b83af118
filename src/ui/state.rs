//! The app's reactive state, and starting a batch. Decisions live in
//! `core` (the engine); this file wires the browser adapters to it and
//! publishes progress through [`SignalProgress`].

use super::progress::SignalProgress;
use crate::core::batch::{run_batch, BatchOptions, Concurrency, Env, StopReason};
use crate::core::control::Control;
use crate::core::ports::Journal;
use crate::core::progress::{BallotOutcome, FailureKind};
use crate::core::provider::{self, SettingsError};
use crate::core::rate_limit::Quota;
use crate::core::registry::Registry;
use crate::core::session::{BatchMeta, BatchSettingsRecord, Replay, ResumeRun};
use crate::core::settings::SavedSettings;
use crate::web;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// Batch settings the user can change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchSettings {
    /// Requests per minute (OpenRouter's free tier: 20).
    pub per_minute: f64,
    pub burst: u32,
    /// Requests in flight; 0 = automatic.
    pub concurrency: usize,
    /// Log retries, waits and cleanups to the console.
    pub verbose: bool,
    /// The longest a request may take, in seconds.
    pub timeout_s: f64,
    /// Images are downscaled so their long edge is at most this, in pixels.
    pub long_edge: u32,
    /// JPEG quality of prepared images, 0 to 1.
    pub quality: f64,
    /// Send each file as picked (no downscale, metadata kept).
    pub send_original: bool,
    /// PDF pages are drawn at this resolution, dots per inch.
    pub pdf_dpi: u32,
    /// Second readings of flagged ballots: on, the cap, to the fallback.
    pub reread: crate::core::batch::RereadOptions,
    /// Progress events for other tabs and pages (see `web::progress_events`).
    pub publish_events: bool,
    /// US dollars per million input and output tokens (the user's to check).
    pub prices: crate::core::cost::Prices,
    /// Stop before spending more than this many dollars (0: no cap).
    pub budget: f64,
}

/// The request timeout's bounds, in seconds.
pub const TIMEOUT_RANGE_S: (f64, f64) = crate::core::settings::TIMEOUT_S;

impl Default for BatchSettings {
    fn default() -> Self {
        let q = Quota::default();
        BatchSettings {
            per_minute: q.per_minute_rate(),
            burst: q.burst(),
            concurrency: 0,
            verbose: false,
            timeout_s: 120.0,
            long_edge: 2048,
            quality: 0.85,
            send_original: false,
            pdf_dpi: crate::core::pdf::DEFAULT_DPI,
            reread: crate::core::batch::RereadOptions::default(),
            publish_events: true,
            prices: crate::core::cost::Prices::default(),
            budget: 0.0,
        }
    }
}

impl BatchSettings {
    /// The size images are sent at, about (an A4 scan's aspect): for the
    /// estimate before a run.
    pub fn sent_pixels(&self) -> (u32, u32) {
        let long = if self.send_original {
            3509
        } else {
            self.long_edge.min(3509)
        };
        ((f64::from(long) / 1.414).round() as u32, long)
    }

    /// The tokens and dollars `images` scans should take, second
    /// readings included (see [`crate::core::cost::with_rereads`]).
    pub fn estimate(&self, kind: provider::ApiKind, images: usize) -> (provider::Usage, f64) {
        let requests = crate::core::cost::with_rereads(images, &self.reread);
        crate::core::cost::estimate(kind, requests, self.sent_pixels(), &self.prices)
    }

    /// The engine options these settings mean for an API and endpoint.
    pub fn options(&self, kind: provider::ApiKind, endpoint: &str) -> BatchOptions {
        let (lo, hi) = TIMEOUT_RANGE_S;
        let timeout_s = if self.timeout_s.is_finite() {
            self.timeout_s.clamp(lo, hi)
        } else {
            120.0
        };
        BatchOptions {
            quota: Quota::per_minute(self.per_minute, self.burst),
            concurrency: Concurrency::for_endpoint(self.concurrency, endpoint),
            request_timeout: Duration::from_secs_f64(timeout_s),
            budget: (self.budget.is_finite() && self.budget > 0.0).then(|| {
                let one = crate::core::cost::estimate(kind, 1, self.sent_pixels(), &self.prices);
                let cap = crate::core::cost::Budget {
                    prices: self.prices,
                    cap: self.budget,
                };
                (cap, one.0)
            }),
            reread: self.reread,
            ..BatchOptions::default()
        }
    }
}

/// What an import brought: the file, records read, entries skipped.
pub type ImportNote = (String, usize, usize);

/// Everything the UI shows, as signals.
#[derive(Clone, Copy)]
pub struct AppState {
    /// UI language.
    pub lang: RwSignal<super::i18n::Lang>,
    pub settings: RwSignal<provider::ProviderSettings>,
    /// Rate, burst, concurrency.
    pub batch: RwSignal<BatchSettings>,
    /// Keep the key in localStorage.
    pub remember_key: RwSignal<bool>,
    /// The picked files (browser objects, not Send).
    pub files: RwSignal<Vec<web_sys::File>, LocalStorage>,
    /// A run is under way.
    pub running: RwSignal<bool>,
    /// Progress of the current or last run.
    pub progress: SignalProgress,
    /// Cancel/pause of the running batch.
    pub control: StoredValue<Option<Control>, LocalStorage>,
    /// The official results loaded (the ECT's files), and what loading
    /// them said.
    pub official: RwSignal<crate::core::official::OfficialResults>,
    pub official_notes: RwSignal<Vec<String>>,
    /// The one origin an embedding page may have to get progress events.
    pub embed_origin: RwSignal<String>,
    /// The images of the batch run last on this page (one item per image
    /// and per page of a PDF), for the review panel's preview.
    pub source: StoredValue<Option<Rc<web::files::FileSource>>, LocalStorage>,
    /// A problem that kept the batch from starting.
    pub setup_error: RwSignal<Option<SettingsError>>,
    /// What the last import brought, or why it failed.
    pub import_note: RwSignal<Option<Result<ImportNote, String>>>,
    /// This device's storage.
    pub device: super::device::Device,
    /// The fallback provider and model (no endpoint or model: none).
    pub fallback: RwSignal<provider::ProviderSettings>,
    /// The row (its index, from 1) open in the review panel.
    pub review: RwSignal<Option<usize>>,
    /// The view shown below the progress: results or constituencies.
    pub tab: RwSignal<Tab>,
    /// The results in view were exported (or there is nothing to lose).
    pub exported: RwSignal<bool>,
}

/// A view of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Results,
    Constituencies,
    Official,
    Reports,
}

const KEY_SETTINGS: &str = "tallyscan.settings";
const KEY_API_KEY: &str = "tallyscan.api_key";
/// The official results loaded, kept until they are replaced or the
/// device is cleared (public data: no key, no image).
const KEY_OFFICIAL: &str = "tallyscan.official";

impl AppState {
    /// Fresh state, with settings restored from this device.
    pub fn new() -> Self {
        let saved = SavedSettings::read(&web::storage::get(KEY_SETTINGS).unwrap_or_default());
        let mut settings = provider::ProviderSettings::default();
        let mut batch = BatchSettings::default();
        let device = super::device::Device::new();
        if !saved.kind.is_empty() {
            settings.kind = provider::ApiKind::from_id(&saved.kind);
        }
        if !saved.endpoint.is_empty() {
            settings.endpoint = saved.endpoint.clone();
        }
        if !saved.model.is_empty() {
            settings.model = saved.model.clone();
        }
        batch.per_minute = saved.per_minute;
        batch.burst = saved.burst;
        batch.concurrency = saved.concurrency;
        batch.timeout_s = saved.timeout_s;
        batch.long_edge = saved.long_edge;
        batch.quality = saved.quality;
        batch.send_original = saved.send_original;
        batch.pdf_dpi = saved.pdf_dpi;
        batch.publish_events = saved.publish_events;
        batch.reread = crate::core::batch::RereadOptions {
            enabled: saved.reread,
            cap: saved.reread_cap,
            use_fallback: saved.reread_fallback,
        };
        batch.prices = crate::core::cost::Prices {
            input: saved.price_in,
            output: saved.price_out,
        };
        batch.budget = saved.budget;
        device.keep_images.set(saved.keep_images);
        device.keep_originals.set(saved.keep_originals);
        device.image_budget_mb.set(saved.image_budget_mb);
        device.volunteer.set(saved.volunteer.clone());
        let lang = if saved.lang == "en" {
            super::i18n::Lang::En
        } else {
            super::i18n::Lang::Th
        };
        let saved_key = web::storage::get(KEY_API_KEY);
        if let Some(k) = &saved_key {
            settings.api_key = provider::ApiKey::new(k);
        }
        let fallback = provider::ProviderSettings {
            kind: provider::ApiKind::from_id(&saved.fallback_kind),
            endpoint: saved.fallback_endpoint.clone(),
            model: saved.fallback_model.clone(),
            ..provider::ProviderSettings::default()
        };
        AppState {
            lang: RwSignal::new(lang),
            settings: RwSignal::new(settings),
            batch: RwSignal::new(batch),
            remember_key: RwSignal::new(saved_key.is_some()),
            files: RwSignal::new_local(Vec::new()),
            running: RwSignal::new(false),
            progress: SignalProgress::new(),
            control: StoredValue::new_local(None),
            official: RwSignal::new(
                web::storage::get(KEY_OFFICIAL)
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default(),
            ),
            official_notes: RwSignal::new(Vec::new()),
            embed_origin: RwSignal::new(saved.embed_origin.clone()),
            source: StoredValue::new_local(None),
            setup_error: RwSignal::new(None),
            import_note: RwSignal::new(None),
            device,
            fallback: RwSignal::new(fallback),
            review: RwSignal::new(None),
            tab: RwSignal::new(Tab::Results),
            exported: RwSignal::new(true),
        }
    }

    /// Keeps the official results loaded on this device (they survive a
    /// reload).
    pub fn keep_official(&self) {
        let json = self
            .official
            .with_untracked(|o| serde_json::to_string(o).unwrap_or_default());
        web::storage::set(KEY_OFFICIAL, &json);
    }

    /// Saves endpoint, model, kind and batch settings; the key only when the user asked.
    pub fn save_settings(&self) {
        let s = self.settings.get_untracked();
        let b = self.batch.get_untracked();
        let d = self.device;
        let saved = SavedSettings {
            kind: s.kind.id().into(),
            endpoint: s.endpoint.clone(),
            model: s.model.clone(),
            per_minute: b.per_minute,
            burst: b.burst,
            concurrency: b.concurrency,
            timeout_s: b.timeout_s,
            long_edge: b.long_edge,
            quality: b.quality,
            send_original: b.send_original,
            pdf_dpi: b.pdf_dpi,
            reread: b.reread.enabled,
            reread_cap: b.reread.cap,
            reread_fallback: b.reread.use_fallback,
            publish_events: b.publish_events,
            embed_origin: self.embed_origin.get_untracked(),
            price_in: b.prices.input,
            price_out: b.prices.output,
            budget: b.budget,
            fallback_kind: self.fallback.with_untracked(|f| f.kind.id().to_string()),
            fallback_endpoint: self.fallback.with_untracked(|f| f.endpoint.clone()),
            fallback_model: self.fallback.with_untracked(|f| f.model.clone()),
            keep_images: d.keep_images.get_untracked(),
            keep_originals: d.keep_originals.get_untracked(),
            image_budget_mb: d.image_budget_mb.get_untracked(),
            volunteer: d.volunteer.get_untracked(),
            lang: self.lang.get_untracked().code().into(),
        };
        web::storage::set(KEY_SETTINGS, &saved.write());
        if self.remember_key.get_untracked() && !s.api_key.is_empty() {
            web::storage::set(KEY_API_KEY, s.api_key.expose());
        } else {
            web::storage::remove(KEY_API_KEY);
        }
    }

    /// Forgets the settings and the key kept on this device.
    pub fn forget_settings(&self) {
        web::storage::remove(KEY_SETTINGS);
        web::storage::remove(KEY_API_KEY);
        web::storage::remove(KEY_OFFICIAL);
        self.official.set(Default::default());
        self.official_notes.set(Vec::new());
        self.settings.set(provider::ProviderSettings::default());
        self.batch.set(BatchSettings::default());
        self.fallback.set(provider::ProviderSettings {
            endpoint: String::new(),
            model: String::new(),
            ..provider::ProviderSettings::default()
        });
        self.remember_key.set(false);
        self.device.keep_images.set(true);
        self.device.keep_originals.set(false);
        self.device.image_budget_mb.set(500.0);
    }

    /// Pauses or resumes the running batch (the user takes over from an
    /// offline pause).
    pub fn toggle_pause(&self) {
        self.progress.offline.set(false);
        if let Some(c) = self.control.get_value() {
            if c.is_paused() {
                c.resume();
            } else {
                c.pause();
            }
        }
    }

    /// Cancels the running batch.
    pub fn cancel(&self) {
        if let Some(c) = self.control.get_value() {
            c.cancel();
        }
    }

    /// The settings, when they can be used from this page (else the
    /// reason is shown).
    pub(super) fn checked_settings(&self) -> Option<provider::ProviderSettings> {
        if self.running.get_untracked() {
            return None;
        }
        let settings = self.settings.get_untracked();
        if let Err(e) = settings.validate_for_page(web::page_is_https()) {
            self.setup_error.set(Some(e));
            return None;
        }
        if let Some(f) = self.fallback_settings() {
            if let Err(e) = f.validate_for_page(web::page_is_https()) {
                self.setup_error.set(Some(e));
                return None;
            }
        }
        self.setup_error.set(None);
        Some(settings)
    }

    /// The fallback provider, when one is set (a base URL and a model).
    pub(super) fn fallback_settings(&self) -> Option<provider::ProviderSettings> {
        let f = self.fallback.get_untracked();
        (!f.endpoint.trim().is_empty() && !f.model.trim().is_empty()).then_some(f)
    }

    /// Runs the batch engine over the picked files. Every file ends as
    /// exactly one row.
    pub async fn run(self) {
        let Some(settings) = self.checked_settings() else {
            return;
        };
        // Counts as running from here: a second click starts nothing.
        self.running.set(true);
        let dpi = self.batch.get_untracked().pdf_dpi;
        let source = web::files::FileSource::open(self.files.get_untracked(), dpi).await;
        source.measure().await;
        let meta = BatchMeta {
            id: format!("b{}", web::timer::unix_ms() as u64),
            started_unix_ms: web::timer::unix_ms(),
            files: source.entries(),
            ended: false,
            images_kept: false,
            settings: BatchSettingsRecord {
                kind: settings.kind.id().into(),
                endpoint: settings.endpoint.clone(),
                model: settings.model.clone(),
                per_minute: self.batch.get_untracked().per_minute,
            },
            imported_from: None,
        };
        self.device.offer.set(None);
        self.execute(settings, meta, source, ResumeRun::default())
            .await;
    }

    /// Runs a batch (new, or resumed with `resume`), keeping it on the
    /// device as it goes: every finished ballot is stored before it counts.
    pub(super) async fn execute(
        self,
        settings: provider::ProviderSettings,
        meta: BatchMeta,
        source: web::files::FileSource,
        resume: ResumeRun,
    ) {
        self.save_settings();
        let batch = self.batch.get_untracked();
        let control = Control::new();
        self.control.set_value(Some(control.clone()));
        self.running.set(true);
        let store = self.device.store.get_value();
        if let Some(s) = &store {
            if let Err(e) = s.put_batch(&meta).await {
                self.device.unavailable.set(Some(e.to_string()));
            }
        }
        self.exported.set(false);
        self.review.set(None);
        source.measure().await;
        let source = Rc::new(source);
        self.source.set_value(Some(source.clone()));
        let meta = Rc::new(RefCell::new(meta));
        self.progress.batch.set(Some(meta.borrow().id.clone()));
        self.keep_images(meta.clone(), &source);
        let names = {
            use crate::core::ports::ImageSource as _;
            (0..source.len()).map(|i| source.name(i)).collect()
        };
        let journal = store.map(|store| web::store::BatchJournal {
            store,
            batch: meta.borrow().id.clone(),
            images: self.image_keeping(names),
        });
        let awake = self.keep_awake();
        let network = self.watch_network(&control, &settings.endpoint);
        let client = web::http::FetchClient::default();
        let registry = Registry::builtin();
        let console = web::console::ConsoleProgressCallback {
            verbose: batch.verbose,
        };
        let publisher =
            web::progress_events::Publisher::new(web::progress_events::PublishOptions {
                enabled: batch.publish_events,
                parent_origin: crate::core::settings::origin_or_empty(
                    &self.embed_origin.get_untracked(),
                ),
            })
            .callback();
        let inner = ((self.progress, publisher), (console, web::crash::Keeper));
        let progress = Replay {
            inner: &inner,
            rows: &resume.replay,
        };
        // Sent as picked or not, every image goes through the worker (which
        // hashes it and writes its base64 off the page's thread).
        let prep = web::image_prep::PagePrep::start(web::image_prep::PrepOptions {
            long_edge: batch.long_edge,
            quality: batch.quality,
            original: batch.send_original,
        });
        let fallback = self.fallback_settings();
        let env = Env {
            client: &client,
            clock: &web::timer::BrowserClock,
            sleeper: &web::timer::GlooSleeper,
            images: &*source,
            settings: &settings,
            registry: &registry,
            progress: &progress,
            control: &control,
            journal: journal.as_ref().map(|j| j as &dyn Journal),
            prep: Some(&prep),
            fallback: fallback.as_ref(),
        };
        let mut opts = batch.options(settings.kind, &settings.endpoint);
        opts.already_done = resume.already_done.clone();
        let result = run_batch(&env, &opts).await;
        drop((awake, network));
        self.progress.set_summary(&result);
        self.control.set_value(None);
        self.running.set(false);
        // A batch stopped by full storage can be resumed once space is
        // freed; one that lacked files, once they are picked again.
        let missing = resume
            .replay
            .iter()
            .any(|o| matches!(o, BallotOutcome::Error(e) if e.kind == FailureKind::Missing));
        let ended = !missing && !matches!(result.stopped, Some(StopReason::Storage(_)));
        meta.borrow_mut().ended = ended;
        let snapshot = meta.borrow().clone();
        if let Some(j) = &journal {
            let _ = j.store.put_batch(&snapshot).await;
        }
        self.refresh_device().await;
        if let Some(w) = self.device.worker.get_value() {
            w.check_for_update();
        }
    }

    /// Tests the connection with the settings as they are (no image, nothing
    /// billed), and says what it found.
    pub async fn test_connection(self) -> crate::core::connection::Connection {
        use crate::core::connection::{judge, models_request};
        let settings = self.settings.get_untracked();
        let request = models_request(&settings);
        let opts = web::http::FetchOptions::default();
        let result = web::http::send(request, &opts).await;
        judge(result.as_ref(), &settings.model)
    }

    /// Imports results read before (the Python tool's JSON or CSV, or a
    /// TallyScan export): they join the table and the tallies.
    pub async fn import(self, file: web_sys::File) {
        let name = file.name();
        let text = match web::files::read_text(&file).await {
            Ok(t) => t,
            Err(e) => return self.import_note.set(Some(Err(e.to_string()))),
        };
        match crate::core::import::import_results(&text, &name, &Registry::builtin()) {
            Ok(got) => {
                let (read, skipped) = (got.records.len(), got.skipped.len());
                self.progress.add_imported(got.records);
                self.import_note.set(Some(Ok((name, read, skipped))));
            }
            Err(e) => self.import_note.set(Some(Err(e.to_string()))),
        }
    }

    /// While the returned listener lives: when the browser goes offline and
    /// the endpoint does not answer (a LAN endpoint still does), dispatch
    /// pauses, and goes on once the endpoint answers again.
    fn watch_network(
        &self,
        control: &Control,
        endpoint: &str,
    ) -> Option<web::network::OnlineListener> {
        let state = *self;
        let control = control.clone();
        let endpoint = endpoint.to_string();
        let check = move || {
            leptos::task::spawn_local(state.hold_while_offline(control.clone(), endpoint.clone()))
        };
        if !web::network::is_online() {
            check();
        }
        web::network::OnlineListener::new(move |online| {
            if !online {
                check()
            }
        })
    }

    async fn hold_while_offline(self, control: Control, endpoint: String) {
        const PROBE: Duration = Duration::from_secs(3);
        let p = self.progress;
        if p.offline.get_untracked() || control.is_paused() || control.is_cancelled() {
            return;
        }
        if web::network::answers(&endpoint, PROBE).await || control.is_paused() {
            return;
        }
        control.pause();
        p.offline.set(true);
        loop {
            web::timer::sleep(Duration::from_secs(2)).await;
            // The user took over (pause/resume), or the batch ended.
            if !p.offline.get_untracked() || !self.running.get_untracked() {
                return;
            }
            if web::network::answers(&endpoint, PROBE).await {
                break;
            }
        }
        if p.offline.get_untracked() {
            p.offline.set(false);
            control.resume();
        }
    }

    /// While the returned guard lives: the screen wake lock (asked again
    /// each time the page is shown), and the page's hidden spans recorded.
    fn keep_awake(&self) -> impl Drop {
        let progress = self.progress;
        let lock = Rc::new(web::wake_lock::WakeLock::default());
        let ask = {
            let lock = lock.clone();
            move || {
                if !web::wake_lock::WakeLock::supported() {
                    return progress.wake_lock.set(Some(false));
                }
                let lock = lock.clone();
                leptos::task::spawn_local(async move {
                    let held = lock.request().await.is_ok();
                    progress.wake_lock.set(Some(held));
                });
            }
        };
        ask();
        let now = || Duration::try_from_secs_f64(web::timer::now_ms() / 1000.0).unwrap_or_default();
        if web::visibility::is_hidden() {
            progress.hidden.update(|h| h.hidden(now()));
        }
        let listener = web::visibility::VisibilityListener::new(move |hidden| {
            if hidden {
                progress.hidden.update(|h| h.hidden(now()));
            } else {
                progress.hidden.update(|h| h.shown(now()));
                ask();
            }
        });
        struct Awake {
            lock: Rc<web::wake_lock::WakeLock>,
            _listener: Option<web::visibility::VisibilityListener>,
        }
        impl Drop for Awake {
            fn drop(&mut self) {
                self.lock.release();
            }
        }
        Awake {
            lock,
            _listener: listener,
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
