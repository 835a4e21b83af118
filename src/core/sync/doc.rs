//! A form page as a document of the shared database.
//!
//! - Its `_id` comes from the image: `form:<sha256>` and, for a page of a
//!   PDF, `:p<page>`. Two devices that read the same image write the same
//!   document.
//! - Its revision id comes from the reading: the first revision is
//!   `1-<hash of the values read>`, so the same image read identically on
//!   two devices is the same revision (stored once); read differently, two
//!   revisions of one document (a CouchDB conflict, kept and shown).
//! - A correction or acceptance is a new revision: `n+1-<hash of the parent
//!   revision and the record>`, its history carried in `_revisions`.
//! - It never holds the API key; `by` names the volunteer who wrote it.

use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::hash::sha256_hex;
use serde_json::{json, Value};

/// The version of the document shape; a database of another is refused.
pub const SCHEMA: u32 = 1;

/// The `type` of a ballot document.
pub const KIND: &str = "tallyscan.ballot";

/// A document id for the image `sha256` (and its page, for a PDF).
pub fn doc_id(sha256: &str, page: Option<u32>) -> String {
    match page {
        Some(p) => format!("form:{sha256}:p{p}"),
        None => format!("form:{sha256}"),
    }
}

/// The record's id, or `None` when it has no image hash (an import).
pub fn id_of(r: &BallotRecord) -> Option<String> {
    (!r.source.sha256.is_empty()).then(|| doc_id(&r.source.sha256, r.source.page))
}

/// A revision id: `<generation>-<hash>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rev {
    pub generation: u32,
    pub hash: String,
}

impl Rev {
    /// Reads `"3-abc…"`.
    pub fn parse(s: &str) -> Option<Rev> {
        let (g, h) = s.split_once('-')?;
        let generation = g.parse().ok().filter(|g| *g > 0)?;
        let ok = !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric());
        ok.then(|| Rev {
            generation,
            hash: h.to_string(),
        })
    }
}

impl std::fmt::Display for Rev {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.generation, self.hash)
    }
}

/// What makes two readings the same: the values read, not who read them,
/// when, from which file name, or with which model.
fn reading_key(r: &BallotRecord) -> Value {
    json!({
        "form": r.form,
        "province": r.province,
        "province_code": r.province_code,
        "constituency": r.constituency,
        "polling_unit": r.polling_unit,
        "page": r.page,
        "has_vote_table": r.has_vote_table,
        "rows": r.rows,
        "totals": r.totals,
        "ballots_received": r.ballots_received,
    })
}

/// 32 hex digits of SHA-256 (CouchDB's revision hashes are 32 long).
fn short_hash(text: &str) -> String {
    sha256_hex(text.as_bytes())[..32].to_string()
}

/// A ballot document: the record and who wrote it, at a revision with its
/// history (newest first, as `_revisions` lists it).
#[derive(Debug, Clone, PartialEq)]
pub struct FormDoc {
    pub id: String,
    /// Newest first: `history[0]` is this revision.
    pub history: Vec<Rev>,
    /// The volunteer (the database user) who wrote this revision.
    pub by: String,
    pub record: BallotRecord,
    /// The form's image, sent only when the volunteer ticks it (an
    /// attachment; not part of the revision id).
    pub image: Option<Image>,
    /// A coordinator's deletion of this branch (a reading set aside).
    pub deleted: bool,
    /// The readings a coordinator's revision settles (kept as `by` chose).
    pub settles: Vec<Settled>,
}

/// A reading a coordinator's resolution names: document and revision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settled {
    pub id: String,
    pub rev: String,
}

/// An image attached to a document: its type and bytes in base64.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub content_type: String,
    pub base64: String,
}

/// The attachment's name.
pub const IMAGE_NAME: &str = "image";

/// Why a document from the database cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("not a JSON object")]
    NotAnObject,
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("no {0}")]
    Missing(&'static str),
    #[error("\"{0}\" is not a revision id")]
    BadRev(String),
    #[error("a document of schema {found}, this version reads schema {SCHEMA}")]
    Schema { found: u64 },
    #[error("not a ballot document (type {0:?})")]
    Kind(String),
    #[error("its record cannot be read: {0}")]
    Record(String),
}

impl FormDoc {
    /// The first revision of `record`'s document, written by `by`.
    /// `None` when the record has no image hash.
    pub fn first(record: BallotRecord, by: &str) -> Option<FormDoc> {
        let id = id_of(&record)?;
        let hash = short_hash(&reading_key(&record).to_string());
        Some(FormDoc {
            id,
            history: vec![Rev {
                generation: 1,
                hash,
            }],
            by: by.to_string(),
            record,
            image: None,
            deleted: false,
            settles: Vec::new(),
        })
    }

    /// This revision.
    pub fn rev(&self) -> &Rev {
        &self.history[0]
    }

