//! Progress for other systems: every [`ProgressCallback`] call as a
//! versioned, serializable [`ProgressEvent`], for a coordinator's page in
//! another tab, an embedding page, or a developer's own code. Its JSON
//! shape (documented in the README, "Listening to progress"):
//!
//! ```json
//! {"v":1,"type":"progress","current":3,"total":20,"file":"หน่วย 3/a.png",
//!  "status":"read","summary":"ส.ส. 5/18 · แพร่ เขต 1 · หน่วย 3 · 6 rows, valid 614"}
//! ```
//!
//! No image data, no API key and no model text go into an event: the
//! summary is written here from the checked record's numbers.

use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::progress::{BallotError, BallotResult, EngineEvent, ProgressCallback};
use serde::{Deserialize, Serialize};
use std::cell::Cell;

/// The event format's version (`v` in every event).
pub const EVENT_VERSION: u32 = 1;

/// One progress event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// The batch starts with `total` ballots.
    Start { total: usize },
    /// Ballot `current` of `total` has a record.
    Progress {
        current: usize,
        total: usize,
        file: String,
        /// "read", or "review" when a person must look.
        status: String,
        summary: String,
    },
    /// Ballot `current` of `total` ended without a record.
    Error {
        current: usize,
        total: usize,
        file: String,
        /// The failure's kind (`image`, `api`, `retries_exhausted`…).
        kind: String,
        message: String,
    },
    /// Sending pauses: by the user, or for the wait a server asked.
    Pause {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait_ms: Option<u64>,
    },
    /// Sending goes on.
    Resume,
    /// Image data of finished ballots was freed.
    Cleanup { count: u32, released: usize },
    /// The batch ended.
    Complete {
        /// Ballots with a record, of them needing review, and failed.
        read: usize,
        review: usize,
        failed: usize,
    },
}

/// An event with its version, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    #[serde(flatten)]
    pub event: ProgressEvent,
}

impl Envelope {
    pub fn new(event: ProgressEvent) -> Self {
        Envelope {
            v: EVENT_VERSION,
            event,
        }
    }

    /// The event as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A record told in one line, from its checked numbers only.
pub fn summary(r: &BallotRecord) -> String {
    let mut parts = Vec::new();
    if let Some(f) = r.form {
        parts.push(f.label());
    }
    match (&r.province, r.constituency) {
        (Some(p), Some(c)) => parts.push(format!("{p} เขต {c}")),
        (Some(p), None) => parts.push(p.clone()),
        _ => {}
    }
    if let Some(u) = r.polling_unit {
        parts.push(format!("หน่วย {u}"));
    }
    let valid = r.totals.valid.as_ref().and_then(|c| c.digits);
    parts.push(match valid {
        Some(v) => format!("{} rows, valid {v}", r.rows.len()),
        None => format!("{} rows", r.rows.len()),
    });
    parts.join(" · ")
}

/// A kind's name as serde writes it (a variant with fields: its name).
fn kind_name<T: Serialize>(kind: &T) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => o.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// A [`ProgressCallback`] that hands each call, as an [`Envelope`], to
/// `publish`.
pub struct EventCallback<F: Fn(&Envelope)> {
    publish: F,
    total: Cell<usize>,
}

impl<F: Fn(&Envelope)> EventCallback<F> {
    pub fn new(publish: F) -> Self {
        EventCallback {
            publish,
            total: Cell::new(0),
        }
    }

