//! This device's replica of the shared database, in IndexedDB (the stores
//! of `web::store`): the documents written here in order (what a push
//! sends), every revision held (what a pull need not fetch), and the
//! checkpoints. Implements core's [`Replica`].
//!
//! Revisions are kept in groups, one IndexedDB value each (a step of a
//! pull's documents, a write's few): each request costs the browser about
//! a third of a millisecond whatever its size, and one a revision was most
//! of a coordinator's first load. An index from every `[id, rev]` to its
//! group finds one revision. Which revisions this page kept is known in
//! the page too: on a device whose replica was empty, a pull does not ask
//! IndexedDB which it lacks.

use super::error::WebError;
use super::store::{
    committed, from_js, js, settled, to_js, Store, BY_KEY, SYNC_GROUPS, SYNC_HELD, SYNC_META,
    SYNC_WRITES,
};
use crate::core::domain::hash::pair_digest;
use crate::core::engine::ports::{LocalBoxFuture, PortError};
use crate::core::sync::doc::{DocError, FormDoc};
use crate::core::sync::replicate::{Pulled, Replica, Written};
use crate::core::sync::wire::RevsDiff;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbTransactionMode::{Readonly, Readwrite};

/// How many revisions [`IdbReplica`] counts in one go when asked which it
/// lacks (those the page does not know of).
const MISSING_CHUNK: usize = 250;

/// How many rows of an earlier version move into a group at a time.
const MOVE_STEP: u32 = 100;

/// A revision as an earlier version kept it: the document's JSON as text
/// (or, earlier still, as an object tree). Still read; [`held_row`] writes
/// the document's UTF-8 bytes instead.
#[derive(Serialize, Deserialize)]
struct Held {
    id: String,
    rev: String,
    doc: Value,
    mine: bool,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    key: String,
    value: Value,
}

/// The replica over the app's database.
#[derive(Clone)]
pub struct IdbReplica {
    pub store: Rc<Store>,
    /// The documents pulled since the page last took them (so it can
    /// count them without reading the whole replica again).
    pub pulled: Rc<RefCell<Vec<FormDoc>>>,
    /// The revisions this page has kept, by [`pair_digest`].
    known: Rc<RefCell<HashSet<[u8; 16]>>>,
    /// Whether [`Self::known`] is every revision held (the replica held
    /// none when this page first asked): a pull then asks IndexedDB
    /// nothing. `None`: not asked yet. (What another tab pulls meanwhile
    /// is not known here: this page fetches it again, a second copy its
    /// readers take once, as they take every revision.)
    whole: Rc<Cell<Option<bool>>>,
    /// Rows of an earlier version have been moved into groups.
    moved: Rc<Cell<bool>>,
}

impl IdbReplica {
    pub fn new(store: Rc<Store>) -> Self {
        IdbReplica {
            store,
            pulled: Rc::default(),
            known: Rc::default(),
            whole: Rc::default(),
            moved: Rc::default(),
        }
    }

    /// The documents pulled since the last call.
    pub fn take_pulled(&self) -> Vec<FormDoc> {
        std::mem::take(&mut self.pulled.borrow_mut())
    }

    /// Forgets what the page knew of the replica (the device was cleared).
    pub fn forget(&self) {
        self.known.borrow_mut().clear();
        self.whole.set(None);
        self.pulled.borrow_mut().clear();
    }

    fn knows(&self, id: &str, rev: &str) -> bool {
        self.known.borrow().contains(&pair_digest(id, rev))
    }

    fn learn<'a>(&self, keys: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut known = self.known.borrow_mut();
        known.extend(keys.into_iter().map(|(id, rev)| pair_digest(id, rev)));
    }
}

/// A revision as held: `{id, rev, mine, doc}`, `doc` the document's JSON
/// text (`None`: written out here, without its image; the write that sends
/// it keeps it) as UTF-8 bytes. Bytes, not a string: a string of Thai text
/// is stored as UTF-16, twice the bytes for IndexedDB to write, and made
/// from the page's UTF-8 by decoding it.
fn held_row(doc: &FormDoc, text: Option<String>, mine: bool) -> JsValue {
    let text = text.unwrap_or_else(|| {
        let mut json = doc.to_json();
        if let Some(o) = json.as_object_mut() {
            o.remove("_attachments");
        }
        json.to_string()
    });
    let o = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &k.into(), v);
    let _ = set("id", &doc.id.as_str().into());
    let _ = set("rev", &doc.rev().to_string().into());
    let _ = set("mine", &mine.into());
    let _ = set("doc", &js_sys::Uint8Array::from(text.as_bytes()));
    o.into()
}

