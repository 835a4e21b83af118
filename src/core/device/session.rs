//! What a batch leaves on the device so it survives a reload, a crash or a
//! closed tab (the browser keeps it in IndexedDB, `web::store`): the batch
//! and its files, and every finished ballot. From them: which ballots a
//! resumed batch still has to send, and the session file volunteers hand
//! to a coordinator, merged by content hash.
//!
//! The shapes are plain serde structs: one document per ballot keyed by
//! (batch, index) with the record inside, so they can later sync to a
//! replicated document store.

use crate::core::domain::ballot::BallotRecord;
use crate::core::engine::progress::{
    BallotError, BallotOutcome, BallotResult, EngineEvent, FailureKind, ProgressCallback,
};
use serde::{Deserialize, Serialize};

/// The storage schema's version; `web::store` migrates older ones.
pub const SCHEMA_VERSION: u32 = 2;

/// A picked file, as the batch remembers it (not its bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Name (or path within the picked folder).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// `File.lastModified`, ms since the epoch.
    pub last_modified: f64,
    /// When the item is a page of a PDF: its page (the name is then
    /// `pdf::page_name` of the file's path, the size the PDF's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl FileEntry {
    /// The picked file's own name (a PDF's, for each of its pages).
    pub fn file_name(&self) -> &str {
        match self.page {
            Some(_) => crate::core::read::pdf::split_page_name(&self.name).0,
            None => &self.name,
        }
    }
}

/// The settings a batch ran with (never the key).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BatchSettingsRecord {
    /// API dialect id.
    pub kind: String,
    /// Base URL.
    pub endpoint: String,
    /// Model.
    pub model: String,
    /// Requests per minute.
    pub per_minute: f64,
}

/// A batch on the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchMeta {
    /// Unique id ("b" and its start time).
    pub id: String,
    /// Started at, ms since the epoch.
    pub started_unix_ms: f64,
    /// The picked files, in order (index = position).
    pub files: Vec<FileEntry>,
    /// The run ended (completed, cancelled or stopped); `false` means it
    /// was cut off (a reload, a crash, a closed tab) and can be resumed.
    pub ended: bool,
    /// The image files are kept with the batch (a resume needs no re-pick).
    pub images_kept: bool,
    /// How it ran.
    pub settings: BatchSettingsRecord,
    /// For a session imported from another device: its file and volunteer.
    #[serde(default)]
    pub imported_from: Option<String>,
}

/// A finished ballot as the device keeps it: one document per ballot, its
/// id the image's SHA-256 (or "batch/index" when no image was read), with a
/// revision that each correction raises, so it can later sync to a
/// replicated document store. Stored under (batch, index).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotDoc {
    /// Content identity.
    pub id: String,
    /// 1 when read; each later change adds one.
    pub rev: u32,
    /// The batch.
    pub batch: String,
    /// Position in the batch.
    pub index: usize,
    /// The result or the error.
    pub outcome: BallotOutcome,
}

impl BallotDoc {
    /// The document of a ballot: revision 1 when read, one more for each
    /// correction or acceptance a person made since.
    pub fn new(batch: &str, outcome: BallotOutcome) -> Self {
        let rev = match &outcome {
            BallotOutcome::Result(r) => {
                let record = &r.record;
                1 + record.audit.len() as u32 + u32::from(record.accepted.is_some())
            }
            BallotOutcome::Error(_) => 1,
        };
        let index = outcome.index();
        let id = match &outcome {
            BallotOutcome::Result(r) if !r.record.source.sha256.is_empty() => {
                let s = &r.record.source;
                match s.page {
                    Some(p) => format!("{}#page={p}", s.sha256),
                    None => s.sha256.clone(),
                }
            }
            _ => format!("{batch}/{index}"),
        };
        BallotDoc {
            id,
            rev,
            batch: batch.into(),
            index,
            outcome,
        }
    }
}

/// What a resumed batch does.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePlan {
    /// Ballots already finished: shown, never sent again.
    pub done: Vec<BallotOutcome>,
    /// Indices still to send.
    pub to_send: Vec<usize>,
}