    fn emit(&self, event: ProgressEvent) {
        (self.publish)(&Envelope::new(event));
    }
}

impl<F: Fn(&Envelope)> ProgressCallback for EventCallback<F> {
    fn on_start(&self, total: usize) {
        self.total.set(total);
        self.emit(ProgressEvent::Start { total });
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, r: &BallotResult) {
        let review = r.record.in_review_queue();
        self.emit(ProgressEvent::Progress {
            current,
            total,
            file: path.into(),
            status: if review { "review" } else { "read" }.into(),
            summary: summary(&r.record),
        });
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        self.emit(ProgressEvent::Error {
            current,
            total,
            file: path.into(),
            kind: kind_name(&e.kind),
            message: e.message.clone(),
        });
    }
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]) {
        self.emit(ProgressEvent::Complete {
            read: results.len(),
            review: results
                .iter()
                .filter(|r| r.record.in_review_queue())
                .count(),
            failed: errors.len(),
        });
    }
    fn on_event(&self, e: &EngineEvent) {
        let event = match e {
            EngineEvent::Paused => ProgressEvent::Pause {
                reason: "paused".into(),
                wait_ms: None,
            },
            EngineEvent::ServerPause { wait, status } => ProgressEvent::Pause {
                reason: format!("the server asked for a pause (HTTP {status})"),
                wait_ms: Some(wait.as_millis() as u64),
            },
            EngineEvent::Resumed => ProgressEvent::Resume,
            EngineEvent::MemoryCleanup { count, released } => ProgressEvent::Cleanup {
                count: *count,
                released: *released,
            },
            _ => return,
        };
        self.emit(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::domain::registry::Registry;
    use crate::core::engine::progress::FailureKind;
    use crate::core::read::extract::extract;
    use crate::core::read::validate::validate;
    use std::cell::RefCell;
    use std::time::Duration;

    #[test]
    fn every_event_reads_back_from_its_json() {
        let events = [
            ProgressEvent::Start { total: 20 },
            ProgressEvent::Progress {
                current: 1,
                total: 20,
                file: "หน่วย 1/a.png".into(),
                status: "read".into(),
                summary: "ส.ส. 5/18 · แพร่ เขต 1".into(),
            },
            ProgressEvent::Error {
                current: 2,
                total: 20,
                file: "b.png".into(),
                kind: "api".into(),
                message: "HTTP 400".into(),
            },
            ProgressEvent::Pause {
                reason: "paused".into(),
                wait_ms: None,
            },
            ProgressEvent::Resume,
            ProgressEvent::Cleanup {
                count: 1,
                released: 50,
            },
            ProgressEvent::Complete {
                read: 19,
                review: 2,
                failed: 1,
            },
        ];
        for e in events {
            let json = Envelope::new(e.clone()).to_json();
            assert!(json.starts_with("{\"v\":1,\"type\":"), "{json}");
            let back: Envelope = serde_json::from_str(&json).unwrap();
            assert_eq!(back.event, e);
        }
        let json = Envelope::new(ProgressEvent::Resume).to_json();
        assert_eq!(json, r#"{"v":1,"type":"resume"}"#);
    }

    #[test]
    fn calls_become_events_without_images_keys_or_model_text() {
        let seen = RefCell::new(Vec::new());
        let cb = EventCallback::new(|e: &Envelope| seen.borrow_mut().push(e.to_json()));
        let count = RefCell::new(0);
        let text = r#"{"form_type":"ส.ส. 5/18","province":"แพร่","constituency_number":1,"polling_unit":3,
            "votes":{"1":{"numeric":12,"thai_text":"สิบสอง"}},"district":"SECRET MODEL TEXT"}"#;
        let source = Source {
            file_name: "a.png".into(),
            ..Source::default()
        };
        let record = validate(extract(text, source).unwrap(), &Registry::builtin());
        let result = BallotResult {
            index: 0,
            file: "a.png".into(),
            record,
            attempts: 1,
            copy_of: None,
        };
        let error = BallotError {
            index: 1,
            file: "b.png".into(),
            kind: FailureKind::RetriesExhausted,
            message: "gave up".into(),
            attempts: 5,
            last_status: Some(503),
            copy_of: None,
        };
        // A pair of callbacks is a callback: both hear everything.
        struct Counter<'a>(&'a RefCell<i32>);
        impl ProgressCallback for Counter<'_> {
            fn on_start(&self, _: usize) {
                *self.0.borrow_mut() += 1;
            }
            fn on_progress(&self, _: usize, _: usize, _: &str, _: &BallotResult) {
                *self.0.borrow_mut() += 1;
            }
            fn on_error(&self, _: usize, _: usize, _: &str, _: &BallotError) {
                *self.0.borrow_mut() += 1;
            }
            fn on_complete(&self, _: &[BallotResult], _: &[BallotError]) {
                *self.0.borrow_mut() += 1;
            }
        }
        let pair = (cb, Counter(&count));
        pair.on_start(2);
        pair.on_progress(1, 2, "a.png", &result);
        pair.on_event(&EngineEvent::ServerPause {
            wait: Duration::from_secs(3),
            status: 429,
        });
        pair.on_event(&EngineEvent::Concurrency(4)); // not an event for others
        pair.on_error(2, 2, "b.png", &error);
        pair.on_complete(std::slice::from_ref(&result), std::slice::from_ref(&error));
        let seen = seen.borrow().clone();
        assert_eq!(*count.borrow(), 4);
        assert_eq!(seen.len(), 5);
        assert!(seen[1].contains(r#""status":"review""#) || seen[1].contains(r#""status":"read""#));
        assert!(seen[1].contains("แพร่ เขต 1 · หน่วย 3"), "{}", seen[1]);
        assert!(seen
            .iter()
            .all(|e| !e.contains("SECRET") && !e.contains("base64")));
        assert!(seen[2].contains(r#""wait_ms":3000"#));
        assert!(
            seen[3].contains(r#""kind":"retries_exhausted""#),
            "{}",
            seen[3]
        );
        assert!(seen[4].contains(r#""read":1"#) && seen[4].contains(r#""failed":1"#));
    }
}