/// Rows kept as one value: `{keys: [[id, rev], …], rows: [row, …]}`.
#[derive(Default)]
struct Group {
    keys: js_sys::Array,
    rows: js_sys::Array,
}

impl Group {
    /// Adds a row of any version (its `id` and `rev` are its key).
    fn push(&self, row: &JsValue) {
        let field = |k: &str| js_sys::Reflect::get(row, &k.into()).unwrap_or_default();
        self.keys
            .push(&js_sys::Array::of2(&field("id"), &field("rev")));
        self.rows.push(row);
    }

    fn value(&self) -> JsValue {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"keys".into(), &self.keys);
        let _ = js_sys::Reflect::set(&o, &"rows".into(), &self.rows);
        o.into()
    }
}

/// The rows of a group (none if it is not one).
fn rows_of(group: &JsValue) -> Vec<JsValue> {
    js_sys::Reflect::get(group, &"rows".into())
        .ok()
        .and_then(|r| r.dyn_into::<js_sys::Array>().ok())
        .map_or_else(Vec::new, |rows| rows.to_vec())
}

/// A row's `id` and `rev`, where they are strings.
fn key_of(row: &JsValue) -> (Option<String>, Option<String>) {
    let field = |k: &str| js_sys::Reflect::get(row, &k.into()).ok()?.as_string();
    (field("id"), field("rev"))
}

/// A held row's document id and its document, whichever version kept it
/// (`None`: not a row at all).
fn read_held(v: &JsValue) -> Option<(String, Result<FormDoc, DocError>)> {
    let id = js_sys::Reflect::get(v, &"id".into()).ok()?.as_string()?;
    let doc = js_sys::Reflect::get(v, &"doc".into()).ok()?;
    let doc = match doc.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes) => match String::from_utf8(bytes.to_vec()) {
            Ok(text) => FormDoc::from_text(&text),
            Err(_) => Err(DocError::NotUtf8),
        },
        None => FormDoc::from_kept(&from_js::<Held>(v)?.doc),
    };
    Some((id, doc))
}

/// The documents of rows that read, and the ids (or "?") of those that
/// do not.
fn read_rows(rows: impl Iterator<Item = JsValue>) -> (Vec<FormDoc>, Vec<String>) {
    let (mut docs, mut bad) = (Vec::new(), Vec::new());
    for v in rows {
        match read_held(&v) {
            Some((_, Ok(d))) => docs.push(d),
            Some((id, Err(e))) => bad.push(format!("{id}: {e}")),
            None => bad.push(key_of(&v).0.unwrap_or_else(|| "?".into())),
        }
    }
    (docs, bad)
}

/// The key range of every `[id, *]`.
fn revisions_range(id: &str) -> Result<web_sys::IdbKeyRange, WebError> {
    let lo = js_sys::Array::of1(&id.into());
    let hi = js_sys::Array::of2(&id.into(), &js_sys::Array::new());
    web_sys::IdbKeyRange::bound(&lo, &hi).map_err(js("reading the replica"))
}

impl IdbReplica {
    /// Keeps documents written on this device (readings, corrections), in
    /// one transaction: the next push sends them, in this order.
    pub async fn write(&self, docs: &[FormDoc]) -> Result<(), WebError> {
        let tx = self.store.tx(&[SYNC_WRITES, SYNC_GROUPS], Readwrite)?;
        let writes = Store::store(&tx, SYNC_WRITES)?;
        let failed = js("keeping a form to sync");
        let group = Group::default();
        for doc in docs {
            let rev = doc.rev().to_string();
            let entry =
                serde_json::json!({ "id": doc.id, "rev": rev, "doc": doc.to_json().to_string() });
            writes.put(&to_js(&entry)?).map_err(&failed)?;
            group.push(&held_row(doc, None, true));
        }
        Store::store(&tx, SYNC_GROUPS)?
            .add(&group.value())
            .map_err(&failed)?;
        committed(&tx).await.map_err(&failed)?;
        let revs: Vec<String> = docs.iter().map(|d| d.rev().to_string()).collect();
        self.learn(
            docs.iter()
                .zip(&revs)
                .map(|(d, r)| (d.id.as_str(), r.as_str())),
        );
        Ok(())
    }