    /// The next revision: `record` as a person changed it, by `by`.
    pub fn next(&self, record: BallotRecord, by: &str) -> FormDoc {
        self.child(record, by, false, Vec::new())
    }

    /// A coordinator's resolution: this reading kept, as the next revision
    /// naming the readings it settles.
    pub fn settle(&self, by: &str, settles: Vec<Settled>) -> FormDoc {
        self.child(self.record.clone(), by, false, settles)
    }

    /// A coordinator's deletion of this branch (its reading set aside).
    pub fn delete(&self, by: &str) -> FormDoc {
        self.child(self.record.clone(), by, true, Vec::new())
    }

    fn child(
        &self,
        record: BallotRecord,
        by: &str,
        deleted: bool,
        settles: Vec<Settled>,
    ) -> FormDoc {
        let parent = self.rev().clone();
        let body = serde_json::to_string(&record).unwrap_or_default();
        let mut key = format!("{parent}\n{body}");
        if deleted || !settles.is_empty() {
            let extra = serde_json::to_string(&settles).unwrap_or_default();
            key.push_str(&format!("\n{deleted}\n{extra}"));
        }
        let mut history = vec![Rev {
            generation: parent.generation + 1,
            hash: short_hash(&key),
        }];
        history.extend(self.history.iter().cloned());
        FormDoc {
            id: self.id.clone(),
            history,
            by: by.to_string(),
            record,
            image: None,
            deleted,
            settles,
        }
    }

    /// This revision, as a resolution names it.
    pub fn settled(&self) -> Settled {
        Settled {
            id: self.id.clone(),
            rev: self.rev().to_string(),
        }
    }

    /// The document as `_bulk_docs` with `new_edits: false` takes it.
    pub fn to_json(&self) -> Value {
        let rev = self.rev();
        let ids: Vec<&str> = self.history.iter().map(|r| r.hash.as_str()).collect();
        let mut doc = json!({
            "_id": self.id,
            "_rev": rev.to_string(),
            "_revisions": { "start": rev.generation, "ids": ids },
            "type": KIND,
            "schema": SCHEMA,
            "by": self.by,
            "record": self.record,
        });
        if let Some(img) = &self.image {
            let a = json!({ "content_type": img.content_type, "data": img.base64 });
            doc["_attachments"] = json!({ IMAGE_NAME: a });
        }
        if self.deleted {
            doc["_deleted"] = json!(true);
        }
        if !self.settles.is_empty() {
            doc["settles"] = json!(self.settles);
        }
        doc
    }

    /// A document from the database as a JSON value (see
    /// [`FormDoc::from_text`]).
    pub fn from_json(v: &Value) -> Result<FormDoc, DocError> {
        Self::from_text(&v.to_string())
    }

    /// A document as a replica keeps it: its JSON as text, or (kept by an
    /// earlier version) as the JSON value itself.
    pub fn from_kept(kept: &Value) -> Result<FormDoc, DocError> {
        match kept {
            Value::String(text) => FormDoc::from_text(text),
            v => FormDoc::from_json(v),
        }
    }

    /// A document from its JSON text, as the database sends it
    /// (`_revisions` optional: without it the history is this revision
    /// alone). The few small fields are checked, and the record parsed
    /// once, into its type: never through a tree of JSON values (a
    /// coordinator's first load reads 100,000 of them).
    pub fn from_text(text: &str) -> Result<FormDoc, DocError> {
        let w: WireDoc = serde_json::from_str(text).map_err(|_| DocError::NotAnObject)?;
        let deleted = w.deleted.as_ref().and_then(Value::as_bool) == Some(true);
        if deleted && w.record.is_none() {
            // A deletion made outside the app (a stub): the branch ends.
            let (id, history) = w.revision()?;
            return Ok(FormDoc {
                id,
                history,
                by: w.by.unwrap_or_default(),
                record: BallotRecord::default(),
                image: None,
                deleted: true,
                settles: Vec::new(),
            });
        }
        check_kind(w.kind.as_deref(), w.schema.as_ref())?;
        let (id, history) = w.revision()?;
        let record = w.record.ok_or(DocError::Missing("record"))?;
        let record: BallotRecord =
            serde_json::from_str(record.get()).map_err(|e| DocError::Record(e.to_string()))?;
        Ok(FormDoc {
            id,
            history,
            by: w.by.ok_or(DocError::Missing("by"))?,
            record,
            image: image(w.attachments.as_ref()),
            deleted,
            settles: w
                .settles
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
        })
    }
}

/// The revisions of one document that no other held revision descends
/// from and that are not deleted: one when the document is settled,
/// several in a conflict (the winner first, as CouchDB picks it: the
/// longest history, then the greater revision id), none when a
/// coordinator deleted it.
pub fn leaves<D: Revision>(revisions: &[D]) -> Vec<&D> {
    let mut out = tips(revisions);
    out.retain(|d| !d.deleted());
    out
}

