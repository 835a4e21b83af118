//! The batch engine: every image of a batch through the model, at the API's
//! allowed rate and never over it, with bounded concurrency, retries that
//! honour the server, cancel and pause, and memory cleanup every 50 ballots.
//!
//! Runs on one thread (the browser's) over the traits in [`crate::core::engine::ports`];
//! its own loop polls the requests in flight, so it needs no executor
//! features beyond waking.
//!
//! 1. The survey ([`survey`]) checks every file's size and first bytes
//!    before any slot is spent, and finds copies (sent once).
//! 2. Each ballot's image is read and prepared once, ahead of its slot and
//!    a bounded number at a time ([`prepare`], [`ahead`]); every attempt
//!    (retries, re-asks, the fallback model, the second reading) sends
//!    those bytes.
//! 3. Per attempt ([`attempt`]): waits for admission ([`gate`]: its booked slot, checked
//!    again on the wire right before sending, with the body already made;
//!    no pause, no server hold), sends, and lets [`classify`] decide: a
//!    record, a failure, a retry (backoff, a re-ask, or the server's wait,
//!    which holds the whole batch) or a stop.
//!    A flagged record may be read a second time ([`second`]).
//! 4. The [`ledger`] reports every ballot exactly once, its copies with it,
//!    and frees memory every 50 (image handles, the preparation's worker).
//!
//! The batch stops early when the key is refused (401/403), or when the
//! first attempts all fail the same way before any succeeds (no network
//! answer, 404, 402, 400): what finished is kept, the rest is reported as
//! not started, interrupted, or cancelled after sending.

mod ahead;
mod attempt;
mod classify;
mod gate;
mod ledger;
mod options;
mod prepare;
mod second;
mod survey;

pub use crate::core::engine::progress::{StopReason, SystemicCause};
pub use ahead::PrepareAhead;
pub use classify::{classify, Context, Observed, Outcome, RetryWait, Step};
pub use options::*;
use second::{leave, Second};

use crate::core::api::cost::cost;
use crate::core::api::provider::{ProviderSettings, Usage};
use crate::core::domain::registry::Registry;
use crate::core::domain::rng::SplitMix64;
use crate::core::engine::control::Control;
use crate::core::engine::ports::{
    Clock, ImageData, ImagePrep, ImageSource, Journal, LocalBoxFuture, OcrClient, SharedLimit,
    Sleeper,
};
use crate::core::engine::progress::{BallotOutcome, EngineEvent, FailureKind, ProgressCallback};
use crate::core::read::image::{MAX_IMAGE_BYTES, MAX_SOURCE_BYTES};
use ahead::{Ahead, Permit};
use gate::Gate;
use ledger::{Ledger, Tries};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::task::Poll;
use std::time::Duration;

/// A request that wakes later than this after its slot woke late.
const LATE: Duration = Duration::from_millis(50);

/// Answers needed before the timeout follows the observed latency.
const TIMEOUT_SAMPLES: usize = 10;

/// The timeout for the next request: the setting until enough answers came,
/// then `max(min, 4 × p95 latency)`, never above the setting.
pub fn adaptive_timeout(setting: Duration, min: Duration, ok_latencies_ms: &[f64]) -> Duration {
    if ok_latencies_ms.len() < TIMEOUT_SAMPLES {
        return setting;
    }
    let mut sorted = ok_latencies_ms.to_vec();
    sort_ms(&mut sorted);
    let p95 = percentile(&sorted, 0.95);
    let four = Duration::try_from_secs_f64(4.0 * p95 / 1000.0).unwrap_or(setting);
    four.max(min).min(setting)
}

/// What the engine runs over.
pub struct Env<'a> {
    /// Sends requests.
    pub client: &'a dyn OcrClient,
    /// Monotonic and wall time.
    pub clock: &'a dyn Clock,
    /// Waiting.
    pub sleeper: &'a dyn Sleeper,
    pub images: &'a dyn ImageSource,
    /// Where and how to ask.
    pub settings: &'a ProviderSettings,
    /// Provinces and parties for validation.
    pub registry: &'a Registry,
    /// Who hears about progress.
    pub progress: &'a dyn ProgressCallback,
    /// Cancel and pause.
    pub control: &'a Control,
    /// Where finished ballots are kept before they count as done (none:
    /// results live in memory only).
    pub journal: Option<&'a dyn Journal>,
    /// Prepares each image before it is sent (none: sent as picked).
    pub prep: Option<&'a dyn ImagePrep>,
    /// A rate limit shared with the other pages of this browser (none:
    /// this page's own is the only one).
    pub shared_limit: Option<&'a dyn SharedLimit>,
    /// A second provider and model, asked once for a ballot the first
    /// refused (a failure retrying will not fix) or could not read.
    pub fallback: Option<&'a ProviderSettings>,
}

