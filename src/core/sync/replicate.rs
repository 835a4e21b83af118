//! Push and pull by the CouchDB replication protocol, in batches, each
//! batch checkpointed: a sync cut anywhere goes on from its last
//! checkpoint, and `_revs_diff` keeps a document the server already holds
//! from being sent again.
//!
//! Push: this device's own writes after the checkpoint → `_revs_diff` →
//! `_bulk_docs` (`new_edits: false`, the revision ids and history as made
//! here) → the checkpoint, kept in `_local/` on the server and here.
//! Pull: `_changes` since the checkpoint, with each document's current
//! revision → what this device lacks → the first revisions the changes
//! carried stored, the rest fetched by `_bulk_get` and stored → the
//! checkpoint (the next page of changes is on its way meanwhile).

use super::couch::{Couch, SyncError};
use super::doc::FormDoc;
use super::wire::{Changes, Checkpoint, CouchTransport, RevsDiff};
use crate::core::engine::ports::{join, LocalBoxFuture, PortError};
use serde_json::Value;

/// A document this device wrote, in the order it wrote them.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// This device's sequence number for the write (from 1).
    pub seq: u64,
    pub doc: FormDoc,
}

/// This device's copy of the shared database.
pub trait Replica {
    /// Documents written here after `since`, oldest first, at most `limit`.
    fn written_since(
        &self,
        since: u64,
        limit: usize,
    ) -> LocalBoxFuture<'_, Result<Vec<Written>, PortError>>;
    /// Of these revisions, the ones not held here.
    fn missing(&self, revs: &RevsDiff) -> LocalBoxFuture<'_, Result<RevsDiff, PortError>>;
    /// Keeps documents pulled from the server.
    fn store_pulled(&self, docs: Vec<Pulled>) -> LocalBoxFuture<'_, Result<(), PortError>>;
    /// A checkpoint kept here (`None`: none yet).
    fn checkpoint(&self, rep_id: &str) -> LocalBoxFuture<'_, Result<Option<Value>, PortError>>;
    fn set_checkpoint(&self, rep_id: &str, seq: Value)
        -> LocalBoxFuture<'_, Result<(), PortError>>;
    /// A pause between reading a page of changes and keeping its
    /// documents: a browser's replica lets the page draw between the two
    /// (each is a few tens of milliseconds); by default, none.
    fn pause(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// Sizes of the batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Documents a push batch carries.
    pub push_batch: usize,
    /// Changes a pull batch reads, with their documents: 500 are about
    /// 1.5 MB, read in one step of the page (about 10 ms in Chromium; 2,000
    /// made 60 ms steps). Fewer cost the server more: PouchDB Server's
    /// `_changes` costs a sixth more at 100.
    pub pull_batch: usize,
    /// Revisions one `_bulk_get` fetches, and revisions a page of changes
    /// carried kept in one step (each part is parsed and kept on its own,
    /// so no step of a large pull holds the page for long: 100 were steps
    /// of 60 ms while the browser was still compiling the page's code).
    pub get_batch: usize,
    /// Follow the database: a pull's first request waits this long for a
    /// change (a long poll) rather than answering at once.
    pub wait_ms: Option<u32>,
    /// A pull returns after this many batches (its report says whether
    /// more wait), so a large database loads a step at a time.
    pub pull_batches: Option<usize>,
    /// The first batch reads this many changes (at most `pull_batch`): a
    /// page opening a large load keeps its first step short while the
    /// browser is still compiling the page's code.
    pub first_batch: Option<usize>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 500,
            pull_batch: 500,
            get_batch: 50,
            wait_ms: None,
            pull_batches: None,
            first_batch: None,
        }
    }
}

/// A document pulled: as read, and its JSON text as the server sent it
/// (what a replica keeps, without writing it out again).
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub doc: FormDoc,
    pub text: String,
}

