//! The shared database as the page uses it: where it is and who is logged
//! in, what this device's replica holds, and syncing (after each form, on
//! a timer, on "sync now"). Push and pull are `core::sync::replicate`; the
//! replica is `web::replica`; this file moves data between them and the
//! signals. The password is sent once to `_session` and never kept.

use super::i18n::Lang;
use crate::core::api::endpoint::parse_endpoint;
use crate::core::domain::ballot::BallotRecord;
use crate::core::sync::couch::{login_request, read_session, Couch, SyncError};
use crate::core::sync::doc::FormDoc;
use crate::core::sync::replicate::{pull, push, Refused, SyncOptions};
use crate::core::sync::share::{add_held, to_write, SharedView};
use crate::core::sync::wire::{self, CouchTransport, Method};
use crate::web::{self, couch::FetchCouch, replica::IdbReplica};
use leptos::prelude::*;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

const KEY_SERVER: &str = "tallyscan.sync.server";
const KEY_DB: &str = "tallyscan.sync.db";
const KEY_IMAGES: &str = "tallyscan.sync.images";
const KEY_DEVICE: &str = "device";

/// Finds a record's image on this device (the batch in view).
pub type ImageFinder = Rc<
    dyn Fn(
        BallotRecord,
    ) -> crate::core::engine::ports::LocalBoxFuture<'static, Option<web_sys::File>>,
>;

/// Who is logged in: name and roles.
pub type Account = (String, Vec<String>);

/// Whether `account` is a coordinator's (the role, or a server admin).
pub fn coordinates(account: &Option<Account>) -> bool {
    account
        .as_ref()
        .is_some_and(|(_, roles)| roles.iter().any(|r| r == "coordinator" || r == "_admin"))
}

/// The shared database's state, as signals.
#[derive(Clone, Copy)]
pub struct SyncStore {
    pub server: RwSignal<String>,
    pub db: RwSignal<String>,
    pub account: RwSignal<Option<Account>>,
    pub busy: RwSignal<bool>,
    /// The last sync's failure (none: it went well).
    pub error: RwSignal<Option<SyncError>>,
    /// When the last sync ended well (ms since the epoch).
    pub last_ms: RwSignal<Option<f64>>,
    /// Writes made here not yet on the server.
    pub waiting: RwSignal<u32>,
    pub refused: RwSignal<Vec<Refused>>,
    pub skipped: RwSignal<Vec<String>>,
    pub view: RwSignal<SharedView>,
    /// Send each form's image too (as an attachment).
    pub images: RwSignal<bool>,
    /// The national picture (for coordinators), and a counter of its changes.
    pub national: StoredValue<crate::core::sync::national::National, LocalStorage>,
    pub national_rev: RwSignal<u32>,
    /// Documents in the database (for a coordinator's first load), and
    /// whether the national picture has caught up with it.
    pub total: RwSignal<u64>,
    pub caught_up: RwSignal<bool>,
    /// When the national picture last told the page (ms, a throttle).
    pub(super) told_ms: StoredValue<f64, LocalStorage>,
    finder: StoredValue<Option<ImageFinder>, LocalStorage>,
    /// A coordinator's page follows the database (a long poll at a time).
    pub(super) following: StoredValue<bool, LocalStorage>,
    /// Every revision the replica holds, by document, read once and then
    /// kept up to date here (a sync never reads the whole replica again).
    held: StoredValue<Option<BTreeMap<String, Vec<FormDoc>>>, LocalStorage>,
    pub(super) replica: StoredValue<Option<IdbReplica>, LocalStorage>,
    /// A sync asked for while one runs: run again after it.
    again: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl SyncStore {
    pub fn new() -> Self {
        SyncStore {
            server: RwSignal::new(web::storage::get(KEY_SERVER).unwrap_or_default()),
            db: RwSignal::new(web::storage::get(KEY_DB).unwrap_or_else(|| "tallyscan".into())),
            account: RwSignal::new(None),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            last_ms: RwSignal::new(None),
            waiting: RwSignal::new(0),
            refused: RwSignal::new(Vec::new()),
            skipped: RwSignal::new(Vec::new()),
            view: RwSignal::new(SharedView::default()),
            images: RwSignal::new(web::storage::get(KEY_IMAGES).as_deref() == Some("1")),
            national: StoredValue::new_local(Default::default()),
            national_rev: RwSignal::new(0),
            total: RwSignal::new(0),
            caught_up: RwSignal::new(false),
            told_ms: StoredValue::new_local(0.0),
            finder: StoredValue::new_local(None),
            held: StoredValue::new_local(None),
            following: StoredValue::new_local(false),
            replica: StoredValue::new_local(None),
            again: StoredValue::new_local(Rc::new(Cell::new(false))),
        }
    }

    /// The replica, once the device's store is open, and where images are.
    pub fn attach(&self, store: Rc<web::store::Store>, finder: ImageFinder) {
        self.replica.set_value(Some(IdbReplica::new(store)));
        self.finder.set_value(Some(finder));
    }

    /// Sends images with the forms from now on (or not).
    pub fn set_images(&self, on: bool) {
        self.images.set(on);
        web::storage::set(KEY_IMAGES, if on { "1" } else { "0" });
    }

    /// Attaches each document's image, when images are sent and the image
    /// is on this device (a form whose image is not stays without one).
    async fn with_images(&self, docs: &mut [crate::core::sync::doc::FormDoc]) {
        let Some(find) = self
            .finder
            .get_value()
            .filter(|_| self.images.get_untracked())
        else {
            return;
        };
        for doc in docs.iter_mut() {
            let Some(file) = find(doc.record.clone()).await else {
                continue;
            };
            if let Ok(bytes) = web::files::read_bytes(&file).await {
                use base64::Engine as _;
                let content_type = Some(file.type_())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "image/jpeg".into());
                let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                doc.image = Some(crate::core::sync::doc::Image {
                    content_type,
                    base64,
                });
            }
        }
    }

