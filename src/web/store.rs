//! IndexedDB: batches, every finished ballot, and (when the volunteer keeps
//! them) the image files, so a reload or a crash loses nothing. Values are
//! structured (objects, through serde_json and `JSON.parse`), not JSON
//! strings. The schema is versioned ([`SCHEMA_VERSION`]) and migrated on
//! open:
//!
//! - version 1: `batches` (key `id`) and `outcomes` (key `[batch, index]`,
//!   one [`BallotDoc`] per finished ballot);
//! - version 2: `images` (key `[batch, index]`, the picked `File`);
//! - version 3: the shared database's replica (`web::replica`):
//!   `sync_writes` (key `seq`, counted up: this device's writes in order),
//!   `sync_held` (key `[id, rev]`: every revision held here) and
//!   `sync_meta` (key `key`: checkpoints, the device's id).
//!
//! The engine's [`Journal`] is [`BatchJournal`]: one small transaction per
//! finished ballot, done by the browser off the main thread.

use super::error::WebError;
use crate::core::device::session::{BallotDoc, BatchMeta};
use crate::core::engine::ports::{ImageData, Journal, LocalBoxFuture, PortError};
use crate::core::engine::progress::BallotOutcome;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The database's name.
pub const DB_NAME: &str = "tallyscan";
const BATCHES: &str = "batches";
const OUTCOMES: &str = "outcomes";
const IMAGES: &str = "images";
pub(super) const SYNC_WRITES: &str = "sync_writes";
/// The replica's revisions as versions before 5 kept them, one a row
/// (moved into [`SYNC_GROUPS`] when first read).
pub(super) const SYNC_HELD: &str = "sync_held";
/// The replica's revisions, in groups: `{keys: [[id, rev], …], rows}`
/// under an increasing number, index [`BY_KEY`] (multi-entry) on `keys`.
pub(super) const SYNC_GROUPS: &str = "sync_groups";
/// The index of [`SYNC_GROUPS`] from each `[id, rev]` to its group.
pub(super) const BY_KEY: &str = "keys";
pub(super) const SYNC_META: &str = "sync_meta";
/// The database's version (migrated on open). Version 3 adds the sync
/// stores; version 4 adds nothing, but the replica's rows hold their
/// document as UTF-8 bytes, which a tab of an earlier version cannot read:
/// opening at 4 asks such a tab to let go (it closes its connection).
/// Version 5 keeps the replica's revisions in groups (one `put` for a
/// `_bulk_get` answer, not one a revision). The session files keep their
/// own version.
const DB_VERSION: u32 = 5;

pub(super) fn js(context: &'static str) -> impl Fn(JsValue) -> WebError {
    move |e| WebError::js(context, e)
}