/// The outcome of a batch, with its statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchResult {
    /// Ballots with a record, in the order they finished.
    pub results: Vec<crate::core::engine::progress::BallotResult>,
    /// Ballots without one (including those not finished).
    pub errors: Vec<crate::core::engine::progress::BallotError>,
    /// Ballots in the batch.
    pub total: usize,
    /// Ballots that finished (with a result or a failure), not counting those the batch did not finish.
    pub processed: usize,
    /// Why it ended early, if it did.
    pub stopped: Option<StopReason>,
    /// Engine clock at the start.
    pub start: Duration,
    /// Engine clock at the end.
    pub end: Duration,
    /// Requests sent, retries included.
    pub requests_sent: u64,
    /// Retries (requests beyond each ballot's first), counted.
    pub retries: u64,
    /// Memory cleanups made.
    pub memory_cleanups: u32,
    /// Median latency of answered requests, ms.
    pub latency_p50_ms: f64,
    /// 95th percentile latency, ms.
    pub latency_p95_ms: f64,
    /// Token usage, when the API reported it.
    pub tokens: Usage,
    /// Bytes of the picked files read to send them.
    pub bytes_read: u64,
    /// Bytes of the images sent (after preparation), retries included.
    pub bytes_sent: u64,
    /// Ballots handed to the fallback model.
    pub fallbacks: u32,
    /// Flagged ballots read a second time.
    pub rereads: usize,
    /// Images read and prepared (one per ballot sent: retries, the
    /// fallback model and second readings send the same bytes).
    pub preparations: u64,
}

impl BatchResult {
    /// Wall duration of the batch.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
    /// Requests per second achieved over the whole batch.
    pub fn requests_per_second(&self) -> f64 {
        let s = self.duration().as_secs_f64();
        if s > 0.0 {
            self.requests_sent as f64 / s
        } else {
            0.0
        }
    }
}

/// The largest file a batch takes: larger when images are prepared
/// (downscaled) before sending.
pub(super) fn source_limit(prepared: bool) -> usize {
    if prepared {
        MAX_SOURCE_BYTES
    } else {
        MAX_IMAGE_BYTES
    }
}

fn sort_ms(ms: &mut [f64]) {
    ms.sort_unstable_by(f64::total_cmp);
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Consecutive attempts that failed the same systemic way before the
/// first success.
#[derive(Default)]
struct Streak {
    cause: Option<SystemicCause>,
    count: u32,
    any_success: bool,
}

impl Streak {
    /// Counts an attempt; returns the cause once `limit` in a row failed so.
    fn count(&mut self, seen: &Observed, limit: u32) -> Option<(SystemicCause, u32)> {
        if self.any_success || seen.success {
            self.any_success = true;
            return None;
        }
        match seen.systemic {
            Some(c) if self.cause == Some(c) => self.count += 1,
            Some(c) => (self.cause, self.count) = (Some(c), 1),
            None => (self.cause, self.count) = (None, 0),
        }
        self.cause
            .filter(|_| self.count >= limit.max(1))
            .map(|c| (c, self.count))
    }
}

struct Shared {
    gate: Gate,
    rng: SplitMix64,
    recent_latency: VecDeque<Duration>,
    latencies_ms: Vec<f64>,
    ok_latencies_ms: Vec<f64>,
    requests: u64,
    retries: u64,
    tokens: Usage,
    tries: Vec<Tries>,
    /// Each ballot's picked image size in pixels, once prepared.
    pixels: Vec<Option<(u32, u32)>>,
    bytes_read: u64,
    bytes_sent: u64,
    streak: Streak,
    stop: Option<StopReason>,
    timeout_shown: Duration,
    /// Attempts admitted whose answer is not yet observed.
    admitted: usize,
    /// Ballots handed to the fallback model.
    fallbacks: u32,
    /// Second readings started.
    rereads: usize,
    /// The budget would be passed: nothing more is admitted, and the batch
    /// stops once what is on its way has come back.
    budget_hit: bool,
    /// Ballots sleeping before their next attempt: they hold no request,
    /// so they do not count against the concurrency limit.
    backing_off: usize,
    /// Images read and prepared.
    preparations: u64,
}

/// How a ballot's processing ended: `None` when the batch stopped before
/// it finished.
struct Finished {
    index: usize,
    outcome: Option<Outcome>,
    /// The image as it was sent, for the journal to keep.
    image: Option<ImageData>,
}

/// A ballot's image, prepared once and sent by each of its attempts; freed
/// when the ballot is finished.
struct Ready<'p> {
    image: ImageData,
    media: &'static str,
    /// SHA-256 of the picked file (of the whole PDF, for a page).
    sha256: String,
    /// Its place among the images prepared ahead, until the first send.
    permit: Option<Permit<'p>>,
}

