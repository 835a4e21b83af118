//! This device's storage as the page uses it: the store opened at start,
//! the batch in view shown again after a reload, the offer to resume a
//! batch that was cut off, session files out and in, and the storage
//! panel's actions. What to resume and how to merge are decided in
//! `core::device::session`; this file moves data between it, the store and the
//! signals.

use super::state::AppState;
use crate::core::device::session::{self, BatchMeta, SessionFile, SessionImage};
use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::ports::ImageSource;
use crate::core::engine::progress::BallotOutcome;
use crate::web::{self, files::FileSource, store::Store};
use leptos::prelude::*;
use std::rc::Rc;

const MIB: f64 = 1_048_576.0;

/// What the page knows of this device's storage, as signals.
#[derive(Clone, Copy)]
pub struct Device {
    /// The database, once open.
    pub store: StoredValue<Option<Rc<Store>>, LocalStorage>,
    /// Why storage cannot be used, when it cannot.
    pub unavailable: RwSignal<Option<String>>,
    /// The batches kept, oldest first, with their finished ballots.
    pub batches: RwSignal<Vec<(BatchMeta, usize)>>,
    /// Bytes used and allowed (`navigator.storage.estimate`).
    pub usage: RwSignal<Option<(f64, f64)>>,
    /// Whether the browser promised to keep the data (after asking).
    pub persisted: RwSignal<Option<bool>>,
    /// A batch cut off by a reload or a crash, and the ballots it still
    /// has to send.
    pub offer: RwSignal<Option<(BatchMeta, Vec<usize>)>>,
    /// Files picked again to resume a batch whose images were not kept.
    pub repicked: RwSignal<Vec<web_sys::File>, LocalStorage>,
    /// The last batch's images were not kept: (their size, the limit).
    pub images_not_kept: RwSignal<Option<(f64, f64)>>,
    /// Put the images in exported session files.
    pub with_images: RwSignal<bool>,
    /// What the last session import or export did.
    pub session_note: RwSignal<Option<Result<String, String>>>,
    /// Images read differently by two sessions: (one file, the other).
    pub conflicts: RwSignal<Vec<(String, String)>>,
    /// The device was just cleared.
    pub cleared: RwSignal<bool>,
    /// The service worker, once registered.
    pub worker: StoredValue<Option<web::service_worker::Worker>, LocalStorage>,
    /// The app shell is kept: the app loads offline.
    pub offline_ready: RwSignal<bool>,
    /// A new version is installed and waits for the volunteer.
    pub update_ready: RwSignal<bool>,
}

impl Device {
    pub fn new() -> Self {
        Device {
            store: StoredValue::new_local(None),
            unavailable: RwSignal::new(None),
            batches: RwSignal::new(Vec::new()),
            usage: RwSignal::new(None),
            persisted: RwSignal::new(None),
            offer: RwSignal::new(None),
            repicked: RwSignal::new_local(Vec::new()),
            images_not_kept: RwSignal::new(None),
            with_images: RwSignal::new(false),
            session_note: RwSignal::new(None),
            conflicts: RwSignal::new(Vec::new()),
            cleared: RwSignal::new(false),
            worker: StoredValue::new_local(None),
            offline_ready: RwSignal::new(false),
            update_ready: RwSignal::new(false),
        }
    }
}

impl Default for Device {
    fn default() -> Self {
        Self::new()
    }
}

fn records(outcomes: &[BallotOutcome]) -> Vec<BallotRecord> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            BallotOutcome::Result(r) => Some(r.record.clone()),
            BallotOutcome::Error(_) => None,
        })
        .collect()
}

impl AppState {
    fn store(&self) -> Option<Rc<Store>> {
        self.device.store.get_value()
    }