/// A promise settled by an IndexedDB request.
///
/// One function answers both of the request's events: a request fires
/// exactly one of them, so the function is called once and freed. (A
/// function of `Closure::once_into_js` that is never called is never
/// freed, nor what it holds: a handler per outcome kept every request, its
/// result and its promise alive, tens of MB over a coordinator's load.)
pub(super) fn settled(req: &IdbRequest) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let done = Closure::once_into_js(move || {
            let _ = match r.error() {
                Ok(None) => {
                    resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED))
                }
                Ok(Some(e)) => reject.call1(&JsValue::NULL, &e),
                Err(e) => reject.call1(&JsValue::NULL, &e),
            };
        });
        req.set_onsuccess(Some(done.unchecked_ref()));
        req.set_onerror(Some(done.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// A promise settled when a transaction commits (or fails). A transaction
/// ends in exactly one of `complete` and `abort` (a failed request's
/// `error` is followed by `abort`), so one function answers both and is
/// freed once called (see [`settled`]).
pub(super) fn committed(tx: &IdbTransaction) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let t = tx.clone();
        let done = Closure::once_into_js(move |e: web_sys::Event| {
            let _ = match e.type_().as_str() {
                "complete" => resolve.call0(&JsValue::NULL),
                _ => {
                    let why = t.error().map(JsValue::from);
                    let why = why.unwrap_or_else(|| JsValue::from_str("the write was aborted"));
                    reject.call1(&JsValue::NULL, &why)
                }
            };
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        tx.set_onabort(Some(done.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// Creates the stores a database of `old` version lacks.
fn migrate(db: &IdbDatabase, old: u32) -> Result<(), JsValue> {
    let keyed = |path: &JsValue| {
        let p = web_sys::IdbObjectStoreParameters::new();
        p.set_key_path(path);
        p
    };
    let batch_index = JsValue::from(js_sys::Array::of2(&"batch".into(), &"index".into()));
    if old < 1 {
        db.create_object_store_with_optional_parameters(BATCHES, &keyed(&"id".into()))?;
        db.create_object_store_with_optional_parameters(OUTCOMES, &keyed(&batch_index))?;
    }
    if old < 2 {
        db.create_object_store_with_optional_parameters(IMAGES, &keyed(&batch_index))?;
    }
    if old < 3 {
        let counted = keyed(&"seq".into());
        counted.set_auto_increment(true);
        db.create_object_store_with_optional_parameters(SYNC_WRITES, &counted)?;
        let id_rev = JsValue::from(js_sys::Array::of2(&"id".into(), &"rev".into()));
        db.create_object_store_with_optional_parameters(SYNC_HELD, &keyed(&id_rev))?;
        db.create_object_store_with_optional_parameters(SYNC_META, &keyed(&"key".into()))?;
    }
    if old < 5 {
        let numbered = web_sys::IdbObjectStoreParameters::new();
        numbered.set_auto_increment(true);
        let groups = db.create_object_store_with_optional_parameters(SYNC_GROUPS, &numbered)?;
        let each = web_sys::IdbIndexParameters::new();
        each.set_multi_entry(true);
        groups.create_index_with_str_and_optional_parameters(BY_KEY, "keys", &each)?;
    }
    Ok(())
}

/// A structured value (an object tree, not a string) for `v`. Through
/// serde_json and `JSON.parse`, whose code the app already has (session
/// files, exports), rather than a second serde back end for every type
/// (serde-wasm-bindgen cost 23 KB gzipped here).
pub(super) fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, WebError> {
    let text = serde_json::to_string(v)
        .map_err(|e| WebError::js("storing", JsValue::from_str(&e.to_string())))?;
    js_sys::JSON::parse(&text).map_err(js("storing"))
}

/// The value of a structured value written by [`to_js`].
pub(super) fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Option<T> {
    let text = js_sys::JSON::stringify(v).ok()?.as_string()?;
    crate::core::device::session::decode(&text).ok()
}

/// `{batch, index, <key>: value}`: the shape the image store is keyed on.
fn row(batch: &str, index: usize, key: &str, value: &JsValue) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"batch".into(), &batch.into());
    let _ = js_sys::Reflect::set(&o, &"index".into(), &(index as f64).into());
    let _ = js_sys::Reflect::set(&o, &key.into(), value);
    o.into()
}

/// All keys `[batch, *]`.
fn of_batch(batch: &str) -> Result<web_sys::IdbKeyRange, WebError> {
    let lo = js_sys::Array::of2(&batch.into(), &JsValue::from(-1.0));
    let hi = js_sys::Array::of2(&batch.into(), &JsValue::from(f64::MAX));
    web_sys::IdbKeyRange::bound(&lo, &hi).map_err(js("selecting a batch"))
}

/// The database.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

impl Store {
    /// Opens (and migrates) the database. `Err` where the browser has no
    /// IndexedDB (some private modes): the app then keeps results in memory.
    pub async fn open() -> Result<Store, WebError> {
        let factory = web_sys::window()
            .ok_or(WebError::NoWindow)?
            .indexed_db()
            .map_err(js("opening storage"))?
            .ok_or(WebError::Unsupported("IndexedDB"))?;
        let req = factory
            .open_with_u32(DB_NAME, DB_VERSION)
            .map_err(js("opening storage"))?;
        let upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new({
            let req = req.clone();
            move |e: web_sys::IdbVersionChangeEvent| {
                if let Some(db) = req
                    .result()
                    .ok()
                    .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
                {
                    let _ = migrate(&db, e.old_version() as u32);
                }
            }
        });
        req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let db = settled(&req).await.map_err(js("opening storage"))?;
        drop(upgrade);
        let db: IdbDatabase = db.dyn_into().map_err(js("opening storage"))?;
        // Let a newer version (another tab after an update) or a deletion
        // through: close this connection when asked.
        let closing = db.clone();
        let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(Store { db })
    }

    pub(super) fn tx(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, WebError> {
        let names = js_sys::Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(js("storage"))
    }

    pub(super) fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, WebError> {
        tx.object_store(name).map_err(js("storage"))
    }

    /// Saves a batch's description.
    pub async fn put_batch(&self, meta: &BatchMeta) -> Result<(), WebError> {
        let tx = self.tx(&[BATCHES], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, BATCHES)?
            .put(&to_js(meta)?)
            .map_err(js("storing the batch"))?;
        committed(&tx).await.map_err(js("storing the batch"))?;
        Ok(())
    }

    /// Saves a finished ballot of `batch`.
    pub async fn put_outcome(&self, batch: &str, outcome: &BallotOutcome) -> Result<(), WebError> {
        let value = to_js(&BallotDoc::new(batch, outcome.clone()))?;
        let tx = self.tx(&[OUTCOMES], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, OUTCOMES)?
            .put(&value)
            .map_err(js("storing a result"))?;
        committed(&tx).await.map_err(js("storing a result"))?;
        Ok(())
    }

    /// Saves many finished ballots of `batch` in one transaction (an
    /// imported session).
    pub async fn put_outcomes(
        &self,
        batch: &str,
        outcomes: &[BallotOutcome],
    ) -> Result<(), WebError> {
        let tx = self.tx(&[OUTCOMES], IdbTransactionMode::Readwrite)?;
        let store = Self::store(&tx, OUTCOMES)?;
        for o in outcomes {
            store
                .put(&to_js(&BallotDoc::new(batch, o.clone()))?)
                .map_err(js("storing results"))?;
        }
        committed(&tx).await.map_err(js("storing results"))?;
        Ok(())
    }

    /// How many finished ballots `batch` has.
    pub async fn count(&self, batch: &str) -> Result<usize, WebError> {
        let tx = self.tx(&[OUTCOMES], IdbTransactionMode::Readonly)?;
        let req = Self::store(&tx, OUTCOMES)?
            .count_with_key(&of_batch(batch)?.into())
            .map_err(js("reading storage"))?;
        let n = settled(&req).await.map_err(js("reading storage"))?;
        Ok(n.as_f64().unwrap_or(0.0) as usize)
    }

    /// Keeps image files of `batch` (the browser copies them into storage).
    pub async fn put_images(
        &self,
        batch: &str,
        files: &[(usize, web_sys::File)],
    ) -> Result<(), WebError> {
        // A few hundred a transaction: one put per file is quick, but
        // thousands in one go would hold the page.
        for chunk in files.chunks(200) {
            let tx = self.tx(&[IMAGES], IdbTransactionMode::Readwrite)?;
            let store = Self::store(&tx, IMAGES)?;
            for (i, f) in chunk {
                store
                    .put(&row(batch, *i, "file", f))
                    .map_err(js("keeping the images"))?;
            }
            committed(&tx).await.map_err(js("keeping the images"))?;
        }
        Ok(())
    }

    async fn get_all(
        &self,
        name: &str,
        range: Option<&web_sys::IdbKeyRange>,
    ) -> Result<js_sys::Array, WebError> {
        let tx = self.tx(&[name], IdbTransactionMode::Readonly)?;
        let store = Self::store(&tx, name)?;
        let req = match range {
            Some(r) => store.get_all_with_key(r),
            None => store.get_all(),
        }
        .map_err(js("reading storage"))?;
        let v = settled(&req).await.map_err(js("reading storage"))?;
        Ok(v.unchecked_into())
    }

    /// Every batch on the device, oldest first (unreadable ones skipped).
    pub async fn batches(&self) -> Result<Vec<BatchMeta>, WebError> {
        let all = self.get_all(BATCHES, None).await?;
        let mut out: Vec<BatchMeta> = all.iter().filter_map(|v| from_js(&v)).collect();
        out.sort_by(|a, b| a.started_unix_ms.total_cmp(&b.started_unix_ms));
        Ok(out)
    }

    /// The finished ballots of a batch (unreadable ones skipped).
    pub async fn outcomes(&self, batch: &str) -> Result<Vec<BallotOutcome>, WebError> {
        let all = self.get_all(OUTCOMES, Some(&of_batch(batch)?)).await?;
        Ok(all
            .iter()
            .filter_map(|v| from_js::<BallotDoc>(&v))
            .map(|d| d.outcome)
            .collect())
    }

    /// The image files kept for a batch, by index.
    pub async fn images(&self, batch: &str) -> Result<Vec<(usize, web_sys::File)>, WebError> {
        let all = self.get_all(IMAGES, Some(&of_batch(batch)?)).await?;
        Ok(all
            .iter()
            .filter_map(|v| {
                let index = js_sys::Reflect::get(&v, &"index".into()).ok()?.as_f64()? as usize;
                let file = js_sys::Reflect::get(&v, &"file".into())
                    .ok()?
                    .dyn_into()
                    .ok()?;
                Some((index, file))
            })
            .collect())
    }

    /// The image kept for ballot `index` of `batch`, if one is.
    pub async fn image(&self, batch: &str, index: usize) -> Option<web_sys::File> {
        let tx = self.tx(&[IMAGES], IdbTransactionMode::Readonly).ok()?;
        let key = js_sys::Array::of2(&batch.into(), &JsValue::from(index as f64));
        let req = Self::store(&tx, IMAGES).ok()?.get(&key).ok()?;
        let row = settled(&req).await.ok()?;
        js_sys::Reflect::get(&row, &"file".into())
            .ok()?
            .dyn_into()
            .ok()
    }

    /// Forgets a batch: its description, results and images.
    pub async fn delete_batch(&self, batch: &str) -> Result<(), WebError> {
        let tx = self.tx(&[BATCHES, OUTCOMES, IMAGES], IdbTransactionMode::Readwrite)?;
        let range = of_batch(batch)?;
        Self::store(&tx, BATCHES)?
            .delete(&batch.into())
            .map_err(js("deleting a batch"))?;
        for name in [OUTCOMES, IMAGES] {
            Self::store(&tx, name)?
                .delete(&range)
                .map_err(js("deleting a batch"))?;
        }
        committed(&tx).await.map_err(js("deleting a batch"))?;
        Ok(())
    }

    /// Empties every store (a shared kiosk's "clear this device").
    pub async fn clear(&self) -> Result<(), WebError> {
        let all = [
            BATCHES,
            OUTCOMES,
            IMAGES,
            SYNC_WRITES,
            SYNC_HELD,
            SYNC_GROUPS,
            SYNC_META,
        ];
        let tx = self.tx(&all, IdbTransactionMode::Readwrite)?;
        for name in all {
            Self::store(&tx, name)?
                .clear()
                .map_err(js("clearing storage"))?;
        }
        committed(&tx).await.map_err(js("clearing storage"))?;
        Ok(())
    }
}

/// The engine's [`Journal`] for one batch.
pub struct BatchJournal {
    /// The database.
    pub store: Rc<Store>,
    /// The batch's id.
    pub batch: String,
    /// Each ballot's image as sent, kept (none: not kept).
    pub images: Option<ImageKeeping>,
}

/// Keeping each ballot's prepared image as it is read, within a size.
pub struct ImageKeeping {
    /// The batch's file names, by ballot.
    names: Vec<String>,
    /// Bytes the batch's images may take.
    limit: f64,
    used: std::cell::Cell<f64>,
}

impl ImageKeeping {
    pub fn new(names: Vec<String>, limit: f64) -> Self {
        ImageKeeping {
            names,
            limit,
            used: std::cell::Cell::new(0.0),
        }
    }

    /// The image to keep for ballot `index` (a JPEG file named after the
    /// picked one), when it fits.
    fn file(&self, index: usize, image: &ImageData) -> Option<web_sys::File> {
        let size = image.size() as f64;
        if self.used.get() + size > self.limit {
            return None;
        }
        let blob = super::blob_image::blob_of(image, "image/jpeg")?;
        let parts = js_sys::Array::of1(&blob);
        let bag = web_sys::FilePropertyBag::new();
        bag.set_type(&blob.type_());
        let name = self.names.get(index).cloned().unwrap_or_default();
        let file = web_sys::File::new_with_blob_sequence_and_options(&parts, &name, &bag).ok()?;
        self.used.set(self.used.get() + size);
        Some(file)
    }
}

impl Journal for BatchJournal {
    fn keep(&self, outcome: &BallotOutcome) -> LocalBoxFuture<'_, Result<(), PortError>> {
        let outcome = outcome.clone();
        Box::pin(async move { Ok(self.store.put_outcome(&self.batch, &outcome).await?) })
    }
    /// The browser copies the JPEG into storage (its bytes never pass
    /// through wasm); one that cannot be kept loses no result.
    fn keep_image(&self, index: usize, image: &ImageData) -> LocalBoxFuture<'_, ()> {
        let file = self.images.as_ref().and_then(|k| k.file(index, image));
        Box::pin(async move {
            if let Some(f) = file {
                let _ = self.store.put_images(&self.batch, &[(index, f)]).await;
            }
        })
    }
}

/// Space used and available for this site, in bytes
/// (`navigator.storage.estimate()`), where the browser says.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = js_sys::Reflect::get(&web_sys::window()?.navigator(), &"storage".into()).ok()?;
    let f: js_sys::Function = js_sys::Reflect::get(&storage, &"estimate".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = f.call0(&storage).ok()?.dyn_into().ok()?;
    let e = JsFuture::from(promise).await.ok()?;
    let get = |k: &str| js_sys::Reflect::get(&e, &k.into()).ok()?.as_f64();
    Some((get("usage")?, get("quota")?))
}

/// Asks the browser to keep this site's storage even when space runs low
/// (`navigator.storage.persist()`); whether it will.
pub async fn persist() -> bool {
    let Some(storage) = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"storage".into()).ok())
    else {
        return false;
    };
    let Some(f) = js_sys::Reflect::get(&storage, &"persist".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    match f
        .call0(&storage)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    {
        Some(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        None => false,
    }
}