/// The plan to resume `meta` from the ballots kept for it.
pub fn resume_plan(meta: &BatchMeta, mut kept: Vec<BallotOutcome>) -> ResumePlan {
    let finished = |k: &BallotOutcome| match k {
        BallotOutcome::Result(_) => true,
        BallotOutcome::Error(e) => !e.kind.is_unfinished(),
    };
    kept.retain(|k| k.index() < meta.files.len() && finished(k));
    kept.sort_by_key(BallotOutcome::index);
    kept.dedup_by_key(|k| k.index());
    let to_send = (0..meta.files.len())
        .filter(|i| kept.binary_search_by_key(i, BallotOutcome::index).is_err())
        .collect();
    ResumePlan {
        done: kept,
        to_send,
    }
}

/// What a resumed run is given: the rows to show again (finished before,
/// and "not started" for files that are missing now) and the indices the
/// engine must not send.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResumeRun {
    /// Shown again, in index order, before the engine reports new rows.
    pub replay: Vec<BallotOutcome>,
    /// Given to the engine as `BatchOptions::already_done`.
    pub already_done: Vec<usize>,
}

/// The run that resumes `plan` when only the files `present[i]` are at
/// hand (images not kept and not all picked again): the missing ones end
/// as [`FailureKind::Missing`], and are not stored as finished, so a later
/// resume with the right folder still reads them.
pub fn resume_run(meta: &BatchMeta, plan: ResumePlan, present: &[bool]) -> ResumeRun {
    let mut replay = plan.done;
    for &i in &plan.to_send {
        if !present.get(i).copied().unwrap_or(false) {
            replay.push(BallotOutcome::Error(BallotError {
                index: i,
                file: meta.files[i].name.clone(),
                kind: FailureKind::Missing,
                message: "not started: the file was not picked again".into(),
                attempts: 0,
                last_status: None,
                copy_of: None,
            }));
        }
    }
    replay.sort_by_key(BallotOutcome::index);
    let already_done = replay.iter().map(BallotOutcome::index).collect();
    ResumeRun {
        replay,
        already_done,
    }
}

/// A [`ProgressCallback`] that, when the batch starts, reports again the
/// rows of an earlier run (so every view and log shows the whole batch),
/// then passes everything through.
pub struct Replay<'a> {
    /// Where reports go.
    pub inner: &'a dyn ProgressCallback,
    /// The rows to show again.
    pub rows: &'a [BallotOutcome],
}

impl ProgressCallback for Replay<'_> {
    fn on_start(&self, total: usize) {
        self.inner.on_start(total);
        for (k, row) in self.rows.iter().enumerate() {
            match row {
                BallotOutcome::Result(r) => self.inner.on_progress(k + 1, total, &r.file, r),
                BallotOutcome::Error(e) => self.inner.on_error(k + 1, total, &e.file, e),
            }
        }
        self.inner.on_event(&EngineEvent::Replayed(self.rows.len()));
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, r: &BallotResult) {
        self.inner.on_progress(current, total, path, r)
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        self.inner.on_error(current, total, path, e)
    }
    fn on_complete(&self, results: &[BallotResult], errors: &[BallotError]) {
        self.inner.on_complete(results, errors)
    }
    fn on_event(&self, e: &EngineEvent) {
        self.inner.on_event(e)
    }
}

/// The batches the results view shows after a reload: the latest batch
/// run on this device and the sessions imported after it.
pub fn in_view(batches: &[BatchMeta]) -> &[BatchMeta] {
    let from = batches
        .iter()
        .rposition(|b| b.imported_from.is_none())
        .unwrap_or(0);
    &batches[from..]
}

/// The latest batch that was cut off and can be resumed.
pub fn resumable(batches: &[BatchMeta]) -> Option<&BatchMeta> {
    in_view(batches)
        .first()
        .filter(|b| !b.ended && b.imported_from.is_none())
}

/// For each file of a batch, the picked file that is the same one (same
/// name and size, and the same time stamp when there are several), when
/// the volunteer picks the folder again to resume a batch whose images
/// were not kept.
pub fn match_files(batch: &[FileEntry], picked: &[FileEntry]) -> Vec<Option<usize>> {
    batch
        .iter()
        .map(|f| {
            let same = |p: &&FileEntry| p.name == f.file_name() && p.size == f.size;
            let candidates: Vec<usize> = picked
                .iter()
                .enumerate()
                .filter(|(_, p)| same(p))
                .map(|(i, _)| i)
                .collect();
            match candidates.as_slice() {
                [one] => Some(*one),
                [] => None,
                many => many
                    .iter()
                    .copied()
                    .find(|i| picked[*i].last_modified == f.last_modified)
                    .or(Some(many[0])),
            }
        })
        .collect()
}