    pub(super) fn couch(&self) -> Couch<FetchCouch> {
        Couch::new(
            FetchCouch::new(&self.server.get_untracked()),
            &self.db.get_untracked(),
        )
    }

    /// The national picture's redraw count, `hops` tasks after it
    /// changes (to be read inside a component). The coordinator's views
    /// redraw one after another, each in a task of its own: all at once
    /// was one task of up to 60 ms.
    pub fn national_later(&self, hops: u32) -> RwSignal<u32> {
        let rev = self.national_rev;
        let later = RwSignal::new(rev.get_untracked());
        Effect::new(move |_| hop(later, rev.get(), hops));
        later
    }

    /// Logged in as a coordinator.
    pub fn is_coordinator(&self) -> bool {
        self.account.with_untracked(coordinates)
    }

    pub(super) fn me(&self) -> Option<String> {
        self.account.get_untracked().map(|(name, _)| name)
    }

    /// Logs in (the server keeps the session in a cookie), then syncs.
    pub async fn log_in(self, name: String, password: String, records: Vec<BallotRecord>) {
        self.error.set(None);
        let server = self.server.get_untracked();
        if let Err(e) = parse_endpoint(&server, web::page_is_https()) {
            return self.error.set(Some(SyncError::Address(e.to_string())));
        }
        web::storage::set(KEY_SERVER, &server);
        web::storage::set(KEY_DB, &self.db.get_untracked());
        let couch = self.couch();
        let answer = couch.transport.send(login_request(&name, &password)).await;
        drop(password);
        match answer {
            Ok(r) if r.status == 200 => match read_session(&r.body) {
                Some(account) => self.account.set(Some(account)),
                None => return self.error.set(Some(SyncError::Malformed(r.body))),
            },
            Ok(r) if r.status == 401 => return self.error.set(Some(SyncError::Unauthorized)),
            Ok(r) => {
                return self.error.set(Some(SyncError::Server {
                    status: r.status,
                    error: String::new(),
                    reason: r.body,
                }))
            }
            Err(e) => return self.error.set(Some(e.into())),
        }
        leptos::task::spawn_local(self.follow());
        self.sync(records).await;
    }

    /// Finds a session still open (after a reload).
    pub async fn restore(self) {
        if self.server.get_untracked().is_empty() {
            return;
        }
        let couch = self.couch();
        if let Ok(r) = couch.transport.send(wire::get("/_session".into())).await {
            if let Some(account) = read_session(&r.body) {
                self.account.set(Some(account));
                self.refresh().await;
                leptos::task::spawn_local(self.follow());
            }
        }
    }

    pub async fn log_out(self) {
        let couch = self.couch();
        let req = wire::CouchRequest {
            method: Method::Delete,
            path: "/_session".into(),
            body: None,
        };
        let _ = couch.transport.send(req).await;
        self.account.set(None);
    }

    /// Writes what changed of `records` to the replica, then pushes and
    /// pulls. A sync asked for during another runs once after it.
    pub async fn sync(self, records: Vec<BallotRecord>) {
        let (Some(replica), Some(me)) = (self.replica.get_value(), self.me()) else {
            return;
        };
        if self.busy.get_untracked() {
            return self.again.with_value(|a| a.set(true));
        }
        self.busy.set(true);
        if let Err(e) = self.share(&replica, &records, &me).await {
            self.error.set(Some(e));
        }
        loop {
            self.again.with_value(|a| a.set(false));
            let result = self.exchange(&replica).await;
            if result == Err(SyncError::Unauthorized) {
                // The session expired: ask again; what waits stays queued.
                self.account.set(None);
            }
            self.error.set(result.err());
            if !self.again.with_value(|a| a.get()) {
                break;
            }
        }
        self.refresh().await;
        self.busy.set(false);
    }