/// A document the server refused, with its reason (kept here, shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub id: String,
    pub error: String,
    pub reason: String,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushReport {
    /// Documents sent and stored.
    pub sent: usize,
    /// Revisions the server held already (not sent).
    pub already: usize,
    pub refused: Vec<Refused>,
    /// This device's last sequence the server has.
    pub checkpoint: u64,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullReport {
    pub received: usize,
    /// Changes or documents that could not be read (id or snippet, why).
    pub skipped: Vec<String>,
    pub checkpoint: Value,
    /// Stopped after `pull_batches` with changes still to read.
    pub more: bool,
}

fn local(e: PortError) -> SyncError {
    SyncError::Local(e.to_string())
}

/// Where a push starts: the older of the two checkpoints (the server may
/// have lost its own, or this device its own).
pub fn push_start(here: Option<&Value>, there: Option<&Checkpoint>) -> u64 {
    let here = here.and_then(Value::as_u64).unwrap_or(0);
    let there = there.and_then(|c| c.last_seq.as_u64()).unwrap_or(0);
    here.min(there)
}

/// Revisions asked about for a batch of writes.
fn revs_of(batch: &[Written]) -> RevsDiff {
    let mut revs = RevsDiff::new();
    for w in batch {
        revs.entry(w.doc.id.clone())
            .or_default()
            .push(w.doc.rev().to_string());
    }
    revs
}

/// The documents of a batch the server lacks.
fn to_send(batch: &[Written], missing: &RevsDiff) -> Vec<Value> {
    batch
        .iter()
        .filter(|w| {
            missing
                .get(&w.doc.id)
                .is_some_and(|m| m.contains(&w.doc.rev().to_string()))
        })
        .map(|w| w.doc.to_json())
        .collect()
}

/// Pushes this device's writes not yet on the server. `rep_id` names this
/// device's replication to this database.
pub async fn push<T: CouchTransport, R: Replica>(
    couch: &Couch<T>,
    replica: &R,
    rep_id: &str,
    opts: SyncOptions,
) -> Result<PushReport, SyncError> {
    let there = couch.checkpoint(rep_id).await?;
    let here = replica.checkpoint(rep_id).await.map_err(local)?;
    let mut since = push_start(here.as_ref(), there.as_ref());
    let mut server_rev = there.and_then(|c| c.rev);
    let mut report = PushReport {
        checkpoint: since,
        ..PushReport::default()
    };
    loop {
        let batch = replica
            .written_since(since, opts.push_batch.max(1))
            .await
            .map_err(local)?;
        let Some(last) = batch.last().map(|w| w.seq) else {
            return Ok(report);
        };
        let missing = couch.revs_diff(&revs_of(&batch)).await?;
        let docs = to_send(&batch, &missing);
        report.already += batch.len().saturating_sub(docs.len());
        if !docs.is_empty() {
            let results = couch.bulk_docs(&docs).await?;
            let refused: Vec<Refused> = results
                .into_iter()
                .filter_map(|r| {
                    Some(Refused {
                        id: r.id,
                        error: r.error?,
                        reason: r.reason.unwrap_or_default(),
                    })
                })
                .collect();
            report.sent += docs.len().saturating_sub(refused.len());
            report.refused.extend(refused);
        }
        let cp = Checkpoint {
            rev: server_rev.clone(),
            last_seq: Value::from(last),
        };
        server_rev = couch.set_checkpoint(rep_id, &cp).await?;
        replica
            .set_checkpoint(rep_id, Value::from(last))
            .await
            .map_err(local)?;
        since = last;
        report.checkpoint = last;
    }
}

/// Fetches revisions (`_bulk_get`, `get_batch` at a time) and keeps those
/// that read, listing those that do not; each request is sent while the
/// answer before it is parsed and kept. How many were kept.
async fn fetch_and_keep<T: CouchTransport, R: Replica>(
    couch: &Couch<T>,
    replica: &R,
    wanted: &[(String, String)],
    get_batch: usize,
    skipped: &mut Vec<String>,
) -> Result<usize, SyncError> {
    let mut parts = wanted.chunks(get_batch.max(1));
    let Some(first) = parts.next() else {
        return Ok(0);
    };
    let mut got = couch.bulk_get(first).await?;
    let mut kept = 0;
    loop {
        let next = parts.next();
        let fetch = async {
            match next {
                Some(part) => Some(couch.bulk_get(part).await),
                None => None,
            }
        };
        let (n, fetched) = join(keep(replica, got, skipped), fetch).await;
        kept += n?;
        match fetched {
            Some(answer) => got = answer?,
            None => return Ok(kept),
        }
    }
}

/// Keeps the revisions of a `_bulk_get` answer that read; lists the rest.
async fn keep<R: Replica>(
    replica: &R,
    (texts, failed): (Vec<String>, Vec<String>),
    skipped: &mut Vec<String>,
) -> Result<usize, SyncError> {
    skipped.extend(failed);
    let mut good = Vec::new();
    for text in texts {
        match FormDoc::from_text(&text) {
            Ok(doc) => good.push(Pulled { doc, text }),
            Err(e) => skipped.push(format!("{}: {e}", id_of(&text))),
        }
    }
    let kept = good.len();
    replica.store_pulled(good).await.map_err(local)?;
    Ok(kept)
}

/// The `_id` of a document's JSON text that does not read ("?" if none).
fn id_of(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Id {
        #[serde(rename = "_id")]
        id: String,
    }
    serde_json::from_str::<Id>(text).map_or_else(|_| "?".into(), |d| d.id)
}

/// A revision a page of changes carried whole: a document's only leaf,
/// its first revision (`_revisions` would add nothing).
struct Included<'a> {
    id: &'a str,
    rev: String,
    text: &'a str,
}