    /// Moves rows an earlier version kept one a row into groups, a step at
    /// a time, each step one transaction (a step moved is gone from the
    /// old store: a reload part-way loses nothing and moves nothing twice).
    async fn ready(&self) -> Result<(), WebError> {
        let failed = js("moving the replica to this version");
        while !self.moved.get() {
            let tx = self.store.tx(&[SYNC_HELD, SYNC_GROUPS], Readwrite)?;
            let old = Store::store(&tx, SYNC_HELD)?;
            let req = old
                .get_all_keys_with_key_and_limit(&JsValue::UNDEFINED, MOVE_STEP)
                .map_err(&failed)?;
            let keys = js_sys::Array::from(&settled(&req).await.map_err(&failed)?);
            let (Some(first), Some(last)) = (keys.iter().next(), keys.iter().last()) else {
                self.moved.set(true);
                break;
            };
            let range = web_sys::IdbKeyRange::bound(&first, &last).map_err(&failed)?;
            let req = old.get_all_with_key(&range).map_err(&failed)?;
            let rows = js_sys::Array::from(&settled(&req).await.map_err(&failed)?);
            let group = Group::default();
            rows.iter().for_each(|row| group.push(&row));
            let groups = Store::store(&tx, SYNC_GROUPS)?;
            groups.add(&group.value()).map_err(&failed)?;
            old.delete(&range).map_err(&failed)?;
            committed(&tx).await.map_err(&failed)?;
        }
        Ok(())
    }

    /// Every revision held here: the documents that could be read, and the
    /// ids of those that could not.
    pub async fn all(&self) -> Result<(Vec<FormDoc>, Vec<String>), WebError> {
        self.ready().await?;
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let req = Store::store(&tx, SYNC_GROUPS)?
            .get_all()
            .map_err(js("reading the replica"))?;
        let all = settled(&req).await.map_err(js("reading the replica"))?;
        let groups = js_sys::Array::from(&all);
        Ok(read_rows(groups.iter().flat_map(|g| rows_of(&g))))
    }

    /// Revision `rev` of document `id`, as held here (whole: the page's
    /// national picture keeps a lighter copy).
    pub async fn get(&self, id: &str, rev: &str) -> Result<Option<FormDoc>, WebError> {
        self.ready().await?;
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let key = js_sys::Array::of2(&id.into(), &rev.into());
        let req = Store::store(&tx, SYNC_GROUPS)?
            .index(BY_KEY)
            .and_then(|by_key| by_key.get(&key))
            .map_err(js("reading the replica"))?;
        let group = settled(&req).await.map_err(js("reading the replica"))?;
        let row = rows_of(&group)
            .into_iter()
            .find(|row| key_of(row) == (Some(id.into()), Some(rev.into())));
        Ok(row.and_then(|row| read_held(&row)?.1.ok()))
    }

    /// Every revision held of the documents `ids` (one range each, in one
    /// transaction): what a sync compares a few records with, without
    /// reading the whole replica.
    pub async fn revisions_of(
        &self,
        ids: &[String],
    ) -> Result<std::collections::BTreeMap<String, Vec<FormDoc>>, WebError> {
        self.ready().await?;
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let by_key = Store::store(&tx, SYNC_GROUPS)?
            .index(BY_KEY)
            .map_err(js("reading the replica"))?;
        let mut out = std::collections::BTreeMap::new();
        for id in ids {
            let req = by_key
                .get_all_with_key(&revisions_range(id)?.into())
                .map_err(js("reading the replica"))?;
            let groups = settled(&req).await.map_err(js("reading the replica"))?;
            let docs = js_sys::Array::from(&groups)
                .to_vec()
                .into_iter()
                .flat_map(|g| rows_of(&g))
                .filter(|row| key_of(row).0.as_deref() == Some(id.as_str()))
                .filter_map(|row| read_held(&row)?.1.ok());
            crate::core::sync::share::add_held(&mut out, docs);
        }
        Ok(out)
    }

    /// The revisions of up to `groups` groups after the group `after`
    /// (from the first when none): the documents that could be read, the
    /// ids of those that could not, and the last group read (none when
    /// none was). A large replica is read this way, a page at a time.
    pub async fn page(
        &self,
        after: Option<f64>,
        groups: u32,
    ) -> Result<(Vec<FormDoc>, Vec<String>, Option<f64>), WebError> {
        self.ready().await?;
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let store = Store::store(&tx, SYNC_GROUPS)?;
        let range = match after {
            Some(key) => web_sys::IdbKeyRange::lower_bound_with_open(&key.into(), true)
                .map_err(js("reading the replica"))?
                .into(),
            None => JsValue::UNDEFINED,
        };
        let keys = store
            .get_all_keys_with_key_and_limit(&range, groups)
            .map_err(js("reading the replica"))?;
        let values = store
            .get_all_with_key_and_limit(&range, groups)
            .map_err(js("reading the replica"))?;
        let keys = settled(&keys).await.map_err(js("reading the replica"))?;
        let values = settled(&values).await.map_err(js("reading the replica"))?;
        let last = js_sys::Array::from(&keys).iter().last();
        let groups = js_sys::Array::from(&values);
        let (docs, bad) = read_rows(groups.iter().flat_map(|g| rows_of(&g)));
        Ok((docs, bad, last.and_then(|k| k.as_f64())))
    }

