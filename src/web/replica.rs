//! This device's replica of the shared database, in IndexedDB (the stores
//! of `web::store` version 3): the documents written here in order (what a
//! push sends), every revision held (what a pull need not fetch), and the
//! checkpoints. Implements core's [`Replica`].

use super::error::WebError;
use super::store::{
    committed, from_js, js, settled, to_js, Store, SYNC_HELD, SYNC_META, SYNC_WRITES,
};
use crate::core::engine::ports::{LocalBoxFuture, PortError};
use crate::core::sync::doc::{DocError, FormDoc};
use crate::core::sync::replicate::{Pulled, Replica, Written};
use crate::core::sync::wire::RevsDiff;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbTransactionMode::{Readonly, Readwrite};

/// How many revisions [`IdbReplica`] counts in one go when asked which it
/// lacks.
const MISSING_CHUNK: usize = 250;

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
    pub pulled: Rc<std::cell::RefCell<Vec<FormDoc>>>,
}

impl IdbReplica {
    pub fn new(store: Rc<Store>) -> Self {
        IdbReplica {
            store,
            pulled: Rc::default(),
        }
    }

    /// The documents pulled since the last call.
    pub fn take_pulled(&self) -> Vec<FormDoc> {
        std::mem::take(&mut self.pulled.borrow_mut())
    }
}

/// A revision as held: `{id, rev, mine, doc}`, `doc` the document's JSON
/// text (`None`: written out here, without its image; the write that sends
/// it keeps it) as UTF-8 bytes. Bytes, not a string: a string of Thai text
/// is stored as UTF-16, twice the bytes for IndexedDB to write (the
/// browser's own work was most of a coordinator's first load), and made
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

impl IdbReplica {
    /// Keeps documents written on this device (readings, corrections), in
    /// one transaction: the next push sends them, in this order.
    pub async fn write(&self, docs: &[FormDoc]) -> Result<(), WebError> {
        let tx = self.store.tx(&[SYNC_WRITES, SYNC_HELD], Readwrite)?;
        let writes = Store::store(&tx, SYNC_WRITES)?;
        let held_store = Store::store(&tx, SYNC_HELD)?;
        let failed = js("keeping a form to sync");
        for doc in docs {
            let rev = doc.rev().to_string();
            let entry =
                serde_json::json!({ "id": doc.id, "rev": rev, "doc": doc.to_json().to_string() });
            writes.put(&to_js(&entry)?).map_err(&failed)?;
            held_store
                .put(&held_row(doc, None, true))
                .map_err(&failed)?;
        }
        committed(&tx).await.map_err(&failed)?;
        Ok(())
    }