/// A drawn PDF page's weight against the bound on images prepared ahead
/// (its file's size says nothing of one page).
const PAGE_BYTES: u64 = 4 * 1024 * 1024;

struct Engine<'e, 'a> {
    env: &'e Env<'a>,
    opts: &'e BatchOptions,
    shared: RefCell<Shared>,
    ahead: Ahead,
}

impl<'e, 'a> Engine<'e, 'a> {
    fn new(env: &'e Env<'a>, opts: &'e BatchOptions) -> Self {
        Engine {
            env,
            opts,
            shared: RefCell::new(Shared {
                gate: Gate::new(opts.quota),
                rng: SplitMix64::new(opts.seed),
                recent_latency: VecDeque::new(),
                latencies_ms: Vec::new(),
                ok_latencies_ms: Vec::new(),
                requests: 0,
                retries: 0,
                tokens: Usage::default(),
                tries: vec![Tries::default(); env.images.len()],
                pixels: vec![None; env.images.len()],
                bytes_read: 0,
                bytes_sent: 0,
                admitted: 0,
                fallbacks: 0,
                rereads: 0,
                budget_hit: false,
                streak: Streak::default(),
                stop: None,
                timeout_shown: opts.request_timeout,
                backing_off: 0,
                preparations: 0,
            }),
            ahead: Ahead::new(opts.prepare_ahead),
        }
    }

    fn event(&self, e: EngineEvent) {
        self.env.progress.on_event(&e);
    }

    fn now(&self) -> Duration {
        self.env.clock.now()
    }

    fn tries(&self, index: usize) -> Tries {
        self.shared
            .borrow()
            .tries
            .get(index)
            .copied()
            .unwrap_or_default()
    }

    fn request_stop(&self, reason: StopReason) {
        let mut s = self.shared.borrow_mut();
        if s.stop.is_none() {
            s.stop = Some(reason);
        }
    }

    /// Whether one more request fits the budget; if not, the batch stops.
    fn within_budget(&self) -> bool {
        let Some((budget, next)) = &self.opts.budget else {
            return true;
        };
        let (spent, in_flight) = {
            let s = self.shared.borrow();
            (s.tokens, s.admitted as u64)
        };
        // What is on its way will be paid for too.
        let coming = Usage {
            input_tokens: next.input_tokens.saturating_mul(in_flight + 1),
            output_tokens: next.output_tokens.saturating_mul(in_flight + 1),
        };
        if budget.allows(&spent, &coming) {
            return true;
        }
        // Not a stop that aborts: what is on its way is paid for, so its
        // answers are kept; nothing new goes.
        self.shared.borrow_mut().budget_hit = true;
        false
    }

    /// Whether a ballot that failed so with `used` goes to the fallback
    /// model: once, for a refusal retrying will not fix or an answer that
    /// could not be read, when there is one.
    fn falls_back(&self, kind: &FailureKind, used: &ProviderSettings) -> bool {
        let Some(fallback) = self.env.fallback else {
            return false;
        };
        matches!(kind, FailureKind::Api | FailureKind::Unreadable)
            && !std::ptr::eq(used, fallback)
            && !self.stopping()
    }

    /// Why the batch stopped at its budget, with what it spent in the end.
    fn budget_reason(&self) -> StopReason {
        let micros = |d: f64| (d.max(0.0) * 1e6).min(u64::MAX as f64) as u64;
        let spent = self.shared.borrow().tokens;
        let (spent, cap) = match &self.opts.budget {
            Some((b, _)) => (cost(&spent, &b.prices), b.cap),
            None => (0.0, 0.0),
        };
        StopReason::Budget {
            spent_micros: micros(spent),
            cap_micros: micros(cap),
        }
    }

    fn stopping(&self) -> bool {
        self.shared.borrow().stop.is_some() || self.env.control.is_cancelled()
    }