    async fn share(
        &self,
        replica: &IdbReplica,
        records: &[BallotRecord],
        me: &str,
    ) -> Result<(), SyncError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut docs = if self.is_coordinator() {
            // A coordinator's page holds the national picture, not every
            // revision: the replica is asked about these records only.
            let ids: Vec<String> = records
                .iter()
                .filter_map(crate::core::sync::doc::id_of)
                .collect();
            let held = replica.revisions_of(&ids).await?;
            to_write(records, &held, me)
        } else {
            self.load_held(replica).await?;
            self.held
                .with_value(|h| h.as_ref().map(|h| to_write(records, h, me)))
                .unwrap_or_default()
        };
        self.with_images(&mut docs).await;
        if !docs.is_empty() {
            replica.write(&docs).await?;
            docs.iter_mut().for_each(|d| d.image = None);
            self.hold(docs).await;
        }
        Ok(())
    }

    /// Reads the replica's revisions once (then they are kept up to date).
    async fn load_held(&self, replica: &IdbReplica) -> Result<(), SyncError> {
        if self.held.with_value(Option::is_some) {
            return Ok(());
        }
        let (docs, bad) = replica.all().await?;
        if !bad.is_empty() {
            self.skipped.update(|s| s.extend(bad));
        }
        self.held.set_value(Some(BTreeMap::new()));
        self.hold(docs).await;
        Ok(())
    }

    /// Adds revisions to those held (a coordinator's: to the national
    /// picture, which holds them).
    pub(super) async fn hold(&self, docs: Vec<FormDoc>) {
        if self.is_coordinator() {
            return self.count_in(docs).await;
        }
        self.held
            .update_value(|h| add_held(h.get_or_insert_with(BTreeMap::new), docs));
    }

    /// Forgets what is held in memory (the device was cleared).
    pub fn forget(&self) {
        self.held.set_value(None);
        self.replica
            .with_value(|r| r.as_ref().map(IdbReplica::forget));
        self.national.set_value(Default::default());
        self.caught_up.set(false);
        self.total.set(0);
        self.view.set(SharedView::default());
        self.waiting.set(0);
        self.refused.set(Vec::new());
        self.skipped.set(Vec::new());
    }

    async fn exchange(&self, replica: &IdbReplica) -> Result<(), SyncError> {
        let couch = self.couch();
        couch.check_schema().await?;
        let device = self.device_id(replica).await;
        // Batches of images are kept small (about half a megabyte a form).
        let opts = match self.images.get_untracked() {
            true => SyncOptions {
                push_batch: 10,
                ..SyncOptions::default()
            },
            false => SyncOptions::default(),
        };
        let pushed = push(&couch, replica, &format!("push:{device}"), opts).await?;
        self.refused.update(|r| {
            r.retain(|x| !pushed.refused.iter().any(|p| p.id == x.id));
            r.extend(pushed.refused.iter().cloned());
        });
        if self.is_coordinator() {
            // A coordinator's page pulls as it follows the database.
            self.last_ms.set(Some(web::timer::unix_ms()));
            return Ok(());
        }
        let pulled = pull(&couch, replica, &format!("pull:{device}"), opts).await;
        self.hold(replica.take_pulled()).await;
        let pulled = pulled?;
        self.skipped.set(pulled.skipped);
        self.last_ms.set(Some(web::timer::unix_ms()));
        Ok(())
    }

    /// This device's id for its checkpoints (random, kept in the replica).
    pub(super) async fn device_id(&self, replica: &IdbReplica) -> String {
        if let Ok(Some(v)) = replica.meta(KEY_DEVICE).await {
            if let Some(id) = v.as_str() {
                return id.to_string();
            }
        }
        let id = format!("{:016x}", (js_sys::Math::random() * 2f64.powi(53)) as u64);
        let _ = replica.set_meta(KEY_DEVICE, id.clone().into()).await;
        id
    }

    /// The view and the waiting count, from the replica.
    pub async fn refresh(&self) {
        let Some(replica) = self.replica.get_value() else {
            return;
        };
        if self.is_coordinator() {
            self.view.set(self.national.with_value(|n| n.view()));
        } else if self.load_held(&replica).await.is_ok() {
            let me = self.me().unwrap_or_default();
            let view = self
                .held
                .with_value(|h| h.as_ref().map(|h| SharedView::of_held(h, &me)));
            self.view.set(view.unwrap_or_default());
        }
        let device = self.device_id(&replica).await;
        let key = format!("checkpoint:push:{device}");
        let since = replica
            .meta(&key)
            .await
            .ok()
            .flatten()
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        self.waiting.set(replica.waiting(since).await.unwrap_or(0));
    }
}