    /// Every revision held here: the documents that could be read, and the
    /// ids of those that could not.
    pub async fn all(&self) -> Result<(Vec<FormDoc>, Vec<String>), WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readonly)?;
        let req = Store::store(&tx, SYNC_HELD)?
            .get_all()
            .map_err(js("reading the replica"))?;
        let all = settled(&req).await.map_err(js("reading the replica"))?;
        let (mut docs, mut bad) = (Vec::new(), Vec::new());
        for v in js_sys::Array::from(&all).iter() {
            match read_held(&v) {
                Some((_, Ok(d))) => docs.push(d),
                Some((id, Err(e))) => bad.push(format!("{id}: {e}")),
                None => bad.push("?".into()),
            }
        }
        Ok((docs, bad))
    }

    /// Revision `rev` of document `id`, as held here (whole: the page's
    /// national picture keeps a lighter copy).
    pub async fn get(&self, id: &str, rev: &str) -> Result<Option<FormDoc>, WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readonly)?;
        let key = js_sys::Array::of2(&id.into(), &rev.into());
        let req = Store::store(&tx, SYNC_HELD)?
            .get(&key)
            .map_err(js("reading the replica"))?;
        let v = settled(&req).await.map_err(js("reading the replica"))?;
        Ok(read_held(&v).and_then(|(_, d)| d.ok()))
    }

    /// Every revision held of the documents `ids` (one range each, in one
    /// transaction): what a sync compares a few records with, without
    /// reading the whole replica.
    pub async fn revisions_of(
        &self,
        ids: &[String],
    ) -> Result<std::collections::BTreeMap<String, Vec<FormDoc>>, WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readonly)?;
        let held = Store::store(&tx, SYNC_HELD)?;
        let mut asked = Vec::new();
        for id in ids {
            let lo = js_sys::Array::of1(&id.into());
            let hi = js_sys::Array::of2(&id.into(), &js_sys::Array::new());
            let range = web_sys::IdbKeyRange::bound(&lo, &hi).map_err(js("reading the replica"))?;
            let req = held
                .get_all_with_key(&range)
                .map_err(js("reading the replica"))?;
            asked.push(req);
        }
        let mut out = std::collections::BTreeMap::new();
        for req in asked {
            let rows = settled(&req).await.map_err(js("reading the replica"))?;
            let docs: Vec<FormDoc> = js_sys::Array::from(&rows)
                .iter()
                .filter_map(|v| read_held(&v)?.1.ok())
                .collect();
            crate::core::sync::share::add_held(&mut out, docs);
        }
        Ok(out)
    }

    /// Up to `limit` revisions held, after the key `after` ([id, rev]; from
    /// the first when none): the documents that could be read, the ids of
    /// those that could not, and the last key read (none at the end). A
    /// large replica is read this way, a page at a time.
    pub async fn page(
        &self,
        after: Option<(String, String)>,
        limit: u32,
    ) -> Result<(Vec<FormDoc>, Vec<String>, Option<(String, String)>), WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readonly)?;
        let held = Store::store(&tx, SYNC_HELD)?;
        let req = match &after {
            Some((id, rev)) => {
                let key = js_sys::Array::of2(&id.into(), &rev.into());
                let range = web_sys::IdbKeyRange::lower_bound_with_open(&key, true)
                    .map_err(js("reading the replica"))?;
                held.get_all_with_key_and_limit(&range, limit)
            }
            None => held.get_all_with_key_and_limit(&JsValue::UNDEFINED, limit),
        }
        .map_err(js("reading the replica"))?;
        let rows = settled(&req).await.map_err(js("reading the replica"))?;
        let (mut docs, mut bad, mut last) = (Vec::new(), Vec::new(), None);
        for v in js_sys::Array::from(&rows).iter() {
            // The key of every row, read or not (a page of rows that do not
            // read must not end the reading).
            let field = |k: &str| js_sys::Reflect::get(&v, &k.into()).ok()?.as_string();
            if let (Some(id), Some(rev)) = (field("id"), field("rev")) {
                last = Some((id, rev));
            }
            match read_held(&v) {
                Some((_, Ok(d))) => docs.push(d),
                Some((id, Err(e))) => bad.push(format!("{id}: {e}")),
                None => bad.push(field("id").unwrap_or_else(|| "?".into())),
            }
        }
        Ok((docs, bad, last))
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

    async fn missing_(&self, revs: &RevsDiff) -> Result<RevsDiff, WebError> {
        let asked: Vec<(&String, &String)> = revs
            .iter()
            .flat_map(|(id, rs)| rs.iter().map(move |r| (id, r)))
            .collect();
        let mut out = RevsDiff::new();
        // A few hundred at a time: each count costs the page tens of
        // microseconds to ask, and a change batch's 2,000 asked at once
        // were a 100 ms task.
        for chunk in asked.chunks(MISSING_CHUNK) {
            for (id, rev) in self.missing_of(chunk).await? {
                out.entry(id.clone()).or_default().push(rev.clone());
            }
        }
        Ok(out)
    }

    /// Which of `revs` the replica does not hold: each counted, asked at
    /// once in one transaction, then awaited.
    async fn missing_of<'a>(
        &self,
        revs: &[(&'a String, &'a String)],
    ) -> Result<Vec<(&'a String, &'a String)>, WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readonly)?;
        let held = Store::store(&tx, SYNC_HELD)?;
        let mut asked = Vec::with_capacity(revs.len());
        for &(id, rev) in revs {
            let key = js_sys::Array::of2(&id.into(), &rev.into());
            let req = held
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

    async fn store_pulled_(&self, pulled: Vec<Pulled>) -> Result<(), WebError> {
        let tx = self.store.tx(&[SYNC_HELD], Readwrite)?;
        let held_store = Store::store(&tx, SYNC_HELD)?;
        let mut docs = Vec::with_capacity(pulled.len());
        for Pulled { doc, text } in pulled {
            // Kept as the server sent it (not written out again).
            held_store
                .put(&held_row(&doc, Some(text), false))
                .map_err(js("keeping pulled forms"))?;
            docs.push(doc);
        }
        committed(&tx).await.map_err(js("keeping pulled forms"))?;
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
        Box::pin(async move { Ok(self.meta(&key).await?) })
    }
    fn set_checkpoint(
        &self,
        rep_id: &str,
        seq: Value,
    ) -> LocalBoxFuture<'_, Result<(), PortError>> {
        let key = format!("checkpoint:{rep_id}");
        Box::pin(async move { Ok(self.set_meta(&key, seq).await?) })
    }
}
