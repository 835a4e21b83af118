//! The app's reactive state, and starting a batch. Decisions live in
//! `core` (the engine); this file wires the browser adapters to it and
//! publishes progress through [`SignalProgress`].

pub use super::results::{ImportNote, ResultsStore, Tab};
pub use super::run::RunStore;
use super::settings::SettingsStore;
use crate::core::api::provider;
use crate::core::device::session::{BatchMeta, BatchSettingsRecord, ResumeRun};
use crate::core::domain::registry::Registry;
use crate::core::engine::batch::{BatchResult, StopReason};
use crate::core::engine::control::Control;
use crate::core::engine::ports::Journal;
use crate::core::engine::progress::{BallotOutcome, FailureKind};
use crate::web;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// The first provider, and the fallback when one is set.
pub type Providers = (
    provider::ProviderSettings,
    Option<provider::ProviderSettings>,
);

/// The page's stores, each also given by context on its own (a view
/// asks for the one it reads): the settings, the run, the results, this
/// device. What joins several of them (starting a run, resuming, an
/// import, clearing the device) is a method here.
#[derive(Clone, Copy)]
pub struct AppState {
    /// UI language (the settings store's).
    pub lang: RwSignal<super::i18n::Lang>,
    /// The settings and keys.
    pub settings: SettingsStore,
    /// The files picked and the run under way.
    pub run: RunStore,
    /// What the runs and imports produced, and how it is looked at.
    pub results: ResultsStore,
    /// This device's storage.
    pub device: super::device::Device,
    /// The shared database.
    pub sync: super::sync::SyncStore,
}

impl AppState {
    /// Fresh stores, with settings restored from this device.
    pub fn new() -> Self {
        let settings = SettingsStore::load();
        let run = RunStore::new();
        AppState {
            lang: settings.lang,
            settings,
            run,
            results: ResultsStore::new(run.running),
            device: super::device::Device::new(),
            sync: super::sync::SyncStore::new(),
        }
    }

    /// Gives each store by context.
    pub fn provide(self) {
        provide_context(self);
        provide_context(self.settings);
        provide_context(self.run);
        provide_context(self.results);
        provide_context(self.device);
        provide_context(self.sync);
    }

    /// Forgets the settings, the key and the official results kept on
    /// this device.
    pub fn forget_settings(&self) {
        self.settings.forget();
        self.results.forget_official();
    }

    /// Pauses or resumes the running batch (the user takes over from an
    /// offline pause).
    pub fn toggle_pause(&self) {
        self.results.progress.offline.set(false);
        if let Some(c) = self.run.control.get_value() {
            if c.is_paused() {
                c.resume();
            } else {
                c.pause();
            }
        }
    }

    /// The providers, when they can be used from this page (else the
    /// reason is shown).
    pub(super) fn checked_settings(&self) -> Option<Providers> {
        if self.run.running.get_untracked() {
            return None;
        }
        let checked = self.settings.checked();
        self.run.setup_error.set(checked.as_ref().err().cloned());
        checked.ok()
    }

    /// Runs the batch engine over the picked files. Every file ends as
    /// exactly one row.
    pub async fn run(self) {
        let Some(providers) = self.checked_settings() else {
            return;
        };
        // Counts as running from here: a second click starts nothing.
        self.run.running.set(true);
        let settings = self.settings.settings.get_untracked();
        let source = web::runner::open_files(self.run.files.get_untracked(), &settings).await;
        let meta = BatchMeta {
            id: format!("b{}", web::timer::unix_ms() as u64),
            started_unix_ms: web::timer::unix_ms(),
            files: source.entries(),
            ended: false,
            images_kept: false,
            settings: BatchSettingsRecord {
                kind: settings.kind.clone(),
                endpoint: providers.0.endpoint.clone(),
                model: providers.0.model.clone(),
                per_minute: settings.per_minute,
            },
            imported_from: None,
        };
        self.device.offer.set(None);
        self.execute(providers, meta, source, ResumeRun::default())
            .await;
    }