impl SyncStore {
    /// Syncs `records` a moment after they change (many forms finishing
    /// close together make one sync), and every 30 s while logged in.
    pub fn watch(self, records: RwSignal<Vec<BallotRecord>>) {
        let pending: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage> =
            StoredValue::new_local(None);
        let later = move |ms: u32| {
            let t = gloo_timers::callback::Timeout::new(ms, move || {
                let all = records.get_untracked();
                leptos::task::spawn_local(self.sync(all));
            });
            pending.set_value(Some(t));
        };
        Effect::new(move |_| {
            records.track();
            if self.account.get().is_some() {
                later(2_000);
            }
        });
        let tick = gloo_timers::callback::Interval::new(30_000, move || {
            if self.account.get_untracked().is_some() && web::network::is_online() {
                leptos::task::spawn_local(self.sync(records.get_untracked()));
            }
        });
        std::mem::forget(tick);
    }
}

/// Sets `signal` to `value` after `left` more tasks (a task each hop).
fn hop(signal: RwSignal<u32>, value: u32, left: u32) {
    match left {
        0 => {
            signal.try_set(value);
        }
        _ => set_timeout(
            move || hop(signal, value, left - 1),
            std::time::Duration::ZERO,
        ),
    }
}

impl Default for SyncStore {
    fn default() -> Self {
        Self::new()
    }
}

/// What to do about a document the database refused, in the language.
pub fn refusal_advice(lang: Lang, error: &str) -> &'static str {
    match (error, lang) {
        ("forbidden", Lang::Th) => "แก้ได้เฉพาะผลที่ตัวเองอ่าน: ให้ผู้ประสานงานแก้ใบนี้",
        ("forbidden", Lang::En) => {
            "only your own readings can be changed: ask a coordinator to change this form"
        }
        ("unauthorized", Lang::Th) => "เข้าสู่ระบบอีกครั้ง แล้วซิงก์ใหม่",
        ("unauthorized", Lang::En) => "log in again, then sync",
        ("conflict", Lang::Th) => "ใบนี้ถูกแก้พร้อมกันจากที่อื่น: ซิงก์อีกครั้ง",
        ("conflict", Lang::En) => "changed elsewhere at the same time: sync again",
        (_, Lang::Th) => "ลองซิงก์อีกครั้ง ถ้ายังไม่ได้ แจ้งผู้ประสานงาน",
        (_, Lang::En) => "sync again; if it stays, tell a coordinator",
    }
}

/// A sync error, in the language, with what to do.
pub fn sync_error(lang: Lang, e: &SyncError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        SyncError::Address(why) => format!("ที่อยู่ฐานข้อมูล: {why}"),
        SyncError::Unauthorized => "ยังไม่ได้เข้าสู่ระบบ หรือหมดเวลาแล้ว: เข้าสู่ระบบอีกครั้ง (ผลที่รอส่งยังอยู่ครบ)".into(),
        SyncError::Forbidden(why) => format!("ฐานข้อมูลไม่อนุญาต: {why}"),
        SyncError::NoDatabase(db) => format!("ไม่มีฐานข้อมูล \"{db}\" บนเซิร์ฟเวอร์นี้: ให้ผู้ประสานงานรันคำสั่งตั้งค่าก่อน (couch/setup)"),
        SyncError::Schema { found } => format!("ฐานข้อมูลนี้เก็บข้อมูลรุ่น {found} แต่ TallyScan รุ่นนี้ใช้รุ่น 1: ตรวจชื่อฐานข้อมูล หรือให้ผู้ประสานงานตั้งค่าใหม่"),
        SyncError::Transport(t) => format!("ติดต่อเซิร์ฟเวอร์ไม่ได้ ({t}): จะลองใหม่เองเมื่อออนไลน์ ผลที่รอส่งยังอยู่ครบ"),
        SyncError::Server { status, error, reason } => format!("เซิร์ฟเวอร์ตอบ {status}: {error} {reason}"),
        SyncError::Malformed(why) => format!("อ่านคำตอบของเซิร์ฟเวอร์ไม่ได้: {why}"),
        SyncError::Local(why) => format!("ที่เก็บข้อมูลในเครื่องนี้: {why}"),
    }
}