    fn concurrency_limit(&self) -> usize {
        match self.opts.concurrency {
            Concurrency::Fixed(n) => n.max(1),
            Concurrency::Auto { max } => {
                let s = self.shared.borrow();
                let slowest = s
                    .recent_latency
                    .iter()
                    .max()
                    .copied()
                    .unwrap_or(self.opts.initial_latency);
                // Half again as many as the mean would need: latencies vary,
                // and a slot with no request ready is lost for good.
                let rate = s.gate.ceiling().rate_per_sec();
                let need = (1.5 * rate * slowest.as_secs_f64()).ceil();
                (need.min(1e6) as usize + 1).clamp(1, max.max(1))
            }
        }
    }

    /// Waits until this ballot may send: its booked slot, admitted on the
    /// wire, no pause, no server hold. `false` when the batch stops.
    async fn acquire(&self, index: usize) -> bool {
        let control = self.env.control;
        loop {
            while control.is_paused() && !self.stopping() {
                control.changed_future().await;
            }
            if self.stopping() {
                return false;
            }
            let booked_at = self.now();
            let wait = self.shared.borrow_mut().gate.book(booked_at);
            let due = booked_at.saturating_add(wait);
            if !wait.is_zero() {
                self.event(EngineEvent::LimiterWait { index, wait });
                self.env.sleeper.sleep(wait).await;
            }
            let now = self.now();
            if self.shared.borrow().gate.held(now) || control.is_paused() || self.stopping() {
                continue;
            }
            if self.admit_on_the_wire(index, due).await {
                self.wait_for_the_shared_slot().await;
                return true;
            }
        }
    }

    /// Books this request's slot in the limit shared with other pages, and
    /// waits for it.
    async fn wait_for_the_shared_slot(&self) {
        let Some(shared) = self.env.shared_limit else {
            return;
        };
        let wait = shared.book(self.opts.quota).await;
        if !wait.is_zero() {
            self.env.sleeper.sleep(wait).await;
        }
    }

    /// The wire's last word before sending. A request that woke late
    /// (more than [`LATE`] after its slot: a hidden tab, a busy tablet)
    /// and is refused books again (`false`), so late wake-ups never leave
    /// together. One on time that is refused (its timer fired a hair early,
    /// or the request before it left late) waits what the wire says and
    /// asks again: booking again would lose its slot for nothing.
    async fn admit_on_the_wire(&self, index: usize, due: Duration) -> bool {
        loop {
            let now = self.now();
            let admitted = self.shared.borrow_mut().gate.admit(now);
            match admitted {
                Ok(()) => return true,
                Err(wait) if now.saturating_sub(due) <= LATE => {
                    self.env.sleeper.sleep(wait).await;
                }
                Err(wait) => {
                    self.event(EngineEvent::Rebooked { index, wait });
                    return false;
                }
            }
            if self.stopping() || self.env.control.is_paused() {
                return false;
            }
        }
    }

    /// Ballots sleeping before a retry (they hold no request).
    fn backing_off(&self) -> usize {
        self.shared.borrow().backing_off
    }

    async fn process(&self, index: usize) -> Finished {
        let ready = match self.ready(index).await {
            Ok(r) => r,
            Err(outcome) => {
                return Finished {
                    index,
                    outcome,
                    image: None,
                }
            }
        };
        let image = ready.image.clone();
        let mut finished = self.ask(index, ready).await;
        if finished.outcome.is_some() {
            finished.image = Some(image);
        }
        finished
    }

