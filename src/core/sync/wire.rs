//! The CouchDB replication protocol as this app speaks it: one typed
//! definition of each request and answer, built and read here (pure), sent
//! by a [`CouchTransport`] (the browser's fetch with the session cookie;
//! a plain socket in tests).

use crate::core::engine::ports::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// An HTTP method CouchDB needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A request to the database server: a path under its address (`/db/…`)
/// and a JSON body. Credentials travel as the session cookie only.
#[derive(Debug, Clone, PartialEq)]
pub struct CouchRequest {
    pub method: Method,
    /// From the server's root, starting with `/`.
    pub path: String,
    pub body: Option<String>,
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CouchResponse {
    pub status: u16,
    pub body: String,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportFailure {
    #[error("the network is unreachable or the server did not answer ({0})")]
    Network(String),
    #[error("no answer within {0} s")]
    Timeout(u32),
}

/// Sends requests to the database server.
pub trait CouchTransport {
    fn send(
        &self,
        req: CouchRequest,
    ) -> LocalBoxFuture<'_, Result<CouchResponse, TransportFailure>>;
}

/// CouchDB's error body: `{"error": "forbidden", "reason": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub reason: String,
}

/// A checkpoint document (`_local/<id>`): how far a replication got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// The last sequence replicated (the source's; CouchDB's are opaque).
    pub last_seq: Value,
}

/// `_revs_diff`: revisions the server lacks, by document id.
pub type RevsDiff = BTreeMap<String, Vec<String>>;

/// One line of a `_bulk_docs` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DocResult {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub rev: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One change of `_changes?style=all_docs&include_docs=true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: Value,
    pub id: String,
    /// The document's leaf revisions.
    pub revs: Vec<String>,
    /// The current revision's JSON text, as the server sent it (where it
    /// included one).
    pub doc: Option<String>,
}

/// A page of `_changes`: the changes read, the ones that could not be, and
/// where to go on from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    pub changes: Vec<Change>,
    /// Lines that are not a change (listed, skipped).
    pub skipped: Vec<String>,
    pub last_seq: Value,
}

/// The path of database `db` (its name is URL-encoded).
pub fn db_path(db: &str) -> String {
    format!("/{}", encode(db))
}

/// Percent-encodes a path segment (a database or document id).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn get(path: String) -> CouchRequest {
    CouchRequest {
        method: Method::Get,
        path,
        body: None,
    }
}

pub fn with_body(method: Method, path: String, body: &Value) -> CouchRequest {
    CouchRequest {
        method,
        path,
        body: Some(body.to_string()),
    }
}

/// `POST /db/_revs_diff` for these revisions.
pub fn revs_diff_request(db: &str, revs: &RevsDiff) -> CouchRequest {
    with_body(
        Method::Post,
        format!("{}/_revs_diff", db_path(db)),
        &json!(revs),
    )
}

/// The revisions the server lacks.
pub fn read_revs_diff(body: &str) -> Result<RevsDiff, String> {
    let v: Map<String, Value> = serde_json::from_str(body).map_err(|e| e.to_string())?;
    Ok(v.into_iter()
        .map(|(id, d)| {
            let missing = d["missing"].as_array().cloned().unwrap_or_default();
            let missing = missing
                .iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect();
            (id, missing)
        })
        .collect())
}

/// `POST /db/_bulk_docs` with `new_edits: false` (the revisions as given).
pub fn bulk_docs_request(db: &str, docs: &[Value]) -> CouchRequest {
    let body = json!({ "docs": docs, "new_edits": false });
    with_body(Method::Post, format!("{}/_bulk_docs", db_path(db)), &body)
}

/// The per-document results (an empty list: all stored, as CouchDB says
/// with `new_edits: false`).
pub fn read_bulk_docs(body: &str) -> Result<Vec<DocResult>, String> {
    serde_json::from_str(body).map_err(|e| e.to_string())
}

/// `GET /db/_changes` since `since`, at most `limit`, every leaf, and
/// each document's current revision (a first revision needs nothing
/// more: no `_bulk_get`); with `wait_ms`, a long poll: the server answers
/// when a change comes, or empty after that long.
pub fn changes_request(
    db: &str,
    since: &Value,
    limit: usize,
    wait_ms: Option<u32>,
) -> CouchRequest {
    let since = match since {
        Value::String(s) => encode(s),
        other => encode(&other.to_string()),
    };
    let feed = wait_ms
        .map(|ms| format!("&feed=longpoll&timeout={ms}"))
        .unwrap_or_default();
    get(format!(
        "{}/_changes?style=all_docs&include_docs=true&since={since}&limit={limit}{feed}",
        db_path(db)
    ))
}

