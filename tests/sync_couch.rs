//! Push and pull against a real PouchDB Server (CouchDB-compatible, npm
//! `pouchdb-server`, installed in `couch/server/` by `scripts/setup`),
//! started on a free port with authentication and `couch/setup`'s rules.
//! Without it installed the tests say so and pass, unless
//! `TALLYSCAN_REQUIRE_COUCH=1` (as `make test` sets).

use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tallyscan::core::domain::ballot::Source;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::engine::ports::{LocalBoxFuture, PortError};
use tallyscan::core::engine::testing::{FakeTime, PHRAE_FORM};
use tallyscan::core::read::{extract::extract, validate::validate};
use tallyscan::core::sync::couch::{Couch, SyncError};
use tallyscan::core::sync::doc::FormDoc;
use tallyscan::core::sync::replicate::{pull, push, Pulled, Replica, SyncOptions, Written};
use tallyscan::core::sync::wire::{
    CouchRequest, CouchResponse, CouchTransport, RevsDiff, TransportFailure,
};

const DB: &str = "tallyscan";
const USERS: &str =
    "name,password,role\nsomchai,pw-s,volunteer\nnid,pw-n,volunteer\nboss,pw-b,coordinator\n";

/// A PouchDB Server for one test, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn server() -> Option<Server> {
    let bin = repo().join("couch/server/node_modules/.bin/pouchdb-server");
    if !bin.exists() {
        assert!(
            std::env::var("TALLYSCAN_REQUIRE_COUCH").is_err(),
            "pouchdb-server is not installed (scripts/setup installs it)"
        );
        eprintln!("skipped: pouchdb-server is not installed (scripts/setup installs it)");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("tallyscan-couch-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(&bin)
        .args([
            "--in-memory",
            "--no-stdout-logs",
            "--port",
            &port.to_string(),
        ])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let s = Server {
        child,
        port,
        _dir: dir.clone(),
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "pouchdb-server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let users = dir.join("users.csv");
    std::fs::write(&users, USERS).unwrap();
    let ok = Command::new(repo().join("couch/setup"))
        .args([
            &format!("http://127.0.0.1:{port}"),
            DB,
            "--admin",
            "admin:secret",
            "--create-admin",
        ])
        .arg("--users")
        .arg(&users)
        .status()
        .unwrap()
        .success();
    assert!(ok, "couch/setup failed");
    Some(s)
}

/// HTTP/1.1 over a plain socket, one connection a request, Basic auth (the
/// browser sends the session cookie instead).
struct Tcp {
    port: u16,
    auth: String,
}

fn base64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

impl Tcp {
    fn as_user(port: u16, user: &str, password: &str) -> Tcp {
        Tcp {
            port,
            auth: base64(&format!("{user}:{password}")),
        }
    }

    fn exchange(&self, req: &CouchRequest) -> std::io::Result<CouchResponse> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = req.body.clone().unwrap_or_default();
        write!(
            s,
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            req.method.as_str(),
            req.path,
            self.auth,
            body.len()
        )?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw).to_string();
        let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        Ok(CouchResponse {
            status,
            body: if chunked {
                dechunk(rest)
            } else {
                rest.to_string()
            },
        })
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

impl CouchTransport for Tcp {
    fn send(
        &self,
        req: CouchRequest,
    ) -> LocalBoxFuture<'_, Result<CouchResponse, TransportFailure>> {
        let r = self
            .exchange(&req)
            .map_err(|e| TransportFailure::Network(e.to_string()));
        Box::pin(async move { r })
    }
}

/// A transport that lists the requests it sends.
struct Listed {
    inner: Tcp,
    paths: RefCell<Vec<String>>,
    bodies: RefCell<Vec<String>>,
}

impl Listed {
    fn as_user(port: u16, name: &str, password: &str) -> Listed {
        Listed {
            inner: Tcp::as_user(port, name, password),
            paths: RefCell::default(),
            bodies: RefCell::default(),
        }
    }
}

impl CouchTransport for Listed {
    fn send(
        &self,
        req: CouchRequest,
    ) -> LocalBoxFuture<'_, Result<CouchResponse, TransportFailure>> {
        self.paths.borrow_mut().push(req.path.clone());
        self.bodies
            .borrow_mut()
            .push(req.body.clone().unwrap_or_default());
        self.inner.send(req)
    }
}