    /// Writes made here after `since` (the push checkpoint): waiting to go.
    pub async fn waiting(&self, since: u64) -> Result<u32, WebError> {
        let tx = self.store.tx(&[SYNC_WRITES], Readonly)?;
        let range = web_sys::IdbKeyRange::lower_bound_with_open(&JsValue::from(since as f64), true)
            .map_err(js("reading the replica"))?;
        let req = Store::store(&tx, SYNC_WRITES)?
            .count_with_key(&range)
            .map_err(js("reading the replica"))?;
        let n = settled(&req).await.map_err(js("reading the replica"))?;
        Ok(n.as_f64().unwrap_or(0.0) as u32)
    }

    async fn written_since_(&self, since: u64, limit: usize) -> Result<Vec<Written>, WebError> {
        let tx = self.store.tx(&[SYNC_WRITES], Readonly)?;
        let range = web_sys::IdbKeyRange::lower_bound_with_open(&JsValue::from(since as f64), true)
            .map_err(js("reading the replica"))?;
        let req = Store::store(&tx, SYNC_WRITES)?
            .get_all_with_key_and_limit(&range, limit.min(u32::MAX as usize) as u32)
            .map_err(js("reading the replica"))?;
        let rows = settled(&req).await.map_err(js("reading the replica"))?;
        Ok(js_sys::Array::from(&rows)
            .iter()
            .filter_map(|v| {
                let v: Value = from_js(&v)?;
                let doc = FormDoc::from_kept(&v["doc"]).ok()?;
                Some(Written {
                    seq: v["seq"].as_u64()?,
                    doc,
                })
            })
            .collect())
    }

    /// Whether the revisions this page has kept are all the replica holds
    /// (asked once: how many it held, when the page first needed to know).
    async fn known_is_whole(&self) -> Result<bool, WebError> {
        if let Some(whole) = self.whole.get() {
            return Ok(whole);
        }
        let held = self.held_count().await?;
        // (Learnt only after a write commits: never more known than held.)
        let whole = held == self.known.borrow().len() as f64;
        self.whole.set(Some(whole));
        Ok(whole)
    }

    /// How many revisions the replica holds (index entries).
    async fn held_count(&self) -> Result<f64, WebError> {
        self.ready().await?;
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let req = Store::store(&tx, SYNC_GROUPS)?
            .index(BY_KEY)
            .and_then(|by_key| by_key.count())
            .map_err(js("reading the replica"))?;
        let held = settled(&req).await.map_err(js("reading the replica"))?;
        Ok(held.as_f64().unwrap_or(0.0))
    }

    /// Of `revs`, those not held: the page knows those it kept; the rest
    /// are missing if it kept all the replica holds, else IndexedDB is
    /// asked (after a reload, the few changes since the checkpoint).
    async fn missing_(&self, revs: &RevsDiff) -> Result<RevsDiff, WebError> {
        let asked: Vec<(&String, &String)> = revs
            .iter()
            .flat_map(|(id, rs)| rs.iter().map(move |r| (id, r)))
            .filter(|(id, r)| !self.knows(id, r))
            .collect();
        let mut out = RevsDiff::new();
        let mut add = |(id, rev): (&String, &String)| {
            out.entry(id.clone()).or_default().push(rev.clone());
        };
        if self.known_is_whole().await? {
            asked.into_iter().for_each(&mut add);
            return Ok(out);
        }
        // A few hundred at a time: each count costs the page tens of
        // microseconds to ask, and 2,000 asked at once were a 100 ms task.
        for chunk in asked.chunks(MISSING_CHUNK) {
            self.missing_of(chunk).await?.into_iter().for_each(&mut add);
        }
        Ok(out)
    }