    /// Opens storage, shows the batch in view as it was, and offers to
    /// resume one that was cut off.
    pub async fn open_device(self) {
        let store = match Store::open().await {
            Ok(s) => Rc::new(s),
            Err(e) => return self.device.unavailable.set(Some(e.to_string())),
        };
        self.device.store.set_value(Some(store.clone()));
        let finder: super::sync::ImageFinder = Rc::new(move |r| Box::pin(self.image_for(r)));
        self.sync.attach(store.clone(), finder);
        self.sync.watch(self.results.progress.records);
        leptos::task::spawn_local(self.sync.restore());
        self.refresh_device().await;
        let batches: Vec<BatchMeta> = self
            .device
            .batches
            .with_untracked(|b| b.iter().map(|(m, _)| m.clone()).collect());
        if self.run.running.get_untracked() {
            return;
        }
        let resumable = session::resumable(&batches);
        for (k, b) in session::in_view(&batches).iter().enumerate() {
            let outcomes = store.outcomes(&b.id).await.unwrap_or_default();
            if k == 0 {
                self.results.progress.show_kept(b.files.len(), &outcomes);
                self.results.progress.batch.set(Some(b.id.clone()));
            } else {
                self.absorb(records(&outcomes));
            }
            if resumable.is_some_and(|r| r.id == b.id) {
                let plan = session::resume_plan(b, outcomes);
                self.device.offer.set(Some((b.clone(), plan.to_send)));
            }
        }
    }

    /// Reads the list of batches and the space used again.
    pub async fn refresh_device(self) {
        let Some(store) = self.store() else { return };
        let mut list = Vec::new();
        for meta in store.batches().await.unwrap_or_default() {
            let done = store.count(&meta.id).await.unwrap_or(0);
            list.push((meta, done));
        }
        self.device.batches.set(list);
        self.device.usage.set(web::store::estimate().await);
    }

    /// Adds records from elsewhere (another session) to the view, merged
    /// by content: (new, already here, read differently).
    fn absorb(&self, incoming: Vec<BallotRecord>) -> (usize, usize, usize) {
        let held = self.results.progress.records.get_untracked();
        let merged = session::merge(&held, &incoming);
        let new = merged.records[held.len()..].to_vec();
        let counts = (new.len(), merged.duplicates, merged.conflicts.len());
        self.results.progress.add_imported(new);
        self.device.conflicts.update(|c| c.extend(merged.conflicts));
        counts
    }

    /// Keeps the batch's picked files with it, when the volunteer asks for
    /// the originals and they fit the budget and the free space; `meta` is
    /// shared with the run, which saves it last. (Otherwise each ballot's
    /// prepared image is kept as it is read: see [`Self::image_keeping`].)
    pub(super) fn keep_images(&self, meta: Rc<std::cell::RefCell<BatchMeta>>, source: &FileSource) {
        self.device.images_not_kept.set(None);
        let Some(store) = self.store() else { return };
        let (keep, originals, budget_mb) = self.image_settings();
        let wanted = keep && originals;
        if !wanted || meta.borrow().images_kept {
            return;
        }
        let files = source.files();
        let size = source.total_size();
        let mut limit = budget_mb * MIB;
        if let Some((used, quota)) = self.device.usage.get_untracked() {
            limit = limit.min((quota - used) * 0.8);
        }
        if size > limit {
            return self.device.images_not_kept.set(Some((size, limit)));
        }
        let device = self.device;
        leptos::task::spawn_local(async move {
            let id = meta.borrow().id.clone();
            match store.put_images(&id, &files).await {
                Ok(()) => {
                    meta.borrow_mut().images_kept = true;
                    let snapshot = meta.borrow().clone();
                    let _ = store.put_batch(&snapshot).await;
                }
                Err(_) => device.images_not_kept.set(Some((size, limit))),
            }
        });
    }

    /// Keep images, keep the originals too, the budget in MB.
    fn image_settings(&self) -> (bool, bool, f64) {
        self.settings
            .settings
            .with_untracked(|s| (s.keep_images, s.keep_originals, s.image_budget_mb.max(0.0)))
    }