/// A device's replica, in memory.
#[derive(Default)]
struct Memory {
    written: RefCell<Vec<Written>>,
    held: RefCell<BTreeMap<String, BTreeSet<String>>>,
    checkpoints: RefCell<BTreeMap<String, Value>>,
    /// Every document pulled, as kept.
    pulled: RefCell<Vec<Pulled>>,
}

impl Memory {
    fn write(&self, doc: FormDoc) {
        self.held
            .borrow_mut()
            .entry(doc.id.clone())
            .or_default()
            .insert(doc.rev().to_string());
        let seq = self.written.borrow().len() as u64 + 1;
        self.written.borrow_mut().push(Written { seq, doc });
    }
}

impl Replica for Memory {
    fn written_since(
        &self,
        since: u64,
        limit: usize,
    ) -> LocalBoxFuture<'_, Result<Vec<Written>, PortError>> {
        let out = self
            .written
            .borrow()
            .iter()
            .filter(|w| w.seq > since)
            .take(limit)
            .cloned()
            .collect();
        Box::pin(async move { Ok(out) })
    }
    fn missing(&self, revs: &RevsDiff) -> LocalBoxFuture<'_, Result<RevsDiff, PortError>> {
        let held = self.held.borrow();
        let out = revs
            .iter()
            .map(|(id, rs)| {
                let have = held.get(id);
                (
                    id.clone(),
                    rs.iter()
                        .filter(|r| !have.is_some_and(|h| h.contains(*r)))
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        Box::pin(async move { Ok(out) })
    }
    fn store_pulled(&self, docs: Vec<Pulled>) -> LocalBoxFuture<'_, Result<(), PortError>> {
        for p in docs {
            self.held
                .borrow_mut()
                .entry(p.doc.id.clone())
                .or_default()
                .insert(p.doc.rev().to_string());
            self.pulled.borrow_mut().push(p);
        }
        Box::pin(async { Ok(()) })
    }
    fn checkpoint(&self, rep_id: &str) -> LocalBoxFuture<'_, Result<Option<Value>, PortError>> {
        let v = self.checkpoints.borrow().get(rep_id).cloned();
        Box::pin(async move { Ok(v) })
    }
    fn set_checkpoint(
        &self,
        rep_id: &str,
        seq: Value,
    ) -> LocalBoxFuture<'_, Result<(), PortError>> {
        self.checkpoints
            .borrow_mut()
            .insert(rep_id.to_string(), seq);
        Box::pin(async { Ok(()) })
    }
}

/// Form `n`'s first reading (image hash from `n`), with row 1 as `votes`.
fn reading(n: u32, votes: u64) -> tallyscan::core::domain::ballot::BallotRecord {
    let source = Source {
        file_name: format!("form-{n}.jpg"),
        sha256: format!("{n:064x}"),
        model: "sim".into(),
        ..Source::default()
    };
    let mut r = validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin());
    r.rows[0].votes.digits = Some(votes);
    r
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    FakeTime::new().run(f)
}

fn leaves(port: u16, id: &str) -> Vec<String> {
    let t = Tcp::as_user(port, "boss", "pw-b");
    let path = format!(
        "/{DB}/{}?open_revs=all",
        tallyscan::core::sync::wire::encode(id)
    );
    let resp = t.exchange(&tallyscan::core::sync::wire::get(path)).unwrap();
    let v: Value = serde_json::from_str(&resp.body).unwrap();
    let mut revs: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["ok"]["_rev"].as_str().map(String::from))
        .collect();
    revs.sort();
    revs
}