/// The session file's format name.
pub const SESSION_FORMAT: &str = "tallyscan.session";

/// A session handed from a volunteer to a coordinator: the records read
/// (with corrections and their audit trail once people correct), and the
/// batch they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFile {
    /// [`SESSION_FORMAT`].
    pub format: String,
    /// [`SCHEMA_VERSION`].
    pub version: u32,
    /// Who exported it (free text the volunteer gives, may be empty).
    #[serde(default)]
    pub volunteer: String,
    /// The batch.
    pub batch: BatchMeta,
    /// Every finished ballot.
    pub outcomes: Vec<BallotOutcome>,
    /// The images, when the volunteer chose to include them.
    #[serde(default)]
    pub images: Vec<SessionImage>,
}

/// An image inside a session file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionImage {
    /// The ballot's index in the batch.
    pub index: usize,
    /// Its file name.
    pub name: String,
    /// The bytes, base64.
    pub data: String,
}

impl SessionImage {
    pub fn new(index: usize, name: &str, bytes: &[u8]) -> Self {
        use base64::Engine as _;
        SessionImage {
            index,
            name: name.into(),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }
    /// The image's bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&self.data)
            .map_err(|e| format!("the image {} in the session is damaged: {e}", self.name))
    }
}

/// The batch an imported session becomes on this device (ended, with the
/// session's file and volunteer recorded).
pub fn imported_batch(s: &SessionFile, file_name: &str, id: String, now_unix_ms: f64) -> BatchMeta {
    let from = if s.volunteer.is_empty() {
        file_name.to_string()
    } else {
        format!("{file_name} ({})", s.volunteer)
    };
    BatchMeta {
        id,
        started_unix_ms: now_unix_ms,
        ended: true,
        images_kept: !s.images.is_empty(),
        imported_from: Some(from),
        ..s.batch.clone()
    }
}

/// What merging sessions gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Merged {
    /// The records, each content once (a form read differently by two
    /// volunteers is kept twice: the tally reports the conflict).
    pub records: Vec<BallotRecord>,
    /// Exact duplicates dropped (same image, same reading).
    pub duplicates: usize,
    /// Images read differently in two sessions: (file in one, file in the other).
    pub conflicts: Vec<(String, String)>,
}

fn same_reading(a: &BallotRecord, b: &BallotRecord) -> bool {
    let rows = |r: &BallotRecord| {
        r.rows
            .iter()
            .map(|x| (x.number, x.votes.digits))
            .collect::<Vec<_>>()
    };
    rows(a) == rows(b) && a.totals.digits() == b.totals.digits()
}

/// The records of sessions' finished ballots.
pub fn session_records(sessions: &[SessionFile]) -> impl Iterator<Item = &BallotRecord> {
    sessions
        .iter()
        .flat_map(|s| &s.outcomes)
        .filter_map(|o| match o {
            BallotOutcome::Result(r) => Some(&r.record),
            BallotOutcome::Error(_) => None,
        })
}

/// Merges records from other sessions into those held, by the image's
/// SHA-256: the same image read the same way counts once; read
/// differently, both are kept and listed as a conflict for review.
pub fn merge<'a>(
    held: &[BallotRecord],
    incoming: impl IntoIterator<Item = &'a BallotRecord>,
) -> Merged {
    let mut out = Merged {
        records: held.to_vec(),
        ..Merged::default()
    };
    for r in incoming {
        let same_image: Vec<&BallotRecord> = out
            .records
            .iter()
            .filter(|x| r.source.same_image(&x.source))
            .collect();
        if same_image.iter().any(|x| same_reading(x, r)) {
            out.duplicates += 1;
            continue;
        }
        if let Some(other) = same_image.first() {
            out.conflicts
                .push((other.source.file_name.clone(), r.source.file_name.clone()));
        }
        out.records.push(r.clone());
    }
    out
}

/// A typed value from JSON text, through `serde_json::Value`: the app
/// reads every typed value that way (exports too), so each type's
/// `Deserialize` is in the wasm bundle once, not once per input kind.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// Reads a session file.
pub fn read_session(text: &str) -> Result<SessionFile, String> {
    let s: SessionFile = decode(text.trim_start_matches('\u{feff}'))?;
    if s.format != SESSION_FORMAT {
        return Err(format!(
            "this file is \"{}\", not a TallyScan session",
            s.format
        ));
    }
    if s.version > SCHEMA_VERSION {
        return Err(format!(
            "this session is version {}; this TallyScan reads up to version {SCHEMA_VERSION}",
            s.version
        ));
    }
    Ok(s)
}