    /// How the journal keeps each ballot's prepared image: when images are
    /// kept but not the originals, within the budget and 80 % of the free
    /// space.
    pub(super) fn image_keeping(&self, names: Vec<String>) -> Option<web::store::ImageKeeping> {
        let (keep, originals, budget_mb) = self.image_settings();
        if !keep || originals {
            return None;
        }
        let mut limit = budget_mb * MIB;
        if let Some((used, quota)) = self.device.usage.get_untracked() {
            limit = limit.min((quota - used) * 0.8);
        }
        Some(web::store::ImageKeeping::new(names, limit))
    }

    /// Resumes the batch on offer: finished ballots are shown, not sent;
    /// the images come from storage, or from the files picked again.
    pub async fn resume(self) {
        let (Some((meta, _)), Some(store)) = (self.device.offer.get_untracked(), self.store())
        else {
            return;
        };
        let Some(settings) = self.checked_settings() else {
            return;
        };
        let kept = store.outcomes(&meta.id).await.unwrap_or_default();
        self.resume_from(settings, meta, kept).await
    }

    /// Sends again the ballots of the batch in view that ended in error:
    /// the rest are shown as they are (with their corrections), not sent.
    pub async fn retry_failed(self) {
        let (Some(store), Some(id)) = (self.store(), self.results.progress.batch.get_untracked())
        else {
            return;
        };
        let meta = self
            .device
            .batches
            .with_untracked(|b| b.iter().find(|(m, _)| m.id == id).map(|(m, _)| m.clone()));
        let (Some(meta), Some(settings)) = (meta, self.checked_settings()) else {
            return;
        };
        let mut kept = store.outcomes(&meta.id).await.unwrap_or_default();
        kept.retain(|o| matches!(o, BallotOutcome::Result(_)));
        self.resume_from(settings, meta, kept).await
    }