#[test]
fn two_volunteers_share_their_forms_identical_once_different_as_a_conflict() {
    let Some(s) = server() else { return };
    let (a, b) = (Memory::default(), Memory::default());
    let opts = SyncOptions {
        push_batch: 3,
        pull_batch: 4,
        // A batch's missing revisions in several _bulk_get requests.
        get_batch: 3,
        ..SyncOptions::default()
    };
    for n in 1..=5 {
        a.write(FormDoc::first(reading(n, 50), "somchai").unwrap());
    }
    for n in 4..=9 {
        // Forms 4 and 5 again: 4 read alike, 5 read differently.
        let votes = if n == 5 { 51 } else { 50 };
        b.write(FormDoc::first(reading(n, votes), "nid").unwrap());
    }
    let ca = Couch::new(Tcp::as_user(s.port, "somchai", "pw-s"), DB);
    let cb = Couch::new(Tcp::as_user(s.port, "nid", "pw-n"), DB);
    run(ca.check_schema()).unwrap();
    let pa = run(push(&ca, &a, "push:a", opts)).unwrap();
    assert_eq!((pa.sent, pa.already, pa.refused.len()), (5, 0, 0));
    let pb = run(push(&cb, &b, "push:b", opts)).unwrap();
    assert_eq!(
        (pb.sent, pb.already),
        (5, 1),
        "form 4, read alike, is already there"
    );
    let again = run(push(&ca, &a, "push:a", opts)).unwrap();
    assert_eq!(
        (again.sent, again.already),
        (0, 0),
        "nothing after the checkpoint"
    );
    let got = run(pull(&ca, &a, "pull:a", opts)).unwrap();
    assert_eq!(
        got.received, 5,
        "6, 7, 8, 9 and nid's reading of 5: {got:?}"
    );
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    let id = |n: u32| tallyscan::core::sync::doc::doc_id(&format!("{n:064x}"), None);
    assert_eq!(leaves(s.port, &id(4)).len(), 1, "read alike: stored once");
    assert_eq!(
        leaves(s.port, &id(5)).len(),
        2,
        "read differently: a conflict"
    );
    assert_eq!(
        a.held.borrow().values().map(BTreeSet::len).sum::<usize>(),
        10
    );
}

#[test]
fn a_volunteer_cannot_change_anothers_reading_but_corrects_their_own() {
    let Some(s) = server() else { return };
    let (a, b) = (Memory::default(), Memory::default());
    let first = FormDoc::first(reading(1, 50), "somchai").unwrap();
    a.write(first.clone());
    let ca = Couch::new(Tcp::as_user(s.port, "somchai", "pw-s"), DB);
    let cb = Couch::new(Tcp::as_user(s.port, "nid", "pw-n"), DB);
    run(push(&ca, &a, "push:a", SyncOptions::default())).unwrap();
    // nid pulls it and "corrects" it: refused, with the reason.
    run(pull(&cb, &b, "pull:b", SyncOptions::default())).unwrap();
    let mut changed = first.record.clone();
    changed.rows[0].votes.digits = Some(5);
    b.write(first.next(changed.clone(), "nid"));
    let pb = run(push(&cb, &b, "push:b", SyncOptions::default())).unwrap();
    assert_eq!(pb.refused.len(), 1, "{pb:?}");
    assert_eq!(pb.refused[0].error, "forbidden");
    // Writing as somebody else is refused too.
    b.write(FormDoc::first(reading(2, 1), "somchai").unwrap());
    let pb = run(push(&cb, &b, "push:b", SyncOptions::default())).unwrap();
    assert_eq!(pb.refused.len(), 1);
    // somchai's own correction is a new revision.
    a.write(first.next(changed, "somchai"));
    let pa = run(push(&ca, &a, "push:a", SyncOptions::default())).unwrap();
    assert_eq!((pa.sent, pa.refused.len()), (1, 0));
    let id = tallyscan::core::sync::doc::doc_id(&format!("{:064x}", 1), None);
    let leaves = leaves(s.port, &id);
    assert_eq!(leaves.len(), 1);
    assert!(leaves[0].starts_with("2-"), "{leaves:?}");
}