    /// Runs the queue with bounded concurrency until it is done or the
    /// batch stops; returns what did not finish.
    async fn dispatch(&self, queue: &[usize], ledger: &mut Ledger<'_>) -> Vec<(usize, Tries)> {
        let control = self.env.control;
        let mut next = 0usize;
        let mut in_flight: Vec<(usize, LocalBoxFuture<'_, Finished>)> = Vec::new();
        let mut unfinished: Vec<usize> = Vec::new();
        let (mut last_limit, mut was_paused) = (0usize, false);
        loop {
            if control.is_cancelled() {
                ledger.stop(StopReason::Cancelled);
            }
            if let Some(reason) = self.shared.borrow_mut().stop.take() {
                ledger.stop(reason);
            }
            if ledger.stopped() {
                break;
            }
            let paused = control.is_paused();
            if paused != was_paused {
                self.event(if paused {
                    EngineEvent::Paused
                } else {
                    EngineEvent::Resumed
                });
                was_paused = paused;
            }
            let limit = self.concurrency_limit();
            if limit != last_limit {
                self.event(EngineEvent::Concurrency(limit));
                last_limit = limit;
            }
            let budget_hit = self.shared.borrow().budget_hit;
            while !paused
                && !budget_hit
                && in_flight.len().saturating_sub(self.backing_off()) < limit
                && next < queue.len()
            {
                let i = queue[next];
                in_flight.push((i, Box::pin(self.process(i))));
                next += 1;
            }
            if in_flight.is_empty() {
                if budget_hit {
                    ledger.stop(self.budget_reason());
                    break;
                }
                if next >= queue.len() {
                    break;
                }
                control.changed_future().await; // paused with nothing in flight
                continue;
            }
            let Some(f) = poll_any(&mut in_flight, control, || self.backing_off()).await else {
                continue;
            };
            match f.outcome {
                Some(outcome) => {
                    if let (Some(j), Some(image)) = (self.env.journal, &f.image) {
                        j.keep_image(f.index, image).await;
                    }
                    drop(f.image);
                    let rows = ledger.rows(f.index, outcome, self.tries(f.index));
                    keep_and_commit(self.env.journal, rows, ledger).await;
                }
                None => unfinished.push(f.index),
            }
        }
        unfinished.extend(in_flight.iter().map(|(i, _)| *i));
        drop(in_flight); // aborts requests still in flight
        unfinished.extend_from_slice(&queue[next.min(queue.len())..]);
        unfinished.into_iter().map(|i| (i, self.tries(i))).collect()
    }

    /// Latency percentiles, requests, retries and tokens, into the result.
    fn statistics(self, result: &mut BatchResult) {
        let s = self.shared.into_inner();
        let mut lat = s.latencies_ms;
        sort_ms(&mut lat);
        result.latency_p50_ms = percentile(&lat, 0.5);
        result.latency_p95_ms = percentile(&lat, 0.95);
        result.requests_sent = s.requests;
        result.bytes_read = s.bytes_read;
        result.bytes_sent = s.bytes_sent;
        result.fallbacks = s.fallbacks;
        result.rereads = s.rereads;
        result.preparations = s.preparations;
        result.retries = s.retries;
        result.tokens = s.tokens;
    }
}

/// Runs a closure when dropped (also when the future holding it is
/// dropped mid-await).
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// Polls the futures in flight until one finishes (`Some`), or the control
/// changes or a ballot started backing off (`None`: the caller looks again).
async fn poll_any<T>(
    in_flight: &mut Vec<(usize, LocalBoxFuture<'_, T>)>,
    control: &Control,
    backing_off: impl Fn() -> usize,
) -> Option<T> {
    let version = control.version();
    let sleeping = backing_off();
    std::future::poll_fn(|cx| {
        for k in 0..in_flight.len() {
            if let Poll::Ready(d) = in_flight[k].1.as_mut().poll(cx) {
                drop(in_flight.swap_remove(k));
                return Poll::Ready(Some(d));
            }
        }
        if control.version() != version || backing_off() > sleeping {
            return Poll::Ready(None);
        }
        control.register(cx.waker());
        Poll::Pending
    })
    .await
}

/// Keeps each row in the journal, then reports it. A row that cannot be
/// kept is still reported (it was read), and the batch stops: nothing more
/// is paid for that could not be kept.
async fn keep_and_commit(
    journal: Option<&dyn Journal>,
    rows: Vec<BallotOutcome>,
    ledger: &mut Ledger<'_>,
) {
    for row in rows {
        if let Some(j) = journal {
            if let Err(why) = j.keep(&row).await {
                ledger.stop(StopReason::Storage(why.to_string()));
            }
        }
        ledger.commit(row);
    }
}

/// Runs a batch to the end (or until cancelled or stopped early).
pub async fn run_batch(env: &Env<'_>, opts: &BatchOptions) -> BatchResult {
    let engine = Engine::new(env, opts);
    let mut ledger = Ledger::new(env.images, env.prep, env.progress, opts);
    let start = env.clock.now();
    env.progress.on_start(env.images.len());
    let limit = source_limit(env.prep.is_some());
    let found = survey::survey(env.images, env.prep, env.control, &opts.already_done, limit).await;
    let refused = found
        .failed
        .into_iter()
        .map(|(i, kind, m)| ledger.refused(i, kind, m))
        .collect();
    keep_and_commit(env.journal, refused, &mut ledger).await;
    ledger.set_copies(found.copies);
    let unfinished = engine.dispatch(&found.queue, &mut ledger).await;
    let mut result = ledger.finish(unfinished);
    engine.statistics(&mut result);
    result.start = start;
    result.end = env.clock.now();
    env.progress.on_complete(&result.results, &result.errors);
    result
}