/// What finding leaves needs of a revision (a document, or a lighter copy
/// of one that keeps no record).
pub trait Revision {
    /// Newest first: `history()[0]` is this revision.
    fn history(&self) -> &[Rev];
    fn deleted(&self) -> bool;
}

impl Revision for FormDoc {
    fn history(&self) -> &[Rev] {
        &self.history
    }
    fn deleted(&self) -> bool {
        self.deleted
    }
}

/// Every leaf, deleted ones too.
fn tips<D: Revision>(revisions: &[D]) -> Vec<&D> {
    fn rev<D: Revision>(d: &D) -> Option<&Rev> {
        d.history().first()
    }
    let ancestor = |r: Option<&Rev>| {
        revisions
            .iter()
            .any(|d| rev(d) != r && d.history().iter().skip(1).any(|h| Some(h) == r))
    };
    let mut out: Vec<&D> = revisions.iter().filter(|d| !ancestor(rev(*d))).collect();
    out.sort_by(|a, b| rev(*b).cmp(&rev(*a)));
    out.dedup_by(|a, b| rev(*a) == rev(*b));
    out
}

/// The image attached inline (a stub, as the server lists it, is none).
fn image(attachments: Option<&Value>) -> Option<Image> {
    let a = attachments?.get(IMAGE_NAME)?;
    Some(Image {
        content_type: a["content_type"].as_str()?.to_string(),
        base64: a["data"].as_str()?.to_string(),
    })
}

/// A document's fields as the wire carries them, before they are checked
/// (a field of another type counts as missing; the record stays text).
#[derive(serde::Deserialize)]
struct WireDoc<'a> {
    #[serde(rename = "_id", default, deserialize_with = "text_or_none")]
    id: Option<String>,
    #[serde(rename = "_rev", default, deserialize_with = "text_or_none")]
    rev: Option<String>,
    #[serde(rename = "_revisions", default)]
    revisions: Option<Value>,
    #[serde(rename = "type", default, deserialize_with = "text_or_none")]
    kind: Option<String>,
    #[serde(default)]
    schema: Option<Value>,
    #[serde(default, deserialize_with = "text_or_none")]
    by: Option<String>,
    #[serde(borrow, default)]
    record: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "_deleted", default)]
    deleted: Option<Value>,
    #[serde(default)]
    settles: Option<Value>,
    #[serde(rename = "_attachments", default)]
    attachments: Option<Value>,
}

impl WireDoc<'_> {
    /// The document's id and this revision's history.
    fn revision(&self) -> Result<(String, Vec<Rev>), DocError> {
        let text = self.rev.as_deref().ok_or(DocError::Missing("_rev"))?;
        let rev = Rev::parse(text).ok_or_else(|| DocError::BadRev(text.into()))?;
        let id = self.id.clone().ok_or(DocError::Missing("_id"))?;
        Ok((id, history(self.revisions.as_ref(), &rev)))
    }
}

/// A string field, or none when it is of another type.
fn text_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// A ballot document of the schema this version reads.
fn check_kind(kind: Option<&str>, schema: Option<&Value>) -> Result<(), DocError> {
    let kind = kind.unwrap_or_default();
    if kind != KIND {
        return Err(DocError::Kind(kind.into()));
    }
    let schema = schema.and_then(Value::as_u64).unwrap_or(0);
    if schema != u64::from(SCHEMA) {
        return Err(DocError::Schema { found: schema });
    }
    Ok(())
}