/// A pull keeps first revisions as the changes feed carried them, and
/// fetches by `_bulk_get` only what it cannot carry whole: a correction
/// (its history) and a form's second reading (a conflict's other leaf).
#[test]
fn a_pull_fetches_only_what_the_changes_did_not_carry() {
    let Some(s) = server() else { return };
    let (a, b) = (Memory::default(), Memory::default());
    let mut written = Vec::new();
    for n in 1..=7 {
        written.push(FormDoc::first(reading(n, 50), "somchai").unwrap());
    }
    let changed = reading(2, 60);
    let corrected = written[1].next(changed, "somchai");
    written.iter().for_each(|d| a.write(d.clone()));
    a.write(corrected.clone());
    b.write(FormDoc::first(reading(3, 70), "nid").unwrap());
    let ca = Couch::new(Tcp::as_user(s.port, "somchai", "pw-s"), DB);
    let cb = Couch::new(Tcp::as_user(s.port, "nid", "pw-n"), DB);
    run(push(&ca, &a, "push:a", SyncOptions::default())).unwrap();
    run(push(&cb, &b, "push:b", SyncOptions::default())).unwrap();

    let boss = Memory::default();
    let listed = Listed::as_user(s.port, "boss", "pw-b");
    let cc = Couch::new(listed, DB);
    let opts = SyncOptions {
        pull_batch: 3,
        get_batch: 2,
        ..SyncOptions::default()
    };
    let report = run(pull(&cc, &boss, "pull:boss", opts)).unwrap();
    assert_eq!(report.received, 8, "{report:?}");
    assert!(report.skipped.is_empty(), "{report:?}");
    let paths = cc.transport.paths.borrow().clone();
    let gets: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(_, p)| p.contains("_bulk_get"))
        .map(|(i, _)| i)
        .collect();
    let asked: String = gets
        .iter()
        .map(|&i| cc.transport.bodies.borrow()[i].clone())
        .collect();
    // Form 2 at its correction, and form 3's two readings: the winner came
    // with the changes, but a document of two leaves is fetched whole.
    let pair = |d: &FormDoc| format!(r#"{{"id":"{}","rev":"{}"}}"#, d.id, d.rev());
    assert!(asked.contains(&pair(&corrected)), "{asked}");
    for (i, d) in written.iter().enumerate() {
        let fetched = asked.contains(&pair(d));
        assert_eq!(fetched, i == 2, "form {}: {asked}", i + 1);
    }
    let kept = boss.pulled.borrow();
    for d in written.iter().filter(|d| d.id != corrected.id) {
        let p = kept
            .iter()
            .find(|p| p.doc.id == d.id && p.doc.rev() == d.rev());
        let p = p.unwrap_or_else(|| panic!("{} not kept", d.id));
        assert_eq!(&p.doc, d, "kept as written");
        assert_eq!(FormDoc::from_text(&p.text).as_ref(), Ok(d), "its text too");
    }
    let c = kept
        .iter()
        .find(|p| p.doc.rev() == corrected.rev())
        .unwrap();
    assert_eq!(c.doc.history, corrected.history, "with its history");

    // Another device's first load opens with a short page, then full ones.
    let listed = Listed::as_user(s.port, "boss", "pw-b");
    let cd = Couch::new(listed, DB);
    let opts = SyncOptions {
        first_batch: Some(1),
        ..opts
    };
    let report = run(pull(&cd, &Memory::default(), "pull:boss2", opts)).unwrap();
    assert_eq!(report.received, 8, "{report:?}");
    let limits: Vec<String> = cd
        .transport
        .paths
        .borrow()
        .iter()
        .filter(|p| p.contains("_changes"))
        .filter_map(|p| p.split("limit=").nth(1))
        .map(|l| l.split('&').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(limits, ["1", "3", "3", "3"], "a page of 1, then of 3");
}

#[test]
fn wrong_passwords_and_missing_databases_say_what_to_do() {
    let Some(s) = server() else { return };
    let bad = Couch::new(Tcp::as_user(s.port, "somchai", "wrong"), DB);
    assert_eq!(run(bad.check_schema()), Err(SyncError::Unauthorized));
    let none = Couch::new(Tcp::as_user(s.port, "admin", "secret"), "nosuchdb");
    assert!(
        matches!(run(none.check_schema()), Err(SyncError::NoDatabase(_))),
        "{:?}",
        run(none.check_schema())
    );
    // A database not set up by couch/setup has no schema: refused.
    let admin = Tcp::as_user(s.port, "admin", "secret");
    admin
        .exchange(&tallyscan::core::sync::wire::with_body(
            tallyscan::core::sync::wire::Method::Put,
            "/plain".into(),
            &serde_json::json!({}),
        ))
        .unwrap();
    let plain = Couch::new(Tcp::as_user(s.port, "admin", "secret"), "plain");
    let got = run(plain.check_schema());
    assert!(matches!(got, Err(SyncError::Schema { .. })), "{got:?}");
}