/// Of a page's missing revisions, those it carried whole and those to
/// fetch, each once (a document listed twice in a page is taken once).
fn split_page(page: &Changes, mut missing: RevsDiff) -> (Vec<Included<'_>>, Vec<(String, String)>) {
    let (mut included, mut wanted) = (Vec::new(), Vec::new());
    for c in &page.changes {
        let Some(revs) = missing.remove(&c.id) else {
            continue;
        };
        match (&c.doc, c.revs.as_slice(), revs.as_slice()) {
            (Some(text), [only], [rev]) if only == rev && rev.starts_with("1-") => {
                included.push(Included {
                    id: &c.id,
                    rev: rev.clone(),
                    text,
                });
            }
            _ => wanted.extend(revs.into_iter().map(|r| (c.id.clone(), r))),
        }
    }
    (included, wanted)
}

/// The `_rev` of a document's JSON text (none if it has none or does not
/// read).
fn rev_of(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Rev {
        #[serde(rename = "_rev")]
        rev: Option<String>,
    }
    serde_json::from_str::<Rev>(text).ok()?.rev
}

/// Keeps the revisions a page carried, `get_batch` at a time; lists those
/// that do not read. Those that are not the revision the change named are
/// to be fetched (returned).
async fn keep_included<R: Replica>(
    replica: &R,
    included: &[Included<'_>],
    get_batch: usize,
    skipped: &mut Vec<String>,
) -> Result<(usize, Vec<(String, String)>), SyncError> {
    let (mut kept, mut refetch) = (0, Vec::new());
    if !included.is_empty() {
        replica.pause().await;
    }
    for part in included.chunks(get_batch.max(1)) {
        let mut good = Vec::with_capacity(part.len());
        for inc in part {
            match FormDoc::from_text(inc.text) {
                Ok(doc) if doc.id == inc.id && doc.rev().to_string() == inc.rev => {
                    good.push(Pulled {
                        doc,
                        text: inc.text.to_string(),
                    });
                }
                Ok(_) => refetch.push((inc.id.to_string(), inc.rev.clone())),
                // Not the revision named (the document changed since):
                // that one is fetched, whether this one reads or not.
                Err(_) if rev_of(inc.text).as_deref() != Some(inc.rev.as_str()) => {
                    refetch.push((inc.id.to_string(), inc.rev.clone()));
                }
                Err(e) => skipped.push(format!("{}: {e}", inc.id)),
            }
        }
        kept += good.len();
        replica.store_pulled(good).await.map_err(local)?;
    }
    Ok((kept, refetch))
}

/// Keeps what a page of changes brings that this device lacks: the
/// revisions it carried, then the rest fetched. How many were kept.
async fn take_page<T: CouchTransport, R: Replica>(
    couch: &Couch<T>,
    replica: &R,
    page: &Changes,
    get_batch: usize,
    skipped: &mut Vec<String>,
) -> Result<usize, SyncError> {
    let mut revs = RevsDiff::new();
    for c in page
        .changes
        .iter()
        .filter(|c| !c.id.starts_with("_design/"))
    {
        revs.insert(c.id.clone(), c.revs.clone());
    }
    let missing = replica.missing(&revs).await.map_err(local)?;
    let (included, mut wanted) = split_page(page, missing);
    let (kept, refetch) = keep_included(replica, &included, get_batch, skipped).await?;
    wanted.extend(refetch);
    Ok(kept + fetch_and_keep(couch, replica, &wanted, get_batch, skipped).await?)
}

/// Pulls the server's changes this device lacks, a page at a time, the
/// next page asked for while one is kept.
pub async fn pull<T: CouchTransport, R: Replica>(
    couch: &Couch<T>,
    replica: &R,
    rep_id: &str,
    opts: SyncOptions,
) -> Result<PullReport, SyncError> {
    let mut since = replica
        .checkpoint(rep_id)
        .await
        .map_err(local)?
        .unwrap_or(Value::from(0));
    let limit = opts.pull_batch.max(1);
    let mut asked = opts.first_batch.map_or(limit, |n| n.clamp(1, limit));
    let mut report = PullReport::default();
    let mut page = couch.changes(&since, asked, opts.wait_ms).await?;
    let mut batches = 0;
    loop {
        report.skipped.extend(page.skipped.iter().cloned());
        if page.changes.is_empty() {
            report.checkpoint = since;
            return Ok(report);
        }
        batches += 1;
        // A page shorter than asked for is the last: caught up, without
        // asking again (a long poll would wait for the next change).
        let last = page.changes.len() + page.skipped.len() < asked;
        asked = limit;
        let stop = last || opts.pull_batches.is_some_and(|most| batches >= most);
        let next = async {
            match stop {
                true => None,
                false => Some(couch.changes(&page.last_seq, limit, None).await),
            }
        };
        let took = take_page(couch, replica, &page, opts.get_batch, &mut report.skipped);
        let (kept, next) = join(took, next).await;
        report.received += kept?;
        since = page.last_seq.clone();
        replica
            .set_checkpoint(rep_id, since.clone())
            .await
            .map_err(local)?;
        match next {
            Some(next) => page = next?,
            None => {
                report.checkpoint = since;
                report.more = !last;
                return Ok(report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_carries_only_single_first_revisions_each_once() {
        use super::super::wire::Change;
        let change = |id: &str, revs: &[&str], doc: Option<&str>| Change {
            seq: Value::from(1),
            id: id.into(),
            revs: revs.iter().map(|r| r.to_string()).collect(),
            doc: doc.map(String::from),
        };
        let page = Changes {
            changes: vec![
                change("a", &["1-a"], Some(r#"{"_id":"a","_rev":"1-a"}"#)),
                change("a", &["1-a"], Some(r#"{"_id":"a","_rev":"1-a"}"#)),
                change("b", &["2-b"], Some(r#"{"_id":"b","_rev":"2-b"}"#)),
                change("c", &["1-c", "1-d"], Some(r#"{"_id":"c","_rev":"1-d"}"#)),
                change("d", &["1-e"], None),
                change("e", &["1-f"], Some("{}")),
            ],
            ..Changes::default()
        };
        let missing: RevsDiff = [
            ("a", vec!["1-a"]),
            ("b", vec!["2-b"]),
            ("c", vec!["1-c", "1-d"]),
            ("d", vec!["1-e"]),
        ]
        .into_iter()
        .map(|(id, r)| (id.to_string(), r.into_iter().map(String::from).collect()))
        .collect();
        let (included, wanted) = split_page(&page, missing);
        let carried: Vec<(&str, &str)> = included.iter().map(|i| (i.id, i.rev.as_str())).collect();
        assert_eq!(
            carried,
            [("a", "1-a")],
            "once, and only a single first revision"
        );
        let wanted: Vec<(&str, &str)> = wanted
            .iter()
            .map(|(i, r)| (i.as_str(), r.as_str()))
            .collect();
        assert_eq!(
            wanted,
            [("b", "2-b"), ("c", "1-c"), ("c", "1-d"), ("d", "1-e")]
        );
        assert_eq!(
            rev_of(r#"{"_rev":"2-x","record":5}"#).as_deref(),
            Some("2-x")
        );
        assert_eq!(rev_of("{not json"), None);
    }

    #[test]
    fn a_push_starts_at_the_older_checkpoint() {
        let cp = |n: u64| Checkpoint {
            rev: None,
            last_seq: Value::from(n),
        };
        assert_eq!(push_start(None, None), 0);
        assert_eq!(push_start(Some(&Value::from(40)), Some(&cp(20))), 20);
        assert_eq!(push_start(Some(&Value::from(10)), Some(&cp(20))), 10);
        assert_eq!(
            push_start(Some(&Value::from(40)), None),
            0,
            "the server lost it"
        );
        assert_eq!(push_start(None, Some(&cp(40))), 0, "this device lost it");
    }
}