/// The history `_revisions` gives, when it agrees with `rev` (it starts
/// with `rev`); else `rev` alone. Never empty.
fn history(revisions: Option<&Value>, rev: &Rev) -> Vec<Rev> {
    let start = revisions.and_then(|r| r["start"].as_u64());
    let ids = revisions.and_then(|r| r["ids"].as_array());
    let given: Vec<Rev> = match (start, ids) {
        (Some(start), Some(ids)) if start == u64::from(rev.generation) => ids
            .iter()
            .zip((1..=rev.generation).rev())
            .map_while(|(h, generation)| {
                Some(Rev {
                    generation,
                    hash: h.as_str()?.to_string(),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    match given.first() {
        Some(first) if first == rev => given,
        _ => vec![rev.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::domain::registry::Registry;
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};

    fn read(file: &str, model: &str) -> BallotRecord {
        let source = Source {
            file_name: file.into(),
            sha256: "ab".repeat(32),
            model: model.into(),
            ..Source::default()
        };
        validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin())
    }

    #[test]
    fn a_kept_document_reads_as_text_or_as_the_value_of_an_earlier_version() {
        let d = FormDoc::first(read("a.jpg", "m"), "somchai").unwrap();
        let json = d.to_json();
        assert_eq!(
            FormDoc::from_kept(&Value::String(json.to_string())),
            Ok(d.clone())
        );
        assert_eq!(FormDoc::from_kept(&json), Ok(d));
        assert_eq!(
            FormDoc::from_kept(&Value::String("{not json".into())),
            Err(DocError::NotAnObject)
        );
    }

    #[test]
    fn the_same_reading_on_two_devices_is_the_same_revision() {
        let a = FormDoc::first(read("a.jpg", "m1"), "somchai").unwrap();
        let b = FormDoc::first(read("IMG_0001.jpg", "m2"), "nid").unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.rev(), b.rev());
        let mut other = read("a.jpg", "m1");
        other.rows[0].votes.digits = Some(7);
        let c = FormDoc::first(other, "somchai").unwrap();
        assert_eq!(c.id, a.id);
        assert_ne!(c.rev(), a.rev(), "read differently: a conflict");
    }

    #[test]
    fn a_correction_is_the_next_revision_with_its_history() {
        let a = FormDoc::first(read("a.jpg", "m"), "somchai").unwrap();
        let mut changed = a.record.clone();
        changed.rows[0].votes.digits = Some(99);
        let b = a.next(changed, "somchai");
        assert_eq!(b.rev().generation, 2);
        assert_eq!(b.history[1], *a.rev());
        let json = b.to_json();
        assert_eq!(json["_revisions"]["start"], 2);
        assert_eq!(json["_revisions"]["ids"][1], a.rev().hash);
        assert_eq!(FormDoc::from_json(&json).unwrap(), b);
        let mut with_image = b.clone();
        with_image.image = Some(Image {
            content_type: "image/jpeg".into(),
            base64: "AAAA".into(),
        });
        let json = with_image.to_json();
        assert_eq!(json["_attachments"]["image"]["data"], "AAAA");
        assert_eq!(
            json["_rev"],
            b.to_json()["_rev"],
            "the image is not in the revision"
        );
        assert_eq!(FormDoc::from_json(&json).unwrap(), with_image);
    }

    #[test]
    fn a_conflict_is_two_leaves_and_a_correction_one() {
        let a = FormDoc::first(read("a.jpg", "m"), "somchai").unwrap();
        let mut other = a.record.clone();
        other.rows[0].votes.digits = Some(1);
        let b = FormDoc::first(other.clone(), "nid").unwrap();
        assert_eq!(leaves(&[a.clone(), b.clone()]).len(), 2);
        let a2 = a.next(other, "somchai");
        let held = [a.clone(), a2.clone(), a.clone()];
        let l = leaves(&held);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].rev(), a2.rev());
        let all = [a, a2.clone(), b];
        let l = leaves(&all);
        assert_eq!(l[0].rev(), a2.rev(), "the longer history wins");
    }

    #[test]
    fn a_pdf_page_is_its_own_document() {
        assert_eq!(doc_id("ff", Some(3)), "form:ff:p3");
        let mut r = read("a.pdf", "m");
        r.source.sha256.clear();
        assert!(
            FormDoc::first(r, "x").is_none(),
            "an import has no image hash"
        );
    }

    #[test]
    fn documents_that_cannot_be_used_say_why() {
        let good = FormDoc::first(read("a.jpg", "m"), "s").unwrap().to_json();
        let with = |k: &str, v: Value| {
            let mut d = good.clone();
            d[k] = v;
            FormDoc::from_json(&d).unwrap_err()
        };
        assert_eq!(with("schema", json!(2)), DocError::Schema { found: 2 });
        assert_eq!(with("type", json!("other")), DocError::Kind("other".into()));
        assert_eq!(with("_rev", json!("x-1")), DocError::BadRev("x-1".into()));
        assert!(matches!(with("record", json!([1])), DocError::Record(_)));
        assert_eq!(FormDoc::from_json(&json!(3)), Err(DocError::NotAnObject));
        // A history that does not start with the revision (or is empty) is
        // not taken: the revision alone, never no revision.
        for revisions in [
            json!({"start": 1, "ids": []}),
            json!({"start": 1, "ids": ["other"]}),
        ] {
            let mut doc = good.clone();
            doc["_revisions"] = revisions;
            let d = FormDoc::from_json(&doc).map(|d| d.history);
            assert!(matches!(d, Ok(ref h) if h.len() == 1), "{d:?}");
        }
        for bad in ["", "0-a", "1-", "1-a b", "-a"] {
            assert_eq!(Rev::parse(bad), None, "{bad}");
        }
        // A deletion made elsewhere (a stub without a record) ends its branch.
        let stub = json!({"_id": "form:x", "_rev": "2-b", "_deleted": true,
            "_revisions": {"start": 2, "ids": ["b", "a"]}});
        let d = FormDoc::from_json(&stub).unwrap();
        assert!(d.deleted && d.history.len() == 2);
    }
}