    /// Which of `revs` the replica does not hold: each counted in the
    /// index, asked at once in one transaction, then awaited.
    async fn missing_of<'a>(
        &self,
        revs: &[(&'a String, &'a String)],
    ) -> Result<Vec<(&'a String, &'a String)>, WebError> {
        let tx = self.store.tx(&[SYNC_GROUPS], Readonly)?;
        let by_key = Store::store(&tx, SYNC_GROUPS)?
            .index(BY_KEY)
            .map_err(js("reading the replica"))?;
        let mut asked = Vec::with_capacity(revs.len());
        for &(id, rev) in revs {
            let key = js_sys::Array::of2(&id.into(), &rev.into());
            let req = by_key
                .count_with_key(&key)
                .map_err(js("reading the replica"))?;
            asked.push((id, rev, req));
        }
        let mut out = Vec::new();
        for (id, rev, req) in asked {
            let n = settled(&req).await.map_err(js("reading the replica"))?;
            if n.as_f64().unwrap_or(0.0) == 0.0 {
                out.push((id, rev));
            }
        }
        Ok(out)
    }

    /// Keeps a step of a pull's documents (from the changes feed or a
    /// `_bulk_get` answer): one group, one `add`.
    async fn store_pulled_(&self, pulled: Vec<Pulled>) -> Result<(), WebError> {
        if pulled.is_empty() {
            return Ok(());
        }
        let group = Group::default();
        let mut docs = Vec::with_capacity(pulled.len());
        let mut keys = Vec::with_capacity(pulled.len());
        for Pulled { doc, text } in pulled {
            // Kept as the server sent it (not written out again).
            group.push(&held_row(&doc, Some(text), false));
            keys.push((doc.id.clone(), doc.rev().to_string()));
            docs.push(doc);
        }
        let tx = self.store.tx(&[SYNC_GROUPS], Readwrite)?;
        Store::store(&tx, SYNC_GROUPS)?
            .add(&group.value())
            .map_err(js("keeping pulled forms"))?;
        committed(&tx).await.map_err(js("keeping pulled forms"))?;
        self.learn(keys.iter().map(|(id, rev)| (id.as_str(), rev.as_str())));
        self.pulled.borrow_mut().extend(docs);
        Ok(())
    }

    /// A value kept under `key` (checkpoints, the device's id).
    pub async fn meta(&self, key: &str) -> Result<Option<Value>, WebError> {
        let tx = self.store.tx(&[SYNC_META], Readonly)?;
        let req = Store::store(&tx, SYNC_META)?
            .get(&key.into())
            .map_err(js("reading the replica"))?;
        let v = settled(&req).await.map_err(js("reading the replica"))?;
        Ok(from_js::<Meta>(&v).map(|m| m.value))
    }

    pub async fn set_meta(&self, key: &str, value: Value) -> Result<(), WebError> {
        let tx = self.store.tx(&[SYNC_META], Readwrite)?;
        let m = Meta {
            key: key.into(),
            value,
        };
        Store::store(&tx, SYNC_META)?
            .put(&to_js(&m)?)
            .map_err(js("keeping a checkpoint"))?;
        committed(&tx).await.map_err(js("keeping a checkpoint"))?;
        Ok(())
    }
}

impl Replica for IdbReplica {
    fn written_since(
        &self,
        since: u64,
        limit: usize,
    ) -> LocalBoxFuture<'_, Result<Vec<Written>, PortError>> {
        Box::pin(async move { Ok(self.written_since_(since, limit).await?) })
    }
    fn missing(&self, revs: &RevsDiff) -> LocalBoxFuture<'_, Result<RevsDiff, PortError>> {
        let revs = revs.clone();
        Box::pin(async move { Ok(self.missing_(&revs).await?) })
    }
    fn store_pulled(&self, docs: Vec<Pulled>) -> LocalBoxFuture<'_, Result<(), PortError>> {
        Box::pin(async move { Ok(self.store_pulled_(docs).await?) })
    }
    fn checkpoint(&self, rep_id: &str) -> LocalBoxFuture<'_, Result<Option<Value>, PortError>> {
        let key = format!("checkpoint:{rep_id}");
        Box::pin(async move {
            let kept = self.meta(&key).await?;
            // None kept: a first sync, or the device cleared (perhaps in
            // another tab), when the replica holds fewer revisions than
            // this page knew it kept: then it forgets them.
            if kept.is_none() && !self.known.borrow().is_empty() {
                let held = self.held_count().await?;
                if held < self.known.borrow().len() as f64 {
                    self.known.borrow_mut().clear();
                    self.whole.set(None);
                }
            }
            Ok(kept)
        })
    }
    fn set_checkpoint(
        &self,
        rep_id: &str,
        seq: Value,
    ) -> LocalBoxFuture<'_, Result<(), PortError>> {
        let key = format!("checkpoint:{rep_id}");
        Box::pin(async move { Ok(self.set_meta(&key, seq).await?) })
    }
    fn pause(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(gloo_timers::future::TimeoutFuture::new(0))
    }
}