/// Writes a session file.
pub fn write_session(
    batch: &BatchMeta,
    outcomes: &[BallotOutcome],
    volunteer: &str,
    images: Vec<SessionImage>,
) -> String {
    let s = SessionFile {
        format: SESSION_FORMAT.into(),
        version: SCHEMA_VERSION,
        volunteer: volunteer.into(),
        batch: batch.clone(),
        outcomes: outcomes.to_vec(),
        images,
    };
    serde_json::to_string(&s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::engine::progress::{BallotError, BallotResult, FailureKind};
    use crate::core::read::extract::extract;

    fn file(name: &str, size: u64) -> FileEntry {
        FileEntry {
            name: name.into(),
            size,
            last_modified: 1.0,
            page: None,
        }
    }

    fn meta(n: usize) -> BatchMeta {
        BatchMeta {
            id: "b1".into(),
            started_unix_ms: 0.0,
            files: (0..n)
                .map(|i| file(&format!("f{i}.png"), 100 + i as u64))
                .collect(),
            ended: false,
            images_kept: true,
            settings: BatchSettingsRecord::default(),
            imported_from: None,
        }
    }

    fn result(index: usize, text: &str, sha: &str, name: &str) -> BallotOutcome {
        let source = Source {
            file_name: name.into(),
            sha256: sha.into(),
            ..Source::default()
        };
        BallotOutcome::Result(BallotResult {
            index,
            file: name.into(),
            record: extract(text, source).unwrap(),
            attempts: 1,
            copy_of: None,
        })
    }

    fn error(index: usize) -> BallotOutcome {
        BallotOutcome::Error(BallotError {
            index,
            file: format!("f{index}.png"),
            kind: FailureKind::Api,
            message: "HTTP 400".into(),
            attempts: 1,
            last_status: Some(400),
            copy_of: None,
        })
    }

    #[test]
    fn resume_sends_only_what_did_not_finish() {
        let form = r#"{"form_type":"5/18","votes":{"1":3}}"#;
        let kept = vec![
            error(3),
            result(0, form, "a", "f0.png"),
            result(0, form, "a", "f0.png"),
            result(9, form, "z", "x"),
        ];
        let plan = resume_plan(&meta(5), kept);
        assert_eq!(
            plan.done
                .iter()
                .map(BallotOutcome::index)
                .collect::<Vec<_>>(),
            vec![0, 3]
        );
        assert_eq!(plan.to_send, vec![1, 2, 4]);
    }

    #[test]
    fn a_ballot_document_is_keyed_by_its_image() {
        let doc = BallotDoc::new("b1", result(4, r#"{"form_type":"5/18"}"#, "ab12", "x.png"));
        assert_eq!((doc.id.as_str(), doc.rev, doc.index), ("ab12", 1, 4));
        assert_eq!(BallotDoc::new("b1", error(2)).id, "b1/2");
        let back: BallotDoc = decode(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn unfinished_rows_are_sent_again() {
        let mut stopped = error(1);
        if let BallotOutcome::Error(e) = &mut stopped {
            e.kind = FailureKind::CancelledAfterSending;
        }
        let plan = resume_plan(&meta(3), vec![stopped, error(2)]);
        assert_eq!(plan.to_send, vec![0, 1]);
    }

    #[test]
    fn missing_files_end_not_started_and_are_not_sent() {
        let m = meta(4);
        let plan = resume_plan(&m, vec![error(2)]);
        let run = resume_run(&m, plan, &[true, false, true]);
        assert_eq!(run.already_done, vec![1, 2, 3]);
        let kinds: Vec<_> = run
            .replay
            .iter()
            .map(|o| match o {
                BallotOutcome::Error(e) => (e.index, e.kind.clone(), e.file.clone()),
                BallotOutcome::Result(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (1, FailureKind::Missing, "f1.png".to_string()),
                (2, FailureKind::Api, "f2.png".to_string()),
                (3, FailureKind::Missing, "f3.png".to_string()),
            ]
        );
    }

    #[test]
    fn replay_reports_earlier_rows_first_and_counts_on() {
        use crate::core::engine::testing::RecordingProgress;
        let rec = RecordingProgress::default();
        let rows = vec![
            result(0, r#"{"form_type":"5/18","votes":{"1":3}}"#, "a", "f0.png"),
            error(2),
        ];
        let replay = Replay {
            inner: &rec,
            rows: &rows,
        };
        replay.on_start(3);
        let log = rec.lines();
        assert_eq!(log[0], "start 3");
        assert_eq!(log[1], "progress 1/3 f0.png");
        assert_eq!(log[2], "error 2/3 f2.png");
        assert!(log[3].starts_with("event Replayed(2)"), "{log:?}");
    }

    #[test]
    fn the_view_is_the_latest_run_and_later_imports() {
        let at = |id: &str, t: f64, imported: bool, ended: bool| BatchMeta {
            id: id.into(),
            started_unix_ms: t,
            ended,
            imported_from: imported.then(|| "x.json".to_string()),
            ..meta(1)
        };
        let all = vec![
            at("old", 1.0, false, false),
            at("i0", 2.0, true, true),
            at("run", 3.0, false, false),
            at("i1", 4.0, true, true),
        ];
        let ids: Vec<_> = in_view(&all).iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, vec!["run", "i1"]);
        assert_eq!(resumable(&all).map(|b| b.id.as_str()), Some("run"));
        assert_eq!(resumable(&all[..2]).map(|b| b.id.as_str()), Some("old"));
        assert_eq!(resumable(&all[1..2]), None);
        assert!(in_view(&[]).is_empty());
    }

    #[test]
    fn picked_files_are_matched_to_the_batch() {
        let batch = vec![file("a.png", 1), file("b.png", 2), file("c.png", 3)];
        let mut again = file("b.png", 2);
        again.last_modified = 7.0;
        let picked = vec![file("c.png", 3), again, file("a.png", 99)];
        assert_eq!(match_files(&batch, &picked), vec![None, Some(1), Some(0)]);
        // Each page of a PDF is matched to the PDF picked again.
        let page = |p: u32| FileEntry {
            name: crate::core::read::pdf::page_name("d/scan.pdf", p),
            page: Some(p),
            ..file("", 50)
        };
        let picked = vec![file("c.png", 3), file("d/scan.pdf", 50)];
        assert_eq!(
            match_files(&[page(1), page(2), file("c.png", 3)], &picked),
            vec![Some(1), Some(1), Some(0)]
        );
    }

    #[test]
    fn sessions_merge_by_content_and_show_conflicts() {
        let form = |v: u32| {
            format!(
                r#"{{"form_type":"5/18","province":"แพร่","constituency_number":1,"votes":{{"1":{v}}}}}"#
            )
        };
        let mine = vec![match result(0, &form(3), "aa", "u1.png") {
            BallotOutcome::Result(r) => r.record,
            _ => unreachable!(),
        }];
        let theirs = SessionFile {
            format: SESSION_FORMAT.into(),
            version: SCHEMA_VERSION,
            volunteer: "นิด".into(),
            batch: meta(3),
            outcomes: vec![
                result(0, &form(3), "aa", "scan-1.png"), // the same, read the same: once
                result(1, &form(8), "aa", "scan-1b.png"), // the same image read differently
                result(2, &form(5), "bb", "u2.png"),     // new
                error(3),
            ],
            images: vec![SessionImage::new(2, "u2.png", b"\x89PNG")],
        };
        let text = write_session(&theirs.batch, &theirs.outcomes, "นิด", theirs.images.clone());
        let back = read_session(&text).unwrap();
        assert_eq!(back, theirs);
        assert_eq!(back.images[0].bytes().unwrap(), b"\x89PNG");
        let local = imported_batch(&back, "nid.json", "b9".into(), 5.0);
        assert_eq!(local.imported_from.as_deref(), Some("nid.json (นิด)"));
        assert!(local.ended && local.images_kept && local.id == "b9");
        let sessions = [back];
        let m = merge(&mine, session_records(&sessions));
        assert_eq!((m.records.len(), m.duplicates), (3, 1));
        assert_eq!(
            m.conflicts,
            vec![("u1.png".to_string(), "scan-1b.png".to_string())]
        );
        assert!(read_session(r#"{"format":"x","version":1,"batch":{},"outcomes":[]}"#).is_err());
    }
}