    /// Runs `meta` again for every ballot not in `kept`, with the images
    /// kept on the device, or else the files picked again (or still picked).
    async fn resume_from(
        self,
        settings: super::state::Providers,
        meta: BatchMeta,
        kept: Vec<BallotOutcome>,
    ) {
        let Some(store) = self.store() else { return };
        let plan = session::resume_plan(&meta, kept);
        let n = meta.files.len();
        let slots: Vec<Option<web_sys::File>> = if meta.images_kept {
            let mut slots = vec![None; n];
            for (i, f) in store.images(&meta.id).await.unwrap_or_default() {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(f);
                }
            }
            slots
        } else {
            let mut picked = self.device.repicked.get_untracked();
            if picked.is_empty() {
                picked = self.run.files.get_untracked();
            }
            let entries = FileSource::new(picked.clone()).entries();
            session::match_files(&meta.files, &entries)
                .into_iter()
                .map(|m| m.and_then(|k| picked.get(k).cloned()))
                .collect()
        };
        let present: Vec<bool> = slots.iter().map(Option::is_some).collect();
        let run = session::resume_run(&meta, plan, &present);
        let dpi = self.settings.settings.with_untracked(|s| s.pdf_dpi);
        let source = FileSource::named(&meta.files, slots, dpi);
        self.device.offer.set(None);
        self.device.repicked.set(Vec::new());
        self.execute(settings, meta, source, run).await;
    }

    /// Keeps a record a person corrected or accepted (ballot `index` of
    /// the batch in view), with its new revision.
    pub async fn save_record(self, index: usize, file: String, record: BallotRecord) {
        let (Some(store), Some(batch)) =
            (self.store(), self.results.progress.batch.get_untracked())
        else {
            return;
        };
        let outcome = BallotOutcome::Result(crate::core::engine::progress::BallotResult {
            index,
            file,
            record,
            attempts: 1,
            copy_of: None,
        });
        if let Err(e) = store.put_outcome(&batch, &outcome).await {
            self.device.unavailable.set(Some(e.to_string()));
        }
    }

    /// The image of ballot `index` of the batch in view: the picked file
    /// (a PDF's page drawn now), or the one kept on the device.
    pub async fn image_of(self, index: usize, file: &str) -> Option<web_sys::File> {
        let run = self.run.source.get_value();
        if let Some(source) = run.filter(|s| s.len() > index && s.name(index) == file) {
            if let Some(f) = source.preview(index).await {
                return Some(f);
            }
        }
        // Released after the run: the picked files again, else the kept ones.
        let batch = self.results.progress.batch.get_untracked()?;
        let meta = self.device.batches.with_untracked(|b| {
            b.iter()
                .find(|(m, _)| m.id == batch)
                .map(|(m, _)| m.clone())
        })?;
        let picked = self.run.files.get_untracked();
        let entries = FileSource::new(picked.clone()).entries();
        let mut slots: Vec<Option<web_sys::File>> = session::match_files(&meta.files, &entries)
            .into_iter()
            .map(|m| m.and_then(|k| picked.get(k).cloned()))
            .collect();
        if slots.get(index).is_none_or(Option::is_none) {
            if let Some(store) = self.store() {
                for (i, f) in store.images(&batch).await.unwrap_or_default() {
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(f);
                    }
                }
            }
        }
        let dpi = self.settings.settings.with_untracked(|s| s.pdf_dpi);
        FileSource::named(&meta.files, slots, dpi)
            .preview(index)
            .await
    }

    /// Declines the offer: the batch stays on the device, as ended.
    pub async fn discard_resume(self) {
        let Some((mut meta, _)) = self.device.offer.get_untracked() else {
            return;
        };
        self.device.offer.set(None);
        meta.ended = true;
        if let Some(store) = self.store() {
            let _ = store.put_batch(&meta).await;
        }
        self.refresh_device().await;
    }

    /// Downloads a kept batch as a session file (with its images when the
    /// volunteer chose so and they were kept).
    pub async fn export_session(self, id: String) {
        let Some(store) = self.store() else { return };
        let Some(meta) = self
            .device
            .batches
            .with_untracked(|b| b.iter().find(|(m, _)| m.id == id).map(|(m, _)| m.clone()))
        else {
            return;
        };
        let result = async {
            let outcomes = store.outcomes(&id).await?;
            let mut images = Vec::new();
            if self.device.with_images.get_untracked() {
                for (i, f) in store.images(&id).await? {
                    let name = meta
                        .files
                        .get(i)
                        .map_or_else(|| f.name(), |e| e.name.clone());
                    images.push(SessionImage::new(
                        i,
                        &name,
                        &web::files::read_bytes(&f).await?,
                    ));
                }
            }
            let volunteer = self
                .settings
                .settings
                .with_untracked(|s| s.volunteer.clone());
            let text = session::write_session(&meta, &outcomes, &volunteer, images);
            let name = format!("tallyscan-session-{}.json", meta.id);
            web::download::download_text(&name, "application/json", &text)?;
            Ok::<_, web::WebError>(name)
        }
        .await;
        self.device
            .session_note
            .set(Some(result.map_err(|e| e.to_string())));
    }

    /// Imports session files: their records join the view, merged by
    /// content, conflicts listed; each is kept on the device as a batch.
    pub async fn import_sessions(self, files: Vec<web_sys::File>) {
        let mut sessions = Vec::new();
        let mut problems = Vec::new();
        for f in &files {
            let read = web::files::read_text(f).await.map_err(|e| e.to_string());
            match read.and_then(|text| session::read_session(&text)) {
                Ok(s) => sessions.push((f.name(), s)),
                Err(e) => problems.push(format!("{}: {e}", f.name())),
            }
        }
        let mut totals = (0, 0, 0);
        for (k, (name, s)) in sessions.iter_mut().enumerate() {
            let id = format!("i{}-{k}", web::timer::unix_ms() as u64);
            let meta = session::imported_batch(s, name, id, web::timer::unix_ms());
            mark_imported(s, meta.imported_from.as_deref().unwrap_or(name));
            let (new, dup, conflicts) = self.absorb(records(&s.outcomes));
            totals = (totals.0 + new, totals.1 + dup, totals.2 + conflicts);
            if let Err(e) = self.keep_session(&meta, s).await {
                problems.push(format!("{name}: {e}"));
            }
        }
        self.refresh_device().await;
        let lang = self.lang.get_untracked();
        let note = super::i18n::sessions_note(lang, sessions.len(), totals.0, totals.1, totals.2);
        self.device.session_note.set(Some(if problems.is_empty() {
            Ok(note)
        } else {
            Err(format!("{note} · {}", problems.join(" · ")))
        }));
    }

    async fn keep_session(&self, meta: &BatchMeta, s: &SessionFile) -> Result<(), String> {
        let Some(store) = self.store() else {
            return Ok(());
        };
        let err = |e: web::WebError| e.to_string();
        store.put_batch(meta).await.map_err(err)?;
        store
            .put_outcomes(&meta.id, &s.outcomes)
            .await
            .map_err(err)?;
        let mut images = Vec::new();
        for img in &s.images {
            let file = web::files::file_from_bytes(&img.name, &img.bytes()?).map_err(err)?;
            images.push((img.index, file));
        }
        if !images.is_empty() {
            store.put_images(&meta.id, &images).await.map_err(err)?;
        }
        Ok(())
    }

    /// Forgets a kept batch.
    pub async fn delete_batch(self, id: String) {
        if let Some(store) = self.store() {
            if let Err(e) = store.delete_batch(&id).await {
                self.device.session_note.set(Some(Err(e.to_string())));
            }
        }
        if self
            .device
            .offer
            .with_untracked(|o| o.as_ref().is_some_and(|(m, _)| m.id == id))
        {
            self.device.offer.set(None);
        }
        self.refresh_device().await;
    }

    /// A shared kiosk's "clear this device": the key, the settings, every
    /// batch and image, and what the page shows.
    pub async fn clear_device(self) {
        if let Some(store) = self.store() {
            if let Err(e) = store.clear().await {
                self.device.session_note.set(Some(Err(e.to_string())));
                return;
            }
        }
        self.forget_settings();
        // Whatever else the app kept here (the rate shared by tabs).
        web::storage::remove_all_with_prefix("tallyscan.");
        self.results.progress.clear();
        self.sync.forget();
        self.run.files.set(Vec::new());
        self.device.offer.set(None);
        self.device.conflicts.set(Vec::new());
        self.device.session_note.set(None);
        self.device.cleared.set(true);
        self.refresh_device().await;
    }

    /// Registers the service worker: the app works offline once it is
    /// ready, and a new version is announced, never swapped in by itself.
    pub async fn start_worker(self) {
        let update = self.device.update_ready;
        let Ok(worker) = web::service_worker::Worker::register(move || update.set(true)).await
        else {
            return;
        };
        self.device.worker.set_value(Some(worker.clone()));
        let ready = worker.ready().await;
        self.device.offline_ready.set(ready);
        if ready {
            worker.when_idle_cache_the_rest();
        }
    }

    /// Switches to the waiting version (reloads the page), unless a batch
    /// runs.
    pub fn switch_version(&self) {
        if self.run.running.get_untracked() {
            return;
        }
        if let Some(w) = self.device.worker.get_value() {
            w.switch();
        }
    }

    /// Asks the browser to keep this site's data.
    pub async fn ask_persist(self) {
        let kept = web::store::persist().await;
        self.device.persisted.set(Some(kept));
    }
}

/// Records from a session say where they came from (the table shows it).
fn mark_imported(s: &mut SessionFile, from: &str) {
    for o in &mut s.outcomes {
        if let BallotOutcome::Result(r) = o {
            r.record
                .source
                .imported_from
                .get_or_insert_with(|| from.to_string());
        }
    }
}
