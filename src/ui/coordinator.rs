//! The coordinator's side of the shared database: the page follows the
//! database's changes (a long poll at a time, from a checkpoint kept on the
//! device, so a reload goes on where it was), counts each new revision in
//! the national picture a few hundred documents at a time (the page stays
//! responsive through a first load of 100,000), and writes a coordinator's
//! resolutions of readings that disagree.

use super::sync::SyncStore;
use crate::core::domain::registry::Registry;
use crate::core::engine::ports::join;
use crate::core::sync::couch::SyncError;
use crate::core::sync::doc::FormDoc;
use crate::core::sync::replicate::{pull, SyncOptions};
use crate::core::sync::share::resolve;
use crate::web;
use leptos::prelude::*;

/// Pages of changes a step of following reads (each of 500 changes, most
/// with their documents: a page of 2,000 was 6 MB, read in one 60 ms task).
const PULL_PAGES: usize = 4;
/// Changes the first page of a load reads (its parse is a step of the
/// page while the browser is still compiling the page's code: 500 took
/// up to 60 ms then).
const FIRST_PAGE: usize = 100;
/// Documents counted between two yields to the page.
const STEP: usize = 100;
/// The national panel is redrawn at most this often while a load runs.
const TELL_EVERY_MS: f64 = 2_000.0;

impl SyncStore {
    /// Follows the database while the account is a coordinator's: a batch
    /// of changes at a time, each counted at once; when caught up, a long
    /// poll of 25 s waits for the next change.
    pub async fn follow(self) {
        if self.following.get_value() || !self.is_coordinator() {
            return;
        }
        self.following.set_value(true);
        if let Some(replica) = self.replica.get_value() {
            self.recount_replica(&replica).await;
        }
        let (mut caught_up, mut device, mut pending) = (false, None, Vec::new());
        let mut first = true;
        while self.is_coordinator() {
            let Some(replica) = self.replica.get_value() else {
                break;
            };
            if self.total.get_untracked() == 0 {
                if let Ok(n) = self.couch().doc_count().await {
                    self.total.set(n);
                }
            }
            if device.is_none() {
                device = Some(self.device_id(&replica).await);
            }
            let rep_id = format!("follow:{}", device.as_deref().unwrap_or_default());
            // The batch pulled last is counted while the next is fetched.
            let counted = self.count_pulled(std::mem::take(&mut pending), caught_up);
            let step = self.follow_step(&replica, &rep_id, caught_up, first);
            caught_up = join(counted, step).await.1;
            first = false;
            pending = replica.take_pulled();
        }
        self.following.set_value(false);
    }

    /// Counts a batch pulled; once caught up, the shared view is refreshed.
    async fn count_pulled(&self, docs: Vec<FormDoc>, caught_up: bool) {
        if !docs.is_empty() {
            self.hold(docs).await;
        }
        if caught_up {
            self.refresh().await;
        }
    }

    /// One pull of up to `PULL_PAGES` pages of changes (each page parsed
    /// and stored while the next is on its way), left for the caller to
    /// count; whether the page has caught up with the database.
    /// A long poll only once caught up (a step that stopped at its limit
    /// asks again at once); the `first` step opens with a short page.
    async fn follow_step(
        &self,
        replica: &web::replica::IdbReplica,
        rep_id: &str,
        caught_up: bool,
        first: bool,
    ) -> bool {
        let opts = SyncOptions {
            wait_ms: caught_up.then_some(25_000),
            pull_batches: Some(PULL_PAGES),
            first_batch: first.then_some(FIRST_PAGE),
            ..SyncOptions::default()
        };
        match pull(&self.couch(), replica, rep_id, opts).await {
            Ok(report) => {
                if !report.skipped.is_empty() {
                    self.skipped.update(|s| s.extend(report.skipped));
                }
                self.caught_up.set(!report.more);
                !report.more
            }
            Err(_) => {
                gloo_timers::future::TimeoutFuture::new(5_000).await;
                false
            }
        }
    }

    /// What this device's replica already holds (a reload), counted a
    /// page (three groups, up to 300 revisions) at a time before following
    /// goes on from its checkpoint.
    async fn recount_replica(&self, replica: &web::replica::IdbReplica) {
        if self.national.with_value(|n| n.forms() > 0) {
            return;
        }
        let mut after = None;
        loop {
            match replica.page(after, 3).await {
                Ok((docs, bad, last)) => {
                    if !bad.is_empty() {
                        self.skipped.update(|s| s.extend(bad));
                    }
                    self.count_in(docs).await;
                    match last {
                        Some(key) => after = Some(key),
                        None => return,
                    }
                }
                Err(e) => return self.error.set(Some(e.into())),
            }
        }
    }

    /// Counts revisions in the national picture, `STEP` documents at a
    /// time with a yield to the page between, telling the page at most
    /// every two seconds (and at the end).
    pub(super) async fn count_in(&self, docs: Vec<FormDoc>) {
        let registry = Registry::shared();
        let mut docs = docs.into_iter().peekable();
        while docs.peek().is_some() {
            let step: Vec<FormDoc> = docs.by_ref().take(STEP).collect();
            self.national.update_value(|n| n.apply(step, registry));
            let now = web::timer::unix_ms();
            if now - self.told_ms.get_value() >= TELL_EVERY_MS {
                self.told_ms.set_value(now);
                self.national_rev.update(|r| *r += 1);
            }
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        self.told_ms.set_value(web::timer::unix_ms());
        self.national_rev.update(|r| *r += 1);
    }

    /// A coordinator keeps `keep` and sets `others` aside: the resolution
    /// is written to the replica, counted, and synced. The keep buttons
    /// are disabled (busy) while it is written.
    pub async fn settle(self, keep: FormDoc, others: Vec<FormDoc>) {
        let (Some(replica), Some(me)) = (self.replica.get_value(), self.me()) else {
            return;
        };
        self.busy.set(true);
        let written = resolution(&replica, keep, others, &me).await;
        self.busy.set(false);
        match written {
            Ok(docs) => {
                self.hold(docs).await;
                self.sync(Vec::new()).await;
            }
            Err(e) => self.error.set(Some(e)),
        }
    }
}

/// Writes a resolution to the replica from the readings whole, as the
/// replica holds them (the page's copy may lack parts); nothing is written
/// unless every one is found.
async fn resolution(
    replica: &web::replica::IdbReplica,
    keep: FormDoc,
    others: Vec<FormDoc>,
    me: &str,
) -> Result<Vec<FormDoc>, SyncError> {
    let mut whole = Vec::new();
    for d in std::iter::once(keep).chain(others) {
        let rev = d.rev().to_string();
        let why = || {
            SyncError::Local(format!(
                "{} {rev} is not on this device: sync, then try again",
                d.id
            ))
        };
        whole.push(replica.get(&d.id, &rev).await?.ok_or_else(why)?);
    }
    let (keep, others) = whole.split_at(1);
    let docs = resolve(&keep[0], others, me);
    replica.write(&docs).await?;
    Ok(docs)
}