    /// Runs a batch (new, or resumed with `resume`), keeping it on the
    /// device as it goes: every finished ballot is stored before it counts.
    pub(super) async fn execute(
        self,
        (provider, fallback): Providers,
        meta: BatchMeta,
        source: web::files::FileSource,
        resume: ResumeRun,
    ) {
        let control = self.begin(&meta).await;
        let source = Rc::new(source);
        self.run.source.set_value(Some(source.clone()));
        let meta = Rc::new(RefCell::new(meta));
        self.keep_images(meta.clone(), &source);
        let journal = self.journal(&meta, &source);
        let awake = self.keep_awake();
        let network = self.watch_network(&control, &provider.endpoint);
        let progress = (self.results.progress, web::crash::Keeper);
        let settings = self.settings.settings.get_untracked();
        let run = web::runner::Run {
            settings: &settings,
            provider: &provider,
            fallback: fallback.as_ref(),
            progress: &progress,
            journal: journal.as_ref().map(|j| j as &dyn Journal),
            resume: &resume,
        };
        let result = web::runner::run(&source, run, &control).await;
        drop((awake, network));
        self.end(&result, &resume, &meta, journal.as_ref()).await;
    }

    /// A run begins: its controls, the batch kept, the view cleared.
    async fn begin(&self, meta: &BatchMeta) -> Control {
        self.settings.save();
        let control = Control::new();
        self.run.control.set_value(Some(control.clone()));
        self.run.running.set(true);
        if let Some(s) = self.device.store.get_value() {
            if let Err(e) = s.put_batch(meta).await {
                self.device.unavailable.set(Some(e.to_string()));
            }
        }
        self.results.exported.set(false);
        self.results.review.set(None);
        self.results.progress.batch.set(Some(meta.id.clone()));
        control
    }

    /// Where the run keeps each finished ballot (and its image, when the
    /// volunteer asked), when storage can be used.
    fn journal(
        &self,
        meta: &Rc<RefCell<BatchMeta>>,
        source: &web::files::FileSource,
    ) -> Option<web::store::BatchJournal> {
        use crate::core::engine::ports::ImageSource as _;
        let names = (0..source.len()).map(|i| source.name(i)).collect();
        let store = self.device.store.get_value()?;
        Some(web::store::BatchJournal {
            store,
            batch: meta.borrow().id.clone(),
            images: self.image_keeping(names),
        })
    }

    /// A run ended: its summary shown, the batch marked ended (unless it
    /// can still be resumed), the device's figures refreshed.
    async fn end(
        &self,
        result: &BatchResult,
        resume: &ResumeRun,
        meta: &Rc<RefCell<BatchMeta>>,
        journal: Option<&web::store::BatchJournal>,
    ) {
        self.results.progress.set_summary(result);
        self.run.control.set_value(None);
        self.run.running.set(false);
        // A batch stopped by full storage can be resumed once space is
        // freed; one that lacked files, once they are picked again.
        let missing = resume
            .replay
            .iter()
            .any(|o| matches!(o, BallotOutcome::Error(e) if e.kind == FailureKind::Missing));
        let ended = !missing && !matches!(result.stopped, Some(StopReason::Storage(_)));
        meta.borrow_mut().ended = ended;
        let snapshot = meta.borrow().clone();
        if let Some(j) = journal {
            let _ = j.store.put_batch(&snapshot).await;
        }
        self.refresh_device().await;
        if let Some(w) = self.device.worker.get_value() {
            w.check_for_update();
        }
    }

    /// Tests the connection with the settings as they are (no image, nothing
    /// billed), and says what it found.
    pub async fn test_connection(self) -> crate::core::api::connection::Connection {
        use crate::core::api::connection::{judge, models_request};
        let settings = self.settings.provider();
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
            Err(e) => return self.results.import_note.set(Some(Err(e.to_string()))),
        };
        match crate::core::results::import::import_results(&text, &name, Registry::shared()) {
            Ok(got) => {
                let (read, skipped) = (got.records.len(), got.skipped.len());
                self.results.progress.add_imported(got.records);
                self.results
                    .import_note
                    .set(Some(Ok((name, read, skipped))));
            }
            Err(e) => self.results.import_note.set(Some(Err(e.to_string()))),
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
        let p = self.results.progress;
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
            if !p.offline.get_untracked() || !self.run.running.get_untracked() {
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
        let progress = self.results.progress;
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