/// A `_changes` answer, read in one pass: each line a change, or the
/// snippet of a line that is not one.
#[derive(Deserialize)]
struct ChangesAnswer<'a> {
    #[serde(borrow)]
    results: Option<Vec<Line<'a>>>,
    #[serde(default)]
    last_seq: Value,
}

/// A line of `_changes`, whatever it holds (a document is not read, only
/// kept as text).
enum Line<'a> {
    Change {
        seq: Value,
        id: Option<Value>,
        changes: Option<Value>,
        doc: Option<&'a serde_json::value::RawValue>,
    },
    Other(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for Line<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LineVisitor(std::marker::PhantomData))
    }
}

struct LineVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::Visitor<'de> for LineVisitor<'a> {
    type Value = Line<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a change")
    }

    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<Line<'a>, M::Error> {
        let (mut seq, mut id, mut changes, mut doc) = (Value::Null, None, None, None);
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "seq" => seq = m.next_value()?,
                "id" => id = Some(m.next_value()?),
                "changes" => changes = Some(m.next_value()?),
                "doc" => doc = m.next_value()?,
                _ => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Line::Change {
            seq,
            id,
            changes,
            doc,
        })
    }

    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut s: S) -> Result<Line<'a>, S::Error> {
        while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Line::Other("[…]".into()))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Line<'a>, E> {
        Ok(Line::Other(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Line<'a>, E> {
        Ok(Line::Other(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Line<'a>, E> {
        Ok(Line::Other(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Line<'a>, E> {
        Ok(Line::Other(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Line<'a>, E> {
        Ok(Line::Other(snippet(&Value::from(v))))
    }
    fn visit_unit<E>(self) -> Result<Line<'a>, E> {
        Ok(Line::Other("null".into()))
    }
}

/// A `_changes` answer; a malformed line is skipped and listed. The
/// documents stay text (kept as they came, and parsed once, into their
/// type).
pub fn read_changes(body: &str) -> Result<Changes, String> {
    let answer: ChangesAnswer = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let results = answer.results.ok_or("the answer has no \"results\" list")?;
    let mut out = Changes {
        last_seq: answer.last_seq,
        ..Changes::default()
    };
    for line in results {
        match read_change(line) {
            Ok(c) => out.changes.push(c),
            Err(bad) => out.skipped.push(bad),
        }
    }
    if out.last_seq.is_null() {
        out.last_seq = out
            .changes
            .last()
            .map(|c| c.seq.clone())
            .unwrap_or_default();
    }
    Ok(out)
}

/// A line's change, or a snippet of the line.
fn read_change(line: Line) -> Result<Change, String> {
    let (seq, id, changes, doc) = match line {
        Line::Other(bad) => return Err(bad),
        Line::Change {
            seq,
            id,
            changes,
            doc,
        } => (seq, id, changes, doc),
    };
    let revs: Vec<String> = changes
        .iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|c| c["rev"].as_str().map(String::from))
        .collect();
    match id.as_ref().and_then(Value::as_str) {
        Some(id) if !revs.is_empty() && !seq.is_null() => Ok(Change {
            seq,
            id: id.to_string(),
            revs,
            doc: doc
                .map(|d| d.get())
                .filter(|d| d.starts_with('{'))
                .map(String::from),
        }),
        _ => Err(snippet(
            &serde_json::json!({"seq": seq, "id": id, "changes": changes}),
        )),
    }
}

/// `POST /db/_bulk_get?revs=true` for these (id, rev) pairs.
pub fn bulk_get_request(db: &str, wanted: &[(String, String)]) -> CouchRequest {
    let docs: Vec<Value> = wanted
        .iter()
        .map(|(id, rev)| json!({ "id": id, "rev": rev }))
        .collect();
    let path = format!("{}/_bulk_get?revs=true", db_path(db));
    with_body(Method::Post, path, &json!({ "docs": docs }))
}

/// A `_bulk_get` answer: each document's JSON stays text (kept as it came,
/// and parsed once, into its type).
#[derive(Deserialize)]
struct BulkGetAnswer<'a> {
    #[serde(borrow, default)]
    results: Option<Vec<BulkGetResult<'a>>>,
}

#[derive(Deserialize)]
struct BulkGetResult<'a> {
    #[serde(borrow, default)]
    docs: Vec<BulkGetDoc<'a>>,
}

#[derive(Deserialize)]
struct BulkGetDoc<'a> {
    #[serde(borrow, default)]
    ok: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    error: Option<Value>,
}

/// The documents of a `_bulk_get` answer, each as its JSON text; those the
/// server could not give are listed with why.
pub fn read_bulk_get(body: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let answer: BulkGetAnswer = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let results = answer.results.ok_or("the answer has no \"results\" list")?;
    let (mut docs, mut failed) = (Vec::new(), Vec::new());
    for d in results.into_iter().flat_map(|r| r.docs) {
        match (d.ok, d.error) {
            (Some(ok), _) if ok.get().starts_with('{') => docs.push(ok.get().to_string()),
            (_, Some(e)) if !e.is_null() => failed.push(snippet(&e)),
            (ok, _) => failed.push(
                ok.map(|o| o.get().chars().take(120).collect())
                    .unwrap_or_else(|| "?".into()),
            ),
        }
    }
    Ok((docs, failed))
}

/// The checkpoint path of replication `rep_id`.
pub fn local_path(db: &str, rep_id: &str) -> String {
    format!("{}/_local/{}", db_path(db), encode(rep_id))
}

/// A short, single-line view of a value for a message.
pub fn snippet(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_with_bad_lines_listed() {
        let body = r#"{"results":[
            {"seq":1,"id":"a","changes":[{"rev":"1-x"},{"rev":"1-y"}]},
            {"seq":2,"changes":[{"rev":"1-x"}]},
            {"seq":"3-g1AAAA","id":"b","changes":[]},
            7, [1, {"a": 2}], null, "x", true,
            {"s\u0065q":"4-g1AAAA","id":"c","changes":[{"rev":"2-z"}],"doc":{"_id":"c","t":"ไทย\n"}},
            {"seq":5,"id":"d","changes":[{"rev":"2-d"}],"doc":null}
        ],"last_seq":"4-g1AAAA"}"#;
        let c = read_changes(body).unwrap();
        let ids: Vec<&str> = c.changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "c", "d"]);
        assert_eq!(c.changes[0].revs, ["1-x", "1-y"]);
        assert_eq!(c.changes[0].doc, None);
        assert_eq!(
            c.changes[1].doc.as_deref(),
            Some(r#"{"_id":"c","t":"ไทย\n"}"#),
            "the text as sent"
        );
        assert_eq!(c.changes[2].doc, None);
        assert_eq!(c.skipped.len(), 7, "{:?}", c.skipped);
        assert_eq!(c.last_seq, json!("4-g1AAAA"));
        for bad in ["", "[]", r#"{"results":3}"#, "<html>"] {
            assert!(read_changes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn requests_name_their_paths() {
        let since = json!("12-g1A/x");
        let r = changes_request("tally scan", &since, 100, None);
        assert_eq!(
            r.path,
            "/tally%20scan/_changes?style=all_docs&include_docs=true&since=12-g1A%2Fx&limit=100"
        );
        assert_eq!(local_path("db", "push:ab"), "/db/_local/push%3Aab");
        let r = changes_request("db", &json!(0), 5, Some(25_000));
        assert!(
            r.path.ends_with("&limit=5&feed=longpoll&timeout=25000"),
            "{}",
            r.path
        );
        let r = bulk_docs_request("db", &[json!({"_id": "a"})]);
        assert_eq!(r.method, Method::Post);
        assert!(r.body.unwrap().contains("\"new_edits\":false"));
    }

    #[test]
    fn bulk_answers_read() {
        let d = read_revs_diff(r#"{"a":{"missing":["1-x"]},"b":{}}"#).unwrap();
        assert_eq!(d["a"], ["1-x"]);
        assert!(d["b"].is_empty());
        let r = read_bulk_docs(
            r#"[{"id":"a","error":"forbidden","reason":"not yours"},{"id":"b","rev":"1-x","ok":true}]"#,
        )
        .unwrap();
        assert_eq!(r[0].error.as_deref(), Some("forbidden"));
        let (docs, failed) = read_bulk_get(
            r#"{"results":[{"id":"a","docs":[{"ok":{"_id":"a"}},{"error":{"id":"a","error":"not_found"}}]}]}"#,
        )
        .unwrap();
        assert_eq!(docs, vec![r#"{"_id":"a"}"#.to_string()], "the text as sent");
        assert_eq!(failed.len(), 1);
        let (docs, failed) = read_bulk_get(r#"{"results":[{"docs":[{"ok":5},{}]}]}"#).unwrap();
        assert!(docs.is_empty());
        assert_eq!(failed, vec!["5".to_string(), "?".to_string()]);
        assert!(read_bulk_get("{}").unwrap_err().contains("results"));
        assert!(read_bulk_get("<html>").is_err());
    }
}
